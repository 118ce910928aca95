-- examples/workloads/w4.sql
--
-- W4 (real, a modification of W1): a fork of W1's notebook, the same steps
-- with other hyperparameters for gradient boosting.  Every step but the last
-- two is W1's, written identically.
--
-- Over the tables of examples/homecredit/generate.sql; needs examples/ml.sql.
-- Only defines the workload (each eg.* call adds a step; nothing runs yet):
--     \i examples/workloads/w4.sql
--     SELECT * FROM eg.run();
-- The same file as plain SQL, without eg:  examples/workloads/plain w4.sql | psql
-- (conventions in examples/workloads/README.md: steps shared by several
-- workloads are written once, in steps/, and included with \ir).

-- Steps read fresh temporary tables that have no statistics, so the planner
-- overestimates wide joins by orders of magnitude and JIT-compiles them for
-- seconds; this session setting (plain SQL and eg alike) avoids that.
SET jit = off;

SELECT eg.begin('homecredit/w4');

\ir steps/app.sql
\ir steps/w1_features.sql
\ir steps/w1_logreg_rf.sql

SELECT eg.model('gbm_w4', 'ml.train_gbm', 'train_w1', '{"max_iter": 300, "learning_rate": 0.03, "max_leaf_nodes": 31, "min_samples_leaf": 80, "l2_regularization": 1.0, "threads": 2}');

SELECT eg.aggregate('auc_gbm_w4', $$SELECT ml.auc(m.model, 'test_w1') AS auc FROM gbm_w4 m$$,
                    quality_of => 'gbm_w4');
