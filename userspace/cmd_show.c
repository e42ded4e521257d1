// SPDX-License-Identifier: GPL-2.0
/* sgwctl show: the whole gateway at a glance (module, tunnels, SAs). */

#include <stdio.h>

#include "cmd.h"
#include "json.h"
#include "nl.h"
#include "print.h"

static void show_json(const struct sgw_module_info *info,
		      const struct sgw_tunnel_list *tunnels,
		      const struct sgw_sa_list *sas)
{
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_object_open(&j, NULL);
	json_string(&j, "module", info->version);
	json_array_open(&j, "tunnels");
	for (i = 0; i < tunnels->n; i++)
		print_tunnel_json(&j, &tunnels->v[i]);
	json_array_close(&j);
	json_array_open(&j, "sas");
	for (i = 0; i < sas->n; i++)
		print_sa_json(&j, &sas->v[i]);
	json_array_close(&j);
	json_object_close(&j);
	json_end(&j);
}

/* Each tunnel followed by its own SAs. */
static void show_human(const struct sgw_module_info *info,
		       const struct sgw_tunnel_list *tunnels,
		       const struct sgw_sa_list *sas)
{
	size_t i, k;

	printf("sgw module %s, %zu tunnel%s\n", info->version, tunnels->n,
	       tunnels->n == 1 ? "" : "s");
	for (i = 0; i < tunnels->n; i++) {
		printf("\n");
		print_tunnel(stdout, &tunnels->v[i]);
		for (k = 0; k < sas->n; k++)
			if (sas->v[k].tunnel_id == tunnels->v[i].id)
				print_sa(stdout, &sas->v[k]);
	}
}

int cmd_show(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_tunnel_list tunnels = { 0 };
	struct sgw_sa_list sas = { 0 };
	struct sgw_module_info info;
	struct sgwnl *nl;
	int ret = 0;

	(void)argv;
	if (argc > 0)
		return usage_error("show takes no arguments; use 'sgwctl tunnel show TUNNEL'");
	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	if (sgwnl_get_info(nl, &info) || sgwnl_tunnel_dump(nl, &tunnels) ||
	    sgwnl_sa_dump(nl, 0, &sas))
		ret = fail("show: %s", sgwnl_error(nl));
	else if (ctx->json)
		show_json(&info, &tunnels, &sas);
	else
		show_human(&info, &tunnels, &sas);
	sgw_sa_list_free(&sas);
	sgw_tunnel_list_free(&tunnels);
	sgwnl_close(nl);
	return ret;
}
