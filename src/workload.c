/*
 * workload.c - the session's current workload and its live tables.
 *
 * eg.begin/dataset/aggregate/model only record steps; nothing runs until
 * eg.run.  Each step may read earlier steps by name, so definition order is
 * a topological order and a cycle cannot be written; a step cannot read
 * itself.  A name defined again replaces its step (workload_redefine.c),
 * which keeps the order topological.  Everything is checked when
 * the step is defined (query analysis, train function signature), so a bad
 * step fails at once and leaves the workload as it was.
 *
 * The workload lives in a session-lifetime memory context; eg.begin resets
 * it.  The live map remembers which artifact each step's temp table holds,
 * so that a later run in the same session can use it for free; a change to
 * such a table (caught by a statement trigger) or its disappearance removes
 * it from the map.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/genam.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "common/hashfn.h"
#include "catalog/indexing.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "parser/parse_coerce.h"
#include "storage/proc.h"
#include "storage/sinval.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "track.h"
#include "workload.h"

/* Longest step name: step names become table names. */
#define WORKLOAD_MAX_NAME (NAMEDATALEN - 1)

/* The session's workload lives here (workload_memory). */
static MemoryContext WorkloadContext = NULL;
static EgWorkload *CurrentWorkload = NULL;

/*
 * What a step table is like when eg made it: a DDL statement on it (a
 * column renamed, retyped or dropped, a child table, row-level security,
 * its trigger disabled) changes one of these, DML fires its trigger.
 */
typedef struct LiveShape
{
	Oid			relfilenode;	/* a rewrite (ALTER COLUMN TYPE) changes it */
	ItemPointerData class_tid;	/* any update of its pg_class row moves it */
	TransactionId class_xmin;
	uint32		columns;		/* hash of its live columns' names and types */
	ItemPointerData trigger_tid;	/* its eg_live trigger's pg_trigger row: */
	TransactionId trigger_xmin; /* disabling it moves it */
	bool		trigger_eg;		/* the trigger is there, eg's */
	bool		trigger_on;		/* ... and enabled */
} LiveShape;

/* A live step table of this session. */
typedef struct LiveEntry
{
	char		step[NAMEDATALEN];	/* hash key */
	EgId		id;
	Oid			relid;
	LiveShape	shape;
} LiveEntry;

static HTAB *LiveTables = NULL;

/* True while eg.run executes steps (user code runs then). */
static bool WorkloadRunning = false;

/*
 * Error if eg.run is executing steps: a step's query or train function
 * that defined, ran or explained eg steps would change the workload under
 * the run (eg.begin frees it).
 */
void
workload_check_idle(const char *what)
{
	if (WorkloadRunning)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("%s cannot be called while eg.run() is running", what),
				 errhint("A step's query or train function must not define, run or explain eg steps.")));
}

/* Mark eg.run as executing steps, or done (also on error: see eg_run). */
void
workload_set_running(bool running)
{
	WorkloadRunning = running;
}

/* True while eg.run executes steps. */
bool
workload_is_running(void)
{
	return WorkloadRunning;
}

/* The session's workload, created empty on first use. */
EgWorkload *
workload_current(void)
{
	if (CurrentWorkload == NULL)
		CurrentWorkload = MemoryContextAllocZero(workload_memory(), sizeof(EgWorkload));
	return CurrentWorkload;
}

/* The step called name, or NULL. */
EgStep *
workload_find(EgWorkload *wl, const char *name)
{
	for (int i = 0; i < wl->nsteps; i++)
		if (strcmp(wl->steps[i]->name, name) == 0)
			return wl->steps[i];
	return NULL;
}

/* Kind as the SQL interface spells it. */
const char *
workload_kind_name(EgStepKind kind)
{
	switch (kind)
	{
		case EG_STEP_DATASET:
			return "dataset";
		case EG_STEP_AGGREGATE:
			return "aggregate";
		case EG_STEP_MODEL:
			return "model";
	}
	return "?";
}

