-- Regression cases of what the fuzzers (fuzz/) found, reproduced through
-- SQL.  Each case names its reproducer in fuzz/corpus/<target>/.

-- planner (fuzz/corpus/planner/regress-huge-cost): a cost beyond what the
-- planner's cuts can weigh (FLOW_INF = 1e300) made the minimum cut cross a
-- "requires" edge: the plan left the target out and said it cost 0; sums
-- could overflow to Infinity, which is not JSON.  Costs above
-- PLANNER_MAX_COST (1e15 seconds) are now refused.
SELECT eg.plan_graph('{"vertices": [{"id": "a", "compute": 1e301}], "edges": [], "targets": ["a"]}', 'helix');
SELECT eg.plan_graph('{"vertices": [{"id": "a", "compute": 3e300, "load": 2e300}], "edges": [], "targets": ["a"]}');
SELECT eg.plan_graph('{"vertices": [{"id": "a", "compute": 1e308}, {"id": "b", "compute": 1e308}],
  "edges": [["a", "b"]], "targets": ["b"]}', 'linear');
SELECT eg.plan_graph('{"vertices": [{"id": "a", "compute": 1}, {"id": "b", "compute": 1, "load": 1.0000000000000001e15}],
  "edges": [["a", "b"]], "targets": ["b"]}');
-- the largest costs allowed still give valid plans, in every mode
SELECT m, eg.plan_graph('{"vertices": [{"id": "a", "compute": 1e15, "load": 1e15}, {"id": "b", "compute": 1e15, "load": 1e15},
  {"id": "c", "compute": 1e15}], "edges": [["a", "b"], ["a", "c"], ["b", "c"]], "targets": ["c"]}', m)
FROM unnest(ARRAY['optimal', 'linear', 'helix', 'all_load', 'all_compute']) m;
