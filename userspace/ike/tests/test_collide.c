// SPDX-License-Identifier: GPL-2.0
/*
 * Both ends at once: crossing initiations, INITIAL_CONTACT, CHILD SAs lost
 * and re-created, a peer that deletes the IKE SA of an at-start tunnel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ike_child.h"
#include "ike_exchange.h"
#include "ike_msg.h"
#include "ike_sa.h"

#define DEF_IKE "aes256gcm16-prfsha384-ecp384"
#define DEF_ESP "aes256gcm16"

static struct ike_tunnel_status st_silent;

static void setup_tunnels(struct net *n)
{
	struct ike_tunnel_config ca, cb;

	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	net_add(n, &ca, &cb);
}

static void setup(struct net *n)
{
	struct ike_tunnel_config ca, cb;

	net_init(n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	net_add(n, &ca, &cb);
}

static __attribute__((unused)) void status(struct node *x, struct ike_tunnel_status *st)
{
	assert_int_equal(ike_engine_status(x->e, 1, st), 0);
}

/* One IKE SA and one crosswise CHILD SA pair on each side. */
static void assert_converged(struct net *n)
{
	assert_int_equal(ike_sas(&n->a), 1);
	assert_int_equal(ike_sas(&n->b), 1);
	assert_crosswise(n);
}

/*
 * Both start at the same moment: @a_first says whose datagram of each
 * round goes first. Both send INITIAL_CONTACT (neither knows the other).
 */
static void crossing(bool contacted, int order)
{
	struct net n;
	int i = 0;

	setup(&n);
	if (contacted) {
		assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
		net_run(&n);
		assert_int_equal(ike_engine_down(n.a.e, 1, 0), 0);
		net_run(&n);
		assert_int_equal(ike_engine_up(n.b.e, 1, 0), 0);
		net_run(&n);
		assert_int_equal(ike_engine_down(n.b.e, 1, 0), 0);
		net_run(&n);
		assert_int_equal(ike_sas(&n.a), 0);
		assert_int_equal(ike_sas(&n.b), 0);
	}
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	assert_int_equal(ike_engine_up(n.b.e, 1, 0), 0);
	/* Interleave: order 0 alternates, 1 lets A run ahead, 2 lets B. */
	while (n.a.nout || n.b.nout) {
		assert_true(i++ < 200);
		if (n.a.nout && (order != 2 || !n.b.nout))
			net_step(&n, &n.a, false);
		if (n.b.nout && (order != 1 || !n.a.nout))
			net_step(&n, &n.b, false);
	}
	/* Within a minute of virtual time, with both ends' timers running. */
	net_settle(&n, 60 * 1000);
	assert_converged(&n);
	/* And it stays that way: no liveness restart, no second SA. */
	net_settle(&n, 30 * 60 * 1000);
	assert_converged(&n);
	net_free(&n);
}

static void test_crossing_initial_contact(void **state)
{
	(void)state;
	crossing(false, 0);
	crossing(false, 1);
	crossing(false, 2);
}

static void test_crossing_without_initial_contact(void **state)
{
	(void)state;
	crossing(true, 0);
	crossing(true, 1);
	crossing(true, 2);
}

/*
 * Both start, but @late's IKE_SA_INIT is lost: the other's SA comes up
 * first, and @late's retransmission only then starts the second SA. To
 * @late the two crossed; to the other, the second is a reauthentication.
 * Whichever SA the lowest nonce condemns, both ends keep the other one.
 */
static void crossing_late(bool a_late, uint64_t seed)
{
	struct net n;
	struct node *late, *early;

	harness_rng_seed(seed);
	setup(&n);
	late = a_late ? &n.a : &n.b;
	early = net_peer(&n, late);
	assert_int_equal(ike_engine_up(late->e, 1, 0), 0);
	assert_int_equal(ike_engine_up(early->e, 1, 0), 0);
	net_step(&n, late, true);
	net_run(&n);
	assert_int_equal(ike_sas(early), 1);
	net_settle(&n, 60 * 1000);
	assert_converged(&n);
	net_settle(&n, 30 * 60 * 1000);
	assert_converged(&n);
	net_free(&n);
	harness_rng_seed(0);
}

static void test_crossing_first_init_lost(void **state)
{
	uint64_t seed;

	(void)state;
	/* Seeds enough for the lowest nonce to fall on either SA. */
	for (seed = 1; seed <= 8; seed++) {
		crossing_late(true, seed);
		crossing_late(false, seed);
	}
}

