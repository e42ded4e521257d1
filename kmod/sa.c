// SPDX-License-Identifier: GPL-2.0
/*
 * Security associations: their crypto transforms, the per-namespace table
 * that finds inbound SAs by SPI, sequence numbers and lifetimes.
 *
 * Lifetime of an SA:
 * 1. Created unattached (sgw_sa_create), holding one reference that the
 *    tunnel takes over on install.
 * 2. Installed under RTNL: published in its tunnel's slot and, inbound, in
 *    the namespace table. The data path finds it under RCU and takes a
 *    reference for the time an asynchronous crypto request is in flight.
 * 3. Unlinked under RTNL (delete, replace, flush, hard expiry, tunnel
 *    gone): removed from slot and table, the tunnel's reference dropped.
 * 4. The last reference queues the free after an RCU grace period, in
 *    process context, where the crypto transform can be released.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <crypto/authenc.h>
#include <net/netlink.h>

#include "compat.h"
#include "netlink.h"
#include "netns.h"
#include "replay.h"
#include "sa.h"
#include "tunnel.h"

static struct workqueue_struct *sgw_wq;

/*
 * Testing aid: the crypto of every SA created while this is set runs in
 * sgw's unbound workqueue, so each request completes asynchronously, on
 * any CPU, in whatever order the workers finish, possibly after the SA
 * was removed: what an asynchronous driver does, on any machine. (The
 * crypto API's own cryptd cannot wrap an AEAD on Linux 6.1: the template
 * fails its self-test.)
 */
static bool force_async;
module_param(force_async, bool, 0644);
MODULE_PARM_DESC(force_async,
		 "Complete the crypto of SAs created from now on asynchronously, from a workqueue (testing)");

static const struct rhashtable_params sa_in_params = {
	.key_len = sizeof(struct sgw_sa_key),
	.key_offset = offsetof(struct sgw_sa, key),
	.head_offset = offsetof(struct sgw_sa, node),
	.automatic_shrinking = true,
};

/* The algorithm name the crypto API knows, for this SA's ESN setting. */
const char *sgw_sa_crypto_name(const struct sgw_alg_desc *alg, bool esn)
{
	/* HMAC over ESN needs the high sequence bits appended (RFC 4303 A2). */
	if (esn && alg->crypto_esn)
		return alg->crypto_esn;
	return alg->crypto;
}

static int set_key(struct crypto_aead *aead, const struct sgw_alg_desc *alg,
		   const u8 *key)
{
	struct crypto_authenc_key_param *param;
	unsigned int len;
	struct rtattr *rta;
	u8 *buf;
	int ret;

	if (!alg->auth_key_len)
		return crypto_aead_setkey(aead, key, alg->enc_key_len + alg->salt_len);

	/* authenc wants: rtattr(enckeylen), authentication key, cipher key. */
	len = RTA_SPACE(sizeof(*param)) + alg->auth_key_len + alg->enc_key_len;
	buf = kmalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	rta = (struct rtattr *)buf;
	rta->rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
	rta->rta_len = RTA_LENGTH(sizeof(*param));
	param = RTA_DATA(rta);
	param->enckeylen = cpu_to_be32(alg->enc_key_len);
	memcpy(buf + RTA_SPACE(sizeof(*param)), key + alg->enc_key_len,
	       alg->auth_key_len);
	memcpy(buf + RTA_SPACE(sizeof(*param)) + alg->auth_key_len, key,
	       alg->enc_key_len);
	ret = crypto_aead_setkey(aead, buf, len);
	kfree_sensitive(buf);
	return ret;
}

/* Key @aead (allocated as sgw_sa_crypto_name() says) for @alg. */
int sgw_sa_aead_key(struct crypto_aead *aead, const struct sgw_alg_desc *alg,
		    const u8 *key)
{
	int ret = set_key(aead, alg, key);

	if (!ret)
		ret = crypto_aead_setauthsize(aead, alg->icv_len);
	if (!ret && crypto_aead_ivsize(aead) != alg->iv_len)
		ret = -EINVAL;
	return ret;
}

static void sa_free_work(struct work_struct *work)
{
	struct sgw_sa *sa = container_of(to_rcu_work(work), struct sgw_sa,
					 free_work);

	crypto_free_aead(sa->aead);
	dev_put(sa->tunnel->dev);
	kfree(sa->ts);
	kfree_sensitive(sa);
}

