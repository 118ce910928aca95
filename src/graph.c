/*
 * graph.c - the Experiment Graph (the updater).
 *
 * Vertices (eg.artifact) are keyed by lineage id, so merging a run is an
 * upsert per artifact: a known artifact gets its frequency raised and its
 * measurements refreshed, a new one is inserted with its operation
 * (eg.operation, one hyper-edge per derived artifact: the id determines the
 * operation).  Base tables enter as source artifacts, one per data version.
 * Every run is logged in eg.workload / eg.workload_step with its actions and
 * the seconds that reuse saved.  All statements run as the extension owner
 * with parameters (never spliced text); upserts keep concurrent sessions
 * that merge the same artifact correct.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/rls.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "graph.h"
#include "utility.h"
#include "ident.h"

/*
 * Restore throughput, in table bytes per second, assumed before any load was
 * measured.  Restoring is dominated by building the table, not by reading
 * the compressed chunks, so load costs scale with the artifact's table size.
 * bench/store measured about 560 MB/s of heap on this project's 2-core
 * machines; the default stays below that, and the first measured loads
 * replace it.
 */
#define GRAPH_DEFAULT_LOAD_RATE (400.0 * 1024 * 1024)

/*
 * Loads of smaller artifacts measure a load's fixed cost (a few ms), not
 * throughput: counted in the rate, a run that loads only its AUCs would make
 * every large artifact look hundreds of times dearer to load than it is.
 */
#define GRAPH_RATE_MIN_BYTES (4.0 * 1024 * 1024)

/* Connect SPI and become the owner. */
static void
GraphBegin(EgUserSwitch *sw)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "eg: SPI_connect failed");
	eg_become_owner(sw);
}

/* Back to the caller and disconnect SPI. */
static void
GraphEnd(EgUserSwitch *sw)
{
	eg_restore_user(sw);
	SPI_finish();
}

/* Execute a parameterised statement; error unless it returns expected. */
static void
GraphExec(const char *sql, int nargs, Oid *types, Datum *values,
		  const char *nulls, int expected)
{
	int			rc = SPI_execute_with_args(sql, nargs, types, values, nulls, false, 0);

	if (rc != expected)
		elog(ERROR, "eg: graph statement failed (%d): %s", rc, sql);
}

/* An id as a text datum (hex), for a $n::eg.artifact_id parameter. */
static Datum
GraphIdDatum(const EgId *id)
{
	return CStringGetTextDatum(eg_id_to_hex(id));
}

/* A text[] datum of hex ids. */
static Datum
GraphIdArray(const EgId *ids, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		elems[i] = GraphIdDatum(&ids[i]);
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* An oid[] datum of a list of oids. */
static Datum
GraphOidArray(List *oids)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(oids), 1));
	int			i = 0;
	ListCell   *lc;

	foreach(lc, oids)
		elems[i++] = ObjectIdGetDatum(lfirst_oid(lc));
	return PointerGetDatum(construct_array(elems, i, OIDOID, sizeof(Oid), true, TYPALIGN_INT));
}

/* The oids of an oid[] datum, as a list. */
static List *
GraphArrayOids(ArrayType *arr)
{
	List	   *oids = NIL;
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;

	deconstruct_array(arr, OIDOID, sizeof(Oid), true, TYPALIGN_INT, &elems, &nulls, &nelems);
	for (int e = 0; e < nelems; e++)
		if (!nulls[e])
			oids = lappend_oid(oids, DatumGetObjectId(elems[e]));
	return oids;
}

/* The oids of an oid[] column of an SPI row, as a list in cxt. */
static List *
GraphGetOids(HeapTuple tup, TupleDesc desc, int col, MemoryContext cxt)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	List	   *oids = isnull ? NIL : GraphArrayOids(DatumGetArrayTypeP(d));

	MemoryContextSwitchTo(old);
	return oids;
}

/* Read a float8 column that may be null (-1 then). */
static double
GraphGetFloat(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	return isnull ? -1 : DatumGetFloat8(d);
}

