// SPDX-License-Identifier: GPL-2.0
/* File structure: sections, comments, defaults, duplicates, bad bytes. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static void empty_file(void **state)
{
	struct sgw_conf c;

	(void)state;
	parse_ok("", &c);
	assert_int_equal(c.n_tunnels, 0);
	assert_int_equal(c.global.log_level, SGW_CONF_LOG_INFO);
	assert_int_equal(c.global.half_open_limit, 30);
	sgw_conf_free(&c);
	parse_ok("# only a comment\n\n   \n\t\n", &c);
	assert_int_equal(c.n_tunnels, 0);
	sgw_conf_free(&c);
}

static void tunnel_defaults(void **state)
{
	struct sgw_conf c;
	const struct sgw_conf_tunnel *t;
	uint8_t remote[4];

	(void)state;
	parse_ok(MIN_TUNNEL, &c);
	assert_int_equal(c.n_tunnels, 1);
	t = &c.tunnels[0];
	assert_string_equal(t->name, "hq");
	assert_string_equal(t->file, "sgw.conf");
	assert_int_equal(t->line, 1);
	assert_int_equal(t->id, 1);
	assert_true(t->enabled);
	assert_string_equal(t->interface, "sgw1");
	assert_int_equal(t->local.family, AF_UNSPEC);
	assert_int_equal(t->remote.family, AF_INET);
	inet_pton(AF_INET, "198.51.100.1", remote);
	assert_memory_equal(t->remote.bytes, remote, 4);
	assert_int_equal(t->local_id.type, SGW_CONF_IDENT_DEFAULT);
	assert_int_equal(t->remote_id.type, SGW_CONF_IDENT_IPV4);
	assert_memory_equal(t->remote_id.data, remote, 4);
	assert_string_equal(t->psk_file, "/etc/sgw/hq.psk");
	assert_int_equal(t->local_networks.count, 0);
	assert_int_equal(t->remote_networks.count, 0);
	assert_int_equal(t->ike_proposals.count, 2);
	assert_int_equal(t->ike_proposals.v[0].n[SGW_CONF_ENCR], 2);
	assert_int_equal(t->ike_proposals.v[0].alg[SGW_CONF_ENCR][0],
			 SGW_CONF_ENCR_AES256GCM16);
	assert_int_equal(t->ike_proposals.v[0].n[SGW_CONF_DH], 7);
	assert_int_equal(t->ike_proposals.v[0].alg[SGW_CONF_DH][0],
			 SGW_CONF_DH_CURVE25519);
	assert_int_equal(t->ike_proposals.v[1].n[SGW_CONF_INTEG], 3);
	assert_int_equal(t->esp_proposals.count, 2);
	assert_int_equal(t->esp_proposals.v[0].n[SGW_CONF_ENCR], 3);
	assert_int_equal(t->esp_proposals.v[0].n[SGW_CONF_DH], 0);
	assert_int_equal(t->ike_lifetime, 4 * 3600);
	assert_int_equal(t->child_lifetime, 3600);
	assert_int_equal(t->rekey_margin, 540);
	assert_int_equal(t->rekey_jitter, 540);
	assert_int_equal(t->life_bytes, 0);
	assert_int_equal(t->life_packets, 0);
	assert_true(t->auto_refresh);
	assert_int_equal(t->start, SGW_CONF_START_ON_DEMAND);
	assert_int_equal(t->dpd_delay, 30);
	assert_int_equal(t->dpd_action, SGW_CONF_DPD_RESTART);
	assert_int_equal(t->retransmit_tries, 5);
	assert_int_equal(t->retransmit_timeout, 4);
	assert_int_equal(t->mtu, SGW_CONF_MTU_AUTO);
	assert_int_equal(t->mss, SGW_CONF_MSS_AUTO);
	assert_int_equal(t->outer_df, SGW_CONF_DF_CLEAR);
	assert_int_equal(t->fragment, SGW_CONF_FRAG_BEFORE_ENCRYPTION);
	assert_false(t->protect_gateways);
	assert_int_equal(t->replay_window, 1024);
	assert_false(t->esn);
	assert_true(t->nat_traversal);
	assert_false(t->encap);
	assert_int_equal(t->nat_keepalive, 20);
	assert_int_equal(t->key_line[SGW_CONF_K_ID], 2);
	assert_int_equal(t->key_line[SGW_CONF_K_MTU], 0);
	assert_ptr_equal(sgw_conf_tunnel_find(&c, "hq"), t);
	assert_ptr_equal(sgw_conf_tunnel_by_id(&c, 1), t);
	assert_null(sgw_conf_tunnel_find(&c, "nope"));
	assert_null(sgw_conf_tunnel_by_id(&c, 2));
	sgw_conf_free(&c);
}

/* Identities default to the SGW addresses, which are set in one place. */
static void identities_follow_addresses(void **state)
{
	struct sgw_conf c;
	const struct sgw_conf_tunnel *t;

	(void)state;
	parse_ok("[tunnel v6]\nid = 7\nlocal = 2001:db8::1\n"
		 "remote = 2001:db8::2\npsk-file = /k\n", &c);
	t = &c.tunnels[0];
	assert_string_equal(t->interface, "sgw7");
	assert_int_equal(t->local_id.type, SGW_CONF_IDENT_IPV6);
	assert_int_equal(t->local_id.len, 16);
	assert_memory_equal(t->local_id.data, t->local.bytes, 16);
	assert_int_equal(t->remote_id.type, SGW_CONF_IDENT_IPV6);
	assert_memory_equal(t->remote_id.data, t->remote.bytes, 16);
	sgw_conf_free(&c);
}

