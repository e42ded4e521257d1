// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "ike_payload.h"

#define GEN_HDR 4

static int bad(struct ike_perr *e, uint8_t type, const char *why)
{
	e->notify = IKE_N_INVALID_SYNTAX;
	e->type = type;
	e->why = why;
	return -1;
}

static int dec_transform(const uint8_t *p, size_t len, struct ike_transform *x,
			 struct ike_perr *e)
{
	size_t off = 8;

	memset(x, 0, sizeof(*x));
	x->type = p[4];
	x->id = ike_get16(p + 6);
	while (off < len) {
		uint16_t t;
		size_t alen;

		if (len - off < 4)
			return bad(e, IKE_PL_SA, "truncated transform attribute");
		t = ike_get16(p + off);
		if (t & 0x8000) {
			alen = 0;
			if ((t & 0x7fff) == IKE_KEY_ATTR) {
				if (x->keylen)
					return bad(e, IKE_PL_SA,
						   "duplicate key length attribute");
				x->keylen = ike_get16(p + off + 2);
				if (!x->keylen)
					return bad(e, IKE_PL_SA, "zero key length");
			} else {
				x->unusable = true;
			}
		} else {
			alen = ike_get16(p + off + 2);
			if (alen > len - off - 4)
				return bad(e, IKE_PL_SA,
					   "transform attribute overflows transform");
			/* Key length is TV only (§3.3.5). */
			if ((t & 0x7fff) == IKE_KEY_ATTR)
				return bad(e, IKE_PL_SA, "key length not in TV format");
			x->unusable = true;
		}
		off += 4 + alen;
	}
	return 0;
}

static int dec_proposal(const uint8_t *p, size_t len, struct ike_pl_proposal *pr,
			struct ike_perr *e)
{
	size_t off, i;

	if (len < 8)
		return bad(e, IKE_PL_SA, "proposal too short");
	pr->num = p[4];
	pr->protocol = p[5];
	pr->spi_size = p[6];
	pr->n_xf = p[7];
	if (pr->spi_size != 0 && pr->spi_size != 4 && pr->spi_size != 8)
		return bad(e, IKE_PL_SA, "bad SPI size");
	if (pr->n_xf == 0 || pr->n_xf > IKE_MAX_TRANSFORMS)
		return bad(e, IKE_PL_SA, "bad number of transforms");
	if (len < 8u + pr->spi_size)
		return bad(e, IKE_PL_SA, "SPI overflows proposal");
	memcpy(pr->spi, p + 8, pr->spi_size);
	off = 8 + pr->spi_size;
	for (i = 0; i < pr->n_xf; i++) {
		bool last = i + 1 == pr->n_xf;
		size_t xlen;

		if (len - off < 8)
			return bad(e, IKE_PL_SA, "truncated transform");
		xlen = ike_get16(p + off + 2);
		if (xlen < 8 || xlen > len - off)
			return bad(e, IKE_PL_SA, "transform length overflows proposal");
		if (p[off] != (last ? 0 : 3))
			return bad(e, IKE_PL_SA, "transform count and last flag disagree");
		if (dec_transform(p + off, xlen, &pr->xf[i], e))
			return -1;
		off += xlen;
	}
	if (off != len)
		return bad(e, IKE_PL_SA, "trailing bytes in proposal");
	return 0;
}

static int dec_sa(const uint8_t *p, size_t len, struct ike_pl_sa *sa,
		  struct ike_perr *e)
{
	size_t off = 0;

