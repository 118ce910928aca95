/*
 * ident.c - who an artifact is: canonical encodings and lineage ids.
 *
 * An artifact id is SHA-256 (truncated to 128 bits) over a canonical,
 * tagged encoding of its lineage: the kind of step, the fingerprint of its
 * operation (ident_query.c analyses queries), its parameters, the ids of
 * its input steps, the source ids of the base tables it reads, and the
 * definitions of the user-defined functions it calls (plus the settings
 * that change results, when ident_query.c finds that some may change its).
 * Ids are Merkle-style: an input's id already covers the input's own
 * lineage.
 *
 * A base table's source id covers its oid and its data version (track.c);
 * a view's, its definition (its base tables are sources of their own).
 * Under row-level security the caller's role and the table's policies join
 * the source id, so roles that may see different rows never share artifacts.
 * Nothing else about the caller is in an id: what a step's functions read
 * beyond its query text (its read set, readset.c) extends its id with those
 * relations' source ids (ident_reads_id), and their rights are checked
 * before every load like the rest of its lineage.
 *
 * A step that is not reusable (ident_query.c says why) gets a random nonce
 * in its id, and so does every id downstream of it.
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/syscache.h"

#include "graph.h"
#include "ident.h"
#include "ident_internal.h"
#include "spi.h"
#include "track.h"

/* A running lineage hash. */
typedef struct IdentHash
{
	pg_cryptohash_ctx *ctx;
} IdentHash;

/*
 * Within a batch (ident_batch_begin .. ident_batch_end: one refresh of a
 * whole workload) the source id of each relation and the digest of each
 * function's definition are computed once, however many steps use them.
 */
typedef struct IdentCached
{
	Oid			key;			/* relation or function oid */
	EgSource	source;
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
} IdentCached;

static MemoryContext BatchContext = NULL;
static HTAB *SourceCache = NULL;
static HTAB *FunctionCache = NULL;

/* Reset callback: the batch's context is gone (ended, or the query failed). */
static void
IdentBatchReset(void *arg)
{
	BatchContext = NULL;
	SourceCache = NULL;
	FunctionCache = NULL;
}

