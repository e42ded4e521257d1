/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv2 cryptography as small objects over OpenSSL 3 EVP: PRF and prf+
 * (RFC 7296 §2.13), IKE SA keys (§2.14), Diffie-Hellman, the SK payload
 * (§3.14, RFC 5282), PSK authentication (§2.15) and CHILD SA keys (§2.17).
 */
#ifndef IKE_CRYPTO_H
#define IKE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ike_alg.h"
#include "ike_payload.h"

#define IKE_PRF_MAX 64
#define IKE_DH_MAX 512		/* MODP 4096 public value and secret */
#define IKE_ENC_KEY_MAX 36	/* AES-256 or ChaCha20 key + 4 byte salt */
#define IKE_INTEG_KEY_MAX 64

struct ike_iov {
	const void *p;
	size_t len;
};

int ike_random(void *p, size_t n);
/*
 * Where ike_random() takes its bytes: @fn for tests that must repeat
 * (a seeded simulation), NULL for the system's (OpenSSL's RAND_bytes).
 * Process-wide; key pairs still come from OpenSSL.
 */
void ike_random_source(int (*fn)(void *ctx, void *p, size_t n), void *ctx);
size_t ike_prf_len(uint16_t prf);
/* @out receives ike_prf_len(prf) bytes: prf(key, iov[0] | ... | iov[n-1]). */
int ike_prf(uint16_t prf, const uint8_t *key, size_t klen,
	    const struct ike_iov *iov, int n, uint8_t *out);
/* §2.13: T1 | T2 | ..., Tk = prf(K, Tk-1 | S | k); at most 255 blocks. */
int ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen,
		 const struct ike_iov *seed, int n, uint8_t *out, size_t len);

/*
 * RFC 7296 §2.23: a NAT_DETECTION_*_IP notification's data,
 * SHA-1(SPIi | SPIr | IP address | port), SPIr zero in the request.
 */
#define IKE_NATD_LEN 20
int ike_natd_hash(uint64_t spi_i, uint64_t spi_r,
		  const struct sockaddr_storage *addr, uint8_t *out);

struct ike_dh;

struct ike_dh *ike_dh_new(uint16_t group);
/* A known key pair, for known-answer tests (ECP, Curve25519 only). */
struct ike_dh *ike_dh_import(uint16_t group, const uint8_t *priv,
			     size_t priv_len, const uint8_t *pub,
			     size_t pub_len);
void ike_dh_free(struct ike_dh *dh);
uint16_t ike_dh_group(const struct ike_dh *dh);
/* Public value length as carried in the KE payload; 0 if unsupported. */
size_t ike_dh_pub_len(uint16_t group);
int ike_dh_public(const struct ike_dh *dh, uint8_t *out, size_t len);
/* @out holds IKE_DH_MAX bytes; the secret is fixed length per group. */
int ike_dh_derive(const struct ike_dh *dh, const uint8_t *peer, size_t len,
		  uint8_t *out, size_t *out_len);

/* Raw AEAD with a 12-byte nonce and 16-byte tag (AES-GCM, ChaCha20-Poly1305). */
int ike_aead_seal(uint16_t encr, const uint8_t *key, size_t klen,
		  const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
		  const uint8_t *pt, size_t len, uint8_t *ct, uint8_t *tag);
int ike_aead_open(uint16_t encr, const uint8_t *key, size_t klen,
		  const uint8_t *nonce, const uint8_t *aad, size_t aad_len,
		  const uint8_t *ct, size_t len, const uint8_t *tag,
		  uint8_t *pt);

/* One direction of SK payload protection. */
struct ike_sk {
	uint16_t encr;
	uint16_t integ;
	uint8_t ekey[32];
	size_t ekey_len;
	uint8_t salt[4];
	uint8_t akey[IKE_INTEG_KEY_MAX];
	size_t akey_len;
	size_t iv_len;
	size_t icv_len;
	size_t block;
	uint64_t iv_seq;	/* GCM explicit IVs never repeat under a key */
};

int ike_sk_init(struct ike_sk *sk, const struct ike_suite *s,
		const uint8_t *ekey, const uint8_t *akey);
