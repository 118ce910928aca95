/*
 * changes.c - what changed since a step's last run, in words for
 * eg.explain.
 *
 * A step's id is a hash: once it differs, the hash alone cannot say why.
 * So every artifact a run computes records its facets beside its
 * operation (eg.operation.facets): what its id covers, as key and value
 * pairs - its query's fingerprint (a model: its params and warm start),
 * each input step's id, each table's source id (those it names and its
 * read set), each user function's definition digest, and the settings'
 * values when the step depends on them.  The facets mirror ident.c's ids;
 * they are a description, never compared to decide a reuse.
 *
 * When explain finds a step's id new to the graph, it takes the step's
 * last run - the latest run (of a role the caller has) of a workload of the
 * same name with a step of the same name, else the latest run of a step of
 * the same fingerprint - and names the facets that differ now:
 * "computed: table public.big changed since the last run (12:03)".
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "common/cryptohash.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/fmgrprotos.h"
#include "utils/syscache.h"

#include "changes.h"
#include "graph.h"
#include "spi.h"

/* At most this many differences are named; the rest are counted. */
#define CHANGES_MAX_NAMED 3

/* The statements looking up a step's last run. */
typedef enum ChangesStmtId
{
	CS_BY_NAME,
	CS_BY_FINGERPRINT
} ChangesStmtId;

/* The last run of a step (where: which), as seen by role $1. */
#define CHANGES_LAST_RUN(where) \
	"SELECT o.facets, CASE WHEN w.started::date = now()::date " \
	"THEN to_char(w.started, 'HH24:MI') ELSE to_char(w.started, 'YYYY-MM-DD HH24:MI') END AS at " \
	"FROM eg.workload w JOIN eg.workload_step s ON s.workload = w.id " \
	"JOIN eg.operation o ON o.output = s.artifact " \
	"WHERE " where " AND o.facets IS NOT NULL AND pg_has_role($1, w.role, 'USAGE') " \
	"ORDER BY w.id DESC LIMIT 1"

static EgStmt changes_stmts[] = {
	[CS_BY_NAME] = EG_STMT(CHANGES_LAST_RUN("w.name = $2 AND s.step = $3"),
						   SPI_OK_SELECT, 3, OIDOID, TEXTOID, TEXTOID),
	[CS_BY_FINGERPRINT] = EG_STMT(CHANGES_LAST_RUN("o.fingerprint = $2"),
								  SPI_OK_SELECT, 2, OIDOID, BYTEAOID),
};

/* The hex form of len bytes. */
static char *
ChangesHex(const uint8 *bytes, int len)
{
	char	   *hex = palloc(len * 2 + 1);

	hex[hex_encode((const char *) bytes, len, hex)] = '\0';
	return hex;
}

/* Append one facet, key then value. */
static List *
ChangesAdd(List *facets, const char *key, const char *value)
{
	return lappend(lappend(facets, pstrdup(key)), pstrdup(value));
}

/* The facets of the tables of sources (EgSource *), by kind and qualified name. */
static List *
ChangesTables(List *facets, const char *kind, List *sources)
{
	ListCell   *lc;

	foreach(lc, sources)
	{
		EgSource   *src = (EgSource *) lfirst(lc);
		char	   *name = get_rel_name(src->relid);

		if (name != NULL)
			facets = ChangesAdd(facets,
								psprintf("%s %s", kind,
										 quote_qualified_identifier(get_namespace_name(get_rel_namespace(src->relid)),
																	name)),
								eg_id_to_hex(&src->id));
	}
	return facets;
}

/* The facets of user functions by kind: their definitions' digests. */
static List *
ChangesFunctions(List *facets, const char *kind, List *funcids)
{
	ListCell   *lc;

	foreach(lc, funcids)
	{
		uint8		digest[PG_SHA256_DIGEST_LENGTH];

		if (!SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(lfirst_oid(lc))))
			continue;
		ident_function_digest(lfirst_oid(lc), digest);
		facets = ChangesAdd(facets,
							psprintf("%s %s", kind, format_procedure_qualified(lfirst_oid(lc))),
							ChangesHex(digest, EG_ID_LEN));
	}
	return facets;
}

