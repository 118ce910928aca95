-- examples/ml.sql - training and scoring functions for eg workloads, in
-- PL/Python with scikit-learn (Debian: postgresql-plpython3-15 and
-- python3-sklearn, both in scripts/install-deps).  Run it as a superuser;
-- EXECUTE is revoked from PUBLIC (see the end: models are pickles).
--
--   psql -f examples/ml.sql
--
-- schema ml:
--   ml.train_logreg(input regclass, params jsonb, warm_start bytea) -> bytea
--   ml.train_rf    (input regclass, params jsonb, warm_start bytea) -> bytea
--   ml.train_gbm   (input regclass, params jsonb, warm_start bytea) -> bytea
--       the signature eg.model calls: train a binary classifier on a table,
--       return the pickled model.  Usable without eg too:
--       SELECT ml.train_gbm('feats'::regclass, '{"max_iter": 200}', NULL)
--   ml.predict(model bytea, input regclass) -> TABLE(id bigint, score float8)
--       P(label = 1) for each row of a table, with its id
--   ml.auc(model bytea, data text) -> float8        ROC AUC on a table
--   ml.accuracy(model bytea, data text) -> float8   accuracy (threshold 0.5)
--       data names a table, or a step of the current workload:
--       eg.aggregate('auc', $$SELECT ml.auc(m.model, 'test') AS auc FROM gbm m$$,
--                    quality_of => 'gbm')
--       (eg takes a string constant that names a step as one of its inputs)
--   ml.model_info(model bytea) -> jsonb             kind, params, features, rows
--
-- Pipeline stages, each one eg step (examples/openml): a transformer is
-- fitted like a model, with the same signature, and applied by ml.transform:
--   ml.fit_scaler(input regclass, params jsonb, warm_start bytea) -> bytea
--   ml.fit_pca   (input regclass, params jsonb, warm_start bytea) -> bytea
--   ml.fit_kbest (input regclass, params jsonb, warm_start bytea) -> bytea
--   ml.transform(model bytea, data text) -> TABLE(id bigint, target float8, x float8[])
--       every row of a table (or a step, as above), transformed: its id, its
--       label (NULL if the table has none) and its features in one array,
--       in id order.  The output is itself a table the functions read:
--       eg.model('scaler', 'ml.fit_scaler', 'train', '{"id": "id"}')
--       eg.dataset('scaled_train', $$SELECT t.* FROM scaler s,
--                                    ml.transform(s.model, 'train') t$$)
--       eg.model('pca', 'ml.fit_pca', 'scaled_train', '{"id": "id", "n_components": 10}')
--       (the column is named "id": name it in params, see below)
--
-- The table layout: the label is column "target" (params: "label"), the id is
-- "sk_id_curr" if there is one (params: "id"); the features are every other
-- numeric or boolean column, except columns named sk_id_*, and every numeric
-- array column (x float8[] of n elements gives the n features x[1] .. x[n];
-- one-dimensional, the same n in every row, NULL elements are NULL
-- features, a NULL array n NULLs).  Text columns are ignored.  Rows are read
-- in id order (else in the order of their values), so a model depends only
-- on the table's contents, not on its physical order: training the same rows
-- twice gives the same model, byte for byte.  Rows whose label is NULL are
-- not used for training (the unsupervised scaler and PCA use every row, and
-- need no label).
--
-- Models (a pickled dict, pickle protocol 4): {"format": "ml/1", "kind",
-- "estimator" (a scikit-learn Pipeline), "features" (names, in order),
-- "columns" (the feature columns: [name, array width or null]), "id",
-- "label", "params", "rows", "warm_started"}.  Prediction and transformation
-- read the model's feature columns by name, so the table needs those columns
-- (with any column order and any further columns; an array column with the
-- model's number of elements).
--
-- params (unknown keys are an error; every estimator gets a fixed
-- random_state, default 0, and "threads" (default 1) OpenMP/BLAS threads):
--   logreg  C (1.0), max_iter (200), scaler ("standard" | "minmax" | "none",
--           for data a pipeline has scaled already), class_weight (null |
--           "balanced"); median imputation, scaling and L2-regularised
--           LogisticRegression (lbfgs)
--   rf      n_estimators (100), max_depth (null), min_samples_leaf (1),
--           max_features ("sqrt"), class_weight; median imputation and
--           RandomForestClassifier
--   gbm     algorithm ("hist" | "exact"); hist: HistGradientBoostingClassifier
--           (like LightGBM: NULLs handled natively, or median-imputed with
--           "impute": true) with max_iter (100; alias n_estimators),
--           learning_rate (0.1), max_leaf_nodes (31; alias num_leaves),
--           max_depth, min_samples_leaf (20), l2_regularization (0),
--           max_bins (255), early_stopping (false); exact: median imputation
--           and GradientBoostingClassifier with n_estimators (100),
--           learning_rate (0.1), max_depth (3), min_samples_leaf (1),
--           subsample (1.0)
--   scaler  method ("standard" | "minmax"): StandardScaler or MinMaxScaler
--           (NULLs stay NULL, as in scikit-learn)
--   pca     n_components (null: all; a whole number, or a fraction of the
--           variance in (0, 1)), whiten (false); median imputation and PCA
--           (full SVD)
--   kbest   k (10, or "all"), score_func ("f_classif" | "mutual_info");
--           median imputation and SelectKBest (supervised: needs the label)
--
-- Warm start (classifiers; transformers ignore it and are always fitted from
-- scratch): given a model of the same kind trained on the same feature
-- columns, training continues from it with the new params (warm_start=True):
-- LogisticRegression starts from its coefficients, a random forest or
-- gradient boosting adds trees up to the new n_estimators / max_iter.  When
-- that is impossible (fewer trees asked for, other features, another kind)
-- the model is trained from scratch; ml.model_info tells which happened.
--
-- Memory: scikit-learn's estimators allocate and free large arrays all the
-- time (HistGradientBoosting: a histogram of every feature for every node).
-- glibc adapts its malloc thresholds to what the process did before, so in
-- a long-lived backend the same training ran twice as fast or slow depending
-- on the session's history (e.g. after eg restored a large artifact, freed
-- memory was returned to the kernel and faulted in again on every tree).
-- The first training or scoring in a backend therefore fixes the thresholds
-- (mallopt: M_MMAP_THRESHOLD 32MB, M_TRIM_THRESHOLD 256MB): such a backend
-- keeps up to 256MB of freed memory for reuse instead of returning it.
--
-- eg gives a step's id a digest of the definition of each function the step
-- calls, not of functions those call; so every function below carries the
-- whole library in its own body (composed by the DO block), and changing the
-- library changes every function's definition.
--
-- Volatility: the train and fit functions read tables and are VOLATILE
-- (eg.model ignores volatility); ml.predict, ml.transform, ml.auc and
-- ml.accuracy read tables but give the same result for the same contents
-- within a statement: STABLE, so steps that call them stay reusable.