/* Start a batch whose caches live as long as the current memory context. */
void
ident_batch_begin(void)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "eg ident batch",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContextCallback *cb = MemoryContextAlloc(cxt, sizeof(MemoryContextCallback));
	HASHCTL		ctl;

	cb->func = IdentBatchReset;
	cb->arg = NULL;
	MemoryContextRegisterResetCallback(cxt, cb);
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(IdentCached);
	ctl.hcxt = cxt;
	SourceCache = hash_create("eg source ids", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	FunctionCache = hash_create("eg function digests", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	BatchContext = cxt;
}

/* End the batch: later calls see fresh data versions again. */
void
ident_batch_end(void)
{
	if (BatchContext)
		MemoryContextDelete(BatchContext);	/* runs IdentBatchReset */
}

/* Start a hash with a domain tag. */
static void
IdentHashBegin(IdentHash *h, const char *tag)
{
	h->ctx = pg_cryptohash_create(PG_SHA256);
	if (h->ctx == NULL || pg_cryptohash_init(h->ctx) < 0)
		elog(ERROR, "could not initialise SHA-256");
	/* the server's major version: built-in behaviour may change with it */
	{
		int32		major = PG_VERSION_NUM / 10000;

		pg_cryptohash_update(h->ctx, (const uint8 *) &major, sizeof(major));
	}
	pg_cryptohash_update(h->ctx, (const uint8 *) tag, strlen(tag) + 1);
}

/* Add length-prefixed bytes. */
static void
IdentHashBytes(IdentHash *h, const void *data, size_t len)
{
	uint64		l = len;

	if (pg_cryptohash_update(h->ctx, (const uint8 *) &l, sizeof(l)) < 0 ||
		pg_cryptohash_update(h->ctx, (const uint8 *) data, len) < 0)
		elog(ERROR, "could not update SHA-256");
}

/* Add a string (NULL distinct from empty). */
static void
IdentHashString(IdentHash *h, const char *s)
{
	if (s == NULL)
		IdentHashBytes(h, "\377", 1);
	else
		IdentHashBytes(h, s, strlen(s));
}

/* Finish: full 32-byte digest. */
static void
IdentHashFinishFull(IdentHash *h, uint8 *digest)
{
	if (pg_cryptohash_final(h->ctx, digest, PG_SHA256_DIGEST_LENGTH) < 0)
		elog(ERROR, "could not finish SHA-256");
	pg_cryptohash_free(h->ctx);
	h->ctx = NULL;
}

/* Domain-tagged SHA-256 of a string, as every lineage hash starts (ident_query.c). */
void
ident_digest(const char *tag, const char *s, uint8 *digest)
{
	IdentHash	h;

	IdentHashBegin(&h, tag);
	IdentHashString(&h, s);
	IdentHashFinishFull(&h, digest);
}

/* Finish into an id, mixing in a random nonce when not reusable. */
static void
IdentHashFinish(IdentHash *h, bool reusable, EgId *out)
{
	uint8		digest[PG_SHA256_DIGEST_LENGTH];

	if (!reusable)
	{
		uint8		nonce[16];

		if (!pg_strong_random(nonce, sizeof(nonce)))
			elog(ERROR, "could not generate random nonce");
		IdentHashBytes(h, nonce, sizeof(nonce));
	}
	IdentHashFinishFull(h, digest);
	memcpy(out->bytes, digest, EG_ID_LEN);
}

/*
 * The catalog reads of identity.  They run as the caller: the text they
 * hash (pg_get_expr of a policy) is what the caller's session deparses.
 */
typedef enum IdentStmtId
{
	IS_POLICIES,
	IS_FUNCTION,
	IS_VIEW,
	IS_CAPTURED,
	IS_COUNT
} IdentStmtId;

static EgStmt ident_stmts[IS_COUNT] = {
	[IS_POLICIES] = EG_STMT_CALLER(
		"SELECT polname, polcmd, polpermissive, polroles::pg_catalog.text, "
		"pg_catalog.pg_get_expr(polqual, polrelid), "
		"pg_catalog.pg_get_expr(polwithcheck, polrelid), "
		"EXISTS (SELECT FROM pg_catalog.unnest(polroles) r WHERE CASE WHEN r = 0 "
		"THEN true ELSE pg_catalog.pg_has_role($2, r, 'USAGE') END) "
		"FROM pg_catalog.pg_policy WHERE polrelid = $1 ORDER BY polname",
		SPI_OK_SELECT, 2, OIDOID, OIDOID),
	[IS_FUNCTION] = EG_STMT_CALLER(
		"SELECT p.proname, n.nspname, l.lanname, p.prokind, p.prosrc, p.probin, "
		"p.proargtypes::pg_catalog.text, p.prorettype, p.proretset, p.provolatile, "
		"p.proisstrict, p.proconfig::pg_catalog.text, pg_catalog.pg_get_function_sqlbody(p.oid), "
		"a.aggtransfn::pg_catalog.oid, a.aggfinalfn::pg_catalog.oid, a.aggcombinefn::pg_catalog.oid, "
		"a.agginitval, a.aggtranstype, a.aggfinalextra, a.aggkind "
		"FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
		"JOIN pg_catalog.pg_language l ON l.oid = p.prolang "
		"LEFT JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid WHERE p.oid = $1",
		SPI_OK_SELECT, 1, OIDOID),
	[IS_VIEW] = EG_STMT_CALLER(
		"SELECT r.ev_action::pg_catalog.text, c.reloptions::pg_catalog.text, "
		"(SELECT pg_catalog.array_agg(a.attname ORDER BY a.attnum)::pg_catalog.text "
		" FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0) "
		"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_rewrite r ON r.ev_class = c.oid "
		"AND r.rulename = '_RETURN' WHERE c.oid = $1",
		SPI_OK_SELECT, 1, OIDOID),
	[IS_CAPTURED] = EG_STMT(
		"SELECT artifact FROM eg.captured WHERE relid = $1 AND version = $2",
		SPI_OK_SELECT, 2, OIDOID, TEXTOID),
};

/* Hash every column of every row an SPI query returned, as text. */
static void
IdentHashTuptable(IdentHash *h)
{
	for (uint64 r = 0; r < SPI_processed; r++)
		for (int c = 1; c <= SPI_tuptable->tupdesc->natts; c++)
			IdentHashString(h, SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, c));
}

