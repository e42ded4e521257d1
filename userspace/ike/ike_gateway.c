// SPDX-License-Identifier: GPL-2.0
/*
 * protect-gateways: traffic between the two SGW addresses, other than IKE
 * itself (which the module leaves in clear), rides a second CHILD SA in
 * transport mode whose selectors are the two addresses, any protocol and
 * port. IKE_AUTH makes the tunnel's CHILD SA; this one follows with
 * CREATE_CHILD_SA and N(USE_TRANSPORT_MODE) (RFC 7296 §1.3, §1.3.1).
 *
 * The IKE SA's initiator asks for it at once. The responder waits
 * IKE_GATEWAY_WAIT_MS for the peer to do so before asking itself, so that
 * two sgw do not both make one, and a peer that never asks still gets
 * one. A refusal is retried with backoff; one that goes away (deleted by
 * the peer, expired unreplaced) is made again.
 *
 * The tunnel's own CHILD SA comes with IKE_AUTH; should it go away while
 * the IKE SA stays (the peer deleted it, or answered a rekey with
 * CHILD_SA_NOT_FOUND), it is made again the same way, without REKEY_SA,
 * and the peer's creation of one is accepted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "ike_child.h"
#include "ike_exchange.h"

#define IKE_GATEWAY_RETRY_MAX_MS (300 * 1000)

static void host_ts(const struct sockaddr_storage *ss, struct ike_ts_list *l)
{
	memset(l, 0, sizeof(*l));
	l->n = 1;
	if (ss->ss_family == AF_INET6)
		ike_ts_from_prefix(&l->ts[0], ((const struct sockaddr_in6 *)ss)->
				   sin6_addr.s6_addr, 16, 128);
	else
		ike_ts_from_prefix(&l->ts[0], (const uint8_t *)
				   &((const struct sockaddr_in *)ss)->sin_addr,
				   4, 32);
}

void ike_child_selectors(const struct ike_sa *sa, const struct ike_tunnel *t,
			 enum ike_mode mode, struct ike_ts_list *local,
			 struct ike_ts_list *remote)
{
	if (mode == IKE_MODE_TRANSPORT) {
		host_ts(&sa->local, local);
		host_ts(&sa->remote, remote);
		return;
	}
	if (!t)
		t = sa->tun;
	*local = t->cfg.local_ts;
	*remote = t->cfg.remote_ts;
}

bool ike_gateway_ts_exact(const struct ike_sa *sa,
			  const struct ike_ts_list *local,
			  const struct ike_ts_list *remote)
{
	struct ike_ts_list l, r;

	ike_child_selectors(sa, NULL, IKE_MODE_TRANSPORT, &l, &r);
	return local->n == 1 && remote->n == 1 &&
	       ike_ts_equal(&local->ts[0], &l.ts[0]) &&
	       ike_ts_equal(&remote->ts[0], &r.ts[0]);
}

bool ike_gateway_have_child(const struct ike_sa *sa, enum ike_mode mode)
{
	const struct ike_child *c;

	/* Its own: not one of another tunnel that rides on this SA. */
	for (c = sa->children; c; c = c->next)
		if (c->mode == mode && c->tun == sa->tun && !c->own_ts &&
		    ike_child_current(c))
			return true;
	return false;
}

static unsigned int task_of(enum ike_mode mode)
{
	return mode == IKE_MODE_TRANSPORT ? IKE_TASK_GATEWAY_CHILD :
	       IKE_TASK_TUNNEL_CHILD;
}

bool ike_gateway_creating(const struct ike_sa *sa, enum ike_mode mode)
{
	return (sa->rekey.active && !sa->rekey.ike && sa->rekey.create &&
		sa->rekey.mode == mode && sa->rekey.tun == sa->tun) ||
	       (sa->tasks & task_of(mode));
}

