// SPDX-License-Identifier: GPL-2.0
/*
 * SGW-to-SGW protection: ESP transport mode (RFC 4303 section
 * 3.1.1) between a tunnel's two security gateway addresses.
 *
 * Outbound, a LOCAL_OUT hook, after the operator's OUTPUT rules, takes
 * locally sent packets from a protecting tunnel's local to its remote SGW
 * address, except IKE (UDP 500/4500), ESP (sgw's own tunnel traffic) and
 * IPv6 neighbour discovery, and sends them as ESP with the tunnel's
 * outbound transport SA: the ESP header goes between the IP header and
 * the payload, whose protocol moves into the trailer's next header.
 *
 * Inbound, the LOCAL_IN ESP hook finds transport SAs by SPI like tunnel
 * SAs; once decrypted, the packet gets its protocol and length back and
 * enters the stack again at PREROUTING with its input route (routed again
 * when a DNAT there changed the destination), from a per-CPU queue rather
 * than from inside the hook, as the kernel's own xfrm does, so INPUT
 * rules and conntrack see the plaintext.
 * The outbound plaintext's conntrack entry is confirmed before it becomes
 * ESP, so replies to the gateway's own connections are "established".
 */

#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/udp.h>
#include <net/esp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>

#include "compat.h"
#include "device.h"
#include "esp.h"
#include "netns.h"
#include "route.h"
#include "transport.h"
#include "tunnel.h"

/* IKE and NAT-T ports (RFC 7296 section 2, RFC 3948). */
#define IKE_PORT	500
#define IKE_NATT_PORT	4500

static bool ike_port(__be16 port)
{
	return port == htons(IKE_PORT) || port == htons(IKE_NATT_PORT);
}

/* One "no SA" line per tunnel and second: a missing SA never floods the log. */
static void log_no_sa(struct sgw_tunnel *tunnel, const struct sk_buff *skb)
{
	if (!__ratelimit(&tunnel->tr_log_rs))
		return;
	if (skb->protocol == htons(ETH_P_IP))
		pr_info("%s: tunnel %u: no SA for transport mode (%pI4 -> %pI4)\n",
			tunnel->dev->name, tunnel->id, &ip_hdr(skb)->saddr,
			&ip_hdr(skb)->daddr);
	else
		pr_info("%s: tunnel %u: no SA for transport mode (%pI6c -> %pI6c)\n",
			tunnel->dev->name, tunnel->id, &ipv6_hdr(skb)->saddr,
			&ipv6_hdr(skb)->daddr);
}

/* In sequence-number order: the encrypted packet leaves, or is dropped. */
static void finish(struct sgw_esp_ctx *ctx, struct sk_buff *skb, int err)
{
	struct sgw_sa *sa = ctx->sa;
	struct sgw_tunnel *tunnel = sa->tunnel;

	sgw_esp_ctx_free(ctx);
	if (err) {
		sgw_tunnel_tx_drop(tunnel, SGW_DROP_NOMEM, skb);
	} else if (skb->protocol == htons(ETH_P_IP)) {
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		ip_local_out(dev_net(tunnel->dev), skb->sk, skb);
	} else {
		if (sa->encap)
			sgw_esp_udp6_csum(skb, skb_transport_offset(skb));
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
		ip6_local_out(dev_net(tunnel->dev), skb->sk, skb);
	}
	sgw_sa_put(sa);
}

/*
 * Make the packet transport-mode ESP: framed after its IP header of @hlen
 * bytes, which then announces ESP. Returns where the IV starts, *@plen
 * the bytes to encrypt after it.
 */
static u8 *encapsulate(struct sk_buff *skb, struct sgw_sa *sa, u64 seq,
		       unsigned int hlen, unsigned int *plen)
{
	unsigned int mtu;
	u8 proto, *iv;

	proto = skb->protocol == htons(ETH_P_IP) ? ip_hdr(skb)->protocol :
						   ipv6_hdr(skb)->nexthdr;
	iv = sgw_esp_frame(skb, sa, seq, hlen, 0, proto, plen);
	if (!iv)
		return NULL;
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, hlen);

	/* ESP bigger than the path leaves fragmented rather than not at all. */
	mtu = dst_mtu(skb_dst(skb));
	if (skb->protocol == htons(ETH_P_IP)) {
		struct iphdr *iph = ip_hdr(skb);

		iph->protocol = sa->encap ? IPPROTO_UDP : IPPROTO_ESP;
		iph->tot_len = htons(skb->len);
		if (skb->len > mtu) {
			iph->frag_off &= ~htons(IP_DF);
			skb->ignore_df = 1;
		}
		ip_send_check(iph);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6h->nexthdr = sa->encap ? IPPROTO_UDP : IPPROTO_ESP;
		ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
		if (skb->len > mtu)
			skb->ignore_df = 1;
	}
	return iv;
}

