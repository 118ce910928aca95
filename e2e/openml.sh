#!/usr/bin/env bash
# e2e/openml.sh - the OpenML-like pipeline workloads (examples/openml) give
# the same results through eg as plain SQL, share their prefixes, and warm
# start when asked.
#
# In a fresh database of the running cluster (PGHOST, PGPORT, PGUSER: a
# superuser, as scripts/test sets them): CREATE EXTENSION eg,
# examples/ml.sql (plpython3u), examples/openml/setup.sql (scale 1: 1,797
# rows).  Then:
#   1. the generator is deterministic, --warm-start changes only the
#      classifier calls, every file translates to plain SQL (no eg call
#      left) and eg accepts every workload (eg.explain);
#   2. the ml functions of the pipelines: a classifier on features packed
#      into a float8[] column predicts exactly as on the same features as
#      columns; bad input (unknown parameter, an array of another length, a
#      transformer used as a classifier and the other way round) is an error;
#   3. OML_RUNS (6) generated workloads, in order, each through eg (eg.run,
#      new session) and as plain SQL (new session, alongside): every dataset and
#      aggregate step has the same rows (EXCEPT ALL both ways, counts; the
#      transformed float8[] columns compared exactly), every classifier's
#      predictions on its test step agree within 1e-12, the accuracies are
#      equal;
#   4. prefix sharing: a step whose lineage (its text and, recursively, its
#      inputs' - read from the files, not from eg) occurred in an earlier
#      workload has the artifact id it had there and is loaded; every other
#      step has a new id and is computed (eg.reuse = all_load,
#      eg.materializer = all, so this is exact); at least one workload
#      shares a fitted pipeline stage beyond the split;
#   5. the same workloads with --warm-start, through eg after those: every
#      classifier step loads the model run i stored (a stored model of that
#      very step is its artifact, however it was trained) and scores the
#      same; with a parameter that changes nothing ("threads": 1, the default) it is a
#      new step, computed with a warm start (eg.explain's reason), the
#      logistic regressions report warm_started in ml.model_info (the
#      forests and boosters may fall back to a fresh fit: fewer trees than
#      the model they start from), and at least one model was warm-started.
# Exit 0 when everything holds; otherwise each failure is printed.
#
# Environment: OML_RUNS (default 6), OML_SEED (default 5: its six runs use
# all three classifiers and share prefixes), OML_KEEP=1 keeps the database
# (its name is printed).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
GEN=$ROOT/examples/openml/workloads
PLAIN=$ROOT/examples/workloads/plain
RUNS=${OML_RUNS:-6}
SEED=${OML_SEED:-5}
DB=eg_openml_$$
# all_load + all: every stored step is loaded, so what is shared is loaded,
# and loaded results are compared too (timings cannot change the plan)
export PGOPTIONS="${PGOPTIONS:-} -c eg.progress=off -c eg.reuse=all_load -c eg.materializer=all"
FAILURES=0
T0=$(date +%s)
TMP=$(mktemp -d /tmp/eg-openml-test.XXXXXX)
LOG=$TMP/log
trap 'rm -rf "$TMP"' EXIT

# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"		# fail, q, q_logged, elapsed

cleanup()
{
	if [ "${OML_KEEP:-0}" = 1 ]; then
		echo "database kept: $DB"
	else
		dropdb --if-exists "$DB" >/dev/null 2>&1 || true
	fi
	rm -rf "$TMP"
}

# The workload file of run $1 (1-based) in directory $2.
wfile()
{
	printf '%s/run-%04d.sql' "$2" "$1"
}

# ------------------------------------------------------------------ 1. generator
if ! python3 "$GEN" -n "$RUNS" --seed "$SEED" "$TMP/w" >/dev/null ||
	! python3 "$GEN" -n "$RUNS" --seed "$SEED" "$TMP/w2" >/dev/null ||
	! python3 "$GEN" -n "$RUNS" --seed "$SEED" --warm-start "$TMP/ww" >/dev/null; then
	echo "FAIL: examples/openml/workloads failed"
	exit 1
