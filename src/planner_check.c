/*
 * planner_check.c - the planners' test modes: eg._planner_check() (the
 * planners against the brute-force oracle, planner_brute.c) and
 * eg._planner_bench() (the planners' speed on workload-shaped DAGs).
 *
 * Tests and benchmarks alone call these (the install script revokes them
 * from PUBLIC); eg.run and eg.plan_graph do not.  The property test is
 * kept in the module so that the regression suite can run it on thousands
 * of random DAGs in milliseconds.
 *
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
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "planner_brute.h"

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

	if (graphs < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("graphs must not be negative")));
	if (maxv < 1 || maxv > CHECK_MAX_VERTICES)
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
		best = planner_brute_force(v, n);

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

/*
 * A workload-shaped random DAG (the paper's synthetic generator): a few
 * live sources; every other vertex reads 1 (80%), 2 (15%) or 3 (5%) recent
 * vertices, as script steps do; compute cost U[1,100), load cost U[1,50),
 * materialized with probability 0.05 and only if loading is cheaper; the
 * targets are the vertices nothing reads.
 */
static void
CheckWorkloadGraph(pg_prng_state *rng, int n, PlanVertex *v, int *parents)
{
	bool	   *read = palloc0(sizeof(bool) * n);
	int			nsources = Max(1, n / 100);

	for (int j = 0; j < n; j++)
	{
		double		r = pg_prng_double(rng);
		int			deg = j < nsources ? 0 : (r < 0.8 ? 1 : (r < 0.95 ? 2 : 3));

		v[j].live = j < nsources;
		v[j].compute = v[j].live ? 0 : 1 + pg_prng_double(rng) * 99;
		v[j].load = 1 + pg_prng_double(rng) * 49;
		if (v[j].live || pg_prng_double(rng) >= 0.05 || v[j].load >= v[j].compute)
			v[j].load = -1;
		v[j].parents = parents + 3 * j;
		v[j].nparents = 0;
		for (int d = 0; d < deg; d++)
		{
			int			p = j - 1 - (int) pg_prng_uint64_range(rng, 0, Min(j, 20) - 1);

			parents[3 * j + v[j].nparents++] = p;
			read[p] = true;
		}
	}
	for (int j = 0; j < n; j++)
		v[j].target = !read[j];
	pfree(read);
}

PG_FUNCTION_INFO_V1(eg_planner_bench);
/*
 * eg._planner_bench(workloads, vertices, seed) -> jsonb: plans the same
 * workload-shaped DAGs in every mode; total planning seconds per mode and
 * how often (and by how much) optimal beats linear.
 */
Datum
eg_planner_bench(PG_FUNCTION_ARGS)
{
	int32		workloads = PG_GETARG_INT32(0);
	int32		n = PG_GETARG_INT32(1);
	static const EgReuse modes[] = {EG_REUSE_LINEAR, EG_REUSE_OPTIMAL, EG_REUSE_HELIX};
	double		seconds[3] = {0, 0, 0};
	double		cost[3];
	int			better = 0;
	double		saved = 0,
				linear_total = 0;
	pg_prng_state rng;
	PlanVertex *v;
	int		   *parents;
	EgAction   *a;
	MemoryContext cxt,
				old;

	if (workloads < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("workloads must not be negative")));
	if (n < 2 || n > 1000000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("vertices must be between 2 and 1000000")));
	v = palloc(sizeof(PlanVertex) * n);
	parents = palloc(sizeof(int) * 3 * n);
	a = palloc(sizeof(EgAction) * n);
	cxt = AllocSetContextCreate(CurrentMemoryContext, "eg planner bench", ALLOCSET_DEFAULT_SIZES);
	pg_prng_seed(&rng, (uint64) PG_GETARG_INT64(2));
	for (int w = 0; w < workloads; w++)
	{
		CheckWorkloadGraph(&rng, n, v, parents);
		for (int m = 0; m < 3; m++)
		{
			instr_time	start,
						end;

			old = MemoryContextSwitchTo(cxt);
			INSTR_TIME_SET_CURRENT(start);
			cost[m] = planner_plan(v, n, modes[m], a);
			INSTR_TIME_SET_CURRENT(end);
			MemoryContextSwitchTo(old);
			MemoryContextReset(cxt);
			INSTR_TIME_SUBTRACT(end, start);
			seconds[m] += INSTR_TIME_GET_DOUBLE(end);
		}
		if (fabs(cost[1] - cost[2]) > 1e-6 * Max(1, cost[2]))
			elog(ERROR, "optimal (%g) and helix (%g) plans disagree on workload %d", cost[1], cost[2], w);
		linear_total += cost[0];
		if (cost[1] < cost[0] - 1e-9)
		{
			better++;
			saved += cost[0] - cost[1];
		}
	}
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(
			psprintf("{\"workloads\": %d, \"vertices\": %d, \"linear_seconds\": %.6f, "
					 "\"optimal_seconds\": %.6f, \"helix_seconds\": %.6f, "
					 "\"optimal_better\": %d, \"optimal_saving\": %.3f, \"linear_cost\": %.3f}",
					 workloads, n, seconds[0], seconds[1], seconds[2], better, saved,
					 linear_total))));
}
