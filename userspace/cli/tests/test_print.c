// SPDX-License-Identifier: GPL-2.0
/* The exact text of Documentation/interface.md's examples. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "print.h"

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

/* The tunnel of the document's examples. */
static struct sgw_tunnel_info doc_tunnel(void)
{
	struct sgw_tunnel_info t = {
		.id = 1, .ifindex = 4, .ifname = "sgw1", .enabled = true,
		.local = v4(192, 0, 2, 1), .remote = v4(192, 0, 2, 2),
		.local_ts = { .n = 1 }, .remote_ts = { .n = 1 },
	};

	t.local_ts.v[0].addr = v4(10, 1, 0, 0);
	t.local_ts.v[0].len = 24;
	t.remote_ts.v[0].addr = v4(10, 2, 0, 0);
	t.remote_ts.v[0].len = 24;
	t.drops[SGW_DROP_NO_SA] = 3;
	t.path_mtu = 1500;
	t.tunnel_mtu = 1446;
	return t;
}

static void test_tunnel_human(void **state)
{
	struct sgw_tunnel_info t = doc_tunnel();
	FILE *f = start();

	(void)state;
	print_tunnel(f, &t);
	finish(f, "tunnel 1: interface sgw1 (ifindex 4), enabled\n"
		  "  local 192.0.2.1  remote 192.0.2.2\n"
		  "  local-ts 10.1.0.0/24  remote-ts 10.2.0.0/24\n"
		  "  drops: no-sa 3\n"
		  "  mtu 1446 (auto: path MTU 1500 minus 54 bytes of ESP)  outer-df copy  fragment before-encryption  mss auto\n");

	/* Fresh from "ip link add": nothing set, nothing dropped. */
	memset(&t, 0, sizeof(t));
	t.id = 7;
	t.ifindex = 12;
	strcpy(t.ifname, "hq");
	f = start();
	print_tunnel(f, &t);
	finish(f, "tunnel 7: interface hq (ifindex 12), disabled\n"
		  "  local unset  remote unset\n"
		  "  local-ts any  remote-ts any\n"
		  "  drops: none\n");

	t = doc_tunnel();
	t.remote_ts.n = 0;
	t.local_ts.n = 2;
	t.local_ts.v[1].addr.family = AF_INET6;
	memcpy(t.local_ts.v[1].addr.bytes, "\x20\x01\x0d\xb8", 4);
	t.local_ts.v[1].len = 32;
	t.drops[SGW_DROP_REPLAY] = 18446744073709551615ULL;
	t.drops[SGW_DROP_NO_ROUTE] = 1;
	/* Configured MTU, fixed MSS, the exemption and events. */
	t.mtu = 1400;
	t.tunnel_mtu = 1400;
	t.mss = 1300;
	t.outer_df = SGW_OUTER_DF_CLEAR;
	t.fragment = SGW_FRAGMENT_AFTER;
	t.exempt_ifindex = 1;
	t.exempt_via = v4(192, 0, 2, 254);
	t.events[SGW_EV_FRAG_NEEDED] = 2;
	t.events[SGW_EV_MSS_CLAMPED] = 5;
	f = start();
	print_tunnel(f, &t);
	finish(f, "tunnel 1: interface sgw1 (ifindex 4), enabled\n"
		  "  local 192.0.2.1  remote 192.0.2.2\n"
		  "  local-ts 10.1.0.0/24,2001:db8::/32  remote-ts any\n"
		  "  drops: no-sa 3, replay 18446744073709551615, no-route 1\n"
		  "  mtu 1400 (configured; path MTU 1500)  outer-df clear  fragment after-encryption  mss 1300\n"
		  "  exempt 192.0.2.2 via 192.0.2.254 dev lo\n"
		  "  events: frag-needed 2, mss-clamped 5\n");

	/* No route to the peer: the MTU cannot be known. */
	t = doc_tunnel();
	t.path_mtu = t.tunnel_mtu = 0;
	t.mss = SGW_MSS_OFF;
	f = start();
	print_tunnel(f, &t);
	finish(f, "tunnel 1: interface sgw1 (ifindex 4), enabled\n"
		  "  local 192.0.2.1  remote 192.0.2.2\n"
		  "  local-ts 10.1.0.0/24  remote-ts 10.2.0.0/24\n"
		  "  drops: no-sa 3\n"
		  "  mtu unknown: no route to the remote SGW\n");

	/* SGW-to-SGW protection on, and what it dropped without its SA. */
	t = doc_tunnel();
	t.protect_gw = true;
	t.drops[SGW_DROP_NO_SA] = 0;
	t.drops[SGW_DROP_NO_TRANSPORT_SA] = 7;
	f = start();
	print_tunnel(f, &t);
	finish(f, "tunnel 1: interface sgw1 (ifindex 4), enabled\n"
		  "  local 192.0.2.1  remote 192.0.2.2  protect-gateways on\n"
		  "  local-ts 10.1.0.0/24  remote-ts 10.2.0.0/24\n"
		  "  drops: no-transport-sa 7\n"
		  "  mtu 1446 (auto: path MTU 1500 minus 54 bytes of ESP)  outer-df copy  fragment before-encryption  mss auto\n");
}

