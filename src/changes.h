/*
 * changes.h - what changed since a step's last run (eg.explain's reasons).
 */
#ifndef EG_CHANGES_H
#define EG_CHANGES_H

#include "workload.h"

extern List *changes_facets(EgWorkload *wl, EgStep *step);
extern void changes_fingerprint(EgStep *step, uint8 *out);
extern char *changes_since_last_run(EgWorkload *wl, EgStep *step);

#endif							/* EG_CHANGES_H */
