/*
 * graph.c - the Experiment Graph (the updater).
 *
 * Vertices (eg.artifact) are keyed by lineage id, so merging a run is an
 * upsert per artifact: a known artifact gets its frequency raised and its
 * measurements refreshed, a new one is inserted with its operation
 * (eg.operation, one hyper-edge per derived artifact: the id determines the
 * operation).  Base tables enter as source artifacts, one per data version.
 * Every run is logged in eg.workload / eg.workload_step with its actions and
 * the seconds that reuse saved.  Every statement is one of graph_stmts,
 * run through spi.c as the extension owner with parameters (never spliced
 * text); upserts keep concurrent sessions that merge the same artifact
 * correct.
 *
 * At REPEATABLE READ or SERIALIZABLE a run's transaction writes none of
 * this: its snapshot predates other sessions' records, so its upserts would
 * fail on them (could not serialize access), and SSI would count eg's reads
 * and writes as the user's.  graph_worker.c merges the run from a
 * background worker at READ COMMITTED instead, and the run's transaction
 * remembers here the artifacts it found missing from the store.
 *
 * Lock order: whoever writes the graph's rows (a run merging itself, a
 * run's failed loads, the materializer) takes graph_lock first, then rows.
 * A run that updated an artifact's row and then waited for the lock would
 * deadlock with a materializer that holds the lock and updates the same
 * row (specs/run_lock_order.spec).  The same lock serialises materializer
 * runs, so concurrent sessions cannot together overshoot the budget.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "graph.h"
#include "ident.h"
#include "spi.h"

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

/* Advisory lock key of graph_lock ('eg' 'mat'). */
#define GRAPH_LOCK_KEY INT64CONST(0x6567006d6174)

/* The graph's statements (graph_stmts). */
typedef enum GraphStmtId
{
	GS_LOAD_RATE,
	GS_LOOKUP,
	GS_CANDIDATES,
	GS_MERGE_SOURCE,
	GS_MERGE_ARTIFACT,
	GS_MERGE_ARTIFACT_0_2,
	GS_MERGE_OPERATION,
	GS_MERGE_OPERATION_0_2,
	GS_ADD_LOAD_STATS,
	GS_INSERT_WORKLOAD,
	GS_APPEND_WORKLOAD,
	GS_INSERT_WORKLOAD_STEP,
	GS_SET_STORED,
	GS_SET_EVICTED,
	GS_FORGET_UNSTORED,
	GS_STORED_MODELS,
	GS_STORED_MODELS_0_2,
	GS_READ_SETS,
	GS_MATERIALIZED_IDS,
	GS_SET_UTILITIES,
	GS_SET_MATERIALIZER_SECONDS,
	GS_COUNT
} GraphStmtId;

/*
 * Upserting an artifact, with extra columns (a schema of eg 0.2, before
 * ALTER EXTENSION eg UPDATE, has no read sets: graph_has_read_sets).
 */
#define GRAPH_MERGE_ARTIFACT(cols, vals) \
	"INSERT INTO eg.artifact AS a (id, kind, step, reusable, frequency, compute_seconds, " \
	"load_seconds, rows, logical_bytes, quality, lineage_relids, potential, recreation_seconds, " \
	"lineage_funcids, role" cols ") " \
	"VALUES ($1::eg.artifact_id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15" \
	vals ") " \
	"ON CONFLICT (id) DO UPDATE SET frequency = a.frequency + $5, " \
	"compute_seconds = coalesce($6, a.compute_seconds), " \
	"load_seconds = coalesce($7, a.load_seconds), rows = coalesce($8, a.rows), " \
	"logical_bytes = coalesce($9, a.logical_bytes), quality = coalesce($10, a.quality), " \
	"potential = greatest(a.potential, $12), " \
	"recreation_seconds = coalesce($13, a.recreation_seconds), " \
	"last_used = clock_timestamp()"
#define GRAPH_MERGE_ARTIFACT_TYPES \
	TEXTOID, TEXTOID, TEXTOID, BOOLOID, INT8OID, FLOAT8OID, FLOAT8OID, INT8OID, INT8OID, \
	FLOAT8OID, OIDARRAYOID, FLOAT8OID, FLOAT8OID, OIDARRAYOID, OIDOID

