// SPDX-License-Identifier: GPL-2.0
/*
 * Probes (ike_engine_probe()): one IKE_SA_INIT under a fresh SPI, its
 * answer classified (proposal chosen, NO_PROPOSAL_CHOSEN, COOKIE,
 * INVALID_KE), NAT detection read from it, silence after the timeout,
 * and neither side's tunnel touched: SAs, state and failures as before,
 * the peer's half-open SA expiring without a word on its tunnel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ike_sa.h"

#define DEF_IKE "aes256gcm16-prfsha384-ecp384"
#define DEF_ESP "aes256gcm16"

static uint16_t port(const struct sockaddr_storage *ss)
{
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static void result(struct node *x, uint32_t id, struct ike_probe_result *r)
{
	assert_int_equal(ike_engine_probe_result(x->e, id, r), 0);
}

/* A probes tunnel 1 on @p; B's answer after 12 ms of virtual time. */
static void probe(struct net *n, uint16_t p, struct ike_probe_result *r)
{
	uint32_t id;

	assert_int_equal(ike_engine_probe(n->a.e, 1, p, 3000, n->now, &id), 0);
	result(&n->a, id, r);
	assert_int_equal(r->state, IKE_PROBE_WAITING);
	assert_int_equal(n->a.nout, 1);
	net_step(n, &n->a, false);
	n->now += 12;
	net_run(n);
	result(&n->a, id, r);
	ike_engine_probe_forget(n->a.e, id);
	assert_int_equal(ike_engine_probe_result(n->a.e, id,
				&(struct ike_probe_result){ 0 }), -ENOENT);
}

static void probe_keep(struct net *n, uint16_t p, struct ike_probe_result *r)
{
	uint32_t id;

	assert_int_equal(ike_engine_probe(n->a.e, 1, p, 3000, n->now, &id), 0);
	net_step(n, &n->a, false);
	n->now += 12;
	net_run(n);
	result(&n->a, id, r);
	ike_engine_probe_forget(n->a.e, id);
}

static void status(struct node *x, struct ike_tunnel_status *st)
{
	assert_int_equal(ike_engine_status(x->e, 1, st), 0);
}

/*
 * Established tunnel: the probe on 500 and on 4500 gets the proposal the
 * peer chose and "no NAT"; afterwards both tunnels have the same SAs, no
 * failure, and B's half-open SA expires without touching its tunnel.
 */
static void test_probe_established(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status a0, b0, a1, b1;
	struct ike_probe_result r;
	struct net n;
	int sas_b, k;

	(void)state;

	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_up(n.a.e, 1, 0), 0);
	net_run(&n);
	assert_crosswise(&n);
	status(&n.a, &a0);
	status(&n.b, &b0);
	sas_b = ike_sas(&n.b);

	probe_keep(&n, 500, &r);
	assert_int_equal(r.state, IKE_PROBE_ANSWERED);
	assert_int_equal(r.answer, IKE_PROBE_CHOSEN);
	assert_string_equal(r.chosen, "aes256gcm16-prfsha384-ecp384");
	assert_int_equal(r.rtt_ms, 12);
	assert_int_equal(port(&r.local), 500);
	assert_int_equal(port(&r.remote), 500);
	assert_true(r.natd);
	assert_false(r.nat_here || r.nat_there);
	/* B keeps a half-open SA for it, and nothing else. */
	assert_int_equal(ike_sas(&n.b), sas_b + 1);

	probe_keep(&n, IKE_NATT_PORT, &r);
	assert_int_equal(r.state, IKE_PROBE_ANSWERED);
	assert_int_equal(r.answer, IKE_PROBE_CHOSEN);
	assert_int_equal(port(&r.remote), IKE_NATT_PORT);
	assert_true(r.natd && !r.nat_here && !r.nat_there);

	status(&n.a, &a1);
	status(&n.b, &b1);
	assert_int_equal(a1.state, IKE_TUNNEL_ESTABLISHED);
	assert_int_equal(b1.state, IKE_TUNNEL_ESTABLISHED);
	assert_true(a1.spi_i == a0.spi_i && a1.spi_r == a0.spi_r);
	assert_true(b1.spi_i == b0.spi_i && b1.spi_r == b0.spi_r);
	assert_int_equal(a1.child[0].spi_in, a0.child[0].spi_in);
	assert_int_equal(b1.child[0].spi_out, b0.child[0].spi_out);
	/* The half-open SAs time out (30 s): no failure on the tunnel. */
	net_settle(&n, 40000);
	assert_int_equal(ike_sas(&n.b), sas_b);
	status(&n.b, &b1);
	assert_int_equal(b1.state, IKE_TUNNEL_ESTABLISHED);
	assert_string_equal(b1.last_failure, "");
	assert_true(b1.spi_i == b0.spi_i);
	for (k = 0; k < IKE_FAIL_MAX; k++)
		assert_int_equal(b1.failures[k] + a1.failures[k], 0);
	assert_crosswise(&n);
	net_free(&n);
}

