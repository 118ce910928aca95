/*
 * executor.c - eg.run, and what eg.explain shares with it (executor.h).
 *
 * A run refreshes the ids of the workload's steps (data versions may have
 * moved since they were defined), asks the graph what it knows of them,
 * lets the planner choose, and then executes the plan in topological order:
 * a computed step becomes "CREATE TEMP TABLE step AS query" through SPI as
 * the calling role, a loaded step is restored from the store into the same
 * kind of temp table.  Every step is timed.  A step's data versions are read
 * again after it ran; if they moved meanwhile, the step's result is still
 * the user's answer but is never recorded as reusable.  A load that fails
 * (evicted since the plan was made, or a corrupt chunk) makes the rest of
 * the workload be planned again, with what already ran now live.  Finally
 * the run is merged into the graph (failed loads unmarked, unless stored
 * again meanwhile) and the materializer decides what to keep
 * (executor_record.c).
 *
 * Each step runs in a subtransaction of its own, and pg_stat_activity
 * shows which.  When one fails, the steps before it are saved by a
 * background worker (graph_worker.c: recorded, their tables offered to
 * the materializer), since the user's transaction is about to abort; then
 * the step's error is raised again as it was.
 *
 * Executing updates no row of the graph (removing a damaged artifact from
 * the store aside); everything the run learnt is written after it takes
 * graph_lock (lock order: graph.c).  At REPEATABLE READ or SERIALIZABLE
 * the run's transaction writes neither: a background worker merges the run
 * (graph_worker.c), and a damaged artifact stays in the store (store_get)
 * for a run at READ COMMITTED to remove.  Users' steps and the statements on their temp
 * tables run through spi.c with the caller's rights.
 */
#include "postgres.h"

#include <math.h>

#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "portability/instr_time.h"
#include "tcop/tcopprot.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "executor.h"
#include "graph.h"
#include "planner.h"
#include "readset.h"
#include "spi.h"
#include "store.h"
#include "store_async.h"
#include "track.h"
#include "workload.h"


/* Seconds since start. */
double
exec_since(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_DOUBLE(now);
}

/* Mark the steps the targets need: the targets and all their ancestors. */
static void
ExecMarkUsed(RunState *rs, ArrayType *targets)
{
	EgWorkload *wl = rs->wl;

	if (targets == NULL)
	{
		for (int i = 0; i < rs->n; i++)
			rs->used[i] = rs->vertices[i].target = true;
		return;
	}
	{
		Datum	   *elems;
		bool	   *nulls;
		int			nelems;

		deconstruct_array(targets, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nelems);
		if (nelems == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("no steps given"),
					 errhint("Name the steps to run, or give no argument to run every step.")));
		for (int e = 0; e < nelems; e++)
		{
			EgStep	   *step;

			if (nulls[e])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("step name must not be null")));
			step = workload_find(wl, TextDatumGetCString(elems[e]));
			if (step == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_OBJECT),
						 errmsg("step \"%s\" is not defined in this workload",
								TextDatumGetCString(elems[e]))));
			rs->used[step->index] = rs->vertices[step->index].target = true;
		}
	}
	for (int i = rs->n - 1; i >= 0; i--)
		if (rs->used[i])
			for (int p = 0; p < wl->steps[i]->ninputs; p++)
				rs->used[wl->steps[i]->inputs[p]] = true;
}

/*
 * Refresh ids, wait for stores in progress of them (eg.run and eg.explain:
 * what eg.explain says is what eg.run would do), look up the graph, build
 * the DAG with costs, and plan it.
 */
RunState *
exec_prepare(ArrayType *targets)
{
	return exec_prepare_workload(workload_current(), targets);
}

/*
 * The tables eg.capture filled that step's read set holds, as it resolves
 * now (Oid): the graph has their artifacts' lineage in their place, so
 * their own rights are checked here.  Also where a SECURITY DEFINER
 * function read one with its owner's rights: then the step is computed.
 */
