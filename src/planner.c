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
 *    once per path (docs/paper.md 5.6), so it can load where computing is
 *    cheaper.
 *  - helix: the project-selection reduction of Helix - for every vertex an
 *    "available" and a "computed" project, "computed requires available"
 *    and "computed requires every parent available" - solved as a minimum
 *    cut with Edmonds-Karp on the whole needed DAG.  Exact, slow.
 *  - optimal (default): the same exact reduction, made small first, in
 *    three linear passes and a small cut.  (1) The forward pass of the
 *    linear algorithm gives every vertex its private recomputation cost
 *    (compute plus the parents' forward costs - an overestimate only where
 *    ancestors are shared).  A load that does not beat it can never win:
 *    replacing it by that private recomputation costs no more.  So only the
 *    loads the forward pass took stay options.  (2) One backward pass finds
 *    the needed vertices and the fixed ones: a vertex that must be
 *    available (a target, or a parent of a fixed vertex) and cannot be
 *    loaded is computed in every plan, and leaves the problem.  (3) The
 *    rest - the loadable vertices and the ancestors only their computation
 *    needs - is a minimum cut, solved with Dinic's algorithm; when none of
 *    it can be loaded there is no cut to solve.  On workload-shaped DAGs
 *    (chains and trees, some joins, few materialized vertices) the cut has
 *    tens of nodes, so optimal costs a small constant factor over linear.
 *  - all_load: load every materialized vertex on the needed paths.
 *  - all_compute: no reuse.
 */
#include "postgres.h"

#include "utils/memutils.h"

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

/* Per-vertex facts of the exact planners (one array, for locality). */
typedef struct PlanInfo
{
	int			node;			/* first network node, or 0 */
	bool		needed;			/* a target needs it (through non-live vertices) */
	bool		canload;		/* load option kept in the cut */
	bool		mustavail;		/* available in every plan (target side) */
} PlanInfo;

/*
 * Zeroed per-vertex scratch for n vertices.  Kept across calls (grown as
 * needed) in a session-long context: planning is frequent and cheap.
 */
static void
PlannerScratch(int n, PlanInfo **pi, int **members)
{
	static PlanInfo *info = NULL;
	static int *list = NULL;
	static int	size = 0;

	if (n > size)
	{
		int			newsize = Max(n, 1024);

		if (info)
		{
			pfree(info);
			pfree(list);
		}
		info = MemoryContextAlloc(TopMemoryContext, sizeof(PlanInfo) * newsize);
		list = MemoryContextAlloc(TopMemoryContext, sizeof(int) * newsize);
		size = newsize;
	}
	memset(info, 0, sizeof(PlanInfo) * Max(n, 1));
	*pi = info;
	*members = list;
}

/*
 * Needed and fixed vertices, in one pass from the targets.  A vertex is
 * needed when a target needs it through non-live vertices.  It must be
 * available in every plan when it is a target or a parent of a vertex that
 * must be available and cannot be loaded (that one must be computed).  A
 * vertex that must be available and cannot be loaded is computed in every
 * plan: it is fixed and stays out of the cut.  Sets provisional actions
 * (needed vertices computed), lists the cut's members in members[] (reverse
 * topological order) and returns their number, or 0 when none of them can
 * be loaded (then the provisional actions are the plan).
 */
static int
PlannerFix(const PlanVertex *v, int n, PlanInfo *pi, bool optimal,
		   const bool *fwdload, EgAction *actions, int *members)
{
	bool		anyload = false;
	int			nmembers = 0;

	for (int i = n - 1; i >= 0; i--)
	{
		bool		fixed;

		pi[i].needed |= v[i].target;
		pi[i].mustavail |= v[i].target;
		/*
		 * optimal: a load that the forward pass did not take costs at least
		 * the vertex's private recomputation (compute plus its parents'
		 * forward costs, which only overestimate what sharing costs), so it
		 * never wins.  helix keeps every load option.
		 */
		pi[i].canload = optimal ? fwdload[i] : PlannerLoadable(v, i);
		actions[i] = EG_ACT_PRUNED;
		if (!pi[i].needed || v[i].live)
			continue;
		actions[i] = EG_ACT_COMPUTE;
		fixed = optimal && pi[i].mustavail && !pi[i].canload;
		for (int p = 0; p < v[i].nparents; p++)
		{
			pi[v[i].parents[p]].needed = true;
			pi[v[i].parents[p]].mustavail |= fixed;
		}
		if (fixed)
			continue;
		members[nmembers++] = i;
		anyload |= pi[i].canload;
	}
	return (anyload || !optimal) ? nmembers : 0;
}

