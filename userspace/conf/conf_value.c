// SPDX-License-Identifier: GPL-2.0
/*
 * Value parsers and printers, one pair per value type of the key table.
 * Printers write the canonical form, and every parser accepts what its
 * printer writes: that is what makes "sgwctl showconf" round-trip.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "conf_value.h"

_Static_assert(sizeof(enum sgw_conf_log_level) == sizeof(int), "enum size");
_Static_assert(sizeof(enum sgw_conf_start) == sizeof(int), "enum size");
_Static_assert(sizeof(enum sgw_conf_dpd_action) == sizeof(int), "enum size");
_Static_assert(sizeof(enum sgw_conf_outer_df) == sizeof(int), "enum size");
_Static_assert(sizeof(enum sgw_conf_fragment) == sizeof(int), "enum size");

#define PATH_LEN_MAX 4095

static void *field(const struct sgw_conf_key *k, void *base)
{
	return (char *)base + k->offset;
}

static const void *cfield(const struct sgw_conf_key *k, const void *base)
{
	return (const char *)base + k->offset;
}

__attribute__((format(printf, 2, 3)))
static int refuse(struct sgw_conf_verdict *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
	return -1;
}

static int refuse_part(struct sgw_conf_verdict *v, const char *bad,
		       size_t bad_len, const char *detail)
{
	v->bad = bad;
	v->bad_len = bad_len;
	snprintf(v->detail, sizeof(v->detail), "%s", detail);
	return -1;
}

/* "a, b or c" from a NULL-ended list. */
static void join_or(char *buf, size_t len, const char *const *words,
		    const char *tail)
{
	size_t n = 0, i, used = 0;

	while (words[n])
		n++;
	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++) {
		const char *sep = i == 0 ? "" : (i == n - 1 && !tail) ?
			" or " : ", ";
		int w = snprintf(buf + used, len - used, "%s%s", sep,
				 words[i]);

		if (w < 0)
			return;
		used += (size_t)w;
	}
	if (tail && used < len)
		snprintf(buf + used, len - used, " or %s", tail);
}

/* Decimal digits only: no sign, no space, no overflow. */
static int parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* ---- numbers, durations, sizes ---- */

