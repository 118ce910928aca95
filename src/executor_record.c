/*
 * executor_record.c - what a run leaves behind: its steps merged into the
 * graph (with each step's lineage, potential, recreation cost and facets),
 * its computed tables offered to the materializer, and, when a step
 * failed, the steps before it saved by a background worker.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "miscadmin.h"
#include "tcop/tcopprot.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"

#include "changes.h"
#include "executor.h"
#include "graph.h"
#include "materializer.h"
#include "spi.h"
#include "store_async.h"
#include "workload.h"

/* A model step's training call in words: train('input step', params). */
char *
exec_model_call(RunState *rs, EgStep *step)
{
	char	   *fname = get_func_name(step->train);

	if (fname == NULL)
		return psprintf("%u(%s)", step->train, rs->wl->steps[step->inputs[0]]->name);
	return psprintf("%s(%s, %s)",
					FunctionIsVisible(step->train) ? quote_identifier(fname)
					: quote_qualified_identifier(get_namespace_name(get_func_namespace(step->train)),
												 fname),
					quote_literal_cstr(rs->wl->steps[step->inputs[0]]->name),
					quote_literal_cstr(DatumGetCString(DirectFunctionCall1(jsonb_out,
																		   JsonbPGetDatum(step->params)))));
}

/*
 * Each step's recreation cost: compute seconds summed over its ancestor
 * set, each ancestor once.  Steps never computed cost what the graph
 * measured earlier, or nothing.
 */
static double *
ExecRecreation(RunState *rs)
{
	int			n = rs->n;
	Bitmapset **anc = palloc0(sizeof(Bitmapset *) * n);
	double	   *cost = palloc(sizeof(double) * n);
	double	   *recreation = palloc0(sizeof(double) * n);

	for (int i = 0; i < n; i++)
	{
		EgStep	   *step = rs->wl->steps[i];
		int			j = -1;

		cost[i] = rs->done[i] == EG_ACT_COMPUTE ? rs->seconds[i] : Max(rs->graph[i].compute_seconds, 0);
		anc[i] = bms_make_singleton(i);
		for (int p = 0; p < step->ninputs; p++)
			anc[i] = bms_add_members(anc[i], anc[step->inputs[p]]);
		while ((j = bms_next_member(anc[i], j)) >= 0)
			recreation[i] += cost[j];
	}
	return recreation;
}

/*
 * For the materializer's utility: each step's potential (the best quality
 * of a model at or below it in this workload; the graph keeps the maximum
 * over all workloads) and recreation cost (ExecRecreation).
 */
static void
ExecPotentialAndRecreation(RunState *rs, GraphStep *gs)
{
	double	   *recreation = ExecRecreation(rs);

	for (int i = 0; i < rs->n; i++)
	{
		EgStep	   *step = rs->wl->steps[i];

		gs[i].potential = step->kind != EG_STEP_MODEL ? 0
			: Max(gs[i].quality, Max(rs->graph[i].quality, 0));
		gs[i].recreation = recreation[i];
	}
	for (int i = rs->n - 1; i >= 0; i--)
		for (int p = 0; p < rs->wl->steps[i]->ninputs; p++)
		{
			GraphStep  *parent = &gs[rs->wl->steps[i]->inputs[p]];

			parent->potential = Max(parent->potential, gs[i].potential);
		}
}

/*
 * Step's own lineage (funcs: its functions), where a table eg.capture
 * filled (ident.c) stands for the artifact it holds: that artifact's
 * lineage instead of the table, which a later session drops and makes
 * again with another oid.
 */
static List *
ExecCapturedLineage(EgStep *step, bool funcs)
{
	List	   *lineage = list_copy(funcs ? step->lineage_funcs : step->lineage);
	List	   *sources = list_concat_copy(step->sources, step->reads);
	ListCell   *lc;

	foreach(lc, sources)
	{
		EgSource   *src = (EgSource *) lfirst(lc);
		GraphInfo	held;

		if (!src->captured)
			continue;
		graph_lookup(&src->artifact, 1, &held);
		if (!held.known)
			continue;
		if (!funcs)
			lineage = list_delete_oid(lineage, src->relid);
		lineage = list_concat_unique_oid(lineage, funcs ? held.lineage_funcs : held.lineage);
	}
	list_free(sources);
	return lineage;
}

/*
 * The lineage of step i for the graph (gs[j] filled for j < i): the
 * relations (funcs: the functions) it read (called) with the caller's
 * rights, read sets of its computations included, what its inputs'
 * lineages hold, and what the graph knew of the artifact.
 */
static List *
ExecLineage(RunState *rs, GraphStep *gs, int i, bool funcs)
{
	EgStep	   *step = rs->wl->steps[i];
	List	   *lineage = ExecCapturedLineage(step, funcs);

	if (rs->done[i] != EG_ACT_COMPUTE && rs->graph[i].known)
		lineage = list_concat_unique_oid(lineage, funcs ? rs->graph[i].lineage_funcs
										 : rs->graph[i].lineage);
	for (int p = 0; p < step->ninputs; p++)
		lineage = list_concat_unique_oid(lineage, funcs ? gs[step->inputs[p]].lineage_funcs
										 : gs[step->inputs[p]].lineage);
	list_sort(lineage, list_oid_cmp);
	return lineage;
}

