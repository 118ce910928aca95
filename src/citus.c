/*
 * citus.c - eg on a Citus coordinator: tracking writes to Citus tables, and
 * whether the store's chunk bytes are distributed.
 *
 * A Citus table (distributed, reference or Citus-managed local: a row of
 * pg_dist_partition) is an empty shell on the coordinator; its rows live
 * in shards on the workers.  Citus plans every statement on it into a
 * custom scan that sends the work to the shards, so eg's statement trigger
 * (track.c) would never fire on the coordinator, and Citus refuses
 * triggers on distributed tables anyway.  Instead eg watches the
 * coordinator, through which every write goes:
 *	- ExecutorFinish_hook: a statement that finished logs a change of each
 *	  Citus table its range table locks for writing (the original range
 *	  table, which Citus keeps in the final plan for the permission
 *	  checks): INSERT, UPDATE, DELETE, MERGE, also inside a WITH;
 *	- ProcessUtility_hook: COPY FROM and TRUNCATE (with CASCADE, what it
 *	  reaches) of Citus tables, which Citus runs as utility commands;
 *	- ALTER TABLE is logged by eg's event trigger, as for any table.
 * A write also changes the partitioned tables above its target, the
 * partitions below, and the tables whose foreign keys' actions (ON DELETE
 * CASCADE, SET NULL, ...) it sets off on the workers: they are logged too,
 * and the transaction commits on the workers in two phases (CitusUse2PC).
 *
 * A Citus table's version also covers when the coordinator started: a
 * server that ran without eg preloaded may have seen writes that nobody
 * logged.
 * The change goes to eg.source_change in the writer's own transaction, as
 * the trigger's would, so a Citus table's data version is what it is for
 * a local table (track_version) and rolls back with the write.  Both
 * hooks are chained and run around Citus' own (Citus must come first in
 * shared_preload_libraries, so eg's hooks are the outer ones).
 *
 * Only a backend that loaded eg has these hooks.  So Citus tables count as
 * tracked only when eg is in shared_preload_libraries (every backend then
 * has them); otherwise a step reading one is never reused, with a NOTICE
 * naming the fix.  Writes that bypass the coordinator (a query sent to a
 * worker directly, a distributed function delegated to a worker) are not
 * seen: docs/citus.md lists the limits.
 *
 * eg.distribute_store() (src/sql/30_api.sql) makes eg.chunk_data a
 * distributed table hashed on the chunk key and moves the chunks' bytes
 * there; the store then writes, reads and frees bytes in eg.chunk_data
 * while eg.chunk keeps each chunk's key, sizes and locks on the
 * coordinator (store.c).
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/heap.h"
#include "catalog/namespace.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "citus.h"
#include "spi.h"
#include "track.h"
#include "worker.h"

static ExecutorFinish_hook_type PrevExecutorFinish = NULL;
static ProcessUtility_hook_type PrevProcessUtility = NULL;

/* eg was loaded by shared_preload_libraries: every backend has the hooks. */
static bool CitusPreloaded = false;

/* Citus tables this backend said it cannot track (NOTICE once each). */
static List *CitusUntracked = NIL;

/* The statements on Citus' catalogs. */
typedef enum CitusStmtId
{
	CS_IS_CITUS_TABLE,
	CS_WRITTEN,
	CS_STORE_DISTRIBUTED,
	CS_PREPARED,
	CS_RECOVER,
	CS_COUNT
} CitusStmtId;

