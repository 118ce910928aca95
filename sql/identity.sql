-- Identity: lineage ids follow the parse tree, the data and the functions.
CREATE TABLE t (a int, b text);
INSERT INTO t SELECT g, 'x' || g FROM generate_series(1, 100) g;
CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';

-- the id of a one-step workload over a query
CREATE FUNCTION id_of(q text, det bool DEFAULT NULL) RETURNS eg.artifact_id
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM eg.begin();
    RETURN eg.dataset('s', q, det);
END $$;

SELECT id_of('SELECT a, b FROM t WHERE a < 10') AS base \gset

-- formatting is not identity
SELECT id_of(E'select A,  b\n  FROM   T -- a comment\n WHERE a<10') = :'base' AS same_whitespace_case_comment;
SELECT id_of('SELECT a, b FROM t WHERE a < 10 /* block */;') = :'base' AS same_block_comment;
SELECT id_of('SELECT a, b FROM public.t WHERE a < 10') = :'base' AS qualified_name_differs_in_tree;
-- constants and names are
SELECT id_of('SELECT a, b FROM t WHERE a < 11') = :'base' AS same_other_constant;
SELECT id_of('SELECT a AS x, b FROM t WHERE a < 10') = :'base' AS same_other_alias;
SELECT id_of('SELECT a, b FROM t WHERE a < 10') = :'base' AS same_again;

-- every kind of data change changes the id
INSERT INTO t VALUES (1000, 'new');
SELECT id_of('SELECT a, b FROM t WHERE a < 10') = :'base' AS same_after_insert;
SELECT id_of('SELECT a, b FROM t WHERE a < 10') AS base \gset
UPDATE t SET b = 'y' WHERE a = 1000;
SELECT id_of('SELECT a, b FROM t WHERE a < 10') = :'base' AS same_after_update;
SELECT id_of('SELECT a, b FROM t WHERE a < 10') AS base \gset
UPDATE t SET b = 'z' WHERE false;   -- a statement that changes nothing still counts
SELECT id_of('SELECT a, b FROM t WHERE a < 10') = :'base' AS same_after_empty_update;
SELECT id_of('SELECT a, b FROM t WHERE a < 10') AS base \gset
DELETE FROM t WHERE a = 1000;
SELECT id_of('SELECT a, b FROM t WHERE a < 10') = :'base' AS same_after_delete;
SELECT id_of('SELECT a, b FROM t WHERE a < 10') AS base \gset
COPY t FROM stdin;
2000	copied
\.
SELECT id_of('SELECT a, b FROM t WHERE a < 10') = :'base' AS same_after_copy;
SELECT id_of('SELECT a, b FROM t WHERE a < 10') AS base \gset
ALTER TABLE t ADD COLUMN c int DEFAULT 7;
SELECT id_of('SELECT a, b FROM t WHERE a < 10') = :'base' AS same_after_alter;
SELECT id_of('SELECT a, b FROM t WHERE a < 10') AS base \gset
BEGIN;
TRUNCATE t;
SELECT id_of('SELECT a, b FROM t WHERE a < 10') = :'base' AS same_after_truncate;
ROLLBACK;
SELECT id_of('SELECT a, b FROM t WHERE a < 10') = :'base' AS same_after_rollback;
-- a change in an aborted transaction leaves the version as it was
BEGIN;
INSERT INTO t VALUES (3000, 'gone');
ROLLBACK;
SELECT id_of('SELECT a, b FROM t WHERE a < 10') = :'base' AS same_after_aborted_insert;
-- the trigger that tracks changes fires even for replication-role sessions
SET session_replication_role = replica;
INSERT INTO t VALUES (4000, 'replica');
RESET session_replication_role;
SELECT id_of('SELECT a, b FROM t WHERE a < 10') = :'base' AS same_after_replica_insert;

-- views are followed to their base tables
CREATE VIEW v AS SELECT a, b FROM t WHERE a > 5;
SELECT id_of('SELECT * FROM v') AS vbase \gset
INSERT INTO t VALUES (5000, 'via view');
SELECT id_of('SELECT * FROM v') = :'vbase' AS view_same_after_base_insert;

-- user-defined functions: their definition is part of the id
SELECT id_of('SELECT f(a) FROM t') AS fbase \gset
SELECT id_of('SELECT f(a) FROM t') = :'fbase' AS same_function;
CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + 2';
SELECT id_of('SELECT f(a) FROM t') = :'fbase' AS same_after_replace_function;

