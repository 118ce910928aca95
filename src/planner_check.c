/*
 * planner_check.c - eg._planner_check(): the planners against brute force.
 *
 * A property test of the reuse planners, kept in the module so that the
 * regression suite can run it on thousands of random DAGs in milliseconds.
 * Each graph has up to max_vertices vertices (edges i -> j, i < j, drawn
 * with probability 0.3), random compute and load costs (some vertices not
 * loadable, some live) and random targets.  The oracle enumerates every set
 * of loaded vertices and costs the plan it implies: the targets and,
 * through every computed vertex, its parents must be available.  Reported:
 * how often optimal and helix miss the minimum, how often linear is invalid
 * or cheaper than the minimum (impossible), how often it is dearer, and
 * whether every plan is valid and costs what it says.
 */
#include "postgres.h"

#include <math.h>

#include "common/pg_prng.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "planner.h"

#define CHECK_MAX_VERTICES 16

/* A random DAG with costs. */
static void
CheckRandomGraph(pg_prng_state *rng, int n, PlanVertex *v, int (*parents)[CHECK_MAX_VERTICES])
{
	bool		anytarget = false;

	for (int j = 0; j < n; j++)
	{
		v[j].compute = floor(pg_prng_double(rng) * 100) / 4;
		v[j].load = pg_prng_double(rng) < 0.5 ? floor(pg_prng_double(rng) * 100) / 4 : -1;
		v[j].live = pg_prng_double(rng) < 0.1;
		v[j].target = pg_prng_double(rng) < 0.25;
		anytarget |= v[j].target;
		v[j].nparents = 0;
		v[j].parents = parents[j];
		for (int i = 0; i < j; i++)
			if (pg_prng_double(rng) < 0.3)
				parents[j][v[j].nparents++] = i;
	}
	if (!anytarget)
		v[n - 1].target = true;
}

/* Cost of the plan that loads exactly the vertices in mask (brute force). */
static double
CheckCostOfLoads(const PlanVertex *v, int n, uint32 mask)
{
	bool		needed[CHECK_MAX_VERTICES] = {false};
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

/* Minimum plan cost over every set of loads. */
static double
CheckBruteForce(const PlanVertex *v, int n)
{
	double		best = INFINITY;

	for (uint32 mask = 0; mask < (1u << n); mask++)
		best = Min(best, CheckCostOfLoads(v, n, mask));
	return best;
}

/* True if the actions form a valid plan costing exactly cost. */
static bool
CheckValid(const PlanVertex *v, int n, const EgAction *a, double cost)
{
	double		total = 0;

	for (int i = 0; i < n; i++)
	{
		if (v[i].target && a[i] == EG_ACT_PRUNED)
			return false;
		if (a[i] == EG_ACT_LIVE && !v[i].live)
			return false;
		if (a[i] == EG_ACT_LOAD && v[i].load < 0)
			return false;
		if (a[i] == EG_ACT_LOAD)
			total += v[i].load;
		if (a[i] != EG_ACT_COMPUTE)
			continue;
		total += v[i].compute;
		for (int p = 0; p < v[i].nparents; p++)
			if (a[v[i].parents[p]] == EG_ACT_PRUNED)
				return false;
	}
	return fabs(total - cost) < 1e-6;
}

PG_FUNCTION_INFO_V1(eg_planner_check);
/* eg._planner_check(graphs, max_vertices, seed) -> jsonb of counts. */
Datum
eg_planner_check(PG_FUNCTION_ARGS)
{
	int32		graphs = PG_GETARG_INT32(0);
	int32		maxv = PG_GETARG_INT32(1);
	pg_prng_state rng;
	int			optimal_miss = 0,
				helix_miss = 0,
				linear_invalid = 0,
				linear_cheaper = 0,
				linear_dearer = 0,
				invalid = 0;
	double		linear_excess = 0;
	int			parents[CHECK_MAX_VERTICES][CHECK_MAX_VERTICES];
	PlanVertex	v[CHECK_MAX_VERTICES];
	EgAction	a[CHECK_MAX_VERTICES];

	if (maxv < 1 || maxv > CHECK_MAX_VERTICES || graphs < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_vertices must be between 1 and %d", CHECK_MAX_VERTICES)));
	pg_prng_seed(&rng, (uint64) PG_GETARG_INT64(2));
	for (int g = 0; g < graphs; g++)
	{
		int			n = 1 + (int) pg_prng_uint64_range(&rng, 0, maxv - 1);
		double		best,
					cost;

		CheckRandomGraph(&rng, n, v, parents);
		best = CheckBruteForce(v, n);

		cost = planner_plan(v, n, EG_REUSE_OPTIMAL, a);
		optimal_miss += fabs(cost - best) > 1e-6;
		invalid += !CheckValid(v, n, a, cost);
		cost = planner_plan(v, n, EG_REUSE_HELIX, a);
		helix_miss += fabs(cost - best) > 1e-6;
		invalid += !CheckValid(v, n, a, cost);
		cost = planner_plan(v, n, EG_REUSE_LINEAR, a);
		linear_invalid += !CheckValid(v, n, a, cost);
		linear_cheaper += cost < best - 1e-6;
		if (cost > best + 1e-6)
		{
			linear_dearer++;
			linear_excess += cost - best;
		}
	}
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(
			psprintf("{\"graphs\": %d, \"optimal_misses\": %d, \"helix_misses\": %d, "
					 "\"invalid_plans\": %d, \"linear_invalid\": %d, \"linear_cheaper\": %d, "
					 "\"linear_dearer\": %d, \"linear_excess\": %.6f}",
					 graphs, optimal_miss, helix_miss, invalid, linear_invalid,
					 linear_cheaper, linear_dearer, linear_excess))));
}
