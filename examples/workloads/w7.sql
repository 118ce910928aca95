-- examples/workloads/w7.sql
--
-- W7 (custom, W3 + W4): W3's features, W4's gradient boosting.
--
-- Over the tables of examples/homecredit/generate.sql; needs examples/ml.sql.
-- Only defines the workload (each eg.* call adds a step; nothing runs yet):
--     \i examples/workloads/w7.sql
--     SELECT * FROM eg.run();
-- The same file as plain SQL, without eg:  examples/workloads/plain w7.sql | psql
-- (conventions in examples/workloads/README.md: steps shared by several
-- workloads are written once, in steps/, and included with \ir).

-- Steps read fresh temporary tables that have no statistics, so the planner
-- overestimates wide joins by orders of magnitude and JIT-compiles them for
-- seconds; this session setting (plain SQL and eg alike) avoids that.
SET jit = off;

SELECT eg.begin('homecredit/w7');

\ir steps/app.sql
\ir steps/bureau.sql
\ir steps/w2_features.sql
\ir steps/w3_features.sql

SELECT eg.model('gbm_w7', 'ml.train_gbm', 'train_w3', '{"max_iter": 300, "learning_rate": 0.03, "max_leaf_nodes": 31, "min_samples_leaf": 80, "l2_regularization": 1.0, "threads": 2}');

SELECT eg.aggregate('auc_gbm_w7', $$SELECT ml.auc(m.model, 'test_w3') AS auc FROM gbm_w7 m$$,
                    quality_of => 'gbm_w7');
