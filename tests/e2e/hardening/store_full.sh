#!/bin/sh
# e2e (issue 16 item 8): hssd's store on a disk that fills up. The store
# lives on a 16 MiB ext4 file system in a loop file (a real ENOSPC, no
# tmpfs, nothing faked); a filler file takes every free block:
#  - MARs get 5012, never a vector; the outage is one line (plus at most 3
#    of the store's own), not one per request;
#  - the filler goes: hssd commits again by itself (no restart), says so
#    in one line, and its WAL is checkpointed;
#  - hssd started on a disk that is already full starts (a full disk is a
#    condition that passes, not a store it may not write): 5012 while full,
#    vectors again when the space is back, no restart;
#  - a store on a read-only file system stops hssd at start (exit 1)
#    (store_readonly.sh: the other stores hssd may read but not write).
# Needs root (mount -o loop); exit 77 with the reason otherwise.
# Usage: store_full.sh BIN_DIR. Exit 0 pass, 1 fail, 77 skip.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
BIN=$1
need_exe "$BIN/hssd" hssd
need_exe "$BIN/hss-ctl" hss-ctl
command -v python3 >/dev/null || { echo "skipped: python3 not installed"; exit 77; }
command -v mkfs.ext4 >/dev/null || { echo "skipped: mkfs.ext4 not installed (e2fsprogs)"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "skipped: mounting a loop file system needs root"; exit 77; }
REALM=ims.mnc001.mcc001.3gppnetwork.org
IMPI=001010000000001@$REALM

T=$(mktemp -d /tmp/hssd-full.XXXXXX)
PIDS=""
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	# shellcheck disable=SC2086 # PIDS is a list
	stop_pids $PIDS
	umount "$T/m" 2>/dev/null
	if [ -n "${KEEP:-}" ]; then echo "logs kept in $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

mkdir "$T/m"
truncate -s 16M "$T/img" && mkfs.ext4 -q -F "$T/img" >/dev/null 2>&1 ||
	{ bad "mkfs.ext4"; exit 1; }
mount -o loop "$T/img" "$T/m" 2>"$T/mount.err" ||
	{ echo "skipped: mount -o loop refused here: $(cat "$T/mount.err")"; exit 77; }
"$BIN/hss-ctl" --db "$T/m/hss.db" add --imsi 001010000000001 --impi "$IMPI" \
	--impu "sip:001010000000001@$REALM" \
	--k 465b5ce8b199b49faa5f0a2ee238a6bc --opc cd63cb71954a9f4e48a5994e37a02baf >/dev/null ||
	{ bad "hss-ctl add"; exit 1; }
# the MAR probe: 200 MARs on the full disk, then the filler goes and 20
# MARs must get vectors again
cat >"$T/mars.py" <<'PY'
import os, sys, time
sys.path.insert(0, os.environ["TESTS_LIB"])
import diameter as d
port, realm, impi, filler = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
s = d.connect(port); s.sendall(d.cer("scscf." + realm, realm)); d.recv_msg(s)
def mars(n, h0):
    out = []
    for i in range(n):
        s.sendall(d.mar("scscf." + realm, realm, impi, "sip:" + impi.split("@")[0] + "@" + realm,
                        hbh=h0 + i))
        a = d.recv_msg(s)
        out.append((d.result_code(a), (d.SADI, d.V3) in d.parse(a)[5]) if a else (None, False))
    return out
full = mars(200, 100)
# the WAL may still have room for a few commits; from the first failed
# one on, every answer is 5012 without a vector
first = next((i for i, r in enumerate(full) if r[0] == 5012), len(full))
bad = [r for r in full[:first] if r != (2001, True)] + [r for r in full[first:] if r != (5012, False)]
print(("ok   - " if not bad and len(full) - first >= 150 else "FAIL - ") +
      "disk full: %d of 200 MARs answered 5012 without a vector, %d before the WAL ran out "
      "(%d otherwise)" % (len(full) - first, first, len(bad)))
bad = bad or len(full) - first < 150
os.unlink(filler)
time.sleep(2.5)
back = mars(20, 1000)
good = all(r == (2001, True) for r in back)
print(("ok   - " if good else "FAIL - ") + "space back: 20 MARs get vectors again, no restart")
sys.exit(0 if not bad and good else 1)
PY

start() { # LOG
	rm -f "$T/port"
	"$BIN/hssd" --db "$T/m/hss.db" --listen tcp://127.0.0.1:0 --port-file "$T/port" \
		--origin-host "hss.$REALM" --realm $REALM --peer "scscf.$REALM" --log-level notice \
		>"$1" 2>&1 &
	HSSD_PID=$!
	PIDS=$HSSD_PID
	wait_for 10 test -s "$T/port" || { bad "hssd did not start"; cat "$1"; exit 1; }
}

full_then_back() {
	TESTS_LIB="$HERE/../../lib" python3 "$T/mars.py" "$(cat "$T/port")" "$REALM" "$IMPI" \
		"$T/m/filler" || FAILS=$((FAILS + 1))
}

start "$T/hssd.log"

dd if=/dev/zero of="$T/m/filler" bs=64k 2>/dev/null
echo "# file system full: $(df -k "$T/m" | awk 'NR == 2 { print $4 " KiB free" }')"
full_then_back
sleep 0.5
n=$(grep -c " error  DB " "$T/hssd.log")
if [ "$n" -le 4 ] && [ "$(grep -c 'store: COMMIT failed' "$T/hssd.log")" = 1 ]; then
	ok "the outage is one line (and $((n - 1)) of the store's own), not one per request"
else
	bad "$n error lines for the outage"; grep " DB " "$T/hssd.log" | head -5
fi
if grep -q "store: writable again after .*WAL checkpointed" "$T/hssd.log"; then
	ok "recovery logged once, WAL checkpointed"
else
	bad "no recovery line"; tail -5 "$T/hssd.log"
fi
wal=$(stat -c %s "$T/m/hss.db-wal" 2>/dev/null || echo 0)
echo "# WAL after recovery: $wal octets"
stop_pids "$HSSD_PID"
PIDS=""

# hssd started on a full disk: starts, 5012 while full, back without a restart.
dd if=/dev/zero of="$T/m/filler" bs=64k 2>/dev/null
echo "# full again before the start: $(df -k "$T/m" | awk 'NR == 2 { print $4 " KiB free" }')"
start "$T/hssd2.log"
if kill -0 "$HSSD_PID" 2>/dev/null; then
	ok "hssd starts on a full disk (it recovers when space returns, as below)"
else
	bad "hssd refused a full disk: $(tail -1 "$T/hssd2.log")"
fi
full_then_back
sleep 0.5
grep -q "store: writable again after .*WAL checkpointed" "$T/hssd2.log" &&
	ok "started full: recovery logged once" || bad "started full: no recovery line"
stop_pids "$HSSD_PID"
PIDS=""

# A store on a read-only file system: refused at start.
mount -o remount,ro "$T/m" || { bad "remount read-only"; exit 1; }
if "$BIN/hssd" --db "$T/m/hss.db" --listen tcp://127.0.0.1:0 --origin-host "hss.$REALM" \
	--realm $REALM --peer "scscf.$REALM" >"$T/ro.log" 2>&1; then
	bad "hssd started on a read-only store"
else
	grep -q "cannot open the store" "$T/ro.log" &&
		ok "store on a read-only file system refused at start: $(tail -1 "$T/ro.log" | cut -c 31-)" ||
		bad "no reason given: $(cat "$T/ro.log")"
fi
[ "$FAILS" -eq 0 ] || { tail -20 "$T/hssd.log"; exit 1; }
exit 0