/*
 * B took the tunnel down while the network was cut (its DELETE never
 * arrived) and brought it up again afterwards: its new SA, without
 * INITIAL_CONTACT, is to A a reauthentication of the SA B forgot, which
 * A keeps until B deletes it or a short while passes. Then B rekeys the
 * new SA and deletes it, as after every IKE rekey. That DELETE resolves
 * no crossing: the SA it replaced must not come back (simulation seed
 * 500093: two IKE SAs per tunnel on both ends for good).
 */
static void test_reauth_replacement_rekeyed(void **state)
{
	struct ike_tunnel_status sa, sb;
	struct net n;

	(void)state;
	setup(&n);
	assert_int_equal(ike_engine_up(n.b.e, 1, 0), 0);
	net_run(&n);
	assert_converged(&n);
	assert_int_equal(ike_engine_down(n.b.e, 1, n.now), 0);
	/* B's DELETE and every retransmission lost; A hears nothing. */
	while (ike_sas(&n.b)) {
		while (n.b.nout)
			net_step(&n, &n.b, true);
		n.now = ike_engine_next_timeout(n.b.e);
		assert_true(n.now < 120 * 1000);
		ike_engine_tick(n.b.e, n.now);
	}
	while (n.b.nout)
		net_step(&n, &n.b, true);
	assert_int_equal(ike_engine_up(n.b.e, 1, n.now), 0);
	net_run(&n);
	assert_int_equal(ike_sas(&n.a), 2);
	assert_int_equal(ike_sas(&n.b), 1);
	/* B rekeys its new SA at once: the old SA stays replaced. */
	assert_int_equal(ike_engine_rekey(n.b.e, 1, true, n.now), 0);
	net_run(&n);
	status(&n.a, &sa);
	status(&n.b, &sb);
	assert_int_equal(sa.spi_i, sb.spi_i);
	assert_int_equal(sa.spi_r, sb.spi_r);
	net_settle(&n, n.now + 10 * 60 * 1000);
	assert_converged(&n);
	net_settle(&n, n.now + 60 * 60 * 1000);
	assert_converged(&n);
	net_free(&n);
}

/*
 * B reauthenticates (reauth = yes) every 50 s and checks liveness after
 * 30 s of silence; A crashed and forgot SA 1. B's liveness check on it
 * is still being retransmitted when an operator takes the tunnel down and
 * up again: SA 1's DELETE waits behind that exchange, SA 2 is made.
 * SA 1, on its way out, must not be reauthenticated at its time: that
 * gave B a second chain of IKE SAs, each replacing the other at A in
 * turn, for good (simulation seed 500278).
 */
static void test_down_up_delete_waits(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	ca.reauth = cb.reauth = true;
	cb.ike_rekey_s = 50;
	cb.ike_hard_s = 100;
	cb.dpd_delay_ms = 30 * 1000;
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.b.e, 1, 0), 0);
	net_run(&n);
	assert_converged(&n);
	node_restart(&n.a);
	assert_int_equal(ike_engine_add_tunnel(n.a.e, &ca), 0);
	/* B's liveness check of SA 1 (at 30 s) goes unanswered. */
	net_settle(&n, 32 * 1000);
	assert_int_equal(ike_sas(&n.a), 0);
	assert_int_equal(ike_engine_down(n.b.e, 1, n.now), 0);
	assert_int_equal(ike_engine_up(n.b.e, 1, n.now), 0);
	net_run(&n);
	assert_int_equal(ike_sas(&n.a), 1);
	/* Checked halfway between two of B's reauthentications. */
	net_settle(&n, n.now + 10 * 60 * 1000 + 25 * 1000);
	assert_converged(&n);
	net_settle(&n, n.now + 5 * 60 * 1000);
	assert_converged(&n);
	net_free(&n);
}

/*
 * An operator takes the tunnel down while a liveness check of its SA goes
 * unanswered (the peer crashed): the DELETE waits behind that exchange,
 * and when the check gives up, the SA just goes. The dead-peer action
 * (restart) is for a tunnel that should be up; this one stays down.
 */
static void test_down_behind_dead_peer(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status st;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	cb.dpd_delay_ms = 30 * 1000;
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.b.e, 1, 0), 0);
	net_run(&n);
	assert_converged(&n);
	node_restart(&n.a);
	assert_int_equal(ike_engine_add_tunnel(n.a.e, &ca), 0);
	net_settle(&n, 32 * 1000);
	assert_int_equal(ike_engine_down(n.b.e, 1, n.now), 0);
	net_settle(&n, n.now + 10 * 60 * 1000);
	assert_int_equal(ike_sas(&n.a), 0);
	assert_int_equal(ike_sas(&n.b), 0);
	status(&n.b, &st);
	assert_int_equal(st.state, IKE_TUNNEL_IDLE);
	assert_int_equal(st.restarts, 0);
	net_free(&n);
}

