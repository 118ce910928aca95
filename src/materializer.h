/*
 * materializer.h - deciding what the store keeps, under eg.budget.
 */
#ifndef EG_MATERIALIZER_H
#define EG_MATERIALIZER_H

#include "executor.h"

/* What the materializer did with one artifact. */
typedef struct MatResult
{
	EgId		id;
	const char *action;			/* stored, kept, evicted, skipped */
	int64		bytes;
} MatResult;

extern void materializer_lock(void);
extern List *materializer_run(ExecCandidate *cands, int ncands, int64 workload);

#endif							/* EG_MATERIALIZER_H */
