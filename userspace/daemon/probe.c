// SPDX-License-Identifier: GPL-2.0
/*
 * "probe MS [TUNNEL]" (sgwctl check --probe): one IKE_SA_INIT per tunnel
 * from the daemon's own IKE sockets, on the tunnel's IKE port and, with
 * NAT traversal, on 4500 behind the non-ESP marker, so that it takes the
 * path, NAT mapping and filters the tunnel's IKE takes. The engine sends
 * it under a fresh SPI and reads the answer (ike_engine_probe()); no
 * tunnel or SA changes. The client waits, without holding up the loop,
 * until every probe is answered or MS have passed.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "daemon_priv.h"
#include "ike_alg.h"
#include "ike_payload.h"

static uint16_t ike_port_of(const struct rtun *rt)
{
	const struct sockaddr_storage *ss = &rt->ike.remote;
	uint16_t p = ntohs(ss->ss_family == AF_INET6 ?
			   ((const struct sockaddr_in6 *)ss)->sin6_port :
			   ((const struct sockaddr_in *)ss)->sin_port);

	return p ? p : 500;
}

static void start_one(struct daemon *d, struct client *c, struct rtun *rt,
		      unsigned int ms)
{
	size_t i = c->n_wait++;
	uint16_t ports[CTL_PROBES] = { ike_port_of(rt), IKE_NATT_PORT };
	char why[CTL_TEXT + 128];
	unsigned int k;

	c->wait[i] = rt->id;
	memset(c->probe[i], 0, sizeof(c->probe[i]));
	if (not_negotiable(rt, why, sizeof(why)))
		return;
	for (k = 0; k < CTL_PROBES; k++) {
		if (k && (!rt->ike.nat_traversal || ports[0] == IKE_NATT_PORT))
			break;
		if (ike_engine_probe(d->eng, rt->id, ports[k],
				     ms,
				     (ike_time_t)now_ms(), &c->probe[i][k]))
			c->probe[i][k] = 0;
	}
	dlog(d, SGW_CONF_LOG_DEBUG, rt->name, "probe: IKE_SA_INIT sent to "
	     "UDP %u%s for sgwctl check", ports[0],
	     c->probe[i][1] ? " and 4500" : "");
}

void probe_start(struct daemon *d, struct client *c,
		 const struct rtun *only, unsigned int ms)
{
	size_t i;

	c->probing = true;
	c->n_wait = 0;
	for (i = 0; i < d->n && c->n_wait < MAX_WAIT; i++)
		if (!only || only == &d->t[i])
			start_one(d, c, &d->t[i], ms);
}

static const char *const answers[] = {
	[IKE_PROBE_CHOSEN] = "chosen",
	[IKE_PROBE_COOKIE] = "cookie",
	[IKE_PROBE_INVALID_KE] = "invalid-ke",
	[IKE_PROBE_REFUSED] = "refused",
	[IKE_PROBE_STRANGE] = "strange",
};

static void fill_probe(const struct ike_probe_result *r, struct ctl_probe *p)
{
	char name[32];

	addr_port(&r->local, p->from, sizeof(p->from));
	addr_port(&r->remote, p->to, sizeof(p->to));
	p->port = ntohs(r->remote.ss_family == AF_INET6 ?
			((const struct sockaddr_in6 *)&r->remote)->sin6_port :
			((const struct sockaddr_in *)&r->remote)->sin_port);
	switch (r->state) {
	case IKE_PROBE_WAITING:
	case IKE_PROBE_SILENT:
		snprintf(p->result, sizeof(p->result), "silent");
		p->ms = r->timeout_ms;
		return;
	case IKE_PROBE_UNSENT:
		snprintf(p->result, sizeof(p->result), "unsent");
		snprintf(p->detail, sizeof(p->detail), "%s", r->error);
		return;
	case IKE_PROBE_ANSWERED:
		break;
	}
	snprintf(p->result, sizeof(p->result), "answered");
	p->ms = r->rtt_ms;
	snprintf(p->answer, sizeof(p->answer), "%s", answers[r->answer]);
	if (r->answer == IKE_PROBE_CHOSEN)
		snprintf(p->detail, sizeof(p->detail), "%s", r->chosen);
	else if (r->answer == IKE_PROBE_INVALID_KE)
		snprintf(p->detail, sizeof(p->detail), "%u %s", r->group,
			 ike_alg_name(IKE_XF_DH, r->group, 0, name,
				      sizeof(name)));
	else if (r->answer == IKE_PROBE_REFUSED)
		snprintf(p->detail, sizeof(p->detail), "%s",
			 ike_notify_name(r->notify));
	else if (r->answer == IKE_PROBE_STRANGE)
		snprintf(p->detail, sizeof(p->detail), "%s", r->error);
	snprintf(p->nat, sizeof(p->nat), "%s", !r->natd ? "off" :
		 r->nat_here && r->nat_there ? "both" :
		 r->nat_here ? "local" : r->nat_there ? "remote" : "none");
}

void probe_forget(struct daemon *d, struct client *c)
{
	size_t i;
	unsigned int k;

	for (i = 0; i < c->n_wait; i++)
		for (k = 0; k < CTL_PROBES; k++)
			if (c->probe[i][k])
				ike_engine_probe_forget(d->eng, c->probe[i][k]);
	c->probing = false;
}

void probe_waiter(struct daemon *d, struct client *c, bool force)
{
	struct ctl_reply r = { .ok = true };
	struct ike_probe_result pr;
	char why[CTL_TEXT + 128];
	struct ctl_tunnel ct;
	unsigned int k;
	size_t i;

	for (i = 0; i < c->n_wait && !force; i++)
		for (k = 0; k < CTL_PROBES; k++)
			if (c->probe[i][k] &&
			    !ike_engine_probe_result(d->eng, c->probe[i][k],
						     &pr) &&
			    pr.state == IKE_PROBE_WAITING)
				return;
	snprintf(r.message, sizeof(r.message), "%zu tunnel%s probed", c->n_wait,
		 c->n_wait == 1 ? "" : "s");
	for (i = 0; i < c->n_wait; i++) {
		struct rtun *rt = rtun_by_id(d, c->wait[i]);

		if (!rt)
			continue;
		fill_status(d, rt, &ct);
		for (k = 0; k < CTL_PROBES; k++) {
			if (!c->probe[i][k] ||
			    ike_engine_probe_result(d->eng, c->probe[i][k], &pr))
				continue;
			fill_probe(&pr, &ct.probe[ct.n_probes++]);
		}
		if (!ct.n_probes) {
			struct ctl_probe *p = &ct.probe[ct.n_probes++];

			p->port = ike_port_of(rt);
			snprintf(p->result, sizeof(p->result), "skipped");
			snprintf(p->detail, sizeof(p->detail), "%.*s",
				 (int)sizeof(p->detail) - 1,
				 not_negotiable(rt, why, sizeof(why)) ? why :
				 "its remote address is not fixed, or too many "
				 "probes are under way");
		}
		if (ctl_reply_push(&r, &ct)) {
			ctl_reply_free(&r);
			r.ok = false;
			snprintf(r.message, sizeof(r.message), "out of memory");
			break;
		}
	}
	probe_forget(d, c);
	client_reply(c, &r);
	ctl_reply_free(&r);
}
