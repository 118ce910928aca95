/*
 * capture_load.c - a captured statement's rows from the store, sent to its
 * receiver (the new table's, or the refreshed materialized view's heap) in
 * place of running its plan.
 *
 * The rows are read into a tuplestore first, in a subtransaction, so that
 * a load that fails - a damaged or evicted artifact, temp_file_limit as
 * the tuplestore spills, any error of eg's - has sent nothing and leaves
 * the statement to compute, as without eg.  The tuplestore is not the
 * subtransaction's: its memory is ours, and its file belongs to a resource
 * owner of ours (a child of the statement's; a tuplestore's files belong to
 * the owner current when it began).  After a failure the tuplestore cannot
 * be ended normally (ending flushes its buffer, which may be what failed):
 * its owner closes the file and its memory goes with our context.  Should sending the rows fail, the
 * statement fails as its own plan would have, and the statement's abort
 * releases both.
 */
#include "postgres.h"

#include "executor/tstoreReceiver.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "capture.h"
#include "spi.h"
#include "store.h"

/* What LoadFill needs and finds, for capture_try. */
typedef struct LoadFill
{
	const EgId *id;
	TupleDesc	desc;
	DestReceiver *into;
	int64		rows;
	List	   *damaged;
	bool		ok;
} LoadFill;

/* Read the artifact's stored rows into the tuplestore (for capture_try). */
static void
LoadFillRows(void *arg)
{
	LoadFill   *f = (LoadFill *) arg;

	f->into->rStartup(f->into, CMD_SELECT, f->desc);
	f->ok = store_get_rows(f->id, f->desc, f->into, &f->rows, &f->damaged);
	f->into->rShutdown(f->into);
}

/* Send the rows of ts to the receiver of qd, as the plan would have. */
static void
LoadSend(QueryDesc *qd, Tuplestorestate *ts)
{
	DestReceiver *dest = qd->dest;
	TupleTableSlot *slot = MakeSingleTupleTableSlot(qd->tupDesc, &TTSOpsMinimalTuple);
	int			toast = store_toast_begin();

	dest->rStartup(dest, qd->operation, qd->tupDesc);
	while (tuplestore_gettupleslot(ts, true, false, slot))
		(void) dest->receiveSlot(slot, dest);
	dest->rShutdown(dest);
	store_toast_end(toast);
	ExecDropSingleTupleTableSlot(slot);
}

/* Release and delete a resource owner of ours. */
static void
LoadReleaseOwner(ResourceOwner owner, bool ok)
{
	ResourceOwnerRelease(owner, RESOURCE_RELEASE_BEFORE_LOCKS, ok, false);
	ResourceOwnerRelease(owner, RESOURCE_RELEASE_LOCKS, ok, false);
	ResourceOwnerRelease(owner, RESOURCE_RELEASE_AFTER_LOCKS, ok, false);
	ResourceOwnerDelete(owner);
}

/*
 * Send artifact id's stored rows to qd's receiver and set the statement's
 * processed count; true, with *rows, if sent.  False, with nothing sent,
 * if the load failed: *damaged lists the artifacts that left the store
 * (EgId *: the artifact was damaged or is gone), or *error says what else
 * failed (copied into the caller's memory context).
 */
bool
capture_load(const EgId *id, QueryDesc *qd, int64 *rows, List **damaged, ErrorData **error)
{
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext cxt = AllocSetContextCreate(caller, "eg capture load",
											  ALLOCSET_DEFAULT_SIZES);
	ResourceOwner save = CurrentResourceOwner;
	ResourceOwner owner = ResourceOwnerCreate(save, "eg capture load");
	Tuplestorestate *ts;
	LoadFill	f = {id, qd->tupDesc, NULL, 0, NIL, false};

	/* the tuplestore's memory is cxt, and its file owner's */
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	ts = tuplestore_begin_heap(false, false, maintenance_work_mem);
	CurrentResourceOwner = save;
	f.into = CreateDestReceiver(DestTuplestore);
	SetTuplestoreDestReceiverParams(f.into, ts, cxt, false, NULL, NULL);
	/* what it finds, and its error, in the caller's memory context */
	MemoryContextSwitchTo(caller);
	*error = capture_try(LoadFillRows, &f);
	if (*error != NULL || !f.ok)
	{
		*damaged = *error == NULL ? lcons(eg_id_copy(id), f.damaged) : NIL;
		LoadReleaseOwner(owner, false);
		MemoryContextDelete(cxt);
		return false;
	}
	LoadSend(qd, ts);
	tuplestore_end(ts);
	LoadReleaseOwner(owner, true);
	MemoryContextDelete(cxt);
	qd->estate->es_processed = (uint64) f.rows;
	*rows = f.rows;
	return true;
}
