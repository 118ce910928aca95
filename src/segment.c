/*
 * segment.c - column segments: the byte image of one column's values over a
 * run of rows; writing one, and reading one back without trusting it.
 *
 * A segment holds the values in the form a heap tuple holds them, so that
 * restoring is a copy of bytes into heap pages, not a round of type input
 * functions nor even of heap_form_tuple.  Layout (native byte order: the
 * store belongs to one cluster and never leaves it):
 *
 *		0	uint32	magic 'EGS1'
 *		4	uint16	version (2)
 *		6	uint16	flags (SEGMENT_HAS_NULLS)
 *		8	uint32	nrows
 *		12	uint32	nvalues (non-null rows)
 *		16	int16	typlen
 *		18	uint8	typbyval
 *		19	char	typalign
 *		20	char	typstorage
 *		21	3 bytes	reserved, 0
 *		24	null bitmap, (nrows + 7) / 8 bytes, only with SEGMENT_HAS_NULLS
 *			(bit i set = row i is not null, as in a heap tuple; spare bits 0)
 *		..	zero padding up to a MAXALIGN boundary
 *		D	the non-null values in row order, each as heap_fill_tuple would
 *			write it, at offsets aligned (relative to the segment start, which
 *			is MAXALIGNed in memory) the way a tuple aligns them: fixed-length
 *			types as their raw image, aligned; varlenas detoasted, with a
 *			1-byte header and unaligned when the type is packable (storage not
 *			plain) and the value short enough, else with a 4-byte header,
 *			aligned; cstrings with their NUL.  Padding bytes are zero, so, as
 *			in a tuple, a zero byte where a varlena may start is padding.
 *
 * Every byte is a function of the values alone, so equal columns give equal
 * bytes and equal SHA-256 keys; that is what lets chunks be shared.  The
 * reader trusts nothing: every offset and length is checked against the
 * buffer, and the segment must be consumed exactly.  Values of types whose
 * layout could change under us (composites, domains, arrays, ranges) are
 * guarded by segment_type_signature (segment_type.c), stored with the
 * column.  segment_chunk.c turns a segment into a chunk and back.
 *
 * The writer keeps room for the header and the largest bitmap in front of
 * its data, so sealing a segment writes the prefix in place, no copy.
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/tupmacs.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "port/pg_bitutils.h"
#include "utils/memutils.h"

#include "segment.h"

#define SEGMENT_MAGIC		0x31534745	/* "EGS1" read little-endian */
#define SEGMENT_VERSION		2
#define SEGMENT_HAS_NULLS	0x0001

typedef struct SegmentHeader
{
	uint32		magic;
	uint16		version;
	uint16		flags;
	uint32		nrows;
	uint32		nvalues;
	int16		typlen;
	uint8		typbyval;
	char		typalign;
	char		typstorage;
	uint8		reserved[3];
} SegmentHeader;

StaticAssertDecl(sizeof(SegmentHeader) == 24, "segment header must be 24 bytes");

/* Room kept in front of a writer's data for header + largest bitmap. */
#define SEGMENT_PREFIX_ROOM		MAXALIGN(sizeof(SegmentHeader) + SEGMENT_BITMAP_BYTES)
/* First data allocation of a writer; it doubles from there. */
#define SEGMENT_INITIAL_CAP		1024

/* Alignment (bytes) a value of this type gets inside a segment. */
static uint8
SegmentAlignBy(int16 typlen, char typalign)
{
	uint8		a;

	switch (typalign)
	{
		case TYPALIGN_CHAR:
			a = 1;
			break;
		case TYPALIGN_SHORT:
			a = ALIGNOF_SHORT;
			break;
		case TYPALIGN_INT:
			a = ALIGNOF_INT;
			break;
		case TYPALIGN_DOUBLE:
			a = ALIGNOF_DOUBLE;
			break;
		default:
			elog(ERROR, "invalid typalign \"%c\"", typalign);
			a = 1;				/* keep compiler quiet */
	}
	/* a 4-byte varlena header must be readable in place */
	if (typlen == -1 && a < ALIGNOF_INT)
		a = ALIGNOF_INT;
	return a;
}

/* True if values of the type get 1-byte varlena headers when short. */
static inline bool
SegmentPackable(int16 typlen, char typstorage)
{
	return typlen == -1 && typstorage != TYPSTORAGE_PLAIN;
}

