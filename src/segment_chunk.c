/*
 * segment_chunk.c - the chunk codec: a column segment (segment.c) sealed
 * into what eg.chunk.data holds, and opened again.
 *
 * A chunk (what eg.chunk.data holds) is the segment compressed:
 *
 *		0	uint32 LE	0x184D2A5E: a zstd skippable frame ...
 *		4	uint32 LE	32			... of 32 bytes:
 *		8	32 bytes	the chunk's key, SHA-256 of the segment image
 *		40	one zstd frame with its content size and content checksum
 *
 * Integrity.  The key is the content address: computed at store time from
 * the segment image itself, it decides sharing.  On restore the image is
 * not hashed again (SHA-256 ran at 1.5 GB/s, a sixth of restore time);
 * instead a chunk is served only if (1) it carries the key it is fetched
 * by, so the bytes of another chunk (a swap, a misdirected write) are
 * refused; (2) it is exactly one zstd frame whose recorded size is the
 * chunk's recorded raw size, and whose blocks can hold that size (checked
 * before anything is allocated: a block holds at most 128 KB, so hostile
 * sizes cannot make us allocate more than 128 KB per 3 bytes of the chunk,
 * nor more than a segment of the column can hold); (3) it decompresses, which
 * fails on damaged entropy tables, sequences or block headers; (4) zstd's
 * content checksum (XXH64 of the decompressed image, computed at store
 * time from the same bytes as the key) matches; (5) the image then parses
 * as a segment of the expected type and row count, consumed exactly.  A
 * damaged chunk thus gets past (3) and (4) with odds of at most 2^-32, and
 * a chunk holding someone else's bytes never gets past (1).  Corruption by
 * a superuser who recomputes checksums is out of scope: such a user could
 * rewrite keys and segment rows just as well.
 */
#include "postgres.h"

#include "common/cryptohash.h"
#include "common/int.h"
#include "utils/memutils.h"

#include "segment.h"

/* The skippable frame in front of a chunk's zstd frame: magic, size, key. */
#define CHUNK_KEY_MAGIC		0x184D2A5EU
#define CHUNK_PREFIX_LEN	(8 + SEGMENT_HASH_LEN)
/* A zstd frame (RFC 8878): magic, then the frame header descriptor byte. */
#define ZSTD_FRAME_MAGIC	0xFD2FB528U
#define ZSTD_FHD_CHECKSUM	0x04
#define ZSTD_BLOCK_MAX		((Size) 128 * 1024)	/* largest block's content */

/* Read a little-endian uint32. */
static inline uint32
SegmentGetLE32(const char *p)
{
	const uint8 *b = (const uint8 *) p;

	return (uint32) b[0] | ((uint32) b[1] << 8) |
		((uint32) b[2] << 16) | ((uint32) b[3] << 24);
}

/* Write a little-endian uint32. */
static inline void
SegmentPutLE32(char *p, uint32 v)
{
	uint8	   *b = (uint8 *) p;

	b[0] = v & 0xFF;
	b[1] = (v >> 8) & 0xFF;
	b[2] = (v >> 16) & 0xFF;
	b[3] = (v >> 24) & 0xFF;
}

/* SHA-256 of buf into out[SEGMENT_HASH_LEN]. */
void
segment_hash(const char *buf, Size len, uint8 *out)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);

	if (ctx == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	if (pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) buf, len) < 0 ||
		pg_cryptohash_final(ctx, out, SEGMENT_HASH_LEN) < 0)
	{
		const char *why = pg_cryptohash_error(ctx);

		pg_cryptohash_free(ctx);
		elog(ERROR, "could not compute SHA-256: %s", why ? why : "unknown");
	}
	pg_cryptohash_free(ctx);
}

/*
 * Compress src (the segment whose key is key) into *dst as a ready bytea
 * chunk: key frame, then a zstd frame with content checksum.  *dst (of
 * capacity *dstcap, in cxt) grows as needed.  Returns the chunk's size
 * without the bytea header.  cctx belongs to the caller.
 */
