/*
 * fuzz_segment.c - restore's read path for the segment harnesses: the
 * type layouts, segment_chunk_open, batched segment_reader_read and
 * segment_reader_close as store_get.c calls them, and the contract every
 * value handed out must meet for store_heap.c to copy it safely:
 *
 *	- fixed length: typlen readable bytes; a by-value one aligned, as
 *	  fetch_att loads it in place;
 *	- varlena: its length word equals VARSIZE_ANY; a 1-byte header only in
 *	  a packable column and never a TOAST pointer; a 4-byte header
 *	  uncompressed, flagged SEGMENT_LEN_ALIGNED and aligned in memory (the
 *	  general path reads it in place);
 *	- cstring: its NUL is its last byte, flagged SEGMENT_LEN_ALIGNED.
 *
 * Every byte of every value is read (copied out), so that AddressSanitizer
 * sees a value that pokes outside the decompressed buffer.
 */
#include "postgres.h"

#include "pgstub.h"
#include "fuzz_segment.h"

/* Layouts of real types (and of user types CREATE TYPE allows). */
const FuzzLayout fuzz_layouts[] = {
	{1, true, 'c', 'p', "bool"},
	{2, true, 's', 'p', "int2"},
	{4, true, 'i', 'p', "int4"},
	{8, true, 'd', 'p', "int8"},
	{16, false, 'c', 'p', "uuid"},
	{16, false, 'd', 'p', "interval"},
	{12, false, 'd', 'p', "timetz"},
	{6, false, 'i', 'p', "macaddr"},
	{64, false, 'c', 'p', "name"},
	{3, false, 'c', 'p', "user type of 3 bytes"},
	{4, false, 'i', 'p', "user type of 4 bytes by reference"},
	{-1, false, 'i', 'x', "text"},
	{-1, false, 'i', 'm', "numeric"},
	{-1, false, 'd', 'x', "float8[]"},
	{-1, false, 'i', 'p', "int2vector"},
	{-1, false, 'd', 'e', "varlena, storage external"},
	{-1, false, 'c', 'x', "varlena aligned by char"},
	{-1, false, 's', 'x', "varlena aligned by short"},
	{-2, false, 'c', 'p', "cstring"},
};
const int	fuzz_nlayouts = lengthof(fuzz_layouts);

/* Alignment in bytes of typalign. */
static uint32
FuzzAlignBy(char typalign)
{
	switch (typalign)
	{
		case 'c':
			return 1;
		case 's':
			return ALIGNOF_SHORT;
		case 'i':
			return ALIGNOF_INT;
		default:
			return ALIGNOF_DOUBLE;
	}
}

/* Sink for copied bytes, so that the copies are not optimised away. */
static volatile uint8 fuzz_sink;

static void
FuzzTouch(const char *p, Size n)
{
	uint8		acc = 0;

	for (Size i = 0; i < n; i++)
		acc ^= (uint8) p[i];
	fuzz_sink ^= acc;
}

