-- The collaborative scenario of issue 16: three roles with the same
-- grants.  The first runs features, a PL/Python model and a scoring step
-- (auc(bytea, regclass), STABLE, reading a table of labels the step never
-- names); the second changes one hyperparameter (loads the features, trains
-- its own model); the third repeats the first one's workload and loads
-- everything, the score included.  After an UPDATE of the table only the
-- scoring function reads, the next run recomputes the score, equal to plain
-- SQL.  Before read sets the role was part of the score's id (the third
-- role recomputed it) and the UPDATE left it stale for the first role.
-- eg.reuse = all_load: whatever is stored is loaded (the default planner
-- may compute the tiny feature tables instead, as cheaper).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS plpython3u;

CREATE SCHEMA collab;
CREATE TABLE collab.obs (id int PRIMARY KEY, x1 float8, x2 float8, y int);
INSERT INTO collab.obs
SELECT g, (g * 37 % 101) / 10.0, (g * 53 % 97) / 10.0,
       ((g * 37 % 101) / 10.0 + (g * 53 % 97) / 20.0 > 7.5)::int
FROM generate_series(1, 200) g;
-- the labels of the holdout rows, read only by the scoring function
CREATE TABLE collab.truth (id int PRIMARY KEY, y int);
INSERT INTO collab.truth SELECT id, y FROM collab.obs WHERE id > 150;

-- train(input regclass, params jsonb, warm_start bytea) -> bytea: a linear
-- score whose weights are the class means' difference, scaled by params.c
CREATE FUNCTION collab.train(input regclass, params jsonb, warm bytea) RETURNS bytea
LANGUAGE plpython3u AS $$
import json
rows = plpy.execute("SELECT x1, x2, y FROM %s ORDER BY id" % input)
c = json.loads(params).get("c", 1.0)
def mean(k, label):
    v = [r[k] for r in rows if r["y"] == label]
    return sum(v) / len(v)
w = [c * (mean(k, 1) - mean(k, 0)) for k in ("x1", "x2")]
return json.dumps({"w": w}).encode()
$$;
-- auc(model, relation): ROC AUC of the model's scores on the relation's
-- rows against collab.truth
CREATE FUNCTION collab.auc(model bytea, r regclass) RETURNS float8
LANGUAGE plpython3u STABLE AS $$
import json
w = json.loads(bytes(model).decode())["w"]
rows = plpy.execute("SELECT t.x1, t.x2, l.y FROM %s t JOIN collab.truth l USING (id) ORDER BY id" % r)
scored = [(w[0] * row["x1"] + w[1] * row["x2"], row["y"]) for row in rows]
pos = [s for s, y in scored if y == 1]
neg = [s for s, y in scored if y == 0]
wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
return wins / (len(pos) * len(neg))
$$;

-- the workload, with hyperparameter c
CREATE FUNCTION collab.define(c float8) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM eg.begin('collab');
    PERFORM eg.dataset('feat', 'SELECT id, x1, x2, y FROM collab.obs WHERE id <= 150');
    PERFORM eg.dataset('hold', 'SELECT id, x1, x2 FROM collab.obs WHERE id > 150');
    PERFORM eg.model('m', 'collab.train', 'feat', jsonb_build_object('c', c));
    PERFORM eg.aggregate('score', $q$SELECT collab.auc(m.model, 'hold') AS auc FROM m$q$,
                         quality_of => 'm');
END $$;

CREATE ROLE regress_collab_1;
CREATE ROLE regress_collab_2;
CREATE ROLE regress_collab_3;
GRANT USAGE ON SCHEMA collab TO regress_collab_1, regress_collab_2, regress_collab_3;
GRANT SELECT ON ALL TABLES IN SCHEMA collab TO regress_collab_1, regress_collab_2, regress_collab_3;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA collab TO regress_collab_1, regress_collab_2, regress_collab_3;

-- the first role: everything computed
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_collab_1;
SELECT collab.define(1.0);
SELECT step, action FROM eg.run();
SELECT round(auc::numeric, 4) AS auc_1 FROM score;

-- the second role: another c, so the features load and its model trains
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_collab_2;
SELECT collab.define(2.0);
SELECT step, action FROM eg.run();

-- the third role repeats the first one's workload: all loaded
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_collab_3;
SELECT collab.define(1.0);
SELECT step, action FROM eg.run();
SELECT round(auc::numeric, 4) AS auc_3 FROM score;

-- the labels the scoring function reads change: the score is recomputed,
-- equal to plain SQL; the rest still loads
RESET ROLE;
UPDATE collab.truth SET y = 1 - y WHERE id % 4 = 0;
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET ROLE regress_collab_1;
SELECT collab.define(1.0);
SELECT step, action FROM eg.run();
SELECT auc = (SELECT collab.auc(model, 'hold') FROM m) AS equals_plain_sql,
       round(auc::numeric, 4) AS auc_after FROM score;
SELECT round(collab.auc((SELECT model FROM m), 'hold')::numeric, 4) AS plain_sql;
-- the model's quality follows the new score
RESET ROLE;
SELECT round(quality::numeric, 4) AS quality FROM eg.artifacts
WHERE step = 'm' ORDER BY last_used DESC LIMIT 1;

SET client_min_messages = warning;
DROP SCHEMA collab CASCADE;
DROP OWNED BY regress_collab_1, regress_collab_2, regress_collab_3;
DROP ROLE regress_collab_1, regress_collab_2, regress_collab_3;
-- the suites after this one start from an empty graph and store
DELETE FROM eg.workload;
DELETE FROM eg.store_artifact;
DELETE FROM eg.chunk;
DELETE FROM eg.artifact;
