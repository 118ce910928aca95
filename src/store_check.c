/*
 * check.c - eg.check(deep): verify every invariant of the store and of the
 * graph's record of it; one row per problem, none when all is well.
 *
 * What is checked (the problem column names the kind):
 *	- kept but not stored / stored but not kept: eg.artifact.materialized
 *	  holds exactly for the artifacts with a row in eg.store_artifact;
 *	  kept but not reusable: only reusable step results are ever kept;
 *	- column list broken: an artifact's columns are 1..ncolumns, and every
 *	  segment belongs to one of them;
 *	- column type changed: each column's type (and collation) still exists
 *	  with the layout it was stored with (else store_get refuses it);
 *	- segment gap or overlap: each column's segments cover rows
 *	  0..nrows-1 exactly, none longer than SEGMENT_MAX_ROWS;
 *	- chunk missing: every segment's chunk exists;
 *	- orphan chunk: every chunk is used by some segment (chunks live by a
 *	  sweep, not reference counts: a drop skips a chunk a concurrent put
 *	  holds, and if that put then aborts the chunk stays until
 *	  store_sweep, which the materializer runs when over budget);
 *	- stored bytes wrong: a chunk's stored_bytes is the length of its data;
 *	  eg.store_artifact's stored_bytes is the sum of its distinct chunks
 *	  and raw_bytes that of its segments' images; eg.artifact.stored_bytes
 *	  equals the store's figure (0 when not stored).  eg.storage sums
 *	  eg.chunk, so with no orphan it reports exactly what artifacts use;
 *	- over budget: eg.storage.stored_bytes is within eg.budget (this
 *	  session's setting);
 *	- operation missing / input missing: every derived artifact has its
 *	  operation, and every input of an operation is in the graph;
 *	- with deep (the default), every chunk is read and checked the way
 *	  store_get checks it (its key, one zstd frame of the recorded size with
 *	  its checksum) and, beyond that, its image is hashed again and must
 *	  equal the chunk's key, the SHA-256 content address (chunk corrupt);
 *	  the image must then parse as a segment of every column type and row
 *	  count that segments using it claim (segment malformed).
 * Without deep no chunk data is read: the checks are set-based queries
 * over the store's tables and their indexes.  Deep reads and decompresses
 * every chunk once, in key order, each in a subtransaction so that
 * damaged TOAST data is a reported problem, not an aborted check.
 *
 * Everything is read under one snapshot, so a concurrent run's half-done
 * work is invisible and a check never sees half of a commit.  The
 * statements run as the extension owner with search_path pinned, like the
 * rest of the store; the function itself is revoked from PUBLIC (it reads
 * what ordinary roles may not, and deep costs a full read of the store):
 * the owner may GRANT EXECUTE on it to a monitoring role.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "eg.h"
#include "segment.h"
#include "store_internal.h"

/* Chunk keys are read from the cursor this many at a time. */
#define CHECK_FETCH			256
/* Values are read from a segment this many at a time. */
#define CHECK_READ_BATCH	1024

/* State of one eg.check call. */
typedef struct CheckState
{
	ReturnSetInfo *rsinfo;
	MemoryContext cxt;			/* the call's ("eg check") */
	MemoryContext chunkcxt;		/* "eg check chunk": reset per chunk */
	ZSTD_DCtx  *dctx;
	char	   *image;			/* decompressed chunk, reused */
	Size		imagecap;
	const char **vals;			/* segment_reader_read output */
	uint32	   *lens;
} CheckState;

/*
 * The set-based checks.  Each returns (problem, artifact, detail); $1 is
 * SEGMENT_MAX_ROWS where a statement needs it.
 */
