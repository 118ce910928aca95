/*
 * ident.c - who an artifact is: query analysis and lineage ids.
 *
 * An artifact id is SHA-256 (truncated to 128 bits) over a canonical,
 * tagged encoding of its lineage: the kind of step, the fingerprint of its
 * operation, its parameters, the ids of its input steps, the source ids of
 * the base tables it reads, and the definitions of the user-defined
 * functions it calls (plus the relevant settings when it calls functions
 * that read them).  Ids are Merkle-style: an input's id already covers the
 * input's own lineage.
 *
 * The query fingerprint is the SHA-256 of the raw parse tree printed by
 * nodeToString with every location field removed, so whitespace, comments
 * and keyword case do not matter while constants and names do.  To find the
 * relations and functions a step reads, its query is parse-analysed and
 * rewritten (views expanded, row-level security applied); earlier steps of
 * the workload, which do not exist yet as tables, are supplied as empty,
 * correctly typed CTEs of the same name.
 *
 * A base table's source id covers its oid and its data version (track.c).
 * Under row-level security the caller's role and the table's policies join
 * the source id, so roles that may see different rows never share artifacts.
 * A step that calls a user-defined function which may read tables with the
 * caller's rights (neither IMMUTABLE nor SECURITY DEFINER) gets the role in
 * its id too: what such a function reads is not in the lineage, whose
 * rights eg checks before every load.
 *
 * Anything whose result can differ between two runs over the same data -
 * volatile functions, now() and friends, privilege checks such as
 * has_table_privilege(), TABLESAMPLE without REPEATABLE, tables eg cannot
 * track (foreign tables, catalogs, sequences) - makes a step non-reusable:
 * its id gets a random nonce, and so does every id downstream of it.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/heap.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_proc.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "executor/spi.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "parser/analyze.h"
#include "parser/parse_func.h"
#include "parser/parser.h"
#include "rewrite/rewriteHandler.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/ruleutils.h"
#include "miscadmin.h"
#include "utils/syscache.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "ident.h"
#include "track.h"

/* A running lineage hash. */
typedef struct IdentHash
{
	pg_cryptohash_ctx *ctx;
} IdentHash;

/* Collected while walking an analysed query. */
typedef struct IdentWalk
{
	List	   *rls_quals;		/* securityQuals lists met so far */
	int			in_rls;			/* > 0 while walking row-level security quals */
	List	   *relids;
	List	   *funcids;
	List	   *called;			/* every function, user-defined or not */
	const char *volatile_reason;
	bool		settings_dependent;
	bool		role_dependent;
} IdentWalk;

/*
 * Within a batch (ident_batch_begin .. ident_batch_end: one refresh of a
 * whole workload) the source id of each relation and the digest of each
 * function's definition are computed once, however many steps use them.
 */
