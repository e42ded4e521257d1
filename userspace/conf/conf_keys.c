// SPDX-License-Identifier: GPL-2.0
/*
 * The key table. Defaults are chosen close to strongSwan's (charon and
 * ipsec.conf), except that dead peer detection is on, because "it worked
 * once, then stopped" must not happen silently.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf_keys.h"
#include "conf_value.h"

#define G(field) offsetof(struct sgw_conf_global, field)
#define T(field) offsetof(struct sgw_conf_tunnel, field)

static const char *const yes_no[] = { "no", "yes", NULL };
static const char *const on_off[] = { "off", "on", NULL };
static const char *const log_levels[] = {
	"error", "warning", "info", "debug", NULL
};
static const char *const starts[] = { "on-demand", "at-start", NULL };
static const char *const dpd_actions[] = {
	"restart", "clear", "hold", NULL
};
static const char *const outer_dfs[] = { "copy", "set", "clear", NULL };
static const char *const fragments[] = {
	"before-encryption", "after-encryption", NULL
};
static const struct sgw_conf_word mtu_words[] = {
	{ "auto", SGW_CONF_MTU_AUTO }, { NULL, 0 }
};
static const struct sgw_conf_word table_words[] = {
	{ "main", SGW_CONF_TABLE_MAIN }, { NULL, 0 }
};
static const struct sgw_conf_word mss_words[] = {
	{ "auto", SGW_CONF_MSS_AUTO }, { "off", SGW_CONF_MSS_OFF }, { NULL, 0 }
};

#define MINUTE	60u
#define HOUR	3600u
#define DAY	86400u

static const struct sgw_conf_key keys[] = {
	{
		.name = "log-level", .id = SGW_CONF_K_LOG_LEVEL,
		.section = SGW_CONF_SEC_GLOBAL, .type = SGW_CONF_T_ENUM,
		.offset = G(log_level), .def = "info", .choices = log_levels,
		.summary = "the least severe messages the daemon logs",
	}, {
		/* strongSwan's charon.cookie_threshold */
		.name = "half-open-limit", .id = SGW_CONF_K_HALF_OPEN_LIMIT,
		.section = SGW_CONF_SEC_GLOBAL, .type = SGW_CONF_T_UINT,
		.offset = G(half_open_limit), .def = "30", .min = 0,
		.max = 65535,
		.summary = "half-open IKE SAs before cookies are demanded",
	}, {
		.name = "id", .id = SGW_CONF_K_ID,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_UINT,
		.offset = T(id), .required = true, .min = 1, .max = 65535,
		.summary = "the tunnel's number, unique",
	}, {
		.name = "enabled", .id = SGW_CONF_K_ENABLED,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_BOOL,
		.offset = T(enabled), .def = "yes", .choices = yes_no,
		.summary = "whether the tunnel is in use",
	}, {
		.name = "interface", .id = SGW_CONF_K_INTERFACE,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_IFNAME,
		.offset = T(interface), .derived = "sgw<id>",
		.summary = "the tunnel device's name",
	}, {
		.name = "routes", .id = SGW_CONF_K_ROUTES,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_BOOL,
		.offset = T(routes), .def = "yes", .choices = yes_no,
		.summary = "whether the daemon routes remote-networks into the device",
	}, {
		/* The kernel's tables; 0 would mean "unspecified". */
		.name = "route-table", .id = SGW_CONF_K_ROUTE_TABLE,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_UINT,
		.offset = T(route_table), .def = "main", .min = 1,
		.max = UINT32_MAX, .words = table_words,
		.summary = "the routing table of those routes",
	}, {
		.name = "route-metric", .id = SGW_CONF_K_ROUTE_METRIC,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_UINT,
		.offset = T(route_metric), .def = "0", .min = 0,
		.max = UINT32_MAX,
		.summary = "the metric (priority) of those routes",
	}, {
		.name = "local", .id = SGW_CONF_K_LOCAL,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_ADDR_AUTO,
		.offset = T(local), .def = "auto",
		.summary = "the local SGW address",
	}, {
		.name = "remote", .id = SGW_CONF_K_REMOTE,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_ADDR_HOST,
		.offset = T(remote), .required = true,
		.summary = "the remote SGW address or DNS name",
	}, {
		.name = "local-id", .id = SGW_CONF_K_LOCAL_ID,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_IDENT,
		.offset = T(local_id), .derived = "the local address",
		.summary = "the identity sgw authenticates as",
	}, {
		.name = "remote-id", .id = SGW_CONF_K_REMOTE_ID,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_IDENT,
		.offset = T(remote_id), .derived = "the remote address",
		.summary = "the identity the peer must prove",
	}, {
		.name = "psk-file", .id = SGW_CONF_K_PSK_FILE,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_PATH,
		.offset = T(psk_file), .required = true,
		.summary = "the file holding the pre-shared key",
	}, {
		.name = "local-networks", .id = SGW_CONF_K_LOCAL_NETWORKS,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_PREFIXES,
		.offset = T(local_networks), .def = "any",
		.summary = "the networks behind this SGW",
	}, {
		.name = "remote-networks", .id = SGW_CONF_K_REMOTE_NETWORKS,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_PREFIXES,
		.offset = T(remote_networks), .def = "any",
		.summary = "the networks behind the remote SGW",
	}, {
		.name = "ike-proposals", .id = SGW_CONF_K_IKE_PROPOSALS,
		.section = SGW_CONF_SEC_TUNNEL,
		.type = SGW_CONF_T_IKE_PROPOSALS, .offset = T(ike_proposals),
		.def = "aes256gcm16-aes128gcm16-prfsha384-prfsha256-prfsha512-"
		       "curve25519-ecp384-ecp256-ecp521-modp3072-modp4096-"
		       "modp2048, "
		       "aes256-aes128-sha384-sha256-sha512-prfsha384-prfsha256-"
		       "prfsha512-curve25519-ecp384-ecp256-ecp521-modp3072-"
		       "modp4096-modp2048",
		.summary = "algorithms offered and accepted for the IKE SA",
	}, {
		.name = "esp-proposals", .id = SGW_CONF_K_ESP_PROPOSALS,
		.section = SGW_CONF_SEC_TUNNEL,
		.type = SGW_CONF_T_ESP_PROPOSALS, .offset = T(esp_proposals),
		.def = "aes256gcm16-aes128gcm16-chacha20poly1305, "
		       "aes256-aes128-sha256-sha384-sha512",
		.summary = "algorithms offered and accepted for ESP",
	}, {
		.name = "ike-lifetime", .id = SGW_CONF_K_IKE_LIFETIME,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_DURATION,
		.offset = T(ike_lifetime), .def = "4h", .min = 10,
		.max = 30 * DAY,
		.summary = "how long an IKE SA lives",
	}, {
		.name = "child-lifetime", .id = SGW_CONF_K_CHILD_LIFETIME,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_DURATION,
		.offset = T(child_lifetime), .def = "1h", .min = 10,
		.max = 30 * DAY,
		.summary = "how long an ESP SA pair lives",
	}, {
		/* ipsec.conf's margintime */
		.name = "rekey-margin", .id = SGW_CONF_K_REKEY_MARGIN,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_DURATION,
		.offset = T(rekey_margin), .def = "9m", .min = 0, .max = DAY,
		.summary = "how long before expiry rekeying starts",
	}, {
		/* ipsec.conf's rekeyfuzz = 100% of the margin */
		.name = "rekey-jitter", .id = SGW_CONF_K_REKEY_JITTER,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_DURATION,
		.offset = T(rekey_jitter), .def = "9m", .min = 0, .max = DAY,
		.summary = "random extra margin so both ends do not rekey at once",
	}, {
		.name = "life-bytes", .id = SGW_CONF_K_LIFE_BYTES,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_BYTES,
		.offset = T(life_bytes), .def = "0", .min = 0,
		.max = UINT64_MAX,
		.summary = "bytes an ESP SA may protect",
	}, {
		.name = "life-packets", .id = SGW_CONF_K_LIFE_PACKETS,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_COUNT,
		.offset = T(life_packets), .def = "0", .min = 0,
		.max = UINT64_MAX,
		.summary = "packets an ESP SA may protect",
	}, {
		.name = "auto-refresh", .id = SGW_CONF_K_AUTO_REFRESH,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_BOOL,
		.offset = T(auto_refresh), .def = "on", .choices = on_off,
		.summary = "whether SAs are rekeyed before they expire",
	}, {
		.name = "reauth", .id = SGW_CONF_K_REAUTH,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_BOOL,
		.offset = T(reauth), .def = "no", .choices = yes_no,
		.summary = "authenticate anew instead of rekeying the IKE SA",
	}, {
		.name = "start", .id = SGW_CONF_K_START,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_ENUM,
		.offset = T(start), .def = "on-demand", .choices = starts,
		.summary = "when the tunnel is negotiated",
	}, {
		.name = "dpd-delay", .id = SGW_CONF_K_DPD_DELAY,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_DURATION,
		.offset = T(dpd_delay), .def = "30s", .min = 0, .max = DAY,
		.summary = "silence from the peer before a liveness check",
	}, {
		.name = "dpd-action", .id = SGW_CONF_K_DPD_ACTION,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_ENUM,
		.offset = T(dpd_action), .def = "restart",
		.choices = dpd_actions,
		.summary = "what to do when the peer is found dead",
	}, {
		/* charon.retransmit_tries */
		.name = "retransmit-tries", .id = SGW_CONF_K_RETRANSMIT_TRIES,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_UINT,
		.offset = T(retransmit_tries), .def = "5", .min = 1,
		.max = 20,
		.summary = "IKE retransmissions before giving up",
	}, {
		/* charon.retransmit_timeout */
		.name = "retransmit-timeout",
		.id = SGW_CONF_K_RETRANSMIT_TIMEOUT,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_DURATION,
		.offset = T(retransmit_timeout), .def = "4s", .min = 1,
		.max = MINUTE,
		.summary = "wait before the first IKE retransmission",
	}, {
		.name = "mtu", .id = SGW_CONF_K_MTU,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_UINT,
		/* The kernel's range: IPv4's minimum to IP_MAX_MTU. */
		.offset = T(mtu), .def = "auto", .min = 68, .max = 65535,
		.words = mtu_words,
		.summary = "the tunnel device's MTU",
	}, {
		.name = "mss", .id = SGW_CONF_K_MSS,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_UINT,
		/* The kernel's range: 536 to IP_MAX_MTU less 40. */
		.offset = T(mss), .def = "auto", .min = 536, .max = 65495,
		.words = mss_words,
		.summary = "TCP MSS clamping",
	}, {
		.name = "outer-df", .id = SGW_CONF_K_OUTER_DF,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_ENUM,
		.offset = T(outer_df), .def = "clear", .choices = outer_dfs,
		.summary = "the DF bit of outer IPv4 headers",
	}, {
		.name = "fragment", .id = SGW_CONF_K_FRAGMENT,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_ENUM,
		.offset = T(fragment), .def = "before-encryption",
		.choices = fragments,
		.summary = "where oversize packets are fragmented",
	}, {
		.name = "protect-gateways", .id = SGW_CONF_K_PROTECT_GATEWAYS,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_BOOL,
		.offset = T(protect_gateways), .def = "no", .choices = yes_no,
		.summary = "transport-mode ESP between the two SGWs",
	}, {
		/* strongSwan's replay_window */
		.name = "replay-window", .id = SGW_CONF_K_REPLAY_WINDOW,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_UINT,
		.offset = T(replay_window), .def = "1024", .min = 0,
		.max = 4096,
		.summary = "anti-replay window in packets",
	}, {
		.name = "esn", .id = SGW_CONF_K_ESN,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_BOOL,
		.offset = T(esn), .def = "no", .choices = yes_no,
		.summary = "64-bit extended sequence numbers",
	}, {
		.name = "nat-traversal", .id = SGW_CONF_K_NAT_TRAVERSAL,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_BOOL,
		.offset = T(nat_traversal), .def = "yes", .choices = yes_no,
		.summary = "NAT detection and UDP encapsulation behind NAT",
	}, {
		.name = "encap", .id = SGW_CONF_K_ENCAP,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_BOOL,
		.offset = T(encap), .def = "no", .choices = yes_no,
		.summary = "UDP encapsulation even without NAT",
	}, {
		/* charon.keep_alive */
		.name = "nat-keepalive", .id = SGW_CONF_K_NAT_KEEPALIVE,
		.section = SGW_CONF_SEC_TUNNEL, .type = SGW_CONF_T_DURATION,
		.offset = T(nat_keepalive), .def = "20s", .min = 0,
		.max = HOUR,
		.summary = "interval of NAT keepalives behind NAT",
	},
};

