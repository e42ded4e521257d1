// SPDX-License-Identifier: GPL-2.0
/*
 * Path MTU: the tunnel MTU from the path toward the remote SGW and the
 * outbound SA's exact overhead, learning the path MTU from ICMP about our
 * own ESP packets, and TCP MSS clamping so that TCP never depends on ICMP
 * reaching the sender.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <asm/unaligned.h>
#include <net/checksum.h>
#include <net/esp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "alg.h"
#include "netlink.h"
#include "netns.h"
#include "pmtu.h"
#include "route.h"
#include "sa.h"
#include "tunnel.h"

/* How long a learned path MTU holds: the kernel's default mtu_expires. */
#define LEARNED_PMTU_TIME (600 * HZ)

unsigned int sgw_path_mtu(struct sgw_tunnel *tunnel, const struct dst_entry *dst)
{
	unsigned int mtu = dst_mtu(dst);
	u32 learned = READ_ONCE(tunnel->learned_pmtu);

	if (learned && learned < mtu &&
	    time_before(jiffies, READ_ONCE(tunnel->learned_expires)))
		mtu = learned;
	return mtu;
}

/*
 * The largest inner packet sent whole: configured, or what fits the path
 * with the outbound SA's overhead (the worst algorithm's before there is
 * one).
 */
unsigned int sgw_tunnel_mtu(struct sgw_tunnel *tunnel, const struct sgw_sa *sa,
			    unsigned int path_mtu, bool outer_ipv6)
{
	u32 mtu = READ_ONCE(tunnel->mtu);

	if (mtu)
		return mtu;
	if (!sa)
		return sgw_alg_payload_max_any(path_mtu);
	return sgw_alg_payload_max(sa->alg, path_mtu, outer_ipv6, sa->encap);
}

/*
 * Path and tunnel MTU as the next packet would see them; false when there
 * is no route to the remote SGW. Under RCU (BH or not).
 */
bool sgw_tunnel_mtus(struct sgw_tunnel *tunnel, unsigned int *path,
		     unsigned int *mtu)
{
	const struct sgw_tunnel_cfg *cfg = rcu_dereference_check(tunnel->cfg,
							rcu_read_lock_bh_held());
	struct dst_entry *dst;

	if (!cfg || !cfg->remote.family)
		return false;
	dst = sgw_route_to_peer(tunnel, cfg);
	if (IS_ERR(dst))
		return false;
	*path = sgw_path_mtu(tunnel, dst);
	*mtu = sgw_tunnel_mtu(tunnel, rcu_dereference_check(tunnel->sa_out,
							    rcu_read_lock_bh_held()),
			      *path, cfg->remote.family == AF_INET6);
	dst_release(dst);
	return true;
}

/* The MSS clamp for @tunnel_mtu, or 0 when clamping is off. */
unsigned int sgw_mss_limit(struct sgw_tunnel *tunnel, unsigned int tunnel_mtu,
			   bool ipv6)
{
	u32 mss = READ_ONCE(tunnel->mss);
	unsigned int hdr = (ipv6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr)) +
			   sizeof(struct tcphdr);

	if (mss == SGW_MSS_OFF)
		return 0;
	if (mss)
		return mss;
	return tunnel_mtu > hdr ? tunnel_mtu - hdr : 0;
}

/*
 * Lower the MSS option of a TCP SYN or SYN-ACK to what fits the tunnel,
 * in either direction; @tunnel_mtu 0 means "find it out" (receive path,
 * only paid for SYNs).
 */
