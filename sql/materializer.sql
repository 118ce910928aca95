-- Materializer: the paper's utility (docs/paper.md 4.2) computed by hand for
-- each term, potential and recreation cost as the runs maintain them, the
-- budget invariant over 200 random runs, storage_aware against heuristic on
-- column-sharing artifacts, eviction by utility when the budget is lowered,
-- and the helix, none and all policies.
--
-- Compute and load times are measured, so where a test needs given costs it
-- sets them in the graph (eg.artifact: frequency, recreation_seconds,
-- load_seconds, potential, stored_bytes are exactly what the materializer
-- reads for an artifact already stored) and runs eg.materialize(), whose
-- candidates are then exactly what is stored.  Byte counts depend on zstd,
-- so only comparisons with them are printed.
SET eg.reuse = all_load;         -- timings cannot flip a plan
SET eg.materializer = 'all';     -- keep every computed step (no guard)

-- start from an empty store, whatever earlier suites left
SET eg.budget = 0;
SELECT count(*) >= 0 AS emptied FROM eg.materialize();
SELECT stored_bytes, materialized_artifacts, chunks FROM eg.storage;
RESET eg.budget;

-- what eg.storage and eg.artifacts show (at least)
SELECT array_agg(column_name::text ORDER BY ordinal_position) AS storage_columns
FROM information_schema.columns WHERE table_schema = 'eg' AND table_name = 'storage'
  AND column_name IN ('budget_bytes', 'stored_bytes', 'logical_bytes', 'materialized_artifacts',
                      'dedup_ratio', 'compression_ratio');
SELECT (SELECT array_agg(column_name::text ORDER BY ordinal_position)
        FROM information_schema.columns
        WHERE table_schema = 'eg' AND table_name = 'artifacts'
          AND column_name IN ('utility', 'potential', 'recreation_seconds', 'status')) AS artifacts_columns;

CREATE TABLE mat_src (id int, x int);
INSERT INTO mat_src SELECT g, (g * 7919) % 10007 FROM generate_series(1, 4000) g;

------------------------------------------------------------------------
-- 1. The utility, by hand.
--
-- Four stored datasets with these costs (f frequency, C_r recreation
-- seconds, C_l load seconds, p potential, s size in bytes):
--
--   step  f   C_r   C_l   p    s     r_cs = f*C_r/s
--   u_a   2   10    1     0.8  1000  20/1000  = 1/50
--   u_b   1   6     0.5   0.6  200   6/200    = 3/100
--   u_c   4   2.5   2     0.3  300   10/300   = 1/30
--   u_d   1   1     1     0.7  100   1/100          (C_l >= C_r: U = 0)
--
-- Sums over the candidates (u_d included: it is a candidate, only its
-- utility is forced to 0):  sum p = 2.4,  sum r_cs = 28/300 = 7/75.
--   p'   : u_a 1/3      u_b 1/4       u_c 1/8        u_d 7/24
--   r'_cs: u_a 3/14     u_b 9/28      u_c 5/14       u_d 3/28
------------------------------------------------------------------------
SELECT eg.begin('mat/utility');
SELECT eg.dataset('u_a', 'SELECT id, x + 1 AS a FROM mat_src') IS NOT NULL AS defined;
SELECT eg.dataset('u_b', 'SELECT id, x + 2 AS b FROM mat_src') IS NOT NULL AS defined;
SELECT eg.dataset('u_c', 'SELECT id, x + 3 AS c FROM mat_src') IS NOT NULL AS defined;
SELECT eg.dataset('u_d', 'SELECT id, x + 4 AS d FROM mat_src') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT step, materialized FROM eg.artifacts WHERE step LIKE 'u\__' ORDER BY step;

-- the costs of the table above
CREATE FUNCTION mat_set_costs() RETURNS void LANGUAGE sql AS $$
UPDATE eg.artifact SET frequency = 2, recreation_seconds = 10,  load_seconds = 1,   potential = 0.8, stored_bytes = 1000 WHERE step = 'u_a';
UPDATE eg.artifact SET frequency = 1, recreation_seconds = 6,   load_seconds = 0.5, potential = 0.6, stored_bytes = 200  WHERE step = 'u_b';
UPDATE eg.artifact SET frequency = 4, recreation_seconds = 2.5, load_seconds = 2,   potential = 0.3, stored_bytes = 300  WHERE step = 'u_c';
UPDATE eg.artifact SET frequency = 1, recreation_seconds = 1,   load_seconds = 1,   potential = 0.7, stored_bytes = 100  WHERE step = 'u_d';
$$;
SELECT mat_set_costs();