static EgStmt citus_stmts[CS_COUNT] = {
	[CS_IS_CITUS_TABLE] = EG_STMT(
		"SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid = $1",
		SPI_OK_SELECT, 1, OIDOID),
	/*
	 * the Citus tables a write to $1 changes: itself, the partitioned
	 * tables above it and the partitions below, and what foreign keys'
	 * actions (CASCADE, SET NULL, SET DEFAULT) reach, which run on the
	 * workers
	 */
	[CS_WRITTEN] = EG_STMT(
		"WITH RECURSIVE r(relid) AS ("
		" SELECT $1 UNION SELECT relid FROM pg_catalog.pg_partition_ancestors($1)"
		" UNION SELECT relid FROM pg_catalog.pg_partition_tree($1) UNION"
		" SELECT c.conrelid FROM pg_catalog.pg_constraint c JOIN r ON c.confrelid = r.relid"
		" WHERE c.contype = 'f' AND (c.confdeltype NOT IN ('a', 'r') OR c.confupdtype NOT IN ('a', 'r'))) "
		"SELECT r.relid FROM r JOIN pg_catalog.pg_dist_partition p ON p.logicalrelid = r.relid",
		SPI_OK_SELECT, 1, OIDOID),
	[CS_STORE_DISTRIBUTED] = EG_STMT(
		"SELECT 1 FROM pg_catalog.pg_dist_partition "
		"WHERE logicalrelid = pg_catalog.to_regclass('eg.chunk_data') "
		"AND partmethod = 'h'",
		SPI_OK_SELECT, 0, InvalidOid),
	/* Citus' prepared transactions on each worker, separated by spaces */
	[CS_PREPARED] = EG_STMT(
		"SELECT w.nodename || ':' || w.nodeport AS node, w.success, "
		"coalesce(w.result, '') AS result FROM pg_catalog.run_command_on_workers("
		"$$SELECT coalesce(pg_catalog.string_agg(gid, ' '), '') FROM pg_catalog.pg_prepared_xacts "
		"WHERE gid LIKE 'citus\\_%' AND database = pg_catalog.current_database()$$) w",
		SPI_OK_SELECT, 0, InvalidOid),
	[CS_RECOVER] = EG_STMT(
		"SELECT pg_catalog.recover_prepared_transactions()",
		SPI_OK_SELECT, 0, InvalidOid),
};

/* The transaction CitusWithEg last looked in, and what it found. */
static LocalTransactionId CitusLookedIn = InvalidLocalTransactionId;
static bool CitusFound = false;

/*
 * True if extension citus and extension eg are both in this database; the
 * catalog is read once per transaction (every write asks).
 */
static bool
CitusWithEg(void)
{
	if (CitusLookedIn != MyProc->lxid)
	{
		CitusFound = OidIsValid(get_extension_oid("citus", true)) &&
			OidIsValid(get_extension_oid("eg", true));
		CitusLookedIn = MyProc->lxid;
	}
	return CitusFound;
}

/*
 * Run one of the statements above; true if it returned a row.  As of the
 * latest snapshot: the caller may hold a lock taken after its own.
 */
static bool
CitusAsk(CitusStmtId id, Oid relid)
{
	Datum		values[1] = {ObjectIdGetDatum(relid)};
	bool		found;

	eg_spi_connect();
	found = eg_spi_exec_as_of(&citus_stmts[id], values, NULL, GetLatestSnapshot()) > 0;
	eg_spi_free_result();
	eg_spi_finish();
	return found;
}

/* True if relid is a Citus table (a shell whose rows Citus keeps). */
bool
citus_table(Oid relid)
{
	return CitusWithEg() && CitusAsk(CS_IS_CITUS_TABLE, relid);
}

/*
 * Whether eg tracks writes to Citus table relid: only when every backend
 * runs eg's hooks.  Otherwise a NOTICE (once per table and backend) says
 * why steps reading it are not reused.
 */
bool
citus_tracks(Oid relid)
{
	MemoryContext old;

	if (CitusPreloaded)
		return true;
	if (list_member_oid(CitusUntracked, relid))
		return false;
	old = MemoryContextSwitchTo(TopMemoryContext);
	CitusUntracked = lappend_oid(CitusUntracked, relid);
	MemoryContextSwitchTo(old);
	ereport(NOTICE,
			(errmsg("eg cannot track changes of Citus table \"%s\"", get_rel_name(relid)),
			 errdetail("Steps reading it are not reused: eg sees writes to Citus tables only where it is in shared_preload_libraries."),
			 errhint("Add eg after citus to shared_preload_libraries and restart the server.")));
	return false;
}

/* True if the store's chunk bytes live in the distributed eg.chunk_data. */
bool
citus_store_distributed(void)
{
	return CitusWithEg() && CitusAsk(CS_STORE_DISTRIBUTED, InvalidOid);
}

/*
 * The Citus transactions prepared on the workers now ("node:port/gid"); an
 * error if a worker cannot be asked (what it has in flight is unknown).
 */
