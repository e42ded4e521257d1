// SPDX-License-Identifier: GPL-2.0
/*
 * Send path: a packet routed into an sgw device leaves as ESP in tunnel
 * mode (RFC 4303) toward the tunnel's remote security gateway.
 */

#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/dsfield.h>
#include <net/esp.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>

#include "compat.h"
#include "device.h"
#include "esp.h"
#include "netns.h"
#include "pmtu.h"
#include "route.h"
#include "send.h"
#include "tunnel.h"

static netdev_tx_t drop(struct sgw_tunnel *tunnel, enum sgw_drop reason,
			struct sk_buff *skb)
{
	sgw_tunnel_tx_drop(tunnel, reason, skb);
	return NETDEV_TX_OK;
}

/* The inner packet must be what its protocol says, with a whole header. */
static bool inner_valid(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return pskb_network_may_pull(skb, sizeof(struct iphdr)) &&
		       ip_hdr(skb)->version == 4;
	if (skb->protocol == htons(ETH_P_IPV6))
		return pskb_network_may_pull(skb, sizeof(struct ipv6hdr)) &&
		       ipv6_hdr(skb)->version == 6;
	return false;
}

/* The inner packet's destination address. */
void sgw_inner_daddr(const struct sk_buff *skb, struct sgw_addr *daddr)
{
	if (skb->protocol == htons(ETH_P_IP))
		sgw_addr_set4(daddr, ip_hdr(skb)->daddr);
	else
		sgw_addr_set6(daddr, &ipv6_hdr(skb)->daddr);
}

/*
 * The host-route exemption for a packet to @daddr: NULL when @daddr is no
 * tunnel's remote SGW (*@peer NULL), else the route around every tunnel,
 * cached by the tunnel of that remote SGW (*@peer), or an error pointer
 * when there is none. Under RCU.
 */
struct dst_entry *sgw_exempt_route(struct net *net, const struct sgw_addr *daddr,
				   struct sgw_tunnel **peer)
{
	*peer = sgw_tunnel_by_remote(sgw_net(net), daddr);
	return *peer ? sgw_route_exempt(*peer, daddr) : NULL;
}

/*
 * Host-route exemption for the inner packet: traffic to any tunnel's
 * remote SGW (IKE, and anything else the gateways say to each other) that
 * the routing tables sent into a tunnel leaves in clear through the
 * underlay instead. True when the packet was taken care of.
 */
static bool exempt(struct sgw_tunnel *tunnel, struct sk_buff *skb)
{
	struct net *net = dev_net(tunnel->dev);
	struct sgw_tunnel *peer;
	struct sgw_addr daddr;
	struct dst_entry *dst;

	sgw_inner_daddr(skb, &daddr);
	rcu_read_lock();
	dst = sgw_exempt_route(net, &daddr, &peer);
	rcu_read_unlock();
	if (!dst)
		return false;
	if (IS_ERR(dst)) {
		sgw_tunnel_tx_drop(tunnel, SGW_DROP_NO_ROUTE, skb);
		return true;
	}
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);
	if (skb->protocol == htons(ETH_P_IP))
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	else
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	dst_output(net, skb->sk, skb);
	return true;
}

/*
 * Outer IP header on the encrypted packet (in front of its UDP header for
 * ESP in UDP), then out through the underlay.
 */
static void transmit(struct sgw_tunnel *tunnel, struct sk_buff *skb,
		     struct sgw_esp_ctx *ctx)
{
	struct sgw_sa *sa = ctx->sa;
	struct net *net = dev_net(tunnel->dev);
	struct dst_entry *dst = skb_dst(skb);
	const struct sgw_tunnel_cfg *cfg;
	u8 dsfield = ctx->dsfield;
	struct sgw_addr remote;
	bool df = ctx->df;

