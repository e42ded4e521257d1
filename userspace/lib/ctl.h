/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket between "sgwctl daemon" and the other subcommands.
 *
 * A UNIX stream socket under /run/sgw/, one per network namespace (named
 * by the inode of /proc/self/ns/net, since namespaces usually share /run),
 * root only. The client sends one request line, "VERB [ARG]\n" (verbs:
 * status, up, down, refresh, reload, enable, disable, probe), and reads the reply
 * until the daemon closes the connection. The reply is text, one
 * "key value" per line (Documentation/ike.md, "Control socket"):
 *
 *   ok|error MESSAGE
 *   half-open N          (status only, before the first tunnel: the IKE
 *   half-open-limit N     responder's load, RFC 7296 §2.6; see
 *   half-open-max N       struct ctl_ike_load)
 *   cookies-demanded 0|1
 *   cookies-sent N       half-open-dropped N  half-open-expired N
 *   tunnel ID            starts a tunnel record; the keys below belong to it
 *   name NAME            ifname IFNAME  enabled 0|1  state STATE
 *   ike-state STATE      initiator 0|1  spi-i HEX  spi-r HEX
 *   proposal TEXT        age SECONDS    peer-id TEXT  local ADDR
 *   remote ADDR          local-id TEXT  failure TEXT
 *   local-why TEXT       (local = auto: how the address was chosen)
 *   remote-name NAME     (remote = NAME: the DNS name; remote is the
 *                        address it resolved to, absent while it does not)
 *   remote-any 1         (remote = any: remote is the address of the peer
 *                        now negotiating or connected, absent without one)
 *   generation N         rekey-in SECONDS  retry-in SECONDS  quiet SECONDS
 *   held 0|1             child-rekeys N  ike-rekeys N  collisions N
 *   liveness-failures N  restarts N  reauths N
 *   esp-silent TEXT      (ESP from the peer stops arriving; why it may be)
 *   ike-failures N N N N N N  (IKE failures by kind, ctl_fail_names order)
 *   child SPI_IN SPI_OUT AGE ALGS      (hex SPIs, one line per CHILD SA)
 *   child-ts LOCAL REMOTE              (these describe the child line
 *   child-generation N                  before them)
 *   child-rekey-in SECONDS
 *   child-role replaced|switching      (absent: the current one)
 *   child-mode tunnel|transport
 *   probe PORT           (probe replies) one IKE_SA_INIT of the tunnel
 *   probe-result R       answered|silent|unsent|skipped
 *   probe-ms N           the round trip, or the time waited
 *   probe-answer A       chosen|cookie|invalid-ke|refused|strange
 *   probe-detail TEXT    the proposal, DH group, notify, or why
 *   probe-nat NAT        off|none|local|remote|both (as "nat")
 *   probe-from ADDR:PORT probe-to ADDR:PORT
 *
 * "probe MS [TUNNEL]" sends one probe per tunnel (each, or the one named)
 * on its IKE port and, with NAT traversal, on 4500, and answers once all
 * are answered or MS milliseconds passed (Documentation/check.md).
 *
 * Unknown keys are skipped, so that either side may learn new ones.
 * Values never contain a newline (the encoder replaces them).
 */
#ifndef SGWCTL_CTL_H
#define SGWCTL_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CTL_DIR "/run/sgw"
#define CTL_CHILDREN 8
#define CTL_TEXT 1024
#define CTL_FAIL_KINDS 6	/* timeout auth proposal ts refused local */

extern const char *const ctl_fail_names[CTL_FAIL_KINDS];

enum ctl_verb {
	CTL_STATUS,
	CTL_UP,
	CTL_DOWN,
	CTL_REFRESH,
	CTL_RELOAD,
	CTL_ENABLE,	/* "tunnel set ID enabled yes|no" of a daemon's tunnel */
	CTL_DISABLE,
	CTL_PROBE,	/* "probe MS [TUNNEL]": ms holds MS */
};

#define CTL_PROBE_MS_MIN 100
#define CTL_PROBE_MS_MAX 60000

struct ctl_request {
	enum ctl_verb verb;
	char arg[64];		/* tunnel name or id; "" for none */
	unsigned int ms;	/* probe: how long to wait for answers */
};

#define CTL_PROBES 2

/* One probe of a tunnel (probe replies). */
struct ctl_probe {
	unsigned int port;
	char result[16];	/* answered, silent, unsent, skipped */
	uint64_t ms;		/* round trip; silent: the time waited */
	char answer[16];	/* answered: chosen, cookie, invalid-ke, ... */
	char detail[256];
	char nat[16];		/* answered: off, none, local, remote, both */
	char from[64], to[64];
};

