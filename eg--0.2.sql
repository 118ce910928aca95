-- eg install script, part 0: the artifact id type.
\echo Use "CREATE EXTENSION eg" to load this file. \quit

CREATE TYPE artifact_id;

CREATE FUNCTION artifact_id_in(cstring) RETURNS artifact_id
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION artifact_id_out(artifact_id) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION artifact_id_recv(internal) RETURNS artifact_id
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION artifact_id_send(artifact_id) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE artifact_id (
    INPUT = artifact_id_in, OUTPUT = artifact_id_out,
    RECEIVE = artifact_id_recv, SEND = artifact_id_send,
    INTERNALLENGTH = 16, ALIGNMENT = char, STORAGE = plain
);
COMMENT ON TYPE artifact_id IS 'lineage id of an Experiment Graph artifact (128 bits, 32 hex digits)';

CREATE FUNCTION artifact_id_cmp(artifact_id, artifact_id) RETURNS int4
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION artifact_id_eq(artifact_id, artifact_id) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION artifact_id_ne(artifact_id, artifact_id) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION artifact_id_lt(artifact_id, artifact_id) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION artifact_id_le(artifact_id, artifact_id) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION artifact_id_gt(artifact_id, artifact_id) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION artifact_id_ge(artifact_id, artifact_id) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION artifact_id_hash(artifact_id) RETURNS int4
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR = (LEFTARG = artifact_id, RIGHTARG = artifact_id,
    PROCEDURE = artifact_id_eq, COMMUTATOR = =, NEGATOR = <>,
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR <> (LEFTARG = artifact_id, RIGHTARG = artifact_id,
    PROCEDURE = artifact_id_ne, COMMUTATOR = <>, NEGATOR = =,
    RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR < (LEFTARG = artifact_id, RIGHTARG = artifact_id,
    PROCEDURE = artifact_id_lt, COMMUTATOR = >, NEGATOR = >=,
    RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (LEFTARG = artifact_id, RIGHTARG = artifact_id,
    PROCEDURE = artifact_id_le, COMMUTATOR = >=, NEGATOR = >,
    RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR > (LEFTARG = artifact_id, RIGHTARG = artifact_id,
    PROCEDURE = artifact_id_gt, COMMUTATOR = <, NEGATOR = <=,
    RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR >= (LEFTARG = artifact_id, RIGHTARG = artifact_id,
    PROCEDURE = artifact_id_ge, COMMUTATOR = <=, NEGATOR = <,
    RESTRICT = scalargesel, JOIN = scalargejoinsel);

CREATE OPERATOR CLASS artifact_id_ops DEFAULT FOR TYPE artifact_id USING btree AS
    OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
    FUNCTION 1 artifact_id_cmp(artifact_id, artifact_id);
CREATE OPERATOR CLASS artifact_id_hash_ops DEFAULT FOR TYPE artifact_id USING hash AS
    OPERATOR 1 =, FUNCTION 1 artifact_id_hash(artifact_id);

-- Without eg on search_path the operators above are not found by name; an
-- implicit cast to text lets ids compare (and sort: hex order is byte order)
-- as text there, so `id = '...'` works in any session.
CREATE CAST (artifact_id AS text) WITH INOUT AS IMPLICIT;
CREATE CAST (text AS artifact_id) WITH INOUT AS ASSIGNMENT;
-- eg install script, part 1: the Experiment Graph tables (closed to PUBLIC;
-- users read them through the views of part 3).

-- Artifacts: the vertices.  A source artifact is a base table at one data
-- version; the others are results of steps.
CREATE TABLE artifact (
    id              artifact_id PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('source', 'dataset', 'aggregate', 'model')),
    step            text NOT NULL,          -- name when first seen (table name for sources)
    reusable        bool NOT NULL,          -- false: nondeterministic, never matched again
    frequency       int8 NOT NULL DEFAULT 0,  -- workloads that used it
    compute_seconds float8,                 -- measured seconds of its operation (latest run)
    load_seconds    float8,                 -- measured seconds of its latest load
    rows            int8,
    logical_bytes   int8,                   -- size as a PostgreSQL table (heap + TOAST)
    stored_bytes    int8 NOT NULL DEFAULT 0, -- its chunks compressed, each counted in full
    quality         float8 CHECK (quality BETWEEN 0 AND 1),
    materialized    bool NOT NULL DEFAULT false,
    lineage_relids  oid[] NOT NULL DEFAULT '{}',  -- every base table it derives from
    lineage_funcids oid[] NOT NULL DEFAULT '{}',  -- every function it and its ancestors call
    role            oid,                    -- the role its id covers (its content depends
                                            -- on the role's rights), or NULL
    potential       float8 NOT NULL DEFAULT 0,    -- best quality of a model it leads to
    recreation_seconds float8,              -- recompute it and its ancestors (each once)
    utility         float8,                 -- at the last materializer run
    status          text,                   -- why it is kept or not
    first_seen      timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_used       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX artifact_materialized ON artifact (id) WHERE materialized;

-- Operations: the (hyper-)edges; one per derived artifact, since the id of
-- an artifact already determines the operation that made it.
CREATE TABLE operation (
    output      artifact_id PRIMARY KEY REFERENCES artifact ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('query', 'train')),
    inputs      artifact_id[] NOT NULL,     -- input steps (warm start: then the model it started from), then sources
    definition  text NOT NULL,              -- the query, or train function and params
    train       oid                         -- train: the function (for warm starts)
);
CREATE INDEX operation_train ON operation (train, (inputs[1])) WHERE train IS NOT NULL;

-- Workloads: every run.
CREATE TABLE workload (
    id              bigserial PRIMARY KEY,
    name            text,
    role            oid NOT NULL,
    started         timestamptz NOT NULL,
    finished        timestamptz NOT NULL,
    seconds         float8 NOT NULL,
    seconds_saved   float8 NOT NULL,
    materializer_seconds float8             -- the materializer's own cost
);

CREATE TABLE workload_step (
    workload    int8 NOT NULL REFERENCES workload ON DELETE CASCADE,
    ord         int4 NOT NULL,
    step        text NOT NULL,
    artifact    artifact_id NOT NULL,
    action      text NOT NULL,
    seconds     float8 NOT NULL,
    PRIMARY KEY (workload, ord)
);
CREATE INDEX workload_step_artifact ON workload_step (artifact);

-- Data versions of base tables: one row per modifying statement, or one
-- row summing n compacted rows whose hashes add up to h (track.c).
CREATE TABLE source_change (
    seq     bigserial PRIMARY KEY,
    relid   oid NOT NULL,
    n       bigint NOT NULL DEFAULT 1 CHECK (n > 0),
    h       numeric                     -- NULL: hashint8extended(seq, 0)
);
CREATE INDEX source_change_relid ON source_change (relid);

-- Restore throughput measured on this database, for load-cost estimates.
CREATE TABLE load_stats (
    one     bool PRIMARY KEY DEFAULT true CHECK (one),
    bytes   float8 NOT NULL DEFAULT 0,
    seconds float8 NOT NULL DEFAULT 0
);
INSERT INTO load_stats DEFAULT VALUES;

-- Logs a modifying statement on a tracked base table (statement trigger).
CREATE FUNCTION _note_change() RETURNS trigger
    AS 'MODULE_PATHNAME', 'eg_note_change' LANGUAGE C;

-- Logs ALTER TABLE and REFRESH MATERIALIZED VIEW on tracked relations.
CREATE FUNCTION _note_ddl() RETURNS event_trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO eg.source_change (relid)
    SELECT DISTINCT c.objid FROM pg_event_trigger_ddl_commands() c
    WHERE c.classid = 'pg_class'::regclass
      AND EXISTS (SELECT 1 FROM eg.source_change s WHERE s.relid = c.objid);
END $$;
CREATE EVENT TRIGGER eg_note_ddl ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'REFRESH MATERIALIZED VIEW')
    EXECUTE FUNCTION _note_ddl();

REVOKE ALL ON ALL TABLES IN SCHEMA eg FROM PUBLIC;
REVOKE ALL ON FUNCTION _note_ddl() FROM PUBLIC;
-- 20_store.sql - the store's tables (src/store.c, src/segment.c).
--
-- A stored artifact is its column list (store_column) plus, per column, a
-- run of segments (store_segment) each pointing at a content-addressed
-- chunk (eg.chunk: the serialised segment as one zstd frame with a content
-- checksum, after the chunk's key, the SHA-256 of the uncompressed bytes;
-- src/segment_chunk.c has the format).  Chunks are shared by every segment
-- with the same content; a chunk lives while some segment references it
-- (freed by store_drop / store_sweep, see store.c for the protocol).
--
-- Closed to ordinary roles: no GRANT.  Only eg's C code reads and writes
-- these tables, as the extension owner.  They are a cache of in-memory
-- datum images tied to this cluster's type oids and architecture, so they
-- are deliberately not registered with pg_extension_config_dump.

CREATE TABLE chunk (
    hash         bytea PRIMARY KEY CHECK (length(hash) = 32),
    raw_bytes    bigint NOT NULL CHECK (raw_bytes > 0),     -- uncompressed segment
    stored_bytes bigint NOT NULL CHECK (stored_bytes > 0),  -- length(data)
    data         bytea NOT NULL                             -- key, then one zstd frame
);
-- already compressed: keep TOAST from compressing it again
ALTER TABLE chunk ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE store_artifact (
    artifact     artifact_id PRIMARY KEY,
    nrows        bigint NOT NULL CHECK (nrows >= 0),
    ncolumns     integer NOT NULL CHECK (ncolumns >= 0),
    raw_bytes    bigint NOT NULL DEFAULT 0,   -- serialised, uncompressed
    stored_bytes bigint NOT NULL DEFAULT 0,   -- its distinct chunks, compressed
    stored_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE store_column (
    artifact artifact_id NOT NULL
             REFERENCES store_artifact ON DELETE CASCADE,
    attnum   integer NOT NULL CHECK (attnum > 0),     -- 1..ncolumns
    name     name NOT NULL,
    typid    oid NOT NULL,
    typmod   integer NOT NULL,
    collid   oid NOT NULL,
    typesig  bytea NOT NULL,                          -- segment_type_signature
    PRIMARY KEY (artifact, attnum)
);

CREATE TABLE store_segment (
    artifact  artifact_id NOT NULL,
    attnum    integer NOT NULL,
    first_row bigint NOT NULL CHECK (first_row >= 0),
    nrows     integer NOT NULL CHECK (nrows > 0),
    chunk     bytea NOT NULL REFERENCES chunk (hash),
    PRIMARY KEY (artifact, attnum, first_row),
    FOREIGN KEY (artifact, attnum)
        REFERENCES store_column (artifact, attnum) ON DELETE CASCADE
);
-- "is this chunk still referenced?" for store_drop and store_sweep
CREATE INDEX store_segment_chunk_idx ON store_segment (chunk);
-- eg install script, part 3: the SQL interface (see README.md).

CREATE FUNCTION "begin"(workload text DEFAULT NULL) RETURNS void
    AS 'MODULE_PATHNAME', 'eg_begin' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION "begin"(text) IS 'start a new workload in this session';

CREATE FUNCTION dataset(step text, query text, deterministic bool DEFAULT NULL)
    RETURNS artifact_id
    AS 'MODULE_PATHNAME', 'eg_dataset' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION dataset(text, text, bool) IS 'define a step whose result is the rows of a SELECT';

CREATE FUNCTION aggregate(step text, query text, quality_of text DEFAULT NULL)
    RETURNS artifact_id
    AS 'MODULE_PATHNAME', 'eg_aggregate' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION aggregate(text, text, text) IS 'define a small result; with quality_of, its first value scores that model step';

CREATE FUNCTION model(step text, train regproc, input text, params jsonb DEFAULT '{}',
                      warm_start bool DEFAULT false)
    RETURNS artifact_id
    AS 'MODULE_PATHNAME', 'eg_model' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION model(text, regproc, text, jsonb, bool) IS 'define a step that trains a model: train(input regclass, params jsonb, warm_start bytea) returns bytea';

CREATE FUNCTION steps()
    RETURNS TABLE (step text, kind text, inputs text[], terminal bool)
    AS 'MODULE_PATHNAME', 'eg_steps' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION steps() IS 'the workload''s steps in order, the steps each reads, and whether it is terminal (no other step reads it)';

CREATE FUNCTION run(VARIADIC steps text[] DEFAULT NULL)
    RETURNS TABLE (step text, artifact artifact_id, kind text, action text,
                   seconds float8, rows int8, bytes int8)
    AS 'MODULE_PATHNAME', 'eg_run' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION run(text[]) IS 'plan, execute, record and materialize the workload (or what the named steps need)';

CREATE FUNCTION explain(VARIADIC steps text[] DEFAULT NULL)
    RETURNS TABLE (step text, artifact artifact_id, action text,
                   compute_cost float8, load_cost float8, reason text)
    AS 'MODULE_PATHNAME', 'eg_explain' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION explain(text[]) IS 'the plan eg.run would follow, with costs and reasons';

CREATE FUNCTION restore(artifact artifact_id, "into" text) RETURNS regclass
    AS 'MODULE_PATHNAME', 'eg_restore' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION restore(artifact_id, text) IS 'a stored artifact as a new table';

CREATE FUNCTION materialize()
    RETURNS TABLE (artifact artifact_id, action text, bytes int8)
    AS 'MODULE_PATHNAME', 'eg_materialize' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION materialize() IS 'run the materializer now (evicts to fit eg.budget)';

CREATE FUNCTION _live_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'eg_live_changed' LANGUAGE C;

-- May the caller see an artifact's metadata?  Exactly when it could restore
-- it (by_id): SELECT on every table of its lineage, EXECUTE on every
-- function, no table under row-level security for the caller, computed for
-- no other role (role: NULL or the caller).  Base tables' own (source)
-- artifacts: SELECT on the table.  Evaluated with the caller's rights
-- inside the views below.
CREATE FUNCTION _visible(relids oid[], funcids oid[], role oid, by_id bool) RETURNS bool
    AS 'MODULE_PATHNAME', 'eg_visible' LANGUAGE C STABLE PARALLEL SAFE;

-- Views: what users see of the graph and the store.  Rows are limited to
-- what the caller may use (README, "Access rights"); security_barrier keeps
-- the caller's own conditions from seeing the other rows first.
CREATE VIEW artifacts WITH (security_barrier) AS
    SELECT id, kind, step, materialized, frequency, compute_seconds, load_seconds,
           rows, logical_bytes, stored_bytes, quality, potential, recreation_seconds,
           utility, status, reusable, first_seen, last_used
    FROM eg.artifact
    WHERE eg._visible(lineage_relids, lineage_funcids, role, kind <> 'source');

CREATE VIEW operations WITH (security_barrier) AS
    SELECT o.output, o.kind, o.inputs, o.definition
    FROM eg.operation o JOIN eg.artifact a ON a.id = o.output
    WHERE eg._visible(a.lineage_relids, a.lineage_funcids, a.role, true);

-- Runs: those of the caller's roles (roles whose privileges it has).
CREATE VIEW workloads WITH (security_barrier) AS
    SELECT w.id, w.name, w.role::regrole AS role, w.started, w.finished, w.seconds,
           w.seconds_saved, w.materializer_seconds,
           (SELECT count(*) FROM eg.workload_step s WHERE s.workload = w.id AND s.action = 'computed') AS computed,
           (SELECT count(*) FROM eg.workload_step s WHERE s.workload = w.id AND s.action = 'loaded') AS loaded
    FROM eg.workload w
    WHERE pg_catalog.pg_has_role(w.role, 'USAGE');

-- The steps of those runs, with their artifacts' kind and inputs (eg.dot).
CREATE VIEW workload_steps WITH (security_barrier) AS
    SELECT s.workload, s.ord, s.step, s.artifact, a.kind, s.action, s.seconds,
           a.materialized, a.compute_seconds, o.inputs
    FROM eg.workload_step s
    JOIN eg.workload w ON w.id = s.workload
    JOIN eg.artifact a ON a.id = s.artifact
    LEFT JOIN eg.operation o ON o.output = s.artifact
    WHERE pg_catalog.pg_has_role(w.role, 'USAGE');

-- eg.budget in bytes (a function, so that the view loads the module and
-- with it the setting, even in a session that has not used eg yet).
CREATE FUNCTION _budget_bytes() RETURNS int8
    AS 'MODULE_PATHNAME', 'eg_budget_bytes' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE VIEW storage AS
    SELECT _budget_bytes() AS budget_bytes,
           (SELECT coalesce(sum(stored_bytes), 0) FROM eg.chunk)::int8 AS stored_bytes,
           (SELECT coalesce(sum(logical_bytes), 0) FROM eg.artifact WHERE materialized)::int8 AS logical_bytes,
           (SELECT count(*) FROM eg.artifact WHERE materialized) AS materialized_artifacts,
           (SELECT count(*) FROM eg.chunk) AS chunks,
           (SELECT coalesce(sum(stored_bytes), 0) FROM eg.artifact WHERE materialized)::int8 AS separate_bytes,
           round((SELECT coalesce(sum(stored_bytes), 0) FROM eg.artifact WHERE materialized)::numeric
                 / nullif((SELECT sum(stored_bytes) FROM eg.chunk), 0), 3) AS dedup_ratio,
           round((SELECT coalesce(sum(logical_bytes), 0) FROM eg.artifact WHERE materialized)::numeric
                 / nullif((SELECT sum(stored_bytes) FROM eg.artifact WHERE materialized), 0), 3) AS compression_ratio;

GRANT USAGE ON SCHEMA eg TO PUBLIC;
GRANT SELECT ON artifacts, operations, workloads, workload_steps, storage TO PUBLIC;

CREATE FUNCTION plan_graph(graph jsonb, mode text DEFAULT 'optimal') RETURNS jsonb
    AS 'MODULE_PATHNAME', 'eg_plan_graph' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION plan_graph(jsonb, text) IS 'the reuse planner alone, on a DAG given with its costs';

-- Test oracle: the planners against brute force on random DAGs.
CREATE FUNCTION _planner_check(graphs int, max_vertices int, seed int8) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'eg_planner_check' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
REVOKE ALL ON FUNCTION _planner_check(int, int, int8) FROM PUBLIC;
CREATE FUNCTION _planner_bench(workloads int, vertices int, seed int8) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'eg_planner_bench' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
REVOKE ALL ON FUNCTION _planner_bench(int, int, int8) FROM PUBLIC;
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
-- eg install script, part 5: eg.check, the store's and graph's invariants
-- verified (src/store_check.c says what each problem means).
--
-- Not for ordinary roles: it reads the store's internals (as the extension
-- owner, like the rest of eg's C code) and, with deep, reads and
-- decompresses every chunk.  The owner may GRANT EXECUTE to a monitoring
-- role.

CREATE FUNCTION "check"(deep bool DEFAULT true)
    RETURNS TABLE (problem text, artifact artifact_id, detail text)
    AS 'MODULE_PATHNAME', 'eg_check' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION "check"(bool) IS 'verify the store and the graph''s record of it: one row per problem, none when consistent (deep: also read and hash every chunk)';
REVOKE ALL ON FUNCTION "check"(bool) FROM PUBLIC;
