/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_HOLD_H
#define _SGW_HOLD_H

#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/sgw.h>

#include <linux/ratelimit.h>

struct sgw_tunnel;

/* Packets waiting for the tunnel's first outbound SA. */
struct sgw_hold {
	struct sk_buff_head queue;	/* its lock guards the fields below */
	/* When each packet was queued (jiffies), in queue order from @first. */
	unsigned long queued_at[SGW_HOLD_MAX];
	unsigned int first;
	unsigned int expired;		/* timed out, not yet logged */
	unsigned long expired_since;	/* jiffies of the first of them */
	struct timer_list timer;	/* drops what waited too long */
	struct ratelimit_state acquire_rs;	/* acquire events */
};

void sgw_hold_init(struct sgw_tunnel *tunnel);
void sgw_hold_uninit(struct sgw_tunnel *tunnel);
bool sgw_hold_daemon(struct sgw_tunnel *tunnel);
unsigned int sgw_hold_len(struct sgw_tunnel *tunnel);
void sgw_hold(struct sgw_tunnel *tunnel, struct sk_buff *skb);
void sgw_hold_release(struct sgw_tunnel *tunnel);
void sgw_hold_flush(struct sgw_tunnel *tunnel, enum sgw_drop reason);

#endif /* _SGW_HOLD_H */
