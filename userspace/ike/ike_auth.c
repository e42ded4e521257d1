// SPDX-License-Identifier: GPL-2.0
/* IKE_AUTH (§1.2, §2.15): identities, PSK authentication, the first CHILD SA. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ike_child.h"
#include "ike_exchange.h"
#include "ike_proposal.h"
#include "ike_select.h"

#define REASON 1024

static size_t id_body(const struct ike_identity *id, uint8_t *out)
{
	memset(out, 0, 4);
	out[0] = id->type;
	memcpy(out + 4, id->data, id->len);
	return 4 + (size_t)id->len;
}

/* AUTH of the initiator (@of_initiator) or of the responder, §2.15. */
static int psk_auth(struct ike_sa *sa, bool of_initiator, const uint8_t *body,
		    size_t body_len, uint8_t *out)
{
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	const struct ike_buf *msg = of_initiator ? &sa->init_req : &sa->init_resp;

	return ike_psk_auth(sa->keys.prf, cfg->psk, cfg->psk_len, msg->data,
			    msg->len, of_initiator ? sa->nr : sa->ni,
			    of_initiator ? sa->nr_len : sa->ni_len,
			    of_initiator ? sa->keys.sk_pi : sa->keys.sk_pr,
			    body, body_len, out);
}

static void enc_id(struct ike_sa *sa, struct ike_msg_out *o, uint8_t pl_type)
{
	const struct ike_identity *id = &sa->tun->cfg.local_id;

	ike_enc_id(&o->chain, pl_type, id->type, id->data, id->len);
}

static void enc_auth(struct ike_sa *sa, struct ike_msg_out *o)
{
	const struct ike_identity *id = &sa->tun->cfg.local_id;
	uint8_t body[4 + IKE_ID_MAX], auth[IKE_PRF_MAX];

	if (psk_auth(sa, sa->initiator, body, id_body(id, body), auth)) {
		o->buf.err = true;
		return;
	}
	ike_enc_auth(&o->chain, IKE_AUTH_PSK, auth, sa->keys.prf_len);
	OPENSSL_cleanse(auth, sizeof(auth));
}

/* Whether the peer proved the configured identity; why not in @why. */
static bool verify_peer(struct ike_sa *sa, const struct ike_pl_id *id,
			const struct ike_pl_auth *auth, char *why, size_t len)
{
	const struct ike_identity *want = &sa->tun->cfg.remote_id;
	struct ike_identity got = { .type = id->type };
	char addr[64], gs[2 * IKE_ID_MAX + 8], ws[2 * IKE_ID_MAX + 8];
	uint8_t expect[IKE_PRF_MAX];
	bool ok;

	ike_addr_str(&sa->remote, addr, sizeof(addr));
	got.len = (uint8_t)(id->len < IKE_ID_MAX ? id->len : IKE_ID_MAX);
	memcpy(got.data, id->data, got.len);
	ike_identity_format(&got, gs, sizeof(gs));
	ike_identity_format(want, ws, sizeof(ws));
	if (id->type != want->type || id->len != want->len ||
	    memcmp(id->data, want->data, want->len)) {
		/* Each identity cut at 400 characters: both always fit. */
		char hint[200];

		snprintf(why, len, "AUTHENTICATION_FAILED: we rejected peer %s: "
			 "it identified as '%.400s', we expect '%.400s'%s", addr,
			 gs, ws, ike_nat_hint(sa, hint, sizeof(hint)));
		return false;
	}
	if (auth->method != IKE_AUTH_PSK) {
		snprintf(why, len, "AUTHENTICATION_FAILED: we rejected peer %s "
			 "('%s'): auth method %u, we require a pre-shared key",
			 addr, gs, auth->method);
		return false;
	}
	ok = !psk_auth(sa, !sa->initiator, id->body, id->body_len, expect) &&
	     auth->len == sa->keys.prf_len &&
	     ike_auth_equal(expect, auth->data, auth->len);
	OPENSSL_cleanse(expect, sizeof(expect));
	if (!ok)
		snprintf(why, len, "AUTHENTICATION_FAILED: we rejected peer %s "
			 "identity '%s': its AUTH does not match our pre-shared "
			 "key", addr, gs);
	else
		sa->peer_id = got;
	return ok;
}