	sa->n = 0;
	while (off < len) {
		struct ike_pl_proposal *pr;
		size_t plen;

		if (sa->n == IKE_MAX_PROPOSALS)
			return bad(e, IKE_PL_SA, "too many proposals");
		if (len - off < 8)
			return bad(e, IKE_PL_SA, "truncated proposal");
		plen = ike_get16(p + off + 2);
		if (plen < 8 || plen > len - off)
			return bad(e, IKE_PL_SA, "proposal length overflows SA");
		pr = &sa->prop[sa->n];
		if (dec_proposal(p + off, plen, pr, e))
			return -1;
		/*
		 * §3.3.1: each one more than the last. A request starts at
		 * one (checked on selection); a reply's single proposal
		 * carries the number it chose.
		 */
		if (!pr->num || (sa->n && pr->num != sa->prop[sa->n - 1].num + 1))
			return bad(e, IKE_PL_SA, "bad proposal numbering");
		off += plen;
		if (p[off - plen] != (off == len ? 0 : 2))
			return bad(e, IKE_PL_SA, "proposal last flag wrong");
		sa->n++;
	}
	if (!sa->n)
		return bad(e, IKE_PL_SA, "empty SA payload");
	return 0;
}

static int dec_ts(const uint8_t *p, size_t len, uint8_t type,
		  struct ike_ts_list *l, struct ike_perr *e)
{
	size_t off = 4, i, alen;

	if (len < 4)
		return bad(e, type, "truncated TS payload");
	l->n = p[0];
	if (!l->n || l->n > IKE_TS_MAX)
		return bad(e, type, "bad number of traffic selectors");
	for (i = 0; i < l->n; i++) {
		struct ike_ts *t = &l->ts[i];
		size_t slen;

		if (len - off < 8)
			return bad(e, type, "truncated traffic selector");
		memset(t, 0, sizeof(*t));
		t->type = p[off];
		if (t->type != IKE_TS_IPV4_ADDR_RANGE &&
		    t->type != IKE_TS_IPV6_ADDR_RANGE)
			return bad(e, type, "unknown traffic selector type");
		alen = ike_ts_addr_len(t);
		slen = ike_get16(p + off + 2);
		if (slen != 8 + 2 * alen || slen > len - off)
			return bad(e, type, "bad traffic selector length");
		t->proto = p[off + 1];
		t->sport = ike_get16(p + off + 4);
		t->eport = ike_get16(p + off + 6);
		memcpy(t->start, p + off + 8, alen);
		memcpy(t->end, p + off + 8 + alen, alen);
		if (!ike_ts_valid(t))
			return bad(e, type, "traffic selector range inverted");
		off += slen;
	}
	if (off != len)
		return bad(e, type, "trailing bytes in TS payload");
	return 0;
}

static int dec_notify(const uint8_t *p, size_t len, struct ike_pl_notify *n,
		      struct ike_perr *e)
{
	if (len < 4)
		return bad(e, IKE_PL_NOTIFY, "truncated notify");
	n->proto = p[0];
	n->spi_size = p[1];
	n->type = ike_get16(p + 2);
	if (n->spi_size != 0 && n->spi_size != 4 && n->spi_size != 8)
		return bad(e, IKE_PL_NOTIFY, "bad notify SPI size");
	if (len - 4 < n->spi_size)
		return bad(e, IKE_PL_NOTIFY, "notify SPI overflows payload");
	n->spi = p + 4;
	n->data = p + 4 + n->spi_size;
	n->len = len - 4 - n->spi_size;
	return 0;
}

static int dec_delete(const uint8_t *p, size_t len, struct ike_pl_delete *d,
		      struct ike_perr *e)
{
	if (len < 4)
		return bad(e, IKE_PL_DELETE, "truncated delete");
	d->proto = p[0];
	d->spi_size = p[1];
	d->n_spi = ike_get16(p + 2);
	d->spis = p + 4;
	switch (d->proto) {
	case IKE_PROTO_IKE:
		if (d->spi_size || d->n_spi || len != 4)
			return bad(e, IKE_PL_DELETE, "IKE delete carries SPIs");
		return 0;
	case IKE_PROTO_AH:
	case IKE_PROTO_ESP:
		if (d->spi_size != 4 || !d->n_spi ||
		    len - 4 != (size_t)d->n_spi * 4)
			return bad(e, IKE_PL_DELETE, "bad delete SPI list");
		return 0;
	}
	return bad(e, IKE_PL_DELETE, "delete for unknown protocol");
}