static void layout_freedom(void **state)
{
	struct sgw_conf c;
	const struct sgw_conf_tunnel *t;

	(void)state;
	parse_ok("\xef\xbb\xbf# written on Windows\r\n"
		 "  [ tunnel\thq ]   # trailing comment\r\n"
		 "\tid=1\r\n"
		 "remote\t=\t198.51.100.1   # the peer\r\n"
		 "psk-file = /etc/sgw/a#b.psk\r\n"
		 "mtu = 1400\t# tab before the comment\r\n"
		 "# \xe6\x8b\xa0\xe7\x82\xb9\xe3\x81\xae VPN\r\n"
		 "mss = off", &c);
	t = &c.tunnels[0];
	assert_string_equal(t->name, "hq");
	assert_int_equal(t->id, 1);
	assert_string_equal(t->psk_file, "/etc/sgw/a#b.psk");
	assert_int_equal(t->mtu, 1400);
	assert_int_equal(t->mss, SGW_CONF_MSS_OFF);
	assert_int_equal(t->key_line[SGW_CONF_K_MSS], 8);
	sgw_conf_free(&c);
}

static void several_tunnels_and_global(void **state)
{
	struct sgw_conf c;

	(void)state;
	parse_ok("[global]\nlog-level = debug\n"
		 MIN_TUNNEL
		 "[tunnel b]\nid = 2\nremote = 198.51.100.2\npsk-file = /b\n"
		 "[global]\nhalf-open-limit = 5\n", &c);
	assert_int_equal(c.n_tunnels, 2);
	assert_string_equal(c.tunnels[1].name, "b");
	assert_int_equal(c.tunnels[1].line, 7);
	assert_int_equal(c.global.log_level, SGW_CONF_LOG_DEBUG);
	assert_int_equal(c.global.half_open_limit, 5);
	assert_int_equal(c.global.key_line[SGW_CONF_K_HALF_OPEN_LIMIT], 12);
	assert_string_equal(c.global.key_file[SGW_CONF_K_LOG_LEVEL],
			    "sgw.conf");
	sgw_conf_free(&c);
}

