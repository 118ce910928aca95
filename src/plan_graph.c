/*
 * plan_graph.c - eg.plan_graph(graph jsonb, mode text): the planner alone.
 *
 * Input: {"vertices": [{"id": "a", "compute": 3.0, "load": 1.5, "live":
 * false}, ...], "edges": [["a", "b"], ...], "targets": ["b"]} ("load" null
 * or absent: not materialized; "live" absent: false).  Vertices may come in
 * any order; they are sorted topologically (Kahn), which also finds cycles.
 * Output: {"load": [...], "compute": [...], "live": [...], "cost": total},
 * ids in input order.  Every malformed input is an error that says what.
 */
#include "postgres.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "planner.h"

/* One vertex as read from the input. */
typedef struct PgVertex
{
	char	   *id;
	double		compute;
	double		load;
	bool		live;
	bool		target;
	int			nparents;
	int			maxparents;
	int		   *parents;		/* input indexes */
	int			nchildren;
	int			maxchildren;
	int		   *children;
} PgVertex;

/* Hash entry: vertex id -> input index. */
typedef struct PgIndex
{
	char		key[NAMEDATALEN * 2];
	int			index;
} PgIndex;

/* Error for malformed input. */
static void
PgFail(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid planner graph"),
			 errdetail("%s", detail)));
}

/* The value of key in an object container, or NULL. */
static JsonbValue *
PgGet(JsonbContainer *obj, const char *key)
{
	JsonbValue *res = palloc(sizeof(JsonbValue));

	return getKeyJsonValueFromContainer(obj, key, strlen(key), res);
}

/* The container of an array value, or an error naming what it is. */
static JsonbContainer *
PgArray(JsonbValue *v, const char *what)
{
	if (v == NULL || v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		PgFail(psprintf("\"%s\" must be an array.", what));
	return v->val.binary.data;
}

/* A string value, or an error. */
static char *
PgString(JsonbValue *v, const char *what)
{
	if (v == NULL || v->type != jbvString)
		PgFail(psprintf("%s must be a string.", what));
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/*
 * A cost: a number of seconds from 0 to PLANNER_MAX_COST (beyond it the
 * planner's cuts are unsound); null allowed when nullable (-1).
 */
static double
PgCost(JsonbValue *v, const char *what, const char *id, bool nullable)
{
	double		d;

	if ((v == NULL || v->type == jbvNull) && nullable)
		return -1;
	if (v == NULL || v->type != jbvNumeric)
		PgFail(psprintf("\"%s\" of vertex \"%s\" must be a number.", what, id));
	d = strtod(DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric))), NULL);
	if (isnan(d) || isinf(d) || d < 0)
		PgFail(psprintf("\"%s\" of vertex \"%s\" must be finite and not negative.", what, id));
	if (d > PLANNER_MAX_COST)
		PgFail(psprintf("\"%s\" of vertex \"%s\" must be at most %g seconds.",
						what, id, PLANNER_MAX_COST));
	return d;
}

/* Index of a vertex id, or an error naming where it was used. */
static int
PgLookup(HTAB *index, const char *id, const char *where)
{
	PgIndex    *e = NULL;

	if (strlen(id) < NAMEDATALEN * 2)
		e = hash_search(index, id, HASH_FIND, NULL);
	if (e == NULL)
		PgFail(psprintf("%s names unknown vertex \"%s\".", where, id));
	return e->index;
}

/* Append to an int array that doubles as needed. */
static void
PgAppend(int **arr, int *n, int *max, int value)
{
	if (*n == *max)
	{
		*max = Max(*max * 2, 4);
		*arr = *arr ? repalloc(*arr, sizeof(int) * *max) : palloc(sizeof(int) * *max);
	}
	(*arr)[(*n)++] = value;
}

/* Read the vertices, edges and targets of the input graph. */
static PgVertex *
PgRead(Jsonb *graph, int *nout)
{
	JsonbContainer *vs,
			   *es,
			   *ts;
	HTAB	   *index;
	HASHCTL		ctl;
	PgVertex   *v;
	int			n;

	if (!JB_ROOT_IS_OBJECT(graph))
		PgFail("The graph must be a JSON object.");
	vs = PgArray(PgGet(&graph->root, "vertices"), "vertices");
	es = PgArray(PgGet(&graph->root, "edges"), "edges");
	ts = PgArray(PgGet(&graph->root, "targets"), "targets");
	n = JsonContainerSize(vs);
	v = palloc0(sizeof(PgVertex) * Max(n, 1));
	ctl.keysize = NAMEDATALEN * 2;
	ctl.entrysize = sizeof(PgIndex);
	index = hash_create("eg plan_graph ids", Max(n, 16), &ctl, HASH_ELEM | HASH_STRINGS);
	for (int i = 0; i < n; i++)
	{
		JsonbValue *jv = getIthJsonbValueFromContainer(vs, i);
		JsonbContainer *obj;
		JsonbValue *live;
		bool		found;
		PgIndex    *e;

		if (jv->type != jbvBinary || !JsonContainerIsObject(jv->val.binary.data))
			PgFail("Every vertex must be a JSON object.");
		obj = jv->val.binary.data;
		v[i].id = PgString(PgGet(obj, "id"), "A vertex's \"id\"");
		if (strlen(v[i].id) >= NAMEDATALEN * 2)
			PgFail(psprintf("Vertex id \"%s\" is too long.", v[i].id));
		v[i].compute = PgCost(PgGet(obj, "compute"), "compute", v[i].id, false);
		v[i].load = PgCost(PgGet(obj, "load"), "load", v[i].id, true);
		live = PgGet(obj, "live");
		if (live != NULL && live->type != jbvBool && live->type != jbvNull)
			PgFail(psprintf("\"live\" of vertex \"%s\" must be true or false.", v[i].id));
		v[i].live = live != NULL && live->type == jbvBool && live->val.boolean;
		e = hash_search(index, v[i].id, HASH_ENTER, &found);
		if (found)
			PgFail(psprintf("Vertex \"%s\" is given twice.", v[i].id));
		e->index = i;
	}
	for (int i = 0; i < (int) JsonContainerSize(es); i++)
	{
		JsonbValue *jv = getIthJsonbValueFromContainer(es, i);
		JsonbContainer *pair;
		int			from,
					to;

		if (jv->type != jbvBinary || !JsonContainerIsArray(jv->val.binary.data) ||
			JsonContainerSize(jv->val.binary.data) != 2)
			PgFail("Every edge must be an array of two vertex ids.");
		pair = jv->val.binary.data;
		from = PgLookup(index, PgString(getIthJsonbValueFromContainer(pair, 0), "An edge's vertex"), "An edge");
		to = PgLookup(index, PgString(getIthJsonbValueFromContainer(pair, 1), "An edge's vertex"), "An edge");
		PgAppend(&v[to].parents, &v[to].nparents, &v[to].maxparents, from);
		PgAppend(&v[from].children, &v[from].nchildren, &v[from].maxchildren, to);
	}
	if (JsonContainerSize(ts) == 0)
		PgFail("At least one target is needed.");
	for (int i = 0; i < (int) JsonContainerSize(ts); i++)
		v[PgLookup(index, PgString(getIthJsonbValueFromContainer(ts, i), "A target"), "A target")].target = true;
	*nout = n;
	return v;
}

