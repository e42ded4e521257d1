// SPDX-License-Identifier: GPL-2.0
/* Which routes a tunnel of sgw.conf asks for; see routes.h. */

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "routes.h"

/* The kernel keeps an IPv6 route of metric 0 as 1024 (IP6_RT_PRIO_USER). */
static uint32_t kernel_metric(int family, uint32_t metric)
{
	return family == AF_INET6 && !metric ? 1024 : metric;
}

size_t routes_of_tunnel(const struct sgw_conf_tunnel *t, uint32_t oif,
			struct route *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < t->remote_networks.count && n < max; i++) {
		const struct sgw_conf_prefix *p = &t->remote_networks.v[i];
		struct route *r = &out[n++];

		memset(r, 0, sizeof(*r));
		r->family = p->addr.family;
		r->plen = p->plen;
		memcpy(r->dst, p->addr.bytes, sizeof(r->dst));
		/* What "ip route add P dev D" gives: on link. */
		r->scope = r->family == AF_INET ? RT_SCOPE_LINK :
			   RT_SCOPE_UNIVERSE;
		r->table = t->route_table;
		r->metric = kernel_metric(r->family, t->route_metric);
		r->oif = oif;
		r->tunnel = t->id;
	}
	return n;
}

bool routes_capture_remote(const struct sgw_conf_tunnel *t)
{
	size_t i;

	for (i = 0; i < t->remote_networks.count; i++)
		if (sgw_conf_prefix_contains(&t->remote_networks.v[i],
					     &t->remote))
			return true;
	return false;
}

void routes_host(const struct sgw_conf_tunnel *t,
		 const struct sgw_conf_addr *local,
		 const struct sgw_conf_addr *gw, uint32_t oif,
		 struct route *out)
{
	memset(out, 0, sizeof(*out));
	out->family = t->remote.family;
	out->plen = t->remote.family == AF_INET ? 32 : 128;
	memcpy(out->dst, t->remote.bytes, sizeof(out->dst));
	out->scope = gw->family || out->family == AF_INET6 ?
		     RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	out->table = t->route_table;
	out->metric = kernel_metric(out->family, t->route_metric);
	out->oif = oif;
	if (gw->family)
		out->gw = *gw;
	out->src = *local;
	out->tunnel = t->id;
}

bool route_equal(const struct route *a, const struct route *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       !memcmp(a->dst, b->dst, a->family == AF_INET ? 4 : 16) &&
	       a->table == b->table && a->metric == b->metric &&
	       a->oif == b->oif && sgw_conf_addr_equal(&a->gw, &b->gw) &&
	       sgw_conf_addr_equal(&a->src, &b->src);
}

const char *route_str(const struct route *r, char *buf, size_t len)
{
	char dst[SGW_CONF_ADDRSTRLEN], gw[SGW_CONF_ADDRSTRLEN];
	char src[SGW_CONF_ADDRSTRLEN], dev[IF_NAMESIZE];
	struct sgw_conf_prefix p;

	memset(&p, 0, sizeof(p));
	p.addr.family = r->family;
	memcpy(p.addr.bytes, r->dst, sizeof(p.addr.bytes));
	p.plen = r->plen;
	sgw_conf_prefix_str(&p, dst, sizeof(dst));
	if (!if_indextoname(r->oif, dev))
		snprintf(dev, sizeof(dev), "%u", r->oif);
	if (r->gw.family)
		sgw_conf_addr_str(&r->gw, gw, sizeof(gw));
	if (r->src.family)
		sgw_conf_addr_str(&r->src, src, sizeof(src));
	snprintf(buf, len, "%s%s%s dev %s%s%s table %u metric %u", dst,
		 r->gw.family ? " via " : "", r->gw.family ? gw : "", dev,
		 r->src.family ? " src " : "", r->src.family ? src : "",
		 r->table, r->metric);
	return buf;
}
