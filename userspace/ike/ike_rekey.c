// SPDX-License-Identifier: GPL-2.0
/*
 * CREATE_CHILD_SA (§1.3): rekeying CHILD SAs (§2.8) and the IKE SA (§2.18),
 * both roles, with the collision rule of §2.8.1.
 *
 * CHILD SAs are replaced make-before-break. The responder installs the new
 * inbound SA when it answers but keeps sending on the old outbound SA; the
 * initiator installs both halves when the answer arrives, switches its
 * outbound at once and then deletes the old pair. The responder switches
 * its outbound when that DELETE arrives (or after the initiator's whole
 * retransmission span), so each side only ever sends on an SA whose
 * inbound half the other side already has.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_child.h"
#include "ike_exchange.h"
#include "ike_proposal.h"
#include "ike_select.h"

#define NONCE_LEN 32
#define KE_TRIES 2
/* Retry after TEMPORARY_FAILURE (§2.25): a few seconds, at random. */
#define RETRY_MIN_MS 2000
#define RETRY_SPREAD_MS 3000

static ike_time_t retry_delay(void)
{
	uint32_t r = 0;

	ike_random(&r, sizeof(r));
	return RETRY_MIN_MS + r % RETRY_SPREAD_MS;
}

static int nonce_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	return c ? c : (al > bl) - (al < bl);
}

/*
 * §2.8.1: of two exchanges that rekeyed the same SA, the one holding the
 * lowest of the four nonces made the redundant SA. True if that is ours.
 */
static bool ours_redundant(const uint8_t *oi, size_t oil, const uint8_t *or_,
			   size_t orl, const uint8_t *pi, size_t pil,
			   const uint8_t *pr, size_t prl)
{
	bool olow = nonce_cmp(oi, oil, or_, orl) < 0;
	bool plow = nonce_cmp(pi, pil, pr, prl) < 0;

	return nonce_cmp(olow ? oi : or_, olow ? oil : orl,
			 plow ? pi : pr, plow ? pil : prl) < 0;
}

static void refuse(struct ike_sa *sa, struct ike_msg *m, uint16_t type,
		   const uint8_t *data, size_t len)
{
	struct ike_msg_out o;

	ike_xchg_begin_response(sa, &o, m);
	ike_enc_notify(&o.chain, 0, NULL, 0, type, data, len);
	ike_xchg_send_response(sa, &o, m);
}

static void refuse_ke(struct ike_sa *sa, struct ike_msg *m, uint16_t group)
{
	uint8_t g[2];

	ike_put16(g, group);
	refuse(sa, m, IKE_N_INVALID_KE_PAYLOAD, g, 2);
}

/* The DH secret for @ke with a fresh key of its group; the public in @pub. */
static int dh_respond(const struct ike_pl_ke *ke, uint8_t *pub,
		      size_t *pub_len, uint8_t *shared, size_t *slen)
{
	struct ike_dh *dh = ike_dh_new(ke->group);
	int ret = -1;

	*pub_len = ike_dh_pub_len(ke->group);
	if (dh && !ike_dh_public(dh, pub, *pub_len) &&
	    !ike_dh_derive(dh, ke->data, ke->len, shared, slen))
		ret = 0;
	ike_dh_free(dh);
	return ret;
}

static void rekey_end(struct ike_sa *sa)
{
	ike_dh_free(sa->rekey.dh);
	OPENSSL_cleanse(&sa->rekey, sizeof(sa->rekey));
}

/* Retry a refused rekey a little later (the life timer picks it up). */
static void rekey_later(struct ike_sa *sa, struct ike_child *c)
{
	ike_time_t at = sa->eng->now + retry_delay();

	if (c)
		c->rekey_at = at;
	else if (!sa->superseded)
		sa->rekey_at = at;
}

/* ---- CHILD SAs ---------------------------------------------------------- */

static void child_response(struct ike_sa *sa, struct ike_msg *m);

static uint16_t esp_dh_group(const struct ike_tunnel_config *cfg)
{
	return cfg->n_esp && cfg->esp[0].n[IKE_XF_DH] ?
	       cfg->esp[0].alg[IKE_XF_DH][0].id : 0;
}

static int child_send(struct ike_sa *sa)
{
	struct ike_rekey *r = &sa->rekey;
	const struct ike_tunnel_config *cfg = &r->tun->cfg;
	struct ike_ts_list tsi, tsr;
	uint8_t pub[IKE_DH_MAX];
	struct ike_msg_out o;
	struct ike_pl_sa pl;

	ike_xchg_begin_request(sa, &o, IKE_CREATE_CHILD_SA);
	if (!r->create)
		ike_enc_notify(&o.chain, IKE_PROTO_ESP,
			       (const uint8_t *)&r->old_spi_in, 4,
			       IKE_N_REKEY_SA, NULL, 0);
	if (r->mode == IKE_MODE_TRANSPORT)
		ike_enc_notify(&o.chain, 0, NULL, 0, IKE_N_USE_TRANSPORT_MODE,
			       NULL, 0);
	ike_proposals_to_sa(cfg->esp, cfg->n_esp,
			    (const uint8_t *)&r->new_spi_in, 4, false, &pl);
	ike_enc_sa(&o.chain, &pl);
	ike_enc_nonce(&o.chain, r->ni, r->ni_len);
	if (r->dh) {
		uint16_t g = ike_dh_group(r->dh);

		if (ike_dh_public(r->dh, pub, ike_dh_pub_len(g)))
			o.buf.err = true;
		else
			ike_enc_ke(&o.chain, g, pub, ike_dh_pub_len(g));
	}
	/* An additional CHILD SA keeps its selectors across rekeys. */
	if (r->own_ts) {
		tsi = r->own_local_ts;
		tsr = r->own_remote_ts;
	} else {
		ike_child_selectors(sa, r->tun, r->mode, &tsi, &tsr);
	}
	ike_enc_ts(&o.chain, IKE_PL_TSI, &tsi);
	ike_enc_ts(&o.chain, IKE_PL_TSR, &tsr);
	return ike_xchg_send_request(sa, &o, child_response);
}

