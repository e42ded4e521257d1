// SPDX-License-Identifier: GPL-2.0
/* The formats are those of Documentation/interface.md; keep them in step. */

#include <arpa/inet.h>
#include <inttypes.h>
#include <net/if.h>
#include <string.h>

#include "print.h"

static const char *alg_name(uint32_t id)
{
	const struct sgw_alg_spec *a = sgw_alg_by_id(id);

	return a ? a->name : "unknown";
}

/* Selectors as "tunnel set" reads them back: comma-separated, or any. */
static void print_ts(FILE *out, const struct sgw_ts *ts)
{
	char buf[SGW_PREFIX_STRLEN];
	unsigned int i;

	if (!ts->n)
		fputs("any", out);
	for (i = 0; i < ts->n; i++) {
		sgw_prefix_format(&ts->v[i], buf, sizeof(buf));
		fprintf(out, "%s%s", i ? "," : "", buf);
	}
}

static void print_tunnel_pmtu(FILE *out, const struct sgw_tunnel_info *t);

void print_tunnel(FILE *out, const struct sgw_tunnel_info *t)
{
	char local[SGW_PREFIX_STRLEN], remote[SGW_PREFIX_STRLEN];
	unsigned int i, n = 0;

	sgw_addr_format(&t->local, local, sizeof(local));
	sgw_addr_format(&t->remote, remote, sizeof(remote));
	fprintf(out, "tunnel %u: interface %s (ifindex %u), %s\n", t->id,
		t->ifname, t->ifindex, t->enabled ? "enabled" : "disabled");
	fprintf(out, "  local %s  remote %s%s\n", local, remote,
		t->protect_gw ? "  protect-gateways on" : "");
	fputs("  local-ts ", out);
	print_ts(out, &t->local_ts);
	fputs("  remote-ts ", out);
	print_ts(out, &t->remote_ts);
	fputs("\n  drops:", out);
	for (i = 0; i < __SGW_DROP_MAX; i++) {
		if (!t->drops[i])
			continue;
		fprintf(out, "%s %s %" PRIu64, n++ ? "," : "", sgw_drop_name(i),
			t->drops[i]);
	}
	fprintf(out, "%s\n", n ? "" : " none");
	print_tunnel_pmtu(out, t);
}

/* The ctl "nat" value in words. */
static const char *nat_words(const char *nat)
{
	if (!strcmp(nat, "none"))
		return "none detected, plain ESP";
	if (!strcmp(nat, "local"))
		return "this SGW is behind a NAT; ESP in UDP, keepalives sent";
	if (!strcmp(nat, "remote"))
		return "the peer is behind a NAT; ESP in UDP";
	if (!strcmp(nat, "both"))
		return "both SGWs are behind NATs; ESP in UDP, keepalives sent";
	if (!strcmp(nat, "encap"))
		return "none detected; ESP in UDP (encap = yes)";
	return "no NAT detection (nat-traversal = no or the peer's)";
}

