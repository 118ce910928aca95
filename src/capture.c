/*
 * capture.c - eg.capture: plain SQL statements as steps.
 *
 * With eg.capture on, CREATE TABLE AS, SELECT INTO, CREATE MATERIALIZED
 * VIEW and REFRESH MATERIALIZED VIEW (not CONCURRENTLY, not WITH NO DATA)
 * are steps of the session's graph with no eg.* call.  ProcessUtility_hook
 * sees the statement; its query is printed back to SQL from its parse
 * analysis (pg_get_querydef, so that formatting does not matter) until the
 * text prints back as itself; then it is a one-step workload whose step is
 * named after the relation made.  Its id is an eg.dataset's of that query
 * (the same fingerprint, data versions, function definitions, settings and
 * read sets), and the executor plans it: load or compute.  The session's
 * captured statements are recorded as one workload of the graph, named
 * after application_name (a new one when the role changes, or when the
 * transaction that recorded it rolled back).
 *
 * PostgreSQL itself still runs the statement - the DDL, the rights, IF NOT
 * EXISTS, the matview's catalog.  Only the query's execution changes:
 * ExecutorRun_hook takes the statement's run (its receiver is the new
 * table's, or the matview's new heap).  To load, the stored rows are read
 * into a tuplestore first, in a subtransaction (capture_load.c), so that a
 * load that fails for any reason falls back to running the query with
 * nothing sent yet; then they are sent to the receiver and the plan is
 * skipped.  To compute, the plan runs as it would,
 * timed and with its read set recorded.  After the statement, the run is
 * recorded and the new table offered to the materializer, as eg.run does
 * (executor_record.c).
 *
 * Capture never changes what the statement does or whether it fails: what
 * eg does before and after it runs in a subtransaction, and if that fails
 * the statement runs (or stays) as without eg, with a WARNING when eg's
 * own bookkeeping failed.  Statements that are not reusable (volatile
 * functions other than train functions, untrackable reads), run inside
 * eg.run's steps, by eg's
 * workers, or while another captured statement runs, are not captured.
 */
#include "postgres.h"

#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "catalog/namespace.h"
#include "commands/extension.h"
#include "executor/executor.h"
#include "executor/tstoreReceiver.h"
#include "miscadmin.h"
#include "nodes/nodes.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "parser/scansup.h"
#include "portability/instr_time.h"
#include "rewrite/rewriteHandler.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "capture.h"
#include "executor.h"
#include "readset.h"
#include "spi.h"
#include "store.h"
#include "store_async.h"
#include "track.h"
#include "workload.h"

/* A captured statement, from ProcessUtility_hook to its end. */
typedef struct Capture
{
	MemoryContext cxt;			/* "eg capture": everything below */
	Node	   *stmt;			/* the utility statement */
	RunState   *rs;				/* its one-step workload */
	bool		ran;			/* its query's run came (ExecutorRun_hook) */
	TimestampTz started;
	instr_time	start;
	ReadSet    *reads;			/* computing: its read set */
	Oid			runs_as;		/* the role its query runs as */
	bool		moved;			/* its data versions moved since the plan */
} Capture;

static ProcessUtility_hook_type PrevProcessUtility = NULL;
static ExecutorRun_hook_type PrevExecutorRun = NULL;

/* The statement being captured, while PostgreSQL runs it. */
static Capture *Active = NULL;

/* Utility statements running inside it (an event trigger's): not it. */
static int	NestedUtility = 0;

/* This session's workload in the graph, that captured statements join. */
static int64 SessionWorkload = 0;

bool		eg_capture = false;

/*
 * The query a capturable statement runs and the name of the relation it
 * fills (*relname); NULL if it is not one eg captures.
 */
