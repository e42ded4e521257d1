#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Bounded random fuzzing of sgw's receive path from the wire.

  pkt_fuzz.py --seconds S --iface IF --dmac MAC --src IP --dst IP
              --alg A --key HEX --spi N --out-spi N
              --inner-src IP --inner-dst IP [--seed N]

Frames go out of IF byte for byte (AF_PACKET), so outer headers can lie
about their lengths. Each frame is one of: ESP of the real inbound SA with
a valid ICV around a mangled plaintext (inner packet, next header and
padding chosen at random), ESP with the right SPI and a random body, valid ESP with one bit flipped
(the first frame of every run, then at random), ESP of
an unknown SPI, fragments of a valid ESP packet (overlapping, missing,
duplicated), ICMP errors quoting our outbound ESP with random MTUs and
truncated quotes, broken outer IP headers, UDP to ports 500 and 4500
(non-ESP marker, keepalive, ESP-looking), and for IPv6 ESP behind
extension headers. Prints "frames=N seed=S kinds=K:N,...".
"""

import argparse
import ipaddress
import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from esp import Sa, csum, icmp_echo  # noqa: E402


def ip4(src, dst, proto, payload, ident=0, frag=0x4000, ihl=5, tot=None, opts=b""):
    tot = 20 + len(opts) + len(payload) if tot is None else tot
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tot & 0xFFFF, ident, frag, 64,
                      proto, 0, src.packed, dst.packed) + opts
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ip6(src, dst, nh, payload, plen=None):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB16s16s", 6 << 28, plen & 0xFFFF, nh, 64,
                       src.packed, dst.packed) + payload


class Fuzz:
    def __init__(self, a, rng):
        self.a = a
        self.r = rng
        self.src = ipaddress.ip_address(a.src)
        self.dst = ipaddress.ip_address(a.dst)
        self.v6 = self.src.version == 6
        self.isrc = ipaddress.ip_address(a.inner_src)
        self.idst = ipaddress.ip_address(a.inner_dst)
        self.sa = Sa(a.alg, bytes.fromhex(a.key), a.spi)
        self.seq = 1 << 20
        self.ident = 1
        self.frames = 0

    def outer(self, proto, payload, **kw):
        if self.v6:
            return ip6(self.src, self.dst, proto, payload, kw.get("plen"))
        return ip4(self.src, self.dst, proto, payload, **kw)

    def inner(self):
        r = self.r
        c = r.random()
        if c < 0.3:
            return icmp_echo(self.isrc, self.idst, r.randrange(0, 200), 0x4655, 1), None
        if c < 0.5:
            return os.urandom(r.randrange(0, 120)), None
        if c < 0.7:     # an IPv4 header that lies about itself
            pkt = bytearray(icmp_echo(ipaddress.ip_address("10.2.0.1"),
                                      ipaddress.ip_address("10.1.0.1"), 40, 1, 1))
            pkt[0] = 0x40 | r.randrange(16)
            pkt[2:4] = struct.pack("!H", r.choice([0, 1, 19, 20, 21, 60, 65535]))
            return bytes(pkt), 4
        if c < 0.85:    # a truncated IPv6 header
            pkt = icmp_echo(ipaddress.ip_address("fd02::1"), ipaddress.ip_address("fd01::1"),
                            20, 1, 1)
            return pkt[:r.randrange(0, len(pkt))], 41
        return b"", None

    def valid_esp(self):
        r = self.r
        inner, nh = self.inner()
        if nh is None or r.random() < 0.3:
            nh = r.choice([4, 41, 59, 0, 6, 17, 255])
        padlen = (-(len(inner) + 2)) % self.sa.align
        if r.random() < 0.3:
            padlen = r.randrange(0, 256)
        pad = bytes(range(1, padlen + 1)) if r.random() < 0.7 else os.urandom(padlen)
        plain = inner + pad[:padlen] + bytes((padlen & 0xFF, nh))
        if self.sa.ivlen == 16 and len(plain) % 16:
            plain += bytes(16 - len(plain) % 16) if r.random() < 0.9 else b""
            if len(plain) % 16:
                plain = plain[:len(plain) - len(plain) % 16]
        if r.random() < 0.9:
            self.seq += r.randrange(1, 4)
            seq = self.seq
        else:
            seq = r.choice([0, 1, self.seq - 2000, self.seq, 0xFFFFFFFF])
        return self.sa.encrypt(plain, seq & 0xFFFFFFFF)

    def frame(self):
        r = self.r
        # The first is a tampered one, so every run meets the ICV check.
        kind = "tamper" if not self.frames else r.choice([
            "valid", "valid", "valid", "garbage", "spi", "frag", "icmp",
            "header", "udp", "ext6", "tamper"])
        self.frames += 1
        if kind == "valid":
            return kind, self.outer(50, self.valid_esp())
        if kind == "tamper":
            # A new sequence number and one bit flipped after the header.
            self.seq += 1
            body = bytearray(self.sa.encrypt(icmp_echo(self.isrc, self.idst, 32, 0x4655, 1)
                                             + bytes((1, 2, 2, 4)), self.seq))
            body[r.randrange(8, len(body))] ^= 1 << r.randrange(8)
            return kind, self.outer(50, bytes(body))
        if kind == "garbage":
            body = struct.pack("!II", self.a.spi, self.seq) + os.urandom(r.randrange(0, 200))
            return kind, self.outer(50, body[:r.randrange(0, len(body) + 1)])
        if kind == "spi":
            body = struct.pack("!II", r.choice([0, 1, 255, 256, r.getrandbits(32)]),
                               r.getrandbits(32)) + os.urandom(r.randrange(0, 100))
            return kind, self.outer(50, body)
        if kind == "frag":
            return kind, self.fragments()
        if kind == "icmp":
            return kind, self.icmp()
        if kind == "header":
            body = self.valid_esp()
            if self.v6:
                return kind, self.outer(50, body, plen=r.choice([0, 7, len(body) + 40, 65535]))
            return kind, self.outer(50, body, ihl=r.choice([0, 4, 5, 6, 15]),
                                    tot=r.choice([0, 19, 20, 28, len(body) + 100, 65535]))
        if kind == "udp":
            port = r.choice([4500, 4500, 500])
            payload = r.choice([b"\xff", b"\0\0\0\0" + os.urandom(r.randrange(0, 40)),
                                struct.pack("!I", self.a.spi) + os.urandom(r.randrange(0, 80)),
                                self.valid_esp(), os.urandom(r.randrange(0, 8))])
            udp = struct.pack("!HHHH", 4500, port, 8 + len(payload), 0) + payload
            return kind, self.outer(17, udp)
        # IPv6 extension headers before ESP (or IPv4 options).
        esp = self.valid_esp()
        if not self.v6:
            return kind, self.outer(50, esp, ihl=6, opts=b"\x01\x01\x01\x00")
        chain = b""
        nh = 50
        for _ in range(r.randrange(1, 4)):
            t = r.choice([0, 60, 43])
            chain = struct.pack("!BB", nh, 0) + bytes(6) + chain
            nh = t
        return kind, self.outer(nh, chain + esp)

    def fragments(self):
        r = self.r
        esp = self.valid_esp() + os.urandom(r.randrange(0, 64))
        self.ident = (self.ident + 1) & 0xFFFF
        out = []
        off = 0
        while off < len(esp):
            size = r.choice([8, 16, 24, 64, 512]) if r.random() < 0.8 else r.randrange(1, 64)
            piece = esp[off:off + size]
            more = off + size < len(esp)
            if r.random() < 0.15:
                off += size     # a hole
                continue
            start = off if r.random() < 0.9 else max(0, off - 8)   # overlap
            if self.v6:
                fh = struct.pack("!BBHI", 50, 0, (start // 8) << 3 | more, self.ident)
                out.append(ip6(self.src, self.dst, 44, fh + piece))
            else:
                out.append(ip4(self.src, self.dst, 50, piece, ident=self.ident,
                               frag=(start // 8) | (0x2000 if more else 0)))
            off += size
        r.shuffle(out)
        if out and r.random() < 0.3:
            out.append(out[0])
        return out

    def icmp(self):
        r = self.r
        # The quoted packet: our own ESP, gateway to peer.
        quoted_esp = struct.pack("!II", self.a.out_spi if r.random() < 0.7 else r.getrandbits(32),
                                 r.getrandbits(32)) + os.urandom(r.randrange(0, 64))
        if self.v6:
            quoted = ip6(self.dst, self.src, 50, quoted_esp)
            mtu = r.choice([0, 1, 68, 1279, 1280, 1400, 0xFFFFFFFF, r.getrandbits(32)])
            msg = struct.pack("!BBHI", 2, 0, 0, mtu) + quoted[:r.randrange(0, len(quoted) + 1)]
            pseudo = self.src.packed + self.dst.packed + struct.pack("!I3xB", len(msg), 58)
            msg = msg[:2] + struct.pack("!H", csum(pseudo + msg)) + msg[4:]
            return ip6(self.src, self.dst, 58, msg)
        quoted = ip4(self.dst, self.src, 50, quoted_esp)
        mtu = r.choice([0, 1, 67, 68, 552, 576, 1400, 1500, 65535, r.getrandbits(16)])
        msg = struct.pack("!BBHHH", 3, 4, 0, 0, mtu) + quoted[:r.randrange(0, len(quoted) + 1)]
        msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
        return ip4(self.src, self.dst, 1, msg)


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--iface", "--dmac", "--src", "--dst", "--alg", "--key",
                "--inner-src", "--inner-dst"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--spi", type=lambda s: int(s, 0), required=True)
    ap.add_argument("--out-spi", type=lambda s: int(s, 0), required=True)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    fz = Fuzz(a, rng)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((a.iface, 0))
    dmac = bytes.fromhex(a.dmac.replace(":", ""))
    with open("/sys/class/net/%s/address" % a.iface) as f:
        smac = bytes.fromhex(f.read().strip().replace(":", ""))
    eth = dmac + smac + struct.pack("!H", 0x86DD if fz.v6 else 0x0800)
    n = 0
    kinds = {}
    end = time.monotonic() + a.seconds
    while time.monotonic() < end:
        kind, pkts = fz.frame()
        kinds[kind] = kinds.get(kind, 0) + 1
        for p in pkts if isinstance(pkts, list) else [pkts]:
            try:
                sock.send(eth + p)
            except OSError:
                pass
            n += 1
    print("frames=%d seed=%d kinds=%s" % (n, seed, ",".join(
        "%s:%d" % kv for kv in sorted(kinds.items()))))


if __name__ == "__main__":
    main()
