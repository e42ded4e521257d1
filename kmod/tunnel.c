// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnel state shared by the send and receive paths: the security gateway
 * addresses and selectors, the table that finds a tunnel by its gateways,
 * and per-reason drop counters, kept per CPU so that counting never
 * contends.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/netlink.h>

#include "compat.h"
#include "device.h"
#include "netns.h"
#include "route.h"
#include "sa.h"
#include "receive.h"
#include "tunnel.h"

static void count(struct sgw_tunnel *tunnel, u64_stats_t *counter)
{
	struct sgw_tunnel_stats *stats = this_cpu_ptr(tunnel->stats);

	u64_stats_update_begin(&stats->syncp);
	u64_stats_inc(counter);
	u64_stats_update_end(&stats->syncp);
}

static void count_drop(struct sgw_tunnel *tunnel, enum sgw_drop reason)
{
	preempt_disable();
	count(tunnel, &this_cpu_ptr(tunnel->stats)->drops[reason]);
	preempt_enable();
}

void sgw_tunnel_event(struct sgw_tunnel *tunnel, enum sgw_tunnel_event event)
{
	preempt_disable();
	count(tunnel, &this_cpu_ptr(tunnel->stats)->events[event]);
	preempt_enable();
}

void sgw_tunnel_tx_drop(struct sgw_tunnel *tunnel, enum sgw_drop reason,
			struct sk_buff *skb)
{
	count_drop(tunnel, reason);
	DEV_STATS_INC(tunnel->dev, tx_dropped);
	kfree_skb(skb);
}

void sgw_tunnel_rx_drop(struct sgw_tunnel *tunnel, enum sgw_drop reason,
			struct sk_buff *skb)
{
	count_drop(tunnel, reason);
	DEV_STATS_INC(tunnel->dev, rx_dropped);
	kfree_skb(skb);
}

void sgw_tunnel_stats_read(const struct sgw_tunnel *tunnel,
			   u64 drops[__SGW_DROP_MAX], u64 events[__SGW_EV_MAX])
{
	unsigned int cpu, start, i;

	memset(drops, 0, sizeof(u64) * __SGW_DROP_MAX);
	memset(events, 0, sizeof(u64) * __SGW_EV_MAX);
	for_each_possible_cpu(cpu) {
		const struct sgw_tunnel_stats *stats = per_cpu_ptr(tunnel->stats, cpu);
		struct sgw_tunnel_stats snap;

		do {
			start = u64_stats_fetch_begin(&stats->syncp);
			memcpy(snap.drops, stats->drops, sizeof(snap.drops));
			memcpy(snap.events, stats->events, sizeof(snap.events));
		} while (u64_stats_fetch_retry(&stats->syncp, start));
		for (i = 0; i < __SGW_DROP_MAX; i++)
			drops[i] += u64_stats_read(&snap.drops[i]);
		for (i = 0; i < __SGW_EV_MAX; i++)
			events[i] += u64_stats_read(&snap.events[i]);
	}
}

static const struct rhashtable_params by_remote_params = {
	.key_len = sizeof(struct sgw_addr),
	.key_offset = offsetof(struct sgw_tunnel, remote_key),
	.head_offset = offsetof(struct sgw_tunnel, remote_node),
	.automatic_shrinking = true,
};

int sgw_remote_table_init(struct sgw_net *sn)
{
	return rhltable_init(&sn->by_remote, &by_remote_params);
}

void sgw_remote_table_uninit(struct sgw_net *sn)
{
	rhltable_destroy(&sn->by_remote);
}

int sgw_tunnel_init(struct sgw_tunnel *tunnel)
{
	struct sgw_tunnel_cfg *cfg;
	int ret;

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	ret = dst_cache_init(&tunnel->dst_cache, GFP_KERNEL);
	if (ret)
		goto err_cfg;
	ret = dst_cache_init(&tunnel->exempt_cache, GFP_KERNEL);
	if (ret)
		goto err_dst;
	sgw_rx_init(tunnel);
	tunnel->enabled = true;
	/* Never DF outside: a narrow path that drops ICMP fragments instead. */
	tunnel->outer_df = SGW_OUTER_DF_CLEAR;
	sgw_hold_init(tunnel);
	sgw_ratelimit_init(&tunnel->unknown_spi_rs);
	sgw_ratelimit_init(&tunnel->mapping_rs);
	sgw_ratelimit_init(&tunnel->tr_log_rs);
	RCU_INIT_POINTER(tunnel->cfg, cfg);
	return 0;

err_dst:
	dst_cache_destroy(&tunnel->dst_cache);
err_cfg:
	kfree(cfg);
	return ret;
}

