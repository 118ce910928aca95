/*
 * ident.h - identity of artifacts: query analysis, canonical encodings and
 * SHA-256 lineage ids, and the data versions of base tables.
 */
#ifndef EG_IDENT_H
#define EG_IDENT_H

#include "common/sha2.h"
#include "eg.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"
#include "utils/snapshot.h"

/* One output column of a step. */
typedef struct EgColumn
{
	char	   *name;
	Oid			type;
	int32		typmod;
	Oid			collation;
} EgColumn;

/* The name and output columns of an earlier step, for analysing later ones. */
typedef struct EgShape
{
	const char *step;
	List	   *columns;		/* of EgColumn * */
} EgShape;

/* What analysis of one step's query found. */
typedef struct EgQueryInfo
{
	uint8		fingerprint[PG_SHA256_DIGEST_LENGTH];	/* SHA-256 of the parse tree, locations stripped */
	List	   *inputs;			/* names (char *) of earlier steps it reads */
	List	   *relids;			/* relations it reads (Oid), sorted, unique:
								 * tables, views and the tables under them */
	List	   *rights;			/* those read with the caller's rights (Oid):
								 * not the tables under a view, read with its
								 * owner's */
	List	   *funcids;		/* user-defined functions it calls (Oid), sorted */
	List	   *called;			/* every function it calls (Oid), sorted: its
								 * rights are checked before a load */
	const char *volatile_reason;	/* why results may differ run to run, or NULL */
	bool		settings_dependent; /* calls functions that read settings */
	List	   *columns;		/* output columns (EgColumn *) */
} EgQueryInfo;

/* A base table as the source artifact it is at this moment. */
typedef struct EgSource
{
	Oid			relid;
	EgId		id;
	bool		reusable;		/* false: untrackable, its id is unique */
	bool		rls;			/* under row-level security: the id covers the role */
	bool		captured;		/* eg.capture filled it, unchanged since: */
	EgId		artifact;		/* it holds this artifact, its id's only part */
} EgSource;

extern EgQueryInfo *ident_analyze_query(const char *query, List *shapes,
										 const char *self);
extern void ident_batch_begin(void);
extern void ident_batch_end(void);
extern List *ident_sources(List *relids);
extern char *ident_read_name(Oid relid);
extern Oid	ident_find_read(Oid relid, const char *name);
extern List *ident_sources_as_of(List *relids, Snapshot snapshot);
extern bool ident_sources_equal(List *a, List *b);
extern void ident_query_id(const EgQueryInfo *info, const char *kind,
						   const EgId *input_ids, List *sources,
						   bool reusable, EgId *out);
extern void ident_reads_id(const EgId *key, List *reads, List *funcs, bool reusable,
						   EgId *out);
extern void ident_model_key(Oid train, Jsonb *params, const EgId *input_id,
							uint8 *key);
extern void ident_model_id(const uint8 *key, const EgId *warm_id, bool reusable,
						   EgId *out);
extern bool ident_function_is_user_defined(Oid funcid);
extern bool ident_is_train_function(Oid funcid);
extern void ident_function_digest(Oid funcid, uint8 *digest);
extern const char *const *ident_setting_names(int *n);

#endif							/* EG_IDENT_H */