typedef struct IdentCached
{
	Oid			key;			/* relation or function oid */
	EgSource	source;
	uint8		digest[32];
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

/* nodeToString of a raw parse tree with every location field removed. */
static char *
IdentStripLocations(const char *s)
{
	StringInfoData out;
	const char *p = s;

	initStringInfo(&out);
	while (*p)
	{
		if (p[0] == ' ' && strncmp(p + 1, ":location ", 10) == 0 &&
			(p == s || p[-1] != '\\'))
		{
			p += 11;
			if (*p == '-')
				p++;
			while (*p >= '0' && *p <= '9')
				p++;
			continue;
		}
		appendStringInfoChar(&out, *p++);
	}
	return out.data;
}

/* Names found in a raw parse tree. */
typedef struct IdentNames
{
	List	   *relations;		/* unqualified relation names */
	List	   *strings;		/* string constants (may name steps too) */
} IdentNames;

/* Collects unqualified relation names and string constants. */
static bool
IdentNamesWalker(Node *node, IdentNames *names)
{
	if (node == NULL)
		return false;
	if (IsA(node, RangeVar))
	{
		RangeVar   *rv = (RangeVar *) node;

		if (rv->schemaname == NULL && rv->catalogname == NULL)
			names->relations = lappend(names->relations, rv->relname);
		return false;
	}
	if (IsA(node, A_Const))
	{
		A_Const    *c = (A_Const *) node;

		if (!c->isnull && IsA(&c->val, String))
			names->strings = lappend(names->strings, strVal(&c->val));
		return false;
	}
	return raw_expression_tree_walker(node, IdentNamesWalker, (void *) names);
}

/* The SQL of an empty, typed relation with a shape's columns. */
static char *
IdentPlaceholderSql(const EgShape *shape)
{
	StringInfoData sql;
	ListCell   *lc;
	bool		first = true;

	initStringInfo(&sql);
	appendStringInfo(&sql, "%s AS (SELECT ", quote_identifier(shape->step));
	foreach(lc, shape->columns)
	{
		EgColumn   *col = (EgColumn *) lfirst(lc);

		appendStringInfo(&sql, "%sCAST(NULL AS %s)", first ? "" : ", ",
						 format_type_with_typemod(col->type, col->typmod));
		if (OidIsValid(col->collation) &&
			col->collation != get_typcollation(col->type))
			appendStringInfo(&sql, " COLLATE %s",
							 generate_collation_name(col->collation));
		appendStringInfo(&sql, " AS %s", quote_identifier(col->name));
		first = false;
	}
	appendStringInfoString(&sql, " WHERE false)");
	return sql.data;
}

/* Prepend placeholder CTEs for the referenced earlier steps to a SELECT. */
static void
IdentAddPlaceholders(SelectStmt *stmt, List *shapes, List *names)
{
	StringInfoData sql;
	ListCell   *lc;
	List	   *ctes;
	List	   *used = NIL;

	initStringInfo(&sql);
	foreach(lc, shapes)
	{
		EgShape    *shape = (EgShape *) lfirst(lc);
		ListCell   *lc2;
		bool		found = false;

		foreach(lc2, names)
			if (strcmp((char *) lfirst(lc2), shape->step) == 0)
				found = true;
		/* a CTE of the user's with the same name shadows the step anyway */
		if (stmt->withClause)
			foreach(lc2, stmt->withClause->ctes)
				if (strcmp(((CommonTableExpr *) lfirst(lc2))->ctename, shape->step) == 0)
					found = false;
		if (!found || shape->columns == NIL)
			continue;
		appendStringInfo(&sql, "%s%s", used ? ", " : "WITH ",
						 IdentPlaceholderSql(shape));
		used = lappend(used, shape);
	}
	if (used == NIL)
		return;
	appendStringInfoString(&sql, " SELECT 1");
	ctes = ((SelectStmt *) linitial_node(RawStmt, raw_parser(sql.data, RAW_PARSE_DEFAULT))->stmt)->withClause->ctes;
	if (stmt->withClause == NULL)
	{
		stmt->withClause = makeNode(WithClause);
		stmt->withClause->location = -1;
	}
	stmt->withClause->ctes = list_concat(ctes, stmt->withClause->ctes);
}

/* What the error context callback needs while a step's query is parsed. */
typedef struct IdentErrorArg
{
	const char *query;
	const char *step;
} IdentErrorArg;

/* Error context: point a syntax error into the step's query, name the step. */
static void
IdentErrorCallback(void *arg)
{
	IdentErrorArg *e = (IdentErrorArg *) arg;
	int			pos = geterrposition();

	if (pos > 0)
	{
		errposition(0);
		internalerrposition(pos);
		internalerrquery(e->query);
	}
	errcontext("query of step \"%s\"", e->step);
}

/*
 * Walker over a raw parse tree: rejects data-modifying statements and row
 * locks wherever they are (top level, WITH, subqueries, LATERAL), before
 * the tree is fingerprinted or analysed.
 */
static bool
IdentReadOnlyWalker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, InsertStmt) || IsA(node, UpdateStmt) ||
		IsA(node, DeleteStmt) || IsA(node, MergeStmt))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("a step's query must not modify data"),
				 errhint("Steps are read-only queries; write data outside of eg.")));
	if (IsA(node, SelectStmt) && ((SelectStmt *) node)->lockingClause != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("a step's query must not lock rows"),
				 errdetail("FOR UPDATE/SHARE is not allowed in a step.")));
	return raw_expression_tree_walker(node, IdentReadOnlyWalker, context);
}

