// SPDX-License-Identifier: GPL-2.0
/*
 * protect-gateways between two in-process engines: the SGW-to-SGW CHILD SA
 * in transport mode made by CREATE_CHILD_SA after IKE_AUTH, its selectors
 * and kernel mode, its rekey beside the tunnel's CHILD SA, its re-creation,
 * and a peer that does not want it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ike_child.h"
#include "ike_exchange.h"
#include "ike_msg.h"

#define DEF_IKE "aes256gcm16-prfsha384-ecp384"
#define DEF_ESP "aes256gcm16"

static void configs(struct net *n, bool ipv6, bool protect_a, bool protect_b,
		    struct ike_tunnel_config *ca, struct ike_tunnel_config *cb)
{
	net_init(n, ipv6);
	cfg_site(ca, true, ipv6, DEF_IKE, DEF_ESP);
	cfg_site(cb, false, ipv6, DEF_IKE, DEF_ESP);
	ca->protect_gateways = protect_a;
	cb->protect_gateways = protect_b;
}

static void setup(struct net *n, bool ipv6, bool protect_a, bool protect_b)
{
	struct ike_tunnel_config ca, cb;

	configs(n, ipv6, protect_a, protect_b, &ca, &cb);
	net_add(n, &ca, &cb);
	assert_int_equal(ike_engine_up(n->a.e, 1, n->now), 0);
	net_run(n);
}

static void tick(struct net *n, ike_time_t t)
{
	n->now = t;
	ike_engine_tick(n->a.e, t);
	ike_engine_tick(n->b.e, t);
}

static uint8_t exchange_of(const struct pkt *p)
{
	return p->data[18];
}

static void status(struct node *x, struct ike_tunnel_status *st)
{
	assert_int_equal(ike_engine_status(x->e, 1, st), 0);
}

/* The one current CHILD SA of @st in transport mode, or tunnel mode. */
static const struct ike_child_status *current(const struct ike_tunnel_status *st,
					      bool transport)
{
	const struct ike_child_status *found = NULL;
	unsigned int i;

	for (i = 0; i < st->n_children; i++) {
		if (st->child[i].transport != transport || st->child[i].rekeyed)
			continue;
		assert_null(found);
		found = &st->child[i];
	}
	return found;
}

static const struct fake_sa *sa_of(const struct node *x, enum ike_dir dir,
				   uint32_t spi, enum ike_mode mode)
{
	const struct fake_sa *f = find_sa(x, dir, spi);

	assert_non_null(f);
	assert_int_equal(f->mode, mode);
	return f;
}

/* The kernel removed an SA at its hard lifetime and says so. */
static int hard_expire(struct net *n, struct node *x, enum ike_dir dir,
		       uint32_t spi)
{
	struct fake_sa *f = (struct fake_sa *)find_sa(x, dir, spi);

	assert_non_null(f);
	f->live = false;
	return ike_engine_sa_expired(x->e, 1, dir, spi, true, n->now);
}

