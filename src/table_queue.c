/*
 * table_queue.c - handing a session's temp tables to a background worker.
 *
 * A step's table is a temp table: only its session can read it.  When the
 * materializer must run outside the session's transaction (the steps that
 * completed before a step failed are stored by a worker that commits,
 * graph_worker.c; eg.store_async, store_async.c), the session sends each
 * table's rows through a shared-memory queue and the worker puts them in a
 * tuplestore or a file of pages (no catalog work, no heap inserts), which
 * the store reads as it would the table.
 *
 * The messages, in order, per table: a header (TQ_TABLE, the artifact id,
 * the live columns: name, type, typmod, collation), batches, and an empty
 * message.  A step's table as its CREATE TABLE AS left it (every tuple
 * live, none out of line, no dropped column) travels as its pages, one
 * per batch, copied from its buffers and checked as they go
 * (TqPageSendable): the session forms no tuple, and the receiver writes
 * each page to a temporary file as it is (store_rows.c reads its tuples
 * when storing).  A page that fails the check ends the pages with
 * TQ_RESET, and the table's rows follow.  Any other table travels as
 * batches of rows, each a MAXALIGNed MinimalTuple of the live columns,
 * out-of-line values inlined, since the receiver cannot read the sender's
 * TOAST table.  After the tables, a last header of kind TQ_END closes the
 * stream.  A receiver that sees the queue detached before TQ_END fails: a
 * table is never half received.
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/bufpage.h"
#include "utils/fmgroids.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

#include "store_rows.h"
#include "table_queue.h"

/* The kind of a header message. */
#define TQ_TABLE	'T'
#define TQ_END		'Z'

/*
 * A batch message starts with its kind (then padding to keep what follows
 * MAXALIGNed): rows, or a page of the table as it is, or the word that
 * the pages sent do not stand (TqSendPages).
 */
#define TQ_ROWS		'R'
#define TQ_PAGE		'P'
#define TQ_RESET	'X'			/* forget the pages sent: rows follow */
#define TQ_KIND_LEN	MAXALIGN(1)

/*
 * A received table's rows are held in memory up to this many kB (or
 * work_mem, if less), then spill to a temporary file: a worker receiving
 * many tables holds them all until it has stored them.
 */
#define TQ_TUPLESTORE_KB	1024

/* Rows are sent in batches of about this many bytes. */
#define TQ_BATCH_BYTES	(64 * 1024)

static bool TqTransferableRow(Oid relid, int depth);

/* True if a catalog row was written by this transaction (not committed yet). */
static bool
TqOwnRow(HeapTuple tup)
{
	return TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetRawXmin(tup->t_data));
}

/*
 * Whether values of type typid mean the same in another backend: not an
 * anonymous record type (registered per backend) nor a type of a temp
 * schema, and neither it nor a type it is made of (element, base, fields)
 * created or altered by this transaction, which the other backend cannot
 * see yet.
 */
static bool
TqTransferableType(Oid typid, int depth)
{
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	Form_pg_type typ;
	bool		ok;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for type %u", typid);
	typ = (Form_pg_type) GETSTRUCT(tup);
	ok = typid != RECORDOID && typid != RECORDARRAYOID && depth < 8 &&
		!isAnyTempNamespace(typ->typnamespace) && !TqOwnRow(tup);
	if (ok && OidIsValid(typ->typelem) && typ->typsubscript == F_ARRAY_SUBSCRIPT_HANDLER)
		ok = TqTransferableType(typ->typelem, depth + 1);
	if (ok && OidIsValid(typ->typbasetype))
		ok = TqTransferableType(typ->typbasetype, depth + 1);
	if (ok && OidIsValid(typ->typrelid))
		ok = TqTransferableRow(typ->typrelid, depth + 1);
	ReleaseSysCache(tup);
	return ok;
}

