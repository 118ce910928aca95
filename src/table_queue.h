/*
 * table_queue.h - handing a session's temp tables to a background worker
 * through a shared-memory queue.
 */
#ifndef EG_TABLE_QUEUE_H
#define EG_TABLE_QUEUE_H

#include "storage/shm_mq.h"

#include "materializer.h"

extern bool tq_send_tables(shm_mq_handle *mqh, const MatInput *tables, int n, bool *sent);
extern MatInput *tq_receive_tables(shm_mq_handle *mqh, int *n);

#endif							/* EG_TABLE_QUEUE_H */
