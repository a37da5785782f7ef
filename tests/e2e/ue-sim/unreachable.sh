#!/bin/sh
# e2e: `ue-sim load` (both stacks) and `ue-sim register` against a registrar
# that is not listening (UDP, TCP) and one that reads but never answers
# (a python3 socket): each run must end within its --timeout (+ slack), exit
# 1 and name the cause. A paced load must print a progress line every second
# and honour --duration even with no completions.
# Usage: unreachable.sh BIN_DIR   Exit 0 pass, 1 fail, 77 skip.
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib/common.sh
. "$HERE/../../lib/common.sh"
BIN=$1
need_exe "$BIN/ue-sim" ue-sim
command -v python3 >/dev/null || { echo "skipped: python3 (the silent registrar) not installed"; exit 77; }

T=$(mktemp -d /tmp/ue-sim-unreach.XXXXXX)
SILENT=""
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	[ -n "$SILENT" ] && kill "$SILENT" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

KEYS="--realm ims.example.org --k 465b5ce8b199b49faa5f0a2ee238a6bc --opc cd63cb71954a9f4e48a5994e37a02baf"
# A registrar that takes UDP datagrams and TCP connections and says nothing,
# one on UDP that answers every request with a real 503, one with a 401
# that carries no challenge, one with a 423 (Min-Expires 1800) and one with
# an AKAv2-MD5 challenge; bounded:
# it exits by itself after 100 s.
python3 - "$T/ports" <<'PY' &
import socket, sys, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(("127.0.0.1", 0)); b.setblocking(False)
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.bind(("127.0.0.1", 0)); c.setblocking(False)
m = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); m.bind(("127.0.0.1", 0)); m.setblocking(False)
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.1", 0)); a.setblocking(False)
t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(64); t.settimeout(0.2)
open(sys.argv[1] + ".tmp", "w").write("%d %d %d %d %d %d\n" % (u.getsockname()[1], t.getsockname()[1], b.getsockname()[1], c.getsockname()[1], m.getsockname()[1], a.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
keep, end = [], time.time() + 100
while time.time() < end:
    try: keep.append(t.accept()[0])
    except OSError: pass
    for sock, status in ((b, "503 Service Unavailable"), (c, "401 Unauthorized"),
                         (m, "423 Interval Too Brief\r\nMin-Expires: 1800"),
                         (a, '401 Unauthorized\r\nWWW-Authenticate: Digest realm="ims.example.org", '
                             'nonce="64CI1GSLDqKcLW63J4l5DUL3sg2aK4AArOXfmYSHgaw=", '
                             'algorithm=AKAv2-MD5, qop="auth"')):
        try:
            req, peer = sock.recvfrom(65536)
            hdrs = [l for l in req.decode().split("\r\n") if l.split(":")[0].lower() in ("via", "from", "to", "call-id", "cseq")]
            sock.sendto(("SIP/2.0 " + status + "\r\n" + "\r\n".join(hdrs) + "\r\nContent-Length: 0\r\n\r\n").encode(), peer)
        except OSError: pass
PY
SILENT=$!
wait_file "$T/ports" 10 || { bad "silent registrar did not start"; exit 1; }
read -r UDP TCP BUSY NOCHAL BRIEF AKAV2 <"$T/ports"
CLOSED=$(free_port) || { bad "no free port"; exit 1; }

# expect NAME MAX_SECONDS CAUSE_REGEX -- command...: exit 1, within time, cause in output
expect() {
	name=$1 max=$2 cause=$3; shift 4
	t0=$(date +%s)
	timeout 60 "$@" >"$T/out" 2>&1
	rc=$? el=$(($(date +%s) - t0))
	if [ $rc -eq 1 ] && [ $el -le "$max" ] && grep -Eq "$cause" "$T/out"; then
		ok "$name: exit 1 in ${el}s, '$cause'"
	else
		bad "$name: exit $rc in ${el}s (max $max), want '$cause'"; tail -3 "$T/out"
	fi
}
L="$BIN/ue-sim load --count 4 $KEYS --timeout 1500 --json"
# shellcheck disable=SC2086 # $L and $KEYS are word lists
{
expect "load nta, TCP port closed" 3 '"503 \(local: registrar unreachable\)": 4' -- $L --stack nta --registrar "sip:127.0.0.1:$CLOSED;transport=tcp"
expect "load nta, UDP port closed" 3 '"503 \(local: registrar unreachable\)": 4' -- $L --stack nta --registrar "sip:127.0.0.1:$CLOSED"
expect "load lean, UDP port closed" 4 '"408 \(timeout\)": 4' -- $L --registrar "sip:127.0.0.1:$CLOSED"
expect "load nta, TCP silent" 4 '"local: no final response within 1500 ms": 4' -- $L --stack nta --registrar "sip:127.0.0.1:$TCP;transport=tcp"
expect "load nta, UDP silent" 4 '"local: no final response within 1500 ms": 4' -- $L --stack nta --registrar "sip:127.0.0.1:$UDP"
expect "load lean, UDP silent" 4 '"408 \(timeout\)": 4' -- $L --registrar "sip:127.0.0.1:$UDP"
R="$BIN/ue-sim register --impi 1@ims.example.org --impu sip:1@ims.example.org $KEYS --timeout 1500"
expect "register, TCP port closed" 3 '503 Service Unavailable \(made locally by ue-sim' -- $R --registrar "sip:127.0.0.1:$CLOSED;transport=tcp"
# a 503 the registrar sent is not called local
expect "register, a registrar answering 503" 3 'registration failed: 503 Service Unavailable$' -- $R --registrar "sip:127.0.0.1:$BUSY"
# a 401 the UE cannot answer says why (it said "401 Unauthorized" only)
expect "register, a 401 without WWW-Authenticate" 3 'registration failed: 401 Unauthorized \(no Digest challenge with a nonce in it' -- $R --registrar "sip:127.0.0.1:$NOCHAL"
# a challenge for another algorithm names both
expect "register, an AKAv2-MD5 challenge to an AKAv1-MD5 UE" 3 "registration failed: the challenge's algorithm AKAv2-MD5 is not the UE's --alg AKAv1-MD5\$" -- $R --registrar "sip:127.0.0.1:$AKAV2"
# load names the same causes on both stacks, whole (nta said "401
# (challenged again)" for a 401 with no challenge; causes were cut at 50)
expect "load nta, a 401 without WWW-Authenticate" 3 '"local: 401 without a usable challenge": 4' -- $L --stack nta --registrar "sip:127.0.0.1:$NOCHAL"
expect "load lean, a 401 without WWW-Authenticate" 3 '"local: 401 without a usable challenge": 4' -- $L --registrar "sip:127.0.0.1:$NOCHAL"
expect "load nta, an AKAv2-MD5 challenge" 3 "\"local: the challenge's algorithm AKAv2-MD5 is not the UE's --alg AKAv1-MD5\": 4" -- $L --stack nta --registrar "sip:127.0.0.1:$AKAV2"
# a 423 says what the registrar wants (RFC 3261 §10.2.8)
expect "register, a 423" 3 'registration failed: 423 Interval Too Brief \(Min-Expires: 1800; --expires asked 600\)$' -- $R --registrar "sip:127.0.0.1:$BRIEF"
expect "load nta, a registrar answering 503" 3 '"503": 4' -- $L --stack nta --registrar "sip:127.0.0.1:$BUSY"
expect "register, TCP silent" 4 'timed out waiting for a final response' -- $R --registrar "sip:127.0.0.1:$TCP;transport=tcp"
expect "register, UDP silent" 4 'timed out waiting for a final response' -- $R --registrar "sip:127.0.0.1:$UDP"
# paced, nothing completes: progress lines, then --duration + --timeout
expect "load nta --rate 20 --duration 3, TCP silent" 7 'no final response within 1500 ms' -- \
	$L --count 200 --stack nta --rate 20 --duration 3 --registrar "sip:127.0.0.1:$TCP;transport=tcp"
}
n=$(grep -c 'reg/s' "$T/out")
if [ "$n" -ge 3 ]; then ok "paced load: $n progress lines"; else bad "paced load: $n progress lines (want >= 3)"; fi
[ "$FAILS" -eq 0 ] && exit 0
exit 1