/*
 * A CHILD SA of @mode replacing @c, or with @c NULL a new one for tunnel
 * @t (NULL: the IKE SA's).
 */
static int child_start_ts(struct ike_sa *sa, struct ike_child *c,
			  enum ike_mode mode, struct ike_tunnel *t,
			  const struct ike_ts_list *own_local,
			  const struct ike_ts_list *own_remote)
{
	struct ike_rekey *r = &sa->rekey;
	uint16_t group;

	t = c ? c->tun : t ? t : sa->tun;
	group = esp_dh_group(&t->cfg);
	rekey_end(sa);
	r->tun = t;
	r->active = true;
	r->create = !c;
	r->mode = mode;
	r->old_spi_in = c ? c->spi_in : 0;
	r->own_ts = c ? c->own_ts : own_local != NULL;
	if (c && c->own_ts) {
		r->own_local_ts = c->local_ts;
		r->own_remote_ts = c->remote_ts;
	} else if (!c && own_local) {
		r->own_local_ts = *own_local;
		r->own_remote_ts = *own_remote;
	}
	r->new_spi_in = ike_child_alloc_spi(sa->eng);
	r->ni_len = NONCE_LEN;
	if (!r->new_spi_in || ike_random(r->ni, r->ni_len) ||
	    (group && !(r->dh = ike_dh_new(group))) || child_send(sa)) {
		rekey_end(sa);
		if (c)
			rekey_later(sa, c);
		else if (t == sa->tun && !own_local)
			ike_gateway_failed(sa, mode,
					   "could not send the request");
		return -1;
	}
	if (own_local && !c)
		ike_log(sa->eng, IKE_LOG_INFO, t, "asking the peer for an "
			"additional CHILD SA");
	else if (c)
		ike_log(sa->eng, IKE_LOG_INFO, t,
			"rekeying CHILD SA in %08x out %08x", ntohl(c->spi_in),
			ntohl(c->spi_out));
	else if (t != sa->tun)
		ike_log(sa->eng, IKE_LOG_INFO, t, "asking the peer for the "
			"tunnel's CHILD SA on the IKE SA of tunnel %u",
			sa->tun->cfg.id);
	else if (mode == IKE_MODE_TRANSPORT)
		ike_log(sa->eng, IKE_LOG_INFO, sa->tun, "asking the peer for "
			"the SGW-to-SGW CHILD SA (protect-gateways)");
	return 0;
}

static int child_start(struct ike_sa *sa, struct ike_child *c,
		       enum ike_mode mode, struct ike_tunnel *t)
{
	return child_start_ts(sa, c, mode, t, NULL, NULL);
}

int ike_create_child_extra(struct ike_sa *sa, const struct ike_ts_list *local,
			   const struct ike_ts_list *remote)
{
	if (sa->state != IKE_SA_ESTABLISHED || sa->req.active)
		return -EBUSY;
	return child_start_ts(sa, NULL, IKE_MODE_TUNNEL, sa->tun, local,
			      remote);
}

int ike_create_child_start(struct ike_sa *sa, enum ike_mode mode)
{
	return child_start(sa, NULL, mode, NULL);
}

int ike_create_child_for(struct ike_sa *sa, struct ike_tunnel *t)
{
	if (sa->state != IKE_SA_ESTABLISHED || sa->req.active)
		return -EBUSY;
	return child_start(sa, NULL, IKE_MODE_TUNNEL, t);
}

static bool rekeyable(const struct ike_child *c)
{
	return !c->rekeyed && !c->deleting && !c->delete_queued;
}

/*
 * Ours to rekey: not if the peer rekeyed it already (we answered, and it
 * only waits for the peer's DELETE). Rekeying it again made a second new
 * SA, which the peer, seeing a collision where we saw none, left to us to
 * delete.
 */
static bool ours_to_rekey(struct ike_sa *sa, const struct ike_child *c)
{
	return rekeyable(c) && !ike_child_successor(sa, c);
}

int ike_rekey_child(struct ike_sa *sa, struct ike_child *c)
{
	if (!ours_to_rekey(sa, c) || c->rekey_queued ||
	    (sa->rekey.active && !sa->rekey.ike &&
	     sa->rekey.old_spi_in == c->spi_in))
		return -EALREADY;
	c->rekey_queued = true;
	if (sa->req.active || sa->state != IKE_SA_ESTABLISHED) {
		sa->tasks |= IKE_TASK_REKEY_CHILD;
		return 0;
	}
	ike_rekey_child_next(sa);
	return 0;
}

void ike_rekey_child_next(struct ike_sa *sa)
{
	struct ike_child *c, *next = NULL;

	for (c = sa->children; c; c = c->next) {
		if (!c->rekey_queued)
			continue;
		if (!ours_to_rekey(sa, c)) {
			c->rekey_queued = false;
			continue;
		}
		if (next) {
			sa->tasks |= IKE_TASK_REKEY_CHILD;
			break;
		}
		next = c;
	}
	if (!next)
		return;
	next->rekey_queued = false;
	child_start(sa, next, next->mode, NULL);
}

