// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "ike_proposal.h"

static const uint8_t xf_order[] = {
	IKE_XF_ENCR, IKE_XF_INTEG, IKE_XF_PRF, IKE_XF_DH, IKE_XF_ESN
};

static int add_alg(struct ike_proposal *p, uint8_t type, uint16_t id,
		   uint16_t bits)
{
	int i;

	for (i = 0; i < p->n[type]; i++)
		if (p->alg[type][i].id == id && p->alg[type][i].bits == bits)
			return 0;
	if (p->n[type] == IKE_PROP_ALGS)
		return -1;
	p->alg[type][p->n[type]++] = (struct ike_prop_alg){ id, bits };
	return 0;
}

static uint16_t prf_for_integ(uint16_t integ)
{
	switch (integ) {
	case IKE_INTEG_HMAC_SHA2_256_128:
		return IKE_PRF_HMAC_SHA2_256;
	case IKE_INTEG_HMAC_SHA2_384_192:
		return IKE_PRF_HMAC_SHA2_384;
	default:
		return IKE_PRF_HMAC_SHA2_512;
	}
}

int ike_proposal_parse(struct ike_proposal *p, uint8_t protocol,
		       const char *s)
{
	int i, aead = 0;

	memset(p, 0, sizeof(*p));
	p->protocol = protocol;
	while (*s) {
		size_t n = strcspn(s, "-");
		const struct ike_alg *a = ike_alg_by_name(s, n);

		if (!a || !(protocol == IKE_PROTO_IKE ? a->ike_ok : a->esp_ok))
			return -1;
		if (add_alg(p, a->type, a->id, a->bits))
			return -1;
		s += n;
		if (*s == '-' && !*++s)
			return -1;
	}
	for (i = 0; i < p->n[IKE_XF_ENCR]; i++)
		aead |= 1 << !!ike_alg_is_aead(p->alg[IKE_XF_ENCR][i].id);
	/* Combined and separate-integrity ciphers need separate proposals. */
	if (aead != 1 && aead != 2)
		return -1;
	if (aead == 2 && p->n[IKE_XF_INTEG])
		return -1;
	if (aead == 1 && !p->n[IKE_XF_INTEG])
		return -1;
	if (protocol == IKE_PROTO_IKE) {
		/* As strongSwan: without a PRF, the integrity hashes name it. */
		for (i = 0; !p->n[IKE_XF_PRF] && i < p->n[IKE_XF_INTEG]; i++)
			add_alg(p, IKE_XF_PRF,
				prf_for_integ(p->alg[IKE_XF_INTEG][i].id), 0);
		return p->n[IKE_XF_PRF] && p->n[IKE_XF_DH] ? 0 : -1;
	}
	if (!p->n[IKE_XF_ESN])
		add_alg(p, IKE_XF_ESN, IKE_ESN_NO, 0);
	return 0;
}

static int append(char *buf, size_t len, size_t *off, const char *s)
{
	int r = snprintf(buf + *off, *off < len ? len - *off : 0, "%s", s);

	if (r < 0)
		return -1;
	*off += (size_t)r;
	return 0;
}

static void fmt_alg(char *buf, size_t len, size_t *off, uint8_t type,
		    uint16_t id, uint16_t bits, bool *first)
{
	char name[32];

	if (!*first)
		append(buf, len, off, "-");
	*first = false;
	append(buf, len, off, ike_alg_name(type, id, bits, name, sizeof(name)));
}

/* "noesn" alone is the default and not worth printing. */
static bool print_type(uint8_t type, uint8_t n, uint16_t first_id)
{
	return !(type == IKE_XF_ESN && n == 1 && first_id == IKE_ESN_NO);
}

int ike_proposal_format(const struct ike_proposal *p, char *buf, size_t len)
{
	bool first = true;
	size_t off = 0, t;
	int i;

	if (len)
		buf[0] = '\0';
	for (t = 0; t < sizeof(xf_order); t++) {
		uint8_t type = xf_order[t];

		if (!print_type(type, p->n[type], p->alg[type][0].id))
			continue;
		for (i = 0; i < p->n[type]; i++)
			fmt_alg(buf, len, &off, type, p->alg[type][i].id,
				p->alg[type][i].bits, &first);
	}
	return (int)off;
}