/* Prepare w to collect values of the given type; buffers live in cxt. */
void
segment_writer_init(SegmentWriter *w, MemoryContext cxt,
					int16 typlen, bool typbyval, char typalign, char typstorage)
{
	if (typlen == 0 || typlen < -2)
		elog(ERROR, "invalid typlen %d", typlen);
	if (typbyval && (typlen <= 0 || typlen > SIZEOF_DATUM ||
					 (typlen & (typlen - 1)) != 0))
		elog(ERROR, "invalid by-value typlen %d", typlen);

	memset(w, 0, sizeof(*w));
	w->typlen = typlen;
	w->typbyval = typbyval;
	w->typalign = typalign;
	w->typstorage = typstorage;
	w->packable = SegmentPackable(typlen, typstorage);
	w->alignby = SegmentAlignBy(typlen, typalign);
	w->cxt = cxt;
}

/* Make room for data up to byte `need` (exclusive) of the data area. */
static void
SegmentWriterReserve(SegmentWriter *w, Size need)
{
	Size		newcap;
	Size		total;

	if (need <= w->cap)
		return;
	if (need > SEGMENT_MAX_RAW - SEGMENT_PREFIX_ROOM)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("column segment would exceed %zu bytes",
						(Size) SEGMENT_MAX_RAW)));

	newcap = Max(w->cap, (Size) SEGMENT_INITIAL_CAP);
	while (newcap < need)
		newcap *= 2;			/* cannot overflow: need <= ~1 GB */
	newcap = Min(newcap, SEGMENT_MAX_RAW - SEGMENT_PREFIX_ROOM);
	if (pg_add_size_overflow(newcap, SEGMENT_PREFIX_ROOM, &total))
		elog(ERROR, "segment size overflow");

	if (w->buf == NULL)
		w->buf = MemoryContextAllocHuge(w->cxt, total);
	else
		w->buf = repalloc_huge(w->buf, total);
	w->cap = newcap;
}

/* Mark the rows so far as not null once the segment gets its first null. */
static void
SegmentWriterStartBitmap(SegmentWriter *w)
{
	if (w->bitmap == NULL)
		w->bitmap = MemoryContextAlloc(w->cxt, SEGMENT_BITMAP_BYTES);
	memset(w->bitmap, 0, SEGMENT_BITMAP_BYTES);
	memset(w->bitmap, 0xFF, w->nrows / 8);
	if (w->nrows % 8)
		w->bitmap[w->nrows / 8] = (bits8) ((1 << (w->nrows % 8)) - 1);
}

/* Append the varlena v (any form) to the data area, as a heap tuple would. */
static void
SegmentWriterAppendVarlena(SegmentWriter *w, struct varlena *v)
{
	struct varlena *flat = NULL;
	const char *src;
	Size		srclen;
	Size		off;
	char	   *data;

	if (VARATT_IS_EXTERNAL(v) || VARATT_IS_COMPRESSED(v))
	{
		flat = detoast_attr(v);
		src = VARDATA(flat);
		srclen = VARSIZE(flat) - VARHDRSZ;
	}
	else if (VARATT_IS_SHORT(v))
	{
		src = VARDATA_SHORT(v);
		srclen = VARSIZE_SHORT(v) - VARHDRSZ_SHORT;
	}
	else
	{
		src = VARDATA(v);
		srclen = VARSIZE(v) - VARHDRSZ;
	}

	if (w->packable && srclen + VARHDRSZ_SHORT <= VARATT_SHORT_MAX)
	{
		/* short header, no alignment: what heap_fill_tuple does */
		off = w->len;
		SegmentWriterReserve(w, off + VARHDRSZ_SHORT + srclen);
		data = w->buf + SEGMENT_PREFIX_ROOM;
		SET_VARSIZE_SHORT(data + off, VARHDRSZ_SHORT + srclen);
		memcpy(data + off + VARHDRSZ_SHORT, src, srclen);
		w->len = off + VARHDRSZ_SHORT + srclen;
	}
	else
	{
		off = TYPEALIGN(w->alignby, w->len);
		SegmentWriterReserve(w, off + VARHDRSZ + srclen);
		data = w->buf + SEGMENT_PREFIX_ROOM;
		if (off > w->len)
			memset(data + w->len, 0, off - w->len);
		SET_VARSIZE(data + off, VARHDRSZ + srclen);
		memcpy(data + off + VARHDRSZ, src, srclen);
		w->len = off + VARHDRSZ + srclen;
	}
	if (flat != NULL && flat != v)
		pfree(flat);
}

