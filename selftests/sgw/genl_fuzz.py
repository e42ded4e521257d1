#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Bounded random fuzzing of the sgw generic netlink family.

  genl_fuzz.py --seconds S [--seed N] [--local IP...] [--remote IP...]

Requests are built from the attribute sets of uapi/linux/sgw.h (read at
start, so new attributes are fuzzed without editing this file) with values
near every boundary, then often mutated byte by byte: wrong lengths,
unknown and repeated attributes, deep nesting, truncated headers, dumps
abandoned half way. Tunnel ids stay mostly small so that requests meet the
objects earlier ones made; every few hundred requests every tunnel is
deleted, which bounds what the run can allocate.

The kernel must answer everything with an errno or a reply (or ignore a
message whose netlink length is invalid); whether it stayed healthy is for
the caller to judge (dmesg, a tunnel that still works). Prints one line:
"requests=N ok=K errnos=E,E,... ok_cmds=CMD,CMD,... seed=S" (ok_cmds: the
commands that succeeded at least once).
"""

import argparse
import errno
import os
import random
import re
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from genl import (Genl, attr, NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP,  # noqa: E402
                  NLMSG_ERROR, NLMSG_DONE)

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "..", "..", "uapi", "linux", "sgw.h")
NLA_F_NESTED = 0x8000


def read_enums(path):
    """name -> value for every enumerator of the header's enums."""
    text = open(path).read()
    names = {}
    for body in re.findall(r"enum\s*\w*\s*\{([^}]*)\}", text):
        value = -1
        for item in body.split(","):
            item = re.sub(r"/\*.*?\*/", "", item, flags=re.S).strip()
            if not item:
                continue
            if "=" in item:
                name, expr = (s.strip() for s in item.split("=", 1))
                value = int(expr, 0) if re.match(r"^(0x)?[0-9a-fA-F]+$", expr) else value + 1
            else:
                name, value = item, value + 1
            names[name] = value
    return names


E = read_enums(HEADER)


def group(prefix):
    """The enumerators NAME -> value of one attribute set, sentinels excluded."""
    return {k[len(prefix):]: v for k, v in E.items()
            if k.startswith(prefix) and not k.endswith("_UNSPEC")
            and not k.startswith("__")}


TUNNEL = group("SGW_TUNNEL_A_")
SA = group("SGW_SA_A_")
PREFIX = group("SGW_PREFIX_A_")
TOP = group("SGW_A_")
CMDS = sorted(v for k, v in E.items() if k.startswith("SGW_CMD_") and not k.startswith("__"))
CMD_NAMES = {v: k[len("SGW_CMD_"):] for k, v in E.items()
             if k.startswith("SGW_CMD_") and not k.startswith("__")}

INTERESTING = [0, 1, 2, 3, 4, 7, 8, 15, 16, 63, 64, 67, 68, 127, 128, 255, 256,
               535, 536, 1279, 1280, 1500, 4096, 4097, 65494, 65495, 65535,
               65536, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF,
               2 ** 63 - 1, 2 ** 63, 2 ** 64 - 1]

# Value kinds per attribute name; unknown names get random bytes.
U8 = {"ENABLED", "OUTER_DF", "FRAGMENT", "PROTECT_GATEWAYS", "DIR", "MODE",
      "ESN", "LEN", "HARD", "SOFT_EXPIRED"}
U16 = {"ENCAP_SPORT", "ENCAP_DPORT", "PORT"}
U32 = {"ID", "IFINDEX", "MTU", "MSS", "TUNNEL_ID", "SPI", "ALG",
       "REPLAY_WINDOW", "PATH_MTU", "TUNNEL_MTU"}
U64 = {"SEQ", "SOFT_BYTES", "HARD_BYTES", "SOFT_PACKETS", "HARD_PACKETS",
       "SOFT_SECONDS", "HARD_SECONDS", "BYTES", "PACKETS", "AGE"}
ADDR = {"LOCAL", "REMOTE", "ADDR"}