/* The stored models of a train function on an input, with their keys as key. */
#define GRAPH_STORED_MODELS(key) \
	"SELECT a.id, " key ", a.quality, o.inputs[2] AS warm_from, a.lineage_relids, " \
	"a.lineage_funcids FROM eg.operation o JOIN eg.artifact a ON a.id = o.output " \
	"WHERE o.train = $1 AND o.inputs[1] = $2::eg.artifact_id AND a.materialized " \
	"ORDER BY a.quality DESC NULLS LAST, a.id"

/*
 * Artifact ids travel as text (hex), cast to eg.artifact_id in the
 * statement.  The lookups take an array of ids and return each row's
 * position in it (ord, from 1); rows of unknown ids are missing.
 */
static EgStmt graph_stmts[GS_COUNT] = {
	[GS_LOAD_RATE] = EG_STMT(
		"SELECT bytes, seconds FROM eg.load_stats",
		SPI_OK_SELECT, 0, InvalidOid),
	[GS_LOOKUP] = EG_STMT(
		"SELECT a.ord::int4 AS ord, t.materialized, t.compute_seconds, t.load_seconds, "
		"t.stored_bytes, t.logical_bytes, t.lineage_relids, t.quality, "
		"t.lineage_funcids, t.role "
		"FROM unnest($1::text[]) WITH ORDINALITY AS a(hex, ord) "
		"JOIN eg.artifact t ON t.id = a.hex::eg.artifact_id",
		SPI_OK_SELECT, 1, TEXTARRAYOID),
	[GS_CANDIDATES] = EG_STMT(
		"SELECT a.ord::int4 AS ord, t.frequency::float8 AS frequency, "
		"coalesce(t.recreation_seconds, t.compute_seconds, 0) AS recreation, "
		"t.load_seconds, greatest(t.logical_bytes, t.stored_bytes)::float8 AS table_bytes, "
		"t.potential, t.stored_bytes, extract(epoch FROM t.first_seen)::float8 AS first_seen "
		"FROM unnest($1::text[]) WITH ORDINALITY AS a(hex, ord) "
		"JOIN eg.artifact t ON t.id = a.hex::eg.artifact_id",
		SPI_OK_SELECT, 1, TEXTARRAYOID),
	[GS_MERGE_SOURCE] = EG_STMT(
		"INSERT INTO eg.artifact AS a (id, kind, step, reusable, frequency, lineage_relids) "
		"VALUES ($1::eg.artifact_id, 'source', $2, $3, 1, ARRAY[$4]) "
		"ON CONFLICT (id) DO UPDATE SET frequency = a.frequency + 1, last_used = clock_timestamp()",
		SPI_OK_INSERT, 4, TEXTOID, TEXTOID, BOOLOID, OIDOID),
	[GS_MERGE_ARTIFACT] = EG_STMT(
		GRAPH_MERGE_ARTIFACT(", key, read_relids, read_funcids, read_names",
							 ", $16::eg.artifact_id, $17, $18, $19"),
		SPI_OK_INSERT, 19, GRAPH_MERGE_ARTIFACT_TYPES, TEXTOID, OIDARRAYOID, OIDARRAYOID,
		TEXTARRAYOID),
	[GS_MERGE_ARTIFACT_0_2] = EG_STMT(
		GRAPH_MERGE_ARTIFACT("", ""),
		SPI_OK_INSERT, 15, GRAPH_MERGE_ARTIFACT_TYPES),
	[GS_MERGE_OPERATION] = EG_STMT(
		"INSERT INTO eg.operation (output, kind, inputs, definition, train, fingerprint, facets) "
		"VALUES ($1::eg.artifact_id, $2, $3::text[]::eg.artifact_id[], $4, $5, $6, $7) "
		"ON CONFLICT (output) DO NOTHING",
		SPI_OK_INSERT, 7, TEXTOID, TEXTOID, TEXTARRAYOID, TEXTOID, OIDOID, BYTEAOID, TEXTARRAYOID),
	[GS_MERGE_OPERATION_0_2] = EG_STMT(
		"INSERT INTO eg.operation (output, kind, inputs, definition, train) "
		"VALUES ($1::eg.artifact_id, $2, $3::text[]::eg.artifact_id[], $4, $5) "
		"ON CONFLICT (output) DO NOTHING",
		SPI_OK_INSERT, 5, TEXTOID, TEXTOID, TEXTARRAYOID, TEXTOID, OIDOID),
	[GS_ADD_LOAD_STATS] = EG_STMT(
		"UPDATE eg.load_stats SET bytes = bytes + $1, seconds = seconds + $2",
		SPI_OK_UPDATE, 2, FLOAT8OID, FLOAT8OID),
	[GS_INSERT_WORKLOAD] = EG_STMT(
		"INSERT INTO eg.workload (name, role, started, finished, seconds, seconds_saved) "
		"VALUES ($1, $2, $3, clock_timestamp(), $4, $5) RETURNING id",
		SPI_OK_INSERT_RETURNING, 5, TEXTOID, OIDOID, TIMESTAMPTZOID, FLOAT8OID, FLOAT8OID),
	[GS_APPEND_WORKLOAD] = EG_STMT(
		"UPDATE eg.workload SET finished = clock_timestamp(), seconds = seconds + $3, "
		"seconds_saved = seconds_saved + $4 WHERE id = $1 AND role = $2 RETURNING id",
		SPI_OK_UPDATE_RETURNING, 4, INT8OID, OIDOID, FLOAT8OID, FLOAT8OID),
	[GS_INSERT_WORKLOAD_STEP] = EG_STMT(
		"INSERT INTO eg.workload_step (workload, ord, step, artifact, action, seconds) "
		"VALUES ($1, $2 + (SELECT coalesce(max(ord), 0) FROM eg.workload_step WHERE workload = $1), "
		"$3, $4::eg.artifact_id, $5, $6)",
		SPI_OK_INSERT, 6, INT8OID, INT4OID, TEXTOID, TEXTOID, TEXTOID, FLOAT8OID),
	[GS_SET_STORED] = EG_STMT(
		"UPDATE eg.artifact SET materialized = true, stored_bytes = $2 "
		"WHERE id = $1::eg.artifact_id",
		SPI_OK_UPDATE, 2, TEXTOID, INT8OID),
	[GS_SET_EVICTED] = EG_STMT(
		"UPDATE eg.artifact SET materialized = false, stored_bytes = 0, load_seconds = NULL "
		"WHERE id = $1::eg.artifact_id",
		SPI_OK_UPDATE, 1, TEXTOID),
	[GS_FORGET_UNSTORED] = EG_STMT(
		"UPDATE eg.artifact t SET materialized = false, stored_bytes = 0, load_seconds = NULL "
		"WHERE t.id = ANY ($1::text[]::eg.artifact_id[]) AND t.materialized "
		"AND NOT EXISTS (SELECT 1 FROM eg.store_artifact s WHERE s.artifact = t.id)",
		SPI_OK_UPDATE, 1, TEXTARRAYOID),
	[GS_STORED_MODELS] = EG_STMT(
		GRAPH_STORED_MODELS("a.key"), SPI_OK_SELECT, 2, OIDOID, TEXTOID),
	[GS_STORED_MODELS_0_2] = EG_STMT(
		GRAPH_STORED_MODELS("a.id AS key"), SPI_OK_SELECT, 2, OIDOID, TEXTOID),
	[GS_READ_SETS] = EG_STMT(
		"SELECT read_relids, read_funcids, read_names, id FROM ("
		" SELECT read_relids, read_funcids, read_names, id, last_used FROM eg.artifact"
		" WHERE key = $1::eg.artifact_id AND (read_relids <> '{}' OR read_funcids <> '{}')"
		" ORDER BY last_used DESC LIMIT 16) a "
		"ORDER BY max(last_used) OVER (PARTITION BY read_relids, read_funcids) DESC, "
		"read_relids, read_funcids, last_used DESC",
		SPI_OK_SELECT, 1, TEXTOID),
	[GS_MATERIALIZED_IDS] = EG_STMT(
		"SELECT id FROM eg.artifact WHERE materialized ORDER BY first_seen, id",
		SPI_OK_SELECT, 0, InvalidOid),
	[GS_SET_UTILITIES] = EG_STMT(
		"UPDATE eg.artifact t SET utility = u.utility, status = u.why "
		"FROM unnest($1::text[], $2::float8[], $3::text[]) AS u(hex, utility, why) "
		"WHERE t.id = u.hex::eg.artifact_id "
		"AND (t.utility, t.status) IS DISTINCT FROM (u.utility, u.why)",	/* no dead rows */
		SPI_OK_UPDATE, 3, TEXTARRAYOID, FLOAT8ARRAYOID, TEXTARRAYOID),
	[GS_SET_MATERIALIZER_SECONDS] = EG_STMT(
		"UPDATE eg.workload SET materializer_seconds = $2 WHERE id = $1",
		SPI_OK_UPDATE, 2, INT8OID, FLOAT8OID),
};

