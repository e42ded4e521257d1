// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include "ike_buf.h"
#include "ike_crypto.h"

static int (*random_fn)(void *ctx, void *p, size_t n);
static void *random_ctx;

void ike_random_source(int (*fn)(void *ctx, void *p, size_t n), void *ctx)
{
	random_fn = fn;
	random_ctx = ctx;
}

int ike_random(void *p, size_t n)
{
	if (random_fn)
		return random_fn(random_ctx, p, n);
	return RAND_bytes(p, (int)n) == 1 ? 0 : -1;
}

static const char *prf_digest(uint16_t prf)
{
	switch (prf) {
	case IKE_PRF_HMAC_SHA2_256:
		return "SHA2-256";
	case IKE_PRF_HMAC_SHA2_384:
		return "SHA2-384";
	case IKE_PRF_HMAC_SHA2_512:
		return "SHA2-512";
	}
	return NULL;
}

static const char *integ_digest(uint16_t integ)
{
	switch (integ) {
	case IKE_INTEG_HMAC_SHA2_256_128:
		return "SHA2-256";
	case IKE_INTEG_HMAC_SHA2_384_192:
		return "SHA2-384";
	case IKE_INTEG_HMAC_SHA2_512_256:
		return "SHA2-512";
	}
	return NULL;
}

size_t ike_prf_len(uint16_t prf)
{
	const struct ike_alg *a = ike_alg_find(IKE_XF_PRF, prf, 0);

	return a ? a->key_len : 0;
}

static int hmac(const char *digest, const uint8_t *key, size_t klen,
		const struct ike_iov *iov, int n, uint8_t *out, size_t *out_len)
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx = NULL;
	EVP_MAC *mac;
	int i, ret = -1;

	if (!digest)
		return -1;
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!mac)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	ctx = EVP_MAC_CTX_new(mac);
	if (!ctx || !EVP_MAC_init(ctx, key, klen, params))
		goto out;
	for (i = 0; i < n; i++)
		if (iov[i].len && !EVP_MAC_update(ctx, iov[i].p, iov[i].len))
			goto out;
	if (EVP_MAC_final(ctx, out, out_len, IKE_PRF_MAX))
		ret = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ret;
}

int ike_prf(uint16_t prf, const uint8_t *key, size_t klen,
	    const struct ike_iov *iov, int n, uint8_t *out)
{
	size_t len;

	return hmac(prf_digest(prf), key, klen, iov, n, out, &len);
}

int ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen,
		 const struct ike_iov *seed, int n, uint8_t *out, size_t len)
{
	size_t plen = ike_prf_len(prf), off = 0;
	struct ike_iov iov[8];
	uint8_t t[IKE_PRF_MAX], ctr;
	int i;

	if (!plen || n > 6 || len > plen * 255)
		return -1;
	for (ctr = 1; off < len; ctr++) {
		int k = 0;

		/* T1 has no previous block. */
		if (ctr > 1)
			iov[k++] = (struct ike_iov){ t, plen };
		for (i = 0; i < n; i++)
			iov[k++] = seed[i];
		iov[k++] = (struct ike_iov){ &ctr, 1 };
		if (ike_prf(prf, key, klen, iov, k, t)) {
			OPENSSL_cleanse(t, sizeof(t));
			return -1;
		}
		memcpy(out + off, t, len - off < plen ? len - off : plen);
		off += plen;
	}
	OPENSSL_cleanse(t, sizeof(t));
	return 0;
}

int ike_natd_hash(uint64_t spi_i, uint64_t spi_r,
		  const struct sockaddr_storage *addr, uint8_t *out)
{
	uint8_t in[8 + 8 + 16 + 2];
	unsigned int n = 0;
	size_t len;

	ike_put64(in, spi_i);
	ike_put64(in + 8, spi_r);
	if (addr->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)addr;

		memcpy(in + 16, &a->sin_addr, 4);
		memcpy(in + 20, &a->sin_port, 2);
		len = 22;
	} else if (addr->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)addr;

		memcpy(in + 16, &a->sin6_addr, 16);
		memcpy(in + 32, &a->sin6_port, 2);
		len = 34;
	} else {
		return -1;
	}
	if (!EVP_Digest(in, len, out, &n, EVP_sha1(), NULL) ||
	    n != IKE_NATD_LEN)
		return -1;
	return 0;
}

