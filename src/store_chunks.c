/*
 * store_chunks.c - which chunks a stored artifact consists of.
 *
 * The materializer's storage-aware policy charges an artifact only for the
 * chunks not already kept for others; it needs each candidate's distinct
 * chunks with their compressed sizes.  One parameterised query per
 * artifact, as the extension owner.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"

#include "store.h"

/* The distinct chunks of stored artifact id (palloc'd array in *chunks). */
int
store_chunks(const EgId *id, StoreChunk **chunks)
{
	EgUserSwitch sw;
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	MemoryContext caller = CurrentMemoryContext;
	int			n;

	values[0] = CStringGetTextDatum(eg_id_to_hex(id));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "eg: SPI_connect failed");
	eg_become_owner(&sw);
	if (SPI_execute_with_args("SELECT DISTINCT c.hash, c.stored_bytes FROM eg.store_segment s "
							  "JOIN eg.chunk c ON c.hash = s.chunk "
							  "WHERE s.artifact = $1::eg.artifact_id",
							  1, types, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "eg: could not list the chunks of artifact %s", eg_id_to_hex(id));
	eg_restore_user(&sw);
	n = (int) SPI_processed;
	*chunks = MemoryContextAlloc(caller, sizeof(StoreChunk) * Max(n, 1));
	for (int r = 0; r < n; r++)
	{
		bool		isnull;
		bytea	   *hash = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull));

		if (VARSIZE_ANY_EXHDR(hash) != 32)
			elog(ERROR, "eg: chunk key of artifact %s is not 32 bytes", eg_id_to_hex(id));
		memcpy((*chunks)[r].hash, VARDATA_ANY(hash), 32);
		(*chunks)[r].bytes = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull));
	}
	SPI_finish();
	return n;
}
