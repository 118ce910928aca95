-- examples/workloads/w8.sql
--
-- W8 (custom): W1's features joined with W2's bureau features, W4's gradient
-- boosting.
--
-- Over the tables of examples/homecredit/generate.sql; needs examples/ml.sql.
-- Only defines the workload (each eg.* call adds a step; nothing runs yet):
--     \i examples/workloads/w8.sql
--     SELECT * FROM eg.run();
-- The same file as plain SQL, without eg:  examples/workloads/plain w8.sql | psql
-- (conventions in examples/workloads/README.md: steps shared by several
-- workloads are written once, in steps/, and included with \ir).

-- Steps read fresh temporary tables that have no statistics, so the planner
-- overestimates wide joins by orders of magnitude and JIT-compiles them for
-- seconds; this session setting (plain SQL and eg alike) avoids that.
SET jit = off;

SELECT eg.begin('homecredit/w8');

\ir steps/app.sql
\ir steps/w1_features.sql
\ir steps/bureau.sql

SELECT eg.dataset('feats_w8', $$
    -- W8: W1's features and W2's bureau features together
    SELECT *
    FROM feats_w1
    LEFT JOIN bureau_agg USING (sk_id_curr)
    LEFT JOIN bureau_cat USING (sk_id_curr)
    LEFT JOIN bb_by_client USING (sk_id_curr)
$$);

SELECT eg.dataset('train_w8', $$
    SELECT * FROM feats_w8 WHERE sk_id_curr % 5 <> 0
$$);

SELECT eg.dataset('test_w8', $$
    SELECT * FROM feats_w8 WHERE sk_id_curr % 5 = 0
$$);

SELECT eg.model('gbm_w8', 'ml.train_gbm', 'train_w8', '{"max_iter": 300, "learning_rate": 0.03, "max_leaf_nodes": 31, "min_samples_leaf": 80, "l2_regularization": 1.0, "threads": 2}');

SELECT eg.aggregate('auc_gbm_w8', $$SELECT ml.auc(m.model, 'test_w8') AS auc FROM gbm_w8 m$$,
                    quality_of => 'gbm_w8');
