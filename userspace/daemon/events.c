// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel events: ACQUIRE and unknown-SPI start negotiations, tunnel
 * state changes made with "sgwctl tunnel set" are followed.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "daemon_priv.h"

/*
 * Whether a packet to @dst that found no SA is worth an IKE SA: unicast
 * into remote-networks. Not the router solicitations and multicast the
 * kernel sends out of any interface that comes up, which no CHILD SA
 * carries. Without a packet (events_resync()), the kernel's word counts.
 */
static bool acquire_wanted(const struct rtun *rt, const struct sgw_ipaddr *dst)
{
	const uint8_t *b = dst->bytes;

	switch (dst->family) {
	case AF_INET:
		return b[0] < 224 &&
		       ike_ts_list_has_addr(&rt->ike.remote_ts, b, 4);
	case AF_INET6:
		return b[0] != 0xff && !(b[0] == 0xfe && (b[1] & 0xc0) == 0x80) &&
		       ike_ts_list_has_addr(&rt->ike.remote_ts, b, 16);
	default:
		return true;
	}
}

/*
 * A packet found tunnel @ev->tunnel_id without an SA (the kernel holds it
 * for a few seconds): negotiate, for tunnels that are idle or failed (an
 * at-start one too, unless a retry is already scheduled), at most once per
 * ACQUIRE_RETRY_MS so that a dead peer is retried calmly.
 */
static void on_acquire(struct daemon *d, const struct sgw_event *ev)
{
	struct rtun *rt = rtun_by_id(d, ev->tunnel_id);
	char src[SGW_CONF_ADDRSTRLEN], dst[SGW_CONF_ADDRSTRLEN];
	long long now = now_ms();
	int ret;

	if (!rt || !rt->enabled || !rt->in_engine)
		return;
	if (tunnel_busy(d, rt))
		return;
	if (!acquire_wanted(rt, &ev->dst)) {
		sgw_addr_format(&ev->src, src, sizeof(src));
		sgw_addr_format(&ev->dst, dst, sizeof(dst));
		dlog(d, SGW_CONF_LOG_DEBUG, rt->name, "a packet %s -> %s found "
		     "no SA; not negotiating: it is not for remote-networks",
		     src, dst);
		return;
	}
	if (rt->acquire_ms && now - rt->acquire_ms < ACQUIRE_RETRY_MS)
		return;
	ret = ike_engine_on_demand(d->eng, rt->id, (ike_time_t)now);
	if (ret == -EALREADY)
		return;
	rt->acquire_ms = now;
	sgw_addr_format(&ev->src, src, sizeof(src));
	sgw_addr_format(&ev->dst, dst, sizeof(dst));
	if (ret == -EOPNOTSUPP)
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "a packet %s -> %s found no "
		     "SA; not negotiating: remote = any, only the peer starts "
		     "the tunnel", src, dst);
	else if (ret == -EPERM)
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "a packet %s -> %s found no "
		     "SA; not negotiating: the dead peer holds the tunnel "
		     "(dpd-action hold; 'sgwctl up' retries)", src, dst);
	else if (ret)
		dlog(d, SGW_CONF_LOG_ERROR, rt->name, "cannot initiate: %s",
		     strerror(-ret));
	else if (!ev->src.family)	/* from events_resync() */
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "negotiating on demand: "
		     "the kernel holds packets that found no SA");
	else
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "negotiating on demand: a "
		     "packet %s -> %s found no SA", src, dst);
}

/* Packets the tunnel's inbound SAs took so far; 0 if unknown. */
static uint64_t inbound_packets(struct daemon *d, const struct rtun *rt)
{
	struct sgw_sa_list l = { 0 };
	uint64_t n = 0;
	size_t i;

	if (sgwnl_sa_dump(d->nl, rt->id, &l))
		return 0;
	for (i = 0; i < l.n; i++)
		if (l.v[i].dir == SGW_DIR_IN)
			n += l.v[i].packets;
	sgw_sa_list_free(&l);
	return n;
}

/*
 * The peer sends ESP on an SA we do not have: it kept state we lost (our
 * restart) or missed a DELETE. Rekeying gives both ends one fresh pair (or,
 * if the peer lost the IKE SA too, fails and restarts the tunnel); without
 * an IKE SA, negotiating anew sends INITIAL_CONTACT. Once per
 * UNKNOWN_SPI_RETRY_MS per tunnel, and for an established tunnel only
 * while its SAs take no traffic from the peer.
 */