	/* An encryption may complete after the tunnel was deleted. */
	rcu_read_lock_bh();
	cfg = rcu_dereference_bh(tunnel->cfg);
	if (cfg)
		remote = cfg->remote;
	rcu_read_unlock_bh();
	if (!cfg || remote.family != sa->key.daddr.family) {
		drop(tunnel, SGW_DROP_NO_SA, skb);
		return;
	}
	if (remote.family == AF_INET) {
		struct iphdr *iph;

		iph = skb_push(skb, sizeof(*iph));
		skb_reset_network_header(skb);
		iph->version = 4;
		iph->ihl = 5;
		iph->tos = dsfield;
		iph->frag_off = df ? htons(IP_DF) : 0;
		iph->ttl = ip4_dst_hoplimit(dst);
		/* ESP in UDP: checksum 0 (RFC 3948 section 2.1). */
		iph->protocol = sa->encap ? IPPROTO_UDP : IPPROTO_ESP;
		iph->saddr = sa->key.daddr.v4;
		iph->daddr = remote.v4;
		ip_select_ident(net, skb, NULL);
		skb->protocol = htons(ETH_P_IP);
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		/* Outer fragments, if any, fit the path MTU sgw knows. */
		IPCB(skb)->frag_max_size = ctx->frag_size;
		ip_local_out(net, NULL, skb);
	} else {
		struct ipv6hdr *ip6h;

		ip6h = skb_push(skb, sizeof(*ip6h));
		skb_reset_network_header(skb);
		ip6_flow_hdr(ip6h, dsfield, 0);
		ip6h->nexthdr = sa->encap ? IPPROTO_UDP : IPPROTO_ESP;
		ip6h->hop_limit = ip6_dst_hoplimit(dst);
		ip6h->saddr = sa->key.daddr.v6;
		ip6h->daddr = remote.v6;
		ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
		if (sa->encap)
			sgw_esp_udp6_csum(skb, sizeof(*ip6h));
		skb->protocol = htons(ETH_P_IPV6);
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
		IP6CB(skb)->frag_max_size = ctx->frag_size;
		skb->ignore_df = !df;
		ip6_local_out(net, NULL, skb);
	}
}

/* In sequence-number order: the encrypted packet leaves, or is dropped. */
static void finish(struct sgw_esp_ctx *ctx, struct sk_buff *skb, int err)
{
	struct sgw_sa *sa = ctx->sa;
	struct sgw_tunnel *tunnel = sa->tunnel;
	unsigned int inner_len = ctx->len;

	if (err) {
		sgw_tunnel_tx_drop(tunnel, SGW_DROP_NOMEM, skb);
	} else {
		dev_sw_netstats_tx_add(tunnel->dev, 1, inner_len);
		transmit(tunnel, skb, ctx);
	}
	sgw_esp_ctx_free(ctx);
	sgw_sa_put(sa);
}

static void xmit(struct sgw_tunnel *tunnel, struct sk_buff *skb, bool whole);

/* ip_do_fragment() hands each fragment of a packet to this. */
static int xmit_fragment(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	xmit(sgw_tunnel_of(skb->dev), skb, false);
	return 0;
}

/*
 * What a whole inner packet of @len bytes gets at tunnel MTU @mtu; with
 * SGW_SIZE_ICMP, *@icmp_mtu is the MTU the ICMP error names. @can_split:
 * the packet may be fragmented here (whole, with its inner route).
 */
enum sgw_size_fate sgw_size_fate(struct sgw_tunnel *tunnel,
				 const struct sk_buff *skb, unsigned int len,
				 unsigned int mtu, bool can_split,
				 unsigned int *icmp_mtu)
{
	if (len <= mtu)
		return SGW_SIZE_FITS;
	if (skb->protocol == htons(ETH_P_IPV6)) {
		/* IPv6 links carry 1280 bytes: below that, fragment outside. */
		if (len <= IPV6_MIN_MTU)
			return SGW_SIZE_FRAG_AFTER;
		*icmp_mtu = max_t(unsigned int, mtu, IPV6_MIN_MTU);
		return SGW_SIZE_ICMP;
	}
	/* The sender's DF is honoured whatever the outer header gets. */
	if (ip_hdr(skb)->frag_off & htons(IP_DF)) {
		*icmp_mtu = mtu;
		return SGW_SIZE_ICMP;
	}
	if (can_split && READ_ONCE(tunnel->fragment) == SGW_FRAGMENT_BEFORE)
		return SGW_SIZE_FRAG_BEFORE;
	return SGW_SIZE_FRAG_AFTER;
}

/*
 * An inner packet above the tunnel MTU. Returns true when it was taken
 * care of (refused with ICMP, or fragmented and sent); false when it goes
 * out whole as one ESP packet that is fragmented outside, with *@outer_frag
 * set.
 */
