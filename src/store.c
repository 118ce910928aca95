/*
 * store.c - content-addressed, column-wise storage of artifact contents.
 *
 * store_put scans a relation with the table AM and cuts every column into
 * segments (segment.c: up to SEGMENT_MAX_ROWS rows or SEGMENT_TARGET_BYTES
 * each, decided per column so that an identical column always gives
 * identical segments).  A segment is hashed (SHA-256 of its uncompressed
 * image: the chunk key), and only when no chunk has that key is it
 * compressed with zstd and inserted into eg.chunk.  The artifact is
 * recorded as its columns (eg.store_column) and its segments
 * (eg.store_segment: column, first row, rows, chunk key).  store_get
 * creates the target table as the calling user, reads the segments under
 * one MVCC snapshot, decompresses and verifies every chunk against its key,
 * walks the images with bounds checks and bulk-inserts the rows.  A chunk
 * that is missing, unreadable or does not match its key costs a WARNING:
 * the table is dropped, every artifact using the chunk leaves the store,
 * and the caller recomputes.
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
 *	  store_sweep (run by the materializer) or a later drop frees it.
 * So a put never waits for a drop's decision and a drop never waits at
 * all; only two puts inserting the same new chunk wait for each other (the
 * unique index), and the store_artifact primary key makes two sessions
 * storing the same artifact store it once (the second waits, then skips).
 *
 * Rights: every statement on eg's tables runs as the extension owner
 * (eg_become_owner), parameterised, from plans prepared once per backend,
 * with search_path pinned to pg_catalog, eg, pg_temp for the whole call so
 * that no user object can capture a name in them.  The restored table is
 * created as the calling user.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "eg.h"
#include "segment.h"
#include "store.h"

/*
 * store_put flushes the biggest open segment early while all columns
 * together buffer more than this.  Only very wide relations reach it; it
 * bounds memory at the cost of column-independent segment boundaries.
 */
#define STORE_PUT_MAX_BUFFERED	((Size) 256 * 1024 * 1024)

/* Segment rows are inserted in batches of this many. */
#define STORE_SEGMENT_BATCH		1024

/* store_get hands the heap this many tuples (or bytes) at a time. */
#define STORE_INSERT_BATCH		1000
#define STORE_INSERT_BATCH_BYTES	((Size) 1024 * 1024)

/* search_path for the whole of every store call */
#define STORE_SEARCH_PATH		"pg_catalog, eg, pg_temp"

/* The prepared statements on eg's tables. */
typedef enum StorePlanId
{
	SP_ART_CLAIM,
	SP_ART_GET,
	SP_ART_FINISH,
	SP_ART_DELETE,
	SP_COL_INSERT,
	SP_COL_LIST,
	SP_SEG_INSERT,
	SP_SEG_LIST,
	SP_SEG_DELETE,
	SP_CHUNK_LOCK,
	SP_CHUNK_INSERT,
	SP_CHUNK_FETCH,
	SP_CHUNK_USERS,
	SP_CHUNK_CLAIM_FREE,
	SP_CHUNK_CLAIM_ALL,
	SP_CHUNK_FREE,
	SP_TOTAL,
	SP_COUNT_PLANS
} StorePlanId;

typedef struct StorePlanDef
{
	const char *sql;
	int			nargs;
	Oid			argtypes[7];
} StorePlanDef;

/* Artifact ids travel as text, cast to eg.artifact_id in the statement. */
static const StorePlanDef store_plan_defs[SP_COUNT_PLANS] = {
	[SP_ART_CLAIM] = {
		"INSERT INTO eg.store_artifact (artifact, nrows, ncolumns) "
		"VALUES ($1::eg.artifact_id, 0, $2) ON CONFLICT (artifact) DO NOTHING",
		2, {TEXTOID, INT4OID}},
	[SP_ART_GET] = {
		"SELECT nrows, ncolumns, raw_bytes, stored_bytes FROM eg.store_artifact "
		"WHERE artifact = $1::eg.artifact_id",
		1, {TEXTOID}},
	[SP_ART_FINISH] = {
		"UPDATE eg.store_artifact SET nrows = $2, raw_bytes = $3, stored_bytes = $4 "
		"WHERE artifact = $1::eg.artifact_id",
		4, {TEXTOID, INT8OID, INT8OID, INT8OID}},
	[SP_ART_DELETE] = {
		"DELETE FROM eg.store_artifact WHERE artifact = $1::eg.artifact_id",
		1, {TEXTOID}},
	[SP_COL_INSERT] = {
		"INSERT INTO eg.store_column "
		"(artifact, attnum, name, typid, typmod, collid, typesig) "
		"SELECT $1::eg.artifact_id, c.* FROM unnest($2::int4[], $3::name[], "
		"$4::oid[], $5::int4[], $6::oid[], $7::bytea[]) AS c",
		7, {TEXTOID, INT4ARRAYOID, NAMEARRAYOID, OIDARRAYOID, INT4ARRAYOID,
		OIDARRAYOID, BYTEAARRAYOID}},
	[SP_COL_LIST] = {
		"SELECT attnum, name, typid, typmod, collid, typesig FROM eg.store_column "
		"WHERE artifact = $1::eg.artifact_id ORDER BY attnum",
		1, {TEXTOID}},
	[SP_SEG_INSERT] = {
		"INSERT INTO eg.store_segment (artifact, attnum, first_row, nrows, chunk) "
		"SELECT $1::eg.artifact_id, s.* FROM unnest($2::int4[], $3::int8[], "
		"$4::int4[], $5::bytea[]) AS s",
		5, {TEXTOID, INT4ARRAYOID, INT8ARRAYOID, INT4ARRAYOID, BYTEAARRAYOID}},
	[SP_SEG_LIST] = {
		"SELECT attnum, first_row, nrows, chunk FROM eg.store_segment "
		"WHERE artifact = $1::eg.artifact_id ORDER BY attnum, first_row",
		1, {TEXTOID}},
	[SP_SEG_DELETE] = {
		"WITH d AS (DELETE FROM eg.store_segment "
		"WHERE artifact = $1::eg.artifact_id RETURNING chunk) "
		"SELECT DISTINCT chunk FROM d",
		1, {TEXTOID}},
	[SP_CHUNK_LOCK] = {
		"SELECT stored_bytes FROM eg.chunk WHERE hash = $1 FOR KEY SHARE",
		1, {BYTEAOID}},
	[SP_CHUNK_INSERT] = {
		"INSERT INTO eg.chunk (hash, raw_bytes, stored_bytes, data) "
		"VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING",
		4, {BYTEAOID, INT8OID, INT8OID, BYTEAOID}},
	[SP_CHUNK_FETCH] = {
		"SELECT raw_bytes, data FROM eg.chunk WHERE hash = $1",
		1, {BYTEAOID}},
	[SP_CHUNK_USERS] = {
		"SELECT DISTINCT artifact::text FROM eg.store_segment WHERE chunk = $1",
		1, {BYTEAOID}},
	[SP_CHUNK_CLAIM_FREE] = {
		"SELECT c.hash FROM eg.chunk c WHERE c.hash = ANY ($1) "
		"AND NOT EXISTS (SELECT 1 FROM eg.store_segment s WHERE s.chunk = c.hash) "
		"FOR UPDATE OF c SKIP LOCKED",
		1, {BYTEAARRAYOID}},
	[SP_CHUNK_CLAIM_ALL] = {
		"SELECT c.hash FROM eg.chunk c "
		"WHERE NOT EXISTS (SELECT 1 FROM eg.store_segment s WHERE s.chunk = c.hash) "
		"FOR UPDATE OF c SKIP LOCKED",
		0, {InvalidOid}},
	[SP_CHUNK_FREE] = {
		"DELETE FROM eg.chunk c WHERE c.hash = ANY ($1) "
		"AND NOT EXISTS (SELECT 1 FROM eg.store_segment s WHERE s.chunk = c.hash) "
		"RETURNING c.stored_bytes",
		1, {BYTEAARRAYOID}},
	[SP_TOTAL] = {
		"SELECT COALESCE(sum(stored_bytes), 0)::int8 FROM eg.chunk",
		0, {InvalidOid}},
};