static void on_unknown_spi(struct daemon *d, const struct sgw_event *ev)
{
	struct rtun *rt = rtun_by_id(d, ev->tunnel_id);
	long long now = now_ms();
	enum ike_tunnel_state state;
	int ret;

	if (!rt || !rt->enabled || !rt->in_engine)
		return;
	if (rt->unknown_spi_ms && now - rt->unknown_spi_ms < UNKNOWN_SPI_RETRY_MS)
		return;
	rt->unknown_spi_ms = now;
	state = tunnel_state(d, rt);
	if (state == IKE_TUNNEL_CONNECTING)
		return;
	if (state == IKE_TUNNEL_ESTABLISHED) {
		/*
		 * Anyone can send ESP with any SPI from the peer's address:
		 * while the current SAs carry the peer's traffic, it is no
		 * sign of lost state, and no reason to rekey.
		 */
		uint64_t n = inbound_packets(d, rt);

		if (n > rt->unknown_spi_in) {
			rt->unknown_spi_in = n;
			dlog(d, SGW_CONF_LOG_DEBUG, rt->name, "ESP with unknown "
			     "SPI 0x%08x from the peer ignored: our SAs carry "
			     "its traffic", ev->spi);
			return;
		}
		ret = ike_engine_rekey(d->eng, rt->id, false, (ike_time_t)now);
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "ESP with unknown SPI "
		     "0x%08x from the peer: it holds SAs we do not; %s",
		     ev->spi, ret == -EALREADY ? "a rekey is already under way" :
		     "rekeying");
		return;
	}
	ret = ike_engine_on_demand(d->eng, rt->id, (ike_time_t)now);
	dlog(d, SGW_CONF_LOG_INFO, rt->name, "ESP with unknown SPI 0x%08x from "
	     "the peer: it holds SAs we do not; %s", ev->spi,
	     ret == -EPERM ? "not negotiating: held after a dead peer" :
	     ret == -EOPNOTSUPP ? "not negotiating: remote = any, only the "
	     "peer starts the tunnel" :
	     ret ? "negotiation is already pending" : "negotiating anew");
}

/*
 * The kernel tunnel was enabled or disabled past the daemon (raw netlink,
 * "sgwctl tunnel set" that could not reach us): follow it, so that a
 * disabled tunnel's peer still hears a DELETE and nothing negotiates for
 * it. The kernel has removed the SAs already. Our own changes come back
 * here too and find nothing to do.
 */
static void on_tunnel(struct daemon *d, const struct sgw_event *ev)
{
	struct rtun *rt = rtun_by_id(d, ev->tunnel_id);
	const struct sgw_conf_tunnel *ct = sgw_conf_tunnel_by_id(&d->conf,
								 ev->tunnel_id);

	if (!rt || !ct || ev->enabled == rt->enabled)
		return;
	if (!ev->enabled) {
		engine_drop(d, rt);
		rt->enabled = false;
		rt->by_request = true;
		routes_sync(d);
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "disabled in the kernel, "
		     "not through the daemon: IKE SA deleted, no negotiation "
		     "until it is enabled");
		return;
	}
	engine_enable(d, ct, rt);
	routes_sync(d);
	if (rt->error[0])
		dlog(d, SGW_CONF_LOG_ERROR, rt->name, "%s", rt->error);
	else
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "enabled in the kernel, "
		     "not through the daemon: negotiating as configured");
}

/* Authenticated ESP in UDP from a new place: the IKE SA follows it. */
static void on_new_mapping(struct daemon *d, struct rtun *t,
			   const struct sgw_event *ev)
{
	struct sockaddr_storage from;
	char a[64];

	if (!t || !t->in_engine)
		return;
	memset(&from, 0, sizeof(from));
	if (ev->src.family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&from;

		s->sin_family = AF_INET;
		memcpy(&s->sin_addr, ev->src.bytes, 4);
		s->sin_port = htons(ev->port);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&from;

		s->sin6_family = AF_INET6;
		memcpy(&s->sin6_addr, ev->src.bytes, 16);
		s->sin6_port = htons(ev->port);
	}
	inet_ntop(ev->src.family, ev->src.bytes, a, sizeof(a));
	dlog(d, SGW_CONF_LOG_INFO, t->name, "ESP in UDP of SA 0x%08x came "
	     "from %s port %u: the NAT mapping changed", ev->spi, a, ev->port);
	ike_engine_new_mapping(d->eng, t->id, &from, (ike_time_t)now_ms());
}

int on_event(const struct sgw_event *ev, void *arg)
{
	struct daemon *d = arg;
	struct rtun *t = rtun_by_id(d, ev->tunnel_id);
	char name[16];

	if (ev->type == SGW_EVENT_ACQUIRE) {
		on_acquire(d, ev);
		return 0;
	}
	if (ev->type == SGW_EVENT_UNKNOWN_SPI) {
		on_unknown_spi(d, ev);
		return 0;
	}
	if (ev->type == SGW_EVENT_TUNNEL) {
		on_tunnel(d, ev);
		return 0;
	}
	if (ev->type == SGW_EVENT_NEW_MAPPING) {
		on_new_mapping(d, t, ev);
		return 0;
	}

	snprintf(name, sizeof(name), "%u", ev->tunnel_id);
	/* Rekey on the soft limit; after the hard one the tunnel starts over. */
	if (t && t->in_engine)
		ike_engine_sa_expired(d->eng, t->id, ev->dir == SGW_DIR_IN ?
				      IKE_DIR_IN : IKE_DIR_OUT, htonl(ev->spi),
				      ev->hard, (ike_time_t)now_ms());
	if (ev->hard)
		dlog(d, SGW_CONF_LOG_WARNING, t ? t->name : name,
		     "SA %s spi 0x%08x reached its hard lifetime (bytes %" PRIu64
		     ", packets %" PRIu64 "); the kernel removed it",
		     sgw_dir_name(ev->dir), ev->spi, ev->bytes, ev->packets);
	else
		dlog(d, SGW_CONF_LOG_INFO, t ? t->name : name,
		     "SA %s spi 0x%08x reached its soft lifetime (bytes %" PRIu64
		     ", packets %" PRIu64 ")", sgw_dir_name(ev->dir), ev->spi,
		     ev->bytes, ev->packets);
	return 0;
}

