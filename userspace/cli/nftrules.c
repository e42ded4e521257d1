// SPDX-License-Identifier: GPL-2.0
/* The nftables ruleset and one packet's fate in it; see nftrules.h. */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nftrules.h"

#define CHAIN_DEPTH 16

enum match { M_NO, M_YES, M_UNK };
enum result { R_CONT, R_RETURN, R_ACCEPT, R_DROP, R_NAT };

/* What a match's left side reads from the packet. */
enum lkind { L_ABSENT, L_NUM, L_ADDR, L_IFNAME, L_WORD, L_UNKNOWN };

struct lval {
	enum lkind kind;
	uint64_t num;
	const uint8_t *addr;
	const char *str;
	/* how a name on the right reads: a protocol, port, ICMP type... */
	enum { N_NONE, N_PROTO, N_PORT, N_ICMP, N_ICMP6, N_NFPROTO } names;
};

struct eval {
	const struct nft_ruleset *rs;
	const struct nft_pkt *p;
	struct nft_verdict *v;
	struct nft_rule_ref hit;
};

struct name_num {
	const char *name;
	uint64_t num;
};

static const struct name_num protos[] = {
	{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "gre", 47 },
	{ "esp", 50 }, { "ah", 51 }, { "ipv6-icmp", 58 }, { "icmpv6", 58 },
	{ "sctp", 132 }, { "udplite", 136 }, { NULL, 0 }
};
static const struct name_num ports[] = {
	{ "isakmp", 500 }, { "ipsec-nat-t", 4500 }, { NULL, 0 }
};
static const struct name_num icmp4[] = {
	{ "echo-reply", 0 }, { "destination-unreachable", 3 },
	{ "redirect", 5 }, { "echo-request", 8 }, { "time-exceeded", 11 },
	{ "parameter-problem", 12 }, { NULL, 0 }
};
static const struct name_num icmp6[] = {
	{ "destination-unreachable", 1 }, { "packet-too-big", 2 },
	{ "time-exceeded", 3 }, { "parameter-problem", 4 },
	{ "echo-request", 128 }, { "echo-reply", 129 }, { NULL, 0 }
};
static const struct name_num nfprotos[] = {
	{ "ipv4", AF_INET }, { "ipv6", AF_INET6 }, { NULL, 0 }
};

static bool lookup(const struct name_num *t, const char *s, uint64_t *v)
{
	for (; t->name; t++)
		if (!strcmp(t->name, s)) {
			*v = t->num;
			return true;
		}
	return false;
}

int nft_ruleset_parse(struct nft_ruleset *rs, const char *text, size_t len,
		      char *err, size_t errlen)
{
	struct jsonp *root = jsonp_parse(text, len, err, errlen);

	rs->root = NULL;
	return root ? nft_ruleset_adopt(rs, root, err, errlen) : -1;
}

int nft_ruleset_adopt(struct nft_ruleset *rs, struct jsonp *root, char *err,
		      size_t errlen)
{
	const struct jsonp *list;

	rs->root = root;
	list = jsonp_get(rs->root, "nftables");
	if (!list || list->type != JSONP_ARR) {
		snprintf(err, errlen, "no \"nftables\" array");
		nft_ruleset_free(rs);
		return -1;
	}
	return 0;
}

void nft_ruleset_free(struct nft_ruleset *rs)
{
	jsonp_free(rs->root);
	rs->root = NULL;
}

static const struct jsonp *items(const struct nft_ruleset *rs)
{
	return jsonp_get(rs->root, "nftables")->child;
}

static bool family_applies(const char *fam, int af)
{
	if (!fam)
		return false;
	if (!strcmp(fam, "inet"))
		return true;
	return !strcmp(fam, af == AF_INET ? "ip" : "ip6");
}

static bool proto_has_ports(uint8_t p)
{
	return p == IPPROTO_UDP || p == IPPROTO_TCP;
}

/* The packet's value of a payload match's left side. */
static void payload_left(const struct nft_pkt *p, const struct jsonp *pl,
			 struct lval *l)
{
	const char *proto = jsonp_str(pl, "protocol");
	const char *field = jsonp_str(pl, "field");
	bool v4 = p->family == AF_INET;

