/*
 * track.c - data versions of base tables.
 *
 * eg keeps the version of every base table a step reads itself.  A
 * statement-level trigger, eg_track (installed by the extension owner on
 * first use, ENABLE ALWAYS so that replication roles cannot skip it), logs
 * every INSERT/UPDATE/DELETE/TRUNCATE/COPY into eg.source_change, and an
 * event trigger logs ALTER TABLE and REFRESH MATERIALIZED VIEW.  The version
 * of a table is (count, sum of hashes) of its log rows visible to the
 * snapshot.  Log rows are only ever added; the committed sets grow
 * monotonically, and a transaction's own uncommitted rows are told apart by
 * their hashes, so the pair changes exactly when the data can have changed
 * as seen by the reading snapshot.  A missing or disabled trigger is put back
 * and logs a change, since changes made meanwhile went unseen.
 *
 * So that the log does not grow without end, track_compact replaces a
 * table's visible rows by one row carrying their count and hash sum, in one
 * statement: a snapshot sees either all the rows it saw before (the delete
 * is not visible to it) or the summary, so no version changes.
 *
 * Installing the trigger takes a lock that excludes writers; taken in the
 * user's transaction it would block them until the whole run commits.  So
 * a short-lived background worker installs it in its own transaction and
 * the run waits for that (CREATE TRIGGER first waits for the writers in
 * flight, so afterwards every change is either in the run's next snapshot
 * or logged).  If the writers keep it waiting past its lock_timeout, the
 * run reads the table as untracked (nothing reading it is reused) and does
 * not try again before the next eg.begin or eg.run.
 *
 * Recovery empties unlogged tables and logs nothing, so an unlogged
 * table's version also covers when the server started (a standby
 * promoted, or any recovery at startup) and when it last recovered from a
 * crash without restarting: the time the cumulative statistics were reset,
 * which crash recovery does (as does pg_stat_reset_shared('bgwriter')).
 * What reads unlogged tables is computed once more after each.
 *
 * Relations eg cannot track (foreign tables, catalogs, sequences) are
 * reported as such: a step reading them is never reused.
 */
#include "postgres.h"

#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "commands/trigger.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "pgstat.h"
#include "utils/timestamp.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "citus.h"
#include "spi.h"
#include "track.h"
#include "worker.h"

/* A table's change log is compacted beyond this many rows. */
#define TRACK_COMPACT_ROWS 64

/* The statements on the change log. */
typedef enum TrackStmtId
{
	TS_LOG_CHANGE,
	TS_VERSION,
	TS_COMPACT,
	TS_TRACKED,
	TS_HAS_LOG,
	TS_LOG_DDL,
	TS_COUNT
} TrackStmtId;

static EgStmt track_stmts[TS_COUNT] = {
	[TS_LOG_CHANGE] = EG_STMT(
		"INSERT INTO eg.source_change (relid) VALUES ($1)",
		SPI_OK_INSERT, 1, OIDOID),
	[TS_VERSION] = EG_STMT(
		"SELECT coalesce(sum(n), 0) || ':' || "
		"coalesce(sum(coalesce(h, hashint8extended(seq, 0))), 0) AS version "
		"FROM eg.source_change WHERE relid = $1",
		SPI_OK_SELECT, 1, OIDOID),
	[TS_COMPACT] = EG_STMT(
		"WITH gone AS ("
		" DELETE FROM eg.source_change WHERE relid IN"
		" (SELECT relid FROM eg.source_change GROUP BY relid"
		"  HAVING count(*) > $1)"
		" RETURNING relid, n, coalesce(h, hashint8extended(seq, 0)) AS h) "
		"INSERT INTO eg.source_change (relid, n, h) "
		"SELECT relid, sum(n), sum(h) FROM gone GROUP BY relid",
		SPI_OK_INSERT, 1, INT4OID),
	[TS_TRACKED] = EG_STMT(
		"SELECT t.tgrelid, t.tgname::text AS tgname FROM pg_catalog.pg_trigger t "
		"JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
		"WHERE t.tgfoid IN ($1, $2) "
		"AND (c.relpersistence <> 't' OR c.relnamespace = pg_catalog.pg_my_temp_schema()) "
		"ORDER BY t.tgrelid, t.tgname",
		SPI_OK_SELECT, 2, OIDOID, OIDOID),
	[TS_HAS_LOG] = EG_STMT(
		"SELECT 1 FROM eg.source_change WHERE relid = $1 LIMIT 1",
		SPI_OK_SELECT, 1, OIDOID),
	[TS_LOG_DDL] = EG_STMT(
		"INSERT INTO eg.source_change (relid) "
		"SELECT DISTINCT c.objid FROM pg_catalog.pg_event_trigger_ddl_commands() c "
		"WHERE c.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
		"AND (EXISTS (SELECT 1 FROM eg.source_change s WHERE s.relid = c.objid) "
		" OR EXISTS (SELECT 1 FROM pg_catalog.pg_class r WHERE r.oid = c.objid AND r.relkind = 'm'))",
		SPI_OK_INSERT, 0, InvalidOid),
};

