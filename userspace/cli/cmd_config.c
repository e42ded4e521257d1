// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl config check [--strict] [--offline] [FILE], sgwctl showconf
 * [-a] [--peer TUNNEL [--format sgw|swanctl]] [FILE], sgwctl genpsk.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conf_check.h"
#include "conf_host.h"
#include "conf_keys.h"
#include "conf_parse.h"
#include "conf_peer.h"
#include "conf_print.h"
#include "json.h"

static int load(const char *cmd, int argc, char **argv, struct sgw_conf *conf)
{
	const char *path = argc ? argv[0] : SGW_CONF_DEFAULT_PATH;
	struct sgw_conf_error err;

	if (argc > 1)
		return usage_error("%s: at most one FILE", cmd);
	if (sgw_conf_load(path, conf, &err)) {
		fail("%s", err.text);
		sgw_conf_free(conf);
		return EXIT_FAIL;
	}
	return 0;
}

static void check_json(const char *path, const struct sgw_conf *conf,
		       const struct sgw_conf_problems *p)
{
	struct json j;
	size_t i;

	json_document_open(&j, stdout);
	json_string(&j, "file", path);
	json_u64(&j, "tunnel_count", conf->n_tunnels);
	json_u64(&j, "errors", p->errors);
	json_u64(&j, "warnings", p->warnings);
	json_u64(&j, "notes", p->notes);
	json_array_open(&j, "problems");
	for (i = 0; i < p->count; i++) {
		json_object_open(&j, NULL);
		json_string(&j, "severity",
			    sgw_conf_severity_name(p->v[i].severity));
		json_string(&j, "file", p->v[i].file);
		if (p->v[i].line)
			json_u64(&j, "line", p->v[i].line);
		if (p->v[i].tunnel < conf->n_tunnels)
			json_string(&j, "tunnel",
				    conf->tunnels[p->v[i].tunnel].name);
		json_string(&j, "code", p->v[i].code ? p->v[i].code : "other");
		/* The text after "FILE:LINE: ": file and line are keys. */
		json_string(&j, "message", p->v[i].text + p->v[i].msg_off);
		json_object_close(&j);
	}
	json_array_close(&j);
	json_document_close(&j);
}

/*
 * Every problem, one per line on stderr, then the summary line on stdout,
 * always; exit 1 on an error, or on a warning with --strict.
 */
static int config_check(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_conf_problems probs, more;
	unsigned int host_flags = 0;
	bool strict = false;
	const char *path = NULL;
	struct sgw_conf conf;
	size_t i;
	int r;

	for (i = 0; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--strict"))
			strict = true;
		else if (!strcmp(argv[i], "--offline"))
			host_flags |= SGW_CONF_HOST_OFFLINE;
		else if (argv[i][0] == '-' && argv[i][1])
			return usage_error("config check: unknown option "
					   "\"%s\" (expected --strict or "
					   "--offline)", argv[i]);
		else if (path)
			return usage_error("config check: at most one FILE");
		else
			path = argv[i];
	}
	if (!path)
		path = SGW_CONF_DEFAULT_PATH;
	if (sgw_conf_load_all(path, &conf, &probs) < 0)
		return fail("config check: out of memory");
	r = sgw_conf_check(&conf, &more);
	if (r >= 0)
		r = sgw_conf_problems_move(&probs, &more);
	if (r >= 0)
		r = sgw_conf_check_host(&conf, host_flags, &probs);
	sgw_conf_problems_free(&more);
	if (r < 0) {
		sgw_conf_problems_free(&probs);
		sgw_conf_free(&conf);
		return fail("config check: out of memory");
	}
	sgw_conf_problems_sort(&conf, &probs);
	if (ctx->json) {
		check_json(path, &conf, &probs);
	} else {
		for (i = 0; i < probs.count; i++)
			fprintf(stderr, "%s: %s\n",
				sgw_conf_severity_name(probs.v[i].severity),
				probs.v[i].text);
		fflush(stderr);
		printf("%s: %zu tunnel%s, %u error%s, %u warning%s, %u "
		       "note%s\n", path, conf.n_tunnels,
		       conf.n_tunnels == 1 ? "" : "s", probs.errors,
		       probs.errors == 1 ? "" : "s", probs.warnings,
		       probs.warnings == 1 ? "" : "s", probs.notes,
		       probs.notes == 1 ? "" : "s");
	}
	r = probs.errors || (strict && probs.warnings) ? EXIT_FAIL : 0;
	sgw_conf_problems_free(&probs);
	sgw_conf_free(&conf);
	return r;
}

