/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_SEND_H
#define _SGW_SEND_H

#include <linux/netdevice.h>
#include <net/dst.h>
#include <linux/sgw.h>

struct net;
struct sgw_addr;
struct sgw_tunnel;
struct sgw_tunnel_cfg;

/* What an inner packet above the tunnel MTU gets (sgw_size_fate()). */
enum sgw_size_fate {
	SGW_SIZE_FITS,
	SGW_SIZE_ICMP,		/* refused: ICMP with the tunnel MTU */
	SGW_SIZE_FRAG_BEFORE,	/* inner fragments, one ESP packet each */
	SGW_SIZE_FRAG_AFTER,	/* one ESP packet, fragmented outside */
};

netdev_tx_t sgw_send(struct sk_buff *skb, struct net_device *dev);
void sgw_send_held(struct sgw_tunnel *tunnel, struct sk_buff *skb);

/* The send path's decisions, shared with SGW_CMD_TRACE (trace.c). */
void sgw_inner_daddr(const struct sk_buff *skb, struct sgw_addr *daddr);
struct dst_entry *sgw_exempt_route(struct net *net, const struct sgw_addr *daddr,
				   struct sgw_tunnel **peer);
enum sgw_size_fate sgw_size_fate(struct sgw_tunnel *tunnel,
				 const struct sk_buff *skb, unsigned int len,
				 unsigned int mtu, bool can_split,
				 unsigned int *icmp_mtu);
bool sgw_outer_df(struct sgw_tunnel *tunnel, const struct sk_buff *skb);
bool sgw_send_may_hold(const struct sgw_tunnel_cfg *cfg);
struct dst_entry *sgw_send_route(struct sgw_tunnel *tunnel,
				 const struct sgw_tunnel_cfg *cfg,
				 enum sgw_drop *reason);

#endif /* _SGW_SEND_H */