static void auth_response(struct ike_sa *sa, struct ike_msg *m);

/* The first CHILD SA takes its KEYMAT from the IKE_SA_INIT nonces. */
static struct ike_child *auth_child(struct ike_sa *sa, uint32_t spi_in,
				    uint32_t spi_out,
				    const struct ike_suite *suite,
				    const struct ike_ts_list *local_ts,
				    const struct ike_ts_list *remote_ts,
				    bool defer_out)
{
	struct ike_child_params p = {
		.spi_in = spi_in,
		.spi_out = spi_out,
		.suite = suite,
		.mode = IKE_MODE_TUNNEL,
		.local_ts = local_ts,
		.remote_ts = remote_ts,
		.ni = sa->ni,
		.ni_len = sa->ni_len,
		.nr = sa->nr,
		.nr_len = sa->nr_len,
		.we_initiated = sa->initiator,
		.defer_out = defer_out,
	};

	return ike_child_create(sa, &p);
}

static bool same_identity(const struct ike_identity *a,
			  const struct ike_identity *b)
{
	return a->type == b->type && a->len == b->len &&
	       !memcmp(a->data, b->data, a->len);
}

/* Tunnels between the same two identities at the same peer address. */
static bool same_peer(const struct ike_tunnel *a, const struct ike_tunnel *b)
{
	return ike_addr_equal(&a->cfg.remote, &b->cfg.remote) &&
	       same_identity(&a->cfg.local_id, &b->cfg.local_id) &&
	       same_identity(&a->cfg.remote_id, &b->cfg.remote_id);
}

/*
 * INITIAL_CONTACT says this is the only IKE SA between the two identities
 * (RFC 7296 2.4): only when we know of no other of any tunnel to the peer
 * that is up or authenticating, nor have told it so before. Several
 * tunnels started at once: the first to reach IKE_AUTH carries it.
 */
static bool first_contact(const struct ike_sa *sa)
{
	const struct ike_tunnel *t;
	const struct ike_sa *o;

	for (t = sa->eng->tunnels; t; t = t->next)
		if (same_peer(t, sa->tun) && t->contacted)
			return false;
	for (o = sa->eng->sas; o; o = o->next)
		if (o != sa && o->tun && (o->state == IKE_SA_AUTH_SENT ||
					  o->state == IKE_SA_ESTABLISHED) &&
		    same_peer(o->tun, sa->tun))
			return false;
	return true;
}

int ike_auth_start(struct ike_sa *sa)
{
	struct ike_tunnel_config *cfg = &sa->tun->cfg;
	struct ike_msg_out o;
	struct ike_pl_sa pl;

	sa->child_spi = ike_child_alloc_spi(sa->eng);
	if (!sa->child_spi)
		return -1;
	ike_xchg_begin_request(sa, &o, IKE_AUTH);
	/* Order of §1.2: IDi, N(INITIAL_CONTACT), AUTH, notifies, SA, TSi, TSr. */
	enc_id(sa, &o, IKE_PL_IDI);
	if (first_contact(sa))
		ike_enc_notify(&o.chain, 0, NULL, 0, IKE_N_INITIAL_CONTACT,
			       NULL, 0);
	/* IDr tells a responder with several configs which one we mean. */
	ike_enc_id(&o.chain, IKE_PL_IDR, cfg->remote_id.type,
		   cfg->remote_id.data, cfg->remote_id.len);
	enc_auth(sa, &o);
	ike_proposals_to_sa(cfg->esp, cfg->n_esp,
			    (const uint8_t *)&sa->child_spi, 4, true, &pl);
	ike_enc_sa(&o.chain, &pl);
	ike_enc_ts(&o.chain, IKE_PL_TSI, &cfg->local_ts);
	ike_enc_ts(&o.chain, IKE_PL_TSR, &cfg->remote_ts);
	if (ike_xchg_send_request(sa, &o, auth_response))
		return -1;
	return ike_sa_set_state(sa, IKE_SA_AUTH_SENT);
}

