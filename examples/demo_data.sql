-- examples/demo_data.sql - sample data for scripts/demo: a table shaped like
-- Home Credit's application_train (200,000 loan applications), generated
-- here so the demo needs no download.  Deterministic: setseed() fixes every
-- random() below (the query runs in one backend, no parallel workers).
--
--   sk_id_curr          application id
--   target              1 = the client had payment difficulties (about 8%)
--   name_contract_type  'Cash loans' | 'Revolving loans'
--   code_gender         'F' | 'M'
--   name_income_type    'Working' | 'Commercial associate' | 'Pensioner' | 'State servant'
--   organization_type   one of 12 sectors
--   cnt_children        0..3
--   amt_income_total    yearly income
--   amt_credit          credit amount
--   amt_annuity         yearly annuity
--   days_birth          age in days, negative (days before the application)
--   days_employed       negative; 365243 for pensioners (as in the real data)
--   ext_source_2        a score in [0, 1]; low scores default more often

DROP TABLE IF EXISTS application_train;
SELECT setseed(0.42);

CREATE TABLE application_train AS
WITH r AS (
	SELECT g AS sk_id_curr,
	       random() AS u_type, random() AS u_org, random() AS u_gender,
	       random() AS u_contract, random() AS u_children,
	       random() AS u_inc1, random() AS u_inc2, random() AS u_credit,
	       random() AS u_term, random() AS u_age, random() AS u_emp,
	       random() AS u_ext, random() AS u_target
	FROM generate_series(100001, 300000) AS g
), a AS (
	SELECT r.*,
	       CASE WHEN u_type < 0.52 THEN 'Working'
	            WHEN u_type < 0.75 THEN 'Commercial associate'
	            WHEN u_type < 0.93 THEN 'Pensioner'
	            ELSE 'State servant' END AS name_income_type,
	       -- lognormal income: exp(11.9 + 0.45 * N(0,1)), Box-Muller
	       round(exp(11.9 + 0.45 * sqrt(-2 * ln(1 - u_inc1)) * cos(2 * pi() * u_inc2))
	             / 500) * 500 AS amt_income_total,
	       (21 + u_age * 48) AS age_years
	FROM r
)
SELECT sk_id_curr,
       (u_target < 0.02 + 0.12 * (1 - u_ext) ^ 2 + 0.03 * (age_years < 33)::int)::int AS target,
       CASE WHEN u_contract < 0.9 THEN 'Cash loans' ELSE 'Revolving loans' END AS name_contract_type,
       CASE WHEN u_gender < 0.65 THEN 'F' ELSE 'M' END AS code_gender,
       name_income_type,
       (ARRAY['Business Entity', 'Self-employed', 'Medicine', 'Government',
              'School', 'Trade', 'Construction', 'Transport', 'Industry',
              'Bank', 'Agriculture', 'Other'])[1 + floor(u_org * 12)::int]
           AS organization_type,
       floor(u_children ^ 2 * 4)::int AS cnt_children,
       amt_income_total::float8 AS amt_income_total,
       round(amt_income_total * (1 + 4 * u_credit) / 1000) * 1000.0 AS amt_credit,
       round(amt_income_total * (1 + 4 * u_credit) / (10 + 20 * u_term)) * 1.0
           AS amt_annuity,
       -round(age_years * 365.25)::int AS days_birth,
       CASE WHEN name_income_type = 'Pensioner' THEN 365243
            ELSE -round(u_emp * (age_years - 18) * 365.25)::int END AS days_employed,
       round(u_ext::numeric, 6)::float8 AS ext_source_2
FROM a;

ALTER TABLE application_train ADD PRIMARY KEY (sk_id_curr);
VACUUM ANALYZE application_train;
