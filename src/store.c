/*
 * store.c - content-addressed, column-wise storage of artifact contents:
 * the store's tables, the statements on them, and chunk lifetime.
 *
 * A stored artifact is its columns (eg.store_column) and, per column, a run
 * of segments (eg.store_segment: column, first row, rows, chunk key) whose
 * bytes live in content-addressed chunks (eg.chunk: zstd frame keyed by the
 * SHA-256 of the uncompressed segment; segment.c and segment_chunk.c have
 * the formats).  Writing is store_put.c, restoring store_get.c (decoding)
 * and store_heap.c (writing the rows); store_chunks.c lists an artifact's
 * chunks and store_check.c verifies the whole store (eg.check).  This file
 * has what they share and the small entry points (drop, sweep, total).
 *
 * Chunk lifetime: sweep, not reference counts.  A chunk lives while some
 * segment row references it (foreign key).  Reference counts would make
 * every put that shares a popular chunk update the same row, serialising
 * concurrent sessions on it and deadlocking two sessions that share chunks
 * in different orders.  Instead:
 *	- a put locks an existing chunk FOR KEY SHARE before deciding not to
 *	  store it (these locks do not conflict with each other) and inserts a
 *	  missing one with INSERT ... ON CONFLICT DO NOTHING, retrying the lock
 *	  if someone else inserted it meanwhile;
 *	- store_drop deletes the artifact's segments, then locks its chunks that
 *	  look unreferenced FOR UPDATE SKIP LOCKED and deletes those that, seen
 *	  from a fresh snapshot taken after the lock, are still unreferenced.
 *	  A chunk some put holds is skipped, never waited for; it stays until
 *	  store_sweep (for the materializer) or a later drop frees it.
 * So a put never waits for a drop's decision and a drop never waits at
 * all; only two puts inserting the same new chunk wait for each other (the
 * unique index), and the store_artifact primary key makes two sessions
 * storing the same artifact store it once (the second waits, then skips).
 * A reader needs no lock: it reads under one MVCC snapshot, which also
 * keeps VACUUM off the rows a concurrent drop deleted.
 *
 * Rights: every statement on eg's tables runs as the extension owner,
 * parameterised, from plans prepared once per backend (spi.c's eg_spi_exec);
 * search_path is pinned to eg's for the whole call so that no user object
 * can capture a name (type names printed for CREATE TABLE are resolved
 * against the same path).  Restored tables are created as the calling user.
 * The zstd contexts a call needs live outside palloc; they are freed by a
 * reset callback of the call's memory context, on every path.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "citus.h"
#include "eg.h"
#include "spi.h"
#include "store.h"
#include "store_internal.h"

/* Artifact ids travel as text, cast to eg.artifact_id in the statement. */
static EgStmt store_stmts[SP_COUNT_PLANS] = {
	[SP_ART_CLAIM] = EG_STMT(
		"INSERT INTO eg.store_artifact (artifact, nrows, ncolumns) "
		"VALUES ($1::eg.artifact_id, 0, $2) ON CONFLICT (artifact) DO NOTHING",
		SPI_OK_INSERT, 2, TEXTOID, INT4OID),
	[SP_ART_GET] = EG_STMT(
		"SELECT nrows, ncolumns, raw_bytes, stored_bytes FROM eg.store_artifact "
		"WHERE artifact = $1::eg.artifact_id",
		SPI_OK_SELECT, 1, TEXTOID),
	[SP_ART_FINISH] = EG_STMT(
		"UPDATE eg.store_artifact SET nrows = $2, raw_bytes = $3, stored_bytes = $4 "
		"WHERE artifact = $1::eg.artifact_id",
		SPI_OK_UPDATE, 4, TEXTOID, INT8OID, INT8OID, INT8OID),
	[SP_ART_DELETE] = EG_STMT(
		"DELETE FROM eg.store_artifact WHERE artifact = $1::eg.artifact_id",
		SPI_OK_DELETE, 1, TEXTOID),
	[SP_ART_CHUNKS] = EG_STMT(
		"SELECT s.artifact, c.hash, c.stored_bytes "
		"FROM (SELECT DISTINCT artifact, chunk FROM eg.store_segment "
		"      WHERE artifact = ANY ($1::text[]::eg.artifact_id[])) s "
		"JOIN eg.chunk c ON c.hash = s.chunk",
		SPI_OK_SELECT, 1, TEXTARRAYOID),
	[SP_COL_INSERT] = EG_STMT(
		"INSERT INTO eg.store_column "
		"(artifact, attnum, name, typid, typmod, collid, typesig) "
		"SELECT $1::eg.artifact_id, c.* FROM unnest($2::int4[], $3::name[], "
		"$4::oid[], $5::int4[], $6::oid[], $7::bytea[]) AS c",
		SPI_OK_INSERT, 7, TEXTOID, INT4ARRAYOID, NAMEARRAYOID, OIDARRAYOID,
		INT4ARRAYOID, OIDARRAYOID, BYTEAARRAYOID),
	[SP_COL_LIST] = EG_STMT(
		"SELECT attnum, name, typid, typmod, collid, typesig FROM eg.store_column "
		"WHERE artifact = $1::eg.artifact_id ORDER BY attnum",
		SPI_OK_SELECT, 1, TEXTOID),
	[SP_SEG_INSERT] = EG_STMT(
		"INSERT INTO eg.store_segment (artifact, attnum, first_row, nrows, chunk) "
		"SELECT $1::eg.artifact_id, s.* FROM unnest($2::int4[], $3::int8[], "
		"$4::int4[], $5::bytea[]) AS s",
		SPI_OK_INSERT, 5, TEXTOID, INT4ARRAYOID, INT8ARRAYOID, INT4ARRAYOID,
		BYTEAARRAYOID),
	[SP_SEG_LIST] = EG_STMT(
		"SELECT attnum, first_row, nrows, chunk FROM eg.store_segment "
		"WHERE artifact = $1::eg.artifact_id ORDER BY attnum, first_row",
		SPI_OK_SELECT, 1, TEXTOID),
	[SP_SEG_DELETE] = EG_STMT(
		"WITH d AS (DELETE FROM eg.store_segment "
		"WHERE artifact = $1::eg.artifact_id RETURNING chunk) "
		"SELECT DISTINCT chunk FROM d",
		SPI_OK_SELECT, 1, TEXTOID),
	[SP_CHUNK_LOCK] = EG_STMT(
		"SELECT stored_bytes FROM eg.chunk WHERE hash = $1 FOR KEY SHARE",
		SPI_OK_SELECT, 1, BYTEAOID),
	[SP_CHUNK_SIZE] = EG_STMT(
		"SELECT stored_bytes FROM eg.chunk WHERE hash = $1",
		SPI_OK_SELECT, 1, BYTEAOID),
	[SP_CHUNK_SIZES] = EG_STMT(
		"SELECT hash, stored_bytes FROM eg.chunk WHERE hash = ANY ($1)",
		SPI_OK_SELECT, 1, BYTEAARRAYOID),
	[SP_CHUNK_LOCK_MANY] = EG_STMT(
		"SELECT hash FROM eg.chunk WHERE hash = ANY ($1) FOR KEY SHARE",
		SPI_OK_SELECT, 1, BYTEAARRAYOID),
	[SP_CHUNK_INSERT] = EG_STMT(
		"INSERT INTO eg.chunk (hash, raw_bytes, stored_bytes, data) "
		"VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING",
		SPI_OK_INSERT, 4, BYTEAOID, INT8OID, INT8OID, BYTEAOID),
	/* where eg.chunk_data is distributed: the key and sizes here, bytes there */
	[SP_CHUNK_INSERT_META] = EG_STMT(
		"INSERT INTO eg.chunk (hash, raw_bytes, stored_bytes) "
		"VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING",
		SPI_OK_INSERT, 3, BYTEAOID, INT8OID, INT8OID),
	[SP_DATA_INSERT] = EG_STMT(
		"INSERT INTO eg.chunk_data (hash, raw_bytes, data) "
		"VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING",
		SPI_OK_INSERT, 3, BYTEAOID, INT8OID, BYTEAOID),
	[SP_CHUNK_FETCH_MANY] = EG_STMT(
		"SELECT hash, raw_bytes, data FROM eg.chunk WHERE hash = ANY ($1)",
		SPI_OK_SELECT, 1, BYTEAARRAYOID),
	[SP_DATA_FETCH_MANY] = EG_STMT(
		"SELECT hash, raw_bytes, data FROM eg.chunk_data WHERE hash = ANY ($1)",
		SPI_OK_SELECT, 1, BYTEAARRAYOID),
	[SP_CHUNK_USERS] = EG_STMT(
		"SELECT DISTINCT artifact, artifact::text AS hex FROM eg.store_segment "
		"WHERE chunk = $1",
		SPI_OK_SELECT, 1, BYTEAOID),
	[SP_CHUNK_CLAIM_FREE] = EG_STMT(
		"SELECT c.hash FROM eg.chunk c WHERE c.hash = ANY ($1) "
		"AND NOT EXISTS (SELECT 1 FROM eg.store_segment s WHERE s.chunk = c.hash) "
		"FOR UPDATE OF c SKIP LOCKED",
		SPI_OK_SELECT, 1, BYTEAARRAYOID),
	[SP_CHUNK_CLAIM_ALL] = EG_STMT(
		"SELECT c.hash FROM eg.chunk c "
		"WHERE NOT EXISTS (SELECT 1 FROM eg.store_segment s WHERE s.chunk = c.hash) "
		"FOR UPDATE OF c SKIP LOCKED",
		SPI_OK_SELECT, 0, InvalidOid),
	[SP_CHUNK_FREE] = EG_STMT(
		"DELETE FROM eg.chunk c WHERE c.hash = ANY ($1) "
		"AND NOT EXISTS (SELECT 1 FROM eg.store_segment s WHERE s.chunk = c.hash) "
		"RETURNING c.hash, c.stored_bytes",
		SPI_OK_DELETE_RETURNING, 1, BYTEAARRAYOID),
	[SP_DATA_FREE] = EG_STMT(
		"DELETE FROM eg.chunk_data WHERE hash = ANY ($1)",
		SPI_OK_DELETE, 1, BYTEAARRAYOID),
	[SP_TOTAL] = EG_STMT(
		"SELECT COALESCE(sum(stored_bytes), 0)::int8 AS total FROM eg.chunk",
		SPI_OK_SELECT, 0, InvalidOid),
};


