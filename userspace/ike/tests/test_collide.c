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
#include "ike_msg.h"
#include "ike_sa.h"

#define DEF_IKE "aes256gcm16-prfsha384-ecp384"
#define DEF_ESP "aes256gcm16"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crossing_initial_contact),
		cmocka_unit_test(test_crossing_without_initial_contact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
