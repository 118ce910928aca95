/*
 * eg.c - module entry: settings (GUCs), the executor hook of read sets and
 * eg.capture's hooks.
 *
 * eg's tables live in schema eg, owned by the extension's owner and closed
 * to everybody else; spi.c runs every statement on them as the owner.
 */
#include "postgres.h"

#include <limits.h>

#include "utils/guc.h"

#include "capture.h"
#include "citus.h"
#include "eg.h"
#include "readset.h"

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
int			eg_store_async = EG_STORE_ASYNC_AUTO;
int			eg_store_async_min_kb = 16384;

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

/* on/off and their boolean spellings, as for PostgreSQL's own enums */
static const struct config_enum_entry EgStoreAsyncOptions[] = {
	{"auto", EG_STORE_ASYNC_AUTO, false},
	{"on", EG_STORE_ASYNC_ON, false},
	{"off", EG_STORE_ASYNC_OFF, false},
	{"true", EG_STORE_ASYNC_ON, true},
	{"false", EG_STORE_ASYNC_OFF, true},
	{"yes", EG_STORE_ASYNC_ON, true},
	{"no", EG_STORE_ASYNC_OFF, true},
	{"1", EG_STORE_ASYNC_ON, true},
	{"0", EG_STORE_ASYNC_OFF, true},
	{NULL, 0, false}
};

void		_PG_init(void);

/* Define eg's settings. */
void
_PG_init(void)
{
	/*
	 * The store is shared by every role of the database: what it keeps is
	 * the server's to decide.  A budget, a policy or a weight any role could
	 * set would let it evict everybody's artifacts (SET eg.budget = 0, or
	 * eg.materializer = heuristic with eg.alpha = 1; SELECT
	 * eg.materialize()) or fill the disk.  Superusers set them, or roles
	 * granted SET on them (GRANT SET ON PARAMETER eg.materializer).  The
	 * reuse algorithm and the compression level only change the caller's
	 * own runs.
	 */
	DefineCustomIntVariable("eg.budget",
							"Storage budget of eg's artifact store.",
							"Compressed, deduplicated bytes; the materializer keeps the store within it.",
							&eg_budget_kb, 1024 * 1024, 0, INT_MAX,
							PGC_SUSET, GUC_UNIT_KB, NULL, NULL, NULL);
	DefineCustomEnumVariable("eg.materializer",
							 "Policy that chooses which artifacts to keep.",
							 NULL, &eg_materializer, EG_MAT_STORAGE_AWARE,
							 EgMaterializerOptions, PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomEnumVariable("eg.reuse",
							 "Algorithm that chooses which steps to load.",
							 NULL, &eg_reuse, EG_REUSE_OPTIMAL,
							 EgReuseOptions, PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomRealVariable("eg.alpha",
							 "Weight of model quality against cost and size in the utility.",
							 NULL, &eg_alpha, 0.5, 0.0, 1.0,
							 PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("eg.compression_level",
							"zstd level for stored artifacts.",
							NULL, &eg_compression_level, 1, 1, 19,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomBoolVariable("eg.progress",
							 "Report each finished step of eg.run with a NOTICE.",
							 NULL, &eg_progress, true,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomEnumVariable("eg.store_async",
							 "Store what eg.run computed from a background worker after the run commits.",
							 "on: always; auto: when the tables to store take eg.store_async_min_size or more; off: eg.run stores them itself.",
							 &eg_store_async, EG_STORE_ASYNC_AUTO, EgStoreAsyncOptions,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("eg.store_async_min_size",
							"With eg.store_async = auto, the size of computed tables a run hands to a worker.",
							"Smaller ones it stores itself before it returns: a worker would cost the other sessions more than it saves.",
							&eg_store_async_min_kb, 16384, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_KB, NULL, NULL, NULL);
	capture_init();
	/* after every setting is defined: a placeholder set before is kept */
	MarkGUCPrefixReserved("eg");
	readset_init();
	citus_init();
}

PG_FUNCTION_INFO_V1(eg_budget_bytes);
/* eg.budget in bytes. */
Datum
eg_budget_bytes(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(EG_BUDGET_BYTES());
}
