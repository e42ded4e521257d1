// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_child.h"
#include "ike_exchange.h"
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

/* Per SA, so the two ends of a tunnel do not both start rekeying at once. */
static uint32_t soft_lifetime(const struct ike_tunnel_config *cfg)
{
	uint32_t r, jitter = cfg->rekey_jitter_s;

	if (!cfg->child_soft_s || !jitter)
		return cfg->child_soft_s;
	if (jitter >= cfg->child_soft_s)
		jitter = cfg->child_soft_s - 1;
	if (ike_random(&r, sizeof(r)))
		return cfg->child_soft_s;
	return cfg->child_soft_s - r % (jitter + 1);
}

static int install(struct ike_sa *sa, struct ike_child *c, enum ike_dir dir,
		   const uint8_t *ek, const uint8_t *ak, uint32_t soft_s)
{
	const struct ike_tunnel_config *cfg = &c->tun->cfg;
	struct ike_kernel_sa ks = {
		.tunnel = cfg->id,
		.dir = dir,
		.spi = dir == IKE_DIR_IN ? c->spi_in : c->spi_out,
		.mode = c->mode,
		.encr = c->suite.encr,
		.encr_bits = c->suite.encr_bits,
		.integ = c->suite.integ,
		.esn = c->suite.esn == IKE_ESN_YES,
		.enc_key = ek,
		.enc_key_len = c->ekey_len,
		.integ_key = c->akey_len ? ak : NULL,
		.integ_key_len = c->akey_len,
		.local = &sa->local,
		.remote = &sa->remote,
		.local_ts = &c->local_ts,
		.remote_ts = &c->remote_ts,
		.own_ts = c->own_ts,
		.soft_lifetime_s = soft_s,
		.hard_lifetime_s = cfg->child_hard_s,
	};

	if (sa->udp_encap) {
		ks.encap_sport = ike_port(dir == IKE_DIR_OUT ? &sa->local :
					  &sa->remote);
		ks.encap_dport = ike_port(dir == IKE_DIR_OUT ? &sa->remote :
					  &sa->local);
	}

	return sa->eng->kernel.add_sa(sa->eng->kernel.ctx, &ks);
}

static void wipe_out_keys(struct ike_child *c)
{
	OPENSSL_cleanse(c->out_ekey, sizeof(c->out_ekey));
	OPENSSL_cleanse(c->out_akey, sizeof(c->out_akey));
}

/* @o's outbound SA is in the kernel slot @c's takes (the same selectors). */
static bool same_out_slot(const struct ike_child *o, const struct ike_child *c)
{
	return o->tun == c->tun && o->mode == c->mode &&
	       o->own_ts == c->own_ts &&
	       (!c->own_ts || (ike_ts_list_equal(&o->local_ts, &c->local_ts) &&
			       ike_ts_list_equal(&o->remote_ts, &c->remote_ts)));
}

unsigned int ike_child_extra_count(const struct ike_sa *sa,
				   const struct ike_tunnel *t)
{
	const struct ike_child *c;
	unsigned int n = 0;

	for (c = sa->children; c; c = c->next)
		if (c->tun == t && c->own_ts && ike_child_current(c))
			n++;
	return n;
}

bool ike_child_ts_taken(const struct ike_sa *sa, const struct ike_tunnel *t,
			const struct ike_ts_list *local,
			const struct ike_ts_list *remote)
{
	const struct ike_child *c;

	for (c = sa->children; c; c = c->next)
		if (c->tun == t && c->mode == IKE_MODE_TUNNEL &&
		    ike_child_current(c) &&
		    ike_ts_list_equal(&c->local_ts, local) &&
		    ike_ts_list_equal(&c->remote_ts, remote))
			return true;
	return false;
}

static int put_out(struct ike_sa *sa, struct ike_child *c)
{
	struct ike_engine *e = sa->eng;
	struct ike_child *o;
	struct ike_sa *s;
	uint32_t soft = c->rekey_at > e->now ?
			(uint32_t)((c->rekey_at - e->now + 999) / 1000) : 1;
	int ret;

	/* The keys stay until the CHILD SA goes: ike_child_restore_out(). */
	ret = install(sa, c, IKE_DIR_OUT, c->out_ekey, c->out_akey,
		      c->tun->cfg.child_soft_s ? soft : 0);
	if (ret)
		return ret;
	/*
	 * The kernel keeps one outbound SA per mode, and one per selectors
	 * for additional CHILD SAs: the old one of that slot is gone.
	 */
	for (s = e->sas; s; s = s->next)
		for (o = s->children; o; o = o->next)
			if (same_out_slot(o, c))
				o->out_live = false;
	c->out_live = true;
	return 0;
}

