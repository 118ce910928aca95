/*
 * store_async.c - eg.store_async: a run's computed tables stored by a
 * background worker once the run commits.
 *
 * Storing (serialising, hashing, compressing and writing the chunks) costs
 * about as much as computing the steps it stores (docs/storing.md).  With
 * eg.store_async = on, a run at READ COMMITTED starts a worker before its
 * first reusable step computes (so that it is ready when the run ends);
 * with auto (the default), once it has computed them, if the tables the
 * materializer may keep take eg.store_async_min_size or more.  At its end
 * the run hands the worker those tables through a shared-memory queue
 * (table_queue.c), before it takes graph_lock: first a header (its
 * transaction, eg's settings), then the tables; once recorded, it sends
 * its workload id in the graph.  Then eg.run returns.
 * The worker keeps the rows, prepares them for the store (store_put.c)
 * while the run commits, waits until the run's transaction ends, and if it
 * committed runs the materializer over them in its own transaction; if it
 * rolled back, it stores nothing.  A run that ends with nothing to store,
 * or fails, detaches from the queue without a header, and the worker
 * exits.
 *
 * Pending stores are visible: the run writes a row per table in
 * eg.store_job (the artifact, the worker's pid, what computing it took) in
 * its own transaction, and the worker deletes them in the transaction that
 * stores.  A run in another session that needs one of these artifacts
 * (store_async_wait) waits for the rows to go instead of computing it
 * again, at most as long as computing it took or 1 s, and not at all if
 * its own transaction holds graph_lock (the worker would wait for it) or
 * uses a snapshot that could not see the result.  A worker that dies stores
 * nothing and its rows are ignored (and deleted by the next worker): the
 * graph and the store stay as they were, and the artifact is computed
 * again when next needed.
 */
#include "postgres.h"

#include "access/transam.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "portability/instr_time.h"
#include "storage/dsm.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "storage/shm_mq.h"
#include "catalog/namespace.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"

#include "eg.h"
#include "graph.h"
#include "materializer.h"
#include "spi.h"
#include "store_async.h"
#include "table_queue.h"
#include "worker.h"

/* Bytes of the queue. */
#define STORE_ASYNC_QUEUE_SIZE (1024 * 1024)

/* The worker gives up on a lock of the materializer after this long. */
#define STORE_ASYNC_LOCK_TIMEOUT "60s"

/*
 * A run waits for a pending store at least this long (seconds), even for
 * an artifact that computed faster: storing it may take longer than
 * computing it did, and a run right after another should load it.
 */
#define STORE_ASYNC_MIN_WAIT 1.0

/* How often a run waiting for a pending store looks again. */
#define STORE_ASYNC_POLL_MS 10

/* A worker started for a run, as the session holds it. */
struct StoreAsync
{
	dsm_segment *seg;
	shm_mq_handle *mqh;
	BackgroundWorkerHandle *handle;
	pid_t		pid;			/* the worker's, once the tables are handed */
	bool	   *sent;			/* ... which of them were */
};

/* The statements on eg.store_job. */
typedef enum StoreJobStmt
{
	SJ_INSERT,
	SJ_PENDING,
	SJ_DONE,
	SJ_COUNT
} StoreJobStmt;

