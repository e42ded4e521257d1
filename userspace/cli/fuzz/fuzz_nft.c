// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for what sgwctl check reads from "nft -j list
 * ruleset": the JSON reader, then every hook's evaluation of an IKE, an
 * ESP and an ICMP packet, IPv4 and IPv6, through whatever rules parsed.
 * Checked: a verdict is one of the three kinds, a drop or NAT names a
 * rule whose text fits, and nothing reads past the input.
 */

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nftrules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t protos[] = { IPPROTO_UDP, IPPROTO_ESP,
					  IPPROTO_ICMP, IPPROTO_ICMPV6 };
	struct nft_ruleset rs;
	struct nft_verdict v;
	struct nft_pkt p;
	char err[160], buf[256];
	size_t f, k, h;

	if (nft_ruleset_parse(&rs, (const char *)data, size, err, sizeof(err)))
		return 0;
	for (f = 0; f < 2; f++) {
		for (k = 0; k < sizeof(protos); k++) {
			for (h = 0; h <= NFT_HOOK_POSTROUTING; h++) {
				memset(&p, 0, sizeof(p));
				p.family = f ? AF_INET6 : AF_INET;
				p.saddr[0] = 192;
				p.daddr[0] = 10;
				p.l4proto = protos[k];
				p.sport = p.dport = 500;
				p.icmp_type = 3;
				p.iif = "wan0";
				p.oif = "sgw1";
				p.ct_state = "new";
				nft_evaluate(&rs, (enum nft_hook)h, &p, &v);
				if (v.kind != NFT_ACCEPT && v.kind != NFT_DROP &&
				    v.kind != NFT_NAT)
					abort();
				nft_rule_format(&v.rule, buf, sizeof(buf));
				if (strlen(buf) >= sizeof(buf))
					abort();
			}
		}
	}
	nft_ruleset_free(&rs);
	return 0;
}