static const struct dh_group {
	uint16_t group;
	const char *type;
	const char *name;
	size_t pub_len;
	size_t secret_len;
} dh_groups[] = {
	{ IKE_DH_MODP2048, "DH", "modp_2048", 256, 256 },
	{ IKE_DH_MODP3072, "DH", "modp_3072", 384, 384 },
	{ IKE_DH_MODP4096, "DH", "modp_4096", 512, 512 },
	{ IKE_DH_ECP256, "EC", "P-256", 64, 32 },
	{ IKE_DH_ECP384, "EC", "P-384", 96, 48 },
	/* RFC 5903 §7: coordinates of 521 bits take 66 bytes each. */
	{ IKE_DH_ECP521, "EC", "P-521", 132, 66 },
	{ IKE_DH_CURVE25519, "X25519", NULL, 32, 32 },
};

struct ike_dh {
	const struct dh_group *g;
	EVP_PKEY *key;
};

static const struct dh_group *dh_group(uint16_t group)
{
	size_t i;

	for (i = 0; i < sizeof(dh_groups) / sizeof(dh_groups[0]); i++)
		if (dh_groups[i].group == group)
			return &dh_groups[i];
	return NULL;
}

size_t ike_dh_pub_len(uint16_t group)
{
	const struct dh_group *g = dh_group(group);

	return g ? g->pub_len : 0;
}

uint16_t ike_dh_group(const struct ike_dh *dh)
{
	return dh->g->group;
}

struct ike_dh *ike_dh_new(uint16_t group)
{
	const struct dh_group *g = dh_group(group);
	EVP_PKEY_CTX *ctx;
	struct ike_dh *dh;
	OSSL_PARAM params[2];

	if (!g)
		return NULL;
	dh = calloc(1, sizeof(*dh));
	if (!dh)
		return NULL;
	dh->g = g;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, g->type, NULL);
	if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0)
		goto fail;
	if (g->name) {
		params[0] = OSSL_PARAM_construct_utf8_string(
			OSSL_PKEY_PARAM_GROUP_NAME, (char *)g->name, 0);
		params[1] = OSSL_PARAM_construct_end();
		if (!EVP_PKEY_CTX_set_params(ctx, params))
			goto fail;
	}
	if (EVP_PKEY_keygen(ctx, &dh->key) <= 0)
		goto fail;
	EVP_PKEY_CTX_free(ctx);
	return dh;
fail:
	EVP_PKEY_CTX_free(ctx);
	ike_dh_free(dh);
	return NULL;
}

static EVP_PKEY *ec_import(const struct dh_group *g, const uint8_t *priv,
			   size_t priv_len, const uint8_t *pub, size_t pub_len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY_CTX *ctx = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY *key = NULL;
	uint8_t point[1 + 132];
	BIGNUM *bn = BN_bin2bn(priv, (int)priv_len, NULL);

	if (!bld || !bn || pub_len != g->pub_len)
		goto out;
	point[0] = 0x04;	/* uncompressed; RFC 5903 carries x | y only */
	memcpy(point + 1, pub, pub_len);
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     g->name, 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, bn) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					      point, 1 + pub_len))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params) <= 0)
		key = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(bn);
	return key;
}

struct ike_dh *ike_dh_import(uint16_t group, const uint8_t *priv,
			     size_t priv_len, const uint8_t *pub,
			     size_t pub_len)
{
	const struct dh_group *g = dh_group(group);
	struct ike_dh *dh;

	if (!g || !strcmp(g->type, "DH"))
		return NULL;
	dh = calloc(1, sizeof(*dh));
	if (!dh)
		return NULL;
	dh->g = g;
	if (group == IKE_DH_CURVE25519)
		dh->key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL,
						       priv, priv_len);
	else
		dh->key = ec_import(g, priv, priv_len, pub, pub_len);
	if (!dh->key) {
		free(dh);
		return NULL;
	}
	return dh;
}

void ike_dh_free(struct ike_dh *dh)
{
	if (!dh)
		return;
	EVP_PKEY_free(dh->key);
	free(dh);
}

int ike_dh_public(const struct ike_dh *dh, uint8_t *out, size_t len)
{
	uint8_t *pub = NULL;
	size_t n = EVP_PKEY_get1_encoded_public_key(dh->key, &pub);
	size_t skip = !strcmp(dh->g->type, "EC");
	int ret = -1;

	if (len == dh->g->pub_len && n == skip + len) {
		memcpy(out, pub + skip, len);
		ret = 0;
	}
	OPENSSL_free(pub);
	return ret;
}