static bool too_big(struct sgw_tunnel *tunnel, struct sk_buff *skb,
		    unsigned int mtu, bool whole, bool *outer_frag)
{
	unsigned int len = skb->len, icmp_mtu = 0;

	switch (sgw_size_fate(tunnel, skb, len, mtu, whole && skb_dst(skb),
			      &icmp_mtu)) {
	case SGW_SIZE_ICMP:
		break;
	case SGW_SIZE_FRAG_BEFORE:
		sgw_tunnel_event(tunnel, SGW_EV_FRAG_BEFORE);
		IPCB(skb)->frag_max_size = mtu;
		ip_do_fragment(dev_net(tunnel->dev), skb->sk, skb, xmit_fragment);
		return true;
	default:
		*outer_frag = true;
		return false;
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, icmp_mtu);
		sgw_tunnel_event(tunnel, SGW_EV_PKT_TOO_BIG);
		net_info_ratelimited("%s: tunnel %u: %pI6c -> %pI6c: %u bytes exceed the tunnel MTU %u: sent ICMPv6 packet too big (mtu %u)\n",
				     tunnel->dev->name, tunnel->id, &ipv6_hdr(skb)->saddr,
				     &ipv6_hdr(skb)->daddr, len, icmp_mtu, icmp_mtu);
	} else {
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(icmp_mtu));
		sgw_tunnel_event(tunnel, SGW_EV_FRAG_NEEDED);
		net_info_ratelimited("%s: tunnel %u: %pI4 -> %pI4: %u bytes exceed the tunnel MTU %u with DF set: sent ICMP fragmentation needed (mtu %u)\n",
				     tunnel->dev->name, tunnel->id, &ip_hdr(skb)->saddr,
				     &ip_hdr(skb)->daddr, len, mtu, icmp_mtu);
	}
	consume_skb(skb);
	return true;
}

/* The outer DF bit for this inner packet (IPv4 outer). */
bool sgw_outer_df(struct sgw_tunnel *tunnel, const struct sk_buff *skb)
{
	switch (READ_ONCE(tunnel->outer_df)) {
	case SGW_OUTER_DF_SET:
		return true;
	case SGW_OUTER_DF_CLEAR:
		return false;
	default:
		return skb->protocol == htons(ETH_P_IPV6) ||
		       (ip_hdr(skb)->frag_off & htons(IP_DF));
	}
}

/* Has a packet without SA a tunnel to wait in (both addresses set)? */
bool sgw_send_may_hold(const struct sgw_tunnel_cfg *cfg)
{
	return cfg && cfg->local.family && cfg->remote.family;
}

/*
 * The outer route of @tunnel's ESP, or an error pointer with the reason
 * the packet is dropped in *@reason.
 */
struct dst_entry *sgw_send_route(struct sgw_tunnel *tunnel,
				 const struct sgw_tunnel_cfg *cfg,
				 enum sgw_drop *reason)
{
	struct dst_entry *dst = sgw_route_to_peer(tunnel, cfg);

	if (IS_ERR(dst)) {
		*reason = SGW_DROP_NO_ROUTE;
		return dst;
	}
	if (sgw_is_sgw_device(dst->dev)) {
		net_dbg_ratelimited("%s: route to the remote SGW leads into %s: dropped\n",
				    tunnel->dev->name, dst->dev->name);
		dst_release(dst);
		*reason = SGW_DROP_LOOP;
		return ERR_PTR(-ELOOP);
	}
	return dst;
}

netdev_tx_t sgw_send(struct sk_buff *skb, struct net_device *dev)
{
	struct sgw_tunnel *tunnel = sgw_tunnel_of(dev);

	if (!READ_ONCE(tunnel->enabled))
		return drop(tunnel, SGW_DROP_DISABLED, skb);
	if (!inner_valid(skb))
		return drop(tunnel, SGW_DROP_MALFORMED, skb);
	if (exempt(tunnel, skb))
		return NETDEV_TX_OK;
	xmit(tunnel, skb, true);
	return NETDEV_TX_OK;
}

/*
 * A packet held for an SA that has now arrived; BH disabled, under RCU.
 * Disabling the tunnel empties the queue, so it is still enabled.
 */
void sgw_send_held(struct sgw_tunnel *tunnel, struct sk_buff *skb)
{
	xmit(tunnel, skb, true);
}

