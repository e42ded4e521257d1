// SPDX-License-Identifier: GPL-2.0
/*
 * SGW_CMD_TRACE: what the send path would do with a packet described by
 * its addresses, protocol, ports, size and DF bit, answered from the live
 * state by the send path's own decisions (send.c, pmtu.c, route.c,
 * hold.c) in their order, without sending, holding or counting anything.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/genetlink.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "compat.h"
#include "device.h"
#include "esp.h"
#include "hold.h"
#include "netlink.h"
#include "pmtu.h"
#include "route.h"
#include "sa.h"
#include "send.h"
#include "tunnel.h"

static struct netlink_range_validation size_range = {
	.min = sizeof(struct iphdr),
	.max = IP_MAX_MTU,
};

static const struct nla_policy trace_policy[SGW_TRACE_A_MAX + 1] = {
	[SGW_TRACE_A_SRC] = { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[SGW_TRACE_A_DST] = { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[SGW_TRACE_A_PROTO] = { .type = NLA_U8 },
	[SGW_TRACE_A_SPORT] = { .type = NLA_U16 },
	[SGW_TRACE_A_DPORT] = { .type = NLA_U16 },
	[SGW_TRACE_A_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32, &size_range),
	[SGW_TRACE_A_DF] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* The request, then what was found, in the send path's order. */
struct trace {
	struct sgw_addr src, dst;
	u8 proto;
	u16 sport, dport;
	u32 size;
	bool df;

	u8 verdict;
	u8 drop;			/* enum sgw_drop, when dropped */
	int ifindex;
	char ifname[IFNAMSIZ];
	struct sgw_addr via;
	bool in_tunnel;
	u32 tunnel_id;
	bool enabled;
	bool ts_known, local_ok, remote_ok;
	bool exempt;
	u32 exempt_id;
	int ul_ifindex;			/* 0: no underlay route found */
	char ul_ifname[IFNAMSIZ];
	struct sgw_addr ul_via;
	bool no_sa;			/* the no-SA step decided */
	bool daemon;
	u32 held;
	bool has_sa;
	u32 spi, alg;
	u16 encap_sport, encap_dport;
	bool has_mtu;
	u32 path_mtu, tunnel_mtu, icmp_mtu;
	bool has_mss;
	u32 mss;
	u8 fragment;
	bool has_outer;
	struct sgw_addr outer_src, outer_dst;
	u32 outer_size;
	bool outer_df;
	u8 outer_proto;
};

static int parse_addr(const struct nlattr *nla, struct sgw_addr *a,
		      struct netlink_ext_ack *extack)
{
	if (nla_len(nla) == sizeof(__be32)) {
		sgw_addr_set4(a, nla_get_in_addr(nla));
		return 0;
	}
	if (nla_len(nla) == sizeof(struct in6_addr)) {
		sgw_addr_set6(a, nla_data(nla));
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, nla,
			    "trace address must be 4 (IPv4) or 16 (IPv6) bytes");
	return -EINVAL;
}

static bool has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP || proto == IPPROTO_UDPLITE;
}

