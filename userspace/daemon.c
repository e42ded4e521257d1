// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl daemon: one per network namespace. Order of work on start:
 *   1. take the namespace's lock file (a second daemon stops here);
 *   2. open netlink and join the events group;
 *   3. read and check the configuration; refuse to start on errors;
 *   4. create or update each kernel tunnel, flush its SAs (the daemon owns
 *      them), open UDP 500 on each local SGW address, hand the tunnel to
 *      the engine and initiate "start = at-start" ones;
 *   5. open the control socket and loop.
 * Reload (SIGHUP, "sgwctl reload") repeats 3 and 4 for what changed.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "conf_check.h"
#include "conf_parse.h"
#include "ctl.h"
#include "daemon.h"
#include "ike_engine.h"
#include "ike_payload.h"
#include "ikeconf.h"
#include "kbackend.h"
#include "nl.h"
#include "sdnotify.h"
#include "srcaddr.h"

#define MAX_SOCKS 64
#define MAX_CLIENTS 32
#define MAX_WAIT 64
#define REQUEST_TIMEOUT_MS 5000
#define WAIT_TIMEOUT_MS (10 * 60 * 1000)
#define ACQUIRE_RETRY_MS 10000
#define UNKNOWN_SPI_RETRY_MS 10000

/* A configured tunnel as the daemon runs it. */
struct rtun {
	uint32_t id;
	char name[SGW_CONF_NAME_MAX + 1];
	char ifname[SGW_CONF_IFNAME_MAX + 1];
	bool enabled;
	bool at_start;
	bool in_engine;
	bool by_request;		/* enabled or disabled by "tunnel set" */
	long long acquire_ms;		/* last on-demand start (rate limit) */
	long long unknown_spi_ms;	/* last reaction to an unknown SPI */
	char error[CTL_TEXT];		/* why it is not in the engine */
	struct sgw_conf_addr local, remote;	/* local: resolved if auto */
	char local_why[160];		/* local = auto: which route chose it */
	struct ike_tunnel_config ike;	/* holds the key: wiped when dropped */
	struct kb_tunnel_opts opts;
};

struct usock {
	struct sockaddr_storage addr;
	int fd;
};

struct client {
	int fd;
	char buf[256];
	size_t len;
	long long deadline;
	bool waiting;
	size_t n_wait;
	uint32_t wait[MAX_WAIT];
};

struct daemon {
	const char *path;
	enum sgw_conf_log_level level;
	bool journal;
	struct sgw_conf conf;
	struct sgwnl *nl;
	struct ike_engine *eng;
	struct ike_engine_config ec;	/* engine settings in force */
	struct kbackend kb;
	struct rtun *t;
	size_t n;
	struct usock socks[MAX_SOCKS];
	size_t n_socks;
	int ctl_fd, sig_fd, lock_fd;
	char sock_path[108], lock_path[128];
	struct client clients[MAX_CLIENTS];
	bool stop;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- logging ---------------------------------------------------------- */

static const char *const level_names[] = {
	[SGW_CONF_LOG_ERROR] = "error",
	[SGW_CONF_LOG_WARNING] = "warning",
	[SGW_CONF_LOG_INFO] = "info",
	[SGW_CONF_LOG_DEBUG] = "debug",
};

static void dlog(struct daemon *d, enum sgw_conf_log_level lvl,
		 const char *tunnel, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* One line per message on stderr; under systemd with a syslog prefix. */
static void dlog(struct daemon *d, enum sgw_conf_log_level lvl,
		 const char *tunnel, const char *fmt, ...)
{
	static const int prio[] = { 3, 4, 6, 7 };
	char msg[2048];
	va_list ap;

	if (lvl > d->level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->journal)
		fprintf(stderr, "<%d>", prio[lvl]);
	fprintf(stderr, "sgw %s: %s%s%s%s\n", level_names[lvl],
		tunnel ? "tunnel " : "", tunnel ? tunnel : "",
		tunnel ? ": " : "", msg);
}

static struct rtun *rtun_by_id(struct daemon *d, uint32_t id)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->t[i].id == id)
			return &d->t[i];
	return NULL;
}

static void engine_log(void *ctx, enum ike_log_level level, uint32_t tunnel,
		       const char *msg)
{
	struct daemon *d = ctx;
	struct rtun *t = tunnel ? rtun_by_id(d, tunnel) : NULL;

	dlog(d, (enum sgw_conf_log_level)level, t ? t->name : NULL, "%s", msg);
}

static void kb_log(void *ctx, uint32_t tunnel, const char *msg)
{
	struct daemon *d = ctx;
	struct rtun *t = rtun_by_id(d, tunnel);

	dlog(d, SGW_CONF_LOG_ERROR, t ? t->name : NULL, "%s", msg);
}

/* ---- kernel backend glue ------------------------------------------------ */

static int nl_add(void *ctx, const struct sgw_sa_request *req)
{
	return sgwnl_sa_add(ctx, req);
}

static int nl_del(void *ctx, const struct sgw_sa_id *id)
{
	return sgwnl_sa_del(ctx, id);
}

static const char *nl_err(void *ctx)
{
	return sgwnl_error(ctx);
}

static int tunnel_opts(void *ctx, uint32_t id, struct kb_tunnel_opts *o)
{
	struct rtun *t = rtun_by_id(ctx, id);

	if (!t)
		return -1;
	*o = t->opts;
	return 0;
}

/* ---- UDP 500 ------------------------------------------------------------ */

