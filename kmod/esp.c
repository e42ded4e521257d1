// SPDX-License-Identifier: GPL-2.0
/*
 * Per-packet AEAD requests shared by the send and receive paths, and the
 * per-SA queue that keeps their order.
 *
 * Crypto may finish the packets of one SA in any order: an asynchronous
 * driver (cryptd, hardware) completes them from its workers, and two CPUs
 * encrypting the same SA race to the wire even when it is synchronous.
 * Yet a VPN must not reorder a flow, and the peer's anti-replay window
 * punishes packets that leave late. So every packet takes its place in
 * its SA's queue first: outbound together with its sequence number, under
 * the same lock, inbound as it arrives. When the crypto is done the packet
 * is only marked; whoever finds the head of the queue done completes the
 * packets from the head on, one CPU at a time, so they leave (or are
 * delivered) in queue order.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/random.h>
#include <linux/udp.h>
#include <linux/slab.h>
#include <asm/unaligned.h>
#include <crypto/internal/aead.h>
#include <net/esp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>

#include "compat.h"
#include "esp.h"

static unsigned int req_offset(void)
{
	return ALIGN(sizeof(struct sgw_esp_ctx), crypto_tfm_ctx_alignment());
}

static struct aead_request *esp_req(struct sgw_esp_ctx *ctx)
{
	return (void *)((u8 *)ctx + req_offset());
}

/*
 * The IV the request reads, after the request's own context and aligned
 * as the AEAD's driver requires (a driver with an alignmask may read it
 * with aligned loads; the crypto API does not realign an AEAD's IV).
 */
static u8 *esp_iv(struct sgw_esp_ctx *ctx)
{
	struct crypto_aead *aead = ctx->sa->aead;

	return PTR_ALIGN((u8 *)(esp_req(ctx) + 1) + crypto_aead_reqsize(aead),
			 crypto_aead_alignmask(aead) + 1);
}

struct sgw_esp_ctx *sgw_esp_ctx_alloc(struct sgw_sa *sa, gfp_t gfp)
{
	struct sgw_esp_ctx *ctx;

	ctx = kmalloc(req_offset() + sizeof(struct aead_request) +
		      crypto_aead_reqsize(sa->aead) +
		      crypto_aead_alignmask(sa->aead) + SGW_IV_MAX, gfp);
	if (ctx) {
		ctx->sa = sa;
		ctx->done = false;
	}
	return ctx;
}

void sgw_esp_ctx_free(struct sgw_esp_ctx *ctx)
{
	kfree_sensitive(ctx);
}

/*
 * Bytes an SA's ESP adds up to a payload of @len bytes: the UDP header of
 * ESP in UDP, the ESP header, IV, padding to the block, pad length, next
 * header and ICV; the outer IP header not counted.
 */
unsigned int sgw_esp_wire_len(const struct sgw_sa *sa, unsigned int len)
{
	const struct sgw_alg_desc *alg = sa->alg;

	return sgw_sa_udp_len(sa) + sizeof(struct ip_esp_hdr) + alg->iv_len +
	       ALIGN(len + 2, alg->block) + alg->icv_len;
}

/*
 * Frame @skb as ESP (RFC 4303 section 2): the ESP header and IV go after
 * its first @hlen bytes (transport mode: the IP header; tunnel mode:
 * none), for an SA with UDP encapsulation behind a UDP header (RFC 3948,
 * checksum 0 until sgw_esp_udp6_csum()), the trailer (padding 1, 2, 3,
 * ..., pad length, @nexthdr) and room for the ICV after the rest, with
 * headroom for an @outer-byte header and the link layer. Returns where
 * the IV starts and in *@plen the bytes to encrypt after it; NULL when
 * the ESP packet would exceed IP_MAX_MTU or memory ran out.
 */
