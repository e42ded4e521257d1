/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CHILD SAs: KEYMAT (§2.17) and their life in the kernel. A CHILD SA made
 * by rekeying may hold its outbound half back (make-before-break, see
 * ike_rekey.c): the keys wait here until the peer has switched.
 */
#ifndef IKE_CHILD_H
#define IKE_CHILD_H

#include <stdbool.h>
#include <stdint.h>

#include "ike_alg.h"
#include "ike_crypto.h"
#include "ike_engine.h"
#include "ike_ts.h"

struct ike_sa;
struct ike_tunnel;

struct ike_child {
	struct ike_child *next;
	/*
	 * The tunnel it serves: its IKE SA's, or for a tunnel-mode CHILD SA
	 * the peer asked for on the IKE SA of another tunnel between the
	 * same identities, that tunnel (it rides on that IKE SA: hosted).
	 * Its kernel SAs, selectors, proposals, stats and logs are this
	 * tunnel's.
	 */
	struct ike_tunnel *tun;
	uint32_t spi_in;		/* network byte order */
	uint32_t spi_out;
	struct ike_suite suite;
	enum ike_mode mode;		/* transport: the SGW-to-SGW CHILD SA */
	/*
	 * An additional tunnel-mode CHILD SA of its tunnel (one per subnet
	 * pair, say): its kernel SAs carry its selectors, the tunnel's own
	 * CHILD SA (the one IKE_AUTH made, or its successor) is another.
	 * Rekeys keep it; ike_tunnel_child() never returns one.
	 */
	bool own_ts;
	struct ike_ts_list local_ts;
	struct ike_ts_list remote_ts;
	ike_time_t created;
	ike_time_t rekey_at;		/* when the kernel's soft lifetime ends */
	unsigned int generation;	/* 1 for the first of its tunnel */
	bool delete_queued;		/* waiting for the request slot */
	bool deleting;			/* our DELETE is out */
	bool rekey_queued;		/* rekey waiting for the request slot */
	bool rekeyed;			/* replaced; only the DELETE is left */
	bool out_live;			/* the kernel sends with our outbound */
	bool retiring;			/* replaced and deleted: inbound lingers */
	ike_time_t retire_at;
	bool in_gone;			/* the kernel removed the inbound half */
	/* Outbound held back until @replaces is deleted or @out_deadline. */
	bool out_pending;
	ike_time_t out_deadline;
	uint32_t replaces;		/* spi_in of the CHILD SA it replaces */
	uint8_t out_ekey[IKE_ENC_KEY_MAX];
	uint8_t out_akey[IKE_INTEG_KEY_MAX];
	size_t ekey_len, akey_len;
	/* Nonces of the exchange that made it, for §2.8.1 collisions. */
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t ni_len, nr_len;
};

/* What makes a CHILD SA: the negotiated result and the KEYMAT input. */
struct ike_child_params {
	struct ike_tunnel *tun;		/* NULL: the IKE SA's */
	uint32_t spi_in;
	uint32_t spi_out;
	const struct ike_suite *suite;
	enum ike_mode mode;
	bool own_ts;			/* see struct ike_child */
	const struct ike_ts_list *local_ts;
	const struct ike_ts_list *remote_ts;
	/* KEYMAT = prf+(SK_d, [g^ir (new)] | Ni | Nr) of the creating exchange. */
	const uint8_t *shared;
	size_t shared_len;
	const uint8_t *ni, *nr;
	size_t ni_len, nr_len;
	bool we_initiated;		/* the creating exchange */
	uint32_t replaces;		/* spi_in of the CHILD SA it replaces */
	bool defer_out;			/* responder of a rekey: hold outbound */
};

/* A random inbound SPI outside the reserved 1..255, unused by the engine. */
uint32_t ike_child_alloc_spi(struct ike_engine *e);
/*
 * Derive keys and install inbound, then (unless deferred) outbound. NULL,
 * with nothing left in the kernel, on failure.
 */
struct ike_child *ike_child_create(struct ike_sa *sa,
				   const struct ike_child_params *p);
/*
 * Install a held-back outbound SA now; it replaces the tunnel's current one
 * of the same mode (the kernel keeps one outbound SA per mode).
 */
int ike_child_install_out(struct ike_sa *sa, struct ike_child *c);
/*
 * Put a live CHILD SA's outbound half back into the kernel after another
 * SA of the tunnel took its place (a crossing IKE SA that lost).
 */
int ike_child_restore_out(struct ike_sa *sa, struct ike_child *c);
/* Outbound first, so nothing more is sent on an SA about to vanish. */
void ike_child_destroy(struct ike_sa *sa, struct ike_child *c);
/*
 * A replaced CHILD SA both sides have deleted: outbound goes now, inbound
 * after IKE_CHILD_GRACE_MS for packets the peer encrypted just before it
 * switched (asynchronous crypto, queues) that are still on their way.
 */
#define IKE_CHILD_GRACE_MS 2000
void ike_child_retire(struct ike_sa *sa, struct ike_child *c);
/* Retire every CHILD SA of @from onto @to (reauthentication: @from goes). */
void ike_child_retire_all(struct ike_sa *from, struct ike_sa *to);
/* Remove retired CHILD SAs whose grace is over; when the next one is due. */
ike_time_t ike_child_reap(struct ike_sa *sa, ike_time_t now);
struct ike_child *ike_child_by_spi_in(struct ike_sa *sa, uint32_t spi);
struct ike_child *ike_child_by_spi_out(struct ike_sa *sa, uint32_t spi);
/* Not replaced, deleted or retiring: the one the tunnel uses. */
bool ike_child_current(const struct ike_child *c);
/*
 * A current tunnel-mode CHILD SA of tunnel @t on an established IKE SA
 * (its own or another tunnel's), and that SA in @sa; NULL if none.
 */
struct ike_child *ike_tunnel_child(const struct ike_engine *e,
				   const struct ike_tunnel *t,
				   struct ike_sa **sa);
/* The same, only on an IKE SA of another tunnel (hosted). */
struct ike_child *ike_tunnel_hosted(const struct ike_engine *e,
				    const struct ike_tunnel *t,
				    struct ike_sa **host);
/*
 * The current additional CHILD SAs of tunnel @t (own_ts) on @sa, and
 * whether one of them, or the tunnel's own CHILD SA, has exactly the
 * selectors @local and @remote.
 */
unsigned int ike_child_extra_count(const struct ike_sa *sa,
				   const struct ike_tunnel *t);
bool ike_child_ts_taken(const struct ike_sa *sa, const struct ike_tunnel *t,
			const struct ike_ts_list *local,
			const struct ike_ts_list *remote);
/* Additional CHILD SAs a tunnel takes besides its own (the kernel's 8). */
#define IKE_CHILD_EXTRA_MAX 7
/* The CHILD SA that replaces @c (made by rekeying it), if any. */
struct ike_child *ike_child_successor(struct ike_sa *sa,
				      const struct ike_child *c);

#endif
