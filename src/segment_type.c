/*
 * segment_type.c - type signatures: the physical layout of a column's type
 * and of everything its values embed, hashed.  Segments hold values as
 * they are in memory, so a stored column may be restored only while its
 * type's signature is what it was when the column was stored (a composite
 * that gained an attribute, a domain that gained a constraint, an array
 * whose element type changed ... all change it).
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tupdesc.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "segment.h"

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
