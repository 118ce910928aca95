/*
 * graph.h - the Experiment Graph in eg's tables: lookups for planning,
 * merging each run (the updater), materialization flags, and the lock that
 * orders the graph's writers.
 */
#ifndef EG_GRAPH_H
#define EG_GRAPH_H

#include "datatype/timestamp.h"
#include "utils/array.h"

#include "eg.h"
#include "materializer.h"
#include "planner.h"
#include "workload.h"

/* What the graph knows of an artifact. */
typedef struct GraphInfo
{
	bool		known;
	bool		materialized;
	double		compute_seconds;	/* < 0: never measured */
	double		load_seconds;	/* < 0: never measured */
	int64		stored_bytes;
	int64		logical_bytes;
	double		quality;		/* < 0: none */
	List	   *lineage;		/* relations it derives from, read with the
								 * caller's rights (Oid) */
	List	   *lineage_funcs;	/* functions it derives from (Oid) */
	Oid			role;			/* the role its id covers, or InvalidOid */
} GraphInfo;

/* The kind of an operation (an edge of the graph). */
typedef enum GraphOpKind
{
	GRAPH_OP_QUERY,				/* a dataset's or aggregate's query */
	GRAPH_OP_TRAIN				/* a model's train function */
} GraphOpKind;

/* One step of a finished run, to merge into the graph. */
typedef struct GraphStep
{
	const char *step;
	EgStepKind	kind;
	EgId		id;
	EgId		key;			/* its id from what it names (ident.c) */
	List	   *reads;			/* Oid: its read set beyond those (readset.c) */
	List	   *read_funcs;		/* Oid: functions it called beyond those */
	List	   *read_names;		/* char *: each read's name (ident_read_name) */
	bool		reusable;
	EgAction	action;			/* what the run did with it */
	bool		used;			/* part of what the targets needed */
	double		seconds;
	int64		rows;			/* < 0: unknown */
	int64		logical_bytes;	/* < 0: unknown */
	double		quality;		/* < 0: none */
	double		potential;		/* best quality of a model it leads to, here */
	double		recreation;		/* seconds to recompute it and its ancestors */
	GraphOpKind opkind;
	const char *definition;
	Oid			train;			/* train function, or InvalidOid */
	int			ninputs;
	EgId	   *inputs;			/* input artifacts: steps (a warm-started
								 * model: then the model it started from),
								 * then sources */
	List	   *sources;		/* EgSource *: what it names, then its reads */
	List	   *source_names;	/* char *: each source's table name */
	List	   *lineage;		/* Oid */
	List	   *lineage_funcs;	/* Oid */
	Oid			role;			/* the role its id covers, or InvalidOid */
	List	   *facets;			/* char *: what its id covers, key then value
								 * (changes.c); NIL: not recorded */
	uint8		fingerprint[PG_SHA256_DIGEST_LENGTH];	/* with facets: how its
														 * last run is found */
} GraphStep;

/* What the caller lacks to use an artifact (graph_may_use). */
typedef struct GraphDenied
{
	Oid			relid;			/* a table it may not read, or that is gone */
	Oid			funcid;			/* a function it may not execute, or that is gone */
	bool		rls;			/* relid has row-level security for the caller */
	Oid			role;			/* computed for this other role */
} GraphDenied;

/* What the materializer's utility needs of an artifact (graph_candidates). */
typedef struct GraphCosts
{
	double		frequency;		/* workloads that used it */
	double		recreation;		/* seconds to recompute it and its ancestors */
	double		load;			/* seconds to load it (estimated if never measured) */
	double		potential;		/* best quality of a model it leads to */
	int64		stored_bytes;
	int64		order;			/* first seen, in microseconds: smaller is older */
} GraphCosts;

/* The materializer's verdict on an artifact (graph_set_utilities). */
typedef struct GraphUtility
{
	EgId		id;
	double		utility;
	const char *why;			/* why it is kept or not; NULL: no reason */
} GraphUtility;

/* A stored model of a train function on an input (graph_stored_models). */
typedef struct GraphModel
{
	EgId		id;
	EgId		key;			/* its id without its read set */
	double		quality;		/* < 0: none */
	bool		warm_started;	/* trained from warm_from */
	EgId		warm_from;
} GraphModel;

extern void graph_lock(void);
extern bool graph_lock_held(void);
extern Datum graph_id_array(const EgId *ids, int n);
extern double graph_load_rate(void);
extern void graph_lookup(const EgId *ids, int n, GraphInfo *out);
extern int64 graph_record_run(const char *name, Oid role, GraphStep *steps, int n,
							  TimestampTz started, double seconds, double saved,
							  int64 append_to);
extern void graph_set_materialized(const EgId *id, bool materialized, int64 stored_bytes);
extern void graph_forget_unstored(List *ids);
extern List *graph_oid_list(ArrayType *arr);

/* graph_rights.c */
extern bool graph_may_use(List *relids, List *funcids, Oid role, bool by_id,
						  GraphDenied *why);
extern List *graph_materialized_ids(void);
extern void graph_candidates(const EgId *ids, int n, GraphCosts *out);
extern void graph_set_utilities(const GraphUtility *u, int n);
extern void graph_set_materializer_seconds(int64 workload, double seconds);
extern List *graph_stored_models(Oid train, const EgId *input, bool best_only);

/* What some artifacts of one key read and called, and those artifacts. */
typedef struct GraphReadSet
{
	List	   *relids;			/* Oid, sorted */
	List	   *funcids;		/* Oid, sorted: the functions they called */
	List	   *names;			/* char *: the relids' names then (ident_read_name);
								 * NIL if not recorded */
	List	   *ids;			/* EgId * */
} GraphReadSet;

extern bool graph_has_read_sets(void);
extern bool graph_has_captured(void);
extern List *graph_read_sets(const EgId *key);

/* graph_worker.c: merging a run (and storing its tables) from a background worker */
extern void graph_record_in_worker(const char *name, Oid role, GraphStep *steps, int n,
								   TimestampTz started, double seconds, double saved,
								   List *failed, MatInput *cands, int ncands);
extern PGDLLEXPORT void eg_graph_worker(Datum arg);

#endif							/* EG_GRAPH_H */
