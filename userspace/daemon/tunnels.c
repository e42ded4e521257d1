// SPDX-License-Identifier: GPL-2.0
/*
 * The tunnels: sgw.conf applied to the kernel tunnels and the engine,
 * at start and on each reload, and a tunnel taken out of or back into the
 * engine.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf_check.h"
#include "conf_parse.h"
#include "confmap.h"
#include "daemon_priv.h"
#include "srcaddr.h"

struct rtun *rtun_by_id(struct daemon *d, uint32_t id)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->t[i].id == id)
			return &d->t[i];
	return NULL;
}

/* Whether @a is assigned to an interface here; names them if not. */
static bool address_is_local(const struct sgw_conf_addr *a, char *list,
			     size_t len)
{
	struct ifaddrs *ifa, *i;
	size_t off = 0;
	bool found = false;

	if (len)
		list[0] = '\0';
	if (getifaddrs(&ifa))
		return true;	/* bind() will tell */
	for (i = ifa; i; i = i->ifa_next) {
		const struct sockaddr *s = i->ifa_addr;
		const void *p;
		char buf[INET6_ADDRSTRLEN];

		if (!s || (s->sa_family != AF_INET && s->sa_family != AF_INET6))
			continue;
		p = s->sa_family == AF_INET ?
		    (const void *)&((const struct sockaddr_in *)(const void *)s)->sin_addr :
		    (const void *)&((const struct sockaddr_in6 *)(const void *)s)->sin6_addr;
		if (s->sa_family == a->family &&
		    !memcmp(p, a->bytes, a->family == AF_INET ? 4 : 16))
			found = true;
		if (s->sa_family == a->family && off < len &&
		    inet_ntop(s->sa_family, p, buf, sizeof(buf))) {
			int r = snprintf(list + off, len - off, "%s%s %s",
					 off ? ", " : "", i->ifa_name, buf);

			if (r > 0)
				off += (size_t)r;
		}
	}
	freeifaddrs(ifa);
	return found;
}

/*
 * local = auto: the source address of the route toward the remote SGW,
 * looked up now (and again on each reload); everything else (IKE socket,
 * kernel tunnel, default identity) takes it from @eff.
 */
static int resolve_local(struct daemon *d, const struct sgw_conf_tunnel *ct,
			 struct rtun *rt, struct sgw_conf_tunnel *eff)
{
	char msg[256], addr[SGW_CONF_ADDRSTRLEN];
	struct srcaddr s;

	*eff = *ct;
	eff->remote = rt->remote;
	if (ct->local.family != AF_UNSPEC)
		return 0;
	if (srcaddr_lookup(&rt->remote, &s, msg, sizeof(msg))) {
		snprintf(rt->error, sizeof(rt->error), "local = auto: %s", msg);
		rt->local_gone = true;	/* addrwatch.c retries on routes */
		return -1;
	}
	eff->local = rt->local = s.addr;
	srcaddr_explain(&s, &rt->remote, rt->local_why, sizeof(rt->local_why));
	dlog(d, SGW_CONF_LOG_INFO, rt->name, "local %s (%s)",
	     sgw_conf_addr_str(&s.addr, addr, sizeof(addr)), rt->local_why);
	return 0;
}

/*
 * Fills @rt from config tunnel @ct; rt->error says why it cannot run.
 * remote = NAME: @remote is the address it resolved to, or NULL to
 * resolve it now.
 */
static void prepare_to(struct daemon *d, const struct sgw_conf_tunnel *ct,
		       struct rtun *rt, const struct sgw_conf_addr *remote)
{
	struct sgw_conf_tunnel eff;
	char warn[512], list[512];

	memset(rt, 0, sizeof(*rt));
	rt->id = ct->id;
	snprintf(rt->name, sizeof(rt->name), "%s", ct->name);
	snprintf(rt->ifname, sizeof(rt->ifname), "%s", ct->interface);
	rt->enabled = ct->enabled;
	rt->at_start = ct->start == SGW_CONF_START_AT_START;
	rt->local = ct->local;
	rt->remote = ct->remote;
	snprintf(rt->remote_name, sizeof(rt->remote_name), "%s",
		 ct->remote_name);
	rt->remote_any = ct->remote_any;
	if (ct->remote_name[0]) {
		char addr[SGW_CONF_ADDRSTRLEN];

		if (remote)
			rt->remote = *remote;
		else if (resolve_now(d, rt, ct->local.family, &rt->remote))
			return;
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "remote %s (%s)",
		     sgw_conf_addr_str(&rt->remote, addr, sizeof(addr)),
		     ct->remote_name);
	}
	if (resolve_local(d, ct, rt, &eff) ||
	    confmap_tunnel(&eff, &rt->ike, rt->error, sizeof(rt->error)))
		return;
	if (!rt->enabled)
		return;
	if (!address_is_local(&eff.local, list, sizeof(list))) {
		char addr[SGW_CONF_ADDRSTRLEN];

		rt->local_gone = true;	/* addrwatch.c: back with it */
		snprintf(rt->error, sizeof(rt->error), "local %s is not an "
			 "address of this host (addresses here: %s)",
			 sgw_conf_addr_str(&eff.local, addr, sizeof(addr)),
			 list[0] ? list : "none of its family");
		return;
	}
	if (confmap_read_psk(ct->psk_file, rt->ike.psk, &rt->ike.psk_len,
			     warn, sizeof(warn), rt->error, sizeof(rt->error)))
		return;
	if (warn[0])
		dlog(d, SGW_CONF_LOG_WARNING, rt->name, "%s", warn);
}

