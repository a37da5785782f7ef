#!/usr/bin/env python3
"""Raw SIP over UDP against scscf-stub, for its hardening tests (issue 16):
requests written out by hand, so they can be what no UE library would
send (overflowing Expires, 17 Contacts, control characters).

    sipudp.py PORT CHECK [ARGS]    (run by hardening.sh; exit 0 pass, 1 fail)

Each check prints one "ok"/"FAIL" line per expectation. SIP Digest (MD5,
RFC 2617) is computed here from the password, so a check can register
without an AKA card.
"""
import hashlib
import os
import re
import socket
import sys
import time

REALM = "ims.mnc001.mcc001.3gppnetwork.org"
FAILS = 0


def check(cond, what):
    global FAILS
    print("%s %s" % ("ok  " if cond else "FAIL", what))
    sys.stdout.flush()
    FAILS += 0 if cond else 1
    return cond


class Resp:
    def __init__(self, raw):
        self.raw = raw
        head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        lines = head.split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = []
        for l in lines[1:]:
            if ":" in l:
                k, v = l.split(":", 1)
                self.headers.append((k.strip().lower(), v.strip()))

    def get(self, name):
        return [v for k, v in self.headers if k == name.lower()]

    def first(self, name):
        v = self.get(name)
        return v[0] if v else None


class Ue:
    """One UE: its own socket, Call-ID and CSeq (RFC 3261 §10.2)."""

    def __init__(self, port, user, realm=REALM):
        self.dst = ("127.0.0.1", port)
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind(("127.0.0.1", 0))
        self.lport = self.s.getsockname()[1]
        self.realm = realm
        self.impi = "%s@%s" % (user, realm)
        self.impu = "sip:%s@%s" % (user, realm)
        self.call_id = "%s-%d@127.0.0.1" % (user, os.getpid())
        self.cseq = 0

    def request(self, extra=(), contacts=None, expires=None, impu=None):
        """The text of one REGISTER (extra: raw header lines)."""
        self.cseq += 1
        impu = impu or self.impu
        if contacts is None:
            contacts = ["<sip:ue@127.0.0.1:%d>" % self.lport]
        h = ["REGISTER sip:%s SIP/2.0" % self.realm,
             "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%d%d" % (self.lport, os.getpid(),
                                                                   self.cseq),
             "Max-Forwards: 70", "From: <%s>;tag=t%d" % (impu, self.lport), "To: <%s>" % impu,
             "Call-ID: " + self.call_id, "CSeq: %d REGISTER" % self.cseq]
        h += ["Contact: " + c for c in contacts]
        if expires is not None:
            h.append("Expires: %s" % expires)
        h += list(extra)
        h.append("Content-Length: 0")
        return ("\r\n".join(h) + "\r\n\r\n").encode("latin-1")

    def send(self, msg, timeout=5.0):
        """Sends msg, returns the final response (1xx skipped) or None."""
        self.s.sendto(msg, self.dst)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.s.settimeout(max(0.01, end - time.monotonic()))
            try:
                r = Resp(self.s.recv(65535))
            except socket.timeout:
                return None
            if r.status >= 200:
                return r
        return None

    def authorization(self, www, password, qop="auth"):
        """RFC 2617 §3.2.2 response to a 401 (SIP Digest, MD5)."""
        p = dict(re.findall(r'(\w+)="?([^",]*)"?', www))
        uri = "sip:" + self.realm
        ha1 = md5hex("%s:%s:%s" % (self.impi, p["realm"], password))
        ha2 = md5hex("REGISTER:" + uri)
        cnonce, nc = "0a4f113b", "00000001"
        resp = md5hex(":".join([ha1, p["nonce"], nc, cnonce, qop, ha2]))
        return ('Authorization: Digest username="%s", realm="%s", nonce="%s", uri="%s", '
                'response="%s", algorithm=MD5, qop=%s, nc=%s, cnonce="%s"'
                % (self.impi, p["realm"], p["nonce"], uri, resp, qop, nc, cnonce))

    def register(self, password, contacts=None, expires=None, extra=()):
        """Initial REGISTER, 401, REGISTER with credentials: the final
        response to the second one (or the first, if not a 401)."""
        r = self.send(self.request(extra, contacts, expires))
        if not r or r.status != 401:
            return r
        auth = self.authorization(r.first("www-authenticate"), password)
        return self.send(self.request([auth] + list(extra), contacts, expires))


def md5hex(s):
    return hashlib.md5(s.encode("latin-1")).hexdigest()