void sgw_mss_clamp(struct sgw_tunnel *tunnel, struct sk_buff *skb,
		   unsigned int tunnel_mtu)
{
	bool ipv6 = skb->protocol == htons(ETH_P_IPV6);
	unsigned int thoff, optlen, i, limit;
	struct tcphdr *th;
	u8 *opt;

	if (ipv6) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		if (ip6h->nexthdr != IPPROTO_TCP)
			return;
		thoff = sizeof(*ip6h);
	} else {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_TCP || ip_is_fragment(iph))
			return;
		thoff = iph->ihl * 4;
	}
	if (!pskb_may_pull(skb, skb_network_offset(skb) + thoff + sizeof(*th)))
		return;
	th = (struct tcphdr *)(skb_network_header(skb) + thoff);
	if (!th->syn || th->doff * 4 < sizeof(*th) ||
	    !pskb_may_pull(skb, skb_network_offset(skb) + thoff + th->doff * 4))
		return;
	if (!tunnel_mtu) {
		unsigned int path;

		if (!sgw_tunnel_mtus(tunnel, &path, &tunnel_mtu))
			return;
	}
	limit = sgw_mss_limit(tunnel, tunnel_mtu, ipv6);
	if (!limit)
		return;
	if (skb_ensure_writable(skb, skb_network_offset(skb) + thoff + th->doff * 4))
		return;
	th = (struct tcphdr *)(skb_network_header(skb) + thoff);
	opt = (u8 *)(th + 1);
	optlen = th->doff * 4 - sizeof(*th);
	for (i = 0; i < optlen;) {
		if (opt[i] == TCPOPT_EOL)
			return;
		if (opt[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= optlen || opt[i + 1] < 2 || i + opt[i + 1] > optlen)
			return;
		if (opt[i] == TCPOPT_MSS && opt[i + 1] == TCPOLEN_MSS) {
			__be16 old = get_unaligned((__be16 *)&opt[i + 2]);
			__be16 new = htons(limit);

			if (ntohs(old) <= limit)
				return;
			put_unaligned(new, (__be16 *)&opt[i + 2]);
			inet_proto_csum_replace2(&th->check, skb, old, new, false);
			sgw_tunnel_event(tunnel, SGW_EV_MSS_CLAMPED);
			return;
		}
		i += opt[i + 1];
	}
}

/* Record a lower path MTU for @tunnel, reported by @from. */
static void learn(struct sgw_tunnel *tunnel, unsigned int mtu,
		  const struct sgw_addr *from)
{
	u32 old = READ_ONCE(tunnel->learned_pmtu);

	if (old && old <= mtu &&
	    time_before(jiffies, READ_ONCE(tunnel->learned_expires)))
		return;
	WRITE_ONCE(tunnel->learned_pmtu, mtu);
	WRITE_ONCE(tunnel->learned_expires, jiffies + LEARNED_PMTU_TIME);
	sgw_tunnel_event(tunnel, SGW_EV_PMTU_LOWERED);
	if (from->family == AF_INET)
		net_info_ratelimited("%s: tunnel %u: path MTU lowered to %u by ICMP from %pI4\n",
				     tunnel->dev->name, tunnel->id, mtu, &from->v4);
	else
		net_info_ratelimited("%s: tunnel %u: path MTU lowered to %u by ICMPv6 from %pI6c\n",
				     tunnel->dev->name, tunnel->id, mtu, &from->v6);
	sgw_genl_notify_tunnel(tunnel, GFP_ATOMIC);
}

/*
 * What an ICMP error quotes of the packet it is about: @proto, and at
 * @data the first @len bytes after the quoted IP header.
 */
struct sgw_quote {
	u8 proto;
	const u8 *data;
	unsigned int len;
};

/*
 * Does the quote @q start with @sa's outbound ESP? Matching the SPI keeps
 * forged errors about other traffic from shrinking the tunnel. ESP in UDP
 * must match the SA's ports too; a quote of only the 8 bytes RFC 792 asks
 * for shows no SPI, and the ports alone decide.
 */
static bool quote_is_sa(const struct sgw_sa *sa, const struct sgw_quote *q)
{
	const struct ip_esp_hdr *esph = (const void *)q->data;
	bool udp = q->proto == IPPROTO_UDP;
	unsigned int esp_off = 0;

	if (!sa || sa->encap != udp)
		return false;
	if (sa->encap) {
		const struct udphdr *uh = (const void *)q->data;
		__be16 sport, dport;

		if (q->len < sizeof(*uh))
			return false;
		sgw_sa_ports(sa, &sport, &dport);
		if (uh->source != sport || uh->dest != dport)
			return false;
		esp_off = sizeof(*uh);
		if (q->len < esp_off + sizeof(esph->spi))
			return true;
		esph = (const void *)(q->data + esp_off);
	}
	if (q->len < esp_off + sizeof(esph->spi))
		return false;
	return esph->spi == sa->key.spi;
}

/*
 * The tunnel whose outbound ESP (from @local to @remote) an ICMP error
 * quotes: that of its SA without selectors or of one of its CHILD SAs'
 * with their own.
 */
