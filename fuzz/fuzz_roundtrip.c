/*
 * fuzz_roundtrip.c - libFuzzer target "roundtrip": values built from the
 * input go through the segment writer as store_put.c drives it
 * (segment_writer_append, _seal, segment_hash, segment_compress) and back
 * through restore's read path (fuzz_segment.c).  Properties:
 *	- every segment the writer makes is accepted, and every value comes
 *	  back with the same bytes (null for null), a varlena with a 1-byte
 *	  header exactly when the column is packable and the value is short;
 *	- the image is a function of the values alone: the same values given
 *	  with the other varlena header form (short / 4-byte), to the same
 *	  writer after segment_writer_reset, seal to the same bytes, which is
 *	  what lets equal columns share chunks.
 *
 * Input: byte 0 = column layout (index into fuzz_layouts), byte 1 = rows
 * per read (bits 0-5; 0: 1000) and zstd level (bits 6-7: 1, 3, 9, 19),
 * then one row after another: a control byte (bit 0: null; bit 1: give a
 * varlena a 1-byte header when it fits; bit 2: two length bytes), then for
 * a fixed-length type typlen bytes, for a varlena or cstring a length
 * (one byte, or two little-endian) and that many bytes (a cstring's NULs
 * become 'x').  Input that ends in the middle of a row ends the rows.
 */
#include "postgres.h"

#include "pgstub.h"
#include "fuzz_segment.h"

int			LLVMFuzzerTestOneInput(const uint8 *data, size_t size);

/* One row as built from the input. */
typedef struct FuzzRow
{
	bool		isnull;
	bool		shorthdr;		/* varlena given with a 1-byte header */
	const uint8 *bytes;			/* fixed: the image; varlena, cstring: data */
	uint32		len;			/* data bytes (without header or NUL) */
} FuzzRow;

typedef struct FuzzRows
{
	const FuzzLayout *lay;
	FuzzRow    *rows;
	uint32		nrows;
} FuzzRows;

/* Parse the rows of the input; at most SEGMENT_MAX_ROWS. */
static void
FuzzParseRows(FuzzRows *fr, const uint8 *p, const uint8 *end)
{
	uint32		cap = 16;

	fr->rows = palloc(cap * sizeof(FuzzRow));
	fr->nrows = 0;
	while (p < end && fr->nrows < SEGMENT_MAX_ROWS)
	{
		uint8		ctl = *p++;
		FuzzRow		row;

		memset(&row, 0, sizeof(row));
		row.isnull = (ctl & 1) != 0;
		row.shorthdr = (ctl & 2) != 0;
		if (!row.isnull)
		{
			if (fr->lay->typlen > 0)
				row.len = fr->lay->typlen;
			else if (ctl & 4)
			{
				if (end - p < 2)
					break;
				row.len = p[0] | (p[1] << 8);
				p += 2;
			}
			else
			{
				if (end - p < 1)
					break;
				row.len = *p++;
			}
			if ((size_t) (end - p) < row.len)
				break;
			row.bytes = p;
			p += row.len;
		}
		if (fr->nrows == cap)
		{
			cap *= 2;
			fr->rows = repalloc(fr->rows, cap * sizeof(FuzzRow));
		}
		fr->rows[fr->nrows++] = row;
	}
}

/* The datum of row r; flip: give a varlena the other header form. */
static Datum
FuzzDatum(const FuzzLayout *lay, const FuzzRow *r, bool flip)
{
	bool		shorthdr = r->shorthdr != flip;

	if (lay->typlen > 0)
	{
		char	   *copy = palloc(lay->typlen);

		memcpy(copy, r->bytes, lay->typlen);
		return lay->typbyval ? fetch_att(copy, true, lay->typlen) : PointerGetDatum(copy);
	}
	if (lay->typlen == -1)
	{
		char	   *v;

		if (shorthdr && r->len + VARHDRSZ_SHORT <= VARATT_SHORT_MAX)
		{
			v = palloc(VARHDRSZ_SHORT + r->len);
			SET_VARSIZE_SHORT(v, VARHDRSZ_SHORT + r->len);
			memcpy(v + VARHDRSZ_SHORT, r->bytes, r->len);
		}
		else
		{
			v = palloc(VARHDRSZ + r->len);
			SET_VARSIZE(v, VARHDRSZ + r->len);
			memcpy(v + VARHDRSZ, r->bytes, r->len);
		}
		return PointerGetDatum(v);
	}
	{
		char	   *s = palloc(r->len + 1);

		for (uint32 i = 0; i < r->len; i++)
			s[i] = r->bytes[i] == '\0' ? 'x' : (char) r->bytes[i];
		s[r->len] = '\0';
		return CStringGetDatum(s);
	}
}

/* Write every row into w (reset first) and seal; returns a copy of the image. */
static char *
FuzzWrite(SegmentWriter *w, const FuzzRows *fr, bool flip, Size *len)
{
	char	   *seg;
	char	   *copy;

	segment_writer_reset(w);
	for (uint32 i = 0; i < fr->nrows; i++)
		segment_writer_append(w, fr->rows[i].isnull ? (Datum) 0 :
							  FuzzDatum(fr->lay, &fr->rows[i], flip),
							  fr->rows[i].isnull);
	seg = segment_writer_seal(w, len);
	if ((uintptr_t) seg % MAXIMUM_ALIGNOF != 0)
		fuzz_fail("sealed segment is not MAXALIGNed");
	copy = palloc(*len);
	memcpy(copy, seg, *len);
	return copy;
}