static const char *const check_queries[] = {
	/* the graph's materialized flags against the store */
	"SELECT 'kept but not stored', a.id, "
	"format('eg.artifact marks %s \"%s\" materialized; the store has no record of it', "
	"a.kind, a.step) "
	"FROM eg.artifact a WHERE a.materialized "
	"AND NOT EXISTS (SELECT 1 FROM eg.store_artifact s WHERE s.artifact = a.id) "
	"ORDER BY a.id",

	"SELECT 'stored but not kept', s.artifact, "
	"CASE WHEN a.id IS NULL THEN 'the store holds an artifact the graph does not know' "
	"ELSE format('the store holds %s \"%s\", which eg.artifact does not mark materialized', "
	"a.kind, a.step) END "
	"FROM eg.store_artifact s LEFT JOIN eg.artifact a ON a.id = s.artifact "
	"WHERE a.materialized IS NOT TRUE ORDER BY s.artifact",

	"SELECT 'kept but not reusable', a.id, "
	"format('%s \"%s\" is materialized, but %s', a.kind, a.step, "
	"CASE WHEN a.kind = 'source' THEN 'base tables are never stored' "
	"ELSE 'it is not reusable' END) "
	"FROM eg.artifact a WHERE a.materialized AND (a.kind = 'source' OR NOT a.reusable) "
	"ORDER BY a.id",

	/* column lists: exactly 1..ncolumns; no segment of another column */
	"SELECT 'column list broken', s.artifact, "
	"format('%s columns expected, %s recorded%s', s.ncolumns, c.n, "
	"CASE WHEN c.n > 0 AND (c.lo <> 1 OR c.hi <> c.n) "
	"THEN format(', numbered %s to %s', c.lo, c.hi) ELSE '' END) "
	"FROM eg.store_artifact s, LATERAL (SELECT count(*) AS n, min(attnum) AS lo, "
	"max(attnum) AS hi FROM eg.store_column c WHERE c.artifact = s.artifact) c "
	"WHERE c.n <> s.ncolumns OR c.lo <> 1 OR c.hi <> s.ncolumns "
	"ORDER BY s.artifact",

	"SELECT 'column list broken', g.artifact, "
	"format('segments of column %s, which is not in its column list', g.attnum) "
	"FROM (SELECT DISTINCT artifact, attnum FROM eg.store_segment) g "
	"WHERE NOT EXISTS (SELECT 1 FROM eg.store_column c "
	"WHERE c.artifact = g.artifact AND c.attnum = g.attnum) "
	"ORDER BY g.artifact, g.attnum",

	/* each column's segments cover 0..nrows-1 exactly */
	"SELECT 'segment gap or overlap', c.artifact, "
	"format('column %s (\"%s\"): %s', c.attnum, c.name, "
	"CASE WHEN b.first_row > b.expect "
	"THEN format('rows %s to %s are in no segment', b.expect, b.first_row - 1) "
	"WHEN b.first_row < b.expect "
	"THEN format('rows %s to %s are in two segments', b.first_row, "
	"least(b.expect, b.first_row + b.nrows) - 1) "
	"WHEN b.nrows > $1 "
	"THEN format('the segment at row %s holds %s rows, more than %s', b.first_row, b.nrows, $1) "
	"WHEN e.covered < s.nrows "
	"THEN format('rows %s to %s are in no segment', e.covered, s.nrows - 1) "
	"ELSE format('segments run to row %s, past its last row %s', e.covered - 1, s.nrows - 1) END) "
	"FROM eg.store_column c JOIN eg.store_artifact s ON s.artifact = c.artifact "
	"LEFT JOIN LATERAL (SELECT x.first_row, x.nrows, x.expect FROM ("
	"SELECT g.first_row, g.nrows, "
	"coalesce(lag(g.first_row + g.nrows) OVER (ORDER BY g.first_row), 0) AS expect "
	"FROM eg.store_segment g WHERE g.artifact = c.artifact AND g.attnum = c.attnum) x "
	"WHERE x.first_row <> x.expect OR x.nrows > $1 ORDER BY x.first_row LIMIT 1) b ON true "
	"CROSS JOIN LATERAL (SELECT coalesce(max(g.first_row + g.nrows), 0) AS covered "
	"FROM eg.store_segment g WHERE g.artifact = c.artifact AND g.attnum = c.attnum) e "
	"WHERE b.first_row IS NOT NULL OR e.covered <> s.nrows "
	"ORDER BY c.artifact, c.attnum",

	/* chunks: every one used exists, every one existing is used */
	"SELECT DISTINCT ON (g.artifact, g.chunk) 'chunk missing', g.artifact, "
	"format('chunk %s of column %s (\"%s\"), rows %s to %s%s', encode(g.chunk, 'hex'), "
	"g.attnum, c.name, g.first_row, g.first_row + g.nrows - 1, "
	"CASE WHEN count(*) OVER w > 1 "
	"THEN format(', and %s other segment(s)', count(*) OVER w - 1) ELSE '' END) "
	"FROM eg.store_segment g LEFT JOIN eg.store_column c "
	"ON c.artifact = g.artifact AND c.attnum = g.attnum "
	"WHERE NOT EXISTS (SELECT 1 FROM eg.chunk k WHERE k.hash = g.chunk) "
	"WINDOW w AS (PARTITION BY g.artifact, g.chunk) "
	"ORDER BY g.artifact, g.chunk, g.attnum, g.first_row",

	"SELECT 'orphan chunk', NULL::eg.artifact_id, "
	"format('chunk %s (%s bytes) is used by no segment; a sweep frees it', "
	"encode(k.hash, 'hex'), k.stored_bytes) "
	"FROM eg.chunk k WHERE NOT EXISTS (SELECT 1 FROM eg.store_segment g WHERE g.chunk = k.hash) "
	"ORDER BY k.hash",

	/* accounting: chunk, store_artifact, artifact */
	"SELECT 'stored bytes wrong', NULL::eg.artifact_id, "
	"format('chunk %s records %s stored bytes, its data has %s bytes', "
	"encode(k.hash, 'hex'), k.stored_bytes, octet_length(k.data)) "
	"FROM eg.chunk k WHERE k.stored_bytes <> octet_length(k.data) ORDER BY k.hash",

	"SELECT 'stored bytes wrong', s.artifact, "
	"format('the store records %s stored bytes and %s raw bytes; its chunks hold %s stored bytes, "
	"its segments %s raw bytes', "
	"s.stored_bytes, s.raw_bytes, t.stored, t.raw) "
	"FROM eg.store_artifact s, LATERAL (SELECT "
	"(SELECT coalesce(sum(k.stored_bytes), 0) FROM eg.chunk k WHERE k.hash IN "
	"(SELECT g.chunk FROM eg.store_segment g WHERE g.artifact = s.artifact)) AS stored, "
	"(SELECT coalesce(sum(k.raw_bytes), 0) FROM eg.store_segment g "
	"JOIN eg.chunk k ON k.hash = g.chunk WHERE g.artifact = s.artifact) AS raw) t "
	"WHERE (s.stored_bytes <> t.stored OR s.raw_bytes <> t.raw) "
	"AND NOT EXISTS (SELECT 1 FROM eg.store_segment g WHERE g.artifact = s.artifact "
	"AND NOT EXISTS (SELECT 1 FROM eg.chunk k WHERE k.hash = g.chunk)) "
	"ORDER BY s.artifact",

	"SELECT 'stored bytes wrong', a.id, "
	"format('eg.artifact records %s stored bytes, the store %s stored bytes', "
	"a.stored_bytes, coalesce(s.stored_bytes, 0)) "
	"FROM eg.artifact a LEFT JOIN eg.store_artifact s ON s.artifact = a.id "
	"WHERE a.stored_bytes <> coalesce(s.stored_bytes, 0) "
	"AND a.materialized = (s.artifact IS NOT NULL) ORDER BY a.id",

	/* the budget, as eg.storage reports the store */
	"SELECT 'over budget', NULL::eg.artifact_id, "
	"format('the store holds %s bytes, eg.budget is %s bytes', stored_bytes, budget_bytes) "
	"FROM eg.storage WHERE stored_bytes > budget_bytes",

	/* the graph's edges */
	"SELECT 'operation missing', a.id, "
	"format('%s \"%s\" has no operation', a.kind, a.step) "
	"FROM eg.artifact a WHERE a.kind <> 'source' "
	"AND NOT EXISTS (SELECT 1 FROM eg.operation o WHERE o.output = a.id) ORDER BY a.id",

	"SELECT 'input missing', o.output, format('its input %s is not in eg.artifact', i.id) "
	"FROM eg.operation o, unnest(o.inputs) AS i(id) "
	"WHERE NOT EXISTS (SELECT 1 FROM eg.artifact a WHERE a.id = i.id) "
	"ORDER BY o.output, i.id",
};


