/*
 * readset.c - what a step really read.
 *
 * A step's id covers the relations its query text names (ident_query.c).
 * The functions it calls may read others: a PL/pgSQL lookup, a scoring
 * function reading a holdout table, a train function reading more than its
 * input.  While a step computes, eg records every relation in the range
 * table of every query the executor starts, at any depth (ExecutorCheckPerms_hook,
 * chained): queries of SQL, PL/pgSQL and PL/Python functions through SPI,
 * view expansions, inlined SQL functions.  What its id does not cover yet
 * is its read set; the id is extended with their source ids
 * (ident_reads_id), which the graph records with the artifact so that a
 * later plan can recompute that id from the current versions
 * (workload.c).  Relations read with the caller's rights join the
 * artifact's lineage, whose rights every load checks (graph_may_use).
 *
 * The versions are taken as of a snapshot registered before the step
 * started and again after it: if they differ, a relation changed while the
 * step ran (or eg only now started to track it: executor.c then runs the
 * step once more at READ COMMITTED), so the step's result is the caller's
 * answer but is not reused.  Relations eg cannot track
 * (catalogs, foreign tables, eg's own) make the step not reusable.
 *
 * What eg cannot see: data a function reads without the executor (files,
 * large objects, other databases through dblink, catalog caches) - see
 * docs/read-sets.md.
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "parser/parsetree.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "ident.h"
#include "readset.h"
#include "track.h"

static ExecutorCheckPerms_hook_type PrevCheckPerms = NULL;

/* The recording in progress (between readset_start and readset_stop). */
static bool Recording = false;
static MemoryContext RecordContext = NULL;
static Oid	RecordUser = InvalidOid;
static List *RecordRelids = NIL;	/* every relation read */
static List *RecordRights = NIL;	/* those read with the caller's rights */
static Snapshot RecordBefore = NULL;	/* what the step could see at most */
static uint64 RecordInstalls = 0;	/* track_installs() at the start */

/* ExecutorCheckPerms_hook: note the relations of a query's range table. */
static bool
ReadsetCheckPerms(List *rangeTable, bool ereport_on_violation)
{
	if (Recording)
	{
		MemoryContext old = MemoryContextSwitchTo(RecordContext);
		ListCell   *lc;

		foreach(lc, rangeTable)
		{
			RangeTblEntry *rte = (RangeTblEntry *) lfirst(lc);

			if (rte->rtekind != RTE_RELATION)
				continue;
			RecordRelids = list_append_unique_oid(RecordRelids, rte->relid);
			/* the tables under a view are checked as the view's owner */
			if (rte->requiredPerms != 0 && !OidIsValid(rte->checkAsUser) &&
				GetUserId() == RecordUser)
				RecordRights = list_append_unique_oid(RecordRights, rte->relid);
		}
		MemoryContextSwitchTo(old);
	}
	if (PrevCheckPerms)
		return PrevCheckPerms(rangeTable, ereport_on_violation);
	return true;
}

/* Install the hook (from _PG_init). */
void
readset_init(void)
{
	PrevCheckPerms = ExecutorCheckPerms_hook;
	ExecutorCheckPerms_hook = ReadsetCheckPerms;
}

/*
 * Start recording what the queries of this backend read, in the current
 * memory context, and remember a snapshot no older than any the step will
 * read with.
 */
void
readset_start(void)
{
	Snapshot	snap = IsolationUsesXactSnapshot() ? GetTransactionSnapshot()
		: GetLatestSnapshot();

	Assert(!Recording);
	RecordContext = CurrentMemoryContext;
	RecordUser = GetUserId();
	RecordRelids = RecordRights = NIL;
	RecordBefore = RegisterSnapshot(snap);
	RecordInstalls = track_installs();
	Recording = true;
}

/* Stop recording (also when the step failed: call it in PG_FINALLY). */
void
readset_stop(void)
{
	Recording = false;
}

/*
 * The step's read set beyond covered (relids its id covers already: what
 * its query names, its input steps' tables), with the sources' ids as of
 * now, and whether they are what the step saw.  Installs eg's tracker on
 * the tables that have none yet.
 */
ReadSet *
readset_take(List *covered)
{
	ReadSet    *set = palloc0(sizeof(ReadSet));
	List	   *extra = NIL;
	ListCell   *lc;
	List	   *before;
	ListCell   *la,
			   *lb;

	Assert(!Recording);
	set->stable = true;
	foreach(lc, RecordRelids)
		if (!list_member_oid(covered, lfirst_oid(lc)))
			extra = lappend_oid(extra, lfirst_oid(lc));
	/* one that is gone now (a function's scratch table) needs no right */
	foreach(lc, RecordRights)
		if (list_member_oid(extra, lfirst_oid(lc)) &&
			SearchSysCacheExists1(RELOID, ObjectIdGetDatum(lfirst_oid(lc))))
			set->rights = lappend_oid(set->rights, lfirst_oid(lc));
	list_sort(extra, list_oid_cmp);
	list_sort(set->rights, list_oid_cmp);
	if (extra != NIL)
	{
		set->sources = ident_sources(extra);
		before = ident_sources_as_of(extra, RecordBefore);
		forboth(la, before, lb, set->sources)
		{
			EgSource   *then = (EgSource *) lfirst(la);
			EgSource   *now = (EgSource *) lfirst(lb);

			/* an untrackable one makes the step not reusable anyway */
			if (now->reusable)
				set->stable &= then->reusable && eg_id_equal(&then->id, &now->id);
		}
		set->first_seen = track_installs() != RecordInstalls;
		/*
		 * At REPEATABLE READ the snapshot cannot see the tracker's first
		 * log row, so both versions agree although changes made before it
		 * went unseen: not reusable.
		 */
		if (set->first_seen && IsolationUsesXactSnapshot())
			set->stable = false;
	}
	UnregisterSnapshot(RecordBefore);
	RecordBefore = NULL;
	RecordRelids = RecordRights = NIL;
	return set;
}
