-- eg install script, part 3: the SQL interface (see README.md).

CREATE FUNCTION "begin"(workload text DEFAULT NULL) RETURNS void
    AS 'MODULE_PATHNAME', 'eg_begin' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION "begin"(text) IS 'start a new workload in this session';

CREATE FUNCTION dataset(step text, query text, deterministic bool DEFAULT NULL)
    RETURNS artifact_id
    AS 'MODULE_PATHNAME', 'eg_dataset' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION dataset(text, text, bool) IS 'define a step whose result is the rows of a SELECT';

CREATE FUNCTION aggregate(step text, query text, quality_of text DEFAULT NULL,
                          deterministic bool DEFAULT NULL)
    RETURNS artifact_id
    AS 'MODULE_PATHNAME', 'eg_aggregate' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION aggregate(text, text, text, bool) IS 'define a small result; with quality_of, its first value scores that model step';

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

CREATE FUNCTION columns(rel regclass, VARIADIC names text[] DEFAULT NULL)
    RETURNS TABLE (name text, data bytea)
    AS 'MODULE_PATHNAME', 'eg_columns' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION columns(regclass, text[]) IS 'a relation''s columns (default: every numeric and boolean one) as packed little-endian float8, a bytea each, NULL as NaN: numpy.frombuffer(data)';

CREATE FUNCTION artifact_columns(artifact artifact_id, VARIADIC names text[] DEFAULT NULL)
    RETURNS TABLE (name text, data bytea)
    AS 'MODULE_PATHNAME', 'eg_artifact_columns' LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION artifact_columns(artifact_id, text[]) IS 'eg.columns of a stored artifact, read from the store';

CREATE FUNCTION materialize()
    RETURNS TABLE (artifact artifact_id, action text, bytes int8)
    AS 'MODULE_PATHNAME', 'eg_materialize' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION materialize() IS 'run the materializer now (evicts to fit eg.budget)';

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
