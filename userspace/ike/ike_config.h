/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-tunnel and engine-wide settings as plain data. The config file parser
 * fills these; the engine copies them and keeps no pointer into the caller.
 */
#ifndef IKE_CONFIG_H
#define IKE_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ike_proposal.h"
#include "ike_ts.h"

#define IKE_ID_MAX 255
#define IKE_PSK_MAX 256
#define IKE_PROPOSALS_MAX 16
#define IKE_NAME_MAX 32

/* The payload form of an identity: IKE_ID_* type and its data. */
struct ike_identity {
	uint8_t type;
	uint8_t len;
	uint8_t data[IKE_ID_MAX];
};

/* What a failed liveness check leads to (dpd-action). */
enum ike_dpd_action {
	IKE_DPD_RESTART,	/* negotiate again at once, retrying */
	IKE_DPD_CLEAR,		/* remove the SAs; traffic negotiates anew */
	IKE_DPD_HOLD,		/* remove the SAs; only an operator restarts */
};

enum ike_mode {
	IKE_MODE_TUNNEL = 0,
	IKE_MODE_TRANSPORT = 1,
};

struct ike_tunnel_config {
	uint32_t id;
	char name[IKE_NAME_MAX];
	struct sockaddr_storage local;	/* port 0 means 500 */
	struct sockaddr_storage remote;
	struct ike_identity local_id;
	struct ike_identity remote_id;
	uint8_t psk[IKE_PSK_MAX];
	size_t psk_len;
	struct ike_proposal ike[IKE_PROPOSALS_MAX];
	uint8_t n_ike;
	struct ike_proposal esp[IKE_PROPOSALS_MAX];
	uint8_t n_esp;
	struct ike_ts_list local_ts;
	struct ike_ts_list remote_ts;
	/*
	 * protect-gateways: a second CHILD SA, transport mode, for traffic
	 * between the two SGW addresses (RFC 7296 §1.3.1, USE_TRANSPORT_MODE).
	 * The tunnel's own CHILD SA is always tunnel mode.
	 */
	bool protect_gateways;
	uint32_t child_soft_s;		/* handed to the kernel SA; 0: no rekey */
	uint32_t child_hard_s;
	uint32_t rekey_jitter_s;	/* up to this much earlier, per SA */
	uint32_t ike_rekey_s;		/* IKE SA rekeyed after; 0: never */
	uint32_t ike_hard_s;		/* IKE SA deleted after; 0: never */
	bool auto_refresh;		/* rekey before expiry, restart on loss */
	bool reauth;			/* a new IKE SA instead of a rekey */
	uint32_t dpd_delay_ms;		/* quiet time before a liveness check */
	enum ike_dpd_action dpd_action;
	uint32_t retrans_timeout_ms;	/* first wait; doubles per try */
	uint32_t retrans_tries;		/* transmissions before giving up */
	/*
	 * NAT traversal (RFC 7296 §2.23, RFC 3948): NAT_DETECTION_* in
	 * IKE_SA_INIT; with a NAT seen (or @encap), IKE moves to UDP 4500 and
	 * ESP goes in UDP; the side behind the NAT sends a keepalive every
	 * @keepalive_ms (0: none). Without @nat_traversal none of it.
	 */
	bool nat_traversal;
	bool encap;			/* ESP in UDP even without a NAT */
	uint32_t keepalive_ms;
};

struct ike_engine_config {
	size_t max_msg_size;		/* larger datagrams are dropped */
	unsigned int half_open_max;	/* responder SAs awaiting IKE_AUTH */
	unsigned int cookie_threshold;	/* half-open count that demands cookies */
	uint32_t cookie_rotate_ms;	/* cookie secret lifetime */
	uint32_t half_open_timeout_ms;
	/*
	 * Retransmissions, retries and dead-peer restarts come up to this
	 * percentage early, at random, so that gateways never run in
	 * lockstep (0 to 50; 0: exact).
	 */
	unsigned int timer_jitter_pct;
};

void ike_tunnel_config_defaults(struct ike_tunnel_config *c);
void ike_engine_config_defaults(struct ike_engine_config *c);
/* "fqdn:gw.example", "email:a@b", "keyid:..", "ipv4:...", "@gw", "1.2.3.4". */
int ike_identity_parse(struct ike_identity *id, const char *s);
int ike_identity_format(const struct ike_identity *id, char *buf, size_t len);

#endif
