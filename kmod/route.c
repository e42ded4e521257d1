// SPDX-License-Identifier: GPL-2.0
/*
 * Host-route exemption: traffic to a security gateway never enters an sgw
 * tunnel. When the routing table sends a gateway's address into a tunnel
 * (the gateway lies inside the remote network, or a default route points
 * into the tunnel), sgw routes it as if the tunnel did not exist: the most
 * specific route through any other device, lowest metric first. The answer
 * is cached per tunnel (for its ESP, and for exempt traffic of any source)
 * and recomputed whenever the routing tables change, so it follows the
 * underlay (new gateway, interface down or up).
 */

#include <linux/netdevice.h>
#include <net/dst_cache.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/ip_fib.h>
#include <net/route.h>

#include "device.h"
#include "route.h"
#include "tunnel.h"

/* The device whose route to @daddr beats every other non-sgw device's. */
static int best_underlay_oif4(struct net *net, __be32 daddr)
{
	int best = 0, best_len = -1;
	u32 best_prio = U32_MAX;
	struct net_device *dev;

	rcu_read_lock();
	for_each_netdev_rcu(net, dev) {
		struct flowi4 fl4 = { .daddr = daddr, .flowi4_oif = dev->ifindex };
		struct fib_result res;

		if (sgw_is_sgw_device(dev) || !(dev->flags & IFF_UP) ||
		    (dev->flags & IFF_LOOPBACK))
			continue;
		if (fib_lookup(net, &fl4, &res, 0) || res.type != RTN_UNICAST)
			continue;
		if (res.prefixlen > best_len ||
		    (res.prefixlen == best_len && res.fi->fib_priority < best_prio)) {
			best = dev->ifindex;
			best_len = res.prefixlen;
			best_prio = res.fi->fib_priority;
		}
	}
	rcu_read_unlock();
	return best;
}

static struct dst_entry *underlay4(struct net *net, __be32 daddr, __be32 saddr)
{
	struct flowi4 fl4 = {
		.daddr = daddr,
		.saddr = saddr,
		.flowi4_proto = IPPROTO_ESP,
	};
	struct rtable *rt = ip_route_output_key(net, &fl4);

	if (IS_ERR(rt))
		return ERR_CAST(rt);
	if (!sgw_is_sgw_device(rt->dst.dev))
		return &rt->dst;
	ip_rt_put(rt);
	memset(&fl4, 0, sizeof(fl4));
	fl4.daddr = daddr;
	fl4.saddr = saddr;
	fl4.flowi4_proto = IPPROTO_ESP;
	fl4.flowi4_oif = best_underlay_oif4(net, daddr);
	if (!fl4.flowi4_oif)
		return ERR_PTR(-ENETUNREACH);
	rt = ip_route_output_key(net, &fl4);
	return IS_ERR(rt) ? ERR_CAST(rt) : &rt->dst;
}

static struct dst_entry *lookup6(struct net *net, const struct in6_addr *daddr,
				 const struct in6_addr *saddr, int oif)
{
	struct flowi6 fl6 = {
		.daddr = *daddr,
		.flowi6_oif = oif,
		.flowi6_proto = IPPROTO_ESP,
	};
	struct dst_entry *dst;

	if (saddr)
		fl6.saddr = *saddr;
	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error) {
		int err = dst->error;

		dst_release(dst);
		return ERR_PTR(err);
	}
	return dst;
}