static void log_child_rekey(struct ike_sa *sa, const struct ike_child *old,
			    uint32_t old_in, uint32_t old_out,
			    const struct ike_child *c, const char *how)
{
	char esp[96];

	ike_suite_format(&c->suite, IKE_PROTO_ESP, esp, sizeof(esp));
	ike_log(sa->eng, IKE_LOG_INFO, c->tun,
		"CHILD SA in %08x out %08x rekeyed%s: now in %08x out %08x (%s, "
		"generation %u)%s", ntohl(old ? old->spi_in : old_in),
		ntohl(old ? old->spi_out : old_out), c->suite.dh ? " with PFS" :
		"", ntohl(c->spi_in), ntohl(c->spi_out), esp, c->generation,
		how);
}

/* A refusal of our rekey: try again, give up on the SA, or let the peer's win. */
static void child_refused(struct ike_sa *sa, struct ike_child *old,
			  const struct ike_pl_notify *n, const char *why)
{
	struct ike_rekey *r = &sa->rekey;
	struct ike_tunnel *t = r->tun;
	const struct ike_tunnel_config *cfg = &t->cfg;
	char addr[64], list[512], msg[800], full[900];
	uint32_t old_spi;
	uint16_t group;

	ike_addr_str(&sa->remote, addr, sizeof(addr));
	if (n && n->type == IKE_N_INVALID_KE_PAYLOAD && r->ke_tries++ < KE_TRIES) {
		group = n->len == 2 ? ike_get16(n->data) : 0;
		if (ike_proposal_has_dh(cfg->esp, cfg->n_esp, group)) {
			ike_dh_free(r->dh);
			r->dh = ike_dh_new(group);
			if (r->dh && !child_send(sa))
				return;
		}
	}
	if (n && n->type == IKE_N_NO_PROPOSAL_CHOSEN)
		ike_proposals_format(cfg->esp, cfg->n_esp, list, sizeof(list));
	snprintf(msg, sizeof(msg), "%s%s%s", n ? ike_notify_name(n->type) : why,
		 n && n->type == IKE_N_NO_PROPOSAL_CHOSEN ?
		 "; we offered ESP " : "",
		 n && n->type == IKE_N_NO_PROPOSAL_CHOSEN ? list : "");
	if (r->create) {
		enum ike_mode mode = r->mode;
		bool own = r->own_ts;

		rekey_end(sa);
		ike_xchg_done(sa);
		snprintf(full, sizeof(full), "peer %s refused it: %s", addr, msg);
		if (own)
			ike_log(sa->eng, IKE_LOG_WARN, t, "no additional CHILD "
				"SA: %s", full);
		else if (t == sa->tun)
			ike_gateway_failed(sa, mode, full);
		else
			ike_log(sa->eng, IKE_LOG_WARN, t, "no CHILD SA on the "
				"IKE SA of tunnel %u: %s", sa->tun->cfg.id,
				full);
		return;
	}
	ike_log(sa->eng, IKE_LOG_WARN, t,
		"peer %s refused to rekey CHILD SA in %08x: %s", addr,
		ntohl(r->old_spi_in), msg);
	old_spi = r->old_spi_in;
	rekey_end(sa);
	ike_xchg_done(sa);
	/* Queued work (a DELETE of the IKE SA) may have taken it away. */
	old = old ? ike_child_by_spi_in(sa, old_spi) : NULL;
	if (!old)
		return;
	if (n && n->type == IKE_N_CHILD_SA_NOT_FOUND) {
		/* The peer has no such SA: ours is useless. */
		old->delete_queued = true;
		ike_info_delete_children(sa);
		return;
	}
	rekey_later(sa, old);
}

/* What makes the answer to our CREATE_CHILD_SA unusable; NULL if nothing. */
static const char *answer_problem(struct ike_sa *sa,
				  const struct ike_payloads *p,
				  struct ike_suite *suite, uint8_t *shared,
				  size_t *slen)
{
	struct ike_rekey *r = &sa->rekey;
	const struct ike_tunnel_config *cfg = &r->tun->cfg;
	bool transport = ike_pl_notify_find(p, IKE_N_USE_TRANSPORT_MODE);
	struct ike_ts_list l, rt;

	if (!ike_pl_has(p, IKE_PL_SA) || !ike_pl_has(p, IKE_PL_NONCE) ||
	    !ike_pl_has(p, IKE_PL_TSI) || !ike_pl_has(p, IKE_PL_TSR))
		return "incomplete answer";
	if (p->nonce.len < ike_prf_len(sa->suite.prf) / 2)
		return "nonce shorter than half the PRF's key (RFC 7296 2.10)";
	if (ike_proposal_accept(cfg->esp, cfg->n_esp, &p->sa, IKE_PROTO_ESP, 4,
				false, suite))
		return "answered with an ESP proposal we did not offer";
	if (transport != (r->mode == IKE_MODE_TRANSPORT))
		return transport ? "answered in transport mode" :
		       "answered in tunnel mode, not transport mode";
	ike_child_selectors(sa, r->tun, r->mode, &l, &rt);
	if (!ike_ts_list_subset(&p->tsi, &l) ||
	    !ike_ts_list_subset(&p->tsr, &rt) ||
	    (transport && !ike_gateway_ts_exact(sa, &p->tsi, &p->tsr)))
		return "answered with traffic selectors outside ours";
	if (suite->dh && (!r->dh || suite->dh != ike_dh_group(r->dh) ||
			  !ike_pl_has(p, IKE_PL_KE) ||
			  p->ke.group != suite->dh ||
			  ike_dh_derive(r->dh, p->ke.data, p->ke.len, shared,
					slen)))
		return "unusable key exchange";
	return NULL;
}

