// SPDX-License-Identifier: GPL-2.0
/* The control socket protocol; see ctl.h. */

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

static const char *const verbs[] = {
	[CTL_STATUS] = "status",
	[CTL_UP] = "up",
	[CTL_DOWN] = "down",
	[CTL_REFRESH] = "refresh",
	[CTL_RELOAD] = "reload",
	[CTL_ENABLE] = "enable",
	[CTL_DISABLE] = "disable",
	[CTL_PROBE] = "probe",
};

const char *const ctl_fail_names[CTL_FAIL_KINDS] = {
	"timeout", "auth", "proposal", "ts", "refused", "local",
};

const char *ctl_verb_name(enum ctl_verb v)
{
	return (size_t)v < sizeof(verbs) / sizeof(verbs[0]) ? verbs[v] : "?";
}

int ctl_parse_request(const char *line, struct ctl_request *req)
{
	size_t n = strcspn(line, " \n"), a;
	const char *arg = line + n;
	size_t i;

	memset(req, 0, sizeof(*req));
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strlen(verbs[i]) == n && !strncmp(line, verbs[i], n))
			break;
	if (i == sizeof(verbs) / sizeof(verbs[0]))
		return -1;
	req->verb = (enum ctl_verb)i;
	if (*arg == ' ')
		arg++;
	/* probe MS [TUNNEL] */
	if (req->verb == CTL_PROBE) {
		char *end;
		unsigned long ms = strtoul(arg, &end, 10);

		if (end == arg || (*end != ' ' && *end != '\n' && *end) ||
		    ms < CTL_PROBE_MS_MIN || ms > CTL_PROBE_MS_MAX)
			return -1;
		req->ms = (unsigned int)ms;
		arg = *end == ' ' ? end + 1 : end;
	}
	a = strcspn(arg, " \n");
	if (a >= sizeof(req->arg) || (arg[a] == ' '))
		return -1;
	memcpy(req->arg, arg, a);
	req->arg[a] = '\0';
	/* up, down, enable and disable name one tunnel; reload takes none. */
	if ((req->verb == CTL_UP || req->verb == CTL_DOWN ||
	     req->verb == CTL_ENABLE || req->verb == CTL_DISABLE) && !a)
		return -1;
	if (req->verb == CTL_RELOAD && a)
		return -1;
	return 0;
}

int ctl_format_request(const struct ctl_request *req, char *buf, size_t len)
{
	char ms[16] = "";
	int n;

	if (req->verb == CTL_PROBE)
		snprintf(ms, sizeof(ms), " %u", req->ms);
	n = snprintf(buf, len, "%s%s%s%s\n", ctl_verb_name(req->verb), ms,
		     req->arg[0] ? " " : "", req->arg);

	return n < 0 || (size_t)n >= len ? -1 : n;
}

/* "key value\n" with any newline of the value turned into a space. */
static void put(FILE *f, const char *key, const char *value)
{
	const char *p;

	fprintf(f, "%s ", key);
	for (p = value; *p; p++)
		fputc(*p == '\n' || *p == '\r' ? ' ' : *p, f);
	fputc('\n', f);
}

static void put_u64(FILE *f, const char *key, uint64_t v)
{
	fprintf(f, "%s %" PRIu64 "\n", key, v);
}

