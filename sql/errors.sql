-- Bad input: a clear error, and nothing changes.
CREATE TABLE e (a int);
INSERT INTO e VALUES (1), (2);
CREATE FUNCTION good_train(input regclass, params jsonb, warm bytea) RETURNS bytea
LANGUAGE sql AS $$ SELECT '\x00'::bytea $$;
CREATE FUNCTION bad_train(input text, params jsonb) RETURNS bytea
LANGUAGE sql AS $$ SELECT '\x00'::bytea $$;
CREATE FUNCTION bad_ret(input regclass, params jsonb, warm bytea) RETURNS text
LANGUAGE sql AS $$ SELECT 'x' $$;

-- nothing defined
SELECT eg.begin('errors');
SELECT * FROM eg.run();
SELECT * FROM eg.explain();

SELECT eg.dataset('a', 'SELECT a FROM e') IS NOT NULL AS defined;
-- invalid step names (a name defined again replaces its step: redefine.sql)
SELECT eg.dataset('', 'SELECT 1 AS x');
SELECT eg.dataset(repeat('n', 64), 'SELECT 1 AS x');
SELECT eg.dataset(NULL, 'SELECT 1 AS x');
SELECT eg.dataset('b', NULL);
-- a step cannot read itself
SELECT eg.dataset('b', 'SELECT * FROM b');
-- not a single read-only SELECT
SELECT eg.dataset('b', 'INSERT INTO e VALUES (3)');
SELECT eg.dataset('b', 'SELECT 1; SELECT 2');
SELECT eg.dataset('b', '');
SELECT eg.dataset('b', 'SELECT * INTO x FROM e');
SELECT eg.dataset('b', 'WITH d AS (DELETE FROM e RETURNING *) SELECT * FROM d');
SELECT eg.dataset('b', 'SELECT * FROM e FOR UPDATE');
SELECT eg.dataset('b', 'CREATE TABLE x (a int)');
SELECT eg.dataset('b', 'SELEC 1');
SELECT eg.dataset('b', 'SELECT * FROM no_such_table');
SELECT eg.dataset('b', 'SELECT a, a FROM e');
-- models: train signature, input, params
SELECT eg.model('m', 'bad_train', 'a');
SELECT eg.model('m', 'bad_ret', 'a');
SELECT eg.model('m', 'no_such_function', 'a');
SELECT eg.model('m', 'good_train', 'nope');
SELECT eg.model('m', 'good_train', 'a', '[1, 2]');
-- quality_of must name a model step
SELECT eg.aggregate('q', 'SELECT 0.5 AS s', quality_of => 'a');
SELECT eg.aggregate('q', 'SELECT 0.5 AS s', quality_of => 'nope');
-- unknown step to run
SELECT * FROM eg.run('nope');
SELECT * FROM eg.run(NULL::text);
-- none of the above changed the workload
SELECT step, action FROM eg.explain();

-- a quality outside [0,1] fails the run; only the steps before it are recorded
SELECT eg.model('m', 'good_train', 'a') IS NOT NULL AS defined;
SELECT eg.aggregate('q', 'SELECT 1.5 AS s FROM m', quality_of => 'm') IS NOT NULL AS defined;
SELECT (SELECT count(*) FROM eg.workloads) AS runs \gset
SELECT * FROM eg.run();
SELECT count(*) - :runs AS new_runs FROM eg.workloads;
SELECT string_agg(step || ' ' || action, ', ' ORDER BY ord) AS recorded
FROM eg.workload_steps WHERE workload = (SELECT max(id) FROM eg.workloads);
SELECT a.quality AS m_quality FROM eg.artifacts a JOIN eg.workload_steps s ON s.artifact = a.id
WHERE s.workload = (SELECT max(id) FROM eg.workloads) AND s.step = 'm';

-- malformed ids
SELECT 'xyz'::eg.artifact_id;
SELECT '0123456789abcdef0123456789abcdeg'::eg.artifact_id;
SELECT '0123456789abcdef0123456789abcdef0'::eg.artifact_id;
SELECT eg.restore('zz', 'r');
SELECT eg.restore('00000000000000000000000000000000', 'r');
SELECT eg.restore(NULL, 'r');

-- absurd settings
SET eg.budget = -1;
SET eg.alpha = 2;
SET eg.reuse = 'fastest';
SET eg.materializer = 'some';
SET eg.compression_level = 0;

-- ordinary roles cannot read the store or the graph tables directly
CREATE ROLE eg_nobody;
SET ROLE eg_nobody;
SELECT count(*) FROM eg.artifact;
SELECT count(*) >= 0 AS can_see_view FROM eg.artifacts;
RESET ROLE;
DROP ROLE eg_nobody;

-- a step that fails at run time: the error names the step; the steps
-- before it are recorded, the session keeps no table
SELECT eg.begin();
SELECT eg.dataset('fine', 'SELECT a FROM e') IS NOT NULL AS defined;
SELECT eg.dataset('boom', 'SELECT 1 / (a - a) AS x FROM fine') IS NOT NULL AS defined;
SELECT (SELECT count(*) FROM eg.workloads) AS runs \gset
SELECT * FROM eg.run();
SELECT count(*) - :runs AS new_runs FROM eg.workloads;
SELECT string_agg(step || ' ' || action, ', ' ORDER BY ord) AS recorded
FROM eg.workload_steps WHERE workload = (SELECT max(id) FROM eg.workloads);
SELECT count(*) AS leftover_tables FROM pg_class WHERE relname IN ('fine', 'boom') AND relpersistence = 't';
-- and the workload still runs what does not fail
SELECT step, action FROM eg.run('fine');

-- a table that gains a column after the step was defined: SELECT * now
-- gives other columns than the step was defined with
CREATE TABLE e_cols (a int);
INSERT INTO e_cols VALUES (1);
SELECT eg.begin();
SELECT eg.dataset('all_cols', 'SELECT * FROM e_cols') IS NOT NULL AS defined;
ALTER TABLE e_cols ADD COLUMN b int;
SELECT * FROM eg.run();
SELECT eg.begin();
SELECT eg.dataset('all_cols', 'SELECT * FROM e_cols') IS NOT NULL AS defined;
SELECT step, action, rows FROM eg.run();
DROP TABLE e_cols;

-- a step is analysed again at the run only if a catalog change may have
-- reached the session since its definition (issue 18): a table created
-- later in the same transaction, or in an earlier one, still counts
-- (nothing stored: later suites start from an empty store)
SET eg.materializer = 'none';
CREATE TABLE e_shadow (a int);
BEGIN;
SELECT eg.begin();
SELECT eg.dataset('sh', 'SELECT a FROM e_shadow') IS NOT NULL AS defined;
CREATE TEMP TABLE e_shadow (a int);
SELECT step, action FROM eg.run();
ROLLBACK;
SELECT eg.begin();
SELECT eg.dataset('sh', 'SELECT a FROM e_shadow') IS NOT NULL AS defined;
CREATE TEMP TABLE e_shadow (a int);
SELECT step, action FROM eg.run();
DROP TABLE pg_temp.e_shadow;
SELECT step, action FROM eg.run();
DROP TABLE e_shadow;
RESET eg.materializer;
