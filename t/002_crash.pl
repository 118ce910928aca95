# A backend killed (SIGKILL, so the postmaster restarts everything) in the
# middle of eg.run leaves a consistent graph and store, and the next run is
# right.  Three crash points, each made deterministic by a lock the test
# holds, and confirmed in pg_locks before the kill:
#   (a) computing a step: the step's query waits on an advisory lock (a
#       STABLE gate function, as in specs/concurrent_change.spec);
#   (b) storing chunks: another transaction holds an uncommitted insert of
#       the chunk key the run is about to store (known from an earlier run
#       rolled back: keys are content addresses), so the run's INSERT ...
#       ON CONFLICT waits for it on the unique index;
#   (c) evicting: another transaction holds the segments of the artifact
#       that must go FOR SHARE, so the eviction's DELETE waits for it.
# And (d): a permanent table written by eg.restore survives an immediate
# shutdown; (e): with eg.store_async, the worker storing a committed run's
# tables is killed while its job is pending (waiting for the materializer's
# lock, which the test holds): the next run neither waits for the dead job
# nor loads anything of it, computes, and the run after it loads.  (f):
# an unlogged table emptied by crash recovery is a change.
# After each restart eg.check() finds nothing wrong, the crashed run left
# no trace in the graph, and running the workload again loads or computes
# as the store allows, with the result of plain SQL.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
# PostgreSQL::Test::Cluster turns this off; a crash must restart the server
$node->append_conf('postgresql.conf', 'restart_after_crash = on');
$node->start;

$node->safe_psql('postgres', q{
    CREATE EXTENSION eg;
    CREATE TABLE src AS
        SELECT g AS id, g % 7 AS grp, g * 1.5 AS v FROM generate_series(1, 20000) g;
    -- a STABLE gate: a step calling it waits while the test holds lock 4243
    CREATE FUNCTION gate() RETURNS bool LANGUAGE sql STABLE
        AS 'SELECT pg_advisory_lock_shared(4243) IS NOT NULL';
});

my $settings = q{
    SET eg.reuse = all_load;
    SET eg.materializer = 'all';
};

# The last line of output.
sub last_line
{
	my @l = split /\n/, shift;
	return $l[-1] // '';
}

# Run SQL in a new session; return its last line of output.
sub run_last
{
	return last_line($node->safe_psql('postgres', $settings . shift));
}

# Close a background session whose server connection may be gone.
sub reap
{
	my $s = shift;
	eval { $s->quit; };
	return;
}

# The materializer's transaction-scoped advisory lock ('eg' 'mat').
my $mat_lock = q{locktype = 'advisory' AND classid = 25959 AND objid = 7168372 AND granted};

# Start $sql in a new background session; return (session, backend pid).
sub start_victim
{
	my $sql = shift;
	my $s = $node->background_psql('postgres');
	my $pid = $s->query_safe('SELECT pg_backend_pid()');
	chomp $pid;
	$s->query_until(qr/running/, "\\echo running\n" . $settings . $sql);
	return ($s, $pid);
}

# Kill backend $pid with SIGKILL and wait for the crash restart to finish.
sub crash
{
	my $pid = shift;
	my $offset = -s $node->logfile;

	ok(kill('KILL', $pid), "backend $pid killed");
	$node->wait_for_log(qr/\(PID $pid\) was terminated by signal 9/, $offset);
	$node->wait_for_log(qr/all server processes terminated; reinitializing/, $offset);
	$node->wait_for_log(qr/database system is ready to accept connections/, $offset);
	$node->poll_query_until('postgres', 'SELECT true');
	return;
}

# After a crash: the store checks clean and the graph has no trace of $wl.
sub consistent
{
	my ($wl, $steps, $what) = @_;
	is($node->safe_psql('postgres', 'SELECT * FROM eg.check()'), '',
		"$what: eg.check() finds nothing wrong");
	is( $node->safe_psql('postgres', qq{
			SELECT (SELECT count(*) FROM eg.workload WHERE name = '$wl') + (SELECT count(*)
			FROM eg.artifact WHERE step IN ($steps))}),
		'0', "$what: the crashed run left nothing in the graph");
	return;
}