/* Deliver the @i-th oldest datagram @from has sent, before the others. */
static void step_nth(struct net *n, struct node *from, int i)
{
	static struct pkt p;

	assert_true(i < from->nout);
	p = from->out[i];
	memmove(&from->out[1], &from->out[0], i * sizeof(p));
	from->out[0] = p;
	net_step(n, from, false);
}

/*
 * One end (@x) starts reauthenticating SA 0 (reauth = yes), and B asks
 * for a rekey of SA 0 at the same moment (sgwctl sa refresh). With @x
 * B, one replacement at a time: the rekey waits for another day (it made
 * a second successor of SA 0, taken for the tunnel's SA by B and for a
 * crossing by A, simulation seed 500325). With @x A, the peer of the
 * rekey: B has N up before the answer to its rekey makes R; to A the two
 * crossed, so both ends keep the same one (B took R for the tunnel's SA,
 * and negotiated anew when A deleted it).
 */
static void reauth_and_rekey(bool x_is_b, uint64_t seed)
{
	struct ike_tunnel_config ca, cb, *cx;
	struct net n;
	struct node *x;
	int r;

	harness_rng_seed(seed);
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	ca.reauth = cb.reauth = true;
	x = x_is_b ? &n.b : &n.a;
	cx = x_is_b ? &cb : &ca;
	cx->ike_rekey_s = 100;
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.b.e, 1, 0), 0);
	net_run(&n);
	assert_converged(&n);
	/* The new SAs reauthenticate only hours later. */
	cx->ike_rekey_s = 4 * 3600;
	assert_int_equal(ike_engine_update_tunnel(x->e, cx), 0);
	n.now = 100 * 1000;
	ike_engine_tick(x->e, n.now);
	assert_int_equal(x->nout, 1);			/* IKE_SA_INIT of N */
	r = ike_engine_rekey(n.b.e, 1, true, n.now);
	if (x_is_b) {
		assert_int_equal(r, -EALREADY);
		assert_int_equal(n.b.nout, 1);
		net_run(&n);
	} else {
		assert_int_equal(r, 0);
		net_step(&n, &n.a, false);		/* N's IKE_SA_INIT */
		net_step(&n, &n.b, false);		/* the rekey */
		net_step(&n, &n.b, false);		/* N's INIT answer */
		/* N is up at B before the rekey's answer comes. */
		assert_int_equal(n.a.nout, 2);
		step_nth(&n, &n.a, 1);
		net_run(&n);
	}
	net_settle(&n, n.now + 10 * 60 * 1000);
	assert_converged(&n);
	net_settle(&n, n.now + 60 * 60 * 1000);
	assert_converged(&n);
	net_free(&n);
	harness_rng_seed(0);
}

static void test_reauth_and_rekey(void **state)
{
	uint64_t seed;

	(void)state;
	/* Seeds enough for the lowest nonce to fall on either SA. */
	for (seed = 1; seed <= 8; seed++) {
		reauth_and_rekey(true, seed);
		reauth_and_rekey(false, seed);
	}
}

static void set_ts(struct ike_ts_list *l, const char *a)
{
	l->n = 1;
	assert_int_equal(ike_ts_parse(&l->ts[0], a), 0);
}

/* Tunnel @id between the same two identities, for another subnet pair. */
static void cfg_pair(struct ike_tunnel_config *c, bool a, uint32_t id,
		     const char *lnet, const char *rnet)
{
	cfg_site(c, a, false, DEF_IKE, DEF_ESP);
	c->id = id;
	snprintf(c->name, sizeof(c->name), "%s-%u", a ? "to-b" : "to-a", id);
	set_ts(&c->local_ts, lnet);
	set_ts(&c->remote_ts, rnet);
}

static void add_pairs(struct net *n, struct node *x)
{
	struct ike_tunnel_config c;
	bool a = x == &n->a;

	cfg_pair(&c, a, 1, a ? "10.1.0.0/16" : "10.2.0.0/16",
		 a ? "10.2.0.0/16" : "10.1.0.0/16");
	assert_int_equal(ike_engine_add_tunnel(x->e, &c), 0);
	cfg_pair(&c, a, 2, a ? "10.11.0.0/16" : "10.12.0.0/16",
		 a ? "10.12.0.0/16" : "10.11.0.0/16");
	assert_int_equal(ike_engine_add_tunnel(x->e, &c), 0);
}