CREATE EXTENSION IF NOT EXISTS plpython3u;
CREATE SCHEMA IF NOT EXISTS ml;

DO $do$
DECLARE
	fn text;
	lib text := $py$
# ---- ml library (the same in every ml.* function) ----
import pickle
import numpy as np

ML_NUMERIC = ('smallint', 'integer', 'bigint', 'real', 'double precision', 'numeric', 'boolean')
ML_ARRAYS = ('smallint[]', 'integer[]', 'bigint[]', 'real[]', 'double precision[]', 'numeric[]')
ML_CLASSIFIERS = ('logreg', 'rf', 'gbm')
ML_TRANSFORMERS = ('scaler', 'pca', 'kbest')
ML_UNSUPERVISED = ('scaler', 'pca')
ML_PARAMS = {
    'logreg': ('C', 'max_iter', 'scaler', 'class_weight', 'random_state', 'threads', 'id', 'label'),
    'rf': ('n_estimators', 'max_depth', 'min_samples_leaf', 'max_features', 'class_weight',
           'random_state', 'threads', 'id', 'label'),
    'gbm': ('algorithm', 'max_iter', 'n_estimators', 'learning_rate', 'max_leaf_nodes', 'num_leaves',
            'max_depth', 'min_samples_leaf', 'l2_regularization', 'max_bins', 'early_stopping',
            'subsample', 'impute', 'random_state', 'threads', 'id', 'label'),
    'scaler': ('method', 'threads', 'id', 'label'),
    'pca': ('n_components', 'whiten', 'random_state', 'threads', 'id', 'label'),
    'kbest': ('k', 'score_func', 'random_state', 'threads', 'id', 'label'),
}