static EVP_PKEY *peer_key(const struct ike_dh *dh, const uint8_t *pub,
			  size_t len)
{
	EVP_PKEY *peer;
	uint8_t point[1 + 132];

	if (len != dh->g->pub_len)
		return NULL;
	if (dh->g->group == IKE_DH_CURVE25519)
		return EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, pub,
						   len);
	peer = EVP_PKEY_new();
	if (!peer || EVP_PKEY_copy_parameters(peer, dh->key) <= 0)
		goto fail;
	if (!strcmp(dh->g->type, "EC")) {
		point[0] = 0x04;
		memcpy(point + 1, pub, len);
		pub = point;
		len++;
	}
	if (EVP_PKEY_set1_encoded_public_key(peer, pub, len) <= 0)
		goto fail;
	return peer;
fail:
	EVP_PKEY_free(peer);
	return NULL;
}

int ike_dh_derive(const struct ike_dh *dh, const uint8_t *peer, size_t len,
		  uint8_t *out, size_t *out_len)
{
	static const uint8_t zero[32];
	EVP_PKEY *pk = peer_key(dh, peer, len);
	EVP_PKEY_CTX *ctx = NULL;
	size_t n = IKE_DH_MAX;
	int ret = -1;

	if (!pk)
		return -1;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
	if (!ctx || EVP_PKEY_derive_init(ctx) <= 0)
		goto out;
	/* §2.14: g^ir is fixed length, zero-padded on the left. */
	if (!strcmp(dh->g->type, "DH") &&
	    EVP_PKEY_CTX_set_dh_pad(ctx, 1) <= 0)
		goto out;
	if (EVP_PKEY_derive_set_peer_ex(ctx, pk, 1) <= 0 ||
	    EVP_PKEY_derive(ctx, out, &n) <= 0 || n != dh->g->secret_len)
		goto out;
	/* RFC 8031 §2.1: an all-zero X25519 result means a bad point. */
	if (dh->g->group == IKE_DH_CURVE25519 && !CRYPTO_memcmp(out, zero, 32))
		goto out;
	*out_len = n;
	ret = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return ret;
}

static EVP_CIPHER *cipher_fetch(uint16_t encr, size_t klen)
{
	const char *name = NULL;

	switch (encr) {
	case IKE_ENCR_AES_GCM_16:
		name = klen == 16 ? "AES-128-GCM" : klen == 32 ? "AES-256-GCM" : NULL;
		break;
	case IKE_ENCR_AES_CBC:
		name = klen == 16 ? "AES-128-CBC" : klen == 32 ? "AES-256-CBC" : NULL;
		break;
	case IKE_ENCR_CHACHA20_POLY1305:
		name = klen == 32 ? "ChaCha20-Poly1305" : NULL;
		break;
	}
	return name ? EVP_CIPHER_fetch(NULL, name, NULL) : NULL;
}

static int aead(bool enc, uint16_t encr, const uint8_t *key, size_t klen,
		const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
		const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER *c = cipher_fetch(encr, klen);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n, ret = -1;

	if (!c || !ctx || !ike_alg_is_aead(encr) ||
	    !EVP_CipherInit_ex2(ctx, c, key, nonce, enc, NULL))
		goto out;
	if (aad_len && !EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aad_len))
		goto out;
	if (len && !EVP_CipherUpdate(ctx, out, &n, in, (int)len))
		goto out;
	if (!enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag))
		goto out;
	if (EVP_CipherFinal_ex(ctx, out + len, &n) <= 0)
		goto out;
	if (enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag))
		goto out;
	ret = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return ret;
}

int ike_aead_seal(uint16_t encr, const uint8_t *key, size_t klen,
		  const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
		  const uint8_t *pt, size_t len, uint8_t *ct, uint8_t *tag)
{
	return aead(true, encr, key, klen, nonce, aad, aad_len, pt, len, ct,
		    tag);
}

int ike_aead_open(uint16_t encr, const uint8_t *key, size_t klen,
		  const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
		  const uint8_t *ct, size_t len, const uint8_t *tag,
		  uint8_t *pt)
{
	return aead(false, encr, key, klen, nonce, aad, aad_len, ct, len, pt,
		    (uint8_t *)tag);
}

