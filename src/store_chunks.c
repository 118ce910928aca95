/*
 * store_chunks.c - which chunks stored artifacts consist of.
 *
 * The materializer's storage-aware policy charges an artifact only for the
 * chunks not already kept for others; it needs each candidate's distinct
 * chunks with their compressed sizes.  One parameterised statement for all
 * the artifacts it asks about (store.c's SP_ART_CHUNKS), as the extension
 * owner: the materializer asks about every kept artifact on every run,
 * under its lock.
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "graph.h"
#include "spi.h"
#include "store.h"
#include "store_internal.h"

/* An artifact of a store_chunks call, by id: its index. */
typedef struct StoreChunksEntry
{
	EgId		id;
	int			index;
} StoreChunksEntry;

/*
 * The distinct chunks of each stored artifact ids[i]: nchunks[i] of them
 * in chunks[i] (palloc'd arrays); an artifact not stored has none.
 */
void
store_chunks(const EgId *ids, int n, int *nchunks, StoreChunk **chunks)
{
	MemoryContext caller = CurrentMemoryContext;
	StoreSession s;
	HASHCTL		ctl;
	HTAB	   *byid;
	int		   *max = palloc0(sizeof(int) * Max(n, 1));
	Datum		args[1];
	uint64		rows;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(EgId);
	ctl.entrysize = sizeof(StoreChunksEntry);
	ctl.hcxt = caller;
	byid = hash_create("eg store chunks", Max(n, 16), &ctl,
					   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	for (int i = 0; i < n; i++)
	{
		StoreChunksEntry *e = hash_search(byid, &ids[i], HASH_ENTER, NULL);

		e->index = i;
		nchunks[i] = 0;
		chunks[i] = NULL;
	}
	if (n == 0)
		return;
	StoreBegin(&s, NULL, "eg store chunks");
	args[0] = graph_id_array(ids, n);
	rows = StoreExec(SP_ART_CHUNKS, args, false);
	for (uint64 r = 0; r < rows; r++)
	{
		EgId	   *id = DatumGetEgId(eg_spi_get_notnull(r, "artifact"));
		StoreChunksEntry *e = hash_search(byid, id, HASH_FIND, NULL);
		int			i;

		if (e == NULL)
			elog(ERROR, "unexpected artifact %s among stored chunks", eg_id_to_hex(id));
		i = e->index;
		if (nchunks[i] == max[i])
		{
			max[i] = Max(8, max[i] * 2);
			chunks[i] = chunks[i] == NULL
				? MemoryContextAlloc(caller, sizeof(StoreChunk) * max[i])
				: repalloc(chunks[i], sizeof(StoreChunk) * max[i]);
		}
		if (!StoreKeyFromDatum(eg_spi_get_notnull(r, "hash"), chunks[i][nchunks[i]].hash))
			elog(ERROR, "malformed chunk key in stored artifact %s", eg_id_to_hex(id));
		chunks[i][nchunks[i]].bytes = DatumGetInt64(eg_spi_get_notnull(r, "stored_bytes"));
		nchunks[i]++;
	}
	eg_spi_free_result();
	StoreEnd(&s);
}
