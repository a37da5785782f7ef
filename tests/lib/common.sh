# shellcheck shell=sh
# Helpers the shell tests share; POSIX sh (dash) and bash alike. Source it
# with the path from the script's own folder, e.g.
#   . "$(dirname "$0")/../../lib/common.sh"
#
#   ok MSG / bad MSG      one result line; bad counts FAILS
#   need_exe PATH NAME    exit 77 ("skipped: NAME not built") unless PATH runs
#   port_in_use PORT      a TCP or UDP socket (IPv4 or IPv6) holds PORT
#   free_port             a random unused port below the ephemeral range
#   listening PORT        something LISTENs on TCP PORT
#   wait_for SECS CMD...  retries CMD every 0.1 s until it succeeds
#   wait_file FILE SECS [PID]
#                         waits for FILE to exist and be non-empty; 1 after
#                         SECS, or at once when PID (the writer) is gone
#   stop_pids PID...      TERM, up to 3 s, then KILL
#   term_exits_0 PID NAME SIGTERM makes PID (our child) exit 0 within 10 s
#   start_hssd HSSD WORK ARGS...
#                         hssd on a free loopback TCP port: sets HSSD_PID and
#                         HSS_PORT once it listens, or fails the test
#   capture_start FILE FILTER LOG
#                         dumpcap on lo into FILE, returns once it provably
#                         captures (CAP_PID set); 1 when it cannot here
#   capture_stop FILE     every packet sent so far is in FILE, dumpcap stops
#                         (both need TESTS_LIB, this folder; see tools/ims-bench/capture.sh)
#   usage_expect CODE REGEX PROG ARGS...
#                         runs PROG ARGS: exit CODE and stderr ONE line
#                         matching the extended REGEX (needs T, a temp dir)
#   ctl_expect CODE PATTERN ARGS...
#                         runs "$CTL" ARGS (stdout in $T/out, stderr in
#                         $T/err): the exit code must be CODE and, when
#                         PATTERN is not empty, stderr ONE line matching it
#   kamailio_mpath        Kamailio's module directory with the IMS modules
#                         (sets MPATH, trailing /), or exits 77 saying why
#   parse_opts TABLE ARGS...
#                         a test script's command line (options only), by
#                         TABLE: one option a line, "--name VAR [KIND]";
#                         KIND: value (the default: the next word into VAR),
#                         flag=V (no value, VAR=V), or a check made on VAR
#                         once all is read (defaults too): exe (an
#                         executable file, required), dir (a directory),
#                         uint (digits); exe? and dir? check only a VAR that
#                         is not empty. --help / -h print the script's usage
#                         (its header comment) and exit 0; an unknown
#                         option, a missing value or a failed check:
#                         usage_fail with one line saying which and why
#   opt_check OPT KIND VALUE
#                         one such check, for a script's own conditions
#   usage_fail MSG        "SCRIPT: MSG" on stderr, exit 2 (usage error)
#   script_usage [FILE]   the header comment of FILE (default $0): --help text

FAILS=0
ok() { echo "ok   - $*"; }
bad() { echo "FAIL - $*"; FAILS=$((FAILS + 1)); }

need_exe() {
	if [ -z "$1" ] || [ ! -x "$1" ]; then
		echo "skipped: $2 not built"
		exit 77
	fi
}

