/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKE SAs, the tunnels they belong to, and the engine that holds both.
 * Each SA has its own request slot and response cache (window size 1,
 * §2.3), so a dead or misconfigured peer only ever delays itself.
 */
#ifndef IKE_SA_H
#define IKE_SA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "ike_buf.h"
#include "ike_cookie.h"
#include "ike_crypto.h"
#include "ike_engine.h"
#include "ike_msg.h"

/*
 * Allowed transitions (ike_sa_set_state() refuses others):
 *   NEW         -> INIT_SENT (we initiate) | HALF_OPEN (we respond) |
 *                  ESTABLISHED (made by rekeying, §2.18) | CLOSED
 *   INIT_SENT   -> AUTH_SENT | CLOSED
 *   AUTH_SENT   -> ESTABLISHED | DELETING | CLOSED
 *   HALF_OPEN   -> ESTABLISHED | CLOSED
 *   ESTABLISHED -> DELETING | CLOSED
 *   DELETING    -> CLOSED
 */
enum ike_sa_state {
	IKE_SA_NEW,
	IKE_SA_INIT_SENT,
	IKE_SA_AUTH_SENT,
	IKE_SA_HALF_OPEN,
	IKE_SA_ESTABLISHED,
	IKE_SA_DELETING,
	IKE_SA_CLOSED,
	IKE_SA_STATES
};

struct ike_sa;
struct ike_child;

/* Called with the decrypted response to our pending request. */
typedef void (*ike_resp_fn)(struct ike_sa *sa, struct ike_msg *m);

/* Our one outstanding request. */
struct ike_request {
	bool active;
	uint8_t exchange;
	uint32_t msgid;
	struct ike_buf msg;	/* as sent, for retransmission */
	unsigned int tries;	/* transmissions so far */
	ike_time_t next;	/* retransmit, or give up after the last */
	ike_resp_fn handler;
};

/* Work waiting for the request slot. */
enum ike_task {
	IKE_TASK_DELETE_IKE = 1 << 0,
	IKE_TASK_DELETE_CHILD = 1 << 1,	/* children marked delete_queued */
	IKE_TASK_REKEY_CHILD = 1 << 2,	/* children marked rekey_queued */
	IKE_TASK_REKEY_IKE = 1 << 3,
	IKE_TASK_LIVENESS = 1 << 4,
	IKE_TASK_GATEWAY_CHILD = 1 << 5,	/* protect-gateways CHILD SA */
	IKE_TASK_TUNNEL_CHILD = 1 << 6,		/* the tunnel's, made anew */
};

/* Our CREATE_CHILD_SA request in flight (ike_rekey.c). */
struct ike_rekey {
	bool active;
	bool ike;			/* rekeying the IKE SA, else a CHILD SA */
	bool create;			/* CHILD: a new one, replacing none */
	enum ike_mode mode;		/* CHILD: of the new SA */
	struct ike_tunnel *tun;		/* CHILD: the tunnel it serves */
	uint32_t old_spi_in;		/* CHILD: the one being replaced */
	uint32_t new_spi_in;		/* CHILD: our SPI for its successor */
	bool own_ts;			/* CHILD: rekeying an additional one */
	struct ike_ts_list own_local_ts, own_remote_ts;	/* its selectors */
	uint64_t new_spi;		/* IKE: our SPI of the new IKE SA */
	uint64_t seq_started;		/* IKE: when it began (ike_engine.seq) */
	struct ike_dh *dh;		/* PFS or the new IKE SA's DH */
	uint8_t ni[IKE_NONCE_MAX];
	size_t ni_len;
	unsigned int ke_tries;
	/* §2.8.1: what we made answering the peer's rekey of the same SA. */
	uint32_t collided_spi_in;	/* CHILD */
	struct ike_sa *collided_sa;	/* IKE */
};

/* What happened to a tunnel's SAs over time, for show. */
struct ike_tunnel_stats {
	unsigned int child_rekeys;
	unsigned int ike_rekeys;
	unsigned int reauths;
	unsigned int collisions;
	unsigned int liveness_failures;
	unsigned int restarts;
	unsigned int failures[IKE_FAIL_MAX];
	ike_time_t last_child_rekey;
	ike_time_t last_ike_rekey;
};

struct ike_tunnel {
	struct ike_tunnel *next;
	struct ike_tunnel_config cfg;
	struct ike_sa *ike;	/* the SA shown and used for this tunnel */
	bool failed;
	bool contacted;		/* INITIAL_CONTACT already sent to the peer */
	bool want_up;		/* keep negotiating after transient failures */
	bool held;		/* dpd-action hold: only an operator restarts it */
	ike_time_t retry_at;	/* next attempt after a transient failure */
	ike_time_t retry_delay;
	unsigned int generation;	/* CHILD SAs made so far */
	/* Unauthenticated IKE_SA_INIT refusals: logged once per 10 s. */
	ike_time_t refusal_logged;
	unsigned int refusals_quiet;
	struct ike_tunnel_stats stats;
	char reason[IKE_REASON_MAX];
};

