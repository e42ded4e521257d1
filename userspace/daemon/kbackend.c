// SPDX-License-Identifier: GPL-2.0
/* ike_kernel over sgw's generic netlink; see kbackend.h. */

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_alg.h"
#include "ike_ts.h"
#include "kbackend.h"

uint32_t kb_alg(uint16_t encr, uint16_t encr_bits, uint16_t integ)
{
	switch (encr) {
	case IKE_ENCR_AES_GCM_16:
		if (integ != IKE_INTEG_NONE)
			return SGW_ALG_UNSPEC;
		return encr_bits == 128 ? SGW_ALG_AES_GCM_128 :
		       encr_bits == 256 ? SGW_ALG_AES_GCM_256 : SGW_ALG_UNSPEC;
	case IKE_ENCR_CHACHA20_POLY1305:
		return integ == IKE_INTEG_NONE ? SGW_ALG_CHACHA20_POLY1305 :
		       SGW_ALG_UNSPEC;
	case IKE_ENCR_AES_CBC:
		if (encr_bits != 128 && encr_bits != 256)
			return SGW_ALG_UNSPEC;
		switch (integ) {
		case IKE_INTEG_HMAC_SHA2_256_128:
			return encr_bits == 128 ? SGW_ALG_AES_CBC_128_SHA256 :
			       SGW_ALG_AES_CBC_256_SHA256;
		case IKE_INTEG_HMAC_SHA2_384_192:
			return encr_bits == 128 ? SGW_ALG_AES_CBC_128_SHA384 :
			       SGW_ALG_AES_CBC_256_SHA384;
		case IKE_INTEG_HMAC_SHA2_512_256:
			return encr_bits == 128 ? SGW_ALG_AES_CBC_128_SHA512 :
			       SGW_ALG_AES_CBC_256_SHA512;
		}
		return SGW_ALG_UNSPEC;
	}
	return SGW_ALG_UNSPEC;
}

int kb_build(const struct ike_kernel_sa *sa, const struct kb_tunnel_opts *o,
	     struct sgw_sa_request *req, uint8_t *key, char *err,
	     size_t errlen)
{
	uint32_t alg = kb_alg(sa->encr, sa->encr_bits, sa->integ);
	const struct sgw_alg_spec *d = sgw_alg_by_id(alg);
	size_t n;

	memset(req, 0, sizeof(*req));
	if (!d) {
		char e[32], i[32];

		snprintf(err, errlen, "the sgw data plane has no ESP algorithm "
			 "for %s%s%s", ike_alg_name(IKE_XF_ENCR, sa->encr,
						    sa->encr_bits, e, sizeof(e)),
			 sa->integ ? " with " : "",
			 sa->integ ? ike_alg_name(IKE_XF_INTEG, sa->integ, 0,
						  i, sizeof(i)) : "");
		return -EOPNOTSUPP;
	}
	n = sa->enc_key_len + (sa->integ ? sa->integ_key_len : 0);
	if (n != d->key_len || (sa->integ && !sa->integ_key)) {
		snprintf(err, errlen, "%s needs %zu bytes of key material, the "
			 "negotiation gave %zu", d->name, d->key_len, n);
		return -EINVAL;
	}
	/* AEAD: key || salt as KEYMAT has them; CBC: AES key || HMAC key. */
	memcpy(key, sa->enc_key, sa->enc_key_len);
	if (sa->integ)
		memcpy(key + sa->enc_key_len, sa->integ_key, sa->integ_key_len);
	req->sa.tunnel_id = sa->tunnel;
	req->sa.spi = ntohl(sa->spi);
	req->sa.dir = sa->dir == IKE_DIR_IN ? SGW_DIR_IN : SGW_DIR_OUT;
	/* Transport: the SGW-to-SGW SA of protect-gateways. */
	req->sa.mode = sa->mode == IKE_MODE_TRANSPORT ? SGW_MODE_TRANSPORT :
			SGW_MODE_TUNNEL;
	req->sa.alg = alg;
	req->sa.esn = sa->esn;
	req->sa.soft_seconds = sa->soft_lifetime_s;
	req->sa.hard_seconds = sa->hard_lifetime_s;
	/* ESP in UDP: the engine's ports are the kernel's, both or none. */
	if (sa->encap_sport && sa->encap_dport) {
		req->sa.encap_sport = sa->encap_sport;
		req->sa.encap_dport = sa->encap_dport;
	}
	if (o) {
		/* Soft limits at 90%, where rekeying is to start. */
		req->sa.hard_bytes = o->life_bytes;
		req->sa.soft_bytes = o->life_bytes - o->life_bytes / 10;
		req->sa.hard_packets = o->life_packets;
		req->sa.soft_packets = o->life_packets - o->life_packets / 10;
		if (req->sa.dir == SGW_DIR_IN) {
			req->sa.replay_window = o->replay_window;
			req->replay_window_given = true;
		}
	}
	/* One CHILD SA of several: its selectors go with the SA. */
	if (sa->own_ts && sa->local_ts && sa->remote_ts) {
		if (kb_ts_prefixes(sa->local_ts, &req->sa.local_ts) ||
		    kb_ts_prefixes(sa->remote_ts, &req->sa.remote_ts)) {
			snprintf(err, errlen, "its selectors need more than %d "
				 "prefixes", SGW_TS_MAX);
			return -E2BIG;
		}
		req->sa.has_ts = true;
	}
	req->key = key;
	req->key_len = n;
	return 0;
}