/* Under RTNL, when the device is unregistered. */
void sgw_tunnel_uninit(struct sgw_tunnel *tunnel)
{
	struct sgw_net *sn = sgw_net(dev_net(tunnel->dev));

	sgw_sa_flush(tunnel);
	sgw_hold_uninit(tunnel);
	if (tunnel->remote_key.family)
		rhltable_remove(&sn->by_remote, &tunnel->remote_node,
				by_remote_params);
	kfree_rcu(rtnl_dereference(tunnel->cfg), rcu);
	RCU_INIT_POINTER(tunnel->cfg, NULL);
}

/*
 * From the device's destructor: readers that found the tunnel before
 * sgw_tunnel_uninit() (a packet in softirq, a dump) may still use the
 * route cache and the receive queue until the grace period that precedes
 * it.
 */
void sgw_tunnel_free(struct sgw_tunnel *tunnel)
{
	sgw_rx_uninit(tunnel);
	dst_cache_destroy(&tunnel->dst_cache);
	dst_cache_destroy(&tunnel->exempt_cache);
}

/*
 * Replace the tunnel's addresses and selectors with @cfg (consumed). SAs
 * are bound to the address pair: a new pair removes them.
 */
int sgw_tunnel_set_cfg(struct sgw_tunnel *tunnel, struct sgw_tunnel_cfg *cfg,
		       bool keep_sas, struct netlink_ext_ack *extack)
{
	struct sgw_net *sn = sgw_net(dev_net(tunnel->dev));
	struct sgw_tunnel_cfg *old = sgw_tunnel_cfg_rtnl(tunnel);
	bool moved;
	int ret;

	ASSERT_RTNL();
	if (cfg->local.family && cfg->remote.family &&
	    cfg->local.family != cfg->remote.family) {
		NL_SET_ERR_MSG(extack,
			       "local and remote SGW addresses must be of one family");
		kfree(cfg);
		return -EAFNOSUPPORT;
	}
	moved = !sgw_addr_equal(&old->local, &cfg->local) ||
		!sgw_addr_equal(&old->remote, &cfg->remote);
	/*
	 * A NAT moved the peer: its SAs go on from the new address. Inbound
	 * SAs are found by the local address, which must stay.
	 */
	if (keep_sas && moved && old->local.family && old->remote.family) {
		if (!sgw_addr_equal(&old->local, &cfg->local) ||
		    old->remote.family != cfg->remote.family) {
			NL_SET_ERR_MSG(extack,
				       "keeping the SAs allows a new remote address of the same family only");
			kfree(cfg);
			return -EINVAL;
		}
		moved = false;
		dst_cache_reset(&tunnel->dst_cache);
		dst_cache_reset(&tunnel->exempt_cache);
		WRITE_ONCE(tunnel->learned_pmtu, 0);
	}
	if (!sgw_addr_equal(&tunnel->remote_key, &cfg->remote)) {
		if (tunnel->remote_key.family)
			rhltable_remove(&sn->by_remote, &tunnel->remote_node,
					by_remote_params);
		memset(&tunnel->remote_key, 0, sizeof(tunnel->remote_key));
		if (cfg->remote.family) {
			tunnel->remote_key = cfg->remote;
			ret = rhltable_insert(&sn->by_remote, &tunnel->remote_node,
					      by_remote_params);
			if (ret) {
				memset(&tunnel->remote_key, 0,
				       sizeof(tunnel->remote_key));
				kfree(cfg);
				return ret;
			}
		}
	}
	if (moved) {
		sgw_sa_flush(tunnel);
		dst_cache_reset(&tunnel->dst_cache);
		dst_cache_reset(&tunnel->exempt_cache);
	}
	rcu_assign_pointer(tunnel->cfg, cfg);
	kfree_rcu(old, rcu);
	return 0;
}

static bool prefixes_overlap(const struct sgw_prefix *a,
			     const struct sgw_prefix *b)
{
	u8 len = min(a->len, b->len);

	if (a->addr.family != b->addr.family)
		return false;
	if (a->addr.family == AF_INET)
		return !((a->addr.v4 ^ b->addr.v4) & inet_make_mask(len));
	return ipv6_prefix_equal(&a->addr.v6, &b->addr.v6, len);
}

