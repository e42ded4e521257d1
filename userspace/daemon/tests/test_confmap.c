// SPDX-License-Identifier: GPL-2.0
/* sgw.conf to engine and kernel settings, and reading the PSK file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "conf_parse.h"
#include "ike_engine.h"
#include "ike_payload.h"
#include "confmap.h"

static void parse(const char *text, struct sgw_conf *conf)
{
	struct sgw_conf_error err;

	if (sgw_conf_parse_buffer("t.conf", text, strlen(text), 0, conf, &err))
		fail_msg("%s", err.text);
}

static const char base[] =
	"[global]\nhalf-open-limit = 7\n"
	"[tunnel hq]\nid = 3\nlocal = 192.0.2.1\nremote = 198.51.100.1\n"
	"psk-file = /etc/sgw/hq.psk\n";

static void test_defaults(void **state)
{
	struct ike_tunnel_config c;
	struct ike_engine_config e;
	struct sgw_conf conf;
	char err[256], buf[512];

	(void)state;
	parse(base, &conf);
	confmap_engine(&conf.global, &e);
	assert_int_equal(e.cookie_threshold, 7);
	assert_int_equal(confmap_tunnel(&conf.tunnels[0], &c, err, sizeof(err)), 0);
	assert_int_equal(c.id, 3);
	assert_string_equal(c.name, "hq");
	assert_int_equal(c.local.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&c.remote)->sin_port), 500);
	/* Identities default to the SGW addresses. */
	assert_int_equal(c.local_id.type, IKE_ID_IPV4_ADDR);
	assert_memory_equal(c.local_id.data, "\xc0\x00\x02\x01", 4);
	assert_int_equal(c.remote_id.type, IKE_ID_IPV4_ADDR);
	assert_memory_equal(c.remote_id.data, "\xc6\x33\x64\x01", 4);
	/* The man page's default proposals, in the engine's notation. */
	ike_proposals_format(c.ike, c.n_ike, buf, sizeof(buf));
	assert_string_equal(buf, "aes256gcm16-aes128gcm16-prfsha384-prfsha256-"
			    "prfsha512-curve25519-ecp384-ecp256-ecp521-modp3072-"
			    "modp4096-modp2048, aes256-aes128-sha384-sha256-"
			    "sha512-prfsha384-prfsha256-prfsha512-curve25519-"
			    "ecp384-ecp256-ecp521-modp3072-modp4096-modp2048");
	ike_proposals_format(c.esp, c.n_esp, buf, sizeof(buf));
	assert_string_equal(buf, "aes256gcm16-aes128gcm16-chacha20poly1305, "
			    "aes256-aes128-sha256-sha384-sha512");
	/* any on both sides: both families, whole address space. */
	ike_ts_list_format(&c.local_ts, buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0/0, ::/0");
	ike_ts_list_format(&c.remote_ts, buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0/0, ::/0");
	/* child-lifetime 1h, rekey-margin 9m; retransmit 4s x 5. */
	assert_int_equal(c.child_hard_s, 3600);
	assert_int_equal(c.child_soft_s, 3600 - 540);
	assert_int_equal(c.retrans_timeout_ms, 4000);
	assert_int_equal(c.retrans_tries, 5);
	assert_false(c.protect_gateways);
	assert_int_equal(c.psk_len, 0);
	/* NAT traversal on, no forced encapsulation, charon's keepalive. */
	assert_true(c.nat_traversal);
	assert_false(c.encap);
	assert_int_equal(c.keepalive_ms, 20000);
	sgw_conf_free(&conf);
}

/* A reload names what it changes in the engine, in the file's words. */
static void test_engine_changes(void **state)
{
	struct ike_engine_config before, after;
	struct sgw_conf conf;
	char buf[64];

	(void)state;
	parse(base, &conf);
	confmap_engine(&conf.global, &before);
	sgw_conf_free(&conf);
	parse("[global]\nhalf-open-limit = 0\n", &conf);
	confmap_engine(&conf.global, &after);
	sgw_conf_free(&conf);
	confmap_engine_changes(&before, &after, buf, sizeof(buf));
	assert_string_equal(buf, "half-open-limit 7 -> 0");
	assert_int_equal(after.cookie_threshold, 0);
	assert_int_equal(after.half_open_max, 1024);
	confmap_engine_changes(&after, &after, buf, sizeof(buf));
	assert_string_equal(buf, "");
	/* Above the default cap, the cap follows the limit. */
	parse("[global]\nhalf-open-limit = 5000\n", &conf);
	confmap_engine(&conf.global, &after);
	sgw_conf_free(&conf);
	assert_int_equal(after.half_open_max, 5000);
	confmap_engine_changes(&before, &after, buf, sizeof(buf));
	assert_string_equal(buf, "half-open-limit 7 -> 5000");
}

static void test_explicit(void **state)
{
	static const char text[] =
		"[tunnel b]\nid = 9\nlocal = 2001:db8::1\nremote = 2001:db8::2\n"
		"psk-file = /k\nlocal-id = @gw.example\n"
		"remote-id = email:peer@example.org\n"
		"local-networks = 10.1.0.0/16, fd01::/64\n"
		"remote-networks = any\n"
		"ike-proposals = aes128-sha512-modp2048, aes128gcm16-prfsha256-ecp256\n"
		"esp-proposals = chacha20poly1305-ecp256\nesn = yes\n"
		"child-lifetime = 20m\nrekey-margin = 1m\nrekey-jitter = 1m\n"
		"ike-lifetime = 1h\nauto-refresh = off\n"
		"retransmit-timeout = 2s\nretransmit-tries = 3\n"
		"encap = yes\nnat-keepalive = 5s\n";
	struct ike_tunnel_config c;
	struct sgw_conf conf;
	char err[256], buf[512];

	(void)state;
	parse(text, &conf);
	assert_int_equal(confmap_tunnel(&conf.tunnels[0], &c, err, sizeof(err)), 0);
	assert_int_equal(c.local.ss_family, AF_INET6);
	ike_identity_format(&c.local_id, buf, sizeof(buf));
	assert_string_equal(buf, "fqdn:gw.example");
	ike_identity_format(&c.remote_id, buf, sizeof(buf));
	assert_string_equal(buf, "email:peer@example.org");
	/* CBC without a PRF: the integrity hash brings it, as strongSwan does. */
	ike_proposals_format(c.ike, c.n_ike, buf, sizeof(buf));
	assert_string_equal(buf, "aes128-sha512-prfsha512-modp2048, "
			    "aes128gcm16-prfsha256-ecp256");
	ike_proposals_format(c.esp, c.n_esp, buf, sizeof(buf));
	assert_string_equal(buf, "chacha20poly1305-ecp256-esn");
	ike_ts_list_format(&c.local_ts, buf, sizeof(buf));
	assert_string_equal(buf, "10.1.0.0/16, fd01::/64");
	/* "any" opposite two families: both, as whole spaces. */
	ike_ts_list_format(&c.remote_ts, buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0/0, ::/0");
	/* auto-refresh off: no soft expiry. */
	assert_int_equal(c.child_hard_s, 1200);
	assert_int_equal(c.child_soft_s, 0);
	assert_int_equal(c.retrans_timeout_ms, 2000);
	assert_int_equal(c.retrans_tries, 3);
	/* NAT traversal as written. */
	assert_true(c.nat_traversal);
	assert_true(c.encap);
	assert_int_equal(c.keepalive_ms, 5000);
	sgw_conf_free(&conf);
}

static void test_any_follows_other_family(void **state)
{
	static const char text[] =
		"[tunnel v6]\nid = 1\nlocal = 2001:db8::1\nremote = 2001:db8::2\n"
		"psk-file = /k\nremote-networks = fd02::/64\n";
	struct ike_tunnel_config c;
	struct sgw_conf_tunnel *t;
	struct sgw_tunnel_config k;
	struct sgw_conf conf;
	char err[256], buf[512];

	(void)state;
	parse(text, &conf);
	t = &conf.tunnels[0];
	assert_int_equal(confmap_tunnel(t, &c, err, sizeof(err)), 0);
	ike_ts_list_format(&c.local_ts, buf, sizeof(buf));
	assert_string_equal(buf, "::/0");
	ike_ts_list_format(&c.remote_ts, buf, sizeof(buf));
	assert_string_equal(buf, "fd02::/64");
	/* The kernel tunnel keeps "any" as an empty list. */
	confmap_kernel_tunnel(t, &k);
	assert_true(k.set_local && k.set_remote && k.set_enabled);
	assert_int_equal(k.local.family, AF_INET6);
	assert_int_equal(k.local_ts.n, 0);
	assert_int_equal(k.remote_ts.n, 1);
	assert_int_equal(k.remote_ts.v[0].len, 64);
	assert_true(k.enabled);
	assert_true(k.set_protect_gw);
	assert_false(k.protect_gw);
	sgw_conf_free(&conf);
}

/* protect-gateways reaches both the engine and the kernel tunnel. */
static void test_protect_gateways(void **state)
{
	static const char text[] =
		"[tunnel gw]\nid = 3\nlocal = 192.0.2.1\nremote = 198.51.100.1\n"
		"psk-file = /k\nprotect-gateways = yes\n";
	struct ike_tunnel_config c;
	struct sgw_tunnel_config k;
	struct sgw_conf conf;
	char err[256];

	(void)state;
	parse(text, &conf);
	assert_int_equal(confmap_tunnel(&conf.tunnels[0], &c, err,
					sizeof(err)), 0);
	assert_true(c.protect_gateways);
	confmap_kernel_tunnel(&conf.tunnels[0], &k);
	assert_true(k.set_protect_gw);
	assert_true(k.protect_gw);
	sgw_conf_free(&conf);
}

/* The path MTU keys reach the kernel tunnel, in the kernel's terms. */
static void test_pmtu_keys(void **state)
{
	struct sgw_tunnel_config k;
	struct sgw_conf conf;
	char text[512];

	(void)state;
	parse(base, &conf);
	confmap_kernel_tunnel(&conf.tunnels[0], &k);
	assert_true(k.set_mtu && k.set_mss && k.set_outer_df && k.set_fragment);
	assert_int_equal(k.mtu, 0);
	assert_int_equal(k.mss, 0);
	assert_int_equal(k.outer_df, SGW_OUTER_DF_CLEAR);
	assert_int_equal(k.fragment, SGW_FRAGMENT_BEFORE);
	sgw_conf_free(&conf);
	snprintf(text, sizeof(text), "%smtu = 1400\nmss = 1300\n"
		 "outer-df = copy\nfragment = after-encryption\n", base);
	parse(text, &conf);
	confmap_kernel_tunnel(&conf.tunnels[0], &k);
	assert_int_equal(k.mtu, 1400);
	assert_int_equal(k.mss, 1300);
	assert_int_equal(k.outer_df, SGW_OUTER_DF_COPY);
	assert_int_equal(k.fragment, SGW_FRAGMENT_AFTER);
	/* Alone: nothing but the four. */
	memset(&k, 0, sizeof(k));
	confmap_kernel_pmtu(&conf.tunnels[0], &k);
	assert_false(k.set_local || k.set_remote || k.set_local_ts ||
		     k.set_remote_ts || k.set_enabled || k.set_protect_gw);
	assert_int_equal(k.mtu, 1400);
	sgw_conf_free(&conf);
	snprintf(text, sizeof(text), "%smss = off\nouter-df = set\n", base);
	parse(text, &conf);
	confmap_kernel_tunnel(&conf.tunnels[0], &k);
	assert_int_equal(k.mss, SGW_MSS_OFF);
	assert_int_equal(k.outer_df, SGW_OUTER_DF_SET);
	sgw_conf_free(&conf);
}

/* in_place TEXT_AFTER: confmap_in_place() of base -> base + @extra. */
static bool in_place(const char *extra, char *keys, size_t len)
{
	struct sgw_conf a, b;
	char text[1024];
	bool r;

	parse(base, &a);
	snprintf(text, sizeof(text), "%s%s", base, extra);
	parse(text, &b);
	r = confmap_in_place(&a.tunnels[0], &b.tunnels[0], keys, len);
	sgw_conf_free(&a);
	sgw_conf_free(&b);
	return r;
}

/* Which reloads keep the SAs: only changes the peer never sees. */
static void test_in_place(void **state)
{
	char keys[256];

	(void)state;
	assert_true(in_place("mtu = 1400\nmss = off\nouter-df = set\n"
			     "fragment = after-encryption\n", keys,
			     sizeof(keys)));
	assert_string_equal(keys, "mtu, mss, outer-df, fragment");
	assert_true(in_place("child-lifetime = 2h\nike-lifetime = 8h\n"
			     "rekey-margin = 5m\nrekey-jitter = 1m\n"
			     "life-bytes = 1G\nlife-packets = 1000000\n"
			     "auto-refresh = off\nreauth = yes\n"
			     "dpd-delay = 10s\ndpd-action = clear\n"
			     "retransmit-tries = 3\nretransmit-timeout = 2s\n"
			     "replay-window = 64\n", keys, sizeof(keys)));
	assert_string_equal(keys, "ike-lifetime, child-lifetime, "
			    "rekey-margin, rekey-jitter, life-bytes, "
			    "life-packets, auto-refresh, reauth, dpd-delay, "
			    "dpd-action, retransmit-tries, retransmit-timeout, "
			    "replay-window");
	assert_true(in_place("routes = no\nroute-table = 100\n"
			     "route-metric = 50\n", keys, sizeof(keys)));
	assert_string_equal(keys, "routes, route-table, route-metric");
	/* Nothing changed is not an in-place update. */
	assert_false(in_place("", keys, sizeof(keys)));
	/* What the peer sees, or the device, takes a new negotiation. */
	assert_false(in_place("esp-proposals = aes128gcm16\n", keys,
			      sizeof(keys)));
	assert_false(in_place("mtu = 1400\nremote-networks = 10.2.0.0/16\n",
			      keys, sizeof(keys)));
	assert_false(in_place("remote-id = @peer.example\n", keys,
			      sizeof(keys)));
	assert_false(in_place("protect-gateways = yes\n", keys, sizeof(keys)));
	assert_false(in_place("interface = hq0\n", keys, sizeof(keys)));
	assert_false(in_place("enabled = no\n", keys, sizeof(keys)));
	assert_false(in_place("start = at-start\n", keys, sizeof(keys)));
}

static void test_refused(void **state)
{
	static const char text[] =
		"[tunnel br]\nid = 2\nremote = 198.51.100.1\npsk-file = /k\n"
		"local-id = @br.example\n";
	struct ike_tunnel_config c;
	struct sgw_conf conf;
	char err[256];

	(void)state;
	parse(text, &conf);
	assert_int_equal(confmap_tunnel(&conf.tunnels[0], &c, err, sizeof(err)), -1);
	/* local = auto is the caller's to resolve first. */
	assert_string_equal(err, "tunnel \"br\": local = auto was not resolved "
			    "to an address of this host");
	sgw_conf_free(&conf);
}

static char path[64];

static void write_key(const char *content, size_t len, mode_t mode)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/sgw-psk-XXXXXX");
	close(mkstemp(path));
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	fclose(f);
	chmod(path, mode);
}

static void test_psk(void **state)
{
	uint8_t psk[IKE_PSK_MAX];
	char warn[256], err[256], want[512], big[400];
	size_t len;

	(void)state;
	write_key("s3cret-s3cret-s3cret\r\n", 22, 0600);
	assert_int_equal(confmap_read_psk(path, psk, &len, warn, sizeof(warn),
					  err, sizeof(err)), 0);
	assert_int_equal(len, 20);
	assert_memory_equal(psk, "s3cret-s3cret-s3cret", 20);
	assert_string_equal(warn, "");
	unlink(path);
	/* strongSwan's encodings: one string for both ends. */
	write_key("0sczNjcmV0LXMzY3JldC1zM2NyZXQ=\n", 31, 0600);
	assert_int_equal(confmap_read_psk(path, psk, &len, warn, sizeof(warn),
					  err, sizeof(err)), 0);
	assert_int_equal(len, 20);
	assert_memory_equal(psk, "s3cret-s3cret-s3cret", 20);
	unlink(path);
	write_key("0x73336372", 10, 0600);
	assert_int_equal(confmap_read_psk(path, psk, &len, warn, sizeof(warn),
					  err, sizeof(err)), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(psk, "s3cr", 4);
	/* A short key is used, with a warning. */
	snprintf(want, sizeof(want), "psk-file %s holds a key of only 4 bytes; "
		 "use at least 16 random bytes ('sgwctl genpsk' makes 32)",
		 path);
	assert_string_equal(warn, want);
	unlink(path);
	write_key("s3cret-s3cret-s3cret\n", 21, 0600);
	/* Readable by others: refused, as sshd refuses such keys. */
	chmod(path, 0644);
	assert_int_equal(confmap_read_psk(path, psk, &len, warn, sizeof(warn),
					  err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "psk-file %s is readable by others: "
		 "refused; 'chmod 600 %s' keeps the key to root", path, path);
	assert_string_equal(err, want);
	assert_null(strstr(err, "s3cret"));
	/* Writable by the group: anyone in it could choose the key. */
	chmod(path, 0620);
	assert_int_equal(confmap_read_psk(path, psk, &len, warn, sizeof(warn),
					  err, sizeof(err)), -1);
	assert_non_null(strstr(err, "writable by its group: refused"));
	/* Readable by the group: used, with a warning without the key. */
	chmod(path, 0640);
	assert_int_equal(confmap_read_psk(path, psk, &len, warn, sizeof(warn),
					  err, sizeof(err)), 0);
	assert_non_null(strstr(warn, "readable by its group"));
	unlink(path);

	write_key("\n", 1, 0600);
	assert_int_equal(confmap_read_psk(path, psk, &len, warn, sizeof(warn),
					  err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "psk-file %s is empty: put the pre-shared "
		 "key in it ('sgwctl genpsk' makes one)", path);
	assert_string_equal(err, want);
	unlink(path);

	memset(big, 'k', sizeof(big));
	write_key(big, sizeof(big), 0600);
	assert_int_equal(confmap_read_psk(path, psk, &len, warn, sizeof(warn),
					  err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "psk-file %s: the key is longer than 256 "
		 "bytes", path);
	assert_string_equal(err, want);
	unlink(path);

	assert_int_equal(confmap_read_psk("/nonexistent/k", psk, &len, warn,
					  sizeof(warn), err, sizeof(err)), -1);
	assert_string_equal(err, "psk-file /nonexistent/k: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_explicit),
		cmocka_unit_test(test_engine_changes),
		cmocka_unit_test(test_any_follows_other_family),
		cmocka_unit_test(test_protect_gateways),
		cmocka_unit_test(test_pmtu_keys),
		cmocka_unit_test(test_in_place),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_psk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