/* Whether a composite type's relation and fields are transferable. */
static bool
TqTransferableRow(Oid relid, int depth)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	int			natts;
	bool		ok;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	natts = ((Form_pg_class) GETSTRUCT(tup))->relnatts;
	ok = !TqOwnRow(tup);
	ReleaseSysCache(tup);
	for (int a = 1; ok && a <= natts; a++)
	{
		HeapTuple	att = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(a));

		if (!HeapTupleIsValid(att))
			continue;
		ok = !TqOwnRow(att) && (((Form_pg_attribute) GETSTRUCT(att))->attisdropped ||
								TqTransferableType(((Form_pg_attribute) GETSTRUCT(att))->atttypid,
												   depth));
		ReleaseSysCache(att);
	}
	return ok;
}

/* The live columns of a tuple descriptor, as a descriptor of their own. */
static TupleDesc
TqLiveColumns(TupleDesc desc, int *map)
{
	int			n = 0;
	TupleDesc	live;

	for (int i = 0; i < desc->natts; i++)
		if (!TupleDescAttr(desc, i)->attisdropped)
			map[n++] = i;
	live = CreateTemplateTupleDesc(n);
	for (int j = 0; j < n; j++)
		TupleDescCopyEntry(live, j + 1, desc, map[j] + 1);
	return live;
}

/*
 * Send one message; false if the receiver is gone.  Rows wait in the
 * queue until a message that flushes (a table's header or end).
 */
static bool
TqSend(shm_mq_handle *mqh, const void *data, Size len, bool flush)
{
	return shm_mq_send(mqh, len, data, false, flush) == SHM_MQ_SUCCESS;
}

/* Send a table's header: its artifact id and columns. */
static bool
TqSendHeader(shm_mq_handle *mqh, const EgId *id, TupleDesc live)
{
	StringInfoData buf;
	bool		ok;

	initStringInfo(&buf);
	pq_sendbyte(&buf, TQ_TABLE);
	pq_sendbytes(&buf, (const char *) id->bytes, EG_ID_LEN);
	pq_sendint32(&buf, live->natts);
	for (int i = 0; i < live->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(live, i);

		pq_sendstring(&buf, NameStr(att->attname));
		pq_sendint32(&buf, att->atttypid);
		pq_sendint32(&buf, att->atttypmod);
		pq_sendint32(&buf, att->attcollation);
	}
	ok = TqSend(mqh, buf.data, buf.len, true);
	pfree(buf.data);
	return ok;
}

/*
 * Append a MinimalTuple of len bytes, MAXALIGNed, to batch: data, whose
 * first four bytes become its t_len (a heap tuple's header from
 * MINIMAL_TUPLE_OFFSET on is a MinimalTuple's, as in
 * minimal_tuple_from_heap_tuple).
 */
static void
TqAppend(StringInfo batch, const char *data, uint32 len)
{
	Size		start = MAXALIGN(batch->len);

	enlargeStringInfo(batch, (int) (start - batch->len + len));
	memset(batch->data + batch->len, 0, start - batch->len);
	memcpy(batch->data + start, data, len);
	((MinimalTuple) (batch->data + start))->t_len = len;
	batch->len = (int) (start + len);
}

/*
 * Append a row of the scan's slot to batch as a MinimalTuple of the live
 * columns: the heap tuple copied when it is one already (no dropped
 * column, no value out of line), else formed from its values with
 * out-of-line ones inlined (the receiver cannot read this backend's TOAST
 * table) in rowcxt, which is reset.
 */
static void
TqAppendRow(StringInfo batch, TupleTableSlot *slot, TupleDesc live, const int *map,
			bool dropped, Datum *values, bool *nulls, MemoryContext rowcxt)
{
	HeapTuple	tup = ExecFetchSlotHeapTuple(slot, false, NULL);
	MemoryContext old;
	MinimalTuple mt;

	if (!dropped && !HeapTupleHasExternal(tup))
	{
		TqAppend(batch, (char *) tup->t_data + MINIMAL_TUPLE_OFFSET,
				 tup->t_len - MINIMAL_TUPLE_OFFSET);
		return;
	}
	old = MemoryContextSwitchTo(rowcxt);
	slot_getallattrs(slot);
	for (int j = 0; j < live->natts; j++)
	{
		Datum		v = slot->tts_values[map[j]];

		nulls[j] = slot->tts_isnull[map[j]];
		if (!nulls[j] && TupleDescAttr(live, j)->attlen == -1 &&
			VARATT_IS_EXTERNAL(DatumGetPointer(v)))
			v = PointerGetDatum(detoast_external_attr((struct varlena *) DatumGetPointer(v)));
		values[j] = v;
	}
	mt = heap_form_minimal_tuple(live, values, nulls);
	TqAppend(batch, (char *) mt, mt->t_len);
	MemoryContextSwitchTo(old);
	MemoryContextReset(rowcxt);
}

