-- eg.explain says what changed since a step's last run (issue 17, item 1):
-- which table's data, function's definition, setting, input step, query
-- or params (changes.c).  Before, every such step was "never run before".
SET eg.materializer = 'all';
SET eg.progress = off;

CREATE TABLE wc_big AS SELECT g AS id, g % 10 AS k FROM generate_series(1, 1000) g;
CREATE TABLE wc_lookup (k int, label text);
INSERT INTO wc_lookup SELECT g, 'k' || g FROM generate_series(0, 9) g;
CREATE FUNCTION wc_f(x bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';
CREATE FUNCTION wc_label(kk int) RETURNS text LANGUAGE plpgsql STABLE
    AS $$BEGIN RETURN (SELECT label FROM wc_lookup WHERE k = kk); END$$;
CREATE FUNCTION wc_train(input regclass, params jsonb, warm bytea) RETURNS bytea
    LANGUAGE sql AS $$SELECT convert_to(params::text, 'UTF8')$$;
CREATE FUNCTION wc_define() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM eg.begin('wc');
    PERFORM eg.dataset('wc_a', 'SELECT id, k FROM wc_big WHERE k < 5');
    PERFORM eg.dataset('wc_b', 'SELECT k, wc_f(count(*)) AS n FROM wc_a GROUP BY k');
    PERFORM eg.dataset('wc_c', 'SELECT k, wc_label(k) AS label FROM wc_b');
    PERFORM eg.dataset('wc_d', $q$SELECT k, '2020-01-01'::timestamptz::text AS t FROM wc_b$q$);
    PERFORM eg.model('wc_m', 'wc_train', 'wc_b', '{"depth": 3}');
END $$;
-- the reasons, with the last run's time masked
CREATE FUNCTION wc_explain() RETURNS TABLE (step text, action text, reason text)
LANGUAGE sql AS $$
    SELECT step, action, regexp_replace(reason, '\(\d\d:\d\d\)', '(T)') FROM eg.explain()
$$;

SELECT wc_define();
SELECT step, reason FROM wc_explain();
SELECT step, action FROM eg.run();

-- a table's data
UPDATE wc_big SET k = 0 WHERE id = 1;
SELECT * FROM wc_explain();
SELECT count(*) AS computed FROM eg.run() WHERE action = 'computed';
-- a function's definition, a setting (wc_d formats a timestamptz)
CREATE OR REPLACE FUNCTION wc_f(x bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT x + 2';
SET TimeZone = 'Asia/Tokyo';
SELECT * FROM wc_explain();
SELECT count(*) AS computed FROM eg.run() WHERE action = 'computed';
-- a table that only a function read (the read set)
UPDATE wc_lookup SET label = 'zero' WHERE k = 0;
SELECT * FROM wc_explain() WHERE step = 'wc_c';
SELECT count(*) AS computed FROM eg.run() WHERE action = 'computed';
-- a function named by the query
CREATE OR REPLACE FUNCTION wc_label(kk int) RETURNS text LANGUAGE plpgsql STABLE
    AS $$BEGIN RETURN (SELECT upper(label) FROM wc_lookup WHERE k = kk); END$$;
SELECT * FROM wc_explain() WHERE step = 'wc_c';
SELECT count(*) AS computed FROM eg.run() WHERE action = 'computed';
-- a step's query (defined again) and a model's params
SELECT eg.dataset('wc_a', 'SELECT id, k FROM wc_big WHERE k < 4') IS NOT NULL AS defined;
SELECT eg.model('wc_m', 'wc_train', 'wc_b', '{"depth": 4}') IS NOT NULL AS defined;
SELECT * FROM wc_explain() WHERE step IN ('wc_a', 'wc_m');
SELECT count(*) AS computed FROM eg.run() WHERE action = 'computed';
-- a step it now reads, and no longer
SELECT eg.dataset('wc_b', 'SELECT k, wc_f(count(*)) AS n FROM wc_a JOIN wc_lookup USING (k) GROUP BY k') IS NOT NULL AS defined;
SELECT * FROM wc_explain() WHERE step = 'wc_b';

-- another workload (unnamed) with the same query: found by its fingerprint
SELECT eg.begin();
SELECT eg.dataset('other_name', 'SELECT id, k FROM wc_big WHERE k < 4') IS NOT NULL AS defined;
UPDATE wc_big SET k = 1 WHERE id = 1;
SELECT * FROM wc_explain();
-- a query never run: as before
SELECT eg.dataset('fresh', 'SELECT id FROM wc_big WHERE k = 7') IS NOT NULL AS defined;
SELECT * FROM wc_explain() WHERE step = 'fresh';

-- a role that may not see the last run's role's runs is not told about them
CREATE ROLE regress_wc_other;
GRANT SELECT ON wc_big TO regress_wc_other;
SET ROLE regress_wc_other;
SELECT eg.begin('wc');
SELECT eg.dataset('wc_a', 'SELECT id, k FROM wc_big WHERE k < 4') IS NOT NULL AS defined;
SELECT * FROM wc_explain();
RESET ROLE;
DROP OWNED BY regress_wc_other;
DROP ROLE regress_wc_other;

RESET TimeZone;
DROP FUNCTION wc_define(), wc_explain(), wc_train(regclass, jsonb, bytea), wc_label(int), wc_f(bigint);
DROP TABLE wc_big, wc_lookup;