/* Check a new step name: non-empty, a valid length, not taken. */
static void
WorkloadCheckName(EgWorkload *wl, const char *name)
{
	if (name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_NAME),
				 errmsg("step name must not be empty")));
	if (strlen(name) > WORKLOAD_MAX_NAME)
		ereport(ERROR,
				(errcode(ERRCODE_NAME_TOO_LONG),
				 errmsg("step name \"%s\" is too long", name),
				 errdetail("Step names become table names, at most %d bytes.", WORKLOAD_MAX_NAME)));
}

/*
 * NOTICE if a relation of this name is on the search_path, other than a
 * temp table (which the step's table replaces): later steps read the step
 * under that name, not the relation.
 */
static void
WorkloadCheckShadow(const char *name)
{
	Oid			relid = RelnameGetRelid(name);
	Oid			nsp = OidIsValid(relid) ? get_rel_namespace(relid) : InvalidOid;

	if (OidIsValid(relid) && !isTempNamespace(nsp))
		ereport(NOTICE,
				(errmsg("step \"%s\" hides relation %s from the steps after it", name,
						quote_qualified_identifier(get_namespace_name(nsp), name)),
				 errhint("Later steps read the step by this name; to read the relation, qualify it with its schema.")));
}

/*
 * The shapes (names and columns) of the workload's steps, for analysing
 * step self's query: a step defined again does not see its old definition.
 */
static List *
WorkloadShapes(EgWorkload *wl, const char *self)
{
	List	   *shapes = NIL;

	for (int i = 0; i < wl->nsteps; i++)
	{
		EgShape    *shape;

		if (strcmp(wl->steps[i]->name, self) == 0)
			continue;
		shape = palloc(sizeof(EgShape));

		shape->step = wl->steps[i]->name;
		shape->columns = wl->steps[i]->columns;
		shapes = lappend(shapes, shape);
	}
	return shapes;
}

/* True if two column lists have the same names, types, typmods and collations. */
static bool
WorkloadSameColumns(List *a, List *b)
{
	ListCell   *la,
			   *lb;

	if (list_length(a) != list_length(b))
		return false;
	forboth(la, a, lb, b)
	{
		EgColumn   *ca = (EgColumn *) lfirst(la);
		EgColumn   *cb = (EgColumn *) lfirst(lb);

		if (strcmp(ca->name, cb->name) != 0 || ca->type != cb->type ||
			ca->typmod != cb->typmod || ca->collation != cb->collation)
			return false;
	}
	return true;
}

/*
 * Note when a step's query was analysed: workload_reanalyze skips a step
 * whose analysis is current.
 */
void
workload_stamp_analysis(EgStep *step)
{
	step->analysed_inval = SharedInvalidMessageCounter;
	step->analysed_lxid = MyProc->lxid;
	step->analysed_cid = GetCurrentCommandId(false);
	step->analysed_user = GetUserId();
	if (step->analysed_path)
		pfree(step->analysed_path);
	step->analysed_path = MemoryContextStrdup(workload_memory(), namespace_search_path);
}

/*
 * Whether a step's analysis is current: no catalog change reached this
 * session since (no invalidation received, and none of its own transaction
 * after the analysis: the same command, or a later transaction, which has
 * received the messages of the earlier ones), with the same role and
 * search_path.
 */
static bool
WorkloadAnalysisCurrent(EgStep *step)
{
	return step->analysed_path != NULL &&
		step->analysed_inval == SharedInvalidMessageCounter &&
		(step->analysed_lxid != MyProc->lxid ||
		 step->analysed_cid == GetCurrentCommandId(false)) &&
		step->analysed_user == GetUserId() &&
		strcmp(step->analysed_path, namespace_search_path) == 0;
}

