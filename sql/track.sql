-- The change log of base tables (eg.source_change) is compacted by the
-- materializer once a table has more than 64 rows in it: one summary row
-- with their count and hash sum.  Data versions, hence artifact ids, do not
-- change by it: a result computed before the compaction is still loaded
-- after it, and a change after it is still seen.
SET eg.materializer = 'all';
SET eg.reuse = all_load;
CREATE TABLE tc (a int);
INSERT INTO tc VALUES (1);

CREATE FUNCTION tc_workload() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM eg.begin('track');
    PERFORM eg.dataset('tc_sum', 'SELECT count(*) AS n, sum(a) AS s FROM tc');
END $$;

SELECT tc_workload();
SELECT step, action FROM eg.run();
SELECT n, s FROM tc_sum;

-- 100 statements: 100 log rows (plus the one the tracker logged on install)
DO $$ BEGIN FOR i IN 1..100 LOOP INSERT INTO tc VALUES (i); END LOOP; END $$;
SELECT count(*) AS log_rows, sum(n) AS changes FROM eg.source_change WHERE relid = 'tc'::regclass;

-- the data changed: computed; the materializer then compacts the log
SELECT tc_workload();
SELECT step, action FROM eg.run();
SELECT n, s FROM tc_sum;
SELECT count(*) AS log_rows, sum(n) AS changes, bool_and(h IS NOT NULL) AS summed
FROM eg.source_change WHERE relid = 'tc'::regclass;

-- the same version after compaction: loaded
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SELECT tc_workload();
SELECT step, action FROM eg.run();
SELECT n, s FROM tc_sum;

-- a change after the compaction is seen
INSERT INTO tc VALUES (1000);
SELECT tc_workload();
SELECT step, action FROM eg.run();
SELECT n, s FROM tc_sum;
SELECT count(*) AS log_rows, sum(n) AS changes FROM eg.source_change WHERE relid = 'tc'::regclass;

-- a transaction's own uncommitted rows are compacted with the committed
-- ones; on rollback the compaction goes with them and the version is back
BEGIN;
DO $$ BEGIN FOR i IN 1..70 LOOP UPDATE tc SET a = a WHERE false; END LOOP; END $$;
SELECT count(*) >= 0 AS materialized FROM eg.materialize();
SELECT count(*) AS log_rows, sum(n) AS changes FROM eg.source_change WHERE relid = 'tc'::regclass;
ROLLBACK;
SELECT count(*) AS log_rows, sum(n) AS changes FROM eg.source_change WHERE relid = 'tc'::regclass;
SELECT tc_workload();
SELECT step, action FROM eg.run();

-- the change trigger disabled, or set to fire only on origin: a change made
-- meanwhile goes unlogged, so the next run puts the trigger back (firing
-- always) and logs a change; the step is computed again, with the new row
SELECT tc_workload();
SELECT step, action FROM eg.run();
ALTER TABLE tc DISABLE TRIGGER eg_track;
SET session_replication_role = replica;
INSERT INTO tc VALUES (5);
RESET session_replication_role;
SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'tc'::regclass AND tgname = 'eg_track';
SELECT tc_workload();
SELECT step, action FROM eg.run();
SELECT n, s FROM tc_sum;
SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'tc'::regclass AND tgname = 'eg_track';
ALTER TABLE tc ENABLE TRIGGER eg_track;     -- fires on origin only: not enough
SELECT tc_workload();
SELECT step, action FROM eg.run();
SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'tc'::regclass AND tgname = 'eg_track';
SELECT tc_workload();
SELECT step, action FROM eg.run();
-- a trigger of that name that is not eg's is reported, not replaced
DROP TRIGGER eg_track ON tc;
CREATE FUNCTION tc_noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';
CREATE TRIGGER eg_track AFTER INSERT ON tc FOR EACH STATEMENT EXECUTE FUNCTION tc_noop();
SELECT tc_workload();
SELECT step, action FROM eg.run();
DROP TRIGGER eg_track ON tc;
SELECT tc_workload();
SELECT step, action FROM eg.run();
SELECT tgenabled, tgfoid = 'eg._note_change'::regproc AS egs FROM pg_trigger
WHERE tgrelid = 'tc'::regclass AND tgname = 'eg_track';

DROP TABLE tc CASCADE;
DROP FUNCTION tc_noop();
DROP FUNCTION tc_workload();