/* MTU, how it was derived, the exemption and events: once a peer is set. */
static void print_tunnel_pmtu(FILE *out, const struct sgw_tunnel_info *t)
{
	unsigned int i, n = 0;

	if (!t->remote.family)
		return;
	if (!t->tunnel_mtu)
		fputs("  mtu unknown: no route to the remote SGW\n", out);
	else if (t->mtu)
		fprintf(out, "  mtu %u (configured; path MTU %u)", t->tunnel_mtu, t->path_mtu);
	else
		fprintf(out, "  mtu %u (auto: path MTU %u minus %u bytes of ESP)",
			t->tunnel_mtu, t->path_mtu, t->path_mtu - t->tunnel_mtu);
	if (t->tunnel_mtu) {
		fprintf(out, "  outer-df %s  fragment %s  mss ", sgw_outer_df_name(t->outer_df),
			sgw_fragment_name(t->fragment));
		if (t->mss == SGW_MSS_OFF)
			fputs("off\n", out);
		else if (t->mss)
			fprintf(out, "%u\n", t->mss);
		else
			fputs("auto\n", out);
	}
	if (t->exempt_ifindex) {
		char remote[SGW_PREFIX_STRLEN], dev[IF_NAMESIZE];

		sgw_addr_format(&t->remote, remote, sizeof(remote));
		if (!if_indextoname(t->exempt_ifindex, dev))
			snprintf(dev, sizeof(dev), "%u", t->exempt_ifindex);
		if (t->exempt_via.family) {
			char via[SGW_PREFIX_STRLEN];

			sgw_addr_format(&t->exempt_via, via, sizeof(via));
			fprintf(out, "  exempt %s via %s dev %s\n", remote, via, dev);
		} else {
			fprintf(out, "  exempt %s dev %s\n", remote, dev);
		}
	}
	for (i = 0; i < __SGW_EV_MAX; i++) {
		if (!t->events[i])
			continue;
		fprintf(out, "%s %s %" PRIu64, n++ ? "," : "  events:", sgw_event_name(i),
			t->events[i]);
	}
	if (n)
		fputc('\n', out);
}

/* A counter keyed by a human name: "no-sa" becomes the key "no_sa". */
static void json_counter(struct json *j, const char *name, uint64_t v)
{
	char key[64];
	size_t i;

	for (i = 0; i < sizeof(key) - 1 && name[i]; i++)
		key[i] = name[i] == '-' ? '_' : name[i];
	key[i] = '\0';
	json_u64(j, key, v);
}

static void json_addr(struct json *j, const char *key,
		      const struct sgw_ipaddr *a)
{
	char buf[SGW_PREFIX_STRLEN];

	if (!a->family)
		return;		/* unset: the key is left out */
	sgw_addr_format(a, buf, sizeof(buf));
	json_string(j, key, buf);
}

static void json_ts(struct json *j, const char *key, const struct sgw_ts *ts)
{
	char buf[SGW_PREFIX_STRLEN];
	unsigned int i;

	json_array_open(j, key);
	for (i = 0; i < ts->n; i++) {
		sgw_prefix_format(&ts->v[i], buf, sizeof(buf));
		json_string(j, NULL, buf);
	}
	json_array_close(j);
}

static void json_tunnel_exempt(struct json *j, const struct sgw_tunnel_info *t)
{
	char dev[IF_NAMESIZE];

	if (!t->exempt_ifindex)
		return;
	json_object_open(j, "exempt");
	if (if_indextoname(t->exempt_ifindex, dev))
		json_string(j, "dev", dev);
	json_u64(j, "ifindex", t->exempt_ifindex);
	json_addr(j, "via", &t->exempt_via);
	json_object_close(j);
}

void print_tunnel_json(struct json *j, const struct sgw_tunnel_info *t)
{
	json_object_open(j, NULL);
	print_tunnel_json_fields(j, t);
	json_object_close(j);
}

void print_tunnel_json_fields(struct json *j, const struct sgw_tunnel_info *t)
{
	unsigned int i;

	json_u64(j, "id", t->id);
	json_string(j, "ifname", t->ifname);
	json_u64(j, "ifindex", t->ifindex);
	json_bool(j, "enabled", t->enabled);
	json_addr(j, "local", &t->local);
	json_addr(j, "remote", &t->remote);
	json_ts(j, "local_ts", &t->local_ts);
	json_ts(j, "remote_ts", &t->remote_ts);
	json_object_open(j, "drops");
	for (i = 0; i < __SGW_DROP_MAX; i++)
		json_counter(j, sgw_drop_name(i), t->drops[i]);
	json_object_close(j);
	/* mtu: the configured MTU, or with mtu_auto the derived one. */
	json_bool(j, "mtu_auto", !t->mtu);
	json_u64(j, "mtu", t->mtu ? t->mtu : t->tunnel_mtu);
	if (t->mss == SGW_MSS_OFF) {
		json_string(j, "mss_mode", "off");
	} else if (t->mss) {
		json_string(j, "mss_mode", "fixed");
		json_u64(j, "mss", t->mss);
	} else {
		json_string(j, "mss_mode", "auto");
	}
	json_string(j, "outer_df", sgw_outer_df_name(t->outer_df));
	json_string(j, "fragment", sgw_fragment_name(t->fragment));
	json_u64(j, "path_mtu", t->path_mtu);
	json_u64(j, "tunnel_mtu", t->tunnel_mtu);
	json_object_open(j, "events");
	for (i = 0; i < __SGW_EV_MAX; i++)
		json_counter(j, sgw_event_name(i), t->events[i]);
	json_object_close(j);
	json_tunnel_exempt(j, t);
	json_bool(j, "protect_gateways", t->protect_gw);
}