/* Reject what is not a single read-only SELECT, with a clear error. */
static SelectStmt *
IdentCheckSelect(const char *query)
{
	List	   *stmts = raw_parser(query, RAW_PARSE_DEFAULT);
	SelectStmt *stmt;

	if (list_length(stmts) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a step's query must be exactly one SELECT statement"),
				 errdetail("The query has %d statements.", list_length(stmts))));
	stmt = (SelectStmt *) linitial_node(RawStmt, stmts)->stmt;
	if (!IsA(stmt, SelectStmt))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("a step's query must be a SELECT statement"),
				 errhint("Steps are read-only queries; write data outside of eg.")));
	if (stmt->intoClause)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("a step's query must not use SELECT INTO"),
				 errhint("eg creates the step's table itself.")));
	if (stmt->lockingClause)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("a step's query must not lock rows"),
				 errdetail("FOR UPDATE/SHARE is not allowed in a step.")));
	if (stmt->withClause)
	{
		ListCell   *lc;

		foreach(lc, stmt->withClause->ctes)
		{
			CommonTableExpr *cte = (CommonTableExpr *) lfirst(lc);

			if (!IsA(cte->ctequery, SelectStmt))
				ereport(ERROR,
						(errcode(ERRCODE_WRONG_OBJECT_TYPE),
						 errmsg("a step's query must not modify data"),
						 errdetail("WITH query \"%s\" is not a SELECT.", cte->ctename)));
		}
	}
	(void) IdentReadOnlyWalker((Node *) stmt, NULL);
	return stmt;
}

/* True for functions whose results differ between runs though declared STABLE. */
static bool
IdentIsTimeFunction(Oid funcid)
{
	switch (funcid)
	{
		case F_NOW:
		case F_STATEMENT_TIMESTAMP:
		case F_TIMEOFDAY:
		case F_PG_BACKEND_PID:
		case F_INET_CLIENT_ADDR:
		case F_CURRENT_SETTING_TEXT:
		case F_CURRENT_SETTING_TEXT_BOOL:
		case F_PG_CURRENT_XACT_ID:
		case F_TXID_CURRENT:
			return true;
		default:
			return false;
	}
}

/*
 * True for built-in functions that answer questions about privileges and
 * role membership (has_table_privilege, pg_has_role, ...): GRANT and REVOKE
 * change their results without changing any data eg tracks.
 */
static bool
IdentIsPrivilegeFunction(Oid funcid)
{
	char	   *name;

	if (funcid >= FirstNormalObjectId)
		return false;
	name = get_func_name(funcid);
	if (name == NULL)
		return false;
	return (strncmp(name, "has_", 4) == 0 && strlen(name) > 14 &&
			strcmp(name + strlen(name) - 10, "_privilege") == 0) ||
		strcmp(name, "pg_has_role") == 0 || strcmp(name, "row_security_active") == 0;
}

/*
 * True for a user-defined function that may read the database with the
 * caller's rights: not IMMUTABLE and not SECURITY DEFINER.  What it reads
 * is not in the step's lineage, so its results are shared only with the
 * same role (the id then covers the role, as under row-level security).
 */
