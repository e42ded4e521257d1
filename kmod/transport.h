/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_TRANSPORT_H
#define _SGW_TRANSPORT_H

#include <linux/skbuff.h>

struct net;
struct sgw_esp_ctx;

bool sgw_transport_rx_hold(struct sk_buff *skb);
void sgw_transport_deliver(struct sgw_esp_ctx *ctx, struct sk_buff *skb,
			   u8 nexthdr, u8 padlen);
void sgw_transport_init(void);
void sgw_transport_uninit(void);
int sgw_transport_net_init(struct net *net);
void sgw_transport_net_exit(struct net *net);

#endif /* _SGW_TRANSPORT_H */