int ike_proposals_format(const struct ike_proposal *p, int n, char *buf,
			 size_t len)
{
	size_t off = 0;
	int i;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			append(buf, len, &off, ", ");
		off += (size_t)ike_proposal_format(&p[i], buf + (off < len ? off : len),
						   off < len ? len - off : 0);
	}
	return (int)off;
}

int ike_pl_proposals_format(const struct ike_pl_sa *sa, char *buf, size_t len)
{
	size_t off = 0, t;
	int i, j;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < sa->n; i++) {
		const struct ike_pl_proposal *pr = &sa->prop[i];
		bool first = true;

		if (i)
			append(buf, len, &off, ", ");
		for (t = 0; t < sizeof(xf_order); t++) {
			int n = 0;

			for (j = 0; j < pr->n_xf; j++)
				n += pr->xf[j].type == xf_order[t];
			for (j = 0; j < pr->n_xf; j++) {
				const struct ike_transform *x = &pr->xf[j];

				if (x->type != xf_order[t] ||
				    !print_type(x->type, (uint8_t)n, x->id))
					continue;
				fmt_alg(buf, len, &off, x->type, x->id,
					x->keylen, &first);
			}
		}
	}
	return (int)off;
}

/* The one-transform-per-type proposal a suite stands for. */
static void suite_proposal(const struct ike_suite *s, uint8_t protocol,
			   struct ike_proposal *p)
{
	memset(p, 0, sizeof(*p));
	p->protocol = protocol;
	add_alg(p, IKE_XF_ENCR, s->encr, s->encr_bits);
	if (s->integ)
		add_alg(p, IKE_XF_INTEG, s->integ, 0);
	if (protocol == IKE_PROTO_IKE)
		add_alg(p, IKE_XF_PRF, s->prf, 0);
	if (s->dh)
		add_alg(p, IKE_XF_DH, s->dh, 0);
	if (protocol != IKE_PROTO_IKE)
		add_alg(p, IKE_XF_ESN, s->esn, 0);
}

int ike_suite_format(const struct ike_suite *s, uint8_t protocol, char *buf,
		     size_t len)
{
	struct ike_proposal p;

	suite_proposal(s, protocol, &p);
	return ike_proposal_format(&p, buf, len);
}

void ike_proposal_to_pl(const struct ike_proposal *p, uint8_t num,
			const uint8_t *spi, uint8_t spi_size, bool strip_dh,
			struct ike_pl_proposal *out)
{
	size_t t;
	int i;

	memset(out, 0, sizeof(*out));
	out->num = num;
	out->protocol = p->protocol;
	out->spi_size = spi_size;
	if (spi_size)
		memcpy(out->spi, spi, spi_size);
	for (t = 0; t < sizeof(xf_order); t++) {
		uint8_t type = xf_order[t];

		if (type == IKE_XF_DH && strip_dh)
			continue;
		for (i = 0; i < p->n[type]; i++)
			out->xf[out->n_xf++] = (struct ike_transform){
				.type = type,
				.id = p->alg[type][i].id,
				.keylen = p->alg[type][i].bits,
			};
	}
}

void ike_proposals_to_sa(const struct ike_proposal *p, int n,
			 const uint8_t *spi, uint8_t spi_size, bool strip_dh,
			 struct ike_pl_sa *out)
{
	int i;

	out->n = (uint8_t)n;
	for (i = 0; i < n; i++)
		ike_proposal_to_pl(&p[i], (uint8_t)(i + 1), spi, spi_size,
				   strip_dh, &out->prop[i]);
}

void ike_suite_to_pl(const struct ike_suite *s, uint8_t protocol,
		     uint8_t num, const uint8_t *spi, uint8_t spi_size,
		     struct ike_pl_proposal *out)
{
	struct ike_proposal p;

	suite_proposal(s, protocol, &p);
	ike_proposal_to_pl(&p, num, spi, spi_size, false, out);
}

static bool has_type(const struct ike_pl_proposal *pr, uint8_t type)
{
	int i;

	for (i = 0; i < pr->n_xf; i++)
		if (pr->xf[i].type == type)
			return true;
	return false;
}