/*
 * Build the minimum-cut network of the members (needed vertices neither
 * folded nor fixed) and solve it; sets their actions (compute, load or
 * pruned).
 */
static void
PlannerCut(const PlanVertex *v, PlanInfo *pi, const int *members, int nmembers,
		   bool dinic, EgAction *actions)
{
	int			nnodes = 2;
	int			nedges = 0;
	FlowNet    *f;
	bool	   *side;

	for (int m = nmembers - 1; m >= 0; m--)
	{
		int			i = members[m];

		pi[i].node = nnodes;
		nnodes += pi[i].canload ? 2 : 1;
		nedges += 3 + v[i].nparents;
	}
	f = flow_create(nnodes, nedges);
	for (int m = 0; m < nmembers; m++)
	{
		int			i = members[m];
		int			a = pi[i].node; /* "available" */
		int			b = pi[i].canload ? a + 1 : a;	/* "computed" */

		if (pi[i].mustavail)
			flow_add_edge(f, 0, a, FLOW_INF);
		if (pi[i].canload)
		{
			double		gain = v[i].load - v[i].compute;

			flow_add_edge(f, a, 1, v[i].load);
			flow_add_edge(f, b, a, FLOW_INF);
			if (gain > 0)
				flow_add_edge(f, 0, b, gain);
			else if (gain < 0)
				flow_add_edge(f, b, 1, -gain);
		}
		else if (v[i].compute > 0)
			flow_add_edge(f, a, 1, v[i].compute);
		for (int p = 0; p < v[i].nparents; p++)
		{
			int			q = v[i].parents[p];

			if (pi[q].node > 0)
				flow_add_edge(f, b, pi[q].node, FLOW_INF);
		}
	}
	if (dinic)
		(void) flow_max_dinic(f, 0, 1);
	else
		(void) flow_max_edmonds_karp(f, 0, 1);
	side = palloc(sizeof(bool) * nnodes);
	flow_source_side(f, 0, side);
	for (int m = 0; m < nmembers; m++)
	{
		int			i = members[m];
		int			a = pi[i].node;

		if (pi[i].canload && side[a + 1])
			actions[i] = EG_ACT_COMPUTE;
		else if (side[a])
			actions[i] = pi[i].canload ? EG_ACT_LOAD : EG_ACT_COMPUTE;
		else
			actions[i] = EG_ACT_PRUNED;
	}
}

/*
 * Exact plan (helix: the whole needed DAG, Edmonds-Karp; optimal: fixed
 * vertices and dominated loads taken out first, then Dinic).  The cut
 * decides its members; fixed vertices are computed.  Returns the total.
 */
static double
PlannerExact(PlanVertex *v, int n, bool optimal, EgAction *actions)
{
	PlanInfo   *pi;
	int		   *members;
	int			nmembers;
	bool	   *load = palloc(sizeof(bool) * Max(n, 1));
	double		total = 0;

	/* the forward pass: DP costs (for explanations) and dominated loads */
	PlannerForward(v, n, EG_REUSE_LINEAR, load);
	PlannerScratch(n, &pi, &members);
	nmembers = PlannerFix(v, n, pi, optimal, load, actions, members);
	if (nmembers > 0)
		PlannerCut(v, pi, members, nmembers, optimal, actions);

	/* live parents of computed vertices, and the total */
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
			if (v[v[i].parents[p]].live)
				actions[v[i].parents[p]] = EG_ACT_LIVE;
	}
	pfree(load);
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
