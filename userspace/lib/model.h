/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Plain data that sgwctl's commands work on, with no netlink in sight.
 * The names differ from the module's (struct sgw_tunnel, sgw_sa, sgw_addr,
 * sgw_prefix, sgw_alg_desc in kmod/), which mean other things.
 */
#ifndef SGWCTL_MODEL_H
#define SGWCTL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/sgw.h>

#define SGW_IFNAMSIZ 16
/* Longest key material of any algorithm (aes-cbc-256-sha512). */
#define SGW_KEY_MAX 96
/* Room for the longest IPv6 literal with "/128" and a NUL. */
#define SGW_PREFIX_STRLEN 50

struct sgw_alg_info {
	uint32_t id;
	char name[32];
	uint32_t key_len, iv_len, icv_len, block;
};

struct sgw_module_info {
	char version[32];
	struct sgw_alg_info algs[SGW_ALG_MAX];
	unsigned int n_algs;
};

/* What sgwctl knows of each algorithm without asking the kernel. */
struct sgw_alg_spec {
	uint32_t id;
	const char *name;
	size_t key_len;
	const char *layout;	/* what the key file holds, for messages */
};

/* family 0 means not set; otherwise AF_INET (4 bytes used) or AF_INET6. */
struct sgw_ipaddr {
	int family;
	uint8_t bytes[16];
};

struct sgw_ipprefix {
	struct sgw_ipaddr addr;
	unsigned int len;
};

/* A traffic selector list; no entries means any address. */
struct sgw_ts {
	struct sgw_ipprefix v[SGW_TS_MAX];
	unsigned int n;
};

struct sgw_tunnel_info {
	uint32_t id;
	uint32_t ifindex;
	char ifname[SGW_IFNAMSIZ];
	bool enabled;
	struct sgw_ipaddr local, remote;
	struct sgw_ts local_ts, remote_ts;
	uint64_t drops[__SGW_DROP_MAX];
	/* Path MTU handling: settings, the MTUs now, event counters. */
	uint32_t mtu;			/* 0: auto */
	uint32_t mss;			/* 0: auto, SGW_MSS_OFF, or fixed */
	uint8_t outer_df;		/* enum sgw_outer_df */
	uint8_t fragment;		/* enum sgw_fragment */
	uint32_t path_mtu, tunnel_mtu;	/* 0: no route to the remote SGW */
	uint64_t events[__SGW_EV_MAX];
	/* Host-route exemption in force for the remote SGW, if any. */
	uint32_t exempt_ifindex;
	struct sgw_ipaddr exempt_via;
	bool protect_gw;		/* SGW-to-SGW traffic as transport ESP */
};

/* What "tunnel add" and "tunnel set" change; the rest stays as it is. */
struct sgw_tunnel_config {
	bool set_local, set_remote, set_local_ts, set_remote_ts, set_enabled;
	bool set_mtu, set_mss, set_outer_df, set_fragment, set_protect_gw;
	bool keep_sas;		/* a new remote keeps the SAs (a NAT moved) */
	struct sgw_ipaddr local, remote;
	struct sgw_ts local_ts, remote_ts;
	bool enabled, protect_gw;
	uint32_t mtu, mss;
	uint8_t outer_df, fragment;
};

struct sgw_tunnel_list {
	struct sgw_tunnel_info *v;
	size_t n;
};

/* Names a tunnel by id, or by interface name when id is 0. */
struct sgw_tunnel_ref {
	uint32_t id;
	char ifname[SGW_IFNAMSIZ];
};

/* An SA as the kernel dumps it (never with its key). */
struct sgw_sa_info {
	uint32_t tunnel_id;
	uint32_t spi;
	unsigned int dir;	/* enum sgw_dir */
	unsigned int mode;	/* enum sgw_mode */
	uint32_t alg;		/* enum sgw_alg */
	uint32_t replay_window;
	bool esn;
	uint64_t seq;
	uint64_t soft_bytes, hard_bytes;
	uint64_t soft_packets, hard_packets;
	uint64_t soft_seconds, hard_seconds;
	uint64_t bytes, packets, age;
	bool soft_expired;
	/* ESP in UDP (RFC 3948): the UDP ports, 0 and 0 for plain ESP. */
	uint16_t encap_sport, encap_dport;
	/* The SA's own selectors (one CHILD SA of several), if has_ts. */
	bool has_ts;
	struct sgw_ts local_ts, remote_ts;
};

/* An SA to add: the key stays with the caller, who wipes it. */
struct sgw_sa_request {
	struct sgw_sa_info sa;
	bool replay_window_given;	/* else the kernel's default */
	const uint8_t *key;
	size_t key_len;
};

