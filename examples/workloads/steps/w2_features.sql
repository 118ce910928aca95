-- examples/workloads/steps/w2_features.sql: W2's features: the encoded
-- application table joined with the bureau aggregates. Included (\ir) by W2,
-- W3, W6, W7; eg recognises a step by its text, so a step shared by several
-- workloads is written once, here.

SELECT eg.dataset('feats_w2', $$
    SELECT *
    FROM app_encoded
    LEFT JOIN bureau_agg USING (sk_id_curr)
    LEFT JOIN bureau_cat USING (sk_id_curr)
    LEFT JOIN bb_by_client USING (sk_id_curr)
$$);
