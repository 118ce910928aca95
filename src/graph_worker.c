/*
 * graph_worker.c - merging a run into the graph from a background worker.
 *
 * At REPEATABLE READ or SERIALIZABLE the run's transaction must not write
 * the graph: its snapshot predates what other sessions recorded meanwhile,
 * so an upsert of an artifact they recorded fails (could not serialize
 * access due to concurrent update; ON CONFLICT too, when the conflicting
 * row is invisible), and under SSI eg's reads and writes of its own tables
 * would become rw-conflicts between users' serializable transactions,
 * failing one of them at commit.  So the session hands the run's records
 * (graph.c's GraphStep array, its strings and lists flattened into one
 * buffer, with the failed loads to forget) to a background worker through a
 * dynamic shared memory segment and waits; the worker merges them in its
 * own READ COMMITTED transaction under graph_lock and commits.  SSI tracks
 * serializable transactions only, so the worker's writes conflict with no
 * reader.  The session takes no graph_lock itself: the worker takes it, and
 * the session holds no row of eg's tables the worker could wait for.
 *
 * The same worker saves what a failed run completed (executor.c): the
 * user's transaction will abort, so the steps that ran before the failing
 * one are recorded by the worker, and their tables, which only the session
 * can read, are sent to it through a shared-memory queue (table_queue.c)
 * for the materializer to run there, with the session's settings of eg.
 *
 * The record is the run's whether or not the user's transaction commits
 * (README, isolation levels).  No worker free (max_worker_processes): the
 * run is not recorded, with a NOTICE; the worker failing: a WARNING in the
 * session, whose transaction goes on.  The worker never waits long for a
 * lock (GRAPH_WORKER_LOCK_TIMEOUT): the session waiting for it is invisible
 * to the deadlock detector, so a wait cycle through the worker would hang.
 */
#include "postgres.h"

#include "access/xact.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "storage/dsm.h"
#include "storage/proc.h"
#include "storage/shm_mq.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"

#include "graph.h"
#include "ident.h"
#include "table_queue.h"
#include "worker.h"

/* The worker gives up on a lock it waited for this long (a GUC value). */
#define GRAPH_WORKER_LOCK_TIMEOUT "60s"

/*
 * The same when it saves a failed run: the user waits for the error, and
 * another session's open transaction may hold graph_lock for long.
 */
#define GRAPH_WORKER_SAVE_LOCK_TIMEOUT "5s"

/* Room for the worker's error message in the segment. */
#define GRAPH_WORKER_ERROR_LEN 1024

/* Bytes of the queue that hands the run's tables over. */
#define GRAPH_WORKER_QUEUE_SIZE (1024 * 1024)

/* What the worker did (GraphWorkerShared.state). */
typedef enum GraphWorkerState
{
	GWS_NEW,					/* not (yet) done: it did not get far */
	GWS_DONE,					/* committed */
	GWS_FAILED					/* error, in error */
} GraphWorkerState;

/* The shared segment: the worker's answer, then the flattened run. */
typedef struct GraphWorkerShared
{
	GraphWorkerState state;
	char		error[GRAPH_WORKER_ERROR_LEN];
	bool		saving;			/* a failed run's save (short lock waits) */
	int			ntables;		/* tables to receive through the queue */
	Size		queue;			/* offset of the queue, if ntables > 0 */
	int			len;			/* bytes of data */
	char		data[FLEXIBLE_ARRAY_MEMBER];
} GraphWorkerShared;

/* A run as the worker merges it. */
typedef struct GraphWorkerRun
{
	char	   *name;
	Oid			role;
	TimestampTz started;
	double		seconds;
	double		saved;
	List	   *failed;			/* EgId * */
	int			n;
	GraphStep  *steps;
} GraphWorkerRun;

/* Append a string (NULL allowed) to buf. */
static void
GraphPutString(StringInfo buf, const char *s)
{
	int			len = s ? (int) strlen(s) : -1;

	pq_sendint32(buf, len);
	if (len > 0)
		pq_sendbytes(buf, s, len);
}

/* Read a string written by GraphPutString. */
static char *
GraphGetString(StringInfo buf)
{
	int			len = (int) pq_getmsgint(buf, 4);

	if (len < 0)
		return NULL;
	return pnstrdup(pq_getmsgbytes(buf, len), len);
}

