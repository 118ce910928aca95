/*
 * segment.h - the column segment: serialised image of one column's values
 * for a run of rows, and the chunk codec around it (SHA-256 key, zstd).
 *
 * store_put.c cuts every column of a relation into segments and seals each
 * one into a chunk (hash + compress); store_get.c opens chunks again and
 * reads their values.  This module owns the byte formats and every check on
 * them; it never touches a table.  segment.c has the segment layout and its
 * writer and reader, segment_chunk.c the chunk layout, the codec and why
 * what it checks proves integrity, segment_type.c the type signatures.
 */
#ifndef EG_SEGMENT_H
#define EG_SEGMENT_H

#include <zstd.h>

#include "access/detoast.h"
#include "access/tupmacs.h"
#include "common/sha2.h"
#include "utils/memutils.h"

/*
 * A column's segment is closed when it holds SEGMENT_MAX_ROWS rows or when
 * the next value would take its data past SEGMENT_TARGET_BYTES, whichever
 * comes first.  The decision depends on that column's values only, so an
 * identical column gets identical segments (hence shared chunks) in every
 * artifact, whatever the other columns are.
 */
#define SEGMENT_MAX_ROWS		65536
#define SEGMENT_TARGET_BYTES	((Size) 32 * 1024 * 1024)

/*
 * Largest segment image: one value of at most MaxAllocSize plus header,
 * bitmap and padding.  Anything claiming more is corrupt.
 */
#define SEGMENT_MAX_RAW			((Size) MaxAllocSize + 64 * 1024)

/* Null bitmap bytes of a full segment. */
#define SEGMENT_BITMAP_BYTES	(SEGMENT_MAX_ROWS / 8)

/*
 * segment_reader_read's lens[i] for a varlena or cstring: its length in
 * bytes, with this bit set if a tuple aligns it (all but short varlenas).
 */
#define SEGMENT_LEN_ALIGNED		((uint32) 0x80000000)

/* The chunk key is a SHA-256 digest. */
#define SEGMENT_HASH_LEN		PG_SHA256_DIGEST_LENGTH

/* Accumulates one column's values into an open segment. */
typedef struct SegmentWriter
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	char		typstorage;
	bool		packable;		/* short varlena headers allowed */
	uint8		alignby;		/* alignment of values, bytes */
	uint32		nrows;			/* rows in the open segment */
	uint32		nvalues;		/* of which not null */
	bits8	   *bitmap;			/* SEGMENT_MAX_ROWS bits, 1 = not null */
	char	   *buf;			/* allocation: room for the prefix, then data */
	Size		len;			/* data bytes (after the prefix room) */
	Size		cap;			/* data capacity */
	MemoryContext cxt;			/* where buf lives */
} SegmentWriter;

/* Reads the values of one decompressed, verified segment in row order. */
typedef struct SegmentReader
{
	const char *buf;
	Size		len;
	uint32		nrows;
	uint32		row;			/* next row */
	const bits8 *bitmap;		/* NULL when the segment has no nulls */
	Size		off;			/* next value's unaligned offset */
	int16		typlen;
	bool		packable;
	uint8		alignby;
} SegmentReader;

extern void segment_writer_init(SegmentWriter *w, MemoryContext cxt,
								int16 typlen, bool typbyval, char typalign,
								char typstorage);
extern void segment_writer_append(SegmentWriter *w, Datum value, bool isnull);
extern char *segment_writer_seal(SegmentWriter *w, Size *len);
extern void segment_writer_reset(SegmentWriter *w);

extern Size segment_max_raw(uint32 nrows, int16 typlen, char typalign);

extern void segment_hash(const char *buf, Size len, uint8 *out);
extern Size segment_compress(ZSTD_CCtx *cctx, const uint8 *key,
							 const char *src, Size srclen, int level,
							 char **dst, Size *dstcap, MemoryContext cxt);
extern const char *segment_decompress(ZSTD_DCtx *dctx, const uint8 *key,
									  const char *src, Size srclen,
									  Size rawlen, Size rawmax,
									  char **dst, Size *dstcap,
									  MemoryContext cxt);
extern const char *segment_chunk_open(SegmentReader *r, ZSTD_DCtx *dctx,
									  const uint8 *key, const char *src,
									  Size srclen, int64 raw_size,
									  uint32 nrows, int16 typlen,
									  bool typbyval, char typalign,
									  char typstorage, char **dst,
									  Size *dstcap, MemoryContext cxt,
									  bool *bad_chunk);

extern const char *segment_reader_open(SegmentReader *r, const char *buf,
									   Size len, uint32 nrows, int16 typlen,
									   bool typbyval, char typalign,
									   char typstorage);
extern const char *segment_reader_read(SegmentReader *r, uint32 n,
									   const char **values, uint32 *lens);
extern const char *segment_reader_close(const SegmentReader *r);

extern void segment_type_signature(Oid typid, uint8 *out);

/*
 * Serialised size of a non-null value, before alignment padding.  Inline,
 * like the two below: store_put calls them once per value.
 */
static inline Size
segment_value_size(const SegmentWriter *w, Datum value)
{
	if (w->typlen > 0)
		return (Size) w->typlen;
	if (w->typlen == -1)
	{
		if (VARATT_IS_EXTENDED(DatumGetPointer(value)))
			return toast_raw_datum_size(value);
		return VARSIZE(DatumGetPointer(value));
	}
	return strlen(DatumGetCString(value)) + 1;
}

/* True if a value of next_value_size bytes must go to a new segment. */
static inline bool
segment_writer_full(const SegmentWriter *w, Size next_value_size)
{
	if (w->nrows >= SEGMENT_MAX_ROWS)
		return true;
	if (w->nrows == 0)
		return false;
	/* + MAXIMUM_ALIGNOF: the padding the value may need */
	return w->len + MAXIMUM_ALIGNOF + next_value_size > SEGMENT_TARGET_BYTES;
}

/* Bytes the writer currently holds for its open segment. */
static inline Size
segment_writer_memory(const SegmentWriter *w)
{
	return w->len + (w->nvalues < w->nrows ? SEGMENT_BITMAP_BYTES : 0);
}

/* Rows of the open segment not read yet. */
static inline uint32
segment_reader_left(const SegmentReader *r)
{
	return r->nrows - r->row;
}

#endif							/* EG_SEGMENT_H */