static List *
ExecCapturedReads(EgStep *step)
{
	List	   *relids = NIL;
	ListCell   *lc;

	foreach(lc, step->reads)
		if (((EgSource *) lfirst(lc))->captured)
			relids = lappend_oid(relids, ((EgSource *) lfirst(lc))->relid);
	return relids;
}

/* exec_prepare for workload wl (eg.capture's one-step workloads). */
RunState *
exec_prepare_workload(EgWorkload *wl, ArrayType *targets)
{
	RunState   *rs = palloc0(sizeof(RunState));
	EgId	   *ids;
	int			n = wl->nsteps;

	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the workload has no steps"),
				 errhint("Define steps with eg.dataset(), eg.aggregate() or eg.model() first.")));
	rs->wl = wl;
	rs->n = n;
	rs->used = palloc0(sizeof(bool) * n);
	rs->readable = palloc0(sizeof(bool) * n);
	rs->graph = palloc0(sizeof(GraphInfo) * n);
	rs->vertices = palloc0(sizeof(PlanVertex) * n);
	rs->actions = palloc0(sizeof(EgAction) * n);
	rs->done = palloc(sizeof(EgAction) * n);
	rs->seconds = palloc0(sizeof(double) * n);
	rs->rows = palloc0(sizeof(int64) * n);
	rs->bytes = palloc0(sizeof(int64) * n);
	rs->quality = palloc0(sizeof(double) * n);
	rs->relids = palloc0(sizeof(Oid) * n);
	rs->failed = NIL;
	ids = palloc(sizeof(EgId) * n);

	ExecMarkUsed(rs, targets);
	ident_batch_begin();
	for (int i = 0; i < n; i++)
	{
		wl->steps[i]->unstable = false;
		workload_reanalyze(wl, wl->steps[i]);
		workload_refresh_id(wl, wl->steps[i], false);
		ids[i] = wl->steps[i]->id;
		rs->done[i] = EG_ACT_PRUNED;
		rs->quality[i] = -1;
		rs->rows[i] = rs->bytes[i] = -1;
	}
	ident_batch_end();
	store_async_wait(ids, n);
	graph_lookup(ids, n, rs->graph);
	for (int i = 0; i < n; i++)
	{
		EgStep	   *step = wl->steps[i];
		PlanVertex *v = &rs->vertices[i];

		/*
		 * what the artifact derives from, and what the step reads now: a
		 * table eg.capture filled stands for its artifact's lineage in the
		 * graph (executor_record.c), but plain SQL reads the table - one
		 * the query names (its lineage), or one its functions read, as the
		 * read set resolves now (maybe a table made again under its name)
		 */
		rs->readable[i] = rs->graph[i].known &&
			graph_may_use(rs->graph[i].lineage, rs->graph[i].lineage_funcs, InvalidOid, false, NULL) &&
			graph_may_use(step->lineage, NIL, InvalidOid, false, NULL) &&
			graph_may_use(ExecCapturedReads(step), NIL, InvalidOid, false, NULL);
		v->compute = Max(rs->graph[i].compute_seconds, 0);
		v->load = (rs->graph[i].materialized && step->reusable && rs->readable[i])
			? rs->graph[i].load_seconds : -1;
		/*
		 * A live table is the caller's result only while the caller may
		 * still compute it: a right revoked since (or a table made by
		 * another role under SET ROLE, with the same id) makes it a step to
		 * load or compute, as the rights allow, failing as plain SQL would.
		 */
		v->live = workload_live_lookup(step->name, &step->id) && rs->readable[i];
		v->nparents = step->ninputs;
		v->parents = step->inputs;
	}
	return rs;
}

/* Plan the run with the current knowledge. */
void
exec_plan(RunState *rs)
{
	for (int i = 0; i < rs->n; i++)
		if (rs->done[i] != EG_ACT_PRUNED)
			rs->vertices[i].live = true;
	(void) planner_plan(rs->vertices, rs->n, (EgReuse) eg_reuse, rs->actions);
}