/* The SA that carries the tunnel lacks its CHILD SA of @mode. */
static bool missing(const struct ike_sa *sa, enum ike_mode mode)
{
	return (mode == IKE_MODE_TUNNEL || sa->tun->cfg.protect_gateways) &&
	       sa->state == IKE_SA_ESTABLISHED && !sa->superseded &&
	       sa->tun->ike == sa && !ike_gateway_creating(sa, mode) &&
	       !ike_gateway_have_child(sa, mode) &&
	       (mode == IKE_MODE_TRANSPORT ||
		!ike_tunnel_hosted(sa->eng, sa->tun, NULL));
}

static ike_time_t *at_of(struct ike_sa *sa, enum ike_mode mode)
{
	return mode == IKE_MODE_TRANSPORT ? &sa->gateway_at : &sa->tunnel_at;
}

static ike_time_t *delay_of(struct ike_sa *sa, enum ike_mode mode)
{
	return mode == IKE_MODE_TRANSPORT ? &sa->gateway_delay :
	       &sa->tunnel_delay;
}

void ike_gateway_established(struct ike_sa *sa)
{
	sa->gateway_at = sa->eng->now + (sa->initiator ? 0 :
					 IKE_GATEWAY_WAIT_MS);
	sa->gateway_delay = 0;
	/* IKE_AUTH makes the tunnel's; it is missed only once it goes. */
	sa->tunnel_at = IKE_TIME_NEVER;
	sa->tunnel_delay = 0;
}

static void start(struct ike_sa *sa, enum ike_mode mode)
{
	*at_of(sa, mode) = IKE_TIME_NEVER;
	if (sa->req.active) {
		sa->tasks |= task_of(mode);
		return;
	}
	ike_create_child_start(sa, mode);
}

static void mode_timer(struct ike_sa *sa, enum ike_mode mode, ike_time_t now)
{
	ike_time_t *at = at_of(sa, mode);

	if (!missing(sa, mode)) {
		if (ike_gateway_have_child(sa, mode))
			*at = IKE_TIME_NEVER;
		return;
	}
	/*
	 * It went away (the peer deleted it, or it expired unreplaced). The
	 * responder waits longer, so that two sgw rarely both ask; if they
	 * do, the collision rule keeps one (ike_rekey.c).
	 */
	if (*at == IKE_TIME_NEVER)
		*at = now + (sa->initiator ? 1 : 2) * IKE_GATEWAY_WAIT_MS;
	if (now < *at)
		return;
	if (mode == IKE_MODE_TUNNEL)
		ike_log(sa->eng, IKE_LOG_INFO, sa->tun, "the IKE SA has no "
			"CHILD SA for the tunnel; asking the peer for a new "
			"one");
	start(sa, mode);
}

void ike_gateway_timer(struct ike_sa *sa, ike_time_t now)
{
	mode_timer(sa, IKE_MODE_TUNNEL, now);
	mode_timer(sa, IKE_MODE_TRANSPORT, now);
}

static ike_time_t mode_next(const struct ike_sa *sa, enum ike_mode mode)
{
	ike_time_t at = mode == IKE_MODE_TRANSPORT ? sa->gateway_at :
			sa->tunnel_at;

	if (!missing(sa, mode))
		return IKE_TIME_NEVER;
	return at == IKE_TIME_NEVER ? sa->eng->now : at;
}

ike_time_t ike_gateway_next(const struct ike_sa *sa)
{
	ike_time_t t = mode_next(sa, IKE_MODE_TUNNEL);
	ike_time_t g = mode_next(sa, IKE_MODE_TRANSPORT);

	return t < g ? t : g;
}

void ike_gateway_start_queued(struct ike_sa *sa)
{
	enum ike_mode mode = sa->tasks & IKE_TASK_TUNNEL_CHILD ?
			     IKE_MODE_TUNNEL : IKE_MODE_TRANSPORT;

	sa->tasks &= ~task_of(mode);
	if (missing(sa, mode))
		ike_create_child_start(sa, mode);
}

int ike_gateway_tunnel_now(struct ike_sa *sa)
{
	if (!missing(sa, IKE_MODE_TUNNEL))
		return -EALREADY;
	sa->tunnel_delay = 0;
	ike_log(sa->eng, IKE_LOG_INFO, sa->tun, "the IKE SA has no CHILD SA "
		"for the tunnel; asking the peer for a new one");
	start(sa, IKE_MODE_TUNNEL);
	return 0;
}

