// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_ts.h"

void ike_ts_from_prefix(struct ike_ts *t, const uint8_t *addr, size_t alen,
			unsigned int prefix_len)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->type = alen == 4 ? IKE_TS_IPV4_ADDR_RANGE : IKE_TS_IPV6_ADDR_RANGE;
	t->eport = 0xffff;
	for (i = 0; i < alen; i++) {
		unsigned int bits = prefix_len > i * 8 ? prefix_len - i * 8 : 0;
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);

		t->start[i] = addr[i] & mask;
		t->end[i] = addr[i] | (uint8_t)~mask;
	}
}

static int parse_addr(const char *s, size_t n, uint8_t *out, size_t *alen)
{
	char tmp[INET6_ADDRSTRLEN];

	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, out) == 1) {
		*alen = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, tmp, out) == 1) {
		*alen = 16;
		return 0;
	}
	return -1;
}

static int parse_num(const char *s, const char **end, unsigned long max,
		     unsigned long *v)
{
	char *e;

	if (*s < '0' || *s > '9')
		return -1;
	*v = strtoul(s, &e, 10);
	if (*v > max)
		return -1;
	*end = e;
	return 0;
}

static const struct {
	const char *name;
	uint8_t proto;
} protos[] = {
	{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "icmp6", 58 },
	{ "sctp", 132 },
};

/* "[proto]", "[proto/port]" or "[proto/lo-hi]" */
static int parse_proto(struct ike_ts *t, const char *s)
{
	const char *p = s + 1, *e = strchr(s, ']');
	unsigned long v, hi;
	size_t i, n;

	if (*s != '[' || !e || e[1])
		return -1;
	n = strcspn(p, "/]");
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strlen(protos[i].name) == n && !memcmp(p, protos[i].name, n))
			break;
	if (i < sizeof(protos) / sizeof(protos[0])) {
		t->proto = protos[i].proto;
		p += n;
	} else {
		if (parse_num(p, &p, 255, &v))
			return -1;
		t->proto = (uint8_t)v;
	}
	if (*p == ']')
		return 0;
	if (*p != '/' || parse_num(p + 1, &p, 65535, &v))
		return -1;
	hi = v;
	if (*p == '-' && parse_num(p + 1, &p, 65535, &hi))
		return -1;
	if (*p != ']' || hi < v)
		return -1;
	t->sport = (uint16_t)v;
	t->eport = (uint16_t)hi;
	return 0;
}

int ike_ts_parse(struct ike_ts *t, const char *s)
{
	size_t n = strcspn(s, "/-["), alen, alen2;
	uint8_t addr[16];
	const char *p = s + n;
	unsigned long plen;

	if (parse_addr(s, n, addr, &alen))
		return -1;
	if (*p == '/') {
		if (parse_num(p + 1, &p, alen * 8, &plen))
			return -1;
		ike_ts_from_prefix(t, addr, alen, (unsigned int)plen);
	} else {
		ike_ts_from_prefix(t, addr, alen, (unsigned int)alen * 8);
		if (*p == '-') {
			n = strcspn(p + 1, "[");
			if (parse_addr(p + 1, n, t->end, &alen2) ||
			    alen2 != alen || memcmp(t->start, t->end, alen) > 0)
				return -1;
			p += 1 + n;
		}
	}
	if (*p && parse_proto(t, p))
		return -1;
	return 0;
}

/* RFC 7296 3.13.1: start 65535 and end 0 stand for OPAQUE ports. */
static bool opaque(const struct ike_ts *t)
{
	return t->sport == 0xffff && t->eport == 0;
}

static bool any_port(const struct ike_ts *t)
{
	return t->sport == 0 && t->eport == 0xffff;
}

/* Prefix length if [start, end] is exactly one prefix, else -1. */
static int range_prefix(const struct ike_ts *t)
{
	size_t alen = ike_ts_addr_len(t), i;
	struct ike_ts p;

	for (i = 0; i <= alen * 8; i++) {
		ike_ts_from_prefix(&p, t->start, alen, (unsigned int)i);
		if (!memcmp(p.start, t->start, alen) &&
		    !memcmp(p.end, t->end, alen))
			return (int)i;
	}
	return -1;
}

int ike_ts_format(const struct ike_ts *t, char *buf, size_t len)
{
	int af = t->type == IKE_TS_IPV4_ADDR_RANGE ? AF_INET : AF_INET6;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], proto[32] = "";
	int plen = range_prefix(t);

	inet_ntop(af, t->start, a, sizeof(a));
	inet_ntop(af, t->end, b, sizeof(b));
	if (opaque(t))
		snprintf(proto, sizeof(proto), "[%u/opaque]", t->proto);
	else if (t->proto && t->sport == 0 && t->eport == 0xffff)
		snprintf(proto, sizeof(proto), "[%u]", t->proto);
	else if (t->proto && t->sport == t->eport)
		snprintf(proto, sizeof(proto), "[%u/%u]", t->proto, t->sport);
	else if (t->proto || t->sport != 0 || t->eport != 0xffff)
		snprintf(proto, sizeof(proto), "[%u/%u-%u]", t->proto,
			 t->sport, t->eport);
	if (plen >= 0)
		return snprintf(buf, len, "%s/%d%s", a, plen, proto);
	return snprintf(buf, len, "%s-%s%s", a, b, proto);
}