static void child_response(struct ike_sa *sa, struct ike_msg *m)
{
	const struct ike_payloads *p = &m->pl;
	struct ike_rekey *r = &sa->rekey;
	struct ike_child *old = r->create ? NULL :
				ike_child_by_spi_in(sa, r->old_spi_in);
	struct ike_child *peer = r->collided_spi_in ?
				 ike_child_by_spi_in(sa, r->collided_spi_in) :
				 NULL;
	struct ike_tunnel *t = r->tun;
	uint8_t shared[IKE_DH_MAX];
	struct ike_child_params cp;
	struct ike_suite suite;
	struct ike_child *c;
	const char *why;
	uint32_t old_spi;
	size_t slen = 0;
	bool lose, create, dup;

	/* Its tunnel was removed meanwhile (ike_engine_remove_tunnel()). */
	if (!t) {
		rekey_end(sa);
		ike_xchg_done(sa);
		return;
	}
	why = ike_pl_notify_error(p) ? "" :
	      answer_problem(sa, p, &suite, shared, &slen);
	if (why) {
		OPENSSL_cleanse(shared, sizeof(shared));
		child_refused(sa, old, ike_pl_notify_error(p), why);
		return;
	}
	lose = peer && ours_redundant(r->ni, r->ni_len, p->nonce.data,
				      p->nonce.len, peer->ni, peer->ni_len,
				      peer->nr, peer->nr_len);
	/* A hosted one whose tunnel got another meanwhile (its own IKE SA). */
	dup = r->create && t != sa->tun && ike_tunnel_child(sa->eng, t, NULL);
	cp = (struct ike_child_params){
		.tun = t,
		.spi_in = r->new_spi_in,
		.suite = &suite,
		.mode = r->mode,
		.own_ts = r->own_ts,
		.local_ts = &p->tsi,
		.remote_ts = &p->tsr,
		.shared = shared,
		.shared_len = slen,
		.ni = r->ni,
		.ni_len = r->ni_len,
		.nr = p->nonce.data,
		.nr_len = p->nonce.len,
		.we_initiated = true,
		.replaces = r->old_spi_in,
		.defer_out = lose || dup,
	};
	memcpy(&cp.spi_out, p->sa.prop[0].spi, 4);
	c = ike_child_create(sa, &cp);
	OPENSSL_cleanse(shared, sizeof(shared));
	create = r->create;
	old_spi = r->old_spi_in;
	rekey_end(sa);
	if (!c && create) {
		ike_xchg_done(sa);
		if (cp.own_ts)
			ike_log(sa->eng, IKE_LOG_ERR, t, "the kernel refused "
				"the additional CHILD SA");
		else if (t == sa->tun)
			ike_gateway_failed(sa, cp.mode, "the kernel refused it");
		else
			ike_log(sa->eng, IKE_LOG_ERR, t, "the kernel refused "
				"the CHILD SA");
		return;
	}
	if (!c) {
		ike_log(sa->eng, IKE_LOG_ERR, t, "the kernel refused the "
			"rekeyed CHILD SA; trying again shortly");
		ike_xchg_done(sa);
		old = old ? ike_child_by_spi_in(sa, old_spi) : NULL;
		if (old)
			rekey_later(sa, old);
		return;
	}
	if (dup && !peer) {
		ike_log(sa->eng, IKE_LOG_INFO, t, "the tunnel has a CHILD SA "
			"already; deleting the one just made on the IKE SA of "
			"tunnel %u", sa->tun->cfg.id);
		c->rekeyed = true;
		c->delete_queued = true;
		lose = true;
	}
	if (peer) {
		t->stats.collisions++;
		/* The loser's SA goes; the winner deletes the old one. */
		if (lose) {
			c->rekeyed = true;
			c->delete_queued = true;
		} else {
			peer->rekeyed = true;
		}
		if (create)
			ike_log(sa->eng, IKE_LOG_INFO, t, "both ends made "
				"the %s CHILD SA at once: %s (lowest nonce, RFC "
				"7296 2.8.1)", cp.mode == IKE_MODE_TRANSPORT ?
				"SGW-to-SGW" : "tunnel's", lose ? "the peer's "
				"stays, ours is deleted" : "ours stays, the peer "
				"deletes its own");
		else
			ike_log(sa->eng, IKE_LOG_INFO, t, "rekey "
				"collision with the peer on CHILD SA in %08x: "
				"%s (lowest nonce, RFC 7296 2.8.1)",
				ntohl(cp.replaces), lose ? "the peer's new SA "
				"stays, ours is deleted" : "our new SA stays, "
				"the peer deletes its own");
	}
	if (!lose && create) {
		ike_gateway_up(sa, c, "");
	} else if (!lose) {
		log_child_rekey(sa, old, old_spi, 0, c, "");
		if (old) {
			old->rekeyed = true;
			old->delete_queued = true;
		}
	}
	sa->tasks |= IKE_TASK_DELETE_CHILD;
	ike_xchg_done(sa);
}

/*
 * Answer the peer's CREATE_CHILD_SA: the rekey of CHILD SA @old, or with
 * @old NULL a new one for tunnel @t (the SGW-to-SGW one: the IKE SA's).
 * A notify type on refusal.
 */
