#!/usr/bin/env python3
"""A stand-in HSS speaking raw Diameter over TCP, for scscf-stub's tests.

It answers CER/DWR/DPR like any peer and every MAR/SAR from a case table,
so the stub can be fed defective MAAs and SAAs that no real HSS would send
(and good ones, to show the stub keeps serving the next UE):

    bad_hss.py --port-file FILE --cases FILE [--silent]

With --silent it answers only CER/DWR/DPR and never a MAR or SAR (an HSS
that stalls: the REGISTERs pile up in the stub, issue 16 item 4).

The cases file has one line per IMPI:

    IMPI MAA_CASE SAA_CASE [RAND AUTN XRES CK IK]   (hex; the vector of a good MAA)

MAA cases: good, noitem, badlen, badtype, exp2001, both, noorigin,
shortauth, shortck, badutf8, unknownm.  SAA cases: good, both, exp2001,
nosessionstate, badlen.  The bytes come from tests/lib/diameter.py (written
out there, independent of common/diameter).
"""
import argparse
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from diameter import (V3, CX, SID, OHOST, OREALM, RC, ASS, VSAI, VID, AUTH_APP,  # noqa: E402
                      EXPR, EXPRC, HOSTIP, PRODUCT, SUPVID, UNAME, PUBID, SADI, NITEMS,
                      SCHEME, SAUTH, SAUTHZ, CK, IK, ITEMNO, UDATA, avp, u32, utf8, grouped,
                      message, parse)


