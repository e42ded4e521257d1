/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_ESP_H
#define _SGW_ESP_H

#include <linux/list.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <crypto/aead.h>

#include "sa.h"

/*
 * One packet's crypto state, alive while its (possibly asynchronous)
 * request runs. The AEAD sees: AAD = SPI, [seq hi,] seq lo, then IV and
 * payload in place in the packet, so assoclen covers AAD and IV. The
 * packet's own control block is left alone: the IP layer's state there
 * (IPCB, IP6CB) must survive the crypto.
 */
struct sgw_esp_ctx {
	struct list_head node;	/* in the SA's queue */
	struct sgw_sa *sa;	/* referenced */
	struct sk_buff *skb;
	/*
	 * What becomes of the packet once its crypto finished (@err 0) or
	 * failed: called in queue order, with BH disabled; takes @skb, frees
	 * @ctx and drops its SA reference.
	 */
	void (*complete)(struct sgw_esp_ctx *ctx, struct sk_buff *skb, int err);
	int err;
	bool done;		/* crypto finished; under the queue lock */
	bool df;		/* send: outer DF */
	u8 dsfield;		/* send: inner DS field; receive: outer one */
	u16 frag_size;		/* send: outer fragment size, 0 if whole */
	u64 seq;
	unsigned int len;	/* send: inner length; receive: ESP offset */
	unsigned int elen;	/* receive: encrypted payload + trailer */
	__be32 aad[3];
	struct scatterlist sg[2];
	struct work_struct work;	/* force_async */
	bool encrypt;
};

/* The longest IV of sgw's algorithms (AES-CBC). */
#define SGW_IV_MAX		16

/* Packets of one SA in crypto at once; the rest are dropped as backlog. */
#define SGW_ESP_QUEUE_MAX	1024

struct sgw_esp_ctx *sgw_esp_ctx_alloc(struct sgw_sa *sa, gfp_t gfp);
void sgw_esp_ctx_free(struct sgw_esp_ctx *ctx);
unsigned int sgw_esp_wire_len(const struct sgw_sa *sa, unsigned int len);
u8 *sgw_esp_frame(struct sk_buff *skb, struct sgw_sa *sa, u64 seq,
		  unsigned int hlen, unsigned int outer, u8 nexthdr,
		  unsigned int *plen);
int sgw_esp_enqueue(struct sgw_esp_ctx *ctx, struct sk_buff *skb,
		    void (*complete)(struct sgw_esp_ctx *ctx,
				     struct sk_buff *skb, int err),
		    bool take_seq);
void sgw_esp_udp6_csum(struct sk_buff *skb, unsigned int off);
void sgw_esp_setup(struct sgw_esp_ctx *ctx, u8 *iv_and_data,
		   unsigned int cryptlen, unsigned int icv_in);
void sgw_esp_submit(struct sgw_esp_ctx *ctx, bool encrypt);
int sgw_esp_crypt_wait(struct sgw_esp_ctx *ctx, bool encrypt);
void sgw_esp_done(struct sgw_esp_ctx *ctx, int err);

#endif /* _SGW_ESP_H */