static void test_tunnel_json(void **state)
{
	struct sgw_tunnel_info t = doc_tunnel();
	FILE *f = start();
	struct json j;

	(void)state;
	json_init(&j, f);
	print_tunnel_json(&j, &t);
	finish(f, "{\"id\":1,\"ifname\":\"sgw1\",\"ifindex\":4,\"enabled\":true,"
		  "\"local\":\"192.0.2.1\",\"remote\":\"192.0.2.2\","
		  "\"local_ts\":[\"10.1.0.0/24\"],\"remote_ts\":[\"10.2.0.0/24\"],"
		  "\"drops\":{\"no_sa\":3,\"unknown_spi\":0,\"replay\":0,\"auth_failed\":0,"
		  "\"malformed\":0,\"selector\":0,\"disabled\":0,\"loop\":0,"
		  "\"no_memory\":0,\"no_route\":0,\"hold_full\":0,\"hold_timeout\":0,\"no_transport_sa\":0,\"backlog\":0,\"encap_mismatch\":0},\"mtu_auto\":true,\"mtu\":1446,\"mss_mode\":\"auto\","
		  "\"outer_df\":\"copy\",\"fragment\":\"before-encryption\","
		  "\"path_mtu\":1500,\"tunnel_mtu\":1446,\"events\":{\"frag_needed\":0,"
		  "\"packet_too_big\":0,\"fragmented_before\":0,\"fragmented_after\":0,"
		  "\"mss_clamped\":0,\"pmtu_lowered\":0,\"held\":0,\"held_sent\":0,"
		  "\"acquire\":0},\"protect_gateways\":false}");

	t.exempt_ifindex = 1;
	t.exempt_via = v4(192, 0, 2, 254);
	t.mss = SGW_MSS_OFF;
	t.mtu = 1300;
	f = start();
	json_init(&j, f);
	print_tunnel_json(&j, &t);
	fclose(f);
	assert_non_null(strstr(buf, "\"mtu_auto\":false,\"mtu\":1300,\"mss_mode\":\"off\","));
	assert_non_null(strstr(buf, "\"exempt\":{\"dev\":\"lo\",\"ifindex\":1,\"via\":\"192.0.2.254\"},\"protect_gateways\":false}"));
	free(buf);
	buf = NULL;
	t.protect_gw = true;
	t.drops[SGW_DROP_NO_TRANSPORT_SA] = 4;
	f = start();
	json_init(&j, f);
	print_tunnel_json(&j, &t);
	fclose(f);
	assert_non_null(strstr(buf, "\"hold_timeout\":0,\"no_transport_sa\":4,\"backlog\":0,\"encap_mismatch\":0}"));
	assert_non_null(strstr(buf, "},\"protect_gateways\":true}"));
	free(buf);
	buf = NULL;

	memset(&t, 0, sizeof(t));
	t.id = 2;
	strcpy(t.ifname, "sgw\"2");
	f = start();
	json_init(&j, f);
	json_array_open(&j, NULL);
	print_tunnel_json(&j, &t);
	json_array_close(&j);
	json_end(&j);
	finish(f, "[{\"id\":2,\"ifname\":\"sgw\\\"2\",\"ifindex\":0,\"enabled\":false,"
		  "\"local_ts\":[],\"remote_ts\":[],"
		  "\"drops\":{\"no_sa\":0,\"unknown_spi\":0,\"replay\":0,\"auth_failed\":0,"
		  "\"malformed\":0,\"selector\":0,\"disabled\":0,\"loop\":0,"
		  "\"no_memory\":0,\"no_route\":0,\"hold_full\":0,\"hold_timeout\":0,\"no_transport_sa\":0,\"backlog\":0,\"encap_mismatch\":0},\"mtu_auto\":true,\"mtu\":0,\"mss_mode\":\"auto\","
		  "\"outer_df\":\"copy\",\"fragment\":\"before-encryption\","
		  "\"path_mtu\":0,\"tunnel_mtu\":0,\"events\":{\"frag_needed\":0,"
		  "\"packet_too_big\":0,\"fragmented_before\":0,\"fragmented_after\":0,"
		  "\"mss_clamped\":0,\"pmtu_lowered\":0,\"held\":0,\"held_sent\":0,"
		  "\"acquire\":0},\"protect_gateways\":false}]\n");
}

