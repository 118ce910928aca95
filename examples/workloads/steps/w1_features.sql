-- examples/workloads/steps/w1_features.sql: W1's features: polynomial and
-- domain features, the 80/20 split. Included (\ir) by W1, W4, W5, W8; eg
-- recognises a step by its text, so a step shared by several workloads is
-- written once, here.

SELECT eg.aggregate('poly_medians', $$
    -- medians of the training rows, to impute the polynomial features' inputs
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ext_source_1) AS ext_source_1,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ext_source_2) AS ext_source_2,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ext_source_3) AS ext_source_3,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days_birth) AS days_birth
    FROM app_clean
    WHERE sk_id_curr % 5 <> 0
$$);

SELECT eg.dataset('app_poly', $$
    -- polynomial features (degree 2 and 3) of EXT_SOURCE_1..3 and DAYS_BIRTH
    SELECT sk_id_curr,
           e1 * e1 AS poly_e1_e1,
           e1 * e2 AS poly_e1_e2,
           e1 * e3 AS poly_e1_e3,
           e1 * b AS poly_e1_b,
           e2 * e2 AS poly_e2_e2,
           e2 * e3 AS poly_e2_e3,
           e2 * b AS poly_e2_b,
           e3 * e3 AS poly_e3_e3,
           e3 * b AS poly_e3_b,
           b * b AS poly_b_b,
           e1 * e1 * e1 AS poly_e1_e1_e1,
           e1 * e1 * e2 AS poly_e1_e1_e2,
           e1 * e1 * e3 AS poly_e1_e1_e3,
           e1 * e1 * b AS poly_e1_e1_b,
           e1 * e2 * e2 AS poly_e1_e2_e2,
           e1 * e2 * e3 AS poly_e1_e2_e3,
           e1 * e2 * b AS poly_e1_e2_b,
           e1 * e3 * e3 AS poly_e1_e3_e3,
           e1 * e3 * b AS poly_e1_e3_b,
           e1 * b * b AS poly_e1_b_b,
           e2 * e2 * e2 AS poly_e2_e2_e2,
           e2 * e2 * e3 AS poly_e2_e2_e3,
           e2 * e2 * b AS poly_e2_e2_b,
           e2 * e3 * e3 AS poly_e2_e3_e3,
           e2 * e3 * b AS poly_e2_e3_b,
           e2 * b * b AS poly_e2_b_b,
           e3 * e3 * e3 AS poly_e3_e3_e3,
           e3 * e3 * b AS poly_e3_e3_b,
           e3 * b * b AS poly_e3_b_b,
           b * b * b AS poly_b_b_b
    FROM (SELECT c.sk_id_curr,
                 coalesce(c.ext_source_1, m.ext_source_1) AS e1,
                 coalesce(c.ext_source_2, m.ext_source_2) AS e2,
                 coalesce(c.ext_source_3, m.ext_source_3) AS e3,
                 coalesce(c.days_birth, m.days_birth) AS b
          FROM app_clean c CROSS JOIN poly_medians m) x
$$);

SELECT eg.dataset('app_domain', $$
    -- domain knowledge features
    SELECT sk_id_curr,
           (amt_credit / amt_income_total)::float8 AS credit_income_percent,
           (amt_annuity / amt_income_total)::float8 AS annuity_income_percent,
           (amt_annuity / amt_credit)::float8 AS credit_term,
           days_employed::float8 / days_birth AS days_employed_percent
    FROM app_clean
$$);

SELECT eg.dataset('feats_w1', $$
    SELECT *
    FROM app_encoded
    JOIN app_poly USING (sk_id_curr)
    JOIN app_domain USING (sk_id_curr)
$$);

SELECT eg.dataset('train_w1', $$
    SELECT * FROM feats_w1 WHERE sk_id_curr % 5 <> 0
$$);

SELECT eg.dataset('test_w1', $$
    SELECT * FROM feats_w1 WHERE sk_id_curr % 5 = 0
$$);
