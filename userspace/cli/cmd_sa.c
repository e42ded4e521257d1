// SPDX-License-Identifier: GPL-2.0
/* sgwctl sa add|del|flush|show: manually keyed SAs. */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "ctl.h"
#include "daemon_client.h"
#include "json.h"
#include "nl.h"
#include "print.h"

/* SA commands name tunnels by id only; an interface name is looked up. */
static int tunnel_id_of(struct sgwnl *nl, const char *cmd, const char *arg,
			const struct sgw_tunnel_ref *ref, uint32_t *id)
{
	struct sgw_tunnel_info t;

	if (ref->id) {
		*id = ref->id;
		return 0;
	}
	if (sgwnl_tunnel_get(nl, ref, &t))
		return fail("%s: tunnel %s: %s", cmd, arg, sgwnl_error(nl));
	*id = t.id;
	return 0;
}

/* What "sa add" read from its command line, before the key is read. */
struct sa_add_args {
	struct sgw_tunnel_ref ref;
	struct sgw_sa_request req;
	const struct sgw_alg_spec *alg;
	const char *key_file;
	bool dir_given, spi_given;
};

static uint64_t *lifetime_field(struct sgw_sa_info *sa, const char *key)
{
	if (!strcmp(key, "soft-bytes"))
		return &sa->soft_bytes;
	if (!strcmp(key, "hard-bytes"))
		return &sa->hard_bytes;
	if (!strcmp(key, "soft-packets"))
		return &sa->soft_packets;
	if (!strcmp(key, "hard-packets"))
		return &sa->hard_packets;
	if (!strcmp(key, "soft-seconds"))
		return &sa->soft_seconds;
	if (!strcmp(key, "hard-seconds"))
		return &sa->hard_seconds;
	return NULL;
}

static int parse_mode(const char *s, unsigned int *mode, char *err,
		      size_t errlen)
{
	if (!strcmp(s, "tunnel")) {
		*mode = SGW_MODE_TUNNEL;
	} else if (!strcmp(s, "transport")) {
		*mode = SGW_MODE_TRANSPORT;
	} else {
		snprintf(err, errlen, "mode \"%s\" is not valid: expected tunnel or transport",
			 s);
		return -EINVAL;
	}
	return 0;
}

/* One "KEYWORD VALUE" pair; -ENOENT: no such keyword. */
static int parse_sa_keyword(struct sa_add_args *a, const char *key,
			    const char *value, char *err, size_t errlen)
{
	struct sgw_sa_info *sa = &a->req.sa;
	uint64_t *lifetime = lifetime_field(sa, key);

	if (lifetime)
		return parse_u64(key, value, 0, UINT64_MAX, lifetime, err, errlen);
	if (!strcmp(key, "dir")) {
		a->dir_given = true;
		return parse_dir(value, &sa->dir, err, errlen);
	}
	if (!strcmp(key, "spi")) {
		a->spi_given = true;
		return parse_spi(value, &sa->spi, err, errlen);
	}
	if (!strcmp(key, "alg"))
		return parse_alg(value, &a->alg, err, errlen);
	if (!strcmp(key, "mode"))
		return parse_mode(value, &sa->mode, err, errlen);
	if (!strcmp(key, "key-file")) {
		a->key_file = value;
		return 0;
	}
	if (!strcmp(key, "replay-window")) {
		a->req.replay_window_given = true;
		return parse_u32(key, value, 0, SGW_REPLAY_WINDOW_MAX,
				 &sa->replay_window, err, errlen);
	}
	if (!strcmp(key, "esn"))
		return parse_yes_no(key, value, &sa->esn, err, errlen);
	if (!strcmp(key, "seq"))
		return parse_u64(key, value, 0, UINT64_MAX, &sa->seq, err, errlen);
	if (!strcmp(key, "local-ts")) {
		sa->has_ts = true;
		return parse_prefix_list(key, value, &sa->local_ts, err, errlen);
	}
	if (!strcmp(key, "remote-ts")) {
		sa->has_ts = true;
		return parse_prefix_list(key, value, &sa->remote_ts, err, errlen);
	}
	return -ENOENT;
}

