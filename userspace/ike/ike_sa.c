// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_child.h"
#include "ike_exchange.h"
#include "ike_sa.h"
#include "ike_trace.h"

static const char *const state_names[IKE_SA_STATES] = {
	[IKE_SA_NEW] = "NEW",
	[IKE_SA_INIT_SENT] = "INIT_SENT",
	[IKE_SA_AUTH_SENT] = "AUTH_SENT",
	[IKE_SA_HALF_OPEN] = "HALF_OPEN",
	[IKE_SA_ESTABLISHED] = "ESTABLISHED",
	[IKE_SA_DELETING] = "DELETING",
	[IKE_SA_CLOSED] = "CLOSED",
};

#define T(s) (1u << (s))
static const unsigned int transitions[IKE_SA_STATES] = {
	[IKE_SA_NEW] = T(IKE_SA_INIT_SENT) | T(IKE_SA_HALF_OPEN) |
		       T(IKE_SA_ESTABLISHED) | T(IKE_SA_CLOSED),
	[IKE_SA_INIT_SENT] = T(IKE_SA_AUTH_SENT) | T(IKE_SA_CLOSED),
	[IKE_SA_AUTH_SENT] = T(IKE_SA_ESTABLISHED) | T(IKE_SA_DELETING) |
			     T(IKE_SA_CLOSED),
	[IKE_SA_HALF_OPEN] = T(IKE_SA_ESTABLISHED) | T(IKE_SA_CLOSED),
	[IKE_SA_ESTABLISHED] = T(IKE_SA_DELETING) | T(IKE_SA_CLOSED),
	[IKE_SA_DELETING] = T(IKE_SA_CLOSED),
	[IKE_SA_CLOSED] = 0,
};
#undef T

const char *ike_sa_state_name(enum ike_sa_state s)
{
	return s < IKE_SA_STATES ? state_names[s] : "?";
}

void ike_log(struct ike_engine *e, enum ike_log_level lvl,
	     const struct ike_tunnel *t, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!e->ops.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e->ops.log(e->ops.ctx, lvl, t ? t->cfg.id : 0, msg);
}

void ike_send(struct ike_engine *e, const struct sockaddr_storage *local,
	      const struct sockaddr_storage *remote, const struct ike_buf *b)
{
	e->cnt.tx++;
	e->ops.send(e->ops.ctx, local, remote, b->data, b->len);
	ike_nat_sent(e, local, remote);
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	uint16_t p = ss->ss_family == AF_INET ?
		     ((const struct sockaddr_in *)ss)->sin_port :
		     ((const struct sockaddr_in6 *)ss)->sin6_port;

	return p ? ntohs(p) : 500;
}

