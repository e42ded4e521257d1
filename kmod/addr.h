/* SPDX-License-Identifier: GPL-2.0 */
/* Addresses and prefixes of either family, as the tunnel config holds them. */
#ifndef _SGW_ADDR_H
#define _SGW_ADDR_H

#include <linux/in6.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/inetdevice.h>
#include <net/ipv6.h>

/* Zero-filled beyond the family's length, so it can serve as a hash key. */
struct sgw_addr {
	union {
		__be32 v4;
		struct in6_addr v6;
	};
	u8 family;		/* 0 (unset), AF_INET or AF_INET6 */
	u8 pad[3];
};

struct sgw_prefix {
	struct sgw_addr addr;
	u8 len;
};

static inline bool sgw_addr_equal(const struct sgw_addr *a,
				  const struct sgw_addr *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static inline void sgw_addr_set4(struct sgw_addr *a, __be32 v4)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->v4 = v4;
}

static inline void sgw_addr_set6(struct sgw_addr *a, const struct in6_addr *v6)
{
	memset(a, 0, sizeof(*a));
	a->family = AF_INET6;
	a->v6 = *v6;
}

static inline bool sgw_prefix_match4(const struct sgw_prefix *p, __be32 v4)
{
	return p->addr.family == AF_INET &&
	       !((p->addr.v4 ^ v4) & inet_make_mask(p->len));
}

static inline bool sgw_prefix_match6(const struct sgw_prefix *p,
				     const struct in6_addr *v6)
{
	return p->addr.family == AF_INET6 &&
	       ipv6_prefix_equal(&p->addr.v6, v6, p->len);
}

#endif /* _SGW_ADDR_H */
