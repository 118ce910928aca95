/*
 * store_async.h - eg.store_async: a run's computed tables stored by a
 * background worker once the run commits.
 */
#ifndef EG_STORE_ASYNC_H
#define EG_STORE_ASYNC_H

#include "materializer.h"

typedef struct StoreAsync StoreAsync;

extern StoreAsync *store_async_early(void);
extern StoreAsync *store_async_sized(MatInput *cands, int n);
extern bool store_async_hand(StoreAsync *sa, MatInput *cands, int n);
extern bool store_async_finish(StoreAsync *sa, int64 workload, MatInput *cands, int n);
extern void store_async_wait(const EgId *ids, int n);
extern PGDLLEXPORT void eg_store_worker(Datum arg);

#endif							/* EG_STORE_ASYNC_H */