static void assert_ts(const struct ike_ts_list *l, const char *want)
{
	char buf[128];

	ike_ts_list_format(l, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

/* Both CHILD SAs up, crosswise, each in its mode and with its selectors. */
static void assert_pair(struct net *n, const char *la, const char *lb,
			const char *na, const char *nb)
{
	const struct ike_child_status *ta, *tb, *ga, *gb;
	struct ike_tunnel_status sa, sb;
	const struct fake_sa *out, *in;

	status(&n->a, &sa);
	status(&n->b, &sb);
	assert_int_equal(sa.state, IKE_TUNNEL_ESTABLISHED);
	ta = current(&sa, false);
	tb = current(&sb, false);
	ga = current(&sa, true);
	gb = current(&sb, true);
	assert_non_null(ta);
	assert_non_null(tb);
	assert_non_null(ga);
	assert_non_null(gb);
	assert_int_equal(ta->spi_out, tb->spi_in);
	assert_int_equal(ga->spi_out, gb->spi_in);
	assert_int_equal(ga->spi_in, gb->spi_out);
	assert_int_equal(live_sas(&n->a), 4);
	assert_int_equal(live_sas(&n->b), 4);
	/* Keys match across; the modes reach the kernel. */
	out = sa_of(&n->a, IKE_DIR_OUT, ga->spi_out, IKE_MODE_TRANSPORT);
	in = sa_of(&n->b, IKE_DIR_IN, gb->spi_in, IKE_MODE_TRANSPORT);
	assert_memory_equal(out->ek, in->ek, out->ek_len);
	out = sa_of(&n->b, IKE_DIR_OUT, gb->spi_out, IKE_MODE_TRANSPORT);
	in = sa_of(&n->a, IKE_DIR_IN, ga->spi_in, IKE_MODE_TRANSPORT);
	assert_memory_equal(out->ek, in->ek, out->ek_len);
	sa_of(&n->a, IKE_DIR_OUT, ta->spi_out, IKE_MODE_TUNNEL);
	sa_of(&n->a, IKE_DIR_IN, ta->spi_in, IKE_MODE_TUNNEL);
	/* The SGW pair, any protocol; the tunnel keeps its networks. */
	assert_ts(&ga->local_ts, la);
	assert_ts(&ga->remote_ts, lb);
	assert_ts(&gb->local_ts, lb);
	assert_ts(&gb->remote_ts, la);
	assert_ts(&ta->local_ts, na);
	assert_ts(&ta->remote_ts, nb);
}

static void assert_pair_v4(struct net *n)
{
	assert_pair(n, "192.0.2.1/32", "198.51.100.1/32", "10.1.0.0/16",
		    "10.2.0.0/16");
}

/* The initiator asks right after IKE_AUTH; the responder waits and does not. */
static void test_gateway_child(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status sa, sb;
	const struct ike_child_status *g;
	char line[256];
	struct net n;

	(void)state;
	configs(&n, false, true, true, &ca, &cb);
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_step(&n, &n.a, false);	/* IKE_SA_INIT */
	net_step(&n, &n.b, false);
	net_step(&n, &n.a, false);	/* IKE_AUTH */
	net_step(&n, &n.b, false);
	/* IKE_AUTH made the tunnel's SA; CREATE_CHILD_SA follows at once. */
	assert_int_equal(n.a.nout, 1);
	assert_int_equal(exchange_of(&n.a.out[0]), IKE_CREATE_CHILD_SA);
	assert_int_equal(live_sas(&n.a), 2);
	net_run(&n);
	assert_pair_v4(&n);
	status(&n.a, &sa);
	status(&n.b, &sb);
	g = current(&sa, true);
	snprintf(line, sizeof(line), "SGW-to-SGW CHILD SA in %08x out %08x "
		 "established: transport mode, 192.0.2.1 <-> 198.51.100.1 (%s)",
		 ntohl(g->spi_in), ntohl(g->spi_out), g->algs);
	assert_true(logged(&n.a, line));
	g = current(&sb, true);
	snprintf(line, sizeof(line), "SGW-to-SGW CHILD SA in %08x out %08x "
		 "established by the peer: transport mode, 198.51.100.1 <-> "
		 "192.0.2.1 (%s)", ntohl(g->spi_in), ntohl(g->spi_out), g->algs);
	assert_true(logged(&n.b, line));
	/* Past the responder's wait: nothing more is negotiated. */
	tick(&n, IKE_GATEWAY_WAIT_MS + 1);
	assert_int_equal(n.a.nout + n.b.nout, 0);
	assert_int_equal(n.a.k.n, 4);
	assert_int_equal(n.b.k.n, 4);
	assert_int_equal(ike_engine_next_timeout(n.b.e) > 60000, true);
	/* down removes all four SAs on both ends: each knows both outbounds. */
	assert_int_equal(ike_engine_down(n.a.e, 1, n.now), 0);
	net_run(&n);
	assert_int_equal(live_sas(&n.a), 0);
	assert_int_equal(live_sas(&n.b), 0);
	assert_int_equal(n.a.k.dels, 4);
	assert_int_equal(n.b.k.dels, 4);
	net_free(&n);
}

/* Each CHILD SA is rekeyed on its own; the other's outbound stays. */
static void test_gateway_rekey(void **state)
{
	const struct ike_child_status *ga0, *ta0, *ga1, *ta1;
	struct ike_tunnel_status a0, a1, b1;
	uint32_t gspi;
	struct net n;

	(void)state;
	setup(&n, false, true, true);
	status(&n.a, &a0);
	ga0 = current(&a0, true);
	ta0 = current(&a0, false);
	/* The kernel's soft event on B's transport outbound. */
	tick(&n, 1000);
	status(&n.b, &b1);
	assert_int_equal(ike_engine_sa_expired(n.b.e, 1, IKE_DIR_OUT,
					       current(&b1, true)->spi_out,
					       false, n.now), 0);
	net_run(&n);
	tick(&n, n.now + IKE_CHILD_GRACE_MS);
	net_run(&n);
	assert_pair_v4(&n);
	status(&n.a, &a1);
	ga1 = current(&a1, true);
	ta1 = current(&a1, false);
	assert_int_not_equal(ga1->spi_in, ga0->spi_in);
	assert_int_not_equal(ga1->spi_out, ga0->spi_out);
	assert_int_equal(ta1->spi_in, ta0->spi_in);
	assert_int_equal(ta1->spi_out, ta0->spi_out);
	assert_int_equal(a1.child_rekeys, 1);
	/* The old transport pair is gone from both kernels. */
	assert_null(find_sa(&n.a, IKE_DIR_OUT, ga0->spi_out));
	assert_null(find_sa(&n.a, IKE_DIR_IN, ga0->spi_in));

	/* Now the tunnel's SA, by A: the transport outbound stays live. */
	assert_int_equal(ike_engine_sa_expired(n.a.e, 1, IKE_DIR_OUT,
					       ta1->spi_out, false, n.now), 0);
	net_run(&n);
	tick(&n, n.now + IKE_CHILD_GRACE_MS);
	net_run(&n);
	assert_pair_v4(&n);
	gspi = ga1->spi_out;
	status(&n.a, &a0);
	assert_int_equal(current(&a0, true)->spi_out, gspi);
	assert_int_not_equal(current(&a0, false)->spi_out, ta1->spi_out);
	assert_int_equal(a0.child_rekeys, 2);

	/* An IKE SA rekey moves both; nothing is made anew. */
	assert_int_equal(ike_engine_rekey(n.a.e, 1, true, n.now), 0);
	net_run(&n);
	assert_pair_v4(&n);
	status(&n.a, &a1);
	assert_int_equal(a1.ike_rekeys, 1);
	assert_int_equal(current(&a1, true)->spi_out, gspi);
	tick(&n, n.now + IKE_GATEWAY_WAIT_MS + 1);
	assert_int_equal(n.a.nout + n.b.nout, 0);
	net_free(&n);
}

/* Deleted by the peer, or expired unreplaced: made again; the tunnel stays. */
static void test_gateway_recreated(void **state)
{
	struct ike_tunnel_status a0, a1, b0;
	const struct ike_child_status *g;
	char line[256];
	struct net n;

	(void)state;
	setup(&n, false, true, true);
	status(&n.a, &a0);
	status(&n.b, &b0);
	/* B deletes it: A (the IKE initiator) makes it again after the wait. */
	n.now = 1000;
	assert_int_equal(ike_engine_delete_child(n.b.e, 1,
						 current(&b0, true)->spi_in,
						 n.now), 0);
	net_run(&n);
	status(&n.a, &a1);
	assert_null(current(&a1, true));
	assert_int_equal(live_sas(&n.a), 2);
	tick(&n, n.now);
	assert_int_equal(ike_engine_next_timeout(n.a.e),
			 1000 + IKE_GATEWAY_WAIT_MS);
	tick(&n, 1000 + IKE_GATEWAY_WAIT_MS);
	assert_int_equal(n.a.nout, 1);
	net_run(&n);
	assert_pair_v4(&n);
	status(&n.a, &a1);
	assert_int_equal(a1.spi_i, a0.spi_i);
	assert_int_equal(current(&a1, false)->spi_in,
			 current(&a0, false)->spi_in);

	/* Hard expiry of A's transport inbound: deleted, negotiated anew. */
	g = current(&a1, true);
	assert_int_equal(hard_expire(&n, &n.a, IKE_DIR_IN, g->spi_in), 0);
	snprintf(line, sizeof(line), "SGW-to-SGW CHILD SA in %08x out %08x "
		 "reached its hard lifetime; deleting it and negotiating a new "
		 "one", ntohl(g->spi_in), ntohl(g->spi_out));
	assert_true(logged(&n.a, line));
	net_run(&n);
	tick(&n, n.now);
	net_run(&n);
	assert_pair_v4(&n);
	status(&n.a, &a0);
	assert_int_not_equal(current(&a0, true)->spi_in, g->spi_in);
	assert_int_equal(a0.spi_i, a1.spi_i);
	assert_int_equal(current(&a0, false)->spi_in,
			 current(&a1, false)->spi_in);
	net_free(&n);
}

#define WON "both ends made the SGW-to-SGW CHILD SA at once: ours stays, " \
	"the peer deletes its own (lowest nonce, RFC 7296 2.8.1)"
#define LOST "both ends made the SGW-to-SGW CHILD SA at once: the peer's " \
	"stays, ours is deleted (lowest nonce, RFC 7296 2.8.1)"

/* Both ends ask at once (both halves expired together): one pair stays. */
static void test_gateway_collision(void **state)
{
	struct ike_tunnel_status a, b;
	uint32_t a_in, b_in;
	struct net n;

	(void)state;
	setup(&n, false, true, true);
	status(&n.a, &a);
	status(&n.b, &b);
	a_in = current(&a, true)->spi_in;
	b_in = current(&b, true)->spi_in;
	n.now = 1000;
	assert_int_equal(hard_expire(&n, &n.a, IKE_DIR_IN, a_in), 0);
	assert_int_equal(hard_expire(&n, &n.b, IKE_DIR_IN, b_in), 0);
	net_run(&n);
	tick(&n, n.now);
	/* Both CREATE_CHILD_SA requests cross on the wire. */
	assert_int_equal(n.a.nout, 1);
	assert_int_equal(n.b.nout, 1);
	net_run(&n);
	tick(&n, n.now + IKE_CHILD_GRACE_MS);
	net_run(&n);
	assert_pair_v4(&n);
	status(&n.a, &a);
	status(&n.b, &b);
	assert_int_equal(a.collisions, 1);
	assert_int_equal(b.collisions, 1);
	/* Each end applied the rule and they agree on the winner. */
	assert_true(logged(&n.a, WON) != logged(&n.a, LOST));
	assert_true(logged(&n.a, WON) == logged(&n.b, LOST));
	assert_int_equal(a.n_children, 2);
	assert_int_equal(b.n_children, 2);
	tick(&n, n.now + 3 * IKE_GATEWAY_WAIT_MS);
	assert_int_equal(n.a.nout + n.b.nout, 0);
	net_free(&n);
}

/* Only the responder wants it: it asks after the wait, and backs off. */
static void test_gateway_refused(void **state)
{
	struct ike_tunnel_status a, b;
	struct net n;

	(void)state;
	setup(&n, false, false, true);
	status(&n.a, &a);
	status(&n.b, &b);
	assert_int_equal(a.n_children, 1);
	assert_int_equal(b.n_children, 1);
	assert_int_equal(ike_engine_next_timeout(n.b.e), IKE_GATEWAY_WAIT_MS);
	tick(&n, IKE_GATEWAY_WAIT_MS);
	assert_int_equal(n.b.nout, 1);
	assert_int_equal(exchange_of(&n.b.out[0]), IKE_CREATE_CHILD_SA);
	net_run(&n);
	assert_true(logged(&n.a, "peer asked for a transport-mode CHILD SA; "
			   "refused, as protect-gateways is off for this "
			   "tunnel"));
	assert_string_equal(n.b.last_log, "no SGW-to-SGW CHILD SA "
			    "(protect-gateways): peer 192.0.2.1:500 refused it: "
			    "NO_ADDITIONAL_SAS; traffic between 198.51.100.1 "
			    "and 192.0.2.1 other than IKE is dropped until "
			    "there is one; trying again in 1 s");
	assert_int_equal(live_sas(&n.a), 2);
	assert_int_equal(live_sas(&n.b), 2);
	/* 1 s, then 2 s: the tunnel's SAs are untouched throughout. */
	assert_int_equal(ike_engine_next_timeout(n.b.e),
			 IKE_GATEWAY_WAIT_MS + 1000);
	tick(&n, IKE_GATEWAY_WAIT_MS + 1000);
	net_run(&n);
	assert_int_equal(ike_engine_next_timeout(n.b.e),
			 IKE_GATEWAY_WAIT_MS + 3000);
	assert_int_equal(live_sas(&n.b), 2);
	assert_state(&n.a, IKE_TUNNEL_ESTABLISHED);
	assert_state(&n.b, IKE_TUNNEL_ESTABLISHED);
	net_free(&n);
}

/* Over IPv6 the selectors are the two /128s. */
static void test_gateway_ipv6(void **state)
{
	struct net n;

	(void)state;
	setup(&n, true, true, true);
	assert_pair(&n, "2001:db8::a/128", "2001:db8::b/128", "fd00:a::/64",
		    "fd00:b::/64");
	net_free(&n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gateway_child),
		cmocka_unit_test(test_gateway_rekey),
		cmocka_unit_test(test_gateway_recreated),
		cmocka_unit_test(test_gateway_collision),
		cmocka_unit_test(test_gateway_refused),
		cmocka_unit_test(test_gateway_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
