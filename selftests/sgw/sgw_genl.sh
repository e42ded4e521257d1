#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink interface through sgwctl and through hand-made
# messages: round trips with exact values, namespaces, split dumps,
# permissions and malformed requests, for the tunnel commands and (each
# refused with an extack message, nothing changed) the SA commands.

. "$(dirname "$0")/lib.sh"

# Command and attribute numbers from uapi/linux/sgw.h.
CMD_TUNNEL_NEW=2
CMD_TUNNEL_DEL=3
CMD_TUNNEL_GET=4
CMD_SA_NEW=6
CMD_SA_GET=8
CMD_REGISTER=17
A_TUNNEL=3
A_SA=4
T_ID=1
T_IFINDEX=2
T_IFNAME=3
S_TUNNEL_ID=2
S_SPI=3
S_DIR=4
S_ALG=6
S_KEY=7
S_SOFT_SECONDS=15
S_HARD_SECONDS=16

json_get() {
	python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

test_roundtrip() {
	require_module
	setup_ns n
	x() { ip netns exec "$n" "$SGWCTL" "$@"; }
	out=$(x tunnel add id 7 name hq)
	ifindex=$(ip netns exec "$n" cat /sys/class/net/hq/ifindex)
	expect_eq "add output" "$out" "tunnel 7: interface hq (ifindex $ifindex), enabled
  local unset  remote unset
  local-ts any  remote-ts any
  drops: none"
	js=$(x -j tunnel show 7)
	expect_eq "json id" "$(echo "$js" | json_get 'd["tunnels"][0]["id"]')" 7
	expect_eq "json ifname" "$(echo "$js" | json_get 'd["tunnels"][0]["ifname"]')" hq
	expect_eq "json ifindex" "$(echo "$js" | json_get 'd["tunnels"][0]["ifindex"]')" "$ifindex"
	expect_eq "json drops" "$(echo "$js" | json_get 'sum(d["tunnels"][0]["drops"].values())')" 0
	# Every reason of enum sgw_drop, each with its own key.
	expect_eq "json drop keys" "$(echo "$js" | json_get 'len(d["tunnels"][0]["drops"])')" \
		"$(grep -cE '^\s*SGW_DROP_[A-Z_]+,' "$repo/uapi/linux/sgw.h")"

	expect_eq "show by name" "$(x -j tunnel show hq)" "$js"
	out=$(x tunnel add)
	expect_match "default id and name" "$out" "^tunnel 1: interface sgw1 "
	expect_fail "duplicate id" x tunnel add id 7
	expect_eq "duplicate id message" "$out" \
		"sgwctl: tunnel add: tunnel id already exists in this namespace"
	expect_fail "duplicate name" x tunnel add name hq
	expect_eq "duplicate name message" "$out" "sgwctl: tunnel add: interface hq already exists"
	expect_fail "bad id" x tunnel add id 65536
	expect_eq "bad id message" "$(echo "$out" | head -n 1)" \
		"sgwctl: tunnel add: tunnel id \"65536\" is not valid: expected a number from 1 to 65535"
	set +e; x tunnel add id 0 > /dev/null 2>&1; rc=$?; set -e
	expect_eq "usage error exit status" "$rc" 2
	expect_eq "tunnels" "$(x -j tunnel show | json_get 'len(d["tunnels"])')" 2
	x tunnel del hq
	expect_fail "deleted" x tunnel del 7
	expect_eq "message" "$out" "sgwctl: tunnel del 7: no tunnel with id 7"
	expect_fail "not an sgw device" x tunnel show lo
	expect_eq "message" "$out" "sgwctl: tunnel show lo: no such sgw interface"
	x tunnel del 1
	expect_eq "empty" "$(x -j tunnel show)" '{"version":1,"tunnels":[]}'
}

test_netns_separate() {
	require_module
	setup_ns a b
	ip netns exec "$a" "$SGWCTL" tunnel add id 1 name ta > /dev/null
	ip netns exec "$b" "$SGWCTL" tunnel add id 1 name tb > /dev/null
	ip netns exec "$b" "$SGWCTL" tunnel add id 2 > /dev/null
	expect_eq "a sees" "$(ip netns exec "$a" "$SGWCTL" -j tunnel show | json_get '[t["ifname"] for t in d["tunnels"]]')" "['ta']"
	expect_eq "b sees" "$(ip netns exec "$b" "$SGWCTL" -j tunnel show | json_get '[t["ifname"] for t in d["tunnels"]]')" "['tb', 'sgw2']"
	ip netns exec "$a" "$SGWCTL" tunnel del 1
	expect_eq "b keeps" "$(ip netns exec "$b" "$SGWCTL" -j tunnel show 1 | json_get 'd["tunnels"][0]["ifname"]')" tb
}

test_split_dump() {
	require_module
	setup_ns n
	count=300
	for i in $(seq "$count"); do echo "link add t$i type sgw"; done > "/tmp/sgw-batch.$$"
	ip -n "$n" -batch "/tmp/sgw-batch.$$"
	rm -f "/tmp/sgw-batch.$$"
	js=$(ip netns exec "$n" "$SGWCTL" -j tunnel show)
	expect_eq "tunnels dumped" "$(echo "$js" | json_get 'len(d["tunnels"])')" "$count"
	expect_eq "ids in order, once each" \
		"$(echo "$js" | json_get "[t['id'] for t in d['tunnels']] == list(range(1, $count + 1))")" True
	expect_eq "names match ids" \
		"$(echo "$js" | json_get "all(t['ifname'] == 't%d' % t['id'] for t in d['tunnels'])")" True
}

# Configuration needs CAP_NET_ADMIN in the initial user namespace, unless
# the module parameter allow_userns lets a user namespace's root configure
# its own network namespace; reading tunnels, SAs and events needs
# CAP_NET_ADMIN over the network namespace.
test_permissions() {
	local param=/sys/module/sgw/parameters/allow_userns

	require_module
	require_cmd setpriv unshare
	setup_ns n
	nobody() {
		ip netns exec "$n" setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=-all --bounding-set=-all "$@"
	}
	# Root of a user namespace of its own, in $n or in a new netns too.
	userns() {
		nobody unshare -Ur "$@"
	}
	userns_net() {
		nobody unshare -Urn sh -c 'ip link set lo up && exec "$@"' sh "$@"
	}
	userns true || skip "unprivileged user namespaces are disabled"
	expect_fail "unprivileged add" nobody "$SGWCTL" tunnel add id 3
	expect_eq "message" "$out" \
		"sgwctl: tunnel add: permission denied: this needs CAP_NET_ADMIN (run as root)"
	expect_fail "unprivileged raw add" nobody $GENL $CMD_TUNNEL_NEW "$A_TUNNEL:nest:{$T_ID:u32:3}"
	expect_match "errno" "$out" "^errno=1 "
	ip netns exec "$n" "$SGWCTL" tunnel add id 4 > /dev/null
	expect_fail "unprivileged del" nobody "$SGWCTL" tunnel del 4

	# Reading is refused too, to nobody and to a user namespace's root.
	expect_fail "unprivileged tunnel dump" nobody $GENL --dump $CMD_TUNNEL_GET
	expect_match "errno" "$out" "^errno=1 "
	expect_fail "unprivileged tunnel get" nobody $GENL $CMD_TUNNEL_GET "$A_TUNNEL:nest:{$T_ID:u32:4}"
	expect_match "errno" "$out" "^errno=1 "
	expect_fail "unprivileged SA dump" nobody $GENL --dump $CMD_SA_GET
	expect_match "errno" "$out" "^errno=1 "
	expect_fail "unprivileged events" nobody $GENL --join events
	expect_eq "errno" "$out" "errno=1"
	expect_fail "user namespace root: tunnel dump" userns $GENL --dump $CMD_TUNNEL_GET
	expect_match "errno" "$out" "^errno=1 "
	expect_fail "user namespace root: events" userns $GENL --join events
	expect_eq "errno" "$out" "errno=1"
	expect_fail "user namespace root: add" userns $GENL $CMD_TUNNEL_NEW "$A_TUNNEL:nest:{$T_ID:u32:3}"
	expect_match "errno" "$out" "^errno=1 "
	# Registering as the IKE daemon makes the kernel hold packets.
	expect_fail "unprivileged register" nobody $GENL $CMD_REGISTER
	expect_match "errno" "$out" "^errno=1 "
	expect_fail "user namespace root: register" userns $GENL $CMD_REGISTER
	expect_match "errno" "$out" "^errno=1 "
	expect_eq "root reads, nothing changed" \
		"$(ip netns exec "$n" "$SGWCTL" -j tunnel show | json_get '[t["id"] for t in d["tunnels"]]')" "[4]"
	ip netns exec "$n" $GENL --join events > /dev/null || fail "root cannot join events"

	# A user namespace's own network namespace: refused by default...
	expect_eq "allow_userns default" "$(cat $param)" N
	expect_fail "own netns: generic netlink add" \
		userns_net $GENL $CMD_TUNNEL_NEW "$A_TUNNEL:nest:{$T_ID:u32:3}"
	expect_eq "message" "$out" \
		"errno=1 msg=sgw configuration from a non-initial user namespace is disabled (module parameter allow_userns)"
	expect_fail "own netns: ip link add" userns_net ip link add s0 type sgw
	expect_match "message" "$out" "non-initial user namespace is disabled"
	# ... and allowed with the module parameter.
	defer "echo N > $param"
	echo Y > $param
	out=$(userns_net sh -c "$GENL $CMD_TUNNEL_NEW '$A_TUNNEL:nest:{$T_ID:u32:3}' &&
		ip link add s0 type sgw && $GENL --dump $CMD_TUNNEL_GET &&
		$GENL --join events") || fail "allowed by allow_userns: $out"
	expect_eq "allowed by allow_userns" "$out" "errno=0 msg=
errno=0 msg= messages=2
errno=0"
	echo N > $param
}

# Formatted error messages from concurrent requests each reach their own
# sender intact (before 6.2 sgw keeps them per request).
test_extack_concurrent() {
	require_module
	setup_ns n
	ip netns exec "$n" python3 -B - "$here" <<-'EOF'
	import os, struct, sys, time
	sys.path.insert(0, sys.argv[1])
	from genl import Genl, attr
	pids = []
	for tid in (1, 22, 4333, 65535):
	    pid = os.fork()
	    if pid:
	        pids.append(pid)
	        continue
	    g = Genl()
	    fam = g.family("sgw")
	    want = "no tunnel with id %d" % tid
	    req = attr(3 | 0x8000, attr(1, struct.pack("=I", tid)))
	    bad = n = 0
	    end = time.monotonic() + 8
	    while time.monotonic() < end:
	        err, msg, _ = g.request(fam, 4, req)
	        n += 1
	        if err != 2 or msg != want:
	            bad += 1
	            if bad <= 3:
	                print("id %d: errno=%d msg=%r" % (tid, err, msg), flush=True)
	    print("id %d: %d requests, %d wrong" % (tid, n, bad), flush=True)
	    os._exit(1 if bad or n < 50 else 0)
	rc = 0
	for pid in pids:
	    rc |= os.waitpid(pid, 0)[1]
	sys.exit(1 if rc else 0)
	EOF
}

# An SA dump that spans several messages is flagged interrupted
# (NLM_F_DUMP_INTR) when SAs change while it runs.
test_sa_dump_intr() {
	local key=00112233445566778899aabbccddeeff01020304 t m k spi=4096

	require_module
	setup_ns n
	ip -n "$n" link add d0 type dummy
	ip -n "$n" addr add 192.0.2.1/24 dev d0
	ip -n "$n" link set d0 up
	# SPIs 4097..4166, ten per tunnel: tunnel 7's outbound tunnel SA is 4157.
	for t in 1 2 3 4 5 6 7; do
		ip netns exec "$n" "$SGWCTL" tunnel add id $t local 192.0.2.1 \
			remote 192.0.2.$((t + 1)) > /dev/null
		for m in tunnel transport; do
			for k in out in in in in; do
				spi=$((spi + 1))
				echo "$key" | ip netns exec "$n" "$SGWCTL" sa add $t dir $k \
					spi $spi mode $m alg aes-gcm-128 key-file -
			done
		done
	done
	out=$(ip netns exec "$n" python3 -B - "$here" "$SGWCTL" <<-'EOF'
	import socket, struct, subprocess, sys
	sys.path.insert(0, sys.argv[1])
	from genl import Genl, NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP, NLMSG_DONE
	fam = Genl().family("sgw")
	# A socket of its own: the kernel sizes dump parts by the largest
	# read ever made on it.
	sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
	sock.bind((0, 0))
	body = struct.pack("=BBH", 8, 1, 0)
	sock.send(struct.pack("=IHHII", 16 + len(body), fam,
	                      NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, 7, 0) + body)
	parts = sas = intr = 0
	done = False
	while not done:
	    data = sock.recv(4096)
	    parts += 1
	    while data:
	        length, mtype, mflags = struct.unpack("=IHH", data[:8])
	        intr |= mflags & 0x10
	        if mtype == NLMSG_DONE:
	            done = True
	        else:
	            sas += 1
	        data = data[(length + 3) & ~3:]
	    if parts == 1:
	        subprocess.run([sys.argv[2], "sa", "del", "7", "dir", "out",
	                        "spi", "4157"], check=True)
	print("parts>=3" if parts >= 3 else "parts=%d" % parts,
	      "intr" if intr else "not flagged")
	EOF
	)
	expect_eq "dump across a change (70 SAs, 4 KB reads)" "$out" "parts>=3 intr"
}

# A refused SA_NEW erases the key in the request, which the error ACK
# echoes (without NETLINK_CAP_ACK), however early it was refused.
test_key_wiped() {
	require_module
	setup_ns n
	out=$(ip netns exec "$n" python3 -B - "$here" <<-'EOF'
	import struct, sys
	sys.path.insert(0, sys.argv[1])
	from genl import Genl, attr, SOL_NETLINK, NETLINK_CAP_ACK
	g = Genl()
	g.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 0)
	fam = g.family("sgw")
	key = bytes(range(0xa0, 0xb4))
	for spi in (5, 4096):	# refused by the policy; no tunnel 1
	    sa = (attr(2, struct.pack("=I", 1)) + attr(3, struct.pack("=I", spi)) +
	          attr(4, struct.pack("=B", 2)) + attr(6, struct.pack("=I", 1)) +
	          attr(7, key))
	    body = struct.pack("=BBH", 6, 1, 0) + attr(4 | 0x8000, sa)
	    g.sock.send(struct.pack("=IHHII", 16 + len(body), fam, 5, 9, 0) + body)
	    data = g.sock.recv(65536)
	    err = -struct.unpack("=i", data[16:20])[0]
	    print("spi %d: errno=%d key echoed=%s" % (spi, err, key in data))
	EOF
	)
	expect_eq "error ACKs" "$out" "spi 5: errno=34 key echoed=False
spi 4096: errno=2 key echoed=False"
}

# Time lifetimes are bounded in the policy; a hard limit below the soft
# one still removes the SA at the hard limit (sgwctl refuses such a pair,
# other clients may send it).
test_lifetimes() {
	local key=00112233445566778899aabbccddeeff01020304 sa i

	require_module
	setup_ns n
	ip -n "$n" link add d0 type dummy
	ip -n "$n" addr add 192.0.2.1/24 dev d0
	ip -n "$n" link set d0 up
	ip netns exec "$n" "$SGWCTL" tunnel add id 1 local 192.0.2.1 remote 192.0.2.2 > /dev/null
	sa="$S_TUNNEL_ID:u32:1,$S_DIR:u8:2,$S_ALG:u32:1,$S_KEY:bin:$key"
	expect_fail "soft seconds 2^63+5" ip netns exec "$n" $GENL $CMD_SA_NEW \
		"$A_SA:nest:{$sa,$S_SPI:u32:0x1001,$S_SOFT_SECONDS:u64:9223372036854775813}"
	expect_eq "message" "$out" "errno=34 msg=integer out of range"
	expect_fail "hard seconds 2^32" ip netns exec "$n" $GENL $CMD_SA_NEW \
		"$A_SA:nest:{$sa,$S_SPI:u32:0x1001,$S_HARD_SECONDS:u64:4294967296}"
	expect_eq "message" "$out" "errno=34 msg=integer out of range"
	expect_eq "nothing installed" "$(ip netns exec "$n" "$SGWCTL" -j sa show 2> /dev/null)" '{"version":1,"sas":[]}'
	ip netns exec "$n" $GENL $CMD_SA_NEW \
		"$A_SA:nest:{$sa,$S_SPI:u32:0x1001,$S_HARD_SECONDS:u64:4294967295}" > /dev/null ||
		fail "the largest hard seconds refused"
}

test_lifetime_hard_below_soft() {
	local key=00112233445566778899aabbccddeeff01020304 sa i

	require_module
	setup_ns n
	ip -n "$n" link add d0 type dummy
	ip -n "$n" addr add 192.0.2.1/24 dev d0
	ip -n "$n" link set d0 up
	ip netns exec "$n" "$SGWCTL" tunnel add id 1 local 192.0.2.1 remote 192.0.2.2 > /dev/null
	sa="$S_TUNNEL_ID:u32:1,$S_DIR:u8:2,$S_ALG:u32:1,$S_KEY:bin:$key"
	# Soft 1 day, hard 2 s: gone within the bound, not in a day.
	ip netns exec "$n" $GENL $CMD_SA_NEW \
		"$A_SA:nest:{$sa,$S_SPI:u32:0x1002,$S_SOFT_SECONDS:u64:86400,$S_HARD_SECONDS:u64:2}" > /dev/null ||
		fail "soft 86400 hard 2 refused"
	for i in $(seq 60); do
		[ "$(ip netns exec "$n" "$SGWCTL" -j sa show 2> /dev/null | json_get 'len(d["sas"])')" = 0 ] && break
		sleep 0.5
	done
	expect_eq "SAs left 30 s after a 2 s hard limit" \
		"$(ip netns exec "$n" "$SGWCTL" -j sa show 2> /dev/null | json_get 'len(d["sas"])')" 0
}

# bad_request WHAT EXPECT_ERRNO MSG_REGEX ATTRS...
bad_request() {
	local what=$1 errno=$2 re=$3

	shift 3
	expect_fail "$what" ip netns exec "$n" $GENL "$@"
	expect_match "$what" "$out" "^errno=$errno msg=$re"
	expect_eq "$what: state after" "$(ip netns exec "$n" "$SGWCTL" -j tunnel show)" "$before"
	expect_eq "$what: devices after" "$(ip -n "$n" -o link show type sgw | wc -l)" 1
}

test_bad_attributes() {
	require_module
	setup_ns n
	ip netns exec "$n" "$SGWCTL" tunnel add id 1 > /dev/null
	before=$(ip netns exec "$n" "$SGWCTL" -j tunnel show)
	bad_request "missing tunnel" 22 ".*tunnel attributes required" $CMD_TUNNEL_DEL
	bad_request "tunnel not nested" 22 ".+" $CMD_TUNNEL_NEW "$A_TUNNEL:u32:5"
	bad_request "id of wrong size" 22 ".+" $CMD_TUNNEL_NEW "$A_TUNNEL:nest:{$T_ID:u8:5}"
	bad_request "id out of range" 34 ".+" $CMD_TUNNEL_NEW "$A_TUNNEL:nest:{$T_ID:u32:70000}"
	bad_request "name too long" 22 ".+" $CMD_TUNNEL_NEW "$A_TUNNEL:nest:{$T_IFNAME:str:abcdefghijklmnop}"
	bad_request "name not terminated" 22 ".+" $CMD_TUNNEL_NEW "$A_TUNNEL:nest:{$T_IFNAME:bin:4142}"
	bad_request "invalid name" 22 "invalid interface name" $CMD_TUNNEL_NEW "$A_TUNNEL:nest:{$T_IFNAME:str:a/b}"
	bad_request "unknown attribute" 22 ".+" $CMD_TUNNEL_NEW "$A_TUNNEL:nest:{40:u32:1}"
	bad_request "unknown top attribute" 22 ".+" $CMD_TUNNEL_NEW "40:u32:1"
	bad_request "ifindex on create" 22 "ifindex is chosen by the kernel" \
		$CMD_TUNNEL_NEW "$A_TUNNEL:nest:{$T_IFINDEX:u32:1}"
	bad_request "no selector" 22 "tunnel id, ifindex or ifname required" \
		$CMD_TUNNEL_DEL "$A_TUNNEL:nest:{}"
	bad_request "unknown command" 95 "" 99
}

ctl() {
	local ns=$1

	shift
	ip netns exec "$ns" "$SGWCTL" "$@"
}

# ---------------------------------------- SA and tunnel commands, refused


CMD_TUNNEL_SET=5 CMD_SA_NEW=6 CMD_SA_DEL=7 CMD_SA_GET=8 CMD_SA_FLUSH=9
A_TUNNEL=3 A_SA=4
T_ID=1 T_LOCAL=6 T_REMOTE=7 T_LOCAL_TS=8 T_REMOTE_TS=9 T_ENABLED=10
TS_PREFIX=1 P_ADDR=1 P_LEN=2
S_TUNNEL=2 S_SPI=3 S_DIR=4 S_MODE=5 S_ALG=6 S_KEY=7 S_WINDOW=8
S_LOCAL_TS=24 S_REMOTE_TS=25
DIR_IN=1 DIR_OUT=2

# The tunnels and SAs, without the SAs' age (it moves on by itself).
nl_state() {
	ctl "$n" -j tunnel show
	ctl "$n" -j sa show 2> /dev/null | sed 's/"age":[0-9]*,//g'
}

# refused WHAT ERRNO_RE MSG_RE CMD ATTRS...: refused with that errno and a
# non-empty extack message; the state is what it was.
refused() {
	local what=$1 errno=$2 re=$3

	shift 3
	expect_fail "$what" ip netns exec "$n" $GENL "$@"
	expect_match "$what" "$out" "^errno=($errno) msg=.+"
	msg=${out#* msg=}
	expect_match "$what: message" "${msg,,}" "$re"
	expect_eq "$what: state after" "$(nl_state)" "$before"
}

nl_setup() {
	require_module
	setup_ns n
	# The local SGW addresses must be assigned here.
	ip -n "$n" -batch - <<-EOF
	link add a0 type veth peer name a1
	addr add 192.0.2.1/24 dev a0
	addr add 2001:db8::1/64 dev a0 nodad
	link set a0 up
	link set a1 up
	EOF
	ctl "$n" tunnel add id 1 local 192.0.2.1 remote 198.51.100.2 > /dev/null
	ctl "$n" tunnel add id 2 > /dev/null
	# aes-gcm-128: 16 bytes of key, 4 of salt.
	key20=$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
}

# sa ATTRS...: an SA_NEW nest
sa_nest() {
	local IFS=,

	echo "$A_SA:nest:{$*}"
}

test_nl_sa_new() {
	local t1="$S_TUNNEL:u32:1" spi="$S_SPI:u32:4096" din="$S_DIR:u8:$DIR_IN"
	local alg="$S_ALG:u32:1" key i

	nl_setup
	key="$S_KEY:bin:$key20"
	# A positive control: the same encoding is accepted when valid.
	ip netns exec "$n" $GENL $CMD_SA_NEW "$(sa_nest $t1 $spi $din $alg "$key")" > /dev/null ||
		fail "a valid SA_NEW was refused"
	expect_eq "control SA" "$(ctl "$n" -j sa show | json_get '[(s["spi"], s["dir"], s["alg"]) for s in d["sas"]]')" \
		"[(4096, 'in', 'aes-gcm-128')]"
	before=$(nl_state)
	refused "no SA attributes" 22 . $CMD_SA_NEW
	refused "no tunnel id" 22 . $CMD_SA_NEW "$(sa_nest $spi $din $alg "$key")"
	refused "no SPI" 22 . $CMD_SA_NEW "$(sa_nest $t1 $din $alg "$key")"
	refused "no direction" 22 . $CMD_SA_NEW "$(sa_nest $t1 $spi $alg "$key")"
	refused "no algorithm" 22 . $CMD_SA_NEW "$(sa_nest $t1 $spi $din "$key")"
	refused "no key" 22 . $CMD_SA_NEW "$(sa_nest $t1 $spi $din $alg)"
	refused "key 1 byte short" 22 key $CMD_SA_NEW \
		"$(sa_nest $t1 $S_SPI:u32:4097 $din $alg "$S_KEY:bin:${key20:2}")"
	refused "key 1 byte long" 22 key $CMD_SA_NEW \
		"$(sa_nest $t1 $S_SPI:u32:4097 $din $alg "$S_KEY:bin:${key20}00")"
	refused "aes-gcm-256 with a 128-bit key" 22 key $CMD_SA_NEW \
		"$(sa_nest $t1 $S_SPI:u32:4097 $din $S_ALG:u32:2 "$key")"
	refused "SPI 255" "22|34" . $CMD_SA_NEW "$(sa_nest $t1 $S_SPI:u32:255 $din $alg "$key")"
	refused "SPI 0" "22|34" . $CMD_SA_NEW "$(sa_nest $t1 $S_SPI:u32:0 $din $alg "$key")"
	refused "algorithm 0" "22|34|95" . $CMD_SA_NEW "$(sa_nest $t1 $S_SPI:u32:4097 $din $S_ALG:u32:0 "$key")"
	refused "algorithm 6" "22|34|95" . $CMD_SA_NEW "$(sa_nest $t1 $S_SPI:u32:4097 $din $S_ALG:u32:6 "$key")"
	refused "direction 3" "22|34" . $CMD_SA_NEW "$(sa_nest $t1 $S_SPI:u32:4097 $S_DIR:u8:3 $alg "$key")"
	refused "mode 3" "22|34|95" . $CMD_SA_NEW "$(sa_nest $t1 $S_SPI:u32:4097 $din $S_MODE:u8:3 $alg "$key")"
	refused "replay window 4097" "22|34" . $CMD_SA_NEW \
		"$(sa_nest $t1 $S_SPI:u32:4097 $din $alg "$key" $S_WINDOW:u32:4097)"
	refused "tunnel without addresses" "22|95|107|89" . $CMD_SA_NEW \
		"$(sa_nest $S_TUNNEL:u32:2 $S_SPI:u32:4097 $din $alg "$key")"
	refused "no such tunnel" "2|19" . $CMD_SA_NEW \
		"$(sa_nest $S_TUNNEL:u32:9 $S_SPI:u32:4097 $din $alg "$key")"
	refused "unknown SA attribute" 22 . $CMD_SA_NEW \
		"$(sa_nest $t1 $S_SPI:u32:4097 $din $alg "$key" 40:u32:1)"
	refused "key in a u32" 22 . $CMD_SA_NEW "$(sa_nest $t1 $S_SPI:u32:4097 $din $alg $S_KEY:u32:1)"
	# Sixteen inbound SAs at most (one is there already); sgwctl adds
	# the valid ones, which costs no Python start each.
	for i in $(seq 4098 4112); do
		echo "$key20" | ctl "$n" sa add 1 dir in spi $i alg aes-gcm-128 key-file - > /dev/null ||
			fail "inbound SA $i refused"
	done
	before=$(nl_state)
	expect_eq "inbound SAs" "$(ctl "$n" -j sa show | json_get 'len(d["sas"])')" 16
	refused "a seventeenth inbound SA" ".+" . $CMD_SA_NEW "$(sa_nest $t1 $S_SPI:u32:4113 $din $alg "$key")"
	sa_new_ts "$key"
}

# An SA's own selectors (one CHILD SA of several): inside the tunnel's
# only, strictly parsed; eight outbound ones with other selectors at most,
# the same selectors replacing.
sa_new_ts() {
	local t1="$S_TUNNEL:u32:1" dout="$S_DIR:u8:$DIR_OUT" alg="$S_ALG:u32:1"
	local key=$1 lts rts i

	ctl "$n" tunnel set 1 local-ts 10.1.0.0/16 remote-ts 10.2.0.0/16 > /dev/null
	lts="$S_LOCAL_TS:nest:{$TS_PREFIX:nest:{$P_ADDR:bin:0a010100,$P_LEN:u8:24}}"
	rts="$S_REMOTE_TS:nest:{$TS_PREFIX:nest:{$P_ADDR:bin:0a020100,$P_LEN:u8:24}}"
	before=$(nl_state)
	refused "SA remote selectors outside the tunnel's" 22 "remote selectors" $CMD_SA_NEW \
		"$(sa_nest $t1 $S_SPI:u32:8192 $dout $alg "$key" "$lts" \
			"$S_REMOTE_TS:nest:{$TS_PREFIX:nest:{$P_ADDR:bin:0a030000,$P_LEN:u8:24}}")"
	refused "SA local selectors wider than the tunnel's" 22 "local selectors" $CMD_SA_NEW \
		"$(sa_nest $t1 $S_SPI:u32:8192 $dout $alg "$key" \
			"$S_LOCAL_TS:nest:{$TS_PREFIX:nest:{$P_ADDR:bin:0a000000,$P_LEN:u8:8}}")"
	refused "SA selector with host bits" 22 "host bits" $CMD_SA_NEW \
		"$(sa_nest $t1 $S_SPI:u32:8192 $dout $alg "$key" \
			"$S_LOCAL_TS:nest:{$TS_PREFIX:nest:{$P_ADDR:bin:0a010101,$P_LEN:u8:24}}")"
	refused "SA selector list with another attribute" 22 "unknown attribute" $CMD_SA_NEW \
		"$(sa_nest $t1 $S_SPI:u32:8192 $dout $alg "$key" "$S_LOCAL_TS:nest:{2:u32:1}")"
	refused "SA selectors in a u32" 22 . $CMD_SA_NEW \
		"$(sa_nest $t1 $S_SPI:u32:8192 $dout $alg "$key" "$S_LOCAL_TS:u32:1")"
	refused "selectors on a transport-mode SA" 22 "tunnel-mode" $CMD_SA_NEW \
		"$(sa_nest $t1 $S_SPI:u32:8192 $dout $S_MODE:u8:2 $alg "$key" "$lts")"
	for i in 0 1 2 3 4 5 6 7; do
		echo "$key20" | ctl "$n" sa add 1 dir out spi $((8192 + i)) alg aes-gcm-128 \
			key-file - local-ts 10.1.$i.0/24 remote-ts 10.2.$i.0/24 > /dev/null ||
			fail "outbound SA $((8192 + i)) with selectors refused"
	done
	before=$(nl_state)
	refused "a ninth outbound SA with other selectors" 28 "8 outbound sas" $CMD_SA_NEW \
		"$(sa_nest $t1 $S_SPI:u32:8200 $dout $alg "$key" "$lts" \
			"$S_REMOTE_TS:nest:{$TS_PREFIX:nest:{$P_ADDR:bin:0a020200,$P_LEN:u8:24}}")"
	# The very same selectors as 8193's: that one is replaced.
	ip netns exec "$n" $GENL $CMD_SA_NEW "$(sa_nest $t1 $S_SPI:u32:8201 $dout $alg "$key" "$lts" "$rts")" \
		> /dev/null || fail "outbound SA 8201 replacing 8193 refused"
	expect_eq "outbound SAs with selectors" \
		"$(ctl "$n" -j sa show | json_get 'sorted(s["spi"] for s in d["sas"] if s["dir"] == "out")')" \
		"[8192, 8194, 8195, 8196, 8197, 8198, 8199, 8201]"
	expect_eq "8201's selectors" \
		"$(ctl "$n" -j sa show | json_get '[(s["local_ts"], s["remote_ts"]) for s in d["sas"] if s["spi"] == 8201]')" \
		"[(['10.1.1.0/24'], ['10.2.1.0/24'])]"
}

test_nl_sa_del_get_flush() {
	local t1="$S_TUNNEL:u32:1" din="$S_DIR:u8:$DIR_IN" out

	nl_setup
	ctl "$n" tunnel add id 3 local 2001:db8::1 remote 2001:db8::2 > /dev/null
	echo "$key20" | ctl "$n" sa add 1 dir in spi 0x1000 alg aes-gcm-128 key-file - > /dev/null
	echo "$key20" | ctl "$n" sa add 1 dir out spi 0x1001 alg aes-gcm-128 key-file - > /dev/null
	echo "$key20" | ctl "$n" sa add 3 dir in spi 0x3000 alg aes-gcm-128 key-file - > /dev/null
	before=$(nl_state)
	expect_eq "SAs" "$(ctl "$n" -j sa show | json_get 'len(d["sas"])')" 3
	refused "del: no SA attributes" 22 . $CMD_SA_DEL
	refused "del: no SPI" 22 . $CMD_SA_DEL "$(sa_nest $t1 $din)"
	refused "del: no direction" 22 . $CMD_SA_DEL "$(sa_nest $t1 $S_SPI:u32:4096)"
	refused "del: no tunnel" 22 . $CMD_SA_DEL "$(sa_nest $S_SPI:u32:4096 $din)"
	refused "del: wrong direction" 2 . $CMD_SA_DEL "$(sa_nest $t1 $S_SPI:u32:4096 $S_DIR:u8:$DIR_OUT)"
	refused "del: no such SPI" 2 . $CMD_SA_DEL "$(sa_nest $t1 $S_SPI:u32:4095 $din)"
	refused "del: other tunnel's SA" 2 . $CMD_SA_DEL "$(sa_nest $t1 $S_SPI:u32:12288 $din)"
	refused "del: no such tunnel" "2|19" . $CMD_SA_DEL "$(sa_nest $S_TUNNEL:u32:9 $S_SPI:u32:4096 $din)"
	refused "del: unknown attribute" 22 . $CMD_SA_DEL "$(sa_nest $t1 $S_SPI:u32:4096 $din 40:u8:1)"
	refused "get: unknown attribute" 22 . --dump $CMD_SA_GET "$(sa_nest 40:u8:1)"
	refused "get: tunnel id in a u8" 22 . --dump $CMD_SA_GET "$(sa_nest $S_TUNNEL:u8:1)"
	out=$(ip netns exec "$n" $GENL --dump $CMD_SA_GET "$(sa_nest $S_TUNNEL:u32:3)")
	expect_eq "get: filtered dump" "$out" "errno=0 msg= messages=1"
	out=$(ip netns exec "$n" $GENL --dump $CMD_SA_GET)
	expect_eq "get: full dump" "$out" "errno=0 msg= messages=3"
	refused "flush: unknown attribute" 22 . $CMD_SA_FLUSH "$(sa_nest 40:u8:1)"
	refused "flush: no such tunnel" "2|19" . $CMD_SA_FLUSH "$(sa_nest $S_TUNNEL:u32:9)"
	ip netns exec "$n" $GENL $CMD_SA_FLUSH "$(sa_nest $t1)" > /dev/null
	expect_eq "flush of tunnel 1 keeps tunnel 3's SA" \
		"$(ctl "$n" -j sa show | json_get '[(s["tunnel"], s["spi"]) for s in d["sas"]]')" "[(3, 12288)]"
	ip netns exec "$n" $GENL $CMD_SA_DEL "$(sa_nest $S_TUNNEL:u32:3 $S_SPI:u32:12288 $din)" > /dev/null
	expect_eq "deleted" "$(ctl "$n" -j sa show)" '{"version":1,"sas":[]}'
}

test_nl_tunnel_set() {
	local t="$A_TUNNEL:nest:{$T_ID:u32:2" v4=c0000201 v4b=c6336403
	local v6=20010db8000000000000000000000001 i pfx

	nl_setup
	before=$(nl_state)
	refused "no tunnel attributes" 22 . $CMD_TUNNEL_SET
	refused "no selector" 22 . $CMD_TUNNEL_SET "$A_TUNNEL:nest:{$T_LOCAL:bin:$v4}"
	refused "no such tunnel" "2|19" . $CMD_TUNNEL_SET "$A_TUNNEL:nest:{$T_ID:u32:9,$T_LOCAL:bin:$v4}"
	refused "family mismatch" "22|97" "famil|local|remote|address" $CMD_TUNNEL_SET \
		"$t,$T_LOCAL:bin:$v4,$T_REMOTE:bin:$v6}"
	refused "address of 5 bytes" "22|34" . $CMD_TUNNEL_SET "$t,$T_LOCAL:bin:${v4}01,$T_REMOTE:bin:${v4b}01}"
	refused "remote only, other family than tunnel 1's pattern" "22|97" . $CMD_TUNNEL_SET \
		"$A_TUNNEL:nest:{$T_ID:u32:1,$T_REMOTE:bin:$v6}"
	refused "IPv4 prefix /33" "22|34" . $CMD_TUNNEL_SET \
		"$t,$T_REMOTE_TS:nest:{$TS_PREFIX:nest:{$P_ADDR:bin:0a010000,$P_LEN:u8:33}}}"
	refused "IPv6 prefix /129" "22|34" . $CMD_TUNNEL_SET \
		"$t,$T_LOCAL_TS:nest:{$TS_PREFIX:nest:{$P_ADDR:bin:$v6,$P_LEN:u8:129}}}"
	refused "prefix without address" 22 . $CMD_TUNNEL_SET \
		"$t,$T_LOCAL_TS:nest:{$TS_PREFIX:nest:{$P_LEN:u8:8}}}"
	pfx=
	for i in $(seq 17); do
		pfx="$pfx,$TS_PREFIX:nest:{$P_ADDR:bin:0a$(printf %02x "$i")0000,$P_LEN:u8:16}"
	done
	refused "17 prefixes" "22|34|7" . $CMD_TUNNEL_SET "$t,$T_REMOTE_TS:nest:{${pfx#,}}}"
	refused "enabled 2" "22|34" . $CMD_TUNNEL_SET "$t,$T_ENABLED:u8:2}"
	# Nothing of a refused request is applied, not even its valid part.
	refused "valid addresses with a bad selector" "22|34" . $CMD_TUNNEL_SET \
		"$t,$T_LOCAL:bin:$v4,$T_REMOTE:bin:$v4b,$T_REMOTE_TS:nest:{$TS_PREFIX:nest:{$P_ADDR:bin:0a010000,$P_LEN:u8:33}}}"
	refused "unknown tunnel attribute" 22 . $CMD_TUNNEL_SET "$t,40:u8:1}"
	# The positive control: the same encoding, valid, changes tunnel 2.
	ip netns exec "$n" $GENL $CMD_TUNNEL_SET \
		"$t,$T_LOCAL:bin:$v4,$T_REMOTE:bin:$v4b,$T_REMOTE_TS:nest:{$TS_PREFIX:nest:{$P_ADDR:bin:0a010000,$P_LEN:u8:16}}}" > /dev/null ||
		fail "a valid TUNNEL_SET was refused"
	expect_eq "tunnel 2" "$(ctl "$n" -j tunnel show 2 | json_get '(d["tunnels"][0]["local"], d["tunnels"][0]["remote"], d["tunnels"][0]["remote_ts"])')" \
		"('192.0.2.1', '198.51.100.3', ['10.1.0.0/16'])"
}

ktap_begin 13
run_test "sgwctl tunnel add/show/del round trip" test_roundtrip
run_test "namespaces keep separate tunnels" test_netns_separate
run_test "dump split across messages" test_split_dump
run_test "changes and reads need CAP_NET_ADMIN; user namespaces only with allow_userns" test_permissions
run_test "concurrent requests get their own error messages" test_extack_concurrent
run_test "an SA dump across a change is flagged interrupted" test_sa_dump_intr
run_test "a refused SA_NEW erases the key it carried" test_key_wiped
run_test "SA time lifetimes: at most SGW_SA_SECONDS_MAX" test_lifetimes
run_test "SA hard time lifetime below the soft one: removed at the hard one" test_lifetime_hard_below_soft
run_test "malformed requests refused, nothing changed" test_bad_attributes
run_test "bad netlink: SA_NEW refused with extack, nothing left" test_nl_sa_new
run_test "bad netlink: SA_DEL, SA_GET, SA_FLUSH" test_nl_sa_del_get_flush
run_test "bad netlink: TUNNEL_SET" test_nl_tunnel_set
ktap_end
