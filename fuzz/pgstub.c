/*
 * pgstub.c - a minimal backend runtime for the fuzz harnesses (pgstub.h
 * says what it offers).
 *
 * Memory: every palloc'd chunk is its own malloc block, with a header
 * (list links, size, owning context) in front, poisoned for
 * AddressSanitizer, so that reading a byte past the end of a palloc'd
 * buffer is caught exactly as past a malloc'd one.  A context is a list of
 * its chunks plus its children; resetting one frees them all.  Sizes are
 * checked as mcxt.c checks them (an invalid request is an elog ERROR).
 *
 * Errors: errstart/errfinish keep one ErrorData-like record and
 * siglongjmp to PG_exception_stack, the way the backend's PG_RE_THROW
 * does; levels below ERROR are dropped.  check_stack_depth enforces the
 * backend's default max_stack_depth (2 MB) with the backend's error.
 *
 * Everything else the compiled files of src/ reference but the harnesses
 * never reach (the wire protocol of artifact_id_send/recv, detoasting)
 * aborts loudly, so that reaching it shows up rather than passing quietly.
 */
#include "postgres.h"

#include <stdio.h>
#include <stdlib.h>

#include "access/detoast.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "nodes/memnodes.h"
#include "utils/memutils.h"

#include "pgstub.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif
#ifdef FUZZ_ASAN
#include <sanitizer/asan_interface.h>
#define FUZZ_POISON(p, n)	ASAN_POISON_MEMORY_REGION(p, n)
#define FUZZ_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define FUZZ_POISON(p, n)	((void) 0)
#define FUZZ_UNPOISON(p, n) ((void) 0)
#endif

/* ---------- memory ---------- */

/* Header in front of every chunk; cxt last, as GetMemoryChunkContext reads it. */
typedef struct FuzzChunk
{
	struct FuzzChunk *prev;
	struct FuzzChunk *next;
	Size		size;
	MemoryContext cxt;
} FuzzChunk;

StaticAssertDecl(sizeof(FuzzChunk) % MAXIMUM_ALIGNOF == 0, "chunk header keeps alignment");

/* A context: the node PostgreSQL code sees, then our list of chunks. */
typedef struct FuzzContext
{
	MemoryContextData node;
	FuzzChunk	chunks;			/* list head (circular) */
} FuzzContext;

MemoryContext CurrentMemoryContext = NULL;
MemoryContext TopMemoryContext = NULL;
MemoryContext ErrorContext = NULL;
static MemoryContext FuzzInputContext = NULL;
static Size fuzz_largest_alloc = 0;	/* this input's largest request */

static MemoryContext
FuzzContextCreate(MemoryContext parent, const char *name)
{
	FuzzContext *fc = calloc(1, sizeof(FuzzContext));

	if (fc == NULL)
		abort();
	fc->node.type = T_AllocSetContext;
	fc->node.name = name;
	fc->node.parent = parent;
	fc->chunks.prev = fc->chunks.next = &fc->chunks;
	if (parent != NULL)
	{
		fc->node.nextchild = parent->firstchild;
		if (parent->firstchild != NULL)
			parent->firstchild->prevchild = &fc->node;
		parent->firstchild = &fc->node;
	}
	return &fc->node;
}

static void FuzzContextDelete(MemoryContext cxt);

/* Free a context's chunks and delete its children. */
static void
FuzzContextReset(MemoryContext cxt)
{
	FuzzContext *fc = (FuzzContext *) cxt;

	while (cxt->firstchild != NULL)
		FuzzContextDelete(cxt->firstchild);
	while (fc->chunks.next != &fc->chunks)
	{
		FuzzChunk  *c = fc->chunks.next;

		FUZZ_UNPOISON(c, sizeof(FuzzChunk));
		fc->chunks.next = c->next;
		free(c);
	}
	fc->chunks.prev = &fc->chunks;
}

static void
FuzzContextDelete(MemoryContext cxt)
{
	FuzzContextReset(cxt);
	if (cxt->parent != NULL)
	{
		if (cxt->prevchild != NULL)
			cxt->prevchild->nextchild = cxt->nextchild;
		else
			cxt->parent->firstchild = cxt->nextchild;
		if (cxt->nextchild != NULL)
			cxt->nextchild->prevchild = cxt->prevchild;
	}
	if (CurrentMemoryContext == cxt)
		CurrentMemoryContext = cxt->parent;
	free(cxt);
}

