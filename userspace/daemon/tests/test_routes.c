// SPDX-License-Identifier: GPL-2.0
/* The routes a tunnel of sgw.conf asks for (routes.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <cmocka.h>

#include "conf_parse.h"
#include "routes.h"

static void parse(const char *text, struct sgw_conf *conf)
{
	struct sgw_conf_error err;

	if (sgw_conf_parse_buffer("t.conf", text, strlen(text), 0, conf, &err))
		fail_msg("%s", err.text);
}

#define TUNNEL "[tunnel hq]\nid = 3\nlocal = 192.0.2.1\n" \
	       "remote = 198.51.100.1\npsk-file = /etc/sgw/hq.psk\n"

static void test_defaults(void **state)
{
	struct sgw_conf conf;
	struct route r[4];
	char buf[128];

	(void)state;
	parse(TUNNEL "remote-networks = 10.2.0.0/16, fd02::/48\n", &conf);
	assert_true(conf.tunnels[0].routes);
	assert_int_equal(routes_of_tunnel(&conf.tunnels[0], 9999, r, 4), 2);
	/* main, metric 0: IPv6 keeps that as 1024, as "ip -6 route" does. */
	assert_string_equal(route_str(&r[0], buf, sizeof(buf)),
			    "10.2.0.0/16 dev 9999 table 254 metric 0");
	assert_int_equal(r[0].scope, RT_SCOPE_LINK);
	assert_string_equal(route_str(&r[1], buf, sizeof(buf)),
			    "fd02::/48 dev 9999 table 254 metric 1024");
	assert_int_equal(r[1].scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(r[1].tunnel, 3);
	assert_false(routes_capture_remote(&conf.tunnels[0]));
	/* Only as many as asked for. */
	assert_int_equal(routes_of_tunnel(&conf.tunnels[0], 99999, r, 1), 1);
	sgw_conf_free(&conf);

	/* "any" names no destination: no route. */
	parse(TUNNEL, &conf);
	assert_int_equal(routes_of_tunnel(&conf.tunnels[0], 99999, r, 4), 0);
	assert_false(routes_capture_remote(&conf.tunnels[0]));
	sgw_conf_free(&conf);
}

static void test_table_metric_host(void **state)
{
	struct sgw_conf_addr gw = { .family = AF_INET }, none = { 0 };
	struct sgw_conf conf;
	struct route r[2], h, h2;
	char buf[128];

	(void)state;
	parse(TUNNEL "remote-networks = 10.2.0.0/16, 198.51.0.0/16\n"
	      "route-table = 100\nroute-metric = 50\n", &conf);
	assert_int_equal(routes_of_tunnel(&conf.tunnels[0], 99997, r, 2), 2);
	assert_string_equal(route_str(&r[1], buf, sizeof(buf)),
			    "198.51.0.0/16 dev 99997 table 100 metric 50");
	/* The remote SGW lies inside: a host route through the underlay. */
	assert_true(routes_capture_remote(&conf.tunnels[0]));
	inet_pton(AF_INET, "192.0.2.254", gw.bytes);
	routes_host(&conf.tunnels[0], &conf.tunnels[0].local, &gw, 99998, &h);
	assert_string_equal(route_str(&h, buf, sizeof(buf)),
			    "198.51.100.1/32 via 192.0.2.254 dev 99998 src 192.0.2.1 "
			    "table 100 metric 50");
	assert_int_equal(h.scope, RT_SCOPE_UNIVERSE);
	/* On link: no gateway, link scope; a different route. */
	routes_host(&conf.tunnels[0], &conf.tunnels[0].local, &none, 99998, &h2);
	assert_int_equal(h2.scope, RT_SCOPE_LINK);
	assert_false(route_equal(&h, &h2));
	h2.gw = gw;
	h2.scope = RT_SCOPE_UNIVERSE;
	assert_true(route_equal(&h, &h2));
	h2.metric = 51;
	assert_false(route_equal(&h, &h2));
	assert_false(route_equal(&r[0], &r[1]));
	sgw_conf_free(&conf);
}

static void test_keys(void **state)
{
	struct sgw_conf conf;
	struct sgw_conf_error err;
	static const char bad[] = TUNNEL "route-table = 0\n";

	(void)state;
	parse(TUNNEL "routes = no\nroute-table = main\n"
	      "route-metric = 4294967295\n", &conf);
	assert_false(conf.tunnels[0].routes);
	assert_int_equal(conf.tunnels[0].route_table, 254);
	assert_int_equal(conf.tunnels[0].route_metric, 4294967295u);
	sgw_conf_free(&conf);
	assert_int_not_equal(sgw_conf_parse_buffer("t.conf", bad, strlen(bad),
						   0, &conf, &err), 0);
	assert_non_null(strstr(err.text, "main or 1..4294967295"));
	sgw_conf_free(&conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_table_metric_host),
		cmocka_unit_test(test_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
