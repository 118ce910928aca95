/*
 * workload.h - the session's current workload: its steps, their names and
 * DAG, and the session's live step tables.
 */
#ifndef EG_WORKLOAD_H
#define EG_WORKLOAD_H

#include "eg.h"
#include "ident.h"
#include "readset.h"

typedef enum EgStepKind
{
	EG_STEP_DATASET,
	EG_STEP_AGGREGATE,
	EG_STEP_MODEL
} EgStepKind;

/* One named step of the workload. */
typedef struct EgStep
{
	char	   *name;
	EgStepKind	kind;
	int			index;			/* position in the workload (topological) */
	char	   *query;			/* dataset/aggregate: the SELECT */
	EgQueryInfo *info;			/* dataset/aggregate: analysis of the query */
	int			deterministic;	/* -1 detect, 0 never reuse, 1 always reusable */
	char	   *quality_of;		/* aggregate: model step it scores, or NULL */
	Oid			train;			/* model: train function */
	Jsonb	   *params;			/* model: canonical parameters */
	bool		warm_start;		/* model */
	bool		has_warm;		/* model: warm-started from warm_id */
	EgId		warm_id;
	double		warm_quality;
	int			ninputs;
	int		   *inputs;			/* indexes of input steps */
	List	   *columns;		/* output columns (EgColumn *) */
	List	   *lineage;		/* relations it and its ancestors read with
								 * the caller's rights (Oid): their read sets
								 * join it once known */
	List	   *lineage_funcs;	/* functions it and its ancestors call (Oid) */
	/* identity as of the last refresh */
	EgId		id;
	EgId		key;			/* its id from what it names (ident.c); the
								 * id when its read set adds nothing */
	List	   *sources;		/* EgSource * of the relations it names */
	List	   *reads;			/* EgSource * of its read set beyond those
								 * (readset.c): from its last computation,
								 * or a stored artifact's that still holds */
	List	   *read_funcs;		/* user functions its functions called beyond
								 * those it names (Oid), as reads */
	bool		reads_moved;	/* artifacts of its key are known, but what
								 * their functions read changed since */
	Oid			reads_untracked;	/* the latest artifact of its key read
									 * this relation, which eg cannot track */
	bool		reusable;		/* own, inputs' and sources' reusability */
	bool		unstable;		/* data changed while it ran: never reuse */
	bool		role_bound;		/* its id covers the calling role (row-level
								 * security on a relation read, here or
								 * upstream) */
	/* query: when it was analysed (workload_reanalyze) */
	uint64		analysed_inval; /* SharedInvalidMessageCounter then */
	LocalTransactionId analysed_lxid;
	CommandId	analysed_cid;
	Oid			analysed_user;
	char	   *analysed_path;	/* search_path then */
} EgStep;

/* The workload being defined in this session. */
typedef struct EgWorkload
{
	char	   *name;
	int			nsteps;
	EgStep	  **steps;
} EgWorkload;

extern EgWorkload *workload_current(void);
extern void workload_check_idle(const char *what);
extern void workload_set_running(bool running);
extern EgStep *workload_find(EgWorkload *wl, const char *name);
extern const char *workload_kind_name(EgStepKind kind);
extern MemoryContext workload_memory(void);
extern void workload_link_inputs(EgWorkload *wl, EgStep *step, List *names);
extern EgStep *workload_query_step(EgWorkload *wl, EgStepKind kind, const char *name,
								   const char *query, const EgQueryInfo *info);
extern bool workload_is_running(void);
extern EgQueryInfo *workload_copy_info(const EgQueryInfo *src);
extern void workload_check_quality(const char *name, EgQueryInfo *info,
								   const char *quality_of, bool reads_model);

/* workload_redefine.c: a step defined again */
extern EgId *workload_redefine(EgWorkload *wl, EgStep *step);

/* workload_id.c: a step's sources, reusability and id */
extern void workload_check_exists(EgStep *step);
extern void workload_refresh_id(EgWorkload *wl, EgStep *step, bool to_compute);
extern void workload_reanalyze(EgWorkload *wl, EgStep *step);
extern void workload_stamp_analysis(EgStep *step);
extern void workload_set_reads(EgStep *step, const ReadSet *set, bool stable);

/* Live step tables of this session: step name -> artifact id. */
extern bool workload_live_lookup(const char *step, const EgId *id);
extern bool workload_is_step_table(Oid relid);
extern void workload_live_set(const char *step, const EgId *id, Oid relid);
extern void workload_live_forget(const char *step);

#endif							/* EG_WORKLOAD_H */
