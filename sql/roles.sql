-- Role matrix: every operation of eg under every kind of role.
--
--   owner    owns the data (schema rm), runs first; an ordinary role
--   reader   SELECT on the base tables, EXECUTE on the functions
--   nobody   no rights on the base tables
--   noexec   SELECT on the tables, no EXECUTE on rm.dbl (a step uses it)
--   rls      SELECT on rm_sec, under a policy that shows it 5 of 11 rows
--
-- Expected: steps run as the caller; an artifact is loaded (or restored)
-- for a role only if it may read every table and execute every function of
-- the lineage; roles that may see different rows never share artifacts;
-- store tables and internal functions are closed; the views show a role
-- what it may use.  rights.sql covers the basics (reader loads, nobody
-- fails, the table owner bypasses RLS, ALTER POLICY); this complements it.
SET eg.materializer = 'all';   -- keep everything: timings cannot change what is stored
SET eg.reuse = all_load;       -- load whatever is stored: timings cannot flip the plan
CREATE ROLE regress_eg_owner;
CREATE ROLE regress_eg_reader;
CREATE ROLE regress_eg_nobody;
CREATE ROLE regress_eg_noexec;
CREATE ROLE regress_eg_rls;
CREATE ROLE regress_eg_group;
CREATE SCHEMA rm AUTHORIZATION regress_eg_owner;
GRANT USAGE ON SCHEMA rm TO PUBLIC;

-- Runs statement sql as the caller: 'ok' or its SQLSTATE, message and detail.
CREATE FUNCTION rm_try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ' ' || SQLERRM || coalesce(nullif(' / ' || detail, ' / '), '');
END $$;
-- Every statement under every role (SET ROLE outside the subtransaction).
CREATE FUNCTION rm_matrix(roles text[], stmts text[])
RETURNS TABLE (role text, stmt text, outcome text) LANGUAGE plpgsql AS $$
BEGIN
    FOREACH stmt IN ARRAY stmts LOOP
        FOREACH role IN ARRAY roles LOOP
            EXECUTE format('SET ROLE %I', role);
            outcome := rm_try(stmt);
            RESET ROLE;
            RETURN NEXT;
        END LOOP;
    END LOOP;
END $$;
GRANT EXECUTE ON FUNCTION rm_try(text) TO PUBLIC;

