# shellcheck shell=sh disable=SC2034 # sets variables for the sourcing script
# bench/mar/lib.sh — what run.sh, insn.sh, flat.sh and cached.sh share
# (sourced, POSIX sh).
#
#   bench_args "$@"          turns the long options --air and --vectors N
#                            into -a and -v N; the result is in BENCH_ARGS
#                            (eval "set -- $BENCH_ARGS" before getopts)
#   bench_need NAME BIN      exits 1 unless hssd, hss-ctl, diam-load are built
#   bench_users DIR USERS    ($BIN/hss-ctl) USERS subscribers 001010000000001.. with TS 35.208
#                            set 1 keys imported into DIR/hss.db (hss-ctl
#                            import: IMSI, IMPI IMSI@bench.test, IMPU; AIR
#                            needs nothing more, ULR would need an APN profile)
#   bench_hssd NAME DIR TICKS CMD...
#                            starts CMD (hssd, maybe behind chrt or valgrind)
#                            with the store, a free loopback port, origin
#                            hss.bench.test, any peer, log level notice, and
#                            $BENCH_HSSD_OPTS; waits TICKS x 50 ms for the
#                            port file; sets HSSD_PID and PORT
#   bench_tmp PREFIX         a temporary directory /tmp/PREFIX.XXXXXX in T;
#                            on exit hssd ($HSSD_PID) is stopped and the
#                            store and users.csv removed (the rest stays)
#   bench_insn NAME DIR WARM USERS IMSI_BASE SECONDS OUT
#                            hssd under callgrind on DIR/hss.db (counts to
#                            DIR/OUT), a 4 s warm-up over WARM users, then
#                            SECONDS of 1 x 64 over USERS users from
#                            IMSI_BASE counted; sets N (answers), IR
#                            (instructions), LOAD_OK (diam-load's status)
#   bench_ticks PID TID      CPU clock ticks of thread TID of PID (-PID: of
#                            all its other threads)
#   bench_median             the median of the numbers on standard input
#   bench_rate PID PORT BIN USERS BASE SECONDS JSON DIAM-LOAD-OPTIONS...
#                            one 1 x 64 run of BIN/diam-load (0.5 s warm-up)
#                            against hssd PID on PORT, its JSON in JSON; sets
#                            RATE, ANSWERS, P99 (µs) and LOOP_US / OTHER_US,
#                            hssd's CPU per answer over 2 s of the run (its
#                            loop thread / the others), 0 without answers;
#                            OK=1 when diam-load failed
#   bench_load_opts MODE N   the diam-load options for mode mar|air with N
#                            vectors, and hssd's --max-vectors when N > 5
#                            (its default cap): sets LOAD_OPTS, BENCH_HSSD_OPTS
#                            (which starts with $BENCH_HSSD_EXTRA: more hssd
#                            options, e.g. --metrics tcp://127.0.0.1:9100)

# Quotes one word for eval.
bench_quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

bench_args() {
	BENCH_ARGS=
	while [ $# -gt 0 ]; do
		case $1 in
		--air) BENCH_ARGS="$BENCH_ARGS -a" ;;
		--vectors) BENCH_ARGS="$BENCH_ARGS -v" ;;
		--vectors=*) BENCH_ARGS="$BENCH_ARGS -v $(bench_quote "${1#--vectors=}")" ;;
		--help) BENCH_ARGS="$BENCH_ARGS -h" ;;
		*) BENCH_ARGS="$BENCH_ARGS $(bench_quote "$1")" ;;
		esac
		shift
	done
}

bench_need() {
	for _p in hssd hss-ctl diam-load; do
		[ -x "$2/$_p" ] || { echo "$1: $2/$_p not built (cmake --build BUILD_DIR)" >&2; exit 1; }
	done
}

bench_users() {
	awk -v n="$2" 'BEGIN {
		print "imsi,impi,impu,k,opc"
		for (i = 0; i < n; i++) {
			imsi = sprintf("%015.0f", 1010000000001 + i)
			printf "%s,%s@bench.test,sip:%s@bench.test,465b5ce8b199b49faa5f0a2ee238a6bc,cd63cb71954a9f4e48a5994e37a02baf\n", imsi, imsi, imsi
		}
	}' >"$1/users.csv"
	"$BIN/hss-ctl" --db "$1/hss.db" import "$1/users.csv" >/dev/null
}

bench_hssd() {
	_name=$1 _dir=$2 _ticks=$3
	shift 3
	# shellcheck disable=SC2086 # BENCH_HSSD_OPTS is a word list
	"$@" --db "$_dir/hss.db" --listen tcp://127.0.0.1:0 --port-file "$_dir/port" \
		--origin-host hss.bench.test --realm bench.test --accept-any-peer \
		--log-level notice --log-file "$_dir/hssd.log" ${BENCH_HSSD_OPTS:-} \
		2>"$_dir/hssd.err" &
	HSSD_PID=$!
	_i=0
	while [ ! -s "$_dir/port" ] && [ $_i -lt "$_ticks" ]; do sleep 0.05; _i=$((_i + 1)); done
	if [ ! -s "$_dir/port" ]; then
		echo "$_name: hssd did not start:"
		cat "$_dir/hssd.log" "$_dir/hssd.err" 2>/dev/null
		exit 1
	fi
	PORT=$(cat "$_dir/port")
}

