#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink interface through sgwctl and through hand-made
# messages: round trips with exact values, namespaces, split dumps,
# permissions and malformed requests.

. "$(dirname "$0")/lib.sh"

# Command and attribute numbers from uapi/linux/sgw.h.
CMD_TUNNEL_NEW=2
CMD_TUNNEL_DEL=3
A_TUNNEL=3
T_ID=1
T_IFINDEX=2
T_IFNAME=3

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
	expect_eq "json id" "$(echo "$js" | json_get 'd[0]["id"]')" 7
	expect_eq "json ifname" "$(echo "$js" | json_get 'd[0]["ifname"]')" hq
	expect_eq "json ifindex" "$(echo "$js" | json_get 'd[0]["ifindex"]')" "$ifindex"
	expect_eq "json drops" "$(echo "$js" | json_get 'sum(d[0]["drops"].values())')" 0
	expect_eq "json drop keys" "$(echo "$js" | json_get 'len(d[0]["drops"])')" 13
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
	expect_eq "tunnels" "$(x -j tunnel show | json_get 'len(d)')" 2
	x tunnel del hq
	expect_fail "deleted" x tunnel del 7
	expect_eq "message" "$out" "sgwctl: tunnel del 7: no tunnel with id 7"
	expect_fail "not an sgw device" x tunnel show lo
	expect_eq "message" "$out" "sgwctl: tunnel show lo: no such sgw interface"
	x tunnel del 1
	expect_eq "empty" "$(x -j tunnel show)" "[]"
}

test_netns_separate() {
	require_module
	setup_ns a b
	ip netns exec "$a" "$SGWCTL" tunnel add id 1 name ta > /dev/null
	ip netns exec "$b" "$SGWCTL" tunnel add id 1 name tb > /dev/null
	ip netns exec "$b" "$SGWCTL" tunnel add id 2 > /dev/null
	expect_eq "a sees" "$(ip netns exec "$a" "$SGWCTL" -j tunnel show | json_get '[t["ifname"] for t in d]')" "['ta']"
	expect_eq "b sees" "$(ip netns exec "$b" "$SGWCTL" -j tunnel show | json_get '[t["ifname"] for t in d]')" "['tb', 'sgw2']"
	ip netns exec "$a" "$SGWCTL" tunnel del 1
	expect_eq "b keeps" "$(ip netns exec "$b" "$SGWCTL" -j tunnel show 1 | json_get 'd[0]["ifname"]')" tb
}

test_split_dump() {
	require_module
	setup_ns n
	count=300
	for i in $(seq "$count"); do echo "link add t$i type sgw"; done > "/tmp/sgw-batch.$$"
	ip -n "$n" -batch "/tmp/sgw-batch.$$"
	rm -f "/tmp/sgw-batch.$$"
	js=$(ip netns exec "$n" "$SGWCTL" -j tunnel show)
	expect_eq "tunnels dumped" "$(echo "$js" | json_get 'len(d)')" "$count"
	expect_eq "ids in order, once each" \
		"$(echo "$js" | json_get "[t['id'] for t in d] == list(range(1, $count + 1))")" True
	expect_eq "names match ids" \
		"$(echo "$js" | json_get "all(t['ifname'] == 't%d' % t['id'] for t in d)")" True
}

test_permissions() {
	require_module
	require_cmd setpriv
	setup_ns n
	nobody() {
		ip netns exec "$n" setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=-all --bounding-set=-all "$@"
	}
	expect_fail "unprivileged add" nobody "$SGWCTL" tunnel add id 3
	expect_eq "message" "$out" \
		"sgwctl: tunnel add: permission denied: this needs CAP_NET_ADMIN (run as root)"
	expect_fail "unprivileged raw add" nobody $GENL $CMD_TUNNEL_NEW "$A_TUNNEL:nest:{$T_ID:u32:3}"
	expect_match "errno" "$out" "^errno=1 "
	ip netns exec "$n" "$SGWCTL" tunnel add id 4 > /dev/null
	expect_fail "unprivileged del" nobody "$SGWCTL" tunnel del 4
	# Reading is allowed, and nothing changed.
	expect_eq "state" "$(nobody "$SGWCTL" -j tunnel show | json_get '[t["id"] for t in d]')" "[4]"
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

ktap_begin 5
run_test "sgwctl tunnel add/show/del round trip" test_roundtrip
run_test "namespaces keep separate tunnels" test_netns_separate
run_test "dump split across messages" test_split_dump
run_test "changes need CAP_NET_ADMIN" test_permissions
run_test "malformed requests refused, nothing changed" test_bad_attributes
ktap_end