static bool same_addr(const struct sockaddr_storage *a,
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

static const char *sa_str(const struct sockaddr_storage *ss, char *buf,
			  size_t len)
{
	const void *a = ss->ss_family == AF_INET ?
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr :
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static struct usock *sock_find(struct daemon *d,
			       const struct sockaddr_storage *addr)
{
	size_t i;

	for (i = 0; i < d->n_socks; i++)
		if (same_addr(&d->socks[i].addr, addr))
			return &d->socks[i];
	return NULL;
}

/* The socket IKE of @addr leaves from, opened if needed. */
static int sock_open(struct daemon *d, const struct sockaddr_storage *addr,
		     char *err, size_t errlen)
{
	socklen_t alen = addr->ss_family == AF_INET ?
			 sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	struct usock *u = sock_find(d, addr);
	int fd, one = 1;
	char a[64];

	if (u)
		return 0;
	if (d->n_socks == MAX_SOCKS) {
		snprintf(err, errlen, "more than %d local SGW addresses",
			 MAX_SOCKS);
		return -1;
	}
	fd = socket(addr->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		goto fail;
	/* An IPv6 address may still be tentative (DAD) when we start. */
	setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof(one));
	if (addr->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)addr, alen))
		goto fail;
	u = &d->socks[d->n_socks++];
	u->addr = *addr;
	u->fd = fd;
	dlog(d, SGW_CONF_LOG_DEBUG, NULL, "listening on UDP %s port 500",
	     sa_str(addr, a, sizeof(a)));
	return 0;
fail:
	snprintf(err, errlen, "cannot open UDP port 500 on %s: %s%s",
		 sa_str(addr, a, sizeof(a)), strerror(errno),
		 errno == EADDRINUSE ? " (is another IKE daemon, such as "
		 "charon, running in this namespace?)" : "");
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Closes the sockets no tunnel of the engine uses any more. */
static void sock_gc(struct daemon *d)
{
	size_t i, k;

	for (i = 0; i < d->n_socks;) {
		bool used = false;

		for (k = 0; k < d->n; k++)
			if (d->t[k].in_engine &&
			    same_addr(&d->t[k].ike.local, &d->socks[i].addr))
				used = true;
		if (used) {
			i++;
			continue;
		}
		close(d->socks[i].fd);
		d->socks[i] = d->socks[--d->n_socks];
	}
}

static int engine_send(void *ctx, const struct sockaddr_storage *local,
		       const struct sockaddr_storage *remote,
		       const uint8_t *buf, size_t len)
{
	struct daemon *d = ctx;
	struct usock *u = sock_find(d, local);
	socklen_t alen = remote->ss_family == AF_INET ?
			 sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);

	if (!u)
		return -ENOTCONN;
	if (sendto(u->fd, buf, len, 0, (const struct sockaddr *)remote,
		   alen) < 0) {
		int err = errno;
		char a[64];

		dlog(d, SGW_CONF_LOG_DEBUG, NULL, "sending to %s: %s",
		     sa_str(remote, a, sizeof(a)), strerror(err));
		return -err;
	}
	return 0;
}

static void sock_input(struct daemon *d, struct usock *u)
{
	static uint8_t buf[65536];
	struct sockaddr_storage from;

	for (;;) {
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(u->fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &flen);

		if (n < 0)
			return;
		ike_engine_input(d->eng, &u->addr, &from, buf, (size_t)n,
				 (ike_time_t)now_ms());
	}
}

/* ---- tunnels ------------------------------------------------------------ */

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
	if (ct->local.family != AF_UNSPEC)
		return 0;
	if (srcaddr_lookup(&ct->remote, &s, msg, sizeof(msg))) {
		snprintf(rt->error, sizeof(rt->error), "local = auto: %s", msg);
		return -1;
	}
	eff->local = rt->local = s.addr;
	srcaddr_explain(&s, &ct->remote, rt->local_why, sizeof(rt->local_why));
	dlog(d, SGW_CONF_LOG_INFO, rt->name, "local %s (%s)",
	     sgw_conf_addr_str(&s.addr, addr, sizeof(addr)), rt->local_why);
	return 0;
}

/* Fills @rt from config tunnel @ct; rt->error says why it cannot run. */
static void prepare(struct daemon *d, const struct sgw_conf_tunnel *ct,
		    struct rtun *rt)
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
	rt->opts.replay_window = ct->replay_window;
	rt->opts.life_bytes = ct->life_bytes;
	rt->opts.life_packets = ct->life_packets;
	if (resolve_local(d, ct, rt, &eff) ||
	    ikeconf_tunnel(&eff, &rt->ike, rt->error, sizeof(rt->error)))
		return;
	if (!rt->enabled)
		return;
	if (!address_is_local(&eff.local, list, sizeof(list))) {
		char addr[SGW_CONF_ADDRSTRLEN];

		snprintf(rt->error, sizeof(rt->error), "local %s is not an "
			 "address of this host (addresses here: %s)",
			 sgw_conf_addr_str(&eff.local, addr, sizeof(addr)),
			 list[0] ? list : "none of its family");
		return;
	}
	if (ikeconf_read_psk(ct->psk_file, rt->ike.psk, &rt->ike.psk_len,
			     warn, sizeof(warn), rt->error, sizeof(rt->error)))
		return;
	if (warn[0])
		dlog(d, SGW_CONF_LOG_WARNING, rt->name, "%s", warn);
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
	struct sgw_tunnel_config kc;
	struct sgw_tunnel kt;

	/* The local address resolved for local = auto, if it was. */
	if (rt->local.family)
		eff.local = rt->local;
	ikeconf_kernel_tunnel(&eff, &kc);
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
	return 0;
fail:
	snprintf(rt->error, sizeof(rt->error), "kernel tunnel %u (%s): %s",
		 ct->id, ct->interface, sgwnl_error(d->nl));
	return -1;
}

