/*
 * store_internal.h - what the store's files (store.c, store_put.c,
 * store_get.c, store_heap.c, store_chunks.c, store_check.c) share: the call
 * session, the statements on eg's tables, chunk keys, zstd contexts,
 * freeing chunks, and writing restored rows.  Not for other modules.
 */
#ifndef EG_STORE_INTERNAL_H
#define EG_STORE_INTERNAL_H

#include "tcop/dest.h"
#include "utils/relcache.h"

#include "eg.h"
#include "segment.h"

/* The statements on eg's tables (store.c's store_stmts). */
typedef enum StorePlanId
{
	SP_ART_CLAIM,
	SP_ART_GET,
	SP_ART_FINISH,
	SP_ART_DELETE,
	SP_ART_CHUNKS,
	SP_COL_INSERT,
	SP_COL_LIST,
	SP_SEG_INSERT,
	SP_SEG_LIST,
	SP_SEG_DELETE,
	SP_CHUNK_LOCK,
	SP_CHUNK_SIZE,
	SP_CHUNK_SIZES,
	SP_CHUNK_LOCK_MANY,
	SP_CHUNK_INSERT,
	SP_CHUNK_INSERT_META,
	SP_DATA_INSERT,
	SP_CHUNK_FETCH_MANY,
	SP_DATA_FETCH_MANY,
	SP_CHUNK_USERS,
	SP_CHUNK_CLAIM_FREE,
	SP_CHUNK_CLAIM_ALL,
	SP_CHUNK_FREE,
	SP_DATA_FREE,
	SP_TOTAL,
	SP_COUNT_PLANS
} StorePlanId;

/* State of one store call: its memory, pinned search_path, artifact. */
typedef struct StoreSession
{
	MemoryContext cxt;			/* "eg store": lives for the call */
	int			gucnest;
	char	   *hex;			/* the artifact id as text, or NULL */
} StoreSession;

extern void StoreBegin(StoreSession *s, const EgId *id, const char *cxtname);
extern void StoreEnd(StoreSession *s);
extern uint64 StoreExec(StorePlanId p, const Datum *values, bool read_only);
extern Datum StoreKeyDatum(const uint8 *key);
extern bool StoreKeyFromDatum(Datum d, uint8 *key);
extern char *StoreKeyHex(const uint8 *key);
extern ZSTD_CCtx *StoreCCtx(MemoryContext owner);
extern ZSTD_DCtx *StoreDCtx(MemoryContext owner);
extern int64 StoreFreeChunks(Datum keys, bool all);
extern void StoreDropArtifact(const char *hex);

/* store_get decodes, and store_heap.c writes, this many rows at a time. */
#define STORE_GET_BATCH			1000

/* Writing restored rows into a new table, or to a receiver (store_heap.c). */
typedef struct StoreHeap StoreHeap;
extern StoreHeap *StoreHeapBegin(Relation rel);
extern StoreHeap *StoreHeapBeginDest(TupleDesc tupdesc, DestReceiver *dest);
extern void StoreHeapAdd(StoreHeap *h, const char *const *const *cols,
						 const uint32 *const *lens, uint32 n);
extern int64 StoreHeapEnd(StoreHeap *h, bool ok);

#endif							/* EG_STORE_INTERNAL_H */
