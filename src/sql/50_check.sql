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
