#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""sgw benchmark driver (see scripts/bench.sh for how to run it).

  bench.py run OUT.json      inside the guest, as root: run the matrix
  bench.py compare OLD NEW   print NEW/OLD for every figure the files share
  bench.py table FILE        print the summary table of one result file

Every configuration (implementation, AEAD, replay window) gets its own pair
of network namespaces joined by a veth pair, all set up before the first
round, so that the rounds can interleave them: round r runs the
configurations in an order rotated by r, every test of one configuration
back to back. An underlay mode (veth, rps, gro, gro-nooffload) is a phase of
its own, because esp4_offload is global to the guest. Ratios are computed
per round (paired) and then summarised, so slow drift of the host cancels.
"""

import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time

USER_HZ = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

# xfrm names, key bytes (cipher key + 4-byte salt) of each AEAD.
AEADS = {
    "aes-gcm-128": ("rfc4106(gcm(aes))", 20),
    "aes-gcm-256": ("rfc4106(gcm(aes))", 36),
    "chacha20-poly1305": ("rfc7539esp(chacha20,poly1305)", 36),
}
ALL_TESTS = ["tcp1", "tcp4", "bidir", "udp1400", "udp64", "ping", "ping_load"]
MODES = ["veth", "rps", "gro", "gro-nooffload"]
# The figure of each test that its ratios use, and whether higher is better.
HEADLINE = {
    "tcp1": ("mbps", True), "tcp4": ("mbps", True), "bidir": ("mbps", True),
    "udp1400": ("kpps", True), "udp64": ("kpps", True),
    "ping": ("p50_ms", False), "ping_load": ("p50_ms", False),
}
# SIOCETHTOOL ETHTOOL_SGRO then ETHTOOL_GGRO on v0; prints the GRO state.
GRO_ON = ("import array, fcntl, socket, struct\n"
          "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
          "for cmd in (0x2c, 0x2b):\n"
          "    v = array.array(\"I\", [cmd, int(cmd == 0x2c)])\n"
          "    fcntl.ioctl(s.fileno(), 0x8946, struct.pack(\"16sP\", b\"v0\", "
          "v.buffer_info()[0]))\n"
          "print(v[1])\n")
SGW_SHOW_FAILED = []
A_ADDR, B_ADDR = "192.168.77.1", "192.168.77.2"
A_IN, B_IN = "10.77.0.1", "10.77.0.2"
PORT = 5201


def env(name, default):
    v = os.environ.get(name, "")
    return v if v.strip() else default


def sh(cmd, check=True, inp=None, timeout=120):
    r = subprocess.run(cmd, shell=isinstance(cmd, str), input=inp,
                       capture_output=True, text=True, timeout=timeout)
    if check and r.returncode:
        raise RuntimeError("%s: %s" % (cmd, (r.stderr or r.stdout).strip()))
    return r.stdout


def log(msg):
    print("bench: " + msg, flush=True)


# --------------------------------------------------------------------------
# Counters

NSTAT_KEYS = {
    "Tcp": ["RetransSegs", "OutSegs", "InErrs"],
    "TcpExt": ["TCPSACKReorder", "TCPTSReorder", "TCPRenoReorder",
               "TCPOFOQueue", "TCPDSACKRecv", "TCPLostRetransmit",
               "TCPFastRetrans", "TCPSlowStartRetrans"],
    "Ip": ["FragCreates", "FragFails", "ReasmReqds", "InDiscards",
           "OutDiscards"],
    "Udp": ["InDatagrams", "InErrors", "RcvbufErrors", "SndbufErrors"],
}


def read_snmp(pid):
    out = {}
    for f in ("snmp", "netstat"):
        try:
            lines = open("/proc/%d/net/%s" % (pid, f)).read().splitlines()
        except OSError:
            continue
        for head, vals in zip(lines[0::2], lines[1::2]):
            hk, vk = head.split(), vals.split()
            grp = hk[0].rstrip(":")
            if grp not in NSTAT_KEYS:
                continue
            for k, v in zip(hk[1:], vk[1:]):
                if k in NSTAT_KEYS[grp]:
                    out["%s%s" % (grp, k)] = int(v)
    try:
        for line in open("/proc/%d/net/xfrm_stat" % pid):
            k, v = line.split()
            out[k] = int(v)
    except OSError:
        pass
    return out


def read_cpus():
    cpus = {}
    for line in open("/proc/stat"):
        f = line.split()
        if re.match(r"cpu\d+$", f[0]):
            v = [int(x) for x in f[1:9]]
            # user nice system idle iowait irq softirq steal
            cpus[f[0]] = {"user": v[0] + v[1], "sys": v[2], "idle": v[3] + v[4],
                          "irq": v[5], "softirq": v[6], "steal": v[7]}
    return cpus


def cpu_delta(a, b):
    d = {}
    for c in b:
        d[c] = {k: (b[c][k] - a[c][k]) / USER_HZ for k in b[c]}
    return d


def host_load(top):
    """The host's 1-minute load, sampled by bench.sh; None when stale."""
    try:
        f = open(os.path.join(top, ".bench", "host-loadavg")).read().split()
        if abs(time.time() - int(f[3])) > 30:
            return None
        return float(f[0])
    except (OSError, IndexError, ValueError):
        return None