/*
 * Artifacts that this transaction, at REPEATABLE READ or SERIALIZABLE,
 * found missing or damaged in the store (graph_forget_unstored).  The
 * worker that unmarks them commits after this transaction's snapshot was
 * taken, so its lookups treat them as not materialized themselves.  The
 * list lives in TopTransactionContext and belongs to transaction
 * GraphUnusableXact.
 */
static List *GraphUnusable = NIL;
static LocalTransactionId GraphUnusableXact = InvalidLocalTransactionId;

/* True if this transaction found artifact id missing from the store. */
static bool
GraphIsUnusable(const EgId *id)
{
	ListCell   *lc;

	if (GraphUnusableXact != MyProc->lxid)
		return false;
	foreach(lc, GraphUnusable)
		if (eg_id_equal((EgId *) lfirst(lc), id))
			return true;
	return false;
}

/*
 * Take the graph's write lock until the end of the transaction (again, if
 * held: it nests).  Lock order: this lock first, then any row of eg's
 * tables; see the top of this file.
 */
void
graph_lock(void)
{
	DirectFunctionCall1(pg_advisory_xact_lock_int8, Int64GetDatum(GRAPH_LOCK_KEY));
}

/* Whether this transaction holds graph_lock (it wrote the graph already). */
bool
graph_lock_held(void)
{
	LOCKTAG		tag;

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, (uint32) (GRAPH_LOCK_KEY >> 32),
						 (uint32) GRAPH_LOCK_KEY, 1);
	return LockHeldByMe(&tag, ExclusiveLock);
}

