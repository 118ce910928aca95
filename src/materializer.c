/*
 * materializer.c - what the store keeps, under eg.budget.
 *
 * After every run (and on eg.materialize()) the materializer chooses among
 * the candidates: the artifacts kept so far and the reusable steps the run
 * just computed (their temp tables).  It works in four moves:
 *  1. New candidates that the policy would never keep are dropped at once:
 *     for the utility policies those no cheaper to load than to recreate
 *     (the paper's guard; load estimated from the measured restore rate),
 *     for helix those not worth twice their load.  The others are prepared
 *     for the store (store_put.c: serialised, hashed, new chunks compressed
 *     into a temporary file), so that their exact chunk sets - hence
 *     deduplicated sizes - are known.  Nothing is written yet.
 *  2. Every candidate gets the paper's utility (utility.c).
 *  3. The policy (eg.materializer) selects what to keep:
 *     - heuristic: Algorithm 1, greedy by utility, each artifact charged
 *       its full size;
 *     - storage_aware (default): the iterative meta-algorithm, greedy by
 *       utility with each artifact charged only for the chunks not already
 *       kept, repeated until nothing more fits - the budget is charged for
 *       everything kept, old and new, each chunk once (the prototype's
 *       accounting gap is closed);
 *     - helix: in topological (age) order, keep while recreation > 2 x load;
 *     - all: everything that fits, oldest first (newest evicted first);
 *     - none: nothing new; what is kept stays while it fits.
 *  4. What is kept and new is written; the rest of what was kept is
 *     evicted (chunks no other artifact uses are freed in the same
 *     transaction) and the store is checked against the budget.  Nothing
 *     is written and then evicted in one run.
 * Preparing costs about what writing does (docs/storing.md), so a run
 * prepares its tables with materializer_prepare before it takes
 * graph_lock: no session then waits for the lock behind compression.  A
 * run that offers nothing new to a store within its budget skips the
 * decision (it could only evict what lost its utility since): runs that
 * only load hold the lock for their recording alone.
 * Under the same lock it compacts the change log of base tables (track.c),
 * the other table that grows with use.
 * Base tables are never copied: they are live data, their versions are in
 * the ids.  The work is O(|W| + |M|) per run: only the run's steps and the
 * kept artifacts are looked at, with potentials and recreation costs kept
 * up to date in the graph by the executor.  Runs are serialised with the
 * graph's lock (graph_lock, a transaction-scoped advisory lock), so
 * concurrent sessions cannot together overshoot the budget (docs/design.md
 * invariant 4); the same lock orders every writer of the graph's rows.
 */
#include "postgres.h"

#include "access/xact.h"
#include "common/sha2.h"
#include "funcapi.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/tuplestore.h"

#include "graph.h"
#include "materializer.h"
#include "spi.h"
#include "store.h"
#include "store_rows.h"
#include "track.h"
#include "utility.h"

/* The action as eg.materialize reports it. */
static const char *
MatActionName(MatAction action)
{
	switch (action)
	{
		case MAT_STORED:
			return "stored";
		case MAT_KEPT:
			return "kept";
		case MAT_EVICTED:
			return "evicted";
		case MAT_SKIPPED:
			return "skipped";
	}
	return "?";
}

/* Forget what was prepared (*prep), if anything. */
static void
MatFree(StorePrepared **prep)
{
	if (*prep != NULL)
		store_prepared_free(*prep);
	*prep = NULL;
}

/*
 * The candidates: what the store keeps, then the run's new tables, with
 * what the graph knows of each.
 */
