// SPDX-License-Identifier: GPL-2.0
/* Subcommand dispatch and the error conventions all commands share. */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "nl.h"

static void vreport(const char *fmt, va_list ap)
{
	fputs("sgwctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	return EXIT_FAIL;
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	fputs("sgwctl: see 'sgwctl --help'\n", stderr);
	return EXIT_USAGE;
}

bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") ||
		    !strcmp(argv[i], "help"))
			return true;
	return false;
}

bool keyword_repeated(char **argv, int first, int i)
{
	int k;

	for (k = first; k < i; k += 2)
		if (!strcmp(argv[k], argv[i]))
			return true;
	return false;
}

void print_usage(const char *prog, const struct command *cmds)
{
	const struct command *c;

	printf("Usage:\n");
	for (c = cmds; c->name; c++)
		printf("  %s %s%s%s\n", prog, c->name, *c->usage ? " " : "",
		       c->usage);
	printf("\n");
	for (c = cmds; c->name; c++)
		printf("  %-10s %s\n", c->name, c->summary);
}

int dispatch(struct ctx *ctx, const char *prog, const struct command *cmds,
	     int argc, char **argv)
{
	const struct command *c;

	if (argc < 1 || !strcmp(argv[0], "-h") || !strcmp(argv[0], "--help") ||
	    !strcmp(argv[0], "help")) {
		print_usage(prog, cmds);
		return argc < 1 ? EXIT_USAGE : 0;
	}
	for (c = cmds; c->name; c++) {
		if (strcmp(c->name, argv[0]))
			continue;
		if (wants_help(argc - 1, argv + 1)) {
			printf("Usage: %s %s%s%s\n  %s\n", prog, c->name,
			       *c->usage ? " " : "", c->usage, c->summary);
			return 0;
		}
		return c->run(ctx, argc - 1, argv + 1);
	}
	return usage_error("%s: unknown command \"%s\"", prog, argv[0]);
}

struct sgwnl *open_kernel(void)
{
	struct sgwnl *nl;
	int ret = sgwnl_open(&nl);

	if (ret) {
		fail("%s", sgwnl_open_error(ret));
		return NULL;
	}
	return nl;
}
