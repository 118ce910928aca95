/*
 * capture.h - eg.capture: CREATE TABLE AS, SELECT INTO and materialized
 * views as steps of the graph (capture.c).
 */
#ifndef EG_CAPTURE_H
#define EG_CAPTURE_H

extern bool eg_capture;

extern void capture_init(void);

#endif							/* EG_CAPTURE_H */
