#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ESP data plane, proven with traffic: sgw to sgw, sgw against the
# kernel's own ESP on the wire, anti-replay and ESN, malformed and
# misdirected ESP, selectors, teardown under load and lifetimes. Bad
# netlink input for the SA and tunnel commands is sgw_genl.sh's.
#
#   hA --- gA ==== rt ==== gB --- hB
#   10.1.0.2   192.0.2.1    198.51.100.2   10.2.0.2
#   fd01::2    2001:db8:a::1  2001:db8:b::2  fd02::2
#
# rt forwards ESP only (nftables, with counters) and is where packets are
# captured and crafted ones injected. Expected numbers come from the
# formulas of Documentation/interface.md, never from the output under test.
#
# SGW_ESP_REF=1 puts the kernel's own ESP (an xfrm interface named sgw1)
# wherever a test would use sgw, to prove the harness itself; tests that
# only make sense for sgw are skipped then.

. "$(dirname "$0")/lib.sh"

ESP="python3 $here/esp.py"
SGW=sgw
[ -n "${SGW_ESP_REF:-}" ] && SGW=xfrm
# SGW_ESP_TRACE=1: every command with a time stamp, to see where time goes.
if [ -n "${SGW_ESP_TRACE:-}" ]; then
	PS4='+ $EPOCHREALTIME '
	set -x
fi
ALGS="aes-gcm-128 aes-gcm-256 chacha20-poly1305 aes-cbc-128-sha256 aes-cbc-256-sha256"
# RFC 4868's HMAC-SHA-384/512: proven against the kernel's ESP in one
# topology by the ESP-in-UDP case (plain and in UDP).
ALGS_SHA2="aes-cbc-128-sha384 aes-cbc-256-sha384 aes-cbc-128-sha512 aes-cbc-256-sha512"
SPI_AB=0x1001	# gA -> gB
SPI_BA=0x2001	# gB -> gA

# ---------------------------------------------------------------- helpers

# alg_info ALG: key bytes, IV, ICV, alignment (interface.md's table).
alg_info() {
	case $1 in
	aes-gcm-128) echo "20 8 16 4" ;;
	aes-gcm-256|chacha20-poly1305) echo "36 8 16 4" ;;
	aes-cbc-128-sha256) echo "48 16 16 16" ;;
	aes-cbc-256-sha256) echo "64 16 16 16" ;;
	aes-cbc-128-sha384) echo "64 16 24 16" ;;
	aes-cbc-256-sha384) echo "80 16 24 16" ;;
	aes-cbc-128-sha512) echo "80 16 32 16" ;;
	aes-cbc-256-sha512) echo "96 16 32 16" ;;
	*) fail "unknown algorithm $1" ;;
	esac
}

keygen() {
	local n

	read -r n _ <<< "$(alg_info "$1")"
	od -An -tx1 -N"$n" /dev/urandom | tr -d ' \n'
}

# inner_len FAMILY SIZE: bytes of "ping -s SIZE" as an IP packet.
inner_len() {
	if [ "$1" = 4 ]; then echo $(($2 + 8 + 20)); else echo $(($2 + 8 + 40)); fi
}

# outer_len FAMILY ALG INNER: outer IP + 8 + IV + ALIGN(L + 2, align) + ICV
outer_len() {
	local ip=20 kl iv icv al

	[ "$1" = 6 ] && ip=40
	read -r kl iv icv al <<< "$(alg_info "$2")"
	echo $((ip + 8 + iv + ($3 + 2 + al - 1) / al * al + icv))
}

n_exec() {
	local ns=$1

	shift
	ip netns exec "$ns" "$@"
}

ctl() {
	local ns=$1

	shift
	ip netns exec "$ns" "$SGWCTL" "$@"
}

json() {
	python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

# wait_eq WHAT EXPECTED CMD...: poll (5 s) until CMD prints EXPECTED.
wait_eq() {
	local what=$1 want=$2 i v

	shift 2
	for i in $(seq 50); do
		v=$("$@" 2>&1) || true
		[ "$v" = "$want" ] && return 0
		sleep 0.1
	done
	fail "$what: got \"$v\", expected \"$want\""
}

# topo: five fresh namespaces, both address families on every link. Each
# program start costs about half a second in an emulated guest, so one
# "ip -batch" per namespace does the work.
topo() {
	local ns all=

	for ns in hA gA rt gB hB; do
		eval "$ns=sgwt-$ns-$BASHPID-$RANDOM"
		all="$all ${!ns}"
	done
	# shellcheck disable=SC2086
	printf 'netns add %s\n' $all | ip -batch - || fail "cannot create namespaces"
	# shellcheck disable=SC2086
	defer "printf 'netns del %s\n' $all | ip -force -batch -"
	ip -n "$hA" -batch - <<-EOF
	link set lo up
	link add eth0 type veth peer name lan netns $gA
	addr add 10.1.0.2/24 dev eth0
	addr add fd01::2/64 dev eth0 nodad
	link set eth0 up
	route add default via 10.1.0.1
	route add default via fd01::1
	EOF
	ip -n "$hB" -batch - <<-EOF
	link set lo up
	link add eth0 type veth peer name lan netns $gB
	addr add 10.2.0.2/24 dev eth0
	addr add fd02::2/64 dev eth0 nodad
	link set eth0 up
	route add default via 10.2.0.1
	route add default via fd02::1
	EOF
	for ns in "$gA" "$rt" "$gB"; do
		n_exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	done
	ip -n "$rt" -batch - <<-EOF
	link set lo up
	link add ra type veth peer name wan netns $gA
	link add rb type veth peer name wan netns $gB
	addr add 192.0.2.254/24 dev ra
	addr add 2001:db8:a::fe/64 dev ra nodad
	addr add 198.51.100.254/24 dev rb
	addr add 2001:db8:b::fe/64 dev rb nodad
	link set ra up
	link set rb up
	EOF
	# The gateways reach everything through the router: without the
	# tunnel routes, clear traffic would go there (and be dropped).
	ip -n "$gA" -batch - <<-EOF
	link set lo up
	addr add 10.1.0.1/24 dev lan
	addr add fd01::1/64 dev lan nodad
	addr add 192.0.2.1/24 dev wan
	addr add 2001:db8:a::1/64 dev wan nodad
	link set lan up
	link set wan up
	route add default via 192.0.2.254
	route add default via 2001:db8:a::fe
	EOF
	ip -n "$gB" -batch - <<-EOF
	link set lo up
	addr add 10.2.0.1/24 dev lan
	addr add fd02::1/64 dev lan nodad
	addr add 198.51.100.2/24 dev wan
	addr add 2001:db8:b::2/64 dev wan nodad
	link set lan up
	link set wan up
	route add default via 198.51.100.254
	route add default via 2001:db8:b::fe
	EOF
	n_exec "$rt" nft -f - <<-EOF
	table inet sgwt {
		counter c_esp { }
		counter c_other { }
		counter c_udp { }
		chain forward {
			type filter hook forward priority 0; policy drop;
			meta l4proto 50 counter name c_esp accept
			udp dport { 4500, 4501, 31000 } counter name c_udp accept
			counter name c_other
		}
	}
	EOF
}

# outer FAMILY: sets the SGW addresses of gA and gB.
outer() {
	if [ "$1" = 4 ]; then
		outA=192.0.2.1 outB=198.51.100.2
	else
		outA=2001:db8:a::1 outB=2001:db8:b::2
	fi
}

# inner FAMILY: sets the host addresses of hA and hB.
inner() {
	if [ "$1" = 4 ]; then
		inA=10.1.0.2 inB=10.2.0.2
	else
		inA=fd01::2 inB=fd02::2
	fi
}

nft_count() {
	n_exec "$rt" nft list counter inet sgwt "c_$1" | sed -n 's/.*packets \([0-9]*\) .*/\1/p'
}

ends() {
	if [ "$1" = "$gA" ]; then
		lo=$outA re=$outB
	else
		lo=$outB re=$outA
	fi
}

# gw_tunnel NS MODE [tunnel options]: tunnel sgw1 between the SGWs and
# routes into it for the other side's hosts. MODE sgw or xfrm (the
# kernel's ESP behind an xfrm interface, route-based as sgw is).
gw_tunnel() {
	local ns=$1 mode=$2 lo re s peer4=10.1.0.0/24 peer6=fd01::/64

	shift 2
	ends "$ns"
	[ "$ns" = "$gA" ] && peer4=10.2.0.0/24 peer6=fd02::/64
	if [ "$mode" = sgw ]; then
		ctl "$ns" tunnel add id 1 name sgw1 local "$lo" remote "$re" "$@" > /dev/null
	fi
	{
		[ "$mode" = sgw ] || echo "link add sgw1 type xfrm dev wan if_id 1"
		for s in 0.0.0.0/0 ::/0; do
			[ "$mode" = sgw ] && break
			echo "xfrm policy add dir out src $s dst $s if_id 1 tmpl src $lo dst $re proto esp mode tunnel"
			echo "xfrm policy add dir in src $s dst $s if_id 1 tmpl src $re dst $lo proto esp mode tunnel"
			echo "xfrm policy add dir fwd src $s dst $s if_id 1 tmpl src $re dst $lo proto esp mode tunnel"
		done
		# No link-local address: nothing but the tests' traffic enters.
		echo "link set sgw1 addrgenmode none"
		echo "link set sgw1 up"
		echo "route add $peer4 dev sgw1"
		echo "route add $peer6 dev sgw1"
	} | ip -n "$ns" -batch -
}

xfrm_alg() {
	case $1 in
	aes-gcm-*) echo "aead rfc4106(gcm(aes)) 0x$2 128" ;;
	chacha20-poly1305) echo "aead rfc7539esp(chacha20,poly1305) 0x$2 128" ;;
	aes-cbc-128-sha256) echo "enc cbc(aes) 0x${2:0:32} auth-trunc hmac(sha256) 0x${2:32} 128" ;;
	aes-cbc-256-sha256) echo "enc cbc(aes) 0x${2:0:64} auth-trunc hmac(sha256) 0x${2:64} 128" ;;
	aes-cbc-128-sha384) echo "enc cbc(aes) 0x${2:0:32} auth-trunc hmac(sha384) 0x${2:32} 192" ;;
	aes-cbc-256-sha384) echo "enc cbc(aes) 0x${2:0:64} auth-trunc hmac(sha384) 0x${2:64} 192" ;;
	aes-cbc-128-sha512) echo "enc cbc(aes) 0x${2:0:32} auth-trunc hmac(sha512) 0x${2:32} 256" ;;
	aes-cbc-256-sha512) echo "enc cbc(aes) 0x${2:0:64} auth-trunc hmac(sha512) 0x${2:64} 256" ;;
	esac
}

