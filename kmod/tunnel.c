// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnel state shared by the send and receive paths: per-reason drop
 * counters, kept per CPU so that counting never contends.
 */

#include <linux/skbuff.h>

#include "tunnel.h"

static void count_drop(struct sgw_tunnel *tunnel, enum sgw_drop reason)
{
	struct sgw_drop_stats *stats = get_cpu_ptr(tunnel->drops);

	u64_stats_update_begin(&stats->syncp);
	u64_stats_inc(&stats->count[reason]);
	u64_stats_update_end(&stats->syncp);
	put_cpu_ptr(tunnel->drops);
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

void sgw_tunnel_drops_read(const struct sgw_tunnel *tunnel,
			   u64 out[__SGW_DROP_MAX])
{
	unsigned int cpu, start, i;

	memset(out, 0, sizeof(u64) * __SGW_DROP_MAX);
	for_each_possible_cpu(cpu) {
		const struct sgw_drop_stats *stats = per_cpu_ptr(tunnel->drops, cpu);
		u64 snap[__SGW_DROP_MAX];

		do {
			start = u64_stats_fetch_begin(&stats->syncp);
			for (i = 0; i < __SGW_DROP_MAX; i++)
				snap[i] = u64_stats_read(&stats->count[i]);
		} while (u64_stats_fetch_retry(&stats->syncp, start));
		for (i = 0; i < __SGW_DROP_MAX; i++)
			out[i] += snap[i];
	}
}