/* An empty list means any address, which overlaps everything. */
static bool ts_overlap(const struct sgw_prefix *a, unsigned int na,
		       const struct sgw_prefix *b, unsigned int nb)
{
	unsigned int i, k;

	if (!na || !nb)
		return true;
	for (i = 0; i < na; i++)
		for (k = 0; k < nb; k++)
			if (prefixes_overlap(&a[i], &b[k]))
				return true;
	return false;
}

/*
 * An enabled tunnel must not compete with another for the same
 * traffic. Two enabled tunnels with the same gateways need disjoint local
 * or remote selectors.
 */
int sgw_tunnel_check_conflict(struct sgw_tunnel *tunnel,
			      const struct sgw_tunnel_cfg *cfg,
			      struct netlink_ext_ack *extack)
{
	struct sgw_net *sn = sgw_net(dev_net(tunnel->dev));
	struct rhlist_head *list, *pos;
	struct sgw_tunnel *other;
	int ret = 0;

	ASSERT_RTNL();
	if (!cfg->local.family || !cfg->remote.family)
		return 0;
	rcu_read_lock();
	list = rhltable_lookup(&sn->by_remote, &cfg->remote, by_remote_params);
	rhl_for_each_entry_rcu(other, pos, list, remote_node) {
		const struct sgw_tunnel_cfg *oc = rtnl_dereference(other->cfg);

		if (other == tunnel || !other->enabled ||
		    !sgw_addr_equal(&oc->local, &cfg->local))
			continue;
		if (ts_overlap(cfg->local_ts, cfg->n_local_ts, oc->local_ts,
			       oc->n_local_ts) &&
		    ts_overlap(cfg->remote_ts, cfg->n_remote_ts, oc->remote_ts,
			       oc->n_remote_ts)) {
			NL_SET_ERR_MSG_FMT(extack,
					   "overlaps enabled tunnel %u (%s): same gateways and selectors",
					   other->id, other->dev->name);
			ret = -EBUSY;
			break;
		}
	}
	rcu_read_unlock();
	return ret;
}

/*
 * A disabled tunnel is inert: no SAs, no traffic either way. Its link is
 * reported dormant rather than without carrier: carrier loss would make
 * the stack drop packets silently in the qdisc (uncounted), and with
 * ignore_routes_with_linkdown it would even let traffic fall back to a
 * route in clear. Dormant keeps the routes, so traffic meant for the
 * tunnel reaches it and is dropped and counted as "disabled".
 */
int sgw_tunnel_set_enabled(struct sgw_tunnel *tunnel, bool enabled,
			   struct netlink_ext_ack *extack)
{
	int ret;

	ASSERT_RTNL();
	if (tunnel->enabled == enabled)
		return 0;
	if (enabled) {
		ret = sgw_tunnel_check_conflict(tunnel, sgw_tunnel_cfg_rtnl(tunnel),
						extack);
		if (ret)
			return ret;
		WRITE_ONCE(tunnel->enabled, true);
		netif_dormant_off(tunnel->dev);
	} else {
		WRITE_ONCE(tunnel->enabled, false);
		netif_dormant_on(tunnel->dev);
		sgw_sa_flush(tunnel);
		sgw_hold_flush(tunnel, SGW_DROP_DISABLED);
	}
	return 0;
}

/*
 * The device MTU: the configured tunnel MTU, or in auto mode the path MTU
 * toward the remote SGW but no less than the largest MTU a packet can
 * arrive with, so that every packet the tunnel cannot carry whole reaches
 * sgw, which answers it with the exact tunnel MTU of its SA (and counts
 * it) instead of the stack answering with a guess.
 */