	l->kind = L_UNKNOWN;
	if (!proto || !field)
		return;
	if (!strcmp(proto, "ip") || !strcmp(proto, "ip6")) {
		if (strcmp(proto, v4 ? "ip" : "ip6")) {
			l->kind = L_ABSENT;
			return;
		}
		if (!strcmp(field, "saddr") || !strcmp(field, "daddr")) {
			l->kind = L_ADDR;
			l->addr = field[0] == 's' ? p->saddr : p->daddr;
		} else if (!strcmp(field, v4 ? "protocol" : "nexthdr")) {
			l->kind = L_NUM;
			l->num = p->l4proto;
			l->names = N_PROTO;
		}
		return;
	}
	if (!strcmp(proto, "udp") || !strcmp(proto, "tcp") ||
	    !strcmp(proto, "th")) {
		bool ok = !strcmp(proto, "th") ? proto_has_ports(p->l4proto) :
			  p->l4proto == (proto[0] == 'u' ? IPPROTO_UDP :
					 IPPROTO_TCP);

		if (!ok) {
			l->kind = L_ABSENT;
			return;
		}
		if (!strcmp(field, "sport") || !strcmp(field, "dport")) {
			l->kind = L_NUM;
			l->num = field[0] == 's' ? p->sport : p->dport;
			l->names = N_PORT;
		}
		return;
	}
	if (!strcmp(proto, "icmp") || !strcmp(proto, "icmpv6")) {
		bool six = proto[4] == 'v';
		uint8_t want = six ? IPPROTO_ICMPV6 : IPPROTO_ICMP;

		if (p->l4proto != want || p->icmp_type < 0) {
			l->kind = L_ABSENT;
			return;
		}
		if (!strcmp(field, "type")) {
			l->kind = L_NUM;
			l->num = (uint64_t)p->icmp_type;
			l->names = six ? N_ICMP6 : N_ICMP;
		}
		return;
	}
	/* Any other header (ah, esp, sctp...): absent unless it is ours. */
	if (lookup(protos, proto, &l->num) && l->num != p->l4proto)
		l->kind = L_ABSENT;
}

static void left_value(const struct nft_pkt *p, const struct jsonp *left,
		       struct lval *l)
{
	const struct jsonp *m;
	const char *key;

	memset(l, 0, sizeof(*l));
	l->kind = L_UNKNOWN;
	if ((m = jsonp_get(left, "payload"))) {
		payload_left(p, m, l);
		return;
	}
	if ((m = jsonp_get(left, "meta"))) {
		key = jsonp_str(m, "key");
		if (!key)
			return;
		if (!strcmp(key, "l4proto")) {
			l->kind = L_NUM;
			l->num = p->l4proto;
			l->names = N_PROTO;
		} else if (!strcmp(key, "nfproto")) {
			l->kind = L_NUM;
			l->num = (uint64_t)p->family;
			l->names = N_NFPROTO;
		} else if (!strcmp(key, "iifname") || !strcmp(key, "oifname") ||
			   !strcmp(key, "iif") || !strcmp(key, "oif")) {
			const char *dev = key[0] == 'i' ? p->iif : p->oif;

			/* no such interface at this hook: matches nothing */
			l->kind = dev ? L_IFNAME : L_ABSENT;
			l->str = dev;
		}
		return;
	}
	if ((m = jsonp_get(left, "ct"))) {
		key = jsonp_str(m, "key");
		if (key && !strcmp(key, "state") && p->ct_state) {
			l->kind = L_WORD;
			l->str = p->ct_state;
		}
	}
}

static bool parse_addr(const char *s, int family, uint8_t *out)
{
	return inet_pton(family, s, out) == 1;
}

static bool prefix_has(const uint8_t *addr, const uint8_t *net,
		       uint64_t plen)
{
	uint64_t full = plen / 8;
	unsigned int rest = plen % 8;

	if (memcmp(addr, net, full))
		return false;
	return !rest || ((addr[full] ^ net[full]) & (0xff00 >> rest)) == 0;
}

static bool name_value(const struct lval *l, const char *s, int family,
		       uint64_t *v)
{
	switch (l->names) {
	case N_PROTO:
		return lookup(protos, s, v);
	case N_PORT:
		return lookup(ports, s, v);
	case N_ICMP:
		return lookup(icmp4, s, v);
	case N_ICMP6:
		return lookup(icmp6, s, v);
	case N_NFPROTO:
		return lookup(nfprotos, s, v);
	default:
		(void)family;
		return false;
	}
}

static bool ifname_match(const char *dev, const char *pat)
{
	size_t n = strlen(pat);

	if (n && pat[n - 1] == '*')
		return !strncmp(dev, pat, n - 1);
	return !strcmp(dev, pat);
}

static enum match right_match(const struct nft_pkt *p, const struct lval *l,
			      const struct jsonp *r, int depth);

static enum match any_of(const struct nft_pkt *p, const struct lval *l,
			 const struct jsonp *list, int depth)
{
	enum match m = M_NO;
	const struct jsonp *e;

	for (e = list->child; e; e = e->next) {
		enum match one = right_match(p, l, e, depth + 1);

		if (one == M_YES)
			return M_YES;
		if (one == M_UNK)
			m = M_UNK;
	}
	return m;
}

