// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetimes, liveness and recovery: when an IKE SA and its CHILD SAs are
 * rekeyed or expire, when the peer gets a liveness check (§1.4), what a
 * dead peer leads to (dpd-action), and the backoff of a tunnel that should
 * be up but cannot be negotiated now.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ike_child.h"
#include "ike_exchange.h"

#define RETRY_MAX_MS (300 * 1000)

static ike_time_t min_t(ike_time_t a, ike_time_t b)
{
	return a < b ? a : b;
}

void ike_life_retry_later(struct ike_engine *e, struct ike_tunnel *t)
{
	ike_time_t d = t->retry_delay ? 2 * t->retry_delay :
		       t->cfg.retrans_timeout_ms;

	if (!t->want_up || t->held)
		return;
	t->retry_delay = d < RETRY_MAX_MS ? d : RETRY_MAX_MS;
	t->retry_at = e->now + ike_jitter(e, t->retry_delay);
	ike_log(e, IKE_LOG_INFO, t, "negotiating again in %" PRIu64 " s",
		(uint64_t)(t->retry_at - e->now + 999) / 1000);
}

void ike_life_lost(struct ike_engine *e, struct ike_tunnel *t)
{
	if (t->ike || !t->want_up || t->held || t->retry_at ||
	    ike_tunnel_hosted(e, t, NULL))
		return;
	t->retry_delay = 0;
	ike_life_retry_later(e, t);
}

void ike_life_peer_dead(struct ike_sa *sa)
{
	struct ike_engine *e = sa->eng;
	struct ike_tunnel *t = sa->tun;
	struct ike_request *r = &sa->req;
	bool liveness = r->exchange == IKE_INFORMATIONAL && r->msg.len &&
			(sa->tasks & IKE_TASK_LIVENESS) == 0;
	static const char *const what[] = {
		[IKE_DPD_RESTART] = "restarting",
		[IKE_DPD_CLEAR] = "SAs removed; the next packet negotiates anew",
		[IKE_DPD_HOLD] = "SAs removed and held until 'sgwctl up'",
	};
	ike_time_t delay;
	char addr[64];

	ike_addr_str(&sa->remote, addr, sizeof(addr));
	t->stats.liveness_failures++;
	ike_sa_fail(sa, "peer %s unreachable for %" PRIu64 " s (no answer to %s"
		    " after %u tries), %s", addr,
		    (uint64_t)(e->now - sa->last_rx) / 1000, liveness ?
		    "liveness check" : ike_exchange_name(r->exchange), r->tries,
		    ike_host_any(&t->cfg.remote) ? "SAs removed; remote = any: "
		    "waiting for the peer to negotiate again" :
		    what[t->cfg.dpd_action]);
	/* remote = any: nothing to restart; the peer starts again. */
	switch (ike_host_any(&t->cfg.remote) ? IKE_DPD_CLEAR :
		t->cfg.dpd_action) {
	case IKE_DPD_RESTART:
		t->want_up = true;
		t->retry_delay = 0;
		t->stats.restarts++;
		if (t->ike)
			break;
		/* Both ends find each other dead at once: not in lockstep. */
		delay = t->cfg.retrans_timeout_ms -
			ike_jitter(e, t->cfg.retrans_timeout_ms);
		if (delay)
			t->retry_at = e->now + delay;
		else if (ike_init_start(e, t))
			ike_life_retry_later(e, t);
		break;
	case IKE_DPD_CLEAR:
		t->want_up = false;
		break;
	case IKE_DPD_HOLD:
		t->want_up = false;
		t->held = true;
		break;
	}
}

void ike_life_reauth_done(struct ike_sa *sa)
{
	struct ike_sa *old = sa->replaces;

	sa->replaces = NULL;
	if (!old || old->state != IKE_SA_ESTABLISHED)
		return;
	sa->generation = old->generation + 1;
	ike_child_retire_all(old, sa);
	old->superseded = true;
	sa->tun->stats.reauths++;
	ike_log(sa->eng, IKE_LOG_INFO, sa->tun, "reauthenticated: IKE SA "
		"%016" PRIx64 "_i %016" PRIx64 "_r replaces %016" PRIx64 "_i %016"
		PRIx64 "_r, which is deleted", sa->spi_i, sa->spi_r, old->spi_i,
		old->spi_r);
	ike_info_delete_ike(old);
}

