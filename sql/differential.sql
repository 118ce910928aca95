-- Differential test (issue 16, "How it is checked"): random sequences of
-- operations, chosen by a seeded generator, and after every workload run a
-- comparison of each step's table with the same query run now as plain SQL
-- by the same role.  Invariants 1 and 3: whatever eg hands out (computed,
-- loaded from the store, or live in the session) equals plain SQL, and a
-- role lacking a right fails exactly as plain SQL fails (same SQLSTATE and
-- message).  The operations:
--   run       the steps one target step needs, of a workload of six chained
--             steps (filter, join, group-by, user functions of their
--             arguments, text forms of floats, dates, times, intervals,
--             bytea and XML that settings change, an aggregate), as one of
--             three roles, after dropping the step tables (so that eg loads
--             or computes), or often keeping them (live) when the same role
--             ran last;
--   dml       INSERT/UPDATE/DELETE/TRUNCATE on one of the three tables (a
--             COPY between the two halves of the run, below);
--   redefine  CREATE OR REPLACE FUNCTION with another of three bodies;
--   setting   a setting that changes results (IdentHashSettings, ident.c);
--   grant     GRANT or REVOKE of SELECT on a table or EXECUTE on a function.
-- eg.reuse = all_load and eg.materializer = 'all' make every stored step be
-- loaded: the output counts loaded and computed steps (a substantial share
-- must be loaded, or the test proves nothing) and lists the differences
-- (none).  Only counts are printed, never timings or ids.
--
-- Read sets: step diff_l calls diff_lookup, which reads table diff_lut -
-- read by no step's query - directly or through view diff_lut_v (whose
-- owner's rights read the table), so only what eg recorded while the step
-- ran tells that a change of diff_lut or a REVOKE on it matters.
SET client_min_messages = warning;   -- no NOTICEs of DROP ... IF EXISTS
SET eg.materializer = 'all';   -- keep every computed step
SET eg.reuse = all_load;       -- load whatever is stored and readable

CREATE ROLE regress_eg_diff_a;
CREATE ROLE regress_eg_diff_b;
CREATE ROLE regress_eg_diff_c;

-- the data: small, with floats that are not exact in decimal (x / 7), dates,
-- times, intervals, bytea with unprintable bytes, XML documents
CREATE TABLE diff_item (id int, grp int, x float8, d date, ts timestamptz,
                        iv interval, b bytea, doc text);
INSERT INTO diff_item
SELECT g, g % 4, (g % 9) * 0.75 - 1, date '2020-01-01' + g * 37,
       timestamptz '2020-03-04 05:06:07+00' + g * interval '17 hours 3 minutes',
       g * interval '1 day 2 hours' - interval '1 month',
       decode(md5(g::text), 'hex'), format('<v n="%s"/>', g)
FROM generate_series(1, 40) g;
CREATE TABLE diff_grp (grp int, name text, w numeric);
INSERT INTO diff_grp SELECT g, 'g' || g, g * 1.5 FROM generate_series(0, 4) g;
CREATE TABLE diff_lut (grp int, label text);
INSERT INTO diff_lut SELECT g, 'l' || g FROM generate_series(0, 4) g;
CREATE VIEW diff_lut_v AS SELECT grp, upper(label) AS label FROM diff_lut;

