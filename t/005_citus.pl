# eg on a Citus cluster of three servers started here (a coordinator and
# two workers, citus and eg preloaded; docs/citus.md): workloads over a
# distributed and a reference table are computed, then loaded, equal to
# plain SQL; every way of writing them through the coordinator invalidates
# what read them, and a rolled-back write does not; eg.distribute_store()
# spreads the chunks over both workers, where storing, loading, eviction
# under the budget and eg.check() work as on one server; a worker restart
# between runs; and without eg in shared_preload_libraries, Citus tables
# are never reused (a NOTICE says why).  Needs Citus installed
# (vendor/citus/install-citus, which scripts/test runs).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $preload = "shared_preload_libraries = 'citus,eg'\nmax_prepared_transactions = 100\n";
my %node;
for my $name (qw(coordinator worker1 worker2))
{
	$node{$name} = PostgreSQL::Test::Cluster->new($name);
	$node{$name}->init;
	$node{$name}->append_conf('postgresql.conf', $preload);
	$node{$name}->start;
	$node{$name}->safe_psql('postgres', 'CREATE EXTENSION citus');
}
my $c = $node{coordinator};
$c->safe_psql('postgres', sprintf(q{
	SELECT citus_set_coordinator_host('%s', %d);
	SELECT citus_add_node('%s', %d);
	SELECT citus_add_node('%s', %d);
}, $c->host, $c->port, map { ($node{$_}->host, $node{$_}->port) } qw(worker1 worker2)));
is($c->safe_psql('postgres', 'SELECT count(*) FROM citus_get_active_worker_nodes()'),
	'2', 'a coordinator with two workers');

$c->safe_psql('postgres', q{
	CREATE EXTENSION eg;
	SET eg.materializer = 'all';
	CREATE TABLE ev (id int, g int, v float8);
	SELECT create_distributed_table('ev', 'id');
	INSERT INTO ev SELECT i, i % 10, i * 0.5 FROM generate_series(1, 20000) i;
	CREATE TABLE dim (g int PRIMARY KEY, label text);
	SELECT create_reference_table('dim');
	INSERT INTO dim SELECT g, 'g' || g FROM generate_series(0, 9) g;
});

# The workload (a new session each time): a step over both Citus tables,
# one over that step.  Returns "step=action,..." and the result's text.
my $workload = q{
	SET eg.materializer = 'all';
	SET eg.reuse = all_load;
	SELECT eg.begin('citus');
	SELECT eg.dataset('j', $$SELECT d.label, e.g, sum(e.v) AS s, count(*) AS n
	                        FROM ev e JOIN dim d ON d.g = e.g GROUP BY d.label, e.g$$);
	SELECT eg.aggregate('t', $$SELECT coalesce(string_agg(label || ':' || s || ':' || n, ',' ORDER BY g), 'none') AS r FROM j$$);
	SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run();
	SELECT r FROM t;
};
my $plain = q{SELECT coalesce(string_agg(label || ':' || s || ':' || n, ',' ORDER BY g), 'none') FROM
	(SELECT d.label, e.g, sum(e.v) AS s, count(*) AS n
	 FROM ev e JOIN dim d ON d.g = e.g GROUP BY d.label, e.g) x};

# Run the workload; check its actions and that it equals plain SQL (loads
# wherever the store has it: eg.reuse = all_load).
sub run_workload
{
	my ($expect, $what) = @_;
	my @out = split /\n/, $c->safe_psql('postgres', $workload);
	is($out[-2], $expect, "$what: $expect");
	is($out[-1], $c->safe_psql('postgres', $plain), "$what: equals plain SQL");
}

run_workload('j=computed,t=computed', 'first run');
run_workload('j=loaded,t=loaded', 'run again');

