#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The JSON contract of sgwctl -j (sgwctl-json(7)), as data, and a checker.

    json_schema.py DOCUMENT [FILE]      check one document (stdin by default)
    json_schema.py --lines DOCUMENT [FILE]   one document a line (monitor)
    json_schema.py --list               the document names
    json_schema.py --keys               every key the contract names

Every document is an object whose "version" is 1. Every key is snake_case,
has the one type given here, and is present when marked required; no value
is null; a key the schema does not list is an error, so a new key needs
this file and the man page first. Exit 0 when valid, 1 with one line per
problem otherwise, 2 on bad usage.
"""

import json
import re
import sys

VERSION = 1
KEY = re.compile(r"^[a-z][a-z0-9_]*$")

# Types: "str", "int" (an integer >= 0), "bool", [T] (an array of T),
# a dict (an object with those keys), "counters" (an object of snake_case
# keys whose values are ints), "conf" (an object of snake_case keys whose
# values are str, int, bool or [str]).


def R(t):
    """A required key of type t."""
    return (t, True)


def O(t):
    """An optional key of type t: left out when unknown or not set."""
    return (t, False)


LOAD = {
    "half_open": R("int"), "half_open_limit": R("int"),
    "half_open_max": R("int"), "cookies_demanded": R("bool"),
    "cookies_sent": R("int"), "half_open_dropped": R("int"),
    "half_open_expired": R("int"),
    "exchanges": R({x: R({"initiated": R("int"), "answered": R("int")})
                    for x in ("ike_sa_init", "ike_auth", "create_child_sa",
                              "informational")}),
}

DAEMON = {
    "running": R("bool"), "state": R("str"), "pid": O("int"),
    "uptime": O("int"), "config": O("str"),
    "tunnel_states": O({"total": R("int"), "disabled": R("int"),
                        "idle": R("int"), "connecting": R("int"),
                        "established": R("int"), "failed": R("int")}),
    "ike": O(LOAD),
}

TUNNEL = {
    "id": R("int"), "ifname": R("str"), "ifindex": R("int"),
    "enabled": R("bool"), "local": O("str"), "remote": O("str"),
    "local_ts": R(["str"]), "remote_ts": R(["str"]), "drops": R("counters"),
    "mtu_auto": R("bool"), "mtu": R("int"), "mss_mode": R("str"),
    "mss": O("int"), "outer_df": R("str"), "fragment": R("str"),
    "path_mtu": R("int"), "tunnel_mtu": R("int"), "events": R("counters"),
    "exempt": O({"dev": O("str"), "ifindex": R("int"), "via": O("str")}),
    "protect_gateways": R("bool"),
}

CHILD = {
    "spi_in": R("int"), "spi_out": R("int"), "algs": R("str"),
    "age": R("int"), "local_ts": R(["str"]), "remote_ts": R(["str"]),
    "generation": R("int"), "rekey_in": O("int"), "role": R("str"),
    "mode": R("str"),
}

REFRESH = {
    "generation": R("int"), "rekey_in": O("int"), "retry_in": O("int"),
    "quiet": R("int"), "held": R("bool"), "child_rekeys": R("int"),
    "ike_rekeys": R("int"), "collisions": R("int"),
    "liveness_failures": R("int"), "restarts": R("int"), "reauths": R("int"),
}

IKE = {
    "id": R("int"), "name": R("str"), "ifname": R("str"), "state": R("str"),
    "ike_state": R("str"), "local": R("str"), "remote": O("str"),
    "remote_name": O("str"), "remote_any": R("bool"), "local_id": R("str"),
    "local_auto": O("str"),
    "initiator": R("bool"), "spi_i": R("str"), "spi_r": R("str"),
    "ike_tunnel": O("int"), "proposal": R("str"), "peer_id": R("str"),
    "nat": R("str"), "ike_local": R("str"), "ike_remote": R("str"),
    "age": R("int"), "children": R([CHILD]), "refresh": R(REFRESH),
    "ike_failures": R("counters"), "esp_silent": O("str"),
    "esp_rx_ago": O("int"),
    "failure": O("str"),
}

SA = {
    "tunnel": R("int"), "dir": R("str"), "spi": R("int"), "alg": R("str"),
    "mode": R("str"), "replay_window": R("int"), "esn": R("bool"),
    "encap": R("bool"), "encap_sport": R("int"), "encap_dport": R("int"),
    "local_ts": O(["str"]), "remote_ts": O(["str"]),
    "seq": R("int"), "bytes": R("int"), "packets": R("int"), "age": R("int"),
    "soft_expired": R("bool"), "soft_bytes": R("int"),
    "hard_bytes": R("int"), "soft_packets": R("int"),
    "hard_packets": R("int"), "soft_seconds": R("int"),
    "hard_seconds": R("int"),
    "ike": O({"name": R("str"), "spi_i": R("str"), "spi_r": R("str"),
              "proposal": R("str"), "peer_id": R("str")}),
}

SA_DONE = {"tunnel": O("int"), "dir": O("str"), "spi": O("int")}

DOCUMENTS = {
    # sgwctl -j show [TUNNEL]
    "show": {
        "module": R("str"), "daemon": R(DAEMON),
        "tunnels": R([dict(TUNNEL, ike=O(IKE))]), "unplaced": R([IKE]),
        "sas": R([SA]),
    },
    # sgwctl -j show --brief
    "brief": {
        "tunnels": R([{
            "id": R("int"), "ifname": R("str"), "name": O("str"),
            "state": R("str"), "local": O("str"), "remote": O("str"),
            "rx_bytes": R("int"), "tx_bytes": R("int"),
            "rx_packets": R("int"), "tx_packets": R("int"),
        }]),
    },
    # sgwctl -j tunnel show|add|set
    "tunnel": {"tunnels": R([TUNNEL])},
    # sgwctl -j tunnel del
    "tunnel_del": {"deleted": R({"id": R("int"), "ifname": R("str")})},
    # sgwctl -j sa show
    "sa": {"sas": R([SA])},
    # sgwctl -j sa add|del|flush
    "sa_done": {"added": O(SA_DONE), "deleted": O(SA_DONE),
                "flushed": O(SA_DONE)},
    # sgwctl -j up|down|reload|sa refresh: the daemon's answer
    "daemon_reply": {"message": R("str"), "tunnels": O([IKE])},
    # sgwctl -j check
    "check": {
        "findings": R([{
            "severity": R("str"), "tunnel": O("str"), "code": R("str"),
            "message": R("str"), "fix": O("str"),
        }]),
    },
    # sgwctl -j config check
    "config_check": {
        "file": R("str"), "tunnel_count": R("int"), "errors": R("int"),
        "warnings": R("int"), "notes": R("int"),
        "problems": R([{
            "severity": R("str"), "file": R("str"), "line": O("int"),
            "tunnel": O("str"), "code": R("str"), "message": R("str"),
        }]),
    },
    # sgwctl -j showconf [-a]
    "showconf": {
        "file": R("str"), "global": O("conf"),
        "tunnels": R(["conf"]),
    },
    # sgwctl -j trace
    "trace": {
        "src": R("str"), "dst": R("str"), "proto": R("int"),
        "sport": O("int"), "dport": O("int"), "size": R("int"),
        "df": R("bool"), "verdict": R("str"), "drop": O("str"),
        "dev": O("str"), "ifindex": O("int"), "via": O("str"),
        "tunnel": O("int"), "enabled": O("bool"),
        "local_ts_match": O("bool"), "remote_ts_match": O("bool"),
        "exempt_tunnel": O("int"), "underlay_dev": O("str"),
        "underlay_via": O("str"), "ike_daemon": O("bool"),
        "held": O("int"), "spi": O("int"), "alg": O("str"),
        "path_mtu": O("int"), "tunnel_mtu": O("int"), "icmp_mtu": O("int"),
        "mss": O("int"), "fragment": O("str"),
        "outer": O({
            "src": O("str"), "dst": O("str"), "size": R("int"),
            "df": R("bool"), "proto": R("str"), "sport": O("int"),
            "dport": O("int"),
        }),
    },
    # sgwctl -j version
    "version": {
        "sgwctl": R("str"), "module": O("str"), "module_error": O("str"),
        "algorithms": O(["str"]),
    },
    # sgwctl -j genpsk
    "genpsk": {"psk": R("str")},
    # sgwctl -j monitor: one document a line
    "event": {
        "event": R("str"), "tunnel": R("int"), "ifname": O("str"),
        "enabled": O("bool"), "mtu": O("int"), "spi": O("int"),
        "addr": O("str"), "port": O("int"), "src": O("str"), "dst": O("str"),
        "dir": O("str"), "hard": O("bool"), "bytes": O("int"),
        "packets": O("int"),
    },
}


def type_name(t):
    if isinstance(t, list):
        return "array"
    if isinstance(t, dict):
        return "object"
    return t


def check(value, t, path, errors):
    """Appends to errors what is wrong with value as type t at path."""
    if value is None:
        errors.append("%s: null (leave the key out instead)" % path)
        return
    if isinstance(t, list):
        if not isinstance(value, list):
            errors.append("%s: %s, expected an array" % (path, type(value).__name__))
            return
        for i, v in enumerate(value):
            check(v, t[0], "%s[%d]" % (path, i), errors)
        return
    if isinstance(t, dict):
        check_object(value, t, path, errors)
        return
    if t == "str":
        ok = isinstance(value, str)
    elif t == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif t == "bool":
        ok = isinstance(value, bool)
    elif t in ("counters", "conf"):
        if not isinstance(value, dict):
            errors.append("%s: %s, expected an object" % (path, type(value).__name__))
            return
        for k, v in value.items():
            p = "%s.%s" % (path, k)
            if not KEY.match(k):
                errors.append("%s: key not snake_case" % p)
            if t == "counters":
                check(v, "int", p, errors)
            elif v is None:
                errors.append("%s: null (leave the key out instead)" % p)
            elif isinstance(v, list):
                check(v, ["str"], p, errors)
            elif not isinstance(v, (str, int, bool)):
                errors.append("%s: %s, expected a string, number, boolean "
                              "or array of strings" % (p, type(v).__name__))
        return
    else:
        raise ValueError("schema: unknown type %r" % (t,))
    if not ok:
        errors.append("%s: %r, expected %s" % (path, value, type_name(t)))


def check_object(value, fields, path, errors):
    if not isinstance(value, dict):
        errors.append("%s: %s, expected an object" % (path, type(value).__name__))
        return
    for k, v in value.items():
        p = "%s.%s" % (path, k) if path else k
        if not KEY.match(k):
            errors.append("%s: key not snake_case" % p)
        if k not in fields:
            errors.append("%s: a key the contract does not list" % p)
            continue
        check(v, fields[k][0], p, errors)
    for k, (_, required) in fields.items():
        if required and k not in value:
            errors.append("%s: required key missing" % ("%s.%s" % (path, k) if path else k))


def check_document(doc, name):
    """The problems of one parsed document as document type name."""
    errors = []
    if not isinstance(doc, dict):
        return ["the document is a %s, not an object" % type(doc).__name__]
    if doc.get("version") != VERSION or isinstance(doc.get("version"), bool):
        errors.append("version: %r, expected %d" % (doc.get("version"), VERSION))
    fields = dict(DOCUMENTS[name], version=R("int"))
    check_object(doc, fields, "", errors)
    return errors


def keys_of(t, out):
    """Collects the keys of type t (and of the types inside it) into out."""
    if isinstance(t, list):
        keys_of(t[0], out)
    elif isinstance(t, dict):
        for k, (sub, _) in t.items():
            out.add(k)
            keys_of(sub, out)


def main(argv):
    lines = False
    args = argv[1:]
    if args == ["--list"]:
        print("\n".join(sorted(DOCUMENTS)))
        return 0
    if args == ["--keys"]:
        out = {"version"}
        for d in DOCUMENTS.values():
            keys_of(d, out)
        print("\n".join(sorted(out)))
        return 0
    if args and args[0] == "--lines":
        lines = True
        args = args[1:]
    if not 1 <= len(args) <= 2 or args[0] not in DOCUMENTS:
        sys.stderr.write("usage: json_schema.py [--lines] DOCUMENT [FILE] "
                         "(DOCUMENT: %s)\n" % ", ".join(sorted(DOCUMENTS)))
        return 2
    text = open(args[1]).read() if len(args) == 2 else sys.stdin.read()
    texts = [t for t in text.split("\n") if t] if lines else [text]
    if not texts:
        print("%s: no document" % args[0])
        return 1
    bad = 0
    for i, t in enumerate(texts):
        where = "%s%s" % (args[0], " line %d" % (i + 1) if lines else "")
        try:
            doc = json.loads(t)
        except ValueError as e:
            print("%s: not JSON: %s" % (where, e))
            bad += 1
            continue
        for e in check_document(doc, args[0]):
            print("%s: %s" % (where, e))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
