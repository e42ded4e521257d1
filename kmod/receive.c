// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path. A netfilter hook at LOCAL_IN takes ESP whose SPI belongs
 * to one of our inbound SAs for the local address it arrived at; any other
 * ESP is left to the kernel (its own xfrm ESP may own it), except ESP
 * between a tunnel's own gateways, which is ours and counted as unknown
 * SPI. ESP in UDP (RFC 3948) is taken the same way by the same hook when
 * its SPI is of an SA with UDP ports and it came to the SA's port; the
 * rest of UDP (IKE behind its non-ESP marker, NAT keepalives) goes on to
 * the sockets untouched (Documentation/datapath.md says why). LOCAL_IN
 * runs after reassembly (IPv4) and after the filter table, so the
 * operator's INPUT rules see the ESP first. The same hook shows
 * ICMP errors to the path MTU code, without taking them.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/udp.h>
#include <net/dsfield.h>
#include <net/esp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "compat.h"
#include "esp.h"
#include "netns.h"
#include "pmtu.h"
#include "netlink.h"
#include "receive.h"
#include "replay.h"
#include "transport.h"
#include "tunnel.h"

/* Padding must be 1, 2, 3, ... (RFC 4303 section 2.4). */
static bool padding_valid(const u8 *pad, unsigned int padlen)
{
	unsigned int i;

	for (i = 0; i < padlen; i++)
		if (pad[i] != i + 1)
			return false;
	return true;
}

/*
 * The decrypted inner packet, with its header checked and any traffic flow
 * confidentiality padding after it cut off. False if it is not an IP packet
 * of the family the next header field announced.
 */
static bool inner_valid(struct sk_buff *skb, u8 nexthdr)
{
	unsigned int len = skb->len, ihl, tot;

	if (nexthdr == IPPROTO_IPIP) {
		const struct iphdr *iph = (void *)skb->data;

		if (len < sizeof(*iph) || iph->version != 4)
			return false;
		ihl = iph->ihl * 4;
		tot = ntohs(iph->tot_len);
		if (ihl < sizeof(*iph) || tot < ihl || tot > len)
			return false;
		skb->protocol = htons(ETH_P_IP);
	} else {
		const struct ipv6hdr *ip6h = (void *)skb->data;

		if (len < sizeof(*ip6h) || ip6h->version != 6)
			return false;
		tot = sizeof(*ip6h) + ntohs(ip6h->payload_len);
		if (tot > len)
			return false;
		skb->protocol = htons(ETH_P_IPV6);
	}
	if (pskb_trim(skb, tot))
		return false;
	skb_reset_network_header(skb);
	return true;
}

/* RFC 6040 decapsulation: congestion marked outside stays marked inside. */
static void decap_ecn(struct sk_buff *skb, u8 outer)
{
	if (!INET_ECN_is_ce(outer))
		return;
	if (skb->protocol == htons(ETH_P_IP))
		IP_ECN_set_ce(ip_hdr(skb));
	else
		IP6_ECN_set_ce(skb, ipv6_hdr(skb));
}

/*
 * Decrypted tunnel packets enter the stack through one NAPI instance per
 * tunnel, GRO included. It runs on one CPU at a time and takes them in
 * the order the SAs' queues delivered them: per-CPU cells would let two
 * CPUs that complete one SA's packets one after the other reorder them.
 */
#define SGW_RX_QUEUE_MAX	1000