int ike_child_restore_out(struct ike_sa *sa, struct ike_child *c)
{
	if (c->out_live || c->out_pending || c->retiring || c->rekeyed ||
	    c->deleting || c->delete_queued || !c->ekey_len)
		return 0;
	return put_out(sa, c);
}

int ike_child_install_out(struct ike_sa *sa, struct ike_child *c)
{
	struct ike_engine *e = sa->eng;
	int ret;

	if (!c->out_pending)
		return 0;
	c->out_pending = false;
	ret = put_out(sa, c);
	if (ret) {
		wipe_out_keys(c);
		return ret;
	}
	if (c->replaces) {
		c->tun->stats.child_rekeys++;
		c->tun->stats.last_child_rekey = e->now;
	}
	return 0;
}

struct ike_child *ike_child_create(struct ike_sa *sa,
				   const struct ike_child_params *p)
{
	struct ike_kernel *kern = &sa->eng->kernel;
	struct ike_tunnel *t = p->tun ? p->tun : sa->tun;
	const struct ike_tunnel_config *cfg = &t->cfg;
	struct ike_child_keys k;
	struct ike_child *c;
	const uint8_t *in_e, *in_a;
	uint32_t soft = soft_lifetime(cfg);

	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->tun = t;
	c->spi_in = p->spi_in;
	c->spi_out = p->spi_out;
	c->suite = *p->suite;
	c->mode = p->mode;
	c->own_ts = p->own_ts;
	c->local_ts = *p->local_ts;
	c->remote_ts = *p->remote_ts;
	c->created = sa->eng->now;
	c->rekey_at = soft ? c->created + (ike_time_t)soft * 1000 :
		      IKE_TIME_NEVER;
	c->replaces = p->replaces;
	c->ni_len = p->ni_len;
	c->nr_len = p->nr_len;
	memcpy(c->ni, p->ni, p->ni_len);
	memcpy(c->nr, p->nr, p->nr_len);
	if (ike_child_keymat_pfs(sa->keys.prf, sa->keys.sk_d, p->suite,
				 p->shared, p->shared_len, p->ni, p->ni_len,
				 p->nr, p->nr_len, &k))
		goto fail;
	c->ekey_len = k.enc_len;
	c->akey_len = k.integ_len;
	/* The exchange's initiator sends with the first keys of KEYMAT. */
	in_e = p->we_initiated ? k.enc_r : k.enc_i;
	in_a = p->we_initiated ? k.integ_r : k.integ_i;
	memcpy(c->out_ekey, p->we_initiated ? k.enc_i : k.enc_r, k.enc_len);
	memcpy(c->out_akey, p->we_initiated ? k.integ_i : k.integ_r,
	       k.integ_len);
	if (install(sa, c, IKE_DIR_IN, in_e, in_a, soft))
		goto fail;
	OPENSSL_cleanse(&k, sizeof(k));
	c->out_pending = true;
	c->next = sa->children;
	sa->children = c;
	c->generation = ++t->generation;
	if (p->defer_out) {
		c->out_deadline = sa->eng->now + ike_xchg_span(sa);
		return c;
	}
	if (ike_child_install_out(sa, c)) {
		sa->children = c->next;
		kern->del_sa(kern->ctx, cfg->id, IKE_DIR_IN, c->spi_in);
		goto fail;
	}
	return c;
fail:
	OPENSSL_cleanse(&k, sizeof(k));
	wipe_out_keys(c);
	free(c);
	return NULL;
}

/*
 * A hosted CHILD SA went without a successor: its tunnel has none left
 * and recovers as one whose IKE SA went away (ike_life_lost()).
 */
static void hosted_gone(struct ike_sa *sa, struct ike_tunnel *t)
{
	if (t == sa->tun || t->ike || ike_tunnel_child(sa->eng, t, NULL))
		return;
	ike_log(sa->eng, IKE_LOG_INFO, t, "no CHILD SA left on the IKE SA of "
		"tunnel %u, which carried this tunnel's", sa->tun->cfg.id);
	ike_life_lost(sa->eng, t);
}