def ml_function(kind):
    """The SQL function that trains or fits kind."""
    return ('ml.train_' if kind in ML_CLASSIFIERS else 'ml.fit_') + kind

def ml_relation(name):
    """The relation's name as regclass prints it (quoted, qualified if needed)."""
    plan = plpy.prepare("SELECT $1::regclass::text AS r", ["text"])
    return plpy.execute(plan, [name])[0]["r"]

# The built-in types of features by oid, as format_type names them.
ML_TYPE_NAMES = {21: 'smallint', 23: 'integer', 20: 'bigint', 700: 'real',
                 701: 'double precision', 1700: 'numeric', 16: 'boolean',
                 1005: 'smallint[]', 1007: 'integer[]', 1016: 'bigint[]',
                 1021: 'real[]', 1022: 'double precision[]', 1231: 'numeric[]'}

def ml_columns(rel):
    """[(name, type)] of the relation's columns, in order: from an empty
    result of the relation itself, not from the catalogs (a step whose
    functions read a catalog is never reused, as eg cannot track it)."""
    res = plpy.execute("SELECT * FROM %s LIMIT 0" % rel)
    return [(n, ML_TYPE_NAMES.get(t, 'other')) for n, t in zip(res.colnames(), res.coltypes())]

def ml_float(name, typ):
    q = plpy.quote_ident(name)
    if typ == 'boolean':
        return q + '::int::float8'
    return q + '::float8'

def ml_layout(rel, cols, label, idcol):
    """The feature columns of a relation as [(name, width)]: every numeric or
    boolean column (width None) and every numeric array column (width: its
    number of elements, the same in every row), except the label, the id and
    columns named sk_id_*, in column order."""
    feats = [(n, t) for n, t in cols
             if (t in ML_NUMERIC or t in ML_ARRAYS) and n != label and n != idcol
             and not n.startswith('sk_id_')]
    arrays = [n for n, t in feats if t in ML_ARRAYS]
    widths = {}
    if arrays:
        aggs = ', '.join(
            "pg_catalog.min(pg_catalog.cardinality(%s)) AS lo%d, "
            "pg_catalog.max(pg_catalog.cardinality(%s)) AS hi%d, "
            "pg_catalog.bool_and(pg_catalog.array_ndims(%s) = 1) AS flat%d"
            % (plpy.quote_ident(n), i, plpy.quote_ident(n), i, plpy.quote_ident(n), i)
            for i, n in enumerate(arrays))
        r = plpy.execute("SELECT %s FROM %s" % (aggs, rel))[0]
        for i, n in enumerate(arrays):
            lo, hi, flat = r["lo%d" % i], r["hi%d" % i], r["flat%d" % i]
            if lo is None or hi == 0:
                plpy.error("relation %s: feature array column \"%s\" has no elements" % (rel, n),
                           sqlstate="22023")
            if lo != hi or flat is not True:
                plpy.error("relation %s: feature array column \"%s\" must be one-dimensional "
                           "with the same number of elements in every row" % (rel, n),
                           hint="It has between %d and %d elements." % (lo, hi), sqlstate="22023")
            widths[n] = int(hi)
    return [(n, widths.get(n)) for n, t in feats]

def ml_feature_names(columns):
    """The names of the features of a layout: an array column x of width 3
    gives x[1], x[2], x[3]."""
    names = []
    for n, w in columns:
        names.extend([n] if w is None else ["%s[%d]" % (n, i + 1) for i in range(w)])
    return names

def ml_model_columns(m):
    """A model's feature layout [(name, width)] (models made before arrays
    were supported list scalar features only)."""
    return [tuple(c) for c in m['columns']] if 'columns' in m else [(f, None) for f in m['features']]

def ml_has_columns():
    """True if eg.columns is there (eg installed, its version 0.3 or later)
    and the setting ml.read is not 'rows' (which makes every read take the
    row path: bench/columns compares the two)."""
    if 'ml_has_columns' not in GD:
        GD['ml_has_columns'] = plpy.execute(
            "SELECT pg_catalog.to_regprocedure('eg.columns(regclass, text[])') IS NOT NULL AS ok")[0]["ok"]
    return GD['ml_has_columns'] and plpy.execute(
        "SELECT pg_catalog.current_setting('ml.read', true) AS v")[0]["v"] != 'rows'


