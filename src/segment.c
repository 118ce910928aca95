/*
 * segment.c - column segments: the byte image of one column's values over a
 * run of rows, and the chunk codec (SHA-256 key, zstd frame) around it.
 *
 * A segment is built from the values' in-memory images, so restoring it is
 * a pointer walk, not a round of type input functions.  Layout (native byte
 * order: the store belongs to one cluster and never leaves it):
 *
 *		0	uint32	magic 'EGS1'
 *		4	uint16	version (1)
 *		6	uint16	flags (SEGMENT_HAS_NULLS)
 *		8	uint32	nrows
 *		12	uint32	nvalues (non-null rows)
 *		16	int16	typlen
 *		18	uint8	typbyval
 *		19	char	typalign
 *		20	uint32	reserved, 0
 *		24	null bitmap, (nrows + 7) / 8 bytes, only with SEGMENT_HAS_NULLS
 *			(bit i set = row i is not null, as in a heap tuple; spare bits 0)
 *		..	zero padding up to a MAXALIGN boundary
 *		D	the non-null values in row order, each aligned (relative to the
 *			segment start, which is MAXALIGNed in memory) to its alignment:
 *			fixed-length types as their raw image; varlenas detoasted, with a
 *			4-byte header, aligned at least to int so they can be pointed at;
 *			cstrings with their NUL.  Padding bytes are zero.
 *
 * Every byte is a function of the values alone, so equal columns give equal
 * bytes and equal SHA-256 keys; that is what lets chunks be shared.  The
 * reader trusts nothing: every offset and length is checked against the
 * buffer, and the segment must be consumed exactly.  Values of types whose
 * layout could change under us (composites, domains, arrays, ranges) are
 * guarded by segment_type_signature, stored with the column.
 *
 * The writer keeps room for the header and the largest bitmap in front of
 * its data, so sealing a segment writes the prefix in place, no copy.
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tupdesc.h"
#include "access/tupmacs.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/int.h"
#include "common/sha2.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "segment.h"

#define SEGMENT_MAGIC		0x31534745	/* "EGS1" read little-endian */
#define SEGMENT_VERSION		1
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
	uint32		reserved;
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
	/* a varlena always gets a 4-byte header, so it needs int alignment */
	if (typlen == -1 && a < ALIGNOF_INT)
		a = ALIGNOF_INT;
	return a;
}

/* Prepare w to collect values of the given type; buffers live in cxt. */
void
segment_writer_init(SegmentWriter *w, MemoryContext cxt,
					int16 typlen, bool typbyval, char typalign)
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

	off = TYPEALIGN(w->alignby, w->len);

	if (w->typlen > 0)
	{
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
	{
		struct varlena *v = (struct varlena *) DatumGetPointer(value);
		struct varlena *flat = NULL;
		const char *src;
		Size		srclen;

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
		SegmentWriterReserve(w, off + VARHDRSZ + srclen);
		data = w->buf + SEGMENT_PREFIX_ROOM;
		if (off > w->len)
			memset(data + w->len, 0, off - w->len);
		SET_VARSIZE(data + off, VARHDRSZ + srclen);
		memcpy(data + off + VARHDRSZ, src, srclen);
		w->len = off + VARHDRSZ + srclen;
		if (flat != NULL && flat != v)
			pfree(flat);
	}
	else
	{
		const char *s = DatumGetCString(value);
		Size		slen = strlen(s) + 1;

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
	StaticAssertStmt(SEGMENT_HASH_LEN == PG_SHA256_DIGEST_LENGTH,
					 "chunk key is a SHA-256 digest");
}

/*
 * Compress src into *dst as a ready bytea (header set), growing *dst (of
 * capacity *dstcap, in cxt) as needed.  Returns the compressed size (without
 * the bytea header).  cctx belongs to the caller.
 */
Size
segment_compress(ZSTD_CCtx *cctx, const char *src, Size srclen, int level,
				 char **dst, Size *dstcap, MemoryContext cxt)
{
	Size		bound = ZSTD_compressBound(srclen);
	Size		need;
	size_t		csize;

	if (ZSTD_isError(bound) || pg_add_size_overflow(bound, VARHDRSZ, &need))
		elog(ERROR, "zstd bound overflow for %zu bytes", srclen);
	if (*dst == NULL || *dstcap < need)
	{
		if (*dst != NULL)
			pfree(*dst);
		*dst = MemoryContextAllocHuge(cxt, need);
		*dstcap = need;
	}

	csize = ZSTD_compressCCtx(cctx, *dst + VARHDRSZ, *dstcap - VARHDRSZ,
							  src, srclen, level);
	if (ZSTD_isError(csize))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("zstd compression failed: %s",
						ZSTD_getErrorName(csize))));
	if (csize > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("compressed column segment of %zu bytes is too large to store",
						csize)));
	SET_VARSIZE(*dst, VARHDRSZ + csize);
	return csize;
}

