-- Planner: eg.plan_graph in every mode, the brute-force property check,
-- EXPLAIN reasons, warm starts and eg.dot.
SET eg.materializer = 'all';   -- keep every computed step: timings cannot change what is stored

-- the diamond of docs/paper.md 5.6: linear double-counts A and loads D (15);
-- computing everything once costs 13
SELECT m, eg.plan_graph($${"vertices": [
    {"id": "S", "compute": 0, "live": true}, {"id": "A", "compute": 10},
    {"id": "B", "compute": 1}, {"id": "C", "compute": 1},
    {"id": "D", "compute": 1, "load": 15}],
  "edges": [["S","A"],["A","B"],["A","C"],["B","D"],["C","D"]],
  "targets": ["D"]}$$, m)
FROM unnest(ARRAY['optimal', 'helix', 'linear', 'all_load', 'all_compute']) m;

-- Fig. 3 of the paper: load v3, compute nothing else
SELECT eg.plan_graph($${"vertices": [
    {"id": "s1", "compute": 0, "live": true}, {"id": "s2", "compute": 0, "live": true},
    {"id": "s3", "compute": 0, "live": true},
    {"id": "u1", "compute": 10}, {"id": "u3", "compute": 10},
    {"id": "v1", "compute": 10, "load": 5}, {"id": "v2", "compute": 1, "load": 17},
    {"id": "w", "compute": 0, "live": true}, {"id": "v3", "compute": 5, "load": 20}],
  "edges": [["s1","u1"],["s3","u3"],["s2","v1"],["u1","v2"],["v1","v2"],["u3","w"],
            ["v2","v3"],["w","v3"]],
  "targets": ["v3"]}$$);

-- live vertices cost nothing; an unmaterialized ancestor must be computed
SELECT eg.plan_graph($${"vertices": [
    {"id": "a", "compute": 5}, {"id": "b", "compute": 50, "live": true},
    {"id": "c", "compute": 7}],
  "edges": [["a","c"],["b","c"]], "targets": ["c"]}$$);
-- multiple targets share an expensive ancestor: compute it once, for both
SELECT eg.plan_graph($${"vertices": [
    {"id": "base", "compute": 30},
    {"id": "x", "compute": 1, "load": 20}, {"id": "y", "compute": 1, "load": 20}],
  "edges": [["base","x"],["base","y"]], "targets": ["x", "y"]}$$) AS optimal,
  eg.plan_graph($${"vertices": [
    {"id": "base", "compute": 30},
    {"id": "x", "compute": 1, "load": 20}, {"id": "y", "compute": 1, "load": 20}],
  "edges": [["base","x"],["base","y"]], "targets": ["x", "y"]}$$, 'linear') AS linear;
-- a target that is also an ancestor of another target
SELECT eg.plan_graph($${"vertices": [
    {"id": "a", "compute": 4, "load": 1}, {"id": "b", "compute": 2}],
  "edges": [["a","b"]], "targets": ["a", "b"]}$$);

-- property test: on random DAGs of up to 12 vertices, optimal and helix
-- always reach the brute-force minimum, linear is always a valid plan and
-- never cheaper; every plan costs what it says
SELECT r->'optimal_misses' AS optimal_misses, r->'helix_misses' AS helix_misses,
       r->'invalid_plans' AS invalid_plans, r->'linear_invalid' AS linear_invalid,
       r->'linear_cheaper' AS linear_cheaper, (r->>'linear_dearer')::int > 0 AS linear_sometimes_dearer
FROM eg._planner_check(2000, 12, 42) r;
SELECT r->'optimal_misses' AS optimal_misses, r->'helix_misses' AS helix_misses,
       r->'invalid_plans' AS invalid_plans
FROM eg._planner_check(300, 16, 7) r;

-- errors
SELECT eg.plan_graph('{"vertices": [{"id": "a", "compute": 1}, {"id": "b", "compute": 1}],
  "edges": [["a","b"],["b","a"]], "targets": ["a"]}');
