#!/usr/bin/env python3
"""Opens COUNT TCP connections to 127.0.0.1:PORT and holds them, silent
(or sending GARBAGE octets first, or a CER as HOST-N of REALM first), until the STOP file appears or HOLD
seconds pass; then closes them all. Connects are non-blocking: attempts
past the server's backlog stay pending and count as attempts.

    hold_conns.py --port P --count N [--hold S] [--stop FILE] [--ready FILE]
                  [--garbage OCTETS] [--cer HOST REALM]
"""
import argparse
import os
import select
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import diameter as d  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--hold", type=float, default=60)
    ap.add_argument("--stop")
    ap.add_argument("--ready")
    ap.add_argument("--garbage", type=int, default=0)
    ap.add_argument("--cer", nargs=2, metavar=("HOST", "REALM"))
    o = ap.parse_args()
    socks = []
    for i in range(o.count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", o.port))
        socks.append(s)
        if o.cer and select.select([], [s], [], 0.05)[1]:
            try:  # the CER right behind the connect, as a real peer sends it
                s.send(d.cer("%s-%d" % (o.cer[0], i), o.cer[1]))
            except OSError:
                pass
    if o.garbage:
        time.sleep(0.5)
        junk = bytes([0x01, 0x0f, 0xff, 0xff]) + b"\xa5" * (o.garbage - 4)
        for s in socks:
            try:
                s.send(junk)
            except OSError:
                pass
    if o.ready:
        with open(o.ready, "w") as f:
            f.write("%d\n" % len(socks))
    end = time.time() + o.hold
    while time.time() < end and not (o.stop and os.path.exists(o.stop)):
        time.sleep(0.1)
    for s in socks:
        s.close()


if __name__ == "__main__":
    main()
