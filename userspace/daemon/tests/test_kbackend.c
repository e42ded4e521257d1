// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel backend: algorithms, key layout, SPIs, options, failures and
 * the negotiated selectors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "ike_alg.h"
#include "ike_ts.h"
#include "kbackend.h"

/*
 * A fake of the netlink calls the backend makes (nl.h), linked in place
 * of lib/nl.c: records what it is given.
 */
struct fake {
	int adds, dels, sets;
	struct sgw_sa_request req;
	uint8_t key[SGW_KEY_MAX];
	struct sgw_sa_id del;
	struct sgw_tunnel_ref ref;
	struct sgw_tunnel_config set;
	int fail_with, set_fails_with;
	int port_sets;
	struct sgw_sa_id port_id[2];
	uint16_t sport[2], dport[2];
	char log[512];
	int logs;
	uint32_t dumped;		/* the tunnel of the last SA dump */
	int dump_fails_with;
	struct sgw_ipaddr kremote;	/* the kernel tunnel's remote */
	int gets;
};

static struct fake fk;

int sgwnl_sa_add(struct sgwnl *nl, const struct sgw_sa_request *req)
{
	(void)nl;
	fk.adds++;
	fk.req = *req;
	memcpy(fk.key, req->key, req->key_len);
	return fk.fail_with;
}

int sgwnl_sa_del(struct sgwnl *nl, const struct sgw_sa_id *id)
{
	(void)nl;
	fk.dels++;
	fk.del = *id;
	return fk.fail_with;
}

int sgwnl_tunnel_set(struct sgwnl *nl, const struct sgw_tunnel_ref *ref,
		     const struct sgw_tunnel_config *cfg)
{
	(void)nl;
	fk.sets++;
	fk.ref = *ref;
	fk.set = *cfg;
	if (!fk.set_fails_with && cfg->set_remote)
		fk.kremote = cfg->remote;
	return fk.set_fails_with;
}

int sgwnl_tunnel_get(struct sgwnl *nl, const struct sgw_tunnel_ref *ref,
		     struct sgw_tunnel_info *out)
{
	(void)nl;
	fk.gets++;
	memset(out, 0, sizeof(*out));
	out->id = ref->id;
	out->remote = fk.kremote;
	return 0;
}

int sgwnl_sa_set_ports(struct sgwnl *nl, const struct sgw_sa_id *id,
		       uint16_t sport, uint16_t dport)
{
	(void)nl;
	if (fk.port_sets < 2) {
		fk.port_id[fk.port_sets] = *id;
		fk.sport[fk.port_sets] = sport;
		fk.dport[fk.port_sets] = dport;
	}
	fk.port_sets++;
	return 0;
}

/* Tunnel 5's SAs: two outbound (an old one and its successor), one in. */
int sgwnl_sa_dump(struct sgwnl *nl, uint32_t tunnel_id,
		  struct sgw_sa_list *out)
{
	static const struct { unsigned int dir; uint64_t packets; } v[] = {
		{ SGW_DIR_OUT, 7 }, { SGW_DIR_IN, 1000 }, { SGW_DIR_OUT, 35 },
	};
	size_t i;

	(void)nl;
	fk.dumped = tunnel_id;
	if (fk.dump_fails_with)
		return fk.dump_fails_with;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct sgw_sa_info sa = { .tunnel_id = tunnel_id,
					  .dir = v[i].dir,
					  .packets = v[i].packets };

		assert_int_equal(sgw_sa_list_push(out, &sa), 0);
	}
	return 0;
}

const char *sgwnl_error(const struct sgwnl *nl)
{
	(void)nl;
	return "SPI already in use";
}

static void fake_log(void *ctx, uint32_t tunnel, const char *msg)
{
	struct fake *f = ctx;

	(void)tunnel;
	f->logs++;
	snprintf(f->log, sizeof(f->log), "%s", msg);
}

static struct kbackend kb;
static struct ike_kernel kern;
/* Tunnel 5 as configured: 10.1.0.0/16 here, 10.2.0.0/16 there. */
static struct sgw_ts conf_local, conf_remote;

static void prefix(struct sgw_ts *ts, const char *addr, unsigned int len)
{
	struct sgw_ipprefix *p = &ts->v[ts->n++];

	memset(p, 0, sizeof(*p));
	p->addr.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(p->addr.family, addr, p->addr.bytes), 1);
	p->len = len;
}

