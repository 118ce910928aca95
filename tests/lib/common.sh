# tests/lib/common.sh - helpers shared by the tests/*.sh scripts (sourced;
# not a test itself: scripts/test runs only tests/*.sh).  The caller sets DB
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
