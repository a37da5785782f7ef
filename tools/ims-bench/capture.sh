#!/bin/sh
# The one way the tests capture loopback traffic with dumpcap, so that a
# capture never misses its first or last packets. POSIX sh.
#
#   capture.sh run FILE FILTER   exec dumpcap on lo into FILE (pcapng) for
#                                FILTER plus this capture's probe clause;
#                                start it in the background, its PID is
#                                dumpcap's
#   capture.sh ready FILE PID    sends probes until one is in FILE: from
#                                then on every packet is captured. Exit 0,
#                                or 1 when dumpcap PID died or 30 s passed
#   capture.sh flush FILE PID    sends one end probe and waits until it is
#                                in FILE: every packet sent before is in
#                                FILE too, so PID can be stopped now
#
# Why: dumpcap (and tshark) print "Capturing on" before the capture socket
# is open, and on stop drop what is still in the kernel ring; a sleep only
# makes both rarer. The probes are empty UDP datagrams from 127.0.0.1 to an
# address of lo that only this capture uses, 127.A.B.C derived from
# dumpcap's PID (port 9 at start, port 10 at the end), so parallel captures
# never see each other's probes and no program receives them. They stay in
# the capture: UDP without payload, nothing for a dissector to decode.
# shell callers use capture_start/capture_stop from common.sh.

probe_host() { # PID
	echo "127.$((100 + $1 / 65536)).$(($1 / 256 % 256)).$(($1 % 256))"
}

# probe HOST PORT: one empty UDP datagram
probe() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"", (sys.argv[1], int(sys.argv[2])))' "$1" "$2"
}

# in_file FILE HOST PORT FROM: FILE (pcapng, any byte order is not needed:
# dumpcap writes host order, little endian here) holds, in its blocks from
# octet FROM on (a block boundary), an Ethernet/IPv4/UDP packet to
# HOST:PORT. Walks the blocks by their lengths, reading only the first
# octets of each; an unfinished last block is left. When not found, prints
# the offset of the first block not walked: the next call starts there. So
# a wait costs what was captured since the last try, not a pass over the
# whole file each time (od | awk over a capture that other traffic had
# grown to 100 MB took 40 s a pass).
in_file() {
	python3 -c 'import struct, sys
path, port, pos = sys.argv[1], int(sys.argv[3]), int(sys.argv[4])
host = bytes(int(x) for x in sys.argv[2].split("."))
try:
    f = open(path, "rb")
except OSError:
    print(pos)
    sys.exit(1)
size = f.seek(0, 2)
while pos + 12 <= size:
    f.seek(pos)
    head = f.read(80)
    kind, blen = struct.unpack_from("<II", head)
    if blen < 12 or pos + blen > size:
        break
    d = 28  # the packet data of an Enhanced Packet Block (type 6)
    if kind == 6 and len(head) >= d + 34 and head[d + 12:d + 14] == b"\x08\x00":
        ip = d + 14
        udp = ip + (head[ip] & 15) * 4
        if (head[ip + 9] == 17 and head[ip + 16:ip + 20] == host and len(head) >= udp + 4
                and struct.unpack_from(">H", head, udp + 2)[0] == port):
            sys.exit(0)
    pos += blen
print(pos)
sys.exit(1)' "$@"
}

case "${1:-}" in
run)
	exec dumpcap -q -i lo -f "($3) or (udp and dst host $(probe_host $$))" -w "$2"
	;;
ready)
	h=$(probe_host "$3")
	t=300 # 30 s: dumpcap starts slowly on a loaded 2-core machine
	from=0
	while [ "$t" -gt 0 ]; do
		kill -0 "$3" 2>/dev/null || exit 1
		probe "$h" 9
		from=$(in_file "$2" "$h" 9 "${from:-0}") && exit 0
		sleep 0.1
		t=$((t - 1))
	done
	exit 1
	;;
flush)
	h=$(probe_host "$3")
	probe "$h" 10
	t=300
	from=0
	while [ "$t" -gt 0 ]; do
		from=$(in_file "$2" "$h" 10 "${from:-0}") && exit 0
		kill -0 "$3" 2>/dev/null || exit 1
		sleep 0.1
		t=$((t - 1))
	done
	exit 1
	;;
*)
	echo "usage: capture.sh run FILE FILTER | ready FILE PID | flush FILE PID" >&2
	exit 2
	;;
esac