static Query *
CaptureQuery(Node *stmt, char **relname)
{
	if (IsA(stmt, CreateTableAsStmt))
	{
		CreateTableAsStmt *c = (CreateTableAsStmt *) stmt;

		if (c->into->skipData || !IsA(c->query, Query) ||
			((Query *) c->query)->commandType != CMD_SELECT ||
			((Query *) c->query)->utilityStmt != NULL)
			return NULL;
		/* IF NOT EXISTS of an existing relation: PostgreSQL skips it */
		if (c->if_not_exists &&
			OidIsValid(RangeVarGetRelid(c->into->rel, NoLock, true)))
			return NULL;
		*relname = c->into->rel->relname;
		return (Query *) c->query;
	}
	if (IsA(stmt, RefreshMatViewStmt))
	{
		RefreshMatViewStmt *r = (RefreshMatViewStmt *) stmt;
		Oid			relid;
		Relation	rel;
		Query	   *query;

		if (r->concurrent || r->skipData)
			return NULL;
		/* no lock: REFRESH takes its own, stronger (ours would deadlock) */
		relid = RangeVarGetRelid(r->relation, NoLock, true);
		if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_MATVIEW)
			return NULL;
		rel = table_open(relid, NoLock);
		query = copyObject(get_view_query(rel));
		table_close(rel, NoLock);
		*relname = r->relation->relname;
		return query;
	}
	return NULL;
}

/* Parse analysis of one SELECT's text; NULL if it is not one statement. */
static Query *
CaptureAnalyze(const char *text)
{
	List	   *raw = raw_parser(text, RAW_PARSE_DEFAULT);

	if (list_length(raw) != 1)
		return NULL;
	return parse_analyze_fixedparams(linitial_node(RawStmt, raw), text, NULL, 0, NULL);
}

/*
 * The query printed back as SQL (NULL for none), constants in full as
 * pg_dump prints them: extra_float_digits below 1 would round them, and
 * two queries would print the same.
 */
static char *
CapturePrint(Query *query)
{
	int			nest;
	char	   *text;

	if (query == NULL)
		return NULL;
	nest = NewGUCNestLevel();
	(void) set_config_option("extra_float_digits", "3", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	text = pg_get_querydef(copyObject(query), false);
	AtEOXact_GUC(true, nest);
	return text;
}

/* Printing and analysing again reaches its fixed point within this many. */
#define CAPTURE_PRINTS 3

/*
 * The query as SQL text, as pg_get_querydef prints it (what pg_dump does
 * for views, to be read back as the same query): a step's identity is that
 * text, once printing it analysed again gives it back (else NULL: eg will
 * not identify the statement).  A first print may differ from the next in
 * form only: a cast of an array printed as an array of casts; a
 * materialized view's stored query, which has two more range table entries
 * (the rule's OLD and NEW) than its text analysed gives, prints with
 * qualified column names.  So CREATE and REFRESH of a materialized view,
 * and the same query written in any form, have the same text.
 */
static char *
CaptureQueryText(Query *query)
{
	char	   *text = CapturePrint(query);

	for (int i = 0; i < CAPTURE_PRINTS && text != NULL; i++)
	{
		char	   *again = CapturePrint(CaptureAnalyze(text));

		if (again != NULL && strcmp(again, text) == 0)
			return text;
		text = again;
	}
	return NULL;
}

/* The name of this session's capture workload: its application_name. */
static char *
CaptureWorkloadName(void)
{
	const char *app = GetConfigOption("application_name", true, false);

	return pstrdup(app != NULL && app[0] != '\0' ? app : "capture");
}

/* What CaptureBegin needs, for eg_try_subxact. */
typedef struct CaptureBeginArg
{
	Capture    *cap;
	bool		captured;		/* out */
} CaptureBeginArg;

/*
 * The one-step workload of query, which fills relation relname, planned
 * as eg.run and eg.explain plan; NULL, with the reason at
 * DEBUG1, if eg does not capture it.  May fail: callers use a
 * subtransaction.
 */
RunState *
capture_plan(Query *query, const char *relname)
{
	char	   *text = CaptureQueryText(query);
	EgWorkload *wl;
	EgStep	   *step;
	RunState   *rs;

	if (text == NULL)
	{
		ereport(DEBUG1, (errmsg("eg.capture: statement not captured: "
								"its query does not print back as itself")));
		return NULL;
	}
	wl = palloc0(sizeof(EgWorkload));
	wl->name = CaptureWorkloadName();
	step = workload_query_step(wl, EG_STEP_DATASET, relname, text,
							   ident_analyze_query(text, NIL, relname));
	wl->steps = palloc(sizeof(EgStep *));
	wl->steps[0] = step;
	wl->nsteps = 1;
	eg_spi_connect();
	rs = exec_prepare_workload(wl, NULL);
	eg_spi_finish();
	rs->captured = true;
	if (!step->reusable)
	{
		ereport(DEBUG1, (errmsg("eg.capture: statement not captured: it is not reusable")));
		return NULL;
	}
	exec_plan(rs);
	return rs;
}

/* Plan the captured statement (for eg_try_subxact); captured if reusable. */
static void
CapturePlan(void *arg)
{
	CaptureBeginArg *a = (CaptureBeginArg *) arg;
	char	   *relname = NULL;
	Query	   *query = CaptureQuery(a->cap->stmt, &relname);

	if (query != NULL)
		a->cap->rs = capture_plan(query, relname);
	a->captured = a->cap->rs != NULL;
}

/*
 * The role PostgreSQL runs stmt's query as: a REFRESH runs as the
 * materialized view's owner (so row-level security is the owner's), other
 * statements as the current user.
 */
static Oid
CaptureRunsAs(Node *stmt)
{
	Oid			relid;
	HeapTuple	tuple;
	Oid			owner;

	if (!IsA(stmt, RefreshMatViewStmt))
		return GetUserId();
	relid = RangeVarGetRelid(((RefreshMatViewStmt *) stmt)->relation, NoLock, true);
	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tuple))
		return GetUserId();		/* PostgreSQL will say it does not exist */
	owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	ReleaseSysCache(tuple);
	return owner;
}

