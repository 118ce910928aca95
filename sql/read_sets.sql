-- Read sets (issue 16, items 1 and 2): what a step's functions read while
-- it computes is part of its id and of its lineage's rights (readset.c).
-- Each case below gave a stale or an unshared answer before read sets.
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET client_min_messages = warning;

CREATE TABLE rs_lk (k int, v text);
INSERT INTO rs_lk VALUES (1, 'old'), (2, 'two');
CREATE TABLE rs_pts (id int);
INSERT INTO rs_pts SELECT generate_series(1, 3);
-- a STABLE PL/pgSQL lookup: the step's query names rs_pts only
CREATE FUNCTION rs_get(kk int) RETURNS text LANGUAGE plpgsql STABLE
    AS $$BEGIN RETURN (SELECT v FROM rs_lk WHERE k = kk); END$$;

-- Run the one-step workload q (step s) afresh; returns its action.
CREATE FUNCTION rs_run(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    a text;
BEGIN
    DROP TABLE IF EXISTS pg_temp.s;
    PERFORM eg.begin();
    PERFORM eg.dataset('s', q);
    SELECT action INTO a FROM eg.run();
    RETURN a;
END $$;
-- The rows of step s that plain SQL q does not give, and the other way round.
CREATE FUNCTION rs_diff(q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM ((SELECT * FROM pg_temp.s EXCEPT ALL (%1$s))
                    UNION ALL ((%1$s) EXCEPT ALL SELECT * FROM pg_temp.s)) d', q) INTO n;
    RETURN n;
END $$;
-- Run q; its error (SQLSTATE and message, ids masked), or ok.
CREATE FUNCTION rs_try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN others THEN
    RETURN SQLSTATE || ' ' || regexp_replace(SQLERRM, '[0-9a-f]{32}', '<id>');
END $$;
GRANT EXECUTE ON FUNCTION rs_run(text), rs_diff(text), rs_try(text) TO PUBLIC;

-- 1. the issue's stale answer: run twice, UPDATE the table only the
-- function reads, run again: recomputed, equal to plain SQL
SELECT rs_run('SELECT id, rs_get(1) AS v FROM rs_pts') AS first,
       rs_run('SELECT id, rs_get(1) AS v FROM rs_pts') AS second;
SELECT read_relids = ARRAY['rs_lk'::regclass::oid] AS read_set_recorded, key <> id AS id_covers_it
FROM eg.artifact WHERE step = 's';
UPDATE rs_lk SET v = 'new' WHERE k = 1;
SELECT action, regexp_replace(reason, '\(\d\d:\d\d\)', '(T)') AS reason FROM eg.explain();
SELECT rs_run('SELECT id, rs_get(1) AS v FROM rs_pts') AS after_update;
SELECT v, rs_diff('SELECT id, rs_get(1) AS v FROM rs_pts') AS differ FROM s GROUP BY v;
SELECT rs_run('SELECT id, rs_get(1) AS v FROM rs_pts') AS again;
-- the same query under the old data version would be the old artifact:
-- ids stay unique to content (two artifacts, one key)
SELECT count(*) AS artifacts, count(DISTINCT key) AS keys FROM eg.artifact WHERE step = 's';
-- TRUNCATE and INSERT count too
TRUNCATE rs_lk;
SELECT rs_run('SELECT id, rs_get(1) AS v FROM rs_pts') AS after_truncate,
       rs_diff('SELECT id, rs_get(1) AS v FROM rs_pts') AS differ;
INSERT INTO rs_lk VALUES (1, 'back');
SELECT rs_run('SELECT id, rs_get(1) AS v FROM rs_pts') AS after_insert;
SELECT DISTINCT v FROM s;
-- downstream steps follow the new id
SELECT eg.begin();
SELECT eg.dataset('s', 'SELECT id, rs_get(1) AS v FROM rs_pts') IS NOT NULL AS defined;
SELECT eg.aggregate('c', 'SELECT string_agg(v, '','') AS vs FROM s') IS NOT NULL AS defined;
DROP TABLE s;
SELECT step, action FROM eg.run();
UPDATE rs_lk SET v = 'later';
DROP TABLE s, c;
SELECT step, action FROM eg.run();
SELECT vs FROM c;

-- 2. a scoring function of a model and a relation (regclass, a step named
-- in a literal), reading a table of labels the step never names: flipping
-- the labels changes the score (the issue's ml.auc case)
CREATE TABLE rs_label (id int, y int);
INSERT INTO rs_label SELECT g, (g % 3 = 0)::int FROM generate_series(1, 12) g;
CREATE TABLE rs_x (id int, x float8);
INSERT INTO rs_x SELECT g, g FROM generate_series(1, 12) g;
CREATE FUNCTION rs_acc(model bytea, r regclass) RETURNS float8 LANGUAGE plpgsql STABLE AS $$
DECLARE
    acc float8;
BEGIN
    EXECUTE format('SELECT avg(((t.x > %s)::int = l.y)::int) FROM %s t JOIN rs_label l USING (id)',
                   convert_from(model, 'UTF8'), r) INTO acc;
    RETURN acc;
END $$;
CREATE FUNCTION rs_train(input regclass, params jsonb, warm bytea) RETURNS bytea
LANGUAGE plpgsql AS $$
DECLARE
    thr float8;
BEGIN
    EXECUTE format('SELECT percentile_disc(%s) WITHIN GROUP (ORDER BY x) FROM %s',
                   params->>'q', input) INTO thr;
    RETURN convert_to(thr::text, 'UTF8');
END $$;
CREATE FUNCTION rs_define_score() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM eg.begin('score');
    PERFORM eg.dataset('tr', 'SELECT id, x FROM rs_x WHERE id <= 8');
    PERFORM eg.dataset('te', 'SELECT id, x FROM rs_x WHERE id > 4');
    PERFORM eg.model('m', 'rs_train', 'tr', '{"q": 0.5}');
    PERFORM eg.aggregate('acc', $q$SELECT rs_acc(m.model, 'te') AS acc FROM m$q$, quality_of => 'm');
END $$;
GRANT EXECUTE ON FUNCTION rs_define_score() TO PUBLIC;
SELECT rs_define_score();
SELECT step, action FROM eg.run();
SELECT acc AS before_flip FROM acc;
DROP TABLE tr, te, m, acc;
SELECT step, action FROM eg.run();
UPDATE rs_label SET y = 1 - y;
DROP TABLE tr, te, m, acc;
SELECT step, action FROM eg.run();
SELECT acc AS after_flip, acc = (SELECT rs_acc(model, 'te') FROM m) AS equals_plain_sql FROM acc;

-- 3. a train function reading more than its input: no longer trusted
CREATE TABLE rs_cfg (q float8);
INSERT INTO rs_cfg VALUES (0.25);
CREATE FUNCTION rs_train_cfg(input regclass, params jsonb, warm bytea) RETURNS bytea
LANGUAGE plpgsql AS $$
DECLARE
    thr float8;
BEGIN
    EXECUTE format('SELECT percentile_disc((SELECT q FROM rs_cfg)) WITHIN GROUP (ORDER BY x) FROM %s',
                   input) INTO thr;
    RETURN convert_to(thr::text, 'UTF8');
END $$;
SELECT eg.begin();
SELECT eg.dataset('tr', 'SELECT id, x FROM rs_x') IS NOT NULL AS defined;
SELECT eg.model('m', 'rs_train_cfg', 'tr') IS NOT NULL AS defined;
DROP TABLE IF EXISTS tr, m;
SELECT step, action FROM eg.run();
DROP TABLE tr, m;
SELECT step, action FROM eg.run();
UPDATE rs_cfg SET q = 0.75;
DROP TABLE tr, m;
SELECT step, action FROM eg.run();
SELECT convert_from(model, 'UTF8') AS threshold FROM m;

-- 4. views: reusable through their definition and the tables under them
CREATE VIEW rs_v AS SELECT id, x * 2 AS x2 FROM rs_x;
SELECT rs_run('SELECT id, x2 FROM rs_v') AS first, rs_run('SELECT id, x2 FROM rs_v') AS second;
UPDATE rs_x SET x = x + 1 WHERE id = 1;
SELECT rs_run('SELECT id, x2 FROM rs_v') AS after_update,
       rs_diff('SELECT id, x2 FROM rs_v') AS differ;
CREATE OR REPLACE VIEW rs_v AS SELECT id, x * 3 AS x2 FROM rs_x;
SELECT rs_run('SELECT id, x2 FROM rs_v') AS after_replace,
       rs_diff('SELECT id, x2 FROM rs_v') AS differ;
-- a function reading a view: the view and the table under it are its read set
CREATE FUNCTION rs_vsum() RETURNS float8 LANGUAGE sql STABLE
    AS 'SELECT sum(x2) FROM (SELECT x2 FROM rs_v OFFSET 0) v';
SELECT rs_run('SELECT rs_vsum() AS t') AS first, rs_run('SELECT rs_vsum() AS t') AS second;
SELECT (SELECT array_agg(relname::text ORDER BY relname) FROM pg_class WHERE oid = ANY (read_relids)) AS read_set
FROM eg.artifact WHERE key IN (SELECT key FROM eg.artifact WHERE step = 's') AND read_relids <> '{}'
GROUP BY read_relids ORDER BY 1;
UPDATE rs_x SET x = x + 1 WHERE id = 2;
SELECT rs_run('SELECT rs_vsum() AS t') AS after_update, rs_diff('SELECT rs_vsum() AS t') AS differ;

-- 5. what eg cannot track makes a step not reusable, and explain says what
CREATE FUNCTION rs_ncols() RETURNS bigint LANGUAGE sql STABLE
    AS 'SELECT count(*) FROM pg_attribute WHERE attrelid = ''rs_x''::regclass AND attnum > 0';
SELECT rs_run('SELECT rs_ncols() AS n') AS first, rs_run('SELECT rs_ncols() AS n') AS second;
SELECT action, reason FROM eg.explain();
-- a scratch table the function makes and drops: what it held is unknown
CREATE FUNCTION rs_scratch() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    CREATE TEMP TABLE rs_tmp AS SELECT * FROM rs_x;
    SELECT count(*) INTO n FROM rs_tmp;
    DROP TABLE rs_tmp;
    RETURN n;
END $$;
SELECT eg.begin();
SELECT eg.dataset('s', 'SELECT rs_scratch() AS n', deterministic => true) IS NOT NULL AS defined;
DROP TABLE IF EXISTS s;
SELECT step, action FROM eg.run();
SELECT reason FROM eg.explain();

-- 6. the first time eg sees a table it starts tracking it: the step runs
-- once more (its changes are seen from then on) and is stored at once
CREATE TABLE rs_new (v int);
INSERT INTO rs_new VALUES (7);
CREATE FUNCTION rs_newv() RETURNS int LANGUAGE sql STABLE AS 'SELECT v FROM rs_new LIMIT 1';
SELECT rs_run('SELECT rs_newv() AS v') AS first_run;
SELECT materialized AS stored_at_first_run FROM eg.artifact WHERE step = 's' AND key <> id
  AND read_relids = ARRAY['rs_new'::regclass::oid];
SELECT rs_run('SELECT rs_newv() AS v') AS second_run;

-- 7. functions find tables by name: a table of that name found first
-- (created earlier in the search path), and new inheritance children or
-- partitions, are other reads, never matched with the old ones
CREATE SCHEMA rs_early;
SET search_path = rs_early, public;
CREATE TABLE public.rs_sh (v int);
INSERT INTO public.rs_sh VALUES (1);
CREATE FUNCTION public.rs_shv() RETURNS int LANGUAGE sql STABLE AS 'SELECT sum(v)::int FROM rs_sh';
SELECT rs_run('SELECT rs_shv() AS v') AS first, rs_run('SELECT rs_shv() AS v') AS second;
CREATE TABLE rs_early.rs_sh (v int);
INSERT INTO rs_early.rs_sh VALUES (2);
SELECT rs_run('SELECT rs_shv() AS v') AS after_shadowing;
SELECT v AS shadowed FROM s;
RESET search_path;
DROP SCHEMA rs_early CASCADE;
CREATE TABLE rs_par (v int);
CREATE TABLE rs_kid1 () INHERITS (rs_par);
INSERT INTO rs_kid1 VALUES (1);
CREATE TABLE rs_pd (k int, v int) PARTITION BY LIST (k);
CREATE TABLE rs_pd1 PARTITION OF rs_pd FOR VALUES IN (1);
INSERT INTO rs_pd VALUES (1, 10);
CREATE FUNCTION rs_sums() RETURNS text LANGUAGE sql STABLE
    AS 'SELECT (SELECT sum(v) FROM rs_par) || '','' || (SELECT sum(v) FROM rs_pd)';
SELECT rs_run('SELECT rs_sums() AS v') AS first, rs_run('SELECT rs_sums() AS v') AS second;
CREATE TABLE rs_kid2 () INHERITS (rs_par);
INSERT INTO rs_kid2 VALUES (100);
SELECT rs_run('SELECT rs_sums() AS v') AS new_child;
SELECT v FROM s;
CREATE TABLE rs_pd2 PARTITION OF rs_pd FOR VALUES IN (2);
INSERT INTO rs_pd VALUES (2, 1000);
SELECT rs_run('SELECT rs_sums() AS v') AS new_partition;
SELECT v FROM s;
-- a table dropped and created again: the old read set names a relation
-- that is gone; it matches nothing, and the new one is reused
CREATE TABLE rs_cycle (v int);
INSERT INTO rs_cycle VALUES (5);
CREATE FUNCTION rs_cyclev() RETURNS int LANGUAGE sql STABLE AS 'SELECT v FROM rs_cycle';
SELECT rs_run('SELECT rs_cyclev() AS v') AS first;
DROP TABLE rs_cycle;
CREATE TABLE rs_cycle (v int);
INSERT INTO rs_cycle VALUES (6);
SELECT rs_run('SELECT rs_cyclev() AS v') AS recreated, rs_run('SELECT rs_cyclev() AS v') AS then_reused;
SELECT v FROM s;

-- 8. functions called by functions: their definitions count too, whether
-- PL/pgSQL calls them in a simple expression or a query inlines them
CREATE FUNCTION rs_in1(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x * 10';
CREATE FUNCTION rs_in2(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';
CREATE FUNCTION rs_outer(x int) RETURNS int LANGUAGE plpgsql STABLE AS $$
DECLARE
    a int := rs_in1(x);
BEGIN
    RETURN a + (SELECT max(rs_in2(id)) FROM rs_pts);
END $$;
SELECT eg.begin();
SELECT eg.dataset('s1', 'SELECT rs_outer(1) AS v') IS NOT NULL AS defined;
SELECT eg.dataset('s2', 'SELECT rs_outer(2) AS v') IS NOT NULL AS defined;
DROP TABLE IF EXISTS s1, s2;
SELECT step, action FROM eg.run();
DROP TABLE s1, s2;
SELECT step, action FROM eg.run();
-- the inner function of a simple expression (s2 ran it in the same
-- transaction as s1, where PL/pgSQL prepared the expression once)
CREATE OR REPLACE FUNCTION rs_in1(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x * 100';
DROP TABLE s1, s2;
SELECT step, action FROM eg.run();
SELECT (SELECT v FROM s1) AS v1, (SELECT v FROM s2) AS v2, rs_outer(1) AS plain1, rs_outer(2) AS plain2;
-- the inlined one
CREATE OR REPLACE FUNCTION rs_in2(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + 2';
DROP TABLE s1, s2;
SELECT step, action FROM eg.run();
SELECT (SELECT v FROM s1) AS v1, (SELECT v FROM s2) AS v2, rs_outer(1) AS plain1, rs_outer(2) AS plain2;
DROP TABLE s1, s2;
SELECT step, action FROM eg.run();

-- 9. rights from read sets, not from the role: roles with the same grants
-- share a step whose function reads a table; a role that may not read that
-- table recomputes and fails as plain SQL does; row-level security on a
-- table a function reads keeps roles apart.  Each role in a session of its
-- own (step tables are the session's).
CREATE ROLE regress_rs_a;
CREATE ROLE regress_rs_b;
CREATE ROLE regress_rs_c;
GRANT SELECT ON rs_pts, rs_lk TO regress_rs_a, regress_rs_b, regress_rs_c;
REVOKE SELECT ON rs_lk FROM regress_rs_c;
GRANT EXECUTE ON FUNCTION rs_get(int) TO regress_rs_a, regress_rs_b, regress_rs_c;
UPDATE rs_lk SET v = 'shared';
\c
SET client_min_messages = warning;
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_rs_a;
SELECT rs_run('SELECT id, rs_get(1) AS v FROM rs_pts') AS a_runs;
\c
SET client_min_messages = warning;
SET eg.reuse = all_load;
SET ROLE regress_rs_b;
SELECT rs_run('SELECT id, rs_get(1) AS v FROM rs_pts') AS b_loads;
SELECT DISTINCT v FROM s;
SELECT id AS shared_id FROM eg.artifacts WHERE step = 's' AND materialized
  ORDER BY last_used DESC LIMIT 1 \gset
SELECT eg.restore(:'shared_id', 'pg_temp.rs_restored') IS NOT NULL AS restored;
SELECT count(*) AS restored_rows FROM pg_temp.rs_restored;
\c
SET client_min_messages = warning;
SET eg.reuse = all_load;
SET ROLE regress_rs_c;
SELECT count(*) AS c_sees_none FROM eg.artifacts WHERE id = :'shared_id';
SELECT rs_run('SELECT id, rs_get(1) AS v FROM rs_pts') AS c_fails;
SELECT id, rs_get(1) AS v FROM rs_pts;   -- plain SQL fails alike
SELECT rs_try(format('SELECT eg.restore(%L, %L)', :'shared_id', 'pg_temp.rs_restored')) AS restore;
RESET ROLE;
-- a SECURITY DEFINER function reads with its owner's rights: the caller
-- needs EXECUTE only, as in plain SQL
CREATE TABLE rs_secret (k int, v text);
INSERT INTO rs_secret VALUES (1, 'hidden');
CREATE FUNCTION rs_peek(kk int) RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
    AS 'SELECT v FROM rs_secret WHERE k = kk';
GRANT EXECUTE ON FUNCTION rs_peek(int) TO regress_rs_a, regress_rs_c;
\c
SET client_min_messages = warning;
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_rs_a;
SELECT rs_run('SELECT id, rs_peek(1) AS v FROM rs_pts') AS a_runs;
\c
SET client_min_messages = warning;
SET eg.reuse = all_load;
SET ROLE regress_rs_c;
SELECT rs_run('SELECT id, rs_peek(1) AS v FROM rs_pts') AS c_loads;
RESET ROLE;
UPDATE rs_secret SET v = 'changed';
SET ROLE regress_rs_c;
SELECT rs_run('SELECT id, rs_peek(1) AS v FROM rs_pts') AS c_after_update;
SELECT DISTINCT v FROM s;
RESET ROLE;
-- EXECUTE on a function a function calls: a role without it recomputes,
-- and fails as plain SQL does
CREATE FUNCTION rs_gated(x int) RETURNS int LANGUAGE sql STABLE SECURITY DEFINER AS 'SELECT x + 7';
REVOKE EXECUTE ON FUNCTION rs_gated(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rs_gated(int) TO regress_rs_a;
CREATE FUNCTION rs_calls_gated(x int) RETURNS int LANGUAGE plpgsql STABLE
    AS 'BEGIN RETURN (SELECT rs_gated(x)); END';
\c
SET client_min_messages = warning;
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_rs_a;
SELECT rs_run('SELECT rs_calls_gated(1) AS v') AS a_runs;
\c
SET client_min_messages = warning;
SET eg.reuse = all_load;
SET ROLE regress_rs_b;
SELECT rs_try($$SELECT rs_run('SELECT rs_calls_gated(1) AS v')$$) AS b_fails;
SELECT rs_try('SELECT rs_calls_gated(1)') AS plain_sql;
RESET ROLE;
-- "$user" in the search path: the same function finds each role's own table
CREATE SCHEMA regress_rs_a AUTHORIZATION regress_rs_a;
CREATE SCHEMA regress_rs_b AUTHORIZATION regress_rs_b;
CREATE TABLE regress_rs_a.rs_mine (v text);
CREATE TABLE regress_rs_b.rs_mine (v text);
INSERT INTO regress_rs_a.rs_mine VALUES ('a-own');
INSERT INTO regress_rs_b.rs_mine VALUES ('b-own');
GRANT SELECT ON regress_rs_a.rs_mine TO regress_rs_a, regress_rs_b;
GRANT SELECT ON regress_rs_b.rs_mine TO regress_rs_a, regress_rs_b;
CREATE FUNCTION rs_minev() RETURNS text LANGUAGE plpgsql STABLE
    AS 'BEGIN RETURN (SELECT v FROM rs_mine); END';
GRANT EXECUTE ON FUNCTION rs_minev() TO regress_rs_a, regress_rs_b;
\c
SET client_min_messages = warning;
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_rs_a;
SELECT rs_run('SELECT rs_minev() AS v') AS a_runs;
SELECT v FROM s;
\c
SET client_min_messages = warning;
SET eg.reuse = all_load;
SET ROLE regress_rs_b;
SELECT rs_run('SELECT rs_minev() AS v') AS b_computes_its_own;
SELECT v FROM s;
RESET ROLE;
-- row-level security on the table the function reads
ALTER TABLE rs_lk ADD COLUMN owner_name text;
UPDATE rs_lk SET owner_name = 'regress_rs_a';
INSERT INTO rs_lk VALUES (1, 'b-row', 'regress_rs_b');
ALTER TABLE rs_lk ENABLE ROW LEVEL SECURITY;
CREATE POLICY rs_own ON rs_lk FOR SELECT USING (owner_name = current_user);
CREATE OR REPLACE FUNCTION rs_get(kk int) RETURNS text LANGUAGE plpgsql STABLE
    AS $$BEGIN RETURN (SELECT string_agg(v, ',') FROM rs_lk WHERE k = kk); END$$;
\c
SET client_min_messages = warning;
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_rs_a;
SELECT rs_run('SELECT id, rs_get(1) AS v FROM rs_pts') AS a_runs;
SELECT DISTINCT v FROM s;
\c
SET client_min_messages = warning;
SET eg.reuse = all_load;
SET ROLE regress_rs_b;
SELECT rs_run('SELECT id, rs_get(1) AS v FROM rs_pts') AS b_computes_its_own;
SELECT DISTINCT v FROM s;
SELECT rs_run('SELECT id, rs_get(1) AS v FROM rs_pts') AS b_again;
RESET ROLE;

-- a word in a body is a function only where it is called: every PL/pgSQL
-- body says BEGIN, which is not a call of eg.begin (it was taken for one)
SELECT count(*) AS artifacts_reading_eg_begin FROM eg.artifact
WHERE 'eg.begin(text)'::regprocedure = ANY (read_funcids);

-- attribute notation is a call too: (r).rs_dbl calls rs_dbl(r); with the
-- plan cached for the session before the run, only the body shows it
CREATE TYPE rs_pair AS (a int, b text);
CREATE FUNCTION rs_dbl(rs_pair) RETURNS int LANGUAGE sql IMMUTABLE AS $$SELECT ($1).a * 2$$;
CREATE FUNCTION rs_attr(x int) RETURNS int LANGUAGE plpgsql IMMUTABLE
    AS $$DECLARE r rs_pair; BEGIN r := ROW(x, 'x'); RETURN (r).rs_dbl; END$$;
\c
SET client_min_messages = warning;
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SELECT rs_attr(1);
SELECT rs_run('SELECT id, rs_attr(id) AS v FROM rs_pts') AS attr_first;
CREATE OR REPLACE FUNCTION rs_dbl(rs_pair) RETURNS int LANGUAGE sql IMMUTABLE AS $$SELECT ($1).a * 3$$;
\c
SET client_min_messages = warning;
SET eg.reuse = all_load;
SELECT rs_run('SELECT id, rs_attr(id) AS v FROM rs_pts') AS attr_after_redefinition;
SELECT sum(v) AS v_sum, (SELECT sum(rs_attr(id)) FROM rs_pts) AS plain_sql FROM s;
DROP FUNCTION rs_attr(int), rs_dbl(rs_pair);
DROP TYPE rs_pair;

DROP OWNED BY regress_rs_a, regress_rs_b, regress_rs_c;
DROP ROLE regress_rs_a, regress_rs_b, regress_rs_c;
