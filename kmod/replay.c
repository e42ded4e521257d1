// SPDX-License-Identifier: GPL-2.0
/*
 * Anti-replay window. The check runs before the ICV is verified (cheap
 * rejection of duplicates, without a lock), the advance only after: an
 * attacker cannot move the window without the key.
 *
 * The advance runs in the SA queue's completion order (kmod/esp.c), with
 * BH off. Its lock makes two advances of one SA exclusive, so the bitmap
 * is updated with plain (non-atomic) word stores; the lockless check reads
 * top with acquire and the words with READ_ONCE, and the advance publishes
 * a new top with release only after clearing the words it enters. A check
 * that races with an advance may let a replay through (the advance refuses
 * it) but never refuses a packet the advance would accept.
 */

#include <linux/bitmap.h>
#include <linux/log2.h>

#include "replay.h"

static u32 map_bits(u32 window)
{
	return roundup_pow_of_two(max_t(u32, window, 1) + BITS_PER_LONG);
}

/* Bytes of bitmap that follow struct sgw_replay for @window. */
size_t sgw_replay_map_size(u32 window)
{
	return BITS_TO_LONGS(map_bits(window)) * sizeof(unsigned long);
}

/* @r has sgw_replay_map_size(@window) bytes of bitmap after it. */
void sgw_replay_init(struct sgw_replay *r, u32 window, bool esn, u64 top)
{
	u32 bits = map_bits(window);
	unsigned int b = (top & (bits - 1)) + 1;

	spin_lock_init(&r->lock);
	r->window = window;
	r->bits = bits;
	r->esn = esn;
	r->top = top;
	/*
	 * Everything up to the initial top counts as already received; the
	 * rest of top's word is what comes next, so it is clear.
	 */
	bitmap_fill(r->map, bits);
	if (b % BITS_PER_LONG)
		bitmap_clear(r->map, b, BITS_PER_LONG - b % BITS_PER_LONG);
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
	unsigned long i = seq & (r->bits - 1);

	return READ_ONCE(r->map[BIT_WORD(i)]) & BIT_MASK(i);
}

static bool acceptable(const struct sgw_replay *r, u64 top, u64 seq)
{
	if (!r->esn && seq == 0)
		return false;	/* 32-bit sequence numbers start at 1 */
	if (!r->window || seq > top)
		return true;
	if (top - seq >= r->window)
		return false;
	return !seen(r, seq);
}

/* Lockless: false only for a packet that is certainly a replay. */
bool sgw_replay_check(const struct sgw_replay *r, u64 seq)
{
	/* Pairs with the advance's release: the words of this top are clear. */
	return acceptable(r, smp_load_acquire(&r->top), seq);
}

/*
 * Record an authenticated packet, or refuse it: a duplicate may have
 * passed the check before its twin was recorded.
 */
bool sgw_replay_advance(struct sgw_replay *r, u64 seq)
{
	unsigned int nwords = r->bits / BITS_PER_LONG;
	unsigned long i = seq & (r->bits - 1);
	u64 w, last;

	spin_lock(&r->lock);
	if (!acceptable(r, r->top, seq)) {
		spin_unlock(&r->lock);
		return false;
	}
	if (seq > r->top) {
		/* Clear the words top enters, at most the whole bitmap. */
		last = seq / BITS_PER_LONG;
		w = r->top / BITS_PER_LONG;
		if (last - w > nwords)
			w = last - nwords;
		while (w < last) {
			w++;
			WRITE_ONCE(r->map[w & (nwords - 1)], 0);
		}
		/* The cleared words before the new top (see the check). */
		smp_store_release(&r->top, seq);
	}
	WRITE_ONCE(r->map[BIT_WORD(i)], r->map[BIT_WORD(i)] | BIT_MASK(i));
	spin_unlock(&r->lock);
	return true;
}

u64 sgw_replay_top(const struct sgw_replay *r)
{
	return READ_ONCE(r->top);
}