void ike_child_destroy(struct ike_sa *sa, struct ike_child *c)
{
	struct ike_kernel *kern = &sa->eng->kernel;
	struct ike_tunnel *t = c->tun;
	bool current = ike_child_current(c) && c->mode == IKE_MODE_TUNNEL &&
		       !c->own_ts;
	struct ike_child **pp;

	if (c->out_live)
		kern->del_sa(kern->ctx, t->cfg.id, IKE_DIR_OUT, c->spi_out);
	if (!c->in_gone)
		kern->del_sa(kern->ctx, t->cfg.id, IKE_DIR_IN, c->spi_in);
	for (pp = &sa->children; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	wipe_out_keys(c);
	free(c);
	if (current)
		hosted_gone(sa, t);
}

void ike_child_retire(struct ike_sa *sa, struct ike_child *c)
{
	struct ike_kernel *kern = &sa->eng->kernel;
	bool current = ike_child_current(c) && c->mode == IKE_MODE_TUNNEL &&
		       !c->own_ts;

	if (c->out_live)
		kern->del_sa(kern->ctx, c->tun->cfg.id, IKE_DIR_OUT,
			     c->spi_out);
	c->out_live = false;
	c->out_pending = false;
	wipe_out_keys(c);
	c->retiring = true;
	c->retire_at = sa->eng->now + IKE_CHILD_GRACE_MS;
	if (current)
		hosted_gone(sa, c->tun);
}

void ike_child_retire_all(struct ike_sa *from, struct ike_sa *to)
{
	struct ike_child *c;

	while ((c = from->children)) {
		from->children = c->next;
		if (!c->retiring)
			ike_child_retire(from, c);
		c->next = to->children;
		to->children = c;
	}
}

ike_time_t ike_child_reap(struct ike_sa *sa, ike_time_t now)
{
	ike_time_t next = IKE_TIME_NEVER;
	struct ike_child *c, *n;

	for (c = sa->children; c; c = n) {
		n = c->next;
		if (!c->retiring)
			continue;
		if (now >= c->retire_at)
			ike_child_destroy(sa, c);
		else if (c->retire_at < next)
			next = c->retire_at;
	}
	return next;
}

bool ike_child_current(const struct ike_child *c)
{
	return !c->rekeyed && !c->deleting && !c->delete_queued &&
	       !c->retiring;
}

static struct ike_child *tunnel_child(const struct ike_engine *e,
				      const struct ike_tunnel *t,
				      struct ike_sa **sa, bool hosted)
{
	struct ike_child *c;
	struct ike_sa *s;

	for (s = e->sas; s; s = s->next) {
		/* Not one the peer replaced: its CHILD SAs are on their way out. */
		if (s->state != IKE_SA_ESTABLISHED || s->superseded ||
		    (hosted && s->tun == t))
			continue;
		for (c = s->children; c; c = c->next) {
			if (c->tun != t || c->mode != IKE_MODE_TUNNEL ||
			    c->own_ts || !ike_child_current(c))
				continue;
			if (sa)
				*sa = s;
			return c;
		}
	}
	return NULL;
}

struct ike_child *ike_tunnel_child(const struct ike_engine *e,
				   const struct ike_tunnel *t,
				   struct ike_sa **sa)
{
	return tunnel_child(e, t, sa, false);
}

struct ike_child *ike_tunnel_hosted(const struct ike_engine *e,
				    const struct ike_tunnel *t,
				    struct ike_sa **host)
{
	return tunnel_child(e, t, host, true);
}

struct ike_child *ike_child_successor(struct ike_sa *sa,
				      const struct ike_child *c)
{
	struct ike_child *n;

	/* Not a collision's loser, which is on its way out. */
	for (n = sa->children; n; n = n->next)
		if (n->replaces == c->spi_in && n != c && !n->rekeyed &&
		    !n->delete_queued && !n->deleting && !n->retiring)
			return n;
	return NULL;
}

struct ike_child *ike_child_by_spi_in(struct ike_sa *sa, uint32_t spi)
{
	struct ike_child *c;

	for (c = sa->children; c; c = c->next)
		if (c->spi_in == spi && !c->retiring)
			return c;
	return NULL;
}

struct ike_child *ike_child_by_spi_out(struct ike_sa *sa, uint32_t spi)
{
	struct ike_child *c;

	for (c = sa->children; c; c = c->next)
		if (c->spi_out == spi && !c->retiring)
			return c;
	return NULL;
}