static MatCandidate *
MatCandidates(MatInput *cands, int ncands, int *n)
{
	List	   *kept = graph_materialized_ids();
	int			max = Max(list_length(kept) + ncands, 1);
	MatCandidate *c = palloc0(sizeof(MatCandidate) * max);
	EgId	   *ids = palloc(sizeof(EgId) * max);
	GraphCosts *costs = palloc(sizeof(GraphCosts) * max);
	ListCell   *lc;
	int			k = 0;

	foreach(lc, kept)
	{
		c[k].id = *(EgId *) lfirst(lc);
		c[k].stored = true;
		k++;
	}
	for (int i = 0; i < ncands; i++)
	{
		bool		dup = false;

		for (int j = 0; j < k; j++)
			dup |= eg_id_equal(&c[j].id, &cands[i].id);
		if (dup)
		{
			MatFree(&cands[i].prep);
			continue;
		}
		c[k].id = cands[i].id;
		c[k].rows = cands[i].rows;
		c[k].prep = cands[i].prep;
		cands[i].prep = NULL;	/* the candidate's now */
		k++;
	}
	for (int i = 0; i < k; i++)
		ids[i] = c[i].id;
	graph_candidates(ids, k, costs);
	for (int i = 0; i < k; i++)
	{
		c[i].frequency = costs[i].frequency;
		c[i].recreation = costs[i].recreation;
		c[i].load = costs[i].load;
		c[i].potential = costs[i].potential;
		if (c[i].stored)
			c[i].size = costs[i].stored_bytes;
		c[i].order = costs[i].order;
	}
	*n = k;
	return c;
}

/* The chunks of c, prepared, and its size: each chunk counted in full. */
static void
MatPreparedChunks(MatCandidate *c)
{
	c->nchunks = store_prepared_chunks(c->prep, &c->chunks);
	c->size = 0;
	for (int k = 0; k < c->nchunks; k++)
		c->size += c->chunks[k].bytes;
}

/* The chunks of the stored candidates, in one lookup. */
static void
MatStoredChunks(MatCandidate *c, int n)
{
	EgId	   *ids = palloc(sizeof(EgId) * Max(n, 1));
	int		   *nchunks = palloc(sizeof(int) * Max(n, 1));
	StoreChunk **chunks = palloc(sizeof(StoreChunk *) * Max(n, 1));
	int			k = 0;

	for (int i = 0; i < n; i++)
		if (c[i].stored)
			ids[k++] = c[i].id;
	store_chunks(ids, k, nchunks, chunks);
	k = 0;
	for (int i = 0; i < n; i++)
		if (c[i].stored)
		{
			c[i].nchunks = nchunks[k];
			c[i].chunks = chunks[k];
			k++;
		}
}

/*
 * Why the policy would never keep a new candidate that loads in load
 * seconds and is recreated in recreation seconds (the guard), or NULL.
 */
static const char *
MatRefusal(double load, double recreation)
{
	if (eg_materializer == EG_MAT_NONE)
		return "not kept: eg.materializer is none";
	if ((eg_materializer == EG_MAT_HEURISTIC || eg_materializer == EG_MAT_STORAGE_AWARE) &&
		load >= recreation)
		return psprintf("not kept: loading (%.3f s) is not cheaper than recomputing (%.3f s)",
						load, recreation);
	if (eg_materializer == EG_MAT_HELIX && recreation <= 2 * load)
		return "not kept: recreating it costs no more than twice loading it";
	return NULL;
}

/*
 * Prepare the new candidates that pass the guard (those the run did not
 * prepare yet); forget the others; list every candidate's chunks.
 */
static void
MatPrepareNew(MatCandidate *c, int n)
{
	for (int i = 0; i < n; i++)
	{
		const char *why;

		if (c[i].stored)
			continue;
		why = MatRefusal(c[i].load, c[i].recreation);
		if (why != NULL)
		{
			c[i].why = (char *) why;
			MatFree(&c[i].prep);
			continue;
		}
		/* under the lock: the chunks as the store holds them now */
		if (c[i].prep != NULL && !store_prepared_refresh(c[i].prep))
			MatFree(&c[i].prep);
		if (c[i].prep == NULL)
			c[i].prep = store_prepare(&c[i].id, &c[i].rows);
	}
	MatStoredChunks(c, n);
	for (int i = 0; i < n; i++)
		if (c[i].prep != NULL)
			MatPreparedChunks(&c[i]);
}

