// SPDX-License-Identifier: GPL-2.0
/* "sgwctl trace": its argument parser and the exact text and JSON it prints. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "trace.h"

static char *buf;
static size_t len;

static FILE *start(void)
{
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	return f;
}

static void finish(FILE *f, const char *expect)
{
	fclose(f);
	assert_string_equal(buf, expect);
	free(buf);
	buf = NULL;
}

static struct sgw_ipaddr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct sgw_ipaddr addr = { .family = AF_INET, .bytes = { a, b, c, d } };

	return addr;
}

/* argv from a string of words, parsed; the error text or "" when it passed. */
static const char *parse(const char *line, struct sgw_trace_request *req)
{
	static char err[256];
	static char copy[256];
	char *argv[16], *w;
	int argc = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	for (w = strtok(copy, " "); w && argc < 16; w = strtok(NULL, " "))
		argv[argc++] = w;
	err[0] = '\0';
	memset(req, 0x55, sizeof(*req));
	if (trace_parse(argc, argv, req, err, sizeof(err)) == 0)
		assert_string_equal(err, "");
	else
		assert_string_not_equal(err, "");
	return err;
}

static void test_parse_ok(void **state)
{
	struct sgw_trace_request r;

	(void)state;
	assert_string_equal(parse("10.1.0.1 10.2.0.1", &r), "");
	assert_int_equal(r.src.family, AF_INET);
	assert_memory_equal(r.dst.bytes, ((uint8_t[]){ 10, 2, 0, 1 }), 4);
	assert_false(r.set_proto || r.set_sport || r.set_dport || r.set_size || r.df);

	assert_string_equal(parse("10.1.0.1 10.2.0.1 proto tcp sport 40000 dport 443 size 1400 df", &r), "");
	assert_true(r.set_proto && r.set_sport && r.set_dport && r.set_size && r.df);
	assert_int_equal(r.proto, 6);
	assert_int_equal(r.sport, 40000);
	assert_int_equal(r.dport, 443);
	assert_int_equal(r.size, 1400);

	assert_string_equal(parse("fd00:1::1 fd00:2::1 df proto 17 dport 53", &r),
			    "df is an IPv4 header bit and DST fd00:2::1 is IPv6 (never fragmented on the way): leave df out");
	assert_string_equal(parse("fd00:1::1 fd00:2::1 proto UDP dport 53 size 40", &r), "");
	assert_int_equal(r.src.family, AF_INET6);
	assert_int_equal(r.proto, 17);
	assert_false(r.set_sport);
	assert_int_equal(r.size, 40);
	assert_string_equal(parse("10.1.0.1 10.2.0.1 proto 255", &r), "");
	assert_int_equal(r.proto, 255);
}

static void test_parse_errors(void **state)
{
	struct sgw_trace_request r;

	(void)state;
	assert_string_equal(parse("10.1.0.1", &r),
			    "expected SRC and DST addresses: sgwctl trace SRC DST [proto P] [sport S] [dport D] [size N] [df]");
	assert_string_equal(parse("10.1.0 10.2.0.1", &r),
			    "SRC \"10.1.0\" is not valid: expected an IPv4 or IPv6 address such as 192.0.2.1 or 2001:db8::1");
	assert_string_equal(parse("10.1.0.1 fd00::1", &r),
			    "SRC 10.1.0.1 and DST fd00::1 are of two families: give two IPv4 or two IPv6 addresses");
	assert_string_equal(parse("10.1.0.1 10.2.0.1 proto ftp", &r),
			    "proto \"ftp\" is not valid: use tcp, udp, icmp, icmpv6, sctp, udplite or a number 0..255");
	assert_string_equal(parse("10.1.0.1 10.2.0.1 proto 256", &r),
			    "proto \"256\" is not valid: use tcp, udp, icmp, icmpv6, sctp, udplite or a number 0..255");
	assert_string_equal(parse("10.1.0.1 10.2.0.1 dport 80", &r),
			    "dport needs a protocol with ports: give \"proto tcp\" (or udp, sctp, udplite)");
	assert_string_equal(parse("10.1.0.1 10.2.0.1 proto icmp sport 1", &r),
			    "sport needs a protocol with ports: give \"proto tcp\" (or udp, sctp, udplite)");
	assert_string_equal(parse("10.1.0.1 10.2.0.1 proto tcp sport 0", &r),
			    "sport \"0\" is not valid: expected a number from 1 to 65535");
	assert_string_equal(parse("10.1.0.1 10.2.0.1 size 19", &r),
			    "size 19 is below the 20-byte IPv4 header: give at least 20 bytes");
	assert_string_equal(parse("fd00::2 fd00::1 size 39", &r),
			    "size 39 is below the 40-byte IPv6 header: give at least 40 bytes");
	assert_string_equal(parse("10.1.0.1 10.2.0.1 size 65536", &r),
			    "size \"65536\" is not valid: expected a number from 1 to 65535");
	assert_string_equal(parse("10.1.0.1 10.2.0.1 size 100 size 200", &r),
			    "\"size\" given twice: give it once");
	assert_string_equal(parse("10.1.0.1 10.2.0.1 df df", &r),
			    "\"df\" given twice: give it once");
	assert_string_equal(parse("10.1.0.1 10.2.0.1 proto", &r),
			    "\"proto\" needs a value: tcp, udp, icmp, icmpv6, sctp, udplite or a number 0..255");
	assert_string_equal(parse("10.1.0.1 10.2.0.1 ttl 3", &r),
			    "unknown keyword \"ttl\": expected proto, sport, dport, size or df");
}

