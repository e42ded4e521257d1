/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which of our tunnels answers a peer. Several tunnels may share one
 * address pair. IKE_SA_INIT carries no identity, so a responder SA starts
 * on the first candidate (lowest id) whose IKE proposals fit; IKE_AUTH then
 * settles on the candidate whose identities match the peer's IDi (and IDr
 * if sent), then whose traffic selectors fit best (§2.9) — the way
 * strongSwan picks a peer config, then a child config.
 */
#ifndef IKE_SELECT_H
#define IKE_SELECT_H

#include <stddef.h>

#include "ike_sa.h"

/* The next tunnel for @local/@remote after @prev (NULL: the first), by id. */
struct ike_tunnel *ike_select_next(struct ike_engine *e,
				   const struct ike_tunnel *prev,
				   const struct sockaddr_storage *local,
				   const struct sockaddr_storage *remote);

/* Outcome of the IKE_AUTH choice, in words for the log. */
struct ike_choice {
	struct ike_tunnel *tun;		/* NULL: no tunnel takes this peer */
	struct ike_tunnel *closest;	/* without @tun: identity matched here */
	unsigned int candidates;	/* tunnels on the address pair */
	char why[1024];			/* why @tun, or why none */
};

/*
 * The tunnel for the IKE_AUTH request @p on responder SA @sa: its identity
 * (and the IDr it asked for) must match, its IKE proposals must allow the
 * suite already negotiated; among those the best fit of the proposed
 * traffic selectors wins, then the lowest id. Only records; the caller acts.
 */
void ike_select_auth(struct ike_sa *sa, const struct ike_payloads *p,
		     struct ike_choice *out);

/*
 * The tunnel a new tunnel-mode CHILD SA the peer asks for on @sa (a
 * CREATE_CHILD_SA without REKEY_SA) is for: the SA's own tunnel while it
 * lacks its CHILD SA, or another tunnel on the same address pair between
 * the same identities (the authenticated peer's and ours on @sa), whose
 * IKE proposals allow the SA's, and that has no CHILD SA; of those the
 * best fit of the selectors, the SA's own tunnel first, then the lowest
 * id. NULL, with the notify to refuse with and why, if none.
 */
struct ike_tunnel *ike_select_child(struct ike_sa *sa,
				    const struct ike_payloads *p, bool *extra,
				    uint16_t *refuse, char *why, size_t len);

#endif
