/*
 * store_heap.c - writing restored rows into the new table.
 *
 * store_get decodes a batch of rows column by column (segment.c hands out
 * pointers to each value, already in the form a heap tuple stores it) and
 * gives the batch to StoreHeapAdd, which writes the rows into the table.
 *
 * Fast path, for a new, empty temporary heap table (what eg.run loads
 * into): rows are assembled straight into private page images, exactly as
 * heap_fill_tuple would lay them out, with the header fields heap_insert
 * would set (our xid and command id, xmax invalid, own ctid), and full
 * pages are handed to smgrextend, like rewriteheap.c does.  A batch takes
 * three passes: each row's length and each value's offset, column by
 * column (one decision per column, not per value); each row's place and
 * header, in row order, while the pool of STORE_HEAP_POOL pages lasts; the
 * values copied, column by column.  This skips what dominated restore
 * time: forming each tuple in a palloc'd buffer and copying it again,
 * finding a local buffer for it, and the zero-filled page that extending a
 * relation through the buffer manager writes before the real one.  A
 * temporary relation needs no WAL and no fsync, and nobody else can see it;
 * no buffer of it exists yet (it has no blocks when we start), so nothing
 * goes stale.  A row that would exceed TOAST_TUPLE_THRESHOLD goes through
 * heap_form_tuple and the toaster (heap_toast_insert_or_update: its values
 * are compressed or moved to the TOAST table as heap_insert would), then
 * onto the page whole.  The pages hold what CREATE TABLE AS would have
 * written, tuple for tuple and place for place (fillfactor included).
 *
 * Other tables (eg.restore into a permanent or unlogged table, a table
 * access method other than heap) take the general path: heap tuple slots
 * and table_multi_insert with a BulkInsertState, as COPY FROM does, so WAL,
 * TOAST and the access method are handled by the server.  Rows can also go
 * to a DestReceiver instead, a virtual slot each (eg.capture's loads).
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/heaptoast.h"
#include "access/toast_compression.h"
#include "access/htup_details.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "storage/bufpage.h"
#include "storage/smgr.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "store.h"
#include "store_internal.h"

/* How a column's values are copied into a tuple. */
typedef enum StoreHeapKind
{
	SHK_FIXED1,					/* fixed length 1, 2, 4, 8: a plain move */
	SHK_FIXED2,
	SHK_FIXED4,
	SHK_FIXED8,
	SHK_FIXED,					/* other fixed lengths: memcpy */
	SHK_VARWIDTH				/* varlena or cstring: length from the reader */
} StoreHeapKind;

/* One column of the target table. */
typedef struct StoreHeapAtt
{
	uint8		kind;			/* StoreHeapKind */
	uint8		alignby;		/* attalign in bytes */
	bool		byval;
	int16		len;			/* attlen */
} StoreHeapAtt;

/* Pages the fast path fills before writing them out. */
#define STORE_HEAP_POOL			32

/* Row flags of the fast path. */
#define SHR_HASNULL		0x01
#define SHR_VARWIDTH	0x02

/* Writing state; see the top of the file. */
struct StoreHeap
{
	Relation	rel;
	TupleDesc	tupdesc;
	int			natts;
	StoreHeapAtt *atts;
	bool		direct;			/* fast path */
	int64		ntuples;
	MemoryContext rowcxt;		/* per big row / per batch */
	Datum	   *values;			/* for heap_form_tuple and slots */
	bool	   *isnull;

	/* fast path: per batch row */
	Size	   *rowlen;			/* data bytes (64 bits: may exceed 4 GB) */
	uint8	   *rowflags;		/* SHR_* */
	char	  **rowdata;		/* where its data goes; NULL: placed whole */
	bits8	  **rowbits;		/* its null bitmap, or NULL */
	uint32	  **offs;			/* offs[c][i]: value's offset in the data */
	/* fast path: pages */
	PGAlignedBlock *pool;		/* pages being filled */
	int			npages;			/* pool[0 .. npages-1] in use */
	BlockNumber blkno;			/* block number of pool[0] */
	int			ntup_page;		/* tuples on the last page */
	Size		save_free;		/* free space to leave (fillfactor) */
	TransactionId xid;
	CommandId	cid;
	uint8		hoff_nonull;	/* t_hoff without and with a null bitmap */
	uint8		hoff_null;

