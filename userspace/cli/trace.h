/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "sgwctl trace": the argument parser and the two output forms, apart
 * from the netlink call so that the unit tests can drive them.
 */
#ifndef SGWCTL_TRACE_H
#define SGWCTL_TRACE_H

#include <stddef.h>
#include <stdio.h>

#include "model.h"

#define TRACE_USAGE "SRC DST [proto P] [sport S] [dport D] [size N] [df]"

/*
 * argv: SRC DST and the keywords. On failure @err names the field, the
 * value and the fix, and the return is negative (a usage error).
 */
int trace_parse(int argc, char **argv, struct sgw_trace_request *req,
		char *err, size_t errlen);
/* A protocol by name (tcp, udp, ...) or number 0..255; -1 if neither. */
int trace_proto_parse(const char *s);
/* The name of protocol @p, or NULL when sgwctl has none for it. */
const char *trace_proto_name(unsigned int p);
/* The verdict as a JSON value: "encrypted", "dropped", ... */
const char *trace_verdict_name(unsigned int v);

void trace_print_text(FILE *out, const struct sgw_trace_result *r);
void trace_print_json(FILE *out, const struct sgw_trace_result *r);

#endif
