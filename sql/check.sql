-- eg.check(): a consistent store gives no rows; each kind of damage, done
-- on purpose as superuser inside a transaction that is rolled back, is
-- reported with its problem.  Then what eg itself does after damage - a
-- corrupt chunk shared by two artifacts, a corrupt warm-start model -
-- leaves a store that checks clean.  Ids and byte counts vary between
-- runs, so rows show step names, and chunk keys, ids and sizes masked.
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SET eg.store_async = off;      -- stored before eg.run returns, tables of any size

-- eg.check looks at the whole store: start from an empty graph and store,
-- and leave them so for the suites that follow
CREATE FUNCTION ck_reset() RETURNS void LANGUAGE sql AS $$
    DELETE FROM eg.workload;
    DELETE FROM eg.store_artifact;
    DELETE FROM eg.chunk;
    DELETE FROM eg.artifact;
    DELETE FROM eg.source_change;
    UPDATE eg.load_stats SET bytes = 0, seconds = 0;
$$;
SELECT ck_reset();

-- 70000 rows: two segments per column (65536 + 4464 rows)
CREATE TABLE ck_src AS
SELECT g AS id, g * 7 % 1000 AS a, md5(g::text) AS b, (g % 5)::text AS cat
FROM generate_series(0, 69999) g;

-- s1 and s2 share the chunks of id and b; agg is one row of two columns
CREATE FUNCTION ck_workload() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM eg.begin('check');
    PERFORM eg.dataset('ck_s1', 'SELECT id, a, b FROM ck_src');
    PERFORM eg.dataset('ck_s2', 'SELECT id, b, cat FROM ck_src');
    PERFORM eg.aggregate('ck_agg', 'SELECT count(*) AS n, sum(a) AS s FROM ck_s1');
END $$;

-- eg.check's rows, with step names and masked keys, ids and sizes
CREATE FUNCTION ck_check(deep bool DEFAULT true)
RETURNS TABLE (problem text, step text, detail text)
LANGUAGE sql AS $$
    SELECT c.problem,
           CASE WHEN c.artifact IS NULL THEN '-'
                ELSE coalesce((SELECT a.step FROM eg.artifacts a WHERE a.id = c.artifact), '?') END,
           regexp_replace(regexp_replace(regexp_replace(c.detail,
               '[0-9a-f]{64}', 'K', 'g'), '[0-9a-f]{32}', 'ID', 'g'),
               '[0-9]+ (stored |raw )?bytes', 'N \1bytes', 'g')
    FROM eg.check(deep) c ORDER BY 1, 2, 3
$$;

-- key of the chunk of a step's column from row first
CREATE FUNCTION ck_chunk(p_step text, p_col text, first int8 DEFAULT 0) RETURNS bytea
LANGUAGE sql AS $$
    SELECT s.chunk FROM eg.store_segment s
    JOIN eg.store_column c ON c.artifact = s.artifact AND c.attnum = s.attnum
    JOIN eg.artifacts a ON a.id = s.artifact
    WHERE a.kind <> 'source' AND a.step = p_step AND c.name = p_col AND s.first_row = first
$$;

CREATE FUNCTION ck_id(p_step text) RETURNS eg.artifact_id
LANGUAGE sql AS $$ SELECT id FROM eg.artifacts WHERE step = p_step $$;

-- a consistent store: no rows, deep or not
SELECT ck_workload();
SELECT step, action FROM eg.run() ORDER BY step;
-- a step computed, not kept
SET eg.materializer = none;
SELECT eg.begin('check-none');
SELECT eg.dataset('ck_s3', 'SELECT cat, count(*) AS n FROM ck_src GROUP BY cat') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SET eg.materializer = 'all';
SET eg.store_async = off;
SELECT count(*) AS stored, sum(nrows) AS rows FROM eg.store_artifact;
SELECT * FROM ck_check();
SELECT * FROM ck_check(false);

-- 1. a chunk row deleted (the foreign key bypassed)
BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM eg.chunk WHERE hash = ck_chunk('ck_s2', 'cat');
SELECT * FROM ck_check();
ROLLBACK;

-- 2. bytes overwritten inside a chunk's zstd frame: only deep reads it
BEGIN;
UPDATE eg.chunk SET data = overlay(data PLACING '\xdeadbeefdeadbeef'::bytea FROM length(data) / 2)
WHERE hash = ck_chunk('ck_s1', 'a');
SELECT * FROM ck_check();
SELECT * FROM ck_check(false);
ROLLBACK;

