/*
 * workload_id.c - who a step of the workload is now: the sources it reads,
 * whether it is reusable, and its id, refreshed before every run and
 * before it computes (data versions move).
 *
 * A model step with warm_start is, at each refresh, a stored model of that
 * very step if there is one (however it was trained), else a model trained
 * from the best stored model of the same train function on the same input
 * (the graph knows); its id then covers that model's id too.
 *
 * A step whose functions read relations or call functions beyond what it
 * names (its read set, readset.c) has an id known only once it computed;
 * before that it is the id of a stored artifact whose read set still holds
 * (docs/read-sets.md).
 */
#include "postgres.h"

#include "storage/lmgr.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "graph.h"
#include "workload.h"

/*
 * Error unless every relation a step reads and every function it calls
 * still exists: they may have been dropped since the step was defined.
 * Each relation is locked first, as the step's query would lock it, so
 * that it cannot go away before eg has read its data version.
 */
void
workload_check_exists(EgStep *step)
{
	ListCell   *lc;
	List	   *funcs = step->info ? step->info->funcids : list_make1_oid(step->train);

	if (step->info)
		foreach(lc, step->info->relids)
		{
			Oid			relid = lfirst_oid(lc);

			LockRelationOid(relid, AccessShareLock);
			if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_TABLE),
						 errmsg("a table read by step \"%s\" no longer exists", step->name),
						 errhint("Define the step again; eg.begin() starts a new workload.")));
		}
	foreach(lc, funcs)
		if (!SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(lfirst_oid(lc))))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("a function called by step \"%s\" no longer exists", step->name),
					 errhint("Define the step again; eg.begin() starts a new workload.")));
}

/*
 * A model step's warm start and id.  Without warm_start the id covers its
 * train function, params and input.  With it, a stored model of this very
 * step (cold, or warm-started from the model that was best then) is the
 * step's artifact, as loading it beats training again; else, or when the
 * step is to be computed, training starts from the best-quality stored model
 * of the same function on the same input, and the id covers that model too.
 */
static void
WorkloadModelId(EgStep *step, const EgId *input, bool reusable, bool to_compute)
{
	List	   *models = step->warm_start ?
		graph_stored_models(step->train, input, to_compute) : NIL;
	GraphModel *best = models != NIL ? linitial(models) : NULL;
	uint8		key[PG_SHA256_DIGEST_LENGTH];
	ListCell   *lc;

	ident_model_key(step->train, step->params, input, key);
	foreach(lc, to_compute ? NIL : models)
	{
		GraphModel *m = lfirst(lc);

		ident_model_id(key, m->warm_started ? &m->warm_from : NULL, reusable, &step->id);
		if (eg_id_equal(&step->id, &m->key))
		{
			step->has_warm = m->warm_started;
			step->warm_id = m->warm_from;
			step->warm_quality = -1;
			return;
		}
	}
	step->has_warm = best != NULL && best->quality >= 0;	/* best first */
	if (step->has_warm)
	{
		step->warm_id = best->id;
		step->warm_quality = best->quality;
	}
	ident_model_id(key, step->has_warm ? &step->warm_id : NULL, reusable, &step->id);
}

/* A copy of a list of EgSource *s in the workload's memory. */
static List *
WorkloadCopySources(List *sources)
{
	MemoryContext old = MemoryContextSwitchTo(workload_memory());
	List	   *copy = NIL;
	ListCell   *lc;

	foreach(lc, sources)
	{
		EgSource   *src = palloc(sizeof(EgSource));

		*src = *(EgSource *) lfirst(lc);
		copy = lappend(copy, src);
	}
	MemoryContextSwitchTo(old);
	return copy;
}

/*
 * Adopt reads and funcs as the step's read set and the functions its
 * functions called, and derive its id from its key.
 */
static void
WorkloadUseReads(EgStep *step, List *reads, List *funcs, bool reusable)
{
	ListCell   *lc;
	MemoryContext old = MemoryContextSwitchTo(workload_memory());

	list_free(step->read_funcs);
	step->read_funcs = list_copy(funcs);
	MemoryContextSwitchTo(old);
	list_free_deep(step->reads);
	step->reads = WorkloadCopySources(reads);
	foreach(lc, step->reads)
	{
		reusable &= ((EgSource *) lfirst(lc))->reusable;
		step->role_bound |= ((EgSource *) lfirst(lc))->rls;
	}
	ident_reads_id(&step->key, step->reads, step->read_funcs, reusable, &step->id);
	step->reusable = reusable;
}