/* Tunnel @id has one crosswise pair, in its own kernel tunnel, both ends. */
static void assert_tunnel_pair(struct net *n, uint32_t id)
{
	struct ike_tunnel_status sa, sb;
	const struct fake_sa *a_out, *b_in, *b_out, *a_in;

	assert_int_equal(ike_engine_status(n->a.e, id, &sa), 0);
	assert_int_equal(ike_engine_status(n->b.e, id, &sb), 0);
	assert_int_equal(sa.state, IKE_TUNNEL_ESTABLISHED);
	assert_int_equal(sb.state, IKE_TUNNEL_ESTABLISHED);
	assert_int_equal(sa.spi_i, sb.spi_i);
	assert_int_equal(sa.spi_r, sb.spi_r);
	assert_int_equal(sa.n_children, 1);
	assert_int_equal(sb.n_children, 1);
	assert_int_equal(sa.child[0].spi_out, sb.child[0].spi_in);
	assert_int_equal(sa.child[0].spi_in, sb.child[0].spi_out);
	a_out = find_sa(&n->a, IKE_DIR_OUT, sa.child[0].spi_out);
	a_in = find_sa(&n->a, IKE_DIR_IN, sa.child[0].spi_in);
	b_out = find_sa(&n->b, IKE_DIR_OUT, sb.child[0].spi_out);
	b_in = find_sa(&n->b, IKE_DIR_IN, sb.child[0].spi_in);
	assert_non_null(a_out);
	assert_non_null(a_in);
	assert_non_null(b_out);
	assert_non_null(b_in);
	assert_int_equal(a_out->tunnel, id);
	assert_int_equal(b_in->tunnel, id);
	assert_memory_equal(a_out->ek, b_in->ek, a_out->ek_len);
	assert_memory_equal(b_out->ek, a_in->ek, b_out->ek_len);
}

static void assert_both_tunnels(struct net *n)
{
	assert_tunnel_pair(n, 1);
	assert_tunnel_pair(n, 2);
	assert_int_equal(ike_sas(&n->a), 2);
	assert_int_equal(ike_sas(&n->b), 2);
	assert_int_equal(live_sas(&n->a), 4);
	assert_int_equal(live_sas(&n->b), 4);
}

/*
 * Two tunnels between the same identities keep an IKE SA each. Only the
 * first tells the peer INITIAL_CONTACT (RFC 7296 2.4: it asserts this is
 * the only IKE SA between them); a restarted peer's INITIAL_CONTACT
 * clears the stale SAs of both tunnels, and never one being made.
 */
static void two_tunnels(struct node *(*starter)(struct net *), bool at_once)
{
	struct ike_tunnel_status before[2];
	struct net n;
	struct node *s, *o;

	net_init(&n, false);
	add_pairs(&n, &n.a);
	add_pairs(&n, &n.b);
	s = starter(&n);
	o = net_peer(&n, s);
	assert_int_equal(ike_engine_up(s->e, 1, 0), 0);
	if (!at_once)
		net_run(&n);
	assert_int_equal(ike_engine_up(s->e, 2, 0), 0);
	net_settle(&n, 60 * 1000);
	assert_both_tunnels(&n);
	assert_int_equal(ike_engine_counters(o->e)->initial_contact_rx, 1);
	assert_int_equal(ike_engine_status(o->e, 1, &before[0]), 0);
	assert_int_equal(ike_engine_status(o->e, 2, &before[1]), 0);
	/* The starter crashes and comes back knowing nothing. */
	node_restart(s);
	add_pairs(&n, s);
	assert_int_equal(ike_engine_up(s->e, 2, n.now), 0);
	assert_int_equal(ike_engine_up(s->e, 1, n.now), 0);
	net_settle(&n, n.now + 60 * 1000);
	assert_both_tunnels(&n);
	assert_int_equal(ike_engine_counters(o->e)->initial_contact_rx, 2);
	assert_null(find_sa(o, IKE_DIR_IN, before[0].child[0].spi_in));
	assert_null(find_sa(o, IKE_DIR_IN, before[1].child[0].spi_in));
	/* Both carry traffic for as long as we watch. */
	net_settle(&n, n.now + 30 * 60 * 1000);
	assert_both_tunnels(&n);
	net_free(&n);
}

static struct node *node_a(struct net *n)
{
	return &n->a;
}

static struct node *node_b(struct net *n)
{
	return &n->b;
}

static void test_two_tunnels_one_peer(void **state)
{
	(void)state;
	two_tunnels(node_a, false);
	two_tunnels(node_a, true);
	two_tunnels(node_b, false);
	two_tunnels(node_b, true);
}

static struct ike_tunnel *tunnel_of(struct node *x, uint32_t id)
{
	struct ike_tunnel *t;

