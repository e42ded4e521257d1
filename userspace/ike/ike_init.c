// SPDX-License-Identifier: GPL-2.0
/* IKE_SA_INIT (§1.2): proposals, Diffie-Hellman, nonces; COOKIE and INVALID_KE. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_exchange.h"
#include "ike_proposal.h"
#include "ike_select.h"
#include "ike_trace.h"

/* §2.10: at least half the PRF key size; 32 covers SHA-512. */
#define NONCE_LEN 32
#define IKE_REFUSAL_LOG_MS 10000
#define COOKIE_TRIES 2
#define KE_TRIES 2

static void init_response(struct ike_sa *sa, struct ike_msg *m);

static int send_init(struct ike_sa *sa)
{
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	uint8_t pub[IKE_DH_MAX];
	uint16_t group = ike_dh_group(sa->dh);
	size_t publen = ike_dh_pub_len(group);
	struct ike_pl_sa pl;
	struct ike_msg_out o;

	/* Retries after COOKIE or INVALID_KE reuse message ID 0 (§2.6, §1.2). */
	sa->next_msgid = 0;
	ike_xchg_begin_request(sa, &o, IKE_SA_INIT);
	/* §2.6: the cookie goes first, everything else unchanged. */
	if (sa->cookie.len)
		ike_enc_notify(&o.chain, 0, NULL, 0, IKE_N_COOKIE,
			       sa->cookie.data, sa->cookie.len);
	ike_proposals_to_sa(cfg->ike, cfg->n_ike, NULL, 0, false, &pl);
	ike_enc_sa(&o.chain, &pl);
	if (ike_dh_public(sa->dh, pub, publen)) {
		ike_msg_out_release(&o);
		return -1;
	}
	ike_enc_ke(&o.chain, group, pub, publen);
	ike_enc_nonce(&o.chain, sa->ni, sa->ni_len);
	ike_nat_request(sa, &o);
	if (ike_xchg_send_request(sa, &o, init_response))
		return -1;
	return ike_buf_set(&sa->init_req, sa->req.msg.data, sa->req.msg.len);
}

static struct ike_sa *init_new(struct ike_engine *e, struct ike_tunnel *t)
{
	struct ike_sa *sa = ike_sa_new(e, t, true, &t->cfg.local, &t->cfg.remote);

	if (!sa)
		return NULL;
	sa->ni_len = NONCE_LEN;
	sa->dh = ike_dh_new(t->cfg.ike[0].alg[IKE_XF_DH][0].id);
	if (!sa->dh || ike_random(sa->ni, sa->ni_len)) {
		ike_sa_close(sa);
		return NULL;
	}
	ike_sa_set_state(sa, IKE_SA_INIT_SENT);
	return sa;
}

int ike_init_reauth(struct ike_sa *old)
{
	struct ike_sa *sa = init_new(old->eng, old->tun);

	if (!sa)
		return -1;
	/* The old SA stays the tunnel's until the new one is established. */
	sa->replaces = old;
	if (send_init(sa)) {
		ike_sa_close(sa);
		return -1;
	}
	return 0;
}

int ike_init_start(struct ike_engine *e, struct ike_tunnel *t)
{
	struct ike_sa *sa;

	/* remote = any: nowhere to send it; the peer comes back itself. */
	if (ike_host_any(&t->cfg.remote)) {
		t->want_up = false;
		ike_log(e, IKE_LOG_INFO, t, "remote = any: waiting for the "
			"peer to negotiate");
		return 0;
	}
	sa = init_new(e, t);
	if (!sa)
		return -1;
	t->ike = sa;
	t->failed = false;
	if (send_init(sa)) {
		ike_sa_fail(sa, "could not build IKE_SA_INIT request");
		return -1;
	}
	return 0;
}