static SPIPlanPtr store_plans[SP_COUNT_PLANS];

/* State of one store call: SPI level, memory, pinned search_path. */
typedef struct StoreSession
{
	MemoryContext cxt;			/* "eg store": lives for the call */
	int			gucnest;
	char	   *hex;			/* the artifact id as text, or NULL */
} StoreSession;

/* One column of a store_put. */
typedef struct StorePutColumn
{
	int			attidx;			/* index in the source tuple descriptor */
	int			colno;			/* 1-based position in the artifact */
	const char *name;
	int64		first_row;		/* artifact row of the open segment's first */
	SegmentWriter w;
} StorePutColumn;

/* Working state of store_put. */
typedef struct StorePutState
{
	StoreSession *s;
	int			ncols;
	StorePutColumn *cols;
	ZSTD_CCtx  *cctx;
	MemoryContext segcxt;		/* "eg store segment": reset per segment */
	MemoryContext batchcxt;		/* "eg store segment rows": per batch */
	char	   *cbuf;			/* compression output, reused */
	Size		cbufcap;
	HTAB	   *seen;			/* chunk keys already counted */
	Size		buffered;		/* bytes held by all writers */
	int			npending;		/* segment rows not yet inserted */
	Datum		p_attnum[STORE_SEGMENT_BATCH];
	Datum		p_first[STORE_SEGMENT_BATCH];
	Datum		p_nrows[STORE_SEGMENT_BATCH];
	Datum		p_chunk[STORE_SEGMENT_BATCH];
	StoreStats *stats;
} StorePutState;

/* One segment of a column, as listed for store_get. */
typedef struct StoreSegRef
{
	int64		first_row;
	int32		nrows;
	uint8		key[SEGMENT_HASH_LEN];
} StoreSegRef;

/* One column of a store_get. */
typedef struct StoreGetColumn
{
	char	   *name;
	Oid			typid;
	int32		typmod;
	Oid			collid;
	uint8		typesig[SEGMENT_HASH_LEN];
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			nsegs;
	int			segcap;
	StoreSegRef *segs;
	int			nextseg;		/* next segment to load */
	bool		open;			/* reader holds a segment */
	SegmentReader r;
	char	   *raw;			/* decompressed segment, reused */
	Size		rawcap;
} StoreGetColumn;

/* Working state of store_get. */
typedef struct StoreGetState
{
	StoreSession *s;
	int64		nrows;
	int			ncols;
	StoreGetColumn *cols;
	ZSTD_DCtx  *dctx;
	MemoryContext colcxt;		/* "eg store columns": decoded segments */
	MemoryContext chunkcxt;		/* "eg store chunk": reset per chunk */
	/* what went wrong, if anything */
	const char *bad_reason;
	int			bad_col;		/* -1: not column-specific */
	const StoreSegRef *bad_seg;
	bool		bad_chunk;		/* the chunk itself is bad: delete it */
} StoreGetState;

/* Key entry of StorePutState.seen. */
typedef struct StoreSeenKey
{
	uint8		key[SEGMENT_HASH_LEN];
} StoreSeenKey;

static void StoreDropArtifact(StoreSession *s, const char *hex);


/* ---------- session and SPI plumbing ---------- */