	/* general path */
	TupleTableSlot **slots;
	BulkInsertState bistate;

	/* rows to a receiver (rel NULL) */
	DestReceiver *dest;
	TupleTableSlot *slot;
};

/* How a value of attribute att is copied. */
static StoreHeapKind
StoreHeapKindOf(Form_pg_attribute att)
{
	if (att->attlen < 0)
		return SHK_VARWIDTH;
	switch (att->attlen)
	{
		case 1:
			return SHK_FIXED1;
		case 2:
			return SHK_FIXED2;
		case 4:
			return SHK_FIXED4;
		case 8:
			return SHK_FIXED8;
		default:
			return SHK_FIXED;
	}
}

/* The part of StoreHeapBegin and StoreHeapBeginDest for rows of tupdesc. */
static StoreHeap *
StoreHeapCreate(TupleDesc tupdesc)
{
	StoreHeap  *h = palloc0(sizeof(StoreHeap));
	int			natts = tupdesc->natts;

	h->tupdesc = tupdesc;
	h->natts = natts;
	h->atts = palloc0(Max(natts, 1) * sizeof(StoreHeapAtt));
	for (int i = 0; i < natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);

		h->atts[i].kind = StoreHeapKindOf(att);
		h->atts[i].alignby = att->attalign == TYPALIGN_CHAR ? 1 :
			att->attalign == TYPALIGN_SHORT ? ALIGNOF_SHORT :
			att->attalign == TYPALIGN_INT ? ALIGNOF_INT : ALIGNOF_DOUBLE;
		h->atts[i].byval = att->attbyval;
		h->atts[i].len = att->attlen;
	}
	h->values = palloc(Max(natts, 1) * sizeof(Datum));
	h->isnull = palloc(Max(natts, 1) * sizeof(bool));
	h->rowcxt = AllocSetContextCreate(CurrentMemoryContext, "eg store row",
									  ALLOCSET_DEFAULT_SIZES);
	return h;
}

/*
 * Prepare to send rows of tupdesc to dest, started by the caller, one
 * virtual slot each.  Memory lives in the current context.
 */
StoreHeap *
StoreHeapBeginDest(TupleDesc tupdesc, DestReceiver *dest)
{
	StoreHeap  *h = StoreHeapCreate(tupdesc);

	h->dest = dest;
	h->slot = MakeSingleTupleTableSlot(tupdesc, &TTSOpsVirtual);
	return h;
}

/*
 * Prepare to write rows into rel, a table just created in this transaction
 * and still empty, opened and locked by the caller.  Memory lives in the
 * current context.
 */
StoreHeap *
StoreHeapBegin(Relation rel)
{
	StoreHeap  *h = StoreHeapCreate(RelationGetDescr(rel));
	int			natts = h->natts;

	h->rel = rel;
	h->direct = RelationUsesLocalBuffers(rel) &&
		rel->rd_rel->relkind == RELKIND_RELATION &&
		rel->rd_tableam == GetHeapamTableAmRoutine() &&
		RelationGetNumberOfBlocks(rel) == 0;

	if (h->direct)
	{
		h->xid = GetCurrentTransactionId();
		h->cid = GetCurrentCommandId(true);
		h->save_free = RelationGetTargetPageFreeSpace(rel, HEAP_DEFAULT_FILLFACTOR);
		h->hoff_nonull = MAXALIGN(SizeofHeapTupleHeader);
		h->hoff_null = MAXALIGN(SizeofHeapTupleHeader + BITMAPLEN(natts));
		h->rowlen = palloc(STORE_GET_BATCH * sizeof(Size));
		h->rowflags = palloc(STORE_GET_BATCH * sizeof(uint8));
		h->rowdata = palloc(STORE_GET_BATCH * sizeof(char *));
		h->rowbits = palloc(STORE_GET_BATCH * sizeof(bits8 *));
		h->offs = palloc(Max(natts, 1) * sizeof(uint32 *));
		for (int i = 0; i < natts; i++)
			h->offs[i] = palloc(STORE_GET_BATCH * sizeof(uint32));
		h->pool = palloc(STORE_HEAP_POOL * sizeof(PGAlignedBlock));
		h->blkno = 0;
		h->npages = 1;
		PageInit(h->pool[0].data, BLCKSZ, 0);
	}
	else
	{
		h->slots = palloc0(STORE_GET_BATCH * sizeof(TupleTableSlot *));
		h->bistate = GetBulkInsertState();
	}
	return h;
}

