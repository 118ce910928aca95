-- eg install script, part 4: eg.dot, the Experiment Graph as Graphviz DOT.
--
-- eg.dot('name') draws the latest run of workload "name": every step with
-- what the run did (computed: orange, loaded: green, live: blue, pruned:
-- grey), materialized artifacts with a double border, base tables as
-- cylinders.  eg.dot() draws the whole graph: materialized artifacts green
-- with a double border, the others white.  Left to right, short labels:
-- readable at a few hundred vertices (render with `dot -Tpng`).

CREATE FUNCTION _dot_node(a eg.artifact, action text) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT format('  "%s" [label="%s\n%s%s", shape=%s, style="%s", fillcolor="%s", peripheries=%s];',
        a.id::text,
        replace(replace(a.step, '\', '\\'), '"', '\"'),
        a.kind,
        CASE WHEN a.compute_seconds IS NOT NULL
             THEN ' ' || round(a.compute_seconds::numeric, 2) || ' s' ELSE '' END,
        CASE a.kind WHEN 'source' THEN 'cylinder' WHEN 'model' THEN 'hexagon'
                    WHEN 'aggregate' THEN 'ellipse' ELSE 'box' END,
        CASE WHEN action = 'pruned' THEN 'filled,dashed' ELSE 'filled' END,
        CASE action WHEN 'computed' THEN '#f6b26b' WHEN 'loaded' THEN '#93c47d'
                    WHEN 'live' THEN '#9fc5e8' WHEN 'pruned' THEN '#eeeeee'
                    ELSE CASE WHEN a.materialized THEN '#b6d7a8' ELSE 'white' END END,
        CASE WHEN a.materialized THEN 2 ELSE 1 END)
$$;

CREATE FUNCTION dot(workload text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    run int8;
    body text;
BEGIN
    IF workload IS NOT NULL THEN
        SELECT max(w.id) INTO run FROM eg.workload w WHERE w.name = workload;
        IF run IS NULL THEN
            RAISE EXCEPTION 'no run of workload "%" is recorded', workload
                USING ERRCODE = 'undefined_object',
                      HINT = 'Runs are listed in eg.workloads.';
        END IF;
        WITH steps AS (
            SELECT a, s.action FROM eg.workload_step s JOIN eg.artifact a ON a.id = s.artifact
            WHERE s.workload = run
        ), sources AS (
            SELECT DISTINCT src AS a, NULL::text AS action
            FROM steps JOIN eg.operation o ON o.output = (steps.a).id
            CROSS JOIN LATERAL unnest(o.inputs) AS i(id)
            JOIN eg.artifact src ON src.id = i.id AND src.kind = 'source'
        ), nodes AS (
            SELECT * FROM steps UNION ALL SELECT * FROM sources
        ), edges AS (
            SELECT DISTINCT format('  "%s" -> "%s";', i.id::text, o.output::text) AS e
            FROM steps JOIN eg.operation o ON o.output = (steps.a).id
            CROSS JOIN LATERAL unnest(o.inputs) AS i(id)
        )
        SELECT coalesce((SELECT string_agg(eg._dot_node(a, action), E'\n' ORDER BY (a).step) FROM nodes), '')
               || E'\n' || coalesce((SELECT string_agg(e, E'\n' ORDER BY e) FROM edges), '')
        INTO body;
    ELSE
        SELECT coalesce((SELECT string_agg(eg._dot_node(a, NULL), E'\n' ORDER BY a.step, a.id)
                         FROM eg.artifact a), '')
               || E'\n' ||
               coalesce((SELECT string_agg(format('  "%s" -> "%s";', i.id::text, o.output::text),
                                           E'\n' ORDER BY o.output, i.n)
                         FROM eg.operation o CROSS JOIN LATERAL unnest(o.inputs) WITH ORDINALITY AS i(id, n)), '')
        INTO body;
    END IF;
    RETURN format(E'digraph eg {\n  rankdir=LR;\n  node [fontname="Helvetica", fontsize=10];\n'
                  '  edge [color="#666666"];\n%s\n}\n', body);
END $$;
COMMENT ON FUNCTION dot(text) IS 'Graphviz DOT of the latest run of a workload, or of the whole Experiment Graph';