void
fuzz_check_value(const FuzzLayout *lay, const char *p, uint32 lenword)
{
	uint32		len = lenword & ~SEGMENT_LEN_ALIGNED;
	bool		aligned = (lenword & SEGMENT_LEN_ALIGNED) != 0;

	if (lay->typlen > 0)
	{
		if (lay->typbyval)
		{
			Datum		d;

			if ((uintptr_t) p % FuzzAlignBy(lay->typalign) != 0)
				fuzz_fail("by-value %s value at %p is misaligned", lay->example, p);
			d = fetch_att(p, true, lay->typlen);
			fuzz_sink ^= (uint8) d;
		}
		FuzzTouch(p, lay->typlen);
		return;
	}
	if (len == 0)
		fuzz_fail("%s value of length 0", lay->example);
	FuzzTouch(p, len);
	if (lay->typlen == -2)
	{
		if (!aligned)
			fuzz_fail("cstring value not flagged aligned");
		if (strnlen(p, len) != len - 1)
			fuzz_fail("cstring value of length %u has its NUL at %zu",
					  len, strnlen(p, len));
		return;
	}
	if (VARATT_IS_1B(p))
	{
		if (VARATT_IS_1B_E(p))
			fuzz_fail("varlena value is a TOAST pointer");
		if (lay->typstorage == 'p')
			fuzz_fail("short varlena header in a column of plain storage");
		if (VARSIZE_1B(p) != len)
			fuzz_fail("short varlena of %u bytes handed out as %u", (uint32) VARSIZE_1B(p), len);
	}
	else
	{
		uint32		align = Max(FuzzAlignBy(lay->typalign), ALIGNOF_INT);

		if (!aligned)
			fuzz_fail("4-byte varlena header not flagged aligned");
		if ((uintptr_t) p % align != 0)
			fuzz_fail("4-byte varlena header at %p is misaligned", p);
		if (!VARATT_IS_4B_U(p))
			fuzz_fail("compressed varlena handed out");
		if (VARSIZE_4B(p) != len)
			fuzz_fail("varlena of %u bytes handed out as %u", (uint32) VARSIZE_4B(p), len);
	}
}

/* The part of fuzz_restore_chunk that may throw. */
static const char *
FuzzRestore(const FuzzLayout *lay, const uint8 *key, const char *chunk,
			Size srclen, int64 raw_size, uint32 nrows, uint32 batch,
			FuzzValueCheck check, void *arg)
{
	SegmentReader r;
	ZSTD_DCtx  *dctx;
	char	   *raw = NULL;
	Size		rawcap = 0;
	bool		bad_chunk;
	const char *err;
	const char **vals = palloc(batch * sizeof(const char *));
	uint32	   *lens = palloc(batch * sizeof(uint32));
	uint32		row = 0;

	dctx = ZSTD_createDCtx();
	if (dctx == NULL)
		fuzz_fail("ZSTD_createDCtx failed");
	/* as in store_get: the context lives outside palloc, freed on every path */
	PG_TRY();
	{
		err = segment_chunk_open(&r, dctx, key, chunk, srclen, raw_size,
								 nrows, lay->typlen, lay->typbyval,
								 lay->typalign, lay->typstorage, &raw,
								 &rawcap, CurrentMemoryContext, &bad_chunk);
	}
	PG_FINALLY();
	{
		ZSTD_freeDCtx(dctx);
	}
	PG_END_TRY();
	if (err != NULL)
		return err;

	while (segment_reader_left(&r) > 0)
	{
		uint32		n = Min(batch, segment_reader_left(&r));

		/* lens is left alone for fixed-length types */
		for (uint32 i = 0; i < n; i++)
			lens[i] = 0;
		err = segment_reader_read(&r, n, vals, lens);
		if (err != NULL)
			return err;
		for (uint32 i = 0; i < n; i++, row++)
		{
			if (vals[i] != NULL)
				fuzz_check_value(lay, vals[i], lens[i]);
			if (check != NULL)
				check(arg, row, vals[i], lens[i]);
		}
	}
	if (row != nrows)
		fuzz_fail("read %u rows of a segment of %u", row, nrows);
	return segment_reader_close(&r);
}

const char *
fuzz_restore_chunk(const FuzzLayout *lay, const uint8 *key, const char *chunk,
				   Size srclen, int64 raw_size, uint32 nrows, uint32 batch,
				   FuzzValueCheck check, void *arg)
{
	const char *volatile err = NULL;

	FUZZ_TRY(err = FuzzRestore(lay, key, chunk, srclen, raw_size, nrows,
							   batch, check, arg));
	if (fuzz_error_caught())
	{
		fuzz_forbid_elog("restoring a chunk");
		/* out of memory and the like: a refusal, as restore would report it */
		return fuzz_error_message();
	}
	return err;
}
