/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The routes the daemon keeps (sgw.conf's routes, route-table and
 * route-metric): one route per remote-networks prefix into the tunnel's
 * device, and where those routes would capture the remote SGW's own
 * address, a host route to it through the underlay with the local SGW
 * address as source. They carry their own protocol number, so that the
 * daemon finds exactly its routes again after a reload or a restart.
 */
#ifndef SGWCTL_ROUTES_H
#define SGWCTL_ROUTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf_model.h"

/* "ip route show proto 83": no other routing daemon uses this number. */
#define ROUTES_PROTO	83

struct route {
	uint8_t family;
	uint8_t plen;
	uint8_t scope;			/* RT_SCOPE_* */
	uint8_t dst[16];		/* host bits zero */
	uint32_t table;
	uint32_t metric;		/* as the kernel keeps it */
	uint32_t oif;
	struct sgw_conf_addr gw;	/* AF_UNSPEC: on link */
	struct sgw_conf_addr src;	/* AF_UNSPEC: none */
	uint32_t tunnel;		/* whose route it is, for the log */
};

/*
 * The prefixes of @t's remote-networks as routes into device @oif; none
 * for "any", which names no destination. Returns how many were written.
 */
size_t routes_of_tunnel(const struct sgw_conf_tunnel *t, uint32_t oif,
			struct route *out, size_t max);

/* Whether one of @t's routed prefixes contains its remote SGW. */
bool routes_capture_remote(const struct sgw_conf_tunnel *t);

/*
 * The host route to @t's remote SGW through @gw (AF_UNSPEC: on link) on
 * underlay device @oif, from @local, in the tunnel's table and metric.
 */
void routes_host(const struct sgw_conf_tunnel *t,
		 const struct sgw_conf_addr *local,
		 const struct sgw_conf_addr *gw, uint32_t oif,
		 struct route *out);

/* Same route as the kernel compares them (not counting scope). */
bool route_equal(const struct route *a, const struct route *b);

/* "10.2.0.0/24 dev 7 table 254 metric 0" for the log. */
const char *route_str(const struct route *r, char *buf, size_t len);

#endif
