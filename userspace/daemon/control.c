// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket: status rendering, requests from sgwctl (status,
 * up, down, refresh, reload, enable, disable) and the waits for their
 * outcome. Each request handler fills a reply and says whether it is the
 * answer or the client waits; only this server writes to clients.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon_priv.h"

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

void addr_port(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	char a[INET6_ADDRSTRLEN];

	buf[0] = '\0';
	if (ss->ss_family == AF_INET && inet_ntop(AF_INET, &s4->sin_addr, a,
						  sizeof(a)))
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	else if (ss->ss_family == AF_INET6 &&
		 inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a)))
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
}

void fill_status(struct daemon *d, const struct rtun *rt,
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
	if (rt->remote.family)
		sgw_conf_addr_str(&rt->remote, ct->remote, sizeof(ct->remote));
	snprintf(ct->remote_name, sizeof(ct->remote_name), "%s",
		 rt->remote_name);
	ct->remote_any = rt->remote_any;
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
	if (rt->dp_rx_at) {
		ct->esp_rx_seen = true;
		ct->esp_rx_ago = (uint64_t)(now_ms() - rt->dp_rx_at) / 1000;
	}
	ct->held = st.held;
	ct->child_rekeys = st.child_rekeys;
	ct->ike_rekeys = st.ike_rekeys;
	ct->collisions = st.collisions;
	ct->liveness_failures = st.liveness_failures;
	ct->restarts = st.restarts;
	ct->reauths = st.reauths;
	for (k = 0; k < CTL_FAIL_KINDS && k < IKE_FAIL_MAX; k++)
		ct->failures[k] = st.failures[k];
	snprintf(ct->esp_silent, sizeof(ct->esp_silent), "%s", rt->esp_silent);
	if (st.state != IKE_TUNNEL_CONNECTING &&
	    st.state != IKE_TUNNEL_ESTABLISHED)
		return;
	ct->initiator = st.initiator;
	ct->spi_i = st.spi_i;
	ct->spi_r = st.spi_r;
	ct->ike_tunnel = st.ike_tunnel;
	snprintf(ct->proposal, sizeof(ct->proposal), "%s", st.proposal);
	snprintf(ct->peer_id, sizeof(ct->peer_id), "%s", st.peer_id);
	ct->age = st.age_ms / 1000;
	if (st.natd || st.state == IKE_TUNNEL_ESTABLISHED)
		snprintf(ct->nat, sizeof(ct->nat), "%s",
			 !st.natd ? "off" :
			 st.nat_here && st.nat_there ? "both" :
			 st.nat_here ? "local" : st.nat_there ? "remote" :
			 st.udp_encap ? "encap" : "none");
	addr_port(&st.local, ct->ike_local, sizeof(ct->ike_local));
	addr_port(&st.remote, ct->ike_remote, sizeof(ct->ike_remote));
	/* remote = any: the peer's address now, from its IKE SA. */
	if (rt->remote_any && st.remote.ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)&st.remote)->
			  sin_addr, ct->remote, sizeof(ct->remote));
	else if (rt->remote_any && st.remote.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)&st.remote)->
			  sin6_addr, ct->remote, sizeof(ct->remote));
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

enum ike_tunnel_state tunnel_state(struct daemon *d, const struct rtun *rt)
{
	struct ike_tunnel_status st;

	if (!rt->enabled)
		return IKE_TUNNEL_IDLE;
	if (!rt->in_engine || ike_engine_status(d->eng, rt->id, &st))
		return IKE_TUNNEL_FAILED;
	return st.state;
}

/* Negotiating or negotiated: what "up" and an ACQUIRE leave alone. */
bool tunnel_busy(struct daemon *d, const struct rtun *rt)
{
	enum ike_tunnel_state s = tunnel_state(d, rt);

	return s == IKE_TUNNEL_CONNECTING || s == IKE_TUNNEL_ESTABLISHED;
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

int ctl_open(struct daemon *d)
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

void client_close(struct client *c)
{
	c->probing = false;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->len = 0;
	c->waiting = false;
	c->n_wait = 0;
	outbox_free(&c->out);
}

/* Write what the socket takes; the rest goes on POLLOUT (daemon.c). */
void client_send(struct client *c)
{
	if (outbox_flush(&c->out, c->fd) != OUTBOX_PENDING)
		client_close(c);
}

/*
 * The answer ends the exchange: once it is written, or once the client
 * has not taken it within REQUEST_TIMEOUT_MS, the connection closes.
 */
void client_reply(struct client *c, const struct ctl_reply *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		client_close(c);
		return;
	}
	ctl_encode_reply(f, r);
	fclose(f);
	outbox_set(&c->out, buf, len);
	c->waiting = false;
	c->deadline = now_ms() + REQUEST_TIMEOUT_MS;
	client_send(c);
}