static int setup(void **state)
{
	const struct kb_tunnel_opts o = {
		.replay_window = 128, .life_bytes = 1000, .life_packets = 0,
	};

	(void)state;
	memset(&fk, 0, sizeof(fk));
	memset(&conf_local, 0, sizeof(conf_local));
	memset(&conf_remote, 0, sizeof(conf_remote));
	prefix(&conf_local, "10.1.0.0", 16);
	prefix(&conf_remote, "10.2.0.0", 16);
	kb_init(&kb, NULL, fake_log, &fk);
	assert_int_equal(kb_tunnel_set(&kb, 5, &o, &conf_local, &conf_remote), 0);
	kb_kernel(&kb, &kern);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kb_free(&kb);
	return 0;
}

static void test_alg_map(void **state)
{
	(void)state;
	assert_int_equal(kb_alg(IKE_ENCR_AES_GCM_16, 128, 0), SGW_ALG_AES_GCM_128);
	assert_int_equal(kb_alg(IKE_ENCR_AES_GCM_16, 256, 0), SGW_ALG_AES_GCM_256);
	assert_int_equal(kb_alg(IKE_ENCR_AES_GCM_16, 192, 0), SGW_ALG_UNSPEC);
	assert_int_equal(kb_alg(IKE_ENCR_CHACHA20_POLY1305, 0, 0),
			 SGW_ALG_CHACHA20_POLY1305);
	assert_int_equal(kb_alg(IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128),
			 SGW_ALG_AES_CBC_128_SHA256);
	assert_int_equal(kb_alg(IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_256_128),
			 SGW_ALG_AES_CBC_256_SHA256);
	assert_int_equal(kb_alg(IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_384_192),
			 SGW_ALG_AES_CBC_128_SHA384);
	assert_int_equal(kb_alg(IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_384_192),
			 SGW_ALG_AES_CBC_256_SHA384);
	assert_int_equal(kb_alg(IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_512_256),
			 SGW_ALG_AES_CBC_128_SHA512);
	assert_int_equal(kb_alg(IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_512_256),
			 SGW_ALG_AES_CBC_256_SHA512);
	assert_int_equal(kb_alg(IKE_ENCR_AES_CBC, 192, IKE_INTEG_HMAC_SHA2_512_256),
			 SGW_ALG_UNSPEC);
	assert_int_equal(kb_alg(IKE_ENCR_AES_CBC, 128, 0), SGW_ALG_UNSPEC);
	assert_int_equal(kb_alg(IKE_ENCR_AES_GCM_16, 128,
				IKE_INTEG_HMAC_SHA2_256_128), SGW_ALG_UNSPEC);
}

static uint8_t ek[36], ak[64];

static struct ike_kernel_sa ksa(uint16_t encr, uint16_t bits, uint16_t integ,
				size_t elen, size_t alen)
{
	struct ike_kernel_sa sa = {
		.tunnel = 5, .dir = IKE_DIR_IN, .spi = htonl(0xc0ffee01),
		.mode = IKE_MODE_TUNNEL, .encr = encr, .encr_bits = bits,
		.integ = integ, .enc_key = ek, .enc_key_len = elen,
		.integ_key = alen ? ak : NULL, .integ_key_len = alen,
		.soft_lifetime_s = 3060, .hard_lifetime_s = 3600,
	};
	size_t i;

	for (i = 0; i < sizeof(ek); i++)
		ek[i] = (uint8_t)(0x10 + i);
	for (i = 0; i < sizeof(ak); i++)
		ak[i] = (uint8_t)(0xa0 + i);
	return sa;
}

static void test_gcm_inbound(void **state)
{
	struct ike_kernel_sa sa = ksa(IKE_ENCR_AES_GCM_16, 128, 0, 20, 0);

	(void)state;
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.adds, 1);
	assert_int_equal(fk.req.sa.tunnel_id, 5);
	/* The engine's SPI is in network order, the kernel's a number. */
	assert_int_equal(fk.req.sa.spi, 0xc0ffee01);
	assert_int_equal(fk.req.sa.dir, SGW_DIR_IN);
	assert_int_equal(fk.req.sa.mode, SGW_MODE_TUNNEL);
	assert_int_equal(fk.req.sa.alg, SGW_ALG_AES_GCM_128);
	/* key || salt, as KEYMAT gives them. */
	assert_int_equal(fk.req.key_len, 20);
	assert_memory_equal(fk.key, ek, 20);
	assert_true(fk.req.replay_window_given);
	assert_int_equal(fk.req.sa.replay_window, 128);
	assert_int_equal(fk.req.sa.soft_seconds, 3060);
	assert_int_equal(fk.req.sa.hard_seconds, 3600);
	assert_int_equal(fk.req.sa.hard_bytes, 1000);
	assert_int_equal(fk.req.sa.soft_bytes, 900);
	assert_int_equal(fk.req.sa.hard_packets, 0);
	assert_int_equal(fk.req.sa.soft_packets, 0);
}

