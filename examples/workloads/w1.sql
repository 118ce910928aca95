-- examples/workloads/w1.sql
--
-- W1 (real: "Start Here: A Gentle Introduction"): clean, encode, polynomial and
-- domain features of application_train, then logistic regression, random forest
-- and gradient boosting, each scored by ROC AUC on the test split.
--
-- Over the tables of examples/homecredit/generate.sql; needs examples/ml.sql.
-- Only defines the workload (each eg.* call adds a step; nothing runs yet):
--     \i examples/workloads/w1.sql
--     SELECT * FROM eg.run();
-- The same file as plain SQL, without eg:  examples/workloads/plain w1.sql | psql
-- (conventions in examples/workloads/README.md: steps shared by several
-- workloads are written once, in steps/, and included with \ir).

-- Steps read fresh temporary tables that have no statistics, so the planner
-- overestimates wide joins by orders of magnitude and JIT-compiles them for
-- seconds; this session setting (plain SQL and eg alike) avoids that.
SET jit = off;

SELECT eg.begin('homecredit/w1');

\ir steps/app.sql
\ir steps/w1_features.sql
\ir steps/w1_logreg_rf.sql
\ir steps/w1_gbm.sql
