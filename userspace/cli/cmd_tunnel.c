// SPDX-License-Identifier: GPL-2.0
/* sgwctl tunnel add|set|del|show */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "args.h"
#include "cmd.h"
#include "conf_keys.h"
#include "ctl.h"
#include "daemon_client.h"
#include "json.h"
#include "nl.h"
#include "print.h"

static void print_tunnels(struct ctx *ctx, const struct sgw_tunnel_info *v,
			  size_t n)
{
	struct json j;
	size_t i;

	if (!ctx->json) {
		for (i = 0; i < n; i++)
			print_tunnel(stdout, &v[i]);
		return;
	}
	json_document_open(&j, stdout);
	json_array_open(&j, "tunnels");
	for (i = 0; i < n; i++)
		print_tunnel_json(&j, &v[i]);
	json_array_close(&j);
	json_document_close(&j);
}

/* "on" and "off" as "show" prints them; yes and no as the config file says. */
static int parse_on_off(const char *field, const char *s, bool *out, char *err,
			size_t errlen)
{
	if (!strcmp(s, "on") || !strcmp(s, "yes")) {
		*out = true;
	} else if (!strcmp(s, "off") || !strcmp(s, "no")) {
		*out = false;
	} else {
		snprintf(err, errlen, "%s \"%s\" is not valid: expected on or off",
			 field, s);
		return -EINVAL;
	}
	return 0;
}

/* One "KEYWORD VALUE" pair of "tunnel add|set"; -ENOENT: not a setting. */
static int parse_setting(const char *key, const char *value,
			 struct sgw_tunnel_config *cfg, char *err, size_t errlen)
{
	int ret;

	if (!strcmp(key, "local")) {
		ret = parse_addr(key, value, &cfg->local, err, errlen);
		cfg->set_local = !ret;
	} else if (!strcmp(key, "remote")) {
		ret = parse_addr(key, value, &cfg->remote, err, errlen);
		cfg->set_remote = !ret;
	} else if (!strcmp(key, "local-ts")) {
		ret = parse_prefix_list(key, value, &cfg->local_ts, err, errlen);
		cfg->set_local_ts = !ret;
	} else if (!strcmp(key, "remote-ts")) {
		ret = parse_prefix_list(key, value, &cfg->remote_ts, err, errlen);
		cfg->set_remote_ts = !ret;
	} else if (!strcmp(key, "enabled")) {
		ret = parse_yes_no(key, value, &cfg->enabled, err, errlen);
		cfg->set_enabled = !ret;
	} else if (!strcmp(key, "mtu")) {
		ret = parse_mtu(key, value, &cfg->mtu, err, errlen);
		cfg->set_mtu = !ret;
	} else if (!strcmp(key, "mss")) {
		ret = parse_mss(key, value, &cfg->mss, err, errlen);
		cfg->set_mss = !ret;
	} else if (!strcmp(key, "outer-df")) {
		ret = parse_choice(key, value, sgw_outer_df_name, 3, &cfg->outer_df,
				   err, errlen);
		cfg->set_outer_df = !ret;
	} else if (!strcmp(key, "fragment")) {
		ret = parse_choice(key, value, sgw_fragment_name, 2, &cfg->fragment,
				   err, errlen);
		cfg->set_fragment = !ret;
	} else if (!strcmp(key, "protect-gateways")) {
		ret = parse_on_off(key, value, &cfg->protect_gw, err, errlen);
		cfg->set_protect_gw = !ret;
	} else {
		ret = -ENOENT;
	}
	return ret;
}

/* sgw.conf's words for the keywords, accepted here as well. */
static void canonical_keyword(char **kw)
{
	static const char *const words[][2] = {
		{ "local-networks", "local-ts" },
		{ "remote-networks", "remote-ts" },
		{ "interface", "name" },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(*kw, words[i][0]))
			*kw = (char *)words[i][1];
}

/*
 * "; did you mean ..." for an unknown @word, naming the one of @keywords
 * (space-separated) it most likely meant by sgw.conf's matcher (the
 * beginning of one key, swanctl's and wg's words, a near spelling);
 * "" when none.
 */
static void keyword_hint(const char *word, const char *keywords, char *buf,
			 size_t len)
{
	const char *key = sgw_conf_key_suggest(SGW_CONF_SEC_TUNNEL, word,
					       strlen(word));
	char name[48], list[192], pad[52];
	char *kw = name;

	*buf = '\0';
	if (!key || strlen(key) >= sizeof(name))
		return;
	strcpy(name, key);
	canonical_keyword(&kw);
	snprintf(list, sizeof(list), " %s ", keywords);
	snprintf(pad, sizeof(pad), " %s ", kw);
	if (strstr(list, pad))
		snprintf(buf, len, "; did you mean \"%s\"?", kw);
}

