/*
 * store_put.c - storing a relation as an artifact, in two moves.
 *
 * store_prepare scans the rows (store_rows.c: a relation through the table
 * AM, or rows handed over to a worker; no SPI, no text I/O) and feeds
 * every column's values to its own segment writer (segment.c).
 * A column's segment closes at SEGMENT_MAX_ROWS rows or
 * SEGMENT_TARGET_BYTES, decided by that column's values alone, so an
 * identical column cuts into identical segments in every artifact and its
 * chunks are shared: adding a feature column to a stored dataset costs one
 * column.  A closed segment is hashed; a chunk the store has already is
 * only noted (with its size), any other is compressed into a temporary
 * file.  Nothing is written to eg's tables and no lock is taken, so the
 * materializer prepares its candidates before it takes graph_lock, and it
 * knows each one's exact chunks and sizes when it decides what to keep.
 * store_write then writes a prepared artifact the materializer keeps: it
 * locks the chunks it shares first (all of them, or it writes nothing:
 * one may have been freed since it was prepared), claims the artifact's
 * row in store_artifact (so concurrent writes of one artifact store it
 * once), inserts its new chunks and its segment rows (store.c explains the
 * locking).
 *
 * Memory is bounded by STORE_PUT_MAX_BUFFERED: a relation whose
 * fixed-width columns' open segments could together exceed it (e.g. 600
 * float8 features) is scanned once per group of columns that fit, so its
 * segments stay those of each column alone; only variable-width values
 * beyond the bound make the biggest open segment close early, trading that
 * independence for bounded memory.  Compressed chunks wait in a BufFile,
 * not in memory.
 *
 * Where the time goes is measured per segment, not per value (four clock
 * reads per segment): hashing, compressing, and writing (the statements on
 * eg's tables); the rest of the wall time is the scan and serialisation.
 * The split is reported at DEBUG1 when the artifact is written (bench/store
 * reads it).
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/tablespace.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "storage/buffile.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

#include "citus.h"
#include "eg.h"
#include "segment.h"
#include "spi.h"
#include "store.h"
#include "store_internal.h"
#include "store_rows.h"

/*
 * Bytes the open segments of a scan may hold together: fixed-width columns
 * are grouped into scans that cannot exceed it (leaving a quarter to the
 * variable-width ones, if any); beyond it the biggest open segment is
 * flushed early.
 */
#define STORE_PUT_MAX_BUFFERED	((Size) 256 * 1024 * 1024)

/* Segment rows are inserted in batches of this many. */
#define STORE_SEGMENT_BATCH		1024

/* A distinct chunk of a prepared artifact. */
typedef struct StorePrepChunk
{
	uint8		key[SEGMENT_HASH_LEN];	/* hash key: first */
	int64		raw;			/* uncompressed segment bytes */
	int64		bytes;			/* compressed size (the stored one if shared) */
	bool		shared;			/* in the store (when prepared or refreshed) */
	bool		present;		/* seen in the store by store_prepared_refresh */
	int			fileno;			/* where its chunk bytea is in the file */
	off_t		offset;
	Size		varsize;		/* and its length */
} StorePrepChunk;

/* A segment of a prepared artifact. */
typedef struct StorePrepSegment
{
	int32		colno;
	int32		nrows;
	int64		first_row;
	uint8		key[SEGMENT_HASH_LEN];
} StorePrepSegment;

/* An artifact serialised, hashed and compressed, not written yet. */
struct StorePrepared
{
	EgId		id;
	MemoryContext cxt;			/* "eg store prepared": everything below */
	int			ncols;
	Datum		colargs[6];		/* the column list, as SP_COL_INSERT takes it */
	StorePrepSegment *segs;
	int			nsegs;
	int			maxsegs;
	HTAB	   *chunks;			/* StorePrepChunk by key */
	BufFile    *file;			/* the new chunks, compressed */
	StoreStats	stats;			/* new_bytes: compressed bytes of new chunks */
	instr_time	t_hash;			/* time spent hashing segments */
	instr_time	t_compress;		/* ... compressing them */
	instr_time	t_write;		/* ... in statements on eg's tables */
	double		prepare_seconds;
};

/* One column of a store_prepare. */
typedef struct StorePutColumn
{
	int			attidx;			/* index in the source tuple descriptor */
	int			colno;			/* 1-based position in the artifact */
	int64		first_row;		/* artifact row of the open segment's first */
	SegmentWriter w;
} StorePutColumn;

