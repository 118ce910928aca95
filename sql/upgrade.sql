-- Upgrade: eg installed at its oldest version, used, then updated with
-- ALTER EXTENSION eg UPDATE keeps its graph and store usable, and ends
-- with exactly the objects of a fresh install of the current version
-- (like pg_stat_statements' oldextversions).  Runs in a database of its
-- own, since the regression database has the current eg installed.
-- A release that changes the schema extends this suite (docs/releasing.md).
\set regress_db :DBNAME
CREATE DATABASE regress_eg_upgrade;
\c regress_eg_upgrade

-- ---------------------------------------------------------------- 0.1
CREATE EXTENSION eg VERSION '0.1';
SELECT extversion FROM pg_extension WHERE extname = 'eg';
SET eg.materializer = 'all';   -- keep every computed step
SET eg.reuse = all_load;       -- load whatever is stored

CREATE TABLE up_app (id int, target int, income numeric, credit numeric, grp text);
INSERT INTO up_app
SELECT g, (g % 7 = 0)::int, 1000 + (g * 7) % 5000, 500 + (g * 13) % 3000, 'g' || (g % 4)
FROM generate_series(1, 2000) g;

CREATE FUNCTION up_train(input regclass, params jsonb, warm bytea) RETURNS bytea
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %s', input) INTO n;
    RETURN convert_to(n || ':' || params::text, 'UTF8');
END $$;

-- the workload, run before and after the update
CREATE FUNCTION define_up() RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM eg.begin('upgrade');
    PERFORM eg.dataset('clean', $$SELECT * FROM up_app WHERE income < 5000$$);
    PERFORM eg.dataset('feats', $$SELECT id, target, ln(credit) AS log_credit, grp FROM clean$$);
    PERFORM eg.aggregate('stats', $$SELECT grp, count(*) AS n, round(avg(log_credit), 6) AS m
                                    FROM feats GROUP BY grp$$);
    PERFORM eg.model('m', 'up_train', 'feats', '{"depth": 2}');
    PERFORM eg.aggregate('score', $$SELECT 0.5 AS auc FROM m$$, quality_of => 'm');
END $f$;

SELECT define_up();
SELECT step, kind, action, rows FROM eg.run();
SELECT kind, step, frequency, materialized, rows FROM eg.artifacts ORDER BY kind, step;
SELECT materialized_artifacts, chunks > 0 AS has_chunks, stored_bytes > 0 AS stored
  FROM eg.storage;

-- ---------------------------------------------------------------- update
ALTER EXTENSION eg UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'eg';
SELECT extversion = default_version AS is_default
  FROM pg_extension JOIN pg_available_extensions ON name = extname WHERE extname = 'eg';

-- a new session: what 0.1 stored is loaded, and equals plain SQL
\c
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SELECT define_up();
SELECT step, kind, action, rows FROM eg.run();
SELECT count(*) AS feats_diff FROM (
  (SELECT * FROM feats EXCEPT ALL
   SELECT id, target, ln(credit), grp FROM up_app WHERE income < 5000)
  UNION ALL
  (SELECT id, target, ln(credit), grp FROM up_app WHERE income < 5000 EXCEPT ALL
   SELECT * FROM feats)) d;
SELECT convert_from(model, 'UTF8') FROM m;
SELECT * FROM stats ORDER BY grp;
SELECT name, computed, loaded FROM eg.workloads ORDER BY id;
SELECT kind, step, frequency, materialized FROM eg.artifacts ORDER BY kind, step;
SELECT count(*) AS problems FROM eg.check();

-- ---------------------------------------------------------------- schema
-- Every member object of extension eg with its details, by name (never an
-- OID): one row per (object, property).  Owner-independent: the owner's
-- role in an ACL is written "owner".
CREATE FUNCTION up_acl(acl aclitem[], owner oid) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_agg(x, ' ' ORDER BY x), '(empty)')
    FROM (SELECT CASE a.grantee WHEN 0 THEN 'PUBLIC' WHEN owner THEN 'owner'
                 ELSE a.grantee::regrole::text END
                 || '=' || a.privilege_type || CASE WHEN a.is_grantable THEN '*' ELSE '' END
                 || '/' || CASE a.grantor WHEN owner THEN 'owner' ELSE a.grantor::regrole::text END AS x
          FROM aclexplode(acl) a) s
