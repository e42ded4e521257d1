// SPDX-License-Identifier: GPL-2.0
/*
 * The routes of the running tunnels made true in the kernel (rtnetlink):
 * the routes the daemon wants are computed from the configuration and the
 * tunnels' state, the routes of protocol ROUTES_PROTO the kernel has are
 * read, and the difference is removed and added. Nothing but this file's
 * protocol number is touched, and the result is the same whether the
 * daemon just started, reloaded or saw a tunnel enabled or disabled.
 */

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "daemon_priv.h"
#include "routes.h"
#include "srcaddr.h"

struct rlist {
	size_t n, cap;
	struct route *v;
};

/* Room for @extra more routes. */
static int rlist_reserve(struct rlist *l, size_t extra)
{
	size_t cap = l->cap ? l->cap : 32;
	struct route *v;

	while (cap < l->n + extra)
		cap *= 2;
	if (cap == l->cap)
		return 0;
	v = realloc(l->v, cap * sizeof(*v));
	if (!v)
		return -1;
	l->v = v;
	l->cap = cap;
	return 0;
}

static struct route *rlist_add(struct rlist *l)
{
	return rlist_reserve(l, 1) ? NULL : &l->v[l->n++];
}

static size_t alen(int family)
{
	return family == AF_INET ? 4 : 16;
}

static void put_attr(struct nlmsghdr *nh, unsigned short type,
		     const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh +
					       NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Waits for the kernel's answer to request @seq: 0 or -errno. */
static int rt_ack(int fd, uint32_t seq)
{
	char buf[8192];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nh;
		size_t len;

		if (n < 0)
			return -errno;
		len = (size_t)n;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len);
		     nh = NLMSG_NEXT(nh, len)) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			if (nh->nlmsg_seq != seq || nh->nlmsg_type != NLMSG_ERROR)
				continue;
			return e->error;
		}
	}
}

static int rt_change(int fd, int type, int flags, const struct route *r,
		     uint32_t seq)
{
	union {
		struct nlmsghdr nh;
		char bytes[512];
	} req;
	struct rtmsg *rtm = NLMSG_DATA(&req.nh);

	memset(req.bytes, 0, sizeof(req.bytes));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(*rtm));
	req.nh.nlmsg_type = (unsigned short)type;
	req.nh.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags);
	req.nh.nlmsg_seq = seq;
	rtm->rtm_family = r->family;
	rtm->rtm_dst_len = r->plen;
	rtm->rtm_table = r->table < 256 ? (unsigned char)r->table :
			 RT_TABLE_UNSPEC;
	rtm->rtm_protocol = ROUTES_PROTO;
	/* A removal names the route; any scope matches (as "ip route del"). */
	rtm->rtm_scope = type == RTM_DELROUTE ? RT_SCOPE_NOWHERE : r->scope;
	rtm->rtm_type = RTN_UNICAST;
	put_attr(&req.nh, RTA_TABLE, &r->table, sizeof(r->table));
	if (r->plen)
		put_attr(&req.nh, RTA_DST, r->dst, alen(r->family));
	put_attr(&req.nh, RTA_PRIORITY, &r->metric, sizeof(r->metric));
	put_attr(&req.nh, RTA_OIF, &r->oif, sizeof(r->oif));
	if (r->gw.family)
		put_attr(&req.nh, RTA_GATEWAY, r->gw.bytes, alen(r->family));
	if (r->src.family)
		put_attr(&req.nh, RTA_PREFSRC, r->src.bytes, alen(r->family));
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return -errno;
	return rt_ack(fd, seq);
}

static void set_addr(struct sgw_conf_addr *a, int family, const void *p)
{
	memset(a, 0, sizeof(*a));
	a->family = (uint8_t)family;
	memcpy(a->bytes, p, alen(family));
}

