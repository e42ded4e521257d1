// SPDX-License-Identifier: GPL-2.0
/* The printer: exact output, round trips, and no secrets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const char *const configs[] = {
	"",
	MIN_TUNNEL,
	"[global]\nlog-level = error\nhalf-open-limit = 0\n" MIN_TUNNEL,
	/* Two sites, every key set away from its default. */
	"[global]\nlog-level = debug\nhalf-open-limit = 100\n"
	"[tunnel hq]\nid = 1\nenabled = no\ninterface = wan-hq\n"
	"local = 192.0.2.1\nremote = 198.51.100.1\n"
	"local-id = @gw1.example\nremote-id = email:noc@example.net\n"
	"psk-file = /etc/sgw/hq.psk\n"
	"local-networks = 10.1.0.0/16, 2001:db8:1::/48\n"
	"remote-networks = 10.9.0.0/16, 2001:db8:9::/48\n"
	"ike-proposals = aes128gcm16-prfsha256-ecp256, "
	"aes256-sha512-modp2048\n"
	"esp-proposals = chacha20poly1305-curve25519, aes128-sha256\n"
	"ike-lifetime = 8h\nchild-lifetime = 30m\nrekey-margin = 3m\n"
	"rekey-jitter = 0\nlife-bytes = 4G\nlife-packets = 100000000\n"
	"auto-refresh = off\nreauth = yes\nstart = at-start\ndpd-delay = 10s\n"
	"dpd-action = clear\nretransmit-tries = 3\n"
	"retransmit-timeout = 2s\nmtu = 1400\nmss = 1300\n"
	"outer-df = clear\nfragment = after-encryption\n"
	"protect-gateways = yes\nreplay-window = 1024\nesn = yes\n"
	"nat-traversal = no\nencap = no\nnat-keepalive = 0\n"
	"[tunnel branch-2]\nid = 2\nlocal = 2001:db8::1\n"
	"remote = 2001:db8::2\nremote-id = keyid:00ff10\npsk-file = /k/2\n"
	"local-networks = 2001:db8:2::/48\nremote-networks = ::/0\n"
	"mss = off\ndpd-action = hold\n",
	/* Derived defaults written out explicitly. */
	"[tunnel x]\nid = 9\ninterface = sgw9\nlocal = 192.0.2.1\n"
	"local-id = 192.0.2.1\nremote = 198.51.100.9\n"
	"remote-id = 198.51.100.9\npsk-file = /k\n",
};

static void round_trips(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		struct sgw_conf c;

		parse_ok(configs[i], &c);
		assert_round_trip(&c);
		sgw_conf_free(&c);
	}
}

static void minimal_output(void **state)
{
	struct sgw_conf c;
	char *out;

	(void)state;
	parse_ok("[global]\nlog-level = info\nhalf-open-limit = 8\n"
		 "[tunnel hq]   # comments are not kept\n"
		 "psk-file = /etc/sgw/hq.psk\nremote = 198.51.100.1\n"
		 "id = 1\ninterface = sgw1\nmtu = 1400\n"
		 "local-networks = 10.1.0.0/16,10.2.0.0/16\n"
		 "ike-proposals = aes128-sha256-modp2048\n"
		 "[tunnel b]\nid = 2\nremote = 2001:DB8::2\npsk-file = /k\n",
		 &c);
	out = sgw_conf_print_string(&c, 0);
	assert_non_null(out);
	assert_string_equal(out,
		"[global]\n"
		"half-open-limit = 8\n"
		"\n"
		"[tunnel hq]\n"
		"id = 1\n"
		"remote = 198.51.100.1\n"
		"psk-file = /etc/sgw/hq.psk\n"
		"local-networks = 10.1.0.0/16, 10.2.0.0/16\n"
		"ike-proposals = aes128-sha256-prfsha256-modp2048\n"
		"mtu = 1400\n"
		"\n"
		"[tunnel b]\n"
		"id = 2\n"
		"remote = 2001:db8::2\n"
		"psk-file = /k\n");
	free(out);
	out = sgw_conf_print_string(&c, SGW_CONF_PRINT_ORIGIN);
	assert_non_null(strstr(out, "[tunnel b]\n# defined at sgw.conf:12\n"));
	free(out);
	sgw_conf_free(&c);
}

