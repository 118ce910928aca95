/*
 * restore.c - eg.restore: a stored artifact as a table of the caller's.
 *
 * Restoring is loading outside a workload, so the same rights apply as to a
 * load in eg.run (docs/design.md invariant 3): the caller must be allowed to
 * read every base table and execute every function of the artifact's
 * lineage, no table of it may have row-level security for the caller, and
 * an artifact computed with another role's rights needs that role's
 * privileges.  The target may be a temp or a permanent table; it is created
 * by the store (store_get), as the caller.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/varlena.h"

#include "graph.h"
#include "store.h"

/* Why the caller may not restore an artifact, as an error detail. */
static char *
RestoreDenied(const GraphDenied *d)
{
	char	   *name;

	if (OidIsValid(d->role))
	{
		name = GetUserNameFromId(d->role, true);
		return psprintf("It was computed with the rights of role \"%s\".", name ? name : "?");
	}
	if (OidIsValid(d->funcid) && !d->rls)
		return get_func_name(d->funcid)
			? psprintf("It derives from function %s, which you may not execute.",
					   format_procedure(d->funcid))
			: pstrdup("It derives from a function that no longer exists.");
	name = get_rel_name(d->relid);
	if (d->rls)
		return psprintf("It derives from table \"%s\", which has row-level security for you.", name);
	return name
		? psprintf("It derives from table \"%s\", which you may not read.", name)
		: pstrdup("It derives from a table that no longer exists.");
}

/*
 * Check that the caller may read stored artifact id (what restoring it
 * needs): it is known, materialized, and its lineage allows the caller.
 * what: what the caller wants to do, for the error ("restore").
 */
void
restore_check(const EgId *id, const char *what)
{
	GraphInfo	info;
	GraphDenied denied;

	graph_lookup(id, 1, &info);
	if (!info.known)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("artifact %s does not exist", eg_id_to_hex(id))));
	if (!info.materialized)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("artifact %s is not materialized", eg_id_to_hex(id)),
				 errhint("Run the workload that produces it again; eg.run() recomputes it.")));
	if (!graph_may_use(info.lineage, info.lineage_funcs, info.role, true, &denied))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to %s artifact %s", what, eg_id_to_hex(id)),
				 errdetail("%s", RestoreDenied(&denied)),
				 denied.rls ? errhint("eg.run() loads what your policies let you see.") : 0));
}

/*
 * The error for a stored artifact that could not be read (damage: why, or
 * NULL: it is gone); done: what reading it was ("restored").
 */
void
restore_failed(const EgId *id, const char *damage, const char *done)
{
	if (damage == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("artifact %s is not materialized", eg_id_to_hex(id)),
				 errdetail("It left the store while it was being %s.", done)));
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("artifact %s could not be %s: its stored data is damaged",
					eg_id_to_hex(id), done),
			 errdetail("%s", damage),
			 errhint("Run its workload: eg.run() recomputes it and removes the damaged copy from the store.")));
}

PG_FUNCTION_INFO_V1(eg_restore);
/* eg.restore(artifact, into): a stored artifact as a new table. */
Datum
eg_restore(PG_FUNCTION_ARGS)
{
	EgId	   *id;
	RangeVar   *into;
	Oid			relid;
	int64		rows;
	List	   *others;
	char	   *damage = NULL;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("artifact and table name must not be null")));
	id = PG_GETARG_EGID(0);
	into = makeRangeVarFromNameList(textToQualifiedNameList(PG_GETARG_TEXT_PP(1)));
	restore_check(id, "restore");
	relid = store_get(id, into, &rows, &others, &damage);
	if (!OidIsValid(relid))
		restore_failed(id, damage, "restored");
	PG_RETURN_OID(relid);
}