_Static_assert(sizeof(keys) / sizeof(keys[0]) == SGW_CONF_KEY_COUNT,
	       "one table entry per enum sgw_conf_key_id");

const struct sgw_conf_key *sgw_conf_keys(size_t *count)
{
	*count = sizeof(keys) / sizeof(keys[0]);
	return keys;
}

const struct sgw_conf_key *sgw_conf_key_by_id(enum sgw_conf_key_id id)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].id == id)
			return &keys[i];
	return NULL;
}

/* sgwctl's words for tunnel keys, accepted in the file as well. */
static const struct {
	const char *alias, *key;
} cli_words[] = {
	{ "local-ts", "local-networks" },
	{ "remote-ts", "remote-networks" },
	{ "name", "interface" },
};

const struct sgw_conf_key *sgw_conf_key_find(enum sgw_conf_section section,
					     const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].section == section &&
		    strlen(keys[i].name) == len &&
		    memcmp(keys[i].name, name, len) == 0)
			return &keys[i];
	for (i = 0; section == SGW_CONF_SEC_TUNNEL &&
	     i < sizeof(cli_words) / sizeof(cli_words[0]); i++)
		if (strlen(cli_words[i].alias) == len &&
		    memcmp(cli_words[i].alias, name, len) == 0)
			return sgw_conf_key_find(section, cli_words[i].key,
						 strlen(cli_words[i].key));
	return NULL;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