/* Answers that refuse: NO_PROPOSAL_CHOSEN, INVALID_KE, a COOKIE. */
static void test_probe_refusals(void **state)
{
	struct ike_engine_config eb;
	struct ike_tunnel_config ca, cb;
	struct ike_tunnel_status sa;
	struct ike_probe_result r;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, "aes128-sha256-modp2048", DEF_ESP);
	net_add(&n, &ca, &cb);
	probe(&n, 500, &r);
	assert_int_equal(r.state, IKE_PROBE_ANSWERED);
	assert_int_equal(r.answer, IKE_PROBE_REFUSED);
	assert_int_equal(r.notify, IKE_N_NO_PROPOSAL_CHOSEN);
	/* Our tunnel is idle and stays so: a probe is no attempt. */
	status(&n.a, &sa);
	assert_int_equal(sa.state, IKE_TUNNEL_IDLE);
	assert_string_equal(sa.last_failure, "");
	net_free(&n);

	/* We offer ecp384 first and ecp256 too; B takes only ecp256. */
	net_init(&n, false);
	cfg_site(&ca, true, false, "aes256gcm16-prfsha384-ecp384-ecp256",
		 DEF_ESP);
	cfg_site(&cb, false, false, "aes256gcm16-prfsha384-ecp256", DEF_ESP);
	net_add(&n, &ca, &cb);
	probe(&n, 500, &r);
	assert_int_equal(r.answer, IKE_PROBE_INVALID_KE);
	assert_int_equal(r.group, 19);
	net_free(&n);

	/* B demands cookies from the first half-open SA on. */
	ike_engine_config_defaults(&eb);
	eb.cookie_threshold = 0;
	eb.timer_jitter_pct = 0;
	net_init_ex(&n, false, &eb);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	net_add(&n, &ca, &cb);
	probe(&n, 500, &r);
	assert_int_equal(r.answer, IKE_PROBE_COOKIE);
	assert_int_equal(ike_sas(&n.b), 0);
	net_free(&n);
}

/* Nothing comes back: silent at the timeout, not before. */
static void test_probe_silent(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_probe_result r;
	struct net n;
	uint32_t id;

	(void)state;
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	net_add(&n, &ca, &cb);
	assert_int_equal(ike_engine_probe(n.a.e, 1, 500, 3000, 0, &id), 0);
	assert_int_equal(ike_engine_next_timeout(n.a.e) <= 3000, true);
	net_step(&n, &n.a, true);
	net_settle(&n, 2999);
	result(&n.a, id, &r);
	assert_int_equal(r.state, IKE_PROBE_WAITING);
	net_settle(&n, 3000);
	result(&n.a, id, &r);
	assert_int_equal(r.state, IKE_PROBE_SILENT);
	assert_int_equal(r.timeout_ms, 3000);
	ike_engine_probe_forget(n.a.e, id);
	/* Unknown tunnels and bad arguments. */
	assert_int_equal(ike_engine_probe(n.a.e, 9, 500, 3000, 0, &id),
			 -ENOENT);
	assert_int_equal(ike_engine_probe(n.a.e, 1, 0, 3000, 0, &id), -EINVAL);
	assert_int_equal(ike_engine_probe(n.a.e, 1, 500, 0, 0, &id), -EINVAL);
	net_free(&n);
}

/* A behind a NAT: the answer's NAT detection says we are. */
static void test_probe_nat(void **state)
{
	struct ike_tunnel_config ca, cb;
	struct ike_probe_result r;
	struct net n;

	(void)state;
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	inet_pton(AF_INET, "203.0.113.5",
		  &((struct sockaddr_in *)&cb.remote)->sin_addr);
	net_nat(&n, &n.a, "203.0.113.5", 40000);
	net_add(&n, &ca, &cb);
	probe(&n, 500, &r);
	assert_int_equal(r.answer, IKE_PROBE_CHOSEN);
	assert_true(r.natd && r.nat_here && !r.nat_there);
	net_free(&n);

	/* Without NAT traversal neither side sends NAT detection. */
	net_init(&n, false);
	cfg_site(&ca, true, false, DEF_IKE, DEF_ESP);
	cfg_site(&cb, false, false, DEF_IKE, DEF_ESP);
	ca.nat_traversal = false;
	net_add(&n, &ca, &cb);
	probe(&n, 500, &r);
	assert_int_equal(r.answer, IKE_PROBE_CHOSEN);
	assert_false(r.natd);
	net_free(&n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_established),
		cmocka_unit_test(test_probe_refusals),
		cmocka_unit_test(test_probe_silent),
		cmocka_unit_test(test_probe_nat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