/* The operation kind as eg.operation spells it. */
static const char *
GraphOpKindName(GraphOpKind kind)
{
	switch (kind)
	{
		case GRAPH_OP_QUERY:
			return "query";
		case GRAPH_OP_TRAIN:
			return "train";
	}
	return "?";
}

/* An id as a text datum (hex), for a $n::eg.artifact_id parameter. */
static Datum
GraphIdDatum(const EgId *id)
{
	return CStringGetTextDatum(eg_id_to_hex(id));
}

/* A text[] datum of hex ids (for $n::text[]::eg.artifact_id[]). */
Datum
graph_id_array(const EgId *ids, int n)
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
List *
graph_oid_list(ArrayType *arr)
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

/* The oids of oid[] column name of result row row, as a list (NIL if null). */
static List *
GraphOids(uint64 row, const char *name)
{
	bool		isnull;
	Datum		d = eg_spi_get(row, name, &isnull);

	return isnull ? NIL : graph_oid_list(DatumGetArrayTypeP(d));
}

/* The strings of text[] column name of result row row, as a list (NIL if null). */
static List *
GraphTexts(uint64 row, const char *name)
{
	bool		isnull;
	Datum		d = eg_spi_get(row, name, &isnull);
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	List	   *strings = NIL;

	if (isnull)
		return NIL;
	deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &nelems);
	for (int e = 0; e < nelems; e++)
		strings = lappend(strings, nulls[e] ? NULL : TextDatumGetCString(elems[e]));
	return strings;
}

/* True if two lists of strings (char *, maybe NULL) are equal. */
static bool
GraphSameStrings(List *a, List *b)
{
	ListCell   *la;
	ListCell   *lb;

	if (list_length(a) != list_length(b))
		return false;
	forboth(la, a, lb, b)
	{
		char	   *x = lfirst(la);
		char	   *y = lfirst(lb);

		if ((x == NULL) != (y == NULL) || (x != NULL && strcmp(x, y) != 0))
			return false;
	}
	return true;
}

/* float8 column name of result row row; -1 if null. */
static double
GraphFloat(uint64 row, const char *name)
{
	bool		isnull;
	Datum		d = eg_spi_get(row, name, &isnull);

	return isnull ? -1 : DatumGetFloat8(d);
}

/* The position in the looked-up ids of result row row (GS_LOOKUP, GS_CANDIDATES). */
static int
GraphRowIndex(uint64 row)
{
	return DatumGetInt32(eg_spi_get_notnull(row, "ord")) - 1;
}

/* Restore throughput of this database in table bytes/s (SPI connected). */
double
graph_load_rate(void)
{
	double		bytes,
				secs;

	if (eg_spi_exec(&graph_stmts[GS_LOAD_RATE], NULL, NULL, false) != 1)
		return GRAPH_DEFAULT_LOAD_RATE;
	bytes = GraphFloat(0, "bytes");
	secs = GraphFloat(0, "seconds");
	return (secs > 0 && bytes > 0) ? bytes / secs : GRAPH_DEFAULT_LOAD_RATE;
}