/* Run @work in sgw's workqueue, which module unload drains. */
void sgw_sa_defer(struct work_struct *work)
{
	queue_work(sgw_wq, work);
}

bool sgw_sa_hold(struct sgw_sa *sa)
{
	return refcount_inc_not_zero(&sa->refs);
}

void sgw_sa_put(struct sgw_sa *sa)
{
	if (refcount_dec_and_test(&sa->refs))
		queue_rcu_work(sgw_wq, &sa->free_work);
}

static void sa_lifetime_work(struct work_struct *work);

/* Is prefix @p inside @q (same family, no shorter, same leading bits)? */
static bool prefix_within(const struct sgw_prefix *p, const struct sgw_prefix *q)
{
	if (p->addr.family != q->addr.family || p->len < q->len)
		return false;
	if (p->addr.family == AF_INET)
		return sgw_prefix_match4(q, p->addr.v4);
	return sgw_prefix_match6(q, &p->addr.v6);
}

/* Each of the SA's prefixes inside one of the tunnel's, on its side. */
static bool ts_within(const struct sgw_prefix *p, unsigned int np,
		      const struct sgw_prefix *q, unsigned int nq)
{
	unsigned int i, j;

	if (!nq)
		return true;
	for (i = 0; i < np; i++) {
		for (j = 0; j < nq; j++)
			if (prefix_within(&p[i], &q[j]))
				break;
		if (j == nq)
			return false;
	}
	return true;
}

static int check_ts(const struct sgw_sa_config *cfg,
		    const struct sgw_tunnel_cfg *tcfg,
		    struct netlink_ext_ack *extack)
{
	const struct sgw_sa_ts *ts = cfg->ts;

	if (cfg->mode != SGW_MODE_TUNNEL) {
		NL_SET_ERR_MSG(extack, "only a tunnel-mode SA has selectors");
		return -EINVAL;
	}
	if (!ts_within(ts->local, ts->n_local, tcfg->local_ts, tcfg->n_local_ts)) {
		NL_SET_ERR_MSG(extack,
			       "SA local selectors lie outside the tunnel's local selectors");
		return -EINVAL;
	}
	if (!ts_within(ts->remote, ts->n_remote, tcfg->remote_ts,
		       tcfg->n_remote_ts)) {
		NL_SET_ERR_MSG(extack,
			       "SA remote selectors lie outside the tunnel's remote selectors");
		return -EINVAL;
	}
	return 0;
}

struct sgw_sa *sgw_sa_create(struct sgw_tunnel *tunnel,
			     const struct sgw_sa_config *cfg,
			     struct netlink_ext_ack *extack)
{
	const struct sgw_alg_desc *alg = cfg->alg;
	struct sgw_tunnel_cfg *tcfg;
	struct sgw_sa *sa;
	int ret;

