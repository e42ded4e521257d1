/* SPDX-License-Identifier: GPL-2.0 */
/* Traffic selectors (RFC 7296 §3.13.1) and narrowing (§2.9). */
#ifndef IKE_TS_H
#define IKE_TS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	IKE_TS_IPV4_ADDR_RANGE = 7,
	IKE_TS_IPV6_ADDR_RANGE = 8,
};

#define IKE_TS_MAX 16

/* Addresses in network order; IPv4 uses the first 4 bytes. */
struct ike_ts {
	uint8_t type;
	uint8_t proto;		/* 0: any */
	uint16_t sport;
	uint16_t eport;
	uint8_t start[16];
	uint8_t end[16];
};

struct ike_ts_list {
	uint8_t n;
	struct ike_ts ts[IKE_TS_MAX];
};

static inline size_t ike_ts_addr_len(const struct ike_ts *t)
{
	return t->type == IKE_TS_IPV4_ADDR_RANGE ? 4 : 16;
}

/* "10.1.0.0/16" or "10.0.0.1-10.0.0.9" with optional "[proto/port]". */
int ike_ts_parse(struct ike_ts *t, const char *s);
/* A whole-subnet selector for @prefix_len bits of @addr (4 or 16 bytes). */
void ike_ts_from_prefix(struct ike_ts *t, const uint8_t *addr, size_t alen,
			unsigned int prefix_len);
int ike_ts_format(const struct ike_ts *t, char *buf, size_t len);
int ike_ts_list_format(const struct ike_ts_list *l, char *buf, size_t len);
bool ike_ts_valid(const struct ike_ts *t);
bool ike_ts_equal(const struct ike_ts *a, const struct ike_ts *b);
/* The same selectors in the same order. */
bool ike_ts_list_equal(const struct ike_ts_list *a,
		       const struct ike_ts_list *b);
/* Intersection of @a and @b in @out; false when empty. */
bool ike_ts_intersect(const struct ike_ts *a, const struct ike_ts *b,
		      struct ike_ts *out);
/* §2.9: everything of @offered that @allowed also covers. */
void ike_ts_narrow(const struct ike_ts_list *offered,
		   const struct ike_ts_list *allowed, struct ike_ts_list *out);
/* Whether a selector of @l covers address @addr (@alen 4 or 16 bytes). */
bool ike_ts_list_has_addr(const struct ike_ts_list *l, const uint8_t *addr,
			  size_t alen);
/* Whether every selector of @sub lies inside one of @super. */
bool ike_ts_list_subset(const struct ike_ts_list *sub,
			const struct ike_ts_list *super);

#endif
