// SPDX-License-Identifier: GPL-2.0
/*
 * Probes (ike_engine.h): one IKE_SA_INIT request of a tunnel, built as the
 * tunnel's own would be (proposals, KE of the first proposal's DH group,
 * nonce, NAT detection) but under an initiator SPI that belongs to no SA,
 * and its answer classified. A probe owns no SA and touches no tunnel:
 * the answer is read here and dropped, so the peer's half-open SA simply
 * times out; our DH key is thrown away unused.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_exchange.h"
#include "ike_proposal.h"
#include "ike_trace.h"

#define PROBE_NONCE_LEN 32
#define IKE_PROBE_KEEP_MS 60000

static struct ike_probe *probe_by_spi(const struct ike_engine *e,
				      uint64_t spi)
{
	struct ike_probe *p;

	for (p = e->probes; p; p = p->next)
		if (p->spi_i == spi)
			return p;
	return NULL;
}

static struct ike_probe *probe_by_id(const struct ike_engine *e, uint32_t id)
{
	struct ike_probe *p;

	for (p = e->probes; p; p = p->next)
		if (p->id == id)
			return p;
	return NULL;
}

/* Unused by any SA we initiated and by any other probe. */
static uint64_t probe_spi(struct ike_engine *e)
{
	uint64_t spi;

	do {
		if (ike_random(&spi, sizeof(spi)))
			return 0;
	} while (!spi || ike_sa_find(e, true, spi) || probe_by_spi(e, spi));
	return spi;
}

static bool any_addr(const struct sockaddr_storage *ss)
{
	static const uint8_t zero[16];

	if (ss->ss_family == AF_INET)
		return !((const struct sockaddr_in *)ss)->sin_addr.s_addr;
	if (ss->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)ss)->sin6_addr,
			       zero, sizeof(zero));
	return true;
}

static int probe_send(struct ike_engine *e, const struct ike_tunnel *t,
		      struct ike_probe *p)
{
	uint8_t nonce[PROBE_NONCE_LEN], pub[IKE_DH_MAX];
	uint8_t src[IKE_NATD_LEN], dst[IKE_NATD_LEN];
	size_t publen = ike_dh_pub_len(p->dh_group);
	struct ike_dh *dh = ike_dh_new(p->dh_group);
	struct ike_msg_out o;
	struct ike_pl_sa pl;
	int ret;

	if (!dh || !publen || ike_dh_public(dh, pub, publen) ||
	    ike_random(nonce, sizeof(nonce))) {
		ike_dh_free(dh);
		return -ENOMEM;
	}
	ike_dh_free(dh);
	ike_msg_out_init(&o, p->spi_i, 0, IKE_SA_INIT, IKE_FLAG_I, 0, false);
	ike_proposals_to_sa(p->ike, p->n_ike, NULL, 0, false, &pl);
	ike_enc_sa(&o.chain, &pl);
	ike_enc_ke(&o.chain, p->dh_group, pub, publen);
	ike_enc_nonce(&o.chain, nonce, sizeof(nonce));
	/* As ike_nat.c, but encap's random source hash aside: the truth. */
	if (p->nat_traversal &&
	    !ike_natd_hash(p->spi_i, 0, &p->r.local, src) &&
	    !ike_natd_hash(p->spi_i, 0, &p->r.remote, dst)) {
		ike_enc_notify(&o.chain, 0, NULL, 0,
			       IKE_N_NAT_DETECTION_SOURCE_IP, src, sizeof(src));
		ike_enc_notify(&o.chain, 0, NULL, 0,
			       IKE_N_NAT_DETECTION_DESTINATION_IP, dst,
			       sizeof(dst));
	}
	ike_trace_out(e, t, &p->r.remote, &o);
	ret = ike_msg_out_finish(&o, NULL);
	if (!ret) {
		/* Not ike_send(): no SA's keepalive timer is this probe's. */
		e->cnt.tx++;
		ret = e->ops.send(e->ops.ctx, &p->r.local, &p->r.remote,
				  o.buf.data, o.buf.len);
	}
	ike_msg_out_release(&o);
	return ret;
}

/* Done and never collected (the asker went away): gone after a while. */
static void probe_gc(struct ike_engine *e, ike_time_t now)
{
	struct ike_probe **pp = &e->probes, *p;

	while ((p = *pp)) {
		if (p->r.state != IKE_PROBE_WAITING &&
		    now > p->deadline + IKE_PROBE_KEEP_MS) {
			*pp = p->next;
			e->n_probes--;
			free(p);
			continue;
		}
		pp = &p->next;
	}
}

int ike_engine_probe(struct ike_engine *e, uint32_t tunnel, uint16_t port,
		     ike_time_t timeout_ms, ike_time_t now, uint32_t *id)
{
	const struct ike_tunnel *t;
	struct ike_probe *p;
	int ret;

	e->now = now;
	for (t = e->tunnels; t && t->cfg.id != tunnel; t = t->next)
		;
	if (!t)
		return -ENOENT;
	if (!port || !timeout_ms || any_addr(&t->cfg.remote) || !t->cfg.n_ike)
		return -EINVAL;
	probe_gc(e, now);
	if (e->n_probes >= IKE_PROBES_MAX)
		return -EBUSY;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->spi_i = probe_spi(e);
	if (!p->spi_i) {
		free(p);
		return -ENOMEM;
	}
	do
		p->id = ++e->probe_id;
	while (!p->id || probe_by_id(e, p->id));
	memcpy(p->ike, t->cfg.ike, sizeof(p->ike));
	p->n_ike = t->cfg.n_ike;
	p->dh_group = t->cfg.ike[0].alg[IKE_XF_DH][0].id;
	p->nat_traversal = t->cfg.nat_traversal;
	p->r.tunnel = tunnel;
	p->r.state = IKE_PROBE_WAITING;
	p->r.local = t->cfg.local;
	p->r.remote = t->cfg.remote;
	ike_set_port(&p->r.local, port);
	ike_set_port(&p->r.remote, port);
	p->r.timeout_ms = timeout_ms;
	p->sent = now;
	p->deadline = now + timeout_ms;
	p->next = e->probes;
	e->probes = p;
	e->n_probes++;
	ret = probe_send(e, t, p);
	if (ret) {
		p->r.state = IKE_PROBE_UNSENT;
		snprintf(p->r.error, sizeof(p->r.error), "%s",
			 ret == -ENOMEM ? "could not build IKE_SA_INIT" :
			 ret == -ENOTCONN ? "no IKE socket on that address "
			 "and port" : strerror(-ret));
	}
	*id = p->id;
	return 0;
}

