// SPDX-License-Identifier: GPL-2.0
/* The other end of a tunnel: the mirrored sgw.conf and the swanctl.conf. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_peer.h"
#include "testutil.h"

#define HQ \
	"[tunnel hq]\nid = 3\nlocal = 192.0.2.1\nremote = 198.51.100.1\n" \
	"local-id = @hq.example\nremote-id = email:gw@branch.example\n" \
	"psk-file = /etc/sgw/hq.psk\n" \
	"local-networks = 10.1.0.0/16, fd01::/64\n" \
	"remote-networks = 10.2.0.0/16\n" \
	"ike-proposals = aes256gcm16-prfsha384-ecp384, " \
	"aes128-sha256-prfsha256-modp3072\n" \
	"esp-proposals = aes256gcm16-ecp384, chacha20poly1305\n" \
	"child-lifetime = 30m\nrekey-margin = 3m\nrekey-jitter = 1m\n" \
	"dpd-delay = 10s\ndpd-action = hold\nstart = at-start\n" \
	"esn = yes\nmss = 1300\nlife-bytes = 1000000\n"

static char *print_of(int (*fn)(FILE *, const struct sgw_conf_tunnel *,
				const uint8_t *, size_t),
		      const struct sgw_conf_tunnel *m, const uint8_t *key,
		      size_t keylen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r;

	assert_non_null(f);
	r = fn ? fn(f, m, key, keylen) : sgw_conf_peer_print(f, m);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(r, 0);
	return buf;
}

/* What the other gateway gets parses, and swaps exactly the sided keys. */
static void mirror_round_trip(void **state)
{
	struct sgw_conf c, peer, back;
	struct sgw_conf_tunnel m, mm;
	char why[256], *text, *text2;

	(void)state;
	parse_ok(HQ, &c);
	assert_int_equal(sgw_conf_peer_mirror(&c.tunnels[0], &m, why,
					      sizeof(why)), 0);
	text = print_of(NULL, &m, NULL, 0);
	parse_ok(text, &peer);
	assert_int_equal(peer.n_tunnels, 1);
	assert_true(sgw_conf_tunnel_equal(&peer.tunnels[0], &m));
	/* The copy names the key file to copy and how to keep it. */
	assert_non_null(strstr(text, "scp -p /etc/sgw/hq.psk "
			       "root@198.51.100.1:/etc/sgw/hq.psk\n"));
	assert_non_null(strstr(text, "chmod 0600 /etc/sgw/hq.psk"));
	assert_non_null(strstr(text, "\nlocal = 198.51.100.1\n"
			       "remote = 192.0.2.1\n"
			       "local-id = email:gw@branch.example\n"
			       "remote-id = fqdn:hq.example\n"
			       "psk-file = /etc/sgw/hq.psk\n"
			       "local-networks = 10.2.0.0/16\n"
			       "remote-networks = 10.1.0.0/16, fd01::/64\n"));
	assert_non_null(strstr(text, "\nmss = 1300\n"));
	assert_non_null(strstr(text, "\nesn = yes\n"));
	/* The peer's mirror is this gateway's tunnel again. */
	assert_int_equal(sgw_conf_peer_mirror(&peer.tunnels[0], &mm, why,
					      sizeof(why)), 0);
	assert_true(sgw_conf_tunnel_equal(&mm, &c.tunnels[0]));
	text2 = print_of(NULL, &mm, NULL, 0);
	parse_ok(text2, &back);
	assert_true(sgw_conf_tunnel_equal(&back.tunnels[0], &c.tunnels[0]));
	free(text);
	free(text2);
	sgw_conf_free(&back);
	sgw_conf_free(&peer);
	sgw_conf_free(&c);
}

/* Identities left to their defaults stay defaults on the other side. */
static void mirror_default_ids(void **state)
{
	struct sgw_conf c, peer;
	struct sgw_conf_tunnel m;
	char why[256], *text;

	(void)state;
	parse_ok("[tunnel t]\nid = 1\nlocal = 192.0.2.1\n"
		 "remote = 192.0.2.2\npsk-file = /k\n", &c);
	assert_int_equal(sgw_conf_peer_mirror(&c.tunnels[0], &m, why,
					      sizeof(why)), 0);
	text = print_of(NULL, &m, NULL, 0);
	assert_non_null(strstr(text, "\n[tunnel t]\nid = 1\n"
			       "local = 192.0.2.2\nremote = 192.0.2.1\n"
			       "psk-file = /k\n"));
	parse_ok(text, &peer);
	assert_int_equal(peer.tunnels[0].local_id.type, SGW_CONF_IDENT_IPV4);
	assert_memory_equal(peer.tunnels[0].local_id.data,
			    c.tunnels[0].remote.bytes, 4);
	free(text);
	sgw_conf_free(&peer);
	sgw_conf_free(&c);
}

static void mirror_refuses_local_auto(void **state)
{
	struct sgw_conf c;
	struct sgw_conf_tunnel m;
	char why[256];

	(void)state;
	parse_ok("[tunnel t]\nid = 1\nremote = 192.0.2.2\npsk-file = /k\n",
		 &c);
	assert_int_equal(sgw_conf_peer_mirror(&c.tunnels[0], &m, why,
					      sizeof(why)), -1);
	assert_string_equal(why, "tunnel \"t\" has local = auto: the other "
			    "gateway needs this one's address as its remote; "
			    "set local to the address the peer reaches");
	sgw_conf_free(&c);
	parse_ok("[tunnel t]\nid = 1\nlocal = 192.0.2.1\nremote = gw.example\n"
		 "psk-file = /k\n", &c);
	assert_int_equal(sgw_conf_peer_mirror(&c.tunnels[0], &m, why,
					      sizeof(why)), -1);
	assert_string_equal(why, "tunnel \"t\" has remote = gw.example, a "
			    "DNS name: the other gateway's local must be its "
			    "address; set remote to that address to mirror "
			    "the tunnel");
	sgw_conf_free(&c);
}

