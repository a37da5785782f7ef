#!/usr/bin/env python3
"""Issue 16 items 3, 5, 7, 9 against a running hssd (raw Diameter).

    peer_rules.py PORT HSS_HOST REALM PEER AGENT IMPI IMPU

hssd must serve REALM as HSS_HOST with PEER configured as a peer and
AGENT as an agent (`agent =`), and know IMPI/IMPU. Prints ok/FAIL lines;
exit 1 on any FAIL. The log checks (escaping, notice) are the caller's.
"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import diameter as d  # noqa: E402

FAILS = 0


def check(cond, what):
    global FAILS
    print(("ok   - " if cond else "FAIL - ") + what)
    if not cond:
        FAILS += 1


def opened(port, host, realm):
    s = d.connect(port)
    s.sendall(d.cer(host, realm))
    a = d.recv_msg(s)
    check(a is not None and d.result_code(a) == 2001, "CEA 2001 for %s" % host)
    return s


def ask(s, msg):
    s.sendall(msg)
    return d.recv_msg(s)


def failed_codes(ans):
    """AVP codes quoted in the answer's Failed-AVP."""
    a = d.parse(ans)[5]
    if (d.FAILED, 0) not in a:
        return []
    return list(c for c, _ in d.parse(b"\1\0\0\0" + b"\0" * 16 + a[(d.FAILED, 0)][0])[5])


def has_vectors(ans):
    return (d.SADI, d.V3) in d.parse(ans)[5]


def item3(port, hss, realm, peer, agent, impi, impu):
    s = opened(port, peer, realm)
    ans = ask(s, d.mar("evil." + realm, realm, impi, impu, hbh=10))
    rc = d.result_code(ans) if ans else None
    check(rc == 3010 and ans[4] & 0x20, "MAR with another Origin-Host: 3010 with the E bit (%s)" % rc)
    check(ans is not None and not has_vectors(ans), "  ... and no vectors")
    check(ans is not None and d.OHOST in failed_codes(ans), "  ... Failed-AVP quotes Origin-Host")
    ans = ask(s, d.mar(peer, realm, impi, impu, hbh=11, dest_realm="other.example"))
    rc = d.result_code(ans) if ans else None
    check(rc == 3003 and d.DREALM in failed_codes(ans),
          "Destination-Realm not ours: 3003 DIAMETER_REALM_NOT_SERVED with Failed-AVP (%s)" % rc)
    ans = ask(s, d.mar(peer, realm, impi, impu, hbh=12, dest_host="hss2." + realm))
    rc = d.result_code(ans) if ans else None
    check(rc == 3002 and d.DHOST in failed_codes(ans),
          "Destination-Host not ours: 3002 DIAMETER_UNABLE_TO_DELIVER with Failed-AVP (%s)" % rc)
    ans = ask(s, d.mar(peer, realm.upper(), impi, impu, hbh=13, dest_host=hss.upper(),
                       dest_realm=realm.upper()))
    rc = d.result_code(ans) if ans else None
    check(rc == 2001 and has_vectors(ans),
          "the same connection, its own Origin-Host, our realm and host (any case): 2001 (%s)" % rc)
    s.close()
    s = opened(port, agent, realm)
    ans = ask(s, d.mar("scscf2." + realm, realm, impi, impu, hbh=14, dest_host=hss))
    rc = d.result_code(ans) if ans else None
    check(rc == 2001 and has_vectors(ans), "an agent relays another Origin-Host's MAR: 2001 (%s)" % rc)
    ans = ask(s, d.mar("scscf2." + realm, realm, impi, impu, hbh=15, dest_realm="other.example"))
    rc = d.result_code(ans) if ans else None
    check(rc == 3003, "an agent still gets 3003 for a realm not served (%s)" % rc)
    s.close()


def item5(port, realm, peer, impi, impu):
    s = opened(port, peer, realm)
    # a 2,100-octet Session-Id on a request the validator refuses (bad User-Name)
    sid = peer + ";1;" + "x" * 2100
    bad_name = b"\xff" * 3000
    msg = d.cx_request(d.MAR, peer, realm, [
        d.utf8(d.UNAME, bad_name), d.utf8(d.PUBID, impu, d.V3), d.u32(d.NITEMS, 1, d.V3),
        d.grouped(d.SADI, [d.utf8(d.SCHEME, "Digest-AKAv1-MD5", d.V3)], d.V3),
        d.utf8(d.SERVER, "sip:scscf.test", d.V3)], hbh=20, session=sid)
    ans = ask(s, msg)
    rc = d.result_code(ans) if ans else None
    check(rc == 5004, "3,000-octet bad User-Name, 2,100-octet Session-Id: answered 5004 (%s)" % rc)
    if ans:
        a = d.parse(ans)[5]
        check(a.get((d.SID, 0), [b""])[0] == sid.encode(), "  ... the Session-Id echoed whole")
        check(len(ans) < 4096, "  ... the answer is bounded (%d octets)" % len(ans))
        check(d.UNAME in failed_codes(ans), "  ... Failed-AVP quotes User-Name (cut)")
    # nesting 1,000 deep
    inner = d.utf8(d.SCHEME, "Digest-AKAv1-MD5", d.V3)
    for _ in range(1000):
        inner = d.grouped(d.SADI, [inner], d.V3)
    msg = d.cx_request(d.MAR, peer, realm, [
        d.utf8(d.UNAME, impi), d.utf8(d.PUBID, impu, d.V3), d.u32(d.NITEMS, 1, d.V3),
        inner, d.utf8(d.SERVER, "sip:scscf.test", d.V3)], hbh=21)
    ans = ask(s, msg)
    rc = d.result_code(ans) if ans else None
    check(rc is not None and rc >= 3000 and len(ans) < 4096,
          "grouped AVPs nested 1,000 deep: a bounded error answer (%s, %d octets)"
          % (rc, len(ans) if ans else 0))
    # pipelined: three requests in one segment, the middle one bad
    good = d.mar(peer, realm, impi, impu, hbh=22)
    big = d.cx_request(d.MAR, peer, realm, [d.utf8(d.UNAME, bad_name)], hbh=23, session=sid)
    s.sendall(good + big + d.mar(peer, realm, impi, impu, hbh=24))
    got = [d.recv_msg(s) for _ in range(3)]
    byhbh = dict((d.parse(a)[3], d.result_code(a)) for a in got if a)
    # answers may come in any order (RFC 6733 §6.2: matched by Hop-by-Hop)
    check(byhbh == {22: 2001, 23: 5004, 24: 2001},
          "pipelined good/bad/good in one segment: all three answered (%s)" % byhbh)
    s.close()


def refused_cer(port, realm, host, what):
    """Item 7 (a newline and an escape in the Origin-Host; the caller greps
    the log) and item 9 (an unknown peer): CEA 3010, connection closed."""
    s = d.connect(port)
    s.sendall(d.cer(host, realm))
    a = d.recv_msg(s)
    check(a is not None and d.result_code(a) == 3010, "CER %s: CEA 3010" % what)
    check(d.recv_msg(s, 2) is None, "  ... and the connection closed")
    s.close()


def main():
    port = int(sys.argv[1])
    hss, realm, peer, agent, impi, impu = sys.argv[2:8]
    item3(port, hss, realm, peer, agent, impi, impu)
    item5(port, realm, peer, impi, impu)
    refused_cer(port, realm, "inject.test\n2026-01-01T00:00:00.000Z notice DIAM FORGED-LINE\x1b[31m",
                "with a newline in Origin-Host")
    refused_cer(port, realm, "stranger.example", "from an unknown peer")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