static int parse_request(struct genl_info *info, struct trace *t)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[SGW_TRACE_A_MAX + 1];
	unsigned int min;
	int ret;

	if (!info->attrs[SGW_A_TRACE]) {
		GENL_REQ_ATTR_CHECK(info, SGW_A_TRACE);
		NL_SET_ERR_MSG(extack, "trace attributes required");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, SGW_TRACE_A_MAX, info->attrs[SGW_A_TRACE],
			       trace_policy, extack);
	if (ret)
		return ret;
	if (!tb[SGW_TRACE_A_SRC] || !tb[SGW_TRACE_A_DST]) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[SGW_A_TRACE],
				    "trace needs a source and a destination address");
		return -EINVAL;
	}
	ret = parse_addr(tb[SGW_TRACE_A_SRC], &t->src, extack) ?:
	      parse_addr(tb[SGW_TRACE_A_DST], &t->dst, extack);
	if (ret)
		return ret;
	if (t->src.family != t->dst.family) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SGW_TRACE_A_DST],
				    "trace source and destination must be of one family");
		return -EAFNOSUPPORT;
	}
	t->proto = t->src.family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	if (tb[SGW_TRACE_A_PROTO])
		t->proto = nla_get_u8(tb[SGW_TRACE_A_PROTO]);
	if ((tb[SGW_TRACE_A_SPORT] || tb[SGW_TRACE_A_DPORT]) &&
	    !has_ports(t->proto)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SGW_TRACE_A_SPORT] ?:
				    tb[SGW_TRACE_A_DPORT],
				    "trace ports need protocol tcp, udp, sctp or udplite");
		return -EINVAL;
	}
	if (tb[SGW_TRACE_A_SPORT])
		t->sport = nla_get_u16(tb[SGW_TRACE_A_SPORT]);
	if (tb[SGW_TRACE_A_DPORT])
		t->dport = nla_get_u16(tb[SGW_TRACE_A_DPORT]);
	min = t->src.family == AF_INET ? sizeof(struct iphdr) :
					 sizeof(struct ipv6hdr);
	t->size = min;
	if (tb[SGW_TRACE_A_SIZE])
		t->size = nla_get_u32(tb[SGW_TRACE_A_SIZE]);
	if (t->size < min) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SGW_TRACE_A_SIZE],
				    "trace size below the IPv6 header (40 bytes)");
		return -EINVAL;
	}
	t->df = tb[SGW_TRACE_A_DF] && nla_get_u8(tb[SGW_TRACE_A_DF]);
	if (t->df && t->src.family != AF_INET) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SGW_TRACE_A_DF],
				    "DF is an IPv4 header bit: IPv6 packets are never fragmented on the way");
		return -EINVAL;
	}
	return 0;
}

/*
 * The inner packet's IP header, all the send path's decisions look at;
 * its length field says @t->size.
 */
static struct sk_buff *build_packet(const struct trace *t)
{
	struct sk_buff *skb = alloc_skb(sizeof(struct ipv6hdr), GFP_KERNEL);

	if (!skb)
		return NULL;
	skb_reset_network_header(skb);
	if (t->src.family == AF_INET) {
		struct iphdr *iph = skb_put_zero(skb, sizeof(*iph));

		iph->version = 4;
		iph->ihl = 5;
		iph->tot_len = htons(t->size);
		iph->frag_off = t->df ? htons(IP_DF) : 0;
		iph->ttl = 64;
		iph->protocol = t->proto;
		iph->saddr = t->src.v4;
		iph->daddr = t->dst.v4;
		skb->protocol = htons(ETH_P_IP);
	} else {
		struct ipv6hdr *ip6h = skb_put_zero(skb, sizeof(*ip6h));

		ip6h->version = 6;
		ip6h->payload_len = htons(min_t(u32, t->size - sizeof(*ip6h),
						U16_MAX));
		ip6h->nexthdr = t->proto;
		ip6h->hop_limit = 64;
		ip6h->saddr = t->src.v6;
		ip6h->daddr = t->dst.v6;
		skb->protocol = htons(ETH_P_IPV6);
	}
	return skb;
}

/*
 * The route the packet itself takes: an output lookup with its source,
 * which need not be an address of this host (a forwarded packet's).
 */
static struct dst_entry *inner_route(struct net *net, const struct trace *t)
{
	struct flowi6 fl6 = {
		.daddr = t->dst.v6,
		.saddr = t->src.v6,
		.flowi6_proto = t->proto,
		.fl6_sport = htons(t->sport),
		.fl6_dport = htons(t->dport),
	};
	struct dst_entry *dst;
	int err;

	if (t->src.family == AF_INET) {
		struct flowi4 fl4 = {
			.daddr = t->dst.v4,
			.saddr = t->src.v4,
			.flowi4_proto = t->proto,
			.flowi4_flags = FLOWI_FLAG_ANYSRC,
			.fl4_sport = htons(t->sport),
			.fl4_dport = htons(t->dport),
		};
		struct rtable *rt = ip_route_output_key(net, &fl4);

		return IS_ERR(rt) ? ERR_CAST(rt) : &rt->dst;
	}
	dst = ip6_route_output(net, NULL, &fl6);
	err = dst->error;
	if (err) {
		dst_release(dst);
		return ERR_PTR(err);
	}
	return dst;
}