	for (t = x->e->tunnels; t && t->cfg.id != id; t = t->next)
		;
	assert_non_null(t);
	return t;
}

/*
 * @x asks for tunnel 2's CHILD SA on tunnel 1's IKE SA: a CREATE_CHILD_SA
 * without REKEY_SA whose selectors are tunnel 2's, as charon sends for a
 * second child (or, by reuse_ikesa, a second connection to the peer).
 */
static void ask_hosted(struct node *x)
{
	struct ike_tunnel *t1 = tunnel_of(x, 1);

	assert_non_null(t1->ike);
	assert_int_equal(ike_create_child_for(t1->ike, tunnel_of(x, 2)), 0);
}

/* Both tunnels carry traffic; tunnel 2's CHILD SA rides on tunnel 1's IKE SA. */
static void assert_hosted(struct net *n)
{
	struct ike_tunnel_status s1, s2;
	struct node *x;

	assert_tunnel_pair(n, 1);
	assert_tunnel_pair(n, 2);
	for (x = &n->a; x; x = x == &n->a ? &n->b : NULL) {
		assert_int_equal(ike_sas(x), 1);
		assert_int_equal(live_sas(x), 4);
		assert_int_equal(ike_engine_status(x->e, 1, &s1), 0);
		assert_int_equal(ike_engine_status(x->e, 2, &s2), 0);
		assert_int_equal(s1.ike_tunnel, 1);
		assert_int_equal(s2.ike_tunnel, 1);
		assert_int_equal(s2.spi_i, s1.spi_i);
		assert_int_equal(s2.spi_r, s1.spi_r);
	}
}

/* Tunnel 2 has no CHILD SA and no IKE SA; tunnel 1 carries on. */
static void assert_tunnel2_gone(struct net *n)
{
	struct ike_tunnel_status st;
	struct node *x;

	assert_tunnel_pair(n, 1);
	for (x = &n->a; x; x = x == &n->a ? &n->b : NULL) {
		assert_int_equal(ike_engine_status(x->e, 2, &st), 0);
		assert_int_not_equal(st.state, IKE_TUNNEL_ESTABLISHED);
		assert_int_equal(st.n_children, 0);
		assert_int_equal(live_sas(x), 2);
	}
}

static void hosted_setup(struct net *n)
{
	net_init(n, false);
	add_pairs(n, &n->a);
	add_pairs(n, &n->b);
	assert_int_equal(ike_engine_up(n->a.e, 1, 0), 0);
	net_run(n);
	ask_hosted(&n->a);
	net_run(n);
	assert_hosted(n);
}

/* Let retired inbound SAs go (IKE_CHILD_GRACE_MS). */
static void settle_a_little(struct net *n)
{
	net_settle(n, n->now + 5000);
}

/*
 * The peer asks for tunnel 2's CHILD SA on tunnel 1's IKE SA (charon does,
 * for a second child or connection to the same peer): B takes it for
 * tunnel 2, in tunnel 2's kernel tunnel. Rekeys of both CHILD SAs and of
 * the IKE SA from either end keep it so, as do hours of lifetimes.
 */
static void test_hosted_child_rekeys(void **state)
{
	struct ike_tunnel_status before, after;
	struct net n;

	(void)state;
	hosted_setup(&n);
	assert_int_equal(ike_engine_status(n.b.e, 2, &before), 0);
	assert_int_equal(ike_engine_rekey(n.b.e, 2, false, n.now), 0);
	net_run(&n);
	settle_a_little(&n);
	assert_hosted(&n);
	assert_int_equal(ike_engine_status(n.b.e, 2, &after), 0);
	assert_int_not_equal(after.child[0].spi_in, before.child[0].spi_in);
	assert_int_equal(after.child_rekeys, 1);
	assert_int_equal(ike_engine_rekey(n.a.e, 2, false, n.now), 0);
	assert_int_equal(ike_engine_rekey(n.a.e, 1, false, n.now), 0);
	net_run(&n);
	settle_a_little(&n);
	assert_hosted(&n);
	/* The IKE SA both ride on, rekeyed by either end. */
	assert_int_equal(ike_engine_rekey(n.b.e, 2, true, n.now), 0);
	net_run(&n);
	settle_a_little(&n);
	assert_hosted(&n);
	assert_int_equal(ike_engine_rekey(n.a.e, 1, true, n.now), 0);
	net_run(&n);
	settle_a_little(&n);
	assert_hosted(&n);
	/* Lifetimes: both ends rekey both CHILD SAs and the IKE SA by time. */
	net_settle(&n, n.now + 3 * 3600 * 1000);
	settle_a_little(&n);
	assert_hosted(&n);
	net_free(&n);
}

