-- eg.columns(rel, VARIADIC names) and eg.artifact_columns(artifact, VARIADIC
-- names): a relation's (a stored artifact's) columns as packed
-- little-endian float8, one bytea per column, in scan order, NULL as NaN.
-- Each column is compared with what plain SQL gives: the value cast to
-- float8 (numeric's own cast; dates and timestamps as extract(epoch ...)),
-- its bytes reversed from float8send's big-endian, concatenated in scan
-- order.
CREATE FUNCTION le(x float8) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT string_agg(substr(float8send(coalesce(x, 'NaN')), 9 - i, 1), ''::bytea ORDER BY i)
    FROM generate_series(1, 8) i
$$;
-- a column as plain SQL packs it: expr over rel, in scan order
CREATE FUNCTION packed(rel text, expr text) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE b bytea;
BEGIN
    EXECUTE format('SELECT coalesce(string_agg(le((%s)::float8), ''''::bytea), ''''::bytea) FROM %s', expr, rel)
        INTO b;
    RETURN b;
END $$;
-- each column eg.columns gave for rel: equal to plain SQL's packing of it
-- (dates and timestamps: extract(epoch)), and how many values it has
CREATE FUNCTION check_columns(rel text, VARIADIC names text[] DEFAULT NULL)
RETURNS TABLE (name text, n int, same bool) LANGUAGE plpgsql AS $$
DECLARE
    c record;
    expr text;
BEGIN
    FOR c IN SELECT * FROM eg.columns(rel::regclass, VARIADIC names) LOOP
        SELECT CASE WHEN format_type(atttypid, NULL) IN ('date', 'timestamp without time zone',
                                                        'timestamp with time zone')
                    THEN format('extract(epoch FROM %I)', c.name)
                    WHEN format_type(atttypid, NULL) = 'boolean' THEN format('%I::int', c.name)
                    ELSE quote_ident(c.name) END
          INTO expr FROM pg_attribute WHERE attrelid = rel::regclass AND attname = c.name;
        name := c.name;
        n := length(c.data) / 8;
        same := c.data = packed(rel, expr);
        RETURN NEXT;
    END LOOP;
END $$;

-- 1. every supported type, NULLs, a domain; the default: every numeric and
-- boolean column, in column order (not dates, text, or dropped columns)
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TABLE ct (
    i int, s int2, b int8, r float4, d float8, n numeric, flag bool, t text,
    dt date, ts timestamp, tz timestamptz, p posint, gone int);
ALTER TABLE ct DROP COLUMN gone;
INSERT INTO ct
SELECT g, (g * 7)::int2, g::int8 * 1000000000001, g / 7.0::float4, g / 3.0, (g * 1.25)::numeric,
       g % 2 = 0, 'x' || g, date '2000-02-28' + g * 400,
       timestamp '1969-12-31 23:59:58.5' + g * interval '1 year 3 hours 7.123456 seconds',
       timestamptz '2024-03-10 01:30:00.000001+00' + g * interval '17 minutes', g
FROM generate_series(1, 40) g;
INSERT INTO ct (i) VALUES (NULL);
INSERT INTO ct (i, n, dt, ts, tz) VALUES (-1, 'NaN', 'infinity', '-infinity', 'infinity');
-- timestamps more than 2^53 microseconds from 1970 (the review found them
-- rounded twice)
INSERT INTO ct (i, ts, tz) VALUES (-2, '1600-03-30 23:59:59.876543', '2300-01-01 00:00:00.000001+00'),
    (-3, '4000-02-29 12:34:56.789012', '0100-01-01 00:00:00.000003+00');
SELECT * FROM check_columns('ct');
SELECT * FROM check_columns('ct', 'dt', 'ts', 'tz', 'n', 'i', 'i');
-- the bytes of a few values, written out: little-endian, NULL as NaN
SELECT name, data FROM eg.columns('ct', 'i', 'flag') WHERE true;
SELECT encode(data, 'hex') FROM eg.columns('ct', 'dt');

-- 2. numerics of every shape: the fast path (few digits, small exponent)
-- and the rest give numeric's own cast, bit for bit
CREATE TABLE cn (v numeric);
INSERT INTO cn VALUES (0), (1), (-1), (0.1), (0.3), (-2.5), (1234.5678), (123456789012.3456),
    (9007199254740993), (12345678901234567890), (0.000000000000000000001234),
    (1e-30), (1e30), (1.5e22), (3.14159265358979323846264338327950288),
    (99999999.99999999), (-0.00001), (100000000), (2e-22), (7e22), ('Infinity'), ('-Infinity'),
    (NULL), ('NaN');
INSERT INTO cn SELECT (g * 0.01 - 37)::numeric(12, 4) FROM generate_series(1, 5000) g;
INSERT INTO cn SELECT round((g ^ 1.7)::numeric / 3, 9) FROM generate_series(1, 2000) g;
SELECT * FROM check_columns('cn');

-- the store is read in subtransactions: eg.artifact_columns is PARALLEL
-- UNSAFE (the review found it failing in a parallel query)
SELECT proname, provolatile, proparallel FROM pg_proc
WHERE pronamespace = 'eg'::regnamespace AND proname IN ('columns', 'artifact_columns') ORDER BY 1;

-- 3. what is not read: an unsupported type, an unknown or dropped column,
-- NULLs given for names or the relation
SELECT * FROM eg.columns('ct', 'i', 't');
SELECT * FROM eg.columns('ct', 'nope');
SELECT * FROM eg.columns('ct', 'gone');
SELECT * FROM eg.columns('ct', 'ctid');
SELECT * FROM eg.columns('ct', VARIADIC ARRAY['i', NULL]);
SELECT * FROM eg.columns(NULL);
SELECT * FROM eg.columns('no_such_table');
-- no names: no rows
SELECT * FROM eg.columns('ct', VARIADIC '{}');
-- a relation with no numeric column: no rows
CREATE TABLE ctext (t text);
SELECT * FROM eg.columns('ctext');

-- 4. an empty relation: each column empty
CREATE TABLE cempty (a int, b float8);
SELECT name, length(data) FROM eg.columns('cempty');

-- 5. views, and inheritance (a parent reads its children, as SELECT does)
CREATE VIEW cv AS SELECT i * 2 AS i2, d FROM ct WHERE i > 10;
SELECT * FROM check_columns('cv');
CREATE TABLE cchild (extra int) INHERITS (cempty);
INSERT INTO cempty VALUES (1, 1.5);
INSERT INTO cchild VALUES (2, 2.5, 9);
SELECT name, length(data) / 8 AS n FROM eg.columns('cempty');

-- 6. rights: the caller's, as SELECT (table and column privileges, row-level
-- security)
CREATE ROLE regress_cols_reader;
CREATE ROLE regress_cols_nobody;
CREATE TABLE csec (id int, owner text, v float8, hidden float8);
INSERT INTO csec SELECT g, CASE WHEN g % 3 = 0 THEN 'regress_cols_reader' ELSE 'other' END, g, -g
FROM generate_series(1, 30) g;
GRANT SELECT (id, owner, v) ON csec TO regress_cols_reader;
ALTER TABLE csec ENABLE ROW LEVEL SECURITY;
CREATE POLICY csec_own ON csec USING (owner = current_user);
SET ROLE regress_cols_nobody;
SELECT * FROM eg.columns('csec', 'v');
SET ROLE regress_cols_reader;
-- the columns it may read, the rows its policy shows
SELECT name, length(data) / 8 AS n FROM eg.columns('csec', 'id', 'v');
-- the default includes a column it may not read
SELECT * FROM eg.columns('csec');
RESET ROLE;