/*
 * Write out the pool's full pages (all but the last, or all with
 * everything) as the relation's next blocks; the last page, if kept, moves
 * to the front of the pool.
 */
static void
StoreHeapWritePages(StoreHeap *h, bool everything)
{
	SMgrRelation smgr = RelationGetSmgr(h->rel);
	int			nwrite = everything ? h->npages : h->npages - 1;

	if (everything && h->ntup_page == 0)
		nwrite--;				/* an empty last page is not written */
	for (int i = 0; i < nwrite; i++)
	{
		PageSetChecksumInplace(h->pool[i].data, h->blkno);
		smgrextend(smgr, MAIN_FORKNUM, h->blkno, h->pool[i].data, false);
		h->blkno++;
	}
	if (!everything && nwrite > 0)
		memcpy(h->pool[0].data, h->pool[h->npages - 1].data, BLCKSZ);
	h->npages = 1;
	if (everything)
	{
		h->ntup_page = 0;
		PageInit(h->pool[0].data, BLCKSZ, 0);
	}
}

/*
 * Room for a tuple of tlen bytes on the last page of the pool, starting a
 * new page if it does not fit (as heap_multi_insert decides).  Returns
 * where the tuple goes (zeroed) and sets *tid, or returns NULL if the pool
 * is full.
 */
static inline HeapTupleHeader
StoreHeapPlace(StoreHeap *h, Size tlen, ItemPointer tid)
{
	Page		page = h->pool[h->npages - 1].data;
	PageHeader	ph = (PageHeader) page;
	Size		alen = MAXALIGN(tlen);
	OffsetNumber off;
	Size		upper;

	if (tlen > MaxHeapTupleSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("row is too big: size %zu, maximum size %zu",
						tlen, MaxHeapTupleSize)));
	if (h->ntup_page > 0 &&
		(h->ntup_page >= MaxHeapTuplesPerPage ||
		 (Size) (ph->pd_upper - ph->pd_lower) <
		 alen + sizeof(ItemIdData) + h->save_free))
	{
		if (h->npages == STORE_HEAP_POOL)
			return NULL;
		page = h->pool[h->npages++].data;
		ph = (PageHeader) page;
		PageInit(page, BLCKSZ, 0);
		h->ntup_page = 0;
	}

	off = OffsetNumberNext(PageGetMaxOffsetNumber(page));
	upper = ph->pd_upper - alen;
	ItemIdSetNormal(PageGetItemId(page, off), upper, tlen);
	ph->pd_lower += sizeof(ItemIdData);
	ph->pd_upper = upper;
	h->ntup_page++;
	ItemPointerSet(tid, h->blkno + h->npages - 1, off);
	return (HeapTupleHeader) (page + upper);
}

/* Set the header fields heap_insert sets on a tuple placed at tid. */
static inline void
StoreHeapStamp(StoreHeap *h, HeapTupleHeader td, ItemPointer tid)
{
	td->t_infomask &= ~HEAP_XACT_MASK;
	td->t_infomask2 &= ~HEAP2_XACT_MASK;
	td->t_infomask |= HEAP_XMAX_INVALID;
	HeapTupleHeaderSetXmin(td, h->xid);
	HeapTupleHeaderSetCmin(td, h->cid);
	HeapTupleHeaderSetXmax(td, 0);
	td->t_ctid = *tid;
}