static int parse_choice(const struct sgw_conf_key *k, const char *text,
			int *out, struct sgw_conf_verdict *v)
{
	char list[256];
	int i;

	for (i = 0; k->choices[i]; i++) {
		if (strcmp(text, k->choices[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	/* Every switch takes yes/no and on/off alike, as the CLI does. */
	if (k->type == SGW_CONF_T_BOOL &&
	    (!strcmp(text, "yes") || !strcmp(text, "on") ||
	     !strcmp(text, "no") || !strcmp(text, "off"))) {
		*out = !strcmp(text, "yes") || !strcmp(text, "on");
		return 0;
	}
	if (k->type == SGW_CONF_T_BOOL)
		return refuse(v, "expected %s or %s", k->choices[1],
			      k->choices[0]);
	join_or(list, sizeof(list), k->choices, NULL);
	return refuse(v, "expected %s", list);
}

static int parse_uint(const struct sgw_conf_key *k, const char *text,
		      uint32_t *out, struct sgw_conf_verdict *v)
{
	const char *words[4] = { NULL };
	char range[64], list[256];
	uint64_t n;
	size_t i;

	for (i = 0; k->words && k->words[i].word; i++) {
		if (strcmp(text, k->words[i].word) == 0) {
			*out = k->words[i].value;
			return 0;
		}
		if (i < 3)
			words[i] = k->words[i].word;
	}
	if (parse_u64(text, strlen(text), &n) == 0 && n >= k->min &&
	    n <= k->max) {
		*out = (uint32_t)n;
		return 0;
	}
	snprintf(range, sizeof(range), "%llu..%llu",
		 (unsigned long long)k->min, (unsigned long long)k->max);
	if (!words[0])
		return refuse(v, "expected %s", range);
	join_or(list, sizeof(list), words, range);
	return refuse(v, "expected %s", list);
}

static int parse_count(const char *text, uint64_t *out,
		       struct sgw_conf_verdict *v)
{
	if (parse_u64(text, strlen(text), out) == 0)
		return 0;
	return refuse(v, "expected a whole number below 2^64, 0 for no limit");
}

static int parse_bytes(const char *text, uint64_t *out,
		       struct sgw_conf_verdict *v)
{
	static const char units[] = "kMGT";
	size_t len = strlen(text);
	unsigned int shift = 0;
	uint64_t n;

	if (len > 1) {
		const char *u = strchr(units, text[len - 1]);

		if (text[len - 1] == 'K')
			u = units;
		if (u && *u) {
			shift = 10 * (unsigned int)(u - units + 1);
			len--;
		}
	}
	if (parse_u64(text, len, &n) < 0)
		return refuse(v, "expected a size: N, Nk, NM, NG or NT "
			      "(powers of 1024), 0 for no limit");
	if (shift && n > (UINT64_MAX >> shift))
		return refuse(v, "expected a size below 2^64 bytes");
	*out = n << shift;
	return 0;
}

static int parse_duration(const struct sgw_conf_key *k, const char *text,
			  uint32_t *out, struct sgw_conf_verdict *v)
{
	size_t len = strlen(text);
	uint64_t n, mul = 1;
	char lo[32], hi[32];

	if (len > 1) {
		switch (text[len - 1]) {
		case 's': mul = 1; len--; break;
		case 'm': mul = 60; len--; break;
		case 'h': mul = 3600; len--; break;
		case 'd': mul = 86400; len--; break;
		default: break;
		}
	}
	if (parse_u64(text, len, &n) < 0)
		return refuse(v, "expected a duration: N, Ns, Nm, Nh or Nd");
	sgw_conf_duration_str((uint32_t)k->min, lo, sizeof(lo));
	sgw_conf_duration_str((uint32_t)k->max, hi, sizeof(hi));
	if (n > k->max / mul || n * mul < k->min)
		return refuse(v, "expected a duration %s..%s", lo, hi);
	*out = (uint32_t)(n * mul);
	return 0;
}

void sgw_conf_duration_str(uint32_t s, char *buf, size_t len)
{
	if (s == 0)
		snprintf(buf, len, "0s");
	else if (s % 86400 == 0)
		snprintf(buf, len, "%ud", s / 86400);
	else if (s % 3600 == 0)
		snprintf(buf, len, "%uh", s / 3600);
	else if (s % 60 == 0)
		snprintf(buf, len, "%um", s / 60);
	else
		snprintf(buf, len, "%us", s);
}

void sgw_conf_bytes_str(uint64_t b, char *buf, size_t len)
{
	static const char units[] = "kMGT";
	int i;

	for (i = 3; i >= 0 && b; i--) {
		unsigned int shift = 10 * (unsigned int)(i + 1);

		if ((b & ((1ull << shift) - 1)) == 0) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(b >> shift), units[i]);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)b);
}

/* ---- addresses ---- */

static int addr_from_text(const char *text, struct sgw_conf_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, a->bytes) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (strchr(text, ':') && inet_pton(AF_INET6, text, a->bytes) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	memset(a, 0, sizeof(*a));
	return -1;
}

static bool is_v4_mapped(const struct sgw_conf_addr *a)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return a->family == AF_INET6 && memcmp(a->bytes, pfx, 12) == 0;
}

/* An SGW address must be one a packet can be sent to and come from. */
static const char *unicast_problem(const struct sgw_conf_addr *a)
{
	static const uint8_t zero[16];

	if (a->family == AF_INET) {
		if (memcmp(a->bytes, zero, 4) == 0)
			return "the unspecified address cannot be an SGW address";
		if ((a->bytes[0] & 0xf0) == 0xe0)
			return "a multicast address cannot be an SGW address";
		if (a->bytes[0] == 255 && a->bytes[1] == 255 &&
		    a->bytes[2] == 255 && a->bytes[3] == 255)
			return "the broadcast address cannot be an SGW address";
		return NULL;
	}
	if (memcmp(a->bytes, zero, 16) == 0)
		return "the unspecified address cannot be an SGW address";
	if (a->bytes[0] == 0xff)
		return "a multicast address cannot be an SGW address";
	if (is_v4_mapped(a))
		return "write IPv4 addresses as a.b.c.d, not IPv4-mapped";
	return NULL;
}

static int parse_addr(const char *text, bool allow_auto,
		      struct sgw_conf_addr *out, struct sgw_conf_verdict *v)
{
	struct sgw_conf_addr a;
	const char *why;

	if (allow_auto && strcmp(text, "auto") == 0) {
		memset(out, 0, sizeof(*out));
		out->family = AF_UNSPEC;
		return 0;
	}
	if (addr_from_text(text, &a) < 0)
		return refuse(v, "expected %san IPv4 or IPv6 address; host "
			      "names are not resolved",
			      allow_auto ? "auto or " : "");
	why = unicast_problem(&a);
	if (why)
		return refuse(v, "%s", why);
	*out = a;
	return 0;
}

/*
 * A DNS name as RFC 1123 §2.1 writes host names: dot-separated labels of
 * letters, digits and hyphens, 1 to 63 each, no hyphen at either end, 253
 * at most; a trailing dot is allowed. The last label must not be all
 * digits (RFC 3696 §2), so that a mistyped IPv4 address is no name.
 */
bool sgw_conf_host_name_valid(const char *s)
{
	size_t n = strlen(s), label = 0, i;
	bool digits_only = true;

	if (n && s[n - 1] == '.')
		n--;
	if (n == 0 || n > SGW_CONF_HOST_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			digits_only = true;
			continue;
		}
		if (!isalnum((unsigned char)c) && c != '-')
			return false;
		if (c == '-' && label == 0)
			return false;
		if (!isdigit((unsigned char)c))
			digits_only = false;
		if (++label > 63)
			return false;
	}
	return s[n - 1] != '-' && !digits_only;
}

static int parse_addr_host(const char *text, struct sgw_conf_tunnel *t,
			   struct sgw_conf_verdict *v)
{
	struct sgw_conf_addr a;
	const char *why;

	if (addr_from_text(text, &a) == 0) {
		why = unicast_problem(&a);
		if (why)
			return refuse(v, "%s", why);
		t->remote = a;
		t->remote_name[0] = '\0';
		t->remote_any = false;
		return 0;
	}
	if (!strcasecmp(text, "any")) {
		memset(&t->remote, 0, sizeof(t->remote));
		t->remote_name[0] = '\0';
		t->remote_any = true;
		return 0;
	}
	/* Words sgw.conf gives meanings elsewhere are never names here. */
	if (strchr(text, ':') || !sgw_conf_host_name_valid(text) ||
	    !strcasecmp(text, "auto"))
		return refuse(v, "expected an IPv4 or IPv6 address, any, or a "
			      "DNS name of letters, digits, hyphens and dots, "
			      "253 at most");
	memset(&t->remote, 0, sizeof(t->remote));
	t->remote_any = false;
	snprintf(t->remote_name, sizeof(t->remote_name), "%s", text);
	return 0;
}

static size_t addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

