// SPDX-License-Identifier: GPL-2.0
/* sgwctl daemon, reload, up, down: the IKE daemon and what asks it. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "conf_parse.h"
#include "ctl.h"
#include "daemon.h"
#include "json.h"
#include "print.h"

#define CALL_TIMEOUT_MS (11 * 60 * 1000)

int cmd_daemon(struct ctx *ctx, int argc, char **argv)
{
	const char *path = SGW_CONF_DEFAULT_PATH;

	(void)ctx;
	if (argc == 2 && !strcmp(argv[0], "-c"))
		path = argv[1];
	else if (argc)
		return usage_error("daemon: expected no arguments or \"-c FILE\"");
	return daemon_run(path);
}

/*
 * Sends @req; on success prints the tunnel records of the reply (human or
 * JSON) or its message. Failures go to stderr prefixed with @cmd.
 */
int daemon_call(struct ctx *ctx, const char *cmd, const struct ctl_request *req,
		bool print_records)
{
	struct ctl_reply r;
	struct json j;
	char err[512];
	size_t i;
	int ret;

	ret = ctl_call(req, CALL_TIMEOUT_MS, &r, err, sizeof(err));
	if (ret)
		return fail("%s: %s", cmd, err);
	if (!r.ok) {
		/* The message names each failed tunnel and why. */
		ret = fail("%s: %s", cmd, r.message);
		ctl_reply_free(&r);
		return ret;
	}
	if (ctx->json && print_records) {
		json_init(&j, stdout);
		json_array_open(&j, NULL);
		for (i = 0; i < r.n; i++)
			print_ike_json(&j, &r.v[i]);
		json_array_close(&j);
		json_end(&j);
	} else if (print_records && r.n) {
		for (i = 0; i < r.n; i++)
			print_ike(stdout, &r.v[i]);
	} else {
		printf("%s\n", r.message);
	}
	ctl_reply_free(&r);
	return 0;
}

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

int daemon_status(struct ctl_reply *r)
{
	struct ctl_request req = { .verb = CTL_STATUS };
	char err[512];
	int ret;

	memset(r, 0, sizeof(*r));
	ret = ctl_call(&req, 10000, r, err, sizeof(err));
	if (ret == -ENOENT)
		return ret;
	if (ret) {
		fprintf(stderr, "sgwctl: %s\n", err);
		return ret;
	}
	if (!r->ok) {
		fprintf(stderr, "sgwctl: daemon: %s\n", r->message);
		ctl_reply_free(r);
		return -EIO;
	}
	return 0;
}
