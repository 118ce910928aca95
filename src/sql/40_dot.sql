-- eg install script, part 4: eg.dot, the Experiment Graph as Graphviz DOT.
--
-- eg.dot('name') draws the latest run of workload "name": every step with
-- what the run did (computed: orange, loaded: green, live: blue, pruned:
-- grey), materialized artifacts with a double border, base tables as
-- cylinders.  eg.dot() draws the whole graph: materialized artifacts green
-- with a double border, the others white.  Left to right, short labels:
-- readable at a few hundred vertices (render with `dot -Tpng`).
--
-- eg.dot runs with the caller's rights and reads the views, so it draws
-- what they show the caller: runs of its own roles, artifacts it may use.

CREATE FUNCTION _dot_node(id artifact_id, step text, kind text, compute_seconds float8,
                          materialized bool, action text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT format('  "%s" [label="%s\n%s%s", shape=%s, style="%s", fillcolor="%s", peripheries=%s];',
        id::text,
        replace(replace(step, '\', '\\'), '"', '\"'),
        kind,
        CASE WHEN compute_seconds IS NOT NULL
             THEN ' ' || round(compute_seconds::numeric, 2) || ' s' ELSE '' END,
        CASE kind WHEN 'source' THEN 'cylinder' WHEN 'model' THEN 'hexagon'
                  WHEN 'aggregate' THEN 'ellipse' ELSE 'box' END,
        CASE WHEN action = 'pruned' THEN 'filled,dashed' ELSE 'filled' END,
        CASE action WHEN 'computed' THEN '#f6b26b' WHEN 'loaded' THEN '#93c47d'
                    WHEN 'live' THEN '#9fc5e8' WHEN 'pruned' THEN '#eeeeee'
                    ELSE CASE WHEN materialized THEN '#b6d7a8' ELSE 'white' END END,
        CASE WHEN materialized THEN 2 ELSE 1 END)
$$;

CREATE FUNCTION dot(workload text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    run int8;
    body text;
BEGIN
    IF workload IS NOT NULL THEN
        SELECT max(w.id) INTO run FROM eg.workloads w WHERE w.name = workload;
        IF run IS NULL THEN
            RAISE EXCEPTION 'no run of workload "%" is recorded', workload
                USING ERRCODE = 'undefined_object',
                      HINT = 'Runs are listed in eg.workloads.';
        END IF;
        WITH steps AS (
            SELECT * FROM eg.workload_steps s WHERE s.workload = run
        ), sources AS (     -- base tables, and models that warm starts began from
            SELECT DISTINCT a.id, a.step, a.kind, a.compute_seconds, a.materialized
            FROM steps CROSS JOIN LATERAL unnest(steps.inputs) AS i(id)
            JOIN eg.artifacts a ON a.id = i.id
            WHERE i.id NOT IN (SELECT artifact FROM steps)
        ), nodes AS (
            SELECT (SELECT a.step FROM eg.artifacts a WHERE a.id = s.artifact) AS label,
                   s.artifact AS id, s.step, s.kind, s.compute_seconds, s.materialized, s.action
            FROM steps s
            UNION ALL
            SELECT NULL, id, step, kind, compute_seconds, materialized, NULL FROM sources
        ), edges AS (
            SELECT DISTINCT format('  "%s" -> "%s";', i.id::text, s.artifact::text) AS e
            FROM steps s CROSS JOIN LATERAL unnest(s.inputs) AS i(id)
            WHERE i.id IN (SELECT id FROM nodes)
        )
        SELECT coalesce((SELECT string_agg(eg._dot_node(id, coalesce(label, step), kind, compute_seconds,
                                                        materialized, action),
                                           E'\n' ORDER BY coalesce(label, step)) FROM nodes), '')
               || E'\n' || coalesce((SELECT string_agg(e, E'\n' ORDER BY e) FROM edges), '')
        INTO body;
    ELSE
        SELECT coalesce((SELECT string_agg(eg._dot_node(a.id, a.step, a.kind, a.compute_seconds,
                                                        a.materialized, NULL),
                                           E'\n' ORDER BY a.step, a.id)
                         FROM eg.artifacts a), '')
               || E'\n' ||
               coalesce((SELECT string_agg(format('  "%s" -> "%s";', i.id::text, o.output::text),
                                           E'\n' ORDER BY o.output, i.n)
                         FROM eg.operations o CROSS JOIN LATERAL unnest(o.inputs) WITH ORDINALITY AS i(id, n)
                         WHERE EXISTS (SELECT FROM eg.artifacts a WHERE a.id = i.id)), '')
        INTO body;
    END IF;
    RETURN format(E'digraph eg {\n  rankdir=LR;\n  node [fontname="Helvetica", fontsize=10];\n'
                  '  edge [color="#666666"];\n%s\n}\n', body);
END $$;
COMMENT ON FUNCTION dot(text) IS 'Graphviz DOT of the latest run of a workload, or of the whole Experiment Graph';
