-- bench/load/new.sql - a random constant in the first step: nothing is
-- reusable, every step is computed, and the materializer stores new
-- artifacts (sharing the columns the constant does not touch) under the
-- budget, evicting others.
\set k random(1, 1000000000)
-- EG_LOAD_NEW_STORES=0 (bench/load/run): none, to see what storing costs the others
SET eg.materializer = :new_materializer;
SELECT eg.begin('load/new');
SELECT eg.dataset('clean', format($q$SELECT id, grp, cat, x + %s * 0.0000001 AS x, y FROM load_src WHERE y < 100$q$, :k));
SELECT eg.dataset('feats', $q$SELECT id, grp, cat, round(ln(y + 1), 6) AS ly, x * x AS x2, avg(x) OVER (PARTITION BY grp) AS gx, rank() OVER (PARTITION BY cat ORDER BY y, id) AS r FROM clean$q$);
SELECT eg.aggregate('agg', $q$SELECT grp % 20 AS g, count(*) AS n, sum(ly) AS sly, sum(x2 - gx) AS sd, max(r) AS maxr FROM feats GROUP BY 1$q$);
SELECT count(*) FROM eg.run();
SELECT load_check('(SELECT sum(n) AS n FROM agg) s', 'TABLE load_expected_n');
DISCARD TEMP;
RESET eg.materializer;