static void section_errors(void **state)
{
	(void)state;
	parse_err("[tunnel hq\n", "sgw.conf:1: expected \"]\" at the end of "
		  "the section header");
	parse_err("[tunel hq]\n", "sgw.conf:1: unknown section \"[tunel hq]\" "
		  "(expected [global] or [tunnel NAME])");
	parse_err("[]\n", "sgw.conf:1: unknown section \"[]\" (expected "
		  "[global] or [tunnel NAME])");
	parse_err("[tunnel]\n", "sgw.conf:1: section [tunnel] needs a name: "
		  "[tunnel NAME]");
	parse_err("[global main]\n", "sgw.conf:1: section [global] takes no "
		  "name");
	parse_err("[tunnel head office]\n", "sgw.conf:1: invalid tunnel name "
		  "\"head office\" (expected 1 to 15 letters, digits, '_', '.' "
		  "or '-')");
	parse_err("[tunnel abcdefghijklmnop]\n", "sgw.conf:1: invalid tunnel "
		  "name \"abcdefghijklmnop\" (expected 1 to 15 letters, "
		  "digits, '_', '.' or '-')");
	parse_err("[tunnel h\xc3\xa4]\n", "sgw.conf:1: invalid tunnel name "
		  "\"h\xc3\xa4\" (expected 1 to 15 letters, digits, '_', '.' "
		  "or '-')");
}

static void line_errors(void **state)
{
	(void)state;
	parse_err("id = 1\n", "sgw.conf:1: key \"id\" is outside of any "
		  "section (start one with [global] or [tunnel NAME])");
	parse_err("[global]\nthis is not a setting\n", "sgw.conf:2: cannot "
		  "parse \"this is not a setting\" (expected key = value, "
		  "[section] or include PATH)");
	parse_err("[global]\n= info\n", "sgw.conf:2: cannot parse \"= info\" "
		  "(expected key = value, [section] or include PATH)");
	parse_err(MIN_TUNNEL "rekey-jiter = 1m\n", "sgw.conf:5: tunnel "
		  "\"hq\": unknown key \"rekey-jiter\" (did you mean "
		  "\"rekey-jitter\"?)");
	parse_err(MIN_TUNNEL "colour = red\n", "sgw.conf:5: tunnel \"hq\": "
		  "unknown key \"colour\"");
	parse_err(MIN_TUNNEL "log-level = debug\n", "sgw.conf:5: tunnel "
		  "\"hq\": key \"log-level\" belongs in the [global] section");
	parse_err("[global]\nmtu = 1400\n", "sgw.conf:2: global: key \"mtu\" "
		  "belongs in a [tunnel NAME] section");
	parse_err("[global]\ninclude = /etc/x\n", "sgw.conf:2: include is a "
		  "directive, not a key: write include PATH, without \"=\"");
	parse_err("include\n", "sgw.conf:1: include needs a path or a "
		  "pattern");
	parse_err("include /etc/sgw/conf.d/*.conf\n", "sgw.conf:1: include "
		  "is not allowed here");
}

/* sgwctl's words for three keys, and on/off for yes/no, in the file. */
static void cli_words(void **state)
{
	struct sgw_conf c;
	const struct sgw_conf_tunnel *t;

	(void)state;
	parse_ok(MIN_TUNNEL "local-ts = 10.1.0.0/24\nremote-ts = 10.2.0.0/24, "
		 "10.3.0.0/24\nname = hq0\nenabled = on\nroutes = off\n", &c);
	t = &c.tunnels[0];
	assert_int_equal(t->local_networks.count, 1);
	assert_int_equal(t->local_networks.v[0].plen, 24);
	assert_int_equal(t->remote_networks.count, 2);
	assert_string_equal(t->interface, "hq0");
	assert_true(t->enabled);
	assert_false(t->routes);
	sgw_conf_free(&c);
	parse_err(MIN_TUNNEL "local-networks = 10.1.0.0/24\nlocal-ts = 10.1.0.0/24\n",
		  "sgw.conf:6: tunnel \"hq\": duplicate key \"local-networks\" "
		  "(first set on line 5)");
}