/* Whether the @bits low bits of @a (big endian, @alen bytes) are all 0. */
static bool low_bits_zero(const uint8_t *a, size_t alen, unsigned int bits)
{
	size_t i = alen;

	for (; bits >= 8; bits -= 8)
		if (a[--i])
			return false;
	return !bits || !(a[i - 1] & ((1u << bits) - 1));
}

static void set_low_bits(uint8_t *a, size_t alen, unsigned int bits)
{
	size_t i = alen;

	for (; bits >= 8; bits -= 8)
		a[--i] = 0xff;
	if (bits)
		a[i - 1] |= (uint8_t)((1u << bits) - 1);
}

/* a += 1; false when it wrapped around. */
static bool increment(uint8_t *a, size_t alen)
{
	size_t i = alen;

	while (i--)
		if (++a[i])
			return true;
	return false;
}

/* The largest prefixes, in order, that together are exactly [start, end]. */
static int range_prefixes(const struct ike_ts *t, struct sgw_ts *out)
{
	size_t alen = ike_ts_addr_len(t);
	unsigned int bits = (unsigned int)alen * 8, k;
	uint8_t cur[16], last[16];

	memcpy(cur, t->start, alen);
	for (;;) {
		/* The largest block aligned at cur that ends within end. */
		for (k = bits; k; k--) {
			if (!low_bits_zero(cur, alen, k))
				continue;
			memcpy(last, cur, alen);
			set_low_bits(last, alen, k);
			if (memcmp(last, t->end, alen) <= 0)
				break;
		}
		if (!k)
			memcpy(last, cur, alen);
		if (out->n == SGW_TS_MAX)
			return -E2BIG;
		out->v[out->n].addr.family = alen == 4 ? AF_INET : AF_INET6;
		memset(out->v[out->n].addr.bytes, 0, 16);
		memcpy(out->v[out->n].addr.bytes, cur, alen);
		out->v[out->n].len = bits - k;
		out->n++;
		if (!memcmp(last, t->end, alen))
			return 0;
		memcpy(cur, last, alen);
		if (!increment(cur, alen))
			return 0;
	}
}

int kb_ts_prefixes(const struct ike_ts_list *l, struct sgw_ts *out)
{
	size_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < l->n; i++) {
		if (memcmp(l->ts[i].start, l->ts[i].end,
			   ike_ts_addr_len(&l->ts[i])) > 0)
			continue;
		ret = range_prefixes(&l->ts[i], out);
		if (ret)
			return ret;
	}
	for (i = 0; i < out->n; i++)
		if (out->v[i].len)
			return 0;
	out->n = 0;		/* whole families only: any */
	return 0;
}

static bool prefix_in(const struct sgw_ipprefix *p, const struct sgw_ts *ts)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		if (ts->v[i].len == p->len &&
		    ts->v[i].addr.family == p->addr.family &&
		    !memcmp(ts->v[i].addr.bytes, p->addr.bytes, 16))
			return true;
	return false;
}