/* Look up n artifacts at once; out[i] describes ids[i]. */
void
graph_lookup(const EgId *ids, int n, GraphInfo *out)
{
	Datum		values[1];
	double		rate;

	memset(out, 0, sizeof(GraphInfo) * n);
	for (int i = 0; i < n; i++)
		out[i].compute_seconds = out[i].load_seconds = out[i].quality = -1;
	if (n == 0)
		return;
	values[0] = graph_id_array(ids, n);
	eg_spi_connect();
	eg_spi_exec(&graph_stmts[GS_LOOKUP], values, NULL, false);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		int			i = GraphRowIndex(r);
		bool		isnull;
		Datum		d;

		out[i].known = true;
		out[i].materialized = DatumGetBool(eg_spi_get_notnull(r, "materialized")) &&
			!GraphIsUnusable(&ids[i]);
		out[i].compute_seconds = GraphFloat(r, "compute_seconds");
		out[i].load_seconds = GraphFloat(r, "load_seconds");
		out[i].stored_bytes = DatumGetInt64(eg_spi_get_notnull(r, "stored_bytes"));
		d = eg_spi_get(r, "logical_bytes", &isnull);
		out[i].logical_bytes = isnull ? -1 : DatumGetInt64(d);
		out[i].quality = GraphFloat(r, "quality");
		out[i].lineage = GraphOids(r, "lineage_relids");
		out[i].lineage_funcs = GraphOids(r, "lineage_funcids");
		d = eg_spi_get(r, "role", &isnull);
		out[i].role = isnull ? InvalidOid : DatumGetObjectId(d);
	}
	/* estimates of load cost use the measured restore throughput */
	rate = graph_load_rate();
	for (int i = 0; i < n; i++)
		if (out[i].materialized && out[i].load_seconds < 0)
			out[i].load_seconds = Max(out[i].logical_bytes, out[i].stored_bytes) / rate;
	eg_spi_finish();
}

/* Upsert a source artifact (a base table at one data version) called name. */
static void
GraphMergeSource(const EgSource *src, const char *name)
{
	Datum		values[4];

	values[0] = GraphIdDatum(&src->id);
	values[1] = CStringGetTextDatum(name);
	values[2] = BoolGetDatum(src->reusable);
	values[3] = ObjectIdGetDatum(src->relid);
	eg_spi_exec(&graph_stmts[GS_MERGE_SOURCE], values, NULL, false);
}

/* A bytea of len bytes. */
static bytea *
GraphBytes(const uint8 *bytes, int len)
{
	bytea	   *b = palloc(VARHDRSZ + len);

	SET_VARSIZE(b, VARHDRSZ + len);
	memcpy(VARDATA(b), bytes, len);
	return b;
}

/* A text[] of a list of strings. */
static Datum
GraphTextArray(List *strings)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(strings), 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, strings)
		elems[n++] = CStringGetTextDatum((char *) lfirst(lc));
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* Upsert the artifact of one step and, when new, its operation. */
static void
GraphMergeStep(const GraphStep *s)
{
	Datum		values[19];
	char		nulls[19];
	Datum		opvalues[7];
	char		opnulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};

	memset(nulls, ' ', sizeof(nulls));
	values[0] = GraphIdDatum(&s->id);
	values[1] = CStringGetTextDatum(workload_kind_name(s->kind));
	values[2] = CStringGetTextDatum(s->step);
	values[3] = BoolGetDatum(s->reusable);
	values[4] = Int64GetDatum(s->used ? 1 : 0);
	values[5] = Float8GetDatum(s->seconds);
	nulls[5] = s->action == EG_ACT_COMPUTE ? ' ' : 'n';
	values[6] = Float8GetDatum(s->seconds);
	nulls[6] = s->action == EG_ACT_LOAD ? ' ' : 'n';
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
	values[15] = GraphIdDatum(&s->key);
	values[16] = GraphOidArray(s->reads);
	values[17] = GraphOidArray(s->read_funcs);
	values[18] = GraphTextArray(s->read_names);
	eg_spi_exec(&graph_stmts[graph_has_read_sets() ? GS_MERGE_ARTIFACT : GS_MERGE_ARTIFACT_0_2],
				values, nulls, false);

	opvalues[0] = values[0];
	opvalues[1] = CStringGetTextDatum(GraphOpKindName(s->opkind));
	opvalues[2] = graph_id_array(s->inputs, s->ninputs);
	opvalues[3] = CStringGetTextDatum(s->definition);
	opvalues[4] = ObjectIdGetDatum(s->train);
	opnulls[4] = OidIsValid(s->train) ? ' ' : 'n';
	opvalues[5] = PointerGetDatum(GraphBytes(s->fingerprint, PG_SHA256_DIGEST_LENGTH));
	opvalues[6] = GraphTextArray(s->facets);
	opnulls[5] = opnulls[6] = s->facets != NIL ? ' ' : 'n';
	eg_spi_exec(&graph_stmts[graph_has_read_sets() ? GS_MERGE_OPERATION : GS_MERGE_OPERATION_0_2],
				opvalues, opnulls, false);
}