-- 7. a cancel interrupts it
CREATE TABLE cbig AS SELECT g AS a, g * 0.5 AS b FROM generate_series(1, 300000) g;
SET statement_timeout = '1ms';
\set VERBOSITY terse
SELECT count(*) FROM eg.columns('cbig');
\set VERBOSITY default
RESET statement_timeout;

-- 8. a step's table that eg.run loaded, and the stored artifact itself
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SELECT eg.begin('columns');
SELECT eg.dataset('feats', $$SELECT i, d, n, flag, dt FROM ct WHERE i > 5$$) AS feats_id \gset
SELECT step, action FROM eg.run();
\c
SET eg.reuse = all_load;
SELECT eg.begin('columns');
SELECT eg.dataset('feats', $$SELECT i, d, n, flag, dt FROM ct WHERE i > 5$$) IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT * FROM check_columns('feats');
-- from the store: the same bytes as from the table it was loaded into
SELECT a.name, a.data = c.data AS same_as_table
FROM eg.artifact_columns(:'feats_id') a JOIN eg.columns('feats') c USING (name);
SELECT name, length(data) / 8 AS n FROM eg.artifact_columns(:'feats_id', 'dt', 'i');
-- (errors with the artifact's id masked)
CREATE FUNCTION masked(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE msg text; detail text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN regexp_replace(msg || coalesce(' / ' || nullif(detail, ''), ''), '[0-9a-f]{32}', '<id>', 'g');
END $$;
GRANT EXECUTE ON FUNCTION masked(text) TO PUBLIC;
SELECT masked(format('SELECT * FROM eg.artifact_columns(%L, %L)', :'feats_id', 'nope'));
SELECT * FROM eg.artifact_columns(:'feats_id', VARIADIC '{}');
-- rights: the artifact's lineage, as eg.restore
GRANT USAGE ON SCHEMA eg TO regress_cols_nobody;
SET ROLE regress_cols_nobody;
SELECT masked(format('SELECT * FROM eg.artifact_columns(%L)', :'feats_id'));
RESET ROLE;
SELECT * FROM eg.artifact_columns('00000000000000000000000000000000');
SELECT * FROM eg.artifact_columns(NULL);

-- clean up
DROP TABLE ct, cn, ctext, cempty, cchild, csec, cbig CASCADE;
DROP DOMAIN posint;
DROP FUNCTION check_columns(text, text[]), packed(text, text), le(float8), masked(text);
REVOKE USAGE ON SCHEMA eg FROM regress_cols_nobody;
DROP ROLE regress_cols_reader, regress_cols_nobody;
DELETE FROM eg.workload;
DELETE FROM eg.store_artifact;
DELETE FROM eg.chunk;
DELETE FROM eg.artifact;
