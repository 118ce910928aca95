/*
 * artifact_id.c - the eg.artifact_id type: a 128-bit lineage id.
 *
 * Ids are the first 16 bytes of a SHA-256 over an artifact's lineage (see
 * ident.c).  The type is fixed-length (16 bytes, char alignment, like uuid),
 * its text form is exactly 32 lowercase hex digits, and it has btree and
 * hash operator classes so graph tables can key on it.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "eg.h"

static const char EgHexDigits[] = "0123456789abcdef";

/* Value of one hex digit, or -1. */
static int
ArtifactIdHexValue(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Lowercase hex text of an id (palloc'd, 32 digits). */
char *
eg_id_to_hex(const EgId *id)
{
	char	   *out = palloc(EG_ID_LEN * 2 + 1);

	for (int i = 0; i < EG_ID_LEN; i++)
	{
		out[2 * i] = EgHexDigits[id->bytes[i] >> 4];
		out[2 * i + 1] = EgHexDigits[id->bytes[i] & 0xF];
	}
	out[EG_ID_LEN * 2] = '\0';
	return out;
}

/* A palloc'd copy of an id. */
EgId *
eg_id_copy(const EgId *id)
{
	EgId	   *copy = palloc(sizeof(EgId));

	memcpy(copy, id, sizeof(EgId));
	return copy;
}

/* True if two ids are equal. */
bool
eg_id_equal(const EgId *a, const EgId *b)
{
	return memcmp(a->bytes, b->bytes, EG_ID_LEN) == 0;
}

PG_FUNCTION_INFO_V1(artifact_id_in);
/* Text input: exactly 32 hex digits (either case); anything else is an error. */
Datum
artifact_id_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	EgId	   *id = palloc(sizeof(EgId));
	size_t		len = strlen(str);

	if (len != EG_ID_LEN * 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"",
						"eg.artifact_id", str),
				 errdetail("An artifact id is 32 hexadecimal digits; this has %zu characters.", len)));
	for (int i = 0; i < EG_ID_LEN; i++)
	{
		int			hi = ArtifactIdHexValue(str[2 * i]);
		int			lo = ArtifactIdHexValue(str[2 * i + 1]);

		if (hi < 0 || lo < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"",
							"eg.artifact_id", str),
					 errdetail("An artifact id is 32 hexadecimal digits.")));
		id->bytes[i] = (uint8) ((hi << 4) | lo);
	}
	PG_RETURN_EGID(id);
}

PG_FUNCTION_INFO_V1(artifact_id_out);
/* Text output: 32 lowercase hex digits. */
Datum
artifact_id_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(eg_id_to_hex(PG_GETARG_EGID(0)));
}

PG_FUNCTION_INFO_V1(artifact_id_recv);
/* Binary input: the 16 raw bytes. */
Datum
artifact_id_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	EgId	   *id = palloc(sizeof(EgId));

	memcpy(id->bytes, pq_getmsgbytes(buf, EG_ID_LEN), EG_ID_LEN);
	PG_RETURN_EGID(id);
}

PG_FUNCTION_INFO_V1(artifact_id_send);
/* Binary output: the 16 raw bytes. */
Datum
artifact_id_send(PG_FUNCTION_ARGS)
{
	EgId	   *id = PG_GETARG_EGID(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, (char *) id->bytes, EG_ID_LEN);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Three-way comparison of two ids (bytewise). */
static int
ArtifactIdCompare(FunctionCallInfo fcinfo)
{
	return memcmp(PG_GETARG_EGID(0)->bytes, PG_GETARG_EGID(1)->bytes, EG_ID_LEN);
}

PG_FUNCTION_INFO_V1(artifact_id_cmp);
/* btree support: -1, 0, 1. */
Datum
artifact_id_cmp(PG_FUNCTION_ARGS)
{
	int			c = ArtifactIdCompare(fcinfo);

	PG_RETURN_INT32(c < 0 ? -1 : (c > 0 ? 1 : 0));
}

PG_FUNCTION_INFO_V1(artifact_id_eq);
/* = */
Datum
artifact_id_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ArtifactIdCompare(fcinfo) == 0);
}

PG_FUNCTION_INFO_V1(artifact_id_ne);
/* <> */
Datum
artifact_id_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ArtifactIdCompare(fcinfo) != 0);
}

PG_FUNCTION_INFO_V1(artifact_id_lt);
/* < */
Datum
artifact_id_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ArtifactIdCompare(fcinfo) < 0);
}

PG_FUNCTION_INFO_V1(artifact_id_le);
/* <= */
Datum
artifact_id_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ArtifactIdCompare(fcinfo) <= 0);
}

PG_FUNCTION_INFO_V1(artifact_id_gt);
/* > */
Datum
artifact_id_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ArtifactIdCompare(fcinfo) > 0);
}

PG_FUNCTION_INFO_V1(artifact_id_ge);
/* >= */
Datum
artifact_id_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ArtifactIdCompare(fcinfo) >= 0);
}

PG_FUNCTION_INFO_V1(artifact_id_hash);
/* hash support: the id is already uniformly distributed. */
Datum
artifact_id_hash(PG_FUNCTION_ARGS)
{
	return hash_any(PG_GETARG_EGID(0)->bytes, EG_ID_LEN);
}
