/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exchanges: the request/response machinery of one IKE SA (message IDs,
 * retransmission with exponential backoff, the response cache, §2.1-§2.3)
 * and the handlers per exchange type. A new exchange (CREATE_CHILD_SA,
 * liveness checks) adds a responder entry and a response handler.
 */
#ifndef IKE_EXCHANGE_H
#define IKE_EXCHANGE_H

#include "ike_msg.h"
#include "ike_sa.h"

/* Starts a request of @exchange with our next message ID. */
void ike_xchg_begin_request(struct ike_sa *sa, struct ike_msg_out *o,
			    uint8_t exchange);
/* Seals, sends and arms the retransmit timer; releases @o. */
int ike_xchg_send_request(struct ike_sa *sa, struct ike_msg_out *o,
			  ike_resp_fn handler);
/* The pending request is answered; start queued work. */
void ike_xchg_done(struct ike_sa *sa);
/* How long a request is retransmitted before the exchange gives up. */
ike_time_t ike_xchg_span(const struct ike_sa *sa);
void ike_xchg_begin_response(struct ike_sa *sa, struct ike_msg_out *o,
			     const struct ike_msg *req);
/* Seals, sends and caches the answer to @req; releases @o. */
int ike_xchg_send_response(struct ike_sa *sa, struct ike_msg_out *o,
			   const struct ike_msg *req);
/* A message for @sa: response matching, retransmits, dispatch. */
void ike_xchg_input(struct ike_sa *sa, struct ike_msg *m);
/* Retransmit or give up; the time the SA next needs a tick. */
ike_time_t ike_xchg_timer(struct ike_sa *sa, ike_time_t now);

/* IKE_SA_INIT (ike_init.c) */
int ike_init_start(struct ike_engine *e, struct ike_tunnel *t);
/* reauth = yes: a new IKE SA from scratch while @old carries traffic. */
int ike_init_reauth(struct ike_sa *old);
void ike_init_respond(struct ike_engine *e,
		      const struct sockaddr_storage *local,
		      const struct sockaddr_storage *remote,
		      struct ike_msg *m);

/* IKE_AUTH (ike_auth.c) */
int ike_auth_start(struct ike_sa *sa);
void ike_auth_respond(struct ike_sa *sa, struct ike_msg *m);

/* INFORMATIONAL (ike_info.c) */
void ike_info_respond(struct ike_sa *sa, struct ike_msg *m);
int ike_info_delete_ike(struct ike_sa *sa);
int ike_info_delete_children(struct ike_sa *sa);
int ike_info_auth_failed(struct ike_sa *sa);
/* An empty request (§1.4): the peer's answer proves it alive. */
int ike_info_liveness(struct ike_sa *sa);

/* CREATE_CHILD_SA (ike_rekey.c): rekeying CHILD and IKE SAs. */
void ike_rekey_respond(struct ike_sa *sa, struct ike_msg *m);
/* Rekey @c now, or when the request slot is free. */
int ike_rekey_child(struct ike_sa *sa, struct ike_child *c);
/* Start the next queued CHILD SA rekey. */
void ike_rekey_child_next(struct ike_sa *sa);
int ike_rekey_ike(struct ike_sa *sa);
int ike_rekey_ike_start(struct ike_sa *sa);
/* Held-back outbound SAs whose old SA was not deleted in time. */
void ike_rekey_timer(struct ike_sa *sa, ike_time_t now);
/* A new CHILD SA of @mode, replacing none (ike_gateway.c). */
int ike_create_child_start(struct ike_sa *sa, enum ike_mode mode);
/*
 * Ask the peer for a tunnel-mode CHILD SA of tunnel @t on @sa, the IKE SA
 * of another tunnel between the same identities (what charon does with
 * reuse_ikesa). Only the tests use it: sgw gives each tunnel its own IKE
 * SA, and accepts the peer's request (ike_select_child()).
 */
int ike_create_child_for(struct ike_sa *sa, struct ike_tunnel *t);
/*
 * An additional tunnel-mode CHILD SA of the IKE SA's tunnel with the
 * selectors @local and @remote (one subnet pair of several).
 */