static uint16_t child_respond(struct ike_sa *sa, struct ike_msg *m,
			      struct ike_child *old, struct ike_tunnel *t,
			      bool extra, struct ike_msg_out *o,
			      uint16_t *ke_group)
{
	const struct ike_tunnel_config *cfg = &t->cfg;
	const struct ike_payloads *p = &m->pl;
	uint8_t shared[IKE_DH_MAX], pub[IKE_DH_MAX], nr[NONCE_LEN];
	char addr[64], what[64], a[512], b[512];
	struct ike_ts_list tsi, tsr, lts, rts;
	struct ike_child_params cp;
	struct ike_suite suite;
	struct ike_child *c;
	struct ike_pl_sa pl;
	size_t slen = 0, plen = 0;
	bool transport = ike_pl_notify_find(p, IKE_N_USE_TRANSPORT_MODE);
	enum ike_mode mode = old ? old->mode : transport ?
			     IKE_MODE_TRANSPORT : IKE_MODE_TUNNEL;
	int prop;

	ike_addr_str(&sa->remote, addr, sizeof(addr));
	if (old)
		snprintf(what, sizeof(what), "rekey of CHILD SA in %08x",
			 ntohl(old->spi_in));
	else
		snprintf(what, sizeof(what), "%s CHILD SA", transport ?
			 "SGW-to-SGW" : extra ? "additional tunnel-mode" :
			 "new tunnel-mode");
	prop = ike_proposal_select(cfg->esp, cfg->n_esp, &p->sa, IKE_PROTO_ESP,
				   4, false, ike_pl_has(p, IKE_PL_KE) ?
				   p->ke.group : 0, &suite);
	if (prop < 0) {
		ike_pl_proposals_format(&p->sa, a, sizeof(a));
		ike_proposals_format(cfg->esp, cfg->n_esp, b, sizeof(b));
		ike_log(sa->eng, IKE_LOG_WARN, t, "NO_PROPOSAL_CHOSEN: "
			"%s by %s: peer offered %s; we accept %s", what, addr, a,
			b);
		return IKE_N_NO_PROPOSAL_CHOSEN;
	}
	if (suite.dh && (!ike_pl_has(p, IKE_PL_KE) ||
			 p->ke.group != suite.dh)) {
		*ke_group = suite.dh;
		return IKE_N_INVALID_KE_PAYLOAD;
	}
	if (transport != (mode == IKE_MODE_TRANSPORT)) {
		ike_log(sa->eng, IKE_LOG_WARN, t, "NO_PROPOSAL_CHOSEN: "
			"%s by %s in %s mode; it is %s mode", what, addr,
			transport ? "transport" : "tunnel",
			transport ? "tunnel" : "transport");
		return IKE_N_NO_PROPOSAL_CHOSEN;
	}
	ike_child_selectors(sa, t, mode, &lts, &rts);
	ike_ts_narrow(&p->tsi, &rts, &tsi);
	ike_ts_narrow(&p->tsr, &lts, &tsr);
	/* The module protects all traffic between the SGWs, or none. */
	if (!tsi.n || !tsr.n ||
	    (transport && !ike_gateway_ts_exact(sa, &tsr, &tsi))) {
		ike_ts_list_format(&p->tsi, a, sizeof(a));
		ike_ts_list_format(&p->tsr, b, sizeof(b));
		ike_log(sa->eng, IKE_LOG_WARN, t, "TS_UNACCEPTABLE: %s by "
			"%s: peer proposed TSi %s TSr %s", what, addr, a, b);
		return IKE_N_TS_UNACCEPTABLE;
	}
	if (ike_random(nr, sizeof(nr)) ||
	    (suite.dh && dh_respond(&p->ke, pub, &plen, shared, &slen)))
		return IKE_N_TEMPORARY_FAILURE;
	/* A rekey's responder holds its outbound back; a new SA has no other. */
	cp = (struct ike_child_params){
		.tun = t,
		.spi_in = ike_child_alloc_spi(sa->eng),
		.suite = &suite,
		.mode = mode,
		.own_ts = old ? old->own_ts : extra,
		.local_ts = &tsr,
		.remote_ts = &tsi,
		.shared = shared,
		.shared_len = slen,
		.ni = p->nonce.data,
		.ni_len = p->nonce.len,
		.nr = nr,
		.nr_len = sizeof(nr),
		.we_initiated = false,
		.replaces = old ? old->spi_in : 0,
		.defer_out = old != NULL,
	};
	memcpy(&cp.spi_out, p->sa.prop[prop].spi, 4);
	c = cp.spi_in ? ike_child_create(sa, &cp) : NULL;
	OPENSSL_cleanse(shared, sizeof(shared));
	if (!c)
		return IKE_N_TEMPORARY_FAILURE;
	/* §2.8.1: the same rekey, or both making the SGW-to-SGW SA. */
	if (sa->rekey.active && !sa->rekey.ike &&
	    (old ? sa->rekey.old_spi_in == old->spi_in :
	     !extra && sa->rekey.create && sa->rekey.mode == mode &&
	     sa->rekey.tun == t))
		sa->rekey.collided_spi_in = c->spi_in;
	if (transport)
		ike_enc_notify(&o->chain, 0, NULL, 0, IKE_N_USE_TRANSPORT_MODE,
			       NULL, 0);
	pl.n = 1;
	ike_suite_to_pl(&suite, IKE_PROTO_ESP, p->sa.prop[prop].num,
			(const uint8_t *)&c->spi_in, 4, &pl.prop[0]);
	ike_enc_sa(&o->chain, &pl);
	ike_enc_nonce(&o->chain, nr, sizeof(nr));
	if (suite.dh)
		ike_enc_ke(&o->chain, suite.dh, pub, plen);
	ike_enc_ts(&o->chain, IKE_PL_TSI, &tsi);
	ike_enc_ts(&o->chain, IKE_PL_TSR, &tsr);
	if (old)
		log_child_rekey(sa, old, 0, 0, c, " by the peer; our outbound "
				"switches when it deletes the old SA");
	else
		ike_gateway_up(sa, c, " by the peer");
	return 0;
}

/* ---- the IKE SA ---------------------------------------------------------- */

static void ike_response(struct ike_sa *sa, struct ike_msg *m);

static int ike_send_req(struct ike_sa *sa)
{
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	struct ike_rekey *r = &sa->rekey;
	uint16_t g = ike_dh_group(r->dh);
	uint8_t pub[IKE_DH_MAX], spi[8];
	struct ike_msg_out o;
	struct ike_pl_sa pl;

	ike_put64(spi, r->new_spi);
	ike_xchg_begin_request(sa, &o, IKE_CREATE_CHILD_SA);
	ike_proposals_to_sa(cfg->ike, cfg->n_ike, spi, 8, false, &pl);
	ike_enc_sa(&o.chain, &pl);
	ike_enc_nonce(&o.chain, r->ni, r->ni_len);
	if (ike_dh_public(r->dh, pub, ike_dh_pub_len(g)))
		o.buf.err = true;
	else
		ike_enc_ke(&o.chain, g, pub, ike_dh_pub_len(g));
	return ike_xchg_send_request(sa, &o, ike_response);
}