static enum match right_match(const struct nft_pkt *p, const struct lval *l,
			      const struct jsonp *r, int depth)
{
	const struct jsonp *x;
	uint8_t a[16];
	uint64_t v, lo, hi;

	if (depth > 4 || !r)
		return M_UNK;
	if (r->type == JSONP_ARR)
		return any_of(p, l, r, depth);
	if ((x = jsonp_get(r, "set")))
		return x->type == JSONP_ARR ? any_of(p, l, x, depth) :
		       right_match(p, l, x, depth + 1);
	if ((x = jsonp_get(r, "range"))) {
		if (l->kind != L_NUM || x->type != JSONP_ARR || !x->child ||
		    !x->child->next || !jsonp_uint(x->child, &lo) ||
		    !jsonp_uint(x->child->next, &hi))
			return M_UNK;
		return l->num >= lo && l->num <= hi ? M_YES : M_NO;
	}
	if ((x = jsonp_get(r, "prefix"))) {
		const char *s = jsonp_str(x, "addr");

		if (l->kind != L_ADDR || !s ||
		    !jsonp_uint(jsonp_get(x, "len"), &v) ||
		    v > (p->family == AF_INET ? 32u : 128u) ||
		    !parse_addr(s, p->family, a))
			return M_UNK;
		return prefix_has(l->addr, a, v) ? M_YES : M_NO;
	}
	switch (l->kind) {
	case L_NUM:
		if (jsonp_uint(r, &v) ||
		    (r->type == JSONP_STR && name_value(l, r->str, p->family, &v)))
			return v == l->num ? M_YES : M_NO;
		return M_UNK;
	case L_ADDR:
		if (r->type != JSONP_STR || !parse_addr(r->str, p->family, a))
			return M_UNK;
		return !memcmp(a, l->addr, p->family == AF_INET ? 4 : 16) ?
		       M_YES : M_NO;
	case L_IFNAME:
		if (r->type != JSONP_STR)
			return M_UNK;
		return ifname_match(l->str, r->str) ? M_YES : M_NO;
	case L_WORD:
		if (r->type != JSONP_STR)
			return M_UNK;
		return !strcmp(l->str, r->str) ? M_YES : M_NO;
	default:
		return M_UNK;
	}
}

static enum match eval_match(const struct nft_pkt *p, const struct jsonp *m)
{
	const char *op = jsonp_str(m, "op");
	struct lval l;
	enum match r;

	left_value(p, jsonp_get(m, "left"), &l);
	/* A header the packet lacks fails either way, as nft's dependency. */
	if (l.kind == L_ABSENT)
		return M_NO;
	if (l.kind == L_UNKNOWN || !op)
		return M_UNK;
	r = right_match(p, &l, jsonp_get(m, "right"), 0);
	if (!strcmp(op, "==") || !strcmp(op, "in"))
		return r;
	if (!strcmp(op, "!="))
		return r == M_UNK ? M_UNK : r == M_YES ? M_NO : M_YES;
	return M_UNK;
}

static void ref_of(const struct jsonp *rule, const char *action,
		   struct nft_rule_ref *ref)
{
	const char *s;
	uint64_t h = 0;

	memset(ref, 0, sizeof(*ref));
	snprintf(ref->family, sizeof(ref->family), "%s",
		 (s = jsonp_str(rule, "family")) ? s : "?");
	snprintf(ref->table, sizeof(ref->table), "%s",
		 (s = jsonp_str(rule, "table")) ? s : "?");
	snprintf(ref->chain, sizeof(ref->chain), "%s",
		 (s = jsonp_str(rule, "chain")) ? s : "?");
	if ((s = jsonp_str(rule, "comment")))
		snprintf(ref->comment, sizeof(ref->comment), "%s", s);
	jsonp_uint(jsonp_get(rule, "handle"), &h);
	ref->handle = h;
	snprintf(ref->action, sizeof(ref->action), "%s", action);
}

