// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_child.h"
#include "ike_exchange.h"
#include "ike_proposal.h"
#include "ike_trace.h"

struct ike_engine *ike_engine_new(const struct ike_engine_config *cfg,
				  const struct ike_engine_ops *ops,
				  const struct ike_kernel *kernel,
				  ike_time_t now)
{
	struct ike_engine *e;

	if (!ops || !ops->send || !kernel || !kernel->add_sa ||
	    !kernel->del_sa)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	if (cfg && cfg->timer_jitter_pct > 50)
		return free(e), NULL;
	if (cfg)
		e->cfg = *cfg;
	else
		ike_engine_config_defaults(&e->cfg);
	e->ops = *ops;
	e->kernel = *kernel;
	e->now = now;
	if (ike_cookie_init(&e->cookie, now)) {
		free(e);
		return NULL;
	}
	return e;
}

int ike_engine_set_config(struct ike_engine *e,
			  const struct ike_engine_config *cfg)
{
	if (!cfg->max_msg_size || !cfg->cookie_rotate_ms ||
	    !cfg->half_open_timeout_ms || cfg->timer_jitter_pct > 50)
		return -EINVAL;
	e->cfg = *cfg;
	return 0;
}

static void tunnel_free(struct ike_tunnel *t)
{
	OPENSSL_cleanse(t, sizeof(*t));
	free(t);
}

static void close_tunnel_sas(struct ike_engine *e, struct ike_tunnel *t)
{
	struct ike_child *c, *next;
	struct ike_sa *sa;

	for (sa = e->sas; sa; sa = sa->next) {
		if (sa->tun == t) {
			ike_sa_close(sa);
			continue;
		}
		/*
		 * Its CHILD SAs riding on other tunnels' IKE SAs go too, and
		 * the answer to a rekey of one in flight is dropped.
		 */
		if (sa->rekey.active && !sa->rekey.ike && sa->rekey.tun == t)
			sa->rekey.tun = NULL;
		for (c = sa->children; c; c = next) {
			next = c->next;
			if (c->tun != t)
				continue;
			c->rekeyed = true;
			ike_child_destroy(sa, c);
		}
	}
}

void ike_engine_free(struct ike_engine *e)
{
	struct ike_tunnel *t;

	if (!e)
		return;
	while ((t = e->tunnels)) {
		close_tunnel_sas(e, t);
		e->tunnels = t->next;
		tunnel_free(t);
	}
	ike_sa_sweep(e);
	ike_probe_free_all(e);
	ike_cookie_wipe(&e->cookie);
	free(e);
}

static struct ike_tunnel *tunnel_find(const struct ike_engine *e, uint32_t id)
{
	struct ike_tunnel *t;

	for (t = e->tunnels; t; t = t->next)
		if (t->cfg.id == id)
			return t;
	return NULL;
}

static void default_port(struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET &&
	    !((struct sockaddr_in *)ss)->sin_port)
		((struct sockaddr_in *)ss)->sin_port = htons(500);
	else if (ss->ss_family == AF_INET6 &&
		 !((struct sockaddr_in6 *)ss)->sin6_port)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(500);
}

