/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_ALG_H
#define _SGW_ALG_H

#include <linux/types.h>
#include <linux/sgw.h>

/* What the ESP wire format needs to know about one algorithm (RFC 4303). */
struct sgw_alg_desc {
	enum sgw_alg id;
	const char *name;	/* shown to users, e.g. "aes-gcm-128" */
	const char *crypto;	/* kernel crypto API AEAD name */
	const char *crypto_esn;	/* the same with ESN, for authenc; or NULL */
	u8 enc_key_len;		/* cipher key, without salt */
	u8 salt_len;		/* AEAD salt at the end of the key material */
	u8 auth_key_len;	/* HMAC key for authenc, 0 for combined modes */
	u8 iv_len;		/* IV carried in each packet */
	u8 icv_len;		/* integrity check value */
	u8 block;		/* payload+trailer alignment, at least 4 */
};

const struct sgw_alg_desc *sgw_alg_get(u32 id);
unsigned int sgw_alg_key_len(const struct sgw_alg_desc *alg);
unsigned int sgw_alg_payload_max(const struct sgw_alg_desc *alg,
				 unsigned int outer_mtu, bool outer_ipv6,
				 bool udp);
unsigned int sgw_alg_payload_max_any(unsigned int outer_mtu);

#endif /* _SGW_ALG_H */
