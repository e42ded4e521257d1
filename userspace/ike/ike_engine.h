/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IKEv2 engine: tunnels, their SAs and the exchanges that make them.
 * No sockets, threads or clocks inside: datagrams come in through
 * ike_engine_input(), go out through ops->send, and time (milliseconds on
 * any monotonic clock) is passed in by the caller.
 */
#ifndef IKE_ENGINE_H
#define IKE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ike_config.h"
#include "ike_kernel.h"

typedef uint64_t ike_time_t;
#define IKE_TIME_NEVER UINT64_MAX

enum ike_log_level {
	IKE_LOG_ERR,
	IKE_LOG_WARN,
	IKE_LOG_INFO,
	IKE_LOG_DEBUG,
};

/* RFC 7296 §2.23, RFC 3948: IKE moves to 4500 once a NAT is seen. */
#define IKE_NATT_PORT 4500
/* IKE on 4500 follows four zero bytes, which no ESP SPI can be. */
#define IKE_NON_ESP_MARKER 4

/*
 * A NAT keepalive (RFC 3948 §2.3): the one byte 0xff. The engine hands
 * it to ops.send like a message; it goes out without the non-ESP marker.
 */
static inline bool ike_is_keepalive(const uint8_t *buf, size_t len)
{
	return len == 1 && buf[0] == 0xff;
}

/* IKE failures of a tunnel by kind, counted for "show" (ike_trace.h). */
enum ike_fail_kind {
	IKE_FAIL_TIMEOUT,	/* no response, peer unreachable */
	IKE_FAIL_AUTH,		/* AUTHENTICATION_FAILED either way */
	IKE_FAIL_PROPOSAL,	/* no common proposal, DH group */
	IKE_FAIL_TS,		/* TS_UNACCEPTABLE, no CHILD SA */
	IKE_FAIL_REFUSED,	/* another error notify from the peer */
	IKE_FAIL_LOCAL,		/* the kernel or this host */
	IKE_FAIL_MAX
};

extern const char *const ike_fail_names[IKE_FAIL_MAX];

struct ike_engine_ops {
	void *ctx;
	int (*send)(void *ctx, const struct sockaddr_storage *local,
		    const struct sockaddr_storage *remote, const uint8_t *buf,
		    size_t len);
	/* @tunnel is 0 for messages not tied to a tunnel. */
	void (*log)(void *ctx, enum ike_log_level level, uint32_t tunnel,
		    const char *msg);
};

/* Datagrams dropped without any state change, by reason. */
/* The four exchange types of RFC 7296, counted from IKE_SA_INIT. */
#define IKE_EXCHANGE_KINDS	4

struct ike_counters {
	uint64_t rx;
	uint64_t tx;
	uint64_t oversize;
	uint64_t malformed;
	uint64_t unknown_spi;
	uint64_t bad_msgid;
	uint64_t integrity_failed;
	uint64_t no_tunnel;
	uint64_t retransmits;		/* our requests sent again */
	uint64_t answered_from_cache;	/* peer retransmits answered */
	uint64_t cookies_sent;
	uint64_t invalid_ke_sent;
	uint64_t half_open_dropped;	/* over half_open_max */
	uint64_t half_open_expired;
	uint64_t initial_contact_rx;	/* authenticated INITIAL_CONTACTs */
	uint64_t init_refused;		/* IKE_SA_INIT refused: no proposal */
	/*
	 * Exchanges completed, by type (IKE_SA_INIT .. INFORMATIONAL, from
	 * 0) and role: [0] ours, answered by the peer (an authentic
	 * response); [1] the peer's, answered by us (a new response sent).
	 */
	uint64_t exchanges[IKE_EXCHANGE_KINDS][2];
};

enum ike_tunnel_state {
	IKE_TUNNEL_IDLE,
	IKE_TUNNEL_CONNECTING,
	IKE_TUNNEL_ESTABLISHED,
	IKE_TUNNEL_FAILED,
};

#define IKE_STATUS_CHILDREN 8
#define IKE_REASON_MAX 1024

struct ike_child_status {
	uint32_t spi_in;		/* network byte order */
	uint32_t spi_out;
	char algs[64];
	bool transport;			/* the SGW-to-SGW CHILD SA */
	struct ike_ts_list local_ts;
	struct ike_ts_list remote_ts;
	ike_time_t age_ms;
	ike_time_t rekey_in_ms;		/* IKE_TIME_NEVER: not by time */
	unsigned int generation;
	bool rekeyed;			/* replaced, waiting for its DELETE */
	bool out_pending;		/* new, outbound waits for the peer */
};

