-- Store accounting: eg.storage.stored_bytes is exactly the compressed size
-- of the store's distinct chunks, each counted once however many columns
-- and artifacts share it; a column an artifact shares with a stored one
-- costs nothing; chunks nobody references are removed, and only when the
-- transaction that freed them commits.  Byte counts depend on zstd, so
-- only comparisons are printed.
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SET eg.store_async = off;      -- stored before eg.run returns, tables of any size

CREATE TABLE ac_src AS
SELECT g AS id, g % 100 AS grp, md5(g::text) AS h, (g * 0.37)::numeric(10, 2) AS amount
FROM generate_series(1, 100000) g;

-- the distinct chunks of a step's stored artifact, and their bytes
CREATE FUNCTION ac_chunks(p_step text) RETURNS SETOF bytea
LANGUAGE sql AS $$
    SELECT DISTINCT s.chunk FROM eg.store_segment s
    JOIN eg.artifacts a ON a.id = s.artifact
    WHERE a.kind = 'dataset' AND a.step = p_step
$$;
CREATE FUNCTION ac_bytes(p_steps text[]) RETURNS bigint
LANGUAGE sql AS $$
    SELECT coalesce(sum(c.stored_bytes), 0)::int8 FROM eg.chunk c
    WHERE c.hash IN (SELECT ac_chunks(s) FROM unnest(p_steps) s)
$$;

-- what must hold after every change of the store
CREATE FUNCTION ac_invariants() RETURNS TABLE (
    sizes_true bool, counted_once bool, artifacts_exact bool, within_budget bool)
LANGUAGE sql AS $$
    SELECT
        -- a chunk's recorded size is the size of its bytes
        (SELECT coalesce(bool_and(stored_bytes = octet_length(data)), true) FROM eg.chunk),
        -- the store's size is its distinct chunks, each once
        (SELECT stored_bytes FROM eg.storage)
            = (SELECT coalesce(sum(stored_bytes), 0) FROM eg.chunk),
        -- an artifact's size is its distinct chunks, each in full
        (SELECT coalesce(bool_and(sa.stored_bytes = (
                    SELECT coalesce(sum(c.stored_bytes), 0) FROM eg.chunk c
                    WHERE c.hash IN (SELECT s.chunk FROM eg.store_segment s
                                     WHERE s.artifact = sa.artifact))
                 AND sa.stored_bytes = a.stored_bytes), true)
         FROM eg.store_artifact sa JOIN eg.artifacts a ON a.id = sa.artifact),
        (SELECT stored_bytes <= budget_bytes FROM eg.storage)
$$;

SELECT stored_bytes AS base_bytes, chunks AS base_chunks FROM eg.storage \gset

-- one artifact: 3 columns, 2 segments each
SELECT eg.begin('accounting');
SELECT eg.dataset('ac_a', $$SELECT id, grp, h FROM ac_src$$) IS NOT NULL AS defined;
SELECT step, action, rows FROM eg.run();
SELECT count(*) AS chunks FROM ac_chunks('ac_a');
SELECT (SELECT stored_bytes FROM eg.storage) - :base_bytes = ac_bytes('{ac_a}') AS store_grew_by_its_chunks,
       (SELECT chunks FROM eg.storage) - :base_chunks AS new_chunks,
       (SELECT stored_bytes FROM eg.artifacts WHERE step = 'ac_a') = ac_bytes('{ac_a}') AS artifact_bytes_exact;
SELECT * FROM ac_invariants();
SELECT stored_bytes AS a_bytes, chunks AS a_chunks FROM eg.storage \gset

-- the same columns plus one: only the new column's chunks are added
SELECT eg.begin('accounting');
SELECT eg.dataset('ac_a', $$SELECT id, grp, h FROM ac_src$$) IS NOT NULL AS defined;
SELECT eg.dataset('ac_b', $$SELECT id, grp, h, amount FROM ac_src$$) IS NOT NULL AS defined;
SELECT step, action, rows FROM eg.run() ORDER BY step;
SELECT count(*) AS chunks, count(*) FILTER (WHERE c IN (SELECT ac_chunks('ac_a'))) AS shared
FROM ac_chunks('ac_b') c;
SELECT (SELECT stored_bytes FROM eg.storage) - :a_bytes
         = ac_bytes('{ac_b}') - ac_bytes('{ac_a}') AS store_grew_by_new_column,
       (SELECT chunks FROM eg.storage) - :a_chunks AS new_chunks,
       (SELECT stored_bytes FROM eg.artifacts WHERE step = 'ac_b') = ac_bytes('{ac_b}') AS artifact_counts_all_its_chunks,
       ac_bytes('{ac_a,ac_b}') < ac_bytes('{ac_a}') + ac_bytes('{ac_b}') AS shared_counted_once;
SELECT * FROM ac_invariants();

-- columns the store already has, twice each in one artifact: costs nothing
SELECT stored_bytes AS b_bytes, chunks AS b_chunks FROM eg.storage \gset
SELECT eg.begin('accounting');
SELECT eg.dataset('ac_c', $$SELECT h, id, h AS h2, id AS id2 FROM ac_src$$) IS NOT NULL AS defined;
SELECT step, action, rows FROM eg.run();
SELECT (SELECT count(*) FROM eg.store_segment s JOIN eg.artifacts a ON a.id = s.artifact
        WHERE a.step = 'ac_c') AS segments,
       (SELECT count(*) FROM ac_chunks('ac_c')) AS distinct_chunks;