/* The kernel checks this too; here the message can name both values. */
static int check_families(const char *cmd, const struct sgw_tunnel_config *cfg)
{
	char local[SGW_PREFIX_STRLEN], remote[SGW_PREFIX_STRLEN];

	if (!cfg->set_local || !cfg->set_remote ||
	    cfg->local.family == cfg->remote.family)
		return 0;
	sgw_addr_format(&cfg->local, local, sizeof(local));
	sgw_addr_format(&cfg->remote, remote, sizeof(remote));
	return usage_error("%s: local %s is %s but remote %s is %s; use one family for both",
			   cmd, local, cfg->local.family == AF_INET ? "IPv4" : "IPv6",
			   remote, cfg->remote.family == AF_INET ? "IPv4" : "IPv6");
}

static int tunnel_add(struct ctx *ctx, int argc, char **argv)
{
	char ifname[SGW_IFNAMSIZ] = "", err[256], hint[64];
	struct sgw_tunnel_config cfg = { 0 };
	struct sgw_tunnel_info t;
	struct sgwnl *nl;
	uint32_t id = 0;
	int i, ret;

	for (i = 0; i < argc; i += 2) {
		canonical_keyword(&argv[i]);
		if (i + 1 >= argc)
			return usage_error("tunnel add: \"%s\" needs a value", argv[i]);
		if (keyword_repeated(argv, 0, i))
			return usage_error("tunnel add: \"%s\" given twice", argv[i]);
		if (!strcmp(argv[i], "id"))
			ret = parse_u32("tunnel id", argv[i + 1], 1,
					SGW_TUNNEL_ID_MAX, &id, err, sizeof(err));
		else if (!strcmp(argv[i], "name"))
			ret = parse_ifname("interface name", argv[i + 1], ifname,
					   err, sizeof(err));
		else
			ret = parse_setting(argv[i], argv[i + 1], &cfg, err,
					    sizeof(err));
		if (ret == -ENOENT) {
			keyword_hint(argv[i], "id name local remote local-ts remote-ts enabled mtu mss outer-df fragment protect-gateways",
				     hint, sizeof(hint));
			return usage_error("tunnel add: unknown keyword \"%s\"%s (expected id, name, local, remote, local-ts, remote-ts, enabled, mtu, mss, outer-df, fragment or protect-gateways)",
					   argv[i], hint);
		}
		if (ret)
			return usage_error("tunnel add: %s", err);
	}
	ret = check_families("tunnel add", &cfg);
	if (ret)
		return ret;
	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	ret = sgwnl_tunnel_add(nl, id, *ifname ? ifname : NULL, &cfg, &t);
	if (ret)
		ret = fail("tunnel add: %s", sgwnl_error(nl));
	else
		print_tunnels(ctx, &t, 1);
	sgwnl_close(nl);
	return ret;
}

/*
 * "enabled" of a tunnel the IKE daemon runs goes through the daemon: it
 * must send the peer a DELETE before the kernel removes the SAs, and stop
 * or resume negotiating. Returns -1 when the daemon does not run the
 * tunnel (the kernel is told directly), 0 when it took the change, or a
 * failure exit status.
 */
static int enabled_via_daemon(struct sgwnl *nl, const struct sgw_tunnel_ref *ref,
			      bool enable, const char *name)
{
	struct ctl_request req = { .verb = enable ? CTL_ENABLE : CTL_DISABLE };
	struct ctl_reply r;
	struct sgw_tunnel_info t;
	bool ours = false;
	char err[512];
	size_t i;
	int ret;

	if (sgwnl_tunnel_get(nl, ref, &t))
		return fail("tunnel set %s: %s", name, sgwnl_error(nl));
	ret = daemon_status(&r);
	if (ret == -ENOENT)
		return -1;
	if (ret)
		return EXIT_FAIL;
	for (i = 0; i < r.n; i++)
		ours |= r.v[i].id == t.id;
	ctl_reply_free(&r);
	if (!ours)
		return -1;
	snprintf(req.arg, sizeof(req.arg), "%u", t.id);
	ret = ctl_call(&req, 10000, &r, err, sizeof(err));
	if (ret)
		return fail("tunnel set %s: %s", name, err);
	ret = r.ok ? 0 : fail("tunnel set %s: daemon: %s", name, r.message);
	ctl_reply_free(&r);
	return ret;
}

