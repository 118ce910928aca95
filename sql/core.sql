-- Core: define a workload, run it, run it again (live), run it from a new
-- session (loaded), and check loaded results equal plain SQL.
SET eg.materializer = 'all';   -- keep every computed step: timings cannot change what is stored
SET eg.reuse = all_load;   -- load whatever is stored: timings cannot flip the plan

CREATE TABLE app (id int, target int, income numeric, credit numeric, grp text);
INSERT INTO app
SELECT g, (g % 13 = 0)::int, 1000 + (g * 7) % 5000, 500 + (g * 13) % 3000, 'g' || (g % 5)
FROM generate_series(1, 3000) g;

CREATE FUNCTION t_train(input regclass, params jsonb, warm bytea) RETURNS bytea
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %s', input) INTO n;
    RETURN convert_to(n || ':' || params::text, 'UTF8');
END $$;

-- the workload of this suite (eg.begin + five steps)
CREATE FUNCTION define_core() RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM eg.begin('core');
    PERFORM eg.dataset('clean', $$SELECT * FROM app WHERE income < 5000$$);
    PERFORM eg.dataset('feats', $$SELECT id, target, ln(credit) AS log_credit, grp FROM clean$$);
    PERFORM eg.aggregate('stats', $$SELECT grp, count(*) AS n, round(avg(log_credit), 6) AS m
                                    FROM feats GROUP BY grp$$);
    PERFORM eg.model('m', 't_train', 'feats', '{"depth": 3}');
    PERFORM eg.aggregate('score', $$SELECT 0.75 AS auc FROM m$$, quality_of => 'm');
END $f$;

SELECT define_core();

-- first run: everything computed
SELECT step, kind, action, rows, bytes > 0 AS has_bytes FROM eg.run();
SELECT count(*) FROM feats;
SELECT convert_from(model, 'UTF8') FROM m;
SELECT * FROM stats ORDER BY grp;

-- same session, same workload: everything is live
SELECT step, action FROM eg.run();

-- only what one step needs; the rest is pruned
SELECT step, action FROM eg.run('stats');

-- the graph recorded the run
SELECT kind, step, frequency, materialized, rows FROM eg.artifacts ORDER BY kind, step;
SELECT step, quality FROM eg.artifacts WHERE kind = 'model';
SELECT name, computed, loaded FROM eg.workloads ORDER BY id;
SELECT a.step, o.kind, cardinality(o.inputs) AS inputs FROM eg.operations o
  JOIN eg.artifacts a ON a.id = o.output ORDER BY a.step, o.kind;
SELECT materialized_artifacts, stored_bytes > 0 AS stored, stored_bytes <= budget_bytes AS within
  FROM eg.storage;

-- a new session: nothing is live, stored artifacts are loaded
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SELECT define_core();
SELECT step, action, rows FROM eg.run();

-- loaded results are exactly plain SQL over the current data
SELECT count(*) AS feats_diff FROM (
  (SELECT * FROM feats EXCEPT ALL
   SELECT id, target, ln(credit), grp FROM app WHERE income < 5000)
  UNION ALL
  (SELECT id, target, ln(credit), grp FROM app WHERE income < 5000 EXCEPT ALL
   SELECT * FROM feats)) d;
SELECT convert_from(model, 'UTF8') FROM m;
SELECT * FROM stats ORDER BY grp;

-- a loaded step's ancestors are not run
SELECT step, action FROM eg.run('stats');

-- data changes: the downstream steps are computed again, and are right
INSERT INTO app VALUES (99999, 1, 10, 600, 'g9');
SELECT eg.begin('core');
SELECT eg.dataset('clean', $$SELECT * FROM app WHERE income < 5000$$) IS NOT NULL AS defined;
SELECT eg.dataset('feats', $$SELECT id, target, ln(credit) AS log_credit, grp FROM clean$$) IS NOT NULL AS defined;
SELECT step, action, rows FROM eg.run();
SELECT count(*) FROM feats WHERE id = 99999;

-- eg.restore: a stored artifact as a new table
SELECT eg.begin();
SELECT eg.dataset('clean', $$SELECT * FROM app WHERE income < 5000$$) AS clean_id \gset
SELECT step, action FROM eg.run();
SELECT eg.restore(:'clean_id', 'clean_copy');
SELECT count(*) FROM clean_copy;
SELECT count(*) FROM (SELECT * FROM clean_copy EXCEPT ALL SELECT * FROM app WHERE income < 5000) d;

-- a changed step table is no longer live
SELECT step, action FROM eg.run();
DELETE FROM clean WHERE id = 1;
SELECT step, action FROM eg.run();
SELECT count(*) FROM clean WHERE id = 1;

-- budget: none stores nothing new; a tiny budget keeps the store within it
SET eg.materializer = none;
SELECT eg.begin();
SELECT eg.dataset('other', $$SELECT id FROM app WHERE id % 2 = 0$$) IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT materialized FROM eg.artifacts WHERE step = 'other';
SET eg.materializer = 'all';
SET eg.budget = '1kB';
SELECT action FROM eg.materialize() GROUP BY action ORDER BY action;
SELECT stored_bytes <= budget_bytes AS within, materialized_artifacts FROM eg.storage;
RESET eg.budget;

-- eg.steps: the steps in order, what each reads, and the terminal ones (no
-- other step reads them: the workload's results)
SELECT eg.begin();
SELECT * FROM eg.steps();
SELECT define_core();
SELECT eg.dataset('pairs', $$SELECT f.id, c.income FROM feats f JOIN clean c USING (id)$$) IS NOT NULL AS defined;
SELECT * FROM eg.steps();
SELECT step, action FROM eg.run(VARIADIC ARRAY(SELECT step FROM eg.steps() WHERE terminal));

-- in a new session, asking for the results alone loads them and prunes the rest
\c
SET eg.reuse = all_load;
SELECT define_core();
SELECT step, action FROM eg.run(VARIADIC ARRAY(SELECT step FROM eg.steps() WHERE terminal));
