-- What a newcomer meets (issue 17, items 3, 5 and 6): the running step in
-- pg_stat_activity, eg.aggregate(..., deterministic), and small surprises
-- that are now errors or NOTICEs.  Each case behaved otherwise before.
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET eg.progress = off;

CREATE TABLE nc_t AS SELECT g AS id, g % 4 AS k FROM generate_series(1, 100) g;
-- this backend's pg_stat_activity.query now (not as first read in the transaction)
CREATE FUNCTION nc_activity() RETURNS text LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_stat_clear_snapshot();
    RETURN (SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid());
END $$;

-- 3. pg_stat_activity shows the running step: which, of how many, and its
-- query (or its training call); the statement's own text once eg.run ends
CREATE FUNCTION nc_train(input regclass, params jsonb, warm bytea) RETURNS bytea
    LANGUAGE sql VOLATILE AS $$SELECT convert_to(nc_activity(), 'UTF8')$$;
SELECT eg.begin('nc');
SELECT eg.dataset('nc_a', 'SELECT id, k FROM nc_t') IS NOT NULL AS defined;
SELECT eg.dataset('nc_b', 'SELECT nc_activity() AS activity FROM nc_a LIMIT 1') IS NOT NULL AS defined;
SELECT eg.model('nc_m', 'nc_train', 'nc_a', '{"k": 1}') IS NOT NULL AS defined;
CREATE FUNCTION nc_run() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM eg.run();
    RETURN nc_activity();
END $$;
SELECT nc_run() AS after_the_run;
SELECT activity FROM nc_b;
SELECT convert_from(model, 'UTF8') AS while_training FROM nc_m;
-- restored after a failing run too
SELECT eg.dataset('nc_fail', 'SELECT 1 / (k - k) FROM nc_a') IS NOT NULL AS defined;
CREATE FUNCTION nc_run_failing() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        PERFORM eg.run();
    EXCEPTION WHEN division_by_zero THEN
        NULL;
    END;
    RETURN nc_activity();
END $$;
SELECT nc_run_failing() AS after_the_failed_run;

-- 5. eg.aggregate(..., deterministic => true), as eg.dataset has: a step
-- calling a volatile function is reused only when declared so
CREATE FUNCTION nc_define5() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM eg.begin('nc5');
    PERFORM eg.dataset('nc_d', 'SELECT id, k FROM nc_t');
    PERFORM eg.aggregate('nc_v', 'SELECT count(*) + 0 * random() AS n FROM nc_d');
    PERFORM eg.aggregate('nc_det', 'SELECT count(*) + 0 * random() AS n FROM nc_d',
                         deterministic => true);
    PERFORM eg.aggregate('nc_never', 'SELECT count(*) AS n FROM nc_d',
                         deterministic => false);
END $$;
SELECT nc_define5();
SELECT step, action FROM eg.run();
\c
SET eg.reuse = all_load;
SET eg.progress = off;
SELECT nc_define5();
SELECT step, action, regexp_replace(reason, '[0-9.]+ s', 'N s', 'g') AS reason FROM eg.explain();
SELECT step, action FROM eg.run();
SELECT n FROM nc_det;

-- 6. small surprises
-- an empty list of steps is an error, not a run that prunes everything
SELECT * FROM eg.run(VARIADIC ARRAY[]::text[]);
SELECT * FROM eg.explain(VARIADIC ARRAY[]::text[]);
-- a step named like a table on the search_path hides it from later steps
SELECT eg.dataset('nc_t', 'SELECT id FROM public.nc_t WHERE k = 0') IS NOT NULL AS defined;
-- quality_of: the step must read the model, its first column be a number
SELECT eg.begin('nc6');
SELECT eg.dataset('nc_in', 'SELECT id, k FROM nc_t') IS NOT NULL AS defined;
CREATE FUNCTION nc_null_train(input regclass, params jsonb, warm bytea) RETURNS bytea
    LANGUAGE sql AS $$SELECT NULL::bytea$$;
CREATE FUNCTION nc_const_train(input regclass, params jsonb, warm bytea) RETURNS bytea
    LANGUAGE sql AS $$SELECT '\x01'::bytea$$;
SELECT eg.model('nc_good', 'nc_const_train', 'nc_in') IS NOT NULL AS defined;
SELECT eg.aggregate('nc_q1', 'SELECT 0.5 AS q FROM nc_in', quality_of => 'nc_good');
SELECT eg.aggregate('nc_q2', 'SELECT ''high''::text AS q FROM nc_good', quality_of => 'nc_good');
SELECT eg.aggregate('nc_q3', 'SELECT FROM nc_good', quality_of => 'nc_good');
-- read through another step counts
SELECT eg.dataset('nc_pred', 'SELECT length(model) AS l FROM nc_good') IS NOT NULL AS defined;
SELECT eg.aggregate('nc_q4', 'SELECT 0.25 AS q, l FROM nc_pred', quality_of => 'nc_good') IS NOT NULL AS defined;
-- one row, in [0,1]
SELECT eg.aggregate('nc_q5', 'SELECT 0.5 AS q FROM nc_good, generate_series(1, 2)', quality_of => 'nc_good') IS NOT NULL AS defined;
SELECT step, action FROM eg.run('nc_q5');
SELECT eg.aggregate('nc_q5', 'SELECT 2 AS q FROM nc_good', quality_of => 'nc_good') IS NOT NULL AS defined;
SELECT step, action FROM eg.run('nc_q5');
SELECT step, action FROM eg.run('nc_q4');
SELECT quality FROM eg.artifacts WHERE step = 'nc_good';
-- a train function returning NULL is an error naming it
SELECT eg.model('nc_bad', 'nc_null_train', 'nc_in') IS NOT NULL AS defined;
SELECT step, action FROM eg.run('nc_bad');

DROP FUNCTION nc_run(), nc_run_failing(), nc_define5(), nc_train(regclass, jsonb, bytea),
    nc_null_train(regclass, jsonb, bytea), nc_const_train(regclass, jsonb, bytea);
DROP FUNCTION nc_activity();
DROP TABLE nc_t;