$$;

CREATE FUNCTION eg_describe() RETURNS TABLE (object text, property text, value text)
LANGUAGE sql STABLE AS $$
WITH ext AS (
    SELECT e.oid, e.extowner, e.extnamespace FROM pg_extension e WHERE e.extname = 'eg'
), m AS (
    SELECT d.classid, d.objid FROM pg_depend d, ext
    WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid
      AND d.deptype = 'e'
), rel AS (
    -- member relations, and the relations of member composite types
    SELECT c.* FROM pg_class c
    WHERE c.oid IN (SELECT objid FROM m WHERE classid = 'pg_class'::regclass)
       OR c.oid IN (SELECT t.typrelid FROM pg_type t JOIN m ON m.classid = 'pg_type'::regclass
                    AND m.objid = t.oid WHERE t.typrelid <> 0)
), obj AS (
    SELECT r.oid, pg_describe_object('pg_class'::regclass, r.oid, 0) AS name FROM rel r
)
-- the extension itself
SELECT 'extension eg', x.k, x.v
FROM pg_extension e, LATERAL (VALUES
    ('version', e.extversion),
    ('schema', e.extnamespace::regnamespace::text),
    ('relocatable', e.extrelocatable::text),
    ('comment', coalesce(obj_description(e.oid, 'pg_extension'), '(none)')),
    ('extconfig', coalesce((SELECT string_agg(c.relid::regclass::text
                                              || ' WHERE ' || coalesce(c.cond, ''), ', '
                                              ORDER BY c.relid::regclass::text)
                            FROM unnest(e.extconfig, e.extcondition) c(relid, cond)), '(none)'))
) x(k, v)
WHERE e.extname = 'eg'
UNION ALL
-- its schema
SELECT 'schema ' || n.nspname, x.k, x.v
FROM pg_namespace n JOIN ext ON n.oid = ext.extnamespace, LATERAL (VALUES
    ('acl', up_acl(coalesce(n.nspacl, acldefault('n', n.nspowner)), n.nspowner)),
    ('owner is extension owner', (n.nspowner = ext.extowner)::text),
    ('comment', coalesce(obj_description(n.oid, 'pg_namespace'), '(none)'))
) x(k, v)
UNION ALL
-- every member
SELECT pg_describe_object(m.classid, m.objid, 0), 'member', m.classid::regclass::text
FROM m
UNION ALL
-- relations
SELECT o.name, x.k, x.v
FROM rel r JOIN obj o USING (oid), LATERAL (VALUES
    ('relkind', r.relkind::text),
    ('persistence', r.relpersistence::text),
    ('options', coalesce(array_to_string(r.reloptions, ', '), '(none)')),
    ('acl', up_acl(coalesce(r.relacl, acldefault(CASE r.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char",
                                                 r.relowner)), r.relowner)),
    ('row security', r.relrowsecurity::text || ' force ' || r.relforcerowsecurity::text),
    ('replica identity', r.relreplident::text),
    ('has toast', (r.reltoastrelid <> 0)::text)
) x(k, v)
UNION ALL
-- columns
SELECT o.name, 'column ' || a.attname || ' ' || x.k, x.v
FROM rel r JOIN obj o USING (oid)
JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation,
LATERAL (VALUES
    ('position', (SELECT count(*) FROM pg_attribute b WHERE b.attrelid = a.attrelid
                  AND b.attnum > 0 AND NOT b.attisdropped AND b.attnum <= a.attnum)::text),
    ('type', format_type(a.atttypid, a.atttypmod)),
    ('not null', a.attnotnull::text),
    ('default', coalesce(pg_get_expr(ad.adbin, ad.adrelid), '(none)')),
    ('storage', a.attstorage::text),
    ('compression', a.attcompression::text),
    ('identity', a.attidentity::text || ' generated ' || a.attgenerated::text),
    ('collation', coalesce(co.collnamespace::regnamespace::text || '.' || quote_ident(co.collname), '(none)')),
    ('acl', CASE WHEN a.attacl IS NULL THEN '(none)' ELSE up_acl(a.attacl, r.relowner) END)
) x(k, v)
UNION ALL
-- constraints of relations
SELECT o.name, 'constraint ' || c.conname,
       c.contype::text || ': ' || pg_get_constraintdef(c.oid)
       || CASE WHEN c.condeferrable THEN ' deferrable' ELSE '' END
       || CASE WHEN c.condeferred THEN ' deferred' ELSE '' END
       || CASE WHEN c.convalidated THEN '' ELSE ' not valid' END
