-- examples/demo_workload.sql - the example workload of scripts/demo, over
-- application_train (examples/demo_data.sql).
--
-- Nothing runs here: each call only adds a step to the session's workload.
-- Later steps name earlier ones as relations.  Run it with
--     SELECT * FROM eg.run();
-- after which every step is a temp table of the session (SELECT * FROM summary).
-- Run the same file again in a new session and eg loads what it stored the
-- first time instead of computing it again.

SELECT eg.begin('demo/credit-risk');

-- 1. clean: drop implausible applications
SELECT eg.dataset('clean', $$
    SELECT *
    FROM application_train
    WHERE amt_income_total < 1e6
      AND amt_credit > 0
$$);

-- 2. features: derived columns (days_employed = 365243 marks "not employed")
SELECT eg.dataset('features', $$
    SELECT sk_id_curr, target, name_income_type, organization_type,
           ln(amt_credit)                        AS log_credit,
           amt_credit / amt_income_total         AS credit_income_ratio,
           amt_annuity / amt_income_total        AS annuity_income_ratio,
           -days_birth / 365.25                  AS age_years,
           -NULLIF(days_employed, 365243) / 365.25 AS years_employed,
           ext_source_2
    FROM clean
$$);

-- 3. group statistics: a heavier aggregate (ordered-set and DISTINCT)
SELECT eg.dataset('group_stats', $$
    SELECT organization_type, name_income_type,
           count(*)                                         AS applicants,
           avg(target)                                      AS default_rate,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY credit_income_ratio)
                                                            AS median_credit_income,
           percentile_cont(ARRAY[0.1, 0.5, 0.9])
               WITHIN GROUP (ORDER BY annuity_income_ratio) AS annuity_income_deciles,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY age_years) AS median_age,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ext_source_2) AS median_ext_source_2,
           count(DISTINCT round(log_credit::numeric, 3))    AS credit_levels,
           count(DISTINCT md5(sk_id_curr::text || log_credit::text)) AS distinct_rows,
           stddev(log_credit)                               AS sd_log_credit
    FROM features
    GROUP BY organization_type, name_income_type
$$);

-- 4. join the group statistics back to every application
SELECT eg.dataset('enriched', $$
    SELECT f.*,
           g.default_rate                                AS group_default_rate,
           f.credit_income_ratio / g.median_credit_income AS credit_income_vs_group,
           f.ext_source_2 - g.median_ext_source_2        AS ext_source_2_vs_group
    FROM features f
    JOIN group_stats g USING (organization_type, name_income_type)
$$);

-- 5. the final aggregate: how the features relate to the target
SELECT eg.aggregate('summary', $$
    SELECT count(*)                                              AS applicants,
           round(avg(target), 4)                                 AS default_rate,
           round(corr(credit_income_vs_group, target)::numeric, 4) AS corr_credit_vs_group,
           round(corr(ext_source_2_vs_group, target)::numeric, 4)  AS corr_ext_source_2,
           round(corr(group_default_rate, target)::numeric, 4)     AS corr_group_rate
    FROM enriched
$$);