/* Run a statement without parameters as the caller; returns rows processed. */
static uint64
ExecSql(const char *sql, int expect)
{
	return eg_spi_exec_sql(sql, 0, NULL, NULL, NULL, expect, EG_SPI_CALLER);
}

/*
 * Drop this session's temp table called name, if any: one eg made, with the
 * rights of rights.  A step table is dropped as the extension owner: under
 * SET ROLE it may be another role's of this same session, which the
 * current role could not drop.
 */
static void
ExecDropTemp(const char *name, EgSpiRights rights)
{
	workload_live_forget(name);
	if (OidIsValid(RangeVarGetRelid(makeRangeVar("pg_temp", (char *) name, -1), NoLock, true)))
		(void) eg_spi_exec_sql(psprintf("DROP TABLE pg_temp.%s", quote_identifier(name)),
							   0, NULL, NULL, NULL, SPI_OK_UTILITY, rights);
}

/*
 * Drop the temp table of an earlier run of a step, if any.  A temp table of
 * that name that eg did not make (no eg_live trigger) is the user's own:
 * an error rather than silently dropping it.
 */
static void
ExecDropStepTable(const char *name)
{
	Oid			relid = RangeVarGetRelid(makeRangeVar("pg_temp", (char *) name, -1), NoLock, true);

	if (OidIsValid(relid) && !workload_is_step_table(relid))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_TABLE),
				 errmsg("relation \"%s\" already exists", name),
				 errdetail("It is a temporary table of this session that eg did not create."),
				 errhint("Drop or rename it, or give the step another name.")));
	ExecDropTemp(name, EG_SPI_OWNER);
}

/* After a step's table exists: watch it for changes and remember it live. */
static Oid
ExecAdoptTable(EgStep *step)
{
	Oid			relid = RangeVarGetRelid(makeRangeVar("pg_temp", step->name, -1),
										 NoLock, false);

	ExecSql(psprintf("CREATE TRIGGER eg_live AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
					 "ON pg_temp.%s FOR EACH STATEMENT EXECUTE FUNCTION eg._live_changed()",
					 quote_identifier(step->name)), SPI_OK_UTILITY);
	workload_live_set(step->name, &step->id, relid);
	return relid;
}

/* Heap plus TOAST size of a table. */
int64
exec_table_bytes(Oid relid)
{
	return DatumGetInt64(DirectFunctionCall1(pg_total_relation_size, ObjectIdGetDatum(relid)));
}

/* Read an aggregate's first value as a quality in [0,1]. */
static double
ExecReadQuality(EgStep *step, Oid relid)
{
	EgColumn   *col = (EgColumn *) linitial(step->columns);
	bool		isnull;
	double		q;
	uint64		rows = ExecSql(psprintf("SELECT CAST(%s AS float8) AS quality FROM pg_temp.%s LIMIT 2",
										quote_identifier(col->name), quote_identifier(step->name)),
							   SPI_OK_SELECT);

	if (rows != 1)
		ereport(ERROR,
				(errcode(ERRCODE_CARDINALITY_VIOLATION),
				 errmsg("quality step \"%s\" must return one row", step->name),
				 errdetail(rows == 0 ? "It returned none." : "It returned more than one."),
				 errhint("Aggregate its rows into one, e.g. with avg().")));
	q = DatumGetFloat8(eg_spi_get(0, "quality", &isnull));
	if (isnull || isnan(q) || q < 0 || q > 1)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("quality of model step \"%s\" must be between 0 and 1", step->quality_of),
				 errdetail("Step \"%s\" returned %s.", step->name,
						   isnull ? "NULL" : psprintf("%g", q))));
	return q;
}

