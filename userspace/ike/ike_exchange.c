// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "ike_child.h"
#include "ike_exchange.h"
#include "ike_trace.h"

/* One more exchange of @exchange completed in @role (ike_counters). */
static void count_exchange(struct ike_engine *e, uint8_t exchange, int role)
{
	if (exchange >= IKE_SA_INIT && exchange <= IKE_INFORMATIONAL)
		e->cnt.exchanges[exchange - IKE_SA_INIT][role]++;
}

static uint8_t our_flags(const struct ike_sa *sa)
{
	return sa->initiator ? IKE_FLAG_I : 0;
}

void ike_xchg_begin_request(struct ike_sa *sa, struct ike_msg_out *o,
			    uint8_t exchange)
{
	ike_msg_out_init(o, sa->spi_i, sa->spi_r, exchange, our_flags(sa),
			 sa->next_msgid, exchange != IKE_SA_INIT);
}

static ike_time_t backoff(const struct ike_sa *sa, unsigned int tries)
{
	ike_time_t t = sa->tun->cfg.retrans_timeout_ms;

	/* Wait after the n-th transmission: timeout * 2^(n-1). */
	return t << (tries - 1 < 16 ? tries - 1 : 16);
}

int ike_xchg_send_request(struct ike_sa *sa, struct ike_msg_out *o,
			  ike_resp_fn handler)
{
	struct ike_request *r = &sa->req;
	uint8_t exchange = o->buf.len >= IKE_HDR_LEN ? o->buf.data[18] : 0;
	int ret = -1;

	ike_trace_out(sa->eng, sa->tun, &sa->remote, o);
	if (ike_msg_out_finish(o, o->protect ? ike_sa_our_sk(sa) : NULL) ||
	    ike_buf_set(&r->msg, o->buf.data, o->buf.len))
		goto out;
	r->active = true;
	r->exchange = exchange;
	r->msgid = sa->next_msgid++;
	r->tries = 1;
	r->next = sa->eng->now + ike_jitter(sa->eng, backoff(sa, 1));
	r->handler = handler;
	ike_send(sa->eng, &sa->local, &sa->remote, &r->msg);
	ret = 0;
out:
	ike_msg_out_release(o);
	return ret;
}

ike_time_t ike_xchg_span(const struct ike_sa *sa)
{
	ike_time_t span = 0;
	unsigned int i;

	for (i = 1; i <= sa->tun->cfg.retrans_tries; i++)
		span += backoff(sa, i);
	return span;
}

/* Queued work in order of urgency: deletes, rekeys, liveness. */
void ike_xchg_done(struct ike_sa *sa)
{
	sa->req.active = false;
	if (sa->state != IKE_SA_ESTABLISHED)
		return;
	if (sa->tasks & IKE_TASK_DELETE_IKE) {
		sa->tasks = 0;
		ike_info_delete_ike(sa);
	} else if (sa->tasks & IKE_TASK_DELETE_CHILD) {
		sa->tasks &= ~IKE_TASK_DELETE_CHILD;
		ike_info_delete_children(sa);
	} else if (sa->tasks & IKE_TASK_REKEY_IKE) {
		sa->tasks &= ~IKE_TASK_REKEY_IKE;
		ike_rekey_ike_start(sa);
	} else if (sa->tasks & IKE_TASK_REKEY_CHILD) {
		sa->tasks &= ~IKE_TASK_REKEY_CHILD;
		ike_rekey_child_next(sa);
	} else if (sa->tasks & (IKE_TASK_GATEWAY_CHILD |
				IKE_TASK_TUNNEL_CHILD)) {
		ike_gateway_start_queued(sa);
	} else if (sa->tasks & IKE_TASK_LIVENESS) {
		sa->tasks &= ~IKE_TASK_LIVENESS;
		ike_info_liveness(sa);
	}
}

void ike_xchg_begin_response(struct ike_sa *sa, struct ike_msg_out *o,
			     const struct ike_msg *req)
{
	ike_msg_out_init(o, sa->spi_i, sa->spi_r, req->hdr.exchange,
			 our_flags(sa) | IKE_FLAG_R, req->hdr.msgid,
			 req->hdr.exchange != IKE_SA_INIT);
}

int ike_xchg_send_response(struct ike_sa *sa, struct ike_msg_out *o,
			   const struct ike_msg *req)
{
	int ret = -1;

	ike_trace_out(sa->eng, sa->tun, &sa->remote, o);
	if (ike_msg_out_finish(o, o->protect ? ike_sa_our_sk(sa) : NULL) ||
	    ike_buf_set(&sa->last_resp, o->buf.data, o->buf.len) ||
	    ike_buf_set(&sa->last_req, req->raw, req->len))
		goto out;
	sa->peer_msgid = req->hdr.msgid + 1;
	ike_send(sa->eng, &sa->local, &sa->remote, &sa->last_resp);
	count_exchange(sa->eng, req->hdr.exchange, 1);
	ret = 0;
out:
	ike_msg_out_release(o);
	return ret;
}