static void engine_start(struct daemon *d, struct rtun *rt)
{
	int ret;

	ret = ike_engine_up(d->eng, rt->id, (ike_time_t)now_ms());
	if (ret && ret != -EALREADY)
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

static void engine_drop(struct daemon *d, struct rtun *rt)
{
	if (!rt->in_engine)
		return;
	ike_engine_down(d->eng, rt->id, (ike_time_t)now_ms());
	ike_engine_remove_tunnel(d->eng, rt->id);
	rt->in_engine = false;
}

static void rtun_wipe(struct rtun *v, size_t n)
{
	if (v)
		explicit_bzero(v, n * sizeof(*v));
	free(v);
}

struct apply_stats {
	unsigned int added, removed, changed, kept;
};

/*
 * Loads and checks the file and applies what changed. On any error the
 * running configuration stays as it is and @msg says why.
 */
static int apply_config(struct daemon *d, struct apply_stats *s, char *msg,
			size_t msglen)
{
	struct sgw_conf conf;
	struct sgw_conf_error err;
	struct sgw_conf_problems probs;
	struct ike_engine_config ec;
	char engine_msg[64];
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
	d->level = conf.global.log_level;
	/* [global] applies on reload too; half-open SAs stay as they are. */
	ikeconf_engine(&conf.global, &ec);
	engine_msg[0] = '\0';
	if (!ike_engine_set_config(d->eng, &ec)) {
		ikeconf_engine_changes(&d->ec, &ec, engine_msg,
				       sizeof(engine_msg));
		d->ec = ec;
	}
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

		if (old && oc && sgw_conf_tunnel_equal(oc, ct) &&
		    !old->by_request && !old->error[0] && !nt[i].error[0] &&
		    !memcmp(&old->ike, &nt[i].ike, sizeof(old->ike))) {
			nt[i].in_engine = old->in_engine;
			s->kept++;
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
	snprintf(msg, msglen, "%zu tunnel%s: %u added, %u removed, %u changed, "
		 "%u unchanged%s%s", d->n, d->n == 1 ? "" : "s", s->added,
		 s->removed, s->changed, s->kept, engine_msg[0] ? "; " : "",
		 engine_msg);
	return 0;
}

/* ---- status ------------------------------------------------------------- */

static void squeeze(char *s)
{
	char *w = s;

	for (; *s; s++)
		if (*s != ' ')
			*w++ = *s;
	*w = '\0';
}

static uint64_t secs(ike_time_t ms)
{
	if (ms == IKE_TIME_NEVER)
		return 0;
	return ms < 1000 ? 1 : (ms + 999) / 1000;
}

static void fill_status(struct daemon *d, const struct rtun *rt,
			struct ctl_tunnel *ct)
{
	struct ike_tunnel_status st;
	unsigned int k;

	memset(ct, 0, sizeof(*ct));
	ct->id = rt->id;
	snprintf(ct->name, sizeof(ct->name), "%s", rt->name);
	snprintf(ct->ifname, sizeof(ct->ifname), "%s", rt->ifname);
	ct->enabled = rt->enabled;
	sgw_conf_addr_str(&rt->local, ct->local, sizeof(ct->local));
	snprintf(ct->local_why, sizeof(ct->local_why), "%s", rt->local_why);
	sgw_conf_addr_str(&rt->remote, ct->remote, sizeof(ct->remote));
	ike_identity_format(&rt->ike.local_id, ct->local_id,
			    sizeof(ct->local_id));
	if (!rt->enabled) {
		snprintf(ct->state, sizeof(ct->state), "disabled");
		return;
	}
	if (!rt->in_engine || ike_engine_status(d->eng, rt->id, &st)) {
		snprintf(ct->state, sizeof(ct->state), "failed");
		snprintf(ct->failure, sizeof(ct->failure), "%s", rt->error);
		return;
	}
	snprintf(ct->state, sizeof(ct->state), "%s", st.state_name);
	snprintf(ct->ike_state, sizeof(ct->ike_state), "%s", st.sa_state);
	snprintf(ct->failure, sizeof(ct->failure), "%s", st.last_failure);
	ct->generation = st.generation;
	ct->rekey_in = secs(st.rekey_in_ms);
	ct->retry_in = secs(st.retry_in_ms);
	ct->quiet = st.quiet_ms / 1000;
	ct->held = st.held;
	ct->child_rekeys = st.child_rekeys;
	ct->ike_rekeys = st.ike_rekeys;
	ct->collisions = st.collisions;
	ct->liveness_failures = st.liveness_failures;
	ct->restarts = st.restarts;
	ct->reauths = st.reauths;
	if (st.state != IKE_TUNNEL_CONNECTING &&
	    st.state != IKE_TUNNEL_ESTABLISHED)
		return;
	ct->initiator = st.initiator;
	ct->spi_i = st.spi_i;
	ct->spi_r = st.spi_r;
	snprintf(ct->proposal, sizeof(ct->proposal), "%s", st.proposal);
	snprintf(ct->peer_id, sizeof(ct->peer_id), "%s", st.peer_id);
	ct->age = st.age_ms / 1000;
	for (k = 0; k < st.n_children && k < CTL_CHILDREN; k++) {
		struct ctl_child *c = &ct->child[ct->n_children++];

		c->spi_in = ntohl(st.child[k].spi_in);
		c->spi_out = ntohl(st.child[k].spi_out);
		c->age = st.child[k].age_ms / 1000;
		c->generation = st.child[k].generation;
		c->transport = st.child[k].transport;
		c->rekey_in = secs(st.child[k].rekey_in_ms);
		snprintf(c->role, sizeof(c->role), "%s", st.child[k].rekeyed ?
			 "replaced" : st.child[k].out_pending ? "switching" : "");
		snprintf(c->algs, sizeof(c->algs), "%s", st.child[k].algs);
		ike_ts_list_format(&st.child[k].local_ts, c->local_ts,
				   sizeof(c->local_ts));
		ike_ts_list_format(&st.child[k].remote_ts, c->remote_ts,
				   sizeof(c->remote_ts));
		/* "a, b" -> "a,b": no blank may split the child-ts line. */
		squeeze(c->local_ts);
		squeeze(c->remote_ts);
	}
}

static const char *tunnel_state(struct daemon *d, const struct rtun *rt)
{
	static struct ctl_tunnel ct;

	fill_status(d, rt, &ct);
	return ct.state;
}

/* A tunnel by name, id or interface name. */
static struct rtun *resolve(struct daemon *d, const char *arg)
{
	char *end;
	unsigned long id = strtoul(arg, &end, 10);
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->t[i].name, arg) || !strcmp(d->t[i].ifname, arg) ||
		    (!*end && end != arg && d->t[i].id == id))
			return &d->t[i];
	return NULL;
}

