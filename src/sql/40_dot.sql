-- eg install script, part 4: eg.dot, the Experiment Graph as Graphviz DOT.
--
-- eg.dot('name') draws the latest run of workload "name": every step with
-- what the run did (computed: orange, loaded: green, live: blue, pruned:
-- grey), materialized artifacts with a double border, base tables as
-- cylinders.  eg.dot() draws the whole graph: materialized artifacts green
-- with a double border, the others white.  Left to right, short labels:
-- readable at a few hundred vertices (render with `dot -Tpng`).
--
-- A legend (subgraph cluster_legend) has one small node for each colour,
-- border and shape the picture uses, in a row below or beside the graph.
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
    used text[];    -- the legend's entries the picture needs
    legend text;
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
               || E'\n' || coalesce((SELECT string_agg(e, E'\n' ORDER BY e) FROM edges), ''),
               ARRAY(SELECT action FROM nodes WHERE action IS NOT NULL
                     UNION SELECT kind FROM nodes
                     UNION SELECT 'stored' FROM nodes WHERE materialized)
        INTO body, used;
    ELSE
        SELECT coalesce((SELECT string_agg(eg._dot_node(a.id, a.step, a.kind, a.compute_seconds,
                                                        a.materialized, NULL),
                                           E'\n' ORDER BY a.step, a.id)
                         FROM eg.artifacts a), '')
               || E'\n' ||
               coalesce((SELECT string_agg(format('  "%s" -> "%s";', i.id::text, o.output::text),
                                           E'\n' ORDER BY o.output, i.n)
                         FROM eg.operations o CROSS JOIN LATERAL unnest(o.inputs) WITH ORDINALITY AS i(id, n)
                         WHERE EXISTS (SELECT FROM eg.artifacts a WHERE a.id = i.id)), ''),
               ARRAY(SELECT kind FROM eg.artifacts
                     UNION SELECT CASE WHEN materialized THEN 'stored' ELSE 'not stored' END
                           FROM eg.artifacts)
        INTO body, used;
    END IF;
    -- One node per entry: the colours and borders in one row, the shapes in
    -- another (each row a chain of invisible edges, which dot lays out left
    -- to right).  The fills and shapes are those of _dot_node.
    WITH e AS (
        SELECT * FROM (VALUES (1, 'computed', 'computed', 'box', 'filled', '#f6b26b', 1),
                              (2, 'loaded', 'loaded', 'box', 'filled', '#93c47d', 1),
                              (3, 'live', 'live', 'box', 'filled', '#9fc5e8', 1),
                              (4, 'pruned', 'pruned', 'box', 'filled,dashed', '#eeeeee', 1),
                              (5, 'stored', 'stored', 'box', 'filled',
                               CASE WHEN workload IS NULL THEN '#b6d7a8' ELSE 'white' END, 2),
                              (6, 'not stored', 'not stored', 'box', 'filled', 'white', 1),
                              (7, 'source', 'base table', 'cylinder', 'filled', 'white', 1),
                              (8, 'dataset', 'dataset', 'box', 'filled', 'white', 1),
                              (9, 'aggregate', 'aggregate', 'ellipse', 'filled', 'white', 1),
                              (10, 'model', 'model', 'hexagon', 'filled', 'white', 1))
                      AS v(n, entry, label, shape, style, fill, peripheries)
        WHERE v.entry = ANY (used)
    ), rows AS (
        SELECT min(n) AS n, string_agg(format('"legend: %s"', entry), ' -> ' ORDER BY n) AS chain
        FROM e GROUP BY n <= 6 HAVING count(*) > 1
    )
    SELECT format(E'  subgraph cluster_legend {\n    label="legend"; fontname="Helvetica"; fontsize=9;'
                  ' style=rounded; color="#bbbbbb";\n'
                  '    node [fontsize=9, height=0.3, width=0.5, margin="0.08,0.02"];\n%s\n%s  }\n',
                  (SELECT string_agg(format('    "legend: %s" [shape=%s, label="%s", style="%s", fillcolor="%s", peripheries=%s];',
                                            entry, shape, label, style, fill, peripheries),
                                     E'\n' ORDER BY n) FROM e),
                  (SELECT string_agg(format(E'    %s [style=invis];\n', chain), '' ORDER BY n) FROM rows))
    INTO legend
    WHERE EXISTS (SELECT FROM e);
    RETURN format(E'digraph eg {\n  rankdir=LR;\n  node [fontname="Helvetica", fontsize=10];\n'
                  '  edge [color="#666666"];\n%s\n%s}\n', body, coalesce(legend, ''));
END $$;
COMMENT ON FUNCTION dot(text) IS 'Graphviz DOT of the latest run of a workload, or of the whole Experiment Graph';
