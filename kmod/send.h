/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_SEND_H
#define _SGW_SEND_H

#include <linux/netdevice.h>

netdev_tx_t sgw_send(struct sk_buff *skb, struct net_device *dev);

#endif /* _SGW_SEND_H */