static bool has_lifetime(const struct sgw_sa_info *sa)
{
	return sa->soft_bytes || sa->soft_packets || sa->soft_seconds ||
	       sa->hard_bytes || sa->hard_packets || sa->hard_seconds;
}

void print_sa(FILE *out, const struct sgw_sa_info *sa)
{
	fprintf(out, "tunnel %u: sa %s spi 0x%08x %s %s", sa->tunnel_id,
		sgw_dir_name(sa->dir), sa->spi, alg_name(sa->alg),
		sgw_mode_name(sa->mode));
	/* Only inbound SAs check for replays. */
	if (sa->dir == SGW_DIR_IN)
		fprintf(out, " replay-window %u", sa->replay_window);
	if (sa->esn)
		fputs(" esn", out);
	if (sa->encap_sport)
		fprintf(out, " encap %u %u", sa->encap_sport, sa->encap_dport);
	if (sa->soft_expired)
		fputs(" soft-expired", out);
	if (sa->has_ts) {
		fputs("\n  local-ts ", out);
		print_ts(out, &sa->local_ts);
		fputs("  remote-ts ", out);
		print_ts(out, &sa->remote_ts);
	}
	fprintf(out, "\n  seq %" PRIu64 "  bytes %" PRIu64 "  packets %" PRIu64
		"  age %" PRIu64 "s\n", sa->seq, sa->bytes, sa->packets, sa->age);
	if (!has_lifetime(sa))
		return;
	fprintf(out, "  lifetime: soft %" PRIu64 " bytes/%" PRIu64 " packets/%"
		PRIu64 "s, hard %" PRIu64 " bytes/%" PRIu64 " packets/%" PRIu64
		"s\n", sa->soft_bytes, sa->soft_packets, sa->soft_seconds,
		sa->hard_bytes, sa->hard_packets, sa->hard_seconds);
}

static void sa_json_fields(struct json *j, const struct sgw_sa_info *sa)
{
	json_u64(j, "tunnel", sa->tunnel_id);
	json_string(j, "dir", sgw_dir_name(sa->dir));
	json_u64(j, "spi", sa->spi);
	json_string(j, "alg", alg_name(sa->alg));
	json_string(j, "mode", sgw_mode_name(sa->mode));
	json_u64(j, "replay_window", sa->replay_window);
	json_bool(j, "esn", sa->esn);
	/* ESP in UDP: both ports, 0 and 0 with "encap" false. */
	json_bool(j, "encap", sa->encap_sport != 0);
	json_u64(j, "encap_sport", sa->encap_sport);
	json_u64(j, "encap_dport", sa->encap_dport);
	/* The SA's own selectors; left out: the tunnel's. */
	if (sa->has_ts) {
		json_ts(j, "local_ts", &sa->local_ts);
		json_ts(j, "remote_ts", &sa->remote_ts);
	}
	json_u64(j, "seq", sa->seq);
	json_u64(j, "bytes", sa->bytes);
	json_u64(j, "packets", sa->packets);
	json_u64(j, "age", sa->age);
	json_bool(j, "soft_expired", sa->soft_expired);
	json_u64(j, "soft_bytes", sa->soft_bytes);
	json_u64(j, "hard_bytes", sa->hard_bytes);
	json_u64(j, "soft_packets", sa->soft_packets);
	json_u64(j, "hard_packets", sa->hard_packets);
	json_u64(j, "soft_seconds", sa->soft_seconds);
	json_u64(j, "hard_seconds", sa->hard_seconds);
}