class Fuzzer:
    def __init__(self, rng, local, remote):
        self.r = rng
        self.local = [socket.inet_pton(socket.AF_INET6 if ":" in a else socket.AF_INET, a)
                      for a in local]
        self.remote = [socket.inet_pton(socket.AF_INET6 if ":" in a else socket.AF_INET, a)
                       for a in remote]
        self.algs = []     # (id, key length), from the module itself

    def integer(self, width):
        r = self.r.random()
        if r < 0.45:
            v = self.r.choice(INTERESTING)
        elif r < 0.8:
            v = self.r.randrange(0, 48)
        else:
            v = self.r.getrandbits(width * 8)
        return v & ((1 << (width * 8)) - 1)

    def value(self, name, depth):
        r = self.r
        if name in ("LOCAL_TS", "REMOTE_TS"):
            return b"".join(attr(E["SGW_TS_A_PREFIX"] | NLA_F_NESTED, self.nest(PREFIX, depth + 1))
                            for _ in range(r.choice([0, 1, 1, 2, 3, 17])))
        if name in ADDR:
            pool = self.local if name == "LOCAL" else self.remote
            c = r.random()
            if c < 0.6 and pool:
                return r.choice(pool)
            if c < 0.8:
                return os.urandom(r.choice([4, 16]))
            return os.urandom(r.choice([0, 1, 3, 5, 15, 17, 32]))
        if name == "IFNAME":
            s = r.choice([b"sgw%d" % r.randrange(50), b"lo", b"", b"x" * 15, b"x" * 16,
                          b"a/b", b"%d", os.urandom(r.randrange(1, 20))])
            return s + (b"\0" if r.random() < 0.9 else b"")
        if name == "KEY":
            return os.urandom(r.choice([0, 1, 19, 20, 36, 48, 64, 80, 96, 97, 200]))
        if name == "ID" or name == "TUNNEL_ID":
            if r.random() < 0.9:
                return struct.pack("=I", r.randrange(0, 12))
        for kinds, fmt, width in ((U8, "=B", 1), (U16, "=H", 2), (U32, "=I", 4),
                                  (U64, "=Q", 8)):
            if name in kinds:
                if r.random() < 0.05:   # the wrong width
                    return os.urandom(r.choice([0, 1, 2, 3, 5, 8]))
                return struct.pack(fmt, self.integer(width))
        if r.random() < 0.3 and depth < 6:     # something nested
            return self.nest(self.r.choice([TUNNEL, SA, PREFIX]), depth + 1)
        return os.urandom(r.randrange(0, 24))

    def nest(self, aset, depth):
        r = self.r
        out = b""
        names = list(aset)
        for _ in range(r.choice([0, 1, 2, 3, 4, 6, 9])):
            if r.random() < 0.05:
                atype, name = r.randrange(0, 0x7FFF), "?"
            else:
                name = r.choice(names)
                atype = aset[name]
            payload = self.value(name, depth)
            flag = NLA_F_NESTED if name in ("LOCAL_TS", "REMOTE_TS") or r.random() < 0.02 else 0
            out += attr(atype | flag, payload)
        return out

    def well_formed(self):
        """A request the kernel may accept: it reaches past validation
        into the code that changes state."""
        r = self.r
        u8 = lambda n, v: attr(n, struct.pack("=B", v))       # noqa: E731
        u32 = lambda n, v: attr(n, struct.pack("=I", v))      # noqa: E731
        u64 = lambda n, v: attr(n, struct.pack("=Q", v))      # noqa: E731
        tid = r.randrange(1, 12)
        c = r.random()
        if c < 0.35 and self.algs:
            alg, klen = r.choice(self.algs)
            body = (u32(SA["TUNNEL_ID"], tid) + u32(SA["SPI"], r.randrange(256, 300)) +
                    u8(SA["DIR"], r.randrange(1, 3)) + u8(SA["MODE"], r.randrange(1, 3)) +
                    u32(SA["ALG"], alg) + attr(SA["KEY"], os.urandom(klen)))
            for name in ("REPLAY_WINDOW", "SEQ", "SOFT_BYTES", "HARD_PACKETS",
                         "SOFT_SECONDS", "HARD_SECONDS", "ESN"):
                if r.random() < 0.2:
                    v = self.integer(1 if name == "ESN" else 8) % (1 if name == "ESN" else 5000)
                    body += (u64 if name not in ("REPLAY_WINDOW", "ESN") else
                             (u8 if name == "ESN" else u32))(SA[name], v)
            return E["SGW_CMD_SA_NEW"], attr(TOP["SA"] | NLA_F_NESTED, body)
        if c < 0.45:
            body = (u32(SA["TUNNEL_ID"], tid) + u32(SA["SPI"], r.randrange(256, 300)) +
                    u8(SA["DIR"], r.randrange(1, 3)))
            return E[r.choice(["SGW_CMD_SA_DEL", "SGW_CMD_SA_FLUSH"])], \
                attr(TOP["SA"] | NLA_F_NESTED, body)
        body = u32(TUNNEL["ID"], tid)
        if self.local and self.remote:
            i = r.randrange(len(self.local))
            if r.random() < 0.7:
                body += attr(TUNNEL["LOCAL"], self.local[i])
                body += attr(TUNNEL["REMOTE"], self.remote[min(i, len(self.remote) - 1)])
        for name in ("ENABLED", "OUTER_DF", "FRAGMENT", "PROTECT_GATEWAYS"):
            if r.random() < 0.3:
                body += u8(TUNNEL[name], r.randrange(0, 3))
        for name in ("MTU", "MSS"):
            if r.random() < 0.3:
                body += u32(TUNNEL[name], self.integer(4))
        if r.random() < 0.3:
            body += attr(TUNNEL["REMOTE_TS"] | NLA_F_NESTED, self.value("REMOTE_TS", 2))
        cmd = r.choice(["SGW_CMD_TUNNEL_NEW", "SGW_CMD_TUNNEL_SET", "SGW_CMD_TUNNEL_SET",
                        "SGW_CMD_TUNNEL_DEL"])
        return E[cmd], attr(TOP["TUNNEL"] | NLA_F_NESTED, body)

    def request(self):
        r = self.r
        if r.random() < 0.4:
            cmd, body = self.well_formed()
            msg = struct.pack("=BBH", cmd, 1, 0) + body
            if r.random() < 0.1:
                msg = self.mutate(msg)
            return NLM_F_REQUEST | NLM_F_ACK, msg
        if r.random() < 0.9:
            cmd = r.choice(CMDS)
        else:
            cmd = r.randrange(0, 256)
        which = r.random()
        if which < 0.45:
            body = attr(TOP["TUNNEL"] | NLA_F_NESTED, self.nest(TUNNEL, 1))
        elif which < 0.9:
            body = attr(TOP["SA"] | NLA_F_NESTED, self.nest(SA, 1))
        else:
            body = self.nest(TOP, 1)
        flags = NLM_F_REQUEST | NLM_F_ACK
        if r.random() < 0.2:
            flags |= NLM_F_DUMP
        version = 1 if r.random() < 0.95 else r.randrange(256)
        msg = struct.pack("=BBH", cmd, version, 0) + body
        if r.random() < 0.25:
            msg = self.mutate(msg)
        return flags, msg

    def mutate(self, data):
        r = self.r
        data = bytearray(data)
        for _ in range(r.randrange(1, 4)):
            op = r.random()
            if op < 0.4 and data:
                data[r.randrange(len(data))] = r.randrange(256)
            elif op < 0.6 and data:
                del data[r.randrange(len(data)):]
            elif op < 0.8:
                data += os.urandom(r.randrange(1, 16))
            elif len(data) > 6:     # an attribute length field
                i = r.randrange(4, len(data) - 1)
                data[i:i + 2] = struct.pack("=H", r.choice([0, 1, 3, 4, 5, 0xFFFF,
                                                            r.randrange(65536)]))
        return bytes(data)


