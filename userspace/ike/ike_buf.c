// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_buf.h"

void ike_buf_init(struct ike_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void ike_buf_free(struct ike_buf *b)
{
	if (b->data) {
		OPENSSL_cleanse(b->data, b->cap);
		free(b->data);
	}
	ike_buf_init(b);
}

uint8_t *ike_buf_put(struct ike_buf *b, size_t n)
{
	uint8_t *p;

	if (b->err || n > IKE_BUF_MAX - b->len) {
		b->err = true;
		return NULL;
	}
	if (!b->data || b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n)
			cap *= 2;
		/* No realloc: the old copy would stay in freed memory. */
		p = malloc(cap);
		if (!p) {
			b->err = true;
			return NULL;
		}
		if (b->data) {
			memcpy(p, b->data, b->len);
			OPENSSL_cleanse(b->data, b->cap);
			free(b->data);
		}
		b->data = p;
		b->cap = cap;
	}
	p = b->data + b->len;
	memset(p, 0, n);
	b->len += n;
	return p;
}

void ike_buf_put_bytes(struct ike_buf *b, const void *p, size_t n)
{
	uint8_t *d = ike_buf_put(b, n);

	if (d && n)
		memcpy(d, p, n);
}

void ike_buf_put_u8(struct ike_buf *b, uint8_t v)
{
	ike_buf_put_bytes(b, &v, 1);
}

void ike_buf_put_u16(struct ike_buf *b, uint16_t v)
{
	uint8_t *d = ike_buf_put(b, 2);

	if (d)
		ike_put16(d, v);
}

void ike_buf_put_u32(struct ike_buf *b, uint32_t v)
{
	uint8_t *d = ike_buf_put(b, 4);

	if (d)
		ike_put32(d, v);
}

void ike_buf_put_u64(struct ike_buf *b, uint64_t v)
{
	uint8_t *d = ike_buf_put(b, 8);

	if (d)
		ike_put64(d, v);
}

int ike_buf_set(struct ike_buf *b, const void *p, size_t n)
{
	b->len = 0;
	b->err = false;
	ike_buf_put_bytes(b, p, n);
	return b->err ? -1 : 0;
}
