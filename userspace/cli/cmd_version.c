// SPDX-License-Identifier: GPL-2.0
/* sgwctl version: the tool's version and, when loaded, the module's. */

#include <stdio.h>

#include "cmd.h"
#include "json.h"
#include "nl.h"

int cmd_version(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_module_info info;
	struct sgwnl *nl = NULL;
	const char *why = NULL;
	struct json j;
	unsigned int i;
	int ret;

	(void)argv;
	if (argc > 0)
		return usage_error("version takes no arguments");
	ret = sgwnl_open(&nl);
	if (ret) {
		why = sgwnl_open_error(ret);
	} else if (sgwnl_get_info(nl, &info)) {
		why = sgwnl_error(nl);
		ret = -1;
	}

	if (ctx->json) {
		json_document_open(&j, stdout);
		json_string(&j, "sgwctl", SGW_VERSION);
		if (ret) {
			/* No module: why, instead of its version. */
			json_string(&j, "module_error", why);
		} else {
			json_string(&j, "module", info.version);
			json_array_open(&j, "algorithms");
			for (i = 0; i < info.n_algs; i++)
				json_string(&j, NULL, info.algs[i].name);
			json_array_close(&j);
		}
		json_document_close(&j);
	} else {
		printf("sgwctl %s\n", SGW_VERSION);
		if (ret) {
			printf("module: %s\n", why);
		} else {
			printf("module %s\n", info.version);
			printf("algorithms:");
			for (i = 0; i < info.n_algs; i++)
				printf(" %s", info.algs[i].name);
			printf("\n");
		}
	}
	sgwnl_close(nl);
	return 0;
}