static void duplicates(void **state)
{
	(void)state;
	parse_err(MIN_TUNNEL "mtu = 1400\nmtu = 1300\n", "sgw.conf:6: tunnel "
		  "\"hq\": duplicate key \"mtu\" (first set on line 5)");
	parse_err(MIN_TUNNEL "id = 1\n", "sgw.conf:5: tunnel \"hq\": "
		  "duplicate key \"id\" (first set on line 2)");
	parse_err("[global]\nlog-level = info\n[global]\nlog-level = debug\n",
		  "sgw.conf:4: global: duplicate key \"log-level\" (first set "
		  "on line 2)");
	parse_err(MIN_TUNNEL "[tunnel hq]\n", "sgw.conf:5: duplicate tunnel "
		  "\"hq\" (first defined at sgw.conf:1)");
	parse_err(MIN_TUNNEL "[tunnel b]\nremote = 198.51.100.2\nid = 1\n",
		  "sgw.conf:7: tunnel \"b\": key \"id\": id 1 is already used "
		  "by tunnel \"hq\" (sgw.conf:1)");
}

static void required_keys(void **state)
{
	(void)state;
	parse_err("[tunnel hq]\nid = 1\npsk-file = /k\n", "sgw.conf:1: "
		  "tunnel \"hq\": missing required key \"remote\" (the remote "
		  "SGW address or DNS name)");
	parse_err("[tunnel hq]\nid = 1\nremote = 198.51.100.1\n[global]\n",
		  "sgw.conf:1: tunnel \"hq\": missing required key "
		  "\"psk-file\" (the file holding the pre-shared key)");
	parse_err("[tunnel hq]\n", "sgw.conf:1: tunnel \"hq\": missing "
		  "required keys \"id\", \"remote\" and \"psk-file\"");
	parse_err("[tunnel hq]\nid = 1\n", "sgw.conf:1: tunnel \"hq\": "
		  "missing required keys \"remote\" and \"psk-file\"");
}

static void bad_bytes(void **state)
{
	static const char nul[] = "[global]\nlog\0level = info\n";
	struct sgw_conf_error err;
	struct sgw_conf c;
	char *long_line;

	(void)state;
	assert_int_equal(sgw_conf_parse_buffer("sgw.conf", nul,
					       sizeof(nul) - 1, 0, &c, &err),
			 -1);
	assert_string_equal(err.text, "sgw.conf:2: NUL byte at column 4");
	assert_int_equal(err.line, 2);
	assert_string_equal(err.file, "sgw.conf");
	sgw_conf_free(&c);

	parse_err("[global]\nlog-level = \x01info\n", "sgw.conf:2: control "
		  "character 0x01 at column 13");
	parse_err("[global]\x7f\n", "sgw.conf:1: control character 0x7f at "
		  "column 9");
	parse_err("# caf\xe9\n", "sgw.conf:1: invalid UTF-8 at column 6");
	parse_err("# \xc0\xaf overlong\n", "sgw.conf:1: invalid UTF-8 at "
		  "column 3");
	parse_err("# \xed\xa0\x80 surrogate\n", "sgw.conf:1: invalid UTF-8 at "
		  "column 3");
	parse_err("# \xf4\x90\x80\x80 beyond U+10FFFF\n", "sgw.conf:1: invalid "
		  "UTF-8 at column 3");
	parse_err("\n\n# cut \xe3\x81", "sgw.conf:3: invalid UTF-8 at column "
		  "7");
	parse_err("[global]\r\rlog-level = info\n", "sgw.conf:1: control "
		  "character 0x0d at column 9");

	long_line = malloc(SGW_CONF_LINE_MAX + 3);
	assert_non_null(long_line);
	memset(long_line, '#', SGW_CONF_LINE_MAX + 1);
	long_line[SGW_CONF_LINE_MAX + 1] = '\n';
	long_line[SGW_CONF_LINE_MAX + 2] = '\0';
	parse_err(long_line, "sgw.conf:1: line too long (4097 bytes, at most "
		  "4096)");
	/* Exactly the limit is fine, with or without a CR. */
	long_line[SGW_CONF_LINE_MAX] = '\r';
	parse_ok(long_line, &c);
	sgw_conf_free(&c);
	free(long_line);
}

static void long_value_quoted_short(void **state)
{
	char *text, *want, big[301];

	(void)state;
	memset(big, 'x', 300);
	big[300] = '\0';
	text = xasprintf(MIN_TUNNEL "outer-df = %s\n", big);
	big[200] = '\0';
	want = xasprintf("sgw.conf:5: tunnel \"hq\": key \"outer-df\": invalid "
			 "value \"%s...\" (expected copy, set or clear)", big);
	parse_err(text, want);
	free(text);
	free(want);
}