/* Unlink chunk c (unpoisoned) from its context's list. */
static void
FuzzUnlink(FuzzChunk *c)
{
	FuzzContext *fc = (FuzzContext *) c->cxt;

	if (c->prev != &fc->chunks)
		FUZZ_UNPOISON(c->prev, sizeof(FuzzChunk));
	if (c->next != &fc->chunks)
		FUZZ_UNPOISON(c->next, sizeof(FuzzChunk));
	c->prev->next = c->next;
	c->next->prev = c->prev;
	if (c->prev != &fc->chunks)
		FUZZ_POISON(c->prev, sizeof(FuzzChunk));
	if (c->next != &fc->chunks)
		FUZZ_POISON(c->next, sizeof(FuzzChunk));
}

/* Link chunk c (unpoisoned, then poisoned) at the head of its context. */
static void
FuzzLink(FuzzChunk *c)
{
	FuzzContext *fc = (FuzzContext *) c->cxt;

	c->prev = &fc->chunks;
	c->next = fc->chunks.next;
	if (c->next != &fc->chunks)
		FUZZ_UNPOISON(c->next, sizeof(FuzzChunk));
	c->next->prev = c;
	if (c->next != &fc->chunks)
		FUZZ_POISON(c->next, sizeof(FuzzChunk));
	fc->chunks.next = c;
	FUZZ_POISON(c, sizeof(FuzzChunk));
}

