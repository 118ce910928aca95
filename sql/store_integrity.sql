-- Store integrity: chunks damaged on purpose (as superuser) are never
-- served.  For each kind of damage, a new session's eg.run() reports the
-- step computed, not loaded, after a WARNING (SQLSTATE XX001, data
-- corrupted; its text names the artifact, so only the code is shown here),
-- the result equals plain SQL, the damaged artifact - and every other one
-- using the bad chunk - leaves the store, and so does the chunk.  The
-- recovery runs store nothing (eg.materializer = none) so that the chunk's
-- absence can be seen; the next session stores everything again.
SET eg.reuse = all_load;
SET eg.materializer = 'all';

CREATE DOMAIN in_posint AS int CHECK (VALUE > 0);
CREATE TABLE in_src AS
SELECT g AS id, g * 7 % 1000 AS a, md5(g::text) AS b,
       -- 32 random bytes a row: zstd stores these as they are
       decode(md5(g::text) || md5((g * 31)::text), 'hex') AS r,
       (g % 5)::text AS cat
FROM generate_series(1, 5000) g;

-- s1 and s2 share their columns id and b (same values, same order)
CREATE FUNCTION in_workload() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM eg.begin('integrity');
    PERFORM eg.dataset('in_s1', 'SELECT id, a, b FROM in_src');
    PERFORM eg.dataset('in_s2', 'SELECT id, b, cat FROM in_src');
    PERFORM eg.dataset('in_s3', 'SELECT id, r FROM in_src WHERE id <= 4000');
    PERFORM eg.dataset('in_s4', 'SELECT id, (a + 1)::in_posint AS p FROM in_src');
END $$;

-- the step's table is exactly what plain SQL gives
CREATE FUNCTION in_differing_rows() RETURNS TABLE (step text, differing bigint)
LANGUAGE plpgsql AS $$
DECLARE
    q text[][] := ARRAY[['in_s1', 'SELECT id, a, b FROM in_src'],
                        ['in_s2', 'SELECT id, b, cat FROM in_src'],
                        ['in_s3', 'SELECT id, r FROM in_src WHERE id <= 4000'],
                        ['in_s4', 'SELECT id, (a + 1)::in_posint FROM in_src']];
BEGIN
    FOR i IN 1 .. array_length(q, 1) LOOP
        step := q[i][1];
        EXECUTE format('SELECT count(*) FROM ((TABLE pg_temp.%I EXCEPT ALL %s)
                        UNION ALL (%s EXCEPT ALL TABLE pg_temp.%I)) d',
                       q[i][1], q[i][2], q[i][2], q[i][1]) INTO differing;
        RETURN NEXT;
    END LOOP;
END $$;

-- key of the chunk holding the first rows of a step's column
CREATE FUNCTION in_chunk_of(p_step text, p_col text) RETURNS bytea
LANGUAGE sql AS $$
    SELECT s.chunk FROM eg.store_segment s
    JOIN eg.store_column c ON c.artifact = s.artifact AND c.attnum = s.attnum
    JOIN eg.artifacts a ON a.id = s.artifact
    WHERE a.kind = 'dataset' AND a.step = p_step AND c.name = p_col AND s.first_row = 0
$$;

CREATE FUNCTION in_stored_steps() RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(a.step, ', ' ORDER BY a.step), '-')
    FROM eg.artifacts a JOIN eg.store_artifact s ON s.artifact = a.id
    WHERE a.kind = 'dataset' AND a.materialized AND a.step LIKE 'in\_%'
$$;

-- first run: everything computed and stored; most chunks are bigger than
-- a TOAST chunk, so they live in eg.chunk's TOAST table
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;
SELECT in_stored_steps();
SELECT in_chunk_of('in_s1', 'id') = in_chunk_of('in_s2', 'id') AS id_shared,
       in_chunk_of('in_s1', 'b') = in_chunk_of('in_s2', 'b') AS b_shared,
       in_chunk_of('in_s1', 'id') <> in_chunk_of('in_s3', 'id') AS s3_id_own,
       (SELECT count(*) FILTER (WHERE c.stored_bytes > 2000) > count(*) / 2
        FROM eg.chunk c WHERE c.hash IN (SELECT in_chunk_of(s, n)
                                         FROM unnest(ARRAY['in_s1', 'in_s2', 'in_s3']) s,
                                              unnest(ARRAY['id', 'a', 'b', 'r', 'cat']) n)) AS toasted;

-- a new session: everything loads
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;

\set VERBOSITY sqlstate

-- 1. bytes overwritten inside a compressed frame (s1.a: used by s1 only)
SELECT in_chunk_of('in_s1', 'a') AS bad \gset
UPDATE eg.chunk SET data = overlay(data PLACING '\xdeadbeefdeadbeef'::bytea FROM length(data) / 2)
WHERE hash = :'bad';
\c
SET eg.reuse = all_load;
SET eg.materializer = none;
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;
SELECT * FROM in_differing_rows();
SELECT count(*) AS bad_chunk_left FROM eg.chunk WHERE hash = :'bad';
SELECT in_stored_steps();
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;

-- 2. one byte flipped in data zstd kept as is: only the checksum sees it
SELECT in_chunk_of('in_s3', 'r') AS bad \gset
UPDATE eg.chunk
SET data = set_byte(data, length(data) - 100, 255 - get_byte(data, length(data) - 100))
WHERE hash = :'bad';
\c
SET eg.reuse = all_load;
SET eg.materializer = none;
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;
SELECT * FROM in_differing_rows();
SELECT count(*) AS bad_chunk_left FROM eg.chunk WHERE hash = :'bad';
SELECT in_stored_steps();
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;

