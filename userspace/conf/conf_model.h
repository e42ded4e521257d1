/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data model of /etc/sgw/sgw.conf: plain structs with parsed, typed
 * values. Nothing here knows about files, netlink or crypto libraries; the
 * parser (conf_parse.h) fills these structs, conf_check.h judges them and
 * conf_print.h writes them back in the file's syntax.
 *
 * Defaults live in exactly one place, the key table in conf_keys.c.
 */
#ifndef SGW_CONF_MODEL_H
#define SGW_CONF_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SGW_CONF_NAME_MAX	15	/* tunnel name length */
#define SGW_CONF_IFNAME_MAX	15	/* IFNAMSIZ - 1 */
#define SGW_CONF_IDENT_MAX	255	/* identity payload data */
#define SGW_CONF_PROPOSALS_MAX	16	/* proposals per list */
#define SGW_CONF_ALGS_MAX	8	/* algorithms of one class per proposal */
#define SGW_CONF_PREFIXES_MAX	16	/* prefixes per selector list */
#define SGW_CONF_HOST_MAX	253	/* a DNS name, RFC 1035 */

/* An IP address; family AF_UNSPEC stands for "auto" where that is allowed. */
struct sgw_conf_addr {
	uint8_t family;		/* AF_UNSPEC, AF_INET or AF_INET6 */
	uint8_t bytes[16];	/* network order; IPv4 uses the first 4 */
};

struct sgw_conf_prefix {
	struct sgw_conf_addr addr;	/* host bits are always zero */
	uint8_t plen;
};

/* An empty list means "any address" (of whichever family is used). */
struct sgw_conf_prefix_list {
	size_t count;
	struct sgw_conf_prefix *v;
};

enum sgw_conf_ident_type {
	SGW_CONF_IDENT_DEFAULT = 0,	/* unset: the tunnel's SGW address */
	SGW_CONF_IDENT_IPV4,
	SGW_CONF_IDENT_IPV6,
	SGW_CONF_IDENT_FQDN,
	SGW_CONF_IDENT_EMAIL,
	SGW_CONF_IDENT_KEYID,
};

/* An IKE identity (RFC 7296 §3.5); text types keep a trailing NUL. */
struct sgw_conf_ident {
	enum sgw_conf_ident_type type;
	uint16_t len;			/* bytes of data, without the NUL */
	uint8_t data[SGW_CONF_IDENT_MAX + 1];
};

/* Algorithm classes of a proposal, in the order they are printed. */
enum sgw_conf_alg_class {
	SGW_CONF_ENCR,
	SGW_CONF_INTEG,
	SGW_CONF_PRF,
	SGW_CONF_DH,
	SGW_CONF_ALG_CLASSES,
};

/* Encryption: own numbers, because AES-CBC-128 and -256 share one IANA id. */
enum sgw_conf_encr {
	SGW_CONF_ENCR_AES128GCM16 = 1,
	SGW_CONF_ENCR_AES256GCM16,
	SGW_CONF_ENCR_CHACHA20POLY1305,
	SGW_CONF_ENCR_AES128,
	SGW_CONF_ENCR_AES256,
};

/* The others carry their IANA IKEv2 transform ids (RFC 7296 §3.3.2). */
enum sgw_conf_integ {
	SGW_CONF_INTEG_SHA256 = 12,	/* AUTH_HMAC_SHA2_256_128 */
	SGW_CONF_INTEG_SHA384 = 13,	/* AUTH_HMAC_SHA2_384_192 */
	SGW_CONF_INTEG_SHA512 = 14,	/* AUTH_HMAC_SHA2_512_256 */
};

enum sgw_conf_prf {
	SGW_CONF_PRF_SHA256 = 5,
	SGW_CONF_PRF_SHA384 = 6,
	SGW_CONF_PRF_SHA512 = 7,
};

enum sgw_conf_dh {
	SGW_CONF_DH_MODP2048 = 14,
	SGW_CONF_DH_MODP3072 = 15,
	SGW_CONF_DH_MODP4096 = 16,
	SGW_CONF_DH_ECP256 = 19,
	SGW_CONF_DH_ECP384 = 20,
	SGW_CONF_DH_ECP521 = 21,
	SGW_CONF_DH_CURVE25519 = 31,
};

/*
 * One proposal: alg[class][0..n[class]-1], in the operator's order of
 * preference. IKE proposals always have ENCR, PRF and DH, and INTEG unless
 * the cipher is AEAD; ESP proposals have no PRF and DH only for PFS.
 */
struct sgw_conf_proposal {
	uint8_t n[SGW_CONF_ALG_CLASSES];
	uint8_t alg[SGW_CONF_ALG_CLASSES][SGW_CONF_ALGS_MAX];
};