# gw_sa NS MODE in|out SPI ALG KEY [sa add options]: the same SA for sgw
# (sgwctl sa add) or for the kernel's ESP (ip xfrm state).
gw_sa() {
	local ns=$1 mode=$2 dir=$3 spi=$4 alg=$5 key=$6 lo re src dst
	local win=64 seq=0 flags="af-unspec" limits=()

	shift 6
	if [ "$mode" = sgw ]; then
		echo "$key" | ctl "$ns" sa add sgw1 dir "$dir" spi "$spi" alg "$alg" key-file - "$@" > /dev/null
		return
	fi
	while [ $# -gt 0 ]; do
		case $1 in
		replay-window) win=$2 ;;
		esn) [ "$2" = yes ] && flags="$flags esn" ;;
		seq) seq=$2 ;;
		soft-bytes) limits+=(limit byte-soft "$2") ;;
		hard-bytes) limits+=(limit byte-hard "$2") ;;
		soft-packets) limits+=(limit packet-soft "$2") ;;
		hard-packets) limits+=(limit packet-hard "$2") ;;
		*) fail "gw_sa: $1 not translated for xfrm" ;;
		esac
		shift 2
	done
	ends "$ns"
	if [ "$dir" = out ]; then
		src=$lo dst=$re
		seqargs=(replay-oseq $((seq & 0xffffffff)) replay-oseq-hi $((seq >> 32)))
	else
		src=$re dst=$lo
		seqargs=(replay-seq $((seq & 0xffffffff)) replay-seq-hi $((seq >> 32)))
	fi
	[[ $flags == *esn* ]] || [ "$seq" -ne 0 ] || seqargs=()
	# shellcheck disable=SC2046
	ip -n "$ns" xfrm state add src "$src" dst "$dst" proto esp spi "$spi" \
		mode tunnel if_id 1 $(xfrm_alg "$alg" "$key") replay-window "$win" \
		"${seqargs[@]}" flag $flags "${limits[@]}"
}

# gw_pair MODE_A MODE_B ALG: tunnels and both SAs on gA and gB, keys in
# kAB (gA to gB) and kBA.
gw_pair() {
	kAB=$(keygen "$3") kBA=$(keygen "$3")
	gw_tunnel "$gA" "$1"
	gw_tunnel "$gB" "$2"
	gw_sa "$gA" "$1" out $SPI_AB "$3" "$kAB" "${@:4}"
	gw_sa "$gA" "$1" in $SPI_BA "$3" "$kBA" "${@:4}"
	gw_sa "$gB" "$2" out $SPI_BA "$3" "$kBA" "${@:4}"
	gw_sa "$gB" "$2" in $SPI_AB "$3" "$kAB" "${@:4}"
}

# devstat NS FIELD: one counter of sgw1 (rx_/tx_ bytes, packets, dropped).
devstat() {
	local l rxa txa

	while read -r l; do
		case $l in
		RX:*) read -r rxa; rxa=($rxa) ;;
		TX:*) read -r txa; txa=($txa) ;;
		esac
	done <<< "$(ip -n "$1" -s link show dev sgw1)"
	case $2 in
	rx_bytes) echo "${rxa[0]}" ;; rx_packets) echo "${rxa[1]}" ;; rx_dropped) echo "${rxa[3]}" ;;
	tx_bytes) echo "${txa[0]}" ;; tx_packets) echo "${txa[1]}" ;; tx_dropped) echo "${txa[3]}" ;;
	esac
}

# devstats NS: "rx_packets rx_bytes tx_packets tx_bytes rx_dropped tx_dropped"
devstats() {
	local l rxa txa

	while read -r l; do
		case $l in
		RX:*) read -r rxa; rxa=($rxa) ;;
		TX:*) read -r txa; txa=($txa) ;;
		esac
	done <<< "$(ip -n "$1" -s link show dev sgw1)"
	echo "${rxa[1]} ${rxa[0]} ${txa[1]} ${txa[0]} ${rxa[3]} ${txa[3]}"
}