/* Connect SPI, make the call's memory context, pin search_path. */
static void
StoreBegin(StoreSession *s, const EgId *id, const char *cxtname)
{
	s->cxt = AllocSetContextCreate(CurrentMemoryContext, "eg store",
								   ALLOCSET_DEFAULT_SIZES);
	MemoryContextSetIdentifier(s->cxt, cxtname);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	MemoryContextSwitchTo(s->cxt);
	s->gucnest = NewGUCNestLevel();
	(void) set_config_option("search_path", STORE_SEARCH_PATH,
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	s->hex = id ? eg_id_to_hex(id) : NULL;
}

/* Undo StoreBegin on the normal path (errors are cleaned up by abort). */
static void
StoreEnd(StoreSession *s)
{
	AtEOXact_GUC(true, s->gucnest);
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
	MemoryContextDelete(s->cxt);
}

/* The prepared plan for statement p, preparing it on first use. */
static SPIPlanPtr
StorePlan(StorePlanId p)
{
	if (store_plans[p] == NULL)
	{
		MemoryContext cxt = CurrentMemoryContext;
		const StorePlanDef *def = &store_plan_defs[p];
		EgUserSwitch sw;
		SPIPlanPtr	plan;

		eg_become_owner(&sw);
		plan = SPI_prepare(def->sql, def->nargs, (Oid *) def->argtypes);
		eg_restore_user(&sw);
		MemoryContextSwitchTo(cxt);
		if (plan == NULL)
			elog(ERROR, "could not prepare \"%s\": %s",
				 def->sql, SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		store_plans[p] = plan;
	}
	return store_plans[p];
}

/*
 * Run statement p as the extension owner; check its result code and return
 * the number of rows processed.  read_only statements see the active
 * snapshot.  Keeps the caller's memory context current.
 */
static uint64
StoreExec(StorePlanId p, Datum *values, bool read_only, int expect)
{
	MemoryContext cxt = CurrentMemoryContext;
	SPIPlanPtr	plan = StorePlan(p);
	EgUserSwitch sw;
	int			rc;

	eg_become_owner(&sw);
	rc = SPI_execute_plan(plan, values, NULL, read_only, 0);
	eg_restore_user(&sw);
	MemoryContextSwitchTo(cxt);
	if (rc != expect)
		elog(ERROR, "store statement \"%s\" failed: %s",
			 store_plan_defs[p].sql, SPI_result_code_string(rc));
	return SPI_processed;
}

/* Column col (1-based) of row i of the last result; NULL is can't-happen. */
static Datum
StoreResult(uint64 i, int col)
{
	bool		isnull;
	Datum		d;

	d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, col,
					  &isnull);
	if (isnull)
		elog(ERROR, "unexpected null in store result column %d", col);
	return d;
}

/* A chunk key as a bytea datum, in the current memory context. */
static Datum
StoreKeyDatum(const uint8 *key)
{
	bytea	   *b = palloc(VARHDRSZ + SEGMENT_HASH_LEN);

	SET_VARSIZE(b, VARHDRSZ + SEGMENT_HASH_LEN);
	memcpy(VARDATA(b), key, SEGMENT_HASH_LEN);
	return PointerGetDatum(b);
}

/* Copy a 32-byte key out of a bytea datum; false if it is not one. */
static bool
StoreKeyFromDatum(Datum d, uint8 *key)
{
	bytea	   *b = DatumGetByteaPP(d);

	if (VARSIZE_ANY_EXHDR(b) != SEGMENT_HASH_LEN)
		return false;
	memcpy(key, VARDATA_ANY(b), SEGMENT_HASH_LEN);
	return true;
}

/* Key as 64 hex digits, for messages. */
static char *
StoreKeyHex(const uint8 *key)
{
	char	   *out = palloc(SEGMENT_HASH_LEN * 2 + 1);

	for (int i = 0; i < SEGMENT_HASH_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", key[i]);
	return out;
}

/* Seconds since start. */
static double
StoreElapsed(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_DOUBLE(now);
}


/* ---------- freeing chunks ---------- */

/*
 * Free the chunks among keys (a bytea[] datum) that no segment references
 * and no other transaction holds.  Returns the compressed bytes freed.
 */
static int64
StoreFreeChunks(Datum keys, bool all)
{
	Datum		args[1];
	uint64		n;
	Datum	   *locked;
	int64		freed = 0;

	args[0] = keys;
	if (all)
		n = StoreExec(SP_CHUNK_CLAIM_ALL, NULL, false, SPI_OK_SELECT);
	else
		n = StoreExec(SP_CHUNK_CLAIM_FREE, args, false, SPI_OK_SELECT);
	if (n == 0)
	{
		SPI_freetuptable(SPI_tuptable);
		return 0;
	}

	/* delete what we locked, re-checked under a snapshot taken after it */
	locked = palloc(n * sizeof(Datum));
	for (uint64 i = 0; i < n; i++)
		locked[i] = PointerGetDatum(PG_DETOAST_DATUM_COPY(StoreResult(i, 1)));
	SPI_freetuptable(SPI_tuptable);
	args[0] = PointerGetDatum(construct_array(locked, (int) n, BYTEAOID,
											  -1, false, TYPALIGN_INT));
	n = StoreExec(SP_CHUNK_FREE, args, false, SPI_OK_DELETE_RETURNING);
	for (uint64 i = 0; i < n; i++)
		freed += DatumGetInt64(StoreResult(i, 1));
	SPI_freetuptable(SPI_tuptable);
	return freed;
}

/* Remove artifact hex's segments, columns and row; free its free chunks. */
static void
StoreDropArtifact(StoreSession *s, const char *hex)
{
	Datum		args[1];
	uint64		n;

	args[0] = CStringGetTextDatum(hex);
	n = StoreExec(SP_SEG_DELETE, args, false, SPI_OK_SELECT);
	if (n > 0)
	{
		Datum	   *keys = palloc(n * sizeof(Datum));
		Datum		arr;

		for (uint64 i = 0; i < n; i++)
			keys[i] = PointerGetDatum(PG_DETOAST_DATUM_COPY(StoreResult(i, 1)));
		SPI_freetuptable(SPI_tuptable);
		arr = PointerGetDatum(construct_array(keys, (int) n, BYTEAOID,
											  -1, false, TYPALIGN_INT));
		(void) StoreExec(SP_ART_DELETE, args, false, SPI_OK_DELETE);
		(void) StoreFreeChunks(arr, false);
	}
	else
	{
		SPI_freetuptable(SPI_tuptable);
		(void) StoreExec(SP_ART_DELETE, args, false, SPI_OK_DELETE);
	}
}


/* ---------- store_put ---------- */

/* Insert the pending segment rows. */
static void
StorePutFlushSegments(StorePutState *ps)
{
	Datum		args[5];
	MemoryContext old;

	if (ps->npending == 0)
		return;
	old = MemoryContextSwitchTo(ps->batchcxt);
	args[0] = CStringGetTextDatum(ps->s->hex);
	args[1] = PointerGetDatum(construct_array(ps->p_attnum, ps->npending,
											  INT4OID, 4, true, TYPALIGN_INT));
	args[2] = PointerGetDatum(construct_array(ps->p_first, ps->npending,
											  INT8OID, 8, FLOAT8PASSBYVAL,
											  TYPALIGN_DOUBLE));
	args[3] = PointerGetDatum(construct_array(ps->p_nrows, ps->npending,
											  INT4OID, 4, true, TYPALIGN_INT));
	args[4] = PointerGetDatum(construct_array(ps->p_chunk, ps->npending,
											  BYTEAOID, -1, false, TYPALIGN_INT));
	(void) StoreExec(SP_SEG_INSERT, args, false, SPI_OK_INSERT);
	MemoryContextSwitchTo(old);
	MemoryContextReset(ps->batchcxt);
	ps->npending = 0;
}

/*
 * Close column c's open segment: hash it, find or insert its chunk (locked
 * so no sweep can free it before we commit), queue its segment row.
 */
static void
StorePutFlushColumn(StorePutState *ps, StorePutColumn *c)
{
	MemoryContext old;
	char	   *seg;
	Size		len;
	uint8		key[SEGMENT_HASH_LEN];
	Datum		args[4];
	int64		stored = 0;
	bool		isnew = false;
	bool		compressed = false;
	Size		csize = 0;
	StoreSeenKey *entry;
	bool		found;

	if (c->w.nrows == 0)
		return;

	old = MemoryContextSwitchTo(ps->segcxt);
	seg = segment_writer_seal(&c->w, &len);
	segment_hash(seg, len, key);
	args[0] = StoreKeyDatum(key);

	for (int attempt = 0;; attempt++)
	{
		if (StoreExec(SP_CHUNK_LOCK, args, false, SPI_OK_SELECT) == 1)
		{
			stored = DatumGetInt64(StoreResult(0, 1));
			SPI_freetuptable(SPI_tuptable);
			break;
		}
		SPI_freetuptable(SPI_tuptable);

		if (!compressed)
		{
			csize = segment_compress(ps->cctx, seg, len, eg_compression_level,
									 &ps->cbuf, &ps->cbufcap, ps->s->cxt);
			compressed = true;
		}
		args[1] = Int64GetDatum((int64) len);
		args[2] = Int64GetDatum((int64) csize);
		args[3] = PointerGetDatum(ps->cbuf);
		if (StoreExec(SP_CHUNK_INSERT, args, false, SPI_OK_INSERT) == 1)
		{
			stored = (int64) csize;
			isnew = true;
			break;
		}
		/* someone inserted it since our lock attempt: lock theirs */
		if (attempt >= 100)
			elog(ERROR, "chunk %s keeps appearing and disappearing",
				 StoreKeyHex(key));
	}

	ps->stats->raw_bytes += len;
	entry = hash_search(ps->seen, key, HASH_ENTER, &found);
	if (!found)
	{
		ps->stats->stored_bytes += stored;
		if (isnew)
			ps->stats->new_bytes += stored;
	}
	MemoryContextSwitchTo(old);

	/* queue the segment row */
	MemoryContextSwitchTo(ps->batchcxt);
	ps->p_attnum[ps->npending] = Int32GetDatum(c->colno);
	ps->p_first[ps->npending] = Int64GetDatum(c->first_row);
	ps->p_nrows[ps->npending] = Int32GetDatum((int32) c->w.nrows);
	ps->p_chunk[ps->npending] = StoreKeyDatum(entry->key);
	ps->npending++;
	MemoryContextSwitchTo(old);

	c->first_row += c->w.nrows;
	ps->buffered -= segment_writer_memory(&c->w);
	segment_writer_reset(&c->w);
	MemoryContextReset(ps->segcxt);

	if (ps->npending == STORE_SEGMENT_BATCH)
		StorePutFlushSegments(ps);
}

/* Flush the biggest open segment (memory bound for very wide relations). */
static void
StorePutFlushLargest(StorePutState *ps)
{
	StorePutColumn *big = NULL;
	Size		bigmem = 0;

	for (int i = 0; i < ps->ncols; i++)
	{
		Size		m = segment_writer_memory(&ps->cols[i].w);

		if (ps->cols[i].w.nrows > 0 && (big == NULL || m > bigmem))
		{
			big = &ps->cols[i];
			bigmem = m;
		}
	}
	if (big != NULL)
		StorePutFlushColumn(ps, big);
}

/* Record the artifact's columns (with their type signatures). */
static void
StorePutColumns(StorePutState *ps, TupleDesc tupdesc)
{
	int			n = ps->ncols;
	Datum	   *attnums,
			   *names,
			   *typids,
			   *typmods,
			   *collids,
			   *sigs;
	Datum		args[7];

	if (n == 0)
		return;
	attnums = palloc(n * sizeof(Datum));
	names = palloc(n * sizeof(Datum));
	typids = palloc(n * sizeof(Datum));
	typmods = palloc(n * sizeof(Datum));
	collids = palloc(n * sizeof(Datum));
	sigs = palloc(n * sizeof(Datum));
	for (int i = 0; i < n; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, ps->cols[i].attidx);
		uint8		sig[SEGMENT_HASH_LEN];

		segment_type_signature(att->atttypid, sig);
		attnums[i] = Int32GetDatum(ps->cols[i].colno);
		names[i] = NameGetDatum(&att->attname);
		typids[i] = ObjectIdGetDatum(att->atttypid);
		typmods[i] = Int32GetDatum(att->atttypmod);
		collids[i] = ObjectIdGetDatum(att->attcollation);
		sigs[i] = StoreKeyDatum(sig);
	}
	args[0] = CStringGetTextDatum(ps->s->hex);
	args[1] = PointerGetDatum(construct_array(attnums, n, INT4OID, 4, true,
											  TYPALIGN_INT));
	args[2] = PointerGetDatum(construct_array(names, n, NAMEOID, NAMEDATALEN,
											  false, TYPALIGN_CHAR));
	args[3] = PointerGetDatum(construct_array(typids, n, OIDOID, 4, true,
											  TYPALIGN_INT));
	args[4] = PointerGetDatum(construct_array(typmods, n, INT4OID, 4, true,
											  TYPALIGN_INT));
	args[5] = PointerGetDatum(construct_array(collids, n, OIDOID, 4, true,
											  TYPALIGN_INT));
	args[6] = PointerGetDatum(construct_array(sigs, n, BYTEAOID, -1, false,
											  TYPALIGN_INT));
	(void) StoreExec(SP_COL_INSERT, args, false, SPI_OK_INSERT);
}

/* Scan rel and store every column's segments; returns the row count. */
static int64
StorePutRows(StorePutState *ps, Relation rel)
{
	Snapshot	snapshot = RegisterSnapshot(GetTransactionSnapshot());
	TableScanDesc scan = table_beginscan(rel, snapshot, 0, NULL);
	TupleTableSlot *slot = table_slot_create(rel, NULL);
	MemoryContext tuplecxt = AllocSetContextCreate(CurrentMemoryContext,
												   "eg store tuple",
												   ALLOCSET_SMALL_SIZES);
	int64		nrows = 0;

	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		MemoryContext old;

		CHECK_FOR_INTERRUPTS();
		slot_getallattrs(slot);
		old = MemoryContextSwitchTo(tuplecxt);
		for (int i = 0; i < ps->ncols; i++)
		{
			StorePutColumn *c = &ps->cols[i];
			Datum		v = slot->tts_values[c->attidx];
			bool		isnull = slot->tts_isnull[c->attidx];
			Size		before;

			if (segment_writer_full(&c->w,
									isnull ? 0 : segment_value_size(&c->w, v)))
				StorePutFlushColumn(ps, c);
			before = segment_writer_memory(&c->w);
			segment_writer_append(&c->w, v, isnull);
			ps->buffered += segment_writer_memory(&c->w) - before;
		}
		MemoryContextSwitchTo(old);
		MemoryContextReset(tuplecxt);
		nrows++;

		while (ps->buffered > STORE_PUT_MAX_BUFFERED)
			StorePutFlushLargest(ps);
	}

	for (int i = 0; i < ps->ncols; i++)
		StorePutFlushColumn(ps, &ps->cols[i]);
	StorePutFlushSegments(ps);

	ExecDropSingleTupleTableSlot(slot);
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	MemoryContextDelete(tuplecxt);
	return nrows;
}

