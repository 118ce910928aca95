/*
 * spi.h - the one way eg runs SQL: SPI connections, statements on eg's own
 * tables as the extension owner with search_path pinned (prepared once per
 * backend), statements as the caller, and reading results by column name.
 */
#ifndef EG_SPI_H
#define EG_SPI_H

#include "executor/spi.h"

/* Most parameters a prepared statement takes. */
#define EG_STMT_MAX_ARGS		20

/* Whose rights a statement runs with. */
typedef enum EgSpiRights
{
	EG_SPI_OWNER,				/* the extension owner, search_path pinned */
	EG_SPI_CALLER				/* the calling role, its search_path */
} EgSpiRights;

/*
 * A prepared statement.  Modules keep them in static tables indexed by an
 * enum; plan is filled on first use and kept for the backend.  Statements
 * on eg's tables run as the owner (the default); catalog reads whose text
 * output must be the caller's view (pg_get_expr) run as the caller.
 */
typedef struct EgStmt
{
	const char *sql;
	int			nargs;
	Oid			argtypes[EG_STMT_MAX_ARGS];
	int			expect;			/* the SPI_OK_* code it must return */
	EgSpiRights rights;
	SPIPlanPtr	plan;			/* NULL until first used */
} EgStmt;

/* An EgStmt on eg's tables, for static tables: EG_STMT(sql, expect, nargs, types...). */
#define EG_STMT(sql, expect, nargs, ...) \
	{(sql), (nargs), {__VA_ARGS__}, (expect), EG_SPI_OWNER, NULL}
/* The same for a statement that runs as the caller. */
#define EG_STMT_CALLER(sql, expect, nargs, ...) \
	{(sql), (nargs), {__VA_ARGS__}, (expect), EG_SPI_CALLER, NULL}

extern void eg_spi_connect(void);
extern void eg_spi_finish(void);

extern uint64 eg_spi_exec(EgStmt *stmt, const Datum *values, const char *nulls,
						  bool read_only);
extern uint64 eg_spi_exec_as_of(EgStmt *stmt, const Datum *values, const char *nulls,
								Snapshot snapshot);
extern uint64 eg_spi_exec_sql(const char *sql, int nargs, Oid *argtypes,
							  const Datum *values, const char *nulls,
							  int expect, EgSpiRights rights);

extern uint64 eg_spi_exec_to(const char *sql, DestReceiver *dest);

extern Datum eg_spi_get(uint64 row, const char *name, bool *isnull);
extern Datum eg_spi_get_notnull(uint64 row, const char *name);
extern void eg_spi_free_result(void);

/* The search_path eg's own statements run with. */
#define EG_SPI_SEARCH_PATH		"pg_catalog, eg, pg_temp"
extern int	eg_spi_pin_search_path(void);
extern void eg_spi_unpin_search_path(int nest);

/* Run a function in a subtransaction; its error, or NULL. */
extern ErrorData *eg_try_subxact(void (*fn) (void *arg), void *arg);

#endif							/* EG_SPI_H */