# sa_get NS MODE in|out SPI FIELD: a field of one SA (bytes, packets, seq,
# sgw's JSON names), or "none" when there is no such SA.
sa_get() {
	local ns=$1 mode=$2 dir=$3 spi=$(($4)) field=$5 lo re t o blk v

	if [ "$mode" = sgw ]; then
		t=$(ctl "$ns" -j sa show 2> /dev/null)
		t=${t//\},\{/\}$'\n'\{}
		while read -r o; do
			[[ $o == *\"dir\":\"$dir\"* && $o =~ \"spi\":${spi}[,}] ]] || continue
			[[ $o =~ \"$field\":\"?([^,\"}]*) ]] || { echo "no $field"; return; }
			v=${BASH_REMATCH[1]}
			[ "$v" = true ] && v=True
			[ "$v" = false ] && v=False
			echo "$v"
			return
		done <<< "$t"
		echo none
		return
	fi
	ends "$ns"
	if [ "$dir" = out ]; then set -- "$lo" "$re"; else set -- "$re" "$lo"; fi
	blk=$(ip -n "$ns" -s xfrm state get src "$1" dst "$2" proto esp spi "$spi" 2> /dev/null) ||
		{ echo none; return; }
	blk=${blk//$'\n'/ }
	case $field in
	bytes) [[ $blk =~ ([0-9]+)\(bytes\) ]] && echo "${BASH_REMATCH[1]}" ;;
	packets) [[ $blk =~ ([0-9]+)\(packets\) ]] && echo "${BASH_REMATCH[1]}" ;;
	seq)
		blk=${blk#*anti-replay}
		o=
		[ "$dir" = out ] && o=o
		v=0
		[[ $blk =~ [\ ,]${o}seq-hi\ 0x([0-9a-f]+) ]] && v=$((0x${BASH_REMATCH[1]} << 32))
		[[ $blk =~ [\ ,]${o}seq\ 0x([0-9a-f]+) ]] && v=$((v + 0x${BASH_REMATCH[1]}))
		echo "$v"
		;;
	esac
}

# drop NS MODE REASON: a tunnel drop counter (for xfrm: the matching
# XfrmIn* counter of the namespace, where one exists).
drop() {
	local f t

	if [ "$2" = sgw ]; then
		t=$(ctl "$1" -j tunnel show sgw1)
		[[ $t =~ \"${3//-/_}\":([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
		return
	fi
	case $3 in
	auth-failed|malformed) f=XfrmInStateProtoError ;;
	replay) f=XfrmInStateSeqError ;;
	unknown-spi) f=XfrmInNoStates ;;
	*) fail "no xfrm counter for $3" ;;
	esac
	while read -r t v; do
		[ "$t" = $f ] && echo "$v"
	done < <(n_exec "$1" cat /proc/net/xfrm_stat)
}

drops_total() {
	local t sum=0

	t=$(ctl "$1" -j tunnel show sgw1)
	t=${t#*\"drops\":\{}
	t=${t%%\}*}
	for v in ${t//,/ }; do
		sum=$((sum + ${v#*:}))
	done
	echo $sum
}

# ping_n NS DST COUNT SIZE EXPECT: exactly EXPECT replies come back.
ping_n() {
	local out got

	out=$(n_exec "$1" ping -q -c "$3" -s "$4" -i 0.01 -W 2 "$2" 2>&1) || true
	got=$(echo "$out" | sed -n 's/.* \([0-9]*\) received.*/\1/p')
	expect_eq "ping $2 -c $3 -s $4: replies" "${got:-?}" "$5"
}

tmpdir() {
	tmp=$(mktemp -d /tmp/sgw-esp.XXXXXX)
	defer rm -rf "$tmp"
}

have_crypto=$(python3 -c "import cryptography" 2> /dev/null && echo yes)

require_tools() {
	require_cmd ping tcpdump nft iperf3 python3
	[ "$have_crypto" = yes ] || skip "python3-cryptography is not installed"
}

# iperf_bytes: the bytes received, from iperf3's JSON on stdin.
iperf_bytes() {
	local t

	t=$(cat)
	t=${t#*\"sum_received\"}
	[[ $t =~ \"bytes\":[[:space:]]*([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
}

# craft_start: esp.py serve on the router, to send crafted ESP (one Python
# start per test).
craft_start() {
	coproc CRAFT { ip netns exec "$rt" python3 "$here/esp.py" serve 2>&1; }
	defer kill "$CRAFT_PID"
}

# craft_send SEND-OPTIONS...: one "esp.py send" through that server.
craft_send() {
	local reply

	echo "$*" >&"${CRAFT[1]}"
	read -r -t 60 reply <&"${CRAFT[0]}" || fail "esp.py serve does not answer"
	[ "$reply" = ok ] || fail "esp.py send $*: $reply"
}

require_sgw() {
	[ "$SGW" = sgw ] || skip "sgw only (SGW_ESP_REF mode)"
}

# iperf_both: a short TCP run each way between hA and hB (inner family
# in inA/inB); bytes each way must reach the other side's tunnel device.
iperf_both() {
	local rx0 rx1 bytes

	ip netns exec "$hB" iperf3 -s > /dev/null 2>&1 &
	defer kill $!
	wait_eq "iperf3 server" 1 bash -c "ip netns exec $hB ss -Hltn 'sport = :5201' | wc -l"
	rx0=$(devstat "$gB" rx_bytes)
	bytes=$(n_exec "$hA" timeout 30 iperf3 -c "$inB" -t 2 -J | iperf_bytes)
	rx1=$(devstat "$gB" rx_bytes)
	[ "${bytes:-0}" -gt 0 ] || fail "iperf3 A to B moved no data"
	[ $((rx1 - rx0)) -gt "$bytes" ] || fail "gB rx_bytes grew $((rx1 - rx0)), less than the $bytes TCP bytes"
	rx0=$(devstat "$gA" rx_bytes)
	bytes=$(n_exec "$hA" timeout 30 iperf3 -c "$inB" -t 2 -R -J | iperf_bytes)
	rx1=$(devstat "$gA" rx_bytes)
	[ "${bytes:-0}" -gt 0 ] || fail "iperf3 B to A moved no data"
	[ $((rx1 - rx0)) -gt "$bytes" ] || fail "gA rx_bytes grew $((rx1 - rx0)), less than the $bytes TCP bytes"
}

# ------------------------------------------------------------ traffic cases

# tunnel_case MODE_A MODE_B ALG INNER OUTER: ping both ways with two
# sizes, then exact counters on both gateways, the capture on the router
# (only ESP, exact outer lengths, sequence numbers, the plaintext of both
# directions decrypted independently), then iperf3 both ways.
tunnel_case() {
	local ma=$1 mb=$2 alg=$3 fi=$4 fo=$5 n=10 s1=100 s2=59 l1 l2 o1 o2 nh
	local want got

	require_tools
	[ "$ma" = sgw ] || [ "$mb" = sgw ] && require_module
	tmpdir
	topo
	outer "$fo"
	inner "$fi"
	gw_pair "$ma" "$mb" "$alg"
	l1=$(inner_len "$fi" $s1) l2=$(inner_len "$fi" $s2)
	o1=$(outer_len "$fo" "$alg" "$l1") o2=$(outer_len "$fo" "$alg" "$l2")
	nh=4
	[ "$fi" = 6 ] && nh=41

	cap_start "$rt" rb "$tmp/cap.pcap"
	ping_n "$hA" "$inB" $n $s1 $n
	ping_n "$hB" "$inA" $n $s2 $n
	cap_stop

	for g in "$gA" "$gB"; do
		expect_eq "$g sgw1: rx_packets rx_bytes tx_packets tx_bytes rx_dropped tx_dropped" \
			"$(devstats "$g")" "$((2 * n)) $((n * (l1 + l2))) $((2 * n)) $((n * (l1 + l2))) 0 0"
	done
	for sa in "$gA $ma out $SPI_AB" "$gA $ma in $SPI_BA" "$gB $mb out $SPI_BA" "$gB $mb in $SPI_AB"; do
		# shellcheck disable=SC2086
		expect_eq "SA $sa packets" "$(sa_get $sa packets)" $((2 * n))
		# shellcheck disable=SC2086
		expect_eq "SA $sa bytes" "$(sa_get $sa bytes)" $((n * (l1 + l2)))
		# shellcheck disable=SC2086
		expect_eq "SA $sa seq" "$(sa_get $sa seq)" $((2 * n))
	done
	[ "$ma" = sgw ] && expect_eq "gA drops" "$(drops_total "$gA")" 0
	[ "$mb" = sgw ] && expect_eq "gB drops" "$(drops_total "$gB")" 0

	# The router passed ESP and nothing else; the capture holds exactly
	# these packets, each of the length the formula gives.
	expect_eq "router: non-ESP forwarded" "$(nft_count other)" 0
	expect_eq "router: ESP forwarded" "$(nft_count esp)" $((4 * n))
	$ESP analyze "$tmp/cap.pcap" --alg "$alg" --sa "$SPI_AB:$kAB" --sa "$SPI_BA:$kBA" > "$tmp/an" ||
		fail "a captured packet does not authenticate: $(grep auth-failed "$tmp/an" | head -n 1)"
	want=$(printf '%s\n' "esp $outA $outB $((SPI_AB)) $o1" "esp $outA $outB $((SPI_AB)) $o2" \
		"esp $outB $outA $((SPI_BA)) $o1" "esp $outB $outA $((SPI_BA)) $o2" | sort | sed "s/^/$n /")
	got=$(awk '/^(esp|other) / { print $1, $2, $3, $4, $6 }' "$tmp/an" | sort | uniq -c | sed 's/^ *//')
	expect_eq "captured packets (count, kind, src, dst, spi, outer length)" "$got" "$want"
	for spi in $SPI_AB $SPI_BA; do
		grep "^dec $((spi)) " "$tmp/an" | cut -d ' ' -f 3- > "$tmp/dec"
		expect_eq "SPI $spi: sequence numbers" "$(cut -d ' ' -f 1 "$tmp/dec" | tr '\n' ' ')" \
			"$(seq -s ' ' 1 $((2 * n))) "
		expect_eq "SPI $spi: next header, padding 1,2,3..." \
			"$(cut -d ' ' -f 4,6 "$tmp/dec" | sort -u)" "$nh 1"
		expect_eq "SPI $spi: inner lengths" "$(cut -d ' ' -f 3 "$tmp/dec" | sort -un | tr '\n' ' ')" \
			"$(printf '%s\n' "$l1" "$l2" | sort -un | tr '\n' ' ')"
	done

	[ "${7:-}" = noiperf ] && return 0
	iperf_both
	expect_eq "router: non-ESP forwarded after iperf3" "$(nft_count other)" 0
}

# ------------------------------------------------------- receive-path cases

# rx_setup OUTER ALG [sa options]: gA is the kernel's ESP (a sender known
# to be right), gB the implementation under test.
rx_setup() {
	require_tools
	[ "$SGW" = sgw ] && require_module
	tmpdir
	topo
	outer "$1"
	inner 4
	shift
	craft_start
	gw_pair xfrm "$SGW" "$@"
	alg=$1
}

# craft SEQ [options]: ESP from gA's address to gB, crafted on the router.
craft() {
	local seq=$1

	shift
	craft_send --alg "$alg" --key "$kAB" --spi $SPI_AB --seq "$seq" \
		--src "$outA" --dst "$outB" --inner-src "$inA" --inner-dst "$inB" "$@"
}

test_wrong_key() {
	local n=7 good

	rx_setup 4 aes-gcm-128
	# gA encrypts with a key gB does not have.
	good=$kAB
	ip -n "$gA" xfrm state del src "$outA" dst "$outB" proto esp spi $SPI_AB
	gw_sa "$gA" xfrm out $SPI_AB aes-gcm-128 "$(keygen aes-gcm-128)"
	[ "$(ip -n "$gA" xfrm state | grep -c "0x$good")" = 0 ] || fail "old key still installed"
	ping_n "$hA" "$inB" $n 56 0
	wait_eq "gB auth-failed" $n drop "$gB" "$SGW" auth-failed
	expect_eq "gB rx_packets" "$(devstat "$gB" rx_packets)" 0
	expect_eq "gB in SA packets" "$(sa_get "$gB" "$SGW" in $SPI_AB packets)" 0
	expect_eq "gB replay drops" "$(drop "$gB" "$SGW" replay)" 0
	if [ "$SGW" = sgw ]; then
		expect_eq "gB rx_dropped" "$(devstat "$gB" rx_dropped)" $n
		expect_eq "gB drops" "$(drops_total "$gB")" $n
	fi
	expect_eq "router: ESP forwarded" "$(nft_count esp)" $n
}

test_replay_resend() {
	rx_setup 4 aes-gcm-128
	cap_start "$rt" rb "$tmp/cap.pcap"
	ping_n "$hA" "$inB" 3 56 3
	cap_stop
	expect_eq "gB rx_packets" "$(devstat "$gB" rx_packets)" 3
	# The first and the second echo request again, byte for byte.
	n_exec "$rt" $ESP resend "$tmp/cap.pcap" --iface rb --spi $SPI_AB --index 1
	n_exec "$rt" $ESP resend "$tmp/cap.pcap" --iface rb --spi $SPI_AB --index 0
	wait_eq "gB replay drops" 2 drop "$gB" "$SGW" replay
	expect_eq "gB rx_packets" "$(devstat "$gB" rx_packets)" 3
	expect_eq "gB in SA packets" "$(sa_get "$gB" "$SGW" in $SPI_AB packets)" 3
	expect_eq "gB in SA seq" "$(sa_get "$gB" "$SGW" in $SPI_AB seq)" 3
	expect_eq "gB auth-failed" "$(drop "$gB" "$SGW" auth-failed)" 0
	[ "$SGW" = sgw ] && expect_eq "gB rx_dropped" "$(devstat "$gB" rx_dropped)" 2
	# The SA goes on working.
	ping_n "$hA" "$inB" 2 56 2
	expect_eq "gB in SA seq after" "$(sa_get "$gB" "$SGW" in $SPI_AB seq)" 5
}

test_replay_window() {
	local w=1024 rx=0 rp=0 top

	# The default window: sgw's 1024; the xfrm reference is given 64.
	[ "$SGW" = sgw ] || w=64
	rx_setup 4 aes-gcm-128
	accept() { craft "$1"; rx=$((rx + 1)); wait_eq "seq $1 accepted: gB rx_packets" $rx devstat "$gB" rx_packets; }
	reject() { craft "$1"; rp=$((rp + 1)); wait_eq "seq $1 refused: gB replay drops" $rp drop "$gB" "$SGW" replay; }
	top=$((w + 100))
	accept $top
	accept $((top - w + 1))		# oldest still inside the window
	reject $((top - w))		# just outside it
	reject $((top - w + 1))		# a duplicate
	accept $((top - 1))		# out of order, inside
	reject $top
	top=$((top + w + 1))		# jump: the whole window moves
	accept $top
	reject $((top - w))		# now outside: the old top + 1
	accept $((top - w + 1))
	# Far beyond the first bitmap (twice the window rounded up to a
	# power of two): its bits are reused, nothing stale survives.
	top=$((5 * w + 7))
	accept $top
	accept $((top - w + 1))
	reject $((top - w))
	accept $((top - 2))
	reject $((top - 2))
	# Slide by less than the bitmap: top - 2 + 2w shares the bit of the
	# packet accepted as top - 2 and must have been cleared for it.
	top=$((top + 2 * w - 1))
	accept $top
	accept $((top - 1))
	reject $((top - 1))
	# Word boundaries (the bitmap is cleared a word at a time when top
	# enters it): the last bit of a word two words up, then the first bit
	# of the next word, then a number in a word that was skipped.
	top=$(((top / 64 + 3) * 64 - 1))
	accept $top
	top=$((top + 1))
	accept $top
	reject $((top - 1))
	accept $((top - 33))
	reject $((top - 33))
	expect_eq "gB in SA seq (highest received)" "$(sa_get "$gB" "$SGW" in $SPI_AB seq)" $top
	expect_eq "gB in SA packets" "$(sa_get "$gB" "$SGW" in $SPI_AB packets)" $rx
	expect_eq "gB rx_packets" "$(devstat "$gB" rx_packets)" $rx
	expect_eq "gB auth-failed" "$(drop "$gB" "$SGW" auth-failed)" 0
	[ "$SGW" = sgw ] && expect_eq "gB rx_dropped" "$(devstat "$gB" rx_dropped)" $rp
	return 0
}

test_esn() {
	local start=4294967290 n=20 want

	require_tools
	[ "$SGW" = sgw ] && require_module
	tmpdir
	topo
	outer 4
	inner 4
	gw_pair "$SGW" "$SGW" aes-gcm-128 esn yes seq $start
	cap_start "$rt" rb "$tmp/cap.pcap"
	ping_n "$hA" "$inB" $n 56 $n
	cap_stop
	for sa in "$gA out $SPI_AB" "$gB in $SPI_AB" "$gB out $SPI_BA" "$gA in $SPI_BA"; do
		set -- $sa
		expect_eq "$1 $2 seq" "$(sa_get "$1" "$SGW" "$2" "$3" seq)" $((start + n))
		expect_eq "$1 $2 packets" "$(sa_get "$1" "$SGW" "$2" "$3" packets)" $n
	done
	# On the wire: the low 32 bits, wrapping to 0.
	want=$(for i in $(seq $((start + 1)) $((start + n))); do echo $((i & 0xffffffff)); done | tr '\n' ' ')
	expect_eq "sequence numbers on the wire" \
		"$($ESP summary "$tmp/cap.pcap" | awk -v s=$((SPI_AB)) '$4 == s { print $5 }' | tr '\n' ' ')" "$want"
}

# Each kind of bad ESP lands in its own counter and nothing else moves.
malformed_case() {
	local rx=1 f

	rx_setup "$1" aes-gcm-128
	expect() {
		local what=$1 r

		for r in malformed unknown-spi auth-failed replay selector; do
			expect_eq "$what: $r" "$(drop "$gB" sgw $r)" "${want[$r]:-0}"
		done
		expect_eq "$what: rx_packets" "$(devstat "$gB" rx_packets)" $rx
		expect_eq "$what: rx_dropped" "$(devstat "$gB" rx_dropped)" "$(drops_total "$gB")"
	}
	declare -A want
	craft 1
	wait_eq "valid crafted packet delivered" 1 devstat "$gB" rx_packets
	expect "valid"
	craft 2 --mangle truncate
	want[malformed]=1
	wait_eq "truncated" 1 drop "$gB" sgw malformed
	expect "truncated"
	craft 3 --mangle badpad
	want[malformed]=2
	wait_eq "bad padding" 2 drop "$gB" sgw malformed
	expect "bad padding"
	craft 4 --mangle badnh
	want[malformed]=3
	wait_eq "bad next header" 3 drop "$gB" sgw malformed
	expect "bad next header"
	craft_send --alg aes-gcm-128 --key "$kAB" --spi 0x7777 --seq 1 \
		--src "$outA" --dst "$outB" --inner-src "$inA" --inner-dst "$inB"
	want[unknown-spi]=1
	wait_eq "unknown SPI" 1 drop "$gB" sgw unknown-spi
	expect "unknown SPI"
	craft 5 --mangle garbage
	want[auth-failed]=1
	wait_eq "garbage" 1 drop "$gB" sgw auth-failed
	expect "garbage"
	craft 6 --mangle badicv
	want[auth-failed]=2
	wait_eq "bad ICV" 2 drop "$gB" sgw auth-failed
	expect "bad ICV"
	# Packets that failed did not use up their sequence numbers.
	craft 2
	craft 5
	rx=3
	wait_eq "valid after the bad ones" $rx devstat "$gB" rx_packets
	expect "valid after"
	expect_eq "in SA packets" "$(sa_get "$gB" sgw in $SPI_AB packets)" 3
}

test_malformed4() {
	require_sgw
	malformed_case 4
}

test_malformed6() {
	require_sgw
	malformed_case 6
}

test_selector() {
	local rx=0 sel=0

	require_sgw
	require_tools
	require_module
	tmpdir
	topo
	outer 4
	inner 4
	craft_start
	kAB=$(keygen aes-gcm-128) kBA=$(keygen aes-gcm-128)
	alg=aes-gcm-128
	gw_tunnel "$gA" xfrm
	gw_tunnel "$gB" sgw local-ts 10.2.0.0/24,fd02::/64 remote-ts 10.1.0.0/24
	gw_sa "$gA" xfrm out $SPI_AB $alg "$kAB"
	gw_sa "$gA" xfrm in $SPI_BA $alg "$kBA"
	gw_sa "$gB" sgw out $SPI_BA $alg "$kBA"
	gw_sa "$gB" sgw in $SPI_AB $alg "$kAB"
	ping_n "$hA" "$inB" 3 56 3
	rx=3
	one() {
		local seq=$1 src=$2 dst=$3 ok=$4

		craft_send --alg $alg --key "$kAB" --spi $SPI_AB --seq "$seq" \
			--src "$outA" --dst "$outB" --inner-src "$src" --inner-dst "$dst"
		if [ "$ok" = yes ]; then
			rx=$((rx + 1))
			wait_eq "$src > $dst delivered" $rx devstat "$gB" rx_packets
		else
			sel=$((sel + 1))
			wait_eq "$src > $dst: selector drops" $sel drop "$gB" sgw selector
		fi
	}
	one 10 10.9.9.9 10.2.0.2 no		# source outside remote-ts
	one 11 10.1.0.2 10.2.0.2 yes		# source inside (hA: no ICMP error comes back)
	one 12 10.1.0.2 10.3.0.2 no		# destination outside local-ts
	one 13 fd01::2 fd02::2 no		# no IPv6 in remote-ts
	one 14 10.1.1.2 10.2.0.2 no		# just past the /24
	expect_eq "rx_packets" "$(devstat "$gB" rx_packets)" $rx
	expect_eq "rx_dropped" "$(devstat "$gB" rx_dropped)" $sel
	expect_eq "drops" "$(drops_total "$gB")" $sel
	expect_eq "in SA packets (selector drops after decryption count nothing)" \
		"$(sa_get "$gB" sgw in $SPI_AB packets)" $rx

	# Outbound: what the peer would drop never enters the SA. A route
	# wider than remote-ts, and the gateway's own ping with its WAN source.
	local out_sa
	out_sa=$(sa_get "$gB" sgw out $SPI_BA packets)
	n_exec "$gB" ip route add 10.3.0.0/24 dev sgw1
	n_exec "$hB" ping -c 1 -W 1 10.3.0.9 > /dev/null 2>&1 || true
	sel=$((sel + 1))
	wait_eq "10.2.0.2 > 10.3.0.9: selector drops" $sel drop "$gB" sgw selector
	n_exec "$gB" ping -c 1 -W 1 -I "$outB" "$inA" > /dev/null 2>&1 || true
	sel=$((sel + 1))
	wait_eq "$outB > $inA: selector drops" $sel drop "$gB" sgw selector
	expect_eq "tx_dropped" "$(devstat "$gB" tx_dropped)" 2
	expect_eq "out SA packets (nothing sent for them)" \
		"$(sa_get "$gB" sgw out $SPI_BA packets)" "$out_sa"
	ping_n "$hB" "$inA" 2 56 2
}

# ------------------------------------------------- several SAs in a tunnel

# child_xfrm_pair N LAN_A LAN_B SPI_OUT SPI_IN KEY_OUT KEY_IN: on gA (the
# kernel's ESP) one CHILD SA for the subnet pair LAN_A <-> LAN_B, policies
# and states bound by reqid N, as charon installs one child.
child_xfrm_pair() {
	local n=$1 la=$2 lb=$3 so=$4 si=$5 ko=$6 ki=$7

	{
		echo "xfrm policy add dir out src $la dst $lb if_id 1 tmpl src $outA dst $outB proto esp mode tunnel reqid $n"
		echo "xfrm policy add dir in src $lb dst $la if_id 1 tmpl src $outB dst $outA proto esp mode tunnel reqid $n"
		echo "xfrm policy add dir fwd src $lb dst $la if_id 1 tmpl src $outB dst $outA proto esp mode tunnel reqid $n"
		echo "xfrm state add src $outA dst $outB proto esp spi $so reqid $n mode tunnel if_id 1 $(xfrm_alg aes-gcm-128 "$ko") replay-window 64 flag af-unspec"
		echo "xfrm state add src $outB dst $outA proto esp spi $si reqid $n mode tunnel if_id 1 $(xfrm_alg aes-gcm-128 "$ki") replay-window 64 flag af-unspec"
		echo "route add $lb dev sgw1"
	} | ip -n "$gA" -batch -
}

# Two CHILD SAs of one tunnel for two subnet pairs inside its /16s, the
# kernel's ESP as the peer with one policy pair and SA pair per child:
# each pair's traffic leaves on its own SPI both ways (a capture on the
# router), ESP on one child's SA with the other child's inner addresses
# is dropped as selector, a pair no child covers finds no SA, selectors
# outside the tunnel's are refused, and a make-before-break rekey of one
# child leaves the other's SAs and traffic alone.
test_child_sas() {
	local alg=aes-gcm-128 k1o k1i k2o k2i k3o k3i got want sel=0 ts1 ts2

	require_sgw
	require_tools
	require_module
	tmpdir
	topo
	outer 4
	inner 4
	craft_start
	# The second subnet pair: 10.1.1.0/24 behind gA, 10.2.1.0/24 behind gB.
	ip -n "$hA" addr add 10.1.1.2/24 dev eth0
	ip -n "$gA" addr add 10.1.1.1/24 dev lan
	ip -n "$hB" addr add 10.2.1.2/24 dev eth0
	ip -n "$gB" addr add 10.2.1.1/24 dev lan
	k1o=$(keygen $alg) k1i=$(keygen $alg) k2o=$(keygen $alg) k2i=$(keygen $alg)
	ip -n "$gA" -batch - <<-EOF
	link add sgw1 type xfrm dev wan if_id 1
	link set sgw1 addrgenmode none
	link set sgw1 up
	EOF
	child_xfrm_pair 1 10.1.0.0/24 10.2.0.0/24 0x1001 0x2001 "$k1o" "$k1i"
	child_xfrm_pair 2 10.1.1.0/24 10.2.1.0/24 0x1002 0x2002 "$k2o" "$k2i"

	ctl "$gB" tunnel add id 1 name sgw1 local "$outB" remote "$outA" \
		local-ts 10.2.0.0/16 remote-ts 10.1.0.0/16 > /dev/null
	ip -n "$gB" link set sgw1 up
	ip -n "$gB" route add 10.1.0.0/24 dev sgw1
	ip -n "$gB" route add 10.1.1.0/24 dev sgw1
	ts1=(local-ts 10.2.0.0/24 remote-ts 10.1.0.0/24)
	ts2=(local-ts 10.2.1.0/24 remote-ts 10.1.1.0/24)
	gw_sa "$gB" sgw in 0x1001 $alg "$k1o" "${ts1[@]}"
	gw_sa "$gB" sgw out 0x2001 $alg "$k1i" "${ts1[@]}"
	gw_sa "$gB" sgw in 0x1002 $alg "$k2o" "${ts2[@]}"
	gw_sa "$gB" sgw out 0x2002 $alg "$k2i" "${ts2[@]}"
	got=$(ctl "$gB" -j sa show 2> /dev/null | json '" ".join("%s:%x:%s:%s" % (s["dir"], s["spi"], ",".join(s["local_ts"]), ",".join(s["remote_ts"])) for s in sorted(d["sas"], key=lambda s: s["spi"]))')
	expect_eq "sa show -j: dir, SPI, own selectors" "$got" \
		"in:1001:10.2.0.0/24:10.1.0.0/24 in:1002:10.2.1.0/24:10.1.1.0/24 out:2001:10.2.0.0/24:10.1.0.0/24 out:2002:10.2.1.0/24:10.1.1.0/24"
	expect_match "sa show" "$(ctl "$gB" sa show)" \
		"sa out spi 0x00002002 aes-gcm-128 tunnel"$'\n'"  local-ts 10.2.1.0/24  remote-ts 10.1.1.0/24"

	# Three pings on pair 1, five on pair 2: each SPI carries its pair's.
	cap_start "$rt" rb "$tmp/cap.pcap"
	ping_n "$hA" 10.2.0.2 3 56 3
	n_exec "$hA" ping -q -c 5 -i 0.01 -W 2 -I 10.1.1.2 10.2.1.2 > /dev/null 2>&1 || true
	cap_stop
	got=$($ESP summary "$tmp/cap.pcap" | awk '{ print $1, $2, $3, $4 }' | sort | uniq -c | sed 's/^ *//')
	want=$(printf '%s\n' "3 esp $outA $outB $((0x1001))" "5 esp $outA $outB $((0x1002))" \
		"3 esp $outB $outA $((0x2001))" "5 esp $outB $outA $((0x2002))")
	expect_eq "captured ESP (count, kind, src, dst, SPI)" "$got" "$want"
	for sa in "in 0x1001 3" "out 0x2001 3" "in 0x1002 5" "out 0x2002 5"; do
		set -- $sa
		expect_eq "SA $1 $2 packets" "$(sa_get "$gB" sgw "$1" "$2" packets)" "$3"
	done

	# Inbound: each child's SA with the other child's inner addresses.
	craft_send --alg $alg --key "$k1o" --spi 0x1001 --seq 10 --src "$outA" --dst "$outB" \
		--inner-src 10.1.1.2 --inner-dst 10.2.1.2
	sel=$((sel + 1))
	wait_eq "pair 2 on pair 1's SA: selector drops" $sel drop "$gB" sgw selector
	craft_send --alg $alg --key "$k2o" --spi 0x1002 --seq 10 --src "$outA" --dst "$outB" \
		--inner-src 10.1.0.2 --inner-dst 10.2.0.2
	sel=$((sel + 1))
	wait_eq "pair 1 on pair 2's SA: selector drops" $sel drop "$gB" sgw selector
	craft_send --alg $alg --key "$k2o" --spi 0x1002 --seq 11 --src "$outA" --dst "$outB" \
		--inner-src 10.1.0.2 --inner-dst 10.2.1.2
	sel=$((sel + 1))
	wait_eq "pair 2's SA, source of pair 1: selector drops" $sel drop "$gB" sgw selector
	expect_eq "in SA 0x1001 packets after the drops" "$(sa_get "$gB" sgw in 0x1001 packets)" 3
	expect_eq "in SA 0x1002 packets after the drops" "$(sa_get "$gB" sgw in 0x1002 packets)" 5
	expect_eq "gB drops (selector only)" "$(drops_total "$gB")" $sel

	# Outbound: 10.2.0.2 -> 10.1.1.2 lies inside the tunnel's /16s but
	# neither child's selectors, and no SA without selectors exists.
	n_exec "$hB" ping -c 1 -W 1 -I 10.2.0.2 10.1.1.2 > /dev/null 2>&1 || true
	wait_eq "cross pair: no-sa drops" 1 drop "$gB" sgw no-sa

	# Refused: selectors outside the tunnel's, and on a transport SA.
	expect_fail "remote-ts outside the tunnel's" \
		gw_sa "$gB" sgw out 0x2009 $alg "$k1i" local-ts 10.2.0.0/24 remote-ts 10.3.0.0/24
	expect_match "refusal" "$out" "SA remote selectors lie outside the tunnel's remote selectors"
	expect_fail "local-ts outside the tunnel's" \
		gw_sa "$gB" sgw in 0x1009 $alg "$k1o" local-ts 10.2.0.0/15
	expect_match "refusal" "$out" "SA local selectors lie outside the tunnel's local selectors"
	expect_fail "selectors on a transport-mode SA" \
		gw_sa "$gB" sgw out 0x2009 $alg "$k1i" mode transport local-ts 10.2.0.0/24
	expect_match "refusal" "$out" "tunnel-mode SAs only"

	# Make-before-break rekey of child 2 (new inbound first, then the new
	# outbound replaces the one with the same selectors); child 1 untouched.
	k3o=$(keygen $alg) k3i=$(keygen $alg)
	gw_sa "$gB" sgw in 0x1003 $alg "$k3o" "${ts2[@]}"
	gw_sa "$gB" sgw out 0x2003 $alg "$k3i" "${ts2[@]}"
	got=$(ctl "$gB" -j sa show 2> /dev/null | json '" ".join("%s:%x" % (s["dir"], s["spi"]) for s in sorted(d["sas"], key=lambda s: s["spi"]))')
	expect_eq "SAs after child 2's rekey" "$got" "in:1001 in:1002 in:1003 out:2001 out:2003"
	ip -n "$gA" -batch - <<-EOF
	xfrm state add src $outB dst $outA proto esp spi 0x2003 reqid 2 mode tunnel if_id 1 $(xfrm_alg $alg "$k3i") replay-window 64 flag af-unspec
	xfrm state del src $outA dst $outB proto esp spi 0x1002
	xfrm state add src $outA dst $outB proto esp spi 0x1003 reqid 2 mode tunnel if_id 1 $(xfrm_alg $alg "$k3o") replay-window 64 flag af-unspec
	EOF
	ctl "$gB" sa del sgw1 dir in spi 0x1002
	ping_n "$hA" 10.2.0.2 2 56 2
	n_exec "$hA" ping -q -c 4 -i 0.01 -W 2 -I 10.1.1.2 10.2.1.2 > /dev/null 2>&1 || true
	for sa in "in 0x1001 5" "out 0x2001 5" "in 0x1003 4" "out 0x2003 4" "in 0x1002 none"; do
		set -- $sa
		expect_eq "after the rekey: SA $1 $2 packets" "$(sa_get "$gB" sgw "$1" "$2" packets)" "$3"
	done
	expect_eq "gB drops after the rekey" "$(drops_total "$gB")" $((sel + 1))

	# A 1400-byte link on the way to gA: the router's ICMP quotes child
	# 2's ESP (gB has no SA without selectors): gB learns the path MTU.
	ip -n "$rt" link set ra mtu 1400
	ctl "$gB" tunnel set sgw1 outer-df set
	n_exec "$hB" ping -q -M dont -c 1 -W 1 -s 1380 -I 10.2.1.2 10.1.1.2 > /dev/null 2>&1 || true
	wait_eq "path MTU learned from a child's ESP" 1400 \
		bash -c "ip netns exec $gB $SGWCTL -j tunnel show sgw1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"tunnels\"][0][\"path_mtu\"])'"
}

# ------------------------------------------------------ teardown under load

# load_start: sgw on both sides, iperf3 from hA to hB running for long.
load_start() {
	require_sgw
	require_tools
	require_module
	tmpdir
	topo
	outer 4
	inner 4
	gw_pair sgw sgw aes-gcm-128
	ip netns exec "$hB" iperf3 -s > /dev/null 2>&1 &
	defer kill $!
	wait_eq "iperf3 server" 1 bash -c "ip netns exec $hB ss -Hltn 'sport = :5201' | wc -l"
	ip netns exec "$hA" timeout 60 iperf3 -c "$inB" -t 50 > "$tmp/iperf.log" 2>&1 &
	load_pid=$!
	defer kill "$load_pid"
	for i in $(seq 100); do
		[ "$(devstat "$gB" rx_packets)" -gt 200 ] && return 0
		sleep 0.1
	done
	fail "iperf3 traffic did not start: $(cat "$tmp/iperf.log")"
}

load_stop() {
	kill "$load_pid" 2> /dev/null || true
	wait "$load_pid" 2> /dev/null || true
}

# Delivered inner packets and bytes of gB's single inbound SA are what its
# device delivered; every drop is in one reason counter.
consistent() {
	local g

	expect_eq "gB in SA packets = rx_packets" "$(sa_get "$gB" sgw in $SPI_AB packets)" "$(devstat "$gB" rx_packets)"
	expect_eq "gB in SA bytes = rx_bytes" "$(sa_get "$gB" sgw in $SPI_AB bytes)" "$(devstat "$gB" rx_bytes)"
	for g in "$@"; do
		expect_eq "$g: drop reasons = tx_dropped + rx_dropped" "$(drops_total "$g")" \
			$(($(devstat "$g" tx_dropped) + $(devstat "$g" rx_dropped)))
	done
}

test_del_sa_load() {
	local nosa tx

	load_start
	timeout 10 ip netns exec "$gA" "$SGWCTL" sa del sgw1 dir out spi $SPI_AB
	wait_eq "SA gone" none sa_get "$gA" sgw out $SPI_AB packets
	# TCP goes on sending and retransmitting into the tunnel: no-sa drops.
	for i in $(seq 50); do
		[ "$(drop "$gA" sgw no-sa)" -gt 0 ] && break
		sleep 0.1
	done
	load_stop
	# The killed client's orphaned socket may still retransmit: keep
	# TCP out of the tunnel for the exact count.
	n_exec "$gA" nft add table inet notcp
	n_exec "$gA" nft add chain inet notcp fw '{ type filter hook forward priority 0; }'
	n_exec "$gA" nft add rule inet notcp fw meta l4proto tcp drop
	sleep 0.5
	[ "$(drop "$gA" sgw no-sa)" -gt 0 ] || fail "no no-sa drops after the SA was deleted"
	consistent "$gA" "$gB"
	nosa=$(drop "$gA" sgw no-sa) tx=$(devstat "$gA" tx_packets)
	ping_n "$hA" "$inB" 4 56 0
	expect_eq "no-sa drops for 4 pings" "$(drop "$gA" sgw no_sa)" $((nosa + 4))
	expect_eq "tx_packets unchanged" "$(devstat "$gA" tx_packets)" "$tx"
	expect_eq "other SAs kept" "$(sa_get "$gA" sgw in $SPI_BA alg)" aes-gcm-128
}

test_del_tunnel_load() {
	load_start
	timeout 10 ip netns exec "$gA" "$SGWCTL" tunnel del sgw1
	load_stop
	expect_eq "tunnels" "$(ctl "$gA" -j tunnel show)" '{"version":1,"tunnels":[]}'
	expect_eq "SAs" "$(ctl "$gA" -j sa show)" '{"version":1,"sas":[]}'
	expect_fail "device gone" ip -n "$gA" link show sgw1
	consistent "$gB"
	# A new tunnel with the same id and fresh keys works at once.
	gw_tunnel "$gA" sgw
	kAB=$(keygen aes-gcm-128) kBA=$(keygen aes-gcm-128)
	ctl "$gB" sa flush sgw1
	gw_sa "$gA" sgw out 0x1002 aes-gcm-128 "$kAB"
	gw_sa "$gA" sgw in 0x2002 aes-gcm-128 "$kBA"
	gw_sa "$gB" sgw out 0x2002 aes-gcm-128 "$kBA"
	gw_sa "$gB" sgw in 0x1002 aes-gcm-128 "$kAB"
	ping_n "$hA" "$inB" 3 56 3
}

# No "waiting for sgw1 to become free" (a leaked device reference).
no_unregister_wait() {
	local old

	old=$(sysctl -n net.core.netdev_unregister_timeout_secs)
	sysctl -qw net.core.netdev_unregister_timeout_secs=1
	defer sysctl -qw net.core.netdev_unregister_timeout_secs="$old"
}

test_del_netns_load() {
	local before i

	no_unregister_wait
	load_start
	before=$(dmesg | wc -l)
	ip netns del "$gA"
	load_stop
	# The namespace is dismantled later, by a worker: once gA's end of
	# the link to rt is gone, its devices are being unregistered, the
	# tunnel's with them. A reference left would then be reported every
	# second (the timeout above).
	for i in $(seq 120); do
		ip -n "$rt" link show ra > /dev/null 2>&1 || break
		sleep 0.5
	done
	expect_fail "gA dismantled within 60 s" ip -n "$rt" link show ra
	sleep 3
	dmesg | tail -n +$((before + 1)) | grep -q "waiting for .* to become free" &&
		fail "leaked reference: $(dmesg | grep 'to become free' | tail -n 1)"
	consistent "$gB"
	expect_eq "gB tunnel still there" "$(ctl "$gB" -j tunnel show | json 'len(d["tunnels"])')" 1
}

test_unload_load() {
	no_unregister_wait
	load_start
	defer load_module
	timeout 60 rmmod sgw || fail "rmmod sgw failed or hung"
	load_stop
	[ ! -d /sys/module/sgw ] || fail "module still loaded"
	expect_fail "gA device gone" ip -n "$gA" link show sgw1
	expect_fail "gB device gone" ip -n "$gB" link show sgw1
	dmesg | grep -q "waiting for .* to become free" &&
		fail "leaked reference: $(dmesg | grep 'to become free' | tail -n 1)"
	load_module
	expect_eq "tunnels after reload" "$(ctl "$gA" -j tunnel show)" '{"version":1,"tunnels":[]}'
}

# ---------------------------------------------------------------- lifetimes

# monitor_start FILE [COUNT [OPTION...]]: sgwctl monitor -j in gA, up to
# COUNT (2) events or 10 s.
monitor_start() {
	mon_file=$1
	bg_in "$gA" "$mon_file" timeout 10 "$SGWCTL" -j monitor --count "${2:-2}" "${@:3}"
	mon_pid=$bg_pid
	wait_subscribed "$gA" || fail "sgwctl monitor did not subscribe: $(cat "$mon_file")"
}

# expect_events FILE PYTHON-LIST: the lines of FILE as JSON, exactly (each
# with the contract's "version" 1, left out of the comparison).
expect_events() {
	wait "$mon_pid" || true
	expect_eq "events" "$(python3 -c '
import json, sys
got = []
for line in open(sys.argv[1]):
    try:
        d = json.loads(line)
    except ValueError:
        got.append(line.strip())
        continue
    got.append(d if d.pop("version", None) == 1 else line.strip())
print(got == eval(sys.argv[2]) or got)' "$1" "$2")" True
}

lifetime_setup() {
	require_sgw
	require_tools
	require_module
	tmpdir
	topo
	outer 4
	inner 4
	kAB=$(keygen aes-gcm-128) kBA=$(keygen aes-gcm-128)
	gw_tunnel "$gA" sgw
	gw_tunnel "$gB" sgw
	gw_sa "$gA" sgw out $SPI_AB aes-gcm-128 "$kAB" "$@"
	gw_sa "$gA" sgw in $SPI_BA aes-gcm-128 "$kBA"
	gw_sa "$gB" sgw out $SPI_BA aes-gcm-128 "$kBA"
	gw_sa "$gB" sgw in $SPI_AB aes-gcm-128 "$kAB"
}

test_soft_bytes() {
	local l

	l=$(inner_len 4 56)
	lifetime_setup soft-bytes $((3 * l))
	monitor_start "$tmp/events"
	ping_n "$hA" "$inB" 10 56 10
	ping_n "$hA" "$inB" 5 56 5
	expect_events "$tmp/events" "[{'event': 'sa-expire', 'tunnel': 1, 'dir': 'out', \
'spi': $((SPI_AB)), 'hard': False, 'bytes': $((3 * l)), 'packets': 3}]"
	expect_eq "soft-expired" "$(sa_get "$gA" sgw out $SPI_AB soft_expired)" True
	expect_eq "SA still used: packets" "$(sa_get "$gA" sgw out $SPI_AB packets)" 15
	expect_eq "tx_packets" "$(devstat "$gA" tx_packets)" 15
}

test_hard_packets() {
	local l

	l=$(inner_len 4 56)
	lifetime_setup hard-packets 5
	monitor_start "$tmp/events" 3 --hold
	ping_n "$hA" "$inB" 10 56 5
	# With a monitor standing in for the IKE daemon, the packets after the
	# hard limit wait for a new SA that nobody negotiates here, and an
	# acquire event asks for one.
	expect_eq "held" "$(drop "$gA" sgw held)" 5
	kill "$mon_pid"
	expect_events "$tmp/events" "[{'event': 'sa-expire', 'tunnel': 1, 'dir': 'out', \
'spi': $((SPI_AB)), 'hard': True, 'bytes': $((5 * l)), 'packets': 5}, \
{'event': 'acquire', 'tunnel': 1, 'src': '$inA', 'dst': '$inB'}]"
	expect_eq "SA removed" "$(sa_get "$gA" sgw out $SPI_AB packets)" none
	expect_eq "tx_packets" "$(devstat "$gA" tx_packets)" 5
	wait_eq "hold-timeout drops" 5 drop "$gA" sgw hold-timeout
	expect_eq "no-sa drops" "$(drop "$gA" sgw no-sa)" 0
	expect_eq "tx_dropped" "$(devstat "$gA" tx_dropped)" 5
	expect_eq "gB rx_packets" "$(devstat "$gB" rx_packets)" 5
}

# ------------------------------------------------- ESP in UDP (RFC 3948)

# udp_len FAMILY ALG LEN: ESP in UDP around LEN bytes (the inner packet in
# tunnel mode, the IP payload in transport mode).
udp_len() {
	echo $(($(outer_len "$1" "$2" "$3") + 8))
}

# udp_mtu FAMILY ALG: the tunnel MTU over a 1500-byte path, ESP in UDP.
udp_mtu() {
	local ip=20 kl iv icv al

	[ "$1" = 6 ] && ip=40
	read -r kl iv icv al <<< "$(alg_info "$2")"
	echo $(((1500 - ip - 8 - 8 - iv - icv) / al * al - 2))
}

# xfrm_tunnel_policies NS: gB's route-based policies for the current
# outer family (outA/outB), as gw_tunnel sets them.
xfrm_tunnel_policies() {
	local s

	{
		echo "xfrm policy flush"
		echo "xfrm state flush"
		for s in 0.0.0.0/0 ::/0; do
			echo "xfrm policy add dir out src $s dst $s if_id 1 tmpl src $outB dst $outA proto esp mode tunnel"
			echo "xfrm policy add dir in src $s dst $s if_id 1 tmpl src $outA dst $outB proto esp mode tunnel"
			echo "xfrm policy add dir fwd src $s dst $s if_id 1 tmpl src $outA dst $outB proto esp mode tunnel"
		done
	} | ip -n "$gB" -batch -
}

# encap_sock: gB's UDP sockets on 4500 for the kernel's ESP in UDP.
encap_sock() {
	ip netns exec "$gB" python3 "$here/esp.py" encap-sock --port 4500 --port 4501 > "$tmp/encap" 2>&1 &
	defer kill $!
	wait_eq "esp.py encap-sock" ready cat "$tmp/encap"
}

# genl NS CMD ATTR...: one netlink request that must succeed.
genl() {
	local ns=$1

	shift
	expect_eq "genl.py $*" "$(n_exec "$ns" python3 "$here/genl.py" "$@" || true)" "errno=0 msg="
}

# neigh_warm: every link's neighbours resolved, clear text to the next
# hop, so that a first ESP packet does not wait for them.
neigh_warm() {
	n_exec "$hA" ping -q -c 1 -W 5 10.1.0.1 > /dev/null
	n_exec "$hB" ping -q -c 1 -W 5 10.2.0.1 > /dev/null
	n_exec "$gA" ping -q -c 1 -W 5 192.0.2.254 > /dev/null
	n_exec "$gB" ping -q -c 1 -W 5 198.51.100.254 > /dev/null
	n_exec "$gA" ping -q -c 1 -W 5 2001:db8:a::fe > /dev/null
	n_exec "$gB" ping -q -c 1 -W 5 2001:db8:b::fe > /dev/null
}

# udp_ping NS DST: two pings must come back; if not, say what each side
# saw before failing.
udp_ping() {
	local out got

	out=$(n_exec "$1" ping -q -c 2 -s 100 -i 0.01 -W 5 "$2" 2>&1) || true
	got=$(echo "$out" | sed -n 's/.* \([0-9]*\) received.*/\1/p')
	[ "${got:-?}" = 2 ] && return 0
	echo "ping $2 from $1: ${got:-?} replies"
	ctl "$gA" tunnel show sgw1 || true
	ctl "$gA" sa show sgw1 2> /dev/null || true
	ip -n "$gA" -s link show sgw1 || true
	ip -n "$gB" -s xfrm state || true
	grep -v ' 0$' "/proc/net/xfrm_stat" || true
	n_exec "$gB" grep -v ' 0$' /proc/net/xfrm_stat || true
	ip -n "$gB" -s link show sgw1 || true
	n_exec "$rt" nft list table inet sgwt || true
	n_exec "$gB" ss -uanp || true
	n_exec "$gA" ip neigh || true
	dmesg | tail -n 15
	fail "ping $2 from $1: ${got:-?} replies, expected 2"
}

# udp_round FAMILY ALG ENCAP(yes|no|PORT) MODE(tunnel|transport) N [B]:
# new SAs (SPIs 0x1100+N, 0x2100+N, keys in kab/kba) on gA (sgw) and gB
# (the kernel's ESP), in UDP on port 4500 (yes) or PORT at both ends, two
# pings through them (from hB with B); the packets the router must see
# are appended to $tmp/want.
udp_round() {
	local f=$1 alg=$2 encap=$3 mode=$4 spiab=$((0x1100 + $5)) spiba=$((0x2100 + $5))
	local enc=() xenc= xmode="mode tunnel if_id 1" len csum=zero i mtu proto=icmp
	local port=4500

	kab=$(keygen "$alg") kba=$(keygen "$alg")
	[ "$encap" = yes ] || [ "$encap" = no ] || port=$encap encap=yes
	if [ "$encap" = yes ]; then
		enc=(encap $port $port)
		xenc="encap espinudp $port $port 0.0.0.0"
	fi
	[ "$mode" = transport ] && xmode="mode transport"
	ctl "$gA" sa flush sgw1
	echo "$kab" | ctl "$gA" sa add sgw1 dir out spi $spiab mode "$mode" alg "$alg" key-file - "${enc[@]}" > /dev/null
	echo "$kba" | ctl "$gA" sa add sgw1 dir in spi $spiba mode "$mode" alg "$alg" key-file - "${enc[@]}" > /dev/null
	[ "$f" = 6 ] && proto=ipv6-icmp
	{
		echo "xfrm state flush"
		# af-unspec: an IPv4 inner packet may use an IPv6 outer SA.
		echo "xfrm state add src $outB dst $outA proto esp spi $spiba $xmode $(xfrm_alg "$alg" "$kba") replay-window 64 flag af-unspec $xenc"
		echo "xfrm state add src $outA dst $outB proto esp spi $spiab $xmode $(xfrm_alg "$alg" "$kab") replay-window 64 flag af-unspec $xenc"
		if [ "$mode" = transport ]; then
			echo "xfrm policy add dir out src $outB dst $outA proto $proto tmpl src $outB dst $outA proto esp mode transport"
			echo "xfrm policy add dir in src $outA dst $outB proto $proto tmpl src $outA dst $outB proto esp mode transport"
		fi
	} | ip -n "$gB" -batch -
	if [ "${6:-}" = B ]; then
		udp_ping "$hB" "$inA"
		len=$(inner_len 4 100)
	elif [ "$mode" = tunnel ]; then
		udp_ping "$hA" "$inB"
		len=$(inner_len 4 100)
		# Once per overhead (IV, ICV, block) and outer family.
		if [ "$encap" = yes ] && [[ $alg =~ ^(aes-gcm-128|aes-cbc-128-sha|aes-gcm-256) ]]; then
			mtu=$(ctl "$gA" -j tunnel show sgw1 | json 'd["tunnels"][0]["tunnel_mtu"]')
			expect_eq "$alg IPv$f outer in UDP: tunnel MTU" "$mtu" "$(udp_mtu "$f" "$alg")"
		fi
	else
		udp_ping "$gA" "$outB"
		len=108		# ICMP(v6) header and 100 bytes
	fi
	[ "$f" = 6 ] && csum=ok
	for i in 1 2; do
		if [ "$encap" = yes ]; then
			echo "espudp $outA $outB $port $port $spiab $(udp_len "$f" "$alg" "$len") $csum"
			echo "espudp $outB $outA $port $port $spiba $(udp_len "$f" "$alg" "$len") $csum"
		else
			echo "esp $outA $outB $spiab $(outer_len "$f" "$alg" "$len")"
			echo "esp $outB $outA $spiba $(outer_len "$f" "$alg" "$len")"
		fi
	done >> "$tmp/want"
}

# Every algorithm in ESP in UDP against the kernel's (ip xfrm ... encap
# espinudp), both ways, in one topology: IPv4 outer for all nine, IPv6
# outer for two, transport mode in both families, and SHA-384 and SHA-512
# as plain ESP too. The router's capture must hold exactly the
# expected packets with their computed lengths and checksums (0 over IPv4,
# valid over IPv6); the tunnel MTU counts the UDP header. One round uses
# port 4501 with protect-gateways on.
test_udp_wire() {
	local n=0 a want got

	require_sgw
	require_tools
	require_module
	tmpdir
	topo
	outer 4
	inner 4
	encap_sock
	gw_tunnel "$gA" sgw
	gw_tunnel "$gB" xfrm
	neigh_warm
	: > "$tmp/want"
	cap_start "$rt" rb "$tmp/cap.pcap"
	for a in $ALGS $ALGS_SHA2; do
		udp_round 4 "$a" yes tunnel $n
		n=$((n + 1))
	done
	# Plain ESP for SHA-384/512: the ESP in UDP rounds cover the key sizes.
	for a in aes-cbc-128-sha384 aes-cbc-256-sha512; do
		udp_round 4 "$a" no tunnel $n
		n=$((n + 1))
	done
	ctl "$gA" tunnel set sgw1 protect-gateways on
	udp_round 4 chacha20-poly1305 yes transport $n
	n=$((n + 1))
	outer 6
	ctl "$gA" tunnel set sgw1 local "$outA" remote "$outB"
	xfrm_tunnel_policies
	udp_round 6 aes-gcm-256 yes tunnel $n
	# protect-gateways is on: sgw's own ESP in UDP on a port that is not
	# IKE's must leave as it is, not be encrypted again.
	udp_round 6 aes-cbc-128-sha384 4501 tunnel $((n + 1))
	udp_round 6 aes-cbc-256-sha512 yes transport $((n + 2))
	cap_stop

	want=$(sort "$tmp/want" | uniq -c | sed 's/^ *//')
	got=$($ESP summary "$tmp/cap.pcap" | awk '
		$1 == "espudp" { print $1, $2, $3, $4, $5, $6, $8, $9; next }
		$1 == "esp" { print $1, $2, $3, $4, $6; next }
		{ print }' | sort | uniq -c | sed 's/^ *//')
	expect_eq "captured packets (count, kind, src, dst, [ports,] spi, length[, UDP checksum])" \
		"$got" "$want"
	expect_eq "router: non-ESP forwarded" "$(nft_count other)" 0
	expect_eq "gA drops" "$(drops_total "$gA")" 0
}

# The receive side of ESP in UDP on sgw (gA), the kernel's ESP on gB:
# IKE behind the non-ESP marker and a NAT keepalive reach gA's socket on
# 4500 untouched; ESP in UDP with an unknown SPI is counted and does not;
# plain ESP for an SA in UDP is dropped as encap-mismatch; a NAT that
# changes gB's source port raises one NEW_MAPPING event while traffic
# flows; SA_SET and TUNNEL_SET with KEEP_SAS follow a mapping without
# losing the SAs; an ICMP error quoting our ESP in UDP lowers the path MTU.
test_udp_rx() {
	local got events mtu
	local sa_new=6 sa_set=14 tun_set=5	# SGW_CMD_SA_NEW, _SA_SET, _TUNNEL_SET

	require_sgw
	require_tools
	require_module
	tmpdir
	topo
	outer 4
	inner 4
	# gB's replies come out of the router from port 31000.
	n_exec "$rt" nft -f - <<-EOF
	table ip sgwnat {
		chain post {
			type nat hook postrouting priority 100;
			ip saddr $outB udp sport 4500 snat to $outB:31000
		}
	}
	EOF
	encap_sock
	ip netns exec "$gA" python3 "$here/esp.py" udp-listen > "$tmp/sock" 2>&1 &
	defer kill $!
	ip netns exec "$gA" "$SGWCTL" monitor > "$tmp/events" 2>&1 &
	defer kill $!
	gw_tunnel "$gA" sgw
	gw_tunnel "$gB" xfrm
	neigh_warm
	: > "$tmp/want"
	# gB starts: its ESP in UDP reaches gA from port 31000, authentic.
	udp_round 4 aes-gcm-128 yes tunnel 0 B
	wait_eq "gA socket ready" ready head -n 1 "$tmp/sock"
	wait_eq "NEW_MAPPING event" \
		"tunnel 1: sa in spi 0x00002100: ESP in UDP from a new address or port: $outB port 31000" \
		grep -m 1 "new address" "$tmp/events"
	expect_eq "gA drops after the mapping change" "$(drops_total "$gA")" 0
	events=$(grep -c "new address" "$tmp/events")

	# Follow it: the inbound SA expects port 31000, the outbound sends there.
	genl "$gA" $sa_set "4:nest:{2:u32:1,3:u32:$((0x2100)),4:u8:1,22:u16:31000,23:u16:4500}"
	genl "$gA" $sa_set "4:nest:{2:u32:1,3:u32:$((0x1100)),4:u8:2,22:u16:4500,23:u16:31000}"
	got=$(n_exec "$gA" python3 "$here/genl.py" $sa_new "4:nest:{2:u32:1,3:u32:4660,4:u8:1,6:u32:1,7:bin:$kab,22:u16:4500}" || true)
	expect_eq "SA_NEW with one port" "$got" "errno=22 msg=UDP encapsulation needs both ports"
	got=$(n_exec "$gA" python3 "$here/genl.py" $sa_set "4:nest:{2:u32:1,3:u32:$((0x2100)),4:u8:1,5:u8:2,22:u16:1,23:u16:2}" || true)
	expect_eq "SA_SET of the mode" "$got" "errno=95 msg=only the UDP ports of an SA can change; add a new SA"
	expect_eq "SA ports after SA_SET (in, out)" \
		"$(sa_get "$gA" sgw in 0x2100 encap_sport) $(sa_get "$gA" sgw out 0x1100 encap_dport)" "31000 31000"
	# A new remote with KEEP_SAS keeps both SAs; back again, traffic flows.
	genl "$gA" $tun_set "3:nest:{1:u32:1,7:bin:c6336403,20:u8:1}"
	expect_eq "SAs after a remote move with keep-SAs" \
		"$(ctl "$gA" -j sa show sgw1 2> /dev/null | json 'len(d["sas"])')" 2
	got=$(n_exec "$gA" python3 "$here/genl.py" $tun_set "3:nest:{1:u32:1,6:bin:0a010001,20:u8:1}" || true)
	expect_eq "keep-SAs with a new local address" "$got" \
		"errno=22 msg=keeping the SAs allows a new remote address of the same family only"
	genl "$gA" $tun_set "3:nest:{1:u32:1,7:bin:c6336402,20:u8:1}"
	ping_n "$hA" "$inB" 3 100 3
	expect_eq "NEW_MAPPING events once followed" "$(grep -c "new address" "$tmp/events")" "$events"

	# From gB's own address, port 4502: IKE, a keepalive, an unknown SPI.
	n_exec "$gB" python3 "$here/esp.py" udp-send --src "$outB" --sport 4502 \
		--dst "$outA" --dport 4500 00000000494b45 ff \
		dead000100000001000102030405060708090a0b0c0d0e0f
	wait_eq "unknown-spi drops" 1 drop "$gA" sgw unknown-spi
	wait_eq "datagrams at gA's socket" 3 bash -c "wc -l < $tmp/sock"
	expect_eq "datagrams at gA's socket" "$(tail -n 2 "$tmp/sock")" \
		"$outB 4502 00000000494b45"$'\n'"$outB 4502 ff"

	# Plain ESP for the SA in UDP, as gB's kernel would send it.
	craft_start
	craft_send --alg aes-gcm-128 --key "$kba" --spi 0x2100 --seq 100 --src "$outB" --dst "$outA" --inner-src "$inB" --inner-dst "$inA"
	wait_eq "encap-mismatch drops" 1 drop "$gA" sgw encap-mismatch

	# A 1400-byte link on the way: the router's ICMP quotes our ESP in UDP.
	ip -n "$rt" link set rb mtu 1400
	ctl "$gA" tunnel set sgw1 outer-df set
	ping_n "$hA" "$inB" 1 1380 0
	wait_eq "path MTU learned" 1400 bash -c "ip netns exec $gA $SGWCTL -j tunnel show sgw1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"tunnels\"][0][\"path_mtu\"])'"
	mtu=$(((1400 - 20 - 8 - 8 - 8 - 16) / 4 * 4 - 2))
	expect_eq "tunnel MTU over 1400" \
		"$(ctl "$gA" -j tunnel show sgw1 | json 'd["tunnels"][0]["tunnel_mtu"]')" $mtu
	got=$(n_exec "$hA" ping -M do -c 1 -W 2 -s $((mtu - 27)) "$inB" 2>&1 || true)
	expect_match "ICMP to the sender" "$got" "Frag needed and DF set \(mtu = $mtu\)"
}

# ------------------------------------------------------------------ the list

tests=()
add() { tests+=("$1|$2"); }

for a in $ALGS; do
	eval "t_ref_$a() { tunnel_case xfrm xfrm $a 4 4; }"
done
add "harness: xfrm <-> xfrm 4in4 aes-gcm-128 (reference)" "t_ref_aes-gcm-128"
add "harness: xfrm <-> xfrm 4in4 aes-cbc-128-sha256 (reference)" "t_ref_aes-cbc-128-sha256"
t_ref_6in6() { tunnel_case xfrm xfrm chacha20-poly1305 6 6; }
add "harness: xfrm <-> xfrm 6in6 chacha20-poly1305 (reference)" t_ref_6in6

for a in $ALGS; do
	eval "t_sgw_4in4_$a() { tunnel_case $SGW $SGW $a 4 4; }"
	add "sgw <-> sgw 4in4 $a: ping, counters, capture, iperf3" "t_sgw_4in4_$a"
done
for f in "6 4" "4 6" "6 6"; do
	set -- $f
	eval "t_sgw_$1in$2() { tunnel_case $SGW $SGW aes-gcm-128 $1 $2; }"
	add "sgw <-> sgw $1in$2 aes-gcm-128: ping, counters, capture, iperf3" "t_sgw_$1in$2"
done
for a in $ALGS; do
	eval "t_wire_$a() { tunnel_case $SGW xfrm $a 4 4; }"
	add "wire: sgw <-> kernel ESP 4in4 $a" "t_wire_$a"
done
for f in "6 4" "4 6" "6 6"; do
	set -- $f
	eval "t_wire_$1in$2() { tunnel_case $SGW xfrm aes-cbc-256-sha256 $1 $2; }"
	add "wire: sgw <-> kernel ESP $1in$2 aes-cbc-256-sha256" "t_wire_$1in$2"
done
add "wrong key: nothing delivered, auth-failed = packets sent" test_wrong_key
add "replay: re-injected captured packets dropped" test_replay_resend
add "replay window: in-window out of order accepted, outside dropped" test_replay_window
add "ESN across 2^32" test_esn
add "malformed ESP (IPv4 outer): each in its own counter" test_malformed4
add "malformed ESP (IPv6 outer): each in its own counter" test_malformed6
add "inner address outside the selectors: dropped as selector" test_selector
add "two CHILD SAs in one tunnel <-> kernel ESP: SPI per subnet pair, selector per SA, rekey of one" test_child_sas
add "SA deleted under iperf3: no-sa drops, consistent counters" test_del_sa_load
add "tunnel deleted under iperf3" test_del_tunnel_load
add "namespace deleted under iperf3: no leaked reference" test_del_netns_load
add "module unloaded under iperf3" test_unload_load
add "soft byte lifetime: one soft-expire event" test_soft_bytes
add "hard packet lifetime: SA removed, hard-expire event" test_hard_packets
add "udp: ESP in UDP <-> kernel, every algorithm, 4 and 6, tunnel and transport; SHA-384/512 plain" test_udp_wire
add "udp: IKE marker and keepalive to the socket, unknown SPI, encap mismatch, NEW_MAPPING, SA_SET, keep-SAs, PMTU" test_udp_rx

# SGW_ESP_ONLY=REGEX runs the matching tests only.
sel=()
for t in "${tests[@]}"; do
	[[ ${t%%|*} =~ ${SGW_ESP_ONLY:-.} ]] && sel+=("$t")
done
ktap_begin ${#sel[@]}
for t in "${sel[@]}"; do
	run_test "${t%%|*}" "${t#*|}"
done
ktap_end