static int check_soft_below_hard(const char *what, uint64_t soft, uint64_t hard)
{
	if (!soft || !hard || soft < hard)
		return 0;
	return usage_error("sa add: soft-%s %" PRIu64 " is not below hard-%s %" PRIu64
			   "; the soft limit warns before the hard one removes the SA",
			   what, soft, what, hard);
}

/* Rules that span several keywords, checked once all are read. */
static int check_sa_add(const struct sa_add_args *a)
{
	const struct sgw_sa_info *sa = &a->req.sa;
	int ret;

	if (!a->dir_given)
		return usage_error("sa add: missing \"dir in|out\"");
	if (!a->spi_given)
		return usage_error("sa add: missing \"spi SPI\"");
	if (!a->alg)
		return usage_error("sa add: missing \"alg ALG\"");
	if (!a->key_file)
		return usage_error("sa add: missing \"key-file FILE\" (\"-\" reads standard input)");
	if (a->req.replay_window_given && sa->dir != SGW_DIR_IN)
		return usage_error("sa add: replay-window applies to inbound SAs (dir in) only");
	if (sa->has_ts && sa->mode != SGW_MODE_TUNNEL)
		return usage_error("sa add: local-ts and remote-ts apply to tunnel-mode SAs only");
	if (!sa->esn && sa->seq > UINT32_MAX)
		return usage_error("sa add: seq %" PRIu64 " needs \"esn yes\": without ESN sequence numbers are 32 bits (at most 4294967295)",
				   sa->seq);
	ret = check_soft_below_hard("bytes", sa->soft_bytes, sa->hard_bytes);
	if (!ret)
		ret = check_soft_below_hard("packets", sa->soft_packets,
					    sa->hard_packets);
	if (!ret)
		ret = check_soft_below_hard("seconds", sa->soft_seconds,
					    sa->hard_seconds);
	return ret;
}

/* Keywords of "sa add"; any longer list repeats one. */
#define SA_ADD_KEYWORDS	20

static bool seen_before(char **argv, const int *kw, int n, int i)
{
	int k;

	for (k = 0; k < n; k++)
		if (!strcmp(argv[kw[k]], argv[i]))
			return true;
	return false;
}

/*
 * -j of "sa add", "sa del", "sa flush": @what ("added", "deleted" or
 * "flushed") naming the tunnel, and the SA unless @dir_spi is false.
 */
static void sa_result_json(const char *what, uint32_t tunnel, bool dir_spi,
			   unsigned int dir, uint32_t spi)
{
	struct json j;

	json_document_open(&j, stdout);
	json_object_open(&j, what);
	if (tunnel)
		json_u64(&j, "tunnel", tunnel);
	if (dir_spi) {
		json_string(&j, "dir", sgw_dir_name(dir));
		json_u64(&j, "spi", spi);
	}
	json_object_close(&j);
	json_document_close(&j);
}