/* Append an id to buf. */
static void
GraphPutId(StringInfo buf, const EgId *id)
{
	pq_sendbytes(buf, (const char *) id->bytes, EG_ID_LEN);
}

/* Read an id written by GraphPutId into *id. */
static void
GraphGetId(StringInfo buf, EgId *id)
{
	memcpy(id->bytes, pq_getmsgbytes(buf, EG_ID_LEN), EG_ID_LEN);
}

/* Append a list of oids to buf. */
static void
GraphPutOids(StringInfo buf, List *oids)
{
	ListCell   *lc;

	pq_sendint32(buf, list_length(oids));
	foreach(lc, oids)
		pq_sendint32(buf, lfirst_oid(lc));
}

/* Read a list of oids written by GraphPutOids. */
static List *
GraphGetOids(StringInfo buf)
{
	int			n = (int) pq_getmsgint(buf, 4);
	List	   *oids = NIL;

	for (int i = 0; i < n; i++)
		oids = lappend_oid(oids, (Oid) pq_getmsgint(buf, 4));
	return oids;
}

/*
 * Append one step of a run to buf: the struct as it is (the worker runs
 * this very library, so the layout is the same; its pointers are replaced
 * on reading), then what its pointers point to.
 */
static void
GraphPutStep(StringInfo buf, const GraphStep *s)
{
	ListCell   *lc;
	ListCell   *lcname;

	pq_sendbytes(buf, (const char *) s, sizeof(GraphStep));
	GraphPutString(buf, s->step);
	GraphPutString(buf, s->definition);
	for (int i = 0; i < s->ninputs; i++)
		GraphPutId(buf, &s->inputs[i]);
	pq_sendint32(buf, list_length(s->sources));
	forboth(lc, s->sources, lcname, s->source_names)
	{
		pq_sendbytes(buf, lfirst(lc), sizeof(EgSource));
		GraphPutString(buf, (const char *) lfirst(lcname));
	}
	GraphPutOids(buf, s->lineage);
	GraphPutOids(buf, s->lineage_funcs);
	GraphPutOids(buf, s->reads);
	GraphPutOids(buf, s->read_funcs);
	foreach(lc, s->read_names)
		GraphPutString(buf, (const char *) lfirst(lc));
	pq_sendint32(buf, list_length(s->facets));
	foreach(lc, s->facets)
		GraphPutString(buf, (const char *) lfirst(lc));
}

/* Read one step written by GraphPutStep into *s. */
static void
GraphGetStep(StringInfo buf, GraphStep *s)
{
	int			nsources;
	int			nfacets;

	memcpy(s, pq_getmsgbytes(buf, sizeof(GraphStep)), sizeof(GraphStep));
	s->step = GraphGetString(buf);
	s->definition = GraphGetString(buf);
	s->inputs = palloc(sizeof(EgId) * Max(s->ninputs, 1));
	for (int i = 0; i < s->ninputs; i++)
		GraphGetId(buf, &s->inputs[i]);
	nsources = (int) pq_getmsgint(buf, 4);
	s->sources = s->source_names = NIL;
	for (int i = 0; i < nsources; i++)
	{
		EgSource   *src = palloc(sizeof(EgSource));

		memcpy(src, pq_getmsgbytes(buf, sizeof(EgSource)), sizeof(EgSource));
		s->sources = lappend(s->sources, src);
		s->source_names = lappend(s->source_names, GraphGetString(buf));
	}
	s->lineage = GraphGetOids(buf);
	s->lineage_funcs = GraphGetOids(buf);
	s->reads = GraphGetOids(buf);
	s->read_funcs = GraphGetOids(buf);
	s->read_names = NIL;
	for (int i = 0; i < list_length(s->reads); i++)
		s->read_names = lappend(s->read_names, GraphGetString(buf));
	nfacets = (int) pq_getmsgint(buf, 4);
	s->facets = NIL;
	for (int i = 0; i < nfacets; i++)
		s->facets = lappend(s->facets, GraphGetString(buf));
}