/*
 * Merge a finished run into the graph: its sources, its steps' artifacts
 * and operations (a loaded step's load time included), the restore
 * throughput its loads measured, and the run itself, by role.  Returns the
 * workload id.  append_to > 0: the steps join that workload (eg.capture's
 * of this session) if it is there, of this role; else a new one is
 * recorded.  The caller holds graph_lock.
 */
int64
graph_record_run(const char *name, Oid role, GraphStep *steps, int n,
				 TimestampTz started, double seconds, double saved, int64 append_to)
{
	Datum		wvalues[5];
	char		wnulls[5] = {' ', ' ', ' ', ' ', ' '};
	List	   *seen = NIL;
	int64		workload;
	int			nloaded = 0;
	double		load_bytes = 0,
				load_seconds = 0;

	eg_spi_connect();
	for (int i = 0; i < n; i++)
	{
		ListCell   *lc;
		ListCell   *lcname;

		if (steps[i].action == EG_ACT_LOAD &&
			steps[i].logical_bytes >= GRAPH_RATE_MIN_BYTES)
		{
			load_bytes += (double) steps[i].logical_bytes;
			load_seconds += steps[i].seconds;
			nloaded++;
		}
		if (!steps[i].used)
			continue;
		forboth(lc, steps[i].sources, lcname, steps[i].source_names)
		{
			EgSource   *src = (EgSource *) lfirst(lc);
			ListCell   *lc2;
			bool		dup = false;

			foreach(lc2, seen)
				dup |= eg_id_equal(&((EgSource *) lfirst(lc2))->id, &src->id);
			if (!dup)
			{
				GraphMergeSource(src, (const char *) lfirst(lcname));
				seen = lappend(seen, src);
			}
		}
		GraphMergeStep(&steps[i]);
	}
	if (nloaded > 0)
	{
		Datum		lvalues[2];

		lvalues[0] = Float8GetDatum(load_bytes);
		lvalues[1] = Float8GetDatum(load_seconds);
		eg_spi_exec(&graph_stmts[GS_ADD_LOAD_STATS], lvalues, NULL, false);
	}

	if (append_to > 0 &&
		eg_spi_exec(&graph_stmts[GS_APPEND_WORKLOAD],
					(Datum[]) {Int64GetDatum(append_to), ObjectIdGetDatum(role),
							   Float8GetDatum(seconds), Float8GetDatum(saved)},
					NULL, false) == 1)
		workload = append_to;
	else
	{
		wvalues[0] = name ? CStringGetTextDatum(name) : (Datum) 0;
		wnulls[0] = name ? ' ' : 'n';
		wvalues[1] = ObjectIdGetDatum(role);
		wvalues[2] = TimestampTzGetDatum(started);
		wvalues[3] = Float8GetDatum(seconds);
		wvalues[4] = Float8GetDatum(saved);
		eg_spi_exec(&graph_stmts[GS_INSERT_WORKLOAD], wvalues, wnulls, false);
		workload = DatumGetInt64(eg_spi_get_notnull(0, "id"));
	}
	for (int i = 0; i < n; i++)
	{
		Datum		values[6];

		values[0] = Int64GetDatum(workload);
		values[1] = Int32GetDatum(i + 1);
		values[2] = CStringGetTextDatum(steps[i].step);
		values[3] = GraphIdDatum(&steps[i].id);
		values[4] = CStringGetTextDatum(planner_action_name(steps[i].action));
		values[5] = Float8GetDatum(steps[i].seconds);
		eg_spi_exec(&graph_stmts[GS_INSERT_WORKLOAD_STEP], values, NULL, false);
	}
	eg_spi_finish();
	return workload;
}

/* Run one graph statement that returns nothing, in its own connection. */
static void
GraphRun(GraphStmtId stmt, const Datum *values)
{
	eg_spi_connect();
	eg_spi_exec(&graph_stmts[stmt], values, NULL, false);
	eg_spi_finish();
}