/* Append one value (or a null) to the open segment. */
void
segment_writer_append(SegmentWriter *w, Datum value, bool isnull)
{
	Size		off;
	char	   *data;
	bool		hasnulls = (w->nvalues < w->nrows);

	if (w->nrows >= SEGMENT_MAX_ROWS)
		elog(ERROR, "segment already holds %d rows", SEGMENT_MAX_ROWS);

	if (isnull)
	{
		if (!hasnulls)
			SegmentWriterStartBitmap(w);
		/* bit stays 0 */
		w->nrows++;
		return;
	}

	if (w->typlen > 0)
	{
		off = TYPEALIGN(w->alignby, w->len);
		SegmentWriterReserve(w, off + w->typlen);
		data = w->buf + SEGMENT_PREFIX_ROOM;
		if (off > w->len)
			memset(data + w->len, 0, off - w->len);
		if (w->typbyval)
			store_att_byval(data + off, value, w->typlen);
		else
			memcpy(data + off, DatumGetPointer(value), w->typlen);
		w->len = off + w->typlen;
	}
	else if (w->typlen == -1)
		SegmentWriterAppendVarlena(w, (struct varlena *) DatumGetPointer(value));
	else
	{
		const char *s = DatumGetCString(value);
		Size		slen = strlen(s) + 1;

		off = TYPEALIGN(w->alignby, w->len);
		SegmentWriterReserve(w, off + slen);
		data = w->buf + SEGMENT_PREFIX_ROOM;
		if (off > w->len)
			memset(data + w->len, 0, off - w->len);
		memcpy(data + off, s, slen);
		w->len = off + slen;
	}

	if (hasnulls)
		w->bitmap[w->nrows / 8] |= (bits8) (1 << (w->nrows % 8));
	w->nrows++;
	w->nvalues++;
}

/*
 * Write header and bitmap in front of the data and return the segment image
 * (MAXALIGNed, owned by the writer: valid until the next append or reset).
 */
char *
segment_writer_seal(SegmentWriter *w, Size *len)
{
	SegmentHeader hdr;
	Size		bitmaplen = 0;
	Size		prefix;
	char	   *start;

	if (w->nrows == 0)
		elog(ERROR, "cannot seal an empty segment");
	if (w->buf == NULL)			/* all nulls: no data area yet */
		SegmentWriterReserve(w, 1);

	memset(&hdr, 0, sizeof(hdr));
	hdr.magic = SEGMENT_MAGIC;
	hdr.version = SEGMENT_VERSION;
	hdr.nrows = w->nrows;
	hdr.nvalues = w->nvalues;
	hdr.typlen = w->typlen;
	hdr.typbyval = w->typbyval ? 1 : 0;
	hdr.typalign = w->typalign;
	hdr.typstorage = w->typstorage;
	if (w->nvalues < w->nrows)
	{
		hdr.flags |= SEGMENT_HAS_NULLS;
		bitmaplen = (w->nrows + 7) / 8;
	}

	prefix = MAXALIGN(sizeof(SegmentHeader) + bitmaplen);
	Assert(prefix <= SEGMENT_PREFIX_ROOM);
	start = w->buf + SEGMENT_PREFIX_ROOM - prefix;
	memset(start, 0, prefix);
	memcpy(start, &hdr, sizeof(hdr));
	if (bitmaplen > 0)
		memcpy(start + sizeof(hdr), w->bitmap, bitmaplen);

	*len = prefix + w->len;
	return start;
}

/* Empty the writer for the next segment; give back an oversized buffer. */
void
segment_writer_reset(SegmentWriter *w)
{
	w->nrows = 0;
	w->nvalues = 0;
	w->len = 0;
	if (w->buf != NULL && w->cap > 2 * SEGMENT_TARGET_BYTES)
	{
		pfree(w->buf);
		w->buf = NULL;
		w->cap = 0;
	}
}

/*
 * Largest image a segment of nrows values of the type can have: exact for
 * fixed-length types, SEGMENT_MAX_RAW otherwise.  Restore allocates no more.
 */