/* Run an identity statement, as of snapshot when one is given. */
static uint64
IdentExec(IdentStmtId stmt, const Datum *values, Snapshot snapshot)
{
	if (snapshot != InvalidSnapshot)
		return eg_spi_exec_as_of(&ident_stmts[stmt], values, NULL, snapshot);
	return eg_spi_exec(&ident_stmts[stmt], values, NULL, true);
}

/*
 * Hash the row-level security state that applies to the caller on relid:
 * the role, the policies, and which of them apply to the role (a policy
 * TO some group applies through membership, which GRANT and REVOKE change
 * without changing the role or the policy).
 */
static void
IdentHashRls(IdentHash *h, Oid relid, Snapshot snapshot)
{
	Oid			user = GetUserId();
	Oid			session_user = GetSessionUserId();
	Datum		values[2] = {ObjectIdGetDatum(relid), ObjectIdGetDatum(user)};

	IdentHashString(h, "rls");
	IdentHashBytes(h, &user, sizeof(user));
	IdentHashBytes(h, &session_user, sizeof(session_user));
	(void) IdentExec(IS_POLICIES, values, snapshot);
	IdentHashTuptable(h);
}

/* Hash the inheritance children (partitions) of relid, if it has any. */
static void
IdentHashChildren(IdentHash *h, Oid relid)
{
	List	   *all;
	ListCell   *lc;

	if (!has_subclass(relid))
		return;
	all = find_all_inheritors(relid, NoLock, NULL);
	list_sort(all, list_oid_cmp);
	IdentHashString(h, "children");
	foreach(lc, all)
		IdentHashBytes(h, &lfirst_oid(lc), sizeof(Oid));
}

/* A schema's name as a query names it: pg_temp for this session's temporary one. */
static const char *
IdentSchemaName(Oid nsp)
{
	return isTempNamespace(nsp) ? "pg_temp" : get_namespace_name(nsp);
}

/*
 * Hash relid's name as a query names it: its schema's (pg_temp for this
 * session's temporary schema, whose name differs from session to session)
 * and its own.
 */
static void
IdentHashRelName(IdentHash *h, Oid relid)
{
	IdentHashString(h, IdentSchemaName(get_rel_namespace(relid)));
	IdentHashString(h, get_rel_name(relid));
}

/*
 * relid's qualified name as a query names it, quoted (pg_temp for this
 * session's temporary schema); NULL if it no longer exists.  A read set
 * records it, so that a table eg.capture filled is found again once a
 * script recreated it (ident_find_read).
 */
char *
ident_read_name(Oid relid)
{
	char	   *name = get_rel_name(relid);

	if (name == NULL)
		return NULL;
	return quote_qualified_identifier(IdentSchemaName(get_rel_namespace(relid)), name);
}

/*
 * The relation a read set's relid stands for now: relid itself while it
 * exists (renamed, its name is in the read id, which then differs: what
 * reads it by oid, a view, still reads it), else the relation now of its
 * recorded name (name, from ident_read_name; NULL: not recorded) if there
 * is one: a table a script made again with a new oid; if eg.capture
 * filled it, its source id is by name and artifact, so the read set
 * matches it again.  Else relid.
 */
Oid
ident_find_read(Oid relid, const char *name)
{
	List	   *parts;
	const char *schema;
	Oid			nsp;
	Oid			found = InvalidOid;

	if (name == NULL || SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		return relid;
	parts = stringToQualifiedNameList(name);
	if (list_length(parts) != 2)
		return relid;
	/* no USAGE check here: the rights a load needs are checked on its lineage */
	schema = strVal(linitial(parts));
	nsp = strcmp(schema, "pg_temp") == 0 ? LookupExplicitNamespace(schema, true)
		: get_namespace_oid(schema, true);
	if (OidIsValid(nsp))
		found = get_relname_relid(strVal(lsecond(parts)), nsp);
	return OidIsValid(found) ? found : relid;
}

/* Hash relid's columns: names, types and typmods, in order. */
static void
IdentHashColumns(IdentHash *h, Oid relid)
{
	Relation	rel = relation_open(relid, NoLock);
	TupleDesc	desc = RelationGetDescr(rel);

	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped)
			continue;
		IdentHashString(h, NameStr(att->attname));
		IdentHashBytes(h, &att->atttypid, sizeof(Oid));
		IdentHashBytes(h, &att->atttypmod, sizeof(int32));
	}
	relation_close(rel, NoLock);
}