# every way of writing through the coordinator invalidates
my @writes = (
	[ 'INSERT', q{INSERT INTO ev VALUES (20001, 3, 1)} ],
	[ 'UPDATE', q{UPDATE ev SET v = v + 1 WHERE id <= 100} ],
	[ 'DELETE', q{DELETE FROM ev WHERE id % 1000 = 0} ],
	[ 'INSERT ... SELECT (pushed down)', q{INSERT INTO ev SELECT id + 100000, g, v FROM ev WHERE id < 50} ],
	[ 'INSERT ... SELECT (through the coordinator)', q{INSERT INTO ev SELECT 300000 + row_number() OVER (), g, v FROM ev WHERE id < 20} ],
	[ 'MERGE', q{MERGE INTO ev USING (SELECT id FROM ev WHERE id = 7) s ON ev.id = s.id WHEN MATCHED THEN UPDATE SET v = 0} ],
	[ 'a DELETE in a WITH (one shard: Citus runs it as a SELECT)', q{WITH d AS (DELETE FROM ev WHERE id = 5 RETURNING *) SELECT count(*) FROM d} ],
	[ 'an UPDATE in a WITH (every shard)', q{WITH u AS (UPDATE ev SET v = v * 2 WHERE g = 1 RETURNING *) SELECT count(*) FROM u} ],
	[ 'COPY FROM', qq{COPY ev FROM PROGRAM 'printf "500001,4,2.5\\n500002,5,3.5\\n"' WITH (FORMAT csv)} ],
	[ 'a PL/pgSQL function', q{DO $$BEGIN UPDATE ev SET g = 9 WHERE id = 11; END$$} ],
	[ 'a prepared UPDATE, its generic plan', q{PREPARE up(int) AS UPDATE ev SET v = v + 1 WHERE id = $1;
		EXECUTE up(21); EXECUTE up(22); EXECUTE up(23); EXECUTE up(24); EXECUTE up(25);
		EXECUTE up(26); EXECUTE up(27); EXECUTE up(28);} ],
	[ 'the reference table', q{UPDATE dim SET label = 'nine' WHERE g = 9} ],
	[ 'TRUNCATE', q{TRUNCATE ev} ],
	[ 'refill', q{INSERT INTO ev SELECT i, i % 10, i * 0.25 FROM generate_series(1, 20000) i} ],
);
for my $w (@writes)
{
	$c->safe_psql('postgres', $w->[1]);
	run_workload('j=computed,t=computed', "after $w->[0]");
}
$c->safe_psql('postgres', q{BEGIN; DELETE FROM ev WHERE id < 100; ROLLBACK;});
run_workload('j=loaded,t=loaded', 'after a rolled-back DELETE');

# A write committed on the coordinator but still prepared on a worker: the
# moment between the two phases of a commit on several workers, made by
# hand (a prepared transaction on a shard of ev, its recovery record and
# eg's change log row on the coordinator).  A step computed then would read
# the old rows under the new version; eg.run waits for the prepared ones
# to finish (and runs Citus' recovery, which commits this one).
my $w1 = $node{worker1};
my $shard = $c->safe_psql('postgres', sprintf(q{
	SELECT shard_name('ev'::regclass, s.shardid) FROM pg_dist_shard s JOIN pg_dist_placement p USING (shardid)
	WHERE s.logicalrelid = 'ev'::regclass AND p.groupid = (SELECT groupid FROM pg_dist_node WHERE nodeport = %d)
	ORDER BY s.shardid LIMIT 1}, $w1->port));
my $gid = 'citus_0_4242_999999999_0';
$w1->safe_psql('postgres', qq{BEGIN; UPDATE $shard SET v = v + 1000; PREPARE TRANSACTION '$gid';});
$c->safe_psql('postgres', sprintf(q{
	BEGIN;
	INSERT INTO pg_dist_transaction (groupid, gid) SELECT groupid, '%s' FROM pg_dist_node WHERE nodeport = %d;
	INSERT INTO eg.source_change (relid) VALUES ('ev'::regclass);
	COMMIT;}, $gid, $w1->port));
run_workload('j=computed,t=computed', 'while a write is prepared on a worker');
is($w1->safe_psql('postgres', q{SELECT count(*) FROM pg_prepared_xacts}), '0',
	'the run waited for it, and recovered it');
$c->safe_psql('postgres', q{SELECT recover_prepared_transactions()});
run_workload('j=loaded,t=loaded', 'after it committed on the worker');

