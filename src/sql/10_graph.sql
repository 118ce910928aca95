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
    lineage_relids  oid[] NOT NULL DEFAULT '{}',  -- every relation it derives from that its
                                            -- steps read with the caller's rights
    lineage_funcids oid[] NOT NULL DEFAULT '{}',  -- every function it and its ancestors call
    role            oid,                    -- the role its id covers (row-level security on
                                            -- a relation it read), or NULL
    potential       float8 NOT NULL DEFAULT 0,    -- best quality of a model it leads to
    recreation_seconds float8,              -- recompute it and its ancestors (each once)
    utility         float8,                 -- at the last materializer run
    status          text,                   -- why it is kept or not
    first_seen      timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_used       timestamptz NOT NULL DEFAULT clock_timestamp(),
    key             artifact_id,            -- its id from what its step names; NULL for sources
    read_relids     oid[] NOT NULL DEFAULT '{}',  -- its read set beyond those (its id covers
                                            -- their versions): what its functions read
    read_funcids    oid[] NOT NULL DEFAULT '{}',  -- the user functions its functions called
                                            -- (its id covers their definitions)
    read_names      text[] NOT NULL DEFAULT '{}'  -- read_relids' qualified names (pg_temp for
                                            -- temporary ones): a table eg.capture filled is
                                            -- found again by name once recreated
);
CREATE INDEX artifact_materialized ON artifact (id) WHERE materialized;
CREATE INDEX artifact_key ON artifact (key) WHERE read_relids <> '{}' OR read_funcids <> '{}';

-- Operations: the (hyper-)edges; one per derived artifact, since the id of
-- an artifact already determines the operation that made it.
CREATE TABLE operation (
    output      artifact_id PRIMARY KEY REFERENCES artifact ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('query', 'train')),
    inputs      artifact_id[] NOT NULL,     -- input steps (warm start: then the model it started from), then sources
    definition  text NOT NULL,              -- the query, or train function and params
    train       oid,                        -- train: the function (for warm starts)
    fingerprint bytea,                      -- the query's, or the train call's (changes.c)
    facets      text[]                      -- what its id covers: key, value, key, value, ...
);
CREATE INDEX operation_train ON operation (train, (inputs[1])) WHERE train IS NOT NULL;
CREATE INDEX operation_fingerprint ON operation (fingerprint) WHERE fingerprint IS NOT NULL;

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
CREATE INDEX workload_name ON workload (name, id);

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

-- Tables eg.capture filled (capture.c), each with the data version it was
-- given then (a change logged for it: no other relation or moment has
-- it): while its version is that one, its source id is the artifact it
-- holds (ident.c), so statements reading it are reused in any session,
-- whatever the table's oid.
CREATE TABLE captured (
    relid       oid PRIMARY KEY,
    version     text NOT NULL,
    artifact    artifact_id NOT NULL REFERENCES artifact ON DELETE CASCADE
);
CREATE INDEX captured_artifact ON captured (artifact);

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

-- Logs ALTER TABLE, ALTER MATERIALIZED VIEW (but renaming a relation) and
-- REFRESH MATERIALIZED VIEW on tracked relations (track.c).
CREATE FUNCTION _note_ddl() RETURNS event_trigger
    AS 'MODULE_PATHNAME', 'eg_note_ddl' LANGUAGE C;
CREATE EVENT TRIGGER eg_note_ddl ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'ALTER MATERIALIZED VIEW', 'REFRESH MATERIALIZED VIEW')
    EXECUTE FUNCTION _note_ddl();

-- Before DROP EXTENSION eg: drops the eg_track triggers eg put on users'
-- tables, which depend on _note_change() (track.c).
CREATE FUNCTION _before_drop() RETURNS event_trigger
    AS 'MODULE_PATHNAME', 'eg_before_drop' LANGUAGE C;
CREATE EVENT TRIGGER eg_before_drop ON ddl_command_start
    WHEN TAG IN ('DROP EXTENSION')
    EXECUTE FUNCTION _before_drop();

REVOKE ALL ON ALL TABLES IN SCHEMA eg FROM PUBLIC;
REVOKE ALL ON FUNCTION _note_ddl() FROM PUBLIC;
REVOKE ALL ON FUNCTION _before_drop() FROM PUBLIC;