/* Add one problem row (artifact may be (Datum) 0 for none). */
static void
CheckEmit(CheckState *cs, const char *problem, Datum artifact, const char *detail)
{
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	values[0] = CStringGetTextDatum(problem);
	values[1] = artifact;
	nulls[1] = artifact == (Datum) 0;
	values[2] = CStringGetTextDatum(detail);
	tuplestore_putvalues(cs->rsinfo->setResult, cs->rsinfo->setDesc, values, nulls);
}

/* Run a read-only statement as the owner under the active snapshot. */
static uint64
CheckExec(const char *sql, int nargs, Oid *types, Datum *values)
{
	MemoryContext cxt = CurrentMemoryContext;
	EgUserSwitch sw;
	int			rc;

	eg_become_owner(&sw);
	rc = SPI_execute_with_args(sql, nargs, types, values, NULL, true, 0);
	eg_restore_user(&sw);
	MemoryContextSwitchTo(cxt);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "eg.check statement failed (%s): %s",
			 SPI_result_code_string(rc), sql);
	return SPI_processed;
}

/* Value of column col of result row i; (Datum) 0 when null. */
static Datum
CheckGet(uint64 i, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc,
								  col, &isnull);

	return isnull ? (Datum) 0 : d;
}

/* Run one set-based check and emit what it returns. */
static void
CheckQuery(CheckState *cs, const char *sql)
{
	Oid			types[1] = {INT4OID};
	Datum		values[1] = {Int32GetDatum(SEGMENT_MAX_ROWS)};
	uint64		n = CheckExec(sql, strstr(sql, "$1") ? 1 : 0, types, values);

	for (uint64 i = 0; i < n; i++)
		CheckEmit(cs, TextDatumGetCString(CheckGet(i, 1)), CheckGet(i, 2),
				  TextDatumGetCString(CheckGet(i, 3)));
	SPI_freetuptable(SPI_tuptable);
}

