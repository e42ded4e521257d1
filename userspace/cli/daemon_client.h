/* SPDX-License-Identifier: GPL-2.0 */
/* The CLI's calls to the IKE daemon. */
#ifndef SGWCTL_DAEMON_CLIENT_H
#define SGWCTL_DAEMON_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

struct ctx;
struct ctl_reply;
struct ctl_request;
struct sgw_tunnel_ref;
/* The daemon's status of every tunnel: 0, or -ENOENT when none runs. */
int daemon_status(struct ctl_reply *r);
/* One request to the daemon; prints its tunnel records or its message. */
int daemon_call(struct ctx *ctx, const char *cmd,
		const struct ctl_request *req, bool print_records);
/*
 * A TUNNEL argument: an id, an interface name, or the name of a
 * configured tunnel (the running daemon's, else /etc/sgw/sgw.conf's).
 */
int parse_tunnel_arg(const char *s, struct sgw_tunnel_ref *ref, char *err,
		     size_t errlen);

#endif
