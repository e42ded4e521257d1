/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Judgement across keys and tunnels of a parsed configuration, for
 * "sgwctl config check" and for the daemon before it applies a config:
 * every problem is reported, not only the first.
 */
#ifndef SGW_CONF_CHECK_H
#define SGW_CONF_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "conf_model.h"

enum sgw_conf_severity {
	SGW_CONF_SEV_ERROR,	/* the configuration must not be applied */
	SGW_CONF_SEV_WARNING,	/* works, but probably not as meant */
	SGW_CONF_SEV_NOTE,	/* works; worth knowing (a common pitfall) */
};

#define SGW_CONF_NO_TUNNEL ((size_t)-1)

struct sgw_conf_problem {
	enum sgw_conf_severity severity;
	const char *file;	/* points into the checked sgw_conf */
	unsigned int line;
	size_t tunnel;		/* index in conf->tunnels or SGW_CONF_NO_TUNNEL */
	const char *code;	/* what kind of problem: "tunnel-conflict", ... */
	char *text;		/* 'sgw.conf:30: tunnel "b": ...' */
	size_t msg_off;		/* where the text after "FILE:LINE: " starts */
};

struct sgw_conf_problems {
	size_t count;
	struct sgw_conf_problem *v;
	unsigned int errors, warnings, notes;
};

/*
 * Fills @out with every problem of @conf, in file order per tunnel.
 * Tunnels marked parse_error (see sgw_conf_load_all()) are left out.
 * Returns the number of errors, or -1 when memory ran out.
 */
int sgw_conf_check(const struct sgw_conf *conf,
		   struct sgw_conf_problems *out);
void sgw_conf_problems_free(struct sgw_conf_problems *p);

/*
 * Appends a problem whose text is "FILE:LINE: " and the formatted rest
 * (just "FILE: " for line 0). Returns 0, or -1 when memory ran out.
 */
__attribute__((format(printf, 7, 8)))
int sgw_conf_problem_add(struct sgw_conf_problems *p,
			 enum sgw_conf_severity sev, const char *code,
			 const char *file,
			 unsigned int line, size_t tunnel, const char *fmt, ...);
/* Moves every problem of @from to the end of @to; @from is left empty. */
int sgw_conf_problems_move(struct sgw_conf_problems *to,
			   struct sgw_conf_problems *from);
/* Orders @p by the files of @conf as they were read, then by line. */
void sgw_conf_problems_sort(const struct sgw_conf *conf,
			    struct sgw_conf_problems *p);
const char *sgw_conf_severity_name(enum sgw_conf_severity s);

/*
 * Whether @a and @b claim the same traffic: the same SGW pair (a local
 * "auto" may be any local address) and overlapping local and remote
 * networks in one address family. Their enabled state is not looked at.
 * On true, @why says where they overlap, e.g.
 * "local 10.1.0.0/16 and 10.1.2.0/24, remote any and 10.9.0.0/16".
 */
bool sgw_conf_tunnels_conflict(const struct sgw_conf_tunnel *a,
			       const struct sgw_conf_tunnel *b,
			       char *why, size_t len);

#endif /* SGW_CONF_CHECK_H */
