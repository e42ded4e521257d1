/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_REPLAY_H
#define _SGW_REPLAY_H

#include <linux/cache.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/*
 * Inbound anti-replay state (RFC 4303 section 3.4.3, ESN per Appendix A),
 * kept inline at the end of its SA, on cache lines of its own: the only
 * part of the SA that every received packet writes.
 *
 * The bitmap is circular and slides a word at a time (RFC 6479): bit
 * (seq % bits) says whether seq was seen; when top enters a new word, that
 * word is cleared whole, so the bits above top are always zero and a slide
 * never shifts memory. bits >= window + BITS_PER_LONG keeps the window
 * clear of the word being reused.
 *
 * sgw_replay_check() is lockless and may be stale: it only rejects early
 * what is certainly a replay. sgw_replay_advance() is the one
 * authoritative check and update, after the ICV, in the SA queue's order.
 */
struct sgw_replay {
	spinlock_t lock;	/* advance against advance */
	u32 window;		/* packets; 0 disables the check */
	u32 bits;		/* bitmap size: power of two, >= window + 64 */
	u64 top;		/* highest authenticated sequence number */
	bool esn;
	unsigned long map[];
};

size_t sgw_replay_map_size(u32 window);
void sgw_replay_init(struct sgw_replay *r, u32 window, bool esn, u64 top);
u64 sgw_replay_infer(const struct sgw_replay *r, u32 seq_lo);
bool sgw_replay_check(const struct sgw_replay *r, u64 seq);
bool sgw_replay_advance(struct sgw_replay *r, u64 seq);
u64 sgw_replay_top(const struct sgw_replay *r);

#endif /* _SGW_REPLAY_H */
