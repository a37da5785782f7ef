#!/bin/sh
# e2e (issue 16 items 3, 5, 7, 9): hssd binds requests to their peer and
# answers every error within bounds; its log cannot be forged.
#  3  a MAR whose Origin-Host is not the peer's CER identity: 3010, no
#     vectors; Destination-Realm not ours: 3003; Destination-Host not ours:
#     3002 (RFC 6733 §6.1); an `agent =` peer relays others' Origin-Hosts.
#  5  error answers to a 3,000-octet bad User-Name with a 2,100-octet
#     Session-Id, to grouped AVPs nested 1,000 deep, pipelined between good
#     requests: all answered, bounded, the connection kept.
#  7  a CER whose Origin-Host holds a newline and an escape sequence
#     writes one escaped line, never a forged one.
#  9  a refused CER (3010) is logged at notice.
# Usage: peer_rules.sh BIN_DIR. Exit 0 pass, 1 fail, 77 skip.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
BIN=$1
need_exe "$BIN/hssd" hssd
need_exe "$BIN/hss-ctl" hss-ctl
command -v python3 >/dev/null || { echo "skipped: python3 not installed"; exit 77; }
REALM=ims.mnc001.mcc001.3gppnetwork.org
HSS=hss.$REALM
IMPI=001010000000001@$REALM
IMPU=sip:001010000000001@$REALM

work_dir hssd-peers

"$BIN/hss-ctl" --db "$T/hss.db" add --imsi 001010000000001 --impi "$IMPI" --impu "$IMPU" \
	--k 465b5ce8b199b49faa5f0a2ee238a6bc --opc cd63cb71954a9f4e48a5994e37a02baf >/dev/null ||
	{ bad "hss-ctl add"; exit 1; }
cat >"$T/hssd.conf" <<EOC
[hssd]
origin-host = $HSS
realm = $REALM
[diameter]
peer = scscf.$REALM
agent = dra.$REALM
[log]
level = notice
EOC
# --log-level notice: the level of a production log (the lines checked
# here must be there without info's one line per request)
start_hssd "$BIN/hssd" "$T" -c "$T/hssd.conf"
PIDS="$HSSD_PID"

python3 "$HERE/peer_rules.py" "$HSS_PORT" "$HSS" "$REALM" "scscf.$REALM" "dra.$REALM" \
	"$IMPI" "$IMPU" || FAILS=$((FAILS + 1))
sleep 0.5 # hssd writes its log once per loop turn

# 7: the newline came in escaped; nothing starts a line but hssd itself
if grep -q 'FORGED-LINE' "$T/hssd.log" && ! grep -q '^2026-01-01T00:00:00.000Z' "$T/hssd.log"; then
	ok "the forged line is inside an escaped one, not a line of its own"
else
	bad "log injection: $(grep -n 'FORGED' "$T/hssd.log")"
fi
if grep -q 'inject.test\\x0a2026-01-01' "$T/hssd.log" && ! grep -q "$(printf '\033')" "$T/hssd.log"; then
	ok 'newline and escape character shown escaped'
else
	bad "no escaped Origin-Host in the log"
fi
if LC_ALL=C grep -qv '^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T' "$T/hssd.log"; then
	bad "a log line does not start with a timestamp: $(LC_ALL=C grep -v '^20[0-9][0-9]-' "$T/hssd.log" | head -3)"
else
	ok "every log line starts with hssd's timestamp"
fi
# 9
if grep -q 'notice DIAM peer .*stranger.example.*3010' "$T/hssd.log"; then
	ok "the refused CER (3010) is logged at notice"
else
	bad "no notice line for the 3010 refusal"; grep stranger "$T/hssd.log"
fi
# 3: rejections of a configured peer are logged at notice with the reason
if grep -q "notice DIAM peer scscf.$REALM .*rejected with 3010: Origin-Host is not the peer's CER identity: 'evil" "$T/hssd.log"; then
	ok "the Origin-Host mismatch is logged with both names"
else
	bad "no notice line for the Origin-Host mismatch"
fi
kill -0 "$HSSD_PID" 2>/dev/null || bad "hssd died"
[ "$FAILS" -eq 0 ] || { tail -30 "$T/hssd.log"; exit 1; }
exit 0
