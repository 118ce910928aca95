/*
 * store_chunks.c - which chunks a stored artifact consists of.
 *
 * The materializer's storage-aware policy charges an artifact only for the
 * chunks not already kept for others; it needs each candidate's distinct
 * chunks with their compressed sizes.  One parameterised statement per
 * artifact (store.c's SP_ART_CHUNKS), as the extension owner.
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/memutils.h"

#include "spi.h"
#include "store.h"
#include "store_internal.h"

/* The distinct chunks of stored artifact id (palloc'd array in *chunks). */
int
store_chunks(const EgId *id, StoreChunk **chunks)
{
	MemoryContext caller = CurrentMemoryContext;
	StoreSession s;
	Datum		args[1];
	int			n;

	StoreBegin(&s, id, "eg store chunks");
	args[0] = CStringGetTextDatum(s.hex);
	n = (int) StoreExec(SP_ART_CHUNKS, args, false);
	*chunks = MemoryContextAlloc(caller, sizeof(StoreChunk) * Max(n, 1));
	for (int r = 0; r < n; r++)
	{
		if (!StoreKeyFromDatum(eg_spi_get_notnull(r, "hash"), (*chunks)[r].hash))
			elog(ERROR, "malformed chunk key in stored artifact %s", s.hex);
		(*chunks)[r].bytes = DatumGetInt64(eg_spi_get_notnull(r, "stored_bytes"));
	}
	eg_spi_free_result();
	StoreEnd(&s);
	return n;
}