/*
 * Tell the graph at once that id, and the others a bad chunk took along,
 * left the store.  A write to the graph while the run executes: graph_lock
 * first, as everywhere (the lock, then rows).  At REPEATABLE READ or
 * SERIALIZABLE the graph only remembers it for this transaction, and the
 * run's worker unmarks it with the failed loads.
 */
static void
ExecForgetStored(RunState *rs, const EgId *id, List *others)
{
	List	   *ids = lcons(eg_id_copy(id), others);

	if (IsolationUsesXactSnapshot())
		rs->failed = list_concat(rs->failed, ids);
	else
		graph_lock();
	graph_forget_unstored(ids);
}

/*
 * Restore the stored model a warm-started step starts from into *model
 * (restored, read, dropped).  False if it could not be restored: it has
 * left the store and the graph, so the step's next refresh picks the next
 * best model, or none.
 */
static bool
ExecWarmModel(RunState *rs, EgStep *step, bytea **model)
{
	RangeVar   *into = makeRangeVar(NULL, "eg_warm_start", -1);
	int64		rows;
	bool		isnull;
	List	   *others;

	*model = NULL;
	into->relpersistence = RELPERSISTENCE_TEMP;
	ExecDropTemp(into->relname, EG_SPI_CALLER);
	if (!OidIsValid(store_get(&step->warm_id, into, &rows, &others, NULL)))
	{
		ExecForgetStored(rs, &step->warm_id, others);
		return false;
	}
	if (ExecSql("SELECT model FROM pg_temp.eg_warm_start", SPI_OK_SELECT) == 1)
	{
		Datum		d = eg_spi_get(0, "model", &isnull);

		if (!isnull)
			*model = DatumGetByteaPCopy(d);
	}
	ExecDropTemp(into->relname, EG_SPI_CALLER);
	return true;
}

/*
 * Run a step's operation as the caller into its temp table (its query, or
 * its train function on its input's table and warm-start model); returns
 * the rows made.
 */
static uint64
ExecOperation(RunState *rs, EgStep *step, bytea *warm)
{
	const char *target = quote_identifier(step->name);
	EgStep	   *in;
	Oid			types[3] = {REGCLASSOID, JSONBOID, BYTEAOID};
	Datum		values[3];
	char	   *fname;

	if (step->kind != EG_STEP_MODEL)
		return ExecSql(psprintf("CREATE TEMP TABLE %s AS %s", target, step->query),
					   SPI_OK_UTILITY);
	in = rs->wl->steps[step->inputs[0]];
	fname = get_func_name(step->train);
	if (fname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("the train function of step \"%s\" no longer exists", step->name)));
	values[0] = ObjectIdGetDatum(rs->relids[in->index]);
	values[1] = JsonbPGetDatum(step->params);
	values[2] = PointerGetDatum(warm);
	return eg_spi_exec_sql(psprintf("CREATE TEMP TABLE %s AS SELECT %s($1, $2, $3) AS model",
									target,
									quote_qualified_identifier(get_namespace_name(get_func_namespace(step->train)),
															   fname)),
						   3, types, values, warm ? "   " : "  n", SPI_OK_UTILITY, EG_SPI_CALLER);
}

/* The user functions a step's id covers without its read set: those it names. */
static List *
ExecCoveredFuncs(EgStep *step)
{
	return step->info ? step->info->funcids : list_make1_oid(step->train);
}

/* The relations a step's id covers without its read set: named ones, inputs' tables. */
static List *
ExecCovered(RunState *rs, EgStep *step)
{
	List	   *covered = step->info ? list_copy(step->info->relids) : NIL;

	for (int p = 0; p < step->ninputs; p++)
		covered = lappend_oid(covered, rs->relids[step->inputs[p]]);
	return covered;
}

/* Run a step's operation, timed, recording what it reads (readset.c). */
static void
ExecOperationRecorded(RunState *rs, EgStep *step, bytea *warm)
{
	instr_time	start;

	INSTR_TIME_SET_CURRENT(start);
	readset_start();
	PG_TRY();
	{
		rs->rows[step->index] = ExecOperation(rs, step, warm);
	}
	PG_FINALLY();
	{
		readset_stop();
	}
	PG_END_TRY();
	rs->seconds[step->index] = exec_since(start);
}

