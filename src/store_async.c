/*
 * store_async.c - eg.store_async: a run's computed tables stored by a
 * background worker once the run commits.
 *
 * Storing (serialising, hashing, compressing and writing the chunks) costs
 * about as much as computing the steps it stores (docs/storing.md).  With
 * eg.store_async, a run at READ COMMITTED starts a worker before its first
 * reusable step computes (so that it is ready when the run ends), and at
 * its end hands it the tables the materializer may keep, through a
 * shared-memory queue (table_queue.c): first a header (the run's workload
 * id in the graph, its transaction, eg's settings), then the tables.  Then
 * eg.run returns.  The worker writes the rows into temp tables of its own,
 * waits until the run's transaction ends, and if it committed runs the
 * materializer over them in its own transaction; if it rolled back, it
 * stores nothing.  A run that ends with nothing to store, or fails,
 * detaches from the queue without a header, and the worker exits.
 *
 * What the worker keeps is stored a moment after the run commits: a run in
 * another session that starts before computes it again.  A worker that
 * dies stores nothing; the graph and the store stay as they were.
 */
#include "postgres.h"

#include "access/xact.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "storage/dsm.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "storage/shm_mq.h"
#include "utils/guc.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"

#include "materializer.h"
#include "store_async.h"
#include "table_queue.h"
#include "worker.h"

/* Bytes of the queue. */
#define STORE_ASYNC_QUEUE_SIZE (1024 * 1024)

/* The worker gives up on a lock of the materializer after this long. */
#define STORE_ASYNC_LOCK_TIMEOUT "60s"

/* A worker started for a run, as the session holds it. */
struct StoreAsync
{
	dsm_segment *seg;
	shm_mq_handle *mqh;
};

/*
 * Start a worker for a run's tables; NULL if none could start (the run then
 * stores them itself).  The caller is not in a subtransaction: the segment
 * must stay mapped until store_async_finish.
 */
StoreAsync *
store_async_start(void)
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
	return sa;
}

/*
 * Hand the run's tables cands (recorded as workload) to the worker, to be
 * stored once this transaction commits; with none, let the worker go.
 */
void
store_async_finish(StoreAsync *sa, int64 workload, MatInput *cands, int n)
{
	if (n > 0)
	{
		StringInfoData buf;

		initStringInfo(&buf);
		pq_sendint64(&buf, workload);
		pq_sendint32(&buf, GetTopTransactionId());
		worker_put_settings(&buf);
		if (shm_mq_send(sa->mqh, buf.len, buf.data, false, true) == SHM_MQ_SUCCESS)
			(void) tq_send_tables(sa->mqh, cands, n);
	}
	shm_mq_detach(sa->mqh);
	dsm_detach(sa->seg);
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
	workload = pq_getmsgint64(&buf);
	xid = (TransactionId) pq_getmsgint(&buf, 4);

	SetConfigOption("default_transaction_isolation", "read committed",
					PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("default_transaction_read_only", "off", PGC_SUSET, PGC_S_OVERRIDE);
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	worker_set_settings(&buf);
	cands = tq_receive_tables(mqh, &n);
	/* the tables are the run's once it commits: wait, however long */
	XactLockTableWait(xid, NULL, NULL, XLTW_None);
	PopActiveSnapshot();
	if (TransactionIdDidCommit(xid))
	{
		SetConfigOption("lock_timeout", STORE_ASYNC_LOCK_TIMEOUT, PGC_SUSET, PGC_S_OVERRIDE);
		PushActiveSnapshot(GetTransactionSnapshot());
		materializer_prepare(cands, n); /* before the lock */
		(void) materializer_run(cands, n, workload);
		PopActiveSnapshot();
	}
	CommitTransactionCommand();
}