int ike_engine_probe_result(const struct ike_engine *e, uint32_t id,
			    struct ike_probe_result *r)
{
	const struct ike_probe *p = probe_by_id(e, id);

	if (!p)
		return -ENOENT;
	*r = p->r;
	return 0;
}

void ike_engine_probe_forget(struct ike_engine *e, uint32_t id)
{
	struct ike_probe **pp, *p;

	for (pp = &e->probes; (p = *pp); pp = &p->next)
		if (p->id == id) {
			*pp = p->next;
			e->n_probes--;
			free(p);
			return;
		}
}

void ike_probe_free_all(struct ike_engine *e)
{
	struct ike_probe *p;

	while ((p = e->probes)) {
		e->probes = p->next;
		free(p);
	}
	e->n_probes = 0;
}

/* What the answer @m says; on the probe's result. */
static void classify(struct ike_probe *p, const struct ike_msg *m)
{
	const struct ike_payloads *pl = &m->pl;
	const struct ike_pl_notify *n;
	struct ike_probe_result *r = &p->r;
	struct ike_suite suite;

	n = ike_pl_notify_find(pl, IKE_N_COOKIE);
	if (n) {
		r->answer = IKE_PROBE_COOKIE;
		return;
	}
	n = ike_pl_notify_find(pl, IKE_N_INVALID_KE_PAYLOAD);
	if (n) {
		r->answer = IKE_PROBE_INVALID_KE;
		r->group = n->len == 2 ? ike_get16(n->data) : 0;
		return;
	}
	n = ike_pl_notify_error(pl);
	if (n) {
		r->answer = IKE_PROBE_REFUSED;
		r->notify = n->type;
		return;
	}
	if (!ike_pl_has(pl, IKE_PL_SA) || !ike_pl_has(pl, IKE_PL_KE) ||
	    !ike_pl_has(pl, IKE_PL_NONCE) || !m->hdr.spi_r) {
		r->answer = IKE_PROBE_STRANGE;
		snprintf(r->error, sizeof(r->error), "an IKE_SA_INIT response "
			 "without SA, KE, Nonce or responder SPI");
		return;
	}
	if (ike_proposal_accept(p->ike, p->n_ike, &pl->sa, IKE_PROTO_IKE, 0,
				false, &suite) || pl->ke.group != suite.dh) {
		r->answer = IKE_PROBE_STRANGE;
		ike_pl_proposals_format(&pl->sa, r->chosen, sizeof(r->chosen));
		snprintf(r->error, sizeof(r->error), "the peer chose an IKE "
			 "proposal we did not offer: %s", r->chosen);
		r->chosen[0] = '\0';
		return;
	}
	r->answer = IKE_PROBE_CHOSEN;
	ike_suite_format(&suite, IKE_PROTO_IKE, r->chosen, sizeof(r->chosen));
}

bool ike_probe_input(struct ike_engine *e,
		     const struct sockaddr_storage *local,
		     const struct sockaddr_storage *remote,
		     const struct ike_msg *m)
{
	struct ike_probe *p;

	if (m->hdr.exchange != IKE_SA_INIT || !(m->hdr.flags & IKE_FLAG_R) ||
	    (m->hdr.flags & IKE_FLAG_I) || m->hdr.msgid)
		return false;
	p = probe_by_spi(e, m->hdr.spi_i);
	if (!p)
		return false;
	/* The answer comes from where the probe went, or it is not one. */
	if (p->r.state != IKE_PROBE_WAITING ||
	    !ike_addr_equal(&p->r.remote, remote) ||
	    !ike_addr_equal(&p->r.local, local)) {
		e->cnt.unknown_spi++;
		return true;
	}
	p->r.state = IKE_PROBE_ANSWERED;
	p->r.rtt_ms = e->now - p->sent;
	classify(p, m);
	if (p->nat_traversal)
		p->r.natd = ike_natd_eval(&m->pl, p->spi_i,
					  m->hdr.spi_r, local, remote,
					  &p->r.nat_here, &p->r.nat_there);
	return true;
}

void ike_probe_timer(struct ike_engine *e, ike_time_t now)
{
	struct ike_probe *p;

	for (p = e->probes; p; p = p->next)
		if (p->r.state == IKE_PROBE_WAITING && now >= p->deadline)
			p->r.state = IKE_PROBE_SILENT;
}

ike_time_t ike_probe_next(const struct ike_engine *e)
{
	ike_time_t next = IKE_TIME_NEVER;
	const struct ike_probe *p;

	for (p = e->probes; p; p = p->next)
		if (p->r.state == IKE_PROBE_WAITING && p->deadline < next)
			next = p->deadline;
	return next;
}
