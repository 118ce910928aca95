/*
 * store_get.c - restoring an artifact as a new table.
 *
 * store_get creates the table as the calling user (SPI, every name quoted,
 * types and collations printed from their oids), then reads the artifact's
 * column list and segment list and every chunk under one MVCC snapshot, so
 * a concurrent drop cannot tear the load.  Rows are restored in batches of
 * STORE_GET_BATCH: each column keeps a reader on its current segment, and
 * when a batch needs new segments (normally every column at once, every
 * SEGMENT_MAX_ROWS rows) their chunks are fetched with one statement, in a
 * subtransaction so that a damaged TOAST value is a reportable corruption,
 * not an abort.  Each chunk is checked and decompressed (segment.c says
 * why that proves its integrity without hashing it again) into its
 * column's buffer, which is reused from segment to segment; the batch is
 * then decoded column by column into pointers to the values, which are
 * already in heap form, and store_heap.c writes the rows.  Nothing is
 * palloc'd per value and nothing goes through a type's I/O functions.
 *
 * Anything wrong with the stored data - a type that changed, a missing or
 * corrupt chunk, a malformed segment - ends in one WARNING naming the
 * artifact: the half-built table is dropped, the artifact (and with a bad
 * chunk, every artifact using it, and the chunk) leaves the store, and the
 * caller gets InvalidOid and recomputes; at REPEATABLE READ or
 * SERIALIZABLE it stays in the store, reported, for a run at READ COMMITTED
 * to remove (removing it in the user's transaction could fail that, and
 * the worker that records the run would not see it: graph_worker.c).  A
 * caller that cannot recompute (eg.restore, which then fails) gets what is
 * wrong instead, and nothing is removed: its error would roll the removal
 * back anyway.  Errors of the
 * caller's own making (the table exists, no CREATE right) are plain
 * errors.  The zstd context lives outside palloc and is freed on every
 * path, by a reset callback of the call's memory context.
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
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "parser/scansup.h"
#include "tcop/dest.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "citus.h"
#include "eg.h"
#include "segment.h"
#include "spi.h"
#include "store.h"
#include "store_internal.h"

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
	char		typstorage;
	int			nsegs;
	int			segcap;
	StoreSegRef *segs;
	int			nextseg;		/* next segment to load */
	bool		open;			/* reader holds a segment */
	SegmentReader r;
	char	   *raw;			/* decompressed segment, reused */
	Size		rawcap;
	const char **vals;			/* the batch's values (segment_reader_read) */
	uint32	   *lens;			/* and their lengths */
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
	int		   *need;			/* columns needing a segment, this batch */
	bool		distributed;	/* chunk bytes are in eg.chunk_data (citus.c) */
	/* what went wrong, if anything */
	const char *bad_reason;
	int			bad_col;		/* -1: not column-specific */
	const StoreSegRef *bad_seg;
	bool		bad_chunk;		/* the chunk itself is bad: delete it */
	MemoryContext caller;		/* where dropped is built */
	List	   *dropped;		/* ids (EgId *) removed from the store */
} StoreGetState;

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
	if (StoreExec(SP_ART_GET, args, true) == 0)
	{
		eg_spi_free_result();
		return false;
	}
	gs->nrows = DatumGetInt64(eg_spi_get_notnull(0, "nrows"));
	ncolumns = DatumGetInt32(eg_spi_get_notnull(0, "ncolumns"));
	eg_spi_free_result();
	if (gs->nrows < 0 || ncolumns < 0 || ncolumns > MaxHeapAttributeNumber)
	{
		StoreGetFail(gs, -1, NULL, false, "its row or column count is invalid");
		return true;
	}

	n = StoreExec(SP_COL_LIST, args, true);
	if (n != (uint64) ncolumns)
	{
		eg_spi_free_result();
		StoreGetFail(gs, -1, NULL, false, "its column list is incomplete");
		return true;
	}
	gs->ncols = ncolumns;
	gs->cols = palloc0(Max(ncolumns, 1) * sizeof(StoreGetColumn));
	for (uint64 i = 0; i < n; i++)
	{
		StoreGetColumn *c = &gs->cols[i];

		if (DatumGetInt32(eg_spi_get_notnull(i, "attnum")) != (int32) (i + 1))
		{
			StoreGetFail(gs, -1, NULL, false, "its column numbers have gaps");
			break;
		}
		c->name = pstrdup(NameStr(*DatumGetName(eg_spi_get_notnull(i, "name"))));
		c->typid = DatumGetObjectId(eg_spi_get_notnull(i, "typid"));
		c->typmod = DatumGetInt32(eg_spi_get_notnull(i, "typmod"));
		c->collid = DatumGetObjectId(eg_spi_get_notnull(i, "collid"));
		if (!StoreKeyFromDatum(eg_spi_get_notnull(i, "typesig"), c->typesig))
			StoreGetFail(gs, (int) i, NULL, false, "its type signature is malformed");
	}
	eg_spi_free_result();
	if (gs->bad_reason != NULL)
		return true;

	n = StoreExec(SP_SEG_LIST, args, true);
	for (uint64 i = 0; i < n && gs->bad_reason == NULL; i++)
	{
		int32		attnum = DatumGetInt32(eg_spi_get_notnull(i, "attnum"));
		int64		first = DatumGetInt64(eg_spi_get_notnull(i, "first_row"));
		int32		nrows = DatumGetInt32(eg_spi_get_notnull(i, "nrows"));
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
		if (!StoreKeyFromDatum(eg_spi_get_notnull(i, "chunk"), seg->key))
			StoreGetFail(gs, attnum - 1, NULL, false, "a segment has a malformed chunk key");
	}
	eg_spi_free_result();

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
		c->typstorage = get_typstorage(c->typid);
	}
}

