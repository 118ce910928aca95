/*
 * planner.h - reuse planning: which steps to load, compute, or leave out.
 */
#ifndef EG_PLANNER_H
#define EG_PLANNER_H

#include "eg.h"

typedef enum EgAction
{
	EG_ACT_PRUNED,				/* not needed for the targets */
	EG_ACT_COMPUTE,
	EG_ACT_LOAD,
	EG_ACT_LIVE					/* already a table in this session */
} EgAction;

/* One vertex of a workload DAG with its costs (seconds). */
typedef struct PlanVertex
{
	double		compute;		/* cost of its operation alone; 0 if unknown */
	double		load;			/* cost to load it, or < 0 if not loadable */
	bool		live;			/* available at no cost */
	bool		target;			/* must be available after the run */
	int			nparents;
	const int  *parents;		/* indexes of earlier vertices */
	/* output */
	double		cost;			/* forward-pass cost of making it available */
} PlanVertex;

/*
 * Largest cost (seconds) of one vertex, about 32 million years.  Sums over
 * any graph stay far below FLOW_INF (flow.h), so no cut crosses an edge no
 * cut may cross, and plan totals stay finite.  Costs must lie in [0, this].
 */
#define PLANNER_MAX_COST		1e15

extern const char *planner_action_name(EgAction action);
extern double planner_plan(PlanVertex *v, int n, EgReuse mode, EgAction *actions);

#endif							/* EG_PLANNER_H */