FROM rel r JOIN obj o USING (oid) JOIN pg_constraint c ON c.conrelid = r.oid
UNION ALL
-- indexes
SELECT o.name, 'index ' || i.indexrelid::regclass::text,
       pg_get_indexdef(i.indexrelid)
       || CASE WHEN i.indisclustered THEN ' clustered' ELSE '' END
       || CASE WHEN i.indisreplident THEN ' replica identity' ELSE '' END
FROM rel r JOIN obj o USING (oid) JOIN pg_index i ON i.indrelid = r.oid
UNION ALL
-- triggers (not the internal ones of foreign keys, named by OID)
SELECT o.name, 'trigger ' || t.tgname, pg_get_triggerdef(t.oid) || ' enabled ' || t.tgenabled::text
FROM rel r JOIN obj o USING (oid) JOIN pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
UNION ALL
-- rules other than views' own
SELECT o.name, 'rule ' || w.rulename, pg_get_ruledef(w.oid)
FROM rel r JOIN obj o USING (oid) JOIN pg_rewrite w ON w.ev_class = r.oid AND w.rulename <> '_RETURN'
UNION ALL
-- policies
SELECT o.name, 'policy ' || p.polname,
       p.polcmd::text || CASE WHEN p.polpermissive THEN ' permissive' ELSE ' restrictive' END
       || ' to ' || (SELECT string_agg(x, ', ' ORDER BY x)
                     FROM (SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE r::regrole::text END AS x
                           FROM unnest(p.polroles) r) s)
       || ' using ' || coalesce(pg_get_expr(p.polqual, p.polrelid), '-')
       || ' check ' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '-')
