-- bench/repeat/steps.sql - the four steps of the repeat benchmark.
--
-- bench/repeat/run turns this file into two scripts: one that runs the
-- steps through eg (eg.dataset / eg.aggregate, then eg.run) and one that
-- runs the very same queries as plain SQL (CREATE TEMP TABLE sN AS ...).
-- Each step starts with a line "--- step NAME KIND" (KIND: dataset or
-- aggregate) and ends at the next such line; a trailing ';' is dropped.

--- step s1 dataset
-- 1. filter: about 280k of the 300k rows
SELECT * FROM bench_src WHERE x > -0.3 AND cat <> 'c13';

--- step s2 dataset
-- 2. group-by with heavy aggregates (ordered-set, DISTINCT, string_agg):
--    about 2,000 rows, a couple of seconds
SELECT grp,
       count(*) AS n,
       percentile_cont(ARRAY[0.1, 0.25, 0.5, 0.75, 0.9])
           WITHIN GROUP (ORDER BY x) AS x_pct,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS x_p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY y) AS y_p90,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY sqrt(abs(x)) * ln(y)) AS xy_p50,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY tag) AS tag_median,
       mode() WITHIN GROUP (ORDER BY cat) AS top_cat,
       count(DISTINCT cat) AS n_cat,
       count(DISTINCT md5(tag || cat)) AS n_tag_cat,
       count(DISTINCT (tag, cat)) AS n_tag_cat_pairs,
       md5(string_agg(md5(tag), ',' ORDER BY md5(tag))) AS tag_digest,
       count(*) FILTER (WHERE tag ~ '^[0-9a-f]*[0-9]{3}') AS n_tag_digits,
       count(DISTINCT md5(tag || x::text)) AS n_tag_x,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY md5(tag || y::text)) AS tag_y_median,
       count(*) FILTER (WHERE md5(tag) ~ '[a-f]{4}') AS n_hex_runs,
       string_agg(DISTINCT cat, ',' ORDER BY cat) AS cats
FROM s1
GROUP BY grp;

--- step s3 dataset
-- 3. join step 2 back to step 1: about 280k rows
SELECT s1.id, s1.grp, s1.x, s1.y,
       s1.x - s2.x_p50 AS x_centered,
       s1.y / NULLIF(s2.y_p90, 0) AS y_scaled,
       s2.n_tag_x
FROM s1 JOIN s2 USING (grp);

--- step s4 aggregate
-- 4. final aggregate: one row
SELECT count(*) AS n,
       avg(x_centered) AS avg_x_centered,
       stddev(y_scaled) AS sd_y_scaled,
       corr(x, y_scaled) AS r_x_y
FROM s3;