/*
 * Tables whose tracker could not be installed (writers kept them busy, or
 * a foreign trigger has its name), not tried again until track_retry_busy:
 * once per workload and run, not once per step, each attempt waiting up to
 * the worker's lock_timeout (and each saying so in a NOTICE).
 */
static List *TrackBusy = NIL;

/* Trackers this backend installed (track_installs). */
static uint64 TrackInstalls = 0;

/* Oid of eg's trigger function called name (no arguments). */
Oid
track_trigger_function(const char *name)
{
	return LookupFuncName(list_make2(makeString("eg"), makeString((char *) name)),
						  0, NULL, false);
}

/* Oid of eg's change-logging trigger function. */
static Oid
TrackFunction(void)
{
	return track_trigger_function("_note_change");
}

/* State of eg's change trigger on a relation. */
typedef enum TrackState_
{
	TRACK_NONE,
	TRACK_DISABLED,		/* eg's trigger, but not ENABLE ALWAYS */
	TRACK_FOREIGN,		/* a trigger of that name that is not eg's */
	TRACK_ON
} TrackState_;

/* Whether rel carries eg's change trigger, and whether it always fires. */
static TrackState_
TrackState(Relation rel, Oid trackfn)
{
	TriggerDesc *td = rel->trigdesc;

	if (td == NULL)
		return TRACK_NONE;
	for (int i = 0; i < td->numtriggers; i++)
	{
		Trigger    *t = &td->triggers[i];

		if (strcmp(t->tgname, "eg_track") != 0)
			continue;
		if (t->tgfoid != trackfn || !TRIGGER_FOR_AFTER(t->tgtype) || TRIGGER_FOR_ROW(t->tgtype) ||
			!TRIGGER_FOR_INSERT(t->tgtype) || !TRIGGER_FOR_UPDATE(t->tgtype) ||
			!TRIGGER_FOR_DELETE(t->tgtype) || !TRIGGER_FOR_TRUNCATE(t->tgtype) ||
			t->tgnattr > 0 || t->tgqual != NULL)
			return TRACK_FOREIGN;
		return t->tgenabled == TRIGGER_FIRES_ALWAYS ? TRACK_ON : TRACK_DISABLED;
	}
	return TRACK_NONE;
}

/* Run DDL on a user's table (text: it names the table) as the owner. */
static void
TrackDdl(const char *sql)
{
	(void) eg_spi_exec_sql(sql, 0, NULL, NULL, NULL, SPI_OK_UTILITY, EG_SPI_OWNER);
}

/*
 * Install (or re-enable) eg's change trigger on a table, and log a change:
 * changes made while it was missing or disabled were not seen.  Enabling
 * takes a lock that the caller's own read lock on the table does not
 * conflict with; replacing a foreign trigger of that name (DROP TRIGGER)
 * takes one that it does, so that waits for the caller's transaction.
 */
static void
TrackInstall(Oid relid, TrackState_ state)
{
	char	   *qname = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
												   get_rel_name(relid));
	Datum		values[1] = {ObjectIdGetDatum(relid)};

	if (state == TRACK_FOREIGN)
		TrackDdl(psprintf("DROP TRIGGER eg_track ON %s", qname));
	if (state != TRACK_DISABLED)
		TrackDdl(psprintf("CREATE TRIGGER eg_track AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
						  "ON %s FOR EACH STATEMENT EXECUTE FUNCTION eg._note_change()", qname));
	TrackDdl(psprintf("ALTER TABLE %s ENABLE ALWAYS TRIGGER eg_track", qname));
	(void) eg_spi_exec(&track_stmts[TS_LOG_CHANGE], values, NULL, false);
	TrackInstalls++;
}

