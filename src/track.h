/*
 * track.h - data versions of base tables (change triggers and their log).
 */
#ifndef EG_TRACK_H
#define EG_TRACK_H

#include "eg.h"
#include "utils/snapshot.h"

extern bool track_relation(Oid relid);
extern Oid	track_trigger_function(const char *name);
extern void track_retry_busy(void);
extern char *track_version(Oid relid, Snapshot snapshot);
extern void track_log_change(Oid relid);
extern uint64 track_installs(void);
extern void track_compact(void);
extern PGDLLEXPORT void eg_track_worker(Datum arg);

#endif							/* EG_TRACK_H */