static void full_output(void **state)
{
	const struct sgw_conf_key *keys;
	struct sgw_conf c;
	size_t n, i;
	char *out;

	(void)state;
	parse_ok(MIN_TUNNEL, &c);
	out = sgw_conf_print_string(&c, SGW_CONF_PRINT_DEFAULTS);
	assert_non_null(out);
	assert_true(strncmp(out, "[global]\nlog-level = info\n"
			    "half-open-limit = 30\n\n[tunnel hq]\nid = 1\n"
			    "enabled = yes\ninterface = sgw1\nroutes = yes\n"
			    "route-table = main\nroute-metric = 0\n"
			    "local = auto\nremote = 198.51.100.1\n"
			    "# local-id: the address chosen for local = auto\n"
			    "remote-id = 198.51.100.1\n", 250) == 0);
	/* Every key appears, as "key = " or, for local-id, as a comment. */
	keys = sgw_conf_keys(&n);
	for (i = 0; i < n; i++) {
		char *needle = xasprintf("\n%s = ", keys[i].name);
		char *comment = xasprintf("\n# %s: ", keys[i].name);

		if (!strstr(out, needle) && !strstr(out, comment))
			fail_msg("%s missing from:\n%s", keys[i].name, out);
		free(needle);
		free(comment);
	}
	free(out);
	sgw_conf_free(&c);
}

/* The printer names the key file; it never opens it. */
static void psk_never_printed(void **state)
{
	char *dir = make_tmpdir(), *text, *out;
	struct sgw_conf c;
	unsigned int mode;

	(void)state;
	write_file(dir, "hq.psk", "correct horse battery staple\n");
	text = xasprintf("[tunnel hq]\nid = 1\nremote = 198.51.100.1\n"
			 "psk-file = %s/hq.psk\n", dir);
	parse_ok(text, &c);
	for (mode = 0; mode < 4; mode++) {
		out = sgw_conf_print_string(&c, mode);
		assert_non_null(out);
		assert_null(strstr(out, "horse"));
		assert_non_null(strstr(out, "/hq.psk\n"));
		free(out);
	}
	sgw_conf_free(&c);
	free(text);
	rm_tree(dir);
	free(dir);
}

/* An included tree prints as one file that parses to the same config. */
static void includes_flatten(void **state)
{
	char *dir = make_tmpdir(), *path;
	struct sgw_conf_error err;
	struct sgw_conf c;

	(void)state;
	write_file(dir, "sgw.conf", "[global]\nlog-level = debug\n"
		   "include conf.d/*.conf\n");
	write_file(dir, "conf.d/a.conf", MIN_TUNNEL "mtu = 1300\n");
	write_file(dir, "conf.d/b.conf", "[tunnel b]\nid = 2\n"
		   "remote = 198.51.100.2\npsk-file = /b\n");
	path = xasprintf("%s/sgw.conf", dir);
	if (sgw_conf_load(path, &c, &err) < 0)
		fail_msg("%s", err.text);
	assert_round_trip(&c);
	sgw_conf_free(&c);
	free(path);
	rm_tree(dir);
	free(dir);
}

static void equality(void **state)
{
	struct sgw_conf a, b;

	(void)state;
	parse_ok(MIN_TUNNEL "mtu = 1400\n", &a);
	/* Same settings, other layout and lines: equal. */
	parse_ok("\n\n[tunnel hq]\nmtu=1400\npsk-file=/etc/sgw/hq.psk\n"
		 "remote=198.51.100.1\nid=1\n", &b);
	assert_true(sgw_conf_equal(&a, &b));
	assert_true(sgw_conf_tunnel_equal(&a.tunnels[0], &b.tunnels[0]));
	b.tunnels[0].mtu = 1300;
	assert_false(sgw_conf_tunnel_equal(&a.tunnels[0], &b.tunnels[0]));
	assert_false(sgw_conf_equal(&a, &b));
	b.tunnels[0].mtu = 1400;
	b.tunnels[0].esp_proposals.v[1].alg[SGW_CONF_ENCR][0] =
		SGW_CONF_ENCR_AES128;
	assert_false(sgw_conf_equal(&a, &b));
	sgw_conf_free(&b);
	parse_ok(MIN_TUNNEL "mtu = 1400\n[global]\nlog-level = debug\n", &b);
	assert_false(sgw_conf_equal(&a, &b));
	sgw_conf_free(&b);
	parse_ok("[tunnel hq2]\nid = 1\nremote = 198.51.100.1\n"
		 "psk-file = /etc/sgw/hq.psk\nmtu = 1400\n", &b);
	assert_false(sgw_conf_equal(&a, &b));
	sgw_conf_free(&b);
	sgw_conf_free(&a);
}

static void write_error_reported(void **state)
{
	struct sgw_conf c;
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (!f)
		skip();
	parse_ok(MIN_TUNNEL, &c);
	setvbuf(f, NULL, _IONBF, 0);
	assert_int_equal(sgw_conf_print(f, &c, SGW_CONF_PRINT_DEFAULTS), -1);
	fclose(f);
	sgw_conf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trips),
		cmocka_unit_test(minimal_output),
		cmocka_unit_test(full_output),
		cmocka_unit_test(psk_never_printed),
		cmocka_unit_test(includes_flatten),
		cmocka_unit_test(equality),
		cmocka_unit_test(write_error_reported),
	};

	return cmocka_run_group_tests_name("print", tests, NULL, NULL);
}
