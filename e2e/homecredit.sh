#!/usr/bin/env bash
# e2e/homecredit.sh - the Home Credit example workloads (examples/workloads)
# give the same results through eg as plain SQL.
#
# In a fresh database of the running cluster (PGHOST, PGPORT, PGUSER: a
# superuser, as scripts/test sets them): CREATE EXTENSION eg, examples/ml.sql
# (plpython3u), the data of examples/homecredit/generate.sql at a tiny scale.
# Then:
#   1. the workload files keep their conventions: a step name has one text
#      in all files and the step files they include, each translates to plain SQL,
#      and eg accepts every workload (eg.explain);
#   2. W1 through eg (eg.run, new session) and as plain SQL (new session):
#      every dataset and aggregate step has the same rows (EXCEPT ALL both
#      ways and counts), each model's predictions on the test split agree
#      within 1e-12, and the AUCs are equal;
#   3. the same for W4 (a fork of W1), run after W1: eg loads W1's twelve
#      stored steps and computes only W4's new model and its score;
#   4. W1 again through eg in a new session: at least one step is loaded, and
#      the AUCs are those of the first run.
# Exit 0 when everything holds; otherwise each failure is printed.
#
# Environment: HC_SCALE (default 2000 applications), HC_KEEP=1 keeps the
# database (its name is printed).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$ROOT/examples/workloads
SCALE=${HC_SCALE:-2000}
DB=eg_homecredit_$$
# all_load + all: every stored step is loaded, so loaded results are compared too (timings cannot change the plan)
export PGOPTIONS="${PGOPTIONS:-} -c eg.progress=off -c eg.reuse=all_load -c eg.materializer=all"
FAILURES=0
T0=$(date +%s)
LOG=$(mktemp /tmp/eg-homecredit.XXXXXX)

# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"		# fail, q, q_logged, elapsed

cleanup()
{
	if [ "${HC_KEEP:-0}" = 1 ]; then
		echo "database kept: $DB"
	else
		dropdb --if-exists "$DB" >/dev/null 2>&1 || true
	fi
	rm -f "$LOG"
}

if ! createdb "$DB"; then
	echo "FAIL: cannot create database $DB (is a cluster running? PGHOST=${PGHOST:-})"
	exit 1
fi
trap cleanup EXIT

# ------------------------------------------------------------------ 1. conventions
# A workload file with its \ir includes inlined.
expand()
{
	bash "$W/plain" --expand "$1"
}

# Every step of the text on stdin as "name<TAB>text with whitespace collapsed".
step_texts()
{
	awk -v sq="'" '
	function flush() { if (name != "") { gsub(/[ \t]+/, " ", text); print name "\t" text } name = "" }
	# a call ends at a line ending in ");" once its $$ quotes are closed
	function more(line) { text = text " " line; dollars += gsub(/\$\$/, "&", line)
	                      if (dollars % 2 == 0 && line ~ /\);[ \t]*$/) flush() }
	/^SELECT eg\.(dataset|aggregate|model)\(/ {
		flush()
		name = $0; sub("^[^" sq "]*" sq, "", name); sub(sq ".*", "", name)
		text = ""; dollars = 0
		more($0)
		next
	}
	name != "" { more($0) }
	END { flush() }'
}
for f in "$W"/w[1-8].sql; do
	[ -f "$f" ] || fail "missing workload file $f"
done
all_steps=$(for f in "$W"/w[1-8].sql; do expand "$f"; done | step_texts | sort -u)
dups=$(echo "$all_steps" | cut -f1 | uniq -d)
if [ -n "$dups" ]; then
	fail "steps written differently in different workload files: $(echo $dups)"
fi
nsteps=$(echo "$all_steps" | wc -l)
[ "$nsteps" -ge 40 ] || fail "only $nsteps distinct steps found in the workload files"
for f in "$W"/w[1-8].sql; do
	if ! bash "$W/plain" "$f" >/dev/null; then
		fail "examples/workloads/plain cannot translate $(basename "$f")"
	fi
done

# ------------------------------------------------------------------ setup
if ! q -c 'CREATE EXTENSION eg' || ! q -f "$ROOT/examples/ml.sql" >/dev/null; then
	echo "FAIL: cannot install eg or examples/ml.sql"
	exit 1