static const struct sgw_sa_info doc_out_sa = {
	.tunnel_id = 1, .spi = 0x1001, .dir = SGW_DIR_OUT, .mode = SGW_MODE_TUNNEL,
	.alg = SGW_ALG_AES_GCM_128, .seq = 12, .bytes = 1008,
	.packets = 12, .age = 5,
};

static void test_sa_human(void **state)
{
	struct sgw_sa_info sa = doc_out_sa;
	FILE *f = start();

	(void)state;
	sa.soft_seconds = 3000;
	sa.hard_seconds = 3600;
	print_sa(f, &sa);
	sa = doc_out_sa;
	sa.spi = 0x2001;
	sa.dir = SGW_DIR_IN;
	sa.replay_window = 64;
	sa.esn = true;
	sa.encap_sport = 31001;
	sa.encap_dport = 4500;
	print_sa(f, &sa);
	/* One CHILD SA of several: its own selectors on a line of their own. */
	sa = doc_out_sa;
	sa.spi = 0x1002;
	sa.has_ts = true;
	sa.local_ts.n = 1;
	sa.local_ts.v[0].addr.family = AF_INET;
	memcpy(sa.local_ts.v[0].addr.bytes, "\x0a\x01\x01\x00", 4);
	sa.local_ts.v[0].len = 24;
	print_sa(f, &sa);
	finish(f, "tunnel 1: sa out spi 0x00001001 aes-gcm-128 tunnel\n"
		  "  seq 12  bytes 1008  packets 12  age 5s\n"
		  "  lifetime: soft 0 bytes/0 packets/3000s, hard 0 bytes/0 packets/3600s\n"
		  "tunnel 1: sa in spi 0x00002001 aes-gcm-128 tunnel replay-window 64 esn encap 31001 4500\n"
		  "  seq 12  bytes 1008  packets 12  age 5s\n"
		  "tunnel 1: sa out spi 0x00001002 aes-gcm-128 tunnel\n"
		  "  local-ts 10.1.1.0/24  remote-ts any\n"
		  "  seq 12  bytes 1008  packets 12  age 5s\n");

	memset(&sa, 0, sizeof(sa));
	sa.tunnel_id = 65535;
	sa.spi = 0xffffffff;
	sa.dir = SGW_DIR_IN;
	sa.mode = SGW_MODE_TUNNEL;
	sa.alg = 99;
	sa.soft_expired = true;
	sa.soft_bytes = 1000;
	sa.hard_packets = 18446744073709551615ULL;
	f = start();
	print_sa(f, &sa);
	finish(f, "tunnel 65535: sa in spi 0xffffffff unknown tunnel replay-window 0 soft-expired\n"
		  "  seq 0  bytes 0  packets 0  age 0s\n"
		  "  lifetime: soft 1000 bytes/0 packets/0s, hard 0 bytes/18446744073709551615 packets/0s\n");
}

