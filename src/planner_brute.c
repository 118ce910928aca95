/*
 * planner_brute.c - the planners' test oracle: the cheapest plan by trying
 * every set of loads.
 *
 * The reference the planners are checked against (eg._planner_check and
 * the fuzz/ planner target), never used to plan a run: exponential, so
 * only for small graphs.  Given which vertices are loaded, the rest of a
 * plan is forced: walking from the outputs back (vertices are in
 * topological order), a needed vertex that is live costs nothing, a loaded
 * one its load cost, any other its compute cost and makes its parents
 * needed.
 */
#include "postgres.h"

#include <math.h>

#include "planner_brute.h"

/* Cost of the plan that loads exactly the vertices in mask (INFINITY if it cannot). */
static double
BruteCostOfLoads(const PlanVertex *v, int n, uint32 mask)
{
	bool		needed[PLANNER_BRUTE_MAX] = {false};
	double		total = 0;

	for (int i = 0; i < n; i++)
		needed[i] = v[i].target;
	for (int i = n - 1; i >= 0; i--)
	{
		if (!needed[i] || v[i].live)
			continue;
		if (mask & (1u << i))
		{
			if (v[i].load < 0)
				return INFINITY;
			total += v[i].load;
			continue;
		}
		total += v[i].compute;
		for (int p = 0; p < v[i].nparents; p++)
			needed[v[i].parents[p]] = true;
	}
	return total;
}

/* Minimum plan cost over every set of loads (n <= PLANNER_BRUTE_MAX). */
double
planner_brute_force(const PlanVertex *v, int n)
{
	double		best = INFINITY;

	if (n > PLANNER_BRUTE_MAX)
		elog(ERROR, "brute force over %d vertices (at most %d)", n, PLANNER_BRUTE_MAX);
	for (uint32 mask = 0; mask < (1u << n); mask++)
		best = Min(best, BruteCostOfLoads(v, n, mask));
	return best;
}
