// SPDX-License-Identifier: GPL-2.0
/*
 * Anti-replay window. The check runs before the ICV is verified (cheap
 * rejection of duplicates), the advance only after: an attacker cannot move
 * the window without the key.
 */

#include <linux/bitmap.h>
#include <linux/log2.h>
#include <linux/slab.h>

#include "replay.h"

struct sgw_replay *sgw_replay_alloc(u32 window, bool esn, u64 top, gfp_t gfp)
{
	u32 bits = roundup_pow_of_two(max_t(u32, window, 1) + BITS_PER_LONG);
	struct sgw_replay *r;

	r = kzalloc(struct_size(r, map, BITS_TO_LONGS(bits)), gfp);
	if (!r)
		return NULL;
	spin_lock_init(&r->lock);
	r->window = window;
	r->bits = bits;
	r->esn = esn;
	r->top = top;
	/* Everything up to the initial top counts as already received. */
	bitmap_fill(r->map, bits);
	return r;
}

/*
 * The full 64-bit sequence number a packet carrying @seq_lo most likely
 * has (RFC 4303 Appendix A.2.2), judged against the window's position.
 */
u64 sgw_replay_infer(const struct sgw_replay *r, u32 seq_lo)
{
	u64 top = READ_ONCE(r->top);
	u32 tl = lower_32_bits(top), th = upper_32_bits(top);
	/* Without a replay window, judge against a nominal one. */
	u32 w = max_t(u32, r->window, 32);
	u32 bottom = tl - w + 1;

	if (!r->esn)
		return seq_lo;
	if (tl >= w - 1) {
		/* Window within one subspace of 2^32. */
		if (seq_lo >= bottom)
			return ((u64)th << 32) | seq_lo;
		return ((u64)(th + 1) << 32) | seq_lo;
	}
	/* Window spans two subspaces. */
	if (seq_lo >= bottom && th > 0)
		return ((u64)(th - 1) << 32) | seq_lo;
	return ((u64)th << 32) | seq_lo;
}

static bool seen(const struct sgw_replay *r, u64 seq)
{
	return test_bit(seq & (r->bits - 1), r->map);
}

/* Caller holds r->lock. */
static bool acceptable(const struct sgw_replay *r, u64 seq)
{
	if (!r->esn && seq == 0)
		return false;	/* 32-bit sequence numbers start at 1 */
	if (!r->window || seq > r->top)
		return true;
	if (r->top - seq >= r->window)
		return false;
	return !seen(r, seq);
}

bool sgw_replay_check(struct sgw_replay *r, u64 seq)
{
	bool ok;

	spin_lock_bh(&r->lock);
	ok = acceptable(r, seq);
	spin_unlock_bh(&r->lock);
	return ok;
}

/*
 * Record an authenticated packet. Checks again: a duplicate may have been
 * verified in parallel on another CPU.
 */
bool sgw_replay_advance(struct sgw_replay *r, u64 seq)
{
	u64 diff, i;

	spin_lock_bh(&r->lock);
	if (!acceptable(r, seq)) {
		spin_unlock_bh(&r->lock);
		return false;
	}
	if (seq > r->top) {
		diff = seq - r->top;
		if (diff >= r->bits) {
			bitmap_zero(r->map, r->bits);
		} else {
			for (i = r->top + 1; i < seq; i++)
				clear_bit(i & (r->bits - 1), r->map);
		}
		WRITE_ONCE(r->top, seq);
	}
	set_bit(seq & (r->bits - 1), r->map);
	spin_unlock_bh(&r->lock);
	return true;
}

u64 sgw_replay_top(struct sgw_replay *r)
{
	return READ_ONCE(r->top);
}