u8 *sgw_esp_frame(struct sk_buff *skb, struct sgw_sa *sa, u64 seq,
		  unsigned int hlen, unsigned int outer, u8 nexthdr,
		  unsigned int *plen)
{
	const struct sgw_alg_desc *alg = sa->alg;
	unsigned int udp = sgw_sa_udp_len(sa);
	unsigned int esplen = udp + sizeof(struct ip_esp_hdr) + alg->iv_len;
	unsigned int len = skb->len - hlen, padlen, tail, i;
	struct ip_esp_hdr *esph;
	int hroom, troom;
	u8 *trailer;

	*plen = ALIGN(len + 2, alg->block);
	padlen = *plen - len - 2;
	tail = padlen + 2 + alg->icv_len;
	if (outer + hlen + sgw_esp_wire_len(sa, len) > IP_MAX_MTU)
		return NULL;
	hroom = max_t(int, 0, outer + esplen +
			      LL_RESERVED_SPACE(skb_dst(skb)->dev) -
			      skb_headroom(skb));
	troom = max_t(int, 0, tail - skb_tailroom(skb));
	if (skb_linearize(skb) ||
	    ((hroom || troom || skb_cloned(skb)) &&
	     pskb_expand_head(skb, hroom, troom, GFP_ATOMIC)))
		return NULL;

	trailer = skb_put(skb, tail);
	for (i = 0; i < padlen; i++)
		trailer[i] = i + 1;
	trailer[padlen] = padlen;
	trailer[padlen + 1] = nexthdr;
	skb_push(skb, esplen);
	memmove(skb->data, skb->data + esplen, hlen);
	if (udp) {
		struct udphdr *uh = (struct udphdr *)(skb->data + hlen);

		sgw_sa_ports(sa, &uh->source, &uh->dest);
		uh->len = htons(skb->len - hlen);
		uh->check = 0;
	}
	esph = (struct ip_esp_hdr *)(skb->data + hlen + udp);
	esph->spi = sa->key.spi;
	esph->seq_no = cpu_to_be32(lower_32_bits(seq));
	/*
	 * Counter-mode AEADs need a unique IV per key: the 64-bit sequence
	 * number is one. CBC needs an unpredictable one.
	 */
	if (alg->auth_key_len)
		get_random_bytes(esph + 1, alg->iv_len);
	else
		put_unaligned_be64(seq, esph + 1);
	return (u8 *)(esph + 1);
}

/*
 * The UDP checksum of encrypted ESP in UDP over IPv6, whose zero checksum
 * is not allowed (RFC 8200 section 8.1; RFC 6936 exempts tunnels that
 * negotiate it, which ESP in UDP does not). IPv4 sends 0 (RFC 3948 2.1).
 * The IPv6 header is in place, the UDP header @off bytes into the packet.
 */
void sgw_esp_udp6_csum(struct sk_buff *skb, unsigned int off)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct udphdr *uh = (struct udphdr *)(skb->data + off);
	unsigned int len = skb->len - off;

	uh->check = 0;
	uh->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len,
				    IPPROTO_UDP, skb_checksum(skb, off, len, 0));
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
	skb->ip_summed = CHECKSUM_NONE;
}

/*
 * Give @ctx its place at the tail of its SA's queue, with the next
 * outbound sequence number in ctx->seq when @take_seq. From then on the
 * packet ends through sgw_esp_done(). -ENOBUFS: the queue is full;
 * -EOVERFLOW: the sequence numbers ran out.
 */
int sgw_esp_enqueue(struct sgw_esp_ctx *ctx, struct sk_buff *skb,
		    void (*complete)(struct sgw_esp_ctx *ctx,
				     struct sk_buff *skb, int err),
		    bool take_seq)
{
	struct sgw_sa_queue *q = &ctx->sa->queue;
	int ret = 0;

	ctx->skb = skb;
	ctx->complete = complete;
	spin_lock_bh(&q->lock);
	if (q->len >= SGW_ESP_QUEUE_MAX)
		ret = -ENOBUFS;
	else if (take_seq && !sgw_sa_next_seq(ctx->sa, &ctx->seq))
		ret = -EOVERFLOW;
	if (!ret) {
		list_add_tail(&ctx->node, &q->list);
		q->len++;
	}
	spin_unlock_bh(&q->lock);
	return ret;
}

/*
 * Mark @ctx finished and, unless another CPU is at it, complete every
 * finished packet from the head of the queue on, in order.
 */