-- the utilities of the last materializer run, next to the hand values
CREATE FUNCTION mat_utilities(hand numeric[]) RETURNS TABLE (step text, utility numeric, hand numeric, equal bool)
LANGUAGE sql AS $$
    SELECT a.step, round(a.utility::numeric, 6), round(h.v, 6), round(a.utility::numeric, 6) = round(h.v, 6)
    FROM unnest(array['u_a', 'u_b', 'u_c', 'u_d'], hand) AS h(step, v)
    JOIN eg.artifacts a ON a.step = h.step AND a.kind = 'dataset'
    ORDER BY a.step
$$;

-- alpha = 1: the quality term alone, U = p'
--   u_a 1/3 = 0.333333   u_b 1/4 = 0.25   u_c 1/8 = 0.125   u_d 0 (guard)
SET eg.alpha = 1;
SELECT action, count(*) FROM eg.materialize() GROUP BY action;
SELECT * FROM mat_utilities(array[1/3.0, 1/4.0, 1/8.0, 0]);

-- alpha = 0: the cost term alone, U = r'_cs
--   u_a 3/14 = 0.214286   u_b 9/28 = 0.321429   u_c 5/14 = 0.357143   u_d 0
SET eg.alpha = 0;
SELECT action, count(*) FROM eg.materialize() GROUP BY action;
SELECT * FROM mat_utilities(array[3/14.0, 9/28.0, 5/14.0, 0]);

-- alpha = 0.8 (favours quality): U = 0.8 p' + 0.2 r'_cs
--   u_a 0.8/3 + 0.6/14 = 13/42  = 0.309524
--   u_b 0.8/4 + 1.8/28 = 37/140 = 0.264286
--   u_c 0.8/8 + 1.0/14 = 6/35   = 0.171429
SET eg.alpha = 0.8;
SELECT action, count(*) FROM eg.materialize() GROUP BY action;
SELECT * FROM mat_utilities(array[13/42.0, 37/140.0, 6/35.0, 0]);

-- alpha = 0.5 (the default): U = (p' + r'_cs) / 2
--   u_a 1/6 + 3/28  = 23/84  = 0.273810
--   u_b 1/8 + 9/56  = 2/7    = 0.285714
--   u_c 1/16 + 5/28 = 27/112 = 0.241071
--   u_d 0: loading it (1 s) is not cheaper than recreating it (1 s)
-- storage_aware keeps by utility: u_b, u_a, u_c; u_d (utility 0) is evicted.
RESET eg.alpha;
SHOW eg.alpha;
SET eg.materializer = storage_aware;
SELECT a.step, m.action FROM eg.materialize() m JOIN eg.artifacts a ON a.id = m.artifact ORDER BY a.step;
SELECT * FROM mat_utilities(array[23/84.0, 2/7.0, 27/112.0, 0]);
SELECT step, materialized, status FROM eg.artifacts WHERE step LIKE 'u\__' ORDER BY step;

-- the sums run over the candidates only: without u_d,
--   sum p = 1.7, sum r_cs = 25/300 = 1/12
--   u_a 0.5 (0.8/1.7) + 0.5 (0.24) = 0.355294
--   u_b 0.5 (0.6/1.7) + 0.5 (0.36) = 0.356471
--   u_c 0.5 (0.3/1.7) + 0.5 (0.40) = 0.288235
SELECT a.step, m.action FROM eg.materialize() m JOIN eg.artifacts a ON a.id = m.artifact ORDER BY a.step;
SELECT * FROM mat_utilities(array[0.4/1.7 + 0.12, 0.3/1.7 + 0.18, 0.15/1.7 + 0.2, 0]);
SELECT step, status FROM eg.artifacts WHERE step LIKE 'u\__' ORDER BY step;