/*
 * The data version of a tracked table (text) as this snapshot sees it, or
 * as snapshot saw it when given.
 */
char *
track_version(Oid relid, Snapshot snapshot)
{
	Datum		values[1] = {ObjectIdGetDatum(relid)};
	char	   *version;

	eg_spi_connect();
	if (snapshot != InvalidSnapshot)
		(void) eg_spi_exec_as_of(&track_stmts[TS_VERSION], values, NULL, snapshot);
	else
		(void) eg_spi_exec(&track_stmts[TS_VERSION], values, NULL, false);
	version = TextDatumGetCString(eg_spi_get_notnull(0, "version"));
	eg_spi_finish();
	if (get_rel_persistence(relid) == RELPERSISTENCE_UNLOGGED)
		version = psprintf("%s@" INT64_FORMAT "." INT64_FORMAT, version, (int64) PgStartTime,
						   (int64) pgstat_fetch_stat_bgwriter()->stat_reset_timestamp);
	/* a server that ran without eg's hooks may have missed writes (citus.c) */
	else if (citus_table(relid))
		version = psprintf("%s@citus." INT64_FORMAT, version, (int64) PgStartTime);
	return version;
}

/*
 * Compact the change log: every table with more than TRACK_COMPACT_ROWS
 * visible rows gets one summary row instead.  Callers serialise it (the
 * graph's lock); rows of transactions in flight are left alone.
 */
void
track_compact(void)
{
	Datum		values[1] = {Int32GetDatum(TRACK_COMPACT_ROWS)};

	eg_spi_connect();
	(void) eg_spi_exec(&track_stmts[TS_COMPACT], values, NULL, false);
	eg_spi_finish();
}

/* The tracker state of relid as the catalogs say now; its relkind too. */
static TrackState_
TrackCurrentState(Oid relid, char *kind)
{
	Relation	rel = table_open(relid, AccessShareLock);
	TrackState_ state = TrackState(rel, TrackFunction());

	*kind = rel->rd_rel->relkind;
	/* closed before any ALTER TABLE: the relcache entry must be unused */
	table_close(rel, NoLock);
	return state;
}

/* Install the tracker in this transaction (keeps its lock until commit). */
static void
TrackInstallHere(Oid relid, TrackState_ state)
{
	eg_spi_connect();
	TrackInstall(relid, state);
	eg_spi_finish();
}

/*
 * Install the tracker from a background worker, in its own short
 * transaction, and wait for it.  Its CREATE TRIGGER waits for the writers
 * in flight on the table, so once it committed every change to the table is
 * either visible to our next snapshot or logged.  False if it did not work.
 */
static bool
TrackInstallInWorker(Oid relid)
{
	char		kind;

	if (!worker_run("eg tracker", psprintf("eg tracker for relation %u", relid),
					"eg_track_worker", ObjectIdGetDatum(relid)))
		return false;
	AcceptInvalidationMessages();
	if (TrackCurrentState(relid, &kind) != TRACK_ON)
		return false;
	TrackInstalls++;
	return true;
}

/* True if eg's change log has a row of relid (as the latest snapshot sees). */
static bool
TrackHasLog(Oid relid)
{
	Datum		values[1] = {ObjectIdGetDatum(relid)};
	bool		found;

	eg_spi_connect();
	found = eg_spi_exec_as_of(&track_stmts[TS_HAS_LOG], values, NULL, GetLatestSnapshot()) > 0;
	eg_spi_finish();
	return found;
}

/*
 * Make sure a Citus table has a row in the change log: eg's event trigger
 * logs ALTER TABLE only of relations it has seen there.  The first row is
 * logged by a worker, in its own transaction, as a tracker is installed
 * (and counts as one); false if that did not work.
 */
static bool
TrackStartLog(Oid relid)
{
	if (TrackHasLog(relid))
		return true;
	if (!worker_run("eg tracker", psprintf("eg tracker for relation %u", relid),
					"eg_track_worker", ObjectIdGetDatum(relid)))
		return false;
	TrackInstalls++;
	return true;
}