void print_sa_json(struct json *j, const struct sgw_sa_info *sa)
{
	json_object_open(j, NULL);
	sa_json_fields(j, sa);
	json_object_close(j);
}

void print_sa_json_ike(struct json *j, const struct sgw_sa_info *sa,
		       const struct ctl_tunnel *ike)
{
	json_object_open(j, NULL);
	sa_json_fields(j, sa);
	if (ike) {
		char spi[20];

		json_object_open(j, "ike");
		json_string(j, "name", ike->name);
		snprintf(spi, sizeof(spi), "%016" PRIx64, ike->spi_i);
		json_string(j, "spi_i", spi);
		snprintf(spi, sizeof(spi), "%016" PRIx64, ike->spi_r);
		json_string(j, "spi_r", spi);
		json_string(j, "proposal", ike->proposal);
		json_string(j, "peer_id", ike->peer_id);
		json_object_close(j);
	}
	json_object_close(j);
}

const struct ctl_tunnel *ike_of_sa(const struct ctl_reply *r,
				   const struct sgw_sa_info *sa)
{
	size_t i;
	unsigned int k;

	for (i = 0; r && i < r->n; i++) {
		if (r->v[i].id != sa->tunnel_id)
			continue;
		for (k = 0; k < r->v[i].n_children; k++)
			if ((sa->dir == SGW_DIR_IN ? r->v[i].child[k].spi_in :
			     r->v[i].child[k].spi_out) == sa->spi)
				return &r->v[i];
	}
	return NULL;
}

static void age_str(uint64_t s, char *buf, size_t len)
{
	if (s < 120)
		snprintf(buf, len, "%" PRIu64 "s", s);
	else if (s < 7200)
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m", s / 3600,
			 s / 60 % 60);
}

/* What auto refresh did and will do: "ipsec auto refresh" made visible. */
static void print_refresh(FILE *out, const struct ctl_tunnel *t)
{
	char when[32];

	/* Nothing to say of a tunnel that never came up or failed. */
	if (strcmp(t->state, "established") && !t->held &&
	    !t->retry_in && !t->child_rekeys && !t->ike_rekeys &&
	    !t->liveness_failures && !t->reauths)
		return;
	fprintf(out, "  refresh:");
	if (t->generation)
		fprintf(out, " IKE SA generation %" PRIu32 ",", t->generation);
	if (t->rekey_in) {
		age_str(t->rekey_in, when, sizeof(when));
		fprintf(out, " rekey in %s,", when);
	}
	fprintf(out, " %" PRIu32 " CHILD SA rekey%s, %" PRIu32 " IKE SA "
		"rekey%s, %" PRIu32 " collision%s, %" PRIu32 " liveness "
		"failure%s, %" PRIu32 " restart%s\n", t->child_rekeys,
		t->child_rekeys == 1 ? "" : "s", t->ike_rekeys,
		t->ike_rekeys == 1 ? "" : "s", t->collisions,
		t->collisions == 1 ? "" : "s", t->liveness_failures,
		t->liveness_failures == 1 ? "" : "s", t->restarts,
		t->restarts == 1 ? "" : "s");
	if (t->reauths)
		fprintf(out, "  reauthenticated %" PRIu32 " time%s (reauth = yes)\n",
			t->reauths, t->reauths == 1 ? "" : "s");
	if (t->held)
		fprintf(out, "  held after a dead peer: 'sgwctl up %s' "
			"negotiates again\n", t->name);
	else if (t->retry_in) {
		age_str(t->retry_in, when, sizeof(when));
		fprintf(out, "  next attempt in %s\n", when);
	}
}