# A session holding what $sql takes in an open transaction, and its pid.
sub start_holder
{
	my ($sql) = @_;
	my $h = $node->background_psql('postgres');
	$h->query_safe($sql);
	my $pid = $h->query_safe('SELECT pg_backend_pid()');
	chomp $pid;
	return ($h, $pid);
}

# What the victim waits for: "<wait event> <mode> on holder=<waits for the
# holder's transaction> materializer=<holds its lock> <name>=<holds
# RowExclusiveLock on $relation>".
sub waiting_for
{
	my ($vpid, $hpid, $name, $relation) = @_;
	return $node->safe_psql('postgres', qq{
        SELECT a.wait_event_type || ':' || a.wait_event || ' ' || l.mode
               || ' on holder=' || (l.transactionid = h.backend_xid)
               || ' materializer=' || EXISTS (SELECT 1 FROM pg_locks m WHERE m.pid = $vpid AND $mat_lock)
               || ' $name=' || EXISTS (SELECT 1 FROM pg_locks c WHERE c.pid = $vpid AND c.granted
                                       AND c.relation = '$relation'::regclass AND c.mode = 'RowExclusiveLock')
        FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted,
             pg_stat_activity h
        WHERE a.pid = $vpid AND h.pid = $hpid});
}

# The key of $step's chunk of column $column, from a run of $sql rolled
# back (keys are content addresses: the same rows give the same key).
sub chunk_key
{
	my ($sql, $step, $column) = @_;
	return run_last(qq{
        BEGIN;
        $sql
        SELECT encode(s.chunk, 'hex') FROM eg.store_segment s
        JOIN eg.store_column c ON c.artifact = s.artifact AND c.attnum = s.attnum
        JOIN eg.artifact a ON a.id = s.artifact
        WHERE a.step = '$step' AND c.name = '$column';
        ROLLBACK;
    });
}

# A session holding an uncommitted insert of chunk $key; and its pid.
sub hold_chunk
{
	my $key = shift;
	return start_holder(qq{
        BEGIN;
        INSERT INTO eg.chunk (hash, raw_bytes, stored_bytes, data)
        VALUES (decode('$key', 'hex'), 1, 1, '\\x00');
    });
}

# ---- (a) crash while computing a step
my $wa = q{
    SELECT eg.begin('crash-a');
    SELECT eg.dataset('fa', $$SELECT id, grp, v * 2 AS v2 FROM src WHERE id % 3 = 0$$);
    SELECT eg.dataset('ga', $$SELECT grp, sum(v2) AS s FROM fa WHERE gate() GROUP BY grp$$);
    SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run();
};
my $ga = q{SELECT string_agg(grp || ':' || s, ',' ORDER BY grp) FROM ga};
my $ga_plain = $node->safe_psql('postgres', q{
    SELECT string_agg(grp || ':' || s, ',' ORDER BY grp)
    FROM (SELECT grp, sum(v * 2) AS s FROM src WHERE id % 3 = 0 GROUP BY grp) x});

my $holder = $node->background_psql('postgres');
$holder->query_safe('SELECT pg_advisory_lock(4243)');
my ($victim, $vpid) = start_victim($wa);
$node->poll_query_until('postgres', qq{
    SELECT count(*) > 0 FROM pg_locks
    WHERE pid = $vpid AND locktype = 'advisory' AND objid = 4243 AND NOT granted});
is( $node->safe_psql('postgres', qq{
        SELECT a.wait_event_type || ':' || a.wait_event || ' ' || l.mode
               || ' materializer=' || EXISTS (SELECT 1 FROM pg_locks m WHERE m.pid = $vpid AND $mat_lock)
        FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
        WHERE a.pid = $vpid}),
	'Lock:advisory ShareLock materializer=false',
	'(a) the run waits inside step ga, before the materializer');
crash($vpid);
reap($victim);
reap($holder);
consistent('crash-a', q{'fa', 'ga'}, '(a)');
is(run_last($wa), 'fa=computed,ga=computed', '(a) the next run computes');
is(run_last($wa . $ga), $ga_plain, '(a) its result equals plain SQL');
is(run_last($wa), 'fa=loaded,ga=loaded', '(a) the run after it loads');
is(run_last($wa . $ga), $ga_plain, '(a) the loaded result equals plain SQL');