void ike_gateway_failed(struct ike_sa *sa, enum ike_mode mode,
			const char *why)
{
	ike_time_t *delay = delay_of(sa, mode);
	ike_time_t d = *delay ? 2 * *delay : sa->tun->cfg.retrans_timeout_ms;
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];

	if (d < 1000)
		d = 1000;
	*delay = d < IKE_GATEWAY_RETRY_MAX_MS ? d : IKE_GATEWAY_RETRY_MAX_MS;
	*at_of(sa, mode) = sa->eng->now + *delay;
	if (mode == IKE_MODE_TUNNEL) {
		ike_tunnel_fail(sa->eng, sa->tun, "no CHILD SA for the tunnel: "
				"%s; the tunnel carries nothing until there is "
				"one; trying again in %" PRIu64 " s", why,
				(uint64_t)(*delay + 999) / 1000);
		return;
	}
	ike_log(sa->eng, IKE_LOG_WARN, sa->tun,
		"no SGW-to-SGW CHILD SA (protect-gateways): %s; traffic between "
		"%s and %s other than IKE is dropped until there is one; trying "
		"again in %" PRIu64 " s", why, ike_host_str(&sa->local, l, sizeof(l)),
		ike_host_str(&sa->remote, r, sizeof(r)),
		(uint64_t)(*delay + 999) / 1000);
}

void ike_gateway_unhost(struct ike_engine *e, struct ike_tunnel *t)
{
	struct ike_sa *host;
	struct ike_child *c;

	while ((c = ike_tunnel_hosted(e, t, &host))) {
		ike_log(e, IKE_LOG_INFO, t, "the tunnel has an IKE SA of its "
			"own now; deleting its CHILD SA in %08x out %08x on the "
			"IKE SA of tunnel %u", ntohl(c->spi_in),
			ntohl(c->spi_out), host->tun->cfg.id);
		c->delete_queued = true;
		ike_info_delete_children(host);
	}
}

void ike_gateway_up(struct ike_sa *sa, const struct ike_child *c,
		    const char *how)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], esp[96];

	ike_suite_format(&c->suite, IKE_PROTO_ESP, esp, sizeof(esp));
	if (c->own_ts) {
		char lts[512], rts[512];

		ike_ts_list_format(&c->local_ts, lts, sizeof(lts));
		ike_ts_list_format(&c->remote_ts, rts, sizeof(rts));
		ike_log(sa->eng, IKE_LOG_INFO, c->tun, "additional CHILD SA in "
			"%08x out %08x established%s: %s === %s (%s)",
			ntohl(c->spi_in), ntohl(c->spi_out), how, lts, rts, esp);
		return;
	}
	if (c->tun != sa->tun) {
		c->tun->failed = false;
		ike_log(sa->eng, IKE_LOG_INFO, c->tun, "CHILD SA in %08x out "
			"%08x established%s on the IKE SA %016llx_i %016llx_r "
			"of tunnel %u (the same identities) (%s)",
			ntohl(c->spi_in), ntohl(c->spi_out), how,
			(unsigned long long)sa->spi_i,
			(unsigned long long)sa->spi_r, sa->tun->cfg.id, esp);
		return;
	}
	*delay_of(sa, c->mode) = 0;
	*at_of(sa, c->mode) = IKE_TIME_NEVER;
	if (c->mode == IKE_MODE_TUNNEL) {
		sa->tun->failed = false;
		ike_log(sa->eng, IKE_LOG_INFO, sa->tun, "CHILD SA in %08x out "
			"%08x made anew%s (%s)", ntohl(c->spi_in),
			ntohl(c->spi_out), how, esp);
		return;
	}
	ike_log(sa->eng, IKE_LOG_INFO, sa->tun,
		"SGW-to-SGW CHILD SA in %08x out %08x established%s: transport "
		"mode, %s <-> %s (%s)", ntohl(c->spi_in), ntohl(c->spi_out), how,
		ike_host_str(&sa->local, l, sizeof(l)),
		ike_host_str(&sa->remote, r, sizeof(r)), esp);
}
