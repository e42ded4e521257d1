// SPDX-License-Identifier: GPL-2.0
/* The printer: one section per block, keys in key table order. */
#include <stdlib.h>
#include <string.h>

#include "conf_keys.h"
#include "conf_print.h"
#include "conf_value.h"

/* Whether the key's value is what it would be had the key been left out. */
static bool at_default(const struct sgw_conf_key *k, const void *base)
{
	const struct sgw_conf_tunnel *t = base;
	union {
		struct sgw_conf_global g;
		struct sgw_conf_tunnel t;
	} tmp;
	struct sgw_conf_verdict v;
	char ifname[SGW_CONF_IFNAME_MAX + 1];
	bool same;

	memset(&tmp, 0, sizeof(tmp));
	if (k->def) {
		if (sgw_conf_value_parse(k, k->def, &tmp, &v) < 0)
			return false;
		same = sgw_conf_value_equal(k, &tmp, base);
		sgw_conf_value_release(k, &tmp);
		return same;
	}
	switch (k->id) {
	case SGW_CONF_K_INTERFACE:
		snprintf(ifname, sizeof(ifname), "sgw%u", t->id);
		return strcmp(ifname, t->interface) == 0;
	case SGW_CONF_K_LOCAL_ID:
		sgw_conf_ident_from_addr(&tmp.t.local_id, &t->local);
		return sgw_conf_value_equal(k, &tmp.t, t);
	case SGW_CONF_K_REMOTE_ID:
		sgw_conf_ident_from_addr(&tmp.t.remote_id, &t->remote);
		return sgw_conf_value_equal(k, &tmp.t, t);
	default:
		return false;	/* required keys are always printed */
	}
}

static int print_section(FILE *f, enum sgw_conf_section sec,
			 const void *base, unsigned int flags)
{
	const struct sgw_conf_key *keys;
	size_t n, i;

	keys = sgw_conf_keys(&n);
	for (i = 0; i < n; i++) {
		const struct sgw_conf_key *k = &keys[i];

		if (k->section != sec)
			continue;
		if (!(flags & SGW_CONF_PRINT_DEFAULTS) && at_default(k, base))
			continue;
		/* With local = auto the identity is only known at run time. */
		if (k->type == SGW_CONF_T_IDENT &&
		    ((const struct sgw_conf_ident *)((const char *)base +
		      k->offset))->type == SGW_CONF_IDENT_DEFAULT) {
			if (fprintf(f, "# %s: the address chosen for "
				    "local = auto\n", k->name) < 0)
				return -1;
			continue;
		}
		if (fprintf(f, "%s = ", k->name) < 0 ||
		    sgw_conf_value_print(k, base, f) < 0 ||
		    fputc('\n', f) == EOF)
			return -1;
	}
	return 0;
}

static bool global_is_default(const struct sgw_conf_global *g)
{
	const struct sgw_conf_key *keys;
	size_t n, i;

	keys = sgw_conf_keys(&n);
	for (i = 0; i < n; i++)
		if (keys[i].section == SGW_CONF_SEC_GLOBAL &&
		    !at_default(&keys[i], g))
			return false;
	return true;
}

int sgw_conf_print(FILE *f, const struct sgw_conf *conf, unsigned int flags)
{
	bool first = true;
	size_t i;

	if ((flags & SGW_CONF_PRINT_DEFAULTS) ||
	    !global_is_default(&conf->global)) {
		if (fputs("[global]\n", f) < 0 ||
		    print_section(f, SGW_CONF_SEC_GLOBAL, &conf->global,
				  flags) < 0)
			return -1;
		first = false;
	}
	for (i = 0; i < conf->n_tunnels; i++) {
		const struct sgw_conf_tunnel *t = &conf->tunnels[i];

		if (fprintf(f, "%s[tunnel %s]\n", first ? "" : "\n",
			    t->name) < 0)
			return -1;
		if ((flags & SGW_CONF_PRINT_ORIGIN) && t->file &&
		    fprintf(f, "# defined at %s:%u\n", t->file, t->line) < 0)
			return -1;
		if (print_section(f, SGW_CONF_SEC_TUNNEL, t, flags) < 0)
			return -1;
		first = false;
	}
	return fflush(f) == EOF ? -1 : 0;
}

char *sgw_conf_print_string(const struct sgw_conf *conf, unsigned int flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r;

	if (!f)
		return NULL;
	r = sgw_conf_print(f, conf, flags);
	if (fclose(f) == EOF || r < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
