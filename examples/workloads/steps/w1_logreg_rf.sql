-- examples/workloads/steps/w1_logreg_rf.sql: W1's logistic regression and
-- random forest, each scored by ROC AUC. Included (\ir) by W1, W4; eg
-- recognises a step by its text, so a step shared by several workloads is
-- written once, here.

SELECT eg.model('logreg_w1', 'ml.train_logreg', 'train_w1', '{"C": 0.01, "threads": 2}');

SELECT eg.aggregate('auc_logreg_w1', $$SELECT ml.auc(m.model, 'test_w1') AS auc FROM logreg_w1 m$$,
                    quality_of => 'logreg_w1');

SELECT eg.model('rf_w1', 'ml.train_rf', 'train_w1', '{"n_estimators": 100, "min_samples_leaf": 5, "threads": 2}');

SELECT eg.aggregate('auc_rf_w1', $$SELECT ml.auc(m.model, 'test_w1') AS auc FROM rf_w1 m$$,
                    quality_of => 'rf_w1');
