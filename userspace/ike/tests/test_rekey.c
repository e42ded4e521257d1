// SPDX-License-Identifier: GPL-2.0
/*
 * Rekeying, lifetimes and liveness between two in-process engines: CHILD
 * and IKE SA rekeys in both roles, make-before-break ordering in the fake
 * kernel, collisions (§2.8.1), lost messages, expiry and dead peers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ike_buf.h"
#include "ike_child.h"
#include "ike_msg.h"
#include "ike_sa.h"

#define DEF_IKE "aes256gcm16-prfsha384-ecp384"
#define DEF_ESP "aes256gcm16"

static void setup_cfg(struct net *n, struct ike_tunnel_config *ca,
		      struct ike_tunnel_config *cb)
{
	net_add(n, ca, cb);
	assert_int_equal(ike_engine_up(n->a.e, 1, n->now), 0);
	net_run(n);
	assert_crosswise(n);
}

/* The two sites' default tunnels, to be changed before setup_cfg(). */
static void configs(struct net *n, struct ike_tunnel_config *ca,
		    struct ike_tunnel_config *cb)
{
	net_init(n, false);
	cfg_site(ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(cb, false, false, DEF_IKE, DEF_ESP);
}

static void setup(struct net *n, const char *esp_a, const char *esp_b)
{
	struct ike_tunnel_config ca, cb;

	net_init(n, false);
	cfg_site(&ca, true, false, DEF_IKE, esp_a);
	cfg_site(&cb, false, false, DEF_IKE, esp_b);
	setup_cfg(n, &ca, &cb);
}

static void status(struct node *x, struct ike_tunnel_status *st)
{
	assert_int_equal(ike_engine_status(x->e, 1, st), 0);
}

static uint8_t exchange_of(const struct pkt *p)
{
	return p->data[18];
}

static void tick(struct net *n, ike_time_t t)
{
	n->now = t;
	ike_engine_tick(n->a.e, t);
	ike_engine_tick(n->b.e, t);
}

/* Everything delivered, and the replaced inbound SAs' grace over. */
static void settle(struct net *n)
{
	net_run(n);
	tick(n, n->now + IKE_CHILD_GRACE_MS);
	net_run(n);
}

/* The SAs the kernel ever saw added, and how many it was asked to delete. */
static void assert_kernel(const struct node *x, int added, int deleted)
{
	assert_int_equal(x->k.n, added);
	assert_int_equal(x->k.dels, deleted);
}

static void test_child_rekey_make_before_break(void **state)
{
	struct ike_tunnel_status a0, b0, a1, b1;
	struct net n;

	(void)state;
	setup(&n, DEF_ESP, DEF_ESP);
	status(&n.a, &a0);
	status(&n.b, &b0);
	n.now = 1000;
	assert_int_equal(ike_engine_rekey(n.a.e, 1, false, n.now), 0);
	assert_int_equal(ike_engine_rekey(n.a.e, 1, false, n.now), -EALREADY);
	assert_int_equal(n.a.nout, 1);
	assert_int_equal(exchange_of(&n.a.out[0]), IKE_CREATE_CHILD_SA);

	/* B answers: new inbound in, still sending on the old outbound. */
	net_step(&n, &n.a, false);
	assert_kernel(&n.b, 3, 0);
	assert_int_equal(n.b.k.sa[2].dir, IKE_DIR_IN);
	assert_non_null(find_sa(&n.b, IKE_DIR_OUT, b0.child[0].spi_out));
	/* A installs both halves, switches, and deletes the old pair. */
	net_step(&n, &n.b, false);
	assert_kernel(&n.a, 4, 0);
	assert_null(find_sa(&n.a, IKE_DIR_OUT, a0.child[0].spi_out));
	assert_non_null(find_sa(&n.a, IKE_DIR_IN, a0.child[0].spi_in));
	assert_int_equal(exchange_of(&n.a.out[0]), IKE_INFORMATIONAL);
	status(&n.a, &a1);
	assert_int_equal(a1.n_children, 2);
	/* B switches on the DELETE; the old inbound SAs linger a while. */
	net_step(&n, &n.a, false);
	assert_kernel(&n.b, 4, 0);
	assert_null(find_sa(&n.b, IKE_DIR_OUT, b0.child[0].spi_out));
	net_step(&n, &n.b, false);
	assert_kernel(&n.a, 4, 0);
	assert_int_equal(n.a.nout + n.b.nout, 0);
	assert_int_equal(ike_engine_next_timeout(n.a.e),
			 1000 + IKE_CHILD_GRACE_MS);
	tick(&n, 1000 + IKE_CHILD_GRACE_MS - 1);
	assert_kernel(&n.a, 4, 0);
	tick(&n, 1000 + IKE_CHILD_GRACE_MS);
	assert_kernel(&n.a, 4, 1);
	assert_kernel(&n.b, 4, 1);

	assert_crosswise(&n);
	status(&n.a, &a1);
	status(&n.b, &b1);
	assert_int_not_equal(a1.child[0].spi_in, a0.child[0].spi_in);
	assert_int_not_equal(a1.child[0].spi_out, a0.child[0].spi_out);
	assert_int_equal(a1.spi_i, a0.spi_i);
	assert_int_equal(a1.child_rekeys, 1);
	assert_int_equal(b1.child_rekeys, 1);
	assert_int_equal(a1.child[0].generation, 2);
	assert_int_equal(b1.child[0].generation, 2);
	assert_int_equal(a1.collisions, 0);
	/* Keys differ from the first generation's. */
	assert_memory_not_equal(n.a.k.sa[3].ek, n.a.k.sa[1].ek, 32);

	/* The responder can rekey too, and again. */
	assert_int_equal(ike_engine_rekey(n.b.e, 1, false, n.now), 0);
	settle(&n);
	assert_crosswise(&n);
	status(&n.a, &a1);
	assert_int_equal(a1.child_rekeys, 2);
	assert_int_equal(a1.child[0].generation, 3);
	net_free(&n);
}

static void test_child_rekey_pfs_invalid_ke(void **state)
{
	struct ike_tunnel_status a;
	struct net n;

	(void)state;
	/* A prefers ecp256, B takes only modp2048: one INVALID_KE round. */
	setup(&n, "aes128gcm16-ecp256-modp2048", "aes128gcm16-modp2048");
	assert_int_equal(ike_engine_rekey(n.a.e, 1, false, 0), 0);
	assert_int_equal(net_run(&n), 3);
	settle(&n);
	assert_crosswise(&n);
	status(&n.a, &a);
	assert_string_equal(a.child[0].algs, "aes128gcm16-modp2048");
	assert_int_equal(a.child_rekeys, 1);
	assert_int_equal(a.child[0].generation, 2);
	net_free(&n);
}

static void test_child_rekey_collision(void **state)
{
	struct ike_tunnel_status a, b;
	struct net n;

	(void)state;
	setup(&n, DEF_ESP, DEF_ESP);
	assert_int_equal(ike_engine_rekey(n.a.e, 1, false, 0), 0);
	assert_int_equal(ike_engine_rekey(n.b.e, 1, false, 0), 0);
	/* Each request reaches the other side before any answer. */
	net_step(&n, &n.a, false);
	net_step(&n, &n.b, false);
	settle(&n);
	assert_crosswise(&n);
	status(&n.a, &a);
	status(&n.b, &b);
	assert_int_equal(a.collisions, 1);
	assert_int_equal(b.collisions, 1);
	assert_int_equal(a.child_rekeys, 1);
	assert_int_equal(b.child_rekeys, 1);
	/* Three inbound SAs were made on each side; one pair survives. */
	assert_int_equal(live_sas(&n.a), 2);
	assert_int_equal(live_sas(&n.b), 2);
	net_free(&n);
}

/*
 * B rekeys the CHILD SA; A answers, and a moment later (its answer still
 * on the way) A's own rekey time for the old SA comes: the kernel's soft
 * expiry. A has rekeyed nothing, but the peer has: the old SA only waits
 * for B's DELETE, and is not rekeyed again. Rekeying it made a second new
 * pair that B, which saw a collision where A saw none, expected A to
 * delete: two CHILD SAs for good (simulation seed 511039).
 */
static void test_child_rekey_after_peer(void **state)
{
	struct ike_tunnel_status a, b;
	struct net n;

	(void)state;
	setup(&n, DEF_ESP, DEF_ESP);
	status(&n.a, &a);
	assert_int_equal(ike_engine_rekey(n.b.e, 1, false, 0), 0);
	net_step(&n, &n.b, false);
	assert_int_equal(n.a.nout, 1);
	ike_engine_sa_expired(n.a.e, 1, IKE_DIR_IN, a.child[0].spi_in, false,
			      10);
	/* Should A send anything, it overtakes A's answer. */
	if (n.a.nout == 2) {
		static struct pkt p;

		p = n.a.out[0];
		n.a.out[0] = n.a.out[1];
		n.a.out[1] = p;
	}
	settle(&n);
	net_settle(&n, 60 * 1000);
	assert_int_equal(ike_sas(&n.a), 1);
	assert_crosswise(&n);
	status(&n.a, &a);
	status(&n.b, &b);
	assert_int_equal(a.child_rekeys, 1);
	assert_int_equal(b.child_rekeys, 1);
	assert_int_equal(a.collisions, 0);
	assert_int_equal(b.collisions, 0);
	net_free(&n);
}

static void test_child_rekey_lost_messages(void **state)
{
	struct ike_tunnel_status a;
	struct net n;

	(void)state;
	setup(&n, DEF_ESP, DEF_ESP);
	assert_int_equal(ike_engine_rekey(n.a.e, 1, false, 0), 0);
	net_step(&n, &n.a, true);		/* request lost */
	tick(&n, 1000);
	assert_int_equal(n.a.nout, 1);
	net_step(&n, &n.a, false);
	net_step(&n, &n.b, true);		/* response lost */
	tick(&n, 3000);
	net_step(&n, &n.a, false);		/* answered from the cache */
	assert_int_equal(ike_engine_counters(n.b.e)->answered_from_cache, 1);
	settle(&n);
	assert_crosswise(&n);
	/* B made exactly one new inbound SA and one outbound. */
	assert_kernel(&n.b, 4, 1);
	status(&n.a, &a);
	assert_int_equal(a.child_rekeys, 1);
	net_free(&n);
}

static void test_ike_rekey(void **state)
{
	struct ike_tunnel_status a0, a1, b1;
	struct net n;

	(void)state;
	setup(&n, DEF_ESP, DEF_ESP);
	status(&n.a, &a0);
	assert_int_equal(a0.generation, 1);
	assert_int_equal(ike_engine_rekey(n.a.e, 1, true, 0), 0);
	settle(&n);
	assert_crosswise(&n);
	status(&n.a, &a1);
	status(&n.b, &b1);
	assert_int_not_equal(a1.spi_i, a0.spi_i);
	assert_int_not_equal(a1.spi_r, a0.spi_r);
	assert_int_equal(a1.generation, 2);
	assert_int_equal(b1.generation, 2);
	assert_int_equal(a1.ike_rekeys, 1);
	assert_int_equal(b1.ike_rekeys, 1);
	/* The data plane was not touched. */
	assert_int_equal(a1.child[0].spi_in, a0.child[0].spi_in);
	assert_kernel(&n.a, 2, 0);
	assert_kernel(&n.b, 2, 0);

	/* B, the old responder, rekeys the new SA; then a CHILD rekey. */
	assert_int_equal(ike_engine_rekey(n.b.e, 1, true, 0), 0);
	settle(&n);
	assert_crosswise(&n);
	status(&n.b, &b1);
	assert_true(b1.initiator);
	assert_int_equal(b1.generation, 3);
	assert_int_equal(ike_engine_rekey(n.a.e, 1, false, 0), 0);
	settle(&n);
	assert_crosswise(&n);
	net_free(&n);
}

static void test_ike_rekey_collision(void **state)
{
	struct ike_tunnel_status a, b;
	struct net n;

	(void)state;
	setup(&n, DEF_ESP, DEF_ESP);
	assert_int_equal(ike_engine_rekey(n.a.e, 1, true, 0), 0);
	assert_int_equal(ike_engine_rekey(n.b.e, 1, true, 0), 0);
	net_step(&n, &n.a, false);
	net_step(&n, &n.b, false);
	settle(&n);
	assert_crosswise(&n);
	status(&n.a, &a);
	status(&n.b, &b);
	assert_int_equal(a.collisions, 1);
	assert_int_equal(b.collisions, 1);
	assert_int_equal(a.generation, 2);
	/* Only the surviving IKE SA is left on either side. */
	assert_int_equal(ike_engine_rekey(n.a.e, 1, false, 0), 0);
	settle(&n);
	assert_crosswise(&n);
	assert_kernel(&n.a, 4, 1);
	net_free(&n);
}

/* A rekey asked for while another exchange runs waits for it. */
static void test_rekey_queued(void **state)
{
	struct ike_tunnel_status a;
	struct net n;

	(void)state;
	setup(&n, DEF_ESP, DEF_ESP);
	assert_int_equal(ike_engine_rekey(n.a.e, 1, true, 0), 0);
	assert_int_equal(ike_engine_rekey(n.a.e, 1, false, 0), 0);
	assert_int_equal(n.a.nout, 1);
	settle(&n);
	assert_crosswise(&n);
	status(&n.a, &a);
	assert_int_equal(a.ike_rekeys, 1);
	assert_int_equal(a.child_rekeys, 1);
	net_free(&n);
}

static void lifetimes(struct ike_tunnel_config *c, uint32_t soft)
{
	c->child_soft_s = soft;
	c->child_hard_s = soft + 10;
	c->rekey_jitter_s = 0;
}

static void test_rekey_by_time_and_event(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status a;
	struct net n;

	(void)state;
	configs(&n, &ca, &cb);
	lifetimes(&ca, 20);
	lifetimes(&cb, 30);
	setup_cfg(&n, &ca, &cb);
	status(&n.a, &a);
	assert_int_equal(a.child[0].rekey_in_ms, 20000);
	assert_int_equal(ike_engine_next_timeout(n.a.e), 20000);
	tick(&n, 20000);
	assert_int_equal(n.a.nout, 1);
	settle(&n);
	assert_crosswise(&n);
	status(&n.a, &a);
	assert_int_equal(a.child_rekeys, 1);
	assert_int_equal(a.child[0].rekey_in_ms, 20000 - IKE_CHILD_GRACE_MS);

	/* The kernel's soft event (bytes, packets) rekeys as well, once. */
	assert_int_equal(ike_engine_sa_expired(n.b.e, 1, IKE_DIR_IN,
					       a.child[0].spi_out, false,
					       n.now), 0);
	assert_int_equal(ike_engine_sa_expired(n.b.e, 1, IKE_DIR_OUT,
					       a.child[0].spi_in, false,
					       n.now), -EALREADY);
	settle(&n);
	assert_crosswise(&n);
	status(&n.a, &a);
	assert_int_equal(a.child_rekeys, 2);
	net_free(&n);
}

/* Identical lifetimes and no jitter: both ends rekey at the same tick. */
static void test_rekey_forced_collision(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status a, b;
	struct net n;

	(void)state;
	configs(&n, &ca, &cb);
	lifetimes(&ca, 10);
	lifetimes(&cb, 10);
	setup_cfg(&n, &ca, &cb);
	tick(&n, 10000);
	assert_int_equal(n.a.nout, 1);
	assert_int_equal(n.b.nout, 1);
	settle(&n);
	assert_crosswise(&n);
	status(&n.a, &a);
	status(&n.b, &b);
	assert_int_equal(a.collisions + b.collisions, 2);
	assert_int_equal(a.child_rekeys, 1);
	net_free(&n);
}

static void test_hard_expiry(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status a;
	struct net n;

	(void)state;
	configs(&n, &ca, &cb);
	ca.auto_refresh = false;
	setup_cfg(&n, &ca, &cb);
	status(&n.a, &a);
	/* The kernel removed the outbound half; the IKE SA goes with it. */
	n.a.k.sa[1].live = false;
	assert_int_equal(ike_engine_sa_expired(n.a.e, 1, IKE_DIR_OUT,
					       a.child[0].spi_out, true, 0), 0);
	assert_int_equal(n.a.nout, 1);
	assert_int_equal(exchange_of(&n.a.out[0]), IKE_INFORMATIONAL);
	net_run(&n);
	assert_state(&n.a, IKE_TUNNEL_IDLE);
	assert_state(&n.b, IKE_TUNNEL_IDLE);
	assert_int_equal(live_sas(&n.a), 0);
	assert_int_equal(live_sas(&n.b), 0);
	/* Traffic brings it back. */
	assert_int_equal(ike_engine_on_demand(n.a.e, 1, 0), 0);
	settle(&n);
	assert_crosswise(&n);
	net_free(&n);
}

static void dead_peer(enum ike_dpd_action action, enum ike_tunnel_state end,
		      int out_after)
{
	static const char *const dead[] = {
		"peer 198.51.100.1:500 unreachable for 36 s (no answer to "
		"liveness check after 5 tries), restarting",
		"peer 198.51.100.1:500 unreachable for 36 s (no answer to "
		"liveness check after 5 tries), SAs removed; the next packet "
		"negotiates anew",
		"peer 198.51.100.1:500 unreachable for 36 s (no answer to "
		"liveness check after 5 tries), SAs removed and held until "
		"'sgwctl up'",
	};
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status a;
	ike_time_t t;
	struct net n;

	configs(&n, &ca, &cb);
	ca.dpd_delay_ms = 5000;
	ca.dpd_action = action;
	setup_cfg(&n, &ca, &cb);
	/* A live peer answers the check. */
	assert_int_equal(ike_engine_next_timeout(n.a.e), 5000);
	tick(&n, 5000);
	assert_int_equal(n.a.nout, 1);
	assert_int_equal(exchange_of(&n.a.out[0]), IKE_INFORMATIONAL);
	net_run(&n);
	assert_int_equal(ike_engine_next_timeout(n.a.e), 10000);
	/* Then it goes silent. */
	for (t = 10000; t <= 41000; t = ike_engine_next_timeout(n.a.e)) {
		tick(&n, t);
		if (t == 41000)
			break;
		while (n.a.nout)
			net_step(&n, &n.a, true);
	}
	assert_int_equal(t, 41000);
	status(&n.a, &a);
	assert_string_equal(a.last_failure, dead[action]);
	assert_int_equal(a.liveness_failures, 1);
	assert_int_equal(live_sas(&n.a), 0);
	assert_int_equal(a.state, end);
	assert_int_equal(n.a.nout, out_after);
	if (action == IKE_DPD_HOLD) {
		assert_true(a.held);
		assert_int_equal(ike_engine_on_demand(n.a.e, 1, 41000), -EPERM);
		assert_int_equal(ike_engine_up(n.a.e, 1, 41000), 0);
	} else if (action == IKE_DPD_CLEAR) {
		assert_int_equal(ike_engine_on_demand(n.a.e, 1, 41000), 0);
	}
	net_free(&n);
}

static void test_dpd_restart(void **state)
{
	(void)state;
	/* A new IKE_SA_INIT is out at once. */
	dead_peer(IKE_DPD_RESTART, IKE_TUNNEL_CONNECTING, 1);
}

static void test_dpd_clear(void **state)
{
	(void)state;
	dead_peer(IKE_DPD_CLEAR, IKE_TUNNEL_FAILED, 0);
}

static void test_dpd_hold(void **state)
{
	(void)state;
	dead_peer(IKE_DPD_HOLD, IKE_TUNNEL_FAILED, 0);
}

/* A tunnel that should be up retries a silent peer with growing delays. */
static void test_retry_backoff(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status a;
	struct net n;

	(void)state;
	configs(&n, &ca, &cb);
	ca.retrans_tries = 2;
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_step(&n, &n.a, true);
	tick(&n, 1000);
	net_step(&n, &n.a, true);
	tick(&n, 3000);			/* gives up; retry in 1 s */
	status(&n.a, &a);
	assert_int_equal(a.state, IKE_TUNNEL_FAILED);
	assert_int_equal(a.retry_in_ms, 1000);
	tick(&n, 4000);
	assert_int_equal(n.a.nout, 1);
	net_step(&n, &n.a, true);
	tick(&n, 5000);
	net_step(&n, &n.a, true);
	tick(&n, 7000);			/* next retry in 2 s */
	status(&n.a, &a);
	assert_int_equal(a.retry_in_ms, 2000);
	tick(&n, 9000);
	net_run(&n);			/* the peer is back */
	assert_crosswise(&n);
	assert_int_equal(ike_engine_down(n.a.e, 1, 9000), 0);
	net_run(&n);
	status(&n.a, &a);
	assert_int_equal(a.retry_in_ms, IKE_TIME_NEVER);
	net_free(&n);
}

/* reauth = yes: a new IKE SA from IKE_SA_INIT, the old one carries traffic meanwhile. */
static void test_reauth(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status a0, a1, b1;
	struct net n;

	(void)state;
	configs(&n, &ca, &cb);
	ca.reauth = true;
	ca.ike_rekey_s = 10;
	ca.rekey_jitter_s = 0;
	setup_cfg(&n, &ca, &cb);
	status(&n.a, &a0);
	assert_int_equal(a0.rekey_in_ms, 10000);
	tick(&n, 10000);
	assert_int_equal(n.a.nout, 1);
	assert_int_equal(exchange_of(&n.a.out[0]), IKE_SA_INIT);
	/* Through IKE_SA_INIT the old SAs are the tunnel's and carry traffic. */
	net_step(&n, &n.a, false);
	net_step(&n, &n.b, false);
	assert_int_equal(live_sas(&n.a), 2);
	status(&n.a, &a1);
	assert_int_equal(a1.state, IKE_TUNNEL_ESTABLISHED);
	assert_int_equal(a1.spi_i, a0.spi_i);
	/* B answers IKE_AUTH: new inbound in, its outbound waits for the DELETE. */
	net_step(&n, &n.a, false);
	assert_kernel(&n.b, 3, 0);
	assert_non_null(find_sa(&n.b, IKE_DIR_OUT, a0.child[0].spi_in));
	settle(&n);
	assert_crosswise(&n);
	assert_null(find_sa(&n.b, IKE_DIR_OUT, a0.child[0].spi_in));
	status(&n.a, &a1);
	status(&n.b, &b1);
	assert_int_not_equal(a1.spi_i, a0.spi_i);
	assert_int_not_equal(a1.child[0].spi_in, a0.child[0].spi_in);
	assert_int_equal(a1.generation, 2);
	assert_int_equal(b1.generation, 2);
	assert_int_equal(a1.reauths, 1);
	assert_int_equal(b1.reauths, 1);
	assert_int_equal(a1.ike_rekeys, 0);
	/* No INITIAL_CONTACT: B kept its old SA until A deleted it. */
	assert_true(logged(&n.b, "peer 192.0.2.1:500 deleted the IKE SA"));
	assert_kernel(&n.a, 4, 1);
	assert_kernel(&n.b, 4, 1);
	net_free(&n);
}

/* A DELETE for an SPI the peer does not know is answered, and changes nothing there. */
static void test_delete_unknown_spi(void **state)
{
	struct ike_tunnel_status a, b0, b1;
	struct ike_sa *sb;
	struct net n;

	(void)state;
	setup(&n, DEF_ESP, DEF_ESP);
	status(&n.a, &a);
	/* B loses its CHILD SA without telling A (as after a lost DELETE). */
	sb = n.b.e->tunnels->ike;
	ike_child_destroy(sb, sb->children);
	status(&n.b, &b0);
	assert_int_equal(b0.n_children, 0);
	assert_int_equal(ike_engine_delete_child(n.a.e, 1, a.child[0].spi_in, 0), 0);
	net_run(&n);
	status(&n.a, &a);
	status(&n.b, &b1);
	assert_int_equal(a.n_children, 0);
	assert_int_equal(live_sas(&n.a), 0);
	assert_int_equal(b1.state, IKE_TUNNEL_ESTABLISHED);
	assert_int_equal(b1.spi_i, b0.spi_i);
	assert_int_equal(ike_engine_counters(n.b.e)->malformed, 0);
	assert_int_equal(ike_engine_counters(n.a.e)->malformed, 0);
	/* With no CHILD SA left, a refresh makes a new one (test_collide). */
	assert_int_equal(ike_engine_rekey(n.a.e, 1, false, 0), 0);
	assert_int_equal(ike_engine_rekey(n.a.e, 1, false, 0), -EALREADY);
	net_run(&n);
	assert_crosswise(&n);
	net_free(&n);
}

/* Rekey the CHILD SA from @by and check both ends agree on the new pair. */
static void rekey_from(struct net *n, struct node *by, const char *algs)
{
	struct ike_tunnel_status before, st;

	status(&n->a, &before);
	assert_int_equal(ike_engine_rekey(by->e, 1, false, n->now), 0);
	settle(n);
	assert_crosswise(n);
	status(&n->a, &st);
	assert_int_equal(st.child_rekeys, before.child_rekeys + 1);
	assert_true(st.child[0].spi_in != before.child[0].spi_in);
	assert_string_equal(st.child[0].algs, algs);
}

/*
 * Optional PFS (RFC 7296 3.3.6, the NONE key exchange): strongSwan 6 sends
 * every group plus NONE on CHILD rekeys; Libreswan (pfs=yes) a group only.
 * Both roles, on creation (IKE_AUTH: no KE) and on rekeys both ways.
 */
static void pfs(const char *esp_a, const char *esp_b, const char *rekeyed)
{
	struct net n;

	setup(&n, esp_a, esp_b);
	rekey_from(&n, &n.a, rekeyed);
	rekey_from(&n, &n.b, rekeyed);
	net_free(&n);
}

static void test_child_rekey_optional_pfs(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_proposal *p;
	struct net n;

	(void)state;
	/* A peer offering groups and NONE, we configured no group. */
	configs(&n, &ca, &cb);
	p = &ca.esp[0];
	assert_int_equal(ike_proposal_parse(p, IKE_PROTO_ESP,
					    "aes256gcm16-ecp256-modp2048"), 0);
	p->alg[IKE_XF_DH][p->n[IKE_XF_DH]++] =
		(struct ike_prop_alg){ IKE_DH_NONE, 0 };
	setup_cfg(&n, &ca, &cb);
	rekey_from(&n, &n.a, "aes256gcm16");
	rekey_from(&n, &n.b, "aes256gcm16");
	net_free(&n);
	/* The same from the configuration, in either role. */
	pfs("aes256gcm16-ecp256-none", "aes256gcm16", "aes256gcm16");
	pfs("aes256gcm16", "aes256gcm16-ecp256-none", "aes256gcm16");
	/* Libreswan pfs=yes against optional PFS: the group is taken. */
	pfs("aes256gcm16-ecp256", "aes256gcm16-ecp256-none",
	    "aes256gcm16-ecp256");
	pfs("aes256gcm16-none-ecp256", "aes256gcm16-ecp256",
	    "aes256gcm16-ecp256");
}

/*
 * A reload's settings the peer never sees: taken in place, the SAs kept,
 * nothing sent; dead peer detection follows the new delay at once.
 */
static void test_update_in_place(void **state)
{
	struct ike_tunnel_config ca, cb, upd;
	struct ike_tunnel_status before, after;
	struct sockaddr_in *r;
	struct net n;

	(void)state;
	configs(&n, &ca, &cb);
	setup_cfg(&n, &ca, &cb);
	status(&n.a, &before);
	assert_int_equal(ike_engine_next_timeout(n.a.e), 300000);
	upd = ca;
	upd.dpd_delay_ms = 5000;
	upd.child_soft_s = 1800;
	upd.child_hard_s = 2000;
	upd.retrans_tries = 3;
	assert_int_equal(ike_engine_update_tunnel(n.a.e, &upd), 0);
	assert_int_equal(n.a.nout, 0);
	status(&n.a, &after);
	assert_true(after.spi_i == before.spi_i && after.spi_r == before.spi_r);
	assert_int_equal(after.child[0].spi_in, before.child[0].spi_in);
	assert_int_equal(live_sas(&n.a), 2);
	/* The liveness check comes after the new delay. */
	assert_int_equal(ike_engine_next_timeout(n.a.e), 5000);
	tick(&n, 5000);
	assert_int_equal(n.a.nout, 1);
	assert_int_equal(exchange_of(&n.a.out[0]), IKE_INFORMATIONAL);
	net_run(&n);
	assert_crosswise(&n);
	/* What the peer sees cannot change in place. */
	upd = ca;
	upd.n_esp = 1;
	upd.esp[0].n[IKE_XF_ENCR] = 0;
	assert_int_equal(ike_engine_update_tunnel(n.a.e, &upd), -EINVAL);
	upd = ca;
	upd.protect_gateways = true;
	assert_int_equal(ike_engine_update_tunnel(n.a.e, &upd), -EINVAL);
	upd = ca;
	r = (struct sockaddr_in *)&upd.remote;
	r->sin_addr.s_addr ^= htonl(1);
	assert_int_equal(ike_engine_update_tunnel(n.a.e, &upd), -EINVAL);
	upd = ca;
	upd.psk[0] ^= 1;
	assert_int_equal(ike_engine_update_tunnel(n.a.e, &upd), -EINVAL);
	upd = ca;
	upd.id = 7;
	assert_int_equal(ike_engine_update_tunnel(n.a.e, &upd), -ENOENT);
	status(&n.a, &after);
	assert_true(after.spi_i == before.spi_i);
	net_free(&n);
}

static void ts_one(struct ike_ts_list *l, const char *s)
{
	memset(l, 0, sizeof(*l));
	l->n = 1;
	assert_int_equal(ike_ts_parse(&l->ts[0], s), 0);
}

/* The current CHILD SA of @st whose local selectors read @local. */
static const struct ike_child_status *
child_with(const struct ike_tunnel_status *st, const char *local)
{
	const struct ike_child_status *c = NULL;
	char buf[128];
	unsigned int i;

	for (i = 0; i < st->n_children; i++) {
		ike_ts_list_format(&st->child[i].local_ts, buf, sizeof(buf));
		if (!strcmp(buf, local) && !st->child[i].rekeyed) {
			assert_null(c);
			c = &st->child[i];
		}
	}
	assert_non_null(c);
	return c;
}

/* The outbound (or inbound) SA is live in @x's kernel, with own selectors? */
static void assert_live(const struct node *x, enum ike_dir dir, uint32_t spi,
			bool own_ts)
{
	const struct fake_sa *f = find_sa(x, dir, spi);

	assert_non_null(f);
	assert_true(f->live);
	assert_int_equal(f->own_ts, own_ts);
}

/*
 * A second CHILD SA in one tunnel for one subnet pair inside its networks
 * (as strongSwan asks for one child per pair): the responder takes it as
 * an additional CHILD SA with its own selectors in the kernel, beside the
 * tunnel's own; a rekey of it and its DELETE leave the other alone, and
 * the same selectors again are refused.
 */
/*
 * Both ends hold two children, the additional 10.1.1/24 === 10.2.1/24
 * (ea, eb) and the tunnel's own /16s (ma, mb), read from a and b.
 */
static void two_children(struct net *n, struct ike_tunnel_status *a,
			 struct ike_tunnel_status *b,
			 const struct ike_child_status **ea,
			 const struct ike_child_status **eb,
			 const struct ike_child_status **ma,
			 const struct ike_child_status **mb)
{
	status(&n->a, a);
	status(&n->b, b);
	assert_int_equal(a->n_children, 2);
	assert_int_equal(b->n_children, 2);
	*ea = child_with(a, "10.1.1.0/24");
	*eb = child_with(b, "10.2.1.0/24");
	*ma = child_with(a, "10.1.0.0/16");
	*mb = child_with(b, "10.2.0.0/16");
}

static void test_additional_child(void **state)
{
	const struct ike_child_status *ea, *eb, *ma, *mb;
	struct ike_tunnel_status a, b, a0, b0;
	struct ike_ts_list l, r, bad;
	char line[300];
	uint32_t spi;
	struct net n;

	(void)state;
	setup(&n, DEF_ESP, DEF_ESP);
	status(&n.a, &a0);
	status(&n.b, &b0);
	ts_one(&l, "10.1.1.0/24");
	ts_one(&r, "10.2.1.0/24");
	ts_one(&bad, "10.3.0.0/24");
	assert_int_equal(ike_engine_add_child(n.a.e, 1, &l, &bad, n.now), -EINVAL);
	assert_int_equal(ike_engine_add_child(n.a.e, 1, &l, &r, n.now), 0);
	assert_int_equal(ike_engine_add_child(n.a.e, 1, &l, &r, n.now), -EBUSY);
	net_run(&n);
	two_children(&n, &a, &b, &ea, &eb, &ma, &mb);
	assert_int_equal(ea->spi_out, eb->spi_in);
	assert_int_equal(ea->spi_in, eb->spi_out);
	assert_int_equal(ma->spi_in, a0.child[0].spi_in);
	assert_int_equal(mb->spi_out, b0.child[0].spi_out);
	snprintf(line, sizeof(line), "additional CHILD SA in %08x out %08x "
		 "established by the peer: 10.2.1.0/24 === 10.1.1.0/24 (%s)",
		 ntohl(eb->spi_in), ntohl(eb->spi_out), eb->algs);
	assert_true(logged(&n.b, line));
	/* Both pairs in both kernels; only the additional one has selectors. */
	assert_int_equal(live_sas(&n.a), 4);
	assert_int_equal(live_sas(&n.b), 4);
	assert_live(&n.b, IKE_DIR_OUT, eb->spi_out, true);
	assert_live(&n.b, IKE_DIR_IN, eb->spi_in, true);
	assert_live(&n.b, IKE_DIR_OUT, mb->spi_out, false);
	assert_live(&n.a, IKE_DIR_OUT, ea->spi_out, true);
	assert_live(&n.a, IKE_DIR_OUT, ma->spi_out, false);
	assert_int_equal(ike_engine_add_child(n.a.e, 1, &l, &r, n.now), -EEXIST);

	/* B's soft expiry of the additional one rekeys it, with its selectors. */
	spi = eb->spi_in;
	n.now += 1000;
	assert_int_equal(ike_engine_sa_expired(n.b.e, 1, IKE_DIR_IN, spi, false,
					       n.now), 0);
	settle(&n);
	two_children(&n, &a, &b, &ea, &eb, &ma, &mb);
	assert_int_not_equal(eb->spi_in, spi);
	assert_int_equal(ea->spi_out, eb->spi_in);
	assert_int_equal(eb->generation, 3);
	assert_int_equal(ma->spi_in, a0.child[0].spi_in);
	assert_int_equal(mb->spi_in, b0.child[0].spi_in);
	assert_int_equal(live_sas(&n.a), 4);
	assert_int_equal(live_sas(&n.b), 4);
	assert_live(&n.b, IKE_DIR_OUT, eb->spi_out, true);
	assert_live(&n.b, IKE_DIR_OUT, mb->spi_out, false);
	assert_live(&n.a, IKE_DIR_OUT, ea->spi_out, true);
	assert_live(&n.a, IKE_DIR_OUT, ma->spi_out, false);

	/* A deletes it: the tunnel's own CHILD SA stays, nothing is made anew. */
	assert_int_equal(ike_engine_delete_child(n.a.e, 1, ea->spi_in, n.now), 0);
	net_run(&n);
	net_settle(&n, n.now + 60 * 1000);
	assert_crosswise(&n);
	status(&n.a, &a);
	assert_int_equal(a.child[0].spi_in, a0.child[0].spi_in);
	assert_int_equal(a.child[0].spi_out, a0.child[0].spi_out);
	net_free(&n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_child_rekey_make_before_break),
		cmocka_unit_test(test_child_rekey_pfs_invalid_ke),
		cmocka_unit_test(test_child_rekey_collision),
		cmocka_unit_test(test_child_rekey_after_peer),
		cmocka_unit_test(test_child_rekey_lost_messages),
		cmocka_unit_test(test_ike_rekey),
		cmocka_unit_test(test_ike_rekey_collision),
		cmocka_unit_test(test_rekey_queued),
		cmocka_unit_test(test_rekey_by_time_and_event),
		cmocka_unit_test(test_rekey_forced_collision),
		cmocka_unit_test(test_hard_expiry),
		cmocka_unit_test(test_dpd_restart),
		cmocka_unit_test(test_dpd_clear),
		cmocka_unit_test(test_dpd_hold),
		cmocka_unit_test(test_retry_backoff),
		cmocka_unit_test(test_delete_unknown_spi),
		cmocka_unit_test(test_child_rekey_optional_pfs),
		cmocka_unit_test(test_reauth),
		cmocka_unit_test(test_update_in_place),
		cmocka_unit_test(test_additional_child),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
