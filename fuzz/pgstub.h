/*
 * pgstub.h - the small PostgreSQL backend runtime the fuzz harnesses link
 * eg's real source files against (pgstub.c): palloc and memory contexts
 * over malloc, ereport/elog that longjmp back to the harness, and stubs for
 * the rest of what the linker asks for.
 *
 * A harness calls fuzz_input_begin() before each input and
 * fuzz_input_end() after it: everything palloc'd in between (in
 * CurrentMemoryContext or any context created under it) is freed, so
 * LeakSanitizer sees a leak only where eg's code leaks outside palloc.
 * TopMemoryContext lives for the process, as in a backend.
 *
 * An ERROR is a rejection, not a finding: FUZZ_TRY runs a statement and
 * catches one (PG_TRY underneath); fuzz_error_code() then says which.  An
 * elog (errcode left at XX000) is eg's "can't happen" (docs/design.md, Style),
 * so the harnesses of code that must return its verdict rather than throw
 * treat it as a finding.  FATAL and PANIC always are.
 */
#ifndef FUZZ_PGSTUB_H
#define FUZZ_PGSTUB_H

#include "postgres.h"

#include "utils/memutils.h"

extern void fuzz_input_begin(void);
extern void fuzz_input_end(void);

/* The largest palloc request (or repalloc size) of this input so far. */
extern Size fuzz_largest_allocation(void);

/* The ERROR caught by the last FUZZ_TRY, if any. */
extern bool fuzz_error_caught(void);
extern int	fuzz_error_code(void);
extern const char *fuzz_error_message(void);
extern const char *fuzz_error_where(void);

/* Report a finding (bug in eg) and abort: libFuzzer saves the input. */
extern void fuzz_fail(const char *fmt,...) pg_attribute_printf(1, 2) pg_attribute_noreturn();

/* Abort if the last FUZZ_TRY caught an elog (internal error). */
extern void fuzz_forbid_elog(const char *what);

/* Run stmt; an ERROR it throws is caught (fuzz_error_caught() says). */
#define FUZZ_TRY(stmt) \
	do { \
		fuzz_error_reset(); \
		PG_TRY(); \
		{ \
			stmt; \
		} \
		PG_CATCH(); \
		{ \
			fuzz_error_catch(); \
		} \
		PG_END_TRY(); \
	} while (0)

extern void fuzz_error_reset(void);
extern void fuzz_error_catch(void);

#endif							/* FUZZ_PGSTUB_H */
