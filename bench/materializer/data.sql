-- bench/materializer/data.sql - the source table and the training function
-- of the materializer benchmark.
--
-- bm_app: :rows rows (psql variable, default set by bench/materializer/run),
-- 20 columns shaped like a loan-application table, deterministic (seeded,
-- generated serially).  Values are rounded as real data is, so columns
-- compress.
SET max_parallel_workers_per_gather = 0;   -- one random() sequence: deterministic
DROP TABLE IF EXISTS bm_app CASCADE;
SELECT setseed(0.2021);
CREATE TABLE bm_app AS
SELECT id,
       (u[1] < 0.08 + 0.1 * u[4])::int AS target,
       (u[2] * 999)::int AS grp,
       'r' || (u[3] * 19)::int AS region,
       (ARRAY['cash', 'revolving', 'consumer', 'car', 'mortgage'])[1 + (u[5] * 4)::int] AS kind,
       round((25000 + exp(u[4] * 3) * 20000)::numeric, 0)::float8 AS income,
       round((50000 + u[6] * 950000)::numeric, -2)::float8 AS credit,
       round((5000 + u[7] * 45000)::numeric, 1)::float8 AS annuity,
       round((40000 + u[6] * 850000 * (0.8 + 0.2 * u[8]))::numeric, -3)::float8 AS goods,
       (21 + u[9] * 48)::int AS age_years,
       CASE WHEN u[10] < 0.18 THEN NULL ELSE (u[10] * 12000)::int END AS days_employed,
       round(u[11]::numeric, 3)::float8 AS ext1,
       round((0.6 * u[12] + 0.4 * u[1])::numeric, 3)::float8 AS ext2,
       CASE WHEN u[13] < 0.2 THEN NULL ELSE round(u[13]::numeric, 3)::float8 END AS ext3,
       (u[14] * u[14] * 4)::int AS n_children,
       1 + (u[14] * u[14] * 4)::int + (u[15] < 0.6)::int AS n_family,
       CASE WHEN u[16] < 0.65 THEN NULL ELSE (u[16] * 30)::int END AS car_age,
       (u[17] * 20000)::int AS days_registered,
       (u[18] < 0.3)::int AS flag_phone,
       (u[19] < 0.05)::int AS flag_email
FROM (SELECT g AS id, ARRAY(SELECT random() FROM generate_series(1, 19) WHERE g > 0) AS u
      FROM generate_series(1, :rows) AS g) AS r;
ALTER TABLE bm_app ADD PRIMARY KEY (id);
VACUUM ANALYZE bm_app;

-- A model: the best threshold on one feature for predicting target, found
-- by params.iters full scans (a grid search).  Returns the threshold as
-- text bytes.  The signature eg.model wants.
CREATE OR REPLACE FUNCTION bm_train(input regclass, params jsonb, warm bytea) RETURNS bytea
LANGUAGE plpgsql AS $$
DECLARE
    feature text := params->>'feature';
    iters int := coalesce((params->>'iters')::int, 10);
    lo float8;
    hi float8;
    best float8;
    best_acc float8 := -1;
    t float8;
    acc float8;
BEGIN
    EXECUTE format('SELECT percentile_cont(0.02) WITHIN GROUP (ORDER BY %1$I),
                           percentile_cont(0.98) WITHIN GROUP (ORDER BY %1$I) FROM %2$s',
                   feature, input) INTO lo, hi;
    FOR i IN 0..iters LOOP
        t := lo + (hi - lo) * i / iters;
        EXECUTE format('SELECT avg(((%I > $1)::int = target)::int) FROM %s', feature, input)
            INTO acc USING t;
        IF acc > best_acc THEN
            best_acc := acc;
            best := t;
        END IF;
    END LOOP;
    RETURN convert_to(best::text, 'UTF8');
END $$;