static int sa_add(struct ctx *ctx, int argc, char **argv)
{
	struct sa_add_args a = { .req.sa.mode = SGW_MODE_TUNNEL };
	int i, ret, kw[SA_ADD_KEYWORDS], n_kw = 0;
	uint8_t key[SGW_KEY_MAX];
	struct sgwnl *nl;
	char err[320];

	if (argc < 1)
		return usage_error("sa add: name a tunnel (id, interface or configured name)");
	if (parse_tunnel_arg(argv[0], &a.ref, err, sizeof(err)))
		return usage_error("sa add: %s", err);
	/* KEYWORD VALUE pairs, and "encap SPORT DPORT" with two values. */
	for (i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return usage_error("sa add: \"%s\" needs a value", argv[i]);
		if (seen_before(argv, kw, n_kw, i))
			return usage_error("sa add: \"%s\" given twice", argv[i]);
		kw[n_kw++] = i;
		if (!strcmp(argv[i], "encap")) {
			if (i + 2 >= argc)
				return usage_error("sa add: \"encap\" needs two values: the UDP source and destination ports");
			ret = parse_encap(argv[i + 1], argv[i + 2],
					  &a.req.sa.encap_sport,
					  &a.req.sa.encap_dport, err, sizeof(err));
			i++;
		} else {
			ret = parse_sa_keyword(&a, argv[i], argv[i + 1], err,
					       sizeof(err));
		}
		if (ret == -ENOENT)
			return usage_error("sa add: unknown keyword \"%s\" (expected dir, spi, mode, alg, key-file, replay-window, esn, seq, encap, local-ts, remote-ts or a lifetime such as soft-bytes)",
					   argv[i]);
		if (ret)
			return usage_error("sa add: %s", err);
	}
	ret = check_sa_add(&a);
	if (ret)
		return ret;
	a.req.sa.alg = a.alg->id;

	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	ret = tunnel_id_of(nl, "sa add", argv[0], &a.ref, &a.req.sa.tunnel_id);
	if (ret)
		goto out;
	/* The key lives from here to the wipe below, no longer. */
	if (read_key_file(a.key_file, a.alg, key, stderr, err, sizeof(err))) {
		ret = fail("sa add: %s", err);
		goto out;
	}
	a.req.key = key;
	a.req.key_len = a.alg->key_len;
	if (sgwnl_sa_add(nl, &a.req))
		ret = fail("sa add: %s", sgwnl_error(nl));
	else if (ctx->json)
		sa_result_json("added", a.req.sa.tunnel_id, true, a.req.sa.dir,
			       a.req.sa.spi);
	explicit_bzero(key, sizeof(key));
out:
	sgwnl_close(nl);
	return ret;
}

static int sa_del(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_sa_id id = { 0 };
	struct sgw_tunnel_ref ref;
	bool dir = false, spi = false;
	struct sgwnl *nl;
	char err[256];
	int i, ret;

	if (argc < 1)
		return usage_error("sa del: name a tunnel (id, interface or configured name)");
	if (parse_tunnel_arg(argv[0], &ref, err, sizeof(err)))
		return usage_error("sa del: %s", err);
	for (i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return usage_error("sa del: \"%s\" needs a value", argv[i]);
		if (keyword_repeated(argv, 1, i))
			return usage_error("sa del: \"%s\" given twice", argv[i]);
		if (!strcmp(argv[i], "dir")) {
			ret = parse_dir(argv[i + 1], &id.dir, err, sizeof(err));
			dir = true;
		} else if (!strcmp(argv[i], "spi")) {
			ret = parse_spi(argv[i + 1], &id.spi, err, sizeof(err));
			spi = true;
		} else {
			return usage_error("sa del: unknown keyword \"%s\" (expected dir or spi)",
					   argv[i]);
		}
		if (ret)
			return usage_error("sa del: %s", err);
	}
	if (!dir || !spi)
		return usage_error("sa del: missing \"%s\"", dir ? "spi SPI" : "dir in|out");
	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	ret = tunnel_id_of(nl, "sa del", argv[0], &ref, &id.tunnel_id);
	if (!ret && sgwnl_sa_del(nl, &id))
		ret = fail("sa del: %s", sgwnl_error(nl));
	else if (!ret && ctx->json)
		sa_result_json("deleted", id.tunnel_id, true, id.dir, id.spi);
	sgwnl_close(nl);
	return ret;
}

/* Parses the optional TUNNEL of "sa flush" and "sa show"; 0 is "all". */
static int optional_tunnel(const char *cmd, int argc, char **argv,
			   struct sgw_tunnel_ref *ref)
{
	char err[256];

	memset(ref, 0, sizeof(*ref));
	if (argc > 1)
		return usage_error("%s: at most one tunnel (id, interface or configured name)", cmd);
	if (argc == 1 && parse_tunnel_arg(argv[0], ref, err, sizeof(err)))
		return usage_error("%s: %s", cmd, err);
	return 0;
}

