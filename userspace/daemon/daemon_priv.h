/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's units and what they share; private to userspace/daemon/.
 *
 *   daemon.c   start, the poll loop, signals, the lock, stop
 *   log.c      the daemon's log: journal records or lines, tunnel events
 *   tunnels.c  sgw.conf applied to the kernel tunnels and the engine
 *   ikesock.c  the UDP 500 sockets the engine sends and receives on
 *   control.c  the control socket (ctl.h): status and requests
 *   probe.c    "probe": IKE_SA_INIT probes of tunnels, their answers
 *   events.c   the kernel's events: ACQUIRE, unknown SPI, tunnel changes
 *   datapath.c outbound ESP that gets no inbound ESP back: said once
 *   rtsync.c   the routes of routes.h kept in the kernel
 *   resolve.c  remote = NAME: resolved at start, on reload, when the peer
 *              stops answering, and again while it does not resolve
 *   addrwatch.c  this host's addresses and routes followed: local = auto
 *              moved, a literal local that went away and came back
 */
#ifndef SGWCTL_DAEMON_PRIV_H
#define SGWCTL_DAEMON_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf_model.h"
#include "ctl.h"
#include "ike_engine.h"
#include "kbackend.h"
#include "nl.h"
#include "outbox.h"

#define MAX_SOCKS 128	/* UDP 500 and 4500 of up to 64 addresses */
#define MAX_CLIENTS 32
#define MAX_WAIT 64
#define REQUEST_TIMEOUT_MS 5000
#define WAIT_TIMEOUT_MS (10 * 60 * 1000)
#define ACQUIRE_RETRY_MS 10000
#define UNKNOWN_SPI_RETRY_MS 10000
#define DATAPATH_PERIOD_MS 2000		/* SA counters read this often */
#define DATAPATH_SILENT_MS 10000	/* ESP out, none in: this long */
#define RESOLVE_PERIOD_MS 1000		/* lookups and peers checked this often */
#define RESOLVE_WAIT_MS 5000		/* a lookup at start/reload waits this */
#define RESOLVE_RETRY_MIN_MS 5000	/* a name that does not resolve: */
#define RESOLVE_RETRY_MAX_MS 300000	/* retried, doubling, up to this */
#define RESOLVE_PENDING 16		/* lookups in flight at once */
#define ADDRWATCH_SETTLE_MS 500		/* quiet after address events */

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
	uint64_t unknown_spi_in;	/* inbound packets seen then */
	char error[CTL_TEXT];		/* why it is not in the engine */
	struct sgw_conf_addr local, remote;	/* local: resolved if auto */
	char local_why[160];		/* local = auto: which route chose it */
	/* resolve.c: remote = NAME ("" for an address) */
	char remote_name[SGW_CONF_HOST_MAX + 1];
	bool unresolved;		/* rt->error says it does not resolve */
	bool remote_any;		/* remote = any: responder only */
	/* addrwatch.c: out for want of its local address (or route). */
	bool local_gone;
	long long resolve_at;		/* next lookup while unresolved */
	long long resolve_backoff;	/* ms until the one after that */
	unsigned int seen_dead;		/* timeouts + DPD deaths seen so far */
	/* datapath.c: SA packet counters seen last, when ESP in stopped. */
	uint64_t dp_in, dp_out;
	long long dp_since;
	char esp_silent[448];		/* what was logged; "" when fine */
	long long dp_rx_at;		/* when ESP from the peer was last seen */
	struct {			/* log.c: the state last logged */
		enum ike_tunnel_state state;
		uint64_t rekeys;
	} ev;
	struct ike_tunnel_config ike;	/* holds the key: wiped when dropped */
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
	struct outbox out;	/* the reply, while the socket is full */
	bool waiting;
	size_t n_wait;
	uint32_t wait[MAX_WAIT];
	/* probe: the engine's probe ids per tunnel of wait[] (0: none) */
	bool probing;
	uint32_t probe[MAX_WAIT][CTL_PROBES];
};

struct daemon {
	const char *path;
	long long started;		/* now_ms() at start: the up time */
	enum sgw_conf_log_level level;
	bool journal;
	const char *journal_path;	/* records to the journal: log.c */
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
	char status[128];		/* the STATUS= line sent last */
	bool stop;
	long long dp_next;		/* datapath.c: next counter reading */
	long long rs_next;		/* resolve.c: next look at the tunnels */
	struct resolve_req *rs;		/* resolve.c: lookups in flight */
	int aw_fd;			/* addrwatch.c: rtnetlink events */
	long long aw_due;		/* when to look; 0: nothing seen */
};