def ml_read(rel, idcol, label, columns, types):
    """(ids, y, X) of a relation: ids a list or an int64 array (ml_list),
    y a float64 array with NaN for NULL (None without a label), X a float64
    matrix with NaN for NULL; in id order.  columns is the layout [(name,
    width)] (ml_layout); an array column gives width features.  Read
    column by column through eg.columns when it can (ml_read_columns),
    else row by row (ml_read_rows)."""
    ml_malloc()
    if (idcol and ml_has_columns() and all(w is None for _, w in columns)
            and types[idcol] in ML_NUMERIC and (not label or types[label] in ML_NUMERIC)):
        read = ml_read_columns(rel, idcol, label, columns)
        if read is not None:
            return read
    return ml_read_rows(rel, idcol, label, columns, types)

def ml_read_columns(rel, idcol, label, columns):
    """ml_read through eg.columns: each column as one float8 buffer (NULL as
    NaN, booleans 0 and 1, the values the row path's ::float8 gives), the
    rows put in id order (NULL ids last, as ORDER BY does).  None when an id
    is not a whole number that float8 holds exactly (then the row path reads
    it, which rounds ids to bigint)."""
    names = [idcol] + ([label] if label else []) + [n for n, _ in columns]
    plan = plpy.prepare("SELECT name, data FROM eg.columns($1::regclass, VARIADIC $2)",
                        ["text", "text[]"])
    data = [np.frombuffer(r["data"], dtype='<f8') for r in plpy.execute(plan, [rel, names])]
    ids = data[0]
    known = ids[~np.isnan(ids)]
    if (np.abs(known) >= 2.0 ** 53).any() or (known != np.floor(known)).any():
        return None
    X = np.column_stack(data[2 if label else 1:])
    y = data[1] if label else None
    if not (np.diff(ids) >= 0).all():
        order = np.argsort(ids, kind='stable')
        ids, X = ids[order], X[order]
        y = y[order] if label else None
    ids = ids.astype(np.int64) if not np.isnan(ids).any() \
        else [None if np.isnan(v) else int(v) for v in ids]
    return ids, y, X

def ml_read_rows(rel, idcol, label, columns, types):
    """ml_read row by row: each row's features come as one float8[] in
    binary form (array_send; NULL made NaN, so every element is 4 length
    bytes and 8 value bytes), decoded by numpy a batch at a time.  A NULL
    array is all NaN; an array of another shape is an error."""
    nf = len(ml_feature_names(columns))
    y = ml_float(label, types[label]) if label else 'NULL::float8'
    if all(w is None for _, w in columns):
        xs = ', '.join("coalesce(%s, 'NaN'::float8)" % ml_float(f, types[f]) for f, _ in columns)
        x = "pg_catalog.array_send(ARRAY[%s]::float8[])" % xs
    else:
        # runs of scalar columns as one ARRAY[...], arrays as they are
        # (NULL elements NaN), all concatenated; NULL if an array has
        # another shape
        parts, run, checks = [], [], []
        for n, w in columns + [(None, 0)]:
            if w is None:
                run.append("coalesce(%s, 'NaN'::float8)" % ml_float(n, types[n]))
                continue
            if run:
                parts.append("ARRAY[%s]::float8[]" % ', '.join(run))
                run = []
            if n is None:
                break
            q = plpy.quote_ident(n)
            parts.append("coalesce(pg_catalog.array_replace(%s::float8[], NULL, 'NaN'::float8), "
                         "pg_catalog.array_fill('NaN'::float8, ARRAY[%d]))" % (q, w))
            checks.append("(%s IS NULL OR (pg_catalog.array_ndims(%s) = 1 AND "
                          "pg_catalog.cardinality(%s) = %d))" % (q, q, q, w))
        x = parts[0]
        for part in parts[1:]:
            x = "pg_catalog.array_cat(%s, %s)" % (x, part)
        x = "CASE WHEN %s THEN pg_catalog.array_send(%s) END" % (' AND '.join(checks), x)
    if idcol:
        sql = ("SELECT %s::bigint AS id, %s AS y, %s AS x "
               "FROM %s ORDER BY 1" % (plpy.quote_ident(idcol), y, x, rel))
    else:
        sql = ("SELECT NULL::bigint AS id, y, x FROM (SELECT %s AS y, "
               "%s AS x FROM %s) s ORDER BY x, y" % (y, x, rel))
    # array_send of a one-dimensional array: ndim, flags, element type, size,
    # lower bound (int4 each), then length and value of each element
    row = np.dtype([('header', 'V20'), ('x', np.dtype([('len', '>i4'), ('val', '>f8')]), (nf,))])
    ids, ys, parts = [], [], []
    cur = plpy.cursor(sql)
    while True:
        rows = cur.fetch(5000)
        if not rows:
            break
        xs = [r["x"] for r in rows]
        if any(v is None for v in xs):
            bad = [n for n, w in columns if w is not None]
            plpy.error("relation %s: a feature array column (%s) has a row of another shape"
                       % (rel, ", ".join(bad)),
                       hint="The model's arrays have %s elements."
                       % ", ".join(str(w) for _, w in columns if w is not None),
                       sqlstate="22023")
        batch = np.frombuffer(b''.join(xs), dtype=row)
        if (batch['x']['len'] != 8).any():
            plpy.error("ml: unexpected binary array from %s" % rel)
        parts.append(batch['x']['val'].astype(np.float64))
        ys.extend(r["y"] for r in rows)
        ids.extend(r["id"] for r in rows)
    X = np.vstack(parts) if parts else np.zeros((0, nf))
    if not idcol:
        ids = list(range(1, len(ys) + 1))
    y = np.array([np.nan if v is None else v for v in ys], dtype=np.float64) if label else None
    return ids, y, X