static bool retry_init(struct ike_sa *sa, const struct ike_pl_notify *n)
{
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	char addr[64];
	uint16_t group;

	ike_addr_str(&sa->remote, addr, sizeof(addr));
	if (n->type == IKE_N_COOKIE) {
		if (sa->cookie_tries++ == COOKIE_TRIES || !n->len || n->len > 64) {
			ike_sa_fail(sa, "peer %s keeps demanding cookies", addr);
			return true;
		}
		ike_buf_set(&sa->cookie, n->data, n->len);
		if (send_init(sa))
			ike_sa_fail(sa, "could not build IKE_SA_INIT request");
		return true;
	}
	if (n->type != IKE_N_INVALID_KE_PAYLOAD)
		return false;
	group = n->len == 2 ? ike_get16(n->data) : 0;
	if (!ike_proposal_has_dh(cfg->ike, cfg->n_ike, group) ||
	    group == ike_dh_group(sa->dh) || sa->ke_tries++ == KE_TRIES) {
		ike_sa_fail(sa, "peer %s demands DH group %u, which we do not "
			    "offer", addr, group);
		return true;
	}
	ike_log(sa->eng, IKE_LOG_INFO, sa->tun,
		"peer %s prefers DH group %u over %u, retrying", addr, group,
		ike_dh_group(sa->dh));
	ike_dh_free(sa->dh);
	sa->dh = ike_dh_new(group);
	if (!sa->dh || send_init(sa))
		ike_sa_fail(sa, "could not build IKE_SA_INIT request");
	return true;
}

static void init_response(struct ike_sa *sa, struct ike_msg *m)
{
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	const struct ike_payloads *p = &m->pl;
	const struct ike_pl_notify *n;
	uint8_t shared[IKE_DH_MAX];
	char addr[64], list[512];
	size_t slen;
	int ret;

	ike_addr_str(&sa->remote, addr, sizeof(addr));
	for (n = p->notify; n < p->notify + p->n_notify; n++)
		if (retry_init(sa, n))
			return;
	n = ike_pl_notify_error(p);
	if (n && n->type == IKE_N_NO_PROPOSAL_CHOSEN) {
		ike_proposals_format(cfg->ike, cfg->n_ike, list, sizeof(list));
		ike_sa_fail(sa, "NO_PROPOSAL_CHOSEN: peer %s accepted none of "
			    "our IKE proposals: %s", addr, list);
		return;
	}
	if (n) {
		ike_sa_fail(sa, "peer %s refused IKE_SA_INIT: %s", addr,
			    ike_notify_name(n->type));
		return;
	}
	/* Unauthenticated: an incomplete answer may be forged; keep waiting. */
	if (!ike_pl_has(p, IKE_PL_SA) || !ike_pl_has(p, IKE_PL_KE) ||
	    !ike_pl_has(p, IKE_PL_NONCE) || !m->hdr.spi_r) {
		sa->eng->cnt.malformed++;
		return;
	}
	if (ike_proposal_accept(cfg->ike, cfg->n_ike, &p->sa, IKE_PROTO_IKE, 0,
				false, &sa->suite) ||
	    sa->suite.dh != ike_dh_group(sa->dh) ||
	    p->ke.group != sa->suite.dh) {
		ike_sa_fail(sa, "peer %s chose an IKE proposal we did not offer",
			    addr);
		return;
	}
	/* §2.10; unauthenticated, so perhaps forged: keep waiting. */
	if (p->nonce.len < ike_prf_len(sa->suite.prf) / 2) {
		sa->eng->cnt.malformed++;
		return;
	}
	if (ike_dh_derive(sa->dh, p->ke.data, p->ke.len, shared, &slen)) {
		ike_sa_fail(sa, "peer %s sent an invalid DH public value", addr);
		return;
	}
	sa->spi_r = m->hdr.spi_r;
	sa->nr_len = p->nonce.len;
	memcpy(sa->nr, p->nonce.data, p->nonce.len);
	ret = ike_keys_derive(&sa->keys, &sa->suite, sa->ni, sa->ni_len, sa->nr,
			      sa->nr_len, shared, slen, sa->spi_i, sa->spi_r);
	OPENSSL_cleanse(shared, sizeof(shared));
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	if (ret || ike_buf_set(&sa->init_resp, m->raw, m->len)) {
		ike_sa_fail(sa, "key derivation failed");
		return;
	}
	ike_nat_detect(sa, m);
	ike_nat_float(sa);
	ike_xchg_done(sa);
	if (ike_auth_start(sa))
		ike_sa_fail(sa, "could not build IKE_AUTH request");
}

/* Answers that create no state: COOKIE, INVALID_KE, NO_PROPOSAL_CHOSEN. */
static void send_stateless(struct ike_engine *e,
			   const struct sockaddr_storage *local,
			   const struct sockaddr_storage *remote,
			   const struct ike_msg *req, uint16_t type,
			   const uint8_t *data, size_t len)
{
	struct ike_msg_out o;

	ike_msg_out_init(&o, req->hdr.spi_i, 0, IKE_SA_INIT, IKE_FLAG_R, 0,
			 false);
	ike_enc_notify(&o.chain, 0, NULL, 0, type, data, len);
	ike_trace_out(e, NULL, remote, &o);
	if (!ike_msg_out_finish(&o, NULL))
		ike_send(e, local, remote, &o.buf);
	ike_msg_out_release(&o);
}