/* What step's id covers now, as facets (key, value, key, value, ...). */
List *
changes_facets(EgWorkload *wl, EgStep *step)
{
	List	   *facets = NIL;

	if (step->info)
		facets = ChangesAdd(facets, "query", ChangesHex(step->info->fingerprint, EG_ID_LEN));
	else
	{
		facets = ChangesAdd(facets, "params",
							DatumGetCString(DirectFunctionCall1(jsonb_out, JsonbPGetDatum(step->params))));
		if (step->has_warm)
			facets = ChangesAdd(facets, "warm start", eg_id_to_hex(&step->warm_id));
	}
	for (int p = 0; p < step->ninputs; p++)
		facets = ChangesAdd(facets, psprintf("step %s", wl->steps[step->inputs[p]]->name),
							eg_id_to_hex(&wl->steps[step->inputs[p]]->id));
	facets = ChangesTables(facets, "table", step->sources);
	facets = ChangesTables(facets, "read table", step->reads);
	facets = ChangesFunctions(facets, "function", step->info ? step->info->funcids
							  : list_make1_oid(step->train));
	facets = ChangesFunctions(facets, "read function", step->read_funcs);
	if (step->info && step->info->settings_dependent)
	{
		int			n;
		const char *const *names = ident_setting_names(&n);

		for (int i = 0; i < n; i++)
			facets = ChangesAdd(facets, psprintf("setting %s", names[i]),
								GetConfigOption(names[i], true, false));
	}
	return facets;
}

/*
 * How a step's last run is found by fingerprint: its query's, or for a
 * model its train function and params.
 */
void
changes_fingerprint(EgStep *step, uint8 *out)
{
	pg_cryptohash_ctx *ctx;
	char	   *what;

	if (step->info)
	{
		memcpy(out, step->info->fingerprint, PG_SHA256_DIGEST_LENGTH);
		return;
	}
	what = psprintf("model %u %s", step->train,
					DatumGetCString(DirectFunctionCall1(jsonb_out, JsonbPGetDatum(step->params))));
	ctx = pg_cryptohash_create(PG_SHA256);
	if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) what, strlen(what)) < 0 ||
		pg_cryptohash_final(ctx, out, PG_SHA256_DIGEST_LENGTH) < 0)
		elog(ERROR, "could not compute a SHA-256 digest: %s", pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
}

/* The value of key in facets, or NULL. */
static const char *
ChangesValue(List *facets, const char *key)
{
	for (int i = 0; i + 1 < list_length(facets); i += 2)
		if (strcmp((char *) list_nth(facets, i), key) == 0)
			return (char *) list_nth(facets, i + 1);
	return NULL;
}

/*
 * The facets of the read set of before, as the tables and functions of
 * those names are now (a step's read set is known only once it computed).
 */
static List *
ChangesReadsNow(List *before)
{
	List	   *now = NIL;

	for (int i = 0; i + 1 < list_length(before); i += 2)
	{
		const char *key = list_nth(before, i);

		if (strncmp(key, "read table ", 11) == 0)
		{
			RangeVar   *rv = makeRangeVarFromNameList(stringToQualifiedNameList(key + 11));
			Oid			relid = RangeVarGetRelid(rv, NoLock, true);

			if (OidIsValid(relid))
				now = ChangesTables(now, "read table", ident_sources(list_make1_oid(relid)));
		}
		else if (strncmp(key, "read function ", 14) == 0)
		{
			Datum		f = DirectFunctionCall1(to_regprocedure,
												CStringGetTextDatum(key + 14));

			if (f != (Datum) 0)
				now = ChangesFunctions(now, "read function", list_make1_oid(DatumGetObjectId(f)));
		}
	}
	return now;
}

/* One difference in words: key's value went from before to now (either NULL). */
static char *
ChangesPhrase(const char *key, const char *before, const char *now)
{
	const char *space = strchr(key, ' ');
	const char *name = space ? space + 1 : key;

	if (strcmp(key, "query") == 0)
		return "its query changed";
	if (strcmp(key, "params") == 0)
		return "its params changed";
	if (strcmp(key, "warm start") == 0)
		return now ? "it starts from another model" : "it no longer starts from a model";
	if (strncmp(key, "setting ", 8) == 0)
		return before && now ? psprintf("setting %s changed (%s, was %s)", name, now, before)
			: psprintf("it %s depends on setting %s", now ? "now" : "no longer", name);
	if (strncmp(key, "step ", 5) == 0)
		return before && now ? psprintf("input step \"%s\" changed", name)
			: psprintf("it %s reads step \"%s\"", now ? "now" : "no longer", name);
	if (strncmp(key, "read ", 5) == 0)
	{
		bool		table = strncmp(key, "read table ", 11) == 0;

		return before && now ?
			psprintf("%s, which its functions %s, changed", key + 5, table ? "read" : "call")
			: psprintf("its functions %s %s %s", now ? "now" : "no longer",
					   table ? "read" : "call", key + 5);
	}
	if (before && now)
		return psprintf("%s changed", key);
	return psprintf("it %s %s %s", now ? "now" : "no longer",
					strncmp(key, "table ", 6) == 0 ? "reads" : "calls", key);
}

