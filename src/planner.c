/*
 * planner.c - reuse planning over a workload DAG.
 *
 * First version: the paper's linear algorithm.  A forward pass in
 * topological order gives each vertex the cheaper of loading it (when it is
 * materialized) and computing it plus the cost of its parents; a backward
 * pass from the targets keeps only the loads and computations that the
 * targets need, stopping at loaded and live vertices, whose ancestors are
 * therefore not run.  Vertices arrive in topological order (a step can only
 * read earlier steps), so both passes are O(V + E).
 *
 * Modes: all_load loads every loadable vertex, all_compute loads nothing;
 * optimal and helix use the linear passes until the exact planner lands.
 *
 * Known limit (PAPER.md 5.6): the forward pass sums parents' costs, so a
 * shared ancestor is counted once per path and the plan can load where
 * computing is cheaper.  The exact planner replaces this in a later version.
 */
#include "postgres.h"

#include "planner.h"

/* The action as eg.run reports it. */
const char *
planner_action_name(EgAction action)
{
	switch (action)
	{
		case EG_ACT_PRUNED:
			return "pruned";
		case EG_ACT_COMPUTE:
			return "computed";
		case EG_ACT_LOAD:
			return "loaded";
		case EG_ACT_LIVE:
			return "live";
	}
	return "?";
}

/* Forward pass: cheapest way to make each vertex available; marks loads. */
static void
PlannerForward(PlanVertex *v, int n, EgReuse mode, bool *load)
{
	for (int i = 0; i < n; i++)
	{
		double		exec = v[i].compute;

		load[i] = false;
		if (v[i].live)
		{
			v[i].cost = 0;
			continue;
		}
		for (int p = 0; p < v[i].nparents; p++)
			exec += v[v[i].parents[p]].cost;
		if (v[i].load >= 0 && mode != EG_REUSE_ALL_COMPUTE &&
			(mode == EG_REUSE_ALL_LOAD || v[i].load < exec))
		{
			v[i].cost = v[i].load;
			load[i] = true;
		}
		else
			v[i].cost = exec;
	}
}

/*
 * Plan the workload: fill actions[] and return the plan's total cost.
 * Backward pass from the targets: a needed vertex is live, loaded (its
 * parents are not visited) or computed (its parents are needed).
 */
double
planner_plan(PlanVertex *v, int n, EgReuse mode, EgAction *actions)
{
	bool	   *load = palloc(sizeof(bool) * Max(n, 1));
	double		total = 0;

	PlannerForward(v, n, mode, load);
	for (int i = 0; i < n; i++)
		actions[i] = EG_ACT_PRUNED;
	for (int i = 0; i < n; i++)
		if (v[i].target)
			actions[i] = EG_ACT_COMPUTE;	/* provisional: needed */
	/* reverse topological order visits every child before its parents */
	for (int i = n - 1; i >= 0; i--)
	{
		if (actions[i] == EG_ACT_PRUNED)
			continue;
		if (v[i].live)
			actions[i] = EG_ACT_LIVE;
		else if (load[i])
		{
			actions[i] = EG_ACT_LOAD;
			total += v[i].load;
		}
		else
		{
			actions[i] = EG_ACT_COMPUTE;
			total += v[i].compute;
			for (int p = 0; p < v[i].nparents; p++)
				if (actions[v[i].parents[p]] == EG_ACT_PRUNED)
					actions[v[i].parents[p]] = EG_ACT_COMPUTE;
		}
	}
	pfree(load);
	return total;
}