/* Restore throughput of this database in table bytes/s (SPI connected, as owner). */
static double
GraphLoadRate(void)
{
	double		bytes,
				secs;

	GraphExec("SELECT bytes, seconds FROM eg.load_stats", 0, NULL, NULL, NULL, SPI_OK_SELECT);
	if (SPI_processed != 1)
		return GRAPH_DEFAULT_LOAD_RATE;
	bytes = GraphGetFloat(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	secs = GraphGetFloat(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	return (secs > 0 && bytes > 0) ? bytes / secs : GRAPH_DEFAULT_LOAD_RATE;
}

/*
 * Select columns (of eg.artifact t) for n artifacts at once, in one
 * statement; each result row's first column is the index into ids, plus
 * one (the rows of unknown ids are missing).
 */
static void
GraphSelectIds(const char *columns, const EgId *ids, int n)
{
	Oid			types[1] = {TEXTARRAYOID};
	Datum		values[1];

	values[0] = GraphIdArray(ids, n);
	GraphExec(psprintf("SELECT a.ord::int4, %s "
					   "FROM unnest($1::text[]) WITH ORDINALITY AS a(hex, ord) "
					   "JOIN eg.artifact t ON t.id = a.hex::eg.artifact_id", columns),
			  1, types, values, NULL, SPI_OK_SELECT);
}

/* The index into ids of a row of GraphSelectIds. */
static int
GraphRowIndex(HeapTuple tup, TupleDesc desc)
{
	bool		isnull;

	return DatumGetInt32(SPI_getbinval(tup, desc, 1, &isnull)) - 1;
}

/* Look up n artifacts at once; out[i] describes ids[i]. */
void
graph_lookup(const EgId *ids, int n, GraphInfo *out)
{
	EgUserSwitch sw;
	MemoryContext caller = CurrentMemoryContext;

	memset(out, 0, sizeof(GraphInfo) * n);
	for (int i = 0; i < n; i++)
		out[i].compute_seconds = out[i].load_seconds = out[i].quality = -1;
	if (n == 0)
		return;
	GraphBegin(&sw);
	GraphSelectIds("t.materialized, t.compute_seconds, t.load_seconds, t.stored_bytes, "
				   "t.logical_bytes, t.lineage_relids, t.quality, t.lineage_funcids, t.role",
				   ids, n);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		int			i = GraphRowIndex(tup, desc);

		out[i].known = true;
		out[i].materialized = DatumGetBool(SPI_getbinval(tup, desc, 2, &isnull));
		out[i].compute_seconds = GraphGetFloat(tup, desc, 3);
		out[i].load_seconds = GraphGetFloat(tup, desc, 4);
		out[i].stored_bytes = DatumGetInt64(SPI_getbinval(tup, desc, 5, &isnull));
		out[i].logical_bytes = DatumGetInt64(SPI_getbinval(tup, desc, 6, &isnull));
		if (isnull)
			out[i].logical_bytes = -1;
		out[i].quality = GraphGetFloat(tup, desc, 8);
		out[i].lineage = GraphGetOids(tup, desc, 7, caller);
		out[i].lineage_funcs = GraphGetOids(tup, desc, 9, caller);
		out[i].role = DatumGetObjectId(SPI_getbinval(tup, desc, 10, &isnull));
		if (isnull)
			out[i].role = InvalidOid;
	}
	/* estimates of load cost use the measured restore throughput */
	{
		double		rate = GraphLoadRate();

		for (int i = 0; i < n; i++)
			if (out[i].materialized && out[i].load_seconds < 0)
				out[i].load_seconds = Max(out[i].logical_bytes, out[i].stored_bytes) / rate;
	}
	GraphEnd(&sw);
}

/* Upsert a source artifact (a base table at one data version). */
static void
GraphMergeSource(const EgSource *src)
{
	Oid			types[4] = {TEXTOID, TEXTOID, BOOLOID, OIDOID};
	Datum		values[4];
	char	   *name = get_rel_name(src->relid);

	values[0] = GraphIdDatum(&src->id);
	values[1] = CStringGetTextDatum(name ? name : "?");
	values[2] = BoolGetDatum(src->reusable);
	values[3] = ObjectIdGetDatum(src->relid);
	GraphExec("INSERT INTO eg.artifact AS a (id, kind, step, reusable, frequency, lineage_relids) "
			  "VALUES ($1::eg.artifact_id, 'source', $2, $3, 1, ARRAY[$4]) "
			  "ON CONFLICT (id) DO UPDATE SET frequency = a.frequency + 1, last_used = clock_timestamp()",
			  4, types, values, NULL, SPI_OK_INSERT);
}

/* Upsert the artifact of one step and, when new, its operation. */
static void
GraphMergeStep(const GraphStep *s)
{
	Oid			types[15] = {TEXTOID, TEXTOID, TEXTOID, BOOLOID, INT8OID, FLOAT8OID,
		FLOAT8OID, INT8OID, INT8OID, FLOAT8OID, OIDARRAYOID, FLOAT8OID, FLOAT8OID, OIDARRAYOID,
	OIDOID};
	Datum		values[15];
	char		nulls[15];
	bool		computed = strcmp(s->action, "computed") == 0;
	bool		loaded = strcmp(s->action, "loaded") == 0;
	Oid			optypes[5] = {TEXTOID, TEXTOID, TEXTARRAYOID, TEXTOID, OIDOID};
	Datum		opvalues[5];
	char		opnulls[5] = {' ', ' ', ' ', ' ', ' '};

	memset(nulls, ' ', sizeof(nulls));
	values[0] = GraphIdDatum(&s->id);
	values[1] = CStringGetTextDatum(s->kind);
	values[2] = CStringGetTextDatum(s->step);
	values[3] = BoolGetDatum(s->reusable);
	values[4] = Int64GetDatum(s->used ? 1 : 0);
	values[5] = Float8GetDatum(s->seconds);
	nulls[5] = computed ? ' ' : 'n';
	values[6] = Float8GetDatum(s->seconds);
	nulls[6] = loaded ? ' ' : 'n';
	values[7] = Int64GetDatum(s->rows);
	nulls[7] = s->rows >= 0 ? ' ' : 'n';
	values[8] = Int64GetDatum(s->logical_bytes);
	nulls[8] = s->logical_bytes >= 0 ? ' ' : 'n';
	values[9] = Float8GetDatum(s->quality);
	nulls[9] = s->quality >= 0 ? ' ' : 'n';
	values[10] = GraphOidArray(s->lineage);
	values[11] = Float8GetDatum(s->potential);
	values[12] = Float8GetDatum(s->recreation);
	nulls[12] = s->recreation >= 0 ? ' ' : 'n';
	values[13] = GraphOidArray(s->lineage_funcs);
	values[14] = ObjectIdGetDatum(s->role);
	nulls[14] = OidIsValid(s->role) ? ' ' : 'n';
	GraphExec("INSERT INTO eg.artifact AS a (id, kind, step, reusable, frequency, compute_seconds, "
			  "load_seconds, rows, logical_bytes, quality, lineage_relids, potential, recreation_seconds, "
			  "lineage_funcids, role) "
			  "VALUES ($1::eg.artifact_id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
			  "ON CONFLICT (id) DO UPDATE SET frequency = a.frequency + $5, "
			  "compute_seconds = coalesce($6, a.compute_seconds), "
			  "load_seconds = coalesce($7, a.load_seconds), rows = coalesce($8, a.rows), "
			  "logical_bytes = coalesce($9, a.logical_bytes), quality = coalesce($10, a.quality), "
			  "potential = greatest(a.potential, $12), "
			  "recreation_seconds = coalesce($13, a.recreation_seconds), "
			  "last_used = clock_timestamp()",
			  15, types, values, nulls, SPI_OK_INSERT);

	opvalues[0] = values[0];
	opvalues[1] = CStringGetTextDatum(s->opkind);
	opvalues[2] = GraphIdArray(s->inputs, s->ninputs);
	opvalues[3] = CStringGetTextDatum(s->definition);
	opvalues[4] = ObjectIdGetDatum(s->train);
	opnulls[4] = OidIsValid(s->train) ? ' ' : 'n';
	GraphExec("INSERT INTO eg.operation (output, kind, inputs, definition, train) "
			  "VALUES ($1::eg.artifact_id, $2, $3::text[]::eg.artifact_id[], $4, $5) "
			  "ON CONFLICT (output) DO NOTHING",
			  5, optypes, opvalues, opnulls, SPI_OK_INSERT);
}

/*
 * Merge a finished run into the graph: its sources, its steps' artifacts
 * and operations (a loaded step's load time included), the restore
 * throughput its loads measured, and the run itself.  Returns the workload
 * id.  The caller holds the materializer's lock (lock order: see
 * materializer.c).
 */
int64
graph_record_run(const char *name, GraphStep *steps, int n,
				 TimestampTz started, double seconds, double saved)
{
	EgUserSwitch sw;
	Oid			wtypes[5] = {TEXTOID, OIDOID, TIMESTAMPTZOID, FLOAT8OID, FLOAT8OID};
	Datum		wvalues[5];
	char		wnulls[5] = {' ', ' ', ' ', ' ', ' '};
	List	   *seen = NIL;
	int64		workload;
	bool		isnull;
	int			nloaded = 0;
	double		load_bytes = 0,
				load_seconds = 0;

	GraphBegin(&sw);
	for (int i = 0; i < n; i++)
	{
		ListCell   *lc;

		if (strcmp(steps[i].action, "loaded") == 0 &&
			steps[i].logical_bytes >= GRAPH_RATE_MIN_BYTES)
		{
			load_bytes += (double) steps[i].logical_bytes;
			load_seconds += steps[i].seconds;
			nloaded++;
		}
		if (!steps[i].used)
			continue;
		foreach(lc, steps[i].sources)
		{
			EgSource   *src = (EgSource *) lfirst(lc);
			ListCell   *lc2;
			bool		dup = false;

			foreach(lc2, seen)
				dup |= eg_id_equal(&((EgSource *) lfirst(lc2))->id, &src->id);
			if (!dup)
			{
				GraphMergeSource(src);
				seen = lappend(seen, src);
			}
		}
		GraphMergeStep(&steps[i]);
	}
	if (nloaded > 0)
	{
		Oid			ltypes[2] = {FLOAT8OID, FLOAT8OID};
		Datum		lvalues[2];

		lvalues[0] = Float8GetDatum(load_bytes);
		lvalues[1] = Float8GetDatum(load_seconds);
		GraphExec("UPDATE eg.load_stats SET bytes = bytes + $1, seconds = seconds + $2",
				  2, ltypes, lvalues, NULL, SPI_OK_UPDATE);
	}

	wvalues[0] = name ? CStringGetTextDatum(name) : (Datum) 0;
	wnulls[0] = name ? ' ' : 'n';
	wvalues[1] = ObjectIdGetDatum(sw.saved_user);
	wvalues[2] = TimestampTzGetDatum(started);
	wvalues[3] = Float8GetDatum(seconds);
	wvalues[4] = Float8GetDatum(saved);
	GraphExec("INSERT INTO eg.workload (name, role, started, finished, seconds, seconds_saved) "
			  "VALUES ($1, $2, $3, clock_timestamp(), $4, $5) RETURNING id",
			  5, wtypes, wvalues, wnulls, SPI_OK_INSERT_RETURNING);
	workload = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	for (int i = 0; i < n; i++)
	{
		Oid			types[6] = {INT8OID, INT4OID, TEXTOID, TEXTOID, TEXTOID, FLOAT8OID};
		Datum		values[6];

		values[0] = Int64GetDatum(workload);
		values[1] = Int32GetDatum(i + 1);
		values[2] = CStringGetTextDatum(steps[i].step);
		values[3] = GraphIdDatum(&steps[i].id);
		values[4] = CStringGetTextDatum(steps[i].action);
		values[5] = Float8GetDatum(steps[i].seconds);
		GraphExec("INSERT INTO eg.workload_step (workload, ord, step, artifact, action, seconds) "
				  "VALUES ($1, $2, $3, $4::eg.artifact_id, $5, $6)",
				  6, types, values, NULL, SPI_OK_INSERT);
	}
	GraphEnd(&sw);
	return workload;
}

/* Run one statement on an artifact row ($1 = id, $2 = a float8). */
static void
GraphUpdateArtifact(const char *sql, const EgId *id, Datum arg, Oid argtype)
{
	EgUserSwitch sw;
	Oid			types[2] = {TEXTOID, argtype};
	Datum		values[2];

	values[0] = GraphIdDatum(id);
	values[1] = arg;
	GraphBegin(&sw);
	GraphExec(sql, 2, types, values, NULL, SPI_OK_UPDATE);
	GraphEnd(&sw);
}

/* Mark an artifact stored (with its stored bytes) or evicted. */
void
graph_set_materialized(const EgId *id, bool materialized, int64 stored_bytes)
{
	GraphUpdateArtifact(materialized
						? "UPDATE eg.artifact SET materialized = true, stored_bytes = $2 WHERE id = $1::eg.artifact_id"
						: "UPDATE eg.artifact SET materialized = false, stored_bytes = 0, load_seconds = NULL "
						"WHERE id = $1::eg.artifact_id AND $2 >= 0",
						id, Int64GetDatum(stored_bytes), INT8OID);
}

/*
 * Mark unmaterialized the artifacts among ids (EgId *s: a run's failed
 * loads) that the store does not hold.  One the store holds again (a concurrent run
 * stored it after this one's load failed) stays materialized: the caller
 * holds the materializer's lock, so (at READ COMMITTED) every store
 * committed before the lock is seen, and none can be in progress.
 */
void
graph_forget_unstored(List *ids)
{
	EgUserSwitch sw;
	Oid			types[1] = {TEXTARRAYOID};
	Datum		values[1];
	EgId	   *arr = palloc(sizeof(EgId) * Max(list_length(ids), 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, ids)
		arr[n++] = *(EgId *) lfirst(lc);
	if (n == 0)
		return;
	values[0] = GraphIdArray(arr, n);
	GraphBegin(&sw);
	GraphExec("UPDATE eg.artifact t SET materialized = false, stored_bytes = 0, load_seconds = NULL "
			  "WHERE t.id = ANY ($1::text[]::eg.artifact_id[]) AND t.materialized "
			  "AND NOT EXISTS (SELECT 1 FROM eg.store_artifact s WHERE s.artifact = t.id)",
			  1, types, values, NULL, SPI_OK_UPDATE);
	GraphEnd(&sw);
}

/*
 * True if the caller may use an artifact of this lineage: read every base
 * table it derives from and execute every function it (or an ancestor)
 * calls, as computing it would require.  by_id: the artifact was named by
 * its id (eg.restore, the views), not found by computing the caller's own
 * lineage id; then it is refused if its id covers another role (role)
 * whose privileges the caller does not have (superusers have all), or
 * if a table under row-level security for the caller is in the lineage,
 * since only ids computed for the caller cover its rights and policies.
 * Else false, with what is missing in *why (if not NULL).
 */
bool
graph_may_use(List *relids, List *funcids, Oid role, bool by_id, GraphDenied *why)
{
	ListCell   *lc;
	Oid			user = GetUserId();
	GraphDenied dummy;

	if (why == NULL)
		why = &dummy;
	why->relid = why->funcid = why->role = InvalidOid;
	why->rls = false;
	if (by_id && OidIsValid(role) && !has_privs_of_role(user, role))
	{
		why->role = role;
		return false;
	}
	foreach(lc, relids)
	{
		Oid			relid = lfirst_oid(lc);

		if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)) ||
			pg_class_aclcheck(relid, user, ACL_SELECT) != ACLCHECK_OK)
		{
			why->relid = relid;
			return false;
		}
		if (by_id && check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		{
			why->relid = relid;
			why->rls = true;
			return false;
		}
	}
	foreach(lc, funcids)
	{
		Oid			funcid = lfirst_oid(lc);

		if (!SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(funcid)) ||
			pg_proc_aclcheck(funcid, user, ACL_EXECUTE) != ACLCHECK_OK)
		{
			why->funcid = funcid;
			return false;
		}
	}
	return true;
}