fi
n=$(ls "$TMP"/w/run-*.sql 2>/dev/null | wc -l)
[ "$n" -eq "$RUNS" ] || fail "the generator wrote $n files, not $RUNS"
diff -r "$TMP/w" "$TMP/w2" >/dev/null || fail "the generator is not deterministic (seed $SEED)"
for i in $(seq 1 "$RUNS"); do
	f=$(wfile "$i" "$TMP/w")
	fw=$(wfile "$i" "$TMP/ww")
	grep -q "warm_start => true" "$fw" || fail "run $i: --warm-start marks no step"
	if ! diff <(sed 's/, warm_start => true);$/);/' "$fw") "$f" >/dev/null; then
		fail "run $i: --warm-start changes more than the warm_start marks"
	fi
	if ! bash "$PLAIN" "$f" >"$TMP/plain$i.sql" || ! bash "$PLAIN" "$fw" >/dev/null; then
		fail "examples/workloads/plain cannot translate run $i"
	elif grep -v '^ *--' "$TMP/plain$i.sql" | grep -q 'eg\.'; then
		fail "the plain SQL of run $i still calls eg"
	fi
done

# ------------------------------------------------------------------ setup
if ! createdb "$DB"; then
	echo "FAIL: cannot create database $DB (is a cluster running? PGHOST=${PGHOST:-})"
	exit 1
fi
trap cleanup EXIT
if ! q -c 'CREATE EXTENSION eg' -f "$ROOT/examples/ml.sql" >/dev/null ||
	! q -v scale=1 -f "$ROOT/examples/openml/setup.sql" >/dev/null; then
	echo "FAIL: cannot install eg, examples/ml.sql or examples/openml/setup.sql"
	exit 1
fi
out=$(q -At -F' ' -c "SELECT count(*), sum(target), count(*) FILTER (WHERE id % 5 = 0) FROM openml.digits")
[ "$out" = "1797 896 359" ] || fail "openml.digits: rows, ones, test rows are \"$out\", not \"1797 896 359\""
elapsed "set up: openml.digits has $out (rows, ones, test rows)"

# every workload through eg.explain, in one session
out=$(for i in $(seq 1 "$RUNS"); do
	cat "$(wfile "$i" "$TMP/w")"
	echo "SELECT 'explain $i', count(*) FROM eg.explain();"
done | q -At -F' ' 2>&1 | grep -E '^explain |ERROR')
for i in $(seq 1 "$RUNS"); do
	n=$(sed -n "s/^explain $i \([0-9]*\)$/\1/p" <<<"$out")
	case $n in
		''|0) fail "eg does not accept run $i: $(grep ERROR <<<"$out" | head -n 2)" ;;
	esac
done

# ------------------------------------------------------------------ 2. ml functions
# Each check prints "name ok" or "name FAILED: why".
out=$(q -At 2>&1 <<'EOF'
SET client_min_messages = warning;
CREATE TEMP TABLE cols AS SELECT * FROM openml.digits WHERE id % 3 = 0;
DO $do$
DECLARE
	pixels text;
BEGIN
	SELECT string_agg(format('p%s_%s', i / 8, i % 8), ', ' ORDER BY i) INTO pixels
	FROM generate_series(0, 63) i;
	EXECUTE format('CREATE TEMP TABLE packed AS SELECT id, target, ARRAY[%s] AS x FROM cols', pixels);
END
$do$;
CREATE TEMP TABLE short AS SELECT id, target, x[1:63] AS x FROM packed;
CREATE TEMP TABLE ragged AS SELECT id, target, CASE WHEN id % 2 = 0 THEN x ELSE x[1:10] END AS x FROM packed;
CREATE TEMP TABLE m AS
SELECT ml.train_logreg('cols', '{"id": "id", "max_iter": 30}', NULL) AS c,
       ml.train_logreg('packed', '{"id": "id", "max_iter": 30}', NULL) AS p,
       ml.fit_pca('packed', '{"id": "id", "n_components": 5}', NULL) AS pca;
SELECT 'array layout ' || CASE WHEN d.n = 599 AND d.diff = 0 AND (ml.model_info(m.p)->>'features')::int = 64
                               THEN 'ok' ELSE 'FAILED: ' || d.n || ' rows, max |diff| ' || d.diff END
FROM m, LATERAL (SELECT count(*) AS n, max(abs(a.score - b.score)) AS diff
                 FROM ml.predict(m.c, 'cols') a JOIN ml.predict(m.p, 'packed') b USING (id)) d;
SELECT 'transform ' || CASE WHEN count(*) = 599 AND min(cardinality(t.x)) = 5 AND max(cardinality(t.x)) = 5
                                 AND bool_and(t.target = c.target)
                            THEN 'ok' ELSE 'FAILED' END
FROM m, ml.transform(m.pca, 'packed') t JOIN cols c USING (id);
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN
	EXECUTE q;
	RETURN 'FAILED: no error';
EXCEPTION WHEN OTHERS THEN
	RETURN 'ok (' || SQLSTATE || ': ' || left(SQLERRM, 70) || ')';
END $f$;
SELECT 'unknown parameter ' || pg_temp.err($$SELECT ml.fit_pca('packed', '{"n_components": 5, "nope": 1}', NULL)$$);
SELECT 'array of another length ' || pg_temp.err($$SELECT ml.accuracy(m.p, 'short') FROM m$$);
SELECT 'ragged array ' || pg_temp.err($$SELECT ml.train_logreg('ragged', '{"id": "id"}', NULL)$$);
SELECT 'transformer as classifier ' || pg_temp.err($$SELECT ml.accuracy(m.pca, 'packed') FROM m$$);
SELECT 'classifier as transformer ' || pg_temp.err($$SELECT count(*) FROM m, ml.transform(m.p, 'packed')$$);
SELECT 'pca too many components ' || pg_temp.err($$SELECT ml.fit_pca('packed', '{"n_components": 100}', NULL)$$);
EOF
)
checks=$(grep -E ' (ok|FAILED)' <<<"$out")
while read -r line; do
	case $line in
		*FAILED*) fail "ml functions: $line" ;;
	esac