static const struct command config_cmds[] = {
	{ "check", config_check, "[--strict] [--offline] [FILE]",
	  "validate a configuration (default /etc/sgw/sgw.conf) without "
	  "applying it" },
	{ 0 }
};

int cmd_config(struct ctx *ctx, int argc, char **argv)
{
	return dispatch(ctx, "sgwctl config", config_cmds, argc, argv);
}

/*
 * The other gateway's side of tunnel @name: its sgw.conf section, or a
 * strongSwan peer's swanctl.conf, which holds the key (read from the
 * psk-file as the daemon reads it: the caller needs to be able to).
 */
static int showconf_peer(const char *path, const struct sgw_conf *conf,
			 const char *name, bool swanctl)
{
	const struct sgw_conf_tunnel *t = sgw_conf_tunnel_find(conf, name);
	uint8_t key[SGW_CONF_PSK_MAX];
	char why[256], warn[256];
	struct sgw_conf_tunnel m;
	size_t keylen;
	int r, err_no;

	if (!t) {
		size_t i;

		fprintf(stderr, "sgwctl: showconf: no tunnel \"%s\" in %s "
			"(its tunnels:", name, path);
		for (i = 0; i < conf->n_tunnels; i++)
			fprintf(stderr, " %s", conf->tunnels[i].name);
		fprintf(stderr, "%s): name one of them\n",
			conf->n_tunnels ? "" : " none");
		return EXIT_USAGE;
	}
	if (sgw_conf_peer_mirror(t, &m, why, sizeof(why)))
		return fail("showconf: %s", why);
	if (!swanctl)
		r = sgw_conf_peer_print(stdout, &m);
	else if (sgw_conf_psk_read(t->psk_file, key, &keylen, warn,
				   sizeof(warn), why, sizeof(why), &err_no))
		return fail("showconf: %s (the swanctl.conf holds the key: "
			    "run as a user who may read it, e.g. root)", why);
	else
		r = sgw_conf_peer_swanctl(stdout, &m, key, keylen);
	explicit_bzero(key, sizeof(key));
	return r ? fail("showconf: cannot write the configuration") : 0;
}

/* "4h" -> 14400, "1G" -> 2^30: @units maps each suffix to its factor. */
static bool scaled(const char *v, const char *units, const uint64_t *mult,
		   uint64_t *out)
{
	const char *u;
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || end == v || *v == '-')
		return false;
	if (!*end) {
		*out = n;
		return true;
	}
	u = end[1] ? NULL : strchr(units, *end);
	if (!u)
		return false;
	*out = n * mult[u - units];
	return true;
}

/*
 * One "key = value" of the printed configuration as a typed JSON member
 * (sgwctl-json(7)): yes/no and on/off as booleans, lists as arrays,
 * counts, sizes (bytes) and durations (seconds) as numbers, a number
 * key's word (mtu = auto) under KEY_word, everything else as text.
 */
static void conf_value_json(struct json *j, enum sgw_conf_section sec,
			    const char *key, const char *v)
{
	static const uint64_t secs[] = { 1, 60, 3600, 86400 };
	static const uint64_t bytes[] = { 1ULL << 10, 1ULL << 20, 1ULL << 30,
					  1ULL << 40 };
	const struct sgw_conf_key *k = sgw_conf_key_find(sec, key, strlen(key));
	char name[64];
	uint64_t n;
	size_t i;

	for (i = 0; i < sizeof(name) - 6 && key[i]; i++)
		name[i] = key[i] == '-' ? '_' : key[i];
	name[i] = '\0';
	switch (k ? k->type : SGW_CONF_T_PATH) {
	case SGW_CONF_T_BOOL:
		json_bool(j, name, k->choices[1] && !strcmp(v, k->choices[1]));
		return;
	case SGW_CONF_T_PREFIXES:
	case SGW_CONF_T_IKE_PROPOSALS:
	case SGW_CONF_T_ESP_PROPOSALS:
		json_array_open(j, name);
		while (*v && strcmp(v, "any")) {
			size_t len = strcspn(v, ",");
			char item[128];

			snprintf(item, sizeof(item), "%.*s", (int)len, v);
			json_string(j, NULL, item);
			v += len;
			v += strspn(v, ", ");
		}
		json_array_close(j);
		return;
	case SGW_CONF_T_COUNT:
	case SGW_CONF_T_UINT:
		if (scaled(v, "", secs, &n)) {
			json_u64(j, name, n);
		} else {
			char word[80];

			snprintf(word, sizeof(word), "%s_word", name);
			json_string(j, word, v);
		}
		return;
	case SGW_CONF_T_BYTES:
		if (scaled(v, "kMGT", bytes, &n)) {
			json_u64(j, name, n);
			return;
		}
		break;
	case SGW_CONF_T_DURATION:
		if (scaled(v, "smhd", secs, &n)) {
			json_u64(j, name, n);
			return;
		}
		break;
	default:
		break;
	}
	json_string(j, name, v);
}