/* The swanctl.conf, exactly: names, lifetimes, actions and the key. */
static void swanctl_exact(void **state)
{
	static const uint8_t key[] = { 0x00, 0x01, 0xab, 0xff, 0x7f };
	struct sgw_conf c;
	struct sgw_conf_tunnel m;
	char why[256], *text;

	(void)state;
	parse_ok(HQ, &c);
	assert_int_equal(sgw_conf_peer_mirror(&c.tunnels[0], &m, why,
					      sizeof(why)), 0);
	text = print_of(sgw_conf_peer_swanctl, &m, key, sizeof(key));
	assert_string_equal(strstr(text, "connections {"),
		"connections {\n"
		"\thq {\n"
		"\t\tversion = 2\n"
		"\t\tlocal_addrs = 198.51.100.1\n"
		"\t\tremote_addrs = 192.0.2.1\n"
		"\t\tproposals = aes256gcm16-prfsha384-ecp384, "
		"aes128-sha256-prfsha256-modp3072\n"
		"\t\trekey_time = 14220s\n"
		"\t\tover_time = 180s\n"
		"\t\trand_time = 60s\n"
		"\t\tdpd_delay = 10s\n"
		"\t\tlocal {\n\t\t\tauth = psk\n"
		"\t\t\tid = gw@branch.example\n\t\t}\n"
		"\t\tremote {\n\t\t\tauth = psk\n"
		"\t\t\tid = @hq.example\n\t\t}\n"
		"\t\tchildren {\n"
		"\t\t\thq {\n"
		"\t\t\t\tmode = tunnel\n"
		"\t\t\t\tlocal_ts = 10.2.0.0/16\n"
		"\t\t\t\tremote_ts = 10.1.0.0/16, fd01::/64\n"
		"\t\t\t\tesp_proposals = aes256gcm16-ecp384-esn, "
		"chacha20poly1305-esn\n"
		"\t\t\t\tlife_time = 1800s\n"
		"\t\t\t\trekey_time = 1620s\n"
		"\t\t\t\trand_time = 60s\n"
		"\t\t\t\tlife_bytes = 1000000\n"
		"\t\t\t\treplay_window = 1024\n"
		"\t\t\t\tstart_action = start\n"
		"\t\t\t\tdpd_action = trap\n"
		"\t\t\t}\n\t\t}\n\t}\n}\n"
		"secrets {\n"
		"\tike-hq {\n"
		"\t\tid-local = gw@branch.example\n"
		"\t\tid-remote = @hq.example\n"
		"\t\tsecret = 0x0001abff7f\n"
		"\t}\n}\n");
	assert_non_null(strstr(text, "install -m 0600 "));
	free(text);
	sgw_conf_free(&c);
}

/* Defaults: on demand is a trap, no rekey without auto-refresh, any. */
static void swanctl_defaults(void **state)
{
	static const uint8_t key[] = { 0x42 };
	struct sgw_conf c;
	struct sgw_conf_tunnel m;
	char why[256], *text;

	(void)state;
	parse_ok("[tunnel t]\nid = 1\nlocal = 2001:db8::1\n"
		 "remote = 2001:db8::2\nremote-id = keyid:00ff\n"
		 "psk-file = /k\nlocal-networks = 2001:db8:1::/48\n"
		 "ike-proposals = aes128gcm16-prfsha256-curve25519\n"
		 "esp-proposals = aes128-sha256\n"
		 "auto-refresh = off\nreauth = yes\n", &c);
	assert_int_equal(sgw_conf_peer_mirror(&c.tunnels[0], &m, why,
					      sizeof(why)), 0);
	text = print_of(sgw_conf_peer_swanctl, &m, key, sizeof(key));
	assert_non_null(strstr(text, "\t\tlocal_addrs = 2001:db8::2\n"
			       "\t\tremote_addrs = 2001:db8::1\n"
			       "\t\tproposals = aes128gcm16-prfsha256-"
			       "curve25519\n"
			       "\t\treauth_time = 13860s\n"));
	assert_non_null(strstr(text, "\t\t\tid = @#00ff\n"));
	assert_non_null(strstr(text, "\t\t\tid = 2001:db8::1\n"));
	assert_non_null(strstr(text, "local_ts = 0.0.0.0/0, ::/0\n"
			       "\t\t\t\tremote_ts = 2001:db8:1::/48\n"
			       "\t\t\t\tesp_proposals = aes128-sha256\n"
			       "\t\t\t\tlife_time = 3600s\n"
			       "\t\t\t\trekey_time = 0s\n"));
	assert_non_null(strstr(text, "start_action = trap\n"
			       "\t\t\t\tdpd_action = restart\n"));
	assert_non_null(strstr(text, "secret = 0x42\n"));
	assert_null(strstr(text, "life_bytes"));
	free(text);
	/* An IPv6 host in scp's syntax. */
	text = print_of(NULL, &m, NULL, 0);
	assert_non_null(strstr(text, "scp -p /k root@[2001:db8::2]:/k\n"));
	free(text);
	sgw_conf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mirror_round_trip),
		cmocka_unit_test(mirror_default_ids),
		cmocka_unit_test(mirror_refuses_local_auto),
		cmocka_unit_test(swanctl_exact),
		cmocka_unit_test(swanctl_defaults),
	};

	return cmocka_run_group_tests_name("peer", tests, NULL, NULL);
}