/*
 * How many trackers this backend has installed (or had a worker install):
 * a table tracked only since some moment has no data version before it.
 */
uint64
track_installs(void)
{
	return TrackInstalls;
}

/*
 * Make sure changes to relid are tracked; false when eg cannot track it
 * (not a table or materialized view of the user's - catalogs and eg's own
 * tables are not -, one with a trigger named eg_track that is not eg's, or
 * a Citus table while eg is not preloaded: citus_tracks says so) or could
 * not start tracking it now (its writers kept it busy): then nothing
 * reading it is reused this time.
 */
bool
track_relation(Oid relid)
{
	char		kind;
	TrackState_ state = TrackCurrentState(relid, &kind);

	if (relid < FirstNormalObjectId ||
		get_rel_namespace(relid) == get_namespace_oid("eg", false) ||
		(kind != RELKIND_RELATION && kind != RELKIND_PARTITIONED_TABLE &&
		 kind != RELKIND_MATVIEW))
		return false;
	/* Citus' shells take no trigger: the coordinator's hooks log (citus.c) */
	if (kind != RELKIND_MATVIEW && citus_table(relid))
		return citus_tracks(relid) && TrackStartLog(relid);
	if (kind == RELKIND_MATVIEW || state == TRACK_ON)
		return true;

	/*
	 * A temp table is private to this session, and a table this transaction
	 * already writes is locked against other writers anyway: install here.
	 * Otherwise let a worker do it, so that no strong lock is held for the
	 * rest of this transaction.
	 */
	if (isTempNamespace(get_rel_namespace(relid)) ||
		CheckRelationOidLockedByMe(relid, RowExclusiveLock, true))
	{
		TrackInstallHere(relid, state);
		return true;
	}
	if (list_member_oid(TrackBusy, relid))
		return false;
	/* replacing a foreign trigger would wait for this transaction's own lock */
	if (state != TRACK_FOREIGN && TrackInstallInWorker(relid))
		return true;
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		TrackBusy = lappend_oid(TrackBusy, relid);
		MemoryContextSwitchTo(old);
	}
	if (state == TRACK_FOREIGN)
		ereport(NOTICE,
				(errmsg("table \"%s\" has a trigger named eg_track that is not eg's",
						get_rel_name(relid)),
				 errdetail("Steps reading it are not reused in this run."),
				 errhint("Drop that trigger; eg then installs its own.")));
	else
		ereport(NOTICE,
				(errmsg("could not start tracking changes of table \"%s\"", get_rel_name(relid)),
				 errdetail("Steps reading it are not reused in this run."),
				 errhint("Its writers kept it busy; the next run tries again.")));
	return false;
}

/* Try again to track the tables that were busy (a new workload or run). */
void
track_retry_busy(void)
{
	list_free(TrackBusy);
	TrackBusy = NIL;
}

/* In the tracking worker: start tracking relid, as its kind wants. */
static void
TrackStartHere(Oid relid)
{
	char		kind;
	TrackState_ state;

	if (citus_table(relid))
	{
		/* no trigger on a Citus table: its first log row (TrackStartLog) */
		if (!TrackHasLog(relid))
			track_log_change(relid);
		return;
	}
	state = TrackCurrentState(relid, &kind);
	if (state != TRACK_ON)
		TrackInstallHere(relid, state);
}

/* Worker: install the tracker on relation arg, then commit. */
void
eg_track_worker(Datum arg)
{
	Oid			relid = DatumGetObjectId(arg);

	worker_connect();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	/* never wait long for the table's writers: the run falls back */
	SetConfigOption("lock_timeout", "10s", PGC_SUSET, PGC_S_OVERRIDE);
	if (SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))	/* not dropped meanwhile */
		TrackStartHere(relid);
	PopActiveSnapshot();
	CommitTransactionCommand();
}

/*
 * Log a change of relid now: its data version becomes one no other moment
 * of it, and no other relation, ever had.
 */
void
track_log_change(Oid relid)
{
	Datum		values[1] = {ObjectIdGetDatum(relid)};

	eg_spi_connect();
	(void) eg_spi_exec(&track_stmts[TS_LOG_CHANGE], values, NULL, false);
	eg_spi_finish();
}

