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

BIN= SCN_DIR= OUT= GOLDEN= ONLY=() SEED=${SEED:-5}
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

# ---- hssd ------------------------------------------------------------------
DB=$WORK/hss.sqlite
"$BIN/hss-ctl" --db "$DB" list >/dev/null 2>&1 || true
"$BIN/hssd" --db "$DB" --listen tcp://127.0.0.1:0 --port-file "$WORK/hss.port" \
	--origin-host "$HSS_HOST" --realm "$REALM" --accept-any-peer --seed "$SEED" \
	--log-level info >"$OUT/logs/hssd.log" 2>&1 &
PIDS+=($!)
HSSD_PID=$!
if ! wait_file "$WORK/hss.port" 10; then
	echo "hssd did not start (see $OUT/logs/hssd.log):"; tail -5 "$OUT/logs/hssd.log"
	echo "0 passed, 1 failed"; exit 1
fi
HSS_PORT=$(cat "$WORK/hss.port")
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
		-e '/^(send|recv) [0-9]+ bytes/d' -e 's/\r$//'
}

run_scenario() {
	local f=$1 name conf sip_port hss_uri line key val rc cap_pid=
	name=$(basename "$f" .scn)
	conf=$WORK/$name.conf
	hss_uri=tcp://127.0.0.1:$HSS_PORT
	{
		echo "[scscf]"
		echo "log_level = info"
		while read -r key val; do
			[ -z "$key" ] && continue
			if [ "$key $val" = "hss down" ]; then
				hss_uri=tcp://127.0.0.1:1 # nothing listens on tcpmux: refused at once
				continue
			fi
			echo "$key = $val"
		done < <(lines_of network "$f")
	} >"$conf"
	while read -r line; do
		[ -z "$line" ] && continue
		# shellcheck disable=SC2086 # the line is hss-ctl's argument words
		if ! "$BIN/hss-ctl" --db "$DB" $line >>"$OUT/logs/$name.hss-ctl.log" 2>&1; then
			echo "FAIL  $name: hss-ctl $line"; tail -2 "$OUT/logs/$name.hss-ctl.log"
			return 1
		fi
	done < <(lines_of hss-ctl "$f")
	rm -f "$WORK/sip.port"
	"$BIN/scscf-stub" -c "$conf" --sip sip:127.0.0.1:0 --port-file "$WORK/sip.port" \
		--hss "$hss_uri" --origin-host "$SCSCF_HOST" --realm "$REALM" \
		--name "sip:$SCSCF_HOST" --hss-host "$HSS_HOST" --hss-realm "$REALM" \
		>"$OUT/logs/$name.scscf.log" 2>&1 &
	local stub_pid=$!
	PIDS+=($stub_pid)
	if ! wait_file "$WORK/sip.port" 10; then
		echo "FAIL  $name: scscf-stub did not start"; tail -3 "$OUT/logs/$name.scscf.log"
		stop $stub_pid; return 1
	fi
	sip_port=$(cat "$WORK/sip.port")
	# Let the Cx connection open (CER/CEA) before the first REGISTER.
	[ "$hss_uri" = "tcp://127.0.0.1:$HSS_PORT" ] &&
		wait_grep "$OUT/logs/$name.scscf.log" '-> OPEN|CEA' 5
	if [ -n "$HAVE_DUMPCAP" ]; then
		dumpcap -q -i lo -f "port $sip_port or port $HSS_PORT" -w "$OUT/pcap/$name.pcap" \
			>"$OUT/logs/$name.dumpcap.log" 2>&1 &
		cap_pid=$!
		PIDS+=($cap_pid)
		wait_grep "$OUT/logs/$name.dumpcap.log" 'Capturing|File:' 3 || sleep 0.3
	fi
	TPORT_DUMP=$WORK/$name.dump "$BIN/ue-sim" run "$f" --registrar "sip:127.0.0.1:$sip_port" \
		--seed "$SEED" --junit "$WORK/$name.xml" >"$OUT/logs/$name.ue-sim.log" 2>&1
	rc=$?
	stop $stub_pid
	[ -n "$cap_pid" ] && { sleep 0.2; stop $cap_pid; }
	grep -E '^(PASS|FAIL|      )' "$OUT/logs/$name.ue-sim.log"
	[ $rc -eq 0 ] || return 1
	check_golden "$name" || return 1
	return 0
}

# Deterministic mode: compare the normalised SIP trace with the golden
# file when one exists (UPDATE_GOLDEN=1 writes it).
check_golden() {
	local name=$1 g
	[ -n "$GOLDEN" ] && [ -f "$WORK/$name.dump" ] || return 0
	g=$GOLDEN/$name.sip
	normalise_sip <"$WORK/$name.dump" >"$OUT/logs/$name.sip"
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		mkdir -p "$GOLDEN" && cp "$OUT/logs/$name.sip" "$g"
		return 0
	fi
	[ -f "$g" ] || return 0
	if ! diff -u "$g" "$OUT/logs/$name.sip" >"$OUT/logs/$name.golden.diff"; then
		echo "      golden mismatch: $g (diff in $OUT/logs/$name.golden.diff)"
		head -20 "$OUT/logs/$name.golden.diff" | sed 's/^/      /'
		return 1
	fi
}

passed=0 failed=0
FAILED_NAMES=()
for f in "$SCN_DIR"/*.scn; do
	name=$(basename "$f" .scn)
	if [ ${#ONLY[@]} -gt 0 ] && [[ ! " ${ONLY[*]} " == *" $name "* ]]; then continue; fi
	if ! kill -0 "$HSSD_PID" 2>/dev/null; then
		echo "hssd died (see $OUT/logs/hssd.log)"; tail -5 "$OUT/logs/hssd.log"
	fi
	if run_scenario "$f"; then
		passed=$((passed + 1))
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
	echo "<testsuite name=\"e2e scenarios\" tests=\"$((passed + failed))\" failures=\"$failed\" errors=\"0\">"
	for x in "$WORK"/*.xml; do
		[ -f "$x" ] && sed -e '/^<?xml/d' -e '/<testsuite/d' -e '/<\/testsuite>/d' "$x"
	done
	echo '</testsuite>'
} >"$OUT/junit.xml"
echo "JUnit: $OUT/junit.xml  logs: $OUT/logs  pcaps: ${HAVE_DUMPCAP:+$OUT/pcap}${HAVE_DUMPCAP:-(dumpcap not installed)}"
[ $failed -eq 0 ] || echo "failed: ${FAILED_NAMES[*]}"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
