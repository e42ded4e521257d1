// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_child.h"
#include "ike_sa.h"

static bool spi_in_use(struct ike_engine *e, uint32_t spi)
{
	struct ike_child *c;
	struct ike_sa *sa;

	for (sa = e->sas; sa; sa = sa->next) {
		if (sa->child_spi == spi)
			return true;
		for (c = sa->children; c; c = c->next)
			if (c->spi_in == spi)
				return true;
	}
	return false;
}

uint32_t ike_child_alloc_spi(struct ike_engine *e)
{
	uint32_t spi;

	do {
		if (ike_random(&spi, sizeof(spi)))
			return 0;
	} while (ntohl(spi) < 256 || spi_in_use(e, spi));
	return spi;
}

static int install(struct ike_sa *sa, struct ike_child *c, enum ike_dir dir,
		   const uint8_t *ek, const uint8_t *ak,
		   const struct ike_child_keys *k)
{
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	struct ike_kernel_sa ks = {
		.tunnel = cfg->id,
		.dir = dir,
		.spi = dir == IKE_DIR_IN ? c->spi_in : c->spi_out,
		.mode = cfg->mode,
		.encr = c->suite.encr,
		.encr_bits = c->suite.encr_bits,
		.integ = c->suite.integ,
		.esn = c->suite.esn == IKE_ESN_YES,
		.enc_key = ek,
		.enc_key_len = k->enc_len,
		.integ_key = k->integ_len ? ak : NULL,
		.integ_key_len = k->integ_len,
		.local = &sa->local,
		.remote = &sa->remote,
		.local_ts = &c->local_ts,
		.remote_ts = &c->remote_ts,
		.soft_lifetime_s = cfg->child_soft_s,
		.hard_lifetime_s = cfg->child_hard_s,
	};

	return sa->eng->kernel.add_sa(sa->eng->kernel.ctx, &ks);
}

struct ike_child *ike_child_create(struct ike_sa *sa, uint32_t spi_in,
				   uint32_t spi_out, const struct ike_suite *s,
				   const struct ike_ts_list *local_ts,
				   const struct ike_ts_list *remote_ts)
{
	struct ike_kernel *kern = &sa->eng->kernel;
	struct ike_child_keys k;
	struct ike_child *c;
	const uint8_t *in_e, *in_a, *out_e, *out_a;

	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->spi_in = spi_in;
	c->spi_out = spi_out;
	c->suite = *s;
	c->local_ts = *local_ts;
	c->remote_ts = *remote_ts;
	c->created = sa->eng->now;
	if (ike_child_keymat(sa->keys.prf, sa->keys.sk_d, s, sa->ni,
			     sa->ni_len, sa->nr, sa->nr_len, &k))
		goto fail;
	/* The initiator sends with the first keys of KEYMAT, receives with the second. */
	in_e = sa->initiator ? k.enc_r : k.enc_i;
	in_a = sa->initiator ? k.integ_r : k.integ_i;
	out_e = sa->initiator ? k.enc_i : k.enc_r;
	out_a = sa->initiator ? k.integ_i : k.integ_r;
	if (install(sa, c, IKE_DIR_IN, in_e, in_a, &k))
		goto fail;
	if (install(sa, c, IKE_DIR_OUT, out_e, out_a, &k)) {
		kern->del_sa(kern->ctx, sa->tun->cfg.id, IKE_DIR_IN, spi_in);
		goto fail;
	}
	OPENSSL_cleanse(&k, sizeof(k));
	c->next = sa->children;
	sa->children = c;
	return c;
fail:
	OPENSSL_cleanse(&k, sizeof(k));
	free(c);
	return NULL;
}

void ike_child_destroy(struct ike_sa *sa, struct ike_child *c)
{
	struct ike_kernel *kern = &sa->eng->kernel;
	struct ike_child **pp;

	kern->del_sa(kern->ctx, sa->tun->cfg.id, IKE_DIR_OUT, c->spi_out);
	kern->del_sa(kern->ctx, sa->tun->cfg.id, IKE_DIR_IN, c->spi_in);
	for (pp = &sa->children; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	free(c);
}

struct ike_child *ike_child_by_spi_in(struct ike_sa *sa, uint32_t spi)
{
	struct ike_child *c;

	for (c = sa->children; c; c = c->next)
		if (c->spi_in == spi)
			return c;
	return NULL;
}

struct ike_child *ike_child_by_spi_out(struct ike_sa *sa, uint32_t spi)
{
	struct ike_child *c;

	for (c = sa->children; c; c = c->next)
		if (c->spi_out == spi)
			return c;
	return NULL;
}