	ASSERT_RTNL();
	tcfg = sgw_tunnel_cfg_rtnl(tunnel);
	if (!tcfg || !tcfg->local.family || !tcfg->remote.family) {
		NL_SET_ERR_MSG(extack,
			       "tunnel has no local and remote address yet: set them first");
		return ERR_PTR(-EDESTADDRREQ);
	}
	if (cfg->ts) {
		ret = check_ts(cfg, tcfg, extack);
		if (ret)
			return ERR_PTR(ret);
	}
	sa = kzalloc(sizeof(*sa) + (cfg->dir == SGW_DIR_IN ?
				    sgw_replay_map_size(cfg->replay_window) : 0),
		     GFP_KERNEL);
	if (!sa)
		return ERR_PTR(-ENOMEM);
	sa->aead = crypto_alloc_aead(sgw_sa_crypto_name(alg, cfg->esn), 0, 0);
	if (IS_ERR(sa->aead)) {
		ret = PTR_ERR(sa->aead);
		NL_SET_ERR_MSG_FMT(extack, "crypto algorithm %s unavailable (%d)",
				   sgw_sa_crypto_name(alg, cfg->esn), ret);
		kfree(sa);
		return ERR_PTR(ret);
	}
	if (cfg->ts) {
		sa->ts = kmemdup(cfg->ts, sizeof(*cfg->ts), GFP_KERNEL);
		if (!sa->ts) {
			ret = -ENOMEM;
			goto err;
		}
	}
	ret = sgw_sa_aead_key(sa->aead, alg, cfg->key);
	if (ret) {
		NL_SET_ERR_MSG(extack, "the crypto API refused the key");
		goto err;
	}
	if (cfg->dir == SGW_DIR_IN)
		sgw_replay_init(&sa->replay, cfg->replay_window, cfg->esn,
				cfg->seq);
	sa->key.spi = cpu_to_be32(cfg->spi);
	sa->key.daddr = tcfg->local;
	sa->tunnel = tunnel;
	dev_hold(tunnel->dev);
	refcount_set(&sa->refs, 1);
	sa->alg = alg;
	sa->dir = cfg->dir;
	sa->mode = cfg->mode;
	sa->esn = cfg->esn;
	sa->force_async = READ_ONCE(force_async);
	sa->encap = cfg->encap_sport && cfg->encap_dport;
	if (sa->encap)
		sa->encap_ports = (u32)cfg->encap_sport << 16 | cfg->encap_dport;
	spin_lock_init(&sa->queue.lock);
	INIT_LIST_HEAD(&sa->queue.list);
	atomic64_set(&sa->seq, cfg->seq);
	sa->life = cfg->life;
	sa->added = ktime_get_boottime_seconds();
	INIT_DELAYED_WORK(&sa->lifetime_work, sa_lifetime_work);
	INIT_RCU_WORK(&sa->free_work, sa_free_work);
	return sa;
err:
	crypto_free_aead(sa->aead);
	kfree(sa->ts);
	kfree_sensitive(sa);
	return ERR_PTR(ret);
}

/* For an SA that was created but never installed. */
void sgw_sa_destroy_unused(struct sgw_sa *sa)
{
	sgw_sa_put(sa);
}

/*
 * Jiffies from now until @limit seconds (at most SGW_SA_SECONDS_MAX, the
 * policy's bound) after the SA was added; 0 = now. A far deadline is
 * armed a day at a time: the work then finds it not yet reached and
 * arms again.
 */
static unsigned long delay_until(const struct sgw_sa *sa, u64 limit)
{
	time64_t left = sa->added + (time64_t)limit - ktime_get_boottime_seconds();

	if (left <= 0)
		return 0;
	return (unsigned long)min_t(time64_t, left, 86400) * HZ;
}

/*
 * Arm the lifetime timer for the earliest time limit still ahead: the
 * soft one unless it fired, and the hard one, each on its own (a soft
 * limit above the hard one must not delay it); caller holds RTNL.
 */
static void arm_lifetime(struct sgw_sa *sa)
{
	u64 next = sa->life.hard_seconds;

	if (sa->life.soft_seconds && !test_bit(SGW_SA_SOFT_EXPIRED, &sa->flags) &&
	    (!next || sa->life.soft_seconds < next))
		next = sa->life.soft_seconds;
	if (!next)
		return;
	refcount_inc(&sa->refs);
	if (!queue_delayed_work(sgw_wq, &sa->lifetime_work, delay_until(sa, next)))
		sgw_sa_put(sa);
}

/* The outbound slot and the inbound slots of @mode's SAs. */
static struct sgw_sa __rcu **out_slot(struct sgw_tunnel *tunnel, u8 mode)
{
	return mode == SGW_MODE_TRANSPORT ? &tunnel->sa_out_tr : &tunnel->sa_out;
}

static bool same_ts(const struct sgw_sa_ts *a, const struct sgw_sa_ts *b)
{
	return a->n_local == b->n_local && a->n_remote == b->n_remote &&
	       !memcmp(a->local, b->local, a->n_local * sizeof(a->local[0])) &&
	       !memcmp(a->remote, b->remote, a->n_remote * sizeof(a->remote[0]));
}

/*
 * The slot an outbound SA with selectors @ts takes: the one of an SA with
 * the same selectors (it replaces that one), else a free one; NULL if
 * every slot holds an SA for other selectors.
 */
static struct sgw_sa __rcu **out_ts_slot(struct sgw_tunnel *tunnel,
					 const struct sgw_sa_ts *ts)
{
	struct sgw_sa __rcu **free = NULL;
	struct sgw_sa *sa;
	int i;

	for (i = 0; i < SGW_SA_OUT_TS_MAX; i++) {
		sa = rtnl_dereference(tunnel->sa_out_ts[i]);
		if (!sa && !free)
			free = &tunnel->sa_out_ts[i];
		else if (sa && same_ts(sa->ts, ts))
			return &tunnel->sa_out_ts[i];
	}
	return free;
}

