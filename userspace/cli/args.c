// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"

/* Decimal digits only: strtoull alone would accept signs and spaces. */
static int parse_decimal(const char *s, unsigned long long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

int parse_u32(const char *field, const char *s, uint32_t min, uint32_t max,
	      uint32_t *out, char *err, size_t errlen)
{
	unsigned long long v;

	if (parse_decimal(s, &v) || v < min || v > max) {
		snprintf(err, errlen,
			 "%s \"%s\" is not valid: expected a number from %u to %u",
			 field, s, min, max);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

int parse_u64(const char *field, const char *s, uint64_t min, uint64_t max,
	      uint64_t *out, char *err, size_t errlen)
{
	unsigned long long v;

	if (parse_decimal(s, &v) || v < min || v > max) {
		snprintf(err, errlen,
			 "%s \"%s\" is not valid: expected a number from %" PRIu64
			 " to %" PRIu64, field, s, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* The kernel's rules (dev_valid_name), checked here to explain them. */
int parse_ifname(const char *field, const char *s, char out[SGW_IFNAMSIZ],
		 char *err, size_t errlen)
{
	size_t len = strlen(s), i;

	if (len == 0 || len >= SGW_IFNAMSIZ || !strcmp(s, ".") ||
	    !strcmp(s, ".."))
		goto bad;
	for (i = 0; i < len; i++)
		if (s[i] == '/' || s[i] == ':' || isspace((unsigned char)s[i]))
			goto bad;
	memcpy(out, s, len + 1);
	return 0;
bad:
	snprintf(err, errlen,
		 "%s \"%s\" is not valid: use 1 to %d characters without '/', ':' or spaces",
		 field, s, SGW_IFNAMSIZ - 1);
	return -EINVAL;
}

/* A tunnel is named by its number or by its interface name. */
int parse_tunnel_ref(const char *s, struct sgw_tunnel_ref *ref, char *err,
		     size_t errlen)
{
	memset(ref, 0, sizeof(*ref));
	if (isdigit((unsigned char)*s))
		return parse_u32("tunnel id", s, 1, SGW_TUNNEL_ID_MAX, &ref->id,
				 err, errlen);
	return parse_ifname("tunnel interface", s, ref->ifname, err, errlen);
}

int parse_yes_no(const char *field, const char *s, bool *out, char *err,
		 size_t errlen)
{
	/* on and off too, as everywhere in sgwctl and sgw.conf. */
	if (!strcmp(s, "yes") || !strcmp(s, "on")) {
		*out = true;
	} else if (!strcmp(s, "no") || !strcmp(s, "off")) {
		*out = false;
	} else {
		snprintf(err, errlen, "%s \"%s\" is not valid: expected yes or no",
			 field, s);
		return -EINVAL;
	}
	return 0;
}

static bool addr_from_string(const char *s, struct sgw_ipaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->bytes) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, s, out->bytes) == 1)
		out->family = AF_INET6;
	return out->family != 0;
}

int parse_addr(const char *field, const char *s, struct sgw_ipaddr *out,
	       char *err, size_t errlen)
{
	struct sgw_ipaddr a;

	if (!addr_from_string(s, &a)) {
		snprintf(err, errlen,
			 "%s \"%s\" is not valid: expected an IPv4 or IPv6 address such as 192.0.2.1 or 2001:db8::1",
			 field, s);
		return -EINVAL;
	}
	*out = a;
	return 0;
}

/* Clears the bits past @len; true when any of them was set. */
static bool clear_host_bits(struct sgw_ipaddr *a, unsigned int len)
{
	unsigned int bytes = sgw_addr_bits(a) / 8, i;
	bool had = false;

	for (i = 0; i < bytes; i++) {
		unsigned int keep = len >= (i + 1) * 8 ? 8 :
				    len > i * 8 ? len - i * 8 : 0;
		uint8_t mask = (uint8_t)(0xff00u >> keep);

		if (a->bytes[i] & ~mask)
			had = true;
		a->bytes[i] &= mask;
	}
	return had;
}

int parse_prefix(const char *field, const char *s, struct sgw_ipprefix *out,
		 char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN], fixed[SGW_PREFIX_STRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long long len;
	struct sgw_ipprefix p;

	if (alen >= sizeof(addr))
		goto bad_addr;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (!addr_from_string(addr, &p.addr))
		goto bad_addr;
	p.len = sgw_addr_bits(&p.addr);
	if (slash) {
		if (strlen(slash + 1) > 3 || parse_decimal(slash + 1, &len) ||
		    len > p.len) {
			snprintf(err, errlen,
				 "%s \"%s\" is not valid: an %s prefix length is 0 to %u",
				 field, s, p.addr.family == AF_INET ? "IPv4" : "IPv6",
				 p.len);
			return -EINVAL;
		}
		p.len = (unsigned int)len;
	}
	if (clear_host_bits(&p.addr, p.len)) {
		sgw_prefix_format(&p, fixed, sizeof(fixed));
		snprintf(err, errlen, "%s \"%s\" has host bits set: did you mean %s?",
			 field, s, fixed);
		return -EINVAL;
	}
	*out = p;
	return 0;
bad_addr:
	snprintf(err, errlen,
		 "%s \"%s\" is not valid: expected a prefix such as 10.1.0.0/16 or 2001:db8::/32, or an address",
		 field, s);
	return -EINVAL;
}

static bool prefix_equal(const struct sgw_ipprefix *a,
			 const struct sgw_ipprefix *b)
{
	return a->addr.family == b->addr.family && a->len == b->len &&
	       !memcmp(a->addr.bytes, b->addr.bytes, sizeof(a->addr.bytes));
}

int parse_prefix_list(const char *field, const char *s, struct sgw_ts *out,
		      char *err, size_t errlen)
{
	char text[SGW_PREFIX_STRLEN];
	struct sgw_ts ts = { .n = 0 };
	const char *p = s, *comma;
	unsigned int i, count = 1;

	if (!strcmp(s, "any")) {
		*out = ts;
		return 0;
	}
	for (comma = s; (comma = strchr(comma, ',')); comma++)
		count++;
	if (count > SGW_TS_MAX) {
		snprintf(err, errlen,
			 "%s \"%s\" is not valid: it lists %u prefixes, at most %d are allowed",
			 field, s, count, SGW_TS_MAX);
		return -EINVAL;
	}
	for (;;) {
		size_t len;

		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 0) {
			snprintf(err, errlen,
				 "%s \"%s\" is not valid: empty entry; separate prefixes with single commas",
				 field, s);
			return -EINVAL;
		}
		/* Longer than any prefix: let parse_prefix say why. */
		if (len >= sizeof(text))
			len = sizeof(text) - 1;
		memcpy(text, p, len);
		text[len] = '\0';
		if (!strcmp(text, "any")) {
			snprintf(err, errlen,
				 "%s \"%s\" is not valid: \"any\" stands alone, not in a list of prefixes",
				 field, s);
			return -EINVAL;
		}
		if (parse_prefix(field, text, &ts.v[ts.n], err, errlen))
			return -EINVAL;
		for (i = 0; i < ts.n; i++) {
			if (!prefix_equal(&ts.v[i], &ts.v[ts.n]))
				continue;
			sgw_prefix_format(&ts.v[i], text, sizeof(text));
			snprintf(err, errlen, "%s \"%s\" is not valid: it lists %s twice",
				 field, s, text);
			return -EINVAL;
		}
		ts.n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = ts;
	return 0;
}

int parse_encap(const char *sport, const char *dport, uint16_t *sp,
		uint16_t *dp, char *err, size_t errlen)
{
	uint32_t s, d;

	if (parse_u32("encap source port", sport, 1, 65535, &s, err, errlen) ||
	    parse_u32("encap destination port", dport, 1, 65535, &d, err, errlen))
		return -EINVAL;
	*sp = (uint16_t)s;
	*dp = (uint16_t)d;
	return 0;
}

int parse_spi(const char *s, uint32_t *out, char *err, size_t errlen)
{
	unsigned long long v;
	char *end;
	int ret;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		errno = 0;
		v = isxdigit((unsigned char)s[2]) ? strtoull(s + 2, &end, 16) : 0;
		ret = !isxdigit((unsigned char)s[2]) || errno || *end ? -EINVAL : 0;
	} else {
		ret = parse_decimal(s, &v);
	}
	if (ret || v > UINT32_MAX) {
		snprintf(err, errlen,
			 "spi \"%s\" is not valid: expected 0x and hex digits or a decimal number, 256 (0x100) to 4294967295 (0xffffffff)",
			 s);
		return -EINVAL;
	}
	if (v < 256) {
		snprintf(err, errlen,
			 "spi \"%s\" is not valid: 0 to 255 are reserved (RFC 4303); use 256 (0x100) to 4294967295 (0xffffffff)",
			 s);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

int parse_dir(const char *s, unsigned int *out, char *err, size_t errlen)
{
	if (!strcmp(s, "in")) {
		*out = SGW_DIR_IN;
	} else if (!strcmp(s, "out")) {
		*out = SGW_DIR_OUT;
	} else {
		snprintf(err, errlen, "dir \"%s\" is not valid: expected in or out", s);
		return -EINVAL;
	}
	return 0;
}

int parse_alg(const char *s, const struct sgw_alg_spec **out, char *err,
	      size_t errlen)
{
	const struct sgw_alg_spec *a = sgw_alg_by_name(s);
	size_t used;

	if (a) {
		*out = a;
		return 0;
	}
	used = (size_t)snprintf(err, errlen,
				"alg \"%s\" is not valid: expected one of", s);
	for (a = sgw_algs; a->name && used < errlen; a++)
		used += (size_t)snprintf(err + used, errlen - used, "%s %s",
					 a == sgw_algs ? "" : ",", a->name);
	return -EINVAL;
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_key_hex(const char *source, const char *text, size_t len,
		  const struct sgw_alg_spec *alg, uint8_t out[SGW_KEY_MAX],
		  char *err, size_t errlen)
{
	unsigned int line = 1, digits = 0;
	size_t i = 0, n = 0;
	int high = 0;

	while (i < len && isspace((unsigned char)text[i]))
		line += text[i++] == '\n';
	if (i + 1 < len && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X'))
		i += 2;
	for (; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)text[i] : ' ';
		int v = hex_value(c);

		/* A byte's two digits sit together: a lone digit is a typo. */
		if (isspace(c)) {
			if (digits % 2) {
				snprintf(err, errlen,
					 "%s, line %u: odd number of hex digits; each byte is two digits",
					 source, line);
				goto fail;
			}
			digits = 0;
			line += c == '\n';
			continue;
		}
		if (v < 0) {
			if (isprint(c))
				snprintf(err, errlen,
					 "%s, line %u: '%c' is not a hex digit (0-9, a-f)",
					 source, line, c);
			else
				snprintf(err, errlen,
					 "%s, line %u: byte 0x%02x is not a hex digit (0-9, a-f)",
					 source, line, c);
			goto fail;
		}
		if (digits++ % 2 == 0) {
			high = v;
			continue;
		}
		if (n < SGW_KEY_MAX)
			out[n] = (uint8_t)(high << 4 | v);
		n++;
	}
	high = 0;
	if (n != alg->key_len) {
		snprintf(err, errlen, "%s holds %zu byte%s; %s needs %zu (%s)",
			 source, n, n == 1 ? "" : "s", alg->name, alg->key_len,
			 alg->layout);
		goto fail;
	}
	return 0;
fail:
	explicit_bzero(&high, sizeof(high));
	explicit_bzero(out, SGW_KEY_MAX);
	return -EINVAL;
}

/* Reads all of @fd into @buf; -EFBIG when it holds more than @size bytes. */
static int read_all(int fd, char *buf, size_t size, size_t *len)
{
	char extra;

	*len = 0;
	for (;;) {
		ssize_t r = *len < size ? read(fd, buf + *len, size - *len) :
				  read(fd, &extra, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return 0;
		if (*len == size) {
			explicit_bzero(&extra, sizeof(extra));
			return -EFBIG;
		}
		*len += (size_t)r;
	}
}

int read_key_file(const char *path, const struct sgw_alg_spec *alg,
		  uint8_t out[SGW_KEY_MAX], FILE *warn, char *err,
		  size_t errlen)
{
	bool is_stdin = !strcmp(path, "-");
	char text[SGW_KEY_TEXT_MAX], source[300];
	struct stat st;
	size_t len = 0;
	int fd, ret;

	if (is_stdin)
		snprintf(source, sizeof(source), "key on standard input");
	else
		snprintf(source, sizeof(source), "key file \"%s\"", path);
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", source, strerror(-ret));
		return ret;
	}
	if (!is_stdin && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & (S_IRGRP | S_IROTH)))
		fprintf(warn,
			"sgwctl: warning: %s can be read by group or others (mode %04o); chmod 600 it\n",
			source, (unsigned int)(st.st_mode & 07777));
	ret = read_all(fd, text, sizeof(text), &len);
	if (ret == -EFBIG)
		snprintf(err, errlen, "%s is larger than %d bytes: not a hex key",
			 source, SGW_KEY_TEXT_MAX);
	else if (ret)
		snprintf(err, errlen, "%s: %s", source, strerror(-ret));
	else
		ret = parse_key_hex(source, text, len, alg, out, err, errlen);
	explicit_bzero(text, sizeof(text));
	if (!is_stdin)
		close(fd);
	return ret;
}

/* "auto" (0) or an MTU the kernel accepts. */
int parse_mtu(const char *field, const char *s, uint32_t *out, char *err,
	      size_t errlen)
{
	if (!strcmp(s, "auto")) {
		*out = 0;
		return 0;
	}
	if (parse_u32(field, s, 68, 65535, out, err, errlen) == 0)
		return 0;
	snprintf(err, errlen, "%s \"%s\" is not valid: expected auto or a number from 68 to 65535",
		 field, s);
	return -EINVAL;
}

/* "auto" (0), "off" or a fixed MSS. */
int parse_mss(const char *field, const char *s, uint32_t *out, char *err,
	      size_t errlen)
{
	if (!strcmp(s, "auto")) {
		*out = 0;
		return 0;
	}
	if (!strcmp(s, "off")) {
		*out = SGW_MSS_OFF;
		return 0;
	}
	if (parse_u32(field, s, 536, 65495, out, err, errlen) == 0)
		return 0;
	snprintf(err, errlen, "%s \"%s\" is not valid: expected auto, off or a number from 536 to 65495",
		 field, s);
	return -EINVAL;
}

/* One of the @n names @name gives for 0..n-1. */
int parse_choice(const char *field, const char *s,
		 const char *(*name)(unsigned int), unsigned int n, uint8_t *out,
		 char *err, size_t errlen)
{
	size_t used;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!strcmp(s, name(i))) {
			*out = (uint8_t)i;
			return 0;
		}
	}
	used = (size_t)snprintf(err, errlen, "%s \"%s\" is not valid: expected", field, s);
	for (i = 0; i < n && used < errlen; i++)
		used += (size_t)snprintf(err + used, errlen - used, "%s %s",
					 i == 0 ? "" : (i + 1 == n ? " or" : ","), name(i));
	return -EINVAL;
}
