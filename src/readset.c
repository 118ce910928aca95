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
 * The user-defined functions a step's functions call are recorded too
 * (their definitions join the id, and loading needs EXECUTE on them): those
 * the executor prepares a call of (object_access_hook, OAT_FUNCTION_EXECUTE,
 * chained) and those a plan uses or has inlined (its invalItems); what
 * escapes both is found in the bodies of the functions called
 * (readset_funcs.c).
 *
 * What eg cannot see: data a function reads without the executor (files,
 * large objects, other databases through dblink, catalog caches) - see
 * docs/read-sets.md.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_proc.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "citus.h"
#include "ident.h"
#include "readset.h"
#include "track.h"

static ExecutorStart_hook_type PrevExecutorStart = NULL;
static object_access_hook_type PrevObjectAccess = NULL;

/* The recording in progress (between readset_start and readset_stop). */
static bool Recording = false;
static MemoryContext RecordContext = NULL;
static Oid	RecordUser = InvalidOid;
static List *RecordRelids = NIL;	/* every relation read */
static List *RecordRights = NIL;	/* those read with the caller's rights */
static List *RecordFuncs = NIL;		/* user functions called */
static List *RecordFuncRights = NIL;	/* those called with the caller's rights */
static List *RecordHashes = NIL;	/* PROCOID hash values of plans' functions */
static List *RecordHashRights = NIL;	/* those of plans run as the caller */
static Snapshot RecordBefore = NULL;	/* what the step could see at most */
static uint64 RecordInstalls = 0;	/* track_installs() at the start */

/* Append oid to *list in the recording's context, once; rights: to *rights too. */
static void
ReadsetNote(List **list, List **rights, Oid oid, bool as_caller)
{
	MemoryContext old = MemoryContextSwitchTo(RecordContext);

	*list = list_append_unique_oid(*list, oid);
	if (as_caller)
		*rights = list_append_unique_oid(*rights, oid);
	MemoryContextSwitchTo(old);
}

/* Note the relations and functions of a plan about to run. */
static void
ReadsetNotePlan(PlannedStmt *stmt)
{
	bool		as_caller = GetUserId() == RecordUser;
	ListCell   *lc;

	foreach(lc, stmt->rtable)
	{
		RangeTblEntry *rte = (RangeTblEntry *) lfirst(lc);

		/* the tables under a view are checked as the view's owner */
		if (rte->rtekind == RTE_RELATION)
			ReadsetNote(&RecordRelids, &RecordRights, rte->relid,
						as_caller && rte->requiredPerms != 0 && !OidIsValid(rte->checkAsUser));
	}
	/* functions the plan calls or inlined, user-defined ones among them */
	foreach(lc, stmt->invalItems)
	{
		PlanInvalItem *item = (PlanInvalItem *) lfirst(lc);
		MemoryContext old;

		if (item->cacheId != PROCOID)
			continue;
		old = MemoryContextSwitchTo(RecordContext);
		/* a function's query runs once per call: note each value once */
		RecordHashes = list_append_unique_int(RecordHashes, (int) item->hashValue);
		if (as_caller)
			RecordHashRights = list_append_unique_int(RecordHashRights, (int) item->hashValue);
		MemoryContextSwitchTo(old);
	}
}

/* ExecutorStart_hook: note what a query reads and calls while recording. */
static void
ReadsetExecutorStart(QueryDesc *queryDesc, int eflags)
{
	if (Recording)
		ReadsetNotePlan(queryDesc->plannedstmt);
	if (PrevExecutorStart)
		PrevExecutorStart(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
}

/* object_access_hook: note the user functions the executor prepares to call. */
static void
ReadsetObjectAccess(ObjectAccessType access, Oid classId, Oid objectId,
					int subId, void *arg)
{
	if (Recording && access == OAT_FUNCTION_EXECUTE && classId == ProcedureRelationId &&
		objectId >= FirstNormalObjectId)
		ReadsetNote(&RecordFuncs, &RecordFuncRights, objectId, GetUserId() == RecordUser);
	if (PrevObjectAccess)
		PrevObjectAccess(access, classId, objectId, subId, arg);
}

/* Install the hooks (from _PG_init). */
void
readset_init(void)
{
	PrevExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = ReadsetExecutorStart;
	PrevObjectAccess = object_access_hook;
	object_access_hook = ReadsetObjectAccess;
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
	RecordRelids = RecordRights = RecordFuncs = RecordFuncRights = NIL;
	RecordHashes = RecordHashRights = NIL;
	RecordBefore = RegisterSnapshot(snap);
	RecordInstalls = track_installs();
	/* what that snapshot counts as written is readable on Citus' workers */
	citus_settle();
	Recording = true;
}

/* Stop recording (also when the step failed: call it in PG_FINALLY). */
void
readset_stop(void)
{
	Recording = false;
}

/*
 * The user functions the step called beyond covered_funcs (those its id
 * covers already), into set: sorted, and those called with the caller's
 * rights.  A function gone meanwhile makes the step not reusable.
 */
static void
ReadsetTakeFuncs(ReadSet *set, List *covered_funcs)
{
	List	   *called;
	List	   *rights;
	ListCell   *lc;

	/* covered ones too: their bodies may call others */
	if (!readset_funcs_resolve(list_concat_unique_oid(list_copy(covered_funcs), RecordFuncs),
							   RecordFuncRights, RecordHashes, RecordHashRights,
							   &called, &rights))
		set->stable = false;
	foreach(lc, called)
	{
		Oid			oid = lfirst_oid(lc);

		if (list_member_oid(covered_funcs, oid))
			continue;
		if (!SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(oid)))
			set->stable = false;
		else
		{
			set->funcs = lappend_oid(set->funcs, oid);
			if (list_member_oid(rights, oid))
				set->func_rights = lappend_oid(set->func_rights, oid);
		}
	}
	list_sort(set->funcs, list_oid_cmp);
	list_sort(set->func_rights, list_oid_cmp);
}

/*
 * The step's read set beyond covered (relids its id covers already: what
 * its query names, its input steps' tables) and covered_funcs (functions
 * its id covers), with the sources' ids as of now, and whether they are
 * what the step saw.  Installs eg's tracker on the tables that have none
 * yet.
 */
ReadSet *
readset_take(List *covered, List *covered_funcs)
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
	ReadsetTakeFuncs(set, covered_funcs);
	UnregisterSnapshot(RecordBefore);
	RecordBefore = NULL;
	RecordRelids = RecordRights = RecordFuncs = RecordFuncRights = NIL;
	RecordHashes = RecordHashRights = NIL;
	return set;
}