static struct sgw_tunnel *quoted_tunnel(struct net *net, const struct sgw_addr *local,
					const struct sgw_addr *remote,
					const struct sgw_quote *q)
{
	struct sgw_tunnel *tunnel = sgw_tunnel_by_pair(sgw_net(net), local, remote);
	int i;

	if (!tunnel)
		return NULL;
	if (quote_is_sa(rcu_dereference(tunnel->sa_out), q))
		return tunnel;
	for (i = 0; i < SGW_SA_OUT_TS_MAX; i++)
		if (quote_is_sa(rcu_dereference(tunnel->sa_out_ts[i]), q))
			return tunnel;
	return NULL;
}

static void icmp4_error(struct net *net, struct sk_buff *skb)
{
	const struct icmphdr *icmph;
	const struct iphdr *quoted;
	struct sgw_quote q;
	struct sgw_addr local, remote, from;
	struct sgw_tunnel *tunnel;
	unsigned int off = ip_hdrlen(skb), mtu;

	if (!pskb_may_pull(skb, off + sizeof(*icmph) + sizeof(*quoted)))
		return;
	icmph = (struct icmphdr *)(skb->data + off);
	if (icmph->type != ICMP_DEST_UNREACH || icmph->code != ICMP_FRAG_NEEDED)
		return;
	quoted = (struct iphdr *)(icmph + 1);
	off += sizeof(*icmph) + quoted->ihl * 4;
	if ((quoted->protocol != IPPROTO_ESP &&
	     quoted->protocol != IPPROTO_UDP) ||
	    !pskb_may_pull(skb, off + 8))
		return;
	/* ESP in UDP: the SPI too, where the quote has it. */
	pskb_may_pull(skb, min(skb->len, off + 12));
	icmph = (struct icmphdr *)(skb->data + ip_hdrlen(skb));
	quoted = (struct iphdr *)(icmph + 1);
	q.proto = quoted->protocol;
	q.data = skb->data + off;
	q.len = skb_headlen(skb) - off;
	sgw_addr_set4(&local, quoted->saddr);
	sgw_addr_set4(&remote, quoted->daddr);
	sgw_addr_set4(&from, ip_hdr(skb)->saddr);
	tunnel = quoted_tunnel(net, &local, &remote, &q);
	mtu = ntohs(icmph->un.frag.mtu);
	/* Below 552 is what the kernel's min_pmtu refuses too. */
	if (tunnel && mtu >= 552 && mtu < ntohs(quoted->tot_len))
		learn(tunnel, mtu, &from);
}

static void icmp6_error(struct net *net, struct sk_buff *skb)
{
	unsigned int off = sizeof(struct ipv6hdr), mtu;
	struct sgw_addr local, remote, from;
	const struct ipv6hdr *quoted;
	const struct icmp6hdr *icmp6h;
	struct sgw_tunnel *tunnel;
	struct sgw_quote q;

	if (!pskb_may_pull(skb, off + sizeof(*icmp6h) + sizeof(*quoted) + 8))
		return;
	/* ESP in UDP: the SPI too, where the quote has it. */
	pskb_may_pull(skb, min(skb->len, off + (unsigned int)sizeof(*icmp6h) +
				 (unsigned int)sizeof(*quoted) + 12));
	icmp6h = (struct icmp6hdr *)(skb->data + off);
	quoted = (struct ipv6hdr *)(icmp6h + 1);
	if (icmp6h->icmp6_type != ICMPV6_PKT_TOOBIG ||
	    (quoted->nexthdr != IPPROTO_ESP && quoted->nexthdr != IPPROTO_UDP))
		return;
	q.proto = quoted->nexthdr;
	q.data = (const u8 *)(quoted + 1);
	q.len = skb_headlen(skb) - (q.data - skb->data);
	sgw_addr_set6(&local, &quoted->saddr);
	sgw_addr_set6(&remote, &quoted->daddr);
	sgw_addr_set6(&from, &ipv6_hdr(skb)->saddr);
	tunnel = quoted_tunnel(net, &local, &remote, &q);
	mtu = ntohl(icmp6h->icmp6_mtu);
	if (tunnel && mtu >= IPV6_MIN_MTU &&
	    mtu < ntohs(quoted->payload_len) + sizeof(*quoted))
		learn(tunnel, mtu, &from);
}

/*
 * An ICMP error arriving at the gateway (from the receive hook, which
 * never takes it: the stack handles it as ever) that may quote our ESP.
 */
void sgw_pmtu_icmp(struct net *net, struct sk_buff *skb, u8 pf)
{
	if (pf == NFPROTO_IPV4)
		icmp4_error(net, skb);
	else
		icmp6_error(net, skb);
}
