/*
 * materializer.h - deciding what the store keeps, under eg.budget.
 */
#ifndef EG_MATERIALIZER_H
#define EG_MATERIALIZER_H

#include "eg.h"

/* A step's table that a run computed: a candidate for the store. */
typedef struct MatInput
{
	EgId		id;
	Oid			relid;
} MatInput;

/* What the materializer did with one artifact. */
typedef enum MatAction
{
	MAT_STORED,					/* new, now in the store */
	MAT_KEPT,					/* was in the store, stays */
	MAT_EVICTED,				/* was in the store, dropped */
	MAT_SKIPPED					/* new, not kept */
} MatAction;

/* One artifact the materializer looked at. */
typedef struct MatResult
{
	EgId		id;
	MatAction	action;
	int64		bytes;
} MatResult;

extern List *materializer_run(MatInput *cands, int ncands, int64 workload);

#endif							/* EG_MATERIALIZER_H */