void sgw_tunnel_update_dev_mtu(struct sgw_tunnel *tunnel)
{
	struct net_device *dev = tunnel->dev;
	struct sgw_tunnel_cfg *cfg;
	struct dst_entry *dst;
	unsigned int target;

	ASSERT_RTNL();
	target = tunnel->mtu;
	cfg = sgw_tunnel_cfg_rtnl(tunnel);
	if (!target && cfg && cfg->remote.family) {
		rcu_read_lock();
		dst = sgw_route_underlay(dev_net(dev), &cfg->remote, &cfg->local);
		rcu_read_unlock();
		if (IS_ERR(dst))
			return;
		target = max(dst_mtu(dst), sgw_device_feed_mtu(dev_net(dev)));
		tunnel->underlay_ifindex = dst->dev->ifindex;
		dst_release(dst);
	}
	if (!target)
		return;
	target = clamp(target, dev->min_mtu, dev->max_mtu);
	if (target == dev->mtu)
		return;
	tunnel->setting_mtu = true;
	dev_set_mtu(dev, target);
	tunnel->setting_mtu = false;
}

/* Under RCU or RTNL: is @addr the remote SGW of any tunnel here? */
bool sgw_is_remote_sgw(struct sgw_net *sn, const struct sgw_addr *addr)
{
	bool found;

	rcu_read_lock();
	found = rhltable_lookup(&sn->by_remote, addr, by_remote_params);
	rcu_read_unlock();
	return found;
}

/* Under RCU: a tunnel whose remote SGW is @remote, if any. */
struct sgw_tunnel *sgw_tunnel_by_remote(struct sgw_net *sn,
					const struct sgw_addr *remote)
{
	struct rhlist_head *list, *pos;
	struct sgw_tunnel *tunnel;

	list = rhltable_lookup(&sn->by_remote, remote, by_remote_params);
	rhl_for_each_entry_rcu(tunnel, pos, list, remote_node)
		return tunnel;
	return NULL;
}

/* Under RCU: the tunnel between @local and @remote, if any. */
struct sgw_tunnel *sgw_tunnel_by_pair(struct sgw_net *sn,
				      const struct sgw_addr *local,
				      const struct sgw_addr *remote)
{
	struct rhlist_head *list, *pos;
	struct sgw_tunnel *tunnel;

	list = rhltable_lookup(&sn->by_remote, remote, by_remote_params);
	rhl_for_each_entry_rcu(tunnel, pos, list, remote_node) {
		struct sgw_tunnel_cfg *cfg = rcu_dereference(tunnel->cfg);

		if (cfg && sgw_addr_equal(&cfg->local, local))
			return tunnel;
	}
	return NULL;
}

/*
 * The enabled tunnel with protect-gateways on for this SGW pair, under
 * RCU; several tunnels may share a pair, one of them protecting it is
 * enough.
 */
struct sgw_tunnel *sgw_tunnel_protecting(struct sgw_net *sn,
					 const struct sgw_addr *local,
					 const struct sgw_addr *remote)
{
	struct rhlist_head *list, *pos;
	struct sgw_tunnel *tunnel;

	list = rhltable_lookup(&sn->by_remote, remote, by_remote_params);
	rhl_for_each_entry_rcu(tunnel, pos, list, remote_node) {
		struct sgw_tunnel_cfg *cfg = rcu_dereference(tunnel->cfg);

		if (cfg && sgw_addr_equal(&cfg->local, local) &&
		    READ_ONCE(tunnel->enabled) && READ_ONCE(tunnel->protect_gw))
			return tunnel;
	}
	return NULL;
}

/*
 * Does the selector list allow the inner packet's source (or destination)?
 * An empty list allows anything: the tunnel is then purely route-based.
 */
bool sgw_ts_allows(const struct sgw_prefix *ts, unsigned int n,
		   const struct sk_buff *skb, bool source)
{
	unsigned int i;

	if (!n)
		return true;
	if (skb->protocol == htons(ETH_P_IP)) {
		__be32 a = source ? ip_hdr(skb)->saddr : ip_hdr(skb)->daddr;

		for (i = 0; i < n; i++)
			if (sgw_prefix_match4(&ts[i], a))
				return true;
	} else {
		const struct in6_addr *a = source ? &ipv6_hdr(skb)->saddr :
						    &ipv6_hdr(skb)->daddr;

		for (i = 0; i < n; i++)
			if (sgw_prefix_match6(&ts[i], a))
				return true;
	}
	return false;
}

/* Outbound: the source in the local selectors, the destination in the remote. */
bool sgw_ts_out_allowed(const struct sgw_tunnel_cfg *cfg,
			const struct sk_buff *skb)
{
	return sgw_ts_allows(cfg->local_ts, cfg->n_local_ts, skb, true) &&
	       sgw_ts_allows(cfg->remote_ts, cfg->n_remote_ts, skb, false);
}
