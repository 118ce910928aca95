-- examples/workloads/w5.sql
--
-- W5 (real, a modification of W1): W1's features, a grid of gradient-boosting
-- hyperparameters (learning rate x leaves; one point is W1's model).
--
-- Over the tables of examples/homecredit/generate.sql; needs examples/ml.sql.
-- Only defines the workload (each eg.* call adds a step; nothing runs yet):
--     \i examples/workloads/w5.sql
--     SELECT * FROM eg.run();
-- The same file as plain SQL, without eg:  examples/workloads/plain w5.sql | psql
-- (conventions in examples/workloads/README.md: steps shared by several
-- workloads are written once, in steps/, and included with \ir).

-- Steps read fresh temporary tables that have no statistics, so the planner
-- overestimates wide joins by orders of magnitude and JIT-compiles them for
-- seconds; this session setting (plain SQL and eg alike) avoids that.
SET jit = off;

SELECT eg.begin('homecredit/w5');

\ir steps/app.sql
\ir steps/w1_features.sql
\ir steps/w1_gbm.sql

SELECT eg.model('gbm_w5_lr05_l31', 'ml.train_gbm', 'train_w1', '{"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 31, "min_samples_leaf": 40, "threads": 2}');

SELECT eg.aggregate('auc_gbm_w5_lr05_l31', $$SELECT ml.auc(m.model, 'test_w1') AS auc FROM gbm_w5_lr05_l31 m$$,
                    quality_of => 'gbm_w5_lr05_l31');

SELECT eg.model('gbm_w5_lr1_l15', 'ml.train_gbm', 'train_w1', '{"max_iter": 200, "learning_rate": 0.1, "max_leaf_nodes": 15, "min_samples_leaf": 40, "threads": 2}');

SELECT eg.aggregate('auc_gbm_w5_lr1_l15', $$SELECT ml.auc(m.model, 'test_w1') AS auc FROM gbm_w5_lr1_l15 m$$,
                    quality_of => 'gbm_w5_lr1_l15');

SELECT eg.model('gbm_w5_lr1_l31', 'ml.train_gbm', 'train_w1', '{"max_iter": 200, "learning_rate": 0.1, "max_leaf_nodes": 31, "min_samples_leaf": 40, "threads": 2}');

SELECT eg.aggregate('auc_gbm_w5_lr1_l31', $$SELECT ml.auc(m.model, 'test_w1') AS auc FROM gbm_w5_lr1_l31 m$$,
                    quality_of => 'gbm_w5_lr1_l31');
