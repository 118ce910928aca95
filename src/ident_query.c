/*
 * ident_query.c - what a step's query is: checks, fingerprint, and the
 * relations and functions it uses.
 *
 * A step's query must be one read-only SELECT: no other statement, no data
 * modification or row lock anywhere in it, no pseudo-type column.  Its
 * fingerprint is the SHA-256 of the raw parse tree printed by nodeToString
 * with every location field removed, so whitespace, comments and keyword
 * case do not matter while constants and names do.  To find the relations
 * and functions a step reads, its query is parse-analysed and rewritten
 * (views expanded, row-level security applied); earlier steps of the
 * workload, which do not exist yet as tables, are supplied as empty,
 * correctly typed CTEs of the same name.
 *
 * Anything whose result can differ between two runs over the same data -
 * volatile functions, now() and friends, privilege checks such as
 * has_table_privilege(), TABLESAMPLE without REPEATABLE, tables eg cannot
 * track (foreign tables, catalogs, sequences) - is a reason the step is not
 * reusable.  What the functions it calls read while it computes is its
 * read set (readset.c).
 *
 * A step is settings dependent (its id then covers the settings that change
 * results, ident.c) when a setting may change one of its values: it calls a
 * function that is not IMMUTABLE; it converts a value through its text form
 * (CoerceViaIO, also as the element coercion of an ArrayCoerceExpr, or an
 * explicit call of a type's input, output or send function) of a type whose
 * text form reads a setting (float8 and extra_float_digits, bytea and
 * bytea_output, dates and DateStyle, arrays and array_nulls, ...); it builds
 * or reads XML (XmlExpr, XMLTABLE); it holds a constant of such a type,
 * which parse analysis converted from the query's text under the settings
 * of the moment (date '03-04-2020' and DateStyle); it calls one of the few
 * IMMUTABLE built-ins that read a setting (quote_ident, AT TIME ZONE with a
 * zone name); or it compares with = NULL, which transform_null_equals
 * rewrites.  A date or time read from 'now', 'today', 'tomorrow' or
 * 'yesterday' is the clock, not a constant: such a step is not reusable.
 */
#include "postgres.h"

#include "access/gin.h"
#include "catalog/heap.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "rewrite/rewriteHandler.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"

#include "ident.h"
#include "ident_internal.h"
#include "spi.h"

/* Collected while walking an analysed query. */
typedef struct IdentWalk
{
	List	   *rls_quals;		/* securityQuals lists met so far */
	int			in_rls;			/* > 0 while walking row-level security quals */
	List	   *relids;
	List	   *rights;			/* relids read with the caller's rights */
	List	   *funcids;
	List	   *called;			/* every function, user-defined or not */
	List	   *strings;		/* string constants of the step's own query */
	const char *volatile_reason;
	bool		settings_dependent;
} IdentWalk;

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

