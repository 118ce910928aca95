/*
 * store.c - content-addressed, column-wise storage of artifact contents:
 * the store's tables, the statements on them, and chunk lifetime.
 *
 * A stored artifact is its columns (eg.store_column) and, per column, a run
 * of segments (eg.store_segment: column, first row, rows, chunk key) whose
 * bytes live in content-addressed chunks (eg.chunk: zstd frame keyed by the
 * SHA-256 of the uncompressed segment; segment.c and segment_chunk.c have
 * the formats).  Writing is store_put.c, restoring store_get.c (decoding)
 * and store_heap.c (writing the rows); this file has what they share and
 * the small entry points (has, drop, sweep, total).
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
 * Rights: every statement on eg's tables runs as the extension owner
 * (eg_become_owner), parameterised, from plans prepared once per backend;
 * search_path is pinned to pg_catalog, eg, pg_temp for the whole call so
 * that no user object can capture a name (type names printed for CREATE
 * TABLE are resolved against the same path).  Restored tables are created
 * as the calling user.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "eg.h"
#include "store.h"
#include "store_internal.h"

/* search_path for the whole of every store call */
#define STORE_SEARCH_PATH		"pg_catalog, eg, pg_temp"

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
	[SP_CHUNK_FETCH_MANY] = {
		"SELECT hash, raw_bytes, data FROM eg.chunk WHERE hash = ANY ($1)",
		1, {BYTEAARRAYOID}},
	[SP_CHUNK_USERS] = {
		"SELECT DISTINCT artifact, artifact::text FROM eg.store_segment WHERE chunk = $1",
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


/* ---------- session and SPI plumbing ---------- */

/* Connect SPI, make the call's memory context, pin search_path. */
void
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
void
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
uint64
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
Datum
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
Datum
StoreKeyDatum(const uint8 *key)
{
	bytea	   *b = palloc(VARHDRSZ + SEGMENT_HASH_LEN);

	SET_VARSIZE(b, VARHDRSZ + SEGMENT_HASH_LEN);
	memcpy(VARDATA(b), key, SEGMENT_HASH_LEN);
	return PointerGetDatum(b);
}

/* Copy a 32-byte key out of a bytea datum; false if it is not one. */
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


/* ---------- freeing chunks ---------- */

/*
 * Free the chunks among keys (a bytea[] datum) that no segment references
 * and no other transaction holds.  Returns the compressed bytes freed.
 */
int64
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
void
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