/*
 * showconf -j: the printed configuration (so exactly what showconf
 * prints) as {"global": {...}, "tunnels": [{"name": ..., ...}]}.
 */
static int showconf_json(const char *path, const struct sgw_conf *conf,
			 unsigned int flags)
{
	char *text = sgw_conf_print_string(conf, flags), *line, *save = NULL;
	enum sgw_conf_section sec = SGW_CONF_SEC_GLOBAL;
	bool in_tunnels = false, open = false;
	struct json j;

	if (!text)
		return fail("showconf: out of memory");
	json_document_open(&j, stdout);
	json_string(&j, "file", path);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq = strstr(line, " = ");

		if (line[0] == '#' || !line[0])
			continue;
		if (line[0] == '[') {
			char *end = strchr(line, ']');

			if (end)
				*end = '\0';
			if (open)
				json_object_close(&j);
			if (!strncmp(line + 1, "tunnel ", 7)) {
				if (!in_tunnels)
					json_array_open(&j, "tunnels");
				in_tunnels = true;
				json_object_open(&j, NULL);
				json_string(&j, "name", line + 8);
				sec = SGW_CONF_SEC_TUNNEL;
			} else {
				/* [global] comes first, before any tunnel. */
				json_object_open(&j, "global");
				sec = SGW_CONF_SEC_GLOBAL;
			}
			open = true;
			continue;
		}
		if (!eq || !open)
			continue;
		*eq = '\0';
		conf_value_json(&j, sec, line, eq + 3);
	}
	if (open)
		json_object_close(&j);
	if (!in_tunnels)
		json_array_open(&j, "tunnels");
	json_array_close(&j);
	json_document_close(&j);
	free(text);
	return 0;
}

int cmd_showconf(struct ctx *ctx, int argc, char **argv)
{
	const char *peer = NULL, *format = "sgw";
	unsigned int flags = 0;
	struct sgw_conf conf;
	int ret, i, n = 0;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all")) {
			flags = SGW_CONF_PRINT_DEFAULTS;
		} else if (!strcmp(argv[i], "--peer") ||
			   !strcmp(argv[i], "--format")) {
			if (i + 1 == argc)
				return usage_error("showconf: %s needs a "
						   "value", argv[i]);
			if (argv[i][2] == 'p')
				peer = argv[i + 1];
			else
				format = argv[i + 1];
			i++;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_error("showconf: unknown option \"%s\" "
					   "(expected -a, --peer TUNNEL or "
					   "--format sgw|swanctl)", argv[i]);
		} else {
			argv[n++] = argv[i];
		}
	}
	if (strcmp(format, "sgw") && strcmp(format, "swanctl"))
		return usage_error("showconf: --format \"%s\": expected sgw "
				   "or swanctl", format);
	if (!peer && strcmp(format, "sgw"))
		return usage_error("showconf: --format swanctl prints a peer: "
				   "add --peer TUNNEL");
	if (peer && flags)
		return usage_error("showconf: -a and --peer do not go "
				   "together");
	if (peer && ctx->json)
		return usage_error("showconf: --peer prints a file for the "
				   "other gateway; -j does not apply");
	ret = load("showconf", n, argv, &conf);
	if (ret)
		return ret;
	if (peer)
		ret = showconf_peer(n ? argv[0] : SGW_CONF_DEFAULT_PATH, &conf,
				    peer, !strcmp(format, "swanctl"));
	else if (ctx->json)
		ret = showconf_json(n ? argv[0] : SGW_CONF_DEFAULT_PATH, &conf,
				    flags);
	else if (sgw_conf_print(stdout, &conf, flags))
		ret = fail("showconf: cannot write the configuration");
	sgw_conf_free(&conf);
	return ret;
}

/* A fresh key in strongSwan's 0s (base64) form, for both ends. */
int cmd_genpsk(struct ctx *ctx, int argc, char **argv)
{
	char key[SGW_CONF_PSK_GEN_LEN];
	struct json j;

	(void)argv;
	if (argc)
		return usage_error("genpsk takes no arguments");
	if (sgw_conf_psk_generate(key, sizeof(key)))
		return fail("genpsk: no random bytes: %s", strerror(errno));
	if (ctx->json) {
		json_document_open(&j, stdout);
		json_string(&j, "psk", key);
		json_document_close(&j);
	} else {
		printf("%s\n", key);
	}
	explicit_bzero(key, sizeof(key));
	return 0;
}
