// SPDX-License-Identifier: GPL-2.0
/*
 * NAT traversal (RFC 7296 §2.23, RFC 3948) between two engines: detection
 * in both roles, the move to 4500, ESP-in-UDP ports on the kernel SAs,
 * keepalives from the side behind the NAT, a mapping that changes, forced
 * encapsulation, and failures that name the NAT.
 */
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
#define PUB "203.0.113.5"

static void status(struct node *x, struct ike_tunnel_status *st)
{
	assert_int_equal(ike_engine_status(x->e, 1, st), 0);
}

static uint16_t port(const struct sockaddr_storage *ss)
{
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static const char *host(const struct sockaddr_storage *ss)
{
	static char buf[4][64];
	static int i;

	i = (i + 1) % 4;
	return inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
			 buf[i], sizeof(buf[i]));
}

/* The live SA of @x in direction @dir (there is one pair here). */
static const struct fake_sa *live(const struct node *x, enum ike_dir dir)
{
	const struct fake_sa *f = NULL;
	int i;

	for (i = 0; i < x->k.n; i++)
		if (x->k.sa[i].live && x->k.sa[i].dir == dir)
			f = &x->k.sa[i];
	assert_non_null(f);
	return f;
}

static void assert_ports(const struct node *x, uint16_t out_s, uint16_t out_d,
			 uint16_t in_s, uint16_t in_d)
{
	const struct fake_sa *o = live(x, IKE_DIR_OUT), *i = live(x, IKE_DIR_IN);

	assert_int_equal(o->encap_sport, out_s);
	assert_int_equal(o->encap_dport, out_d);
	assert_int_equal(i->encap_sport, in_s);
	assert_int_equal(i->encap_dport, in_d);
}

/* A behind a NAT at PUB (ports 40000 for its 500, 40001 for its 4500). */
static void setup_nat(struct net *n, struct ike_tunnel_config *ca,
		      struct ike_tunnel_config *cb)
{
	net_init(n, false);
	cfg_site(ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(cb, false, false, DEF_IKE, DEF_ESP);
	/* B knows A by the NAT's address. */
	inet_pton(AF_INET, PUB, &((struct sockaddr_in *)&cb->remote)->sin_addr);
	net_nat(n, &n->a, PUB, 40000);
}

/* No NAT: both sides detect none; IKE stays on 500, ESP stays plain. */
static void test_no_nat(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status sa, sb;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_crosswise(&n);
	status(&n.a, &sa);
	status(&n.b, &sb);
	assert_true(sa.natd && sb.natd);
	assert_false(sa.nat_here || sa.nat_there || sa.udp_encap);
	assert_false(sb.nat_here || sb.nat_there || sb.udp_encap);
	assert_int_equal(port(&sa.local), 500);
	assert_int_equal(port(&sb.remote), 500);
	assert_ports(&n.a, 0, 0, 0, 0);
	assert_ports(&n.b, 0, 0, 0, 0);
	net_settle(&n, 120000);
	assert_int_equal(n.a.keepalives + n.b.keepalives, 0);
	net_free(&n);
}

/*
 * The initiator behind a NAT that changes its source port: the responder
 * answers (it used to wait for port 500 and stay silent), both detect the
 * NAT, IKE_AUTH goes on 4500, the SAs carry the ports the NAT uses.
 */
static void test_initiator_behind_nat(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status sa, sb;
	struct net n;

	(void)state;
	setup_nat(&n, &ca, &cb);
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_step(&n, &n.a, false);
	/* B answered IKE_SA_INIT from 203.0.113.5:40000. */
	assert_int_equal(n.b.nout, 1);
	assert_int_equal(port(&n.b.out[0].to), 40000);
	net_run(&n);
	assert_crosswise(&n);
	status(&n.a, &sa);
	status(&n.b, &sb);
	assert_int_equal(sa.state, IKE_TUNNEL_ESTABLISHED);
	assert_true(sa.nat_here && !sa.nat_there && sa.udp_encap);
	assert_true(!sb.nat_here && sb.nat_there && sb.udp_encap);
	assert_int_equal(port(&sa.local), 4500);
	assert_int_equal(port(&sa.remote), 4500);
	assert_string_equal(host(&sb.remote), PUB);
	assert_int_equal(port(&sb.remote), 40001);
	assert_int_equal(port(&sb.local), 4500);
	/* out: our port, the peer's; in: the peer's, ours. */
	assert_ports(&n.a, 4500, 4500, 4500, 4500);
	assert_ports(&n.b, 4500, 40001, 40001, 4500);
	assert_true(logged(&n.a, "NAT detected between 192.0.2.1:500 and "
			   "198.51.100.1:500: we are behind a NAT (the peer "
			   "sees another address or port than ours); IKE "
			   "moves to UDP 4500, ESP goes in UDP"));
	net_free(&n);
}

/*
 * B starts too, towards the NAT, which lets nothing in: its IKE_SA_INIT
 * retransmits while A's SA comes up. A goes down: B keeps no SA, then or
 * once its own attempt gave up.
 */
static void test_both_start_through_nat(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct net n;

	(void)state;
	setup_nat(&n, &ca, &cb);
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.b.e, 1, 0), 0);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_crosswise(&n);
	n.now += 3000;
	ike_engine_tick(n.b.e, n.now);
	net_run(&n);
	assert_int_equal(ike_engine_down(n.a.e, 1, n.now), 0);
	net_run(&n);
	assert_int_equal(live_sas(&n.a), 0);
	assert_int_equal(live_sas(&n.b), 0);
	net_settle(&n, n.now + 120 * 1000);
	assert_int_equal(live_sas(&n.b), 0);
	net_free(&n);
}