static EgStmt store_job_stmts[SJ_COUNT] = {
	[SJ_INSERT] = EG_STMT(
		"INSERT INTO eg.store_job (artifact, pid, seconds) "
		"SELECT a::eg.artifact_id, $2, s FROM unnest($1::text[], $3::float8[]) AS u(a, s)",
		SPI_OK_INSERT, 3, TEXTARRAYOID, INT4OID, FLOAT8ARRAYOID),
	/* the jobs among ids of live 'eg store' workers, with their row's xmin */
	[SJ_PENDING] = EG_STMT(
		"SELECT j.xmin::text::int8 AS xmin, j.seconds FROM eg.store_job j "
		"WHERE j.artifact = ANY ($1::text[]::eg.artifact_id[]) "
		"AND EXISTS (SELECT FROM pg_stat_get_activity(j.pid) a "
		"WHERE a.backend_type = 'eg store')",
		SPI_OK_SELECT, 1, TEXTARRAYOID),
	/* a worker's own jobs, and those of workers that died */
	[SJ_DONE] = EG_STMT(
		"DELETE FROM eg.store_job j WHERE j.pid = $1 "
		"OR NOT EXISTS (SELECT FROM pg_stat_get_activity(j.pid) a "
		"WHERE a.backend_type = 'eg store')",
		SPI_OK_DELETE, 1, INT4OID)
};

/*
 * Start a worker for a run's tables; NULL if none could start (the run then
 * stores them itself).  The segment must stay mapped until
 * store_async_finish: started outside a subtransaction, or in the one that
 * finishes.
 */
static StoreAsync *
StoreAsyncStart(void)
{
	StoreAsync *sa = palloc0(sizeof(StoreAsync));
	BackgroundWorkerHandle *handle;
	shm_mq	   *mq;

	sa->seg = dsm_create(STORE_ASYNC_QUEUE_SIZE, DSM_CREATE_NULL_IF_MAXSEGMENTS);
	if (sa->seg == NULL)
		return NULL;
	mq = shm_mq_create(dsm_segment_address(sa->seg), STORE_ASYNC_QUEUE_SIZE);
	shm_mq_set_sender(mq, MyProc);
	handle = worker_start("eg store", "eg store: a run's tables", "eg_store_worker",
						  UInt32GetDatum(dsm_segment_handle(sa->seg)));
	if (handle == NULL)
	{
		dsm_detach(sa->seg);
		return NULL;
	}
	sa->mqh = shm_mq_attach(mq, sa->seg, handle);
	sa->handle = handle;
	return sa;
}

/*
 * eg.store_async = on: a worker started before a run's first reusable step
 * computes, ready by its end; else NULL.
 */
StoreAsync *
store_async_early(void)
{
	if (eg_store_async != EG_STORE_ASYNC_ON || IsolationUsesXactSnapshot())
		return NULL;
	return StoreAsyncStart();
}

/*
 * eg.store_async = auto: a worker for a run's candidates cands when the
 * tables the materializer may keep take eg.store_async_min_size or more;
 * else NULL (a worker would cost the other sessions more than it saves
 * the run).  Not in a transaction that recorded a run before (it holds
 * graph_lock, so its commit is not near and the worker would wait).
 */
StoreAsync *
store_async_sized(MatInput *cands, int n)
{
	int64		bytes;

	if (eg_store_async != EG_STORE_ASYNC_AUTO || IsolationUsesXactSnapshot() || n == 0 ||
		graph_lock_held())
		return NULL;
	bytes = materializer_storable_bytes(cands, n);
	if (bytes == 0 || bytes < (int64) eg_store_async_min_kb * 1024)
		return NULL;
	return StoreAsyncStart();
}

/*
 * True if eg.store_job exists: not on the schema of eg 0.2 until ALTER
 * EXTENSION eg UPDATE (then stores in progress are not waited for).
 */
static bool
StoreAsyncHasJobs(void)
{
	return OidIsValid(get_relname_relid("store_job", get_namespace_oid("eg", false)));
}

/*
 * Record the cands that were sent as jobs of the worker with this pid, in
 * this transaction: other sessions see them once it commits (the worker
 * stores nothing before).
 */
