-- eg.store_async (issue 18): eg.run hands what it computed to a background
-- worker, which stores it once the run's transaction commits; nothing when
-- it rolls back (graph_worker.c, table_queue.c).
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET eg.progress = off;

CREATE TABLE sa_src AS
SELECT g AS id, g % 13 AS k, md5(g::text) AS t, CASE WHEN g % 9 = 0 THEN NULL ELSE g / 3.0 END AS n
FROM generate_series(1, 50000) g;
-- Wait until no eg worker is left and, if stored, the latest run's store
-- is done (the worker records the materializer's time at its end).
CREATE FUNCTION sa_wait(stored bool) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..600 LOOP
        PERFORM pg_stat_clear_snapshot();
        EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE backend_type IN ('eg graph', 'eg store'))
              AND (NOT stored OR (SELECT materializer_seconds IS NOT NULL
                                  FROM eg.workload ORDER BY id DESC LIMIT 1));
        PERFORM pg_sleep(0.05);
    END LOOP;
END $$;
-- The latest run's steps sa_?: whether each is stored.
CREATE FUNCTION sa_latest() RETURNS TABLE (step text, materialized bool) LANGUAGE sql AS $$
    SELECT a.step, a.materialized FROM eg.artifacts a WHERE a.step LIKE 'sa\__' AND a.id IN
        (SELECT artifact FROM eg.workload_steps WHERE workload = (SELECT max(id) FROM eg.workloads))
    ORDER BY a.step
