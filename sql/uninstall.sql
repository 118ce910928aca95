-- Uninstall: DROP EXTENSION eg (no CASCADE) removes the eg_track triggers
-- eg put on users' tables, and nothing of the users'; a foreign trigger of
-- that name stays.  In a database of its own (the regression database keeps
-- eg installed for the other suites).
\set regress_db :DBNAME
CREATE DATABASE regress_eg_uninstall;
\c regress_eg_uninstall
CREATE EXTENSION eg;
SET eg.materializer = 'all';
CREATE TABLE un_t AS SELECT g AS id, g * 2 AS v FROM generate_series(1, 50) g;
CREATE TABLE un_u AS SELECT g AS id FROM generate_series(1, 5) g;
-- a trigger of the same name that is not eg's (eg leaves it, and such a table alone)
CREATE FUNCTION un_mine() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TABLE un_foreign (id int);
CREATE TRIGGER eg_track AFTER INSERT ON un_foreign FOR EACH STATEMENT EXECUTE FUNCTION un_mine();
SELECT eg.begin('uninstall');
SELECT eg.dataset('a', 'SELECT * FROM un_t JOIN un_u USING (id)') IS NOT NULL AS defined;
SELECT eg.aggregate('b', 'SELECT count(*) AS n FROM un_foreign') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT tgrelid::regclass AS relation, tgfoid::regproc AS function
  FROM pg_trigger WHERE tgname = 'eg_track' ORDER BY 1::text;

-- rolled back: everything stays
BEGIN;
DROP EXTENSION eg;
ROLLBACK;
SELECT count(*) AS eg_triggers FROM pg_trigger WHERE tgname = 'eg_track';

-- dropped: eg's triggers go with it, the users' tables and trigger stay
DROP EXTENSION eg;
SELECT count(*) AS extensions FROM pg_extension WHERE extname = 'eg';
SELECT tgrelid::regclass AS relation, tgfoid::regproc AS function
  FROM pg_trigger WHERE tgname = 'eg_track' ORDER BY 1::text;
SELECT count(*) AS rows_t, sum(v) AS sum_v FROM un_t;
INSERT INTO un_t VALUES (51, 102);   -- writes need nothing of eg
-- installed again: this session's step table "a" is now an ordinary table
-- of the user's (its eg_live trigger went with eg), which eg refuses to drop
CREATE EXTENSION eg;
SET eg.materializer = 'all';
SELECT eg.begin('uninstall');
SELECT eg.dataset('a', 'SELECT * FROM un_t JOIN un_u USING (id)') IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
DROP TABLE a;
SELECT step, action FROM eg.run();
-- dropping another extension does not touch eg's triggers
CREATE EXTENSION pg_trgm;
DROP EXTENSION pg_trgm;
SELECT count(*) AS eg_triggers FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
 WHERE t.tgname = 'eg_track' AND p.proname = '_note_change';
DROP EXTENSION IF EXISTS no_such_extension, eg;
SELECT count(*) AS eg_triggers FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
 WHERE t.tgname = 'eg_track' AND p.proname = '_note_change';

\c :regress_db
DROP DATABASE regress_eg_uninstall;