static void *
FuzzAlloc(MemoryContext cxt, Size size, bool huge, bool zero)
{
	FuzzChunk  *c;

	if (huge ? !AllocHugeSizeIsValid(size) : !AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	fuzz_largest_alloc = Max(fuzz_largest_alloc, size);
	c = zero ? calloc(1, sizeof(FuzzChunk) + size) : malloc(sizeof(FuzzChunk) + size);
	if (c == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Failed on request of size %zu.", size)));
	c->size = size;
	c->cxt = cxt;
	FuzzLink(c);
	return (char *) c + sizeof(FuzzChunk);
}

static void *
FuzzRealloc(void *pointer, Size size, bool huge)
{
	FuzzChunk  *c = (FuzzChunk *) ((char *) pointer - sizeof(FuzzChunk));
	FuzzChunk  *n;

	if (huge ? !AllocHugeSizeIsValid(size) : !AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	fuzz_largest_alloc = Max(fuzz_largest_alloc, size);
	FUZZ_UNPOISON(c, sizeof(FuzzChunk));
	FuzzUnlink(c);
	n = realloc(c, sizeof(FuzzChunk) + size);
	if (n == NULL)
	{
		FuzzLink(c);
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("Failed on request of size %zu.", size)));
	}
	n->size = size;
	FuzzLink(n);
	return (char *) n + sizeof(FuzzChunk);
}

void *
MemoryContextAlloc(MemoryContext context, Size size)
{
	return FuzzAlloc(context, size, false, false);
}

void *
MemoryContextAllocZero(MemoryContext context, Size size)
{
	return FuzzAlloc(context, size, false, true);
}

void *
MemoryContextAllocZeroAligned(MemoryContext context, Size size)
{
	return FuzzAlloc(context, size, false, true);
}

void *
MemoryContextAllocExtended(MemoryContext context, Size size, int flags)
{
	return FuzzAlloc(context, size, (flags & MCXT_ALLOC_HUGE) != 0,
					 (flags & MCXT_ALLOC_ZERO) != 0);
}

void *
MemoryContextAllocHuge(MemoryContext context, Size size)
{
	return FuzzAlloc(context, size, true, false);
}

void *
palloc(Size size)
{
	return FuzzAlloc(CurrentMemoryContext, size, false, false);
}

void *
palloc0(Size size)
{
	return FuzzAlloc(CurrentMemoryContext, size, false, true);
}

void *
palloc_extended(Size size, int flags)
{
	return MemoryContextAllocExtended(CurrentMemoryContext, size, flags);
}

void *
repalloc(void *pointer, Size size)
{
	return FuzzRealloc(pointer, size, false);
}

void *
repalloc_huge(void *pointer, Size size)
{
	return FuzzRealloc(pointer, size, true);
}

void
pfree(void *pointer)
{
	FuzzChunk  *c = (FuzzChunk *) ((char *) pointer - sizeof(FuzzChunk));

	FUZZ_UNPOISON(c, sizeof(FuzzChunk));
	FuzzUnlink(c);
	free(c);
}

char *
MemoryContextStrdup(MemoryContext context, const char *string)
{
	Size		len = strlen(string) + 1;
	char	   *s = MemoryContextAlloc(context, len);

	memcpy(s, string, len);
	return s;
}

char *
pstrdup(const char *in)
{
	return MemoryContextStrdup(CurrentMemoryContext, in);
}

char *
pnstrdup(const char *in, Size len)
{
	char	   *out;

	len = strnlen(in, len);
	out = palloc(len + 1);
	memcpy(out, in, len);
	out[len] = '\0';
	return out;
}

MemoryContext
AllocSetContextCreateInternal(MemoryContext parent, const char *name,
							  Size minContextSize, Size initBlockSize,
							  Size maxBlockSize)
{
	return FuzzContextCreate(parent, name);
}

void
MemoryContextReset(MemoryContext context)
{
	FuzzContextReset(context);
}

void
MemoryContextResetOnly(MemoryContext context)
{
	FuzzContextReset(context);
}

void
MemoryContextDelete(MemoryContext context)
{
	FuzzContextDelete(context);
}

void
MemoryContextSetIdentifier(MemoryContext context, const char *id)
{
	context->ident = id;
}

size_t
pvsnprintf(char *buf, size_t len, const char *fmt, va_list args)
{
	int			n = vsnprintf(buf, len, fmt, args);

	if (n < 0)
		elog(ERROR, "vsnprintf failed: %m with format string \"%s\"", fmt);
	if ((size_t) n >= len)
		return (size_t) n + 1;
	return (size_t) n;
}

char *
psprintf(const char *fmt,...)
{
	size_t		len = 128;

	for (;;)
	{
		char	   *out = palloc(len);
		va_list		args;
		size_t		need;

		va_start(args, fmt);
		need = pvsnprintf(out, len, fmt, args);
		va_end(args);
		if (need < len)
			return out;
		pfree(out);
		len = need;
	}
}

/* ---------- errors ---------- */

sigjmp_buf *PG_exception_stack = NULL;
ErrorContextCallback *error_context_stack = NULL;

static struct
{
	bool		active;			/* between errstart and the catch */
	bool		caught;			/* FUZZ_TRY caught one */
	int			elevel;
	int			sqlerrcode;
	const char *filename;
	int			lineno;
	const char *funcname;
	char		message[512];
	char		where[256];
}			fuzz_error;

static bool
FuzzErrStart(int elevel)
{
	if (elevel < ERROR)
		return false;
	if (fuzz_error.active)
	{
		fprintf(stderr, "pgstub: error while reporting \"%s\"\n", fuzz_error.message);
		abort();
	}
	fuzz_error.active = true;
	fuzz_error.elevel = elevel;
	fuzz_error.sqlerrcode = ERRCODE_INTERNAL_ERROR;
	fuzz_error.message[0] = '\0';
	return true;
}

bool
errstart(int elevel, const char *domain)
{
	return FuzzErrStart(elevel);
}

bool
errstart_cold(int elevel, const char *domain)
{
	return FuzzErrStart(elevel);
}

int
errcode(int sqlerrcode)
{
	fuzz_error.sqlerrcode = sqlerrcode;
	return 0;
}

int
errmsg(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	vsnprintf(fuzz_error.message, sizeof(fuzz_error.message), fmt, args);
	va_end(args);
	return 0;
}

int
errmsg_internal(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	vsnprintf(fuzz_error.message, sizeof(fuzz_error.message), fmt, args);
	va_end(args);
	return 0;
}

int
errdetail(const char *fmt,...)
{
	return 0;
}

int
errdetail_internal(const char *fmt,...)
{
	return 0;
}

int
errhint(const char *fmt,...)
{
	return 0;
}

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	fuzz_error.filename = filename;
	fuzz_error.lineno = lineno;
	fuzz_error.funcname = funcname;
	snprintf(fuzz_error.where, sizeof(fuzz_error.where), "%s:%d (%s)",
			 filename ? filename : "?", lineno, funcname ? funcname : "?");
	if (fuzz_error.elevel >= FATAL)
		fuzz_fail("%s reached: %s", fuzz_error.elevel == FATAL ? "FATAL" : "PANIC",
				  fuzz_error.message);
	pg_re_throw();
}