/* ---------- session and statements ---------- */

/*
 * Start a store call: make its memory context (current until StoreEnd),
 * connect SPI and pin search_path for the whole call.
 */
void
StoreBegin(StoreSession *s, const EgId *id, const char *cxtname)
{
	s->cxt = AllocSetContextCreate(CurrentMemoryContext, "eg store",
								   ALLOCSET_DEFAULT_SIZES);
	MemoryContextSetIdentifier(s->cxt, cxtname);
	eg_spi_connect();
	MemoryContextSwitchTo(s->cxt);
	s->gucnest = eg_spi_pin_search_path();
	s->hex = id ? eg_id_to_hex(id) : NULL;
}

/*
 * Undo StoreBegin on the normal path: the call's memory (and the zstd
 * contexts it owns) goes; errors are cleaned up by abort.
 */
void
StoreEnd(StoreSession *s)
{
	eg_spi_unpin_search_path(s->gucnest);
	eg_spi_finish();
	MemoryContextDelete(s->cxt);
}

/*
 * Run statement p (as the owner, see spi.c); returns the rows processed,
 * the result is SPI_tuptable.  read_only statements see the active
 * snapshot.  The caller's memory context stays current.
 */
uint64
StoreExec(StorePlanId p, const Datum *values, bool read_only)
{
	return eg_spi_exec(&store_stmts[p], values, NULL, read_only);
}