struct ctl_child {
	uint32_t spi_in, spi_out;	/* host order */
	uint64_t age;
	uint32_t generation;
	uint64_t rekey_in;		/* seconds, at least 1; 0: none */
	char role[16];			/* "", "replaced", "switching" */
	bool transport;			/* the SGW-to-SGW SA (protect-gateways) */
	char algs[96];
	char local_ts[512], remote_ts[512];
};

struct ctl_tunnel {
	uint32_t id;
	char name[32];
	char ifname[32];
	bool enabled;
	char state[16];		/* disabled, idle, connecting, established, failed */
	char ike_state[16];
	bool initiator;
	uint64_t spi_i, spi_r;
	uint32_t ike_tunnel;	/* whose IKE SA that is (another's: shared) */
	char proposal[128];
	uint64_t age;
	char peer_id[520];
	char local[64], remote[64];
	char local_id[520];
	char local_why[160];	/* local = auto: the route that chose it */
	char remote_name[256];	/* remote = NAME: the name ("" for none) */
	bool remote_any;	/* remote = any: remote is the peer's now */
	/*
	 * NAT traversal of the IKE SA: "" (no NAT detection), "none",
	 * "local" (we are behind a NAT), "remote", "both", or "encap" (none
	 * seen, ESP in UDP forced); the IKE SA's ADDR:PORT pair in use.
	 */
	char nat[16];
	char ike_local[64], ike_remote[64];
	char failure[CTL_TEXT];
	/* Auto refresh: the IKE SA's generation, what is due and what happened. */
	uint32_t generation;
	uint64_t rekey_in;		/* seconds, at least 1; 0: none */
	uint64_t retry_in;		/* seconds, at least 1; 0: none */
	uint64_t quiet;			/* seconds since the peer last spoke */
	bool esp_rx_seen;		/* ESP from the peer seen (while up) */
	uint64_t esp_rx_ago;		/* seconds since, to the daemon's poll */
	bool held;
	uint32_t child_rekeys, ike_rekeys, collisions, liveness_failures;
	uint32_t restarts;
	uint32_t reauths;
	char esp_silent[448];	/* "" unless outbound ESP gets no answer */
	uint32_t failures[CTL_FAIL_KINDS];	/* IKE failures by kind */
	unsigned int n_children;
	struct ctl_child child[CTL_CHILDREN];
	unsigned int n_probes;
	struct ctl_probe probe[CTL_PROBES];
};

/* IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL (RFC 7296). */
#define CTL_EXCHANGE_KINDS	4
extern const char *const ctl_exchange_names[CTL_EXCHANGE_KINDS];

/* The IKE responder's load, daemon-wide (ike_engine_load()). */
struct ctl_ike_load {
	bool valid;			/* the reply carried it */
	uint32_t half_open;		/* responder SAs waiting for IKE_AUTH */
	uint32_t half_open_limit;	/* from here on COOKIEs are demanded */
	uint32_t half_open_max;		/* from here on IKE_SA_INIT is dropped */
	bool cookies_demanded;		/* now */
	uint64_t cookies_sent, half_open_dropped, half_open_expired;
	/* Exchanges completed since start, by type: [0] ours, [1] the peers'. */
	uint64_t exchanges[CTL_EXCHANGE_KINDS][2];
};

/* Who answers a status request (0 pid: the reply did not say). */
struct ctl_daemon_info {
	long pid;
	uint64_t uptime;		/* seconds since the daemon started */
	char config[256];		/* the configuration file it runs */
};

struct ctl_reply {
	bool ok;
	char message[CTL_TEXT];
	struct ctl_ike_load load;	/* status replies */
	struct ctl_daemon_info daemon;	/* status replies */
	size_t n;
	struct ctl_tunnel *v;
};

const char *ctl_verb_name(enum ctl_verb v);
/* "up gw1" -> request; -1 for an unknown verb or a missing/extra argument. */
int ctl_parse_request(const char *line, struct ctl_request *req);
int ctl_format_request(const struct ctl_request *req, char *buf, size_t len);

int ctl_encode_reply(FILE *f, const struct ctl_reply *r);
/* Returns 0, or -1 when the text is no reply (no ok/error line). */
int ctl_decode_reply(const char *buf, size_t len, struct ctl_reply *r);
int ctl_reply_push(struct ctl_reply *r, const struct ctl_tunnel *t);
void ctl_reply_free(struct ctl_reply *r);

/* Socket and lock file of the network namespace with inode @ino. */
void ctl_paths_for(const char *dir, unsigned long ino, char *sock,
		   size_t socklen, char *lock, size_t locklen);
/* The same for the caller's namespace; -errno if it cannot be named. */
int ctl_paths(char *sock, size_t socklen, char *lock, size_t locklen);

/*
 * Client: one request, the whole reply. Returns 0 (see r->ok), -ENOENT
 * when no daemon runs, another -errno; @err says why in each case.
 */
int ctl_call(const struct ctl_request *req, int timeout_ms,
	     struct ctl_reply *r, char *err, size_t errlen);

#endif