-- volatile steps are never reused unless declared deterministic
SELECT id_of('SELECT a, random() AS r FROM t') = id_of('SELECT a, random() AS r FROM t') AS random_same;
SELECT id_of('SELECT a, now() AS r FROM t') = id_of('SELECT a, now() AS r FROM t') AS now_same;
SELECT id_of('SELECT a, current_date AS r FROM t') = id_of('SELECT a, current_date AS r FROM t') AS current_date_same;
SELECT id_of('SELECT a FROM t TABLESAMPLE bernoulli (50)') = id_of('SELECT a FROM t TABLESAMPLE bernoulli (50)') AS sample_same;
SELECT id_of('SELECT a FROM t TABLESAMPLE bernoulli (50) REPEATABLE (1)') = id_of('SELECT a FROM t TABLESAMPLE bernoulli (50) REPEATABLE (1)') AS repeatable_sample_same;
SELECT id_of('SELECT a, random() AS r FROM t', true) = id_of('SELECT a, random() AS r FROM t', true) AS declared_deterministic_same;
SELECT id_of('SELECT a FROM t', false) = id_of('SELECT a FROM t', false) AS declared_nondeterministic_same;
-- a train function (eg.model's signature) is taken as eg.model takes it,
-- though VOLATILE; a volatile function of another signature is not
CREATE FUNCTION id_train(input regclass, params jsonb, warm_start bytea) RETURNS bytea
    VOLATILE LANGUAGE sql AS $$SELECT '\x00'::bytea$$;
CREATE FUNCTION id_notrain(input regclass, params jsonb) RETURNS bytea
    VOLATILE LANGUAGE sql AS $$SELECT '\x00'::bytea$$;
SELECT id_of($$SELECT id_train('t'::regclass, '{}', NULL) AS model$$) =
       id_of($$SELECT id_train('t'::regclass, '{}', NULL) AS model$$) AS train_same;
SELECT id_of($$SELECT id_notrain('t'::regclass, '{}') AS model$$) =
       id_of($$SELECT id_notrain('t'::regclass, '{}') AS model$$) AS not_train_same;
DROP FUNCTION id_train(regclass, jsonb, bytea), id_notrain(regclass, jsonb);
-- and a step downstream of a volatile one is not reusable either
SELECT eg.begin();
SELECT eg.dataset('r', 'SELECT a, random() AS x FROM t') IS NOT NULL AS defined;
SELECT eg.dataset('d', 'SELECT a FROM r') AS d1 \gset
SELECT eg.begin();
SELECT eg.dataset('r', 'SELECT a, random() AS x FROM t') IS NOT NULL AS defined;
SELECT eg.dataset('d', 'SELECT a FROM r') = :'d1' AS downstream_of_volatile_same;
SELECT step, action, reason FROM eg.explain();
-- privileges change with GRANT and REVOKE, not with the data
SELECT id_of($$SELECT a, has_table_privilege('t', 'SELECT') AS p FROM t$$) =
       id_of($$SELECT a, has_table_privilege('t', 'SELECT') AS p FROM t$$) AS privilege_same;
-- why a step is not reusable, in eg.explain: declared so, or volatile
SELECT eg.begin();
SELECT eg.dataset('nd', 'SELECT a FROM t', deterministic => false) IS NOT NULL AS defined;
SELECT eg.dataset('pv', $$SELECT a, pg_has_role('pg_monitor', 'USAGE') AS m FROM t$$) IS NOT NULL AS defined;
SELECT step, action, reason FROM eg.explain();
-- a CTE named like a step shadows the step: the query does not read it
SELECT eg.begin();
SELECT eg.dataset('x', 'SELECT a FROM t WHERE a < 3') IS NOT NULL AS defined;
SELECT eg.dataset('y', 'WITH x AS (SELECT 100 AS a) SELECT a FROM x') IS NOT NULL AS defined;
SELECT eg.dataset('z', 'WITH z AS (SELECT 7 AS a) SELECT a FROM z') IS NOT NULL AS defined;
SELECT step, action FROM eg.run('y', 'z');
SELECT * FROM y, z;

-- settings read by stable functions are part of the id
SET TimeZone = 'UTC';
SELECT id_of($$SELECT a, (timestamptz '2020-01-01 00:00+00')::text AS ts FROM t$$) AS tz1 \gset
SET TimeZone = 'Europe/Berlin';
SELECT id_of($$SELECT a, (timestamptz '2020-01-01 00:00+00')::text AS ts FROM t$$) = :'tz1' AS same_other_timezone;
RESET TimeZone;

-- model ids: parameters in canonical form
CREATE FUNCTION tr(input regclass, params jsonb, warm bytea) RETURNS bytea
LANGUAGE sql AS $$ SELECT convert_to(params::text, 'UTF8') $$;
SELECT eg.begin();
SELECT eg.dataset('s', 'SELECT a FROM t') IS NOT NULL AS defined;
SELECT eg.model('m1', 'tr', 's', '{"a": 1, "b": [1, 2]}') AS m1 \gset
SELECT eg.model('m2', 'tr', 's', '{"b": [1.0, 2.00], "a": 1.0}') = :'m1' AS same_canonical_params;
SELECT eg.model('m3', 'tr', 's', '{"a": 2, "b": [1, 2]}') = :'m1' AS same_other_params;

-- the artifact id type
SELECT '0123456789abcdef0123456789ABCDEF'::eg.artifact_id;
SELECT '0123456789abcdef0123456789abcdef'::eg.artifact_id = '0123456789ABCDEF0123456789abcdef'::eg.artifact_id AS eq;
SELECT '00000000000000000000000000000001'::eg.artifact_id < '00000000000000000000000000000002'::eg.artifact_id AS lt;