struct ike_sa {
	struct ike_sa *next;
	struct ike_engine *eng;
	struct ike_tunnel *tun;
	enum ike_sa_state state;
	bool initiator;
	uint64_t spi_i;
	uint64_t spi_r;
	struct sockaddr_storage local;
	struct sockaddr_storage remote;
	struct ike_suite suite;
	struct ike_dh *dh;
	uint8_t ni[IKE_NONCE_MAX];
	size_t ni_len;
	uint8_t nr[IKE_NONCE_MAX];
	size_t nr_len;
	struct ike_keys keys;
	struct ike_buf init_req;	/* the IKE_SA_INIT messages AUTH signs */
	struct ike_buf init_resp;
	struct ike_buf cookie;
	unsigned int cookie_tries;
	unsigned int ke_tries;
	struct ike_request req;
	uint32_t next_msgid;		/* of our next request */
	uint32_t peer_msgid;		/* of the peer's next request */
	struct ike_buf last_req;	/* peer's last request and our answer */
	struct ike_buf last_resp;
	uint32_t child_spi;		/* inbound SPI offered in IKE_AUTH */
	struct ike_child *children;
	unsigned int tasks;
	struct ike_rekey rekey;
	bool superseded;		/* rekeyed: the new SA does the work */
	struct ike_sa *replaces;	/* reauthentication: the SA it replaces */
	/* The peer's SA (its seq_created) taken for a reauthentication of this one. */
	uint64_t superseded_by;
	ike_time_t expire_kept;		/* expire_at before that */
	ike_time_t created;
	ike_time_t established;
	/* Engine event order of creation and establishment (ike_engine.seq). */
	uint64_t seq_created;
	uint64_t seq_established;
	ike_time_t last_rx;		/* last authentic message from the peer */
	ike_time_t rekey_at;		/* IKE SA rekey, or IKE_TIME_NEVER */
	ike_time_t expire_at;		/* hard end of the IKE SA */
	unsigned int generation;	/* 1 for the SA made by IKE_AUTH */
	struct ike_identity peer_id;
	/* protect-gateways: when to create the transport CHILD SA, backoff. */
	ike_time_t gateway_at;		/* IKE_TIME_NEVER: none missing */
	ike_time_t gateway_delay;
	/* The same for the tunnel-mode CHILD SA, once it went away. */
	ike_time_t tunnel_at;
	ike_time_t tunnel_delay;
	/*
	 * NAT traversal (RFC 7296 §2.23), settled in IKE_SA_INIT: the peer
	 * sent NAT_DETECTION_*; a NAT changes our address (we are behind it)
	 * or the peer's; ESP goes in UDP and IKE on 4500 (a NAT, or encap).
	 */
	bool natd;
	bool nat_here;
	bool nat_there;
	bool udp_encap;
	ike_time_t keepalive_at;	/* IKE_TIME_NEVER: none due */
	uint64_t keepalive_esp;		/* outbound ESP at the last check */
	/* Where the message being handled came from and went to. */
	struct sockaddr_storage rx_local;
	struct sockaddr_storage rx_remote;
};

/* ike_probe.c: one probe under way or answered, until forgotten. */
struct ike_probe {
	struct ike_probe *next;
	uint32_t id;
	uint64_t spi_i;
	ike_time_t sent, deadline;
	struct ike_proposal ike[IKE_PROPOSALS_MAX];
	uint8_t n_ike;
	uint16_t dh_group;		/* of our KE */
	bool nat_traversal;		/* NAT_DETECTION_* sent */
	struct ike_probe_result r;
};

struct ike_engine {
	struct ike_engine_config cfg;
	struct ike_engine_ops ops;
	struct ike_kernel kernel;
	struct ike_tunnel *tunnels;
	struct ike_sa *sas;
	unsigned int half_open;
	struct ike_cookie cookie;
	struct ike_counters cnt;
	ike_time_t now;
	uint64_t seq;		/* orders SA creations and establishments */
	struct ike_probe *probes;
	uint32_t probe_id;	/* the last one given */
	unsigned int n_probes;
};

const char *ike_sa_state_name(enum ike_sa_state s);
struct ike_sa *ike_sa_new(struct ike_engine *e, struct ike_tunnel *t,
			  bool initiator, const struct sockaddr_storage *local,
			  const struct sockaddr_storage *remote);