static void log_up(struct ike_sa *sa, const struct ike_child *c)
{
	char addr[64], id[2 * IKE_ID_MAX + 8], ike[96], esp[96];

	ike_addr_str(&sa->remote, addr, sizeof(addr));
	ike_identity_format(&sa->peer_id, id, sizeof(id));
	ike_suite_format(&sa->suite, IKE_PROTO_IKE, ike, sizeof(ike));
	ike_suite_format(&c->suite, IKE_PROTO_ESP, esp, sizeof(esp));
	ike_log(sa->eng, IKE_LOG_INFO, sa->tun,
		"IKE SA with %s ('%s') established (%s); CHILD SA in %08x out "
		"%08x (%s)", addr, id, ike, ntohl(c->spi_in), ntohl(c->spi_out),
		esp);
}

/* IKE SA up, CHILD SA not: nothing to keep it for on a site-to-site tunnel. */
static void child_failed(struct ike_sa *sa, const char *why)
{
	ike_tunnel_fail(sa->eng, sa->tun, "%s", why);
	ike_info_delete_ike(sa);
}

static void auth_response(struct ike_sa *sa, struct ike_msg *m)
{
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	const struct ike_payloads *p = &m->pl;
	const struct ike_pl_notify *n;
	char addr[64], why[REASON], a[300], b[300];
	struct ike_suite suite;
	struct ike_child *c;
	uint32_t spi_out;

	ike_addr_str(&sa->remote, addr, sizeof(addr));
	if (ike_pl_notify_find(p, IKE_N_AUTHENTICATION_FAILED)) {
		ike_identity_format(&cfg->local_id, a, sizeof(a));
		ike_sa_fail(sa, "AUTHENTICATION_FAILED: peer %s rejected our "
			    "authentication as '%s' (pre-shared key or identity "
			    "mismatch)%s", addr, a,
			    ike_nat_hint(sa, b, sizeof(b)));
		return;
	}
	n = ike_pl_notify_error(p);
	if (!ike_pl_has(p, IKE_PL_IDR) || !ike_pl_has(p, IKE_PL_AUTH)) {
		ike_sa_fail(sa, "peer %s refused IKE_AUTH: %s", addr,
			    n ? ike_notify_name(n->type) : "no identity or AUTH");
		return;
	}
	if (!verify_peer(sa, &p->idr, &p->auth, why, sizeof(why))) {
		ike_tunnel_fail(sa->eng, sa->tun, "%s", why);
		ike_xchg_done(sa);
		ike_info_auth_failed(sa);
		return;
	}
	sa->generation = 1;
	ike_sa_set_state(sa, IKE_SA_ESTABLISHED);
	sa->tun->ike = sa;
	sa->tun->contacted = true;
	sa->tun->retry_delay = 0;
	ike_xchg_done(sa);
	if (n) {
		ike_proposals_format(cfg->esp, cfg->n_esp, a, sizeof(a));
		ike_ts_list_format(&cfg->local_ts, b, sizeof(b));
		snprintf(why, sizeof(why), "%s: peer %s refused our CHILD SA "
			 "(we offered ESP %s; local %s", ike_notify_name(n->type),
			 addr, a, b);
		ike_ts_list_format(&cfg->remote_ts, a, sizeof(a));
		snprintf(why + strlen(why), sizeof(why) - strlen(why),
			 ", remote %s)", a);
		child_failed(sa, why);
		return;
	}
	if (!ike_pl_has(p, IKE_PL_SA) || !ike_pl_has(p, IKE_PL_TSI) ||
	    !ike_pl_has(p, IKE_PL_TSR) ||
	    ike_proposal_accept(cfg->esp, cfg->n_esp, &p->sa, IKE_PROTO_ESP, 4,
				true, &suite)) {
		snprintf(why, sizeof(why), "peer %s answered with an ESP "
			 "proposal we did not offer", addr);
		child_failed(sa, why);
		return;
	}
	if (!ike_ts_list_subset(&p->tsi, &cfg->local_ts) ||
	    !ike_ts_list_subset(&p->tsr, &cfg->remote_ts)) {
		ike_ts_list_format(&p->tsi, a, sizeof(a));
		ike_ts_list_format(&p->tsr, b, sizeof(b));
		snprintf(why, sizeof(why), "TS_UNACCEPTABLE: peer %s answered "
			 "with traffic selectors outside ours (local %s, remote "
			 "%s)", addr, a, b);
		child_failed(sa, why);
		return;
	}
	if (ike_pl_notify_find(p, IKE_N_USE_TRANSPORT_MODE)) {
		snprintf(why, sizeof(why), "peer %s answered our tunnel-mode "
			 "CHILD SA in transport mode", addr);
		child_failed(sa, why);
		return;
	}
	memcpy(&spi_out, p->sa.prop[0].spi, 4);
	c = auth_child(sa, sa->child_spi, spi_out, &suite, &p->tsi, &p->tsr,
		       false);
	sa->child_spi = 0;
	if (!c) {
		child_failed(sa, "the kernel refused the CHILD SA");
		return;
	}
	sa->tun->failed = false;
	log_up(sa, c);
	ike_gateway_unhost(sa->eng, sa->tun);
	if (sa->replaces)
		ike_life_reauth_done(sa);
	ike_gateway_timer(sa, sa->eng->now);
	ike_life_dedupe(sa);
}

