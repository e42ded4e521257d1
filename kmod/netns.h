/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_NETNS_H
#define _SGW_NETNS_H

#include <linux/rhashtable-types.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>

struct sgw_tunnel;
struct netlink_ext_ack;

/* Per network namespace state. Writers hold RTNL; readers use RCU. */
struct sgw_net {
	struct xarray tunnels;	/* tunnel id -> struct sgw_tunnel */
	unsigned int gen;	/* bumped on each change, for dump consistency */
	struct rhashtable sa_in;	/* inbound SAs by (SPI, local SGW) */
	struct rhltable by_remote;	/* tunnels by remote SGW address */
	u32 daemon_portid;	/* the IKE daemon's socket (SGW_CMD_REGISTER); 0: none */
	unsigned int feed_mtu;	/* RTNL: see sgw_device_feed_mtu() */
};

struct sgw_net *sgw_net(const struct net *net);

int sgw_tunnel_id_claim(struct sgw_net *sn, u32 *id,
			struct netlink_ext_ack *extack);
void sgw_tunnel_id_publish(struct sgw_net *sn, struct sgw_tunnel *tunnel);
void sgw_tunnel_id_release(struct sgw_net *sn, u32 id);
struct sgw_tunnel *sgw_tunnel_lookup_rtnl(struct sgw_net *sn, u32 id);

int sgw_netns_init(void);
void sgw_netns_uninit(void);

#endif /* _SGW_NETNS_H */
