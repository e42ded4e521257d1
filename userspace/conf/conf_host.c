// SPDX-License-Identifier: GPL-2.0
/* The host side of a configuration; see conf_host.h. */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_host.h"

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int b64_digit(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

static int decode_hex(const char *s, size_t n, uint8_t *key, size_t *keylen,
		      char *why, size_t whylen)
{
	size_t i;

	if (n == 0 || n % 2) {
		snprintf(why, whylen, "0x must be followed by an even number "
			 "of hexadecimal digits (got %zu)", n);
		return -1;
	}
	if (n / 2 > SGW_CONF_PSK_MAX) {
		snprintf(why, whylen, "the key is longer than %d bytes",
			 SGW_CONF_PSK_MAX);
		return -1;
	}
	for (i = 0; i < n; i += 2) {
		int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);

		if (hi < 0 || lo < 0) {
			snprintf(why, whylen, "0x key: character %zu is not a "
				 "hexadecimal digit", i + (hi < 0 ? 3 : 4));
			return -1;
		}
		key[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*keylen = n / 2;
	return 0;
}

static int decode_b64(const char *s, size_t n, uint8_t *key, size_t *keylen,
		      char *why, size_t whylen)
{
	size_t i, out = 0, pad = 0;
	uint32_t acc = 0;

	while (pad < 2 && n > pad && s[n - 1 - pad] == '=')
		pad++;
	if (n == 0 || n % 4 || n - pad == 0) {
		snprintf(why, whylen, "0s must be followed by base64 in "
			 "groups of 4 characters (got %zu)", n);
		return -1;
	}
	if ((n / 4) * 3 - pad > SGW_CONF_PSK_MAX) {
		snprintf(why, whylen, "the key is longer than %d bytes",
			 SGW_CONF_PSK_MAX);
		return -1;
	}
	for (i = 0; i < n - pad; i++) {
		int d = b64_digit(s[i]);

		if (d < 0) {
			snprintf(why, whylen, "0s key: character %zu is not "
				 "base64", i + 3);
			return -1;
		}
		acc = acc << 6 | (uint32_t)d;
		if (i % 4 == 3) {
			key[out++] = (uint8_t)(acc >> 16);
			key[out++] = (uint8_t)(acc >> 8);
			key[out++] = (uint8_t)acc;
			acc = 0;
		}
	}
	/* The last group: 2 or 3 characters give 1 or 2 bytes. */
	if (pad == 2) {
		key[out++] = (uint8_t)(acc >> 4);
		if (acc & 0xf)
			goto trailing;
	} else if (pad == 1) {
		key[out++] = (uint8_t)(acc >> 10);
		key[out++] = (uint8_t)(acc >> 2);
		if (acc & 0x3)
			goto trailing;
	}
	*keylen = out;
	return 0;
trailing:
	snprintf(why, whylen, "0s key: the last base64 group has bits set "
		 "beyond the key's end");
	return -1;
}

int sgw_conf_psk_decode(const char *text, size_t len, uint8_t *key,
			size_t *keylen, char *why, size_t whylen)
{
	if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		return decode_hex(text + 2, len - 2, key, keylen, why, whylen);
	if (len >= 2 && text[0] == '0' && (text[1] == 's' || text[1] == 'S'))
		return decode_b64(text + 2, len - 2, key, keylen, why, whylen);
	if (len == 0) {
		snprintf(why, whylen, "the key is empty");
		return -1;
	}
	if (len > SGW_CONF_PSK_MAX) {
		snprintf(why, whylen, "the key is longer than %d bytes",
			 SGW_CONF_PSK_MAX);
		return -1;
	}
	memcpy(key, text, len);
	*keylen = len;
	return 0;
}

int sgw_conf_psk_read(const char *path, uint8_t *key, size_t *keylen,
		      char *warn, size_t warnlen, char *err, size_t errlen,
		      int *err_no)
{
	/* Room for the longest encoding (hex) and a CR LF. */
	char buf[2 + 2 * SGW_CONF_PSK_MAX + 3];
	char why[128];
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd, r;

	if (warnlen)
		warn[0] = '\0';
	*err_no = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		*err_no = errno;
		snprintf(err, errlen, "psk-file %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "psk-file %s: not a regular file", path);
		close(fd);
		return -1;
	}
	/* As sshd with private keys: others reading or anyone writing it. */
	if (st.st_mode & (S_IROTH | S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "psk-file %s is %s by %s: refused; "
			 "'chmod 600 %s' keeps the key to root", path,
			 (st.st_mode & S_IROTH) ? "readable" : "writable",
			 (st.st_mode & (S_IROTH | S_IWOTH)) ? "others" :
			 "its group", path);
		close(fd);
		return -1;
	}
	while (got < sizeof(buf) &&
	       (n = read(fd, buf + got, sizeof(buf) - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "psk-file %s: %s", path,
				 strerror(errno));
			close(fd);
			explicit_bzero(buf, sizeof(buf));
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	if (got == sizeof(buf)) {
		snprintf(err, errlen, "psk-file %s: the key is longer than %d "
			 "bytes", path, SGW_CONF_PSK_MAX);
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	while (got && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
		got--;
	if (!got) {
		snprintf(err, errlen, "psk-file %s is empty: put the pre-shared "
			 "key in it ('sgwctl genpsk' makes one)", path);
		return -1;
	}
	r = sgw_conf_psk_decode(buf, got, key, keylen, why, sizeof(why));
	explicit_bzero(buf, sizeof(buf));
	if (r < 0) {
		snprintf(err, errlen, "psk-file %s: %s", path, why);
		return -1;
	}
	if (st.st_mode & S_IRGRP)
		snprintf(warn, warnlen, "psk-file %s is readable by its group; "
			 "'chmod 600 %s' keeps the key to root", path, path);
	if (*keylen < SGW_CONF_PSK_SHORT) {
		size_t used = warnlen ? strlen(warn) : 0;

		snprintf(warn + used, warnlen - used, "%s%s holds a key of "
			 "only %zu byte%s; use at least %d random bytes "
			 "('sgwctl genpsk' makes %d)",
			 used ? "; and it" : "psk-file ", used ? "" : path,
			 *keylen, *keylen == 1 ? "" : "s", SGW_CONF_PSK_SHORT,
			 SGW_CONF_PSK_GEN);
	}
	return 0;
}

int sgw_conf_psk_generate(char *out, size_t outlen)
{
	uint8_t raw[SGW_CONF_PSK_GEN];
	size_t got = 0, i, o = 2;

	if (outlen < SGW_CONF_PSK_GEN_LEN) {
		errno = ENOSPC;
		return -1;
	}
	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		got += (size_t)n;
	}
	out[0] = '0';
	out[1] = 's';
	for (i = 0; i < sizeof(raw); i += 3) {
		uint32_t v = (uint32_t)raw[i] << 16;
		size_t left = sizeof(raw) - i;

		if (left > 1)
			v |= (uint32_t)raw[i + 1] << 8;
		if (left > 2)
			v |= raw[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = left > 1 ? b64[v >> 6 & 63] : '=';
		out[o++] = left > 2 ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	explicit_bzero(raw, sizeof(raw));
	return 0;
}

/* ---- the checks ---- */

static bool addr_is_local(const struct ifaddrs *list,
			  const struct sgw_conf_addr *a)
{
	const struct ifaddrs *i;

	for (i = list; i; i = i->ifa_next) {
		const struct sockaddr *sa = i->ifa_addr;

		if (!sa || sa->sa_family != a->family)
			continue;
		if (a->family == AF_INET &&
		    !memcmp(&((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			    a->bytes, 4))
			return true;
		if (a->family == AF_INET6 &&
		    !memcmp(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			    a->bytes, 16))
			return true;
	}
	return false;
}

void sgw_conf_resolve_hints(uint8_t family, struct addrinfo *hints)
{
	memset(hints, 0, sizeof(*hints));
	hints->ai_family = family;
	hints->ai_socktype = SOCK_DGRAM;
	hints->ai_protocol = IPPROTO_UDP;
}

int sgw_conf_pick_addr(const struct addrinfo *res, uint8_t family,
		       struct sgw_conf_addr *out)
{
	for (; res; res = res->ai_next) {
		const struct sockaddr *sa = res->ai_addr;

		if (!sa || (family && sa->sa_family != family))
			continue;
		memset(out, 0, sizeof(*out));
		if (sa->sa_family == AF_INET) {
			out->family = AF_INET;
			memcpy(out->bytes, &((const struct sockaddr_in *)
				(const void *)sa)->sin_addr, 4);
			return 0;
		}
		if (sa->sa_family == AF_INET6) {
			out->family = AF_INET6;
			memcpy(out->bytes, &((const struct sockaddr_in6 *)
				(const void *)sa)->sin6_addr, 16);
			return 0;
		}
	}
	return -1;
}

int sgw_conf_resolve(const char *name, uint8_t family,
		     struct sgw_conf_addr *out, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	int e;

	sgw_conf_resolve_hints(family, &hints);
	e = getaddrinfo(name, NULL, &hints, &res);
	if (e) {
		snprintf(err, errlen, "%s", gai_strerror(e));
		return -1;
	}
	e = sgw_conf_pick_addr(res, family, out);
	freeaddrinfo(res);
	if (e)
		snprintf(err, errlen, "no %s address",
			 family == AF_INET ? "IPv4" : "IPv6");
	return e;
}

static unsigned int line_of(const struct sgw_conf_tunnel *t,
			    enum sgw_conf_key_id k)
{
	return t->key_line[k] ? t->key_line[k] : t->line;
}

int sgw_conf_check_host(const struct sgw_conf *conf, unsigned int flags,
			struct sgw_conf_problems *out)
{
	struct ifaddrs *ifa = NULL;
	unsigned int errors = out->errors;
	bool have_ifa;
	size_t i;
	int r = 0;

	if (flags & SGW_CONF_HOST_OFFLINE)
		return 0;
	have_ifa = getifaddrs(&ifa) == 0;
	for (i = 0; i < conf->n_tunnels && r == 0; i++) {
		const struct sgw_conf_tunnel *t = &conf->tunnels[i];
		uint8_t key[SGW_CONF_PSK_MAX];
		char warn[512], err[512], a[SGW_CONF_ADDRSTRLEN];
		unsigned int pl = line_of(t, SGW_CONF_K_PSK_FILE);
		size_t len;
		int e;

		/* Keys with errors keep their defaults: none, auto. */
		if (!t->psk_file)
			goto local;
		if (sgw_conf_psk_read(t->psk_file, key, &len, warn,
				      sizeof(warn), err, sizeof(err), &e) < 0) {
			/* The daemon runs as root; this may be anyone. */
			if (e == EACCES && geteuid() != 0)
				r = sgw_conf_problem_add(out,
					SGW_CONF_SEV_WARNING, "psk-file-unchecked", t->file, pl, i,
					"tunnel \"%s\": %s (not checked: the "
					"daemon reads it as root)", t->name,
					err);
			else
				r = sgw_conf_problem_add(out,
					SGW_CONF_SEV_ERROR, "psk-file", t->file, pl, i,
					"tunnel \"%s\": %s", t->name, err);
		} else if (warn[0]) {
			r = sgw_conf_problem_add(out, SGW_CONF_SEV_WARNING,
						 "psk-file", t->file, pl, i,
						 "tunnel \"%s\": %s", t->name,
						 warn);
		}
		explicit_bzero(key, sizeof(key));
local:
		if (!r && t->remote_name[0]) {
			struct sgw_conf_addr ra;

			if (sgw_conf_resolve(t->remote_name, t->local.family,
					     &ra, err, sizeof(err)))
				r = sgw_conf_problem_add(out,
					SGW_CONF_SEV_ERROR, "remote-unresolved", t->file,
					line_of(t, SGW_CONF_K_REMOTE), i,
					"tunnel \"%s\": remote \"%s\" does "
					"not resolve here: %s; add the name to "
					"DNS or /etc/hosts, or write the "
					"peer's address as remote", t->name,
					t->remote_name, err);
		}
		if (r || !have_ifa || t->local.family == AF_UNSPEC ||
		    addr_is_local(ifa, &t->local))
			continue;
		r = sgw_conf_problem_add(out, SGW_CONF_SEV_WARNING, "local-not-here", t->file,
					 line_of(t, SGW_CONF_K_LOCAL), i,
					 "tunnel \"%s\": local %s is not "
					 "assigned to any interface here; the "
					 "kernel refuses the tunnel until it is "
					 "(--offline checks a file for another "
					 "host)", t->name,
					 sgw_conf_addr_str(&t->local, a,
							   sizeof(a)));
	}
	if (ifa)
		freeifaddrs(ifa);
	return r < 0 ? -1 : (int)(out->errors - errors);
}