def ml_list(v):
    """A list of v's values as Python objects (v a list or a numpy array)."""
    return v.tolist() if isinstance(v, np.ndarray) else v

def ml_malloc():
    """Fix glibc's malloc thresholds, once per backend (see the file's header)."""
    if GD.get('ml_malloc_fixed'):
        return
    GD['ml_malloc_fixed'] = True
    try:
        import ctypes
        libc = ctypes.CDLL(None)
        libc.mallopt(-3, 32 * 1024 * 1024)      # M_MMAP_THRESHOLD
        libc.mallopt(-1, 256 * 1024 * 1024)     # M_TRIM_THRESHOLD
    except Exception:
        pass

def ml_limits(threads):
    ml_malloc()
    try:
        from threadpoolctl import threadpool_limits
        return threadpool_limits(limits=int(threads))
    except ImportError:
        import contextlib
        return contextlib.nullcontext()

def ml_estimator(kind, params):
    """A fresh, unfitted Pipeline for kind with params."""
    from sklearn.pipeline import Pipeline
    from sklearn.impute import SimpleImputer
    unknown = sorted(set(params) - set(ML_PARAMS[kind]))
    if unknown:
        plpy.error("unknown parameter %s for %s" % (", ".join(unknown), ml_function(kind)),
                   hint="Known parameters: %s." % ", ".join(ML_PARAMS[kind]),
                   sqlstate="22023")
    rs = int(params.get('random_state', 0))
    threads = int(params.get('threads', 1))
    p = params.get
    if kind == 'logreg':
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler, MinMaxScaler
        scaler = p('scaler', 'standard')
        if scaler not in ('standard', 'minmax', 'none'):
            plpy.error('scaler must be "standard", "minmax" or "none"', sqlstate="22023")
        return Pipeline([
            ('impute', SimpleImputer(strategy='median')),
            ('scale', MinMaxScaler() if scaler == 'minmax' else
                      'passthrough' if scaler == 'none' else StandardScaler()),
            ('clf', LogisticRegression(C=float(p('C', 1.0)), max_iter=int(p('max_iter', 200)),
                                       class_weight=p('class_weight'), solver='lbfgs',
                                       random_state=rs))])
    if kind == 'rf':
        from sklearn.ensemble import RandomForestClassifier
        md = p('max_depth')
        return Pipeline([
            ('impute', SimpleImputer(strategy='median')),
            ('clf', RandomForestClassifier(n_estimators=int(p('n_estimators', 100)),
                                           max_depth=None if md is None else int(md),
                                           min_samples_leaf=int(p('min_samples_leaf', 1)),
                                           max_features=p('max_features', 'sqrt'),
                                           class_weight=p('class_weight'),
                                           random_state=rs, n_jobs=threads))])
    if kind == 'scaler':
        from sklearn.preprocessing import StandardScaler, MinMaxScaler
        method = p('method', 'standard')
        if method not in ('standard', 'minmax'):
            plpy.error('method must be "standard" or "minmax"', sqlstate="22023")
        # no imputation: NULL (NaN) stays NULL, as scikit-learn's scalers do
        return Pipeline([('t', MinMaxScaler() if method == 'minmax' else StandardScaler())])
    if kind == 'pca':
        from sklearn.decomposition import PCA
        nc = p('n_components')
        if nc is not None and not isinstance(nc, int):
            nc = float(nc)
            if not 0 < nc < 1:
                plpy.error("n_components must be a whole number of components or a fraction "
                           "of the variance between 0 and 1", sqlstate="22023")
        return Pipeline([
            ('impute', SimpleImputer(strategy='median')),
            ('t', PCA(n_components=nc, whiten=bool(p('whiten', False)), svd_solver='full',
                      random_state=rs))])
    if kind == 'kbest':
        from functools import partial
        from sklearn.feature_selection import SelectKBest, f_classif, mutual_info_classif
        score_func = p('score_func', 'f_classif')
        if score_func not in ('f_classif', 'mutual_info'):
            plpy.error('score_func must be "f_classif" or "mutual_info"', sqlstate="22023")
        k = p('k', 10)
        return Pipeline([
            ('impute', SimpleImputer(strategy='median')),
            ('t', SelectKBest(f_classif if score_func == 'f_classif' else
                              partial(mutual_info_classif, random_state=rs),
                              k='all' if k == 'all' else int(k)))])
    algorithm = p('algorithm', 'hist')
    md = p('max_depth')
    if algorithm == 'hist':
        from sklearn.ensemble import HistGradientBoostingClassifier
        clf = HistGradientBoostingClassifier(
            max_iter=int(p('max_iter', p('n_estimators', 100))),
            learning_rate=float(p('learning_rate', 0.1)),
            max_leaf_nodes=int(p('max_leaf_nodes', p('num_leaves', 31))),
            max_depth=None if md is None else int(md),
            min_samples_leaf=int(p('min_samples_leaf', 20)),
            l2_regularization=float(p('l2_regularization', 0.0)),
            max_bins=int(p('max_bins', 255)),
            early_stopping=bool(p('early_stopping', False)),
            random_state=rs)
        if p('impute', False):
            return Pipeline([('impute', SimpleImputer(strategy='median')), ('clf', clf)])
        return Pipeline([('clf', clf)])
    if algorithm == 'exact':
        from sklearn.ensemble import GradientBoostingClassifier
        return Pipeline([
            ('impute', SimpleImputer(strategy='median')),
            ('clf', GradientBoostingClassifier(n_estimators=int(p('n_estimators', p('max_iter', 100))),
                                               learning_rate=float(p('learning_rate', 0.1)),
                                               max_depth=3 if md is None else int(md),
                                               min_samples_leaf=int(p('min_samples_leaf', 1)),
                                               subsample=float(p('subsample', 1.0)),
                                               random_state=rs))])
    plpy.error('algorithm must be "hist" or "exact"', sqlstate="22023")