# ---- (b) crash while storing chunks
my $wb = q{
    SELECT eg.begin('crash-b');
    SELECT eg.dataset('fb1', $$SELECT id, v FROM src WHERE id % 2 = 0$$);
    SELECT eg.dataset('fb2', $$SELECT id, grp, v * 3 AS v3 FROM src WHERE id % 2 = 1$$);
    SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run();
};
my $fb = q{SELECT sum(v) || '/' || (SELECT sum(v3) || ':' || count(*) FROM fb2) FROM fb1};
my $fb_plain = $node->safe_psql('postgres', q{
    SELECT sum(v) || '/' || (SELECT sum(v * 3) || ':' || count(*) FROM src WHERE id % 2 = 1)
    FROM src WHERE id % 2 = 0});

# the key of fb2's last column, the last chunk the run stores
my $key = chunk_key($wb, 'fb2', 'v3');
like($key, qr/^[0-9a-f]{64}$/, '(b) the chunk key is known in advance');
is($node->safe_psql('postgres', q{SELECT count(*) FROM eg.artifact WHERE step IN ('fb1', 'fb2')}),
	'0', '(b) and nothing of that run was kept');

my $hpid;
($holder, $hpid) = hold_chunk($key);
($victim, $vpid) = start_victim($wb);
$node->poll_query_until('postgres', qq{
    SELECT count(*) > 0 FROM pg_locks WHERE pid = $vpid AND locktype = 'transactionid' AND NOT granted});
is(waiting_for($vpid, $hpid, 'chunk', 'eg.chunk'),
	'Lock:transactionid ShareLock on holder=true materializer=true chunk=true',
	'(b) the run waits to insert a chunk, inside the materializer');
crash($vpid);
reap($victim);
reap($holder);
consistent('crash-b', q{'fb1', 'fb2'}, '(b)');
is($node->safe_psql('postgres', "SELECT count(*) FROM eg.chunk WHERE hash = decode('$key', 'hex')"),
	'0', '(b) no chunk of the crashed transactions is left');
is(run_last($wb), 'fb1=computed,fb2=computed', '(b) the next run computes');
is(run_last($wb . $fb), $fb_plain, '(b) its result equals plain SQL');
is(run_last($wb), 'fb1=loaded,fb2=loaded', '(b) the run after it loads');
is(run_last($wb . $fb), $fb_plain, '(b) the loaded result equals plain SQL');
is($node->safe_psql('postgres', 'SELECT * FROM eg.check()'), '', '(b) eg.check() finds nothing wrong after');

# ---- (c) crash while evicting
my $wc1 = q{
    SELECT eg.begin('crash-c1');
    SELECT eg.dataset('fc_old', $$SELECT id, v * 5 AS v5, md5(id::text) AS h FROM src$$);
    SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run();
};
my $fc_old = q{SELECT sum(v5) || ':' || count(DISTINCT h) FROM fc_old};
my $fc_old_plain = $node->safe_psql('postgres',
	q{SELECT sum(v * 5) || ':' || count(DISTINCT md5(id::text)) FROM src});
# a small new artifact, in a session whose budget only it fits in
my $wc2 = q{
    SET eg.budget = '64kB';
    SELECT eg.begin('crash-c2');
    SELECT eg.dataset('fc_new', $$SELECT grp, count(*) AS n FROM src GROUP BY grp$$);
    SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run();
};
my $fc_new = q{SELECT string_agg(grp || ':' || n, ',' ORDER BY grp) FROM fc_new};
my $fc_new_plain = $node->safe_psql('postgres',
	q{SELECT string_agg(grp || ':' || n, ',' ORDER BY grp) FROM (SELECT grp, count(*) AS n FROM src GROUP BY grp) x});

is(run_last($wc1), 'fc_old=computed', '(c) the first run computes and stores');
cmp_ok($node->safe_psql('postgres', q{SELECT stored_bytes FROM eg.storage}), '>', 65536,
	'(c) what it stored does not fit in 64kB');

