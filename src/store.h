/*
 * store.h - content-addressed, column-wise storage of artifact contents.
 *
 * A stored artifact is the list of its columns and, per row group, one
 * content-addressed chunk per column.  Callers hand the store a relation
 * (a step's temp table) and get it back as a new table; everything about
 * chunk layout, compression, hashing and accounting stays inside the
 * store's files (store*.c, segment*.c).
 * All functions run inside the caller's transaction, whether or not the
 * caller has SPI connected (they open their own SPI level); they switch to
 * the extension owner for eg's own tables and create result tables as the
 * current (calling) user.
 */
#ifndef EG_STORE_H
#define EG_STORE_H

#include "common/sha2.h"
#include "access/tupdesc.h"
#include "nodes/primnodes.h"
#include "tcop/dest.h"

#include "eg.h"

/* What storing one artifact cost and took. */
typedef struct StoreStats
{
	int64		rows;			/* rows stored */
	int64		raw_bytes;		/* serialised, uncompressed bytes */
	int64		stored_bytes;	/* its chunks compressed, each counted in full */
	int64		new_bytes;		/* compressed bytes of chunks it added to the store */
	double		seconds;		/* wall time of the whole store */
} StoreStats;

/* A chunk of a stored artifact: content hash and compressed bytes. */
typedef struct StoreChunk
{
	uint8		hash[PG_SHA256_DIGEST_LENGTH];
	int64		bytes;
} StoreChunk;

/*
 * Storing is prepared, then written (store_put.c): store_prepare
 * serialises, hashes and compresses rows (a relation's or a tuplestore's)
 * without writing or locking anything; store_prepared_refresh brings its
 * chunks up to date with the store (false: prepare it again);
 * store_prepared_chunks lists the chunks the artifact would have (hash and
 * compressed size; shared ones at their stored size); store_write writes
 * it (a no-op if it is stored already), or returns false having written
 * nothing if a chunk it shares left the store meanwhile;
 * store_prepared_free forgets it.
 */
typedef struct StorePrepared StorePrepared;

/*
 * Rows to store: a relation's, or (relid invalid) rows handed over to a
 * worker, as heap pages in a file if any, else in a tuplestore
 * (store_rows.c reads them).
 */
typedef struct StoreRows
{
	Oid			relid;
	struct Tuplestorestate *tuples;
	TupleDesc	desc;			/* the rows handed over */
	struct BufFile *pages;
} StoreRows;

extern StorePrepared *store_prepare(const EgId *id, const StoreRows *rows);
extern int	store_prepared_chunks(const StorePrepared *p, StoreChunk **chunks);
extern bool store_prepared_refresh(StorePrepared *p);
extern bool store_write(StorePrepared *p, StoreStats *stats);
extern void store_prepared_free(StorePrepared *p);

/*
 * Restore artifact id into a new table "into" (temp if into->relpersistence
 * is RELPERSISTENCE_TEMP), created as the current user.  Returns the new
 * table's oid and sets *rows, or InvalidOid when it is not stored, or a
 * chunk is missing or corrupt.  Then, with damage NULL, a WARNING names the
 * artifact, and it is dropped from the store so it will not be served
 * again, and so is every other artifact using a bad chunk: *others lists
 * those, as EgId *, so that the caller can tell the graph.  With damage
 * not NULL, *damage says what is wrong (an error detail) and nothing is
 * dropped: for a caller that will fail.
 */
extern Oid	store_get(const EgId *id, const RangeVar *into, int64 *rows,
					  List **others, char **damage);

/* Send artifact id's rows to a receiver instead (store_get.c says more). */
extern bool store_get_rows(const EgId *id, TupleDesc desc, DestReceiver *dest,
						   int64 *rows, List **others);
/* ... or the artifact's own columns, dest started here with them. */
extern bool store_get_own_rows(const EgId *id, DestReceiver *dest, int64 *rows,
							   List **others, char **damage);
extern int	store_toast_begin(void);
extern void store_toast_end(int level);

/* restore.c: whether the caller may read a stored artifact, and the error when it could not */
extern void restore_check(const EgId *id, const char *what);
extern void restore_failed(const EgId *id, const char *damage, const char *done);

/* Drop artifact id from the store, freeing chunks nobody references. */
extern void store_drop(const EgId *id);

/*
 * Free every chunk that no stored artifact references any more (store_drop
 * skips chunks another transaction holds at that moment).  Returns the
 * compressed bytes freed.
 */
extern int64 store_sweep(void);

/* The distinct chunks of each of n stored artifacts (store_chunks.c). */
extern void store_chunks(const EgId *ids, int n, int *nchunks, StoreChunk **chunks);

/* Bytes the store holds: every chunk once, compressed. */
extern int64 store_total_bytes(void);

#endif							/* EG_STORE_H */