/* The slot that holds outbound SA @sa, or NULL. */
static struct sgw_sa __rcu **out_slot_of(struct sgw_sa *sa)
{
	struct sgw_tunnel *tunnel = sa->tunnel;
	struct sgw_sa __rcu **slot;
	int i;

	if (sa->ts) {
		for (i = 0; i < SGW_SA_OUT_TS_MAX; i++)
			if (rtnl_dereference(tunnel->sa_out_ts[i]) == sa)
				return &tunnel->sa_out_ts[i];
		return NULL;
	}
	slot = out_slot(tunnel, sa->mode);
	return rtnl_dereference(*slot) == sa ? slot : NULL;
}

static struct sgw_sa __rcu **in_slots(struct sgw_tunnel *tunnel, u8 mode)
{
	return mode == SGW_MODE_TRANSPORT ? tunnel->sa_in_tr : tunnel->sa_in;
}

/* Inbound SPIs are unique per local address, so across both modes too. */
static struct sgw_sa __rcu **in_slot(struct sgw_tunnel *tunnel, __be32 spi)
{
	struct sgw_sa __rcu **slots;
	struct sgw_sa *sa;
	int i, m;

	for (m = SGW_MODE_TUNNEL; m <= SGW_MODE_TRANSPORT; m++) {
		slots = in_slots(tunnel, m);
		for (i = 0; i < SGW_SA_IN_MAX; i++) {
			sa = rtnl_dereference(slots[i]);
			if (sa && sa->key.spi == spi)
				return &slots[i];
		}
	}
	return NULL;
}

static void unlink_sa(struct sgw_sa *sa)
{
	struct sgw_net *sn = sgw_net(dev_net(sa->tunnel->dev));
	struct sgw_sa __rcu **slot;

	ASSERT_RTNL();
	if (test_and_set_bit(SGW_SA_UNLINKED, &sa->flags))
		return;
	sn->gen++;	/* a dump in progress is now inconsistent */
	if (sa->dir == SGW_DIR_OUT) {
		slot = out_slot_of(sa);
		if (slot)
			RCU_INIT_POINTER(*slot, NULL);
	} else {
		slot = in_slot(sa->tunnel, sa->key.spi);
		if (slot)
			RCU_INIT_POINTER(*slot, NULL);
		rhashtable_remove_fast(&sn->sa_in, &sa->node, sa_in_params);
	}
	/* A running lifetime work sees UNLINKED and drops its own reference. */
	if (cancel_delayed_work(&sa->lifetime_work))
		sgw_sa_put(sa);
	sgw_sa_put(sa);
}

int sgw_sa_install(struct sgw_sa *sa, struct netlink_ext_ack *extack)
{
	struct sgw_net *sn = sgw_net(dev_net(sa->tunnel->dev));
	struct sgw_tunnel *tunnel = sa->tunnel;
	struct sgw_sa __rcu **slots, **slot = NULL;
	struct sgw_sa *old;
	int i, ret;

	ASSERT_RTNL();
	if (sa->dir == SGW_DIR_OUT) {
		slot = sa->ts ? out_ts_slot(tunnel, sa->ts) :
				out_slot(tunnel, sa->mode);
		if (!slot) {
			NL_SET_ERR_MSG_FMT(extack,
					   "tunnel already has %d outbound SAs with other selectors: delete one first",
					   SGW_SA_OUT_TS_MAX);
			return -ENOSPC;
		}
		sn->gen++;
		old = rtnl_dereference(*slot);
		rcu_assign_pointer(*slot, sa);
		if (old)
			unlink_sa(old);
		arm_lifetime(sa);
		/* Held packets are tunnel traffic: only a tunnel SA sends them. */
		if (sa->mode == SGW_MODE_TUNNEL)
			sgw_hold_release(tunnel);
		return 0;
	}

	if (rhashtable_lookup_fast(&sn->sa_in, &sa->key, sa_in_params)) {
		NL_SET_ERR_MSG_FMT(extack,
				   "inbound SPI 0x%08x already in use for this local address",
				   be32_to_cpu(sa->key.spi));
		return -EEXIST;
	}
	slots = in_slots(tunnel, sa->mode);
	for (i = 0; i < SGW_SA_IN_MAX && !slot; i++)
		if (!rtnl_dereference(slots[i]))
			slot = &slots[i];
	if (!slot) {
		NL_SET_ERR_MSG_FMT(extack,
				   "tunnel already has %d inbound %s-mode SAs: delete one first",
				   SGW_SA_IN_MAX,
				   sa->mode == SGW_MODE_TRANSPORT ? "transport" : "tunnel");
		return -ENOSPC;
	}
	ret = rhashtable_insert_fast(&sn->sa_in, &sa->node, sa_in_params);
	if (ret)
		return ret;
	rcu_assign_pointer(*slot, sa);
	sn->gen++;
	arm_lifetime(sa);
	return 0;
}