static bool proposals_ok(const struct ike_proposal *p, int n, uint8_t proto)
{
	int i;

	if (n < 1 || n > IKE_PROPOSALS_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (p[i].protocol != proto || !p[i].n[IKE_XF_ENCR] ||
		    (proto == IKE_PROTO_IKE && !p[i].n[IKE_XF_DH]))
			return false;
	return true;
}

static bool config_ok(const struct ike_tunnel_config *c)
{
	sa_family_t af = c->local.ss_family;

	return c->id && c->psk_len && c->psk_len <= IKE_PSK_MAX &&
	       (af == AF_INET || af == AF_INET6) &&
	       c->remote.ss_family == af && c->local_id.len &&
	       c->remote_id.len && c->local_ts.n && c->remote_ts.n &&
	       c->local_ts.n <= IKE_TS_MAX && c->remote_ts.n <= IKE_TS_MAX &&
	       c->retrans_tries && c->retrans_timeout_ms &&
	       proposals_ok(c->ike, c->n_ike, IKE_PROTO_IKE) &&
	       proposals_ok(c->esp, c->n_esp, IKE_PROTO_ESP);
}

int ike_engine_add_tunnel(struct ike_engine *e,
			  const struct ike_tunnel_config *cfg)
{
	struct ike_tunnel *t;

	if (!config_ok(cfg))
		return -EINVAL;
	if (tunnel_find(e, cfg->id))
		return -EEXIST;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->cfg = *cfg;
	default_port(&t->cfg.local);
	default_port(&t->cfg.remote);
	t->next = e->tunnels;
	e->tunnels = t;
	return 0;
}

/* The settings ike_engine_update_tunnel() may change, @src's to @dst. */
static void copy_local_settings(struct ike_tunnel_config *dst,
				const struct ike_tunnel_config *src)
{
	dst->child_soft_s = src->child_soft_s;
	dst->child_hard_s = src->child_hard_s;
	dst->rekey_jitter_s = src->rekey_jitter_s;
	dst->ike_rekey_s = src->ike_rekey_s;
	dst->ike_hard_s = src->ike_hard_s;
	dst->auto_refresh = src->auto_refresh;
	dst->reauth = src->reauth;
	dst->dpd_delay_ms = src->dpd_delay_ms;
	dst->dpd_action = src->dpd_action;
	dst->retrans_timeout_ms = src->retrans_timeout_ms;
	dst->retrans_tries = src->retrans_tries;
	dst->keepalive_ms = src->keepalive_ms;
}

int ike_engine_update_tunnel(struct ike_engine *e,
			     const struct ike_tunnel_config *cfg)
{
	struct ike_tunnel_config next, rest;
	struct ike_tunnel *t;

	if (!config_ok(cfg))
		return -EINVAL;
	t = tunnel_find(e, cfg->id);
	if (!t)
		return -ENOENT;
	next = *cfg;
	default_port(&next.local);
	default_port(&next.remote);
	/* Everything else must be what the tunnel has. */
	rest = next;
	copy_local_settings(&rest, &t->cfg);
	if (memcmp(&rest, &t->cfg, sizeof(rest)))
		return -EINVAL;
	copy_local_settings(&t->cfg, &next);
	return 0;
}

int ike_engine_remove_tunnel(struct ike_engine *e, uint32_t id)
{
	struct ike_tunnel **pp, *t;

	for (pp = &e->tunnels; (t = *pp); pp = &t->next) {
		if (t->cfg.id != id)
			continue;
		close_tunnel_sas(e, t);
		ike_sa_sweep(e);
		*pp = t->next;
		tunnel_free(t);
		return 0;
	}
	return -ENOENT;
}

int ike_engine_up(struct ike_engine *e, uint32_t id, ike_time_t now)
{
	struct ike_tunnel *t = tunnel_find(e, id);
	int ret;

	if (!t)
		return -ENOENT;
	/* remote = any: only the peer starts it. */
	if (ike_host_any(&t->cfg.remote))
		return -EOPNOTSUPP;
	t->held = false;
	t->want_up = true;
	t->retry_at = 0;
	t->retry_delay = 0;
	/* Also while its CHILD SA rides on another tunnel's IKE SA. */
	if (t->ike || ike_tunnel_hosted(e, t, NULL))
		return -EALREADY;
	e->now = now;
	ret = ike_init_start(e, t) ? -EIO : 0;
	ike_sa_sweep(e);
	return ret;
}

int ike_engine_on_demand(struct ike_engine *e, uint32_t id, ike_time_t now)
{
	struct ike_tunnel *t = tunnel_find(e, id);
	int ret;

	if (!t)
		return -ENOENT;
	if (ike_host_any(&t->cfg.remote))
		return -EOPNOTSUPP;
	if (t->held)
		return -EPERM;
	if (t->ike || t->retry_at || ike_tunnel_hosted(e, t, NULL))
		return -EALREADY;
	e->now = now;
	ret = ike_init_start(e, t) ? -EIO : 0;
	ike_sa_sweep(e);
	return ret;
}

int ike_engine_rekey(struct ike_engine *e, uint32_t id, bool ike,
		     ike_time_t now)
{
	struct ike_tunnel *t = tunnel_find(e, id);
	struct ike_child *c, *next;
	struct ike_sa *sa = NULL;
	int ret = -EALREADY;

	if (!t)
		return -ENOENT;
	/* Its own IKE SA, or the one its CHILD SA rides on. */
	if (t->ike && t->ike->state == IKE_SA_ESTABLISHED)
		sa = t->ike;
	else if (!ike_tunnel_hosted(e, t, &sa))
		return -ENOTCONN;
	e->now = now;
	if (ike) {
		ret = ike_rekey_ike(sa);
	} else {
		for (c = sa->children; c; c = next) {
			next = c->next;
			if (c->tun == t && !ike_rekey_child(sa, c))
				ret = 0;
		}
		/* Nothing to rekey: the tunnel's CHILD SA is made anew. */
		if (ret && sa->tun == t && !ike_gateway_tunnel_now(sa))
			ret = 0;
	}
	ike_sa_sweep(e);
	return ret;
}

/* Any IKE SA of the tunnel: a replaced one's CHILD SAs live on a while. */
static struct ike_child *child_of(struct ike_engine *e, struct ike_tunnel *t,
				  enum ike_dir dir, uint32_t spi,
				  struct ike_sa **owner)
{
	struct ike_child *c;
	struct ike_sa *sa;

	for (sa = e->sas; sa; sa = sa->next) {
		if (sa->state == IKE_SA_CLOSED)
			continue;
		/* Retiring ones included: their inbound half lingers. */
		for (c = sa->children; c; c = c->next) {
			if (c->tun != t || (dir == IKE_DIR_IN ?
					    c->spi_in != spi :
					    c->spi_out != spi))
				continue;
			*owner = sa;
			return c;
		}
	}
	return NULL;
}

/* The kernel removed half of @c: the rest goes, and the tunnel starts over. */
static void child_hard_expired(struct ike_engine *e, struct ike_tunnel *t,
			       struct ike_sa *sa, struct ike_child *c,
			       enum ike_dir dir)
{
	struct ike_child *n = ike_child_successor(sa, c);

	if (dir == IKE_DIR_OUT)
		c->out_live = false;
	else
		c->in_gone = true;
	if (c->rekeyed || c->deleting || c->delete_queued)
		return;
	if (n) {
		ike_child_install_out(sa, n);
		c->rekeyed = true;
		return;
	}
	/*
	 * Only the SGW-to-SGW SA is gone: ike_gateway.c makes it again; or
	 * one riding on another tunnel's IKE SA, which stays: the tunnel
	 * recovers as one whose IKE SA went (ike_life_lost()).
	 */
	if (c->mode == IKE_MODE_TUNNEL && sa->tun != t) {
		ike_log(e, IKE_LOG_WARN, t, "CHILD SA in %08x out %08x (on the "
			"IKE SA of tunnel %u) reached its hard lifetime; "
			"deleting it", ntohl(c->spi_in), ntohl(c->spi_out),
			sa->tun->cfg.id);
		c->delete_queued = true;
		ike_info_delete_children(sa);
		ike_life_lost(e, t);
		return;
	}
	if (c->mode == IKE_MODE_TRANSPORT) {
		ike_log(e, IKE_LOG_WARN, t, "SGW-to-SGW CHILD SA in %08x out "
			"%08x reached its hard lifetime; deleting it and "
			"negotiating a new one", ntohl(c->spi_in),
			ntohl(c->spi_out));
		c->delete_queued = true;
		sa->gateway_at = e->now;
		ike_info_delete_children(sa);
		return;
	}
	ike_log(e, IKE_LOG_WARN, t, "CHILD SA in %08x out %08x reached its "
		"hard lifetime%s; %s", ntohl(c->spi_in), ntohl(c->spi_out),
		t->cfg.auto_refresh ? " before it could be rekeyed" : "",
		t->cfg.auto_refresh ? "negotiating the tunnel anew" :
		"the next packet negotiates anew (auto-refresh off)");
	/* Its DELETE may wait for an exchange: no rekey of it meanwhile. */
	sa->superseded = true;
	ike_info_delete_ike(sa);
	t->ike = NULL;
	if (t->cfg.auto_refresh) {
		t->want_up = true;
		t->retry_delay = 0;
		if (ike_init_start(e, t))
			ike_life_retry_later(e, t);
	}
}

int ike_engine_sa_expired(struct ike_engine *e, uint32_t id, enum ike_dir dir,
			  uint32_t spi, bool hard, ike_time_t now)
{
	struct ike_tunnel *t = tunnel_find(e, id);
	struct ike_sa *owner = NULL;
	struct ike_child *c;
	int ret = 0;

	if (!t)
		return -ENOENT;
	c = child_of(e, t, dir, spi, &owner);
	if (!c)
		return -ENOENT;
	e->now = now;
	/*
	 * Of an IKE SA on its way out, or replaced already: the kernel has
	 * removed it, that is all. One riding on another tunnel's IKE SA
	 * counts as the tunnel's own.
	 */
	if ((owner != t->ike && (owner->tun == t ||
				 owner->state != IKE_SA_ESTABLISHED ||
				 owner->superseded)) || c->retiring) {
		if (hard && dir == IKE_DIR_OUT)
			c->out_live = false;
		else if (hard)
			c->in_gone = true;
		return 0;
	}
	if (hard)
		child_hard_expired(e, t, owner, c, dir);
	else if (t->cfg.auto_refresh)
		ret = ike_rekey_child(owner, c);
	ike_sa_sweep(e);
	return ret;
}

int ike_engine_down(struct ike_engine *e, uint32_t id, ike_time_t now)
{
	struct ike_tunnel *t = tunnel_find(e, id);
	struct ike_child *c;
	struct ike_sa *sa;

	if (!t)
		return -ENOENT;
	e->now = now;
	t->failed = false;
	t->want_up = false;
	t->held = false;
	t->retry_at = 0;
	/* A CHILD SA on another tunnel's IKE SA: DELETE of it alone. */
	while ((c = ike_tunnel_hosted(e, t, &sa))) {
		c->delete_queued = true;
		ike_info_delete_children(sa);
	}
	for (sa = e->sas; sa; sa = sa->next) {
		if (sa->tun != t)
			continue;
		/* Only an established SA has a peer that knows it. */
		if (sa->state == IKE_SA_ESTABLISHED)
			ike_info_delete_ike(sa);
		else if (sa->state != IKE_SA_DELETING)
			ike_sa_close(sa);
	}
	t->ike = NULL;
	ike_sa_sweep(e);
	return 0;
}

int ike_engine_add_child(struct ike_engine *e, uint32_t id,
			 const struct ike_ts_list *local,
			 const struct ike_ts_list *remote, ike_time_t now)
{
	struct ike_tunnel *t = tunnel_find(e, id);
	struct ike_sa *sa;

	if (!t)
		return -ENOENT;
	sa = t->ike;
	if (!sa || sa->state != IKE_SA_ESTABLISHED || sa->superseded)
		return -ENOTCONN;
	if (!local->n || !remote->n ||
	    !ike_ts_list_subset(local, &t->cfg.local_ts) ||
	    !ike_ts_list_subset(remote, &t->cfg.remote_ts))
		return -EINVAL;
	if (ike_child_ts_taken(sa, t, local, remote))
		return -EEXIST;
	if (ike_child_extra_count(sa, t) >= IKE_CHILD_EXTRA_MAX)
		return -ENOSPC;
	e->now = now;
	return ike_create_child_extra(sa, local, remote);
}

int ike_engine_delete_child(struct ike_engine *e, uint32_t id, uint32_t spi_in,
			    ike_time_t now)
{
	struct ike_tunnel *t = tunnel_find(e, id);
	struct ike_sa *sa = NULL;
	struct ike_child *c;

	if (!t)
		return -ENOENT;
	if (t->ike && t->ike->state == IKE_SA_ESTABLISHED)
		sa = t->ike;
	else
		ike_tunnel_hosted(e, t, &sa);
	c = sa ? ike_child_by_spi_in(sa, spi_in) : NULL;
	if (!c || c->deleting || c->tun != t)
		return -ENOENT;
	e->now = now;
	c->delete_queued = true;
	return ike_info_delete_children(sa) ? -EIO : 0;
}

int ike_engine_new_mapping(struct ike_engine *e, uint32_t id,
			   const struct sockaddr_storage *from, ike_time_t now)
{
	struct ike_tunnel *t = tunnel_find(e, id);
	struct ike_sa *sa;

	e->now = now;
	if (!t)
		return -ENOENT;
	sa = t->ike;
	if (!sa || sa->state != IKE_SA_ESTABLISHED || !sa->udp_encap ||
	    sa->remote.ss_family != from->ss_family)
		return -EAGAIN;
	if (ike_addr_equal(&sa->remote, from))
		return 0;
	sa->rx_local = sa->local;
	sa->rx_remote = *from;
	ike_nat_authentic(sa);
	/* §2.23: see that IKE works there too; DPD deals with a wrong guess. */
	if (!sa->req.active && !sa->tasks)
		ike_info_liveness(sa);
	else
		sa->tasks |= IKE_TASK_LIVENESS;
	return 0;
}

void ike_engine_input(struct ike_engine *e,
		      const struct sockaddr_storage *local,
		      const struct sockaddr_storage *remote,
		      const uint8_t *buf, size_t len, ike_time_t now)
{
	struct ike_msg *m;
	struct ike_sa *sa;
	bool initiator;

	e->now = now;
	e->cnt.rx++;
	if (len > e->cfg.max_msg_size) {
		e->cnt.oversize++;
		return;
	}
	m = malloc(sizeof(*m));
	if (!m)
		return;
	if (ike_msg_decode(m, buf, len)) {
		e->cnt.malformed++;
		goto out;
	}
	if (!ike_pl_has(&m->pl, IKE_PL_SK))
		ike_trace_in(e, NULL, remote, m, false);
	if (m->hdr.exchange == IKE_SA_INIT && !(m->hdr.flags & IKE_FLAG_R)) {
		ike_init_respond(e, local, remote, m);
		goto out;
	}
	if (ike_probe_input(e, local, remote, m))
		goto out;
	/* A message from the original initiator is for us as responder. */
	initiator = !(m->hdr.flags & IKE_FLAG_I);
	sa = ike_sa_find(e, initiator, initiator ? m->hdr.spi_i : m->hdr.spi_r);
	if (!sa || m->hdr.spi_i != sa->spi_i ||
	    (m->hdr.exchange != IKE_SA_INIT && m->hdr.spi_r != sa->spi_r)) {
		e->cnt.unknown_spi++;
		goto out;
	}
	/*
	 * From elsewhere: only with NAT traversal agreed (§2.23), and then
	 * followed once the message proves authentic (ike_nat_authentic()).
	 */
	if ((!ike_addr_equal(&sa->remote, remote) ||
	     !ike_addr_equal(&sa->local, local)) &&
	    (!sa->natd || m->hdr.exchange == IKE_SA_INIT ||
	     !ike_host_equal(&sa->local, local))) {
		e->cnt.unknown_spi++;
		goto out;
	}
	sa->rx_local = *local;
	sa->rx_remote = *remote;
	ike_xchg_input(sa, m);
out:
	ike_msg_release(m);
	free(m);
	ike_sa_sweep(e);
}

void ike_engine_tick(struct ike_engine *e, ike_time_t now)
{
	struct ike_tunnel *t;
	struct ike_sa *sa;

	e->now = now;
	if (now - e->cookie.rotated >= e->cfg.cookie_rotate_ms)
		ike_cookie_rotate(&e->cookie, now);
	for (sa = e->sas; sa; sa = sa->next) {
		if (sa->state == IKE_SA_HALF_OPEN &&
		    now - sa->created >= e->cfg.half_open_timeout_ms) {
			e->cnt.half_open_expired++;
			ike_sa_close(sa);
			continue;
		}
		ike_xchg_timer(sa, now);
		ike_life_timer(sa, now);
	}
	for (t = e->tunnels; t; t = t->next)
		ike_life_tunnel_timer(e, t, now);
	ike_probe_timer(e, now);
	ike_sa_sweep(e);
}

ike_time_t ike_engine_next_timeout(const struct ike_engine *e)
{
	ike_time_t next = e->cookie.rotated + e->cfg.cookie_rotate_ms;
	const struct ike_tunnel *t;
	const struct ike_sa *sa;

	for (t = e->tunnels; t; t = t->next)
		if (t->retry_at && t->retry_at < next)
			next = t->retry_at;
	if (ike_probe_next(e) < next)
		next = ike_probe_next(e);
	for (sa = e->sas; sa; sa = sa->next) {
		if (ike_life_next(sa) < next)
			next = ike_life_next(sa);
		if (sa->req.active && sa->req.next < next)
			next = sa->req.next;
		if (sa->state == IKE_SA_HALF_OPEN &&
		    sa->created + e->cfg.half_open_timeout_ms < next)
			next = sa->created + e->cfg.half_open_timeout_ms;
	}
	return next;
}

static ike_time_t in_ms(const struct ike_engine *e, ike_time_t at)
{
	if (at == IKE_TIME_NEVER)
		return IKE_TIME_NEVER;
	return at > e->now ? at - e->now : 0;
}

static const char *const tunnel_states[] = {
	[IKE_TUNNEL_IDLE] = "idle",
	[IKE_TUNNEL_CONNECTING] = "connecting",
	[IKE_TUNNEL_ESTABLISHED] = "established",
	[IKE_TUNNEL_FAILED] = "failed",
};

int ike_engine_status(const struct ike_engine *e, uint32_t id,
		      struct ike_tunnel_status *st)
{
	const struct ike_tunnel *t = tunnel_find(e, id);
	const struct ike_child *c;
	struct ike_sa *sa, *host = NULL;

	if (!t)
		return -ENOENT;
	memset(st, 0, sizeof(*st));
	st->id = id;
	sa = t->ike;
	/* Its CHILD SA rides on another tunnel's IKE SA: that one is shown. */
	if ((!sa || sa->state != IKE_SA_ESTABLISHED) &&
	    ike_tunnel_hosted(e, t, &host))
		sa = host;
	if (sa && sa->state == IKE_SA_ESTABLISHED)
		st->state = IKE_TUNNEL_ESTABLISHED;
	else if (sa && sa->state != IKE_SA_DELETING)
		st->state = IKE_TUNNEL_CONNECTING;
	else
		st->state = t->failed ? IKE_TUNNEL_FAILED : IKE_TUNNEL_IDLE;
	st->state_name = tunnel_states[st->state];
	st->sa_state = sa ? ike_sa_state_name(sa->state) : "";
	memcpy(st->last_failure, t->reason, sizeof(st->last_failure));
	memcpy(st->failures, t->stats.failures, sizeof(st->failures));
	st->held = t->held;
	st->retry_in_ms = in_ms(e, t->retry_at ? t->retry_at : IKE_TIME_NEVER);
	st->child_rekeys = t->stats.child_rekeys;
	st->ike_rekeys = t->stats.ike_rekeys;
	st->reauths = t->stats.reauths;
	st->collisions = t->stats.collisions;
	st->liveness_failures = t->stats.liveness_failures;
	st->restarts = t->stats.restarts;
	st->rekey_in_ms = st->expire_in_ms = IKE_TIME_NEVER;
	if (!sa)
		return 0;
	st->ike_tunnel = sa->tun->cfg.id;
	st->generation = sa->generation;
	if (sa->state == IKE_SA_ESTABLISHED) {
		st->rekey_in_ms = in_ms(e, sa->rekey_at);
		st->expire_in_ms = in_ms(e, sa->expire_at);
		st->quiet_ms = e->now - sa->last_rx;
	}
	st->initiator = sa->initiator;
	st->spi_i = sa->spi_i;
	st->spi_r = sa->spi_r;
	st->age_ms = e->now - sa->created;
	st->local = sa->local;
	st->remote = sa->remote;
	st->natd = sa->natd;
	st->nat_here = sa->nat_here;
	st->nat_there = sa->nat_there;
	st->udp_encap = sa->udp_encap;
	st->keepalive_in_ms = in_ms(e, sa->keepalive_at);
	if (sa->state == IKE_SA_ESTABLISHED) {
		ike_suite_format(&sa->suite, IKE_PROTO_IKE, st->proposal,
				 sizeof(st->proposal));
		ike_identity_format(&sa->peer_id, st->peer_id,
				    sizeof(st->peer_id));
	}
	for (c = sa->children; c && st->n_children < IKE_STATUS_CHILDREN;
	     c = c->next) {
		struct ike_child_status *cs;

		if (c->retiring || c->tun != t)
			continue;
		cs = &st->child[st->n_children++];

		cs->spi_in = c->spi_in;
		cs->spi_out = c->spi_out;
		ike_suite_format(&c->suite, IKE_PROTO_ESP, cs->algs,
				 sizeof(cs->algs));
		cs->transport = c->mode == IKE_MODE_TRANSPORT;
		cs->local_ts = c->local_ts;
		cs->remote_ts = c->remote_ts;
		cs->age_ms = e->now - c->created;
		cs->rekey_in_ms = c->rekeyed ? IKE_TIME_NEVER :
				  in_ms(e, c->rekey_at);
		cs->generation = c->generation;
		cs->rekeyed = c->rekeyed;
		cs->out_pending = c->out_pending;
	}
	return 0;
}

const struct ike_counters *ike_engine_counters(const struct ike_engine *e)
{
	return &e->cnt;
}

void ike_engine_load(const struct ike_engine *e, struct ike_engine_load *l)
{
	memset(l, 0, sizeof(*l));
	l->half_open = e->half_open;
	l->half_open_limit = e->cfg.cookie_threshold;
	l->half_open_max = e->cfg.half_open_max;
	l->cookies_demanded = ike_engine_cookies_demanded(e);
	l->cookies_sent = e->cnt.cookies_sent;
	l->half_open_dropped = e->cnt.half_open_dropped;
	l->half_open_expired = e->cnt.half_open_expired;
	memcpy(l->exchanges, e->cnt.exchanges, sizeof(l->exchanges));
}
