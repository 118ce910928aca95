-- Store: relations so wide that the open segments of all their columns
-- would take more than store_put's 256 MB buffer.
--  - 520 float8 columns x 66,000 rows (272 MB of open segments): the
--    columns are stored in two scans, so every column still cuts into its
--    own segments (65,536 + 464 rows) and shares its chunks with the same
--    column stored in a narrow table;
--  - 9 text columns of 480-byte values (283 MB): variable-width values
--    beyond the buffer close the biggest open segment early.
-- Both round-trip exactly, and eg.check finds nothing wrong.
SET eg.reuse = all_load;        -- load whatever is stored
SET eg.materializer = 'all';    -- store every computed step
SET eg.store_async = off;      -- stored before eg.run returns, tables of any size
SET extra_float_digits = 3;

DO $$
BEGIN
    EXECUTE 'CREATE TABLE sb_wide AS SELECT g AS id, ' ||
        (SELECT string_agg(format('(hashint4(g * 1000 + %s) %% 100000)::float8 / 7 AS c%s', i, i), ', ')
         FROM generate_series(1, 520) i) ||
        ' FROM generate_series(1, 66000) g';
    EXECUTE 'CREATE TABLE sb_text AS SELECT g AS id, ' ||
        (SELECT string_agg(format('repeat(md5((g * 10 + %s)::text), 15) AS t%s', i, i), ', ')
         FROM generate_series(1, 9) i) ||
        ' FROM generate_series(1, 66000) g';
END $$;
-- the rows of a table as one digest, in id order
CREATE FUNCTION sb_digest(t regclass) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    d text;
BEGIN
    EXECUTE format('SELECT md5(string_agg(r::text, E''\n'' ORDER BY r.id)) FROM %s r', t) INTO d;
    RETURN d;
END $$;
-- segment sizes of a step's stored artifact
CREATE VIEW sb_segments AS
SELECT a.step, s.attnum, s.nrows, s.chunk
FROM eg.store_segment s JOIN eg.artifacts a ON a.id = s.artifact;

SELECT eg.begin('buffered');
SELECT eg.dataset('sb_step', 'SELECT * FROM sb_wide') IS NOT NULL AS defined;
SELECT eg.dataset('sb_narrow', 'SELECT id, c300 FROM sb_wide') IS NOT NULL AS defined;
SELECT eg.dataset('sb_texts', 'SELECT * FROM sb_text') IS NOT NULL AS defined;
SELECT step, action, rows FROM eg.run();
SELECT step, count(DISTINCT attnum) AS columns, count(*) AS segments,
       array_agg(DISTINCT nrows ORDER BY nrows) FILTER (WHERE step <> 'sb_texts') AS sizes,
       count(DISTINCT nrows) > 2 AS early_segments
FROM sb_segments WHERE step LIKE 'sb\_%' GROUP BY step ORDER BY step;
-- column c300 has the same chunks in the wide and the narrow artifact
SELECT count(*) AS shared_chunks FROM
  (SELECT chunk FROM sb_segments WHERE step = 'sb_step' AND attnum = 301
   INTERSECT SELECT chunk FROM sb_segments WHERE step = 'sb_narrow' AND attnum = 2) c;

\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SET eg.store_async = off;
SELECT eg.begin('buffered');
SELECT eg.dataset('sb_step', 'SELECT * FROM sb_wide') IS NOT NULL AS defined;
SELECT eg.dataset('sb_narrow', 'SELECT id, c300 FROM sb_wide') IS NOT NULL AS defined;
SELECT eg.dataset('sb_texts', 'SELECT * FROM sb_text') IS NOT NULL AS defined;
SELECT step, action, rows FROM eg.run();
SELECT sb_digest('sb_step') = sb_digest('sb_wide') AS same_wide,
       sb_digest('sb_texts') = sb_digest('sb_text') AS same_text;
SELECT * FROM eg.check(true);

SET eg.budget = 0;
SELECT count(*) >= 0 AS emptied FROM eg.materialize();
RESET eg.budget;
DROP VIEW sb_segments;
DROP TABLE sb_wide, sb_text;
DROP FUNCTION sb_digest(regclass);