/* One route of a dump, kept when it is one of ours. */
static int parse_route(const struct nlmsghdr *nh, struct rlist *have)
{
	const struct rtmsg *rtm = NLMSG_DATA(nh);
	const struct rtattr *rta;
	struct route r;
	int len = (int)RTM_PAYLOAD(nh);

	if (rtm->rtm_protocol != ROUTES_PROTO ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return 0;
	memset(&r, 0, sizeof(r));
	r.family = rtm->rtm_family;
	r.plen = rtm->rtm_dst_len;
	r.scope = rtm->rtm_scope;
	r.table = rtm->rtm_table;
	for (rta = RTM_RTA(rtm); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		size_t pl = RTA_PAYLOAD(rta);

		if (rta->rta_type == RTA_TABLE && pl == 4)
			memcpy(&r.table, RTA_DATA(rta), 4);
		else if (rta->rta_type == RTA_DST && pl == alen(r.family))
			memcpy(r.dst, RTA_DATA(rta), pl);
		else if (rta->rta_type == RTA_PRIORITY && pl == 4)
			memcpy(&r.metric, RTA_DATA(rta), 4);
		else if (rta->rta_type == RTA_OIF && pl == 4)
			memcpy(&r.oif, RTA_DATA(rta), 4);
		else if (rta->rta_type == RTA_GATEWAY && pl == alen(r.family))
			set_addr(&r.gw, r.family, RTA_DATA(rta));
		else if (rta->rta_type == RTA_PREFSRC && pl == alen(r.family))
			set_addr(&r.src, r.family, RTA_DATA(rta));
	}
	if (!rlist_add(have))
		return -ENOMEM;
	have->v[have->n - 1] = r;
	return 0;
}

/* Every route of protocol ROUTES_PROTO of @family, in every table. */
static int rt_dump(int fd, int family, uint32_t seq, struct rlist *have)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rtm;
	} req;
	char buf[16384];

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.rtm));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = seq;
	req.rtm.rtm_family = (unsigned char)family;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nh;
		size_t len;

		if (n < 0)
			return -errno;
		len = (size_t)n;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len);
		     nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_seq != seq)
				continue;
			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nh->nlmsg_type == NLMSG_ERROR)
				return ((const struct nlmsgerr *)NLMSG_DATA(nh))->error;
			if (nh->nlmsg_type == RTM_NEWROUTE &&
			    nh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct rtmsg)) &&
			    parse_route(nh, have))
				return -ENOMEM;
		}
	}
}

static bool is_tunnel_device(const struct daemon *d, const char *dev)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->t[i].ifname, dev))
			return true;
	return false;
}

/*
 * The host route that keeps the remote SGW out of @ct's routes: through
 * whatever the routing table uses toward it now. Once installed that is
 * this route itself, so a later sync finds the same answer.
 */
static int want_host(struct daemon *d, const struct sgw_conf_tunnel *ct,
		     const struct rtun *rt, struct rlist *want)
{
	char msg[256];
	struct srcaddr u;
	struct route *r;
	unsigned int oif;

	if (srcaddr_lookup(&ct->remote, &u, msg, sizeof(msg))) {
		dlog(d, SGW_CONF_LOG_WARNING, rt->name, "no host route to the "
		     "remote SGW: %s", msg);
		return 0;
	}
	oif = if_nametoindex(u.dev);
	if (!oif || is_tunnel_device(d, u.dev)) {
		char addr[SGW_CONF_ADDRSTRLEN];

		dlog(d, SGW_CONF_LOG_WARNING, rt->name, "no host route to the "
		     "remote SGW %s: the routing table leads it into %s, not "
		     "through the underlay; add a route to it yourself",
		     sgw_conf_addr_str(&ct->remote, addr, sizeof(addr)), u.dev);
		return 0;
	}
	r = rlist_add(want);
	if (!r)
		return -ENOMEM;
	routes_host(ct, &rt->local, &u.via, oif, r);
	return 0;
}

/* What the configuration and the tunnels' state ask for. */
static int wanted(struct daemon *d, struct rlist *want)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct rtun *rt = &d->t[i];
		const struct sgw_conf_tunnel *ct =
			sgw_conf_tunnel_by_id(&d->conf, rt->id);
		struct sgw_conf_tunnel named;
		unsigned int oif;

		/* A disabled tunnel takes part in nothing (sgw.conf(5)). */
		if (!ct || !ct->routes || !rt->enabled)
			continue;
		/* remote = NAME: the address it resolved to is exempted. */
		if (ct->remote_name[0]) {
			named = *ct;
			named.remote = rt->remote;
			ct = &named;
		}
		oif = if_nametoindex(rt->ifname);
		if (!oif)
			continue;	/* its kernel tunnel failed, and says so */
		if (rlist_reserve(want, ct->remote_networks.count))
			return -ENOMEM;
		want->n += routes_of_tunnel(ct, oif, want->v + want->n,
					    ct->remote_networks.count);
		if (routes_capture_remote(ct) && rt->local.family &&
		    want_host(d, ct, rt, want))
			return -ENOMEM;
	}
	return 0;
}