/* names without those of stmt's own WITH queries, which shadow steps. */
static List *
IdentWithoutCtes(List *names, SelectStmt *stmt)
{
	List	   *kept = NIL;
	ListCell   *lc;

	foreach(lc, names)
	{
		bool		cte = false;
		ListCell   *lc2;

		if (stmt->withClause)
			foreach(lc2, stmt->withClause->ctes)
				cte |= strcmp(((CommonTableExpr *) lfirst(lc2))->ctename, (char *) lfirst(lc)) == 0;
		if (!cte)
			kept = lappend(kept, lfirst(lc));
	}
	return kept;
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

/*
 * A relation that always exists, analysed in place of a string constant
 * naming an earlier step when a regclass argument ('f', 'f'::regclass) could
 * not be resolved (IdentAnalyse): it names the step's table, which need not
 * exist before the run.  Only the analysis copy changes; the query runs as
 * written, when the step's table exists.
 */
#define IDENT_STEP_STRING_STANDIN "pg_catalog.pg_class"

/* Replace string constants naming an input step (names) by the stand-in. */
static bool
IdentStepStringsWalker(Node *node, List *names)
{
	if (node == NULL)
		return false;
	if (IsA(node, A_Const))
	{
		A_Const    *c = (A_Const *) node;

		if (!c->isnull && IsA(&c->val, String))
		{
			ListCell   *lc;

			foreach(lc, names)
				if (strcmp(strVal(&c->val), (char *) lfirst(lc)) == 0)
					c->val.sval.sval = pstrdup(IDENT_STEP_STRING_STANDIN);
		}
		return false;
	}
	return raw_expression_tree_walker(node, IdentStepStringsWalker, (void *) names);
}

/* Parse-analyse a SELECT. */
static Query *
IdentAnalyseOnce(SelectStmt *stmt, const char *query)
{
	RawStmt    *raw = makeNode(RawStmt);

	raw->stmt = (Node *) stmt;
	raw->stmt_location = -1;
	return parse_analyze_fixedparams(raw, query, NULL, 0, NULL);
}

/* IdentAnalyse's attempt without stand-ins, for eg_try_subxact. */
typedef struct IdentAttempt
{
	SelectStmt *stmt;
	const char *query;
	Query	   *analysed;
} IdentAttempt;

/* Analyse a copy of the statement (analysis may scribble on its input). */
static void
IdentAnalyseCopy(void *arg)
{
	IdentAttempt *a = (IdentAttempt *) arg;

	a->analysed = IdentAnalyseOnce(copyObject(a->stmt), a->query);
}

/*
 * Parse-analyse a step's SELECT.  A string constant naming an input step
 * where a regclass is taken names the step's table, which need not exist
 * before the run: if analysis fails on a missing relation, it is tried
 * again with those constants as the stand-in.  Only then, so that the same
 * string elsewhere ('f' as a boolean) keeps its meaning.  inputs: the
 * input steps that a string constant names (none: analysed once, with no
 * subtransaction).
 */
static Query *
IdentAnalyse(SelectStmt *stmt, const char *query, List *inputs)
{
	IdentAttempt a = {stmt, query, NULL};
	ErrorData  *edata;

	if (inputs == NIL)
		return IdentAnalyseOnce(stmt, query);
	edata = eg_try_subxact(IdentAnalyseCopy, &a);
	if (edata == NULL)
		return a.analysed;
	if (edata->sqlerrcode != ERRCODE_UNDEFINED_TABLE)
		ReThrowError(edata);
	(void) IdentStepStringsWalker((Node *) stmt, inputs);
	return IdentAnalyseOnce(stmt, query);
}

/* The input steps (names) that a string constant (strings) names too. */
static List *
IdentStringInputs(List *names, List *strings)
{
	List	   *named = NIL;
	ListCell   *lc;

	foreach(lc, names)
	{
		ListCell   *ls;

		foreach(ls, strings)
			if (strcmp((char *) lfirst(ls), (char *) lfirst(lc)) == 0)
			{
				named = lappend(named, lfirst(lc));
				break;
			}
	}
	return named;
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

/*
 * Walker over a raw parse tree: true if it compares with = NULL, which
 * parse analysis turns into IS NULL when transform_null_equals is on (the
 * fingerprint, taken before analysis, is the same either way).
 */
static bool
IdentNullEqualsWalker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, A_Expr) && ((A_Expr *) node)->kind == AEXPR_OP)
	{
		A_Expr	   *a = (A_Expr *) node;

		if (list_length(a->name) == 1 && strcmp(strVal(linitial(a->name)), "=") == 0 &&
			((a->lexpr && IsA(a->lexpr, A_Const) && ((A_Const *) a->lexpr)->isnull) ||
			 (a->rexpr && IsA(a->rexpr, A_Const) && ((A_Const *) a->rexpr)->isnull)))
			return true;
	}
	return raw_expression_tree_walker(node, IdentNullEqualsWalker, context);
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

/* Why a step whose date or time input reads the clock is not reusable. */
static const char *const IdentClockReason =
"reads 'now', 'today', 'tomorrow' or 'yesterday' as a date or time";

