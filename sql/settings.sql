-- Settings: a step whose result a setting can change has that setting in
-- its id, so a result stored under one value is never loaded under another
-- (issue 16); a step no setting can change keeps its id across them.
CREATE TABLE settings_t (x float8, d date, ts timestamptz, iv interval, m numeric,
                         b bytea, s text, a text);
INSERT INTO settings_t VALUES
    (1, '2020-03-04', '2020-03-04 05:06:07+00', '1 day 02:03:04', 1234.5,
     '\x00ff', 'abc', '{a,NULL}'),
    (2, '2021-11-12', '2021-11-12 13:14:15+00', '-3 months', 0.25,
     '\x41', 'The Running Dogs ' || chr(233), NULL);
CREATE VIEW settings_v AS SELECT E'a\\b'::text AS c;
CREATE FUNCTION settings_err(v text) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN v::int::text;
EXCEPTION WHEN others THEN
    RETURN SQLERRM;
END $$;

-- Runs query q as step "s" of a new workload: what eg.run did with it, and
-- whether its rows are exactly what plain SQL gives now.  Every run is in a
-- new session (\c) so that the step is loaded from the store, not live.
CREATE FUNCTION settings_run(q text) RETURNS TABLE (action text, same_as_sql boolean)
LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM pg_catalog.set_config('eg.materializer', 'all', true);   -- keep every computed step
    PERFORM pg_catalog.set_config('eg.reuse', 'all_load', true);     -- load whatever is stored
    PERFORM eg.begin();
    PERFORM eg.dataset('s', q);
    SELECT r.action INTO action FROM eg.run() r;
    EXECUTE pg_catalog.format('SELECT NOT EXISTS (SELECT * FROM s EXCEPT ALL SELECT * FROM (%1$s) q) '
                              'AND NOT EXISTS (SELECT * FROM (%1$s) q EXCEPT ALL SELECT * FROM s)', q)
        INTO same_as_sql;
    RETURN NEXT;
END $f$;

-- The id of query q as a one-step workload (no run); NULL unless the step
-- is reusable (defined twice, the same id: a step that is not reusable
-- gets a new random id each time), so that ids differing across a setting
-- show the setting in the id, not a step that is never reused.
CREATE FUNCTION settings_id(q text) RETURNS eg.artifact_id
LANGUAGE plpgsql AS $$
DECLARE
    first eg.artifact_id;
BEGIN
    PERFORM eg.begin();
    first := eg.dataset('s', q);
    PERFORM eg.begin();
    RETURN CASE WHEN eg.dataset('s', q) = first THEN first END;
END $$;

-- (a) issue 16: float8 to text under extra_float_digits = 0, then the default
SET extra_float_digits = 0;
SELECT * FROM settings_run($$SELECT (x/7.0)::text AS t FROM settings_t$$);
SELECT t FROM s ORDER BY t;
\c
SELECT * FROM settings_run($$SELECT (x/7.0)::text AS t FROM settings_t$$);
SELECT t FROM s ORDER BY t;

-- (b) every setting of the list, each with a step whose result it changes:
-- stored under one value, run again under another (computed, equal to
-- plain SQL).  Only the C, C.UTF-8 and POSIX locales may exist in the test
-- cluster (no others are installed), and they format money, numbers, month
-- names and messages alike: for lc_monetary, lc_numeric, lc_time and
-- lc_messages the test shows that the id follows the setting (the second
-- run is computed), not a changed text.

-- TimeZone
\c
SET TimeZone = 'UTC';
SELECT * FROM settings_run($$SELECT ts::text AS v FROM settings_t$$);
\c
SET TimeZone = 'Europe/Berlin';
SELECT * FROM settings_run($$SELECT ts::text AS v FROM settings_t$$);
SELECT v FROM s ORDER BY v;

-- DateStyle
\c
SET DateStyle = 'ISO, MDY';
SELECT * FROM settings_run($$SELECT d::text AS v FROM settings_t$$);
\c
SET DateStyle = 'SQL, DMY';
SELECT * FROM settings_run($$SELECT d::text AS v FROM settings_t$$);
SELECT v FROM s ORDER BY v;

-- IntervalStyle
\c
SET IntervalStyle = 'postgres';
SELECT * FROM settings_run($$SELECT iv::text AS v FROM settings_t$$);
\c
SET IntervalStyle = 'iso_8601';
SELECT * FROM settings_run($$SELECT iv::text AS v FROM settings_t$$);
SELECT v FROM s ORDER BY v;

