-- Store: every built-in type family round-trips exactly through the store
-- (computed and stored, then loaded in a new session), with NULLs
-- everywhere, zero rows, one row, rows that cross segment boundaries,
-- values TOASTed in the source, and 1,000+ columns.  Loaded tables are
-- compared with their source value by value (text of the whole row, so
-- that -0, NaN and numeric scale count) and column by column (type,
-- typmod, collation).
SET eg.reuse = all_load;        -- load whatever is stored
SET eg.materializer = 'all';    -- store every computed step
SET eg.store_async = off;      -- stored before eg.run returns, tables of any size
SET extra_float_digits = 3;

CREATE TYPE ty_mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN ty_posint AS int CHECK (VALUE > 0);
CREATE DOMAIN ty_shorttext AS varchar(8) NOT NULL;
CREATE TYPE ty_inner AS (x int, label text);
CREATE TYPE ty_outer AS (i ty_inner, tags text[], amount numeric(10, 2));

-- scalar types, with the edge values of each; row 1 is all NULL
CREATE TABLE ty_src_scalar (
    id int, i2 int2, i4 int4, i8 int8, o oid, f4 float4, f8 float8,
    n numeric, n2 numeric(20, 5), t text, vc varchar(10), c char(5),
    tc text COLLATE "POSIX", vcc varchar(10) COLLATE "C", b bool, ba bytea,
    d date, tm time, ttz timetz, ts timestamp, tstz timestamptz(3),
    iv interval, u uuid, j json, jb jsonb, e ty_mood, dm ty_posint, ds ty_shorttext,
    nm name, ch "char", mo money, ip inet, cd cidr, mac macaddr,
    pt point, bx box, ir int4range, tsv tsvector, bt bit(5), vb varbit,
    ctid_ tid, x xml);
INSERT INTO ty_src_scalar (id, ds) VALUES (1, 'null');   -- NULL everywhere else
INSERT INTO ty_src_scalar VALUES
 (2, -32768, -2147483648, -9223372036854775808, 0, 'NaN', 'NaN',
  'NaN', 0.00001, '', '', '', 'é', 'a', false, '\x',
  '-infinity', '00:00', '00:00+14', '-infinity', '-infinity', '-178000000 years',
  '00000000-0000-0000-0000-000000000000', '{}', '{}', 'sad', 1, '',
  '', 'a', -92233720368547758.08, '0.0.0.0', '0.0.0.0/0', '00:00:00:00:00:00',
  '(0,0)', '((0,0),(0,0))', 'empty', '', B'00000', B'', '(0,0)', '<a/>'),
 (3, 32767, 2147483647, 9223372036854775807, 4294967295, 'Infinity', 'Infinity',
  '1e-1000', 12345678901234.56789, 'x', 'abcdefghij', 'abcde', 'Z', 'z', true, '\x00ff00',
  'infinity', '24:00', '23:59:59.999999-14', 'infinity', 'infinity', '178000000 years',
  'ffffffff-ffff-ffff-ffff-ffffffffffff', '[1, "two", {"three": null}]',
  '{"a": [1, 2.50, "x"], "b": {"c": null}}', 'happy', 2147483647, 'abcdefgh',
  repeat('n', 63), 'z', 92233720368547758.07, '::1', '2001:db8::/32', 'ff:ff:ff:ff:ff:ff',
  '(1e300,-1e-300)', '((1,2),(3,4))', '[1,2)', 'a fat cat', B'11111', B'101', '(4294967295,65535)',
  '<doc><x a="1">text &amp; more</x></doc>'),
 (4, 0, 0, 0, 1, '-Infinity', '-Infinity',
  '-123456789012345678901234567890.123456789012345678901234567890', -0.00001,
  'mixed ÄÖÜ ✓', 'ünïcødé', 'ab', 'b', 'B', true, '\xdeadbeef',
  '4713-01-01 BC', '12:34:56.789', '12:34:56+05:30', '2000-02-29 12:00:00.000001',
  '1999-12-31 23:59:59.999+00', '-1 mon 2 days -03:04:05.678', gen_random_uuid(),
  '  {"spaces" :  "kept" , "dup": 1, "dup": 2}  ', '{"dup": 1, "dup": 2}', 'ok', 42, 'x',
  'name with spaces', E'\\001', 0, '10.1.2.3/8', '10.0.0.0/8', '08:00:2b:01:02:03',
  '(-1.5,2.25)', '((-1,-1),(1,1))', '(,100]', 'the quick brown fox', B'10101', B'1', '(1,1)',
  '<?xml version="1.0"?><r/>'),
 (5, 1, -1, 1, 2, '-0', '-0', '-0', '0.0', repeat('s', 126), repeat('v', 10), ' ',
  repeat('p', 127), 'c', false, '\x0102', '2024-02-29', '23:59:59.999999', '00:00:00-00',
  '2024-02-29 00:00:00', '2024-02-29 00:00:00+00', '0', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  'null', 'null', 'sad', 7, 'y', 'n', 'q', 1.5, '192.168.0.1/24', '192.168.0.0/24',
  '01:02:03:04:05:06', '(1,1)', '((0,0),(1,1))', '[-5,5]', 'x:1A y:2B', B'00001',
  repeat('1', 100)::varbit, '(0,1)', ''),
 (6, 2, 2, 2, 3, 1.17549435e-38, 4.9e-324, 1e131071, 123.45, repeat('t', 127),
  NULL, NULL, NULL, NULL, NULL, decode(repeat('ab', 200), 'hex'),
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'z',
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);

