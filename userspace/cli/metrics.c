// SPDX-License-Identifier: GPL-2.0
/*
 * The text of "sgwctl metrics" (metrics.h). Every sample of a tunnel
 * carries tunnel="NAME" (the configured name, or the interface name where
 * no daemon names it) and id="ID".
 */

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

/* The states "sgwctl show" reports; each gets a sample of sgw_tunnel_state. */
static const char *const states[] = {
	"disabled", "idle", "connecting", "established", "failed",
};

static const struct {
	const char *name, *help;
	size_t off;
} dev_counters[] = {
	{ "sgw_tunnel_receive_bytes_total",
	  "Bytes the tunnel device received (decrypted), across every SA and rekey.",
	  offsetof(struct metrics_dev_stats, rx_bytes) },
	{ "sgw_tunnel_transmit_bytes_total",
	  "Bytes the tunnel device sent (before encryption), across every SA and rekey.",
	  offsetof(struct metrics_dev_stats, tx_bytes) },
	{ "sgw_tunnel_receive_packets_total",
	  "Packets the tunnel device received, across every SA and rekey.",
	  offsetof(struct metrics_dev_stats, rx_packets) },
	{ "sgw_tunnel_transmit_packets_total",
	  "Packets the tunnel device sent, across every SA and rekey.",
	  offsetof(struct metrics_dev_stats, tx_packets) },
}, ike_counters[] = {
	{ "sgw_tunnel_child_rekeys_total", "CHILD SA rekeys completed.",
	  offsetof(struct ctl_tunnel, child_rekeys) },
	{ "sgw_tunnel_ike_rekeys_total", "IKE SA rekeys completed.",
	  offsetof(struct ctl_tunnel, ike_rekeys) },
	{ "sgw_tunnel_rekey_collisions_total",
	  "Simultaneous rekeys resolved (RFC 7296 section 2.8.1).",
	  offsetof(struct ctl_tunnel, collisions) },
	{ "sgw_tunnel_liveness_failures_total",
	  "Peers declared dead by the liveness check.",
	  offsetof(struct ctl_tunnel, liveness_failures) },
	{ "sgw_tunnel_ike_restarts_total",
	  "IKE SAs negotiated anew after a failure or a dead peer.",
	  offsetof(struct ctl_tunnel, restarts) },
	{ "sgw_tunnel_ike_reauths_total", "IKE SAs reauthenticated.",
	  offsetof(struct ctl_tunnel, reauths) },
};