/*
 * Whether @o was up before the peer started @sa. One that came up later
 * is no state the peer forgot or replaces: it is a crossing initiation,
 * which ike_life_dedupe() resolves once both are up.
 */
static bool older(const struct ike_sa *o, const struct ike_sa *sa)
{
	return o->seq_established && o->seq_established < sa->seq_created;
}

/* Another IKE SA of the tunnel is up: the peer reauthenticates. */
static bool has_established(const struct ike_sa *sa)
{
	const struct ike_sa *o;

	for (o = sa->eng->sas; o; o = o->next)
		if (o != sa && o->tun == sa->tun && !o->superseded &&
		    o->state == IKE_SA_ESTABLISHED && older(o, sa))
			return true;
	return false;
}

/*
 * INITIAL_CONTACT (§2.4): the peer has no state, so neither should we,
 * for the SAs it forgot: those of every tunnel between the same identities
 * that were up before it started this one. Our own initiation in progress
 * is new to it, as is an SA that came up since.
 */
static void drop_old_sas(struct ike_sa *sa)
{
	struct ike_sa *old;

	for (old = sa->eng->sas; old; old = old->next) {
		/* A half-open SA has no identity yet: it may be another tunnel's. */
		if (old == sa || !old->tun || !same_peer(old->tun, sa->tun) ||
		    old->state == IKE_SA_CLOSED ||
		    old->state == IKE_SA_HALF_OPEN ||
		    old->state == IKE_SA_INIT_SENT ||
		    old->state == IKE_SA_AUTH_SENT || !older(old, sa))
			continue;
		ike_log(sa->eng, IKE_LOG_INFO, sa->tun,
			"INITIAL_CONTACT: dropping old IKE SA %016llx_i "
			"%016llx_r", (unsigned long long)old->spi_i,
			(unsigned long long)old->spi_r);
		ike_sa_close(old);
		/* Another tunnel between the same identities starts over. */
		if (old->tun != sa->tun)
			ike_life_lost(sa->eng, old->tun);
	}
}

/*
 * remote = any: the peer authenticated from another address than its
 * IKE SA of this tunnel (a new address, a new NAT): that SA and its
 * CHILD SAs are gone with the old address. The new SA takes over.
 */