-- the user-defined functions steps call, each with three bodies (variant
-- 0 is the first definition); diff_score is inlinable SQL, diff_tag
-- IMMUTABLE PL/pgSQL, diff_fmt STABLE PL/pgSQL whose text form follows
-- TimeZone and DateStyle, diff_lookup STABLE PL/pgSQL reading diff_lut
-- (or the view over it).
CREATE TABLE diff_fn (fn text, variant int, def text, PRIMARY KEY (fn, variant));
INSERT INTO diff_fn VALUES
  ('diff_score', 0, $$CREATE OR REPLACE FUNCTION diff_score(x float8, w numeric) RETURNS numeric
                      LANGUAGE sql IMMUTABLE AS 'SELECT round(x::numeric * 2 + w, 2)'$$),
  ('diff_score', 1, $$CREATE OR REPLACE FUNCTION diff_score(x float8, w numeric) RETURNS numeric
                      LANGUAGE sql IMMUTABLE AS 'SELECT round(x::numeric - w, 2)'$$),
  ('diff_score', 2, $$CREATE OR REPLACE FUNCTION diff_score(x float8, w numeric) RETURNS numeric
                      LANGUAGE sql IMMUTABLE AS 'SELECT round(x::numeric * w, 3)'$$),
  ('diff_tag', 0, $$CREATE OR REPLACE FUNCTION diff_tag(name text, grp int) RETURNS text
                    LANGUAGE plpgsql IMMUTABLE AS 'BEGIN RETURN upper(name) || ''-'' || grp; END'$$),
  ('diff_tag', 1, $$CREATE OR REPLACE FUNCTION diff_tag(name text, grp int) RETURNS text
                    LANGUAGE plpgsql IMMUTABLE AS 'BEGIN RETURN name || repeat(''*'', grp); END'$$),
  ('diff_tag', 2, $$CREATE OR REPLACE FUNCTION diff_tag(name text, grp int) RETURNS text
                    LANGUAGE plpgsql IMMUTABLE AS 'BEGIN IF grp % 2 = 0 THEN RETURN ''even''; END IF; RETURN reverse(name); END'$$),
  ('diff_fmt', 0, $$CREATE OR REPLACE FUNCTION diff_fmt(ts timestamptz) RETURNS text
                    LANGUAGE plpgsql STABLE AS 'BEGIN RETURN ts::text; END'$$),
  ('diff_fmt', 1, $$CREATE OR REPLACE FUNCTION diff_fmt(ts timestamptz) RETURNS text
                    LANGUAGE plpgsql STABLE AS 'BEGIN RETURN to_char(ts, ''YYYY-MM-DD HH24:MI TZ''); END'$$),
  ('diff_fmt', 2, $$CREATE OR REPLACE FUNCTION diff_fmt(ts timestamptz) RETURNS text
                    LANGUAGE plpgsql STABLE AS 'BEGIN RETURN ts::date::text; END'$$),
  ('diff_lookup', 0, $$CREATE OR REPLACE FUNCTION diff_lookup(g int) RETURNS text
                       LANGUAGE plpgsql STABLE AS 'BEGIN RETURN (SELECT min(label) FROM diff_lut WHERE grp = g); END'$$),
  ('diff_lookup', 1, $$CREATE OR REPLACE FUNCTION diff_lookup(g int) RETURNS text
                       LANGUAGE plpgsql STABLE AS 'BEGIN RETURN (SELECT string_agg(label, ''+'' ORDER BY grp) FROM diff_lut WHERE grp >= g); END'$$),
  ('diff_lookup', 2, $$CREATE OR REPLACE FUNCTION diff_lookup(g int) RETURNS text
                       LANGUAGE plpgsql STABLE AS 'BEGIN RETURN (SELECT string_agg(label, '','' ORDER BY grp) FROM diff_lut_v WHERE grp <> g); END'$$);
DO $$
DECLARE f record;
BEGIN
    FOR f IN SELECT fn, def FROM diff_fn WHERE variant = 0 ORDER BY fn LOOP
        EXECUTE f.def;
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %I FROM PUBLIC', f.fn);
    END LOOP;
END $$;

-- the rights each role starts with (GRANT/REVOKE operations change those
-- of regress_eg_diff_b and regress_eg_diff_c; regress_eg_diff_a keeps all)
GRANT SELECT ON diff_item, diff_grp, diff_lut, diff_lut_v TO regress_eg_diff_a;
GRANT EXECUTE ON FUNCTION diff_score, diff_tag, diff_fmt, diff_lookup TO regress_eg_diff_a;
GRANT SELECT ON diff_item, diff_lut, diff_lut_v TO regress_eg_diff_b;
GRANT EXECUTE ON FUNCTION diff_score, diff_fmt, diff_lookup TO regress_eg_diff_b;
GRANT EXECUTE ON FUNCTION diff_lookup TO regress_eg_diff_c;
GRANT SELECT ON diff_item, diff_grp, diff_lut, diff_lut_v TO regress_eg_diff_c;