static int dec_cp(const uint8_t *p, size_t len, struct ike_pl_cp *cp,
		  struct ike_perr *e)
{
	size_t off = 4;

	if (len < 4)
		return bad(e, IKE_PL_CP, "truncated CP");
	cp->type = p[0];
	cp->n_attr = 0;
	while (off < len) {
		struct ike_cp_attr *a;

		if (cp->n_attr == IKE_MAX_CP_ATTR)
			return bad(e, IKE_PL_CP, "too many CP attributes");
		if (len - off < 4)
			return bad(e, IKE_PL_CP, "truncated CP attribute");
		a = &cp->attr[cp->n_attr++];
		a->type = ike_get16(p + off) & 0x7fff;
		a->len = ike_get16(p + off + 2);
		if (a->len > len - off - 4)
			return bad(e, IKE_PL_CP, "CP attribute overflows payload");
		a->val = p + off + 4;
		off += 4 + (size_t)a->len;
	}
	return 0;
}

/* Types that may appear at most once per message. */
static const uint32_t once_only =
	IKE_PL_BIT(IKE_PL_SA) | IKE_PL_BIT(IKE_PL_KE) | IKE_PL_BIT(IKE_PL_IDI) |
	IKE_PL_BIT(IKE_PL_IDR) | IKE_PL_BIT(IKE_PL_AUTH) |
	IKE_PL_BIT(IKE_PL_NONCE) | IKE_PL_BIT(IKE_PL_TSI) |
	IKE_PL_BIT(IKE_PL_TSR) | IKE_PL_BIT(IKE_PL_SK) | IKE_PL_BIT(IKE_PL_CP);

static int dec_one(struct ike_payloads *p, uint8_t type, const uint8_t *b,
		   size_t len, struct ike_perr *e)
{
	struct ike_pl_id *id;

	switch (type) {
	case IKE_PL_SA:
		return dec_sa(b, len, &p->sa, e);
	case IKE_PL_KE:
		if (len < 5)
			return bad(e, type, "truncated KE");
		p->ke.group = ike_get16(b);
		p->ke.data = b + 4;
		p->ke.len = len - 4;
		return 0;
	case IKE_PL_IDI:
	case IKE_PL_IDR:
		id = type == IKE_PL_IDI ? &p->idi : &p->idr;
		if (len < 5)
			return bad(e, type, "truncated ID");
		id->type = b[0];
		id->data = b + 4;
		id->len = len - 4;
		id->body = b;
		id->body_len = len;
		if ((id->type == IKE_ID_IPV4_ADDR && id->len != 4) ||
		    (id->type == IKE_ID_IPV6_ADDR && id->len != 16))
			return bad(e, type, "bad address ID length");
		return 0;
	case IKE_PL_AUTH:
		if (len < 5)
			return bad(e, type, "truncated AUTH");
		p->auth.method = b[0];
		p->auth.data = b + 4;
		p->auth.len = len - 4;
		return 0;
	case IKE_PL_NONCE:
		if (len < IKE_NONCE_MIN || len > IKE_NONCE_MAX)
			return bad(e, type, "nonce length out of range");
		p->nonce.data = b;
		p->nonce.len = len;
		return 0;
	case IKE_PL_NOTIFY:
		if (p->n_notify == IKE_MAX_NOTIFY)
			return bad(e, type, "too many notify payloads");
		return dec_notify(b, len, &p->notify[p->n_notify++], e);
	case IKE_PL_DELETE:
		if (p->n_delete == IKE_MAX_DELETE)
			return bad(e, type, "too many delete payloads");
		return dec_delete(b, len, &p->del[p->n_delete++], e);
	case IKE_PL_TSI:
		return dec_ts(b, len, type, &p->tsi, e);
	case IKE_PL_TSR:
		return dec_ts(b, len, type, &p->tsr, e);
	case IKE_PL_CP:
		return dec_cp(b, len, &p->cp, e);
	case IKE_PL_VENDOR:
		p->n_vendor++;
		return 0;
	}
	/* CERT, CERTREQ, EAP, SKF: known, not used with PSK; skipped. */
	return 0;
}

