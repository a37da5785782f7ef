#!/bin/sh
# Every program prints "NAME VERSION" on one line with --version and exits 0,
# VERSION being the build's (generated/VERSION, from cmake/version.cmake).
#   version.sh BIN_DIR VERSION_FILE PROGRAM...
. "$(dirname "$0")/../../lib/common.sh"
bin=$1 want=$(cat "$2")
shift 2
[ -n "$want" ] || { bad "empty version file $2"; exit 1; }
for p in "$@"; do
	need_exe "$bin/$p" "$p"
	out=$("$bin/$p" --version 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$out" = "$p $want" ]; then
		ok "$p --version: $out"
	else
		bad "$p --version: exit $rc, '$out' (want '$p $want')"
	fi
done
[ "$FAILS" -eq 0 ]
