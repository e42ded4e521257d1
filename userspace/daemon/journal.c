// SPDX-License-Identifier: GPL-2.0
/*
 * Structured log records for the systemd journal, written with the
 * native protocol (systemd.io/JOURNAL_NATIVE_PROTOCOL) instead of
 * linking libsystemd: a datagram of fields, each "NAME=value\n", or
 * "NAME\n" + 64-bit little-endian length + value + "\n" when the value
 * holds a newline or another control byte.
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "journal.h"

static bool needs_binary(const char *v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 && v[i] != '\t')
			return true;
	return false;
}

/* Bytes one field takes with a value of @len bytes. */
static size_t field_size(const char *name, const char *v, size_t len)
{
	size_t nl = strlen(name);

	return needs_binary(v, len) ? nl + 1 + 8 + len + 1 : nl + 1 + len + 1;
}

static size_t put_field(uint8_t *p, const char *name, const char *v,
			size_t len)
{
	size_t nl = strlen(name), o = nl;

	memcpy(p, name, nl);
	if (needs_binary(v, len)) {
		int i;

		p[o++] = '\n';
		for (i = 0; i < 8; i++)
			p[o++] = (uint8_t)((uint64_t)len >> (8 * i));
	} else {
		p[o++] = '=';
	}
	memcpy(p + o, v, len);
	o += len;
	p[o++] = '\n';
	return o;
}

size_t journal_build(uint8_t *buf, const struct journal_field *f, size_t n)
{
	char cut[JOURNAL_MAX];
	size_t rest = 0, mlen, o, i;
	const char *msg;

	if (!n || !f[0].value)
		return 0;
	for (i = 1; i < n; i++)
		if (f[i].value)
			rest += field_size(f[i].name, f[i].value,
					   strlen(f[i].value));
	msg = f[0].value;
	mlen = strlen(msg);
	if (rest + field_size(f[0].name, msg, mlen) > JOURNAL_MAX) {
		/* Room for the name, the binary form's overhead, the marker. */
		size_t over = strlen(f[0].name) + 10 + strlen(JOURNAL_CUT);

		if (rest + over >= JOURNAL_MAX)
			return 0;
		mlen = JOURNAL_MAX - rest - over;
		memcpy(cut, msg, mlen);
		memcpy(cut + mlen, JOURNAL_CUT, strlen(JOURNAL_CUT));
		mlen += strlen(JOURNAL_CUT);
		msg = cut;
	}
	o = put_field(buf, f[0].name, msg, mlen);
	for (i = 1; i < n; i++)
		if (f[i].value)
			o += put_field(buf + o, f[i].name, f[i].value,
				       strlen(f[i].value));
	return o;
}

const char *journal_message_id(const char *event)
{
	static const struct {
		const char *event, *id;
	} ids[] = {
		{ "established", "42b8576e4a6a40c7a11e453a12c02b66" },
		{ "failed", "577d2d49c5984d9497cc62d4e580612d" },
		{ "rekeyed", "6a8e51fbed2945a3911003e6846c346a" },
		{ "deleted", "a8f6a20f9c024932a4828b84a0f424b0" },
	};
	size_t i;

	for (i = 0; event && i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!strcmp(event, ids[i].event))
			return ids[i].id;
	return NULL;
}

size_t journal_record(uint8_t *buf, int prio, const char *tunnel,
		      const char *peer, const char *event, const char *msg)
{
	char text[JOURNAL_MAX + 64], pri[4];
	struct journal_field f[] = {
		{ "MESSAGE", text },
		{ "PRIORITY", pri },
		{ "SYSLOG_IDENTIFIER", "sgw" },
		{ "SGW_TUNNEL", tunnel },
		{ "SGW_PEER", peer },
		{ "SGW_EVENT", event },
		{ "MESSAGE_ID", journal_message_id(event) },
	};

	snprintf(pri, sizeof(pri), "%d", prio & 7);
	if (tunnel)
		snprintf(text, sizeof(text), "tunnel %s: %s", tunnel, msg);
	else
		snprintf(text, sizeof(text), "%s", msg);
	return journal_build(buf, f, sizeof(f) / sizeof(f[0]));
}

int journal_send(const char *path, const uint8_t *buf, size_t len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t plen = strlen(path);
	ssize_t sent;
	int fd;

	if (plen >= sizeof(sun.sun_path))
		return -EINVAL;
	memcpy(sun.sun_path, path, plen);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	sent = sendto(fd, buf, len, MSG_NOSIGNAL, (struct sockaddr *)&sun,
		      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen));
	if (sent < 0)
		sent = -errno;
	close(fd);
	return sent < 0 ? (int)sent : 0;
}

bool journal_stderr(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!env || sscanf(env, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st))
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}