fi
if ! q -v scale="$SCALE" -f "$ROOT/examples/homecredit/generate.sql" >/dev/null; then
	echo "FAIL: examples/homecredit/generate.sql failed"
	exit 1
fi
elapsed "generated $(q -At -c 'SELECT count(*) FROM application_train') applications"

for f in "$W"/w[1-8].sql; do
	n=$( (echo "\\i $f"; echo "SELECT count(*) FROM eg.explain();") | q -At 2>&1 | tail -n 1)
	case $n in
		''|*[!0-9]*) fail "eg does not accept $(basename "$f"): $n" ;;
		0) fail "eg.explain of $(basename "$f") plans no step" ;;
	esac
done

# ------------------------------------------------------------------ capture
# Step names of a workload file by kind: steps FILE KIND
steps()
{
	expand "$1" | sed -n "s/^SELECT eg\.$2('\([a-z0-9_]*\)'.*/\1/p"
}

# SQL that copies a session's step tables to permanent tables PREFIX_<step>,
# the models' predictions on their test split to PREFIX__pred(model, id,
# score) and the models' bytes to PREFIX__model(step, model).
capture_sql()
{
	local file=$1 prefix=$2 s input
	for s in $(steps "$file" dataset) $(steps "$file" aggregate); do
		echo "CREATE TABLE ${prefix}_$s AS SELECT * FROM $s;"
	done
	echo "CREATE TABLE ${prefix}__pred (model text, id bigint, score float8);"
	echo "CREATE TABLE ${prefix}__model (step text, model bytea);"
	for s in $(steps "$file" model); do
		input=$(expand "$file" | sed -n "s/^SELECT eg\.model('$s', '[^']*', '\([a-z0-9_]*\)'.*/\1/p")
		echo "INSERT INTO ${prefix}__pred SELECT '$s', p.id, p.score FROM $s m, ml.predict(m.model, '${input/train_/test_}') p;"
		echo "INSERT INTO ${prefix}__model SELECT '$s', model FROM $s;"
	done
}

# Run a workload through eg in a new session; the eg.run report goes to
# table PREFIX__run.  On an error, its messages are printed.
run_eg()
{
	local file=$1 prefix=$2
	{
		echo "\\i $file"
		echo "CREATE TABLE ${prefix}__run AS SELECT * FROM eg.run();"
		capture_sql "$file" "$prefix"
	} | q_logged "$LOG"
}

# Run a workload as plain SQL in a new session.
run_plain()
{
	local file=$1 prefix=$2
	{
		bash "$W/plain" "$file"
		capture_sql "$file" "$prefix"
	} | q_logged "$LOG"
}

