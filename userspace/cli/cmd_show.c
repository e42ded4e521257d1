// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl show [--brief] [TUNNEL]: the whole gateway at a glance: module,
 * tunnels, the daemon's IKE view of each and their SAs; --brief: one line
 * per tunnel with its state and transfer totals.
 */

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "daemon_client.h"
#include "devstat.h"
#include "json.h"
#include "nl.h"
#include "print.h"

struct view {
	struct sgw_module_info info;
	struct sgw_tunnel_list tunnels;
	struct sgw_sa_list sas;
	struct ctl_reply ike;
	bool running;
	uint32_t only;		/* 0: every tunnel */
};

static const struct ctl_tunnel *ike_of(const struct view *v, uint32_t id)
{
	size_t i;

	for (i = 0; v->running && i < v->ike.n; i++)
		if (v->ike.v[i].id == id)
			return &v->ike.v[i];
	return NULL;
}

static bool kernel_has(const struct view *v, uint32_t id)
{
	size_t i;

	for (i = 0; i < v->tunnels.n; i++)
		if (v->tunnels.v[i].id == id)
			return true;
	return false;
}

static bool wanted(const struct view *v, uint32_t id)
{
	return !v->only || v->only == id;
}

/* The IKE responder's load (RFC 7296 §2.6); left out without a daemon. */
static void show_load_json(struct json *j, const struct view *v)
{
	const struct ctl_ike_load *l = &v->ike.load;
	unsigned int k;
	size_t i;

	if (!v->running || !l->valid)
		return;
	json_object_open(j, "ike");
	json_u64(j, "half_open", l->half_open);
	json_u64(j, "half_open_limit", l->half_open_limit);
	json_u64(j, "half_open_max", l->half_open_max);
	json_bool(j, "cookies_demanded", l->cookies_demanded);
	json_u64(j, "cookies_sent", l->cookies_sent);
	json_u64(j, "half_open_dropped", l->half_open_dropped);
	json_u64(j, "half_open_expired", l->half_open_expired);
	json_object_open(j, "exchanges");
	for (k = 0; k < CTL_EXCHANGE_KINDS; k++) {
		char key[32];

		/* JSON keys are lower case: "ike_sa_init". */
		for (i = 0; ctl_exchange_names[k][i] && i + 1 < sizeof(key); i++)
			key[i] = (char)tolower((unsigned char)ctl_exchange_names[k][i]);
		key[i] = '\0';
		json_object_open(j, key);
		json_u64(j, "initiated", l->exchanges[k][0]);
		json_u64(j, "answered", l->exchanges[k][1]);
		json_object_close(j);
	}
	json_object_close(j);
	json_object_close(j);
}

/*
 * While COOKIEs are demanded, or once the responder has been under load
 * since the daemon started: the half-open count, the limit and what the
 * load did. Nothing on a gateway that never was.
 */
static void show_load_human(const struct view *v)
{
	const struct ctl_ike_load *l = &v->ike.load;

	if (!v->running || !l->valid ||
	    (!l->cookies_demanded && !l->cookies_sent && !l->half_open_dropped))
		return;
	printf("IKE: %" PRIu32 " half-open SA%s (limit %" PRIu32 ")%s\n",
	       l->half_open, l->half_open == 1 ? "" : "s", l->half_open_limit,
	       l->cookies_demanded ? ": demanding COOKIEs from initiators" :
	       ", not demanding COOKIEs");
	printf("  since start: %" PRIu64 " COOKIEs sent, %" PRIu64
	       " half-open expired, %" PRIu64 " dropped at %" PRIu32 "\n",
	       l->cookies_sent, l->half_open_expired, l->half_open_dropped,
	       l->half_open_max);
}

/* The states a configured tunnel can be in, as the daemon names them. */
static const char *const tunnel_states[] = {
	"disabled", "idle", "connecting", "established", "failed",
};

/*
 * The daemon: running or not; when running its pid, up time, file and
 * its tunnels counted by state (every state, 0 included).
 */