/*
 * Why a stored column of type typid (collation collid, signature sig)
 * could not be restored now, or NULL if it could.
 */
static const char *
CheckTypeProblem(Oid typid, Oid collid, bytea *sig)
{
	uint8		now[SEGMENT_HASH_LEN];

	if (!SearchSysCacheExists1(TYPEOID, ObjectIdGetDatum(typid)))
		return "its type no longer exists";
	segment_type_signature(typid, now);
	if (VARSIZE_ANY_EXHDR(sig) != SEGMENT_HASH_LEN ||
		memcmp(now, VARDATA_ANY(sig), SEGMENT_HASH_LEN) != 0)
		return "its type was changed since it was stored";
	if (OidIsValid(collid) &&
		!SearchSysCacheExists1(COLLOID, ObjectIdGetDatum(collid)))
		return "its collation no longer exists";
	return NULL;
}

/* Columns whose type (or collation) no longer is what was stored. */
static void
CheckTypes(CheckState *cs)
{
	uint64		n = CheckExec("SELECT DISTINCT typid, collid, typesig FROM eg.store_column "
							  "ORDER BY 1, 2, 3", 0, NULL, NULL);
	SPITupleTable *types = SPI_tuptable;

	for (uint64 i = 0; i < n; i++)
	{
		HeapTuple	tup = types->vals[i];
		bool		isnull;
		Datum		args[3];
		Oid			argtypes[3] = {OIDOID, OIDOID, BYTEAOID};
		const char *why;
		uint64		m;

		for (int k = 0; k < 3; k++)
			args[k] = SPI_getbinval(tup, types->tupdesc, k + 1, &isnull);
		why = CheckTypeProblem(DatumGetObjectId(args[0]), DatumGetObjectId(args[1]),
							   DatumGetByteaPP(args[2]));
		if (why == NULL)
			continue;
		m = CheckExec("SELECT artifact, attnum, name::text FROM eg.store_column "
					  "WHERE typid = $1 AND collid = $2 AND typesig = $3 "
					  "ORDER BY artifact, attnum", 3, argtypes, args);
		for (uint64 j = 0; j < m; j++)
			CheckEmit(cs, "column type changed", CheckGet(j, 1),
					  psprintf("column %d (\"%s\"): %s", DatumGetInt32(CheckGet(j, 2)),
							   TextDatumGetCString(CheckGet(j, 3)), why));
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_freetuptable(types);
}

/*
 * Report problem for every artifact whose segments use chunk key (one row
 * with no artifact if none does); a valid typid narrows them to segments
 * of nrows rows in columns of that type.
 */
static void
CheckChunkUsers(CheckState *cs, Datum key, const char *problem,
				const char *detail, Oid typid, int32 nrows)
{
	Oid			types[3] = {BYTEAOID, OIDOID, INT4OID};
	Datum		args[3] = {key, ObjectIdGetDatum(typid), Int32GetDatum(nrows)};
	char	   *hex = StoreKeyHex((const uint8 *) VARDATA_ANY(DatumGetByteaPP(key)));
	uint64		n;

	if (OidIsValid(typid))
		n = CheckExec("SELECT DISTINCT ON (g.artifact) g.artifact, g.attnum, c.name::text, "
					  "g.first_row FROM eg.store_segment g JOIN eg.store_column c "
					  "ON c.artifact = g.artifact AND c.attnum = g.attnum "
					  "WHERE g.chunk = $1 AND c.typid = $2 AND g.nrows = $3 "
					  "ORDER BY g.artifact, g.attnum, g.first_row", 3, types, args);
	else
		n = CheckExec("SELECT DISTINCT ON (g.artifact) g.artifact, g.attnum, c.name::text, "
					  "g.first_row FROM eg.store_segment g JOIN eg.store_column c "
					  "ON c.artifact = g.artifact AND c.attnum = g.attnum "
					  "WHERE g.chunk = $1 ORDER BY g.artifact, g.attnum, g.first_row",
					  1, types, args);
	if (n == 0)
		CheckEmit(cs, problem, (Datum) 0, psprintf("chunk %s: %s", hex, detail));
	for (uint64 i = 0; i < n; i++)
		CheckEmit(cs, problem, CheckGet(i, 1),
				  psprintf("chunk %s of column %d (\"%s\") at row %lld: %s", hex,
						   DatumGetInt32(CheckGet(i, 2)),
						   TextDatumGetCString(CheckGet(i, 3)),
						   (long long) DatumGetInt64(CheckGet(i, 4)), detail));
	SPI_freetuptable(SPI_tuptable);
}

/*
 * Read chunk key's data (detoasted, in the current context) in a
 * subtransaction; NULL with *err set if it cannot be read or is gone.
 */
static bytea *
CheckFetchChunk(Datum key, char **err)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	Oid			types[1] = {BYTEAOID};
	Datum		args[1] = {key};
	bytea	   *volatile data = NULL;

	*err = NULL;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		if (CheckExec("SELECT data FROM eg.chunk WHERE hash = $1", 1, types, args) == 1)
			data = DatumGetByteaPCopy(CheckGet(0, 1));
		else
			*err = "the chunk went away during the check";
		SPI_freetuptable(SPI_tuptable);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		if (edata->sqlerrcode != ERRCODE_DATA_CORRUPTED &&
			edata->sqlerrcode != ERRCODE_INDEX_CORRUPTED)
			ReThrowError(edata);
		*err = psprintf("its data cannot be read: %s", edata->message);
		data = NULL;
	}
	PG_END_TRY();
	return data;
}

