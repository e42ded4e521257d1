// SPDX-License-Identifier: GPL-2.0
/* INFORMATIONAL (§1.4): deleting SAs, and telling a peer we rejected it. */
#include <arpa/inet.h>
#include <string.h>

#include "ike_child.h"
#include "ike_exchange.h"

static void closed_by_answer(struct ike_sa *sa, struct ike_msg *m)
{
	(void)m;
	ike_sa_close(sa);
}

int ike_info_delete_ike(struct ike_sa *sa)
{
	struct ike_msg_out o;

	/*
	 * On its way out, even while its DELETE waits behind an exchange:
	 * never rekeyed or reauthenticated again, nor checked for liveness.
	 */
	sa->superseded = true;
	if (sa->req.active) {
		sa->tasks |= IKE_TASK_DELETE_IKE;
		return 0;
	}
	/* Traffic stops now; the peer's answer only confirms. */
	while (sa->children)
		ike_child_destroy(sa, sa->children);
	ike_xchg_begin_request(sa, &o, IKE_INFORMATIONAL);
	ike_enc_delete(&o.chain, IKE_PROTO_IKE, 0, NULL, 0);
	if (ike_xchg_send_request(sa, &o, closed_by_answer)) {
		ike_sa_close(sa);
		return -1;
	}
	return ike_sa_set_state(sa, IKE_SA_DELETING);
}

/* §2.21.2: the initiator rejecting the responder's AUTH says so. */
int ike_info_auth_failed(struct ike_sa *sa)
{
	struct ike_msg_out o;

	ike_xchg_begin_request(sa, &o, IKE_INFORMATIONAL);
	ike_enc_notify(&o.chain, 0, NULL, 0, IKE_N_AUTHENTICATION_FAILED, NULL,
		       0);
	if (ike_xchg_send_request(sa, &o, closed_by_answer)) {
		ike_sa_close(sa);
		return -1;
	}
	return ike_sa_set_state(sa, IKE_SA_DELETING);
}

static void children_deleted(struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_child *c, *next;

	(void)m;
	for (c = sa->children; c; c = next) {
		next = c->next;
		if (c->deleting && c->rekeyed)
			ike_child_retire(sa, c);
		else if (c->deleting)
			ike_child_destroy(sa, c);
	}
	ike_xchg_done(sa);
}

int ike_info_delete_children(struct ike_sa *sa)
{
	uint8_t spis[4 * 64];
	struct ike_msg_out o;
	struct ike_child *c;
	uint16_t n = 0;

	if (sa->req.active) {
		sa->tasks |= IKE_TASK_DELETE_CHILD;
		return 0;
	}
	for (c = sa->children; c && n < sizeof(spis) / 4; c = c->next) {
		if (!c->delete_queued)
			continue;
		c->delete_queued = false;
		c->deleting = true;
		memcpy(spis + 4 * n++, &c->spi_in, 4);
	}
	if (!n)
		return 0;
	ike_xchg_begin_request(sa, &o, IKE_INFORMATIONAL);
	ike_enc_delete(&o.chain, IKE_PROTO_ESP, 4, spis, n);
	return ike_xchg_send_request(sa, &o, children_deleted);
}

static void liveness_answered(struct ike_sa *sa, struct ike_msg *m)
{
	(void)m;
	ike_xchg_done(sa);
}

int ike_info_liveness(struct ike_sa *sa)
{
	struct ike_msg_out o;

	if (sa->req.active) {
		sa->tasks |= IKE_TASK_LIVENESS;
		return 0;
	}
	ike_log(sa->eng, IKE_LOG_DEBUG, sa->tun, "liveness check");
	ike_xchg_begin_request(sa, &o, IKE_INFORMATIONAL);
	return ike_xchg_send_request(sa, &o, liveness_answered);
}

void ike_info_respond(struct ike_sa *sa, struct ike_msg *m)
{
	const struct ike_payloads *p = &m->pl;
	uint8_t spis[4 * 64];
	struct ike_msg_out o;
	struct ike_child *c, *next;
	char addr[64], id[2 * IKE_ID_MAX + 8];
	bool close = false, deleted = false, refused = false;
	uint16_t n = 0;
	int i, j;

	ike_addr_str(&sa->remote, addr, sizeof(addr));
	if (ike_pl_notify_find(p, IKE_N_AUTHENTICATION_FAILED)) {
		ike_identity_format(&sa->tun->cfg.local_id, id, sizeof(id));
		ike_tunnel_fail(sa->eng, sa->tun, "AUTHENTICATION_FAILED: peer "
				"%s rejected our authentication as '%s'", addr,
				id);
		close = true;
		refused = true;
	}
	for (i = 0; i < p->n_delete; i++) {
		const struct ike_pl_delete *d = &p->del[i];

		if (d->proto == IKE_PROTO_IKE) {
			ike_log(sa->eng, IKE_LOG_INFO, sa->tun,
				"peer %s deleted the IKE SA", addr);
			close = true;
			deleted = true;
			continue;
		}
		for (j = 0; j < d->n_spi; j++) {
			uint32_t spi;

			memcpy(&spi, d->spis + 4 * j, 4);
			c = d->proto == IKE_PROTO_ESP ?
			    ike_child_by_spi_out(sa, spi) : NULL;
			if (!c)
				continue;
			ike_log(sa->eng, IKE_LOG_INFO, c->tun,
				"peer %s deleted CHILD SA in %08x out %08x",
				addr, ntohl(c->spi_in), ntohl(c->spi_out));
			/* Make-before-break: the peer has switched, so do we. */
			next = ike_child_successor(sa, c);
			if (next)
				ike_child_install_out(sa, next);
			/* §1.4.1: when both delete at once, no SPI in the answer. */
			if (!c->deleting && n < sizeof(spis) / 4)
				memcpy(spis + 4 * n++, &c->spi_in, 4);
			if (next || c->rekeyed)
				ike_child_retire(sa, c);
			else
				ike_child_destroy(sa, c);
		}
	}
	ike_xchg_begin_response(sa, &o, m);
	if (n && !close)
		ike_enc_delete(&o.chain, IKE_PROTO_ESP, 4, spis, n);
	ike_xchg_send_response(sa, &o, m);
	if (!close)
		return;
	/*
	 * Replaced by reauthentication: the new SA's outbound halves take
	 * over now, and the old inbound SAs linger a little.
	 */
	if (sa->superseded && sa->tun->ike && sa->tun->ike != sa &&
	    sa->tun->ike->state == IKE_SA_ESTABLISHED) {
		for (c = sa->tun->ike->children; c; c = c->next)
			if (c->out_pending && !c->rekeyed && !c->retiring)
				ike_child_install_out(sa->tun->ike, c);
		ike_child_retire_all(sa, sa->tun->ike);
	}
	ike_sa_close(sa);
	/* Deleted, not refused: a tunnel that should be up comes back. */
	if (deleted && !refused && !ike_life_replacement_deleted(sa))
		ike_life_lost(sa->eng, sa->tun);
}
