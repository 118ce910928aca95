/*
 * utility.h - the paper's utility of keeping an artifact (docs/paper.md 4.2).
 */
#ifndef EG_UTILITY_H
#define EG_UTILITY_H

#include "store.h"

/* One candidate of the materializer, with what its utility needs. */
typedef struct MatCandidate
{
	EgId		id;
	StoreRows	rows;			/* the run's rows (relid invalid if already stored) */
	StorePrepared *prep;		/* the run's table prepared for the store */
	bool		stored;			/* in the store now */
	int64		order;			/* age rank: smaller is older (first seen) */
	double		frequency;		/* f: workloads that used it */
	double		recreation;		/* C_r: seconds to recompute it and its ancestors */
	double		load;			/* C_l: seconds to load it */
	double		potential;		/* p: best quality of a model it leads to */
	int64		size;			/* s: its chunks compressed, each counted in full */
	int			nchunks;
	StoreChunk *chunks;			/* its chunks (for deduplicated sizes) */
	/* results */
	double		utility;
	bool		keep;
	char	   *why;
} MatCandidate;

/* Whether c takes part: stored, or prepared for the store (not refused). */
static inline bool
mat_candidate_in(const MatCandidate *c)
{
	return c->stored || c->prep != NULL;
}

extern void utility_compute(MatCandidate *c, int n, double alpha);

#endif							/* EG_UTILITY_H */