/*
 * True if relid is a table (or materialized view) that eg.capture filled
 * and that has not changed since - its data version is the one it was
 * given then (capture.c) - setting *artifact to the artifact it holds.
 */
static bool
IdentCaptured(Oid relid, const char *version, Snapshot snapshot, EgId *artifact)
{
	Datum		values[2] = {ObjectIdGetDatum(relid), CStringGetTextDatum(version)};

	if (!graph_has_captured() || IdentExec(IS_CAPTURED, values, snapshot) != 1)
		return false;
	*artifact = *DatumGetEgId(eg_spi_get_notnull(0, "artifact"));
	return true;
}

/*
 * The source artifact a relation is now (or was as of snapshot): a view
 * by its definition, a table by its data version and, with inheritance
 * children or partitions, which ones it has (a new one holds rows a query
 * of the parent reads).  Installs eg's tracker on a table that has none
 * yet.  Locks the relation as a query would, so that it cannot go away
 * meanwhile.  One that no longer exists (a scratch table a step's function
 * dropped) or another session's temp table is not reusable.
 */
static EgSource *
IdentSource(Oid relid, MemoryContext cxt, Snapshot snapshot)
{
	EgSource   *src = MemoryContextAllocZero(cxt, sizeof(EgSource));
	char		kind;
	bool		view;
	char	   *version = NULL;
	IdentHash	h;

	LockRelationOid(relid, AccessShareLock);
	kind = get_rel_relkind(relid);
	view = kind == RELKIND_VIEW;
	src->relid = relid;
	src->reusable = kind == '\0' || isOtherTempNamespace(get_rel_namespace(relid)) ? false
		: view ? relid >= FirstNormalObjectId : track_relation(relid);
	if (src->reusable && !view)
	{
		version = track_version(relid, snapshot);
		src->captured = IdentCaptured(relid, version, snapshot, &src->artifact);
	}
	if (src->captured)
	{
		/*
		 * a table eg.capture filled, unchanged since: the artifact it holds,
		 * under its name and columns (queries name both)
		 */
		IdentHashBegin(&h, "captured");
		IdentHashBytes(&h, src->artifact.bytes, EG_ID_LEN);
		IdentHashRelName(&h, relid);
		IdentHashColumns(&h, relid);
		IdentHashFinish(&h, true, &src->id);
		return src;
	}
	IdentHashBegin(&h, "source");
	IdentHashBytes(&h, &relid, sizeof(relid));
	if (src->reusable)
		IdentHashChildren(&h, relid);
	if (src->reusable && view)
	{
		Datum		values[1] = {ObjectIdGetDatum(relid)};

		IdentHashString(&h, "view");
		(void) IdentExec(IS_VIEW, values, snapshot);
		IdentHashTuptable(&h);
	}
	else if (src->reusable)
		IdentHashString(&h, version);
	src->rls = kind != '\0' && check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED;
	if (src->rls)
		IdentHashRls(&h, relid, snapshot);
	IdentHashFinish(&h, src->reusable, &src->id);
	return src;
}

/*
 * The source artifacts of a list of relations as this snapshot sees them,
 * or as snapshot saw them when given (bypassing the batch's cache).
 */
static List *
IdentSources(List *relids, Snapshot snapshot)
{
	List	   *result = NIL;
	ListCell   *lc;
	MemoryContext caller = CurrentMemoryContext;
	bool		connected = false;

	foreach(lc, relids)
	{
		Oid			relid = lfirst_oid(lc);
		IdentCached *cached = NULL;
		bool		found = false;
		EgSource   *src;
		MemoryContext old;

		if (SourceCache && snapshot == InvalidSnapshot)
			cached = hash_search(SourceCache, &relid, HASH_ENTER, &found);
		if (found)
		{
			src = palloc(sizeof(EgSource));
			*src = cached->source;
		}
		else
		{
			if (!connected)
				eg_spi_connect();
			connected = true;
			src = IdentSource(relid, caller, snapshot);
			if (cached)
				cached->source = *src;
		}
		old = MemoryContextSwitchTo(caller);
		result = lappend(result, src);
		MemoryContextSwitchTo(old);
	}
	if (connected)
		eg_spi_finish();
	return result;
}

