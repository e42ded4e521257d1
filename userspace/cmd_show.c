// SPDX-License-Identifier: GPL-2.0
/* sgwctl show: the whole gateway at a glance (module, tunnels). */

#include <stdio.h>

#include "cmd.h"
#include "json.h"
#include "nl.h"

int cmd_show(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_tunnel_list list = { 0 };
	struct sgw_module_info info;
	struct sgwnl *nl;

	(void)argv;
	if (argc > 0)
		return usage_error("show takes no arguments; use 'sgwctl tunnel show TUNNEL'");
	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	if (sgwnl_get_info(nl, &info) || sgwnl_tunnel_dump(nl, &list)) {
		int ret = fail("show: %s", sgwnl_error(nl));

		sgwnl_close(nl);
		return ret;
	}
	if (ctx->json) {
		struct json j;
		size_t i;

		json_init(&j, stdout);
		json_object_open(&j, NULL);
		json_string(&j, "module", info.version);
		json_array_open(&j, "tunnels");
		for (i = 0; i < list.n; i++)
			tunnel_print_json(&j, &list.v[i]);
		json_array_close(&j);
		json_object_close(&j);
		json_end(&j);
	} else {
		size_t i;

		printf("sgw module %s, %zu tunnel%s\n", info.version, list.n,
		       list.n == 1 ? "" : "s");
		for (i = 0; i < list.n; i++) {
			printf("\n");
			tunnel_print(&list.v[i]);
		}
	}
	sgw_tunnel_list_free(&list);
	sgwnl_close(nl);
	return 0;
}
