/*
 * ident_classify.c - what a called function, a type's text form or a
 * constant implies for a step's identity: results that change between runs
 * (the clock, privileges), reads with the caller's rights, and settings
 * that change values or text.  ident_query.c's walker asks these questions
 * of every function and node of a step's query.
 */
#include "postgres.h"

#include <ctype.h>

#include "access/htup_details.h"
#include "access/transam.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "ident.h"
#include "ident_internal.h"

/* True for functions whose results differ between runs though declared STABLE. */
bool
ident_is_time_function(Oid funcid)
{
	switch (funcid)
	{
		case F_NOW:
		case F_STATEMENT_TIMESTAMP:
		case F_TIMEOFDAY:
		case F_PG_BACKEND_PID:
		case F_INET_CLIENT_ADDR:
		case F_CURRENT_SETTING_TEXT:
		case F_CURRENT_SETTING_TEXT_BOOL:
		case F_PG_CURRENT_XACT_ID:
		case F_TXID_CURRENT:
			return true;
		default:
			return false;
	}
}

/*
 * True for built-in functions that answer questions about privileges and
 * role membership (has_table_privilege, pg_has_role, ...): GRANT and REVOKE
 * change their results without changing any data eg tracks.
 */
bool
ident_is_privilege_function(Oid funcid)
{
	char	   *name;

	if (funcid >= FirstNormalObjectId)
		return false;
	name = get_func_name(funcid);
	if (name == NULL)
		return false;
	return (strncmp(name, "has_", 4) == 0 && strlen(name) > 14 &&
			strcmp(name + strlen(name) - 10, "_privilege") == 0) ||
		strcmp(name, "pg_has_role") == 0 || strcmp(name, "row_security_active") == 0;
}

/*
 * True if funcid has eg.model's train signature, (input regclass, params
 * jsonb, warm_start bytea) RETURNS bytea: eg takes such a function as
 * eg.model does, its model determined by its arguments and what it reads,
 * though PL/Python declares it VOLATILE.
 */
bool
ident_is_train_function(Oid funcid)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	Form_pg_proc proc;
	bool		train;

	if (!HeapTupleIsValid(tup))
		return false;
	proc = (Form_pg_proc) GETSTRUCT(tup);
	train = proc->prokind == PROKIND_FUNCTION && !proc->proretset &&
		proc->prorettype == BYTEAOID && proc->pronargs == 3 &&
		proc->proargtypes.values[0] == REGCLASSOID &&
		proc->proargtypes.values[1] == JSONBOID &&
		proc->proargtypes.values[2] == BYTEAOID;
	ReleaseSysCache(tup);
	return train;
}

/* True if funcid was created by a user (not part of the server). */
bool
ident_function_is_user_defined(Oid funcid)
{
	return funcid >= FirstNormalObjectId;
}

/*
 * True if the text form of type typid's values can depend on a setting:
 * what its output function writes (output) or how its input function reads
 * a string (else).  Only types known to read no setting are false (domains
 * as their base type); every other one, user-defined types included, is
 * taken to read some: float4/float8 output (extra_float_digits), bytea
 * output (bytea_output), date/time types (DateStyle, IntervalStyle,
 * TimeZone, timezone_abbreviations), money (lc_monetary), xml (xmloption),
 * arrays (array_nulls, and their elements'), records (their columns'), reg*
 * types (search_path), ...
 */
bool
ident_text_form_reads_settings(Oid typid, bool output)
{
	typid = getBaseType(typid);
	switch (typid)
	{
		case BOOLOID:
		case CHAROID:
		case NAMEOID:
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case OIDOID:
		case NUMERICOID:
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case UNKNOWNOID:
		case CSTRINGOID:
		case UUIDOID:
		case JSONOID:
		case JSONBOID:
		case JSONPATHOID:
		case TSVECTOROID:
		case TSQUERYOID:
		case INETOID:
		case CIDROID:
		case MACADDROID:
		case MACADDR8OID:
		case BITOID:
		case VARBITOID:
			return false;
		case FLOAT4OID:
		case FLOAT8OID:
		case BYTEAOID:
			return output;
		default:
			return !type_is_enum(typid);
	}
}

/*
 * True for a type's input, output, send or receive function whose result a
 * setting can change, called explicitly (float8out(x) reads
 * extra_float_digits although IMMUTABLE).  Input and output functions are
 * recognised by their cstring argument or result; every send and receive
 * function counts (text types send in client_encoding).
 */
bool
ident_is_settings_io_function(Oid funcid)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	Form_pg_proc proc;
	Oid			arg0;
	bool		result = false;

	if (!HeapTupleIsValid(tup))
		return false;
	proc = (Form_pg_proc) GETSTRUCT(tup);
	arg0 = proc->pronargs > 0 ? proc->proargtypes.values[0] : InvalidOid;
	if (proc->prorettype == CSTRINGOID && OidIsValid(arg0))
		result = ident_text_form_reads_settings(arg0, true);
	else if (arg0 == CSTRINGOID)
		result = ident_text_form_reads_settings(proc->prorettype, false);
	else if ((proc->prorettype == BYTEAOID && proc->pronargs == 1) || arg0 == INTERNALOID)
	{
		bool		send = arg0 != INTERNALOID;
		HeapTuple	typ = SearchSysCache1(TYPEOID,
										  ObjectIdGetDatum(send ? arg0 : proc->prorettype));

		if (HeapTupleIsValid(typ))
		{
			Form_pg_type t = (Form_pg_type) GETSTRUCT(typ);

			result = (send ? t->typsend : t->typreceive) == funcid;
			ReleaseSysCache(typ);
		}
	}
	ReleaseSysCache(tup);
	return result;
}

/*
 * True for the IMMUTABLE built-in functions that read a setting anyway:
 * quote_ident (quote_all_identifiers) and AT TIME ZONE with a zone name,
 * which may be an abbreviation (timezone_abbreviations).
 */
bool
ident_is_settings_builtin(Oid funcid)
{
	switch (funcid)
	{
		case F_QUOTE_IDENT:
		case F_TIMEZONE_TEXT_TIMESTAMP:
		case F_TIMEZONE_TEXT_TIMESTAMPTZ:
			return true;
		default:
			return false;
	}
}

/* True if s has the word now, today, tomorrow or yesterday (any case). */
bool
ident_has_clock_word(const char *s)
{
	static const char *const words[] = {"now", "today", "tomorrow", "yesterday"};
	const char *p = s;

	while (*p)
	{
		const char *start = p;

		if (!isalpha((unsigned char) *p))
		{
			p++;
			continue;
		}
		while (isalpha((unsigned char) *p))
			p++;
		for (int i = 0; i < lengthof(words); i++)
			if (strlen(words[i]) == p - start &&
				pg_strncasecmp(start, words[i], p - start) == 0)
				return true;
	}
	return false;
}

/* True if node is a text constant with one of ident_has_clock_word's words. */
bool
ident_is_clock_text(Node *node)
{
	Const	   *c = (Const *) node;

	if (!IsA(node, Const) || c->constisnull ||
		(c->consttype != TEXTOID && c->consttype != VARCHAROID && c->consttype != BPCHAROID))
		return false;
	return ident_has_clock_word(TextDatumGetCString(c->constvalue));
}