bool sgw_conf_addr_equal(const struct sgw_conf_addr *a,
			 const struct sgw_conf_addr *b)
{
	return a->family == b->family &&
	       memcmp(a->bytes, b->bytes, addr_len(a->family)) == 0;
}

const char *sgw_conf_addr_str(const struct sgw_conf_addr *a, char *buf,
			      size_t len)
{
	if (a->family == AF_UNSPEC)
		snprintf(buf, len, "auto");
	else if (!inet_ntop(a->family, a->bytes, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *sgw_conf_prefix_str(const struct sgw_conf_prefix *p, char *buf,
				size_t len)
{
	char a[INET6_ADDRSTRLEN];

	sgw_conf_addr_str(&p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->plen);
	return buf;
}

static bool bits_equal(const uint8_t *a, const uint8_t *b, unsigned int bits)
{
	unsigned int bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[bytes] ^ b[bytes]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

bool sgw_conf_prefix_overlap(const struct sgw_conf_prefix *a,
			     const struct sgw_conf_prefix *b)
{
	if (a->addr.family != b->addr.family)
		return false;
	return bits_equal(a->addr.bytes, b->addr.bytes,
			  a->plen < b->plen ? a->plen : b->plen);
}

bool sgw_conf_prefix_contains(const struct sgw_conf_prefix *p,
			      const struct sgw_conf_addr *a)
{
	return p->addr.family == a->family &&
	       bits_equal(p->addr.bytes, a->bytes, p->plen);
}

/* ---- identities ---- */

static bool fqdn_ok(const char *s, size_t len)
{
	size_t i, label = 0;

	if (len == 0 || len > 253)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0;
}

static bool email_ok(const char *s, size_t len)
{
	const char *at = memchr(s, '@', len);
	size_t i;

	if (!at || at == s || at == s + len - 1 || len > SGW_CONF_IDENT_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	return fqdn_ok(at + 1, (size_t)(s + len - at - 1));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void sgw_conf_ident_from_addr(struct sgw_conf_ident *id,
			      const struct sgw_conf_addr *addr)
{
	memset(id, 0, sizeof(*id));
	if (addr->family == AF_INET) {
		id->type = SGW_CONF_IDENT_IPV4;
		id->len = 4;
	} else if (addr->family == AF_INET6) {
		id->type = SGW_CONF_IDENT_IPV6;
		id->len = 16;
	} else {
		return;
	}
	memcpy(id->data, addr->bytes, id->len);
}

static int parse_ident(const char *text, struct sgw_conf_ident *out,
		       struct sgw_conf_verdict *v)
{
	static const char expected[] = "expected an IP address, fqdn:NAME, "
		"@NAME, email:USER@DOMAIN or keyid:HEX";
	struct sgw_conf_ident id;
	struct sgw_conf_addr a;
	const char *s;
	size_t len, i;

	memset(&id, 0, sizeof(id));
	if (strncmp(text, "fqdn:", 5) == 0 || text[0] == '@') {
		s = text + (text[0] == '@' ? 1 : 5);
		len = strlen(s);
		if (!fqdn_ok(s, len))
			return refuse(v, "expected a host name of letters, "
				      "digits, '-' and '_' in dot-separated "
				      "labels");
		id.type = SGW_CONF_IDENT_FQDN;
	} else if (strncmp(text, "email:", 6) == 0) {
		s = text + 6;
		len = strlen(s);
		if (!email_ok(s, len))
			return refuse(v, "expected email:USER@DOMAIN");
		id.type = SGW_CONF_IDENT_EMAIL;
	} else if (strncmp(text, "keyid:", 6) == 0) {
		s = text + 6;
		len = strlen(s);
		if (len == 0 || len % 2 || len / 2 > SGW_CONF_IDENT_MAX)
			return refuse(v, "expected keyid: and an even number "
				      "of hex digits, at most %u bytes",
				      SGW_CONF_IDENT_MAX);
		for (i = 0; i < len; i += 2) {
			int hi = hexval(s[i]), lo = hexval(s[i + 1]);

			if (hi < 0 || lo < 0)
				return refuse(v, "expected keyid: and an even "
					      "number of hex digits, at most "
					      "%u bytes", SGW_CONF_IDENT_MAX);
			id.data[i / 2] = (uint8_t)(hi << 4 | lo);
		}
		id.type = SGW_CONF_IDENT_KEYID;
		id.len = (uint16_t)(len / 2);
		*out = id;
		return 0;
	} else if (addr_from_text(text, &a) == 0) {
		sgw_conf_ident_from_addr(out, &a);
		return 0;
	} else {
		return refuse(v, "%s", expected);
	}
	memcpy(id.data, s, len);
	id.len = (uint16_t)len;
	*out = id;
	return 0;
}

int sgw_conf_ident_print(const struct sgw_conf_ident *id, FILE *f)
{
	char buf[INET6_ADDRSTRLEN];
	uint16_t i;

	switch (id->type) {
	case SGW_CONF_IDENT_IPV4:
		inet_ntop(AF_INET, id->data, buf, sizeof(buf));
		return fputs(buf, f) < 0 ? -1 : 0;
	case SGW_CONF_IDENT_IPV6:
		inet_ntop(AF_INET6, id->data, buf, sizeof(buf));
		return fputs(buf, f) < 0 ? -1 : 0;
	case SGW_CONF_IDENT_FQDN:
		return fprintf(f, "fqdn:%s", (const char *)id->data) < 0 ?
			-1 : 0;
	case SGW_CONF_IDENT_EMAIL:
		return fprintf(f, "email:%s", (const char *)id->data) < 0 ?
			-1 : 0;
	case SGW_CONF_IDENT_KEYID:
		if (fputs("keyid:", f) < 0)
			return -1;
		for (i = 0; i < id->len; i++)
			if (fprintf(f, "%02x", id->data[i]) < 0)
				return -1;
		return 0;
	case SGW_CONF_IDENT_DEFAULT:
	default:
		return 0;
	}
}

/* ---- names and paths ---- */

static int parse_ifname(const char *text, char *out,
			struct sgw_conf_verdict *v)
{
	size_t len = strlen(text), i;

	for (i = 0; i < len; i++) {
		char c = text[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			break;
	}
	if (len == 0 || len > SGW_CONF_IFNAME_MAX || i < len ||
	    strcmp(text, ".") == 0 || strcmp(text, "..") == 0)
		return refuse(v, "expected 1 to %u letters, digits, '_', '.' "
			      "or '-'", SGW_CONF_IFNAME_MAX);
	memcpy(out, text, len + 1);
	return 0;
}

static int parse_path(const char *text, char **out,
		      struct sgw_conf_verdict *v)
{
	size_t len = strlen(text), i;
	char *copy;

	if (text[0] != '/')
		return refuse(v, "expected an absolute path");
	if (len > PATH_LEN_MAX)
		return refuse(v, "expected a path of at most %u bytes",
			      PATH_LEN_MAX);
	if (text[len - 1] == '/')
		return refuse(v, "expected a file, not a directory");
	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			return refuse(v, "expected a path without control "
				      "characters");
	copy = strdup(text);
	if (!copy)
		return refuse(v, "out of memory");
	free(*out);
	*out = copy;
	return 0;
}

/* ---- lists ---- */

static const char *trim(const char *s, const char *end, size_t *len)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*len = (size_t)(end - s);
	return s;
}

static int parse_prefix(const char *s, size_t len, struct sgw_conf_prefix *p,
			struct sgw_conf_verdict *v)
{
	char buf[INET6_ADDRSTRLEN + 8], hint[INET6_ADDRSTRLEN + 8];
	const char *slash;
	uint64_t plen;
	size_t alen, max;
	struct sgw_conf_prefix masked;
	unsigned int i;

	if (memchr(s, ' ', len) || memchr(s, '\t', len))
		return refuse_part(v, s, len, "separate prefixes with commas");
	if (len >= sizeof(buf))
		return refuse_part(v, s, len, "expected a prefix such as "
				   "10.1.0.0/16 or 2001:db8::/48");
	slash = memchr(s, '/', len);
	alen = slash ? (size_t)(slash - s) : len;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	memset(p, 0, sizeof(*p));
	if (addr_from_text(buf, &p->addr) < 0)
		return refuse_part(v, s, len, "expected a prefix such as "
				   "10.1.0.0/16 or 2001:db8::/48");
	max = p->addr.family == AF_INET ? 32 : 128;
	if (!slash) {
		plen = max;
	} else if (parse_u64(slash + 1, len - alen - 1, &plen) < 0 ||
		   plen > max) {
		v->bad = s;
		v->bad_len = len;
		return refuse(v, "expected a prefix length 0..%zu", max);
	}
	p->plen = (uint8_t)plen;
	masked = *p;
	for (i = 0; i < 16; i++) {
		unsigned int bit = i * 8;

		if (bit >= plen)
			masked.addr.bytes[i] = 0;
		else if (bit + 8 > plen)
			masked.addr.bytes[i] &= (uint8_t)(0xff << (8 - (plen - bit)));
	}
	if (!sgw_conf_addr_equal(&masked.addr, &p->addr)) {
		char detail[96];

		sgw_conf_prefix_str(&masked, hint, sizeof(hint));
		snprintf(detail, sizeof(detail),
			 "host bits set; did you mean %s?", hint);
		return refuse_part(v, s, len, detail);
	}
	return 0;
}

static int parse_prefixes(const char *text, struct sgw_conf_prefix_list *out,
			  struct sgw_conf_verdict *v)
{
	struct sgw_conf_prefix tmp[SGW_CONF_PREFIXES_MAX];
	const char *p = text, *end = text + strlen(text);
	size_t n = 0, i;

	if (strcmp(text, "any") == 0) {
		free(out->v);
		out->v = NULL;
		out->count = 0;
		return 0;
	}
	if (*text == '\0')
		return refuse(v, "expected any or a comma-separated list of "
			      "prefixes");
	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		size_t len;
		const char *item = trim(p, stop, &len);

		if (len == 0)
			return refuse(v, "empty item in the list");
		if (len == 3 && memcmp(item, "any", 3) == 0)
			return refuse_part(v, item, len, "any stands alone, "
					   "not in a list of prefixes");
		if (n == SGW_CONF_PREFIXES_MAX)
			return refuse(v, "at most %u prefixes",
				      SGW_CONF_PREFIXES_MAX);
		if (parse_prefix(item, len, &tmp[n], v) < 0)
			return -1;
		for (i = 0; i < n; i++)
			if (tmp[i].plen == tmp[n].plen &&
			    sgw_conf_addr_equal(&tmp[i].addr, &tmp[n].addr))
				return refuse_part(v, item, len,
						   "listed twice");
		n++;
		p = stop + 1;
	}
	{
		struct sgw_conf_prefix *copy = malloc(n * sizeof(*copy));

		if (!copy)
			return refuse(v, "out of memory");
		memcpy(copy, tmp, n * sizeof(*copy));
		free(out->v);
		out->v = copy;
		out->count = n;
	}
	return 0;
}

/* ---- proposals ---- */

struct alg_desc {
	const char *name;
	enum sgw_conf_alg_class cls;
	uint8_t id;
	bool ike, esp, aead;
	uint16_t iana, bits;	/* ENCR only */
};

static const struct alg_desc algs[] = {
	{ "aes128gcm16", SGW_CONF_ENCR, SGW_CONF_ENCR_AES128GCM16,
	  true, true, true, 20, 128 },
	{ "aes256gcm16", SGW_CONF_ENCR, SGW_CONF_ENCR_AES256GCM16,
	  true, true, true, 20, 256 },
	{ "chacha20poly1305", SGW_CONF_ENCR, SGW_CONF_ENCR_CHACHA20POLY1305,
	  false, true, true, 28, 0 },
	{ "aes128", SGW_CONF_ENCR, SGW_CONF_ENCR_AES128,
	  true, true, false, 12, 128 },
	{ "aes256", SGW_CONF_ENCR, SGW_CONF_ENCR_AES256,
	  true, true, false, 12, 256 },
	{ "sha256", SGW_CONF_INTEG, SGW_CONF_INTEG_SHA256,
	  true, true, false, 0, 0 },
	{ "sha384", SGW_CONF_INTEG, SGW_CONF_INTEG_SHA384,
	  true, true, false, 0, 0 },
	{ "sha512", SGW_CONF_INTEG, SGW_CONF_INTEG_SHA512,
	  true, true, false, 0, 0 },
	{ "prfsha256", SGW_CONF_PRF, SGW_CONF_PRF_SHA256,
	  true, false, false, 0, 0 },
	{ "prfsha384", SGW_CONF_PRF, SGW_CONF_PRF_SHA384,
	  true, false, false, 0, 0 },
	{ "prfsha512", SGW_CONF_PRF, SGW_CONF_PRF_SHA512,
	  true, false, false, 0, 0 },
	{ "modp2048", SGW_CONF_DH, SGW_CONF_DH_MODP2048,
	  true, true, false, 0, 0 },
	{ "modp3072", SGW_CONF_DH, SGW_CONF_DH_MODP3072,
	  true, true, false, 0, 0 },
	{ "modp4096", SGW_CONF_DH, SGW_CONF_DH_MODP4096,
	  true, true, false, 0, 0 },
	{ "ecp256", SGW_CONF_DH, SGW_CONF_DH_ECP256,
	  true, true, false, 0, 0 },
	{ "ecp384", SGW_CONF_DH, SGW_CONF_DH_ECP384,
	  true, true, false, 0, 0 },
	{ "ecp521", SGW_CONF_DH, SGW_CONF_DH_ECP521,
	  true, true, false, 0, 0 },
	{ "curve25519", SGW_CONF_DH, SGW_CONF_DH_CURVE25519,
	  true, true, false, 0, 0 },
};

#define N_ALGS (sizeof(algs) / sizeof(algs[0]))

static const char *const class_names[] = {
	[SGW_CONF_ENCR] = "encryption",
	[SGW_CONF_INTEG] = "integrity",
	[SGW_CONF_PRF] = "PRF",
	[SGW_CONF_DH] = "DH group",
};

static const struct alg_desc *alg_get(enum sgw_conf_alg_class cls,
				      unsigned int id)
{
	size_t i;

	for (i = 0; i < N_ALGS; i++)
		if (algs[i].cls == cls && algs[i].id == id)
			return &algs[i];
	return NULL;
}

const char *sgw_conf_alg_name(enum sgw_conf_alg_class cls, unsigned int id)
{
	const struct alg_desc *a = alg_get(cls, id);

	return a ? a->name : NULL;
}

bool sgw_conf_encr_is_aead(enum sgw_conf_encr encr)
{
	const struct alg_desc *a = alg_get(SGW_CONF_ENCR, encr);

	return a && a->aead;
}

void sgw_conf_encr_iana(enum sgw_conf_encr encr, uint16_t *id,
			uint16_t *bits)
{
	const struct alg_desc *a = alg_get(SGW_CONF_ENCR, encr);

	*id = a ? a->iana : 0;
	*bits = a ? a->bits : 0;
}

static bool alg_allowed(const struct alg_desc *a, bool ike)
{
	return ike ? a->ike : a->esp;
}

/* "sha256, sha384 or sha512": what @cls offers for IKE or ESP. */
static void class_list(char *buf, size_t len, enum sgw_conf_alg_class cls,
		       bool ike)
{
	const char *names[N_ALGS + 1];
	size_t i, n = 0;

	for (i = 0; i < N_ALGS; i++)
		if (algs[i].cls == cls && alg_allowed(&algs[i], ike))
			names[n++] = algs[i].name;
	names[n] = NULL;
	join_or(buf, len, names, NULL);
}

static void all_lists(char *buf, size_t len, bool ike)
{
	size_t used = 0;
	int c;

	buf[0] = '\0';
	for (c = 0; c < SGW_CONF_ALG_CLASSES; c++) {
		char list[160];
		int w;

		if (!ike && c == SGW_CONF_PRF)
			continue;
		class_list(list, sizeof(list), (enum sgw_conf_alg_class)c,
			   ike);
		w = snprintf(buf + used, len - used, "%s%s %s",
			     used ? "; " : "", class_names[c], list);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
}

__attribute__((format(printf, 4, 5)))
static int refuse_at(struct sgw_conf_verdict *v, const char *bad,
		     size_t bad_len, const char *fmt, ...)
{
	va_list ap;

	v->bad = bad;
	v->bad_len = bad_len;
	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_proposal(const char *s, size_t len, bool ike,
			  struct sgw_conf_proposal *p,
			  struct sgw_conf_verdict *v)
{
	const char *tok = s, *end = s + len;
	char list[512];
	int aead = -1;
	size_t i;

	memset(p, 0, sizeof(*p));
	while (tok <= end) {
		const char *dash = memchr(tok, '-', (size_t)(end - tok));
		const char *stop = dash ? dash : end;
		size_t tlen = (size_t)(stop - tok);
		const struct alg_desc *a = NULL;
		enum sgw_conf_alg_class c;

		if (tlen == 0)
			return refuse_part(v, s, len, "empty algorithm name "
					   "between dashes");
		for (i = 0; i < N_ALGS; i++)
			if (strlen(algs[i].name) == tlen &&
			    memcmp(algs[i].name, tok, tlen) == 0)
				a = &algs[i];
		if (!a || !alg_allowed(a, ike)) {
			const char *best = NULL;
			unsigned int best_d = 3;
			char detail[sizeof(v->detail)];

			for (i = 0; !a && i < N_ALGS; i++) {
				unsigned int d;

				if (!alg_allowed(&algs[i], ike))
					continue;
				d = sgw_conf_edit_distance(tok, tlen,
					algs[i].name, strlen(algs[i].name), 2);
				if (d < best_d) {
					best_d = d;
					best = algs[i].name;
				}
			}
			all_lists(list, sizeof(list), ike);
			if (best)
				snprintf(detail, sizeof(detail),
					 "unknown algorithm; did you mean %s?",
					 best);
			else
				snprintf(detail, sizeof(detail),
					 "%s for %s; expected %s",
					 a ? "not supported" :
					 "unknown algorithm",
					 ike ? "IKE" : "ESP", list);
			return refuse_part(v, tok, tlen, detail);
		}
		c = a->cls;
		for (i = 0; i < p->n[c]; i++)
			if (p->alg[c][i] == a->id)
				return refuse_part(v, tok, tlen, "listed twice "
						   "in one proposal");
		if (p->n[c] == SGW_CONF_ALGS_MAX)
			return refuse_part(v, tok, tlen, "too many algorithms "
					   "of one kind");
		if (c == SGW_CONF_ENCR) {
			if (aead >= 0 && aead != a->aead)
				return refuse_part(v, s, len, "mixes AEAD and "
						   "non-AEAD encryption; put "
						   "them in separate proposals");
			aead = a->aead;
		}
		p->alg[c][p->n[c]++] = a->id;
		tok = stop + 1;
	}

	if (p->n[SGW_CONF_ENCR] == 0) {
		class_list(list, sizeof(list), SGW_CONF_ENCR, ike);
		return refuse_at(v, s, len, "no encryption algorithm; "
				 "add one of %s", list);
	}
	if (aead && p->n[SGW_CONF_INTEG]) {
		if (ike) {
			const struct alg_desc *prf = alg_get(SGW_CONF_PRF,
				p->alg[SGW_CONF_INTEG][0] - 7);

			return refuse_at(v, s, len, "AEAD encryption "
					       "takes no integrity algorithm; "
					       "for a PRF write %s",
					       prf ? prf->name : "prfsha256");
		}
		return refuse_part(v, s, len, "AEAD encryption takes no "
				   "integrity algorithm");
	}
	if (!aead && p->n[SGW_CONF_INTEG] == 0) {
		class_list(list, sizeof(list), SGW_CONF_INTEG, ike);
		return refuse_at(v, s, len, "no integrity algorithm; "
				       "add one of %s", list);
	}
	if (ike && p->n[SGW_CONF_PRF] == 0) {
		if (aead) {
			class_list(list, sizeof(list), SGW_CONF_PRF, true);
			return refuse_at(v, s, len, "no PRF; add one "
					       "of %s", list);
		}
		/* As strongSwan does: one PRF per integrity algorithm. */
		for (i = 0; i < p->n[SGW_CONF_INTEG]; i++)
			p->alg[SGW_CONF_PRF][i] =
				(uint8_t)(p->alg[SGW_CONF_INTEG][i] - 7);
		p->n[SGW_CONF_PRF] = p->n[SGW_CONF_INTEG];
	}
	if (ike && p->n[SGW_CONF_DH] == 0) {
		class_list(list, sizeof(list), SGW_CONF_DH, true);
		return refuse_at(v, s, len, "no DH group; add one of %s",
				       list);
	}
	return 0;
}

/*
 * strongSwan's "default" (proposal_create_default() and
 * proposal_create_default_aead(), the classic proposal first), cut down to
 * the algorithms sgw implements: no AES-192, AES-CTR, Camellia, SHA-1,
 * AES-XCBC/CMAC, Brainpool, Curve448 or MODP 6144/8192.
 */
static const char *const default_ike[] = {
	"aes128-aes256-sha256-sha384-sha512-prfsha256-prfsha384-prfsha512-"
	"ecp256-ecp384-ecp521-curve25519-modp3072-modp4096-modp2048",
	"aes128gcm16-aes256gcm16-prfsha256-prfsha384-prfsha512-"
	"ecp256-ecp384-ecp521-curve25519-modp3072-modp4096-modp2048",
};
static const char *const default_esp[] = {
	"aes128-aes256-sha256-sha384-sha512",
	"aes128gcm16-aes256gcm16",
};

static int parse_proposals(const char *text, bool ike,
			   struct sgw_conf_proposals *out,
			   struct sgw_conf_verdict *v)
{
	struct sgw_conf_proposals tmp;
	const char *p = text, *end = text + strlen(text);

	memset(&tmp, 0, sizeof(tmp));
	if (*text == '\0')
		return refuse(v, "expected a comma-separated list of "
			      "proposals such as %s",
			      ike ? "aes256gcm16-prfsha384-ecp384" :
			      "aes256gcm16");
	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		size_t len;
		const char *item = trim(p, stop, &len);

		if (len == 0)
			return refuse(v, "empty item in the list");
		if (len == 7 && !strncasecmp(item, "default", 7)) {
			const char *const *d = ike ? default_ike : default_esp;
			size_t k;

			for (k = 0; k < 2; k++) {
				if (tmp.count == SGW_CONF_PROPOSALS_MAX)
					return refuse(v, "at most %u proposals "
						      "(default counts as 2)",
						      SGW_CONF_PROPOSALS_MAX);
				if (parse_proposal(d[k], strlen(d[k]), ike,
						   &tmp.v[tmp.count], v) < 0)
					return -1;
				tmp.count++;
			}
			p = stop + 1;
			continue;
		}
		if (tmp.count == SGW_CONF_PROPOSALS_MAX)
			return refuse(v, "at most %u proposals",
				      SGW_CONF_PROPOSALS_MAX);
		if (parse_proposal(item, len, ike, &tmp.v[tmp.count], v) < 0)
			return -1;
		tmp.count++;
		p = stop + 1;
	}
	*out = tmp;
	return 0;
}

static int print_proposals(const struct sgw_conf_proposals *ps, FILE *f)
{
	unsigned int i;
	int c, j;

	for (i = 0; i < ps->count; i++) {
		const struct sgw_conf_proposal *p = &ps->v[i];
		bool first = true;

		if (i && fputs(", ", f) < 0)
			return -1;
		for (c = 0; c < SGW_CONF_ALG_CLASSES; c++) {
			for (j = 0; j < p->n[c]; j++) {
				const char *name = sgw_conf_alg_name(
					(enum sgw_conf_alg_class)c,
					p->alg[c][j]);

				if (fprintf(f, "%s%s", first ? "" : "-",
					    name ? name : "?") < 0)
					return -1;
				first = false;
			}
		}
	}
	return 0;
}

static bool proposals_equal(const struct sgw_conf_proposals *a,
			    const struct sgw_conf_proposals *b)
{
	unsigned int i;
	int c;

	if (a->count != b->count)
		return false;
	for (i = 0; i < a->count; i++)
		for (c = 0; c < SGW_CONF_ALG_CLASSES; c++)
			if (a->v[i].n[c] != b->v[i].n[c] ||
			    memcmp(a->v[i].alg[c], b->v[i].alg[c],
				   a->v[i].n[c]) != 0)
				return false;
	return true;
}

/* ---- dispatch ---- */

int sgw_conf_value_parse(const struct sgw_conf_key *k, const char *text,
			 void *base, struct sgw_conf_verdict *v)
{
	void *f = field(k, base);
	uint32_t u32 = 0;
	uint64_t u64 = 0;
	int i = 0;

	v->bad = NULL;
	v->bad_len = 0;
	v->detail[0] = '\0';
	switch (k->type) {
	case SGW_CONF_T_BOOL:
		if (parse_choice(k, text, &i, v) < 0)
			return -1;
		*(bool *)f = i == 1;
		return 0;
	case SGW_CONF_T_ENUM:
		if (parse_choice(k, text, &i, v) < 0)
			return -1;
		memcpy(f, &i, sizeof(i));
		return 0;
	case SGW_CONF_T_UINT:
		if (parse_uint(k, text, &u32, v) < 0)
			return -1;
		memcpy(f, &u32, sizeof(u32));
		return 0;
	case SGW_CONF_T_COUNT:
		if (parse_count(text, &u64, v) < 0)
			return -1;
		memcpy(f, &u64, sizeof(u64));
		return 0;
	case SGW_CONF_T_BYTES:
		if (parse_bytes(text, &u64, v) < 0)
			return -1;
		memcpy(f, &u64, sizeof(u64));
		return 0;
	case SGW_CONF_T_DURATION:
		if (parse_duration(k, text, &u32, v) < 0)
			return -1;
		memcpy(f, &u32, sizeof(u32));
		return 0;
	case SGW_CONF_T_ADDR:
	case SGW_CONF_T_ADDR_AUTO:
		return parse_addr(text, k->type == SGW_CONF_T_ADDR_AUTO, f, v);
	case SGW_CONF_T_ADDR_HOST:
		return parse_addr_host(text, base, v);
	case SGW_CONF_T_IDENT:
		return parse_ident(text, f, v);
	case SGW_CONF_T_PATH:
		return parse_path(text, f, v);
	case SGW_CONF_T_IFNAME:
		return parse_ifname(text, f, v);
	case SGW_CONF_T_PREFIXES:
		return parse_prefixes(text, f, v);
	case SGW_CONF_T_IKE_PROPOSALS:
	case SGW_CONF_T_ESP_PROPOSALS:
		return parse_proposals(text,
				       k->type == SGW_CONF_T_IKE_PROPOSALS,
				       f, v);
	}
	return refuse(v, "internal error: unknown value type");
}

int sgw_conf_value_print(const struct sgw_conf_key *k, const void *base,
			 FILE *f)
{
	const void *p = cfield(k, base);
	char buf[INET6_ADDRSTRLEN + 8];
	uint32_t u32;
	uint64_t u64;
	size_t i;
	int e;

	switch (k->type) {
	case SGW_CONF_T_BOOL:
		return fputs(k->choices[*(const bool *)p ? 1 : 0], f) < 0 ?
			-1 : 0;
	case SGW_CONF_T_ENUM:
		memcpy(&e, p, sizeof(e));
		return fputs(k->choices[e], f) < 0 ? -1 : 0;
	case SGW_CONF_T_UINT:
		memcpy(&u32, p, sizeof(u32));
		for (i = 0; k->words && k->words[i].word; i++)
			if (k->words[i].value == u32)
				return fputs(k->words[i].word, f) < 0 ? -1 : 0;
		return fprintf(f, "%u", u32) < 0 ? -1 : 0;
	case SGW_CONF_T_COUNT:
		memcpy(&u64, p, sizeof(u64));
		return fprintf(f, "%llu", (unsigned long long)u64) < 0 ?
			-1 : 0;
	case SGW_CONF_T_BYTES:
		memcpy(&u64, p, sizeof(u64));
		sgw_conf_bytes_str(u64, buf, sizeof(buf));
		return fputs(buf, f) < 0 ? -1 : 0;
	case SGW_CONF_T_DURATION:
		memcpy(&u32, p, sizeof(u32));
		sgw_conf_duration_str(u32, buf, sizeof(buf));
		return fputs(buf, f) < 0 ? -1 : 0;
	case SGW_CONF_T_ADDR:
	case SGW_CONF_T_ADDR_AUTO:
		sgw_conf_addr_str(p, buf, sizeof(buf));
		return fputs(buf, f) < 0 ? -1 : 0;
	case SGW_CONF_T_ADDR_HOST:
		if (((const struct sgw_conf_tunnel *)base)->remote_any)
			return fputs("any", f) < 0 ? -1 : 0;
		if (((const struct sgw_conf_tunnel *)base)->remote_name[0])
			return fputs(((const struct sgw_conf_tunnel *)base)->
				     remote_name, f) < 0 ? -1 : 0;
		sgw_conf_addr_str(p, buf, sizeof(buf));
		return fputs(buf, f) < 0 ? -1 : 0;
	case SGW_CONF_T_IDENT:
		return sgw_conf_ident_print(p, f);
	case SGW_CONF_T_PATH:
		return fputs(*(char *const *)p ? *(char *const *)p : "", f) < 0 ?
			-1 : 0;
	case SGW_CONF_T_IFNAME:
		return fputs(p, f) < 0 ? -1 : 0;
	case SGW_CONF_T_PREFIXES: {
		const struct sgw_conf_prefix_list *l = p;

		if (l->count == 0)
			return fputs("any", f) < 0 ? -1 : 0;
		for (i = 0; i < l->count; i++) {
			sgw_conf_prefix_str(&l->v[i], buf, sizeof(buf));
			if (fprintf(f, "%s%s", i ? ", " : "", buf) < 0)
				return -1;
		}
		return 0;
	}
	case SGW_CONF_T_IKE_PROPOSALS:
	case SGW_CONF_T_ESP_PROPOSALS:
		return print_proposals(p, f);
	}
	return -1;
}

bool sgw_conf_value_equal(const struct sgw_conf_key *k, const void *a,
			  const void *b)
{
	const void *x = cfield(k, a), *y = cfield(k, b);

	switch (k->type) {
	case SGW_CONF_T_BOOL:
		return *(const bool *)x == *(const bool *)y;
	case SGW_CONF_T_ENUM:
	case SGW_CONF_T_UINT:
	case SGW_CONF_T_DURATION:
		return memcmp(x, y, 4) == 0;
	case SGW_CONF_T_COUNT:
	case SGW_CONF_T_BYTES:
		return memcmp(x, y, 8) == 0;
	case SGW_CONF_T_ADDR:
	case SGW_CONF_T_ADDR_AUTO:
		return sgw_conf_addr_equal(x, y);
	case SGW_CONF_T_ADDR_HOST:
		return sgw_conf_addr_equal(x, y) &&
		       ((const struct sgw_conf_tunnel *)a)->remote_any ==
		       ((const struct sgw_conf_tunnel *)b)->remote_any &&
		       !strcmp(((const struct sgw_conf_tunnel *)a)->remote_name,
			       ((const struct sgw_conf_tunnel *)b)->remote_name);
	case SGW_CONF_T_IDENT: {
		const struct sgw_conf_ident *i = x, *j = y;

		return i->type == j->type && i->len == j->len &&
		       memcmp(i->data, j->data, i->len) == 0;
	}
	case SGW_CONF_T_PATH: {
		const char *s = *(char *const *)x, *t = *(char *const *)y;

		return s && t ? strcmp(s, t) == 0 : s == t;
	}
	case SGW_CONF_T_IFNAME:
		return strcmp(x, y) == 0;
	case SGW_CONF_T_PREFIXES: {
		const struct sgw_conf_prefix_list *l = x, *m = y;
		size_t i;

		if (l->count != m->count)
			return false;
		for (i = 0; i < l->count; i++)
			if (l->v[i].plen != m->v[i].plen ||
			    !sgw_conf_addr_equal(&l->v[i].addr, &m->v[i].addr))
				return false;
		return true;
	}
	case SGW_CONF_T_IKE_PROPOSALS:
	case SGW_CONF_T_ESP_PROPOSALS:
		return proposals_equal(x, y);
	}
	return false;
}

void sgw_conf_value_release(const struct sgw_conf_key *k, void *base)
{
	void *f = field(k, base);

	if (k->type == SGW_CONF_T_PATH) {
		free(*(char **)f);
		*(char **)f = NULL;
	} else if (k->type == SGW_CONF_T_PREFIXES) {
		struct sgw_conf_prefix_list *l = f;

		free(l->v);
		l->v = NULL;
		l->count = 0;
	}
}
