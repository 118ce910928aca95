-- examples/capture/dbt_run.sql - a dbt-style run as plain SQL, reused by
-- eg.capture with no eg.* call.
--
-- dbt builds each table model as "create table <model>__dbt_tmp as (...)",
-- then swaps it in with renames and drops the old one.  Two models over the
-- Home Credit example data (examples/homecredit/generate): stg_applications
-- cleans application_train, and app_features reads it.  Run it twice, with
-- eg loaded and eg.capture on, e.g.:
--
--   PGOPTIONS='-c session_preload_libraries=eg -c eg.capture=on' \
--       psql -f examples/capture/dbt_run.sql
--
-- The first run computes both models; the second loads both from the store
-- (the NOTICEs say so): stg_applications still stands for what it holds
-- after the renames, so app_features, reading it, is the same step again.
-- Any change to application_train makes the next run compute both.

-- model 1: stg_applications
DROP TABLE IF EXISTS stg_applications__dbt_tmp;
CREATE TABLE stg_applications__dbt_tmp AS (
    SELECT sk_id_curr, target, amt_income_total, amt_credit, amt_annuity
    FROM application_train
    WHERE amt_income_total < 1e6 AND amt_annuity IS NOT NULL
);
DROP TABLE IF EXISTS stg_applications__dbt_backup CASCADE;
ALTER TABLE IF EXISTS stg_applications RENAME TO stg_applications__dbt_backup;
ALTER TABLE stg_applications__dbt_tmp RENAME TO stg_applications;
DROP TABLE IF EXISTS stg_applications__dbt_backup CASCADE;

-- model 2: app_features, reading model 1
DROP TABLE IF EXISTS app_features__dbt_tmp;
CREATE TABLE app_features__dbt_tmp AS (
    SELECT sk_id_curr, target,
           ln(amt_credit) AS log_credit,
           amt_annuity / amt_income_total AS annuity_to_income,
           amt_credit / amt_annuity AS credit_term
    FROM stg_applications
);
DROP TABLE IF EXISTS app_features__dbt_backup CASCADE;
ALTER TABLE IF EXISTS app_features RENAME TO app_features__dbt_backup;
ALTER TABLE app_features__dbt_tmp RENAME TO app_features;
DROP TABLE IF EXISTS app_features__dbt_backup CASCADE;
