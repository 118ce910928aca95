/*
 * table_queue.h - handing a session's temp tables to a background worker
 * through a shared-memory queue.
 */
#ifndef EG_TABLE_QUEUE_H
#define EG_TABLE_QUEUE_H

#include "storage/shm_mq.h"

#include "eg.h"

extern bool tq_send_table(shm_mq_handle *mqh, const EgId *id, Oid relid);
extern void tq_send_end(shm_mq_handle *mqh);
extern Oid	tq_receive_table(shm_mq_handle *mqh, const char *name, EgId *id);

#endif							/* EG_TABLE_QUEUE_H */
