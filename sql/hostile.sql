-- Hostile input: every eg function with NULLs, empty and huge strings, wrong
-- types, malformed ids and graphs, absurd settings; step names and queries
-- that try to inject SQL; steps that try to change the run under them.
-- Every error must be an ereport with a meaningful SQLSTATE (never XX000,
-- an assertion or a crash), and every accepted name or query must be safe.
-- errors.sql has the basic cases with their full messages; here each
-- outcome is its SQLSTATE and the start of its message, and the suite ends
-- by checking that no outcome was an internal error.
SET eg.materializer = 'all';
SET eg.reuse = all_load;
CREATE ROLE regress_eg_hostile;
CREATE TABLE hostile_t (a int);
INSERT INTO hostile_t VALUES (1), (2);
CREATE TABLE hostile_other (b text);
INSERT INTO hostile_other VALUES ('untouched');
CREATE FUNCTION hostile_train(input regclass, params jsonb, warm bytea) RETURNS bytea
LANGUAGE sql AS $$ SELECT convert_to(params::text, 'UTF8') $$;
CREATE FUNCTION hostile_bad_train(input regclass, params jsonb) RETURNS bytea
LANGUAGE sql AS $$ SELECT '\x00'::bytea $$;

-- Runs sql: 'ok', or its SQLSTATE and the start of its message.
CREATE FUNCTION hx(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    msg text;
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
    RETURN SQLSTATE || ' ' || left(msg, 72);
END $$;
-- every outcome, for the final check
CREATE TABLE hostile_out (n serial, stmt text, outcome text);
-- Runs each statement of stmts in order; shows (and keeps) the outcomes.
CREATE FUNCTION hxs(stmts text[]) RETURNS TABLE (stmt text, outcome text) LANGUAGE plpgsql AS $$
BEGIN
    FOREACH stmt IN ARRAY stmts LOOP
        outcome := hx(stmt);
        INSERT INTO hostile_out (stmt, outcome) VALUES (stmt, outcome);
        stmt := left(stmt, 80);
        RETURN NEXT;
    END LOOP;
END $$;

-- eg.begin
SELECT * FROM hxs(ARRAY[
    'SELECT eg.begin(NULL)',
    'SELECT eg.begin('''')',
    'SELECT eg.begin(repeat(''w'', 1000000))',
    'SELECT eg.begin(42)',
    'SELECT eg.begin(''a'', ''b'')',
    'SELECT eg.begin(''hostile'')']);

-- step names: SQL in names is only ever a quoted identifier
SELECT * FROM hxs(ARRAY[
    'SELECT eg.dataset(''x"; DROP TABLE hostile_t; --'', ''SELECT a FROM hostile_t'')',
    'SELECT eg.dataset(''a.b'', ''SELECT a FROM hostile_t'')',
    'SELECT eg.dataset(''"quoted"'', ''SELECT a FROM hostile_t'')',
    'SELECT eg.dataset(''hostile_t'', ''SELECT a FROM hostile_t'')',
    'SELECT eg.dataset(''hostile_other'', ''SELECT 1 AS b'')',
    'SELECT eg.dataset(''pg_class'', ''SELECT 1 AS relname'')',
    'SELECT eg.dataset(''select'', ''SELECT 2 AS s'')',
    'SELECT eg.dataset('' '', ''SELECT 3 AS s'')',
    'SELECT eg.dataset(''ünï€ode'', ''SELECT a FROM hostile_t'')',
    'SELECT eg.dataset(repeat(''é'', 31) || ''x'', ''SELECT a FROM hostile_t'')',
    'SELECT eg.dataset(repeat(''é'', 32), ''SELECT a FROM hostile_t'')',
    'SELECT eg.dataset(repeat(''x'', 64), ''SELECT a FROM hostile_t'')',
    'SELECT eg.dataset(repeat(''x'', 1000000), ''SELECT a FROM hostile_t'')',
    'SELECT eg.dataset('''', ''SELECT a FROM hostile_t'')',
    'SELECT eg.dataset(NULL, ''SELECT a FROM hostile_t'')',
    'SELECT eg.dataset(''a.b'', ''SELECT a FROM hostile_t WHERE a IS NOT NULL'')',
    'SELECT eg.dataset(1, 2)',
    -- later steps read the odd names as quoted identifiers
    'SELECT eg.dataset(''reads_odd'', ''SELECT q.a FROM "x""; DROP TABLE hostile_t; --" q JOIN "a.b" USING (a) JOIN """quoted""" USING (a) JOIN ünï€ode USING (a)'')']);
SELECT step, action, rows FROM eg.run();
-- nothing was dropped; the odd tables are this session's temp tables, which
-- (as any temp table) shadow tables of the same name in this session only:
-- hostile_other and even pg_class now name the steps' tables here, while eg
-- itself names everything with a schema and keeps working
SELECT count(*) AS hostile_t_rows FROM hostile_t;
SELECT * FROM public.hostile_other;
SELECT * FROM hostile_other;
SELECT * FROM pg_class;
SELECT * FROM "x""; DROP TABLE hostile_t; --" ORDER BY a;
SELECT * FROM reads_odd ORDER BY a;
SELECT count(*) AS odd_temp_tables FROM pg_catalog.pg_class
WHERE relpersistence = 't' AND relname IN ('x"; DROP TABLE hostile_t; --', 'a.b', '"quoted"', 'ünï€ode',
                                           'pg_class', 'select', ' ', repeat('é', 31) || 'x');

-- queries: exactly one read-only SELECT, nothing else
SELECT eg.begin('hostile-queries');
SELECT * FROM hxs(ARRAY[
    'SELECT eg.dataset(''q'', NULL)',
    'SELECT eg.dataset(''q'', '''')',
    'SELECT eg.dataset(''q'', '';'')',
    'SELECT eg.dataset(''q'', ''SELECT 1 AS a; DROP TABLE hostile_t'')',
    'SELECT eg.dataset(''q'', ''SELECT 1 AS a; COMMIT'')',
    'SELECT eg.dataset(''q'', ''COMMIT'')',
    'SELECT eg.dataset(''q'', ''ROLLBACK'')',
    'SELECT eg.dataset(''q'', ''SET ROLE NONE'')',
    'SELECT eg.dataset(''q'', ''RESET SESSION AUTHORIZATION'')',
    'SELECT eg.dataset(''q'', ''SET search_path = pg_catalog'')',
    'SELECT eg.dataset(''q'', ''DROP TABLE hostile_t'')',
    'SELECT eg.dataset(''q'', ''WITH d AS (DELETE FROM hostile_t RETURNING a) SELECT a FROM d'')',
    'SELECT eg.dataset(''q'', ''WITH u AS (UPDATE hostile_t SET a = 0 RETURNING a) SELECT 1 AS x'')',
    'SELECT eg.dataset(''q'', ''SELECT * FROM (WITH d AS (DELETE FROM hostile_t RETURNING a) SELECT a FROM d) s'')',
    'SELECT eg.dataset(''q'', ''SELECT 1 AS x FROM hostile_t, LATERAL (WITH i AS (INSERT INTO hostile_t VALUES (0) RETURNING a) SELECT 1) s'')',
    'SELECT eg.dataset(''q'', ''SELECT a INTO hostile_into FROM hostile_t'')',
    'SELECT eg.dataset(''q'', ''CREATE TABLE hostile_into AS SELECT 1 AS a'')',
    'SELECT eg.dataset(''q'', ''COPY hostile_t TO STDOUT'')',
    'SELECT eg.dataset(''q'', ''COPY (SELECT 1) TO PROGRAM ''''true'''''')',
    'SELECT eg.dataset(''q'', ''SELECT a FROM hostile_t FOR UPDATE'')',
    'SELECT eg.dataset(''q'', ''SELECT (SELECT a FROM hostile_t LIMIT 1 FOR SHARE) AS a'')',
    'SELECT eg.dataset(''q'', ''DO $$BEGIN DROP TABLE hostile_t; END$$'')',
    'SELECT eg.dataset(''q'', ''EXPLAIN ANALYZE DELETE FROM hostile_t'')',
    'SELECT eg.dataset(''q'', ''SELECT ROW(1, 2) AS r'')',
    'SELECT eg.dataset(''q'', ''SELECT pg_sleep(0) AS s'')',
    'SELECT eg.dataset(''q'', ''SELECT 1 AS a, 2 AS a'')',
    'SELECT eg.dataset(''q'', ''SELECT $1 AS p'')',
    'SELECT eg.dataset(''q'', ''SELECT * FROM hostile_no_such_table'')',
    'SELECT eg.dataset(''q'', ''SELEC 1'')',
    'SELECT eg.dataset(''q'', ''SELECT 1 AS a /* unterminated'')',
    'SELECT eg.dataset(''q'', repeat(''x '', 500000))',
    'SELECT eg.dataset(''q'', ''SELECT '' || repeat(''1+'', 100000) || ''1 AS v'')',
    'SELECT eg.dataset(''q'', ''SELECT '' || repeat(''1,'', 2000) || ''1'')',
    'SELECT eg.dataset(''q'', ''SELECT 1 AS a'', deterministic => NULL)',
    'SELECT eg.dataset(''q2'', ''VALUES (1)'')',
    'SELECT eg.dataset(''q3'', ''TABLE hostile_t'')',
    'SELECT eg.dataset(''q4'', ''SELECT 1 AS a;'')']);
SELECT step, action FROM eg.run();

-- steps that try to change the run under them fail it, and change nothing
SELECT eg.begin('hostile-run');
SELECT eg.dataset('first', 'SELECT a FROM hostile_t') IS NOT NULL;
SELECT eg.dataset('nested', 'SELECT eg.begin() IS NULL AS b') IS NOT NULL;
SELECT eg.dataset('after', 'SELECT a FROM first') IS NOT NULL;
\set VERBOSITY terse
SELECT step, action FROM eg.run();
\set VERBOSITY default
SELECT step, action FROM eg.explain();
-- (hostile_step: a new workload of one step x with query q, run)
CREATE FUNCTION hostile_step(q text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM eg.begin();
    PERFORM eg.dataset('x', q);
    PERFORM count(*) FROM eg.run();
END $$;
SELECT * FROM hxs(ARRAY[
    'SELECT hostile_step(''SELECT count(*) AS n FROM eg.run()'')',
    'SELECT hostile_step(''SELECT count(*) AS n FROM eg.explain()'')',
    'SELECT hostile_step($$SELECT eg.dataset(''y'', ''SELECT 1 AS z'') IS NULL AS b$$)',
    'SELECT hostile_step($$SELECT eg.model(''y'', ''hostile_train'', ''x'') IS NULL AS b$$)',
    'SELECT hostile_step($$SELECT set_config(''search_path'', ''pg_catalog'', false) AS s$$)',
    'SELECT hostile_step($$SELECT set_config(''role'', ''regress_eg_hostile'', false) AS s$$)',
    'SELECT hostile_step($$SELECT set_config(''session_authorization'', ''regress_eg_hostile'', false) AS s$$)',
    'SELECT hostile_step($$SELECT set_config(''search_path'', current_setting(''search_path''), false) AS s$$)']);
SELECT current_user = session_user AS same_user, current_setting('search_path') AS search_path;
-- a train function that defines steps
CREATE FUNCTION hostile_evil_train(input regclass, params jsonb, warm bytea) RETURNS bytea
LANGUAGE plpgsql AS $$ BEGIN PERFORM eg.begin(); RETURN '\x00'; END $$;
SELECT eg.begin('hostile-train');
SELECT eg.dataset('d', 'SELECT a FROM hostile_t') IS NOT NULL;
SELECT eg.model('m', 'hostile_evil_train', 'd') IS NOT NULL;
\set VERBOSITY terse
SELECT step, action FROM eg.run();
\set VERBOSITY default
-- and the session works as before
SELECT eg.begin('hostile-after');
SELECT eg.dataset('fine', 'SELECT a FROM hostile_t') IS NOT NULL;
SELECT step, action, rows FROM eg.run();

-- what a step read changed or went away after it was defined
CREATE SCHEMA hostile_a;
CREATE SCHEMA hostile_b;
CREATE TABLE hostile_a.t (v text);
INSERT INTO hostile_a.t VALUES ('a');
CREATE TABLE hostile_b.t (v text);
INSERT INTO hostile_b.t VALUES ('b');
CREATE FUNCTION hostile_gone(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1';
SET search_path = hostile_a, public;
SELECT eg.begin('hostile-moved');
SELECT eg.dataset('t_a', 'SELECT v FROM t') IS NOT NULL;
SET search_path = hostile_b, public;
SELECT step, action FROM eg.explain();
RESET search_path;
CREATE TABLE hostile_dropped (a int);
SELECT eg.begin('hostile-dropped');
SELECT eg.dataset('g1', 'SELECT a FROM hostile_dropped') IS NOT NULL;
DROP TABLE hostile_dropped;
SELECT step, action FROM eg.run();
SELECT eg.begin('hostile-dropped-function');
SELECT eg.dataset('g2', 'SELECT hostile_gone(1) AS g') IS NOT NULL;
DROP FUNCTION hostile_gone(int);
SELECT step, action FROM eg.explain();
SELECT eg.begin('hostile-dropped-train');
CREATE FUNCTION hostile_gone_train(input regclass, params jsonb, warm bytea) RETURNS bytea
LANGUAGE sql AS $$ SELECT '\x00'::bytea $$;
SELECT eg.dataset('d', 'SELECT a FROM hostile_t') IS NOT NULL;
SELECT eg.model('m', 'hostile_gone_train', 'd') IS NOT NULL;
DROP FUNCTION hostile_gone_train(regclass, jsonb, bytea);
SELECT step, action FROM eg.run();
-- a temp table of the user's with a step's name is not dropped
CREATE TEMP TABLE mine AS SELECT 'precious' AS p;
SELECT eg.begin('hostile-mine');
SELECT eg.dataset('mine', 'SELECT 1 AS x') IS NOT NULL;
SELECT step, action FROM eg.run();
SELECT * FROM mine;
DROP TABLE mine;
-- read-only transactions
SELECT eg.begin('hostile-ro');
SELECT eg.dataset('ro', 'SELECT a + 1000 AS a FROM hostile_t') IS NOT NULL;
BEGIN READ ONLY;
\set VERBOSITY sqlstate
SELECT step, action FROM eg.run();
\set VERBOSITY default
ROLLBACK;
BEGIN READ ONLY;
\set VERBOSITY sqlstate
SELECT count(*) FROM eg.materialize();
\set VERBOSITY default
ROLLBACK;

-- eg.model
SELECT eg.begin('hostile-model');
SELECT eg.dataset('d', 'SELECT a FROM hostile_t') IS NOT NULL;
SELECT * FROM hxs(ARRAY[
    'SELECT eg.model(''m'', ''hostile_train'', ''d'', ''[]'')',
    'SELECT eg.model(''m'', ''hostile_train'', ''d'', ''"x"'')',
    'SELECT eg.model(''m'', ''hostile_train'', ''d'', ''1'')',
    'SELECT eg.model(''m'', ''hostile_train'', ''d'', ''null'')',
    'SELECT eg.model(''m'', ''hostile_train'', ''d'', ''{not json}'')',
    'SELECT eg.model(''m'', NULL, ''d'')',
    'SELECT eg.model(''m'', ''hostile_train'', NULL)',
    'SELECT eg.model(NULL, ''hostile_train'', ''d'')',
    'SELECT eg.model(''m'', 0, ''d'')',
    'SELECT eg.model(''m'', ''-'', ''d'')',
    'SELECT eg.model(''m'', ''hostile_no_such_function'', ''d'')',
    'SELECT eg.model(''m'', ''count'', ''d'')',
    'SELECT eg.model(''m'', ''hostile_bad_train'', ''d'')',
    'SELECT eg.model(''m'', ''eg.plan_graph'', ''d'')',
    'SELECT eg.model(''m'', ''hostile_train'', '''')',
    'SELECT eg.model(''m'', ''hostile_train'', ''m'')',
    'SELECT eg.model(''m'', ''hostile_train'', ''d'', ''{}'', NULL)',
    'SELECT eg.model(''m1'', ''hostile_train'', ''d'', NULL)',
    'SELECT eg.model(''m2'', ''hostile_train'', ''d'', ''{"a": [1, {"b": [null, true, 1e300, -0, 0.0]}], "": {"": {}}}'')',
    'SELECT eg.model(''m3'', ''hostile_train'', ''d'', jsonb_build_object(''deep'', (repeat(''['', 1000) || repeat('']'', 1000))::jsonb))',
    'SELECT eg.model(''m4'', ''hostile_train'', ''d'', jsonb_build_object(''big'', repeat(''x'', 1000000)))',
    'SELECT eg.aggregate(''q'', ''SELECT 0.5 AS s'', quality_of => '''')',
    'SELECT eg.aggregate(''q'', ''SELECT 0.5 AS s'', quality_of => ''d'')',
    'SELECT eg.aggregate(''q'', ''SELECT 0.5 AS s'', quality_of => ''q'')',
    'SELECT eg.aggregate(''q'', ''SELECT 0.5 AS s FROM m2'', quality_of => NULL)',
    'SELECT eg.aggregate(NULL, ''SELECT 1 AS a'')',
    'SELECT eg.aggregate(''q2'', NULL)',
    'SELECT eg.aggregate('''', ''SELECT 1 AS a'')',
    'SELECT eg.aggregate(''q2'', ''SELECT 1 AS a; SELECT 2'')',
    'SELECT eg.aggregate(''q2'', repeat(''x '', 500000))',
    'SELECT eg.aggregate(repeat(''q'', 1000000), ''SELECT 1 AS a'')']);
SELECT eg.model('m5', 'hostile_train', 'd', '{"n": 1.0}') = eg.model('m6', 'hostile_train', 'd', '{"n": 1}')
    AS equal_numbers_equal_ids;
SELECT step, action FROM eg.run('m1', 'm2', 'm3', 'm4');

-- eg.run and eg.explain targets
SELECT * FROM hxs(ARRAY[
    'SELECT * FROM eg.run(NULL::text)',
    'SELECT * FROM eg.run('''')',
    'SELECT * FROM eg.run(repeat(''d'', 1000000))',
    'SELECT * FROM eg.run(VARIADIC ARRAY[NULL]::text[])',
    'SELECT * FROM eg.run(''d'', NULL)',
    'SELECT * FROM eg.run(42)',
    'SELECT * FROM eg.explain(NULL::text)',
    'SELECT * FROM eg.explain(''nope'')',
    'SELECT * FROM eg.run(VARIADIC ''{}''::text[])',
    'SELECT * FROM eg.run(VARIADIC ''{{d}}''::text[])']);

-- eg.restore: malformed ids, odd table names
SELECT eg.begin('hostile-restore');
SELECT eg.dataset('r', 'SELECT a FROM hostile_t') IS NOT NULL;
SELECT artifact AS rid FROM eg.run() \gset
CREATE TABLE hostile_rid AS SELECT :'rid'::text AS rid;
SELECT replace(h.stmt, i.rid, '<id>') AS stmt, replace(h.outcome, i.rid, '<id>') AS outcome
FROM hostile_rid i, hxs(ARRAY[
    'SELECT eg.restore(NULL, ''x'')',
    'SELECT eg.restore(NULL, NULL)',
    'SELECT eg.restore('''', ''x'')',
    'SELECT eg.restore(''zz'', ''x'')',
    'SELECT eg.restore(repeat(''0'', 31), ''x'')',
    'SELECT eg.restore(repeat(''0'', 31)::eg.artifact_id, ''x'')',
    'SELECT eg.restore(repeat(''0'', 33)::eg.artifact_id, ''x'')',
    'SELECT eg.restore(repeat(''g'', 32)::eg.artifact_id, ''x'')',
    'SELECT eg.restore(repeat(''0'', 32), ''x'')',
    'SELECT eg.restore(repeat(''A'', 32), ''x'')',
    'SELECT eg.restore(''0123456789abcdef 123456789abcdef'', ''x'')',
    'SELECT eg.restore(123, ''x'')',
    'SELECT eg.restore(''' || :'rid' || ''', NULL)',
    'SELECT eg.restore(''' || :'rid' || ''', '''')',
    'SELECT eg.restore(''' || :'rid' || ''', ''"'')',
    'SELECT eg.restore(''' || :'rid' || ''', ''a.b.c.d'')',
    'SELECT eg.restore(''' || :'rid' || ''', ''hostile_no_db.public.x'')',
    'SELECT eg.restore(''' || :'rid' || ''', ''hostile_no_schema.x'')',
    'SELECT eg.restore(''' || :'rid' || ''', ''hostile_t'')',
    'SELECT eg.restore(''' || :'rid' || ''', ''pg_catalog.hostile_x'')',
    'SELECT eg.restore(''' || :'rid' || ''', ''x"; DROP TABLE hostile_t; --'')',
    'SELECT eg.restore(''' || :'rid' || ''', ''"x""; DROP TABLE hostile_t; --"'')',
    'SELECT eg.restore(''' || :'rid' || ''', repeat(''r'', 100))',
    'SELECT eg.restore(''' || :'rid' || ''', repeat(''r'', 1000000))']) h;
SELECT count(*) AS hostile_t_rows FROM hostile_t;
SELECT * FROM "x""; DROP TABLE hostile_t; --";
SELECT count(*) FROM pg_catalog.pg_class WHERE relname = repeat('r', 63);
-- the text and binary forms of ids, and the type's functions
SELECT '0123456789ABCDEFabcdef0123456789'::eg.artifact_id;
SELECT * FROM hxs(ARRAY[
    'SELECT eg.artifact_id_in(''zz'')',
    'SELECT eg.artifact_id_in(repeat(''0'', 1000000)::cstring)',
    'SELECT eg.artifact_id_in(NULL)',
    'SELECT eg.artifact_id_out(NULL)',
    'SELECT eg.artifact_id_cmp(repeat(''0'', 32)::eg.artifact_id, repeat(''f'', 32)::eg.artifact_id)',
    'SELECT eg.artifact_id_hash(repeat(''0'', 32)::eg.artifact_id)',
    'SELECT eg.artifact_id_eq(NULL, NULL)',
    'SELECT eg.artifact_id_recv(NULL)']);
SELECT eg.artifact_id_send(repeat('0', 32)::eg.artifact_id);
-- the comparison operators (the btree opclass) order ids bytewise
SELECT a < b AS lt, a <= b AS le, a > b AS gt, a >= b AS ge, a <> b AS ne, a = b AS eq,
       b > a AS gt2, a <= a AS le_self, a <> a AS ne_self
FROM (SELECT ('00' || repeat('f', 30))::eg.artifact_id AS a, ('01' || repeat('0', 30))::eg.artifact_id AS b) ids;
-- binary input: COPY BINARY round trip; a value of the wrong length is refused
CREATE TEMP TABLE hostile_ids (id eg.artifact_id, b bytea);
INSERT INTO hostile_ids VALUES ('0123456789abcdef0123456789abcdef', NULL),
                               (repeat('f', 32)::eg.artifact_id, NULL);
\copy hostile_ids TO 'results/hostile_ids.bin' WITH (FORMAT binary)
CREATE TEMP TABLE hostile_ids2 (LIKE hostile_ids);
\copy hostile_ids2 FROM 'results/hostile_ids.bin' WITH (FORMAT binary)
SELECT count(*) AS differing FROM (TABLE hostile_ids EXCEPT TABLE hostile_ids2) d;
-- a bytea column's binary form read as an id: 15 and 17 bytes
CREATE TEMP TABLE hostile_bytes (b bytea, pad bytea);
INSERT INTO hostile_bytes VALUES (decode(repeat('ab', 15), 'hex'), NULL);
\copy hostile_bytes TO 'results/hostile_short.bin' WITH (FORMAT binary)
TRUNCATE hostile_bytes;
INSERT INTO hostile_bytes VALUES (decode(repeat('ab', 17), 'hex'), NULL);
\copy hostile_bytes TO 'results/hostile_long.bin' WITH (FORMAT binary)
\set VERBOSITY sqlstate
\copy hostile_ids2 FROM 'results/hostile_short.bin' WITH (FORMAT binary)
\copy hostile_ids2 FROM 'results/hostile_long.bin' WITH (FORMAT binary)
\set VERBOSITY default

-- eg.plan_graph: every malformed graph is 22023
SELECT * FROM hxs(ARRAY[
    'SELECT eg.plan_graph(''{}'')',
    'SELECT eg.plan_graph(''[]'')',
    'SELECT eg.plan_graph(''1'')',
    'SELECT eg.plan_graph(''null'')',
    'SELECT eg.plan_graph(''{"vertices": {}}'')',
    'SELECT eg.plan_graph(''{"vertices": [1]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{}]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": 1}]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a"}]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": -1}]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": 1e400}]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": "NaN"}]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": 1, "load": true}]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": 1, "live": 1}]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": 1}, {"id": "a", "compute": 2}]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": 1}], "edges": [["a", "a"]]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": 1}, {"id": "b", "compute": 1}], "edges": [["a", "b"], ["b", "a"]]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": 1}], "edges": [["a"]]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": 1}], "edges": [["a", "b", "c"]]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": 1}], "edges": [[1, 2]]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": 1}], "edges": "x"}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": 1}], "targets": "a"}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": 1}], "targets": ["zz"]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": 1}], "targets": [null]}'')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": 1}]}'', '''')',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "a", "compute": 1}]}'', ''OPTIMAL'')',
    'SELECT eg.plan_graph(jsonb_build_object(''vertices'', jsonb_build_array(jsonb_build_object(''id'', repeat(''v'', 1000000), ''compute'', 1))))',
    'SELECT eg.plan_graph(jsonb_build_object(''vertices'', jsonb_build_array(jsonb_build_object(''id'', repeat(''v'', 300), ''compute'', 1)), ''targets'', jsonb_build_array(repeat(''v'', 300))))',
    'SELECT eg.plan_graph(''{"vertices": [{"id": "", "compute": 0}], "targets": [""]}'')',
    'SELECT eg.plan_graph(''{"vertices": [], "edges": [], "targets": []}'')',
    'SELECT eg.plan_graph(''not json'')',
    'SELECT eg.plan_graph(42)']);
