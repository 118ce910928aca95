-- Store: a table so wide that the open segments of all its columns would
-- take more than store_put's 256 MB buffer (520 float8 columns x 65,536
-- rows = 272 MB).  Columns are then closed early, the largest first, so
-- segments of many sizes appear; the artifact still round-trips exactly,
-- and eg.check finds nothing wrong.
SET eg.progress = off;
SET eg.reuse = all_load;        -- load whatever is stored
SET eg.materializer = 'all';    -- store every computed step
SET extra_float_digits = 3;

DO $$
BEGIN
    EXECUTE 'CREATE TABLE sb_wide AS SELECT g AS id, ' ||
        (SELECT string_agg(format('(hashint4(g * 1000 + %s) %% 100000)::float8 / 7 AS c%s', i, i), ', ')
         FROM generate_series(1, 520) i) ||
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

SELECT eg.begin('buffered');
SELECT eg.dataset('sb_step', 'SELECT * FROM sb_wide') IS NOT NULL AS defined;
SELECT step, action, rows FROM eg.run();
SELECT count(DISTINCT s.nrows) > 2 AS early_segments,
       count(*) FILTER (WHERE s.nrows = 65536) > 0 AS full_segments,
       count(DISTINCT s.attnum) AS columns
FROM eg.store_segment s JOIN eg.artifacts a ON a.id = s.artifact
WHERE a.step = 'sb_step';

\c
SET eg.progress = off;
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SELECT eg.begin('buffered');
SELECT eg.dataset('sb_step', 'SELECT * FROM sb_wide') IS NOT NULL AS defined;
SELECT step, action, rows FROM eg.run();
SELECT sb_digest('sb_step') = sb_digest('sb_wide') AS same_rows;
SELECT * FROM eg.check(true);

SET eg.budget = 0;
SELECT count(*) >= 0 AS emptied FROM eg.materialize();
RESET eg.budget;
DROP TABLE sb_wide;
DROP FUNCTION sb_digest(regclass);