int ike_create_child_extra(struct ike_sa *sa, const struct ike_ts_list *local,
			   const struct ike_ts_list *remote);

/*
 * CHILD SAs made with CREATE_CHILD_SA, not by rekeying (ike_gateway.c):
 * the SGW-to-SGW transport one (protect-gateways), and the tunnel's own
 * once it went away (the peer deleted it, or did not have it).
 */
#define IKE_GATEWAY_WAIT_MS 5000
/* Selectors of a CHILD SA of @mode: the tunnel's, or the two SGWs. */
void ike_child_selectors(const struct ike_sa *sa, const struct ike_tunnel *t,
			 enum ike_mode mode, struct ike_ts_list *local,
			 struct ike_ts_list *remote);
/* Exactly the two SGW addresses, any protocol: what the module protects. */
bool ike_gateway_ts_exact(const struct ike_sa *sa,
			  const struct ike_ts_list *local,
			  const struct ike_ts_list *remote);
/* @sa is up: when to ask for the SA (initiator now, responder later). */
void ike_gateway_established(struct ike_sa *sa);
void ike_gateway_timer(struct ike_sa *sa, ike_time_t now);
ike_time_t ike_gateway_next(const struct ike_sa *sa);
/* The request slot is free for a creation queued by ike_gateway_timer(). */
void ike_gateway_start_queued(struct ike_sa *sa);
void ike_gateway_failed(struct ike_sa *sa, enum ike_mode mode,
			const char *why);
/* A live CHILD SA of @mode that carries traffic now or after a rekey. */
bool ike_gateway_have_child(const struct ike_sa *sa, enum ike_mode mode);
/* Whether we are making one of @mode (asked, or queued). */
bool ike_gateway_creating(const struct ike_sa *sa, enum ike_mode mode);
/*
 * The tunnel-mode CHILD SA is missing: make it now (sgwctl refresh).
 * -EALREADY when it is there or under way.
 */
int ike_gateway_tunnel_now(struct ike_sa *sa);
void ike_gateway_up(struct ike_sa *sa, const struct ike_child *c,
		    const char *how);
/*
 * Tunnel @t got a CHILD SA on an IKE SA of its own: one riding on another
 * tunnel's IKE SA (both ends made one at once) is deleted.
 */
void ike_gateway_unhost(struct ike_engine *e, struct ike_tunnel *t);

/* Lifetimes, liveness and recovery (ike_life.c). */
void ike_life_peer_dead(struct ike_sa *sa);
/* Rekeys, expiry, liveness checks due at @now. */
void ike_life_timer(struct ike_sa *sa, ike_time_t now);
/* When ike_life_timer() next has work for @sa. */
ike_time_t ike_life_next(const struct ike_sa *sa);
ike_time_t ike_life_tunnel_timer(struct ike_engine *e, struct ike_tunnel *t,
				 ike_time_t now);
/* Initiator of a reauthentication: the new SA is up, the old one goes. */
void ike_life_reauth_done(struct ike_sa *sa);
/* A new IKE SA meant to replace @old (reauthentication) is being made. */
bool ike_life_reauth_pending(const struct ike_sa *old);
/* Responder: @sa, without INITIAL_CONTACT, replaces the tunnel's old SAs. */
void ike_life_replaces_old(struct ike_sa *sa);
/*
 * The peer deleted @sa, which replaced an SA by ike_life_replaces_old():
 * that one is kept after all (crossed initiations). False if none.
 */
bool ike_life_replacement_deleted(struct ike_sa *sa);
/*
 * @sa just came up while another IKE SA of its tunnel came up alongside
 * (both ends initiated at once): keep one, the same on both ends, and
 * delete the other.
 */
void ike_life_dedupe(struct ike_sa *sa);
/* A transient failure of a tunnel that should be up: try again later. */
void ike_life_retry_later(struct ike_engine *e, struct ike_tunnel *t);
/*
 * The peer took @t's IKE SA away (DELETE, INITIAL_CONTACT): a tunnel that
 * should be up (at-start, up) negotiates again by itself.
 */
void ike_life_lost(struct ike_engine *e, struct ike_tunnel *t);

#endif
