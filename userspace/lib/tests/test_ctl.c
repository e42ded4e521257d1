// SPDX-License-Identifier: GPL-2.0
/* The control socket protocol: requests, reply round trips, paths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ctl.h"

static void test_requests(void **state)
{
	struct ctl_request r;
	char buf[128];

	(void)state;
	assert_int_equal(ctl_parse_request("up gw1\n", &r), 0);
	assert_int_equal(r.verb, CTL_UP);
	assert_string_equal(r.arg, "gw1");
	assert_int_equal(ctl_parse_request("status\n", &r), 0);
	assert_int_equal(r.verb, CTL_STATUS);
	assert_string_equal(r.arg, "");
	assert_int_equal(ctl_parse_request("refresh", &r), 0);
	assert_int_equal(r.verb, CTL_REFRESH);
	assert_int_equal(ctl_parse_request("reload\n", &r), 0);
	/* up and down need a tunnel, reload takes none, one word only. */
	assert_int_equal(ctl_parse_request("up\n", &r), -1);
	assert_int_equal(ctl_parse_request("down\n", &r), -1);
	assert_int_equal(ctl_parse_request("reload gw\n", &r), -1);
	assert_int_equal(ctl_parse_request("up a b\n", &r), -1);
	assert_int_equal(ctl_parse_request("upx gw\n", &r), -1);
	/* enable and disable name one tunnel too. */
	assert_int_equal(ctl_parse_request("disable 3\n", &r), 0);
	assert_int_equal(r.verb, CTL_DISABLE);
	assert_string_equal(r.arg, "3");
	assert_int_equal(ctl_parse_request("enable gw\n", &r), 0);
	assert_int_equal(r.verb, CTL_ENABLE);
	assert_int_equal(ctl_parse_request("enable\n", &r), -1);
	assert_int_equal(ctl_parse_request("disable\n", &r), -1);
	assert_int_equal(ctl_parse_request("", &r), -1);
	memset(buf, 'a', 100);
	memcpy(buf, "up ", 3);
	buf[100] = '\0';
	assert_int_equal(ctl_parse_request(buf, &r), -1);

	r = (struct ctl_request){ .verb = CTL_DOWN };
	snprintf(r.arg, sizeof(r.arg), "hq");
	assert_int_equal(ctl_format_request(&r, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "down hq\n");
	r = (struct ctl_request){ .verb = CTL_RELOAD };
	ctl_format_request(&r, buf, sizeof(buf));
	assert_string_equal(buf, "reload\n");
	assert_int_equal(ctl_format_request(&r, buf, 4), -1);
}

/* probe MS [TUNNEL]: the wait in bounds; the records round trip. */
static void test_probe(void **state)
{
	struct ctl_reply r = { .ok = true }, back;
	struct ctl_tunnel t = { .id = 4 };
	struct ctl_request q;
	char buf[128], *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(ctl_parse_request("probe 3000 gw\n", &q), 0);
	assert_int_equal(q.verb, CTL_PROBE);
	assert_int_equal(q.ms, 3000);
	assert_string_equal(q.arg, "gw");
	assert_int_equal(ctl_format_request(&q, buf, sizeof(buf)), 14);
	assert_string_equal(buf, "probe 3000 gw\n");
	assert_int_equal(ctl_parse_request("probe 500\n", &q), 0);
	assert_int_equal(q.ms, 500);
	assert_string_equal(q.arg, "");
	ctl_format_request(&q, buf, sizeof(buf));
	assert_string_equal(buf, "probe 500\n");
	assert_int_equal(ctl_parse_request("probe\n", &q), -1);
	assert_int_equal(ctl_parse_request("probe gw\n", &q), -1);
	assert_int_equal(ctl_parse_request("probe 99 gw\n", &q), -1);
	assert_int_equal(ctl_parse_request("probe 60001\n", &q), -1);
	assert_int_equal(ctl_parse_request("probe 3000x gw\n", &q), -1);
	assert_int_equal(ctl_parse_request("probe 3000 a b\n", &q), -1);

	snprintf(t.name, sizeof(t.name), "gw");
	t.n_probes = 2;
	/* Compared whole, padding included: zeroed as the decoder does. */
	memset(t.probe, 0, sizeof(t.probe));
	t.probe[0].port = 500;
	t.probe[0].ms = 12;
	snprintf(t.probe[0].result, sizeof(t.probe[0].result), "answered");
	snprintf(t.probe[0].answer, sizeof(t.probe[0].answer), "chosen");
	snprintf(t.probe[0].detail, sizeof(t.probe[0].detail),
		 "aes256gcm16-prfsha384-x25519");
	snprintf(t.probe[0].nat, sizeof(t.probe[0].nat), "local");
	snprintf(t.probe[0].from, sizeof(t.probe[0].from), "192.0.2.1:500");
	snprintf(t.probe[0].to, sizeof(t.probe[0].to), "192.0.2.2:500");
	t.probe[1].port = 4500;
	t.probe[1].ms = 3000;
	snprintf(t.probe[1].result, sizeof(t.probe[1].result), "silent");
	assert_int_equal(ctl_reply_push(&r, &t), 0);
	f = open_memstream(&out, &len);
	assert_non_null(f);
	assert_int_equal(ctl_encode_reply(f, &r), 0);
	fclose(f);
	assert_int_equal(ctl_decode_reply(out, len, &back), 0);
	assert_int_equal(back.n, 1);
	assert_int_equal(back.v[0].n_probes, 2);
	assert_memory_equal(&back.v[0].probe[0], &t.probe[0],
			    sizeof(t.probe[0]));
	assert_memory_equal(&back.v[0].probe[1], &t.probe[1],
			    sizeof(t.probe[1]));
	free(out);
	ctl_reply_free(&r);
	ctl_reply_free(&back);
}