/*
 * Why the verified image of a chunk does not parse as a segment of nrows
 * values of type typid, or NULL if it does.
 */
static const char *
CheckParse(CheckState *cs, Size len, Oid typid, int32 nrows)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	SegmentReader r;
	const char *err;

	get_typlenbyvalalign(typid, &typlen, &typbyval, &typalign);
	if (nrows <= 0 || nrows > SEGMENT_MAX_ROWS)
		return "its row count is impossible";
	if (len > segment_max_raw((uint32) nrows, typlen, typalign))
		return psprintf("%zu bytes are more than %d values of its type can take", len, nrows);
	err = segment_reader_open(&r, cs->image, len, (uint32) nrows, typlen, typbyval,
							  typalign, get_typstorage(typid));
	while (err == NULL && segment_reader_left(&r) > 0)
	{
		CHECK_FOR_INTERRUPTS();
		err = segment_reader_read(&r, Min(segment_reader_left(&r), CHECK_READ_BATCH),
								  cs->vals, cs->lens);
	}
	return err ? err : segment_reader_close(&r);
}

/*
 * The segments using a verified chunk (its image in cs->image): it must
 * parse as every column type and row count they claim.
 */
static void
CheckChunkUses(CheckState *cs, Datum key, Size len)
{
	Oid			types[1] = {BYTEAOID};
	Datum		args[1] = {key};
	uint64		n;
	SPITupleTable *uses;

	n = CheckExec("SELECT DISTINCT c.typid, c.collid, c.typesig, g.nrows "
				  "FROM eg.store_segment g JOIN eg.store_column c "
				  "ON c.artifact = g.artifact AND c.attnum = g.attnum "
				  "WHERE g.chunk = $1 ORDER BY 1, 4", 1, types, args);
	uses = SPI_tuptable;
	for (uint64 i = 0; i < n; i++)
	{
		HeapTuple	tup = uses->vals[i];
		bool		isnull;
		Oid			typid = DatumGetObjectId(SPI_getbinval(tup, uses->tupdesc, 1, &isnull));
		Oid			collid = DatumGetObjectId(SPI_getbinval(tup, uses->tupdesc, 2, &isnull));
		bytea	   *sig = DatumGetByteaPP(SPI_getbinval(tup, uses->tupdesc, 3, &isnull));
		int32		nrows = DatumGetInt32(SPI_getbinval(tup, uses->tupdesc, 4, &isnull));
		const char *err;

		/* a changed type is reported by CheckTypes; its layout is unknown */
		if (CheckTypeProblem(typid, collid, sig) != NULL)
			continue;
		err = CheckParse(cs, len, typid, nrows);
		if (err != NULL)
			CheckChunkUsers(cs, key, "segment malformed",
							psprintf("not a segment of %d values of type %s: %s", nrows,
									 format_type_be(typid), err),
							typid, nrows);
	}
	SPI_freetuptable(uses);
}

