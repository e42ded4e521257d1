// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl config check [--strict] [--offline] [FILE], sgwctl showconf
 * [-a] [FILE], sgwctl genpsk.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "conf_check.h"
#include "conf_host.h"
#include "conf_parse.h"
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

int cmd_showconf(struct ctx *ctx, int argc, char **argv)
{
	unsigned int flags = 0;
	struct sgw_conf conf;
	int ret;

	(void)ctx;
	if (argc && (!strcmp(argv[0], "-a") || !strcmp(argv[0], "--all"))) {
		flags = SGW_CONF_PRINT_DEFAULTS;
		argc--;
		argv++;
	}
	if (argc && argv[0][0] == '-' && argv[0][1])
		return usage_error("showconf: unknown option \"%s\" (expected "
				   "-a)", argv[0]);
	ret = load("showconf", argc, argv, &conf);
	if (ret)
		return ret;
	if (sgw_conf_print(stdout, &conf, flags))
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
