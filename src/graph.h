/*
 * graph.h - the Experiment Graph in eg's tables: lookups for planning,
 * merging each run (the updater), materialization flags.
 */
#ifndef EG_GRAPH_H
#define EG_GRAPH_H

#include "eg.h"
#include "datatype/timestamp.h"

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
	List	   *lineage;		/* base relations it derives from (Oid) */
	List	   *lineage_funcs;	/* functions it derives from (Oid) */
	Oid			role;			/* the role its id covers, or InvalidOid */
} GraphInfo;

/* One step of a finished run, to merge into the graph. */
typedef struct GraphStep
{
	const char *step;
	const char *kind;			/* dataset, aggregate, model */
	EgId		id;
	bool		reusable;
	const char *action;			/* computed, loaded, live, pruned */
	bool		used;			/* part of what the targets needed */
	double		seconds;
	int64		rows;			/* < 0: unknown */
	int64		logical_bytes;	/* < 0: unknown */
	double		quality;		/* < 0: none */
	double		potential;		/* best quality of a model it leads to, here */
	double		recreation;		/* seconds to recompute it and its ancestors */
	const char *opkind;			/* query or train */
	const char *definition;
	Oid			train;			/* train function, or InvalidOid */
	int			ninputs;
	EgId	   *inputs;			/* input artifacts: steps (a warm-started
								 * model: then the model it started from),
								 * then sources */
	List	   *sources;		/* EgSource * */
	List	   *lineage;		/* Oid */
	List	   *lineage_funcs;	/* Oid */
	Oid			role;			/* the role its id covers, or InvalidOid */
} GraphStep;

extern void graph_lookup(const EgId *ids, int n, GraphInfo *out);
extern double graph_load_estimate(const GraphInfo *info);
extern int64 graph_record_run(const char *name, GraphStep *steps, int n,
							  TimestampTz started, double seconds, double saved);
extern void graph_set_materialized(const EgId *id, bool materialized, int64 stored_bytes);
extern void graph_forget_unstored(List *ids);
/* What the caller lacks to use an artifact (graph_may_use). */
typedef struct GraphDenied
{
	Oid			relid;			/* a table it may not read, or that is gone */
	Oid			funcid;			/* a function it may not execute, or that is gone */
	bool		rls;			/* relid has row-level security for the caller */
	Oid			role;			/* computed for this other role */
} GraphDenied;

extern bool graph_may_use(List *relids, List *funcids, Oid role, bool by_id,
						  GraphDenied *why);
struct MatCandidate;
extern void graph_candidates(struct MatCandidate *c, int n);
extern List *graph_materialized_ids(void);
extern void graph_set_utilities(struct MatCandidate *c, int n);
extern void graph_set_materializer_seconds(int64 workload, double seconds);

/* A stored model of a train function on an input (graph_stored_models). */
typedef struct GraphModel
{
	EgId		id;
	double		quality;		/* < 0: none */
	bool		warm_started;	/* trained from warm_from */
	EgId		warm_from;
} GraphModel;

extern List *graph_stored_models(Oid train, const EgId *input, bool best_only);

#endif							/* EG_GRAPH_H */