int ike_rekey_ike_start(struct ike_sa *sa)
{
	struct ike_rekey *r = &sa->rekey;
	uint64_t spi;

	/*
	 * One replacement of an IKE SA at a time: with its reauthentication
	 * under way, a rekey made a second successor, which the peer took
	 * for a crossing and we for the tunnel's SA.
	 */
	if (sa->superseded || sa->state != IKE_SA_ESTABLISHED ||
	    ike_life_reauth_pending(sa))
		return -EALREADY;
	rekey_end(sa);
	r->active = true;
	r->ike = true;
	r->seq_started = ++sa->eng->seq;
	r->ni_len = NONCE_LEN;
	do {
		if (ike_random(&spi, sizeof(spi)))
			spi = 0;
	} while (spi && ike_sa_find(sa->eng, true, spi));
	r->new_spi = spi;
	r->dh = ike_dh_new(sa->suite.dh);
	if (!spi || !r->dh || ike_random(r->ni, r->ni_len) || ike_send_req(sa)) {
		rekey_end(sa);
		rekey_later(sa, NULL);
		return -1;
	}
	ike_log(sa->eng, IKE_LOG_INFO, sa->tun, "rekeying IKE SA %016llx_i "
		"%016llx_r", (unsigned long long)sa->spi_i,
		(unsigned long long)sa->spi_r);
	return 0;
}

int ike_rekey_ike(struct ike_sa *sa)
{
	if (sa->superseded || (sa->rekey.active && sa->rekey.ike) ||
	    ike_life_reauth_pending(sa) ||
	    (sa->tasks & IKE_TASK_REKEY_IKE))
		return -EALREADY;
	if (sa->req.active) {
		sa->tasks |= IKE_TASK_REKEY_IKE;
		return 0;
	}
	return ike_rekey_ike_start(sa);
}

/* The new IKE SA takes over the tunnel and every CHILD SA (§2.18). */
static void take_over(struct ike_sa *from, struct ike_sa *to)
{
	struct ike_child **tail = &to->children;
	struct ike_child *c;

	while (*tail)
		tail = &(*tail)->next;
	*tail = from->children;
	from->children = NULL;
	for (c = to->children; c; c = c->next) {
		if (c->rekey_queued)
			to->tasks |= IKE_TASK_REKEY_CHILD;
		/* A DELETE that went out on the old SA is sent again here. */
		if (c->deleting) {
			c->deleting = false;
			c->delete_queued = true;
		}
		if (c->delete_queued)
			to->tasks |= IKE_TASK_DELETE_CHILD;
	}
	from->tasks &= ~IKE_TASK_REKEY_CHILD;
	from->superseded = true;
	to->tun->ike = to;
	/* Work queued on the old SA starts on the new one. */
	if (!to->req.active && to->tasks)
		ike_xchg_done(to);
}

static struct ike_sa *new_ike_sa(struct ike_sa *old, bool initiator,
				 uint64_t spi_i, uint64_t spi_r,
				 const struct ike_suite *suite)
{
	struct ike_sa *n = ike_sa_new(old->eng, old->tun, initiator,
				      &old->local, &old->remote);

	if (!n)
		return NULL;
	n->spi_i = spi_i;
	if (spi_r)
		n->spi_r = spi_r;
	n->suite = *suite;
	n->peer_id = old->peer_id;
	n->generation = old->generation + 1;
	/* §2.23: what IKE_SA_INIT found about NATs holds for the new SA. */
	n->natd = old->natd;
	n->nat_here = old->nat_here;
	n->nat_there = old->nat_there;
	n->udp_encap = old->udp_encap;
	return n;
}

static int ike_derive(struct ike_sa *old, struct ike_sa *n,
		      const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		      size_t nr_len, const uint8_t *shared, size_t slen)
{
	n->ni_len = ni_len;
	n->nr_len = nr_len;
	memcpy(n->ni, ni, ni_len);
	memcpy(n->nr, nr, nr_len);
	return ike_keys_derive_rekey(&n->keys, &n->suite, old->keys.prf,
				     old->keys.sk_d, ni, ni_len, nr, nr_len,
				     shared, slen, n->spi_i, n->spi_r);
}

static void log_ike_rekey(struct ike_sa *old, struct ike_sa *n, const char *how)
{
	char ike[96];

	ike_suite_format(&n->suite, IKE_PROTO_IKE, ike, sizeof(ike));
	ike_log(old->eng, IKE_LOG_INFO, old->tun,
		"IKE SA %016llx_i %016llx_r rekeyed%s: now %016llx_i %016llx_r "
		"(%s, generation %u)", (unsigned long long)old->spi_i,
		(unsigned long long)old->spi_r, how,
		(unsigned long long)n->spi_i, (unsigned long long)n->spi_r, ike,
		n->generation);
}

