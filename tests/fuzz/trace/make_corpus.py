#!/usr/bin/env python3
"""Seeds for fuzz_trace_gtpu and fuzz_trace_esp, cut out of the committed
test captures (classic pcap, Ethernet, IPv4): the UDP payload of every
GTP-U packet, and every ESP packet prefixed with the transform selector
octet of fuzz_trace_esp.c (sha1 + null/aes-cbc, 12-octet ICV, keys known).
usage: make_corpus.py PCAPS_DIR OUT_DIR"""
import os
import struct
import sys


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl


def main():
    src, out = sys.argv[1], sys.argv[2]
    gtpu, esp = os.path.join(out, "corpus_trace_gtpu"), os.path.join(out, "corpus_trace_esp")
    os.makedirs(gtpu, exist_ok=True)
    os.makedirs(esp, exist_ok=True)
    for name, sel in (("multihop_gtpu_aes.pcap", 0x0b), ("multihop_esp.pcap", 0x09),
                      ("esp_bad_icv.pcap", 0x09)):
        for n, frame in enumerate(packets(os.path.join(src, name))):
            ip = frame[14:]
            if len(ip) < 20 or ip[0] >> 4 != 4:
                continue
            hl, proto = (ip[0] & 15) * 4, ip[9]
            if proto == 17 and struct.unpack_from(">H", ip, hl + 2)[0] == 2152:
                with open(os.path.join(gtpu, "%s-%d" % (name, n)), "wb") as f:
                    f.write(ip[hl + 8:])
            elif proto == 50:
                with open(os.path.join(esp, "%s-%d" % (name, n)), "wb") as f:
                    f.write(bytes([sel]) + ip[hl:])


if __name__ == "__main__":
    main()
