# eg - PGXS build.  `make && make install`, then `make installcheck`.
EXTENSION = eg
EXTVERSION = 0.3
MODULE_big = eg
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c))

# The install script of the current version is assembled from the SQL
# sources in src/sql, in order.  The scripts of earlier versions and the
# upgrade scripts (eg--A.sql, eg--A--B.sql) are committed files, installed
# as they are: every eg--*.sql in the tree but the generated one
# (docs/releasing.md).
SQL_SOURCES = $(sort $(wildcard src/sql/*.sql))
DATA_built = $(EXTENSION)--$(EXTVERSION).sql
DATA = $(filter-out $(DATA_built),$(wildcard $(EXTENSION)--*.sql))

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=eg
ISOLATION = $(patsubst specs/%.spec,%,$(sort $(wildcard specs/*.spec)))
ISOLATION_OPTS = --load-extension=eg
TAP_TESTS = 1

# No suite wants eg.run's progress NOTICEs (one that tests them sets
# eg.progress itself): off for every session of installcheck, those of
# pg_regress, isolationtester and the TAP tests' psql alike.
installcheck: export PGOPTIONS += -c eg.progress=off

# No warning flags here: packagers build with their own compilers and
# flags.  scripts/build (hence scripts/test and CI) adds warnings as errors
# through PG_CFLAGS.
SHLIB_LINK = -lzstd
EXTRA_CLEAN = .eg-cflags

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_SOURCES)
	cat $^ > $@

# PGXS does not track headers: rebuild every object when any header changes
# (a struct layout changed in one header must reach every file using it).
$(OBJS): $(wildcard src/*.h)

# Nor the compiler flags: .eg-cflags holds those of the last build and is
# rewritten only when they change, so that `make` after scripts/build (or
# the reverse) recompiles every object with the flags of the moment.
$(OBJS): .eg-cflags
.eg-cflags: eg-cflags-check
	@flags='$(CC) $(CPPFLAGS) $(CFLAGS)'; \
	echo "$$flags" | cmp -s - $@ || echo "$$flags" > $@
.PHONY: eg-cflags-check
