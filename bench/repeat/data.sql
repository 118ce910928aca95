-- bench/repeat/data.sql - the source table of the repeat benchmark:
-- bench_src, 300,000 rows, deterministic (seeded).
DROP TABLE IF EXISTS bench_src;
SELECT setseed(0.2020);
CREATE TABLE bench_src AS
SELECT id,
       (u1 * 2000)::int AS grp,
       'c' || (u2 * 50)::int AS cat,
       round((u3 * 2 - 0.4)::numeric, 4)::float8 AS x,
       round((exp(u4 * 3) * 10)::numeric, 3)::float8 AS y,
       substr(md5(u5::text), 1, 12) AS tag
FROM (SELECT g AS id, random() AS u1, random() AS u2, random() AS u3,
             random() AS u4, random() AS u5
      FROM generate_series(1, 300000) AS g) AS r;
ALTER TABLE bench_src ADD PRIMARY KEY (id);
VACUUM ANALYZE bench_src;
