#!/bin/sh
# Regenerates hss/schema_sql.c from the backends' schema files (run from
# anywhere):   sh hss/gen_schema_sql.sh
# Each hss/schema*.sql becomes one C string: schema.sql -> db_schema_sqlite,
# schema_pg.sql -> db_schema_pg.
# The unit test test_db_schema fails when they disagree.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
emit() { # FILE VARIABLE
	echo
	echo "const char $2[] ="
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$dir/$1"
	printf '\t;\n'
}
{
	echo '/* GENERATED from hss/schema*.sql by hss/gen_schema_sql.sh: do not edit. */'
	echo '#include "schema_sql.h"'
	emit schema.sql db_schema_sqlite
	emit schema_pg.sql db_schema_pg
} >"$dir/schema_sql.c.tmp"
mv "$dir/schema_sql.c.tmp" "$dir/schema_sql.c"