Size
segment_max_raw(uint32 nrows, int16 typlen, char typalign)
{
	Size		prefix = MAXALIGN(sizeof(SegmentHeader) + (nrows + 7) / 8);

	if (typlen > 0 && nrows <= SEGMENT_MAX_ROWS)
		return prefix + (Size) nrows * TYPEALIGN(SegmentAlignBy(typlen, typalign),
												 (Size) typlen);
	return SEGMENT_MAX_RAW;
}

/*
 * Start reading a segment; checks its header against what the column
 * expects.  buf must be MAXALIGNed.  Returns NULL, or what is wrong.
 */
const char *
segment_reader_open(SegmentReader *r, const char *buf, Size len,
					uint32 nrows, int16 typlen, bool typbyval, char typalign,
					char typstorage)
{
	SegmentHeader hdr;
	Size		bitmaplen = 0;
	Size		prefix;

	memset(r, 0, sizeof(*r));
	if (len < sizeof(SegmentHeader))
		return "segment shorter than its header";
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.magic != SEGMENT_MAGIC)
		return "bad segment magic";
	if (hdr.version != SEGMENT_VERSION)
		return psprintf("unknown segment version %u", hdr.version);
	if ((hdr.flags & ~SEGMENT_HAS_NULLS) != 0 ||
		hdr.reserved[0] != 0 || hdr.reserved[1] != 0 || hdr.reserved[2] != 0)
		return "unknown segment flags";
	if (hdr.nrows != nrows || nrows == 0 || nrows > SEGMENT_MAX_ROWS)
		return psprintf("segment holds %u rows, %u expected", hdr.nrows, nrows);
	if (hdr.typlen != typlen || hdr.typbyval != (typbyval ? 1 : 0) ||
		hdr.typalign != typalign || hdr.typstorage != typstorage)
		return "segment was written for a different type layout";
	if (typlen == 0 || typlen < -2 ||
		(typbyval && (typlen <= 0 || typlen > SIZEOF_DATUM ||
					  (typlen & (typlen - 1)) != 0)))
		return "segment has an invalid type length";
	if (hdr.nvalues > hdr.nrows)
		return "segment has more values than rows";

	if (hdr.flags & SEGMENT_HAS_NULLS)
	{
		bitmaplen = (nrows + 7) / 8;
		if (hdr.nvalues == hdr.nrows)
			return "segment has a null bitmap but no nulls";
	}
	else if (hdr.nvalues != hdr.nrows)
		return "segment has nulls but no null bitmap";

	prefix = MAXALIGN(sizeof(SegmentHeader) + bitmaplen);
	if (prefix > len)
		return "segment shorter than its null bitmap";
	if (bitmaplen > 0)
	{
		const bits8 *bm = (const bits8 *) (buf + sizeof(SegmentHeader));

		if (nrows % 8 != 0 && (bm[bitmaplen - 1] >> (nrows % 8)) != 0)
			return "segment null bitmap has spare bits set";
		if (pg_popcount((const char *) bm, bitmaplen) != hdr.nvalues)
			return "segment null bitmap does not match its value count";
		r->bitmap = bm;
	}

	r->buf = buf;
	r->len = len;
	r->nrows = nrows;
	r->row = 0;
	r->off = prefix;
	r->typlen = typlen;
	r->packable = SegmentPackable(typlen, typstorage);
	r->alignby = SegmentAlignBy(typlen, typalign);
	return NULL;
}

/* True if row is null in r's segment. */
static inline bool
SegmentRowIsNull(const SegmentReader *r, uint32 row)
{
	return r->bitmap != NULL && !(r->bitmap[row / 8] & (1 << (row % 8)));
}

/* segment_reader_read for fixed-length types. */
static const char *
SegmentReadFixed(SegmentReader *r, uint32 n, const char **values)
{
	Size		typlen = (Size) r->typlen;
	Size		stride = TYPEALIGN(r->alignby, typlen);
	Size		off = r->off;

	if (r->bitmap == NULL)
	{
		const char *base;

		/* all n values are consecutive, stride apart, after one alignment */
		off = TYPEALIGN(r->alignby, off);
		if (off > r->len || (r->len - off) < typlen ||
			(Size) (n - 1) > ((r->len - off) - typlen) / stride)
			return "fixed-length value runs past the segment end";
		base = r->buf + off;
		for (uint32 i = 0; i < n; i++)
			values[i] = base + i * stride;
		r->off = off + (n - 1) * stride + typlen;
		r->row += n;
		return NULL;
	}

	for (uint32 i = 0; i < n; i++, r->row++)
	{
		if (SegmentRowIsNull(r, r->row))
		{
			values[i] = NULL;
			continue;
		}
		off = TYPEALIGN(r->alignby, off);
		if (off > r->len || r->len - off < typlen)
			return "fixed-length value runs past the segment end";
		values[i] = r->buf + off;
		off += typlen;
	}
	r->off = off;
	return NULL;
}

