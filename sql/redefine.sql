-- Defining a step again under the same name replaces it (issue 17, item 4):
-- a NOTICE, and the steps that read it follow the new definition
-- (workload_redefine.c).  Before, it was an error ("already defined").
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET eg.progress = off;

CREATE TABLE rd_t AS SELECT g AS id, g % 10 AS k FROM generate_series(1, 1000) g;

SELECT eg.begin('rd');
SELECT eg.dataset('rd_a', 'SELECT id, k FROM rd_t WHERE k < 5') IS NOT NULL AS defined;
SELECT eg.dataset('rd_b', 'SELECT * FROM rd_a') IS NOT NULL AS defined;
SELECT eg.aggregate('rd_c', 'SELECT count(*) AS n FROM rd_b') IS NOT NULL AS defined;
SELECT eg.dataset('rd_d', 'SELECT 1 AS one') IS NOT NULL AS defined;
SELECT step, action, rows FROM eg.run();

-- after a run: the new definition, with a new column, is planned next;
-- rd_b (SELECT *) gains the column, rd_c follows
SELECT eg.dataset('rd_a', 'SELECT id, k, id * 2 AS twice FROM rd_t WHERE k < 3') IS NOT NULL AS defined;
SELECT * FROM eg.steps();
SELECT step, action, rows FROM eg.run();
SELECT * FROM rd_b ORDER BY id LIMIT 2;
SELECT n, n = (SELECT count(*) FROM rd_t WHERE k < 3) AS as_plain_sql FROM rd_c;

-- the new definition may read a step defined after the old one: the
-- steps are put in order again
SELECT eg.dataset('rd_a', 'SELECT id, k, one FROM rd_t, rd_d WHERE k < 2') IS NOT NULL AS defined;
SELECT * FROM eg.steps();
SELECT step, action, rows FROM eg.run();
SELECT n FROM rd_c;

-- back to the first definition: its stored results are loaded again
SELECT eg.dataset('rd_a', 'SELECT id, k FROM rd_t WHERE k < 5') IS NOT NULL AS defined;
SELECT step, action, rows FROM eg.run();

-- errors leave the workload as it was
-- a cycle
SELECT eg.dataset('rd_a', 'SELECT n AS id, 0 AS k FROM rd_c');
-- a step reading it no longer analyses (rd_c2 reads column k)
SELECT eg.dataset('rd_c2', 'SELECT sum(k) AS s FROM rd_b') IS NOT NULL AS defined;
SELECT eg.dataset('rd_a', 'SELECT id FROM rd_t');
-- itself
SELECT eg.dataset('rd_b', 'SELECT * FROM rd_b');
SELECT * FROM eg.steps();
SELECT step, action FROM eg.run();

-- a model step defined again; a scored model must stay a model
CREATE FUNCTION rd_train(input regclass, params jsonb, warm bytea) RETURNS bytea
    LANGUAGE sql AS $$SELECT convert_to(params::text, 'UTF8')$$;
SELECT eg.model('rd_m', 'rd_train', 'rd_a', '{"depth": 1}') IS NOT NULL AS defined;
SELECT eg.aggregate('rd_q', 'SELECT 0.5 AS q FROM rd_m', quality_of => 'rd_m') IS NOT NULL AS defined;
SELECT eg.model('rd_m', 'rd_train', 'rd_b', '{"depth": 2}') IS NOT NULL AS defined;
SELECT eg.dataset('rd_m', 'SELECT 1 AS x');
SELECT step, action FROM eg.run('rd_q');
SELECT convert_from(model, 'UTF8') AS params FROM rd_m;
-- a step between the model and its score: defined again, the score must
-- still read the model, and its first column stay a number
SELECT eg.dataset('rd_x', 'SELECT 0.5::float8 AS q, length(model) AS l FROM rd_m') IS NOT NULL AS defined;
SELECT eg.aggregate('rd_q', 'SELECT q FROM rd_x', quality_of => 'rd_m') IS NOT NULL AS defined;
SELECT eg.dataset('rd_x', 'SELECT 0.7::float8 AS q FROM rd_a LIMIT 1');
SELECT eg.dataset('rd_x', 'SELECT ''high''::text AS q, length(model) AS l FROM rd_m');
SELECT step, inputs FROM eg.steps() WHERE step IN ('rd_x', 'rd_q');
SELECT inputs FROM eg.steps() WHERE step = 'rd_m';

DROP FUNCTION rd_train(regclass, jsonb, bytea);
DROP TABLE rd_t;