Size
segment_compress(ZSTD_CCtx *cctx, const uint8 *key, const char *src,
				 Size srclen, int level, char **dst, Size *dstcap,
				 MemoryContext cxt)
{
	Size		bound = ZSTD_compressBound(srclen);
	Size		need;
	size_t		csize;
	size_t		rc;
	char	   *out;

	if (ZSTD_isError(bound) ||
		pg_add_size_overflow(bound, VARHDRSZ + CHUNK_PREFIX_LEN, &need))
		elog(ERROR, "zstd bound overflow for %zu bytes", srclen);
	if (*dst == NULL || *dstcap < need)
	{
		if (*dst != NULL)
			pfree(*dst);
		*dst = MemoryContextAllocHuge(cxt, need);
		*dstcap = need;
	}

	out = *dst + VARHDRSZ;
	SegmentPutLE32(out, CHUNK_KEY_MAGIC);
	SegmentPutLE32(out + 4, SEGMENT_HASH_LEN);
	memcpy(out + 8, key, SEGMENT_HASH_LEN);

	rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
	if (!ZSTD_isError(rc))
		rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
	if (!ZSTD_isError(rc))
		rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
	if (ZSTD_isError(rc))
		elog(ERROR, "could not set zstd parameters: %s", ZSTD_getErrorName(rc));
	csize = ZSTD_compress2(cctx, out + CHUNK_PREFIX_LEN,
						   *dstcap - VARHDRSZ - CHUNK_PREFIX_LEN, src, srclen);
	if (ZSTD_isError(csize))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("zstd compression failed: %s",
						ZSTD_getErrorName(csize))));
	csize += CHUNK_PREFIX_LEN;
	if (csize > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("compressed column segment of %zu bytes is too large to store",
						csize)));
	SET_VARSIZE(*dst, VARHDRSZ + csize);
	return csize;
}

/*
 * Most bytes the zstd frame (framelen bytes, one whole frame, checked by
 * the caller) can decompress to, from its block headers (RFC 8878 3.1.1):
 * a raw or RLE block gives its stated size, a compressed one at most
 * ZSTD_BLOCK_MAX.  Unlike the size the frame records, this cannot be made
 * large without making the frame large: no block may state more than
 * ZSTD_BLOCK_MAX (Block_Maximum_Size; zstd 1.5 does not check it for an
 * RLE block, whose 4 bytes could otherwise claim 2 MB).  0 if the headers
 * are malformed.
 */
static Size
SegmentFrameBound(const char *frame, Size framelen)
{
	uint8		fhd = (uint8) frame[4];
	static const uint8 did_size[4] = {0, 1, 2, 4};
	static const uint8 fcs_size[4] = {0, 2, 4, 8};
	bool		single = (fhd & 0x20) != 0;
	Size		off;
	Size		bound = 0;

	off = 4 + 1 + (single ? 0 : 1) + did_size[fhd & 0x03] +
		((fhd >> 6) == 0 ? (single ? 1 : 0) : fcs_size[fhd >> 6]);
	for (;;)
	{
		uint32		bh;
		Size		bsize;

		if (off > framelen || framelen - off < 3)
			return 0;
		bh = (uint32) (uint8) frame[off] | ((uint32) (uint8) frame[off + 1] << 8) |
			((uint32) (uint8) frame[off + 2] << 16);
		off += 3;
		bsize = bh >> 3;
		if (bsize > ZSTD_BLOCK_MAX)
			return 0;
		switch ((bh >> 1) & 0x03)
		{
			case 0:				/* raw */
				bound += bsize;
				off += bsize;
				break;
			case 1:				/* RLE: one byte, repeated bsize times */
				bound += bsize;
				off += 1;
				break;
			case 2:				/* compressed */
				bound += ZSTD_BLOCK_MAX;
				off += bsize;
				break;
			default:
				return 0;
		}
		if (off > framelen)
			return 0;
		if (bh & 1)				/* last block */
			return bound;
	}
}

/*
 * Check and decompress chunk src (fetched by key, recorded raw size
 * rawlen, at most rawmax bytes for its column) into *dst, which grows (in
 * cxt) only after every size check passed.  Returns NULL, or what is
 * wrong.  See the top of the file for what the checks guarantee.
 */
