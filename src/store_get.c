/*
 * store_get.c - restoring an artifact as a new table.
 *
 * store_get creates the table as the calling user (SPI, every name quoted,
 * types and collations printed from their oids), then reads the artifact's
 * column list and segment list and every chunk under one MVCC snapshot, so
 * a concurrent drop cannot tear the load.  Each column keeps a reader on
 * its current segment; a segment is fetched (in a subtransaction, so that a
 * damaged TOAST value is a reportable corruption, not an abort),
 * decompressed into a per-column buffer after checking its sizes, verified
 * against its SHA-256 key, and walked with bounds checks (segment.c).  Rows
 * are formed in heap slots and handed to table_multi_insert in batches.
 * Anything wrong with the stored data - a type that changed, a missing or
 * corrupt chunk, a malformed segment - ends in one WARNING naming the
 * artifact: the half-built table is dropped, the artifact (and with a bad
 * chunk, every artifact using it, and the chunk) leaves the store, and the
 * caller gets InvalidOid and recomputes.  Errors of the caller's own
 * making (the table exists, no CREATE right) are plain errors.
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
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "parser/scansup.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "eg.h"
#include "segment.h"
#include "store.h"
#include "store_internal.h"

/* store_get hands the heap this many tuples (or bytes) at a time. */
#define STORE_INSERT_BATCH		1000
#define STORE_INSERT_BATCH_BYTES	((Size) 1024 * 1024)

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
	char	   *relname;
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
	/* CREATE TABLE truncates a long name; look it up the same way */
	relname = pstrdup(into->relname);
	truncate_identifier(relname, strlen(relname), false);

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
	sql = StoreGetCreateSql(gs, into, nspname, relname);
	if (SPI_execute(sql, false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "could not run \"%s\"", sql);
	MemoryContextSwitchTo(s.cxt);
	CommandCounterIncrement();
	relid = get_relname_relid(relname, nspid);
	if (!OidIsValid(relid))
		elog(ERROR, "table \"%s\" just created is not there", relname);

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
