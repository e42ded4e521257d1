/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_TUNNEL_H
#define _SGW_TUNNEL_H

#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <linux/sgw.h>

struct sgw_drop_stats {
	u64_stats_t count[__SGW_DROP_MAX];
	struct u64_stats_sync syncp;
};

/* One tunnel: the private area of its sgw net_device. */
struct sgw_tunnel {
	struct net_device *dev;
	u32 id;
	struct sgw_drop_stats __percpu *drops;
};

static inline struct sgw_tunnel *sgw_tunnel_of(const struct net_device *dev)
{
	return netdev_priv(dev);
}

void sgw_tunnel_tx_drop(struct sgw_tunnel *tunnel, enum sgw_drop reason,
			struct sk_buff *skb);
void sgw_tunnel_rx_drop(struct sgw_tunnel *tunnel, enum sgw_drop reason,
			struct sk_buff *skb);
void sgw_tunnel_drops_read(const struct sgw_tunnel *tunnel,
			   u64 out[__SGW_DROP_MAX]);

#endif /* _SGW_TUNNEL_H */
