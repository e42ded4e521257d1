// SPDX-License-Identifier: GPL-2.0
/* Responder tunnel choice; see ike_select.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ike_child.h"
#include "ike_exchange.h"
#include "ike_proposal.h"
#include "ike_select.h"

struct ike_tunnel *ike_select_next(struct ike_engine *e,
				   const struct ike_tunnel *prev,
				   const struct sockaddr_storage *local,
				   const struct sockaddr_storage *remote)
{
	struct ike_tunnel *t, *best = NULL;

	/* By id, not list order, so the choice does not depend on add order. */
	for (t = e->tunnels; t; t = t->next)
		if ((!prev || t->cfg.id > prev->cfg.id) &&
		    (!best || t->cfg.id < best->cfg.id) &&
		    ike_host_equal(&t->cfg.local, local) &&
		    ike_remote_fits(&t->cfg, remote) &&
		    (t->cfg.nat_traversal ||
		     ike_addr_equal(&t->cfg.local, local)))
			best = t;
	return best;
}

static bool id_is(const struct ike_identity *want, const struct ike_pl_id *got)
{
	return got->type == want->type && got->len == want->len &&
	       !memcmp(got->data, want->data, want->len);
}

static void pl_id_format(const struct ike_pl_id *id, char *buf, size_t len)
{
	struct ike_identity v = { .type = id->type };

	v.len = (uint8_t)(id->len < IKE_ID_MAX ? id->len : IKE_ID_MAX);
	memcpy(v.data, id->data, v.len);
	ike_identity_format(&v, buf, len);
}

/* The suite agreed in IKE_SA_INIT must be one this tunnel allows too. */
static bool suite_allowed(const struct ike_tunnel *t, const struct ike_suite *s)
{
	struct ike_suite out;
	struct ike_pl_sa pl = { .n = 1 };

	ike_suite_to_pl(s, IKE_PROTO_IKE, 1, NULL, 0, &pl.prop[0]);
	return ike_proposal_select(t->cfg.ike, t->cfg.n_ike, &pl, IKE_PROTO_IKE,
				   0, false, s->dh, &out) >= 0;
}

static bool ts_list_same(const struct ike_ts_list *a,
			 const struct ike_ts_list *b)
{
	return ike_ts_list_subset(a, b) && ike_ts_list_subset(b, a);
}

/*
 * How well the proposed selectors fit: 3 exactly ours, 2 inside ours, 1
 * only after narrowing, 0 not at all. The peer's TSi is our remote side.
 */
static int ts_fit(const struct ike_tunnel *t, const struct ike_payloads *p)
{
	const struct ike_tunnel_config *c = &t->cfg;
	struct ike_ts_list tsi, tsr;

	if (ts_list_same(&p->tsi, &c->remote_ts) &&
	    ts_list_same(&p->tsr, &c->local_ts))
		return 3;
	if (ike_ts_list_subset(&p->tsi, &c->remote_ts) &&
	    ike_ts_list_subset(&p->tsr, &c->local_ts))
		return 2;
	ike_ts_narrow(&p->tsi, &c->remote_ts, &tsi);
	ike_ts_narrow(&p->tsr, &c->local_ts, &tsr);
	return tsi.n && tsr.n ? 1 : 0;
}

static int tunnel_label(const struct ike_tunnel *t, char *buf, size_t len)
{
	if (t->cfg.name[0])
		return snprintf(buf, len, "tunnel %u '%s'", t->cfg.id,
				t->cfg.name);
	return snprintf(buf, len, "tunnel %u", t->cfg.id);
}

static void append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t off = strlen(buf);
	va_list ap;

	if (off + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
}