static enum result eval_chain(struct eval *e, const char *family,
			      const char *table, const char *chain, int depth);

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* One rule: R_CONT when it does not decide the packet. */
static enum result eval_rule(struct eval *e, const struct jsonp *rule,
			     int depth)
{
	static const char *const quiet[] = { "counter", "log", "limit",
		"quota", "notrack", "comment", NULL };
	const struct jsonp *x = jsonp_get(rule, "expr"), *s;
	bool unknown = false;
	size_t k;

	if (!x || x->type != JSONP_ARR)
		return R_CONT;
	for (s = x->child; s; s = s->next) {
		const struct jsonp *st = s->child;	/* {"name": value} */
		const char *name = st ? st->key : NULL;
		enum result r = R_CONT;
		const char *action = NULL;

		if (!name)
			continue;
		if (!strcmp(name, "match")) {
			enum match m = eval_match(e->p, st);

			if (m == M_NO)
				return R_CONT;
			if (m == M_UNK)
				unknown = true;
			continue;
		}
		for (k = 0; quiet[k] && strcmp(quiet[k], name); k++)
			;
		if (quiet[k])
			continue;
		if (!strcmp(name, "accept")) {
			r = R_ACCEPT;
		} else if (!strcmp(name, "drop") || !strcmp(name, "reject")) {
			r = R_DROP;
			action = name;
		} else if (!strcmp(name, "masquerade") || !strcmp(name, "snat")) {
			r = R_NAT;
			action = name;
		} else if (!strcmp(name, "return")) {
			r = R_RETURN;
		} else if (!strcmp(name, "jump") || !strcmp(name, "goto")) {
			const char *target = jsonp_str(st, "target");

			if (unknown)
				goto undecided;
			r = target && depth < CHAIN_DEPTH ?
			    eval_chain(e, jsonp_str(rule, "family"),
				       jsonp_str(rule, "table"), target,
				       depth + 1) : R_CONT;
			if (r == R_CONT || r == R_RETURN) {
				if (name[0] == 'g')
					return R_RETURN;
				continue;
			}
			return r;
		} else {
			/* A statement sgwctl does not know (xt, queue...). */
			unknown = true;
			continue;
		}
		if (unknown)
			goto undecided;
		if (action)
			ref_of(rule, action, &e->hit);
		return r;
	}
	if (!unknown)
		return R_CONT;
undecided:
	if (!e->v->undecided) {
		e->v->undecided = true;
		ref_of(rule, "", &e->v->maybe);
	}
	return R_CONT;
}

static enum result eval_chain(struct eval *e, const char *family,
			      const char *table, const char *chain, int depth)
{
	const struct jsonp *it;
	enum result r;

	for (it = items(e->rs); it; it = it->next) {
		const struct jsonp *rule = jsonp_get(it, "rule");

		if (!rule || !same(jsonp_str(rule, "family"), family) ||
		    !same(jsonp_str(rule, "table"), table) ||
		    !same(jsonp_str(rule, "chain"), chain))
			continue;
		r = eval_rule(e, rule, depth);
		if (r != R_CONT)
			return r;
	}
	return R_CONT;
}

static const char *const hook_names[] = {
	[NFT_HOOK_INPUT] = "input",
	[NFT_HOOK_OUTPUT] = "output",
	[NFT_HOOK_FORWARD] = "forward",
	[NFT_HOOK_POSTROUTING] = "postrouting",
};

static double chain_prio(const struct jsonp *c)
{
	const struct jsonp *p = jsonp_get(c, "prio");

	return p && p->type == JSONP_NUM ? p->num : 0;
}

void nft_evaluate(const struct nft_ruleset *rs, enum nft_hook hook,
		  const struct nft_pkt *p, struct nft_verdict *v)
{
	const char *want = hook == NFT_HOOK_POSTROUTING ? "nat" : "filter";
	struct eval e = { .rs = rs, .p = p, .v = v };
	const struct jsonp *base[64], *it, *c;
	size_t n = 0, i, k;

	memset(v, 0, sizeof(*v));
	v->kind = NFT_ACCEPT;
	if (!rs->root)
		return;
	/* Base chains of the hook, in priority order (ties: as listed). */
	for (it = items(rs); it && n < sizeof(base) / sizeof(base[0]);
	     it = it->next) {
		c = jsonp_get(it, "chain");
		if (!c || !same(jsonp_str(c, "hook"), hook_names[hook]) ||
		    !same(jsonp_str(c, "type"), want) ||
		    !family_applies(jsonp_str(c, "family"), p->family))
			continue;
		for (k = n; k > 0 && chain_prio(base[k - 1]) > chain_prio(c); k--)
			base[k] = base[k - 1];
		base[k] = c;
		n++;
	}
	for (i = 0; i < n; i++) {
		enum result r;

		c = base[i];
		r = eval_chain(&e, jsonp_str(c, "family"), jsonp_str(c, "table"),
			       jsonp_str(c, "name"), 0);
		if (r == R_DROP || r == R_NAT) {
			v->kind = r == R_DROP ? NFT_DROP : NFT_NAT;
			v->rule = e.hit;
			return;
		}
		if (r != R_ACCEPT && same(jsonp_str(c, "policy"), "drop")) {
			v->kind = NFT_DROP;
			ref_of(c, "policy drop", &v->rule);
			snprintf(v->rule.chain, sizeof(v->rule.chain), "%s",
				 jsonp_str(c, "name") ? jsonp_str(c, "name") : "?");
			v->rule.handle = 0;
			return;
		}
	}
}

void nft_rule_format(const struct nft_rule_ref *r, char *buf, size_t len)
{
	if (r->handle)
		snprintf(buf, len, "%s %s %s handle %llu", r->family, r->table,
			 r->chain, (unsigned long long)r->handle);
	else
		snprintf(buf, len, "%s %s %s policy", r->family, r->table,
			 r->chain);
}