void ike_life_replaces_old(struct ike_sa *sa)
{
	struct ike_sa *old;

	for (old = sa->eng->sas; old; old = old->next) {
		if (old == sa || old->tun != sa->tun || old->superseded ||
		    old->state != IKE_SA_ESTABLISHED)
			continue;
		/* The peer deletes it; should it not, it goes anyway. */
		old->superseded = true;
		old->superseded_by = sa->seq_created;
		old->expire_kept = old->expire_at;
		old->expire_at = sa->eng->now + 2 * ike_xchg_span(old);
		sa->generation = old->generation + 1;
		sa->tun->stats.reauths++;
		ike_log(sa->eng, IKE_LOG_INFO, sa->tun, "the peer "
			"reauthenticated: IKE SA %016" PRIx64 "_i %016" PRIx64
			"_r replaces %016" PRIx64 "_i %016" PRIx64 "_r",
			sa->spi_i, sa->spi_r, old->spi_i, old->spi_r);
	}
}

/*
 * The peer deleted @sa, which we took for its reauthentication of an SA
 * still up: it was an initiation that crossed ours, seen in another order
 * at the peer, whose ike_life_dedupe() kept the older SA. So do we.
 * Not if @sa was rekeyed: that DELETE ends every IKE rekey, and the new
 * SA carries on the replacement.
 */
bool ike_life_replacement_deleted(struct ike_sa *sa)
{
	struct ike_tunnel *t = sa->tun;
	struct ike_child *c;
	struct ike_sa *old;

	if (sa->superseded)
		return false;
	for (old = sa->eng->sas; old; old = old->next) {
		if (old == sa || old->tun != t || !old->superseded ||
		    old->superseded_by != sa->seq_created ||
		    old->state != IKE_SA_ESTABLISHED)
			continue;
		old->superseded = false;
		old->superseded_by = 0;
		old->expire_at = old->expire_kept;
		t->ike = old;
		t->stats.reauths--;
		t->stats.collisions++;
		for (c = old->children; c; c = c->next)
			ike_child_restore_out(old, c);
		ike_log(sa->eng, IKE_LOG_INFO, t, "IKE SAs of both ends crossed:"
			" the peer deleted %016" PRIx64 "_i %016" PRIx64 "_r and "
			"keeps %016" PRIx64 "_i %016" PRIx64 "_r", sa->spi_i,
			sa->spi_r, old->spi_i, old->spi_r);
		return true;
	}
	return false;
}

static int nonce_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	int r = memcmp(a, b, al < bl ? al : bl);

	return r ? r : (al > bl) - (al < bl);
}

/* The lower of the SA's two nonces. */
static void low_nonce(const struct ike_sa *sa, const uint8_t **n, size_t *len)
{
	bool i = nonce_cmp(sa->ni, sa->ni_len, sa->nr, sa->nr_len) < 0;

	*n = i ? sa->ni : sa->nr;
	*len = i ? sa->ni_len : sa->nr_len;
}

/* Neither was up before the other began: the two initiations crossed. */
static bool crossed(const struct ike_sa *x, const struct ike_sa *y)
{
	return x != y && x->tun == y->tun && y->state == IKE_SA_ESTABLISHED &&
	       !y->superseded && !x->superseded && x->replaces != y &&
	       y->replaces != x && y->seq_established > x->seq_created &&
	       x->seq_established > y->seq_created;
}

void ike_life_dedupe(struct ike_sa *x)
{
	struct ike_tunnel *t = x->tun;
	struct ike_sa *y, *keep, *drop;
	const uint8_t *nx, *ny;
	size_t lx, ly;
	struct ike_child *c;

	if (x->state != IKE_SA_ESTABLISHED)
		return;
	for (y = x->eng->sas; y; y = y->next) {
		if (!crossed(x, y))
			continue;
		/*
		 * As for rekey collisions (RFC 7296 2.8.1): the SA with the
		 * lowest nonce is redundant. Both ends know all four nonces,
		 * so both delete the same one; each DELETE is answered.
		 */
		low_nonce(x, &nx, &lx);
		low_nonce(y, &ny, &ly);
		drop = nonce_cmp(nx, lx, ny, ly) < 0 ? x : y;
		keep = drop == x ? y : x;
		t->stats.collisions++;
		ike_log(x->eng, IKE_LOG_INFO, t, "IKE SAs of both ends crossed: "
			"keeping %016" PRIx64 "_i %016" PRIx64 "_r, deleting %016"
			PRIx64 "_i %016" PRIx64 "_r (lowest nonce)", keep->spi_i,
			keep->spi_r, drop->spi_i, drop->spi_r);
		drop->superseded = true;
		t->ike = keep;
		for (c = keep->children; c; c = c->next)
			ike_child_restore_out(keep, c);
		ike_info_delete_ike(drop);
		if (drop == x)
			return;
	}
}