/* Whether @l has an SA of @spi (network order) in direction @dir. */
static bool sa_listed(const struct sgw_sa_list *l, unsigned int dir,
		      uint32_t spi)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].dir == dir && htonl(l->v[i].spi) == spi)
			return true;
	return false;
}

/* Packets the kernel holds for tunnel @ti now, by its counters. */
static uint64_t held_now(const struct sgw_tunnel_info *ti)
{
	uint64_t gone = ti->events[SGW_EV_HELD_SENT] +
			ti->drops[SGW_DROP_HOLD_FULL] +
			ti->drops[SGW_DROP_HOLD_TIMEOUT];

	return ti->events[SGW_EV_HELD] > gone ?
	       ti->events[SGW_EV_HELD] - gone : 0;
}

/* What lost events would have said about one tunnel, from the kernel. */
static void resync_tunnel(struct daemon *d, const struct sgw_tunnel_info *ti)
{
	struct sgw_event ev = { .type = SGW_EVENT_TUNNEL, .tunnel_id = ti->id,
				.enabled = ti->enabled };
	struct rtun *rt = rtun_by_id(d, ti->id);
	struct ike_tunnel_status st;
	struct sgw_sa_list l = { 0 };
	bool out = false;
	size_t i;

	on_tunnel(d, &ev);
	if (!rt || !rt->enabled || !rt->in_engine ||
	    sgwnl_sa_dump(d->nl, ti->id, &l))
		return;
	/* A soft limit reached: rekey (the engine ignores a repeat). */
	for (i = 0; i < l.n; i++) {
		const struct sgw_sa_info *sa = &l.v[i];

		if (sa->dir == SGW_DIR_OUT && sa->mode == SGW_MODE_TUNNEL)
			out = true;
		if (sa->soft_expired)
			ike_engine_sa_expired(d->eng, rt->id,
					      sa->dir == SGW_DIR_IN ?
					      IKE_DIR_IN : IKE_DIR_OUT,
					      htonl(sa->spi), false,
					      (ike_time_t)now_ms());
	}
	/* A hard limit reached: the kernel removed an SA the engine has. */
	if (!ike_engine_status(d->eng, rt->id, &st)) {
		for (i = 0; i < st.n_children && i < IKE_STATUS_CHILDREN; i++) {
			const struct ike_child_status *c = &st.child[i];

			if (c->spi_out && !sa_listed(&l, SGW_DIR_OUT, c->spi_out))
				ike_engine_sa_expired(d->eng, rt->id,
						      IKE_DIR_OUT, c->spi_out,
						      true, (ike_time_t)now_ms());
			if (c->spi_in && !sa_listed(&l, SGW_DIR_IN, c->spi_in))
				ike_engine_sa_expired(d->eng, rt->id,
						      IKE_DIR_IN, c->spi_in,
						      true, (ike_time_t)now_ms());
		}
	}
	sgw_sa_list_free(&l);
	/* Packets held for negotiation: the ACQUIRE may be among the lost. */
	if (!out && held_now(ti)) {
		struct sgw_event acq = { .type = SGW_EVENT_ACQUIRE,
					 .tunnel_id = ti->id };

		on_acquire(d, &acq);
	}
}

/*
 * Kernel events were lost (the socket buffer overflowed while the daemon
 * was stopped or busy): read the kernel's state and act on what they
 * would have said. A tunnel enabled or disabled past the daemon, an SA's
 * soft or hard limit and packets held for negotiation are not said
 * twice; unknown-SPI and new-mapping events repeat while their cause
 * lasts, so they need nothing here.
 */
void events_resync(struct daemon *d)
{
	struct sgw_tunnel_list tl = { 0 };
	size_t i;
	int ret;

	ret = sgwnl_tunnel_dump(d->nl, &tl);
	if (ret) {
		dlog(d, SGW_CONF_LOG_ERROR, NULL, "kernel events were lost and "
		     "the tunnels cannot be read again: %s", strerror(-ret));
		return;
	}
	for (i = 0; i < tl.n; i++)
		resync_tunnel(d, &tl.v[i]);
	dlog(d, SGW_CONF_LOG_WARNING, NULL, "kernel events were lost (socket "
	     "buffer full): %zu tunnels read again from the kernel", tl.n);
	sgw_tunnel_list_free(&tl);
}
