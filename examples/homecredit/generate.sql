-- examples/homecredit/generate.sql - a synthetic database shaped like Kaggle's
-- Home Credit Default Risk data (the sources of the paper's workloads W1-W8,
-- examples/workloads/), generated here so nothing has to be downloaded.
--
--   psql -v scale=10000 -f examples/homecredit/generate.sql
--   examples/homecredit/generate --quick        (the same, through a wrapper)
--
-- psql variable `scale` (default 300000, about the real 307,511) is the number
-- of rows of application_train; application_test gets about 16% more
-- applicants (no target), and the six history tables keep the real tables'
-- proportions per applicant:
--
--   table (schema public)    columns  rows per applicant  (real data)
--   application_train           122   1 (target about 8% ones)
--   application_test            121   about 0.16 per application_train row
--   bureau                       17   about 5.6 (14% of applicants have none)
--   bureau_balance                3   about 16 per bureau row
--   previous_application         37   about 5
--   pos_cash_balance              8   about 35
--   installments_payments         8   about 45
--   credit_card_balance          23   about 12
--
-- Column names are the real ones in lower case (PostgreSQL folds unquoted
-- names); text categories, NULL rates (EXT_SOURCE_1 about 56%, EXT_SOURCE_2
-- 0.2%, EXT_SOURCE_3 20%, the building columns about half), the DAYS_*
-- conventions (days before the application, negative) and the 365243 "no
-- date" anomaly (DAYS_EMPLOYED of pensioners and the unemployed, about 18%;
-- five DAYS_* columns of previous_application) imitate the real tables.
-- Types are SQL's rather than pandas': amounts numeric, days and counts
-- integer (NULL where the CSV files have NaN), scores and building figures
-- float8.  Sums and averages of numeric are exact, so a workload's
-- aggregates do not depend on the order rows are combined in (parallel
-- plans): the same query always gives the same rows.
--
-- TARGET follows a logistic model of two hidden traits of each applicant -
-- creditworthiness (seen through EXT_SOURCE_1..3, noisily) and payment
-- behaviour (seen through the history tables: bureau overdues and debt,
-- refused applications, late instalments, days past due) - plus age,
-- employment length, amounts (credit/goods ratio, loan term, with a
-- non-linear bump), categoricals and the applicant's active bureau debt.
-- A gradient-boosted model on the application table alone reaches an AUC of
-- about 0.75; the history tables add a few points.
--
-- Deterministic: setseed() fixes every random() below; every random() runs
-- in a scan of generate_series or of an ORDER BY'd, materialised CTE in one
-- backend (temporary tables are never scanned in parallel), so the same scale
-- always gives the same rows.  Randomness is never drawn inside a join whose
-- plan could change.  Set-based: 10,000 applications take about 15 s,
-- 50,000 a minute (945 MB), full scale (about 66M rows) some six minutes on
-- two cores.
--
-- The eight tables are dropped and recreated; nothing else is touched (the
-- helpers are temporary).  Run it in a fresh session (it sets temp_buffers).

\set ON_ERROR_STOP on
\if :{?scale}
\else
\set scale 300000
\endif

SET client_min_messages = warning;
SET temp_buffers = '256MB';
SET work_mem = '64MB';
SET max_parallel_workers_per_gather = 0;
SET synchronize_seqscans = off;
SET jit = off;

DROP TABLE IF EXISTS application_train, application_test, bureau, bureau_balance,
	previous_application, pos_cash_balance, installments_payments, credit_card_balance;

