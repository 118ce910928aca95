# eg.store_async's worker (src/store_async.c) racing what changes the store
# under it: a budget lowered by eg.materialize() in another session, and
# DROP EXTENSION eg.  The worker is held inside the materializer (it has
# eg's lock and waits to insert a chunk that a test transaction inserted
# first, as in t/002_crash.pl (b)); the other session's statement then
# waits for it, and once the test lets the worker go both complete: the
# budget holds, eg.check() finds nothing wrong, no job is left, and DROP
# EXTENSION leaves nothing behind.  And a run in another session that needs
# what the held worker stores waits for it, then loads it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('jobs');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
    CREATE EXTENSION eg;
    CREATE TABLE src AS
        SELECT g AS id, g % 7 AS grp, md5(g::text) AS h FROM generate_series(1, 20000) g;
});

my $workload = q{
    SET eg.materializer = 'all';
    SELECT eg.begin('jobs');
    SELECT eg.dataset('fj', $$SELECT id, grp, h FROM src WHERE id % 3 = 0$$);
    SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run();
};

# The last line of SQL's output in a new session.
sub run_last
{
	my @l = split /\n/, $node->safe_psql('postgres', shift);
	return $l[-1] // '';
}

# Close a background session.
sub reap
{
	my $s = shift;
	eval { $s->quit; };
	return;
}

# Hold the worker of the next eg.store_async run inside the materializer:
# a transaction inserts fj's chunk of column h first (its key known from a
# run rolled back), run the workload with eg.store_async, wait for the
# worker to wait for that transaction.  Returns the holder session.
sub hold_worker
{
	my $wl = shift // $workload;
	my $key = run_last(qq{
        BEGIN;
        $wl
        SELECT encode(s.chunk, 'hex') FROM eg.store_segment s
        JOIN eg.store_column c ON c.artifact = s.artifact AND c.attnum = s.attnum
        JOIN eg.artifact a ON a.id = s.artifact WHERE a.step = 'fj' AND c.name = 'h';
        ROLLBACK;
    });
	like($key, qr/^[0-9a-f]{64}$/, 'the chunk key is known in advance');
	my $holder = $node->background_psql('postgres');
	$holder->query_safe(qq{
        BEGIN;
        INSERT INTO eg.chunk (hash, raw_bytes, stored_bytes, data)
        VALUES (decode('$key', 'hex'), 1, 1, '\\x00');
    });
	is(run_last("SET eg.store_async = on; $wl"), 'fj=computed', 'the run computes and commits');
	$node->poll_query_until('postgres', q{
        SELECT count(*) > 0 FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
        WHERE a.backend_type = 'eg store' AND l.locktype = 'transactionid'});
	is($node->safe_psql('postgres', q{SELECT count(*) FROM eg.store_job}), '1',
		'the worker is held inside the materializer, its job pending');
	return $holder;
}

# Start $sql in a background session; wait until it waits: for a lock of
# type $locktype, or (Extension) in eg's own wait loop.
sub start_waiting
{
	my ($sql, $locktype) = @_;
	my $s = $node->background_psql('postgres');
	my $pid = $s->query_safe('SELECT pg_backend_pid()');
	chomp $pid;
	$s->query_until(qr/started/, "\\echo started\n$sql\n");
	$node->poll_query_until('postgres', $locktype eq 'Extension'
		? qq{SELECT wait_event_type = 'Extension' FROM pg_stat_activity WHERE pid = $pid}
		: qq{SELECT count(*) > 0 FROM pg_locks WHERE pid = $pid AND locktype = '$locktype' AND NOT granted});
	return ($s, $pid);
}

# Wait until session $pid is idle (or gone: an error may end it) and no
# store worker is left.
sub wait_done
{
	my $pid = shift;
	$node->poll_query_until('postgres', qq{
        SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $pid AND state <> 'idle')});
	$node->poll_query_until('postgres', q{
        SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE backend_type = 'eg store')});
	return;
}