static void drop_moved_sas(struct ike_sa *sa)
{
	char was[64], now[64];
	struct ike_sa *old;

	if (!ike_host_any(&sa->tun->cfg.remote))
		return;
	for (old = sa->eng->sas; old; old = old->next) {
		if (old == sa || old->tun != sa->tun ||
		    (old->state != IKE_SA_ESTABLISHED &&
		     old->state != IKE_SA_DELETING) ||
		    ike_host_equal(&old->remote, &sa->remote))
			continue;
		ike_log(sa->eng, IKE_LOG_INFO, sa->tun, "the peer moved from "
			"%s to %s: IKE SA %016llx_i %016llx_r replaced",
			ike_addr_str(&old->remote, was, sizeof(was)),
			ike_addr_str(&sa->remote, now, sizeof(now)),
			(unsigned long long)old->spi_i,
			(unsigned long long)old->spi_r);
		ike_sa_close(old);
	}
}

/* Choose and install the CHILD SA; a notify type on refusal, 0 on success. */
static uint16_t respond_child(struct ike_sa *sa, const struct ike_msg *m,
			      struct ike_msg_out *o, bool replacing)
{
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	const struct ike_payloads *p = &m->pl;
	struct ike_ts_list tsi, tsr;
	char addr[64], a[300], b[300], c[300], d[300];
	struct ike_suite suite;
	struct ike_child *child;
	struct ike_pl_sa pl;
	uint32_t spi_in, spi_out;
	bool transport = ike_pl_notify_find(p, IKE_N_USE_TRANSPORT_MODE);
	int prop;

	ike_addr_str(&sa->remote, addr, sizeof(addr));
	prop = ike_proposal_select(cfg->esp, cfg->n_esp, &p->sa, IKE_PROTO_ESP,
				   4, true, 0, &suite);
	if (prop < 0) {
		ike_pl_proposals_format(&p->sa, a, sizeof(a));
		ike_proposals_format(cfg->esp, cfg->n_esp, b, sizeof(b));
		ike_tunnel_fail(sa->eng, sa->tun, "NO_PROPOSAL_CHOSEN: no common "
				"ESP proposal with %s: peer offered %s; we "
				"accept %s", addr, a, b);
		return IKE_N_NO_PROPOSAL_CHOSEN;
	}
	/* The SGW-to-SGW SA follows in CREATE_CHILD_SA (ike_gateway.c). */
	if (transport) {
		ike_tunnel_fail(sa->eng, sa->tun, "peer %s asked for a "
				"transport-mode CHILD SA in IKE_AUTH; the "
				"tunnel's CHILD SA is tunnel mode%s", addr,
				cfg->protect_gateways ? ", and the SGW-to-SGW "
				"one (protect-gateways) is taken in "
				"CREATE_CHILD_SA after it: list the peer's "
				"tunnel child first" : "");
		return IKE_N_NO_PROPOSAL_CHOSEN;
	}
	/* The peer's TSi is its side, our remote; §2.9 narrowing. */
	ike_ts_narrow(&p->tsi, &cfg->remote_ts, &tsi);
	ike_ts_narrow(&p->tsr, &cfg->local_ts, &tsr);
	if (!tsi.n || !tsr.n) {
		ike_ts_list_format(&p->tsi, a, sizeof(a));
		ike_ts_list_format(&p->tsr, b, sizeof(b));
		ike_ts_list_format(&cfg->local_ts, c, sizeof(c));
		ike_ts_list_format(&cfg->remote_ts, d, sizeof(d));
		ike_tunnel_fail(sa->eng, sa->tun, "TS_UNACCEPTABLE: traffic "
				"selectors of %s unacceptable: peer proposed "
				"TSi %s TSr %s; we have local %s remote %s",
				addr, a, b, c, d);
		return IKE_N_TS_UNACCEPTABLE;
	}
	spi_in = ike_child_alloc_spi(sa->eng);
	memcpy(&spi_out, p->sa.prop[prop].spi, 4);
	/* Reauthentication: our outbound waits until the old SA is deleted. */
	child = spi_in ? auth_child(sa, spi_in, spi_out, &suite, &tsr, &tsi,
				    replacing) :
		NULL;
	if (!child) {
		ike_tunnel_fail(sa->eng, sa->tun, "the kernel refused the CHILD "
				"SA for %s", addr);
		return IKE_N_NO_PROPOSAL_CHOSEN;
	}
	pl.n = 1;
	ike_suite_to_pl(&suite, IKE_PROTO_ESP, p->sa.prop[prop].num,
			(const uint8_t *)&spi_in, 4, &pl.prop[0]);
	ike_enc_sa(&o->chain, &pl);
	ike_enc_ts(&o->chain, IKE_PL_TSI, &tsi);
	ike_enc_ts(&o->chain, IKE_PL_TSR, &tsr);
	sa->tun->failed = false;
	log_up(sa, child);
	ike_gateway_unhost(sa->eng, sa->tun);
	return 0;
}

