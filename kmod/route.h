/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_ROUTE_H
#define _SGW_ROUTE_H

#include <net/dst.h>

#include "addr.h"

struct net;
struct sgw_tunnel;
struct sgw_tunnel_cfg;

struct dst_entry *sgw_route_underlay(struct net *net,
				     const struct sgw_addr *daddr,
				     const struct sgw_addr *saddr);
struct dst_entry *sgw_route_to_peer(struct sgw_tunnel *tunnel,
				    const struct sgw_tunnel_cfg *cfg);
struct dst_entry *sgw_route_exempt(struct sgw_tunnel *tunnel,
				   const struct sgw_addr *remote);
void sgw_route_gateway(const struct dst_entry *dst, u8 family,
		       struct sgw_addr *via);

#endif /* _SGW_ROUTE_H */
