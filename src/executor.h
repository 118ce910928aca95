/*
 * executor.h - running a planned workload: eg.run, eg.explain, eg.restore.
 */
#ifndef EG_EXECUTOR_H
#define EG_EXECUTOR_H

#include "eg.h"

/* A step's table that the run computed: a candidate for the store. */
typedef struct ExecCandidate
{
	EgId		id;
	Oid			relid;
} ExecCandidate;


#endif							/* EG_EXECUTOR_H */
