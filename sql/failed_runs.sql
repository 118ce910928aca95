-- A run whose step fails keeps what completed before it (issue 17, item 2):
-- the error reaches the user unchanged, the transaction aborts, and a
-- background worker records the completed steps and stores their tables
-- (graph_worker.c, table_queue.c), so that the rerun after the fix loads
-- them.  Before, nothing of the run was recorded or stored.
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET client_min_messages = notice;
SET eg.progress = off;

CREATE DOMAIN fr_pos AS int CHECK (VALUE > 0);
CREATE TABLE fr_src (id int, k int, t text, n numeric, a int[], d fr_pos, ts timestamptz);
INSERT INTO fr_src
SELECT g, g % 7, CASE WHEN g % 5 = 0 THEN NULL ELSE repeat(md5(g::text), 1 + g % 3) END,
       g / 3.0, ARRAY[g, g + 1], 1 + g % 4, '2026-01-01'::timestamptz + g * interval '1 hour'
FROM generate_series(1, 2000) g;
-- values stored out of line (TOAST): the worker cannot read the session's
INSERT INTO fr_src VALUES (0, 0, (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 400) g),
                           0, NULL, 1, NULL);

-- The workload: two steps that complete, a third that fails.
CREATE FUNCTION fr_define(third text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM eg.begin('fr');
    PERFORM eg.dataset('fr_a', 'SELECT id, k, t, n, a, d, ts FROM fr_src WHERE k < 5');
    PERFORM eg.dataset('fr_b', 'SELECT k, count(*) AS c, max(length(t)) AS len FROM fr_a GROUP BY k');
    PERFORM eg.aggregate('fr_c', third);
END $$;

SELECT fr_define('SELECT 1 / (min(c) - min(c)) AS x FROM fr_b');
-- the error is the step's, as it was
SELECT * FROM eg.run();
-- a new run, with the completed steps only; both stored
SELECT string_agg(step || ' ' || action, ', ' ORDER BY ord) AS recorded
FROM eg.workload_steps WHERE workload = (SELECT max(id) FROM eg.workloads);
SELECT step, materialized FROM eg.artifacts WHERE step LIKE 'fr\__' ORDER BY step;
SELECT count(*) AS session_tables FROM pg_class WHERE relname LIKE 'fr\__' AND relpersistence = 't';

-- after the fix, in a new session: the completed steps are loaded
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET eg.progress = off;
SELECT fr_define('SELECT sum(c) AS x FROM fr_b');
SELECT step, action FROM eg.run();
-- and are what plain SQL gives
SELECT count(*) AS a_differs FROM (
    (SELECT * FROM fr_a EXCEPT ALL SELECT id, k, t, n, a, d, ts FROM fr_src WHERE k < 5)
    UNION ALL
    (SELECT id, k, t, n, a, d, ts FROM fr_src WHERE k < 5 EXCEPT ALL SELECT * FROM fr_a)) x;
SELECT max(length(t)) AS longest, pg_typeof(d) AS domain_kept FROM fr_a GROUP BY 2;
SELECT x FROM fr_c;

-- a step's table that the failing step wrote before its error (the write
-- rolled back with the step): not saved, since the write made it no longer
-- the step's result as computed (its eg_live trigger saw it); the rerun
-- computes it, equal to plain SQL.  Pages holding the versions the
-- rolled-back write left must never be stored as they are.
CREATE FUNCTION fr_touch() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    UPDATE fr_u1 SET n = -1;
    RETURN 1 / 0;
END $$;
SELECT eg.begin('fr_u');
SELECT eg.dataset('fr_u1', 'SELECT id, k, n FROM fr_src WHERE k > 0') IS NOT NULL AS defined;
SELECT eg.dataset('fr_u2', 'SELECT fr_touch() AS x', deterministic => false) IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT step, materialized FROM eg.artifacts WHERE step = 'fr_u1';
\c
SET eg.reuse = all_load;
SET eg.progress = off;
SELECT eg.begin('fr_u');
SELECT eg.dataset('fr_u1', 'SELECT id, k, n FROM fr_src WHERE k > 0') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT count(*) AS u1_differs FROM (
    (SELECT * FROM fr_u1 EXCEPT ALL SELECT id, k, n FROM fr_src WHERE k > 0)
    UNION ALL
    (SELECT id, k, n FROM fr_src WHERE k > 0 EXCEPT ALL SELECT * FROM fr_u1)) x;
DROP FUNCTION fr_touch();

-- a transaction that recorded a run before holds the graph's lock until it
-- ends: the worker would wait for it, so nothing is saved (NOTICE)
\c
SET eg.materializer = 'all';
SET eg.progress = off;
BEGIN;
SELECT eg.begin('fr_tx');
SELECT eg.dataset('fr_tx1', 'SELECT k, sum(id) AS s FROM fr_src GROUP BY k') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT eg.dataset('fr_tx2', 'SELECT k, s * 2 AS s2 FROM fr_tx1') IS NOT NULL AS defined;
SELECT eg.dataset('fr_tx3', 'SELECT 1 / (s2 - s2) FROM fr_tx2') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
ROLLBACK;
SELECT count(*) AS tx_recorded FROM eg.artifacts WHERE step LIKE 'fr\_tx_';

-- at REPEATABLE READ the worker saves the completed steps too
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT eg.begin('fr_rr');
SELECT eg.dataset('fr_rr1', 'SELECT k, count(*) AS c FROM fr_src GROUP BY k') IS NOT NULL AS defined;
SELECT eg.dataset('fr_rr2', 'SELECT 1 / (c - c) FROM fr_rr1') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
ROLLBACK;
SELECT step, materialized FROM eg.artifacts WHERE step LIKE 'fr\_rr_' ORDER BY step;

-- a type created in the same transaction: the worker cannot see it yet,
-- so the table using it is recorded but not stored (it was a WARNING and
-- nothing saved); the other completed step is stored
BEGIN;
CREATE TYPE fr_mood AS ENUM ('calm', 'busy');
SELECT eg.begin('fr_type');
SELECT eg.dataset('fr_ty1', 'SELECT id, ''calm''::fr_mood AS m FROM fr_src WHERE k = 1') IS NOT NULL AS defined;
SELECT eg.dataset('fr_ty2', 'SELECT id FROM fr_src WHERE k = 2') IS NOT NULL AS defined;
SELECT eg.dataset('fr_ty3', 'SELECT 1 / (count(*) - count(*)) FROM fr_ty1') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
ROLLBACK;
SELECT step, materialized FROM eg.artifacts WHERE step LIKE 'fr\_ty_' ORDER BY step;

-- a failure in the first step: nothing completed, nothing recorded
SELECT count(*) AS runs FROM eg.workloads \gset
SELECT eg.begin('fr_first');
SELECT eg.dataset('fr_f1', 'SELECT 1 / (id - id) FROM fr_src') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT count(*) - :runs AS new_runs FROM eg.workloads;

-- a cancel (statement_timeout) stops at once: nothing is saved
SELECT eg.begin('fr_cancel');
SELECT eg.dataset('fr_k1', 'SELECT k, min(id) AS m FROM fr_src GROUP BY k') IS NOT NULL AS defined;
SELECT eg.dataset('fr_k2', 'SELECT m FROM fr_k1, pg_sleep(5)') IS NOT NULL AS defined;
SET statement_timeout = '500ms';
SELECT step, action FROM eg.run();
RESET statement_timeout;
SELECT count(*) - :runs AS new_runs FROM eg.workloads;

DROP FUNCTION fr_define(text);
DROP TABLE fr_src;
DROP DOMAIN fr_pos;