/*
 * The run's steps as the graph records them; *saved: the seconds that
 * loading saved against computing.
 */
static GraphStep *
ExecGraphSteps(RunState *rs, double *saved)
{
	GraphStep  *gs = palloc0(sizeof(GraphStep) * rs->n);

	*saved = 0;
	for (int i = 0; i < rs->n; i++)
	{
		EgStep	   *step = rs->wl->steps[i];
		GraphStep  *g = &gs[i];
		ListCell   *lc;
		int			k = 0;

		g->step = step->name;
		g->kind = step->kind;
		g->id = step->id;
		g->reusable = step->reusable;
		g->action = rs->done[i];
		g->used = rs->used[i];
		g->seconds = rs->seconds[i];
		g->rows = rs->rows[i];
		g->logical_bytes = rs->bytes[i];
		g->quality = -1;
		g->opkind = step->kind == EG_STEP_MODEL ? GRAPH_OP_TRAIN : GRAPH_OP_QUERY;
		g->train = step->kind == EG_STEP_MODEL ? step->train : InvalidOid;
		g->definition = step->kind == EG_STEP_MODEL
			? exec_model_call(rs, step)
			: step->query;
		g->key = step->key;
		g->reads = g->read_names = NIL;
		foreach(lc, step->reads)
		{
			Oid			relid = ((EgSource *) lfirst(lc))->relid;
			char	   *name = ident_read_name(relid);

			g->reads = lappend_oid(g->reads, relid);
			g->read_names = lappend(g->read_names, name ? name : "");
		}
		g->sources = list_concat_copy(step->sources, step->reads);
		g->ninputs = step->ninputs + (step->has_warm ? 1 : 0) + list_length(g->sources);
		g->inputs = palloc(sizeof(EgId) * Max(g->ninputs, 1));
		for (int p = 0; p < step->ninputs; p++)
			g->inputs[k++] = rs->wl->steps[step->inputs[p]]->id;
		if (step->has_warm)
			g->inputs[k++] = step->warm_id;
		g->source_names = NIL;
		foreach(lc, g->sources)
		{
			char	   *relname = get_rel_name(((EgSource *) lfirst(lc))->relid);

			g->inputs[k++] = ((EgSource *) lfirst(lc))->id;
			g->source_names = lappend(g->source_names, relname ? relname : "?");
		}
		g->read_funcs = step->read_funcs;
		g->lineage = ExecLineage(rs, gs, i, false);
		g->lineage_funcs = ExecLineage(rs, gs, i, true);
		g->role = step->role_bound ? GetUserId() : InvalidOid;
		g->facets = NIL;
		if (rs->done[i] == EG_ACT_COMPUTE)
		{
			g->facets = changes_facets(rs->wl, step);
			changes_fingerprint(step, g->fingerprint);
		}
		if (rs->used[i] && rs->done[i] != EG_ACT_COMPUTE)
			*saved += Max(rs->graph[i].compute_seconds, 0) - rs->seconds[i];
	}
	/* qualities: an aggregate scores its model */
	for (int i = 0; i < rs->n; i++)
		if (rs->quality[i] >= 0)
			gs[workload_find(rs->wl, rs->wl->steps[i]->quality_of)->index].quality = rs->quality[i];
	ExecPotentialAndRecreation(rs, gs);
	return gs;
}

/*
 * Merge the run into the graph; returns the workload's id in the graph.  At
 * REPEATABLE READ or SERIALIZABLE a background worker merges it, and
 * forgets the failed loads, in its own transaction (graph_worker.c): 0.
 */
int64
exec_record(RunState *rs, TimestampTz started, double seconds)
{
	double		saved;
	GraphStep  *gs = ExecGraphSteps(rs, &saved);

	if (IsolationUsesXactSnapshot())
	{
		graph_record_in_worker(rs->wl->name, GetUserId(), gs, rs->n, started, seconds,
							   Max(saved, 0), rs->failed, NULL, 0);
		return 0;
	}
	rs->workload = graph_record_run(rs->wl->name, GetUserId(), gs, rs->n, started, seconds,
									Max(saved, 0), rs->workload);
	return rs->workload;
}

