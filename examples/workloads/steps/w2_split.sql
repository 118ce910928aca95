-- examples/workloads/steps/w2_split.sql: W2's 80/20 split. Included (\ir) by
-- W2, W6; eg recognises a step by its text, so a step shared by several
-- workloads is written once, here.

SELECT eg.dataset('train_w2', $$
    SELECT * FROM feats_w2 WHERE sk_id_curr % 5 <> 0
$$);

SELECT eg.dataset('test_w2', $$
    SELECT * FROM feats_w2 WHERE sk_id_curr % 5 = 0
$$);
