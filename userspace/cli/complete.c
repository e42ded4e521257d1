// SPDX-License-Identifier: GPL-2.0
/*
 * "sgwctl --complete-spec": what the bash completion reads (with
 * "sgwctl --help"), so that it offers what the dispatch tables and their
 * usage lines say and cannot drift from them: the usage of each family
 * (a command whose usage starts with its subcommands, "add|set|del ..."),
 * as "sgwctl FAMILY --help" prints it, then the values of keywords whose
 * usage line names only a placeholder, one line each:
 * "values KEYWORD VALUE...".
 *
 * "sgwctl --complete-tunnels [configured] [FILE]": what a TUNNEL argument
 * completes to, one a line, asked at each completion: the names of the
 * configured tunnels (those of the running daemon, else those of FILE,
 * by default /etc/sgw/sgw.conf) and, unless "configured", their
 * interfaces and the interfaces of the module's tunnels. Silent about
 * what it cannot read: no daemon, no file, no module, no permission.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conf_check.h"
#include "conf_model.h"
#include "conf_parse.h"
#include "ctl.h"
#include "model.h"
#include "nl.h"

/* "add|set|del|show ..." or "check [...]": the command has subcommands. */
static bool has_subcommands(const char *usage)
{
	if (!islower((unsigned char)*usage))
		return false;
	while (islower((unsigned char)*usage) || *usage == '|' ||
	       *usage == '-')
		usage++;
	return *usage == ' ' || !*usage;
}

int complete_spec(struct ctx *ctx, const struct command *cmds)
{
	char help[] = "--help";
	char *argv[] = { help, NULL };
	const struct command *c;
	const struct sgw_alg_spec *a;

	for (c = cmds; c->name; c++) {
		if (!has_subcommands(c->usage))
			continue;
		fflush(stdout);
		if (c->run(ctx, 1, argv))
			return EXIT_FAIL;
	}
	printf("values alg");
	for (a = sgw_algs; a->name; a++)
		printf(" %s", a->name);
	printf("\n");
	return 0;
}

struct names {
	char **v;
	size_t n;
};

static void add_name(struct names *names, const char *name)
{
	char **v;
	size_t i;

	if (!*name)
		return;
	for (i = 0; i < names->n; i++)
		if (!strcmp(names->v[i], name))
			return;
	v = realloc(names->v, (names->n + 1) * sizeof(*v));
	if (!v)
		return;
	names->v = v;
	v[names->n] = strdup(name);
	if (v[names->n])
		names->n++;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The daemon's tunnels; false when no daemon answers. */
static bool daemon_names(struct names *names, bool interfaces)
{
	struct ctl_request req = { .verb = CTL_STATUS };
	struct ctl_reply r;
	char err[256];
	size_t i;

	if (ctl_call(&req, 2000, &r, err, sizeof(err)))
		return false;
	for (i = 0; r.ok && i < r.n; i++) {
		add_name(names, r.v[i].name);
		if (interfaces)
			add_name(names, r.v[i].ifname);
	}
	ctl_reply_free(&r);
	return true;
}

static void file_names(struct names *names, const char *path, bool interfaces)
{
	struct sgw_conf_problems probs;
	struct sgw_conf conf;
	size_t i;

	/* Out of memory leaves @conf empty. */
	sgw_conf_load_all(path, &conf, &probs);
	for (i = 0; i < conf.n_tunnels; i++) {
		add_name(names, conf.tunnels[i].name);
		if (interfaces)
			add_name(names, conf.tunnels[i].interface);
	}
	sgw_conf_free(&conf);
	sgw_conf_problems_free(&probs);
}

static void module_names(struct names *names)
{
	struct sgw_tunnel_list list = { 0 };
	struct sgwnl *nl;
	size_t i;

	if (sgwnl_open(&nl))
		return;
	if (sgwnl_tunnel_dump(nl, &list))
		list.n = 0;
	for (i = 0; i < list.n; i++)
		add_name(names, list.v[i].ifname);
	sgw_tunnel_list_free(&list);
	sgwnl_close(nl);
}

int complete_tunnels(int argc, char **argv)
{
	const char *path = SGW_CONF_DEFAULT_PATH;
	struct names names = { 0 };
	bool interfaces = true;
	size_t i;

	if (argc && !strcmp(argv[0], "configured")) {
		interfaces = false;
		argc--;
		argv++;
	}
	if (argc > 1)
		return EXIT_USAGE;
	if (argc)
		path = argv[0];
	if (!daemon_names(&names, interfaces))
		file_names(&names, path, interfaces);
	if (interfaces)
		module_names(&names);
	qsort(names.v, names.n, sizeof(*names.v), by_name);
	for (i = 0; i < names.n; i++) {
		printf("%s\n", names.v[i]);
		free(names.v[i]);
	}
	free(names.v);
	return 0;
}
