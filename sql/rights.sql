-- Caller's rights: steps run as the calling role; an artifact is loaded only
-- for a role that may read every table it derives from; under row-level
-- security, roles never share artifacts.
SET eg.materializer = 'all';   -- keep every computed step: timings cannot change what is stored
SET eg.reuse = all_load;
CREATE ROLE regress_eg_reader;
CREATE ROLE regress_eg_nobody;
CREATE ROLE regress_eg_rls;
CREATE TABLE secret (id int, owner_name text, v int);
INSERT INTO secret SELECT g, CASE WHEN g % 2 = 0 THEN 'regress_eg_rls' ELSE 'other' END, g
FROM generate_series(1, 100) g;
GRANT SELECT ON secret TO regress_eg_reader, regress_eg_rls;

CREATE FUNCTION define_secret_workload() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM eg.begin('rights');
    PERFORM eg.dataset('s', 'SELECT id, v FROM secret WHERE v > 10');
    PERFORM eg.aggregate('total', 'SELECT count(*) AS n, sum(v) AS sv FROM s');
END $$;
GRANT EXECUTE ON FUNCTION define_secret_workload() TO PUBLIC;

-- the owner computes and stores
SELECT define_secret_workload();
SELECT step, action, rows FROM eg.run();

-- a reader with SELECT rights loads, as a new session would
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_reader;
SELECT define_secret_workload();
SELECT step, action, rows FROM eg.run();
SELECT * FROM total;
-- the step tables belong to the caller
SELECT tableowner FROM pg_tables WHERE tablename = 's' AND schemaname LIKE 'pg_temp%';
-- a live step table is handed out only while the role may still compute
-- it: once a right it needs is revoked, the step is computed again and
-- fails as plain SQL does (found by the differential suite)
RESET ROLE;
REVOKE SELECT ON secret FROM regress_eg_reader;
SET ROLE regress_eg_reader;
SELECT define_secret_workload();
SELECT step, action FROM eg.explain();
\set VERBOSITY sqlstate
SELECT step, action FROM eg.run();
SELECT id FROM secret LIMIT 1;
\set VERBOSITY default
RESET ROLE;
GRANT SELECT ON secret TO regress_eg_reader;
SET ROLE regress_eg_reader;
SELECT define_secret_workload();
SELECT step, action, rows FROM eg.run();
RESET ROLE;
-- once its right is revoked, eg.dot still draws the reader's run but neither
-- the table nor the edge from it
PREPARE dot_counts AS
SELECT (SELECT count(*) FROM regexp_matches(eg.dot('rights'), '\[label=', 'g')) AS nodes,
       (SELECT count(*) FROM regexp_matches(eg.dot('rights'), ' -> ', 'g')) AS edges,
       eg.dot('rights') LIKE '%cylinder%' AS shows_table;
REVOKE SELECT ON secret FROM regress_eg_reader;
SET ROLE regress_eg_reader;
EXECUTE dot_counts;
RESET ROLE;
GRANT SELECT ON secret TO regress_eg_reader;
SET ROLE regress_eg_reader;
EXECUTE dot_counts;
RESET ROLE;

-- a role without rights: nothing is loaded, the step fails as plain SQL would
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_nobody;
SELECT define_secret_workload();
SELECT step, action FROM eg.explain();
SELECT step, action FROM eg.run();
SELECT id FROM secret LIMIT 1;
-- nor can it restore the artifact or read the store
RESET ROLE;
SELECT id AS total_id FROM eg.artifacts WHERE step = 'total' AND materialized \gset
SET ROLE regress_eg_nobody;
\set VERBOSITY sqlstate
SELECT eg.restore(:'total_id', 'stolen');
\set VERBOSITY default
SELECT count(*) FROM eg.chunk;
SELECT count(*) FROM eg.store_segment;
RESET ROLE;

-- row-level security: a limited role gets its own artifacts, with its rows
ALTER TABLE secret ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON secret FOR SELECT USING (owner_name = current_user);
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_rls;
SELECT define_secret_workload();
SELECT step, action, rows FROM eg.run();
SELECT * FROM total;
RESET ROLE;
-- the table owner bypasses RLS and gets the full result again
SELECT define_secret_workload();
SELECT step, action, rows FROM eg.run();
SELECT * FROM total;
-- a changed policy changes what the limited role shares with its past self
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_rls;
SELECT define_secret_workload();
SELECT step, action FROM eg.run();
RESET ROLE;
ALTER POLICY own_rows ON secret USING (owner_name = current_user AND v < 50);
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_rls;
SELECT define_secret_workload();
SELECT step, action, rows FROM eg.run();
SELECT * FROM total;
RESET ROLE;

-- a step table that another role of this session made is eg's to replace:
-- the next role's run recomputes it (plain SQL: a new table of its own)
CREATE TABLE xr AS SELECT g AS a FROM generate_series(1, 3) g;
GRANT SELECT ON xr TO regress_eg_reader, regress_eg_rls;
SET ROLE regress_eg_reader;
SELECT eg.begin('xr');
SELECT eg.dataset('xr_s', 'SELECT a FROM xr WHERE a > 1') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
RESET ROLE;
SET ROLE regress_eg_rls;
SELECT eg.begin('xr');
SELECT eg.dataset('xr_s', 'SELECT a * 10 AS a FROM xr') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT a FROM xr_s ORDER BY a;
SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE oid = 'pg_temp.xr_s'::regclass;
RESET ROLE;
-- the same step under another role is not live: that role's own table
SET ROLE regress_eg_reader;
SELECT eg.begin('xr');
SELECT eg.dataset('xr_s', 'SELECT a * 10 AS a FROM xr') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE oid = 'pg_temp.xr_s'::regclass;
SELECT sum(a) FROM xr_s;
-- a temp table of that name that eg did not make is still refused
DROP TABLE xr_s;
CREATE TEMP TABLE xr_s (a int);
SELECT eg.begin('xr');
SELECT eg.dataset('xr_s', 'SELECT a FROM xr') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
DROP TABLE xr_s;
RESET ROLE;
DROP TABLE xr;

DROP FUNCTION define_secret_workload();
DROP TABLE secret CASCADE;
DROP OWNED BY regress_eg_reader, regress_eg_nobody, regress_eg_rls;
DROP ROLE regress_eg_reader, regress_eg_nobody, regress_eg_rls;