static int cbc(bool enc, const struct ike_sk *sk, const uint8_t *iv,
	       const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_CIPHER *c = cipher_fetch(sk->encr, sk->ekey_len);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n, ret = -1;

	if (!c || !ctx || !EVP_CipherInit_ex2(ctx, c, sk->ekey, iv, enc, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0) ||
	    !EVP_CipherUpdate(ctx, out, &n, in, (int)len) ||
	    EVP_CipherFinal_ex(ctx, out + n, &n) <= 0)
		goto out;
	ret = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return ret;
}

int ike_sk_init(struct ike_sk *sk, const struct ike_suite *s,
		const uint8_t *ekey, const uint8_t *akey)
{
	const struct ike_alg *e = ike_alg_find(IKE_XF_ENCR, s->encr,
					       s->encr_bits);
	const struct ike_alg *a = ike_alg_find(IKE_XF_INTEG, s->integ, 0);

	memset(sk, 0, sizeof(*sk));
	if (!e || !e->ike_ok)
		return -1;
	sk->encr = s->encr;
	sk->ekey_len = e->key_len;
	memcpy(sk->ekey, ekey, e->key_len);
	if (ike_alg_is_aead(s->encr)) {
		if (s->integ != IKE_INTEG_NONE)
			return -1;
		memcpy(sk->salt, ekey + e->key_len, e->salt_len);
		sk->iv_len = 8;
		sk->icv_len = e->icv_len;
		sk->block = 1;
		return 0;
	}
	if (!a)
		return -1;
	sk->integ = s->integ;
	sk->akey_len = a->key_len;
	memcpy(sk->akey, akey, a->key_len);
	sk->iv_len = 16;
	sk->icv_len = a->icv_len;
	sk->block = 16;
	return 0;
}

void ike_sk_wipe(struct ike_sk *sk)
{
	OPENSSL_cleanse(sk, sizeof(*sk));
}

static size_t padded_len(const struct ike_sk *sk, size_t pt_len)
{
	return (pt_len + 1 + sk->block - 1) / sk->block * sk->block;
}

size_t ike_sk_sealed_len(const struct ike_sk *sk, size_t pt_len)
{
	return sk->iv_len + padded_len(sk, pt_len) + sk->icv_len;
}

static int icv(const struct ike_sk *sk, const uint8_t *msg, size_t len,
	       uint8_t *out)
{
	struct ike_iov iov = { msg, len };
	size_t n;

	return hmac(integ_digest(sk->integ), sk->akey, sk->akey_len, &iov, 1,
		    out, &n);
}

int ike_sk_seal(struct ike_sk *sk, uint8_t *msg, size_t prefix_len,
		const uint8_t *pt, size_t pt_len)
{
	size_t plen = padded_len(sk, pt_len);
	uint8_t *iv = msg + prefix_len, *ct = iv + sk->iv_len;
	uint8_t nonce[12], mac[IKE_PRF_MAX];
	uint8_t *tmp = malloc(plen);
	int ret = -1;

	if (!tmp)
		return -1;
	memcpy(tmp, pt, pt_len);
	memset(tmp + pt_len, 0, plen - pt_len);
	tmp[plen - 1] = (uint8_t)(plen - pt_len - 1);
	if (sk->block == 1) {
		ike_put64(iv, sk->iv_seq++);
		memcpy(nonce, sk->salt, 4);
		memcpy(nonce + 4, iv, 8);
		ret = ike_aead_seal(sk->encr, sk->ekey, sk->ekey_len, nonce,
				    msg, prefix_len, tmp, plen, ct, ct + plen);
	} else if (!ike_random(iv, sk->iv_len) &&
		   !cbc(true, sk, iv, tmp, plen, ct) &&
		   !icv(sk, msg, prefix_len + sk->iv_len + plen, mac)) {
		memcpy(ct + plen, mac, sk->icv_len);
		ret = 0;
	}
	OPENSSL_cleanse(tmp, plen);
	free(tmp);
	return ret;
}