static bool
IdentReadsAsCaller(Oid funcid)
{
	HeapTuple	tup;
	bool		result;

	if (!ident_function_is_user_defined(funcid))
		return false;
	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	if (!HeapTupleIsValid(tup))
		return false;
	result = ((Form_pg_proc) GETSTRUCT(tup))->provolatile != PROVOLATILE_IMMUTABLE &&
		!((Form_pg_proc) GETSTRUCT(tup))->prosecdef;
	ReleaseSysCache(tup);
	return result;
}

/* True if funcid was created by a user (not part of the server). */
bool
ident_function_is_user_defined(Oid funcid)
{
	return funcid >= FirstNormalObjectId;
}

/* check_functions_in_node callback: classify one called function. */
static bool
IdentCheckFunction(Oid funcid, void *context)
{
	IdentWalk  *w = (IdentWalk *) context;
	char		vol = func_volatile(funcid);

	if (vol == PROVOLATILE_VOLATILE && w->volatile_reason == NULL)
		w->volatile_reason = psprintf("calls volatile function %s()", get_func_name(funcid));
	else if (IdentIsTimeFunction(funcid) && w->volatile_reason == NULL)
		w->volatile_reason = psprintf("calls %s(), whose result changes between runs",
									  get_func_name(funcid));
	else if (IdentIsPrivilegeFunction(funcid) && w->volatile_reason == NULL)
		w->volatile_reason = psprintf("calls %s(), whose result changes with GRANT and REVOKE",
									  get_func_name(funcid));
	if (IdentReadsAsCaller(funcid))
		w->role_dependent = true;
	if (vol != PROVOLATILE_IMMUTABLE)
		w->settings_dependent = true;
	if (ident_function_is_user_defined(funcid))
		w->funcids = list_append_unique_oid(w->funcids, funcid);
	w->called = list_append_unique_oid(w->called, funcid);
	return false;
}

/* Add a relation (and, for inheritance, every child) to the walk. */
static void
IdentAddRelation(IdentWalk *w, Oid relid, bool inh)
{
	if (inh)
	{
		List	   *all = find_all_inheritors(relid, AccessShareLock, NULL);
		ListCell   *lc;

		foreach(lc, all)
			w->relids = list_append_unique_oid(w->relids, lfirst_oid(lc));
	}
	else
		w->relids = list_append_unique_oid(w->relids, relid);
}

/* Walk an analysed query tree: relations, functions, volatility. */
static bool
IdentQueryWalker(Node *node, IdentWalk *w)
{
	if (node == NULL)
		return false;
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, IdentQueryWalker, (void *) w,
								 QTW_EXAMINE_RTES_BEFORE);
	if (IsA(node, RangeTblEntry))
	{
		RangeTblEntry *rte = (RangeTblEntry *) node;

		if (rte->rtekind == RTE_RELATION)
			IdentAddRelation(w, rte->relid, rte->inh);
		if (rte->securityQuals != NIL)
			w->rls_quals = lappend(w->rls_quals, rte->securityQuals);
		if (rte->tablesample && rte->tablesample->repeatable == NULL &&
			w->volatile_reason == NULL)
			w->volatile_reason = "uses TABLESAMPLE without REPEATABLE";
		return false;
	}
	if (IsA(node, List) && list_member_ptr(w->rls_quals, node))
	{
		bool		result;

		/* the caller's role and the policies are part of the source id */
		w->in_rls++;
		result = expression_tree_walker(node, IdentQueryWalker, (void *) w);
		w->in_rls--;
		return result;
	}
	if (IsA(node, SQLValueFunction))
	{
		SQLValueFunction *svf = (SQLValueFunction *) node;
		bool		is_user = svf->op == SVFOP_CURRENT_ROLE || svf->op == SVFOP_CURRENT_USER ||
			svf->op == SVFOP_USER || svf->op == SVFOP_SESSION_USER;

		if (w->volatile_reason == NULL && !(is_user && w->in_rls > 0))
			w->volatile_reason = svf->op <= SVFOP_LOCALTIMESTAMP_N
				? "reads the current date or time"
				: "reads the current user or schema";
		return false;
	}
	if (IsA(node, NextValueExpr) && w->volatile_reason == NULL)
		w->volatile_reason = "draws from a sequence";
	check_functions_in_node(node, IdentCheckFunction, (void *) w);
	return expression_tree_walker(node, IdentQueryWalker, (void *) w);
}