static void show_daemon_json(struct json *j, const struct view *v)
{
	json_object_open(j, "daemon");
	json_bool(j, "running", v->running);
	json_string(j, "state", v->running ? "running" : "stopped");
	if (v->running && v->ike.daemon.pid) {
		json_u64(j, "pid", (uint64_t)v->ike.daemon.pid);
		json_u64(j, "uptime", v->ike.daemon.uptime);
		json_string(j, "config", v->ike.daemon.config);
	}
	if (v->running) {
		size_t i, k, n;

		json_object_open(j, "tunnel_states");
		json_u64(j, "total", v->ike.n);
		for (k = 0; k < sizeof(tunnel_states) / sizeof(tunnel_states[0]); k++) {
			for (i = 0, n = 0; i < v->ike.n; i++)
				n += !strcmp(v->ike.v[i].state, tunnel_states[k]);
			json_u64(j, tunnel_states[k], n);
		}
		json_object_close(j);
	}
	show_load_json(j, v);
	json_object_close(j);
}

static void show_json(const struct view *v)
{
	const struct ctl_tunnel *ike;
	struct json j;
	size_t i;

	json_document_open(&j, stdout);
	json_string(&j, "module", v->info.version);
	show_daemon_json(&j, v);
	json_array_open(&j, "tunnels");
	for (i = 0; i < v->tunnels.n; i++) {
		if (!wanted(v, v->tunnels.v[i].id))
			continue;
		json_object_open(&j, NULL);
		print_tunnel_json_fields(&j, &v->tunnels.v[i]);
		ike = ike_of(v, v->tunnels.v[i].id);
		if (ike) {
			json_object_open(&j, "ike");
			print_ike_json_fields(&j, ike);
			json_object_close(&j);
		}
		json_object_close(&j);
	}
	json_array_close(&j);
	/* Configured tunnels the kernel does not have (creation failed). */
	json_array_open(&j, "unplaced");
	for (i = 0; v->running && i < v->ike.n; i++)
		if (wanted(v, v->ike.v[i].id) && !kernel_has(v, v->ike.v[i].id))
			print_ike_json(&j, &v->ike.v[i]);
	json_array_close(&j);
	json_array_open(&j, "sas");
	for (i = 0; i < v->sas.n; i++)
		if (wanted(v, v->sas.v[i].tunnel_id))
			print_sa_json_ike(&j, &v->sas.v[i],
					  v->running ? ike_of_sa(&v->ike, &v->sas.v[i]) : NULL);
	json_array_close(&j);
	json_document_close(&j);
}

/* Each tunnel followed by the daemon's view of it and its own SAs. */
static void show_human(const struct view *v)
{
	const struct ctl_tunnel *ike;
	size_t i, k;

	printf("sgw module %s, %zu tunnel%s; daemon %s\n", v->info.version,
	       v->tunnels.n, v->tunnels.n == 1 ? "" : "s",
	       v->running ? v->ike.message : "not running (kernel state only)");
	show_load_human(v);
	for (i = 0; i < v->tunnels.n; i++) {
		if (!wanted(v, v->tunnels.v[i].id))
			continue;
		printf("\n");
		print_tunnel(stdout, &v->tunnels.v[i]);
		ike = ike_of(v, v->tunnels.v[i].id);
		if (ike)
			print_ike(stdout, ike);
		for (k = 0; k < v->sas.n; k++)
			if (v->sas.v[k].tunnel_id == v->tunnels.v[i].id)
				print_sa(stdout, &v->sas.v[k]);
	}
	for (i = 0; v->running && i < v->ike.n; i++) {
		if (!wanted(v, v->ike.v[i].id) || kernel_has(v, v->ike.v[i].id))
			continue;
		printf("\n(no kernel tunnel)\n");
		print_ike(stdout, &v->ike.v[i]);
	}
}