/* Encrypt and send one inner packet, or a fragment of one (!@whole). */
static void xmit(struct sgw_tunnel *tunnel, struct sk_buff *skb, bool whole)
{
	unsigned int inner_len, plen, outer_len, path, mtu;
	const struct sgw_tunnel_cfg *cfg;
	struct sgw_esp_ctx *ctx;
	enum sgw_drop reason;
	bool outer_frag = false;
	struct dst_entry *dst;
	struct sgw_sa *sa;
	u8 *data;
	int err;

	cfg = rcu_dereference_bh(tunnel->cfg);
	/*
	 * The peer drops what lies outside the SA's selectors; so do we,
	 * before it is held or spends a sequence number. A held packet is
	 * checked again: the SA that releases it may have narrowed them.
	 */
	if (whole && cfg && !sgw_ts_out_allowed(cfg, skb)) {
		drop(tunnel, SGW_DROP_SELECTOR, skb);
		return;
	}
	/* Referenced before a sequence number is spent: a rekey loses nothing. */
	sa = sgw_sa_get_out_for(tunnel, skb);
	/* Without a usable SA, wait for the one IKE is asked to negotiate. */
	if (!sa && whole && sgw_send_may_hold(cfg)) {
		sgw_hold(tunnel, skb);
		return;
	}
	if (!sa || !cfg || !cfg->remote.family) {
		if (sa)
			sgw_sa_put(sa);
		drop(tunnel, SGW_DROP_NO_SA, skb);
		return;
	}
	dst = sgw_send_route(tunnel, cfg, &reason);
	if (IS_ERR(dst)) {
		sgw_sa_put(sa);
		drop(tunnel, reason, skb);
		return;
	}

	path = sgw_path_mtu(tunnel, dst);
	mtu = sgw_tunnel_mtu(tunnel, sa, path, cfg->remote.family == AF_INET6);
	sgw_mss_clamp(tunnel, skb, mtu);
	if (skb->len > mtu && too_big(tunnel, skb, mtu, whole, &outer_frag)) {
		dst_release(dst);
		sgw_sa_put(sa);
		return;
	}

	inner_len = skb->len;
	ctx = sgw_esp_ctx_alloc(sa, GFP_ATOMIC);
	if (!ctx) {
		dst_release(dst);
		sgw_sa_put(sa);
		drop(tunnel, SGW_DROP_NOMEM, skb);
		return;
	}
	err = sgw_sa_account(sa, inner_len) ?
	      sgw_esp_enqueue(ctx, skb, finish, true) : -EOVERFLOW;
	if (err) {
		sgw_esp_ctx_free(ctx);
		dst_release(dst);
		sgw_sa_put(sa);
		if (err == -ENOBUFS)
			drop(tunnel, SGW_DROP_BACKLOG, skb);
		/* The SA ran out with this very packet: wait for the next. */
		else if (whole)
			sgw_hold(tunnel, skb);
		else
			drop(tunnel, SGW_DROP_NO_SA, skb);
		return;
	}
	/* From here on the packet ends in finish(), in sequence order. */
	if (outer_frag)
		sgw_tunnel_event(tunnel, SGW_EV_FRAG_AFTER);
	ctx->len = inner_len;
	/* RFC 6040 normal mode: DSCP and ECN copied. */
	ctx->dsfield = skb->protocol == htons(ETH_P_IP) ?
		       ipv4_get_dsfield(ip_hdr(skb)) :
		       ipv6_get_dsfield(ipv6_hdr(skb));
	ctx->df = !outer_frag && sgw_outer_df(tunnel, skb);
	ctx->frag_size = outer_frag ? path : 0;

	skb_scrub_packet(skb, false);
	skb_dst_set(skb, dst);
	outer_len = cfg->remote.family == AF_INET ? sizeof(struct iphdr) :
						    sizeof(struct ipv6hdr);
	data = sgw_esp_frame(skb, sa, ctx->seq, 0, outer_len,
			     skb->protocol == htons(ETH_P_IP) ? IPPROTO_IPIP :
								IPPROTO_IPV6,
			     &plen);
	if (!data) {
		sgw_esp_done(ctx, -ENOMEM);
		return;
	}
	sgw_esp_setup(ctx, data, plen, 0);
	sgw_esp_submit(ctx, true);
}
