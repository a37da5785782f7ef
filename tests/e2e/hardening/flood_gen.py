#!/usr/bin/env python3
"""The issue 16 flood, for SECONDS: against hssd, IDLE connections that
never send a CER (reopened as hssd closes them) and GARBAGE connections
that send a header announcing 1 MiB and then junk; against scscf-stub,
REGISTERs at RATE/s for the USERS provisioned users from IMSI BASE on
(cycling), whose UE never answers the 401: each costs a MAR, an SQN and a
challenge the stub keeps. Prints what it did.

    flood_gen.py --hss-port P --sip-port S --seconds N [--idle 300]
                 [--garbage 50] [--rate 500] [--realm R] [--base IMSI] [--users N]
                 [--source IP]

--source: the address the REGISTERs come from (default 127.0.0.1; any of
127.0.0.0/8 works on Linux), so that the stub can tell the flood from a
normal load on 127.0.0.1.
"""
import argparse
import os
import socket
import time


def conn(port, junk):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.connect_ex(("127.0.0.1", port))
    return [s, junk, False]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hss-port", type=int, required=True)
    ap.add_argument("--sip-port", type=int, required=True)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--idle", type=int, default=300)
    ap.add_argument("--garbage", type=int, default=50)
    ap.add_argument("--rate", type=int, default=500)
    ap.add_argument("--realm", default="ims.mnc001.mcc001.3gppnetwork.org")
    ap.add_argument("--base", type=int, default=1010000300000)
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--source", default="127.0.0.1")
    o = ap.parse_args()
    junk = bytes([0x01, 0x0f, 0xff, 0xff]) + b"\xa5" * 4092
    conns = [conn(o.hss_port, False) for _ in range(o.idle)] + \
        [conn(o.hss_port, True) for _ in range(o.garbage)]
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((o.source, 0))
    udp.setblocking(False)
    opened, sent, n, t0 = len(conns), 0, 0, time.time()
    while time.time() - t0 < o.seconds:
        tick = time.time()
        for c in conns:  # reopen what hssd closed; garbage once connected
            try:
                if c[1] and not c[2]:
                    c[0].send(junk)
                    c[2] = True
                if c[0].recv(4096, socket.MSG_DONTWAIT) == b"":
                    raise ConnectionResetError
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                c[0].close()
                c[:] = conn(o.hss_port, c[1])
                opened += 1
        due = int((tick - t0) * o.rate) - sent
        for _ in range(max(0, min(due, o.rate))):
            n += 1
            imsi = "%015d" % (o.base + n % o.users)
            msg = ("REGISTER sip:%s SIP/2.0\r\n"
                   "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-fl%d\r\n"
                   "Max-Forwards: 70\r\nFrom: <sip:%s@%s>;tag=f%d\r\nTo: <sip:%s@%s>\r\n"
                   "Call-ID: flood-%d\r\nCSeq: 1 REGISTER\r\n"
                   "Contact: <sip:%s@127.0.0.1:9>\r\nExpires: 600\r\n"
                   "Content-Length: 0\r\n\r\n") % (
                o.realm, n, imsi, o.realm, n, imsi, o.realm, n, imsi)
            try:
                udp.sendto(msg.encode(), ("127.0.0.1", o.sip_port))
                sent += 1
            except OSError:
                sent += 1
        time.sleep(max(0, 0.02 - (time.time() - tick)))
    print("flood: %d hssd connections opened (%d idle, %d garbage kept), %d REGISTERs in %.0f s"
          % (opened, o.idle, o.garbage, sent, time.time() - t0))
    for c in conns:
        c[0].close()


if __name__ == "__main__":
    main()