/* edata; but a cancel (or statement_timeout) is the statement's: raised again. */
static ErrorData *
CaptureCancelled(ErrorData *edata)
{
	if (edata != NULL && edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
		ReThrowError(edata);
	return edata;
}

/* eg_try_subxact(fn, arg); its error, but a cancel (or statement_timeout) is the statement's. */
ErrorData *
capture_try(void (*fn) (void *arg), void *arg)
{
	return CaptureCancelled(eg_try_subxact(fn, arg));
}

/* capture_try(fn, arg) as role (eg plans and records as the query runs). */
static ErrorData *
CaptureTryAs(Oid role, void (*fn) (void *arg), void *arg)
{
	Oid			save_userid;
	int			save_sec_context;
	ErrorData  *edata;

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(role, save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	edata = eg_try_subxact(fn, arg);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	return CaptureCancelled(edata);
}

/*
 * Start capturing stmt: its plan made, or NULL when eg does not capture it
 * (not such a statement, not reusable, or eg failed: the statement then runs
 * as without eg).
 */
static Capture *
CaptureBegin(Node *stmt)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "eg capture",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	Capture    *cap = palloc0(sizeof(Capture));
	CaptureBeginArg a = {cap, false};
	ErrorData  *edata;

	cap->cxt = cxt;
	cap->stmt = stmt;
	cap->started = GetCurrentTimestamp();
	INSTR_TIME_SET_CURRENT(cap->start);
	cap->runs_as = CaptureRunsAs(stmt);
	edata = CaptureTryAs(cap->runs_as, CapturePlan, &a);
	MemoryContextSwitchTo(old);
	if (edata != NULL)
		ereport(DEBUG1,
				(errmsg("eg.capture: statement not captured: %s", edata->message)));
	if (edata != NULL || !a.captured)
	{
		MemoryContextDelete(cxt);
		return NULL;
	}
	return cap;
}

/*
 * Load the captured statement's rows into the receiver of qd instead of
 * running its plan (capture_load.c); false, with nothing sent, if the load
 * failed.
 */
static bool
CaptureLoad(Capture *cap, QueryDesc *qd)
{
	RunState   *rs = cap->rs;
	EgStep	   *step = rs->wl->steps[0];
	List	   *damaged = NIL;
	ErrorData  *error = NULL;
	int64		rows;
	instr_time	start;
	MemoryContext old;

	INSTR_TIME_SET_CURRENT(start);
	if (capture_load(&step->id, qd, &rows, &damaged, &error))
	{
		rs->seconds[0] = exec_since(start);
		rs->rows[0] = rows;
		rs->done[0] = EG_ACT_LOAD;
		return true;
	}
	if (error != NULL)
		ereport(WARNING,
				(errmsg("eg.capture could not load \"%s\" from the store: %s",
						step->name, error->message),
				 errdetail("The statement computes it instead.")));
	old = MemoryContextSwitchTo(cap->cxt);
	rs->failed = list_concat(rs->failed, damaged);
	MemoryContextSwitchTo(old);
	return false;
}

/* Run the captured statement's plan, timed, recording what it reads. */
static void
CaptureCompute(Capture *cap, QueryDesc *qd, ScanDirection direction, uint64 count,
			   bool execute_once)
{
	RunState   *rs = cap->rs;
	EgStep	   *step = rs->wl->steps[0];
	instr_time	start;
	MemoryContext old;

	/* eg.store_async = on: a worker ready by the end, as in eg.run */
	rs->store = store_async_early();
	INSTR_TIME_SET_CURRENT(start);
	readset_start();
	PG_TRY();
	{
		if (PrevExecutorRun)
			PrevExecutorRun(qd, direction, count, execute_once);
		else
			standard_ExecutorRun(qd, direction, count, execute_once);
	}
	PG_FINALLY();
	{
		readset_stop();
	}
	PG_END_TRY();
	rs->seconds[0] = exec_since(start);
	rs->rows[0] = (int64) qd->estate->es_processed;
	rs->done[0] = EG_ACT_COMPUTE;
	old = MemoryContextSwitchTo(cap->cxt);
	cap->reads = readset_take(step->info->relids, step->info->funcids);
	MemoryContextSwitchTo(old);
}

/* What CaptureCheckMoved needs, for capture_try. */
typedef struct CaptureMovedArg
{
	Capture    *cap;
	QueryDesc  *qd;
} CaptureMovedArg;

/* Whether the statement's sources moved between its snapshot and eg's plan. */
static void
CaptureCheckMoved(void *arg)
{
	CaptureMovedArg *a = (CaptureMovedArg *) arg;
	EgStep	   *step = a->cap->rs->wl->steps[0];

	a->cap->moved = !ident_sources_equal(step->sources,
										 ident_sources_as_of(step->info->relids,
															 a->qd->snapshot));
}

/* ExecutorRun_hook: the captured statement's query loads or computes. */
static void
CaptureExecutorRun(QueryDesc *qd, ScanDirection direction, uint64 count,
				   bool execute_once)
{
	Capture    *cap = Active;
	CaptureMovedArg moved = {cap, qd};

	if (cap == NULL || cap->ran || NestedUtility > 0 ||
		(qd->dest->mydest != DestIntoRel && qd->dest->mydest != DestTransientRel))
	{
		if (PrevExecutorRun)
			PrevExecutorRun(qd, direction, count, execute_once);
		else
			standard_ExecutorRun(qd, direction, count, execute_once);
		return;
	}
	cap->ran = true;

	/*
	 * eg planned with the data versions of its own snapshot; the statement
	 * reads those of its snapshot, taken before.  If a commit came between,
	 * the statement computes, and its result is not reused (so too if eg
	 * cannot tell).
	 */
	if (capture_try(CaptureCheckMoved, &moved) != NULL)
		cap->moved = true;
	if (!cap->moved && cap->rs->actions[0] == EG_ACT_LOAD && CaptureLoad(cap, qd))
		return;
	CaptureCompute(cap, qd, direction, count, execute_once);
}

/*
 * The relation the captured statement filled: a new one in the schema
 * PostgreSQL created it in (a temporary table of that name may come first
 * in the search_path), or the materialized view refreshed.
 */
static Oid
CaptureRelid(Node *stmt)
{
	RangeVar   *rel;
	char	   *name;
	Oid			relid;

	if (IsA(stmt, RefreshMatViewStmt))
		return RangeVarGetRelid(((RefreshMatViewStmt *) stmt)->relation, NoLock, false);
	rel = ((CreateTableAsStmt *) stmt)->into->rel;
	name = pstrdup(rel->relname);
	truncate_identifier(name, strlen(name), false);
	relid = get_relname_relid(name, RangeVarGetCreationNamespace(rel));
	if (!OidIsValid(relid))
		elog(ERROR, "relation \"%s\" just created is not there", name);
	return relid;
}

/* The statements of capture.c on eg's tables. */
typedef enum CaptureStmtId
{
	CS_REGISTER,
	CS_COUNT
} CaptureStmtId;

static EgStmt capture_stmts[CS_COUNT] = {
	[CS_REGISTER] = EG_STMT(
		"WITH gone AS (DELETE FROM eg.captured k WHERE k.artifact = $3::eg.artifact_id "
		" AND NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = k.relid)) "
		"INSERT INTO eg.captured (relid, version, artifact) "
		"VALUES ($1, $2, $3::eg.artifact_id) "
		"ON CONFLICT (relid) DO UPDATE SET version = excluded.version, "
		"artifact = excluded.artifact",
		SPI_OK_INSERT, 3, OIDOID, TEXTOID, TEXTOID),
};

/*
 * Remember that relid holds artifact id as of now, so that statements
 * reading it are reused in later sessions (ident.c): its changes tracked
 * from here, and a change logged now gives it a data version nothing else
 * has (a relation made later with the same oid cannot have it).  What was
 * remembered of dropped tables holding the same artifact goes.  Not at REPEATABLE READ or SERIALIZABLE, where a worker
 * records the run and this transaction cannot see the artifact's row, nor
 * on the schema of eg 0.2.
 */
static void
CaptureRegister(Oid relid, const EgId *id)
{
	Datum		values[3];

	if (IsolationUsesXactSnapshot() || !graph_has_captured() || !track_relation(relid))
		return;
	track_log_change(relid);
	values[0] = ObjectIdGetDatum(relid);
	values[1] = CStringGetTextDatum(track_version(relid, InvalidSnapshot));
	values[2] = CStringGetTextDatum(eg_id_to_hex(id));
	(void) eg_spi_exec(&capture_stmts[CS_REGISTER], values, NULL, false);
}

/* After the statement: record its run and offer its table to the store. */
static void
CaptureRecord(void *arg)
{
	Capture    *cap = (Capture *) arg;
	RunState   *rs = cap->rs;
	EgStep	   *step = rs->wl->steps[0];

	eg_spi_connect();
	/* the data it read must not have moved since the plan, nor while it ran */
	if (rs->done[0] == EG_ACT_COMPUTE)
		exec_settle(rs, step, step->sources, cap->moved, cap->reads);
	rs->relids[0] = CaptureRelid(cap->stmt);
	rs->bytes[0] = exec_table_bytes(rs->relids[0]);
	rs->used[0] = true;
	rs->workload = SessionWorkload;
	exec_finish(rs, cap->started, exec_since(cap->start));
	if (rs->workload > 0)
		SessionWorkload = rs->workload;
	if (step->reusable)
		CaptureRegister(rs->relids[0], &step->id);
	eg_spi_finish();
}

/* Say what became of the captured statement (eg.progress). */
static void
CaptureReport(Capture *cap)
{
	RunState   *rs = cap->rs;
	EgStep	   *step = rs->wl->steps[0];

	if (!eg_progress)
		return;
	if (rs->done[0] == EG_ACT_LOAD)
		ereport(NOTICE,
				(errmsg("\"%s\" loaded from the store in %.3f s; computing took %.3f s",
						step->name, rs->seconds[0], Max(rs->graph[0].compute_seconds, 0))));
	else
		ereport(NOTICE,
				(errmsg("\"%s\" computed in %.3f s", step->name, rs->seconds[0])));
}

/* The statement ran: record it (a WARNING if that failed), and report. */
static void
CaptureEnd(Capture *cap)
{
	MemoryContext old = MemoryContextSwitchTo(cap->cxt);
	ErrorData  *edata = NULL;

	if (cap->ran)
	{
		edata = CaptureTryAs(cap->runs_as, CaptureRecord, cap);
		if (edata != NULL)
			ereport(WARNING,
					(errmsg("eg.capture could not record the statement: %s", edata->message)));
		else
			CaptureReport(cap);
	}
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cap->cxt);
}

