/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IKE engine's kernel interface (ike_kernel.h), straight over sgw's
 * generic netlink (nl.h): maps a negotiated CHILD SA (IANA transforms,
 * KEYMAT) to an sgw algorithm and key layout, adds the per-tunnel settings
 * the engine does not carry (replay window, byte and packet limits, given
 * by kb_tunnel_set()), and calls sgwnl_sa_add/del. Each failure is logged
 * here, once, with the kernel's reason.
 *
 * Selectors: the module keeps one pair of selector lists per tunnel, none
 * per SA. While a tunnel-mode CHILD SA negotiated narrower selectors than
 * configured (RFC 7296 2.9), the kernel tunnel enforces the negotiated
 * ones; when its last tunnel-mode SA is gone the configured ones return,
 * so that a packet they allow can start a new negotiation. The module
 * matches addresses only: a selector's protocol and ports do not reach it.
 */
#ifndef SGWCTL_KBACKEND_H
#define SGWCTL_KBACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "ike_kernel.h"
#include "model.h"
#include "nl.h"

/* What the configuration says about a tunnel's SAs beyond the engine's. */
struct kb_tunnel_opts {
	uint32_t replay_window;
	uint64_t life_bytes;		/* 0: unlimited */
	uint64_t life_packets;
	/*
	 * remote = any: the kernel tunnel's remote address is set to the
	 * peer's when a CHILD SA is installed (the peer's address is known
	 * only once it negotiated).
	 */
	bool remote_any;
};

/* One tunnel-mode SA in the kernel. */
struct kb_sa_ref {
	uint32_t spi;			/* host order */
	unsigned int dir;		/* enum sgw_dir */
	bool own_ts;			/* carries its own selectors */
};

struct kb_tunnel {
	uint32_t id;
	struct kb_tunnel_opts opts;
	struct sgw_ts conf_local, conf_remote;	/* as configured */
	struct sgw_ts local, remote;		/* in the kernel now */
	struct kb_sa_ref *sas;
	size_t n_sas;
};

struct kbackend {
	struct sgwnl *nl;
	void (*log)(void *ctx, uint32_t tunnel, const char *msg);
	void *log_ctx;
	struct kb_tunnel *t;
	size_t n;
};

void kb_init(struct kbackend *kb, struct sgwnl *nl,
	     void (*log)(void *ctx, uint32_t tunnel, const char *msg),
	     void *log_ctx);
void kb_free(struct kbackend *kb);

/*
 * Tunnel @id as it now is in the kernel: its SA options and its configured
 * selectors (empty lists: any). Forgets the SAs known for it. 0 or -ENOMEM.
 */
int kb_tunnel_set(struct kbackend *kb, uint32_t id,
		  const struct kb_tunnel_opts *o, const struct sgw_ts *local,
		  const struct sgw_ts *remote);
void kb_tunnel_forget(struct kbackend *kb, uint32_t id);

/* The sgw algorithm of an IKE suite; 0 (SGW_ALG_UNSPEC) if none fits. */
uint32_t kb_alg(uint16_t encr, uint16_t encr_bits, uint16_t integ);

/*
 * Builds the SA request for @sa into @req, its key into @key (at least
 * SGW_KEY_MAX bytes). Returns 0, or -EOPNOTSUPP / -EINVAL with @err.
 */
int kb_build(const struct ike_kernel_sa *sa, const struct kb_tunnel_opts *o,
	     struct sgw_sa_request *req, uint8_t *key, char *err,
	     size_t errlen);

/*
 * The prefixes covering exactly the addresses of @l (ports and protocols
 * left out); a list that covers a whole family becomes the empty list
 * ("any"). -E2BIG when more than SGW_TS_MAX prefixes would be needed.
 */
int kb_ts_prefixes(const struct ike_ts_list *l, struct sgw_ts *out);

/* The ike_kernel the engine takes; @kb must outlive the engine. */
void kb_kernel(struct kbackend *kb, struct ike_kernel *out);

#endif