/* IKE failures by kind, and inbound ESP that stopped arriving. */
static void print_failures(FILE *out, const struct ctl_tunnel *t)
{
	const char *sep = "  IKE failures:";
	unsigned int k;

	for (k = 0; k < CTL_FAIL_KINDS; k++) {
		if (!t->failures[k])
			continue;
		fprintf(out, "%s %s %" PRIu32, sep, ctl_fail_names[k],
			t->failures[k]);
		sep = ",";
	}
	if (*sep == ',')
		fputc('\n', out);
	if (t->esp_silent[0])
		fprintf(out, "  data path: %s\n", t->esp_silent);
}

void print_ike(FILE *out, const struct ctl_tunnel *t)
{
	char age[32];
	unsigned int k;

	fprintf(out, "ike %s (tunnel %u, %s): %s", t->name, t->id, t->ifname,
		t->state);
	if (!strcmp(t->state, "connecting"))
		fprintf(out, " (%s)", t->ike_state);
	fprintf(out, ", %s as %s -> %s\n", t->local, t->local_id,
		t->remote[0] ? t->remote : t->remote_any ? "any" :
		t->remote_name);
	if (t->local_why[0])
		fprintf(out, "  local %s (%s)\n", t->local, t->local_why);
	if (t->remote_any && t->remote[0])
		fprintf(out, "  remote any (now %s)\n", t->remote);
	else if (t->remote_any)
		fprintf(out, "  remote any (no peer connected)\n");
	if (t->remote_name[0])
		fprintf(out, "  remote %s (%s)\n",
			t->remote[0] ? t->remote : "unresolved",
			t->remote_name);
	if (!strcmp(t->state, "established")) {
		char quiet[32];

		age_str(t->age, age, sizeof(age));
		age_str(t->quiet, quiet, sizeof(quiet));
		fprintf(out, "  IKE SA %016" PRIx64 "_i%s %016" PRIx64 "_r%s %s, "
			"peer %s, age %s, last message from the peer %s ago\n",
			t->spi_i, t->initiator ? "*" : "", t->spi_r,
			t->initiator ? "" : "*", t->proposal, t->peer_id, age,
			quiet);
		if (t->esp_rx_seen)
			fprintf(out, "  last ESP from the peer %s ago\n",
				(age_str(t->esp_rx_ago, quiet, sizeof(quiet)),
				 quiet));
		if (t->ike_tunnel && t->ike_tunnel != t->id)
			fprintf(out, "    of tunnel %" PRIu32 ": this tunnel's "
				"CHILD SA rides on it (the peer asked there)\n",
				t->ike_tunnel);
	}
	if (t->nat[0] && t->ike_local[0])
		fprintf(out, "  IKE %s <-> %s, NAT: %s\n", t->ike_local,
			t->ike_remote, nat_words(t->nat));
	for (k = 0; k < t->n_children; k++) {
		const struct ctl_child *c = &t->child[k];

		age_str(c->age, age, sizeof(age));
		fprintf(out, "  CHILD SA in 0x%08x out 0x%08x %s, age %s, %s === %s%s\n",
			c->spi_in, c->spi_out, c->algs, age, c->local_ts,
			c->remote_ts, c->transport ? ", transport mode "
			"(protect-gateways)" : "");
		fprintf(out, "    generation %" PRIu32, c->generation);
		if (!strcmp(c->role, "replaced"))
			fprintf(out, ", replaced: deleted once the peer has switched");
		else if (!strcmp(c->role, "switching"))
			fprintf(out, ", new: outbound switches when the peer "
				"deletes the old SA");
		else if (c->rekey_in)
			fprintf(out, ", rekey in %s", (age_str(c->rekey_in, age,
							       sizeof(age)), age));
		fputc('\n', out);
	}
	print_refresh(out, t);
	print_failures(out, t);
	if (t->failure[0])
		fprintf(out, "  last failure: %s\n", t->failure);
}

/* A time that may be unknown or not due: 0 leaves the key out. */
static void json_time(struct json *j, const char *key, uint64_t s)
{
	if (s)
		json_u64(j, key, s);
}