FROM rel r JOIN obj o USING (oid) JOIN pg_policy p ON p.polrelid = r.oid
UNION ALL
-- views
SELECT o.name, 'definition', pg_get_viewdef(r.oid)
FROM rel r JOIN obj o USING (oid) WHERE r.relkind IN ('v', 'm')
UNION ALL
-- sequences
SELECT o.name, 'sequence',
       format('%s start %s increment %s min %s max %s cache %s cycle %s owned by %s',
              format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
              s.seqcache, s.seqcycle,
              coalesce((SELECT d.refobjid::regclass::text || '.' || quote_ident(a.attname)
                        FROM pg_depend d JOIN pg_attribute a
                          ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                        WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid
                          AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')),
                       '(none)'))
FROM rel r JOIN obj o USING (oid) JOIN pg_sequence s ON s.seqrelid = r.oid
UNION ALL
-- functions
SELECT pg_describe_object('pg_proc'::regclass, p.oid, 0), x.k, x.v
FROM pg_proc p JOIN m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
JOIN pg_language l ON l.oid = p.prolang, LATERAL (VALUES
    ('identity arguments', pg_get_function_identity_arguments(p.oid)),
    ('arguments', pg_get_function_arguments(p.oid)),
    ('result', coalesce(pg_get_function_result(p.oid), '(none)')),
    ('kind', p.prokind::text),
    ('volatility', p.provolatile::text),
    ('strict', p.proisstrict::text),
    ('parallel', p.proparallel::text),
    ('security definer', p.prosecdef::text),
    ('leakproof', p.proleakproof::text),
    ('cost', p.procost::text || ' rows ' || p.prorows::text),
    ('config', coalesce(array_to_string(p.proconfig, ', '), '(none)')),
    ('language', l.lanname::text),
    ('source', coalesce(p.prosrc, '(none)')),
    ('binary', coalesce(p.probin, '(none)')),
    ('sql body', coalesce(pg_get_function_sqlbody(p.oid), '(none)')),
    ('acl', up_acl(coalesce(p.proacl, acldefault('f', p.proowner)), p.proowner))
) x(k, v)
UNION ALL
-- types
SELECT pg_describe_object('pg_type'::regclass, t.oid, 0), x.k, x.v
FROM pg_type t JOIN m ON m.classid = 'pg_type'::regclass AND m.objid = t.oid, LATERAL (VALUES
    ('type', t.typtype::text || ' len ' || t.typlen || ' byval ' || t.typbyval || ' align ' || t.typalign::text
             || ' storage ' || t.typstorage::text || ' category ' || t.typcategory::text
             || ' preferred ' || t.typispreferred || ' delim ' || t.typdelim::text),
    ('io', concat_ws(' ', t.typinput, t.typoutput, t.typreceive, t.typsend,
                     t.typmodin, t.typmodout, t.typanalyze, t.typsubscript)),
    ('element', CASE WHEN t.typelem = 0 THEN '(none)' ELSE format_type(t.typelem, NULL) END),
    ('array type', CASE WHEN t.typarray = 0 THEN '(none)' ELSE format_type(t.typarray, NULL) END),
    ('collatable', (t.typcollation <> 0)::text),
    ('default', coalesce(t.typdefault, '(none)')),
    ('domain', CASE WHEN t.typtype = 'd'
                    THEN format_type(t.typbasetype, t.typtypmod) || ' not null ' || t.typnotnull
                    ELSE '(none)' END),
    ('enum labels', coalesce((SELECT string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder)
                              FROM pg_enum e WHERE e.enumtypid = t.oid), '(none)')),
    ('acl', up_acl(coalesce(t.typacl, acldefault('T', t.typowner)), t.typowner))
) x(k, v)
UNION ALL
-- domain constraints
SELECT pg_describe_object('pg_type'::regclass, t.oid, 0), 'constraint ' || c.conname,
       pg_get_constraintdef(c.oid) || CASE WHEN c.convalidated THEN '' ELSE ' not valid' END
FROM pg_type t JOIN m ON m.classid = 'pg_type'::regclass AND m.objid = t.oid
JOIN pg_constraint c ON c.contypid = t.oid
UNION ALL
-- operators
SELECT pg_describe_object('pg_operator'::regclass, op.oid, 0), x.k, x.v
FROM pg_operator op JOIN m ON m.classid = 'pg_operator'::regclass AND m.objid = op.oid,
LATERAL (VALUES
    ('function', op.oprcode::regprocedure::text),
    ('result', format_type(op.oprresult, NULL)),
    ('commutator', CASE WHEN op.oprcom = 0 THEN '(none)' ELSE op.oprcom::regoperator::text END),
    ('negator', CASE WHEN op.oprnegate = 0 THEN '(none)' ELSE op.oprnegate::regoperator::text END),
    ('estimators', op.oprrest::text || ' ' || op.oprjoin::text),
    ('merges/hashes', op.oprcanmerge::text || ' ' || op.oprcanhash::text)
) x(k, v)
UNION ALL
-- operator classes
SELECT pg_describe_object('pg_opclass'::regclass, oc.oid, 0), 'class',
       format_type(oc.opcintype, NULL) || ' default ' || oc.opcdefault || ' family '
       || pg_describe_object('pg_opfamily'::regclass, oc.opcfamily, 0)
       || ' storage ' || CASE WHEN oc.opckeytype = 0 THEN '-' ELSE format_type(oc.opckeytype, NULL) END