/*
 * Analyse a query step again, as the catalogs and search_path are now.  Its
 * id covers the relations and functions found when it was defined, while
 * eg.run executes its text: if the text now resolves to other ones (another
 * search_path, a table created earlier in the path), the result would be
 * recorded under the wrong lineage - an error.  What else may have changed
 * (a function's volatility) is taken over.
 */
void
workload_reanalyze(EgWorkload *wl, EgStep *step)
{
	List	   *shapes = NIL;
	EgQueryInfo *info;
	ListCell   *la,
			   *lb;
	bool		same;
	MemoryContext old;

	if (step->info == NULL || WorkloadAnalysisCurrent(step))
		return;
	workload_check_exists(step);
	for (int i = 0; i < step->index; i++)
	{
		EgShape    *shape = palloc(sizeof(EgShape));

		shape->step = wl->steps[i]->name;
		shape->columns = wl->steps[i]->columns;
		shapes = lappend(shapes, shape);
	}
	info = ident_analyze_query(step->query, shapes, step->name);
	same = equal(info->relids, step->info->relids) &&
		equal(info->called, step->info->called) &&
		list_length(info->inputs) == list_length(step->info->inputs) &&
		WorkloadSameColumns(info->columns, step->info->columns);
	if (same)
		forboth(la, info->inputs, lb, step->info->inputs)
			same &= strcmp((char *) lfirst(la), (char *) lfirst(lb)) == 0;
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the query of step \"%s\" no longer reads what it read when it was defined",
						step->name),
				 errdetail("Its names now resolve to other tables, functions or columns "
						   "(search_path or the schema changed)."),
				 errhint("Define the step again; eg.begin() starts a new workload.")));
	old = MemoryContextSwitchTo(WorkloadContext);
	step->info->volatile_reason = info->volatile_reason ? pstrdup(info->volatile_reason) : NULL;
	step->info->settings_dependent = info->settings_dependent;
	MemoryContextSwitchTo(old);
	workload_stamp_analysis(step);
}

/*
 * Add a step (already checked, its inputs linked) to the workload: a new
 * name is appended, a known one replaced (workload_redefine.c); returns
 * its id.
 */
static EgId *
WorkloadAdd(EgWorkload *wl, EgStep *step)
{
	if (workload_find(wl, step->name) != NULL)
		return workload_redefine(wl, step);
	step->index = wl->nsteps;
	workload_refresh_id(wl, step, false);
	if (wl->steps == NULL)
		wl->steps = MemoryContextAlloc(WorkloadContext, sizeof(EgStep *) * 16);
	else if ((wl->nsteps & (wl->nsteps - 1)) == 0 && wl->nsteps >= 16)
		wl->steps = repalloc(wl->steps, sizeof(EgStep *) * wl->nsteps * 2);
	wl->steps[wl->nsteps++] = step;
	return eg_id_copy(&step->id);
}

/* Resolve input step names to indexes and collect the lineage. */
void
workload_link_inputs(EgWorkload *wl, EgStep *step, List *names)
{
	ListCell   *lc;
	int			i = 0;

	step->ninputs = list_length(names);
	step->inputs = palloc(sizeof(int) * Max(step->ninputs, 1));
	step->lineage = step->info ? list_copy(step->info->rights) : NIL;
	step->lineage_funcs = step->info ? list_copy(step->info->called)
		: list_make1_oid(step->train);
	foreach(lc, names)
	{
		EgStep	   *in = workload_find(wl, (char *) lfirst(lc));

		step->inputs[i++] = in->index;
		step->lineage = list_concat_unique_oid(step->lineage, in->lineage);
		step->lineage_funcs = list_concat_unique_oid(step->lineage_funcs, in->lineage_funcs);
	}
}

