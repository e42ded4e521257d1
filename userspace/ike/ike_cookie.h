/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stateless cookies (RFC 7296 §2.6): <version> | SHA-256(Ni | IPi | SPIi |
 * secret). The secret rotates; cookies made with the previous one stay
 * valid for one more period so an initiator in flight is not refused.
 */
#ifndef IKE_COOKIE_H
#define IKE_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define IKE_COOKIE_LEN 33

struct ike_cookie {
	uint8_t secret[32];
	uint8_t prev[32];
	uint8_t version;
	bool have_prev;
	uint64_t rotated;	/* time of the last rotation */
};

int ike_cookie_init(struct ike_cookie *c, uint64_t now);
int ike_cookie_rotate(struct ike_cookie *c, uint64_t now);
void ike_cookie_wipe(struct ike_cookie *c);
int ike_cookie_make(const struct ike_cookie *c, const uint8_t *ni,
		    size_t ni_len, const struct sockaddr_storage *ipi,
		    uint64_t spi_i, uint8_t out[IKE_COOKIE_LEN]);
bool ike_cookie_check(const struct ike_cookie *c, const uint8_t *cookie,
		      size_t len, const uint8_t *ni, size_t ni_len,
		      const struct sockaddr_storage *ipi, uint64_t spi_i);

#endif
