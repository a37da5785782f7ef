#!/usr/bin/env bash
# e2e runner for scenarios/*.scn (issue 5 §6).
#
# Starts hssd (temp SQLite) on a free loopback port; for each scenario:
# provisions its `hss-ctl` lines, starts a scscf-stub configured from its
# `network` lines on a free port, captures loopback with dumpcap when it is
# installed (OUT/pcap/NAME.pcap), runs `ue-sim run`, stops the stub. Then
# merges the JUnit XML (OUT/junit.xml) and, in deterministic mode, compares
# the normalised SIP trace with tests/golden/scenarios/NAME.sip.
# Everything started here is stopped on any exit (trap). Last line:
# "N passed, N failed". Exit 0 all passed, 1 any failed, 77 skipped.
set -u
TESTS_LIB="$(cd "$(dirname "$0")/../../lib" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../../lib/common.sh
. "$TESTS_LIB/common.sh" # capture_start, capture_stop

BIN='' SCN_DIR='' OUT='' GOLDEN='' ONLY=() SEED=${SEED:-5}
while [ $# -gt 0 ]; do
	case $1 in
	--bin) BIN=$2; shift 2 ;;
	--scenarios) SCN_DIR=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--golden) GOLDEN=$2; shift 2 ;;
	--seed) SEED=$2; shift 2 ;;
	--only) ONLY+=("$2"); shift 2 ;;
	-h|--help)
		echo "usage: run.sh --bin DIR --scenarios DIR --out DIR [--golden DIR] [--seed N] [--only NAME]..."
		echo "  UPDATE_GOLDEN=1 rewrites the golden files; KEEP=1 keeps the temp dir"
		exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ -n "$BIN" ] && [ -n "$SCN_DIR" ] && [ -n "$OUT" ] || { echo "run.sh: --bin, --scenarios and --out are required" >&2; exit 2; }

for p in hssd hss-ctl scscf-stub ue-sim; do
	if [ ! -x "$BIN/$p" ]; then
		echo "skipped: $BIN/$p is not built yet (the scenario runner needs hssd, hss-ctl, scscf-stub and ue-sim)"
		exit 77
	fi
done

REALM=ims.mnc001.mcc001.3gppnetwork.org
HSS_HOST=hss.$REALM
SCSCF_HOST=scscf.$REALM
WORK=$(mktemp -d /tmp/e2e-scenarios.XXXXXX)
PIDS=()

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	PIDS=()
	if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# wait_file FILE SECONDS: until FILE exists and is not empty
