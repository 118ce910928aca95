/*
 * capture.h - eg.capture: CREATE TABLE AS, SELECT INTO and materialized
 * views as steps of the graph (capture.c), and their EXPLAIN
 * (capture_explain.c).
 */
#ifndef EG_CAPTURE_H
#define EG_CAPTURE_H

#include "nodes/parsenodes.h"

#include "executor.h"

extern bool eg_capture;

extern void capture_init(void);
extern bool capture_wanted(void);
extern RunState *capture_plan(Query *query, const char *relname, bool wait_stores);

/* capture_explain.c: EXPLAIN of a statement eg.capture would capture */
extern void capture_explain_init(void);

#endif							/* EG_CAPTURE_H */
