// SPDX-License-Identifier: GPL-2.0
/*
 * "sgwctl --complete-spec": what the bash completion reads (with
 * "sgwctl --help"), so that it offers what the dispatch tables and their
 * usage lines say and cannot drift from them: the usage of each family
 * (a command whose usage starts with its subcommands, "add|set|del ..."),
 * as "sgwctl FAMILY --help" prints it, then the values of keywords whose
 * usage line names only a placeholder, one line each:
 * "values KEYWORD VALUE...".
 */

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "model.h"

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