struct ike_tunnel_status {
	uint32_t id;
	enum ike_tunnel_state state;
	const char *state_name;
	const char *sa_state;		/* IKE SA state, "" without one */
	bool initiator;
	uint64_t spi_i;
	uint64_t spi_r;
	char proposal[96];
	ike_time_t age_ms;
	char peer_id[IKE_ID_MAX * 2 + 8];
	unsigned int generation;	/* of the IKE SA: 1, +1 per rekey */
	ike_time_t rekey_in_ms;		/* IKE SA; IKE_TIME_NEVER: none */
	ike_time_t expire_in_ms;
	ike_time_t quiet_ms;		/* since the peer last spoke */
	bool held;			/* dpd-action hold after a dead peer */
	ike_time_t retry_in_ms;		/* next attempt; IKE_TIME_NEVER: none */
	unsigned int child_rekeys;
	unsigned int ike_rekeys;
	unsigned int reauths;
	unsigned int collisions;
	unsigned int liveness_failures;
	unsigned int restarts;
	/*
	 * The tunnel whose IKE SA is shown: this one's, or another's between
	 * the same identities that the tunnel's CHILD SA rides on (the peer
	 * asked for it there); 0 without an IKE SA.
	 */
	uint32_t ike_tunnel;
	/* The IKE SA's addresses and ports now, and what NAT-D found. */
	struct sockaddr_storage local;
	struct sockaddr_storage remote;
	bool natd;			/* the peer does NAT detection */
	bool nat_here;			/* we are behind a NAT */
	bool nat_there;			/* the peer is */
	bool udp_encap;			/* IKE on 4500, ESP in UDP */
	ike_time_t keepalive_in_ms;	/* IKE_TIME_NEVER: none sent */
	unsigned int n_children;
	struct ike_child_status child[IKE_STATUS_CHILDREN];
	char last_failure[IKE_REASON_MAX];
	unsigned int failures[IKE_FAIL_MAX];	/* by enum ike_fail_kind */
};

struct ike_engine;

/* @cfg NULL: ike_engine_config_defaults(). */
struct ike_engine *ike_engine_new(const struct ike_engine_config *cfg,
				  const struct ike_engine_ops *ops,
				  const struct ike_kernel *kernel,
				  ike_time_t now);
/* Removes installed CHILD SAs from the kernel; tells no peer. */
void ike_engine_free(struct ike_engine *e);
/*
 * New engine-wide settings (a reload). Limits apply from the next
 * IKE_SA_INIT; SAs already half-open stay until done or expired.
 * -EINVAL for a zero message size, rotation period or half-open timeout.
 */
int ike_engine_set_config(struct ike_engine *e,
			  const struct ike_engine_config *cfg);

int ike_engine_add_tunnel(struct ike_engine *e,
			  const struct ike_tunnel_config *cfg);
/* Drops the tunnel's SAs locally (kernel included); use down first to tell the peer. */
int ike_engine_remove_tunnel(struct ike_engine *e, uint32_t id);
/*
 * New settings for tunnel @cfg->id that the peer never sees, taken
 * without negotiating: lifetimes and rekey timing (for SAs negotiated
 * from now on), auto-refresh, reauth, dead peer detection and
 * retransmission (at once). The SAs in place stay. -ENOENT for an
 * unknown tunnel; -EINVAL when @cfg is not valid or differs in anything
 * else (addresses, identities, key, proposals, selectors,
 * protect-gateways): that takes remove and add.
 */
int ike_engine_update_tunnel(struct ike_engine *e,
			     const struct ike_tunnel_config *cfg);

/*
 * Start IKE_SA_INIT; -EALREADY if connecting or established. The tunnel
 * is then kept up: transient failures are retried with backoff.
 */
int ike_engine_up(struct ike_engine *e, uint32_t id, ike_time_t now);
/*
 * Negotiate because traffic needs the tunnel: as up, once. -EPERM while
 * a dead peer holds it (dpd-action hold); -EALREADY if busy or waiting.
 */
int ike_engine_on_demand(struct ike_engine *e, uint32_t id, ike_time_t now);
/*
 * Rekey now, make-before-break: the CHILD SAs, or with @ike the IKE SA.
 * An IKE SA left without the tunnel's CHILD SA gets a new one instead.
 * -ENOTCONN if not established, -EALREADY if already under way.
 */
int ike_engine_rekey(struct ike_engine *e, uint32_t id, bool ike,
		     ike_time_t now);
/* A kernel lifetime event of one of the tunnel's ESP SAs (@spi as sent). */
int ike_engine_sa_expired(struct ike_engine *e, uint32_t id, enum ike_dir dir,
			  uint32_t spi, bool hard, ike_time_t now);
/* INFORMATIONAL with DELETE of the IKE SA; CHILD SAs go at once. */
int ike_engine_down(struct ike_engine *e, uint32_t id, ike_time_t now);
/*
 * CREATE_CHILD_SA for an additional CHILD SA of the tunnel, with the
 * selectors @local and @remote inside its networks: -ENOTCONN without an
 * established IKE SA of its own, -EBUSY while an exchange is under way,
 * -EEXIST if a CHILD SA has these selectors, -ENOSPC past
 * IKE_CHILD_EXTRA_MAX, -EINVAL if they are not inside the networks.
 */
int ike_engine_add_child(struct ike_engine *e, uint32_t id,
			 const struct ike_ts_list *local,
			 const struct ike_ts_list *remote, ike_time_t now);