static struct ctl_tunnel sample(void)
{
	struct ctl_tunnel t;

	memset(&t, 0, sizeof(t));
	t.id = 7;
	snprintf(t.name, sizeof(t.name), "hq");
	snprintf(t.ifname, sizeof(t.ifname), "sgw7");
	t.enabled = true;
	snprintf(t.state, sizeof(t.state), "established");
	snprintf(t.ike_state, sizeof(t.ike_state), "ESTABLISHED");
	t.initiator = true;
	t.spi_i = 0x0123456789abcdefULL;
	t.spi_r = 0xfedcba9876543210ULL;
	t.ike_tunnel = 3;
	snprintf(t.proposal, sizeof(t.proposal), "aes256gcm16-prfsha384-ecp384");
	t.age = 42;
	snprintf(t.peer_id, sizeof(t.peer_id), "fqdn:branch.example");
	snprintf(t.local, sizeof(t.local), "192.0.2.1");
	snprintf(t.remote, sizeof(t.remote), "198.51.100.1");
	snprintf(t.local_id, sizeof(t.local_id), "192.0.2.1");
	snprintf(t.local_why, sizeof(t.local_why), "auto: source of the route "
		 "to 198.51.100.1 via 192.0.2.254 dev eth0");
	snprintf(t.remote_name, sizeof(t.remote_name), "peer.example");
	/* A newline in a value must not split the record. */
	snprintf(t.failure, sizeof(t.failure), "first\nsecond");
	t.n_children = 2;
	t.child[0].spi_in = 0xc0000001;
	t.child[0].spi_out = 0x00000101;
	t.child[0].age = 3;
	snprintf(t.child[0].algs, sizeof(t.child[0].algs), "aes256gcm16");
	snprintf(t.child[0].local_ts, sizeof(t.child[0].local_ts), "10.1.0.0/24,fd01::/64");
	snprintf(t.child[0].remote_ts, sizeof(t.child[0].remote_ts), "10.2.0.0/24");
	t.child[1].spi_in = 0xffffffff;
	t.child[1].spi_out = 0x100;
	snprintf(t.child[1].algs, sizeof(t.child[1].algs), "aes128-sha256 esn");
	snprintf(t.child[1].local_ts, sizeof(t.child[1].local_ts), "0.0.0.0/0");
	snprintf(t.child[1].remote_ts, sizeof(t.child[1].remote_ts), "::/0");
	t.child[0].generation = 4;
	t.child[0].rekey_in = 2999;
	t.child[1].generation = 3;
	t.child[1].rekey_in = 0;
	snprintf(t.child[1].role, sizeof(t.child[1].role), "replaced");
	t.child[1].transport = true;
	t.generation = 2;
	t.rekey_in = 13000;
	t.retry_in = 0;
	t.quiet = 5;
	t.esp_rx_seen = true;
	t.esp_rx_ago = 3;
	t.held = true;
	t.child_rekeys = 3;
	t.ike_rekeys = 1;
	t.collisions = 1;
	t.liveness_failures = 2;
	t.restarts = 2;
	t.reauths = 4;
	snprintf(t.esp_silent, sizeof(t.esp_silent), "ESP from the peer "
		 "192.0.2.2 is not arriving");
	t.failures[0] = 3;
	t.failures[5] = 1;
	return t;
}