static int sa_flush(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_tunnel_ref ref;
	uint32_t tunnel_id = 0;
	struct sgwnl *nl;
	int ret;

	ret = optional_tunnel("sa flush", argc, argv, &ref);
	if (ret)
		return ret;
	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	if (argc == 1)
		ret = tunnel_id_of(nl, "sa flush", argv[0], &ref, &tunnel_id);
	if (!ret && sgwnl_sa_flush(nl, tunnel_id))
		ret = fail("sa flush: %s", sgwnl_error(nl));
	else if (!ret && ctx->json)
		sa_result_json("flushed", tunnel_id, false, 0, 0);
	sgwnl_close(nl);
	return ret;
}

static int sa_show(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_sa_list list = { 0 };
	struct sgw_tunnel_ref ref;
	struct ctl_reply ike = { 0 };
	uint32_t tunnel_id = 0;
	bool running = false;
	struct sgwnl *nl;
	struct json j;
	size_t i;
	int ret;

	ret = optional_tunnel("sa show", argc, argv, &ref);
	if (ret)
		return ret;
	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	if (argc == 1)
		ret = tunnel_id_of(nl, "sa show", argv[0], &ref, &tunnel_id);
	if (!ret && sgwnl_sa_dump(nl, tunnel_id, &list))
		ret = fail("sa show: %s", sgwnl_error(nl));
	if (!ret)
		running = daemon_status(&ike) == 0;
	if (!ret && !running)
		fprintf(stderr, "sgwctl: sa show: the sgw daemon is not running: "
			"kernel SAs only\n");
	if (!ret && ctx->json) {
		json_document_open(&j, stdout);
		json_array_open(&j, "sas");
		for (i = 0; i < list.n; i++)
			print_sa_json_ike(&j, &list.v[i],
					  running ? ike_of_sa(&ike, &list.v[i]) : NULL);
		json_array_close(&j);
		json_document_close(&j);
	} else if (!ret) {
		for (i = 0; running && i < ike.n; i++)
			if (!tunnel_id || ike.v[i].id == tunnel_id)
				print_ike(stdout, &ike.v[i]);
		for (i = 0; i < list.n; i++)
			print_sa(stdout, &list.v[i]);
	}
	ctl_reply_free(&ike);
	sgw_sa_list_free(&list);
	sgwnl_close(nl);
	return ret;
}

/* Negotiate now: one tunnel (name, id or interface) or every enabled one. */
static int sa_refresh(struct ctx *ctx, int argc, char **argv)
{
	struct ctl_request req = { .verb = CTL_REFRESH };

	if (argc > 1)
		return usage_error("sa refresh: at most one tunnel (name, id or interface)");
	if (argc && strlen(argv[0]) >= sizeof(req.arg))
		return usage_error("sa refresh: tunnel \"%s\" is too long", argv[0]);
	if (argc)
		snprintf(req.arg, sizeof(req.arg), "%s", argv[0]);
	return daemon_call(ctx, "sa refresh", &req, true);
}

static const struct command sa_cmds[] = {
	{ "add", sa_add,
	  "TUNNEL dir in|out spi SPI [mode tunnel|transport] alg ALG key-file FILE|- [replay-window N] "
	  "[esn yes|no] [seq N] [soft-bytes N] [hard-bytes N] [soft-packets N] "
	  "[hard-packets N] [soft-seconds N] [hard-seconds N] [encap SPORT DPORT] "
	  "[local-ts PFX[,PFX...]|any] [remote-ts PFX[,PFX...]|any]",
	  "add an SA with a key read from FILE (hex); a new outbound SA replaces the old" },
	{ "del", sa_del, "TUNNEL dir in|out spi SPI", "delete one SA" },
	{ "flush", sa_flush, "[TUNNEL]", "delete the SAs of one tunnel or of all" },
	{ "show", sa_show, "[TUNNEL]",
	  "show SAs, their counters (never keys) and the IKE SAs behind them" },
	{ "refresh", sa_refresh, "[TUNNEL]",
	  "negotiate new SAs now (the daemon's tunnels; all without TUNNEL)" },
	{ 0 }
};

int cmd_sa(struct ctx *ctx, int argc, char **argv)
{
	return dispatch(ctx, "sgwctl sa", sa_cmds, argc, argv);
}