/* A chunk key as a bytea datum, in the current memory context. */
Datum
StoreKeyDatum(const uint8 *key)
{
	bytea	   *b = palloc(VARHDRSZ + SEGMENT_HASH_LEN);

	SET_VARSIZE(b, VARHDRSZ + SEGMENT_HASH_LEN);
	memcpy(VARDATA(b), key, SEGMENT_HASH_LEN);
	return PointerGetDatum(b);
}

/* Copy a chunk key out of a bytea datum; false if it is not one. */
bool
StoreKeyFromDatum(Datum d, uint8 *key)
{
	bytea	   *b = DatumGetByteaPP(d);

	if (VARSIZE_ANY_EXHDR(b) != SEGMENT_HASH_LEN)
		return false;
	memcpy(key, VARDATA_ANY(b), SEGMENT_HASH_LEN);
	return true;
}

/* Key as 64 hex digits, for messages. */
char *
StoreKeyHex(const uint8 *key)
{
	char	   *out = palloc(SEGMENT_HASH_LEN * 2 + 1);

	for (int i = 0; i < SEGMENT_HASH_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", key[i]);
	return out;
}


/* ---------- zstd contexts ---------- */

/* Free a zstd compression context (a memory context reset callback). */
static void
StoreFreeCCtx(void *arg)
{
	(void) ZSTD_freeCCtx((ZSTD_CCtx *) arg);
}

/* Free a zstd decompression context (a memory context reset callback). */
static void
StoreFreeDCtx(void *arg)
{
	(void) ZSTD_freeDCtx((ZSTD_DCtx *) arg);
}

/*
 * A zstd compression (compress) or decompression context that owner's
 * reset or deletion frees.  The callback is allocated first, so that no
 * context can be left unowned.
 */
static void *
StoreZstd(MemoryContext owner, bool compress)
{
	MemoryContextCallback *cb = MemoryContextAlloc(owner, sizeof(MemoryContextCallback));

	cb->func = compress ? StoreFreeCCtx : StoreFreeDCtx;
	cb->arg = compress ? (void *) ZSTD_createCCtx() : (void *) ZSTD_createDCtx();
	if (cb->arg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 compress ?
				 errdetail("Could not create a zstd compression context.") :
				 errdetail("Could not create a zstd decompression context.")));
	MemoryContextRegisterResetCallback(owner, cb);
	return cb->arg;
}

