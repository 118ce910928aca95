/*
 * flow.h - maximum flow / minimum cut on small sparse networks.
 */
#ifndef EG_FLOW_H
#define EG_FLOW_H

/* Capacity that no cut can afford. */
#define FLOW_INF 1e300

typedef struct FlowNet FlowNet;

extern FlowNet *flow_create(int nnodes, int edge_hint);
extern void flow_add_edge(FlowNet *f, int from, int to, double cap);
extern double flow_max_dinic(FlowNet *f, int s, int t);
extern double flow_max_edmonds_karp(FlowNet *f, int s, int t);
extern void flow_source_side(FlowNet *f, int s, bool *side);

#endif							/* EG_FLOW_H */
