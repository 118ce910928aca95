/*
 * flow.c - maximum flow and the minimum cut it leaves.
 *
 * The reuse planner reduces "which steps to load, which to compute" to a
 * minimum-weight closure, i.e. a minimum s-t cut (planner.c).  Two solvers
 * share one residual-graph representation (edge pairs e, e^1 in arrays, an
 * adjacency list through "next"): Dinic's algorithm (BFS levels, blocking
 * flows with per-node edge iterators), which eg uses, and Edmonds-Karp
 * (one shortest augmenting path per BFS), which is the Helix baseline the
 * paper compares against.  Capacities are seconds (doubles); FLOW_INF marks
 * the edges of "requires" constraints that no cut may cross.
 */
#include "postgres.h"

#include "miscadmin.h"

#include "flow.h"

#define FLOW_EPS 1e-12

struct FlowNet
{
	int			nnodes;
	int			nedges;
	int			maxedges;
	int		   *head;			/* first edge leaving each node, or -1 */
	int		   *next;			/* next edge leaving the same node */
	int		   *to;
	double	   *cap;			/* residual capacity */
	int		   *level;			/* BFS level (Dinic) or predecessor edge (EK) */
	int		   *iter;			/* Dinic's current edge per node */
	int		   *queue;
};

/* A network of nnodes nodes with room for about edge_hint edges. */
FlowNet *
flow_create(int nnodes, int edge_hint)
{
	FlowNet    *f = palloc(sizeof(FlowNet));

	f->nnodes = nnodes;
	f->nedges = 0;
	f->maxedges = Max(2 * edge_hint, 16);
	f->head = palloc(sizeof(int) * nnodes);
	memset(f->head, -1, sizeof(int) * nnodes);
	f->next = palloc(sizeof(int) * f->maxedges);
	f->to = palloc(sizeof(int) * f->maxedges);
	f->cap = palloc(sizeof(double) * f->maxedges);
	f->level = palloc(sizeof(int) * nnodes);
	f->iter = palloc(sizeof(int) * nnodes);
	f->queue = palloc(sizeof(int) * nnodes);
	return f;
}

/* Append one directed edge (without its reverse). */
static void
FlowAppend(FlowNet *f, int from, int to, double cap)
{
	if (f->nedges == f->maxedges)
	{
		f->maxedges *= 2;
		f->next = repalloc(f->next, sizeof(int) * f->maxedges);
		f->to = repalloc(f->to, sizeof(int) * f->maxedges);
		f->cap = repalloc(f->cap, sizeof(double) * f->maxedges);
	}
	f->to[f->nedges] = to;
	f->cap[f->nedges] = cap;
	f->next[f->nedges] = f->head[from];
	f->head[from] = f->nedges++;
}

/* Add an edge from -> to of capacity cap, and its zero-capacity reverse. */
void
flow_add_edge(FlowNet *f, int from, int to, double cap)
{
	FlowAppend(f, from, to, cap);
	FlowAppend(f, to, from, 0);
}

/* Dinic: BFS levels from s; true if t is reachable. */
static bool
FlowLevels(FlowNet *f, int s, int t)
{
	int			qh = 0,
				qt = 0;

	for (int i = 0; i < f->nnodes; i++)
		f->level[i] = -1;
	f->level[s] = 0;
	f->queue[qt++] = s;
	while (qh < qt)
	{
		int			u = f->queue[qh++];

		for (int e = f->head[u]; e >= 0; e = f->next[e])
			if (f->cap[e] > FLOW_EPS && f->level[f->to[e]] < 0)
			{
				f->level[f->to[e]] = f->level[u] + 1;
				f->queue[qt++] = f->to[e];
			}
	}
	return f->level[t] >= 0;
}

/* Dinic: push up to limit from u towards t along the level graph. */
static double
FlowPush(FlowNet *f, int u, int t, double limit)
{
	if (u == t)
		return limit;
	check_stack_depth();
	for (; f->iter[u] >= 0; f->iter[u] = f->next[f->iter[u]])
	{
		int			e = f->iter[u];
		int			v = f->to[e];

		if (f->cap[e] > FLOW_EPS && f->level[v] == f->level[u] + 1)
		{
			double		pushed = FlowPush(f, v, t, Min(limit, f->cap[e]));

			if (pushed > FLOW_EPS)
			{
				f->cap[e] -= pushed;
				f->cap[e ^ 1] += pushed;
				return pushed;
			}
		}
	}
	return 0;
}

/* Maximum s-t flow by Dinic's algorithm; leaves the residual network. */
double
flow_max_dinic(FlowNet *f, int s, int t)
{
	double		total = 0;

	while (FlowLevels(f, s, t))
	{
		double		pushed;

		memcpy(f->iter, f->head, sizeof(int) * f->nnodes);
		while ((pushed = FlowPush(f, s, t, FLOW_INF)) > FLOW_EPS)
		{
			total += pushed;
			CHECK_FOR_INTERRUPTS();
		}
	}
	return total;
}

/* Maximum s-t flow by Edmonds-Karp (shortest augmenting paths). */
double
flow_max_edmonds_karp(FlowNet *f, int s, int t)
{
	double		total = 0;
	int		   *pred = f->level;

	for (;;)
	{
		int			qh = 0,
					qt = 0;
		double		bottleneck = FLOW_INF;

		/* one BFS per augmenting path: on large graphs this takes a while */
		CHECK_FOR_INTERRUPTS();
		for (int i = 0; i < f->nnodes; i++)
			pred[i] = -1;
		f->queue[qt++] = s;
		while (qh < qt && pred[t] < 0)
		{
			int			u = f->queue[qh++];

			for (int e = f->head[u]; e >= 0; e = f->next[e])
			{
				int			v = f->to[e];

				if (f->cap[e] > FLOW_EPS && pred[v] < 0 && v != s)
				{
					pred[v] = e;
					f->queue[qt++] = v;
				}
			}
		}
		if (pred[t] < 0)
			return total;
		for (int v = t; v != s; v = f->to[pred[v] ^ 1])
			bottleneck = Min(bottleneck, f->cap[pred[v]]);
		for (int v = t; v != s; v = f->to[pred[v] ^ 1])
		{
			f->cap[pred[v]] -= bottleneck;
			f->cap[pred[v] ^ 1] += bottleneck;
		}
		total += bottleneck;
	}
}

/* After a max flow: side[i] is true for nodes reachable from s (the cut's source side). */
void
flow_source_side(FlowNet *f, int s, bool *side)
{
	int			qh = 0,
				qt = 0;

	memset(side, 0, sizeof(bool) * f->nnodes);
	side[s] = true;
	f->queue[qt++] = s;
	while (qh < qt)
	{
		int			u = f->queue[qh++];

		for (int e = f->head[u]; e >= 0; e = f->next[e])
			if (f->cap[e] > FLOW_EPS && !side[f->to[e]])
			{
				side[f->to[e]] = true;
				f->queue[qt++] = f->to[e];
			}
	}
}