/*
 * Store the rows of relation relid as artifact id; a no-op (stats describe
 * the stored artifact, new_bytes 0) if it is stored already, including by
 * a concurrent session that commits first.
 */
void
store_put(const EgId *id, Oid relid, StoreStats *stats)
{
	StoreSession s;
	StorePutState *ps;
	instr_time	start;
	Relation	rel;
	TupleDesc	tupdesc;
	Datum		args[4];
	int			ncols = 0;
	HASHCTL		hctl;

	INSTR_TIME_SET_CURRENT(start);
	memset(stats, 0, sizeof(*stats));
	StoreBegin(&s, id, "eg store put");

	rel = table_open(relid, AccessShareLock);
	if (rel->rd_rel->relkind != RELKIND_RELATION &&
		rel->rd_rel->relkind != RELKIND_MATVIEW)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot store \"%s\": it is not a table",
						RelationGetRelationName(rel))));
	tupdesc = RelationGetDescr(rel);
	for (int i = 0; i < tupdesc->natts; i++)
		if (!TupleDescAttr(tupdesc, i)->attisdropped)
			ncols++;

	/* claim the artifact: the primary key makes concurrent puts store it once */
	args[0] = CStringGetTextDatum(s.hex);
	args[1] = Int32GetDatum(ncols);
	if (StoreExec(SP_ART_CLAIM, args, false, SPI_OK_INSERT) == 0)
	{
		if (StoreExec(SP_ART_GET, args, false, SPI_OK_SELECT) == 1)
		{
			stats->rows = DatumGetInt64(StoreResult(0, 1));
			stats->raw_bytes = DatumGetInt64(StoreResult(0, 3));
			stats->stored_bytes = DatumGetInt64(StoreResult(0, 4));
		}
		SPI_freetuptable(SPI_tuptable);
		table_close(rel, AccessShareLock);
		StoreEnd(&s);
		stats->seconds = StoreElapsed(start);
		return;
	}

	ps = palloc0(sizeof(StorePutState));
	ps->s = &s;
	ps->stats = stats;
	ps->ncols = ncols;
	ps->cols = palloc0(Max(ncols, 1) * sizeof(StorePutColumn));
	ps->segcxt = AllocSetContextCreate(s.cxt, "eg store segment",
									   ALLOCSET_DEFAULT_SIZES);
	ps->batchcxt = AllocSetContextCreate(s.cxt, "eg store segment rows",
										 ALLOCSET_DEFAULT_SIZES);
	memset(&hctl, 0, sizeof(hctl));
	hctl.keysize = SEGMENT_HASH_LEN;
	hctl.entrysize = sizeof(StoreSeenKey);
	hctl.hcxt = s.cxt;
	ps->seen = hash_create("eg store chunk keys", 256, &hctl,
						   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	ncols = 0;
	for (int i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		StorePutColumn *c;

		if (att->attisdropped)
			continue;
		c = &ps->cols[ncols++];
		c->attidx = i;
		c->colno = ncols;
		c->name = NameStr(att->attname);
		segment_writer_init(&c->w, s.cxt, att->attlen, att->attbyval,
							att->attalign);
	}
	StorePutColumns(ps, tupdesc);

	ps->cctx = ZSTD_createCCtx();
	if (ps->cctx == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Could not create a zstd compression context.")));
	PG_TRY();
	{
		stats->rows = StorePutRows(ps, rel);
	}
	PG_FINALLY();
	{
		ZSTD_freeCCtx(ps->cctx);
		ps->cctx = NULL;
	}
	PG_END_TRY();

	args[1] = Int64GetDatum(stats->rows);
	args[2] = Int64GetDatum(stats->raw_bytes);
	args[3] = Int64GetDatum(stats->stored_bytes);
	(void) StoreExec(SP_ART_FINISH, args, false, SPI_OK_UPDATE);

	table_close(rel, NoLock);
	StoreEnd(&s);
	stats->seconds = StoreElapsed(start);
}


/* ---------- store_get ---------- */

/* Remember the first thing that went wrong while restoring. */
static void
StoreGetFail(StoreGetState *gs, int col, const StoreSegRef *seg,
			 bool bad_chunk, const char *reason)
{
	if (gs->bad_reason != NULL)
		return;
	gs->bad_reason = reason;
	gs->bad_col = col;
	gs->bad_seg = seg;
	gs->bad_chunk = bad_chunk;
}

/* Read the artifact's columns and segment list; false if not stored. */
static bool
StoreGetCatalog(StoreGetState *gs)
{
	Datum		args[1];
	uint64		n;
	int			ncolumns;

	args[0] = CStringGetTextDatum(gs->s->hex);
	if (StoreExec(SP_ART_GET, args, true, SPI_OK_SELECT) == 0)
	{
		SPI_freetuptable(SPI_tuptable);
		return false;
	}
	gs->nrows = DatumGetInt64(StoreResult(0, 1));
	ncolumns = DatumGetInt32(StoreResult(0, 2));
	SPI_freetuptable(SPI_tuptable);
	if (gs->nrows < 0 || ncolumns < 0 || ncolumns > MaxHeapAttributeNumber)
	{
		StoreGetFail(gs, -1, NULL, false, "its row or column count is invalid");
		return true;
	}

	n = StoreExec(SP_COL_LIST, args, true, SPI_OK_SELECT);
	if (n != (uint64) ncolumns)
	{
		SPI_freetuptable(SPI_tuptable);
		StoreGetFail(gs, -1, NULL, false, "its column list is incomplete");
		return true;
	}
	gs->ncols = ncolumns;
	gs->cols = palloc0(Max(ncolumns, 1) * sizeof(StoreGetColumn));
	for (uint64 i = 0; i < n; i++)
	{
		StoreGetColumn *c = &gs->cols[i];

		if (DatumGetInt32(StoreResult(i, 1)) != (int32) (i + 1))
		{
			StoreGetFail(gs, -1, NULL, false, "its column numbers have gaps");
			break;
		}
		c->name = pstrdup(NameStr(*DatumGetName(StoreResult(i, 2))));
		c->typid = DatumGetObjectId(StoreResult(i, 3));
		c->typmod = DatumGetInt32(StoreResult(i, 4));
		c->collid = DatumGetObjectId(StoreResult(i, 5));
		if (!StoreKeyFromDatum(StoreResult(i, 6), c->typesig))
			StoreGetFail(gs, (int) i, NULL, false, "its type signature is malformed");
	}
	SPI_freetuptable(SPI_tuptable);
	if (gs->bad_reason != NULL)
		return true;

	n = StoreExec(SP_SEG_LIST, args, true, SPI_OK_SELECT);
	for (uint64 i = 0; i < n && gs->bad_reason == NULL; i++)
	{
		int32		attnum = DatumGetInt32(StoreResult(i, 1));
		int64		first = DatumGetInt64(StoreResult(i, 2));
		int32		nrows = DatumGetInt32(StoreResult(i, 3));
		StoreGetColumn *c;
		StoreSegRef *seg;
		int64		expect;

		if (attnum < 1 || attnum > gs->ncols)
		{
			StoreGetFail(gs, -1, NULL, false, "a segment names a column it does not have");
			break;
		}
		c = &gs->cols[attnum - 1];
		expect = c->nsegs > 0 ?
			c->segs[c->nsegs - 1].first_row + c->segs[c->nsegs - 1].nrows : 0;
		if (first != expect || nrows <= 0 || nrows > SEGMENT_MAX_ROWS ||
			first + nrows > gs->nrows)
		{
			StoreGetFail(gs, attnum - 1, NULL, false,
						 "its segment list has gaps or overlaps");
			break;
		}
		if (c->nsegs == c->segcap)
		{
			c->segcap = Max(8, c->segcap * 2);
			c->segs = c->segs ? repalloc(c->segs, c->segcap * sizeof(StoreSegRef))
				: palloc(c->segcap * sizeof(StoreSegRef));
		}
		seg = &c->segs[c->nsegs++];
		seg->first_row = first;
		seg->nrows = nrows;
		if (!StoreKeyFromDatum(StoreResult(i, 4), seg->key))
			StoreGetFail(gs, attnum - 1, NULL, false, "a segment has a malformed chunk key");
	}
	SPI_freetuptable(SPI_tuptable);

	for (int i = 0; i < gs->ncols && gs->bad_reason == NULL; i++)
	{
		StoreGetColumn *c = &gs->cols[i];
		int64		have = c->nsegs > 0 ?
			c->segs[c->nsegs - 1].first_row + c->segs[c->nsegs - 1].nrows : 0;

		if (have != gs->nrows)
			StoreGetFail(gs, i, NULL, false, "a column has segments missing");
	}
	return true;
}

/* Check every column's type still exists with the layout it was stored with. */
static void
StoreGetCheckTypes(StoreGetState *gs)
{
	for (int i = 0; i < gs->ncols && gs->bad_reason == NULL; i++)
	{
		StoreGetColumn *c = &gs->cols[i];
		uint8		sig[SEGMENT_HASH_LEN];

		if (!SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(c->typid)))
		{
			StoreGetFail(gs, i, NULL, false, "its type no longer exists");
			break;
		}
		segment_type_signature(c->typid, sig);
		if (memcmp(sig, c->typesig, SEGMENT_HASH_LEN) != 0)
		{
			StoreGetFail(gs, i, NULL, false, "its type was changed since it was stored");
			break;
		}
		if (OidIsValid(c->collid) &&
			!SearchSysCacheExists1(COLLOID, ObjectIdGetDatum(c->collid)))
		{
			StoreGetFail(gs, i, NULL, false, "its collation no longer exists");
			break;
		}
		get_typlenbyvalalign(c->typid, &c->typlen, &c->typbyval, &c->typalign);
	}
}

