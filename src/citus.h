/*
 * citus.h - eg on a Citus coordinator (citus.c).
 */
#ifndef EG_CITUS_H
#define EG_CITUS_H

extern bool citus_table(Oid relid);
extern bool citus_tracks(Oid relid);
extern bool citus_store_distributed(void);
extern void citus_settle(void);
extern void citus_init(void);
extern PGDLLEXPORT void eg_citus_recover_worker(Datum arg);

#endif							/* EG_CITUS_H */
