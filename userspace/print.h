/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Human and JSON output of tunnels, SAs and events: pure functions of the
 * model, so that tests can compare their exact text.
 */
#ifndef SGWCTL_PRINT_H
#define SGWCTL_PRINT_H

#include <stdio.h>

#include "json.h"
#include "model.h"

void print_tunnel(FILE *out, const struct sgw_tunnel *t);
void print_tunnel_json(struct json *j, const struct sgw_tunnel *t);
void print_sa(FILE *out, const struct sgw_sa *sa);
void print_sa_json(struct json *j, const struct sgw_sa *sa);
void print_event(FILE *out, const struct sgw_event *ev);
void print_event_json(struct json *j, const struct sgw_event *ev);

#endif
