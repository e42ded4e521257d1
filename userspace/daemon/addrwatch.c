// SPDX-License-Identifier: GPL-2.0
/*
 * The gateway's own addresses, followed without a reload: the kernel's
 * address events (RTM_NEWADDR, RTM_DELADDR) and route events (for
 * local = auto, whose address comes from the route toward the peer) mark
 * the tunnels to be looked at again; once the events have been quiet for
 * ADDRWATCH_SETTLE_MS (an address change is a delete and an add, often a
 * route as well), each tunnel is judged:
 *
 *   local = auto  the route toward the remote SGW is asked again; another
 *                 source address moves the tunnel there (kernel tunnel,
 *                 IKE socket, identity, a new IKE SA); none leaves it
 *                 failed with the lookup's words until a route returns.
 *   local = ADDR  an address that left this host takes the tunnel down
 *                 (failed, saying so); when it is back, the tunnel comes
 *                 back as configured.
 *
 * The events are only a hint: what counts is the state read afresh, so
 * a lost event (ENOBUFS) is made up by looking at every tunnel.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon_priv.h"
#include "srcaddr.h"

int addrwatch_open(struct daemon *d)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
			     RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE,
	};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_ROUTE);

	d->aw_fd = -1;
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	d->aw_fd = fd;
	return 0;
}

void addrwatch_close(struct daemon *d)
{
	if (d->aw_fd >= 0)
		close(d->aw_fd);
	d->aw_fd = -1;
}

/* Drains the socket; any address or route event schedules a look. */
void addrwatch_input(struct daemon *d)
{
	char buf[8192];
	bool seen = false;

	for (;;) {
		ssize_t n = recv(d->aw_fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == ENOBUFS) {
			seen = true;	/* lost some: look at everything */
			continue;
		}
		if (n <= 0)
			break;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf;
		     NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == RTM_NEWADDR ||
			    h->nlmsg_type == RTM_DELADDR ||
			    h->nlmsg_type == RTM_NEWROUTE ||
			    h->nlmsg_type == RTM_DELROUTE)
				seen = true;
	}
	if (seen)
		d->aw_due = now_ms() + ADDRWATCH_SETTLE_MS;
}

static bool addr_here(const struct sgw_conf_addr *a)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa))
		return true;	/* cannot tell: leave it */
	for (i = ifa; i && !found; i = i->ifa_next) {
		const struct sockaddr *s = i->ifa_addr;

		if (!s || s->sa_family != a->family)
			continue;
		if (a->family == AF_INET)
			found = !memcmp(&((const struct sockaddr_in *)
					  (const void *)s)->sin_addr,
					a->bytes, 4);
		else
			found = !memcmp(&((const struct sockaddr_in6 *)
					  (const void *)s)->sin6_addr,
					a->bytes, 16);
	}
	freeifaddrs(ifa);
	return found;
}

/* Whether tunnel @rt should be prepared again, and why (into @why). */
static bool needs_move(const struct sgw_conf_tunnel *ct, struct rtun *rt,
		       char *why, size_t len)
{
	char was[SGW_CONF_ADDRSTRLEN], now[SGW_CONF_ADDRSTRLEN], err[256];
	struct srcaddr s;

	if (ct->local.family != AF_UNSPEC) {
		bool here = addr_here(&ct->local);

		sgw_conf_addr_str(&ct->local, was, sizeof(was));
		if (rt->in_engine && !here) {
			snprintf(why, len, "local %s is no longer an address "
				 "of this host: the tunnel is down until it "
				 "returns", was);
			return true;
		}
		if (!rt->in_engine && here && rt->local_gone) {
			snprintf(why, len, "local %s is an address of this "
				 "host again: the tunnel comes back", was);
			return true;
		}
		return false;
	}
	/* local = auto: a remote not yet resolved has no route to ask. */
	if (!rt->remote.family || (!rt->in_engine && !rt->local_gone))
		return false;
	if (srcaddr_lookup(&rt->remote, &s, err, sizeof(err))) {
		if (!rt->in_engine)
			return false;	/* failed already; says why */
		snprintf(why, len, "local = auto: %s: the tunnel is down until "
			 "a route returns", err);
		return true;
	}
	if (rt->in_engine && sgw_conf_addr_equal(&s.addr, &rt->local))
		return false;
	sgw_conf_addr_str(&rt->local, was, sizeof(was));
	sgw_conf_addr_str(&s.addr, now, sizeof(now));
	if (rt->in_engine)
		snprintf(why, len, "local = auto: the route toward the peer "
			 "now leaves from %s (was %s): moving the tunnel there",
			 now, was);
	else
		snprintf(why, len, "local = auto: a route toward the peer "
			 "leaves from %s again: the tunnel comes back", now);
	return true;
}

long long addrwatch_watch(struct daemon *d, long long now)
{
	size_t i;

	if (!d->aw_due)
		return now + 60000;
	if (now < d->aw_due)
		return d->aw_due;
	d->aw_due = 0;
	for (i = 0; i < d->n; i++) {
		struct rtun *rt = &d->t[i];
		const struct sgw_conf_tunnel *ct =
			sgw_conf_tunnel_by_id(&d->conf, rt->id);
		char why[512];
		bool gone;

		if (!ct || !rt->enabled || rt->unresolved ||
		    !needs_move(ct, rt, why, sizeof(why)))
			continue;
		gone = ct->local.family != AF_UNSPEC && !addr_here(&ct->local);
		dlog(d, gone ? SGW_CONF_LOG_WARNING : SGW_CONF_LOG_INFO,
		     rt->name, "%s", why);
		if (gone) {
			/* Nothing can leave from it: no DELETE, no socket. */
			ike_engine_remove_tunnel(d->eng, rt->id);
			rt->in_engine = false;
			snprintf(rt->error, sizeof(rt->error), "local %s is not "
				 "an address of this host (it went away)",
				 sgw_conf_addr_str(&ct->local, why, 64));
			rt->local_gone = true;
			sock_gc(d);
			continue;
		}
		tunnel_retarget(d, rt, &rt->remote);
	}
	return now + 60000;
}