/* "it identified as 'X' [for 'Y'], we expect 'A' [for 'B'] [(tunnel ..)] or ..." */
static void why_no_identity(struct ike_sa *sa, const struct ike_payloads *p,
			    const struct ike_pl_id *idr, struct ike_choice *out)
{
	char addr[64], id[2 * IKE_ID_MAX + 8], label[64];
	const struct ike_tunnel *t;
	bool first = true;

	ike_addr_str(&sa->remote, addr, sizeof(addr));
	pl_id_format(&p->idi, id, sizeof(id));
	snprintf(out->why, sizeof(out->why), "AUTHENTICATION_FAILED: we "
		 "rejected peer %s: it identified as '%s'", addr, id);
	if (idr) {
		pl_id_format(idr, id, sizeof(id));
		append(out->why, sizeof(out->why), " for '%s'", id);
	}
	append(out->why, sizeof(out->why), ", we expect ");
	for (t = ike_select_next(sa->eng, NULL, &sa->local, &sa->remote); t;
	     t = ike_select_next(sa->eng, t, &sa->local, &sa->remote)) {
		ike_identity_format(&t->cfg.remote_id, id, sizeof(id));
		append(out->why, sizeof(out->why), "%s'%s'", first ? "" :
		       " or ", id);
		if (idr) {
			ike_identity_format(&t->cfg.local_id, id, sizeof(id));
			append(out->why, sizeof(out->why), " for '%s'", id);
		}
		if (out->candidates > 1) {
			tunnel_label(t, label, sizeof(label));
			append(out->why, sizeof(out->why), " (%s)", label);
		}
		first = false;
	}
	append(out->why, sizeof(out->why), "%s",
	       ike_nat_hint(sa, id, sizeof(id)));
}

static void why_no_suite(struct ike_sa *sa, const struct ike_payloads *p,
			 const struct ike_tunnel *t, struct ike_choice *out)
{
	char addr[64], id[2 * IKE_ID_MAX + 8], label[64], suite[96];

	ike_addr_str(&sa->remote, addr, sizeof(addr));
	pl_id_format(&p->idi, id, sizeof(id));
	tunnel_label(t, label, sizeof(label));
	ike_suite_format(&sa->suite, IKE_PROTO_IKE, suite, sizeof(suite));
	snprintf(out->why, sizeof(out->why), "AUTHENTICATION_FAILED: we "
		 "rejected peer %s: it identified as '%s' for %s, whose IKE "
		 "proposals do not allow %s agreed in IKE_SA_INIT", addr, id,
		 label, suite);
}

static void why_chosen(struct ike_sa *sa, const struct ike_payloads *p,
		       unsigned int n_id, unsigned int n_best, int best_score,
		       struct ike_choice *out)
{
	char addr[64], id[2 * IKE_ID_MAX + 8], label[64], a[300], b[300];

	ike_addr_str(&sa->remote, addr, sizeof(addr));
	pl_id_format(&p->idi, id, sizeof(id));
	tunnel_label(out->tun, label, sizeof(label));
	ike_ts_list_format(&p->tsi, a, sizeof(a));
	ike_ts_list_format(&p->tsr, b, sizeof(b));
	snprintf(out->why, sizeof(out->why), "IKE_AUTH from %s as '%s': %s "
		 "answers (%u tunnels on this address pair; ", addr, id, label,
		 out->candidates);
	if (n_id == 1)
		append(out->why, sizeof(out->why), "chosen by identity)");
	else if (!best_score)
		append(out->why, sizeof(out->why), "%u match the identity, "
		       "none the traffic selectors TSi %s TSr %s: the first)",
		       n_id, a, b);
	else
		append(out->why, sizeof(out->why), "chosen by identity, then "
		       "traffic selectors TSi %s TSr %s%s)", a, b,
		       n_best > 1 ? ", then lowest id" : "");
}

void ike_select_auth(struct ike_sa *sa, const struct ike_payloads *p,
		     struct ike_choice *out)
{
	const struct ike_pl_id *idr = ike_pl_has(p, IKE_PL_IDR) ? &p->idr :
				      NULL;
	struct ike_tunnel *t, *no_suite = NULL;
	unsigned int n_id = 0, n_best = 0;
	int score, best_score = -1;

	memset(out, 0, sizeof(*out));
	for (t = ike_select_next(sa->eng, NULL, &sa->local, &sa->remote); t;
	     t = ike_select_next(sa->eng, t, &sa->local, &sa->remote)) {
		out->candidates++;
		if (!id_is(&t->cfg.remote_id, &p->idi) ||
		    (idr && !id_is(&t->cfg.local_id, idr)))
			continue;
		if (!suite_allowed(t, &sa->suite)) {
			if (!no_suite)
				no_suite = t;
			continue;
		}
		n_id++;
		score = ts_fit(t, p);
		if (score > best_score) {
			out->tun = t;
			best_score = score;
			n_best = 1;
		} else if (score == best_score) {
			n_best++;
		}
	}
	if (out->tun)
		why_chosen(sa, p, n_id, n_best, best_score, out);
	else if ((out->closest = no_suite))
		why_no_suite(sa, p, no_suite, out);
	else
		why_no_identity(sa, p, idr, out);
}