/* Output columns of an analysed SELECT; rejects duplicate names. */
static List *
IdentColumns(Query *q)
{
	List	   *cols = NIL;
	ListCell   *lc;

	foreach(lc, q->targetList)
	{
		TargetEntry *te = (TargetEntry *) lfirst(lc);
		EgColumn   *col;
		ListCell   *lc2;

		if (te->resjunk)
			continue;
		foreach(lc2, cols)
			if (strcmp(((EgColumn *) lfirst(lc2))->name, te->resname) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_COLUMN),
						 errmsg("column \"%s\" specified more than once", te->resname),
						 errhint("Give the step's output columns distinct names with AS.")));
		col = palloc(sizeof(EgColumn));
		col->name = pstrdup(te->resname);
		col->type = exprType((Node *) te->expr);
		col->typmod = exprTypmod((Node *) te->expr);
		col->collation = exprCollation((Node *) te->expr);
		if (col->type == UNKNOWNOID)
			col->type = TEXTOID;
		/* what CREATE TABLE AS would refuse (pseudo-types), refused now */
		CheckAttributeType(col->name, col->type, col->collation, NIL, 0);
		cols = lappend(cols, col);
	}
	return cols;
}

/*
 * Analyse a step's query: check it is one read-only SELECT, fingerprint its
 * parse tree, find the earlier steps (among shapes) it reads, and the base
 * relations and functions it uses.  A query naming "self" is an error.
 */
EgQueryInfo *
ident_analyze_query(const char *query, List *shapes, const char *self)
{
	EgQueryInfo *info = palloc0(sizeof(EgQueryInfo));
	SelectStmt *stmt;
	IdentNames	found = {NIL, NIL};
	List	   *names;
	IdentHash	h;
	ListCell   *lc;
	RawStmt    *raw;
	Query	   *analysed;
	List	   *rewritten;
	IdentWalk	w = {0};
	IdentErrorArg earg = {query, self};
	ErrorContextCallback errcb;

	errcb.callback = IdentErrorCallback;
	errcb.arg = &earg;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;
	stmt = IdentCheckSelect(query);

	IdentHashBegin(&h, "query");
	IdentHashString(&h, IdentStripLocations(nodeToString(stmt)));
	IdentHashFinishFull(&h, info->fingerprint);

	(void) IdentNamesWalker((Node *) stmt, &found);
	names = list_concat_copy(found.relations, found.strings);
	foreach(lc, found.relations)
		if (strcmp((char *) lfirst(lc), self) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_RECURSION),
					 errmsg("step \"%s\" cannot read itself", self),
					 errhint("A step reads only earlier steps of its workload.")));
	foreach(lc, shapes)
	{
		EgShape    *shape = (EgShape *) lfirst(lc);
		ListCell   *lc2;

		foreach(lc2, names)
		{
			if (strcmp((char *) lfirst(lc2), shape->step) == 0)
			{
				info->inputs = lappend(info->inputs, pstrdup(shape->step));
				break;
			}
		}
	}

	/* analyse a copy with placeholders for the earlier steps */
	stmt = copyObject(stmt);
	IdentAddPlaceholders(stmt, shapes, found.relations);
	raw = makeNode(RawStmt);
	raw->stmt = (Node *) stmt;
	raw->stmt_location = -1;
	analysed = parse_analyze_fixedparams(raw, query, NULL, 0, NULL);
	info->columns = IdentColumns(analysed);
	rewritten = QueryRewrite(analysed);
	foreach(lc, rewritten)
		(void) IdentQueryWalker((Node *) lfirst(lc), &w);

	list_sort(w.relids, list_oid_cmp);
	list_sort(w.funcids, list_oid_cmp);
	list_sort(w.called, list_oid_cmp);
	info->relids = w.relids;
	info->funcids = w.funcids;
	info->called = w.called;
	info->volatile_reason = w.volatile_reason;
	info->settings_dependent = w.settings_dependent;
	info->role_dependent = w.role_dependent;
	error_context_stack = errcb.previous;
	return info;
}