------------------------------------------------------------------------
-- 2. Lowering the budget evicts the lowest utility first (u_b > u_a > u_c),
-- and the evicted chunks are freed in the same transaction.  Each budget is
-- just under what is stored (kB units), so exactly one artifact must go.
------------------------------------------------------------------------
CREATE FUNCTION mat_budget_just_under() RETURNS text LANGUAGE sql AS $$
    SELECT set_config('eg.budget', ((stored_bytes - 1) / 1024)::text, false) FROM eg.storage
$$;
BEGIN;
SELECT mat_budget_just_under() IS NOT NULL AS lowered;
SELECT a.step, m.action FROM eg.materialize() m JOIN eg.artifacts a ON a.id = m.artifact ORDER BY a.step;
-- still inside the transaction: the store (its chunks) is within the budget
SELECT stored_bytes <= budget_bytes AS within, materialized_artifacts FROM eg.storage;
COMMIT;
SELECT step, materialized, regexp_replace(status, '[0-9]+ (bytes|of)', 'N \1', 'g') AS status
FROM eg.artifacts WHERE step LIKE 'u\__' ORDER BY step;
-- again: of u_a (0.485714) and u_b (0.514286), u_a goes
SELECT mat_budget_just_under() IS NOT NULL AS lowered;
SELECT a.step, m.action FROM eg.materialize() m JOIN eg.artifacts a ON a.id = m.artifact ORDER BY a.step;
SELECT * FROM mat_utilities(array[0.5 * 0.8 / 1.4 + 0.5 * 0.4, 0.5 * 0.6 / 1.4 + 0.5 * 0.6, 0, 0]) WHERE step IN ('u_a', 'u_b');
SELECT step, materialized FROM eg.artifacts WHERE step LIKE 'u\__' ORDER BY step;
SELECT stored_bytes <= budget_bytes AS within, materialized_artifacts FROM eg.storage;

------------------------------------------------------------------------
-- 3. none stores nothing new, and keeps what it has only while it fits.
------------------------------------------------------------------------
RESET eg.budget;
SET eg.materializer = none;
SELECT eg.begin('mat/none');
SELECT eg.dataset('n_1', 'SELECT id, x * 5 AS n FROM mat_src') IS NOT NULL AS defined;
SELECT eg.aggregate('n_2', 'SELECT sum(n) AS s FROM n_1') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT step, materialized, status FROM eg.artifacts WHERE step IN ('n_1', 'n_2', 'u_b') ORDER BY step;
SELECT materialized_artifacts FROM eg.storage;
SET eg.budget = 0;
SELECT a.step, m.action FROM eg.materialize() m JOIN eg.artifacts a ON a.id = m.artifact ORDER BY a.step;
SELECT stored_bytes, materialized_artifacts FROM eg.storage;
RESET eg.budget;

------------------------------------------------------------------------
-- 4. all stores everything that fits, oldest first.  Four datasets with
-- no column in common and about the same size; first all of them (a large
-- budget), then, from an empty store, a budget for the first two and half
-- of the third.
------------------------------------------------------------------------
SET eg.materializer = 'all';
CREATE FUNCTION mat_define_all() RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM eg.begin('mat/all');
    PERFORM eg.dataset('al_1', $$SELECT (x * 11) % 10007 AS v1 FROM mat_src$$);
    PERFORM eg.dataset('al_2', $$SELECT (x * 13) % 10007 AS v2 FROM mat_src$$);
    PERFORM eg.dataset('al_3', $$SELECT (x * 17) % 10007 AS v3 FROM mat_src$$);
    PERFORM eg.dataset('al_4', $$SELECT (x * 19) % 10007 AS v4 FROM mat_src$$);
END $f$;
SELECT mat_define_all();
SELECT step, action FROM eg.run();
SELECT step, materialized FROM eg.artifacts WHERE step LIKE 'al\__' ORDER BY step;
SELECT stored_bytes = (SELECT sum(stored_bytes) FROM eg.artifacts WHERE step LIKE 'al\__') AS nothing_shared
FROM eg.storage;
SELECT ((sum(stored_bytes) FILTER (WHERE step IN ('al_1', 'al_2'))
         + sum(stored_bytes) FILTER (WHERE step = 'al_3') / 2) / 1024)::int AS all_budget_kb,
       bool_and(stored_bytes > 2048) AS big_enough
