// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl daemon: one per network namespace (daemon_priv.h lists its units).
 * This unit starts it, runs the poll loop, handles signals and stops it.
 * Order of work on start:
 *   1. take the namespace's lock file (a second daemon stops here);
 *   2. open netlink and join the events group; block the signals;
 *   3. create the engine with the [global] settings of the file;
 *   4. open the control socket;
 *   5. read and check the configuration (refuse to start on errors), then
 *      create or update each kernel tunnel, flush its SAs (the daemon owns
 *      them), open UDP 500 on each local SGW address, hand the tunnel to
 *      the engine and initiate "start = at-start" ones (tunnels.c);
 *   6. loop.
 * Reload (SIGHUP, "sgwctl reload") repeats 5 for what changed.
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf_parse.h"
#include "confmap.h"
#include "daemon.h"
#include "daemon_priv.h"
#include "journal.h"
#include "sdnotify.h"

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

/*
 * The tunnels' states for "systemctl status" (STATUS=), sent when the
 * line changes: after start, reloads and every negotiation's outcome.
 */
static void notify_status(struct daemon *d)
{
	unsigned int count[SD_COUNTS] = { 0 };
	static const enum sd_tunnel_count of[] = {
		[IKE_TUNNEL_IDLE] = SD_IDLE,
		[IKE_TUNNEL_CONNECTING] = SD_CONNECTING,
		[IKE_TUNNEL_ESTABLISHED] = SD_ESTABLISHED,
		[IKE_TUNNEL_FAILED] = SD_FAILED,
	};
	char line[sizeof(d->status)];
	size_t i;

	for (i = 0; i < d->n; i++)
		count[d->t[i].enabled ? of[tunnel_state(d, &d->t[i])] :
		      SD_DISABLED]++;
	sd_status_text(count, line, sizeof(line));
	if (!strcmp(line, d->status))
		return;
	memcpy(d->status, line, sizeof(line));
	sd_notify_state(line);
}

enum { FD_SIG, FD_CTL, FD_EV, FD_AW, FD_FIXED };

static void loop(struct daemon *d)
{
	struct pollfd pfd[FD_FIXED + MAX_SOCKS + MAX_CLIENTS];
	size_t i;

	while (!d->stop) {
		long long now = now_ms();
		size_t n;
		ike_time_t next = ike_engine_next_timeout(d->eng);
		long long wait = next == IKE_TIME_NEVER ? 60000 :
				 (long long)next - now, dp;
		size_t n_socks = d->n_socks;

		for (i = 0; i < MAX_CLIENTS; i++)
			if (d->clients[i].fd >= 0 && d->clients[i].deadline - now < wait)
				wait = d->clients[i].deadline - now;
		if (wait < 0)
			wait = 0;
		dp = datapath_watch(d, now) - now;
		if (wait > dp)
			wait = dp;
		dp = resolve_watch(d, now) - now;
		if (wait > dp)
			wait = dp;
		dp = addrwatch_watch(d, now) - now;
		if (wait > dp)
			wait = dp;
		if (wait > 60000)
			wait = 60000;
		pfd[FD_SIG] = (struct pollfd){ .fd = d->sig_fd, .events = POLLIN };
		pfd[FD_CTL] = (struct pollfd){ .fd = d->ctl_fd, .events = POLLIN };
		pfd[FD_EV] = (struct pollfd){ .fd = sgwnl_events_fd(d->nl),
					      .events = POLLIN };
		pfd[FD_AW] = (struct pollfd){ .fd = d->aw_fd, .events = POLLIN };
		n = FD_FIXED;
		for (i = 0; i < n_socks; i++)
			pfd[n++] = (struct pollfd){ .fd = d->socks[i].fd,
						    .events = POLLIN };
		for (i = 0; i < MAX_CLIENTS; i++) {
			const struct client *c = &d->clients[i];

			pfd[n++] = (struct pollfd){ .fd = c->fd,
				.events = outbox_pending(&c->out) ? POLLOUT :
					  c->waiting ? 0 : POLLIN };
		}
		if (poll(pfd, n, (int)wait) < 0 && errno != EINTR) {
			dlog(d, SGW_CONF_LOG_ERROR, NULL, "poll: %s",
			     strerror(errno));
			return;
		}
		if (pfd[FD_SIG].revents)
			on_signal(d);
		if (pfd[FD_EV].revents &&
		    sgwnl_events_read(d->nl, on_event, d) == -ENOBUFS)
			events_resync(d);
		if (pfd[FD_AW].revents)
			addrwatch_input(d);
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

			if (c->fd < 0 || !pfd[FD_FIXED + n_socks + i].revents ||
			    c->fd != pfd[FD_FIXED + n_socks + i].fd)
				continue;
			if (outbox_pending(&c->out))
				client_send(c);
			else
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
		log_events(d);
		notify_status(d);
	}
}