/*
 * Run a step's operation; returns its read set beyond what its id covers.
 * When eg began to track one of those relations only now, it has no
 * version from before the step: at READ COMMITTED the step runs once more,
 * now that every change is seen, rather than staying not reusable (at
 * REPEATABLE READ its snapshot would not see the tracker either).
 */
static ReadSet *
ExecOperationWithReads(RunState *rs, EgStep *step, bytea *warm)
{
	ReadSet    *reads;

	ExecOperationRecorded(rs, step, warm);
	reads = readset_take(ExecCovered(rs, step), ExecCoveredFuncs(step));
	if (!reads->stable && reads->first_seen && !IsolationUsesXactSnapshot())
	{
		ExecDropTemp(step->name, EG_SPI_CALLER);
		ExecOperationRecorded(rs, step, warm);
		reads = readset_take(ExecCovered(rs, step), ExecCoveredFuncs(step));
	}
	return reads;
}

/* Error if a model step's train function returned NULL. */
static void
ExecCheckModel(EgStep *step)
{
	if (ExecSql(psprintf("SELECT 1 FROM pg_temp.%s WHERE model IS NULL",
						 quote_identifier(step->name)), SPI_OK_SELECT) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("train function %s returned NULL for model step \"%s\"",
						format_procedure(step->train), step->name),
				 errhint("A train function returns the trained model as bytea.")));
}

/* True if the tables of the steps step reads still hold their results. */
static bool
ExecInputsLive(RunState *rs, EgStep *step)
{
	for (int p = 0; p < step->ninputs; p++)
	{
		EgStep	   *in = rs->wl->steps[step->inputs[p]];

		if (!workload_live_lookup(in->name, &in->id))
			return false;
	}
	return true;
}

/*
 * After step computed: not reusable if the data it read (as before it ran)
 * moved, or moved says something else did; its read set joins its id.
 */
void
exec_settle(RunState *rs, EgStep *step, List *before, bool moved, ReadSet *reads)
{
	if (moved ||
		(step->info && !ident_sources_equal(before, ident_sources(step->info->relids))))
	{
		step->unstable = true;
		workload_refresh_id(rs->wl, step, true);
	}
	/* a schema of eg 0.2 cannot record a read set */
	workload_set_reads(step, reads, reads->stable &&
					   ((reads->sources == NIL && reads->funcs == NIL) || graph_has_read_sets()));
}

/* Compute one step as the caller: CREATE TEMP TABLE step AS ... */
static void
ExecCompute(RunState *rs, EgStep *step)
{
	List	   *before;
	Oid			user = GetUserId();
	Oid			session_user = GetSessionUserId();
	char	   *search_path = pstrdup(namespace_search_path);
	bytea	   *warm = NULL;
	ReadSet    *reads;

	ExecDropStepTable(step->name);
	workload_refresh_id(rs->wl, step, true);	/* inputs may have become unstable */
	/* a damaged warm-start model leaves the store: take the next best */
	while (step->kind == EG_STEP_MODEL && step->has_warm && !ExecWarmModel(rs, step, &warm))
		workload_refresh_id(rs->wl, step, true);
	before = step->sources;
	reads = ExecOperationWithReads(rs, step, warm);
	if (step->kind == EG_STEP_MODEL)
		ExecCheckModel(step);

	/*
	 * The next steps must run as the same role, and their names resolve as
	 * analysed: a step that changed either (set_config) fails the run, which
	 * undoes the change.
	 */
	if (GetUserId() != user || GetSessionUserId() != session_user ||
		strcmp(namespace_search_path, search_path) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("step \"%s\" changed the current role or search_path", step->name),
				 errhint("A step must not set role, session_authorization or search_path.")));

	/* nor the tables of the steps it read (a function may write them) */
	exec_settle(rs, step, before, !ExecInputsLive(rs, step), reads);
	rs->relids[step->index] = ExecAdoptTable(step);
	rs->bytes[step->index] = exec_table_bytes(rs->relids[step->index]);
	if (step->quality_of)
		rs->quality[step->index] = ExecReadQuality(step, rs->relids[step->index]);
	rs->done[step->index] = EG_ACT_COMPUTE;
}