/*
 * The source artifacts of a list of relations, as this snapshot sees them;
 * installs eg's change trigger on tables not yet tracked.
 */
List *
ident_sources(List *relids)
{
	return IdentSources(relids, InvalidSnapshot);
}

/*
 * The same as snapshot saw them.  A table that was not tracked then gets a
 * version it cannot have had (its tracker's installation logged a change
 * after it), so comparing with ident_sources tells that too.
 */
List *
ident_sources_as_of(List *relids, Snapshot snapshot)
{
	return IdentSources(relids, snapshot);
}

/* True if two source lists (same relations, same order) have equal ids. */
bool
ident_sources_equal(List *a, List *b)
{
	ListCell   *la,
			   *lb;

	if (list_length(a) != list_length(b))
		return false;
	forboth(la, a, lb, b)
	{
		EgSource   *sa = (EgSource *) lfirst(la);
		EgSource   *sb = (EgSource *) lfirst(lb);

		if (sa->relid != sb->relid || !sa->reusable || !sb->reusable ||
			!eg_id_equal(&sa->id, &sb->id))
			return false;
	}
	return true;
}

/* Digest of the definition of a user-defined function (and an aggregate's parts). */
static void
IdentFunctionDigest(Oid funcid, int depth, uint8 *digest)
{
	static const char *const support[] = {"aggtransfn", "aggfinalfn", "aggcombinefn"};
	Datum		values[1] = {ObjectIdGetDatum(funcid)};
	IdentCached *cached = NULL;
	bool		found = false;
	IdentHash	h;
	Oid			inner_funcs[lengthof(support)];

	if (FunctionCache)
	{
		cached = hash_search(FunctionCache, &funcid, HASH_ENTER, &found);
		if (found)
		{
			memcpy(digest, cached->digest, PG_SHA256_DIGEST_LENGTH);
			return;
		}
	}
	IdentHashBegin(&h, "function");
	if (eg_spi_exec(&ident_stmts[IS_FUNCTION], values, NULL, true) != 1)
		elog(ERROR, "cache lookup failed for function %u", funcid);
	IdentHashTuptable(&h);
	/*
	 * An aggregate's behaviour lives in its support functions: read them all
	 * before recursing, which replaces this result.
	 */
	if (depth < 4)
	{
		for (int c = 0; c < lengthof(support); c++)
		{
			bool		isnull;
			Datum		f = eg_spi_get(0, support[c], &isnull);

			inner_funcs[c] = isnull ? InvalidOid : DatumGetObjectId(f);
		}
		for (int c = 0; c < lengthof(support); c++)
		{
			uint8		inner[PG_SHA256_DIGEST_LENGTH];

			if (OidIsValid(inner_funcs[c]) &&
				ident_function_is_user_defined(inner_funcs[c]))
			{
				IdentFunctionDigest(inner_funcs[c], depth + 1, inner);
				IdentHashBytes(&h, inner, PG_SHA256_DIGEST_LENGTH);
			}
		}
	}
	IdentHashFinishFull(&h, digest);
	if (cached)
		memcpy(cached->digest, digest, PG_SHA256_DIGEST_LENGTH);
}

/* Hash the definitions of functions (their digests), connecting SPI if needed. */
static void
IdentHashFunctions(IdentHash *h, List *funcids)
{
	ListCell   *lc;

	if (funcids == NIL)
		return;
	eg_spi_connect();
	foreach(lc, funcids)
	{
		uint8		digest[PG_SHA256_DIGEST_LENGTH];

		IdentFunctionDigest(lfirst_oid(lc), 0, digest);
		IdentHashBytes(h, digest, PG_SHA256_DIGEST_LENGTH);
	}
	eg_spi_finish();
}

