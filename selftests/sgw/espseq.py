#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count ESP sequence inversions in a pcap (Ethernet, IPv4 outer).

espseq.py PCAP SRC: of the ESP packets from SRC (first fragments
included), how many carry a sequence number below one already seen on
their SPI. Prints that count and the number of ESP packets.
"""

import socket
import struct
import sys


def main():
    data = open(sys.argv[1], "rb").read()
    src = socket.inet_aton(sys.argv[2])
    top, inv, n, off = {}, 0, 0, 24
    while off + 16 <= len(data):
        caplen = struct.unpack_from("<I", data, off + 8)[0]
        pkt = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if len(pkt) < 34 or pkt[12:14] != b"\x08\x00":
            continue
        ip = pkt[14:]
        ihl = (ip[0] & 15) * 4
        frag = struct.unpack_from("!H", ip, 6)[0] & 0x1fff
        if ip[9] != 50 or frag or ip[12:16] != src or len(ip) < ihl + 8:
            continue
        spi, seq = struct.unpack_from("!II", ip, ihl)
        n += 1
        if seq < top.get(spi, 0):
            inv += 1
        top[spi] = max(top.get(spi, 0), seq)
    print(inv, n)


if __name__ == "__main__":
    main()
