// SPDX-License-Identifier: GPL-2.0
/*
 * remote = NAME: the peer's DNS name, resolved with getaddrinfo_a(3), so
 * that a slow resolver never stalls the loop for long:
 *
 *  - at start and on reload prepare() waits RESOLVE_WAIT_MS at most for
 *    each name (the lookup goes on in the background past that, and the
 *    tunnel waits for it as for a name that does not resolve);
 *  - a name that does not resolve leaves its tunnel failed, with the
 *    reason in show, and is looked up again after 5 s, doubling up to
 *    5 min;
 *  - when the peer stops answering (IKE retransmissions exhausted, or
 *    dead peer detection declares it dead) the name is looked up again
 *    without waiting, and a new address moves the tunnel there.
 *
 * Lookups in flight are checked every RESOLVE_PERIOD_MS from the loop.
 */

#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf_host.h"
#include "daemon_priv.h"

struct resolve_req {
	bool busy;
	uint32_t id;
	uint8_t family;
	char name[SGW_CONF_HOST_MAX + 1];
	struct addrinfo hints;
	struct gaicb cb;
};

static struct resolve_req *submit(struct daemon *d, const struct rtun *rt,
				  uint8_t family)
{
	struct resolve_req *free_slot = NULL;
	struct gaicb *list[1];
	size_t i;

	if (!d->rs) {
		d->rs = calloc(RESOLVE_PENDING, sizeof(*d->rs));
		if (!d->rs)
			return NULL;
	}
	for (i = 0; i < RESOLVE_PENDING; i++) {
		struct resolve_req *r = &d->rs[i];

		if (r->busy && r->id == rt->id && r->family == family &&
		    !strcmp(r->name, rt->remote_name))
			return r;
		if (!r->busy && !free_slot)
			free_slot = r;
	}
	if (!free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->id = rt->id;
	free_slot->family = family;
	snprintf(free_slot->name, sizeof(free_slot->name), "%s",
		 rt->remote_name);
	sgw_conf_resolve_hints(family, &free_slot->hints);
	free_slot->cb.ar_name = free_slot->name;
	free_slot->cb.ar_request = &free_slot->hints;
	list[0] = &free_slot->cb;
	if (getaddrinfo_a(GAI_NOWAIT, list, 1, NULL))
		return NULL;
	free_slot->busy = true;
	return free_slot;
}

/* A finished lookup: 0 and @out, or -1 and why in @why. */
static int finish(struct resolve_req *r, struct sgw_conf_addr *out,
		  char *why, size_t len)
{
	int e = gai_error(&r->cb), ret = 0;

	r->busy = false;
	if (e) {
		snprintf(why, len, "%s", gai_strerror(e));
		ret = -1;
	} else if (sgw_conf_pick_addr(r->cb.ar_result, r->family, out)) {
		snprintf(why, len, "no %s address (local is %s)",
			 r->family == AF_INET ? "IPv4" : "IPv6",
			 r->family == AF_INET ? "IPv4" : "IPv6");
		ret = -1;
	}
	if (r->cb.ar_result)
		freeaddrinfo(r->cb.ar_result);
	r->cb.ar_result = NULL;
	return ret;
}

static void unresolved(struct daemon *d, struct rtun *rt, const char *why)
{
	long long now = now_ms();

	snprintf(rt->error, sizeof(rt->error), "remote \"%s\" does not "
		 "resolve: %s", rt->remote_name, why);
	rt->unresolved = true;
	if (rt->resolve_backoff < RESOLVE_RETRY_MIN_MS)
		rt->resolve_backoff = RESOLVE_RETRY_MIN_MS;
	rt->resolve_at = now + rt->resolve_backoff;
	rt->resolve_backoff *= 2;
	if (rt->resolve_backoff > RESOLVE_RETRY_MAX_MS)
		rt->resolve_backoff = RESOLVE_RETRY_MAX_MS;
	(void)d;
}

int resolve_now(struct daemon *d, struct rtun *rt, uint8_t family,
		struct sgw_conf_addr *out)
{
	long long until = now_ms() + RESOLVE_WAIT_MS;
	struct resolve_req *r = submit(d, rt, family);
	char why[256];

	if (!r) {
		unresolved(d, rt, "cannot start a lookup (out of memory or "
			   "too many at once)");
		return -1;
	}
	for (;;) {
		const struct gaicb *list[1] = { &r->cb };
		long long left = until - now_ms();
		struct timespec ts;

		if (gai_error(&r->cb) != EAI_INPROGRESS)
			break;
		if (left <= 0) {
			snprintf(why, sizeof(why), "no answer within %d s "
				 "(still asking)", RESOLVE_WAIT_MS / 1000);
			unresolved(d, rt, why);
			/* The watch takes the answer when it comes. */
			rt->resolve_at = now_ms();
			return -1;
		}
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		gai_suspend(list, 1, &ts);
	}
	if (finish(r, out, why, sizeof(why))) {
		unresolved(d, rt, why);
		return -1;
	}
	return 0;
}

/* A lookup for @rt finished: move it, or keep waiting. */
static void answered(struct daemon *d, struct rtun *rt, struct resolve_req *r)
{
	char why[256], was[SGW_CONF_ADDRSTRLEN], now[SGW_CONF_ADDRSTRLEN];
	struct sgw_conf_addr a;

	if (finish(r, &a, why, sizeof(why))) {
		if (rt->unresolved) {
			unresolved(d, rt, why);
			dlog(d, SGW_CONF_LOG_WARNING, rt->name, "%s; trying "
			     "again in %lld s", rt->error,
			     (rt->resolve_at - now_ms() + 999) / 1000);
		} else {
			dlog(d, SGW_CONF_LOG_WARNING, rt->name, "remote \"%s\" "
			     "does not resolve now: %s; staying with %s",
			     rt->remote_name, why, sgw_conf_addr_str(
				&rt->remote, was, sizeof(was)));
		}
		return;
	}
	if (!rt->unresolved && sgw_conf_addr_equal(&a, &rt->remote)) {
		dlog(d, SGW_CONF_LOG_DEBUG, rt->name, "remote \"%s\" still "
		     "resolves to %s", rt->remote_name,
		     sgw_conf_addr_str(&a, now, sizeof(now)));
		return;
	}
	if (rt->unresolved)
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "remote \"%s\" resolves "
		     "to %s now", rt->remote_name,
		     sgw_conf_addr_str(&a, now, sizeof(now)));
	else
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "remote \"%s\" resolves "
		     "to %s now (was %s): moving the tunnel there",
		     rt->remote_name, sgw_conf_addr_str(&a, now, sizeof(now)),
		     sgw_conf_addr_str(&rt->remote, was, sizeof(was)));
	tunnel_retarget(d, rt, &a);
}