/* CREATE [TEMP] TABLE statement for the artifact, every name quoted. */
static char *
StoreGetCreateSql(StoreGetState *gs, const RangeVar *into, const char *nspname)
{
	StringInfoData sql;

	initStringInfo(&sql);
	appendStringInfo(&sql, "CREATE %sTABLE %s (",
					 into->relpersistence == RELPERSISTENCE_TEMP ? "TEMP " :
					 into->relpersistence == RELPERSISTENCE_UNLOGGED ? "UNLOGGED " : "",
					 quote_qualified_identifier(nspname, into->relname));
	for (int i = 0; i < gs->ncols; i++)
	{
		StoreGetColumn *c = &gs->cols[i];

		appendStringInfo(&sql, "%s%s %s", i > 0 ? ", " : "",
						 quote_identifier(c->name),
						 format_type_with_typemod(c->typid, c->typmod));
		if (OidIsValid(c->collid) && c->collid != get_typcollation(c->typid))
			appendStringInfo(&sql, " COLLATE %s",
							 generate_collation_name(c->collid));
	}
	appendStringInfoChar(&sql, ')');
	return sql.data;
}

/*
 * Fetch chunk key's raw size and compressed bytes (a copy in chunkcxt), in a
 * subtransaction so that a damaged TOAST value is a reportable corruption,
 * not an aborted transaction.  Returns NULL, or what is wrong.
 */
