// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "ike_alg.h"

static const struct ike_alg algs[] = {
	{ IKE_XF_ENCR, IKE_ENCR_AES_CBC, 128, "aes128", 16, 0, 0, 1, 1 },
	{ IKE_XF_ENCR, IKE_ENCR_AES_CBC, 256, "aes256", 32, 0, 0, 1, 1 },
	{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128, "aes128gcm16", 16, 4, 16, 1, 1 },
	{ IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 256, "aes256gcm16", 32, 4, 16, 1, 1 },
	/* RFC 7634: 256-bit key plus a 32-bit salt; ESP only here. */
	{ IKE_XF_ENCR, IKE_ENCR_CHACHA20_POLY1305, 0, "chacha20poly1305", 32, 4, 16, 1, 0 },
	{ IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0, "prfsha256", 32, 0, 0, 0, 1 },
	{ IKE_XF_PRF, IKE_PRF_HMAC_SHA2_384, 0, "prfsha384", 48, 0, 0, 0, 1 },
	{ IKE_XF_PRF, IKE_PRF_HMAC_SHA2_512, 0, "prfsha512", 64, 0, 0, 0, 1 },
	{ IKE_XF_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0, "sha256", 32, 0, 16, 1, 1 },
	{ IKE_XF_INTEG, IKE_INTEG_HMAC_SHA2_384_192, 0, "sha384", 48, 0, 24, 1, 1 },
	{ IKE_XF_INTEG, IKE_INTEG_HMAC_SHA2_512_256, 0, "sha512", 64, 0, 32, 1, 1 },
	{ IKE_XF_DH, IKE_DH_MODP2048, 0, "modp2048", 0, 0, 0, 1, 1 },
	{ IKE_XF_DH, IKE_DH_MODP3072, 0, "modp3072", 0, 0, 0, 1, 1 },
	{ IKE_XF_DH, IKE_DH_MODP4096, 0, "modp4096", 0, 0, 0, 1, 1 },
	{ IKE_XF_DH, IKE_DH_ECP256, 0, "ecp256", 0, 0, 0, 1, 1 },
	{ IKE_XF_DH, IKE_DH_ECP384, 0, "ecp384", 0, 0, 0, 1, 1 },
	{ IKE_XF_DH, IKE_DH_ECP521, 0, "ecp521", 0, 0, 0, 1, 1 },
	{ IKE_XF_DH, IKE_DH_CURVE25519, 0, "curve25519", 0, 0, 0, 1, 1 },
	{ IKE_XF_DH, IKE_DH_CURVE25519, 0, "x25519", 0, 0, 0, 1, 1 },
	/* ESP: no PFS acceptable, beside the groups listed (optional PFS). */
	{ IKE_XF_DH, IKE_DH_NONE, 0, "none", 0, 0, 0, 1, 0 },
	{ IKE_XF_ESN, IKE_ESN_NO, 0, "noesn", 0, 0, 0, 1, 0 },
	{ IKE_XF_ESN, IKE_ESN_YES, 0, "esn", 0, 0, 0, 1, 0 },
};

const struct ike_alg *ike_alg_find(uint8_t type, uint16_t id, uint16_t bits)
{
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].type == type && algs[i].id == id &&
		    algs[i].bits == bits)
			return &algs[i];
	return NULL;
}

const struct ike_alg *ike_alg_by_name(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strlen(algs[i].name) == len &&
		    !memcmp(algs[i].name, name, len))
			return &algs[i];
	return NULL;
}

/* Names unknown transforms too, so that error messages show what a peer sent. */
const char *ike_alg_name(uint8_t type, uint16_t id, uint16_t bits, char *buf,
			 size_t len)
{
	static const char *const tname[IKE_XF_TYPES] = {
		"?", "encr", "prf", "integ", "dh", "esn"
	};
	const struct ike_alg *a = ike_alg_find(type, id, bits);

	if (a)
		snprintf(buf, len, "%s", a->name);
	else if (bits)
		snprintf(buf, len, "%s%u/%u", type < IKE_XF_TYPES ?
			 tname[type] : "xf", id, bits);
	else
		snprintf(buf, len, "%s%u", type < IKE_XF_TYPES ?
			 tname[type] : "xf", id);
	return buf;
}

int ike_alg_is_aead(uint16_t encr)
{
	return encr == IKE_ENCR_AES_GCM_16 ||
	       encr == IKE_ENCR_CHACHA20_POLY1305;
}

int ike_alg_has_keylen(uint8_t type, uint16_t id)
{
	return type == IKE_XF_ENCR &&
	       (id == IKE_ENCR_AES_CBC || id == IKE_ENCR_AES_GCM_16);
}