/*
 * Load one step from the store; false (and noted in rs->failed) if it is
 * no longer stored or its stored copy was unusable.
 */
static bool
ExecLoad(RunState *rs, EgStep *step)
{
	instr_time	start;
	RangeVar   *into = makeRangeVar(NULL, step->name, -1);
	Oid			relid;
	int64		rows;
	List	   *others;

	ExecDropStepTable(step->name);
	into->relpersistence = RELPERSISTENCE_TEMP;
	INSTR_TIME_SET_CURRENT(start);
	relid = store_get(&step->id, into, &rows, &others, NULL);
	if (!OidIsValid(relid))
	{
		rs->failed = lappend(rs->failed, eg_id_copy(&step->id));
		rs->failed = list_concat(rs->failed, others);
		return false;
	}
	rs->seconds[step->index] = exec_since(start);
	rs->rows[step->index] = rows;
	rs->relids[step->index] = ExecAdoptTable(step);
	rs->bytes[step->index] = exec_table_bytes(relid);
	rs->done[step->index] = EG_ACT_LOAD;
	return true;
}

/* Error context: which step of the workload was running. */
static void
ExecErrorCallback(void *arg)
{
	errcontext("eg.run step \"%s\"", ((EgStep *) arg)->name);
}

/* One step of the plan for eg_try_subxact: its action, and whether to replan. */
typedef struct ExecStepArg
{
	RunState   *rs;
	EgStep	   *step;
	bool		replan;			/* out: its load failed */
} ExecStepArg;

/* Take step's planned action. */
static void
ExecStep(void *arg)
{
	ExecStepArg *a = (ExecStepArg *) arg;
	RunState   *rs = a->rs;
	EgStep	   *step = a->step;
	int			i = step->index;
	ErrorContextCallback errcb;

	errcb.callback = ExecErrorCallback;
	errcb.arg = step;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;
	switch (rs->actions[i])
	{
		case EG_ACT_COMPUTE:
			ExecCompute(rs, step);
			break;
		case EG_ACT_LOAD:
			if (!ExecLoad(rs, step))
			{
				rs->vertices[i].load = -1;
				a->replan = true;
			}
			break;
		case EG_ACT_LIVE:
			rs->relids[i] = RangeVarGetRelid(makeRangeVar("pg_temp", step->name, -1), NoLock, false);
			rs->done[i] = EG_ACT_LIVE;
			break;
		case EG_ACT_PRUNED:
			break;
	}
	error_context_stack = errcb.previous;
}

/*
 * Show in pg_stat_activity which step runs: the ordinal-th of total to
 * run, and what it does (eg.run restores the statement's text at its end).
 */
static void
ExecReportStep(RunState *rs, EgStep *step, int ordinal, int total)
{
	const char *what;

	if (rs->actions[step->index] == EG_ACT_LOAD)
		what = "loading it from the store";
	else if (step->kind == EG_STEP_MODEL)
		what = exec_model_call(rs, step);
	else
		what = step->query;
	if (debug_query_string != NULL)	/* else it could not be restored */
		pgstat_report_activity(STATE_RUNNING,
							   psprintf("eg.run: step \"%s\" (%d/%d): %s", step->name,
										ordinal, total, what));
}

/*
 * Execute the plan, each step in a subtransaction of its own; replans when
 * a load fails.  Returns the error of the step that failed (the steps
 * before it done), or NULL.
 */