void ike_auth_respond(struct ike_sa *sa, struct ike_msg *m)
{
	const struct ike_payloads *p = &m->pl;
	struct ike_choice choice;
	struct ike_msg_out o;
	char why[REASON];
	uint16_t refused;
	bool replacing = false;

	if (!ike_pl_has(p, IKE_PL_IDI) || !ike_pl_has(p, IKE_PL_AUTH) ||
	    !ike_pl_has(p, IKE_PL_SA) || !ike_pl_has(p, IKE_PL_TSI) ||
	    !ike_pl_has(p, IKE_PL_TSR)) {
		ike_xchg_begin_response(sa, &o, m);
		ike_enc_notify(&o.chain, 0, NULL, 0, IKE_N_INVALID_SYNTAX,
			       NULL, 0);
		ike_xchg_send_response(sa, &o, m);
		ike_sa_close(sa);
		return;
	}
	ike_xchg_begin_response(sa, &o, m);
	ike_select_auth(sa, p, &choice);
	if (!choice.tun) {
		ike_enc_notify(&o.chain, 0, NULL, 0,
			       IKE_N_AUTHENTICATION_FAILED, NULL, 0);
		ike_xchg_send_response(sa, &o, m);
		if (choice.closest)
			sa->tun = choice.closest;
		ike_sa_fail(sa, "%s", choice.why);
		return;
	}
	/* Its key verifies AUTH; it gets the CHILD SA. */
	sa->tun = choice.tun;
	ike_log(sa->eng, choice.candidates > 1 ? IKE_LOG_INFO : IKE_LOG_DEBUG,
		sa->tun, "%s", choice.why);
	if (!verify_peer(sa, &p->idi, &p->auth, why, sizeof(why))) {
		ike_enc_notify(&o.chain, 0, NULL, 0,
			       IKE_N_AUTHENTICATION_FAILED, NULL, 0);
		ike_xchg_send_response(sa, &o, m);
		ike_sa_fail(sa, "%s", why);
		return;
	}
	drop_moved_sas(sa);
	if (ike_pl_notify_find(p, IKE_N_INITIAL_CONTACT)) {
		sa->eng->cnt.initial_contact_rx++;
		drop_old_sas(sa);
	}
	else
		replacing = has_established(sa);
	sa->generation = 1;
	ike_sa_set_state(sa, IKE_SA_ESTABLISHED);
	sa->tun->ike = sa;
	enc_id(sa, &o, IKE_PL_IDR);
	enc_auth(sa, &o);
	refused = respond_child(sa, m, &o, replacing);
	if (refused)
		ike_enc_notify(&o.chain, 0, NULL, 0, refused, NULL, 0);
	else if (replacing)
		ike_life_replaces_old(sa);
	if (ike_xchg_send_response(sa, &o, m)) {
		ike_sa_fail(sa, "could not build IKE_AUTH response");
		return;
	}
	if (!refused)
		ike_life_dedupe(sa);
}