unsigned int sgw_conf_edit_distance(const char *a, size_t alen,
				    const char *b, size_t blen,
				    unsigned int cap)
{
	/* Two rows of the Levenshtein matrix; names are short. */
	unsigned int row[2][64];
	unsigned int *prev = row[0], *cur = row[1], *tmp;
	size_t i, j;

	if (alen >= 64 || blen >= 64)
		return cap + 1;
	if ((alen > blen ? alen - blen : blen - alen) > cap)
		return cap + 1;
	for (j = 0; j <= blen; j++)
		prev[j] = (unsigned int)j;
	for (i = 1; i <= alen; i++) {
		unsigned int best;

		cur[0] = (unsigned int)i;
		best = cur[0];
		for (j = 1; j <= blen; j++) {
			unsigned int d = prev[j - 1] +
				(lower(a[i - 1]) != lower(b[j - 1]));

			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			cur[j] = d;
			if (d < best)
				best = d;
		}
		if (best > cap)
			return cap + 1;
		tmp = prev;
		prev = cur;
		cur = tmp;
	}
	return prev[blen] > cap ? cap + 1 : prev[blen];
}

/*
 * Words of strongSwan (swanctl.conf, ipsec.conf), wg(8) and sgwctl's own
 * command line that name a key of ours, compared without case.
 */