/* check_functions_in_node callback: classify one called function. */
static bool
IdentCheckFunction(Oid funcid, void *context)
{
	IdentWalk  *w = (IdentWalk *) context;
	char		vol;

	/* a function called again tells nothing new */
	if (list_member_oid(w->called, funcid))
		return false;
	vol = func_volatile(funcid);
	if (vol == PROVOLATILE_VOLATILE && w->volatile_reason == NULL &&
		!ident_is_train_function(funcid))
		w->volatile_reason = psprintf("calls volatile function %s()", get_func_name(funcid));
	else if (ident_is_time_function(funcid) && w->volatile_reason == NULL)
		w->volatile_reason = psprintf("calls %s(), whose result changes between runs",
									  get_func_name(funcid));
	else if (ident_is_privilege_function(funcid) && w->volatile_reason == NULL)
		w->volatile_reason = psprintf("calls %s(), whose result changes with GRANT and REVOKE",
									  get_func_name(funcid));
	if (vol != PROVOLATILE_IMMUTABLE || ident_is_settings_builtin(funcid))
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
		{
			IdentAddRelation(w, rte->relid, rte->inh);
			/* a view's tables are checked as its owner, not the caller */
			if (rte->requiredPerms != 0 && !OidIsValid(rte->checkAsUser))
				w->rights = list_append_unique_oid(w->rights, rte->relid);
		}
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
	if (IsA(node, CoerceViaIO))
	{
		CoerceViaIO *io = (CoerceViaIO *) node;
		bool		input_reads = ident_text_form_reads_settings(io->resulttype, false);

		if (input_reads || ident_text_form_reads_settings(exprType((Node *) io->arg), true))
			w->settings_dependent = true;
		if (input_reads && ident_is_clock_text((Node *) io->arg) && w->volatile_reason == NULL)
			w->volatile_reason = IdentClockReason;
	}
	if (IsA(node, XmlExpr) || IsA(node, TableFunc))
		w->settings_dependent = true;
	if (IsA(node, FuncExpr) && ident_is_settings_io_function(((FuncExpr *) node)->funcid))
		w->settings_dependent = true;
	check_functions_in_node(node, IdentCheckFunction, (void *) w);
	return expression_tree_walker(node, IdentQueryWalker, (void *) w);
}

/*
 * Walk the step's own analysed query (before rewriting: a view's constants
 * were read when it was created) for constants that parse analysis read
 * from the query's text with an input function that reads settings.
 */
static bool
IdentConstWalker(Node *node, IdentWalk *w)
{
	if (node == NULL)
		return false;
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, IdentConstWalker, (void *) w, 0);
	if (IsA(node, Const) && !((Const *) node)->constisnull &&
		ident_text_form_reads_settings(((Const *) node)->consttype, false))
	{
		ListCell   *lc;

		w->settings_dependent = true;
		foreach(lc, w->strings)
			if (ident_has_clock_word((char *) lfirst(lc)) && w->volatile_reason == NULL)
				w->volatile_reason = IdentClockReason;
		return false;
	}
	return expression_tree_walker(node, IdentConstWalker, (void *) w);
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
	ListCell   *lc;
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

	ident_digest("query", IdentStripLocations(nodeToString(stmt)), info->fingerprint);

	(void) IdentNamesWalker((Node *) stmt, &found);
	/* before parse analysis, which may scribble on the raw tree */
	if (IdentNullEqualsWalker((Node *) stmt, NULL))
		w.settings_dependent = true;
	found.relations = IdentWithoutCtes(found.relations, stmt);
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
	analysed = IdentAnalyse(stmt, query, IdentStringInputs(info->inputs, found.strings));
	info->columns = IdentColumns(analysed);
	w.strings = found.strings;
	(void) IdentConstWalker((Node *) analysed, &w);
	rewritten = QueryRewrite(analysed);
	foreach(lc, rewritten)
		(void) IdentQueryWalker((Node *) lfirst(lc), &w);
	if (GinFuzzySearchLimit > 0 && w.relids != NIL && w.volatile_reason == NULL)
		w.volatile_reason = "gin_fuzzy_search_limit is set: GIN index scans return a random subset";

	list_sort(w.relids, list_oid_cmp);
	list_sort(w.rights, list_oid_cmp);
	list_sort(w.funcids, list_oid_cmp);
	list_sort(w.called, list_oid_cmp);
	info->relids = w.relids;
	info->rights = w.rights;
	info->funcids = w.funcids;
	info->called = w.called;
	info->volatile_reason = w.volatile_reason;
	info->settings_dependent = w.settings_dependent;
	error_context_stack = errcb.previous;
	return info;
}