/* CREATE [TEMP] TABLE statement for the artifact, every name quoted. */
static char *
StoreGetCreateSql(StoreGetState *gs, const RangeVar *into, const char *nspname,
				  const char *relname)
{
	StringInfoData sql;

	initStringInfo(&sql);
	appendStringInfo(&sql, "CREATE %sTABLE %s (",
					 into->relpersistence == RELPERSISTENCE_TEMP ? "TEMP " :
					 into->relpersistence == RELPERSISTENCE_UNLOGGED ? "UNLOGGED " : "",
					 quote_qualified_identifier(nspname, relname));
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

/* Order column numbers by the key of their next segment. */
static int
StoreGetCompareNeed(const void *a, const void *b, void *arg)
{
	StoreGetState *gs = (StoreGetState *) arg;
	const StoreGetColumn *x = &gs->cols[*(const int *) a];
	const StoreGetColumn *y = &gs->cols[*(const int *) b];

	return memcmp(x->segs[x->nextseg].key, y->segs[y->nextseg].key,
				  SEGMENT_HASH_LEN);
}

/*
 * Decompress the chunk fetched for column col's next segment (data: its
 * bytes as stored) and open the column's reader on it; the caller moves
 * nextseg on.  Returns false (noted) on failure.
 */
static bool
StoreGetOpenChunk(StoreGetState *gs, int col, int64 raw_size, bytea *data)
{
	StoreGetColumn *c = &gs->cols[col];
	const StoreSegRef *seg = &c->segs[c->nextseg];
	bool		bad_chunk;
	const char *err;

	err = segment_chunk_open(&c->r, gs->dctx, seg->key, VARDATA_ANY(data),
							 VARSIZE_ANY_EXHDR(data), raw_size, seg->nrows,
							 c->typlen, c->typbyval, c->typalign,
							 c->typstorage, &c->raw, &c->rawcap, gs->colcxt,
							 &bad_chunk);
	if (err != NULL)
	{
		StoreGetFail(gs, col, seg, bad_chunk, err);
		return false;
	}
	c->open = true;
	return true;
}

/*
 * Fetch, check and open the next segment of the nneed columns in gs->need,
 * with one statement, in a subtransaction so that a damaged TOAST value is
 * a reportable corruption, not an aborted transaction.  Returns false
 * (noted) on failure.
 */
static bool
StoreGetLoadSegments(StoreGetState *gs, int nneed)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	int		   *need = gs->need;
	Datum	   *keys = palloc(nneed * sizeof(Datum));
	Datum		args[1];
	volatile int current = -1;	/* need[] index being read */
	volatile bool ok = true;

	for (int j = 0; j < nneed; j++)
	{
		StoreGetColumn *c = &gs->cols[need[j]];

		if (c->nextseg >= c->nsegs)
		{
			StoreGetFail(gs, need[j], NULL, false, "a column has segments missing");
			return false;
		}
		keys[j] = StoreKeyDatum(c->segs[c->nextseg].key);
	}
	/* sorted by key: columns sharing a chunk are adjacent, and searchable */
	qsort_arg(need, nneed, sizeof(int), StoreGetCompareNeed, gs);
	args[0] = PointerGetDatum(construct_array(keys, nneed, BYTEAOID, -1,
											  false, TYPALIGN_INT));

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		uint64		n = StoreExec(gs->distributed ? SP_DATA_FETCH_MANY : SP_CHUNK_FETCH_MANY,
								 args, true);

		for (uint64 i = 0; i < n && ok; i++)
		{
			uint8		key[SEGMENT_HASH_LEN];
			int64		raw_size = DatumGetInt64(eg_spi_get_notnull(i, "raw_bytes"));
			int			lo = 0,
						hi = nneed;
			bool		nodata;
			Datum		d = eg_spi_get(i, "data", &nodata);
			bytea	   *data;

			/* a chunk without bytes is one missing (noted below) */
			if (nodata || !StoreKeyFromDatum(eg_spi_get_notnull(i, "hash"), key))
				continue;
			/* first need[] entry whose key is >= key */
			while (lo < hi)
			{
				int			mid = (lo + hi) / 2;
				StoreGetColumn *c = &gs->cols[need[mid]];

				if (memcmp(c->segs[c->nextseg].key, key, SEGMENT_HASH_LEN) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo >= nneed)
				continue;
			current = lo;
			MemoryContextSwitchTo(gs->chunkcxt);
			data = DatumGetByteaPP(d);
			MemoryContextSwitchTo(oldcxt);
			for (int j = lo; j < nneed && ok; j++)
			{
				StoreGetColumn *c = &gs->cols[need[j]];

				if (c->open ||
					memcmp(c->segs[c->nextseg].key, key, SEGMENT_HASH_LEN) != 0)
					break;
				ok = StoreGetOpenChunk(gs, need[j], raw_size, data);
			}
			current = -1;
			MemoryContextReset(gs->chunkcxt);
		}
		eg_spi_free_result();
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
		if ((edata->sqlerrcode != ERRCODE_DATA_CORRUPTED &&
			 edata->sqlerrcode != ERRCODE_INDEX_CORRUPTED) || current < 0)
			ReThrowError(edata);
		{
			StoreGetColumn *c = &gs->cols[need[current]];

			StoreGetFail(gs, need[current], &c->segs[c->nextseg], true,
						 psprintf("the chunk cannot be read: %s", edata->message));
		}
		ok = false;
	}
	PG_END_TRY();

	for (int j = 0; j < nneed && ok; j++)
	{
		StoreGetColumn *c = &gs->cols[need[j]];

		if (!c->open)
		{
			StoreGetFail(gs, need[j], &c->segs[c->nextseg], true,
						 "the chunk is missing");
			ok = false;
		}
	}
	for (int j = 0; j < nneed; j++)
		if (gs->cols[need[j]].open)
			gs->cols[need[j]].nextseg++;
	return ok;
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

/* Decode all rows into heap, a batch at a time; false (noted) on failure. */
static bool
StoreGetRows(StoreGetState *gs, StoreHeap *heap)
{
	const char ***cols = palloc(Max(gs->ncols, 1) * sizeof(const char **));
	uint32	  **lens = palloc(Max(gs->ncols, 1) * sizeof(uint32 *));
	int64		row = 0;
	bool		ok = true;

	gs->need = palloc(Max(gs->ncols, 1) * sizeof(int));
	for (int i = 0; i < gs->ncols; i++)
	{
		gs->cols[i].vals = MemoryContextAlloc(gs->colcxt,
											  STORE_GET_BATCH * sizeof(const char *));
		gs->cols[i].lens = MemoryContextAlloc(gs->colcxt,
											  STORE_GET_BATCH * sizeof(uint32));
		cols[i] = gs->cols[i].vals;
		lens[i] = gs->cols[i].lens;
	}

	while (ok && row < gs->nrows)
	{
		uint32		n = (uint32) Min((int64) STORE_GET_BATCH, gs->nrows - row);
		int			nneed = 0;

		for (int i = 0; i < gs->ncols && ok; i++)
		{
			StoreGetColumn *c = &gs->cols[i];

			if (c->open && segment_reader_left(&c->r) == 0)
				ok = StoreGetCloseSegment(gs, i);
			if (!c->open)
				gs->need[nneed++] = i;
		}
		if (ok && nneed > 0)
			ok = StoreGetLoadSegments(gs, nneed);
		for (int i = 0; i < gs->ncols && ok; i++)
			n = Min(n, segment_reader_left(&gs->cols[i].r));
		for (int i = 0; i < gs->ncols && ok; i++)
		{
			StoreGetColumn *c = &gs->cols[i];
			const char *err = segment_reader_read(&c->r, n, c->vals, c->lens);

			if (err != NULL)
			{
				StoreGetFail(gs, i, &c->segs[c->nextseg - 1], false, err);
				ok = false;
			}
		}
		if (!ok)
			break;
		StoreHeapAdd(heap, (const char *const *const *) cols,
					 (const uint32 *const *) lens, n);
		row += n;
	}

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
	(void) StoreHeapEnd(heap, ok);
	return ok;
}

/* Add id to the artifacts this store_get removed (in the caller's context). */
static void
StoreGetNoteDropped(StoreGetState *gs, const EgId *id)
{
	MemoryContext old = MemoryContextSwitchTo(gs->caller);

	gs->dropped = lappend(gs->dropped, eg_id_copy(id));
	MemoryContextSwitchTo(old);
}

/* What is wrong with the stored artifact, as an error detail. */
static char *
StoreGetDamage(StoreGetState *gs)
{
	const char *colname = gs->bad_col >= 0 ? gs->cols[gs->bad_col].name : NULL;

	if (colname != NULL && gs->bad_chunk && gs->bad_seg != NULL)
		return psprintf("Column \"%s\", rows %lld to %lld, chunk %s: %s.",
						colname,
						(long long) gs->bad_seg->first_row,
						(long long) (gs->bad_seg->first_row + gs->bad_seg->nrows - 1),
						StoreKeyHex(gs->bad_seg->key), gs->bad_reason);
	if (colname != NULL)
		return psprintf("Column \"%s\": %s.", colname, gs->bad_reason);
	return psprintf("The store's record of it is damaged: %s.", gs->bad_reason);
}

/*
 * Remove a stored artifact that cannot be restored, and report it; with a
 * bad chunk, also every other artifact using that chunk, and the chunk.  At
 * REPEATABLE READ or SERIALIZABLE only report it (see the top of the file).
 */
static void
StoreGetDiscard(StoreGetState *gs)
{
	StoreSession *s = gs->s;
	int			others = 0;
	char	   *damage = StoreGetDamage(gs);

	if (IsolationUsesXactSnapshot())
	{
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored artifact %s cannot be restored", s->hex),
				 errdetail("%s", damage),
				 errhint("The artifact will be recomputed; a run at READ COMMITTED removes it from the store.")));
		return;
	}
	if (gs->bad_chunk && gs->bad_seg != NULL)
	{
		Datum		args[1];
		uint64		n;
		char	  **users;

		args[0] = StoreKeyDatum(gs->bad_seg->key);
		n = StoreExec(SP_CHUNK_USERS, args, false);
		users = palloc(Max(n, 1) * sizeof(char *));
		for (uint64 i = 0; i < n; i++)
		{
			users[i] = TextDatumGetCString(eg_spi_get_notnull(i, "hex"));
			if (strcmp(users[i], s->hex) != 0)
				StoreGetNoteDropped(gs, DatumGetEgId(eg_spi_get_notnull(i, "artifact")));
		}
		eg_spi_free_result();
		for (uint64 i = 0; i < n; i++)
		{
			if (strcmp(users[i], s->hex) == 0)
				continue;
			StoreDropArtifact(users[i]);
			others++;
		}
		StoreDropArtifact(s->hex);
		(void) StoreFreeChunks(PointerGetDatum(construct_array(args, 1, BYTEAOID, -1,
															   false, TYPALIGN_INT)),
							   false);
	}
	else
		StoreDropArtifact(s->hex);

	ereport(WARNING,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("stored artifact %s cannot be restored and was removed from the store",
					s->hex),
			 others > 0 ?
			 errdetail_plural("%s %d other artifact using the chunk was removed too.",
							  "%s %d other artifacts using the chunk were removed too.",
							  others, damage, others) :
			 errdetail("%s", damage),
			 errhint("The artifact will be recomputed when it is needed.")));
}

