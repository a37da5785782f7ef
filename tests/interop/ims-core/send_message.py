#!/usr/bin/env python3
"""send_message.py HOST PORT REQUEST-URI: one SIP MESSAGE over UDP, as a
peer network would send it to the I-CSCF; prints the status line of the
final response (or "timeout") and exits 0, or 1 on timeout. Used by
tests/interop/ims-core/run.sh to make the I-CSCF ask hssd with LIR."""
import random
import socket
import sys


def main():
    if len(sys.argv) != 4:
        print("usage: send_message.py HOST PORT REQUEST-URI", file=sys.stderr)
        return 2
    host, port, ruri = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    lport = sock.getsockname()[1]
    branch = "z9hG4bK%016x" % random.getrandbits(64)
    body = "hello through the core"
    msg = (f"MESSAGE {ruri} SIP/2.0\r\n"
           f"Via: SIP/2.0/UDP 127.0.0.1:{lport};branch={branch};rport\r\n"
           "Max-Forwards: 70\r\n"
           f"From: <sip:peer@other.example>;tag={branch[7:15]}\r\n"
           f"To: <{ruri}>\r\n"
           f"Call-ID: {branch}@127.0.0.1\r\n"
           "CSeq: 1 MESSAGE\r\n"
           "Content-Type: text/plain\r\n"
           f"Content-Length: {len(body)}\r\n\r\n{body}")
    sock.settimeout(20)
    sock.sendto(msg.encode(), (host, port))
    try:
        while True:
            line = sock.recv(65535).decode(errors="replace").split("\r\n", 1)[0]
            if not line.startswith("SIP/2.0 1"):
                print(line)
                return 0
    except socket.timeout:
        print("timeout")
        return 1


if __name__ == "__main__":
    sys.exit(main())