/* Encrypt one whole packet (not GSO, checksum done) and send it. */
static void protect_one(struct sgw_tunnel *tunnel, struct sk_buff *skb,
			unsigned int hlen)
{
	const struct sgw_tunnel_cfg *cfg = rcu_dereference(tunnel->cfg);
	struct sgw_esp_ctx *ctx;
	struct dst_entry *dst;
	unsigned int plen;
	struct sgw_sa *sa;
	u8 *data;
	int err;

	/* Referenced before a sequence number is spent: a rekey loses nothing. */
	sa = sgw_sa_get_out(tunnel, SGW_MODE_TRANSPORT);
	if (!sa || !cfg) {
		if (sa)
			sgw_sa_put(sa);
		log_no_sa(tunnel, skb);
		sgw_tunnel_tx_drop(tunnel, SGW_DROP_NO_TRANSPORT_SA, skb);
		return;
	}
	/* Our own route: the stack's may lead into a tunnel (full-tunnel). */
	dst = sgw_route_to_peer(tunnel, cfg);
	if (IS_ERR(dst)) {
		sgw_sa_put(sa);
		sgw_tunnel_tx_drop(tunnel, SGW_DROP_NO_ROUTE, skb);
		return;
	}
	if (sgw_is_sgw_device(dst->dev)) {
		dst_release(dst);
		sgw_sa_put(sa);
		sgw_tunnel_tx_drop(tunnel, SGW_DROP_LOOP, skb);
		return;
	}
	ctx = sgw_esp_ctx_alloc(sa, GFP_ATOMIC);
	if (!ctx) {
		dst_release(dst);
		sgw_sa_put(sa);
		sgw_tunnel_tx_drop(tunnel, SGW_DROP_NOMEM, skb);
		return;
	}
	err = sgw_sa_account(sa, skb->len) ?
	      sgw_esp_enqueue(ctx, skb, finish, true) : -EOVERFLOW;
	if (err) {
		sgw_esp_ctx_free(ctx);
		dst_release(dst);
		sgw_sa_put(sa);
		if (err == -ENOBUFS) {
			sgw_tunnel_tx_drop(tunnel, SGW_DROP_BACKLOG, skb);
			return;
		}
		log_no_sa(tunnel, skb);
		sgw_tunnel_tx_drop(tunnel, SGW_DROP_NO_TRANSPORT_SA, skb);
		return;
	}
	/* From here on the packet ends in finish(), in sequence order. */
	/* The plaintext's conntrack entry is not the ESP packet's. */
	nf_reset_ct(skb);
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);
	data = encapsulate(skb, sa, ctx->seq, hlen, &plen);
	if (!data) {
		sgw_esp_done(ctx, -ENOMEM);
		return;
	}
	sgw_esp_setup(ctx, data, plen, 0);
	sgw_esp_submit(ctx, true);
}

/* GSO packets are cut into segments first, each with its checksum. */
static void protect(struct sgw_tunnel *tunnel, struct sk_buff *skb,
		    unsigned int hlen)
{
	struct sk_buff *segs, *next;

	if (!skb_is_gso(skb)) {
		/* Not always an Internet checksum: SCTP offloads its CRC32c. */
		if (skb->ip_summed == CHECKSUM_PARTIAL &&
		    skb_csum_hwoffload_help(skb, 0)) {
			sgw_tunnel_tx_drop(tunnel, SGW_DROP_NOMEM, skb);
			return;
		}
		protect_one(tunnel, skb, hlen);
		return;
	}
	skb_reset_mac_header(skb);
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		sgw_tunnel_tx_drop(tunnel, SGW_DROP_NOMEM, skb);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		protect_one(tunnel, skb, hlen);
	}
}