static bool offers(const struct ike_pl_proposal *pr, uint8_t type,
		   const struct ike_prop_alg *a)
{
	int i;

	for (i = 0; i < pr->n_xf; i++)
		if (pr->xf[i].type == type && pr->xf[i].id == a->id &&
		    pr->xf[i].keylen == a->bits && !pr->xf[i].unusable)
			return true;
	/* §3.3.6: a proposal without a key exchange, as one offering NONE. */
	if (type == IKE_XF_DH && a->id == IKE_DH_NONE)
		return !has_type(pr, IKE_XF_DH);
	/* §3.3.2: a proposal without ESN means no extended sequence numbers. */
	if (type == IKE_XF_ESN && a->id == IKE_ESN_NO)
		for (i = 0; i < pr->n_xf; i++)
			if (pr->xf[i].type == IKE_XF_ESN)
				return false;
	return type == IKE_XF_ESN && a->id == IKE_ESN_NO;
}

static bool usable(const struct ike_pl_proposal *pr, uint8_t protocol,
		   uint8_t spi_size)
{
	int i;

	if (pr->protocol != protocol || pr->spi_size != spi_size)
		return false;
	/* §3.3.6: an unknown transform type rejects the whole proposal. */
	for (i = 0; i < pr->n_xf; i++)
		if (pr->xf[i].type < IKE_XF_ENCR || pr->xf[i].type > IKE_XF_ESN)
			return false;
	return true;
}

static uint16_t *suite_field(struct ike_suite *s, uint8_t type)
{
	switch (type) {
	case IKE_XF_ENCR:
		return &s->encr;
	case IKE_XF_PRF:
		return &s->prf;
	case IKE_XF_INTEG:
		return &s->integ;
	case IKE_XF_DH:
		return &s->dh;
	}
	return &s->esn;
}

static bool match(const struct ike_proposal *our,
		  const struct ike_pl_proposal *pr, bool ignore_dh,
		  uint16_t prefer_dh, struct ike_suite *out)
{
	static const struct ike_prop_alg none = { IKE_DH_NONE, 0 };
	size_t t;
	int i;

	memset(out, 0, sizeof(*out));
	for (t = 0; t < sizeof(xf_order); t++) {
		uint8_t type = xf_order[t];
		const struct ike_prop_alg *pick = NULL;

		if (type == IKE_XF_DH && ignore_dh)
			continue;
		if (!our->n[type]) {
			/* No PFS here: a peer that also offers NONE gets it. */
			if (has_type(pr, type) &&
			    !(type == IKE_XF_DH && offers(pr, type, &none)))
				return false;
			continue;
		}
		for (i = 0; i < our->n[type]; i++) {
			if (!offers(pr, type, &our->alg[type][i]))
				continue;
			if (!pick)
				pick = &our->alg[type][i];
			if (type == IKE_XF_DH && our->alg[type][i].id == prefer_dh)
				pick = &our->alg[type][i];
		}
		if (!pick)
			return false;
		*suite_field(out, type) = pick->id;
		if (type == IKE_XF_ENCR)
			out->encr_bits = pick->bits;
	}
	return true;
}

int ike_proposal_select(const struct ike_proposal *ours, int n_ours,
			const struct ike_pl_sa *offered, uint8_t protocol,
			uint8_t spi_size, bool ignore_dh, uint16_t prefer_dh,
			struct ike_suite *out)
{
	int i, j;

	if (offered->prop[0].num != 1)
		return -1;
	for (i = 0; i < n_ours; i++) {
		if (ours[i].protocol != protocol)
			continue;
		for (j = 0; j < offered->n; j++)
			if (usable(&offered->prop[j], protocol, spi_size) &&
			    match(&ours[i], &offered->prop[j], ignore_dh,
				  prefer_dh, out))
				return j;
	}
	return -1;
}

int ike_proposal_accept(const struct ike_proposal *ours, int n_ours,
			const struct ike_pl_sa *reply, uint8_t protocol,
			uint8_t spi_size, bool ignore_dh, struct ike_suite *out)
{
	const struct ike_pl_proposal *pr = &reply->prop[0];
	uint8_t seen[IKE_XF_TYPES] = { 0 };
	int i;

	if (reply->n != 1 || pr->num < 1 || pr->num > n_ours ||
	    !usable(pr, protocol, spi_size))
		return -1;
	for (i = 0; i < pr->n_xf; i++)
		if (seen[pr->xf[i].type]++)
			return -1;
	/* With one transform per type, matching can only pick the reply's. */
	return match(&ours[pr->num - 1], pr, ignore_dh, 0, out) ? 0 : -1;
}

bool ike_proposal_has_dh(const struct ike_proposal *p, int n, uint16_t group)
{
	int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < p[i].n[IKE_XF_DH]; j++)
			if (p[i].alg[IKE_XF_DH][j].id == group)
				return true;
	return false;
}