/* ---- control socket ----------------------------------------------------- */

static int ctl_open(struct daemon *d)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", d->sock_path);
	d->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			   0);
	if (d->ctl_fd < 0)
		return -1;
	unlink(d->sock_path);	/* stale: we hold the lock */
	if (bind(d->ctl_fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    chmod(d->sock_path, 0600) || listen(d->ctl_fd, 16))
		return -1;
	return 0;
}

static void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->len = 0;
	c->waiting = false;
	c->n_wait = 0;
}

static void client_reply(struct client *c, const struct ctl_reply *r)
{
	char *buf = NULL;
	size_t len = 0, off = 0;
	FILE *f = open_memstream(&buf, &len);
	int flags;

	if (!f) {
		client_close(c);
		return;
	}
	ctl_encode_reply(f, r);
	fclose(f);
	flags = fcntl(c->fd, F_GETFL);
	fcntl(c->fd, F_SETFL, flags & ~O_NONBLOCK);
	while (off < len) {
		ssize_t n = write(c->fd, buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	free(buf);
	client_close(c);
}

static void reply_text(struct client *c, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void reply_text(struct client *c, bool ok, const char *fmt, ...)
{
	struct ctl_reply r = { .ok = ok };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r.message, sizeof(r.message), fmt, ap);
	va_end(ap);
	client_reply(c, &r);
}

static void reply_status(struct daemon *d, struct client *c,
			 const struct rtun *only)
{
	struct ctl_reply r = { .ok = true };
	struct ctl_tunnel ct;
	size_t i;

	snprintf(r.message, sizeof(r.message), "pid %ld, %zu tunnel%s, %s",
		 (long)getpid(), d->n, d->n == 1 ? "" : "s", d->path);
	for (i = 0; i < d->n; i++) {
		if (only && only != &d->t[i])
			continue;
		fill_status(d, &d->t[i], &ct);
		if (ctl_reply_push(&r, &ct)) {
			ctl_reply_free(&r);
			reply_text(c, false, "out of memory");
			return;
		}
	}
	client_reply(c, &r);
	ctl_reply_free(&r);
}

/* Answers a waiting client once none of its tunnels is connecting. */
static void check_waiter(struct daemon *d, struct client *c, bool force)
{
	struct ctl_reply r = { .ok = true };
	struct ctl_tunnel ct;
	size_t i, off = 0;

	for (i = 0; i < c->n_wait && !force; i++) {
		struct rtun *rt = rtun_by_id(d, c->wait[i]);

		if (rt && !strcmp(tunnel_state(d, rt), "connecting"))
			return;
	}
	for (i = 0; i < c->n_wait; i++) {
		struct rtun *rt = rtun_by_id(d, c->wait[i]);
		bool up;
		int n;

		if (!rt)
			continue;
		fill_status(d, rt, &ct);
		up = !strcmp(ct.state, "established");
		if (!up)
			r.ok = false;
		n = snprintf(r.message + off, sizeof(r.message) - off,
			     "%s%s: %s%s%s", off ? "; " : "", rt->name,
			     force && !strcmp(ct.state, "connecting") ?
			     "still connecting" : ct.state,
			     !up && ct.failure[0] ? ": " : "",
			     !up ? ct.failure : "");
		if (n > 0 && (size_t)n < sizeof(r.message) - off)
			off += (size_t)n;
		ctl_reply_push(&r, &ct);
	}
	client_reply(c, &r);
	ctl_reply_free(&r);
}

static void wait_for(struct client *c, struct rtun *rt)
{
	if (c->n_wait < MAX_WAIT)
		c->wait[c->n_wait++] = rt->id;
	c->waiting = true;
	c->deadline = now_ms() + WAIT_TIMEOUT_MS;
}

/* Why @rt cannot be negotiated, or NULL. */
static const char *not_negotiable(const struct rtun *rt, char *buf,
				  size_t len)
{
	if (!rt->enabled)
		snprintf(buf, len, "tunnel %s is disabled in the configuration",
			 rt->name);
	else if (!rt->in_engine)
		snprintf(buf, len, "tunnel %s cannot be negotiated: %s",
			 rt->name, rt->error);
	else
		return NULL;
	return buf;
}

static void refresh(struct daemon *d, struct client *c, struct rtun *rt)
{
	const char *state = tunnel_state(d, rt);
	ike_time_t now = (ike_time_t)now_ms();

	/* Established: rekey make-before-break, like "ipsec refresh sa". */
	if (!strcmp(state, "established") &&
	    ike_engine_rekey(d->eng, rt->id, false, now) != -ENOTCONN) {
		reply_text(c, true, "tunnel %s: rekeying its CHILD SAs",
			   rt->name);
		return;
	}
	if (strcmp(state, "connecting"))
		engine_start(d, rt);
	wait_for(c, rt);
}

/* The kernel tunnel of @rt is enabled: the engine takes it up again. */
static void engine_enable(struct daemon *d, const struct sgw_conf_tunnel *ct,
			  struct rtun *rt)
{
	struct sgw_conf_tunnel on = *ct;

	/* A tunnel disabled in the file has no key read yet: prepare it. */
	on.enabled = true;
	prepare(d, &on, rt);
	rt->by_request = true;
	engine_add(d, rt);
}

/*
 * "sgwctl tunnel set ID enabled no": tell the peer (DELETE) while the SAs
 * still exist, since disabling the kernel tunnel removes them, and stop
 * negotiating; "enabled yes" brings the tunnel back as configured. Until
 * a reload, which applies the file again.
 */
static void set_enabled(struct daemon *d, struct client *c, struct rtun *rt,
			bool enable)
{
	const struct sgw_conf_tunnel *ct = sgw_conf_tunnel_by_id(&d->conf,
								 rt->id);
	struct sgw_tunnel_config kc = { .set_enabled = true, .enabled = enable };
	struct sgw_tunnel_ref ref = { .id = rt->id };

	if (!ct) {
		reply_text(c, false, "%s: not in %s", rt->name, d->path);
		return;
	}
	if (!enable) {
		engine_drop(d, rt);
		rt->enabled = false;
		rt->by_request = true;
		if (sgwnl_tunnel_set(d->nl, &ref, &kc)) {
			reply_text(c, false, "%s: %s", rt->name, sgwnl_error(d->nl));
			return;
		}
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "disabled by request: IKE "
		     "SA deleted, no negotiation until it is enabled");
		reply_text(c, true, "%s: disabled, IKE SA deleted", rt->name);
		return;
	}
	if (rt->enabled && rt->in_engine) {
		reply_text(c, true, "%s: already enabled", rt->name);
		return;
	}
	if (sgwnl_tunnel_set(d->nl, &ref, &kc)) {
		reply_text(c, false, "%s: %s", rt->name, sgwnl_error(d->nl));
		return;
	}
	engine_enable(d, ct, rt);
	if (rt->error[0]) {
		dlog(d, SGW_CONF_LOG_ERROR, rt->name, "%s", rt->error);
		reply_text(c, false, "%s: %s", rt->name, rt->error);
		return;
	}
	dlog(d, SGW_CONF_LOG_INFO, rt->name, "enabled by request");
	reply_text(c, true, "%s: enabled", rt->name);
}

static void handle(struct daemon *d, struct client *c,
		   const struct ctl_request *req)
{
	struct rtun *rt = NULL;
	struct apply_stats st;
	char why[CTL_TEXT + 128];
	size_t i;

	if (req->arg[0]) {
		rt = resolve(d, req->arg);
		if (!rt) {
			size_t off = 0;

			for (i = 0; i < d->n && off < sizeof(why); i++)
				off += (size_t)snprintf(why + off, sizeof(why) - off,
							"%s%s", i ? ", " : "",
							d->t[i].name);
			reply_text(c, false, "no tunnel \"%s\" in %s (tunnels: %s)",
				   req->arg, d->path, d->n ? why : "none");
			return;
		}
	}
	switch (req->verb) {
	case CTL_STATUS:
		reply_status(d, c, rt);
		return;
	case CTL_ENABLE:
	case CTL_DISABLE:
		set_enabled(d, c, rt, req->verb == CTL_ENABLE);
		return;
	case CTL_RELOAD:
		if (apply_config(d, &st, why, sizeof(why))) {
			dlog(d, SGW_CONF_LOG_ERROR, NULL, "reload refused: %s", why);
			reply_text(c, false, "%s", why);
		} else {
			dlog(d, SGW_CONF_LOG_INFO, NULL, "reloaded: %s", why);
			reply_text(c, true, "reloaded %s: %s", d->path, why);
		}
		return;
	case CTL_DOWN:
		if (not_negotiable(rt, why, sizeof(why))) {
			reply_text(c, false, "%s", why);
			return;
		}
		if (strcmp(tunnel_state(d, rt), "established") &&
		    strcmp(tunnel_state(d, rt), "connecting")) {
			reply_text(c, true, "%s: not up", rt->name);
			return;
		}
		ike_engine_down(d->eng, rt->id, (ike_time_t)now_ms());
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "down by request");
		reply_text(c, true, "%s: IKE SA deleted, CHILD SAs removed",
			   rt->name);
		return;
	case CTL_UP:
		if (not_negotiable(rt, why, sizeof(why))) {
			reply_text(c, false, "%s", why);
			return;
		}
		if (strcmp(tunnel_state(d, rt), "established") &&
		    strcmp(tunnel_state(d, rt), "connecting"))
			engine_start(d, rt);
		wait_for(c, rt);
		check_waiter(d, c, false);
		return;
	case CTL_REFRESH:
		if (rt) {
			if (not_negotiable(rt, why, sizeof(why))) {
				reply_text(c, false, "%s", why);
				return;
			}
			refresh(d, c, rt);
		} else {
			for (i = 0; i < d->n; i++)
				if (!not_negotiable(&d->t[i], why, sizeof(why)))
					refresh(d, c, &d->t[i]);
		}
		if (!c->waiting) {
			reply_text(c, true, "no tunnel to negotiate");
			return;
		}
		check_waiter(d, c, false);
		return;
	}
}

