/*
 * store_check.c - eg.check(deep): verify every invariant of the store and
 * of the graph's record of it; one row per problem, none when all is well.
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
 * every chunk once, in key order (a page of keys at a time), each in a
 * subtransaction so that damaged TOAST data is a reported problem, not an
 * aborted check.
 *
 * Everything is read under one snapshot, so a concurrent run's half-done
 * work is invisible and a check never sees half of a commit.  The
 * statements (check_set_stmts, check_stmts) run as the extension owner
 * with search_path pinned, like the rest of the store; the function itself
 * is revoked from PUBLIC (it reads what ordinary roles may not, and deep
 * costs a full read of the store): the owner may GRANT EXECUTE on it to a
 * monitoring role.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "citus.h"
#include "eg.h"
#include "segment.h"
#include "spi.h"
#include "store_internal.h"

/* Chunk keys are read this many at a time. */
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

/* A check's statement: a read-only query with nargs parameters. */
#define CHECK_STMT(sql, nargs, ...) EG_STMT(sql, SPI_OK_SELECT, nargs, __VA_ARGS__)
/* A set-based check statement, without or with $1 (SEGMENT_MAX_ROWS). */
#define CHECK_SET(sql)		CHECK_STMT(sql, 0, InvalidOid)
#define CHECK_SET_ROWS(sql)	CHECK_STMT(sql, 1, INT4OID)

/*
 * The set-based checks.  Each returns (problem, artifact, detail); $1 is
 * SEGMENT_MAX_ROWS where a statement needs it.
 */