/* Run a utility statement as PostgreSQL (or the next hook) would. */
static void
CaptureRunUtility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
				  ProcessUtilityContext context, ParamListInfo params,
				  QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	if (PrevProcessUtility)
		PrevProcessUtility(pstmt, queryString, readOnlyTree, context, params,
						   queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
								queryEnv, dest, qc);
}

/* True if eg.capture may capture a statement here and now. */
bool
capture_wanted(void)
{
	return eg_capture && Active == NULL && !IsBackgroundWorker &&
		!workload_is_running() && IsTransactionState() &&
		OidIsValid(get_extension_oid("eg", true));
}

/* ProcessUtility_hook: capture the statements eg.capture names. */
static void
CaptureProcessUtility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
					  ProcessUtilityContext context, ParamListInfo params,
					  QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Capture    *cap = NULL;

	if (Active != NULL)
	{
		NestedUtility++;
		PG_TRY();
		{
			CaptureRunUtility(pstmt, queryString, readOnlyTree, context, params,
							  queryEnv, dest, qc);
		}
		PG_FINALLY();
		{
			NestedUtility--;
		}
		PG_END_TRY();
		return;
	}
	if ((IsA(pstmt->utilityStmt, CreateTableAsStmt) ||
		 IsA(pstmt->utilityStmt, RefreshMatViewStmt)) && capture_wanted())
		cap = CaptureBegin(pstmt->utilityStmt);
	if (cap == NULL)
	{
		CaptureRunUtility(pstmt, queryString, readOnlyTree, context, params,
						  queryEnv, dest, qc);
		return;
	}
	Active = cap;
	PG_TRY();
	{
		/*
		 * At READ COMMITTED the statement reads a snapshot taken now, after
		 * eg's plan (and any tracker it installed): as if it had started
		 * now.  What commits in between is seen by CaptureExecutorRun.
		 */
		bool		fresh = !IsolationUsesXactSnapshot() && ActiveSnapshotSet();

		if (fresh)
			PushActiveSnapshot(GetTransactionSnapshot());
		CaptureRunUtility(pstmt, queryString, readOnlyTree, context, params,
						  queryEnv, dest, qc);
		if (fresh)
			PopActiveSnapshot();
	}
	PG_FINALLY();
	{
		Active = NULL;
	}
	PG_END_TRY();
	CaptureEnd(cap);
}

/* Define eg.capture and install the hooks (chained), from _PG_init. */
void
capture_init(void)
{
	DefineCustomBoolVariable("eg.capture",
							 "Make CREATE TABLE AS, SELECT INTO and materialized views steps of eg's graph.",
							 "On: such statements are reused from eg's store when that is cheaper, "
							 "and offered to it when computed.",
							 &eg_capture, false,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	PrevProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = CaptureProcessUtility;
	PrevExecutorRun = ExecutorRun_hook;
	ExecutorRun_hook = CaptureExecutorRun;
	capture_explain_init();
}
