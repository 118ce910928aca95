-- examples/openml/setup.sql - the data of the OpenML-like workloads
-- (examples/openml/README.md): scikit-learn's bundled digits as a binary
-- task, in table openml.digits.  Run it as a superuser after examples/ml.sql
-- (it uses plpython3u and scikit-learn; nothing is downloaded):
--
--   psql -f examples/ml.sql -f examples/openml/setup.sql
--   psql -v scale=10 -f examples/openml/setup.sql      (10 copies, 17,970 rows)
--
-- The paper re-ran OpenML runs of task 31 (credit-g: 1,000 rows, 20
-- attributes, binary).  No OpenML data is at hand without a network, and of
-- the data sets bundled with scikit-learn (iris, wine, breast_cancer,
-- digits, diabetes, linnerud) only breast_cancer and digits are
-- classification tasks of that size: breast_cancer is too easy (a logistic
-- regression scores 1.000 on our test split, so no pipeline choice or warm
-- start can show), while digits made binary ("is the digit 5 or more?",
-- 1,797 images of 8 x 8 pixels) leaves room: a linear model reaches about
-- 0.89 and needs tens of lbfgs iterations, forests about 0.97.  Its 64
-- correlated pixel features (some constant) also make PCA and SelectKBest
-- meaningful pipeline stages.
--
--   openml.digits(id bigint, target int, p0_0 .. p7_7 float8)
--       id       1 .. 1797 for the original images (in load_digits order);
--                copy c (psql variable scale > 1) has ids c * 10000 + 1 ..
--       target   1 if the digit is 5 or more, else 0 (49.9% ones)
--       pR_C     the grey level (0 .. 16) of the pixel in row R, column C
--
-- Split (as W1-W8): id % 5 = 0 is the test set (359 images), the rest
-- trains (1,438).  Because 10000 is a multiple of 5, every copy of an image
-- lands on the same side as the image: the test set never holds a copy of
-- a training image.
--
-- psql variable scale (default 1): the number of copies.  Copy 0 is the
-- data set itself; copy c >= 1 is every image with Gaussian noise of
-- standard deviation 1 added to each pixel (numpy RandomState(c), clipped
-- to 0 .. 16), so the same scale always gives the same rows.  At scale 1 a
-- workload takes about a second, most of it starting Python and
-- scikit-learn in the new session; a larger scale makes the fitting and
-- transforming weigh more.
--
-- The table is dropped and recreated (so eg sees a new data version);
-- nothing else is touched.

\set ON_ERROR_STOP on
\if :{?scale}
\else
\set scale 1
\endif

SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS openml;
DROP TABLE IF EXISTS openml.digits;
CREATE TEMP TABLE openml_digits_load (id bigint, target int, x float8[]);

DO $do$
DECLARE
	cols text;
BEGIN
	SELECT string_agg(format('p%s_%s float8 NOT NULL', i / 8, i % 8), ', ' ORDER BY i)
	INTO cols FROM generate_series(0, 63) i;
	EXECUTE format('CREATE TABLE openml.digits (id bigint PRIMARY KEY, target int NOT NULL, %s)', cols);
END
$do$;

CREATE FUNCTION pg_temp.openml_load_digits(copies int) RETURNS bigint
LANGUAGE plpython3u AS $py$
import numpy as np
from sklearn.datasets import load_digits
if copies < 1 or copies > 1000:
    plpy.error("scale must be between 1 and 1000, not %d" % copies, sqlstate="22023")
d = load_digits()
X0 = d.data.astype(np.float64)
target = [int(t >= 5) for t in d.target]
plan = plpy.prepare("INSERT INTO openml_digits_load "
                    "SELECT u.id, u.target, u.x::float8[] "
                    "FROM unnest($1::bigint[], $2::int[], $3::text[]) u(id, target, x)",
                    ["bigint[]", "int[]", "text[]"])
n = 0
for c in range(copies):
    if c == 0:
        X = X0
    else:
        X = np.clip(X0 + np.random.RandomState(c).normal(0.0, 1.0, X0.shape), 0.0, 16.0)
    ids = [c * 10000 + i + 1 for i in range(len(X))]
    # repr of a float is exact (shortest round-trip form)
    xs = ['{' + ','.join(repr(v) for v in row) + '}' for row in X.tolist()]
    plpy.execute(plan, [ids, target, xs])
    n += len(ids)
return n
$py$;

SELECT pg_temp.openml_load_digits(:scale) AS loaded \gset

DO $do$
DECLARE
	cols text;
BEGIN
	SELECT string_agg(format('x[%s]', i + 1), ', ' ORDER BY i) INTO cols FROM generate_series(0, 63) i;
	EXECUTE format('INSERT INTO openml.digits SELECT id, target, %s FROM openml_digits_load ORDER BY id', cols);
END
$do$;
DROP TABLE openml_digits_load;
ANALYZE openml.digits;

COMMENT ON SCHEMA openml IS 'data of the OpenML-like workloads (examples/openml)';
COMMENT ON TABLE openml.digits IS 'scikit-learn digits, target = digit >= 5; id % 5 = 0 is the test split (examples/openml/setup.sql)';
RESET client_min_messages;

SELECT :scale AS scale, count(*) AS rows,
       count(*) FILTER (WHERE id % 5 <> 0) AS train,
       count(*) FILTER (WHERE id % 5 = 0) AS test,
       round(avg(target), 3) AS target_rate
FROM openml.digits;