kamailio_mpath() {
	MPATH=""
	for _d in /usr/lib/x86_64-linux-gnu/kamailio/modules /usr/lib/*/kamailio/modules /usr/lib/kamailio/modules; do
		[ -f "$_d/ims_auth.so" ] && { MPATH="$_d/"; break; }
	done
	if ! command -v kamailio >/dev/null || [ -z "$MPATH" ]; then
		echo "skipped: kamailio not installed (apt-get install kamailio kamailio-ims-modules kamailio-presence-modules)"
		exit 77
	fi
}

# script_usage [FILE]: the leading comment block of FILE (default $0) after
# the #! line, "# " taken off: a script's --help from its header.
script_usage() {
	awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${1:-$0}"
}

usage_fail() {
	echo "$(basename "$0"): $*" >&2
	exit 2
}

opt_check() {
	case $2 in
	exe | 'exe?')
		[ -n "$3" ] || [ "$2" != exe ] || usage_fail "$1 PATH is required (see --help)"
		[ -z "$3" ] || { [ -f "$3" ] && [ -x "$3" ]; } ||
			usage_fail "$1: $3 is not an executable" ;;
	dir | 'dir?')
		{ [ -z "$3" ] && [ "$2" = 'dir?' ]; } || [ -d "$3" ] ||
			usage_fail "$1: '$3' is not a directory" ;;
	uint)
		case $3 in '' | *[!0-9]*) usage_fail "$1: '$3' is not a whole number" ;; esac ;;
	esac
	return 0
}

# The row of option $1 in table $2: sets _pvar and _pkind, 1 when absent.
# The loops read here-documents, not pipes: they run in this shell, so
# that exit and the variables they set reach the script.
opt_row() {
	while read -r _po _pvar _pkind; do
		[ "$_po" = "$1" ] && { _pkind=${_pkind:-value}; return 0; }
	done <<EOF
$2
EOF
	return 1
}

parse_opts() {
	_ptab=$1
	shift
	while [ $# -gt 0 ]; do
		case $1 in --help | -h) script_usage; exit 0 ;; esac
		opt_row "$1" "$_ptab" || usage_fail "unknown argument '$1' (see --help)"
		case $_pkind in
		flag=*) eval "$_pvar=\${_pkind#flag=}"; shift ;;
		*)
			[ $# -ge 2 ] || usage_fail "$1 needs a value (see --help)"
			eval "$_pvar=\$2"
			shift 2 ;;
		esac
	done
	_pval=""
	while read -r _po _pvar _pkind; do
		[ -n "$_po" ] || continue
		eval "_pval=\${$_pvar-}"
		opt_check "$_po" "${_pkind:-value}" "$_pval"
	done <<EOF
$_ptab
EOF
}

port_in_use() {
	_hex=$(printf ':%04X ' "$1")
	grep -qi "$_hex" /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6 2>/dev/null
}

# For a peer that cannot bind port 0 and report it (freeDiameterd,
# Kamailio). Below the kernel's ephemeral range (ip_local_port_range,
# 32768 by default): there the port could be handed to any port-0 bind or
# outgoing connection of a parallel test between this pick and the peer's
# bind, which made the peer fail to start now and then.
free_port() {
	_lo=32768
	read -r _lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null
	[ "$_lo" -gt 11024 ] || _lo=11024
	for _ in $(seq 200); do
		_p=$((10000 + $(od -An -N2 -tu2 /dev/urandom) % (_lo - 10000)))
		port_in_use "$_p" || { echo "$_p"; return 0; }
	done
	return 1
}

listening() {
	_hex=$(printf '%04X' "$1")
	awk -v h=":$_hex" 'toupper($2) ~ h"$" && $4 == "0A" {f=1} END {exit !f}' \
		/proc/net/tcp /proc/net/tcp6
}

wait_for() {
	_t=$(($1 * 10))
	shift
	while [ "$_t" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		_t=$((_t - 1))
	done
	return 1
}

# The one wait for a port or state file in the shell scripts of the tree;
# tools/ims-bench/ims-bench.sh has its own copy (it is installed, without
# tests/).
wait_file() {
	_t=$(($2 * 20))
	while [ "$_t" -gt 0 ]; do
		[ -s "$1" ] && return 0
		[ -z "${3:-}" ] || kill -0 "$3" 2>/dev/null || return 1
		sleep 0.05
		_t=$((_t - 1))
	done
	return 1
}

# A scratch directory $T for a test, and the traps that stop the processes
# listed in $PIDS and remove it at exit (KEEP=1 keeps it). $1: a name.
work_dir() {
	T=$(mktemp -d "/tmp/$1.XXXXXX")
	PIDS=""
	# shellcheck disable=SC2086 # PIDS is a list
	trap 'stop_pids $PIDS; if [ -n "${KEEP:-}" ]; then echo "logs kept in $T"; else rm -rf "$T"; fi' EXIT
	trap 'exit 1' INT TERM
}

stop_pids() {
	[ $# -gt 0 ] || return 0
	for _p in "$@"; do kill "$_p" 2>/dev/null; done
	for _ in $(seq 30); do
		_alive=0
		for _p in "$@"; do kill -0 "$_p" 2>/dev/null && _alive=1; done
		[ "$_alive" -eq 0 ] && return 0
		sleep 0.1
	done
	for _p in "$@"; do kill -9 "$_p" 2>/dev/null; done
	return 0
}

term_exits_0() {
	kill -TERM "$1"
	if wait_for 10 sh -c "! kill -0 $1 2>/dev/null"; then
		wait "$1"
		_rc=$?
		if [ "$_rc" -eq 0 ]; then ok "$2 exits 0 on SIGTERM"
		else bad "$2 exit status $_rc after SIGTERM"; fi
	else
		bad "$2 did not exit within 10 s of SIGTERM"
	fi
	return 0
}

start_hssd() {
	_hssd=$1 _work=$2
	shift 2
	# Port 0: hssd binds a free port and writes it to --port-file.
	"$_hssd" --db "$_work/hss.db" --listen "tcp://127.0.0.1:0" \
		--port-file "$_work/hssd.port" "$@" >"$_work/hssd.log" 2>&1 &
	HSSD_PID=$!
	if ! wait_for 10 test -s "$_work/hssd.port"; then
		bad "hssd wrote no --port-file"
		cat "$_work/hssd.log"
		kill "$HSSD_PID" 2>/dev/null
		exit 1
	fi
	HSS_PORT=$(cat "$_work/hssd.port")
	if ! wait_for 10 listening "$HSS_PORT"; then
		bad "hssd did not listen on $HSS_PORT"
		cat "$_work/hssd.log"
		kill "$HSSD_PID" 2>/dev/null
		exit 1
	fi
}

capture_start() {
	sh "${TESTS_LIB:?}/../../tools/ims-bench/capture.sh" run "$1" "$2" >"$3" 2>&1 &
	CAP_PID=$!
	sh "$TESTS_LIB/../../tools/ims-bench/capture.sh" ready "$1" "$CAP_PID" && return 0
	kill "$CAP_PID" 2>/dev/null || :
	wait "$CAP_PID" 2>/dev/null || :
	CAP_PID=""
	return 1
}

capture_stop() {
	[ -n "${CAP_PID:-}" ] || return 0
	sh "${TESTS_LIB:?}/../../tools/ims-bench/capture.sh" flush "$1" "$CAP_PID" ||
		echo "# note: the capture's end probe did not reach $1"
	kill -INT "$CAP_PID" 2>/dev/null || :
	wait "$CAP_PID" 2>/dev/null || : # (also under set -e)
	CAP_PID=""
	return 0
}

usage_expect() {
	_want=$1 _re=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	_rc=$?
	if [ "$_rc" = "$_want" ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -Eq -- "$_re" "$T/err"; then
		ok "$(basename "$1") $(shift; echo "$*" | cut -c1-50): exit $_rc, $(cat "$T/err")"
	else
		bad "$*: exit $_rc (want $_want), stderr '$(cat "$T/err")' (want /$_re/)"
	fi
	return 0
}

ctl_expect() {
	_want=$1 _pat=$2
	shift 2
	"$CTL" "$@" >"$T/out" 2>"$T/err"
	_rc=$?
	[ "$_rc" = "$_want" ] || bad "hss-ctl $* -> exit $_rc, want $_want ($(cat "$T/err"))"
	if [ -n "$_pat" ]; then
		[ "$(wc -l <"$T/err")" = 1 ] ||
			bad "hss-ctl $*: stderr is not one line: $(cat "$T/err")"
		grep -q -- "$_pat" "$T/err" ||
			bad "hss-ctl $*: stderr '$(cat "$T/err")' lacks '$_pat'"
	fi
	return 0
}

# diameter_capture_clean CAP PORT DIR: in the capture CAP, decoded as
# Diameter on PORT (hssd's), no malformed packet, no TCP payload the
# dissector cannot even start on (it shows as "Continuation", not as
# malformed), and no Diameter expert item (note, warning or error) in what
# hssd sent; the peer's expert items are shown, not judged. Needs tshark.
# With a 4th argument N, exactly N malformed answers of hssd are expected
# (a bad-length fault rule, docs/faults.md, sends them on purpose): then
# exactly N packets must be malformed and N "Malformed" expert rows seen,
# and nothing else.
diameter_capture_clean() {
	_d="tcp.port==$2,diameter"
	_want=${4:-0}
	_n=$(tshark -r "$1" -d "$_d" -Y "tcp.port == $2 && _ws.malformed" 2>/dev/null | wc -l)
	if [ "$_n" -eq "$_want" ]; then
		[ "$_want" -eq 0 ] && ok "no malformed Diameter packet" ||
			ok "$_n malformed Diameter packet(s): the $_want a bad-length fault sent on purpose"
	else bad "$_n malformed Diameter packet(s) ($_want expected from fault rules)"; fi
	_n=$(tshark -2 -r "$1" -d "$_d" \
		-Y "tcp.port == $2 && tcp.len > 0 && !diameter.cmd.code && !tcp.reassembled_in" \
		2>/dev/null | wc -l)
	if [ "$_n" -eq 0 ]; then ok "every Diameter TCP payload decodes"
	else bad "$_n Diameter TCP segment(s) not decodable"; fi
	_rows='^ +[0-9]+ +[a-z ]+ +diameter +'
	tshark -r "$1" -d "$_d" -q -z "expert,note,tcp.srcport==$2" >"$3/expert.txt" 2>/dev/null
	_mal=$(grep -Ei "$_rows" "$3/expert.txt" | grep -Ei '^ +[0-9]+ +malformed +diameter +wrong avp' |
		awk '{ n += $1 } END { print n + 0 }')
	_other=$(grep -Ei "$_rows" "$3/expert.txt" | grep -Eiv '^ +[0-9]+ +malformed +diameter +wrong avp')
	if [ -n "$_other" ] || [ "$_mal" -ne "$_want" ]; then
		bad "Diameter expert items in hssd's messages ($_want Malformed expected from fault rules):"
		grep -Ei "$_rows" "$3/expert.txt"
	elif [ "$_want" -gt 0 ]; then
		ok "Diameter expert items in hssd's messages: only the $_want Malformed a bad-length fault sent"
	else
		ok "no Diameter expert item (note, warning or error) in hssd's messages"
	fi
	tshark -r "$1" -d "$_d" -q -z "expert,note,tcp.dstport==$2" >"$3/expert-peer.txt" 2>/dev/null
	grep -Ei "$_rows" "$3/expert-peer.txt" | sed 's/^ */# peer expert item (not ours): /'
	return 0
}
