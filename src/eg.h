/*
 * eg.h - definitions shared by every module of eg: the artifact id and the
 * settings (GUCs).
 *
 * eg keeps its Experiment Graph and store in ordinary tables of schema eg,
 * owned by the extension's owner and closed to other roles.  User steps run
 * with the caller's rights; statements on eg's own tables run as the owner
 * (spi.h).
 */
#ifndef EG_H
#define EG_H

#include "fmgr.h"

/* A 128-bit lineage id (SHA-256 truncated); text form is 32 hex digits. */
#define EG_ID_LEN 16
typedef struct EgId
{
	uint8		bytes[EG_ID_LEN];
} EgId;

#define DatumGetEgId(X)		((EgId *) DatumGetPointer(X))
#define EgIdGetDatum(X)		PointerGetDatum(X)
#define PG_GETARG_EGID(n)	DatumGetEgId(PG_GETARG_DATUM(n))
#define PG_RETURN_EGID(x)	return EgIdGetDatum(x)

/* Policies selectable with eg.materializer and eg.reuse. */
typedef enum EgMaterializer
{
	EG_MAT_STORAGE_AWARE,
	EG_MAT_HEURISTIC,
	EG_MAT_HELIX,
	EG_MAT_ALL,
	EG_MAT_NONE
} EgMaterializer;

typedef enum EgReuse
{
	EG_REUSE_OPTIMAL,
	EG_REUSE_LINEAR,
	EG_REUSE_HELIX,
	EG_REUSE_ALL_LOAD,
	EG_REUSE_ALL_COMPUTE
} EgReuse;

/* When eg.run stores what it computed from a worker after commit. */
typedef enum EgStoreAsync
{
	EG_STORE_ASYNC_OFF,			/* never: the run stores before it returns */
	EG_STORE_ASYNC_AUTO,		/* tables of eg.store_async_min_size or more */
	EG_STORE_ASYNC_ON			/* always */
} EgStoreAsync;

/* Settings (eg.c). */
extern int	eg_budget_kb;
extern int	eg_materializer;
extern int	eg_reuse;
extern double eg_alpha;
extern int	eg_compression_level;
extern bool eg_progress;
extern int	eg_store_async;
extern int	eg_store_async_min_kb;

/* Id helpers (artifact_id.c). */
extern char *eg_id_to_hex(const EgId *id);
extern EgId *eg_id_copy(const EgId *id);
extern bool eg_id_equal(const EgId *a, const EgId *b);

/* Budget in bytes. */
#define EG_BUDGET_BYTES() ((int64) eg_budget_kb * 1024)

#endif							/* EG_H */
