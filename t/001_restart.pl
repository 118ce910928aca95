# The Experiment Graph and the store survive a restart and an immediate
# shutdown (crash): the next session loads what the first one stored, and
# the loaded result equals plain SQL.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
    CREATE EXTENSION eg;
    CREATE TABLE src AS
        SELECT g AS id, g % 7 AS grp, g * 1.5 AS v FROM generate_series(1, 20000) g;
});

my $workload = q{
    SET eg.reuse = all_load;
    SET eg.materializer = 'all';
    SELECT eg.begin('restart');
    SELECT eg.dataset('f', $$SELECT id, grp, v * 2 AS v2 FROM src WHERE id % 3 = 0$$);
    SELECT eg.aggregate('a', $$SELECT grp, sum(v2) AS s FROM f GROUP BY grp$$);
    SELECT string_agg(step || '=' || action, ',' ORDER BY step) FROM eg.run();
};
my $plain = q{SELECT string_agg(grp || ':' || s, ',' ORDER BY grp)
              FROM (SELECT grp, sum(v * 2) AS s FROM src WHERE id % 3 = 0 GROUP BY grp) x};

my @out = split /\n/, $node->safe_psql('postgres', $workload);
is($out[-1], 'a=computed,f=computed', 'first run computes');

$node->restart;
@out = split /\n/, $node->safe_psql('postgres', $workload);
is($out[-1], 'a=loaded,f=loaded', 'after a clean restart the run loads');

$node->stop('immediate');
$node->start;
@out = split /\n/, $node->safe_psql('postgres', $workload);
is($out[-1], 'a=loaded,f=loaded', 'after a crash the run loads');

my $loaded = $node->safe_psql('postgres', $workload . q{
    SELECT string_agg(grp || ':' || s, ',' ORDER BY grp) FROM a;});
my @l = split /\n/, $loaded;
is($l[-1], $node->safe_psql('postgres', $plain), 'loaded result equals plain SQL');

# a change to the source after the crash is seen: recomputed, still right
$node->safe_psql('postgres', q{UPDATE src SET v = v + 1 WHERE id = 3});
@out = split /\n/, $node->safe_psql('postgres', $workload);
is($out[-1], 'a=computed,f=computed', 'a changed source is recomputed');

$node->stop;
done_testing();