/* A zstd compression context, freed when owner is reset or deleted. */
ZSTD_CCtx *
StoreCCtx(MemoryContext owner)
{
	return (ZSTD_CCtx *) StoreZstd(owner, true);
}

/* A zstd decompression context, freed when owner is reset or deleted. */
ZSTD_DCtx *
StoreDCtx(MemoryContext owner)
{
	return (ZSTD_DCtx *) StoreZstd(owner, false);
}


/* ---------- freeing chunks ---------- */

/*
 * Free the chunks among keys (a bytea[] datum; with all, every chunk) that
 * no segment references and no other transaction holds.  Returns the
 * compressed bytes freed.
 */
int64
StoreFreeChunks(Datum keys, bool all)
{
	Datum		args[1];
	uint64		n;
	Datum	   *locked;
	int64		freed = 0;

	args[0] = keys;
	n = StoreExec(all ? SP_CHUNK_CLAIM_ALL : SP_CHUNK_CLAIM_FREE, args, false);
	if (n == 0)
	{
		eg_spi_free_result();
		return 0;
	}

	/* delete what we locked, re-checked under a snapshot taken after it */
	locked = palloc(n * sizeof(Datum));
	for (uint64 i = 0; i < n; i++)
		locked[i] = PointerGetDatum(PG_DETOAST_DATUM_COPY(eg_spi_get_notnull(i, "hash")));
	eg_spi_free_result();
	args[0] = PointerGetDatum(construct_array(locked, (int) n, BYTEAOID,
											  -1, false, TYPALIGN_INT));
	n = StoreExec(SP_CHUNK_FREE, args, false);
	for (uint64 i = 0; i < n; i++)
	{
		freed += DatumGetInt64(eg_spi_get_notnull(i, "stored_bytes"));
		locked[i] = PointerGetDatum(PG_DETOAST_DATUM_COPY(eg_spi_get_notnull(i, "hash")));
	}
	eg_spi_free_result();
	/* their bytes, where the workers hold them (the same transaction) */
	if (n > 0 && citus_store_distributed())
	{
		args[0] = PointerGetDatum(construct_array(locked, (int) n, BYTEAOID,
												  -1, false, TYPALIGN_INT));
		(void) StoreExec(SP_DATA_FREE, args, false);
	}
	return freed;
}

/* Remove artifact hex's segments, columns and row; free its free chunks. */
void
StoreDropArtifact(const char *hex)
{
	Datum		args[1];
	uint64		n;
	Datum	   *keys;
	Datum		arr;

	args[0] = CStringGetTextDatum(hex);
	n = StoreExec(SP_SEG_DELETE, args, false);
	if (n == 0)
	{
		eg_spi_free_result();
		(void) StoreExec(SP_ART_DELETE, args, false);
		return;
	}
	keys = palloc(n * sizeof(Datum));
	for (uint64 i = 0; i < n; i++)
		keys[i] = PointerGetDatum(PG_DETOAST_DATUM_COPY(eg_spi_get_notnull(i, "chunk")));
	eg_spi_free_result();
	arr = PointerGetDatum(construct_array(keys, (int) n, BYTEAOID,
										  -1, false, TYPALIGN_INT));
	(void) StoreExec(SP_ART_DELETE, args, false);
	(void) StoreFreeChunks(arr, false);
}


/* Drop artifact id from the store, freeing chunks nobody references. */
void
store_drop(const EgId *id)
{
	StoreSession s;

	StoreBegin(&s, id, "eg store drop");
	StoreDropArtifact(s.hex);
	StoreEnd(&s);
}

/* Free every chunk no segment references (left by drops that skipped it). */
int64
store_sweep(void)
{
	StoreSession s;
	int64		freed;

	StoreBegin(&s, NULL, "eg store sweep");
	freed = StoreFreeChunks((Datum) 0, true);
	StoreEnd(&s);
	return freed;
}

/* Bytes the store holds: every chunk once, compressed. */
int64
store_total_bytes(void)
{
	StoreSession s;
	int64		total;

	StoreBegin(&s, NULL, "eg store total");
	(void) StoreExec(SP_TOTAL, NULL, false);
	total = DatumGetInt64(eg_spi_get_notnull(0, "total"));
	eg_spi_free_result();
	StoreEnd(&s);
	return total;
}
