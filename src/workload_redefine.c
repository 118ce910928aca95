/*
 * workload_redefine.c - defining a step again under the same name replaces
 * it, and the steps that read it follow the new definition.
 *
 * The new definition takes the old one's place.  It may read any other
 * step of the workload, also one defined after the old one: the steps are
 * then put in a topological order again (the definition order wherever it
 * still holds), and a definition that would make a step read itself
 * through others is an error.  Every step that reads the replaced one,
 * directly or through others, is analysed again against the new shapes
 * (its columns may change with them), each reading the same step names as
 * before.  All checks and analyses are done on copies before anything is
 * changed, so a definition that fails leaves the workload as it was.
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "workload.h"

/* The names of the steps a step reads (query: from its analysis). */
static List *
RedefineInputNames(EgWorkload *wl, EgStep *step)
{
	List	   *names = NIL;

	if (step->info)
		return step->info->inputs;
	for (int p = 0; p < step->ninputs; p++)
		names = lappend(names, wl->steps[step->inputs[p]]->name);
	return names;
}

/* Position of the step called name in steps[0..n-1], or -1. */
static int
RedefineFind(EgStep **steps, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(steps[i]->name, name) == 0)
			return i;
	return -1;
}

/*
 * A topological order of steps[0..n-1] (each reads names[i]): the first
 * step in definition order whose inputs are placed comes next.  Error on a
 * cycle, which only the redefined step can close.
 */
static int *
RedefineOrder(EgStep **steps, List **names, int n, const char *redefined)
{
	int		   *order = palloc(sizeof(int) * n);
	bool	   *placed = palloc0(sizeof(bool) * n);

	for (int k = 0; k < n; k++)
	{
		int			next = -1;

		for (int i = 0; i < n && next < 0; i++)
		{
			ListCell   *lc;
			bool		ready = !placed[i];

			foreach(lc, names[i])
				ready &= placed[RedefineFind(steps, n, (char *) lfirst(lc))];
			if (ready)
				next = i;
		}
		if (next < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("step \"%s\" cannot read a step that reads it", redefined),
					 errdetail("The new definition would make the workload's steps a cycle.")));
		placed[next] = true;
		order[k] = next;
	}
	return order;
}

/* The shapes of the steps a step reads, from steps[0..n-1]. */
static List *
RedefineShapes(EgStep **steps, int n, List *names)
{
	List	   *shapes = NIL;
	ListCell   *lc;

	foreach(lc, names)
	{
		EgShape    *shape = palloc(sizeof(EgShape));
		EgStep	   *in = steps[RedefineFind(steps, n, (char *) lfirst(lc))];

		shape->step = in->name;
		shape->columns = in->columns;
		shapes = lappend(shapes, shape);
	}
	return shapes;
}

/*
 * Whether the step at position k of sorted (positions 0..k, each reading
 * the steps named in names[k]) reads the step called target, itself or
 * through others.
 */
static bool
RedefineReads(EgStep **sorted, List **names, int k, const char *target)
{
	ListCell   *lc;

	foreach(lc, names[k])
	{
		int			in = RedefineFind(sorted, k, (char *) lfirst(lc));

		if (strcmp(sorted[in]->name, target) == 0 || RedefineReads(sorted, names, in, target))
			return true;
	}
	return false;
}

/*
 * Replace the workload's step of the same name by step (checked, its
 * inputs linked by name); returns its id.
 */
EgId *
workload_redefine(EgWorkload *wl, EgStep *step)
{
	EgStep	   *old = workload_find(wl, step->name);
	int			n = wl->nsteps;
	EgStep	  **steps = palloc(sizeof(EgStep *) * n);
	List	  **names = palloc(sizeof(List *) * n);
	List	  **sorted_names = palloc(sizeof(List *) * n);
	EgStep	  **sorted;
	bool	   *follows = palloc0(sizeof(bool) * n);
	int		   *order;
	int			nfollow = 0;
	MemoryContext cxt;

	for (int i = 0; i < n; i++)
		if (step->kind != EG_STEP_MODEL && wl->steps[i]->quality_of &&
			strcmp(wl->steps[i]->quality_of, step->name) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("step \"%s\" must stay a model step", step->name),
					 errdetail("Step \"%s\" scores it (quality_of).", wl->steps[i]->name)));
	for (int i = 0; i < n; i++)
	{
		steps[i] = i == old->index ? step : wl->steps[i];
		names[i] = i == old->index ? step->info ? step->info->inputs
			: list_make1(wl->steps[step->inputs[0]]->name)
			: RedefineInputNames(wl, wl->steps[i]);
	}
	order = RedefineOrder(steps, names, n, step->name);

	/* in the new order: every step reading the new one is analysed again */
	sorted = MemoryContextAlloc(workload_memory(), sizeof(EgStep *) * Max(16, wl->nsteps * 2));
	for (int k = 0; k < n; k++)
	{
		EgStep	   *s = steps[order[k]];
		ListCell   *lc;

		follows[k] = s == step;
		foreach(lc, names[order[k]])
			follows[k] |= follows[RedefineFind(sorted, k, (char *) lfirst(lc))];
		if (follows[k] && s != step)
		{
			EgQueryInfo *info = s->info ?
				ident_analyze_query(s->query, RedefineShapes(sorted, k, names[order[k]]), s->name)
				: NULL;
			EgStep	   *copy;

			cxt = MemoryContextSwitchTo(workload_memory());
			copy = palloc(sizeof(EgStep));
			*copy = *s;
			copy->analysed_path = NULL;
			if (info)
			{
				copy->info = workload_copy_info(info);
				copy->columns = copy->info->columns;
				workload_stamp_analysis(copy);
			}
			MemoryContextSwitchTo(cxt);
			s = copy;
			nfollow++;
		}
		sorted[k] = s;
		sorted_names[k] = names[order[k]];
		if (follows[k] && s->quality_of)
			workload_check_quality(s->name, s->info, s->quality_of,
								   RedefineReads(sorted, sorted_names, k, s->quality_of));
	}

	/* nothing failed: the new workload */
	cxt = MemoryContextSwitchTo(workload_memory());
	wl->steps = sorted;
	for (int k = 0; k < n; k++)
		sorted[k]->index = k;
	for (int k = 0; k < n; k++)
	{
		List	   *in = names[order[k]];

		if (follows[k])
			workload_link_inputs(wl, sorted[k], in);
		else
			for (int p = 0; p < sorted[k]->ninputs; p++)
				sorted[k]->inputs[p] = workload_find(wl, (char *) list_nth(in, p))->index;
	}
	MemoryContextSwitchTo(cxt);
	for (int k = 0; k < n; k++)
		if (follows[k])
			workload_refresh_id(wl, sorted[k], false);
	ereport(NOTICE,
			(errmsg("step \"%s\" is defined again: the new definition replaces the old one",
					step->name),
			 nfollow > 0 ?
			 errdetail_plural("%d step reads it and follows the new definition.",
							  "%d steps read it and follow the new definition.",
							  nfollow, nfollow) : 0));
	return eg_id_copy(&step->id);
}