static void prepare(struct daemon *d, const struct sgw_conf_tunnel *ct,
		    struct rtun *rt)
{
	prepare_to(d, ct, rt, NULL);
}

static void link_up(struct daemon *d, const char *ifname)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr) && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr))
			dlog(d, SGW_CONF_LOG_WARNING, NULL, "cannot set %s up: %s",
			     ifname, strerror(errno));
	}
	close(fd);
}

/* Creates or updates the kernel tunnel of @ct. */
static int kernel_sync(struct daemon *d, const struct sgw_conf_tunnel *ct,
		       struct rtun *rt)
{
	struct sgw_tunnel_ref ref = { .id = ct->id };
	struct sgw_conf_tunnel eff = *ct;
	struct kb_tunnel_opts o = {
		.replay_window = ct->replay_window,
		.life_bytes = ct->life_bytes,
		.life_packets = ct->life_packets,
		.remote_any = ct->remote_any,
	};
	struct sgw_tunnel_config kc;
	struct sgw_tunnel_info kt;

	/* remote = NAME not resolved: no address for the kernel yet. */
	if (ct->remote_name[0] && !rt->remote.family)
		return -1;
	/* The local address resolved for local = auto, if it was. */
	if (rt->local.family)
		eff.local = rt->local;
	eff.remote = rt->remote;
	confmap_kernel_tunnel(&eff, &kc);
	if (!sgwnl_tunnel_get(d->nl, &ref, &kt)) {
		if (!strcmp(kt.ifname, ct->interface)) {
			if (sgwnl_tunnel_set(d->nl, &ref, &kc))
				goto fail;
			goto up;
		}
		if (sgwnl_tunnel_del(d->nl, &ref))
			goto fail;
	}
	if (sgwnl_tunnel_add(d->nl, ct->id, ct->interface, &kc, &kt))
		goto fail;
	dlog(d, SGW_CONF_LOG_INFO, rt->name, "created interface %s",
	     ct->interface);
up:
	link_up(d, ct->interface);
	/* The SAs' options and selectors travel with the tunnel. */
	if (kb_tunnel_set(&d->kb, ct->id, &o, &kc.local_ts, &kc.remote_ts)) {
		snprintf(rt->error, sizeof(rt->error), "out of memory");
		return -1;
	}
	return 0;
fail:
	snprintf(rt->error, sizeof(rt->error), "kernel tunnel %u (%s): %s",
		 ct->id, ct->interface, sgwnl_error(d->nl));
	return -1;
}

/*
 * A reload that changes only what the peer never sees (confmap_in_place()):
 * the engine takes the new settings with its SAs kept, the kernel tunnel
 * the path MTU settings, its next SAs the options. -1 when the
 * engine finds more changed (the key file, say): negotiate anew then.
 */
static int update_in_place(struct daemon *d, const struct sgw_conf_tunnel *ct,
			   struct rtun *rt)
{
	struct sgw_tunnel_ref ref = { .id = ct->id };
	struct sgw_tunnel_config pmtu;

	if (ike_engine_update_tunnel(d->eng, &rt->ike))
		return -1;
	rt->in_engine = true;
	/* rt->opts, the next SAs' options, is in place with rt itself. */
	memset(&pmtu, 0, sizeof(pmtu));
	confmap_kernel_pmtu(ct, &pmtu);
	if (sgwnl_tunnel_set(d->nl, &ref, &pmtu))
		snprintf(rt->error, sizeof(rt->error), "kernel tunnel %u (%s): "
			 "%s", ct->id, ct->interface, sgwnl_error(d->nl));
	return 0;
}