def ml_fit(kind, input, params_json, warm_start):
    """The body of ml.train_<kind> and ml.fit_<kind>: the pickled model.
    Transformers (ML_TRANSFORMERS) are fitted from scratch, always."""
    import json
    params = json.loads(params_json) if params_json is not None else {}
    if not isinstance(params, dict):
        plpy.error("params must be a JSON object", sqlstate="22023")
    rel = ml_relation(input)
    cols = ml_columns(rel)
    types = dict(cols)
    supervised = kind not in ML_UNSUPERVISED
    label = params.get('label', 'target')
    if label not in types:
        if supervised or 'label' in params:
            plpy.error("relation %s has no label column \"%s\"" % (rel, label),
                       hint='Name the label with params {"label": "..."}.', sqlstate="42703")
        label = None
    idcol = params.get('id', 'sk_id_curr' if 'sk_id_curr' in types else None)
    if idcol is not None and idcol not in types:
        plpy.error("relation %s has no id column \"%s\"" % (rel, idcol), sqlstate="42703")
    columns = ml_layout(rel, cols, label, idcol)
    features = ml_feature_names(columns)
    if not features:
        plpy.error("relation %s has no numeric feature columns" % rel, sqlstate="22023")
    fresh = ml_estimator(kind, params)
    ids, y, X = ml_read(rel, idcol, label, columns, types)
    if supervised:
        keep = ~np.isnan(y)
        yv = y[keep].astype(np.int64)
        X = X[keep]
        if len(np.unique(yv)) < 2:
            plpy.error("relation %s: the label \"%s\" needs two classes to train on" % (rel, label),
                       sqlstate="22023")
    else:
        yv = None
    threads = int(params.get('threads', 1))
    pipe, warm = None, False
    if warm_start is not None and kind in ML_CLASSIFIERS:
        try:
            old = pickle.loads(warm_start)
        except Exception:
            old = None
        if (isinstance(old, dict) and old.get('format') == 'ml/1' and old.get('kind') == kind
                and old.get('features') == features
                and [s[0] for s in old['estimator'].steps] == [s[0] for s in fresh.steps]
                and type(old['estimator'].steps[-1][1]) is type(fresh.steps[-1][1])):
            pipe = old['estimator']
            for (name, step), (_, new) in zip(pipe.steps, fresh.steps):
                if name == 'clf':
                    step.set_params(**dict(new.get_params(deep=False), warm_start=True))
                else:
                    pipe.steps[[s[0] for s in pipe.steps].index(name)] = (name, new)
            try:
                with ml_limits(threads):
                    pipe.fit(X, yv)
                warm = True
            except ValueError:
                pipe = None
            if pipe is not None:
                pipe.steps[-1][1].set_params(warm_start=False)
    if pipe is None:
        pipe = fresh
        if kind in ML_CLASSIFIERS:
            with ml_limits(threads):
                pipe.fit(X, yv)
        else:
            try:
                with ml_limits(threads):
                    pipe.fit(X, yv)
            except ValueError as e:
                plpy.error("%s on %s: %s" % (ml_function(kind), rel, e), sqlstate="22023")
    return pickle.dumps({'format': 'ml/1', 'kind': kind, 'estimator': pipe, 'features': features,
                         'columns': columns, 'id': idcol, 'label': label, 'params': params,
                         'rows': int(len(ids) if yv is None else len(yv)),
                         'warm_started': warm}, protocol=4)

