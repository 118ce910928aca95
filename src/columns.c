/*
 * columns.c - eg.columns and eg.artifact_columns: a relation's (or a stored
 * artifact's) columns as packed float8 arrays, one bytea per column, for
 * numpy.frombuffer.
 *
 * The rows are scanned once, as the caller (a SELECT of the columns run
 * through SPI: rights, column privileges and row-level security apply), or
 * decoded from the artifact's stored segments with no table in between.
 * A receiver converts each value to float8 as it arrives and appends it to
 * its column's buffer, which is the bytea to return (its header in front);
 * the buffers go into the function's result one by one, each freed once
 * copied, so that a call's memory peaks near the bytes it returns.
 *
 * Conversions: integers, float4 and booleans (0, 1) as C converts them;
 * numeric as numeric's own cast to float8 (correctly rounded), with a fast
 * path for the common case; date and timestamp (with or without time zone)
 * as seconds since 1970-01-01 00:00 UTC, as extract(epoch ...)::float8
 * gives, infinities as infinities.  NULL is NaN.  Values are written
 * little-endian.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "executor/tuptable.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "eg.h"
#include "spi.h"
#include "store.h"

/* How a column's values become float8. */
typedef enum ColumnKind
{
	COL_UNSUPPORTED,
	COL_INT2,
	COL_INT4,
	COL_INT8,
	COL_FLOAT4,
	COL_FLOAT8,
	COL_NUMERIC,
	COL_BOOL,
	COL_DATE,
	COL_TIMESTAMP				/* timestamp and timestamptz alike */
} ColumnKind;

/* The most values a column's bytea holds. */
#define COLUMNS_MAX_ROWS	((MaxAllocSize - VARHDRSZ) / sizeof(float8))

/* The most rows room is made for before any arrives (8 MB a column). */
#define COLUMNS_FIRST_ROWS	(1 << 20)

/* One requested column: where it is in the rows, and its values so far. */
typedef struct ColumnOut
{
	const char *name;
	int			attno;			/* 0-based, in the rows received */
	ColumnKind	kind;
	char	   *buf;			/* a bytea: header, then the values */
} ColumnOut;

/* The receiver: requested names (NIL: the default columns), what it made. */
typedef struct ColumnsReceiver
{
	DestReceiver pub;
	MemoryContext cxt;			/* the call's: everything below */
	MemoryContext tmp;			/* what converting values allocates */
	const char *what;			/* the relation or artifact, for errors */
	List	   *names;			/* char * */
	uint64		cap;			/* values to make room for at first */
	ColumnOut  *cols;
	int			ncols;
	uint64		nrows;
	uint64		rowcap;			/* values each buffer has room for */
} ColumnsReceiver;

/* How values of type typid (a domain: its base type's) become float8. */
static ColumnKind
ColumnsKindOf(Oid typid)
{
	switch (getBaseType(typid))
	{
		case INT2OID:
			return COL_INT2;
		case INT4OID:
			return COL_INT4;
		case INT8OID:
			return COL_INT8;
		case FLOAT4OID:
			return COL_FLOAT4;
		case FLOAT8OID:
			return COL_FLOAT8;
		case NUMERICOID:
			return COL_NUMERIC;
		case BOOLOID:
			return COL_BOOL;
		case DATEOID:
			return COL_DATE;
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			return COL_TIMESTAMP;
		default:
			return COL_UNSUPPORTED;
	}
}

/* True for the kinds eg.columns reads when no column is named. */
static bool
ColumnsDefaultKind(ColumnKind kind)
{
	return kind != COL_UNSUPPORTED && kind != COL_DATE && kind != COL_TIMESTAMP;
}

/*
 * The columns to read from rows of desc: names (char *), or with NIL every
 * numeric and boolean column in order.  An unknown name or an unsupported
 * type is an error naming the column; what names the relation.
 */
