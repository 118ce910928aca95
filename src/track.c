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
 * Relations eg cannot track (foreign tables, catalogs, sequences) are
 * reported as such: a step reading them is never reused.
 */
#include "postgres.h"

#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "track.h"

/* Oid of eg's change-logging trigger function. */
static Oid
TrackFunction(void)
{
	List	   *name = list_make2(makeString("eg"), makeString("_note_change"));

	return LookupFuncName(name, 0, NULL, false);
}

/* State of eg's change trigger on a relation. */
typedef enum TrackState_
{
	TRACK_NONE,
	TRACK_DISABLED,		/* present but not ENABLE ALWAYS */
	TRACK_ON
} TrackState_;

/* Whether rel carries eg's change trigger, and whether it always fires. */
static TrackState_
TrackState(Relation rel, Oid trackfn)
{
	TriggerDesc *td = rel->trigdesc;
	TrackState_ state = TRACK_NONE;

	if (td == NULL)
		return state;
	for (int i = 0; i < td->numtriggers; i++)
	{
		Trigger    *t = &td->triggers[i];

		if (strcmp(t->tgname, "eg_track") != 0)
			continue;
		state = TRACK_DISABLED;
		if (t->tgfoid == trackfn && t->tgenabled == TRIGGER_FIRES_ALWAYS &&
			TRIGGER_FOR_INSERT(t->tgtype) && TRIGGER_FOR_UPDATE(t->tgtype) &&
			TRIGGER_FOR_DELETE(t->tgtype) && TRIGGER_FOR_TRUNCATE(t->tgtype))
			return TRACK_ON;
	}
	return state;
}

/* Run one parameterised statement on eg's tables as the owner. */
static void
TrackExecAsOwner(const char *sql, int nargs, Oid *types, Datum *values,
				 int expected)
{
	EgUserSwitch sw;
	int			rc;

	eg_become_owner(&sw);
	rc = SPI_execute_with_args(sql, nargs, types, values, NULL, false, 0);
	eg_restore_user(&sw);
	if (rc != expected)
		elog(ERROR, "eg: SPI failed (%d) on: %s", rc, sql);
}

/*
 * Install (or re-enable) eg's change trigger on a table, and log a change:
 * changes made while it was missing or disabled were not seen.
 */
static void
TrackInstall(Oid relid, TrackState_ state)
{
	char	   *qname = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
												   get_rel_name(relid));
	Oid			types[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};

	if (state == TRACK_DISABLED)
		TrackExecAsOwner(psprintf("DROP TRIGGER eg_track ON %s", qname),
						 0, NULL, NULL, SPI_OK_UTILITY);
	TrackExecAsOwner(psprintf("CREATE TRIGGER eg_track AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
							  "ON %s FOR EACH STATEMENT EXECUTE FUNCTION eg._note_change()", qname),
					 0, NULL, NULL, SPI_OK_UTILITY);
	TrackExecAsOwner(psprintf("ALTER TABLE %s ENABLE ALWAYS TRIGGER eg_track", qname),
					 0, NULL, NULL, SPI_OK_UTILITY);
	TrackExecAsOwner("INSERT INTO eg.source_change (relid) VALUES ($1)",
					 1, types, values, SPI_OK_INSERT);
}

/* The data version of a tracked table as this snapshot sees it (text). */
char *
track_version(Oid relid)
{
	Oid			types[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};
	char	   *version;
	MemoryContext caller = CurrentMemoryContext;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "eg: SPI_connect failed");
	TrackExecAsOwner("SELECT count(*) || ':' || coalesce(sum(hashint8extended(seq, 0)), 0) "
					 "FROM eg.source_change WHERE relid = $1",
					 1, types, values, SPI_OK_SELECT);
	version = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	version = MemoryContextStrdup(caller, version);
	SPI_finish();
	return version;
}

/*
 * Make sure changes to relid are tracked; false when eg cannot track it
 * (not a table or materialized view of the user's).
 */
bool
track_relation(Oid relid)
{
	Relation	rel = table_open(relid, AccessShareLock);
	char		kind = rel->rd_rel->relkind;
	TrackState_ state = TrackState(rel, TrackFunction());

	/* closed before any ALTER TABLE: the relcache entry must be unused */
	table_close(rel, NoLock);
	if (relid < FirstNormalObjectId ||
		(kind != RELKIND_RELATION && kind != RELKIND_PARTITIONED_TABLE &&
		 kind != RELKIND_MATVIEW))
		return false;
	if (kind != RELKIND_MATVIEW && state != TRACK_ON)
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "eg: SPI_connect failed");
		TrackInstall(relid, state);
		SPI_finish();
	}
	return true;
}

PG_FUNCTION_INFO_V1(eg_note_change);
/* Statement trigger on tracked tables: log that the data changed. */
Datum
eg_note_change(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	TriggerData *trig = (TriggerData *) fcinfo->context;
	Datum		values[1];
	EgUserSwitch sw;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("eg._note_change() may only be called as a trigger")));
	values[0] = ObjectIdGetDatum(RelationGetRelid(trig->tg_relation));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "eg: SPI_connect failed");
	eg_become_owner(&sw);
	if (plan == NULL)
	{
		Oid			types[1] = {OIDOID};
		SPIPlanPtr	p = SPI_prepare("INSERT INTO eg.source_change (relid) VALUES ($1)", 1, types);

		if (p == NULL || SPI_keepplan(p) != 0)
			elog(ERROR, "eg: could not prepare change log insert");
		plan = p;
	}
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "eg: could not log a change");
	eg_restore_user(&sw);
	SPI_finish();
	return PointerGetDatum(NULL);
}