/*
 * A stored artifact cannot be restored: remove and report it (damage NULL),
 * or leave that to the caller, who gets what is wrong in *damage.
 */
static void
StoreGetFailed(StoreGetState *gs, char **damage)
{
	MemoryContext old;

	if (damage == NULL)
	{
		StoreGetDiscard(gs);
		return;
	}
	old = MemoryContextSwitchTo(gs->caller);
	*damage = StoreGetDamage(gs);
	MemoryContextSwitchTo(old);
}

/*
 * Create the table for the artifact (its catalog read and checked) as
 * "into" in namespace nspid, as the calling user, and restore the rows into
 * it.  Returns its oid, or InvalidOid (noted; the half-built table dropped).
 */
static Oid
StoreGetTable(StoreGetState *gs, const RangeVar *into, Oid nspid,
			  const char *relname)
{
	char	   *nspname = get_namespace_name(nspid);
	char	   *sql;
	Oid			relid;
	Relation	rel;
	bool		same;
	bool		ok;
	int			toast;

	if (nspname == NULL)
		elog(ERROR, "cache lookup failed for namespace %u", nspid);
	sql = StoreGetCreateSql(gs, into, nspname, relname);
	(void) eg_spi_exec_sql(sql, 0, NULL, NULL, NULL, SPI_OK_UTILITY, EG_SPI_CALLER);
	CommandCounterIncrement();
	relid = get_relname_relid(relname, nspid);
	if (!OidIsValid(relid))
		elog(ERROR, "table \"%s\" just created is not there", relname);

	rel = table_open(relid, RowExclusiveLock);
	same = RelationGetDescr(rel)->natts == gs->ncols;
	for (int i = 0; i < gs->ncols && same; i++)
		same = TupleDescAttr(RelationGetDescr(rel), i)->atttypid == gs->cols[i].typid;
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" does not have the columns of artifact %s",
						RelationGetRelationName(rel), gs->s->hex),
				 errdetail("Something changed the table while it was being created.")));

	/* freed with the call's memory, on every path */
	gs->dctx = StoreDCtx(gs->s->cxt);
	toast = store_toast_begin();
	ok = StoreGetRows(gs, StoreHeapBegin(rel));
	store_toast_end(toast);
	Assert(ok == (gs->bad_reason == NULL));
	table_close(rel, NoLock);
	if (!ok)
	{
		ObjectAddress addr;

		/* the half-built table goes away; so does the artifact */
		ObjectAddressSet(addr, RelationRelationId, relid);
		performDeletion(&addr, DROP_RESTRICT, PERFORM_DELETION_INTERNAL);
		relid = InvalidOid;
	}
	CommandCounterIncrement();
	return relid;
}