static ColumnOut *
ColumnsResolve(TupleDesc desc, List *names, const char *what, int *ncols)
{
	ColumnOut  *cols = palloc0(sizeof(ColumnOut) * Max(names != NIL ? list_length(names) : desc->natts, 1));
	int			n = 0;
	ListCell   *lc;

	if (names == NIL)
	{
		for (int i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);
			ColumnKind	kind;

			if (att->attisdropped)
				continue;
			kind = ColumnsKindOf(att->atttypid);
			if (!ColumnsDefaultKind(kind))
				continue;
			cols[n].name = pstrdup(NameStr(att->attname));
			cols[n].attno = i;
			cols[n++].kind = kind;
		}
		*ncols = n;
		return cols;
	}
	foreach(lc, names)
	{
		const char *name = (const char *) lfirst(lc);
		int			i;

		for (i = 0; i < desc->natts; i++)
			if (!TupleDescAttr(desc, i)->attisdropped &&
				strcmp(NameStr(TupleDescAttr(desc, i)->attname), name) == 0)
				break;
		if (i == desc->natts)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of %s does not exist", name, what)));
		cols[n].name = name;
		cols[n].attno = i;
		cols[n].kind = ColumnsKindOf(TupleDescAttr(desc, i)->atttypid);
		if (cols[n].kind == COL_UNSUPPORTED)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("eg.columns cannot read column \"%s\" of %s as float8", name, what),
					 errdetail("Its type is %s.", format_type_be(TupleDescAttr(desc, i)->atttypid)),
					 errhint("It reads smallint, integer, bigint, real, double precision, numeric, "
							 "boolean, date and timestamp columns; cast others in a view.")));
		n++;
	}
	*ncols = n;
	return cols;
}

/* Powers of ten that float8 holds exactly. */
static const double ColumnsPow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/*
 * numeric's stored form (utils/adt/numeric.c; fixed, as pg_upgrade keeps
 * data files): a uint16 header, then in the long form an int16 weight,
 * then base-10000 digits (int16).  Value = sign * sum(digit[i] *
 * 10000^(weight - i)).
 */
#define NUM_FLAG_MASK			0xC000
#define NUM_NEG					0x4000
#define NUM_SHORT				0x8000
#define NUM_SPECIAL				0xC000
#define NUM_SHORT_SIGN			0x2000
#define NUM_SHORT_WEIGHT_SIGN	0x0040
#define NUM_SHORT_WEIGHT_MASK	0x003F

/*
 * A numeric as float8 without leaving its stored form, when that is exact:
 * its digits make an integer below 2^53 and its decimal exponent is within
 * 22, so one multiplication or division by an exact power of ten rounds
 * correctly, as numeric's cast does.  False otherwise (NaN and infinities,
 * more digits, a compressed or external value).
 */
static bool
ColumnsNumericFast(Datum d, double *out)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(d);
	const char *p;
	Size		len;
	uint16		header;
	int			weight;
	bool		neg;
	int			ndigits;
	uint64		n = 0;
	int			e;

	if (VARATT_IS_EXTENDED(v) && !VARATT_IS_SHORT(v))
		return false;
	p = VARDATA_ANY(v);
	len = VARSIZE_ANY_EXHDR(v);
	if (len < sizeof(uint16))
		return false;
	memcpy(&header, p, sizeof(uint16));
	if ((header & NUM_FLAG_MASK) == NUM_SPECIAL)
		return false;
	if ((header & NUM_FLAG_MASK) == NUM_SHORT)
	{
		neg = (header & NUM_SHORT_SIGN) != 0;
		weight = (header & NUM_SHORT_WEIGHT_MASK) |
			((header & NUM_SHORT_WEIGHT_SIGN) ? ~NUM_SHORT_WEIGHT_MASK : 0);
		p += sizeof(uint16);
		len -= sizeof(uint16);
	}
	else
	{
		int16		w;

		if (len < 2 * sizeof(uint16))
			return false;
		neg = (header & NUM_FLAG_MASK) == NUM_NEG;
		memcpy(&w, p + sizeof(uint16), sizeof(int16));
		weight = w;
		p += 2 * sizeof(uint16);
		len -= 2 * sizeof(uint16);
	}
	ndigits = (int) (len / sizeof(int16));
	if (ndigits == 0)
	{
		*out = 0.0;
		return true;
	}
	if (ndigits > 4)
		return false;
	for (int i = 0; i < ndigits; i++)
	{
		int16		digit;

		memcpy(&digit, p + i * sizeof(int16), sizeof(int16));
		n = n * 10000 + (uint64) digit;
	}
	e = 4 * (weight - ndigits + 1);
	if (n > (UINT64CONST(1) << 53) || e < -22 || e > 22)
		return false;
	*out = e >= 0 ? (double) n * ColumnsPow10[e] : (double) n / ColumnsPow10[-e];
	if (neg)
		*out = -*out;
	return true;
}

