/*
 * materializer.c - what the store keeps, under eg.budget.
 *
 * First version: after each run, the run's computed, reusable step tables
 * are stored one by one while the store stays within the budget; one that
 * would not fit is rolled back (a subtransaction) and skipped.  The budget
 * counts compressed, deduplicated bytes (store_total_bytes), so an artifact
 * that shares columns with stored ones costs only what it adds.  Selection
 * is serialised across sessions with a transaction-scoped advisory lock, so
 * concurrent runs cannot together overshoot the budget.  eg.materialize()
 * also evicts, least recently used first, when the budget was lowered, and
 * sweeps chunks that evictions could not free at once.
 * Policy "none" stores nothing.  (The utility-driven policies come later.)
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/resowner.h"

#include "graph.h"
#include "materializer.h"
#include "store.h"

/* Advisory lock key that serialises materializer runs ('eg' 'mat'). */
#define MAT_LOCK_KEY INT64CONST(0x6567006d6174)

/* Take the materializer's lock until the end of the transaction. */
static void
MatLock(void)
{
	DirectFunctionCall1(pg_advisory_xact_lock_int8, Int64GetDatum(MAT_LOCK_KEY));
}

/* Store one candidate if it fits; its store is undone when it does not. */
static MatResult *
MatTryStore(const ExecCandidate *c)
{
	MatResult  *res = palloc0(sizeof(MatResult));
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	StoreStats	stats;
	bool		fits;

	res->id = c->id;
	if (store_has(&c->id))
	{
		res->action = "kept";
		return res;
	}
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	store_put(&c->id, c->relid, &stats);
	fits = store_total_bytes() <= EG_BUDGET_BYTES();
	if (fits)
	{
		graph_set_materialized(&c->id, true, stats.stored_bytes);
		ReleaseCurrentSubTransaction();
	}
	else
		RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	res->action = fits ? "stored" : "skipped";
	res->bytes = fits ? stats.stored_bytes : 0;
	return res;
}

/* Evict least recently used artifacts until the store fits the budget. */
static List *
MatEvictToFit(void)
{
	List	   *evicted = NIL;

	while (store_total_bytes() > EG_BUDGET_BYTES())
	{
		EgUserSwitch sw;
		EgId	   *victim;
		bool		isnull;
		MatResult  *res;
		MemoryContext cxt = CurrentMemoryContext;

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "eg: SPI_connect failed");
		eg_become_owner(&sw);
		if (SPI_execute("SELECT id FROM eg.artifact WHERE materialized "
						"ORDER BY last_used, id LIMIT 1", false, 1) != SPI_OK_SELECT)
			elog(ERROR, "eg: could not choose an artifact to evict");
		eg_restore_user(&sw);
		if (SPI_processed == 0)
		{
			SPI_finish();
			break;
		}
		victim = DatumGetEgId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		res = MemoryContextAllocZero(cxt, sizeof(MatResult));
		res->id = *victim;
		SPI_finish();
		res->action = "evicted";
		store_drop(&res->id);
		graph_set_materialized(&res->id, false, 0);
		evicted = lappend(evicted, res);
	}
	return evicted;
}

/*
 * Run the materializer over a run's candidates: make the store fit the
 * budget, then store candidates while they fit.  Returns MatResult *s.
 */
List *
materializer_run(ExecCandidate *cands, int ncands)
{
	List	   *results;

	if (eg_materializer == EG_MAT_NONE)
		return NIL;
	MatLock();
	results = MatEvictToFit();
	for (int i = 0; i < ncands; i++)
		results = lappend(results, MatTryStore(&cands[i]));
	return results;
}

PG_FUNCTION_INFO_V1(eg_materialize);
/* eg.materialize(): run the materializer now; what it stored or evicted. */
Datum
eg_materialize(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *results;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	MatLock();
	results = MatEvictToFit();
	(void) store_sweep();
	foreach(lc, results)
	{
		MatResult  *r = (MatResult *) lfirst(lc);
		Datum		values[3];
		bool		nulls[3] = {false};

		values[0] = EgIdGetDatum(eg_id_copy(&r->id));
		values[1] = CStringGetTextDatum(r->action);
		values[2] = Int64GetDatum(r->bytes);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
