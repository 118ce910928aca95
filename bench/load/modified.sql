-- bench/load/modified.sql - the shared prefix (clean, feats) and a last
-- step with a random parameter (one of 40): the prefix loads, the last
-- step is computed the first time each parameter is seen.
\set p random(0, 39)
SELECT eg.begin('load/modified');
SELECT eg.dataset('clean', $q$SELECT id, grp, cat, x, y FROM load_src WHERE y < 100$q$);
SELECT eg.dataset('feats', $q$SELECT id, grp, cat, round(ln(y + 1), 6) AS ly, x * x AS x2, avg(x) OVER (PARTITION BY grp) AS gx, rank() OVER (PARTITION BY cat ORDER BY y, id) AS r FROM clean$q$);
SELECT eg.aggregate('aggm', format($q$SELECT count(*) AS n, sum(x2) AS sx2, min(r) AS minr FROM feats WHERE grp %% 40 = %s$q$, :p));
SELECT count(*) FROM eg.run();
SELECT load_check('aggm', format('SELECT n, sx2, minr FROM load_expected_aggm WHERE p = %s', :p));
DISCARD TEMP;
