#!/bin/sh
# ims-bench: runs IMS registration scenario files (scenarios/README.md)
# against real daemons. POSIX sh; docs/ims-bench.md is its manual.
#
# For each scenario: a temporary store provisioned with its `hss-ctl`
# lines, hssd and a scscf-stub configured from its `network` lines, both
# on a loopback address of the scenario's own (127.A.B.N) at the standard
# ports 3868 and 5060 when they are free there (else free ones), then
# `ue-sim run`, then the daemons stopped (the stub's DPR answered by DPA).
# One dumpcap captures the run's 127.A.B.0/24; each scenario's packets
# are then written to their own pcapng, without the capture's probes.
# With --registrar / --hss the external S-CSCF / HSS take the place of
# ours. Exit 0 all passed, 1 any failed (or a report could not be
# written), 2 bad usage.
set -u

VERSION='@BENCH_VERSION@'
PROG=ims-bench
HERE=$(cd "$(dirname "$0")" && pwd)
LIBEXEC=$HERE/../libexec/ims-bench
REALM=ims.mnc001.mcc001.3gppnetwork.org
HSS_HOST=hss.$REALM
SCSCF_HOST=scscf.$REALM

usage() {
	cat <<EOF
usage: $PROG run SCENARIO... [--junit FILE] [--out DIR] [--pcap-dir DIR] [--no-capture]
                 [--registrar sip:IP:PORT] [--hss tcp://IP:PORT] [--db DB]
                 [--scscf NAME] [--answer-delay MS] [--timeout MS] [--bind sip:IP:PORT] [--seed N]
                 [--golden DIR [--update-golden]] [--jobs N] [--keep]
       $PROG --help | --version

Runs scenario files (format: scenarios/README.md; the shipped ones are in
$(scenario_dir)): for each, a temporary store provisioned with its hss-ctl
lines, hssd and scscf-stub on a loopback address of its own, ue-sim run,
and a Wireshark-ready capture. Prints PASS/FAIL per scenario, then
"N passed, N failed".
  --junit FILE           JUnit XML of all scenarios (a file that cannot be
                         written fails the run)
  --out DIR              logs (DIR/logs) and captures (DIR/pcap); default
                         ./ims-bench-out
  --pcap-dir DIR         captures here instead of DIR/pcap
  --no-capture           no dumpcap
  --registrar sip:IP:PORT  an external S-CSCF: no hssd or scscf-stub is started,
                         network lines are not applied
  --hss tcp://IP:PORT    an external HSS: scscf-stub is started against it
  --db DB                with --hss/--registrar: the external HSS's store, where
                         the hss-ctl lines are applied (else they are not)
  --scscf NAME           the S-CSCF under test, for '[NAME] step' lines
                         (default scscf-stub)
  --answer-delay MS, --timeout MS, --bind sip:IP:PORT   passed to ue-sim run
                         (ue-sim binds the scenario's loopback address unless
                         --registrar is elsewhere or --bind is given)
  --seed N               reproducible RANDs (hssd) and SIP identifiers (ue-sim)
  --golden DIR           compare each scenario's SIP trace and Cx content with
                         DIR/NAME.sip and DIR/NAME.cx; --update-golden writes them
  --jobs N               scenarios run at the same time (default: the number
                         of CPUs, at least 2; 1 with --registrar or --hss)
  --keep                 keep the temporary directory (stores, configs)
Exit: 0 all passed, 1 any failed, 2 bad usage.
EOF
}

usage_error() {
	echo "$PROG: $*" >&2
	exit 2
}

scenario_dir() {
	for d in "$HERE/../share/ims-bench/scenarios" "$HERE/../../scenarios"; do
		[ -d "$d" ] && { (cd "$d" && pwd); return; }
	done
	echo "scenarios/ of the source tree"
}

# The program next to ims-bench (the install or build tree), else on PATH.
prog() {
	if [ -x "$HERE/$1" ]; then
		echo "$HERE/$1"
	else
		command -v "$1" 2>/dev/null || echo "$1"
	fi
}

need_prog() {
	[ -x "$1" ] || { echo "$PROG: $1: not found (installed next to $PROG or on PATH?)" >&2; exit 1; }
}

# wait_file FILE SECONDS [PID]: FILE exists and is not empty (not when PID
# exits first). tests/lib/common.sh's, copied: ims-bench is installed
# (packaging/) and sources nothing from the source tree.
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

# wait_grep FILE REGEX SECONDS
wait_grep() {
	_t=$(($3 * 50))
	while [ "$_t" -gt 0 ]; do
		grep -Eq -e "$2" "$1" 2>/dev/null && return 0
		sleep 0.02
		_t=$((_t - 1))
	done
	return 1
}

# stop PID: SIGTERM and wait (no polling); SIGKILL after 5 s without a
# clean exit (DPR/DPA). The watchdog holds no output open.
stop() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null
	(sleep 5 && kill -9 "$1") >/dev/null 2>&1 &
	_w=$!
	wait "$1" 2>/dev/null
	kill "$_w" 2>/dev/null
	wait "$_w" 2>/dev/null
	return 0
}