/* Hash every column of every row an SPI query returned, as text. */
static void
IdentHashTuptable(IdentHash *h)
{
	for (uint64 r = 0; r < SPI_processed; r++)
		for (int c = 1; c <= SPI_tuptable->tupdesc->natts; c++)
			IdentHashString(h, SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, c));
}

/*
 * Hash the row-level security state that applies to the caller on relid:
 * the role, the policies, and which of them apply to the role (a policy
 * TO some group applies through membership, which GRANT and REVOKE change
 * without changing the role or the policy).
 */
static void
IdentHashRls(IdentHash *h, Oid relid)
{
	Oid			user = GetUserId();
	Oid			types[2] = {OIDOID, OIDOID};
	Datum		values[2] = {ObjectIdGetDatum(relid), ObjectIdGetDatum(user)};

	Oid			session_user = GetSessionUserId();

	IdentHashString(h, "rls");
	IdentHashBytes(h, &user, sizeof(user));
	IdentHashBytes(h, &session_user, sizeof(session_user));
	if (SPI_execute_with_args("SELECT polname, polcmd, polpermissive, polroles::pg_catalog.text, "
							  "pg_catalog.pg_get_expr(polqual, polrelid), "
							  "pg_catalog.pg_get_expr(polwithcheck, polrelid), "
							  "EXISTS (SELECT FROM pg_catalog.unnest(polroles) r WHERE CASE WHEN r = 0 "
							  "THEN true ELSE pg_catalog.pg_has_role($2, r, 'USAGE') END) "
							  "FROM pg_catalog.pg_policy WHERE polrelid = $1 ORDER BY polname",
							  2, types, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "eg: could not read policies of relation %u", relid);
	IdentHashTuptable(h);
}

/* The source artifact a base relation is now: id and trackability. */
static EgSource *
IdentSource(Oid relid, MemoryContext cxt)
{
	EgSource   *src = MemoryContextAllocZero(cxt, sizeof(EgSource));
	IdentHash	h;

	src->relid = relid;
	src->reusable = track_relation(relid);
	IdentHashBegin(&h, "source");
	IdentHashBytes(&h, &relid, sizeof(relid));
	if (src->reusable)
		IdentHashString(&h, track_version(relid));
	src->rls = check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED;
	if (src->rls)
		IdentHashRls(&h, relid);
	IdentHashFinish(&h, src->reusable, &src->id);
	return src;
}

/*
 * The source artifacts of a list of base relations, as this snapshot sees
 * them; installs eg's change trigger on tables not yet tracked.
 */
List *
ident_sources(List *relids)
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

		if (SourceCache)
			cached = hash_search(SourceCache, &relid, HASH_ENTER, &found);
		if (found)
		{
			src = palloc(sizeof(EgSource));
			*src = cached->source;
		}
		else
		{
			if (!connected && SPI_connect() != SPI_OK_CONNECT)
				elog(ERROR, "eg: SPI_connect failed");
			connected = true;
			src = IdentSource(relid, caller);
			if (cached)
				cached->source = *src;
		}
		old = MemoryContextSwitchTo(caller);
		result = lappend(result, src);
		MemoryContextSwitchTo(old);
	}
	if (connected)
		SPI_finish();
	return result;
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
	Oid			types[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(funcid)};
	IdentCached *cached = NULL;
	bool		found = false;
	IdentHash	h;

	if (FunctionCache)
	{
		cached = hash_search(FunctionCache, &funcid, HASH_ENTER, &found);
		if (found)
		{
			memcpy(digest, cached->digest, 32);
			return;
		}
	}
	IdentHashBegin(&h, "function");
	if (SPI_execute_with_args("SELECT p.proname, n.nspname, l.lanname, p.prokind, p.prosrc, p.probin, "
							  "p.proargtypes::pg_catalog.text, p.prorettype, p.proretset, p.provolatile, "
							  "p.proisstrict, p.proconfig::pg_catalog.text, pg_catalog.pg_get_function_sqlbody(p.oid), "
							  "a.aggtransfn::pg_catalog.oid, a.aggfinalfn::pg_catalog.oid, a.aggcombinefn::pg_catalog.oid, "
							  "a.agginitval, a.aggtranstype, a.aggfinalextra, a.aggkind "
							  "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
							  "JOIN pg_catalog.pg_language l ON l.oid = p.prolang "
							  "LEFT JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid WHERE p.oid = $1",
							  1, types, values, NULL, true, 0) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "eg: function %u not found", funcid);
	IdentHashTuptable(&h);
	/* an aggregate's behaviour lives in its support functions */
	if (depth < 4)
	{
		HeapTuple	row = SPI_copytuple(SPI_tuptable->vals[0]);
		TupleDesc	desc = CreateTupleDescCopy(SPI_tuptable->tupdesc);

		for (int c = 14; c <= 16; c++)
		{
			bool		isnull;
			Oid			f = DatumGetObjectId(SPI_getbinval(row, desc, c, &isnull));
			uint8		inner[32];

			if (!isnull && ident_function_is_user_defined(f))
			{
				IdentFunctionDigest(f, depth + 1, inner);
				IdentHashBytes(&h, inner, 32);
			}
		}
	}
	IdentHashFinishFull(&h, digest);
	if (cached)
		memcpy(cached->digest, digest, 32);
}

