#!/usr/bin/env bash
# e2e for ims-trace over the committed captures of tests/pcaps:
#  1. every row of tests/pcaps/expected.tsv: exit status, the expected
#     strings in the text report and in --json, the exact set of finding
#     kinds, and the exit/JSON contract (0 consistent, 1 inconsistent,
#     2 unreadable, 3 nothing_to_check)
#  2. --db with a database made by hss-ctl (OP provisioned as OPc; a right one)
#  3. the captures are exactly what ims-trace-testgen produces today
#  4. usage errors: one line on stderr, exit 2
# usage: run.sh IMS_TRACE PCAPS_DIR TESTGEN [HSS_CTL]
set -uo pipefail
TRACE=$1 PCAPS=$2 TESTGEN=$3 HSSCTL=${4:-}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
K1=465b5ce8b199b49faa5f0a2ee238a6bc OP1=cdc202d5123e20f62b6d676ac72cb318
OPC1=cd63cb71954a9f4e48a5994e37a02baf
IMPI=001010000000001@ims.mnc001.mcc001.3gppnetwork.org

bad() { echo "FAIL: $*"; fail=1; }
# Debian's python3 (a pyenv shim in front of it only slows every call down)
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

# check NAME EXPECTED_EXIT "STRINGS | ..." -- ARGS...
check() {
	local name=$1 want=$2 strings=$3; shift 4
	"$TRACE" "$@" >"$TMP/out.txt" 2>"$TMP/err.txt"; local rc=$?
	"$TRACE" --json "$@" >"$TMP/out.json" 2>/dev/null; local jrc=$?
	[ "$rc" = "$want" ] || { bad "$name: exit $rc, want $want"; cat "$TMP/err.txt"; }
	[ "$jrc" = "$rc" ] || bad "$name: --json exit $jrc, text exit $rc"
	# the contract: result follows the exit status; usage errors print no JSON.
	# One python run per row: it checks the contract and prints the kinds.
	local kinds=""
	if [ -s "$TMP/out.json" ] && ! kinds=$($PY - "$TMP/out.json" "$rc" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
want = {"0": "consistent", "1": "inconsistent", "2": "unreadable", "3": "nothing_to_check"}
assert j["result"] == want[sys.argv[2]], "result %s with exit %s" % (j["result"], sys.argv[2])
for f in j["findings"]:
    assert set(f) == {"kind", "frames", "text"} and f["text"], f
assert (j["result"] == "inconsistent") == bool(j["findings"]) or j["result"] == "unreadable", \
    "findings %d with result %s" % (len(j["findings"]), j["result"])
print(",".join(sorted({f["kind"] for f in j["findings"]})))
PY
	); then
		bad "$name: --json breaks the result/findings contract"
	fi
	local IFS='|'
	for s in $strings; do
		s=${s# }; s=${s% }
		[ -z "$s" ] && continue
		if [[ $s == json:* ]]; then
			grep -qF -- "${s#json:}" "$TMP/out.json" || bad "$name: --json lacks '${s#json:}'"
		elif [[ $s == kinds:* ]]; then
			[ "$kinds" = "${s#kinds:}" ] || bad "$name: finding kinds '$kinds', want '${s#kinds:}'"
		else
			# grep reads the files itself: "cat | grep -q" under pipefail fails
			# whenever grep exits on the match before cat has written all
			# (cat dies of SIGPIPE), which made this check fail now and then.
			grep -qF -- "$s" "$TMP/out.txt" "$TMP/err.txt" || bad "$name: lacks '$s'"
		fi
	done
}

# 1. expected verdicts
n=0
while IFS=$'\t' read -r cap args want strings; do
	[[ -z $cap || $cap == \#* ]] && continue
	[ "$args" = - ] && args=
	# shellcheck disable=SC2086
	check "$cap $args" "$want" "$strings" -- $args "$PCAPS/$cap"
	n=$((n + 1))
done <"$PCAPS/expected.tsv"
echo "checked $n expected verdicts"

# A capture with no REGISTER and no Diameter, keys given: nothing to check,
# and stderr names what is missing, not the keys that were given.
printf '\324\303\262\241\2\0\4\0\0\0\0\0\0\0\0\0\377\377\0\0\1\0\0\0' >"$TMP/empty.pcap"
check "header-only capture with keys" 3 "no SIP REGISTER and no Diameter authentication" -- \
	--k $K1 --opc $OPC1 "$TMP/empty.pcap"
grep -q "without the subscriber's keys" "$TMP/err.txt" &&
	bad "header-only capture with keys: asks for keys that were given: $(cat "$TMP/err.txt")"

# A pcapng whose interfaces have different link types, as dumpcap writes
# for -i eth0 -i any (Ethernet and SLL2) or -i eth0 -i gtp0 (raw IP), here
# made by Wireshark's mergecap: every interface is decoded with its own
# (libpcap refuses such a file as a whole).
if command -v mergecap >/dev/null; then
	mergecap -F pcapng -w "$TMP/mixed.pcapng" "$PCAPS/kamailio_hssd.pcapng" "$PCAPS/ipv6_esp_raw.pcap"
	check "pcapng: Ethernet and raw-IP interfaces" 0 \
		"50 frames, 16 SIP and 16 Diameter messages, 5 registration attempts | UE [2001:db8:2::1] | [ESP ICV ok] | kinds:" \
		-- --k $K1 --op $OP1 "$TMP/mixed.pcapng"
else
	echo "mergecap not installed: the mixed-link pcapng check is skipped"
fi
# A capture taken with a small snaplen (tcpdump -s 300): the cut SIP
# datagrams are not read as whole messages (they were: a REGISTER "without
# credentials", a no_final_response finding); a note says why, and what
# could be read (the MAA over TCP) is still checked.
if command -v editcap >/dev/null; then
	editcap -s 300 "$PCAPS/good.pcap" "$TMP/snap.pcap"
	check "snaplen 300" 0 "0 SIP and 1 Diameter messages | packets cut short by the capture's snaplen are not read (the first at frame 4) | MAC-A verifies | kinds:" \
		-- --k $K1 --opc $OPC1 "$TMP/snap.pcap"
else
	echo "editcap not installed: the snaplen check is skipped"
fi

# 2. keys from an hss-ctl database
if [ -n "$HSSCTL" ] && [ -x "$HSSCTL" ]; then
	"$HSSCTL" --db "$TMP/swap.sqlite" add --imsi 001010000000001 --impi "$IMPI" \
		--impu "sip:$IMPI" --k $K1 --opc $OP1 >/dev/null || bad "hss-ctl add (swap db)"
	check "db: OP stored as OPc" 1 "the OPc value treated as OP | 403 was correct | json:\"keys_source\"" \
		-- --db "$TMP/swap.sqlite" "$PCAPS/op_opc_swap.pcap"
	"$HSSCTL" --db "$TMP/good.sqlite" add --imsi 001010000000001 --impi "$IMPI" \
		--impu "sip:$IMPI" --k $K1 --op $OP1 >/dev/null || bad "hss-ctl add (good db)"
	check "db: right keys" 0 "200 OK was correct | verifies with the keys of $TMP/good.sqlite" \
		-- --db "$TMP/good.sqlite" "$PCAPS/good.pcap"
	check "db: unknown IMPI" 0 "no keys for" -- --db "$TMP/good.sqlite" "$PCAPS/ipv6_tcp_multi.pcapng"
	# a TUAK subscriber (256-bit K, 2 Keccak iterations): keys and lengths from the store
	"$HSSCTL" --db "$TMP/tuak.sqlite" add --imsi 001010000000151 \
		--impi 001010000000151@ims.mnc001.mcc001.3gppnetwork.org \
		--impu sip:001010000000151@ims.mnc001.mcc001.3gppnetwork.org --algo tuak \
		--k 1574ca56881d05c189c82880f789c9cd4244955f4426aa2b69c29f15770e5aa5 \
		--top e59f6eb10ea406813f4991b0b9e02f181edf4c7e17b480f66d34da35ee88c95e \
		--iterations 2 --res-len 16 >/dev/null || bad "hss-ctl add (tuak db)"
	check "db: TUAK" 0 "MAC-S verifies | 200 OK was correct | kinds:" \
		-- --db "$TMP/tuak.sqlite" "$PCAPS/tuak_resync.pcap"
	echo "checked --db"
else
	echo "hss-ctl not built: --db checks skipped"
fi
# issue 17: a store ims-trace cannot use is refused naming its real problem
echo "not a database" >"$TMP/junk.sqlite"
check "db: not a database" 2 "not an SQLite database" -- --db "$TMP/junk.sqlite" "$PCAPS/good.pcap"
check "db: no such file" 2 "--db $TMP/none.sqlite: no such file" -- --db "$TMP/none.sqlite" "$PCAPS/good.pcap"
check "db: no such directory" 2 "no such directory: $TMP/nodir" -- --db "$TMP/nodir/hss.sqlite" "$PCAPS/good.pcap"
check "db: a directory" 2 "is a directory" -- --db "$TMP" "$PCAPS/good.pcap"
: >"$TMP/empty.sqlite"
check "db: empty file" 2 "empty file: not an hss-ctl store" -- --db "$TMP/empty.sqlite" "$PCAPS/good.pcap"
if command -v sqlite3 >/dev/null; then
	sqlite3 "$TMP/other.sqlite" "CREATE TABLE users (name TEXT);"
	check "db: another program's" 2 "not an hss-ctl store (no subscriber table with impi, k, opc; its tables: users)" \
		-- --db "$TMP/other.sqlite" "$PCAPS/good.pcap"
fi

# 3. the committed captures are the generator's output
mkdir -p "$TMP/gen"
"$TESTGEN" "$TMP/gen" >/dev/null || bad "testgen failed"
for f in "$TMP"/gen/*; do
	cmp -s "$f" "$PCAPS/$(basename "$f")" || bad "$(basename "$f") differs from testgen output (regenerate: $TESTGEN tests/pcaps)"
done

# 4. usage
check "usage: bad hex" 2 "--k:" -- --k zz --opc $OPC1 "$PCAPS/good.pcap"
check "usage: no capture" 2 "CAPTURE" --
check "usage: missing file" 2 "cannot open" -- "$TMP/nope.pcap"
check "usage: unknown option" 2 "--frobnicate" -- --frobnicate "$PCAPS/good.pcap"
check "usage: k without op" 2 "--k: needs" -- --k $K1 "$PCAPS/good.pcap"
check "usage: TUAK with an OPc" 2 "--opc: TUAK takes --top or --topc" -- --algo tuak --k $K1 --opc $OPC1 "$PCAPS/good.pcap"
check "usage: TUAK RES length" 2 "--res-len: expected 4, 8, 16 or 32 for TUAK" -- --algo tuak --k $K1 --topc $OPC1$OPC1 --res-len 12 "$PCAPS/good.pcap"
check "not a capture" 2 "not a readable pcap" -- "$PCAPS/expected.tsv"
[ "$(wc -l <"$TMP/err.txt")" = 1 ] || bad "usage error is not one line"
"$TRACE" --help >/dev/null || bad "--help exit"

# 5. captures of the real IMS core (Kamailio P-CSCF/I-CSCF/S-CSCF, with
#    sec-agree and ESP through the kernel's XFRM) that tests/interop/ims-core
#    keeps in tests/pcaps/ims-core (--save): every registration of those
#    correct runs is consistent (exit 0, no finding), each element of the
#    chain has its role — chain-secagree.pcapng is kept as dumpcap wrote its
#    two interfaces, not in time order — and every ESP ICV the kernel made
#    verifies
n=0
for cap in "$PCAPS"/ims-core/*.pcap*; do
	[ -e "$cap" ] || continue
	"$TRACE" --json --k $K1 --op $OP1 "$cap" >"$TMP/core.json" 2>"$TMP/core.err"; rc=$?
	[ "$rc" = 0 ] || { bad "ims-core/$(basename "$cap"): exit $rc (want 0: a correct run)"; cat "$TMP/core.err"; }
	$PY - "$TMP/core.json" "$(basename "$cap")" <<'PY' || bad "ims-core/$(basename "$cap"): roles or ESP not as a real core makes them"
import json, sys
j = json.load(open(sys.argv[1]))
roles = [e["role"] for e in j["elements"]]
for r in ("P-CSCF", "I-CSCF", "S-CSCF", "HSS"):
    assert roles.count(r) == 1, (r, roles)
# "?": the MESSAGE senders of chain.pcapng (another network), no role
assert set(roles) - {"?"} == {"UE", "P-CSCF", "I-CSCF", "S-CSCF", "HSS"}, roles
assert j["esp"] or "secagree" not in sys.argv[2], "no ESP SA found"
for s in j["esp"]:
    assert s["icv_bad"] == 0 and s["unreadable"] == 0 and s["icv_ok"] > 0, s
assert not j["findings"], j["findings"]
PY
	n=$((n + 1))
done
echo "checked $n real-core captures (tests/pcaps/ims-core)"

[ $fail = 0 ] && echo "ims-trace e2e: all passed"
exit $fail