static const struct {
	const char *word, *key;
} vocabulary[] = {
	{ "local_ts", "local-networks" }, { "local-ts", "local-networks" },
	{ "leftsubnet", "local-networks" },
	{ "remote_ts", "remote-networks" }, { "remote-ts", "remote-networks" },
	{ "rightsubnet", "remote-networks" },
	{ "allowedips", "remote-networks" },
	{ "endpoint", "remote" }, { "remote_addrs", "remote" },
	{ "right", "remote" }, { "local_addrs", "local" }, { "left", "local" },
	{ "leftid", "local-id" }, { "rightid", "remote-id" },
	{ "secret", "psk-file" }, { "psk", "psk-file" },
	{ "presharedkey", "psk-file" },
	{ "proposals", "ike-proposals" }, { "ike", "ike-proposals" },
	{ "esp", "esp-proposals" },
	{ "rekey_time", "ike-lifetime" }, { "ikelifetime", "ike-lifetime" },
	{ "lifetime", "child-lifetime" }, { "keyingtries", "retransmit-tries" },
	{ "start_action", "start" }, { "auto", "start" },
	{ "dpd_action", "dpd-action" }, { "dpdaction", "dpd-action" },
	{ "name", "interface" }, { "if_id_out", "interface" },
	{ "table", "route-table" }, { "metric", "route-metric" },
	{ "install_routes", "routes" },
};