/*
 * DELETE of the hosted CHILD SA from either end: tunnel 2 loses it, and
 * tunnel 1 carries on; asked for again, it is back. Tunnel 2 never
 * started an IKE SA of its own meanwhile (nobody asked it up).
 */
static void test_hosted_child_deleted(void **state)
{
	struct ike_tunnel_status st;
	struct node *x;
	struct net n;

	(void)state;
	hosted_setup(&n);
	for (x = &n.b; x; x = x == &n.b ? &n.a : NULL) {
		assert_int_equal(ike_engine_status(x->e, 2, &st), 0);
		assert_int_equal(ike_engine_delete_child(x->e, 2,
							 st.child[0].spi_in,
							 n.now), 0);
		net_run(&n);
		settle_a_little(&n);
		assert_tunnel2_gone(&n);
		assert_int_equal(ike_sas(&n.a), 1);
		assert_int_equal(ike_sas(&n.b), 1);
		ask_hosted(&n.a);
		net_run(&n);
		assert_hosted(&n);
	}
	/* A down of tunnel 2 deletes its CHILD SA alone. */
	assert_int_equal(ike_engine_down(n.b.e, 2, n.now), 0);
	net_run(&n);
	settle_a_little(&n);
	assert_tunnel2_gone(&n);
	net_free(&n);
}

/*
 * Tunnel 2 removed (a reload) while B rekeys its hosted CHILD SA: its
 * kernel SAs go, the answer is dropped, and tunnel 1 carries on.
 */
static void test_hosted_tunnel_removed(void **state)
{
	struct ike_tunnel_status st;
	struct net n;
	int i;

	(void)state;
	hosted_setup(&n);
	assert_int_equal(ike_engine_rekey(n.b.e, 2, false, n.now), 0);
	assert_int_equal(ike_engine_remove_tunnel(n.b.e, 2), 0);
	assert_int_equal(ike_engine_status(n.b.e, 2, &st), -ENOENT);
	net_run(&n);
	settle_a_little(&n);
	for (i = 0; i < n.b.k.n; i++)
		assert_false(n.b.k.sa[i].live && n.b.k.sa[i].tunnel == 2);
	assert_int_equal(live_sas(&n.b), 2);
	assert_int_equal(ike_engine_status(n.b.e, 1, &st), 0);
	assert_int_equal(st.state, IKE_TUNNEL_ESTABLISHED);
	assert_int_equal(st.n_children, 1);
	net_settle(&n, n.now + 30 * 60 * 1000);
	assert_int_equal(ike_engine_status(n.b.e, 1, &st), 0);
	assert_int_equal(st.state, IKE_TUNNEL_ESTABLISHED);
	net_free(&n);
}

/*
 * B keeps both tunnels up: up starts no IKE SA for tunnel 2 while its
 * CHILD SA rides on tunnel 1's. When the peer deletes that IKE SA (its
 * daemon restarting), both tunnels come back on IKE SAs of their own.
 */
static void test_hosted_ike_deleted(void **state)
{
	struct net n;

	(void)state;
	hosted_setup(&n);
	assert_int_equal(ike_engine_up(n.b.e, 2, n.now), -EALREADY);
	assert_int_equal(ike_engine_up(n.b.e, 1, n.now), -EALREADY);
	assert_int_equal(ike_engine_on_demand(n.b.e, 2, n.now), -EALREADY);
	assert_int_equal(n.b.nout, 0);
	net_settle(&n, n.now + 60 * 1000);
	assert_hosted(&n);
	assert_int_equal(ike_engine_down(n.a.e, 1, n.now), 0);
	net_run(&n);
	net_settle(&n, n.now + 60 * 1000);
	assert_both_tunnels(&n);
	net_settle(&n, n.now + 30 * 60 * 1000);
	assert_both_tunnels(&n);
	net_free(&n);
}

/*
 * The mirror at once: A asks for tunnel 2's CHILD SA on tunnel 1's IKE
 * SA while B starts tunnel 2 on an IKE SA of its own. Whatever the order
 * of the datagrams, both ends end with one crosswise pair for tunnel 2.
 */