/* segment_reader_read for varlenas. */
static const char *
SegmentReadVarlena(SegmentReader *r, uint32 n, const char **values,
				   uint32 *lens)
{
	const char *buf = r->buf;
	Size		len = r->len;
	Size		off = r->off;

	for (uint32 i = 0; i < n; i++, r->row++)
	{
		const char *p;
		Size		vlen;
		uint32		aligned = 0;

		if (SegmentRowIsNull(r, r->row))
		{
			values[i] = NULL;
			lens[i] = 0;
			continue;
		}
		/* as in a tuple: a zero byte is padding before a 4-byte header */
		if (off >= len)
			return "varlena value lies outside the segment";
		if (buf[off] == 0)
			off = TYPEALIGN(r->alignby, off);
		if (off >= len)
			return "varlena value lies outside the segment";
		p = buf + off;
		if (VARATT_IS_1B(p))
		{
			if (VARATT_IS_1B_E(p))
				return "varlena value is a TOAST pointer";
			if (!r->packable)
				return "varlena value has a short header in a column that has none";
			vlen = VARSIZE_1B(p);
		}
		else
		{
			if (off % r->alignby != 0)
				return "varlena value is misaligned";
			if (len - off < VARHDRSZ)
				return "varlena header runs past the segment end";
			if (!VARATT_IS_4B_U(p))
				return "varlena value is compressed";
			vlen = VARSIZE_4B(p);
			if (vlen < VARHDRSZ)
				return "varlena value is shorter than its header";
			aligned = SEGMENT_LEN_ALIGNED;
		}
		if (vlen > len - off)
			return "varlena value runs past the segment end";
		values[i] = p;
		lens[i] = (uint32) vlen | aligned;
		off += vlen;
	}
	r->off = off;
	return NULL;
}

/* segment_reader_read for cstrings. */
static const char *
SegmentReadCString(SegmentReader *r, uint32 n, const char **values,
				   uint32 *lens)
{
	Size		off = r->off;

	for (uint32 i = 0; i < n; i++, r->row++)
	{
		const char *nul;

		if (SegmentRowIsNull(r, r->row))
		{
			values[i] = NULL;
			lens[i] = 0;
			continue;
		}
		off = TYPEALIGN(r->alignby, off);
		if (off >= r->len)
			return "cstring value lies outside the segment";
		nul = memchr(r->buf + off, '\0', r->len - off);
		if (nul == NULL)
			return "cstring value runs past the segment end";
		if (nul - (r->buf + off) >= MaxAllocSize)
			return "cstring value is too long";
		values[i] = r->buf + off;
		lens[i] = (uint32) (nul - (r->buf + off) + 1) | SEGMENT_LEN_ALIGNED;
		off = (nul - r->buf) + 1;
	}
	r->off = off;
	return NULL;
}

/*
 * Read the next n rows: values[i] points at row i's value inside the
 * segment, in heap form (see the top of the file), or is NULL for a null;
 * for varlenas and cstrings lens[i] is its length | SEGMENT_LEN_ALIGNED if
 * a tuple aligns it (lens is left alone for fixed-length types).  Returns
 * NULL, or what is wrong (never reads outside the buffer).
 */
const char *
segment_reader_read(SegmentReader *r, uint32 n, const char **values,
					uint32 *lens)
{
	if (n > r->nrows - r->row)
		return "read past the segment's last row";
	if (n == 0)
		return NULL;
	if (r->typlen > 0)
		return SegmentReadFixed(r, n, values);
	if (r->typlen == -1)
		return SegmentReadVarlena(r, n, values, lens);
	return SegmentReadCString(r, n, values, lens);
}

/* Check that every row and byte of the segment was consumed. */
const char *
segment_reader_close(const SegmentReader *r)
{
	if (r->row != r->nrows)
		return "segment has rows left over";
	if (r->off != r->len)
		return "segment has trailing bytes";
	return NULL;
}