/*
 * The addresses, the IP header length and whether the packet must stay
 * in clear whatever the tunnel says; false: not a packet we look at.
 */
static bool classify(struct sk_buff *skb, u8 pf, struct sgw_addr *saddr,
		     struct sgw_addr *daddr, unsigned int *hlen, bool *clear)
{
	const struct udphdr *uh;
	u8 proto;

	*clear = false;
	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		*hlen = iph->ihl * 4;
		proto = iph->protocol;
		sgw_addr_set4(saddr, iph->saddr);
		sgw_addr_set4(daddr, iph->daddr);
		/* A later fragment has no ports to look at. */
		if (iph->frag_off & htons(IP_OFFSET))
			proto = IPPROTO_RAW;
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		*hlen = sizeof(*ip6h);
		proto = ip6h->nexthdr;
		sgw_addr_set6(saddr, &ip6h->saddr);
		sgw_addr_set6(daddr, &ip6h->daddr);
		if (proto == IPPROTO_ICMPV6) {
			const struct icmp6hdr *ih;

			if (!pskb_network_may_pull(skb, *hlen + sizeof(*ih)))
				return false;
			ih = (void *)(skb_network_header(skb) + *hlen);
			/* Neighbour discovery is link business, never ESP. */
			*clear = ih->icmp6_type >= NDISC_ROUTER_SOLICITATION &&
				 ih->icmp6_type <= NDISC_REDIRECT;
			return true;
		}
	}
	if (proto == IPPROTO_ESP) {
		*clear = true;
	} else if (proto == IPPROTO_UDP) {
		if (!pskb_network_may_pull(skb, *hlen + sizeof(*uh)))
			return false;
		uh = (void *)(skb_network_header(skb) + *hlen);
		*clear = ike_port(uh->source) || ike_port(uh->dest);
	}
	return true;
}

/*
 * The plaintext's conntrack entry, made in LOCAL_OUT, is confirmed in
 * POSTROUTING, which the plaintext never reaches: confirm it here, so the
 * peer's answers are "established" to conntrack, as with the kernel's own
 * xfrm. Found by name: sgw needs no nf_conntrack loaded, and a packet that
 * has an entry means it is.
 */
static void confirm_ct(struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	int (*confirm)(struct sk_buff *skb);
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	if (!ct || nf_ct_is_confirmed(ct))
		return;
	confirm = symbol_get(__nf_conntrack_confirm);
	if (!confirm)
		return;
	/* A refusal (table full) leaves it unconfirmed, as before: sent anyway. */
	confirm(skb);
	symbol_put(__nf_conntrack_confirm);
#endif
}

/*
 * sgw's own ESP in UDP (to ports other than IKE's), which must leave as
 * it is. Under RCU.
 */
static bool own_esp_in_udp(struct sgw_tunnel *tunnel, struct sk_buff *skb,
			   unsigned int hlen)
{
	struct sgw_sa *sas[2];
	const struct udphdr *uh;
	__be16 sport, dport;
	int i;

	if ((skb->protocol == htons(ETH_P_IP) ? ip_hdr(skb)->protocol :
	     ipv6_hdr(skb)->nexthdr) != IPPROTO_UDP)
		return false;
	/* classify() pulled the UDP header. */
	uh = (void *)(skb_network_header(skb) + hlen);
	sas[0] = rcu_dereference(tunnel->sa_out);
	sas[1] = rcu_dereference(tunnel->sa_out_tr);
	for (i = 0; i < ARRAY_SIZE(sas); i++) {
		if (!sas[i] || !sas[i]->encap)
			continue;
		sgw_sa_ports(sas[i], &sport, &dport);
		if (uh->source == sport && uh->dest == dport)
			return true;
	}
	return false;
}