def exchange(sock, family, flags, body, seq, rng, bad_len=False):
    """Send one request, read until its ACK/DONE (or a timeout); return errno
    (0 for success, None when nothing answered)."""
    length = 16 + len(body)
    if bad_len:
        length = rng.choice([0, 4, 15, length + 1, length + 4096])
    sock.send(struct.pack("=IHHII", length, family, flags, seq, 0) + body)
    if bad_len:
        try:
            sock.recv(65536)
        except (socket.timeout, BlockingIOError):
            pass
        return None
    deadline = time.monotonic() + 2
    abandon = (flags & NLM_F_DUMP) and rng.random() < 0.2
    while time.monotonic() < deadline:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            return None
        if abandon:
            return -1
        while len(data) >= 16:
            mlen, mtype, _, mseq, _ = struct.unpack("=IHHII", data[:16])
            if mtype in (NLMSG_ERROR, NLMSG_DONE) and mseq == seq:
                return -struct.unpack("=i", data[16:20])[0]
            if mlen < 16:
                break
            data = data[(mlen + 3) & ~3:]
    return None


def algorithms(g, family):
    """(id, key length) of each algorithm the module offers."""
    from genl import parse_attrs
    err, _, replies = g.request(family, E["SGW_CMD_GET_INFO"], b"")
    if err or not replies:
        return []
    out = []
    data = parse_attrs(replies[0]).get(TOP["ALGS"], b"")
    while len(data) >= 4:
        length = struct.unpack("=H", data[:2])[0]
        if length < 4:
            break
        a = parse_attrs(data[4:length])
        out.append((struct.unpack("=I", a[E["SGW_ALG_A_ID"]])[0],
                    struct.unpack("=I", a[E["SGW_ALG_A_KEY_LEN"]])[0]))
        data = data[(length + 3) & ~3:]
    return out