/* qsort: higher utility first, then older, then by id. */
static int
MatByUtility(const void *a, const void *b)
{
	const MatCandidate *x = *(MatCandidate *const *) a;
	const MatCandidate *y = *(MatCandidate *const *) b;

	if (x->utility != y->utility)
		return x->utility > y->utility ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return memcmp(x->id.bytes, y->id.bytes, EG_ID_LEN);
}

/* qsort: older first (topological order: inputs are seen before outputs). */
static int
MatByAge(const void *a, const void *b)
{
	const MatCandidate *x = *(MatCandidate *const *) a;
	const MatCandidate *y = *(MatCandidate *const *) b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return memcmp(x->id.bytes, y->id.bytes, EG_ID_LEN);
}

/* Bytes of c's chunks not yet in kept (a hash set of chunk keys). */
static int64
MatMarginal(const MatCandidate *c, HTAB *kept)
{
	int64		bytes = 0;

	for (int k = 0; k < c->nchunks; k++)
		if (hash_search(kept, c->chunks[k].hash, HASH_FIND, NULL) == NULL)
			bytes += c->chunks[k].bytes;
	return bytes;
}

/* Keep c: add its chunks to kept. */
static void
MatKeep(MatCandidate *c, HTAB *kept, const char *why)
{
	c->keep = true;
	c->why = (char *) why;
	for (int k = 0; k < c->nchunks; k++)
		(void) hash_search(kept, c->chunks[k].hash, HASH_ENTER, NULL);
}

/* True if the policy lets c be kept at all. */
static bool
MatEligible(const MatCandidate *c)
{
	if (!mat_candidate_in(c))
		return false;
	switch (eg_materializer)
	{
		case EG_MAT_HEURISTIC:
		case EG_MAT_STORAGE_AWARE:
			return c->utility > 0;
		case EG_MAT_HELIX:
			return c->recreation > 2 * c->load;
		default:
			return true;
	}
}

/*
 * Select what to keep under the budget.  Candidates are visited in the
 * policy's order; each is charged its full size (heuristic, helix) or its
 * chunks not already kept (storage_aware, all, none: the store's real
 * cost).  storage_aware repeats the pass until nothing more fits.
 */