PG_FUNCTION_INFO_V1(eg_note_ddl);
/*
 * Event trigger after ALTER TABLE, ALTER MATERIALIZED VIEW and REFRESH
 * MATERIALIZED VIEW: log a change of every tracked relation the command
 * touched (materialized views are tracked without a trigger: every one).
 * Renaming a table or materialized view changes none of its rows, so it
 * logs nothing, and a table eg.capture filled stands for its artifact
 * through a dbt-style script's renames.  What a name reaches is in the ids
 * instead: a step's query resolves its names to oids each run, and a
 * captured table's id and a read set's cover the relation's name
 * (ident.c).  Renaming a column is logged.
 */
Datum
eg_note_ddl(PG_FUNCTION_ARGS)
{
	Node	   *parsetree;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("eg._note_ddl() may only be called as an event trigger")));
	parsetree = ((EventTriggerData *) fcinfo->context)->parsetree;
	if (parsetree != NULL && IsA(parsetree, RenameStmt) &&
		(((RenameStmt *) parsetree)->renameType == OBJECT_TABLE ||
		 ((RenameStmt *) parsetree)->renameType == OBJECT_MATVIEW))
		PG_RETURN_VOID();
	eg_spi_connect();
	(void) eg_spi_exec(&track_stmts[TS_LOG_DDL], NULL, NULL, false);
	eg_spi_finish();
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(eg_note_change);
/* Statement trigger on tracked tables: log that the data changed. */
Datum
eg_note_change(PG_FUNCTION_ARGS)
{
	TriggerData *trig = (TriggerData *) fcinfo->context;
	Datum		values[1];

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("eg._note_change() may only be called as a trigger")));
	values[0] = ObjectIdGetDatum(RelationGetRelid(trig->tg_relation));
	eg_spi_connect();
	(void) eg_spi_exec(&track_stmts[TS_LOG_CHANGE], values, NULL, false);
	eg_spi_finish();
	return PointerGetDatum(NULL);
}

/* True if parsetree is a DROP EXTENSION that drops extension eg. */
static bool
TrackDropsEg(Node *parsetree)
{
	DropStmt   *stmt = (DropStmt *) parsetree;
	ListCell   *lc;

	if (parsetree == NULL || !IsA(parsetree, DropStmt) ||
		stmt->removeType != OBJECT_EXTENSION)
		return false;
	foreach(lc, stmt->objects)
		if (strcmp(strVal(lfirst(lc)), "eg") == 0)
			return true;
	return false;
}

PG_FUNCTION_INFO_V1(eg_before_drop);
/*
 * Event trigger before DROP EXTENSION: when eg is dropped, first drop the
 * triggers it put on users' tables (eg_track) and on this session's step
 * tables (eg_live), which depend on its functions and would make the drop
 * fail without CASCADE.  A trigger of those names calling another function
 * is the user's and stays; other sessions' step tables keep theirs (the
 * drop then fails, naming them, until those sessions end).  The drops are
 * part of the statement's transaction.
 */
Datum
eg_before_drop(PG_FUNCTION_ARGS)
{
	Datum		values[2];
	List	   *relids = NIL;
	List	   *names = NIL;
	ListCell   *lr,
			   *ln;
	uint64		n;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("eg._before_drop() may only be called as an event trigger")));
	if (!TrackDropsEg(((EventTriggerData *) fcinfo->context)->parsetree))
		PG_RETURN_VOID();
	values[0] = ObjectIdGetDatum(TrackFunction());
	values[1] = ObjectIdGetDatum(track_trigger_function("_live_changed"));
	eg_spi_connect();
	n = eg_spi_exec(&track_stmts[TS_TRACKED], values, NULL, false);
	for (uint64 i = 0; i < n; i++)
	{
		relids = lappend_oid(relids, DatumGetObjectId(eg_spi_get_notnull(i, "tgrelid")));
		names = lappend(names, TextDatumGetCString(eg_spi_get_notnull(i, "tgname")));
	}
	forboth(lr, relids, ln, names)
	{
		Oid			relid = lfirst_oid(lr);

		TrackDdl(psprintf("DROP TRIGGER %s ON %s", quote_identifier((char *) lfirst(ln)),
						  quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
													 get_rel_name(relid))));
	}
	eg_spi_finish();
	PG_RETURN_VOID();
}