static bool identity_same(const struct ike_identity *a,
			  const struct ike_identity *b)
{
	return a->type == b->type && a->len == b->len &&
	       !memcmp(a->data, b->data, a->len);
}

/* Tunnel @t could take a CHILD SA the peer asks for on @sa. */
static bool child_candidate(struct ike_sa *sa, const struct ike_tunnel *t)
{
	if (t == sa->tun)
		return true;
	return ike_host_equal(&t->cfg.local, &sa->local) &&
	       (ike_host_any(&t->cfg.remote) ||
		ike_host_equal(&t->cfg.remote, &sa->remote)) &&
	       identity_same(&t->cfg.remote_id, &sa->peer_id) &&
	       identity_same(&t->cfg.local_id, &sa->tun->cfg.local_id) &&
	       suite_allowed(t, &sa->suite);
}

/* @t has no CHILD SA, or is making its own on @sa right now. */
static bool child_free(struct ike_sa *sa, const struct ike_tunnel *t)
{
	if (t == sa->tun)
		return (!ike_gateway_have_child(sa, IKE_MODE_TUNNEL) &&
			!ike_tunnel_hosted(sa->eng, t, NULL)) ||
		       ike_gateway_creating(sa, IKE_MODE_TUNNEL);
	return !ike_tunnel_child(sa->eng, t, NULL) ||
	       (sa->rekey.active && sa->rekey.create &&
		sa->rekey.mode == IKE_MODE_TUNNEL && sa->rekey.tun == t);
}

/*
 * The SA's own tunnel @t, whose CHILD SA exists, takes the request as an
 * additional CHILD SA: its selectors, narrowed to the tunnel's networks,
 * are no current CHILD SA's and there is room for one more.
 */
static bool child_extra(struct ike_sa *sa, const struct ike_tunnel *t,
			const struct ike_payloads *p)
{
	struct ike_ts_list tsi, tsr;

	if (t != sa->tun || ike_child_extra_count(sa, t) >= IKE_CHILD_EXTRA_MAX)
		return false;
	ike_ts_narrow(&p->tsi, &t->cfg.remote_ts, &tsi);
	ike_ts_narrow(&p->tsr, &t->cfg.local_ts, &tsr);
	return tsi.n && tsr.n && !ike_child_ts_taken(sa, t, &tsr, &tsi);
}

struct ike_tunnel *ike_select_child(struct ike_sa *sa,
				    const struct ike_payloads *p, bool *extra,
				    uint16_t *refuse, char *why, size_t len)
{
	struct ike_tunnel *t, *best = NULL, *taken = NULL, *more = NULL;
	char a[300], b[300], label[64];
	int score, best_score = 0;

	*extra = false;
	for (t = sa->eng->tunnels; t; t = t->next) {
		if (!child_candidate(sa, t))
			continue;
		score = ts_fit(t, p);
		if (!score)
			continue;
		if (!child_free(sa, t)) {
			if (!more && child_extra(sa, t, p))
				more = t;
			if (!taken || t == sa->tun)
				taken = t;
			continue;
		}
		/* The best fit; the SA's own tunnel, then the lowest id. */
		if (!best || score > best_score ||
		    (score == best_score && best != sa->tun &&
		     (t == sa->tun || t->cfg.id < best->cfg.id))) {
			best = t;
			best_score = score;
		}
	}
	if (best)
		return best;
	/* Only then another CHILD SA of a tunnel that has one (a subnet pair). */
	if (more) {
		*extra = true;
		return more;
	}
	ike_ts_list_format(&p->tsi, a, sizeof(a));
	ike_ts_list_format(&p->tsr, b, sizeof(b));
	if (taken) {
		tunnel_label(taken, label, sizeof(label));
		snprintf(why, len, "NO_ADDITIONAL_SAS: new CHILD SA for TSi %s "
			 "TSr %s refused: %s has its CHILD SA, and one with "
			 "these selectors or %d more", a, b, label,
			 IKE_CHILD_EXTRA_MAX);
		*refuse = IKE_N_NO_ADDITIONAL_SAS;
	} else {
		snprintf(why, len, "TS_UNACCEPTABLE: new CHILD SA for TSi %s "
			 "TSr %s refused: no tunnel between these identities "
			 "has such selectors", a, b);
		*refuse = IKE_N_TS_UNACCEPTABLE;
	}
	return NULL;
}