static void test_cbc_outbound(void **state)
{
	struct ike_kernel_sa sa = ksa(IKE_ENCR_AES_CBC, 256,
				      IKE_INTEG_HMAC_SHA2_256_128, 32, 32);

	(void)state;
	sa.dir = IKE_DIR_OUT;
	sa.esn = true;
	sa.tunnel = 6;		/* no options: kernel defaults */
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.req.sa.alg, SGW_ALG_AES_CBC_256_SHA256);
	assert_int_equal(fk.req.sa.dir, SGW_DIR_OUT);
	assert_true(fk.req.sa.esn);
	assert_false(fk.req.replay_window_given);
	/* AES key || HMAC key. */
	assert_int_equal(fk.req.key_len, 64);
	assert_memory_equal(fk.key, ek, 32);
	assert_memory_equal(fk.key + 32, ak, 32);
}

static void test_chacha(void **state)
{
	struct ike_kernel_sa sa = ksa(IKE_ENCR_CHACHA20_POLY1305, 0, 0, 36, 0);

	(void)state;
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.req.sa.alg, SGW_ALG_CHACHA20_POLY1305);
	assert_int_equal(fk.req.key_len, 36);
	assert_memory_equal(fk.key, ek, 36);
}

/* RFC 4868 in ESP: AES key, then the whole 48- or 64-byte HMAC key. */
static void test_cbc_sha2_long(void **state)
{
	struct ike_kernel_sa sa = ksa(IKE_ENCR_AES_CBC, 128,
				      IKE_INTEG_HMAC_SHA2_384_192, 16, 48);

	(void)state;
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.req.sa.alg, SGW_ALG_AES_CBC_128_SHA384);
	assert_int_equal(fk.req.key_len, 64);
	assert_memory_equal(fk.key, ek, 16);
	assert_memory_equal(fk.key + 16, ak, 48);
	sa = ksa(IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_512_256, 32, 64);
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.req.sa.alg, SGW_ALG_AES_CBC_256_SHA512);
	assert_int_equal(fk.req.key_len, 96);
	assert_memory_equal(fk.key, ek, 32);
	assert_memory_equal(fk.key + 32, ak, 64);
	assert_int_equal(fk.req.sa.encap_sport, 0);
	assert_int_equal(fk.req.sa.encap_dport, 0);
}

/*
 * A NAT mapping moved: the kernel tunnel's remote changes keeping its SAs,
 * inbound SPORT and outbound DPORT become the peer's new port.
 */
static void test_move(void **state)
{
	struct sockaddr_storage l, r;
	struct sockaddr_in *l4 = (struct sockaddr_in *)&l;
	struct sockaddr_in *r4 = (struct sockaddr_in *)&r;

	(void)state;
	memset(&l, 0, sizeof(l));
	memset(&r, 0, sizeof(r));
	l4->sin_family = r4->sin_family = AF_INET;
	inet_pton(AF_INET, "198.51.100.1", &l4->sin_addr);
	inet_pton(AF_INET, "203.0.113.5", &r4->sin_addr);
	l4->sin_port = htons(4500);
	r4->sin_port = htons(41001);
	assert_int_equal(kern.move(kern.ctx, 5, &l, &r, htonl(0x11), htonl(0x22),
				   true), 0);
	assert_int_equal(fk.sets, 1);
	assert_int_equal(fk.ref.id, 5);
	assert_true(fk.set.set_remote && fk.set.keep_sas);
	assert_false(fk.set.set_local);
	assert_int_equal(fk.set.remote.family, AF_INET);
	assert_memory_equal(fk.set.remote.bytes, "\xcb\x00\x71\x05", 4);
	assert_int_equal(fk.port_sets, 2);
	assert_int_equal(fk.port_id[0].spi, 0x11);
	assert_int_equal(fk.port_id[0].dir, SGW_DIR_IN);
	assert_int_equal(fk.sport[0], 41001);
	assert_int_equal(fk.dport[0], 4500);
	assert_int_equal(fk.port_id[1].spi, 0x22);
	assert_int_equal(fk.port_id[1].dir, SGW_DIR_OUT);
	assert_int_equal(fk.sport[1], 4500);
	assert_int_equal(fk.dport[1], 41001);
	/* Plain ESP: only the address. */
	memset(&fk, 0, sizeof(fk));
	assert_int_equal(kern.move(kern.ctx, 5, &l, &r, htonl(0x11), 0, false),
			 0);
	assert_int_equal(fk.sets, 1);
	assert_int_equal(fk.port_sets, 0);
}

