/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_SA_H
#define _SGW_SA_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <crypto/aead.h>
#include <linux/sgw.h>

#include "addr.h"
#include "alg.h"
#include "replay.h"

struct sgw_tunnel;
struct sgw_net;
struct sk_buff;
struct netlink_ext_ack;

struct sgw_lifetime {
	u64 soft_bytes, hard_bytes;
	u64 soft_packets, hard_packets;
	u64 soft_seconds, hard_seconds;
};

/*
 * An SA's own selectors: one CHILD SA of several in a tunnel. An empty
 * side is the tunnel's.
 */
struct sgw_sa_ts {
	u8 n_local;
	u8 n_remote;
	struct sgw_prefix local[SGW_TS_MAX];
	struct sgw_prefix remote[SGW_TS_MAX];
};

/* What userspace asks for; the key and the selectors are only borrowed. */
struct sgw_sa_config {
	u32 spi;
	u8 dir;			/* enum sgw_dir */
	u8 mode;		/* enum sgw_mode */
	const struct sgw_alg_desc *alg;
	const u8 *key;
	unsigned int key_len;
	u32 replay_window;
	bool esn;
	u64 seq;
	struct sgw_lifetime life;
	u16 encap_sport, encap_dport;	/* ESP in UDP; 0, 0: plain ESP */
	const struct sgw_sa_ts *ts;	/* NULL: the tunnel's selectors */
};

/* Inbound SAs are found by SPI and the local address the ESP came to. */
struct sgw_sa_key {
	__be32 spi;
	struct sgw_addr daddr;
};

enum {
	SGW_SA_SOFT_EXPIRED,	/* soft event sent */
	SGW_SA_HARD_EXPIRED,	/* no longer used; removal queued */
	SGW_SA_UNLINKED,	/* removed from its tunnel and the table */
};

/*
 * The SA's packets in crypto, in the order they took their place: by
 * sequence number outbound, by arrival inbound (kmod/esp.c).
 */
struct sgw_sa_queue {
	spinlock_t lock;	/* list, len, busy and the entries' done */
	struct list_head list;
	unsigned int len;
	bool busy;		/* a CPU is completing packets from the head */
};

struct sgw_sa {
	struct rhash_head node;
	struct sgw_sa_key key;
	struct sgw_tunnel *tunnel;
	refcount_t refs;
	const struct sgw_alg_desc *alg;
	struct crypto_aead *aead;
	u8 dir;
	u8 mode;
	bool esn;
	bool force_async;		/* crypto completes from sgw's workqueue */
	bool encap;			/* ESP in UDP (RFC 3948), for good */
	u32 encap_ports;		/* sport << 16 | dport, host order */
	struct sgw_sa_ts *ts;		/* own selectors, or NULL; fixed */
	atomic64_t seq;			/* outbound: last sequence number used */
	struct sgw_sa_queue queue;
	struct sgw_lifetime life;
	atomic64_t bytes;
	atomic64_t packets;
	time64_t added;
	unsigned long flags;
	struct delayed_work lifetime_work;
	struct rcu_work free_work;
	/* Inbound only, with its bitmap after it; must stay last. */
	struct sgw_replay replay ____cacheline_aligned_in_smp;
};

/* The SA's UDP ports in network order; the pair is read at once. */
static inline void sgw_sa_ports(const struct sgw_sa *sa, __be16 *sport,
				__be16 *dport)
{
	u32 ports = READ_ONCE(sa->encap_ports);

	*sport = htons(ports >> 16);
	*dport = htons(ports & 0xffff);
}

/* The UDP header ESP in UDP adds, 0 for plain ESP. */
static inline unsigned int sgw_sa_udp_len(const struct sgw_sa *sa)
{
	return sa->encap ? 8 : 0;
}

const char *sgw_sa_crypto_name(const struct sgw_alg_desc *alg, bool esn);
int sgw_sa_aead_key(struct crypto_aead *aead, const struct sgw_alg_desc *alg,
		    const u8 *key);
struct sgw_sa *sgw_sa_find(struct sgw_tunnel *tunnel, u8 dir, u32 spi,
			   struct netlink_ext_ack *extack);
struct sgw_sa *sgw_sa_create(struct sgw_tunnel *tunnel,
			     const struct sgw_sa_config *cfg,
			     struct netlink_ext_ack *extack);
int sgw_sa_install(struct sgw_sa *sa, struct netlink_ext_ack *extack);
void sgw_sa_destroy_unused(struct sgw_sa *sa);
int sgw_sa_remove(struct sgw_tunnel *tunnel, u8 dir, u32 spi,
		  struct netlink_ext_ack *extack);
void sgw_sa_flush(struct sgw_tunnel *tunnel);

struct sgw_sa *sgw_sa_lookup_in(struct sgw_net *sn, __be32 spi,
				const struct sgw_addr *daddr);
bool sgw_sa_hold(struct sgw_sa *sa);
void sgw_sa_defer(struct work_struct *work);
struct sgw_sa *sgw_sa_get_out(struct sgw_tunnel *tunnel, u8 mode);
void sgw_inner_addrs(const struct sk_buff *skb, struct sgw_addr *src,
		     struct sgw_addr *dst);
struct sgw_sa *sgw_sa_get_out_addrs(struct sgw_tunnel *tunnel,
				    const struct sgw_addr *src,
				    const struct sgw_addr *dst);
struct sgw_sa *sgw_sa_get_out_for(struct sgw_tunnel *tunnel,
				  const struct sk_buff *skb);
bool sgw_sa_ts_in_allowed(const struct sgw_sa *sa, const struct sk_buff *skb);
void sgw_sa_put(struct sgw_sa *sa);

bool sgw_sa_next_seq(struct sgw_sa *sa, u64 *seq);
bool sgw_sa_usable(const struct sgw_sa *sa);
bool sgw_sa_account(struct sgw_sa *sa, unsigned int bytes);
u64 sgw_sa_seq(const struct sgw_sa *sa);

int sgw_sa_table_init(struct sgw_net *sn);
void sgw_sa_table_uninit(struct sgw_net *sn);
int sgw_sa_init(void);
void sgw_sa_uninit(void);

#endif /* _SGW_SA_H */
