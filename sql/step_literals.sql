-- Steps named in string literals: a regclass argument (how PostgreSQL
-- functions take tables) may name an earlier step of the workload; it
-- resolves to that step's table at definition and at run, and the step
-- reading it follows the named step's id.
SET eg.materializer = 'all';   -- keep everything: timings cannot change what is stored
SET eg.reuse = all_load;       -- load whatever is stored: timings cannot flip the plan
CREATE TABLE lit_pts AS SELECT g AS id, g * 1.5 AS x FROM generate_series(1, 100) g;
-- counts the rows of any relation it is given
CREATE FUNCTION lit_rows(r regclass) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %s', r) INTO n;
    RETURN n;
END $$;
-- a scoring-like function: mean of x over the table it is given
CREATE FUNCTION lit_mean(b bytea, r regclass) RETURNS float8 LANGUAGE plpgsql STABLE AS $$
DECLARE
    m float8;
BEGIN
    EXECUTE format('SELECT avg(x) FROM %s', r) INTO m;
    RETURN m + length(b);
END $$;

SELECT eg.begin('literals');
SELECT eg.dataset('f', $$SELECT * FROM lit_pts WHERE id <= 40$$) IS NOT NULL AS defined;
-- at definition the step's table does not exist yet
SELECT to_regclass('pg_temp.f') IS NULL AS no_table_yet;
SELECT eg.aggregate('n', $$SELECT lit_rows('f') AS n$$) IS NOT NULL AS defined;
SELECT eg.aggregate('m', $$SELECT lit_mean('\x01'::bytea, 'f'::regclass) AS m$$) IS NOT NULL AS defined;
SELECT step, inputs, terminal FROM eg.steps();
SELECT step, action FROM eg.run();
SELECT n, m FROM n, m;

-- a new session loads both; the answer is plain SQL's
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SELECT eg.begin('literals');
SELECT eg.dataset('f', $$SELECT * FROM lit_pts WHERE id <= 40$$) IS NOT NULL AS defined;
SELECT eg.aggregate('n', $$SELECT lit_rows('f') AS n$$) IS NOT NULL AS defined;
SELECT step, action FROM eg.run('n');
SELECT n FROM n;

-- the named step changes: the step reading it by name follows it
UPDATE lit_pts SET id = id - 100 WHERE id > 90;
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SELECT eg.begin('literals');
SELECT eg.dataset('f', $$SELECT * FROM lit_pts WHERE id <= 40$$) IS NOT NULL AS defined;
SELECT eg.aggregate('n', $$SELECT lit_rows('f') AS n$$) IS NOT NULL AS defined;
SELECT step, action FROM eg.run('n');
SELECT n, (SELECT count(*) FROM lit_pts WHERE id <= 40) AS plain_sql FROM n;

-- the same string where it is no table keeps its meaning ('f' as a boolean)
CREATE TABLE lit_flags AS SELECT g AS id, g % 2 = 0 AS even FROM generate_series(1, 10) g;
SELECT eg.begin('literals-bool');
SELECT eg.dataset('f', $$SELECT * FROM lit_flags WHERE id > 2$$) IS NOT NULL AS defined;
SELECT eg.aggregate('odd', $$SELECT count(*) AS n FROM f WHERE even = 'f'$$) IS NOT NULL AS defined;
SELECT step, inputs FROM eg.steps();
SELECT step, action FROM eg.run();
SELECT n, (SELECT count(*) FROM lit_flags WHERE id > 2 AND even = 'f') AS plain_sql FROM odd;
DROP TABLE lit_flags;

-- a literal naming no step stays an ordinary literal, resolved as plain SQL would
SELECT eg.begin('literals-missing');
SELECT eg.aggregate('bad', $$SELECT lit_rows('no_such_step') AS n$$);
SELECT eg.aggregate('ok', $$SELECT lit_rows('lit_pts') AS n$$) IS NOT NULL AS defined;
SELECT step, action FROM eg.run();
SELECT n FROM ok;

DROP FUNCTION lit_rows(regclass), lit_mean(bytea, regclass);
DROP TABLE lit_pts;
