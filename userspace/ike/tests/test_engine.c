// SPDX-License-Identifier: GPL-2.0
/* Two engines exchanging datagrams through memory, with a fake kernel. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ike_buf.h"
#include "ike_msg.h"
#include "ike_sa.h"

#define DEF_IKE "aes256gcm16-prfsha384-ecp384"
#define DEF_ESP "aes256gcm16"

static void setup(struct net *n, bool ipv6, const char *ike_a,
		  const char *esp_a, const char *ike_b, const char *esp_b)
{
	struct ike_tunnel_config ca, cb;

	net_init(n, ipv6);
	cfg_site(&ca, true, ipv6, ike_a, esp_a);
	cfg_site(&cb, false, ipv6, ike_b, esp_b);
	net_add(n, &ca, &cb);
}

static uint32_t msgid_of(const struct pkt *p)
{
	return ike_get32(p->data + 20);
}

static uint8_t exchange_of(const struct pkt *p)
{
	return p->data[18];
}

static void status(struct node *x, struct ike_tunnel_status *st)
{
	assert_int_equal(ike_engine_status(x->e, 1, st), 0);
}

static void assert_failed(struct node *x, const char *reason)
{
	struct ike_tunnel_status st;

	status(x, &st);
	assert_int_equal(st.state, IKE_TUNNEL_FAILED);
	assert_string_equal(st.last_failure, reason);
}

static void test_bringup(void **state)
{
	struct ike_tunnel_status sa, sb;
	struct net n;

	(void)state;
	setup(&n, false, DEF_IKE, DEF_ESP, DEF_IKE, DEF_ESP);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), -EALREADY);
	assert_state(&n.a, IKE_TUNNEL_CONNECTING);
	assert_int_equal(n.a.nout, 1);
	assert_int_equal(exchange_of(&n.a.out[0]), IKE_SA_INIT);
	assert_int_equal(msgid_of(&n.a.out[0]), 0);
	seed_save("init_req", n.a.out[0].data, n.a.out[0].len);
	net_step(&n, &n.a, false);
	assert_int_equal(exchange_of(&n.b.out[0]), IKE_SA_INIT);
	assert_int_equal(n.b.out[0].data[19], IKE_FLAG_R);
	seed_save("init_resp", n.b.out[0].data, n.b.out[0].len);
	net_step(&n, &n.b, false);
	assert_int_equal(exchange_of(&n.a.out[0]), IKE_AUTH);
	assert_int_equal(msgid_of(&n.a.out[0]), 1);
	assert_int_equal(n.a.out[0].data[19], IKE_FLAG_I);
	seed_save("auth_req", n.a.out[0].data, n.a.out[0].len);
	net_step(&n, &n.a, false);
	seed_save("auth_resp", n.b.out[0].data, n.b.out[0].len);
	assert_int_equal(n.b.out[0].data[19], IKE_FLAG_R);
	net_step(&n, &n.b, false);
	assert_crosswise(&n);

	/* Inbound first, then outbound, on both sides. */
	assert_int_equal(n.a.k.sa[0].dir, IKE_DIR_IN);
	assert_int_equal(n.a.k.sa[1].dir, IKE_DIR_OUT);
	assert_int_equal(n.b.k.sa[0].dir, IKE_DIR_IN);
	assert_int_equal(n.b.k.sa[1].dir, IKE_DIR_OUT);
	assert_int_equal(n.a.k.sa[0].ek_len, 36);
	assert_int_equal(n.a.k.sa[0].ak_len, 0);
	assert_int_equal(n.a.k.sa[0].encr, 20);
	assert_int_equal(n.a.k.sa[0].encr_bits, 256);
	assert_int_equal(n.a.k.sa[0].mode, IKE_MODE_TUNNEL);

	status(&n.a, &sa);
	status(&n.b, &sb);
	assert_string_equal(sa.state_name, "established");
	assert_true(sa.initiator);
	assert_false(sb.initiator);
	assert_true(sa.spi_i && sa.spi_r);
	assert_string_equal(sa.proposal, "aes256gcm16-prfsha384-ecp384");
	assert_string_equal(sa.peer_id, "fqdn:b.example");
	assert_string_equal(sb.peer_id, "fqdn:a.example");
	assert_string_equal(sa.child[0].algs, "aes256gcm16");
	assert_true(ntohl(sa.child[0].spi_in) >= 256);
	assert_string_equal(sa.last_failure, "");
	assert_int_equal(ike_engine_counters(n.a.e)->tx, 2);
	assert_int_equal(ike_engine_counters(n.b.e)->tx, 2);
	assert_int_equal(ike_engine_counters(n.b.e)->rx, 2);
	{
		/* Two exchanges each: A's answered by B, B's answers. */
		struct ike_engine_load la, lb;

		ike_engine_load(n.a.e, &la);
		ike_engine_load(n.b.e, &lb);
		assert_int_equal(la.exchanges[0][0], 1);	/* IKE_SA_INIT */
		assert_int_equal(la.exchanges[1][0], 1);	/* IKE_AUTH */
		assert_int_equal(lb.exchanges[0][1], 1);
		assert_int_equal(lb.exchanges[1][1], 1);
		assert_int_equal(la.exchanges[0][1] + la.exchanges[1][1] +
				 la.exchanges[2][0] + la.exchanges[2][1] +
				 la.exchanges[3][0] + la.exchanges[3][1], 0);
		assert_int_equal(lb.exchanges[0][0] + lb.exchanges[1][0], 0);
	}
	/* Nothing to retransmit: only the cookie secret's rotation is due. */
	assert_int_equal(ike_engine_next_timeout(n.a.e), 300000);
	net_free(&n);
}

struct suite_case {
	const char *ike;
	const char *shown;
};

static void bringup_ike(const char *ike, const char *shown, bool ipv6)
{
	struct ike_tunnel_status st;
	struct net n;

	setup(&n, ipv6, ike, DEF_ESP, ike, DEF_ESP);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	assert_int_equal(net_run(&n), 2);
	assert_crosswise(&n);
	status(&n.b, &st);
	assert_string_equal(st.proposal, shown);
	net_free(&n);
}

