/*
 * explain.c - eg.explain: the plan eg.run would follow, with its costs and
 * the reason for each step's action in words.
 */
#include "postgres.h"

#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "changes.h"
#include "executor.h"
#include "spi.h"

/* Why a step's result can never be reused, in words. */
static const char *
ExplainWhyNotReusable(RunState *rs, EgStep *step)
{
	ListCell   *lc;

	if (step->deterministic == 0)
		return "declared not deterministic";
	if (step->unstable)
		return "its data changed while it ran";
	if (step->deterministic != 1 && step->info && step->info->volatile_reason)
		return step->info->volatile_reason;
	for (int p = 0; p < step->ninputs; p++)
		if (!rs->wl->steps[step->inputs[p]]->reusable)
			return psprintf("reads step \"%s\", which is not reusable",
							rs->wl->steps[step->inputs[p]]->name);
	foreach(lc, step->sources)
		if (!((EgSource *) lfirst(lc))->reusable)
			return psprintf("reads \"%s\", whose changes eg cannot track",
							get_rel_name(((EgSource *) lfirst(lc))->relid));
	foreach(lc, step->reads)
	{
		EgSource   *src = (EgSource *) lfirst(lc);
		char	   *name = get_rel_name(src->relid);

		if (src->reusable)
			continue;
		return name ? psprintf("its functions read \"%s\", whose changes eg cannot track", name)
			: "its functions read a table that no longer exists";
	}
	return "unknown";
}

/* The reason for a step last seen reading relid, which eg cannot track. */
static char *
ExplainUntracked(Oid relid)
{
	char	   *name = get_rel_name(relid);

	if (name == NULL)
		return "computed: when it last ran, its functions read a table that no longer exists";
	return psprintf("computed: when it last ran, its functions read \"%s\", "
					"whose changes eg cannot track", name);
}

/* Why the planner chose what it chose for step i, in words. */
static char *
ExplainReason(RunState *rs, int i)
{
	EgStep	   *step = rs->wl->steps[i];
	PlanVertex *v = &rs->vertices[i];
	double		with_inputs = v->compute;

	for (int p = 0; p < v->nparents; p++)
		with_inputs += rs->vertices[v->parents[p]].cost;
	switch (rs->actions[i])
	{
		case EG_ACT_LIVE:
			return "live: already a table in this session";
		case EG_ACT_LOAD:
			return psprintf("loaded: %.2f s to load < %.2f s to compute with inputs",
							v->load, with_inputs);
		case EG_ACT_PRUNED:
			return rs->used[i] ? "pruned: a later step is loaded or live"
				: "pruned: not needed for the requested steps";
		case EG_ACT_COMPUTE:
			if (!step->reusable)
				return psprintf("computed: not reusable (%s)", ExplainWhyNotReusable(rs, step));
			if (step->has_warm && !rs->graph[i].known)
				return psprintf("computed: warm start from model %s (quality %.3f)",
								eg_id_to_hex(&step->warm_id), step->warm_quality);
			if (!rs->graph[i].known && OidIsValid(step->reads_untracked))
				return ExplainUntracked(step->reads_untracked);
			if (!rs->graph[i].known)
			{
				char	   *changed = changes_since_last_run(rs->wl, step);

				if (changed)
					return changed;
				return step->reads_moved ?
					"computed: what its functions read changed since it was stored" :
					"computed: never run before";
			}
			if (!rs->graph[i].materialized)
				return "computed: not materialized";
			if (!rs->readable[i])
				return "computed: you may not read every table it derives from, "
					"or execute every function";
			return psprintf("computed: %.2f s with inputs <= %.2f s to load",
							with_inputs, v->load);
	}
	return "?";
}

PG_FUNCTION_INFO_V1(eg_explain);
/* eg.explain(VARIADIC steps): the plan, without running it. */
Datum
eg_explain(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RunState   *rs;

	workload_check_idle("eg.explain()");
	InitMaterializedSRF(fcinfo, 0);
	eg_spi_connect();
	rs = exec_prepare(exec_targets(fcinfo));
	exec_plan(rs);
	for (int i = 0; i < rs->n; i++)
	{
		EgStep	   *step = rs->wl->steps[i];
		Datum		values[6];
		bool		nulls[6] = {false};

		values[0] = CStringGetTextDatum(step->name);
		values[1] = EgIdGetDatum(eg_id_copy(&step->id));
		values[2] = CStringGetTextDatum(planner_action_name(rs->actions[i]));
		values[3] = Float8GetDatum(rs->graph[i].compute_seconds);
		nulls[3] = rs->graph[i].compute_seconds < 0;
		values[4] = Float8GetDatum(rs->vertices[i].load);
		nulls[4] = rs->vertices[i].load < 0;
		values[5] = CStringGetTextDatum(ExplainReason(rs, i));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	eg_spi_finish();
	return (Datum) 0;
}