/* Working state of store_prepare. */
typedef struct StorePutState
{
	StorePrepared *p;
	int			ncols;
	StorePutColumn *cols;
	ZSTD_CCtx  *cctx;
	MemoryContext callcxt;		/* the call's ("eg store") */
	MemoryContext segcxt;		/* "eg store segment": reset per segment */
	char	   *cbuf;			/* compression output, reused (in callcxt) */
	Size		cbufcap;
	Size		buffered;		/* bytes held by all writers */
} StorePutState;


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

/*
 * Note a closed segment's chunk: shared if the store has it (its size
 * looked up, no lock: store_write locks it), else compressed into the
 * file once per artifact.
 */
static void
StorePrepChunkOf(StorePutState *ps, const uint8 *key, const char *seg, Size len)
{
	StorePrepared *p = ps->p;
	StorePrepChunk *e;
	bool		found;
	Datum		args[1];
	instr_time	t;

	e = hash_search(p->chunks, key, HASH_ENTER, &found);
	if (found)
		return;
	e->raw = (int64) len;
	INSTR_TIME_SET_CURRENT(t);
	args[0] = StoreKeyDatum(key);
	/* not read-only: this transaction may have freed it (a failed load) */
	e->shared = StoreExec(SP_CHUNK_SIZE, args, false) == 1;
	if (e->shared)
		e->bytes = DatumGetInt64(eg_spi_get_notnull(0, "stored_bytes"));
	eg_spi_free_result();
	StoreLap(&p->t_write, &t);
	if (!e->shared)
	{
		Size		csize = segment_compress(ps->cctx, key, seg, len,
											 eg_compression_level,
											 &ps->cbuf, &ps->cbufcap, ps->callcxt);

		StoreLap(&p->t_compress, &t);
		e->bytes = (int64) csize;
		BufFileTell(p->file, &e->fileno, &e->offset);
		e->varsize = VARSIZE(ps->cbuf);
		BufFileWrite(p->file, ps->cbuf, e->varsize);
		p->stats.new_bytes += e->bytes;
	}
	p->stats.stored_bytes += e->bytes;
}