-- 3. another chunk's bytes (a valid frame) in a chunk shared by s1 and s2
SELECT in_chunk_of('in_s1', 'b') AS bad \gset
UPDATE eg.chunk SET data = (SELECT data FROM eg.chunk WHERE hash = in_chunk_of('in_s1', 'a'))
WHERE hash = :'bad';
\c
SET eg.reuse = all_load;
SET eg.materializer = none;
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;
SELECT * FROM in_differing_rows();
SELECT count(*) AS bad_chunk_left FROM eg.chunk WHERE hash = :'bad';
SELECT in_stored_steps();
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;

-- 4. a truncated chunk
SELECT in_chunk_of('in_s2', 'cat') AS bad \gset
UPDATE eg.chunk SET data = substr(data, 1, length(data) / 2) WHERE hash = :'bad';
\c
SET eg.reuse = all_load;
SET eg.materializer = none;
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;
SELECT * FROM in_differing_rows();
SELECT count(*) AS bad_chunk_left FROM eg.chunk WHERE hash = :'bad';
SELECT in_stored_steps();
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;

-- 5. the key a chunk carries overwritten (s1.id, shared by s1, s2 and s4)
SELECT in_chunk_of('in_s1', 'id') AS bad \gset
UPDATE eg.chunk SET data = overlay(data PLACING '\x00000000'::bytea FROM 13) WHERE hash = :'bad';
\c
SET eg.reuse = all_load;
SET eg.materializer = none;
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;
SELECT * FROM in_differing_rows();
SELECT count(*) AS bad_chunk_left FROM eg.chunk WHERE hash = :'bad';
SELECT in_stored_steps();
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;

-- 6. sizes in the data are not trusted: a recorded raw size near 1 GB is
-- refused before anything is allocated, and so is a frame that claims it
SELECT in_chunk_of('in_s3', 'id') AS bad \gset
UPDATE eg.chunk SET raw_bytes = 900000000 WHERE hash = :'bad';
SELECT in_chunk_of('in_s2', 'b') AS bad2 \gset
UPDATE eg.chunk SET raw_bytes = 1000000000,
       data = overlay(data PLACING '\x00ca9a3b'::bytea FROM 46)  -- frame content size
WHERE hash = :'bad2';
\c
SET eg.reuse = all_load;
SET eg.materializer = none;
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;
SELECT * FROM in_differing_rows();
SELECT count(*) AS bad_chunks_left FROM eg.chunk WHERE hash IN (:'bad', :'bad2');
SELECT in_stored_steps();
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;

-- 7. a missing chunk (the foreign key bypassed)
SELECT in_chunk_of('in_s2', 'cat') AS bad \gset
SET session_replication_role = replica;
DELETE FROM eg.chunk WHERE hash = :'bad';
RESET session_replication_role;
\c
SET eg.reuse = all_load;
SET eg.materializer = none;
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;
SELECT * FROM in_differing_rows();
SELECT count(*) AS dangling_segments FROM eg.store_segment WHERE chunk = :'bad';
SELECT in_stored_steps();
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;

-- 8. a damaged record of the artifact (its column's type signature): the
-- artifact goes, its own chunks with it; a chunk another artifact uses stays
SELECT in_chunk_of('in_s1', 'a') AS own, in_chunk_of('in_s1', 'b') AS shared \gset
UPDATE eg.store_column c SET typesig = sha256(typesig)
FROM eg.artifacts a WHERE a.id = c.artifact AND a.kind = 'dataset' AND a.step = 'in_s1' AND c.name = 'a';
\c
SET eg.reuse = all_load;
SET eg.materializer = none;
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;
SELECT * FROM in_differing_rows();
SELECT (SELECT count(*) FROM eg.chunk WHERE hash = :'own') AS own_chunk_left,
       (SELECT count(*) FROM eg.chunk WHERE hash = :'shared') AS shared_chunk_left;
SELECT in_stored_steps();
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;

-- 9. a type that changed after storing: a new domain constraint
ALTER DOMAIN in_posint ADD CONSTRAINT in_below_a_million CHECK (VALUE < 1000000);
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;
SELECT * FROM in_differing_rows();

-- 10. eg.restore of a damaged artifact fails cleanly; eg.run recovers
SELECT in_chunk_of('in_s3', 'r') AS bad \gset
SELECT id AS s3_id FROM eg.artifacts WHERE kind = 'dataset' AND step = 'in_s3' \gset
UPDATE eg.chunk SET data = overlay(data PLACING '\xffffffff'::bytea FROM 60) WHERE hash = :'bad';
SELECT eg.restore(:'s3_id', 'in_restored_s3');
SELECT to_regclass('in_restored_s3') IS NULL AS no_table;
-- the error says what is wrong; no WARNING claims a removal that the error
-- rolls back, and the artifact is still stored (eg.run deals with it)
CREATE FUNCTION in_restore_error(a eg.artifact_id) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE
	m text;
	d text;
BEGIN
	PERFORM eg.restore(a, 'in_restored_s3');
	RETURN 'restored';
EXCEPTION WHEN data_corrupted THEN
	GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL;
	RETURN regexp_replace(m || ' / ' || d, '[0-9a-f]{32,}', '<hex>', 'g');
END
$f$;
\set VERBOSITY default
SELECT in_restore_error(:'s3_id');
\set VERBOSITY sqlstate
SELECT materialized FROM eg.artifacts WHERE id = :'s3_id';
\c
SET eg.reuse = all_load;
SET eg.materializer = none;
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;
SELECT * FROM in_differing_rows();
SELECT count(*) AS bad_chunk_left FROM eg.chunk WHERE hash = :'bad';
SELECT eg.restore(:'s3_id', 'in_restored_s3');
\set VERBOSITY default

-- everything is stored again and loads again
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SELECT in_workload();
SELECT step, action FROM eg.run() ORDER BY step;
SELECT * FROM in_differing_rows();
