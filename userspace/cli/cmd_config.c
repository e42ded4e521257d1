// SPDX-License-Identifier: GPL-2.0
/* sgwctl config check [FILE], sgwctl showconf [FILE]. */

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "conf_check.h"
#include "conf_parse.h"
#include "conf_print.h"

static int load(const char *cmd, int argc, char **argv, struct sgw_conf *conf)
{
	const char *path = argc ? argv[0] : SGW_CONF_DEFAULT_PATH;
	struct sgw_conf_error err;

	if (argc > 1)
		return usage_error("%s: at most one FILE", cmd);
	if (sgw_conf_load(path, conf, &err)) {
		fprintf(stderr, "%s\n", err.text);
		sgw_conf_free(conf);
		return EXIT_FAIL;
	}
	return 0;
}

/* Every problem, one per line; exit 1 when one of them is an error. */
static int config_check(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_conf_problems probs;
	struct sgw_conf conf;
	size_t i;
	int ret, errors;

	(void)ctx;
	ret = load("config check", argc, argv, &conf);
	if (ret)
		return ret;
	errors = sgw_conf_check(&conf, &probs);
	if (errors < 0) {
		sgw_conf_free(&conf);
		return fail("config check: out of memory");
	}
	for (i = 0; i < probs.count; i++)
		fprintf(stderr, "%s: %s\n",
			sgw_conf_severity_name(probs.v[i].severity),
			probs.v[i].text);
	printf("%s: %zu tunnel%s, %u error%s, %u warning%s, %u note%s\n",
	       argc ? argv[0] : SGW_CONF_DEFAULT_PATH, conf.n_tunnels,
	       conf.n_tunnels == 1 ? "" : "s", probs.errors,
	       probs.errors == 1 ? "" : "s", probs.warnings,
	       probs.warnings == 1 ? "" : "s", probs.notes,
	       probs.notes == 1 ? "" : "s");
	sgw_conf_problems_free(&probs);
	sgw_conf_free(&conf);
	return errors ? EXIT_FAIL : 0;
}

static const struct command config_cmds[] = {
	{ "check", config_check, "[FILE]",
	  "validate a configuration (default /etc/sgw/sgw.conf) without applying it" },
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
	ret = load("showconf", argc, argv, &conf);
	if (ret)
		return ret;
	if (sgw_conf_print(stdout, &conf, flags))
		ret = fail("showconf: cannot write the configuration");
	sgw_conf_free(&conf);
	return ret;
}