def flood(port, n, window_s):
    """n initial REGISTERs (distinct IMPIs) sent at once, the responses
    collected for window_s: counts by status."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("127.0.0.1", 0))
    lport = s.getsockname()[1]
    for i in range(n):
        impu = "sip:flood%d@%s" % (i, REALM)
        s.sendto(("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKf%d.%d\r\n"
                  "Max-Forwards: 70\r\nFrom: <%s>;tag=f%d\r\nTo: <%s>\r\n"
                  "Call-ID: flood%d.%d@127.0.0.1\r\nCSeq: 1 REGISTER\r\n"
                  "Contact: <sip:f@127.0.0.1:%d>\r\nContent-Length: 0\r\n\r\n"
                  % (REALM, lport, os.getpid(), i, impu, i, impu, os.getpid(), i, lport)
                  ).encode(), ("127.0.0.1", port))
        if i % 50 == 49:
            time.sleep(0.005)  # the stub's socket buffer, not a test of it
    counts, retry_after = {}, 0
    end = time.monotonic() + window_s
    while time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            r = Resp(s.recv(65535))
        except socket.timeout:
            break
        counts[r.status] = counts.get(r.status, 0) + 1
        if r.status == 503 and r.first("retry-after"):
            retry_after += 1
    return counts, retry_after


def chk_pending(port, n, bound):
    """issue 16 item 4: with the HSS silent, `bound` REGISTERs wait (no
    answer yet: the stub sends no 100 Trying to a REGISTER, RFC 4320
    §4.1), every further one gets 503 with Retry-After at once."""
    counts, ra = flood(port, n, 1.5)
    print("responses: %s" % sorted(counts.items()))
    waiting = n - sum(counts.values())
    check(waiting == bound and set(counts) <= {503},
          "%d REGISTERs wait for the HSS unanswered, the bound" % waiting)
    check(counts.get(503, 0) == n - bound, "%d of %d answered 503 at once (want %d)"
          % (counts.get(503, 0), n, n - bound))
    check(ra == counts.get(503, 0), "every 503 carries Retry-After (%d)" % ra)


def chk_reserve(port, n, bound):
    """issue 16 (flood done-when): one address fills max-pending (`bound`);
    a REGISTER from another address (127.0.0.2) still waits for the HSS in
    the reserve (pending-reserve): the silent HSS makes it a 504 after
    hss-timeout, where it was a 503 at once."""
    counts, _ = flood(port, n, 0.5)
    check(counts.get(503, 0) == n - bound, "the flooding address: %d of %d answered 503 "
          "(want %d)" % (counts.get(503, 0), n, n - bound))
    other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    other.bind(("127.0.0.2", 0))
    lport = other.getsockname()[1]
    impu = "sip:other@%s" % REALM
    other.sendto(("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:%d;branch=z9hG4bKo%d\r\n"
                  "Max-Forwards: 70\r\nFrom: <%s>;tag=o\r\nTo: <%s>\r\n"
                  "Call-ID: other%d@127.0.0.2\r\nCSeq: 1 REGISTER\r\n"
                  "Contact: <sip:o@127.0.0.2:%d>\r\nContent-Length: 0\r\n\r\n"
                  % (REALM, lport, os.getpid(), impu, impu, os.getpid(), lport)).encode(),
                 ("127.0.0.1", port))
    t0, status = time.monotonic(), None
    end = t0 + 5
    while status is None and time.monotonic() < end:
        other.settimeout(max(0.01, end - time.monotonic()))
        try:
            r = Resp(other.recv(65535))
        except socket.timeout:
            break
        if r.status >= 200:
            status = r.status
    check(status == 504, "another address waits for the HSS in the reserve: %s after %.1f s "
          "(want 504 after hss-timeout, not 503 at once)" % (status, time.monotonic() - t0))


def chk_pending_after(port, n, bound):
    """The same flood after the first one timed out (504): the bound is
    free again."""
    chk_pending(port, n, bound)


def bound(r):
    """{uri: expires} of the Contacts in a 200."""
    return {u: int(e) for v in r.get("contact")
            for u, e in re.findall(r'<([^>]*)>[^,]*?;expires=(\d+)', v)}


def chk_expires(port, user, password):
    """issue 16 item 6: an expiry beyond 2^31 or 2^32 is the longest one
    allowed (max-expires, 3600 here), never 0 (a de-registration) nor the
    default; Expires: 0 still removes."""
    ue = Ue(port, user)
    c = "<sip:a@127.0.0.1:%d>" % ue.lport
    for how, contacts, expires in [
            ("Contact ;expires=4294967296", [c + ";expires=4294967296"], None),
            ("Expires: 4294967296", [c], "4294967296"),
            ("Expires: 2147483648", [c], "2147483648"),
            ("Contact ;expires=2147483648", [c + ";expires=2147483648"], None),
            ("Contact ;expires=99999999999999999999", [c + ";expires=99999999999999999999"], None),
            ("Expires: 18446744073709551616", [c], "18446744073709551616"),
            ("Contact ;expires=abc (malformed: 3600, RFC 3261 §10.2.1.1)", [c + ";expires=abc"], None),
            ("Expires: 700", [c], "700")]:
        r = ue.register(password, contacts, expires)
        got = bound(r).get(c[1:-1]) if r and r.status == 200 else None
        want = 700 if expires == "700" else 3600
        check(got == want, "%s -> %s, contact expires=%s (want 200, %d)"
              % (how, r.status if r else "no answer", got, want))
    r = ue.register(password, [c], "0")
    check(r is not None and r.status == 200 and c[1:-1] not in bound(r),
          "Expires: 0 -> 200 without the contact (de-registered)")


def chk_contacts(port, user, password):
    """issue 16 item 9: a binding keeps 16 contacts; a REGISTER that would
    make it 17 is refused as a whole (503 Too Many Registered Contacts),
    never a 200 that drops one."""
    ue = Ue(port, user)
    cs = ["<sip:c%d@127.0.0.1:%d>" % (i, ue.lport) for i in range(18)]
    r = ue.register(password, cs[:16])
    check(r is not None and r.status == 200 and len(bound(r)) == 16,
          "16 contacts -> 200 with 16 bound (%s)" % (r.status if r else "no answer"))
    r = ue.register(password, [cs[16]])
    check(r is not None and r.status == 503 and r.first("retry-after") is None,
          "a 17th contact -> %s %s (want 503 Too Many Registered Contacts, no Retry-After)"
          % (r.status if r else "no answer", r.raw.split(b"\r\n")[0][12:].decode() if r else ""))
    r = ue.register(password, [])
    check(r is not None and r.status == 200 and len(bound(r)) == 16 and
          cs[16][1:-1] not in bound(r), "the bindings are unchanged: 16, not the 17th")
    r = ue.register(password, cs[:17])
    check(r is not None and r.status == 503, "17 contacts in one REGISTER -> %s (want 503)"
          % (r.status if r else "no answer"))
    r = ue.register(password, [cs[0][:-1] + ">;expires=0", cs[16]])
    check(r is not None and r.status == 200 and len(bound(r)) == 16 and
          cs[16][1:-1] in bound(r) and cs[0][1:-1] not in bound(r),
          "one removed and one added in one REGISTER -> 200, 16 bound")


def keys_in(r):
    """(ck, ik) of a 401's WWW-Authenticate, None when absent."""
    w = r.first("www-authenticate") or ""
    ck, ik = re.search(r'\bck="([0-9a-f]*)"', w), re.search(r'\bik="([0-9a-f]*)"', w)
    return (ck.group(1), ik.group(1)) if ck and ik else None


