-- examples/workloads/w2.sql
--
-- W2 (real: "Introduction to Manual Feature Engineering"): W1's encoded
-- application table joined with aggregates of bureau and bureau_balance, then
-- gradient boosting.
--
-- Over the tables of examples/homecredit/generate.sql; needs examples/ml.sql.
-- Only defines the workload (each eg.* call adds a step; nothing runs yet):
--     \i examples/workloads/w2.sql
--     SELECT * FROM eg.run();
-- The same file as plain SQL, without eg:  examples/workloads/plain w2.sql | psql
-- (conventions in examples/workloads/README.md: steps shared by several
-- workloads are written once, in steps/, and included with \ir).

-- Steps read fresh temporary tables that have no statistics, so the planner
-- overestimates wide joins by orders of magnitude and JIT-compiles them for
-- seconds; this session setting (plain SQL and eg alike) avoids that.
SET jit = off;

SELECT eg.begin('homecredit/w2');

\ir steps/app.sql
\ir steps/bureau.sql
\ir steps/w2_features.sql
\ir steps/w2_split.sql

SELECT eg.model('gbm_w2', 'ml.train_gbm', 'train_w2', '{"max_iter": 200, "learning_rate": 0.05, "max_leaf_nodes": 15, "min_samples_leaf": 40, "threads": 2}');

SELECT eg.aggregate('auc_gbm_w2', $$SELECT ml.auc(m.model, 'test_w2') AS auc FROM gbm_w2 m$$,
                    quality_of => 'gbm_w2');