static struct ike_sa *half_open_for(struct ike_engine *e,
				    const struct sockaddr_storage *remote,
				    uint64_t spi_i)
{
	struct ike_sa *sa;

	for (sa = e->sas; sa; sa = sa->next)
		if (!sa->initiator && sa->spi_i == spi_i &&
		    sa->state != IKE_SA_CLOSED &&
		    ike_addr_equal(&sa->remote, remote))
			return sa;
	return NULL;
}

bool ike_engine_cookies_demanded(const struct ike_engine *e)
{
	return e->half_open >= e->cfg.cookie_threshold;
}

static bool cookie_ok(struct ike_engine *e,
		      const struct sockaddr_storage *local,
		      const struct sockaddr_storage *remote,
		      const struct ike_msg *m)
{
	const struct ike_pl_notify *n = ike_pl_notify_find(&m->pl, IKE_N_COOKIE);
	uint8_t cookie[IKE_COOKIE_LEN];

	if (!ike_engine_cookies_demanded(e))
		return true;
	if (n && ike_cookie_check(&e->cookie, n->data, n->len,
				  m->pl.nonce.data, m->pl.nonce.len, remote,
				  m->hdr.spi_i))
		return true;
	if (!ike_cookie_make(&e->cookie, m->pl.nonce.data, m->pl.nonce.len,
			     remote, m->hdr.spi_i, cookie)) {
		e->cnt.cookies_sent++;
		send_stateless(e, local, remote, m, IKE_N_COOKIE, cookie,
			       sizeof(cookie));
	}
	return false;
}