# a foreign key's ON DELETE CASCADE runs on the workers: the referencing
# table changes too
$c->safe_psql('postgres', q{
	CREATE TABLE parent (id int PRIMARY KEY);
	SELECT create_distributed_table('parent', 'id');
	CREATE TABLE child (pid int REFERENCES parent (id) ON DELETE CASCADE, x int);
	SELECT create_distributed_table('child', 'pid', colocate_with => 'parent');
	INSERT INTO parent SELECT g FROM generate_series(1, 100) g;
	INSERT INTO child SELECT g % 100 + 1, g FROM generate_series(1, 1000) g;
});
my $fk = q{
	SET eg.reuse = all_load;
	SET eg.materializer = 'all';
	SELECT eg.begin('fk');
	SELECT eg.aggregate('kids', $$SELECT count(*) || ':' || coalesce(sum(x), 0) AS r FROM child$$);
	SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run();
	SELECT r FROM kids;
};
my $fk_plain = q{SELECT count(*) || ':' || coalesce(sum(x), 0) FROM child};
my @o = split /\n/, $c->safe_psql('postgres', $fk);
@o = split /\n/, $c->safe_psql('postgres', $fk);
is($o[-2], 'kids=loaded', 'a step over the referencing table is loaded');
$c->safe_psql('postgres', q{DELETE FROM parent WHERE id <= 10});
@o = split /\n/, $c->safe_psql('postgres', $fk);
is($o[-2], 'kids=computed', 'after a cascading DELETE on the referenced table it is computed');
is($o[-1], $c->safe_psql('postgres', $fk_plain), 'and equals plain SQL');
@o = split /\n/, $c->safe_psql('postgres', $fk);
is($o[-2], 'kids=loaded', 'run again, it is loaded');
$c->safe_psql('postgres', q{TRUNCATE parent CASCADE});
@o = split /\n/, $c->safe_psql('postgres', $fk);
is($o[-2], 'kids=computed', 'after TRUNCATE ... CASCADE of the referenced table it is computed');
is($o[-1], $c->safe_psql('postgres', $fk_plain), 'and equals plain SQL');

# a Citus-managed local table (on the coordinator, planned by Citus)
$c->safe_psql('postgres', q{
	CREATE TABLE loc (x int);
	INSERT INTO loc SELECT generate_series(1, 10);
	SELECT citus_add_local_table_to_metadata('loc');
});
my $loc = q{
	SET eg.reuse = all_load;
	SELECT eg.begin('loc');
	SELECT eg.aggregate('ls', $$SELECT sum(x) AS r FROM loc$$);
	SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run();
	SELECT r FROM ls;
};
@o = split /\n/, $c->safe_psql('postgres', $loc);
@o = split /\n/, $c->safe_psql('postgres', $loc);
is($o[-2], 'ls=loaded', 'a step over a Citus local table is loaded');
$c->safe_psql('postgres', q{INSERT INTO loc VALUES (100)});
@o = split /\n/, $c->safe_psql('postgres', $loc);
is($o[-2] . ' ' . $o[-1], 'ls=computed 155', 'after an INSERT it is computed, equal to plain SQL');

# partitions: a write to a partition changes the partitioned table, and
# one through the partitioned table changes its partitions
$c->safe_psql('postgres', q{
	CREATE TABLE m (id int, k int, x int) PARTITION BY RANGE (k);
	CREATE TABLE m_1 PARTITION OF m FOR VALUES FROM (0) TO (50);
	CREATE TABLE m_2 PARTITION OF m FOR VALUES FROM (50) TO (100);
	SELECT create_distributed_table('m', 'id');
	INSERT INTO m SELECT g, g % 100, g FROM generate_series(1, 1000) g;
});
my $part = q{
	SET eg.reuse = all_load;
	SET eg.materializer = 'all';
	SELECT eg.begin('part');
	SELECT eg.aggregate('whole', $$SELECT count(*) || ':' || sum(x) AS r FROM m$$);
	SELECT eg.aggregate('second', $$SELECT count(*) || ':' || sum(x) AS r FROM m_2$$);
	SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run();
	SELECT (SELECT r FROM whole) || '/' || (SELECT r FROM second);
};
my $part_plain = q{SELECT (SELECT count(*) || ':' || sum(x) FROM m) || '/' || (SELECT count(*) || ':' || sum(x) FROM m_2)};
@o = split /\n/, $c->safe_psql('postgres', $part);
@o = split /\n/, $c->safe_psql('postgres', $part);
is($o[-2], 'second=loaded,whole=loaded', 'steps over a partitioned table and a partition are loaded');
$c->safe_psql('postgres', q{INSERT INTO m_1 VALUES (5000, 1, 1)});
@o = split /\n/, $c->safe_psql('postgres', $part);
is($o[-2], 'second=loaded,whole=computed', 'a write to a partition changes the partitioned table');
is($o[-1], $c->safe_psql('postgres', $part_plain), 'equal to plain SQL');
$c->safe_psql('postgres', q{UPDATE m SET x = x + 1 WHERE k = 60});
@o = split /\n/, $c->safe_psql('postgres', $part);
is($o[-2], 'second=computed,whole=computed', 'a write through the partitioned table changes its partitions');
is($o[-1], $c->safe_psql('postgres', $part_plain), 'equal to plain SQL');

