/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IKE engine's kernel backend (ike_kernel.h) over sgw's SA commands:
 * maps a negotiated CHILD SA (IANA transforms, KEYMAT) to an sgw algorithm
 * and key layout, adds the per-tunnel settings the engine does not carry
 * (replay window, byte and packet limits), and calls the SA operations,
 * which are sgwnl_sa_add/del in the daemon and a fake in the tests.
 */
#ifndef SGWCTL_KBACKEND_H
#define SGWCTL_KBACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "ike_kernel.h"
#include "model.h"

struct kb_sa_ops {
	void *ctx;
	int (*add)(void *ctx, const struct sgw_sa_request *req);
	int (*del)(void *ctx, const struct sgw_sa_id *id);
	/* The reason of the last failure, for the log. */
	const char *(*error)(void *ctx);
};

/* What the configuration says about a tunnel's SAs beyond the engine's. */
struct kb_tunnel_opts {
	uint32_t replay_window;
	uint64_t life_bytes;		/* 0: unlimited */
	uint64_t life_packets;
};

struct kbackend {
	struct kb_sa_ops ops;
	/* Fills @o for tunnel @id; NULL leaves the kernel defaults. */
	int (*tunnel_opts)(void *ctx, uint32_t id, struct kb_tunnel_opts *o);
	void *opts_ctx;
	void (*log)(void *ctx, uint32_t tunnel, const char *msg);
	void *log_ctx;
};

/* The sgw algorithm of an IKE suite; 0 (SGW_ALG_UNSPEC) if none fits. */
uint32_t kb_alg(uint16_t encr, uint16_t encr_bits, uint16_t integ);

/*
 * Builds the SA request for @sa into @req, its key into @key (at least
 * SGW_KEY_MAX bytes). Returns 0, or -EOPNOTSUPP / -EINVAL with @err.
 */
int kb_build(const struct ike_kernel_sa *sa, const struct kb_tunnel_opts *o,
	     struct sgw_sa_request *req, uint8_t *key, char *err,
	     size_t errlen);

/* The ike_kernel the engine takes; @kb must outlive the engine. */
void kb_kernel(struct kbackend *kb, struct ike_kernel *out);

#endif
