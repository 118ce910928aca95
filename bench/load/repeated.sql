-- bench/load/repeated.sql - the same workload every time: after its first
-- run, everything it needs is stored (unless evicted): loads.
SELECT eg.begin('load/repeated');
SELECT eg.dataset('clean', $q$SELECT id, grp, cat, x, y FROM load_src WHERE y < 100$q$);
SELECT eg.dataset('feats', $q$SELECT id, grp, cat, round(ln(y + 1), 6) AS ly, x * x AS x2, avg(x) OVER (PARTITION BY grp) AS gx, rank() OVER (PARTITION BY cat ORDER BY y, id) AS r FROM clean$q$);
SELECT eg.aggregate('agg', $q$SELECT grp % 20 AS g, count(*) AS n, sum(ly) AS sly, sum(x2 - gx) AS sd, max(r) AS maxr FROM feats GROUP BY 1$q$);
SELECT count(*) FROM eg.run();
SELECT load_check('agg', 'TABLE load_expected_agg');
DISCARD TEMP;