# a table distributed with its rows (no write eg saw), then altered: the
# first read logs a change, so that eg's event trigger logs the ALTER
$c->safe_psql('postgres', q{
	CREATE TABLE fresh AS SELECT g AS id, g * 1.0 AS v FROM generate_series(1, 500) g;
	SELECT create_distributed_table('fresh', 'id');
});
my $fresh = q{
	SET eg.reuse = all_load;
	SET eg.materializer = 'all';
	SELECT eg.begin('fresh');
	SELECT eg.aggregate('fv', $$SELECT sum(v) AS r FROM fresh$$);
	SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run();
	SELECT r FROM fv;
};
@o = split /\n/, $c->safe_psql('postgres', $fresh);
is($o[-2], 'fv=computed', 'a table distributed with its rows: computed');
@o = split /\n/, $c->safe_psql('postgres', $fresh);
is($o[-2], 'fv=loaded', 'then loaded');
$c->safe_psql('postgres', q{ALTER TABLE fresh ALTER COLUMN v TYPE numeric USING v * 2});
@o = split /\n/, $c->safe_psql('postgres', $fresh);
is($o[-2], 'fv=computed', 'after ALTER TABLE ... TYPE ... USING it is computed');
is($o[-1], $c->safe_psql('postgres', q{SELECT sum(v) FROM fresh}), 'equal to plain SQL');

# a prepared transaction that never finishes (another initiator's, which
# this coordinator's recovery leaves alone): a run that must compute fails
# after its wait rather than read around it
my $stuck = 'citus_77_4242_999999998_0';
$c->safe_psql('postgres', q{UPDATE ev SET v = v + 1 WHERE id = 1});
$w1->safe_psql('postgres', qq{BEGIN; UPDATE $shard SET v = v + 1; PREPARE TRANSACTION '$stuck';});
my ($ret, $out, $err) = $c->psql('postgres', $workload);
like($err, qr/a write to Citus tables is still committing on the workers.*\Q$stuck\E/s,
	'a prepared transaction that never finishes: the run fails, naming it');
$w1->safe_psql('postgres', qq{ROLLBACK PREPARED '$stuck'});
run_workload('j=computed,t=computed', 'once it is gone, the run computes');

# ALTER TABLE on a distributed table (eg's event trigger on the coordinator)
$c->safe_psql('postgres', q{ALTER TABLE ev ADD COLUMN w int DEFAULT 1});
run_workload('j=computed,t=computed', 'after ALTER TABLE');

# ---- the store on the workers
is($c->safe_psql('postgres', q{SELECT count(*) > 0 AND count(data) = count(*) FROM eg.chunk}),
	't', 'before eg.distribute_store() the bytes are on the coordinator');
$c->safe_psql('postgres', q{SELECT eg.distribute_store()});
($ret, $out, $err) = $c->psql('postgres', q{SELECT eg.distribute_store()});
like($err, qr/the store is distributed already/, 'eg.distribute_store() is idempotent');
is($c->safe_psql('postgres', q{SELECT count(data) = 0 AND count(*) = (SELECT count(*) FROM eg.chunk_data) FROM eg.chunk}),
	't', 'every chunk\'s bytes moved to eg.chunk_data');

