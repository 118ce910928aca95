/*
 * fuzz_segment.h - what the segment harnesses (fuzz_decoder.c,
 * fuzz_roundtrip.c) share: the type layouts a column can have, and
 * reading a chunk back the way restore does, checking every value against
 * what store_heap.c relies on when it copies values into heap pages.
 */
#ifndef FUZZ_SEGMENT_H
#define FUZZ_SEGMENT_H

#include "postgres.h"

#include "segment.h"

/* A column's physical type, as pg_type gives it. */
typedef struct FuzzLayout
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	char		typstorage;
	const char *example;
} FuzzLayout;

extern const FuzzLayout fuzz_layouts[];
extern const int fuzz_nlayouts;

/* Little-endian reads from fuzz input. */
static inline uint32
fuzz_le32(const uint8 *p)
{
	return (uint32) p[0] | ((uint32) p[1] << 8) | ((uint32) p[2] << 16) |
		((uint32) p[3] << 24);
}

static inline uint64
fuzz_le64(const uint8 *p)
{
	return (uint64) fuzz_le32(p) | ((uint64) fuzz_le32(p + 4) << 32);
}

/* Called for every value read back (row, pointer or NULL, length word). */
typedef void (*FuzzValueCheck) (void *arg, uint32 row, const char *value,
								uint32 len);

/*
 * Open chunk (srclen bytes as eg.chunk.data holds them) with
 * segment_chunk_open and read every row, batch rows at a time, as
 * store_get does; check each value (fuzz_check_value, then check if not
 * NULL) and close the segment.  Returns NULL, or the decoder's verdict.
 * An ERROR thrown on the way is caught and is a finding unless it is a
 * proper ereport (an elog is a can't-happen).
 */
extern const char *fuzz_restore_chunk(const FuzzLayout *lay, const uint8 *key,
									  const char *chunk, Size srclen,
									  int64 raw_size, uint32 nrows,
									  uint32 batch, FuzzValueCheck check,
									  void *arg);

/* Check one value against what store_heap.c relies on; abort if not. */
extern void fuzz_check_value(const FuzzLayout *lay, const char *value,
							 uint32 len);

#endif							/* FUZZ_SEGMENT_H */