int ike_ts_list_format(const struct ike_ts_list *l, char *buf, size_t len)
{
	size_t off = 0;
	int i, r;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < l->n; i++) {
		if (i && off + 2 < len) {
			memcpy(buf + off, ", ", 3);
			off += 2;
		}
		r = ike_ts_format(&l->ts[i], buf + off, off < len ? len - off : 0);
		if (r < 0)
			return r;
		off += (size_t)r;
		if (off >= len)
			off = len ? len - 1 : 0;
	}
	if (!l->n)
		return snprintf(buf, len, "(none)");
	return (int)off;
}

bool ike_ts_valid(const struct ike_ts *t)
{
	if (t->type != IKE_TS_IPV4_ADDR_RANGE &&
	    t->type != IKE_TS_IPV6_ADDR_RANGE)
		return false;
	return (t->sport <= t->eport || opaque(t)) &&
	       memcmp(t->start, t->end, ike_ts_addr_len(t)) <= 0;
}

bool ike_ts_equal(const struct ike_ts *a, const struct ike_ts *b)
{
	return a->type == b->type && a->proto == b->proto &&
	       a->sport == b->sport && a->eport == b->eport &&
	       !memcmp(a->start, b->start, ike_ts_addr_len(a)) &&
	       !memcmp(a->end, b->end, ike_ts_addr_len(a));
}

bool ike_ts_list_equal(const struct ike_ts_list *a,
		       const struct ike_ts_list *b)
{
	unsigned int i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!ike_ts_equal(&a->ts[i], &b->ts[i]))
			return false;
	return true;
}

bool ike_ts_intersect(const struct ike_ts *a, const struct ike_ts *b,
		      struct ike_ts *out)
{
	size_t alen = ike_ts_addr_len(a);

	if (a->type != b->type)
		return false;
	if (a->proto && b->proto && a->proto != b->proto)
		return false;
	memset(out, 0, sizeof(*out));
	out->type = a->type;
	out->proto = a->proto ? a->proto : b->proto;
	out->sport = a->sport > b->sport ? a->sport : b->sport;
	out->eport = a->eport < b->eport ? a->eport : b->eport;
	/* OPAQUE lies within ANY only (RFC 4301 4.4.1.1). */
	if (opaque(a) || opaque(b)) {
		if (!(opaque(a) || any_port(a)) || !(opaque(b) || any_port(b)))
			return false;
		out->sport = 0xffff;
		out->eport = 0;
	}
	memcpy(out->start, memcmp(a->start, b->start, alen) > 0 ?
	       a->start : b->start, alen);
	memcpy(out->end, memcmp(a->end, b->end, alen) < 0 ? a->end : b->end,
	       alen);
	return ike_ts_valid(out);
}

void ike_ts_narrow(const struct ike_ts_list *offered,
		   const struct ike_ts_list *allowed, struct ike_ts_list *out)
{
	struct ike_ts t;
	int i, j, k;

	out->n = 0;
	for (i = 0; i < offered->n; i++) {
		for (j = 0; j < allowed->n && out->n < IKE_TS_MAX; j++) {
			if (!ike_ts_intersect(&offered->ts[i], &allowed->ts[j],
					      &t))
				continue;
			for (k = 0; k < out->n; k++)
				if (ike_ts_equal(&out->ts[k], &t))
					break;
			if (k == out->n)
				out->ts[out->n++] = t;
		}
	}
}

bool ike_ts_list_has_addr(const struct ike_ts_list *l, const uint8_t *addr,
			  size_t alen)
{
	const struct ike_ts *t;
	size_t i;

	for (i = 0; i < l->n; i++) {
		t = &l->ts[i];
		if (ike_ts_addr_len(t) == alen &&
		    memcmp(addr, t->start, alen) >= 0 &&
		    memcmp(addr, t->end, alen) <= 0)
			return true;
	}
	return false;
}

bool ike_ts_list_subset(const struct ike_ts_list *sub,
			const struct ike_ts_list *super)
{
	struct ike_ts t;
	int i, j;

	for (i = 0; i < sub->n; i++) {
		for (j = 0; j < super->n; j++)
			if (ike_ts_intersect(&sub->ts[i], &super->ts[j], &t) &&
			    ike_ts_equal(&t, &sub->ts[i]))
				break;
		if (j == super->n)
			return false;
	}
	return true;
}