# ---- 1. a budget lowered while a job is being stored
my $holder = hold_worker();
my ($other, $opid) = start_waiting(q{
    SET eg.budget = '8kB';
    SELECT count(*) FROM eg.materialize();
}, 'advisory');
pass('eg.materialize() with a lower budget waits for the worker\'s lock');
$holder->query_safe('ROLLBACK');
wait_done($opid);
reap($other);
reap($holder);
is($node->safe_psql('postgres', q{SELECT stored_bytes <= 8192 FROM eg.storage}), 't',
	'budget: the store holds the lower budget after both');
is($node->safe_psql('postgres', q{SELECT materialized FROM eg.artifact WHERE step = 'fj'}), 'f',
	'budget: what the worker stored was evicted by the lower budget');
is($node->safe_psql('postgres', 'SELECT * FROM eg.check()'), '', 'budget: eg.check() finds nothing wrong');
is($node->safe_psql('postgres', 'SELECT count(*) FROM eg.store_job'), '0', 'budget: no job left');

# ---- 2. DROP EXTENSION while a job is being stored
my $log_offset = -s $node->logfile;
$holder = hold_worker();
my $drop;
($drop, $opid) = start_waiting('DROP EXTENSION eg;', 'object');
pass('DROP EXTENSION waits for the worker');
$holder->query_safe('ROLLBACK');
wait_done($opid);
reap($drop);
reap($holder);
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_extension WHERE extname = 'eg'}), '0',
	'drop: the extension is gone');
is( $node->safe_psql('postgres', q{
        SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'eg'}),
	'0', 'drop: and its tables (the job table too)');
my $log = slurp_file($node->logfile, $log_offset);
unlike($log, qr/ERROR|WARNING/, 'drop: neither the worker nor DROP EXTENSION reported a problem');
$node->safe_psql('postgres', 'CREATE EXTENSION eg');
is(run_last($workload), 'fj=computed', 'drop: a new eg computes');
is(run_last($workload), 'fj=loaded', 'drop: and loads what it stored');
is($node->safe_psql('postgres', 'SELECT * FROM eg.check()'), '', 'drop: eg.check() finds nothing wrong');

# ---- 3. a run needing the artifact a held worker stores waits for it, then loads it
my $workload3 = $workload =~ s/id % 3 = 0/id % 3 = 1/r;
$holder = hold_worker($workload3);
# as long as 1000 s of computing: the run waits until the job is done
$node->safe_psql('postgres', 'UPDATE eg.store_job SET seconds = 1000');
my ($waiter) = start_waiting($workload3, 'Extension');
pass('wait: the run waits for the store in progress');
$holder->query_safe('ROLLBACK');
like($waiter->query_safe(q{SELECT 'after'}), qr/fj=loaded/, 'wait: then it loads what was stored');
reap($waiter);
reap($holder);
is($node->safe_psql('postgres', 'SELECT count(*) FROM eg.store_job'), '0', 'wait: no job left');

# ---- 4. DROP EXTENSION while the worker waits for its run to commit
# The worker has prepared (it read eg's tables) and waits for the run's
# transaction; DROP EXTENSION waits for that transaction too.  Once the run
# commits, DROP must not take eg's tables away under the worker (which then
# takes their locks to store): the two deadlocked.
my $run = $node->background_psql('postgres');
$run->query_safe(q{SET eg.store_async = on; BEGIN});
$run->query_safe($workload =~ s/id % 3 = 0/id % 3 = 2/r);
$node->poll_query_until('postgres', q{
    SELECT count(*) > 0 FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
    WHERE a.backend_type = 'eg store' AND l.locktype = 'transactionid'});
$log_offset = -s $node->logfile;
# CASCADE: the run's session still has its step table, whose trigger is eg's
($drop, $opid) = start_waiting('DROP EXTENSION eg CASCADE;', 'relation');
$run->query_safe('COMMIT');
wait_done($opid);
reap($drop);
reap($run);
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_extension WHERE extname = 'eg'}), '0',
	'drop after commit: the extension is gone');
$log = slurp_file($node->logfile, $log_offset);
unlike($log, qr/ERROR|WARNING/, 'drop after commit: no deadlock, no error from the worker or DROP');

$node->stop;
done_testing();