-- the owner creates the data
SET ROLE regress_eg_owner;
CREATE TABLE rm.rm_pub (id int, v int);
INSERT INTO rm.rm_pub SELECT g, g FROM generate_series(1, 10) g;
CREATE TABLE rm.rm_sec (id int, v int, owner_name text);
INSERT INTO rm.rm_sec SELECT g, g * 100, CASE WHEN g % 2 = 0 THEN 'regress_eg_rls' ELSE 'x' END
FROM generate_series(1, 10) g;
INSERT INTO rm.rm_sec VALUES (11, 1100, 'regress_eg_owner');
CREATE FUNCTION rm.dbl(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 2';
-- STABLE, SECURITY INVOKER: reads rm_sec with the caller's rights
CREATE FUNCTION rm.peek(int) RETURNS int LANGUAGE sql STABLE AS 'SELECT v FROM rm.rm_sec WHERE id = $1';
REVOKE EXECUTE ON FUNCTION rm.dbl(int) FROM PUBLIC;
GRANT SELECT ON rm.rm_pub TO regress_eg_reader, regress_eg_noexec, regress_eg_rls;
GRANT SELECT ON rm.rm_sec TO regress_eg_rls;
GRANT EXECUTE ON FUNCTION rm.dbl(int) TO regress_eg_reader, regress_eg_rls;
ALTER TABLE rm.rm_sec ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON rm.rm_sec FOR SELECT USING (owner_name = current_user);
RESET ROLE;

-- the workloads: W over rm_pub with rm.dbl, S over rm_sec (RLS), F calls rm.peek
CREATE FUNCTION rm_define_w() RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM eg.begin('rm-w');
    PERFORM eg.dataset('rm_p', 'SELECT id, v FROM rm.rm_pub');
    PERFORM eg.dataset('rm_d', 'SELECT id, rm.dbl(v) AS w FROM rm_p');
    PERFORM eg.aggregate('rm_agg', 'SELECT count(*) AS n, sum(w) AS s FROM rm_d');
END $f$;
CREATE FUNCTION rm_define_s() RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM eg.begin('rm-s');
    PERFORM eg.dataset('rm_s', 'SELECT id, v FROM rm.rm_sec');
    PERFORM eg.aggregate('rm_st', 'SELECT count(*) AS n, sum(v) AS s FROM rm_s');
END $f$;
CREATE FUNCTION rm_define_f() RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM eg.begin('rm-f');
    PERFORM eg.dataset('rm_f', 'SELECT id, rm.peek(id) AS secret FROM rm.rm_pub');
END $f$;
GRANT EXECUTE ON FUNCTION rm_define_w(), rm_define_s(), rm_define_f() TO PUBLIC;

-- 1. eg.run computing: the owner runs everything first
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_owner;
SELECT rm_define_w();
SELECT step, action, rows FROM eg.run();
SELECT rm_define_s();
SELECT step, action, rows FROM eg.run();
SELECT * FROM rm_st;
SELECT rm_define_f();
SELECT step, action, rows FROM eg.run();
-- the step tables belong to the caller
SELECT tableowner FROM pg_tables WHERE tablename = 'rm_f' AND schemaname LIKE 'pg_temp%';
RESET ROLE;
SELECT id AS w_id FROM eg.artifacts WHERE step = 'rm_agg' AND materialized \gset
SELECT id AS s_id FROM eg.artifacts WHERE step = 'rm_st' AND materialized \gset
SELECT id AS f_id FROM eg.artifacts WHERE step = 'rm_f' AND materialized \gset

-- 2. eg.explain and eg.run over another role's artifacts, role by role
-- reader: may read and execute everything of W: loads
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_reader;
SELECT rm_define_w();
SELECT step, action, regexp_replace(reason, '[0-9.]+ s', 'N s', 'g') AS reason FROM eg.explain();
SELECT step, action, rows FROM eg.run();
SELECT * FROM rm_agg;
-- F's artifact covers the owner's rights (rm.peek read rm_sec as the owner):
-- never loaded; computed, it fails as plain SQL does
SELECT rm_define_f();
SELECT step, action FROM eg.explain();
\set VERBOSITY terse
SELECT step, action FROM eg.run();
SELECT id, rm.peek(id) FROM rm.rm_pub LIMIT 1;
\set VERBOSITY default
RESET ROLE;

-- nobody: no rights on the tables: nothing is loaded, the step fails as plain SQL
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_nobody;
SELECT rm_define_w();
SELECT step, action, regexp_replace(reason, '[0-9.]+ s', 'N s', 'g') AS reason FROM eg.explain();
\set VERBOSITY terse
SELECT step, action FROM eg.run();
SELECT id FROM rm.rm_pub LIMIT 1;
\set VERBOSITY default
RESET ROLE;

-- noexec: may read rm_pub but not execute rm.dbl: rm_p is loaded, rm_d is
-- computed and fails like plain SQL
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_noexec;
SELECT rm_define_w();
SELECT step, action, regexp_replace(reason, '[0-9.]+ s', 'N s', 'g') AS reason FROM eg.explain();
\set VERBOSITY terse
SELECT step, action FROM eg.run();
SELECT rm.dbl(1);
\set VERBOSITY default
SELECT step, action FROM eg.run('rm_p');
RESET ROLE;

-- rls: never shares rm_sec's artifacts with the owner; gets its own rows
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_rls;
SELECT rm_define_s();
SELECT step, action FROM eg.explain();
SELECT step, action, rows FROM eg.run();
SELECT * FROM rm_st;
SELECT count(*), sum(v) FROM rm.rm_sec;
-- its own artifacts are loaded in its next session
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_rls;
SELECT rm_define_s();
SELECT step, action, rows FROM eg.run();
-- F under RLS: rm.peek reads rm_sec as rls (its own rows only)
SELECT rm_define_f();
SELECT step, action, rows FROM eg.run();
SELECT count(secret) AS seen FROM rm_f;
RESET ROLE;

-- 3. policy changes: every change gives new ids, never a stale load
-- a new permissive policy (rls now also sees id <= 3)
CREATE POLICY low_ids ON rm.rm_sec FOR SELECT USING (id <= 3);
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_rls;
SELECT rm_define_s();
SELECT step, action, rows FROM eg.run();
SELECT * FROM rm_st;
RESET ROLE;
DROP POLICY low_ids ON rm.rm_sec;
-- a policy TO a group: membership changes what rls sees, GRANT and REVOKE
-- change its ids
CREATE POLICY group_rows ON rm.rm_sec FOR SELECT TO regress_eg_group USING (true);
GRANT regress_eg_group TO regress_eg_rls;
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_rls;
SELECT rm_define_s();
SELECT step, action, rows FROM eg.run();
RESET ROLE;
REVOKE regress_eg_group FROM regress_eg_rls;
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_rls;
SELECT rm_define_s();
SELECT step, action, rows FROM eg.run();
SELECT count(*) FROM rm.rm_sec;
RESET ROLE;
DROP POLICY group_rows ON rm.rm_sec;
-- RLS disabled: rls and the owner see the same rows and share artifacts
ALTER TABLE rm.rm_sec DISABLE ROW LEVEL SECURITY;
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_owner;
SELECT rm_define_s();
SELECT step, action, rows FROM eg.run();
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_rls;
SELECT rm_define_s();
SELECT step, action, rows FROM eg.run();
RESET ROLE;
-- enabled and forced: the owner is under its policies too (one row is its)
ALTER TABLE rm.rm_sec ENABLE ROW LEVEL SECURITY;
ALTER TABLE rm.rm_sec FORCE ROW LEVEL SECURITY;
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_owner;
SELECT rm_define_s();
SELECT step, action, rows FROM eg.run();
SELECT * FROM rm_st;
RESET ROLE;
ALTER TABLE rm.rm_sec NO FORCE ROW LEVEL SECURITY;
-- EXECUTE revoked after a role loaded: the next run no longer loads
REVOKE EXECUTE ON FUNCTION rm.dbl(int) FROM regress_eg_reader;
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_eg_reader;
SELECT rm_define_w();
SELECT step, action FROM eg.explain();
RESET ROLE;
GRANT EXECUTE ON FUNCTION rm.dbl(int) TO regress_eg_reader;

-- 4. eg.restore(id, into), every role: the same rights as loading, and
-- never by id what RLS or another role's rights made
\c
CREATE TABLE rm_ids AS SELECT :'w_id'::text AS w, :'s_id'::text AS s, :'f_id'::text AS f;
SELECT m.role, replace(replace(replace(m.stmt, i.w, '<rm_agg>'), i.s, '<rm_st>'), i.f, '<rm_f>') AS stmt,
       replace(replace(replace(m.outcome, i.w, '<rm_agg>'), i.s, '<rm_st>'), i.f, '<rm_f>') AS outcome
FROM rm_ids i, rm_matrix(
    ARRAY['regress_eg_owner', 'regress_eg_reader', 'regress_eg_nobody', 'regress_eg_noexec', 'regress_eg_rls'],
    ARRAY[format('SELECT eg.restore(%L, %L || current_user)', :'w_id', 'pg_temp.rw_'),
          format('SELECT eg.restore(%L, %L || current_user)', :'s_id', 'pg_temp.rs_'),
          format('SELECT eg.restore(%L, %L || current_user)', :'f_id', 'pg_temp.rf_'),
          format('SELECT eg.restore(%L, %L || current_user)', :'w_id', 'rm.rw_')]) m
ORDER BY 2, 1;
SELECT * FROM pg_temp.rw_regress_eg_reader;
SELECT count(*) FROM pg_temp.rs_regress_eg_owner;
DROP TABLE rm.rw_regress_eg_owner;

-- 5. eg.materialize(): any role may run it, with the store-wide settings
-- (budget, policy, alpha) a superuser set; no ordinary role changes them
SELECT role, stmt, outcome FROM rm_matrix(
    ARRAY['regress_eg_nobody', 'regress_eg_rls'],
    ARRAY['SELECT count(*) FROM eg.materialize()', 'SET eg.budget = 0',
          'SELECT set_config(''eg.budget'', ''0'', false)',
          'SET eg.materializer = heuristic', 'SET eg.alpha = 1',
          'SELECT set_config(''eg.materializer'', ''none'', true)',
          'SELECT set_config(''eg.alpha'', ''0'', false)',
          'SET eg.reuse = all_compute'])
ORDER BY stmt, role;
SELECT count(*) > 0 AS still_stored FROM eg.artifacts WHERE step LIKE 'rm\_%' AND materialized;
-- the issue's attack: heuristic with alpha 1 would evict the others' artifacts
SELECT count(*) AS stored_before FROM eg.artifacts WHERE materialized \gset
SET ROLE regress_eg_nobody;
SELECT rm_try('SET eg.materializer = heuristic') AS policy,
       rm_try('SET eg.alpha = 1') AS alpha,
       (SELECT count(*) FROM eg.materialize() WHERE action = 'evicted') AS evicted;
RESET ROLE;
SELECT count(*) = :stored_before AS none_evicted FROM eg.artifacts WHERE materialized;
-- a superuser may delegate them, like any superuser-only parameter
GRANT SET ON PARAMETER eg.materializer, eg.alpha TO regress_eg_reader;
SET ROLE regress_eg_reader;
SET eg.alpha = 0.25;
SET eg.materializer = 'all';
SHOW eg.alpha;
RESET ROLE;
REVOKE SET ON PARAMETER eg.materializer, eg.alpha FROM regress_eg_reader;
RESET eg.alpha;

-- 6. the views: each role sees the artifacts it may use, the runs of its roles
CREATE FUNCTION rm_views(roles text[])
RETURNS TABLE (role text, artifacts text, operations bigint, runs text, run_steps bigint,
               storage_rows bigint) LANGUAGE plpgsql AS $$
BEGIN
    FOREACH role IN ARRAY roles LOOP
        EXECUTE format('SET ROLE %I', role);
        SELECT string_agg(DISTINCT a.step, ', ' ORDER BY a.step) INTO artifacts
        FROM eg.artifacts a WHERE a.step LIKE 'rm\_%';
        SELECT count(*) INTO operations FROM eg.operations o WHERE o.definition ~ '\mrm[._]';
        SELECT string_agg(DISTINCT w.name, ', ' ORDER BY w.name) INTO runs
        FROM eg.workloads w WHERE w.name LIKE 'rm-%';
        SELECT count(*) INTO run_steps FROM eg.workload_steps s JOIN eg.workloads w ON w.id = s.workload
        WHERE w.name LIKE 'rm-%';
        SELECT count(*) INTO storage_rows FROM eg.storage;
        RESET ROLE;
        RETURN NEXT;
    END LOOP;
END $$;
SELECT * FROM rm_views(ARRAY['regress_eg_owner', 'regress_eg_reader', 'regress_eg_nobody',
                             'regress_eg_noexec', 'regress_eg_rls']);
-- a leaky condition of the caller never sees the other rows (security_barrier)
CREATE FUNCTION rm_leak(text) RETURNS bool LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
    IF $1 LIKE 'rm\_%' THEN RAISE NOTICE 'saw %', $1; END IF;
    RETURN true;
END $$;
SET ROLE regress_eg_nobody;
SELECT count(*) FROM eg.artifacts WHERE rm_leak(step) AND step LIKE 'rm\_%';
SELECT count(*) FROM eg.operations WHERE rm_leak(definition) AND definition LIKE '%rm_%';
SELECT count(*) FROM eg.workload_steps WHERE rm_leak(step) AND step LIKE 'rm\_%';
-- eg.dot draws what the views show
SELECT eg.dot() LIKE '%rm\_%' AS dot_shows_rm;
SELECT eg.dot('rm-w');
RESET ROLE;
SET ROLE regress_eg_reader;
SELECT (SELECT count(*) FROM regexp_matches(eg.dot('rm-w'), '\[label=', 'g')) AS nodes,
       (SELECT count(*) FROM regexp_matches(eg.dot('rm-w'), ' -> ', 'g')) AS edges;
RESET ROLE;

-- 7. the store and graph tables: closed to every ordinary role
SELECT stmt, string_agg(DISTINCT outcome, '; ') AS outcome FROM rm_matrix(
    ARRAY['regress_eg_owner', 'regress_eg_reader', 'regress_eg_nobody', 'regress_eg_rls'],
    ARRAY['SELECT count(*) FROM eg.chunk', 'SELECT count(*) FROM eg.store_artifact',
          'SELECT count(*) FROM eg.store_column', 'SELECT count(*) FROM eg.store_segment',
          'SELECT count(*) FROM eg.artifact', 'SELECT count(*) FROM eg.operation',
          'SELECT count(*) FROM eg.workload', 'SELECT count(*) FROM eg.workload_step',
          'SELECT count(*) FROM eg.source_change', 'SELECT count(*) FROM eg.load_stats',
          'DELETE FROM eg.chunk', 'UPDATE eg.artifact SET materialized = false',
          'INSERT INTO eg.source_change (relid) VALUES (1)', 'TRUNCATE eg.store_segment',
          'CREATE TABLE eg.intruder (a int)', 'DROP TABLE eg.chunk'])
GROUP BY stmt ORDER BY stmt;

-- 8. internal functions: closed, or refusing what they are not for
SELECT stmt, string_agg(DISTINCT outcome, '; ') AS outcome FROM rm_matrix(
    ARRAY['regress_eg_owner', 'regress_eg_reader', 'regress_eg_nobody', 'regress_eg_rls'],
    ARRAY['SELECT eg._live_changed()', 'SELECT eg._note_change()', 'SELECT eg._note_ddl()',
          'SELECT eg._before_drop()',
          'SELECT eg._planner_check(1, 3, 1)', 'SELECT eg._planner_bench(1, 3, 1)',
          'SELECT eg._budget_bytes() > 0', 'SELECT eg._visible(''{}'', ''{}'', NULL, true)',
          'SELECT eg._dot_node(NULL, ''x'', ''dataset'', NULL, false, NULL)'])
GROUP BY stmt ORDER BY stmt;
-- _note_ddl cannot be hung on a table either; _note_change on a table of
-- one's own only logs changes of that table
SET ROLE regress_eg_owner;
CREATE TABLE rm.rm_own (a int);
\set VERBOSITY terse
CREATE TRIGGER t AFTER INSERT ON rm.rm_own EXECUTE FUNCTION eg._note_ddl();
\set VERBOSITY default
CREATE TRIGGER t AFTER INSERT ON rm.rm_own FOR EACH STATEMENT EXECUTE FUNCTION eg._note_change();
INSERT INTO rm.rm_own VALUES (1);
DROP TABLE rm.rm_own;
RESET ROLE;

-- every SECURITY DEFINER function of eg pins search_path
SELECT p.oid::regprocedure AS unpinned
FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
     AND d.deptype = 'e' AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'eg')
WHERE p.prosecdef
  AND NOT EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%');
-- and nothing of eg but the documented functions is executable by PUBLIC
SELECT p.proname FROM pg_proc p
WHERE p.pronamespace = 'eg'::regnamespace AND p.proname LIKE '\_%'
  AND has_function_privilege('regress_eg_nobody', p.oid, 'EXECUTE')
ORDER BY 1;

\c
DROP FUNCTION rm_define_w(), rm_define_s(), rm_define_f(), rm_matrix(text[], text[]), rm_try(text),
    rm_leak(text), rm_views(text[]);
DROP TABLE rm_ids;
DROP SCHEMA rm CASCADE;
DROP ROLE regress_eg_owner, regress_eg_reader, regress_eg_nobody, regress_eg_noexec,
    regress_eg_rls, regress_eg_group;