/* A deep copy of a query analysis in the current memory context. */
EgQueryInfo *
workload_copy_info(const EgQueryInfo *src)
{
	EgQueryInfo *info = palloc(sizeof(EgQueryInfo));
	ListCell   *lc;

	*info = *src;
	info->inputs = NIL;
	foreach(lc, src->inputs)
		info->inputs = lappend(info->inputs, pstrdup((char *) lfirst(lc)));
	info->relids = list_copy(src->relids);
	info->rights = list_copy(src->rights);
	info->funcids = list_copy(src->funcids);
	info->called = list_copy(src->called);
	info->volatile_reason = src->volatile_reason ? pstrdup(src->volatile_reason) : NULL;
	info->columns = NIL;
	foreach(lc, src->columns)
	{
		EgColumn   *col = palloc(sizeof(EgColumn));

		*col = *(EgColumn *) lfirst(lc);
		col->name = pstrdup(col->name);
		info->columns = lappend(info->columns, col);
	}
	return info;
}

/* Whether the steps called names, or the steps they read, include target. */
static bool
WorkloadReads(EgWorkload *wl, List *names, const EgStep *target)
{
	ListCell   *lc;

	foreach(lc, names)
	{
		EgStep	   *in = workload_find(wl, (char *) lfirst(lc));

		if (in == target)
			return true;
		for (int p = 0; p < in->ninputs; p++)
			if (WorkloadReads(wl, list_make1(wl->steps[in->inputs[p]]->name), target))
				return true;
	}
	return false;
}

/*
 * Error unless an aggregate step scoring model step quality_of reads it
 * (reads_model: itself or through other steps) and the first column of
 * its query (info) is a number: the quality.
 */
void
workload_check_quality(const char *name, EgQueryInfo *info, const char *quality_of,
					   bool reads_model)
{
	EgColumn   *first = info->columns ? (EgColumn *) linitial(info->columns) : NULL;

	if (!reads_model)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("step \"%s\" does not read model step \"%s\" that it scores", name,
						quality_of),
				 errhint("A quality_of step computes the model's quality from it, e.g. SELECT ml.auc(m.model, ...) FROM %s m.",
						 quote_identifier(quality_of))));
	if (first == NULL || TypeCategory(getBaseType(first->type)) != TYPCATEGORY_NUMERIC)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the first column of step \"%s\" must be a number: the quality of \"%s\"",
						name, quality_of),
				 first ? errdetail("Column \"%s\" is of type %s.", first->name,
								   format_type_be(first->type)) : 0));
}

/* Define a query step (dataset or aggregate). */
static EgId *
WorkloadAddQuery(EgStepKind kind, text *name_t, text *query_t, int deterministic,
				 const char *quality_of)
{
	EgWorkload *wl = workload_current();
	char	   *name = text_to_cstring(name_t);
	char	   *query = text_to_cstring(query_t);
	MemoryContext old;
	EgStep	   *step;
	EgQueryInfo *info;

	workload_check_idle(kind == EG_STEP_DATASET ? "eg.dataset()" : "eg.aggregate()");
	WorkloadCheckName(wl, name);
	WorkloadCheckShadow(name);
	if (quality_of != NULL)
	{
		EgStep	   *model = workload_find(wl, quality_of);

		if (model == NULL || model->kind != EG_STEP_MODEL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("quality_of must name a model step of this workload"),
					 errdetail(model ? "Step \"%s\" is not a model." : "There is no step \"%s\".",
							   quality_of)));
	}
	info = ident_analyze_query(query, WorkloadShapes(wl, name), name);
	if (quality_of != NULL)
		workload_check_quality(name, info, quality_of,
							   WorkloadReads(wl, info->inputs, workload_find(wl, quality_of)));

	old = MemoryContextSwitchTo(WorkloadContext);
	step = workload_query_step(wl, kind, name, query, info);
	step->deterministic = deterministic;
	step->quality_of = quality_of ? pstrdup(quality_of) : NULL;
	MemoryContextSwitchTo(old);
	return WorkloadAdd(wl, step);
}

/*
 * A new query step of wl (not added to it) from its analysed query, in the
 * current memory context; reusability detected.
 */