static void set_underlay(struct trace *t, const struct dst_entry *dst, u8 family)
{
	t->ul_ifindex = dst->dev->ifindex;
	strscpy(t->ul_ifname, dst->dev->name, sizeof(t->ul_ifname));
	sgw_route_gateway(dst, family, &t->ul_via);
}

static void dropped(struct trace *t, enum sgw_drop reason)
{
	t->verdict = SGW_TRACE_DROPPED;
	t->drop = reason;
}

/* The first fragment of an inner IPv4 packet split to @mtu. */
static unsigned int first_fragment(unsigned int mtu)
{
	return sizeof(struct iphdr) + ((mtu - sizeof(struct iphdr)) & ~7U);
}

/* From the SA on: MTU, MSS, size and the outer packet (xmit()). */
static void trace_sa(struct sgw_tunnel *tunnel, const struct sgw_tunnel_cfg *cfg,
		     struct sgw_sa *sa, struct sk_buff *pkt, struct trace *t)
{
	bool outer6 = cfg->remote.family == AF_INET6;
	enum sgw_drop reason;
	struct dst_entry *dst;
	unsigned int len;
	__be16 sp, dp;

	t->has_sa = true;
	t->spi = be32_to_cpu(sa->key.spi);
	t->alg = sa->alg->id;
	if (sa->encap) {
		sgw_sa_ports(sa, &sp, &dp);
		t->encap_sport = ntohs(sp);
		t->encap_dport = ntohs(dp);
	}
	dst = sgw_send_route(tunnel, cfg, &reason);
	if (IS_ERR(dst)) {
		dropped(t, reason);
		return;
	}
	set_underlay(t, dst, cfg->remote.family);
	t->has_mtu = true;
	t->path_mtu = sgw_path_mtu(tunnel, dst);
	dst_release(dst);
	t->tunnel_mtu = sgw_tunnel_mtu(tunnel, sa, t->path_mtu, outer6);
	if (t->proto == IPPROTO_TCP) {
		t->has_mss = true;
		t->mss = sgw_mss_limit(tunnel, t->tunnel_mtu,
				       t->src.family == AF_INET6);
	}
	len = t->size;
	switch (sgw_size_fate(tunnel, pkt, t->size, t->tunnel_mtu, true,
			      &t->icmp_mtu)) {
	case SGW_SIZE_ICMP:
		t->verdict = SGW_TRACE_ICMP;
		return;
	case SGW_SIZE_FRAG_BEFORE:
		t->fragment = SGW_TRACE_FRAG_BEFORE;
		len = first_fragment(t->tunnel_mtu);
		break;
	case SGW_SIZE_FRAG_AFTER:
		t->fragment = SGW_TRACE_FRAG_AFTER;
		break;
	default:
		t->fragment = SGW_TRACE_FRAG_NONE;
		break;
	}
	t->verdict = SGW_TRACE_ENCRYPTED;
	t->has_outer = true;
	t->outer_src = sa->key.daddr;
	t->outer_dst = cfg->remote;
	t->outer_proto = sa->encap ? IPPROTO_UDP : IPPROTO_ESP;
	t->outer_size = (outer6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr)) +
			sgw_esp_wire_len(sa, len);
	t->outer_df = t->fragment != SGW_TRACE_FRAG_AFTER &&
		      sgw_outer_df(tunnel, pkt);
}

/* Into the sgw device of @tunnel: sgw_send() and xmit() in their order. */
static void trace_tunnel(struct net *net, struct sgw_tunnel *tunnel,
			 struct sk_buff *pkt, struct trace *t)
{
	const struct sgw_tunnel_cfg *cfg = rcu_dereference_bh(tunnel->cfg);
	struct sgw_tunnel *peer;
	struct dst_entry *dst;
	struct sgw_addr daddr;
	struct sgw_sa *sa;