/* NAT traversal: the engine's ESP-in-UDP ports reach the kernel as given. */
/*
 * remote = any: the inbound SA of a new pair first sets the kernel
 * tunnel's remote to the peer's address, when it differs; SAs kept when
 * an address of the family was there before.
 */
static void test_remote_any(void **state)
{
	const struct kb_tunnel_opts o = { .replay_window = 128,
					  .remote_any = true };
	struct ike_kernel_sa sa = ksa(IKE_ENCR_AES_GCM_16, 128, 0, 20, 0);
	struct sockaddr_storage peer = { 0 };
	struct sockaddr_in *p4 = (struct sockaddr_in *)&peer;
	uint8_t want[4] = { 198, 51, 100, 7 };

	(void)state;
	assert_int_equal(kb_tunnel_set(&kb, 5, &o, &conf_local, &conf_remote),
			 0);
	p4->sin_family = AF_INET;
	inet_pton(AF_INET, "198.51.100.7", &p4->sin_addr);
	sa.remote = &peer;
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.sets, 1);
	assert_int_equal(fk.ref.id, 5);
	assert_true(fk.set.set_remote);
	assert_false(fk.set.set_local || fk.set.set_enabled);
	assert_false(fk.set.keep_sas);
	assert_int_equal(fk.set.remote.family, AF_INET);
	assert_memory_equal(fk.set.remote.bytes, want, 4);
	assert_int_equal(fk.adds, 1);
	/* Outbound, and the next pair from there: nothing to change. */
	sa.dir = IKE_DIR_OUT;
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	sa.dir = IKE_DIR_IN;
	sa.spi = htonl(0xc0ffee02);
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.sets, 1);
	assert_int_equal(fk.adds, 3);
	/* The peer moved: the SAs there stay until the engine deletes them. */
	inet_pton(AF_INET, "198.51.100.9", &p4->sin_addr);
	sa.spi = htonl(0xc0ffee03);
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.sets, 2);
	assert_true(fk.set.keep_sas);
	want[3] = 9;
	assert_memory_equal(fk.set.remote.bytes, want, 4);
	/* Refused: no SA goes in, and the log says why. */
	fk.set_fails_with = -EINVAL;
	inet_pton(AF_INET, "198.51.100.10", &p4->sin_addr);
	sa.spi = htonl(0xc0ffee04);
	assert_int_not_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.adds, 4);
	assert_string_equal(fk.log, "cannot set the kernel tunnel's remote to "
			    "the peer's address 198.51.100.10: SPI already in "
			    "use");
}

static void test_encap_ports(void **state)
{
	struct ike_kernel_sa sa = ksa(IKE_ENCR_AES_GCM_16, 128, 0, 20, 0);

	(void)state;
	sa.encap_sport = 40001;
	sa.encap_dport = 4500;
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.req.sa.encap_sport, 40001);
	assert_int_equal(fk.req.sa.encap_dport, 4500);
}

