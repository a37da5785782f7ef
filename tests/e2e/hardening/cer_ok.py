#!/usr/bin/env python3
"""Exit 0 when a new peer gets CEA 2001 from 127.0.0.1:PORT within the
timeout (a CER as HOST of REALM), 1 otherwise; prints what happened.

    cer_ok.py PORT HOST REALM [TIMEOUT]
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import diameter as d  # noqa: E402


def main():
    port, host, realm = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 5.0
    try:
        s = d.connect(port, timeout=timeout)
        s.sendall(d.cer(host, realm))
        a = d.recv_msg(s, timeout)
    except OSError as e:
        print("cer_ok: %s" % e)
        return 1
    rc = d.result_code(a) if a else None
    print("cer_ok: CEA %s" % rc)
    return 0 if rc == 2001 else 1


if __name__ == "__main__":
    sys.exit(main())