static int rx_poll(struct napi_struct *napi, int budget)
{
	struct sgw_tunnel *tunnel = container_of(napi, struct sgw_tunnel,
						 rx_napi);
	struct sk_buff *skb;
	int done = 0;

	while (done < budget && (skb = skb_dequeue(&tunnel->rx_queue))) {
		napi_gro_receive(napi, skb);
		done++;
	}
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

void sgw_rx_init(struct sgw_tunnel *tunnel)
{
	skb_queue_head_init(&tunnel->rx_queue);
	netif_napi_add(tunnel->dev, &tunnel->rx_napi, rx_poll);
	napi_enable(&tunnel->rx_napi);
}

/* From the destructor: the device is down, nobody queues any more. */
void sgw_rx_uninit(struct sgw_tunnel *tunnel)
{
	napi_disable(&tunnel->rx_napi);
	netif_napi_del(&tunnel->rx_napi);
	skb_queue_purge(&tunnel->rx_queue);
}

static void rx_enqueue(struct sgw_tunnel *tunnel, struct sk_buff *skb)
{
	rcu_read_lock();
	if (!(tunnel->dev->flags & IFF_UP)) {
		rcu_read_unlock();
		/* As for any device that is down. */
		dev_core_stats_rx_dropped_inc(tunnel->dev);
		kfree_skb(skb);
		return;
	}
	if (skb_queue_len(&tunnel->rx_queue) >= SGW_RX_QUEUE_MAX) {
		rcu_read_unlock();
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_BACKLOG, skb);
		return;
	}
	dev_sw_netstats_rx_add(tunnel->dev, skb->len);
	skb_queue_tail(&tunnel->rx_queue, skb);
	/* Scheduled already: the poll sees it, or runs once more (MISSED). */
	napi_schedule(&tunnel->rx_napi);
	rcu_read_unlock();
}

/*
 * ESP in UDP that proved authentic and new but came from another address
 * or port than the tunnel and SA expect: a NAT between changed its
 * mapping. The SAs stay as they are; the daemon decides whether to
 * follow (RFC 7296 section 2.23), told at most once a second per tunnel.
 */
static void check_mapping(struct sgw_esp_ctx *ctx, struct sk_buff *skb)
{
	struct sgw_sa *sa = ctx->sa;
	struct sgw_tunnel *tunnel = sa->tunnel;
	const struct udphdr *uh = (void *)(skb->data + ctx->len -
					   sizeof(struct udphdr));
	const struct sgw_tunnel_cfg *cfg;
	struct sgw_addr saddr;
	__be16 sport, dport;
	bool same;

	if (skb->protocol == htons(ETH_P_IP))
		sgw_addr_set4(&saddr, ip_hdr(skb)->saddr);
	else
		sgw_addr_set6(&saddr, &ipv6_hdr(skb)->saddr);
	sgw_sa_ports(sa, &sport, &dport);
	rcu_read_lock();
	cfg = rcu_dereference(tunnel->cfg);
	same = !cfg || (sgw_addr_equal(&saddr, &cfg->remote) &&
			uh->source == sport);
	rcu_read_unlock();
	if (!same && __ratelimit(&tunnel->mapping_rs))
		sgw_genl_notify_mapping(tunnel, sa->key.spi, &saddr,
					ntohs(uh->source));
}

static void deliver(struct sgw_esp_ctx *ctx, struct sk_buff *skb)
{
	struct sgw_sa *sa = ctx->sa;
	struct sgw_tunnel *tunnel = sa->tunnel;
	const struct sgw_alg_desc *alg = sa->alg;
	const struct sgw_tunnel_cfg *cfg;
	unsigned int hdr = ctx->len + sizeof(struct ip_esp_hdr) + alg->iv_len;
	u8 *payload = skb->data + hdr, padlen, nexthdr;

	if (!sgw_replay_advance(&sa->replay, ctx->seq)) {
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_REPLAY, skb);
		return;
	}
	if (sa->encap)
		check_mapping(ctx, skb);
	padlen = payload[ctx->elen - 2];
	nexthdr = payload[ctx->elen - 1];
	if (padlen + 2 > ctx->elen ||
	    !padding_valid(payload + ctx->elen - 2 - padlen, padlen)) {
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_MALFORMED, skb);
		return;
	}
	if (nexthdr == IPPROTO_NONE) {
		/* A dummy packet (RFC 4303 section 2.6): discard silently. */
		consume_skb(skb);
		return;
	}
	if (sa->mode == SGW_MODE_TRANSPORT) {
		sgw_transport_deliver(ctx, skb, nexthdr, padlen);
		return;
	}
	if (nexthdr != IPPROTO_IPIP && nexthdr != IPPROTO_IPV6) {
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_MALFORMED, skb);
		return;
	}
	skb_pull(skb, hdr);
	if (pskb_trim(skb, ctx->elen - 2 - padlen) || !inner_valid(skb, nexthdr)) {
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_MALFORMED, skb);
		return;
	}

	rcu_read_lock();
	cfg = rcu_dereference(tunnel->cfg);
	if (!cfg ||
	    !sgw_ts_allows(cfg->remote_ts, cfg->n_remote_ts, skb, true) ||
	    !sgw_ts_allows(cfg->local_ts, cfg->n_local_ts, skb, false) ||
	    !sgw_sa_ts_in_allowed(sa, skb)) {
		rcu_read_unlock();
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_SELECTOR, skb);
		return;
	}
	rcu_read_unlock();
	if (!sgw_sa_account(sa, skb->len)) {
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_NO_SA, skb);
		return;
	}

	decap_ecn(skb, ctx->dsfield);
	rcu_read_lock();
	sgw_mss_clamp(tunnel, skb, 0);
	rcu_read_unlock();
	skb_scrub_packet(skb, false);
	skb->dev = tunnel->dev;
	skb->pkt_type = PACKET_HOST;
	skb->ip_summed = CHECKSUM_NONE;
	skb_reset_mac_header(skb);
	skb_reset_transport_header(skb);
	rx_enqueue(tunnel, skb);
}