static void test_refusals(void **state)
{
	struct ike_kernel_sa sa = ksa(IKE_ENCR_AES_CBC, 192,
				      IKE_INTEG_HMAC_SHA2_512_256, 24, 64);

	(void)state;
	assert_int_equal(kern.add_sa(kern.ctx, &sa), -EOPNOTSUPP);
	assert_int_equal(fk.adds, 0);
	assert_string_equal(fk.log, "cannot install SA c0ffee01: the sgw data "
			    "plane has no ESP algorithm for encr12/192 with "
			    "sha512");
	/* Key material of the wrong length never reaches the kernel. */
	sa = ksa(IKE_ENCR_AES_GCM_16, 256, 0, 32, 0);
	assert_int_equal(kern.add_sa(kern.ctx, &sa), -EINVAL);
	assert_int_equal(fk.adds, 0);
	assert_string_equal(fk.log, "cannot install SA c0ffee01: aes-gcm-256 "
			    "needs 36 bytes of key material, the negotiation "
			    "gave 32");
	/* The SGW-to-SGW SA of protect-gateways goes in as transport mode. */
	sa = ksa(IKE_ENCR_AES_GCM_16, 256, 0, 36, 0);
	sa.mode = IKE_MODE_TRANSPORT;
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.req.sa.mode, SGW_MODE_TRANSPORT);
	assert_int_equal(fk.req.sa.alg, SGW_ALG_AES_GCM_256);
	fk.adds = 0;
	/* The kernel's refusal is logged with its reason. */
	sa = ksa(IKE_ENCR_AES_GCM_16, 256, 0, 36, 0);
	fk.fail_with = -EEXIST;
	assert_int_equal(kern.add_sa(kern.ctx, &sa), -EEXIST);
	assert_string_equal(fk.log, "the kernel refused SA c0ffee01: SPI already in use");
}

/* The keepalive timer's question: outbound ESP on the tunnel, summed. */
static void test_out_packets(void **state)
{
	uint64_t packets = 1;

	(void)state;
	assert_non_null(kern.out_packets);
	assert_int_equal(kern.out_packets(kern.ctx, 5, &packets), 0);
	assert_int_equal(fk.dumped, 5);
	assert_int_equal(packets, 42);
	fk.dump_fails_with = -ENOENT;
	assert_int_equal(kern.out_packets(kern.ctx, 5, &packets), -ENOENT);
	assert_int_equal(packets, 0);
}

static void test_delete(void **state)
{
	(void)state;
	assert_int_equal(kern.del_sa(kern.ctx, 5, IKE_DIR_OUT, htonl(0x1234)), 0);
	assert_int_equal(fk.dels, 1);
	assert_int_equal(fk.del.tunnel_id, 5);
	assert_int_equal(fk.del.spi, 0x1234);
	assert_int_equal(fk.del.dir, SGW_DIR_OUT);
	assert_int_equal(fk.logs, 0);
	/* Already gone (hard expiry): not an error. */
	fk.fail_with = -ENOENT;
	assert_int_equal(kern.del_sa(kern.ctx, 5, IKE_DIR_IN, htonl(0x1234)), 0);
	assert_int_equal(fk.logs, 0);
	fk.fail_with = -EPERM;
	assert_int_equal(kern.del_sa(kern.ctx, 5, IKE_DIR_IN, htonl(0x1234)), -EPERM);
	assert_string_equal(fk.log, "could not remove SA 00001234: SPI already in use");
}

/* "10.1.2.0-10.1.2.255" style ranges for the engine's side. */
static void ts_range(struct ike_ts_list *l, const char *start, const char *end)
{
	struct ike_ts *t = &l->ts[l->n++];
	int af = strchr(start, ':') ? AF_INET6 : AF_INET;

	memset(t, 0, sizeof(*t));
	t->type = af == AF_INET ? IKE_TS_IPV4_ADDR_RANGE : IKE_TS_IPV6_ADDR_RANGE;
	t->eport = 65535;
	assert_int_equal(inet_pton(af, start, t->start), 1);
	assert_int_equal(inet_pton(af, end, t->end), 1);
}

static void assert_prefix(const struct sgw_ts *ts, size_t i, const char *addr,
			  unsigned int len)
{
	char buf[SGW_PREFIX_STRLEN], want[SGW_PREFIX_STRLEN];

	assert_true(i < ts->n);
	sgw_prefix_format(&ts->v[i], buf, sizeof(buf));
	snprintf(want, sizeof(want), "%s/%u", addr, len);
	assert_string_equal(buf, want);
}