struct sgw_conf_proposals {
	unsigned int count;
	struct sgw_conf_proposal v[SGW_CONF_PROPOSALS_MAX];
};

enum sgw_conf_log_level {
	SGW_CONF_LOG_ERROR,
	SGW_CONF_LOG_WARNING,
	SGW_CONF_LOG_INFO,
	SGW_CONF_LOG_DEBUG,
};

enum sgw_conf_start {
	SGW_CONF_START_ON_DEMAND,	/* first packet into the tunnel */
	SGW_CONF_START_AT_START,	/* when the daemon starts */
};

enum sgw_conf_dpd_action {
	SGW_CONF_DPD_RESTART,
	SGW_CONF_DPD_CLEAR,
	SGW_CONF_DPD_HOLD,
};

enum sgw_conf_outer_df {
	SGW_CONF_DF_COPY,
	SGW_CONF_DF_SET,
	SGW_CONF_DF_CLEAR,
};

enum sgw_conf_fragment {
	SGW_CONF_FRAG_BEFORE_ENCRYPTION,
	SGW_CONF_FRAG_AFTER_ENCRYPTION,
};

#define SGW_CONF_MTU_AUTO	0u	/* derived from the path MTU */
#define SGW_CONF_MSS_AUTO	0u	/* clamp to fit the tunnel MTU */
#define SGW_CONF_MSS_OFF	1u	/* no clamping */
#define SGW_CONF_TABLE_MAIN	254u	/* RT_TABLE_MAIN */

/* Every key of both sections; indexes key_line[] below. */
enum sgw_conf_key_id {
	SGW_CONF_K_LOG_LEVEL,
	SGW_CONF_K_HALF_OPEN_LIMIT,
	SGW_CONF_K_ID,
	SGW_CONF_K_ENABLED,
	SGW_CONF_K_INTERFACE,
	SGW_CONF_K_LOCAL,
	SGW_CONF_K_REMOTE,
	SGW_CONF_K_LOCAL_ID,
	SGW_CONF_K_REMOTE_ID,
	SGW_CONF_K_PSK_FILE,
	SGW_CONF_K_LOCAL_NETWORKS,
	SGW_CONF_K_REMOTE_NETWORKS,
	SGW_CONF_K_IKE_PROPOSALS,
	SGW_CONF_K_ESP_PROPOSALS,
	SGW_CONF_K_IKE_LIFETIME,
	SGW_CONF_K_CHILD_LIFETIME,
	SGW_CONF_K_REKEY_MARGIN,
	SGW_CONF_K_REKEY_JITTER,
	SGW_CONF_K_LIFE_BYTES,
	SGW_CONF_K_LIFE_PACKETS,
	SGW_CONF_K_AUTO_REFRESH,
	SGW_CONF_K_START,
	SGW_CONF_K_DPD_DELAY,
	SGW_CONF_K_DPD_ACTION,
	SGW_CONF_K_RETRANSMIT_TRIES,
	SGW_CONF_K_RETRANSMIT_TIMEOUT,
	SGW_CONF_K_MTU,
	SGW_CONF_K_MSS,
	SGW_CONF_K_OUTER_DF,
	SGW_CONF_K_FRAGMENT,
	SGW_CONF_K_PROTECT_GATEWAYS,
	SGW_CONF_K_REPLAY_WINDOW,
	SGW_CONF_K_ESN,
	SGW_CONF_K_NAT_TRAVERSAL,
	SGW_CONF_K_ENCAP,
	SGW_CONF_K_NAT_KEEPALIVE,
	SGW_CONF_K_REAUTH,
	SGW_CONF_K_ROUTES,
	SGW_CONF_K_ROUTE_TABLE,
	SGW_CONF_K_ROUTE_METRIC,
	SGW_CONF_KEY_COUNT,
};

struct sgw_conf_global {
	enum sgw_conf_log_level log_level;
	uint32_t half_open_limit;	/* 0: always demand a cookie */

	/* Where each key was set ([global] may appear in several files). */
	const char *key_file[SGW_CONF_KEY_COUNT];
	unsigned int key_line[SGW_CONF_KEY_COUNT];	/* 0: default */
};

struct sgw_conf_tunnel {
	char name[SGW_CONF_NAME_MAX + 1];
	const char *file;	/* where "[tunnel NAME]" stands; owned by sgw_conf */
	unsigned int line;
	unsigned int key_line[SGW_CONF_KEY_COUNT];	/* 0: default applies */
	bool parse_error;	/* sgw_conf_load_all(): an error in this section */

