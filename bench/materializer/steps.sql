-- bench/materializer/steps.sql - every step of the materializer benchmark's
-- workloads (bench/materializer/workloads lists which workload runs which).
--
-- A step starts with a header line and ends at the next one; a trailing ';'
-- is dropped:
--   --- dataset NAME
--   --- aggregate NAME [QUALITY_OF]      (QUALITY_OF: the model it scores)
--   --- model NAME TRAIN INPUT PARAMS    (no query: eg.model(NAME, TRAIN, INPUT, PARAMS))
-- The same step in several workloads is the very same query, so its
-- artifact is shared.  Row order is kept (ORDER BY id after joins) so that
-- the columns a step carries over are the same chunks as its input's.

------------------------------------------------------------ shared cleaning
--- dataset clean
-- drop implausible rows: about 95% stay
SELECT * FROM bm_app
WHERE income < 400000 AND credit < 960000 AND annuity > 5500
ORDER BY id

--- dataset enc
-- encodings: one-hot kind, region code, filled gaps (adds 9 columns)
SELECT *,
       (kind = 'cash')::int AS kind_cash,
       (kind = 'revolving')::int AS kind_revolving,
       (kind = 'consumer')::int AS kind_consumer,
       (kind = 'car')::int AS kind_car,
       substr(region, 2)::int AS region_code,
       coalesce(days_employed, -1) AS days_employed_f,
       coalesce(ext3, 0.5) AS ext3_f,
       coalesce(car_age, -1) AS car_age_f,
       (days_employed IS NULL)::int AS unemployed
FROM clean

------------------------------------------------------------ shared features
--- dataset grp_stats
-- per-group statistics (ordered-set aggregates): about 1,000 rows
SELECT grp,
       count(*) AS grp_n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY income) AS grp_income_med,
       percentile_cont(ARRAY[0.1, 0.5, 0.9]) WITHIN GROUP (ORDER BY credit) AS grp_credit_pct,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY annuity / income) AS grp_burden_med,
       stddev(credit) AS grp_credit_sd,
       avg(target) AS grp_target_rate,
       count(DISTINCT region) AS grp_regions,
       mode() WITHIN GROUP (ORDER BY kind) AS grp_top_kind
FROM enc
GROUP BY grp

--- dataset feats
-- enc plus group-relative features (adds 5 columns)
SELECT e.*,
       g.grp_income_med,
       g.grp_credit_sd,
       e.income / g.grp_income_med AS income_rel,
       e.credit / nullif(g.grp_credit_pct[2], 0) AS credit_rel,
       (e.annuity / e.income) / nullif(g.grp_burden_med, 0) AS burden_rel
FROM enc e JOIN grp_stats g USING (grp)
ORDER BY e.id

--- dataset roll
-- rolling means over neighbours in registration order, per region (the
-- costly step: a moving frame recomputed at every row)
SELECT id,
       avg(income) OVER w AS income_roll,
       avg(annuity / income) OVER w AS burden_roll,
       avg(ext2) OVER w AS ext2_roll
FROM clean
WINDOW w AS (PARTITION BY region ORDER BY days_registered, id
             ROWS BETWEEN :frame PRECEDING AND CURRENT ROW)
ORDER BY id

--- dataset feats_roll
-- feats plus the rolling features (adds 3 columns)
SELECT f.*, r.income_roll, r.burden_roll, r.ext2_roll
FROM feats f JOIN roll r USING (id)
ORDER BY f.id

------------------------------------------------------------ w1: ratios
--- dataset ratios
SELECT *,
       credit / income AS credit_income,
       annuity / income AS annuity_income,
       goods / credit AS goods_credit,
       income / n_family AS income_per_person
FROM enc

--- aggregate w1_kind
SELECT kind, count(*) AS n, round(avg(target), 6) AS target_rate,
       round(avg(credit_income)::numeric, 6) AS credit_income,
       round(avg(annuity_income)::numeric, 6) AS annuity_income