EgStep *
workload_query_step(EgWorkload *wl, EgStepKind kind, const char *name, const char *query,
					const EgQueryInfo *info)
{
	EgStep	   *step = palloc0(sizeof(EgStep));

	step->name = pstrdup(name);
	step->kind = kind;
	step->query = pstrdup(query);
	step->deterministic = -1;
	step->info = workload_copy_info(info);
	step->columns = step->info->columns;
	workload_stamp_analysis(step);
	workload_link_inputs(wl, step, step->info->inputs);
	return step;
}

/* The memory context of the session's workload, made on first use. */
MemoryContext
workload_memory(void)
{
	if (WorkloadContext == NULL)
		WorkloadContext = AllocSetContextCreate(TopMemoryContext, "eg workload",
												ALLOCSET_DEFAULT_SIZES);
	return WorkloadContext;
}

PG_FUNCTION_INFO_V1(eg_begin);
/* eg.begin(workload text): start a new, empty workload in this session. */
Datum
eg_begin(PG_FUNCTION_ARGS)
{
	workload_check_idle("eg.begin()");
	track_retry_busy();
	if (WorkloadContext != NULL)
		MemoryContextReset(WorkloadContext);
	CurrentWorkload = NULL;
	(void) workload_current();
	if (!PG_ARGISNULL(0))
		CurrentWorkload->name = MemoryContextStrdup(WorkloadContext,
													text_to_cstring(PG_GETARG_TEXT_PP(0)));
	PG_RETURN_VOID();
}

/* Error for a NULL argument that must not be NULL. */
static void
WorkloadRequire(FunctionCallInfo fcinfo, int arg, const char *what)
{
	if (PG_ARGISNULL(arg))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what)));
}

PG_FUNCTION_INFO_V1(eg_dataset);
/* eg.dataset(step, query, deterministic): define a dataset step. */
Datum
eg_dataset(PG_FUNCTION_ARGS)
{
	WorkloadRequire(fcinfo, 0, "step name");
	WorkloadRequire(fcinfo, 1, "query");
	PG_RETURN_EGID(WorkloadAddQuery(EG_STEP_DATASET, PG_GETARG_TEXT_PP(0),
									PG_GETARG_TEXT_PP(1),
									PG_ARGISNULL(2) ? -1 : PG_GETARG_BOOL(2),
									NULL));
}

PG_FUNCTION_INFO_V1(eg_aggregate);
/*
 * eg.aggregate(step, query, quality_of, deterministic): define an aggregate
 * step (eg 0.2's SQL declares no deterministic).
 */
Datum
eg_aggregate(PG_FUNCTION_ARGS)
{
	WorkloadRequire(fcinfo, 0, "step name");
	WorkloadRequire(fcinfo, 1, "query");
	PG_RETURN_EGID(WorkloadAddQuery(EG_STEP_AGGREGATE, PG_GETARG_TEXT_PP(0),
									PG_GETARG_TEXT_PP(1),
									PG_NARGS() < 4 || PG_ARGISNULL(3) ? -1 : PG_GETARG_BOOL(3),
									PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2))));
}

/* Check that train has the signature (regclass, jsonb, bytea) -> bytea. */
static void
WorkloadCheckTrain(Oid train)
{
	if (!SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(train)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("train function %u does not exist", train)));
	if (!ident_is_train_function(train))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("train function %s has the wrong signature",
						format_procedure(train)),
				 errhint("A train function is declared (input regclass, params jsonb, warm_start bytea) RETURNS bytea.")));
}