struct apply_stats {
	unsigned int added, removed, changed, kept;
	unsigned int updated;	/* changed, applied without negotiating */
};

/* daemon.c */
long long now_ms(void);

/* log.c */
void dlog(struct daemon *d, enum sgw_conf_log_level lvl, const char *tunnel,
	  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void engine_log(void *ctx, enum ike_log_level level, uint32_t tunnel,
		const char *msg);
void kb_log(void *ctx, uint32_t tunnel, const char *msg);
void log_events(struct daemon *d);

/* tunnels.c */
struct rtun *rtun_by_id(struct daemon *d, uint32_t id);
/*
 * Loads and checks the file and applies what changed. On any error the
 * running configuration stays as it is and @msg says why.
 */
int apply_config(struct daemon *d, struct apply_stats *s, char *msg,
		 size_t msglen);
void engine_start(struct daemon *d, struct rtun *rt);
void engine_drop(struct daemon *d, struct rtun *rt);
/* The kernel tunnel of @rt is enabled: the engine takes it up again. */
void engine_enable(struct daemon *d, const struct sgw_conf_tunnel *ct,
		   struct rtun *rt);
void rtun_wipe(struct rtun *v, size_t n);

/* ikesock.c */
int sock_open(struct daemon *d, const struct sockaddr_storage *addr,
	      char *err, size_t errlen);
void sock_gc(struct daemon *d);
void sock_input(struct daemon *d, struct usock *u);
int engine_send(void *ctx, const struct sockaddr_storage *local,
		const struct sockaddr_storage *remote, const uint8_t *buf,
		size_t len);

/* control.c */
int ctl_open(struct daemon *d);
void ctl_accept(struct daemon *d);
void client_input(struct daemon *d, struct client *c);
void client_send(struct client *c);
void client_close(struct client *c);
void reply_text(struct client *c, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void check_waiter(struct daemon *d, struct client *c, bool force);
void client_reply(struct client *c, const struct ctl_reply *r);
void fill_status(struct daemon *d, const struct rtun *rt,
		 struct ctl_tunnel *ct);
/* "192.0.2.1:4500", "[2001:db8::1]:4500"; empty for another family. */
void addr_port(const struct sockaddr_storage *ss, char *buf, size_t len);
/* Why @rt cannot be negotiated (into @buf), or NULL. */
const char *not_negotiable(const struct rtun *rt, char *buf, size_t len);
/*
 * The engine's state of @rt: IDLE when disabled, FAILED when the engine
 * cannot run it (rt->error says why).
 */
enum ike_tunnel_state tunnel_state(struct daemon *d, const struct rtun *rt);
/* Connecting or established. */
bool tunnel_busy(struct daemon *d, const struct rtun *rt);

/* probe.c: starts the probes of @only (NULL: every tunnel) for @c. */
void probe_start(struct daemon *d, struct client *c,
		 const struct rtun *only, unsigned int ms);
/* Answers @c once its probes are done (or, with @force, as they are). */
void probe_waiter(struct daemon *d, struct client *c, bool force);
/* The ids kept in the engine for @c, forgotten. */
void probe_forget(struct daemon *d, struct client *c);

/* tunnels.c: moves @rt to @remote (its name resolved anew), renegotiating. */
void tunnel_retarget(struct daemon *d, struct rtun *rt,
		     const struct sgw_conf_addr *remote);

/* resolve.c */
/*
 * Resolves rt->remote_name for prepare(), waiting RESOLVE_WAIT_MS at most
 * (the lookup goes on in the background after that). Returns 0 with
 * @out set, or -1 with rt->error set and rt->unresolved.
 */
int resolve_now(struct daemon *d, struct rtun *rt, uint8_t family,
		struct sgw_conf_addr *out);
/* Lookups due and finished, peers gone silent; the time of the next. */
long long resolve_watch(struct daemon *d, long long now);
void resolve_free(struct daemon *d);

/* addrwatch.c */
int addrwatch_open(struct daemon *d);
void addrwatch_close(struct daemon *d);
void addrwatch_input(struct daemon *d);
/* Tunnels looked at again once events settled; the time of the next. */
long long addrwatch_watch(struct daemon *d, long long now);

/* datapath.c: reads the counters when due; the time of the next. */
long long datapath_watch(struct daemon *d, long long now);

/* rtsync.c: the tunnels' routes (routes.h) made true in the kernel. */
void routes_sync(struct daemon *d);

/* events.c */
int on_event(const struct sgw_event *ev, void *arg);
void events_resync(struct daemon *d);

#endif
