/*
 * worker.c - short-lived background workers that do one thing for a
 * session, in their own transaction, while the session waits.
 *
 * Some of eg's work must not happen in the user's transaction: installing
 * a table's change trigger (track.c) would hold a lock that excludes the
 * table's writers until the user commits; merging a run into the graph at
 * REPEATABLE READ or SERIALIZABLE (graph_worker.c) would make eg's writes
 * part of a transaction whose snapshot predates other sessions' records.
 * Both start a dynamic background worker of this library, connected to the
 * session's database as the bootstrap superuser (eg's statements run as the
 * extension owner anyway, spi.c), never restarted, and wait until it exits.
 * What the worker did is read back from the catalogs or from shared memory
 * by the caller.
 */
#include "postgres.h"

#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "libpq/pqformat.h"
#include "postmaster/bgworker.h"
#include "storage/lmgr.h"
#include "utils/guc.h"

#include "worker.h"

/*
 * Start worker function (of this library) with argument arg, connected to
 * this database; its handle, or NULL if no worker could be started
 * (max_worker_processes reached, or not under a postmaster).
 */
BackgroundWorkerHandle *
worker_start(const char *type, const char *name, const char *function, Datum arg)
{
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle;

	memset(&worker, 0, sizeof(worker));
	snprintf(worker.bgw_name, BGW_MAXLEN, "%s", name);
	snprintf(worker.bgw_type, BGW_MAXLEN, "%s", type);
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "eg");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "%s", function);
	worker.bgw_main_arg = arg;
	memcpy(worker.bgw_extra, &MyDatabaseId, sizeof(Oid));
	worker.bgw_notify_pid = MyProcPid;
	if (!RegisterDynamicBackgroundWorker(&worker, &handle))
		return NULL;
	return handle;
}

/*
 * Wait until a worker started by worker_start exits: true once it did,
 * whatever it did, false if the postmaster died.  Interruptible: a cancel
 * while waiting is an error here; the worker goes on.
 */
bool
worker_wait(BackgroundWorkerHandle *handle)
{
	return WaitForBackgroundWorkerShutdown(handle) == BGWH_STOPPED;
}

/* worker_start, then worker_wait; false if either failed. */
bool
worker_run(const char *type, const char *name, const char *function, Datum arg)
{
	BackgroundWorkerHandle *handle = worker_start(type, name, function, arg);

	return handle != NULL && worker_wait(handle);
}

/* In a worker started by worker_run: take signals, connect to the database. */
void
worker_connect(void)
{
	Oid			dbid;

	memcpy(&dbid, MyBgworkerEntry->bgw_extra, sizeof(Oid));
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(dbid, InvalidOid, 0);
}

/*
 * In a worker's transaction: share-lock extension eg, as DROP EXTENSION
 * locks it exclusively before any of its tables.  So a DROP waits for the
 * worker's transaction, or the worker for the DROP, instead of each taking
 * some of eg's tables and waiting for the other's (a deadlock).  False if
 * eg is not (or no longer) installed.
 */
bool
worker_lock_extension(void)
{
	Oid			ext = get_extension_oid("eg", true);

	if (!OidIsValid(ext))
		return false;
	LockDatabaseObject(ExtensionRelationId, ext, 0, AccessShareLock);
	/* a DROP that committed while we waited took it away (or made it anew) */
	return get_extension_oid("eg", true) == ext;
}

/* eg's settings the materializer reads: a worker takes the session's. */
static const char *const WorkerSettings[] = {
	"eg.budget", "eg.materializer", "eg.alpha", "eg.compression_level"
};

/* Append this session's values of eg's materializer settings to buf. */
void
worker_put_settings(StringInfo buf)
{
	for (int i = 0; i < lengthof(WorkerSettings); i++)
		pq_sendstring(buf, GetConfigOption(WorkerSettings[i], false, false));
}

/* In a worker: take the settings worker_put_settings wrote into buf. */
void
worker_set_settings(StringInfo buf)
{
	for (int i = 0; i < lengthof(WorkerSettings); i++)
		SetConfigOption(WorkerSettings[i], pq_getmsgstring(buf), PGC_SUSET, PGC_S_SESSION);
}