static void hosted_crossing(int order)
{
	struct ike_tunnel_status sa, sb;
	struct net n;
	int i = 0;

	net_init(&n, false);
	add_pairs(&n, &n.a);
	add_pairs(&n, &n.b);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	ask_hosted(&n.a);
	assert_int_equal(ike_engine_up(n.b.e, 2, 0), 0);
	while (n.a.nout || n.b.nout) {
		assert_true(i++ < 200);
		if (n.a.nout && (order != 2 || !n.b.nout))
			net_step(&n, &n.a, false);
		if (n.b.nout && (order != 1 || !n.a.nout))
			net_step(&n, &n.b, false);
	}
	net_settle(&n, 60 * 1000);
	assert_tunnel_pair(&n, 1);
	assert_tunnel_pair(&n, 2);
	assert_int_equal(live_sas(&n.a), 4);
	assert_int_equal(live_sas(&n.b), 4);
	net_settle(&n, 30 * 60 * 1000);
	assert_tunnel_pair(&n, 1);
	assert_tunnel_pair(&n, 2);
	assert_int_equal(ike_engine_status(n.a.e, 2, &sa), 0);
	assert_int_equal(ike_engine_status(n.b.e, 2, &sb), 0);
	assert_int_equal(sa.ike_tunnel, sb.ike_tunnel);
	net_free(&n);
}

static void test_hosted_crossing(void **state)
{
	(void)state;
	hosted_crossing(0);
	hosted_crossing(1);
	hosted_crossing(2);
}

/* Selectors no tunnel between these identities has: TS_UNACCEPTABLE. */
static void test_hosted_unknown_ts(void **state)
{
	struct ike_tunnel *t2;
	struct net n;

	(void)state;
	hosted_setup(&n);
	/* B has no third subnet pair: A's tunnel 2 asks with others. */
	t2 = tunnel_of(&n.a, 2);
	assert_int_equal(ike_ts_parse(&t2->cfg.local_ts.ts[0], "10.21.0.0/16"),
			 0);
	assert_int_equal(ike_ts_parse(&t2->cfg.remote_ts.ts[0], "10.22.0.0/16"),
			 0);
	ask_hosted(&n.a);
	net_run(&n);
	assert_true(logged(&n.b, "TS_UNACCEPTABLE: new CHILD SA for TSi "
			   "10.21.0.0/16 TSr 10.22.0.0/16 refused: no tunnel "
			   "between these identities has such selectors"));
	assert_int_equal(live_sas(&n.b), 4);
	/* Tunnel 1's selectors again, while it has its CHILD SA. */
	assert_int_equal(ike_create_child_for(tunnel_of(&n.a, 1)->ike,
					      tunnel_of(&n.a, 1)), 0);
	net_run(&n);
	assert_true(logged(&n.b, "NO_ADDITIONAL_SAS: new CHILD SA for TSi "
			   "10.1.0.0/16 TSr 10.2.0.0/16 refused: tunnel 1 "
			   "'to-a-1' has its CHILD SA, and one with these "
			   "selectors or 7 more"));
	assert_int_equal(live_sas(&n.b), 4);
	net_free(&n);
}

static void established(struct net *n)
{
	setup(n);
	assert_int_equal(ike_engine_up(n->a.e, 1, 0), 0);
	net_run(n);
	assert_converged(n);
}

/* @by deletes the tunnel's only CHILD SA; a new pair follows by itself. */
static void peer_deletes_child(bool by_a)
{
	struct ike_tunnel_status st;
	struct net n;
	struct node *x;

	established(&n);
	x = by_a ? &n.a : &n.b;
	status(x, &st);
	assert_int_equal(ike_engine_delete_child(x->e, 1, st.child[0].spi_in,
						 0), 0);
	net_run(&n);
	net_settle(&n, 60 * 1000);
	assert_converged(&n);
	net_settle(&n, 12 * 3600 * 1000);
	assert_converged(&n);
	net_free(&n);
}

static void test_childless_peer_delete(void **state)
{
	(void)state;
	peer_deletes_child(true);
	peer_deletes_child(false);
}

/* Our rekey learns the peer has no such CHILD SA (CHILD_SA_NOT_FOUND). */
static void test_childless_not_found(void **state)
{
	struct ike_tunnel_status a;
	struct ike_sa *sb;
	struct net n;

	(void)state;
	established(&n);
	status(&n.a, &a);
	sb = n.b.e->tunnels->ike;
	ike_child_destroy(sb, sb->children);
	assert_int_equal(ike_engine_rekey(n.a.e, 1, false, 0), 0);
	net_settle(&n, 60 * 1000);
	assert_converged(&n);
	net_free(&n);
}

/* Both lost the CHILD SA without a word: a refresh makes a new one. */
static void refresh_childless(bool by_a)
{
	struct ike_sa *sa, *sb;
	struct node *x;
	struct net n;

	established(&n);
	x = by_a ? &n.a : &n.b;
	sa = n.a.e->tunnels->ike;
	sb = n.b.e->tunnels->ike;
	ike_child_destroy(sa, sa->children);
	ike_child_destroy(sb, sb->children);
	assert_int_equal(live_sas(&n.a), 0);
	/* Not "rekeying" with nothing to rekey: a new CHILD SA, now. */
	assert_int_equal(ike_engine_rekey(x->e, 1, false, 0), 0);
	assert_int_equal(x->nout, 1);
	net_run(&n);
	assert_converged(&n);
	net_free(&n);
}