/* Start a batch message of kind TQ_ROWS, TQ_PAGE or TQ_RESET. */
static void
TqBatchStart(StringInfo batch, char kind)
{
	resetStringInfo(batch);
	appendStringInfoSpaces(batch, TQ_KIND_LEN);
	batch->data[0] = kind;
}

/*
 * True if rel's pages may travel as they are: a temp table (a step's) with
 * no dropped column, no column added with a default its old tuples lack,
 * and nothing in its TOAST table.  Each page is then checked as it is
 * sent (TqPageSendable).
 */
static bool
TqPagesCandidate(Relation rel, bool dropped)
{
	TupleConstr *constr = RelationGetDescr(rel)->constr;
	bool		ok = true;

	if (dropped || rel->rd_rel->relpersistence != RELPERSISTENCE_TEMP ||
		(constr != NULL && constr->missing != NULL))
		return false;
	if (OidIsValid(rel->rd_rel->reltoastrelid))
	{
		Relation	toast = table_open(rel->rd_rel->reltoastrelid, AccessShareLock);

		ok = RelationGetNumberOfBlocks(toast) == 0;
		table_close(toast, AccessShareLock);
	}
	return ok;
}

/*
 * True if every tuple of page is a live one this transaction inserted (in
 * a subtransaction that did not abort) and nobody updated or deleted: the
 * receiver then reads every tuple of the page.  This is what a step's
 * CREATE TABLE AS leaves.  *known is a transaction id already checked.
 */
static bool
TqPageSendable(Page page, TransactionId *known)
{
	OffsetNumber maxoff = PageGetMaxOffsetNumber(page);

	for (OffsetNumber off = FirstOffsetNumber; off <= maxoff; off++)
	{
		ItemId		lp = PageGetItemId(page, off);
		HeapTupleHeader t;
		TransactionId xmin;

		if (!ItemIdIsNormal(lp))
			return false;
		t = (HeapTupleHeader) PageGetItem(page, lp);
		xmin = HeapTupleHeaderGetRawXmin(t);
		if ((t->t_infomask & HEAP_XMAX_INVALID) == 0 ||
			(t->t_infomask & HEAP_XMIN_INVALID) != 0 || HeapTupleHeaderIsHeapOnly(t))
			return false;
		if (xmin != *known)
		{
			if (!TransactionIdIsCurrentTransactionId(xmin))
				return false;
			*known = xmin;
		}
	}
	return true;
}

/*
 * Send rel's pages, one message each, each checked first (TqPageSendable),
 * in one pass; false if the receiver went away.  At the first page that
 * cannot travel as it is, the receiver is told to forget those sent
 * (TQ_RESET), and *unfit is set: the caller sends the rows instead.
 */
static bool
TqSendPages(shm_mq_handle *mqh, Relation rel, StringInfo batch, bool *unfit)
{
	BlockNumber nblocks = RelationGetNumberOfBlocks(rel);
	TransactionId known = InvalidTransactionId;
	bool		ok = true;

	*unfit = false;
	for (BlockNumber blk = 0; ok && blk < nblocks; blk++)
	{
		Buffer		buf = ReadBufferExtended(rel, MAIN_FORKNUM, blk, RBM_NORMAL, NULL);

		TqBatchStart(batch, TQ_PAGE);
		LockBuffer(buf, BUFFER_LOCK_SHARE);
		*unfit = !TqPageSendable(BufferGetPage(buf), &known);
		if (!*unfit)
			appendBinaryStringInfo(batch, (char *) BufferGetPage(buf), BLCKSZ);
		UnlockReleaseBuffer(buf);
		if (*unfit)
		{
			TqBatchStart(batch, TQ_RESET);
			return TqSend(mqh, batch->data, batch->len, false);
		}
		ok = TqSend(mqh, batch->data, batch->len, false);
		CHECK_FOR_INTERRUPTS();
	}
	return ok;
}