static char *encode(const struct ctl_reply *r, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(ctl_encode_reply(f, r), 0);
	fclose(f);
	return buf;
}

static void test_reply_round_trip(void **state)
{
	struct ctl_reply r = { .ok = true }, back;
	struct ctl_tunnel t = sample(), u;
	size_t len;
	char *buf;

	(void)state;
	snprintf(r.message, sizeof(r.message), "pid 12, 2 tunnels");
	r.load = (struct ctl_ike_load){ .valid = true, .half_open = 37,
		.half_open_limit = 30, .half_open_max = 1024,
		.cookies_demanded = true, .cookies_sent = 120,
		.half_open_dropped = 2, .half_open_expired = 9,
		.exchanges = { { 1, 0 }, { 1, 2 }, { 0, 5 }, { 7, 3 } } };
	assert_int_equal(ctl_reply_push(&r, &t), 0);
	memset(&u, 0, sizeof(u));
	u.id = 8;
	snprintf(u.name, sizeof(u.name), "spare");
	snprintf(u.state, sizeof(u.state), "disabled");
	assert_int_equal(ctl_reply_push(&r, &u), 0);
	buf = encode(&r, &len);
	assert_non_null(strstr(buf, "ok pid 12, 2 tunnels\nhalf-open 37\n"
			       "half-open-limit 30\nhalf-open-max 1024\n"
			       "cookies-demanded 1\ncookies-sent 120\n"
			       "half-open-dropped 2\nhalf-open-expired 9\n"
			       "exchanges-IKE_SA_INIT 1 0\nexchanges-IKE_AUTH 1 2\n"
			       "exchanges-CREATE_CHILD_SA 0 5\n"
			       "exchanges-INFORMATIONAL 7 3\ntunnel "));
	assert_non_null(strstr(buf, "failure first second\n"));
	assert_non_null(strstr(buf, "spi-i 0123456789abcdef\n"
			       "spi-r fedcba9876543210\nike-tunnel 3\n"));
	assert_non_null(strstr(buf, "child c0000001 00000101 3 aes256gcm16\n"));
	/* One key per line, the child ones after their child line. */
	assert_non_null(strstr(buf, "child ffffffff 00000100 0 aes128-sha256 esn\n"
			       "child-ts 0.0.0.0/0 ::/0\nchild-generation 3\n"
			       "child-rekey-in 0\nchild-role replaced\n"
			       "child-mode transport\n"));
	assert_non_null(strstr(buf, "child-generation 4\nchild-rekey-in 2999\n"
			       "child-mode tunnel\n"));
	assert_non_null(strstr(buf, "\ngeneration 2\nrekey-in 13000\n"
			       "retry-in 0\nquiet 5\nesp-rx-ago 3\nheld 1\n"
			       "child-rekeys 3\n"
			       "ike-rekeys 1\ncollisions 1\n"
			       "liveness-failures 2\nrestarts 2\nreauths 4\n"
			       "esp-silent ESP from the peer 192.0.2.2 is not "
			       "arriving\nike-failures 3 0 0 0 0 1\n"));
	assert_null(strstr(buf, "refresh "));
	assert_null(strstr(buf, "child-life "));
	assert_int_equal(ctl_decode_reply(buf, len, &back), 0);
	assert_true(back.ok);
	assert_string_equal(back.message, "pid 12, 2 tunnels");
	assert_true(back.load.valid);
	assert_int_equal(back.load.half_open, 37);
	assert_int_equal(back.load.half_open_limit, 30);
	assert_int_equal(back.load.half_open_max, 1024);
	assert_true(back.load.cookies_demanded);
	assert_int_equal(back.load.cookies_sent, 120);
	assert_int_equal(back.load.half_open_dropped, 2);
	assert_int_equal(back.load.half_open_expired, 9);
	assert_memory_equal(back.load.exchanges, r.load.exchanges,
			    sizeof(r.load.exchanges));
	assert_int_equal(back.n, 2);
	t.failure[5] = ' ';	/* the newline as it travels */
	assert_memory_equal(&back.v[0], &t, sizeof(t));
	assert_int_equal(back.v[1].id, 8);
	assert_string_equal(back.v[1].state, "disabled");
	assert_int_equal(back.v[1].n_children, 0);
	assert_false(back.v[1].enabled);
	assert_false(back.v[1].esp_rx_seen);
	ctl_reply_free(&back);
	ctl_reply_free(&r);
	free(buf);
}