static List *
CitusPrepared(void)
{
	List	   *gids = NIL;
	uint64		n;

	eg_spi_connect();
	n = eg_spi_exec(&citus_stmts[CS_PREPARED], NULL, NULL, false);
	for (uint64 i = 0; i < n; i++)
	{
		char	   *node = TextDatumGetCString(eg_spi_get_notnull(i, "node"));
		char	   *result = TextDatumGetCString(eg_spi_get_notnull(i, "result"));
		char	   *gid;
		char	   *save = NULL;

		if (!DatumGetBool(eg_spi_get_notnull(i, "success")))
			ereport(ERROR,
					(errcode(ERRCODE_CONNECTION_FAILURE),
					 errmsg("eg could not ask Citus worker %s for the writes it is committing", node),
					 errdetail("%s", result),
					 errhint("Steps over Citus tables need every worker reachable.")));
		for (gid = strtok_r(result, " ", &save); gid != NULL; gid = strtok_r(NULL, " ", &save))
			gids = lappend(gids, psprintf("%s/%s", node, gid));
	}
	eg_spi_free_result();
	eg_spi_finish();
	return gids;
}

/* The strings of a that are also in b. */
static List *
CitusStillThere(List *a, List *b)
{
	List	   *both = NIL;
	ListCell   *la,
			   *lb;

	foreach(la, a)
		foreach(lb, b)
			if (strcmp(lfirst(la), lfirst(lb)) == 0)
			{
				both = lappend(both, lfirst(la));
				break;
			}
	return both;
}

/*
 * Wait until the writes whose changes the data versions just read count
 * are visible on the workers.  A write to several workers commits in two
 * phases: PREPARE on the workers, the coordinator's commit (its change log
 * row, src/track.c, becomes visible), COMMIT PREPARED on the workers.  A
 * step computed in between would read the old rows under the new version,
 * and that artifact would be loaded until the next write.  Every such
 * write is prepared on some worker now, and whatever is prepared later
 * commits on the coordinator after these versions were read; so waiting
 * for the transactions prepared now to leave is enough.  After a second,
 * Citus' recovery is run (a coordinator that crashed between the phases
 * leaves them for its maintenance daemon), from a background worker: its
 * lock, held to the end of the transaction, would otherwise block the
 * daemon until this one ends.  After CITUS_SETTLE_SECONDS, an error rather
 * than a stale result.
 */
#define CITUS_SETTLE_SECONDS	10

void
citus_settle(void)
{
	TimestampTz start = GetCurrentTimestamp();
	bool		recovered = false;
	List	   *waiting;

	if (!CitusWithEg())
		return;
	waiting = CitusPrepared();
	while (waiting != NIL)
	{
		CHECK_FOR_INTERRUPTS();
		pg_usleep(10 * 1000L);
		if (!recovered && TimestampDifferenceExceeds(start, GetCurrentTimestamp(), 1000))
		{
			(void) worker_run("eg citus recovery", "eg citus recovery",
							  "eg_citus_recover_worker", (Datum) 0);
			recovered = true;
		}
		if (TimestampDifferenceExceeds(start, GetCurrentTimestamp(), CITUS_SETTLE_SECONDS * 1000))
			ereport(ERROR,
					(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
					 errmsg("a write to Citus tables is still committing on the workers"),
					 errdetail("Prepared transaction %s has not finished after %d seconds.",
							   (char *) linitial(waiting), CITUS_SETTLE_SECONDS),
					 errhint("Check that every worker is reachable, then run the workload again.")));
		waiting = CitusStillThere(waiting, CitusPrepared());
	}
}

/* Worker: Citus' recovery of prepared transactions, then commit. */
void
eg_citus_recover_worker(Datum arg)
{
	worker_connect();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	eg_spi_connect();
	(void) eg_spi_exec(&citus_stmts[CS_RECOVER], NULL, NULL, false);
	eg_spi_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
}

/*
 * Make this transaction commit its writes on the workers in two phases.
 * With one, Citus commits a single worker's part before the coordinator's:
 * if the coordinator's commit then failed (a serialization failure, a
 * crash), the rows would stay changed and eg's log row would not.  With
 * two, both or neither (and citus_settle covers the moment between).
 */
static void
CitusUse2PC(void)
{
	static void (*use2pc) (void) = NULL;

	if (use2pc == NULL)
		use2pc = (void (*) (void))
			load_external_function("$libdir/citus", "Use2PCForCoordinatedTransaction",
								   true, NULL);
	use2pc();
}

/*
 * A write to relid finished: log a change of each Citus table of the
 * user's it changed (CS_WRITTEN), in this transaction.
 */