# Rows of eg.chunk_data per worker port, as "port:rows,...".
my $per_worker = q{SELECT string_agg(nodeport || ':' || rows, ',' ORDER BY nodeport) FROM
	(SELECT nodeport, sum(result::int8) AS rows
	 FROM run_command_on_placements('eg.chunk_data', 'SELECT count(*) FROM %s') GROUP BY nodeport) x};
my @ports = sort { $a <=> $b } map { $node{$_}->port } qw(worker1 worker2);
like($c->safe_psql('postgres', $per_worker), qr/^$ports[0]:[1-9]\d*,$ports[1]:[1-9]\d*$/,
	'the chunks are on both workers');
is($c->safe_psql('postgres', q{SELECT count(*) FROM eg.check(true)}), '0', 'eg.check(true) is clean');
run_workload('j=loaded,t=loaded', 'loaded from the workers');

# a bigger artifact, stored after the move: its bytes go to the workers
my $big = q{
	SET eg.materializer = 'all';
	SET eg.reuse = all_load;
	SELECT eg.begin('big');
	SELECT eg.dataset('wide', $$SELECT id, g, v, md5(id::text) AS h, v * 2 AS v2 FROM ev$$);
	SELECT eg.aggregate('sig', $$SELECT count(*) || ':' || sum(v2) || ':' || md5(string_agg(h, ',' ORDER BY id)) AS r FROM wide$$);
	SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run();
	SELECT r FROM sig;
};
my $big_plain = q{SELECT count(*) || ':' || sum(v * 2) || ':' || md5(string_agg(md5(id::text), ',' ORDER BY id)) FROM ev};
@o = split /\n/, $c->safe_psql('postgres', $big);
is($o[-2], 'sig=computed,wide=computed', 'a wide step is computed and stored');
@o = split /\n/, $c->safe_psql('postgres', $big . q{SELECT count(*) || ':' || sum(v2) || ':' || md5(string_agg(h, ',' ORDER BY id)) FROM wide;});
is($o[-3], 'sig=loaded,wide=loaded', 'and loaded from the workers');
is($o[-1], $c->safe_psql('postgres', $big_plain), 'its rows equal plain SQL');
is($c->safe_psql('postgres', q{SELECT count(data) FROM eg.chunk}), '0', 'no bytes on the coordinator');
is($c->safe_psql('postgres', q{SELECT count(*) FROM eg.check(true)}), '0', 'eg.check(true) is clean');

# dedup: a step repeating four of wide's columns (in its scan order) adds
# an artifact and no chunk
my $chunks = $c->safe_psql('postgres', q{SELECT chunks FROM eg.storage});
@o = split /\n/, $c->safe_psql('postgres', $big . q{
	SELECT eg.dataset('narrow', $$SELECT id, g, v, h FROM wide$$);
	SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run('narrow');
	SELECT count(*) FROM eg.artifacts WHERE step = 'narrow' AND materialized;});
is($o[-2], 'narrow=computed,sig=pruned,wide=live', 'a step over four of its columns');
is($o[-1] . ':' . $c->safe_psql('postgres', q{SELECT chunks FROM eg.storage}), "1:$chunks",
	'is stored with the chunks it shares: none new');

# bytes left on the coordinator, or missing on the workers
$c->safe_psql('postgres', q{CREATE TABLE kept_bytes AS SELECT hash FROM eg.chunk LIMIT 1});
($ret, $out, $err) = $c->psql('postgres', q{
	BEGIN;
	UPDATE eg.chunk SET data = '\x00' WHERE hash = (SELECT hash FROM kept_bytes);
	SELECT problem || ': ' || detail FROM eg.check(false);
	ROLLBACK;});
like($out, qr/^stored bytes wrong: chunk [0-9a-f]{64} keeps its bytes in eg.chunk, though the store is distributed$/m,
	'eg.check reports bytes left on the coordinator');
