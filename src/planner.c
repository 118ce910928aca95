/*
 * planner.c - reuse planning: which steps to load, compute, or leave out.
 *
 * A workload is a DAG whose vertices arrive in topological order (a step
 * reads only earlier steps).  A vertex is available when it is live (free),
 * loaded (its load cost; only if it is materialized) or computed (its
 * compute cost, and all its parents must be available).  The plan makes
 * every target available at minimum total cost.
 *
 * Modes:
 *  - linear: the paper's algorithm as published.  A forward pass gives each
 *    vertex the cheaper of loading and "compute + sum of the parents'
 *    costs"; a backward pass from the targets keeps the loads and
 *    computations they need.  O(V + E), but a shared ancestor is counted
 *    once per path (PAPER.md 5.6), so it can load where computing is
 *    cheaper.
 *  - helix: the project-selection reduction of Helix - for every vertex an
 *    "available" and a "computed" project, "computed requires available"
 *    and "computed requires every parent available" - solved as a minimum
 *    cut with Edmonds-Karp on the whole needed DAG.  Exact, slow.
 *  - optimal (default): the same exact reduction, made small first.
 *    (1) A vertex whose ancestors form an in-tree private to it (each of
 *    them feeds exactly one needed vertex and is no target) has an exact
 *    dynamic-programming cost: the linear pass is right there, since nothing
 *    is shared.  Such private trees are folded into the vertex they feed.
 *    (2) A load that costs at least the vertex's private recomputation
 *    (compute plus its parents' DP costs, which only overestimates what
 *    sharing would cost) can never beat computing, and is dropped.
 *    (3) What remains - the part of the DAG where sharing can matter - goes
 *    to a minimum cut solved with Dinic's algorithm; when no load option is
 *    left there, no cut is needed at all.  Exact, and on workload-shaped
 *    DAGs (mostly chains and trees, a few joins, few materialized
 *    vertices) within a small factor of the linear pass.
 *  - all_load: load every materialized vertex on the needed paths.
 *  - all_compute: no reuse.
 */
#include "postgres.h"

#include "flow.h"
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

/* True if vertex i may be loaded. */
static inline bool
PlannerLoadable(const PlanVertex *v, int i)
{
	return v[i].load >= 0;
}

/*
 * Forward pass (the paper's Algorithm 2): v[i].cost is the cheaper of
 * loading and computing with the parents' costs; load[i] says which.
 */
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
		if (PlannerLoadable(v, i) && mode != EG_REUSE_ALL_COMPUTE &&
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
 * Backward pass from the targets: a needed vertex is live, loaded (then
 * its parents are not visited) or computed (its parents are needed).
 * load[i] is the choice for vertex i.  Returns the plan's total cost.
 */
static double
PlannerBackward(const PlanVertex *v, int n, const bool *load, EgAction *actions)
{
	double		total = 0;

	for (int i = 0; i < n; i++)
		actions[i] = v[i].target ? EG_ACT_COMPUTE : EG_ACT_PRUNED;
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
				actions[v[i].parents[p]] = EG_ACT_COMPUTE;	/* needed */
		}
	}
	return total;
}

/* Per-vertex facts of the exact planners. */
typedef struct PlanState
{
	bool	   *needed;			/* a target needs it (through non-live vertices) */
	int		   *nchildren;		/* needed, non-live children */
	bool	   *folded;			/* private tree folded into its only child */
	bool	   *dpload;			/* DP choice: load (else compute) */
	double	   *dp;				/* DP cost of making it available */
	double	   *ccost;			/* compute cost including folded parents */
	bool	   *canload;		/* load option kept in the cut */
	int		   *node;			/* first network node, or -1 */
} PlanState;

/* Mark what the targets need and count each needed vertex's children. */
static void
PlannerNeeded(const PlanVertex *v, int n, PlanState *ps)
{
	for (int i = 0; i < n; i++)
		ps->needed[i] = v[i].target;
	for (int i = n - 1; i >= 0; i--)
	{
		if (!ps->needed[i] || v[i].live)
			continue;
		for (int p = 0; p < v[i].nparents; p++)
		{
			ps->needed[v[i].parents[p]] = true;
			ps->nchildren[v[i].parents[p]]++;
		}
	}
}

/*
 * Dynamic programming over the needed DAG (as the forward pass, exact on
 * private trees), and folding: a vertex is folded into its only child when
 * it is no target and its own parents are all folded (or live).
 */
static void
PlannerFold(const PlanVertex *v, int n, PlanState *ps, bool fold)
{
	for (int i = 0; i < n; i++)
	{
		bool		tree = true;
		double		exec = v[i].compute;

		if (!ps->needed[i] || v[i].live)
			continue;
		ps->ccost[i] = v[i].compute;
		for (int p = 0; p < v[i].nparents; p++)
		{
			int			q = v[i].parents[p];

			if (v[q].live)
				continue;
			exec += ps->dp[q];
			if (ps->folded[q])
				ps->ccost[i] += ps->dp[q];
			else
				tree = false;
		}
		ps->dpload[i] = PlannerLoadable(v, i) && v[i].load < exec;
		ps->dp[i] = ps->dpload[i] ? v[i].load : exec;
		ps->folded[i] = fold && tree && !v[i].target && ps->nchildren[i] == 1;
		/* a load dearer than private recomputation never wins */
		ps->canload[i] = PlannerLoadable(v, i) && (!fold || v[i].load < exec);
	}
}

