#!/bin/sh
# e2e (issue 10): hssd out of file descriptors. Under `ulimit -n 32`, 200
# connection attempts are held open, each sending a CER (accept-any-peer:
# they become open peers, which hssd never evicts — strangers waiting for
# their CER are evicted instead, see flood.sh): hssd must pause accepting (not spin),
# using < 10 % of a core over 5 s, write one "not accepting" line (not one
# per turn), keep serving its open peers, and accept again once the flood
# goes away: a new peer gets CEA 2001.
# Usage: fd_exhaustion.sh BIN_DIR. Exit 0 pass, 1 fail, 77 skip.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
BIN=$1
need_exe "$BIN/hssd" hssd
command -v python3 >/dev/null || { echo "skipped: python3 not installed"; exit 77; }
REALM=ims.mnc001.mcc001.3gppnetwork.org

T=$(mktemp -d /tmp/hssd-fd.XXXXXX)
PIDS=""
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	touch "$T/stop"
	# shellcheck disable=SC2086 # PIDS is a list
	stop_pids $PIDS
	if [ -n "${KEEP:-}" ]; then echo "logs kept in $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# hssd behind a 32-descriptor limit (stdio, epoll, listener, the store and
# its WAL: a couple of dozen peers at most).
cat >"$T/hssd-limited" <<EOF
#!/bin/sh
ulimit -n 32 || exit 1
exec "$BIN/hssd" "\$@"
EOF
chmod +x "$T/hssd-limited"
start_hssd "$T/hssd-limited" "$T" --origin-host hss.$REALM --realm $REALM --accept-any-peer \
	--log-level notice
PIDS="$HSSD_PID"

# A peer is served before the flood.
python3 "$HERE/cer_ok.py" "$HSS_PORT" early.$REALM $REALM >/dev/null || bad "no CEA before the flood"

python3 "$HERE/hold_conns.py" --port "$HSS_PORT" --count 200 --hold 60 --stop "$T/stop" \
	--ready "$T/ready" --cer flood.$REALM $REALM &
PIDS="$PIDS $!"
wait_file "$T/ready" 10 || { bad "the flood did not start"; exit 1; }
sleep 1 # let hssd take what it can and hit EMFILE

ticks() { awk '{ print $14 + $15 }' "/proc/$HSSD_PID/stat"; }
HZ=$(getconf CLK_TCK)
t0=$(ticks)
l0=$(wc -l <"$T/hssd.log")
sleep 5
t1=$(ticks)
l1=$(wc -l <"$T/hssd.log")
used=$((t1 - t0)) # clock ticks over 5 s; 10 % of a core is HZ / 2
echo "# hssd CPU over 5 s under 200 held connection attempts: $used ticks (HZ $HZ), log +$((l1 - l0)) lines"
if [ "$used" -lt $((HZ / 2)) ]; then ok "hssd uses < 10 % of a core while out of descriptors"
else bad "hssd used $used ticks of $((HZ * 5)) in 5 s (>= 10 % of a core)"; fi
if grep -q "not accepting until a descriptor frees" "$T/hssd.log"; then
	ok "the pause is logged"
else
	bad "no 'not accepting' line in hssd's log"
fi
n=$(grep -c "not accepting" "$T/hssd.log")
if [ "$n" -le 1 ] && [ $((l1 - l0)) -lt 10 ]; then ok "one line, not one per turn ($n)"
else bad "$n 'not accepting' lines, log +$((l1 - l0)) lines in 5 s"; fi
kill -0 "$HSSD_PID" 2>/dev/null || { bad "hssd died"; cat "$T/hssd.log"; exit 1; }

# The flood goes away: descriptors free, hssd accepts again.
touch "$T/stop"
sleep 2
if wait_for 10 python3 "$HERE/cer_ok.py" "$HSS_PORT" late.$REALM $REALM; then
	ok "hssd accepts and answers CER again after the flood"
else
	bad "no CEA after the flood"; tail -20 "$T/hssd.log"
fi
[ "$FAILS" -eq 0 ] || exit 1
exit 0