/* Row i's values as Datums in h->values / h->isnull. */
static void
StoreHeapDatums(StoreHeap *h, const char *const *const *cols, uint32 i)
{
	for (int c = 0; c < h->natts; c++)
	{
		const char *p = cols[c][i];

		h->isnull[c] = (p == NULL);
		if (p == NULL)
			h->values[c] = (Datum) 0;
		else if (h->atts[c].byval)
			h->values[c] = fetch_att(p, true, h->atts[c].len);
		else
			h->values[c] = PointerGetDatum(p);
	}
}

/*
 * Fast path for a row too big to go in as is: through the toaster, then
 * onto the page whole.  False, before toasting anything, if the pool has
 * no page to spare (the caller writes pages out and comes back).
 */
static bool
StoreHeapPlaceBigRow(StoreHeap *h, const char *const *const *cols, uint32 i)
{
	MemoryContext old;
	HeapTuple	tup;
	HeapTupleHeader td;
	ItemPointerData tid;

	if (h->npages == STORE_HEAP_POOL)
		return false;
	old = MemoryContextSwitchTo(h->rowcxt);
	StoreHeapDatums(h, cols, i);
	tup = heap_form_tuple(h->tupdesc, h->values, h->isnull);
	tup = heap_toast_insert_or_update(h->rel, tup, NULL, 0);
	MemoryContextSwitchTo(old);
	td = StoreHeapPlace(h, tup->t_len, &tid);
	Assert(td != NULL);			/* a spare page was left */
	memcpy(td, tup->t_data, tup->t_len);
	StoreHeapStamp(h, td, &tid);
	MemoryContextReset(h->rowcxt);
	return true;
}

/*
 * Fast path, first pass, column by column: each row's data length and each
 * value's offset in it, as heap_compute_data_size and heap_fill_tuple
 * align them, and which rows have nulls or variable-width values.
 */
static void
StoreHeapMeasure(StoreHeap *h, const char *const *const *cols,
				 const uint32 *const *lens, uint32 n)
{
	Size	   *rowlen = h->rowlen;
	uint8	   *flags = h->rowflags;

	memset(rowlen, 0, n * sizeof(Size));
	memset(flags, 0, n * sizeof(uint8));
	for (int c = 0; c < h->natts; c++)
	{
		const char *const *v = cols[c];
		uint32	   *o = h->offs[c];
		uint32		align = h->atts[c].alignby;

		if (h->atts[c].kind == SHK_VARWIDTH)
		{
			const uint32 *l = lens[c];

			for (uint32 i = 0; i < n; i++)
			{
				Size		off;

				if (v[i] == NULL)
				{
					flags[i] |= SHR_HASNULL;
					continue;
				}
				off = (l[i] & SEGMENT_LEN_ALIGNED) ?
					TYPEALIGN(align, rowlen[i]) : rowlen[i];
				o[i] = (uint32) off;	/* used only if the row is small */
				rowlen[i] = off + (l[i] & ~SEGMENT_LEN_ALIGNED);
				flags[i] |= SHR_VARWIDTH;
			}
		}
		else
		{
			uint32		len = h->atts[c].len;

			for (uint32 i = 0; i < n; i++)
			{
				Size		off;

				if (v[i] == NULL)
				{
					flags[i] |= SHR_HASNULL;
					continue;
				}
				off = TYPEALIGN(align, rowlen[i]);
				o[i] = (uint32) off;	/* used only if the row is small */
				rowlen[i] = off + len;
			}
		}
	}
}

/* Copy n bytes that do not overlap, inline for the short lengths. */
static inline void
StoreHeapCopy(char *dst, const char *src, uint32 n)
{
	if (n <= 16)
	{
		if (n >= 8)
		{
			memcpy(dst, src, 8);
			memcpy(dst + n - 8, src + n - 8, 8);
		}
		else if (n >= 4)
		{
			memcpy(dst, src, 4);
			memcpy(dst + n - 4, src + n - 4, 4);
		}
		else
			for (uint32 k = 0; k < n; k++)
				dst[k] = src[k];
	}
	else
		memcpy(dst, src, n);
}

/*
 * Fast path, last pass, column by column: copy rows [from, to)'s values
 * to their places and set their null bitmaps' bits.
 */