done <<<"$checks"
for c in 'array layout' 'transform' 'array of another length' 'ragged array' 'transformer as classifier' \
		'classifier as transformer' 'pca too many components' 'unknown parameter'; do
	grep -q "^$c ok" <<<"$checks" || fail "ml functions: check \"$c\" did not run: $(grep -E 'ERROR' <<<"$out" | head -n 3)"
done
elapsed "ml functions: $(grep -c ' ok' <<<"$checks") checks"

# ------------------------------------------------------------------ capture
# Step names of a workload file by kind: steps FILE KIND
steps()
{
	sed -n "s/^SELECT eg\.$2('\([a-z0-9_]*\)'.*/\1/p" "$1"
}

# SQL that copies a session's step tables to permanent tables PREFIX_<step>,
# the classifier's predictions on its test step to PREFIX__pred(model, id,
# score), its bytes and ml.model_info to PREFIX__model(step, model, info).
capture_sql()
{
	local file=$1 prefix=$2 s input
	for s in $(steps "$file" dataset) $(steps "$file" aggregate); do
		echo "CREATE TABLE ${prefix}_$s AS SELECT * FROM $s;"
	done
	echo "CREATE TABLE ${prefix}__pred (model text, id bigint, score float8);"
	echo "CREATE TABLE ${prefix}__model (step text, model bytea, info jsonb);"
	input=$(sed -n "s/^SELECT eg\.model('clf', '[^']*', '\([a-z0-9_]*\)'.*/\1/p" "$file")
	echo "INSERT INTO ${prefix}__pred SELECT 'clf', p.id, p.score FROM clf m, ml.predict(m.model, '${input/_train/_test}') p;"
	echo "INSERT INTO ${prefix}__model SELECT 'clf', model, ml.model_info(model) FROM clf;"
}

# Run a workload through eg in a new session; eg.explain's plan goes to
# table PREFIX__explain, the eg.run report to PREFIX__run.
run_eg()
{
	local file=$1 prefix=$2
	{
		cat "$file"
		echo "CREATE TABLE ${prefix}__explain AS SELECT * FROM eg.explain();"
		echo "CREATE TABLE ${prefix}__run AS SELECT * FROM eg.run();"
		capture_sql "$file" "$prefix"
	} | q_logged "$LOG"
}

# Run a workload as plain SQL in a new session (its own log: it runs
# alongside run_eg).
run_plain()
{
	local file=$1 prefix=$2
	{
		bash "$PLAIN" "$file"
		capture_sql "$file" "$prefix"
	} | q_logged "$LOG.plain"
}