def ml_load(model):
    try:
        m = pickle.loads(model)
    except Exception as e:
        plpy.error("not a model of the ml functions: %s" % e, sqlstate="22P02")
    if not isinstance(m, dict) or m.get('format') != 'ml/1':
        plpy.error("not a model of the ml functions", sqlstate="22P02")
    return m

def ml_data(m, data, need_label):
    """(ids, y, X) of a relation, read with the feature layout of model m."""
    rel = ml_relation(data)
    types = dict(ml_columns(rel))
    columns = ml_model_columns(m)
    missing = [n for n, w in columns if n not in types]
    if missing:
        plpy.error("relation %s lacks feature columns of the model: %s" % (rel, ", ".join(missing[:10])),
                   sqlstate="42703")
    shape = [n for n, w in columns if (w is not None) != (types[n] in ML_ARRAYS)]
    if shape:
        plpy.error("relation %s: columns %s are arrays where the model has scalars or the other way "
                   "round" % (rel, ", ".join(shape[:10])), sqlstate="42804")
    label = m['label'] if m['label'] in types else None
    if need_label and label is None:
        plpy.error("relation %s has no label column \"%s\"" % (rel, m['label']), sqlstate="42703")
    idcol = m['id'] if m['id'] in types else None
    return ml_read(rel, idcol, label, columns, types)

def ml_score(model, data, need_label):
    """(model, ids, y, P(label = 1)) of a model on a relation."""
    m = ml_load(model)
    if m['kind'] not in ML_CLASSIFIERS:
        plpy.error("a model of kind %s does not predict" % m['kind'],
                   hint="It is a transformer: apply it with ml.transform.", sqlstate="22023")
    ids, y, X = ml_data(m, data, need_label)
    pipe = m['estimator']
    classes = list(pipe.classes_)
    with ml_limits(1):
        proba = pipe.predict_proba(X) if len(ids) else np.zeros((0, len(classes)))
    p = proba[:, classes.index(1)] if 1 in classes else np.zeros(len(ids))
    return m, ids, y, p