-- arrays, enums, domains, composites
CREATE TABLE ty_src_nested (
    id int, ia int[], ia2 int[][], ta text[], na numeric[], ba bool[],
    lb int[], ea ty_mood[], comp ty_outer, comps ty_inner[], da ty_posint[], r int4range[]);
INSERT INTO ty_src_nested VALUES
 (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (2, '{}', '{}', '{}', '{}', '{}', '{}', '{}', ROW(NULL, NULL, NULL), '{}', '{}', '{}'),
 (3, '{1,NULL,3}', '{{1,2,3},{4,NULL,6}}', '{"a",NULL,"","with \"quotes\"",", comma"}',
  '{NaN,-0,1e-50,NULL}', '{t,f,NULL}', '[-2:0]={7,8,9}', '{happy,NULL,sad}',
  ROW(ROW(1, 'one'), '{x,NULL}', 9.99), ARRAY[ROW(1, 'a')::ty_inner, NULL, ROW(NULL, NULL)::ty_inner],
  '{1,2}', '{"[1,3)",empty,NULL}'),
 (4, ARRAY[1], '{{{1,2},{3,4}},{{5,6},{7,8}}}', ARRAY[repeat('long', 40)],
  ARRAY[123456789.123456789], '{t}', '[5:5]={1}', '{ok}',
  ROW(ROW(NULL, repeat('z', 300)), NULL, NULL), ARRAY[ROW(2, NULL)::ty_inner],
  '{3}', '{"(,)"}');

-- many rows: several segments per column, nulls in patterns, varlenas on
-- both sides of the 1-byte-header limit, a column entirely NULL
CREATE TABLE ty_src_long AS
SELECT g AS id,
       CASE WHEN g % 7 = 0 THEN NULL ELSE g * 1000003::int8 END AS big,
       CASE WHEN g % 3 = 0 THEN NULL ELSE repeat(chr(65 + g % 26), g % 300) END AS txt,
       CASE WHEN g % 11 = 0 THEN NULL ELSE (g % 2 = 0) END AS flag,
       (g / 7.0)::numeric(12, 4) AS num,
       NULL::text AS nothing,
       CASE WHEN g % 5 = 0 THEN NULL ELSE g::float4 / 3 END AS f,
       ('2020-01-01'::date + g % 1000) AS day
FROM generate_series(1, 150000) g;

-- a column so big that its segments end before the other columns' do
CREATE TABLE ty_src_split AS
SELECT g AS id, repeat(chr(65 + g % 26), 300000 + g) AS big, g % 3 = 0 AS flag
FROM generate_series(1, 200) g;

-- values TOASTed in the source: compressed inline, and external
CREATE TABLE ty_src_toast (id int, big text, blob bytea, doc jsonb, arr int[]);
INSERT INTO ty_src_toast
SELECT g, repeat('compressible ', 20000 * g),
       (SELECT string_agg(decode(md5(g::text || k::text), 'hex'), ''::bytea)
        FROM generate_series(1, 3000) k),
       (SELECT jsonb_object_agg('k' || k, md5(k::text)) FROM generate_series(1, 2000 * g) k),
       (SELECT array_agg(k) FROM generate_series(1, 5000) k)
FROM generate_series(1, 3) g;
INSERT INTO ty_src_toast VALUES (4, NULL, NULL, NULL, NULL);
-- many rows just under and just over the TOAST threshold
CREATE TABLE ty_src_edge AS
SELECT g AS id,
       (SELECT string_agg(md5((g * 100 + k)::text), '')
        FROM generate_series(1, CASE WHEN g % 2 = 0 THEN 60 ELSE 66 END) k) AS payload
FROM generate_series(1, 3000) g;
SELECT min(octet_length(payload)) < 2000 AND max(octet_length(payload)) > 2040 AS both_sides
FROM ty_src_edge;

-- 1,100 columns
DO $$
BEGIN
    EXECUTE 'CREATE TABLE ty_src_wide (' ||
        (SELECT string_agg(format('c%s int', g), ', ') FROM generate_series(1, 1100) g) ||
        ', tail text)';
    EXECUTE 'INSERT INTO ty_src_wide SELECT ' ||
        (SELECT string_agg(format('CASE WHEN r %% 3 = %s %% 3 THEN NULL ELSE r * %s END', g, g), ', ')
         FROM generate_series(1, 1100) g) ||
        ', repeat(''w'', r) FROM generate_series(1, 40) r';
END $$;

-- zero rows, one row, zero columns
CREATE TABLE ty_src_one AS SELECT 1 AS only_col;

-- compare a loaded table with its source: rows (as text) and columns
CREATE FUNCTION ty_same_rows(a regclass, b regclass) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM
                    ((SELECT row_a::text FROM %s row_a EXCEPT ALL SELECT row_b::text FROM %s row_b)
                     UNION ALL
                     (SELECT row_b::text FROM %s row_b EXCEPT ALL SELECT row_a::text FROM %s row_a)) d',
                   a, b, b, a) INTO n;
    RETURN n;
