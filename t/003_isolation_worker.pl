# A run at REPEATABLE READ is recorded by a background worker in its own
# transaction (src/graph_worker.c).  Its two failure paths never fail the
# user's transaction: with no worker free the run is not recorded (a
# NOTICE), and a worker that fails reports a WARNING; the graph stays
# consistent either way.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $workload = q{
    BEGIN ISOLATION LEVEL REPEATABLE READ;
    SELECT eg.begin('rr');
    SELECT eg.dataset('s', 'SELECT g, g * 2 AS h FROM t WHERE g > 10');
    SELECT count(*) FROM eg.run();
    SELECT sum(h) FROM s;
    COMMIT;
};

# 1. A worker that fails: an error injected into the graph's writes.
my $node = PostgreSQL::Test::Cluster->new('rr');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
    CREATE EXTENSION eg;
    CREATE TABLE t AS SELECT g FROM generate_series(1, 100) g;
    CREATE FUNCTION fail_record() RETURNS trigger LANGUAGE plpgsql AS
        $$BEGIN RAISE EXCEPTION 'injected failure'; END$$;
    CREATE TRIGGER fail_record BEFORE INSERT ON eg.workload
        FOR EACH ROW EXECUTE FUNCTION fail_record();
});
my ($ret, $out, $err) = $node->psql('postgres', $workload);
is($ret, 0, 'worker fails: the user\'s transaction commits');
like($out, qr/^1\n9990$/m, 'worker fails: the step\'s result is the user\'s');
like($err, qr/WARNING:  could not record the run in the experiment graph/,
    'worker fails: a WARNING says the run was not recorded');
like($err, qr/injected failure/, 'worker fails: the WARNING carries the worker\'s error');
is($node->safe_psql('postgres', 'SELECT count(*) FROM eg.workloads'), '0',
    'worker fails: no run recorded');
is($node->safe_psql('postgres', 'SELECT count(*) FROM eg.check()'), '0',
    'worker fails: eg.check finds nothing wrong');

# the same run records once the failure is gone
$node->safe_psql('postgres', 'DROP TRIGGER fail_record ON eg.workload');
($ret, $out, $err) = $node->psql('postgres', $workload);
is($ret, 0, 'worker works: the transaction commits');
is($node->safe_psql('postgres', "SELECT count(*) FROM eg.workloads WHERE name = 'rr'"), '1',
    'worker works: the run is recorded');
$node->stop;

# 2. No worker free: the only background worker slot is taken (the logical
# replication launcher holds it).
my $tight = PostgreSQL::Test::Cluster->new('tight');
$tight->init;
$tight->append_conf('postgresql.conf', "max_worker_processes = 1\n");
$tight->start;
$tight->safe_psql('postgres', q{
    CREATE EXTENSION eg;
    CREATE TABLE t AS SELECT g FROM generate_series(1, 100) g;
});
($ret, $out, $err) = $tight->psql('postgres', $workload);
is($ret, 0, 'no worker free: the user\'s transaction commits');
like($out, qr/^1\n9990$/m, 'no worker free: the step\'s result is the user\'s');
like($err, qr/NOTICE:  the run was not recorded in the experiment graph/,
    'no worker free: a NOTICE says the run was not recorded');
is($tight->safe_psql('postgres', 'SELECT count(*) FROM eg.workloads'), '0',
    'no worker free: no run recorded');
is($tight->safe_psql('postgres', 'SELECT count(*) FROM eg.check()'), '0',
    'no worker free: eg.check finds nothing wrong');

# a failed run, whose completed steps a worker would save: a NOTICE, and
# the step's error as it is
($ret, $out, $err) = $tight->psql('postgres', q{
    SELECT eg.begin('failing');
    SELECT eg.dataset('a', 'SELECT g FROM t');
    SELECT eg.dataset('b', 'SELECT 1 / (count(*) - count(*)) AS x FROM a');
    SELECT count(*) FROM eg.run();
});
like($err, qr/NOTICE:  the run was not recorded in the experiment graph/,
    'no worker free, a failed run: a NOTICE says its steps were not saved');
like($err, qr/ERROR:  division by zero/, 'no worker free, a failed run: the step\'s error');
is($tight->safe_psql('postgres', "SELECT count(*) FROM eg.workloads WHERE name = 'failing'"), '0',
    'no worker free, a failed run: nothing recorded');

# eg.store_async: eg.run stores what it computed itself (a step over no
# table: t's change trigger, which a worker installs, is missing here)
($ret, $out, $err) = $tight->psql('postgres', q{
    SET eg.store_async = on;
    SET eg.materializer = 'all';
    SELECT eg.begin('async');
    SELECT eg.dataset('c', 'SELECT g * 3 AS x FROM generate_series(1, 100) g') IS NOT NULL;
    SELECT count(*) FROM eg.run();
    SELECT count(*) FROM eg.artifacts WHERE step = 'c' AND materialized;
});
is($ret, 0, 'no worker free, eg.store_async: the run succeeds');
like($out, qr/^t\n1\n1$/m, 'no worker free, eg.store_async: stored by the run itself, at once');
$tight->stop;

done_testing();