static EgStmt check_set_stmts[] = {
	/* the graph's materialized flags against the store */
	CHECK_SET("SELECT 'kept but not stored' AS problem, a.id AS artifact, "
			  "format('eg.artifact marks %s \"%s\" materialized; the store has no record of it', "
			  "a.kind, a.step) AS detail "
			  "FROM eg.artifact a WHERE a.materialized "
			  "AND NOT EXISTS (SELECT 1 FROM eg.store_artifact s WHERE s.artifact = a.id) "
			  "ORDER BY a.id"),

	CHECK_SET("SELECT 'stored but not kept' AS problem, s.artifact, "
			  "CASE WHEN a.id IS NULL THEN 'the store holds an artifact the graph does not know' "
			  "ELSE format('the store holds %s \"%s\", which eg.artifact does not mark materialized', "
			  "a.kind, a.step) END AS detail "
			  "FROM eg.store_artifact s LEFT JOIN eg.artifact a ON a.id = s.artifact "
			  "WHERE a.materialized IS NOT TRUE ORDER BY s.artifact"),

	CHECK_SET("SELECT 'kept but not reusable' AS problem, a.id AS artifact, "
			  "format('%s \"%s\" is materialized, but %s', a.kind, a.step, "
			  "CASE WHEN a.kind = 'source' THEN 'base tables are never stored' "
			  "ELSE 'it is not reusable' END) AS detail "
			  "FROM eg.artifact a WHERE a.materialized AND (a.kind = 'source' OR NOT a.reusable) "
			  "ORDER BY a.id"),

	/* column lists: exactly 1..ncolumns; no segment of another column */
	CHECK_SET("SELECT 'column list broken' AS problem, s.artifact, "
			  "format('%s columns expected, %s recorded%s', s.ncolumns, c.n, "
			  "CASE WHEN c.n > 0 AND (c.lo <> 1 OR c.hi <> c.n) "
			  "THEN format(', numbered %s to %s', c.lo, c.hi) ELSE '' END) AS detail "
			  "FROM eg.store_artifact s, LATERAL (SELECT count(*) AS n, min(attnum) AS lo, "
			  "max(attnum) AS hi FROM eg.store_column c WHERE c.artifact = s.artifact) c "
			  "WHERE c.n <> s.ncolumns OR c.lo <> 1 OR c.hi <> s.ncolumns "
			  "ORDER BY s.artifact"),

	CHECK_SET("SELECT 'column list broken' AS problem, g.artifact, "
			  "format('segments of column %s, which is not in its column list', g.attnum) AS detail "
			  "FROM (SELECT DISTINCT artifact, attnum FROM eg.store_segment) g "
			  "WHERE NOT EXISTS (SELECT 1 FROM eg.store_column c "
			  "WHERE c.artifact = g.artifact AND c.attnum = g.attnum) "
			  "ORDER BY g.artifact, g.attnum"),

	/* each column's segments cover 0..nrows-1 exactly */
	CHECK_SET_ROWS("SELECT 'segment gap or overlap' AS problem, c.artifact, "
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
				   "AS detail "
				   "FROM eg.store_column c JOIN eg.store_artifact s ON s.artifact = c.artifact "
				   "LEFT JOIN LATERAL (SELECT x.first_row, x.nrows, x.expect FROM ("
				   "SELECT g.first_row, g.nrows, "
				   "coalesce(lag(g.first_row + g.nrows) OVER (ORDER BY g.first_row), 0) AS expect "
				   "FROM eg.store_segment g WHERE g.artifact = c.artifact AND g.attnum = c.attnum) x "
				   "WHERE x.first_row <> x.expect OR x.nrows > $1 ORDER BY x.first_row LIMIT 1) b ON true "
				   "CROSS JOIN LATERAL (SELECT coalesce(max(g.first_row + g.nrows), 0) AS covered "
				   "FROM eg.store_segment g WHERE g.artifact = c.artifact AND g.attnum = c.attnum) e "
				   "WHERE b.first_row IS NOT NULL OR e.covered <> s.nrows "
				   "ORDER BY c.artifact, c.attnum"),

	/* chunks: every one used exists, every one existing is used */
	CHECK_SET("SELECT DISTINCT ON (g.artifact, g.chunk) 'chunk missing' AS problem, g.artifact, "
			  "format('chunk %s of column %s (\"%s\"), rows %s to %s%s', encode(g.chunk, 'hex'), "
			  "g.attnum, c.name, g.first_row, g.first_row + g.nrows - 1, "
			  "CASE WHEN count(*) OVER w > 1 "
			  "THEN format(', and %s other segment(s)', count(*) OVER w - 1) ELSE '' END) AS detail "
			  "FROM eg.store_segment g LEFT JOIN eg.store_column c "
			  "ON c.artifact = g.artifact AND c.attnum = g.attnum "
			  "WHERE NOT EXISTS (SELECT 1 FROM eg.chunk k WHERE k.hash = g.chunk) "
			  "WINDOW w AS (PARTITION BY g.artifact, g.chunk) "
			  "ORDER BY g.artifact, g.chunk, g.attnum, g.first_row"),

	CHECK_SET("SELECT 'orphan chunk' AS problem, NULL::eg.artifact_id AS artifact, "
			  "format('chunk %s (%s bytes) is used by no segment; a sweep frees it', "
			  "encode(k.hash, 'hex'), k.stored_bytes) AS detail "
			  "FROM eg.chunk k WHERE NOT EXISTS (SELECT 1 FROM eg.store_segment g WHERE g.chunk = k.hash) "
			  "ORDER BY k.hash"),

	/* accounting: chunk, store_artifact, artifact */
	/*
	 * a chunk's bytes are in eg.chunk, or in eg.chunk_data where
	 * eg.distribute_store() moved them (read once: a Citus table there)
	 */
	CHECK_SET("WITH d AS MATERIALIZED (SELECT hash, octet_length(data) AS len FROM eg.chunk_data) "
			  "SELECT CASE WHEN k.hash IS NULL THEN 'orphan chunk' "
			  "WHEN coalesce(octet_length(k.data), d.len) IS NULL THEN 'chunk missing' "
			  "ELSE 'stored bytes wrong' END AS problem, NULL::eg.artifact_id AS artifact, "
			  "CASE WHEN k.hash IS NULL "
			  "THEN format('eg.chunk_data holds bytes of chunk %s, which eg.chunk does not list', encode(d.hash, 'hex')) "
			  "WHEN coalesce(octet_length(k.data), d.len) IS NULL "
			  "THEN format('chunk %s has no data', encode(k.hash, 'hex')) "
			  "ELSE format('chunk %s records %s stored bytes, its data has %s bytes', "
			  "encode(k.hash, 'hex'), k.stored_bytes, coalesce(octet_length(k.data), d.len)) END AS detail "
			  "FROM eg.chunk k FULL JOIN d ON d.hash = k.hash "
			  "WHERE k.hash IS NULL OR k.stored_bytes IS DISTINCT FROM coalesce(octet_length(k.data), d.len) "
			  "ORDER BY coalesce(k.hash, d.hash)"),

	CHECK_SET("SELECT 'stored bytes wrong' AS problem, s.artifact, "
			  "format('the store records %s stored bytes and %s raw bytes; its chunks hold %s stored bytes, "
			  "its segments %s raw bytes', "
			  "s.stored_bytes, s.raw_bytes, t.stored, t.raw) AS detail "
			  "FROM eg.store_artifact s, LATERAL (SELECT "
			  "(SELECT coalesce(sum(k.stored_bytes), 0) FROM eg.chunk k WHERE k.hash IN "
			  "(SELECT g.chunk FROM eg.store_segment g WHERE g.artifact = s.artifact)) AS stored, "
			  "(SELECT coalesce(sum(k.raw_bytes), 0) FROM eg.store_segment g "
			  "JOIN eg.chunk k ON k.hash = g.chunk WHERE g.artifact = s.artifact) AS raw) t "
			  "WHERE (s.stored_bytes <> t.stored OR s.raw_bytes <> t.raw) "
			  "AND NOT EXISTS (SELECT 1 FROM eg.store_segment g WHERE g.artifact = s.artifact "
			  "AND NOT EXISTS (SELECT 1 FROM eg.chunk k WHERE k.hash = g.chunk)) "
			  "ORDER BY s.artifact"),

	CHECK_SET("SELECT 'stored bytes wrong' AS problem, a.id AS artifact, "
			  "format('eg.artifact records %s stored bytes, the store %s stored bytes', "
			  "a.stored_bytes, coalesce(s.stored_bytes, 0)) AS detail "
			  "FROM eg.artifact a LEFT JOIN eg.store_artifact s ON s.artifact = a.id "
			  "WHERE a.stored_bytes <> coalesce(s.stored_bytes, 0) "
			  "AND a.materialized = (s.artifact IS NOT NULL) ORDER BY a.id"),

	/* the budget, as eg.storage reports the store */
	CHECK_SET("SELECT 'over budget' AS problem, NULL::eg.artifact_id AS artifact, "
			  "format('the store holds %s bytes, eg.budget is %s bytes', stored_bytes, budget_bytes) "
			  "AS detail "
			  "FROM eg.storage WHERE stored_bytes > budget_bytes"),

	/* the graph's edges */
	CHECK_SET("SELECT 'operation missing' AS problem, a.id AS artifact, "
			  "format('%s \"%s\" has no operation', a.kind, a.step) AS detail "
			  "FROM eg.artifact a WHERE a.kind <> 'source' "
			  "AND NOT EXISTS (SELECT 1 FROM eg.operation o WHERE o.output = a.id) ORDER BY a.id"),

	CHECK_SET("SELECT 'input missing' AS problem, o.output AS artifact, "
			  "format('its input %s is not in eg.artifact', i.id) AS detail "
			  "FROM eg.operation o, unnest(o.inputs) AS i(id) "
			  "WHERE NOT EXISTS (SELECT 1 FROM eg.artifact a WHERE a.id = i.id) "
			  "ORDER BY o.output, i.id"),
};