FROM pg_opclass oc JOIN m ON m.classid = 'pg_opclass'::regclass AND m.objid = oc.oid
UNION ALL
-- operator families: their operators and support functions
SELECT pg_describe_object('pg_opfamily'::regclass, f.oid, 0),
       'operator ' || ao.amopstrategy || ' (' || format_type(ao.amoplefttype, NULL) || ', '
       || format_type(ao.amoprighttype, NULL) || ')',
       ao.amopopr::regoperator::text || ' ' || ao.amoppurpose::text
FROM pg_opfamily f JOIN m ON m.classid = 'pg_opfamily'::regclass AND m.objid = f.oid
JOIN pg_amop ao ON ao.amopfamily = f.oid
UNION ALL
SELECT pg_describe_object('pg_opfamily'::regclass, f.oid, 0),
       'function ' || ap.amprocnum || ' (' || format_type(ap.amproclefttype, NULL) || ', '
       || format_type(ap.amprocrighttype, NULL) || ')',
       ap.amproc::regprocedure::text
FROM pg_opfamily f JOIN m ON m.classid = 'pg_opfamily'::regclass AND m.objid = f.oid
JOIN pg_amproc ap ON ap.amprocfamily = f.oid
UNION ALL
-- casts
SELECT pg_describe_object('pg_cast'::regclass, ca.oid, 0), 'cast',
       ca.castcontext::text || ' ' || ca.castmethod::text || ' '
       || CASE WHEN ca.castfunc = 0 THEN '(none)' ELSE ca.castfunc::regprocedure::text END
FROM pg_cast ca JOIN m ON m.classid = 'pg_cast'::regclass AND m.objid = ca.oid
UNION ALL
-- event triggers
SELECT pg_describe_object('pg_event_trigger'::regclass, et.oid, 0), 'event trigger',
       et.evtevent::text || ' tags ' || coalesce(array_to_string(et.evttags, ', '), '(all)')
       || ' execute ' || et.evtfoid::regprocedure::text || ' enabled ' || et.evtenabled::text
FROM pg_event_trigger et JOIN m ON m.classid = 'pg_event_trigger'::regclass AND m.objid = et.oid
UNION ALL
-- languages
SELECT pg_describe_object('pg_language'::regclass, la.oid, 0), 'language',
       la.lanpltrusted::text || ' ' || la.lanplcallfoid::regprocedure::text || ' '
       || la.laninline::regprocedure::text || ' ' || la.lanvalidator::regprocedure::text
       || ' acl ' || up_acl(coalesce(la.lanacl, acldefault('l', la.lanowner)), la.lanowner)
FROM pg_language la JOIN m ON m.classid = 'pg_language'::regclass AND m.objid = la.oid
UNION ALL
-- comments: on members, their columns, and the constraints, indexes,
-- triggers, rules and policies of member relations
SELECT pg_describe_object(d.classoid, d.objoid, d.objsubid), 'comment', d.description
FROM pg_description d
WHERE (d.classoid, d.objoid) IN (SELECT classid, objid FROM m)
   OR (d.classoid = 'pg_class'::regclass AND d.objoid IN (SELECT oid FROM rel))
   OR (d.classoid = 'pg_class'::regclass
       AND d.objoid IN (SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT oid FROM rel)))
   OR (d.classoid = 'pg_constraint'::regclass
       AND d.objoid IN (SELECT oid FROM pg_constraint WHERE conrelid IN (SELECT oid FROM rel)
                        OR contypid IN (SELECT objid FROM m WHERE classid = 'pg_type'::regclass)))
   OR (d.classoid = 'pg_trigger'::regclass
       AND d.objoid IN (SELECT oid FROM pg_trigger WHERE tgrelid IN (SELECT oid FROM rel)))
   OR (d.classoid = 'pg_rewrite'::regclass
       AND d.objoid IN (SELECT oid FROM pg_rewrite WHERE ev_class IN (SELECT oid FROM rel)))
   OR (d.classoid = 'pg_policy'::regclass
       AND d.objoid IN (SELECT oid FROM pg_policy WHERE polrelid IN (SELECT oid FROM rel)))