static void client_input(struct daemon *d, struct client *c)
{
	struct ctl_request req;
	ssize_t n;
	char *nl;

	if (c->waiting) {
		/*
		 * Polled for nothing but POLLHUP: the client shut down its
		 * writing side after the request (EOF), and hangs up entirely
		 * only when it gives up waiting.
		 */
		client_close(c);
		return;
	}
	n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		c->len += (size_t)n;
	c->buf[c->len] = '\0';
	nl = strchr(c->buf, '\n');
	if (!nl && n > 0 && c->len < sizeof(c->buf) - 1)
		return;
	if (!nl || ctl_parse_request(c->buf, &req)) {
		reply_text(c, false, "request not understood");
		return;
	}
	handle(d, c, &req);
}

static void ctl_accept(struct daemon *d)
{
	int fd;
	size_t i;

	while ((fd = accept4(d->ctl_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		for (i = 0; i < MAX_CLIENTS && d->clients[i].fd >= 0; i++)
			;
		if (i == MAX_CLIENTS) {
			close(fd);
			continue;
		}
		d->clients[i].fd = fd;
		d->clients[i].len = 0;
		d->clients[i].waiting = false;
		d->clients[i].n_wait = 0;
		d->clients[i].deadline = now_ms() + REQUEST_TIMEOUT_MS;
	}
}

/* ---- kernel events ------------------------------------------------------ */

/*
 * A packet found tunnel @ev->tunnel_id without an SA (the kernel holds it
 * for a few seconds): negotiate, for on-demand tunnels that are idle or
 * failed, at most once per ACQUIRE_RETRY_MS so that a dead peer is retried
 * calmly.
 */
static void on_acquire(struct daemon *d, const struct sgw_event *ev)
{
	struct rtun *rt = rtun_by_id(d, ev->tunnel_id);
	char src[SGW_CONF_ADDRSTRLEN], dst[SGW_CONF_ADDRSTRLEN];
	long long now = now_ms();
	const char *state;
	int ret;

	if (!rt || !rt->enabled || !rt->in_engine || rt->at_start)
		return;
	state = tunnel_state(d, rt);
	if (!strcmp(state, "connecting") || !strcmp(state, "established"))
		return;
	if (rt->acquire_ms && now - rt->acquire_ms < ACQUIRE_RETRY_MS)
		return;
	ret = ike_engine_on_demand(d->eng, rt->id, (ike_time_t)now);
	if (ret == -EALREADY)
		return;
	rt->acquire_ms = now;
	sgw_addr_format(&ev->src, src, sizeof(src));
	sgw_addr_format(&ev->dst, dst, sizeof(dst));
	if (ret == -EPERM)
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "a packet %s -> %s found no "
		     "SA; not negotiating: the dead peer holds the tunnel "
		     "(dpd-action hold; 'sgwctl up' retries)", src, dst);
	else if (ret)
		dlog(d, SGW_CONF_LOG_ERROR, rt->name, "cannot initiate: %s",
		     strerror(-ret));
	else
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "negotiating on demand: a "
		     "packet %s -> %s found no SA", src, dst);
}