/*
 * Send rel's rows (under a new snapshot), in batches of about
 * TQ_BATCH_BYTES, each row a MAXALIGNed MinimalTuple of the live columns;
 * false if the receiver went away.
 */
static bool
TqSendRows(shm_mq_handle *mqh, Relation rel, TupleDesc live, const int *map, StringInfo batch)
{
	TupleDesc	desc = RelationGetDescr(rel);
	Datum	   *values = palloc(sizeof(Datum) * Max(live->natts, 1));
	bool	   *nulls = palloc(sizeof(bool) * Max(live->natts, 1));
	MemoryContext rowcxt = AllocSetContextCreate(CurrentMemoryContext, "eg table queue row",
												 ALLOCSET_DEFAULT_SIZES);
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
	TableScanDesc scan = table_beginscan(rel, snapshot, 0, NULL);
	TupleTableSlot *slot = table_slot_create(rel, NULL);
	bool		ok = true;

	TqBatchStart(batch, TQ_ROWS);
	while (ok && table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		TqAppendRow(batch, slot, live, map, live->natts != desc->natts, values, nulls, rowcxt);
		if (batch->len >= TQ_BATCH_BYTES)
		{
			ok = TqSend(mqh, batch->data, batch->len, false);
			TqBatchStart(batch, TQ_ROWS);
		}
		CHECK_FOR_INTERRUPTS();
	}
	if (ok && batch->len > TQ_KIND_LEN)
		ok = TqSend(mqh, batch->data, batch->len, false);
	ExecDropSingleTupleTableSlot(slot);
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	MemoryContextDelete(rowcxt);
	return ok;
}

/*
 * Send relation relid's rows as artifact id: its pages as they are when it
 * is a step's table as CREATE TABLE AS left it (TqPageSendable), else row
 * by row; false if the receiver went away.  A table with a column another
 * backend cannot read is not sent (*sent says whether it was).
 */
static bool
TqSendTable(shm_mq_handle *mqh, const EgId *id, Oid relid, bool *sent)
{
	Relation	rel = table_open(relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	int		   *map = palloc(sizeof(int) * Max(desc->natts, 1));
	TupleDesc	live = TqLiveColumns(desc, map);
	StringInfoData batch;
	bool		ok = true;
	bool		unfit = true;

	for (int j = 0; j < live->natts; j++)
		ok &= TqTransferableType(TupleDescAttr(live, j)->atttypid, 0);
	if (!ok || !TqSendHeader(mqh, id, live))
	{
		table_close(rel, AccessShareLock);
		return !ok;
	}
	CommandCounterIncrement();
	initStringInfo(&batch);
	if (TqPagesCandidate(rel, live->natts != desc->natts))
		ok = TqSendPages(mqh, rel, &batch, &unfit);
	if (ok && unfit)
		ok = TqSendRows(mqh, rel, live, map, &batch);
	table_close(rel, AccessShareLock);
	pfree(batch.data);
	*sent = ok && TqSend(mqh, "", 0, true);
	return *sent;
}

/*
 * Send the tables (ids and relations) and the end of the stream; false if
 * the receiver went away.  sent (if not NULL) says which tables were sent:
 * not those with a column another backend cannot read.
 */
bool
tq_send_tables(shm_mq_handle *mqh, const MatInput *tables, int n, bool *sent)
{
	char		end = TQ_END;

	for (int i = 0; i < n; i++)
	{
		bool		one = false;

		if (!TqSendTable(mqh, &tables[i].id, tables[i].rows.relid, &one))
			return false;
		if (sent != NULL)
			sent[i] = one;
	}
	return TqSend(mqh, &end, 1, true);
}

/* Receive one message; an error if the sender went away. */
static void *
TqReceive(shm_mq_handle *mqh, Size *len)
{
	void	   *data;

	if (shm_mq_receive(mqh, len, &data, false) != SHM_MQ_SUCCESS)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("the session handing over its tables went away")));
	return data;
}