static void
StoreHeapFill(StoreHeap *h, const char *const *const *cols,
			  const uint32 *const *lens, uint32 from, uint32 to)
{
	char	  **data = h->rowdata;
	bits8	  **bits = h->rowbits;

	for (int c = 0; c < h->natts; c++)
	{
		const char *const *v = cols[c];
		const uint32 *o = h->offs[c];
		const uint32 *l = lens[c];
		bits8		bit = (bits8) (1 << (c & 7));
		int			byte = c >> 3;

#define SHF_LOOP(copy) \
		for (uint32 i = from; i < to; i++) \
		{ \
			const char *p = v[i]; \
			char	   *d = data[i]; \
			if (p == NULL || d == NULL) \
				continue; \
			d += o[i]; \
			copy; \
			if (bits[i] != NULL) \
				bits[i][byte] |= bit; \
		}

		switch (h->atts[c].kind)
		{
			case SHK_FIXED1:
				SHF_LOOP(*d = *p);
				break;
			case SHK_FIXED2:
				SHF_LOOP(memcpy(d, p, 2));
				break;
			case SHK_FIXED4:
				SHF_LOOP(memcpy(d, p, 4));
				break;
			case SHK_FIXED8:
				SHF_LOOP(memcpy(d, p, 8));
				break;
			case SHK_FIXED:
				{
					uint32		len = h->atts[c].len;

					SHF_LOOP(memcpy(d, p, len));
				}
				break;
			case SHK_VARWIDTH:
				SHF_LOOP(StoreHeapCopy(d, p, l[i] & ~SEGMENT_LEN_ALIGNED));
				break;
		}
#undef SHF_LOOP
	}
}

/*
 * Fast path: n rows onto pages.  Measure them; then, as long as rows fit
 * in the page pool, give each one its place and header; fill the placed
 * ones column by column; write out the full pages; repeat.
 */
static void
StoreHeapAddDirect(StoreHeap *h, const char *const *const *cols,
				   const uint32 *const *lens, uint32 n)
{
	uint32		from = 0;

	StoreHeapMeasure(h, cols, lens, n);
	while (from < n)
	{
		uint32		to = from;

		for (; to < n; to++)
		{
			uint8		flags = h->rowflags[to];
			Size		hoff = (flags & SHR_HASNULL) ? h->hoff_null : h->hoff_nonull;
			Size		tlen = hoff + h->rowlen[to];
			HeapTupleHeader td;
			ItemPointerData tid;

			if (tlen > TOAST_TUPLE_THRESHOLD)
			{
				if (!StoreHeapPlaceBigRow(h, cols, to))
					break;
				h->rowdata[to] = NULL;
				continue;
			}
			td = StoreHeapPlace(h, tlen, &tid);
			if (td == NULL)
				break;
			td->t_infomask = ((flags & SHR_HASNULL) ? HEAP_HASNULL : 0) |
				((flags & SHR_VARWIDTH) ? HEAP_HASVARWIDTH : 0);
			HeapTupleHeaderSetNatts(td, h->natts);
			td->t_hoff = hoff;
			StoreHeapStamp(h, td, &tid);
			h->rowdata[to] = (char *) td + hoff;
			h->rowbits[to] = (flags & SHR_HASNULL) ? td->t_bits : NULL;
		}
		StoreHeapFill(h, cols, lens, from, to);
		if (to < n)
			StoreHeapWritePages(h, false);
		from = to;
	}
	h->ntuples += n;
}

