// SPDX-License-Identifier: GPL-2.0
/* The CLI's calls to the IKE daemon over the control socket (ctl.h). */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ctl.h"
#include "daemon_client.h"
#include "json.h"
#include "print.h"

/* "sgwctl up" waits for the negotiation; the daemon gives up sooner. */
#define CALL_TIMEOUT_MS (11 * 60 * 1000)

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