static void test_ts_prefixes(void **state)
{
	struct ike_ts_list l = { 0 };
	struct sgw_ts ts;

	(void)state;
	/* A subnet is one prefix. */
	ts_range(&l, "10.1.2.0", "10.1.2.255");
	assert_int_equal(kb_ts_prefixes(&l, &ts), 0);
	assert_int_equal(ts.n, 1);
	assert_prefix(&ts, 0, "10.1.2.0", 24);
	/* A range that is no subnet: the fewest prefixes covering it exactly. */
	l.n = 0;
	ts_range(&l, "10.0.0.1", "10.0.0.7");
	assert_int_equal(kb_ts_prefixes(&l, &ts), 0);
	assert_int_equal(ts.n, 3);
	assert_prefix(&ts, 0, "10.0.0.1", 32);
	assert_prefix(&ts, 1, "10.0.0.2", 31);
	assert_prefix(&ts, 2, "10.0.0.4", 30);
	l.n = 0;
	ts_range(&l, "10.0.0.1", "10.0.0.10");
	assert_int_equal(kb_ts_prefixes(&l, &ts), 0);
	assert_int_equal(ts.n, 5);
	assert_prefix(&ts, 3, "10.0.0.8", 31);
	assert_prefix(&ts, 4, "10.0.0.10", 32);
	/* IPv6, up to the last address of the family. */
	l.n = 0;
	ts_range(&l, "2001:db8::", "2001:db8::ffff");
	ts_range(&l, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
		 "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	assert_int_equal(kb_ts_prefixes(&l, &ts), 0);
	assert_int_equal(ts.n, 2);
	assert_prefix(&ts, 0, "2001:db8::", 112);
	assert_prefix(&ts, 1, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 127);
	/* Whole families are "any": the empty list. */
	l.n = 0;
	ts_range(&l, "0.0.0.0", "255.255.255.255");
	ts_range(&l, "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	assert_int_equal(kb_ts_prefixes(&l, &ts), 0);
	assert_int_equal(ts.n, 0);
	/* More prefixes than the kernel keeps. */
	l.n = 0;
	ts_range(&l, "0.0.0.1", "255.255.255.254");
	assert_int_equal(kb_ts_prefixes(&l, &ts), -E2BIG);
}

/*
 * The negotiated (narrowed) selectors reach the kernel tunnel before its
 * SA does, and the configured ones return with the last tunnel-mode SA.
 */
static void test_narrowed_selectors(void **state)
{
	struct ike_kernel_sa sa = ksa(IKE_ENCR_AES_GCM_16, 128, 0, 20, 0);
	struct ike_ts_list local = { 0 }, remote = { 0 };

	(void)state;
	ts_range(&local, "10.1.2.0", "10.1.2.255");
	ts_range(&remote, "10.2.0.1", "10.2.0.1");
	sa.local_ts = &local;
	sa.remote_ts = &remote;
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.sets, 1);
	assert_int_equal(fk.ref.id, 5);
	assert_true(fk.set.set_local_ts);
	assert_true(fk.set.set_remote_ts);
	assert_false(fk.set.set_local || fk.set.set_remote ||
		     fk.set.set_enabled);
	assert_int_equal(fk.set.local_ts.n, 1);
	assert_prefix(&fk.set.local_ts, 0, "10.1.2.0", 24);
	assert_int_equal(fk.set.remote_ts.n, 1);
	assert_prefix(&fk.set.remote_ts, 0, "10.2.0.1", 32);
	assert_int_equal(fk.adds, 1);
	/* Its outbound half: the kernel has these selectors already. */
	sa.dir = IKE_DIR_OUT;
	sa.spi = htonl(0xc0ffee02);
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.sets, 1);
	assert_int_equal(fk.adds, 2);
	/* The SGW-to-SGW SA (transport mode) leaves the selectors alone. */
	sa.mode = IKE_MODE_TRANSPORT;
	sa.spi = htonl(0xc0ffee03);
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.sets, 1);
	assert_int_equal(kern.del_sa(kern.ctx, 5, IKE_DIR_OUT,
				     htonl(0xc0ffee03)), 0);
	assert_int_equal(fk.sets, 1);
	/* One tunnel-mode SA left: still narrowed. */
	assert_int_equal(kern.del_sa(kern.ctx, 5, IKE_DIR_OUT,
				     htonl(0xc0ffee02)), 0);
	assert_int_equal(fk.sets, 1);
	/* Gone already in the kernel counts as gone: configured again. */
	fk.fail_with = -ENOENT;
	assert_int_equal(kern.del_sa(kern.ctx, 5, IKE_DIR_IN,
				     htonl(0xc0ffee01)), 0);
	assert_int_equal(fk.sets, 2);
	assert_int_equal(fk.set.local_ts.n, 1);
	assert_prefix(&fk.set.local_ts, 0, "10.1.0.0", 16);
	assert_prefix(&fk.set.remote_ts, 0, "10.2.0.0", 16);
	assert_int_equal(fk.logs, 0);
}