/* Where store_get and store_get_rows send the artifact's rows. */
typedef struct StoreGetTarget
{
	const RangeVar *into;		/* a new table; or */
	TupleDesc	desc;			/* rows of this shape (NULL: the artifact's) */
	DestReceiver *dest;			/* to this receiver */
} StoreGetTarget;

/* The artifact's columns as a tuple descriptor, in memory context cxt. */
static TupleDesc
StoreGetDesc(StoreGetState *gs, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	TupleDesc	desc = CreateTemplateTupleDesc(gs->ncols);

	for (int i = 0; i < gs->ncols; i++)
	{
		TupleDescInitEntry(desc, (AttrNumber) (i + 1), gs->cols[i].name,
						   gs->cols[i].typid, gs->cols[i].typmod, 0);
		TupleDescInitEntryCollation(desc, (AttrNumber) (i + 1), gs->cols[i].collid);
	}
	MemoryContextSwitchTo(old);
	return desc;
}

/* True if the artifact's columns have the types of desc's. */
static bool
StoreGetFits(StoreGetState *gs, TupleDesc desc)
{
	if (desc->natts != gs->ncols)
		return false;
	for (int i = 0; i < gs->ncols; i++)
		if (TupleDescAttr(desc, i)->atttypid != gs->cols[i].typid)
			return false;
	return true;
}

