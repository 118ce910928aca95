/*
 * worker.h - short-lived background workers that do one thing for a
 * session, in their own transaction, while the session waits.
 */
#ifndef EG_WORKER_H
#define EG_WORKER_H

#include "lib/stringinfo.h"
#include "postmaster/bgworker.h"

extern BackgroundWorkerHandle *worker_start(const char *type, const char *name,
											const char *function, Datum arg);
extern bool worker_wait(BackgroundWorkerHandle *handle);
extern bool worker_run(const char *type, const char *name, const char *function,
					   Datum arg);
extern void worker_connect(void);
extern bool worker_lock_extension(void);
extern void worker_put_settings(StringInfo buf);
extern void worker_set_settings(StringInfo buf);

#endif							/* EG_WORKER_H */