int ike_sk_open(const struct ike_sk *sk, const uint8_t *msg,
		size_t prefix_len, size_t sealed_len, uint8_t *pt,
		size_t *pt_len)
{
	const uint8_t *iv = msg + prefix_len, *ct = iv + sk->iv_len;
	uint8_t nonce[12], mac[IKE_PRF_MAX];
	size_t clen, pad;

	if (sealed_len < sk->iv_len + sk->icv_len + sk->block)
		return -1;
	clen = sealed_len - sk->iv_len - sk->icv_len;
	if (clen % sk->block)
		return -1;
	if (sk->block == 1) {
		memcpy(nonce, sk->salt, 4);
		memcpy(nonce + 4, iv, 8);
		if (ike_aead_open(sk->encr, sk->ekey, sk->ekey_len, nonce, msg,
				  prefix_len, ct, clen, ct + clen, pt))
			return -1;
	} else {
		if (icv(sk, msg, prefix_len + sk->iv_len + clen, mac) ||
		    CRYPTO_memcmp(mac, ct + clen, sk->icv_len))
			return -1;
		if (cbc(false, sk, iv, ct, clen, pt))
			return -1;
	}
	pad = pt[clen - 1];
	if (pad + 1 > clen)
		return -1;
	*pt_len = clen - pad - 1;
	return 0;
}

/* SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr = prf+(SKEYSEED, ...) */
static int keys_expand(struct ike_keys *k, const struct ike_suite *s,
		       const uint8_t *seed, const uint8_t *nn, size_t nn_len,
		       uint64_t spi_i, uint64_t spi_r)
{
	const struct ike_alg *e = ike_alg_find(IKE_XF_ENCR, s->encr,
					       s->encr_bits);
	const struct ike_alg *a = ike_alg_find(IKE_XF_INTEG, s->integ, 0);
	uint8_t km[3 * IKE_PRF_MAX + 2 * IKE_INTEG_KEY_MAX + 2 * IKE_ENC_KEY_MAX];
	size_t plen = ike_prf_len(s->prf), alen = a ? a->key_len : 0, elen;
	struct ike_iov iov[2];
	uint8_t spis[16];
	uint8_t *p = km;
	int ret = -1;

	if (!e || !plen)
		return -1;
	elen = (size_t)e->key_len + e->salt_len;
	ike_put64(spis, spi_i);
	ike_put64(spis + 8, spi_r);
	iov[0] = (struct ike_iov){ nn, nn_len };
	iov[1] = (struct ike_iov){ spis, 16 };
	if (ike_prf_plus(s->prf, seed, plen, iov, 2, km,
			 3 * plen + 2 * alen + 2 * elen))
		goto out;
	k->prf = s->prf;
	k->prf_len = plen;
	memcpy(k->sk_d, p, plen);
	p += plen;
	/* SK_ai, SK_ar precede SK_ei, SK_er in the keying material. */
	if (ike_sk_init(&k->sk_i, s, p + 2 * alen, p) ||
	    ike_sk_init(&k->sk_r, s, p + 2 * alen + elen, p + alen))
		goto out;
	p += 2 * alen + 2 * elen;
	memcpy(k->sk_pi, p, plen);
	memcpy(k->sk_pr, p + plen, plen);
	ret = 0;
out:
	OPENSSL_cleanse(km, sizeof(km));
	return ret;
}

/*
 * SKEYSEED = prf(@key or, without one, Ni | Nr; @iov), then the keys.
 * The initial derivation and a rekey differ only there (§2.14, §2.18).
 */
static int derive(struct ike_keys *k, const struct ike_suite *s,
		  uint16_t seed_prf, const uint8_t *key,
		  const struct ike_iov *iov, int n_iov, const uint8_t *ni,
		  size_t ni_len, const uint8_t *nr, size_t nr_len,
		  uint64_t spi_i, uint64_t spi_r)
{
	uint8_t nn[2 * IKE_NONCE_MAX], seed[IKE_PRF_MAX];
	int ret = -1;

	memset(k, 0, sizeof(*k));
	if (!ike_prf_len(s->prf) || !ike_prf_len(seed_prf) ||
	    ni_len + nr_len > sizeof(nn))
		return -1;
	memcpy(nn, ni, ni_len);
	memcpy(nn + ni_len, nr, nr_len);
	if (!ike_prf(seed_prf, key ? key : nn,
		     key ? ike_prf_len(seed_prf) : ni_len + nr_len, iov, n_iov,
		     seed))
		ret = keys_expand(k, s, seed, nn, ni_len + nr_len, spi_i, spi_r);
	OPENSSL_cleanse(seed, sizeof(seed));
	OPENSSL_cleanse(nn, sizeof(nn));
	if (ret)
		ike_keys_wipe(k);
	return ret;
}

int ike_keys_derive(struct ike_keys *k, const struct ike_suite *s,
		    const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		    size_t nr_len, const uint8_t *shared, size_t shared_len,
		    uint64_t spi_i, uint64_t spi_r)
{
	struct ike_iov iov[1] = { { shared, shared_len } };

	return derive(k, s, s->prf, NULL, iov, 1, ni, ni_len, nr, nr_len,
		      spi_i, spi_r);
}

