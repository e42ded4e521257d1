/* SPDX-License-Identifier: GPL-2.0 */
/* IANA IKEv2 transform identifiers and the properties sgw needs of each. */
#ifndef IKE_ALG_H
#define IKE_ALG_H

#include <stddef.h>
#include <stdint.h>

enum ike_xf_type {
	IKE_XF_ENCR = 1,
	IKE_XF_PRF = 2,
	IKE_XF_INTEG = 3,
	IKE_XF_DH = 4,
	IKE_XF_ESN = 5,
};
#define IKE_XF_TYPES 6		/* index 1..5 used */

enum {
	IKE_ENCR_AES_CBC = 12,
	IKE_ENCR_AES_GCM_16 = 20,
	IKE_ENCR_CHACHA20_POLY1305 = 28,
};

enum {
	IKE_PRF_HMAC_SHA2_256 = 5,
	IKE_PRF_HMAC_SHA2_384 = 6,
	IKE_PRF_HMAC_SHA2_512 = 7,
};

enum {
	IKE_INTEG_NONE = 0,
	IKE_INTEG_HMAC_SHA2_256_128 = 12,
	IKE_INTEG_HMAC_SHA2_384_192 = 13,
	IKE_INTEG_HMAC_SHA2_512_256 = 14,
};

enum {
	IKE_DH_NONE = 0,		/* optional PFS (RFC 7296 3.3.6) */
	IKE_DH_MODP2048 = 14,
	IKE_DH_MODP3072 = 15,
	IKE_DH_MODP4096 = 16,
	IKE_DH_ECP256 = 19,
	IKE_DH_ECP384 = 20,
	IKE_DH_ECP521 = 21,
	IKE_DH_CURVE25519 = 31,
};

enum { IKE_ESN_NO = 0, IKE_ESN_YES = 1 };

/* One algorithm of each type: what a negotiation settles on. */
struct ike_suite {
	uint16_t encr;
	uint16_t encr_bits;	/* key length attribute, 0 where none */
	uint16_t prf;
	uint16_t integ;
	uint16_t dh;
	uint16_t esn;
};

struct ike_alg {
	uint8_t type;
	uint16_t id;
	uint16_t bits;		/* key length attribute this entry stands for */
	const char *name;	/* strongSwan proposal keyword */
	uint8_t key_len;	/* ENCR/INTEG/PRF key or output bytes */
	uint8_t salt_len;	/* AEAD salt taken from keying material */
	uint8_t icv_len;	/* INTEG truncation, AEAD tag */
	uint8_t esp_ok;		/* usable for a CHILD SA */
	uint8_t ike_ok;		/* usable for the IKE SA */
};

const struct ike_alg *ike_alg_find(uint8_t type, uint16_t id, uint16_t bits);
const struct ike_alg *ike_alg_by_name(const char *name, size_t len);
const char *ike_alg_name(uint8_t type, uint16_t id, uint16_t bits, char *buf, size_t len);
int ike_alg_is_aead(uint16_t encr);
/* Whether transform @id of @type carries a key length attribute. */
int ike_alg_has_keylen(uint8_t type, uint16_t id);

#endif