static void ike_response(struct ike_sa *sa, struct ike_msg *m)
{
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	const struct ike_payloads *p = &m->pl;
	const struct ike_pl_notify *n = ike_pl_notify_error(p);
	struct ike_rekey *r = &sa->rekey;
	struct ike_sa *peer = r->collided_sa, *ns;
	uint8_t shared[IKE_DH_MAX];
	struct ike_suite suite;
	char addr[64];
	size_t slen = 0;
	uint16_t group;
	bool lose;
	int ret;

	ike_addr_str(&sa->remote, addr, sizeof(addr));
	if (n && n->type == IKE_N_INVALID_KE_PAYLOAD &&
	    r->ke_tries++ < KE_TRIES) {
		group = n->len == 2 ? ike_get16(n->data) : 0;
		if (ike_proposal_has_dh(cfg->ike, cfg->n_ike, group)) {
			ike_dh_free(r->dh);
			r->dh = ike_dh_new(group);
			if (r->dh && !ike_send_req(sa))
				return;
		}
	}
	if (n || !ike_pl_has(p, IKE_PL_SA) || !ike_pl_has(p, IKE_PL_NONCE) ||
	    !ike_pl_has(p, IKE_PL_KE) ||
	    p->nonce.len < ike_prf_len(sa->suite.prf) / 2 ||
	    ike_proposal_accept(cfg->ike, cfg->n_ike, &p->sa, IKE_PROTO_IKE, 8,
				false, &suite) ||
	    suite.dh != ike_dh_group(r->dh) || p->ke.group != suite.dh ||
	    ike_dh_derive(r->dh, p->ke.data, p->ke.len, shared, &slen)) {
		ike_log(sa->eng, IKE_LOG_WARN, sa->tun,
			"peer %s refused to rekey the IKE SA: %s; trying again "
			"shortly", addr, n ? ike_notify_name(n->type) :
			"unusable answer");
		rekey_end(sa);
		ike_xchg_done(sa);
		rekey_later(sa, NULL);
		return;
	}
	ns = new_ike_sa(sa, true, r->new_spi, ike_get64(p->sa.prop[0].spi),
			&suite);
	ret = !ns || ike_derive(sa, ns, r->ni, r->ni_len, p->nonce.data,
				p->nonce.len, shared, slen);
	OPENSSL_cleanse(shared, sizeof(shared));
	if (ret) {
		if (ns)
			ike_sa_close(ns);
		rekey_end(sa);
		ike_xchg_done(sa);
		rekey_later(sa, NULL);
		return;
	}
	lose = peer && ours_redundant(r->ni, r->ni_len, p->nonce.data,
				      p->nonce.len, peer->ni, peer->ni_len,
				      peer->nr, peer->nr_len);
	/* Its negotiation began with our request, as at the peer. */
	ns->seq_created = r->seq_started;
	ike_sa_set_state(ns, IKE_SA_ESTABLISHED);
	rekey_end(sa);
	/* Queued work belongs to the new SA now: none starts on the old one. */
	sa->req.active = false;
	if (peer) {
		sa->tun->stats.collisions++;
		ike_log(sa->eng, IKE_LOG_INFO, sa->tun,
			"IKE SA rekey collision with the peer: %s (lowest nonce, "
			"RFC 7296 2.8.1)", lose ? "the peer's new IKE SA stays, "
			"ours is deleted" : "our new IKE SA stays, the peer "
			"deletes its own");
	}
	if (lose) {
		/* The peer deletes the old SA; ours goes now, empty. */
		ns->superseded = true;
		ike_info_delete_ike(ns);
		return;
	}
	take_over(peer ? peer : sa, ns);
	/*
	 * The peer deletes the SA it made; should it never (its rekey
	 * request died with the old SA), ours goes anyway.
	 */
	if (peer)
		peer->expire_at = sa->eng->now + 2 * ike_xchg_span(peer);
	if (peer)
		take_over(sa, ns);
	sa->tun->stats.ike_rekeys++;
	sa->tun->stats.last_ike_rekey = sa->eng->now;
	log_ike_rekey(sa, ns, "");
	ike_info_delete_ike(sa);
	/*
	 * Meanwhile a new IKE SA of the tunnel may have come up (our
	 * reauthentication of @sa, or an initiation): to the peer, which
	 * made the new SA answering our request, the two crossed. Resolve
	 * it as the peer does, not by taking the tunnel over.
	 */
	ike_life_dedupe(ns);
}