static void test_sa_json(void **state)
{
	struct sgw_sa_info sa = doc_out_sa;
	FILE *f = start();
	struct json j;

	(void)state;
	json_init(&j, f);
	json_array_open(&j, NULL);
	print_sa_json(&j, &sa);
	sa.dir = SGW_DIR_IN;
	sa.replay_window = 64;
	sa.alg = SGW_ALG_AES_CBC_256_SHA256;
	sa.esn = true;
	sa.soft_expired = true;
	sa.soft_bytes = 1;
	sa.hard_bytes = 2;
	sa.soft_packets = 3;
	sa.hard_packets = 4;
	sa.soft_seconds = 5;
	sa.hard_seconds = 6;
	sa.encap_sport = 4500;
	sa.encap_dport = 31001;
	sa.has_ts = true;
	sa.remote_ts.n = 1;
	sa.remote_ts.v[0].addr.family = AF_INET;
	memcpy(sa.remote_ts.v[0].addr.bytes, "\x0a\x02\x01\x00", 4);
	sa.remote_ts.v[0].len = 24;
	print_sa_json(&j, &sa);
	json_array_close(&j);
	json_end(&j);
	finish(f, "[{\"tunnel\":1,\"dir\":\"out\",\"spi\":4097,\"alg\":\"aes-gcm-128\","
		  "\"mode\":\"tunnel\",\"replay_window\":0,\"esn\":false,\"encap\":false,\"encap_sport\":0,\"encap_dport\":0,"
		  "\"seq\":12,"
		  "\"bytes\":1008,\"packets\":12,\"age\":5,\"soft_expired\":false,"
		  "\"soft_bytes\":0,\"hard_bytes\":0,\"soft_packets\":0,\"hard_packets\":0,"
		  "\"soft_seconds\":0,\"hard_seconds\":0},"
		  "{\"tunnel\":1,\"dir\":\"in\",\"spi\":4097,\"alg\":\"aes-cbc-256-sha256\","
		  "\"mode\":\"tunnel\",\"replay_window\":64,\"esn\":true,"
		  "\"encap\":true,\"encap_sport\":4500,\"encap_dport\":31001,"
		  "\"local_ts\":[],\"remote_ts\":[\"10.2.1.0/24\"],\"seq\":12,"
		  "\"bytes\":1008,\"packets\":12,\"age\":5,\"soft_expired\":true,"
		  "\"soft_bytes\":1,\"hard_bytes\":2,\"soft_packets\":3,\"hard_packets\":4,"
		  "\"soft_seconds\":5,\"hard_seconds\":6}]\n");
}

static void test_tunnel_event(void **state)
{
	struct sgw_event ev = {
		.type = SGW_EVENT_TUNNEL, .tunnel_id = 2, .ifname = "branch",
		.enabled = false, .mtu = 1446,
	};
	FILE *f = start();
	struct json j;

	(void)state;
	print_event(f, &ev);
	ev.enabled = true;
	print_event(f, &ev);
	finish(f, "tunnel 2 (branch): disabled, mtu 1446\n"
		  "tunnel 2 (branch): enabled, mtu 1446\n");
	f = start();
	json_init(&j, f);
	print_event_json(&j, &ev);
	json_end(&j);
	finish(f, "{\"version\":1,\"event\":\"tunnel\",\"tunnel\":2,\"ifname\":\"branch\","
		  "\"enabled\":true,\"mtu\":1446}\n");
}