UNION ALL
-- initial privileges recorded for pg_dump (members, their columns, the schema)
SELECT pg_describe_object(ip.classoid, ip.objoid, ip.objsubid), 'initial privileges',
       ip.privtype::text || ' ' || up_acl(ip.initprivs, ext.extowner)
FROM pg_init_privs ip, ext
WHERE (ip.classoid, ip.objoid) IN (SELECT classid, objid FROM m)
   OR (ip.classoid = 'pg_class'::regclass AND ip.objoid IN (SELECT oid FROM rel))
   OR (ip.classoid = 'pg_namespace'::regclass AND ip.objoid = ext.extnamespace)
$$;

CREATE TABLE upgraded AS SELECT * FROM eg_describe();
-- a describe that found nothing could not fail below
SELECT count(*) AS described, count(DISTINCT object) AS objects,
       count(*) FILTER (WHERE property = 'member') AS members
  FROM upgraded;

-- a fresh install of the current version (the schema too, which outlives
-- the extension with the privileges granted on it)
SET client_min_messages = warning;
DROP EXTENSION eg CASCADE;
DROP SCHEMA eg;
RESET client_min_messages;
CREATE EXTENSION eg;
SELECT extversion FROM pg_extension WHERE extname = 'eg';
SELECT count(*) AS described FROM eg_describe();

-- upgraded and fresh: no difference either way
(SELECT 'upgraded only' AS side, * FROM upgraded
 EXCEPT SELECT 'upgraded only', * FROM eg_describe())
UNION ALL
(SELECT 'fresh only', * FROM eg_describe()
 EXCEPT SELECT 'fresh only', * FROM upgraded)
ORDER BY object, property, side;

\c :regress_db
DROP DATABASE regress_eg_upgrade;

-- ---------------------------------------------------------------- before the update
-- The library of this version on a 0.2 schema (installed, not yet updated):
-- a schema that cannot record read sets neither stores nor reuses a step
-- whose function reads a table its query does not name (graph_has_read_sets),
-- so an UPDATE of that table cannot be missed; a step without one is
-- stored and reused.
CREATE DATABASE regress_eg_upgrade_rs;
\c regress_eg_upgrade_rs
CREATE EXTENSION eg VERSION '0.2';
SET eg.materializer = 'all';
SET eg.reuse = all_load;
SET client_min_messages = warning;
CREATE TABLE up_lk (k int, v text);
INSERT INTO up_lk VALUES (1, 'old');
CREATE TABLE up_pts (id int);
INSERT INTO up_pts SELECT generate_series(1, 3);
CREATE FUNCTION up_get(kk int) RETURNS text LANGUAGE plpgsql STABLE
    AS $$BEGIN RETURN (SELECT v FROM up_lk WHERE k = kk); END$$;
CREATE FUNCTION up_run() RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    DROP TABLE IF EXISTS pg_temp.up_r, pg_temp.up_p;
    PERFORM eg.begin();
    PERFORM eg.dataset('up_r', 'SELECT id, up_get(1) AS v FROM up_pts');
    PERFORM eg.dataset('up_p', 'SELECT id FROM up_pts');
    RETURN QUERY SELECT step || ' ' || action FROM eg.run();
END $$;
SELECT up_run();
SELECT step, reusable, materialized FROM eg.artifacts WHERE kind <> 'source' ORDER BY step;
SELECT up_run();
UPDATE up_lk SET v = 'new';
SELECT up_run();
SELECT DISTINCT v FROM up_r;
\c :regress_db
DROP DATABASE regress_eg_upgrade_rs;
