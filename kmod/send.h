/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_SEND_H
#define _SGW_SEND_H

#include <linux/netdevice.h>

struct sgw_tunnel;

netdev_tx_t sgw_send(struct sk_buff *skb, struct net_device *dev);
void sgw_send_held(struct sgw_tunnel *tunnel, struct sk_buff *skb);

#endif /* _SGW_SEND_H */
