// SPDX-License-Identifier: GPL-2.0
/* sgwctl tunnel add|del|show */

#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "json.h"
#include "nl.h"

void tunnel_print_json(struct json *j, const struct sgw_tunnel *t)
{
	unsigned int i;

	json_object_open(j, NULL);
	json_u64(j, "id", t->id);
	json_string(j, "ifname", t->ifname);
	json_u64(j, "ifindex", t->ifindex);
	json_object_open(j, "drops");
	for (i = 0; i < __SGW_DROP_MAX; i++)
		json_u64(j, sgw_drop_name(i), t->drops[i]);
	json_object_close(j);
	json_object_close(j);
}

void tunnel_print(const struct sgw_tunnel *t)
{
	unsigned int i, n = 0;

	printf("tunnel %u: interface %s (ifindex %u)\n", t->id, t->ifname,
	       t->ifindex);
	printf("  drops:");
	for (i = 0; i < __SGW_DROP_MAX; i++) {
		if (!t->drops[i])
			continue;
		printf("%s %s %llu", n++ ? "," : "", sgw_drop_name(i),
		       (unsigned long long)t->drops[i]);
	}
	printf("%s\n", n ? "" : " none");
}

static void print_tunnels(struct ctx *ctx, const struct sgw_tunnel *v,
			  size_t n)
{
	struct json j;
	size_t i;

	if (!ctx->json) {
		for (i = 0; i < n; i++)
			tunnel_print(&v[i]);
		return;
	}
	json_init(&j, stdout);
	json_array_open(&j, NULL);
	for (i = 0; i < n; i++)
		tunnel_print_json(&j, &v[i]);
	json_array_close(&j);
	json_end(&j);
}

static int tunnel_add(struct ctx *ctx, int argc, char **argv)
{
	char ifname[SGW_IFNAMSIZ] = "", err[160];
	struct sgw_tunnel t;
	struct sgwnl *nl;
	uint32_t id = 0;
	int i, ret;

	for (i = 0; i < argc; i += 2) {
		if (i + 1 >= argc)
			return usage_error("tunnel add: \"%s\" needs a value", argv[i]);
		if (!strcmp(argv[i], "id"))
			ret = parse_u32("tunnel id", argv[i + 1], 1,
					SGW_TUNNEL_ID_MAX, &id, err, sizeof(err));
		else if (!strcmp(argv[i], "name"))
			ret = parse_ifname("interface name", argv[i + 1], ifname,
					   err, sizeof(err));
		else
			return usage_error("tunnel add: unknown keyword \"%s\" (expected id or name)",
					   argv[i]);
		if (ret)
			return usage_error("tunnel add: %s", err);
	}
	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	ret = sgwnl_tunnel_add(nl, id, *ifname ? ifname : NULL, &t);
	if (ret)
		ret = fail("tunnel add: %s", sgwnl_error(nl));
	else
		print_tunnels(ctx, &t, 1);
	sgwnl_close(nl);
	return ret;
}

static int tunnel_del(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_tunnel_ref ref;
	struct sgwnl *nl;
	char err[160];
	int ret;

	(void)ctx;
	if (argc != 1)
		return usage_error("tunnel del: name exactly one tunnel (id or interface)");
	if (parse_tunnel_ref(argv[0], &ref, err, sizeof(err)))
		return usage_error("tunnel del: %s", err);
	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	ret = sgwnl_tunnel_del(nl, &ref);
	if (ret)
		ret = fail("tunnel del %s: %s", argv[0], sgwnl_error(nl));
	sgwnl_close(nl);
	return ret;
}

static int tunnel_show(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_tunnel_list list = { 0 };
	struct sgw_tunnel_ref ref;
	struct sgw_tunnel t;
	struct sgwnl *nl;
	char err[160];
	int ret;

	if (argc > 1)
		return usage_error("tunnel show: at most one tunnel (id or interface)");
	if (argc == 1 && parse_tunnel_ref(argv[0], &ref, err, sizeof(err)))
		return usage_error("tunnel show: %s", err);
	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	if (argc == 1) {
		ret = sgwnl_tunnel_get(nl, &ref, &t);
		if (ret)
			ret = fail("tunnel show %s: %s", argv[0], sgwnl_error(nl));
		else
			print_tunnels(ctx, &t, 1);
	} else {
		ret = sgwnl_tunnel_dump(nl, &list);
		if (ret)
			ret = fail("tunnel show: %s", sgwnl_error(nl));
		else
			print_tunnels(ctx, list.v, list.n);
		sgw_tunnel_list_free(&list);
	}
	sgwnl_close(nl);
	return ret;
}

static const struct command tunnel_cmds[] = {
	{ "add", tunnel_add, "[id ID] [name IFNAME]",
	  "create a tunnel and its interface (default name sgw<ID>)" },
	{ "del", tunnel_del, "TUNNEL", "delete a tunnel, its interface and SAs" },
	{ "show", tunnel_show, "[TUNNEL]", "show one tunnel or all of them" },
	{ 0 }
};

int cmd_tunnel(struct ctx *ctx, int argc, char **argv)
{
	return dispatch(ctx, "sgwctl tunnel", tunnel_cmds, argc, argv);
}