int ike_keys_derive_rekey(struct ike_keys *k, const struct ike_suite *s,
			  uint16_t old_prf, const uint8_t *old_sk_d,
			  const uint8_t *ni, size_t ni_len, const uint8_t *nr,
			  size_t nr_len, const uint8_t *shared,
			  size_t shared_len, uint64_t spi_i, uint64_t spi_r)
{
	struct ike_iov iov[3] = {
		{ shared, shared_len }, { ni, ni_len }, { nr, nr_len },
	};

	/* The exchange belongs to the old SA, so SKEYSEED uses its PRF. */
	return derive(k, s, old_prf, old_sk_d, iov, 3, ni, ni_len, nr, nr_len,
		      spi_i, spi_r);
}

void ike_keys_wipe(struct ike_keys *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

int ike_psk_auth(uint16_t prf, const uint8_t *psk, size_t psk_len,
		 const uint8_t *msg, size_t msg_len, const uint8_t *nonce,
		 size_t nonce_len, const uint8_t *sk_p, const uint8_t *id_body,
		 size_t id_len, uint8_t *out)
{
	static const char pad[] = "Key Pad for IKEv2";
	uint8_t key[IKE_PRF_MAX], macid[IKE_PRF_MAX];
	size_t plen = ike_prf_len(prf);
	struct ike_iov iov[3];
	int ret = -1;

	iov[0] = (struct ike_iov){ pad, sizeof(pad) - 1 };
	if (ike_prf(prf, psk, psk_len, iov, 1, key))
		goto out;
	iov[0] = (struct ike_iov){ id_body, id_len };
	if (ike_prf(prf, sk_p, plen, iov, 1, macid))
		goto out;
	iov[0] = (struct ike_iov){ msg, msg_len };
	iov[1] = (struct ike_iov){ nonce, nonce_len };
	iov[2] = (struct ike_iov){ macid, plen };
	ret = ike_prf(prf, key, plen, iov, 3, out);
out:
	OPENSSL_cleanse(key, sizeof(key));
	return ret;
}

bool ike_auth_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

int ike_child_keymat(uint16_t prf, const uint8_t *sk_d,
		     const struct ike_suite *esp, const uint8_t *ni,
		     size_t ni_len, const uint8_t *nr, size_t nr_len,
		     struct ike_child_keys *out)
{
	return ike_child_keymat_pfs(prf, sk_d, esp, NULL, 0, ni, ni_len, nr,
				    nr_len, out);
}

int ike_child_keymat_pfs(uint16_t prf, const uint8_t *sk_d,
			 const struct ike_suite *esp, const uint8_t *shared,
			 size_t shared_len, const uint8_t *ni, size_t ni_len,
			 const uint8_t *nr, size_t nr_len,
			 struct ike_child_keys *out)
{
	const struct ike_alg *e = ike_alg_find(IKE_XF_ENCR, esp->encr,
					       esp->encr_bits);
	const struct ike_alg *a = ike_alg_find(IKE_XF_INTEG, esp->integ, 0);
	uint8_t km[2 * IKE_ENC_KEY_MAX + 2 * IKE_INTEG_KEY_MAX];
	struct ike_iov iov[3] = {
		{ shared, shared_len }, { ni, ni_len }, { nr, nr_len },
	};
	size_t el, al;

	memset(out, 0, sizeof(*out));
	if (!e || !e->esp_ok || (esp->integ && (!a || !a->esp_ok)) ||
	    ike_alg_is_aead(esp->encr) != !esp->integ)
		return -1;
	el = (size_t)e->key_len + e->salt_len;
	al = a ? a->key_len : 0;
	/* §2.17: the new DH secret, if any, goes first. */
	if (ike_prf_plus(prf, sk_d, ike_prf_len(prf), iov + !shared_len,
			 3 - !shared_len, km, 2 * el + 2 * al))
		return -1;
	out->enc_len = el;
	out->integ_len = al;
	memcpy(out->enc_i, km, el);
	memcpy(out->integ_i, km + el, al);
	memcpy(out->enc_r, km + el + al, el);
	memcpy(out->integ_r, km + 2 * el + al, al);
	OPENSSL_cleanse(km, sizeof(km));
	return 0;
}