/* The differences between facets before and now, in words. */
static List *
ChangesPhrases(List *before, List *now)
{
	List	   *phrases = NIL;

	for (int i = 0; i + 1 < list_length(now); i += 2)
	{
		const char *key = list_nth(now, i);
		const char *was = ChangesValue(before, key);

		if (was == NULL || strcmp(was, (char *) list_nth(now, i + 1)) != 0)
			phrases = lappend(phrases, ChangesPhrase(key, was, list_nth(now, i + 1)));
	}
	for (int i = 0; i + 1 < list_length(before); i += 2)
		if (ChangesValue(now, list_nth(before, i)) == NULL)
			phrases = lappend(phrases, ChangesPhrase(list_nth(before, i), list_nth(before, i + 1),
													 NULL));
	return phrases;
}

/*
 * The facets of the last run that stmt finds with values ($1, the caller,
 * is filled in here), and its time; false if there is none.
 */
static bool
ChangesLastRun(ChangesStmtId stmt, Datum *values, List **facets, char **at)
{
	Datum	   *elems;
	bool	   *elnulls;
	int			n;

	values[0] = ObjectIdGetDatum(GetUserId());
	if (eg_spi_exec(&changes_stmts[stmt], values, NULL, true) == 0)
		return false;
	deconstruct_array(DatumGetArrayTypeP(eg_spi_get_notnull(0, "facets")), TEXTOID, -1, false,
					  TYPALIGN_INT, &elems, &elnulls, &n);
	*facets = NIL;
	for (int i = 0; i < n; i++)
		*facets = lappend(*facets, elnulls[i] ? "" : TextDatumGetCString(elems[i]));
	*at = TextDatumGetCString(eg_spi_get_notnull(0, "at"));
	return true;
}

/*
 * Why step (of workload wl, its id new to the graph) is computed, naming
 * what changed since its last run; NULL if no earlier run is recorded.
 */
char *
changes_since_last_run(EgWorkload *wl, EgStep *step)
{
	uint8		fingerprint[PG_SHA256_DIGEST_LENGTH];
	List	   *before;
	List	   *now;
	List	   *phrases;
	char	   *at;
	StringInfoData buf;
	ListCell   *lc;
	Datum		by_name[3];
	Datum		by_fingerprint[2];
	bool		found;

	if (!graph_has_read_sets())
		return NULL;			/* a schema of eg 0.2: no facets */
	changes_fingerprint(step, fingerprint);
	by_name[1] = wl->name ? CStringGetTextDatum(wl->name) : (Datum) 0;
	by_name[2] = CStringGetTextDatum(step->name);
	by_fingerprint[1] = PointerGetDatum(cstring_to_text_with_len((char *) fingerprint,
																 PG_SHA256_DIGEST_LENGTH));
	eg_spi_connect();
	found = (wl->name != NULL && ChangesLastRun(CS_BY_NAME, by_name, &before, &at)) ||
		ChangesLastRun(CS_BY_FINGERPRINT, by_fingerprint, &before, &at);
	eg_spi_finish();
	if (!found)
		return NULL;
	now = changes_facets(wl, step);
	/* a read set not known yet: what the last run's functions read, now */
	if (step->reads == NIL && step->read_funcs == NIL)
		now = list_concat(now, ChangesReadsNow(before));
	phrases = ChangesPhrases(before, now);
	if (phrases == NIL)
		return psprintf("computed: its id differs from its last run's (%s)", at);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "computed: ");
	foreach(lc, phrases)
	{
		int			i = foreach_current_index(lc);

		if (i == CHANGES_MAX_NAMED)
		{
			appendStringInfo(&buf, " and %d more", list_length(phrases) - i);
			break;
		}
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", (char *) lfirst(lc));
	}
	appendStringInfo(&buf, " since the last run (%s)", at);
	return buf.data;
}