static const char *
StoreGetFetchChunk(StoreGetState *gs, const uint8 *key, int64 *raw_size,
				   bytea **data)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	const char *volatile err = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		Datum		args[1];

		args[0] = StoreKeyDatum(key);
		if (StoreExec(SP_CHUNK_FETCH, args, true, SPI_OK_SELECT) == 0)
			err = "the chunk is missing";
		else
		{
			*raw_size = DatumGetInt64(StoreResult(0, 1));
			MemoryContextSwitchTo(gs->chunkcxt);
			*data = (bytea *) PG_DETOAST_DATUM_COPY(StoreResult(0, 2));
			MemoryContextSwitchTo(oldcxt);
		}
		SPI_freetuptable(SPI_tuptable);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(gs->s->cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		if (edata->sqlerrcode != ERRCODE_DATA_CORRUPTED &&
			edata->sqlerrcode != ERRCODE_INDEX_CORRUPTED)
			ReThrowError(edata);
		err = psprintf("the chunk cannot be read: %s", edata->message);
	}
	PG_END_TRY();
	return err;
}

/* Load column c's next segment into its reader; false (noted) on failure. */
static bool
StoreGetLoadSegment(StoreGetState *gs, int col)
{
	StoreGetColumn *c = &gs->cols[col];
	const StoreSegRef *seg;
	int64		raw_size = 0;
	bytea	   *data = NULL;
	const char *err;
	uint8		digest[SEGMENT_HASH_LEN];

	if (c->nextseg >= c->nsegs)
	{
		StoreGetFail(gs, col, NULL, false, "a column has segments missing");
		return false;
	}
	seg = &c->segs[c->nextseg++];
	MemoryContextReset(gs->chunkcxt);

	err = StoreGetFetchChunk(gs, seg->key, &raw_size, &data);
	if (err == NULL &&
		(raw_size <= 0 || (uint64) raw_size > SEGMENT_MAX_RAW ||
		 VARSIZE_ANY_EXHDR(data) > ZSTD_compressBound((Size) raw_size)))
		err = "the chunk's recorded sizes are impossible";
	if (err == NULL)
	{
		if (c->rawcap < (Size) raw_size ||
			(c->rawcap > 2 * SEGMENT_TARGET_BYTES &&
			 (Size) raw_size <= SEGMENT_TARGET_BYTES))
		{
			if (c->raw != NULL)
				pfree(c->raw);
			c->raw = MemoryContextAllocHuge(gs->colcxt, (Size) raw_size);
			c->rawcap = (Size) raw_size;
		}
		err = segment_decompress(gs->dctx, VARDATA_ANY(data),
								 VARSIZE_ANY_EXHDR(data), (Size) raw_size,
								 c->raw);
	}
	if (err == NULL)
	{
		segment_hash(c->raw, (Size) raw_size, digest);
		if (memcmp(digest, seg->key, SEGMENT_HASH_LEN) != 0)
			err = "the chunk's content does not match its SHA-256 key";
	}
	if (err != NULL)
	{
		StoreGetFail(gs, col, seg, true, err);
		return false;
	}

	err = segment_reader_open(&c->r, c->raw, (Size) raw_size, seg->nrows,
							  c->typlen, c->typbyval, c->typalign);
	if (err != NULL)
	{
		StoreGetFail(gs, col, seg, false, err);
		return false;
	}
	c->open = true;
	return true;
}

