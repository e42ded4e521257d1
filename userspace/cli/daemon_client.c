// SPDX-License-Identifier: GPL-2.0
/* The CLI's calls to the IKE daemon over the control socket (ctl.h). */

#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "conf_check.h"
#include "conf_model.h"
#include "conf_parse.h"
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
	if (ctx->json) {
		/* The daemon's words, and the tunnels it answered with. */
		json_document_open(&j, stdout);
		json_string(&j, "message", r.message);
		if (print_records) {
			json_array_open(&j, "tunnels");
			for (i = 0; i < r.n; i++)
				print_ike_json(&j, &r.v[i]);
			json_array_close(&j);
		}
		json_document_close(&j);
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

/*
 * The id of the configured tunnel @name: the running daemon's, else the
 * one in /etc/sgw/sgw.conf; 0 when there is none.
 */
static uint32_t configured_id(const char *name)
{
	struct ctl_request req = { .verb = CTL_STATUS };
	struct sgw_conf_problems probs;
	struct sgw_conf conf;
	struct ctl_reply r;
	uint32_t id = 0;
	char err[256];
	size_t i;

	if (!ctl_call(&req, 10000, &r, err, sizeof(err))) {
		for (i = 0; r.ok && i < r.n && !id; i++)
			if (!strcmp(r.v[i].name, name))
				id = r.v[i].id;
		ctl_reply_free(&r);
		return id;
	}
	if (sgw_conf_load_all(SGW_CONF_DEFAULT_PATH, &conf, &probs) >= 0)
		for (i = 0; i < conf.n_tunnels && !id; i++)
			if (!strcmp(conf.tunnels[i].name, name))
				id = conf.tunnels[i].id;
	sgw_conf_free(&conf);
	sgw_conf_problems_free(&probs);
	return id;
}

int parse_tunnel_arg(const char *s, struct sgw_tunnel_ref *ref, char *err,
		     size_t errlen)
{
	int ret = parse_tunnel_ref(s, ref, err, errlen);
	uint32_t id;

	if (ret && isdigit((unsigned char)*s))
		return ret;
	/* Not an interface here: perhaps a configured tunnel's name. */
	if ((ret || !if_nametoindex(ref->ifname)) && (id = configured_id(s))) {
		memset(ref, 0, sizeof(*ref));
		ref->id = id;
		return 0;
	}
	return ret;
}
