#!/bin/sh
# bench/mar/insn.sh — instructions per MAR in hssd, a figure that a busy
# shared machine does not distort (bench/README.md, section mar).
#
#   bench/mar/insn.sh [-b BUILD_DIR] [-u USERS] [-d SECONDS]
#
# Provisions USERS subscribers (default 1000) like run.sh, starts hssd
# under `valgrind --tool=callgrind` with instrumentation off, sends one
# warm-up load of 4 s (every user gets its S-CSCF stored and its identity
# cached: the steady state), switches instrumentation on, sends SECONDS
# (default 3) of 1 x 64 in flight with diam-load, switches it off and
# prints the answers, the instructions counted and their quotient. The
# count covers everything hssd runs in user space in that window (event
# loop, validation, Cx handler, SQLite, Milenage, COMMIT), not the kernel.
# The callgrind file is kept (path printed) for callgrind_annotate.
# Needs valgrind. Exit 0 when the measured load was clean, 1 otherwise.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$HERE/../../build USERS=1000 DUR=3
while getopts b:u:d:h o; do
	case $o in
	b) BUILD=$OPTARG ;;
	u) USERS=$OPTARG ;;
	d) DUR=$OPTARG ;;
	h) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "insn.sh: bad option (see -h)" >&2; exit 2 ;;
	esac
done
BIN=$BUILD/bin
for p in hssd hss-ctl diam-load; do
	[ -x "$BIN/$p" ] || { echo "insn.sh: $BIN/$p not built (cmake --build $BUILD)" >&2; exit 1; }
done
command -v valgrind >/dev/null && command -v callgrind_control >/dev/null ||
	{ echo "insn.sh: valgrind is not installed" >&2; exit 1; }
case $USERS in *[!0-9]*|'') echo "insn.sh: -u: expected a number" >&2; exit 2 ;; esac

T=$(mktemp -d /tmp/bench-insn.XXXXXX) || exit 1
VG_PID=
cleanup() {
	[ -n "$VG_PID" ] && kill "$VG_PID" 2>/dev/null && wait "$VG_PID" 2>/dev/null
	rm -f "$T/hss.db" "$T/hss.db-wal" "$T/hss.db-shm" "$T/users.csv"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

awk -v n="$USERS" 'BEGIN {
	print "imsi,impi,impu,k,opc"
	for (i = 0; i < n; i++) {
		imsi = sprintf("%015.0f", 1010000000001 + i)
		printf "%s,%s@bench.test,sip:%s@bench.test,465b5ce8b199b49faa5f0a2ee238a6bc,cd63cb71954a9f4e48a5994e37a02baf\n", imsi, imsi, imsi
	}
}' >"$T/users.csv"
"$BIN/hss-ctl" --db "$T/hss.db" import "$T/users.csv" >/dev/null || exit 1

valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$T/callgrind.out" \
	"$BIN/hssd" --db "$T/hss.db" --listen tcp://127.0.0.1:0 --port-file "$T/port" \
	--origin-host hss.bench.test --realm bench.test --accept-any-peer \
	--log-level notice --log-file "$T/hssd.log" 2>"$T/valgrind.log" &
VG_PID=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$T/port" ] || { echo "insn.sh: hssd did not start:"; cat "$T/hssd.log" "$T/valgrind.log"; exit 1; }
PORT=$(cat "$T/port")
"$BIN/diam-load" --port "$PORT" --window 64 --users "$USERS" --duration 4 --json >"$T/warmup.json"
callgrind_control -i on "$VG_PID" >/dev/null 2>&1
"$BIN/diam-load" --port "$PORT" --window 64 --users "$USERS" --duration "$DUR" --json >"$T/load.json"
OK=$?
callgrind_control -i off "$VG_PID" >/dev/null 2>&1
kill "$VG_PID" && wait "$VG_PID"
VG_PID=
N=$(sed -n 's/.*"answers": \([0-9]*\).*/\1/p' "$T/load.json")
IR=$(sed -n 's/^totals: //p' "$T/callgrind.out")
[ -n "$N" ] && [ "$N" -gt 0 ] && [ -n "$IR" ] || { echo "insn.sh: no answers or no count"; exit 1; }
echo "answers $N, instructions $IR, per MAR $((IR / N))"
echo "callgrind file: $T/callgrind.out"
exit $OK
