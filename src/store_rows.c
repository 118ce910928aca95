/*
 * store_rows.c - reading the rows to store (StoreRows, store.h).
 *
 * store_prepare reads the rows of an artifact once per group of columns
 * (store_put.c), from one of three sources:
 *   - a relation: a step's table, in the session that computed it, under
 *     a snapshot;
 *   - a tuplestore: rows handed over to a worker one by one
 *     (table_queue.c);
 *   - heap pages in a temporary file: a step's table handed over to a
 *     worker as its pages, which the worker writes as they arrive and
 *     reads tuple by tuple here.  Writing a page costs the worker a copy,
 *     where a tuplestore costs it one per tuple, and the session waits
 *     for the worker to take each page (docs/storing.md).
 * A pass is store_rows_start, store_rows_next until false, store_rows_stop.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_class.h"
#include "commands/tablespace.h"
#include "storage/buffile.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

#include "store_rows.h"

/* Open rows for reading: a relation is opened (it must be a table). */
StoreRowsScan *
store_rows_open(const StoreRows *rows)
{
	StoreRowsScan *s = palloc0(sizeof(StoreRowsScan));

	s->rows = rows;
	s->desc = rows->desc;
	if (OidIsValid(rows->relid))
	{
		s->rel = table_open(rows->relid, AccessShareLock);
		if (s->rel->rd_rel->relkind != RELKIND_RELATION &&
			s->rel->rd_rel->relkind != RELKIND_MATVIEW)
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("cannot store \"%s\": it is not a table",
							RelationGetRelationName(s->rel))));
		s->desc = RelationGetDescr(s->rel);
		s->snapshot = RegisterSnapshot(GetTransactionSnapshot());
	}
	return s;
}

/* Start a pass over the rows, from the first. */
void
store_rows_start(StoreRowsScan *s)
{
	if (s->rel != NULL)
	{
		s->scan = table_beginscan(s->rel, s->snapshot, 0, NULL);
		s->slot = table_slot_create(s->rel, NULL);
	}
	else if (s->rows->pages != NULL)
	{
		if (BufFileSeek(s->rows->pages, 0, 0, SEEK_SET) != 0)
			elog(ERROR, "could not rewind the temporary file of a table's pages");
		s->off = FirstOffsetNumber;
		s->maxoff = InvalidOffsetNumber;
		ItemPointerSetInvalid(&s->tuple.t_self);
		s->tuple.t_tableOid = InvalidOid;
		s->slot = MakeSingleTupleTableSlot(s->desc, &TTSOpsHeapTuple);
	}
	else
	{
		tuplestore_rescan(s->rows->tuples);
		s->slot = MakeSingleTupleTableSlot(s->desc, &TTSOpsMinimalTuple);
	}
}

/* The next tuple of the pages into s->slot; false after the last page. */
static bool
StoreRowsNextOnPage(StoreRowsScan *s)
{
	Page		page = (Page) s->page.data;
	ItemId		lp;

	while (s->off > s->maxoff)
	{
		size_t		got = BufFileRead(s->rows->pages, page, BLCKSZ);

		if (got == 0)
			return false;
		if (got != BLCKSZ)
			elog(ERROR, "could not read a page of a table handed over: read %zu of %d bytes",
				 got, BLCKSZ);
		s->off = FirstOffsetNumber;
		s->maxoff = PageGetMaxOffsetNumber(page);
	}
	lp = PageGetItemId(page, s->off);
	s->off++;
	if (!ItemIdIsNormal(lp))
		elog(ERROR, "a page of a step's table has an item that is not a tuple");
	s->tuple.t_data = (HeapTupleHeader) PageGetItem(page, lp);
	s->tuple.t_len = ItemIdGetLength(lp);
	ExecStoreHeapTuple(&s->tuple, s->slot, false);
	return true;
}

/* The next row into s->slot; false at the end of the pass. */
bool
store_rows_next(StoreRowsScan *s)
{
	if (s->scan != NULL)
		return table_scan_getnextslot(s->scan, ForwardScanDirection, s->slot);
	if (s->rows->pages != NULL)
		return StoreRowsNextOnPage(s);
	return tuplestore_gettupleslot(s->rows->tuples, true, false, s->slot);
}

/* End a pass. */
void
store_rows_stop(StoreRowsScan *s)
{
	ExecDropSingleTupleTableSlot(s->slot);
	s->slot = NULL;
	if (s->scan != NULL)
		table_endscan(s->scan);
	s->scan = NULL;
}

/* Close rows opened with store_rows_open. */
void
store_rows_close(StoreRowsScan *s)
{
	if (s->rel != NULL)
	{
		UnregisterSnapshot(s->snapshot);
		table_close(s->rel, NoLock);
	}
	pfree(s);
}

/*
 * Add a heap page of a table handed over to rows (in a temporary file,
 * made in the current memory context with the first page).
 */
void
store_rows_put_page(StoreRows *rows, const char *page)
{
	if (rows->pages == NULL)
	{
		PrepareTempTablespaces();	/* temp_tablespaces, as tuplestores do */
		rows->pages = BufFileCreateTemp(false);
	}
	BufFileWrite(rows->pages, (void *) page, BLCKSZ);
}

/* Free what rows handed over hold (their tuplestore or file). */
void
store_rows_release(StoreRows *rows)
{
	if (rows->tuples != NULL)
		tuplestore_end(rows->tuples);
	rows->tuples = NULL;
	if (rows->pages != NULL)
		BufFileClose(rows->pages);
	rows->pages = NULL;
}
