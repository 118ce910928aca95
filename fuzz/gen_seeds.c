/*
 * gen_seeds.c - writes the seed corpora of the fuzz targets (fuzz/run
 * --seeds; the output is committed under fuzz/corpus/<target>/).
 *
 * Seeds are small valid inputs in each target's input format (see the
 * top of each fuzz_<target>.c), made with eg's own writer so that they are
 * exactly what store_put.c stores: for every column layout, a segment
 * without nulls and one with nulls (varlenas short and long), each as a
 * chunk (decoder, chunk mode) and as a segment image (decoder, segment
 * mode), and the same values in the roundtrip format; a few ids; a few
 * planner graphs.  Deterministic: rerunning gives the same files.
 */
#include "postgres.h"

#include <stdio.h>
#include <sys/stat.h>

#include "pgstub.h"
#include "fuzz_segment.h"

static const char *outdir;
static uint32 rng_state = 12345;

static uint32
Rand(void)
{
	rng_state = rng_state * 1103515245 + 12345;
	return rng_state >> 8;
}

static void
WriteFile(const char *target, const char *name, const void *data, size_t len)
{
	char		path[1024];
	FILE	   *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
	{
		fprintf(stderr, "gen_seeds: cannot write %s\n", path);
		exit(1);
	}
}

/* A growing byte buffer. */
typedef struct Buf
{
	uint8		data[65536];
	size_t		len;
} Buf;