PG_FUNCTION_INFO_V1(eg_model);
/* eg.model(step, train, input, params, warm_start): define a model step. */
Datum
eg_model(PG_FUNCTION_ARGS)
{
	EgWorkload *wl = workload_current();
	char	   *name;
	char	   *input;
	EgStep	   *in;
	EgStep	   *step;
	MemoryContext old;
	Jsonb	   *params;

	workload_check_idle("eg.model()");
	WorkloadRequire(fcinfo, 0, "step name");
	WorkloadRequire(fcinfo, 1, "train function");
	WorkloadRequire(fcinfo, 2, "input");
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	input = text_to_cstring(PG_GETARG_TEXT_PP(2));
	WorkloadCheckName(wl, name);
	WorkloadCheckShadow(name);
	WorkloadCheckTrain(PG_GETARG_OID(1));
	in = workload_find(wl, input);
	if (in == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("input step \"%s\" is not defined in this workload", input),
				 errhint("Define the training data with eg.dataset() first.")));
	params = PG_ARGISNULL(3) ? NULL : PG_GETARG_JSONB_P(3);
	if (params != NULL && !JB_ROOT_IS_OBJECT(params))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model params must be a JSON object")));

	old = MemoryContextSwitchTo(WorkloadContext);
	step = palloc0(sizeof(EgStep));
	step->name = pstrdup(name);
	step->kind = EG_STEP_MODEL;
	step->deterministic = 1;
	step->train = PG_GETARG_OID(1);
	step->params = params ? (Jsonb *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(3))
		: DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));
	step->warm_start = PG_ARGISNULL(4) ? false : PG_GETARG_BOOL(4);
	{
		EgColumn   *col = palloc(sizeof(EgColumn));

		col->name = pstrdup("model");
		col->type = BYTEAOID;
		col->typmod = -1;
		col->collation = InvalidOid;
		step->columns = list_make1(col);
	}
	workload_link_inputs(wl, step, list_make1(in->name));
	MemoryContextSwitchTo(old);
	PG_RETURN_EGID(WorkloadAdd(wl, step));
}

PG_FUNCTION_INFO_V1(eg_steps);
/* eg.steps(): the workload's steps in order, the steps each reads, and
 * whether it is terminal (no other step reads it: a result). */