# Compare the captures A and B of a workload file.
compare()
{
	local file=$1 a=$2 b=$3 s out
	for s in $(steps "$file" dataset) $(steps "$file" aggregate); do
		out=$(q -At -c "SELECT (SELECT count(*) FROM ${a}_$s), (SELECT count(*) FROM ${b}_$s),
		                       (SELECT count(*) FROM (SELECT * FROM ${a}_$s EXCEPT ALL SELECT * FROM ${b}_$s) d),
		                       (SELECT count(*) FROM (SELECT * FROM ${b}_$s EXCEPT ALL SELECT * FROM ${a}_$s) d)" 2>&1)
		if [ "$out" != "$(echo "$out" | awk -F'|' '$1 == $2 && $3 == 0 && $4 == 0')" ] || [ -z "$out" ]; then
			fail "$(basename "$file") step $s: $a and $b differ (rows $a|rows $b|only in $a|only in $b: $out)"
		fi
	done
	out=$(q -At -F' ' -c "SELECT coalesce(x.model, y.model), count(*),
	                             count(*) FILTER (WHERE x.id IS NULL OR y.id IS NULL),
	                             coalesce(max(abs(x.score - y.score)), 0)
	                      FROM ${a}__pred x FULL JOIN ${b}__pred y ON x.model = y.model AND x.id = y.id
	                      GROUP BY 1 ORDER BY 1" 2>&1)
	if [ -z "$out" ]; then
		fail "$(basename "$file"): no predictions captured"
	fi
	while read -r m n unmatched diff; do
		[ -n "$m" ] || continue
		if [ "$unmatched" != 0 ] || ! awk -v d="$diff" 'BEGIN { exit !(d + 0 <= 1e-12) }'; then
			fail "$(basename "$file") model $m: predictions of $a and $b differ ($n rows, $unmatched unmatched, max |diff| $diff)"
		fi
	done <<<"$out"
	same=$(q -At -c "SELECT string_agg(x.step || CASE WHEN x.model = y.model THEN ' identical' ELSE ' different' END, ', ' ORDER BY x.step)
	                 FROM ${a}__model x JOIN ${b}__model y USING (step)")
	echo "  model bytes $a vs $b: $same"
}

# The AUCs of a capture, as "step=value ..."
aucs()
{
	local file=$1 prefix=$2 s
	for s in $(steps "$file" aggregate | grep '^auc_'); do
		echo -n "$s=$(q -At -c "SELECT auc FROM ${prefix}_$s") "
	done
}

# ------------------------------------------------------------------ 2. W1
run_eg "$W/w1.sql" eg1 || fail "W1 through eg failed"
elapsed "W1 through eg: $(q -At -c "SELECT string_agg(action || ' ' || n, ', ') FROM (SELECT action, count(*) n FROM eg1__run GROUP BY 1 ORDER BY 1) r" 2>&1)"
run_plain "$W/w1.sql" pl1 || fail "W1 as plain SQL failed"
elapsed "W1 as plain SQL"
compare "$W/w1.sql" eg1 pl1
a_eg=$(aucs "$W/w1.sql" eg1)
a_pl=$(aucs "$W/w1.sql" pl1)
echo "  W1 AUC through eg: $a_eg"
echo "  W1 AUC plain SQL:  $a_pl"
[ "$a_eg" = "$a_pl" ] || fail "W1 AUCs differ: eg $a_eg, plain $a_pl"
case $a_eg in *auc_gbm_w1=0.*) ;; *) fail "W1 has no GBM AUC: $a_eg" ;; esac

# ------------------------------------------------------------------ 3. W4
run_eg "$W/w4.sql" eg4 || fail "W4 through eg failed"
elapsed "W4 through eg: $(q -At -c "SELECT string_agg(action || ' ' || n, ', ') FROM (SELECT action, count(*) n FROM eg4__run GROUP BY 1 ORDER BY 1) r" 2>&1)"
run_plain "$W/w4.sql" pl4 || fail "W4 as plain SQL failed"
elapsed "W4 as plain SQL"
compare "$W/w4.sql" eg4 pl4
a4_eg=$(aucs "$W/w4.sql" eg4)
a4_pl=$(aucs "$W/w4.sql" pl4)
echo "  W4 AUC through eg: $a4_eg; plain SQL: $a4_pl"
[ "$a4_eg" = "$a4_pl" ] || fail "W4 AUCs differ: eg $a4_eg, plain $a4_pl"
# W4 is a fork of W1: with every step stored (materializer all), all_load
# loads W1's twelve and computes only the new model and its score
c=$(q -At -c "SELECT string_agg(step, ',' ORDER BY step) FROM eg4__run WHERE action <> 'loaded'")
[ "$c" = "auc_gbm_w4,gbm_w4" ] || fail "W4 after W1 should compute only gbm_w4 and its score: $(q -At -c "SELECT string_agg(step || ' ' || action, ', ') FROM eg4__run")"

# ------------------------------------------------------------------ 4. W1 again
run_eg "$W/w1.sql" eg1b || fail "W1 through eg (second run) failed"
elapsed "W1 through eg again: $(q -At -c "SELECT string_agg(action || ' ' || n, ', ') FROM (SELECT action, count(*) n FROM eg1b__run GROUP BY 1 ORDER BY 1) r" 2>&1)"
n=$(q -At -c "SELECT count(*) FROM eg1b__run WHERE action = 'loaded'")
[ "${n:-0}" -ge 1 ] || fail "the second W1 run loaded nothing: $(q -At -c "SELECT string_agg(step || ' ' || action, ', ') FROM eg1b__run")"
a_eg2=$(aucs "$W/w1.sql" eg1b)
[ "$a_eg2" = "$a_eg" ] || fail "the second W1 run's AUCs differ: $a_eg2 (first: $a_eg)"
compare "$W/w1.sql" eg1b pl1

elapsed "done, $FAILURES failure(s)"
[ "$FAILURES" -eq 0 ]