PG_FUNCTION_INFO_V1(eg_visible);
/*
 * eg._visible(relids, funcids, role, by_id): may the caller see the
 * metadata of an artifact of this lineage computed for role (NULL: any)?
 * With by_id, exactly when it may restore it; without, when it may read the
 * tables and execute the functions (base tables' own artifacts).  The views
 * filter with it.
 */
Datum
eg_visible(PG_FUNCTION_ARGS)
{
	/* superusers see everything, also what derives from dropped tables */
	if (superuser())
		PG_RETURN_BOOL(true);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(3))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(graph_may_use(GraphArrayOids(PG_GETARG_ARRAYTYPE_P(0)),
								 GraphArrayOids(PG_GETARG_ARRAYTYPE_P(1)),
								 PG_ARGISNULL(2) ? InvalidOid : PG_GETARG_OID(2),
								 PG_GETARG_BOOL(3), NULL));
}

/*
 * The stored models of a train function on an input artifact that the
 * caller may read (GraphModel *), best quality first (none last): what a
 * warm-started model step reuses or starts from; best_only: the first alone.
 */
List *
graph_stored_models(Oid train, const EgId *input, bool best_only)
{
	EgUserSwitch sw;
	Oid			types[2] = {OIDOID, TEXTOID};
	Datum		values[2];
	List	   *models = NIL;
	MemoryContext caller = CurrentMemoryContext;

	values[0] = ObjectIdGetDatum(train);
	values[1] = GraphIdDatum(input);
	GraphBegin(&sw);
	GraphExec("SELECT a.id, a.quality, o.inputs[2], a.lineage_relids, a.lineage_funcids "
			  "FROM eg.operation o JOIN eg.artifact a ON a.id = o.output "
			  "WHERE o.train = $1 AND o.inputs[1] = $2::eg.artifact_id AND a.materialized "
			  "ORDER BY a.quality DESC NULLS LAST, a.id",
			  2, types, values, NULL, SPI_OK_SELECT);
	eg_restore_user(&sw);
	for (uint64 r = 0; r < SPI_processed && !(best_only && models != NIL); r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		d;
		GraphModel *m;
		MemoryContext old;

		if (!graph_may_use(GraphGetOids(tup, desc, 4, CurrentMemoryContext),
						   GraphGetOids(tup, desc, 5, CurrentMemoryContext), InvalidOid, false, NULL))
			continue;
		m = MemoryContextAllocZero(caller, sizeof(GraphModel));
		m->id = *DatumGetEgId(SPI_getbinval(tup, desc, 1, &isnull));
		d = SPI_getbinval(tup, desc, 2, &isnull);
		m->quality = isnull ? -1 : DatumGetFloat8(d);
		d = SPI_getbinval(tup, desc, 3, &isnull);
		m->warm_started = !isnull;
		if (!isnull)
			m->warm_from = *DatumGetEgId(d);
		old = MemoryContextSwitchTo(caller);
		models = lappend(models, m);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	return models;
}

/* Ids of every materialized artifact (EgId *), oldest first. */
List *
graph_materialized_ids(void)
{
	EgUserSwitch sw;
	List	   *ids = NIL;
	MemoryContext caller = CurrentMemoryContext;

	GraphBegin(&sw);
	GraphExec("SELECT id FROM eg.artifact WHERE materialized ORDER BY first_seen, id",
			  0, NULL, NULL, NULL, SPI_OK_SELECT);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		EgId	   *id = DatumGetEgId(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull));
		MemoryContext old = MemoryContextSwitchTo(caller);

		ids = lappend(ids, eg_id_copy(id));
		MemoryContextSwitchTo(old);
	}
	GraphEnd(&sw);
	return ids;
}