/* Microseconds from 2000-01-01 (PostgreSQL's epoch) to 1970-01-01. */
#define COLUMNS_EPOCH_SHIFT_US \
	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)

/* Seconds since 1970-01-01 of a finite timestamp, exactly, as a numeric. */
static Numeric
ColumnsEpochNumeric(Timestamp ts)
{
	Datum		secs = NumericGetDatum(int64_div_fast_to_numeric(ts, 6));
	Datum		shift = NumericGetDatum(int64_to_numeric((POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) *
														 SECS_PER_DAY));

	return DatumGetNumeric(DirectFunctionCall2(numeric_add, secs, shift));
}

/* A value of kind kind as float8. */
static inline double
ColumnsValue(ColumnKind kind, Datum d)
{
	double		v;
	int64		us;

	switch (kind)
	{
		case COL_INT2:
			return (double) DatumGetInt16(d);
		case COL_INT4:
			return (double) DatumGetInt32(d);
		case COL_INT8:
			return (double) DatumGetInt64(d);
		case COL_FLOAT4:
			return (double) DatumGetFloat4(d);
		case COL_FLOAT8:
			return DatumGetFloat8(d);
		case COL_BOOL:
			return DatumGetBool(d) ? 1.0 : 0.0;
		case COL_NUMERIC:
			if (!ColumnsNumericFast(d, &v))
				v = DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
			return v;
		case COL_DATE:
			if (DATE_NOT_FINITE(DatumGetDateADT(d)))
				return DATE_IS_NOBEGIN(DatumGetDateADT(d)) ? -get_float8_infinity()
					: get_float8_infinity();
			return ((double) DatumGetDateADT(d) + (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE)) *
				SECS_PER_DAY;
		case COL_TIMESTAMP:
			if (TIMESTAMP_NOT_FINITE(DatumGetTimestamp(d)))
				return TIMESTAMP_IS_NOBEGIN(DatumGetTimestamp(d)) ? -get_float8_infinity()
					: get_float8_infinity();
			/*
			 * as numeric's cast of extract(epoch): exact microseconds, one
			 * rounding; beyond 2^53 of them (before 1685, after 2255) through
			 * numeric itself
			 */
			if (!pg_add_s64_overflow(DatumGetTimestamp(d), COLUMNS_EPOCH_SHIFT_US, &us) &&
				us <= (INT64CONST(1) << 53) && us >= -(INT64CONST(1) << 53))
				return (double) us / USECS_PER_SEC;
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8,
													  NumericGetDatum(ColumnsEpochNumeric(DatumGetTimestamp(d)))));
		default:
			elog(ERROR, "eg.columns: unexpected column kind %d", (int) kind);
	}
	return 0;					/* keep compiler quiet */
}

