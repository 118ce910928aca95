/*
 * readset.h - what a step really read: every relation any query opened
 * while it computed, at any depth (its query, functions' SPI queries,
 * views, train functions), and every user function it called.
 */
#ifndef EG_READSET_H
#define EG_READSET_H

#include "eg.h"
#include "nodes/pg_list.h"

/* A step's read set beyond what its id already covers. */
typedef struct ReadSet
{
	List	   *sources;		/* EgSource *s as the step saw them, by relid */
	List	   *rights;			/* relids read with the caller's rights */
	List	   *funcs;			/* user functions called (Oid), sorted */
	List	   *func_rights;	/* those called with the caller's rights */
	bool		stable;			/* none changed while the step ran */
	bool		first_seen;		/* eg started tracking one of them only now,
								 * so it has no version from before the step */
} ReadSet;

extern void readset_init(void);
extern void readset_start(void);
extern void readset_stop(void);
extern ReadSet *readset_take(List *covered, List *covered_funcs);

/* readset_funcs.c */
extern bool readset_funcs_resolve(List *called, List *as_caller, List *hashes,
								  List *hash_rights, List **funcs, List **rights);

#endif							/* EG_READSET_H */
