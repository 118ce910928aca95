/*
 * capture.h - eg.capture: CREATE TABLE AS, SELECT INTO and materialized
 * views as steps of the graph (capture.c), their loads (capture_load.c)
 * and their EXPLAIN (capture_explain.c).
 */
#ifndef EG_CAPTURE_H
#define EG_CAPTURE_H

#include "executor/execdesc.h"
#include "nodes/parsenodes.h"

#include "executor.h"

extern bool eg_capture;

extern void capture_init(void);
extern bool capture_wanted(void);
extern RunState *capture_plan(Query *query, const char *relname);
extern ErrorData *capture_try(void (*fn) (void *arg), void *arg);

/* capture_load.c: a captured statement's rows from the store */
extern bool capture_load(const EgId *id, QueryDesc *qd, int64 *rows, List **damaged,
						 ErrorData **error);

/* capture_explain.c: EXPLAIN of a statement eg.capture would capture */
extern void capture_explain_init(void);

#endif							/* EG_CAPTURE_H */