/* A text that may be empty: "" leaves the key out. */
static void json_text(struct json *j, const char *key, const char *s)
{
	if (s[0])
		json_string(j, key, s);
}

/* The daemon's selectors ("a/24,b/16" or "(none)") as an array. */
static void json_ts_text(struct json *j, const char *key, const char *s)
{
	const char *p = s;

	json_array_open(j, key);
	while (*p && strcmp(s, "(none)")) {
		size_t n = strcspn(p, ",");
		char buf[256];

		snprintf(buf, sizeof(buf), "%.*s", (int)n, p);
		if (n)
			json_string(j, NULL, buf);
		p += n;
		if (*p == ',')
			p++;
	}
	json_array_close(j);
}

void print_ike_json_fields(struct json *j, const struct ctl_tunnel *t)
{
	char spi[20];
	unsigned int k;

	json_u64(j, "id", t->id);
	json_string(j, "name", t->name);
	json_string(j, "ifname", t->ifname);
	json_string(j, "state", t->state);
	json_string(j, "ike_state", t->ike_state);
	json_string(j, "local", t->local);
	json_text(j, "remote", t->remote);
	json_text(j, "remote_name", t->remote_name);
	json_bool(j, "remote_any", t->remote_any);
	json_string(j, "local_id", t->local_id);
	json_text(j, "local_auto", t->local_why);
	json_bool(j, "initiator", t->initiator);
	snprintf(spi, sizeof(spi), "%016" PRIx64, t->spi_i);
	json_string(j, "spi_i", spi);
	snprintf(spi, sizeof(spi), "%016" PRIx64, t->spi_r);
	json_string(j, "spi_r", spi);
	if (t->ike_tunnel)
		json_u64(j, "ike_tunnel", t->ike_tunnel);
	json_string(j, "proposal", t->proposal);
	json_string(j, "peer_id", t->peer_id);
	json_string(j, "nat", t->nat);
	json_string(j, "ike_local", t->ike_local);
	json_string(j, "ike_remote", t->ike_remote);
	json_u64(j, "age", t->age);
	json_array_open(j, "children");
	for (k = 0; k < t->n_children; k++) {
		const struct ctl_child *c = &t->child[k];

		json_object_open(j, NULL);
		json_u64(j, "spi_in", c->spi_in);
		json_u64(j, "spi_out", c->spi_out);
		json_string(j, "algs", c->algs);
		json_u64(j, "age", c->age);
		json_ts_text(j, "local_ts", c->local_ts);
		json_ts_text(j, "remote_ts", c->remote_ts);
		json_u64(j, "generation", c->generation);
		json_time(j, "rekey_in", c->rekey_in);
		json_string(j, "role", c->role[0] ? c->role : "current");
		json_string(j, "mode", c->transport ? "transport" : "tunnel");
		json_object_close(j);
	}
	json_array_close(j);
	json_object_open(j, "refresh");
	json_u64(j, "generation", t->generation);
	json_time(j, "rekey_in", t->rekey_in);
	json_time(j, "retry_in", t->retry_in);
	json_u64(j, "quiet", t->quiet);
	json_bool(j, "held", t->held);
	json_u64(j, "child_rekeys", t->child_rekeys);
	json_u64(j, "ike_rekeys", t->ike_rekeys);
	json_u64(j, "collisions", t->collisions);
	json_u64(j, "liveness_failures", t->liveness_failures);
	json_u64(j, "restarts", t->restarts);
	json_u64(j, "reauths", t->reauths);
	json_object_close(j);
	json_object_open(j, "ike_failures");
	for (k = 0; k < CTL_FAIL_KINDS; k++)
		json_counter(j, ctl_fail_names[k], t->failures[k]);
	json_object_close(j);
	json_text(j, "esp_silent", t->esp_silent);
	if (t->esp_rx_seen)
		json_u64(j, "esp_rx_ago", t->esp_rx_ago);
	json_text(j, "failure", t->failure);
}