static const struct {
	uint8_t exchange;
	unsigned int states;	/* bit per ike_sa_state that may answer */
	void (*respond)(struct ike_sa *sa, struct ike_msg *m);
} responders[] = {
	{ IKE_AUTH, 1u << IKE_SA_HALF_OPEN, ike_auth_respond },
	{ IKE_INFORMATIONAL, 1u << IKE_SA_ESTABLISHED | 1u << IKE_SA_DELETING,
	  ike_info_respond },
	{ IKE_CREATE_CHILD_SA, 1u << IKE_SA_ESTABLISHED | 1u << IKE_SA_DELETING,
	  ike_rekey_respond },
};

static int decrypt(struct ike_sa *sa, struct ike_msg *m)
{
	if (!ike_pl_has(&m->pl, IKE_PL_SK)) {
		sa->eng->cnt.malformed++;
		return -1;
	}
	if (ike_msg_decrypt(m, ike_sa_peer_sk(sa))) {
		if (m->err.notify)
			sa->eng->cnt.malformed++;
		else
			sa->eng->cnt.integrity_failed++;
		return -1;
	}
	ike_trace_in(sa->eng, sa->tun, &sa->remote, m, true);
	return 0;
}

static void input_response(struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_request *r = &sa->req;

	if (!r->active || m->hdr.msgid != r->msgid ||
	    m->hdr.exchange != r->exchange) {
		sa->eng->cnt.bad_msgid++;
		return;
	}
	if (m->hdr.exchange != IKE_SA_INIT) {
		if (decrypt(sa, m))
			return;
		ike_nat_authentic(sa);
	}
	sa->last_rx = sa->eng->now;
	count_exchange(sa->eng, m->hdr.exchange, 0);
	r->handler(sa, m);
}

static void input_request(struct ike_sa *sa, struct ike_msg *m)
{
	size_t i;

	/* §2.1: a retransmitted request gets the same answer, not a new one. */
	if (sa->last_resp.len && m->hdr.msgid + 1 == sa->peer_msgid) {
		if (m->len == sa->last_req.len &&
		    !memcmp(m->raw, sa->last_req.data, m->len)) {
			sa->eng->cnt.answered_from_cache++;
			sa->last_rx = sa->eng->now;
			ike_send(sa->eng, &sa->local, &sa->remote,
				 &sa->last_resp);
		} else {
			sa->eng->cnt.bad_msgid++;
		}
		return;
	}
	if (m->hdr.msgid != sa->peer_msgid) {
		sa->eng->cnt.bad_msgid++;
		return;
	}
	for (i = 0; i < sizeof(responders) / sizeof(responders[0]); i++) {
		if (responders[i].exchange != m->hdr.exchange)
			continue;
		if (!(responders[i].states & (1u << sa->state)) ||
		    decrypt(sa, m))
			break;
		ike_nat_authentic(sa);
		sa->last_rx = sa->eng->now;
		responders[i].respond(sa, m);
		return;
	}
	sa->eng->cnt.malformed++;
}

void ike_xchg_input(struct ike_sa *sa, struct ike_msg *m)
{
	/* The R flag, not the I flag, tells requests from responses. */
	if (m->hdr.flags & IKE_FLAG_R)
		input_response(sa, m);
	else
		input_request(sa, m);
}

ike_time_t ike_xchg_timer(struct ike_sa *sa, ike_time_t now)
{
	struct ike_request *r = &sa->req;
	char addr[64];

	if (!r->active)
		return IKE_TIME_NEVER;
	if (now < r->next)
		return r->next;
	if (r->tries < sa->tun->cfg.retrans_tries) {
		r->tries++;
		r->next = now + ike_jitter(sa->eng, backoff(sa, r->tries));
		sa->eng->cnt.retransmits++;
		ike_log(sa->eng, IKE_LOG_DEBUG, sa->tun,
			"retransmitting %s request %u (try %u)",
			ike_exchange_name(r->exchange), r->msgid, r->tries);
		ike_send(sa->eng, &sa->local, &sa->remote, &r->msg);
		return r->next;
	}
	ike_addr_str(&sa->remote, addr, sizeof(addr));
	if (sa->state == IKE_SA_INIT_SENT) {
		ike_sa_fail(sa, "no IKE response from %s after %u tries \xe2\x80\x94 "
			    "is UDP 500 blocked on the path?", addr, r->tries);
		ike_life_retry_later(sa->eng, sa->tun);
	} else if (sa->state == IKE_SA_DELETING || sa->superseded) {
		/*
		 * Our delete went unanswered, or the SA was on its way out
		 * already (its DELETE waiting behind this exchange, or
		 * replaced): gone all the same, and no dead-peer action for
		 * the tunnel, which an operator may have taken down.
		 */
		ike_log(sa->eng, IKE_LOG_INFO, sa->tun,
			"no answer to %s from %s after %u tries; SA removed",
			ike_exchange_name(r->exchange), addr, r->tries);
		ike_sa_close(sa);
	} else if (sa->state == IKE_SA_ESTABLISHED) {
		ike_life_peer_dead(sa);
	} else {
		ike_sa_fail(sa, "peer %s stopped answering: no response to %s "
			    "after %u tries", addr,
			    ike_exchange_name(r->exchange), r->tries);
		ike_life_retry_later(sa->eng, sa->tun);
	}
	return IKE_TIME_NEVER;
}