static int tunnel_set(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_tunnel_config cfg = { 0 };
	struct sgw_tunnel_ref ref;
	struct sgw_tunnel_info t;
	struct sgwnl *nl;
	char err[256], hint[64];
	int i, ret;

	if (argc < 1)
		return usage_error("tunnel set: name a tunnel (id, interface or configured name)");
	if (parse_tunnel_arg(argv[0], &ref, err, sizeof(err)))
		return usage_error("tunnel set: %s", err);
	for (i = 1; i < argc; i += 2) {
		canonical_keyword(&argv[i]);
		if (i + 1 >= argc)
			return usage_error("tunnel set: \"%s\" needs a value", argv[i]);
		if (keyword_repeated(argv, 1, i))
			return usage_error("tunnel set: \"%s\" given twice", argv[i]);
		ret = parse_setting(argv[i], argv[i + 1], &cfg, err, sizeof(err));
		if (ret == -ENOENT) {
			keyword_hint(argv[i], "local remote local-ts remote-ts enabled mtu mss outer-df fragment protect-gateways",
				     hint, sizeof(hint));
			return usage_error("tunnel set: unknown keyword \"%s\"%s (expected local, remote, local-ts, remote-ts, enabled, mtu, mss, outer-df, fragment or protect-gateways)",
					   argv[i], hint);
		}
		if (ret)
			return usage_error("tunnel set: %s", err);
	}
	if (argc < 2)
		return usage_error("tunnel set: nothing to change; give local, remote, local-ts, remote-ts, enabled, mtu, mss, outer-df, fragment or protect-gateways");
	ret = check_families("tunnel set", &cfg);
	if (ret)
		return ret;
	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	if (cfg.set_enabled) {
		ret = enabled_via_daemon(nl, &ref, cfg.enabled, argv[0]);
		if (ret == 0)
			cfg.set_enabled = false;
		else if (ret != -1)
			goto out;
	}
	ret = 0;
	if ((cfg.set_enabled || cfg.set_local || cfg.set_remote ||
	     cfg.set_local_ts || cfg.set_remote_ts || cfg.set_mtu ||
	     cfg.set_mss || cfg.set_outer_df || cfg.set_fragment ||
	     cfg.set_protect_gw) &&
	    sgwnl_tunnel_set(nl, &ref, &cfg))
		ret = fail("tunnel set %s: %s", argv[0], sgwnl_error(nl));
	/* -j: the tunnel as it is now, as "tunnel show -j" gives it. */
	if (!ret && ctx->json) {
		if (sgwnl_tunnel_get(nl, &ref, &t))
			ret = fail("tunnel set %s: %s", argv[0], sgwnl_error(nl));
		else
			print_tunnels(ctx, &t, 1);
	}
out:
	sgwnl_close(nl);
	return ret;
}

static int tunnel_del(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_tunnel_ref ref;
	struct sgw_tunnel_info t;
	struct sgwnl *nl;
	struct json j;
	char err[256];
	int ret;

	if (argc != 1)
		return usage_error("tunnel del: name exactly one tunnel (id, interface or configured name)");
	if (parse_tunnel_arg(argv[0], &ref, err, sizeof(err)))
		return usage_error("tunnel del: %s", err);
	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	/* -j names what was deleted: read it first. */
	ret = ctx->json ? sgwnl_tunnel_get(nl, &ref, &t) : 0;
	if (!ret)
		ret = sgwnl_tunnel_del(nl, &ref);
	if (ret) {
		ret = fail("tunnel del %s: %s", argv[0], sgwnl_error(nl));
	} else if (ctx->json) {
		json_document_open(&j, stdout);
		json_object_open(&j, "deleted");
		json_u64(&j, "id", t.id);
		json_string(&j, "ifname", t.ifname);
		json_object_close(&j);
		json_document_close(&j);
	}
	sgwnl_close(nl);
	return ret;
}

static int tunnel_show(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_tunnel_list list = { 0 };
	struct sgw_tunnel_ref ref;
	struct sgw_tunnel_info t;
	struct sgwnl *nl;
	char err[256];
	int ret;

	if (argc > 1)
		return usage_error("tunnel show: at most one tunnel (id, interface or configured name)");
	if (argc == 1 && parse_tunnel_arg(argv[0], &ref, err, sizeof(err)))
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

#define TUNNEL_SETTINGS "[local ADDR] [remote ADDR] [local-ts PFX[,PFX...]|any] " \
			"[remote-ts PFX[,PFX...]|any] [enabled yes|no] [mtu auto|N]\n\t[mss auto|off|N] [outer-df copy|set|clear] [fragment before-encryption|after-encryption]\n\t[protect-gateways on|off]"

static const struct command tunnel_cmds[] = {
	{ "add", tunnel_add, "[id ID] [name IFNAME] " TUNNEL_SETTINGS,
	  "create a tunnel and its interface (default name sgw<ID>)" },
	{ "set", tunnel_set, "TUNNEL " TUNNEL_SETTINGS,
	  "change a tunnel; a new local or remote address removes its SAs" },
	{ "del", tunnel_del, "TUNNEL", "delete a tunnel, its interface and SAs" },
	{ "show", tunnel_show, "[TUNNEL]", "show one tunnel or all of them" },
	{ 0 }
};

int cmd_tunnel(struct ctx *ctx, int argc, char **argv)
{
	return dispatch(ctx, "sgwctl tunnel", tunnel_cmds, argc, argv);
}