/* Read the run written by graph_record_in_worker. */
static GraphWorkerRun *
GraphGetRun(StringInfo buf)
{
	GraphWorkerRun *run = palloc0(sizeof(GraphWorkerRun));
	int			nfailed;

	run->name = GraphGetString(buf);
	run->role = (Oid) pq_getmsgint(buf, 4);
	run->started = (TimestampTz) pq_getmsgint64(buf);
	run->seconds = pq_getmsgfloat8(buf);
	run->saved = pq_getmsgfloat8(buf);
	nfailed = (int) pq_getmsgint(buf, 4);
	for (int i = 0; i < nfailed; i++)
	{
		EgId	   *id = palloc(sizeof(EgId));

		GraphGetId(buf, id);
		run->failed = lappend(run->failed, id);
	}
	worker_set_settings(buf);
	run->n = (int) pq_getmsgint(buf, 4);
	run->steps = palloc0(sizeof(GraphStep) * Max(run->n, 1));
	for (int i = 0; i < run->n; i++)
		GraphGetStep(buf, &run->steps[i]);
	pq_getmsgend(buf);
	return run;
}

/* Send the run's tables to the worker through the queue, then the end. */
static void
GraphSendTables(GraphWorkerShared *shared, dsm_segment *seg,
				BackgroundWorkerHandle *handle, MatInput *cands, int ncands)
{
	shm_mq_handle *mqh = shm_mq_attach((shm_mq *) ((char *) shared + shared->queue),
									   seg, handle);

	(void) tq_send_tables(mqh, cands, ncands, NULL);
	shm_mq_detach(mqh);
}

/* The run's record for the worker: graph_record_run's arguments and eg's settings. */
static void
GraphPutRun(StringInfo buf, const char *name, Oid role, GraphStep *steps, int n,
			TimestampTz started, double seconds, double saved, List *failed)
{
	ListCell   *lc;

	initStringInfo(buf);
	GraphPutString(buf, name);
	pq_sendint32(buf, role);
	pq_sendint64(buf, started);
	pq_sendfloat8(buf, seconds);
	pq_sendfloat8(buf, saved);
	pq_sendint32(buf, list_length(failed));
	foreach(lc, failed)
		GraphPutId(buf, (EgId *) lfirst(lc));
	worker_put_settings(buf);
	pq_sendint32(buf, n);
	for (int i = 0; i < n; i++)
		GraphPutStep(buf, &steps[i]);
}

/*
 * Start the worker on the run in buf and send it the tables cands; *seg
 * and the handle, or NULL (*seg too, when no segment could be made) if no
 * worker could start.
 */
static BackgroundWorkerHandle *
GraphLaunch(StringInfo buf, MatInput *cands, int ncands, bool saving, dsm_segment **seg)
{
	Size		queue = MAXALIGN(add_size(offsetof(GraphWorkerShared, data), buf->len));
	GraphWorkerShared *shared;
	BackgroundWorkerHandle *handle;

	*seg = dsm_create(add_size(queue, ncands > 0 ? GRAPH_WORKER_QUEUE_SIZE : 0),
					  DSM_CREATE_NULL_IF_MAXSEGMENTS);
	if (*seg == NULL)
		return NULL;
	shared = dsm_segment_address(*seg);
	shared->state = GWS_NEW;
	shared->error[0] = '\0';
	shared->saving = saving;
	shared->ntables = ncands;
	shared->queue = queue;
	shared->len = buf->len;
	memcpy(shared->data, buf->data, buf->len);
	if (ncands > 0)
		shm_mq_set_sender(shm_mq_create((char *) shared + queue, GRAPH_WORKER_QUEUE_SIZE),
						  MyProc);
	handle = worker_start("eg graph", "eg graph recording a run", "eg_graph_worker",
						  UInt32GetDatum(dsm_segment_handle(*seg)));
	if (handle != NULL && ncands > 0)
		GraphSendTables(shared, *seg, handle, cands, ncands);
	return handle;
}

/*
 * Merge a finished run into the graph from a background worker and wait
 * for it to commit: graph_record_run's arguments (role: the run's), the
 * failed loads to forget (EgId *), and the run's computed tables for the
 * materializer to consider there (cands; ncands 0: the materializer does
 * not run; cands not NULL: a failed run is saved, and the worker waits for
 * a lock at most GRAPH_WORKER_SAVE_LOCK_TIMEOUT).  The caller holds no
 * graph_lock.  Never an error of the worker's: a NOTICE if no worker could
 * start, a WARNING if it failed.
 */
