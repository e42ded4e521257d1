// SPDX-License-Identifier: GPL-2.0
/*
 * The ESP algorithms sgw implements and the one place where the per-packet
 * overhead is computed; the MTU, ICMP messages and MSS clamp all use it.
 */

#include <linux/kernel.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/esp.h>

#include "alg.h"

static const struct sgw_alg_desc algs[] = {
	{
		.id = SGW_ALG_AES_GCM_128, .name = "aes-gcm-128",
		.crypto = "rfc4106(gcm(aes))",
		.enc_key_len = 16, .salt_len = 4, .iv_len = 8, .icv_len = 16,
		.block = 4,
	}, {
		.id = SGW_ALG_AES_GCM_256, .name = "aes-gcm-256",
		.crypto = "rfc4106(gcm(aes))",
		.enc_key_len = 32, .salt_len = 4, .iv_len = 8, .icv_len = 16,
		.block = 4,
	}, {
		.id = SGW_ALG_CHACHA20_POLY1305, .name = "chacha20-poly1305",
		.crypto = "rfc7539esp(chacha20,poly1305)",
		.enc_key_len = 32, .salt_len = 4, .iv_len = 8, .icv_len = 16,
		.block = 4,
	}, {
		.id = SGW_ALG_AES_CBC_128_SHA256, .name = "aes-cbc-128-sha256",
		.crypto = "authenc(hmac(sha256),cbc(aes))",
		.crypto_esn = "authencesn(hmac(sha256),cbc(aes))",
		.enc_key_len = 16, .auth_key_len = 32, .iv_len = 16,
		.icv_len = 16, .block = 16,
	}, {
		.id = SGW_ALG_AES_CBC_256_SHA256, .name = "aes-cbc-256-sha256",
		.crypto = "authenc(hmac(sha256),cbc(aes))",
		.crypto_esn = "authencesn(hmac(sha256),cbc(aes))",
		.enc_key_len = 32, .auth_key_len = 32, .iv_len = 16,
		.icv_len = 16, .block = 16,
	}, {
		/* RFC 4868: HMAC-SHA-384-192, 48-byte key */
		.id = SGW_ALG_AES_CBC_128_SHA384, .name = "aes-cbc-128-sha384",
		.crypto = "authenc(hmac(sha384),cbc(aes))",
		.crypto_esn = "authencesn(hmac(sha384),cbc(aes))",
		.enc_key_len = 16, .auth_key_len = 48, .iv_len = 16,
		.icv_len = 24, .block = 16,
	}, {
		.id = SGW_ALG_AES_CBC_256_SHA384, .name = "aes-cbc-256-sha384",
		.crypto = "authenc(hmac(sha384),cbc(aes))",
		.crypto_esn = "authencesn(hmac(sha384),cbc(aes))",
		.enc_key_len = 32, .auth_key_len = 48, .iv_len = 16,
		.icv_len = 24, .block = 16,
	}, {
		/* RFC 4868: HMAC-SHA-512-256, 64-byte key */
		.id = SGW_ALG_AES_CBC_128_SHA512, .name = "aes-cbc-128-sha512",
		.crypto = "authenc(hmac(sha512),cbc(aes))",
		.crypto_esn = "authencesn(hmac(sha512),cbc(aes))",
		.enc_key_len = 16, .auth_key_len = 64, .iv_len = 16,
		.icv_len = 32, .block = 16,
	}, {
		.id = SGW_ALG_AES_CBC_256_SHA512, .name = "aes-cbc-256-sha512",
		.crypto = "authenc(hmac(sha512),cbc(aes))",
		.crypto_esn = "authencesn(hmac(sha512),cbc(aes))",
		.enc_key_len = 32, .auth_key_len = 64, .iv_len = 16,
		.icv_len = 32, .block = 16,
	},
};

const struct sgw_alg_desc *sgw_alg_get(u32 id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(algs); i++)
		if (algs[i].id == id)
			return &algs[i];
	return NULL;
}

unsigned int sgw_alg_key_len(const struct sgw_alg_desc *alg)
{
	return alg->enc_key_len + alg->salt_len + alg->auth_key_len;
}

/*
 * Largest inner packet that fits an outer packet of @outer_mtu bytes in
 * tunnel mode:
 *   outer IP [+ UDP 8] + ESP header (SPI 4, seq 4) + IV
 *   + ALIGN(inner + 2, block) + ICV
 * where the 2 bytes are the pad length and next header fields and the
 * UDP header is there for ESP in UDP (@udp, RFC 3948).
 */
unsigned int sgw_alg_payload_max(const struct sgw_alg_desc *alg,
				 unsigned int outer_mtu, bool outer_ipv6,
				 bool udp)
{
	unsigned int fixed = (outer_ipv6 ? sizeof(struct ipv6hdr) :
			      sizeof(struct iphdr)) +
			     (udp ? sizeof(struct udphdr) : 0) +
			     sizeof(struct ip_esp_hdr) + alg->iv_len +
			     alg->icv_len;
	unsigned int room;

	if (outer_mtu <= fixed + alg->block)
		return 0;
	room = rounddown(outer_mtu - fixed, alg->block);
	return room - 2;
}

/*
 * The inner MTU that fits whatever algorithm, outer family and
 * encapsulation are used.
 */
unsigned int sgw_alg_payload_max_any(unsigned int outer_mtu)
{
	unsigned int i, best = UINT_MAX;

	for (i = 0; i < ARRAY_SIZE(algs); i++)
		best = min(best, sgw_alg_payload_max(&algs[i], outer_mtu, true,
						     true));
	return best;
}