/*
 * Restore artifact id to target; as store_get says, with a relation's oid
 * (a new table), or any valid oid (rows sent), or InvalidOid.
 */
static Oid
StoreGetTo(const EgId *id, const StoreGetTarget *target, int64 *rows, List **others,
		   char **damage)
{
	StoreSession s;
	StoreGetState *gs;
	Oid			nspid = InvalidOid;
	char	   *relname = NULL;
	Oid			relid = InvalidOid;
	MemoryContext caller = CurrentMemoryContext;

	*rows = 0;
	*others = NIL;
	/* where the table goes, resolved with the caller's search_path */
	if (target->into != NULL)
		nspid = RangeVarGetCreationNamespace(target->into);

	StoreBegin(&s, id, "eg store get");
	if (target->into != NULL)
	{
		/* CREATE TABLE truncates a long name; look it up the same way */
		relname = pstrdup(target->into->relname);
		truncate_identifier(relname, strlen(relname), false);
	}

	/* one snapshot for every read: a concurrent drop cannot tear the load */
	PushActiveSnapshot(GetTransactionSnapshot());

	gs = palloc0(sizeof(StoreGetState));
	gs->s = &s;
	gs->caller = caller;
	gs->bad_col = -1;
	gs->distributed = citus_store_distributed();
	/* a put this snapshot sees committed may still be committing its bytes */
	if (gs->distributed)
		citus_settle();
	gs->colcxt = AllocSetContextCreate(s.cxt, "eg store columns",
									   ALLOCSET_DEFAULT_SIZES);
	gs->chunkcxt = AllocSetContextCreate(s.cxt, "eg store chunk",
										 ALLOCSET_DEFAULT_SIZES);

	if (StoreGetCatalog(gs))
	{
		if (gs->bad_reason == NULL)
			StoreGetCheckTypes(gs);
		if (gs->bad_reason == NULL && target->into != NULL)
			relid = StoreGetTable(gs, target->into, nspid, relname);
		else if (gs->bad_reason == NULL && target->desc == NULL)
		{
			TupleDesc	desc = StoreGetDesc(gs, caller);

			target->dest->rStartup(target->dest, CMD_SELECT, desc);
			gs->dctx = StoreDCtx(s.cxt);
			if (StoreGetRows(gs, StoreHeapBeginDest(desc, target->dest)))
				relid = RelationRelationId;	/* any valid oid: sent */
		}
		else if (gs->bad_reason == NULL && StoreGetFits(gs, target->desc))
		{
			gs->dctx = StoreDCtx(s.cxt);
			if (StoreGetRows(gs, StoreHeapBeginDest(target->desc, target->dest)))
				relid = RelationRelationId;	/* any valid oid: sent */
		}
		if (gs->bad_reason != NULL)
		{
			StoreGetFailed(gs, damage);
			*others = gs->dropped;
		}
		else if (OidIsValid(relid))
			*rows = gs->nrows;
	}

	PopActiveSnapshot();
	StoreEnd(&s);
	return relid;
}