/* The tuple descriptor of the columns in a header in buf. */
static TupleDesc
TqHeaderDesc(StringInfo buf)
{
	int			natts = (int) pq_getmsgint(buf, 4);
	TupleDesc	desc = CreateTemplateTupleDesc(natts);

	for (int i = 0; i < natts; i++)
	{
		const char *col = pq_getmsgstring(buf);
		Oid			typid = (Oid) pq_getmsgint(buf, 4);
		int32		typmod = (int32) pq_getmsgint(buf, 4);
		Oid			collid = (Oid) pq_getmsgint(buf, 4);

		TupleDescInitEntry(desc, i + 1, col, typid, typmod, 0);
		TupleDescInitEntryCollation(desc, i + 1, collid);
	}
	return desc;
}

/* A tuplestore for rows received: in memory up to TQ_TUPLESTORE_KB, then a file. */
static Tuplestorestate *
TqTuplestore(void)
{
	return tuplestore_begin_heap(false, false, Min(work_mem, TQ_TUPLESTORE_KB));
}

/*
 * Receive the next table into *rows (a tuplestore, or a file of pages)
 * and its artifact id into *id; false at the end of the stream.
 */
static bool
TqReceiveTable(shm_mq_handle *mqh, StoreRows *rows, EgId *id)
{
	StringInfoData buf;
	Size		len;
	TupleTableSlot *slot;

	buf.data = TqReceive(mqh, &len);
	buf.len = buf.maxlen = (int) len;
	buf.cursor = 0;
	if (pq_getmsgbyte(&buf) != TQ_TABLE)
		return false;
	memcpy(id->bytes, pq_getmsgbytes(&buf, EG_ID_LEN), EG_ID_LEN);
	rows->relid = InvalidOid;
	rows->desc = TqHeaderDesc(&buf);
	rows->pages = NULL;
	rows->tuples = TqTuplestore();
	slot = MakeSingleTupleTableSlot(rows->desc, &TTSOpsMinimalTuple);
	for (;;)
	{
		char	   *batch = TqReceive(mqh, &len);

		if (len == 0)
			break;
		/* a page goes into a file as it is, read tuple by tuple when stored */
		if (batch[0] == TQ_PAGE)
			store_rows_put_page(rows, batch + TQ_KIND_LEN);
		else if (batch[0] == TQ_RESET)
		{
			store_rows_release(rows);
			rows->tuples = TqTuplestore();
		}
		/* each row MAXALIGNed in the batch, which the queue aligns */
		else
			for (Size off = TQ_KIND_LEN; off < len;
				 off = MAXALIGN(off + ((MinimalTuple) (batch + off))->t_len))
			{
				ExecStoreMinimalTuple((MinimalTuple) (batch + off), slot, false);
				tuplestore_puttupleslot(rows->tuples, slot);
				ExecClearTuple(slot);
			}
		CHECK_FOR_INTERRUPTS();
	}
	ExecDropSingleTupleTableSlot(slot);
	return true;
}

/* Receive the tables of the stream (each into StoreRows); sets *n. */
MatInput *
tq_receive_tables(shm_mq_handle *mqh, int *n)
{
	int			max = 8;
	MatInput   *tables = palloc0(sizeof(MatInput) * max);

	*n = 0;
	for (;;)
	{
		if (*n == max)
		{
			tables = repalloc(tables, sizeof(MatInput) * (max *= 2));
			memset(tables + *n, 0, sizeof(MatInput) * (max - *n));
		}
		if (!TqReceiveTable(mqh, &tables[*n].rows, &tables[*n].id))
			break;
		(*n)++;
	}
	return tables;
}