/*
 * Hash the settings that can change a value or a text a settings-dependent
 * step computes (ident_query.c says which steps are).  The names and their
 * order are part of every such id: adding one changes every such id once.
 *
 * In the list, each because it changes what functions and conversions give:
 *   TimeZone, DateStyle, IntervalStyle: date/time input and output;
 *   extra_float_digits: float4/float8 output; lc_monetary: money, to_char;
 *   lc_numeric, lc_time: to_char; bytea_output: bytea output;
 *   search_path: reg* input and output, names in deparsed text, unqualified
 *     names in functions' bodies; default_text_search_config: one-argument
 *     to_tsvector, to_tsquery, ...;
 *   xmloption: xml input, text::xml, xml_is_well_formed;
 *   xmlbinary: bytea in XMLELEMENT, XMLFOREST, table_to_xml, ...;
 *   timezone_abbreviations: date/time input with a zone abbreviation, AT
 *     TIME ZONE 'EST';
 *   array_nulls: array input (an unquoted NULL element);
 *   lc_messages: error messages, which a PL/pgSQL handler (SQLERRM) or a
 *     PL/Python except clause can return;
 *   client_encoding: pg_client_encoding(), the send functions of text types;
 *   standard_conforming_strings: string constants in deparsed text
 *     (pg_get_viewdef, pg_get_expr), dynamic SQL in PL/pgSQL (EXECUTE);
 *   quote_all_identifiers: quote_ident, format('%I'), deparsed text, reg*
 *     output;
 *   transform_null_equals: = NULL in the step's query (ident_query.c flags
 *     it: the fingerprint precedes parse analysis) and in dynamic SQL.
 * Left out, with the reason:
 *   lc_collate, lc_ctype: fixed for the database, and the store is one
 *     database's;
 *   backslash_quote, escape_string_warning: accept or refuse a query, or
 *     warn; never change a value (the fingerprint covers the parsed
 *     constants);
 *   row_security: off makes a query that row-level security would filter
 *     fail; whether it applies is in the source id already (IdentSource);
 *   session_replication_role: decides which triggers and rules fire on
 *     writes, and steps are read-only;
 *   role, session_authorization: rights are checked before every load, and
 *     row-level security covers the role (IdentSource);
 *   gin_fuzzy_search_limit: makes GIN index scans return a random subset,
 *     so a step reading a table while it is set is not reusable at all
 *     (ident_query.c);
 *   enable_*, work_mem, jit, parallelism and other planner settings: they
 *     change a plan, hence at most the order of rows or the rounding of a
 *     float aggregate, which no run guarantees anyway;
 *   plpgsql.variable_conflict and other settings of loadable modules: read
 *     when a function is compiled, once per session, not when it runs;
 *   any other setting read through current_setting() in the step (which
 *     makes it not reusable) or inside a function (see README).
 */
static const char *const IdentSettingNames[] = {
	"TimeZone", "DateStyle", "IntervalStyle", "extra_float_digits",
	"lc_monetary", "lc_numeric", "lc_time", "bytea_output", "search_path",
	"default_text_search_config",
	/* added in 0.3 (issue 16) */
	"xmloption", "xmlbinary", "timezone_abbreviations", "array_nulls",
	"lc_messages", "client_encoding", "standard_conforming_strings",
	"quote_all_identifiers", "transform_null_equals"
};

static void
IdentHashSettings(IdentHash *h)
{
	IdentHashString(h, "settings");
	for (int i = 0; i < lengthof(IdentSettingNames); i++)
		IdentHashString(h, GetConfigOption(IdentSettingNames[i], true, false));
}

/* The settings a settings-dependent step's id covers: their names, count in *n. */
const char *const *
ident_setting_names(int *n)
{
	*n = lengthof(IdentSettingNames);
	return IdentSettingNames;
}

/* The digest of a user-defined function's definition, as ids cover it. */
void
ident_function_digest(Oid funcid, uint8 *digest)
{
	eg_spi_connect();
	IdentFunctionDigest(funcid, 0, digest);
	eg_spi_finish();
}

/*
 * The id of a query step: kind, fingerprint, input ids (aligned with
 * info->inputs), source ids, called functions' definitions, settings.
 */
void
ident_query_id(const EgQueryInfo *info, const char *kind,
			   const EgId *input_ids, List *sources, bool reusable, EgId *out)
{
	IdentHash	h;
	ListCell   *lc;

	IdentHashBegin(&h, kind);
	IdentHashBytes(&h, info->fingerprint, sizeof(info->fingerprint));
	for (int i = 0; i < list_length(info->inputs); i++)
		IdentHashBytes(&h, input_ids[i].bytes, EG_ID_LEN);
	foreach(lc, sources)
		IdentHashBytes(&h, ((EgSource *) lfirst(lc))->id.bytes, EG_ID_LEN);
	IdentHashFunctions(&h, info->funcids);
	if (info->settings_dependent)
		IdentHashSettings(&h);
	IdentHashFinish(&h, reusable, out);
}