END $$;
CREATE FUNCTION ty_same_columns(a regclass, b regclass) RETURNS bool
LANGUAGE sql AS $$
    SELECT array_agg((attname, format_type(atttypid, atttypmod), attcollation) ORDER BY attnum)
               FILTER (WHERE attrelid = a)
         = array_agg((attname, format_type(atttypid, atttypmod), attcollation) ORDER BY attnum)
               FILTER (WHERE attrelid = b)
    FROM pg_attribute WHERE attrelid IN (a, b) AND attnum > 0 AND NOT attisdropped
$$;

CREATE FUNCTION ty_workload() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM eg.begin('types');
    PERFORM eg.dataset('ty_scalar', 'SELECT * FROM ty_src_scalar');
    PERFORM eg.dataset('ty_nested', 'SELECT * FROM ty_src_nested');
    PERFORM eg.dataset('ty_long', 'SELECT * FROM ty_src_long');
    PERFORM eg.dataset('ty_toast', 'SELECT * FROM ty_src_toast');
    PERFORM eg.dataset('ty_edge', 'SELECT * FROM ty_src_edge');
    PERFORM eg.dataset('ty_split', 'SELECT * FROM ty_src_split');
    PERFORM eg.dataset('ty_wide', 'SELECT * FROM ty_src_wide');
    PERFORM eg.dataset('ty_zero_rows', 'SELECT * FROM ty_src_long WHERE id < 0');
    PERFORM eg.dataset('ty_one_row', 'SELECT * FROM ty_src_one');
    PERFORM eg.dataset('ty_no_columns', 'SELECT FROM ty_src_scalar');
END $$;

SELECT ty_workload();
SELECT step, action, rows FROM eg.run() ORDER BY step;
SELECT step, materialized FROM eg.artifacts WHERE kind = 'dataset' AND step LIKE 'ty\_%' ORDER BY step;
SELECT c.name, count(*) AS segments
FROM eg.store_segment s JOIN eg.store_column c ON c.artifact = s.artifact AND c.attnum = s.attnum
JOIN eg.artifacts a ON a.id = s.artifact
WHERE a.kind = 'dataset' AND a.step = 'ty_split' GROUP BY c.attnum, c.name ORDER BY c.attnum;

-- a new session: every step is loaded from the store
\c
SET eg.reuse = all_load;
SET eg.materializer = 'all';
SET eg.store_async = off;
SET extra_float_digits = 3;
SELECT ty_workload();
SELECT step, action, rows FROM eg.run() ORDER BY step;

SELECT s.step, ty_same_rows(s.tbl, s.src) AS differing_rows, ty_same_columns(s.tbl, s.src) AS same_columns
FROM (VALUES ('ty_scalar', 'pg_temp.ty_scalar'::regclass, 'ty_src_scalar'::regclass),
             ('ty_nested', 'pg_temp.ty_nested', 'ty_src_nested'),
             ('ty_long', 'pg_temp.ty_long', 'ty_src_long'),
             ('ty_toast', 'pg_temp.ty_toast', 'ty_src_toast'),
             ('ty_edge', 'pg_temp.ty_edge', 'ty_src_edge'),
             ('ty_split', 'pg_temp.ty_split', 'ty_src_split'),
             ('ty_wide', 'pg_temp.ty_wide', 'ty_src_wide'),
             ('ty_one_row', 'pg_temp.ty_one_row', 'ty_src_one')) s(step, tbl, src)
