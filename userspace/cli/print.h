/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Human and JSON output of tunnels, SAs and events: pure functions of the
 * model, so that tests can compare their exact text.
 */
#ifndef SGWCTL_PRINT_H
#define SGWCTL_PRINT_H

#include <stdio.h>

#include "ctl.h"
#include "json.h"
#include "model.h"

void print_tunnel(FILE *out, const struct sgw_tunnel_info *t);
void print_tunnel_json(struct json *j, const struct sgw_tunnel_info *t);
void print_sa(FILE *out, const struct sgw_sa_info *sa);
void print_sa_json(struct json *j, const struct sgw_sa_info *sa);
/* An SA object whose "ike" member is @ike's view of it, or null. */
void print_sa_json_ike(struct json *j, const struct sgw_sa_info *sa,
		       const struct ctl_tunnel *ike);
/* The daemon's view of one tunnel (see Documentation/interface.md). */
void print_ike(FILE *out, const struct ctl_tunnel *t);
void print_ike_json(struct json *j, const struct ctl_tunnel *t);
/* The object without its braces, for callers that embed it. */
void print_ike_json_fields(struct json *j, const struct ctl_tunnel *t);
/* The daemon tunnel of @r that CHILD SA @sa belongs to, or NULL. */
const struct ctl_tunnel *ike_of_sa(const struct ctl_reply *r,
				   const struct sgw_sa_info *sa);
/* The kernel tunnel's fields, for callers that add members of their own. */
void print_tunnel_json_fields(struct json *j, const struct sgw_tunnel_info *t);
void print_event(FILE *out, const struct sgw_event *ev);
void print_event_json(struct json *j, const struct sgw_event *ev);

#endif