void print_ike_json(struct json *j, const struct ctl_tunnel *t)
{
	json_object_open(j, NULL);
	print_ike_json_fields(j, t);
	json_object_close(j);
}

void print_event(FILE *out, const struct sgw_event *ev)
{
	if (ev->type == SGW_EVENT_TUNNEL) {
		fprintf(out, "tunnel %u (%s): %s, mtu %u\n", ev->tunnel_id,
			ev->ifname, ev->enabled ? "enabled" : "disabled",
			ev->mtu);
		return;
	}
	if (ev->type == SGW_EVENT_UNKNOWN_SPI) {
		fprintf(out, "tunnel %u: unknown SPI 0x%08x from the remote SGW\n",
			ev->tunnel_id, ev->spi);
		return;
	}
	if (ev->type == SGW_EVENT_NEW_MAPPING) {
		char src[INET6_ADDRSTRLEN];

		sgw_addr_format(&ev->src, src, sizeof(src));
		fprintf(out, "tunnel %u: sa in spi 0x%08x: ESP in UDP from a new address or port: %s port %u\n",
			ev->tunnel_id, ev->spi, src, ev->port);
		return;
	}
	if (ev->type == SGW_EVENT_ACQUIRE) {
		char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];

		sgw_addr_format(&ev->src, src, sizeof(src));
		sgw_addr_format(&ev->dst, dst, sizeof(dst));
		fprintf(out, "tunnel %u: acquire: no SA for %s -> %s\n",
			ev->tunnel_id, src, dst);
		return;
	}
	fprintf(out, "tunnel %u: sa %s spi 0x%08x %s expire (bytes %" PRIu64
		", packets %" PRIu64 ")\n", ev->tunnel_id, sgw_dir_name(ev->dir),
		ev->spi, ev->hard ? "hard" : "soft", ev->bytes, ev->packets);
}

void print_event_json(struct json *j, const struct sgw_event *ev)
{
	/* Each event is a document of its own: one line, with the version. */
	json_object_open(j, NULL);
	json_u64(j, "version", SGW_JSON_VERSION);
	if (ev->type == SGW_EVENT_TUNNEL) {
		json_string(j, "event", "tunnel");
		json_u64(j, "tunnel", ev->tunnel_id);
		json_string(j, "ifname", ev->ifname);
		json_bool(j, "enabled", ev->enabled);
		json_u64(j, "mtu", ev->mtu);
		json_object_close(j);
		return;
	}
	if (ev->type == SGW_EVENT_UNKNOWN_SPI) {
		json_string(j, "event", "unknown-spi");
		json_u64(j, "tunnel", ev->tunnel_id);
		json_u64(j, "spi", ev->spi);
		json_object_close(j);
		return;
	}
	if (ev->type == SGW_EVENT_NEW_MAPPING) {
		char src[INET6_ADDRSTRLEN];

		sgw_addr_format(&ev->src, src, sizeof(src));
		json_string(j, "event", "new-mapping");
		json_u64(j, "tunnel", ev->tunnel_id);
		json_u64(j, "spi", ev->spi);
		json_string(j, "addr", src);
		json_u64(j, "port", ev->port);
		json_object_close(j);
		return;
	}
	if (ev->type == SGW_EVENT_ACQUIRE) {
		char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];

		sgw_addr_format(&ev->src, src, sizeof(src));
		sgw_addr_format(&ev->dst, dst, sizeof(dst));
		json_string(j, "event", "acquire");
		json_u64(j, "tunnel", ev->tunnel_id);
		json_string(j, "src", src);
		json_string(j, "dst", dst);
		json_object_close(j);
		return;
	}
	json_string(j, "event", "sa-expire");
	json_u64(j, "tunnel", ev->tunnel_id);
	json_string(j, "dir", sgw_dir_name(ev->dir));
	json_u64(j, "spi", ev->spi);
	json_bool(j, "hard", ev->hard);
	json_u64(j, "bytes", ev->bytes);
	json_u64(j, "packets", ev->packets);
	json_object_close(j);
}