static void test_mapping_event(void **state)
{
	struct sgw_event ev = {
		.type = SGW_EVENT_NEW_MAPPING, .tunnel_id = 1, .spi = 0x2001,
		.src = { .family = AF_INET, .bytes = { 198, 51, 100, 2 } },
		.port = 31000,
	};
	FILE *f = start();
	struct json j;

	(void)state;
	print_event(f, &ev);
	finish(f, "tunnel 1: sa in spi 0x00002001: ESP in UDP from a new address or port: 198.51.100.2 port 31000\n");
	f = start();
	json_init(&j, f);
	print_event_json(&j, &ev);
	json_end(&j);
	finish(f, "{\"version\":1,\"event\":\"new-mapping\",\"tunnel\":1,\"spi\":8193,"
		  "\"addr\":\"198.51.100.2\",\"port\":31000}\n");
}

static void test_event(void **state)
{
	struct sgw_event ev = {
		.type = SGW_EVENT_SA_EXPIRE, .tunnel_id = 1, .spi = 4097,
		.dir = SGW_DIR_OUT, .bytes = 1234, .packets = 10,
	};
	FILE *f = start();
	struct json j;

	(void)state;
	print_event(f, &ev);
	ev.hard = true;
	ev.dir = SGW_DIR_IN;
	print_event(f, &ev);
	finish(f, "tunnel 1: sa out spi 0x00001001 soft expire (bytes 1234, packets 10)\n"
		  "tunnel 1: sa in spi 0x00001001 hard expire (bytes 1234, packets 10)\n");

	f = start();
	json_init(&j, f);
	ev.hard = false;
	ev.dir = SGW_DIR_OUT;
	print_event_json(&j, &ev);
	json_end(&j);
	json_init(&j, f);
	ev.hard = true;
	print_event_json(&j, &ev);
	json_end(&j);
	finish(f, "{\"version\":1,\"event\":\"sa-expire\",\"tunnel\":1,\"dir\":\"out\",\"spi\":4097,"
		  "\"hard\":false,\"bytes\":1234,\"packets\":10}\n"
		  "{\"version\":1,\"event\":\"sa-expire\",\"tunnel\":1,\"dir\":\"out\",\"spi\":4097,"
		  "\"hard\":true,\"bytes\":1234,\"packets\":10}\n");
}

static void test_acquire_event(void **state)
{
	struct sgw_event ev = {
		.type = SGW_EVENT_ACQUIRE, .tunnel_id = 3,
		.src = v4(10, 1, 0, 2), .dst = v4(10, 2, 0, 2),
	};
	FILE *f = start();
	struct json j;

	(void)state;
	print_event(f, &ev);
	finish(f, "tunnel 3: acquire: no SA for 10.1.0.2 -> 10.2.0.2\n");
	f = start();
	json_init(&j, f);
	print_event_json(&j, &ev);
	json_end(&j);
	finish(f, "{\"version\":1,\"event\":\"acquire\",\"tunnel\":3,\"src\":\"10.1.0.2\","
		  "\"dst\":\"10.2.0.2\"}\n");
}

