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
