/*
 * spi.c - the one way eg runs SQL through SPI.
 *
 * eg keeps its Experiment Graph and store in ordinary tables of schema eg,
 * owned by the extension's owner and closed to every other role.  Every
 * statement on them goes through eg_spi_exec: it runs as the owner, with
 * search_path pinned to EG_SPI_SEARCH_PATH so that nothing of the caller's
 * can be picked up by name, from a plan prepared on first use and kept for
 * the backend, with its parameters bound (never spliced into the text).
 * The same prepared statements serve the few catalog reads that must see
 * what the caller's session sees (EG_SPI_CALLER).  Statements that must be
 * built as text (DDL naming a user's table, users' steps) go through
 * eg_spi_exec_sql, as the owner or as the caller; users' steps always run
 * as the caller.  Results are read by column name.
 *
 * Failures of SPI itself are can't-happen errors with one wording; errors
 * raised by a statement (a user's step, a constraint) pass through as they
 * are.  An error leaves the owner's rights and the pinned search_path to
 * the (sub)transaction abort, which restores both.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/resowner.h"
#include "utils/syscache.h"

#include "eg.h"
#include "spi.h"

/* The rights and search_path to go back to after a statement as the owner. */
typedef struct SpiOwnerSwitch
{
	Oid			saved_user;
	int			saved_sec_context;
	int			guc_nest;
} SpiOwnerSwitch;

/* The owner of eg's schema (the extension's owner). */
static Oid
SpiOwner(void)
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