/* Make room in every column for more values than the r->nrows they have. */
static void
ColumnsGrow(ColumnsReceiver *r)
{
	uint64		cap = r->rowcap == 0 ? Max(r->cap, 1024) : r->rowcap * 2;

	if (r->nrows >= COLUMNS_MAX_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s has too many rows for eg.columns", r->what),
				 errdetail("A column's values would exceed 1 GB: it reads at most " UINT64_FORMAT " rows.",
						   (uint64) COLUMNS_MAX_ROWS),
				 errhint("Read it in parts, through views that each select a range of its rows.")));
	cap = Min(cap, COLUMNS_MAX_ROWS);
	for (int i = 0; i < r->ncols; i++)
	{
		ColumnOut  *c = &r->cols[i];

		c->buf = c->buf == NULL ? MemoryContextAlloc(r->cxt, VARHDRSZ + cap * sizeof(float8))
			: repalloc(c->buf, VARHDRSZ + cap * sizeof(float8));
	}
	r->rowcap = cap;
}

/* receiveSlot: append the row's values, as float8, to their columns. */
static bool
ColumnsReceive(TupleTableSlot *slot, DestReceiver *self)
{
	ColumnsReceiver *r = (ColumnsReceiver *) self;
	Size		at = VARHDRSZ + r->nrows * sizeof(float8);

	MemoryContext old;

	if (r->nrows >= r->rowcap)
		ColumnsGrow(r);
	/* numeric's cast allocates: freed every 1024 rows */
	if (r->nrows % 1024 == 0)
		MemoryContextReset(r->tmp);
	old = MemoryContextSwitchTo(r->tmp);
	slot_getallattrs(slot);
	for (int i = 0; i < r->ncols; i++)
	{
		ColumnOut  *c = &r->cols[i];
		union
		{
			double		d;
			uint64		u;
		}			v;

		v.d = slot->tts_isnull[c->attno] ? get_float8_nan()
			: ColumnsValue(c->kind, slot->tts_values[c->attno]);
#ifdef WORDS_BIGENDIAN
		v.u = pg_bswap64(v.u);
#endif
		memcpy(c->buf + at, &v, sizeof(float8));
	}
	MemoryContextSwitchTo(old);
	r->nrows++;
	return true;
}

/* rStartup: the requested columns, found in the rows' descriptor (in the call's memory). */
static void
ColumnsStartup(DestReceiver *self, int operation, TupleDesc desc)
{
	ColumnsReceiver *r = (ColumnsReceiver *) self;
	MemoryContext old = MemoryContextSwitchTo(r->cxt);

	r->cols = ColumnsResolve(desc, r->names, r->what, &r->ncols);
	r->nrows = 0;
	r->tmp = AllocSetContextCreate(r->cxt, "eg.columns conversions", ALLOCSET_SMALL_SIZES);
	MemoryContextSwitchTo(old);
}

/* rShutdown and rDestroy: nothing to do (the memory is the call's). */
static void
ColumnsNothing(DestReceiver *self)
{
}

/* A receiver for the named columns (NIL: the default ones) of what. */
static ColumnsReceiver *
ColumnsReceiverCreate(List *names, const char *what, uint64 cap)
{
	ColumnsReceiver *r = palloc0(sizeof(ColumnsReceiver));

	r->cxt = CurrentMemoryContext;
	r->pub.receiveSlot = ColumnsReceive;
	r->pub.rStartup = ColumnsStartup;
	r->pub.rShutdown = ColumnsNothing;
	r->pub.rDestroy = ColumnsNothing;
	r->pub.mydest = DestNone;
	r->names = names;
	r->what = what;
	/* a first guess only: an estimate may be far off, or a policy hide most rows */
	r->cap = Min(cap, COLUMNS_FIRST_ROWS);
	return r;
}

/*
 * The requested names (VARIADIC text[] argument argno): NIL for NULL (the
 * default columns); an empty array names none.  *none: it named none.
 */
static List *
ColumnsNames(FunctionCallInfo fcinfo, int argno, bool *none)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	List	   *names = NIL;

	*none = false;
	if (PG_ARGISNULL(argno))
		return NIL;
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(argno), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("column names given to eg.columns must not be null")));
		names = lappend(names, TextDatumGetCString(elems[i]));
	}
	*none = n == 0;
	return names;
}