Datum
eg_steps(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	EgWorkload *wl = workload_current();
	bool	   *read = palloc0(sizeof(bool) * Max(wl->nsteps, 1));

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < wl->nsteps; i++)
		for (int p = 0; p < wl->steps[i]->ninputs; p++)
			read[wl->steps[i]->inputs[p]] = true;
	for (int i = 0; i < wl->nsteps; i++)
	{
		EgStep	   *step = wl->steps[i];
		Datum	   *inputs = palloc(sizeof(Datum) * Max(step->ninputs, 1));
		Datum		values[4];
		bool		nulls[4] = {false};

		for (int p = 0; p < step->ninputs; p++)
			inputs[p] = CStringGetTextDatum(wl->steps[step->inputs[p]]->name);
		values[0] = CStringGetTextDatum(step->name);
		values[1] = CStringGetTextDatum(workload_kind_name(step->kind));
		values[2] = PointerGetDatum(construct_array(inputs, step->ninputs, TEXTOID,
													-1, false, TYPALIGN_INT));
		values[3] = BoolGetDatum(!read[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* The live-table map, created on first use. */
static HTAB *
WorkloadLiveTables(void)
{
	if (LiveTables == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = NAMEDATALEN;
		ctl.entrysize = sizeof(LiveEntry);
		LiveTables = hash_create("eg live tables", 64, &ctl, HASH_ELEM | HASH_STRINGS);
	}
	return LiveTables;
}

/* The eg_live trigger of step table relid, into shape. */
static void
WorkloadLiveTrigger(Oid relid, LiveShape *shape)
{
	Relation	rel = table_open(TriggerRelationId, AccessShareLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;

	ScanKeyInit(&key[0], Anum_pg_trigger_tgrelid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	ScanKeyInit(&key[1], Anum_pg_trigger_tgname, BTEqualStrategyNumber, F_NAMEEQ,
				CStringGetDatum("eg_live"));
	scan = systable_beginscan(rel, TriggerRelidNameIndexId, true, NULL, 2, key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		Form_pg_trigger trig = (Form_pg_trigger) GETSTRUCT(tup);

		shape->trigger_eg = trig->tgfoid == track_trigger_function("_live_changed");
		shape->trigger_on = shape->trigger_eg && trig->tgenabled != TRIGGER_DISABLED;
		shape->trigger_tid = tup->t_self;
		shape->trigger_xmin = HeapTupleHeaderGetRawXmin(tup->t_data);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/* The shape of step table relid now. */
static void
WorkloadLiveShape(Oid relid, LiveShape *shape)
{
	Relation	rel = table_open(relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	memset(shape, 0, sizeof(LiveShape));
	shape->relfilenode = rel->rd_node.relNode;
	shape->class_tid = tup->t_self;
	shape->class_xmin = HeapTupleHeaderGetRawXmin(tup->t_data);
	ReleaseSysCache(tup);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped)
			continue;
		shape->columns = hash_combine(shape->columns, hash_bytes((unsigned char *) NameStr(att->attname),
																 strlen(NameStr(att->attname))));
		shape->columns = hash_combine(shape->columns, hash_uint32(att->atttypid));
		shape->columns = hash_combine(shape->columns, hash_uint32((uint32) att->atttypmod));
		shape->columns = hash_combine(shape->columns, hash_uint32(att->attcollation));
	}
	table_close(rel, AccessShareLock);
	WorkloadLiveTrigger(relid, shape);
}

/* True if a step table is still as eg made it (no DDL, its trigger on). */
static bool
WorkloadSameShape(LiveEntry *e)
{
	LiveShape	now;

	WorkloadLiveShape(e->relid, &now);
	return now.trigger_on && now.relfilenode == e->shape.relfilenode &&
		ItemPointerEquals(&now.class_tid, &e->shape.class_tid) &&
		now.class_xmin == e->shape.class_xmin && now.columns == e->shape.columns &&
		ItemPointerEquals(&now.trigger_tid, &e->shape.trigger_tid) &&
		now.trigger_xmin == e->shape.trigger_xmin;
}

/* True if this session's temp table "step" holds artifact id, unchanged. */
bool
workload_live_lookup(const char *step, const EgId *id)
{
	LiveEntry  *e = hash_search(WorkloadLiveTables(), step, HASH_FIND, NULL);
	char	   *relname;

	if (e == NULL || !eg_id_equal(&e->id, id))
		return false;
	relname = get_rel_name(e->relid);
	if (relname == NULL || strcmp(relname, step) != 0 ||
		!isTempNamespace(get_rel_namespace(e->relid)) ||
		!pg_class_ownercheck(e->relid, GetUserId()) ||
		!WorkloadSameShape(e))
	{
		workload_live_forget(step);
		return false;
	}
	return true;
}

/*
 * True if relation relid carries eg's eg_live trigger of a step table (gone
 * when the user dropped it, or with DROP EXTENSION eg: then eg no longer
 * sees the table's changes, and it is no step's result any more).
 */
bool
workload_is_step_table(Oid relid)
{
	LiveShape	shape = {0};

	WorkloadLiveTrigger(relid, &shape);
	return shape.trigger_eg;
}

/* Remember that temp table relid, named step, holds artifact id. */
void
workload_live_set(const char *step, const EgId *id, Oid relid)
{
	LiveEntry  *e = hash_search(WorkloadLiveTables(), step, HASH_ENTER, NULL);

	e->id = *id;
	e->relid = relid;
	WorkloadLiveShape(relid, &e->shape);
}

/* Forget the live table of a step. */
void
workload_live_forget(const char *step)
{
	hash_search(WorkloadLiveTables(), step, HASH_REMOVE, NULL);
}

PG_FUNCTION_INFO_V1(eg_live_changed);
/* Statement trigger on step tables: their content is no longer the artifact. */
Datum
eg_live_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trig = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("eg._live_changed() may only be called as a trigger")));
	workload_live_forget(RelationGetRelationName(trig->tg_relation));
	return PointerGetDatum(NULL);
}
