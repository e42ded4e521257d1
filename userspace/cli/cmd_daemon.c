// SPDX-License-Identifier: GPL-2.0
/* sgwctl reload, up, down: requests to the IKE daemon. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ctl.h"
#include "daemon_client.h"

static int simple(struct ctx *ctx, const char *cmd, enum ctl_verb verb,
		  int argc, char **argv, bool records)
{
	struct ctl_request req = { .verb = verb };

	if (verb == CTL_RELOAD ? argc != 0 : argc != 1)
		return usage_error(verb == CTL_RELOAD ? "%s: takes no arguments" :
				   "%s: name one tunnel (name, id or interface)",
				   cmd);
	if (argc && strlen(argv[0]) >= sizeof(req.arg))
		return usage_error("%s: tunnel \"%s\" is too long", cmd, argv[0]);
	if (argc)
		snprintf(req.arg, sizeof(req.arg), "%s", argv[0]);
	return daemon_call(ctx, cmd, &req, records);
}

int cmd_reload(struct ctx *ctx, int argc, char **argv)
{
	return simple(ctx, "reload", CTL_RELOAD, argc, argv, false);
}

int cmd_up(struct ctx *ctx, int argc, char **argv)
{
	return simple(ctx, "up", CTL_UP, argc, argv, true);
}

int cmd_down(struct ctx *ctx, int argc, char **argv)
{
	return simple(ctx, "down", CTL_DOWN, argc, argv, false);
}