wait_file() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# wait_grep FILE REGEX SECONDS
wait_grep() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -Eq -e "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# stop PID: SIGTERM, then forget it
stop() {
	local pid=$1 i
	kill "$pid" 2>/dev/null
	for ((i = 0; i < 60; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	local keep=()
	for p in "${PIDS[@]}"; do [ "$p" != "$pid" ] && keep+=("$p"); done
	PIDS=("${keep[@]}")
}

mkdir -p "$OUT/pcap" "$OUT/logs"
rm -f "$OUT"/pcap/*.pcap "$OUT"/logs/*

HAVE_DUMPCAP=
command -v dumpcap >/dev/null 2>&1 && HAVE_DUMPCAP=1

# ---- one scenario ------------------------------------------------------------
# scenario lines of a kind, without the keyword
lines_of() { sed -n "s/^$1[[:space:]]\{1,\}//p" "$2" | sed 's/[[:space:]]*#.*$//'; }

# The SIP trace normalised for golden files: ports, Sofia's received/rport
# values and the registrar's To-tag vary from run to run; everything else
# (Call-ID, From-tag, branch, cnonce with --seed; RAND from hssd --seed) is
# reproducible.
normalise_sip() {
	sed -E -e 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g' \
		-e 's/;rport=[0-9]+/;rport=PORT/g' \
		-e 's/(To: [^;]*;tag=)[A-Za-z0-9.-]+/\1TAG/' \
		-e '/^(sent|recv) [0-9]+ bytes/d' -e '/^dump started at/d' -e 's/\r$//'
}

# A fresh hssd (own SQLite file, --seed) per scenario: scenarios do not
# share SQN state or the seeded RAND stream, so each golden file holds
# whether it runs alone (--only) or with the others.
start_hssd() {
	local name=$1
	DB=$WORK/$name.sqlite
	rm -f "$WORK/hss.port"
	"$BIN/hssd" --db "$DB" --listen tcp://127.0.0.1:0 --port-file "$WORK/hss.port" \
		--origin-host "$HSS_HOST" --realm "$REALM" --accept-any-peer --seed "$SEED" \
		--log-level info >"$OUT/logs/$name.hssd.log" 2>&1 &
	HSSD_PID=$!
	PIDS+=("$HSSD_PID")
	if ! wait_file "$WORK/hss.port" 10; then
		echo "FAIL  $name: hssd did not start"; tail -3 "$OUT/logs/$name.hssd.log"
		return 1
	fi
	HSS_PORT=$(cat "$WORK/hss.port")
}

run_scenario() {
	local f=$1 name sip_port hss_uri='' line key val rc cap_pid='' net=() conf
	name=$(basename "$f" .scn)
	# provision first: hss-ctl creates the database hssd then opens
	DB=$WORK/$name.sqlite
	# `network KEY VALUE` is scscf-stub's option --KEY VALUE
	while read -r key val; do
		[ -z "$key" ] && continue
		if [ "$key $val" = "hss down" ]; then
			hss_uri=tcp://127.0.0.1:1 # nothing listens on tcpmux: refused at once
			continue
		fi
		net+=("--${key//_/-}" "$val")
	done < <(lines_of network "$f")
	while read -r line; do
		[ -z "$line" ] && continue
		# shellcheck disable=SC2086 # the line is hss-ctl's argument words
		if ! "$BIN/hss-ctl" --db "$DB" $line >>"$OUT/logs/$name.hss-ctl.log" 2>&1; then
			echo "FAIL  $name: hss-ctl $line"; tail -2 "$OUT/logs/$name.hss-ctl.log"
			return 1
		fi
	done < <(lines_of hss-ctl "$f")
	start_hssd "$name" || { stop "$HSSD_PID"; return 1; }
	[ -n "$hss_uri" ] || hss_uri=tcp://127.0.0.1:$HSS_PORT
	rm -f "$WORK/sip.port"
	# the config file holds only the [faults] a scenario's `scscf fault`
	# lines add at run time (fault-hook.sh, then SIGHUP)
	conf=$WORK/$name.conf
	printf '[faults]\n' >"$conf"
	"$BIN/scscf-stub" -c "$conf" --log-level info "${net[@]}" --sip sip:127.0.0.1:0 --port-file "$WORK/sip.port" \
		--hss "$hss_uri" --origin-host "$SCSCF_HOST" --realm "$REALM" \
		--name "sip:$SCSCF_HOST" --hss-host "$HSS_HOST" --hss-realm "$REALM" \
		>"$OUT/logs/$name.scscf.log" 2>&1 &
	local stub_pid=$!
	PIDS+=("$stub_pid")
	if ! wait_file "$WORK/sip.port" 10; then
		stop $stub_pid; stop "$HSSD_PID"
		# scscf-stub has every `network` setting the shipped scenarios use
		# (auth_items was the last): an unknown key is a scenario error.
		if grep -q "unknown argument" "$OUT/logs/$name.scscf.log"; then
			echo "FAIL  $name: scscf-stub has no such setting: $(grep -o "unknown argument.*" "$OUT/logs/$name.scscf.log" | head -1)"
			return 1
		fi
		echo "FAIL  $name: scscf-stub did not start"; tail -3 "$OUT/logs/$name.scscf.log"
		return 1
	fi
	sip_port=$(cat "$WORK/sip.port")
	# Let the Cx connection open (CER/CEA) before the first REGISTER.
	[ "$hss_uri" = "tcp://127.0.0.1:$HSS_PORT" ] &&
		wait_grep "$OUT/logs/$name.scscf.log" '-> OPEN|CEA' 5
	if [ -n "$HAVE_DUMPCAP" ]; then
		# capture_start returns once dumpcap provably captures (a probe is
		# in the file); "the file exists" came before that.
		if capture_start "$OUT/pcap/$name.pcap" "port $sip_port or port $HSS_PORT" \
			"$OUT/logs/$name.dumpcap.log"; then
			cap_pid=$CAP_PID
			PIDS+=("$cap_pid")
		else
			echo "      note: dumpcap cannot capture here, no pcaps from now on:" \
				"$(head -c 200 "$OUT/logs/$name.dumpcap.log")"
			HAVE_DUMPCAP=
		fi
	fi
	# `hss fault` / `scscf fault` lines go through the fault hook, which
	# finds the daemons of this scenario through these variables.
	HSS_CTL=$BIN/hss-ctl FAULT_DB=$DB HSSD_LOG=$OUT/logs/$name.hssd.log \
	STUB_CONF=$conf STUB_PID=$stub_pid STUB_LOG=$OUT/logs/$name.scscf.log \
	TPORT_DUMP=$WORK/$name.dump "$BIN/ue-sim" run "$f" --registrar "sip:127.0.0.1:$sip_port" \
		--seed "$SEED" --junit "$WORK/$name.xml" --fault-hook "$HERE/fault-hook.sh" \
		>"$OUT/logs/$name.ue-sim.log" 2>&1
	rc=$?
	stop $stub_pid
	stop "$HSSD_PID"
	# every packet sent so far is in the file before dumpcap stops
	[ -n "$cap_pid" ] && { capture_stop "$OUT/pcap/$name.pcap"; stop "$cap_pid"; }
	grep -E '^(PASS|FAIL|      )' "$OUT/logs/$name.ue-sim.log"
	[ $rc -eq 0 ] || return 1
	check_golden "$name" || return 1
	return 0
}

# The Cx messages of the capture as the fields that carry the protocol
# content (command, R bit, result codes, identities, scheme, RAND‖AUTN,
# XRES, CK, IK, SAR type). Left out because they change from run to run:
# Session-Id, hop-by-hop/end-to-end ids, Origin-State-Id, and DWR/DWA and
# DPR/DPA (watchdog timing and who shuts down first vary).
diameter_fields() {
	tshark -r "$1" -d "tcp.port==$HSS_PORT,diameter" -Y 'diameter && diameter.cmd.code != 280 && diameter.cmd.code != 282' \
		-T fields -E separator='|' -e diameter.cmd.code -e diameter.flags.request \
		-e diameter.Result-Code -e diameter.Experimental-Result-Code -e diameter.User-Name \
		-e diameter.Public-Identity -e diameter.3GPP-SIP-Number-Auth-Items \
		-e diameter.3GPP-SIP-Authentication-Scheme -e diameter.3GPP-SIP-Authenticate \
		-e diameter.3GPP-SIP-Authorization -e diameter.Confidentiality-Key \
		-e diameter.Integrity-Key -e diameter.Server-Assignment-Type 2>/dev/null
}

# golden_cmp NAME KIND: compare OUT/logs/NAME.KIND with GOLDEN/NAME.KIND
# (UPDATE_GOLDEN=1 writes it; no golden file = nothing to compare).
golden_cmp() {
	local got=$OUT/logs/$1.$2 g=$GOLDEN/$1.$2
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		mkdir -p "$GOLDEN" && cp "$got" "$g"
		return 0
	fi
	[ -f "$g" ] || return 0
	if ! diff -u "$g" "$got" >"$OUT/logs/$1.$2.diff"; then
		echo "      golden mismatch: $g (diff in $OUT/logs/$1.$2.diff)"
		head -20 "$OUT/logs/$1.$2.diff" | sed 's/^/      /'
		return 1
	fi
}

# Deterministic mode (ue-sim --seed, hssd --seed): the normalised SIP trace
# and, when tshark and a capture exist, the Cx fields, against golden files.
check_golden() {
	local name=$1 rc=0
	[ -n "$GOLDEN" ] && [ -f "$WORK/$name.dump" ] || return 0
	normalise_sip <"$WORK/$name.dump" >"$OUT/logs/$name.sip"
	golden_cmp "$name" sip || rc=1
	if [ -s "$OUT/pcap/$name.pcap" ] && command -v tshark >/dev/null 2>&1; then
		diameter_fields "$OUT/pcap/$name.pcap" >"$OUT/logs/$name.cx"
		golden_cmp "$name" cx || rc=1
	fi
	return $rc
}

passed=0 failed=0 skipped=0
FAILED_NAMES=() SKIPPED_NAMES=()
for f in "$SCN_DIR"/*.scn; do
	name=$(basename "$f" .scn)
	if [ ${#ONLY[@]} -gt 0 ] && [[ ! " ${ONLY[*]} " == *" $name "* ]]; then continue; fi
	run_scenario "$f"
	rc=$?
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
	elif [ $rc -eq 77 ]; then
		skipped=$((skipped + 1)); SKIPPED_NAMES+=("$name")
		printf '<testsuite>\n  <testcase classname="scenarios" name="%s.scn" time="0"><skipped message="scscf-stub lacks a network setting of this scenario (logs/%s.scscf.log)"/></testcase>\n</testsuite>\n' "$name" "$name" >"$WORK/$name.xml"
	else
		failed=$((failed + 1)); FAILED_NAMES+=("$name")
		# a failure before ue-sim ran leaves no JUnit entry: write one
		[ -f "$WORK/$name.xml" ] || printf '<testsuite>\n  <testcase classname="scenarios" name="%s.scn" time="0"><failure message="setup failed (see logs/%s.*)"/></testcase>\n</testsuite>\n' "$name" "$name" >"$WORK/$name.xml"
	fi
	# ue-sim passed but the golden compare failed: mark it in the JUnit too
	if [ ${#FAILED_NAMES[@]} -gt 0 ] && [ "${FAILED_NAMES[-1]}" = "$name" ] && grep -q '^PASS' "$OUT/logs/$name.ue-sim.log" 2>/dev/null; then
		sed -i "s|<testcase classname=\"scenarios\" name=\"$name.scn\" time=\"\([0-9.]*\)\"/>|<testcase classname=\"scenarios\" name=\"$name.scn\" time=\"\1\"><failure message=\"golden mismatch\"/></testcase>|" "$WORK/$name.xml"
	fi
done

{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo "<testsuite name=\"e2e scenarios\" tests=\"$((passed + failed + skipped))\" failures=\"$failed\" skipped=\"$skipped\" errors=\"0\">"
	for x in "$WORK"/*.xml; do
		[ -f "$x" ] && sed -e '/^<?xml/d' -e '/<testsuite/d' -e '/<\/testsuite>/d' "$x"
	done
	echo '</testsuite>'
} >"$OUT/junit.xml"
echo "JUnit: $OUT/junit.xml  logs: $OUT/logs  pcaps: $([ -n "$HAVE_DUMPCAP" ] && echo "$OUT/pcap" || echo "none (dumpcap not installed)")"
[ $failed -eq 0 ] || echo "failed: ${FAILED_NAMES[*]}"
[ $skipped -eq 0 ] || echo "skipped (not counted below): ${SKIPPED_NAMES[*]}"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
