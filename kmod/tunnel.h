/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_TUNNEL_H
#define _SGW_TUNNEL_H

#include <linux/netdevice.h>
#include <linux/ratelimit.h>
#include <linux/rhashtable-types.h>
#include <linux/u64_stats_sync.h>
#include <net/dst_cache.h>
#include <linux/sgw.h>

#include "addr.h"
#include "hold.h"

struct sgw_sa;
struct sgw_net;

struct sgw_tunnel_stats {
	u64_stats_t drops[__SGW_DROP_MAX];
	u64_stats_t events[__SGW_EV_MAX];
	struct u64_stats_sync syncp;
};

/*
 * The security gateways and selectors, replaced as a whole under RTNL so
 * the data path always sees one consistent version under RCU.
 */
struct sgw_tunnel_cfg {
	struct rcu_head rcu;
	struct sgw_addr local;
	struct sgw_addr remote;
	u8 n_local_ts;
	u8 n_remote_ts;
	struct sgw_prefix local_ts[SGW_TS_MAX];
	struct sgw_prefix remote_ts[SGW_TS_MAX];
};

/* One tunnel: the private area of its sgw net_device. */
struct sgw_tunnel {
	struct net_device *dev;
	u32 id;
	bool enabled;
	struct sgw_tunnel_cfg __rcu *cfg;
	struct sgw_sa __rcu *sa_out;
	/* Outbound tunnel-mode SAs with their own selectors (sa.c). */
	struct sgw_sa __rcu *sa_out_ts[SGW_SA_OUT_TS_MAX];
	struct sgw_sa __rcu *sa_in[SGW_SA_IN_MAX];
	/* SGW-to-SGW protection: transport-mode SAs, used while protect_gw. */
	bool protect_gw;
	struct sgw_sa __rcu *sa_out_tr;
	struct sgw_sa __rcu *sa_in_tr[SGW_SA_IN_MAX];
	struct ratelimit_state tr_log_rs;	/* "no SA" lines */
	/* Hashed by remote SGW while one is set (sgw_net.by_remote). */
	struct rhlist_head remote_node;
	struct sgw_addr remote_key;
	/* Decrypted packets, in their SAs' order, to one NAPI (receive.c). */
	struct sk_buff_head rx_queue;
	struct napi_struct rx_napi;
	struct dst_cache dst_cache;	/* outer route to the remote SGW */
	struct dst_cache exempt_cache;	/* same, any source: exempt traffic */
	/* Path MTU settings (RTNL writes, data path reads once). */
	u32 mtu;			/* 0: auto */
	u32 mss;			/* 0: auto, SGW_MSS_OFF, or fixed */
	u8 outer_df;			/* enum sgw_outer_df */
	u8 fragment;			/* enum sgw_fragment */
	bool setting_mtu;		/* sgw itself changes dev->mtu */
	int underlay_ifindex;		/* RTNL: auto MTU last taken from it */
	/* Path MTU learned from ICMP about our ESP, until it expires. */
	u32 learned_pmtu;
	unsigned long learned_expires;
	struct sgw_hold hold;		/* packets waiting for an outbound SA */
	struct ratelimit_state unknown_spi_rs;	/* unknown-SPI events */
	struct ratelimit_state mapping_rs;	/* NAT mapping events */
	struct sgw_tunnel_stats __percpu *stats;
};

/* Once a second, silently: what is held back is counted elsewhere. */
static inline void sgw_ratelimit_init(struct ratelimit_state *rs)
{
	ratelimit_state_init(rs, HZ, 1);
	ratelimit_set_flags(rs, RATELIMIT_MSG_ON_RELEASE);
}

static inline struct sgw_tunnel *sgw_tunnel_of(const struct net_device *dev)
{
	return netdev_priv(dev);
}

static inline struct sgw_tunnel_cfg *sgw_tunnel_cfg_rtnl(struct sgw_tunnel *t)
{
	return rtnl_dereference(t->cfg);
}

void sgw_tunnel_tx_drop(struct sgw_tunnel *tunnel, enum sgw_drop reason,
			struct sk_buff *skb);
void sgw_tunnel_rx_drop(struct sgw_tunnel *tunnel, enum sgw_drop reason,
			struct sk_buff *skb);
void sgw_tunnel_event(struct sgw_tunnel *tunnel, enum sgw_tunnel_event event);
void sgw_tunnel_stats_read(const struct sgw_tunnel *tunnel,
			   u64 drops[__SGW_DROP_MAX], u64 events[__SGW_EV_MAX]);

int sgw_tunnel_init(struct sgw_tunnel *tunnel);
void sgw_tunnel_uninit(struct sgw_tunnel *tunnel);
void sgw_tunnel_free(struct sgw_tunnel *tunnel);
int sgw_tunnel_set_cfg(struct sgw_tunnel *tunnel, struct sgw_tunnel_cfg *cfg,
		       bool keep_sas, struct netlink_ext_ack *extack);
int sgw_tunnel_set_enabled(struct sgw_tunnel *tunnel, bool enabled,
			   struct netlink_ext_ack *extack);
int sgw_tunnel_check_conflict(struct sgw_tunnel *tunnel,
			      const struct sgw_tunnel_cfg *cfg,
			      struct netlink_ext_ack *extack);
bool sgw_is_remote_sgw(struct sgw_net *sn, const struct sgw_addr *addr);
struct sgw_tunnel *sgw_tunnel_by_remote(struct sgw_net *sn,
					const struct sgw_addr *remote);
void sgw_tunnel_update_dev_mtu(struct sgw_tunnel *tunnel);
struct sgw_tunnel *sgw_tunnel_by_pair(struct sgw_net *sn,
				      const struct sgw_addr *local,
				      const struct sgw_addr *remote);
struct sgw_tunnel *sgw_tunnel_protecting(struct sgw_net *sn,
					 const struct sgw_addr *local,
					 const struct sgw_addr *remote);
bool sgw_ts_allows(const struct sgw_prefix *ts, unsigned int n,
		   const struct sk_buff *skb, bool source);
bool sgw_ts_out_allowed(const struct sgw_tunnel_cfg *cfg,
			const struct sk_buff *skb);

int sgw_remote_table_init(struct sgw_net *sn);
void sgw_remote_table_uninit(struct sgw_net *sn);

#endif /* _SGW_TUNNEL_H */
