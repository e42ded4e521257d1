// SPDX-License-Identifier: GPL-2.0
#include <netinet/in.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ike_buf.h"
#include "ike_cookie.h"
#include "ike_crypto.h"

int ike_cookie_init(struct ike_cookie *c, uint64_t now)
{
	memset(c, 0, sizeof(*c));
	c->rotated = now;
	return ike_random(c->secret, sizeof(c->secret));
}

int ike_cookie_rotate(struct ike_cookie *c, uint64_t now)
{
	memcpy(c->prev, c->secret, sizeof(c->prev));
	c->have_prev = true;
	c->version++;
	c->rotated = now;
	return ike_random(c->secret, sizeof(c->secret));
}

void ike_cookie_wipe(struct ike_cookie *c)
{
	OPENSSL_cleanse(c, sizeof(*c));
}

static int hash(const uint8_t *secret, uint8_t version, const uint8_t *ni,
		size_t ni_len, const struct sockaddr_storage *ipi,
		uint64_t spi_i, uint8_t out[IKE_COOKIE_LEN])
{
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)ipi;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ipi;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t spi[8];
	int ok;

	if (!ctx)
		return -1;
	ike_put64(spi, spi_i);
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, ni, ni_len) &&
	     (ipi->ss_family == AF_INET ?
	      EVP_DigestUpdate(ctx, &in4->sin_addr, 4) :
	      EVP_DigestUpdate(ctx, &in6->sin6_addr, 16)) &&
	     EVP_DigestUpdate(ctx, spi, 8) &&
	     EVP_DigestUpdate(ctx, secret, 32) &&
	     EVP_DigestFinal_ex(ctx, out + 1, NULL);
	EVP_MD_CTX_free(ctx);
	out[0] = version;
	return ok ? 0 : -1;
}

int ike_cookie_make(const struct ike_cookie *c, const uint8_t *ni,
		    size_t ni_len, const struct sockaddr_storage *ipi,
		    uint64_t spi_i, uint8_t out[IKE_COOKIE_LEN])
{
	return hash(c->secret, c->version, ni, ni_len, ipi, spi_i, out);
}

bool ike_cookie_check(const struct ike_cookie *c, const uint8_t *cookie,
		      size_t len, const uint8_t *ni, size_t ni_len,
		      const struct sockaddr_storage *ipi, uint64_t spi_i)
{
	uint8_t want[IKE_COOKIE_LEN];
	const uint8_t *secret;

	if (len != IKE_COOKIE_LEN)
		return false;
	if (cookie[0] == c->version)
		secret = c->secret;
	else if (c->have_prev && cookie[0] == (uint8_t)(c->version - 1))
		secret = c->prev;
	else
		return false;
	if (hash(secret, cookie[0], ni, ni_len, ipi, spi_i, want))
		return false;
	return CRYPTO_memcmp(want, cookie, IKE_COOKIE_LEN) == 0;
}