static void ike_respond(struct ike_sa *sa, struct ike_msg *m)
{
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	const struct ike_payloads *p = &m->pl;
	uint8_t shared[IKE_DH_MAX], pub[IKE_DH_MAX], nr[NONCE_LEN], spi[8];
	char addr[64], a[512], b[512];
	struct ike_suite suite;
	struct ike_msg_out o;
	struct ike_pl_sa pl;
	struct ike_sa *ns;
	size_t slen, plen;
	int prop, ret;

	ike_addr_str(&sa->remote, addr, sizeof(addr));
	if (!ike_pl_has(p, IKE_PL_NONCE) || !ike_pl_has(p, IKE_PL_KE) ||
	    p->nonce.len < ike_prf_len(sa->suite.prf) / 2) {
		refuse(sa, m, IKE_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	prop = ike_proposal_select(cfg->ike, cfg->n_ike, &p->sa, IKE_PROTO_IKE,
				   8, false, p->ke.group, &suite);
	if (prop < 0) {
		ike_pl_proposals_format(&p->sa, a, sizeof(a));
		ike_proposals_format(cfg->ike, cfg->n_ike, b, sizeof(b));
		ike_log(sa->eng, IKE_LOG_WARN, sa->tun, "NO_PROPOSAL_CHOSEN: "
			"IKE SA rekey by %s: peer offered %s; we accept %s",
			addr, a, b);
		refuse(sa, m, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (p->ke.group != suite.dh) {
		refuse_ke(sa, m, suite.dh);
		return;
	}
	if (ike_random(nr, sizeof(nr)) ||
	    dh_respond(&p->ke, pub, &plen, shared, &slen)) {
		refuse(sa, m, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	ns = new_ike_sa(sa, false, ike_get64(p->sa.prop[prop].spi), 0, &suite);
	ret = !ns || ike_derive(sa, ns, p->nonce.data, p->nonce.len, nr,
				sizeof(nr), shared, slen);
	OPENSSL_cleanse(shared, sizeof(shared));
	if (ret) {
		if (ns)
			ike_sa_close(ns);
		refuse(sa, m, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	ike_put64(spi, ns->spi_r);
	ike_xchg_begin_response(sa, &o, m);
	pl.n = 1;
	ike_suite_to_pl(&suite, IKE_PROTO_IKE, p->sa.prop[prop].num, spi, 8,
			&pl.prop[0]);
	ike_enc_sa(&o.chain, &pl);
	ike_enc_nonce(&o.chain, nr, sizeof(nr));
	ike_enc_ke(&o.chain, suite.dh, pub, plen);
	if (ike_xchg_send_response(sa, &o, m)) {
		ike_sa_close(ns);
		return;
	}
	ike_sa_set_state(ns, IKE_SA_ESTABLISHED);
	if (sa->rekey.active && sa->rekey.ike)
		sa->rekey.collided_sa = ns;
	take_over(sa, ns);
	sa->tun->stats.ike_rekeys++;
	sa->tun->stats.last_ike_rekey = sa->eng->now;
	log_ike_rekey(sa, ns, " by the peer");
	/* Should the peer's DELETE of the old SA never come, it goes anyway. */
	sa->expire_at = sa->eng->now + 2 * ike_xchg_span(sa);
}

/* ---- dispatch ------------------------------------------------------------ */

void ike_rekey_respond(struct ike_sa *sa, struct ike_msg *m)
{
	const struct ike_payloads *p = &m->pl;
	const struct ike_pl_notify *n = ike_pl_notify_find(p, IKE_N_REKEY_SA);
	bool transport = ike_pl_notify_find(p, IKE_N_USE_TRANSPORT_MODE);
	struct ike_tunnel *t = sa->tun;
	struct ike_msg_out o;
	struct ike_child *old = NULL;
	uint16_t refused = 0, group = 0;
	bool extra = false;
	char why[700];
	uint32_t spi;

	if (!ike_pl_has(p, IKE_PL_SA)) {
		refuse(sa, m, IKE_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	/* §2.25: an SA on its way out, or one busy with the other kind of rekey. */
	if (sa->state != IKE_SA_ESTABLISHED || sa->superseded) {
		refuse(sa, m, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	if (!n && p->sa.n && p->sa.prop[0].protocol == IKE_PROTO_IKE) {
		if (sa->rekey.active && !sa->rekey.ike)
			refuse(sa, m, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		else
			ike_respond(sa, m);
		return;
	}
	/*
	 * A tunnel's own tunnel-mode CHILD SA, up to IKE_CHILD_EXTRA_MAX
	 * additional ones with other selectors inside its networks, and with
	 * protect-gateways one transport-mode SA between the SGWs: other new
	 * SAs are refused (§2.25 allows it). A tunnel's own is made anew when
	 * it went away, by either end (both at once: the collision rule); one
	 * for another tunnel between the same identities rides on this IKE
	 * SA (ike_select_child()).
	 */
	if (!n && transport && !sa->tun->cfg.protect_gateways) {
		ike_log(sa->eng, IKE_LOG_WARN, sa->tun, "peer asked for a "
			"transport-mode CHILD SA; refused, as protect-gateways "
			"is off for this tunnel");
		refuse(sa, m, IKE_N_NO_ADDITIONAL_SAS, NULL, 0);
		return;
	}
	if (!ike_pl_has(p, IKE_PL_NONCE) || !ike_pl_has(p, IKE_PL_TSI) ||
	    !ike_pl_has(p, IKE_PL_TSR) ||
	    p->nonce.len < ike_prf_len(sa->suite.prf) / 2 ||
	    (n && (n->proto != IKE_PROTO_ESP || n->spi_size != 4))) {
		refuse(sa, m, IKE_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	if (!n && !transport) {
		t = ike_select_child(sa, p, &extra, &refused, why,
				     sizeof(why));
		if (!t) {
			ike_log(sa->eng, IKE_LOG_WARN, sa->tun, "%s", why);
			refuse(sa, m, refused, NULL, 0);
			return;
		}
	}
	if (n) {
		memcpy(&spi, n->spi, 4);
		old = ike_child_by_spi_out(sa, spi);
		if (!old) {
			ike_log(sa->eng, IKE_LOG_INFO, sa->tun, "peer asked to "
				"rekey CHILD SA %08x, which we do not have",
				ntohl(spi));
			refuse(sa, m, IKE_N_CHILD_SA_NOT_FOUND, NULL, 0);
			return;
		}
		t = old->tun;
	}
	if ((old && !rekeyable(old)) || (sa->rekey.active && sa->rekey.ike)) {
		refuse(sa, m, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	ike_xchg_begin_response(sa, &o, m);
	refused = child_respond(sa, m, old, t, extra, &o, &group);
	if (!refused) {
		ike_xchg_send_response(sa, &o, m);
		return;
	}
	ike_msg_out_release(&o);
	if (refused == IKE_N_INVALID_KE_PAYLOAD)
		refuse_ke(sa, m, group);
	else
		refuse(sa, m, refused, NULL, 0);
}

void ike_rekey_timer(struct ike_sa *sa, ike_time_t now)
{
	struct ike_child *c;

	for (c = sa->children; c; c = c->next) {
		if (!c->out_pending || c->rekeyed || c->delete_queued ||
		    c->deleting)
			continue;
		if (now >= c->out_deadline) {
			ike_log(sa->eng, IKE_LOG_INFO, c->tun,
				"no DELETE of the old CHILD SA from the peer; "
				"switching outbound to %08x anyway",
				ntohl(c->spi_out));
			ike_child_install_out(sa, c);
		}
	}
}