	uint32_t id;				/* 1..65535, unique */
	bool enabled;
	char interface[SGW_CONF_IFNAME_MAX + 1];
	bool routes;				/* remote-networks into the device */
	uint32_t route_table;			/* 254: main */
	uint32_t route_metric;
	struct sgw_conf_addr local;		/* AF_UNSPEC: auto */
	struct sgw_conf_addr remote;		/* AF_UNSPEC: a name or any */
	char remote_name[SGW_CONF_HOST_MAX + 1];	/* "": an address */
	/*
	 * remote = any: responder only, for a peer on an address unknown in
	 * advance, chosen by the identity it authenticates as (remote-id).
	 */
	bool remote_any;
	struct sgw_conf_ident local_id;		/* DEFAULT only with local auto */
	struct sgw_conf_ident remote_id;
	char *psk_file;				/* absolute path; never read here */
	struct sgw_conf_prefix_list local_networks;
	struct sgw_conf_prefix_list remote_networks;
	struct sgw_conf_proposals ike_proposals;
	struct sgw_conf_proposals esp_proposals;

	uint32_t ike_lifetime;			/* seconds, hard expiry */
	uint32_t child_lifetime;		/* seconds, hard expiry */
	uint32_t rekey_margin;			/* seconds before expiry */
	uint32_t rekey_jitter;			/* seconds, random extra margin */
	uint64_t life_bytes;			/* 0: unlimited */
	uint64_t life_packets;			/* 0: unlimited */
	bool auto_refresh;
	bool reauth;				/* new IKE SA instead of a rekey */
	enum sgw_conf_start start;
	uint32_t dpd_delay;			/* seconds, 0: off */
	enum sgw_conf_dpd_action dpd_action;
	uint32_t retransmit_tries;
	uint32_t retransmit_timeout;		/* seconds, first timeout */

	uint32_t mtu;				/* SGW_CONF_MTU_AUTO or bytes */
	uint32_t mss;				/* SGW_CONF_MSS_AUTO/_OFF or bytes */
	enum sgw_conf_outer_df outer_df;
	enum sgw_conf_fragment fragment;
	bool protect_gateways;
	uint32_t replay_window;			/* packets, 0: no anti-replay */
	bool esn;
	bool nat_traversal;
	bool encap;				/* force UDP encapsulation */
	uint32_t nat_keepalive;			/* seconds, 0: off */
};

struct sgw_conf {
	struct sgw_conf_global global;
	size_t n_tunnels;
	struct sgw_conf_tunnel *tunnels;	/* in order of definition */

	/* Names of every file read; tunnels point into these strings. */
	size_t n_files;
	char **files;
};

/* An empty configuration with every global default; never fails. */
void sgw_conf_init(struct sgw_conf *conf);
void sgw_conf_free(struct sgw_conf *conf);

struct sgw_conf_tunnel *sgw_conf_tunnel_find(const struct sgw_conf *conf,
					     const char *name);
struct sgw_conf_tunnel *sgw_conf_tunnel_by_id(const struct sgw_conf *conf,
					      uint32_t id);

/*
 * Equality of settings (not of where they were written): what a reload
 * compares to decide whether a tunnel changed.
 */
bool sgw_conf_tunnel_equal(const struct sgw_conf_tunnel *a,
			   const struct sgw_conf_tunnel *b);
bool sgw_conf_equal(const struct sgw_conf *a, const struct sgw_conf *b);

/* Text forms as the file writes them; SGW_CONF_ADDRSTRLEN bytes suffice. */
#define SGW_CONF_ADDRSTRLEN	48
const char *sgw_conf_addr_str(const struct sgw_conf_addr *a, char *buf,
			      size_t len);
const char *sgw_conf_prefix_str(const struct sgw_conf_prefix *p, char *buf,
				size_t len);
/* Whether @s is a DNS name as "remote" takes it (RFC 1123 host name). */
bool sgw_conf_host_name_valid(const char *s);
bool sgw_conf_addr_equal(const struct sgw_conf_addr *a,
			 const struct sgw_conf_addr *b);
/* Whether two prefixes of one family share at least one address. */
bool sgw_conf_prefix_overlap(const struct sgw_conf_prefix *a,
			     const struct sgw_conf_prefix *b);
bool sgw_conf_prefix_contains(const struct sgw_conf_prefix *p,
			      const struct sgw_conf_addr *a);

/* Proposal keyword of an algorithm ("aes256gcm16"), NULL if unknown. */
const char *sgw_conf_alg_name(enum sgw_conf_alg_class cls, unsigned int alg);
bool sgw_conf_encr_is_aead(enum sgw_conf_encr encr);
/* IANA ENCR transform id and key length attribute in bits. */
void sgw_conf_encr_iana(enum sgw_conf_encr encr, uint16_t *id,
			uint16_t *bits);

#endif /* SGW_CONF_MODEL_H */