ORDER BY s.step;
SELECT count(*) AS zero_rows, ty_same_columns('pg_temp.ty_zero_rows', 'ty_src_long') AS same_columns
FROM ty_zero_rows;
SELECT count(*) AS rows_without_columns FROM ty_no_columns;

-- exact values the text comparison could hide
SELECT id, f4::text, f8::text, left(n::text, 24) AS n, length(n::text) AS n_len, n2,
       f8 = '-0' AS f8_is_zero, (f8::text = '-0') AS f8_negative_zero
FROM ty_scalar WHERE id IN (2, 3, 4, 5, 6) ORDER BY id;
SELECT id, c, length(c) AS len, octet_length(c::text) AS octets, left(tc, 8) AS tc,
       length(tc) AS tc_len, pg_collation_for(tc), vcc, pg_collation_for(vcc)
FROM ty_scalar WHERE id IN (2, 4, 5) ORDER BY id;
SELECT array_dims(ia2), array_lower(lb, 1), ia2[2][2] IS NULL AS inner_null, (comp).i.label
FROM ty_nested WHERE id = 3;
SELECT id, length(big), md5(big) = (SELECT md5(big) FROM ty_src_toast s WHERE s.id = t.id) AS big_same,
       md5(blob) = (SELECT md5(blob) FROM ty_src_toast s WHERE s.id = t.id) AS blob_same
FROM ty_toast t ORDER BY id;
SELECT count(*) FILTER (WHERE id % 7 = 0) = count(*) FILTER (WHERE big IS NULL) AS nulls_kept,
       count(DISTINCT length(txt)) AS lengths, max(length(txt)) AS longest
FROM ty_long;
SELECT c1, c2, c3, c1100, tail FROM ty_wide ORDER BY c1100 NULLS FIRST, tail LIMIT 3;

-- a restored temp table is laid out as CREATE TABLE AS would lay it out
CREATE TEMP TABLE ty_copy_long AS SELECT * FROM ty_src_long;
SELECT pg_relation_size('pg_temp.ty_long') = pg_relation_size('ty_copy_long') AS same_size,
       (SELECT array_agg(ctid ORDER BY id) FROM ty_long WHERE id % 10000 = 1)
     = (SELECT array_agg(ctid ORDER BY id) FROM ty_copy_long WHERE id % 10000 = 1) AS same_places;

-- the loaded tables are ordinary tables: they can be changed and queried
UPDATE ty_long SET txt = 'changed' WHERE id = 1;
SELECT txt FROM ty_long WHERE id = 1;
SELECT count(*) FROM ty_long WHERE txt IS NULL;

-- eg.restore into a permanent table (the general insert path) and a temp one
SELECT eg.restore(a.id, 'ty_restored_scalar') IS NOT NULL AS restored
FROM eg.artifacts a WHERE a.kind = 'dataset' AND a.step = 'ty_scalar';
SELECT ty_same_rows('ty_restored_scalar', 'ty_src_scalar') AS differing_rows,
       ty_same_columns('ty_restored_scalar', 'ty_src_scalar') AS same_columns,
       relpersistence FROM pg_class WHERE oid = 'ty_restored_scalar'::regclass;
SELECT eg.restore(a.id, 'ty_restored_toast') IS NOT NULL AS restored
FROM eg.artifacts a WHERE a.kind = 'dataset' AND a.step = 'ty_toast';
SELECT ty_same_rows('ty_restored_toast', 'ty_src_toast') AS differing_rows;
SELECT eg.restore(a.id, 'pg_temp.ty_restored_edge') IS NOT NULL AS restored
FROM eg.artifacts a WHERE a.kind = 'dataset' AND a.step = 'ty_edge';
SELECT ty_same_rows('pg_temp.ty_restored_edge', 'ty_src_edge') AS differing_rows;
SELECT eg.restore(a.id, 'ty_restored_wide') IS NOT NULL AS restored
FROM eg.artifacts a WHERE a.kind = 'dataset' AND a.step = 'ty_wide';
SELECT ty_same_rows('ty_restored_wide', 'ty_src_wide') AS differing_rows;


DROP TABLE ty_restored_scalar, ty_restored_toast, ty_restored_wide;