/* The answer for a TCP packet that leaves as ESP through tunnel 1. */
static struct sgw_trace_result encrypted(void)
{
	struct sgw_trace_result r = {
		.src = v4(10, 1, 0, 1), .dst = v4(10, 2, 0, 1), .proto = 6,
		.has_ports = true, .sport = 40000, .dport = 443, .size = 1400,
		.df = true, .verdict = SGW_TRACE_ENCRYPTED, .ifindex = 5,
		.ifname = "sgw1", .in_tunnel = true, .enabled = true,
		.tunnel_id = 1, .has_ts = true, .local_ts_match = true,
		.remote_ts_match = true, .underlay_ifindex = 3,
		.underlay_ifname = "eth0", .underlay_via = v4(192, 0, 2, 254),
		.has_sa = true, .spi = 0xc0ffee01, .alg = SGW_ALG_AES_GCM_128,
		.has_mtu = true, .path_mtu = 1500, .tunnel_mtu = 1438,
		.has_mss = true, .mss = 1398, .has_outer = true,
		.fragment = SGW_TRACE_FRAG_NONE, .outer_src = v4(192, 0, 2, 1),
		.outer_dst = v4(192, 0, 2, 2), .outer_size = 1458,
		.outer_df = true, .outer_proto = 50,
	};

	return r;
}

static void test_text_encrypted(void **state)
{
	struct sgw_trace_result r = encrypted();
	FILE *f = start();

	(void)state;
	trace_print_text(f, &r);
	finish(f,
	       "packet: 10.1.0.1 -> 10.2.0.1 tcp 40000 -> 443, 1400 bytes, DF\n"
	       "route: dev sgw1\n"
	       "tunnel: 1, enabled\n"
	       "selectors: source in local-ts yes, destination in remote-ts yes\n"
	       "sa: 0xc0ffee01 aes-gcm-128\n"
	       "underlay: dev eth0 via 192.0.2.254\n"
	       "mtu: path 1500, tunnel 1438\n"
	       "size: 1400 bytes fit the tunnel MTU 1438\n"
	       "mss: a SYN's MSS option is clamped to 1398\n"
	       "outer: 192.0.2.1 -> 192.0.2.2 1458 bytes DF\n"
	       "verdict: encrypted with SA 0xc0ffee01 (aes-gcm-128), outer 192.0.2.1 -> 192.0.2.2 1458 bytes DF\n");
}

