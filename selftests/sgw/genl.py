#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send hand-made generic netlink requests to the sgw family.

Used by the selftests to send what sgwctl never would (missing, mistyped,
oversized or unknown attributes) and to see the kernel's errno and extended
ACK message.

  genl.py CMD [ATTR...]      print "errno=N msg=TEXT", exit 0 on success
  genl.py --dump CMD [ATTR...]
                             a dump request: print "errno=N msg=TEXT
                             messages=M" (M replies before the end)
  genl.py --join GROUP       join the family's multicast group: print
                             "errno=N", exit 0 on success
  ATTR:  TYPE:u8:V  TYPE:u16:V  TYPE:u32:V  TYPE:u64:V  TYPE:str:S
         TYPE:bin:HEX  TYPE:nest:{ATTR,ATTR...}  (TYPE is a number)
"""

import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
NETLINK_ADD_MEMBERSHIP = 1
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_DUMP = 0x300
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NETLINK_CAP_ACK = 10


def attr(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    pad = b"\0" * ((4 - len(payload) % 4) % 4)
    return hdr + payload + pad


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        length, atype = struct.unpack("=HH", data[:4])
        if length < 4:
            break
        out[atype & 0x3FFF] = data[4:length]
        data = data[(length + 3) & ~3:]
    return out


def split_top(spec):
    """Split "a,b{c,d},e" at top-level commas."""
    parts, depth, cur = [], 0, ""
    for ch in spec:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        parts.append(cur)
    return parts


def encode(spec):
    atype, kind, value = spec.split(":", 2)
    atype = int(atype)
    if kind == "u8":
        return attr(atype, struct.pack("=B", int(value, 0)))
    if kind == "u16":
        return attr(atype, struct.pack("=H", int(value, 0)))
    if kind == "u32":
        return attr(atype, struct.pack("=I", int(value, 0)))
    if kind == "u64":
        return attr(atype, struct.pack("=Q", int(value, 0)))
    if kind == "str":
        return attr(atype, value.encode() + b"\0")
    if kind == "bin":
        return attr(atype, bytes.fromhex(value))
    if kind == "nest":
        inner = value.strip()
        assert inner[0] == "{" and inner[-1] == "}", spec
        return attr(atype | 0x8000, b"".join(encode(s) for s in split_top(inner[1:-1])))
    raise SystemExit("unknown attribute kind " + kind)


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 1

    def request(self, family, cmd, payload, version=1, flags=NLM_F_REQUEST | NLM_F_ACK):
        body = struct.pack("=BBH", cmd, version, 0) + payload
        self.seq += 1
        msg = struct.pack("=IHHII", 16 + len(body), family, flags, self.seq, 0) + body
        self.sock.send(msg)
        replies = []
        while True:
            data = self.sock.recv(65536)
            while data:
                length, mtype, mflags, _, _ = struct.unpack("=IHHII", data[:16])
                if mtype == NLMSG_DONE:
                    # The end of a dump: an errno, then extack TLVs.
                    err = struct.unpack("=i", data[16:20])[0]
                    msg_text = ""
                    if mflags & NLM_F_ACK_TLVS:
                        tlv = parse_attrs(data[20:length])
                        if NLMSGERR_ATTR_MSG in tlv:
                            msg_text = tlv[NLMSGERR_ATTR_MSG].rstrip(b"\0").decode()
                    return -err, msg_text, replies
                if mtype == NLMSG_ERROR:
                    err = struct.unpack("=i", data[16:20])[0]
                    off = 16 + 4 + 16
                    if not mflags & NLM_F_CAPPED:
                        off += struct.unpack("=I", data[20:24])[0] - 16
                    msg_text = ""
                    if mflags & NLM_F_ACK_TLVS:
                        tlv = parse_attrs(data[off:length])
                        if NLMSGERR_ATTR_MSG in tlv:
                            msg_text = tlv[NLMSGERR_ATTR_MSG].rstrip(b"\0").decode()
                    return -err, msg_text, replies
                replies.append(data[20:length])
                data = data[(length + 3) & ~3:]

    def family(self, name, group=None):
        err, msg, replies = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                         attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        if err:
            raise SystemExit("genl: family %s not found (%s)" % (name, os.strerror(err)))
        attrs = parse_attrs(replies[0])
        if group is None:
            return struct.unpack("=H", attrs[CTRL_ATTR_FAMILY_ID][:2])[0]
        for grp in parse_attrs(attrs.get(CTRL_ATTR_MCAST_GROUPS, b"")).values():
            g = parse_attrs(grp)
            if g[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode() == group:
                return struct.unpack("=I", g[CTRL_ATTR_MCAST_GRP_ID])[0]
        raise SystemExit("genl: family %s has no group %s" % (name, group))


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    args = sys.argv[1:]
    if args[0] == "--join":
        g = Genl()
        try:
            g.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                              g.family("sgw", args[1]))
            err = 0
        except OSError as e:
            err = e.errno
        print("errno=%d" % err)
        sys.exit(0 if err == 0 else 1)
    dump = args[0] == "--dump"
    if dump:
        args = args[1:]
    g = Genl()
    fam = g.family("sgw")
    payload = b"".join(encode(s) for s in args[1:])
    if dump:
        err, msg, replies = g.request(fam, int(args[0]), payload,
                                      flags=NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)
        print("errno=%d msg=%s messages=%d" % (err, msg, len(replies)))
    else:
        err, msg, _ = g.request(fam, int(args[0]), payload)
        print("errno=%d msg=%s" % (err, msg))
    sys.exit(0 if err == 0 else 1)


if __name__ == "__main__":
    main()
