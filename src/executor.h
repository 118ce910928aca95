/*
 * executor.h - what eg.run and eg.explain share: the state of a run, and
 * preparing and planning it (executor.c).
 */
#ifndef EG_EXECUTOR_H
#define EG_EXECUTOR_H

#include "fmgr.h"
#include "portability/instr_time.h"
#include "utils/array.h"

#include "graph.h"
#include "planner.h"
#include "workload.h"

/* Everything a run (or an explain) knows about the workload. */
typedef struct RunState
{
	EgWorkload *wl;
	int			n;
	bool	   *used;			/* needed by the targets (ancestors included) */
	bool	   *readable;		/* caller may read the whole lineage */
	GraphInfo  *graph;
	PlanVertex *vertices;
	EgAction   *actions;
	/* execution results */
	EgAction   *done;			/* action taken; EG_ACT_PRUNED: none (yet) */
	double	   *seconds;
	int64	   *rows;
	int64	   *bytes;
	double	   *quality;
	Oid		   *relids;
	List	   *failed;			/* EgId *s whose load failed, and those a bad
								 * chunk took out of the store with them */
	struct StoreAsync *store;	/* eg.store_async's worker, once started */
	struct MatInput *cands;		/* the store's candidates (ExecPrepareStore) */
	int			ncands;
	bool		store_tried;	/* a start was tried */
	bool		captured;		/* eg.capture's: its table is the statement's */
	int64		workload;		/* the run's workload in the graph, once
								 * recorded; before, one to append it to */
} RunState;

extern RunState *exec_prepare(ArrayType *targets);
extern RunState *exec_prepare_workload(EgWorkload *wl, ArrayType *targets);
extern int64 exec_table_bytes(Oid relid);
extern double exec_since(instr_time start);
extern void exec_settle(RunState *rs, EgStep *step, List *before, bool moved,
						ReadSet *reads);
extern void exec_plan(RunState *rs);
extern ArrayType *exec_targets(FunctionCallInfo fcinfo);

/* executor_record.c: what a run leaves behind */
extern char *exec_model_call(RunState *rs, EgStep *step);
extern int64 exec_record(RunState *rs, TimestampTz started, double seconds);
extern void exec_finish(RunState *rs, TimestampTz started, double seconds);
extern void exec_save(RunState *rs, TimestampTz started, double seconds, ErrorData *edata);

#endif							/* EG_EXECUTOR_H */