static void test_text_udp_fragmented(void **state)
{
	struct sgw_trace_result r = encrypted();
	FILE *f = start();

	(void)state;
	r.proto = 17;
	r.has_mss = false;
	r.df = false;
	r.size = 2000;
	r.encap_sport = 4500;
	r.encap_dport = 4501;
	r.fragment = SGW_TRACE_FRAG_BEFORE;
	r.outer_df = false;
	r.outer_proto = 17;
	trace_print_text(f, &r);
	finish(f,
	       "packet: 10.1.0.1 -> 10.2.0.1 udp 40000 -> 443, 2000 bytes\n"
	       "route: dev sgw1\n"
	       "tunnel: 1, enabled\n"
	       "selectors: source in local-ts yes, destination in remote-ts yes\n"
	       "sa: 0xc0ffee01 aes-gcm-128, ESP in UDP 4500 -> 4501\n"
	       "underlay: dev eth0 via 192.0.2.254\n"
	       "mtu: path 1500, tunnel 1438\n"
	       "size: 2000 bytes exceed the tunnel MTU 1438: fragmented before encryption, each fragment its own ESP packet\n"
	       "outer: 192.0.2.1 -> 192.0.2.2 1458 bytes no DF, ESP in UDP 4500 -> 4501 (first fragment)\n"
	       "verdict: encrypted with SA 0xc0ffee01 (aes-gcm-128), outer 192.0.2.1 -> 192.0.2.2 1458 bytes no DF, ESP in UDP 4500 -> 4501 (first fragment)\n");
}

static void test_text_icmp(void **state)
{
	struct sgw_trace_result r = encrypted();
	FILE *f = start();

	(void)state;
	r.size = 1500;
	r.verdict = SGW_TRACE_ICMP;
	r.has_icmp_mtu = true;
	r.icmp_mtu = 1438;
	r.has_outer = false;
	r.has_mss = false;
	r.has_ports = false;
	r.proto = 1;
	trace_print_text(f, &r);
	finish(f,
	       "packet: 10.1.0.1 -> 10.2.0.1 icmp, 1500 bytes, DF\n"
	       "route: dev sgw1\n"
	       "tunnel: 1, enabled\n"
	       "selectors: source in local-ts yes, destination in remote-ts yes\n"
	       "sa: 0xc0ffee01 aes-gcm-128\n"
	       "underlay: dev eth0 via 192.0.2.254\n"
	       "mtu: path 1500, tunnel 1438\n"
	       "size: 1500 bytes exceed the tunnel MTU 1438 with DF: ICMP fragmentation needed, mtu 1438\n"
	       "verdict: refused with ICMP fragmentation needed, mtu 1438\n");
}

/* Before any SA: the outcomes that stop early. */
static struct sgw_trace_result early(unsigned int verdict)
{
	struct sgw_trace_result r = {
		.src = v4(10, 1, 0, 1), .dst = v4(10, 2, 0, 1), .proto = 1,
		.size = 84, .verdict = verdict, .ifindex = 5, .ifname = "sgw1",
		.in_tunnel = true, .enabled = true, .tunnel_id = 1,
		.has_ts = true, .local_ts_match = true, .remote_ts_match = true,
	};

	return r;
}

static void test_text_early(void **state)
{
	struct sgw_trace_result r = early(SGW_TRACE_HELD);
	FILE *f = start();

	(void)state;
	r.no_sa = true;
	r.daemon = true;
	r.held = 2;
	trace_print_text(f, &r);
	finish(f,
	       "packet: 10.1.0.1 -> 10.2.0.1 icmp, 84 bytes\n"
	       "route: dev sgw1\n"
	       "tunnel: 1, enabled\n"
	       "selectors: source in local-ts yes, destination in remote-ts yes\n"
	       "sa: none; an IKE daemon is registered: held and an SA asked for (2 of 8 held now)\n"
	       "verdict: held while the IKE daemon negotiates an SA (up to 5 s, then hold-timeout)\n");

	r = early(SGW_TRACE_DROPPED);
	r.has_drop = true;
	r.drop = SGW_DROP_DISABLED;
	r.enabled = false;
	r.remote_ts_match = false;
	f = start();
	trace_print_text(f, &r);
	finish(f,
	       "packet: 10.1.0.1 -> 10.2.0.1 icmp, 84 bytes\n"
	       "route: dev sgw1\n"
	       "tunnel: 1, disabled\n"
	       "selectors: source in local-ts yes, destination in remote-ts no\n"
	       "verdict: dropped, counted as disabled\n");

	r = early(SGW_TRACE_EXEMPT);
	r.dst = v4(192, 0, 2, 2);
	r.exempt = true;
	r.exempt_tunnel_id = 1;
	r.underlay_ifindex = 3;
	snprintf(r.underlay_ifname, sizeof(r.underlay_ifname), "eth0");
	f = start();
	trace_print_text(f, &r);
	finish(f,
	       "packet: 10.1.0.1 -> 192.0.2.2 icmp, 84 bytes\n"
	       "route: dev sgw1\n"
	       "tunnel: 1, enabled\n"
	       "selectors: source in local-ts yes, destination in remote-ts yes\n"
	       "exemption: 192.0.2.2 is the remote SGW of tunnel 1\n"
	       "underlay: dev eth0\n"
	       "verdict: exempt: in clear around the tunnels through dev eth0\n");

	memset(&r, 0, sizeof(r));
	r.src = v4(10, 1, 0, 1);
	r.dst = v4(10, 9, 0, 1);
	r.proto = 1;
	r.size = 20;
	r.verdict = SGW_TRACE_CLEAR;
	r.ifindex = 3;
	snprintf(r.ifname, sizeof(r.ifname), "eth0");
	r.via = v4(192, 0, 2, 254);
	f = start();
	trace_print_text(f, &r);
	finish(f,
	       "packet: 10.1.0.1 -> 10.9.0.1 icmp, 20 bytes\n"
	       "route: dev eth0 via 192.0.2.254\n"
	       "verdict: not into an sgw tunnel: leaves through dev eth0 unencrypted\n");

	r.verdict = SGW_TRACE_NO_ROUTE;
	r.ifindex = 0;
	r.via.family = 0;
	f = start();
	trace_print_text(f, &r);
	finish(f,
	       "packet: 10.1.0.1 -> 10.9.0.1 icmp, 20 bytes\n"
	       "verdict: no route to 10.9.0.1\n");
}

