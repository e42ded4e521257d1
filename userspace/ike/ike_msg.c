// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_msg.h"

const char *ike_exchange_name(uint8_t exchange)
{
	switch (exchange) {
	case IKE_SA_INIT:
		return "IKE_SA_INIT";
	case IKE_AUTH:
		return "IKE_AUTH";
	case IKE_CREATE_CHILD_SA:
		return "CREATE_CHILD_SA";
	case IKE_INFORMATIONAL:
		return "INFORMATIONAL";
	}
	return "unknown exchange";
}

int ike_hdr_decode(struct ike_hdr *h, const uint8_t *buf, size_t len)
{
	if (len < IKE_HDR_LEN)
		return -1;
	h->spi_i = ike_get64(buf);
	h->spi_r = ike_get64(buf + 8);
	h->next = buf[16];
	h->version = buf[17];
	h->exchange = buf[18];
	h->flags = buf[19];
	h->msgid = ike_get32(buf + 20);
	h->length = ike_get32(buf + 24);
	/* Minor versions are compatible (§2.5); majors are not. */
	if ((h->version & 0xf0) != IKE_VERSION)
		return -1;
	return h->length == len ? 0 : -1;
}

int ike_msg_decode(struct ike_msg *m, const uint8_t *buf, size_t len)
{
	memset(m, 0, sizeof(*m));
	m->raw = buf;
	m->len = len;
	if (ike_hdr_decode(&m->hdr, buf, len)) {
		m->err.notify = IKE_N_INVALID_SYNTAX;
		m->err.why = "bad IKE header";
		return -1;
	}
	return ike_payloads_decode(&m->pl, m->hdr.next, buf + IKE_HDR_LEN,
				   len - IKE_HDR_LEN, &m->err);
}

int ike_msg_decrypt(struct ike_msg *m, const struct ike_sk *sk)
{
	const struct ike_pl_sk s = m->pl.sk;
	size_t prefix = IKE_HDR_LEN + s.hdr_off + 4, n;

	if (m->pl.present != IKE_PL_BIT(IKE_PL_SK)) {
		m->err.notify = IKE_N_INVALID_SYNTAX;
		m->err.why = "unprotected payloads";
		return -1;
	}
	m->plain = malloc(s.len ? s.len : 1);
	if (!m->plain)
		return -1;
	m->plain_cap = s.len;
	if (ike_sk_open(sk, m->raw, prefix, s.len, m->plain, &n)) {
		m->err.why = "integrity check failed";
		return -1;
	}
	return ike_payloads_decode(&m->pl, s.inner_next, m->plain, n, &m->err);
}

void ike_msg_release(struct ike_msg *m)
{
	if (m->plain) {
		OPENSSL_cleanse(m->plain, m->plain_cap);
		free(m->plain);
	}
	m->plain = NULL;
}

void ike_msg_out_init(struct ike_msg_out *o, uint64_t spi_i, uint64_t spi_r,
		      uint8_t exchange, uint8_t flags, uint32_t msgid,
		      bool protect)
{
	ike_buf_init(&o->buf);
	ike_buf_init(&o->inner);
	o->protect = protect;
	ike_buf_put_u64(&o->buf, spi_i);
	ike_buf_put_u64(&o->buf, spi_r);
	ike_buf_put_u8(&o->buf, IKE_PL_NONE);
	ike_buf_put_u8(&o->buf, IKE_VERSION);
	ike_buf_put_u8(&o->buf, exchange);
	ike_buf_put_u8(&o->buf, flags);
	ike_buf_put_u32(&o->buf, msgid);
	ike_buf_put_u32(&o->buf, 0);
	if (protect) {
		/* Byte 0 collects the first inner payload type for SK's header. */
		ike_buf_put_u8(&o->inner, IKE_PL_NONE);
		ike_chain_init(&o->chain, &o->inner, 0);
	} else {
		ike_chain_init(&o->chain, &o->buf, 16);
	}
}

int ike_msg_out_finish(struct ike_msg_out *o, struct ike_sk *sk)
{
	struct ike_chain outer;
	size_t hdr, sealed, pt_len = 0;

	if (o->buf.err || o->inner.err)
		return -1;
	if (o->protect) {
		pt_len = o->inner.len - 1;
		sealed = ike_sk_sealed_len(sk, pt_len);
		ike_chain_init(&outer, &o->buf, 16);
		hdr = ike_pl_begin(&outer, IKE_PL_SK, false);
		if (!ike_buf_put(&o->buf, sealed))
			return -1;
		ike_pl_end(&outer, hdr);
		o->buf.data[hdr] = o->inner.data[0];
	}
	if (o->buf.err)
		return -1;
	ike_put32(o->buf.data + 24, (uint32_t)o->buf.len);
	if (o->protect &&
	    ike_sk_seal(sk, o->buf.data, IKE_HDR_LEN + 4, o->inner.data + 1,
			pt_len))
		return -1;
	return 0;
}

void ike_msg_out_release(struct ike_msg_out *o)
{
	ike_buf_free(&o->buf);
	ike_buf_free(&o->inner);
}