const char *ike_host_str(const struct sockaddr_storage *ss, char *buf,
			 size_t len)
{
	const void *a = ss->ss_family == AF_INET ?
			(const void *)&((const struct sockaddr_in *)ss)->sin_addr :
			(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *ike_addr_str(const struct sockaddr_storage *ss, char *buf,
			 size_t len)
{
	char a[INET6_ADDRSTRLEN];

	ike_host_str(ss, a, sizeof(a));
	snprintf(buf, len, ss->ss_family == AF_INET ? "%s:%u" : "[%s]:%u", a,
		 port_of(ss));
	return buf;
}

uint16_t ike_port(const struct sockaddr_storage *ss)
{
	return port_of(ss);
}

void ike_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

bool ike_addr_equal(const struct sockaddr_storage *a,
		    const struct sockaddr_storage *b)
{
	return port_of(a) == port_of(b) && ike_host_equal(a, b);
}

bool ike_host_equal(const struct sockaddr_storage *a,
		    const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			       &((const struct sockaddr_in *)b)->sin_addr, 4);
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
}

bool ike_host_any(const struct sockaddr_storage *ss)
{
	static const uint8_t zero[16];

	if (ss->ss_family == AF_INET)
		return !((const struct sockaddr_in *)ss)->sin_addr.s_addr;
	return !memcmp(&((const struct sockaddr_in6 *)ss)->sin6_addr, zero,
		       sizeof(zero));
}

bool ike_remote_fits(const struct ike_tunnel_config *c,
		     const struct sockaddr_storage *remote)
{
	if (c->remote.ss_family != remote->ss_family)
		return false;
	if (!ike_host_any(&c->remote) && !ike_host_equal(&c->remote, remote))
		return false;
	return c->nat_traversal || port_of(&c->remote) == port_of(remote);
}

static uint64_t new_spi(struct ike_engine *e, bool initiator)
{
	uint64_t spi;

	do {
		if (ike_random(&spi, sizeof(spi)))
			return 0;
	} while (!spi || ike_sa_find(e, initiator, spi));
	return spi;
}

struct ike_sa *ike_sa_new(struct ike_engine *e, struct ike_tunnel *t,
			  bool initiator, const struct sockaddr_storage *local,
			  const struct sockaddr_storage *remote)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	uint64_t spi;

	if (!sa)
		return NULL;
	spi = new_spi(e, initiator);
	if (!spi) {
		free(sa);
		return NULL;
	}
	if (initiator)
		sa->spi_i = spi;
	else
		sa->spi_r = spi;
	sa->eng = e;
	sa->tun = t;
	sa->initiator = initiator;
	sa->local = *local;
	sa->remote = *remote;
	sa->created = e->now;
	sa->seq_created = ++e->seq;
	sa->state = IKE_SA_NEW;
	sa->gateway_at = IKE_TIME_NEVER;
	sa->tunnel_at = IKE_TIME_NEVER;
	sa->keepalive_at = IKE_TIME_NEVER;
	ike_buf_init(&sa->init_req);
	ike_buf_init(&sa->init_resp);
	ike_buf_init(&sa->cookie);
	ike_buf_init(&sa->req.msg);
	ike_buf_init(&sa->last_req);
	ike_buf_init(&sa->last_resp);
	sa->next = e->sas;
	e->sas = sa;
	return sa;
}