/* General path: n rows through slots and table_multi_insert. */
static void
StoreHeapAddSlots(StoreHeap *h, const char *const *const *cols, uint32 n)
{
	CommandId	cid = GetCurrentCommandId(true);
	MemoryContext old = MemoryContextSwitchTo(h->rowcxt);
	int			nbuffered = 0;

	for (uint32 i = 0; i < n; i++)
	{
		TupleTableSlot *slot;

		if (h->slots[nbuffered] == NULL)
		{
			MemoryContextSwitchTo(old);
			h->slots[nbuffered] = table_slot_create(h->rel, NULL);
			MemoryContextSwitchTo(h->rowcxt);
		}
		slot = h->slots[nbuffered];
		ExecClearTuple(slot);
		StoreHeapDatums(h, cols, i);
		memcpy(slot->tts_values, h->values, h->natts * sizeof(Datum));
		memcpy(slot->tts_isnull, h->isnull, h->natts * sizeof(bool));
		ExecStoreVirtualTuple(slot);
		if (++nbuffered == STORE_GET_BATCH || i == n - 1)
		{
			/* values point into segments: insert before they are reused */
			table_multi_insert(h->rel, h->slots, nbuffered, cid,
							   TABLE_INSERT_SKIP_FSM, h->bistate);
			for (int k = 0; k < nbuffered; k++)
				ExecClearTuple(h->slots[k]);
			nbuffered = 0;
			MemoryContextReset(h->rowcxt);
		}
	}
	MemoryContextSwitchTo(old);
	h->ntuples += n;
}

/* Receiver path: n rows, one slot each, to h->dest. */
static void
StoreHeapAddDest(StoreHeap *h, const char *const *const *cols, uint32 n)
{
	for (uint32 i = 0; i < n; i++)
	{
		ExecClearTuple(h->slot);
		StoreHeapDatums(h, cols, i);
		memcpy(h->slot->tts_values, h->values, h->natts * sizeof(Datum));
		memcpy(h->slot->tts_isnull, h->isnull, h->natts * sizeof(bool));
		ExecStoreVirtualTuple(h->slot);
		(void) h->dest->receiveSlot(h->slot, h->dest);
	}
	ExecClearTuple(h->slot);
	h->ntuples += n;
}

/*
 * Write n rows (at most STORE_GET_BATCH): cols[c][i] points at row i's
 * value of column c in heap form, or is NULL for a null, and lens[c][i] is
 * its length for variable-width types (segment_reader_read).  The pointers
 * need to stay valid only during the call.
 */
void
StoreHeapAdd(StoreHeap *h, const char *const *const *cols,
			 const uint32 *const *lens, uint32 n)
{
	Assert(n <= STORE_GET_BATCH);
	CHECK_FOR_INTERRUPTS();
	if (h->dest != NULL)
		StoreHeapAddDest(h, cols, n);
	else if (h->direct)
		StoreHeapAddDirect(h, cols, lens, n);
	else
		StoreHeapAddSlots(h, cols, n);
}

/*
 * Finish writing: with ok, write the last page and count the rows;
 * without (the restore failed), just let go.  Returns the rows written.
 */
int64
StoreHeapEnd(StoreHeap *h, bool ok)
{
	if (h->dest != NULL)
		ExecDropSingleTupleTableSlot(h->slot);
	else if (h->direct)
	{
		if (ok)
		{
			StoreHeapWritePages(h, true);
			pgstat_count_heap_insert(h->rel, h->ntuples);
		}
	}
	else
	{
		FreeBulkInsertState(h->bistate);
		table_finish_bulk_insert(h->rel, TABLE_INSERT_SKIP_FSM);
		for (int i = 0; i < STORE_GET_BATCH; i++)
			if (h->slots[i] != NULL)
				ExecDropSingleTupleTableSlot(h->slots[i]);
	}
	MemoryContextDelete(h->rowcxt);
	return h->ntuples;
}

/*
 * Until store_toast_end: values that a load's rows TOAST are compressed
 * with lz4 rather than pglz, where the server has lz4 and the session's
 * default is pglz (a column's own COMPRESSION still decides).  The values
 * are the same; pglz was most of the time it took to load a large one (a
 * 4.7 MB model: 0.31 s against 0.06 s).  Returns what store_toast_end takes.
 */
int
store_toast_begin(void)
{
	int			level = NewGUCNestLevel();

#ifdef USE_LZ4
	if (default_toast_compression == TOAST_PGLZ_COMPRESSION)
		(void) set_config_option("default_toast_compression", "lz4", PGC_USERSET,
								 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
#endif
	return level;
}

/* The session's TOAST compression again, after store_toast_begin. */
void
store_toast_end(int level)
{
	AtEOXact_GUC(true, level);
}
