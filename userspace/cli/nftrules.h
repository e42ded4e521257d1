/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live nftables ruleset ("nft -j list ruleset", which also shows
 * iptables-nft's rules) and what it does to one packet, for "sgwctl
 * check": which base chains a packet meets at a hook, which rule decides,
 * and whether NAT rewrites it. Matches sgwctl can evaluate: ip/ip6
 * saddr, daddr, protocol and nexthdr; udp/tcp/th sport and dport;
 * icmp/icmpv6 type; meta l4proto, nfproto, iifname and oifname; ct state;
 * with ==, != and in against values, sets, ranges and prefixes. A rule
 * with any other match is "undecided" and skipped, and the first such
 * rule that would have dropped is reported beside the verdict.
 */
#ifndef SGWCTL_NFTRULES_H
#define SGWCTL_NFTRULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jsonparse.h"

enum nft_hook { NFT_HOOK_INPUT, NFT_HOOK_OUTPUT, NFT_HOOK_FORWARD,
		NFT_HOOK_POSTROUTING };

/* The packet: addresses in network order (IPv4 uses 4 bytes). */
struct nft_pkt {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t saddr[16], daddr[16];
	uint8_t l4proto;	/* IPPROTO_UDP, IPPROTO_ESP, IPPROTO_ICMP... */
	uint16_t sport, dport;	/* UDP/TCP */
	int icmp_type;		/* ICMP/ICMPv6 type, -1 when none */
	const char *iif, *oif;	/* interface names, NULL: none */
	const char *ct_state;	/* "new", "established", ... */
};

enum nft_verdict_kind { NFT_ACCEPT, NFT_DROP, NFT_NAT };

/* Names a rule: "inet filter input handle 7", or a chain's policy. */
struct nft_rule_ref {
	char family[8], table[64], chain[64];
	uint64_t handle;	/* 0: the chain's policy */
	char comment[128];
	char action[16];	/* "drop", "reject", "masquerade", "snat" */
};

struct nft_verdict {
	enum nft_verdict_kind kind;
	struct nft_rule_ref rule;	/* for NFT_DROP and NFT_NAT */
	bool undecided;			/* a skipped rule might drop it */
	struct nft_rule_ref maybe;	/* that rule */
};

struct nft_ruleset {
	struct jsonp *root;
};

/* Reads nft's JSON; 0, or -1 with @err set. */
int nft_ruleset_parse(struct nft_ruleset *rs, const char *text, size_t len,
		      char *err, size_t errlen);
/* The same from a parsed tree, which @rs owns from then on (even on -1). */
int nft_ruleset_adopt(struct nft_ruleset *rs, struct jsonp *root, char *err,
		      size_t errlen);
void nft_ruleset_free(struct nft_ruleset *rs);

/*
 * What the base chains of @hook (filter chains; at POSTROUTING the nat
 * chains, where NFT_NAT means masquerade or snat) do to @p, in priority
 * order: the first drop or reject ends it.
 */
void nft_evaluate(const struct nft_ruleset *rs, enum nft_hook hook,
		  const struct nft_pkt *p, struct nft_verdict *v);

/* "inet filter input handle 7" or "inet filter input policy". */
void nft_rule_format(const struct nft_rule_ref *r, char *buf, size_t len);

#endif