/*
 * What the utility needs of each candidate: frequency, recreation and load
 * costs (load estimated from its table size where never measured),
 * potential, size (of stored ones), age.
 */
void
graph_candidates(MatCandidate *c, int n)
{
	EgUserSwitch sw;
	EgId	   *ids = palloc(sizeof(EgId) * Max(n, 1));
	double		rate;

	if (n == 0)
		return;
	for (int i = 0; i < n; i++)
		ids[i] = c[i].id;
	GraphBegin(&sw);
	rate = GraphLoadRate();
	GraphSelectIds("t.frequency::float8, coalesce(t.recreation_seconds, t.compute_seconds, 0), "
				   "t.load_seconds, greatest(t.logical_bytes, t.stored_bytes)::float8, t.potential, "
				   "t.stored_bytes, extract(epoch FROM t.first_seen)::float8",
				   ids, n);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		int			i = GraphRowIndex(tup, desc);
		double		measured = GraphGetFloat(tup, desc, 4);

		c[i].frequency = GraphGetFloat(tup, desc, 2);
		c[i].recreation = GraphGetFloat(tup, desc, 3);
		c[i].load = measured >= 0 ? measured : Max(GraphGetFloat(tup, desc, 5), 0) / rate;
		c[i].potential = GraphGetFloat(tup, desc, 6);
		if (c[i].stored)
			c[i].size = DatumGetInt64(SPI_getbinval(tup, desc, 7, &isnull));
		c[i].order = (int64) (GraphGetFloat(tup, desc, 8) * 1e6);
	}
	GraphEnd(&sw);
}