FROM eg.artifacts WHERE step LIKE 'al\__' \gset
SELECT :'big_enough' AS big_enough;
SET eg.budget = 0;
SELECT count(*) AS evicted FROM eg.materialize() WHERE action = 'evicted';
DISCARD TEMP;   -- nothing live: the next run computes every step again
SELECT set_config('eg.budget', :'all_budget_kb', false) IS NOT NULL AS budget_set;
SELECT mat_define_all();
SELECT step, action FROM eg.run();
SELECT step, materialized, regexp_replace(status, '[0-9]+ (bytes|of)', 'N \1', 'g') AS status
FROM eg.artifacts WHERE step LIKE 'al\__' ORDER BY step;
SELECT stored_bytes <= budget_bytes AS within, materialized_artifacts FROM eg.storage;

------------------------------------------------------------------------
-- 5. helix keeps, in age order, what costs more than twice its load.
------------------------------------------------------------------------
RESET eg.budget;
SELECT step, action FROM eg.run();       -- live: nothing new
DISCARD TEMP;
SELECT mat_define_all();
SELECT step, action FROM eg.run();       -- al_3, al_4 computed and stored
UPDATE eg.artifact SET recreation_seconds = 3, load_seconds = 1 WHERE step = 'al_1';    -- 3 > 2: kept
UPDATE eg.artifact SET recreation_seconds = 2, load_seconds = 1 WHERE step = 'al_2';    -- 2 = 2: evicted
UPDATE eg.artifact SET recreation_seconds = 9, load_seconds = 0.1 WHERE step = 'al_3';  -- kept
UPDATE eg.artifact SET recreation_seconds = 1, load_seconds = 2 WHERE step = 'al_4';    -- evicted
SET eg.materializer = helix;
SELECT a.step, m.action FROM eg.materialize() m JOIN eg.artifacts a ON a.id = m.artifact ORDER BY a.step;
SELECT step, materialized, status FROM eg.artifacts WHERE step LIKE 'al\__' ORDER BY step;
-- in age order while the budget lasts: a budget of al_1's size keeps the
-- older al_1, not al_3 (whose recreation/load ratio is far higher)
SELECT set_config('eg.budget', ((stored_bytes + 1023) / 1024)::text, false) IS NOT NULL AS budget_set
FROM eg.artifacts WHERE step = 'al_1';
SELECT a.step, m.action FROM eg.materialize() m JOIN eg.artifacts a ON a.id = m.artifact ORDER BY a.step;
SELECT stored_bytes <= budget_bytes AS within, materialized_artifacts FROM eg.storage;

------------------------------------------------------------------------
-- 6. Potential and recreation cost, as the runs maintain them.  A diamond
-- (m_base -> m_left, m_right -> m_join) feeds a model scored 0.7; a side
-- branch (m_side) leads to no model.  p(v) is the best quality of a model
-- reachable from v; C_r(v) sums compute seconds over v's ancestor set, the
-- shared m_base once.
------------------------------------------------------------------------
RESET eg.budget;
SET eg.materializer = 'all';
CREATE FUNCTION mat_train(input regclass, params jsonb, warm bytea) RETURNS bytea
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %s', input) INTO n;
    RETURN convert_to(n || ':' || params::text, 'UTF8');
END $$;
CREATE FUNCTION mat_define_diamond() RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM eg.begin('mat/diamond');
    PERFORM eg.dataset('m_base', $$SELECT id, x, x % 13 AS y FROM mat_src WHERE id % 10 <> 0$$);
    PERFORM eg.dataset('m_left', $$SELECT id, x * 2 AS x2 FROM m_base$$);
    PERFORM eg.dataset('m_right', $$SELECT id, y * 3 AS y3 FROM m_base$$);
    PERFORM eg.dataset('m_join', $$SELECT l.id, l.x2, r.y3 FROM m_left l JOIN m_right r USING (id)$$);
    PERFORM eg.model('m_model', 'mat_train', 'm_join', '{"depth": 2}');
    PERFORM eg.aggregate('m_score', $$SELECT 0.7 AS auc FROM m_model$$, quality_of => 'm_model');
    PERFORM eg.aggregate('m_side', $$SELECT count(*) AS n FROM m_left$$);
END $f$;