/* Switch to the owner's rights with search_path pinned. */
static void
SpiBecomeOwner(SpiOwnerSwitch *sw)
{
	GetUserIdAndSecContext(&sw->saved_user, &sw->saved_sec_context);
	SetUserIdAndSecContext(SpiOwner(),
						   sw->saved_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	sw->guc_nest = eg_spi_pin_search_path();
}

/* Back to the rights and search_path saved by SpiBecomeOwner. */
static void
SpiRestoreUser(const SpiOwnerSwitch *sw)
{
	eg_spi_unpin_search_path(sw->guc_nest);
	SetUserIdAndSecContext(sw->saved_user, sw->saved_sec_context);
}

/* The one wording of a failed SPI call. */
static void
SpiFailed(int rc, const char *sql)
{
	elog(ERROR, "SPI statement failed (%s): %s", SPI_result_code_string(rc), sql);
}

/*
 * Pin search_path to eg's until eg_spi_unpin_search_path(nest); -1 (nothing
 * to undo) when it is pinned already, as in a store call.
 */
int
eg_spi_pin_search_path(void)
{
	int			nest;

	if (strcmp(namespace_search_path, EG_SPI_SEARCH_PATH) == 0)
		return -1;
	nest = NewGUCNestLevel();

	(void) set_config_option("search_path", EG_SPI_SEARCH_PATH,
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
	return nest;
}

/* Undo eg_spi_pin_search_path. */
void
eg_spi_unpin_search_path(int nest)
{
	if (nest >= 0)
		AtEOXact_GUC(true, nest);
}

/* Connect to SPI; the caller's memory context stays current. */
void
eg_spi_connect(void)
{
	MemoryContext cxt = CurrentMemoryContext;
	int			rc = SPI_connect();

	if (rc != SPI_OK_CONNECT)
		SpiFailed(rc, "SPI_connect");
	MemoryContextSwitchTo(cxt);
}

/* Disconnect from SPI (results of the connection are freed). */
void
eg_spi_finish(void)
{
	int			rc = SPI_finish();

	if (rc != SPI_OK_FINISH)
		SpiFailed(rc, "SPI_finish");
}

/* Prepare stmt (with the rights it runs with) and keep its plan. */
static void
SpiPrepare(EgStmt *stmt)
{
	SPIPlanPtr	plan = SPI_prepare(stmt->sql, stmt->nargs, stmt->argtypes);

	if (plan == NULL)
		SpiFailed(SPI_result, stmt->sql);
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed: %s", stmt->sql);
	stmt->plan = plan;
}

/* Run stmt as eg_spi_exec does; with a snapshot, read-only as of it. */
static uint64
SpiExec(EgStmt *stmt, const Datum *values, const char *nulls, bool read_only,
		Snapshot snapshot)
{
	MemoryContext cxt = CurrentMemoryContext;
	SpiOwnerSwitch sw;
	int			rc;

	if (stmt->rights == EG_SPI_OWNER)
		SpiBecomeOwner(&sw);
	if (stmt->plan == NULL)
		SpiPrepare(stmt);
	if (snapshot != InvalidSnapshot)
		rc = SPI_execute_snapshot(stmt->plan, (Datum *) values, nulls, snapshot,
								  InvalidSnapshot, true, false, 0);
	else
		rc = SPI_execute_plan(stmt->plan, (Datum *) values, nulls, read_only, 0);
	if (stmt->rights == EG_SPI_OWNER)
		SpiRestoreUser(&sw);
	MemoryContextSwitchTo(cxt);
	if (rc != stmt->expect)
		SpiFailed(rc, stmt->sql);
	return SPI_processed;
}

/*
 * Run statement stmt with the rights it names and parameters values (nulls
 * as for SPI_execute_plan, NULL for none); it must return stmt->expect.
 * read_only statements see the active snapshot.  Returns the rows
 * processed; the result is SPI_tuptable.  The caller's memory context
 * stays current.
 */
uint64
eg_spi_exec(EgStmt *stmt, const Datum *values, const char *nulls, bool read_only)
{
	return SpiExec(stmt, values, nulls, read_only, InvalidSnapshot);
}

/* Run a read-only stmt as eg_spi_exec does, seeing what snapshot saw. */
uint64
eg_spi_exec_as_of(EgStmt *stmt, const Datum *values, const char *nulls,
				  Snapshot snapshot)
{
	return SpiExec(stmt, values, nulls, true, snapshot);
}

/*
 * Run a statement given as text, with the rights of rights, once: DDL that
 * names a user's object, or a user's step.  It must return expect.
 */
uint64
eg_spi_exec_sql(const char *sql, int nargs, Oid *argtypes, const Datum *values,
				const char *nulls, int expect, EgSpiRights rights)
{
	MemoryContext cxt = CurrentMemoryContext;
	SpiOwnerSwitch sw;
	int			rc;

	if (rights == EG_SPI_OWNER)
		SpiBecomeOwner(&sw);
	rc = SPI_execute_with_args(sql, nargs, argtypes, (Datum *) values, nulls,
							   false, 0);
	if (rights == EG_SPI_OWNER)
		SpiRestoreUser(&sw);
	MemoryContextSwitchTo(cxt);
	if (rc != expect)
		SpiFailed(rc, sql);
	return SPI_processed;
}

/*
 * Run sql, a query with no parameters, as the caller and read-only, its
 * rows sent to dest rather than kept; the number of rows.
 */
uint64
eg_spi_exec_to(const char *sql, DestReceiver *dest)
{
	SPIExecuteOptions options = {0};
	int			rc;

	options.read_only = true;
	options.dest = dest;
	rc = SPI_execute_extended(sql, &options);
	/* SPI says UTILITY of a SELECT whose receiver is DestNone */
	if (rc != (dest->mydest == DestNone ? SPI_OK_UTILITY : SPI_OK_SELECT))
		SpiFailed(rc, sql);
	return SPI_processed;
}

/* The number of the last result's column called name. */
static int
SpiColumn(const char *name)
{
	int			col = SPI_fnumber(SPI_tuptable->tupdesc, name);

	if (col <= 0)
		elog(ERROR, "SPI result has no column \"%s\"", name);
	return col;
}

/* Column name of row row of the last result. */
Datum
eg_spi_get(uint64 row, const char *name, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc,
						 SpiColumn(name), isnull);
}

/* Column name of row row of the last result, which must not be null. */
Datum
eg_spi_get_notnull(uint64 row, const char *name)
{
	bool		isnull;
	Datum		d = eg_spi_get(row, name, &isnull);

	if (isnull)
		elog(ERROR, "unexpected null in column \"%s\" of an SPI result", name);
	return d;
}

/* Free the last result. */
void
eg_spi_free_result(void)
{
	SPI_freetuptable(SPI_tuptable);
}

/*
 * Run fn(arg) in a subtransaction of its own.  Returns NULL when it
 * succeeded (the subtransaction is then part of the caller's), else the
 * error it raised, copied into the caller's memory context, after rolling
 * the subtransaction back: the caller rethrows it or goes on.  The caller's
 * memory context and resource owner are current again either way.
 */
ErrorData *
eg_try_subxact(void (*fn) (void *arg), void *arg)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	ErrorData  *volatile edata = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		fn(arg);
		ReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
	return edata;
}