void ike_sk_wipe(struct ike_sk *sk);
/* Bytes of IV | ciphertext (with padding and pad length) | ICV. */
size_t ike_sk_sealed_len(const struct ike_sk *sk, size_t pt_len);
/*
 * @msg holds the message from the IKE header through the SK generic header
 * (@prefix_len bytes, lengths already final) followed by room for
 * ike_sk_sealed_len() bytes, which are filled in.
 */
int ike_sk_seal(struct ike_sk *sk, uint8_t *msg, size_t prefix_len,
		const uint8_t *pt, size_t pt_len);
/* Inverse; @pt holds at least the ciphertext length. Integrity first. */
int ike_sk_open(const struct ike_sk *sk, const uint8_t *msg,
		size_t prefix_len, size_t sealed_len, uint8_t *pt,
		size_t *pt_len);

struct ike_keys {
	uint16_t prf;
	size_t prf_len;
	uint8_t sk_d[IKE_PRF_MAX];
	uint8_t sk_pi[IKE_PRF_MAX];
	uint8_t sk_pr[IKE_PRF_MAX];
	struct ike_sk sk_i;	/* protects initiator -> responder */
	struct ike_sk sk_r;
};

/* §2.14: SKEYSEED = prf(Ni | Nr, g^ir), then prf+ over Ni | Nr | SPIi | SPIr. */
int ike_keys_derive(struct ike_keys *k, const struct ike_suite *s,
		    const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		    size_t nr_len, const uint8_t *shared, size_t shared_len,
		    uint64_t spi_i, uint64_t spi_r);
/*
 * §2.18: the keys of a rekeyed IKE SA. SKEYSEED = prf(SK_d (old), g^ir (new)
 * | Ni | Nr) with the old SA's PRF; the rest as §2.14 with the new suite.
 */
int ike_keys_derive_rekey(struct ike_keys *k, const struct ike_suite *s,
			  uint16_t old_prf, const uint8_t *old_sk_d,
			  const uint8_t *ni, size_t ni_len, const uint8_t *nr,
			  size_t nr_len, const uint8_t *shared,
			  size_t shared_len, uint64_t spi_i, uint64_t spi_r);
void ike_keys_wipe(struct ike_keys *k);

/*
 * §2.15: prf(prf(PSK, "Key Pad for IKEv2"), msg | nonce | prf(SK_p, ID body)).
 * @out receives ike_prf_len(prf) bytes.
 */
int ike_psk_auth(uint16_t prf, const uint8_t *psk, size_t psk_len,
		 const uint8_t *msg, size_t msg_len, const uint8_t *nonce,
		 size_t nonce_len, const uint8_t *sk_p, const uint8_t *id_body,
		 size_t id_len, uint8_t *out);
bool ike_auth_equal(const uint8_t *a, const uint8_t *b, size_t len);

/* §2.17 KEYMAT for one CHILD SA: each direction's encryption and integrity keys. */
struct ike_child_keys {
	uint8_t enc_i[IKE_ENC_KEY_MAX];	/* initiator -> responder */
	uint8_t integ_i[IKE_INTEG_KEY_MAX];
	uint8_t enc_r[IKE_ENC_KEY_MAX];
	uint8_t integ_r[IKE_INTEG_KEY_MAX];
	size_t enc_len;			/* includes the AEAD salt */
	size_t integ_len;
};

int ike_child_keymat(uint16_t prf, const uint8_t *sk_d,
		     const struct ike_suite *esp, const uint8_t *ni,
		     size_t ni_len, const uint8_t *nr, size_t nr_len,
		     struct ike_child_keys *out);
/* The same with a CREATE_CHILD_SA's DH secret: prf+(SK_d, g^ir | Ni | Nr). */
int ike_child_keymat_pfs(uint16_t prf, const uint8_t *sk_d,
			 const struct ike_suite *esp, const uint8_t *shared,
			 size_t shared_len, const uint8_t *ni, size_t ni_len,
			 const uint8_t *nr, size_t nr_len,
			 struct ike_child_keys *out);

#endif