($holder, $hpid) = start_holder(q{
    BEGIN;
    SELECT count(*) FROM (SELECT 1 FROM eg.store_segment s JOIN eg.artifact a ON a.id = s.artifact
                          WHERE a.step = 'fc_old' FOR SHARE OF s) x;
});
($victim, $vpid) = start_victim($wc2);
$node->poll_query_until('postgres', qq{
    SELECT count(*) > 0 FROM pg_locks WHERE pid = $vpid AND locktype = 'transactionid' AND NOT granted});
is(waiting_for($vpid, $hpid, 'segments', 'eg.store_segment'),
	'Lock:transactionid ShareLock on holder=true materializer=true segments=true',
	'(c) the run waits to delete the evicted segments, inside the materializer');
crash($vpid);
reap($victim);
reap($holder);
consistent('crash-c2', q{'fc_new'}, '(c)');
is($node->safe_psql('postgres', q{SELECT materialized FROM eg.artifact WHERE step = 'fc_old'}),
	't', '(c) the eviction was undone: fc_old is still kept');
is(run_last($wc1), 'fc_old=loaded', '(c) fc_old loads');
is(run_last($wc1 . $fc_old), $fc_old_plain, '(c) its result equals plain SQL');
is(run_last($wc2), 'fc_new=computed', '(c) the next small-budget run computes');
is(run_last($wc2 . $fc_new), $fc_new_plain, '(c) its result equals plain SQL');
is( $node->safe_psql('postgres', q{
        SET eg.budget = '64kB';
        SELECT string_agg(step || '=' || materialized, ',' ORDER BY step) FROM eg.artifact
        WHERE step IN ('fc_old', 'fc_new');
        SELECT count(*) FROM eg.check();}),
	"fc_new=true,fc_old=false\n0", '(c) that run evicted fc_old and the store checks clean within 64kB');
is(run_last($wc1), 'fc_old=computed', '(c) fc_old is computed again');
is(run_last($wc1 . $fc_old), $fc_old_plain, '(c) its result equals plain SQL');

# ---- (d) a permanent table eg.restore wrote survives a crash: its rows
# went through WAL (only temp tables take store_heap.c's unlogged path)
$node->safe_psql('postgres', q{
    SELECT eg.restore((SELECT id FROM eg.artifact WHERE step = 'fc_old'), 'restored_fc_old')});
$node->stop('immediate');
$node->start;
is( $node->safe_psql('postgres',
		q{SELECT sum(v5) || ':' || count(DISTINCT h) FROM restored_fc_old}),
	$fc_old_plain, '(d) a table restored before an immediate shutdown is intact after it');

# ---- (e) crash of eg.store_async's worker while its job is pending
my $we = q{
    SET eg.store_async = on;
    SELECT eg.begin('crash-e');
    SELECT eg.dataset('fe', $$SELECT id, grp, v * 7 AS v7 FROM src WHERE id % 5 = 0$$);
    SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run();
};
my $fe = q{SELECT sum(v7) || ':' || count(*) FROM fe};
my $fe_plain = $node->safe_psql('postgres', q{SELECT sum(v * 7) || ':' || count(*) FROM src WHERE id % 5 = 0});

# the key of fe's column v7, as in (b), from a run rolled back (stored by
# the session itself there)
$key = chunk_key($we =~ s/store_async = on/store_async = off/r, 'fe', 'v7');
like($key, qr/^[0-9a-f]{64}$/, '(e) the chunk key is known in advance');
($holder, $hpid) = hold_chunk($key);
is(run_last($we), 'fe=computed', '(e) the run computes and commits');
$node->poll_query_until('postgres', q{
    SELECT count(*) > 0 FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
    WHERE a.backend_type = 'eg store' AND l.locktype = 'transactionid'});
my $wpid = $node->safe_psql('postgres', q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'eg store'});
is(waiting_for($wpid, $hpid, 'chunk', 'eg.chunk'),
	'Lock:transactionid ShareLock on holder=true materializer=true chunk=true',
	'(e) the worker waits to insert a chunk, inside the materializer');