def ml_transform(model, data):
    """[(id, label, features)] of a fitted transformer applied to a relation."""
    m = ml_load(model)
    if m['kind'] not in ML_TRANSFORMERS:
        plpy.error("a model of kind %s does not transform" % m['kind'],
                   hint="It is a classifier: apply it with ml.predict.", sqlstate="22023")
    ids, y, X = ml_data(m, data, False)
    if not len(ids):
        return []
    with ml_limits(int(m['params'].get('threads', 1))):
        Xt = m['estimator'].transform(X)
    labels = [None] * len(ids) if y is None else [None if np.isnan(v) else v for v in y.tolist()]
    return list(zip(ml_list(ids), labels, Xt.tolist()))

# ---- end of the ml library ----
$py$;
BEGIN
	-- the train and fit functions: one per kind, each ml_fit(kind, ...)
	FOREACH fn IN ARRAY ARRAY['train_logreg', 'train_rf', 'train_gbm',
							  'fit_scaler', 'fit_pca', 'fit_kbest'] LOOP
		EXECUTE format($f$
CREATE OR REPLACE FUNCTION ml.%I(input regclass, params jsonb, warm_start bytea)
RETURNS bytea LANGUAGE plpython3u VOLATILE AS %L$f$, fn, lib || format($py$
return ml_fit(%L, input, params, warm_start)
$py$, split_part(fn, '_', 2)));
	END LOOP;
	EXECUTE format($f$
CREATE OR REPLACE FUNCTION ml.transform(model bytea, data text)
RETURNS TABLE(id bigint, target float8, x float8[]) LANGUAGE plpython3u STABLE STRICT AS %L$f$, lib || $py$
return ml_transform(model, data)
$py$);
	EXECUTE format($f$
CREATE OR REPLACE FUNCTION ml.predict(model bytea, input regclass)
RETURNS TABLE(id bigint, score float8) LANGUAGE plpython3u STABLE STRICT AS %L$f$, lib || $py$
m, ids, y, p = ml_score(model, input, False)
return list(zip(ml_list(ids), p.tolist()))
$py$);
	EXECUTE format($f$
CREATE OR REPLACE FUNCTION ml.auc(model bytea, data text)
RETURNS float8 LANGUAGE plpython3u STABLE STRICT AS %L$f$, lib || $py$
from sklearn.metrics import roc_auc_score
m, ids, y, p = ml_score(model, data, True)
keep = ~np.isnan(y)
yv = y[keep]
if len(np.unique(yv)) < 2:
    return None
return float(roc_auc_score(yv.astype(np.int64), p[keep]))
$py$);
	EXECUTE format($f$
CREATE OR REPLACE FUNCTION ml.accuracy(model bytea, data text)
RETURNS float8 LANGUAGE plpython3u STABLE STRICT AS %L$f$, lib || $py$
m, ids, y, p = ml_score(model, data, True)
keep = ~np.isnan(y)
if not keep.any():
    return None
yv = y[keep]
return float(np.mean((p[keep] >= 0.5).astype(np.float64) == yv))
$py$);
	EXECUTE format($f$
CREATE OR REPLACE FUNCTION ml.model_info(model bytea)
RETURNS jsonb LANGUAGE plpython3u IMMUTABLE STRICT AS %L$f$, lib || $py$
import json
m = ml_load(model)
return json.dumps({'kind': m['kind'], 'params': m['params'], 'features': len(m['features']),
                   'id': m['id'], 'label': m['label'], 'rows': m['rows'],
                   'warm_started': m['warm_started'],
                   'estimator': type(m['estimator'].steps[-1][1]).__name__})
$py$);
END
$do$;

-- A model is a pickle, and unpickling runs whatever code the pickle names:
-- whoever may call these functions with a bytea of their choosing can run
-- code as the server's operating-system user.  So only superusers (and roles
-- granted EXECUTE explicitly, which is granting exactly that) may call them.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ml FROM PUBLIC;

COMMENT ON SCHEMA ml IS 'scikit-learn training and scoring for eg workloads (examples/ml.sql)';