static unsigned int sgw_nf_local_out(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct sgw_addr saddr, daddr;
	struct sgw_tunnel *tunnel;
	unsigned int hlen;
	bool clear;

	if (!classify(skb, state->pf, &saddr, &daddr, &hlen, &clear) || clear)
		return NF_ACCEPT;
	tunnel = sgw_tunnel_protecting(sgw_net(state->net), &saddr, &daddr);
	if (!tunnel || own_esp_in_udp(tunnel, skb, hlen))
		return NF_ACCEPT;
	/* Extension headers would need the chain rewritten: not supported. */
	if (state->pf == NFPROTO_IPV6 && ipv6_ext_hdr(ipv6_hdr(skb)->nexthdr)) {
		sgw_tunnel_tx_drop(tunnel, SGW_DROP_MALFORMED, skb);
		return NF_STOLEN;
	}
	/* Counters and crypto expect what a device's transmit path has. */
	local_bh_disable();
	confirm_ct(skb);
	protect(tunnel, skb, hlen);
	local_bh_enable();
	return NF_STOLEN;
}

static const struct nf_hook_ops sgw_transport_ops[] = {
	{
		.hook = sgw_nf_local_out,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_LAST,
	}, {
		.hook = sgw_nf_local_out,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_LAST,
	},
};

/*
 * Inbound ESP of a transport SA keeps its input route and device while
 * the decryption may run asynchronously.
 */
bool sgw_transport_rx_hold(struct sk_buff *skb)
{
	if (!skb_dst_force(skb))
		return false;
	dev_hold(skb->dev);
	return true;
}

/*
 * After PREROUTING. A DNAT or REDIRECT there that changed the destination
 * dropped the input route: route the packet again, as the stack's own
 * input path would.
 */
static int rcv_finish(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	if (!skb_dst(skb)) {
		if (skb->protocol == htons(ETH_P_IP)) {
			const struct iphdr *iph = ip_hdr(skb);

			if (ip_route_input_noref(skb, iph->daddr, iph->saddr,
						 iph->tos, skb->dev)) {
				kfree_skb(skb);
				return NET_RX_DROP;
			}
		} else {
			const struct ipv6hdr *ip6h = ipv6_hdr(skb);
			struct flowi6 fl6 = {
				.flowi6_iif = skb->dev->ifindex,
				.daddr = ip6h->daddr,
				.saddr = ip6h->saddr,
				.flowlabel = ip6_flowinfo(ip6h),
				.flowi6_mark = skb->mark,
				.flowi6_proto = ip6h->nexthdr,
			};

			/* Never NULL: a failed lookup is an error route. */
			skb_dst_set(skb, ip6_route_input_lookup(net, skb->dev, &fl6,
								skb,
								RT6_LOOKUP_F_HAS_SADDR));
		}
	}
	return dst_input(skb);
}

/*
 * Decrypted packets enter PREROUTING from a per-CPU queue, not from
 * inside the LOCAL_IN hook that decrypted them: a reply sent from there
 * would otherwise nest another encryption and transmit in the same
 * softirq frames, as the kernel's xfrm avoids too. Each queued packet
 * holds its input device.
 */
#define SGW_RX_QUEUE_MAX	1000

struct sgw_rx_queue {
	struct sk_buff_head skbs;
	struct tasklet_struct tasklet;
};

static DEFINE_PER_CPU(struct sgw_rx_queue, sgw_rx_queue);

static void rx_queue_run(struct tasklet_struct *t)
{
	struct sgw_rx_queue *q = from_tasklet(q, t, tasklet);
	struct sk_buff_head list;
	struct net_device *dev;
	struct sk_buff *skb;

	__skb_queue_head_init(&list);
	skb_queue_splice_init(&q->skbs, &list);
	while ((skb = __skb_dequeue(&list))) {
		dev = skb->dev;
		/* As in the receive path: a route looked up may be unreferenced. */
		rcu_read_lock();
		NF_HOOK(skb->protocol == htons(ETH_P_IP) ? NFPROTO_IPV4 :
							 NFPROTO_IPV6,
			NF_INET_PRE_ROUTING, dev_net(dev), NULL, skb, dev, NULL,
			rcv_finish);
		rcu_read_unlock();
		dev_put(dev);
	}
}

/* With BH disabled (softirq or a crypto completion). */
static bool rx_queue(struct sk_buff *skb)
{
	struct sgw_rx_queue *q = this_cpu_ptr(&sgw_rx_queue);

	if (skb_queue_len(&q->skbs) >= SGW_RX_QUEUE_MAX)
		return false;
	dev_hold(skb->dev);
	__skb_queue_tail(&q->skbs, skb);
	tasklet_schedule(&q->tasklet);
	return true;
}