static void
CitusLogWrite(Oid relid)
{
	Datum		values[1] = {ObjectIdGetDatum(relid)};
	List	   *changed = NIL;
	ListCell   *lc;
	uint64		n;

	/* eg's own tables (the store's bytes, the change log itself) are not */
	if (!OidIsValid(relid) || get_rel_namespace(relid) == get_namespace_oid("eg", true))
		return;
	eg_spi_connect();
	n = eg_spi_exec(&citus_stmts[CS_WRITTEN], values, NULL, true);
	for (uint64 i = 0; i < n; i++)
		changed = lappend_oid(changed, DatumGetObjectId(eg_spi_get_notnull(i, "relid")));
	eg_spi_free_result();
	eg_spi_finish();
	foreach(lc, changed)
		track_log_change(lfirst_oid(lc));
	if (changed != NIL)
		CitusUse2PC();
}

/*
 * ExecutorFinish_hook: a statement finished; log a change of the Citus
 * tables it wrote.  Those are the range table's entries locked for writing
 * (RowExclusiveLock: the target of an INSERT, UPDATE, DELETE or MERGE, at
 * the top or in a WITH; FOR UPDATE takes less), whatever the statement's
 * own kind: Citus runs a SELECT whose WITH deletes rows of one shard as
 * one SELECT.
 */
static void
CitusExecutorFinish(QueryDesc *queryDesc)
{
	List	   *written = NIL;
	ListCell   *lc;

	if (PrevExecutorFinish)
		PrevExecutorFinish(queryDesc);
	else
		standard_ExecutorFinish(queryDesc);
	foreach(lc, queryDesc->plannedstmt->rtable)
	{
		RangeTblEntry *rte = (RangeTblEntry *) lfirst(lc);

		if (rte->rtekind == RTE_RELATION && rte->rellockmode == RowExclusiveLock)
			written = list_append_unique_oid(written, rte->relid);
	}
	if (written == NIL || !CitusWithEg())
		return;
	/* a portal's statement may finish after its snapshot was popped */
	PushActiveSnapshot(GetTransactionSnapshot());
	foreach(lc, written)
		CitusLogWrite(lfirst_oid(lc));
	PopActiveSnapshot();
}

/* The relations TRUNCATE stmt empties: named ones, children, CASCADE's. */
static List *
CitusTruncated(TruncateStmt *stmt)
{
	List	   *relids = NIL;
	ListCell   *lc;

	foreach(lc, stmt->relations)
	{
		RangeVar   *rv = (RangeVar *) lfirst(lc);
		Oid			relid = RangeVarGetRelid(rv, NoLock, true);

		if (!OidIsValid(relid))
			continue;
		if (rv->inh)
			relids = list_concat_unique_oid(relids, find_all_inheritors(relid, NoLock, NULL));
		else
			relids = list_append_unique_oid(relids, relid);
	}
	/* what CASCADE reaches, to a fixed point as ExecuteTruncate does */
	while (stmt->behavior == DROP_CASCADE)
	{
		List	   *more = heap_truncate_find_FKs(relids);
		int			before = list_length(relids);

		relids = list_concat_unique_oid(relids, more);
		if (list_length(relids) == before)
			break;
	}
	return relids;
}

/* ProcessUtility_hook: log COPY FROM into and TRUNCATE of Citus tables. */
static void
CitusProcessUtility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
					ProcessUtilityContext context, ParamListInfo params,
					QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *node = pstmt->utilityStmt;
	List	   *relids = NIL;
	ListCell   *lc;

	if (PrevProcessUtility)
		PrevProcessUtility(pstmt, queryString, readOnlyTree, context, params,
						   queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
								queryEnv, dest, qc);
	if (IsA(node, CopyStmt) && ((CopyStmt *) node)->is_from &&
		((CopyStmt *) node)->relation != NULL)
		relids = list_make1_oid(RangeVarGetRelid(((CopyStmt *) node)->relation, NoLock, true));
	else if (IsA(node, TruncateStmt))
		relids = CitusTruncated((TruncateStmt *) node);
	if (relids == NIL || !CitusWithEg())
		return;
	foreach(lc, relids)
		CitusLogWrite(lfirst_oid(lc));
}

/* Install the hooks (chained), from _PG_init. */
void
citus_init(void)
{
	CitusPreloaded = process_shared_preload_libraries_in_progress;
	PrevExecutorFinish = ExecutorFinish_hook;
	ExecutorFinish_hook = CitusExecutorFinish;
	PrevProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = CitusProcessUtility;
}