static void test_json(void **state)
{
	struct sgw_trace_result r = encrypted();
	FILE *f = start();

	(void)state;
	r.encap_sport = 4500;
	r.encap_dport = 4500;
	r.outer_proto = 17;
	trace_print_json(f, &r);
	finish(f,
	       "{\"version\":1,\"src\":\"10.1.0.1\",\"dst\":\"10.2.0.1\",\"proto\":6,\"sport\":40000,"
	       "\"dport\":443,\"size\":1400,\"df\":true,\"verdict\":\"encrypted\","
	       "\"dev\":\"sgw1\",\"ifindex\":5,\"tunnel\":1,\"enabled\":true,"
	       "\"local_ts_match\":true,\"remote_ts_match\":true,"
	       "\"underlay_dev\":\"eth0\",\"underlay_via\":\"192.0.2.254\","
	       "\"spi\":3237998081,\"alg\":\"aes-gcm-128\",\"path_mtu\":1500,"
	       "\"tunnel_mtu\":1438,\"mss\":1398,\"fragment\":\"none\","
	       "\"outer\":{\"src\":\"192.0.2.1\",\"dst\":\"192.0.2.2\",\"size\":1458,"
	       "\"df\":true,\"proto\":\"udp\",\"sport\":4500,\"dport\":4500}}\n");

	r = early(SGW_TRACE_DROPPED);
	r.has_drop = true;
	r.drop = SGW_DROP_NO_SA;
	r.no_sa = true;
	f = start();
	trace_print_json(f, &r);
	finish(f,
	       "{\"version\":1,\"src\":\"10.1.0.1\",\"dst\":\"10.2.0.1\",\"proto\":1,\"size\":84,"
	       "\"df\":false,\"verdict\":\"dropped\",\"drop\":\"no-sa\","
	       "\"dev\":\"sgw1\",\"ifindex\":5,\"tunnel\":1,\"enabled\":true,"
	       "\"local_ts_match\":true,\"remote_ts_match\":true,"
	       "\"ike_daemon\":false,\"held\":0}\n");
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(trace_proto_parse("icmpv6"), 58);
	assert_int_equal(trace_proto_parse("-1"), -1);
	assert_int_equal(trace_proto_parse("6x"), -1);
	assert_string_equal(trace_proto_name(132), "sctp");
	assert_null(trace_proto_name(200));
	assert_string_equal(trace_verdict_name(SGW_TRACE_ENCRYPTED), "encrypted");
	assert_string_equal(trace_verdict_name(SGW_TRACE_ENCRYPTED + 1), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_text_encrypted),
		cmocka_unit_test(test_text_udp_fragmented),
		cmocka_unit_test(test_text_icmp),
		cmocka_unit_test(test_text_early),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