/* The tunnel's SA of @dir with @spi, of either mode; under RTNL. */
struct sgw_sa *sgw_sa_find(struct sgw_tunnel *tunnel, u8 dir, u32 spi,
			   struct netlink_ext_ack *extack)
{
	struct sgw_sa __rcu **slot;
	struct sgw_sa *sa = NULL;
	int i;

	ASSERT_RTNL();
	if (dir == SGW_DIR_OUT) {
		sa = rtnl_dereference(tunnel->sa_out);
		if (!sa || sa->key.spi != cpu_to_be32(spi))
			sa = rtnl_dereference(tunnel->sa_out_tr);
		for (i = 0; i < SGW_SA_OUT_TS_MAX; i++) {
			if (sa && sa->key.spi == cpu_to_be32(spi))
				break;
			sa = rtnl_dereference(tunnel->sa_out_ts[i]);
		}
		if (sa && sa->key.spi != cpu_to_be32(spi))
			sa = NULL;
	} else {
		slot = in_slot(tunnel, cpu_to_be32(spi));
		if (slot)
			sa = rtnl_dereference(*slot);
	}
	if (!sa) {
		NL_SET_ERR_MSG_FMT(extack, "tunnel %u has no %s SA with SPI 0x%08x",
				   tunnel->id, dir == SGW_DIR_OUT ? "outbound" : "inbound",
				   spi);
	}
	return sa;
}

int sgw_sa_remove(struct sgw_tunnel *tunnel, u8 dir, u32 spi,
		  struct netlink_ext_ack *extack)
{
	struct sgw_sa *sa = sgw_sa_find(tunnel, dir, spi, extack);

	if (!sa)
		return -ENOENT;
	unlink_sa(sa);
	return 0;
}

void sgw_sa_flush(struct sgw_tunnel *tunnel)
{
	struct sgw_sa *sa;
	int i;

	ASSERT_RTNL();
	sa = rtnl_dereference(tunnel->sa_out);
	if (sa)
		unlink_sa(sa);
	sa = rtnl_dereference(tunnel->sa_out_tr);
	if (sa)
		unlink_sa(sa);
	for (i = 0; i < SGW_SA_OUT_TS_MAX; i++) {
		sa = rtnl_dereference(tunnel->sa_out_ts[i]);
		if (sa)
			unlink_sa(sa);
	}
	for (i = 0; i < SGW_SA_IN_MAX; i++) {
		sa = rtnl_dereference(tunnel->sa_in[i]);
		if (sa)
			unlink_sa(sa);
		sa = rtnl_dereference(tunnel->sa_in_tr[i]);
		if (sa)
			unlink_sa(sa);
	}
}

struct sgw_sa *sgw_sa_lookup_in(struct sgw_net *sn, __be32 spi,
				const struct sgw_addr *daddr)
{
	struct sgw_sa_key key = { .spi = spi, .daddr = *daddr };

	return rhashtable_lookup(&sn->sa_in, &key, sa_in_params);
}

/*
 * The tunnel's usable outbound SA of @mode, referenced, before any of its
 * sequence numbers or lifetime is spent on a packet; NULL if none. An SA
 * replaced meanwhile may have lost its last reference: its successor is
 * in the slot by then, so look once more.
 */