/*
 * The columns made, as the function's result rows (name, data): in a
 * tuplestore that keeps them all in memory (they are there already; with
 * work_mem's limit it would write them to a file), each buffer freed once
 * copied in.
 */
static void
ColumnsReturn(FunctionCallInfo fcinfo, ColumnsReceiver *r)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Size		bytes = VARHDRSZ + r->nrows * sizeof(float8);
	int64		kbytes = (int64) r->ncols * (bytes + 1024) / 1024 + 64;
	TupleDesc	desc;
	MemoryContext old;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setDesc = CreateTupleDescCopy(desc);
	rsinfo->setResult = tuplestore_begin_heap(false, false, (int) Min(kbytes, MAX_KILOBYTES));
	MemoryContextSwitchTo(old);
	for (int i = 0; i < r->ncols; i++)
	{
		ColumnOut  *c = &r->cols[i];
		Datum		values[2];
		bool		nulls[2] = {false, false};

		if (c->buf == NULL)
			c->buf = palloc(VARHDRSZ);
		SET_VARSIZE(c->buf, bytes);
		values[0] = CStringGetTextDatum(c->name);
		values[1] = PointerGetDatum(c->buf);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(c->buf);
		c->buf = NULL;
	}
}

PG_FUNCTION_INFO_V1(eg_columns);
/* eg.columns(rel, VARIADIC names): a relation's columns as float8 arrays. */
Datum
eg_columns(PG_FUNCTION_ARGS)
{
	Oid			relid;
	Relation	rel;
	char	   *what;
	List	   *names;
	bool		none;
	ColumnsReceiver *r;
	StringInfoData sql;
	ColumnOut  *cols;
	int			ncols;
	double		estimate;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the relation given to eg.columns must not be null")));
	relid = PG_GETARG_OID(0);
	names = ColumnsNames(fcinfo, 1, &none);
	rel = relation_open(relid, AccessShareLock);
	what = psprintf("relation \"%s\"", RelationGetRelationName(rel));
	estimate = rel->rd_rel->reltuples;
	/* the query reads the requested columns only (column privileges) */
	cols = none ? NULL : ColumnsResolve(RelationGetDescr(rel), names, what, &ncols);
	if (none)
		ncols = 0;
	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	for (int i = 0; i < ncols; i++)
		appendStringInfo(&sql, "%s%s", i > 0 ? ", " : "", quote_identifier(cols[i].name));
	appendStringInfo(&sql, " FROM %s",
					 quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
												RelationGetRelationName(rel)));
	relation_close(rel, NoLock);

	r = ColumnsReceiverCreate(NIL, what, estimate > 0 ? (uint64) estimate : 0);
	if (ncols > 0)
	{
		for (int i = 0; i < ncols; i++)
			r->names = lappend(r->names, (char *) cols[i].name);
		eg_spi_connect();
		(void) eg_spi_exec_to(sql.data, (DestReceiver *) r);
		eg_spi_finish();
	}
	ColumnsReturn(fcinfo, r);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(eg_artifact_columns);
/* eg.artifact_columns(artifact, VARIADIC names): from the store, as eg.columns. */
Datum
eg_artifact_columns(PG_FUNCTION_ARGS)
{
	EgId	   *id;
	List	   *names;
	bool		none;
	ColumnsReceiver *r;
	int64		rows;
	List	   *others;
	char	   *damage = NULL;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the artifact given to eg.artifact_columns must not be null")));
	id = PG_GETARG_EGID(0);
	names = ColumnsNames(fcinfo, 1, &none);
	restore_check(id, "read");
	r = ColumnsReceiverCreate(names, psprintf("artifact %s", eg_id_to_hex(id)), 0);
	if (!none && !store_get_own_rows(id, (DestReceiver *) r, &rows, &others, &damage))
		restore_failed(id, damage, "read");
	ColumnsReturn(fcinfo, r);
	return (Datum) 0;
}