FROM ratios GROUP BY kind ORDER BY kind

------------------------------------------------------------ w2: deciles
--- aggregate w2_deciles
SELECT decile, count(*) AS n, round(avg(target), 6) AS target_rate,
       round(avg(credit_rel)::numeric, 6) AS credit_rel
FROM (SELECT target, credit_rel, ntile(10) OVER (ORDER BY credit_rel, id) AS decile FROM feats) d
GROUP BY decile ORDER BY decile

------------------------------------------------------------ w3: a model on feats
--- model w3_model bm_train feats {"feature": "credit_rel", "iters": 8}

--- aggregate w3_score w3_model
SELECT round(avg(((f.credit_rel > convert_from(m.model, 'UTF8')::float8)::int = f.target)::int), 6) AS accuracy
FROM feats f CROSS JOIN w3_model m

------------------------------------------------------------ w4: rolling by region
--- aggregate w4_region
SELECT c.region, count(*) AS n,
       round(corr(r.income_roll, c.target)::numeric, 6) AS r_income_target,
       round(avg(r.burden_roll)::numeric, 6) AS burden
FROM clean c JOIN roll r USING (id)
GROUP BY c.region ORDER BY c.region

------------------------------------------------------------ w5: a model on feats_roll
--- model w5_model bm_train feats_roll {"feature": "burden_roll", "iters": 8}

--- aggregate w5_score w5_model
SELECT round(avg(((f.burden_roll > convert_from(m.model, 'UTF8')::float8)::int = f.target)::int), 6) AS accuracy
FROM feats_roll f CROSS JOIN w5_model m

------------------------------------------------------------ w6: ratio quantiles
--- dataset w6_quant
SELECT grp, kind,
       percentile_cont(ARRAY[0.1, 0.5, 0.9]) WITHIN GROUP (ORDER BY credit_income) AS ci_pct,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY income_per_person) AS ipp_med,
       count(*) AS n
FROM ratios GROUP BY grp, kind

--- aggregate w6_summary
SELECT kind, count(*) AS groups,
       round(avg(ci_pct[2])::numeric, 6) AS ci_med,
       round(avg(ipp_med)::numeric, 6) AS ipp_med
FROM w6_quant GROUP BY kind ORDER BY kind

------------------------------------------------------------ w7: extended feats_roll, a second model
--- dataset w7_feats
SELECT *, income_roll / nullif(grp_income_med, 0) AS income_roll_rel,
       ext2 - ext2_roll AS ext2_dev
FROM feats_roll

--- model w7_model bm_train w7_feats {"feature": "ext2_dev", "iters": 8}

--- aggregate w7_score w7_model
SELECT round(avg(((f.ext2_dev > convert_from(m.model, 'UTF8')::float8)::int = f.target)::int), 6) AS accuracy
FROM w7_feats f CROSS JOIN w7_model m

------------------------------------------------------------ w8: another model on feats
--- model w8_model bm_train feats {"feature": "income_rel", "iters": 8}

--- aggregate w8_score w8_model
SELECT round(avg(((f.income_rel > convert_from(m.model, 'UTF8')::float8)::int = f.target)::int), 6) AS accuracy
FROM feats f CROSS JOIN w8_model m

------------------------------------------------------------ w9: ratios by region, rolling
--- aggregate w9_region
SELECT r.region, round(avg(r.credit_income)::numeric, 6) AS credit_income,
       round(avg(o.ext2_roll)::numeric, 6) AS ext2_roll
FROM ratios r JOIN roll o USING (id)
GROUP BY r.region ORDER BY r.region

------------------------------------------------------------ w10: deciles of the rolling burden
--- aggregate w10_deciles
SELECT decile, count(*) AS n, round(avg(target), 6) AS target_rate
FROM (SELECT target, ntile(10) OVER (ORDER BY burden_roll, id) AS decile FROM feats_roll) d
GROUP BY decile ORDER BY decile
