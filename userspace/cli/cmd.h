/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGWCTL_CMD_H
#define SGWCTL_CMD_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes: 0 success, 1 operation failed, 2 bad usage. */
enum { EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct ctx {
	bool json;
};

struct command {
	const char *name;
	int (*run)(struct ctx *ctx, int argc, char **argv);
	const char *usage;	/* arguments, shown after the command name */
	const char *summary;
};

/*
 * Runs the entry of @cmds named by argv[0]; prog prefixes usage lines.
 * Help is asked for by -h, --help or help as the word right after a
 * command, never later (where "help" may be a value).
 */
int dispatch(struct ctx *ctx, const char *prog, const struct command *cmds,
	     int argc, char **argv);
void print_usage(FILE *f, const char *prog, const struct command *cmds);
bool is_help(const char *arg);
/*
 * Takes -j/--json out of @argv wherever it stands after the command
 * (sgwctl show -j); returns the new argc.
 */
int take_global_options(struct ctx *ctx, int argc, char **argv);
/* True when argv[i] already appeared as a keyword at first, first + 2, ... */
bool keyword_repeated(char **argv, int first, int i);
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct sgwnl;
/* Opens the netlink handle, or explains why not and returns NULL. */
struct sgwnl *open_kernel(void);

int cmd_version(struct ctx *ctx, int argc, char **argv);
int cmd_show(struct ctx *ctx, int argc, char **argv);

int cmd_tunnel(struct ctx *ctx, int argc, char **argv);
int cmd_sa(struct ctx *ctx, int argc, char **argv);
int cmd_monitor(struct ctx *ctx, int argc, char **argv);
int cmd_reload(struct ctx *ctx, int argc, char **argv);
int cmd_up(struct ctx *ctx, int argc, char **argv);
int cmd_down(struct ctx *ctx, int argc, char **argv);
int cmd_config(struct ctx *ctx, int argc, char **argv);
int cmd_showconf(struct ctx *ctx, int argc, char **argv);
int cmd_genpsk(struct ctx *ctx, int argc, char **argv);
int cmd_check(struct ctx *ctx, int argc, char **argv);
int cmd_metrics(struct ctx *ctx, int argc, char **argv);
int cmd_trace(struct ctx *ctx, int argc, char **argv);
/* complete.c: what the bash completion is built from. */
int complete_spec(struct ctx *ctx, const struct command *cmds);
int complete_tunnels(int argc, char **argv);

#endif