	t->in_tunnel = true;
	t->tunnel_id = tunnel->id;
	t->enabled = READ_ONCE(tunnel->enabled);
	if (cfg) {
		t->ts_known = true;
		t->local_ok = sgw_ts_allows(cfg->local_ts, cfg->n_local_ts, pkt,
					    true);
		t->remote_ok = sgw_ts_allows(cfg->remote_ts, cfg->n_remote_ts,
					     pkt, false);
	}
	if (!t->enabled) {
		dropped(t, SGW_DROP_DISABLED);
		return;
	}
	sgw_inner_daddr(pkt, &daddr);
	dst = sgw_exempt_route(net, &daddr, &peer);
	if (dst) {
		t->exempt = true;
		t->exempt_id = peer->id;
		if (IS_ERR(dst)) {
			dropped(t, SGW_DROP_NO_ROUTE);
			return;
		}
		set_underlay(t, dst, daddr.family);
		dst_release(dst);
		t->verdict = SGW_TRACE_EXEMPT;
		return;
	}
	/* xmit(): outside the selectors, dropped before an SA is looked at. */
	if (cfg && !sgw_ts_out_allowed(cfg, pkt)) {
		dropped(t, SGW_DROP_SELECTOR);
		return;
	}
	sa = sgw_sa_get_out_for(tunnel, pkt);
	if (!sa && sgw_send_may_hold(cfg)) {
		t->no_sa = true;
		t->daemon = sgw_hold_daemon(tunnel);
		t->held = sgw_hold_len(tunnel);
		if (t->daemon)
			t->verdict = SGW_TRACE_HELD;
		else
			dropped(t, SGW_DROP_NO_SA);
		return;
	}
	if (!sa || !cfg || !cfg->remote.family) {
		if (sa)
			sgw_sa_put(sa);
		t->no_sa = true;
		dropped(t, SGW_DROP_NO_SA);
		return;
	}
	trace_sa(tunnel, cfg, sa, pkt, t);
	sgw_sa_put(sa);
}

static void trace_packet(struct net *net, struct sk_buff *pkt, struct trace *t)
{
	struct dst_entry *dst = inner_route(net, t);

	if (IS_ERR(dst)) {
		t->verdict = SGW_TRACE_NO_ROUTE;
		return;
	}
	t->ifindex = dst->dev->ifindex;
	strscpy(t->ifname, dst->dev->name, sizeof(t->ifname));
	sgw_route_gateway(dst, t->src.family, &t->via);
	if (sgw_is_sgw_device(dst->dev)) {
		/* As in softirq, and as exempt() takes it for the tables. */
		rcu_read_lock();
		rcu_read_lock_bh();
		trace_tunnel(net, sgw_tunnel_of(dst->dev), pkt, t);
		rcu_read_unlock_bh();
		rcu_read_unlock();
	} else {
		t->verdict = SGW_TRACE_CLEAR;
	}
	dst_release(dst);
}

static int put_ifname(struct sk_buff *msg, int idx_type, int name_type,
		      int ifindex, const char *name)
{
	if (!ifindex)
		return 0;
	return nla_put_u32(msg, idx_type, ifindex) ||
	       nla_put_string(msg, name_type, name);
}

/* What the route and the tunnel showed, before the SA. */
static int fill_path(struct sk_buff *msg, const struct trace *t)
{
	if (put_ifname(msg, SGW_TRACE_A_IFINDEX, SGW_TRACE_A_IFNAME,
		       t->ifindex, t->ifname) ||
	    sgw_nl_put_addr(msg, SGW_TRACE_A_VIA, &t->via))
		return -EMSGSIZE;
	if (t->in_tunnel &&
	    (nla_put_u32(msg, SGW_TRACE_A_TUNNEL_ID, t->tunnel_id) ||
	     nla_put_u8(msg, SGW_TRACE_A_ENABLED, t->enabled)))
		return -EMSGSIZE;
	if (t->ts_known &&
	    (nla_put_u8(msg, SGW_TRACE_A_LOCAL_TS_MATCH, t->local_ok) ||
	     nla_put_u8(msg, SGW_TRACE_A_REMOTE_TS_MATCH, t->remote_ok)))
		return -EMSGSIZE;
	if (t->exempt && nla_put_u32(msg, SGW_TRACE_A_EXEMPT_TUNNEL_ID, t->exempt_id))
		return -EMSGSIZE;
	if (put_ifname(msg, SGW_TRACE_A_UNDERLAY_IFINDEX,
		       SGW_TRACE_A_UNDERLAY_IFNAME, t->ul_ifindex, t->ul_ifname) ||
	    sgw_nl_put_addr(msg, SGW_TRACE_A_UNDERLAY_VIA, &t->ul_via))
		return -EMSGSIZE;
	if (t->no_sa &&
	    (nla_put_u8(msg, SGW_TRACE_A_DAEMON, t->daemon) ||
	     nla_put_u32(msg, SGW_TRACE_A_HELD, t->held)))
		return -EMSGSIZE;
	return 0;
}

