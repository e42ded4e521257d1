/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_RECEIVE_H
#define _SGW_RECEIVE_H

struct net;

int sgw_receive_net_init(struct net *net);
void sgw_receive_net_exit(struct net *net);

#endif /* _SGW_RECEIVE_H */
