/*
 * graph_rights.c - who may use an artifact: the rights its lineage needs
 * (SELECT on every relation it read with the caller's rights, EXECUTE on
 * every function), for loads, eg.restore and the views.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/rls.h"
#include "utils/syscache.h"

#include "graph.h"

/*
 * True if the caller may use an artifact of this lineage: read every
 * relation it derives from and execute every function it (or an ancestor)
 * calls, as computing it would require.  by_id: the artifact was named by
 * its id (eg.restore, the views), not found by computing the caller's own
 * lineage id; then it is refused if its id covers another role (role)
 * whose privileges the caller does not have (superusers have all), or
 * if a table under row-level security for the caller is in the lineage,
 * since only ids computed for the caller cover its rights and policies.
 * Else false, with what is missing in *why (if not NULL).
 */
bool
graph_may_use(List *relids, List *funcids, Oid role, bool by_id, GraphDenied *why)
{
	ListCell   *lc;
	Oid			user = GetUserId();
	GraphDenied dummy;

	if (why == NULL)
		why = &dummy;
	why->relid = why->funcid = why->role = InvalidOid;
	why->rls = false;
	if (by_id && OidIsValid(role) && !has_privs_of_role(user, role))
	{
		why->role = role;
		return false;
	}
	foreach(lc, relids)
	{
		Oid			relid = lfirst_oid(lc);

		if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)) ||
			pg_class_aclcheck(relid, user, ACL_SELECT) != ACLCHECK_OK)
		{
			why->relid = relid;
			return false;
		}
		if (by_id && check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		{
			why->relid = relid;
			why->rls = true;
			return false;
		}
	}
	foreach(lc, funcids)
	{
		Oid			funcid = lfirst_oid(lc);

		if (!SearchSysCacheExists1(PROCOID, ObjectIdGetDatum(funcid)) ||
			pg_proc_aclcheck(funcid, user, ACL_EXECUTE) != ACLCHECK_OK)
		{
			why->funcid = funcid;
			return false;
		}
	}
	return true;
}

PG_FUNCTION_INFO_V1(eg_visible);
/*
 * eg._visible(relids, funcids, role, by_id): may the caller see the
 * metadata of an artifact of this lineage computed for role (NULL: any)?
 * With by_id, exactly when it may restore it; without, when it may read the
 * tables and execute the functions (base tables' own artifacts).  The views
 * filter with it.
 */
Datum
eg_visible(PG_FUNCTION_ARGS)
{
	/* superusers see everything, also what derives from dropped tables */
	if (superuser())
		PG_RETURN_BOOL(true);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(3))
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(graph_may_use(graph_oid_list(PG_GETARG_ARRAYTYPE_P(0)),
								 graph_oid_list(PG_GETARG_ARRAYTYPE_P(1)),
								 PG_ARGISNULL(2) ? InvalidOid : PG_GETARG_OID(2),
								 PG_GETARG_BOOL(3), NULL));
}