/*
 * Check one chunk: read, verify and decompress it as store_get would, hash
 * the image against its key, then parse it for each of its uses.
 */
static void
CheckChunk(CheckState *cs, Datum key, int64 raw_bytes)
{
	const uint8 *k = (const uint8 *) VARDATA_ANY(DatumGetByteaPP(key));
	char	   *err;
	bytea	   *data = CheckFetchChunk(key, &err);
	uint8		digest[SEGMENT_HASH_LEN];

	if (data != NULL)
	{
		if (raw_bytes <= 0 || raw_bytes > (int64) SEGMENT_MAX_RAW)
			err = psprintf("its recorded size of %lld bytes is impossible",
						   (long long) raw_bytes);
		else
			err = (char *) segment_decompress(cs->dctx, k, VARDATA_ANY(data),
											  VARSIZE_ANY_EXHDR(data), (Size) raw_bytes,
											  SEGMENT_MAX_RAW, &cs->image, &cs->imagecap,
											  cs->cxt);
	}
	if (err == NULL)
	{
		segment_hash(cs->image, (Size) raw_bytes, digest);
		if (memcmp(digest, k, SEGMENT_HASH_LEN) != 0)
			err = "its content does not hash to its key";
	}
	if (err != NULL)
		CheckChunkUsers(cs, key, "chunk corrupt", err, InvalidOid, 0);
	else
		CheckChunkUses(cs, key, (Size) raw_bytes);
}

