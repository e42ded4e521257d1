// SPDX-License-Identifier: GPL-2.0
/* The kernel backend: algorithms, key layout, SPIs, options, failures. */
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
#include "kbackend.h"

/* A fake of the SA operations: records what it is given. */
struct fake {
	int adds, dels;
	struct sgw_sa_request req;
	uint8_t key[SGW_KEY_MAX];
	struct sgw_sa_id del;
	int fail_with;
	char log[512];
	int logs;
};

static int fake_add(void *ctx, const struct sgw_sa_request *req)
{
	struct fake *f = ctx;

	f->adds++;
	f->req = *req;
	memcpy(f->key, req->key, req->key_len);
	return f->fail_with;
}

static int fake_del(void *ctx, const struct sgw_sa_id *id)
{
	struct fake *f = ctx;

	f->dels++;
	f->del = *id;
	return f->fail_with;
}

static const char *fake_error(void *ctx)
{
	(void)ctx;
	return "SPI already in use";
}

static int opts(void *ctx, uint32_t id, struct kb_tunnel_opts *o)
{
	(void)ctx;
	if (id != 5)
		return -1;
	o->replay_window = 128;
	o->life_bytes = 1000;
	o->life_packets = 0;
	return 0;
}

static void fake_log(void *ctx, uint32_t tunnel, const char *msg)
{
	struct fake *f = ctx;

	(void)tunnel;
	f->logs++;
	snprintf(f->log, sizeof(f->log), "%s", msg);
}

static struct fake fk;
static struct kbackend kb;
static struct ike_kernel kern;

static int setup(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof(fk));
	kb = (struct kbackend){
		.ops = { .ctx = &fk, .add = fake_add, .del = fake_del,
			 .error = fake_error },
		.tunnel_opts = opts, .log = fake_log, .log_ctx = &fk,
	};
	kb_kernel(&kb, &kern);
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
	assert_int_equal(kb_alg(IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_384_192),
			 SGW_ALG_UNSPEC);
	assert_int_equal(kb_alg(IKE_ENCR_AES_CBC, 128, 0), SGW_ALG_UNSPEC);
	assert_int_equal(kb_alg(IKE_ENCR_AES_GCM_16, 128,
				IKE_INTEG_HMAC_SHA2_256_128), SGW_ALG_UNSPEC);
}

static uint8_t ek[36], ak[32];

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

static void test_refusals(void **state)
{
	struct ike_kernel_sa sa = ksa(IKE_ENCR_AES_CBC, 128,
				      IKE_INTEG_HMAC_SHA2_512_256, 16, 64);

	(void)state;
	assert_int_equal(kern.add_sa(kern.ctx, &sa), -EOPNOTSUPP);
	assert_int_equal(fk.adds, 0);
	assert_string_equal(fk.log, "cannot install SA c0ffee01: the sgw data "
			    "plane has no ESP algorithm for aes128 with sha512");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_alg_map, setup),
		cmocka_unit_test_setup(test_gcm_inbound, setup),
		cmocka_unit_test_setup(test_cbc_outbound, setup),
		cmocka_unit_test_setup(test_chacha, setup),
		cmocka_unit_test_setup(test_refusals, setup),
		cmocka_unit_test_setup(test_delete, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