/*
 * Decompress the zstd frame src into dst (rawlen bytes, allocated by the
 * caller after checking rawlen).  Returns NULL, or what is wrong.
 */
const char *
segment_decompress(ZSTD_DCtx *dctx, const char *src, Size srclen,
				   Size rawlen, char *dst)
{
	unsigned long long fcs;
	size_t		got;

	fcs = ZSTD_getFrameContentSize(src, srclen);
	if (fcs == ZSTD_CONTENTSIZE_ERROR)
		return "not a zstd frame";
	if (fcs == ZSTD_CONTENTSIZE_UNKNOWN)
		return "zstd frame does not record its size";
	if (fcs != (unsigned long long) rawlen)
		return psprintf("zstd frame holds %llu bytes, %zu expected",
						fcs, rawlen);

	got = ZSTD_decompressDCtx(dctx, dst, rawlen, src, srclen);
	if (ZSTD_isError(got))
		return psprintf("zstd decompression failed: %s",
						ZSTD_getErrorName(got));
	if (got != rawlen)
		return psprintf("zstd frame gave %zu bytes, %zu expected",
						got, rawlen);
	return NULL;
}

/*
 * Start reading a segment; checks its header against what the column
 * expects.  Returns NULL, or what is wrong.
 */
const char *
segment_reader_open(SegmentReader *r, const char *buf, Size len,
					uint32 nrows, int16 typlen, bool typbyval, char typalign)
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
	if ((hdr.flags & ~SEGMENT_HAS_NULLS) != 0 || hdr.reserved != 0)
		return "unknown segment flags";
	if (hdr.nrows != nrows || nrows == 0 || nrows > SEGMENT_MAX_ROWS)
		return psprintf("segment holds %u rows, %u expected", hdr.nrows, nrows);
	if (hdr.typlen != typlen || hdr.typbyval != (typbyval ? 1 : 0) ||
		hdr.typalign != typalign)
		return "segment was written for a different type layout";
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
	r->typbyval = typbyval;
	r->alignby = SegmentAlignBy(typlen, typalign);
	if (typbyval && (typlen <= 0 || typlen > SIZEOF_DATUM ||
					 (typlen & (typlen - 1)) != 0))
		return "segment has an invalid by-value length";
	return NULL;
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

/* Order constraint records by oid. */
static int
SegmentCompareOids(const ListCell *a, const ListCell *b)
{
	Oid			x = lfirst_oid(a);
	Oid			y = lfirst_oid(b);

	return (x > y) - (x < y);
}

/*
 * Feed domain typid's NOT NULL flag and CHECK constraints (oid, validated,
 * expression) into ctx, in oid order: a value stored under one set of
 * constraints must not come back after the set changed.
 */
static void
SegmentSignDomain(pg_cryptohash_ctx *ctx, Oid typid, bool notnull)
{
	Relation	conrel;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;
	List	   *oids = NIL;
	ListCell   *lc;
	uint8		flag = notnull ? 1 : 0;

	(void) pg_cryptohash_update(ctx, &flag, 1);

	conrel = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_constraint_contypid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(typid));
	scan = systable_beginscan(conrel, ConstraintTypidIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
		oids = lappend_oid(oids, ((Form_pg_constraint) GETSTRUCT(tup))->oid);
	systable_endscan(scan);
	list_sort(oids, SegmentCompareOids);

	foreach(lc, oids)
	{
		Oid			conoid = lfirst_oid(lc);
		HeapTuple	ctup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conoid));
		Form_pg_constraint con;
		Datum		bin;
		bool		isnull;

		if (!HeapTupleIsValid(ctup))
			continue;
		con = (Form_pg_constraint) GETSTRUCT(ctup);
		(void) pg_cryptohash_update(ctx, (const uint8 *) &conoid, sizeof(conoid));
		(void) pg_cryptohash_update(ctx, (const uint8 *) &con->contype, 1);
		(void) pg_cryptohash_update(ctx, (const uint8 *) &con->convalidated, 1);
		bin = SysCacheGetAttr(CONSTROID, ctup, Anum_pg_constraint_conbin, &isnull);
		if (!isnull)
		{
			char	   *expr = TextDatumGetCString(bin);

			(void) pg_cryptohash_update(ctx, (const uint8 *) expr, strlen(expr) + 1);
			pfree(expr);
		}
		ReleaseSysCache(ctup);
	}
	list_free(oids);
	table_close(conrel, AccessShareLock);
}