void reply_text(struct client *c, bool ok, const char *fmt, ...)
{
	struct ctl_reply r = { .ok = ok };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r.message, sizeof(r.message), fmt, ap);
	va_end(ap);
	client_reply(c, &r);
}

/*
 * What a request handler decided: answer now, or once none of the tunnels
 * in its wait list is connecting any more.
 */
enum outcome {
	ANSWER,
	WAIT,
};

struct wait_list {
	size_t n;
	uint32_t id[MAX_WAIT];
};

static void wait_add(struct wait_list *w, const struct rtun *rt)
{
	if (w->n < MAX_WAIT)
		w->id[w->n++] = rt->id;
}

static enum outcome answer(struct ctl_reply *r, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum outcome answer(struct ctl_reply *r, bool ok, const char *fmt, ...)
{
	va_list ap;

	r->ok = ok;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
	return ANSWER;
}

static enum outcome do_status(struct daemon *d, const struct rtun *only,
			      struct ctl_reply *r)
{
	struct ctl_tunnel ct;
	size_t i;

	r->ok = true;
	snprintf(r->message, sizeof(r->message), "pid %ld, %zu tunnel%s, %s",
		 (long)getpid(), d->n, d->n == 1 ? "" : "s", d->path);
	r->daemon.pid = (long)getpid();
	r->daemon.uptime = (uint64_t)(now_ms() - d->started) / 1000;
	snprintf(r->daemon.config, sizeof(r->daemon.config), "%s", d->path);
	if (d->eng) {
		struct ike_engine_load l;

		ike_engine_load(d->eng, &l);
		r->load = (struct ctl_ike_load){
			.valid = true, .half_open = l.half_open,
			.half_open_limit = l.half_open_limit,
			.half_open_max = l.half_open_max,
			.cookies_demanded = l.cookies_demanded,
			.cookies_sent = l.cookies_sent,
			.half_open_dropped = l.half_open_dropped,
			.half_open_expired = l.half_open_expired,
		};
		memcpy(r->load.exchanges, l.exchanges,
		       sizeof(r->load.exchanges));
	}
	for (i = 0; i < d->n; i++) {
		if (only && only != &d->t[i])
			continue;
		fill_status(d, &d->t[i], &ct);
		if (ctl_reply_push(r, &ct)) {
			ctl_reply_free(r);
			return answer(r, false, "out of memory");
		}
	}
	return ANSWER;
}

/* Answers a waiting client once none of its tunnels is connecting. */
void check_waiter(struct daemon *d, struct client *c, bool force)
{
	struct ctl_reply r = { .ok = true };
	struct ctl_tunnel ct;
	size_t i, off = 0;

	if (c->probing) {
		probe_waiter(d, c, force);
		return;
	}
	for (i = 0; i < c->n_wait && !force; i++) {
		struct rtun *rt = rtun_by_id(d, c->wait[i]);

		if (rt && tunnel_state(d, rt) == IKE_TUNNEL_CONNECTING)
			return;
	}
	for (i = 0; i < c->n_wait; i++) {
		struct rtun *rt = rtun_by_id(d, c->wait[i]);
		enum ike_tunnel_state state;
		bool up;
		int n;

		if (!rt)
			continue;
		state = tunnel_state(d, rt);
		fill_status(d, rt, &ct);
		up = state == IKE_TUNNEL_ESTABLISHED;
		if (!up)
			r.ok = false;
		n = snprintf(r.message + off, sizeof(r.message) - off,
			     "%s%s: %s%s%s", off ? "; " : "", rt->name,
			     force && state == IKE_TUNNEL_CONNECTING ?
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

const char *not_negotiable(const struct rtun *rt, char *buf, size_t len)
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

/* Established: rekey make-before-break, like "ipsec refresh sa". */
static enum outcome refresh_one(struct daemon *d, struct rtun *rt,
				struct wait_list *w, struct ctl_reply *r)
{
	enum ike_tunnel_state state = tunnel_state(d, rt);
	ike_time_t now = (ike_time_t)now_ms();
	struct ike_tunnel_status st;

	/* An IKE SA left without its CHILD SA gets a new one instead. */
	if (state == IKE_TUNNEL_ESTABLISHED &&
	    !ike_engine_status(d->eng, rt->id, &st)) {
		int ret = ike_engine_rekey(d->eng, rt->id, false, now);

		if (ret != -ENOTCONN)
			return answer(r, true, "tunnel %s: %s", rt->name,
				      ret == -EALREADY ? "a rekey or a new "
				      "CHILD SA is already under way" :
				      !st.n_children ? "it had no CHILD SA; "
				      "asking the peer for a new one" :
				      "rekeying its CHILD SAs");
	}
	if (rt->remote_any && state != IKE_TUNNEL_CONNECTING)
		return answer(r, false, "tunnel %s has remote = any and is not "
			      "up: only the peer starts it", rt->name);
	if (state != IKE_TUNNEL_CONNECTING)
		engine_start(d, rt);
	wait_add(w, rt);
	return WAIT;
}

/*
 * "sgwctl tunnel set ID enabled no": tell the peer (DELETE) while the SAs
 * still exist, since disabling the kernel tunnel removes them, and stop
 * negotiating; "enabled yes" brings the tunnel back as configured. Until
 * a reload, which applies the file again.
 */
static enum outcome set_enabled(struct daemon *d, struct rtun *rt,
				bool enable, struct ctl_reply *r)
{
	const struct sgw_conf_tunnel *ct = sgw_conf_tunnel_by_id(&d->conf,
								 rt->id);
	struct sgw_tunnel_config kc = { .set_enabled = true, .enabled = enable };
	struct sgw_tunnel_ref ref = { .id = rt->id };

	if (!ct)
		return answer(r, false, "%s: not in %s", rt->name, d->path);
	if (!enable) {
		engine_drop(d, rt);
		rt->enabled = false;
		rt->by_request = true;
		if (sgwnl_tunnel_set(d->nl, &ref, &kc))
			return answer(r, false, "%s: %s", rt->name,
				      sgwnl_error(d->nl));
		routes_sync(d);
		dlog(d, SGW_CONF_LOG_INFO, rt->name, "disabled by request: IKE "
		     "SA deleted, no negotiation until it is enabled");
		return answer(r, true, "%s: disabled, IKE SA deleted", rt->name);
	}
	if (rt->enabled && rt->in_engine)
		return answer(r, true, "%s: already enabled", rt->name);
	if (sgwnl_tunnel_set(d->nl, &ref, &kc))
		return answer(r, false, "%s: %s", rt->name, sgwnl_error(d->nl));
	engine_enable(d, ct, rt);
	routes_sync(d);
	if (rt->error[0]) {
		dlog(d, SGW_CONF_LOG_ERROR, rt->name, "%s", rt->error);
		return answer(r, false, "%s: %s", rt->name, rt->error);
	}
	dlog(d, SGW_CONF_LOG_INFO, rt->name, "enabled by request");
	return answer(r, true, "%s: enabled", rt->name);
}

static enum outcome do_reload(struct daemon *d, struct ctl_reply *r)
{
	struct apply_stats st;
	char why[CTL_TEXT + 128];

	if (apply_config(d, &st, why, sizeof(why))) {
		dlog(d, SGW_CONF_LOG_ERROR, NULL, "reload refused: %s", why);
		return answer(r, false, "%s", why);
	}
	dlog(d, SGW_CONF_LOG_INFO, NULL, "reloaded: %s", why);
	return answer(r, true, "reloaded %s: %s", d->path, why);
}

static enum outcome do_down(struct daemon *d, struct rtun *rt,
			    struct ctl_reply *r)
{
	char why[CTL_TEXT + 128];

	if (not_negotiable(rt, why, sizeof(why)))
		return answer(r, false, "%s", why);
	if (!tunnel_busy(d, rt))
		return answer(r, true, "%s: not up", rt->name);
	ike_engine_down(d->eng, rt->id, (ike_time_t)now_ms());
	dlog(d, SGW_CONF_LOG_INFO, rt->name, "down by request");
	return answer(r, true, "%s: IKE SA deleted, CHILD SAs removed",
		      rt->name);
}

static enum outcome do_up(struct daemon *d, struct rtun *rt,
			  struct wait_list *w, struct ctl_reply *r)
{
	char why[CTL_TEXT + 128];

	if (not_negotiable(rt, why, sizeof(why)))
		return answer(r, false, "%s", why);
	if (rt->remote_any) {
		char id[2 * IKE_ID_MAX + 8];

		ike_identity_format(&rt->ike.remote_id, id, sizeof(id));
		if (tunnel_state(d, rt) == IKE_TUNNEL_ESTABLISHED)
			return answer(r, true, "%s: up, started by the peer "
				      "(remote = any)", rt->name);
		return answer(r, false, "tunnel %s has remote = any: it only "
			      "answers; the peer ('%s') starts it", rt->name,
			      id);
	}
	/*
	 * Busy too: the engine keeps it up from now on (one the peer
	 * negotiated comes back after a DELETE), starting nothing new.
	 */
	engine_start(d, rt);
	wait_add(w, rt);
	return WAIT;
}

/*
 * One tunnel, or (none named) every tunnel that can be negotiated: waits
 * for those it starts; the rekeyed ones are named in the answer when none
 * is waited for.
 */
static enum outcome do_refresh(struct daemon *d, struct rtun *rt,
			       struct wait_list *w, struct ctl_reply *r)
{
	char why[CTL_TEXT + 128];
	struct ctl_reply one;
	size_t i, off = 0;
	int n;

	if (rt) {
		if (not_negotiable(rt, why, sizeof(why)))
			return answer(r, false, "%s", why);
		return refresh_one(d, rt, w, r);
	}
	for (i = 0; i < d->n; i++) {
		if (not_negotiable(&d->t[i], why, sizeof(why)) ||
		    refresh_one(d, &d->t[i], w, &one) != ANSWER)
			continue;
		n = snprintf(r->message + off, sizeof(r->message) - off,
			     "%s%s", off ? "; " : "", one.message);
		if (n > 0 && (size_t)n < sizeof(r->message) - off)
			off += (size_t)n;
	}
	if (w->n)
		return WAIT;
	if (!off)
		return answer(r, true, "no tunnel to negotiate");
	r->ok = true;
	return ANSWER;
}

/* A tunnel by name, id or interface; NULL, with @r saying so, if none. */
static struct rtun *named(struct daemon *d, const char *arg,
			  struct ctl_reply *r)
{
	struct rtun *rt = resolve(d, arg);
	char list[CTL_TEXT + 128];
	size_t i, off = 0;

	if (rt)
		return rt;
	for (i = 0; i < d->n && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
					i ? ", " : "", d->t[i].name);
	answer(r, false, "no tunnel \"%s\" in %s (tunnels: %s)", arg, d->path,
	       d->n ? list : "none");
	return NULL;
}

static enum outcome handle(struct daemon *d, const struct ctl_request *req,
			   struct wait_list *w, struct ctl_reply *r)
{
	struct rtun *rt = NULL;

	if (req->arg[0]) {
		rt = named(d, req->arg, r);
		if (!rt)
			return ANSWER;
	}
	switch (req->verb) {
	case CTL_PROBE:
		return WAIT;	/* client_input() starts the probes */
	case CTL_STATUS:
		return do_status(d, rt, r);
	case CTL_ENABLE:
	case CTL_DISABLE:
		return set_enabled(d, rt, req->verb == CTL_ENABLE, r);
	case CTL_RELOAD:
		return do_reload(d, r);
	case CTL_DOWN:
		return do_down(d, rt, r);
	case CTL_UP:
		return do_up(d, rt, w, r);
	case CTL_REFRESH:
		return do_refresh(d, rt, w, r);
	}
	return answer(r, false, "request not understood");
}

void client_input(struct daemon *d, struct client *c)
{
	struct ctl_reply r = { 0 };
	struct wait_list w = { 0 };
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
	/* The handlers decide; only the server writes to the client. */
	if (handle(d, &req, &w, &r) == ANSWER) {
		client_reply(c, &r);
		ctl_reply_free(&r);
		return;
	}
	c->waiting = true;
	if (req.verb == CTL_PROBE) {
		probe_start(d, c, req.arg[0] ? resolve(d, req.arg) : NULL,
			    req.ms);
		c->deadline = now_ms() + req.ms + 1000;
		probe_waiter(d, c, false);
		return;
	}
	memcpy(c->wait, w.id, w.n * sizeof(w.id[0]));
	c->n_wait = w.n;
	c->deadline = now_ms() + WAIT_TIMEOUT_MS;
	check_waiter(d, c, false);
}

void ctl_accept(struct daemon *d)
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