/*
 * The peer sends ESP on an SA we do not have: it kept state we lost (our
 * restart) or missed a DELETE. Rekeying gives both ends one fresh pair (or,
 * if the peer lost the IKE SA too, fails and restarts the tunnel); without
 * an IKE SA, negotiating anew sends INITIAL_CONTACT. Once per
 * UNKNOWN_SPI_RETRY_MS per tunnel.
 */
static void on_unknown_spi(struct daemon *d, const struct sgw_event *ev)
{
	struct rtun *rt = rtun_by_id(d, ev->tunnel_id);
	long long now = now_ms();
	const char *state;
	int ret;

	if (!rt || !rt->enabled || !rt->in_engine)
		return;
	if (rt->unknown_spi_ms && now - rt->unknown_spi_ms < UNKNOWN_SPI_RETRY_MS)
		return;
	rt->unknown_spi_ms = now;
	state = tunnel_state(d, rt);
	if (!strcmp(state, "connecting"))
		return;
	if (!strcmp(state, "established")) {
		ret = ike_engine_rekey(d->eng, rt->id, false, (ike_time_t)now);
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "ESP with unknown SPI "
		     "0x%08x from the peer: it holds SAs we do not; %s",
		     ev->spi, ret == -EALREADY ? "a rekey is already under way" :
		     "rekeying");
		return;
	}
	ret = ike_engine_on_demand(d->eng, rt->id, (ike_time_t)now);
	dlog(d, SGW_CONF_LOG_INFO, rt->name, "ESP with unknown SPI 0x%08x from "
	     "the peer: it holds SAs we do not; %s", ev->spi,
	     ret == -EPERM ? "not negotiating: held after a dead peer" :
	     ret ? "negotiation is already pending" : "negotiating anew");
}

/*
 * The kernel tunnel was enabled or disabled past the daemon (raw netlink,
 * "sgwctl tunnel set" that could not reach us): follow it, so that a
 * disabled tunnel's peer still hears a DELETE and nothing negotiates for
 * it. The kernel has removed the SAs already. Our own changes come back
 * here too and find nothing to do.
 */
static void on_tunnel(struct daemon *d, const struct sgw_event *ev)
{
	struct rtun *rt = rtun_by_id(d, ev->tunnel_id);
	const struct sgw_conf_tunnel *ct = sgw_conf_tunnel_by_id(&d->conf,
								 ev->tunnel_id);

	if (!rt || !ct || ev->enabled == rt->enabled)
		return;
	if (!ev->enabled) {
		engine_drop(d, rt);
		rt->enabled = false;
		rt->by_request = true;
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "disabled in the kernel, "
		     "not through the daemon: IKE SA deleted, no negotiation "
		     "until it is enabled");
		return;
	}
	engine_enable(d, ct, rt);
	if (rt->error[0])
		dlog(d, SGW_CONF_LOG_ERROR, rt->name, "%s", rt->error);
	else
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "enabled in the kernel, "
		     "not through the daemon: negotiating as configured");
}

