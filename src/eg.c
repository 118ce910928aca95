/*
 * eg.c - module entry: settings (GUCs) and the switch to the owner's rights.
 *
 * eg's tables live in schema eg, owned by the extension's owner and closed
 * to everybody else.  Code that touches them switches to the owner for the
 * duration of the statement with eg_become_owner(), which also pins
 * search_path so that nothing of the caller's can be picked up by name.
 * Users' own queries always run as the calling role.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "eg.h"

/*
 * eg reads PostgreSQL 15's internals (the parse tree, plan cache, SPI and
 * relation layouts); other major versions need porting first.
 */
#if PG_VERSION_NUM < 150000 || PG_VERSION_NUM >= 160000
#error "eg supports PostgreSQL 15 only: build it with a PostgreSQL 15 pg_config (make PG_CONFIG=/path/to/15/bin/pg_config)"
#endif

PG_MODULE_MAGIC;

int			eg_budget_kb = 1024 * 1024;
int			eg_materializer = EG_MAT_STORAGE_AWARE;
int			eg_reuse = EG_REUSE_OPTIMAL;
double		eg_alpha = 0.5;
int			eg_compression_level = 1;
bool		eg_progress = true;

static const struct config_enum_entry EgMaterializerOptions[] = {
	{"storage_aware", EG_MAT_STORAGE_AWARE, false},
	{"heuristic", EG_MAT_HEURISTIC, false},
	{"helix", EG_MAT_HELIX, false},
	{"all", EG_MAT_ALL, false},
	{"none", EG_MAT_NONE, false},
	{NULL, 0, false}
};

static const struct config_enum_entry EgReuseOptions[] = {
	{"optimal", EG_REUSE_OPTIMAL, false},
	{"linear", EG_REUSE_LINEAR, false},
	{"helix", EG_REUSE_HELIX, false},
	{"all_load", EG_REUSE_ALL_LOAD, false},
	{"all_compute", EG_REUSE_ALL_COMPUTE, false},
	{NULL, 0, false}
};

void		_PG_init(void);

/* Define eg's settings. */
void
_PG_init(void)
{
	/*
	 * The store is shared by every role of the database: a budget any role
	 * could set would let it evict everybody's artifacts (SET eg.budget = 0;
	 * SELECT eg.materialize()) or fill the disk.  Superusers set it, or
	 * roles granted SET on it (GRANT SET ON PARAMETER eg.budget).
	 */
	DefineCustomIntVariable("eg.budget",
							"Storage budget of eg's artifact store.",
							"Compressed, deduplicated bytes; the materializer keeps the store within it.",
							&eg_budget_kb, 1024 * 1024, 0, INT_MAX,
							PGC_SUSET, GUC_UNIT_KB, NULL, NULL, NULL);
	DefineCustomEnumVariable("eg.materializer",
							 "Policy that chooses which artifacts to keep.",
							 NULL, &eg_materializer, EG_MAT_STORAGE_AWARE,
							 EgMaterializerOptions, PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomEnumVariable("eg.reuse",
							 "Algorithm that chooses which steps to load.",
							 NULL, &eg_reuse, EG_REUSE_OPTIMAL,
							 EgReuseOptions, PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomRealVariable("eg.alpha",
							 "Weight of model quality against cost and size in the utility.",
							 NULL, &eg_alpha, 0.5, 0.0, 1.0,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("eg.compression_level",
							"zstd level for stored artifacts.",
							NULL, &eg_compression_level, 1, 1, 19,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomBoolVariable("eg.progress",
							 "Report each finished step of eg.run with a NOTICE.",
							 NULL, &eg_progress, true,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	MarkGUCPrefixReserved("eg");
}

/* The owner of eg's schema (the extension's owner). */
Oid
eg_owner(void)
{
	Oid			nsp = get_namespace_oid("eg", false);
	HeapTuple	tup = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(nsp));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for namespace %u", nsp);
	owner = ((Form_pg_namespace) GETSTRUCT(tup))->nspowner;
	ReleaseSysCache(tup);
	return owner;
}

/* Switch to the owner's rights with a pinned search_path. */
void
eg_become_owner(EgUserSwitch *sw)
{
	GetUserIdAndSecContext(&sw->saved_user, &sw->saved_sec_context);
	SetUserIdAndSecContext(eg_owner(),
						   sw->saved_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	sw->guc_nest = NewGUCNestLevel();
	(void) set_config_option("search_path", "eg, pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
}

/* Back to the rights and search_path saved by eg_become_owner. */
void
eg_restore_user(const EgUserSwitch *sw)
{
	AtEOXact_GUC(true, sw->guc_nest);
	SetUserIdAndSecContext(sw->saved_user, sw->saved_sec_context);
}

PG_FUNCTION_INFO_V1(eg_budget_bytes);
/* eg.budget in bytes. */
Datum
eg_budget_bytes(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(EG_BUDGET_BYTES());
}
