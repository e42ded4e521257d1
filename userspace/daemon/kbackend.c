// SPDX-License-Identifier: GPL-2.0
/* ike_kernel over sgw SA operations; see kbackend.h. */

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ike_alg.h"
#include "kbackend.h"

uint32_t kb_alg(uint16_t encr, uint16_t encr_bits, uint16_t integ)
{
	switch (encr) {
	case IKE_ENCR_AES_GCM_16:
		if (integ != IKE_INTEG_NONE)
			return SGW_ALG_UNSPEC;
		return encr_bits == 128 ? SGW_ALG_AES_GCM_128 :
		       encr_bits == 256 ? SGW_ALG_AES_GCM_256 : SGW_ALG_UNSPEC;
	case IKE_ENCR_CHACHA20_POLY1305:
		return integ == IKE_INTEG_NONE ? SGW_ALG_CHACHA20_POLY1305 :
		       SGW_ALG_UNSPEC;
	case IKE_ENCR_AES_CBC:
		if (integ != IKE_INTEG_HMAC_SHA2_256_128)
			return SGW_ALG_UNSPEC;
		return encr_bits == 128 ? SGW_ALG_AES_CBC_128_SHA256 :
		       encr_bits == 256 ? SGW_ALG_AES_CBC_256_SHA256 :
		       SGW_ALG_UNSPEC;
	}
	return SGW_ALG_UNSPEC;
}

int kb_build(const struct ike_kernel_sa *sa, const struct kb_tunnel_opts *o,
	     struct sgw_sa_request *req, uint8_t *key, char *err,
	     size_t errlen)
{
	uint32_t alg = kb_alg(sa->encr, sa->encr_bits, sa->integ);
	const struct sgw_alg_desc *d = sgw_alg_by_id(alg);
	size_t n;

	memset(req, 0, sizeof(*req));
	if (!d) {
		char e[32], i[32];

		snprintf(err, errlen, "the sgw data plane has no ESP algorithm "
			 "for %s%s%s", ike_alg_name(IKE_XF_ENCR, sa->encr,
						    sa->encr_bits, e, sizeof(e)),
			 sa->integ ? " with " : "",
			 sa->integ ? ike_alg_name(IKE_XF_INTEG, sa->integ, 0,
						  i, sizeof(i)) : "");
		return -EOPNOTSUPP;
	}
	n = sa->enc_key_len + (sa->integ ? sa->integ_key_len : 0);
	if (n != d->key_len || (sa->integ && !sa->integ_key)) {
		snprintf(err, errlen, "%s needs %zu bytes of key material, the "
			 "negotiation gave %zu", d->name, d->key_len, n);
		return -EINVAL;
	}
	/* AEAD: key || salt as KEYMAT has them; CBC: AES key || HMAC key. */
	memcpy(key, sa->enc_key, sa->enc_key_len);
	if (sa->integ)
		memcpy(key + sa->enc_key_len, sa->integ_key, sa->integ_key_len);
	req->sa.tunnel_id = sa->tunnel;
	req->sa.spi = ntohl(sa->spi);
	req->sa.dir = sa->dir == IKE_DIR_IN ? SGW_DIR_IN : SGW_DIR_OUT;
	/* Transport: the SGW-to-SGW SA of protect-gateways. */
	req->sa.mode = sa->mode == IKE_MODE_TRANSPORT ? SGW_MODE_TRANSPORT :
			SGW_MODE_TUNNEL;
	req->sa.alg = alg;
	req->sa.esn = sa->esn;
	req->sa.soft_seconds = sa->soft_lifetime_s;
	req->sa.hard_seconds = sa->hard_lifetime_s;
	if (o) {
		/* Soft limits at 90%, where rekeying is to start. */
		req->sa.hard_bytes = o->life_bytes;
		req->sa.soft_bytes = o->life_bytes - o->life_bytes / 10;
		req->sa.hard_packets = o->life_packets;
		req->sa.soft_packets = o->life_packets - o->life_packets / 10;
		if (req->sa.dir == SGW_DIR_IN) {
			req->sa.replay_window = o->replay_window;
			req->replay_window_given = true;
		}
	}
	req->key = key;
	req->key_len = n;
	return 0;
}

static void kb_log(struct kbackend *kb, uint32_t tunnel, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void kb_log(struct kbackend *kb, uint32_t tunnel, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!kb->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kb->log(kb->log_ctx, tunnel, msg);
}

static int add_sa(void *ctx, const struct ike_kernel_sa *sa)
{
	struct kbackend *kb = ctx;
	struct kb_tunnel_opts o, *op = NULL;
	struct sgw_sa_request req;
	uint8_t key[SGW_KEY_MAX];
	char err[256], spi[16];
	int ret;

	if (kb->tunnel_opts && !kb->tunnel_opts(kb->opts_ctx, sa->tunnel, &o))
		op = &o;
	snprintf(spi, sizeof(spi), "%08x", ntohl(sa->spi));
	ret = kb_build(sa, op, &req, key, err, sizeof(err));
	if (ret) {
		kb_log(kb, sa->tunnel, "cannot install SA %s: %s", spi, err);
		explicit_bzero(key, sizeof(key));
		return ret;
	}
	ret = kb->ops.add(kb->ops.ctx, &req);
	explicit_bzero(key, sizeof(key));
	if (ret)
		kb_log(kb, sa->tunnel, "the kernel refused SA %s: %s", spi,
		       kb->ops.error ? kb->ops.error(kb->ops.ctx) : strerror(-ret));
	return ret;
}

static int del_sa(void *ctx, uint32_t tunnel, enum ike_dir dir, uint32_t spi)
{
	struct kbackend *kb = ctx;
	struct sgw_sa_id id = {
		.tunnel_id = tunnel,
		.spi = ntohl(spi),
		.dir = dir == IKE_DIR_IN ? SGW_DIR_IN : SGW_DIR_OUT,
	};
	int ret = kb->ops.del(kb->ops.ctx, &id);

	/* Gone already (hard expiry, tunnel deleted): nothing to undo. */
	if (ret && ret != -ENOENT) {
		char s[16];

		snprintf(s, sizeof(s), "%08x", id.spi);
		kb_log(kb, tunnel, "could not remove SA %s: %s", s,
		       kb->ops.error ? kb->ops.error(kb->ops.ctx) : strerror(-ret));
	}
	return ret == -ENOENT ? 0 : ret;
}

void kb_kernel(struct kbackend *kb, struct ike_kernel *out)
{
	out->ctx = kb;
	out->add_sa = add_sa;
	out->del_sa = del_sa;
}