def chk_ckik(port, user, always):
    """issue 16 item 2: ck/ik are for a P-CSCF (TS 33.203 §7.1): in the 401
    only when the REGISTER came through one (a Path header), or with
    --ck-ik-always."""
    ue = Ue(port, user)
    r = ue.send(ue.request())
    ok = r is not None and r.status == 401
    k = keys_in(r) if ok else None
    if always == "yes":
        check(ok and k is not None and len(k[0]) == 32 and len(k[1]) == 32,
              "--ck-ik-always: a 401 without Path carries ck/ik")
    else:
        check(ok and k is None and "ck=" not in (r.first("www-authenticate") or ""),
              "a REGISTER without Path (no P-CSCF) -> 401 without ck/ik: %s"
              % (r.first("www-authenticate") if r else "no answer"))
    r = ue.send(ue.request(["Path: <sip:pcscf.test:5070;lr>"]))
    k = keys_in(r) if r is not None and r.status == 401 else None
    check(k is not None and len(k[0]) == 32 and len(k[1]) == 32 and k[0] != k[1],
          "a REGISTER through a P-CSCF (Path) -> 401 with ck/ik (32 hex digits each)")


def chk_logesc(port, user, _):
    """issue 16 item 7: control characters from the network (an escape
    sequence, BEL, DEL, a C1 octet in a username; a method name) reach the
    stub's log escaped; hardening.sh reads the log."""
    ue = Ue(port, user)
    evil = user + "\x1b[31mRED\x07\x7f\x85\\"
    auth = ('Authorization: Digest username="%s@%s", realm="%s", nonce="", uri="sip:%s", '
            'response=""' % (evil.replace("\\", "\\\\"), REALM, REALM, REALM))
    r = ue.send(ue.request([auth]))
    check(r is not None, "REGISTER with control characters in the username answered (%s: "
          "hssd refuses the non-UTF-8 User-Name with 5004)" % (r.status if r else "no answer"))
    msg = ue.request().replace(b"REGISTER sip:", b"EV\x1bIL sip:", 1)
    ue.send(msg.replace(b"CSeq: %d REGISTER" % ue.cseq, b"CSeq: %d EV\x1bIL" % ue.cseq), 1.0)


