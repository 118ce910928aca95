/*
 * fuzz_artifact_id.c - libFuzzer target "artifact_id": the text input
 * function of eg.artifact_id (artifact_id_in, src/artifact_id.c) on
 * arbitrary strings (the input up to its first NUL, as a cstring).
 *
 * Properties: it accepts exactly 32 hex digits of either case, and
 * rejects everything else with ERRCODE_INVALID_TEXT_REPRESENTATION (an
 * ereport; any other error is a finding); an accepted id prints
 * (artifact_id_out) as the input in lower case, which reads back as an
 * equal id (artifact_id_eq, artifact_id_cmp) with the same hash.
 */
#include "postgres.h"

#include "fmgr.h"

#include "eg.h"
#include "pgstub.h"

extern Datum artifact_id_in(PG_FUNCTION_ARGS);
extern Datum artifact_id_out(PG_FUNCTION_ARGS);
extern Datum artifact_id_eq(PG_FUNCTION_ARGS);
extern Datum artifact_id_cmp(PG_FUNCTION_ARGS);
extern Datum artifact_id_hash(PG_FUNCTION_ARGS);

int			LLVMFuzzerTestOneInput(const uint8 *data, size_t size);

/* Call a V1 function of one or two arguments directly. */
static Datum
FuzzCall(PGFunction fn, int nargs, Datum a, Datum b)
{
	LOCAL_FCINFO(fcinfo, 2);
	Datum		result;

	InitFunctionCallInfoData(*fcinfo, NULL, nargs, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = a;
	fcinfo->args[0].isnull = false;
	fcinfo->args[1].value = b;
	fcinfo->args[1].isnull = false;
	result = fn(fcinfo);
	if (fcinfo->isnull)
		fuzz_fail("function returned null");
	return result;
}

/* What the contract says about str: 32 hex digits. */
static bool
FuzzIsId(const char *str)
{
	if (strlen(str) != 2 * EG_ID_LEN)
		return false;
	return strspn(str, "0123456789abcdefABCDEF") == 2 * EG_ID_LEN;
}

static void
FuzzOne(const char *str)
{
	volatile Datum id = (Datum) 0;
	Datum		id2;
	char	   *out;
	bool		valid = FuzzIsId(str);

	FUZZ_TRY(id = FuzzCall(artifact_id_in, 1, CStringGetDatum(str), 0));
	if (fuzz_error_caught())
	{
		if (fuzz_error_code() != ERRCODE_INVALID_TEXT_REPRESENTATION)
			fuzz_fail("artifact_id_in threw %s at %s: %s",
					  unpack_sql_state(fuzz_error_code()), fuzz_error_where(),
					  fuzz_error_message());
		if (valid)
			fuzz_fail("artifact_id_in refused \"%s\": %s", str, fuzz_error_message());
		return;
	}
	if (!valid)
		fuzz_fail("artifact_id_in accepted \"%s\"", str);

	out = DatumGetCString(FuzzCall(artifact_id_out, 1, id, 0));
	for (int i = 0; i <= 2 * EG_ID_LEN; i++)
		if (out[i] != pg_tolower((unsigned char) str[i]))
			fuzz_fail("\"%s\" prints as \"%s\"", str, out);
	id2 = FuzzCall(artifact_id_in, 1, CStringGetDatum(out), 0);
	if (!DatumGetBool(FuzzCall(artifact_id_eq, 2, id, id2)) ||
		DatumGetInt32(FuzzCall(artifact_id_cmp, 2, id, id2)) != 0 ||
		DatumGetUInt32(FuzzCall(artifact_id_hash, 1, id, 0)) !=
		DatumGetUInt32(FuzzCall(artifact_id_hash, 1, id2, 0)))
		fuzz_fail("\"%s\" does not read back as an equal id", out);
}

int
LLVMFuzzerTestOneInput(const uint8 *data, size_t size)
{
	char	   *str;

	fuzz_input_begin();
	str = palloc(size + 1);
	memcpy(str, data, size);
	str[size] = '\0';
	FuzzOne(str);
	fuzz_input_end();
	return 0;
}
