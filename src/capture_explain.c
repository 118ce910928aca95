/*
 * capture_explain.c - EXPLAIN of a statement eg.capture would capture.
 *
 * With eg.capture on, EXPLAIN CREATE TABLE AS (also SELECT INTO and CREATE
 * MATERIALIZED VIEW) says in one line above the plan what eg would do with
 * the statement: load it from the store, with the time loading and
 * computing it took, or compute it, and why.  Text format only (other
 * formats have no place for it outside the plan), and not with ANALYZE:
 * EXPLAIN ANALYZE runs the query as PostgreSQL would.  It plans as
 * eg.explain does (waiting for a store in progress of the statement, as
 * the statement would), in a subtransaction, so that EXPLAIN never fails
 * because of eg.
 *
 * ExplainOneQuery_hook replaces the whole of EXPLAIN's planning of a query
 * in PostgreSQL 15; with no other hook before it, this one plans and
 * explains the query as PostgreSQL's own code does.
 */
#include "postgres.h"

#include "commands/explain.h"
#include "executor/instrument.h"
#include "optimizer/optimizer.h"
#include "portability/instr_time.h"
#include "tcop/tcopprot.h"
#include "utils/memutils.h"

#include "capture.h"
#include "spi.h"

static ExplainOneQuery_hook_type PrevExplainOneQuery = NULL;

/* What CaptureExplainPlan needs, for eg_try_subxact. */
typedef struct CaptureExplainArg
{
	Query	   *query;
	const char *relname;
	RunState   *rs;				/* out: the plan, or NULL */
} CaptureExplainArg;

/* Plan the statement (for eg_try_subxact). */
static void
CaptureExplainPlan(void *arg)
{
	CaptureExplainArg *a = (CaptureExplainArg *) arg;

	a->rs = capture_plan(a->query, a->relname);
}

/* The line saying what eg would do with the statement filling relname. */
static char *
CaptureExplainLine(Query *query, const char *relname)
{
	CaptureExplainArg a = {query, relname, NULL};
	ErrorData  *edata = eg_try_subxact(CaptureExplainPlan, &a);
	PlanVertex *v;

	if (edata != NULL || a.rs == NULL)
		return psprintf("not captured: %s",
						edata != NULL ? edata->message
						: "its result may differ from run to run, or eg cannot identify it");
	v = &a.rs->vertices[0];
	if (a.rs->actions[0] == EG_ACT_LOAD)
		return psprintf("would load \"%s\" from the store (%.3f s; computing took %.3f s)",
						relname, v->load, v->compute);
	if (v->load < 0)
		return psprintf("would compute \"%s\" (%s)", relname,
						a.rs->graph[0].known ? "not in the store" : "never computed before");
	return psprintf("would compute \"%s\" (%.3f s; loading would take %.3f s)",
					relname, v->compute, v->load);
}

/* PostgreSQL 15's planning and explaining of a query (explain.c). */
static void
CaptureStandardExplain(Query *query, int cursorOptions, IntoClause *into, ExplainState *es,
					   const char *queryString, ParamListInfo params,
					   QueryEnvironment *queryEnv)
{
	PlannedStmt *plan;
	instr_time	planstart,
				planduration;
	BufferUsage bufusage_start,
				bufusage;

	if (es->buffers)
		bufusage_start = pgBufferUsage;
	INSTR_TIME_SET_CURRENT(planstart);
	plan = pg_plan_query(query, queryString, cursorOptions, params);
	INSTR_TIME_SET_CURRENT(planduration);
	INSTR_TIME_SUBTRACT(planduration, planstart);
	if (es->buffers)
	{
		memset(&bufusage, 0, sizeof(BufferUsage));
		BufferUsageAccumDiff(&bufusage, &pgBufferUsage, &bufusage_start);
	}
	ExplainOnePlan(plan, into, es, queryString, params, queryEnv,
				   &planduration, (es->buffers ? &bufusage : NULL));
}

/* ExplainOneQuery_hook: the eg.capture line, then the plan. */
static void
CaptureExplainOneQuery(Query *query, int cursorOptions, IntoClause *into, ExplainState *es,
					   const char *queryString, ParamListInfo params,
					   QueryEnvironment *queryEnv)
{
	if (into != NULL && !into->skipData && !es->analyze &&
		es->format == EXPLAIN_FORMAT_TEXT && capture_wanted())
	{
		ExplainPropertyText("eg.capture",
							CaptureExplainLine(query, into->rel->relname), es);
	}
	if (PrevExplainOneQuery)
		PrevExplainOneQuery(query, cursorOptions, into, es, queryString, params, queryEnv);
	else
		CaptureStandardExplain(query, cursorOptions, into, es, queryString, params, queryEnv);
}

/* Install the hook (chained), from capture_init. */
void
capture_explain_init(void)
{
	PrevExplainOneQuery = ExplainOneQuery_hook;
	ExplainOneQuery_hook = CaptureExplainOneQuery;
}
