/*
 * store_rows.h - reading the rows to store (StoreRows, store.h): a
 * relation's, a tuplestore's, or heap pages in a temporary file.
 */
#ifndef EG_STORE_ROWS_H
#define EG_STORE_ROWS_H

#include "access/relscan.h"
#include "executor/tuptable.h"
#include "storage/bufpage.h"
#include "utils/snapshot.h"

#include "store.h"

/* A pass-by-pass reader of StoreRows. */
typedef struct StoreRowsScan
{
	const StoreRows *rows;
	TupleDesc	desc;			/* the rows' columns */
	Relation	rel;			/* a relation's rows: open, under snapshot */
	Snapshot	snapshot;
	TableScanDesc scan;			/* the pass over rel */
	TupleTableSlot *slot;		/* the current row */
	PGAlignedBlock page;		/* pages: the current one */
	OffsetNumber off;			/* ... its next item */
	OffsetNumber maxoff;
	HeapTupleData tuple;
} StoreRowsScan;

extern StoreRowsScan *store_rows_open(const StoreRows *rows);
extern void store_rows_start(StoreRowsScan *s);
extern bool store_rows_next(StoreRowsScan *s);
extern void store_rows_stop(StoreRowsScan *s);
extern void store_rows_close(StoreRowsScan *s);
extern void store_rows_put_page(StoreRows *rows, const char *page);
extern void store_rows_release(StoreRows *rows);

#endif							/* EG_STORE_ROWS_H */
