// SPDX-License-Identifier: GPL-2.0
/* Per-packet AEAD requests shared by the send and receive paths. */

#include <linux/slab.h>
#include <crypto/internal/aead.h>

#include "esp.h"

static unsigned int req_offset(void)
{
	return ALIGN(sizeof(struct sgw_esp_ctx), crypto_tfm_ctx_alignment());
}

struct sgw_esp_ctx *sgw_esp_ctx_alloc(struct sgw_sa *sa, gfp_t gfp)
{
	struct sgw_esp_ctx *ctx;

	ctx = kmalloc(req_offset() + sizeof(struct aead_request) +
		      crypto_aead_reqsize(sa->aead), gfp);
	if (ctx)
		ctx->sa = sa;
	return ctx;
}

struct aead_request *sgw_esp_req(struct sgw_esp_ctx *ctx)
{
	return (void *)((u8 *)ctx + req_offset());
}

void sgw_esp_ctx_free(struct sgw_esp_ctx *ctx)
{
	kfree_sensitive(ctx);
}

static int crypt(struct sgw_esp_ctx *ctx)
{
	struct aead_request *req = sgw_esp_req(ctx);

	return ctx->encrypt ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
}

/* force_async: the request runs here and completes through its callback. */
static void deferred(struct work_struct *work)
{
	struct sgw_esp_ctx *ctx = container_of(work, struct sgw_esp_ctx, work);
	int err = crypt(ctx);

	if (err == -EINPROGRESS || err == -EBUSY)
		return;
	local_bh_disable();
	aead_request_complete(sgw_esp_req(ctx), err);
	local_bh_enable();
}

/*
 * Start the request: its result, or -EINPROGRESS / -EBUSY when the
 * callback will have it (always under force_async).
 */
int sgw_esp_crypt(struct sgw_esp_ctx *ctx, bool encrypt)
{
	ctx->encrypt = encrypt;
	if (!ctx->sa->force_async)
		return crypt(ctx);
	INIT_WORK(&ctx->work, deferred);
	sgw_sa_defer(&ctx->work);
	return -EINPROGRESS;
}

/*
 * Build the request over AAD (from ctx->seq) and @iv_and_data in place:
 * @cryptlen bytes after the IV are processed, @icv_in says whether the ICV
 * follows them in the input (decryption).
 */
void sgw_esp_setup(struct sgw_esp_ctx *ctx, u8 *iv_and_data,
		   unsigned int cryptlen, unsigned int icv_in,
		   crypto_completion_t done, struct sk_buff *skb)
{
	const struct sgw_alg_desc *alg = ctx->sa->alg;
	struct aead_request *req = sgw_esp_req(ctx);
	unsigned int aadlen;

	ctx->aad[0] = ctx->sa->key.spi;
	if (ctx->sa->esn) {
		ctx->aad[1] = cpu_to_be32(upper_32_bits(ctx->seq));
		ctx->aad[2] = cpu_to_be32(lower_32_bits(ctx->seq));
		aadlen = 12;
	} else {
		ctx->aad[1] = cpu_to_be32(lower_32_bits(ctx->seq));
		aadlen = 8;
	}
	memcpy(ctx->iv, iv_and_data, alg->iv_len);
	sg_init_table(ctx->sg, 2);
	sg_set_buf(&ctx->sg[0], ctx->aad, aadlen);
	sg_set_buf(&ctx->sg[1], iv_and_data, alg->iv_len + cryptlen + alg->icv_len);
	aead_request_set_tfm(req, ctx->sa->aead);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG, done, skb);
	aead_request_set_ad(req, aadlen + alg->iv_len);
	aead_request_set_crypt(req, ctx->sg, ctx->sg, cryptlen + icv_in, ctx->iv);
}