/* The run's computed, reusable tables: candidates for the store; sets *n. */
static MatInput *
ExecCandidates(RunState *rs, int *n)
{
	MatInput   *cands = palloc(sizeof(MatInput) * rs->n);
	double	   *recreation = ExecRecreation(rs);

	*n = 0;
	for (int i = 0; i < rs->n; i++)
	{
		EgStep	   *step = rs->wl->steps[i];

		/*
		 * a table changed since (a later step's function wrote it) is not;
		 * a captured statement's is its own, just made
		 */
		if (rs->done[i] != EG_ACT_COMPUTE || !step->reusable ||
			(!rs->captured && !workload_live_lookup(step->name, &step->id)))
			continue;
		cands[*n].id = step->id;
		cands[*n].rows = (StoreRows) {.relid = rs->relids[i]};
		cands[*n].seconds = rs->seconds[i];
		cands[*n].recreation = recreation[i];
		cands[*n].bytes = Max(rs->bytes[i], 0);
		cands[*n].prep = NULL;
		(*n)++;
	}
	return cands;
}

/* What ExecSaveCompleted needs, for eg_try_subxact. */
typedef struct ExecSaveArg
{
	RunState   *rs;
	TimestampTz started;
	double		seconds;
} ExecSaveArg;

/*
 * Record the steps a failed run completed, and offer its computed tables
 * to the materializer, from a background worker that commits: the user's
 * transaction is about to abort (graph_worker.c).
 */
static void
ExecSaveCompleted(void *arg)
{
	ExecSaveArg *a = (ExecSaveArg *) arg;
	RunState   *rs = a->rs;
	double		saved;
	GraphStep  *gs = ExecGraphSteps(rs, &saved);
	int			n = 0;
	int			ncands;
	MatInput   *cands = ExecCandidates(rs, &ncands);

	for (int i = 0; i < rs->n; i++)
		if (rs->done[i] != EG_ACT_PRUNED)
			gs[n++] = gs[i];
	if (debug_query_string != NULL)
		pgstat_report_activity(STATE_RUNNING,
							   psprintf("eg.run: saving the %d step%s completed before the error",
										n, n == 1 ? "" : "s"));
	if (eg_progress)
		ereport(NOTICE,
				(errmsg_plural("eg.run failed: saving the %d step completed before the error",
							   "eg.run failed: saving the %d steps completed before the error",
							   n, n)));
	graph_record_in_worker(rs->wl->name, GetUserId(), gs, n, a->started, a->seconds,
						   Max(saved, 0), rs->failed, cands, ncands);
}

/*
 * After a step failed with edata, save what completed before it, unless
 * there is nothing, or the run was cancelled (a cancel stops at once), or
 * this transaction wrote the graph before (the worker would wait for it).
 * Never an error: what goes wrong is a WARNING, and edata stays the error.
 */
void
exec_save(RunState *rs, TimestampTz started, double seconds, ErrorData *edata)
{
	ExecSaveArg a = {rs, started, seconds};
	bool		any = false;
	ErrorData  *failed;

	for (int i = 0; i < rs->n; i++)
		any |= rs->done[i] != EG_ACT_PRUNED;
	if (!any || edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
		return;
	if (graph_lock_held())
	{
		ereport(NOTICE,
				(errmsg("the steps completed before the error are not saved"),
				 errdetail("This transaction recorded a run before and holds eg's lock until it ends.")));
		return;
	}
	failed = eg_try_subxact(ExecSaveCompleted, &a);
	if (failed != NULL)
		ereport(WARNING,
				(errmsg("could not save the steps completed before the error: %s",
						failed->message)));
}

/*
 * The run's computed, reusable tables, for the store, before the run takes
 * graph_lock: handed to eg.store_async's worker (with auto, started here
 * when they are large enough), else prepared here.
 */
static void
ExecPrepareStore(RunState *rs)
{
	rs->cands = ExecCandidates(rs, &rs->ncands);
	if (rs->store == NULL)
		rs->store = store_async_sized(rs->cands, rs->ncands);
	if (rs->store != NULL && !store_async_hand(rs->store, rs->cands, rs->ncands))
		rs->store = NULL;
	if (rs->store == NULL)
		materializer_prepare(rs->cands, rs->ncands);
}

/*
 * Hand the run's candidates (ExecPrepareStore) to the materializer: to
 * the worker eg.store_async started (store_async.c), which runs it once
 * the run commits; else, or with nothing for it, here.
 */
static void
ExecMaterialize(RunState *rs, int64 workload)
{
	int			n = rs->ncands;
	MatInput   *cands = rs->cands;

	if (rs->store != NULL)
	{
		bool		handed = store_async_finish(rs->store, workload, cands, n);

		rs->store = NULL;
		if (handed)
			return;
	}
	(void) materializer_run(cands, n, workload);
}

/*
 * What a run that executed its plan leaves behind: its tables prepared for
 * the store, then, under graph_lock, the run recorded and the materializer
 * run.  At REPEATABLE READ or SERIALIZABLE the worker that merges the run
 * takes the lock (the run's transaction holding it too would wait for its
 * own worker).
 */
void
exec_finish(RunState *rs, TimestampTz started, double seconds)
{
	ExecPrepareStore(rs);
	if (!IsolationUsesXactSnapshot())
		graph_lock();
	graph_forget_unstored(rs->failed);
	ExecMaterialize(rs, exec_record(rs, started, seconds));
}
