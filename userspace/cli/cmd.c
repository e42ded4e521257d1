// SPDX-License-Identifier: GPL-2.0
/* Subcommand dispatch and the error conventions all commands share. */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "conf_keys.h"
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

bool is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help") ||
	       !strcmp(arg, "help");
}

int take_global_options(struct ctx *ctx, int argc, char **argv)
{
	int i, n = 0;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			ctx->json = true;
			continue;
		}
		argv[n++] = argv[i];
	}
	return n;
}

bool keyword_repeated(char **argv, int first, int i)
{
	int k;

	for (k = first; k < i; k += 2)
		if (!strcmp(argv[k], argv[i]))
			return true;
	return false;
}

void print_usage(FILE *f, const char *prog, const struct command *cmds)
{
	const struct command *c;

	fprintf(f, "Usage:\n");
	for (c = cmds; c->name; c++)
		fprintf(f, "  %s %s%s%s\n", prog, c->name,
			*c->usage ? " " : "", c->usage);
	fprintf(f, "\n");
	for (c = cmds; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
}

/* A command whose handler dispatches a table of its own. */
static bool is_family(const struct command *c)
{
	return c->run == cmd_tunnel || c->run == cmd_sa || c->run == cmd_config;
}

/*
 * The command meant by an unknown word: swanctl's, wg's and ip's words
 * for ours, a unique beginning, or a name within two edits. NULL if none.
 */
static const char *suggest(const struct command *cmds, const char *word)
{
	static const struct {
		const char *word, *cmd;
	} vocabulary[] = {
		{ "status", "show" }, { "list-sas", "show" }, { "list", "show" },
		{ "stats", "show" }, { "initiate", "up" }, { "terminate", "down" },
		{ "load-all", "reload" }, { "load-conns", "reload" },
		{ "genkey", "genpsk" }, { "check", "config" },
		{ "remove", "del" }, { "delete", "del" }, { "change", "set" },
		{ "modify", "set" }, { "create", "add" }, { "new", "add" },
		{ "log", "monitor" }, { "watch", "monitor" },
	};
	const struct command *c, *hit = NULL;
	unsigned int best = 3;
	size_t i, len = strlen(word), n = 0;

	for (i = 0; i < sizeof(vocabulary) / sizeof(vocabulary[0]); i++) {
		if (strcasecmp(vocabulary[i].word, word))
			continue;
		for (c = cmds; c->name; c++)
			if (!strcmp(c->name, vocabulary[i].cmd))
				return c->name;
	}
	for (c = cmds; len >= 2 && c->name; c++)
		if (!strncmp(c->name, word, len)) {
			hit = c;
			n++;
		}
	if (n == 1)
		return hit->name;
	hit = NULL;
	for (c = cmds; c->name; c++) {
		unsigned int d = sgw_conf_edit_distance(word, len, c->name,
							strlen(c->name), 2);

		if (d < best) {
			best = d;
			hit = c;
		}
	}
	return hit ? hit->name : NULL;
}

int dispatch(struct ctx *ctx, const char *prog, const struct command *cmds,
	     int argc, char **argv)
{
	/* Messages name the family, not the program: "sa: ...". */
	const char *family = !strncmp(prog, "sgwctl", 6) ? prog + 6 : prog;
	const struct command *c;
	const char *hint;

	while (*family == ' ')
		family++;
	if (argc < 1) {
		print_usage(stderr, prog, cmds);
		return EXIT_USAGE;
	}
	if (is_help(argv[0])) {
		print_usage(stdout, prog, cmds);
		return 0;
	}
	for (c = cmds; c->name; c++) {
		if (strcmp(c->name, argv[0]))
			continue;
		/* A family prints its own table; a command its usage. */
		if (argc > 1 && is_help(argv[1]) && !is_family(c)) {
			printf("Usage: %s %s%s%s\n  %s\n", prog, c->name,
			       *c->usage ? " " : "", c->usage, c->summary);
			return 0;
		}
		return c->run(ctx, argc - 1, argv + 1);
	}
	hint = suggest(cmds, argv[0]);
	return usage_error("%s%sunknown command \"%s\"%s%s%s", family,
			   *family ? ": " : "", argv[0],
			   hint ? " (did you mean \"" : "", hint ? hint : "",
			   hint ? "\"?)" : "");
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
