#!/usr/bin/env bash
# e2e/readme.sh - the README's walkthrough, run verbatim.
#
# Extracts the fenced ```sh and ```sql blocks of the README section "A
# walkthrough in psql" (up to the next "## " heading, its subsections
# included) and runs them in order in a fresh database of the running
# cluster (PGHOST, PGPORT, PGUSER: a superuser, as scripts/test sets them),
# as the README says: each sh block with bash (-e), psql's connection
# settings pointing at that database, in a scratch directory where
# examples/ is this repository's; each sql block as one new psql session
# (psql -v ON_ERROR_STOP=1 -f).  Fails if a block fails, if there are no
# blocks (or fewer than the README's one sh, two sql and one sh), if a block
# has another language, and unless what the README says happened:
#   - the first session's eg.run() computed every step and returned a row
#     for each, and auc is a number in (0.5, 1);
#   - the second session's run (a new session: the same steps, other model
#     hyperparameters, eg.run('auc')) loaded at least one step, computed the
#     new gbm and auc, and pruned rate;
#   - eg.dot('home-credit') is a picture with its legend (cluster_legend)
#     and graph.png was written.
# Exit 0 when everything holds; otherwise each failure is printed.
#
# Environment: README_KEEP=1 keeps the database and the scratch directory
# (their names are printed).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DB=eg_readme_$$
FAILURES=0
T0=$(date +%s)
WORK=$(mktemp -d /tmp/eg-readme.XXXXXX)

# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"		# fail, q, elapsed

cleanup()
{
	if [ "${README_KEEP:-0}" = 1 ]; then
		echo "kept: database $DB, directory $WORK"
	else
		dropdb --if-exists "$DB" >/dev/null 2>&1 || true
		rm -rf "$WORK"
	fi
}

# ------------------------------------------------------------------ extract
# Each block of the section to $WORK/blocks/NN.LANG, in order.
mkdir -p "$WORK/blocks" "$WORK/run"
awk -v dir="$WORK/blocks" '
	/^## / { insec = ($0 == "## A walkthrough in psql") }
	!insec { next }
	fence && /^```[ \t]*$/ { fence = 0; close(file); next }
	fence { print > file; next }
	/^```/ {
		lang = substr($0, 4); sub(/[ \t]+$/, "", lang)
		n++
		file = sprintf("%s/%02d.%s", dir, n, lang == "" ? "none" : lang)
		printf "" > file
		fence = 1
	}
	END { if (fence) { print "unclosed block" > "/dev/stderr"; exit 1 } }
' "$ROOT/README.md" || { echo "FAIL: cannot extract the walkthrough's blocks"; exit 1; }

blocks=$(cd "$WORK/blocks" && ls)
langs=$(echo "$blocks" | sed 's/^[0-9]*\.//' | tr '\n' ' ')
echo "walkthrough blocks: $langs"
case $langs in
	"sh sql sql sh ") ;;
	*) echo "FAIL: expected the blocks sh sql sql sh (setup, two sessions, the picture), found: $langs"; exit 1 ;;
esac
for f in "$WORK"/blocks/*; do
	[ -s "$f" ] || { echo "FAIL: empty block $(basename "$f")"; exit 1; }
done

# ------------------------------------------------------------------ run
if ! createdb "$DB"; then
	echo "FAIL: cannot create database $DB (is a cluster running? PGHOST=${PGHOST:-})"
	exit 1
fi
trap cleanup EXIT
# the README's relative paths: examples/ of this repository, in a directory
# of our own (graph.png is written there)
ln -s "$ROOT/examples" "$WORK/run/examples"

for f in "$WORK"/blocks/*; do
	b=$(basename "$f")
	case $b in
		*.sh)
			(cd "$WORK/run" && PGDATABASE=$DB bash -e -o pipefail "$f") >"$WORK/$b.out" 2>&1
			;;
		*.sql)
			(cd "$WORK/run" && psql -X -v ON_ERROR_STOP=1 -d "$DB" -f "$f") >"$WORK/$b.out" 2>&1
			;;
	esac
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "block $b (exit $rc):"
		sed -n '1,200p' "$f" | sed 's/^/    | /' | head -n 40
		tail -n 20 "$WORK/$b.out" | sed 's/^/    > /'
		echo "$FAILURES failure(s)"
		exit 1
	fi
	elapsed "block $b ran"
done

# ------------------------------------------------------------------ checks
runs=$(q -At -c "SELECT count(*) FROM eg.workloads WHERE name = 'home-credit'")
[ "$runs" = 2 ] || fail "expected two runs of home-credit in eg.workloads, found ${runs:-none}"
first=$(q -At -c "SELECT min(id) FROM eg.workloads WHERE name = 'home-credit'")
second=$(q -At -c "SELECT max(id) FROM eg.workloads WHERE name = 'home-credit'")
actions()
{
	q -At -c "SELECT string_agg(step || ' ' || action, ', ' ORDER BY ord)
	          FROM eg.workload_steps WHERE workload = $1"
}

# the first session: every step computed, one row of eg.run() for each
a1=$(actions "$first")
echo "first run:  $a1"
[ "$a1" = "clean computed, feats computed, rate computed, train computed, test computed, gbm computed, auc computed" ] ||
	fail "the first run should compute all seven steps: $a1"
n=$(grep -c '| computed |' "$WORK/02.sql.out")
[ "$n" = 7 ] || fail "the first session's eg.run() printed $n rows with action computed, not 7"
auc=$(awk '/^ *auc *$/ { getline; getline; print $1; exit }' "$WORK/02.sql.out")
awk -v a="$auc" 'BEGIN { exit !(a + 0 > 0.5 && a + 0 < 1) }' ||
	fail "the first session's auc is not in (0.5, 1): '${auc}'"

# the second session: loads, computes the new model and its score, prunes
a2=$(actions "$second")
echo "second run: $a2"
case ", $a2," in *" loaded,"*) ;; *) fail "the second run loaded nothing: $a2" ;; esac
case ", $a2," in *", gbm computed, auc computed,"*) ;; *) fail "the second run should compute gbm and auc: $a2" ;; esac
case ", $a2," in *", rate pruned,"*) ;; *) fail "the second run should prune rate: $a2" ;; esac
grep -q '| loaded ' "$WORK/03.sql.out" || fail "the second session's output shows no loaded step"
# eg.explain said what eg.run then did
plan=$(grep -E '^ *[a-z]+ *\| *(computed|loaded|pruned|live) *\|' "$WORK/03.sql.out" |
	awk -F'|' '{ gsub(/ /, "", $1); gsub(/ /, "", $2) } NR <= 7 { printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }')
[ "$plan" = "$a2" ] || fail "eg.explain planned \"$plan\", eg.run did \"$a2\""

# the picture and its legend
dotsrc=$(q -At -c "SELECT eg.dot('home-credit')")
case $dotsrc in *"subgraph cluster_legend"*'"legend: loaded"'*) ;; *) fail "eg.dot('home-credit') has no legend with loaded" ;; esac
[ "$(head -c 4 "$WORK/run/graph.png" 2>/dev/null | od -An -c | tr -d ' ')" = '211PNG' ] ||
	fail "graph.png is not a PNG picture"

elapsed "done, $FAILURES failure(s)"
[ "$FAILURES" -eq 0 ]