const char *sgw_conf_key_suggest(enum sgw_conf_section section,
				 const char *name, size_t len)
{
	const struct sgw_conf_key *k;
	const char *best = NULL;
	unsigned int best_d = 3;
	size_t i, n = 0;

	for (i = 0; i < sizeof(vocabulary) / sizeof(vocabulary[0]); i++) {
		k = sgw_conf_key_find(SGW_CONF_SEC_TUNNEL, vocabulary[i].key,
				      strlen(vocabulary[i].key));
		if (section == SGW_CONF_SEC_TUNNEL && k &&
		    strlen(vocabulary[i].word) == len &&
		    !strncasecmp(vocabulary[i].word, name, len))
			return k->name;
	}
	/* A beginning of exactly one key ("psk" of psk-file). */
	for (i = 0; len >= 3 && i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (keys[i].section == section &&
		    !strncasecmp(keys[i].name, name, len)) {
			best = keys[i].name;
			n++;
		}
	}
	if (n == 1)
		return best;
	best = NULL;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		unsigned int d;

		if (keys[i].section != section)
			continue;
		d = sgw_conf_edit_distance(name, len, keys[i].name,
					   strlen(keys[i].name), 2);
		if (d < best_d) {
			best_d = d;
			best = keys[i].name;
		}
	}
	return best;
}

static int type_text(const struct sgw_conf_key *k, char *buf, size_t len)
{
	char lo[32], hi[32];
	size_t used = 0;
	int n;

	switch (k->type) {
	case SGW_CONF_T_BOOL:
		n = snprintf(buf, len, "%s | %s", k->choices[1],
			     k->choices[0]);
		break;
	case SGW_CONF_T_ENUM:
		for (size_t i = 0; k->choices[i]; i++) {
			n = snprintf(buf + used, len - used, "%s%s",
				     i ? " | " : "", k->choices[i]);
			if (n < 0 || (size_t)n >= len - used)
				return -1;
			used += (size_t)n;
		}
		return 0;
	case SGW_CONF_T_UINT:
		for (size_t i = 0; k->words && k->words[i].word; i++) {
			n = snprintf(buf + used, len - used, "%s | ",
				     k->words[i].word);
			if (n < 0 || (size_t)n >= len - used)
				return -1;
			used += (size_t)n;
		}
		n = snprintf(buf + used, len - used, "integer %llu..%llu",
			     (unsigned long long)k->min,
			     (unsigned long long)k->max);
		return n < 0 || (size_t)n >= len - used ? -1 : 0;
	case SGW_CONF_T_COUNT:
		n = snprintf(buf, len, "integer");
		break;
	case SGW_CONF_T_BYTES:
		n = snprintf(buf, len, "size");
		break;
	case SGW_CONF_T_DURATION:
		sgw_conf_duration_str((uint32_t)k->min, lo, sizeof(lo));
		sgw_conf_duration_str((uint32_t)k->max, hi, sizeof(hi));
		n = snprintf(buf, len, "duration %s..%s", lo, hi);
		break;
	case SGW_CONF_T_ADDR:
		n = snprintf(buf, len, "IP address");
		break;
	case SGW_CONF_T_ADDR_AUTO:
		n = snprintf(buf, len, "IP address | auto");
		break;
	case SGW_CONF_T_ADDR_HOST:
		n = snprintf(buf, len, "IP address | DNS name | any");
		break;
	case SGW_CONF_T_IDENT:
		n = snprintf(buf, len, "identity");
		break;
	case SGW_CONF_T_PATH:
		n = snprintf(buf, len, "absolute path");
		break;
	case SGW_CONF_T_IFNAME:
		n = snprintf(buf, len, "interface name");
		break;
	case SGW_CONF_T_PREFIXES:
		n = snprintf(buf, len, "prefix list | any");
		break;
	case SGW_CONF_T_IKE_PROPOSALS:
		n = snprintf(buf, len, "IKE proposal list");
		break;
	case SGW_CONF_T_ESP_PROPOSALS:
		n = snprintf(buf, len, "ESP proposal list");
		break;
	default:
		return -1;
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int sgw_conf_key_describe(const struct sgw_conf_key *k, char *buf,
			  size_t len)
{
	char type[128];
	const char *def;
	int n;

	if (type_text(k, type, sizeof(type)) < 0)
		return -1;
	if (k->def)
		def = k->def;
	else if (k->derived)
		def = k->derived;
	else
		def = "none (required)";
	n = snprintf(buf, len, "Type: %s. Default: %s.", type, def);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