/* The SA, the MTUs and the outer packet. */
static int fill_sa(struct sk_buff *msg, const struct trace *t)
{
	if (t->has_sa &&
	    (nla_put_u32(msg, SGW_TRACE_A_SPI, t->spi) ||
	     nla_put_u32(msg, SGW_TRACE_A_ALG, t->alg)))
		return -EMSGSIZE;
	if (t->encap_dport &&
	    (nla_put_u16(msg, SGW_TRACE_A_ENCAP_SPORT, t->encap_sport) ||
	     nla_put_u16(msg, SGW_TRACE_A_ENCAP_DPORT, t->encap_dport)))
		return -EMSGSIZE;
	if (t->has_mtu &&
	    (nla_put_u32(msg, SGW_TRACE_A_PATH_MTU, t->path_mtu) ||
	     nla_put_u32(msg, SGW_TRACE_A_TUNNEL_MTU, t->tunnel_mtu)))
		return -EMSGSIZE;
	if (t->verdict == SGW_TRACE_ICMP &&
	    nla_put_u32(msg, SGW_TRACE_A_ICMP_MTU, t->icmp_mtu))
		return -EMSGSIZE;
	if (t->has_mss && nla_put_u32(msg, SGW_TRACE_A_MSS, t->mss))
		return -EMSGSIZE;
	if (t->has_outer &&
	    (nla_put_u8(msg, SGW_TRACE_A_FRAGMENT, t->fragment) ||
	     sgw_nl_put_addr(msg, SGW_TRACE_A_OUTER_SRC, &t->outer_src) ||
	     sgw_nl_put_addr(msg, SGW_TRACE_A_OUTER_DST, &t->outer_dst) ||
	     nla_put_u32(msg, SGW_TRACE_A_OUTER_SIZE, t->outer_size) ||
	     nla_put_u8(msg, SGW_TRACE_A_OUTER_DF, t->outer_df) ||
	     nla_put_u8(msg, SGW_TRACE_A_OUTER_PROTO, t->outer_proto)))
		return -EMSGSIZE;
	return 0;
}

static int fill(struct sk_buff *msg, const struct trace *t)
{
	struct nlattr *nest = nla_nest_start(msg, SGW_A_TRACE);

	if (!nest ||
	    sgw_nl_put_addr(msg, SGW_TRACE_A_SRC, &t->src) ||
	    sgw_nl_put_addr(msg, SGW_TRACE_A_DST, &t->dst) ||
	    nla_put_u8(msg, SGW_TRACE_A_PROTO, t->proto) ||
	    (has_ports(t->proto) &&
	     (nla_put_u16(msg, SGW_TRACE_A_SPORT, t->sport) ||
	      nla_put_u16(msg, SGW_TRACE_A_DPORT, t->dport))) ||
	    nla_put_u32(msg, SGW_TRACE_A_SIZE, t->size) ||
	    nla_put_u8(msg, SGW_TRACE_A_DF, t->df) ||
	    nla_put_u8(msg, SGW_TRACE_A_VERDICT, t->verdict) ||
	    (t->verdict == SGW_TRACE_DROPPED &&
	     nla_put_u8(msg, SGW_TRACE_A_DROP, t->drop)) ||
	    fill_path(msg, t) || fill_sa(msg, t)) {
		if (nest)
			nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

int sgw_nl_trace(struct sk_buff *skb, struct genl_info *info)
{
	struct trace t = { 0 };
	struct sk_buff *pkt, *msg;
	void *hdr;
	int ret;

	ret = parse_request(info, &t);
	if (ret)
		return ret;
	pkt = build_packet(&t);
	if (!pkt)
		return -ENOMEM;
	trace_packet(genl_info_net(info), pkt, &t);
	kfree_skb(pkt);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = sgw_genl_put_header(msg, info, SGW_CMD_TRACE);
	if (!hdr || fill(msg, &t)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}