static ErrorData *
ExecRunPlan(RunState *rs)
{
	for (;;)
	{
		ExecStepArg a = {rs, NULL, false};
		int			total = 0;
		int			ordinal = 0;

		exec_plan(rs);
		for (int i = 0; i < rs->n; i++)
			total += rs->done[i] == EG_ACT_PRUNED && rs->actions[i] != EG_ACT_PRUNED &&
				rs->actions[i] != EG_ACT_LIVE;
		for (int i = 0; i < rs->n && !a.replan; i++)
		{
			ErrorData  *edata;

			if (rs->done[i] != EG_ACT_PRUNED || rs->actions[i] == EG_ACT_PRUNED)
				continue;
			a.step = rs->wl->steps[i];
			if (rs->actions[i] != EG_ACT_LIVE)
				ExecReportStep(rs, a.step, ++ordinal, total);
			/* eg.store_async = on: a worker ready by the end of the run */
			if (rs->actions[i] == EG_ACT_COMPUTE && a.step->reusable && !rs->store_tried)
			{
				rs->store_tried = true;
				rs->store = store_async_early();
			}
			edata = eg_try_subxact(ExecStep, &a);
			if (edata != NULL)
				return edata;
			if (rs->done[i] != EG_ACT_PRUNED && eg_progress)
				ereport(NOTICE,
						(errmsg("step \"%s\" %s in %.3f s", a.step->name,
								planner_action_name(rs->done[i]), rs->seconds[i])));
		}
		if (!a.replan)
			return NULL;
	}
}

/* The targets argument of eg.run/eg.explain (NULL = all steps). */
ArrayType *
exec_targets(FunctionCallInfo fcinfo)
{
	return PG_ARGISNULL(0) ? NULL : PG_GETARG_ARRAYTYPE_P(0);
}

/* The body of eg.run. */
static void
ExecRun(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TimestampTz started = GetCurrentTimestamp();
	instr_time	start;
	RunState   *rs;
	ErrorData  *edata;

	InitMaterializedSRF(fcinfo, 0);
	INSTR_TIME_SET_CURRENT(start);
	eg_spi_connect();
	rs = exec_prepare(exec_targets(fcinfo));
	edata = ExecRunPlan(rs);
	if (edata != NULL)
	{
		exec_save(rs, started, exec_since(start), edata);
		ReThrowError(edata);
	}
	exec_finish(rs, started, exec_since(start));

	for (int i = 0; i < rs->n; i++)
	{
		EgStep	   *step = rs->wl->steps[i];
		Datum		values[7];
		bool		nulls[7] = {false};

		values[0] = CStringGetTextDatum(step->name);
		values[1] = EgIdGetDatum(eg_id_copy(&step->id));
		values[2] = CStringGetTextDatum(workload_kind_name(step->kind));
		values[3] = CStringGetTextDatum(planner_action_name(rs->done[i]));
		values[4] = Float8GetDatum(rs->seconds[i]);
		values[5] = Int64GetDatum(rs->rows[i]);
		nulls[5] = rs->rows[i] < 0;
		values[6] = Int64GetDatum(rs->bytes[i]);
		nulls[6] = rs->bytes[i] < 0;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	eg_spi_finish();
}

PG_FUNCTION_INFO_V1(eg_run);
/* eg.run(VARIADIC steps): plan, execute, record, materialize. */
Datum
eg_run(PG_FUNCTION_ARGS)
{
	/* steps run user code, which must not call eg.begin & co meanwhile */
	workload_check_idle("eg.run()");
	workload_set_running(true);
	PG_TRY();
	{
		ExecRun(fcinfo);
	}
	PG_FINALLY();
	{
		pgstat_report_activity(STATE_RUNNING, debug_query_string);
		workload_set_running(false);
		track_retry_busy();		/* the next run tries busy tables again */
	}
	PG_END_TRY();
	return (Datum) 0;
}