-- the workload: steps in run order, their queries (%1$s: the filter's
-- constant, one of two) and the steps each reads
CREATE TABLE diff_step (ord int PRIMARY KEY, step text, kind text, query text, reads text[]);
INSERT INTO diff_step VALUES
  (1, 'diff_f', 'dataset', 'SELECT id, grp, x, d, ts, iv, b, doc FROM diff_item WHERE x > %1$s', '{}'),
  (2, 'diff_j', 'dataset', 'SELECT f.id, f.grp, g.name, g.w, f.x FROM diff_f f JOIN diff_grp g ON g.grp = f.grp', '{diff_f}'),
  (3, 'diff_g', 'dataset', 'SELECT grp, name, count(*) AS n, sum(x) AS sx, max(w) AS mw FROM diff_j GROUP BY grp, name', '{diff_j}'),
  (4, 'diff_u', 'dataset', 'SELECT id, diff_score(x, w) AS s, diff_tag(name, grp) AS t FROM diff_j', '{diff_j}'),
  (5, 'diff_t', 'dataset', 'SELECT id, (x / 7)::text AS xt, d::text AS dt, ts::text AS tst, iv::text AS ivt,
                                   b::text AS bt, diff_fmt(ts) AS ft, doc::xml::text AS xd FROM diff_f', '{diff_f}'),
  (7, 'diff_l', 'dataset', 'SELECT id, diff_lookup(grp) AS l FROM diff_j', '{diff_j}'),
  (6, 'diff_a', 'aggregate', 'SELECT count(*) AS n, sum(u.s) AS ss, string_agg(u.t || ''='' || t.xt || t.ft, '','' ORDER BY u.id) AS agg
                              FROM diff_u u JOIN diff_t t USING (id)', '{diff_u,diff_t}');

-- the settings the generator changes, with the values it picks from
CREATE TABLE diff_setting (name text PRIMARY KEY, vals text[]);
INSERT INTO diff_setting VALUES
  ('extra_float_digits', '{1,0,3,-2}'),
  ('DateStyle', '{"ISO, MDY","SQL, DMY","German","Postgres, YMD"}'),
  ('TimeZone', '{UTC,Europe/Berlin,America/New_York,Asia/Kolkata}'),
  ('IntervalStyle', '{postgres,iso_8601,sql_standard,postgres_verbose}'),
  ('bytea_output', '{hex,escape}'),
  ('xmloption', '{content,document}');

-- the objects GRANT/REVOKE operations pick from
CREATE TABLE diff_object (ord int PRIMARY KEY, privilege text, object text);
INSERT INTO diff_object VALUES
  (1, 'SELECT', 'TABLE diff_item'), (2, 'SELECT', 'TABLE diff_grp'),
  (3, 'EXECUTE', 'FUNCTION diff_score'), (4, 'EXECUTE', 'FUNCTION diff_tag'),
  (5, 'EXECUTE', 'FUNCTION diff_fmt'), (6, 'EXECUTE', 'FUNCTION diff_lookup'),
  (7, 'SELECT', 'TABLE diff_lut');

-- the generator: a 31-bit linear congruential generator with a fixed seed,
-- so that every run of the suite performs the same operations (with this
-- seed, sequence 220 revoked a right of a role whose live step table eg
-- then handed out: fixed in executor.c, and in rights.sql)
CREATE TABLE diff_rng (st bigint);
INSERT INTO diff_rng VALUES (8);
CREATE FUNCTION diff_rand(n int) RETURNS int LANGUAGE sql AS $$
    UPDATE diff_rng SET st = (st * 1103515245 + 12345) % 2147483648
    RETURNING ((st / 65536) % n)::int
$$;

-- what the sequences did and found
CREATE TABLE diff_count (what text PRIMARY KEY, n int DEFAULT 0);
INSERT INTO diff_count (what)
SELECT unnest('{sequences,operations,runs,runs failing alike,runs kept live,comparisons,
                loaded,loaded reading diff_lut,computed,live,dml,copy,redefine,setting,grant,
                differences}'::text[]);
CREATE FUNCTION diff_add(w text, k int DEFAULT 1) RETURNS void LANGUAGE sql AS $$
    UPDATE diff_count SET n = n + k WHERE what = w
$$;
CREATE TABLE diff_difference (seq int, op int, operation text, difference text);

-- The steps step s needs: itself and those it reads, transitively.
CREATE FUNCTION diff_closure(s text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
    needed text[] := ARRAY[s];
    st record;
BEGIN
    FOR st IN SELECT * FROM diff_step ORDER BY ord DESC LOOP
        IF st.step = ANY (needed) THEN
            needed := needed || st.reads;
        END IF;
    END LOOP;
    RETURN needed;
END $$;

-- Step s of the workload as plain SQL: its query, preceded by the steps it
-- needs as WITH queries of the same names.
CREATE FUNCTION diff_plain(s text, c text) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce('WITH ' || string_agg(format('%I AS (%s)', step, format(query, c)), ', ' ORDER BY ord)
                    FILTER (WHERE step <> s) || ' ', '')
           || max(format(query, c)) FILTER (WHERE step = s)
    FROM diff_step WHERE step = ANY (diff_closure(s))
$$;

-- One run: the steps target needs, as role r with filter constant c, then every step's
-- table compared with plain SQL as r (rows as text, a multiset: EXCEPT ALL
-- both ways).  Unless keep, the step tables are dropped first, so that eg
-- loads or computes every step.  If eg.run fails, plain SQL must fail at a
-- step with the same SQLSTATE and message, and no step before it differ.
CREATE FUNCTION diff_run(r text, target text, c text, keep boolean,
                         OUT ok boolean, OUT loaded int, OUT computed int, OUT live int,
                         OUT loaded_reading int,
                         OUT compared int, OUT differences text[])
LANGUAGE plpgsql AS $f$
DECLARE
    -- read before SET ROLE: the roles may not read the suite's tables
    needed text[] := diff_closure(target);
    steps text[] := ARRAY(SELECT step FROM diff_step WHERE step = ANY (needed) ORDER BY ord);
    kinds text[] := ARRAY(SELECT kind FROM diff_step WHERE step = ANY (needed) ORDER BY ord);
    queries text[] := ARRAY(SELECT format(query, c) FROM diff_step WHERE step = ANY (needed) ORDER BY ord);
    plains text[] := ARRAY(SELECT diff_plain(step, c) FROM diff_step WHERE step = ANY (needed) ORDER BY ord);
    a record;
    eg_err text;
    plain_err text;
    msg text;
    n bigint;
BEGIN
    loaded := 0; computed := 0; live := 0; loaded_reading := 0; compared := 0; differences := '{}';
    IF NOT keep THEN
        DROP TABLE IF EXISTS pg_temp.diff_f, pg_temp.diff_j, pg_temp.diff_g, pg_temp.diff_u,
                             pg_temp.diff_t, pg_temp.diff_l, pg_temp.diff_a;
    END IF;
    EXECUTE format('SET ROLE %I', r);
    BEGIN
        PERFORM eg.begin('diff');
        FOR i IN 1..cardinality(steps) LOOP
            IF kinds[i] = 'dataset' THEN
                PERFORM eg.dataset(steps[i], queries[i]);
            ELSE
                PERFORM eg.aggregate(steps[i], queries[i]);
            END IF;
        END LOOP;
        FOR a IN SELECT * FROM eg.run() LOOP
            CASE a.action
                WHEN 'loaded' THEN
                    loaded := loaded + 1;
                    loaded_reading := loaded_reading + (a.step = 'diff_l')::int;
                WHEN 'computed' THEN computed := computed + 1;
                WHEN 'live' THEN live := live + 1;
                ELSE differences := differences || format('%s: action %s', a.step, a.action);
            END CASE;
        END LOOP;
    EXCEPTION WHEN others THEN
        GET STACKED DIAGNOSTICS eg_err = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        eg_err := eg_err || ' ' || msg;
        loaded := 0; computed := 0; live := 0; loaded_reading := 0;
    END;
    FOR i IN 1..cardinality(steps) LOOP
        BEGIN
            IF eg_err IS NULL THEN
                EXECUTE format($$SELECT count(*) FROM
                                 ((SELECT e::text FROM pg_temp.%1$I e EXCEPT ALL SELECT p::text FROM (%2$s) p)
                                  UNION ALL
                                  (SELECT p::text FROM (%2$s) p EXCEPT ALL SELECT e::text FROM pg_temp.%1$I e)) d$$,
                               steps[i], plains[i]) INTO n;
                compared := compared + 1;
                IF n > 0 THEN
                    differences := differences || format('%s: %s rows differ from plain SQL', steps[i], n);
                END IF;
            ELSE
                EXECUTE format('SELECT count(p::text) FROM (%s) p', plains[i]) INTO n;
            END IF;
        EXCEPTION WHEN others THEN
            GET STACKED DIAGNOSTICS plain_err = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
            plain_err := plain_err || ' ' || msg;
            EXIT;
        END;
    END LOOP;
    RESET ROLE;
    IF eg_err IS DISTINCT FROM plain_err THEN
        differences := differences || format('eg.run: %s; plain SQL: %s',
                                             coalesce(eg_err, 'no error'), coalesce(plain_err, 'no error'));
    END IF;
    ok := eg_err IS NULL;
END $f$;

-- Sequences first..last of 2 to 5 random operations each, every operation
-- in its own transaction (as a user's statements would be).
CREATE PROCEDURE diff_sequences(first int, last int) LANGUAGE plpgsql AS $p$
DECLARE
    roles text[] := '{regress_eg_diff_a,regress_eg_diff_b,regress_eg_diff_c}';
    last_role text;
    target text;
    last_ok boolean := false;
    r text;
    grantee text;
    c text;
    k int;
    op text;
    res record;
    o record;
BEGIN
    FOR seq IN first..last LOOP
        PERFORM diff_add('sequences');
        FOR opno IN 1..2 + diff_rand(4) LOOP
            PERFORM diff_add('operations');
            k := diff_rand(20);   -- 11/20 run, 2/20 each dml, redefine, setting; 3/20 grant
            IF k < 11 THEN
                -- a third of the runs are the last one again, a third are
                -- by the same role, a third by any role
                k := CASE WHEN last_role IS NULL THEN 2 ELSE diff_rand(3) END;
                IF k > 0 THEN
                    r := CASE WHEN k = 1 THEN last_role ELSE roles[1 + diff_rand(3)] END;
                    -- diff_l (the last) three times as often as the others
                    k := least(1 + diff_rand((SELECT count(*)::int + 2 FROM diff_step)), 7);
                    target := (SELECT step FROM diff_step WHERE ord = k);
                    c := (ARRAY['0', '2.5'])[1 + diff_rand(2)];
                END IF;
                -- keep the step tables (eg finds them live) only for the role
                -- that made them: the plain SQL side reads the steps' tables,
                -- which another role of the session may not read (rights.sql
                -- covers a step table passing from one role to another)
                res := diff_run(r, target, c, r = last_role AND last_ok AND diff_rand(4) > 0);
                op := format('run %s as %s, filter x > %s%s', target, r, c, CASE WHEN res.live > 0 THEN ', live' ELSE '' END);
                last_role := r;
                last_ok := res.ok;
                PERFORM diff_add('runs');
                PERFORM diff_add('runs failing alike', (NOT res.ok AND cardinality(res.differences) = 0)::int);
                PERFORM diff_add('runs kept live', (res.live > 0)::int);
                PERFORM diff_add('comparisons', res.compared);
                PERFORM diff_add('loaded', res.loaded);
                PERFORM diff_add('loaded reading diff_lut', res.loaded_reading);
                PERFORM diff_add('computed', res.computed);
                PERFORM diff_add('live', res.live);
                PERFORM diff_add('differences', cardinality(res.differences));
                INSERT INTO diff_difference SELECT seq, opno, op, unnest(res.differences);
            ELSIF k < 13 THEN
                -- an inserted doc 'a<b/>' is XML content, not a document: under
                -- xmloption = document diff_t fails, in eg as in plain SQL
                k := diff_rand(8);
                op := CASE k
                    WHEN 0 THEN format($$INSERT INTO diff_item
                                        SELECT max(id) + 1, %s, %s, date '2021-02-03' + %s, timestamptz '2021-06-30 23:30:00+00',
                                               interval '%s hours', '\x00ff'::bytea, %L FROM diff_item$$,
                                       diff_rand(5), diff_rand(40) * 0.25 - 1, diff_rand(400), diff_rand(100),
                                       CASE WHEN diff_rand(4) = 0 THEN 'a<b/>' ELSE '<w/>' END)
                    WHEN 1 THEN format('UPDATE diff_item SET x = x + 0.25 WHERE id %% 5 = %s', diff_rand(5))
                    WHEN 2 THEN format('DELETE FROM diff_item WHERE id IN (SELECT id FROM diff_item ORDER BY id OFFSET %s LIMIT 1)', diff_rand(40))
                    WHEN 3 THEN format('UPDATE diff_grp SET w = w + 1 WHERE grp = %s', diff_rand(5))
                    WHEN 4 THEN format('DELETE FROM diff_item WHERE id %% 7 = %s AND id > 40', diff_rand(7))
                    WHEN 6 THEN format($$UPDATE diff_lut SET label = label || '!' WHERE grp = %s$$, diff_rand(5))
                    WHEN 7 THEN format($$INSERT INTO diff_lut VALUES (%s, 'x%s')$$, diff_rand(5), diff_rand(9))
                    ELSE format($$TRUNCATE diff_grp; INSERT INTO diff_grp SELECT g, 'g' || g, g * %s FROM generate_series(0, 4) g$$,
                                (ARRAY['1.5', '2'])[1 + diff_rand(2)])
                END;
                EXECUTE op;
                PERFORM diff_add('dml');
            ELSIF k < 15 THEN
                SELECT fn, variant, def INTO o FROM diff_fn ORDER BY fn, variant
                OFFSET diff_rand((SELECT count(*)::int FROM diff_fn)) LIMIT 1;
                op := format('redefine %s (body %s)', o.fn, o.variant);
                EXECUTE o.def;
                PERFORM diff_add('redefine');
            ELSIF k < 17 THEN
                SELECT name, vals INTO o FROM diff_setting ORDER BY name
                OFFSET diff_rand((SELECT count(*)::int FROM diff_setting)) LIMIT 1;
                op := format('SET %s = %L', o.name, o.vals[1 + diff_rand(cardinality(o.vals))]);
                EXECUTE op;
                PERFORM diff_add('setting');
            ELSE
                k := 1 + diff_rand((SELECT count(*)::int FROM diff_object));
                SELECT privilege, object INTO o FROM diff_object WHERE ord = k;
                grantee := roles[2 + diff_rand(2)];   -- regress_eg_diff_a keeps all its rights
                -- twice as many grants as revokes, so that most runs can succeed
                op := CASE WHEN diff_rand(3) > 0 THEN format('GRANT %s ON %s TO %I', o.privilege, o.object, grantee)
                           ELSE format('REVOKE %s ON %s FROM %I', o.privilege, o.object, grantee) END;
                EXECUTE op;
                PERFORM diff_add('grant');
            END IF;
            COMMIT;
        END LOOP;
    END LOOP;
END $p$;

-- the first half of the sequences
CALL diff_sequences(1, 150);

-- COPY into a table the workload reads, then the second half
COPY diff_item FROM stdin;
101	1	0.5	2022-01-01	2022-01-01 12:00:00+00	3 days	\\x0102	<c/>
102	2	1.25	2022-01-02	2022-01-02 13:00:00+00	-1 hours	\\x	<c/>
\.
SELECT diff_add('copy');
CALL diff_sequences(151, 300);

-- what ran: counts only (the generator is seeded, so they are stable)
SELECT what, n FROM diff_count ORDER BY what;
-- a substantial share of the step results came from the store
SELECT loaded * 4 >= loaded + computed AS loads_a_quarter_or_more
FROM (SELECT sum(n) FILTER (WHERE what = 'loaded') AS loaded,
             sum(n) FILTER (WHERE what = 'computed') AS computed FROM diff_count) s;
-- the differences between eg and plain SQL: none
SELECT seq, op, operation, difference FROM diff_difference ORDER BY seq, op;

RESET ALL;
DROP VIEW diff_lut_v;
DROP TABLE diff_item, diff_grp, diff_lut, diff_fn, diff_step, diff_setting, diff_object, diff_rng,
           diff_count, diff_difference;
DROP FUNCTION diff_score, diff_tag, diff_fmt, diff_lookup, diff_rand, diff_add, diff_plain, diff_run, diff_closure;
DROP PROCEDURE diff_sequences;
DROP OWNED BY regress_eg_diff_a, regress_eg_diff_b, regress_eg_diff_c;
DROP ROLE regress_eg_diff_a, regress_eg_diff_b, regress_eg_diff_c;