SELECT eg.plan_graph(NULL) IS NULL AS strict, eg.plan_graph('{"vertices": []}', NULL) IS NULL AS strict_mode;

-- the test functions (superusers only)
SELECT * FROM hxs(ARRAY[
    'SELECT eg._planner_check(-1, 5, 1)',
    'SELECT eg._planner_check(1, 0, 1)',
    'SELECT eg._planner_check(1, 17, 1)',
    'SELECT eg._planner_bench(-1, 5, 1)',
    'SELECT eg._planner_bench(1, 1, 1)',
    'SELECT eg._planner_bench(1, 1000001, 1)',
    'SELECT eg.dot('''')',
    'SELECT eg.dot(repeat(''x'', 1000000))',
    'SELECT eg._visible(NULL, NULL, NULL, NULL)',
    'SELECT eg._visible(''{0}'', ''{0}'', 0, true)',
    'SELECT eg._visible(''{NULL}'', ''{}'', NULL, true)']);

-- absurd settings: refused once eg is loaded (it is, in this session)
SELECT * FROM hxs(ARRAY[
    'SET eg.budget = -1',
    'SET eg.budget = ''3TB''',
    'SET eg.budget = ''abc''',
    'SET eg.budget = ''''',
    'SET eg.alpha = 2',
    'SET eg.alpha = -0.1',
    'SET eg.alpha = ''NaN''',
    'SET eg.alpha = ''Infinity''',
    'SET eg.compression_level = 100',
    'SET eg.compression_level = 0',
    'SET eg.reuse = ''fastest''',
    'SET eg.reuse = ''''',
    'SET eg.materializer = ''some''',
    'SET eg.progress = ''maybe''',
    'SET eg.no_such_setting = 1',
    'SELECT set_config(''eg.budget'', ''-5'', false)',
    'SET eg.reuse = ''OPTIMAL''',
    'SET eg.alpha = 1']);