/* Close column c's open segment: hash it, note its chunk and its segment. */
static void
StorePutFlushColumn(StorePutState *ps, StorePutColumn *c)
{
	StorePrepared *p = ps->p;
	MemoryContext old;
	StorePrepSegment *sg;
	char	   *seg;
	Size		len;
	instr_time	t;

	if (c->w.nrows == 0)
		return;

	old = MemoryContextSwitchTo(ps->segcxt);
	seg = segment_writer_seal(&c->w, &len);
	if (p->nsegs == p->maxsegs)
	{
		p->maxsegs *= 2;
		p->segs = repalloc_huge(p->segs, sizeof(StorePrepSegment) * p->maxsegs);
	}
	sg = &p->segs[p->nsegs++];
	INSTR_TIME_SET_CURRENT(t);
	segment_hash(seg, len, sg->key);
	StoreLap(&p->t_hash, &t);
	StorePrepChunkOf(ps, sg->key, seg, len);
	sg->colno = c->colno;
	sg->first_row = c->first_row;
	sg->nrows = (int32) c->w.nrows;
	p->stats.raw_bytes += len;
	MemoryContextSwitchTo(old);

	c->first_row += c->w.nrows;
	ps->buffered -= segment_writer_memory(&c->w);
	segment_writer_reset(&c->w);
	MemoryContextReset(ps->segcxt);
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

/* The artifact's columns (with their type signatures), as SP_COL_INSERT's arguments. */
static void
StorePutColumns(StorePutState *ps, TupleDesc tupdesc)
{
	int			n = ps->ncols;
	Datum	   *attnums = palloc(Max(n, 1) * sizeof(Datum));
	Datum	   *names = palloc(Max(n, 1) * sizeof(Datum));
	Datum	   *typids = palloc(Max(n, 1) * sizeof(Datum));
	Datum	   *typmods = palloc(Max(n, 1) * sizeof(Datum));
	Datum	   *collids = palloc(Max(n, 1) * sizeof(Datum));
	Datum	   *sigs = palloc(Max(n, 1) * sizeof(Datum));
	Datum	   *args = ps->p->colargs;

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
	args[0] = PointerGetDatum(construct_array(attnums, n, INT4OID, 4, true,
											  TYPALIGN_INT));
	args[1] = PointerGetDatum(construct_array(names, n, NAMEOID, NAMEDATALEN,
											  false, TYPALIGN_CHAR));
	args[2] = PointerGetDatum(construct_array(typids, n, OIDOID, 4, true,
											  TYPALIGN_INT));
	args[3] = PointerGetDatum(construct_array(typmods, n, INT4OID, 4, true,
											  TYPALIGN_INT));
	args[4] = PointerGetDatum(construct_array(collids, n, OIDOID, 4, true,
											  TYPALIGN_INT));
	args[5] = PointerGetDatum(construct_array(sigs, n, BYTEAOID, -1, false,
											  TYPALIGN_INT));
}

/*
 * Scan the source and prepare the segments of columns lo..hi-1 (their
 * writers ready); returns the row count.
 */
static int64
StorePutRows(StorePutState *ps, StoreRowsScan *src, int lo, int hi)
{
	MemoryContext tuplecxt = AllocSetContextCreate(CurrentMemoryContext,
												   "eg store tuple",
												   ALLOCSET_SMALL_SIZES);
	int64		nrows = 0;

	store_rows_start(src);
	while (store_rows_next(src))
	{
		TupleTableSlot *slot = src->slot;
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

	store_rows_stop(src);
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
StorePutScans(StorePutState *ps, StoreRowsScan *src)
{
	TupleDesc	tupdesc = src->desc;
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
		n = StorePutRows(ps, src, lo, hi);	/* no columns: counts rows */
		if (nrows >= 0 && n != nrows)
			elog(ERROR, "a scan of the rows to store gave %lld rows, an earlier scan %lld rows",
				 (long long) n, (long long) nrows);
		nrows = n;
		MemoryContextReset(scancxt);	/* the group's writers */
		lo = hi;
	}
	MemoryContextDelete(scancxt);
	return nrows;
}

/*
 * Prepare rows (StoreRows, read by store_rows.c) as artifact id: serialised,
 * hashed, new chunks compressed into a temporary file; nothing written, no
 * lock taken.  The result lives in a child of the current memory context
 * until store_prepared_free (its file is closed at the transaction's end
 * anyway).
 */
StorePrepared *
store_prepare(const EgId *id, const StoreRows *rows)
{
	MemoryContext pcxt = AllocSetContextCreate(CurrentMemoryContext,
											   "eg store prepared",
											   ALLOCSET_DEFAULT_SIZES);
	StorePrepared *p = MemoryContextAllocZero(pcxt, sizeof(StorePrepared));
	StoreSession s;
	StorePutState *ps;
	instr_time	start;
	StoreRowsScan *src;
	TupleDesc	tupdesc;
	HASHCTL		hctl;
	MemoryContext old;
	int			ncols = 0;

	INSTR_TIME_SET_CURRENT(start);
	p->id = *id;
	p->cxt = pcxt;
	StoreBegin(&s, id, "eg store prepare");

	src = store_rows_open(rows);
	tupdesc = src->desc;
	for (int i = 0; i < tupdesc->natts; i++)
		if (!TupleDescAttr(tupdesc, i)->attisdropped)
			ncols++;
	ps = palloc0(sizeof(StorePutState));
	ps->p = p;
	ps->ncols = ncols;
	ps->cols = palloc0(Max(ncols, 1) * sizeof(StorePutColumn));
	ps->callcxt = s.cxt;
	ps->segcxt = AllocSetContextCreate(s.cxt, "eg store segment",
									   ALLOCSET_DEFAULT_SIZES);
	memset(&hctl, 0, sizeof(hctl));
	hctl.keysize = SEGMENT_HASH_LEN;
	hctl.entrysize = sizeof(StorePrepChunk);
	hctl.hcxt = pcxt;
	p->chunks = hash_create("eg store prepared chunks", 256, &hctl,
							HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	p->maxsegs = 64;
	p->segs = MemoryContextAlloc(pcxt, sizeof(StorePrepSegment) * p->maxsegs);
	p->ncols = ncols;
	old = MemoryContextSwitchTo(pcxt);	/* the BufFile's memory too */
	PrepareTempTablespaces();	/* temp_tablespaces, as tuplestores do */
	p->file = BufFileCreateTemp(false);
	MemoryContextSwitchTo(old);

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
	old = MemoryContextSwitchTo(pcxt);
	StorePutColumns(ps, tupdesc);
	MemoryContextSwitchTo(old);

	/* freed with the call's memory, on every path */
	ps->cctx = StoreCCtx(s.cxt);
	p->stats.rows = StorePutScans(ps, src);
	store_rows_close(src);
	StoreEnd(&s);
	p->prepare_seconds = StoreElapsed(start);
	return p;
}

/* The prepared artifact's distinct chunks (for the materializer); how many. */
int
store_prepared_chunks(const StorePrepared *p, StoreChunk **chunks)
{
	HASH_SEQ_STATUS seq;
	StorePrepChunk *e;
	int			n = 0;

	*chunks = palloc(sizeof(StoreChunk) * Max(hash_get_num_entries(p->chunks), 1));
	hash_seq_init(&seq, p->chunks);
	while ((e = hash_seq_search(&seq)) != NULL)
	{
		memcpy((*chunks)[n].hash, e->key, SEGMENT_HASH_LEN);
		(*chunks)[n].bytes = e->bytes;
		n++;
	}
	return n;
}

/* Forget a prepared artifact: its memory and its file. */
void
store_prepared_free(StorePrepared *p)
{
	if (p->file != NULL)
		BufFileClose(p->file);
	MemoryContextDelete(p->cxt);
}

/* A bytea[] of p's chunk keys (only those in the store if shared_only); *n of them. */
static Datum
StorePrepKeys(StorePrepared *p, bool shared_only, int *n)
{
	HASH_SEQ_STATUS seq;
	StorePrepChunk *e;
	Datum	   *keys = palloc(sizeof(Datum) * Max(hash_get_num_entries(p->chunks), 1));

	*n = 0;
	hash_seq_init(&seq, p->chunks);
	while ((e = hash_seq_search(&seq)) != NULL)
		if (e->shared || !shared_only)
			keys[(*n)++] = StoreKeyDatum(e->key);
	return PointerGetDatum(construct_array(keys, *n, BYTEAOID, -1, false, TYPALIGN_INT));
}

/*
 * Bring p's chunks up to date with the store, under eg's lock, before the
 * materializer decides on them: a chunk the store holds now counts at its
 * stored size and will not be written (whoever stored it since p was
 * prepared, at whatever compression level).  False if a chunk p counted
 * as in the store has left it since: p must be prepared again.
 */
bool
store_prepared_refresh(StorePrepared *p)
{
	HASH_SEQ_STATUS seq;
	StorePrepChunk *e;
	int			n;
	Datum		args[1];
	StoreSession s;
	uint64		rows;
	bool		ok = true;

	args[0] = StorePrepKeys(p, false, &n);
	if (n == 0)
		return true;
	hash_seq_init(&seq, p->chunks);
	while ((e = hash_seq_search(&seq)) != NULL)
		e->present = false;
	StoreBegin(&s, NULL, "eg store refresh");
	rows = StoreExec(SP_CHUNK_SIZES, args, false);
	for (uint64 r = 0; r < rows; r++)
	{
		uint8		key[SEGMENT_HASH_LEN];
		int64		stored = DatumGetInt64(eg_spi_get_notnull(r, "stored_bytes"));

		if (!StoreKeyFromDatum(eg_spi_get_notnull(r, "hash"), key) ||
			(e = hash_search(p->chunks, key, HASH_FIND, NULL)) == NULL)
			elog(ERROR, "unexpected chunk among those of artifact %s", s.hex ? s.hex : "?");
		e->present = true;
		if (!e->shared)
			p->stats.new_bytes -= e->bytes;
		p->stats.stored_bytes += stored - e->bytes;
		e->shared = true;
		e->bytes = stored;
	}
	eg_spi_free_result();
	StoreEnd(&s);
	hash_seq_init(&seq, p->chunks);
	while ((e = hash_seq_search(&seq)) != NULL)
		if (e->shared && !e->present)
			ok = false;
	return ok;
}

/*
 * Lock (FOR KEY SHARE) the chunks p shares with the store; false if one
 * has left the store since p was prepared.
 */
static bool
StoreWriteLockShared(StorePrepared *p)
{
	int			n;
	Datum		args[1];

	args[0] = StorePrepKeys(p, true, &n);
	return n == 0 || StoreExec(SP_CHUNK_LOCK_MANY, args, false) == (uint64) n;
}

/*
 * Whether this put's new chunks keep their bytes on Citus' workers
 * (eg.chunk_data) rather than in eg.chunk.  Asked once, after taking the
 * lock the chunk inserts take anyway: eg.distribute_store() holds a
 * conflicting one, so the answer stays true to the end of the transaction.
 */
static bool
StoreBytesDistributed(void)
{
	LockRelationOid(get_relname_relid("chunk", get_namespace_oid("eg", false)),
					RowExclusiveLock);
	return citus_store_distributed();
}

/*
 * Insert a chunk (args: key, raw and stored sizes, bytes); false if it is
 * there already.  Where the store is distributed, its key and sizes go to
 * eg.chunk and its bytes to the workers (eg.chunk_data), in this
 * transaction.
 */
static bool
StoreInsertChunk(Datum *args, bool distributed)
{
	Datum		data[3];

	if (!distributed)
		return StoreExec(SP_CHUNK_INSERT, args, false) == 1;
	if (StoreExec(SP_CHUNK_INSERT_META, args, false) != 1)
		return false;
	data[0] = args[0];
	data[1] = args[1];
	data[2] = args[3];
	(void) StoreExec(SP_DATA_INSERT, data, false);
	return true;
}

/*
 * Insert new chunk e from the file (its bytes where distributed says), or
 * lock it if a concurrent session inserted it since; its stored size.
 */
static int64
StoreWriteChunk(StorePrepared *p, StorePrepChunk *e, bool distributed)
{
	Datum		args[4];
	bytea	   *chunk = NULL;

	args[0] = StoreKeyDatum(e->key);
	for (int attempt = 0;; attempt++)
	{
		int64		stored;

		if (StoreExec(SP_CHUNK_LOCK, args, false) == 1)
		{
			stored = DatumGetInt64(eg_spi_get_notnull(0, "stored_bytes"));
			eg_spi_free_result();
			p->stats.new_bytes -= e->bytes;		/* not new after all */
			if (chunk != NULL)
				pfree(chunk);
			return stored;
		}
		eg_spi_free_result();
		if (chunk == NULL)
		{
			chunk = palloc(e->varsize);
			if (BufFileSeek(p->file, e->fileno, e->offset, SEEK_SET) != 0 ||
				BufFileRead(p->file, chunk, e->varsize) != e->varsize)
				elog(ERROR, "could not read back chunk %s", StoreKeyHex(e->key));
		}
		args[1] = Int64GetDatum(e->raw);
		args[2] = Int64GetDatum(e->bytes);
		args[3] = PointerGetDatum(chunk);
		if (StoreInsertChunk(args, distributed))
		{
			pfree(chunk);
			return e->bytes;
		}
		/* someone inserted it since our lock attempt: lock theirs */
		if (attempt >= 100)
			elog(ERROR, "chunk %s keeps appearing and disappearing",
				 StoreKeyHex(e->key));
	}
}

/* Insert p's segment rows, in batches of STORE_SEGMENT_BATCH. */
static void
StoreWriteSegments(StorePrepared *p, const char *hex)
{
	Datum	   *attnum = palloc(sizeof(Datum) * STORE_SEGMENT_BATCH);
	Datum	   *first = palloc(sizeof(Datum) * STORE_SEGMENT_BATCH);
	Datum	   *nrows = palloc(sizeof(Datum) * STORE_SEGMENT_BATCH);
	Datum	   *chunk = palloc(sizeof(Datum) * STORE_SEGMENT_BATCH);
	MemoryContext batchcxt = AllocSetContextCreate(CurrentMemoryContext,
												   "eg store segment rows",
												   ALLOCSET_DEFAULT_SIZES);

	for (int lo = 0; lo < p->nsegs; lo += STORE_SEGMENT_BATCH)
	{
		int			n = Min(p->nsegs - lo, STORE_SEGMENT_BATCH);
		MemoryContext old = MemoryContextSwitchTo(batchcxt);
		Datum		args[5];

		for (int i = 0; i < n; i++)
		{
			StorePrepSegment *sg = &p->segs[lo + i];

			attnum[i] = Int32GetDatum(sg->colno);
			first[i] = Int64GetDatum(sg->first_row);
			nrows[i] = Int32GetDatum(sg->nrows);
			chunk[i] = StoreKeyDatum(sg->key);
		}
		args[0] = CStringGetTextDatum(hex);
		args[1] = PointerGetDatum(construct_array(attnum, n, INT4OID, 4, true, TYPALIGN_INT));
		args[2] = PointerGetDatum(construct_array(first, n, INT8OID, 8, FLOAT8PASSBYVAL,
												  TYPALIGN_DOUBLE));
		args[3] = PointerGetDatum(construct_array(nrows, n, INT4OID, 4, true, TYPALIGN_INT));
		args[4] = PointerGetDatum(construct_array(chunk, n, BYTEAOID, -1, false, TYPALIGN_INT));
		(void) StoreExec(SP_SEG_INSERT, args, false);
		MemoryContextSwitchTo(old);
		MemoryContextReset(batchcxt);
	}
	MemoryContextDelete(batchcxt);
}

/*
 * Write prepared artifact p to the store and set *stats; true if it is
 * stored now (also when a concurrent session stored it first), false if
 * nothing was written: a chunk it shares, or the artifact it found stored,
 * has left the store since it was prepared.  (An artifact a concurrent run
 * stores meanwhile is prepared all the same: this is rare.)
 */
bool
store_write(StorePrepared *p, StoreStats *stats)
{
	StoreSession s;
	instr_time	start,
				t;
	Datum		args[7];
	HASH_SEQ_STATUS seq;
	StorePrepChunk *e;
	bool		distributed;
	double		hash,
				compress,
				write;

	INSTR_TIME_SET_CURRENT(start);
	t = start;
	*stats = p->stats;
	StoreBegin(&s, &p->id, "eg store write");
	args[0] = CStringGetTextDatum(s.hex);
	args[1] = Int32GetDatum(p->ncols);
	if (!StoreWriteLockShared(p) || StoreExec(SP_ART_CLAIM, args, false) == 0)
	{
		/* stored by someone else meanwhile (the claim failed), or gone */
		bool		ok = StoreExec(SP_ART_GET, args, false) == 1;

		if (ok)
		{
			stats->rows = DatumGetInt64(eg_spi_get_notnull(0, "nrows"));
			stats->raw_bytes = DatumGetInt64(eg_spi_get_notnull(0, "raw_bytes"));
			stats->stored_bytes = DatumGetInt64(eg_spi_get_notnull(0, "stored_bytes"));
		}
		eg_spi_free_result();
		stats->new_bytes = 0;
		StoreEnd(&s);
		stats->seconds = StoreElapsed(start);
		return ok;
	}
	memcpy(args + 1, p->colargs, sizeof(p->colargs));
	if (p->ncols > 0)
		(void) StoreExec(SP_COL_INSERT, args, false);
	distributed = StoreBytesDistributed();
	hash_seq_init(&seq, p->chunks);
	while ((e = hash_seq_search(&seq)) != NULL)
		if (!e->shared)
		{
			int64		stored = StoreWriteChunk(p, e, distributed);

			p->stats.stored_bytes += stored - e->bytes;
		}
	StoreWriteSegments(p, s.hex);
	*stats = p->stats;
	args[1] = Int64GetDatum(stats->rows);
	args[2] = Int64GetDatum(stats->raw_bytes);
	args[3] = Int64GetDatum(stats->stored_bytes);
	(void) StoreExec(SP_ART_FINISH, args, false);
	StoreLap(&p->t_write, &t);
	StoreEnd(&s);

	hash = INSTR_TIME_GET_DOUBLE(p->t_hash);
	compress = INSTR_TIME_GET_DOUBLE(p->t_compress);
	write = INSTR_TIME_GET_DOUBLE(p->t_write);
	stats->seconds = p->prepare_seconds + StoreElapsed(start);
	elog(DEBUG1, "eg store put: %lld rows, %lld raw bytes, %lld new bytes, "
		 "%.6f s: serialise %.6f s, hash %.6f s, compress %.6f s, write %.6f s",
		 (long long) stats->rows, (long long) stats->raw_bytes,
		 (long long) stats->new_bytes, stats->seconds,
		 stats->seconds - hash - compress - write, hash, compress, write);
	return true;
}
