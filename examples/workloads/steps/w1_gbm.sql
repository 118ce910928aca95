-- examples/workloads/steps/w1_gbm.sql: W1's gradient boosting, scored by ROC
-- AUC. Included (\ir) by W1, W5; eg recognises a step by its text, so a step
-- shared by several workloads is written once, here.

SELECT eg.model('gbm_w1', 'ml.train_gbm', 'train_w1', '{"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 15, "min_samples_leaf": 40, "threads": 2}');

SELECT eg.aggregate('auc_gbm_w1', $$SELECT ml.auc(m.model, 'test_w1') AS auc FROM gbm_w1 m$$,
                    quality_of => 'gbm_w1');
