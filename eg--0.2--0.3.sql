-- eg--0.2--0.3.sql - upgrade eg from 0.2 to 0.3.
--
-- 0.3: DROP EXTENSION eg (without CASCADE) removes the eg_track triggers
-- eg put on users' tables (an event trigger before the drop, track.c);
-- artifacts record their read sets (readset.c); eg.aggregate takes
-- deterministic, as eg.dataset does.

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
ALTER TABLE artifact ADD COLUMN key artifact_id,
    ADD COLUMN read_relids oid[] NOT NULL DEFAULT '{}',
    ADD COLUMN read_funcids oid[] NOT NULL DEFAULT '{}';
UPDATE artifact SET key = id WHERE kind <> 'source';
CREATE INDEX artifact_key ON artifact (key) WHERE read_relids <> '{}' OR read_funcids <> '{}';

-- eg.aggregate(..., deterministic): a new parameter, so a new function.
DROP FUNCTION aggregate(text, text, text);
CREATE FUNCTION aggregate(step text, query text, quality_of text DEFAULT NULL,
                          deterministic bool DEFAULT NULL)
    RETURNS artifact_id
    AS 'MODULE_PATHNAME', 'eg_aggregate' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION aggregate(text, text, text, bool) IS 'define a small result; with quality_of, its first value scores that model step';