/*
 * Where the store is distributed (citus.c), every chunk's bytes are on the
 * workers: those left on the coordinator are never read.
 */
static EgStmt check_distributed_stmt =
	CHECK_SET("SELECT 'stored bytes wrong' AS problem, NULL::eg.artifact_id AS artifact, "
			  "format('chunk %s keeps its bytes in eg.chunk, though the store is distributed', "
			  "encode(hash, 'hex')) AS detail FROM eg.chunk WHERE data IS NOT NULL ORDER BY hash");

/* The other statements of a check. */
typedef enum CheckStmtId
{
	CK_TYPES,
	CK_TYPE_USERS,
	CK_CHUNK_USERS,
	CK_CHUNK_USES,
	CK_CHUNK_DATA,
	CK_CHUNK_PAGE,
	CK_COUNT
} CheckStmtId;

static EgStmt check_stmts[CK_COUNT] = {
	/* the distinct stored column types */
	[CK_TYPES] = CHECK_STMT(
		"SELECT DISTINCT typid, collid, typesig FROM eg.store_column ORDER BY 1, 2, 3",
		0, InvalidOid),
	/* the columns stored with one of them */
	[CK_TYPE_USERS] = CHECK_STMT(
		"SELECT artifact, attnum, name::text AS name FROM eg.store_column "
		"WHERE typid = $1 AND collid = $2 AND typesig = $3 "
		"ORDER BY artifact, attnum",
		3, OIDOID, OIDOID, BYTEAOID),
	/*
	 * per artifact, the first segment using a chunk; with a type $2, only
	 * segments of $3 rows in columns of that type
	 */
	[CK_CHUNK_USERS] = CHECK_STMT(
		"SELECT DISTINCT ON (g.artifact) g.artifact, g.attnum, c.name::text AS name, "
		"g.first_row FROM eg.store_segment g JOIN eg.store_column c "
		"ON c.artifact = g.artifact AND c.attnum = g.attnum "
		"WHERE g.chunk = $1 AND ($2 = 0::oid OR (c.typid = $2 AND g.nrows = $3)) "
		"ORDER BY g.artifact, g.attnum, g.first_row",
		3, BYTEAOID, OIDOID, INT4OID),
	/* what the segments using a chunk claim it holds */
	[CK_CHUNK_USES] = CHECK_STMT(
		"SELECT DISTINCT c.typid, c.collid, c.typesig, g.nrows "
		"FROM eg.store_segment g JOIN eg.store_column c "
		"ON c.artifact = g.artifact AND c.attnum = g.attnum "
		"WHERE g.chunk = $1 ORDER BY 1, 4",
		1, BYTEAOID),
	/* a chunk's data */
	[CK_CHUNK_DATA] = CHECK_STMT(
		"SELECT coalesce(data, (SELECT d.data FROM eg.chunk_data d WHERE d.hash = $1)) AS data "
		"FROM eg.chunk WHERE hash = $1",
		1, BYTEAOID),
	/* the next page of chunk keys, in key order */
	[CK_CHUNK_PAGE] = CHECK_STMT(
		"SELECT hash, raw_bytes FROM eg.chunk WHERE hash > $1 ORDER BY hash LIMIT $2",
		2, BYTEAOID, INT4OID),
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

/* Run a read-only check statement under the active snapshot. */
static uint64
CheckExec(EgStmt *stmt, const Datum *values)
{
	return eg_spi_exec(stmt, values, NULL, true);
}

/* Column name of result row i; (Datum) 0 when null. */
static Datum
CheckGet(uint64 i, const char *name)
{
	bool		isnull;
	Datum		d = eg_spi_get(i, name, &isnull);

	return isnull ? (Datum) 0 : d;
}

/* Run one set-based check and emit what it returns. */
static void
CheckQuery(CheckState *cs, EgStmt *stmt)
{
	Datum		values[1] = {Int32GetDatum(SEGMENT_MAX_ROWS)};
	uint64		n = CheckExec(stmt, values);

	for (uint64 i = 0; i < n; i++)
		CheckEmit(cs, TextDatumGetCString(eg_spi_get_notnull(i, "problem")),
				  CheckGet(i, "artifact"),
				  TextDatumGetCString(eg_spi_get_notnull(i, "detail")));
	eg_spi_free_result();
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

/*
 * A result's stored column types (columns typid, collid, typesig), copied
 * out so that statements can run while they are gone through.
 */
typedef struct CheckType
{
	Oid			typid;
	Oid			collid;
	bytea	   *sig;
} CheckType;

/* Copy the n rows of the last result as CheckTypes, and free it. */
static CheckType *
CheckCopyTypes(uint64 n)
{
	CheckType  *types = palloc(Max(n, 1) * sizeof(CheckType));

	for (uint64 i = 0; i < n; i++)
	{
		types[i].typid = DatumGetObjectId(eg_spi_get_notnull(i, "typid"));
		types[i].collid = DatumGetObjectId(eg_spi_get_notnull(i, "collid"));
		types[i].sig = DatumGetByteaPCopy(eg_spi_get_notnull(i, "typesig"));
	}
	eg_spi_free_result();
	return types;
}

/* Columns whose type (or collation) no longer is what was stored. */
static void
CheckTypes(CheckState *cs)
{
	uint64		n = CheckExec(&check_stmts[CK_TYPES], NULL);
	CheckType  *types = CheckCopyTypes(n);

	for (uint64 i = 0; i < n; i++)
	{
		const char *why = CheckTypeProblem(types[i].typid, types[i].collid,
										   types[i].sig);
		Datum		args[3];
		uint64		m;

		if (why == NULL)
			continue;
		args[0] = ObjectIdGetDatum(types[i].typid);
		args[1] = ObjectIdGetDatum(types[i].collid);
		args[2] = PointerGetDatum(types[i].sig);
		m = CheckExec(&check_stmts[CK_TYPE_USERS], args);
		for (uint64 j = 0; j < m; j++)
			CheckEmit(cs, "column type changed", eg_spi_get_notnull(j, "artifact"),
					  psprintf("column %d (\"%s\"): %s",
							   DatumGetInt32(eg_spi_get_notnull(j, "attnum")),
							   TextDatumGetCString(eg_spi_get_notnull(j, "name")), why));
		eg_spi_free_result();
	}
}

/*
 * Report problem for every artifact whose segments use chunk key (one row
 * with no artifact if none does); a valid typid narrows them to segments
 * of nrows rows in columns of that type.
 */
static void
CheckChunkUsers(CheckState *cs, const uint8 *key, const char *problem,
				const char *detail, Oid typid, int32 nrows)
{
	Datum		args[3];
	char	   *hex = StoreKeyHex(key);
	uint64		n;

	args[0] = StoreKeyDatum(key);
	args[1] = ObjectIdGetDatum(typid);
	args[2] = Int32GetDatum(nrows);
	n = CheckExec(&check_stmts[CK_CHUNK_USERS], args);
	if (n == 0)
		CheckEmit(cs, problem, (Datum) 0, psprintf("chunk %s: %s", hex, detail));
	for (uint64 i = 0; i < n; i++)
		CheckEmit(cs, problem, eg_spi_get_notnull(i, "artifact"),
				  psprintf("chunk %s of column %d (\"%s\") at row %lld: %s", hex,
						   DatumGetInt32(eg_spi_get_notnull(i, "attnum")),
						   TextDatumGetCString(eg_spi_get_notnull(i, "name")),
						   (long long) DatumGetInt64(eg_spi_get_notnull(i, "first_row")),
						   detail));
	eg_spi_free_result();
}

/* CheckFetchChunk's read, for eg_try_subxact. */
typedef struct CheckFetch
{
	const uint8 *key;
	bytea	   *data;			/* NULL: the chunk is gone, or has no data */
	bool		nodata;			/* in neither eg.chunk nor eg.chunk_data */
} CheckFetch;

/* Read the chunk's data (detoasted) into the current context. */
static void
CheckFetchData(void *arg)
{
	CheckFetch *f = (CheckFetch *) arg;
	Datum		args[1] = {StoreKeyDatum(f->key)};

	if (CheckExec(&check_stmts[CK_CHUNK_DATA], args) == 1)
	{
		Datum		d = eg_spi_get(0, "data", &f->nodata);

		if (!f->nodata)
			f->data = DatumGetByteaPCopy(d);
	}
	eg_spi_free_result();
}

/*
 * Read chunk key's data (detoasted, in the current context) in a
 * subtransaction; NULL with *err set if it cannot be read or is gone.
 */
static bytea *
CheckFetchChunk(const uint8 *key, char **err)
{
	CheckFetch	f = {key, NULL, false};
	ErrorData  *edata = eg_try_subxact(CheckFetchData, &f);

	*err = NULL;
	if (edata != NULL)
	{
		if (edata->sqlerrcode != ERRCODE_DATA_CORRUPTED &&
			edata->sqlerrcode != ERRCODE_INDEX_CORRUPTED)
			ReThrowError(edata);
		*err = psprintf("its data cannot be read: %s", edata->message);
		return NULL;
	}
	if (f.nodata)
		*err = "it has no data";
	else if (f.data == NULL)
		*err = "the chunk went away during the check";
	return f.data;
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
CheckChunkUses(CheckState *cs, const uint8 *key, Size len)
{
	Datum		args[1] = {StoreKeyDatum(key)};
	uint64		n = CheckExec(&check_stmts[CK_CHUNK_USES], args);
	int32	   *nrows = palloc(Max(n, 1) * sizeof(int32));
	CheckType  *types;

	for (uint64 i = 0; i < n; i++)
		nrows[i] = DatumGetInt32(eg_spi_get_notnull(i, "nrows"));
	types = CheckCopyTypes(n);
	for (uint64 i = 0; i < n; i++)
	{
		const char *err;

		/* a changed type is reported by CheckTypes; its layout is unknown */
		if (CheckTypeProblem(types[i].typid, types[i].collid, types[i].sig) != NULL)
			continue;
		err = CheckParse(cs, len, types[i].typid, nrows[i]);
		if (err != NULL)
			CheckChunkUsers(cs, key, "segment malformed",
							psprintf("not a segment of %d values of type %s: %s", nrows[i],
									 format_type_be(types[i].typid), err),
							types[i].typid, nrows[i]);
	}
}

/*
 * Check one chunk: read, verify and decompress it as store_get would, hash
 * the image against its key, then parse it for each of its uses.
 */
static void
CheckChunk(CheckState *cs, const uint8 *key, int64 raw_bytes)
{
	char	   *err;
	bytea	   *data = CheckFetchChunk(key, &err);
	uint8		digest[SEGMENT_HASH_LEN];

	if (data != NULL)
	{
		if (raw_bytes <= 0 || raw_bytes > (int64) SEGMENT_MAX_RAW)
			err = psprintf("its recorded size of %lld bytes is impossible",
						   (long long) raw_bytes);
		else
			err = (char *) segment_decompress(cs->dctx, key, VARDATA_ANY(data),
											  VARSIZE_ANY_EXHDR(data), (Size) raw_bytes,
											  SEGMENT_MAX_RAW, &cs->image, &cs->imagecap,
											  cs->cxt);
	}
	if (err == NULL)
	{
		segment_hash(cs->image, (Size) raw_bytes, digest);
		if (memcmp(digest, key, SEGMENT_HASH_LEN) != 0)
			err = "its content does not hash to its key";
	}
	if (err != NULL)
		CheckChunkUsers(cs, key, "chunk corrupt", err, InvalidOid, 0);
	else
		CheckChunkUses(cs, key, (Size) raw_bytes);
}

/*
 * Deep: every chunk, in key order, a page of CHECK_FETCH keys at a time
 * (each page starts after the last key of the one before; all under the
 * check's snapshot).
 */
static void
CheckChunks(CheckState *cs)
{
	uint8		keys[CHECK_FETCH][SEGMENT_HASH_LEN];
	int64		raw[CHECK_FETCH];
	bytea	   *none = palloc(VARHDRSZ);
	Datum		args[2];
	uint64		n;

	/* the empty bytea sorts before every key */
	SET_VARSIZE(none, VARHDRSZ);
	args[0] = PointerGetDatum(none);
	args[1] = Int32GetDatum(CHECK_FETCH);
	do
	{
		n = CheckExec(&check_stmts[CK_CHUNK_PAGE], args);
		for (uint64 i = 0; i < n; i++)
		{
			if (!StoreKeyFromDatum(eg_spi_get_notnull(i, "hash"), keys[i]))
				elog(ERROR, "malformed key in eg.chunk");
			raw[i] = DatumGetInt64(eg_spi_get_notnull(i, "raw_bytes"));
		}
		eg_spi_free_result();
		for (uint64 i = 0; i < n; i++)
		{
			MemoryContext old = MemoryContextSwitchTo(cs->chunkcxt);

			CHECK_FOR_INTERRUPTS();
			CheckChunk(cs, keys[i], raw[i]);
			MemoryContextSwitchTo(old);
			MemoryContextReset(cs->chunkcxt);
		}
		if (n > 0)
			args[0] = StoreKeyDatum(keys[n - 1]);
	} while (n == CHECK_FETCH);
}

/* Deep: every chunk read, verified, hashed and parsed. */
static void
CheckDeep(CheckState *cs)
{
	cs->chunkcxt = AllocSetContextCreate(cs->cxt, "eg check chunk",
										 ALLOCSET_DEFAULT_SIZES);
	cs->vals = palloc(CHECK_READ_BATCH * sizeof(const char *));
	cs->lens = palloc(CHECK_READ_BATCH * sizeof(uint32));
	/* freed with the call's memory, on every path */
	cs->dctx = StoreDCtx(cs->cxt);
	CheckChunks(cs);
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
	for (int i = 0; i < lengthof(check_set_stmts); i++)
		CheckQuery(&cs, &check_set_stmts[i]);
	if (citus_store_distributed())
		CheckQuery(&cs, &check_distributed_stmt);
	CheckTypes(&cs);
	if (deep)
		CheckDeep(&cs);
	PopActiveSnapshot();
	StoreEnd(&s);
	return (Datum) 0;
}