SELECT eg.plan_graph('{"vertices": [{"id": "a", "compute": 1}], "edges": [["a","zz"]], "targets": ["a"]}');
SELECT eg.plan_graph('{"vertices": [{"id": "a", "compute": -1}], "edges": [], "targets": ["a"]}');
SELECT eg.plan_graph('{"vertices": [{"id": "a", "compute": 1, "load": "NaN"}], "edges": [], "targets": ["a"]}');
SELECT eg.plan_graph('{"vertices": [{"id": "a", "compute": 1e400}], "edges": [], "targets": ["a"]}');
SELECT eg.plan_graph('{"vertices": [{"id": "a", "compute": 1}], "edges": [], "targets": ["b"]}');
SELECT eg.plan_graph('{"vertices": [{"id": "a", "compute": 1}], "edges": [], "targets": []}');
SELECT eg.plan_graph('{"vertices": [{"id": "a", "compute": 1}, {"id": "a", "compute": 2}], "edges": [], "targets": ["a"]}');
SELECT eg.plan_graph('{"vertices": [{"id": "a", "compute": 1}], "edges": [], "targets": ["a"]}', 'fastest');
SELECT eg.plan_graph('[1, 2]');
SELECT eg.plan_graph('{"vertices": [{"compute": 1}], "edges": [], "targets": []}');
SELECT eg.plan_graph('{"vertices": [{"id": "a", "compute": 1}], "edges": [["a"]], "targets": ["a"]}');
SELECT eg.plan_graph('{"vertices": [{"id": "a", "compute": 1, "live": 3}], "edges": [], "targets": ["a"]}');
SELECT eg.plan_graph(NULL);

-- EXPLAIN: costs and reasons, from a real run
CREATE TABLE pl (id int, g int, v float8);
INSERT INTO pl SELECT i, i % 10, i * 0.5 FROM generate_series(1, 5000) i;
CREATE FUNCTION pl_train(input regclass, params jsonb, warm bytea) RETURNS bytea
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %s', input) INTO n;
    -- a warm start continues counting from the model it starts from
    RETURN convert_to(coalesce(convert_from(warm, 'UTF8') || '+', '') || n || ':' || (params->>'it'), 'UTF8');
END $$;
CREATE FUNCTION pl_define(it int, warm bool) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM eg.begin('planner');
    PERFORM eg.dataset('f', $$SELECT id, g, v * 2 AS v2 FROM pl WHERE id % 2 = 0$$);
    PERFORM eg.model('m', 'pl_train', 'f', jsonb_build_object('it', it), warm_start => warm);
    PERFORM eg.aggregate('q', format($$SELECT %s AS score FROM m$$, 0.5 + it / 100.0), quality_of => 'm');
END $f$;
SELECT pl_define(1, false);
SELECT step, action, reason FROM eg.explain();
SELECT step, action FROM eg.run();
\c
SET eg.materializer = 'all';
SELECT pl_define(1, false);
SET eg.reuse = all_compute;
SELECT step, action, regexp_replace(reason, '[0-9.]+ s', 'N s', 'g') AS reason FROM eg.explain();
SET eg.reuse = all_load;
SELECT step, action, regexp_replace(reason, '[0-9.]+ s', 'N s', 'g') AS reason FROM eg.explain();
SELECT step, action FROM eg.explain('f');

-- warm start: a new model of the same function on the same input starts
-- from the best stored one (by quality), and says so
SELECT pl_define(2, true);
SELECT step, action, regexp_replace(reason, 'model [0-9a-f]{32}', 'model M') AS reason
FROM eg.explain() WHERE step = 'm';
SELECT step, action FROM eg.run();
SELECT convert_from(model, 'UTF8') AS model FROM m;
-- its id covers the model it started from: a cold start is another artifact
SELECT pl_define(2, false);
SELECT step, action FROM eg.run() WHERE step = 'm';
SELECT convert_from(model, 'UTF8') AS model FROM m;
SELECT count(*) AS pl_models FROM eg.operations WHERE definition LIKE 'pl_train%';
-- the warm-started model's operation has the model it started from as an input
SELECT cardinality(inputs) AS inputs FROM eg.operations
WHERE definition LIKE 'pl_train%' ORDER BY 1;
RESET eg.reuse;

-- a warm-started step whose model is stored is that model: loaded, though
-- a better model (it 5, cold) was stored since it started from it 3's
SELECT pl_define(3, false);
SELECT step, action FROM eg.run() WHERE step = 'm';
SELECT pl_define(4, true);
SELECT step, action FROM eg.run() WHERE step = 'm';
SELECT pl_define(5, false);
SELECT step, action FROM eg.run() WHERE step = 'm';
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SELECT pl_define(4, true);
SELECT step, action FROM eg.run();
SELECT convert_from(model, 'UTF8') AS model FROM m;
-- computed all the same, it starts from the best stored model: it 5's
\c
SET eg.materializer = 'all';
SET eg.reuse = all_compute;
SELECT pl_define(4, true);
SELECT step, action FROM eg.run() WHERE step = 'm';
SELECT convert_from(model, 'UTF8') AS model FROM m;
RESET eg.reuse;

-- eg.dot: one node per step, base table and model a warm start began from (it 5's), one edge per input
SELECT (SELECT count(*) FROM regexp_matches(eg.dot('planner'), '\[label=', 'g')) AS nodes,
       (SELECT count(*) FROM regexp_matches(eg.dot('planner'), ' -> ', 'g')) AS edges,
       eg.dot('planner') LIKE 'digraph eg {%' AS is_dot;
SELECT eg.dot('no such workload');