/*
 * The responder behind a NAT that forwards UDP 500 and 4500 to it: A
 * initiates to the NAT's address; B finds itself behind the NAT, A sees B
 * behind one; B keeps the mapping with keepalives.
 */
static void test_responder_port_forward(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status sa, sb;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	inet_pton(AF_INET, PUB, &((struct sockaddr_in *)&ca.remote)->sin_addr);
	net_nat(&n, &n.b, PUB, 0);
	n.nat.forward = true;
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_crosswise(&n);
	status(&n.a, &sa);
	status(&n.b, &sb);
	assert_true(!sa.nat_here && sa.nat_there && sa.udp_encap);
	assert_true(sb.nat_here && !sb.nat_there && sb.udp_encap);
	assert_string_equal(host(&sa.remote), PUB);
	assert_int_equal(port(&sa.remote), 4500);
	assert_int_equal(port(&sb.local), 4500);
	assert_ports(&n.a, 4500, 4500, 4500, 4500);
	assert_ports(&n.b, 4500, 4500, 4500, 4500);
	net_settle(&n, 45000);
	assert_int_equal(n.b.keepalives, 2);
	assert_int_equal(n.a.keepalives, 0);
	net_free(&n);
}

/* RFC 3948 §2.3: only the side behind the NAT, every keepalive_ms. */
static void test_keepalives(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status sa;
	struct net n;
	int i;

	(void)state;
	setup_nat(&n, &ca, &cb);
	ca.keepalive_ms = 20000;
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	status(&n.a, &sa);
	assert_int_equal(sa.keepalive_in_ms, 20000);
	net_settle(&n, 65000);
	assert_int_equal(n.a.keepalives, 3);
	assert_int_equal(n.b.keepalives, 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(n.a.keepalive_at[i], 20000 * (i + 1));
	net_free(&n);
}

/*
 * RFC 3948 §4: no keepalive while ESP goes out through the mapping (the
 * kernel's outbound counters grow each interval); once it stops, the
 * keepalives come back one interval after the last check that saw ESP.
 */
static void test_keepalives_not_with_esp(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct fake_sa *out;
	struct net n;
	int i;

	(void)state;
	setup_nat(&n, &ca, &cb);
	ca.keepalive_ms = 20000;
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_crosswise(&n);
	out = (struct fake_sa *)live(&n.a, IKE_DIR_OUT);
	for (i = 1; i <= 5; i++) {
		out->packets += 10;
		net_settle(&n, 20000 * i);
	}
	assert_int_equal(n.a.keepalives, 0);
	assert_true(n.a.k.packet_reads >= 5);
	/* Quiet from 100 s on: the 100 s check still saw ESP. */
	net_settle(&n, 145000);
	assert_int_equal(n.a.keepalives, 2);
	assert_int_equal(n.a.keepalive_at[0], 120000);
	assert_int_equal(n.a.keepalive_at[1], 140000);
	/* One packet again: the 160 s check skips, the next one sends. */
	out->packets++;
	net_settle(&n, 175000);
	assert_int_equal(n.a.keepalives, 2);
	net_settle(&n, 185000);
	assert_int_equal(n.a.keepalives, 3);
	assert_int_equal(n.a.keepalive_at[2], 180000);
	assert_int_equal(n.b.keepalives, 0);
	net_free(&n);
}

/*
 * An IKE message sent to the peer (here A's liveness checks, every 30 s of
 * quiet) refreshes the mapping: the next keepalive is an interval after it.
 */
static void test_keepalives_after_ike(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct net n;

	(void)state;
	setup_nat(&n, &ca, &cb);
	ca.keepalive_ms = 20000;
	ca.dpd_delay_ms = 30000;
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	/* 20 s keepalive, 30 s check, 50 s keepalive, 60 s check, 80 s. */
	net_settle(&n, 85000);
	assert_int_equal(n.a.keepalives, 3);
	assert_int_equal(n.a.keepalive_at[0], 20000);
	assert_int_equal(n.a.keepalive_at[1], 50000);
	assert_int_equal(n.a.keepalive_at[2], 80000);
	net_free(&n);
}

/*
 * The NAT's mapping changes (a conntrack timeout): B follows A's new port
 * on the next authenticated message, kernel SAs included, and never on a
 * forged one.
 */
static void test_mapping_change(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status sb;
	struct net n;
	struct pkt forged;

	(void)state;
	setup_nat(&n, &ca, &cb);
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_crosswise(&n);
	n.nat.base = 41000;
	/* A forged message from the new port: dropped, nothing moves. */
	assert_int_equal(ike_engine_rekey(n.a.e, 1, false, n.now), 0);
	forged = n.a.out[0];
	forged.data[forged.len - 1] ^= 1;
	n.a.out[0] = forged;
	net_step(&n, &n.a, false);
	status(&n.b, &sb);
	assert_int_equal(port(&sb.remote), 40001);
	assert_int_equal(n.b.k.moves, 0);
	assert_int_equal(n.b.nout, 0);
	/* A retransmits the genuine request: B follows, then answers there. */
	net_settle(&n, n.now + 1500);
	status(&n.b, &sb);
	assert_int_equal(port(&sb.remote), 41001);
	assert_string_equal(host(&sb.remote), PUB);
	assert_true(n.b.k.moves >= 1);
	assert_int_equal(port(&n.b.k.moved_to), 41001);
	/* The rekeyed pair is installed with the new port. */
	assert_ports(&n.b, 4500, 41001, 41001, 4500);
	assert_true(logged(&n.b, "peer moved from 203.0.113.5:40001 to "
			   "203.0.113.5:41001 (a NAT mapping changed); "
			   "following it"));
	net_free(&n);
}

/* encap = yes without a NAT: ESP in UDP and IKE on 4500 all the same. */
static void test_encap_forced(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status sa, sb;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	ca.encap = true;
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_crosswise(&n);
	status(&n.a, &sa);
	status(&n.b, &sb);
	assert_true(sa.udp_encap && sb.udp_encap);
	assert_false(sa.nat_here);
	/* B believes A behind a NAT: A's source hash matched nothing. */
	assert_true(sb.nat_there);
	assert_ports(&n.a, 4500, 4500, 4500, 4500);
	assert_ports(&n.b, 4500, 4500, 4500, 4500);
	/* Nobody is behind a NAT: no keepalives. */
	net_settle(&n, 65000);
	assert_int_equal(n.a.keepalives + n.b.keepalives, 0);
	net_free(&n);
}

/* nat-traversal = no: no NAT-D sent, none acted on, no move. */
static void test_natt_off(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status sa, sb;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	ca.nat_traversal = false;
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_crosswise(&n);
	status(&n.a, &sa);
	status(&n.b, &sb);
	assert_false(sa.natd || sb.natd || sa.udp_encap || sb.udp_encap);
	assert_int_equal(port(&sb.remote), 500);
	net_free(&n);
}

/*
 * Address identities across a NAT: the failure says that a NAT is in the
 * way, on both ends (it used to say only "identity mismatch").
 */
static void test_auth_failure_names_nat(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status sa, sb;
	struct net n;

	(void)state;
	setup_nat(&n, &ca, &cb);
	assert_int_equal(ike_identity_parse(&ca.local_id, "192.0.2.1"), 0);
	assert_int_equal(ike_identity_parse(&cb.remote_id, PUB), 0);
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	status(&n.a, &sa);
	status(&n.b, &sb);
	assert_int_equal(sa.state, IKE_TUNNEL_FAILED);
	assert_string_equal(sa.last_failure,
		"AUTHENTICATION_FAILED: peer 198.51.100.1:4500 rejected our "
		"authentication as '192.0.2.1' (pre-shared key or identity "
		"mismatch); a NAT is in the way: the peer sees us at another "
		"address or port than 192.0.2.1, so an address identity may "
		"not be what it expects");
	assert_true(logged(&n.b, "AUTHENTICATION_FAILED: we rejected peer "
			   "203.0.113.5:40001: it identified as '192.0.2.1' "
			   "for 'fqdn:b.example', we expect '203.0.113.5' for "
			   "'fqdn:b.example'; a NAT is in the way: the peer "
			   "sits behind one, so its address identity may be "
			   "its private address"));
	net_free(&n);
}

/* Whether one of @x's last log lines contains @part. */
static bool logged_part(const struct node *x, const char *part)
{
	int i;

	for (i = 0; i < LOG_KEEP; i++)
		if (strstr(x->logs[i], part))
			return true;
	return false;
}

/*
 * remote = any on B: A behind a NAT connects from one public address,
 * its NAT takes another (its DELETE lost on the way), and A connects
 * again from there without INITIAL_CONTACT. B never initiates, follows
 * the new address, and drops the old IKE SA and CHILD SAs at once.
 */
static void test_remote_any_moves(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status sb;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	memset(&((struct sockaddr_in *)&cb.remote)->sin_addr, 0, 4);
	cb.dpd_delay_ms = 10000;
	cb.dpd_action = IKE_DPD_RESTART;
	net_add(&n, &ca, &cb);
	net_nat(&n, &n.a, PUB, 40000);
	assert_int_equal(ike_engine_up(n.b.e, 1, 0), -EOPNOTSUPP);
	assert_int_equal(ike_engine_on_demand(n.b.e, 1, 0), -EOPNOTSUPP);
	assert_int_equal(n.b.nout, 0);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_crosswise(&n);
	status(&n.b, &sb);
	assert_string_equal(host(&sb.remote), PUB);
	assert_int_equal(live_sas(&n.b), 2);

	/* A new mapping; A's DELETE from the old one never arrives. */
	assert_int_equal(ike_engine_down(n.a.e, 1, 1000), 0);
	while (n.a.nout)
		net_step(&n, &n.a, true);
	inet_pton(AF_INET, "203.0.113.77",
		  &((struct sockaddr_in *)&n.nat.pub)->sin_addr);
	n.nat.base = 41000;
	assert_int_equal(ike_engine_up(n.a.e, 1, 2000), 0);
	net_run(&n);
	assert_crosswise(&n);
	status(&n.b, &sb);
	assert_int_equal(sb.state, IKE_TUNNEL_ESTABLISHED);
	assert_string_equal(host(&sb.remote), "203.0.113.77");
	assert_int_equal(port(&sb.remote), 41001);
	assert_int_equal(ike_sas(&n.b), 1);
	assert_int_equal(live_sas(&n.b), 2);
	assert_true(logged_part(&n.b, "the peer moved from 203.0.113.5:40001 "
				"to 203.0.113.77:41001: IKE SA "));
	/* A dead peer (dpd-action restart) leaves it waiting for the peer. */
	assert_int_equal(ike_engine_remove_tunnel(n.a.e, 1), 0);
	net_settle(&n, 600000);
	status(&n.b, &sb);
	assert_int_not_equal(sb.state, IKE_TUNNEL_CONNECTING);
	assert_int_equal(ike_sas(&n.b), 0);
	assert_true(logged_part(&n.b, "remote = any: waiting for the peer to "
				"negotiate again"));
	net_free(&n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_nat),
		cmocka_unit_test(test_initiator_behind_nat),
		cmocka_unit_test(test_both_start_through_nat),
		cmocka_unit_test(test_responder_port_forward),
		cmocka_unit_test(test_keepalives),
		cmocka_unit_test(test_keepalives_not_with_esp),
		cmocka_unit_test(test_keepalives_after_ike),
		cmocka_unit_test(test_mapping_change),
		cmocka_unit_test(test_encap_forced),
		cmocka_unit_test(test_natt_off),
		cmocka_unit_test(test_auth_failure_names_nat),
		cmocka_unit_test(test_remote_any_moves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
