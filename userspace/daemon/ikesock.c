// SPDX-License-Identifier: GPL-2.0
/*
 * The IKE sockets: one UDP 500 socket per local SGW address, opened as
 * tunnels need them and closed when none does; datagrams to and from the
 * engine.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon_priv.h"

static bool same_addr(const struct sockaddr_storage *a,
		      const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			       &((const struct sockaddr_in *)b)->sin_addr, 4);
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
}

static const char *sa_str(const struct sockaddr_storage *ss, char *buf,
			  size_t len)
{
	const void *a = ss->ss_family == AF_INET ?
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr :
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static struct usock *sock_find(struct daemon *d,
			       const struct sockaddr_storage *addr)
{
	size_t i;

	for (i = 0; i < d->n_socks; i++)
		if (same_addr(&d->socks[i].addr, addr))
			return &d->socks[i];
	return NULL;
}

/* The socket IKE of @addr leaves from, opened if needed. */
int sock_open(struct daemon *d, const struct sockaddr_storage *addr,
	      char *err, size_t errlen)
{
	socklen_t alen = addr->ss_family == AF_INET ?
			 sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	struct usock *u = sock_find(d, addr);
	int fd, one = 1;
	char a[64];

	if (u)
		return 0;
	if (d->n_socks == MAX_SOCKS) {
		snprintf(err, errlen, "more than %d local SGW addresses",
			 MAX_SOCKS);
		return -1;
	}
	fd = socket(addr->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		goto fail;
	/* An IPv6 address may still be tentative (DAD) when we start. */
	setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof(one));
	if (addr->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)addr, alen))
		goto fail;
	u = &d->socks[d->n_socks++];
	u->addr = *addr;
	u->fd = fd;
	dlog(d, SGW_CONF_LOG_DEBUG, NULL, "listening on UDP %s port 500",
	     sa_str(addr, a, sizeof(a)));
	return 0;
fail:
	snprintf(err, errlen, "cannot open UDP port 500 on %s: %s%s",
		 sa_str(addr, a, sizeof(a)), strerror(errno),
		 errno == EADDRINUSE ? " (is another IKE daemon, such as "
		 "charon, running in this namespace?)" : "");
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Closes the sockets no tunnel of the engine uses any more. */
void sock_gc(struct daemon *d)
{
	size_t i, k;

	for (i = 0; i < d->n_socks;) {
		bool used = false;

		for (k = 0; k < d->n; k++)
			if (d->t[k].in_engine &&
			    same_addr(&d->t[k].ike.local, &d->socks[i].addr))
				used = true;
		if (used) {
			i++;
			continue;
		}
		close(d->socks[i].fd);
		d->socks[i] = d->socks[--d->n_socks];
	}
}

int engine_send(void *ctx, const struct sockaddr_storage *local,
		const struct sockaddr_storage *remote,
		const uint8_t *buf, size_t len)
{
	struct daemon *d = ctx;
	struct usock *u = sock_find(d, local);
	socklen_t alen = remote->ss_family == AF_INET ?
			 sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);

	if (!u)
		return -ENOTCONN;
	if (sendto(u->fd, buf, len, 0, (const struct sockaddr *)remote,
		   alen) < 0) {
		int err = errno;
		char a[64];

		dlog(d, SGW_CONF_LOG_DEBUG, NULL, "sending to %s: %s",
		     sa_str(remote, a, sizeof(a)), strerror(err));
		return -err;
	}
	return 0;
}

/*
 * At most SOCK_BURST datagrams a turn: under a flood the loop still gets
 * to timers, kernel events and the control socket; poll() comes back at
 * once for the rest.
 */
#define SOCK_BURST 64

void sock_input(struct daemon *d, struct usock *u)
{
	static uint8_t buf[65536];
	struct sockaddr_storage from;
	int i;

	for (i = 0; i < SOCK_BURST; i++) {
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(u->fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &flen);

		if (n < 0)
			return;
		ike_engine_input(d->eng, &u->addr, &from, buf, (size_t)n,
				 (ike_time_t)now_ms());
	}
}
