-- bench/store/data.sql - the store benchmark's data, deterministic
-- (setseed), so every run and every machine store the same bytes:
--
--   bench_mixed  1,000,000 rows x 20 columns, "realistic": a key, integers
--                and measures with skewed distributions, money-like
--                numerics, categorical text of a few to a few hundred
--                values, free-ish text, timestamps, a uuid, booleans and
--                sparse (mostly NULL) columns;
--   bench_wide   250,000 rows x 25 columns: the same kind of 20 columns
--                plus 5 derived feature columns (the dedup figure).
CREATE OR REPLACE FUNCTION bench_mixed(name text, n int) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM setseed(0.42);
    EXECUTE format($q$
    CREATE TABLE %I AS
    SELECT g::bigint                                         AS id,
           (random() * 50000)::int                           AS customer_id,
           (1 + floor(-ln(1 - random()) * 3))::smallint      AS quantity,
           round((exp(random() * 6))::numeric, 2)            AS amount,
           round((random() * 100)::numeric, 1)::float8       AS price,
           (random() * random())::float4                     AS score,
           (ARRAY['books','toys','food','garden','sports','music','tools',
                  'health','home','auto'])[1 + (random() * random() * 10)::int %% 10]
                                                             AS category,
           'C' || lpad((floor(random() * random() * 200))::int::text, 3, '0')
                                                             AS country,
           (ARRAY['new','paid','shipped','delivered','returned'])[1 + (random() * 4.4)::int]::varchar(12)
                                                             AS status,
           random() < 0.08                                   AS is_fraud,
           timestamptz '2023-01-01 00:00:00+00' + (g * interval '31 seconds')
                     + (random() * 30)::int * interval '1 second'
                                                             AS created_at,
           date '2023-01-01' + (g / 2800)                     AS day,
           md5((g %% 20011)::text)::uuid                      AS session,
           'user' || (random() * 50000)::int || '@example.com'
                                                             AS email,
           (random() * 1000)::int * 10                        AS points,
           CASE WHEN random() < 0.05 THEN 'note ' || (random() * 100)::int END
                                                             AS note,
           CASE WHEN random() < 0.10 THEN round(random()::numeric, 3) END
                                                             AS discount,
           CASE WHEN random() < 0.02 THEN (random() * 1e6)::bigint END
                                                             AS refund_id,
           (random() * 5)::int                               AS rating,
           random() < 0.5                                    AS newsletter
    FROM generate_series(1, %s) g
    $q$, name, n);
END
$fn$;

DROP TABLE IF EXISTS bench_mixed, bench_wide_base, bench_wide;
SELECT bench_mixed('bench_mixed', 1000000);
SELECT bench_mixed('bench_wide_base', 250000);
CREATE TABLE bench_wide AS
SELECT b.*,
       round(ln(amount), 4) AS log_amount,
       price * quantity AS revenue,
       category || '/' || country AS segment,
       extract(hour FROM created_at)::int AS hour_of_day,
       points > 5000 AS high_points
FROM bench_wide_base b;
DROP TABLE bench_wide_base;
VACUUM (FREEZE, ANALYZE) bench_mixed, bench_wide;