/*
 * The id of a step whose functions read relations or call functions beyond
 * what key (its id from what it names) covers: key, those relations'
 * source ids (reads, EgSource *s sorted by relid) and whether the caller's
 * search_path finds each by its name (a function names tables, so another
 * schema's table of that name - "$user", pg_temp, one created earlier in
 * the path - must not match), and those functions' definitions (funcs,
 * sorted; one that no longer exists makes it not reusable).  Without such
 * reads the id is the key.
 */
void
ident_reads_id(const EgId *key, List *reads, List *funcs, bool reusable, EgId *out)
{
	IdentHash	h;
	ListCell   *lc;
	List	   *existing = NIL;

	if (reads == NIL && funcs == NIL && reusable)
	{
		*out = *key;
		return;
	}
	IdentHashBegin(&h, "reads");
	IdentHashBytes(&h, key->bytes, EG_ID_LEN);
	foreach(lc, reads)
	{
		EgSource   *src = (EgSource *) lfirst(lc);
		bool		visible = src->reusable && RelationIsVisible(src->relid);

		/* a captured table's id is by name and artifact: recreated, it is the same */
		if (!src->captured)
			IdentHashBytes(&h, &src->relid, sizeof(Oid));
		IdentHashBytes(&h, src->id.bytes, EG_ID_LEN);
		IdentHashBytes(&h, &visible, sizeof(visible));
		/* functions read tables by name: one renamed is another read */
		if (src->reusable)
			IdentHashRelName(&h, src->relid);
		reusable &= src->reusable;
	}
	IdentHashString(&h, "functions");
	foreach(lc, funcs)
	{
		if (SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(lfirst_oid(lc))))
			existing = lappend_oid(existing, lfirst_oid(lc));
		else
			reusable = false;
		IdentHashBytes(&h, &lfirst_oid(lc), sizeof(Oid));
	}
	IdentHashFunctions(&h, existing);
	IdentHashFinish(&h, reusable, out);
}

/* Hash a jsonb value canonically: tokens with numbers normalised. */
static void
IdentHashJsonb(IdentHash *h, Jsonb *j)
{
	JsonbIterator *it = JsonbIteratorInit(&j->root);
	JsonbValue	v;
	JsonbIteratorToken tok;

	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		char		t = (char) tok;

		IdentHashBytes(h, &t, 1);
		if (tok != WJB_KEY && tok != WJB_VALUE && tok != WJB_ELEM)
			continue;
		t = (char) v.type;
		IdentHashBytes(h, &t, 1);
		switch (v.type)
		{
			case jbvString:
				IdentHashBytes(h, v.val.string.val, v.val.string.len);
				break;
			case jbvNumeric:
				IdentHashString(h, numeric_normalize(v.val.numeric));
				break;
			case jbvBool:
				IdentHashBytes(h, &v.val.boolean, 1);
				break;
			default:
				break;
		}
	}
}

/*
 * What a model's id covers besides its warm start: train function (and its
 * definition), canonical params and input id, hashed once per step.
 */
void
ident_model_key(Oid train, Jsonb *params, const EgId *input_id, uint8 *key)
{
	IdentHash	h;

	IdentHashBegin(&h, "model key");
	IdentHashFunctions(&h, list_make1_oid(train));
	IdentHashJsonb(&h, params);
	IdentHashBytes(&h, input_id->bytes, EG_ID_LEN);
	IdentHashFinishFull(&h, key);
}

/* The id of a model: its key and the model it was warm-started from, if any. */
void
ident_model_id(const uint8 *key, const EgId *warm_id, bool reusable, EgId *out)
{
	IdentHash	h;

	IdentHashBegin(&h, "model");
	IdentHashBytes(&h, key, PG_SHA256_DIGEST_LENGTH);
	if (warm_id)
		IdentHashBytes(&h, warm_id->bytes, EG_ID_LEN);
	IdentHashFinish(&h, reusable, out);
}
