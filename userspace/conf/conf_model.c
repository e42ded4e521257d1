// SPDX-License-Identifier: GPL-2.0
/* Lifetime and comparison of the configuration model. */
#include <stdlib.h>
#include <string.h>

#include "conf_keys.h"
#include "conf_model.h"
#include "conf_value.h"

void sgw_conf_init(struct sgw_conf *conf)
{
	const struct sgw_conf_key *keys;
	struct sgw_conf_verdict v;
	size_t n, i;

	memset(conf, 0, sizeof(*conf));
	keys = sgw_conf_keys(&n);
	for (i = 0; i < n; i++)
		if (keys[i].section == SGW_CONF_SEC_GLOBAL)
			/* Defaults are tested to parse (tests/test_keys.c). */
			(void)sgw_conf_value_parse(&keys[i], keys[i].def,
						   &conf->global, &v);
}

static void tunnel_release(struct sgw_conf_tunnel *t)
{
	const struct sgw_conf_key *keys = NULL;
	size_t n, i;

	keys = sgw_conf_keys(&n);
	for (i = 0; i < n; i++)
		if (keys[i].section == SGW_CONF_SEC_TUNNEL)
			sgw_conf_value_release(&keys[i], t);
}

void sgw_conf_free(struct sgw_conf *conf)
{
	size_t i;

	for (i = 0; i < conf->n_tunnels; i++)
		tunnel_release(&conf->tunnels[i]);
	free(conf->tunnels);
	for (i = 0; i < conf->n_files; i++)
		free(conf->files[i]);
	free(conf->files);
	sgw_conf_init(conf);
}

struct sgw_conf_tunnel *sgw_conf_tunnel_find(const struct sgw_conf *conf,
					     const char *name)
{
	size_t i;

	for (i = 0; i < conf->n_tunnels; i++)
		if (strcmp(conf->tunnels[i].name, name) == 0)
			return &conf->tunnels[i];
	return NULL;
}

struct sgw_conf_tunnel *sgw_conf_tunnel_by_id(const struct sgw_conf *conf,
					      uint32_t id)
{
	size_t i;

	for (i = 0; i < conf->n_tunnels; i++)
		if (conf->tunnels[i].id == id)
			return &conf->tunnels[i];
	return NULL;
}

static bool section_equal(enum sgw_conf_section sec, const void *a,
			  const void *b)
{
	const struct sgw_conf_key *keys;
	size_t n, i;

	keys = sgw_conf_keys(&n);
	for (i = 0; i < n; i++)
		if (keys[i].section == sec &&
		    !sgw_conf_value_equal(&keys[i], a, b))
			return false;
	return true;
}

bool sgw_conf_tunnel_equal(const struct sgw_conf_tunnel *a,
			   const struct sgw_conf_tunnel *b)
{
	return strcmp(a->name, b->name) == 0 &&
	       section_equal(SGW_CONF_SEC_TUNNEL, a, b);
}

bool sgw_conf_equal(const struct sgw_conf *a, const struct sgw_conf *b)
{
	size_t i;

	if (!section_equal(SGW_CONF_SEC_GLOBAL, &a->global, &b->global) ||
	    a->n_tunnels != b->n_tunnels)
		return false;
	for (i = 0; i < a->n_tunnels; i++)
		if (!sgw_conf_tunnel_equal(&a->tunnels[i], &b->tunnels[i]))
			return false;
	return true;
}