const char *
segment_decompress(ZSTD_DCtx *dctx, const uint8 *key, const char *src,
				   Size srclen, Size rawlen, Size rawmax,
				   char **dst, Size *dstcap, MemoryContext cxt)
{
	const char *frame;
	Size		framelen;
	size_t		fsize;
	unsigned long long fcs;
	size_t		got;

	if (srclen < CHUNK_PREFIX_LEN + 5 ||
		SegmentGetLE32(src) != CHUNK_KEY_MAGIC ||
		SegmentGetLE32(src + 4) != SEGMENT_HASH_LEN)
		return "the chunk does not start with its key";
	if (memcmp(src + 8, key, SEGMENT_HASH_LEN) != 0)
		return "the chunk holds the data of another key";
	frame = src + CHUNK_PREFIX_LEN;
	framelen = srclen - CHUNK_PREFIX_LEN;

	if (SegmentGetLE32(frame) != ZSTD_FRAME_MAGIC)
		return "not a zstd frame";
	if ((frame[4] & ZSTD_FHD_CHECKSUM) == 0)
		return "zstd frame has no content checksum";
	fsize = ZSTD_findFrameCompressedSize(frame, framelen);
	if (ZSTD_isError(fsize) || fsize != framelen)
		return "the chunk is not exactly one zstd frame";
	fcs = ZSTD_getFrameContentSize(frame, framelen);
	if (fcs == ZSTD_CONTENTSIZE_ERROR || fcs == ZSTD_CONTENTSIZE_UNKNOWN)
		return "zstd frame does not record its size";
	if (rawlen == 0 || fcs != (unsigned long long) rawlen)
		return psprintf("zstd frame holds %llu bytes, %zu expected", fcs, rawlen);
	if (rawlen > rawmax)
		return psprintf("a segment of this column cannot hold %zu bytes", rawlen);
	if (SegmentFrameBound(frame, framelen) < rawlen)
		return "zstd frame is too short for the size it records";

	if (*dst == NULL || *dstcap < rawlen ||
		(*dstcap > 2 * SEGMENT_TARGET_BYTES && rawlen <= SEGMENT_TARGET_BYTES))
	{
		if (*dst != NULL)
			pfree(*dst);
		*dst = NULL;
		*dst = MemoryContextAllocHuge(cxt, rawlen);
		*dstcap = rawlen;
	}
	got = ZSTD_decompressDCtx(dctx, *dst, rawlen, frame, framelen);
	if (ZSTD_isError(got))
		return psprintf("zstd decompression failed: %s", ZSTD_getErrorName(got));
	if (got != rawlen)
		return psprintf("zstd frame gave %zu bytes, %zu expected", got, rawlen);
	return NULL;
}

/*
 * Open a chunk as restore does (store_get.c): check and decompress src
 * (srclen bytes, what eg.chunk.data holds for key; raw_size is the raw
 * size eg.chunk records) into *dst, which grows in cxt and is reused from
 * chunk to chunk, then open r on it as the segment of nrows rows of the
 * given type.  Returns NULL, or what is wrong; then *bad_chunk says whether
 * the chunk itself is damaged (it must go) or holds a sound segment that
 * does not fit the column.  Takes every byte as hostile (fuzz/ feeds it
 * arbitrary ones).
 */
const char *
segment_chunk_open(SegmentReader *r, ZSTD_DCtx *dctx, const uint8 *key,
				   const char *src, Size srclen, int64 raw_size,
				   uint32 nrows, int16 typlen, bool typbyval, char typalign,
				   char typstorage, char **dst, Size *dstcap,
				   MemoryContext cxt, bool *bad_chunk)
{
	const char *err;

	*bad_chunk = true;
	if (raw_size <= 0)
		return "the chunk's recorded size is impossible";
	err = segment_decompress(dctx, key, src, srclen, (Size) raw_size,
							 segment_max_raw(nrows, typlen, typalign),
							 dst, dstcap, cxt);
	if (err != NULL)
		return err;
	*bad_chunk = false;
	return segment_reader_open(r, *dst, (Size) raw_size, nrows, typlen,
							   typbyval, typalign, typstorage);
}