struct sgw_sa_list {
	struct sgw_sa_info *v;
	size_t n;
};

/* Identifies one SA for "sa del". */
struct sgw_sa_id {
	uint32_t tunnel_id;
	uint32_t spi;
	unsigned int dir;
};

enum sgw_event_type {
	SGW_EVENT_SA_EXPIRE = 1,
	SGW_EVENT_ACQUIRE,		/* a packet found no outbound SA */
	SGW_EVENT_UNKNOWN_SPI,		/* ESP from the peer for no SA of ours */
	SGW_EVENT_TUNNEL,		/* enabled, disabled or changed */
	SGW_EVENT_NEW_MAPPING,		/* ESP in UDP from a new address/port */
};

struct sgw_event {
	enum sgw_event_type type;
	uint32_t tunnel_id;
	uint32_t spi;
	unsigned int dir;
	bool hard;
	uint64_t bytes, packets;
	/* acquire: the packet's inner addresses; new mapping: src, port */
	struct sgw_ipaddr src, dst;
	uint16_t port;
	/* tunnel: its state after the change */
	char ifname[SGW_IFNAMSIZ];
	bool enabled;
	uint32_t mtu;
};

/* "sgwctl trace": a packet to ask the module about (SGW_CMD_TRACE). */
struct sgw_trace_request {
	struct sgw_ipaddr src, dst;
	bool set_proto, set_sport, set_dport, set_size;
	uint8_t proto;
	uint16_t sport, dport;
	uint32_t size;
	bool df;
};

/* The module's answer; the has_ fields say which parts it carried. */
struct sgw_trace_result {
	struct sgw_ipaddr src, dst;
	uint8_t proto;
	bool has_ports;
	uint16_t sport, dport;
	uint32_t size;
	bool df;
	unsigned int verdict;		/* enum sgw_trace_verdict */
	bool has_drop;
	unsigned int drop;		/* enum sgw_drop */
	uint32_t ifindex;		/* 0: no route */
	char ifname[SGW_IFNAMSIZ];
	struct sgw_ipaddr via;		/* family 0: on link */
	bool in_tunnel, enabled;
	uint32_t tunnel_id;
	bool has_ts, local_ts_match, remote_ts_match;
	bool exempt;
	uint32_t exempt_tunnel_id;
	uint32_t underlay_ifindex;	/* 0: none */
	char underlay_ifname[SGW_IFNAMSIZ];
	struct sgw_ipaddr underlay_via;
	bool no_sa, daemon;
	uint32_t held;
	bool has_sa;
	uint32_t spi, alg;
	uint16_t encap_sport, encap_dport;	/* 0, 0: plain ESP */
	bool has_mtu;
	uint32_t path_mtu, tunnel_mtu;
	bool has_icmp_mtu;
	uint32_t icmp_mtu;
	bool has_mss;
	uint32_t mss;			/* 0: clamping off */
	bool has_outer;
	unsigned int fragment;		/* enum sgw_trace_fragment */
	struct sgw_ipaddr outer_src, outer_dst;
	uint32_t outer_size;
	bool outer_df;
	uint8_t outer_proto;
};

const char *sgw_drop_name(unsigned int reason);
const char *sgw_event_name(unsigned int event);
const char *sgw_outer_df_name(unsigned int v);
const char *sgw_fragment_name(unsigned int v);
const char *sgw_dir_name(unsigned int dir);
const char *sgw_mode_name(unsigned int mode);
/* NULL for an id or name sgwctl does not know. */
const struct sgw_alg_spec *sgw_alg_by_id(uint32_t id);
const struct sgw_alg_spec *sgw_alg_by_name(const char *name);
/* The table of known algorithms, terminated by an entry with no name. */
extern const struct sgw_alg_spec sgw_algs[];

/* Address and prefix literals as the parsers accept them back. */
void sgw_addr_format(const struct sgw_ipaddr *a, char *buf, size_t len);
void sgw_prefix_format(const struct sgw_ipprefix *p, char *buf, size_t len);
/* Maximum prefix length of the address family: 32 or 128. */
unsigned int sgw_addr_bits(const struct sgw_ipaddr *a);

int sgw_tunnel_list_push(struct sgw_tunnel_list *list,
			 const struct sgw_tunnel_info *t);
void sgw_tunnel_list_free(struct sgw_tunnel_list *list);
int sgw_sa_list_push(struct sgw_sa_list *list, const struct sgw_sa_info *sa);
void sgw_sa_list_free(struct sgw_sa_list *list);

#endif