($ret, $out, $err) = $c->psql('postgres', q{
	BEGIN;
	DELETE FROM eg.chunk_data WHERE hash IN (SELECT s.chunk FROM eg.store_segment s
		JOIN eg.artifacts a ON a.id = s.artifact WHERE a.step = 'sig');
	SELECT problem FROM eg.check(false);
	SET eg.reuse = all_load;
	SELECT eg.begin('big');
	SELECT eg.dataset('wide', $$SELECT id, g, v, md5(id::text) AS h, v * 2 AS v2 FROM ev$$);
	SELECT eg.aggregate('sig', $$SELECT count(*) || ':' || sum(v2) || ':' || md5(string_agg(h, ',' ORDER BY id)) AS r FROM wide$$);
	SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run();
	ROLLBACK;});
like($out, qr/chunk missing.*sig=computed/s, 'eg.check reports missing bytes, and a load meeting them computes')
	or diag($err);

# a worker restarts between runs
$node{worker2}->restart;
run_workload('j=loaded,t=loaded', 'after a worker restart');

# a worker that is down cannot be asked what it is committing: an error,
# not a guess
$node{worker2}->stop;
($ret, $out, $err) = $c->psql('postgres', $workload);
like($err, qr/eg could not ask Citus worker .* for the writes it is committing/,
	'with a worker down the run fails, naming it');
$node{worker2}->start;
run_workload('j=loaded,t=loaded', 'the worker back, the run loads');

# the budget holds: eviction frees the bytes on the workers too
my $before = $c->safe_psql('postgres', q{SELECT stored_bytes FROM eg.storage});
$c->safe_psql('postgres', qq{ALTER SYSTEM SET eg.budget = '@{[ int($before / 2048) ]}kB'; SELECT pg_reload_conf();});
$c->safe_psql('postgres', q{SET eg.materializer = 'storage_aware'; SELECT count(*) FROM eg.materialize()});
is($c->safe_psql('postgres', q{SELECT stored_bytes <= budget_bytes AND stored_bytes < } . $before . q{ FROM eg.storage}),
	't', 'after eviction the store is within the budget');
is($c->safe_psql('postgres', q{SELECT (SELECT count(*) FROM eg.chunk) = (SELECT count(*) FROM eg.chunk_data)}),
	't', 'evicted chunks left the workers');
is($c->safe_psql('postgres', q{SELECT count(*) FROM eg.check(true)}), '0', 'eg.check(true) is clean after eviction');
$c->safe_psql('postgres', q{ALTER SYSTEM RESET eg.budget; SELECT pg_reload_conf();});
@o = split /\n/, $c->safe_psql('postgres', $big . q{SELECT count(*) || ':' || sum(v2) || ':' || md5(string_agg(h, ',' ORDER BY id)) FROM wide;});
is($o[-1], $c->safe_psql('postgres', $big_plain), 'after eviction the wide step still equals plain SQL');

# rights: only superusers distribute the store
$c->safe_psql('postgres', q{CREATE ROLE analyst LOGIN});
($ret, $out, $err) = $c->psql('postgres', q{SET ROLE analyst; SELECT eg.distribute_store()});
like($err, qr/permission denied for function distribute_store/, 'an ordinary role may not distribute the store');

# without eg in shared_preload_libraries, writes to Citus tables would go
# unseen by sessions that never load eg: nothing reading them is reused
$c->safe_psql('postgres', $workload);	# stored again (after the eviction above)
run_workload('j=loaded,t=loaded', 'before a restart without eg preloaded');
$c->adjust_conf('postgresql.conf', 'shared_preload_libraries', "'citus'");
$c->restart;
run_workload('j=computed,t=computed', 'eg not preloaded, first run');
($ret, $out, $err) = $c->psql('postgres', $workload);
like($err, qr/eg cannot track changes of Citus table "(ev|dim)"/, 'a NOTICE says why');
like($out, qr/j=computed,t=computed/, 'eg not preloaded: never reused');
# a write then goes unseen; once eg is preloaded again nothing stored
# before is loaded (a Citus table's version covers the server's start)
$c->safe_psql('postgres', q{UPDATE ev SET v = v + 100 WHERE id < 50});
$c->adjust_conf('postgresql.conf', 'shared_preload_libraries', "'citus,eg'");
$c->restart;
run_workload('j=computed,t=computed', 'preloaded again after an unseen write');
run_workload('j=loaded,t=loaded', 'and then loaded');

$_->stop for values %node;
done_testing();