static void test_childless_refresh(void **state)
{
	(void)state;
	refresh_childless(true);
	refresh_childless(false);
}

/*
 * The peer's daemon stops (a DELETE of the IKE SA) and comes back without
 * state and without starting the tunnel itself: ours is at-start (up), so
 * it negotiates again by itself.
 */
static void test_at_start_peer_restart(void **state)
{
	struct ike_tunnel_config cb;
	struct ike_tunnel_status st;
	struct net n;

	(void)state;
	established(&n);
	assert_int_equal(ike_engine_down(n.b.e, 1, 0), 0);
	net_run(&n);
	assert_int_equal(ike_sas(&n.a), 0);
	node_restart(&n.b);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	assert_int_equal(ike_engine_add_tunnel(n.b.e, &cb), 0);
	status(&n.a, &st);
	assert_true(st.retry_in_ms <= 2000);
	net_settle(&n, 60 * 1000);
	assert_converged(&n);
	net_free(&n);
}

/* When @x sent each IKE_SA_INIT to a silent peer, and gave up. */
static void silent_times(ike_time_t *at, int n_at, uint64_t seed)
{
	struct ike_engine_config ec;
	struct net n;
	int i = 0;

	ike_engine_config_defaults(&ec);
	harness_rng_seed(seed);
	net_init_ex(&n, false, &ec);
	setup_tunnels(&n);
	assert_int_equal(ike_engine_up(n.b.e, 1, 0), 0);
	at[i++] = 0;
	while (i < n_at) {
		ike_time_t next = ike_engine_next_timeout(n.b.e);

		ike_engine_tick(n.b.e, next);
		if (n.b.nout) {
			n.b.nout = 0;
			at[i++] = next;
		}
	}
	/* Then it gives up, and the retry after the failure is set. */
	while (ike_sas(&n.b))
		ike_engine_tick(n.b.e, ike_engine_next_timeout(n.b.e));
	status(&n.b, &st_silent);
	net_free(&n);
	harness_rng_seed(0);
}

/*
 * Retransmissions, the retry after a failure and a dead peer's restart are
 * spread by up to timer-jitter (10 % by default) below their nominal
 * time, from the engine's random source: reproducible when a test injects
 * one, never two gateways in lockstep.
 */
static void test_timer_jitter(void **state)
{
	static const ike_time_t nominal[] = { 0, 1000, 3000, 7000, 15000 };
	ike_time_t a[5], b[5], c[5], gap;
	bool differs = false;
	int i;

	(void)state;
	silent_times(a, 5, 1);
	silent_times(b, 5, 1);
	silent_times(c, 5, 2);
	assert_memory_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, c, sizeof(a));
	for (i = 1; i < 5; i++) {
		gap = a[i] - a[i - 1];
		assert_true(gap <= nominal[i] - nominal[i - 1]);
		assert_true(gap * 100 >= (nominal[i] - nominal[i - 1]) * 90);
		differs |= gap != nominal[i] - nominal[i - 1];
	}
	assert_true(differs);
	/* The retry after giving up: at most 1 s, at least 0.9 s. */
	assert_true(st_silent.retry_in_ms <= 1000);
	assert_true(st_silent.retry_in_ms >= 900);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crossing_initial_contact),
		cmocka_unit_test(test_crossing_without_initial_contact),
		cmocka_unit_test(test_crossing_first_init_lost),
		cmocka_unit_test(test_reauth_replacement_rekeyed),
		cmocka_unit_test(test_down_up_delete_waits),
		cmocka_unit_test(test_down_behind_dead_peer),
		cmocka_unit_test(test_reauth_and_rekey),
		cmocka_unit_test(test_two_tunnels_one_peer),
		cmocka_unit_test(test_hosted_child_rekeys),
		cmocka_unit_test(test_hosted_child_deleted),
		cmocka_unit_test(test_hosted_ike_deleted),
		cmocka_unit_test(test_hosted_crossing),
		cmocka_unit_test(test_hosted_tunnel_removed),
		cmocka_unit_test(test_hosted_unknown_ts),
		cmocka_unit_test(test_childless_peer_delete),
		cmocka_unit_test(test_childless_not_found),
		cmocka_unit_test(test_childless_refresh),
		cmocka_unit_test(test_at_start_peer_restart),
		cmocka_unit_test(test_timer_jitter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
