#!/bin/sh
# docs/interop-table: docs/testing-interop.md's table lists every interop
# and SCTP test ctest has (the add_test names of tests/interop/*/ and
# tests/sctp/), and its count says how many (label unit: no process).
#   interop-table.sh SOURCE_DIR
. "$(dirname "$0")/../../lib/common.sh"
S=$1
DOC=$S/docs/testing-interop.md
names=$(cat "$S"/tests/interop/*/CMakeLists.txt "$S"/tests/sctp/CMakeLists.txt |
	sed -n 's/.*add_test(NAME \(interop\/[a-z0-9-]*\|e2e\/sctp\).*/\1/p' | sort -u)
n=0
for t in $names; do
	n=$((n + 1))
	grep -q "^| \`$t\` |" "$DOC" && ok "$t is in docs/testing-interop.md's table" ||
		bad "$t is not in docs/testing-interop.md's table"
done
words="zero one two three four five six seven eight nine ten eleven twelve"
word=$(echo "$words" | cut -d' ' -f$((n + 1)))
first=$(grep -m1 'ctest entries' "$DOC")
echo "$first" | grep -qi "^$word ctest entries" && ok "the page says '$word ctest entries'" ||
	bad "the page says '$first', there are $n ($word)"
[ "$FAILS" -eq 0 ]