def cleanup(family):
    """Delete every tunnel of the namespace: bounds what the run holds."""
    g = Genl()
    err, _, replies = g.request(family, E["SGW_CMD_TUNNEL_GET"], b"",
                                flags=NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)
    if err:
        return
    from genl import parse_attrs
    for rep in replies:
        tun = parse_attrs(parse_attrs(rep).get(TOP["TUNNEL"], b""))
        if TUNNEL["ID"] in tun:
            g.request(family, E["SGW_CMD_TUNNEL_DEL"],
                      attr(TOP["TUNNEL"] | NLA_F_NESTED,
                           attr(TUNNEL["ID"], tun[TUNNEL["ID"]][:4])))
    g.sock.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--local", nargs="*", default=[])
    ap.add_argument("--remote", nargs="*", default=[])
    ap.add_argument("--no-cleanup", action="store_true")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    fz = Fuzzer(rng, a.local, a.remote)
    g = Genl()
    family = g.family("sgw")
    fz.algs = algorithms(g, family)
    g.sock.settimeout(0.3)
    n = ok = 0
    errnos = set()
    ok_cmds = set()
    seq = 100
    end = time.monotonic() + a.seconds
    while time.monotonic() < end:
        flags, body = fz.request()
        seq += 1
        try:
            res = exchange(g.sock, family, flags, body, seq, rng,
                           bad_len=rng.random() < 0.02)
        except OSError as e:
            res = e.errno
        n += 1
        if res == 0:
            ok += 1
            ok_cmds.add(body[0])
        elif res is not None and res > 0:
            errnos.add(res)
        if res == -1 or res is None:
            # An abandoned dump or a lost answer: start on a fresh socket.
            g.sock.close()
            g = Genl()
            g.sock.settimeout(0.3)
        if n % 300 == 0 and not a.no_cleanup:
            cleanup(family)
    if not a.no_cleanup:
        cleanup(family)
    names = ",".join(errno.errorcode.get(e, str(e)) for e in sorted(errnos))
    cmds = ",".join(CMD_NAMES.get(c, str(c)) for c in sorted(ok_cmds))
    print("requests=%d ok=%d errnos=%s ok_cmds=%s seed=%d" % (n, ok, names or "-",
                                                             cmds or "-", seed))


if __name__ == "__main__":
    main()
