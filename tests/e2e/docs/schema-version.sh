#!/bin/sh
# The store's schema version as the docs state it is the code's: docs/hss-cx.md
# says "(`DB_SCHEMA_VERSION` N)" and lists what every step 1..N added, as
# hss/db.h defines it and hss/schema.sql's "-- @version" steps have it. A
# schema step landed without its line in the docs fails here (label unit:
# it runs before every landing, no process started).
#   schema-version.sh SOURCE_DIR
. "$(dirname "$0")/../../lib/common.sh"
S=$1
code=$(sed -n 's/^#define DB_SCHEMA_VERSION \([0-9][0-9]*\).*/\1/p' "$S/hss/db.h")
steps=$(grep -c '^-- @version [0-9]' "$S/hss/schema.sql")
[ -n "$code" ] || { bad "no DB_SCHEMA_VERSION in hss/db.h"; exit 1; }
[ "$steps" = "$code" ] && ok "hss/schema.sql has $steps steps, hss/db.h DB_SCHEMA_VERSION $code" ||
	bad "hss/schema.sql has $steps steps, hss/db.h says $code"
# The paragraph from "The versions so far" to the next blank line, one line.
para=$(awk '/The versions so far/ { on = 1 } on && /^$/ { exit } on' "$S/docs/hss-cx.md" | tr '\n' ' ')
doc=$(echo "$para" | sed -n 's/.*(`DB_SCHEMA_VERSION` \([0-9][0-9]*\)).*/\1/p')
[ "$doc" = "$code" ] && ok "docs/hss-cx.md: DB_SCHEMA_VERSION $doc" ||
	bad "docs/hss-cx.md says DB_SCHEMA_VERSION '${doc}', the code $code: add the new step to 'The versions so far'"
i=1
while [ "$i" -le "$code" ]; do
	case "$para" in
	*"): $i "* | *"; $i "*) ;;
	*) bad "docs/hss-cx.md 'The versions so far' does not say what step $i added" ;;
	esac
	i=$((i + 1))
done
case "$para" in
*"; $((code + 1)) "*) bad "docs/hss-cx.md lists a step $((code + 1)) the code does not have" ;;
esac
[ "$FAILS" -eq 0 ] && ok "docs/hss-cx.md lists steps 1..$code"
[ "$FAILS" -eq 0 ]