/* Topological order of the input vertices (Kahn); error on a cycle. */
static int *
PgTopoOrder(PgVertex *v, int n)
{
	int		   *indeg = palloc0(sizeof(int) * Max(n, 1));
	int		   *order = palloc(sizeof(int) * Max(n, 1));
	int			head = 0,
				tail = 0;

	for (int i = 0; i < n; i++)
		indeg[i] = v[i].nparents;
	for (int i = 0; i < n; i++)
		if (indeg[i] == 0)
			order[tail++] = i;
	while (head < tail)
	{
		int			u = order[head++];

		for (int c = 0; c < v[u].nchildren; c++)
			if (--indeg[v[u].children[c]] == 0)
				order[tail++] = v[u].children[c];
	}
	if (tail < n)
		PgFail("The edges form a cycle.");
	return order;
}

/* Append a JSON array of the ids whose action is act, in input order. */
static void
PgAppendIds(StringInfo out, const char *key, PgVertex *v, int n, const int *pos,
			const EgAction *actions, EgAction act)
{
	bool		first = true;

	appendStringInfo(out, "\"%s\": [", key);
	for (int i = 0; i < n; i++)
		if (actions[pos[i]] == act)
		{
			if (!first)
				appendStringInfoString(out, ", ");
			escape_json(out, v[i].id);
			first = false;
		}
	appendStringInfoChar(out, ']');
}

/* Mode by name, or an error. */
static EgReuse
PgMode(const char *name)
{
	static const struct
	{
		const char *name;
		EgReuse		mode;
	}			modes[] = {
		{"optimal", EG_REUSE_OPTIMAL}, {"linear", EG_REUSE_LINEAR},
		{"helix", EG_REUSE_HELIX}, {"all_load", EG_REUSE_ALL_LOAD},
		{"all_compute", EG_REUSE_ALL_COMPUTE}
	};

	for (int i = 0; i < lengthof(modes); i++)
		if (strcmp(name, modes[i].name) == 0)
			return modes[i].mode;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown planner mode \"%s\"", name),
			 errhint("Modes are optimal, linear, helix, all_load and all_compute.")));
	return EG_REUSE_OPTIMAL;
}

PG_FUNCTION_INFO_V1(eg_plan_graph);
/* eg.plan_graph(graph, mode): plan a given DAG with given costs. */
Datum
eg_plan_graph(PG_FUNCTION_ARGS)
{
	Jsonb	   *graph = PG_GETARG_JSONB_P(0);
	EgReuse		mode = PgMode(text_to_cstring(PG_GETARG_TEXT_PP(1)));
	int			n;
	PgVertex   *v = PgRead(graph, &n);
	int		   *order = PgTopoOrder(v, n);
	int		   *pos = palloc(sizeof(int) * Max(n, 1));	/* input index -> plan index */
	PlanVertex *pv = palloc0(sizeof(PlanVertex) * Max(n, 1));
	EgAction   *actions = palloc(sizeof(EgAction) * Max(n, 1));
	StringInfoData out;
	double		cost;

	for (int k = 0; k < n; k++)
		pos[order[k]] = k;
	for (int k = 0; k < n; k++)
	{
		PgVertex   *src = &v[order[k]];
		int		   *parents = palloc(sizeof(int) * Max(src->nparents, 1));

		for (int p = 0; p < src->nparents; p++)
			parents[p] = pos[src->parents[p]];
		pv[k].compute = src->compute;
		pv[k].load = src->load;
		pv[k].live = src->live;
		pv[k].target = src->target;
		pv[k].nparents = src->nparents;
		pv[k].parents = parents;
	}
	cost = planner_plan(pv, n, mode, actions);

	initStringInfo(&out);
	appendStringInfoChar(&out, '{');
	PgAppendIds(&out, "load", v, n, pos, actions, EG_ACT_LOAD);
	appendStringInfoString(&out, ", ");
	PgAppendIds(&out, "compute", v, n, pos, actions, EG_ACT_COMPUTE);
	appendStringInfoString(&out, ", ");
	PgAppendIds(&out, "live", v, n, pos, actions, EG_ACT_LIVE);
	appendStringInfo(&out, ", \"cost\": %.17g}", cost);
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(out.data)));
}