/* In arrival order: the decrypted packet is delivered, or dropped. */
static void finish(struct sgw_esp_ctx *ctx, struct sk_buff *skb, int err)
{
	struct sgw_sa *sa = ctx->sa;
	/* Held by sgw_transport_rx_hold() for transport SAs. */
	struct net_device *in = sa->mode == SGW_MODE_TRANSPORT ? skb->dev : NULL;

	if (err == -EBADMSG)
		sgw_tunnel_rx_drop(sa->tunnel, SGW_DROP_AUTH, skb);
	else if (err)
		sgw_tunnel_rx_drop(sa->tunnel, SGW_DROP_NOMEM, skb);
	else
		deliver(ctx, skb);
	sgw_esp_ctx_free(ctx);
	sgw_sa_put(sa);
	dev_put(in);
}

/* Takes the packet and the reference on @sa; @off is the ESP header offset. */
static void receive(struct sgw_sa *sa, struct sk_buff *skb, unsigned int off)
{
	const struct sgw_alg_desc *alg = sa->alg;
	struct sgw_tunnel *tunnel = sa->tunnel;
	struct sgw_esp_ctx *ctx;
	struct ip_esp_hdr *esph;
	int elen, err;

	if (skb_linearize(skb) ||
	    (skb_cloned(skb) && pskb_expand_head(skb, 0, 0, GFP_ATOMIC))) {
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_NOMEM, skb);
		goto put;
	}
	elen = skb->len - off - sizeof(*esph) - alg->iv_len - alg->icv_len;
	if (elen < 2 || elen % alg->block) {
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_MALFORMED, skb);
		goto put;
	}
	ctx = sgw_esp_ctx_alloc(sa, GFP_ATOMIC);
	if (!ctx) {
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_NOMEM, skb);
		goto put;
	}
	esph = (struct ip_esp_hdr *)(skb->data + off);
	ctx->seq = sgw_replay_infer(&sa->replay, be32_to_cpu(esph->seq_no));
	if (!sgw_replay_check(&sa->replay, ctx->seq)) {
		sgw_esp_ctx_free(ctx);
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_REPLAY, skb);
		goto put;
	}
	if (sa->mode == SGW_MODE_TRANSPORT && !sgw_transport_rx_hold(skb)) {
		sgw_esp_ctx_free(ctx);
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_NOMEM, skb);
		goto put;
	}
	err = sgw_esp_enqueue(ctx, skb, finish, false);
	if (err) {
		sgw_esp_ctx_free(ctx);
		if (sa->mode == SGW_MODE_TRANSPORT)
			dev_put(skb->dev);
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_BACKLOG, skb);
		goto put;
	}
	ctx->len = off;
	ctx->elen = elen;
	ctx->dsfield = skb->protocol == htons(ETH_P_IP) ?
		       ipv4_get_dsfield(ip_hdr(skb)) :
		       ipv6_get_dsfield(ipv6_hdr(skb));
	sgw_esp_setup(ctx, (u8 *)(esph + 1), elen, alg->icv_len);
	/* From here on the packet ends in finish(), in arrival order. */
	sgw_esp_submit(ctx, false);
	return;
