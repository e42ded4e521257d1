// SPDX-License-Identifier: GPL-2.0
/*
 * "No SA": a packet routed into an enabled tunnel that has no
 * usable outbound SA (none yet, or the last one expired) is held briefly
 * while the IKE daemon, told by an acquire event, negotiates one, instead
 * of being lost.
 *
 * - At most SGW_HOLD_MAX packets per tunnel; a newer one pushes out the
 *   oldest (dropped as hold-full).
 * - Each packet waits at most SGW_HOLD_TIMEOUT_S from its own arrival,
 *   then is dropped (hold-timeout): a packet queued behind an older one
 *   gets its whole time. One log line tells how many timed out, once the
 *   queue ran empty (or every SGW_HOLD_TIMEOUT_S while traffic goes on).
 * - An outbound SA being installed sends them, in order; disabling the
 *   tunnel drops them (disabled); deleting it frees them.
 * - Acquire events and the log line come at most once per second per
 *   tunnel, so a dead peer never floods the daemon or the log.
 * - With no IKE daemon registered (SGW_CMD_REGISTER) in the tunnel's
 *   namespace nobody can negotiate: the packet is dropped at once (no-sa),
 *   and the log line says so. Listening to events alone (sgwctl monitor)
 *   does not count.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/genetlink.h>

#include "netlink.h"
#include "sa.h"
#include "send.h"
#include "tunnel.h"

#define HOLD_TIMEOUT (SGW_HOLD_TIMEOUT_S * HZ)

/* Under the queue lock: the oldest packet leaves, with its time. */
static struct sk_buff *dequeue_oldest(struct sgw_hold *h)
{
	h->first = (h->first + 1) % SGW_HOLD_MAX;
	return __skb_dequeue(&h->queue);
}

static void log_expired(struct sgw_tunnel *tunnel, unsigned int n)
{
	if (n)
		pr_info("%s: tunnel %u: no SA within %u s: dropped %u held packet%s\n",
			tunnel->dev->name, tunnel->id, SGW_HOLD_TIMEOUT_S, n,
			n == 1 ? "" : "s");
}

/*
 * Under the queue lock: @n more packets timed out. They are told in one
 * line once the queue has run empty, or every SGW_HOLD_TIMEOUT_S while
 * packets keep coming; returns how many to tell now.
 */
static unsigned int expired_to_tell(struct sgw_hold *h, unsigned int n)
{
	unsigned int tell = 0;

	if (n && !h->expired)
		h->expired_since = jiffies;
	h->expired += n;
	if (h->expired && (skb_queue_empty(&h->queue) ||
			   time_after_eq(jiffies, h->expired_since + HOLD_TIMEOUT))) {
		tell = h->expired;
		h->expired = 0;
	}
	return tell;
}

static void hold_expired(struct timer_list *timer)
{
	struct sgw_hold *h = from_timer(h, timer, timer);
	struct sgw_tunnel *tunnel = container_of(h, struct sgw_tunnel, hold);
	struct sk_buff_head list;
	struct sk_buff *skb;
	unsigned int tell;

	__skb_queue_head_init(&list);
	spin_lock_bh(&h->queue.lock);
	while (!skb_queue_empty(&h->queue) &&
	       time_after_eq(jiffies, h->queued_at[h->first] + HOLD_TIMEOUT))
		__skb_queue_tail(&list, dequeue_oldest(h));
	if (!skb_queue_empty(&h->queue))
		mod_timer(&h->timer, h->queued_at[h->first] + HOLD_TIMEOUT);
	tell = expired_to_tell(h, skb_queue_len(&list));
	spin_unlock_bh(&h->queue.lock);
	while ((skb = __skb_dequeue(&list)))
		sgw_tunnel_tx_drop(tunnel, SGW_DROP_HOLD_TIMEOUT, skb);
	log_expired(tunnel, tell);
}

void sgw_hold_init(struct sgw_tunnel *tunnel)
{
	struct sgw_hold *h = &tunnel->hold;

	skb_queue_head_init(&h->queue);
	timer_setup(&h->timer, hold_expired, 0);
	sgw_ratelimit_init(&h->acquire_rs);
}

/* The device is going away: nothing is sent or counted any more. */
void sgw_hold_uninit(struct sgw_tunnel *tunnel)
{
	timer_shutdown_sync(&tunnel->hold.timer);
	skb_queue_purge(&tunnel->hold.queue);
}

/* The log line for the packet that asked, IPv4 or IPv6. */
static void log_no_sa(struct sgw_tunnel *tunnel, const struct sgw_addr *src,
		      const struct sgw_addr *dst, bool daemon)
{
	char pair[100];

	if (src->family == AF_INET)
		snprintf(pair, sizeof(pair), "%pI4 -> %pI4", &src->v4, &dst->v4);
	else
		snprintf(pair, sizeof(pair), "%pI6c -> %pI6c", &src->v6, &dst->v6);
	if (daemon)
		pr_info("%s: tunnel %u: no SA: holding %s and asking the IKE daemon to negotiate\n",
			tunnel->dev->name, tunnel->id, pair);
	else
		pr_info("%s: tunnel %u: no SA: dropped %s: no IKE daemon is registered to negotiate\n",
			tunnel->dev->name, tunnel->id, pair);
}

