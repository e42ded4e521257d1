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

#include <stddef.h>
#include <stdio.h>

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

#endif