put:
	sgw_sa_put(sa);
}

/*
 * The peer sends on an SA we do not have (we restarted, or lost a DELETE):
 * tell the daemon, at most once a second per tunnel, so it renegotiates.
 */
static void unknown_spi(struct sgw_tunnel *tunnel, __be32 spi)
{
	if (__ratelimit(&tunnel->unknown_spi_rs))
		sgw_genl_notify_unknown_spi(tunnel, spi);
}

/* The NAT-T port (RFC 3948), where ESP in UDP usually arrives. */
#define SGW_NATT_PORT	4500

/* Is @port 4500 or the local port of one of @tunnel's inbound SAs? */
static bool encap_port(struct sgw_tunnel *tunnel, __be16 port)
{
	struct sgw_sa *sa;
	__be16 sport, dport;
	int i;

	if (port == htons(SGW_NATT_PORT))
		return true;
	for (i = 0; i < SGW_SA_IN_MAX; i++) {
		sa = rcu_dereference(tunnel->sa_in[i]);
		if (sa && sa->encap) {
			sgw_sa_ports(sa, &sport, &dport);
			if (dport == port)
				return true;
		}
		sa = rcu_dereference(tunnel->sa_in_tr[i]);
		if (sa && sa->encap) {
			sgw_sa_ports(sa, &sport, &dport);
			if (dport == port)
				return true;
		}
	}
	return false;
}

/*
 * The UDP checksum of a datagram that is ESP for us: IPv4 may send none
 * (RFC 3948), IPv6 must (RFC 8200). A bad one leaves the datagram to the
 * UDP layer, which counts and drops it.
 */
static bool udp_csum_ok(struct sk_buff *skb, unsigned int off,
			const struct nf_hook_state *state)
{
	const struct udphdr *uh = (void *)(skb->data + off);

	if (!uh->check)
		return state->pf == NFPROTO_IPV4;
	return !nf_checksum(skb, state->hook, off, IPPROTO_UDP, state->pf);
}

/*
 * ESP (@udp false) or ESP in UDP (@udp true: the UDP header @uoff bytes
 * in, ESP right after) that may be ours. Returns the verdict.
 */