bench_load_opts() {
	case $2 in *[!0-9]*|'') echo "bench: --vectors: expected a number, got '$2'" >&2; exit 2 ;; esac
	LOAD_OPTS="--request $1 --vectors $2"
	BENCH_HSSD_OPTS=${BENCH_HSSD_EXTRA:-}
	[ "$2" -gt 5 ] && BENCH_HSSD_OPTS="$BENCH_HSSD_OPTS --max-vectors $2"
	return 0
}

bench_tmp() {
	T=$(mktemp -d "/tmp/$1.XXXXXX") || exit 1
	HSSD_PID=
	trap bench_cleanup EXIT
	trap 'exit 1' INT TERM
}

bench_cleanup() {
	[ -n "$HSSD_PID" ] && kill "$HSSD_PID" 2>/dev/null && wait "$HSSD_PID" 2>/dev/null
	rm -f "$T/hss.db" "$T/hss.db-wal" "$T/hss.db-shm" "$T/users.csv"
}

bench_insn() {
	_name=$1 _dir=$2
	rm -f "$_dir/port"
	bench_hssd "$_name" "$_dir" 600 valgrind --tool=callgrind --instr-atstart=no \
		--callgrind-out-file="$_dir/$7" "$BIN/hssd"
	# shellcheck disable=SC2086 # LOAD_OPTS is a word list
	"$BIN/diam-load" --port "$PORT" --window 64 --users "$3" --duration 4 $LOAD_OPTS \
		--json >"$_dir/warmup.json"
	callgrind_control -i on "$HSSD_PID" >/dev/null 2>&1
	# shellcheck disable=SC2086
	"$BIN/diam-load" --port "$PORT" --window 64 --users "$4" --imsi-base "$5" \
		--duration "$6" $LOAD_OPTS --json >"$_dir/load.json"
	LOAD_OK=$?
	callgrind_control -i off "$HSSD_PID" >/dev/null 2>&1
	kill "$HSSD_PID" && wait "$HSSD_PID"
	HSSD_PID=
	N=$(sed -n 's/.*"answers": \([0-9]*\).*/\1/p' "$_dir/load.json")
	IR=$(sed -n 's/^totals: //p' "$_dir/$7")
	if [ -z "$N" ] || [ "$N" -eq 0 ] || [ -z "$IR" ]; then
		echo "$_name: no answers or no count"
		exit 1
	fi
}

# bench_ticks PID TID: utime + stime (clock ticks) of thread TID of PID, or
# of all its other threads when TID is -PID.
bench_ticks() {
	for _f in /proc/"$1"/task/*/stat; do
		_t=${_f%/stat}; _t=${_t##*/}
		if [ "$2" = "$_t" ] || { [ "$2" = "-$1" ] && [ "$_t" != "$1" ]; }; then
			awk '{ print $14 + $15 }' "$_f"
		fi
	done | awk '{ s += $1 } END { print s + 0 }'
}

# bench_median: the median of the numbers on standard input, one a line.
bench_median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

bench_rate() {
	_pid=$1 _port=$2 _bin=$3 _users=$4 _base=$5 _secs=$6 _json=$7
	shift 7
	"$_bin/diam-load" --port "$_port" --window 64 --users "$_users" --imsi-base "$_base" "$@" \
		--duration "$_secs" --warmup 0.5 --json >"$_json" 2>&1 &
	_load=$!
	sleep 0.6
	_l0=$(bench_ticks "$_pid" "$_pid") _o0=$(bench_ticks "$_pid" "-$_pid")
	sleep 2
	_l1=$(bench_ticks "$_pid" "$_pid") _o1=$(bench_ticks "$_pid" "-$_pid")
	wait $_load || OK=1
	RATE=$(sed -n 's/.*"answers_per_s": \([0-9]*\).*/\1/p' "$_json")
	RATE=${RATE:-0}
	ANSWERS=$(sed -n 's/.*"answers": \([0-9]*\).*/\1/p' "$_json")
	P99=$(sed -n 's/.*"p99_us": \([0-9]*\).*/\1/p' "$_json")
	LOOP_US=$(awk -v t=$((_l1 - _l0)) -v r="$RATE" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.1f", r ? t * 1e6 / hz / 2 / r : 0 }')
	OTHER_US=$(awk -v t=$((_o1 - _o0)) -v r="$RATE" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.1f", r ? t * 1e6 / hz / 2 / r : 0 }')
}