void
pg_re_throw(void)
{
	if (PG_exception_stack == NULL)
		fuzz_fail("uncaught ERROR: %s", fuzz_error.message);
	siglongjmp(*PG_exception_stack, 1);
}

void
fuzz_error_reset(void)
{
	fuzz_error.active = false;
	fuzz_error.caught = false;
}

void
fuzz_error_catch(void)
{
	fuzz_error.active = false;
	fuzz_error.caught = true;
}

bool
fuzz_error_caught(void)
{
	return fuzz_error.caught;
}

int
fuzz_error_code(void)
{
	return fuzz_error.caught ? fuzz_error.sqlerrcode : 0;
}

const char *
fuzz_error_message(void)
{
	return fuzz_error.message;
}

const char *
fuzz_error_where(void)
{
	return fuzz_error.where;
}

void
fuzz_forbid_elog(const char *what)
{
	if (fuzz_error.caught && fuzz_error.sqlerrcode == ERRCODE_INTERNAL_ERROR)
		fuzz_fail("%s: can't-happen error (elog) reached at %s: %s",
				  what, fuzz_error.where, fuzz_error.message);
}

void
fuzz_fail(const char *fmt,...)
{
	va_list		args;

	fprintf(stderr, "==FINDING== ");
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fprintf(stderr, "\n");
	abort();
}

/* Five-character SQLSTATE of an error code. */
char *
unpack_sql_state(int sql_state)
{
	static char buf[12];

	for (int i = 0; i < 5; i++)
	{
		buf[i] = PGUNSIXBIT(sql_state);
		sql_state >>= 6;
	}
	buf[5] = '\0';
	return buf;
}

/* ---------- interrupts (CHECK_FOR_INTERRUPTS in the planner's loops) ---------- */

volatile sig_atomic_t InterruptPending = false;

/* Never reached: nothing sets InterruptPending here. */
void
ProcessInterrupts(void)
{
	abort();
}

/* ---------- stack depth ---------- */

static char *fuzz_stack_base = NULL;

#define FUZZ_MAX_STACK_DEPTH	((long) 2048 * 1024)	/* max_stack_depth's default */

void
check_stack_depth(void)
{
	char		here;
	long		depth;

	if (fuzz_stack_base == NULL)
		return;
	depth = (long) (fuzz_stack_base - &here);
	if (depth < 0)
		depth = -depth;
	if (depth > FUZZ_MAX_STACK_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("stack depth limit exceeded")));
}

/* ---------- per input ---------- */

void
fuzz_input_begin(void)
{
	char		here;

	if (TopMemoryContext == NULL)
	{
		TopMemoryContext = FuzzContextCreate(NULL, "TopMemoryContext");
		ErrorContext = FuzzContextCreate(TopMemoryContext, "ErrorContext");
		FuzzInputContext = FuzzContextCreate(TopMemoryContext, "fuzz input");
	}
	/* frames below the harness's are what the code under test uses */
	fuzz_stack_base = &here;
	CurrentMemoryContext = FuzzInputContext;
	fuzz_largest_alloc = 0;
	fuzz_error_reset();
}

Size
fuzz_largest_allocation(void)
{
	return fuzz_largest_alloc;
}

void
fuzz_input_end(void)
{
	FuzzContextReset(FuzzInputContext);
	CurrentMemoryContext = TopMemoryContext;
	PG_exception_stack = NULL;
	error_context_stack = NULL;
}

/* ---------- never reached by the harnesses ---------- */

static void FuzzUnreachable(const char *what) pg_attribute_noreturn();

static void
FuzzUnreachable(const char *what)
{
	fuzz_fail("pgstub: %s called; the harness does not support it", what);
}

struct varlena *
detoast_attr(struct varlena *attr)
{
	FuzzUnreachable("detoast_attr");
}

Size
toast_raw_datum_size(Datum value)
{
	FuzzUnreachable("toast_raw_datum_size");
}

const char *
pq_getmsgbytes(StringInfo msg, int datalen)
{
	FuzzUnreachable("pq_getmsgbytes");
}

void
pq_begintypsend(StringInfo buf)
{
	FuzzUnreachable("pq_begintypsend");
}

bytea *
pq_endtypsend(StringInfo buf)
{
	FuzzUnreachable("pq_endtypsend");
}

void
pq_sendbytes(StringInfo buf, const char *data, int datalen)
{
	FuzzUnreachable("pq_sendbytes");
}