/* Compare a value read back with the row it was written from. */
static void
FuzzCompare(void *arg, uint32 row, const char *value, uint32 lenword)
{
	const FuzzRows *fr = (const FuzzRows *) arg;
	const FuzzLayout *lay = fr->lay;
	const FuzzRow *r = &fr->rows[row];
	uint32		len = lenword & ~SEGMENT_LEN_ALIGNED;

	if (row >= fr->nrows)
		fuzz_fail("row %u read back from a segment of %u rows", row, fr->nrows);
	if ((value == NULL) != r->isnull)
		fuzz_fail("row %u: %s came back as %s", row,
				  r->isnull ? "null" : "a value", value ? "a value" : "null");
	if (value == NULL)
		return;
	if (lay->typlen > 0)
	{
		if (memcmp(value, r->bytes, lay->typlen) != 0)
			fuzz_fail("row %u: fixed-length value changed", row);
	}
	else if (lay->typlen == -1)
	{
		bool		packable = lay->typstorage != 'p';
		bool		expect_short = packable && r->len + VARHDRSZ_SHORT <= VARATT_SHORT_MAX;

		if (VARATT_IS_1B(value) != expect_short)
			fuzz_fail("row %u: varlena of %u bytes came back with a %s header", row,
					  r->len, VARATT_IS_1B(value) ? "short" : "4-byte");
		if (VARSIZE_ANY_EXHDR(value) != r->len ||
			memcmp(VARDATA_ANY(value), r->bytes, r->len) != 0)
			fuzz_fail("row %u: varlena value changed", row);
	}
	else
	{
		if (len != r->len + 1)
			fuzz_fail("row %u: cstring of %u bytes came back with %u", row, r->len, len);
		for (uint32 i = 0; i < r->len; i++)
			if (value[i] != (r->bytes[i] == '\0' ? 'x' : (char) r->bytes[i]))
				fuzz_fail("row %u: cstring value changed", row);
	}
}

/* Seal image, compress it like store_put, restore it and compare. */
static void
FuzzCheckRoundtrip(const FuzzRows *fr, const char *image, Size len, int level,
				   uint32 batch)
{
	uint8		key[SEGMENT_HASH_LEN];
	ZSTD_CCtx  *cctx = ZSTD_createCCtx();
	char	   *chunk = NULL;
	Size		chunkcap = 0;
	Size		csize;
	const char *err;

	if (cctx == NULL)
		fuzz_fail("ZSTD_createCCtx failed");
	segment_hash(image, len, key);
	csize = segment_compress(cctx, key, image, len, level, &chunk, &chunkcap,
							 CurrentMemoryContext);
	ZSTD_freeCCtx(cctx);
	if (VARSIZE(chunk) != VARHDRSZ + csize)
		fuzz_fail("chunk bytea of %u bytes for %zu", (uint32) VARSIZE(chunk), csize);
	err = fuzz_restore_chunk(fr->lay, key, chunk + VARHDRSZ, csize, (int64) len,
							 fr->nrows, batch, FuzzCompare, (void *) fr);
	if (err != NULL)
		fuzz_fail("a segment the writer made (%u rows of %s) is refused: %s",
				  fr->nrows, fr->lay->example, err);
}

static void
FuzzOne(const uint8 *data, size_t size)
{
	FuzzRows	fr;
	SegmentWriter w;
	static const int levels[4] = {1, 3, 9, 19};
	char	   *image;
	char	   *again;
	Size		len;
	Size		len2;
	uint32		batch = data[1] & 0x3F;
	const FuzzLayout *lay = &fuzz_layouts[data[0] % fuzz_nlayouts];

	fr.lay = lay;
	FuzzParseRows(&fr, data + 2, data + size);
	if (fr.nrows == 0)
		return;
	segment_writer_init(&w, CurrentMemoryContext, lay->typlen, lay->typbyval,
						lay->typalign, lay->typstorage);
	image = FuzzWrite(&w, &fr, false, &len);
	FuzzCheckRoundtrip(&fr, image, len, levels[data[1] >> 6],
					   batch == 0 ? 1000 : batch);
	again = FuzzWrite(&w, &fr, true, &len2);
	if (len2 != len || memcmp(again, image, len) != 0)
		fuzz_fail("the same %u values of %s sealed to different bytes (%zu, %zu)",
				  fr.nrows, lay->example, len, len2);
}

int
LLVMFuzzerTestOneInput(const uint8 *data, size_t size)
{
	if (size < 3)
		return 0;
	fuzz_input_begin();
	FUZZ_TRY(FuzzOne(data, size));
	if (fuzz_error_caught())
		fuzz_fail("writing or reading a segment threw at %s: %s",
				  fuzz_error_where(), fuzz_error_message());
	fuzz_input_end();
	return 0;
}