static unsigned int take(struct sk_buff *skb, const struct nf_hook_state *state,
			 unsigned int off, const struct sgw_addr *saddr,
			 const struct sgw_addr *daddr, bool udp)
{
	struct sgw_net *sn = sgw_net(state->net);
	unsigned int uoff = off - sizeof(struct udphdr);
	struct sgw_tunnel *tunnel;
	struct ip_esp_hdr *esph;
	__be16 sport, dport;
	struct sgw_sa *sa;
	__be32 spi;

	/* skb->data is at the network header in LOCAL_IN. */
	if (!pskb_may_pull(skb, off + sizeof(*esph))) {
		/* A NAT keepalive (one byte 0xff) or IKE: for the socket. */
		if (udp)
			return NF_ACCEPT;
		tunnel = sgw_tunnel_by_pair(sn, daddr, saddr);
		if (!tunnel)
			return NF_ACCEPT;
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_MALFORMED, skb);
		return NF_STOLEN;
	}
	esph = (struct ip_esp_hdr *)(skb->data + off);
	spi = esph->spi;
	if (udp) {
		struct udphdr *uh = (struct udphdr *)(skb->data + uoff);

		/* The non-ESP marker: IKE for the daemon's socket (RFC 3948). */
		if (!spi || ntohs(uh->len) != skb->len - uoff)
			return NF_ACCEPT;
		sa = sgw_sa_lookup_in(sn, spi, daddr);
		if (sa && sa->encap) {
			sgw_sa_ports(sa, &sport, &dport);
			if (uh->dest != dport)
				return NF_ACCEPT;
		} else if (sa) {
			/* Our SPI, but this SA takes plain ESP only. */
			if (uh->dest != htons(SGW_NATT_PORT))
				return NF_ACCEPT;
		} else {
			tunnel = sgw_tunnel_by_pair(sn, daddr, saddr);
			if (!tunnel || !encap_port(tunnel, uh->dest))
				return NF_ACCEPT;
		}
		if (!udp_csum_ok(skb, uoff, state))
			return NF_ACCEPT;
	} else {
		sa = sgw_sa_lookup_in(sn, spi, daddr);
	}
	if (!sa) {
		tunnel = sgw_tunnel_by_pair(sn, daddr, saddr);
		if (!tunnel)
			return NF_ACCEPT;
		/* A disabled tunnel has no SAs: say why, not "unknown SPI". */
		if (READ_ONCE(tunnel->enabled))
			unknown_spi(tunnel, spi);
		sgw_tunnel_rx_drop(tunnel, READ_ONCE(tunnel->enabled) ?
				   SGW_DROP_UNKNOWN_SPI : SGW_DROP_DISABLED, skb);
		return NF_STOLEN;
	}
	tunnel = sa->tunnel;
	if (!READ_ONCE(tunnel->enabled)) {
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_DISABLED, skb);
		return NF_STOLEN;
	}
	/* An SA with UDP ports takes ESP in UDP only, one without plain only. */
	if (sa->encap != udp) {
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_ENCAP, skb);
		return NF_STOLEN;
	}
	if (test_bit(SGW_SA_HARD_EXPIRED, &sa->flags) || !sgw_sa_hold(sa)) {
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_NO_SA, skb);
		return NF_STOLEN;
	}
	receive(sa, skb, off);
	return NF_STOLEN;
}

static unsigned int sgw_nf_local_in(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct sgw_addr saddr, daddr;
	u8 proto;
	int off;

	if (state->pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		proto = iph->protocol;
		if (proto == IPPROTO_ICMP) {
			sgw_pmtu_icmp(state->net, skb, state->pf);
			return NF_ACCEPT;
		}
		off = iph->ihl * 4;
		sgw_addr_set4(&saddr, iph->saddr);
		sgw_addr_set4(&daddr, iph->daddr);
	} else {
		__be16 frag_off;

		proto = ipv6_hdr(skb)->nexthdr;
		if (proto == IPPROTO_ICMPV6) {
			sgw_pmtu_icmp(state->net, skb, state->pf);
			return NF_ACCEPT;
		}

		off = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &proto,
				       &frag_off);
		/*
		 * nf_defrag_ipv6 reassembled before LOCAL_IN; frag_off (with
		 * the MF bit) is non-zero only for a fragment it could not.
		 */
		if (off < 0 || frag_off)
			return NF_ACCEPT;
		sgw_addr_set6(&saddr, &ipv6_hdr(skb)->saddr);
		sgw_addr_set6(&daddr, &ipv6_hdr(skb)->daddr);
	}
	if (proto == IPPROTO_ESP)
		return take(skb, state, off, &saddr, &daddr, false);
	if (proto == IPPROTO_UDP)
		return take(skb, state, off + sizeof(struct udphdr), &saddr,
			    &daddr, true);
	return NF_ACCEPT;
}

static const struct nf_hook_ops sgw_nf_ops[] = {
	{
		.hook = sgw_nf_local_in,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_FILTER + 10,
	}, {
		.hook = sgw_nf_local_in,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_FILTER + 10,
	},
};

/*
 * IPv6 reassembles in its input path after LOCAL_IN, where ESP would go
 * to the protocol handler and never pass our hook again: fragmented ESP
 * (RFC 8200 links of 1280 bytes) is reassembled early by nf_defrag_ipv6,
 * in the namespaces that have a tunnel (each tunnel holds it, see
 * device.c), not in every one.
 */
int sgw_receive_net_init(struct net *net)
{
	return nf_register_net_hooks(net, sgw_nf_ops, ARRAY_SIZE(sgw_nf_ops));
}

void sgw_receive_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, sgw_nf_ops, ARRAY_SIZE(sgw_nf_ops));
}
