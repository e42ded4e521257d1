// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl config check [--strict] [--offline] [FILE], sgwctl showconf
 * [-a] [--peer TUNNEL [--format sgw|swanctl]] [FILE], sgwctl genpsk.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "conf_check.h"
#include "conf_host.h"
#include "conf_parse.h"
#include "conf_peer.h"
#include "conf_print.h"
#include "json.h"

static int load(const char *cmd, int argc, char **argv, struct sgw_conf *conf)
{
	const char *path = argc ? argv[0] : SGW_CONF_DEFAULT_PATH;
	struct sgw_conf_error err;

	if (argc > 1)
		return usage_error("%s: at most one FILE", cmd);
	if (sgw_conf_load(path, conf, &err)) {
		fail("%s", err.text);
		sgw_conf_free(conf);
		return EXIT_FAIL;
	}
	return 0;
}

static void check_json(const char *path, const struct sgw_conf *conf,
		       const struct sgw_conf_problems *p)
{
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_object_open(&j, NULL);
	json_string(&j, "file", path);
	json_u64(&j, "tunnels", conf->n_tunnels);
	json_u64(&j, "errors", p->errors);
	json_u64(&j, "warnings", p->warnings);
	json_u64(&j, "notes", p->notes);
	json_array_open(&j, "problems");
	for (i = 0; i < p->count; i++) {
		json_object_open(&j, NULL);
		json_string(&j, "severity",
			    sgw_conf_severity_name(p->v[i].severity));
		json_string(&j, "file", p->v[i].file);
		if (p->v[i].line)
			json_u64(&j, "line", p->v[i].line);
		else
			json_null(&j, "line");
		json_string(&j, "text", p->v[i].text);
		json_object_close(&j);
	}
	json_array_close(&j);
	json_object_close(&j);
	json_end(&j);
}

/*
 * Every problem, one per line on stderr, then the summary line on stdout,
 * always; exit 1 on an error, or on a warning with --strict.
 */
static int config_check(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_conf_problems probs, more;
	unsigned int host_flags = 0;
	bool strict = false;
	const char *path = NULL;
	struct sgw_conf conf;
	size_t i;
	int r;

	for (i = 0; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--strict"))
			strict = true;
		else if (!strcmp(argv[i], "--offline"))
			host_flags |= SGW_CONF_HOST_OFFLINE;
		else if (argv[i][0] == '-' && argv[i][1])
			return usage_error("config check: unknown option "
					   "\"%s\" (expected --strict or "
					   "--offline)", argv[i]);
		else if (path)
			return usage_error("config check: at most one FILE");
		else
			path = argv[i];
	}
	if (!path)
		path = SGW_CONF_DEFAULT_PATH;
	if (sgw_conf_load_all(path, &conf, &probs) < 0)
		return fail("config check: out of memory");
	r = sgw_conf_check(&conf, &more);
	if (r >= 0)
		r = sgw_conf_problems_move(&probs, &more);
	if (r >= 0)
		r = sgw_conf_check_host(&conf, host_flags, &probs);
	sgw_conf_problems_free(&more);
	if (r < 0) {
		sgw_conf_problems_free(&probs);
		sgw_conf_free(&conf);
		return fail("config check: out of memory");
	}
	sgw_conf_problems_sort(&conf, &probs);
	if (ctx->json) {
		check_json(path, &conf, &probs);
	} else {
		for (i = 0; i < probs.count; i++)
			fprintf(stderr, "%s: %s\n",
				sgw_conf_severity_name(probs.v[i].severity),
				probs.v[i].text);
		fflush(stderr);
		printf("%s: %zu tunnel%s, %u error%s, %u warning%s, %u "
		       "note%s\n", path, conf.n_tunnels,
		       conf.n_tunnels == 1 ? "" : "s", probs.errors,
		       probs.errors == 1 ? "" : "s", probs.warnings,
		       probs.warnings == 1 ? "" : "s", probs.notes,
		       probs.notes == 1 ? "" : "s");
	}
	r = probs.errors || (strict && probs.warnings) ? EXIT_FAIL : 0;
	sgw_conf_problems_free(&probs);
	sgw_conf_free(&conf);
	return r;
}

static const struct command config_cmds[] = {
	{ "check", config_check, "[--strict] [--offline] [FILE]",
	  "validate a configuration (default /etc/sgw/sgw.conf) without "
	  "applying it" },
	{ 0 }
};

