/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_PMTU_H
#define _SGW_PMTU_H

#include <linux/skbuff.h>
#include <net/dst.h>

struct net;
struct sgw_sa;
struct sgw_tunnel;

unsigned int sgw_path_mtu(struct sgw_tunnel *tunnel, const struct dst_entry *dst);
unsigned int sgw_tunnel_mtu(struct sgw_tunnel *tunnel, const struct sgw_sa *sa,
			    unsigned int path_mtu, bool outer_ipv6);
bool sgw_tunnel_mtus(struct sgw_tunnel *tunnel, unsigned int *path,
		     unsigned int *mtu);
unsigned int sgw_mss_limit(struct sgw_tunnel *tunnel, unsigned int tunnel_mtu,
			   bool ipv6);
void sgw_mss_clamp(struct sgw_tunnel *tunnel, struct sk_buff *skb,
		   unsigned int tunnel_mtu);

void sgw_pmtu_icmp(struct net *net, struct sk_buff *skb, u8 pf);

#endif /* _SGW_PMTU_H */