/*
 * Build the minimum-cut network of the unfolded needed vertices and solve
 * it; sets actions[] of those vertices (compute, load or pruned).
 */
static void
PlannerCut(const PlanVertex *v, int n, PlanState *ps, bool dinic, EgAction *actions)
{
	int			nnodes = 2;
	int			nedges = 0;
	FlowNet    *f;
	bool	   *side;

	for (int i = 0; i < n; i++)
	{
		ps->node[i] = -1;
		if (!ps->needed[i] || v[i].live || ps->folded[i])
			continue;
		ps->node[i] = nnodes;
		nnodes += ps->canload[i] ? 2 : 1;
		nedges += 3 + v[i].nparents;
	}
	f = flow_create(nnodes, nedges);
	for (int i = 0; i < n; i++)
	{
		int			a = ps->node[i];	/* "available" */
		int			b = ps->canload[i] ? a + 1 : a; /* "computed" */

		if (a < 0)
			continue;
		if (v[i].target)
			flow_add_edge(f, 0, a, FLOW_INF);
		if (ps->canload[i])
		{
			double		gain = v[i].load - ps->ccost[i];

			flow_add_edge(f, a, 1, v[i].load);
			flow_add_edge(f, b, a, FLOW_INF);
			if (gain > 0)
				flow_add_edge(f, 0, b, gain);
			else if (gain < 0)
				flow_add_edge(f, b, 1, -gain);
		}
		else if (ps->ccost[i] > 0)
			flow_add_edge(f, a, 1, ps->ccost[i]);
		for (int p = 0; p < v[i].nparents; p++)
		{
			int			q = v[i].parents[p];

			if (ps->node[q] >= 0)
				flow_add_edge(f, b, ps->node[q], FLOW_INF);
		}
	}
	if (dinic)
		(void) flow_max_dinic(f, 0, 1);
	else
		(void) flow_max_edmonds_karp(f, 0, 1);
	side = palloc(sizeof(bool) * nnodes);
	flow_source_side(f, 0, side);
	for (int i = 0; i < n; i++)
	{
		int			a = ps->node[i];

		if (a < 0)
			continue;
		if (ps->canload[i] && side[a + 1])
			actions[i] = EG_ACT_COMPUTE;
		else if (ps->canload[i] && side[a])
			actions[i] = EG_ACT_LOAD;
		else if (!ps->canload[i] && side[a])
			actions[i] = EG_ACT_COMPUTE;
		else
			actions[i] = EG_ACT_PRUNED;
	}
}

/*
 * Exact plan (helix: whole DAG, Edmonds-Karp; optimal: folded and pruned,
 * Dinic).  Unfolded vertices are decided by the cut (or all computed when
 * no load option is left); folded ones follow their DP choice under a
 * computed child.  Returns the total cost.
 */
static double
PlannerExact(PlanVertex *v, int n, bool optimal, EgAction *actions)
{
	PlanState	ps;
	bool		anyload = false;
	double		total = 0;

	ps.needed = palloc0(sizeof(bool) * n);
	ps.nchildren = palloc0(sizeof(int) * n);
	ps.folded = palloc0(sizeof(bool) * n);
	ps.dpload = palloc0(sizeof(bool) * n);
	ps.dp = palloc0(sizeof(double) * n);
	ps.ccost = palloc0(sizeof(double) * n);
	ps.canload = palloc0(sizeof(bool) * n);
	ps.node = palloc(sizeof(int) * n);

	PlannerNeeded(v, n, &ps);
	PlannerFold(v, n, &ps, optimal);
	for (int i = 0; i < n; i++)
	{
		v[i].cost = ps.dp[i];
		actions[i] = EG_ACT_PRUNED;
		if (ps.needed[i] && !v[i].live && !ps.folded[i])
		{
			actions[i] = EG_ACT_COMPUTE;
			anyload |= ps.canload[i];
		}
	}
	if (anyload || !optimal)
		PlannerCut(v, n, &ps, optimal, actions);

	/* folded vertices and live parents, from the decided vertices down */
	for (int i = n - 1; i >= 0; i--)
	{
		if (v[i].live && v[i].target)
			actions[i] = EG_ACT_LIVE;
		if (actions[i] == EG_ACT_LOAD)
			total += v[i].load;
		if (actions[i] != EG_ACT_COMPUTE)
			continue;
		total += v[i].compute;
		for (int p = 0; p < v[i].nparents; p++)
		{
			int			q = v[i].parents[p];

			if (v[q].live)
				actions[q] = EG_ACT_LIVE;
			else if (ps.folded[q])
				actions[q] = ps.dpload[q] ? EG_ACT_LOAD : EG_ACT_COMPUTE;
		}
	}
	return total;
}

/*
 * Plan the workload in the given mode: fill actions[] and return the
 * plan's total cost.  v[i].cost is set to the vertex's forward (DP) cost,
 * for explanations.
 */
double
planner_plan(PlanVertex *v, int n, EgReuse mode, EgAction *actions)
{
	bool	   *load;
	double		total;

	if (mode == EG_REUSE_OPTIMAL || mode == EG_REUSE_HELIX)
		return PlannerExact(v, n, mode == EG_REUSE_OPTIMAL, actions);
	load = palloc(sizeof(bool) * Max(n, 1));
	PlannerForward(v, n, mode, load);
	total = PlannerBackward(v, n, load, actions);
	pfree(load);
	return total;
}