-- recreation cost recomputed from the graph: compute seconds summed over
-- the ancestor set (each artifact once), and over every path (the
-- prototype's sum, which counts a shared ancestor once per path)
CREATE FUNCTION mat_recreation(p_step text, OUT by_set float8, OUT by_paths float8)
LANGUAGE sql AS $$
    WITH RECURSIVE anc(id) AS (
        SELECT id FROM eg.artifacts WHERE step = p_step AND kind <> 'source'
        UNION
        SELECT i FROM anc JOIN eg.operations o ON o.output = anc.id, unnest(o.inputs) i
    ), paths(id) AS (
        SELECT id FROM eg.artifacts WHERE step = p_step AND kind <> 'source'
        UNION ALL
        SELECT i FROM paths JOIN eg.operations o ON o.output = paths.id, unnest(o.inputs) i
    )
    SELECT (SELECT sum(coalesce(a.compute_seconds, 0)) FROM anc JOIN eg.artifacts a USING (id)),
           (SELECT sum(coalesce(a.compute_seconds, 0)) FROM paths JOIN eg.artifacts a USING (id))
$$;
CREATE FUNCTION mat_check_diamond() RETURNS TABLE (step text, kind text, potential float8,
    recreation_is_ancestor_set bool, below_path_sum bool)
LANGUAGE sql AS $$
    SELECT a.step, a.kind, a.potential,
           abs(a.recreation_seconds - r.by_set) < 1e-9,
           a.recreation_seconds < r.by_paths - 1e-12
    FROM eg.artifacts a, mat_recreation(a.step) r
    WHERE a.step LIKE 'm\_%' AND a.kind <> 'source'
    ORDER BY a.first_seen
$$;

SELECT mat_define_diamond();
SELECT step, action FROM eg.run();
SELECT step, quality FROM eg.artifacts WHERE kind = 'model' AND step LIKE 'm\_%';
-- only m_join and the steps below it have m_base on two paths
SELECT * FROM mat_check_diamond();

-- a better model on the same features raises the potential of its
-- ancestors (and not of the first model, nor of the side branch)
SELECT eg.model('m_model2', 'mat_train', 'm_join', '{"depth": 5}') IS NOT NULL AS defined;
SELECT eg.aggregate('m_score2', $$SELECT 0.9 AS auc FROM m_model2$$, quality_of => 'm_model2') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT * FROM mat_check_diamond();

-- a worse model on m_right does not lower anything: p is a maximum
SELECT eg.begin('mat/diamond-2');
SELECT eg.dataset('m_base', $$SELECT id, x, x % 13 AS y FROM mat_src WHERE id % 10 <> 0$$) IS NOT NULL AS defined;
SELECT eg.dataset('m_right', $$SELECT id, y * 3 AS y3 FROM m_base$$) IS NOT NULL AS defined;
SELECT eg.model('m_model3', 'mat_train', 'm_right', '{}') IS NOT NULL AS defined;
SELECT eg.aggregate('m_score3', $$SELECT 0.4 AS auc FROM m_model3$$, quality_of => 'm_model3') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT * FROM mat_check_diamond();


------------------------------------------------------------------------
-- 7. storage_aware keeps strictly more than heuristic at the same budget
-- on column-sharing artifacts: cs_k is cs_(k-1) plus one column, same
-- rows, so the columns they share are stored once.  The budget is what
-- all six take deduplicated; each policy starts from the same store (all
-- six kept) with the same costs, deeper steps costlier to recreate.
------------------------------------------------------------------------
SET eg.budget = 0;
SELECT count(*) >= 0 AS emptied FROM eg.materialize();
RESET eg.budget;
CREATE TABLE mat_wide AS SELECT g AS id, (g * 31) % 1009 AS f1 FROM generate_series(1, 6000) g;
CREATE FUNCTION mat_define_cs() RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM eg.begin('mat/columns');
    PERFORM eg.dataset('cs_1', $$SELECT id, f1 FROM mat_wide$$);
    PERFORM eg.dataset('cs_2', $$SELECT *, (id * 37) % 1013 AS f2 FROM cs_1$$);
    PERFORM eg.dataset('cs_3', $$SELECT *, (id * 41) % 1019 AS f3 FROM cs_2$$);
    PERFORM eg.dataset('cs_4', $$SELECT *, (id * 43) % 1021 AS f4 FROM cs_3$$);
    PERFORM eg.dataset('cs_5', $$SELECT *, (id * 47) % 1031 AS f5 FROM cs_4$$);
    PERFORM eg.dataset('cs_6', $$SELECT *, (id * 53) % 1033 AS f6 FROM cs_5$$);
END $f$;
-- every policy starts from all six stored, with these costs
CREATE FUNCTION mat_cs_reset() RETURNS TABLE (step text, action text) LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM set_config('eg.materializer', 'all', false);
    PERFORM set_config('eg.budget', '1048576', false);
    PERFORM set_config('eg.reuse', 'all_compute', false);   -- every step computed: a candidate
    DISCARD TEMP;
    PERFORM mat_define_cs();
    PERFORM * FROM eg.run();
    PERFORM set_config('eg.reuse', 'all_load', false);
    UPDATE eg.artifact a SET frequency = 1, load_seconds = 0.01, potential = 0,
           recreation_seconds = substr(a.step, 4)::int
    WHERE a.step LIKE 'cs\__';
    RETURN QUERY SELECT a.step, CASE WHEN a.materialized THEN 'stored' ELSE 'missing' END
                 FROM eg.artifacts a WHERE a.step LIKE 'cs\__' ORDER BY a.step;
END $f$;
CREATE FUNCTION mat_cs_select(policy text, budget_kb int) RETURNS TABLE (
    kept bigint, kept_bytes int8, logical_kept int8, within bool)
LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM set_config('eg.materializer', policy, false);
    PERFORM set_config('eg.budget', budget_kb::text, false);
    PERFORM * FROM eg.materialize();
    RETURN QUERY SELECT s.materialized_artifacts, s.stored_bytes, s.logical_bytes,
                        s.stored_bytes <= s.budget_bytes FROM eg.storage s;
END $f$;

SELECT * FROM mat_cs_reset();
SELECT ((stored_bytes + 1023) / 1024)::int AS cs_budget_kb,
       separate_bytes > 2 * stored_bytes AS shares_columns
FROM eg.storage \gset
SELECT :'shares_columns' AS shares_columns;
SELECT kept AS heuristic_kept, kept_bytes AS heuristic_bytes, logical_kept AS heuristic_logical
FROM mat_cs_select('heuristic', :cs_budget_kb) \gset
SELECT :heuristic_kept AS heuristic_kept;
SELECT step, materialized, regexp_replace(status, '[0-9]+ (bytes|of)', 'N \1', 'g') AS status
FROM eg.artifacts WHERE step LIKE 'cs\__' ORDER BY step;
SELECT step, action FROM mat_cs_reset();
SELECT kept AS storage_aware_kept, kept_bytes AS storage_aware_bytes, logical_kept AS storage_aware_logical
FROM mat_cs_select('storage_aware', :cs_budget_kb) \gset
SELECT :storage_aware_kept AS storage_aware_kept;
SELECT step, materialized, regexp_replace(status, '[0-9]+ (bytes|of)', 'N \1', 'g') AS status
FROM eg.artifacts WHERE step LIKE 'cs\__' ORDER BY step;
SELECT :storage_aware_kept > :heuristic_kept AS storage_aware_keeps_more,
       :storage_aware_logical > :heuristic_logical AS more_logical_bytes;
SELECT dedup_ratio > 2 AS deduplicated, compression_ratio > 1 AS compressed,
       dedup_ratio = round(separate_bytes::numeric / stored_bytes, 3) AS dedup_ratio_exact,
       compression_ratio = round(logical_bytes::numeric / separate_bytes, 3) AS compression_ratio_exact,
       logical_bytes = (SELECT sum(logical_bytes) FROM eg.artifacts WHERE materialized) AS logical_exact
FROM eg.storage;

------------------------------------------------------------------------
-- 8. The budget holds over 200 random runs: random budgets (0-48 kB),
-- random policies, random small workloads (new constants make new
-- artifacts, repeated ones are loaded or live), now and then a lowered
-- budget and eg.materialize().  The store must stay within each budget and
-- often hold more than half of it (the runs' distinct artifacts take about
-- 11 kB stored, so a threshold in bytes would depend on the timings).
------------------------------------------------------------------------
SET eg.budget = 0;
SELECT count(*) >= 0 AS emptied FROM eg.materialize();
CREATE TABLE mat_rnd AS SELECT g AS id, (g * 7) % 101 AS v FROM generate_series(1, 1500) g;
CREATE TABLE mat_rnd_log (run int, policy text, budget_kb int, within bool, materialized bigint, stored_bytes int8);
DO $$
DECLARE
    policies text[] := array['storage_aware', 'heuristic', 'helix', 'all', 'none'];
    k int;
    kb int;
    pol text;
BEGIN
    PERFORM setseed(0.5);
    FOR run IN 1..200 LOOP
        kb := floor(random() * 49)::int;
        pol := policies[1 + floor(random() * 5)::int];
        k := floor(random() * 40)::int;
        PERFORM set_config('eg.budget', kb::text, false);
        PERFORM set_config('eg.materializer', pol, false);
        PERFORM eg.begin('mat/random');
        PERFORM eg.dataset('r_1', format('SELECT id, v + %s AS a FROM mat_rnd WHERE id %% 3 <> %s', k, k % 3));
        PERFORM eg.dataset('r_2', format('SELECT id, a, a * %s AS b FROM r_1', k % 7));
        IF random() < 0.5 THEN
            PERFORM eg.dataset('r_3', format('SELECT r.id, r.b, m.v FROM r_2 r JOIN mat_rnd m USING (id) WHERE m.v > %s', k));
            PERFORM eg.aggregate('r_4', 'SELECT count(*) AS n, sum(b) AS s FROM r_3');
        ELSE
            PERFORM eg.aggregate('r_4', 'SELECT count(*) AS n, sum(b) AS s FROM r_2');
        END IF;
        PERFORM * FROM eg.run();
        INSERT INTO mat_rnd_log SELECT run, pol, kb, s.stored_bytes <= s.budget_bytes,
               s.materialized_artifacts, s.stored_bytes FROM eg.storage s;
        IF random() < 0.2 THEN
            kb := floor(kb * random())::int;
            PERFORM set_config('eg.budget', kb::text, false);
            PERFORM * FROM eg.materialize();
            INSERT INTO mat_rnd_log SELECT run, 'lowered', kb, s.stored_bytes <= s.budget_bytes,
                   s.materialized_artifacts, s.stored_bytes FROM eg.storage s;
        END IF;
    END LOOP;
END $$;
SELECT count(DISTINCT run) AS runs,
       count(*) FILTER (WHERE NOT within) AS violations,
       count(*) FILTER (WHERE policy = 'lowered') > 10 AS lowered_often,
       count(*) FILTER (WHERE materialized > 0) > 20 AS often_nonempty,
       count(*) FILTER (WHERE budget_kb > 0 AND stored_bytes > budget_kb * 512) > 10 AS filled_some
FROM mat_rnd_log;
SELECT policy, count(*) > 0 AS ran, bool_and(within) AS within FROM mat_rnd_log GROUP BY policy ORDER BY policy;

-- under REPEATABLE READ the snapshot may predate another materializer's
-- commit, so the materializer keeps the store as it is and says so; the run
-- itself completes.  Its results are not stored later either: live tables
-- of a session are never stored (the user may have changed them)
SET eg.materializer = 'all';
RESET eg.budget;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT eg.begin('mat/rr');
SELECT eg.dataset('mat_rr', 'SELECT id, x * 11 AS b FROM mat_src') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT count(*) AS rows FROM mat_rr;
COMMIT;
SELECT materialized FROM eg.artifacts WHERE step = 'mat_rr';
SELECT count(*) >= 0 AS materialized_again FROM eg.materialize();
SELECT materialized FROM eg.artifacts WHERE step = 'mat_rr';
SELECT step, action FROM eg.run();
SELECT materialized FROM eg.artifacts WHERE step = 'mat_rr';

-- decided before stored: a new result that does not fit the budget is
-- never written (no chunk inserted, then freed, by the run); one that fits
-- is written once.  The backend's table counters, read before and after.
CREATE TEMP TABLE mat_counts (label text, ins bigint, del bigint);
CREATE FUNCTION mat_count(label text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO mat_counts SELECT label, n_tup_ins, n_tup_del
    FROM pg_stat_xact_all_tables WHERE relid = 'eg.chunk'::regclass
$$;
SET eg.materializer = 'all';
SET eg.budget = 0;
SELECT count(*) >= 0 AS emptied FROM eg.materialize();
SET eg.budget = '1kB';
BEGIN;
SELECT mat_count('before');
SELECT eg.begin('mat/decide');
SELECT eg.dataset('mat_decide', 'SELECT id, x * 13 AS d FROM mat_src') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT status FROM eg.artifacts WHERE step = 'mat_decide';
SELECT mat_count('after');
SELECT a.ins - b.ins AS chunks_inserted, a.del - b.del AS chunks_deleted
FROM mat_counts a, mat_counts b WHERE a.label = 'after' AND b.label = 'before';
COMMIT;
\c
SET eg.materializer = 'all';
CREATE TEMP TABLE mat_counts (label text, ins bigint, del bigint);
BEGIN;
SELECT mat_count('before');
SELECT eg.begin('mat/decide');
SELECT eg.dataset('mat_decide', 'SELECT id, x * 13 AS d FROM mat_src') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT mat_count('after');
SELECT a.ins - b.ins = s.chunks AS all_chunks_inserted, a.del - b.del AS chunks_deleted
FROM mat_counts a, mat_counts b, eg.storage s WHERE a.label = 'after' AND b.label = 'before';
COMMIT;
SELECT materialized FROM eg.artifacts WHERE step = 'mat_decide';
DROP FUNCTION mat_count(text);

-- a run that only loads, with the store within its budget, skips the
-- materializer's decision (no materializer time recorded); over the budget
-- it decides, and evicts
\c
SET eg.materializer = 'all';
SELECT eg.begin('mat/decide');
SELECT eg.dataset('mat_decide', 'SELECT id, x * 13 AS d FROM mat_src') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT materializer_seconds IS NULL AS skipped FROM eg.workload ORDER BY id DESC LIMIT 1;
SELECT materialized FROM eg.artifacts WHERE step = 'mat_decide';
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET eg.budget = '1kB';
SELECT eg.begin('mat/decide');
SELECT eg.dataset('mat_decide', 'SELECT id, x * 13 AS d FROM mat_src') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT materializer_seconds IS NULL AS skipped FROM eg.workload ORDER BY id DESC LIMIT 1;
SELECT materialized FROM eg.artifacts WHERE step = 'mat_decide';
RESET eg.budget;
RESET eg.reuse;

-- a run that stores a new artifact and evicts an old one sharing a chunk
-- with it writes the new one first: the shared chunk (stored at level 19)
-- stays, and the new artifact is stored although that chunk, compressed
-- again at this session's level 1, would be bigger than what the budget
-- was charged for it
SET eg.budget = 0;
SELECT count(*) >= 0 AS emptied FROM eg.materialize();
RESET eg.budget;
SET eg.materializer = storage_aware;
CREATE TABLE mat_share AS SELECT g AS id FROM generate_series(1, 20000) g;
SET eg.compression_level = 19;
SELECT eg.begin('mat/share-old');
SELECT eg.dataset('mat_share_old', 'SELECT id, md5(id::text) AS t FROM mat_share') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT materialized FROM eg.artifacts WHERE step = 'mat_share_old';
SELECT set_config('eg.budget', (stored_bytes / 2 / 1024)::text, false) IS NOT NULL AS halved FROM eg.storage;
SET eg.compression_level = 1;
SELECT eg.begin('mat/share-new');
SELECT eg.dataset('mat_share_new', 'SELECT id, id % 7 AS k FROM mat_share') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT step, materialized FROM eg.artifacts WHERE step LIKE 'mat\_share\___%' ORDER BY step;
SELECT count(*) AS problems FROM eg.check();
RESET eg.compression_level;
RESET eg.budget;
DROP TABLE mat_share;

-- clean up: an empty store for the suites after this one
SET eg.budget = 0;
SELECT count(*) >= 0 AS emptied FROM eg.materialize();
SELECT stored_bytes, materialized_artifacts, chunks FROM eg.storage;
RESET eg.budget;
RESET eg.materializer;
DROP TABLE mat_src, mat_wide, mat_rnd, mat_rnd_log;
