/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_RECEIVE_H
#define _SGW_RECEIVE_H

struct net;
struct sgw_tunnel;

int sgw_receive_net_init(struct net *net);
void sgw_receive_net_exit(struct net *net);
void sgw_rx_init(struct sgw_tunnel *tunnel);
void sgw_rx_uninit(struct sgw_tunnel *tunnel);

#endif /* _SGW_RECEIVE_H */