-- extra_float_digits (the issue's case above; here through an array cast)
\c
SET extra_float_digits = 0;
SELECT * FROM settings_run($$SELECT ARRAY[x/3]::text[] AS v FROM settings_t$$);
\c
SET extra_float_digits = 1;
SELECT * FROM settings_run($$SELECT ARRAY[x/3]::text[] AS v FROM settings_t$$);
SELECT v FROM s ORDER BY v;

-- lc_monetary (C and C.UTF-8 format money alike)
\c
SET lc_monetary = 'C';
SELECT * FROM settings_run($$SELECT m::money::text AS v FROM settings_t$$);
\c
SET lc_monetary = 'C.UTF-8';
SELECT * FROM settings_run($$SELECT m::money::text AS v FROM settings_t$$);

-- lc_numeric
\c
SET lc_numeric = 'C';
SELECT * FROM settings_run($$SELECT to_char(m, '9G999D99') AS v FROM settings_t$$);
\c
SET lc_numeric = 'C.UTF-8';
SELECT * FROM settings_run($$SELECT to_char(m, '9G999D99') AS v FROM settings_t$$);

-- lc_time
\c
SET lc_time = 'C';
SELECT * FROM settings_run($$SELECT to_char(d, 'TMMonth') AS v FROM settings_t$$);
\c
SET lc_time = 'C.UTF-8';
SELECT * FROM settings_run($$SELECT to_char(d, 'TMMonth') AS v FROM settings_t$$);

-- bytea_output
\c
SET bytea_output = 'hex';
SELECT * FROM settings_run($$SELECT b::text AS v FROM settings_t$$);
\c
SET bytea_output = 'escape';
SELECT * FROM settings_run($$SELECT b::text AS v FROM settings_t$$);
SELECT v FROM s ORDER BY v;

-- search_path (regclass output qualifies names not in the path)
\c
SET search_path = public;
SELECT * FROM settings_run($$SELECT 'public.settings_t'::regclass::text AS v$$);
\c
SET search_path = pg_catalog;
SELECT * FROM public.settings_run($$SELECT 'public.settings_t'::regclass::text AS v$$);
SELECT v FROM s;
RESET search_path;

-- default_text_search_config
\c
SET default_text_search_config = 'english';
SELECT * FROM settings_run($$SELECT to_tsvector(s)::text AS v FROM settings_t$$);
\c
SET default_text_search_config = 'simple';
SELECT * FROM settings_run($$SELECT to_tsvector(s)::text AS v FROM settings_t$$);
SELECT v FROM s ORDER BY v;

-- xmloption ('abc' is XML content, not a document)
\c
SET xmloption = content;
SELECT * FROM settings_run($$SELECT s, xml_is_well_formed(s) AS v FROM settings_t$$);
\c
SET xmloption = document;
SELECT * FROM settings_run($$SELECT s, xml_is_well_formed(s) AS v FROM settings_t$$);
SELECT v FROM s ORDER BY s;

-- xmlbinary
\c
SET xmlbinary = base64;
SELECT * FROM settings_run($$SELECT XMLELEMENT(name b, b)::text AS v FROM settings_t$$);
\c
SET xmlbinary = hex;
SELECT * FROM settings_run($$SELECT XMLELEMENT(name b, b)::text AS v FROM settings_t$$);
SELECT v FROM s ORDER BY v;

-- timezone_abbreviations (EST is -05 in Default, +10 in Australia)
\c
SET TimeZone = 'UTC';
SET timezone_abbreviations = 'Default';
SELECT * FROM settings_run($$SELECT (timestamptz '2020-01-01 00:00 EST')::text AS v$$);
\c
SET TimeZone = 'UTC';
SET timezone_abbreviations = 'Australia';
SELECT * FROM settings_run($$SELECT (timestamptz '2020-01-01 00:00 EST')::text AS v$$);
SELECT v FROM s;

-- array_nulls
\c
SET array_nulls = on;
SELECT * FROM settings_run($$SELECT a, (a::text[])[2] IS NULL AS v FROM settings_t$$);
\c
SET array_nulls = off;
SELECT * FROM settings_run($$SELECT a, (a::text[])[2] IS NULL AS v FROM settings_t$$);
SELECT v FROM s ORDER BY a;

-- lc_messages (an error message caught in PL/pgSQL; C and C.UTF-8 alike)
\c
SET lc_messages = 'C';
SELECT * FROM settings_run($$SELECT settings_err(s) AS v FROM settings_t$$);
\c
SET lc_messages = 'C.UTF-8';
SELECT * FROM settings_run($$SELECT settings_err(s) AS v FROM settings_t$$);
RESET lc_messages;

-- client_encoding (the binary send form of text is in the client's encoding)
\c
SET client_encoding = 'UTF8';
SELECT * FROM settings_run($$SELECT textsend(s) AS v FROM settings_t$$);
\c
SET client_encoding = 'LATIN1';
SELECT * FROM settings_run($$SELECT textsend(s) AS v FROM settings_t$$);
SELECT v FROM s ORDER BY v;
RESET client_encoding;

-- standard_conforming_strings (how a view's string constant is deparsed)
\c
SET standard_conforming_strings = on;
SELECT * FROM settings_run($$SELECT pg_get_viewdef('settings_v'::regclass) AS v$$);
\c
SET standard_conforming_strings = off;
SELECT * FROM settings_run($$SELECT pg_get_viewdef('settings_v'::regclass) AS v$$);
SELECT v FROM s;
RESET standard_conforming_strings;

-- quote_all_identifiers (quote_ident is IMMUTABLE, yet reads it)
\c
SET quote_all_identifiers = off;
SELECT * FROM settings_run($$SELECT quote_ident(s) AS v FROM settings_t$$);
\c
SET quote_all_identifiers = on;
SELECT * FROM settings_run($$SELECT quote_ident(s) AS v FROM settings_t$$);
SELECT v FROM s ORDER BY v;

-- transform_null_equals (x = NULL is read as x IS NULL when on)
\c
SET transform_null_equals = off;
SELECT * FROM settings_run($$SELECT count(*) AS v FROM settings_t WHERE a = NULL$$);
\c
SET transform_null_equals = on;
SELECT * FROM settings_run($$SELECT count(*) AS v FROM settings_t WHERE a = NULL$$);
SELECT v FROM s;

-- (c) a step no setting can change keeps its id across settings: loaded
\c
SET extra_float_digits = 0;
SELECT * FROM settings_run($$SELECT x * 2 AS v, (x::int)::text AS i, m::text AS n, d FROM settings_t$$);
\c
SET DateStyle = 'SQL, DMY';
SET TimeZone = 'Asia/Tokyo';
SET bytea_output = 'escape';
SELECT * FROM settings_run($$SELECT x * 2 AS v, (x::int)::text AS i, m::text AS n, d FROM settings_t$$);

-- (d) what the walker detects, by id: each query's id under two values of
-- a setting that changes its result (true: the ids differ)
\c
SELECT settings_id($$SELECT float8out(x)::text AS v FROM settings_t$$) AS a \gset
SET extra_float_digits = 0;
SELECT settings_id($$SELECT float8out(x)::text AS v FROM settings_t$$) <> :'a' AS output_function_call;
RESET extra_float_digits;
SELECT settings_id($$SELECT xmlserialize(content xmlelement(name a, x) AS text) AS v FROM settings_t$$) AS a \gset
SET extra_float_digits = 0;
SELECT settings_id($$SELECT xmlserialize(content xmlelement(name a, x) AS text) AS v FROM settings_t$$) <> :'a' AS xml_expression;
RESET extra_float_digits;
SELECT settings_id($$SELECT (x::text)::jsonb AS v FROM settings_t$$) AS a \gset
SET extra_float_digits = 0;
SELECT settings_id($$SELECT (x::text)::jsonb AS v FROM settings_t$$) <> :'a' AS float_text_jsonb;
RESET extra_float_digits;
CREATE VIEW settings_fv AS SELECT x::text AS v FROM settings_t;
-- a step reading a view is reusable (its id covers the view's definition
-- and the tables under it), and the view's conversions count
SELECT settings_id($$SELECT v FROM settings_fv$$) AS a \gset
SET extra_float_digits = 0;
SELECT settings_id($$SELECT v FROM settings_fv$$) <> :'a' AS through_a_view;
RESET extra_float_digits;
SELECT settings_id($$SELECT v FROM settings_fv$$) = :'a' AS view_step_reusable;
SET DateStyle = 'ISO, MDY';
SELECT settings_id($$SELECT date '03-04-2020' AS v$$) AS a \gset
SET DateStyle = 'ISO, DMY';
SELECT settings_id($$SELECT date '03-04-2020' AS v$$) <> :'a' AS date_constant;
RESET DateStyle;
SELECT settings_id($$SELECT timestamp '2020-01-01' AT TIME ZONE 'EST' AS v$$) AS a \gset
SET timezone_abbreviations = 'Australia';
SELECT settings_id($$SELECT timestamp '2020-01-01' AT TIME ZONE 'EST' AS v$$) <> :'a' AS zone_abbreviation;
RESET timezone_abbreviations;
-- not changed by any setting: integer and numeric text, float arithmetic
SELECT settings_id($$SELECT (x::int)::text AS i, x::numeric::text AS n, x / 3 AS f FROM settings_t$$) AS a \gset
SET extra_float_digits = 0;
SET DateStyle = 'SQL, DMY';
SELECT settings_id($$SELECT (x::int)::text AS i, x::numeric::text AS n, x / 3 AS f FROM settings_t$$) = :'a' AS same_id;
RESET extra_float_digits;
RESET DateStyle;
-- 'today' (and now, tomorrow, yesterday) in a date or time literal is read
-- when the query is parsed: such a step is never reused
SELECT eg.begin();
SELECT eg.dataset('today', $$SELECT date 'today' AS d$$) IS NOT NULL AS defined;
SELECT eg.dataset('now', $$SELECT 'now'::text::timestamptz AS t$$) IS NOT NULL AS defined;
SELECT eg.dataset('snow', $$SELECT date '2020-01-01' AS d, 'snow' AS s$$) IS NOT NULL AS defined;
SELECT step, action, reason FROM eg.explain() ORDER BY step;
-- gin_fuzzy_search_limit makes index scans return a random subset
SET gin_fuzzy_search_limit = 10;
SELECT eg.begin();
SELECT eg.dataset('fuzzy', $$SELECT x FROM settings_t$$) IS NOT NULL AS defined;
SELECT step, action, reason FROM eg.explain();
RESET gin_fuzzy_search_limit;