void engine_start(struct daemon *d, struct rtun *rt)
{
	int ret;

	ret = ike_engine_up(d->eng, rt->id, (ike_time_t)now_ms());
	if (ret && ret != -EALREADY && ret != -EOPNOTSUPP)
		dlog(d, SGW_CONF_LOG_ERROR, rt->name, "cannot initiate: %s",
		     strerror(-ret));
}

/* Hands @rt to the engine; its kernel tunnel exists. */
static void engine_add(struct daemon *d, struct rtun *rt)
{
	int ret;

	if (!rt->enabled || rt->error[0])
		return;
	if (sock_open(d, &rt->ike.local, rt->error, sizeof(rt->error)))
		return;
	/* The daemon owns the tunnel's SAs: none may predate its IKE SA. */
	sgwnl_sa_flush(d->nl, rt->id);
	ret = ike_engine_add_tunnel(d->eng, &rt->ike);
	if (ret) {
		snprintf(rt->error, sizeof(rt->error), "the IKE engine refused "
			 "the tunnel: %s", strerror(-ret));
		return;
	}
	rt->in_engine = true;
	if (rt->at_start)
		engine_start(d, rt);
}

void engine_drop(struct daemon *d, struct rtun *rt)
{
	if (!rt->in_engine)
		return;
	ike_engine_down(d->eng, rt->id, (ike_time_t)now_ms());
	ike_engine_remove_tunnel(d->eng, rt->id);
	rt->in_engine = false;
}

void rtun_wipe(struct rtun *v, size_t n)
{
	if (v)
		explicit_bzero(v, n * sizeof(*v));
	free(v);
}

/*
 * Loads and checks the file and applies what changed. On any error the
 * running configuration stays as it is and @msg says why.
 */