/* Feed the physical layout of typid, recursively, into ctx. */
static void
SegmentSignType(pg_cryptohash_ctx *ctx, Oid typid, int depth)
{
	HeapTuple	tup;
	Form_pg_type t;
	struct
	{
		Oid			typid;
		int16		typlen;
		char		typbyval;
		char		typalign;
		char		typtype;
		char		pad[3];
	}			rec;
	Oid			inner = InvalidOid;
	TupleDesc	tupdesc = NULL;
	bool		domain = false;
	bool		notnull = false;

	check_stack_depth();
	if (depth > 64)
		elog(ERROR, "type nesting too deep for type %u", typid);

	memset(&rec, 0, sizeof(rec));
	rec.typid = typid;
	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	if (!HeapTupleIsValid(tup))
	{
		rec.typtype = '?';
		(void) pg_cryptohash_update(ctx, (const uint8 *) &rec, sizeof(rec));
		return;
	}
	t = (Form_pg_type) GETSTRUCT(tup);
	rec.typlen = t->typlen;
	rec.typbyval = t->typbyval;
	rec.typalign = t->typalign;
	rec.typtype = t->typtype;
	(void) pg_cryptohash_update(ctx, (const uint8 *) &rec, sizeof(rec));

	if (t->typtype == TYPTYPE_DOMAIN)
	{
		inner = t->typbasetype;
		domain = true;
		notnull = t->typnotnull;
	}
	else if (t->typtype == TYPTYPE_RANGE)
		inner = get_range_subtype(typid);
	else if (t->typtype == TYPTYPE_MULTIRANGE)
		inner = get_multirange_range(typid);
	else if (IsTrueArrayType(t))
		inner = t->typelem;
	else if (t->typtype == TYPTYPE_COMPOSITE)
		tupdesc = lookup_rowtype_tupdesc_copy(typid, -1);
	ReleaseSysCache(tup);

	if (domain)
		SegmentSignDomain(ctx, typid, notnull);
	if (OidIsValid(inner))
		SegmentSignType(ctx, inner, depth + 1);
	if (tupdesc != NULL)
	{
		for (int i = 0; i < tupdesc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(tupdesc, i);
			struct
			{
				int32		atttypmod;
				int16		attlen;
				char		attbyval;
				char		attalign;
				char		attisdropped;
				char		pad[3];
			}			arec;

			memset(&arec, 0, sizeof(arec));
			arec.atttypmod = att->atttypmod;
			arec.attlen = att->attlen;
			arec.attbyval = att->attbyval;
			arec.attalign = att->attalign;
			arec.attisdropped = att->attisdropped;
			(void) pg_cryptohash_update(ctx, (const uint8 *) &arec, sizeof(arec));
			if (!att->attisdropped)
				SegmentSignType(ctx, att->atttypid, depth + 1);
		}
		FreeTupleDesc(tupdesc);
	}
}

/*
 * SHA-256 over the physical layout of a type and everything its values
 * embed (domain base and constraints, array element, range subtype,
 * composite attributes): stored values can be restored only while this
 * signature is unchanged.
 */
void
segment_type_signature(Oid typid, uint8 *out)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);

	if (ctx == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	if (pg_cryptohash_init(ctx) < 0)
	{
		pg_cryptohash_free(ctx);
		elog(ERROR, "could not initialise SHA-256");
	}
	PG_TRY();
	{
		SegmentSignType(ctx, typid, 0);
	}
	PG_CATCH();
	{
		pg_cryptohash_free(ctx);
		PG_RE_THROW();
	}
	PG_END_TRY();
	if (pg_cryptohash_final(ctx, out, SEGMENT_HASH_LEN) < 0)
	{
		pg_cryptohash_free(ctx);
		elog(ERROR, "could not compute SHA-256");
	}
	pg_cryptohash_free(ctx);
}