/* Each tunnel on the address pair says what it would have accepted. */
static void no_proposal(struct ike_engine *e, struct ike_tunnel *t,
			const struct sockaddr_storage *local,
			const struct sockaddr_storage *remote,
			const struct ike_msg *m)
{
	char addr[64], theirs[400], ours[400], why[IKE_REASON_MAX];

	ike_addr_str(remote, addr, sizeof(addr));
	ike_pl_proposals_format(&m->pl.sa, theirs, sizeof(theirs));
	e->cnt.init_refused++;
	/*
	 * Anyone can send this from the peer's address: it is said (once
	 * per 10 s) and kept as the last failure of a tunnel with none of its
	 * own, but fails no tunnel and overwrites nothing.
	 */
	for (; t; t = ike_select_next(e, t, local, remote)) {
		ike_proposals_format(t->cfg.ike, t->cfg.n_ike, ours,
				     sizeof(ours));
		snprintf(why, sizeof(why), "NO_PROPOSAL_CHOSEN: no common IKE "
			 "proposal with %s: peer offered %s; we accept %s",
			 addr, theirs, ours);
		if (!t->ike && !t->failed)
			snprintf(t->reason, sizeof(t->reason), "%s", why);
		if (t->refusal_logged &&
		    e->now - t->refusal_logged < IKE_REFUSAL_LOG_MS) {
			t->refusals_quiet++;
			continue;
		}
		if (t->refusals_quiet)
			ike_log(e, IKE_LOG_WARN, t, "%s (%u more like it not "
				"logged)", why, t->refusals_quiet);
		else
			ike_log(e, IKE_LOG_WARN, t, "%s", why);
		t->refusal_logged = e->now ? e->now : 1;
		t->refusals_quiet = 0;
	}
	send_stateless(e, local, remote, m, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
}

static int respond(struct ike_sa *sa, struct ike_msg *m, int prop)
{
	const struct ike_payloads *p = &m->pl;
	uint8_t shared[IKE_DH_MAX], pub[IKE_DH_MAX];
	size_t slen, publen = ike_dh_pub_len(sa->suite.dh);
	struct ike_pl_sa pl;
	struct ike_msg_out o;
	int ret;

	sa->spi_i = m->hdr.spi_i;
	ike_nat_detect(sa, m);
	sa->ni_len = p->nonce.len;
	memcpy(sa->ni, p->nonce.data, p->nonce.len);
	sa->nr_len = NONCE_LEN;
	sa->dh = ike_dh_new(sa->suite.dh);
	if (!sa->dh || ike_random(sa->nr, sa->nr_len) ||
	    ike_dh_public(sa->dh, pub, publen) ||
	    ike_dh_derive(sa->dh, p->ke.data, p->ke.len, shared, &slen))
		return -1;
	ret = ike_keys_derive(&sa->keys, &sa->suite, sa->ni, sa->ni_len, sa->nr,
			      sa->nr_len, shared, slen, sa->spi_i, sa->spi_r);
	OPENSSL_cleanse(shared, sizeof(shared));
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	if (ret || ike_buf_set(&sa->init_req, m->raw, m->len))
		return -1;
	ike_xchg_begin_response(sa, &o, m);
	pl.n = 1;
	ike_suite_to_pl(&sa->suite, IKE_PROTO_IKE, p->sa.prop[prop].num, NULL,
			0, &pl.prop[0]);
	ike_enc_sa(&o.chain, &pl);
	ike_enc_ke(&o.chain, sa->suite.dh, pub, publen);
	ike_enc_nonce(&o.chain, sa->nr, sa->nr_len);
	ike_nat_response(sa, &o);
	if (ike_xchg_send_response(sa, &o, m))
		return -1;
	return ike_buf_set(&sa->init_resp, sa->last_resp.data,
			   sa->last_resp.len);
}

void ike_init_respond(struct ike_engine *e,
		      const struct sockaddr_storage *local,
		      const struct sockaddr_storage *remote, struct ike_msg *m)
{
	const struct ike_payloads *p = &m->pl;
	struct ike_tunnel *t, *first;
	struct ike_suite suite;
	struct ike_sa *sa;
	int prop = -1;

	if (m->hdr.spi_r || m->hdr.msgid || !(m->hdr.flags & IKE_FLAG_I)) {
		e->cnt.malformed++;
		return;
	}
	sa = half_open_for(e, remote, m->hdr.spi_i);
	if (sa) {
		if (sa->state == IKE_SA_HALF_OPEN && m->len == sa->init_req.len &&
		    !memcmp(m->raw, sa->init_req.data, m->len)) {
			e->cnt.answered_from_cache++;
			ike_send(e, &sa->local, &sa->remote, &sa->init_resp);
		} else {
			e->cnt.bad_msgid++;
		}
		return;
	}
	if (!ike_pl_has(p, IKE_PL_SA) || !ike_pl_has(p, IKE_PL_KE) ||
	    !ike_pl_has(p, IKE_PL_NONCE)) {
		e->cnt.malformed++;
		return;
	}
	first = ike_select_next(e, NULL, local, remote);
	if (!first) {
		e->cnt.no_tunnel++;
		return;
	}
	if (!cookie_ok(e, local, remote, m))
		return;
	if (e->half_open >= e->cfg.half_open_max) {
		e->cnt.half_open_dropped++;
		return;
	}
	/* No identity yet: the first tunnel whose proposals fit; IKE_AUTH picks. */
	for (t = first; t; t = ike_select_next(e, t, local, remote)) {
		prop = ike_proposal_select(t->cfg.ike, t->cfg.n_ike, &p->sa,
					   IKE_PROTO_IKE, 0, false, p->ke.group,
					   &suite);
		if (prop >= 0)
			break;
	}
	if (!t) {
		no_proposal(e, first, local, remote, m);
		return;
	}
	if (p->ke.group != suite.dh) {
		uint8_t g[2];

		ike_put16(g, suite.dh);
		e->cnt.invalid_ke_sent++;
		send_stateless(e, local, remote, m, IKE_N_INVALID_KE_PAYLOAD,
			       g, sizeof(g));
		return;
	}
	if (p->ke.len != ike_dh_pub_len(suite.dh)) {
		e->cnt.malformed++;
		return;
	}
	/* §2.10: at least half the key size of the PRF chosen. */
	if (p->nonce.len < ike_prf_len(suite.prf) / 2) {
		e->cnt.malformed++;
		send_stateless(e, local, remote, m, IKE_N_INVALID_SYNTAX, NULL,
			       0);
		return;
	}
	sa = ike_sa_new(e, t, false, local, remote);
	if (!sa)
		return;
	sa->suite = suite;
	if (respond(sa, m, prop)) {
		ike_log(e, IKE_LOG_WARN, t, "could not answer IKE_SA_INIT");
		ike_sa_close(sa);
		return;
	}
	ike_sa_set_state(sa, IKE_SA_HALF_OPEN);
}