/* Hash the definitions of functions (their digests), connecting SPI if needed. */
static void
IdentHashFunctions(IdentHash *h, List *funcids)
{
	ListCell   *lc;

	if (funcids == NIL)
		return;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "eg: SPI_connect failed");
	foreach(lc, funcids)
	{
		uint8		digest[32];

		IdentFunctionDigest(lfirst_oid(lc), 0, digest);
		IdentHashBytes(h, digest, 32);
	}
	SPI_finish();
}

/* Hash the settings that stable functions (output formats, time zone) read. */
static void
IdentHashSettings(IdentHash *h)
{
	static const char *const names[] = {
		"TimeZone", "DateStyle", "IntervalStyle", "extra_float_digits",
		"lc_monetary", "lc_numeric", "lc_time", "bytea_output", "search_path",
		"default_text_search_config"
	};

	IdentHashString(h, "settings");
	for (int i = 0; i < lengthof(names); i++)
		IdentHashString(h, GetConfigOption(names[i], true, false));
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
	if (info->role_dependent)
	{
		Oid			user = GetUserId();
		Oid			session_user = GetSessionUserId();

		IdentHashString(&h, "role");
		IdentHashBytes(&h, &user, sizeof(user));
		IdentHashBytes(&h, &session_user, sizeof(session_user));
	}
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
 * The id of a model: train function (and its definition), canonical params,
 * input id, and the model it was warm-started from, if any.
 */
void
ident_model_id(Oid train, Jsonb *params, const EgId *input_id,
			   const EgId *warm_id, bool reusable, EgId *out)
{
	IdentHash	h;

	IdentHashBegin(&h, "model");
	IdentHashFunctions(&h, list_make1_oid(train));
	IdentHashJsonb(&h, params);
	IdentHashBytes(&h, input_id->bytes, EG_ID_LEN);
	if (warm_id)
		IdentHashBytes(&h, warm_id->bytes, EG_ID_LEN);
	IdentHashFinish(&h, reusable, out);
}
