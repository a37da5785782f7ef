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

# in_file FILE HOST PORT: FILE (pcapng, any byte order is not needed:
# dumpcap writes host order, little endian here) holds an Ethernet/IPv4/UDP
# packet to HOST:PORT. Walks the blocks; an unfinished last block is left.
in_file() {
	od -An -v -tu1 "$1" 2>/dev/null | awk -v host="$2" -v port="$3" '
	{ for (i = 1; i <= NF; i++) b[n++] = $i }
	function u32(o) { return b[o] + b[o+1] * 256 + b[o+2] * 65536 + b[o+3] * 16777216 }
	END {
		split(host, h, ".")
		for (o = 0; o + 12 <= n; o += len) {
			len = u32(o + 4)
			if (len < 12 || o + len > n) break
			if (u32(o) != 6) continue            # Enhanced Packet Block
			d = o + 28                             # its packet data
			if (b[d+12] != 8 || b[d+13] != 0) continue  # IPv4
			ip = d + 14
			if (b[ip+9] != 17) continue            # UDP
			if (b[ip+16] != h[1] || b[ip+17] != h[2] || b[ip+18] != h[3] || b[ip+19] != h[4]) continue
			udp = ip + (b[ip] % 16) * 4
			if (b[udp+2] * 256 + b[udp+3] == port) exit 0
		}
		exit 1
	}'
}

case "${1:-}" in
run)
	exec dumpcap -q -i lo -f "($3) or (udp and dst host $(probe_host $$))" -w "$2"
	;;
ready)
	h=$(probe_host "$3")
	t=300 # 30 s: dumpcap starts slowly on a loaded 2-core machine
	while [ "$t" -gt 0 ]; do
		kill -0 "$3" 2>/dev/null || exit 1
		probe "$h" 9
		in_file "$2" "$h" 9 && exit 0
		sleep 0.1
		t=$((t - 1))
	done
	exit 1
	;;
flush)
	h=$(probe_host "$3")
	probe "$h" 10
	t=300
	while [ "$t" -gt 0 ]; do
		in_file "$2" "$h" 10 && exit 0
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