/* INFORMATIONAL with DELETE of one CHILD SA, by our inbound SPI. */
int ike_engine_delete_child(struct ike_engine *e, uint32_t id, uint32_t spi_in,
			    ike_time_t now);

/*
 * The kernel saw authenticated ESP in UDP of tunnel @id from @from (a NAT
 * mapping changed): the IKE SA follows (kernel.move) and checks liveness
 * there. -ENOENT, or -EAGAIN when the tunnel has no IKE SA in UDP.
 */
int ike_engine_new_mapping(struct ike_engine *e, uint32_t id,
			   const struct sockaddr_storage *from, ike_time_t now);

void ike_engine_input(struct ike_engine *e,
		      const struct sockaddr_storage *local,
		      const struct sockaddr_storage *remote,
		      const uint8_t *buf, size_t len, ike_time_t now);
void ike_engine_tick(struct ike_engine *e, ike_time_t now);
/* When ike_engine_tick() next has work; IKE_TIME_NEVER if never. */
ike_time_t ike_engine_next_timeout(const struct ike_engine *e);

int ike_engine_status(const struct ike_engine *e, uint32_t id,
		      struct ike_tunnel_status *st);
const struct ike_counters *ike_engine_counters(const struct ike_engine *e);

/*
 * The responder's load under IKE_SA_INIT (RFC 7296 §2.6), engine-wide:
 * responder SAs waiting for IKE_AUTH, the count from which an
 * IKE_SA_INIT without a valid COOKIE is answered with one instead of
 * state (cookie_threshold, "half-open-limit"), the count from which new
 * ones are dropped (half_open_max), and what that has done so far.
 */
struct ike_engine_load {
	unsigned int half_open;
	unsigned int half_open_limit;
	unsigned int half_open_max;
	bool cookies_demanded;		/* ike_engine_cookies_demanded() */
	uint64_t cookies_sent;
	uint64_t half_open_dropped;
	uint64_t half_open_expired;
	uint64_t exchanges[IKE_EXCHANGE_KINDS][2];	/* ike_counters' */
};

/*
 * A probe (sgwctl check --probe): one IKE_SA_INIT of tunnel @tunnel, from
 * its local address to its remote one on UDP @port (its own IKE port, or
 * 4500 behind the non-ESP marker), with its IKE proposals and NAT
 * detection, under a fresh initiator SPI that belongs to no SA. The
 * answer is matched by that SPI and classified; nothing else follows (no
 * IKE_AUTH, no retransmission) and no tunnel or SA is touched: the peer's
 * half-open SA times out there.
 */
enum ike_probe_state {
	IKE_PROBE_WAITING,
	IKE_PROBE_ANSWERED,
	IKE_PROBE_SILENT,		/* no answer within the timeout */
	IKE_PROBE_UNSENT,		/* could not be sent: error says why */
};

enum ike_probe_answer {
	IKE_PROBE_CHOSEN,		/* SA, KE, Nonce: chosen says what */
	IKE_PROBE_COOKIE,		/* the peer demands a COOKIE (§2.6) */
	IKE_PROBE_INVALID_KE,		/* it asks for DH group @group */
	IKE_PROBE_REFUSED,		/* an error notify, @notify */
	IKE_PROBE_STRANGE,		/* none of these: error says what */
};

struct ike_probe_result {
	uint32_t tunnel;
	enum ike_probe_state state;
	enum ike_probe_answer answer;	/* IKE_PROBE_ANSWERED only */
	struct sockaddr_storage local, remote;	/* sent from, to */
	ike_time_t rtt_ms;		/* answered: the round trip */
	ike_time_t timeout_ms;
	uint16_t notify;		/* REFUSED: the error notify */
	uint16_t group;			/* INVALID_KE: the group asked for */
	char chosen[96];		/* CHOSEN: the peer's proposal */
	/* NAT detection of the answer (RFC 7296 §2.23), as ike_nat.c */
	bool natd;			/* the answer carried both kinds */
	bool nat_here, nat_there;
	char error[160];
};

#define IKE_PROBES_MAX 256

/*
 * Sends the probe; its id in @id. -ENOENT for an unknown tunnel, -EINVAL
 * for a tunnel without a remote address, a port of 0 or a zero timeout,
 * -EBUSY with IKE_PROBES_MAX probes kept. A send that fails still gives a
 * probe (IKE_PROBE_UNSENT).
 */
int ike_engine_probe(struct ike_engine *e, uint32_t tunnel, uint16_t port,
		     ike_time_t timeout_ms, ike_time_t now, uint32_t *id);
/* -ENOENT for an unknown id. */
int ike_engine_probe_result(const struct ike_engine *e, uint32_t id,
			    struct ike_probe_result *r);
/*
 * The probe is forgotten; an answer that comes later is counted unknown.
 * Probes nobody forgets go a minute after their timeout.
 */
void ike_engine_probe_forget(struct ike_engine *e, uint32_t id);

/* Whether the next IKE_SA_INIT without a valid COOKIE gets one (§2.6). */
bool ike_engine_cookies_demanded(const struct ike_engine *e);
void ike_engine_load(const struct ike_engine *e, struct ike_engine_load *l);

#endif