int ctl_encode_reply(FILE *f, const struct ctl_reply *r)
{
	size_t i;
	unsigned int k;

	put(f, r->ok ? "ok" : "error", r->message);
	if (r->daemon.pid) {
		put_u64(f, "pid", (uint64_t)r->daemon.pid);
		put_u64(f, "uptime", r->daemon.uptime);
		put(f, "config", r->daemon.config);
	}
	if (r->load.valid) {
		put_u64(f, "half-open", r->load.half_open);
		put_u64(f, "half-open-limit", r->load.half_open_limit);
		put_u64(f, "half-open-max", r->load.half_open_max);
		put_u64(f, "cookies-demanded", r->load.cookies_demanded);
		put_u64(f, "cookies-sent", r->load.cookies_sent);
		put_u64(f, "half-open-dropped", r->load.half_open_dropped);
		put_u64(f, "half-open-expired", r->load.half_open_expired);
		for (k = 0; k < CTL_EXCHANGE_KINDS; k++) {
			char key[64], v[64];

			snprintf(key, sizeof(key), "exchanges-%s",
				 ctl_exchange_names[k]);
			snprintf(v, sizeof(v), "%" PRIu64 " %" PRIu64,
				 r->load.exchanges[k][0],
				 r->load.exchanges[k][1]);
			put(f, key, v);
		}
	}
	for (i = 0; i < r->n; i++) {
		const struct ctl_tunnel *t = &r->v[i];

		put_u64(f, "tunnel", t->id);
		put(f, "name", t->name);
		put(f, "ifname", t->ifname);
		put_u64(f, "enabled", t->enabled);
		put(f, "state", t->state);
		if (t->ike_state[0])
			put(f, "ike-state", t->ike_state);
		put_u64(f, "initiator", t->initiator);
		fprintf(f, "spi-i %016" PRIx64 "\nspi-r %016" PRIx64 "\n",
			t->spi_i, t->spi_r);
		if (t->ike_tunnel)
			put_u64(f, "ike-tunnel", t->ike_tunnel);
		if (t->proposal[0])
			put(f, "proposal", t->proposal);
		put_u64(f, "age", t->age);
		if (t->peer_id[0])
			put(f, "peer-id", t->peer_id);
		put(f, "local", t->local);
		if (t->remote[0])
			put(f, "remote", t->remote);
		if (t->remote_name[0])
			put(f, "remote-name", t->remote_name);
		if (t->remote_any)
			put_u64(f, "remote-any", 1);
		if (t->nat[0])
			put(f, "nat", t->nat);
		if (t->ike_local[0])
			put(f, "ike-local", t->ike_local);
		if (t->ike_remote[0])
			put(f, "ike-remote", t->ike_remote);
		put(f, "local-id", t->local_id);
		if (t->local_why[0])
			put(f, "local-why", t->local_why);
		if (t->failure[0])
			put(f, "failure", t->failure);
		put_u64(f, "generation", t->generation);
		put_u64(f, "rekey-in", t->rekey_in);
		put_u64(f, "retry-in", t->retry_in);
		put_u64(f, "quiet", t->quiet);
		if (t->esp_rx_seen)
			put_u64(f, "esp-rx-ago", t->esp_rx_ago);
		put_u64(f, "held", t->held);
		put_u64(f, "child-rekeys", t->child_rekeys);
		put_u64(f, "ike-rekeys", t->ike_rekeys);
		put_u64(f, "collisions", t->collisions);
		put_u64(f, "liveness-failures", t->liveness_failures);
		put_u64(f, "restarts", t->restarts);
		put_u64(f, "reauths", t->reauths);
		if (t->esp_silent[0])
			put(f, "esp-silent", t->esp_silent);
		fprintf(f, "ike-failures");
		for (k = 0; k < CTL_FAIL_KINDS; k++)
			fprintf(f, " %" PRIu32, t->failures[k]);
		fputc('\n', f);
		for (k = 0; k < t->n_children && k < CTL_CHILDREN; k++) {
			const struct ctl_child *c = &t->child[k];

			fprintf(f, "child %08x %08x %" PRIu64 " %s\n", c->spi_in,
				c->spi_out, c->age, c->algs);
			fprintf(f, "child-ts %s %s\n", c->local_ts, c->remote_ts);
			put_u64(f, "child-generation", c->generation);
			put_u64(f, "child-rekey-in", c->rekey_in);
			if (c->role[0])
				put(f, "child-role", c->role);
			put(f, "child-mode", c->transport ? "transport" : "tunnel");
		}
		for (k = 0; k < t->n_probes && k < CTL_PROBES; k++) {
			const struct ctl_probe *p = &t->probe[k];

			put_u64(f, "probe", p->port);
			put(f, "probe-result", p->result);
			put_u64(f, "probe-ms", p->ms);
			if (p->answer[0])
				put(f, "probe-answer", p->answer);
			if (p->detail[0])
				put(f, "probe-detail", p->detail);
			if (p->nat[0])
				put(f, "probe-nat", p->nat);
			if (p->from[0])
				put(f, "probe-from", p->from);
			if (p->to[0])
				put(f, "probe-to", p->to);
		}
	}
	return ferror(f) ? -1 : 0;
}