# --------------------------------------------------------------------------
# Configurations

class Config:
    def __init__(self, idx, spec, mtu, key_src):
        parts = spec.split(":")
        self.impl, _, self.module = parts[0].partition("@")
        self.aead = parts[1] if len(parts) > 1 else None
        self.window = int(parts[2]) if len(parts) > 2 else None
        self.name = spec
        self.mtu = mtu
        self.a = "bench-a%d" % idx
        self.b = "bench-b%d" % idx
        self.key = key_src
        self.procs = []
        self.holders = {}
        self.target = B_IN if self.impl != "veth" else B_ADDR

    def nsx(self, ns, cmd, **kw):
        return sh("ip netns exec %s %s" % (ns, cmd), **kw)

    def setup(self, mode, sgwctl):
        for ns in (self.a, self.b):
            sh("ip netns del %s" % ns, check=False)
            sh("ip netns add %s" % ns)
            sh("ip -n %s link set lo up" % ns)
        sh("ip -n %s link add v0 type veth peer name v0 netns %s" % (self.a, self.b))
        for ns, addr in ((self.a, A_ADDR), (self.b, B_ADDR)):
            sh("ip -n %s addr add %s/24 dev v0" % (ns, addr))
            if self.impl == "veth":
                sh("ip -n %s link set v0 mtu %d" % (ns, self.mtu))
            sh("ip -n %s link set v0 up" % ns)
            if mode in ("gro", "gro-nooffload"):
                # ethtool -K v0 gro on, without needing ethtool.
                if self.nsx(ns, "python3 -c '%s'" % GRO_ON).strip() != "1":
                    raise RuntimeError("%s: veth GRO did not turn on" % self.name)
            if mode == "rps":
                # Both ends receive (data one way, ACKs the other).
                self.nsx(ns, "sh -c 'for q in /sys/class/net/v0/queues/rx-*; do "
                         "echo 3 > $q/rps_cpus; done'")
        getattr(self, "setup_" + self.impl)(sgwctl)
        for ns in (self.a, self.b):
            p = subprocess.Popen(["ip", "netns", "exec", ns, "sleep", "1000000"])
            self.procs.append(p)
            self.holders[ns] = p.pid
        for i in range(4):
            p = subprocess.Popen(["ip", "netns", "exec", self.b, "iperf3", "-s",
                                  "-p", str(PORT + i)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.procs.append(p)
        deadline = time.time() + 30
        while time.time() < deadline:
            out = self.nsx(self.b, "ss -Hltn", check=False)
            if all(":%d " % (PORT + i) in out for i in range(4)):
                break
            time.sleep(0.2)
        # Converged: the tunnel carries traffic both ways.
        deadline = time.time() + 30
        while True:
            r = subprocess.run("ip netns exec %s ping -c 1 -W 2 %s" % (self.a, self.target),
                               shell=True, capture_output=True)
            if r.returncode == 0:
                break
            if time.time() > deadline:
                raise RuntimeError("%s: no connectivity within 30 s" % self.name)
            time.sleep(0.5)

    def inner(self, dev):
        for ns, lo, re_ in ((self.a, A_IN, B_IN), (self.b, B_IN, A_IN)):
            sh("ip -n %s link set %s mtu %d" % (ns, dev, self.mtu))
            sh("ip -n %s addr add %s peer %s dev %s" % (ns, lo, re_, dev))
            sh("ip -n %s link set %s up" % (ns, dev))

    def setup_veth(self, sgwctl):
        pass

    def setup_xfrm(self, sgwctl):
        name, klen = AEADS[self.aead]
        key = self.key[:2 * klen]
        for ns, lo, re_, o, i in ((self.a, A_ADDR, B_ADDR, "0x1001", "0x2001"),
                                  (self.b, B_ADDR, A_ADDR, "0x2001", "0x1001")):
            sh("ip -n %s link add ipsec1 type xfrm dev v0 if_id 7" % ns)
            for src, dst, spi in ((lo, re_, o), (re_, lo, i)):
                sh("ip -n %s xfrm state add src %s dst %s proto esp spi %s mode tunnel "
                   "if_id 7 replay-window %d aead '%s' 0x%s 128" %
                   (ns, src, dst, spi, self.window, name, key))
            for d, src, dst in (("out", lo, re_), ("in", re_, lo)):
                sh("ip -n %s xfrm policy add dir %s src 0.0.0.0/0 dst 0.0.0.0/0 if_id 7 "
                   "tmpl src %s dst %s proto esp mode tunnel" % (ns, d, src, dst))
        self.inner("ipsec1")

    def setup_sgw(self, sgwctl):
        klen = AEADS[self.aead][1]
        key = self.key[:2 * klen]
        for ns, lo, re_, o, i in ((self.a, A_ADDR, B_ADDR, "0x1001", "0x2001"),
                                  (self.b, B_ADDR, A_ADDR, "0x2001", "0x1001")):
            self.nsx(ns, "%s tunnel add id 1 name sgw1 local %s remote %s mtu %d" %
                     (sgwctl, lo, re_, self.mtu))
            self.nsx(ns, "%s sa add sgw1 dir out spi %s alg %s key-file -" %
                     (sgwctl, o, self.aead), inp=key + "\n")
            self.nsx(ns, "%s sa add sgw1 dir in spi %s alg %s key-file - replay-window %d" %
                     (sgwctl, i, self.aead, self.window), inp=key + "\n")
        self.inner("sgw1")

    def setup_wg(self, sgwctl):
        ka, kb = sh("wg genkey").strip(), sh("wg genkey").strip()
        pa = sh("wg pubkey", inp=ka + "\n").strip()
        pb = sh("wg pubkey", inp=kb + "\n").strip()
        for ns, priv, peer, ep, allowed in ((self.a, ka, pb, B_ADDR, B_IN),
                                            (self.b, kb, pa, A_ADDR, A_IN)):
            sh("ip -n %s link add wg0 type wireguard" % ns)
            kf = "/tmp/bench-wg-%d" % os.getpid()
            with open(kf, "w") as fh:
                fh.write(priv + "\n")
            self.nsx(ns, "wg set wg0 private-key %s listen-port 51820 peer %s "
                     "endpoint %s:51820 allowed-ips %s/32" % (kf, peer, ep, allowed))
            os.unlink(kf)
        self.inner("wg0")

    def teardown(self):
        for p in self.procs:
            p.kill()
            p.wait()
        self.procs = []
        for ns in (self.a, self.b):
            sh("ip netns del %s" % ns, check=False)

    # Counters of both namespaces and the implementation's own.
    def counters(self, sgwctl):
        c = {}
        for side, ns in (("a", self.a), ("b", self.b)):
            for k, v in read_snmp(self.holders[ns]).items():
                c["%s.%s" % (side, k)] = v
            if self.impl == "sgw":
                out = self.nsx(ns, "%s -j tunnel show sgw1" % sgwctl, check=False)
                try:
                    doc = json.loads(out)
                    t = doc[0] if isinstance(doc, list) else doc
                    for k, v in t.get("drops", {}).items():
                        c["%s.sgw_drop_%s" % (side, k)] = v
                except (ValueError, IndexError, KeyError, AttributeError):
                    SGW_SHOW_FAILED.append("%s %s" % (self.name, side))
        return c

    def xfrm_states(self):
        if self.impl != "xfrm":
            return None
        res = {}
        for side, ns in (("a", self.a), ("b", self.b)):
            out = sh("ip -n %s -s xfrm state" % ns, check=False)
            res[side] = [ln.strip() for ln in out.splitlines()
                         if re.search(r"replay-window|replay|bytes|packets|spi", ln)]
        return res


# --------------------------------------------------------------------------
# Tests

def iperf_cmd(cfg, port, t, extra=""):
    return ("ip netns exec %s timeout %d iperf3 -c %s -p %d -t %d -O 1 -J %s" %
            (cfg.a, t + 40, cfg.target, port, t, extra))


def run_iperfs(cmds):
    procs = [subprocess.Popen(c, shell=True, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True) for c in cmds]
    docs = []
    for p in procs:
        out, _ = p.communicate()
        try:
            docs.append(json.loads(out))
        except ValueError:
            docs.append(None)
    return docs


def tcp_bytes(doc):
    s = doc["end"]["sum_received"]
    return s["bits_per_second"], s["bytes"]


def percentile(vals, q):
    vals = sorted(vals)
    if not vals:
        return None
    k = (len(vals) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(vals) - 1)
    return vals[lo] + (vals[hi] - vals[lo]) * (k - lo)


def ping(cfg, count):
    out = sh("ip netns exec %s ping -c %d -i 0.01 -W 2 %s" % (cfg.a, count, cfg.target),
             check=False, timeout=count + 60)
    rtts = [float(x) for x in re.findall(r"time=([0-9.]+) ms", out)]
    if not rtts:
        return None
    return {"p50_ms": round(percentile(rtts, 0.5), 3),
            "p99_ms": round(percentile(rtts, 0.99), 3),
            "replies": len(rtts), "sent": count}


def run_test(cfg, test, t):
    if test in ("tcp1", "tcp4"):
        n = 1 if test == "tcp1" else 4
        docs = run_iperfs([iperf_cmd(cfg, PORT + i, t) for i in range(n)])
        if None in docs:
            return None
        bps = [tcp_bytes(d)[0] for d in docs]
        return {"mbps": round(sum(bps) / 1e6, 2),
                "flows_mbps": [round(b / 1e6, 2) for b in bps],
                "bytes": sum(tcp_bytes(d)[1] for d in docs)}
    if test == "bidir":
        docs = run_iperfs([iperf_cmd(cfg, PORT, t), iperf_cmd(cfg, PORT + 1, t, "-R")])
        if None in docs:
            return None
        fwd, rev = tcp_bytes(docs[0])[0], tcp_bytes(docs[1])[0]
        return {"mbps": round((fwd + rev) / 1e6, 2), "fwd_mbps": round(fwd / 1e6, 2),
                "rev_mbps": round(rev / 1e6, 2),
                "bytes": tcp_bytes(docs[0])[1] + tcp_bytes(docs[1])[1]}
    if test in ("udp1400", "udp64"):
        # IP packet of 1400 or 64 bytes: UDP payload = size - 28.
        size = 1400 if test == "udp1400" else 64
        doc = run_iperfs([iperf_cmd(cfg, PORT, t, "-u -b 0 -l %d" % (size - 28))])[0]
        if doc is None:
            return None
        s = doc["end"].get("sum_received", doc["end"]["sum"])
        got = s["packets"] - s["lost_packets"]
        return {"kpps": round(got / s["seconds"] / 1e3, 2),
                "loss_pct": round(s["lost_percent"], 2), "packets": got,
                "bytes": s["bytes"]}
    if test == "ping":
        return ping(cfg, 200)
    if test == "ping_load":
        bulk = subprocess.Popen(iperf_cmd(cfg, PORT, max(t, 3) + 1), shell=True,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True)
        time.sleep(1.5)
        res = ping(cfg, 200)
        out, _ = bulk.communicate()
        if res is not None:
            try:
                res["bulk_mbps"] = round(tcp_bytes(json.loads(out))[0] / 1e6, 2)
            except (ValueError, KeyError):
                res["bulk_mbps"] = None
        return res
    raise ValueError(test)


# --------------------------------------------------------------------------
# Summary

def summarize(samples):
    """Median and spread per (mode, config, test, figure); paired ratios."""
    groups = {}
    for s in samples:
        if not s["result"]:
            continue
        for k, v in s["result"].items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                groups.setdefault((s["mode"], s["config"], s["test"], k), []).append(v)
        if "cpu_s" in s:
            groups.setdefault((s["mode"], s["config"], s["test"], "cpu_s"), []).append(s["cpu_s"])
        if s.get("cpu_s_per_gb") is not None:
            groups.setdefault((s["mode"], s["config"], s["test"], "cpu_s_per_gb"),
                              []).append(s["cpu_s_per_gb"])
    summary = []
    for (mode, cfg, test, fig), vals in sorted(groups.items()):
        summary.append({"mode": mode, "config": cfg, "test": test, "figure": fig,
                        "n": len(vals), "median": round(statistics.median(vals), 4),
                        "p25": round(percentile(vals, 0.25), 4),
                        "p75": round(percentile(vals, 0.75), 4),
                        "min": min(vals), "max": max(vals)})
    return summary


def pairs(configs):
    """(numerator, denominator) configurations that have equal features."""
    out = []
    by = {c: c.split(":") for c in configs}
    first = {}
    for c, p in by.items():
        if not p[0].startswith("sgw"):
            continue
        # Two builds of the module: each later one against the first.
        if "@" in p[0]:
            rest = ":".join(p[1:])
            if rest in first:
                out.append((c, first[rest]))
            else:
                first[rest] = c
        x = "xfrm:" + ":".join(p[1:])
        if x in by:
            out.append((c, x))
        if p[1] == "chacha20-poly1305" and "wg" in by:
            out.append((c, "wg"))
    for c, p in by.items():
        if p[0] == "xfrm" and p[1] == "chacha20-poly1305" and "wg" in by:
            out.append((c, "wg"))
    return out


def paired_ratios(samples, configs):
    idx = {}
    for s in samples:
        if s["result"]:
            idx[(s["mode"], s["config"], s["test"], s["round"])] = s["result"]
    ratios = []
    modes = sorted({s["mode"] for s in samples}, key=MODES.index)
    tests = [t for t in ALL_TESTS if any(s["test"] == t for s in samples)]
    for mode in modes:
        for num, den in pairs(configs):
            for test in tests:
                fig = HEADLINE[test][0]
                per = []
                for r in sorted({s["round"] for s in samples}):
                    a = idx.get((mode, num, test, r), {}).get(fig)
                    b = idx.get((mode, den, test, r), {}).get(fig)
                    if a is not None and b:
                        per.append(round(a / b, 4))
                if per:
                    ratios.append({"mode": mode, "num": num, "den": den, "test": test,
                                   "figure": fig, "higher_is_better": HEADLINE[test][1],
                                   "per_round": per,
                                   "median": round(statistics.median(per), 3),
                                   "min": min(per), "max": max(per)})
    return ratios


def print_table(doc, out=sys.stdout):
    med = {(s["mode"], s["config"], s["test"], s["figure"]): s for s in doc["summary"]}
    m = doc["meta"]
    print("sgw bench: %s rounds, %s s per test, inner MTU %s, TCG-emulated guest: "
          "only ratios count" % (m["rounds"], m["time_s"], m["mtu"]), file=out)
    print("\nmedians [p25-p75] (Mbit/s for TCP, kpps for UDP, ms for ping p50; "
          "CPU-s/GB for TCP):", file=out)
    for mode in m["modes"]:
        for cfg in m["configs"]:
            cells = []
            for test in m["tests"]:
                fig = HEADLINE[test][0]
                s = med.get((mode, cfg, test, fig))
                if not s:
                    continue
                cell = "%s %.4g [%.4g-%.4g]" % (test, s["median"], s["p25"], s["p75"])
                extra = med.get((mode, cfg, test, "cpu_s_per_gb"))
                if extra and test.startswith("tcp"):
                    cell += " %.3gs/GB" % extra["median"]
                if test == "ping" or test == "ping_load":
                    p99 = med.get((mode, cfg, test, "p99_ms"))
                    if p99:
                        cell += " p99 %.4g" % p99["median"]
                if test.startswith("udp"):
                    loss = med.get((mode, cfg, test, "loss_pct"))
                    if loss:
                        cell += " loss %.3g%%" % loss["median"]
                cells.append(cell)
            if cells:
                print("  %-14s %-28s %s" % (mode, cfg, "; ".join(cells)), file=out)
    print("\npaired ratios per round: median (min-max); RTT ratios below 1 are better:",
          file=out)
    for r in doc["ratios"]:
        print("  %-14s %-28s / %-24s %-9s %.3f (%.3f-%.3f)" % (
            r["mode"], r["num"], r["den"], r["test"], r["median"], r["min"], r["max"]),
            file=out)


# --------------------------------------------------------------------------

def setup_or_log(c, mode, sgwctl, errors):
    try:
        c.setup(mode, sgwctl)
        return True
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        errors.append("%s %s: setup: %s" % (mode, c.name, e))
        log(errors[-1])
        c.teardown()
        return False


def load_module(path):
    """Replace the loaded sgw.ko by PATH (its tunnels must be gone)."""
    deadline = time.time() + 60
    while os.path.isdir("/sys/module/sgw"):
        # Deleted namespaces release their tunnels asynchronously.
        if subprocess.run(["rmmod", "sgw"], capture_output=True).returncode == 0:
            break
        if time.time() > deadline:
            raise RuntimeError("sgw.ko still in use after 60 s")
        time.sleep(0.5)
    sh(["insmod", path])


def run(path):
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rounds = int(env("BENCH_ROUNDS", "5"))
    t = int(env("BENCH_TIME", "3"))
    mtu = int(env("BENCH_MTU", "1400"))
    modes = env("BENCH_MODES", "veth rps gro gro-nooffload").split()
    tests = env("BENCH_TESTS", " ".join(ALL_TESTS)).split()
    configs = env("BENCH_CONFIGS",
                  "veth xfrm:aes-gcm-128:1024 sgw:aes-gcm-128:1024 "
                  "xfrm:aes-gcm-128:0 sgw:aes-gcm-128:0 "
                  "xfrm:aes-gcm-256:1024 sgw:aes-gcm-256:1024 "
                  "xfrm:chacha20-poly1305:1024 sgw:chacha20-poly1305:1024 wg").split()
    # Other underlay modes: a smaller matrix (env BENCH_MODE_*).
    mconfigs = env("BENCH_MODE_CONFIGS",
                   "xfrm:aes-gcm-128:1024 sgw:aes-gcm-128:1024").split()
    mtests = env("BENCH_MODE_TESTS", "tcp1 tcp4").split()
    sgwctl = env("SGWCTL", os.path.join(top, "userspace", "sgwctl"))
    # Two (or more) builds of sgw.ko in one boot: LABEL=PATH ...; every sgw
    # configuration runs once per build, swapping the module in each round.
    modules = dict(m.split("=", 1) for m in env("BENCH_SGW_MODULES", "").split())
    if modules:
        def per_module(lst):
            out = []
            for c in lst:
                if c.startswith("sgw:"):
                    out += ["sgw@%s%s" % (label, c[3:]) for label in modules]
                else:
                    out.append(c)
            return out
        configs, mconfigs = per_module(configs), per_module(mconfigs)
    for m in modes:
        if m not in MODES:
            sys.exit("bench: unknown mode %s (known: %s)" % (m, " ".join(MODES)))
    for x in tests + mtests:
        if x not in ALL_TESTS:
            sys.exit("bench: unknown test %s (known: %s)" % (x, " ".join(ALL_TESTS)))
    for c in configs + mconfigs:
        p = c.split(":")
        if p[0] in ("veth", "wg") and len(p) == 1:
            continue
        if p[0].partition("@")[0] not in ("xfrm", "sgw") or len(p) != 3 or p[1] not in AEADS \
                or not p[2].isdigit():
            sys.exit("bench: bad configuration %s (IMPL:AEAD:WINDOW, veth or wg)" % c)
    key = os.urandom(36).hex()
    meta = {"rounds": rounds, "time_s": t, "mtu": mtu, "modes": modes, "tests": tests,
            "configs": list(dict.fromkeys(configs + mconfigs)),
            "mode_configs": mconfigs, "mode_tests": mtests, "sgw_modules": modules,
            "kernel": os.uname().release, "ncpu": os.cpu_count(),
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "tcg": "hypervisor" in open("/proc/cpuinfo").read(),
            "conntrack": "no netfilter rules in any bench namespace; nf_conntrack "
                         "module %s" % ("loaded" if os.path.isdir("/sys/module/nf_conntrack")
                                        else "not loaded"),
            "aes_drivers": sorted({ln.split()[-1] for ln in open("/proc/crypto")
                                   if ln.startswith("driver") and
                                   re.search(r"gcm|chacha|poly", ln)})}
    ncells = sum(rounds * len(configs if m == "veth" else mconfigs) *
                 len(tests if m == "veth" else mtests) for m in modes)
    log("%d measurements of %d s (+~2.5 s each), estimate %d min" %
        (ncells, t, ncells * (t + 2.5) // 60 + 1))
    samples, xstates, errors = [], {}, []
    for mode in modes:
        mc = configs if mode == "veth" else mconfigs
        mt = tests if mode == "veth" else mtests
        if mode == "gro":
            sh("modprobe esp4_offload")
        else:
            sh("modprobe -r esp4_offload", check=False)
        meta.setdefault("esp4_offload", {})[mode] = os.path.isdir("/sys/module/esp4_offload")
        cfgs, units = [], []
        for i, spec in enumerate(mc):
            c = Config(i, spec, mtu, key)
            if c.module:
                # Set up in its round, after its module is loaded.
                for u in units:
                    if isinstance(u, list) and u[0].module == c.module:
                        u.append(c)
                        break
                else:
                    units.append([c])
                continue
            if setup_or_log(c, mode, sgwctl, errors):
                cfgs.append(c)
                units.append(c)
        try:
            for r in range(rounds):
                load = {"host": host_load(top),
                        "guest": open("/proc/loadavg").read().split()[0]}
                uorder = units[r % len(units):] + units[:r % len(units)] if units else []
                order = []
                for u in uorder:
                    if not isinstance(u, list):
                        order.append(u)
                        continue
                    order.append(("load", u[0].module, modules[u[0].module]))
                    order += u
                    order.append(("unload", u))
                log("%s round %d/%d, host load %s, order %s" % (
                    mode, r + 1, rounds, load["host"],
                    " ".join(c.name for c in order if isinstance(c, Config))))
                for c in order:
                    if isinstance(c, tuple):
                        if c[0] == "load":
                            load_module(c[2])
                        else:
                            for x in c[1]:
                                x.teardown()
                        continue
                    if c.module:
                        if not setup_or_log(c, mode, sgwctl, errors):
                            continue
                    for test in mt:
                        c0, p0, t0 = c.counters(sgwctl), read_cpus(), time.time()
                        try:
                            res = run_test(c, test, t)
                        except subprocess.TimeoutExpired:
                            res = None
                        t1, p1, c1 = time.time(), read_cpus(), c.counters(sgwctl)
                        cd = cpu_delta(p0, p1)
                        busy = sum(v["user"] + v["sys"] + v["irq"] + v["softirq"]
                                   for v in cd.values())
                        s = {"mode": mode, "config": c.name, "test": test, "round": r,
                             "host_load": load["host"], "guest_load": load["guest"],
                             "wall_s": round(t1 - t0, 2), "result": res,
                             "cpu": {k: {f: round(x, 2) for f, x in v.items()}
                                     for k, v in cd.items()},
                             "cpu_s": round(busy, 2),
                             "counters": {k: c1[k] - c0.get(k, 0) for k in c1
                                          if c1[k] - c0.get(k, 0)}}
                        if res and res.get("bytes"):
                            s["cpu_s_per_gb"] = round(busy / (res["bytes"] / 1e9), 2)
                        if res is None:
                            errors.append("%s %s %s round %d: no result" %
                                          (mode, c.name, test, r))
                            log(errors[-1])
                        samples.append(s)
        finally:
            for c in cfgs + [x for u in units if isinstance(u, list) for x in u]:
                st = c.xfrm_states()
                if st:
                    xstates["%s %s" % (mode, c.name)] = st
                c.teardown()
    if SGW_SHOW_FAILED:
        errors.append("sgwctl tunnel show unreadable %d times: %s" %
                      (len(SGW_SHOW_FAILED), SGW_SHOW_FAILED[0]))
    doc = {"meta": meta, "errors": errors, "samples": samples, "xfrm_states": xstates}
    doc["meta"]["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    doc["summary"] = summarize(samples)
    doc["ratios"] = paired_ratios(samples, meta["configs"])
    with open(path, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print_table(doc)
    # Drops and retransmits that explain the figures: totals per configuration.
    tot = {}
    for s in samples:
        for k, v in s["counters"].items():
            if re.search(r"sgw_drop|Retrans|Reorder|Frag|Reasm|Xfrm|InErrors|RcvbufErrors", k):
                key = (s["mode"], s["config"])
                tot.setdefault(key, {}).setdefault(k, 0)
                tot[key][k] += v
    print("\ncounters summed over all tests and rounds (nonzero only):")
    for (mode, cfg), d in sorted(tot.items()):
        print("  %-14s %-28s %s" % (mode, cfg, " ".join("%s=%d" % kv for kv in sorted(d.items()))))
    return 1 if errors else 0


def load(path):
    """A result file, its summary and ratios computed again from its samples."""
    doc = json.load(open(path))
    doc["summary"] = summarize(doc["samples"])
    doc["ratios"] = paired_ratios(doc["samples"], doc["meta"]["configs"])
    return doc


def compare(old_path, new_path):
    old, new = load(old_path), load(new_path)
    om = {(s["mode"], s["config"], s["test"], s["figure"]): s for s in old["summary"]}
    print("NEW/OLD of medians (%s vs %s):" % (new_path, old_path))
    n = 0
    for s in new["summary"]:
        k = (s["mode"], s["config"], s["test"], s["figure"])
        if k[3] not in ("mbps", "kpps", "p50_ms", "p99_ms", "cpu_s_per_gb", "loss_pct"):
            continue
        o = om.get(k)
        if o is None or not o["median"]:
            continue
        print("  %-14s %-28s %-9s %-12s %10.4g -> %-10.4g %.3f" % (
            k[0], k[1], k[2], k[3], o["median"], s["median"], s["median"] / o["median"]))
        n += 1
    orr = {(r["mode"], r["num"], r["den"], r["test"]): r for r in old.get("ratios", [])}
    print("paired ratios, OLD -> NEW (median, min-max):")
    for r in new.get("ratios", []):
        o = orr.get((r["mode"], r["num"], r["den"], r["test"]))
        if o is None:
            continue
        print("  %-14s %-28s / %-24s %-9s %.3f (%.3f-%.3f) -> %.3f (%.3f-%.3f)" % (
            r["mode"], r["num"], r["den"], r["test"], o["median"], o["min"], o["max"],
            r["median"], r["min"], r["max"]))
        n += 1
    if not n:
        print("bench: the two files share no figure", file=sys.stderr)
        return 1
    return 0


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if len(sys.argv) == 3 and sys.argv[1] == "run":
        return run(sys.argv[2])
    if len(sys.argv) == 4 and sys.argv[1] == "compare":
        return compare(sys.argv[2], sys.argv[3])
    if len(sys.argv) == 3 and sys.argv[1] == "table":
        print_table(load(sys.argv[2]))
        return 0
    print(__doc__.strip().split("\n\n")[0], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