int cmd_config(struct ctx *ctx, int argc, char **argv)
{
	return dispatch(ctx, "sgwctl config", config_cmds, argc, argv);
}

/*
 * The other gateway's side of tunnel @name: its sgw.conf section, or a
 * strongSwan peer's swanctl.conf, which holds the key (read from the
 * psk-file as the daemon reads it: the caller needs to be able to).
 */
static int showconf_peer(const char *path, const struct sgw_conf *conf,
			 const char *name, bool swanctl)
{
	const struct sgw_conf_tunnel *t = sgw_conf_tunnel_find(conf, name);
	uint8_t key[SGW_CONF_PSK_MAX];
	char why[256], warn[256];
	struct sgw_conf_tunnel m;
	size_t keylen;
	int r, err_no;

	if (!t) {
		size_t i;

		fprintf(stderr, "sgwctl: showconf: no tunnel \"%s\" in %s "
			"(its tunnels:", name, path);
		for (i = 0; i < conf->n_tunnels; i++)
			fprintf(stderr, " %s", conf->tunnels[i].name);
		fprintf(stderr, "%s): name one of them\n",
			conf->n_tunnels ? "" : " none");
		return EXIT_USAGE;
	}
	if (sgw_conf_peer_mirror(t, &m, why, sizeof(why)))
		return fail("showconf: %s", why);
	if (!swanctl)
		r = sgw_conf_peer_print(stdout, &m);
	else if (sgw_conf_psk_read(t->psk_file, key, &keylen, warn,
				   sizeof(warn), why, sizeof(why), &err_no))
		return fail("showconf: %s (the swanctl.conf holds the key: "
			    "run as a user who may read it, e.g. root)", why);
	else
		r = sgw_conf_peer_swanctl(stdout, &m, key, keylen);
	explicit_bzero(key, sizeof(key));
	return r ? fail("showconf: cannot write the configuration") : 0;
}

int cmd_showconf(struct ctx *ctx, int argc, char **argv)
{
	const char *peer = NULL, *format = "sgw";
	unsigned int flags = 0;
	struct sgw_conf conf;
	int ret, i, n = 0;

	(void)ctx;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all")) {
			flags = SGW_CONF_PRINT_DEFAULTS;
		} else if (!strcmp(argv[i], "--peer") ||
			   !strcmp(argv[i], "--format")) {
			if (i + 1 == argc)
				return usage_error("showconf: %s needs a "
						   "value", argv[i]);
			if (argv[i][2] == 'p')
				peer = argv[i + 1];
			else
				format = argv[i + 1];
			i++;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_error("showconf: unknown option \"%s\" "
					   "(expected -a, --peer TUNNEL or "
					   "--format sgw|swanctl)", argv[i]);
		} else {
			argv[n++] = argv[i];
		}
	}
	if (strcmp(format, "sgw") && strcmp(format, "swanctl"))
		return usage_error("showconf: --format \"%s\": expected sgw "
				   "or swanctl", format);
	if (!peer && strcmp(format, "sgw"))
		return usage_error("showconf: --format swanctl prints a peer: "
				   "add --peer TUNNEL");
	if (peer && flags)
		return usage_error("showconf: -a and --peer do not go "
				   "together");
	ret = load("showconf", n, argv, &conf);
	if (ret)
		return ret;
	if (peer)
		ret = showconf_peer(n ? argv[0] : SGW_CONF_DEFAULT_PATH, &conf,
				    peer, !strcmp(format, "swanctl"));
	else if (sgw_conf_print(stdout, &conf, flags))
		ret = fail("showconf: cannot write the configuration");
	sgw_conf_free(&conf);
	return ret;
}

/* A fresh key in strongSwan's 0s (base64) form, for both ends. */
int cmd_genpsk(struct ctx *ctx, int argc, char **argv)
{
	char key[SGW_CONF_PSK_GEN_LEN];
	struct json j;

	(void)argv;
	if (argc)
		return usage_error("genpsk takes no arguments");
	if (sgw_conf_psk_generate(key, sizeof(key)))
		return fail("genpsk: no random bytes: %s", strerror(errno));
	if (ctx->json) {
		json_init(&j, stdout);
		json_object_open(&j, NULL);
		json_string(&j, "psk", key);
		json_object_close(&j);
		json_end(&j);
	} else {
		printf("%s\n", key);
	}
	explicit_bzero(key, sizeof(key));
	return 0;
}
