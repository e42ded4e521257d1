// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl: configure sgw tunnels.
 *
 *   sgwctl [-j] COMMAND [ARGS...]
 */

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "conf_parse.h"
/* The one daemon header the CLI may include: "sgwctl daemon" runs it. */
#include "daemon.h"
#include "trace.h"

static int cmd_daemon(struct ctx *ctx, int argc, char **argv)
{
	const char *path = SGW_CONF_DEFAULT_PATH;

	if (ctx->json)
		return usage_error("daemon: it runs in the foreground and logs; "
				   "-j does not apply (see 'sgwctl -j show')");
	if (argc == 2 && !strcmp(argv[0], "-c"))
		path = argv[1];
	else if (argc)
		return usage_error("daemon: expected no arguments or \"-c FILE\"");
	return daemon_run(path);
}

static const struct command commands[] = {
	{ "show", cmd_show, "[--brief] [TUNNEL]",
	  "show the module, each tunnel, its IKE state and its SAs" },
	{ "tunnel", cmd_tunnel, "add|set|del|show ...", "manage tunnels" },
	{ "sa", cmd_sa, "add|del|flush|show|refresh ...",
	  "manage SAs; refresh negotiates them anew" },
	{ "up", cmd_up, "TUNNEL", "negotiate a tunnel now and wait for the result" },
	{ "down", cmd_down, "TUNNEL", "delete a tunnel's IKE and CHILD SAs, telling the peer" },
	{ "daemon", cmd_daemon, "[-c FILE]", "run the IKE daemon in the foreground" },
	{ "reload", cmd_reload, "", "make the daemon read its configuration again" },
	{ "config", cmd_config, "check [--strict] [--offline] [FILE]",
	  "validate a configuration file" },
	{ "showconf", cmd_showconf,
	  "[-a] [--peer TUNNEL [--format sgw|swanctl]] [FILE]",
	  "print the effective configuration (-a: with defaults), or the "
	  "other gateway's side of a tunnel" },
	{ "genpsk", cmd_genpsk, "",
	  "print a new pre-shared key (0s, base64) for both ends" },
	{ "check", cmd_check,
	  "[-c FILE] [--strict] [--probe [--probe-timeout S]] [TUNNEL]",
	  "diagnose the live system against the configuration" },
	{ "trace", cmd_trace, TRACE_USAGE,
	  "say what the module would do with a packet, from the live state" },
	{ "metrics", cmd_metrics, "", "print Prometheus metrics of the tunnels and the daemon" },
	{ "monitor", cmd_monitor, "[--count N] [--hold]", "print kernel events" },
	{ "version", cmd_version, "", "show sgwctl and module versions" },
	{ 0 }
};

int main(int argc, char **argv)
{
	struct ctx ctx = { 0 };
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			ctx.json = true;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("sgwctl %s\n", SGW_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("sgwctl: configure sgw IPsec tunnels\n\n"
			       "Options (before or after the command):\n"
			       "  -j, --json     machine-readable output\n"
			       "  -V, --version  print the version\n"
			       "  -h, --help     this help; after a command, "
			       "that command's\n\n");
			print_usage(stdout, "sgwctl", commands);
			return 0;
		} else if (!strcmp(argv[i], "--complete-spec")) {
			return complete_spec(&ctx, commands);
		} else if (!strcmp(argv[i], "--complete-tunnels")) {
			return complete_tunnels(argc - i - 1, argv + i + 1);
		} else {
			return usage_error("unknown option \"%s\"", argv[i]);
		}
	}
	argc = take_global_options(&ctx, argc - i, argv + i);
	return dispatch(&ctx, "sgwctl", commands, argc, argv + i);
}