/* 1536 -> "1.5 KiB": bytes below 1 KiB as they are. */
static void human_bytes(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", n);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

/* The daemon's state, or the kernel's enabled flag without a daemon. */
static const char *brief_state(const struct sgw_tunnel_info *t,
			       const struct ctl_tunnel *ike)
{
	if (ike)
		return ike->state;
	return t->enabled ? "enabled" : "disabled";
}

static void show_brief(const struct view *v, bool json)
{
	const struct ctl_tunnel *ike;
	struct json j;
	size_t i;

	if (json) {
		json_document_open(&j, stdout);
		json_array_open(&j, "tunnels");
	} else {
		printf("%-15s %-15s %-11s %-36s %10s %10s\n", "INTERFACE",
		       "NAME", "STATE", "LOCAL -> REMOTE", "RX", "TX");
	}
	for (i = 0; i < v->tunnels.n; i++) {
		const struct sgw_tunnel_info *t = &v->tunnels.v[i];
		char local[SGW_PREFIX_STRLEN], remote[SGW_PREFIX_STRLEN];
		char peers[2 * SGW_PREFIX_STRLEN + 8], rx[32], tx[32];
		uint64_t rxb = devstat_counter(t->ifname, "rx_bytes");
		uint64_t txb = devstat_counter(t->ifname, "tx_bytes");

		if (!wanted(v, t->id))
			continue;
		ike = ike_of(v, t->id);
		sgw_addr_format(&t->local, local, sizeof(local));
		sgw_addr_format(&t->remote, remote, sizeof(remote));
		if (json) {
			json_object_open(&j, NULL);
			json_u64(&j, "id", t->id);
			json_string(&j, "ifname", t->ifname);
			if (ike)
				json_string(&j, "name", ike->name);
			json_string(&j, "state", brief_state(t, ike));
			if (t->local.family)
				json_string(&j, "local", local);
			if (t->remote.family)
				json_string(&j, "remote", remote);
			json_u64(&j, "rx_bytes", rxb);
			json_u64(&j, "tx_bytes", txb);
			json_u64(&j, "rx_packets",
				 devstat_counter(t->ifname, "rx_packets"));
			json_u64(&j, "tx_packets",
				 devstat_counter(t->ifname, "tx_packets"));
			json_object_close(&j);
			continue;
		}
		snprintf(peers, sizeof(peers), "%s -> %s", local, remote);
		human_bytes(rxb, rx, sizeof(rx));
		human_bytes(txb, tx, sizeof(tx));
		printf("%-15s %-15s %-11s %-36s %10s %10s\n", t->ifname,
		       ike ? ike->name : "-", brief_state(t, ike), peers, rx,
		       tx);
	}
	if (json) {
		json_array_close(&j);
		json_document_close(&j);
	}
}

/* TUNNEL: an id, an interface name or a configured tunnel's name. */
static int pick(struct view *v, const char *arg)
{
	char *end;
	unsigned long id = strtoul(arg, &end, 10);
	size_t i;

	for (i = 0; i < v->tunnels.n; i++)
		if (!strcmp(v->tunnels.v[i].ifname, arg) ||
		    (!*end && end != arg && v->tunnels.v[i].id == id))
			v->only = v->tunnels.v[i].id;
	for (i = 0; !v->only && v->running && i < v->ike.n; i++)
		if (!strcmp(v->ike.v[i].name, arg) ||
		    !strcmp(v->ike.v[i].ifname, arg) ||
		    (!*end && end != arg && v->ike.v[i].id == id))
			v->only = v->ike.v[i].id;
	return v->only ? 0 : -1;
}

int cmd_show(struct ctx *ctx, int argc, char **argv)
{
	struct view v;
	struct sgwnl *nl;
	bool brief = false;
	int i, n = 0, ret = 0;

	memset(&v, 0, sizeof(v));
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--brief") || !strcmp(argv[i], "-b"))
			brief = true;
		else if (argv[i][0] == '-')
			return usage_error("show: unknown option \"%s\" (only "
					   "--brief)", argv[i]);
		else
			argv[n++] = argv[i];
	}
	argc = n;
	if (argc > 1)
		return usage_error("show: at most one tunnel (name, id or interface)");
	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	if (sgwnl_get_info(nl, &v.info) || sgwnl_tunnel_dump(nl, &v.tunnels) ||
	    sgwnl_sa_dump(nl, 0, &v.sas)) {
		ret = fail("show: %s", sgwnl_error(nl));
		goto out;
	}
	v.running = daemon_status(&v.ike) == 0;
	if (argc == 1 && pick(&v, argv[0])) {
		ret = fail("show: no tunnel \"%s\" (by id, interface or configured name)",
			   argv[0]);
		goto out;
	}
	if (brief)
		show_brief(&v, ctx->json);
	else if (ctx->json)
		show_json(&v);
	else
		show_human(&v);
out:
	ctl_reply_free(&v.ike);
	sgw_sa_list_free(&v.sas);
	sgw_tunnel_list_free(&v.tunnels);
	sgwnl_close(nl);
	return ret;
}