void sgw_esp_done(struct sgw_esp_ctx *ctx, int err)
{
	struct sgw_sa *sa = ctx->sa;
	struct sgw_sa_queue *q = &sa->queue;
	struct sgw_esp_ctx *head;

	/* Completions run with BH off, whatever context the driver calls from. */
	local_bh_disable();
	spin_lock(&q->lock);
	ctx->err = err;
	ctx->done = true;
	if (q->busy) {
		spin_unlock(&q->lock);
		local_bh_enable();
		return;
	}
	q->busy = true;
	/* The last packet's completion may drop the last reference otherwise. */
	refcount_inc(&sa->refs);
	while ((head = list_first_entry_or_null(&q->list, struct sgw_esp_ctx,
						node)) && head->done) {
		list_del(&head->node);
		q->len--;
		spin_unlock(&q->lock);
		head->complete(head, head->skb, head->err);
		spin_lock(&q->lock);
	}
	q->busy = false;
	spin_unlock(&q->lock);
	sgw_sa_put(sa);
	local_bh_enable();
}

static void crypto_done(sgw_crypto_cb_arg arg, int err)
{
	/* A backlogged request reports once when it starts, then finishes. */
	if (err == -EINPROGRESS)
		return;
	sgw_esp_done(sgw_crypto_cb_data(arg), err);
}

/*
 * Build the request over AAD (from ctx->seq) and @iv_and_data in place:
 * @cryptlen bytes after the IV are processed, @icv_in says whether the ICV
 * follows them in the input (decryption).
 */
void sgw_esp_setup(struct sgw_esp_ctx *ctx, u8 *iv_and_data,
		   unsigned int cryptlen, unsigned int icv_in)
{
	const struct sgw_alg_desc *alg = ctx->sa->alg;
	struct aead_request *req = esp_req(ctx);
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
	memcpy(esp_iv(ctx), iv_and_data, alg->iv_len);
	sg_init_table(ctx->sg, 2);
	sg_set_buf(&ctx->sg[0], ctx->aad, aadlen);
	sg_set_buf(&ctx->sg[1], iv_and_data, alg->iv_len + cryptlen + alg->icv_len);
	aead_request_set_tfm(req, ctx->sa->aead);
	/* The queue bounds what waits: a backlog beyond the driver's is fine. */
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG, crypto_done,
				  ctx);
	aead_request_set_ad(req, aadlen + alg->iv_len);
	aead_request_set_crypt(req, ctx->sg, ctx->sg, cryptlen + icv_in,
			       esp_iv(ctx));
}

static int crypt(struct sgw_esp_ctx *ctx)
{
	struct aead_request *req = esp_req(ctx);

	return ctx->encrypt ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
}

/* force_async: the request runs here and completes through its callback. */
static void deferred(struct work_struct *work)
{
	struct sgw_esp_ctx *ctx = container_of(work, struct sgw_esp_ctx, work);
	int err = crypt(ctx);

	if (err == -EINPROGRESS || err == -EBUSY)
		return;
	aead_request_complete(esp_req(ctx), err);
}

#ifdef SGW_SELFTEST
/*
 * Process context, outside any SA queue (the self-tests): run the request
 * sgw_esp_setup() built and wait for it, however the driver completes.
 */
int sgw_esp_crypt_wait(struct sgw_esp_ctx *ctx, bool encrypt)
{
	struct aead_request *req = esp_req(ctx);
	DECLARE_CRYPTO_WAIT(wait);

	ctx->encrypt = encrypt;
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				  CRYPTO_TFM_REQ_MAY_SLEEP, crypto_req_done,
				  &wait);
	return crypto_wait_req(crypt(ctx), &wait);
}
#endif

/* Start the crypto of a queued packet; it ends in sgw_esp_done(). */
void sgw_esp_submit(struct sgw_esp_ctx *ctx, bool encrypt)
{
	int err;

	ctx->encrypt = encrypt;
	if (ctx->sa->force_async) {
		INIT_WORK(&ctx->work, deferred);
		sgw_sa_defer(&ctx->work);
		return;
	}
	err = crypt(ctx);
	if (err == -EINPROGRESS || err == -EBUSY)
		return;
	sgw_esp_done(ctx, err);
}
