/*
 * store_put.c - storing a relation as an artifact.
 *
 * store_put scans the relation with the table AM (no SPI, no text I/O) and
 * feeds every column's values to its own segment writer (segment.c).  A
 * column's segment closes at SEGMENT_MAX_ROWS rows or SEGMENT_TARGET_BYTES,
 * decided by that column's values alone, so an identical column cuts into
 * identical segments in every artifact and its chunks are shared: adding a
 * feature column to a stored dataset costs one column.  Memory is bounded
 * by STORE_PUT_MAX_BUFFERED: a relation whose fixed-width columns' open
 * segments could together exceed it (e.g. 600 float8 features) is scanned
 * once per group of columns that fit, so its segments stay those of each
 * column alone; only variable-width values beyond the bound make the
 * biggest open segment close early, trading that independence for bounded
 * memory.  A closed segment is hashed; if a chunk with that key exists it
 * is locked and reused, otherwise the segment is compressed and inserted
 * (store.c explains the locking).  The artifact's row in store_artifact is
 * claimed first, so concurrent puts of one artifact store it once.
 *
 * Where the time goes is measured per segment, not per value (four clock
 * reads per segment): hashing, compressing, and writing (the statements on
 * eg's tables); the rest of the wall time is the scan and serialisation.
 * The split is reported at DEBUG1 (bench/store reads it).
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "eg.h"
#include "segment.h"
#include "spi.h"
#include "store.h"
#include "store_internal.h"

/*
 * Bytes the open segments of a scan may hold together: fixed-width columns
 * are grouped into scans that cannot exceed it (leaving a quarter to the
 * variable-width ones, if any); beyond it the biggest open segment is
 * flushed early.
 */
#define STORE_PUT_MAX_BUFFERED	((Size) 256 * 1024 * 1024)

/* Segment rows are inserted in batches of this many. */
#define STORE_SEGMENT_BATCH		1024

/* One column of a store_put. */
typedef struct StorePutColumn
{
	int			attidx;			/* index in the source tuple descriptor */
	int			colno;			/* 1-based position in the artifact */
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
	instr_time	t_hash;			/* time spent hashing segments */
	instr_time	t_compress;		/* ... compressing them */
	instr_time	t_write;		/* ... in statements on eg's tables */
} StorePutState;

/* Key entry of StorePutState.seen. */
typedef struct StoreSeenKey
{
	uint8		key[SEGMENT_HASH_LEN];
} StoreSeenKey;


/* Seconds since start. */
static double
StoreElapsed(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_DOUBLE(now);
}

/* Add the time since *start to *acc and restart *start. */
static inline void
StoreLap(instr_time *acc, instr_time *start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_ACCUM_DIFF(*acc, now, *start);
	*start = now;
}