$$;
CREATE FUNCTION sa_define(tag int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM eg.begin('sa');
    PERFORM eg.dataset('sa_a', format('SELECT id, k, t, n FROM sa_src WHERE k <> %s', tag));
    PERFORM eg.aggregate('sa_b', 'SELECT k, count(*) AS c, sum(n) AS s FROM sa_a GROUP BY k');
END $$;

-- a run in autocommit: stored after it commits
SET eg.store_async = on;
SELECT sa_define(1);
SELECT step, action FROM eg.run();
SELECT sa_wait(true);
SELECT step, materialized FROM eg.artifacts WHERE step LIKE 'sa\__' ORDER BY step;
SELECT count(*) AS problems FROM eg.check();
-- a run whose step computes at once hands its rows over before the worker
-- is ready: it waits for the worker to attach, and the rows are stored
SELECT eg.begin('sa/tiny');
SELECT eg.dataset('sa_tiny', 'SELECT id, t FROM sa_src WHERE id <= 10') IS NOT NULL AS defined;
SELECT step, action, rows FROM eg.run();
SELECT sa_wait(true);
SELECT materialized, stored_bytes > 0 AS has_bytes FROM eg.artifacts WHERE step = 'sa_tiny';
-- a new session loads it, equal to plain SQL
\c
SET eg.reuse = all_load;
SET eg.progress = off;
SELECT sa_define(1);
SELECT step, action FROM eg.run();
SELECT count(*) AS a_differs FROM (
    (SELECT * FROM sa_a EXCEPT ALL SELECT id, k, t, n FROM sa_src WHERE k <> 1)
    UNION ALL
    (SELECT id, k, t, n FROM sa_src WHERE k <> 1 EXCEPT ALL SELECT * FROM sa_a)) d;

-- a run right after another waits for its store in progress (eg.store_job),
-- then loads what it computed (t/004_store_jobs.pl holds the worker).
-- sa_slow makes computing take 0.5 s, far longer than storing these rows
-- takes.
CREATE FUNCTION sa_slow(x int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_sleep(0.5);
    RETURN x;
END $$;
SET eg.store_async = on;
SELECT eg.begin('sa/slow');
SELECT eg.dataset('sa_s', 'SELECT id, t FROM sa_src WHERE k <> sa_slow(7)') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
\c
SET eg.reuse = all_load;
SET eg.progress = off;
SELECT eg.begin('sa/slow');
SELECT eg.dataset('sa_s', 'SELECT id, t FROM sa_src WHERE k <> sa_slow(7)') IS NOT NULL AS defined;
-- (eg.explain waits as eg.run does: what it says is what the run does)
SELECT step, action FROM eg.explain();
SELECT step, action FROM eg.run();
SELECT count(*) AS jobs_left FROM eg.store_job;
-- a job of a process that is not eg's store worker (here: this session) is
-- not waited for: the run computes at once (a wait would hit the timeout)
SET eg.reuse = optimal;
SELECT eg.begin('sa/slow');
SELECT eg.dataset('sa_s', 'SELECT id, t FROM sa_src WHERE k <> sa_slow(8)') AS s8 \gset
INSERT INTO eg.store_job (artifact, pid, seconds) VALUES (:'s8', pg_backend_pid(), 100);
SET statement_timeout = '5s';
SELECT step, action FROM eg.run();
RESET statement_timeout;
DELETE FROM eg.store_job;
SET eg.reuse = all_load;

-- a run whose transaction rolls back: recorded nowhere, stored nowhere
SET eg.store_async = on;
SET eg.materializer = 'all';
BEGIN;
SELECT sa_define(2);
SELECT step, action FROM eg.run();
ROLLBACK;
SELECT sa_wait(false);
SELECT count(*) AS rolled_back_stored FROM eg.artifacts a
WHERE a.materialized AND a.id NOT IN (SELECT artifact FROM eg.workload_steps);
SELECT count(*) AS problems FROM eg.check();

-- a transaction that goes on after the run: stored once it commits
BEGIN;
SELECT sa_define(3);
SELECT step, action FROM eg.run();
SELECT pg_sleep(0.3);
SELECT count(*) AS stored_before_commit FROM eg.artifacts
WHERE step LIKE 'sa\__' AND materialized AND id IN
    (SELECT artifact FROM eg.workload_steps WHERE workload = (SELECT max(id) FROM eg.workloads));
COMMIT;
SELECT sa_wait(true);
SELECT count(*) AS stored_after_commit FROM eg.artifacts
WHERE materialized AND id IN
    (SELECT artifact FROM eg.workload_steps WHERE workload = (SELECT max(id) FROM eg.workloads));
-- the budget still holds, and the materializer's time is recorded
SELECT stored_bytes <= budget_bytes AS within_budget FROM eg.storage;
SELECT materializer_seconds IS NOT NULL AS materializer_timed FROM eg.workload ORDER BY id DESC LIMIT 1;

-- at REPEATABLE READ the materializer does not run, as without it
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT sa_define(4);
SELECT step, action FROM eg.run();
COMMIT;
SELECT sa_wait(false);
SELECT count(*) AS stored_at_rr FROM eg.artifacts WHERE materialized AND id IN
    (SELECT artifact FROM eg.workload_steps WHERE workload = (SELECT max(id) FROM eg.workloads));

-- auto, the default: a run whose tables to store are smaller than
-- eg.store_async_min_size stores them itself, before it returns (its own
-- transaction sees them stored); from that size on, a worker stores them
-- after the commit (its own transaction sees them pending)
RESET eg.store_async;
SHOW eg.store_async;
SHOW eg.store_async_min_size;
SET eg.store_async_min_size = '64MB';
BEGIN;
SELECT sa_define(5);
SELECT step, action FROM eg.run();
SELECT * FROM sa_latest();
SELECT count(*) AS jobs FROM eg.store_job;
COMMIT;
SET eg.store_async_min_size = '1MB';
SELECT pg_relation_size('sa_src') > 2 * 1024 * 1024 AS sa_a_over_1mb;
BEGIN;
SELECT sa_define(6);
SELECT step, action FROM eg.run();
SELECT * FROM sa_latest();
SELECT count(*) AS jobs FROM eg.store_job;
COMMIT;
SELECT sa_wait(true);
SELECT * FROM sa_latest();
SELECT count(*) AS jobs_left FROM eg.store_job;
SELECT count(*) AS problems FROM eg.check();
-- a run in a savepoint rolled back stores nothing, though the transaction
-- commits (the worker waits for the savepoint's subtransaction)
SET eg.store_async_min_size = 0;
SELECT stored_bytes AS bytes_before, chunks AS chunks_before FROM eg.storage \gset
BEGIN;
SAVEPOINT s;
SELECT sa_define(7);
SELECT step, action FROM eg.run();
ROLLBACK TO s;
COMMIT;
SELECT sa_wait(false);
SELECT stored_bytes = :bytes_before AS bytes_unchanged, chunks = :chunks_before AS chunks_unchanged
FROM eg.storage;
SELECT count(*) AS problems FROM eg.check();
-- a page that cannot travel as it is: a later step's function locks some
-- of sa_a's rows (FOR UPDATE marks them, no write), so sa_a's pages fail
-- the check from there on; the worker forgets the pages it got and takes
-- the rows, and a new session loads sa_a equal to plain SQL
CREATE FUNCTION sa_lock() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM sa_a WHERE id > 40000 FOR UPDATE;
    RETURN 1;
END $$;
SELECT eg.begin('sa/lock');
SELECT eg.dataset('sa_a', 'SELECT id, k, t, n FROM sa_src WHERE k <> 8') IS NOT NULL AS defined;
SELECT eg.dataset('sa_l', 'SELECT sa_lock() AS x', deterministic => false) IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT sa_wait(true);
\c
SET eg.reuse = all_load;
SET eg.progress = off;
SELECT eg.begin('sa/lock');
SELECT eg.dataset('sa_a', 'SELECT id, k, t, n FROM sa_src WHERE k <> 8') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT count(*) AS a_differs FROM (
    (SELECT * FROM sa_a EXCEPT ALL SELECT id, k, t, n FROM sa_src WHERE k <> 8)
    UNION ALL
    (SELECT id, k, t, n FROM sa_src WHERE k <> 8 EXCEPT ALL SELECT * FROM sa_a)) d;
-- a captured CREATE TABLE AS of eg.store_async_min_size or more is stored
-- by a worker after its transaction commits, and loaded in a new session
LOAD 'eg';
SET eg.capture = on;
SET eg.materializer = 'all';
SET eg.store_async_min_size = '1MB';
BEGIN;
CREATE TABLE sa_cap AS SELECT id, t FROM sa_src WHERE k <> 9;
SELECT count(*) AS jobs FROM eg.store_job;
COMMIT;
SELECT sa_wait(true);
SELECT count(*) AS jobs_left FROM eg.store_job;
DROP TABLE sa_cap;
\c
LOAD 'eg';
SET eg.capture = on;
SET eg.reuse = all_load;
SET eg.progress = off;
CREATE TABLE sa_cap AS SELECT id, t FROM sa_src WHERE k <> 9;
SELECT s.step, s.action FROM eg.workload_steps s
ORDER BY s.workload DESC, s.ord DESC LIMIT 1;
SELECT count(*) AS cap_differs FROM (
    (SELECT * FROM sa_cap EXCEPT ALL SELECT id, t FROM sa_src WHERE k <> 9)
    UNION ALL
    (SELECT id, t FROM sa_src WHERE k <> 9 EXCEPT ALL SELECT * FROM sa_cap)) d;
DROP TABLE sa_cap;
DROP FUNCTION sa_lock();
RESET eg.capture;
SET eg.materializer = 'all';
-- the boolean spellings of the setting, and a wrong value
SET eg.store_async = true;
SHOW eg.store_async;
SET eg.store_async = 0;
SHOW eg.store_async;
SET eg.store_async = sometimes;
SET eg.store_async_min_size = -1;
RESET eg.store_async_min_size;

RESET eg.store_async;
DROP FUNCTION sa_define(int), sa_wait(bool), sa_slow(int), sa_latest();
DROP TABLE sa_src;