static bool known_type(uint8_t t)
{
	return (t >= IKE_PL_SA && t <= IKE_PL_EAP) || t == IKE_PL_SKF;
}

int ike_payloads_decode(struct ike_payloads *p, uint8_t first,
			const uint8_t *buf, size_t len, struct ike_perr *err)
{
	uint8_t type = first;
	size_t off = 0;

	memset(p, 0, sizeof(*p));
	memset(err, 0, sizeof(*err));
	while (type != IKE_PL_NONE) {
		size_t plen;
		uint8_t next;
		bool critical;

		if (len - off < GEN_HDR)
			return bad(err, type, "truncated payload header");
		next = buf[off];
		critical = buf[off + 1] & 0x80;
		plen = ike_get16(buf + off + 2);
		if (plen < GEN_HDR || plen > len - off)
			return bad(err, type, "payload length overflows message");
		if (!known_type(type)) {
			if (critical) {
				err->notify = IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD;
				err->type = type;
				err->why = "unsupported critical payload";
				return -1;
			}
		} else {
			if ((once_only & IKE_PL_BIT(type)) &&
			    ike_pl_has(p, type))
				return bad(err, type, "duplicate payload");
			p->present |= IKE_PL_BIT(type);
			if (type == IKE_PL_SK) {
				/* §3.14: SK is last; its Next Payload is the inner first. */
				if (plen != len - off)
					return bad(err, type, "payload after SK");
				p->sk.inner_next = next;
				p->sk.hdr_off = off;
				p->sk.data = buf + off + GEN_HDR;
				p->sk.len = plen - GEN_HDR;
				return 0;
			}
			if (dec_one(p, type, buf + off + GEN_HDR,
				    plen - GEN_HDR, err))
				return -1;
		}
		off += plen;
		type = next;
	}
	if (off != len)
		return bad(err, IKE_PL_NONE, "trailing bytes after last payload");
	return 0;
}

const struct ike_pl_notify *ike_pl_notify_find(const struct ike_payloads *p,
					       uint16_t type)
{
	int i;

	for (i = 0; i < p->n_notify; i++)
		if (p->notify[i].type == type)
			return &p->notify[i];
	return NULL;
}

const struct ike_pl_notify *ike_pl_notify_error(const struct ike_payloads *p)
{
	int i;

	for (i = 0; i < p->n_notify; i++)
		if (p->notify[i].type <= IKE_N_ERROR_MAX)
			return &p->notify[i];
	return NULL;
}

