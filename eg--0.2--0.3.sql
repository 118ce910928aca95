-- eg--0.2--0.3.sql - upgrade eg from 0.2 to 0.3.
--
-- 0.3: DROP EXTENSION eg (without CASCADE) removes the eg_track triggers
-- eg put on users' tables (an event trigger before the drop, track.c);
-- artifacts record their read sets (readset.c); eg.aggregate takes
-- deterministic, as eg.dataset does; eg.dot draws a legend; operations
-- record what their ids cover, for eg.explain to say what changed;
-- eg.store_async's jobs; eg.capture's tables (captured).

\echo Use "ALTER EXTENSION eg UPDATE TO '0.3'" to load this file. \quit

-- Before DROP EXTENSION eg: drops the eg_track triggers eg put on users'
-- tables, which depend on _note_change() (track.c).
CREATE FUNCTION _before_drop() RETURNS event_trigger
    AS 'MODULE_PATHNAME', 'eg_before_drop' LANGUAGE C;
CREATE EVENT TRIGGER eg_before_drop ON ddl_command_start
    WHEN TAG IN ('DROP EXTENSION')
    EXECUTE FUNCTION _before_drop();

REVOKE ALL ON FUNCTION _before_drop() FROM PUBLIC;

-- Read sets: an artifact's key (its id from what its step names), the
-- relations its functions read and the functions they called beyond those.  0.2 recorded none, so an
-- artifact of 0.2 keeps its id as its key (a step calling a function that
-- is not IMMUTABLE had the role in its id then, so it is computed once
-- more; an IMMUTABLE function reads no table, as PostgreSQL requires).
-- read_names: the relations' qualified names, by which a table eg.capture
-- filled is found again once recreated.
ALTER TABLE artifact ADD COLUMN key artifact_id,
    ADD COLUMN read_relids oid[] NOT NULL DEFAULT '{}',
    ADD COLUMN read_funcids oid[] NOT NULL DEFAULT '{}',
    ADD COLUMN read_names text[] NOT NULL DEFAULT '{}';
UPDATE artifact SET key = id WHERE kind <> 'source';
CREATE INDEX artifact_key ON artifact (key) WHERE read_relids <> '{}' OR read_funcids <> '{}';

-- eg.aggregate(..., deterministic): a new parameter, so a new function.
DROP FUNCTION aggregate(text, text, text);
CREATE FUNCTION aggregate(step text, query text, quality_of text DEFAULT NULL,
                          deterministic bool DEFAULT NULL)
    RETURNS artifact_id
    AS 'MODULE_PATHNAME', 'eg_aggregate' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION aggregate(text, text, text, bool) IS 'define a small result; with quality_of, its first value scores that model step';
-- eg.dot draws a legend (issue 17)
CREATE OR REPLACE FUNCTION dot(workload text DEFAULT NULL) RETURNS text
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

-- What an operation's id covers, so that eg.explain can say what changed
-- since a step's last run (changes.c); operations of 0.2 have none.
ALTER TABLE operation ADD COLUMN fingerprint bytea, ADD COLUMN facets text[];
CREATE INDEX operation_fingerprint ON operation (fingerprint) WHERE fingerprint IS NOT NULL;
CREATE INDEX workload_name ON workload (name, id);

-- Stores in progress of eg.store_async's workers (src/sql/20_store.sql).
CREATE TABLE store_job (
    artifact artifact_id NOT NULL,
    pid      integer NOT NULL,
    seconds  double precision NOT NULL,
    queued   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX store_job_artifact ON store_job (artifact);

-- Tables eg.capture filled (src/sql/10_graph.sql).
CREATE TABLE captured (
    relid       oid PRIMARY KEY,
    version     text NOT NULL,
    artifact    artifact_id NOT NULL REFERENCES artifact ON DELETE CASCADE
);
CREATE INDEX captured_artifact ON captured (artifact);
REVOKE ALL ON captured FROM PUBLIC;

-- Renaming a relation is not a change of its data, renaming a column of a
-- materialized view is (src/sql/10_graph.sql).
CREATE OR REPLACE FUNCTION _note_ddl() RETURNS event_trigger
    AS 'MODULE_PATHNAME', 'eg_note_ddl' LANGUAGE C;
ALTER EVENT TRIGGER eg_note_ddl RENAME TO eg_note_ddl_0_2;
DROP EVENT TRIGGER eg_note_ddl_0_2;
CREATE EVENT TRIGGER eg_note_ddl ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'ALTER MATERIALIZED VIEW', 'REFRESH MATERIALIZED VIEW')
    EXECUTE FUNCTION _note_ddl();

-- A relation's or a stored artifact's columns as float8 arrays, for numpy
-- (src/sql/30_api.sql).
CREATE FUNCTION columns(rel regclass, VARIADIC names text[] DEFAULT NULL)
    RETURNS TABLE (name text, data bytea)
    AS 'MODULE_PATHNAME', 'eg_columns' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION columns(regclass, text[]) IS 'a relation''s columns (default: every numeric and boolean one) as packed little-endian float8, a bytea each, NULL as NaN: numpy.frombuffer(data)';

CREATE FUNCTION artifact_columns(artifact artifact_id, VARIADIC names text[] DEFAULT NULL)
    RETURNS TABLE (name text, data bytea)
    AS 'MODULE_PATHNAME', 'eg_artifact_columns' LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION artifact_columns(artifact_id, text[]) IS 'eg.columns of a stored artifact, read from the store';

-- A chunk's bytes may live in eg.chunk_data, which eg.distribute_store()
-- distributes over a Citus cluster's workers (src/sql/20_store.sql).
ALTER TABLE chunk ALTER COLUMN data DROP NOT NULL;
CREATE TABLE chunk_data (
    hash         bytea PRIMARY KEY CHECK (length(hash) = 32),
    raw_bytes    bigint NOT NULL CHECK (raw_bytes > 0),
    data         bytea NOT NULL
);
ALTER TABLE chunk_data ALTER COLUMN data SET STORAGE EXTERNAL;

-- On a Citus coordinator: the store's chunk bytes become a distributed
-- table hashed on the chunk key (src/sql/20_store.sql, src/citus.c).
-- Store-wide, so superusers only.  Idempotent.
CREATE FUNCTION distribute_store() RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, eg, pg_temp
    AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION 'eg.distribute_store() needs Citus'
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'Run it on a Citus coordinator, after CREATE EXTENSION citus.';
    END IF;
    -- no chunk is added meanwhile (nor a second call); readers and puts
    -- sharing chunks go on
    LOCK TABLE eg.chunk IN SHARE ROW EXCLUSIVE MODE;
    IF EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'eg.chunk_data'::regclass) THEN
        RAISE NOTICE 'the store is distributed already';
        RETURN;
    END IF;
    PERFORM create_distributed_table('eg.chunk_data', 'hash');
    INSERT INTO eg.chunk_data (hash, raw_bytes, data)
        SELECT hash, raw_bytes, data FROM eg.chunk WHERE data IS NOT NULL;
    UPDATE eg.chunk SET data = NULL WHERE data IS NOT NULL;
END
$$;
REVOKE ALL ON FUNCTION distribute_store() FROM PUBLIC;
COMMENT ON FUNCTION distribute_store() IS 'on a Citus coordinator: spread the store''s chunks over the workers (idempotent)';