void metrics_label_value(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '"')
			fputs("\\\"", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

static void family(FILE *out, const char *name, const char *type,
		   const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* "NAME{tunnel="T",id="ID"": the caller adds labels, then ends it. */
static void sample(FILE *out, const char *name, const char *tunnel,
		   uint32_t id)
{
	fprintf(out, "%s{tunnel=\"", name);
	metrics_label_value(out, tunnel);
	fprintf(out, "\",id=\"%" PRIu32 "\"", id);
}

static void label(FILE *out, const char *key, const char *value)
{
	fprintf(out, ",%s=\"", key);
	metrics_label_value(out, value);
	fputc('"', out);
}

static void value(FILE *out, uint64_t v)
{
	fprintf(out, "} %" PRIu64 "\n", v);
}

static const struct ctl_tunnel *ike_of(const struct metrics_view *v,
				       uint32_t id)
{
	size_t i;

	for (i = 0; v->ike && i < v->ike->n; i++)
		if (v->ike->v[i].id == id)
			return &v->ike->v[i];
	return NULL;
}

static const char *kernel_name(const struct metrics_view *v, size_t i)
{
	const struct ctl_tunnel *ike = ike_of(v, v->tunnels->v[i].id);

	return ike && ike->name[0] ? ike->name : v->tunnels->v[i].ifname;
}

static const char *ike_name(const struct ctl_tunnel *t)
{
	return t->name[0] ? t->name : t->ifname;
}

static void format_daemon(FILE *out, const struct metrics_view *v)
{
	const struct ctl_ike_load *l = v->ike ? &v->ike->load : NULL;
	unsigned int k;

	family(out, "sgw_daemon_up", "gauge",
	       "Whether the IKE daemon answers on its control socket.");
	fprintf(out, "sgw_daemon_up %d\n", v->ike ? 1 : 0);
	if (!v->ike)
		return;
	if (v->uptime >= 0) {
		family(out, "sgw_daemon_uptime_seconds", "gauge",
		       "Seconds since the IKE daemon started.");
		fprintf(out, "sgw_daemon_uptime_seconds %" PRId64 "\n",
			v->uptime);
	}
	family(out, "sgw_daemon_tunnels", "gauge",
	       "Tunnels in the daemon's configuration.");
	fprintf(out, "sgw_daemon_tunnels %zu\n", v->ike->n);
	if (!l->valid)
		return;
	family(out, "sgw_daemon_ike_half_open", "gauge",
	       "Responder IKE SAs waiting for IKE_AUTH.");
	fprintf(out, "sgw_daemon_ike_half_open %" PRIu32 "\n", l->half_open);
	family(out, "sgw_daemon_ike_cookies_demanded", "gauge",
	       "Whether the responder now demands COOKIEs (RFC 7296 section 2.6).");
	fprintf(out, "sgw_daemon_ike_cookies_demanded %d\n",
		l->cookies_demanded ? 1 : 0);
	family(out, "sgw_daemon_ike_cookies_sent_total", "counter",
	       "COOKIEs the responder demanded from initiators.");
	fprintf(out, "sgw_daemon_ike_cookies_sent_total %" PRIu64 "\n",
		l->cookies_sent);
	family(out, "sgw_daemon_ike_half_open_dropped_total", "counter",
	       "IKE_SA_INIT requests dropped at the half-open maximum.");
	fprintf(out, "sgw_daemon_ike_half_open_dropped_total %" PRIu64 "\n",
		l->half_open_dropped);
	family(out, "sgw_daemon_ike_half_open_expired_total", "counter",
	       "Half-open responder IKE SAs that expired without IKE_AUTH.");
	fprintf(out, "sgw_daemon_ike_half_open_expired_total %" PRIu64 "\n",
		l->half_open_expired);
	family(out, "sgw_daemon_ike_exchanges_total", "counter",
	       "IKE exchanges completed since start, by type and by who started them.");
	for (k = 0; k < CTL_EXCHANGE_KINDS; k++) {
		fprintf(out, "sgw_daemon_ike_exchanges_total{exchange=\"%s\",initiator=\"local\"} %" PRIu64 "\n",
			ctl_exchange_names[k], l->exchanges[k][0]);
		fprintf(out, "sgw_daemon_ike_exchanges_total{exchange=\"%s\",initiator=\"peer\"} %" PRIu64 "\n",
			ctl_exchange_names[k], l->exchanges[k][1]);
	}
}

static void format_kernel(FILE *out, const struct metrics_view *v)
{
	const struct sgw_tunnel_list *tl = v->tunnels;
	char local[SGW_PREFIX_STRLEN], remote[SGW_PREFIX_STRLEN];
	size_t i, k;
	unsigned int r;

	if (!tl->n)
		return;
	family(out, "sgw_tunnel_info", "gauge",
	       "A tunnel of the sgw module: its interface and gateways.");
	for (i = 0; i < tl->n; i++) {
		sgw_addr_format(&tl->v[i].local, local, sizeof(local));
		sgw_addr_format(&tl->v[i].remote, remote, sizeof(remote));
		sample(out, "sgw_tunnel_info", kernel_name(v, i), tl->v[i].id);
		label(out, "interface", tl->v[i].ifname);
		label(out, "local", local);
		label(out, "remote", remote);
		value(out, 1);
	}
	family(out, "sgw_tunnel_enabled", "gauge",
	       "Whether the module's tunnel is enabled.");
	for (i = 0; i < tl->n; i++) {
		sample(out, "sgw_tunnel_enabled", kernel_name(v, i),
		       tl->v[i].id);
		value(out, tl->v[i].enabled);
	}
	for (k = 0; k < sizeof(dev_counters) / sizeof(dev_counters[0]); k++) {
		family(out, dev_counters[k].name, "counter",
		       dev_counters[k].help);
		for (i = 0; i < tl->n; i++) {
			const char *s = (const char *)&v->stats[i];

			sample(out, dev_counters[k].name, kernel_name(v, i),
			       tl->v[i].id);
			value(out, *(const uint64_t *)(s + dev_counters[k].off));
		}
	}
	family(out, "sgw_tunnel_drops_total", "counter",
	       "Packets the tunnel dropped, by reason.");
	for (i = 0; i < tl->n; i++)
		for (r = 0; r < __SGW_DROP_MAX; r++) {
			sample(out, "sgw_tunnel_drops_total", kernel_name(v, i),
			       tl->v[i].id);
			label(out, "reason", sgw_drop_name(r));
			value(out, tl->v[i].drops[r]);
		}
	family(out, "sgw_tunnel_events_total", "counter",
	       "Path-MTU and on-demand events of the tunnel, by kind.");
	for (i = 0; i < tl->n; i++)
		for (r = 0; r < __SGW_EV_MAX; r++) {
			if (!strcmp(sgw_event_name(r), "unknown"))
				continue;
			sample(out, "sgw_tunnel_events_total", kernel_name(v, i),
			       tl->v[i].id);
			label(out, "event", sgw_event_name(r));
			value(out, tl->v[i].events[r]);
		}
}

static bool known_state(const char *s)
{
	size_t k;

	for (k = 0; k < sizeof(states) / sizeof(states[0]); k++)
		if (!strcmp(states[k], s))
			return true;
	return false;
}

static void format_ike(FILE *out, const struct metrics_view *v)
{
	const struct ctl_reply *r = v->ike;
	size_t i, k;

	if (!r || !r->n)
		return;
	family(out, "sgw_tunnel_state", "gauge",
	       "The daemon's state of the tunnel: 1 for the current one.");
	for (i = 0; i < r->n; i++) {
		for (k = 0; k < sizeof(states) / sizeof(states[0]); k++) {
			sample(out, "sgw_tunnel_state", ike_name(&r->v[i]),
			       r->v[i].id);
			label(out, "state", states[k]);
			value(out, !strcmp(states[k], r->v[i].state));
		}
		if (known_state(r->v[i].state))
			continue;
		sample(out, "sgw_tunnel_state", ike_name(&r->v[i]), r->v[i].id);
		label(out, "state", r->v[i].state);
		value(out, 1);
	}
	for (k = 0; k < sizeof(ike_counters) / sizeof(ike_counters[0]); k++) {
		family(out, ike_counters[k].name, "counter",
		       ike_counters[k].help);
		for (i = 0; i < r->n; i++) {
			const char *t = (const char *)&r->v[i];

			sample(out, ike_counters[k].name, ike_name(&r->v[i]),
			       r->v[i].id);
			value(out, *(const uint32_t *)(t + ike_counters[k].off));
		}
	}
	family(out, "sgw_tunnel_ike_failures_total", "counter",
	       "IKE negotiations that failed, by reason.");
	for (i = 0; i < r->n; i++)
		for (k = 0; k < CTL_FAIL_KINDS; k++) {
			sample(out, "sgw_tunnel_ike_failures_total",
			       ike_name(&r->v[i]), r->v[i].id);
			label(out, "reason", ctl_fail_names[k]);
			value(out, r->v[i].failures[k]);
		}
}

void metrics_format(FILE *out, const struct metrics_view *v)
{
	format_daemon(out, v);
	format_kernel(out, v);
	format_ike(out, v);
}