int ike_sa_set_state(struct ike_sa *sa, enum ike_sa_state to)
{
	struct ike_engine *e = sa->eng;

	if (!(transitions[sa->state] & (1u << to))) {
		ike_log(e, IKE_LOG_ERR, sa->tun,
			"IKE SA %016llx: refused transition %s -> %s",
			(unsigned long long)ike_sa_our_spi(sa),
			state_names[sa->state], state_names[to]);
		return -EINVAL;
	}
	ike_log(e, IKE_LOG_DEBUG, sa->tun, "IKE SA %016llx_i %016llx_r: %s -> %s",
		(unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r,
		state_names[sa->state], state_names[to]);
	if (sa->state == IKE_SA_HALF_OPEN)
		e->half_open--;
	if (to == IKE_SA_HALF_OPEN)
		e->half_open++;
	sa->state = to;
	if (to == IKE_SA_ESTABLISHED) {
		sa->established = e->now;
		sa->seq_established = ++e->seq;
		sa->last_rx = e->now;
		ike_sa_set_lifetime(sa);
		ike_gateway_established(sa);
		/* RFC 3948 §2.3: the side behind the NAT keeps it open. */
		if (sa->udp_encap && sa->nat_here && sa->tun->cfg.keepalive_ms)
			sa->keepalive_at = e->now + sa->tun->cfg.keepalive_ms;
	}
	return 0;
}

ike_time_t ike_jitter(const struct ike_engine *e, ike_time_t d)
{
	ike_time_t cut = d / 100 * e->cfg.timer_jitter_pct +
			 d % 100 * e->cfg.timer_jitter_pct / 100;
	uint32_t r;

	if (!cut || ike_random(&r, sizeof(r)))
		return d;
	return d - r % (cut + 1);
}

void ike_sa_set_lifetime(struct ike_sa *sa)
{
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	ike_time_t now = sa->eng->now;
	uint32_t r = 0, rekey = cfg->ike_rekey_s;

	sa->rekey_at = IKE_TIME_NEVER;
	sa->expire_at = cfg->ike_hard_s ?
			now + (ike_time_t)cfg->ike_hard_s * 1000 : IKE_TIME_NEVER;
	if (!cfg->auto_refresh || !rekey)
		return;
	/* Random per SA, so both ends do not start the same rekey at once. */
	if (cfg->rekey_jitter_s && !ike_random(&r, sizeof(r)))
		rekey -= r % ((cfg->rekey_jitter_s < rekey ?
			       cfg->rekey_jitter_s : rekey - 1) + 1);
	sa->rekey_at = now + (ike_time_t)rekey * 1000;
}

void ike_sa_close(struct ike_sa *sa)
{
	if (sa->state == IKE_SA_CLOSED)
		return;
	while (sa->children)
		ike_child_destroy(sa, sa->children);
	sa->req.active = false;
	sa->rekey.active = false;
	ike_dh_free(sa->rekey.dh);
	sa->rekey.dh = NULL;
	ike_sa_set_state(sa, IKE_SA_CLOSED);
	if (sa->tun && sa->tun->ike == sa)
		sa->tun->ike = NULL;
}

static void tunnel_vfail(struct ike_engine *e, struct ike_tunnel *t,
			 const char *fmt, va_list ap)
{
	vsnprintf(t->reason, sizeof(t->reason), fmt, ap);
	t->failed = true;
	t->stats.failures[ike_fail_classify(t->reason)]++;
	ike_log(e, IKE_LOG_ERR, t, "%s", t->reason);
}

void ike_tunnel_fail(struct ike_engine *e, struct ike_tunnel *t,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tunnel_vfail(e, t, fmt, ap);
	va_end(ap);
}

void ike_sa_fail(struct ike_sa *sa, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tunnel_vfail(sa->eng, sa->tun, fmt, ap);
	va_end(ap);
	ike_sa_close(sa);
}

static void sa_free(struct ike_sa *sa)
{
	struct ike_sa *o;

	/* No dangling pointer from an exchange that collided with this SA. */
	for (o = sa->eng->sas; o; o = o->next) {
		if (o->rekey.collided_sa == sa)
			o->rekey.collided_sa = NULL;
		if (o->replaces == sa)
			o->replaces = NULL;
	}
	ike_dh_free(sa->dh);
	ike_dh_free(sa->rekey.dh);
	ike_keys_wipe(&sa->keys);
	ike_buf_free(&sa->init_req);
	ike_buf_free(&sa->init_resp);
	ike_buf_free(&sa->cookie);
	ike_buf_free(&sa->req.msg);
	ike_buf_free(&sa->last_req);
	ike_buf_free(&sa->last_resp);
	free(sa);
}

void ike_sa_sweep(struct ike_engine *e)
{
	struct ike_sa **pp = &e->sas, *sa;

	while ((sa = *pp)) {
		if (sa->state == IKE_SA_CLOSED) {
			*pp = sa->next;
			sa_free(sa);
		} else {
			pp = &sa->next;
		}
	}
}

uint64_t ike_sa_our_spi(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

struct ike_sa *ike_sa_find(struct ike_engine *e, bool initiator, uint64_t spi)
{
	struct ike_sa *sa;

	for (sa = e->sas; sa; sa = sa->next)
		if (sa->initiator == initiator && ike_sa_our_spi(sa) == spi &&
		    sa->state != IKE_SA_CLOSED)
			return sa;
	return NULL;
}

const struct ike_sk *ike_sa_peer_sk(const struct ike_sa *sa)
{
	return sa->initiator ? &sa->keys.sk_r : &sa->keys.sk_i;
}

struct ike_sk *ike_sa_our_sk(struct ike_sa *sa)
{
	return sa->initiator ? &sa->keys.sk_i : &sa->keys.sk_r;
}