const char *ike_notify_name(uint16_t type)
{
	static const struct {
		uint16_t type;
		const char *name;
	} names[] = {
		{ IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD, "UNSUPPORTED_CRITICAL_PAYLOAD" },
		{ IKE_N_INVALID_IKE_SPI, "INVALID_IKE_SPI" },
		{ IKE_N_INVALID_MAJOR_VERSION, "INVALID_MAJOR_VERSION" },
		{ IKE_N_INVALID_SYNTAX, "INVALID_SYNTAX" },
		{ IKE_N_INVALID_MESSAGE_ID, "INVALID_MESSAGE_ID" },
		{ IKE_N_INVALID_SPI, "INVALID_SPI" },
		{ IKE_N_NO_PROPOSAL_CHOSEN, "NO_PROPOSAL_CHOSEN" },
		{ IKE_N_INVALID_KE_PAYLOAD, "INVALID_KE_PAYLOAD" },
		{ IKE_N_AUTHENTICATION_FAILED, "AUTHENTICATION_FAILED" },
		{ IKE_N_SINGLE_PAIR_REQUIRED, "SINGLE_PAIR_REQUIRED" },
		{ IKE_N_NO_ADDITIONAL_SAS, "NO_ADDITIONAL_SAS" },
		{ IKE_N_INTERNAL_ADDRESS_FAILURE, "INTERNAL_ADDRESS_FAILURE" },
		{ IKE_N_FAILED_CP_REQUIRED, "FAILED_CP_REQUIRED" },
		{ IKE_N_TS_UNACCEPTABLE, "TS_UNACCEPTABLE" },
		{ IKE_N_INVALID_SELECTORS, "INVALID_SELECTORS" },
		{ IKE_N_TEMPORARY_FAILURE, "TEMPORARY_FAILURE" },
		{ IKE_N_CHILD_SA_NOT_FOUND, "CHILD_SA_NOT_FOUND" },
		{ IKE_N_INITIAL_CONTACT, "INITIAL_CONTACT" },
		{ IKE_N_COOKIE, "COOKIE" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type)
			return names[i].name;
	return type <= IKE_N_ERROR_MAX ? "error notify" : "status notify";
}

void ike_chain_init(struct ike_chain *c, struct ike_buf *b, size_t next_off)
{
	c->b = b;
	c->next_off = next_off;
}

size_t ike_pl_begin(struct ike_chain *c, uint8_t type, bool critical)
{
	size_t hdr = c->b->len;
	uint8_t *h = ike_buf_put(c->b, GEN_HDR);

	if (!h)
		return hdr;
	c->b->data[c->next_off] = type;
	h[1] = critical ? 0x80 : 0;
	c->next_off = hdr;
	return hdr;
}

void ike_pl_end(struct ike_chain *c, size_t hdr)
{
	if (c->b->err)
		return;
	if (c->b->len - hdr > 0xffff) {
		c->b->err = true;
		return;
	}
	ike_put16(c->b->data + hdr + 2, (uint16_t)(c->b->len - hdr));
}

static void enc_transform(struct ike_buf *b, const struct ike_transform *x,
			  bool last)
{
	size_t start = b->len;

	ike_buf_put_u8(b, last ? 0 : 3);
	ike_buf_put_u8(b, 0);
	ike_buf_put_u16(b, 0);
	ike_buf_put_u8(b, x->type);
	ike_buf_put_u8(b, 0);
	ike_buf_put_u16(b, x->id);
	if (x->keylen) {
		ike_buf_put_u16(b, 0x8000 | IKE_KEY_ATTR);
		ike_buf_put_u16(b, x->keylen);
	}
	if (!b->err)
		ike_put16(b->data + start + 2, (uint16_t)(b->len - start));
}

void ike_enc_sa(struct ike_chain *c, const struct ike_pl_sa *sa)
{
	size_t hdr = ike_pl_begin(c, IKE_PL_SA, false);
	struct ike_buf *b = c->b;
	int i, j;

	for (i = 0; i < sa->n; i++) {
		const struct ike_pl_proposal *pr = &sa->prop[i];
		size_t start = b->len;

		ike_buf_put_u8(b, i + 1 == sa->n ? 0 : 2);
		ike_buf_put_u8(b, 0);
		ike_buf_put_u16(b, 0);
		ike_buf_put_u8(b, pr->num);
		ike_buf_put_u8(b, pr->protocol);
		ike_buf_put_u8(b, pr->spi_size);
		ike_buf_put_u8(b, pr->n_xf);
		ike_buf_put_bytes(b, pr->spi, pr->spi_size);
		for (j = 0; j < pr->n_xf; j++)
			enc_transform(b, &pr->xf[j], j + 1 == pr->n_xf);
		if (!b->err)
			ike_put16(b->data + start + 2, (uint16_t)(b->len - start));
	}
	ike_pl_end(c, hdr);
}

void ike_enc_ke(struct ike_chain *c, uint16_t group, const uint8_t *data,
		size_t len)
{
	size_t hdr = ike_pl_begin(c, IKE_PL_KE, false);

	ike_buf_put_u16(c->b, group);
	ike_buf_put_u16(c->b, 0);
	ike_buf_put_bytes(c->b, data, len);
	ike_pl_end(c, hdr);
}

void ike_enc_id(struct ike_chain *c, uint8_t pl_type, uint8_t id_type,
		const uint8_t *data, size_t len)
{
	size_t hdr = ike_pl_begin(c, pl_type, false);

	ike_buf_put_u32(c->b, (uint32_t)id_type << 24);
	ike_buf_put_bytes(c->b, data, len);
	ike_pl_end(c, hdr);
}

void ike_enc_auth(struct ike_chain *c, uint8_t method, const uint8_t *data,
		  size_t len)
{
	size_t hdr = ike_pl_begin(c, IKE_PL_AUTH, false);

	ike_buf_put_u32(c->b, (uint32_t)method << 24);
	ike_buf_put_bytes(c->b, data, len);
	ike_pl_end(c, hdr);
}

void ike_enc_nonce(struct ike_chain *c, const uint8_t *data, size_t len)
{
	size_t hdr = ike_pl_begin(c, IKE_PL_NONCE, false);

	ike_buf_put_bytes(c->b, data, len);
	ike_pl_end(c, hdr);
}

void ike_enc_notify(struct ike_chain *c, uint8_t proto, const uint8_t *spi,
		    uint8_t spi_size, uint16_t type, const uint8_t *data,
		    size_t len)
{
	size_t hdr = ike_pl_begin(c, IKE_PL_NOTIFY, false);

	ike_buf_put_u8(c->b, proto);
	ike_buf_put_u8(c->b, spi_size);
	ike_buf_put_u16(c->b, type);
	ike_buf_put_bytes(c->b, spi, spi_size);
	ike_buf_put_bytes(c->b, data, len);
	ike_pl_end(c, hdr);
}

void ike_enc_delete(struct ike_chain *c, uint8_t proto, uint8_t spi_size,
		    const uint8_t *spis, uint16_t n_spi)
{
	size_t hdr = ike_pl_begin(c, IKE_PL_DELETE, false);

	ike_buf_put_u8(c->b, proto);
	ike_buf_put_u8(c->b, spi_size);
	ike_buf_put_u16(c->b, n_spi);
	ike_buf_put_bytes(c->b, spis, (size_t)spi_size * n_spi);
	ike_pl_end(c, hdr);
}

void ike_enc_ts(struct ike_chain *c, uint8_t pl_type,
		const struct ike_ts_list *l)
{
	size_t hdr = ike_pl_begin(c, pl_type, false), alen;
	int i;

	ike_buf_put_u32(c->b, (uint32_t)l->n << 24);
	for (i = 0; i < l->n; i++) {
		const struct ike_ts *t = &l->ts[i];

		alen = ike_ts_addr_len(t);
		ike_buf_put_u8(c->b, t->type);
		ike_buf_put_u8(c->b, t->proto);
		ike_buf_put_u16(c->b, (uint16_t)(8 + 2 * alen));
		ike_buf_put_u16(c->b, t->sport);
		ike_buf_put_u16(c->b, t->eport);
		ike_buf_put_bytes(c->b, t->start, alen);
		ike_buf_put_bytes(c->b, t->end, alen);
	}
	ike_pl_end(c, hdr);
}

void ike_enc_cp(struct ike_chain *c, const struct ike_pl_cp *cp)
{
	size_t hdr = ike_pl_begin(c, IKE_PL_CP, false);
	int i;

	ike_buf_put_u32(c->b, (uint32_t)cp->type << 24);
	for (i = 0; i < cp->n_attr; i++) {
		ike_buf_put_u16(c->b, cp->attr[i].type & 0x7fff);
		ike_buf_put_u16(c->b, cp->attr[i].len);
		ike_buf_put_bytes(c->b, cp->attr[i].val, cp->attr[i].len);
	}
	ike_pl_end(c, hdr);
}

void ike_enc_vendor(struct ike_chain *c, const uint8_t *data, size_t len)
{
	size_t hdr = ike_pl_begin(c, IKE_PL_VENDOR, false);

	ike_buf_put_bytes(c->b, data, len);
	ike_pl_end(c, hdr);
}
