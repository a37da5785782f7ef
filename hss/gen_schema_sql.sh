#!/bin/sh
# Regenerates hss/schema_sql.c from hss/schema.sql (run from anywhere):
#   sh hss/gen_schema_sql.sh
# The unit test test_db_schema fails when the two disagree.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
{
	echo '/* GENERATED from hss/schema.sql by hss/gen_schema_sql.sh: do not edit. */'
	echo '#include "schema_sql.h"'
	echo
	echo 'const char db_schema_sql[] ='
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$dir/schema.sql"
	printf '\t;\n'
} >"$dir/schema_sql.c.tmp"
mv "$dir/schema_sql.c.tmp" "$dir/schema_sql.c"