/* Mark an artifact stored (with its stored bytes) or evicted. */
void
graph_set_materialized(const EgId *id, bool materialized, int64 stored_bytes)
{
	Datum		values[2];

	values[0] = GraphIdDatum(id);
	values[1] = Int64GetDatum(stored_bytes);
	GraphRun(materialized ? GS_SET_STORED : GS_SET_EVICTED, values);
}

/*
 * Mark unmaterialized the artifacts among ids (EgId *s: a run's failed
 * loads) that the store does not hold.  One the store holds again (a concurrent run
 * stored it after this one's load failed) stays materialized: the caller
 * holds graph_lock, so (at READ COMMITTED) every store committed before
 * the lock is seen, and none can be in progress.  At REPEATABLE READ or
 * SERIALIZABLE nothing is written (nor locked): this transaction's lookups
 * treat them as not materialized, and the run's worker unmarks them.
 */
void
graph_forget_unstored(List *ids)
{
	Datum		values[1];
	EgId	   *arr = palloc(sizeof(EgId) * Max(list_length(ids), 1));
	int			n = 0;
	ListCell   *lc;

	if (IsolationUsesXactSnapshot())
	{
		MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);

		if (GraphUnusableXact != MyProc->lxid)
			GraphUnusable = NIL;
		GraphUnusableXact = MyProc->lxid;
		foreach(lc, ids)
			if (!GraphIsUnusable((EgId *) lfirst(lc)))
				GraphUnusable = lappend(GraphUnusable, eg_id_copy((EgId *) lfirst(lc)));
		MemoryContextSwitchTo(old);
		return;
	}

	foreach(lc, ids)
		arr[n++] = *(EgId *) lfirst(lc);
	if (n == 0)
		return;
	values[0] = graph_id_array(arr, n);
	GraphRun(GS_FORGET_UNSTORED, values);
}

/*
 * The stored models of a train function on an input artifact that the
 * caller may read (GraphModel *), best quality first (none last): what a
 * warm-started model step reuses or starts from; best_only: the first alone.
 */
List *
graph_stored_models(Oid train, const EgId *input, bool best_only)
{
	Datum		values[2];
	List	   *models = NIL;
	uint64		nrows;

	values[0] = ObjectIdGetDatum(train);
	values[1] = GraphIdDatum(input);
	eg_spi_connect();
	nrows = eg_spi_exec(&graph_stmts[graph_has_read_sets() ? GS_STORED_MODELS : GS_STORED_MODELS_0_2],
						values, NULL, false);
	for (uint64 r = 0; r < nrows && !(best_only && models != NIL); r++)
	{
		bool		isnull;
		Datum		d;
		GraphModel *m;

		/* graph_may_use checks the caller's rights: eg_spi_exec restored them */
		if (!graph_may_use(GraphOids(r, "lineage_relids"), GraphOids(r, "lineage_funcids"),
						   InvalidOid, false, NULL))
			continue;
		if (GraphIsUnusable(DatumGetEgId(eg_spi_get_notnull(r, "id"))))
			continue;
		m = palloc0(sizeof(GraphModel));
		m->id = *DatumGetEgId(eg_spi_get_notnull(r, "id"));
		m->key = *DatumGetEgId(eg_spi_get_notnull(r, "key"));
		m->quality = GraphFloat(r, "quality");
		d = eg_spi_get(r, "warm_from", &isnull);
		m->warm_started = !isnull;
		if (!isnull)
			m->warm_from = *DatumGetEgId(d);
		models = lappend(models, m);
	}
	eg_spi_finish();
	return models;
}

/*
 * True if the graph records read sets: false on the schema of eg 0.2 until
 * ALTER EXTENSION eg UPDATE (then a step whose functions read more than it
 * names is not reused: its artifact could not say what it read).
 */
bool
graph_has_read_sets(void)
{
	return get_attnum(get_relname_relid("artifact", get_namespace_oid("eg", false)),
					  "read_funcids") != InvalidAttrNumber;
}

/*
 * True if the graph remembers the tables eg.capture filled (eg.captured):
 * false on the schema of eg 0.2 until ALTER EXTENSION eg UPDATE.
 */
bool
graph_has_captured(void)
{
	return OidIsValid(get_relname_relid("captured", get_namespace_oid("eg", false)));
}