# Compare the captures A and B of run $1 (one query).
compare()
{
	local run=$1 file=$2 a=$3 b=$4 s sql= out
	for s in $(steps "$file" dataset) $(steps "$file" aggregate); do
		sql+="SELECT '$s', (SELECT count(*) FROM ${a}_$s), (SELECT count(*) FROM ${b}_$s),
		             (SELECT count(*) FROM (SELECT * FROM ${a}_$s EXCEPT ALL SELECT * FROM ${b}_$s) d),
		             (SELECT count(*) FROM (SELECT * FROM ${b}_$s EXCEPT ALL SELECT * FROM ${a}_$s) d)
		      UNION ALL "
	done
	sql+="SELECT '__pred', count(*), count(*) FILTER (WHERE x.id IS NULL OR y.id IS NULL),
	             CASE WHEN coalesce(max(abs(x.score - y.score)), 0) <= 1e-12 THEN 1 ELSE 0 END, 0
	      FROM ${a}__pred x FULL JOIN ${b}__pred y ON x.model = y.model AND x.id = y.id"
	out=$(q -At -c "$sql" 2>&1)
	while IFS='|' read -r s n1 n2 only1 only2; do
		if [ "$s" = __pred ]; then
			if [ "$n1" -lt 300 ] || [ "$n2" != 0 ] || [ "$only1" != 1 ]; then
				fail "run $run: the classifier's predictions of $a and $b differ ($n1 rows, $n2 unmatched, max |diff| <= 1e-12: $only1)"
			fi
		elif [ "$n1" != "$n2" ] || [ "$n1" = 0 ] || [ "$only1" != 0 ] || [ "$only2" != 0 ]; then
			fail "run $run step $s: $a and $b differ (rows $a|rows $b|only in $a|only in $b: $n1|$n2|$only1|$only2)"
		fi
	done < <(grep -E '^[a-z_]+(\|[0-9]+){4}$' <<<"$out")
	[ "$(grep -cE '^[a-z_]+(\|[0-9]+){4}$' <<<"$out")" -eq $(( $(steps "$file" dataset | wc -l) + $(steps "$file" aggregate | wc -l) + 1 )) ] ||
		fail "run $run: cannot compare $a and $b: $(grep ERROR <<<"$out" | head -n 2)"
}

accuracy()
{
	q -At -c "SELECT accuracy FROM ${1}_accuracy" 2>&1
}

# Lineage keys of a workload file's steps, "name<TAB>key": a step's key is
# its call's text (whitespace collapsed) followed by its inputs' keys; the
# inputs of a model are its input argument, those of a query the earlier
# steps it names (as relations or as string constants).
lineage()
{
	awk -v sq="'" '
	function flush(    i, k, inputs) {
		if (name == "")
			return
		gsub(/[ \t]+/, " ", text)
		k = text
		if (kind == "model") {
			inputs = text; sub("^[^" sq "]*(" sq "[^" sq "]*" sq "[^" sq "]*){2}" sq, "", inputs); sub(sq ".*", "", inputs)
			k = k " <" key[inputs] ">"
		} else {
			for (i = 1; i <= n; i++)
				if (match(text, "(^|[^a-z0-9_])" names[i] "([^a-z0-9_]|$)"))
					k = k " <" key[names[i]] ">"
		}
		key[name] = k
		names[++n] = name
		print name "\t" k
		name = ""
	}
	function more(line) { text = text " " line; dollars += gsub(/\$\$/, "&", line)
	                      if (dollars % 2 == 0 && line ~ /\);[ \t]*$/) flush() }
	/^SELECT eg\.(dataset|aggregate|model)\(/ {
		flush()
		kind = $0; sub(/^SELECT eg\./, "", kind); sub(/\(.*/, "", kind)
		name = $0; sub("^[^" sq "]*" sq, "", name); sub(sq ".*", "", name)
		text = ""; dollars = 0
		more($0)
		next
	}
	name != "" { more($0) }
	END { flush() }' "$1"
}

# ------------------------------------------------------------------ 3, 4. runs
declare -A ID_OF		# lineage key of a step of an earlier workload -> its artifact id
declare -A KEY_OF		# artifact id -> lineage key
deep_shared=0
for i in $(seq 1 "$RUNS"); do
	f=$(wfile "$i" "$TMP/w")
	lineage "$f" >"$TMP/lineage$i"
	# plain SQL in the background (it does not touch eg), eg in the foreground
	run_plain "$f" "pl$i" >"$TMP/plain.out" 2>&1 &
	plain_pid=$!
	run_eg "$f" "eg$i" || fail "run $i through eg failed"
	wait "$plain_pid" || fail "run $i as plain SQL failed: $(cat "$TMP/plain.out")"
	compare "$i" "$f" "eg$i" "pl$i"
	a_eg=$(accuracy "eg$i")
	a_pl=$(accuracy "pl$i")
	[ "$a_eg" = "$a_pl" ] || fail "run $i: accuracy through eg $a_eg, plain SQL $a_pl"
	case $a_eg in 0.[5-9]*|1) ;; *) fail "run $i: implausible accuracy \"$a_eg\"" ;; esac
	# every step: the same artifact as the earlier step of the same lineage,
	# or a new one; loaded if its lineage was seen before, else computed
	declare -A action=() artifact=()
	while IFS='|' read -r s a id; do
		action[$s]=$a
		artifact[$s]=$id
	done < <(q -At -c "SELECT step, action, artifact FROM eg${i}__run" 2>/dev/null)
	expected=
	actual=
	while IFS=$'\t' read -r s k; do
		id=${artifact[$s]:-}
		if [ -n "${ID_OF[$k]+x}" ]; then
			expected+="$s loaded "
			[ "$id" = "${ID_OF[$k]}" ] || fail "run $i step $s: artifact $id, but the same step of an earlier workload was ${ID_OF[$k]}"
		else
			expected+="$s computed "
			if [ -n "$id" ] && [ -n "${KEY_OF[$id]+x}" ]; then
				fail "run $i step $s: artifact $id is that of an earlier, different step"
			fi
		fi
		actual+="$s ${action[$s]:-missing} "
	done <"$TMP/lineage$i"
	if [ "$expected" != "$actual" ]; then
		fail "run $i: steps loaded/computed not as their lineage says: expected ${expected% }; got ${actual% }"
	fi
	grep -qE '(^| )(scaler|scaled_train|reducer|reduced_train) loaded' <<<"$expected" && deep_shared=$((deep_shared + 1))
	while IFS=$'\t' read -r s k; do
		if [ -n "${artifact[$s]:-}" ] && [ -z "${ID_OF[$k]+x}" ]; then
			ID_OF[$k]=${artifact[$s]}
			KEY_OF[${artifact[$s]}]=$k
		fi
	done <"$TMP/lineage$i"
	head -n 1 "$f" | sed 's/^-- OpenML-like run [0-9]* ([^)]*): /  /'
	elapsed "run $i: accuracy $a_eg (eg = plain); $(echo "$actual" | sed 's/\([a-z_]*\) \([a-z]*\) /\1 \2, /g; s/, $//')"