static void
Put(Buf *b, const void *p, size_t n)
{
	if (b->len + n > sizeof(b->data))
		abort();
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void
PutLE(Buf *b, uint64 v, int n)
{
	for (int i = 0; i < n; i++)
	{
		uint8		c = (uint8) (v >> (8 * i));

		Put(b, &c, 1);
	}
}

/* Seeds of one column: nrows rows, some null when withnulls. */
static void
ColumnSeeds(int li, uint32 nrows, bool withnulls, const char *tag)
{
	const FuzzLayout *lay = &fuzz_layouts[li];
	SegmentWriter w;
	Buf		   *rt = palloc0(sizeof(Buf));
	Buf		   *b = palloc0(sizeof(Buf));
	char		name[128];
	char	   *seg;
	Size		len;
	uint8		key[SEGMENT_HASH_LEN];
	char	   *chunk = NULL;
	Size		chunkcap = 0;
	Size		csize;
	ZSTD_CCtx  *cctx = ZSTD_createCCtx();
	uint8		hdr[2] = {(uint8) li, 0};

	segment_writer_init(&w, CurrentMemoryContext, lay->typlen, lay->typbyval,
						lay->typalign, lay->typstorage);
	Put(rt, hdr, 2);
	for (uint32 i = 0; i < nrows; i++)
	{
		bool		isnull = withnulls && (i % 3 == 1);
		uint8		bytes[300];
		uint32		n;
		uint8		ctl = isnull ? 1 : 2;	/* short headers where they fit */

		if (isnull)
		{
			segment_writer_append(&w, (Datum) 0, true);
			Put(rt, &ctl, 1);
			continue;
		}
		/* one long varlena (4-byte header) in the column with nulls */
		n = lay->typlen > 0 ? (uint32) lay->typlen :
			(withnulls && i == 2) ? 140 : 1 + Rand() % 12;
		for (uint32 k = 0; k < n; k++)
			bytes[k] = lay->typlen == -2 ? (uint8) ('a' + Rand() % 26) : (uint8) Rand();
		Put(rt, &ctl, 1);
		if (lay->typlen > 0)
		{
			char	   *copy = palloc(n);

			memcpy(copy, bytes, n);
			segment_writer_append(&w, lay->typbyval ? fetch_att(copy, true, n) :
								  PointerGetDatum(copy), false);
		}
		else if (lay->typlen == -1)
		{
			char	   *v = palloc(VARHDRSZ + n);

			SET_VARSIZE(v, VARHDRSZ + n);
			memcpy(v + VARHDRSZ, bytes, n);
			segment_writer_append(&w, PointerGetDatum(v), false);
		}
		else
		{
			char	   *s = palloc(n + 1);

			memcpy(s, bytes, n);
			s[n] = '\0';
			segment_writer_append(&w, CStringGetDatum(s), false);
		}
		if (lay->typlen <= 0)
			PutLE(rt, n, 1);
		Put(rt, bytes, n);
	}
	seg = segment_writer_seal(&w, &len);
	segment_hash(seg, len, key);
	csize = segment_compress(cctx, key, seg, len, 1, &chunk, &chunkcap,
							 CurrentMemoryContext);
	ZSTD_freeCCtx(cctx);

	/* decoder, chunk mode: layout, batch, nrows, raw_bytes, key, data */
	b->len = 0;
	PutLE(b, li, 1);
	PutLE(b, 0, 1);
	PutLE(b, nrows, 4);
	PutLE(b, len, 8);
	Put(b, key, SEGMENT_HASH_LEN);
	Put(b, chunk + VARHDRSZ, csize);
	snprintf(name, sizeof(name), "chunk-%02d-%s", li, tag);
	WriteFile("decoder", name, b->data, b->len);

	/* decoder, segment mode: layout | 0x80, batch (7: reads of 7 rows), nrows, image */
	b->len = 0;
	PutLE(b, li | 0x80, 1);
	PutLE(b, 7, 1);
	PutLE(b, nrows, 4);
	Put(b, seg, len);
	snprintf(name, sizeof(name), "segment-%02d-%s", li, tag);
	WriteFile("decoder", name, b->data, b->len);

	snprintf(name, sizeof(name), "values-%02d-%s", li, tag);
	WriteFile("roundtrip", name, rt->data, rt->len);
}

/* A planner graph: n vertices; flags, compute, load per vertex; parent masks. */
static void
PlannerSeed(const char *name, int n, const uint8 *flags, const uint8 *compute,
			const uint8 *load, const uint8 *parents)
{
	Buf		   *b = palloc0(sizeof(Buf));

	PutLE(b, n - 1, 1);
	for (int j = 0; j < n; j++)
	{
		Put(b, &flags[j], 1);
		Put(b, &compute[j], 1);
		if (flags[j] & 4)
			Put(b, &load[j], 1);
		for (int i = 0; i < j; i += 8)
			Put(b, &parents[j], 1);
	}
	WriteFile("planner", name, b->data, b->len);
}

int
main(int argc, char **argv)
{
	static const char *ids[] = {
		"0123456789abcdef0123456789abcdef",
		"FEDCBA9876543210FEDCBA9876543210",
		"0123456789abcdef0123456789abcdeg",
		"0123456789abcdef",
	};

	if (argc != 2)
	{
		fprintf(stderr, "usage: gen_seeds DIR\n");
		return 2;
	}
	outdir = argv[1];
	mkdir(outdir, 0755);
	fuzz_input_begin();
	for (int li = 0; li < fuzz_nlayouts; li++)
	{
		ColumnSeeds(li, 5, false, "plain");
		ColumnSeeds(li, 10, true, "nulls");
	}
	for (int i = 0; i < lengthof(ids); i++)
	{
		char		name[32];

		snprintf(name, sizeof(name), "id-%d", i);
		WriteFile("artifact_id", name, ids[i], strlen(ids[i]));
	}
	{
		/* a chain a -> b -> c, c the target, b loadable */
		uint8		f[] = {0, 4, 2}, c[] = {40, 40, 4}, l[] = {0, 8, 0}, p[] = {0, 1, 2};

		PlannerSeed("chain", 3, f, c, l, p);
	}
	{
		/* a diamond over a live source: 0 live; 1, 2 read 0; 3 reads 1 and 2 */
		uint8		f[] = {1, 4, 4, 6}, c[] = {0, 20, 20, 8}, l[] = {0, 12, 30, 50},
					p[] = {0, 1, 1, 6};

		PlannerSeed("diamond", 4, f, c, l, p);
	}
	{
		/* two targets sharing an expensive loadable ancestor */
		uint8		f[] = {4, 0, 2, 2}, c[] = {200, 4, 4, 4}, l[] = {40, 0, 0, 0},
					p[] = {0, 1, 2, 2};

		PlannerSeed("shared", 4, f, c, l, p);
	}
	fuzz_input_end();
	return 0;
}