/* Close column col's current segment, checking it was consumed exactly. */
static bool
StoreGetCloseSegment(StoreGetState *gs, int col)
{
	StoreGetColumn *c = &gs->cols[col];
	const char *err = segment_reader_close(&c->r);

	c->open = false;
	if (err != NULL)
	{
		StoreGetFail(gs, col, &c->segs[c->nextseg - 1], false, err);
		return false;
	}
	return true;
}

/* Decode all rows into rel with bulk inserts; false (noted) on failure. */
static bool
StoreGetRows(StoreGetState *gs, Relation rel)
{
	TupleTableSlot **slots = palloc0(STORE_INSERT_BATCH * sizeof(TupleTableSlot *));
	BulkInsertState bistate = GetBulkInsertState();
	CommandId	cid = GetCurrentCommandId(true);
	int			options = TABLE_INSERT_SKIP_FSM;
	int			nbuffered = 0;
	Size		bufbytes = 0;
	bool		ok = true;

	for (int64 row = 0; row < gs->nrows && ok; row++)
	{
		TupleTableSlot *slot;

		CHECK_FOR_INTERRUPTS();
		if (slots[nbuffered] == NULL)
			slots[nbuffered] = table_slot_create(rel, NULL);
		slot = slots[nbuffered];
		ExecClearTuple(slot);

		for (int i = 0; i < gs->ncols; i++)
		{
			StoreGetColumn *c = &gs->cols[i];
			const char *err;

			if (c->open && c->r.row == c->r.nrows && !StoreGetCloseSegment(gs, i))
			{
				ok = false;
				break;
			}
			if (!c->open && !StoreGetLoadSegment(gs, i))
			{
				ok = false;
				break;
			}
			err = segment_reader_next(&c->r, &slot->tts_values[i],
									  &slot->tts_isnull[i]);
			if (err != NULL)
			{
				StoreGetFail(gs, i, &c->segs[c->nextseg - 1], false, err);
				ok = false;
				break;
			}
		}
		if (!ok)
			break;

		/* materialise now: values point into buffers the next segment reuses */
		ExecStoreVirtualTuple(slot);
		ExecMaterializeSlot(slot);
		bufbytes += ExecFetchSlotHeapTuple(slot, false, NULL)->t_len;
		if (++nbuffered == STORE_INSERT_BATCH || bufbytes >= STORE_INSERT_BATCH_BYTES)
		{
			table_multi_insert(rel, slots, nbuffered, cid, options, bistate);
			for (int i = 0; i < nbuffered; i++)
				ExecClearTuple(slots[i]);
			nbuffered = 0;
			bufbytes = 0;
		}
	}

	if (ok && nbuffered > 0)
		table_multi_insert(rel, slots, nbuffered, cid, options, bistate);
	for (int i = 0; ok && i < gs->ncols; i++)
	{
		StoreGetColumn *c = &gs->cols[i];

		if (c->open && !StoreGetCloseSegment(gs, i))
			ok = false;
		else if (c->nextseg != c->nsegs)
		{
			StoreGetFail(gs, i, NULL, false, "a column has more rows than the artifact");
			ok = false;
		}
	}

	FreeBulkInsertState(bistate);
	table_finish_bulk_insert(rel, options);
	for (int i = 0; i < STORE_INSERT_BATCH; i++)
		if (slots[i] != NULL)
			ExecDropSingleTupleTableSlot(slots[i]);
	pfree(slots);
	return ok;
}

/*
 * Report a stored artifact that cannot be restored and remove it; with a
 * bad chunk, also every other artifact using that chunk, and the chunk.
 */