def chk_utf8(port, user, _):
    """issue 16: an identity that is not UTF-8 (RFC 3629) is refused by
    the stub itself with 400 (RFC 3261 §21.4.1), not sent to the HSS (whose
    5004 became a 500); a UTF-8 one that is not provisioned is not a 400."""
    for name, extra, impu in (
            ("Authorization username", [
                'Authorization: Digest username="%s\xff@%s", realm="%s", nonce="", '
                'uri="sip:%s", response=""' % (user, REALM, REALM, REALM)], None),
            ("Authorization username (a UTF-16 surrogate, ED A0 80)", [
                'Authorization: Digest username="%s\xed\xa0\x80@%s", realm="%s", nonce="", '
                'uri="sip:%s", response=""' % (user, REALM, REALM, REALM)], None),
            ("To user part", [], "sip:%s\xc3@%s" % (user, REALM))):
        ue = Ue(port, user)
        r = ue.send(ue.request(extra, impu=impu))
        check(r is not None and r.status == 400,
              "%s not UTF-8 -> 400 (%s)" % (name, r.status if r else "no answer"))
    ue = Ue(port, user)
    auth = ('Authorization: Digest username="\xc3\xbc%s@%s", realm="%s", nonce="", '
            'uri="sip:%s", response=""' % (user, REALM, REALM, REALM))
    r = ue.send(ue.request([auth]))
    check(r is not None and r.status not in (400, 500),
          "a UTF-8 username (\u00fc) is not refused as malformed (%s)" % (r.status if r else "no answer"))


def chk_late100(port, hss_timeout_ms):
    """RFC 4320 §4.1: no 100 Trying to a REGISTER over UDP before the
    client's Timer E reaches T2 (3.5 s: retransmissions at 0.5, 1.5 and
    3.5 s, sent here as a UE's Timer E would). With an HSS that never
    answers: when hss-timeout outlasts that point the retransmission at
    3.5 s gets a 100, and the 504 comes at hss-timeout; with a shorter one
    the 504 alone."""
    ue = Ue(port, "late")
    msg, t0, got = ue.request(), time.monotonic(), []
    for at in (0, 0.5, 1.5, 3.5, None):
        end = t0 + (at if at is not None else hss_timeout_ms / 1000.0 + 1.5)
        while time.monotonic() < end:
            ue.s.settimeout(max(0.01, end - time.monotonic()))
            try:
                got.append((Resp(ue.s.recv(65535)).status, time.monotonic() - t0))
            except socket.timeout:
                break
        if at is not None:
            ue.s.sendto(msg, ue.dst)
    print("responses (status, s): %s" % ["%d@%.1f" % g for g in got])
    trying = [t for st, t in got if st == 100]
    final = [(st, t) for st, t in got if st >= 200]
    if hss_timeout_ms > 3500:
        check(trying and min(trying) >= 3.5,
              "a 100 only after the 3.5 s retransmission (first at %s)"
              % ("%.1f s" % min(trying) if trying else "none"))
    else:
        check(not trying, "no 100 at all (%d)" % len(trying))
    # (a retransmission after the 504 gets the 504 again, RFC 3261 §17.2.2)
    check(final and {st for st, _ in final} == {504} and final[0][1] >= hss_timeout_ms / 1000.0 - 0.2,
          "504 after hss-timeout (first final at %s)"
          % ("%d %.1f s" % final[0] if final else "none"))


CHECKS = {"late100": (chk_late100, 1), "utf8": (chk_utf8, 2), "reserve": (chk_reserve, 2), "logesc": (chk_logesc, 2), "ckik": (chk_ckik, 2), "pending": (chk_pending, 2), "pending-after": (chk_pending_after, 2),
          "expires": (chk_expires, 2), "contacts": (chk_contacts, 2)}


def main():
    port, name = int(sys.argv[1]), sys.argv[2]
    fn, nargs = CHECKS[name]
    fn(port, *[int(a) if a.isdigit() else a for a in sys.argv[3:3 + nargs]])
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