/* Insert the pending segment rows. */
static void
StorePutFlushSegments(StorePutState *ps)
{
	Datum		args[5];
	MemoryContext old;
	instr_time	t;

	if (ps->npending == 0)
		return;
	INSTR_TIME_SET_CURRENT(t);
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
	(void) StoreExec(SP_SEG_INSERT, args, false);
	MemoryContextSwitchTo(old);
	MemoryContextReset(ps->batchcxt);
	ps->npending = 0;
	StoreLap(&ps->t_write, &t);
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
	instr_time	t;

	if (c->w.nrows == 0)
		return;

	old = MemoryContextSwitchTo(ps->segcxt);
	seg = segment_writer_seal(&c->w, &len);
	INSTR_TIME_SET_CURRENT(t);
	segment_hash(seg, len, key);
	StoreLap(&ps->t_hash, &t);
	args[0] = StoreKeyDatum(key);

	for (int attempt = 0;; attempt++)
	{
		if (StoreExec(SP_CHUNK_LOCK, args, false) == 1)
		{
			stored = DatumGetInt64(eg_spi_get_notnull(0, "stored_bytes"));
			eg_spi_free_result();
			break;
		}
		eg_spi_free_result();

		if (!compressed)
		{
			StoreLap(&ps->t_write, &t);
			csize = segment_compress(ps->cctx, key, seg, len,
									 eg_compression_level,
									 &ps->cbuf, &ps->cbufcap, ps->s->cxt);
			compressed = true;
			StoreLap(&ps->t_compress, &t);
		}
		args[1] = Int64GetDatum((int64) len);
		args[2] = Int64GetDatum((int64) csize);
		args[3] = PointerGetDatum(ps->cbuf);
		if (StoreExec(SP_CHUNK_INSERT, args, false) == 1)
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
	StoreLap(&ps->t_write, &t);

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

/* Flush the biggest open segment of columns lo..hi-1 (memory bound). */
static void
StorePutFlushLargest(StorePutState *ps, int lo, int hi)
{
	StorePutColumn *big = NULL;
	Size		bigmem = 0;

	for (int i = lo; i < hi; i++)
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
	(void) StoreExec(SP_COL_INSERT, args, false);
}

/*
 * Scan rel and store the segments of columns lo..hi-1 (their writers
 * ready); returns the row count.
 */
static int64
StorePutRows(StorePutState *ps, Relation rel, Snapshot snapshot, int lo, int hi)
{
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
		if (hi > lo)
			slot_getsomeattrs(slot, ps->cols[hi - 1].attidx + 1);
		old = MemoryContextSwitchTo(tuplecxt);
		for (int i = lo; i < hi; i++)
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
			StorePutFlushLargest(ps, lo, hi);
	}

	for (int i = lo; i < hi; i++)
		StorePutFlushColumn(ps, &ps->cols[i]);
	StorePutFlushSegments(ps);

	ExecDropSingleTupleTableSlot(slot);
	table_endscan(scan);
	MemoryContextDelete(tuplecxt);
	return nrows;
}

/* Most bytes an open segment of a fixed-width column holds; 0 if variable. */
static Size
StorePutBound(Form_pg_attribute att)
{
	return att->attlen > 0 ? segment_max_raw(SEGMENT_MAX_ROWS, att->attlen, att->attalign) : 0;
}

/*
 * Store every column's segments, in as few scans as keep the fixed-width
 * columns' open segments within STORE_PUT_MAX_BUFFERED (one scan, unless
 * the relation is very wide); returns the row count.
 */
static int64
StorePutScans(StorePutState *ps, Relation rel)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	Snapshot	snapshot = RegisterSnapshot(GetTransactionSnapshot());
	MemoryContext scancxt = AllocSetContextCreate(CurrentMemoryContext,
												  "eg store scan",
												  ALLOCSET_DEFAULT_SIZES);
	bool		varlena = false;
	int64		nrows = -1;
	int			lo = 0;

	for (int i = 0; i < ps->ncols; i++)
		varlena |= StorePutBound(TupleDescAttr(tupdesc, ps->cols[i].attidx)) == 0;
	while (lo < ps->ncols || nrows < 0)
	{
		Size		room = STORE_PUT_MAX_BUFFERED - (varlena ? STORE_PUT_MAX_BUFFERED / 4 : 0);
		Size		used = 0;
		int			hi = lo;
		int64		n;

		/* the next group: columns in order while their bounds fit (one at least) */
		while (hi < ps->ncols)
		{
			Form_pg_attribute att = TupleDescAttr(tupdesc, ps->cols[hi].attidx);

			if (hi > lo && used + StorePutBound(att) > room)
				break;
			used += StorePutBound(att);
			/* the type's storage, not the column's: restored tables get that */
			segment_writer_init(&ps->cols[hi].w, scancxt, att->attlen, att->attbyval,
								att->attalign, get_typstorage(att->atttypid));
			hi++;
		}
		n = StorePutRows(ps, rel, snapshot, lo, hi);	/* no columns: counts rows */
		if (nrows >= 0 && n != nrows)
			elog(ERROR, "a scan of \"%s\" gave %lld rows, an earlier scan %lld rows",
				 RelationGetRelationName(rel), (long long) n, (long long) nrows);
		nrows = n;
		MemoryContextReset(scancxt);	/* the group's writers */
		lo = hi;
	}
	MemoryContextDelete(scancxt);
	UnregisterSnapshot(snapshot);
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
	double		hash,
				compress,
				write;

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
	if (StoreExec(SP_ART_CLAIM, args, false) == 0)
	{
		if (StoreExec(SP_ART_GET, args, false) == 1)
		{
			stats->rows = DatumGetInt64(eg_spi_get_notnull(0, "nrows"));
			stats->raw_bytes = DatumGetInt64(eg_spi_get_notnull(0, "raw_bytes"));
			stats->stored_bytes = DatumGetInt64(eg_spi_get_notnull(0, "stored_bytes"));
		}
		eg_spi_free_result();
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
	}
	StorePutColumns(ps, tupdesc);

	/* freed with the call's memory, on every path */
	ps->cctx = StoreCCtx(s.cxt);
	stats->rows = StorePutScans(ps, rel);

	args[1] = Int64GetDatum(stats->rows);
	args[2] = Int64GetDatum(stats->raw_bytes);
	args[3] = Int64GetDatum(stats->stored_bytes);
	(void) StoreExec(SP_ART_FINISH, args, false);

	table_close(rel, NoLock);
	hash = INSTR_TIME_GET_DOUBLE(ps->t_hash);
	compress = INSTR_TIME_GET_DOUBLE(ps->t_compress);
	write = INSTR_TIME_GET_DOUBLE(ps->t_write);
	StoreEnd(&s);
	stats->seconds = StoreElapsed(start);
	elog(DEBUG1, "eg store put: %lld rows, %lld raw bytes, %lld new bytes, "
		 "%.6f s: serialise %.6f s, hash %.6f s, compress %.6f s, write %.6f s",
		 (long long) stats->rows, (long long) stats->raw_bytes,
		 (long long) stats->new_bytes, stats->seconds,
		 stats->seconds - hash - compress - write, hash, compress, write);
}
