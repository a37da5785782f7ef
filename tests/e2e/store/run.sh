#!/bin/sh
# e2e for the store's files (docs/hssd.md "Store files"):
#   run.sh PATH/TO/hssd PATH/TO/hss-ctl
#   1. a new store and the -wal/-shm files hssd keeps beside it are 0600
#      (the keys are in them), whatever the umask; so is a new --log-file;
#   2. a store this user can only read (another user, a directory it cannot
#      write): hss-ctl list/show read it, a write says why it cannot;
#   3. hssd and hss-ctl name the cause when the store cannot be opened:
#      "no such directory", "not a database" (not "Input/output error"),
#      and (part 2, as nobody) "permission denied" for a store this user may
#      not read or reach (not "unable to open database file", "no such file").
# Part 2 runs hss-ctl as the user nobody (runuser) and so needs root; as
# another user it is skipped with a line saying so. Exit 0 pass, 1 fail.
set -u
# shellcheck source=../../lib/common.sh
. "$(dirname "$0")/../../lib/common.sh"
HSSD=${1:-} CTL=${2:-}
need_exe "$HSSD" hssd
need_exe "$CTL" hss-ctl
T=$(mktemp -d /tmp/store-e2e.XXXXXX)
HSSD_PID=
cleanup() { [ -n "$HSSD_PID" ] && stop_pids "$HSSD_PID"; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 1' INT TERM
R=ims.mnc001.mcc001.3gppnetwork.org
K=465b5ce8b199b49faa5f0a2ee238a6bc
OP=cdc202d5123e20f62b6d676ac72cb318

mode() { stat -c %a "$1" 2>/dev/null || echo missing; }

# --- 1. 0600 -------------------------------------------------------------------
(umask 022 && "$CTL" --db "$T/hss.db" add --imsi 001010000000001 --impi "one@$R" \
	--impu "sip:one@$R" --k $K --op $OP) || bad "hss-ctl add"
[ "$(mode "$T/hss.db")" = 600 ] && ok "new store created 0600 (umask 022)" ||
	bad "new store mode $(mode "$T/hss.db"), expected 600"
(umask 022 && start_hssd "$HSSD" "$T" --origin-host "hss.$R" --realm $R --accept-any-peer \
	--log-file "$T/hssd-file.log")
HSSD_PID=$(pgrep -n -f "$T/hss.db" || :)
for f in hss.db-wal hss.db-shm; do
	wait_for 5 test -e "$T/$f"
	[ "$(mode "$T/$f")" = 600 ] && ok "$f beside a running hssd is 0600" ||
		bad "$f mode $(mode "$T/$f"), expected 600"
done
# the log names every subscriber and, with --log-keys, holds CK/IK/XRES
[ "$(mode "$T/hssd-file.log")" = 600 ] && ok "new --log-file created 0600 (umask 022)" ||
	bad "--log-file mode $(mode "$T/hssd-file.log"), expected 600"
[ -n "$HSSD_PID" ] && stop_pids "$HSSD_PID"
HSSD_PID=

# --- 2. read-only ---------------------------------------------------------------
if [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null; then
	RO=$T/ro
	mkdir "$RO" && cp "$T/hss.db" "$RO/hss.db" && chmod 755 "$T" "$RO" && chmod 644 "$RO/hss.db"
	as_nobody() { runuser -u nobody -- "$CTL" "$@" >"$T/out" 2>"$T/err"; }
	if as_nobody --db "$RO/hss.db" list && grep -q "^001010000000001 one@$R" "$T/out"; then
		ok "read-only store: hss-ctl list as another user"
	else
		bad "read-only list: $(cat "$T/err")"
	fi
	if as_nobody --db "$RO/hss.db" show "one@$R" --json && grep -q '"impi": "one@' "$T/out"; then
		ok "read-only store: hss-ctl show"
	else
		bad "read-only show: $(cat "$T/err")"
	fi
	as_nobody --db "$RO/hss.db" set-sqn "one@$R" 20
	rc=$?
	[ $rc -eq 1 ] && grep -q "read-only for this user" "$T/err" &&
		ok "read-only store: a write fails with the reason" ||
		bad "read-only set-sqn: exit $rc, $(cat "$T/err")"
	# a store this user may not read, or not even reach: permission denied,
	# not SQLite's "unable to open database file" nor "no such file"
	mkdir "$T/priv" && cp "$T/hss.db" "$T/priv/hss.db" && cp "$T/hss.db" "$T/unread.db" &&
		chmod 700 "$T/priv" && chmod 600 "$T/unread.db"
	for c in "$T/unread.db:permission denied: not readable by this user (mode 0600, owner uid 0)" \
		"$T/priv/hss.db:permission denied: this user may not look into $T/priv"; do
		path=${c%%:*} why=${c#*:}
		for cmd in list "set-sqn one@$R 20"; do
			# shellcheck disable=SC2086
			as_nobody --db "$path" $cmd
			rc=$?
			[ $rc -eq 1 ] && [ "$(cat "$T/err")" = "hss-ctl: --db: $path: $why" ] &&
				ok "hss-ctl ${cmd%% *}: $why" ||
				bad "hss-ctl ${cmd%% *} --db $path: exit $rc, $(cat "$T/err")"
		done
		runuser -u nobody -- "$HSSD" --db "$path" --origin-host "hss.$R" --realm $R \
			--accept-any-peer --listen tcp://127.0.0.1:0 >"$T/hssd.out" 2>&1
		rc=$?
		[ $rc -eq 1 ] && grep -qF "cannot open the store: $path: $why" "$T/hssd.out" &&
			ok "hssd: $why" || bad "hssd --db $path: exit $rc, $(cat "$T/hssd.out")"
	done
else
	echo "# skipped part 2 (read-only store): needs root to run hss-ctl as nobody"
fi

# --- 3. causes --------------------------------------------------------------------
printf 'this is not an SQLite file, just text\n' >"$T/text.db"
for c in "/nonexistent-dir-$$/hss.db:no such directory" "$T/text.db:not a database"; do
	path=${c%%:*} why=${c#*:}
	"$CTL" --db "$path" list >/dev/null 2>"$T/err"
	rc=$?
	[ $rc -eq 1 ] && grep -q "^hss-ctl: --db: $path: $why" "$T/err" &&
		ok "hss-ctl: $why" || bad "hss-ctl --db $path: exit $rc, $(cat "$T/err")"
	"$HSSD" --db "$path" --origin-host "hss.$R" --realm $R --accept-any-peer \
		--listen tcp://127.0.0.1:0 >"$T/hssd.out" 2>&1 &
	pid=$!
	wait_for 10 sh -c "! kill -0 $pid 2>/dev/null"
	wait "$pid"
	rc=$?
	[ $rc -eq 1 ] && grep -q "cannot open the store: $path: $why" "$T/hssd.out" &&
		! grep -q "Input/output error" "$T/hssd.out" && ok "hssd: $why" ||
		bad "hssd --db $path: exit $rc, $(cat "$T/hssd.out")"
done

[ "$FAILS" -eq 0 ] || { echo "$FAILS check(s) failed"; exit 1; }
echo "store e2e: all checks passed"