static void
MatSelect(MatCandidate *c, int n, int64 budget)
{
	MatCandidate **order = palloc(sizeof(MatCandidate *) * Max(n, 1));
	bool		dedup = eg_materializer != EG_MAT_HEURISTIC && eg_materializer != EG_MAT_HELIX;
	HASHCTL		ctl;
	HTAB	   *kept;
	int64		used = 0;
	bool		changed = true;

	ctl.keysize = PG_SHA256_DIGEST_LENGTH;
	ctl.entrysize = PG_SHA256_DIGEST_LENGTH;
	ctl.hcxt = CurrentMemoryContext;
	kept = hash_create("eg kept chunks", 256, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	for (int i = 0; i < n; i++)
		order[i] = &c[i];
	qsort(order, n, sizeof(MatCandidate *),
		  (eg_materializer == EG_MAT_HEURISTIC || eg_materializer == EG_MAT_STORAGE_AWARE)
		  ? MatByUtility : MatByAge);
	for (int pass = 0; changed; pass++)
	{
		changed = false;
		for (int r = 0; r < n; r++)
		{
			MatCandidate *v = order[r];
			int64		cost;

			if (v->keep || !MatEligible(v))
				continue;
			cost = dedup ? MatMarginal(v, kept) : v->size;
			if (used + cost > budget)
			{
				v->why = psprintf("not kept: needs %lld bytes, %lld of the budget left",
								  (long long) cost, (long long) (budget - used));
				continue;
			}
			used += cost;
			MatKeep(v, kept, psprintf("kept: rank %d by %s", r + 1,
									  eg_materializer == EG_MAT_HEURISTIC ||
									  eg_materializer == EG_MAT_STORAGE_AWARE ? "utility" : "age"));
			changed = true;
		}
		if (eg_materializer != EG_MAT_STORAGE_AWARE)
			break;
	}
	for (int i = 0; i < n; i++)
		if (!c[i].keep && c[i].why == NULL)
			c[i].why = eg_materializer == EG_MAT_HELIX
				? "not kept: recreating it costs no more than twice loading it"
				: c[i].utility <= 0 ? "not kept: utility 0" : "not kept";
}

/*
 * Write what is kept and new, then evict what is not kept any more (in
 * that order: a chunk an evicted artifact shares with a new one stays),
 * mark both in the graph; returns MatResult *s, in candidate order.
 */
static List *
MatApply(MatCandidate *c, int n)
{
	MatResult  *r = palloc0(sizeof(MatResult) * Max(n, 1));
	List	   *results = NIL;

	for (int i = 0; i < n; i++)
	{
		StoreStats	stats;

		r[i].id = c[i].id;
		r[i].action = MAT_SKIPPED;
		if (c[i].keep && c[i].stored)
		{
			r[i].action = MAT_KEPT;
			r[i].bytes = c[i].size;
		}
		else if (c[i].keep && store_write(c[i].prep, &stats))
		{
			r[i].action = MAT_STORED;
			r[i].bytes = stats.stored_bytes;
			graph_set_materialized(&c[i].id, true, stats.stored_bytes);
		}
		else if (c[i].keep)
			c[i].why = "not kept: a chunk it shares left the store while it was written";
		MatFree(&c[i].prep);
	}
	for (int i = 0; i < n; i++)
	{
		if (!c[i].keep && c[i].stored)
		{
			store_drop(&c[i].id);
			graph_set_materialized(&c[i].id, false, 0);
			r[i].action = MAT_EVICTED;
		}
		results = lappend(results, &r[i]);
	}
	return results;
}

/* Record each candidate's utility and why it is kept or not. */
static void
MatRecordUtilities(const MatCandidate *c, int n)
{
	GraphUtility *u = palloc(sizeof(GraphUtility) * Max(n, 1));

	for (int i = 0; i < n; i++)
	{
		u[i].id = c[i].id;
		u[i].utility = c[i].utility;
		u[i].why = c[i].why;
	}
	graph_set_utilities(u, n);
}

/*
 * True if the guard will refuse cand, judged by what the run knows of it
 * (recreation and size; the graph's estimate of the load, read into *rate
 * the first time it is needed, -1 before).
 */
static bool
MatGuardRefuses(const MatInput *cand, double *rate)
{
	if (cand->recreation <= 0)
		return false;
	if (*rate < 0)
	{
		eg_spi_connect();
		*rate = graph_load_rate();
		eg_spi_finish();
	}
	return MatRefusal((double) cand->bytes / *rate, cand->recreation) != NULL;
}

/*
 * Prepare a run's candidates for the store before the caller takes
 * graph_lock (nothing under REPEATABLE READ or SERIALIZABLE, where the
 * materializer does not run), but those the guard will refuse.  Those
 * the materializer does not keep are never written.
 */
void
materializer_prepare(MatInput *cands, int ncands)
{
	double		rate = -1;

	if (IsolationUsesXactSnapshot() || eg_materializer == EG_MAT_NONE)
		return;
	for (int i = 0; i < ncands; i++)
		if (cands[i].prep == NULL && !MatGuardRefuses(&cands[i], &rate))
			cands[i].prep = store_prepare(&cands[i].id, &cands[i].rows);
}

/*
 * The bytes of the tables of cands that materializer_prepare would prepare
 * (eg.store_async = auto hands them to a worker from a size on).
 */
int64
materializer_storable_bytes(MatInput *cands, int ncands)
{
	double		rate = -1;
	int64		bytes = 0;

	if (IsolationUsesXactSnapshot() || eg_materializer == EG_MAT_NONE)
		return 0;
	for (int i = 0; i < ncands; i++)
		if (!MatGuardRefuses(&cands[i], &rate))
			bytes += cands[i].bytes;
	return bytes;
}

/*
 * Release what candidates hold: what was prepared for them, and the rows
 * handed over (store_rows_release; before commit: their files).
 */
void
materializer_release(MatInput *cands, int ncands)
{
	for (int i = 0; i < ncands; i++)
	{
		MatFree(&cands[i].prep);
		store_rows_release(&cands[i].rows);
	}
}

/*
 * Run the materializer over the kept artifacts and a run's candidates
 * (none for eg.materialize()), prepared or not; returns what it did
 * (MatResult *s).  What was prepared is forgotten on the way.
 */
List *
materializer_run(MatInput *cands, int ncands, int64 workload)
{
	instr_time	start,
				end;
	MatCandidate *c;
	List	   *results;
	int			n;

	INSTR_TIME_SET_CURRENT(start);

	/*
	 * Under REPEATABLE READ or SERIALIZABLE the snapshot predates the lock:
	 * what a concurrent materializer committed meanwhile would be invisible
	 * and the budget could be overshot.  Keep the store as it is then.
	 */
	if (IsolationUsesXactSnapshot())
	{
		ereport(NOTICE,
				(errmsg("the materializer does not run under %s isolation",
						IsolationIsSerializable() ? "SERIALIZABLE" : "REPEATABLE READ"),
				 errhint("Nothing new was stored; a run at READ COMMITTED (the default) stores what it computes.")));
		for (int i = 0; i < ncands; i++)
			MatFree(&cands[i].prep);
		return NIL;
	}
	graph_lock();

	/*
	 * A run that offers nothing new, with the store within its budget: the
	 * decision could only evict what lost its utility since, which the next
	 * run with something new (or eg.materialize()) does.  Skipped, so that
	 * runs that only load hold the lock no longer than their recording.
	 */
	if (ncands == 0 && workload > 0 && store_total_bytes() <= EG_BUDGET_BYTES())
		return NIL;
	track_compact();			/* the change log too, under the same lock */
	c = MatCandidates(cands, ncands, &n);
	MatPrepareNew(c, n);
	utility_compute(c, n, eg_alpha);
	MatSelect(c, n, EG_BUDGET_BYTES());
	results = MatApply(c, n);
	MatRecordUtilities(c, n);
	if (store_total_bytes() > EG_BUDGET_BYTES())
		(void) store_sweep();	/* chunks a concurrent load held at drop time */
	if (store_total_bytes() > EG_BUDGET_BYTES())
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("the store holds %lld bytes, over the budget of %lld",
						(long long) store_total_bytes(), (long long) EG_BUDGET_BYTES()),
				 errdetail("Chunks that a concurrent session is storing could not be freed yet."),
				 errhint("Run eg.materialize() again once it is done.")));
	INSTR_TIME_SET_CURRENT(end);
	INSTR_TIME_SUBTRACT(end, start);
	if (workload > 0)
		graph_set_materializer_seconds(workload, INSTR_TIME_GET_DOUBLE(end));
	return results;
}

PG_FUNCTION_INFO_V1(eg_materialize);
/* eg.materialize(): run the materializer now; what it kept or evicted. */
Datum
eg_materialize(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *results;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	results = materializer_run(NULL, 0, 0);
	foreach(lc, results)
	{
		MatResult  *r = (MatResult *) lfirst(lc);
		Datum		values[3];
		bool		nulls[3] = {false};

		values[0] = EgIdGetDatum(eg_id_copy(&r->id));
		values[1] = CStringGetTextDatum(MatActionName(r->action));
		values[2] = Int64GetDatum(r->bytes);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
