#!/bin/sh
# e2e: every scenarios/*.scn through the installed runner's build copy,
# ims-bench (tools/ims-bench: it starts hssd + scscf-stub per scenario on
# loopback, provisions, captures, compares the golden files), then checks
# what it left: the JUnit report, and each capture Wireshark-ready
# (Diameter decoded without a decode hint, CER/CEA and DPR/DPA inside, no
# capture probes, nothing malformed).
#   run.sh BIN_DIR SCENARIO_DIR GOLDEN_DIR OUT_DIR
# UPDATE_GOLDEN=1 rewrites the golden files. Exit 0 pass, 1 fail, 77 skip.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
BIN=$1 SCN=$2 GOLDEN=$3 OUT=$4
need_exe "$BIN/ims-bench" ims-bench
for p in hssd hss-ctl scscf-stub ue-sim; do need_exe "$BIN/$p" "$p"; done

rm -rf "$OUT"
"$BIN/ims-bench" run "$SCN"/*.scn --out "$OUT" --junit "$OUT/junit.xml" --seed 5 \
	--golden "$GOLDEN" ${UPDATE_GOLDEN:+--update-golden} --jobs 2
rc=$?
n=$(ls "$SCN"/*.scn | wc -l)
[ $rc -eq 0 ] && ok "ims-bench: all $n scenarios passed" || bad "ims-bench exit $rc"
if grep -q "<testsuite name=\"ims-bench\" tests=\"$n\" failures=\"0\"" "$OUT/junit.xml" &&
	[ "$(grep -c '<testcase ' "$OUT/junit.xml")" = "$n" ]; then
	ok "JUnit: $n test cases, 0 failures"
else
	bad "JUnit report: $(head -3 "$OUT/junit.xml")"
fi
if command -v xmllint >/dev/null; then
	xmllint --noout "$OUT/junit.xml" && ok "JUnit report is well-formed XML" || bad "JUnit report is not XML"
fi

# The captures, when this machine can make them.
if ! ls "$OUT"/pcap/*.pcapng >/dev/null 2>&1; then
	echo "# no captures here (dumpcap/tshark missing or not permitted): capture checks not run"
	[ "$FAILS" -eq 0 ]
	exit
fi
for f in "$SCN"/*.scn; do
	name=$(basename "$f" .scn)
	cap=$OUT/pcap/$name.pcapng
	[ -s "$cap" ] || { bad "$name: no capture"; continue; }
	# no -d: hssd listened on 3868 of the scenario's own address
	tshark -r "$cap" -T fields -e diameter.cmd.code -e diameter.flags.request -e udp.length \
		-e _ws.malformed -e tcp.flags.reset >"$OUT/fields.txt" 2>/dev/null
	# several messages in one segment: comma-separated occurrences
	cmds=$(awk -F'\t' '$1 != "" { n = split($1, c, ","); split($2, r, ",")
		for (i = 1; i <= n; i++) print c[i] (r[i] == "True" || r[i] == "1" ? "R" : "A") }' \
		"$OUT/fields.txt" | sort -u | tr '\n' ' ')
	want="257A 257R 282A 282R"
	grep -q '^network[[:space:]]\{1,\}hss[[:space:]]\{1,\}down' "$f" && want=""
	missing=""
	for c in $want; do
		case " $cmds" in *" $c "*) ;; *) missing="$missing $c" ;; esac
	done
	probes=$(awk -F'\t' '$3 == 8' "$OUT/fields.txt" | wc -l)
	malformed=$(awk -F'\t' '$4 != ""' "$OUT/fields.txt" | wc -l)
	# a scenario that injects a bad AVP length on purpose: it is in the capture
	if grep -q '^hss[[:space:]]\{1,\}fault .*bad-length:' "$f"; then
		[ "$malformed" -ge 1 ] && malformed=0 || malformed="no deliberately"
	fi
	# the DPA read before the close: no reset (hss down: the refused
	# connection is one)
	resets=$(awk -F'\t' '$5 == "1" || $5 == "True"' "$OUT/fields.txt" | wc -l)
	[ -n "$want" ] || resets=0
	if [ -z "$missing" ] && [ "$probes" = 0 ] && [ "$malformed" = 0 ] && [ "$resets" = 0 ]; then
		ok "$name.pcapng: Diameter decoded on 3868${want:+ with CER/CEA and DPR/DPA}, no probe, no reset, nothing malformed"
	else
		bad "$name.pcapng: missing [$missing] (have $cmds), $probes empty UDP probe(s), $resets reset(s), $malformed malformed"
	fi
done
[ "$FAILS" -eq 0 ]
