#!/usr/bin/env bash
# Records tests/pcaps/dumpcap_lo.pcapng with the real dumpcap: the good
# registration's SIP datagrams (from ims-trace-testgen --udp-dump) replayed
# over UDP on loopback between two free ports while dumpcap captures `lo`
# with a port filter. dumpcap writes pcapng. Needs root (or dumpcap caps).
#   usage: make-dumpcap-capture.sh BUILD_DIR [OUT]
set -euo pipefail
TESTS_LIB="$(cd "$(dirname "$0")/../lib" && pwd)"
# shellcheck source=../lib/common.sh
. "$TESTS_LIB/common.sh" # capture_start, capture_stop
BUILD=${1:?usage: $0 BUILD_DIR [OUT]}
OUT=${2:-$(dirname "$0")/dumpcap_lo.pcapng}
TMP=$(mktemp -d)
DC_PID=
cleanup() { [ -n "$DC_PID" ] && kill "$DC_PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

"$BUILD/tests/ims-trace-testgen" --udp-dump "$TMP"
read -r UE_PORT NET_PORT < <(python3 -c '
import socket
a=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); a.bind(("127.0.0.1",0))
b=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); b.bind(("127.0.0.1",0))
print(a.getsockname()[1], b.getsockname()[1])')
# (returns once a probe is in the file: "Capturing on" comes too early)
capture_start "$TMP/cap.pcapng" "udp and (port $UE_PORT or port $NET_PORT)" "$TMP/dumpcap.log" ||
	{ echo "dumpcap cannot capture on lo: $(cat "$TMP/dumpcap.log")" >&2; exit 1; }
DC_PID=$CAP_PID
python3 - "$TMP" "$UE_PORT" "$NET_PORT" <<'PY'
import os, socket, sys, time
d, ue, net = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.1", ue))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(("127.0.0.1", net))
for f in sorted(os.listdir(d)):
    if not f.endswith(".sip"):
        continue
    data = open(os.path.join(d, f), "rb").read()
    src, dst = (b, ue) if "-down" in f else (a, net)
    src.sendto(data, ("127.0.0.1", dst))
    time.sleep(0.05)
PY
capture_stop "$TMP/cap.pcapng" # once every packet so far is in the file
DC_PID=
cp "$TMP/cap.pcapng" "$OUT"
echo "wrote $OUT (UE port $UE_PORT, network port $NET_PORT)"