static void shutdown_all(struct daemon *d)
{
	size_t i;

	/* One try each: a client that is not reading gets cut off. */
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (d->clients[i].fd >= 0)
			reply_text(&d->clients[i], false, "the daemon is stopping");
		client_close(&d->clients[i]);
	}
	/* Tell each peer; the engine then removes the CHILD SAs. */
	for (i = 0; d->eng && i < d->n; i++)
		if (d->t[i].in_engine)
			ike_engine_down(d->eng, d->t[i].id, (ike_time_t)now_ms());
	ike_engine_free(d->eng);
	for (i = 0; i < d->n_socks; i++)
		close(d->socks[i].fd);
	resolve_free(d);
	addrwatch_close(d);
	rtun_wipe(d->t, d->n);
	kb_free(&d->kb);
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
	d->started = now_ms();
	d->level = SGW_CONF_LOG_INFO;
	d->journal = getenv("JOURNAL_STREAM") != NULL;
	if (journal_stderr())
		d->journal_path = JOURNAL_SOCKET;
	d->ctl_fd = d->sig_fd = d->lock_fd = d->aw_fd = -1;
	for (i = 0; i < MAX_CLIENTS; i++)
		d->clients[i].fd = -1;
	sgw_conf_init(&d->conf);
	if (geteuid() != 0) {
		fprintf(stderr, "sgwctl: daemon: must run as root (it owns "
			"the kernel tunnels and UDP port 500)\n");
		return 1;
	}
	/* PSKs and SK_* live here: never in a core dump. */
	if (prctl(PR_SET_DUMPABLE, 0) ||
	    setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 }))
		fprintf(stderr, "sgwctl: daemon: cannot rule out core dumps: "
			"%s\n", strerror(errno));
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
	ret = sgwnl_register(d->nl);
	if (ret) {
		fprintf(stderr, "sgwctl: daemon: cannot register with the sgw "
			"module as this namespace's IKE daemon: %s%s\n",
			sgwnl_error(d->nl), ret == -EBUSY ? "; fix: stop the "
			"other daemon or \"sgwctl monitor --hold\" here" : "");
		goto out;
	}
	/* Before the tunnels: no address change between them is missed. */
	if (addrwatch_open(d)) {
		fprintf(stderr, "sgwctl: daemon: address events: %s\n",
			strerror(errno));
		goto out;
	}
	if (signals(d)) {
		fprintf(stderr, "sgwctl: daemon: signals: %s\n", strerror(errno));
		goto out;
	}
	ops = (struct ike_engine_ops){ .ctx = d, .send = engine_send,
				       .log = engine_log };
	kb_init(&d->kb, d->nl, kb_log, d);
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
		confmap_engine(&pre.global, &d->ec);
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
	notify_status(d);
	loop(d);
	sd_notify_state("STOPPING=1");
	shutdown_all(d);
	dlog(d, SGW_CONF_LOG_INFO, NULL, "stopped");
	return 0;
out:
	shutdown_all(d);
	return 1;
}
