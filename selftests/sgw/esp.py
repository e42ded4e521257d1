#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ESP (RFC 4303, tunnel mode; transport mode for decrypt) for the sgw selftests: craft, send, capture
analysis and decryption, written independently of the module.

  esp.py send   --alg A --key HEX --spi N --seq N [--esn] --src IP --dst IP
                --inner-src IP --inner-dst IP [--size S] [--count C]
                [--mangle MODE]
      Build C ICMP echo requests of S payload bytes from inner-src to
      inner-dst, encrypt each as ESP (sequence numbers seq, seq+1, ...),
      wrap them in an outer IPv4/IPv6 header from src to dst and send them
      through a raw socket (the outer source is not checked: it can be
      another host's). MODE: badpad (valid ICV, padding bytes not 1,2,3..),
      badnh (valid ICV, next header 99), truncate (shorter than header, IV
      and ICV), garbage (right SPI and sequence, random body), badicv.
  esp.py summary PCAP
      One line per IP packet: "esp SRC DST SPI SEQ OUTER_LEN" or
      "other SRC DST PROTO OUTER_LEN"; ESP in UDP (RFC 3948) as "espudp SRC
      DST SPORT DPORT SPI SEQ OUTER_LEN CSUM", CSUM zero, ok or bad.
      Link-local and multicast traffic (ARP, neighbour discovery, MLD) is
      not listed. decrypt and analyze take ESP in UDP too.
  esp.py decrypt PCAP --alg A --key HEX --spi N
      Decrypt every ESP packet of that SPI, one line each:
      "SEQ OUTER_LEN INNER_LEN NEXT_HEADER PAD_LEN PAD_OK INNER_PROTO"; exit 1
      when one does not authenticate.
  esp.py analyze PCAP --alg A --sa SPI:KEY [--sa SPI:KEY...]
      summary, then "dec SPI " and decrypt's line for each SA's packets.
  esp.py serve
      Read send's options, one packet batch a line, from standard input;
      answer "ok" (or "error ...") a line each. One Python start per test.
  esp.py resend PCAP --iface IF --spi N --index I
      Send the I-th (from 0) captured ESP frame of that SPI again, byte for
      byte, out of IF.
  esp.py encap-sock [--port P...]
      Hold UDP sockets on each P (4500), IPv4 and IPv6, with UDP_ENCAP_ESPINUDP
      set, as IKE daemons do for the kernel's ESP in UDP; "ready" once
      bound.
  esp.py udp-listen [--port P]
      A plain UDP socket on P (IPv4): "ready", then "SRC SPORT HEX" for
      each datagram it receives.
  esp.py udp-send --src IP --sport P --dst IP --dport P HEX...
      One datagram per HEX payload.

Algorithms and key material as in Documentation/interface.md.
"""

import argparse
import hashlib
import hmac
import ipaddress
import os
import socket
import struct
import sys

# cryptography is imported where it is used: starting Python is slow in an
# emulated guest, and summary needs no cipher.

# name: (key bytes, IV, ICV, alignment)
ALGS = {
    "aes-gcm-128": (20, 8, 16, 4),
    "aes-gcm-256": (36, 8, 16, 4),
    "chacha20-poly1305": (36, 8, 16, 4),
    "aes-cbc-128-sha256": (48, 16, 16, 16),
    "aes-cbc-256-sha256": (64, 16, 16, 16),
    "aes-cbc-128-sha384": (64, 16, 24, 16),
    "aes-cbc-256-sha384": (80, 16, 24, 16),
    "aes-cbc-128-sha512": (80, 16, 32, 16),
    "aes-cbc-256-sha512": (96, 16, 32, 16),
}

# HMAC key bytes and hash of the CBC algorithms (RFC 4868 truncation: ICV).
HMACS = {"sha256": (32, hashlib.sha256), "sha384": (48, hashlib.sha384),
         "sha512": (64, hashlib.sha512)}


class Sa:
    def __init__(self, alg, key, spi, esn=False):
        if alg not in ALGS:
            raise SystemExit("esp.py: unknown algorithm " + alg)
        self.alg = alg
        self.keylen, self.ivlen, self.icvlen, self.align = ALGS[alg]
        if len(key) != self.keylen:
            raise SystemExit("esp.py: %s needs %d key bytes" % (alg, self.keylen))
        self.key = key
        self.spi = spi
        self.esn = esn

    def _aad(self, seq):
        if self.esn:
            return struct.pack("!III", self.spi, seq >> 32, seq & 0xFFFFFFFF)
        return struct.pack("!II", self.spi, seq & 0xFFFFFFFF)

    def _aead(self):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
        if self.alg.startswith("aes-gcm"):
            return AESGCM(self.key[:-4])
        return ChaCha20Poly1305(self.key[:-4])

    def _cbc_keys(self):
        n = HMACS[self.alg[-6:]][0]
        return self.key[:-n], self.key[-n:]

    def _hmac(self, hkey, data, seq):
        if self.esn:
            data += struct.pack("!I", seq >> 32)
        return hmac.new(hkey, data, HMACS[self.alg[-6:]][1]).digest()[:self.icvlen]

    def encrypt(self, plain, seq, iv=None):
        """plain: inner packet + padding + pad length + next header."""
        hdr = struct.pack("!II", self.spi, seq & 0xFFFFFFFF)
        iv = iv if iv is not None else os.urandom(self.ivlen)
        if self.ivlen == 8:
            ct = self._aead().encrypt(self.key[-4:] + iv, plain, self._aad(seq))
            return hdr + iv + ct
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        ekey, hkey = self._cbc_keys()
        enc = Cipher(algorithms.AES(ekey), modes.CBC(iv)).encryptor()
        ct = enc.update(plain) + enc.finalize()
        return hdr + iv + ct + self._hmac(hkey, hdr + iv + ct, seq)

    def decrypt(self, esp, seq):
        """Return the plaintext trailer included, or None if the ICV fails."""
        iv = esp[8:8 + self.ivlen]
        body = esp[8 + self.ivlen:]
        if self.ivlen == 8:
            try:
                return self._aead().decrypt(self.key[-4:] + iv, body, self._aad(seq))
            except Exception:
                return None
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        ekey, hkey = self._cbc_keys()
        ct, icv = body[:-self.icvlen], body[-self.icvlen:]
        if not hmac.compare_digest(icv, self._hmac(hkey, esp[:8 + self.ivlen] + ct, seq)):
            return None
        dec = Cipher(algorithms.AES(ekey), modes.CBC(iv)).decryptor()
        return dec.update(ct) + dec.finalize()


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, ttl=64):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0x1234, 0x4000,
                      ttl, proto, 0, src.packed, dst.packed)
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload


def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, hlim,
                       src.packed, dst.packed) + payload


def icmp_echo(src, dst, size, ident, seq):
    """An echo request of @size payload bytes, IPv4 or IPv6 by address."""
    data = bytes((i & 0xFF for i in range(size)))
    if src.version == 4:
        msg = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
        msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
        return ipv4(src, dst, 1, msg)
    msg = struct.pack("!BBHHH", 128, 0, 0, ident, seq) + data
    pseudo = src.packed + dst.packed + struct.pack("!I3xB", len(msg), 58)
    msg = msg[:2] + struct.pack("!H", csum(pseudo + msg)) + msg[4:]
    return ipv6(src, dst, 58, msg)


def trailer(sa, inner, nh, badpad=False):
    padlen = (-(len(inner) + 2)) % sa.align
    if badpad and padlen < 2:
        padlen += sa.align
    pad = bytes(range(1, padlen + 1))
    if badpad:
        pad = bytes(padlen)
    return inner + pad + bytes((padlen, nh))


def cmd_send(a):
    sa = Sa(a.alg, bytes.fromhex(a.key), a.spi, a.esn)
    src, dst = ipaddress.ip_address(a.src), ipaddress.ip_address(a.dst)
    isrc, idst = ipaddress.ip_address(a.inner_src), ipaddress.ip_address(a.inner_dst)
    fam = socket.AF_INET if src.version == 4 else socket.AF_INET6
    sock = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for i in range(a.count):
        seq = a.seq + i
        inner = icmp_echo(isrc, idst, a.size, 0x5347, (seq & 0xFFFF))
        nh = 4 if isrc.version == 4 else 41
        if a.mangle == "badnh":
            nh = 99
        esp = sa.encrypt(trailer(sa, inner, nh, a.mangle == "badpad"), seq)
        if a.mangle == "truncate":
            esp = esp[:8 + sa.ivlen + 4]
        elif a.mangle == "garbage":
            esp = esp[:8] + os.urandom(len(esp) - 8)
        elif a.mangle == "badicv":
            esp = esp[:-1] + bytes((esp[-1] ^ 0x80,))
        if src.version == 4:
            sock.sendto(ipv4(src, dst, 50, esp), (a.dst, 0))
        else:
            sock.sendto(ipv6(src, dst, 50, esp), (a.dst, 0))


def read_pcap(path):
    """Yield (frame, ip packet) for each IPv4/IPv6 frame of a pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise SystemExit("esp.py: %s is not a pcap file" % path)
    linktype = struct.unpack(end + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if linktype == 1:               # Ethernet
            etype, ip = struct.unpack("!H", frame[12:14])[0], frame[14:]
        elif linktype == 113:           # Linux cooked
            etype, ip = struct.unpack("!H", frame[14:16])[0], frame[16:]
        elif linktype in (12, 101):     # raw IP
            etype, ip = (0x0800 if frame[0] >> 4 == 4 else 0x86DD), frame
        else:
            raise SystemExit("esp.py: link type %d not handled" % linktype)
        if etype in (0x0800, 0x86DD):
            yield frame, ip


def parse_ip(ip):
    """(src, dst, protocol, outer length, payload) of an IPv4/IPv6 packet."""
    if ip[0] >> 4 == 4:
        ihl = (ip[0] & 0xF) * 4
        tot = struct.unpack("!H", ip[2:4])[0]
        return (ipaddress.ip_address(ip[12:16]), ipaddress.ip_address(ip[16:20]),
                ip[9], tot, ip[ihl:tot])
    plen = struct.unpack("!H", ip[4:6])[0]
    return (ipaddress.ip_address(ip[8:24]), ipaddress.ip_address(ip[24:40]),
            ip[6], 40 + plen, ip[40:40 + plen])


def local_only(src, dst, proto, payload):
    if dst.is_multicast or dst.is_link_local or src.is_link_local:
        return True
    # Neighbour discovery between global addresses.
    return proto == 58 and payload and payload[0] in (133, 134, 135, 136, 137)


def udp_csum(ip, src, dst, udp):
    """"zero", "ok" or "bad": the UDP checksum of @udp inside @ip."""
    if struct.unpack("!H", udp[6:8])[0] == 0:
        return "zero"
    if ip[0] >> 4 == 4:
        pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, 17, len(udp))
    else:
        pseudo = src.packed + dst.packed + struct.pack("!IxxxB", len(udp), 17)
    return "ok" if csum(pseudo + udp) == 0 else "bad"


def esp_in_udp(proto, payload):
    """The ESP inside a UDP datagram (RFC 3948), or None."""
    if proto != 17 or len(payload) < 16 or payload[8:12] == b"\0\0\0\0":
        return None
    return payload[8:]


def cmd_summary(a):
    for _, ip in read_pcap(a.pcap):
        src, dst, proto, length, payload = parse_ip(ip)
        if local_only(src, dst, proto, payload):
            continue
        esp = esp_in_udp(proto, payload)
        if esp is not None:
            sport, dport = struct.unpack("!HH", payload[:4])
            spi, seq = struct.unpack("!II", esp[:8])
            print("espudp %s %s %d %d %d %d %d %s" % (src, dst, sport, dport, spi, seq, length,
                                                     udp_csum(ip, src, dst, payload)))
        elif proto == 50:
            spi, seq = struct.unpack("!II", payload[:8])
            print("esp %s %s %d %d %d" % (src, dst, spi, seq, length))
        else:
            print("other %s %s %d %d" % (src, dst, proto, length))


def esp_frames(path, spi):
    for frame, ip in read_pcap(path):
        _, _, proto, length, payload = parse_ip(ip)
        esp = esp_in_udp(proto, payload)
        if esp is not None:
            payload = esp
        elif proto != 50:
            continue
        if struct.unpack("!I", payload[:4])[0] == spi:
            yield frame, length, payload


def cmd_decrypt(a):
    return decrypt(a.pcap, Sa(a.alg, bytes.fromhex(a.key), a.spi), "")


def cmd_analyze(a):
    cmd_summary(a)
    rc = 0
    for spec in a.sa:
        spi, key = spec.split(":")
        rc |= decrypt(a.pcap, Sa(a.alg, bytes.fromhex(key), int(spi, 0)), "dec %d " % int(spi, 0))
    return rc


def cmd_serve(a):
    """Run "send" once per line of standard input; answer "ok" or "error"."""
    import shlex
    for line in sys.stdin:
        try:
            cmd_send(a.parser.parse_args(["send"] + shlex.split(line)))
            print("ok", flush=True)
        except (Exception, SystemExit) as e:
            print("error %s" % e, flush=True)


def decrypt(pcap, sa, prefix):
    rc = 0
    for _, length, esp in esp_frames(pcap, sa.spi):
        seq = struct.unpack("!I", esp[4:8])[0]
        plain = sa.decrypt(esp, seq)
        if plain is None:
            print("%s%d %d auth-failed" % (prefix, seq, length))
            rc = 1
            continue
        padlen, nh = plain[-2], plain[-1]
        inner = plain[:-2 - padlen]
        padok = int(plain[len(inner):-2] == bytes(range(1, padlen + 1)))
        if nh not in (4, 41):
            # Transport mode: the payload of the outer header itself.
            iproto = nh
        elif inner[0] >> 4 == 4:
            ilen, iproto = struct.unpack("!H", inner[2:4])[0], inner[9]
        else:
            ilen, iproto = 40 + struct.unpack("!H", inner[4:6])[0], inner[6]
        if nh in (4, 41) and ilen != len(inner):
            padok = 0
        print("%s%d %d %d %d %d %d %d" % (prefix, seq, length, len(inner), nh, padlen, padok,
                                          iproto))
    return rc


def cmd_encap_sock(a):
    """Hold UDP sockets on port 4500 that hand ESP in UDP to the kernel's
    xfrm (UDP_ENCAP_ESPINUDP), IPv4 and IPv6, until killed."""
    import time
    socks = []
    for port in a.port or [4500]:
        for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
            s = socket.socket(fam, socket.SOCK_DGRAM)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.setsockopt(socket.IPPROTO_UDP, 100, 2)    # UDP_ENCAP, ESPINUDP
            s.bind((addr, port))
            socks.append(s)
    print("ready", flush=True)
    while True:
        time.sleep(3600)


def cmd_udp_listen(a):
    """Print each datagram to UDP port a.port (IPv4) in hex, one a line."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", a.port))
    print("ready", flush=True)
    while True:
        data, peer = s.recvfrom(65535)
        print("%s %d %s" % (peer[0], peer[1], data.hex() or "-"), flush=True)


def cmd_udp_send(a):
    """Send each hex payload as one datagram from a.src:a.sport to a.dst:a.dport."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.src, a.sport))
    for h in a.payload:
        s.sendto(bytes.fromhex(h), (a.dst, a.dport))


def cmd_resend(a):
    frames = [f for f, _, _ in esp_frames(a.pcap, a.spi)]
    if a.index >= len(frames):
        raise SystemExit("esp.py: only %d ESP frames with SPI %d" % (len(frames), a.spi))
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((a.iface, 0))
    sock.send(frames[a.index])


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--alg", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--spi", type=lambda v: int(v, 0), required=True)
    s.add_argument("--seq", type=int, required=True)
    s.add_argument("--esn", action="store_true")
    s.add_argument("--src", required=True)
    s.add_argument("--dst", required=True)
    s.add_argument("--inner-src", required=True)
    s.add_argument("--inner-dst", required=True)
    s.add_argument("--size", type=int, default=56)
    s.add_argument("--count", type=int, default=1)
    s.add_argument("--mangle", choices=("badpad", "badnh", "truncate", "garbage", "badicv"))
    s = sub.add_parser("summary")
    s.add_argument("pcap")
    s = sub.add_parser("decrypt")
    s.add_argument("pcap")
    s.add_argument("--alg", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--spi", type=lambda v: int(v, 0), required=True)
    s = sub.add_parser("analyze")
    s.add_argument("pcap")
    s.add_argument("--alg", required=True)
    s.add_argument("--sa", action="append", default=[], help="SPI:KEY")
    sub.add_parser("serve")
    s = sub.add_parser("encap-sock")
    s.add_argument("--port", type=int, action="append")
    s = sub.add_parser("udp-listen")
    s.add_argument("--port", type=int, default=4500)
    s = sub.add_parser("udp-send")
    s.add_argument("--src", required=True)
    s.add_argument("--sport", type=int, required=True)
    s.add_argument("--dst", required=True)
    s.add_argument("--dport", type=int, required=True)
    s.add_argument("payload", nargs="+")
    s = sub.add_parser("resend")
    s.add_argument("pcap")
    s.add_argument("--iface", required=True)
    s.add_argument("--spi", type=lambda v: int(v, 0), required=True)
    s.add_argument("--index", type=int, default=0)
    a = p.parse_args()
    a.parser = p
    return {"send": cmd_send, "summary": cmd_summary, "decrypt": cmd_decrypt,
            "analyze": cmd_analyze, "serve": cmd_serve, "resend": cmd_resend,
            "encap-sock": cmd_encap_sock, "udp-listen": cmd_udp_listen,
            "udp-send": cmd_udp_send}[a.cmd](a) or 0


if __name__ == "__main__":
    sys.exit(main())
