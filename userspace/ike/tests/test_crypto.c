// SPDX-License-Identifier: GPL-2.0
/* Primitives against published vectors; derivations against their definitions. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ike_crypto.h"

static size_t hex(uint8_t *out, const char *s)
{
	size_t n = 0;

	while (*s) {
		unsigned int v;

		if (*s == ' ') {
			s++;
			continue;
		}
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void check_prf(uint16_t prf, const uint8_t *key, size_t klen,
		      const char *data, const char *want)
{
	struct ike_iov iov = { data, strlen(data) };
	uint8_t out[IKE_PRF_MAX], exp[IKE_PRF_MAX];
	size_t n = hex(exp, want);

	assert_int_equal(ike_prf_len(prf), n);
	assert_int_equal(ike_prf(prf, key, klen, &iov, 1, out), 0);
	assert_memory_equal(out, exp, n);
}

/* RFC 4231 test cases 1 and 2. */
static void test_hmac_rfc4231(void **state)
{
	uint8_t k1[20];

	(void)state;
	memset(k1, 0x0b, sizeof(k1));
	check_prf(IKE_PRF_HMAC_SHA2_256, k1, 20, "Hi There",
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	check_prf(IKE_PRF_HMAC_SHA2_384, k1, 20, "Hi There",
		  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
		  "faea9ea9076ede7f4af152e8b2fa9cb6");
	check_prf(IKE_PRF_HMAC_SHA2_512, k1, 20, "Hi There",
		  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
		  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
	check_prf(IKE_PRF_HMAC_SHA2_256, (const uint8_t *)"Jefe", 4,
		  "what do ya want for nothing?",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	check_prf(IKE_PRF_HMAC_SHA2_384, (const uint8_t *)"Jefe", 4,
		  "what do ya want for nothing?",
		  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
		  "8e2240ca5e69e2c78b3239ecfab21649");
	check_prf(IKE_PRF_HMAC_SHA2_512, (const uint8_t *)"Jefe", 4,
		  "what do ya want for nothing?",
		  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
		  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

/*
 * RFC 4868 §2.7.1 and §2.7.2, test case 1: keys as long as the hash output
 * (48 and 64 bytes of 0x0b), as IKE and ESP use them. The AUTH vectors are
 * the first 24 and 32 bytes of the same HMAC; ike_sk must send exactly those.
 */
static void test_hmac_rfc4868(void **state)
{
	static const char sha384[] =
		"b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee9737a959796489bddbc"
		"4c5df61d5b3297b4fb68dab9f1b582c2";
	static const char sha512[] =
		"637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8"
		"ac2878ebd5803f6f0b61dbce5e251ff8789a4722c1be65aea45fd464e89f8f5b";
	static const struct {
		uint16_t integ, prf;
		size_t klen, icv;
		const char *want;
	} c[] = {
		{ IKE_INTEG_HMAC_SHA2_384_192, IKE_PRF_HMAC_SHA2_384, 48, 24, sha384 },
		{ IKE_INTEG_HMAC_SHA2_512_256, IKE_PRF_HMAC_SHA2_512, 64, 32, sha512 },
	};
	uint8_t key[64], want[64], msg[28 + 16 + 64 + 32], pt[16] = "payload";
	size_t i, n, sealed;

	(void)state;
	memset(key, 0x0b, sizeof(key));
	for (i = 0; i < 2; i++) {
		struct ike_suite s = { .encr = IKE_ENCR_AES_CBC,
				       .encr_bits = 128, .integ = c[i].integ };
		struct ike_sk sk;
		uint8_t ek[16] = { 0 }, mac[64];
		struct ike_iov iov;

		check_prf(c[i].prf, key, c[i].klen, "Hi There", c[i].want);
		n = hex(want, c[i].want);
		iov = (struct ike_iov){ "Hi There", 8 };
		assert_int_equal(ike_prf(c[i].prf, key, c[i].klen, &iov, 1, mac), 0);
		assert_memory_equal(mac, want, c[i].icv);
		/* SK with this integrity: ICV = HMAC truncated to 192/256 bits. */
		assert_int_equal(ike_sk_init(&sk, &s, ek, key), 0);
		assert_int_equal(sk.icv_len, c[i].icv);
		assert_int_equal(sk.akey_len, c[i].klen);
		sealed = ike_sk_sealed_len(&sk, sizeof(pt));
		assert_true(28 + sealed <= sizeof(msg));
		memset(msg, 0x11, 28);
		assert_int_equal(ike_sk_seal(&sk, msg, 28, pt, sizeof(pt)), 0);
		iov = (struct ike_iov){ msg, 28 + sealed - c[i].icv };
		assert_int_equal(ike_prf(c[i].prf, key, c[i].klen, &iov, 1, mac), 0);
		assert_memory_equal(msg + 28 + sealed - c[i].icv, mac, c[i].icv);
		assert_true(n == c[i].klen);
		ike_sk_wipe(&sk);
	}
}

/* §2.13 spelled out: T1 = prf(K, S | 1), T2 = prf(K, T1 | S | 2), ... */
static void test_prf_plus(void **state)
{
	static const uint8_t key[] = "prf+ key", seed[] = "seed material";
	uint8_t t[3][IKE_PRF_MAX], want[3 * 48], got[3 * 48], c;
	struct ike_iov s = { seed, sizeof(seed) }, iov[3];
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		int k = 0;

		c = (uint8_t)(i + 1);
		if (i)
			iov[k++] = (struct ike_iov){ t[i - 1], 48 };
		iov[k++] = s;
		iov[k++] = (struct ike_iov){ &c, 1 };
		assert_int_equal(ike_prf(IKE_PRF_HMAC_SHA2_384, key, sizeof(key),
					 iov, k, t[i]), 0);
		memcpy(want + 48 * i, t[i], 48);
	}
	assert_int_equal(ike_prf_plus(IKE_PRF_HMAC_SHA2_384, key, sizeof(key),
				      &s, 1, got, 130), 0);
	assert_memory_equal(got, want, 130);
	/* A shorter request is a prefix of a longer one. */
	memset(got, 0, sizeof(got));
	assert_int_equal(ike_prf_plus(IKE_PRF_HMAC_SHA2_384, key, sizeof(key),
				      &s, 1, got, 20), 0);
	assert_memory_equal(got, want, 20);
	assert_int_equal(got[20], 0);
	/* 255 blocks at most. */
	assert_int_equal(ike_prf_plus(IKE_PRF_HMAC_SHA2_256, key, 8, &s, 1, got,
				      256 * 32), -1);
}

/* §2.14 by hand: SKEYSEED = prf(Ni | Nr, g^ir); prf+(SKEYSEED, Ni|Nr|SPIi|SPIr). */
static void test_ike_keys(void **state)
{
	struct ike_suite s = { .encr = IKE_ENCR_AES_CBC, .encr_bits = 256,
			       .prf = IKE_PRF_HMAC_SHA2_512,
			       .integ = IKE_INTEG_HMAC_SHA2_256_128,
			       .dh = IKE_DH_CURVE25519 };
	uint8_t ni[32], nr[16], g[32], nn[48], seed[64], km[3 * 64 + 2 * 32 + 2 * 32];
	uint8_t spis[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct ike_iov iov[2];
	static struct ike_keys k;

	(void)state;
	memset(ni, 0xa1, sizeof(ni));
	memset(nr, 0xb2, sizeof(nr));
	memset(g, 0xc3, sizeof(g));
	assert_int_equal(ike_keys_derive(&k, &s, ni, 32, nr, 16, g, 32,
					 0x0102030405060708ull,
					 0x090a0b0c0d0e0f10ull), 0);
	memcpy(nn, ni, 32);
	memcpy(nn + 32, nr, 16);
	iov[0] = (struct ike_iov){ g, 32 };
	assert_int_equal(ike_prf(s.prf, nn, 48, iov, 1, seed), 0);
	iov[0] = (struct ike_iov){ nn, 48 };
	iov[1] = (struct ike_iov){ spis, 16 };
	assert_int_equal(ike_prf_plus(s.prf, seed, 64, iov, 2, km, sizeof(km)), 0);
	assert_int_equal(k.prf_len, 64);
	assert_memory_equal(k.sk_d, km, 64);
	assert_memory_equal(k.sk_i.akey, km + 64, 32);
	assert_memory_equal(k.sk_r.akey, km + 96, 32);
	assert_memory_equal(k.sk_i.ekey, km + 128, 32);
	assert_memory_equal(k.sk_r.ekey, km + 160, 32);
	assert_memory_equal(k.sk_pi, km + 192, 64);
	assert_memory_equal(k.sk_pr, km + 256, 64);
	assert_int_equal(k.sk_i.icv_len, 16);
	assert_int_equal(k.sk_i.iv_len, 16);

	/* GCM: the 4-byte salt follows each key; no integrity keys. */
	s = (struct ike_suite){ .encr = IKE_ENCR_AES_GCM_16, .encr_bits = 128,
				.prf = IKE_PRF_HMAC_SHA2_256 };
	assert_int_equal(ike_keys_derive(&k, &s, ni, 32, nr, 16, g, 32,
					 0x0102030405060708ull,
					 0x090a0b0c0d0e0f10ull), 0);
	iov[0] = (struct ike_iov){ g, 32 };
	assert_int_equal(ike_prf(s.prf, nn, 48, iov, 1, seed), 0);
	iov[0] = (struct ike_iov){ nn, 48 };
	assert_int_equal(ike_prf_plus(s.prf, seed, 32, iov, 2, km,
				      3 * 32 + 2 * 20), 0);
	assert_memory_equal(k.sk_i.ekey, km + 32, 16);
	assert_memory_equal(k.sk_i.salt, km + 48, 4);
	assert_memory_equal(k.sk_r.ekey, km + 52, 16);
	assert_memory_equal(k.sk_r.salt, km + 68, 4);
	assert_memory_equal(k.sk_pi, km + 72, 32);
	assert_memory_equal(k.sk_pr, km + 104, 32);
	ike_keys_wipe(&k);
}

/* §2.15 by hand. */
static void test_psk_auth(void **state)
{
	static const char pad[] = "Key Pad for IKEv2";
	static const uint8_t msg[] = "IKE_SA_INIT bytes", nonce[] = "nonce",
			     skp[32] = { 5 }, id[] = { 2, 0, 0, 0, 'g', 'w' };
	uint8_t key[32], mac[32], want[32], got[32];
	struct ike_iov iov[3];

	(void)state;
	iov[0] = (struct ike_iov){ pad, 17 };
	ike_prf(IKE_PRF_HMAC_SHA2_256, (const uint8_t *)"secret", 6, iov, 1, key);
	iov[0] = (struct ike_iov){ id, sizeof(id) };
	ike_prf(IKE_PRF_HMAC_SHA2_256, skp, 32, iov, 1, mac);
	iov[0] = (struct ike_iov){ msg, sizeof(msg) };
	iov[1] = (struct ike_iov){ nonce, sizeof(nonce) };
	iov[2] = (struct ike_iov){ mac, 32 };
	ike_prf(IKE_PRF_HMAC_SHA2_256, key, 32, iov, 3, want);
	assert_int_equal(ike_psk_auth(IKE_PRF_HMAC_SHA2_256,
				      (const uint8_t *)"secret", 6, msg,
				      sizeof(msg), nonce, sizeof(nonce), skp,
				      id, sizeof(id), got), 0);
	assert_memory_equal(got, want, 32);
	assert_true(ike_auth_equal(got, want, 32));
	got[31] ^= 1;
	assert_false(ike_auth_equal(got, want, 32));
}

/* §2.17: KEYMAT = prf+(SK_d, Ni | Nr), i->r keys first. */
static void test_child_keymat(void **state)
{
	static const struct {
		struct ike_suite s;
		size_t enc, integ;
	} cases[] = {
		{ { .encr = IKE_ENCR_AES_GCM_16, .encr_bits = 128 }, 20, 0 },
		{ { .encr = IKE_ENCR_AES_GCM_16, .encr_bits = 256 }, 36, 0 },
		{ { .encr = IKE_ENCR_CHACHA20_POLY1305 }, 36, 0 },
		{ { .encr = IKE_ENCR_AES_CBC, .encr_bits = 128,
		    .integ = IKE_INTEG_HMAC_SHA2_256_128 }, 16, 32 },
		{ { .encr = IKE_ENCR_AES_CBC, .encr_bits = 256,
		    .integ = IKE_INTEG_HMAC_SHA2_256_128 }, 32, 32 },
		/* RFC 4868 §2.4: the HMAC key is as long as the hash output. */
		{ { .encr = IKE_ENCR_AES_CBC, .encr_bits = 128,
		    .integ = IKE_INTEG_HMAC_SHA2_384_192 }, 16, 48 },
		{ { .encr = IKE_ENCR_AES_CBC, .encr_bits = 256,
		    .integ = IKE_INTEG_HMAC_SHA2_512_256 }, 32, 64 },
	};
	uint8_t skd[48], ni[32], nr[32], km[2 * 36 + 2 * 64];
	struct ike_iov iov[2] = { { ni, 32 }, { nr, 32 } };
	struct ike_child_keys k;
	size_t i, e, a;

	(void)state;
	memset(skd, 0x5d, sizeof(skd));
	memset(ni, 1, sizeof(ni));
	memset(nr, 2, sizeof(nr));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e = cases[i].enc;
		a = cases[i].integ;
		assert_int_equal(ike_child_keymat(IKE_PRF_HMAC_SHA2_384, skd,
						  &cases[i].s, ni, 32, nr, 32,
						  &k), 0);
		assert_int_equal(k.enc_len, e);
		assert_int_equal(k.integ_len, a);
		assert_int_equal(ike_prf_plus(IKE_PRF_HMAC_SHA2_384, skd, 48,
					      iov, 2, km, 2 * e + 2 * a), 0);
		assert_memory_equal(k.enc_i, km, e);
		if (a)
			assert_memory_equal(k.integ_i, km + e, a);
		assert_memory_equal(k.enc_r, km + e + a, e);
		if (a)
			assert_memory_equal(k.integ_r, km + 2 * e + a, a);
	}
	/* AES-CBC without integrity is no ESP suite. */
	assert_int_equal(ike_child_keymat(IKE_PRF_HMAC_SHA2_384, skd,
					  &(struct ike_suite){
						  .encr = IKE_ENCR_AES_CBC,
						  .encr_bits = 128 },
					  ni, 32, nr, 32, &k), -1);
}

static void test_x25519_rfc7748(void **state)
{
	uint8_t priv[32], pub[32], peer[32], want[32], out[IKE_DH_MAX];
	struct ike_dh *dh;
	size_t n;

	(void)state;
	/* §5.2, first vector. */
	hex(priv, "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
	hex(peer, "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
	hex(want, "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
	dh = ike_dh_import(IKE_DH_CURVE25519, priv, 32, NULL, 0);
	assert_non_null(dh);
	assert_int_equal(ike_dh_derive(dh, peer, 32, out, &n), 0);
	assert_int_equal(n, 32);
	assert_memory_equal(out, want, 32);
	ike_dh_free(dh);
	/* §6.1: Alice's public key and the shared secret with Bob. */
	hex(priv, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
	hex(peer, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
	hex(want, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	dh = ike_dh_import(IKE_DH_CURVE25519, priv, 32, NULL, 0);
	assert_int_equal(ike_dh_public(dh, pub, 32), 0);
	assert_memory_equal(pub, want, 32);
	hex(want, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
	assert_int_equal(ike_dh_derive(dh, peer, 32, out, &n), 0);
	assert_memory_equal(out, want, 32);
	/* RFC 8031 §2.1: a low-order point gives zero and is refused. */
	memset(peer, 0, 32);
	assert_int_equal(ike_dh_derive(dh, peer, 32, out, &n), -1);
	assert_int_equal(ike_dh_derive(dh, peer, 31, out, &n), -1);
	ike_dh_free(dh);
}

static void ecp_vector(uint16_t group, const char *i, const char *gi,
		       const char *gr, const char *gir)
{
	uint8_t priv[66], pub[132], peer[132], want[132], out[IKE_DH_MAX];
	uint8_t got[132];
	size_t plen = hex(priv, i), publen = hex(pub, gi), n;
	struct ike_dh *dh;

	hex(peer, gr);
	hex(want, gir);
	assert_int_equal(ike_dh_pub_len(group), publen);
	dh = ike_dh_import(group, priv, plen, pub, publen);
	assert_non_null(dh);
	/* RFC 5903 §7: the KE payload carries x | y, no point format byte. */
	assert_int_equal(ike_dh_public(dh, got, publen), 0);
	assert_memory_equal(got, pub, publen);
	assert_int_equal(ike_dh_derive(dh, peer, publen, out, &n), 0);
	/* The shared secret is x of the product only. */
	assert_int_equal(n, publen / 2);
	assert_memory_equal(out, want, n);
	/* A point off the curve is refused. */
	peer[publen - 1] ^= 1;
	assert_int_equal(ike_dh_derive(dh, peer, publen, out, &n), -1);
	ike_dh_free(dh);
}

static void test_ecp_rfc5903(void **state)
{
	(void)state;
	ecp_vector(IKE_DH_ECP256,
		   "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
		   "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
		   "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
		   "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
		   "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
		   "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE");
	ecp_vector(IKE_DH_ECP384,
		   "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655"
		   "E35B538041E649EE3FAEF896783AB194",
		   "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6"
		   "DE3AC808ACB4BDB4C88732AEE95F41AA"
		   "9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38E"
		   "EB9FCFF3C2C947DAE69B4C634573A81C",
		   "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D"
		   "0D1AC43A0336DEF96FDA41D0774A3571"
		   "DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FF"
		   "F83FA40142209DFF5EAAD96DB9E6386C",
		   "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4"
		   "D603135569B9E9D09CF5D4A270F59746");
	/* §8.3: 521-bit random ECP group; 66-byte coordinates. */
	ecp_vector(IKE_DH_ECP521,
		   "0037ADE9319A89F4DABDB3EF411AACCCA5123C61ACAB57B5393DCE47608172A0"
		   "95AA85A30FE1C2952C6771D937BA9777F5957B2639BAB072462F68C27A57382D"
		   "4A52",
		   "0015417E84DBF28C0AD3C278713349DC7DF153C897A1891BD98BAB4357C9ECBE"
		   "E1E3BF42E00B8E380AEAE57C2D107564941885942AF5A7F4601723C4195D176C"
		   "ED3E"
		   "017CAE20B6641D2EEB695786D8C946146239D099E18E1D5A514C739D7CB4A10A"
		   "D8A788015AC405D7799DC75E7B7D5B6CF2261A6A7F1507438BF01BEB6CA3926F"
		   "9582",
		   "00D0B3975AC4B799F5BEA16D5E13E9AF971D5E9B984C9F39728B5E5739735A21"
		   "9B97C356436ADC6E95BB0352F6BE64A6C2912D4EF2D0433CED2B6171640012D9"
		   "460F"
		   "015C68226383956E3BD066E797B623C27CE0EAC2F551A10C2C724D9852077B87"
		   "220B6536C5C408A1D2AEBB8E86D678AE49CB57091F4732296579AB44FCD17F0F"
		   "C56A",
		   "01144C7D79AE6956BC8EDB8E7C787C4521CB086FA64407F97894E5E6B2D79B04"
		   "D1427E73CA4BAA240A34786859810C06B3C715A3A8CC3151F2BEE417996D19F3"
		   "DDEA");
}

static void test_dh_agree(void **state)
{
	static const uint16_t groups[] = { IKE_DH_MODP2048, IKE_DH_MODP3072,
					   IKE_DH_MODP4096, IKE_DH_ECP256,
					   IKE_DH_ECP384, IKE_DH_ECP521,
					   IKE_DH_CURVE25519 };
	/* RFC 3526: public values and secrets are as long as the prime. */
	static const size_t lens[] = { 256, 384, 512, 64, 96, 132, 32 };
	uint8_t pa[IKE_DH_MAX], pb[IKE_DH_MAX], sa[IKE_DH_MAX], sb[IKE_DH_MAX];
	size_t i, len, na, nb;

	(void)state;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		struct ike_dh *a = ike_dh_new(groups[i]), *b = ike_dh_new(groups[i]);

		len = ike_dh_pub_len(groups[i]);
		assert_int_equal(len, lens[i]);
		assert_non_null(a);
		assert_int_equal(ike_dh_group(a), groups[i]);
		assert_int_equal(ike_dh_public(a, pa, len), 0);
		assert_int_equal(ike_dh_public(b, pb, len), 0);
		assert_int_equal(ike_dh_derive(a, pb, len, sa, &na), 0);
		assert_int_equal(ike_dh_derive(b, pa, len, sb, &nb), 0);
		assert_int_equal(na, nb);
		assert_int_equal(na, groups[i] == IKE_DH_ECP521 ? 66 :
				 groups[i] == IKE_DH_CURVE25519 ? 32 :
				 groups[i] >= IKE_DH_ECP256 ? len / 2 : len);
		assert_memory_equal(sa, sb, na);
		ike_dh_free(a);
		ike_dh_free(b);
	}
	assert_int_equal(ike_dh_pub_len(IKE_DH_MODP2048), 256);
	assert_null(ike_dh_new(2));
	/* MODP: 1 and p - 1 are not acceptable public values. */
	{
		struct ike_dh *a = ike_dh_new(IKE_DH_MODP2048);

		memset(pb, 0, 256);
		pb[255] = 1;
		assert_int_equal(ike_dh_derive(a, pb, 256, sa, &na), -1);
		ike_dh_free(a);
	}
}

/* GCM spec (McGrew/Viega) test cases 4 and 16, as RFC 4106/5282 use them. */
static void gcm_vector(const char *key, const char *ct, const char *tag)
{
	uint8_t k[32], p[64], a[20], iv[12], c[64], t[16], out[64], tg[16];
	size_t kl = hex(k, key),
	       pl = hex(p, "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
			   "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"),
	       al = hex(a, "feedfacedeadbeeffeedfacedeadbeefabaddad2");

	hex(iv, "cafebabefacedbaddecaf888");
	hex(c, ct);
	hex(t, tag);
	assert_int_equal(ike_aead_seal(IKE_ENCR_AES_GCM_16, k, kl, iv, a, al, p,
				       pl, out, tg), 0);
	assert_memory_equal(out, c, pl);
	assert_memory_equal(tg, t, 16);
	assert_int_equal(ike_aead_open(IKE_ENCR_AES_GCM_16, k, kl, iv, a, al, c,
				       pl, t, out), 0);
	assert_memory_equal(out, p, pl);
	t[0] ^= 1;
	assert_int_equal(ike_aead_open(IKE_ENCR_AES_GCM_16, k, kl, iv, a, al, c,
				       pl, t, out), -1);
}

static void test_gcm(void **state)
{
	(void)state;
	gcm_vector("feffe9928665731c6d6a8f9467308308",
		   "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
		   "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
		   "5bc94fbc3221a5db94fae95ae7121a47");
	gcm_vector("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
		   "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
		   "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
		   "76fc6ece0f4e1768cddf8853bb2d551b");
}

/* RFC 5282 §3: nonce = salt from keying material | explicit 8-byte IV. */
static void test_sk_gcm_nonce(void **state)
{
	struct ike_suite s = { .encr = IKE_ENCR_AES_GCM_16, .encr_bits = 128 };
	uint8_t key[20], msg[128] = { 0 }, nonce[12], pt[16] = "sixteen bytes!!";
	uint8_t ct[17], tag[16], in[17];
	struct ike_sk sk;
	size_t n;

	(void)state;
	memset(key, 0x42, 16);
	memcpy(key + 16, "SALT", 4);
	assert_int_equal(ike_sk_init(&sk, &s, key, NULL), 0);
	assert_int_equal(ike_sk_sealed_len(&sk, 16), 8 + 17 + 16);
	sk.iv_seq = 0x0102030405060708ull;
	assert_int_equal(ike_sk_seal(&sk, msg, 32, pt, 16), 0);
	assert_memory_equal(msg + 32, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_int_equal(sk.iv_seq, 0x0102030405060709ull);
	/* The same with the raw AEAD: plaintext | pad length 0, AAD = prefix. */
	memcpy(nonce, "SALT", 4);
	memcpy(nonce + 4, msg + 32, 8);
	memcpy(in, pt, 16);
	in[16] = 0;
	assert_int_equal(ike_aead_seal(IKE_ENCR_AES_GCM_16, key, 16, nonce, msg,
				       32, in, 17, ct, tag), 0);
	assert_memory_equal(msg + 40, ct, 17);
	assert_memory_equal(msg + 57, tag, 16);
	assert_int_equal(ike_sk_open(&sk, msg, 32, 41, in, &n), 0);
	assert_int_equal(n, 16);
	assert_memory_equal(in, pt, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_hmac_rfc4868),
		cmocka_unit_test(test_prf_plus),
		cmocka_unit_test(test_ike_keys),
		cmocka_unit_test(test_psk_auth),
		cmocka_unit_test(test_child_keymat),
		cmocka_unit_test(test_x25519_rfc7748),
		cmocka_unit_test(test_ecp_rfc5903),
		cmocka_unit_test(test_dh_agree),
		cmocka_unit_test(test_gcm),
		cmocka_unit_test(test_sk_gcm_nonce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