int ike_sa_set_state(struct ike_sa *sa, enum ike_sa_state to);
/* Uninstall children, close; freed at the next sweep. */
void ike_sa_close(struct ike_sa *sa);
/* Record a failure in plain words on the tunnel, for the log and for show. */
void ike_tunnel_fail(struct ike_engine *e, struct ike_tunnel *t,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same, and close the SA. */
void ike_sa_fail(struct ike_sa *sa, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ike_sa_sweep(struct ike_engine *e);
/*
 * @d shortened by a random part of up to timer_jitter_pct percent: timers
 * of two gateways (or many branches of a hub) never fire in lockstep.
 */
ike_time_t ike_jitter(const struct ike_engine *e, ike_time_t d);
/* Lifetimes of a newly established IKE SA (rekey with jitter, expiry). */
void ike_sa_set_lifetime(struct ike_sa *sa);
struct ike_sa *ike_sa_find(struct ike_engine *e, bool initiator, uint64_t spi);
uint64_t ike_sa_our_spi(const struct ike_sa *sa);
const struct ike_sk *ike_sa_peer_sk(const struct ike_sa *sa);
struct ike_sk *ike_sa_our_sk(struct ike_sa *sa);

/* Engine helpers shared by the exchange units. */
void ike_log(struct ike_engine *e, enum ike_log_level lvl,
	     const struct ike_tunnel *t, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ike_send(struct ike_engine *e, const struct sockaddr_storage *local,
	      const struct sockaddr_storage *remote, const struct ike_buf *b);
/* "198.51.100.1", "2001:db8::1" */
const char *ike_host_str(const struct sockaddr_storage *ss, char *buf,
			 size_t len);
/* "198.51.100.1:500", "[2001:db8::1]:500" */
const char *ike_addr_str(const struct sockaddr_storage *ss, char *buf,
			 size_t len);
bool ike_addr_equal(const struct sockaddr_storage *a,
		    const struct sockaddr_storage *b);
/* The same address, whatever the ports. */
bool ike_host_equal(const struct sockaddr_storage *a,
		    const struct sockaddr_storage *b);
/* The unspecified address (0.0.0.0, ::): a tunnel's remote = any. */
bool ike_host_any(const struct sockaddr_storage *ss);
/*
 * Whether the peer at @remote may be tunnel @c's: its address, or any
 * address of the family for a responder-only tunnel (remote = any);
 * the port as well without NAT traversal.
 */
bool ike_remote_fits(const struct ike_tunnel_config *c,
		     const struct sockaddr_storage *remote);
uint16_t ike_port(const struct sockaddr_storage *ss);
void ike_set_port(struct sockaddr_storage *ss, uint16_t port);

/* ike_nat.c: NAT detection, the move to 4500, keepalives, new mappings. */
void ike_nat_request(struct ike_sa *sa, struct ike_msg_out *o);
/* Reads the peer's NAT_DETECTION_* of IKE_SA_INIT; as responder adds ours. */
void ike_nat_detect(struct ike_sa *sa, const struct ike_msg *m);
void ike_nat_response(struct ike_sa *sa, struct ike_msg_out *o);
/* Initiator, after IKE_SA_INIT: to 4500 when a NAT was seen or encap. */
void ike_nat_float(struct ike_sa *sa);
/* An authenticated message came from sa->rx_*: follow a new mapping. */
void ike_nat_authentic(struct ike_sa *sa);
/* An IKE datagram went from @local to @remote: no keepalive needed yet. */
void ike_nat_sent(struct ike_engine *e, const struct sockaddr_storage *local,
		  const struct sockaddr_storage *remote);
/* Keepalive timer: due time, or IKE_TIME_NEVER. */
ike_time_t ike_nat_timer(struct ike_sa *sa, ike_time_t now);
/*
 * What the NAT_DETECTION_* notifies of @p say of a message between
 * @local and @remote (ours; @spi_r 0 in a request): false when the peer
 * sent not both kinds.
 */
bool ike_natd_eval(const struct ike_payloads *p, uint64_t spi_i,
		   uint64_t spi_r, const struct sockaddr_storage *local,
		   const struct sockaddr_storage *remote, bool *nat_here,
		   bool *nat_there);

/* ike_probe.c: an IKE_SA_INIT response to one of our probes; true if so. */
bool ike_probe_input(struct ike_engine *e,
		     const struct sockaddr_storage *local,
		     const struct sockaddr_storage *remote,
		     const struct ike_msg *m);
void ike_probe_timer(struct ike_engine *e, ike_time_t now);
ike_time_t ike_probe_next(const struct ike_engine *e);
void ike_probe_free_all(struct ike_engine *e);

/* "we are behind a NAT ..." for failure messages; "" without one. */
const char *ike_nat_hint(const struct ike_sa *sa, char *buf, size_t len);

#endif