/* Selectors as wide as configured cost no request; a refusal stops the SA. */
static void test_selectors_unchanged_or_refused(void **state)
{
	struct ike_kernel_sa sa = ksa(IKE_ENCR_AES_GCM_16, 128, 0, 20, 0);
	struct ike_ts_list local = { 0 }, remote = { 0 };

	(void)state;
	ts_range(&local, "10.1.0.0", "10.1.255.255");
	ts_range(&remote, "10.2.0.0", "10.2.255.255");
	sa.local_ts = &local;
	sa.remote_ts = &remote;
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.sets, 0);
	assert_int_equal(fk.adds, 1);
	remote.n = 0;
	ts_range(&remote, "10.2.0.0", "10.2.0.255");
	sa.spi = htonl(0xc0ffee04);
	fk.set_fails_with = -EINVAL;
	assert_int_equal(kern.add_sa(kern.ctx, &sa), -EINVAL);
	assert_int_equal(fk.sets, 1);
	assert_int_equal(fk.adds, 1);
	assert_int_equal(fk.logs, 1);
	assert_string_equal(fk.log, "cannot set the kernel tunnel's selectors "
			    "to the negotiated ones: SPI already in use");
}

/*
 * An additional CHILD SA (own_ts) carries its selectors to the kernel in
 * the SA; the tunnel goes back to its configured selectors, which hold
 * every child's, and stays there while such an SA lives.
 */
static void test_own_selectors(void **state)
{
	struct ike_kernel_sa sa = ksa(IKE_ENCR_AES_GCM_16, 128, 0, 20, 0);
	struct ike_ts_list local = { 0 }, remote = { 0 };
	struct ike_ts_list l2 = { 0 }, r2 = { 0 };

	(void)state;
	/* The tunnel's own CHILD SA, narrowed by the peer to one pair. */
	ts_range(&local, "10.1.0.0", "10.1.0.255");
	ts_range(&remote, "10.2.0.0", "10.2.0.255");
	sa.local_ts = &local;
	sa.remote_ts = &remote;
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.sets, 1);
	assert_prefix(&fk.set.local_ts, 0, "10.1.0.0", 24);
	assert_false(fk.req.sa.has_ts);
	/* A second pair: the SA has its selectors, the tunnel its own again. */
	ts_range(&l2, "10.1.1.0", "10.1.1.255");
	ts_range(&r2, "10.2.1.0", "10.2.1.255");
	sa.local_ts = &l2;
	sa.remote_ts = &r2;
	sa.own_ts = true;
	sa.spi = htonl(0xc0ffee05);
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.sets, 2);
	assert_prefix(&fk.set.local_ts, 0, "10.1.0.0", 16);
	assert_prefix(&fk.set.remote_ts, 0, "10.2.0.0", 16);
	assert_true(fk.req.sa.has_ts);
	assert_int_equal(fk.req.sa.local_ts.n, 1);
	assert_prefix(&fk.req.sa.local_ts, 0, "10.1.1.0", 24);
	assert_int_equal(fk.req.sa.remote_ts.n, 1);
	assert_prefix(&fk.req.sa.remote_ts, 0, "10.2.1.0", 24);
	/* A rekey of the first pair narrows nothing while the second lives. */
	sa.local_ts = &local;
	sa.remote_ts = &remote;
	sa.own_ts = false;
	sa.spi = htonl(0xc0ffee06);
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.sets, 2);
	assert_false(fk.req.sa.has_ts);
	/* The second pair gone: the next SA of the first narrows again. */
	assert_int_equal(kern.del_sa(kern.ctx, 5, IKE_DIR_IN,
				     htonl(0xc0ffee05)), 0);
	sa.spi = htonl(0xc0ffee07);
	assert_int_equal(kern.add_sa(kern.ctx, &sa), 0);
	assert_int_equal(fk.sets, 3);
	assert_prefix(&fk.set.local_ts, 0, "10.1.0.0", 24);
	assert_int_equal(fk.logs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alg_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gcm_inbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cbc_outbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chacha, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cbc_sha2_long, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_encap_ports, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remote_any, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_packets, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ts_prefixes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_narrowed_selectors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_own_selectors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_selectors_unchanged_or_refused,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