/* Deep: every chunk, in key order, through a cursor. */
static void
CheckChunks(CheckState *cs)
{
	MemoryContext cxt = CurrentMemoryContext;
	EgUserSwitch sw;
	Portal		portal;

	eg_become_owner(&sw);
	portal = SPI_cursor_open_with_args(NULL,
									   "SELECT hash, raw_bytes FROM eg.chunk ORDER BY hash",
									   0, NULL, NULL, NULL, true, 0);
	eg_restore_user(&sw);
	MemoryContextSwitchTo(cxt);
	for (;;)
	{
		SPITupleTable *batch;
		uint64		n;

		eg_become_owner(&sw);
		SPI_cursor_fetch(portal, true, CHECK_FETCH);
		eg_restore_user(&sw);
		MemoryContextSwitchTo(cxt);
		batch = SPI_tuptable;
		n = SPI_processed;
		if (n == 0)
			break;
		for (uint64 i = 0; i < n; i++)
		{
			bool		isnull;
			MemoryContext old = MemoryContextSwitchTo(cs->chunkcxt);
			Datum		key = PointerGetDatum(DatumGetByteaPCopy(
							SPI_getbinval(batch->vals[i], batch->tupdesc, 1, &isnull)));
			int64		raw = DatumGetInt64(SPI_getbinval(batch->vals[i], batch->tupdesc,
														  2, &isnull));

			CHECK_FOR_INTERRUPTS();
			CheckChunk(cs, key, raw);
			MemoryContextSwitchTo(old);
			MemoryContextReset(cs->chunkcxt);
		}
		SPI_freetuptable(batch);
	}
	SPI_freetuptable(SPI_tuptable);
	SPI_cursor_close(portal);
}

/* Deep: every chunk read, verified, hashed and parsed; zstd freed on every path. */
static void
CheckDeep(CheckState *cs)
{
	cs->chunkcxt = AllocSetContextCreate(cs->cxt, "eg check chunk",
										 ALLOCSET_DEFAULT_SIZES);
	cs->vals = palloc(CHECK_READ_BATCH * sizeof(const char *));
	cs->lens = palloc(CHECK_READ_BATCH * sizeof(uint32));
	cs->dctx = ZSTD_createDCtx();
	if (cs->dctx == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Could not create a zstd decompression context.")));
	PG_TRY();
	{
		CheckChunks(cs);
	}
	PG_FINALLY();
	{
		ZSTD_freeDCtx(cs->dctx);
		cs->dctx = NULL;
	}
	PG_END_TRY();
}

PG_FUNCTION_INFO_V1(eg_check);
/* eg.check(deep): every problem of the store and its graph; none = clean. */
Datum
eg_check(PG_FUNCTION_ARGS)
{
	CheckState	cs;
	StoreSession s;
	bool		deep;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("deep must not be null")));
	deep = PG_GETARG_BOOL(0);
	InitMaterializedSRF(fcinfo, 0);
	memset(&cs, 0, sizeof(cs));
	cs.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	StoreBegin(&s, NULL, "eg check");
	cs.cxt = s.cxt;
	/* one snapshot for every statement: a consistent view of the store */
	PushActiveSnapshot(GetTransactionSnapshot());
	for (int i = 0; i < lengthof(check_queries); i++)
		CheckQuery(&cs, check_queries[i]);
	CheckTypes(&cs);
	if (deep)
		CheckDeep(&cs);
	PopActiveSnapshot();
	StoreEnd(&s);
	return (Datum) 0;
}