/* With auto-refresh off, or a rekey that never happened: the SA ends. */
static void expire(struct ike_sa *sa)
{
	struct ike_tunnel *t = sa->tun;

	sa->expire_at = IKE_TIME_NEVER;
	if (sa->superseded) {
		ike_sa_close(sa);
		return;
	}
	ike_log(sa->eng, IKE_LOG_INFO, t, "IKE SA %016" PRIx64 "_i %016" PRIx64
		"_r reached its lifetime of %u s; deleting it%s", sa->spi_i,
		sa->spi_r, t->cfg.ike_hard_s, t->want_up ?
		" and negotiating anew" : "");
	sa->superseded = true;
	ike_info_delete_ike(sa);
	if (t->ike == sa)
		t->ike = NULL;
	if (t->want_up) {
		t->retry_delay = 0;
		if (ike_init_start(sa->eng, t))
			ike_life_retry_later(sa->eng, t);
	}
}

bool ike_life_reauth_pending(const struct ike_sa *old)
{
	const struct ike_sa *o;

	for (o = old->eng->sas; o; o = o->next)
		if (o->replaces == old && o->state != IKE_SA_CLOSED)
			return true;
	return false;
}

void ike_life_timer(struct ike_sa *sa, ike_time_t now)
{
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	struct ike_child *c, *next;

	if (sa->state != IKE_SA_ESTABLISHED)
		return;
	if (now >= sa->expire_at) {
		expire(sa);
		return;
	}
	if (sa->superseded)
		return;
	ike_nat_timer(sa, now);
	if (now >= sa->rekey_at) {
		sa->rekey_at = IKE_TIME_NEVER;
		if (!cfg->reauth) {
			ike_rekey_ike(sa);
		} else if (sa->rekey.active && sa->rekey.ike) {
			/* A rekey (sa refresh) replaces it already. */
			sa->rekey_at = now + 2 * ike_xchg_span(sa);
		} else if (!ike_life_reauth_pending(sa)) {
			/* Tried again if the new SA is not up by then. */
			sa->rekey_at = now + 2 * ike_xchg_span(sa);
			ike_log(sa->eng, IKE_LOG_INFO, sa->tun,
				"reauthenticating: negotiating a new IKE SA to "
				"replace %016" PRIx64 "_i %016" PRIx64 "_r",
				sa->spi_i, sa->spi_r);
			ike_init_reauth(sa);
		}
	}
	for (c = sa->children; c; c = next) {
		next = c->next;
		if (c->rekeyed || c->deleting || c->delete_queued ||
		    c->retiring)
			continue;
		if (now >= c->rekey_at) {
			c->rekey_at = IKE_TIME_NEVER;
			ike_rekey_child(sa, c);
		}
	}
	if (cfg->dpd_delay_ms && !sa->req.active && !sa->tasks &&
	    now - sa->last_rx >= cfg->dpd_delay_ms)
		ike_info_liveness(sa);
	ike_rekey_timer(sa, now);
	ike_gateway_timer(sa, now);
	ike_child_reap(sa, now);
}

ike_time_t ike_life_next(const struct ike_sa *sa)
{
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	const struct ike_child *c;
	ike_time_t next;

	if (sa->state != IKE_SA_ESTABLISHED)
		return IKE_TIME_NEVER;
	next = sa->expire_at;
	if (sa->superseded)
		return next;
	next = min_t(next, sa->rekey_at);
	next = min_t(next, sa->keepalive_at);
	for (c = sa->children; c; c = c->next) {
		if (c->retiring)
			next = min_t(next, c->retire_at);
		/* As ike_life_timer(): else a timer always due, a busy loop. */
		if (c->rekeyed || c->deleting || c->delete_queued ||
		    c->retiring)
			continue;
		next = min_t(next, c->rekey_at);
		if (c->out_pending)
			next = min_t(next, c->out_deadline);
	}
	if (cfg->dpd_delay_ms && !sa->req.active && !sa->tasks)
		next = min_t(next, sa->last_rx + cfg->dpd_delay_ms);
	return min_t(next, ike_gateway_next(sa));
}

ike_time_t ike_life_tunnel_timer(struct ike_engine *e, struct ike_tunnel *t,
				 ike_time_t now)
{
	if (!t->retry_at)
		return IKE_TIME_NEVER;
	/* Its CHILD SA rides on another tunnel's IKE SA: nothing to do. */
	if (t->ike || t->held || !t->want_up || ike_tunnel_hosted(e, t, NULL)) {
		t->retry_at = 0;
		return IKE_TIME_NEVER;
	}
	if (now < t->retry_at)
		return t->retry_at;
	t->retry_at = 0;
	if (ike_init_start(e, t))
		ike_life_retry_later(e, t);
	return t->retry_at ? t->retry_at : IKE_TIME_NEVER;
}
