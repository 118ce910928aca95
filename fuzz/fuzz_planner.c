/*
 * fuzz_planner.c - libFuzzer target "planner": the reuse planner
 * (planner_plan, src/planner.c, with flow.c's cuts) on the graphs
 * eg.plan_graph accepts from users: any DAG, any costs plan_graph lets
 * through, any live, loadable and target flags.
 *
 * Input: byte 0 = vertices (1 + byte % 40); then per vertex a flag byte
 * (bit 0 live, bit 1 target, bit 2 loadable, bit 3 costs as raw doubles,
 * bit 4 duplicate the first parent edge), its compute and, if loadable,
 * load cost (one byte b: b / 4 seconds; or eight bytes: a double, an input
 * plan_graph refuses - not finite, negative, above PLANNER_MAX_COST - is
 * skipped), and a bitmask
 * of its parents among the earlier vertices.  Missing bytes read as 0.
 *
 * Properties, in every mode: the plan is valid (every target available;
 * a computed vertex's parents available; only loadable vertices loaded,
 * only live ones live), its total is finite and is the sum of its
 * actions' costs; optimal and helix find the minimum (checked by brute
 * force over load sets up to 12 vertices), linear never beats it.
 */
#include "postgres.h"

#include <math.h>

#include "pgstub.h"
#include "planner.h"
#include "planner_brute.h"

#define FUZZ_MAX_VERTICES	40
#define FUZZ_BRUTE_MAX		12

int			LLVMFuzzerTestOneInput(const uint8 *data, size_t size);

typedef struct FuzzReader
{
	const uint8 *p;
	const uint8 *end;
} FuzzReader;

static uint8
FuzzByte(FuzzReader *r)
{
	return r->p < r->end ? *r->p++ : 0;
}

/* A cost: b / 4, or a raw double; false if plan_graph would refuse it. */
static bool
FuzzCost(FuzzReader *r, bool raw, double *out)
{
	if (raw)
	{
		uint8		b[8];
		double		d;

		for (int i = 0; i < 8; i++)
			b[i] = FuzzByte(r);
		memcpy(&d, b, sizeof(d));
		if (isnan(d) || isinf(d) || d < 0 || d > PLANNER_MAX_COST)
			return false;
		*out = d;
		return true;
	}
	*out = FuzzByte(r) / 4.0;
	return true;
}

/* Check a plan; returns its cost. */
static double
FuzzCheckPlan(const PlanVertex *v, int n, const EgAction *act, double total,
			  const char *mode)
{
	double		sum = 0;

	if (!isfinite(total))
		fuzz_fail("%s: plan total is %g", mode, total);
	for (int i = 0; i < n; i++)
	{
		if (v[i].target && act[i] == EG_ACT_PRUNED)
			fuzz_fail("%s: target %d is not available", mode, i);
		if (act[i] == EG_ACT_LOAD && v[i].load < 0)
			fuzz_fail("%s: vertex %d is loaded but not loadable", mode, i);
		if (act[i] == EG_ACT_LIVE && !v[i].live)
			fuzz_fail("%s: vertex %d is live but not in the session", mode, i);
		if (act[i] == EG_ACT_LOAD)
			sum += v[i].load;
		if (act[i] != EG_ACT_COMPUTE)
			continue;
		sum += v[i].compute;
		for (int p = 0; p < v[i].nparents; p++)
			if (act[v[i].parents[p]] == EG_ACT_PRUNED)
				fuzz_fail("%s: vertex %d is computed without its parent %d",
						  mode, i, v[i].parents[p]);
	}
	if (fabs(sum - total) > 1e-9 * Max(1.0, fabs(sum)))
		fuzz_fail("%s: plan says it costs %.17g, its actions cost %.17g",
				  mode, total, sum);
	return sum;
}

static void
FuzzOne(const uint8 *data, size_t size)
{
	FuzzReader	r = {data, data + size};
	int			n = 1 + FuzzByte(&r) % FUZZ_MAX_VERTICES;
	PlanVertex *v = palloc0(sizeof(PlanVertex) * n);
	EgAction   *act = palloc(sizeof(EgAction) * n);
	bool		anytarget = false;
	double		cost[5];
	double		scale = 1;
	static const struct
	{
		EgReuse		mode;
		const char *name;
	}			modes[5] = {
		{EG_REUSE_OPTIMAL, "optimal"}, {EG_REUSE_HELIX, "helix"},
		{EG_REUSE_LINEAR, "linear"}, {EG_REUSE_ALL_LOAD, "all_load"},
		{EG_REUSE_ALL_COMPUTE, "all_compute"}
	};

	for (int j = 0; j < n; j++)
	{
		uint8		flags = FuzzByte(&r);
		int		   *parents = palloc(sizeof(int) * (j + 1));

		v[j].live = (flags & 1) != 0;
		v[j].target = (flags & 2) != 0;
		anytarget |= v[j].target;
		if (!FuzzCost(&r, flags & 8, &v[j].compute))
			return;
		v[j].load = -1;
		if ((flags & 4) && !FuzzCost(&r, flags & 8, &v[j].load))
			return;
		scale += v[j].compute + Max(v[j].load, 0);
		for (int i = 0; i < j; i += 8)
		{
			uint8		bits = FuzzByte(&r);

			for (int k = 0; k < 8 && i + k < j; k++)
				if (bits & (1 << k))
					parents[v[j].nparents++] = i + k;
		}
		/* plan_graph keeps an edge given twice */
		if ((flags & 16) && v[j].nparents > 0)
			parents[v[j].nparents++] = parents[0];
		v[j].parents = parents;
	}
	if (!anytarget)
		return;					/* plan_graph: "At least one target is needed." */

	for (int m = 0; m < 5; m++)
	{
		double		total = planner_plan(v, n, modes[m].mode, act);

		cost[m] = FuzzCheckPlan(v, n, act, total, modes[m].name);
	}
	if (fabs(cost[0] - cost[1]) > 1e-9 * scale)
		fuzz_fail("optimal costs %.17g, helix %.17g", cost[0], cost[1]);
	if (cost[2] < cost[0] - 1e-9 * scale)
		fuzz_fail("linear (%.17g) beats optimal (%.17g)", cost[2], cost[0]);
	if (n <= FUZZ_BRUTE_MAX)
	{
		double		best = planner_brute_force(v, n);

		if (fabs(cost[0] - best) > 1e-9 * scale)
			fuzz_fail("optimal costs %.17g, the minimum is %.17g", cost[0], best);
	}
}

int
LLVMFuzzerTestOneInput(const uint8 *data, size_t size)
{
	fuzz_input_begin();
	FUZZ_TRY(FuzzOne(data, size));
	if (fuzz_error_caught())
		fuzz_fail("planner threw at %s: %s", fuzz_error_where(),
				  fuzz_error_message());
	fuzz_input_end();
	return 0;
}