/* The relations a recorded read set stands for now (ident_find_read). */
static List *
WorkloadFindReads(const GraphReadSet *set)
{
	List	   *relids = NIL;
	ListCell   *lc;
	ListCell   *ln = list_head(set->names);

	foreach(lc, set->relids)
	{
		char	   *name = ln != NULL ? (char *) lfirst(ln) : NULL;

		relids = lappend_oid(relids, ident_find_read(lfirst_oid(lc),
													 name != NULL && name[0] != '\0' ? name : NULL));
		ln = ln != NULL ? lnext(set->names, ln) : NULL;
	}
	return relids;
}

/*
 * A step's read set is known only once it computed.  Before that, its id
 * is that of a stored artifact with the same key whose read set has the
 * same versions now (as the step read the same relations then, it would
 * read them again); else its key.  Only the latest few artifacts of a key
 * can match (a data version never comes back), and one whose read set
 * eg cannot track matches none: if it is the latest, explain names it.
 */
static void
WorkloadResolveReads(EgStep *step, bool reusable, bool to_compute)
{
	List	   *sets = reusable && !to_compute ? graph_read_sets(&step->key) : NIL;
	ListCell   *lc;

	list_free_deep(step->reads);
	step->reads = NIL;
	list_free(step->read_funcs);
	step->read_funcs = NIL;
	step->id = step->key;
	step->reusable = reusable;
	step->reads_moved = sets != NIL;
	step->reads_untracked = InvalidOid;
	foreach(lc, sets)
	{
		GraphReadSet *set = (GraphReadSet *) lfirst(lc);
		List	   *sources = ident_sources(WorkloadFindReads(set));
		ListCell   *ls;
		EgId		id;
		bool		trackable = true;

		foreach(ls, sources)
		{
			if (((EgSource *) lfirst(ls))->reusable)
				continue;
			if (lc == list_head(sets) && trackable)
				step->reads_untracked = ((EgSource *) lfirst(ls))->relid;
			trackable = false;
		}
		if (!trackable)
			continue;
		ident_reads_id(&step->key, sources, set->funcids, true, &id);
		foreach(ls, set->ids)
			if (eg_id_equal(&id, (EgId *) lfirst(ls)))
			{
				WorkloadUseReads(step, sources, set->funcids, true);
				step->reads_moved = false;
				return;
			}
	}
}

/*
 * Recompute a step's sources, reusability and id from its inputs' ids;
 * to_compute: the step is about to be computed (a warm start then trains
 * from the best model rather than reusing a stored one).
 */
void
workload_refresh_id(EgWorkload *wl, EgStep *step, bool to_compute)
{
	EgId	   *input_ids = palloc(sizeof(EgId) * Max(step->ninputs, 1));
	bool		reusable;
	ListCell   *lc;

	workload_check_exists(step);
	reusable = step->deterministic == 1 ||
		(step->deterministic == -1 &&
		 (step->info == NULL || step->info->volatile_reason == NULL));
	if (step->deterministic == 0 || step->unstable)
		reusable = false;
	step->role_bound = false;
	for (int i = 0; i < step->ninputs; i++)
	{
		input_ids[i] = wl->steps[step->inputs[i]]->id;
		reusable &= wl->steps[step->inputs[i]]->reusable;
		step->role_bound |= wl->steps[step->inputs[i]]->role_bound;
	}
	list_free_deep(step->sources);
	step->sources = WorkloadCopySources(step->info ? ident_sources(step->info->relids) : NIL);
	foreach(lc, step->sources)
	{
		reusable &= ((EgSource *) lfirst(lc))->reusable;
		step->role_bound |= ((EgSource *) lfirst(lc))->rls;
	}
	if (step->kind == EG_STEP_MODEL)
		WorkloadModelId(step, &input_ids[0], reusable, to_compute);
	else
		ident_query_id(step->info, workload_kind_name(step->kind), input_ids,
					   step->sources, reusable, &step->id);
	step->key = step->id;
	WorkloadResolveReads(step, reusable, to_compute);
}

/*
 * After the step computed: its read set beyond its key's relations and
 * functions (readset.c; stable: unchanged while it ran) gives its id, and
 * what it read and called with the caller's rights joins its lineage.
 */
void
workload_set_reads(EgStep *step, const ReadSet *set, bool stable)
{
	MemoryContext old = MemoryContextSwitchTo(workload_memory());

	step->lineage = list_concat_unique_oid(step->lineage, set->rights);
	step->lineage_funcs = list_concat_unique_oid(step->lineage_funcs, set->func_rights);
	MemoryContextSwitchTo(old);
	if (!stable)
		step->unstable = true;
	WorkloadUseReads(step, set->sources, set->funcs, step->reusable && stable);
}