-- 3. the key a chunk carries overwritten (s1's id, shared with s2)
BEGIN;
UPDATE eg.chunk SET data = overlay(data PLACING '\x00000000'::bytea FROM 13)
WHERE hash = ck_chunk('ck_s1', 'id');
SELECT * FROM ck_check();
ROLLBACK;

-- 4. another segment's chunk, its key and sizes rewritten to pass for
-- this one: a valid frame with the right key, so only hashing the content
-- again finds it (and the artifacts' byte counts no longer add up)
BEGIN;
UPDATE eg.chunk k SET data = overlay(o.data PLACING k.hash FROM 9),
       raw_bytes = o.raw_bytes, stored_bytes = o.stored_bytes
FROM eg.chunk o
WHERE k.hash = ck_chunk('ck_s1', 'id') AND o.hash = ck_chunk('ck_s1', 'a');
SELECT * FROM ck_check();
ROLLBACK;

-- 5. a segment missing (its chunk left unused), or moved over another
BEGIN;
DELETE FROM eg.store_segment s USING eg.artifacts a
WHERE a.id = s.artifact AND a.step = 'ck_s1' AND s.attnum = 2 AND s.first_row = 65536;
SELECT * FROM ck_check();
ROLLBACK;
BEGIN;
UPDATE eg.store_segment s SET first_row = 65000 FROM eg.artifacts a
WHERE a.id = s.artifact AND a.step = 'ck_s2' AND s.attnum = 3 AND s.first_row = 65536;
SELECT * FROM ck_check(false);
ROLLBACK;

-- 6. orphan chunks: an artifact dropped while a put held its chunks
-- (store.c: the drop skips them), as if that put then aborted
BEGIN;
DELETE FROM eg.store_artifact WHERE artifact = ck_id('ck_agg');
UPDATE eg.artifact SET materialized = false, stored_bytes = 0 WHERE id = ck_id('ck_agg');
SELECT * FROM ck_check();
ROLLBACK;

-- 7. accounting: an artifact's stored bytes in the store, in the graph,
-- and a chunk's
BEGIN;
UPDATE eg.store_artifact SET stored_bytes = stored_bytes + 1 WHERE artifact = ck_id('ck_s2');
UPDATE eg.artifact SET stored_bytes = stored_bytes - 1 WHERE id = ck_id('ck_s1');
SELECT * FROM ck_check(false);
ROLLBACK;
BEGIN;
UPDATE eg.chunk SET stored_bytes = stored_bytes + 1 WHERE hash = ck_chunk('ck_s2', 'cat');
SELECT * FROM ck_check(false);
ROLLBACK;

-- 7b. a chunk's bytes in eg.chunk_data (where eg.distribute_store() moves
-- them on a Citus coordinator, t/005_citus.pl): none there and none here,
-- the wrong size there, and bytes there that no chunk lists
BEGIN;
UPDATE eg.chunk SET data = NULL WHERE hash = ck_chunk('ck_s2', 'cat');
SELECT * FROM ck_check();
-- a load that meets it computes instead
DROP TABLE ck_s2;
SELECT ck_workload();
\set VERBOSITY sqlstate
SELECT step, action FROM eg.run() ORDER BY step;
\set VERBOSITY default
INSERT INTO eg.chunk_data (hash, raw_bytes, data)
SELECT hash, raw_bytes, '\x00'::bytea FROM eg.chunk WHERE hash = ck_chunk('ck_s2', 'cat');
INSERT INTO eg.chunk_data (hash, raw_bytes, data) VALUES (sha256('stray'), 1, '\x01');
SELECT * FROM ck_check(false);
ROLLBACK;
-- moved there whole, the store checks clean
BEGIN;
INSERT INTO eg.chunk_data (hash, raw_bytes, data) SELECT hash, raw_bytes, data FROM eg.chunk;
UPDATE eg.chunk SET data = NULL;
SELECT * FROM ck_check();
ROLLBACK;
-- eg.distribute_store() needs Citus
SELECT eg.distribute_store();

-- 8. materialized flags: set without store rows, cleared with them,
-- on a step that is not reusable, and an artifact the graph lost
BEGIN;
UPDATE eg.artifact SET materialized = true WHERE id = ck_id('ck_s3');
UPDATE eg.artifact SET materialized = false, stored_bytes = 0 WHERE id = ck_id('ck_s2');
UPDATE eg.artifact SET reusable = false WHERE id = ck_id('ck_s1');
DELETE FROM eg.artifact WHERE id = ck_id('ck_agg');
SELECT * FROM ck_check(false);
ROLLBACK;

-- 9. over budget (this session's eg.budget)
BEGIN;
SET LOCAL eg.budget = '64kB';
SELECT * FROM ck_check(false);
ROLLBACK;

-- 10. the column list: a column's record gone, its segments left
BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM eg.store_column c USING eg.artifacts a
WHERE a.id = c.artifact AND a.step = 'ck_s2' AND c.name = 'cat';
SELECT * FROM ck_check(false);
ROLLBACK;

-- 11. a column whose type is no longer what was stored
BEGIN;
UPDATE eg.store_column c SET typesig = sha256(typesig) FROM eg.artifacts a
WHERE a.id = c.artifact AND a.step = 'ck_s1' AND c.name = 'a';
SELECT * FROM ck_check();
ROLLBACK;

-- 11b. a column whose type or collation is gone (dropped since it was
-- stored; here its oid rewritten to one that does not exist)
BEGIN;
UPDATE eg.store_column c SET typid = 4294967000 FROM eg.artifacts a
WHERE a.id = c.artifact AND a.step = 'ck_s1' AND c.name = 'a';
UPDATE eg.store_column c SET collid = 4294967000 FROM eg.artifacts a
WHERE a.id = c.artifact AND a.step = 'ck_s2' AND c.name = 'cat';
SELECT * FROM ck_check(false);
ROLLBACK;

-- 12. segments that claim more rows than their chunks hold
BEGIN;
UPDATE eg.store_artifact SET nrows = 2 WHERE artifact = ck_id('ck_agg');
UPDATE eg.store_segment SET nrows = 2 WHERE artifact = ck_id('ck_agg');
SELECT * FROM ck_check();
ROLLBACK;

-- 13. the graph's edges: an operation gone, an input gone
BEGIN;
DELETE FROM eg.operation WHERE output = ck_id('ck_agg');
DELETE FROM eg.artifact WHERE kind = 'source' AND step = 'ck_src';
SELECT * FROM ck_check(false);
ROLLBACK;

-- nothing above stayed
SELECT * FROM ck_check();

-- 14. a corrupt chunk shared by s1 and s2: loading s1 removes both from
-- the store, and the graph knows it (neither is left marked materialized)
UPDATE eg.chunk SET data = overlay(data PLACING '\xdeadbeefdeadbeef'::bytea FROM length(data) / 2)
WHERE hash = ck_chunk('ck_s1', 'b');
SELECT problem, step FROM ck_check();
\c
SET eg.reuse = all_load;
SET eg.materializer = none;
SELECT eg.begin('check');
SELECT eg.dataset('ck_s1', 'SELECT id, a, b FROM ck_src') IS NOT NULL AS defined;
\set VERBOSITY sqlstate
SELECT step, action FROM eg.run();
\set VERBOSITY default
SELECT * FROM ck_check();
SELECT step, materialized FROM eg.artifacts WHERE step IN ('ck_s1', 'ck_s2') ORDER BY step;
SET eg.materializer = 'all';
SET eg.store_async = off;
SELECT ck_workload();
SELECT step, action, reason FROM eg.explain() WHERE step <> 'ck_agg' ORDER BY step;
SELECT step, action FROM eg.run() ORDER BY step;
SELECT * FROM ck_check();

-- 15. a corrupt warm-start model: the step starts from the next best
-- stored model instead of failing, and the damaged one leaves the graph
CREATE FUNCTION ck_train(input regclass, params jsonb, warm bytea) RETURNS bytea
LANGUAGE plpgsql AS $$
BEGIN
    RETURN convert_to(coalesce(convert_from(warm, 'UTF8') || '+', '') || (params->>'it'), 'UTF8');
END $$;
CREATE FUNCTION ck_models(it int, warm bool) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM eg.begin('check-models');
    PERFORM eg.dataset('ck_in', $$SELECT id FROM ck_src WHERE id < 10$$);
    PERFORM eg.model('ck_m', 'ck_train', 'ck_in', jsonb_build_object('it', it), warm_start => warm);
    PERFORM eg.aggregate('ck_q', format($$SELECT %s AS score FROM ck_m$$, it / 10.0), quality_of => 'ck_m');
END $f$;
SELECT ck_models(1, false);
SELECT step, action FROM eg.run() ORDER BY step;
SELECT ck_models(2, false);
SELECT step, action FROM eg.run() ORDER BY step;
-- the best model (quality 0.2) is damaged
UPDATE eg.chunk SET data = overlay(data PLACING '\x00000000'::bytea FROM 13)
WHERE hash IN (SELECT s.chunk FROM eg.store_segment s JOIN eg.artifacts a ON a.id = s.artifact
               WHERE a.kind = 'model' AND a.quality = 0.2);
SELECT ck_models(3, true);
\set VERBOSITY sqlstate
SELECT step, action FROM eg.run() ORDER BY step;
\set VERBOSITY default
SELECT convert_from(model, 'UTF8') AS model FROM ck_m;
SELECT quality, materialized FROM eg.artifacts WHERE kind = 'model' ORDER BY quality;
SELECT * FROM ck_check();

-- who may call it: not ordinary roles
CREATE ROLE ck_user;
SET ROLE ck_user;
SELECT * FROM eg.check();
RESET ROLE;
DROP ROLE ck_user;
SELECT * FROM eg.check(NULL);

DROP TABLE ck_src;
SELECT ck_reset();
SELECT * FROM ck_check();
DROP FUNCTION ck_workload(), ck_check(bool), ck_chunk(text, text, int8), ck_id(text),
     ck_train(regclass, jsonb, bytea), ck_models(int, bool), ck_reset();
