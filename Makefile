# eg - PGXS build.  `make && make install`, then `make installcheck`.
EXTENSION = eg
EXTVERSION = 0.1
MODULE_big = eg
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c))

# The install script is assembled from the SQL sources in src/sql, in order.
SQL_SOURCES = $(sort $(wildcard src/sql/*.sql))
DATA_built = $(EXTENSION)--$(EXTVERSION).sql

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=eg
ISOLATION = $(patsubst specs/%.spec,%,$(sort $(wildcard specs/*.spec)))
ISOLATION_OPTS = --load-extension=eg
TAP_TESTS = 1

PG_CPPFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers
SHLIB_LINK = -lzstd

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_SOURCES)
	cat $^ > $@

# PGXS does not track headers: rebuild every object when any header changes
# (a struct layout changed in one header must reach every file using it).
$(OBJS): $(wildcard src/*.h)