done
[ "$deep_shared" -ge 1 ] || fail "no workload shares a fitted stage with an earlier one (seed $SEED, $RUNS runs): nothing was tested"

# ------------------------------------------------------------------ 5. warm start
logregs=0
warm_any=0
for i in $(seq 1 "$RUNS"); do
	f=$(wfile "$i" "$TMP/ww")
	# the same step with warm start: its stored (cold) model is that step's
	run_eg "$f" "wr$i" || { fail "run $i with warm start through eg failed"; continue; }
	action=$(q -At -c "SELECT action FROM wr${i}__run WHERE step = 'clf'")
	[ "$action" = loaded ] || fail "run $i with warm start: clf, stored from run $i, was $action, not loaded"
	[ "$(accuracy "wr$i")" = "$(accuracy "eg$i")" ] ||
		fail "run $i with warm start: the loaded clf scores $(accuracy "wr$i"), run $i's $(accuracy "eg$i")"
	# a new step (a parameter that changes nothing): trained from the best
	# stored model of its function on its input
	sed 's/}'"'"', warm_start => true);$/, "threads": 1}'"'"', warm_start => true);/' "$f" >"$TMP/wv.sql"
	grep -q '"threads": 1}' "$TMP/wv.sql" || fail "run $i: no classifier step to give a parameter"
	run_eg "$TMP/wv.sql" "wm$i" || { fail "run $i with warm start and a new parameter through eg failed"; continue; }
	reason=$(q -At -c "SELECT reason FROM wm${i}__explain WHERE step = 'clf'")
	action=$(q -At -c "SELECT action FROM wm${i}__run WHERE step = 'clf'")
	info=$(q -At -c "SELECT info->>'kind', info->>'warm_started' FROM wm${i}__model" -F' ')
	read -r kind warmed <<<"$info"
	case $reason in
		*"warm start from model"*) ;;
		*) fail "run $i with warm start: eg did not plan a warm start for clf (reason: $reason)" ;;
	esac
	[ "$action" = computed ] || fail "run $i with warm start: clf was $action, not computed"
	if [ "$kind" = logreg ]; then
		logregs=$((logregs + 1))
		[ "$warmed" = true ] ||
			fail "run $i with warm start: the logistic regression was not warm-started (model_info: $info)"
	fi
	[ "$warmed" = true ] && warm_any=$((warm_any + 1))
	elapsed "run $i with warm start: clf loaded; with a new parameter $kind warm_started=$warmed, accuracy $(accuracy "wm$i") (without: $(accuracy "eg$i"))"
done
[ "$warm_any" -ge 1 ] || fail "no model was warm-started"
[ "$logregs" -ge 1 ] || fail "no logistic regression among the runs (seed $SEED): warm start not tested"

elapsed "done, $FAILURES failure(s)"
[ "$FAILURES" -eq 0 ]