/* Record each candidate's utility and why it is kept or not. */
void
graph_set_utilities(MatCandidate *c, int n)
{
	EgUserSwitch sw;
	Oid			types[3] = {TEXTARRAYOID, FLOAT8ARRAYOID, TEXTARRAYOID};
	Datum		values[3];
	EgId	   *ids = palloc(sizeof(EgId) * Max(n, 1));
	Datum	   *utils = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *why = palloc(sizeof(Datum) * Max(n, 1));

	if (n == 0)
		return;
	for (int i = 0; i < n; i++)
	{
		ids[i] = c[i].id;
		utils[i] = Float8GetDatum(c[i].utility);
		why[i] = CStringGetTextDatum(c[i].why ? c[i].why : "");
	}
	values[0] = GraphIdArray(ids, n);
	values[1] = PointerGetDatum(construct_array(utils, n, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[2] = PointerGetDatum(construct_array(why, n, TEXTOID, -1, false, TYPALIGN_INT));
	GraphBegin(&sw);
	GraphExec("UPDATE eg.artifact t SET utility = u.utility, status = u.why "
			  "FROM unnest($1::text[], $2::float8[], $3::text[]) AS u(hex, utility, why) "
			  "WHERE t.id = u.hex::eg.artifact_id",
			  3, types, values, NULL, SPI_OK_UPDATE);
	GraphEnd(&sw);
}

/* Record the materializer's own seconds on a run. */
void
graph_set_materializer_seconds(int64 workload, double seconds)
{
	EgUserSwitch sw;
	Oid			types[2] = {INT8OID, FLOAT8OID};
	Datum		values[2];

	values[0] = Int64GetDatum(workload);
	values[1] = Float8GetDatum(seconds);
	GraphBegin(&sw);
	GraphExec("UPDATE eg.workload SET materializer_seconds = $2 WHERE id = $1",
			  2, types, values, NULL, SPI_OK_UPDATE);
	GraphEnd(&sw);
}