static void test_ike_local_auto(void **state)
{
	struct ctl_tunnel t = { .id = 1 };
	FILE *f = start();
	struct json j;

	(void)state;
	strcpy(t.name, "gw");
	strcpy(t.ifname, "sgw1");
	strcpy(t.state, "idle");
	strcpy(t.local, "192.0.2.1");
	strcpy(t.local_id, "192.0.2.1");
	strcpy(t.remote, "198.51.100.1");
	strcpy(t.local_why, "auto: source of the route to 198.51.100.1 via "
	       "192.0.2.254 dev eth0");
	print_ike(f, &t);
	finish(f, "ike gw (tunnel 1, sgw1): idle, 192.0.2.1 as 192.0.2.1 -> 198.51.100.1\n"
		  "  local 192.0.2.1 (auto: source of the route to 198.51.100.1 "
		  "via 192.0.2.254 dev eth0)\n");
	f = start();
	json_init(&j, f);
	print_ike_json(&j, &t);
	json_end(&j);
	fclose(f);
	assert_non_null(strstr(buf, "\"local_auto\":\"auto: source of the route to "
			       "198.51.100.1 via 192.0.2.254 dev eth0\""));
	assert_non_null(strstr(buf, "\"ike_failures\":{\"timeout\":0,\"auth\":0,"
			       "\"proposal\":0,\"ts\":0,\"refused\":0,"
			       "\"local\":0}}"));
	free(buf);
	buf = NULL;
}

/* remote = NAME: the address in use and the name; unresolved, the name. */
static void test_ike_remote_name(void **state)
{
	struct ctl_tunnel t = { .id = 1 };
	FILE *f = start();
	struct json j;

	(void)state;
	strcpy(t.name, "gw");
	strcpy(t.ifname, "sgw1");
	strcpy(t.state, "idle");
	strcpy(t.local, "192.0.2.1");
	strcpy(t.local_id, "192.0.2.1");
	strcpy(t.remote, "192.0.2.2");
	strcpy(t.remote_name, "peer.example");
	print_ike(f, &t);
	finish(f, "ike gw (tunnel 1, sgw1): idle, 192.0.2.1 as 192.0.2.1 -> "
		  "192.0.2.2\n"
		  "  remote 192.0.2.2 (peer.example)\n");
	f = start();
	json_init(&j, f);
	print_ike_json(&j, &t);
	json_end(&j);
	fclose(f);
	assert_non_null(strstr(buf, "\"remote\":\"192.0.2.2\",\"remote_name\":"
			       "\"peer.example\""));
	free(buf);
	buf = NULL;

	t.remote[0] = '\0';
	strcpy(t.state, "failed");
	f = start();
	print_ike(f, &t);
	finish(f, "ike gw (tunnel 1, sgw1): failed, 192.0.2.1 as 192.0.2.1 -> "
		  "peer.example\n"
		  "  remote unresolved (peer.example)\n");
	f = start();
	json_init(&j, f);
	print_ike_json(&j, &t);
	json_end(&j);
	fclose(f);
	assert_non_null(strstr(buf, "\"local\":\"192.0.2.1\",\"remote_name\":"
			       "\"peer.example\""));
	free(buf);
	buf = NULL;
}

/* IKE failures by kind, and ESP that stopped arriving. */
static void test_ike_failures(void **state)
{
	struct ctl_tunnel t = { .id = 1 };
	FILE *f = start();
	struct json j;

	(void)state;
	strcpy(t.name, "gw");
	strcpy(t.ifname, "sgw1");
	strcpy(t.state, "idle");
	strcpy(t.local, "192.0.2.1");
	strcpy(t.local_id, "192.0.2.1");
	strcpy(t.remote, "198.51.100.1");
	t.failures[1] = 2;	/* auth */
	t.failures[3] = 1;	/* ts */
	strcpy(t.esp_silent, "ESP from the peer 198.51.100.1 is not arriving");
	print_ike(f, &t);
	finish(f, "ike gw (tunnel 1, sgw1): idle, 192.0.2.1 as 192.0.2.1 -> 198.51.100.1\n"
		  "  IKE failures: auth 2, ts 1\n"
		  "  data path: ESP from the peer 198.51.100.1 is not arriving\n");
	f = start();
	json_init(&j, f);
	print_ike_json(&j, &t);
	json_end(&j);
	fclose(f);
	assert_non_null(strstr(buf, "\"ike_failures\":{\"timeout\":0,\"auth\":2,"
			       "\"proposal\":0,\"ts\":1,\"refused\":0,"
			       "\"local\":0},\"esp_silent\":\"ESP from the peer "
			       "198.51.100.1 is not arriving\""));
	free(buf);
	buf = NULL;
}