# The run's end, also on an interrupt: the jobs stop their daemons
# (job_cleanup), dumpcap stops, the temporary directory goes.
cleanup() {
	for _p in $JOBS_RUNNING; do kill "${_p%:*}" 2>/dev/null; done
	for _p in $JOBS_RUNNING; do wait "${_p%:*}" 2>/dev/null; done
	JOBS_RUNNING=''
	[ -z "$CAP_PID" ] || { kill -INT "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null; }
	if [ -n "$KEEP" ]; then
		echo "kept $WORK"
	else
		rm -rf "$WORK"
	fi
}

# lines_of KEYWORD FILE: the scenario's lines of that kind, without the
# keyword and comments
lines_of() {
	sed -n "s/^$1[[:space:]]\{1,\}//p" "$2" | sed 's/[[:space:]]*#.*$//'
}

# free_at IP PORT: nothing listens on TCP or is bound on UDP to IP:PORT or
# to the wildcard address at PORT (IPv4 or IPv6)
free_at() {
	_hex=$(echo "$1" | awk -F. '{ printf "%02X%02X%02X%02X", $4, $3, $2, $1 }')
	_hport=$(printf '%04X' "$2")
	! awk -v a="$_hex" -v p="$_hport" '
		FILENAME ~ /tcp/ && $4 != "0A" { next }
		{ split($2, l, ":"); if (l[2] == p && (l[1] == a || l[1] ~ /^0+$/)) f = 1 }
		END { exit !f }' /proc/net/tcp /proc/net/udp /proc/net/tcp6 /proc/net/udp6 2>/dev/null
}

# ---- capture ---------------------------------------------------------------
# One dumpcap for the run (capture.sh: it returns once dumpcap provably
# captures); split_capture writes a scenario's packets to its own file.
capture_begin() {
	CAP_PID=
	[ -n "$CAPTURE" ] || return 0
	for p in dumpcap tshark python3; do
		if ! command -v $p >/dev/null 2>&1; then
			echo "note: no captures: $p is not installed (apt-get install tshark python3)"
			CAPTURE=
			return 0
		fi
	done
	mkdir -p "$PCAP_DIR" || { CAPTURE=; return 0; }
	RAW=$WORK/all.pcapng
	sh "$LIBEXEC/capture.sh" run "$RAW" "net $NET.0/24" >"$LOG_DIR/dumpcap.log" 2>&1 &
	CAP_PID=$!
	if ! sh "$LIBEXEC/capture.sh" ready "$RAW" "$CAP_PID"; then
		echo "note: no captures: dumpcap cannot capture on lo here: $(head -c 200 "$LOG_DIR/dumpcap.log")"
		stop "$CAP_PID"
		CAP_PID='' CAPTURE=''
	fi
}

capture_end() {
	[ -n "$CAP_PID" ] || return 0
	sh "$LIBEXEC/capture.sh" flush "$RAW" "$CAP_PID" ||
		echo "note: the capture's end probe did not arrive; the last packets may be missing"
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=''
}

# capture_index: one tshark pass over the run's capture, "FRAME SRC DST"
# per packet (WORK/index), and with --golden a second one for the Cx
# content, each line led by its addresses (WORK/cx.all): two tshark starts
# for the run, not two per scenario.
capture_index() {
	: >"$WORK/index"
	: >"$WORK/cx.all"
	[ -n "$CAPTURE" ] && [ -s "$RAW" ] || return 0
	tshark -r "$RAW" -T fields -e frame.number -e ip.src -e ip.dst >"$WORK/index" 2>/dev/null
	[ -n "$GOLDEN" ] || return 0
	# shellcheck disable=SC2046 # one -d per port hssd got (3868 unless taken)
	diameter_fields "$RAW" $(echo "$POSTS" | awk 'NF == 4 && $3 != "-" {
		print "-d"; print "tcp.port==" $3 ",diameter" }' | sort -u) >"$WORK/cx.all"
}

# split_capture NAME ADDR HSS_PORT: ADDR's packets (not the probes, which
# go to capture.sh's own address) into PCAP_DIR/NAME.pcapng by frame
# number (editcap: no dissection); a Diameter port other than 3868 is
# named in the file's comment.
split_capture() {
	_frames=$(awk -v a="$2" '$2 == a || $3 == a { print $1 }' "$WORK/index" | awk '
		function out() { printf "%s ", (s == e ? s : s "-" e) }
		s == "" { s = e = $1; next }
		$1 == e + 1 { e = $1; next }
		{ out(); s = e = $1 }
		END { if (s != "") out() }')
	[ -n "$_frames" ] || return 0
	set -f
	if [ "${3:-3868}" != 3868 ]; then
		# shellcheck disable=SC2086 # the frame ranges are words
		editcap --capture-comment "ims-bench: Diameter on TCP port $3 (not 3868): decode with -d tcp.port==$3,diameter (Decode As)" \
			-r "$RAW" "$PCAP_DIR/$1.pcapng" $_frames >/dev/null 2>&1
	else
		# shellcheck disable=SC2086
		editcap -r "$RAW" "$PCAP_DIR/$1.pcapng" $_frames >/dev/null 2>&1
	fi
	set +f
}

# ---- golden files (--golden) -----------------------------------------------
# The SIP trace normalised: addresses, ports, Sofia's rport values and the
# registrar's To-tag vary from run to run; everything else (Call-ID,
# From-tag, branch, cnonce with --seed; RAND from hssd --seed) does not.
normalise_sip() {
	sed -E -e 's/127\.[0-9]+\.[0-9]+\.[0-9]+/127.0.0.1/g' \
		-e 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g' \
		-e 's/;rport=[0-9]+/;rport=PORT/g' \
		-e 's/(To: [^;]*;tag=)[A-Za-z0-9.-]+/\1TAG/' \
		-e '/^(sent|recv) [0-9]+ bytes/d' -e '/^dump started at/d' -e 's/\r$//'
}

# The Cx content of a capture, each line led by the packet's addresses
# (diameter_fields FILE [-d DECODE-AS]...): command, R bit, result codes,
# identities, scheme, RAND‖AUTN, XRES, CK, IK, SAR type. Left out because
# they change from run to run: Session-Id, hop-by-hop/end-to-end ids,
# Origin-State-Id, and the base protocol (CER/CEA, DWR/DWA, DPR/DPA).
diameter_fields() {
	_in=$1
	shift
	tshark -r "$_in" "$@" \
		-Y 'diameter && diameter.cmd.code != 257 && diameter.cmd.code != 280 && diameter.cmd.code != 282' \
		-T fields -E separator='|' -e ip.src -e ip.dst -e diameter.cmd.code -e diameter.flags.request \
		-e diameter.Result-Code -e diameter.Experimental-Result-Code -e diameter.User-Name \
		-e diameter.Public-Identity -e diameter.3GPP-SIP-Number-Auth-Items \
		-e diameter.3GPP-SIP-Authentication-Scheme -e diameter.3GPP-SIP-Authenticate \
		-e diameter.3GPP-SIP-Authorization -e diameter.Confidentiality-Key \
		-e diameter.Integrity-Key -e diameter.Server-Assignment-Type 2>/dev/null
}

# golden_cmp NAME KIND: LOG_DIR/NAME.KIND against GOLDEN/NAME.KIND
golden_cmp() {
	_got=$LOG_DIR/$1.$2 _g=$GOLDEN/$1.$2
	if [ -n "$UPDATE_GOLDEN" ]; then
		mkdir -p "$GOLDEN" && cp "$_got" "$_g"
		return 0
	fi
	[ -f "$_g" ] || return 0
	if ! diff -u "$_g" "$_got" >"$LOG_DIR/$1.$2.diff"; then
		echo "      golden mismatch: $_g (diff in $LOG_DIR/$1.$2.diff)"
		head -20 "$LOG_DIR/$1.$2.diff" | sed 's/^/      /'
		return 1
	fi
	return 0
}

# ---- one scenario ----------------------------------------------------------
provision() { # FILE NAME DB
	lines_of hss-ctl "$1" >"$WORK/$2.ctl"
	while IFS= read -r _line; do
		[ -n "$_line" ] || continue
		set -f
		# shellcheck disable=SC2086 # the line is hss-ctl's argument words
		if ! "$HSS_CTL" --db "$3" $_line >>"$LOG_DIR/$2.hss-ctl.log" 2>&1; then
			set +f
			WHY="hss-ctl $_line: $(tail -1 "$LOG_DIR/$2.hss-ctl.log")"
			return 1
		fi
		set +f
	done <"$WORK/$2.ctl"
	return 0
}

start_hssd() { # NAME ADDR DB
	_port=3868
	free_at "$2" 3868 || _port=0
	# shellcheck disable=SC2086 # $SEED_ARG is empty or two words
	"$HSSD" --db "$3" --listen "tcp://$2:$_port" --port-file "$WORK/$1.hss.port" \
		--origin-host "$HSS_HOST" --realm "$REALM" --accept-any-peer $SEED_ARG \
		--log-level info >"$LOG_DIR/$1.hssd.log" 2>&1 &
	HSSD_PID=$!
	if ! wait_file "$WORK/$1.hss.port" 10 "$HSSD_PID"; then
		WHY="hssd did not start: $(tail -1 "$LOG_DIR/$1.hssd.log")"
		return 1
	fi
	HSS_PORT=$(cat "$WORK/$1.hss.port")
}

start_stub() { # FILE NAME ADDR HSS_URI
	_sf=$1 _name=$2 _addr=$3 _hss=$4 _port=5060
	free_at "$_addr" 5060 || _port=0
	# the config file holds only the [faults] a scenario's `scscf fault`
	# lines add while it runs (fault-hook, then SIGHUP)
	STUBCONF=$WORK/$_name.conf
	printf '[faults]\n' >"$STUBCONF"
	set -- -c "$STUBCONF" --log-level info
	# `network KEY VALUE` is scscf-stub's option --KEY VALUE
	while read -r _key _val; do
		[ -n "$_key" ] || continue
		[ "$_key $_val" = "hss down" ] && continue
		set -- "$@" "--$(echo "$_key" | tr _ -)" "$_val"
	done <<EOF
$(lines_of network "$_sf")
EOF
	"$STUB" "$@" --sip "sip:$_addr:$_port" --port-file "$WORK/$_name.sip.port" --hss "$_hss" \
		--origin-host "$SCSCF_HOST" --realm "$REALM" --name "sip:$SCSCF_HOST" \
		--hss-host "$HSS_HOST" --hss-realm "$REALM" >"$LOG_DIR/$_name.scscf.log" 2>&1 &
	STUBPID=$!
	if ! wait_file "$WORK/$_name.sip.port" 10 "$STUBPID"; then
		WHY="scscf-stub did not start: $(grep -v '^ ' "$LOG_DIR/$_name.scscf.log" | tail -1)"
		return 1
	fi
	SIP_PORT=$(cat "$WORK/$_name.sip.port")
}

# run_one FILE INDEX: 0 pass, 1 fail; prints PASS/FAIL lines. Runs in a
# job of its own (a subshell): job_cleanup stops its daemons on any exit.
job_cleanup() {
	stop "$STUBPID"
	stop "$HSSD_PID"
	STUBPID='' HSSD_PID=''
}

run_one() {
	SCN=$1 NAME=$(basename "$1" .scn) ADDR=$NET.$(($2 % 254 + 1))
	DB=${EXT_DB:-$WORK/$NAME.sqlite}
	HSSD_PID='' STUBPID='' HSS_PORT='' SIP_PORT='' STUBCONF='' WHY=''
	rm -f "$LOG_DIR/$NAME".* "$PCAP_DIR/$NAME.pcapng" "$WORK/$NAME.xml" "$WORK/$NAME.dump"
	if [ -n "$HSS_CTL_ON" ] && ! provision "$SCN" "$NAME" "$DB"; then
		setup_failed
		return 1
	fi
	registrar=$EXT_REGISTRAR
	if [ -z "$registrar" ]; then
		hss_uri=$EXT_HSS
		if [ -z "$hss_uri" ]; then
			start_hssd "$NAME" "$ADDR" "$DB" || { setup_failed; return 1; }
			hss_uri=tcp://$ADDR:$HSS_PORT
		fi
		# `network hss down`: an HSS address where nothing listens
		lines_of network "$SCN" | grep -q '^hss[[:space:]]\{1,\}down' && hss_uri=tcp://$ADDR:1
		start_stub "$SCN" "$NAME" "$ADDR" "$hss_uri" || { setup_failed; return 1; }
		registrar=sip:$ADDR:$SIP_PORT
		# the Cx connection open (CER/CEA) before the first REGISTER
		[ "$hss_uri" = "tcp://$ADDR:1" ] ||
			wait_grep "$LOG_DIR/$NAME.scscf.log" '-> OPEN|CEA' 5
	fi
	# `hss fault` / `scscf fault` lines go through the fault hook, which
	# finds this scenario's daemons through these variables.
	# shellcheck disable=SC2086 # $SEED_ARG and $UE_ARGS are word lists
	HSS_CTL=${HSS_CTL_ON:+$HSS_CTL} FAULT_DB=${HSS_CTL_ON:+$DB} \
	HSSD_LOG=${HSSD_PID:+$LOG_DIR/$NAME.hssd.log} \
	STUB_CONF=$STUBCONF STUB_PID=$STUBPID STUB_LOG=${STUBPID:+$LOG_DIR/$NAME.scscf.log} \
	TPORT_DUMP=$WORK/$NAME.dump "$UE_SIM" run "$SCN" --registrar "$registrar" \
		${UE_ADDR:+--bind sip:$UE_ADDR:0} $SEED_ARG $UE_ARGS --junit "$WORK/$NAME.xml" \
		--fault-hook "$LIBEXEC/fault-hook" >"$LOG_DIR/$NAME.ue-sim.log" 2>&1
	_rc=$?
	job_cleanup
	grep -E '^(PASS|FAIL|      )' "$LOG_DIR/$NAME.ue-sim.log"
	[ $_rc -eq 0 ] || {
		[ -s "$WORK/$NAME.xml" ] || { WHY="ue-sim run exit $_rc: $(tail -1 "$LOG_DIR/$NAME.ue-sim.log")"; setup_failed; }
		return 1
	}
	return 0
}

# A scenario that failed before ue-sim judged it: its line and JUnit entry.
setup_failed() {
	echo "FAIL  $NAME: $WHY"
	job_cleanup
	{
		printf '<testsuite>\n  <testcase classname="scenarios" name="%s.scn" time="0"><failure message="' "$NAME"
		printf '%s' "$WHY" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'
		printf '"/></testcase>\n</testsuite>\n'
	} >"$WORK/$NAME.xml"
}

# After the capture: each scenario's file, and the golden comparison.
post_scenario() { # NAME ADDR HSS_PORT
	[ -n "$CAPTURE" ] && split_capture "$1" "$2" "$3"
	[ -n "$GOLDEN" ] || return 0
	_grc=0
	if [ -f "$WORK/$1.dump" ]; then
		normalise_sip <"$WORK/$1.dump" >"$LOG_DIR/$1.sip"
		golden_cmp "$1" sip || _grc=1
	fi
	if [ -s "$PCAP_DIR/$1.pcapng" ]; then
		awk -F'|' -v a="$2" '$1 == a || $2 == a' "$WORK/cx.all" | cut -d'|' -f3- >"$LOG_DIR/$1.cx"
		golden_cmp "$1" cx || _grc=1
	fi
	return $_grc
}

# The JUnit report: every scenario's <testcase> in one <testsuite>.
write_junit() { # FILE PASSED FAILED
	{
		echo '<?xml version="1.0" encoding="UTF-8"?>'
		echo "<testsuite name=\"ims-bench\" tests=\"$(($2 + $3))\" failures=\"$3\" errors=\"0\">"
		for _x in "$WORK"/*.xml; do
			[ -f "$_x" ] && sed -e '/^<?xml/d' -e '/<testsuite/d' -e '/<\/testsuite>/d' "$_x"
		done
		echo '</testsuite>'
	} >"$1"
}

# A scenario ue-sim passed whose golden comparison failed: failed in the
# JUnit entry too.
mark_golden_failure() { # NAME
	sed -i "s|<testcase classname=\"scenarios\" name=\"$1.scn\" time=\"\([0-9.]*\)\"/>|<testcase classname=\"scenarios\" name=\"$1.scn\" time=\"\1\"><failure message=\"golden mismatch\"/></testcase>|" "$WORK/$1.xml"
}

# ---- run -------------------------------------------------------------------
cmd_run() {
	JUNIT='' OUT=ims-bench-out PCAP_DIR='' CAPTURE=1 EXT_REGISTRAR='' EXT_HSS='' EXT_DB=''
	SEED_ARG='' UE_ARGS='' GOLDEN='' UPDATE_GOLDEN='' KEEP='' BIND='' JOBS=''
	_n=$#
	while [ "$_n" -gt 0 ]; do
		_a=$1
		shift
		_n=$((_n - 1))
		case $_a in
		--*=*)
			_v=${_a#*=}
			_a=${_a%%=*}
			set -- "$_v" "$@"
			_n=$((_n + 1))
			;;
		esac
		case $_a in
		--junit | --out | --pcap-dir | --registrar | --hss | --db | --scscf | --answer-delay | \
			--timeout | --seed | --golden | --bind | --jobs)
			[ "$_n" -gt 0 ] || usage_error "$_a: missing value"
			_v=$1
			shift
			_n=$((_n - 1))
			case $_a in
			--junit) JUNIT=$_v ;;
			--out) OUT=$_v ;;
			--pcap-dir) PCAP_DIR=$_v ;;
			--registrar)
				case $_v in sip:*) ;; *) usage_error "--registrar: expected sip:IP:PORT, got '$_v'" ;; esac
				EXT_REGISTRAR=$_v ;;
			--hss)
				case $_v in tcp://* | sctp://*) ;; *) usage_error "--hss: expected tcp://IP:PORT, got '$_v'" ;; esac
				EXT_HSS=$_v ;;
			--db) EXT_DB=$_v ;;
			--seed)
				case $_v in '' | *[!0-9]*) usage_error "--seed: expected a number, got '$_v'" ;; esac
				SEED_ARG="--seed $_v" ;;
			--golden) GOLDEN=$_v ;;
			--jobs)
				case $_v in '' | *[!0-9]* | 0) usage_error "--jobs: expected a number >= 1, got '$_v'" ;; esac
				JOBS=$_v ;;
			--answer-delay | --timeout)
				# ue-sim's ranges, checked before any scenario starts its daemons
				_lo=0 _hi=60000
				[ "$_a" = --timeout ] && _lo=1 _hi=600000
				_d=$_v
				case $_v in '' | *[!0-9]*) _d=x ;; esac
				{ [ "$_d" != x ] && [ ${#_d} -le 7 ] && [ "$_d" -ge $_lo ] && [ "$_d" -le $_hi ]; } ||
					usage_error "$_a: expected a number in $_lo..$_hi, got '$_v'"
				UE_ARGS="$UE_ARGS $_a $_v" ;;
			--bind)
				case $_v in sip:*) ;; *) usage_error "--bind: expected sip:IP:PORT, got '$_v'" ;; esac
				BIND=$_v UE_ARGS="$UE_ARGS --bind $_v" ;;
			*)
				case $_v in '' | *[!0-9A-Za-z._-]*) usage_error "$_a: bad value '$_v'" ;; esac
				UE_ARGS="$UE_ARGS $_a $_v" ;;
			esac
			;;
		--no-capture) CAPTURE= ;;
		--update-golden) UPDATE_GOLDEN=1 ;;
		--keep) KEEP=1 ;;
		-h | --help) usage; exit 0 ;;
		-*) usage_error "$_a: unknown option (see --help)" ;;
		*) set -- "$@" "$_a" ;;
		esac
	done
	[ $# -gt 0 ] || usage_error "SCENARIO: at least one scenario file is needed (see --help)"
	for _f in "$@"; do
		{ [ -f "$_f" ] && [ -r "$_f" ]; } || usage_error "SCENARIO: '$_f': no such readable file"
	done
	[ -z "$EXT_DB" ] || [ -n "$EXT_HSS$EXT_REGISTRAR" ] ||
		usage_error "--db: only with --hss or --registrar (else each scenario has its own store)"
	[ -z "$EXT_HSS" ] || [ -z "$EXT_REGISTRAR" ] ||
		usage_error "--hss: not with --registrar (the registrar has its own HSS)"
	[ -z "$UPDATE_GOLDEN" ] || [ -n "$GOLDEN" ] || usage_error "--update-golden: needs --golden DIR"

	HSSD=$(prog hssd) HSS_CTL=$(prog hss-ctl) STUB=$(prog scscf-stub) UE_SIM=$(prog ue-sim)
	need_prog "$UE_SIM"
	need_prog "$HSS_CTL"
	[ -n "$EXT_REGISTRAR" ] || need_prog "$STUB"
	[ -n "$EXT_REGISTRAR$EXT_HSS" ] || need_prog "$HSSD"
	# Scenarios run side by side (each on its own address, with its own
	# daemons and store); against an external S-CSCF or HSS one at a time.
	if [ -z "$JOBS" ]; then
		JOBS=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
		[ "$JOBS" -ge 2 ] || JOBS=2
		[ -z "$EXT_HSS$EXT_REGISTRAR" ] || JOBS=1
	fi
	HSS_CTL_ON=1
	if [ -n "$EXT_HSS$EXT_REGISTRAR" ] && [ -z "$EXT_DB" ]; then
		HSS_CTL_ON=
		echo "note: the scenarios' hss-ctl lines are not applied (external HSS without --db)"
	fi
	[ -z "$EXT_REGISTRAR" ] || echo "note: the scenarios' network lines are not applied (external registrar $EXT_REGISTRAR)"

	LOG_DIR=$OUT/logs
	PCAP_DIR=${PCAP_DIR:-$OUT/pcap}
	mkdir -p "$LOG_DIR" 2>/dev/null || { echo "$PROG: --out $OUT: cannot create $LOG_DIR" >&2; exit 1; }
	if [ -n "$JUNIT" ] && ! (: >"$JUNIT") 2>/dev/null; then
		echo "$PROG: --junit $JUNIT: cannot be written" >&2
		exit 1
	fi
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/ims-bench.XXXXXX") || exit 1
	JOBS_RUNNING='' NEXT_PRINT=0 CAP_PID='' POSTS=''
	trap cleanup EXIT
	trap 'exit 1' INT TERM HUP
	# This run's loopback /24 (127.A.B.0, A and B from our PID), one
	# address per scenario; ue-sim binds it too unless the registrar is
	# elsewhere.
	NET=127.$((128 + $$ % 100)).$(($$ / 100 % 256))
	capture_begin

	passed=0 failed=0 i=0 failed_names=''
	for _f in "$@"; do
		if [ $i -gt 0 ] && [ $((i % 254)) -eq 0 ]; then
			# the addresses repeat: the next 254 after these, in a new capture
			reap_jobs 0
			capture_end
			flush_posts
			capture_begin
		fi
		start_job "$_f" $i
		reap_jobs $((JOBS - 1))
		i=$((i + 1))
	done
	reap_jobs 0
	capture_end
	flush_posts
	[ -n "$CAPTURE" ] && captures_note=$PCAP_DIR || captures_note="none"
	echo "logs: $LOG_DIR  captures: $captures_note"
	[ "$failed" -eq 0 ] || echo "failed:$failed_names"
	echo "$passed passed, $failed failed"
	if [ -n "$JUNIT" ]; then
		if ! write_junit "$JUNIT" "$passed" "$failed" 2>/dev/null; then
			echo "$PROG: --junit $JUNIT: cannot be written" >&2
			exit 1
		fi
		echo "JUnit: $JUNIT"
	fi
	[ "$failed" -eq 0 ]
}

# start_job FILE INDEX: run_one in the background, its output, verdict and
# end mark in WORK/job.INDEX.*; a job stops its daemons whatever ends it.
start_job() {
	# ue-sim on the scenario's address, but for a registrar elsewhere
	# (ue-sim's default, or the --bind given)
	UE_ADDR=$NET.$(($2 % 254 + 1))
	case $EXT_REGISTRAR in '' | sip:127.*) ;; *) UE_ADDR='' ;; esac
	[ -z "$BIND" ] || UE_ADDR=''
	(
		STUBPID='' HSSD_PID=''
		trap 'job_cleanup; : >"$WORK/job.$2.end"' EXIT
		trap 'exit 1' INT TERM
		if run_one "$1" "$2"; then _ok=1; else _ok=0; fi
		echo "$NAME $ADDR ${HSS_PORT:--} $_ok" >"$WORK/job.$2.verdict"
	) >"$WORK/job.$2.out" 2>&1 &
	JOBS_RUNNING="$JOBS_RUNNING $!:$2"
}

# reap_jobs N: waits until at most N jobs run (any of them may end first);
# the output of ended jobs is printed in the order the scenarios were given.
reap_jobs() {
	_max=$1
	while :; do
		_still=''
		for _j in $JOBS_RUNNING; do
			if [ -e "$WORK/job.${_j#*:}.end" ]; then
				wait "${_j%:*}"
			else
				_still="$_still $_j"
			fi
		done
		JOBS_RUNNING=$_still
		while [ -e "$WORK/job.$NEXT_PRINT.end" ]; do
			cat "$WORK/job.$NEXT_PRINT.out"
			if [ -s "$WORK/job.$NEXT_PRINT.verdict" ]; then
				POSTS="$POSTS$(cat "$WORK/job.$NEXT_PRINT.verdict")
"
			else
				echo "FAIL  scenario $((NEXT_PRINT + 1)): its job ended without a verdict"
				failed=$((failed + 1))
			fi
			NEXT_PRINT=$((NEXT_PRINT + 1))
		done
		# shellcheck disable=SC2086 # counting the words
		set -- $JOBS_RUNNING
		[ $# -gt "$_max" ] || return 0
		sleep 0.05
	done
}

# Captures and golden files of the scenarios run since the last flush,
# then the pass/fail count.
flush_posts() {
	capture_index
	while read -r _name _addr _hport _ok; do
		[ -n "$_name" ] || continue
		[ "$_hport" = - ] && _hport=
		if [ "$_ok" = 1 ] && ! post_scenario "$_name" "$_addr" "$_hport"; then
			_ok=0
			echo "FAIL  $_name: golden mismatch (above)"
			mark_golden_failure "$_name"
		elif [ "$_ok" != 1 ]; then
			post_scenario "$_name" "$_addr" "$_hport" >/dev/null
		fi
		if [ "$_ok" = 1 ]; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			failed_names="$failed_names $_name"
		fi
	done <<EOF
${POSTS:-}
EOF
	POSTS=
}

case ${1:-} in
run) shift; cmd_run "$@" ;;
--version) echo "$PROG $VERSION" ;;
-h | --help) usage ;;
'') usage_error "COMMAND: missing (run; see --help)" ;;
*) usage_error "$1: unknown command (run; see --help)" ;;
esac
