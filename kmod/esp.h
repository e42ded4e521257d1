/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_ESP_H
#define _SGW_ESP_H

#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <crypto/aead.h>

#include "sa.h"

/*
 * One packet's crypto state, alive while its (possibly asynchronous)
 * request runs. The AEAD sees: AAD = SPI, [seq hi,] seq lo, then IV and
 * payload in place in the packet, so assoclen covers AAD and IV.
 */
struct sgw_esp_ctx {
	struct sgw_sa *sa;	/* referenced */
	u64 seq;
	unsigned int len;	/* send: inner length; receive: ESP offset */
	unsigned int elen;	/* receive: encrypted payload + trailer */
	u8 dsfield;		/* send: inner DS field; receive: outer one */
	bool df;		/* send: outer DF */
	u16 frag_size;		/* send: outer fragment size, 0 if whole */
	u8 iv[16];
	__be32 aad[3];
	struct scatterlist sg[2];
	struct work_struct work;	/* force_async */
	bool encrypt;
};

struct sgw_esp_ctx *sgw_esp_ctx_alloc(struct sgw_sa *sa, gfp_t gfp);
struct aead_request *sgw_esp_req(struct sgw_esp_ctx *ctx);
void sgw_esp_ctx_free(struct sgw_esp_ctx *ctx);
int sgw_esp_crypt(struct sgw_esp_ctx *ctx, bool encrypt);
void sgw_esp_setup(struct sgw_esp_ctx *ctx, u8 *iv_and_data,
		   unsigned int cryptlen, unsigned int icv_in,
		   crypto_completion_t done, struct sk_buff *skb);

static inline struct sgw_esp_ctx **sgw_esp_cb(struct sk_buff *skb)
{
	return (struct sgw_esp_ctx **)skb->cb;
}

#endif /* _SGW_ESP_H */