void
graph_record_in_worker(const char *name, Oid role, GraphStep *steps, int n,
					   TimestampTz started, double seconds, double saved,
					   List *failed, MatInput *cands, int ncands)
{
	StringInfoData buf;
	dsm_segment *seg;
	BackgroundWorkerHandle *handle;
	GraphWorkerShared *shared;

	GraphPutRun(&buf, name, role, steps, n, started, seconds, saved, failed);
	handle = GraphLaunch(&buf, cands, ncands, cands != NULL, &seg);
	pfree(buf.data);
	if (handle == NULL || !worker_wait(handle))
	{
		ereport(NOTICE,
				(errmsg("the run was not recorded in the experiment graph"),
				 seg == NULL ?
				 errdetail("No dynamic shared memory segment could be made for it.") :
				 errdetail("No background worker could be started to record it."),
				 cands != NULL ? errhint("Raise max_worker_processes.") :
				 errhint("Raise max_worker_processes, or run at READ COMMITTED.")));
		if (seg != NULL)
			dsm_detach(seg);
		return;
	}
	shared = dsm_segment_address(seg);
	if (shared->state != GWS_DONE)
		ereport(WARNING,
				(errmsg("could not record the run in the experiment graph"),
				 shared->state == GWS_FAILED ?
				 errdetail("Recording it failed: %s", shared->error) :
				 errdetail("The background worker recording it exited early."),
				 errhint("The server log of the \"eg graph\" worker has more.")));
	dsm_detach(seg);
}

/* Worker: receive the run's tables (table_queue.c). */
static MatInput *
GraphReceiveTables(GraphWorkerShared *shared, dsm_segment *seg, int *n)
{
	shm_mq	   *mq = (shm_mq *) ((char *) shared + shared->queue);
	shm_mq_handle *mqh;
	MatInput   *cands;

	*n = 0;
	if (shared->ntables == 0)
		return NULL;
	shm_mq_set_receiver(mq, MyProc);
	mqh = shm_mq_attach(mq, seg, NULL);
	cands = tq_receive_tables(mqh, n);
	shm_mq_detach(mqh);
	return cands;
}

/* Worker: merge the run in segment arg into the graph, then commit. */
void
eg_graph_worker(Datum arg)
{
	dsm_segment *seg;
	GraphWorkerShared *shared;

	worker_connect();
	/* the segment stays mapped until the worker exits, errors included */
	CurrentResourceOwner = ResourceOwnerCreate(NULL, "eg graph worker");
	seg = dsm_attach(DatumGetUInt32(arg));
	if (seg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("could not map the shared memory segment of a run to record")));
	shared = dsm_segment_address(seg);

	/* whatever the database's defaults: READ COMMITTED, read-write */
	SetConfigOption("default_transaction_isolation", "read committed",
					PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("default_transaction_read_only", "off", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("lock_timeout", shared->saving ? GRAPH_WORKER_SAVE_LOCK_TIMEOUT
					: GRAPH_WORKER_LOCK_TIMEOUT, PGC_SUSET, PGC_S_OVERRIDE);
	PG_TRY();
	{
		StringInfoData buf;
		GraphWorkerRun *run;
		MatInput   *cands;
		int			ncands;
		int64		workload;

		StartTransactionCommand();
		PushActiveSnapshot(GetTransactionSnapshot());
		buf.data = shared->data;
		buf.len = buf.maxlen = shared->len;
		buf.cursor = 0;
		run = GraphGetRun(&buf);
		cands = GraphReceiveTables(shared, seg, &ncands);
		materializer_prepare(cands, ncands);	/* before the lock */
		graph_lock();
		graph_forget_unstored(run->failed);
		workload = graph_record_run(run->name, run->role, run->steps, run->n,
									run->started, run->seconds, run->saved, 0);
		if (shared->ntables > 0)
			(void) materializer_run(cands, ncands, workload);
		materializer_release(cands, ncands);
		PopActiveSnapshot();
		CommitTransactionCommand();
		shared->state = GWS_DONE;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(TopMemoryContext);
		edata = CopyErrorData();
		strlcpy(shared->error, edata->message ? edata->message : "unknown error",
				GRAPH_WORKER_ERROR_LEN);
		shared->state = GWS_FAILED;
		PG_RE_THROW();
	}
	PG_END_TRY();
}