static void load_errors(void **state)
{
	struct sgw_conf_error err;
	struct sgw_conf c;
	char *dir, *fifo, *want;

	(void)state;
	assert_int_equal(sgw_conf_load("/nonexistent/sgw.conf", &c, &err),
			 -1);
	assert_string_equal(err.text, "/nonexistent/sgw.conf: No such file "
			    "or directory");
	assert_int_equal(err.line, 0);
	sgw_conf_free(&c);

	dir = make_tmpdir();
	assert_int_equal(sgw_conf_load(dir, &c, &err), -1);
	want = xasprintf("%s: not a regular file", dir);
	assert_string_equal(err.text, want);
	free(want);
	sgw_conf_free(&c);

	fifo = xasprintf("%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(sgw_conf_load(fifo, &c, &err), -1);
	assert_non_null(strstr(err.text, "fifo: not a regular file"));
	sgw_conf_free(&c);
	free(fifo);
	rm_tree(dir);
	free(dir);
}

static void load_file(void **state)
{
	struct sgw_conf_error err;
	struct sgw_conf c;
	char *dir, *path;

	(void)state;
	dir = make_tmpdir();
	write_file(dir, "sgw.conf", "[global]\nlog-level = warning\n"
		   MIN_TUNNEL);
	path = xasprintf("%s/sgw.conf", dir);
	if (sgw_conf_load(path, &c, &err) < 0)
		fail_msg("%s", err.text);
	assert_int_equal(c.global.log_level, SGW_CONF_LOG_WARNING);
	assert_int_equal(c.n_tunnels, 1);
	assert_string_equal(c.tunnels[0].file, path);
	assert_int_equal(c.tunnels[0].line, 3);
	assert_int_equal(c.n_files, 1);
	sgw_conf_free(&c);

	write_file(dir, "sgw.conf", MIN_TUNNEL "mtu = big\n");
	assert_int_equal(sgw_conf_load(path, &c, &err), -1);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, 5);
	sgw_conf_free(&c);
	free(path);
	rm_tree(dir);
	free(dir);
}

/* The scale the data plane aims at: 10,000 tunnels in one file. */
static void many_tunnels(void **state)
{
	struct sgw_conf_problems p;
	struct sgw_conf c;
	size_t cap = 10000 * 160, used = 0, i;
	char *text = malloc(cap);

	(void)state;
	assert_non_null(text);
	for (i = 1; i <= 10000; i++)
		used += (size_t)snprintf(text + used, cap - used,
			"[tunnel t%zu]\nid = %zu\nlocal = 192.0.2.1\n"
			"remote = 10.%zu.%zu.1\npsk-file = /k\n"
			"remote-networks = 172.%zu.%zu.0/24\n", i, i,
			i / 256, i % 256, 16 + i / 256 % 16, i % 256);
	parse_ok(text, &c);
	assert_int_equal(c.n_tunnels, 10000);
	assert_string_equal(c.tunnels[9999].interface, "sgw10000");
	assert_ptr_equal(sgw_conf_tunnel_by_id(&c, 5000), &c.tunnels[4999]);
	assert_int_equal(sgw_conf_check(&c, &p), 0);
	sgw_conf_problems_free(&p);
	sgw_conf_free(&c);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_file),
		cmocka_unit_test(tunnel_defaults),
		cmocka_unit_test(identities_follow_addresses),
		cmocka_unit_test(layout_freedom),
		cmocka_unit_test(several_tunnels_and_global),
		cmocka_unit_test(section_errors),
		cmocka_unit_test(line_errors),
		cmocka_unit_test(cli_words),
		cmocka_unit_test(duplicates),
		cmocka_unit_test(required_keys),
		cmocka_unit_test(bad_bytes),
		cmocka_unit_test(long_value_quoted_short),
		cmocka_unit_test(load_errors),
		cmocka_unit_test(load_file),
		cmocka_unit_test(many_tunnels),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