static struct dst_entry *underlay6(struct net *net, const struct in6_addr *daddr,
				   const struct in6_addr *saddr)
{
	struct dst_entry *dst = lookup6(net, daddr, saddr, 0), *best = NULL;
	struct net_device *dev;
	int best_len = -1;

	if (IS_ERR(dst) || !sgw_is_sgw_device(dst->dev))
		return dst;
	dst_release(dst);
	/* Strict interface lookups (no source) through every other device. */
	rcu_read_lock();
	for_each_netdev_rcu(net, dev) {
		if (sgw_is_sgw_device(dev) || !(dev->flags & IFF_UP) ||
		    (dev->flags & IFF_LOOPBACK))
			continue;
		dst = lookup6(net, daddr, NULL, dev->ifindex);
		if (IS_ERR(dst))
			continue;
		if (dst->dev == dev &&
		    ((struct rt6_info *)dst)->rt6i_dst.plen > best_len) {
			dst_release(best);
			best = dst;
			best_len = ((struct rt6_info *)dst)->rt6i_dst.plen;
		} else {
			dst_release(dst);
		}
	}
	rcu_read_unlock();
	return best ?: ERR_PTR(-ENETUNREACH);
}

/* Route to @daddr around every sgw device; @saddr may be unset. */
struct dst_entry *sgw_route_underlay(struct net *net,
				     const struct sgw_addr *daddr,
				     const struct sgw_addr *saddr)
{
	if (daddr->family == AF_INET)
		return underlay4(net, daddr->v4,
				 saddr->family == AF_INET ? saddr->v4 : 0);
	return underlay6(net, &daddr->v6,
			 saddr->family == AF_INET6 ? &saddr->v6 : NULL);
}

/* The outer route of a tunnel's ESP, cached until the tables change. */
struct dst_entry *sgw_route_to_peer(struct sgw_tunnel *tunnel,
				    const struct sgw_tunnel_cfg *cfg)
{
	struct net *net = dev_net(tunnel->dev);
	struct dst_entry *dst;
	struct in6_addr s6;
	__be32 s4;

	if (cfg->remote.family == AF_INET) {
		struct rtable *rt = dst_cache_get_ip4(&tunnel->dst_cache, &s4);

		if (rt)
			return &rt->dst;
	} else {
		dst = dst_cache_get_ip6(&tunnel->dst_cache, &s6);
		if (dst)
			return dst;
	}
	dst = sgw_route_underlay(net, &cfg->remote, &cfg->local);
	if (IS_ERR(dst))
		return dst;
	if (cfg->remote.family == AF_INET)
		dst_cache_set_ip4(&tunnel->dst_cache, dst, cfg->local.v4);
	else
		dst_cache_set_ip6(&tunnel->dst_cache, dst, &cfg->local.v6);
	return dst;
}

/*
 * The route around every sgw device to @tunnel's remote SGW @remote for
 * packets of any source (host-route exemption), cached like the ESP's.
 */
struct dst_entry *sgw_route_exempt(struct sgw_tunnel *tunnel,
				   const struct sgw_addr *remote)
{
	struct sgw_addr none = { 0 };
	struct dst_entry *dst;
	struct in6_addr s6;
	__be32 s4;

	if (remote->family == AF_INET) {
		struct rtable *rt = dst_cache_get_ip4(&tunnel->exempt_cache, &s4);

		if (rt)
			return &rt->dst;
	} else {
		dst = dst_cache_get_ip6(&tunnel->exempt_cache, &s6);
		if (dst)
			return dst;
	}
	dst = sgw_route_underlay(dev_net(tunnel->dev), remote, &none);
	if (IS_ERR(dst))
		return dst;
	if (remote->family == AF_INET)
		dst_cache_set_ip4(&tunnel->exempt_cache, dst, 0);
	else
		dst_cache_set_ip6(&tunnel->exempt_cache, dst, &in6addr_any);
	return dst;
}

/* The next hop of @dst; unset when the destination is on link. */
void sgw_route_gateway(const struct dst_entry *dst, u8 family,
		       struct sgw_addr *via)
{
	memset(via, 0, sizeof(*via));
	if (family == AF_INET) {
		const struct rtable *rt = (const struct rtable *)dst;

		if (rt->rt_gw_family == AF_INET)
			sgw_addr_set4(via, rt->rt_gw4);
	} else {
		const struct rt6_info *rt = (const struct rt6_info *)dst;

		if (rt->rt6i_flags & RTF_GATEWAY)
			sgw_addr_set6(via, &rt->rt6i_gateway);
	}
}