SELECT (SELECT stored_bytes FROM eg.storage) = :b_bytes AS store_unchanged,
       (SELECT chunks FROM eg.storage) = :b_chunks AS no_new_chunks,
       (SELECT stored_bytes FROM eg.artifacts WHERE step = 'ac_c') = ac_bytes('{ac_c}') AS artifact_bytes_exact;
SELECT * FROM ac_invariants();

-- evicting everything frees every chunk, but only on commit
SELECT stored_bytes AS c_bytes, chunks AS c_chunks FROM eg.storage \gset
BEGIN;
SET LOCAL eg.budget = 0;
SELECT count(*) > 0 AS evicted FROM eg.materialize() WHERE action = 'evicted';
SELECT stored_bytes, chunks, materialized_artifacts FROM eg.storage;
SELECT count(*) AS segments_left FROM eg.store_segment;
ROLLBACK;
SELECT stored_bytes = :c_bytes AS bytes_back, chunks = :c_chunks AS chunks_back FROM eg.storage;
SELECT step, materialized FROM eg.artifacts WHERE kind = 'dataset' AND step LIKE 'ac\_%' ORDER BY step;
SELECT * FROM ac_invariants();

SET eg.budget = 0;
SELECT count(*) > 0 AS evicted FROM eg.materialize() WHERE action = 'evicted';
RESET eg.budget;
SELECT stored_bytes, chunks, materialized_artifacts FROM eg.storage;
SELECT step, materialized FROM eg.artifacts WHERE kind = 'dataset' AND step LIKE 'ac\_%' ORDER BY step;
SELECT * FROM ac_invariants();

-- stored again, the same bytes: the store is a function of the data
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SET eg.store_async = off;
SELECT eg.begin('accounting');
SELECT eg.dataset('ac_a', $$SELECT id, grp, h FROM ac_src$$) IS NOT NULL AS defined;
SELECT eg.dataset('ac_b', $$SELECT id, grp, h, amount FROM ac_src$$) IS NOT NULL AS defined;
SELECT eg.dataset('ac_c', $$SELECT h, id, h AS h2, id AS id2 FROM ac_src$$) IS NOT NULL AS defined;
SELECT step, action, rows FROM eg.run() ORDER BY step;
SELECT stored_bytes = :c_bytes - :base_bytes AS same_bytes_as_before,
       chunks = :c_chunks - :base_chunks AS same_chunks_as_before
FROM eg.storage;
SELECT * FROM ac_invariants();

-- and loaded in a new session
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SET eg.store_async = off;
SELECT eg.begin('accounting');
SELECT eg.dataset('ac_a', $$SELECT id, grp, h FROM ac_src$$) IS NOT NULL AS defined;
SELECT eg.dataset('ac_b', $$SELECT id, grp, h, amount FROM ac_src$$) IS NOT NULL AS defined;
SELECT eg.dataset('ac_c', $$SELECT h, id, h AS h2, id AS id2 FROM ac_src$$) IS NOT NULL AS defined;
SELECT step, action, rows FROM eg.run() ORDER BY step;
SELECT count(*) AS differing FROM ((TABLE ac_b EXCEPT ALL SELECT id, grp, h, amount FROM ac_src)
                                   UNION ALL (SELECT id, grp, h, amount FROM ac_src EXCEPT ALL TABLE ac_b)) d;

-- the load rate that estimates never-loaded artifacts counts only loads of
-- at least 4 MB: smaller ones measure a load's fixed cost, not throughput
CREATE TABLE ac_saved_rate AS SELECT * FROM eg.load_stats;
UPDATE eg.load_stats SET bytes = 0, seconds = 0;
CREATE FUNCTION ac_rate_workload(big bool) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM eg.begin('accounting-rate');
    PERFORM eg.aggregate('ac_n', 'SELECT count(*) AS n FROM ac_src');
    IF big THEN
        PERFORM eg.dataset('ac_b', 'SELECT id, grp, h, amount FROM ac_src');
    END IF;
END $$;
SELECT ac_rate_workload(false);
SELECT step, action FROM eg.run();
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SET eg.store_async = off;
SELECT ac_rate_workload(false);
SELECT step, action FROM eg.run();
SELECT bytes, seconds FROM eg.load_stats;
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SET eg.store_async = off;
SELECT ac_rate_workload(true);
SELECT step, action FROM eg.run() ORDER BY step;
SELECT (SELECT logical_bytes FROM eg.artifacts WHERE step = 'ac_b' AND materialized) AS ac_b_bytes,
       bytes, seconds > 0 AS timed
FROM eg.load_stats \gset
SELECT :ac_b_bytes >= 4 * 1024 * 1024 AS ac_b_big, :bytes = :ac_b_bytes AS counted_once, :'timed' AS timed;
UPDATE eg.load_stats SET bytes = s.bytes, seconds = s.seconds FROM ac_saved_rate s;
DROP TABLE ac_saved_rate;
DROP FUNCTION ac_rate_workload(bool);
