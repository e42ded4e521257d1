// SPDX-License-Identifier: GPL-2.0
/*
 * NAT traversal (RFC 7296 §2.23, RFC 3948): NAT_DETECTION_SOURCE_IP and
 * _DESTINATION_IP in IKE_SA_INIT, the initiator's move to UDP 4500, ESP in
 * UDP, keepalives from the side behind the NAT, and following a peer whose
 * address or port a NAT changed, on authenticated messages only.
 */
#include <stdio.h>
#include <string.h>

#include "ike_child.h"
#include "ike_exchange.h"

/* With encap, a source hash that matches nothing: the peer sees a NAT. */
static int source_hash(const struct ike_sa *sa, uint64_t spi_r, uint8_t *out)
{
	if (sa->tun->cfg.encap)
		return ike_random(out, IKE_NATD_LEN);
	return ike_natd_hash(sa->spi_i, spi_r, &sa->local, out);
}

static void add_natd(struct ike_sa *sa, struct ike_msg_out *o, uint64_t spi_r)
{
	uint8_t src[IKE_NATD_LEN], dst[IKE_NATD_LEN];

	if (source_hash(sa, spi_r, src) ||
	    ike_natd_hash(sa->spi_i, spi_r, &sa->remote, dst))
		return;
	ike_enc_notify(&o->chain, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP,
		       src, sizeof(src));
	ike_enc_notify(&o->chain, 0, NULL, 0,
		       IKE_N_NAT_DETECTION_DESTINATION_IP, dst, sizeof(dst));
}

void ike_nat_request(struct ike_sa *sa, struct ike_msg_out *o)
{
	if (sa->tun->cfg.nat_traversal)
		add_natd(sa, o, 0);
}

void ike_nat_response(struct ike_sa *sa, struct ike_msg_out *o)
{
	/* §2.23: only to a peer that sent them. */
	if (sa->natd)
		add_natd(sa, o, sa->spi_r);
}

bool ike_natd_eval(const struct ike_payloads *p, uint64_t spi_i,
		   uint64_t spi_r, const struct sockaddr_storage *local,
		   const struct sockaddr_storage *remote, bool *nat_here,
		   bool *nat_there)
{
	uint8_t peer[IKE_NATD_LEN], us[IKE_NATD_LEN];
	bool src = false, dst = false, src_ok = false, dst_ok = true;
	size_t i;

	*nat_here = *nat_there = false;
	if (ike_natd_hash(spi_i, spi_r, remote, peer) ||
	    ike_natd_hash(spi_i, spi_r, local, us))
		return false;
	for (i = 0; i < p->n_notify; i++) {
		const struct ike_pl_notify *n = &p->notify[i];
		bool same;

		if (n->type != IKE_N_NAT_DETECTION_SOURCE_IP &&
		    n->type != IKE_N_NAT_DETECTION_DESTINATION_IP)
			continue;
		if (n->len != IKE_NATD_LEN)
			continue;
		if (n->type == IKE_N_NAT_DETECTION_SOURCE_IP) {
			/* Several: one per address the peer may send from. */
			src = true;
			src_ok |= !memcmp(n->data, peer, IKE_NATD_LEN);
		} else {
			same = !memcmp(n->data, us, IKE_NATD_LEN);
			dst_ok = dst ? dst_ok && same : same;
			dst = true;
		}
	}
	if (!src || !dst)
		return false;
	*nat_there = !src_ok;
	*nat_here = !dst_ok;
	return true;
}

void ike_nat_detect(struct ike_sa *sa, const struct ike_msg *m)
{
	uint64_t spi_r = m->hdr.flags & IKE_FLAG_R ? m->hdr.spi_r : 0;
	bool here, there;
	char l[64], r[64];

	sa->natd = sa->nat_here = sa->nat_there = sa->udp_encap = false;
	if (!sa->tun->cfg.nat_traversal ||
	    !ike_natd_eval(&m->pl, sa->spi_i, spi_r, &sa->local, &sa->remote,
			   &here, &there))
		return;
	sa->natd = true;
	sa->nat_there = there;
	sa->nat_here = here;
	sa->udp_encap = sa->nat_here || sa->nat_there || sa->tun->cfg.encap;
	ike_addr_str(&sa->local, l, sizeof(l));
	ike_addr_str(&sa->remote, r, sizeof(r));
	if (sa->nat_here || sa->nat_there)
		ike_log(sa->eng, IKE_LOG_INFO, sa->tun,
			"NAT detected between %s and %s: %s%s%s; IKE moves to "
			"UDP %u, ESP goes in UDP", l, r,
			sa->nat_here ? "we are behind a NAT (the peer sees "
				       "another address or port than ours)" : "",
			sa->nat_here && sa->nat_there ? ", " : "",
			sa->nat_there ? "the peer is behind a NAT (it sent "
					"from another address or port than it "
					"sees)" : "",
			IKE_NATT_PORT);
	else if (sa->udp_encap)
		ike_log(sa->eng, IKE_LOG_INFO, sa->tun,
			"no NAT between %s and %s; ESP in UDP all the same "
			"(encap = yes, or the peer asks for it)", l, r);
}

