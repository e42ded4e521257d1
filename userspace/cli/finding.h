/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What "sgwctl check" found: one finding per line,
 *
 *   SEVERITY: TUNNEL: WHAT; fix: FIX
 *
 * (TUNNEL "-" for the host as a whole; no "; fix:" when there is none),
 * or with -j an array of objects {severity, tunnel, code, text, fix}.
 */
#ifndef SGWCTL_FINDING_H
#define SGWCTL_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ctl.h"

enum finding_sev { FINDING_ERROR, FINDING_WARNING, FINDING_NOTE };

struct finding {
	enum finding_sev sev;
	char tunnel[40];	/* "-": the host */
	char code[32];		/* stable, e.g. "esp-dropped" */
	char text[640];
	char fix[384];		/* "" for none */
};

struct findings {
	struct finding *v;
	size_t n;
	unsigned int errors, warnings, notes;
};

/* Appends one; @tunnel NULL for the host. Returns 0 or -1 (memory). */
__attribute__((format(printf, 6, 7)))
int finding_add(struct findings *f, enum finding_sev sev, const char *tunnel,
		const char *code, const char *fix, const char *fmt, ...);
void findings_free(struct findings *f);
const char *finding_sev_name(enum finding_sev s);
/* Errors first, then warnings, then notes; each kind in order found. */
void findings_sort(struct findings *f);
void finding_print(FILE *out, const struct finding *x);
void findings_json(FILE *out, const struct findings *f);

/*
 * What the daemon's NAT detection (RFC 7296 2.23) says of one tunnel's
 * IKE SA, beside the tunnel's configuration: the findings "nat",
 * "nat-keepalive-off", "nat-no-traversal" and "nat-identity".
 */
struct nat_facts {
	const char *tunnel;
	/* the daemon's "nat": "", "off", "none", "local", "remote", "both",
	 * "encap" (see ctl.h) */
	const char *nat;
	const char *ike_local, *ike_remote;	/* "ADDR:PORT", "" for none */
	const char *state;	/* the daemon's tunnel state ("failed"...) */
	const char *failure;	/* the last IKE failure, "" (kept after) */
	bool nat_traversal, encap;		/* the tunnel's keys */
	unsigned int keepalive_s;		/* nat-keepalive, 0: off */
};

/* The IKE SA runs IKE and ESP in UDP (NAT seen, or encap = yes). */
bool nat_in_use(const char *nat);
/* The port of "ADDR:PORT" or "[ADDR]:PORT"; 0 when none. */
unsigned int nat_port_of(const char *addr_port);
/* The address of the same, without brackets, into @buf ("" for none). */
void nat_host_of(const char *addr_port, char *buf, size_t len);
/* Adds the NAT findings of one tunnel; -1 on memory, else 0. */
int finding_nat(struct findings *f, const struct nat_facts *n);

/*
 * What "check --probe" heard from one tunnel's peer (the daemon's
 * "probe" reply, ctl.h): per port whether IKE answers, in how long and
 * how, and the NAT detection of the answer. -1 on memory, else 0.
 */
int finding_probe(struct findings *f, const char *tunnel,
		  const struct ctl_probe *v, unsigned int n);

#endif