/* Once per interval per tunnel. */
static bool acquire_due(struct sgw_hold *h)
{
	return __ratelimit(&h->acquire_rs);
}

/* Would a packet without SA be held (an IKE daemon is registered)? */
bool sgw_hold_daemon(struct sgw_tunnel *tunnel)
{
	return sgw_daemon_registered(dev_net(tunnel->dev));
}

/* Packets waiting now, for a reader that takes no lock. */
unsigned int sgw_hold_len(struct sgw_tunnel *tunnel)
{
	return skb_queue_len_lockless(&tunnel->hold.queue);
}

/*
 * Data path, BH disabled, under RCU: @skb, a whole valid inner packet,
 * found the tunnel without an outbound SA. Consumes it.
 */
void sgw_hold(struct sgw_tunnel *tunnel, struct sk_buff *skb)
{
	struct sgw_hold *h = &tunnel->hold;
	struct sk_buff *oldest = NULL;
	struct sgw_addr src, dst;
	bool daemon, ask;
	struct sgw_sa *sa;

	sgw_inner_addrs(skb, &src, &dst);
	daemon = sgw_hold_daemon(tunnel);
	spin_lock(&h->queue.lock);
	ask = acquire_due(h);
	if (daemon) {
		if (skb_queue_len(&h->queue) >= SGW_HOLD_MAX)
			oldest = dequeue_oldest(h);
		else if (skb_queue_empty(&h->queue))
			mod_timer(&h->timer, jiffies + HOLD_TIMEOUT);
		h->queued_at[(h->first + skb_queue_len(&h->queue)) %
			     SGW_HOLD_MAX] = jiffies;
		__skb_queue_tail(&h->queue, skb);
	}
	spin_unlock(&h->queue.lock);

	if (ask)
		log_no_sa(tunnel, &src, &dst, daemon);
	if (!daemon) {
		sgw_tunnel_tx_drop(tunnel, SGW_DROP_NO_SA, skb);
		return;
	}
	sgw_tunnel_event(tunnel, SGW_EV_HELD);
	if (oldest)
		sgw_tunnel_tx_drop(tunnel, SGW_DROP_HOLD_FULL, oldest);
	if (ask) {
		sgw_tunnel_event(tunnel, SGW_EV_ACQUIRE);
		sgw_genl_notify_acquire(tunnel, &src, &dst);
	}
	/*
	 * An SA installed, or the tunnel disabled, while we queued: their
	 * side emptied the queue before our packet was in it. The SA this
	 * packet would take (a child's with its selectors, or the tunnel's),
	 * by the addresses it had: the packet itself may be gone already. An
	 * expired SA not yet removed does not count.
	 */
	sa = sgw_sa_get_out_addrs(tunnel, &src, &dst);
	if (sa) {
		sgw_sa_put(sa);
		sgw_hold_release(tunnel);
	} else if (!READ_ONCE(tunnel->enabled)) {
		sgw_hold_flush(tunnel, SGW_DROP_DISABLED);
	}
}

/* Empties the queue; timeouts not yet told are told now. */
static void take_all(struct sgw_tunnel *tunnel, struct sk_buff_head *list)
{
	struct sgw_hold *h = &tunnel->hold;
	unsigned int tell;

	__skb_queue_head_init(list);
	spin_lock_bh(&h->queue.lock);
	if (!skb_queue_empty(&h->queue)) {
		skb_queue_splice_init(&h->queue, list);
		timer_delete(&h->timer);
	}
	tell = expired_to_tell(h, 0);
	spin_unlock_bh(&h->queue.lock);
	log_expired(tunnel, tell);
}

/* An outbound SA was installed: send what waited for it, in order. */
void sgw_hold_release(struct sgw_tunnel *tunnel)
{
	struct sk_buff_head list;
	struct sk_buff *skb;

	take_all(tunnel, &list);
	if (skb_queue_empty(&list))
		return;
	rcu_read_lock_bh();
	while ((skb = __skb_dequeue(&list))) {
		sgw_tunnel_event(tunnel, SGW_EV_HELD_SENT);
		sgw_send_held(tunnel, skb);
	}
	rcu_read_unlock_bh();
}

void sgw_hold_flush(struct sgw_tunnel *tunnel, enum sgw_drop reason)
{
	struct sk_buff_head list;
	struct sk_buff *skb;

	take_all(tunnel, &list);
	while ((skb = __skb_dequeue(&list)))
		sgw_tunnel_tx_drop(tunnel, reason, skb);
}