struct sgw_sa *sgw_sa_get_out(struct sgw_tunnel *tunnel, u8 mode)
{
	struct sgw_sa __rcu **slot = out_slot(tunnel, mode);
	struct sgw_sa *sa;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		sa = rcu_dereference_check(*slot, rcu_read_lock_bh_held());
		if (!sa || !sgw_sa_usable(sa))
			return NULL;
		if (sgw_sa_hold(sa))
			return sa;
	}
	return NULL;
}

/* The longest prefix of @ts that holds the packet's address, -1 if none. */
static int ts_match_len(const struct sgw_prefix *ts, unsigned int n,
			const struct sgw_addr *a)
{
	unsigned int i;
	int best = -1;

	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		if (ts[i].len <= best)
			continue;
		if (a->family == AF_INET6 ? sgw_prefix_match6(&ts[i], &a->v6) :
					    sgw_prefix_match4(&ts[i], a->v4))
			best = ts[i].len;
	}
	return best;
}

/* The inner packet's addresses. */
void sgw_inner_addrs(const struct sk_buff *skb, struct sgw_addr *src,
		     struct sgw_addr *dst)
{
	if (skb->protocol == htons(ETH_P_IP)) {
		sgw_addr_set4(src, ip_hdr(skb)->saddr);
		sgw_addr_set4(dst, ip_hdr(skb)->daddr);
	} else {
		sgw_addr_set6(src, &ipv6_hdr(skb)->saddr);
		sgw_addr_set6(dst, &ipv6_hdr(skb)->daddr);
	}
}

/*
 * The outbound tunnel-mode SA for an inner packet from @src to @dst,
 * referenced, or NULL: of the SAs with their own selectors that match
 * them, the one with the longest remote (then local) prefix; without any,
 * the tunnel's SA without selectors. A matching SA that is not usable is
 * not replaced by another: the packet waits for its rekey.
 */
struct sgw_sa *sgw_sa_get_out_addrs(struct sgw_tunnel *tunnel,
				    const struct sgw_addr *src,
				    const struct sgw_addr *dst)
{
	struct sgw_sa *sa, *best;
	int i, tries, r, l, best_r, best_l;

	for (tries = 0; tries < 2; tries++) {
		best = NULL;
		best_r = -1;
		best_l = -1;
		for (i = 0; i < SGW_SA_OUT_TS_MAX; i++) {
			sa = rcu_dereference_check(tunnel->sa_out_ts[i],
						   rcu_read_lock_bh_held());
			if (!sa)
				continue;
			r = ts_match_len(sa->ts->remote, sa->ts->n_remote, dst);
			l = r < 0 ? -1 : ts_match_len(sa->ts->local,
						      sa->ts->n_local, src);
			if (l < 0 || r < best_r || (r == best_r && l <= best_l))
				continue;
			best = sa;
			best_r = r;
			best_l = l;
		}
		if (!best)
			return sgw_sa_get_out(tunnel, SGW_MODE_TUNNEL);
		if (!sgw_sa_usable(best))
			return NULL;
		if (sgw_sa_hold(best))
			return best;
	}
	return NULL;
}

/* The same for the inner packet @skb. */
struct sgw_sa *sgw_sa_get_out_for(struct sgw_tunnel *tunnel,
				  const struct sk_buff *skb)
{
	struct sgw_addr src, dst;

	sgw_inner_addrs(skb, &src, &dst);
	return sgw_sa_get_out_addrs(tunnel, &src, &dst);
}

/* Inbound: is the packet inside the SA's own selectors, if it has any? */
bool sgw_sa_ts_in_allowed(const struct sgw_sa *sa, const struct sk_buff *skb)
{
	struct sgw_addr src, dst;

	if (!sa->ts)
		return true;
	sgw_inner_addrs(skb, &src, &dst);
	return ts_match_len(sa->ts->remote, sa->ts->n_remote, &src) >= 0 &&
	       ts_match_len(sa->ts->local, sa->ts->n_local, &dst) >= 0;
}

/* The next outbound sequence number, or false once it would wrap. */
bool sgw_sa_next_seq(struct sgw_sa *sa, u64 *seq)
{
	u64 limit = sa->esn ? U64_MAX : U32_MAX;
	u64 cur = atomic64_read(&sa->seq);

	do {
		if (cur >= limit)
			return false;
	} while (!atomic64_try_cmpxchg(&sa->seq, &cur, cur + 1));
	*seq = cur + 1;
	return true;
}