void ike_nat_float(struct ike_sa *sa)
{
	if (!sa->udp_encap || ike_port(&sa->local) == IKE_NATT_PORT)
		return;
	ike_set_port(&sa->local, IKE_NATT_PORT);
	ike_set_port(&sa->remote, IKE_NATT_PORT);
}

void ike_nat_authentic(struct ike_sa *sa)
{
	struct ike_engine *e = sa->eng;
	struct ike_child *c;
	char was[64], now[64];

	if (ike_addr_equal(&sa->remote, &sa->rx_remote) &&
	    ike_addr_equal(&sa->local, &sa->rx_local))
		return;
	ike_addr_str(&sa->remote, was, sizeof(was));
	ike_addr_str(&sa->rx_remote, now, sizeof(now));
	/* The initiator's move to 4500 is expected; anything else is news. */
	ike_log(e, sa->state == IKE_SA_HALF_OPEN ? IKE_LOG_DEBUG : IKE_LOG_INFO,
		sa->tun, "peer moved from %s to %s%s", was, now,
		sa->state == IKE_SA_HALF_OPEN ? "" :
		" (a NAT mapping changed); following it");
	sa->local = sa->rx_local;
	sa->remote = sa->rx_remote;
	if (!e->kernel.move)
		return;
	for (c = sa->children; c; c = c->next)
		if (!c->in_gone)
			e->kernel.move(e->kernel.ctx, c->tun->cfg.id,
				       &sa->local, &sa->remote, c->spi_in,
				       c->out_live ? c->spi_out : 0,
				       sa->udp_encap);
}

/*
 * RFC 3948 §4: a keepalive only when nothing else went out through the
 * NAT mapping within the interval. IKE messages the engine sends itself:
 * each one on the SA's addresses restarts the interval (ike_nat_sent). ESP
 * the engine never sees, so when the interval runs out it asks the kernel
 * for the tunnel's outbound SA packet counters (kernel.out_packets) and
 * sends nothing while they grew since the previous check. Asking at the
 * timer, rather than the daemon feeding counters in, reads them once per
 * interval and only on tunnels behind a NAT. A counter shows that ESP
 * went out, not when: after the last ESP the mapping may wait up to two
 * intervals for the first keepalive.
 */
void ike_nat_sent(struct ike_engine *e, const struct sockaddr_storage *local,
		  const struct sockaddr_storage *remote)
{
	struct ike_sa *sa;

	for (sa = e->sas; sa; sa = sa->next)
		if (sa->keepalive_at != IKE_TIME_NEVER &&
		    ike_addr_equal(&sa->local, local) &&
		    ike_addr_equal(&sa->remote, remote))
			sa->keepalive_at = e->now + sa->tun->cfg.keepalive_ms;
}

/* Whether the tunnel's outbound SAs sent ESP since the last check. */
static bool esp_went_out(struct ike_sa *sa)
{
	struct ike_kernel *k = &sa->eng->kernel;
	uint64_t packets;
	bool grew;

	if (!k->out_packets ||
	    k->out_packets(k->ctx, sa->tun->cfg.id, &packets))
		return false;
	/* Fewer: an SA replaced; its successor came with IKE messages. */
	grew = packets > sa->keepalive_esp;
	sa->keepalive_esp = packets;
	return grew;
}

ike_time_t ike_nat_timer(struct ike_sa *sa, ike_time_t now)
{
	static const uint8_t keepalive = 0xff;
	struct ike_buf b = { .data = (uint8_t *)&keepalive, .len = 1 };

	if (sa->keepalive_at == IKE_TIME_NEVER)
		return IKE_TIME_NEVER;
	if (sa->state != IKE_SA_ESTABLISHED || !sa->udp_encap ||
	    !sa->nat_here || !sa->tun->cfg.keepalive_ms) {
		sa->keepalive_at = IKE_TIME_NEVER;
		return IKE_TIME_NEVER;
	}
	if (now < sa->keepalive_at)
		return sa->keepalive_at;
	sa->keepalive_at = now + sa->tun->cfg.keepalive_ms;
	if (!esp_went_out(sa))
		ike_send(sa->eng, &sa->local, &sa->remote, &b);
	return sa->keepalive_at;
}

const char *ike_nat_hint(const struct ike_sa *sa, char *buf, size_t len)
{
	buf[0] = '\0';
	if (sa->nat_here)
		snprintf(buf, len, "; a NAT is in the way: the peer sees us "
			 "at another address or port than %s, so an address "
			 "identity may not be what it expects",
			 ike_host_str(&sa->local, (char[64]){ 0 }, 64));
	else if (sa->nat_there)
		snprintf(buf, len, "; a NAT is in the way: the peer sits "
			 "behind one, so its address identity may be its "
			 "private address");
	return buf;
}
