/*
 * fuzz_decoder.c - libFuzzer target "decoder": arbitrary bytes through
 * restore's read path (segment_chunk_open, segment_reader_read in
 * batches, segment_reader_close; see fuzz_segment.c), in two modes.
 *
 * Input: byte 0 = mode (bit 7) and column layout (bits 0-6, an index into
 * fuzz_layouts), byte 1 = rows per read (0: STORE_GET_BATCH, 1000), bytes
 * 2-5 = the segment's row count (eg.store_segment.nrows, little-endian),
 * then
 *	- chunk mode (bit 7 clear): bytes 6-13 = eg.chunk.raw_bytes (int64),
 *	  bytes 14-45 = the key the chunk is fetched by, the rest =
 *	  eg.chunk.data.  Everything is hostile: the key frame, the zstd frame
 *	  header and block headers, the recorded sizes; zstd's checksum guards
 *	  the segment behind them.
 *	- segment mode (bit 7 set): the rest is a decompressed segment image.
 *	  It is sealed into a chunk exactly as store_put.c does (segment_hash,
 *	  segment_compress at level 1), then read back through the same path,
 *	  so that mutations reach the segment layout (header, null bitmap,
 *	  values of every type family) past the checksum.
 * Findings: a sanitizer report, a value that breaks what store_heap.c
 * relies on, an elog (can't-happen) on the way, or, in chunk mode, an
 * allocation beyond what segment_chunk.c promises a chunk can cause.  A returned verdict or
 * a proper ereport is a correct rejection.
 */
#include "postgres.h"

#include <stdio.h>
#include <stdlib.h>

#include "pgstub.h"
#include "fuzz_segment.h"

#define FUZZ_GET_BATCH		1000	/* STORE_GET_BATCH */
#define FUZZ_BLOCK_MAX		((Size) 128 * 1024)	/* zstd's largest block */

int			LLVMFuzzerTestOneInput(const uint8 *data, size_t size);

/* FUZZ_VERBOSE=1 in the environment: print each input's verdict. */
static int	fuzz_verbose = -1;

static void
FuzzVerdict(const FuzzLayout *lay, const char *mode, const char *err)
{
	if (fuzz_verbose < 0)
		fuzz_verbose = getenv("FUZZ_VERBOSE") != NULL;
	if (fuzz_verbose)
		fprintf(stderr, "decoder: %s, %s: %s\n", lay->example, mode,
				err ? err : "accepted");
}

/* Segment mode: seal image as store_put does, then restore it. */
static void
FuzzSegmentMode(const FuzzLayout *lay, uint32 batch, uint32 nrows,
				const uint8 *image, size_t len)
{
	uint8		key[SEGMENT_HASH_LEN];
	ZSTD_CCtx  *cctx;
	char	   *chunk = NULL;
	Size		chunkcap = 0;
	Size		csize = 0;

	if (len == 0)
		return;
	segment_hash((const char *) image, len, key);
	cctx = ZSTD_createCCtx();
	if (cctx == NULL)
		fuzz_fail("ZSTD_createCCtx failed");
	FUZZ_TRY(csize = segment_compress(cctx, key, (const char *) image, len, 1,
									  &chunk, &chunkcap, CurrentMemoryContext));
	ZSTD_freeCCtx(cctx);
	if (fuzz_error_caught())
		fuzz_fail("could not seal a segment of %zu bytes: %s", len,
				  fuzz_error_message());
	FuzzVerdict(lay, "segment",
				fuzz_restore_chunk(lay, key, chunk + VARHDRSZ, csize, (int64) len,
								   nrows, batch, NULL, NULL));
}

int
LLVMFuzzerTestOneInput(const uint8 *data, size_t size)
{
	const FuzzLayout *lay;
	uint32		batch;
	uint32		nrows;

	if (size < 6)
		return 0;
	lay = &fuzz_layouts[(data[0] & 0x7F) % fuzz_nlayouts];
	batch = data[1] == 0 ? FUZZ_GET_BATCH : data[1];
	nrows = fuzz_le32(data + 2);

	fuzz_input_begin();
	if (data[0] & 0x80)
		FuzzSegmentMode(lay, batch, nrows, data + 6, size - 6);
	else if (size >= 46)
	{
		/* the chunk in its own allocation, as a detoasted datum would be */
		char	   *chunk = palloc(size - 46);

		memcpy(chunk, data + 46, size - 46);
		Size		srclen = size - 46;

		FuzzVerdict(lay, "chunk",
					fuzz_restore_chunk(lay, data + 14, chunk, srclen,
									   (int64) fuzz_le64(data + 6), nrows,
									   batch, NULL, NULL));
		/* segment_chunk.c's promise: 128 KB at most per 3 bytes of frame */
		if (fuzz_largest_allocation() > Max(srclen, (srclen / 3 + 1) * FUZZ_BLOCK_MAX))
			fuzz_fail("a chunk of %zu bytes made the decoder allocate %zu",
					  srclen, fuzz_largest_allocation());
	}
	fuzz_input_end();
	return 0;
}