/* Can the outbound SA carry another packet (not expired, not wrapped)? */
bool sgw_sa_usable(const struct sgw_sa *sa)
{
	u64 limit = sa->esn ? U64_MAX : U32_MAX;

	return !test_bit(SGW_SA_HARD_EXPIRED, &sa->flags) &&
	       (u64)atomic64_read(&sa->seq) < limit;
}

u64 sgw_sa_seq(const struct sgw_sa *sa)
{
	return sa->dir == SGW_DIR_OUT ? (u64)atomic64_read(&sa->seq) :
					sgw_replay_top(&sa->replay);
}

static void expire_hard(struct sgw_sa *sa)
{
	if (test_and_set_bit(SGW_SA_HARD_EXPIRED, &sa->flags))
		return;
	sgw_genl_notify_expire(sa, true, GFP_ATOMIC);
	/* Removal needs RTNL: leave it to the lifetime work, now. */
	if (!sgw_sa_hold(sa))
		return;		/* already on its way out */
	if (!mod_delayed_work(sgw_wq, &sa->lifetime_work, 0))
		return;		/* queued now; the work owns our reference */
	sgw_sa_put(sa);
}

/*
 * Count one packet of @bytes against the SA's lifetime. False means the
 * SA reached a hard limit and must not carry it.
 */
bool sgw_sa_account(struct sgw_sa *sa, unsigned int bytes)
{
	const struct sgw_lifetime *l = &sa->life;
	u64 b, p;

	if (test_bit(SGW_SA_HARD_EXPIRED, &sa->flags))
		return false;
	b = atomic64_add_return(bytes, &sa->bytes);
	p = atomic64_inc_return(&sa->packets);
	if ((l->hard_bytes && b > l->hard_bytes) ||
	    (l->hard_packets && p > l->hard_packets)) {
		atomic64_sub(bytes, &sa->bytes);
		atomic64_dec(&sa->packets);
		expire_hard(sa);
		return false;
	}
	if (((l->soft_bytes && b >= l->soft_bytes) ||
	     (l->soft_packets && p >= l->soft_packets)) &&
	    !test_and_set_bit(SGW_SA_SOFT_EXPIRED, &sa->flags))
		sgw_genl_notify_expire(sa, false, GFP_ATOMIC);
	return true;
}

/* Time limits, and removal after a hard expiry seen on the data path. */
static void sa_lifetime_work(struct work_struct *work)
{
	struct sgw_sa *sa = container_of(to_delayed_work(work), struct sgw_sa,
					 lifetime_work);
	time64_t age;

	rtnl_lock();
	if (test_bit(SGW_SA_UNLINKED, &sa->flags))
		goto out;
	age = ktime_get_boottime_seconds() - sa->added;
	if (!test_bit(SGW_SA_HARD_EXPIRED, &sa->flags) &&
	    sa->life.hard_seconds && age >= sa->life.hard_seconds) {
		set_bit(SGW_SA_HARD_EXPIRED, &sa->flags);
		sgw_genl_notify_expire(sa, true, GFP_KERNEL);
	}
	if (test_bit(SGW_SA_HARD_EXPIRED, &sa->flags)) {
		unlink_sa(sa);
		goto out;
	}
	if (sa->life.soft_seconds && age >= sa->life.soft_seconds &&
	    !test_and_set_bit(SGW_SA_SOFT_EXPIRED, &sa->flags))
		sgw_genl_notify_expire(sa, false, GFP_KERNEL);
	arm_lifetime(sa);
out:
	rtnl_unlock();
	sgw_sa_put(sa);
}

int sgw_sa_table_init(struct sgw_net *sn)
{
	return rhashtable_init(&sn->sa_in, &sa_in_params);
}

/* Every tunnel, and so every SA, is gone by the time a namespace exits. */
void sgw_sa_table_uninit(struct sgw_net *sn)
{
	rhashtable_destroy(&sn->sa_in);
}

int sgw_sa_init(void)
{
	sgw_wq = alloc_workqueue("sgw", WQ_UNBOUND, 0);
	return sgw_wq ? 0 : -ENOMEM;
}

/* After the devices are gone: wait for queued frees, then drain the rest. */
void sgw_sa_uninit(void)
{
	rcu_barrier();
	destroy_workqueue(sgw_wq);
}