int apply_config(struct daemon *d, struct apply_stats *s, char *msg,
		 size_t msglen)
{
	struct sgw_conf conf;
	struct sgw_conf_error err;
	struct sgw_conf_problems probs;
	struct ike_engine_config ec;
	static const char *const level_names[] = {
		[SGW_CONF_LOG_ERROR] = "error", [SGW_CONF_LOG_WARNING] = "warning",
		[SGW_CONF_LOG_INFO] = "info", [SGW_CONF_LOG_DEBUG] = "debug",
	};
	char engine_msg[128], keys[512], updated[64] = "";
	struct rtun *nt;
	size_t i;
	int errors;

	memset(s, 0, sizeof(*s));
	if (sgw_conf_load(d->path, &conf, &err)) {
		snprintf(msg, msglen, "%s", err.text);
		sgw_conf_free(&conf);
		return -1;
	}
	errors = sgw_conf_check(&conf, &probs);
	for (i = 0; errors >= 0 && i < probs.count; i++)
		dlog(d, probs.v[i].severity == SGW_CONF_SEV_ERROR ?
		     SGW_CONF_LOG_ERROR : probs.v[i].severity ==
		     SGW_CONF_SEV_WARNING ? SGW_CONF_LOG_WARNING :
		     SGW_CONF_LOG_INFO, NULL, "%s", probs.v[i].text);
	if (errors) {
		snprintf(msg, msglen, "%s: %d error%s (first: %s); nothing "
			 "applied", d->path, errors < 0 ? 1 : errors,
			 errors == 1 ? "" : "s", errors > 0 && probs.count ?
			 probs.v[0].text : "out of memory");
		sgw_conf_problems_free(&probs);
		sgw_conf_free(&conf);
		return -1;
	}
	sgw_conf_problems_free(&probs);
	/* [global] applies on reload too; half-open SAs stay as they are. */
	confmap_engine(&conf.global, &ec);
	engine_msg[0] = '\0';
	if (!ike_engine_set_config(d->eng, &ec)) {
		confmap_engine_changes(&d->ec, &ec, engine_msg,
				       sizeof(engine_msg));
		d->ec = ec;
	}
	/* A reload (a file was read before) says what log-level became. */
	if (d->conf.n_files && d->level != conf.global.log_level) {
		size_t used = strlen(engine_msg);

		snprintf(engine_msg + used, sizeof(engine_msg) - used,
			 "%slog-level %s -> %s", used ? "; " : "",
			 level_names[d->level], level_names[conf.global.log_level]);
	}
	d->level = conf.global.log_level;
	nt = calloc(conf.n_tunnels ? conf.n_tunnels : 1, sizeof(*nt));
	if (!nt) {
		snprintf(msg, msglen, "out of memory");
		sgw_conf_free(&conf);
		return -1;
	}
	for (i = 0; i < conf.n_tunnels; i++)
		prepare(d, &conf.tunnels[i], &nt[i]);

	/* Tunnels no longer configured: tell the peer, remove the device. */
	for (i = 0; i < d->n; i++) {
		struct sgw_tunnel_ref ref = { .id = d->t[i].id };

		if (sgw_conf_tunnel_by_id(&conf, d->t[i].id))
			continue;
		engine_drop(d, &d->t[i]);
		kb_tunnel_forget(&d->kb, d->t[i].id);
		if (sgwnl_tunnel_del(d->nl, &ref))
			dlog(d, SGW_CONF_LOG_WARNING, d->t[i].name,
			     "removing the kernel tunnel: %s", sgwnl_error(d->nl));
		dlog(d, SGW_CONF_LOG_INFO, d->t[i].name, "removed");
		s->removed++;
	}
	for (i = 0; i < conf.n_tunnels; i++) {
		const struct sgw_conf_tunnel *ct = &conf.tunnels[i];
		const struct sgw_conf_tunnel *oc =
			sgw_conf_tunnel_by_id(&d->conf, ct->id);
		struct rtun *old = rtun_by_id(d, ct->id);

		if (old)
			nt[i].ev = old->ev;

		if (old && oc && sgw_conf_tunnel_equal(oc, ct) &&
		    !old->by_request && !old->error[0] && !nt[i].error[0] &&
		    !memcmp(&old->ike, &nt[i].ike, sizeof(old->ike))) {
			nt[i].in_engine = old->in_engine;
			s->kept++;
			continue;
		}
		if (old && oc && old->in_engine && !old->by_request &&
		    !old->error[0] && !nt[i].error[0] &&
		    confmap_in_place(oc, ct, keys, sizeof(keys)) &&
		    !update_in_place(d, ct, &nt[i])) {
			s->updated++;
			dlog(d, SGW_CONF_LOG_INFO, nt[i].name, "%s changed: "
			     "applied without renegotiating", keys);
			if (nt[i].error[0])
				dlog(d, SGW_CONF_LOG_ERROR, nt[i].name, "%s",
				     nt[i].error);
			continue;
		}
		if (old) {
			engine_drop(d, old);
			s->changed++;
			dlog(d, SGW_CONF_LOG_INFO, nt[i].name, "changed");
		} else {
			s->added++;
		}
		if (kernel_sync(d, ct, &nt[i]))
			;
		else
			engine_add(d, &nt[i]);
		if (nt[i].error[0])
			dlog(d, SGW_CONF_LOG_ERROR, nt[i].name, "%s", nt[i].error);
	}
	rtun_wipe(d->t, d->n);
	d->t = nt;
	d->n = conf.n_tunnels;
	sgw_conf_free(&d->conf);
	d->conf = conf;
	sock_gc(d);
	routes_sync(d);
	if (s->updated)
		snprintf(updated, sizeof(updated), ", %u updated without "
			 "renegotiating", s->updated);
	snprintf(msg, msglen, "%zu tunnel%s: %u added, %u removed, %u changed, "
		 "%u unchanged%s%s%s", d->n, d->n == 1 ? "" : "s", s->added,
		 s->removed, s->changed, s->kept, updated,
		 engine_msg[0] ? "; " : "", engine_msg);
	return 0;
}

/* The kernel tunnel of @rt is enabled: the engine takes it up again. */
void engine_enable(struct daemon *d, const struct sgw_conf_tunnel *ct,
		   struct rtun *rt)
{
	struct sgw_conf_tunnel on = *ct;

	/* A tunnel disabled in the file has no key read yet: prepare it. */
	on.enabled = true;
	prepare(d, &on, rt);
	rt->by_request = true;
	engine_add(d, rt);
}

/* remote = NAME resolved anew to @remote: the tunnel moves there. */
void tunnel_retarget(struct daemon *d, struct rtun *rt,
		     const struct sgw_conf_addr *remote)
{
	const struct sgw_conf_tunnel *ct =
		sgw_conf_tunnel_by_id(&d->conf, rt->id);
	bool by_request = rt->by_request;
	struct sgw_conf_tunnel c;

	if (!ct)
		return;
	engine_drop(d, rt);
	c = *ct;
	c.enabled = rt->enabled;
	prepare_to(d, &c, rt, remote);
	rt->by_request = by_request;
	if (!rt->error[0] && !kernel_sync(d, &c, rt)) {
		engine_add(d, rt);
		/* It was wanted up: negotiate at the new address now. */
		if (rt->in_engine && !rt->at_start)
			engine_start(d, rt);
	}
	if (rt->error[0])
		dlog(d, SGW_CONF_LOG_ERROR, rt->name, "%s", rt->error);
	sock_gc(d);
	routes_sync(d);
}