/* The same prefixes, in whatever order. */
static bool ts_same(const struct sgw_ts *a, const struct sgw_ts *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!prefix_in(&a->v[i], b))
			return false;
	return true;
}

static void kb_log(struct kbackend *kb, uint32_t tunnel, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void kb_log(struct kbackend *kb, uint32_t tunnel, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!kb->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kb->log(kb->log_ctx, tunnel, msg);
}

void kb_init(struct kbackend *kb, struct sgwnl *nl,
	     void (*log)(void *ctx, uint32_t tunnel, const char *msg),
	     void *log_ctx)
{
	memset(kb, 0, sizeof(*kb));
	kb->nl = nl;
	kb->log = log;
	kb->log_ctx = log_ctx;
}

void kb_free(struct kbackend *kb)
{
	size_t i;

	for (i = 0; i < kb->n; i++)
		free(kb->t[i].sas);
	free(kb->t);
	kb->t = NULL;
	kb->n = 0;
}

static struct kb_tunnel *tunnel_find(struct kbackend *kb, uint32_t id)
{
	size_t i;

	for (i = 0; i < kb->n; i++)
		if (kb->t[i].id == id)
			return &kb->t[i];
	return NULL;
}

int kb_tunnel_set(struct kbackend *kb, uint32_t id,
		  const struct kb_tunnel_opts *o, const struct sgw_ts *local,
		  const struct sgw_ts *remote)
{
	struct kb_tunnel *t = tunnel_find(kb, id);

	if (!t) {
		t = realloc(kb->t, (kb->n + 1) * sizeof(*kb->t));
		if (!t)
			return -ENOMEM;
		kb->t = t;
		t = &kb->t[kb->n++];
		memset(t, 0, sizeof(*t));
	}
	free(t->sas);
	t->sas = NULL;
	t->n_sas = 0;
	t->id = id;
	t->opts = *o;
	t->conf_local = t->local = *local;
	t->conf_remote = t->remote = *remote;
	return 0;
}

void kb_tunnel_forget(struct kbackend *kb, uint32_t id)
{
	struct kb_tunnel *t = tunnel_find(kb, id);

	if (!t)
		return;
	free(t->sas);
	*t = kb->t[--kb->n];
}

/* Points the kernel tunnel's selectors at @local and @remote. */
static int set_selectors(struct kbackend *kb, struct kb_tunnel *t,
			 const struct sgw_ts *local, const struct sgw_ts *remote,
			 const char *why)
{
	struct sgw_tunnel_ref ref = { .id = t->id };
	struct sgw_tunnel_config cfg = {
		.set_local_ts = true, .set_remote_ts = true,
		.local_ts = *local, .remote_ts = *remote,
	};
	int ret;

	if (ts_same(local, &t->local) && ts_same(remote, &t->remote))
		return 0;
	ret = sgwnl_tunnel_set(kb->nl, &ref, &cfg);
	if (ret) {
		kb_log(kb, t->id, "cannot set the kernel tunnel's selectors to "
		       "the %s ones: %s", why, sgwnl_error(kb->nl));
		return ret;
	}
	t->local = *local;
	t->remote = *remote;
	return 0;
}

static bool has_own_ts(const struct kb_tunnel *t)
{
	size_t i;

	for (i = 0; i < t->n_sas; i++)
		if (t->sas[i].own_ts)
			return true;
	return false;
}

/*
 * Before a tunnel-mode SA goes in: the kernel enforces what was agreed.
 * While the tunnel has several CHILD SAs, the additional ones carry their
 * selectors themselves and the tunnel keeps its configured ones, which
 * hold them all.
 */
static int narrow(struct kbackend *kb, struct kb_tunnel *t,
		  const struct ike_kernel_sa *sa, const char *spi)
{
	struct sgw_ts l, r;

	if (sa->own_ts || has_own_ts(t))
		return set_selectors(kb, t, &t->conf_local, &t->conf_remote,
				     "configured");
	if (!sa->local_ts || !sa->remote_ts)
		return 0;
	if (kb_ts_prefixes(sa->local_ts, &l) ||
	    kb_ts_prefixes(sa->remote_ts, &r)) {
		kb_log(kb, t->id, "SA %s: the negotiated selectors need more "
		       "than %d prefixes; the kernel tunnel keeps its own",
		       spi, SGW_TS_MAX);
		return 0;
	}
	return set_selectors(kb, t, &l, &r, "negotiated");
}

static int remember(struct kb_tunnel *t, uint32_t spi, unsigned int dir,
		    bool own_ts)
{
	struct kb_sa_ref *v = realloc(t->sas, (t->n_sas + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	t->sas = v;
	v[t->n_sas].spi = spi;
	v[t->n_sas].dir = dir;
	v[t->n_sas].own_ts = own_ts;
	t->n_sas++;
	return 0;
}

/* @spi is gone; the last tunnel-mode SA takes the narrowing with it. */
static void forget(struct kbackend *kb, struct kb_tunnel *t, uint32_t spi,
		   unsigned int dir)
{
	size_t i;

	for (i = 0; i < t->n_sas; i++) {
		if (t->sas[i].spi == spi && t->sas[i].dir == dir) {
			t->sas[i] = t->sas[--t->n_sas];
			if (!t->n_sas)
				set_selectors(kb, t, &t->conf_local,
					      &t->conf_remote, "configured");
			return;
		}
	}
}

static void to_ipaddr(const struct sockaddr_storage *ss, struct sgw_ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = ss->ss_family;
	if (ss->ss_family == AF_INET)
		memcpy(a->bytes, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	else
		memcpy(a->bytes, &((const struct sockaddr_in6 *)ss)->sin6_addr,
		       16);
}

/*
 * remote = any: the kernel tunnel's remote becomes the address of the
 * peer that negotiated @sa, before its first SA goes in. SAs of an
 * earlier address stay until the engine deletes them.
 */
static int follow_peer(struct kbackend *kb, const struct ike_kernel_sa *sa)
{
	struct sgw_tunnel_ref ref = { .id = sa->tunnel };
	struct sgw_tunnel_config cfg = { .set_remote = true };
	struct sgw_tunnel_info kt;
	char now[INET6_ADDRSTRLEN] = "?";
	size_t len = sa->remote->ss_family == AF_INET ? 4 : 16;

	to_ipaddr(sa->remote, &cfg.remote);
	if (sgwnl_tunnel_get(kb->nl, &ref, &kt)) {
		kb_log(kb, sa->tunnel, "cannot read the kernel tunnel: %s",
		       sgwnl_error(kb->nl));
		return -EIO;
	}
	if (kt.remote.family == cfg.remote.family &&
	    !memcmp(kt.remote.bytes, cfg.remote.bytes, len))
		return 0;
	cfg.keep_sas = kt.remote.family == cfg.remote.family;
	inet_ntop(cfg.remote.family, cfg.remote.bytes, now, sizeof(now));
	if (sgwnl_tunnel_set(kb->nl, &ref, &cfg)) {
		kb_log(kb, sa->tunnel, "cannot set the kernel tunnel's remote "
		       "to the peer's address %s: %s", now,
		       sgwnl_error(kb->nl));
		return -EIO;
	}
	return 0;
}

static int add_sa(void *ctx, const struct ike_kernel_sa *sa)
{
	struct kbackend *kb = ctx;
	struct kb_tunnel *t = tunnel_find(kb, sa->tunnel);
	struct sgw_sa_request req;
	uint8_t key[SGW_KEY_MAX];
	char err[256], spi[16];
	int ret;

	snprintf(spi, sizeof(spi), "%08x", ntohl(sa->spi));
	ret = kb_build(sa, t ? &t->opts : NULL, &req, key, err, sizeof(err));
	if (ret) {
		kb_log(kb, sa->tunnel, "cannot install SA %s: %s", spi, err);
		goto out;
	}
	if (t && t->opts.remote_any && sa->dir == IKE_DIR_IN) {
		ret = follow_peer(kb, sa);
		if (ret)
			goto out;
	}
	if (t && sa->mode == IKE_MODE_TUNNEL) {
		ret = narrow(kb, t, sa, spi);
		if (ret)
			goto out;
	}
	ret = sgwnl_sa_add(kb->nl, &req);
	if (ret) {
		kb_log(kb, sa->tunnel, "the kernel refused SA %s: %s", spi,
		       sgwnl_error(kb->nl));
		goto out;
	}
	if (t && sa->mode == IKE_MODE_TUNNEL &&
	    remember(t, req.sa.spi, req.sa.dir, sa->own_ts)) {
		/* Untracked, it would keep the selectors narrow for good. */
		struct sgw_sa_id id = {
			.tunnel_id = sa->tunnel, .spi = req.sa.spi,
			.dir = req.sa.dir,
		};

		kb_log(kb, sa->tunnel, "cannot install SA %s: out of memory",
		       spi);
		sgwnl_sa_del(kb->nl, &id);
		ret = -ENOMEM;
	}
out:
	explicit_bzero(key, sizeof(key));
	return ret;
}

static int del_sa(void *ctx, uint32_t tunnel, enum ike_dir dir, uint32_t spi)
{
	struct kbackend *kb = ctx;
	struct kb_tunnel *t = tunnel_find(kb, tunnel);
	struct sgw_sa_id id = {
		.tunnel_id = tunnel,
		.spi = ntohl(spi),
		.dir = dir == IKE_DIR_IN ? SGW_DIR_IN : SGW_DIR_OUT,
	};
	int ret = sgwnl_sa_del(kb->nl, &id);

	/* Gone already (hard expiry, tunnel deleted): nothing to undo. */
	if (ret && ret != -ENOENT) {
		kb_log(kb, tunnel, "could not remove SA %08x: %s", id.spi,
		       sgwnl_error(kb->nl));
		return ret;
	}
	if (t)
		forget(kb, t, id.spi, id.dir);
	return 0;
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET ?
		     ((const struct sockaddr_in *)ss)->sin_port :
		     ((const struct sockaddr_in6 *)ss)->sin6_port);
}

/* The tunnel's remote address follows the peer (the SAs stay); so do ports. */
static int move(void *ctx, uint32_t tunnel,
		const struct sockaddr_storage *local,
		const struct sockaddr_storage *remote, uint32_t spi_in,
		uint32_t spi_out, bool encap)
{
	struct kbackend *kb = ctx;
	struct sgw_tunnel_ref ref = { .id = tunnel };
	struct sgw_tunnel_config cfg = { .set_remote = true, .keep_sas = true };
	struct sgw_sa_id in = { .tunnel_id = tunnel, .spi = ntohl(spi_in),
				.dir = SGW_DIR_IN };
	struct sgw_sa_id out = { .tunnel_id = tunnel, .spi = ntohl(spi_out),
				 .dir = SGW_DIR_OUT };
	int ret;

	cfg.remote.family = remote->ss_family;
	if (remote->ss_family == AF_INET)
		memcpy(cfg.remote.bytes,
		       &((const struct sockaddr_in *)remote)->sin_addr, 4);
	else
		memcpy(cfg.remote.bytes,
		       &((const struct sockaddr_in6 *)remote)->sin6_addr, 16);
	ret = sgwnl_tunnel_set(kb->nl, &ref, &cfg);
	if (ret) {
		kb_log(kb, tunnel, "cannot move the kernel tunnel to the "
		       "peer's new address: %s", sgwnl_error(kb->nl));
		return ret;
	}
	if (!encap)
		return 0;
	ret = sgwnl_sa_set_ports(kb->nl, &in, port_of(remote), port_of(local));
	if (!ret && spi_out)
		ret = sgwnl_sa_set_ports(kb->nl, &out, port_of(local),
					 port_of(remote));
	if (ret)
		kb_log(kb, tunnel, "cannot move the SAs to the peer's new "
		       "port: %s", sgwnl_error(kb->nl));
	return ret;
}

/* For the NAT keepalive timer: the tunnel's outbound SA packets, summed. */
static int out_packets(void *ctx, uint32_t tunnel, uint64_t *packets)
{
	struct kbackend *kb = ctx;
	struct sgw_sa_list l = { 0 };
	size_t i;
	int ret;

	*packets = 0;
	ret = sgwnl_sa_dump(kb->nl, tunnel, &l);
	for (i = 0; !ret && i < l.n; i++)
		if (l.v[i].dir == SGW_DIR_OUT)
			*packets += l.v[i].packets;
	sgw_sa_list_free(&l);
	return ret;
}

void kb_kernel(struct kbackend *kb, struct ike_kernel *out)
{
	out->ctx = kb;
	out->add_sa = add_sa;
	out->del_sa = del_sa;
	out->move = move;
	out->out_packets = out_packets;
}
