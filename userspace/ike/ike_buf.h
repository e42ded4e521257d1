/* SPDX-License-Identifier: GPL-2.0 */
/* Growable byte buffer for building messages; errors are sticky. */
#ifndef IKE_BUF_H
#define IKE_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Nothing IKE builds or keeps may exceed the IKE length field's range. */
#define IKE_BUF_MAX 65535

struct ike_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	bool err;
};

void ike_buf_init(struct ike_buf *b);
/* Wipes before freeing: buffers hold plaintext and key material. */
void ike_buf_free(struct ike_buf *b);
uint8_t *ike_buf_put(struct ike_buf *b, size_t n);
void ike_buf_put_bytes(struct ike_buf *b, const void *p, size_t n);
void ike_buf_put_u8(struct ike_buf *b, uint8_t v);
void ike_buf_put_u16(struct ike_buf *b, uint16_t v);
void ike_buf_put_u32(struct ike_buf *b, uint32_t v);
void ike_buf_put_u64(struct ike_buf *b, uint64_t v);
int ike_buf_set(struct ike_buf *b, const void *p, size_t n);

static inline uint16_t ike_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t ike_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t ike_get64(const uint8_t *p)
{
	return (uint64_t)ike_get32(p) << 32 | ike_get32(p + 4);
}

static inline void ike_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void ike_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

static inline void ike_put64(uint8_t *p, uint64_t v)
{
	ike_put32(p, v >> 32);
	ike_put32(p + 4, (uint32_t)v);
}

#endif