/* True when the outer header is exactly remote SGW -> local SGW. */
static bool from_peer(const struct sk_buff *skb, const struct sgw_tunnel_cfg *cfg)
{
	struct sgw_addr saddr, daddr;

	if (skb->protocol == htons(ETH_P_IP)) {
		sgw_addr_set4(&saddr, ip_hdr(skb)->saddr);
		sgw_addr_set4(&daddr, ip_hdr(skb)->daddr);
	} else {
		sgw_addr_set6(&saddr, &ipv6_hdr(skb)->saddr);
		sgw_addr_set6(&daddr, &ipv6_hdr(skb)->daddr);
	}
	return sgw_addr_equal(&saddr, &cfg->remote) &&
	       sgw_addr_equal(&daddr, &cfg->local);
}

/*
 * A decrypted transport-mode packet with valid padding: strip ESP header,
 * IV and trailer, restore protocol and length, and hand it to the stack.
 */
void sgw_transport_deliver(struct sgw_esp_ctx *ctx, struct sk_buff *skb,
			   u8 nexthdr, u8 padlen)
{
	struct sgw_sa *sa = ctx->sa;
	struct sgw_tunnel *tunnel = sa->tunnel;
	/* The IP header, then the UDP header of ESP in UDP, then ESP. */
	unsigned int off = ctx->len - sgw_sa_udp_len(sa);
	unsigned int esplen = sgw_sa_udp_len(sa) + sizeof(struct ip_esp_hdr) +
			      sa->alg->iv_len;
	const struct sgw_tunnel_cfg *cfg;
	bool ok;

	rcu_read_lock();
	cfg = rcu_dereference(tunnel->cfg);
	ok = cfg && from_peer(skb, cfg);
	rcu_read_unlock();
	if (!ok) {
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_SELECTOR, skb);
		return;
	}
	/* No ESP in ESP (it would recurse), no IPv6 extension headers. */
	if (nexthdr == IPPROTO_ESP ||
	    (skb->protocol == htons(ETH_P_IPV6) && off != sizeof(struct ipv6hdr)) ||
	    pskb_trim(skb, off + esplen + ctx->elen - 2 - padlen)) {
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_MALFORMED, skb);
		return;
	}
	if (!sgw_sa_account(sa, skb->len - esplen)) {
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_NO_SA, skb);
		return;
	}
	memmove(skb->data + esplen, skb->data, off);
	__skb_pull(skb, esplen);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, off);
	if (skb->protocol == htons(ETH_P_IP)) {
		struct iphdr *iph = ip_hdr(skb);

		iph->protocol = nexthdr;
		iph->tot_len = htons(skb->len);
		ip_send_check(iph);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6h->nexthdr = nexthdr;
		ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
		IP6CB(skb)->nhoff = offsetof(struct ipv6hdr, nexthdr);
	}
	/*
	 * The NIC's checksum covered the ciphertext; ESP's own is fresh.
	 * Through a NAT (ESP in UDP), the plaintext's TCP or UDP checksum
	 * covers addresses the NAT rewrote outside: the ICV vouches for
	 * the payload instead (RFC 3948 section 3.1.2, as xfrm does).
	 */
	skb->ip_summed = sa->encap ? CHECKSUM_UNNECESSARY : CHECKSUM_NONE;
	nf_reset_ct(skb);
	if (!rx_queue(skb))
		sgw_tunnel_rx_drop(tunnel, SGW_DROP_NOMEM, skb);
}

void sgw_transport_init(void)
{
	struct sgw_rx_queue *q;
	int cpu;

	for_each_possible_cpu(cpu) {
		q = per_cpu_ptr(&sgw_rx_queue, cpu);
		__skb_queue_head_init(&q->skbs);
		tasklet_setup(&q->tasklet, rx_queue_run);
	}
}

/* Once no SA is left, nothing queues any more: let the queues drain. */
void sgw_transport_uninit(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		tasklet_kill(&per_cpu_ptr(&sgw_rx_queue, cpu)->tasklet);
}

int sgw_transport_net_init(struct net *net)
{
	return nf_register_net_hooks(net, sgw_transport_ops,
				     ARRAY_SIZE(sgw_transport_ops));
}

void sgw_transport_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, sgw_transport_ops,
				ARRAY_SIZE(sgw_transport_ops));
}