/* A tunnel whose CHILD SA rides on another tunnel's IKE SA says which. */
static void test_ike_shared(void **state)
{
	struct ctl_tunnel t = { .id = 2 };
	FILE *f = start();
	struct json j;

	(void)state;
	strcpy(t.name, "gw2");
	strcpy(t.ifname, "sgw2");
	strcpy(t.state, "established");
	strcpy(t.local, "192.0.2.1");
	strcpy(t.local_id, "fqdn:sgw.example");
	strcpy(t.remote, "192.0.2.2");
	strcpy(t.proposal, "aes128gcm16-prfsha256-ecp256");
	strcpy(t.peer_id, "fqdn:c.example");
	t.spi_i = 0x0123456789abcdefULL;
	t.spi_r = 0x1111222233334444ULL;
	t.ike_tunnel = 1;
	print_ike(f, &t);
	finish(f, "ike gw2 (tunnel 2, sgw2): established, 192.0.2.1 as "
		  "fqdn:sgw.example -> 192.0.2.2\n"
		  "  IKE SA 0123456789abcdef_i 1111222233334444_r* "
		  "aes128gcm16-prfsha256-ecp256, peer fqdn:c.example, age 0s, "
		  "last message from the peer 0s ago\n"
		  "    of tunnel 1: this tunnel's CHILD SA rides on it (the peer "
		  "asked there)\n"
		  "  refresh: 0 CHILD SA rekeys, 0 IKE SA rekeys, 0 collisions, "
		  "0 liveness failures, 0 restarts\n");
	f = start();
	json_init(&j, f);
	print_ike_json(&j, &t);
	json_end(&j);
	fclose(f);
	assert_non_null(strstr(buf, "\"spi_r\":\"1111222233334444\","
			       "\"ike_tunnel\":1,"));
	free(buf);
	buf = NULL;
	/* Its own: said in JSON only; none: null. */
	t.ike_tunnel = 2;
	f = start();
	print_ike(f, &t);
	fclose(f);
	assert_null(strstr(buf, "of tunnel"));
	free(buf);
	buf = NULL;
	t.ike_tunnel = 0;
	f = start();
	json_init(&j, f);
	print_ike_json(&j, &t);
	json_end(&j);
	fclose(f);
	assert_null(strstr(buf, "\"ike_tunnel\""));
	free(buf);
	buf = NULL;
}