static void test_ike_proposals(void **state)
{
	static const struct suite_case cases[] = {
		{ "aes128gcm16-prfsha256-x25519", "aes128gcm16-prfsha256-curve25519" },
		{ "aes256gcm16-prfsha512-ecp256", "aes256gcm16-prfsha512-ecp256" },
		{ "aes256gcm16-prfsha384-ecp384", "aes256gcm16-prfsha384-ecp384" },
		{ "aes128-sha256-modp2048", "aes128-sha256-prfsha256-modp2048" },
		{ "aes256-sha384-ecp384", "aes256-sha384-prfsha384-ecp384" },
		{ "aes128-sha512-x25519", "aes128-sha512-prfsha512-curve25519" },
		{ "aes256-sha256-prfsha512-ecp256", "aes256-sha256-prfsha512-ecp256" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		bringup_ike(cases[i].ike, cases[i].shown, false);
}

static void test_ipv6(void **state)
{
	struct ike_tunnel_status st;
	struct net n;
	char ts[128];

	(void)state;
	bringup_ike("aes256gcm16-prfsha384-x25519",
		    "aes256gcm16-prfsha384-curve25519", true);
	setup(&n, true, DEF_IKE, DEF_ESP, DEF_IKE, DEF_ESP);
	assert_int_equal(ike_engine_up(n.b.e, 1, 0), 0);
	net_run(&n);
	assert_crosswise(&n);
	status(&n.a, &st);
	ike_ts_list_format(&st.child[0].local_ts, ts, sizeof(ts));
	assert_string_equal(ts, "fd00:a::/64");
	ike_ts_list_format(&st.child[0].remote_ts, ts, sizeof(ts));
	assert_string_equal(ts, "fd00:b::/64");
	net_free(&n);
}

static void test_esp_proposals(void **state)
{
	static const struct {
		const char *esp;
		uint16_t encr, bits, integ;
		size_t ek, ak;
	} cases[] = {
		{ "aes128gcm16", 20, 128, 0, 20, 0 },
		{ "aes256gcm16", 20, 256, 0, 36, 0 },
		{ "chacha20poly1305", 28, 0, 0, 36, 0 },
		{ "aes128-sha256", 12, 128, 12, 16, 32 },
		{ "aes256-sha256", 12, 256, 12, 32, 32 },
	};
	struct ike_tunnel_status st;
	struct net n;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(&n, false, DEF_IKE, cases[i].esp, DEF_IKE, cases[i].esp);
		assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
		net_run(&n);
		assert_crosswise(&n);
		assert_int_equal(n.a.k.sa[0].encr, cases[i].encr);
		assert_int_equal(n.a.k.sa[0].encr_bits, cases[i].bits);
		assert_int_equal(n.a.k.sa[0].integ, cases[i].integ);
		assert_int_equal(n.a.k.sa[0].ek_len, cases[i].ek);
		assert_int_equal(n.a.k.sa[0].ak_len, cases[i].ak);
		status(&n.a, &st);
		assert_string_equal(st.child[0].algs, cases[i].esp);
		net_free(&n);
	}
}

/* Responder picks the first of its own list that the initiator offered. */
static void test_responder_preference(void **state)
{
	struct ike_tunnel_status st;
	struct net n;

	(void)state;
	setup(&n, false, "aes128-sha256-x25519,aes256gcm16-prfsha384-x25519",
	      "aes128-sha256,chacha20poly1305",
	      "aes256gcm16-prfsha384-x25519,aes128-sha256-x25519",
	      "chacha20poly1305,aes128-sha256");
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_crosswise(&n);
	status(&n.a, &st);
	assert_string_equal(st.proposal, "aes256gcm16-prfsha384-curve25519");
	assert_string_equal(st.child[0].algs, "chacha20poly1305");
	net_free(&n);
}

static void test_lost_first_request(void **state)
{
	struct net n;

	(void)state;
	setup(&n, false, DEF_IKE, DEF_ESP, DEF_IKE, DEF_ESP);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	assert_int_equal(ike_engine_next_timeout(n.a.e), 1000);
	net_step(&n, &n.a, true);
	n.now = 999;
	ike_engine_tick(n.a.e, n.now);
	assert_int_equal(n.a.nout, 0);
	n.now = 1000;
	ike_engine_tick(n.a.e, n.now);
	assert_int_equal(n.a.nout, 1);
	assert_int_equal(msgid_of(&n.a.out[0]), 0);
	assert_int_equal(ike_engine_counters(n.a.e)->retransmits, 1);
	/* Backoff doubles: the next try is 2 s after this one. */
	assert_int_equal(ike_engine_next_timeout(n.a.e), 3000);
	net_run(&n);
	assert_crosswise(&n);
	net_free(&n);
}

static void test_lost_responses(void **state)
{
	struct net n;

	(void)state;
	setup(&n, false, DEF_IKE, DEF_ESP, DEF_IKE, DEF_ESP);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_step(&n, &n.a, false);
	net_step(&n, &n.b, true);		/* IKE_SA_INIT response lost */
	n.now = 1000;
	ike_engine_tick(n.a.e, n.now);
	net_step(&n, &n.a, false);
	assert_int_equal(ike_engine_counters(n.b.e)->answered_from_cache, 1);
	net_step(&n, &n.b, false);
	assert_int_equal(exchange_of(&n.a.out[0]), IKE_AUTH);
	net_step(&n, &n.a, false);
	assert_int_equal(live_sas(&n.b), 2);
	net_step(&n, &n.b, true);		/* IKE_AUTH response lost */
	assert_state(&n.a, IKE_TUNNEL_CONNECTING);
	/* The IKE_AUTH request went out at t=1000: first retry at 2000. */
	assert_int_equal(ike_engine_next_timeout(n.a.e), 2000);
	n.now = 2000;
	ike_engine_tick(n.a.e, n.now);
	assert_int_equal(msgid_of(&n.a.out[0]), 1);
	net_step(&n, &n.a, false);
	assert_int_equal(ike_engine_counters(n.b.e)->answered_from_cache, 2);
	net_step(&n, &n.b, false);
	assert_crosswise(&n);
	/* One CHILD SA pair on B, never a second one. */
	assert_int_equal(n.b.k.n, 2);
	net_free(&n);
}

static void test_duplicated_request(void **state)
{
	struct net n;

	(void)state;
	setup(&n, false, DEF_IKE, DEF_ESP, DEF_IKE, DEF_ESP);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_step(&n, &n.a, false);
	net_step(&n, &n.b, false);
	/* The network duplicates the IKE_AUTH request. */
	n.a.out[1] = n.a.out[0];
	n.a.nout = 2;
	net_step(&n, &n.a, false);
	net_step(&n, &n.a, false);
	assert_int_equal(ike_engine_counters(n.b.e)->answered_from_cache, 1);
	assert_int_equal(n.b.nout, 2);
	assert_int_equal(n.b.out[0].len, n.b.out[1].len);
	assert_memory_equal(n.b.out[0].data, n.b.out[1].data, n.b.out[0].len);
	net_step(&n, &n.b, false);
	net_step(&n, &n.b, false);
	/* The second copy of the answer matches no pending request. */
	assert_int_equal(ike_engine_counters(n.a.e)->bad_msgid, 1);
	assert_crosswise(&n);
	assert_int_equal(n.a.k.n, 2);
	assert_int_equal(n.b.k.n, 2);
	net_free(&n);
}

static void test_invalid_ke(void **state)
{
	static struct ike_msg m;
	struct ike_tunnel_status st;
	struct net n;

	(void)state;
	setup(&n, false, "aes256gcm16-prfsha384-ecp256-x25519", DEF_ESP,
	      "aes256gcm16-prfsha384-x25519", DEF_ESP);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	/* KE for group 19 first. */
	assert_int_equal(ike_msg_decode(&m, n.a.out[0].data, n.a.out[0].len), 0);
	assert_int_equal(m.pl.ke.group, 19);
	assert_int_equal(m.pl.ke.len, 64);
	net_step(&n, &n.a, false);
	assert_int_equal(ike_engine_counters(n.b.e)->invalid_ke_sent, 1);
	assert_int_equal(n.b.nout, 1);
	/* Stateless: SPIr zero, one notify, nothing kept on B. */
	assert_int_equal(ike_get64(n.b.out[0].data + 8), 0);
	assert_int_equal(n.b.out[0].len, 28 + 8 + 2);
	net_step(&n, &n.b, false);
	assert_int_equal(msgid_of(&n.a.out[0]), 0);
	net_run(&n);
	assert_crosswise(&n);
	status(&n.a, &st);
	assert_string_equal(st.proposal, "aes256gcm16-prfsha384-curve25519");
	net_free(&n);
}

static void test_cookie(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_engine_config ec;
	struct net n;

	(void)state;
	ike_engine_config_defaults(&ec);
	ec.cookie_threshold = 0;	/* always demand a cookie */
	net_init_ex(&n, false, &ec);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_step(&n, &n.a, false);
	assert_int_equal(ike_engine_counters(n.b.e)->cookies_sent, 1);
	/* N(COOKIE) with 1 + 32 bytes of cookie, SPIr 0. */
	assert_int_equal(n.b.out[0].len, 28 + 8 + 33);
	assert_int_equal(n.b.out[0].data[16], 41);
	assert_int_equal(ike_get16(n.b.out[0].data + 28 + 6), 16390);
	net_step(&n, &n.b, false);
	/* Retry: the cookie notify first, message ID 0 again. */
	assert_int_equal(n.a.out[0].data[16], 41);
	assert_int_equal(msgid_of(&n.a.out[0]), 0);
	seed_save("init_cookie", n.a.out[0].data, n.a.out[0].len);
	net_run(&n);
	assert_int_equal(ike_engine_counters(n.b.e)->cookies_sent, 1);
	assert_crosswise(&n);
	net_free(&n);
}

static void test_wrong_psk(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	memcpy(cb.psk, "not the same secret", 19);
	cb.psk_len = 19;
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_int_equal(n.a.k.n, 0);
	assert_int_equal(n.b.k.n, 0);
	assert_failed(&n.a,
		      "AUTHENTICATION_FAILED: peer 198.51.100.1:500 "
		      "rejected our authentication as 'fqdn:a.example' "
		      "(pre-shared key or identity mismatch)");
	assert_failed(&n.b,
		      "AUTHENTICATION_FAILED: we rejected peer "
		      "192.0.2.1:500 identity 'fqdn:a.example': its AUTH "
		      "does not match our pre-shared key");
	net_free(&n);
}

static void test_wrong_identity(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	assert_int_equal(ike_identity_parse(&ca.remote_id, "c.example"), 0);
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	/* A asked for c.example in IDr: B has no such identity and says so. */
	assert_int_equal(n.a.k.n, 0);
	assert_int_equal(n.b.k.n, 0);
	assert_failed(&n.a,
		      "AUTHENTICATION_FAILED: peer 198.51.100.1:500 rejected "
		      "our authentication as 'fqdn:a.example' (pre-shared key "
		      "or identity mismatch)");
	assert_failed(&n.b,
		      "AUTHENTICATION_FAILED: we rejected peer 192.0.2.1:500: "
		      "it identified as 'fqdn:a.example' for 'fqdn:c.example', "
		      "we expect 'fqdn:a.example' for 'fqdn:b.example'");
	net_free(&n);
}

static void test_no_common_ike_proposal(void **state)
{
	struct ike_tunnel_status st;
	struct net n;

	(void)state;
	setup(&n, false, "aes128-sha256-modp2048", DEF_ESP, DEF_IKE, DEF_ESP);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_failed(&n.a,
		      "NO_PROPOSAL_CHOSEN: peer 198.51.100.1:500 accepted "
		      "none of our IKE proposals: "
		      "aes128-sha256-prfsha256-modp2048");
	/* Unauthenticated: said, but the responder's tunnel is not failed. */
	status(&n.b, &st);
	assert_int_equal(st.state, IKE_TUNNEL_IDLE);
	assert_string_equal(st.last_failure,
			    "NO_PROPOSAL_CHOSEN: no common IKE proposal with "
			    "192.0.2.1:500: peer offered "
			    "aes128-sha256-prfsha256-modp2048; we accept "
			    "aes256gcm16-prfsha384-ecp384");
	assert_int_equal(n.a.k.n + n.b.k.n, 0);
	net_free(&n);
}

/*
 * Spoofed IKE_SA_INIT from a configured peer's address, with a proposal
 * we refuse: one log line per 10 s, not one per datagram, and an
 * established tunnel keeps its state and its last failure.
 */
static void test_spoofed_init_flood(void **state)
{
	struct ike_tunnel_config ca;
	struct ike_tunnel_status before, after;
	struct pkt bad;
	struct net n;
	int i, lines;

	(void)state;
	setup(&n, false, DEF_IKE, DEF_ESP, DEF_IKE, DEF_ESP);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	status(&n.b, &before);
	/* A second engine at A's address makes the datagram to replay. */
	cfg_site(&ca, true, false, "aes128-sha256-modp2048", DEF_ESP);
	ca.id = 9;
	assert_int_equal(ike_engine_add_tunnel(n.a.e, &ca), 0);
	assert_int_equal(ike_engine_up(n.a.e, 9, 0), 0);
	bad = n.a.out[0];
	n.a.nout = 0;
	lines = n.b.log_lines;
	for (i = 0; i < 1000; i++) {
		bad.data[0] = (uint8_t)i;
		bad.data[1] = (uint8_t)(i >> 8);
		n.now = 1000 + (ike_time_t)i;
		ike_engine_input(n.b.e, &n.b.addr, &n.a.addr, bad.data, bad.len,
				 n.now);
		n.b.nout = 0;
	}
	assert_true(n.b.log_lines - lines <= 1);
	status(&n.b, &after);
	assert_int_equal(after.state, IKE_TUNNEL_ESTABLISHED);
	assert_string_equal(after.last_failure, before.last_failure);
	assert_int_equal(ike_engine_counters(n.b.e)->init_refused, 1000);
	/* Ten seconds on, the next one is logged with the count left out. */
	n.now = 20000;
	ike_engine_input(n.b.e, &n.b.addr, &n.a.addr, bad.data, bad.len,
			 n.now);
	assert_true(strstr(n.b.last_log, "(999 more like it not logged)"));
	net_free(&n);
}

static void test_no_common_esp_proposal(void **state)
{
	struct net n;

	(void)state;
	setup(&n, false, DEF_IKE, "aes128gcm16,aes128-sha256", DEF_IKE,
	      "aes256gcm16");
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_failed(&n.a,
		      "NO_PROPOSAL_CHOSEN: peer 198.51.100.1:500 refused "
		      "our CHILD SA (we offered ESP aes128gcm16, "
		      "aes128-sha256; local 10.1.0.0/16, remote "
		      "10.2.0.0/16)");
	/* A deleted the IKE SA that had no CHILD SA to carry. */
	assert_failed(&n.b,
		      "NO_PROPOSAL_CHOSEN: no common ESP proposal with "
		      "192.0.2.1:500: peer offered aes128gcm16, "
		      "aes128-sha256; we accept aes256gcm16");
	assert_int_equal(n.a.k.n + n.b.k.n, 0);
	net_free(&n);
}

static void set_ts(struct ike_ts_list *l, const char *a)
{
	l->n = 1;
	assert_int_equal(ike_ts_parse(&l->ts[0], a), 0);
}

static void test_ts_unacceptable(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status st;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	set_ts(&cb.remote_ts, "10.9.0.0/16");
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_failed(&n.a,
		      "TS_UNACCEPTABLE: peer 198.51.100.1:500 refused our "
		      "CHILD SA (we offered ESP aes256gcm16; local "
		      "10.1.0.0/16, remote 10.2.0.0/16)");
	status(&n.b, &st);
	assert_string_equal(st.last_failure,
			    "TS_UNACCEPTABLE: traffic selectors of 192.0.2.1:500 "
			    "unacceptable: peer proposed TSi 10.1.0.0/16 TSr "
			    "10.2.0.0/16; we have local 10.2.0.0/16 remote "
			    "10.9.0.0/16");
	assert_int_equal(n.a.k.n + n.b.k.n, 0);
	net_free(&n);
}

static void test_ts_narrowing(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status st;
	char buf[128];
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	set_ts(&cb.local_ts, "10.2.5.0/24");
	set_ts(&cb.remote_ts, "10.1.7.0/24[tcp]");
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_crosswise(&n);
	status(&n.a, &st);
	ike_ts_list_format(&st.child[0].local_ts, buf, sizeof(buf));
	assert_string_equal(buf, "10.1.7.0/24[6]");
	ike_ts_list_format(&st.child[0].remote_ts, buf, sizeof(buf));
	assert_string_equal(buf, "10.2.5.0/24");
	net_free(&n);
}

static void test_delete_child(void **state)
{
	struct ike_tunnel_status st;
	struct net n;

	(void)state;
	setup(&n, false, DEF_IKE, DEF_ESP, DEF_IKE, DEF_ESP);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	status(&n.a, &st);
	assert_int_equal(ike_engine_delete_child(n.a.e, 1, 0x12345678, 0),
			 -ENOENT);
	assert_int_equal(ike_engine_delete_child(n.a.e, 1, st.child[0].spi_in,
						 5000), 0);
	assert_int_equal(exchange_of(&n.a.out[0]), IKE_INFORMATIONAL);
	assert_int_equal(msgid_of(&n.a.out[0]), 2);
	seed_save("info_delete_child", n.a.out[0].data, n.a.out[0].len);
	net_run(&n);
	assert_int_equal(live_sas(&n.a), 0);
	assert_int_equal(live_sas(&n.b), 0);
	assert_int_equal(n.a.k.dels, 2);
	assert_int_equal(n.b.k.dels, 2);
	/* The IKE SA stays. */
	status(&n.a, &st);
	assert_int_equal(st.state, IKE_TUNNEL_ESTABLISHED);
	assert_int_equal(st.n_children, 0);
	status(&n.b, &st);
	assert_int_equal(st.state, IKE_TUNNEL_ESTABLISHED);
	assert_int_equal(st.n_children, 0);
	net_free(&n);
}

static void delete_ike(struct node *by)
{
	struct net n;
	struct node *x;

	setup(&n, false, DEF_IKE, DEF_ESP, DEF_IKE, DEF_ESP);
	x = by == NULL ? &n.a : &n.b;
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_int_equal(ike_engine_down(x->e, 1, 0), 0);
	/* CHILD SAs leave the kernel at once, before the peer answers. */
	assert_int_equal(live_sas(x), 0);
	assert_int_equal(exchange_of(&x->out[0]), IKE_INFORMATIONAL);
	/* The responder's first request has message ID 0 (§2.2). */
	assert_int_equal(msgid_of(&x->out[0]), x == &n.a ? 2 : 0);
	assert_int_equal(x->out[0].data[19], x == &n.a ? IKE_FLAG_I : 0);
	seed_save("info_delete_ike", x->out[0].data, x->out[0].len);
	net_run(&n);
	assert_int_equal(live_sas(&n.a), 0);
	assert_int_equal(live_sas(&n.b), 0);
	assert_state(&n.a, IKE_TUNNEL_IDLE);
	assert_state(&n.b, IKE_TUNNEL_IDLE);
	/* A was told to keep the tunnel up: deleted by B, it tries again. */
	assert_int_equal(ike_engine_next_timeout(n.a.e),
			 x == &n.a ? 300000 : 1000);
	net_free(&n);
}

static void test_delete_ike(void **state)
{
	static struct node marker;

	(void)state;
	delete_ike(NULL);	/* initiator deletes */
	delete_ike(&marker);	/* responder deletes */
}

static void test_initial_contact(void **state)
{
	struct ike_tunnel_config ca;
	struct ike_tunnel_status before, after;
	struct net n;

	(void)state;
	setup(&n, false, DEF_IKE, DEF_ESP, DEF_IKE, DEF_ESP);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	status(&n.b, &before);
	/* Re-connecting without a restart sends no INITIAL_CONTACT. */
	assert_int_equal(ike_engine_down(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_crosswise(&n);
	status(&n.b, &before);
	/* A crashes and comes back knowing nothing. */
	node_restart(&n.a);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	assert_int_equal(ike_engine_add_tunnel(n.a.e, &ca), 0);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_crosswise(&n);
	status(&n.b, &after);
	assert_true(after.spi_r != before.spi_r);
	/* B dropped the old pair without being told: 3 pairs ever, 1 live. */
	assert_int_equal(n.b.k.n, 6);
	assert_int_equal(live_sas(&n.b), 2);
	assert_null(find_sa(&n.b, IKE_DIR_IN, before.child[0].spi_in));
	net_free(&n);
}

static void test_peer_silent(void **state)
{
	static const ike_time_t sends[] = { 0, 1000, 3000, 7000, 15000 };
	static const char silent[] = "no IKE response from 198.51.100.1:500 "
		"after 5 tries \xe2\x80\x94 is UDP 500 blocked on the path?";
	struct net n;
	size_t i;

	(void)state;
	setup(&n, false, DEF_IKE, DEF_ESP, DEF_IKE, DEF_ESP);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	for (i = 1; i < sizeof(sends) / sizeof(sends[0]); i++) {
		assert_int_equal(ike_engine_next_timeout(n.a.e), sends[i]);
		ike_engine_tick(n.a.e, sends[i]);
		assert_int_equal(n.a.nout, (int)i + 1);
	}
	assert_int_equal(ike_engine_next_timeout(n.a.e), 31000);
	ike_engine_tick(n.a.e, 30999);
	assert_state(&n.a, IKE_TUNNEL_CONNECTING);
	ike_engine_tick(n.a.e, 31000);
	assert_int_equal(n.a.nout, 5);
	assert_failed(&n.a, silent);
	/* The same words reach the log, then the retry: up keeps it up. */
	assert_true(logged(&n.a, silent));
	assert_string_equal(n.a.last_log, "negotiating again in 1 s");
	assert_int_equal(ike_engine_counters(n.a.e)->retransmits, 4);
	net_free(&n);
}

/* A dead peer on one tunnel does not delay another tunnel. */
static void test_dead_peer_isolated(void **state)
{
	struct ike_tunnel_config ca, cb, dead;
	struct ike_tunnel_status st;
	struct sockaddr_in *r;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	net_add(&n, &ca, &cb);
	cfg_site(&dead, true, false, DEF_IKE, DEF_ESP);
	dead.id = 2;
	dead.retrans_tries = 3;
	r = (struct sockaddr_in *)&dead.remote;
	inet_pton(AF_INET, "203.0.113.9", &r->sin_addr);
	assert_int_equal(ike_engine_add_tunnel(n.a.e, &dead), 0);
	assert_int_equal(ike_engine_up(n.a.e, 2, 0), 0);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_crosswise(&n);
	ike_engine_tick(n.a.e, 1000);
	ike_engine_tick(n.a.e, 3000);
	ike_engine_tick(n.a.e, 7000);
	assert_int_equal(ike_engine_status(n.a.e, 2, &st), 0);
	assert_int_equal(st.state, IKE_TUNNEL_FAILED);
	assert_string_equal(st.last_failure,
			    "no IKE response from 203.0.113.9:500 after 3 tries "
			    "\xe2\x80\x94 is UDP 500 blocked on the path?");
	assert_crosswise(&n);
	net_free(&n);
}

static void assert_unchanged(struct net *n, const struct ike_tunnel_status *b)
{
	struct ike_tunnel_status now;

	status(&n->b, &now);
	assert_int_equal(now.state, b->state);
	assert_int_equal(now.spi_i, b->spi_i);
	assert_int_equal(now.spi_r, b->spi_r);
	assert_int_equal(now.n_children, b->n_children);
	assert_int_equal(live_sas(&n->b), 2);
	assert_int_equal(n->b.nout, 0);
}

static void test_malformed_dropped(void **state)
{
	const struct ike_counters *c;
	struct ike_tunnel_status before;
	struct pkt req;
	uint8_t big[9000];
	struct net n;

	(void)state;
	setup(&n, false, DEF_IKE, DEF_ESP, DEF_IKE, DEF_ESP);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	status(&n.b, &before);
	c = ike_engine_counters(n.b.e);
	/* A well-formed request to tamper with: A deletes its CHILD SA. */
	assert_int_equal(ike_engine_delete_child(n.a.e, 1,
						 n.a.k.sa[0].spi, 0), 0);
	req = n.a.out[0];

	n.a.out[0] = req;
	n.a.out[0].len = 27;				/* short header */
	net_step(&n, &n.a, false);
	assert_int_equal(c->malformed, 1);

	n.a.out[0] = req;
	n.a.out[0].data[17] = 0x30;			/* major version 3 */
	n.a.nout = 1;
	net_step(&n, &n.a, false);
	assert_int_equal(c->malformed, 2);

	n.a.out[0] = req;
	ike_put16(n.a.out[0].data + 30, 0xffff);	/* SK length overflows */
	n.a.nout = 1;
	net_step(&n, &n.a, false);
	assert_int_equal(c->malformed, 3);

	n.a.out[0] = req;
	n.a.out[0].data[req.len - 1] ^= 1;		/* ICV broken */
	n.a.nout = 1;
	net_step(&n, &n.a, false);
	assert_int_equal(c->integrity_failed, 1);

	n.a.out[0] = req;
	n.a.out[0].data[0] ^= 0xff;			/* unknown SPI */
	n.a.nout = 1;
	net_step(&n, &n.a, false);
	assert_int_equal(c->unknown_spi, 1);

	n.a.out[0] = req;
	ike_put32(n.a.out[0].data + 20, 7);		/* message ID ahead */
	n.a.nout = 1;
	net_step(&n, &n.a, false);
	assert_int_equal(c->bad_msgid, 1);

	memset(big, 0, sizeof(big));
	ike_engine_input(n.b.e, &n.b.addr, &n.a.addr, big, sizeof(big), 0);
	assert_int_equal(c->oversize, 1);
	assert_unchanged(&n, &before);

	/* The untouched request still works afterwards. */
	n.a.out[0] = req;
	n.a.nout = 1;
	net_run(&n);
	assert_int_equal(live_sas(&n.b), 0);
	net_free(&n);
}

static void test_half_open_limits(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_engine_config ec;
	struct pkt p;
	struct net n;

	(void)state;
	ike_engine_config_defaults(&ec);
	ec.half_open_max = 1;
	net_init_ex(&n, false, &ec);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	p = n.a.out[0];
	net_step(&n, &n.a, false);
	assert_int_equal(n.b.nout, 1);
	/* A second initiator SPI while one is half-open: refused. */
	p.data[0] ^= 0x55;
	ike_engine_input(n.b.e, &n.b.addr, &n.a.addr, p.data, p.len, 0);
	assert_int_equal(ike_engine_counters(n.b.e)->half_open_dropped, 1);
	assert_int_equal(n.b.nout, 1);
	/* The half-open SA expires after 30 s without IKE_AUTH. */
	assert_int_equal(ike_engine_next_timeout(n.b.e), 30000);
	ike_engine_tick(n.b.e, 30000);
	assert_int_equal(ike_engine_counters(n.b.e)->half_open_expired, 1);
	ike_engine_input(n.b.e, &n.b.addr, &n.a.addr, p.data, p.len, 30000);
	assert_int_equal(n.b.nout, 2);
	net_free(&n);
}

/*
 * A flood of IKE_SA_INIT from the peer's address, each with its own
 * initiator SPI (as spoofed ones arrive): once half-open SAs reach the
 * limit, the engine-wide status says cookies are demanded and how many
 * are half-open; after the half-open timeout it is calm again.
 */
static void test_cookie_load(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_engine_config ec;
	struct ike_engine_load l;
	struct pkt p;
	struct net n;
	int i;

	(void)state;
	ike_engine_config_defaults(&ec);
	ec.cookie_threshold = 8;
	ec.half_open_max = 100;
	net_init_ex(&n, false, &ec);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	net_add(&n, &ca, &cb);
	ike_engine_load(n.b.e, &l);
	assert_int_equal(l.half_open, 0);
	assert_int_equal(l.half_open_limit, 8);
	assert_int_equal(l.half_open_max, 100);
	assert_false(l.cookies_demanded);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	p = n.a.out[0];
	n.a.nout = 0;
	for (i = 0; i < 20; i++) {
		p.data[0] = (uint8_t)(0x80 + i);
		ike_engine_input(n.b.e, &n.b.addr, &n.a.addr, p.data, p.len,
				 1000);
		n.b.nout = 0;
		ike_engine_load(n.b.e, &l);
		assert_int_equal(l.cookies_demanded, i >= 7);
	}
	assert_int_equal(l.half_open, 8);
	assert_int_equal(l.cookies_sent, 12);
	assert_int_equal(l.half_open_dropped, 0);
	assert_int_equal(l.half_open_expired, 0);
	/* The half-open SAs expire 30 s on: calm again, the counts stay. */
	assert_int_equal(ike_engine_next_timeout(n.b.e), 31000);
	ike_engine_tick(n.b.e, 31000);
	ike_engine_load(n.b.e, &l);
	assert_false(l.cookies_demanded);
	assert_int_equal(l.half_open, 0);
	assert_int_equal(l.half_open_expired, 8);
	assert_int_equal(l.cookies_sent, 12);
	net_free(&n);
}

static void test_create_child_refused(void **state)
{
	struct net n;

	(void)state;
	setup(&n, false, DEF_IKE, DEF_ESP, DEF_IKE, DEF_ESP);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	/* Reuse a delete request's protection for a CREATE_CHILD_SA: its
	 * exchange byte is authenticated, so B must not accept it. */
	assert_int_equal(ike_engine_delete_child(n.a.e, 1, n.a.k.sa[0].spi, 0),
			 0);
	n.a.out[0].data[18] = IKE_CREATE_CHILD_SA;
	net_step(&n, &n.a, false);
	assert_int_equal(ike_engine_counters(n.b.e)->integrity_failed, 1);
	assert_int_equal(live_sas(&n.b), 2);
	net_free(&n);
}

/* Tunnel @id with identities, key and networks of its own. */
static void cfg_tunnel(struct ike_tunnel_config *c, bool a, uint32_t id,
		       const char *name, const char *local_id,
		       const char *remote_id, const char *psk, const char *lnet,
		       const char *rnet)
{
	cfg_site(c, a, false, DEF_IKE, DEF_ESP);
	c->id = id;
	snprintf(c->name, sizeof(c->name), "%s", name);
	assert_int_equal(ike_identity_parse(&c->local_id, local_id), 0);
	assert_int_equal(ike_identity_parse(&c->remote_id, remote_id), 0);
	memset(c->psk, 0, sizeof(c->psk));
	memcpy(c->psk, psk, strlen(psk));
	c->psk_len = strlen(psk);
	set_ts(&c->local_ts, lnet);
	set_ts(&c->remote_ts, rnet);
}

static void add(struct node *x, const struct ike_tunnel_config *c)
{
	assert_int_equal(ike_engine_add_tunnel(x->e, c), 0);
}

/* A's tunnel @ida and B's tunnel @idb hold one IKE SA and CHILD SA pair. */
static void assert_pair(struct net *n, uint32_t ida, uint32_t idb,
			const char *a_seen_by_b)
{
	struct ike_tunnel_status sa, sb;
	const struct fake_sa *a_in, *a_out, *b_in, *b_out;

	assert_int_equal(ike_engine_status(n->a.e, ida, &sa), 0);
	assert_int_equal(ike_engine_status(n->b.e, idb, &sb), 0);
	assert_int_equal(sa.state, IKE_TUNNEL_ESTABLISHED);
	assert_int_equal(sb.state, IKE_TUNNEL_ESTABLISHED);
	assert_int_equal(sa.spi_i, sb.spi_i);
	assert_int_equal(sa.spi_r, sb.spi_r);
	assert_string_equal(sb.peer_id, a_seen_by_b);
	assert_int_equal(sa.n_children, 1);
	assert_int_equal(sb.n_children, 1);
	assert_int_equal(sa.child[0].spi_out, sb.child[0].spi_in);
	assert_int_equal(sa.child[0].spi_in, sb.child[0].spi_out);
	a_in = find_sa(&n->a, IKE_DIR_IN, sa.child[0].spi_in);
	a_out = find_sa(&n->a, IKE_DIR_OUT, sa.child[0].spi_out);
	b_in = find_sa(&n->b, IKE_DIR_IN, sb.child[0].spi_in);
	b_out = find_sa(&n->b, IKE_DIR_OUT, sb.child[0].spi_out);
	assert_non_null(a_in);
	assert_non_null(a_out);
	assert_non_null(b_in);
	assert_non_null(b_out);
	/* Installed in the kernel tunnel that was chosen, with shared keys. */
	assert_int_equal(a_in->tunnel, ida);
	assert_int_equal(a_out->tunnel, ida);
	assert_int_equal(b_in->tunnel, idb);
	assert_int_equal(b_out->tunnel, idb);
	assert_memory_equal(a_out->ek, b_in->ek, 36);
	assert_memory_equal(b_out->ek, a_in->ek, 36);
}

#define PAIR_A "192.0.2.1:500"

/*
 * Two tunnels from A to the same SGW on B, told apart by A's identity; B's
 * lower id would answer first, so the choice must move to the right one,
 * whose key (not the first's) verifies AUTH. Both come up at once.
 */
static void test_responder_by_identity(void **state)
{
	struct ike_tunnel_config c;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_tunnel(&c, true, 1, "hq-1", "a1.example", "b.example", "key one",
		   "10.1.0.0/16", "10.2.0.0/16");
	add(&n.a, &c);
	cfg_tunnel(&c, true, 2, "hq-2", "a2.example", "b.example", "key two",
		   "10.11.0.0/16", "10.2.0.0/16");
	add(&n.a, &c);
	cfg_tunnel(&c, false, 5, "br-2", "b.example", "a2.example", "key two",
		   "10.2.0.0/16", "10.11.0.0/16");
	add(&n.b, &c);
	cfg_tunnel(&c, false, 7, "br-1", "b.example", "a1.example", "key one",
		   "10.2.0.0/16", "10.1.0.0/16");
	add(&n.b, &c);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	assert_int_equal(ike_engine_up(n.a.e, 2, 0), 0);
	net_run(&n);
	assert_pair(&n, 1, 7, "fqdn:a1.example");
	assert_pair(&n, 2, 5, "fqdn:a2.example");
	assert_int_equal(live_sas(&n.a), 4);
	assert_int_equal(live_sas(&n.b), 4);
	assert_true(logged(&n.b, "IKE_AUTH from " PAIR_A " as "
			   "'fqdn:a1.example': tunnel 7 'br-1' answers (2 "
			   "tunnels on this address pair; chosen by identity)"));
	assert_true(logged(&n.b, "IKE_AUTH from " PAIR_A " as "
			   "'fqdn:a2.example': tunnel 5 'br-2' answers (2 "
			   "tunnels on this address pair; chosen by identity)"));
	net_free(&n);
}

/* One identity for both tunnels: the traffic selectors decide. */
static void test_responder_by_selectors(void **state)
{
	struct ike_tunnel_config c;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_tunnel(&c, true, 1, "hq-1", "a.example", "b.example", "key one",
		   "10.1.0.0/16", "10.2.0.0/16");
	add(&n.a, &c);
	cfg_tunnel(&c, true, 2, "hq-2", "a.example", "b.example", "key two",
		   "10.11.0.0/16", "10.2.0.0/16");
	add(&n.a, &c);
	cfg_tunnel(&c, false, 5, "br-2", "b.example", "a.example", "key two",
		   "10.2.0.0/16", "10.11.0.0/16");
	add(&n.b, &c);
	/* Wider than A proposes: accepted by narrowing, but 5 is no fit. */
	cfg_tunnel(&c, false, 7, "br-1", "b.example", "a.example", "key one",
		   "10.2.0.0/15", "10.0.0.0/12");
	add(&n.b, &c);
	/* 2 first: its INITIAL_CONTACT must spare 1's SA, half-open on 5. */
	assert_int_equal(ike_engine_up(n.a.e, 2, 0), 0);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_pair(&n, 1, 7, "fqdn:a.example");
	assert_pair(&n, 2, 5, "fqdn:a.example");
	assert_true(logged(&n.b, "IKE_AUTH from " PAIR_A " as "
			   "'fqdn:a.example': tunnel 7 'br-1' answers (2 "
			   "tunnels on this address pair; chosen by identity, "
			   "then traffic selectors TSi 10.1.0.0/16 TSr "
			   "10.2.0.0/16)"));
	/* 10.11/16 lies inside 7's 10.0/12 too; 5 matches it exactly. */
	assert_true(logged(&n.b, "IKE_AUTH from " PAIR_A " as "
			   "'fqdn:a.example': tunnel 5 'br-2' answers (2 "
			   "tunnels on this address pair; chosen by identity, "
			   "then traffic selectors TSi 10.11.0.0/16 TSr "
			   "10.2.0.0/16)"));
	net_free(&n);
}

/* Same identity and networks for A on both: the IDr A asks for decides. */
static void test_responder_by_idr(void **state)
{
	struct ike_tunnel_config c;
	struct ike_tunnel_status st;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_tunnel(&c, true, 1, "hq-1", "a.example", "b1.example", "key one",
		   "10.1.0.0/16", "10.2.0.0/16");
	add(&n.a, &c);
	cfg_tunnel(&c, true, 2, "hq-2", "a.example", "b2.example", "key two",
		   "10.1.0.0/16", "10.2.0.0/16");
	add(&n.a, &c);
	cfg_tunnel(&c, false, 5, "br-2", "b2.example", "a.example", "key two",
		   "10.2.0.0/16", "10.1.0.0/16");
	add(&n.b, &c);
	cfg_tunnel(&c, false, 7, "br-1", "b1.example", "a.example", "key one",
		   "10.2.0.0/16", "10.1.0.0/16");
	add(&n.b, &c);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_int_equal(ike_engine_up(n.a.e, 2, 0), 0);
	net_run(&n);
	assert_pair(&n, 1, 7, "fqdn:a.example");
	assert_pair(&n, 2, 5, "fqdn:a.example");
	assert_int_equal(ike_engine_status(n.a.e, 1, &st), 0);
	assert_string_equal(st.peer_id, "fqdn:b1.example");
	assert_int_equal(ike_engine_status(n.a.e, 2, &st), 0);
	assert_string_equal(st.peer_id, "fqdn:b2.example");
	net_free(&n);
}

/* No tunnel for the identity: refused, naming what came and what we have. */
static void test_responder_unknown_identity(void **state)
{
	struct ike_tunnel_config c;
	struct ike_tunnel_status st;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_tunnel(&c, true, 1, "hq", "x.example", "b.example", "key one",
		   "10.1.0.0/16", "10.2.0.0/16");
	add(&n.a, &c);
	cfg_tunnel(&c, false, 5, "br-2", "b.example", "a2.example", "key two",
		   "10.2.0.0/16", "10.11.0.0/16");
	add(&n.b, &c);
	cfg_tunnel(&c, false, 7, "br-1", "b.example", "a1.example", "key one",
		   "10.2.0.0/16", "10.1.0.0/16");
	add(&n.b, &c);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_failed(&n.a, "AUTHENTICATION_FAILED: peer 198.51.100.1:500 "
		      "rejected our authentication as 'fqdn:x.example' "
		      "(pre-shared key or identity mismatch)");
	/* Recorded on the tunnel that answered IKE_SA_INIT, the lowest id. */
	assert_int_equal(ike_engine_status(n.b.e, 5, &st), 0);
	assert_int_equal(st.state, IKE_TUNNEL_FAILED);
	assert_string_equal(st.last_failure,
			    "AUTHENTICATION_FAILED: we rejected peer " PAIR_A
			    ": it identified as 'fqdn:x.example' for "
			    "'fqdn:b.example', we expect 'fqdn:a2.example' for "
			    "'fqdn:b.example' (tunnel 5 'br-2') or "
			    "'fqdn:a1.example' for 'fqdn:b.example' (tunnel 7 "
			    "'br-1')");
	assert_string_equal(n.b.last_log, st.last_failure);
	assert_int_equal(ike_engine_status(n.b.e, 7, &st), 0);
	assert_int_equal(st.state, IKE_TUNNEL_IDLE);
	assert_int_equal(n.a.k.n + n.b.k.n, 0);
	net_free(&n);
}

/* The identity's tunnel does not allow the IKE suite another one agreed. */
static void test_responder_identity_suite(void **state)
{
	struct ike_tunnel_config c;
	struct ike_tunnel_status st;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_tunnel(&c, true, 1, "hq-1", "a1.example", "b.example", "key one",
		   "10.1.0.0/16", "10.2.0.0/16");
	add(&n.a, &c);
	cfg_tunnel(&c, false, 5, "br-2", "b.example", "a2.example", "key two",
		   "10.2.0.0/16", "10.11.0.0/16");
	add(&n.b, &c);
	cfg_tunnel(&c, false, 7, "br-1", "b.example", "a1.example", "key one",
		   "10.2.0.0/16", "10.1.0.0/16");
	assert_int_equal(ike_proposal_parse(&c.ike[0], IKE_PROTO_IKE,
					    "aes128gcm16-prfsha256-x25519"), 0);
	add(&n.b, &c);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_int_equal(ike_engine_status(n.b.e, 7, &st), 0);
	assert_int_equal(st.state, IKE_TUNNEL_FAILED);
	assert_string_equal(st.last_failure,
			    "AUTHENTICATION_FAILED: we rejected peer " PAIR_A
			    ": it identified as 'fqdn:a1.example' for tunnel 7 "
			    "'br-1', whose IKE proposals do not allow "
			    "aes256gcm16-prfsha384-ecp384 agreed in "
			    "IKE_SA_INIT");
	assert_int_equal(ike_engine_status(n.b.e, 5, &st), 0);
	assert_int_equal(st.state, IKE_TUNNEL_IDLE);
	assert_int_equal(n.a.k.n + n.b.k.n, 0);
	net_free(&n);
}

/* A reload's limits apply to the next IKE_SA_INIT, not only at start. */
static void test_set_config(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_engine_config ec;
	const struct ike_counters *c;
	struct pkt p;
	struct net n;

	(void)state;
	ike_engine_config_defaults(&ec);
	ec.half_open_max = 1;
	net_init_ex(&n, false, &ec);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	net_add(&n, &ca, &cb);
	c = ike_engine_counters(n.b.e);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	p = n.a.out[0];
	net_step(&n, &n.a, false);
	assert_int_equal(n.b.nout, 1);
	p.data[0] ^= 0x55;
	ike_engine_input(n.b.e, &n.b.addr, &n.a.addr, p.data, p.len, 0);
	assert_int_equal(c->half_open_dropped, 1);
	assert_int_equal(n.b.nout, 1);
	/* Raised: the same request now gets its own half-open SA. */
	ec.half_open_max = 2;
	assert_int_equal(ike_engine_set_config(n.b.e, &ec), 0);
	ike_engine_input(n.b.e, &n.b.addr, &n.a.addr, p.data, p.len, 0);
	assert_int_equal(c->half_open_dropped, 1);
	assert_int_equal(n.b.nout, 2);
	assert_int_equal(ike_get64(n.b.out[1].data + 8) != 0, 1);
	/* Threshold 2 reached: a third initiator must bring a cookie. */
	ec.half_open_max = 10;
	ec.cookie_threshold = 2;
	assert_int_equal(ike_engine_set_config(n.b.e, &ec), 0);
	p.data[0] ^= 0x0f;
	ike_engine_input(n.b.e, &n.b.addr, &n.a.addr, p.data, p.len, 0);
	assert_int_equal(c->cookies_sent, 1);
	assert_int_equal(n.b.nout, 3);
	assert_int_equal(n.b.out[2].len, 28 + 8 + 33);
	/* Nonsense is refused and changes nothing. */
	ec.cookie_threshold = 0;
	ec.half_open_timeout_ms = 0;
	assert_int_equal(ike_engine_set_config(n.b.e, &ec), -EINVAL);
	p.data[0] ^= 0x01;
	ike_engine_input(n.b.e, &n.b.addr, &n.a.addr, p.data, p.len, 0);
	assert_int_equal(c->cookies_sent, 2);
	assert_int_equal(ike_engine_next_timeout(n.b.e), 30000);
	net_free(&n);
}

/*
 * RFC 7296 2.10: a nonce at least half the negotiated PRF's key size. A
 * 16-byte Ni (the payload's minimum) will do for prfsha256, not for
 * prfsha512. A's nonce is cut to 16 bytes before its INVALID_KE retry.
 */
static void short_nonce(const char *prf, bool accepted)
{
	char ike_a[128], ike_b[128];
	struct net n;

	snprintf(ike_a, sizeof(ike_a), "aes256gcm16-%s-ecp384-ecp256", prf);
	snprintf(ike_b, sizeof(ike_b), "aes256gcm16-%s-ecp256", prf);
	setup(&n, false, ike_a, DEF_ESP, ike_b, DEF_ESP);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	n.a.e->sas->ni_len = 16;
	net_run(&n);
	if (accepted) {
		assert_crosswise(&n);
	} else {
		assert_state(&n.a, IKE_TUNNEL_FAILED);
		assert_state(&n.b, IKE_TUNNEL_IDLE);
		assert_int_equal(n.b.e->half_open, 0);
	}
	net_free(&n);
}

static void test_short_nonce(void **state)
{
	(void)state;
	short_nonce("prfsha256", true);
	short_nonce("prfsha512", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bringup),
		cmocka_unit_test(test_ike_proposals),
		cmocka_unit_test(test_esp_proposals),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_responder_preference),
		cmocka_unit_test(test_lost_first_request),
		cmocka_unit_test(test_lost_responses),
		cmocka_unit_test(test_duplicated_request),
		cmocka_unit_test(test_invalid_ke),
		cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_wrong_psk),
		cmocka_unit_test(test_wrong_identity),
		cmocka_unit_test(test_no_common_ike_proposal),
		cmocka_unit_test(test_no_common_esp_proposal),
		cmocka_unit_test(test_ts_unacceptable),
		cmocka_unit_test(test_ts_narrowing),
		cmocka_unit_test(test_delete_child),
		cmocka_unit_test(test_delete_ike),
		cmocka_unit_test(test_initial_contact),
		cmocka_unit_test(test_peer_silent),
		cmocka_unit_test(test_dead_peer_isolated),
		cmocka_unit_test(test_malformed_dropped),
		cmocka_unit_test(test_half_open_limits),
		cmocka_unit_test(test_cookie_load),
		cmocka_unit_test(test_create_child_refused),
		cmocka_unit_test(test_responder_by_identity),
		cmocka_unit_test(test_responder_by_selectors),
		cmocka_unit_test(test_responder_by_idr),
		cmocka_unit_test(test_responder_unknown_identity),
		cmocka_unit_test(test_responder_identity_suite),
		cmocka_unit_test(test_set_config),
		cmocka_unit_test(test_short_nonce),
		cmocka_unit_test(test_spoofed_init_flood),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
