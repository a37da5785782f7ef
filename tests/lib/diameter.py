"""Raw Diameter (RFC 6733) for the test scripts: the byte layout written out
here on purpose, independent of common/diameter, so a script can build what
the library never would (wrong lengths, floods, forged identities).

    import sys; sys.path.insert(0, TESTS_LIB); import diameter as d
    s = d.connect(port); s.sendall(d.cer("client.test", "test")); d.recv_msg(s)
"""
import socket
import struct

V3 = 10415
CX = 16777216
S6A = 16777251
# RFC 6733 AVP codes
UNAME, HOSTIP, AUTH_APP, SUPVID, VID, VSAI, SID, OHOST, PRODUCT = 1, 257, 258, 265, 266, 260, 263, 264, 269
RC, ASS, DHOST, OREALM, EXPR, EXPRC, FAILED, DREALM, ERRMSG = 268, 277, 293, 296, 297, 298, 279, 283, 281
DISCAUSE = 273
# TS 29.229 §6.3 (vendor 10415)
PUBID, SERVER, SADI, NITEMS, SCHEME, SAUTH, SAUTHZ, CK, IK, ITEMNO, UDATA = (
    601, 602, 612, 607, 608, 609, 610, 625, 626, 613, 606)
# Command codes
CER, DWR, DPR, MAR, SAR, UAR = 257, 280, 282, 303, 301, 300


def avp(code, data, vendor=0, mandatory=True, length=None):
    """One AVP; `length` overrides the AVP Length field (for broken ones)."""
    flags = (0x80 if vendor else 0) | (0x40 if mandatory else 0)
    hdr = 12 if vendor else 8
    n = hdr + len(data) if length is None else length
    out = struct.pack(">IB", code, flags) + n.to_bytes(3, "big")
    if vendor:
        out += struct.pack(">I", vendor)
    out += data
    return out + b"\0" * (-len(out) % 4)


def u32(code, v, vendor=0):
    return avp(code, struct.pack(">I", v), vendor)


def utf8(code, s, vendor=0):
    return avp(code, s.encode() if isinstance(s, str) else s, vendor)


def grouped(code, parts, vendor=0):
    return avp(code, b"".join(parts), vendor)


def vsai(app=CX):
    return grouped(VSAI, [u32(VID, V3), u32(AUTH_APP, app)])


def message(flags, cmd, app, hbh, e2e, avps):
    """flags: 0x80 R, 0x40 P, 0x20 E."""
    body = b"".join(avps)
    return struct.pack(">B", 1) + (20 + len(body)).to_bytes(3, "big") + \
        struct.pack(">B", flags) + cmd.to_bytes(3, "big") + struct.pack(">III", app, hbh, e2e) + body


def parse(buf):
    """(flags, cmd, app, hbh, e2e, {(code, vendor): [data, ...]}) of top-level AVPs."""
    flags, cmd = buf[4], int.from_bytes(buf[5:8], "big")
    app, hbh, e2e = struct.unpack(">III", buf[8:20])
    avps, p = {}, 20
    while p + 8 <= len(buf):
        code, f = struct.unpack(">IB", buf[p:p + 5])
        n = int.from_bytes(buf[p + 5:p + 8], "big")
        if n < 8:
            break
        vendor, h = (struct.unpack(">I", buf[p + 8:p + 12])[0], 12) if f & 0x80 else (0, 8)
        avps.setdefault((code, vendor), []).append(buf[p + h:p + n])
        p += n + (-n % 4)
    return flags, cmd, app, hbh, e2e, avps


def result_code(buf):
    """Result-Code, or Experimental-Result-Code + 100000, or None."""
    a = parse(buf)[5]
    if (RC, 0) in a:
        return struct.unpack(">I", a[(RC, 0)][0])[0]
    if (EXPR, 0) in a:
        inner = parse(b"\1\0\0\0" + b"\0" * 16 + a[(EXPR, 0)][0])[5]
        if (EXPRC, 0) in inner:
            return 100000 + struct.unpack(">I", inner[(EXPRC, 0)][0])[0]
    return None


def cer(host, realm, app=CX, hbh=1, e2e=1):
    return message(0x80, CER, 0, hbh, e2e, [
        utf8(OHOST, host), utf8(OREALM, realm), avp(HOSTIP, b"\0\1\x7f\0\0\1"),
        u32(VID, 0), utf8(PRODUCT, "test"), u32(SUPVID, V3), vsai(app)])


def cx_request(cmd, host, realm, avps, hbh=2, e2e=2, dest_realm=None, dest_host=None,
               session=None):
    """A Cx request with the TS 29.229 §6.1 head, then `avps`."""
    head = [utf8(SID, session or "%s;1;%d" % (host, hbh)), vsai(CX), u32(ASS, 1),
            utf8(OHOST, host), utf8(OREALM, realm)]
    if dest_host:
        head.append(utf8(DHOST, dest_host))
    head.append(utf8(DREALM, dest_realm or realm))
    return message(0xc0, cmd, CX, hbh, e2e, head + list(avps))


def mar(host, realm, impi, impu, server="sip:scscf.test", **kw):
    return cx_request(MAR, host, realm, [
        utf8(UNAME, impi), utf8(PUBID, impu, V3), u32(NITEMS, 1, V3),
        grouped(SADI, [utf8(SCHEME, "Digest-AKAv1-MD5", V3)], V3), utf8(SERVER, server, V3)],
        **kw)


def connect(port, host="127.0.0.1", timeout=5.0):
    s = socket.create_connection((host, port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_msg(s, timeout=5.0):
    """One whole message, or None when the peer closed (or nothing came)."""
    s.settimeout(timeout)
    buf = b""
    try:
        while len(buf) < 4 or len(buf) < int.from_bytes(buf[1:4], "big"):
            want = 4 - len(buf) if len(buf) < 4 else int.from_bytes(buf[1:4], "big") - len(buf)
            data = s.recv(want)
            if not data:
                return None
            buf += data
    except (socket.timeout, ConnectionError, OSError):
        return None
    return buf