/* An established tunnel after rekeys: what auto refresh did and will do. */
static void test_ike_refresh(void **state)
{
	struct ctl_tunnel t = { .id = 2 };
	FILE *f = start();
	struct json j;

	(void)state;
	strcpy(t.name, "branch");
	strcpy(t.ifname, "sgw2");
	strcpy(t.state, "established");
	strcpy(t.local, "192.0.2.1");
	strcpy(t.local_id, "192.0.2.1");
	strcpy(t.remote, "198.51.100.1");
	t.initiator = true;
	t.spi_i = 0x1122334455667788ULL;
	t.spi_r = 0x99aabbccddeeff00ULL;
	strcpy(t.proposal, "aes256gcm16-prfsha384-ecp384");
	strcpy(t.peer_id, "198.51.100.1");
	t.age = 125;
	t.quiet = 12;
	t.esp_rx_seen = true;
	t.esp_rx_ago = 3;
	t.generation = 2;
	t.rekey_in = 13500;
	t.child_rekeys = 5;
	t.ike_rekeys = 1;
	t.collisions = 1;
	t.n_children = 3;
	t.child[0].spi_in = 0xc1000002;
	t.child[0].spi_out = 0xc2000002;
	t.child[0].age = 4;
	t.child[0].generation = 6;
	t.child[0].rekey_in = 3056;
	strcpy(t.child[0].algs, "aes256gcm16");
	strcpy(t.child[0].local_ts, "10.1.0.0/16");
	strcpy(t.child[0].remote_ts, "10.2.0.0/16");
	t.child[1] = t.child[0];
	t.child[1].spi_in = 0xc1000001;
	t.child[1].spi_out = 0xc2000001;
	t.child[1].generation = 5;
	t.child[1].rekey_in = 0;
	strcpy(t.child[1].role, "replaced");
	t.child[2] = t.child[0];
	t.child[2].spi_in = 0xc1000003;
	t.child[2].spi_out = 0xc2000003;
	t.child[2].generation = 7;
	t.child[2].transport = true;
	strcpy(t.child[2].local_ts, "192.0.2.1/32");
	strcpy(t.child[2].remote_ts, "198.51.100.1/32");
	print_ike(f, &t);
	finish(f, "ike branch (tunnel 2, sgw2): established, 192.0.2.1 as 192.0.2.1 -> 198.51.100.1\n"
		  "  IKE SA 1122334455667788_i* 99aabbccddeeff00_r aes256gcm16-prfsha384-ecp384, peer 198.51.100.1, age 2m05s, last message from the peer 12s ago\n"
		  "  last ESP from the peer 3s ago\n"
		  "  CHILD SA in 0xc1000002 out 0xc2000002 aes256gcm16, age 4s, 10.1.0.0/16 === 10.2.0.0/16\n"
		  "    generation 6, rekey in 50m56s\n"
		  "  CHILD SA in 0xc1000001 out 0xc2000001 aes256gcm16, age 4s, 10.1.0.0/16 === 10.2.0.0/16\n"
		  "    generation 5, replaced: deleted once the peer has switched\n"
		  "  CHILD SA in 0xc1000003 out 0xc2000003 aes256gcm16, age 4s, 192.0.2.1/32 === 198.51.100.1/32, transport mode (protect-gateways)\n"
		  "    generation 7, rekey in 50m56s\n"
		  "  refresh: IKE SA generation 2, rekey in 3h45m, 5 CHILD SA rekeys, 1 IKE SA rekey, 1 collision, 0 liveness failures, 0 restarts\n");
	f = start();
	json_init(&j, f);
	print_ike_json(&j, &t);
	json_end(&j);
	fclose(f);
	assert_non_null(strstr(buf, "\"refresh\":{\"generation\":2,\"rekey_in\":13500,"
			       "\"quiet\":12,\"held\":false,"
			       "\"child_rekeys\":5,\"ike_rekeys\":1,\"collisions\":1,"
			       "\"liveness_failures\":0,\"restarts\":0,"
			       "\"reauths\":0}"));
	assert_non_null(strstr(buf, "\"esp_rx_ago\":3"));
	assert_null(strstr(buf, "\"esp_silent\""));
	assert_non_null(strstr(buf, "\"generation\":5,"
			       "\"role\":\"replaced\",\"mode\":\"tunnel\""));
	assert_non_null(strstr(buf, "\"local_ts\":[\"192.0.2.1/32\"],\"remote_ts\":"
			       "[\"198.51.100.1/32\"],\"generation\":7,"
			       "\"rekey_in\":3056,\"role\":\"current\","
			       "\"mode\":\"transport\""));
	free(buf);
	buf = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tunnel_human),
		cmocka_unit_test(test_ike_failures),
		cmocka_unit_test(test_ike_shared),
		cmocka_unit_test(test_tunnel_json),
		cmocka_unit_test(test_sa_human),
		cmocka_unit_test(test_sa_json),
		cmocka_unit_test(test_mapping_event),
		cmocka_unit_test(test_event),
		cmocka_unit_test(test_acquire_event),
		cmocka_unit_test(test_tunnel_event),
		cmocka_unit_test(test_ike_local_auto),
		cmocka_unit_test(test_ike_remote_name),
		cmocka_unit_test(test_ike_refresh),
	};

	return cmocka_run_group_tests_name("print", tests, NULL, NULL);
}