/*
 * Restore artifact id into a new table "into", created as the current user.
 * Returns its oid and sets *rows; InvalidOid if the artifact is not stored,
 * or cannot be restored: then, with damage NULL, it is removed from the store
 * after a WARNING and *others lists the other artifacts (EgId *) a bad chunk
 * took with it; else *damage says what is wrong and nothing is removed.
 */
Oid
store_get(const EgId *id, const RangeVar *into, int64 *rows, List **others,
		  char **damage)
{
	StoreGetTarget target = {into, NULL, NULL};

	return StoreGetTo(id, &target, rows, others, damage);
}

/*
 * Send artifact id's rows to dest (started by the caller), as tuples of
 * desc; true and *rows if all were sent.  False if it is not stored, its
 * columns are not of desc's types, or it cannot be restored (then as
 * store_get with damage NULL: a WARNING, the artifact and *others leave the
 * store).  On false, some rows may have been sent.
 */
bool
store_get_rows(const EgId *id, TupleDesc desc, DestReceiver *dest, int64 *rows,
			   List **others)
{
	StoreGetTarget target = {NULL, desc, dest};

	return OidIsValid(StoreGetTo(id, &target, rows, others, NULL));
}

/*
 * Send artifact id's rows to dest as tuples of its own columns, starting
 * dest with them (rStartup; the caller shuts it down); true and *rows if
 * all were sent.  False if it is not stored, or cannot be restored: then
 * as store_get says (with damage NULL: a WARNING, the artifact and *others
 * leave the store; else *damage says what is wrong).
 */
bool
store_get_own_rows(const EgId *id, DestReceiver *dest, int64 *rows, List **others,
				   char **damage)
{
	StoreGetTarget target = {NULL, NULL, dest};

	return OidIsValid(StoreGetTo(id, &target, rows, others, damage));
}
