-- Differential test of eg.capture: a seeded random script of plain SQL
-- statements, and after every captured statement a comparison of the table
-- it made with the same query computed now by plain SQL, by the same role
-- (eg.capture off, into a temp table; rows as text with floats in full, a
-- multiset: EXCEPT ALL both ways).  The invariant: whatever eg hands out,
-- loaded from its store or computed, equals plain SQL ("never stale").
-- The script, in 7 sessions (\c before each: temp tables go, settings
-- reset, stored results are loaded by a new backend):
--   capture   CREATE TABLE AS (plain, TEMP, UNLOGGED), SELECT INTO (the
--             same), CREATE MATERIALIZED VIEW and REFRESH MATERIALIZED VIEW
--             (by its owner) of 16 targets, each with one of two queries
--             (so that the same query recurs and is loaded; two tables
--             have the materialized views' queries): three levels, those
--             of levels 2 and 3 reading tables (and a materialized view)
--             made by earlier captured statements.  The sources a query
--             needs are made first, and often the whole chain below it is
--             dropped and made again (loaded through the chain when
--             nothing changed: eg.captured), as each session begins.  By
--             the superuser or one of two roles (row security on the
--             tables the queries and a function read).  Some run in one
--             transaction after a change (of a base table, of a table they
--             read, of a function), some in a subtransaction rolled back
--             and then again, some are followed in their transaction by a
--             change of the table they made, some run with eg.capture off
--             (not captured);
--   dml       INSERT/UPDATE/DELETE/TRUNCATE on the three base tables (an
--             UPDATE that changes nothing, too);
--   dml on a captured table   DELETE, INSERT, an UPDATE that changes
--             nothing, TRUNCATE, ADD COLUMN of a table eg.capture filled;
--   alter     ALTER TABLE ADD COLUMN of a base table (a query hashes its
--             whole rows), ALTER COLUMN TYPE (text forms of numerics),
--             ALTER POLICY, GRANT/REVOKE of a role (which policies apply);
--   redefine  CREATE OR REPLACE FUNCTION of a function queries call (one
--             body reads a table: read sets; a train function, eg.model's
--             signature, reads the captured table it is given as a regclass,
--             another one a captured table by name);
--   setting   extra_float_digits (queries cast floats to text).
-- eg.reuse = all_load and eg.materializer = 'all': whatever is stored is
-- loaded.  psql runs the script (\gexec: each statement as a client would
-- send it); an unexpected error shows with its statement (ECHO errors), a
-- difference as a WARNING too.  Only counts are printed, never ids or
-- timings: the script is the same in every run.
\set preamble 'LOAD \'eg\'; SET eg.capture = on; SET eg.materializer = \'all\'; SET eg.reuse = all_load; SET eg.progress = off; SET application_name = capdiff; SET client_min_messages = warning;'
:preamble
SET eg.capture = off;

-- two roles, that may make tables; every table made here is readable by
-- all (so that each role's statements may read the others' tables)
CREATE ROLE regress_cd_a;
CREATE ROLE regress_cd_b;
GRANT CREATE ON SCHEMA public TO regress_cd_a, regress_cd_b;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE regress_cd_a, regress_cd_b GRANT SELECT ON TABLES TO PUBLIC;

-- the base tables (x: multiples of 0.25, so that float sums are exact in
-- any order; v: multiples of 0.5)
CREATE TABLE cd_item (id int, grp int, x float8, v numeric);
INSERT INTO cd_item SELECT g, g % 10, (g % 29) * 0.25 - 2, (g % 400) * 0.5 FROM generate_series(1, 3000) g;
CREATE TABLE cd_grp (grp int, name text, w numeric);
INSERT INTO cd_grp SELECT g, 'g' || g, g * 1.5 FROM generate_series(0, 9) g;
-- row security: regress_cd_a sees two thirds of cd_grp, regress_cd_b (and
-- so regress_cd_a while a member of it) all of it, the superuser all
ALTER TABLE cd_grp ENABLE ROW LEVEL SECURITY;
CREATE POLICY cd_p1 ON cd_grp USING (grp % 3 <> 1);
CREATE POLICY cd_p2 ON cd_grp TO regress_cd_b USING (grp % 3 = 1);
CREATE TABLE cd_lut (grp int, label text);
INSERT INTO cd_lut SELECT g, 'l' || g FROM generate_series(0, 9) g;
-- and the roles see part of cd_lut (read by a function only)
ALTER TABLE cd_lut ENABLE ROW LEVEL SECURITY;
CREATE POLICY cd_p3 ON cd_lut USING (grp < 7);

-- the functions queries call, three bodies each (0: the first); cd_label
-- body 2 reads cd_lut, which no query reads
CREATE TABLE cd_fn (fn text, variant int, def text, PRIMARY KEY (fn, variant));
INSERT INTO cd_fn VALUES
  ('cd_score', 0, $$CREATE OR REPLACE FUNCTION cd_score(x float8, w numeric) RETURNS numeric
                    LANGUAGE sql IMMUTABLE AS 'SELECT round(x::numeric * 2 + w, 2)'$$),
  ('cd_score', 1, $$CREATE OR REPLACE FUNCTION cd_score(x float8, w numeric) RETURNS numeric
                    LANGUAGE sql IMMUTABLE AS 'SELECT round(x::numeric - w, 2)'$$),
  ('cd_score', 2, $$CREATE OR REPLACE FUNCTION cd_score(x float8, w numeric) RETURNS numeric
                    LANGUAGE sql IMMUTABLE AS 'SELECT round(x::numeric * w, 3)'$$),
  ('cd_label', 0, $$CREATE OR REPLACE FUNCTION cd_label(nm text, g int) RETURNS text
                    LANGUAGE plpgsql STABLE AS 'BEGIN RETURN upper(nm) || ''-'' || g; END'$$),
  ('cd_label', 1, $$CREATE OR REPLACE FUNCTION cd_label(nm text, g int) RETURNS text
                    LANGUAGE plpgsql STABLE AS 'BEGIN RETURN nm || repeat(''*'', g % 4); END'$$),
  ('cd_label', 2, $$CREATE OR REPLACE FUNCTION cd_label(nm text, g int) RETURNS text
                    LANGUAGE plpgsql STABLE AS 'BEGIN RETURN coalesce((SELECT min(label) FROM cd_lut WHERE grp = g), ''?'') || nm; END'$$),
  -- a train function (eg.model's signature: reused, though VOLATILE) reading
  -- the table it is given as a regclass
  ('cd_train', 0, $$CREATE OR REPLACE FUNCTION cd_train(input regclass, params jsonb, warm bytea) RETURNS bytea
                    LANGUAGE plpgsql VOLATILE AS 'DECLARE r text; BEGIN EXECUTE format(''SELECT concat_ws(chr(58), count(*), sum(x)) FROM %s'', input) INTO r; RETURN convert_to(r || params::text, ''UTF8''); END'$$),
  ('cd_train', 1, $$CREATE OR REPLACE FUNCTION cd_train(input regclass, params jsonb, warm bytea) RETURNS bytea
                    LANGUAGE plpgsql VOLATILE AS 'DECLARE r text; BEGIN EXECUTE format(''SELECT concat_ws(chr(58), max(id), sum(v)) FROM %s'', input) INTO r; RETURN convert_to(r, ''UTF8''); END'$$),
  ('cd_train', 2, $$CREATE OR REPLACE FUNCTION cd_train(input regclass, params jsonb, warm bytea) RETURNS bytea
                    LANGUAGE plpgsql VOLATILE AS 'BEGIN RETURN convert_to(params::text, ''UTF8''); END'$$),
  -- a function reading a table by name
  ('cd_rows', 0, $$CREATE OR REPLACE FUNCTION cd_rows(t text, k int) RETURNS bigint
                    LANGUAGE plpgsql STABLE AS 'DECLARE n bigint; BEGIN EXECUTE format(''SELECT count(*) + %s FROM %I'', k, t) INTO n; RETURN n; END'$$),
  ('cd_rows', 1, $$CREATE OR REPLACE FUNCTION cd_rows(t text, k int) RETURNS bigint
                    LANGUAGE plpgsql STABLE AS 'DECLARE n bigint; BEGIN EXECUTE format(''SELECT sum(n) * %s FROM %I'', k + 1, t) INTO n; RETURN n; END'$$),
  ('cd_rows', 2, $$CREATE OR REPLACE FUNCTION cd_rows(t text, k int) RETURNS bigint
                    LANGUAGE plpgsql STABLE AS 'BEGIN RETURN k; END'$$);
DO $$
DECLARE f record;
BEGIN
    FOR f IN SELECT def FROM cd_fn WHERE variant = 0 ORDER BY fn LOOP
        EXECUTE f.def;
    END LOOP;
END $$;

-- the targets of captured statements: query SELECT sel FROM rest, $P one
-- of params; reads: the targets it reads (made first); key: a column
CREATE TABLE cd_target (name text PRIMARY KEY, lvl int, kind text, sel text, rest text,
                        params text[], reads text[], key text,
                        present boolean NOT NULL DEFAULT false, persistence text, query text,
                        owner text);
INSERT INTO cd_target (name, lvl, kind, sel, rest, params, reads, key) VALUES
  ('cd_f', 1, 'table', 'id, grp, x, v', 'cd_item WHERE x > $P', '{0,1.5}', '{}', 'id'),
  ('cd_j', 1, 'table', 'i.id, i.grp, g.name, cd_score(i.x, g.w) AS s',
   'cd_item i JOIN cd_grp g ON g.grp = i.grp WHERE i.id % $P = 0', '{2,3}', '{}', 'id'),
  ('cd_t', 1, 'table', 'id, (x / 7)::text AS xt, (v / 3)::float8::text AS vt',
   'cd_item WHERE id < $P', '{500,900}', '{}', 'id'),
  ('cd_w', 1, 'table', 'i.id, md5(i::text) AS h', 'cd_item i WHERE i.id % $P = 1', '{10,25}', '{}', 'id'),
  ('cd_mt', 1, 'matview', 'g.name, count(*) AS n, (sum(i.x) / 7)::text AS sx7',
   'cd_item i JOIN cd_grp g ON g.grp = i.grp WHERE i.id % $P <> 0 GROUP BY g.name', '{2,5}', '{}', 'name'),
  ('cd_mtt', 1, 'table', 'g.name, count(*) AS n, (sum(i.x) / 7)::text AS sx7',   -- cd_mt's queries
   'cd_item i JOIN cd_grp g ON g.grp = i.grp WHERE i.id % $P <> 0 GROUP BY g.name', '{2,5}', '{}', 'name'),
  ('cd_g', 2, 'table', 'grp, count(*) AS n, sum(x) AS sx, max(v) AS mv',
   'cd_f WHERE v > $P GROUP BY grp', '{0,100}', '{cd_f}', 'grp'),
  ('cd_u', 2, 'table', 'j.id, cd_label(j.name, j.grp) AS l, j.s', 'cd_j j WHERE j.s > $P',
   '{-5,0}', '{cd_j}', 'id'),
  ('cd_fj', 2, 'table', 'f.id, f.x, j.s', 'cd_f f JOIN cd_j j ON j.id = f.id WHERE f.grp <> $P',
   '{1,3}', '{cd_f,cd_j}', 'id'),
  ('cd_mg', 2, 'matview', 'grp, max(x) AS top, count(*) AS n', 'cd_f WHERE x > $P GROUP BY grp',
   '{0,2}', '{cd_f}', 'grp'),
  ('cd_mgt', 2, 'table', 'grp, max(x) AS top, count(*) AS n', 'cd_f WHERE x > $P GROUP BY grp',   -- cd_mg's
   '{0,2}', '{cd_f}', 'grp'),
  ('cd_a', 3, 'table', 'l, count(*) AS n, sum(s) AS ss, string_agg(id::text, '','' ORDER BY id) AS ids',
   'cd_u WHERE id > $P GROUP BY l', '{0,1000}', '{cd_u}', 'l'),
  ('cd_k', 3, 'table', 'm.grp, m.top, m.n * 2 AS n2', 'cd_mg m WHERE m.n > $P', '{0,50}', '{cd_mg}', 'grp'),
  ('cd_h', 3, 'table', 'g.grp, (g.sx / 3)::text AS t3', 'cd_g g WHERE g.n > $P', '{0,5}', '{cd_g}', 'grp'),
  -- a model of cd_f (a train function given it as a regclass), and a count
  -- of cd_g by a function reading it by name: read sets, by name
  ('cd_md', 2, 'table', $$cd_train('cd_f'::regclass, jsonb_build_object('k', p.k), NULL::bytea) AS model$$,
   '(VALUES ($P)) p(k)', '{1,2}', '{cd_f}', 'model'),
  ('cd_rn', 3, 'table', $$cd_rows('cd_g', p.k) AS n$$, '(VALUES ($P)) p(k)', '{0,7}', '{cd_g}', 'n');

-- the generator: a 31-bit linear congruential generator with a fixed seed
CREATE TABLE cd_rng (st bigint);
INSERT INTO cd_rng VALUES (20240519);
CREATE FUNCTION cd_rand(n int) RETURNS int LANGUAGE sql AS $$
    UPDATE cd_rng SET st = (st * 1103515245 + 12345) % 2147483648
    RETURNING ((st / 65536) % n)::int
$$;

-- the script: segment (session) seg's statements in order of ord, each
-- one sent by \gexec; cd_capture: what each CALL cd_check(n) checks
CREATE TABLE cd_script (ord serial PRIMARY KEY, seg int, op text, stmt text);
CREATE TABLE cd_capture (n serial PRIMARY KEY, seg int, target text, form text,
                         variant text DEFAULT 'alone', role text, lvl int,
                         query text, reads text[], expect_captured boolean);
CREATE FUNCTION cd_emit(seg int, op text, stmt text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO cd_script (seg, op, stmt) VALUES (seg, op, stmt)
$$;
CREATE TABLE cd_gen (alter_count int,   -- columns added to base tables
                     member boolean);   -- regress_cd_a is a member of regress_cd_b
INSERT INTO cd_gen VALUES (0, false);
-- Statement stmt as role (the superuser: '').
CREATE FUNCTION cd_as(role text, stmt text) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN role = '' THEN stmt ELSE format('SET ROLE %I; %s; RESET ROLE', role, stmt) END
$$;

-- A change of a base table, as SQL.
CREATE FUNCTION cd_base_dml() RETURNS text LANGUAGE plpgsql AS $$
DECLARE k int := cd_rand(11);
BEGIN
    RETURN CASE k
        WHEN 0 THEN format('INSERT INTO cd_item (id, grp, x, v) SELECT max(id) + 1, %s, %s, %s FROM cd_item',
                          cd_rand(10), cd_rand(40) * 0.25 - 3, cd_rand(300) * 0.5)
        WHEN 1 THEN format('UPDATE cd_item SET x = x + 0.25 WHERE id %% 13 = %s', cd_rand(13))
        WHEN 2 THEN format('DELETE FROM cd_item WHERE id %% 101 = %s', cd_rand(101))
        WHEN 3 THEN format('UPDATE cd_item SET v = v + 1 WHERE grp = %s AND id %% 7 = 0', cd_rand(10))
        WHEN 4 THEN format('UPDATE cd_grp SET w = w + 1 WHERE grp = %s', cd_rand(10))
        WHEN 5 THEN format($f$TRUNCATE cd_grp; INSERT INTO cd_grp (grp, name, w) SELECT g, 'g' || g, g * %s FROM generate_series(0, 9) g$f$,
                          (ARRAY['1.5', '2', '0.5'])[1 + cd_rand(3)])
        WHEN 6 THEN format($f$UPDATE cd_lut SET label = label || '!' WHERE grp = %s$f$, cd_rand(10))
        WHEN 7 THEN format($f$INSERT INTO cd_lut VALUES (%s, 'k%s')$f$, cd_rand(10), cd_rand(9))
        WHEN 8 THEN format('UPDATE cd_grp SET w = w WHERE grp = %s', cd_rand(10))   -- changes nothing
        WHEN 9 THEN format('DELETE FROM cd_item WHERE id IN (SELECT id FROM cd_item ORDER BY id OFFSET %s LIMIT 3)', cd_rand(2000))
        ELSE format('UPDATE cd_item SET grp = (grp + 1) %% 10 WHERE id %% 211 = %s', cd_rand(211))
    END;
END $$;

-- A change of table t that eg.capture filled (key: one of its columns).
CREATE FUNCTION cd_captured_dml(t text, key text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE k int := cd_rand(100);
BEGIN
    RETURN CASE
        WHEN k < 40 THEN format($f$DELETE FROM %I t WHERE md5(t::text) < '3'$f$, t)
        WHEN k < 70 THEN format($f$INSERT INTO %1$I SELECT * FROM %1$I t WHERE md5(t::text) < '2'$f$, t)
        WHEN k < 85 THEN format('UPDATE %1$I SET %2$I = %2$I', t, key)   -- changes nothing
        WHEN k < 93 THEN format('TRUNCATE %I', t)
        ELSE format('ALTER TABLE %I ADD COLUMN IF NOT EXISTS z int DEFAULT 7', t)
    END;
END $$;

-- A change before a statement reading targets srcs, in its transaction:
-- of a base table, of a table among srcs, or of a function.
CREATE FUNCTION cd_change(srcs text[]) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    k int := cd_rand(10);
    tg cd_target;
BEGIN
    IF k < 3 THEN
        SELECT * INTO tg FROM cd_target WHERE name = ANY (srcs) AND present AND kind = 'table'
        ORDER BY name OFFSET cd_rand(greatest(cardinality(srcs), 1)) LIMIT 1;
        IF FOUND THEN
            RETURN cd_captured_dml(tg.name, tg.key);
        END IF;
    END IF;
    IF k < 5 THEN
        RETURN (SELECT def FROM cd_fn ORDER BY fn, variant OFFSET cd_rand((SELECT count(*)::int FROM cd_fn)) LIMIT 1);
    END IF;
    RETURN cd_base_dml();
END $$;

-- Drop target t (and, in the model, the materialized views reading it).
CREATE FUNCTION cd_drop(seg int, t text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE tg cd_target;
BEGIN
    SELECT * INTO tg FROM cd_target WHERE name = t;
    PERFORM cd_emit(seg, 'drop', format('DROP %s %I CASCADE',
                                        CASE WHEN tg.kind = 'matview' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, t));
    UPDATE cd_target SET present = false WHERE name = t;
    PERFORM cd_drop_dependents(t);
END $$;
CREATE FUNCTION cd_drop_dependents(t text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE m text;
BEGIN
    FOR m IN SELECT name FROM cd_target WHERE kind = 'matview' AND present AND t = ANY (reads) ORDER BY name LOOP
        UPDATE cd_target SET present = false WHERE name = m;
        PERFORM cd_drop_dependents(m);
    END LOOP;
END $$;

-- Make target t by a captured statement (its sources first, those a
-- materialized view reads not temporary), and check it.
CREATE FUNCTION cd_make(seg int, t text, persistent boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    tg cd_target;
    s text;
    src cd_target;
    param text;
    q text;
    v_persistence text;
    v_form text;
    stmt text;
    k int;
    cn int;
    r text := (ARRAY['', '', 'regress_cd_a', 'regress_cd_b'])[1 + cd_rand(4)];
BEGIN
    SELECT * INTO tg FROM cd_target WHERE name = t;
    FOREACH s IN ARRAY tg.reads LOOP
        SELECT * INTO src FROM cd_target WHERE name = s;
        IF src.present AND tg.kind = 'matview' AND src.persistence = 'temp' THEN
            PERFORM cd_drop(seg, s);
            src.present := false;
        END IF;
        IF NOT src.present THEN
            PERFORM cd_make(seg, s, tg.kind = 'matview');
        END IF;
    END LOOP;
    IF (SELECT present FROM cd_target WHERE name = t) THEN
        PERFORM cd_drop(seg, t);
    END IF;
    param := tg.params[1 + cd_rand(cardinality(tg.params))];
    q := format('SELECT %s FROM %s', tg.sel, replace(tg.rest, '$P', param));
    IF tg.kind = 'matview' THEN
        v_persistence := 'matview';
        v_form := 'create matview';
        stmt := format('CREATE MATERIALIZED VIEW %I AS %s', t, q);
    ELSE
        k := cd_rand(10);
        v_persistence := CASE WHEN k < 2 AND NOT persistent THEN 'temp' WHEN k < 4 THEN 'unlogged' ELSE 'plain' END;
        IF cd_rand(3) = 0 THEN
            v_form := 'select into';
            stmt := format('SELECT %s INTO %s%I FROM %s', tg.sel,
                           CASE v_persistence WHEN 'temp' THEN 'TEMP ' WHEN 'unlogged' THEN 'UNLOGGED ' ELSE '' END,
                           t, replace(tg.rest, '$P', param));
        ELSE
            v_form := 'create table as';
            stmt := format('CREATE %sTABLE %I AS %s',
                           CASE v_persistence WHEN 'temp' THEN 'TEMP ' WHEN 'unlogged' THEN 'UNLOGGED ' ELSE '' END,
                           t, q);
        END IF;
        v_form := v_form || ' ' || v_persistence;
    END IF;
    stmt := cd_as(r, stmt);
    INSERT INTO cd_capture (seg, target, form, role, lvl, query, reads, expect_captured)
    VALUES (seg, t, v_form, r, tg.lvl, q, tg.reads, true) RETURNING cd_capture.n INTO cn;
    k := cd_rand(100);
    IF k < 5 THEN
        -- capture off: plain PostgreSQL, nothing recorded
        UPDATE cd_capture SET expect_captured = false, variant = 'capture off' WHERE cd_capture.n = cn;
        PERFORM cd_emit(seg, 'capture off', format('SET eg.capture = off; %s; SET eg.capture = on', stmt));
        PERFORM cd_emit(seg, 'check', format('CALL cd_check(%s)', cn));
    ELSIF k < 11 THEN
        -- after a change, in the same transaction
        UPDATE cd_capture SET variant = 'after a change' WHERE cd_capture.n = cn;
        PERFORM cd_emit(seg, 'capture after a change', format('%s; %s; CALL cd_check(%s)', cd_change(tg.reads), stmt, cn));
    ELSIF k < 16 AND tg.kind = 'table' THEN
        -- the new table changed in the same transaction
        UPDATE cd_capture SET variant = 'then changed' WHERE cd_capture.n = cn;
        PERFORM cd_emit(seg, 'capture then dml',
                        format($f$%s; CALL cd_check(%s); DELETE FROM %I t WHERE md5(t::text) < '4'$f$, stmt, cn, t));
    ELSIF k < 20 THEN
        -- after a change, in a subtransaction rolled back (its check with
        -- it), then again
        UPDATE cd_capture SET variant = 'rolled back' WHERE cd_capture.n = cn;
        INSERT INTO cd_capture (seg, target, form, variant, role, lvl, query, reads, expect_captured)
        SELECT seg, t, v_form, 'after rollback to savepoint', r, tg.lvl, q, tg.reads, true
        RETURNING cd_capture.n INTO k;
        PERFORM cd_emit(seg, 'capture in savepoint',
                        format('BEGIN; SAVEPOINT s; %s; %s; CALL cd_check(%s); ROLLBACK TO SAVEPOINT s; %s; CALL cd_check(%s); COMMIT',
                               cd_change(tg.reads), stmt, cn, stmt, k));
    ELSE
        PERFORM cd_emit(seg, 'capture', stmt);
        PERFORM cd_emit(seg, 'check', format('CALL cd_check(%s)', cn));
    END IF;
    UPDATE cd_target SET present = true, persistence = v_persistence, query = q, owner = r WHERE name = t;
END $$;

-- Drop the chain below target t (the targets it reads, transitively), to
-- be made again with it.
CREATE FUNCTION cd_drop_chain(seg int, t text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    anc text[] := (SELECT reads FROM cd_target WHERE name = t);
    a text;
BEGIN
    FOR i IN 1..3 LOOP
        anc := anc || ARRAY(SELECT DISTINCT unnest(reads) FROM cd_target WHERE name = ANY (anc));
    END LOOP;
    FOR a IN SELECT name FROM cd_target WHERE name = ANY (anc) AND present ORDER BY lvl, name LOOP
        IF (SELECT present FROM cd_target WHERE name = a) THEN
            PERFORM cd_drop(seg, a);
        END IF;
    END LOOP;
END $$;

-- The whole script: segments 1..segs of 45 to 74 operations each, each
-- beginning with a chain of three levels made again.
CREATE FUNCTION cd_generate(segs int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    k int;
    tg cd_target;
    o record;
    stmt text;
BEGIN
    FOR seg IN 1..segs LOOP
        -- a new session: no temp tables, settings reset
        UPDATE cd_target SET present = false WHERE present AND persistence = 'temp';
        SELECT * INTO tg FROM cd_target WHERE lvl = 3 ORDER BY name OFFSET cd_rand(3) LIMIT 1;
        PERFORM cd_drop_chain(seg, tg.name);
        PERFORM cd_make(seg, tg.name, false);
        FOR opno IN 1..45 + cd_rand(30) LOOP
            k := cd_rand(100);
            IF k < 66 OR k >= 96 THEN
                SELECT * INTO tg FROM cd_target ORDER BY name OFFSET cd_rand((SELECT count(*)::int FROM cd_target)) LIMIT 1;
                IF tg.kind = 'matview' AND tg.present AND cd_rand(5) < 3 THEN
                    -- by its owner or the superuser: PostgreSQL runs a
                    -- refresh as the owner, row security included, so
                    -- plain SQL is the owner's
                    INSERT INTO cd_capture (seg, target, form, role, lvl, query, reads, expect_captured)
                    VALUES (seg, tg.name, 'refresh matview', tg.owner, tg.lvl, tg.query, tg.reads, true) RETURNING n INTO k;
                    PERFORM cd_emit(seg, 'refresh',
                                    cd_as(CASE WHEN cd_rand(2) = 0 THEN tg.owner ELSE '' END,
                                          format('REFRESH MATERIALIZED VIEW %I', tg.name)));
                    PERFORM cd_emit(seg, 'check', format('CALL cd_check(%s)', k));
                ELSE
                    IF tg.lvl > 1 AND cd_rand(3) = 0 THEN
                        PERFORM cd_drop_chain(seg, tg.name);
                    END IF;
                    PERFORM cd_make(seg, tg.name, false);
                END IF;
            ELSIF k < 74 THEN
                PERFORM cd_emit(seg, 'dml', cd_base_dml());
            ELSIF k < 80 THEN
                SELECT * INTO tg FROM cd_target WHERE present AND kind = 'table'
                ORDER BY name OFFSET cd_rand(greatest((SELECT count(*)::int FROM cd_target WHERE present AND kind = 'table'), 1)) LIMIT 1;
                IF NOT FOUND THEN
                    stmt := cd_base_dml();
                ELSE
                    stmt := cd_captured_dml(tg.name, tg.key);
                END IF;
                PERFORM cd_emit(seg, 'dml on captured', stmt);
            ELSIF k < 84 THEN
                k := cd_rand(6);
                IF k = 0 THEN
                    stmt := format('ALTER TABLE cd_item ALTER COLUMN v TYPE %s',
                                   (ARRAY['numeric', 'numeric(12,3)', 'numeric(12,1)'])[1 + cd_rand(3)]);
                ELSIF k < 3 THEN
                    UPDATE cd_gen SET alter_count = alter_count + 1 RETURNING alter_count INTO k;
                    stmt := format('ALTER TABLE %s ADD COLUMN e%s int DEFAULT %s',
                                   (ARRAY['cd_item', 'cd_grp'])[1 + cd_rand(2)], k, k);
                ELSIF k < 5 THEN
                    stmt := format('ALTER POLICY cd_p1 ON cd_grp USING (grp %% 3 <> %s)', cd_rand(3));
                ELSE
                    UPDATE cd_gen SET member = NOT member RETURNING member INTO o;
                    stmt := CASE WHEN o.member THEN 'GRANT regress_cd_b TO regress_cd_a'
                                 ELSE 'REVOKE regress_cd_b FROM regress_cd_a' END;
                END IF;
                PERFORM cd_emit(seg, 'alter', stmt);
            ELSIF k < 90 THEN
                SELECT fn, variant, def INTO o FROM cd_fn ORDER BY fn, variant
                OFFSET cd_rand((SELECT count(*)::int FROM cd_fn)) LIMIT 1;
                PERFORM cd_emit(seg, 'redefine', o.def);
            ELSE
                PERFORM cd_emit(seg, 'setting', format('SET extra_float_digits = %s',
                                                        (ARRAY['1', '0', '3', '-2'])[1 + cd_rand(4)]));
            END IF;
        END LOOP;
    END LOOP;
END $$;
SELECT cd_generate(7);

-- What each check found: the action of the captured statement (from
-- eg.workload_steps: 'not captured' if it recorded no step), the rows
-- that differ from plain SQL, and the source tables it read (their oids:
-- a load over tables made since the query was last computed came through
-- the chain's lineage, by eg.captured).
CREATE TABLE cd_state (last_workload bigint, last_ord int);
INSERT INTO cd_state VALUES (0, 0);
CREATE TABLE cd_log (n int PRIMARY KEY, action text, differ bigint, rows bigint, sources oid[]);
CREATE PROCEDURE cd_check(n int) LANGUAGE plpgsql AS $p$
DECLARE
    c cd_capture;
    runs int;
    act text;
    differ bigint;
    nrows bigint;
    digits text := current_setting('extra_float_digits');
BEGIN
    SELECT * INTO c FROM cd_capture WHERE cd_capture.n = cd_check.n;
    -- the steps recorded since the last check (a session's captured
    -- statements join its latest workload while the role stays the same)
    SELECT count(*), string_agg(s.action::text, ',' ORDER BY s.workload, s.ord)
    INTO runs, act
    FROM eg.workload_steps s JOIN eg.workloads w ON w.id = s.workload
    WHERE w.name = current_setting('application_name')
      AND (s.workload, s.ord) > (SELECT last_workload, last_ord FROM cd_state);
    IF runs <> 1 THEN
        act := CASE WHEN runs = 0 THEN 'not captured' ELSE runs || ' steps' END;
    END IF;
    UPDATE cd_state SET (last_workload, last_ord) =
        (SELECT s.workload, s.ord FROM eg.workload_steps s ORDER BY s.workload DESC, s.ord DESC LIMIT 1)
    WHERE EXISTS (SELECT FROM eg.workload_steps);
    -- the same query as plain SQL, now, by the same role
    PERFORM set_config('eg.capture', 'off', true);
    DROP TABLE IF EXISTS pg_temp.cd_plain;
    IF c.role <> '' THEN
        EXECUTE format('SET ROLE %I', c.role);
    END IF;
    EXECUTE 'CREATE TEMP TABLE cd_plain AS ' || c.query;
    RESET ROLE;
    PERFORM set_config('eg.capture', 'on', true);
    -- floats compared in full
    PERFORM set_config('extra_float_digits', '3', true);
    EXECUTE format($$SELECT count(*) FROM
                     ((SELECT e::text FROM %1$I e EXCEPT ALL SELECT p::text FROM pg_temp.cd_plain p)
                      UNION ALL
                      (SELECT p::text FROM pg_temp.cd_plain p EXCEPT ALL SELECT e::text FROM %1$I e)) d$$,
                   c.target) INTO differ;
    PERFORM set_config('extra_float_digits', digits, true);
    EXECUTE format('SELECT count(*) FROM %I', c.target) INTO nrows;
    -- said at once too (a check rolled back with its savepoint logs nothing)
    IF differ > 0 OR (c.expect_captured AND act NOT IN ('loaded', 'computed'))
       OR (NOT c.expect_captured AND act <> 'not captured') THEN
        RAISE WARNING 'check %: % (%, %) %, % rows differ from plain SQL', n, c.target, c.form, c.variant, act, differ;
    END IF;
    INSERT INTO cd_log VALUES (n, act, differ, nrows,
                               ARRAY(SELECT to_regclass(r)::oid FROM unnest(c.reads) r ORDER BY r));
END $p$;

-- the script: statements as a client sends them, in seven sessions
SELECT count(*) AS statements, count(DISTINCT seg) AS sessions,
       count(*) FILTER (WHERE stmt LIKE '%CALL cd_check%') AS checking
FROM cd_script;
\set ECHO errors
\c
:preamble
SELECT stmt FROM cd_script WHERE seg = 1 ORDER BY ord \gexec
\c
:preamble
SELECT stmt FROM cd_script WHERE seg = 2 ORDER BY ord \gexec
\c
:preamble
SELECT stmt FROM cd_script WHERE seg = 3 ORDER BY ord \gexec
\c
:preamble
SELECT stmt FROM cd_script WHERE seg = 4 ORDER BY ord \gexec
\c
:preamble
SELECT stmt FROM cd_script WHERE seg = 5 ORDER BY ord \gexec
\c
:preamble
SELECT stmt FROM cd_script WHERE seg = 6 ORDER BY ord \gexec
\c
:preamble
SELECT stmt FROM cd_script WHERE seg = 7 ORDER BY ord \gexec
\set ECHO all
\c
:preamble

-- every check ran, once
SELECT count(*) = (SELECT count(*) FROM cd_capture WHERE variant <> 'rolled back') AS every_check_ran FROM cd_log;
-- what the checks found, by statement and by what came with it in its
-- transaction: each is loaded or computed (not captured: only with capture
-- off), and none differs from plain SQL
SELECT c.form, count(*) AS statements,
       count(*) FILTER (WHERE l.action = 'computed') AS computed,
       count(*) FILTER (WHERE l.action = 'loaded') AS loaded,
       count(*) FILTER (WHERE l.action = 'not captured') AS not_captured,
       count(*) FILTER (WHERE l.differ > 0) AS differences
FROM cd_capture c JOIN cd_log l USING (n)
GROUP BY ROLLUP (c.form) ORDER BY c.form NULLS LAST;
SELECT c.variant, count(*) AS statements,
       count(*) FILTER (WHERE l.action = 'computed') AS computed,
       count(*) FILTER (WHERE l.action = 'loaded') AS loaded,
       count(*) FILTER (WHERE l.action = 'not captured') AS not_captured,
       count(*) FILTER (WHERE l.differ > 0) AS differences
FROM cd_capture c JOIN cd_log l USING (n)
GROUP BY c.variant ORDER BY c.variant;
SELECT CASE c.role WHEN '' THEN 'superuser' ELSE c.role END AS role, count(*) AS statements,
       count(*) FILTER (WHERE l.action = 'computed') AS computed,
       count(*) FILTER (WHERE l.action = 'loaded') AS loaded,
       count(*) FILTER (WHERE l.action = 'not captured') AS not_captured,
       count(*) FILTER (WHERE l.differ > 0) AS differences
FROM cd_capture c JOIN cd_log l USING (n)
GROUP BY c.role ORDER BY c.role;
-- the statements whose functions read captured tables (a train function
-- given one as a regclass, a function reading one by name) load too
SELECT c.target, count(*) AS statements,
       count(*) FILTER (WHERE l.action = 'loaded') AS loaded,
       count(*) FILTER (WHERE l.differ > 0) AS differences
FROM cd_capture c JOIN cd_log l USING (n)
WHERE c.target IN ('cd_md', 'cd_rn') GROUP BY c.target ORDER BY c.target;
-- loads of a level 2 or 3 query over tables (or a materialized view) made
-- since that query was last computed over them: reused through the chain
SELECT count(*) AS loads_through_a_chain
FROM cd_capture c JOIN cd_log l USING (n)
WHERE l.action = 'loaded' AND c.lvl > 1
  AND NOT EXISTS (SELECT FROM cd_capture c2 JOIN cd_log l2 USING (n)
                  WHERE c2.n < c.n AND l2.action = 'computed'
                    AND c2.query = c.query AND l2.sources = l.sources);
-- the summary the suite stands on
SELECT count(*) AS comparisons,
       count(*) FILTER (WHERE l.differ > 0) AS differences,
       count(*) FILTER (WHERE l.action = 'loaded') AS loads,
       count(*) >= 200 AS enough_comparisons,
       count(*) FILTER (WHERE l.action = 'loaded') > 20 AS enough_loads,
       count(*) FILTER (WHERE (c.expect_captured AND l.action NOT IN ('loaded', 'computed'))
                           OR (NOT c.expect_captured AND l.action <> 'not captured')) AS unexpected_actions
FROM cd_capture c JOIN cd_log l USING (n);
-- the statements whose table differs from plain SQL, or whose action is
-- not the one expected: none
SELECT c.n, c.seg, c.target, c.form, c.variant, l.action, l.differ, l.rows, c.query
FROM cd_capture c JOIN cd_log l USING (n)
WHERE l.differ > 0 OR (c.expect_captured AND l.action NOT IN ('loaded', 'computed'))
   OR (NOT c.expect_captured AND l.action <> 'not captured')
ORDER BY c.n;

-- clean up; the suites after this one start from an empty graph and store
DROP TABLE IF EXISTS cd_f, cd_j, cd_t, cd_w, cd_mtt, cd_g, cd_u, cd_fj, cd_mgt, cd_a, cd_k, cd_h CASCADE;
DROP MATERIALIZED VIEW IF EXISTS cd_mt, cd_mg CASCADE;
DROP TABLE cd_item, cd_grp, cd_lut, cd_fn, cd_target, cd_rng, cd_script, cd_capture, cd_gen,
           cd_state, cd_log;
DROP FUNCTION cd_score, cd_label, cd_rand, cd_emit, cd_as, cd_base_dml, cd_captured_dml, cd_change, cd_drop,
              cd_drop_dependents, cd_make, cd_drop_chain, cd_generate;
DROP PROCEDURE cd_check;
ALTER DEFAULT PRIVILEGES REVOKE SELECT ON TABLES FROM PUBLIC;
DROP OWNED BY regress_cd_a, regress_cd_b;
DROP ROLE regress_cd_a, regress_cd_b;
DELETE FROM eg.workload;
DELETE FROM eg.store_artifact;
DELETE FROM eg.chunk;
DELETE FROM eg.captured;
DELETE FROM eg.artifact;
