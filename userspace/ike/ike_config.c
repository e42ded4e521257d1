// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ike_config.h"
#include "ike_payload.h"

void ike_tunnel_config_defaults(struct ike_tunnel_config *c)
{
	memset(c, 0, sizeof(*c));
	/* Close to strongSwan's: rekey after 1 h, expire after 1 h 6 min. */
	c->child_soft_s = 3600;
	c->child_hard_s = 3960;
	c->ike_rekey_s = 14400;
	c->ike_hard_s = 15840;
	c->auto_refresh = true;
	c->retrans_timeout_ms = 2000;
	c->retrans_tries = 5;
	c->nat_traversal = true;
	c->keepalive_ms = 20000;	/* strongSwan's charon.keep_alive */
}

void ike_engine_config_defaults(struct ike_engine_config *c)
{
	memset(c, 0, sizeof(*c));
	/* RFC 7296 §2: accept at least 1280 bytes; PSK messages stay small. */
	c->max_msg_size = 8192;
	c->half_open_max = 1024;
	c->cookie_threshold = 64;
	c->cookie_rotate_ms = 300 * 1000;
	c->half_open_timeout_ms = 30 * 1000;
	c->timer_jitter_pct = 10;
}

static const struct {
	const char *prefix;
	uint8_t type;
} id_prefixes[] = {
	{ "ipv4:", IKE_ID_IPV4_ADDR },
	{ "ipv6:", IKE_ID_IPV6_ADDR },
	{ "fqdn:", IKE_ID_FQDN },
	{ "email:", IKE_ID_RFC822_ADDR },
	{ "keyid:", IKE_ID_KEY_ID },
};

static int set_id(struct ike_identity *id, uint8_t type, const void *p,
		  size_t n)
{
	if (!n || n > IKE_ID_MAX)
		return -1;
	id->type = type;
	id->len = (uint8_t)n;
	memcpy(id->data, p, n);
	return 0;
}

int ike_identity_parse(struct ike_identity *id, const char *s)
{
	uint8_t addr[16];
	size_t i, n;

	memset(id, 0, sizeof(*id));
	for (i = 0; i < sizeof(id_prefixes) / sizeof(id_prefixes[0]); i++) {
		n = strlen(id_prefixes[i].prefix);
		if (strncmp(s, id_prefixes[i].prefix, n))
			continue;
		s += n;
		switch (id_prefixes[i].type) {
		case IKE_ID_IPV4_ADDR:
			if (inet_pton(AF_INET, s, addr) != 1)
				return -1;
			return set_id(id, IKE_ID_IPV4_ADDR, addr, 4);
		case IKE_ID_IPV6_ADDR:
			if (inet_pton(AF_INET6, s, addr) != 1)
				return -1;
			return set_id(id, IKE_ID_IPV6_ADDR, addr, 16);
		}
		return set_id(id, id_prefixes[i].type, s, strlen(s));
	}
	if (inet_pton(AF_INET, s, addr) == 1)
		return set_id(id, IKE_ID_IPV4_ADDR, addr, 4);
	if (inet_pton(AF_INET6, s, addr) == 1)
		return set_id(id, IKE_ID_IPV6_ADDR, addr, 16);
	if (s[0] == '@')
		s++;
	if (strchr(s, '@'))
		return set_id(id, IKE_ID_RFC822_ADDR, s, strlen(s));
	return set_id(id, IKE_ID_FQDN, s, strlen(s));
}

static const char *id_prefix(uint8_t type)
{
	size_t i;

	for (i = 0; i < sizeof(id_prefixes) / sizeof(id_prefixes[0]); i++)
		if (id_prefixes[i].type == type)
			return id_prefixes[i].prefix;
	return "id:";
}

int ike_identity_format(const struct ike_identity *id, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	size_t i, off;
	int r;

	switch (id->type) {
	case IKE_ID_IPV4_ADDR:
	case IKE_ID_IPV6_ADDR:
		if (id->len != (id->type == IKE_ID_IPV4_ADDR ? 4 : 16))
			break;
		inet_ntop(id->type == IKE_ID_IPV4_ADDR ? AF_INET : AF_INET6,
			  id->data, a, sizeof(a));
		return snprintf(buf, len, "%s", a);
	case IKE_ID_FQDN:
	case IKE_ID_RFC822_ADDR:
	case IKE_ID_KEY_ID:
		for (i = 0; i < id->len; i++)
			if (id->data[i] < 0x21 || id->data[i] > 0x7e)
				break;
		if (i < id->len)
			break;
		return snprintf(buf, len, "%s%.*s", id_prefix(id->type),
				(int)id->len, (const char *)id->data);
	}
	/* Unprintable: hex, never raw peer bytes. */
	r = snprintf(buf, len, "%s#", id_prefix(id->type));
	off = r > 0 ? (size_t)r : 0;
	for (i = 0; i < id->len && off + 3 <= len; i++, off += 2)
		snprintf(buf + off, len - off, "%02x", id->data[i]);
	return (int)off;
}