class Hss:
    host = "hss.bad.test"
    realm = "ims.mnc001.mcc001.3gppnetwork.org"

    def __init__(self, cases, silent=False):
        self.cases = cases
        self.silent = silent

    def head(self, req, origin=True, session_state=True):
        _, _, _, _, _, a = req
        out = []
        if (SID, 0) in a:
            out.append(utf8(SID, a[(SID, 0)][0]))
        out.append(grouped(VSAI, [u32(VID, V3), u32(AUTH_APP, CX)]))
        tail = []
        if session_state:
            tail.append(u32(ASS, 1))
        if origin:
            tail.append(utf8(OHOST, self.host))
        tail.append(utf8(OREALM, self.realm))
        return out, tail

    def cea(self, req):
        _, cmd, _, hbh, e2e, _ = req
        return message(0, cmd, 0, hbh, e2e, [
            u32(RC, 2001), utf8(OHOST, self.host), utf8(OREALM, self.realm),
            avp(HOSTIP, b"\0\1\x7f\0\0\1"), u32(VID, 0), utf8(PRODUCT, "bad_hss"),
            u32(SUPVID, V3), grouped(VSAI, [u32(VID, V3), u32(AUTH_APP, CX)])])

    def base_answer(self, req):
        _, cmd, app, hbh, e2e, _ = req
        return message(0, cmd, app, hbh, e2e,
                       [u32(RC, 2001), utf8(OHOST, self.host), utf8(OREALM, self.realm)])

    def item(self, case, vec):
        rand, autn, xres, ck, ik = vec
        sauth = (rand + autn)[:20] if case == "shortauth" else rand + autn
        return grouped(SADI, [
            u32(ITEMNO, 1, V3), utf8(SCHEME, "Digest-AKAv1-MD5", V3), avp(SAUTH, sauth, V3),
            avp(SAUTHZ, xres, V3), avp(CK, ck[:15] if case == "shortck" else ck, V3),
            avp(IK, ik, V3)], V3)

    def maa(self, req, case, vec):
        flags, cmd, app, hbh, e2e, a = req
        head, tail = self.head(req, origin=case != "noorigin")
        res = {
            "exp2001": [grouped(EXPR, [u32(VID, V3), u32(EXPRC, 2001)])],
            "both": [u32(RC, 2001), grouped(EXPR, [u32(VID, V3), u32(EXPRC, 5001)])],
            # Result-Code whose AVP Length says 7: shorter than its own header
            "badlen": [avp(RC, struct.pack(">I", 2001), length=7)],
        }.get(case, [u32(RC, 2001)])
        body = head + res + tail
        if case == "badutf8":
            body = [x for x in body if not x.startswith(struct.pack(">I", OREALM))]
            body.append(utf8(OREALM, b"ims\xc3(realm"))
        body.append(utf8(UNAME, a[(UNAME, 0)][0]))
        if case == "badtype":  # SIP-Number-Auth-Items is an Unsigned32: 8 octets is wrong
            body.append(avp(NITEMS, b"\0\0\0\0\0\0\0\1", V3))
        else:
            body.append(u32(NITEMS, 1, V3))
        if case == "unknownm":
            body.append(avp(4242, b"x", 0, mandatory=True))
        if case != "noitem":
            body.append(self.item(case, vec))
        return message(flags & 0x40, cmd, app, hbh, e2e, body)

    def saa(self, req, case):
        flags, cmd, app, hbh, e2e, a = req
        head, tail = self.head(req, session_state=case != "nosessionstate")
        res = {
            "both": [u32(RC, 2001), grouped(EXPR, [u32(VID, V3), u32(EXPRC, 2001)])],
            "exp2001": [grouped(EXPR, [u32(VID, V3), u32(EXPRC, 2001)])],
        }.get(case, [u32(RC, 2001)])
        impu = a.get((PUBID, V3), [b""])[0].decode()
        xml = ("<?xml version=\"1.0\"?><IMSSubscription><PrivateID>%s</PrivateID>"
               "<ServiceProfile><PublicIdentity><Identity>%s</Identity></PublicIdentity>"
               "</ServiceProfile></IMSSubscription>" % (a[(UNAME, 0)][0].decode(), impu))
        body = head + res + tail + [utf8(UNAME, a[(UNAME, 0)][0])]
        if case == "badlen":  # User-Data length field past the end of the message
            body.append(avp(UDATA, xml.encode(), V3, length=12 + len(xml) + 4000))
        else:
            body.append(avp(UDATA, xml.encode(), V3))
        return message(flags & 0x40, cmd, app, hbh, e2e, body)

    def answer(self, buf):
        req = parse(buf)
        flags, cmd, app, _, _, a = req
        if not flags & 0x80:
            return None
        if cmd == 257:
            return self.cea(req)
        if cmd in (280, 282):  # DWR, DPR
            return self.base_answer(req)
        if self.silent:
            return None
        impi = a.get((UNAME, 0), [b""])[0].decode()
        case = self.cases.get(impi, ("good", "good", None))
        if cmd == 303:
            sys.stdout.write("MAR %s -> %s\n" % (impi, case[0]))
            return self.maa(req, case[0], case[2])
        if cmd == 301:
            sys.stdout.write("SAR %s -> %s\n" % (impi, case[1]))
            return self.saa(req, case[1])
        return None


def serve(conn, hss):
    buf = b""
    while True:
        data = conn.recv(65536)
        if not data:
            return
        buf += data
        while len(buf) >= 4:
            n = int.from_bytes(buf[1:4], "big")
            if len(buf) < n:
                break
            out = hss.answer(buf[:n])
            buf = buf[n:]
            if out:
                conn.sendall(out)
            sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--silent", action="store_true")
    o = ap.parse_args()
    cases = {}
    with open(o.cases) as f:
        for line in f:
            w = line.split()
            if len(w) >= 3:
                vec = tuple(bytes.fromhex(x) for x in w[3:8]) if len(w) >= 8 else None
                cases[w[0]] = (w[1], w[2], vec)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(4)
    tmp = o.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(tmp, o.port_file)
    hss = Hss(cases, o.silent)
    while True:  # the stub reconnects if we ever drop it
        conn, _ = s.accept()
        try:
            serve(conn, hss)
        except (ConnectionError, OSError):
            pass
        conn.close()


if __name__ == "__main__":
    main()
