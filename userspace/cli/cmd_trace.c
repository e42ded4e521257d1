// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl trace SRC DST [proto P] [sport S] [dport D] [size N] [df]: what
 * the module would do with that packet now (SGW_CMD_TRACE).
 */

#include <stdio.h>

#include "cmd.h"
#include "nl.h"
#include "trace.h"

int cmd_trace(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_trace_request req;
	struct sgw_trace_result res;
	struct sgwnl *nl;
	char err[256];
	int ret;

	if (trace_parse(argc, argv, &req, err, sizeof(err)))
		return usage_error("trace: %s", err);
	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	ret = sgwnl_trace(nl, &req, &res);
	if (ret) {
		fail("trace: %s", sgwnl_error(nl));
		sgwnl_close(nl);
		return EXIT_FAIL;
	}
	sgwnl_close(nl);
	if (ctx->json)
		trace_print_json(stdout, &res);
	else
		trace_print_text(stdout, &res);
	return 0;
}
