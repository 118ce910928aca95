# e2e/lib/common.sh - helpers shared by the e2e/*.sh scripts (sourced;
# not a test itself: scripts/test runs only e2e/*.sh).  The caller sets DB
# (the test database) and T0 (its start, date +%s) and counts FAILURES.

# Count a failure and say what failed.
fail()
{
	echo "FAIL: $*"
	FAILURES=$((FAILURES + 1))
}

# psql on the test database; stops at the first error.
q()
{
	psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"
}

# Print a progress line with the seconds since T0.
elapsed()
{
	echo "[$(($(date +%s) - T0))s] $*"
}

# Pipe standard input into a new psql session on the test database, its
# messages to log $1; on an error, print them and fail.
q_logged()
{
	q >/dev/null 2>"$1" || { grep -E 'ERROR|DETAIL|CONTEXT|HINT' "$1" | head -n 8; return 1; }
}