/* The MTU of device @oif, 0 if unknown. */
static unsigned int dev_mtu(unsigned int oif)
{
	struct ifreq ifr;
	int fd, mtu = 0;

	memset(&ifr, 0, sizeof(ifr));
	if (!if_indextoname(oif, ifr.ifr_name))
		return 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	if (!ioctl(fd, SIOCGIFMTU, &ifr))
		mtu = ifr.ifr_mtu;
	close(fd);
	return mtu > 0 ? (unsigned int)mtu : 0;
}

static const char *tunnel_name(struct daemon *d, uint32_t id)
{
	struct rtun *rt = rtun_by_id(d, id);

	return rt ? rt->name : NULL;
}

void routes_sync(struct daemon *d)
{
	struct rlist want = { 0 }, have = { 0 };
	struct timeval tv = { .tv_sec = 2 };
	char text[256];
	uint32_t seq = 1;
	size_t i, k;
	int fd, e;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		dlog(d, SGW_CONF_LOG_ERROR, NULL, "routes: %s", strerror(errno));
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	e = wanted(d, &want);
	if (!e)
		e = rt_dump(fd, AF_INET, seq++, &have);
	if (!e)
		e = rt_dump(fd, AF_INET6, seq++, &have);
	if (e) {
		dlog(d, SGW_CONF_LOG_ERROR, NULL, "routes: reading the routing "
		     "table: %s; routes left as they are", strerror(-e));
		goto out;
	}
	/* Removals first: a changed host route frees its place. */
	for (i = 0; i < have.n; i++) {
		for (k = 0; k < want.n; k++)
			if (route_equal(&have.v[i], &want.v[k]))
				break;
		if (k < want.n)
			continue;
		route_str(&have.v[i], text, sizeof(text));
		e = rt_change(fd, RTM_DELROUTE, 0, &have.v[i], seq++);
		if (e && e != -ESRCH)
			dlog(d, SGW_CONF_LOG_WARNING, NULL, "route %s: cannot "
			     "remove it: %s", text, strerror(-e));
		else
			dlog(d, SGW_CONF_LOG_INFO, NULL, "route %s removed",
			     text);
	}
	for (i = 0; i < want.n; i++) {
		for (k = 0; k < have.n; k++)
			if (route_equal(&have.v[k], &want.v[i]))
				break;
		if (k < have.n)
			continue;
		route_str(&want.v[i], text, sizeof(text));
		/* Never replace a route someone else installed. */
		e = rt_change(fd, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL,
			      &want.v[i], seq++);
		if (e == -EEXIST)
			dlog(d, SGW_CONF_LOG_WARNING,
			     tunnel_name(d, want.v[i].tunnel), "route %s: the "
			     "table has a route to this prefix with this metric "
			     "already; route-metric or route-table sets another",
			     text);
		else if (e && want.v[i].family == AF_INET6 &&
			 dev_mtu(want.v[i].oif) &&
			 dev_mtu(want.v[i].oif) < 1280)
			dlog(d, SGW_CONF_LOG_ERROR,
			     tunnel_name(d, want.v[i].tunnel), "route %s: the "
			     "device's MTU %u is below 1280, IPv6's minimum, so "
			     "the kernel has turned IPv6 off on it: no IPv6 "
			     "traffic crosses this tunnel until the path (or "
			     "mtu) allows 1280", text, dev_mtu(want.v[i].oif));
		else if (e)
			dlog(d, SGW_CONF_LOG_WARNING,
			     tunnel_name(d, want.v[i].tunnel), "route %s: %s",
			     text, strerror(-e));
		else
			dlog(d, SGW_CONF_LOG_INFO,
			     tunnel_name(d, want.v[i].tunnel), "route %s added",
			     text);
	}
out:
	free(want.v);
	free(have.v);
	close(fd);
}