static int on_event(const struct sgw_event *ev, void *arg)
{
	struct daemon *d = arg;
	struct rtun *t = rtun_by_id(d, ev->tunnel_id);
	char name[16];

	if (ev->type == SGW_EVENT_ACQUIRE) {
		on_acquire(d, ev);
		return 0;
	}
	if (ev->type == SGW_EVENT_UNKNOWN_SPI) {
		on_unknown_spi(d, ev);
		return 0;
	}
	if (ev->type == SGW_EVENT_TUNNEL) {
		on_tunnel(d, ev);
		return 0;
	}

	snprintf(name, sizeof(name), "%u", ev->tunnel_id);
	/* Rekey on the soft limit; after the hard one the tunnel starts over. */
	if (t && t->in_engine)
		ike_engine_sa_expired(d->eng, t->id, ev->dir == SGW_DIR_IN ?
				      IKE_DIR_IN : IKE_DIR_OUT, htonl(ev->spi),
				      ev->hard, (ike_time_t)now_ms());
	if (ev->hard)
		dlog(d, SGW_CONF_LOG_WARNING, t ? t->name : name,
		     "SA %s spi 0x%08x reached its hard lifetime (bytes %" PRIu64
		     ", packets %" PRIu64 "); the kernel removed it",
		     sgw_dir_name(ev->dir), ev->spi, ev->bytes, ev->packets);
	else
		dlog(d, SGW_CONF_LOG_INFO, t ? t->name : name,
		     "SA %s spi 0x%08x reached its soft lifetime (bytes %" PRIu64
		     ", packets %" PRIu64 ")", sgw_dir_name(ev->dir), ev->spi,
		     ev->bytes, ev->packets);
	return 0;
}

/* ---- start, loop, stop -------------------------------------------------- */

static int take_lock(struct daemon *d)
{
	char pid[32] = "";
	ssize_t n;

	if (mkdir(CTL_DIR, 0700) && errno != EEXIST) {
		fprintf(stderr, "sgwctl: daemon: cannot create %s: %s\n",
			CTL_DIR, strerror(errno));
		return -1;
	}
	d->lock_fd = open(d->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (d->lock_fd < 0) {
		fprintf(stderr, "sgwctl: daemon: cannot open %s: %s\n",
			d->lock_path, strerror(errno));
		return -1;
	}
	if (flock(d->lock_fd, LOCK_EX | LOCK_NB)) {
		n = read(d->lock_fd, pid, sizeof(pid) - 1);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		fprintf(stderr, "sgwctl: daemon: another sgw daemon (pid %s) "
			"already runs in this network namespace; use 'sgwctl "
			"reload' to apply a changed configuration\n",
			pid[0] ? pid : "?");
		close(d->lock_fd);
		d->lock_fd = -1;
		return -1;
	}
	if (ftruncate(d->lock_fd, 0) == 0) {
		n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		if (write(d->lock_fd, pid, (size_t)n) != n)
			return -1;
	}
	return 0;
}

static int signals(struct daemon *d)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	signal(SIGPIPE, SIG_IGN);
	d->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return d->sig_fd < 0 ? -1 : 0;
}

static void on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;
	struct apply_stats st;
	char msg[CTL_TEXT + 128];

	while (read(d->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo != SIGHUP) {
			dlog(d, SGW_CONF_LOG_INFO, NULL, "%s: stopping",
			     strsignal((int)si.ssi_signo));
			d->stop = true;
			continue;
		}
		if (apply_config(d, &st, msg, sizeof(msg)))
			dlog(d, SGW_CONF_LOG_ERROR, NULL, "reload refused: %s", msg);
		else
			dlog(d, SGW_CONF_LOG_INFO, NULL, "reloaded: %s", msg);
	}
}

enum { FD_SIG, FD_CTL, FD_EV, FD_FIXED };

static void loop(struct daemon *d)
{
	struct pollfd pfd[FD_FIXED + MAX_SOCKS + MAX_CLIENTS];
	size_t i;

	while (!d->stop) {
		long long now = now_ms();
		size_t n;
		ike_time_t next = ike_engine_next_timeout(d->eng);
		long long wait = next == IKE_TIME_NEVER ? 60000 :
				 (long long)next - now;
		size_t n_socks = d->n_socks;

		for (i = 0; i < MAX_CLIENTS; i++)
			if (d->clients[i].fd >= 0 && d->clients[i].deadline - now < wait)
				wait = d->clients[i].deadline - now;
		if (wait < 0)
			wait = 0;
		if (wait > 60000)
			wait = 60000;
		pfd[FD_SIG] = (struct pollfd){ .fd = d->sig_fd, .events = POLLIN };
		pfd[FD_CTL] = (struct pollfd){ .fd = d->ctl_fd, .events = POLLIN };
		pfd[FD_EV] = (struct pollfd){ .fd = sgwnl_events_fd(d->nl),
					      .events = POLLIN };
		n = FD_FIXED;
		for (i = 0; i < n_socks; i++)
			pfd[n++] = (struct pollfd){ .fd = d->socks[i].fd,
						    .events = POLLIN };
		for (i = 0; i < MAX_CLIENTS; i++)
			pfd[n++] = (struct pollfd){ .fd = d->clients[i].fd,
				.events = d->clients[i].waiting ? 0 : POLLIN };
		if (poll(pfd, n, (int)wait) < 0 && errno != EINTR) {
			dlog(d, SGW_CONF_LOG_ERROR, NULL, "poll: %s",
			     strerror(errno));
			return;
		}
		if (pfd[FD_SIG].revents)
			on_signal(d);
		if (pfd[FD_EV].revents &&
		    sgwnl_events_read(d->nl, on_event, d) == -ENOBUFS)
			dlog(d, SGW_CONF_LOG_WARNING, NULL,
			     "kernel events were lost (socket buffer full)");
		/* A reload may have closed sockets: match by fd. */
		for (i = 0; i < n_socks; i++) {
			size_t k;

			if (!pfd[FD_FIXED + i].revents)
				continue;
			for (k = 0; k < d->n_socks; k++)
				if (d->socks[k].fd == pfd[FD_FIXED + i].fd)
					sock_input(d, &d->socks[k]);
		}
		for (i = 0; i < MAX_CLIENTS; i++) {
			struct client *c = &d->clients[i];

			if (c->fd >= 0 && pfd[FD_FIXED + n_socks + i].revents &&
			    c->fd == pfd[FD_FIXED + n_socks + i].fd)
				client_input(d, c);
		}
		if (pfd[FD_CTL].revents)
			ctl_accept(d);
		now = now_ms();
		if ((ike_time_t)now >= ike_engine_next_timeout(d->eng))
			ike_engine_tick(d->eng, (ike_time_t)now);
		for (i = 0; i < MAX_CLIENTS; i++) {
			struct client *c = &d->clients[i];

			if (c->fd < 0)
				continue;
			if (c->waiting)
				check_waiter(d, c, now >= c->deadline);
			else if (now >= c->deadline)
				client_close(c);
		}
	}
}