-- ------------------------------------------------------------------ helpers
-- Lower bounds of the cumulative, normalised weights w: {0, w1/s, (w1+w2)/s, ...}
CREATE FUNCTION pg_temp.hc_bounds(w float8[]) RETURNS float8[]
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT array_agg(coalesce(c, 0) ORDER BY i)
	FROM (SELECT i, sum(w[i]) OVER (ORDER BY i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
	               / (SELECT sum(x) FROM unnest(w) x) AS c
	      FROM generate_subscripts(w, 1) i) s
$$;

-- The category of v drawn with weights w by the uniform u in [0, 1).  Inlined,
-- and the bounds of constant weights are folded once per query.
CREATE FUNCTION pg_temp.hc_pick(u float8, v text[], w float8[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT v[width_bucket(u, pg_temp.hc_bounds(w))]
$$;

-- A standard normal from two uniforms in [0, 1) (Box-Muller).
CREATE FUNCTION pg_temp.hc_norm(u1 float8, u2 float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
	SELECT sqrt(-2 * ln(1 - u1)) * cos(2 * pi() * u2)
$$;

CREATE FUNCTION pg_temp.hc_sigmoid(x float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
	SELECT 1 / (1 + exp(greatest(-700, least(700, -x))))
$$;

SELECT setseed(0.2018) \g /dev/null

-- ------------------------------------------------------------------ applicants
-- One row per applicant (train and test): the columns of application_*, the
-- hidden traits z (creditworthiness) and beh (payment behaviour), the
-- application part of the target's log-odds, and how many history rows each
-- applicant gets.
CREATE TEMP TABLE hc_app AS
WITH r AS MATERIALIZED (
	SELECT g,
	       random() AS u_test, random() AS u_z1, random() AS u_z2, random() AS u_b1, random() AS u_b2,
	       random() AS u_age, random() AS u_gender, random() AS u_contract, random() AS u_pens,
	       random() AS u_itype, random() AS u_edu, random() AS u_fam, random() AS u_child,
	       random() AS u_house, random() AS u_occ0, random() AS u_occ, random() AS u_org,
	       random() AS u_inc1, random() AS u_inc2, random() AS u_cr1, random() AS u_cr2,
	       random() AS u_term, random() AS u_ins, random() AS u_goods_null, random() AS u_ann_null,
	       random() AS u_suite, random() AS u_region, random() AS u_rating, random() AS u_rating_city,
	       random() AS u_emp, random() AS u_reg, random() AS u_idpub, random() AS u_car,
	       random() AS u_carage, random() AS u_realty, random() AS u_wphone, random() AS u_cmob,
	       random() AS u_phone, random() AS u_email, random() AS u_wday, random() AS u_h1, random() AS u_h2,
	       random() AS u_rr1, random() AS u_rr2, random() AS u_rr3, random() AS u_rr4, random() AS u_rr5,
	       random() AS u_rr6,
	       random() AS u_e1a, random() AS u_e1b, random() AS u_e2a, random() AS u_e2b,
	       random() AS u_e3a, random() AS u_e3b, random() AS u_e1null, random() AS u_e2null,
	       random() AS u_e3null,
	       random() AS u_hinfo, random() AS u_bsize, random() AS u_bage,
	       random() AS u_hv1, random() AS u_hv2, random() AS u_hv3, random() AS u_hv4, random() AS u_hv5,
	       random() AS u_hv6, random() AS u_hv7, random() AS u_hv8, random() AS u_hv9, random() AS u_hv10,
	       random() AS u_hv11, random() AS u_hv12, random() AS u_hv13, random() AS u_hv14,
	       random() AS u_hm1, random() AS u_hm2, random() AS u_hm3, random() AS u_hm4, random() AS u_hm5,
	       random() AS u_hm6, random() AS u_hm7, random() AS u_hm8, random() AS u_hm9, random() AS u_hm10,
	       random() AS u_hm11, random() AS u_hm12, random() AS u_hm13, random() AS u_hm14,
	       random() AS u_fond, random() AS u_fondnull, random() AS u_htype, random() AS u_htypenull,
	       random() AS u_wall, random() AS u_wallnull, random() AS u_emerg, random() AS u_emergnull,
	       random() AS u_totalnull,
	       random() AS u_socnull, random() AS u_obs, random() AS u_def1, random() AS u_def2,
	       random() AS u_obs60, random() AS u_def60, random() AS u_phonechg,
	       random() AS u_d2, random() AS u_d3, random() AS u_d4, random() AS u_d5, random() AS u_d6,
	       random() AS u_d7, random() AS u_d8, random() AS u_d9, random() AS u_d10, random() AS u_d11,
	       random() AS u_d12, random() AS u_d13, random() AS u_d14, random() AS u_d15, random() AS u_d16,
	       random() AS u_d17, random() AS u_d18, random() AS u_d19, random() AS u_d20, random() AS u_d21,
	       random() AS u_reqnull, random() AS u_rq1, random() AS u_rq2, random() AS u_rq3, random() AS u_rq4,
	       random() AS u_rq5, random() AS u_rq6,
	       random() AS u_bz, random() AS u_bn, random() AS u_pz, random() AS u_pn,
	       random() AS u_target
	FROM generate_series(1, round(:scale / 0.863)::int) AS g
),
a AS MATERIALIZED (
	SELECT r.*,
	       100001 + g AS sk_id_curr,
	       u_test < 0.137 AS is_test,
	       pg_temp.hc_norm(u_z1, u_z2) AS z,
	       pg_temp.hc_norm(u_b1, u_b2) AS beh,
	       20.5 + 48.5 * u_age AS age,
	       pg_temp.hc_pick(u_gender, '{F,M,XNA}', '{65.83,34.16,0.01}') AS code_gender,
	       pg_temp.hc_pick(u_contract, '{Cash loans,Revolving loans}', '{90.5,9.5}') AS name_contract_type,
	       CASE WHEN u_pens < CASE WHEN 20.5 + 48.5 * u_age > 58 THEN 0.7 ELSE 0.026 END THEN 'Pensioner'
	            ELSE pg_temp.hc_pick(u_itype,
	                   '{Working,Commercial associate,State servant,Unemployed,Student,Businessman,Maternity leave}',
	                   '{63,28.5,8.5,0.06,0.01,0.005,0.005}') END AS name_income_type,
	       pg_temp.hc_pick(u_edu,
	           '{Secondary / secondary special,Higher education,Incomplete higher,Lower secondary,Academic degree}',
	           '{71.0,24.3,3.3,1.24,0.05}') AS name_education_type,
	       pg_temp.hc_pick(u_fam,
	           '{Married,Single / not married,Civil marriage,Separated,Widow,Unknown}',
	           '{63.9,14.8,9.7,6.4,5.2,0.001}') AS name_family_status,
	       width_bucket(u_child, '{0,0.70,0.899,0.986,0.998,0.9995}'::float8[]) - 1 AS cnt_children,
	       pg_temp.hc_pick(u_house,
	           '{House / apartment,With parents,Municipal apartment,Rented apartment,Office apartment,Co-op apartment}',
	           '{88.7,4.8,3.6,1.6,0.85,0.36}') AS name_housing_type,
	       pg_temp.hc_pick(u_suite,
	           '{NULL,Unaccompanied,Family,"Spouse, partner",Children,Other_B,Other_A,Group of people}',
	           '{0.42,80.8,13.1,3.7,1.06,0.58,0.28,0.09}') AS name_type_suite,
	       1 + floor(u_region * 40)::int AS region,
	       pg_temp.hc_pick(u_wday, '{MONDAY,TUESDAY,WEDNESDAY,THURSDAY,FRIDAY,SATURDAY,SUNDAY}',
	           '{16.5,17.5,16.9,16.6,16.4,11.0,5.3}') AS weekday_appr_process_start
	FROM r
),
b AS MATERIALIZED (
	SELECT a.*,
	       name_income_type IN ('Pensioner', 'Unemployed') AS not_working,
	       CASE WHEN name_income_type IN ('Pensioner', 'Unemployed') OR u_occ0 < 0.16 THEN NULL
	            ELSE pg_temp.hc_pick(u_occ,
	                   '{Laborers,Sales staff,Core staff,Managers,Drivers,High skill tech staff,Accountants,Medicine staff,Security staff,Cooking staff,Cleaning staff,Private service staff,Low-skill Laborers,Waiters/barmen staff,Secretaries,Realty agents,HR staff,IT staff}',
	                   '{17.9,10.4,9.0,7.0,6.0,3.7,3.2,2.8,2.2,1.9,1.5,0.86,0.68,0.44,0.42,0.24,0.18,0.17}')
	       END AS occupation_type,
	       CASE WHEN name_income_type IN ('Pensioner', 'Unemployed') THEN 'XNA'
	            ELSE pg_temp.hc_pick(u_org,
	                   '{Business Entity Type 3,Self-employed,Other,Medicine,Business Entity Type 2,Government,School,Trade: type 7,Kindergarten,Construction,Business Entity Type 1,Transport: type 4,Trade: type 3,Industry: type 9,Industry: type 3,Security,Housing,Industry: type 11,Military,Bank,Agriculture,Police,Transport: type 2,Postal,Security Ministries,Trade: type 2,Restaurant,Services,University,Industry: type 7,Transport: type 3,Industry: type 1,Hotel,Electricity,Industry: type 4,Trade: type 6,Industry: type 5,Insurance,Telecom,Emergency,Industry: type 2,Advertising,Realtor,Culture,Industry: type 12,Trade: type 1,Mobile,Legal Services,Cleaning,Transport: type 1,Industry: type 6,Industry: type 10,Religion,Industry: type 13,Trade: type 4,Trade: type 5,Industry: type 8}',
	                   '{22.1,12.5,5.4,3.6,3.4,3.4,2.9,2.5,2.2,2.2,1.9,1.8,1.1,1.1,1.07,1.06,0.96,0.88,0.86,0.82,0.8,0.76,0.72,0.7,0.64,0.62,0.59,0.51,0.43,0.43,0.39,0.34,0.31,0.31,0.29,0.21,0.19,0.19,0.19,0.18,0.15,0.14,0.13,0.12,0.12,0.11,0.1,0.1,0.08,0.07,0.04,0.04,0.03,0.02,0.02,0.02,0.01}')
	       END AS organization_type,
	       -- yearly income: log-normal, higher with education, for men, managers
	       greatest(25650, round(exp(11.78 + 0.5 * pg_temp.hc_norm(u_inc1, u_inc2)
	                                 + 0.22 * (name_education_type = 'Higher education')::int
	                                 + 0.15 * (code_gender = 'M')::int
	                                 + 0.12 * (name_income_type = 'Commercial associate')::int
	                                 - 0.30 * (name_income_type = 'Pensioner')::int) / 2250) * 2250)
	           AS amt_income_total,
	       -- population of the region: 40 regions, few large cities
	       round((0.0005 + 0.071 * ((region - 1) / 39.0) ^ 2.2)::numeric, 6)::float8
	           AS region_population_relative,
	       -- years employed (NULL when not working)
	       CASE WHEN name_income_type IN ('Pensioner', 'Unemployed') THEN NULL
	            ELSE 0.05 + (20.5 + 48.5 * u_age - 18.2) * u_emp ^ 2.2 END AS years_employed,
	       (code_gender = 'M' AND u_car < 0.55) OR (code_gender <> 'M' AND u_car < 0.23) AS own_car
	FROM a
),
c AS MATERIALIZED (
	SELECT b.*,
	       -- the loan: goods price, credit (goods plus insurance), term, annuity
	       CASE WHEN name_contract_type = 'Revolving loans'
	            THEN greatest(1, round(exp(11.9 + 0.4 * (ln(amt_income_total) - 11.9)
	                                       + 0.5 * pg_temp.hc_norm(u_cr1, u_cr2)) / 22500)) * 22500.0
	            ELSE greatest(1, round(exp(12.85 + 0.45 * (ln(amt_income_total) - 11.9)
	                                       + 0.6 * pg_temp.hc_norm(u_cr1, u_cr2)) / 4500)) * 4500.0
	       END AS goods,
	       CASE WHEN name_contract_type = 'Revolving loans' THEN 0
	            WHEN u_ins < 0.35 THEN 0 ELSE 0.02 + 0.23 * (u_ins - 0.35) / 0.65 END AS insurance,
	       CASE WHEN name_contract_type = 'Revolving loans' THEN 20
	            ELSE 6 + floor(u_term * 55) END AS term_months,
	       CASE WHEN u_rating < CASE WHEN region_population_relative > 0.035 THEN 0.6 ELSE 0.02 END THEN 1
	            WHEN u_rating > CASE WHEN region_population_relative < 0.01 THEN 0.45 ELSE 0.92 END THEN 3
	            ELSE 2 END AS region_rating_client
	FROM b
),
d AS MATERIALIZED (
	SELECT c.*,
	       round(goods * (1 + insurance) * 2) / 2 AS amt_credit,
	       CASE WHEN name_contract_type = 'Revolving loans' THEN round(goods * 0.05 * 2) / 2
	            ELSE round(goods * (1 + insurance) * 0.013 / (1 - 1.013 ^ (-term_months)) * 2) / 2
	       END AS annuity,
	       -- the external scores: noisy views of z (score 1 also of age)
	       1 / (1 + exp(-1.5 * (0.75 * z + 0.35 * (age - 45) / 14 + 0.55 * pg_temp.hc_norm(u_e1a, u_e1b))))
	           AS e1,
	       1 / (1 + exp(-(0.3 + 1.5 * (0.8 * z + 0.6 * pg_temp.hc_norm(u_e2a, u_e2b))))) AS e2,
	       1 / (1 + exp(-(0.1 + 1.5 * (0.8 * z + 0.6 * pg_temp.hc_norm(u_e3a, u_e3b))))) AS e3
	FROM c
)
SELECT sk_id_curr, is_test, z, beh, u_target,
       name_contract_type,
       code_gender,
       CASE WHEN own_car THEN 'Y' ELSE 'N' END AS flag_own_car,
       CASE WHEN u_realty < 0.69 THEN 'Y' ELSE 'N' END AS flag_own_realty,
       cnt_children,
       amt_income_total::numeric(14,2) AS amt_income_total,
       amt_credit::numeric(14,2) AS amt_credit,
       CASE WHEN u_ann_null < 0.0001 THEN NULL ELSE annuity END::numeric(14,2) AS amt_annuity,
       CASE WHEN name_contract_type = 'Revolving loans' AND u_goods_null < 0.01 THEN NULL
            ELSE goods END::numeric(14,2) AS amt_goods_price,
       name_type_suite,
       name_income_type,
       name_education_type,
       name_family_status,
       name_housing_type,
       region_population_relative,
       -round(age * 365.25)::int AS days_birth,
       CASE WHEN not_working THEN 365243 ELSE -round(years_employed * 365.25)::int END AS days_employed,
       -round(u_reg * (age - 18) * 365.25 * 0.75)::int AS days_registration,
       -round(u_idpub * least(age - 14, 20) * 365.25)::int AS days_id_publish,
       CASE WHEN own_car THEN floor(30 * u_carage ^ 1.8) END::int AS own_car_age,
       CASE WHEN g = 17 THEN 0 ELSE 1 END AS flag_mobil,
       CASE WHEN not_working THEN 0 ELSE 1 END AS flag_emp_phone,
       (u_wphone < 0.2)::int AS flag_work_phone,
       (u_cmob < 0.998)::int AS flag_cont_mobile,
       (u_phone < 0.28)::int AS flag_phone,
       (u_email < 0.057)::int AS flag_email,
       occupation_type,
       (cnt_children + 1 + (name_family_status IN ('Married', 'Civil marriage'))::int)
           AS cnt_fam_members,
       region_rating_client,
       CASE WHEN u_rating_city < 0.025 THEN least(3, region_rating_client + 1)
            WHEN u_rating_city < 0.05 THEN greatest(1, region_rating_client - 1)
            ELSE region_rating_client END AS region_rating_client_w_city,
       weekday_appr_process_start,
       (4 + floor(16 * (u_h1 + u_h2) / 2))::int AS hour_appr_process_start,
       (u_rr1 < 0.015)::int AS reg_region_not_live_region,
       (u_rr2 < 0.05)::int AS reg_region_not_work_region,
       (u_rr3 < 0.04)::int AS live_region_not_work_region,
       (u_rr4 < 0.05 + 0.06 * (age < 30)::int)::int AS reg_city_not_live_city,
       (u_rr5 < 0.23)::int AS reg_city_not_work_city,
       (u_rr6 < 0.18)::int AS live_city_not_work_city,
       organization_type,
       CASE WHEN u_e1null < 0.564 THEN NULL ELSE round(e1::numeric, 6)::float8 END AS ext_source_1,
       CASE WHEN u_e2null < 0.0021 THEN NULL ELSE round(e2::numeric, 6)::float8 END AS ext_source_2,
       CASE WHEN u_e3null < 0.198 THEN NULL ELSE round(e3::numeric, 6)::float8 END AS ext_source_3,
       -- the building: about half the applicants have no information
       CASE WHEN u_hinfo < 0.49 AND u_hm1 > 0.02 THEN round((0.02 + 0.2 * u_bsize + 0.1 * u_hv1)::numeric, 4)::float8 END AS apartments_avg,
       CASE WHEN u_hinfo < 0.49 AND u_hm2 > 0.17 THEN round((0.02 + 0.1 * u_bsize + 0.1 * u_hv2)::numeric, 4)::float8 END AS basementarea_avg,
       CASE WHEN u_hinfo < 0.49 AND u_hm3 > 0.0 THEN round((0.95 + 0.05 * u_bage * u_hv3)::numeric, 4)::float8 END AS years_beginexpluatation_avg,
       CASE WHEN u_hinfo < 0.49 AND u_hm4 > 0.32 THEN round((0.5 + 0.45 * u_bage + 0.05 * u_hv4)::numeric, 4)::float8 END AS years_build_avg,
       CASE WHEN u_hinfo < 0.49 AND u_hm5 > 0.41 THEN round((0.01 + 0.06 * u_bsize * u_hv5)::numeric, 4)::float8 END AS commonarea_avg,
       CASE WHEN u_hinfo < 0.49 AND u_hm6 > 0.08 THEN round((0.16 * u_bsize * u_hv6)::numeric, 4)::float8 END AS elevators_avg,
       CASE WHEN u_hinfo < 0.49 AND u_hm7 > 0.0 THEN round((0.05 + 0.2 * u_bsize * u_hv7)::numeric, 4)::float8 END AS entrances_avg,
       CASE WHEN u_hinfo < 0.49 AND u_hm8 > 0.0 THEN round((0.1 + 0.3 * u_bsize * (0.5 + 0.5 * u_hv8))::numeric, 4)::float8 END AS floorsmax_avg,
       CASE WHEN u_hinfo < 0.49 AND u_hm9 > 0.36 THEN round((0.08 + 0.3 * u_bsize * (0.4 + 0.5 * u_hv9))::numeric, 4)::float8 END AS floorsmin_avg,
       CASE WHEN u_hinfo < 0.49 AND u_hm10 > 0.17 THEN round((0.01 + 0.12 * u_hv10)::numeric, 4)::float8 END AS landarea_avg,
       CASE WHEN u_hinfo < 0.49 AND u_hm11 > 0.36 THEN round((0.02 + 0.18 * u_bsize + 0.05 * u_hv11)::numeric, 4)::float8 END AS livingapartments_avg,
       CASE WHEN u_hinfo < 0.49 AND u_hm12 > 0.0 THEN round((0.02 + 0.17 * u_bsize + 0.05 * u_hv12)::numeric, 4)::float8 END AS livingarea_avg,
       CASE WHEN u_hinfo < 0.49 AND u_hm13 > 0.38 THEN round((0.02 * u_hv13 ^ 3)::numeric, 4)::float8 END AS nonlivingapartments_avg,
       CASE WHEN u_hinfo < 0.49 AND u_hm14 > 0.1 THEN round((0.06 * u_hv14 ^ 2)::numeric, 4)::float8 END AS nonlivingarea_avg,
       CASE WHEN u_hinfo < 0.49 AND u_hm1 > 0.02 THEN round((0.02 + 0.2 * u_bsize + 0.1 * u_hv1)::numeric, 2)::float8 END AS apartments_mode,
       CASE WHEN u_hinfo < 0.49 AND u_hm2 > 0.17 THEN round((0.02 + 0.1 * u_bsize + 0.1 * u_hv2)::numeric, 2)::float8 END AS basementarea_mode,
       CASE WHEN u_hinfo < 0.49 AND u_hm3 > 0.0 THEN round((0.95 + 0.05 * u_bage * u_hv3)::numeric, 3)::float8 END AS years_beginexpluatation_mode,
       CASE WHEN u_hinfo < 0.49 AND u_hm4 > 0.32 THEN round((0.5 + 0.45 * u_bage + 0.05 * u_hv4)::numeric, 2)::float8 END AS years_build_mode,
       CASE WHEN u_hinfo < 0.49 AND u_hm5 > 0.41 THEN round((0.01 + 0.06 * u_bsize * u_hv5)::numeric, 3)::float8 END AS commonarea_mode,
       CASE WHEN u_hinfo < 0.49 AND u_hm6 > 0.08 THEN round((0.16 * u_bsize * u_hv6)::numeric, 2)::float8 END AS elevators_mode,
       CASE WHEN u_hinfo < 0.49 AND u_hm7 > 0.0 THEN round((0.05 + 0.2 * u_bsize * u_hv7)::numeric, 2)::float8 END AS entrances_mode,
       CASE WHEN u_hinfo < 0.49 AND u_hm8 > 0.0 THEN round((0.1 + 0.3 * u_bsize * (0.5 + 0.5 * u_hv8))::numeric, 2)::float8 END AS floorsmax_mode,
       CASE WHEN u_hinfo < 0.49 AND u_hm9 > 0.36 THEN round((0.08 + 0.3 * u_bsize * (0.4 + 0.5 * u_hv9))::numeric, 2)::float8 END AS floorsmin_mode,
       CASE WHEN u_hinfo < 0.49 AND u_hm10 > 0.17 THEN round((0.01 + 0.12 * u_hv10)::numeric, 3)::float8 END AS landarea_mode,
       CASE WHEN u_hinfo < 0.49 AND u_hm11 > 0.36 THEN round((0.02 + 0.18 * u_bsize + 0.05 * u_hv11)::numeric, 2)::float8 END AS livingapartments_mode,
       CASE WHEN u_hinfo < 0.49 AND u_hm12 > 0.0 THEN round((0.02 + 0.17 * u_bsize + 0.05 * u_hv12)::numeric, 2)::float8 END AS livingarea_mode,
       CASE WHEN u_hinfo < 0.49 AND u_hm13 > 0.38 THEN round((0.02 * u_hv13 ^ 3)::numeric, 3)::float8 END AS nonlivingapartments_mode,
       CASE WHEN u_hinfo < 0.49 AND u_hm14 > 0.1 THEN round((0.06 * u_hv14 ^ 2)::numeric, 3)::float8 END AS nonlivingarea_mode,
       CASE WHEN u_hinfo < 0.49 AND u_hm1 > 0.02 THEN round((0.02 + 0.2 * u_bsize + 0.1 * u_hv1 + 0.001 * u_bage)::numeric, 4)::float8 END AS apartments_medi,
       CASE WHEN u_hinfo < 0.49 AND u_hm2 > 0.17 THEN round((0.02 + 0.1 * u_bsize + 0.1 * u_hv2 + 0.001 * u_bage)::numeric, 4)::float8 END AS basementarea_medi,
       CASE WHEN u_hinfo < 0.49 AND u_hm3 > 0.0 THEN round((0.95 + 0.05 * u_bage * u_hv3)::numeric, 4)::float8 END AS years_beginexpluatation_medi,
       CASE WHEN u_hinfo < 0.49 AND u_hm4 > 0.32 THEN round((0.5 + 0.45 * u_bage + 0.05 * u_hv4)::numeric, 4)::float8 END AS years_build_medi,
       CASE WHEN u_hinfo < 0.49 AND u_hm5 > 0.41 THEN round((0.01 + 0.06 * u_bsize * u_hv5 + 0.001 * u_bage)::numeric, 4)::float8 END AS commonarea_medi,
       CASE WHEN u_hinfo < 0.49 AND u_hm6 > 0.08 THEN round((0.16 * u_bsize * u_hv6)::numeric, 2)::float8 END AS elevators_medi,
       CASE WHEN u_hinfo < 0.49 AND u_hm7 > 0.0 THEN round((0.05 + 0.2 * u_bsize * u_hv7)::numeric, 4)::float8 END AS entrances_medi,
       CASE WHEN u_hinfo < 0.49 AND u_hm8 > 0.0 THEN round((0.1 + 0.3 * u_bsize * (0.5 + 0.5 * u_hv8))::numeric, 4)::float8 END AS floorsmax_medi,
       CASE WHEN u_hinfo < 0.49 AND u_hm9 > 0.36 THEN round((0.08 + 0.3 * u_bsize * (0.4 + 0.5 * u_hv9))::numeric, 4)::float8 END AS floorsmin_medi,
       CASE WHEN u_hinfo < 0.49 AND u_hm10 > 0.17 THEN round((0.01 + 0.12 * u_hv10 + 0.001 * u_bage)::numeric, 4)::float8 END AS landarea_medi,
       CASE WHEN u_hinfo < 0.49 AND u_hm11 > 0.36 THEN round((0.02 + 0.18 * u_bsize + 0.05 * u_hv11)::numeric, 4)::float8 END AS livingapartments_medi,
       CASE WHEN u_hinfo < 0.49 AND u_hm12 > 0.0 THEN round((0.02 + 0.17 * u_bsize + 0.05 * u_hv12 + 0.001 * u_bage)::numeric, 4)::float8 END AS livingarea_medi,
       CASE WHEN u_hinfo < 0.49 AND u_hm13 > 0.38 THEN round((0.02 * u_hv13 ^ 3)::numeric, 4)::float8 END AS nonlivingapartments_medi,
       CASE WHEN u_hinfo < 0.49 AND u_hm14 > 0.1 THEN round((0.06 * u_hv14 ^ 2 + 0.001 * u_bage)::numeric, 4)::float8 END AS nonlivingarea_medi,
       CASE WHEN u_hinfo < 0.49 AND u_fondnull > 0.35 THEN pg_temp.hc_pick(u_fond,
                '{reg oper account,reg oper spec account,not specified,org spec account}', '{74,12,6,6}') END AS fondkapremont_mode,
       CASE WHEN u_hinfo < 0.49 AND u_htypenull > 0.02 THEN pg_temp.hc_pick(u_htype,
                '{block of flats,specific housing,terraced house}', '{98,1,1}') END AS housetype_mode,
       CASE WHEN u_hinfo < 0.49 AND u_totalnull > 0.0 THEN round((0.02 + 0.18 * u_bsize + 0.06 * u_hv12)::numeric, 4)::float8 END AS totalarea_mode,
       CASE WHEN u_hinfo < 0.49 AND u_wallnull > 0.04 THEN pg_temp.hc_pick(u_wall,
                '{Panel,"Stone, brick",Block,Wooden,Mixed,Monolithic,Others}', '{43,42,6,3.5,1.5,1.2,1.1}') END AS wallsmaterial_mode,
       CASE WHEN u_hinfo < 0.49 AND u_emergnull > 0.0 THEN pg_temp.hc_pick(u_emerg, '{No,Yes}', '{98.5,1.5}') END AS emergencystate_mode,
       -- the social circle: defaults among the applicant's contacts
       CASE WHEN u_socnull < 0.0033 THEN NULL ELSE floor(-ln(1 - u_obs) * 1.9) END::int AS obs_30_cnt_social_circle,
       CASE WHEN u_socnull < 0.0033 THEN NULL
            ELSE (u_def1 < 0.09 + 0.05 * pg_temp.hc_sigmoid(beh))::int + (u_def2 < 0.02)::int END::int AS def_30_cnt_social_circle,
       CASE WHEN u_socnull < 0.0033 THEN NULL ELSE floor(-ln(1 - u_obs) * 1.9) + (u_obs60 < 0.03)::int END::int AS obs_60_cnt_social_circle,
       CASE WHEN u_socnull < 0.0033 THEN NULL
            ELSE ((u_def1 < 0.09 + 0.05 * pg_temp.hc_sigmoid(beh)) AND u_def60 < 0.7)::int END::int AS def_60_cnt_social_circle,
       -round(4000 * u_phonechg ^ 1.6)::int AS days_last_phone_change,
       (u_d2 < 0.00004)::int AS flag_document_2,
       (u_d3 < 0.71)::int AS flag_document_3,
       (u_d4 < 0.0001)::int AS flag_document_4,
       (u_d5 < 0.015)::int AS flag_document_5,
       (u_d6 < 0.088)::int AS flag_document_6,
       (u_d7 < 0.0002)::int AS flag_document_7,
       (u_d8 < 0.081)::int AS flag_document_8,
       (u_d9 < 0.0039)::int AS flag_document_9,
       (u_d10 < 0.00002)::int AS flag_document_10,
       (u_d11 < 0.0039)::int AS flag_document_11,
       (u_d12 < 0.00001)::int AS flag_document_12,
       (u_d13 < 0.0035)::int AS flag_document_13,
       (u_d14 < 0.0029)::int AS flag_document_14,
       (u_d15 < 0.0012)::int AS flag_document_15,
       (u_d16 < 0.0099)::int AS flag_document_16,
       (u_d17 < 0.0003)::int AS flag_document_17,
       (u_d18 < 0.0081)::int AS flag_document_18,
       (u_d19 < 0.0006)::int AS flag_document_19,
       (u_d20 < 0.0005)::int AS flag_document_20,
       (u_d21 < 0.0003)::int AS flag_document_21,
       CASE WHEN u_reqnull >= 0.135 THEN (u_rq1 < 0.005)::int END::int AS amt_req_credit_bureau_hour,
       CASE WHEN u_reqnull >= 0.135 THEN (u_rq2 < 0.005)::int END::int AS amt_req_credit_bureau_day,
       CASE WHEN u_reqnull >= 0.135 THEN (u_rq3 < 0.03)::int END::int AS amt_req_credit_bureau_week,
       CASE WHEN u_reqnull >= 0.135 THEN floor(-ln(1 - u_rq4) * 0.25) END::int AS amt_req_credit_bureau_mon,
       CASE WHEN u_reqnull >= 0.135 THEN floor(-ln(1 - u_rq5) * 0.3) END::int AS amt_req_credit_bureau_qrt,
       CASE WHEN u_reqnull >= 0.135 THEN floor(-ln(1 - u_rq6) * (1.4 + 0.8 * pg_temp.hc_sigmoid(beh))) END::int AS amt_req_credit_bureau_year,
       -- history sizes and the application part of the target's log-odds
       CASE WHEN u_bz < 0.14 THEN 0 ELSE 1 + floor(-ln(1 - u_bn) * 6.0)::int END AS n_bureau,
       CASE WHEN u_pz < 0.05 THEN 0 ELSE 1 + floor(-ln(1 - u_pn) * 4.6)::int END AS n_prev,
       - 1.0 * z
       + 0.6 * greatest(0, (45 - age) / 15) ^ 1.5
       + 0.25 * (code_gender = 'M')::int
       + CASE name_education_type WHEN 'Lower secondary' THEN 0.45 WHEN 'Secondary / secondary special' THEN 0.2
              WHEN 'Incomplete higher' THEN 0.1 WHEN 'Higher education' THEN -0.2 WHEN 'Academic degree' THEN -0.6
              ELSE 0 END
       + CASE name_income_type WHEN 'Unemployed' THEN 1.2 WHEN 'Maternity leave' THEN 1.0 WHEN 'Working' THEN 0.15
              WHEN 'Pensioner' THEN -0.15 WHEN 'State servant' THEN -0.2 ELSE 0 END
       + CASE occupation_type WHEN 'Low-skill Laborers' THEN 0.5 WHEN 'Drivers' THEN 0.3
              WHEN 'Waiters/barmen staff' THEN 0.3 WHEN 'Laborers' THEN 0.2 WHEN 'Security staff' THEN 0.2
              WHEN 'Cooking staff' THEN 0.2 WHEN 'Sales staff' THEN 0.1 WHEN 'Accountants' THEN -0.3
              WHEN 'HR staff' THEN -0.2 WHEN 'High skill tech staff' THEN -0.25 WHEN 'Managers' THEN -0.15
              WHEN 'Core staff' THEN -0.15 WHEN 'IT staff' THEN -0.2 ELSE 0 END
       + CASE organization_type WHEN 'Self-employed' THEN 0.15 WHEN 'Construction' THEN 0.25
              WHEN 'Transport: type 3' THEN 0.35 WHEN 'Restaurant' THEN 0.3 WHEN 'Realtor' THEN 0.3
              WHEN 'Agriculture' THEN 0.15 WHEN 'Bank' THEN -0.3 WHEN 'Police' THEN -0.25
              WHEN 'Military' THEN -0.25 WHEN 'University' THEN -0.3 WHEN 'School' THEN -0.15
              WHEN 'Security Ministries' THEN -0.3 ELSE 0 END
       + CASE WHEN years_employed IS NULL THEN 0 ELSE 0.55 * exp(-years_employed / 1.5) END
       + 0.22 * (CASE WHEN u_rating_city < 0.025 THEN least(3, region_rating_client + 1)
                      WHEN u_rating_city < 0.05 THEN greatest(1, region_rating_client - 1)
                      ELSE region_rating_client END - 2)
       + 1.2 * (amt_credit / goods - 1.1)
       + 0.8 * exp(-(((amt_credit / annuity - 17) / 3) ^ 2))
       + 0.5 * (amt_credit / amt_income_total > 6)::int
       - 0.3 * (name_contract_type = 'Revolving loans')::int
       - 0.15 * own_car::int
       + 0.1 * (u_d3 < 0.71)::int
       + 0.15 * (u_rr4 < 0.05 + 0.06 * (age < 30)::int)::int
       AS eta_app
FROM d
ORDER BY sk_id_curr;

-- where each applicant's bureau rows and previous applications start
ALTER TABLE hc_app ADD COLUMN bureau_off bigint, ADD COLUMN prev_off bigint;
UPDATE hc_app h
SET bureau_off = o.bureau_off, prev_off = o.prev_off
FROM (SELECT sk_id_curr,
             sum(n_bureau) OVER (ORDER BY sk_id_curr) - n_bureau AS bureau_off,
             sum(n_prev) OVER (ORDER BY sk_id_curr) - n_prev AS prev_off
      FROM hc_app) o
WHERE h.sk_id_curr = o.sk_id_curr;

-- ------------------------------------------------------------------ bureau
CREATE TEMP TABLE hc_bureau AS
WITH p AS MATERIALIZED (
	SELECT sk_id_curr, beh, amt_income_total, n_bureau, bureau_off
	FROM hc_app WHERE n_bureau > 0 ORDER BY sk_id_curr
),
r AS MATERIALIZED (
	SELECT p.*, k,
	       random() AS u_act, random() AS u_bad, random() AS u_cur, random() AS u_dc, random() AS u_dur,
	       random() AS u_fact, random() AS u_endnull, random() AS u_od, random() AS u_odd,
	       random() AS u_maxodnull, random() AS u_maxod, random() AS u_maxodv, random() AS u_prol,
	       random() AS u_s1, random() AS u_s2, random() AS u_debt, random() AS u_debtnull,
	       random() AS u_limnull, random() AS u_lim, random() AS u_type, random() AS u_upd,
	       random() AS u_annnull, random() AS u_ovr, random() AS u_bb
	FROM p CROSS JOIN LATERAL generate_series(1, p.n_bureau) AS k
),
a AS MATERIALIZED (
	SELECT r.*,
	       5000000 + bureau_off + k AS sk_id_bureau,
	       CASE WHEN u_bad < pg_temp.hc_sigmoid(-7.5 + 1.3 * beh) THEN 'Bad debt'
	            WHEN u_act < 0.367 THEN 'Active'
	            WHEN u_act < 0.371 THEN 'Sold'
	            ELSE 'Closed' END AS credit_active,
	       pg_temp.hc_pick(u_type,
	           '{Consumer credit,Credit card,Car loan,Mortgage,Microloan,Loan for business development,Another type of loan,Unknown type of loan}',
	           '{72.9,23.4,1.6,1.1,0.7,0.1,0.1,0.03}') AS credit_type,
	       -(1 + floor(2921 * u_dc ^ 1.3))::int AS days_credit,
	       90 + floor(3000 * u_dur ^ 1.5) AS dur,
	       round(exp(11.7 + 1.05 * pg_temp.hc_norm(u_s1, u_s2))::numeric, 2) AS amt_credit_sum
	FROM r
),
b AS MATERIALIZED (
	SELECT a.*,
	       CASE WHEN credit_active = 'Active' AND u_od < pg_temp.hc_sigmoid(-6 + 1.3 * beh)
	            THEN 1 + floor(1200 * u_odd ^ 2)::int ELSE 0 END AS credit_day_overdue,
	       CASE WHEN credit_active = 'Active' THEN NULL
	            ELSE least(-1, days_credit + floor(dur * (0.3 + 0.7 * u_fact))) END::int AS days_enddate_fact
	FROM a
)
SELECT sk_id_curr, sk_id_bureau, beh, amt_income_total,
       credit_active,
       pg_temp.hc_pick(u_cur, '{currency 1,currency 2,currency 3,currency 4}', '{99.918,0.073,0.0068,0.0006}')
           AS credit_currency,
       days_credit,
       credit_day_overdue,
       CASE WHEN u_endnull < 0.061 THEN NULL ELSE days_credit + dur END::int AS days_credit_enddate,
       days_enddate_fact,
       CASE WHEN u_maxodnull < 0.655 THEN NULL
            WHEN u_maxod < pg_temp.hc_sigmoid(-2.5 + 1.0 * beh) THEN round((amt_credit_sum * 0.05 * u_maxodv)::numeric, 3)
            ELSE 0 END AS amt_credit_max_overdue,
       CASE WHEN u_prol < 0.005 THEN 1 + floor(u_prol * 400)::int ELSE 0 END AS cnt_credit_prolong,
       amt_credit_sum,
       CASE WHEN u_debtnull < 0.15 THEN NULL
            WHEN credit_active <> 'Active' THEN 0
            ELSE round((amt_credit_sum * u_debt ^ exp(-0.5 * beh))::numeric, 2) END AS amt_credit_sum_debt,
       CASE WHEN u_limnull < 0.345 THEN NULL
            WHEN credit_type = 'Credit card' THEN round((amt_credit_sum * u_lim)::numeric, 2)
            ELSE 0 END AS amt_credit_sum_limit,
       CASE WHEN credit_day_overdue > 0 THEN round((amt_credit_sum * 0.1 * u_ovr)::numeric, 2)
            ELSE 0 END AS amt_credit_sum_overdue,
       credit_type,
       -floor(-days_credit * u_upd ^ 2)::int AS days_credit_update,
       CASE WHEN u_annnull < 0.715 THEN NULL
            ELSE round((amt_credit_sum / greatest(3, dur / 30.4))::numeric, 1) END AS amt_annuity,
       floor(33 * u_bb)::int AS n_bb,
       CASE WHEN days_enddate_fact IS NOT NULL THEN floor(days_enddate_fact / 30.4)::int END AS closed_month
FROM b
ORDER BY sk_id_bureau;

CREATE TABLE bureau AS
SELECT sk_id_curr, sk_id_bureau, credit_active, credit_currency, days_credit, credit_day_overdue,
       days_credit_enddate, days_enddate_fact, amt_credit_max_overdue, cnt_credit_prolong,
       amt_credit_sum, amt_credit_sum_debt, amt_credit_sum_limit, amt_credit_sum_overdue,
       credit_type, days_credit_update, amt_annuity
FROM hc_bureau ORDER BY sk_id_bureau;

CREATE TABLE bureau_balance AS
WITH p AS MATERIALIZED (
	SELECT sk_id_bureau, beh, n_bb, closed_month FROM hc_bureau WHERE n_bb > 0 ORDER BY sk_id_bureau
),
r AS MATERIALIZED (
	SELECT p.*, m, random() AS u_x, random() AS u_dpd, random() AS u_lvl
	FROM p CROSS JOIN LATERAL generate_series(0, p.n_bb - 1) AS m
)
SELECT sk_id_bureau,
       -m AS months_balance,
       CASE WHEN closed_month IS NOT NULL AND -m > closed_month THEN 'C'
            WHEN u_x < 0.3 THEN 'X'
            WHEN u_dpd < pg_temp.hc_sigmoid(-4.2 + 1.2 * beh)
                 THEN pg_temp.hc_pick(u_lvl, '{1,2,3,4,5}', '{80,8,3,2,7}')
            ELSE '0' END AS status
FROM r;

-- ------------------------------------------------------------------ previous applications
CREATE TEMP TABLE hc_prev AS
WITH p AS MATERIALIZED (
	SELECT sk_id_curr, beh, amt_income_total, n_prev, prev_off
	FROM hc_app WHERE n_prev > 0 ORDER BY sk_id_curr
),
r AS MATERIALIZED (
	SELECT p.*, k,
	       random() AS u_ct, random() AS u_st, random() AS u_st2, random() AS u_a1, random() AS u_a2,
	       random() AS u_cr, random() AS u_gnull, random() AS u_dp, random() AS u_rate, random() AS u_ratenull,
	       random() AS u_cnt, random() AS u_wday, random() AS u_hour, random() AS u_flag, random() AS u_nflag,
	       random() AS u_purpose, random() AS u_dd, random() AS u_pay, random() AS u_rej, random() AS u_suitenull,
	       random() AS u_suite, random() AS u_client, random() AS u_goods, random() AS u_ptype, random() AS u_chan,
	       random() AS u_seller, random() AS u_ind, random() AS u_yield, random() AS u_comb, random() AS u_draw,
	       random() AS u_due, random() AS u_last, random() AS u_term, random() AS u_ins, random() AS u_util
	FROM p CROSS JOIN LATERAL generate_series(1, p.n_prev) AS k
),
a AS MATERIALIZED (
	SELECT r.*,
	       1000000 + prev_off + k AS sk_id_prev,
	       pg_temp.hc_pick(u_ct, '{Cash loans,Consumer loans,Revolving loans,XNA}', '{44.8,43.7,11.6,0.02}')
	           AS name_contract_type,
	       CASE WHEN u_st < pg_temp.hc_sigmoid(-1.75 + 0.7 * beh) THEN 'Refused'
	            ELSE pg_temp.hc_pick(u_st2, '{Approved,Canceled,Unused offer}', '{75,23,2}') END
	           AS name_contract_status,
	       -(1 + floor(2921 * u_dd ^ 1.6))::int AS days_decision
	FROM r
),
b AS MATERIALIZED (
	SELECT a.*,
	       CASE name_contract_type
	            WHEN 'Consumer loans' THEN round(exp(10.9 + 0.8 * pg_temp.hc_norm(u_a1, u_a2)) / 4.5) * 4.5
	            WHEN 'Cash loans' THEN round(exp(12.3 + 0.7 * pg_temp.hc_norm(u_a1, u_a2)) / 4500) * 4500
	            WHEN 'Revolving loans' THEN (1 + floor(u_a1 * 10)) * 22500
	            ELSE 0 END AS amt_application,
	       CASE WHEN name_contract_status IN ('Canceled', 'Unused offer') THEN NULL
	            WHEN name_contract_type = 'Cash loans'
	                 THEN (ARRAY[6, 12, 12, 12, 18, 24, 24, 36, 48, 60])[1 + floor(u_cnt * 10)::int]
	            WHEN name_contract_type = 'Consumer loans' THEN 4 + floor(u_cnt * 15)::int
	            ELSE 0 END AS cnt_payment
	FROM a
),
c AS MATERIALIZED (
	SELECT b.*,
	       CASE WHEN name_contract_status = 'Approved' AND name_contract_type <> 'Revolving loans'
	            THEN round(amt_application * (0.9 + 0.25 * u_cr) * 2) / 2
	            ELSE round(amt_application * (0.8 + 0.2 * u_cr) * 2) / 2 END AS amt_credit,
	       CASE WHEN name_contract_type = 'Consumer loans'
	            THEN round(amt_application * 0.2 * u_dp ^ 3 * 100) / 100 END AS amt_down_payment,
	       floor(days_decision / 30.4)::int AS decision_month
	FROM b
)
SELECT sk_id_prev, sk_id_curr, beh,
       name_contract_type,
       CASE WHEN cnt_payment IS NULL THEN NULL
            WHEN name_contract_type = 'Revolving loans' THEN round(amt_credit * 0.05 * 100) / 100
            WHEN cnt_payment = 0 THEN NULL
            ELSE round(amt_credit * (1 + 0.015 * cnt_payment * (0.5 + u_ins)) / cnt_payment * 100) / 100
       END::numeric(14,2) AS amt_annuity,
       amt_application::numeric(14,2) AS amt_application,
       amt_credit::numeric(14,2) AS amt_credit,
       amt_down_payment::numeric(14,2) AS amt_down_payment,
       CASE WHEN name_contract_type = 'Consumer loans' THEN amt_application
            WHEN name_contract_type = 'Cash loans' AND u_gnull < 0.55 THEN amt_application
            END::numeric(14,2) AS amt_goods_price,
       pg_temp.hc_pick(u_wday, '{MONDAY,TUESDAY,WEDNESDAY,THURSDAY,FRIDAY,SATURDAY,SUNDAY}',
           '{15.2,15.3,15.3,15.1,15.2,14.5,9.4}') AS weekday_appr_process_start,
       (3 + floor(u_hour * 20))::int AS hour_appr_process_start,
       CASE WHEN u_flag < 0.995 THEN 'Y' ELSE 'N' END AS flag_last_appl_per_contract,
       (u_nflag < 0.9965)::int AS nflag_last_appl_in_day,
       CASE WHEN amt_down_payment IS NOT NULL AND amt_application > 0
            THEN round((amt_down_payment / amt_application)::numeric, 6) END::numeric(8,6) AS rate_down_payment,
       CASE WHEN u_ratenull < 0.0036 THEN round((0.03 + 0.97 * u_rate)::numeric, 6) END::numeric(8,6) AS rate_interest_primary,
       CASE WHEN u_ratenull < 0.0036 THEN round((0.37 + 0.63 * u_rate)::numeric, 6) END::numeric(8,6) AS rate_interest_privileged,
       CASE WHEN name_contract_type <> 'Cash loans' THEN 'XAP'
            ELSE pg_temp.hc_pick(u_purpose,
                   '{XNA,Repairs,Other,Urgent needs,Buying a used car,Building a house or an annex,Everyday expenses,Medicine,Payments on other loans,Education,Journey,Purchase of electronic equipment,Buying a new car,Wedding / gift / holiday,Buying a home,Car repairs,Furniture,Buying a holiday home / land,Business development,Gasification / water supply,Buying a garage,Hobby,Money for a third person,Refusal to name the goal}',
                   '{88,3.2,2.1,1.1,0.4,0.4,0.3,0.3,0.3,0.2,0.2,0.2,0.1,0.1,0.1,0.1,0.1,0.05,0.05,0.05,0.03,0.01,0.01,0.01}')
       END AS name_cash_loan_purpose,
       name_contract_status,
       days_decision,
       CASE WHEN name_contract_status IN ('Canceled', 'Unused offer') OR name_contract_type = 'XNA' THEN 'XNA'
            ELSE pg_temp.hc_pick(u_pay,
                   '{Cash through the bank,XNA,Non-cash from your account,Cashless from the account of the employer}',
                   '{96,3,0.9,0.1}') END AS name_payment_type,
       CASE WHEN name_contract_status = 'Refused'
            THEN pg_temp.hc_pick(u_rej, '{HC,LIMIT,SCO,CLIENT,SCOFR,XNA,VERIF,SYSTEM}', '{55,18,12,6,4.5,2,1.5,1}')
            WHEN name_contract_status = 'Canceled' AND u_rej < 0.08 THEN 'CLIENT'
            ELSE 'XAP' END AS code_reject_reason,
       CASE WHEN u_suitenull >= 0.49 THEN pg_temp.hc_pick(u_suite,
                '{Unaccompanied,Family,"Spouse, partner",Children,Other_B,Other_A,Group of people}',
                '{59,25,7.8,3.7,2.1,1.1,0.3}') END AS name_type_suite,
       pg_temp.hc_pick(u_client, '{Repeater,New,Refreshed,XNA}', '{73.7,18,8.1,0.1}') AS name_client_type,
       CASE WHEN name_contract_type <> 'Consumer loans' THEN 'XNA'
            ELSE pg_temp.hc_pick(u_goods,
                   '{Mobile,Consumer Electronics,Computers,Audio/Video,Furniture,Photo / Cinema Equipment,Construction Materials,Clothing and Accessories,Auto Accessories,Jewelry,Homewares,Medical Supplies,Vehicles,Sport and Leisure,Gardening,Other,Office Appliances,Tourism,Medicine,Direct Sales,Fitness,Additional Service,Education,Weapon,Insurance,House Construction,Animals}',
                   '{31,17,15,14,7.5,3.6,3.5,3.3,1.1,0.8,0.7,0.5,0.5,0.5,0.4,0.4,0.4,0.3,0.2,0.1,0.05,0.03,0.02,0.02,0.01,0.01,0.001}')
       END AS name_goods_category,
       CASE WHEN name_contract_type = 'Consumer loans' THEN 'POS'
            WHEN name_contract_type = 'Revolving loans' THEN 'Cards'
            WHEN name_contract_type = 'Cash loans' AND name_contract_status NOT IN ('Canceled', 'Unused offer') THEN 'Cash'
            ELSE 'XNA' END AS name_portfolio,
       CASE WHEN name_contract_type = 'Cash loans' THEN pg_temp.hc_pick(u_ptype, '{x-sell,walk-in}', '{72,28}')
            ELSE 'XNA' END AS name_product_type,
       CASE name_contract_type
            WHEN 'Cash loans' THEN pg_temp.hc_pick(u_chan,
                '{Credit and cash offices,Contact center,AP+ (Cash loan),Channel of corporate sales}', '{80,10,8,1}')
            WHEN 'Consumer loans' THEN pg_temp.hc_pick(u_chan, '{Country-wide,Stone,Regional / Local,Car dealer}', '{57,28,14,0.1}')
            ELSE pg_temp.hc_pick(u_chan, '{Credit and cash offices,Country-wide}', '{70,30}') END AS channel_type,
       CASE WHEN name_contract_type = 'Consumer loans' THEN floor(2000 * u_seller ^ 2)::int ELSE -1 END
           AS sellerplace_area,
       CASE WHEN name_contract_type <> 'Consumer loans' THEN 'XNA'
            ELSE pg_temp.hc_pick(u_ind,
                   '{Consumer electronics,Connectivity,Furniture,Construction,Clothing,Industry,Auto technology,Jewelry,MLM partners,Tourism}',
                   '{42,30,6.5,3.2,3.2,2.1,0.9,0.5,0.1,0.05}') END AS name_seller_industry,
       cnt_payment,
       CASE WHEN cnt_payment IS NULL OR name_contract_type = 'Revolving loans' THEN 'XNA'
            ELSE pg_temp.hc_pick(u_yield, '{middle,high,low_normal,low_action}', '{33,30,28,8}') END AS name_yield_group,
       CASE name_contract_type
            WHEN 'Cash loans' THEN pg_temp.hc_pick(u_comb,
                '{Cash,Cash X-Sell: middle,Cash X-Sell: low,Cash Street: high,Cash X-Sell: high,Cash Street: middle,Cash Street: low}',
                '{24,21,19,9,9,9,9}')
            WHEN 'Consumer loans' THEN pg_temp.hc_pick(u_comb,
                '{POS household with interest,POS mobile with interest,POS industry with interest,POS household without interest,POS mobile without interest,POS other with interest,POS industry without interest,POS others without interest}',
                '{38,31,13,7.5,1.7,7.6,0.5,0.2}')
            WHEN 'Revolving loans' THEN pg_temp.hc_pick(u_comb, '{Card Street,Card X-Sell}', '{58,42}')
            END AS product_combination,
       CASE WHEN name_contract_status <> 'Approved' THEN NULL
            WHEN u_draw < 0.93 THEN 365243 ELSE days_decision + floor(u_due * 10) END::int AS days_first_drawing,
       CASE WHEN name_contract_status <> 'Approved' THEN NULL
            WHEN u_due < 0.024 THEN 365243 ELSE days_decision + 10 + floor(u_due * 30) END::int AS days_first_due,
       CASE WHEN name_contract_status <> 'Approved' THEN NULL
            ELSE days_decision + 10 + 30 * coalesce(cnt_payment, 0) END::int AS days_last_due_1st_version,
       CASE WHEN name_contract_status <> 'Approved' THEN NULL
            WHEN u_last < 0.26 THEN 365243
            ELSE least(-1, days_decision + 10 + floor(30 * coalesce(cnt_payment, 0) * (0.5 + 0.5 * u_term))) END::int
           AS days_last_due,
       CASE WHEN name_contract_status <> 'Approved' THEN NULL
            WHEN u_last < 0.27 THEN 365243
            ELSE least(-1, days_decision + 14 + floor(30 * coalesce(cnt_payment, 0) * (0.5 + 0.5 * u_term))) END::int
           AS days_termination,
       CASE WHEN name_contract_status = 'Approved' THEN (u_ins < 0.33)::int END::int AS nflag_insured_on_approval,
       -- the loan's history in pos_cash_balance / installments_payments / credit_card_balance
       decision_month,
       CASE WHEN name_contract_status = 'Approved' AND name_contract_type IN ('Cash loans', 'Consumer loans')
            THEN least(cnt_payment + 1, greatest(1, -decision_month)) ELSE 0 END AS n_pos,
       CASE WHEN name_contract_status = 'Approved' AND name_contract_type = 'Revolving loans'
            THEN least(96, greatest(1, -decision_month)) ELSE 0 END AS n_cc,
       u_util
FROM c
ORDER BY sk_id_prev;

CREATE TABLE previous_application AS
SELECT sk_id_prev, sk_id_curr, name_contract_type, amt_annuity, amt_application, amt_credit,
       amt_down_payment, amt_goods_price, weekday_appr_process_start, hour_appr_process_start,
       flag_last_appl_per_contract, nflag_last_appl_in_day, rate_down_payment, rate_interest_primary,
       rate_interest_privileged, name_cash_loan_purpose, name_contract_status, days_decision,
       name_payment_type, code_reject_reason, name_type_suite, name_client_type, name_goods_category,
       name_portfolio, name_product_type, channel_type, sellerplace_area, name_seller_industry,
       cnt_payment, name_yield_group, product_combination, days_first_drawing, days_first_due,
       days_last_due_1st_version, days_last_due, days_termination, nflag_insured_on_approval
FROM hc_prev ORDER BY sk_id_prev;

-- ------------------------------------------------------------------ loan histories
CREATE TABLE pos_cash_balance AS
WITH p AS MATERIALIZED (
	SELECT sk_id_prev, sk_id_curr, beh, cnt_payment, decision_month, n_pos
	FROM hc_prev WHERE n_pos > 0 ORDER BY sk_id_prev
),
r AS MATERIALIZED (
	SELECT p.*, m, random() AS u_sig, random() AS u_dpd, random() AS u_days, random() AS u_def
	FROM p CROSS JOIN LATERAL generate_series(0, p.n_pos - 1) AS m
)
SELECT sk_id_prev, sk_id_curr,
       least(-1, decision_month + m) AS months_balance,
       cnt_payment AS cnt_instalment,
       greatest(0, cnt_payment - m)::int AS cnt_instalment_future,
       CASE WHEN cnt_payment - m <= 0 THEN 'Completed'
            WHEN m = 0 AND u_sig < 0.12 THEN 'Signed'
            ELSE 'Active' END AS name_contract_status,
       CASE WHEN u_dpd < pg_temp.hc_sigmoid(-4.3 + 1.2 * beh) THEN 1 + floor(60 * u_days ^ 3)::int ELSE 0 END AS sk_dpd,
       CASE WHEN u_dpd < pg_temp.hc_sigmoid(-4.3 + 1.2 * beh) AND u_def < 0.5 THEN 1 + floor(60 * u_days ^ 3)::int
            ELSE 0 END AS sk_dpd_def
FROM r;

CREATE TABLE installments_payments AS
WITH p AS MATERIALIZED (
	SELECT sk_id_prev, sk_id_curr, beh, days_decision, amt_annuity,
	       n_pos AS n_due, n_pos + floor(0.6 * n_pos * u_util)::int AS n_inst
	FROM hc_prev WHERE n_pos > 0 ORDER BY sk_id_prev
),
r AS MATERIALIZED (
	SELECT p.*, j, 1 + floor((j - 1) * n_due / n_inst::float8)::int AS num,
	       random() AS u_ver, random() AS u_late, random() AS u_delay, random() AS u_null,
	       random() AS u_under, random() AS u_part
	FROM p CROSS JOIN LATERAL generate_series(1, p.n_inst) AS j
)
SELECT sk_id_prev, sk_id_curr,
       CASE WHEN u_ver < 0.05 THEN 2 ELSE 1 END AS num_instalment_version,
       num AS num_instalment_number,
       (days_decision + 30 * num) AS days_instalment,
       CASE WHEN u_null < 0.0002 THEN NULL
            WHEN u_late < pg_temp.hc_sigmoid(-2.8 + 1.0 * beh) THEN days_decision + 30 * num + 1 + floor(60 * u_delay ^ 2)
            ELSE days_decision + 30 * num - floor(30 * u_delay ^ 1.5) END::int AS days_entry_payment,
       coalesce(amt_annuity, 0) AS amt_instalment,
       CASE WHEN u_null < 0.0002 THEN NULL
            WHEN u_under < pg_temp.hc_sigmoid(-3.5 + 0.9 * beh) THEN round((coalesce(amt_annuity, 0) * u_part)::numeric, 2)
            ELSE coalesce(amt_annuity, 0) END::numeric(14,2) AS amt_payment
FROM r;

CREATE TABLE credit_card_balance AS
WITH p AS MATERIALIZED (
	SELECT sk_id_prev, sk_id_curr, beh, amt_credit, decision_month, n_cc,
	       least(1.0, u_util ^ exp(-0.6 * beh)) AS util
	FROM hc_prev WHERE n_cc > 0 ORDER BY sk_id_prev
),
r AS MATERIALIZED (
	SELECT p.*, m,
	       random() AS u_bal, random() AS u_atm, random() AS u_atmv, random() AS u_pos, random() AS u_posv,
	       random() AS u_oth, random() AS u_null, random() AS u_pay, random() AS u_paynull, random() AS u_minnull,
	       random() AS u_dpd, random() AS u_days, random() AS u_def, random() AS u_cnt
	FROM p CROSS JOIN LATERAL generate_series(0, p.n_cc - 1) AS m
),
a AS MATERIALIZED (
	SELECT r.*,
	       least(-1, decision_month + m) AS months_balance,
	       round((amt_credit * util * (0.7 + 0.6 * u_bal))::numeric, 3) AS amt_balance,
	       CASE WHEN u_atm < 0.18 THEN round((amt_credit * 0.2 * u_atmv)::numeric, 0) ELSE 0 END AS atm,
	       CASE WHEN u_pos < 0.12 THEN round((amt_credit * 0.1 * u_posv)::numeric, 2) ELSE 0 END AS pos,
	       CASE WHEN u_oth < 0.004 THEN round((amt_credit * 0.05 * u_posv)::numeric, 2) ELSE 0 END AS oth,
	       u_dpd < pg_temp.hc_sigmoid(-4.5 + 1.3 * beh) AS late
	FROM r
)
SELECT sk_id_prev, sk_id_curr, months_balance,
       amt_balance,
       amt_credit AS amt_credit_limit_actual,
       CASE WHEN u_null < 0.195 THEN NULL ELSE atm END AS amt_drawings_atm_current,
       atm + pos + oth AS amt_drawings_current,
       CASE WHEN u_null < 0.195 THEN NULL ELSE oth END AS amt_drawings_other_current,
       CASE WHEN u_null < 0.195 THEN NULL ELSE pos END AS amt_drawings_pos_current,
       CASE WHEN u_minnull < 0.08 THEN NULL ELSE round((amt_balance * 0.05)::numeric, 3) END AS amt_inst_min_regularity,
       CASE WHEN u_paynull < 0.2 THEN NULL
            ELSE round((amt_balance * CASE WHEN late THEN 0.01 ELSE 0.03 + 0.3 * u_pay END)::numeric, 3)
            END AS amt_payment_current,
       round((amt_balance * CASE WHEN late THEN 0.0 ELSE 0.03 + 0.3 * u_pay END)::numeric, 3)
           AS amt_payment_total_current,
       round((amt_balance * 0.95)::numeric, 3) AS amt_receivable_principal,
       amt_balance AS amt_recivable,
       amt_balance AS amt_total_receivable,
       CASE WHEN u_null < 0.195 THEN NULL ELSE (atm > 0)::int * (1 + floor(3 * u_cnt)) END::int AS cnt_drawings_atm_current,
       ((atm > 0)::int * (1 + floor(3 * u_cnt)) + (pos > 0)::int * (1 + floor(5 * u_cnt)) + (oth > 0)::int)::int
           AS cnt_drawings_current,
       CASE WHEN u_null < 0.195 THEN NULL ELSE (oth > 0)::int END::int AS cnt_drawings_other_current,
       CASE WHEN u_null < 0.195 THEN NULL ELSE (pos > 0)::int * (1 + floor(5 * u_cnt)) END::int AS cnt_drawings_pos_current,
       CASE WHEN u_minnull < 0.08 THEN NULL ELSE m END::int AS cnt_instalment_mature_cum,
       CASE WHEN m = n_cc - 1 AND n_cc < 96 AND u_def < 0.3 THEN 'Completed' ELSE 'Active' END AS name_contract_status,
       CASE WHEN late THEN 1 + floor(90 * u_days ^ 3)::int ELSE 0 END AS sk_dpd,
       CASE WHEN late AND u_def < 0.6 THEN 1 + floor(90 * u_days ^ 3)::int ELSE 0 END AS sk_dpd_def
FROM a;

-- ------------------------------------------------------------------ applications and the target
-- The target's log-odds: the application part, behaviour, and the active
-- bureau debt relative to income and any current overdue (from the rows
-- actually generated).  The intercept gives about 8% ones.
CREATE TEMP TABLE hc_target AS
SELECT h.sk_id_curr,
       (h.u_target < pg_temp.hc_sigmoid(
            -4.2 + h.eta_app + 0.7 * h.beh
            + 0.30 * ln(1 + coalesce(b.active_debt, 0) / h.amt_income_total)
            + 0.45 * coalesce(b.overdue, 0)))::int AS target
FROM hc_app h
LEFT JOIN (SELECT sk_id_curr,
                  sum(amt_credit_sum_debt) FILTER (WHERE credit_active = 'Active') AS active_debt,
                  max((credit_day_overdue > 0)::int) AS overdue
           FROM hc_bureau GROUP BY sk_id_curr) b USING (sk_id_curr)
WHERE NOT h.is_test;

CREATE TABLE application_train AS
SELECT h.sk_id_curr, t.target,
       name_contract_type, code_gender, flag_own_car, flag_own_realty, cnt_children,
       amt_income_total, amt_credit, amt_annuity, amt_goods_price, name_type_suite,
       name_income_type, name_education_type, name_family_status, name_housing_type,
       region_population_relative, days_birth, days_employed, days_registration,
       days_id_publish, own_car_age, flag_mobil, flag_emp_phone, flag_work_phone,
       flag_cont_mobile, flag_phone, flag_email, occupation_type, cnt_fam_members,
       region_rating_client, region_rating_client_w_city, weekday_appr_process_start,
       hour_appr_process_start, reg_region_not_live_region, reg_region_not_work_region,
       live_region_not_work_region, reg_city_not_live_city, reg_city_not_work_city,
       live_city_not_work_city, organization_type, ext_source_1, ext_source_2, ext_source_3,
       apartments_avg, basementarea_avg, years_beginexpluatation_avg, years_build_avg,
       commonarea_avg, elevators_avg, entrances_avg, floorsmax_avg, floorsmin_avg,
       landarea_avg, livingapartments_avg, livingarea_avg, nonlivingapartments_avg,
       nonlivingarea_avg, apartments_mode, basementarea_mode, years_beginexpluatation_mode,
       years_build_mode, commonarea_mode, elevators_mode, entrances_mode, floorsmax_mode,
       floorsmin_mode, landarea_mode, livingapartments_mode, livingarea_mode,
       nonlivingapartments_mode, nonlivingarea_mode, apartments_medi, basementarea_medi,
       years_beginexpluatation_medi, years_build_medi, commonarea_medi, elevators_medi,
       entrances_medi, floorsmax_medi, floorsmin_medi, landarea_medi, livingapartments_medi,
       livingarea_medi, nonlivingapartments_medi, nonlivingarea_medi, fondkapremont_mode,
       housetype_mode, totalarea_mode, wallsmaterial_mode, emergencystate_mode,
       obs_30_cnt_social_circle, def_30_cnt_social_circle, obs_60_cnt_social_circle,
       def_60_cnt_social_circle, days_last_phone_change, flag_document_2, flag_document_3,
       flag_document_4, flag_document_5, flag_document_6, flag_document_7, flag_document_8,
       flag_document_9, flag_document_10, flag_document_11, flag_document_12,
       flag_document_13, flag_document_14, flag_document_15, flag_document_16,
       flag_document_17, flag_document_18, flag_document_19, flag_document_20,
       flag_document_21, amt_req_credit_bureau_hour, amt_req_credit_bureau_day,
       amt_req_credit_bureau_week, amt_req_credit_bureau_mon, amt_req_credit_bureau_qrt,
       amt_req_credit_bureau_year
FROM hc_app h JOIN hc_target t USING (sk_id_curr)
ORDER BY h.sk_id_curr;

CREATE TABLE application_test AS
SELECT sk_id_curr,
       name_contract_type, code_gender, flag_own_car, flag_own_realty, cnt_children,
       amt_income_total, amt_credit, amt_annuity, amt_goods_price, name_type_suite,
       name_income_type, name_education_type, name_family_status, name_housing_type,
       region_population_relative, days_birth, days_employed, days_registration,
       days_id_publish, own_car_age, flag_mobil, flag_emp_phone, flag_work_phone,
       flag_cont_mobile, flag_phone, flag_email, occupation_type, cnt_fam_members,
       region_rating_client, region_rating_client_w_city, weekday_appr_process_start,
       hour_appr_process_start, reg_region_not_live_region, reg_region_not_work_region,
       live_region_not_work_region, reg_city_not_live_city, reg_city_not_work_city,
       live_city_not_work_city, organization_type, ext_source_1, ext_source_2, ext_source_3,
       apartments_avg, basementarea_avg, years_beginexpluatation_avg, years_build_avg,
       commonarea_avg, elevators_avg, entrances_avg, floorsmax_avg, floorsmin_avg,
       landarea_avg, livingapartments_avg, livingarea_avg, nonlivingapartments_avg,
       nonlivingarea_avg, apartments_mode, basementarea_mode, years_beginexpluatation_mode,
       years_build_mode, commonarea_mode, elevators_mode, entrances_mode, floorsmax_mode,
       floorsmin_mode, landarea_mode, livingapartments_mode, livingarea_mode,
       nonlivingapartments_mode, nonlivingarea_mode, apartments_medi, basementarea_medi,
       years_beginexpluatation_medi, years_build_medi, commonarea_medi, elevators_medi,
       entrances_medi, floorsmax_medi, floorsmin_medi, landarea_medi, livingapartments_medi,
       livingarea_medi, nonlivingapartments_medi, nonlivingarea_medi, fondkapremont_mode,
       housetype_mode, totalarea_mode, wallsmaterial_mode, emergencystate_mode,
       obs_30_cnt_social_circle, def_30_cnt_social_circle, obs_60_cnt_social_circle,
       def_60_cnt_social_circle, days_last_phone_change, flag_document_2, flag_document_3,
       flag_document_4, flag_document_5, flag_document_6, flag_document_7, flag_document_8,
       flag_document_9, flag_document_10, flag_document_11, flag_document_12,
       flag_document_13, flag_document_14, flag_document_15, flag_document_16,
       flag_document_17, flag_document_18, flag_document_19, flag_document_20,
       flag_document_21, amt_req_credit_bureau_hour, amt_req_credit_bureau_day,
       amt_req_credit_bureau_week, amt_req_credit_bureau_mon, amt_req_credit_bureau_qrt,
       amt_req_credit_bureau_year
FROM hc_app WHERE is_test
ORDER BY sk_id_curr;

DROP TABLE hc_app, hc_bureau, hc_prev, hc_target;

ALTER TABLE application_train ADD PRIMARY KEY (sk_id_curr);
ALTER TABLE application_test ADD PRIMARY KEY (sk_id_curr);
ALTER TABLE bureau ADD PRIMARY KEY (sk_id_bureau);
ALTER TABLE previous_application ADD PRIMARY KEY (sk_id_prev);
CREATE INDEX ON bureau (sk_id_curr);
CREATE INDEX ON bureau_balance (sk_id_bureau);
CREATE INDEX ON previous_application (sk_id_curr);
CREATE INDEX ON pos_cash_balance (sk_id_prev);
CREATE INDEX ON installments_payments (sk_id_prev);
CREATE INDEX ON credit_card_balance (sk_id_prev);
VACUUM ANALYZE application_train, application_test, bureau, bureau_balance, previous_application,
	pos_cash_balance, installments_payments, credit_card_balance;

RESET client_min_messages;
SELECT 'application_train' AS "table", count(*) AS rows, round(avg(target), 4) AS target_rate FROM application_train
UNION ALL SELECT 'application_test', count(*), NULL FROM application_test
UNION ALL SELECT 'bureau', count(*), NULL FROM bureau
UNION ALL SELECT 'bureau_balance', count(*), NULL FROM bureau_balance
UNION ALL SELECT 'previous_application', count(*), NULL FROM previous_application
UNION ALL SELECT 'pos_cash_balance', count(*), NULL FROM pos_cash_balance
UNION ALL SELECT 'installments_payments', count(*), NULL FROM installments_payments
UNION ALL SELECT 'credit_card_balance', count(*), NULL FROM credit_card_balance;
