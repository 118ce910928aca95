/*
 * readset_funcs.c - the user functions a step's functions called.
 *
 * readset.c notes the functions the executor prepares a call of and the
 * functions each plan uses or inlined (PROCOID hash values of its
 * invalItems).  Two kinds of call escape both: PL/pgSQL evaluates a simple
 * expression (a := f(x)) without the executor, preparing it once per
 * transaction, and inlines an SQL function into it when planning it, once
 * per session.  Such calls are written in the calling function's body, so
 * the closure over the bodies of the PL/pgSQL and SQL functions called
 * takes every user function whose name is followed by "(" in one of them:
 * more than is called (a branch not taken, a name in a string), which
 * only makes the id cover more and a load ask for more rights; never less,
 * as a name a body computes is run by EXECUTE, through the executor.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "commands/proclang.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/syscache.h"

#include "readset.h"

/* Most bodies a step's closure follows; beyond, it is not reusable. */
#define READSET_MAX_BODIES 256

/*
 * Add to *funcs (and *rights, for hash values in as_caller) the user
 * functions whose PROCOID hash value is among hashes.  The planner keeps
 * hash values only; a collision adds a function more.  pg_proc is read
 * only for values no function of *funcs has (a plan that calls only the
 * functions the step names needs none; a value of one of those is taken
 * to be it, a chance of one in 2^32 per other function of the plan).
 */
static void
ReadsetFuncsOfHashes(List *hashes, List *as_caller, List **funcs, List **rights)
{
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tup;
	List	   *known = NIL;
	List	   *unknown = NIL;
	ListCell   *lc;

	/* the functions known already (those the step names) need no scan */
	foreach(lc, *funcs)
	{
		int			hash = (int) GetSysCacheHashValue1(PROCOID, ObjectIdGetDatum(lfirst_oid(lc)));

		known = lappend_int(known, hash);
		if (list_member_int(as_caller, hash))
			*rights = list_append_unique_oid(*rights, lfirst_oid(lc));
	}
	foreach(lc, hashes)
		if (!list_member_int(known, lfirst_int(lc)))
			unknown = list_append_unique_int(unknown, lfirst_int(lc));
	hashes = unknown;
	if (hashes == NIL)
		return;
	rel = table_open(ProcedureRelationId, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Oid			oid = ((Form_pg_proc) GETSTRUCT(tup))->oid;
		int			hash;

		if (oid < FirstNormalObjectId)
			continue;
		hash = (int) GetSysCacheHashValue1(PROCOID, ObjectIdGetDatum(oid));
		if (!list_member_int(hashes, hash))
			continue;
		*funcs = list_append_unique_oid(*funcs, oid);
		if (list_member_int(as_caller, hash))
			*rights = list_append_unique_oid(*rights, oid);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/* Add to *found the user functions called name (any schema, any arguments). */
static void
ReadsetFuncsNamed(const char *name, List **found)
{
	CatCList   *list = SearchSysCacheList1(PROCNAMEARGSNSP, CStringGetDatum(name));

	for (int i = 0; i < list->n_members; i++)
	{
		Oid			oid = ((Form_pg_proc) GETSTRUCT(&list->members[i]->tuple))->oid;

		if (oid >= FirstNormalObjectId)
			*found = list_append_unique_oid(*found, oid);
	}
	ReleaseSysCacheList(list);
}

/* True if the text of body before p, spaces skipped, ends with a ".". */
static bool
ReadsetAfterDot(const char *body, const char *p)
{
	while (p > body && isspace((unsigned char) p[-1]))
		p--;
	return p > body && p[-1] == '.';
}

/*
 * The user functions called in a function body: every identifier, folded
 * to lower case unless quoted, that names one and is followed by "(" or
 * follows a "." (attribute notation, (r).f, calls f(r)); a keyword such as
 * BEGIN is no call.
 */
static List *
ReadsetFuncsInBody(const char *body)
{
	List	   *found = NIL;
	const char *p = body;

	while (*p)
	{
		StringInfoData word;
		bool		after_dot;

		if (*p != '"' && !isalpha((unsigned char) *p) && *p != '_' && !IS_HIGHBIT_SET(*p))
		{
			p++;
			continue;
		}
		after_dot = ReadsetAfterDot(body, p);
		initStringInfo(&word);
		if (*p == '"')
		{
			for (p++; *p && !(*p == '"' && p[1] != '"'); p++)
				appendStringInfoChar(&word, *p == '"' ? *++p : *p);
			if (*p)
				p++;
		}
		else
			while (isalnum((unsigned char) *p) || *p == '_' || *p == '$' || IS_HIGHBIT_SET(*p))
				appendStringInfoChar(&word, pg_tolower((unsigned char) *p++));
		while (isspace((unsigned char) *p))
			p++;
		if ((*p == '(' || after_dot) && word.len > 0 && word.len < NAMEDATALEN)
			ReadsetFuncsNamed(word.data, &found);
		pfree(word.data);
	}
	return found;
}

/*
 * The body of funcid if it is a PL/pgSQL or SQL function (whose calls may
 * escape the executor), else NULL; *definer: it runs as its owner.
 */
static char *
ReadsetBody(Oid funcid, bool *definer)
{
	static Oid	plpgsql = InvalidOid;
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	Form_pg_proc proc;
	char	   *body = NULL;
	bool		isnull;

	if (!HeapTupleIsValid(tup))
		return NULL;
	if (!OidIsValid(plpgsql))
		plpgsql = get_language_oid("plpgsql", true);
	proc = (Form_pg_proc) GETSTRUCT(tup);
	*definer = proc->prosecdef;
	if (proc->prolang == plpgsql || proc->prolang == SQLlanguageId)
		body = TextDatumGetCString(SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosrc, &isnull));
	ReleaseSysCache(tup);
	return body;
}

/*
 * Into *funcs and *rights: the user functions called (called, as_caller:
 * those with the caller's rights), those of the plans' hash values (hashes,
 * hash_rights), and the closure over the PL/pgSQL and SQL bodies of all of
 * them.  A function named in a SECURITY DEFINER function's body is called
 * with its owner's rights.  False if the closure was too long to follow.
 */
bool
readset_funcs_resolve(List *called, List *as_caller, List *hashes, List *hash_rights,
					  List **funcs, List **rights)
{
	List	   *all = list_copy(called);
	List	   *caller = list_copy(as_caller);
	int			followed = 0;

	ReadsetFuncsOfHashes(hashes, hash_rights, &all, &caller);
	/* all grows while it is walked: a list index, not foreach */
	for (int i = 0; i < list_length(all); i++)
	{
		Oid			funcid = list_nth_oid(all, i);
		bool		definer = false;
		char	   *body = ReadsetBody(funcid, &definer);
		ListCell   *lc;

		if (body == NULL)
			continue;
		if (++followed > READSET_MAX_BODIES)
			return false;
		foreach(lc, ReadsetFuncsInBody(body))
		{
			all = list_append_unique_oid(all, lfirst_oid(lc));
			if (!definer && list_member_oid(caller, funcid))
				caller = list_append_unique_oid(caller, lfirst_oid(lc));
		}
	}
	*funcs = all;
	*rights = caller;
	return true;
}
