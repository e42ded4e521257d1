/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_REPLAY_H
#define _SGW_REPLAY_H

#include <linux/spinlock.h>
#include <linux/types.h>

/*
 * Inbound anti-replay state (RFC 4303 section 3.4.3, ESN per Appendix A).
 * The bitmap is circular (RFC 6479): bit (seq % bits) says whether seq was
 * seen, so sliding the window never shifts memory.
 */
struct sgw_replay {
	spinlock_t lock;	/* check and advance, across CPUs */
	u64 top;		/* highest authenticated sequence number */
	u32 window;		/* packets; 0 disables the check */
	u32 bits;		/* bitmap size: power of two, >= window + 64 */
	bool esn;
	unsigned long map[];
};

struct sgw_replay *sgw_replay_alloc(u32 window, bool esn, u64 top, gfp_t gfp);
u64 sgw_replay_infer(const struct sgw_replay *r, u32 seq_lo);
bool sgw_replay_check(struct sgw_replay *r, u64 seq);
bool sgw_replay_advance(struct sgw_replay *r, u64 seq);
u64 sgw_replay_top(struct sgw_replay *r);

#endif /* _SGW_REPLAY_H */
