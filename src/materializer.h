/*
 * materializer.h - deciding what the store keeps, under eg.budget.
 */
#ifndef EG_MATERIALIZER_H
#define EG_MATERIALIZER_H

#include "eg.h"
#include "store.h"

/*
 * A step's table that a run computed: a candidate for the store, prepared
 * for it (materializer_prepare) or not yet.
 */
typedef struct MatInput
{
	EgId		id;
	StoreRows	rows;			/* the step's table, or the rows handed over */
	double		seconds;		/* what computing it took, if known (else 0) */
	double		recreation;		/* ... with its ancestors: the guard's (else 0) */
	int64		bytes;			/* its table's size, if known (else 0) */
	StorePrepared *prep;
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

extern void materializer_prepare(MatInput *cands, int ncands);
extern int64 materializer_storable_bytes(MatInput *cands, int ncands);
extern void materializer_release(MatInput *cands, int ncands);
extern List *materializer_run(MatInput *cands, int ncands, int64 workload);

#endif							/* EG_MATERIALIZER_H */
