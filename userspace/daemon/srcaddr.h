/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "local = auto": the address this host sends from toward the remote
 * SGW, as the routing table chooses it (RTM_GETROUTE), and why, so that
 * the one address everything derives from is explained.
 */
#ifndef SGWCTL_SRCADDR_H
#define SGWCTL_SRCADDR_H

#include <net/if.h>
#include <stddef.h>

#include "conf_model.h"

struct srcaddr {
	struct sgw_conf_addr addr;	/* the source the route gives */
	struct sgw_conf_addr via;	/* next hop; AF_UNSPEC on link */
	char dev[IF_NAMESIZE];		/* outgoing interface */
};

/* Asks the kernel; 0, or -1 with @err naming the remote and the cause. */
int srcaddr_lookup(const struct sgw_conf_addr *remote, struct srcaddr *out,
		   char *err, size_t errlen);

/*
 * Parses the kernel's answer to the RTM_GETROUTE of srcaddr_lookup();
 * @ifname maps the outgoing interface's index to its name.
 */
int srcaddr_parse(const void *buf, size_t len,
		  const struct sgw_conf_addr *remote,
		  char *(*ifname)(unsigned int, char *), struct srcaddr *out,
		  char *err, size_t errlen);

/* "auto: source of the route to 198.51.100.1 via 192.0.2.254 dev eth0" */
void srcaddr_explain(const struct srcaddr *s,
		     const struct sgw_conf_addr *remote, char *buf, size_t len);

#endif