static void watch(struct daemon *d, struct rtun *rt, long long now)
{
	const struct sgw_conf_tunnel *ct;
	struct ike_tunnel_status st;
	char addr[SGW_CONF_ADDRSTRLEN];
	unsigned int dead;

	if (!rt->remote_name[0] || !rt->enabled)
		return;
	ct = sgw_conf_tunnel_by_id(&d->conf, rt->id);
	if (!ct)
		return;
	if (rt->unresolved) {
		/* The answer sets the next time; a failed start, 5 s. */
		if (now >= rt->resolve_at)
			rt->resolve_at = now + (submit(d, rt, ct->local.family) ?
				RESOLVE_RETRY_MAX_MS : RESOLVE_RETRY_MIN_MS);
		return;
	}
	if (!rt->in_engine || ike_engine_status(d->eng, rt->id, &st))
		return;
	dead = st.failures[IKE_FAIL_TIMEOUT] + st.liveness_failures;
	if (dead <= rt->seen_dead)
		return;
	rt->seen_dead = dead;
	dlog(d, SGW_CONF_LOG_INFO, rt->name, "the peer %s does not answer: "
	     "resolving \"%s\" again", sgw_conf_addr_str(&rt->remote, addr,
	     sizeof(addr)), rt->remote_name);
	if (!submit(d, rt, ct->local.family))
		dlog(d, SGW_CONF_LOG_WARNING, rt->name, "cannot start a lookup "
		     "of \"%s\"", rt->remote_name);
}

long long resolve_watch(struct daemon *d, long long now)
{
	size_t i;

	if (now < d->rs_next)
		return d->rs_next;
	for (i = 0; d->rs && i < RESOLVE_PENDING; i++) {
		struct resolve_req *r = &d->rs[i];
		struct rtun *rt;

		if (!r->busy || gai_error(&r->cb) == EAI_INPROGRESS)
			continue;
		rt = rtun_by_id(d, r->id);
		if (rt && !strcmp(rt->remote_name, r->name)) {
			answered(d, rt, r);
		} else {
			struct sgw_conf_addr a;
			char why[64];

			finish(r, &a, why, sizeof(why));	/* stale */
		}
	}
	for (i = 0; i < d->n; i++)
		watch(d, &d->t[i], now);
	d->rs_next = now + RESOLVE_PERIOD_MS;
	return d->rs_next;
}

void resolve_free(struct daemon *d)
{
	size_t i;

	for (i = 0; d->rs && i < RESOLVE_PENDING; i++) {
		struct resolve_req *r = &d->rs[i];

		if (!r->busy)
			continue;
		/* A lookup that cannot be cancelled still owns r. */
		if (gai_cancel(&r->cb) == EAI_NOTCANCELED)
			return;
		if (r->cb.ar_result)
			freeaddrinfo(r->cb.ar_result);
		r->busy = false;
	}
	free(d->rs);
	d->rs = NULL;
}