int ctl_reply_push(struct ctl_reply *r, const struct ctl_tunnel *t)
{
	struct ctl_tunnel *v = realloc(r->v, (r->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	r->v = v;
	r->v[r->n++] = *t;
	return 0;
}

void ctl_reply_free(struct ctl_reply *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

static uint64_t num(const char *s, int base)
{
	return strtoull(s, NULL, base);
}

static void decode_child(struct ctl_tunnel *t, const char *v)
{
	struct ctl_child *c;
	unsigned int in, out;
	uint64_t age;
	int used = 0;

	if (t->n_children >= CTL_CHILDREN ||
	    sscanf(v, "%x %x %" SCNu64 " %n", &in, &out, &age, &used) < 3 ||
	    !used)
		return;
	c = &t->child[t->n_children++];
	memset(c, 0, sizeof(*c));
	c->spi_in = in;
	c->spi_out = out;
	c->age = age;
	copy(c->algs, sizeof(c->algs), v + used);
}

static void decode_failures(struct ctl_tunnel *t, const char *v)
{
	unsigned int k;
	char *end;

	for (k = 0; k < CTL_FAIL_KINDS; k++, v = end) {
		unsigned long n = strtoul(v, &end, 10);

		if (end == v)
			return;
		t->failures[k] = (uint32_t)n;
	}
}

static void decode_child_ts(struct ctl_tunnel *t, const char *v)
{
	struct ctl_child *c;
	size_t n = strcspn(v, " ");

	if (!t->n_children || !v[n])
		return;
	c = &t->child[t->n_children - 1];
	snprintf(c->local_ts, sizeof(c->local_ts), "%.*s", (int)n, v);
	copy(c->remote_ts, sizeof(c->remote_ts), v + n + 1);
}

/* The CHILD SA of the last "child" line, which child-* keys describe. */
static struct ctl_child *last_child(struct ctl_tunnel *t)
{
	return t->n_children ? &t->child[t->n_children - 1] : NULL;
}

static void decode_child_key(struct ctl_tunnel *t, const char *k,
			     const char *v)
{
	struct ctl_child *c = last_child(t);

	if (!c)
		return;
	if (!strcmp(k, "child-generation"))
		c->generation = (uint32_t)num(v, 10);
	else if (!strcmp(k, "child-rekey-in"))
		c->rekey_in = num(v, 10);
	else if (!strcmp(k, "child-role"))
		copy(c->role, sizeof(c->role), v);
	else if (!strcmp(k, "child-mode"))
		c->transport = !strcmp(v, "transport");
}

/* probe-* keys describe the probe of the last "probe" line. */
static void decode_probe_key(struct ctl_tunnel *t, const char *k,
			     const char *v)
{
	struct ctl_probe *p;

	if (!strcmp(k, "probe")) {
		if (t->n_probes >= CTL_PROBES)
			return;
		p = &t->probe[t->n_probes++];
		memset(p, 0, sizeof(*p));
		p->port = (unsigned int)num(v, 10);
		return;
	}
	if (!t->n_probes)
		return;
	p = &t->probe[t->n_probes - 1];
	if (!strcmp(k, "probe-result"))
		copy(p->result, sizeof(p->result), v);
	else if (!strcmp(k, "probe-ms"))
		p->ms = num(v, 10);
	else if (!strcmp(k, "probe-answer"))
		copy(p->answer, sizeof(p->answer), v);
	else if (!strcmp(k, "probe-detail"))
		copy(p->detail, sizeof(p->detail), v);
	else if (!strcmp(k, "probe-nat"))
		copy(p->nat, sizeof(p->nat), v);
	else if (!strcmp(k, "probe-from"))
		copy(p->from, sizeof(p->from), v);
	else if (!strcmp(k, "probe-to"))
		copy(p->to, sizeof(p->to), v);
}

static void decode_key(struct ctl_tunnel *t, const char *k, const char *v)
{
	if (!strncmp(k, "probe", 5) && (!k[5] || k[5] == '-')) {
		decode_probe_key(t, k, v);
		return;
	}
	if (!strcmp(k, "name"))
		copy(t->name, sizeof(t->name), v);
	else if (!strcmp(k, "ifname"))
		copy(t->ifname, sizeof(t->ifname), v);
	else if (!strcmp(k, "enabled"))
		t->enabled = num(v, 10) != 0;
	else if (!strcmp(k, "state"))
		copy(t->state, sizeof(t->state), v);
	else if (!strcmp(k, "ike-state"))
		copy(t->ike_state, sizeof(t->ike_state), v);
	else if (!strcmp(k, "initiator"))
		t->initiator = num(v, 10) != 0;
	else if (!strcmp(k, "spi-i"))
		t->spi_i = num(v, 16);
	else if (!strcmp(k, "spi-r"))
		t->spi_r = num(v, 16);
	else if (!strcmp(k, "ike-tunnel"))
		t->ike_tunnel = (uint32_t)num(v, 10);
	else if (!strcmp(k, "proposal"))
		copy(t->proposal, sizeof(t->proposal), v);
	else if (!strcmp(k, "age"))
		t->age = num(v, 10);
	else if (!strcmp(k, "peer-id"))
		copy(t->peer_id, sizeof(t->peer_id), v);
	else if (!strcmp(k, "local"))
		copy(t->local, sizeof(t->local), v);
	else if (!strcmp(k, "nat"))
		copy(t->nat, sizeof(t->nat), v);
	else if (!strcmp(k, "ike-local"))
		copy(t->ike_local, sizeof(t->ike_local), v);
	else if (!strcmp(k, "ike-remote"))
		copy(t->ike_remote, sizeof(t->ike_remote), v);
	else if (!strcmp(k, "remote"))
		copy(t->remote, sizeof(t->remote), v);
	else if (!strcmp(k, "local-id"))
		copy(t->local_id, sizeof(t->local_id), v);
	else if (!strcmp(k, "local-why"))
		copy(t->local_why, sizeof(t->local_why), v);
	else if (!strcmp(k, "remote-name"))
		copy(t->remote_name, sizeof(t->remote_name), v);
	else if (!strcmp(k, "remote-any"))
		t->remote_any = num(v, 10) != 0;
	else if (!strcmp(k, "failure"))
		copy(t->failure, sizeof(t->failure), v);
	else if (!strcmp(k, "child"))
		decode_child(t, v);
	else if (!strcmp(k, "child-ts"))
		decode_child_ts(t, v);
	else if (!strcmp(k, "child-generation") ||
		 !strcmp(k, "child-rekey-in") || !strcmp(k, "child-role") ||
		 !strcmp(k, "child-mode"))
		decode_child_key(t, k, v);
	else if (!strcmp(k, "generation"))
		t->generation = (uint32_t)num(v, 10);
	else if (!strcmp(k, "rekey-in"))
		t->rekey_in = num(v, 10);
	else if (!strcmp(k, "retry-in"))
		t->retry_in = num(v, 10);
	else if (!strcmp(k, "quiet"))
		t->quiet = num(v, 10);
	else if (!strcmp(k, "esp-rx-ago")) {
		t->esp_rx_seen = true;
		t->esp_rx_ago = num(v, 10);
	}
	else if (!strcmp(k, "held"))
		t->held = num(v, 10) != 0;
	else if (!strcmp(k, "child-rekeys"))
		t->child_rekeys = (uint32_t)num(v, 10);
	else if (!strcmp(k, "ike-rekeys"))
		t->ike_rekeys = (uint32_t)num(v, 10);
	else if (!strcmp(k, "collisions"))
		t->collisions = (uint32_t)num(v, 10);
	else if (!strcmp(k, "liveness-failures"))
		t->liveness_failures = (uint32_t)num(v, 10);
	else if (!strcmp(k, "restarts"))
		t->restarts = (uint32_t)num(v, 10);
	else if (!strcmp(k, "reauths"))
		t->reauths = (uint32_t)num(v, 10);
	else if (!strcmp(k, "esp-silent"))
		copy(t->esp_silent, sizeof(t->esp_silent), v);
	else if (!strcmp(k, "ike-failures"))
		decode_failures(t, v);
}

const char *const ctl_exchange_names[CTL_EXCHANGE_KINDS] = {
	"IKE_SA_INIT", "IKE_AUTH", "CREATE_CHILD_SA", "INFORMATIONAL",
};

/* "exchanges-TYPE OURS THEIRS" */
static void decode_exchanges(struct ctl_ike_load *l, const char *type,
			     const char *v)
{
	unsigned int k;

	for (k = 0; k < CTL_EXCHANGE_KINDS; k++)
		if (!strcmp(type, ctl_exchange_names[k]))
			sscanf(v, "%" SCNu64 " %" SCNu64, &l->exchanges[k][0],
			       &l->exchanges[k][1]);
}

/* The keys before the first tunnel line. */
static void decode_load(struct ctl_reply *r, const char *k, const char *v)
{
	struct ctl_ike_load *l = &r->load;

	if (!strcmp(k, "pid"))
		r->daemon.pid = (long)num(v, 10);
	else if (!strcmp(k, "uptime"))
		r->daemon.uptime = num(v, 10);
	else if (!strcmp(k, "config"))
		copy(r->daemon.config, sizeof(r->daemon.config), v);
	if (!strcmp(k, "pid") || !strcmp(k, "uptime") || !strcmp(k, "config"))
		return;
	if (!strcmp(k, "half-open"))
		l->half_open = (uint32_t)num(v, 10);
	else if (!strcmp(k, "half-open-limit"))
		l->half_open_limit = (uint32_t)num(v, 10);
	else if (!strcmp(k, "half-open-max"))
		l->half_open_max = (uint32_t)num(v, 10);
	else if (!strcmp(k, "cookies-demanded"))
		l->cookies_demanded = num(v, 10) != 0;
	else if (!strcmp(k, "cookies-sent"))
		l->cookies_sent = num(v, 10);
	else if (!strcmp(k, "half-open-dropped"))
		l->half_open_dropped = num(v, 10);
	else if (!strcmp(k, "half-open-expired"))
		l->half_open_expired = num(v, 10);
	else if (!strncmp(k, "exchanges-", 10))
		decode_exchanges(l, k + 10, v);
	else
		return;
	l->valid = true;
}

int ctl_decode_reply(const char *buf, size_t len, struct ctl_reply *r)
{
	struct ctl_tunnel cur;
	bool have = false, first = true;
	char line[CTL_TEXT + 64];
	size_t off = 0;

	memset(r, 0, sizeof(*r));
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;
		char *v;

		snprintf(line, sizeof(line), "%.*s", (int)n, buf + off);
		off += n + 1;
		v = strchr(line, ' ');
		if (v)
			*v++ = '\0';
		else
			v = line + strlen(line);
		if (first) {
			if (strcmp(line, "ok") && strcmp(line, "error"))
				return -1;
			r->ok = !strcmp(line, "ok");
			copy(r->message, sizeof(r->message), v);
			first = false;
			continue;
		}
		if (!strcmp(line, "tunnel")) {
			if (have && ctl_reply_push(r, &cur))
				goto nomem;
			memset(&cur, 0, sizeof(cur));
			cur.id = (uint32_t)num(v, 10);
			have = true;
		} else if (have) {
			decode_key(&cur, line, v);
		} else {
			decode_load(r, line, v);
		}
	}
	if (first)
		return -1;
	if (have && ctl_reply_push(r, &cur))
		goto nomem;
	return 0;
nomem:
	ctl_reply_free(r);
	return -1;
}

void ctl_paths_for(const char *dir, unsigned long ino, char *sock,
		   size_t socklen, char *lock, size_t locklen)
{
	snprintf(sock, socklen, "%s/ctl-%lu.sock", dir, ino);
	snprintf(lock, locklen, "%s/daemon-%lu.pid", dir, ino);
}

int ctl_paths(char *sock, size_t socklen, char *lock, size_t locklen)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	ctl_paths_for(CTL_DIR, (unsigned long)st.st_ino, sock, socklen, lock,
		      locklen);
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads until EOF or the deadline. */
static int read_all(int fd, char **out, size_t *outlen, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	size_t len = 0, cap = 0;
	char *buf = NULL;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = end - now_ms();
		ssize_t n;

		if (left <= 0) {
			free(buf);
			return -ETIMEDOUT;
		}
		if (poll(&p, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return -errno;
		}
		if (len + 4096 > cap) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap += 65536;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

int ctl_call(const struct ctl_request *req, int timeout_ms,
	     struct ctl_reply *r, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char sock[sizeof(sun.sun_path)], lock[128], line[128], *buf = NULL;
	size_t len = 0;
	int fd, ret, n;

	ret = ctl_paths(sock, sizeof(sock), lock, sizeof(lock));
	if (ret) {
		snprintf(err, errlen, "cannot name this network namespace: %s",
			 strerror(-ret));
		return ret;
	}
	memcpy(sun.sun_path, sock, sizeof(sun.sun_path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -errno;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		ret = -errno;
		if (ret == -EACCES || ret == -EPERM)
			snprintf(err, errlen, "cannot reach the daemon at %s: "
				 "%s (the control socket is root's only)", sock,
				 strerror(-ret));
		else
			snprintf(err, errlen, "the sgw daemon is not running in "
				 "this network namespace (no %s); start it with "
				 "'sgwctl daemon'", sock);
		close(fd);
		return ret == -EACCES || ret == -EPERM ? ret : -ENOENT;
	}
	n = ctl_format_request(req, line, sizeof(line));
	if (n < 0 || write(fd, line, (size_t)n) != n) {
		snprintf(err, errlen, "cannot send the request to the daemon");
		close(fd);
		return -EIO;
	}
	shutdown(fd, SHUT_WR);
	ret = read_all(fd, &buf, &len, timeout_ms);
	close(fd);
	if (ret) {
		snprintf(err, errlen, "no complete answer from the daemon: %s",
			 strerror(-ret));
		return ret;
	}
	ret = ctl_decode_reply(buf, len, r);
	free(buf);
	if (ret) {
		snprintf(err, errlen, "the daemon's answer cannot be read");
		return -EPROTO;
	}
	return 0;
}