static void
StoreAsyncJobs(MatInput *cands, int n, const bool *sent, pid_t pid)
{
	EgId	   *ids = palloc(sizeof(EgId) * n);
	Datum	   *secs = palloc(sizeof(Datum) * n);
	Datum		args[3];
	int			k = 0;

	for (int i = 0; i < n; i++)
		if (sent[i])
		{
			ids[k] = cands[i].id;
			secs[k++] = Float8GetDatum(cands[i].seconds);
		}
	if (k == 0 || !StoreAsyncHasJobs())
		return;
	args[0] = graph_id_array(ids, k);
	args[1] = Int32GetDatum((int32) pid);
	args[2] = PointerGetDatum(construct_array(secs, k, FLOAT8OID, sizeof(float8),
											  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	(void) eg_spi_exec(&store_job_stmts[SJ_INSERT], args, NULL, false);
}

/* Let the worker go, and forget it. */
static void
StoreAsyncEnd(StoreAsync *sa)
{
	shm_mq_detach(sa->mqh);
	dsm_detach(sa->seg);
}

/*
 * Hand the run's tables cands to the worker, before the run takes
 * graph_lock (the worker's start and the copy are not under it), to be
 * stored once this transaction (this savepoint's, if in one) commits.
 * False if they could not be (none, or the worker is gone): the worker is
 * let go, and the caller stores them.
 */
bool
store_async_hand(StoreAsync *sa, MatInput *cands, int n)
{
	StringInfoData buf;

	sa->sent = palloc0(sizeof(bool) * Max(n, 1));
	if (n == 0 || WaitForBackgroundWorkerStartup(sa->handle, &sa->pid) != BGWH_STARTED)
	{
		StoreAsyncEnd(sa);
		return false;
	}
	initStringInfo(&buf);
	pq_sendint32(&buf, GetCurrentTransactionId());
	worker_put_settings(&buf);
	if (shm_mq_send(sa->mqh, buf.len, buf.data, false, true) == SHM_MQ_SUCCESS &&
		tq_send_tables(sa->mqh, cands, n, sa->sent))
		return true;
	StoreAsyncEnd(sa);
	return false;
}

/*
 * Once the run is recorded as workload: tell the worker, record the tables
 * handed (store_async_hand) as its jobs, and let it go.  False if the
 * worker is gone: the caller stores them.
 */
bool
store_async_finish(StoreAsync *sa, int64 workload, MatInput *cands, int n)
{
	StringInfoData buf;
	bool		ok;

	initStringInfo(&buf);
	pq_sendint64(&buf, workload);
	/* the worker attached before the segment goes with this detach */
	ok = shm_mq_send(sa->mqh, buf.len, buf.data, false, true) == SHM_MQ_SUCCESS &&
		shm_mq_wait_for_attach(sa->mqh) == SHM_MQ_SUCCESS;
	if (ok)
		StoreAsyncJobs(cands, n, sa->sent, sa->pid);
	StoreAsyncEnd(sa);
	return ok;
}

/*
 * Wait while some of ids are being stored by a worker (eg.store_job), at
 * most as long as computing the slowest of them took or 1 s: a run that
 * starts right after another loads what that one computed instead of
 * computing it again.  Not under REPEATABLE READ or SERIALIZABLE (the snapshot would
 * not see the result), nor if this transaction holds graph_lock or wrote
 * the jobs itself (the worker waits for this transaction).  Interruptible.
 */
void
store_async_wait(const EgId *ids, int n)
{
	Datum		args[1];
	instr_time	start;
	bool		told = false;

	if (n == 0 || IsolationUsesXactSnapshot() || graph_lock_held() || !StoreAsyncHasJobs())
		return;
	args[0] = graph_id_array(ids, n);
	INSTR_TIME_SET_CURRENT(start);
	for (;;)
	{
		double		longest = -1;
		instr_time	now;

		/* not read-only: a new snapshot each time */
		(void) eg_spi_exec(&store_job_stmts[SJ_PENDING], args, NULL, false);
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			TransactionId xmin = (TransactionId) DatumGetInt64(eg_spi_get_notnull(r, "xmin"));

			if (TransactionIdIsCurrentTransactionId(xmin))
			{
				eg_spi_free_result();
				return;
			}
			longest = Max(longest, Max(DatumGetFloat8(eg_spi_get_notnull(r, "seconds")),
									   STORE_ASYNC_MIN_WAIT));
		}
		eg_spi_free_result();
		INSTR_TIME_SET_CURRENT(now);
		INSTR_TIME_SUBTRACT(now, start);
		if (longest < 0 || INSTR_TIME_GET_DOUBLE(now) >= longest)
			return;
		if (!told && eg_progress)
			ereport(NOTICE,
					(errmsg("waiting for a store in progress (at most %.3f s)", longest)));
		told = true;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 STORE_ASYNC_POLL_MS, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

/* Worker: the run's workload id into *workload; false if the run went. */
static bool
StoreAsyncWorkload(shm_mq_handle *mqh, int64 *workload)
{
	StringInfoData buf;
	Size		len;
	void	   *data;

	if (shm_mq_receive(mqh, &len, &data, false) != SHM_MQ_SUCCESS)
		return false;
	buf.data = data;
	buf.len = buf.maxlen = (int) len;
	buf.cursor = 0;
	*workload = pq_getmsgint64(&buf);
	return true;
}

/* Worker: store the run's tables in segment arg once the run commits. */
void
eg_store_worker(Datum arg)
{
	dsm_segment *seg;
	shm_mq	   *mq;
	shm_mq_handle *mqh;
	StringInfoData buf;
	Size		len;
	void	   *data;
	int64		workload;
	TransactionId xid;
	MatInput   *cands;
	int			n;

	worker_connect();
	CurrentResourceOwner = ResourceOwnerCreate(NULL, "eg store worker");
	seg = dsm_attach(DatumGetUInt32(arg));
	if (seg == NULL)
		return;					/* the run is over already */
	mq = dsm_segment_address(seg);
	shm_mq_set_receiver(mq, MyProc);
	mqh = shm_mq_attach(mq, seg, NULL);
	if (shm_mq_receive(mqh, &len, &data, false) != SHM_MQ_SUCCESS)
		return;					/* nothing to store */
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, data, (int) len);
	xid = (TransactionId) pq_getmsgint(&buf, 4);

	SetConfigOption("default_transaction_isolation", "read committed",
					PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("default_transaction_read_only", "off", PGC_SUSET, PGC_S_OVERRIDE);
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	worker_set_settings(&buf);
	cands = tq_receive_tables(mqh, &n);
	/* not before receiving: a DROP waiting for the run would wait forever */
	if (!worker_lock_extension())
	{
		PopActiveSnapshot();
		CommitTransactionCommand();
		return;					/* eg was dropped: nothing to store into */
	}
	materializer_prepare(cands, n); /* while the run records itself; no lock */
	/* the run's id in the graph, once recorded; none: the run failed */
	if (!StoreAsyncWorkload(mqh, &workload))
	{
		materializer_release(cands, n);
		PopActiveSnapshot();
		CommitTransactionCommand();
		return;
	}
	/*
	 * the tables are the run's once it commits: wait, however long (for a
	 * savepoint's subtransaction, until it rolls back or its top one ends)
	 */
	XactLockTableWait(xid, NULL, NULL, XLTW_None);
	PopActiveSnapshot();
	if (TransactionIdDidCommit(xid))
	{
		SetConfigOption("lock_timeout", STORE_ASYNC_LOCK_TIMEOUT, PGC_SUSET, PGC_S_OVERRIDE);
		PushActiveSnapshot(GetTransactionSnapshot());
		(void) materializer_run(cands, n, workload);
		if (StoreAsyncHasJobs())
		{
			eg_spi_connect();
			(void) eg_spi_exec(&store_job_stmts[SJ_DONE],
							   (Datum[]) {Int32GetDatum((int32) MyProcPid)}, NULL, false);
			eg_spi_finish();
		}
		PopActiveSnapshot();
	}
	materializer_release(cands, n);
	CommitTransactionCommand();
}
