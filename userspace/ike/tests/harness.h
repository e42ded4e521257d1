/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two IKE engines in one process: an in-memory network with per-node send
 * queues that tests deliver, drop or duplicate one datagram at a time, and a
 * fake kernel that records every SA added or deleted.
 */
#ifndef IKE_TEST_HARNESS_H
#define IKE_TEST_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ike_engine.h"

#define FAKE_SAS 64
#define QUEUE 32
#define PKT_MAX 9000
#define LOG_KEEP 16

struct fake_sa {
	uint32_t tunnel;
	enum ike_dir dir;
	uint32_t spi;
	enum ike_mode mode;
	uint16_t encr, encr_bits, integ;
	uint8_t ek[64];
	size_t ek_len;
	uint8_t ak[64];
	size_t ak_len;
	struct ike_ts_list local_ts, remote_ts;
	bool own_ts;			/* the selectors go with the SA */
	uint16_t encap_sport, encap_dport;	/* 0: plain ESP */
	uint64_t packets;		/* ESP sent (out) or received; tests set it */
	bool live;
};

struct fake_kernel {
	struct fake_sa sa[FAKE_SAS];
	int n;			/* ever added, in order */
	int dels;
	int moves;		/* kernel.move calls */
	struct sockaddr_storage moved_to;	/* the last one's remote */
	int packet_reads;	/* kernel.out_packets calls */
};

struct pkt {
	struct sockaddr_storage from;
	struct sockaddr_storage to;
	uint8_t data[PKT_MAX];
	size_t len;
};

struct node {
	const char *name;
	struct ike_engine *e;
	struct fake_kernel k;
	struct sockaddr_storage addr;
	bool ipv6;
	struct pkt out[QUEUE];
	int nout;
	char last_log[1024];
	int log_lines;
	char logs[LOG_KEEP][1024];	/* the last LOG_KEEP lines up to info */
	int keepalives;			/* NAT keepalives sent (not delivered) */
	ike_time_t keepalive_at[8];	/* when the first eight went out */
};

/*
 * A NAT in front of node @inside (masquerade): its datagrams leave from
 * @pub with port @base + their port's index (500: +0, 4500: +1), and
 * datagrams to those ports go back in. Others to @pub vanish.
 */
struct nat {
	struct node *inside;
	struct sockaddr_storage pub;
	uint16_t base;
	bool forward;		/* port forwarding: 500 and 4500 kept */
	int translated;
};

struct net {
	struct node a;		/* site A: 192.0.2.1 / 2001:db8::a, 10.1/16 */
	struct node b;		/* site B: 198.51.100.1 / 2001:db8::b, 10.2/16 */
	ike_time_t now;
	struct nat nat;		/* nat.inside NULL: none */
};

/* Put a NAT with public address @pub (port base @base) before @inside. */
void net_nat(struct net *n, struct node *inside, const char *pub,
	     uint16_t base);

extern const char test_psk[];

/* Tunnel 1 on @n, as seen from site A (@a) or site B. */
void cfg_site(struct ike_tunnel_config *c, bool a, bool ipv6,
	      const char *ike, const char *esp);
/* Both engines without timer jitter, unless given settings (@eb for B). */
void net_init(struct net *n, bool ipv6);
/* With engine settings @eb for site B. */
void net_init_ex(struct net *n, bool ipv6, const struct ike_engine_config *eb);
/* A fresh engine and kernel, as after a crash; tunnels must be re-added. */
void node_restart(struct node *x);
void net_add(struct net *n, const struct ike_tunnel_config *ca,
	     const struct ike_tunnel_config *cb);
void net_free(struct net *n);
/* Deliver (or with @drop, discard) the oldest datagram @from has sent. */
void net_step(struct net *n, struct node *from, bool drop);
/* Deliver everything in both directions until quiet; datagrams delivered. */
int net_run(struct net *n);
struct node *net_peer(struct net *n, struct node *x);
/* Count of @x's kernel SAs still installed. */
int live_sas(const struct node *x);
const struct fake_sa *find_sa(const struct node *x, enum ike_dir dir,
			      uint32_t spi);
/* The established pair matches crosswise: A's out is B's in and back. */
void assert_crosswise(struct net *n);
void assert_state(struct node *x, enum ike_tunnel_state s);
/* Whether @x logged exactly @line among its last LOG_KEEP lines. */
bool logged(const struct node *x, const char *line);
void seed_save(const char *name, const uint8_t *buf, size_t len);
/*
 * The engines' random source: a generator seeded with @seed (SPIs, nonces,
 * jitter, so a run repeats), or with 0 the system's again.
 */
void harness_rng_seed(uint64_t seed);
/* IKE SAs of @x that are not closed. */
int ike_sas(const struct node *x);
/*
 * Deliver until quiet and run both engines' timers, in virtual time, until
 * @n->now reaches @until (the clock stops at the last timer at or before it).
 */
void net_settle(struct net *n, ike_time_t until);

#endif
