/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_DEVICE_H
#define _SGW_DEVICE_H

#include <linux/types.h>

struct net;
struct net_device;
struct netlink_ext_ack;

struct net_device *sgw_device_create(struct net *net, u32 id,
				     const char *ifname,
				     struct netlink_ext_ack *extack);
bool sgw_is_sgw_device(const struct net_device *dev);
unsigned int sgw_device_feed_mtu(struct net *net);

int sgw_device_init(void);
void sgw_device_uninit(void);

#endif /* _SGW_DEVICE_H */
