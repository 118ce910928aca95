-- bench/load/data.sql - the data of the load benchmark: load_src (60,000
-- rows, deterministic), the plain-SQL answers of its workloads, and
-- load_check(), with which every pgbench transaction checks what eg gave it.
-- Values are numeric, so every answer is exact whatever the row order.
CREATE EXTENSION IF NOT EXISTS eg;
DROP TABLE IF EXISTS load_src, load_expected_agg, load_expected_aggm, load_expected_n CASCADE;
SELECT setseed(0.4242);
CREATE TABLE load_src AS
SELECT g AS id,
       (random() * 400)::int AS grp,
       'c' || (random() * 30)::int AS cat,
       round((random() * 10 - 2)::numeric, 4) AS x,
       round(exp(random() * 5)::numeric, 3) AS y
FROM generate_series(1, 60000) AS g;
ALTER TABLE load_src ADD PRIMARY KEY (id);
VACUUM ANALYZE load_src;

-- the three steps every workload shares (clean -> feats -> agg), in plain SQL
CREATE TEMP VIEW clean AS
    SELECT id, grp, cat, x, y FROM load_src WHERE y < 100;
CREATE TEMP VIEW feats AS
    SELECT id, grp, cat, round(ln(y + 1), 6) AS ly, x * x AS x2,
           avg(x) OVER (PARTITION BY grp) AS gx,
           rank() OVER (PARTITION BY cat ORDER BY y, id) AS r
    FROM clean;
CREATE TABLE load_expected_agg AS
    SELECT grp % 20 AS g, count(*) AS n, sum(ly) AS sly, sum(x2 - gx) AS sd, max(r) AS maxr
    FROM feats GROUP BY 1;
-- the modified workloads' last step, for each of its 40 parameters
CREATE TABLE load_expected_aggm AS
    SELECT p, (SELECT count(*) FROM feats WHERE grp % 40 = p) AS n,
           (SELECT sum(x2) FROM feats WHERE grp % 40 = p) AS sx2,
           (SELECT min(r) FROM feats WHERE grp % 40 = p) AS minr
    FROM generate_series(0, 39) AS p;
CREATE TABLE load_expected_n AS SELECT count(*) AS n FROM clean;
DROP VIEW feats, clean;

-- Raise unless FROM item got (a table, or a subquery with an alias) holds
-- exactly the rows of query expected.
CREATE OR REPLACE FUNCTION load_check(got text, expected text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    wrong int8;
BEGIN
    EXECUTE format('SELECT count(*) FROM ((SELECT * FROM %s EXCEPT ALL %s) UNION ALL (%s EXCEPT ALL SELECT * FROM %s)) d',
                   got, expected, expected, got) INTO wrong;
    IF wrong <> 0 THEN
        RAISE EXCEPTION 'eg load bench: WRONG ANSWER: % differs from plain SQL in % rows', got, wrong;
    END IF;
END $$;