SHOW eg.budget;
SHOW eg.reuse;
RESET eg.reuse;
RESET eg.alpha;
-- before eg is loaded in a session they are placeholders: checked when it
-- loads (a WARNING), and the default stays
\c
SET eg.alpha = 2;
SET eg.compression_level = 100;
SET eg.reuse = 'fastest';
SELECT eg._budget_bytes() > 0 AS loaded;
SHOW eg.alpha;
SHOW eg.compression_level;
SHOW eg.reuse;

-- names of eg's internal statements cannot be captured through search_path
CREATE SCHEMA hostile_evil;
CREATE FUNCTION hostile_evil.hashint8extended(int8, int8) RETURNS int8 LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'captured hashint8extended'; RETURN 0; END $$;
CREATE FUNCTION hostile_evil.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'captured unnest'; END $$;
CREATE FUNCTION hostile_evil.pg_get_expr(pg_node_tree, oid) RETURNS text LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'captured pg_get_expr'; RETURN ''; END $$;
CREATE FUNCTION hostile_evil.texteq(text, text) RETURNS bool LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'captured ='; RETURN true; END $$;
CREATE OPERATOR hostile_evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile_evil.texteq);
CREATE FUNCTION hostile_evil.oideq(oid, oid) RETURNS bool LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'captured oid ='; RETURN true; END $$;
CREATE OPERATOR hostile_evil.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = hostile_evil.oideq);
CREATE FUNCTION hostile_evil.oidinteq(oid, int) RETURNS bool LANGUAGE plpgsql AS
$$ BEGIN RAISE NOTICE 'captured oid = int'; RETURN true; END $$;
CREATE OPERATOR hostile_evil.= (LEFTARG = oid, RIGHTARG = int, FUNCTION = hostile_evil.oidinteq);
SET search_path = hostile_evil, pg_catalog, public;
SET eg.materializer = 'all';
ALTER TABLE hostile_t ENABLE ROW LEVEL SECURITY;
CREATE POLICY everything ON hostile_t USING (true);
ALTER TABLE hostile_t FORCE ROW LEVEL SECURITY;
SELECT eg.begin('hostile-capture');
SELECT eg.dataset('c1', 'SELECT a FROM hostile_t') IS NOT NULL;
SELECT eg.dataset('c2', 'SELECT a + 1 AS b FROM c1') IS NOT NULL;
SELECT step, action FROM eg.explain();
SELECT step, action FROM eg.run();
SELECT count(*) >= 0 AS materialized FROM eg.materialize();
SELECT eg.restore(artifact, 'pg_temp.c3') IS NOT NULL AS restored
FROM eg.run('c2') WHERE step OPERATOR(pg_catalog.=) 'c2';
SELECT (SELECT count(*) FROM eg.artifacts) > 0 AND (SELECT count(*) FROM eg.operations) > 0 AND
       (SELECT count(*) FROM eg.workloads) > 0 AND (SELECT count(*) FROM eg.workload_steps) > 0 AND
       (SELECT count(*) FROM eg.storage) = 1 AS views;
SELECT eg.dot('hostile-capture') LIKE 'digraph%' AS dot;
RESET search_path;
ALTER TABLE hostile_t NO FORCE ROW LEVEL SECURITY;
ALTER TABLE hostile_t DISABLE ROW LEVEL SECURITY;
DROP POLICY everything ON hostile_t;

-- no outcome above was an internal error
SELECT stmt, outcome FROM hostile_out WHERE outcome LIKE 'XX%' OR outcome NOT SIMILAR TO '(ok|[0-9A-Z]{5} %)';
SELECT count(*) > 150 AS enough_cases FROM hostile_out;

SET client_min_messages = warning;
DROP SCHEMA hostile_evil, hostile_a, hostile_b CASCADE;
DROP TABLE hostile_t, hostile_other, hostile_out, hostile_rid, "x""; DROP TABLE hostile_t; --";
SELECT format('DROP TABLE %I', repeat('r', 63)) \gexec
DROP FUNCTION hx(text), hxs(text[]), hostile_step(text), hostile_train(regclass, jsonb, bytea),
    hostile_bad_train(regclass, jsonb), hostile_evil_train(regclass, jsonb, bytea);
DROP ROLE regress_eg_hostile;
