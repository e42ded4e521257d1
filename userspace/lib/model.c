// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "model.h"

/* Stable names, used both by "show" and as JSON keys. */
static const char *const drop_names[__SGW_DROP_MAX] = {
	[SGW_DROP_NO_SA] = "no-sa",
	[SGW_DROP_UNKNOWN_SPI] = "unknown-spi",
	[SGW_DROP_REPLAY] = "replay",
	[SGW_DROP_AUTH] = "auth-failed",
	[SGW_DROP_MALFORMED] = "malformed",
	[SGW_DROP_SELECTOR] = "selector",
	[SGW_DROP_DISABLED] = "disabled",
	[SGW_DROP_LOOP] = "loop",
	[SGW_DROP_NOMEM] = "no-memory",
	[SGW_DROP_NO_ROUTE] = "no-route",
	[SGW_DROP_HOLD_FULL] = "hold-full",
	[SGW_DROP_HOLD_TIMEOUT] = "hold-timeout",
	[SGW_DROP_NO_TRANSPORT_SA] = "no-transport-sa",
	[SGW_DROP_BACKLOG] = "backlog",
	[SGW_DROP_ENCAP] = "encap-mismatch",
};

/* Key lengths and layouts as RFC 4106, RFC 7634 and RFC 4868 define them. */
const struct sgw_alg_spec sgw_algs[] = {
	{ SGW_ALG_AES_GCM_128, "aes-gcm-128", 20,
	  "16-byte AES key, then 4-byte salt" },
	{ SGW_ALG_AES_GCM_256, "aes-gcm-256", 36,
	  "32-byte AES key, then 4-byte salt" },
	{ SGW_ALG_CHACHA20_POLY1305, "chacha20-poly1305", 36,
	  "32-byte ChaCha20 key, then 4-byte salt" },
	{ SGW_ALG_AES_CBC_128_SHA256, "aes-cbc-128-sha256", 48,
	  "16-byte AES key, then 32-byte HMAC-SHA-256 key" },
	{ SGW_ALG_AES_CBC_256_SHA256, "aes-cbc-256-sha256", 64,
	  "32-byte AES key, then 32-byte HMAC-SHA-256 key" },
	{ SGW_ALG_AES_CBC_128_SHA384, "aes-cbc-128-sha384", 64,
	  "16-byte AES key, then 48-byte HMAC-SHA-384 key" },
	{ SGW_ALG_AES_CBC_256_SHA384, "aes-cbc-256-sha384", 80,
	  "32-byte AES key, then 48-byte HMAC-SHA-384 key" },
	{ SGW_ALG_AES_CBC_128_SHA512, "aes-cbc-128-sha512", 80,
	  "16-byte AES key, then 64-byte HMAC-SHA-512 key" },
	{ SGW_ALG_AES_CBC_256_SHA512, "aes-cbc-256-sha512", 96,
	  "32-byte AES key, then 64-byte HMAC-SHA-512 key" },
	{ 0 }
};

/* Stable names, used both by "show" and as JSON keys. */
static const char *const event_names[__SGW_EV_MAX] = {
	[SGW_EV_FRAG_NEEDED] = "frag-needed",
	[SGW_EV_PKT_TOO_BIG] = "packet-too-big",
	[SGW_EV_FRAG_BEFORE] = "fragmented-before",
	[SGW_EV_FRAG_AFTER] = "fragmented-after",
	[SGW_EV_MSS_CLAMPED] = "mss-clamped",
	[SGW_EV_PMTU_LOWERED] = "pmtu-lowered",
	[SGW_EV_HELD] = "held",
	[SGW_EV_HELD_SENT] = "held-sent",
	[SGW_EV_ACQUIRE] = "acquire",
};

const char *sgw_event_name(unsigned int event)
{
	if (event >= __SGW_EV_MAX || !event_names[event])
		return "unknown";
	return event_names[event];
}

const char *sgw_outer_df_name(unsigned int v)
{
	static const char *const names[] = { "copy", "set", "clear" };

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : "unknown";
}

const char *sgw_fragment_name(unsigned int v)
{
	static const char *const names[] = { "before-encryption", "after-encryption" };

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : "unknown";
}

const char *sgw_drop_name(unsigned int reason)
{
	if (reason >= __SGW_DROP_MAX || !drop_names[reason])
		return "unknown";
	return drop_names[reason];
}

const char *sgw_dir_name(unsigned int dir)
{
	switch (dir) {
	case SGW_DIR_IN:
		return "in";
	case SGW_DIR_OUT:
		return "out";
	default:
		return "unknown";
	}
}

const char *sgw_mode_name(unsigned int mode)
{
	switch (mode) {
	case SGW_MODE_TUNNEL:
		return "tunnel";
	case SGW_MODE_TRANSPORT:
		return "transport";
	default:
		return "unknown";
	}
}

const struct sgw_alg_spec *sgw_alg_by_id(uint32_t id)
{
	const struct sgw_alg_spec *a;

	for (a = sgw_algs; a->name; a++)
		if (a->id == id)
			return a;
	return NULL;
}

const struct sgw_alg_spec *sgw_alg_by_name(const char *name)
{
	const struct sgw_alg_spec *a;

	for (a = sgw_algs; a->name; a++)
		if (!strcmp(a->name, name))
			return a;
	return NULL;
}

unsigned int sgw_addr_bits(const struct sgw_ipaddr *a)
{
	return a->family == AF_INET6 ? 128 : 32;
}

void sgw_addr_format(const struct sgw_ipaddr *a, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];

	if ((a->family != AF_INET && a->family != AF_INET6) ||
	    !inet_ntop(a->family, a->bytes, tmp, sizeof(tmp)))
		snprintf(buf, len, "unset");
	else
		snprintf(buf, len, "%s", tmp);
}

void sgw_prefix_format(const struct sgw_ipprefix *p, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];

	sgw_addr_format(&p->addr, tmp, sizeof(tmp));
	snprintf(buf, len, "%s/%u", tmp, p->len);
}

/*
 * Room for one more element: the array doubles whenever n is a power of
 * two. NULL when out of memory; the old array is then still valid.
 */
static void *reserve(void *v, size_t n, size_t size)
{
	if (n & (n - 1))
		return v;
	return realloc(v, (n ? n * 2 : 1) * size);
}

int sgw_tunnel_list_push(struct sgw_tunnel_list *list,
			 const struct sgw_tunnel_info *t)
{
	struct sgw_tunnel_info *v = reserve(list->v, list->n, sizeof(*v));

	if (!v)
		return -ENOMEM;
	list->v = v;
	list->v[list->n++] = *t;
	return 0;
}

void sgw_tunnel_list_free(struct sgw_tunnel_list *list)
{
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

int sgw_sa_list_push(struct sgw_sa_list *list, const struct sgw_sa_info *sa)
{
	struct sgw_sa_info *v = reserve(list->v, list->n, sizeof(*v));

	if (!v)
		return -ENOMEM;
	list->v = v;
	list->v[list->n++] = *sa;
	return 0;
}

void sgw_sa_list_free(struct sgw_sa_list *list)
{
	free(list->v);
	list->v = NULL;
	list->n = 0;
}