is( $node->safe_psql('postgres', qq{
        SELECT count(*) || ' ' || bool_and(pid = $wpid) FROM eg.store_job j
        JOIN eg.artifact a ON a.id = j.artifact WHERE a.step = 'fe'}),
	'1 true', '(e) its job is pending');
# a job as long as 1000 s of computing: waiting for it would hit the timeout below
$node->safe_psql('postgres', 'UPDATE eg.store_job SET seconds = 1000');
crash($wpid);
reap($holder);
is($node->safe_psql('postgres', 'SELECT * FROM eg.check()'), '', '(e) eg.check() finds nothing wrong');
is($node->safe_psql('postgres', q{SELECT materialized FROM eg.artifact WHERE step = 'fe'}),
	'f', '(e) nothing of the dead job was stored');
is(run_last("SET statement_timeout = '30s'; $we"), 'fe=computed',
	'(e) the next run computes, without waiting for the dead job');
is(run_last($we . $fe), $fe_plain, '(e) its result equals plain SQL');
$node->poll_query_until('postgres', q{
    SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE backend_type = 'eg store')});
is($node->safe_psql('postgres', q{SELECT count(*) FROM eg.store_job}), '0',
	'(e) the jobs are gone, the dead one too');
is(run_last($we), 'fe=loaded', '(e) the run after it loads');
is(run_last($we . $fe), $fe_plain, '(e) the loaded result equals plain SQL');

# ---- (f) crash recovery empties unlogged tables, and logs no change: what
# read one (a step, and with eg.capture a chain through an unlogged table
# it filled) is computed again, with the rows plain SQL gives now (before:
# loaded, the rows from before the crash)
$node->safe_psql('postgres', q{
    CREATE UNLOGGED TABLE ulog AS SELECT g AS id FROM generate_series(1, 1000) g});
my $wf = q{
    SELECT eg.begin('crash-f');
    SELECT eg.dataset('ff', $$SELECT count(*) AS n FROM ulog$$);
    SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run();
};
my $cf = q{
    LOAD 'eg';
    SET eg.capture = on;
    DROP TABLE IF EXISTS ucap, ucap_n;
    CREATE UNLOGGED TABLE ucap AS SELECT id FROM src WHERE id <= 500;
    CREATE TABLE ucap_n AS SELECT count(*) AS n FROM ucap;
    SELECT string_agg(s.step || '=' || s.action, ',' ORDER BY s.step) FROM eg.workload_steps s
    WHERE s.workload = (SELECT max(id) FROM eg.workloads) AND s.step LIKE 'ucap%';
};
is(run_last($wf), 'ff=computed', '(f) a step reading an unlogged table computes');
is(run_last($wf), 'ff=loaded', '(f) and loads the second time');
is(run_last($cf), 'ucap=computed,ucap_n=computed', '(f) a captured chain through an unlogged table computes');
is(run_last($cf), 'ucap=loaded,ucap_n=loaded', '(f) and loads the second time');
$node->safe_psql('postgres', 'DROP TABLE ucap_n');
$node->stop('immediate');
$node->start;
is($node->safe_psql('postgres', 'SELECT count(*) FROM ulog'), '0', '(f) the crash emptied the unlogged table');
is(run_last($wf), 'ff=computed', '(f) the step reading it computes again');
is(run_last($wf . 'SELECT n FROM ff'), '0', '(f) with the rows plain SQL gives');
is( run_last(q{
        LOAD 'eg';
        SET eg.capture = on;
        CREATE TABLE ucap_n AS SELECT count(*) AS n FROM ucap;
        SELECT s.action || ' ' || (SELECT n FROM ucap_n) FROM eg.workload_steps s
        WHERE s.workload = (SELECT max(id) FROM eg.workloads) AND s.step = 'ucap_n'}),
	'computed 0', '(f) a statement reading the captured unlogged table computes, as plain SQL');

is($node->safe_psql('postgres', 'SELECT * FROM eg.check()'), '', 'eg.check() finds nothing wrong at the end');

$node->stop;
done_testing();