static void test_reply_decode_edges(void **state)
{
	static const char unknown[] = "error no tunnel \"x\"\nfuture-key 1\n"
				      "tunnel 3\nname a\nnew-thing z\nstate idle";
	struct ctl_reply r;
	char many[512];
	size_t len;
	int i;

	(void)state;
	assert_int_equal(ctl_decode_reply("", 0, &r), -1);
	assert_int_equal(ctl_decode_reply("tunnel 1\n", 9, &r), -1);
	assert_int_equal(ctl_decode_reply("maybe\n", 6, &r), -1);
	assert_int_equal(ctl_decode_reply(unknown, strlen(unknown), &r), 0);
	assert_false(r.ok);
	assert_false(r.load.valid);
	assert_string_equal(r.message, "no tunnel \"x\"");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.v[0].name, "a");
	assert_string_equal(r.v[0].state, "idle");
	ctl_reply_free(&r);
	/* More CHILD SAs than a record holds: the rest are dropped. */
	len = (size_t)snprintf(many, sizeof(many), "ok\ntunnel 1\n");
	for (i = 1; i <= CTL_CHILDREN + 1; i++)
		len += (size_t)snprintf(many + len, sizeof(many) - len,
					"child %x %x 0 a\n", 2 * i - 1, 2 * i);
	len += (size_t)snprintf(many + len, sizeof(many) - len,
				"child-ts x y\nchild bad\n");
	assert_int_equal(ctl_decode_reply(many, len, &r), 0);
	assert_int_equal(r.v[0].n_children, CTL_CHILDREN);
	assert_int_equal(r.v[0].child[CTL_CHILDREN - 1].spi_out,
			 2 * CTL_CHILDREN);
	assert_string_equal(r.v[0].child[CTL_CHILDREN - 1].local_ts, "x");
	ctl_reply_free(&r);
}

/*
 * The tunnel's keys in any order; child-* keys describe the child line
 * before them and mean nothing before the first; a positional line of the
 * old form is an unknown key like any other.
 */
static void test_reply_key_lines(void **state)
{
	static const char text[] =
		"ok\ntunnel 4\nchild-generation 9\nreauths 7\nheld 1\n"
		"refresh 2 13000 0 5 0 3 1 1 2 2 4\n"
		"child 1 2 30 aes128gcm16\nchild-mode transport\n"
		"child-rekey-in 12\nchild 3 4 5 aes256gcm16\n"
		"child-role switching\nchild-life 8 9 replaced tunnel\n"
		"generation 6\nchild-rekeys 11\nliveness-failures 5\n"
		"collisions 2\nrestarts 3\nike-rekeys 4\nrekey-in 100\n"
		"retry-in 7\nquiet 8\n";
	struct ctl_reply r;
	const struct ctl_tunnel *t;

	(void)state;
	assert_int_equal(ctl_decode_reply(text, strlen(text), &r), 0);
	assert_int_equal(r.n, 1);
	t = &r.v[0];
	assert_int_equal(t->generation, 6);
	assert_int_equal(t->rekey_in, 100);
	assert_int_equal(t->retry_in, 7);
	assert_int_equal(t->quiet, 8);
	assert_true(t->held);
	assert_int_equal(t->child_rekeys, 11);
	assert_int_equal(t->ike_rekeys, 4);
	assert_int_equal(t->collisions, 2);
	assert_int_equal(t->liveness_failures, 5);
	assert_int_equal(t->restarts, 3);
	assert_int_equal(t->reauths, 7);
	assert_int_equal(t->n_children, 2);
	assert_int_equal(t->child[0].generation, 0);
	assert_true(t->child[0].transport);
	assert_int_equal(t->child[0].rekey_in, 12);
	assert_string_equal(t->child[0].role, "");
	assert_false(t->child[1].transport);
	assert_string_equal(t->child[1].role, "switching");
	assert_int_equal(t->child[1].generation, 0);
	assert_int_equal(t->child[1].rekey_in, 0);
	ctl_reply_free(&r);
}

static void test_paths(void **state)
{
	char sock[108], lock[128];

	(void)state;
	ctl_paths_for("/run/sgw", 4026531840UL, sock, sizeof(sock), lock,
		      sizeof(lock));
	assert_string_equal(sock, "/run/sgw/ctl-4026531840.sock");
	assert_string_equal(lock, "/run/sgw/daemon-4026531840.pid");
	assert_int_equal(ctl_paths(sock, sizeof(sock), lock, sizeof(lock)), 0);
	assert_int_equal(strncmp(sock, "/run/sgw/ctl-", 13), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_reply_round_trip),
		cmocka_unit_test(test_reply_decode_edges),
		cmocka_unit_test(test_reply_key_lines),
		cmocka_unit_test(test_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