/*
 * The read sets recorded for the latest artifacts of key (GraphReadSet *):
 * each set of relations and functions once, with the ids of the artifacts
 * that read it, the set of the latest artifact first.
 */
List *
graph_read_sets(const EgId *key)
{
	Datum		values[1] = {GraphIdDatum(key)};
	List	   *sets = NIL;
	uint64		nrows;

	if (!graph_has_read_sets())
		return NIL;
	eg_spi_connect();
	nrows = eg_spi_exec(&graph_stmts[GS_READ_SETS], values, NULL, false);
	for (uint64 r = 0; r < nrows; r++)
	{
		List	   *relids = GraphOids(r, "read_relids");
		List	   *funcids = GraphOids(r, "read_funcids");
		List	   *names = GraphTexts(r, "read_names");
		GraphReadSet *set = sets != NIL ? llast(sets) : NULL;

		if (set == NULL || !equal(set->relids, relids) || !equal(set->funcids, funcids) ||
			!GraphSameStrings(set->names, names))
		{
			set = palloc0(sizeof(GraphReadSet));
			set->relids = relids;
			set->funcids = funcids;
			set->names = names;
			sets = lappend(sets, set);
		}
		set->ids = lappend(set->ids, eg_id_copy(DatumGetEgId(eg_spi_get_notnull(r, "id"))));
	}
	eg_spi_finish();
	return sets;
}

/* Ids of every materialized artifact (EgId *), oldest first. */
List *
graph_materialized_ids(void)
{
	List	   *ids = NIL;
	uint64		nrows;

	eg_spi_connect();
	nrows = eg_spi_exec(&graph_stmts[GS_MATERIALIZED_IDS], NULL, NULL, false);
	for (uint64 r = 0; r < nrows; r++)
		ids = lappend(ids, eg_id_copy(DatumGetEgId(eg_spi_get_notnull(r, "id"))));
	eg_spi_finish();
	return ids;
}

/*
 * What the utility needs of each of n artifacts: frequency, recreation and
 * load costs (load estimated from its table size where never measured),
 * potential, stored size, age.  out[i] describes ids[i]; all zero if the
 * graph does not know it.
 */
void
graph_candidates(const EgId *ids, int n, GraphCosts *out)
{
	Datum		values[1];
	double		rate;

	memset(out, 0, sizeof(GraphCosts) * n);
	if (n == 0)
		return;
	values[0] = graph_id_array(ids, n);
	eg_spi_connect();
	rate = graph_load_rate();
	eg_spi_exec(&graph_stmts[GS_CANDIDATES], values, NULL, false);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		int			i = GraphRowIndex(r);
		double		measured = GraphFloat(r, "load_seconds");

		out[i].frequency = GraphFloat(r, "frequency");
		out[i].recreation = GraphFloat(r, "recreation");
		out[i].load = measured >= 0 ? measured : Max(GraphFloat(r, "table_bytes"), 0) / rate;
		out[i].potential = GraphFloat(r, "potential");
		out[i].stored_bytes = DatumGetInt64(eg_spi_get_notnull(r, "stored_bytes"));
		out[i].order = (int64) (GraphFloat(r, "first_seen") * 1e6);
	}
	eg_spi_finish();
}

/* Record each artifact's utility and why it is kept or not. */
void
graph_set_utilities(const GraphUtility *u, int n)
{
	Datum		values[3];
	EgId	   *ids = palloc(sizeof(EgId) * Max(n, 1));
	Datum	   *utils = palloc(sizeof(Datum) * Max(n, 1));
	Datum	   *why = palloc(sizeof(Datum) * Max(n, 1));

	if (n == 0)
		return;
	for (int i = 0; i < n; i++)
	{
		ids[i] = u[i].id;
		utils[i] = Float8GetDatum(u[i].utility);
		why[i] = CStringGetTextDatum(u[i].why ? u[i].why : "");
	}
	values[0] = graph_id_array(ids, n);
	values[1] = PointerGetDatum(construct_array(utils, n, FLOAT8OID, sizeof(float8),
												FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[2] = PointerGetDatum(construct_array(why, n, TEXTOID, -1, false, TYPALIGN_INT));
	GraphRun(GS_SET_UTILITIES, values);
}

/* Record the materializer's own seconds on a run. */
void
graph_set_materializer_seconds(int64 workload, double seconds)
{
	Datum		values[2];

	values[0] = Int64GetDatum(workload);
	values[1] = Float8GetDatum(seconds);
	GraphRun(GS_SET_MATERIALIZER_SECONDS, values);
}