static void
StoreGetDiscard(StoreGetState *gs)
{
	StoreSession *s = gs->s;
	int			others = 0;
	const char *colname = gs->bad_col >= 0 ? gs->cols[gs->bad_col].name : NULL;
	char	   *keyhex = gs->bad_seg ? StoreKeyHex(gs->bad_seg->key) : NULL;

	if (gs->bad_chunk && gs->bad_seg != NULL)
	{
		Datum		args[1];
		Datum		keys[1];
		uint64		n;
		char	  **users;

		args[0] = StoreKeyDatum(gs->bad_seg->key);
		n = StoreExec(SP_CHUNK_USERS, args, false, SPI_OK_SELECT);
		users = palloc(Max(n, 1) * sizeof(char *));
		for (uint64 i = 0; i < n; i++)
			users[i] = TextDatumGetCString(StoreResult(i, 1));
		SPI_freetuptable(SPI_tuptable);
		for (uint64 i = 0; i < n; i++)
		{
			if (strcmp(users[i], s->hex) == 0)
				continue;
			StoreDropArtifact(s, users[i]);
			others++;
		}
		StoreDropArtifact(s, s->hex);
		keys[0] = args[0];
		(void) StoreFreeChunks(PointerGetDatum(construct_array(keys, 1, BYTEAOID, -1,
															   false, TYPALIGN_INT)),
							   false);
	}
	else
		StoreDropArtifact(s, s->hex);

	if (colname != NULL && keyhex != NULL)
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored artifact %s is corrupt and was removed from the store",
						s->hex),
				 errdetail("Column \"%s\", rows %lld to %lld, chunk %s: %s.%s",
						   colname,
						   (long long) gs->bad_seg->first_row,
						   (long long) (gs->bad_seg->first_row + gs->bad_seg->nrows - 1),
						   keyhex, gs->bad_reason,
						   others > 0 ? psprintf(" %d other artifact(s) using this chunk were removed too.", others) : ""),
				 errhint("The artifact will be recomputed when it is needed.")));
	else if (colname != NULL)
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored artifact %s cannot be restored and was removed from the store",
						s->hex),
				 errdetail("Column \"%s\": %s.", colname, gs->bad_reason),
				 errhint("The artifact will be recomputed when it is needed.")));
	else
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored artifact %s cannot be restored and was removed from the store",
						s->hex),
				 errdetail("The store's record of it is damaged: %s.", gs->bad_reason),
				 errhint("The artifact will be recomputed when it is needed.")));
}

/*
 * Restore artifact id into a new table "into", created as the current user.
 * Returns its oid and sets *rows; InvalidOid if the artifact is not stored,
 * or (after a WARNING, removing it from the store) cannot be restored.
 */
Oid
store_get(const EgId *id, const RangeVar *into, int64 *rows)
{
	StoreSession s;
	StoreGetState *gs;
	Oid			nspid;
	char	   *nspname;
	char	   *sql;
	Oid			relid;
	Relation	rel;
	volatile bool ok = false;

	*rows = 0;
	/* where the table goes, resolved with the caller's search_path */
	nspid = RangeVarGetCreationNamespace(into);

	StoreBegin(&s, id, "eg store get");
	nspname = get_namespace_name(nspid);
	if (nspname == NULL)
		elog(ERROR, "cache lookup failed for namespace %u", nspid);

	/* one snapshot for every read: a concurrent drop cannot tear the load */
	PushActiveSnapshot(GetTransactionSnapshot());

	gs = palloc0(sizeof(StoreGetState));
	gs->s = &s;
	gs->bad_col = -1;
	gs->colcxt = AllocSetContextCreate(s.cxt, "eg store columns",
									   ALLOCSET_DEFAULT_SIZES);
	gs->chunkcxt = AllocSetContextCreate(s.cxt, "eg store chunk",
										 ALLOCSET_DEFAULT_SIZES);

	if (!StoreGetCatalog(gs))
	{
		PopActiveSnapshot();
		StoreEnd(&s);
		return InvalidOid;
	}
	if (gs->bad_reason == NULL)
		StoreGetCheckTypes(gs);
	if (gs->bad_reason != NULL)
	{
		StoreGetDiscard(gs);
		PopActiveSnapshot();
		StoreEnd(&s);
		return InvalidOid;
	}

	/* create the table as the calling user */
	sql = StoreGetCreateSql(gs, into, nspname);
	if (SPI_execute(sql, false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "could not run \"%s\"", sql);
	MemoryContextSwitchTo(s.cxt);
	CommandCounterIncrement();
	relid = get_relname_relid(into->relname, nspid);
	if (!OidIsValid(relid))
		elog(ERROR, "table \"%s\" just created is not there", into->relname);

	rel = table_open(relid, RowExclusiveLock);
	if (RelationGetDescr(rel)->natts != gs->ncols)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" does not have the columns of artifact %s",
						RelationGetRelationName(rel), s.hex),
				 errdetail("Something changed the table while it was being created.")));
	for (int i = 0; i < gs->ncols; i++)
		if (TupleDescAttr(RelationGetDescr(rel), i)->atttypid != gs->cols[i].typid)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("table \"%s\" does not have the columns of artifact %s",
							RelationGetRelationName(rel), s.hex),
					 errdetail("Something changed the table while it was being created.")));

	gs->dctx = ZSTD_createDCtx();
	if (gs->dctx == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Could not create a zstd decompression context.")));
	PG_TRY();
	{
		ok = StoreGetRows(gs, rel);
	}
	PG_FINALLY();
	{
		ZSTD_freeDCtx(gs->dctx);
		gs->dctx = NULL;
	}
	PG_END_TRY();
	table_close(rel, NoLock);

	if (!ok)
	{
		ObjectAddress addr;

		/* the half-built table goes away; so does the artifact */
		ObjectAddressSet(addr, RelationRelationId, relid);
		performDeletion(&addr, DROP_RESTRICT, PERFORM_DELETION_INTERNAL);
		CommandCounterIncrement();
		StoreGetDiscard(gs);
		PopActiveSnapshot();
		StoreEnd(&s);
		return InvalidOid;
	}

	CommandCounterIncrement();
	*rows = gs->nrows;
	PopActiveSnapshot();
	StoreEnd(&s);
	return relid;
}


/* ---------- the rest of the interface ---------- */

/* True if artifact id is stored. */
bool
store_has(const EgId *id)
{
	StoreSession s;
	Datum		args[1];
	bool		found;

	StoreBegin(&s, id, "eg store has");
	args[0] = CStringGetTextDatum(s.hex);
	found = StoreExec(SP_ART_GET, args, false, SPI_OK_SELECT) > 0;
	SPI_freetuptable(SPI_tuptable);
	StoreEnd(&s);
	return found;
}

/* Drop artifact id from the store, freeing chunks nobody references. */
void
store_drop(const EgId *id)
{
	StoreSession s;

	StoreBegin(&s, id, "eg store drop");
	StoreDropArtifact(&s, s.hex);
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
	(void) StoreExec(SP_TOTAL, NULL, false, SPI_OK_SELECT);
	total = DatumGetInt64(StoreResult(0, 1));
	SPI_freetuptable(SPI_tuptable);
	StoreEnd(&s);
	return total;
}