static void shutdown_all(struct daemon *d)
{
	size_t i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (d->clients[i].fd >= 0)
			reply_text(&d->clients[i], false, "the daemon is stopping");
	/* Tell each peer; the engine then removes the CHILD SAs. */
	for (i = 0; d->eng && i < d->n; i++)
		if (d->t[i].in_engine)
			ike_engine_down(d->eng, d->t[i].id, (ike_time_t)now_ms());
	ike_engine_free(d->eng);
	for (i = 0; i < d->n_socks; i++)
		close(d->socks[i].fd);
	rtun_wipe(d->t, d->n);
	sgw_conf_free(&d->conf);
	if (d->ctl_fd >= 0) {
		close(d->ctl_fd);
		unlink(d->sock_path);
	}
	if (d->nl)
		sgwnl_close(d->nl);
	if (d->lock_fd >= 0) {
		unlink(d->lock_path);
		close(d->lock_fd);
	}
}

int daemon_run(const char *conf_path)
{
	static struct daemon dd;
	struct daemon *d = &dd;
	struct ike_engine_ops ops;
	struct ike_kernel kern;
	struct apply_stats st;
	char msg[CTL_TEXT + 128];
	size_t i;
	int ret;

	memset(d, 0, sizeof(*d));
	d->path = conf_path;
	d->level = SGW_CONF_LOG_INFO;
	d->journal = getenv("JOURNAL_STREAM") != NULL;
	d->ctl_fd = d->sig_fd = d->lock_fd = -1;
	for (i = 0; i < MAX_CLIENTS; i++)
		d->clients[i].fd = -1;
	sgw_conf_init(&d->conf);
	if (geteuid() != 0) {
		fprintf(stderr, "sgwctl: daemon: must run as root (it owns "
			"the kernel tunnels and UDP port 500)\n");
		return 1;
	}
	ret = ctl_paths(d->sock_path, sizeof(d->sock_path), d->lock_path,
			sizeof(d->lock_path));
	if (ret) {
		fprintf(stderr, "sgwctl: daemon: cannot name this network "
			"namespace: %s\n", strerror(-ret));
		return 1;
	}
	if (take_lock(d))
		return 1;
	ret = sgwnl_open(&d->nl);
	if (ret) {
		fprintf(stderr, "sgwctl: daemon: %s\n", sgwnl_open_error(ret));
		d->nl = NULL;
		goto out;
	}
	if (sgwnl_events_join(d->nl)) {
		fprintf(stderr, "sgwctl: daemon: kernel events: %s\n",
			sgwnl_error(d->nl));
		goto out;
	}
	if (signals(d)) {
		fprintf(stderr, "sgwctl: daemon: signals: %s\n", strerror(errno));
		goto out;
	}
	ops = (struct ike_engine_ops){ .ctx = d, .send = engine_send,
				       .log = engine_log };
	d->kb = (struct kbackend){
		.ops = { .ctx = d->nl, .add = nl_add, .del = nl_del,
			 .error = nl_err },
		.tunnel_opts = tunnel_opts, .opts_ctx = d,
		.log = kb_log, .log_ctx = d,
	};
	kb_kernel(&d->kb, &kern);
	{
		/* half-open-limit comes from [global]: read it first. */
		struct sgw_conf pre;
		struct sgw_conf_error err;

		if (sgw_conf_load(d->path, &pre, &err)) {
			fprintf(stderr, "sgwctl: daemon: %s\n", err.text);
			sgw_conf_free(&pre);
			goto out;
		}
		ikeconf_engine(&pre.global, &d->ec);
		d->level = pre.global.log_level;
		sgw_conf_free(&pre);
	}
	d->eng = ike_engine_new(&d->ec, &ops, &kern, (ike_time_t)now_ms());
	if (!d->eng) {
		fprintf(stderr, "sgwctl: daemon: cannot create the IKE engine\n");
		goto out;
	}
	if (ctl_open(d)) {
		fprintf(stderr, "sgwctl: daemon: control socket %s: %s\n",
			d->sock_path, strerror(errno));
		goto out;
	}
	if (apply_config(d, &st, msg, sizeof(msg))) {
		fprintf(stderr, "sgwctl: daemon: %s\n", msg);
		goto out;
	}
	dlog(d, SGW_CONF_LOG_INFO, NULL, "started (pid %ld): %s from %s; "
	     "control socket %s", (long)getpid(), msg, d->path, d->sock_path);
	/* Ready: the control socket answers and the tunnels are in place. */
	sd_notify_state("READY=1");
	loop(d);
	sd_notify_state("STOPPING=1");
	shutdown_all(d);
	dlog(d, SGW_CONF_LOG_INFO, NULL, "stopped");
	return 0;
out:
	shutdown_all(d);
	return 1;
}
