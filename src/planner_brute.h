/*
 * planner_brute.h - the reuse planners' test oracle: the cheapest plan by
 * brute force.  It exists for the planners' tests and benchmarks alone
 * (eg._planner_check and eg._planner_bench in planner_check.c, the fuzz/
 * planner target), which check what eg.run and eg.plan_graph plan against
 * it; nothing shipped plans with it.
 */
#ifndef EG_PLANNER_BRUTE_H
#define EG_PLANNER_BRUTE_H

#include "planner.h"

/* Most vertices planner_brute_force takes (it tries 2^n sets of loads). */
#define PLANNER_BRUTE_MAX 20

extern double planner_brute_force(const PlanVertex *v, int n);

#endif							/* EG_PLANNER_BRUTE_H */
