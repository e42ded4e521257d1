// SPDX-License-Identifier: GPL-2.0
/*
 * The IKE sockets: UDP 500 and UDP 4500 per local SGW address, opened as
 * tunnels need them and closed when none does; datagrams to and from the
 * engine. On 4500 IKE travels behind the four-byte non-ESP marker (RFC
 * 3948 section 2.2): it is added on send and taken off on receive. ESP in
 * UDP on 4500 never gets here (sgw.ko takes it in its LOCAL_IN hook); a
 * NAT keepalive (the one byte 0xff) is dropped here, and sent without the
 * marker.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
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

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET ?
		     ((const struct sockaddr_in *)ss)->sin_port :
		     ((const struct sockaddr_in6 *)ss)->sin6_port);
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static struct usock *sock_find(struct daemon *d,
			       const struct sockaddr_storage *addr)
{
	size_t i;

	for (i = 0; i < d->n_socks; i++)
		if (same_addr(&d->socks[i].addr, addr) &&
		    port_of(&d->socks[i].addr) == port_of(addr))
			return &d->socks[i];
	return NULL;
}

static int open_one(struct daemon *d, const struct sockaddr_storage *addr,
		    char *err, size_t errlen);

/* The sockets IKE of @addr uses (its port and 4500), opened if needed. */
int sock_open(struct daemon *d, const struct sockaddr_storage *addr,
	      char *err, size_t errlen)
{
	struct sockaddr_storage natt = *addr;

	if (open_one(d, addr, err, errlen))
		return -1;
	set_port(&natt, IKE_NATT_PORT);
	return open_one(d, &natt, err, errlen);
}

static int open_one(struct daemon *d, const struct sockaddr_storage *addr,
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
			 MAX_SOCKS / 2);
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
	dlog(d, SGW_CONF_LOG_DEBUG, NULL, "listening on UDP %s port %u",
	     sa_str(addr, a, sizeof(a)), port_of(addr));
	return 0;
fail:
	snprintf(err, errlen, "cannot open UDP port %u on %s: %s%s",
		 port_of(addr), sa_str(addr, a, sizeof(a)), strerror(errno),
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

	static const uint8_t marker[IKE_NON_ESP_MARKER];
	/* IKE on the NAT-T port goes behind the marker; a keepalive not. */
	bool mark = port_of(local) == IKE_NATT_PORT &&
		    !ike_is_keepalive(buf, len);
	struct iovec iov[2] = {
		{ (void *)marker, sizeof(marker) },
		{ (void *)buf, len },
	};
	struct msghdr mh = { .msg_name = (void *)remote, .msg_namelen = alen,
			     .msg_iov = mark ? iov : iov + 1,
			     .msg_iovlen = mark ? 2 : 1 };

	if (!u)
		return -ENOTCONN;
	if (sendmsg(u->fd, &mh, 0) < 0) {
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
		if (port_of(&u->addr) == IKE_NATT_PORT) {
			/* Keepalives, and anything not behind the marker. */
			if (n < IKE_NON_ESP_MARKER ||
			    memcmp(buf, "\0\0\0\0", IKE_NON_ESP_MARKER))
				continue;
			ike_engine_input(d->eng, &u->addr, &from,
					 buf + IKE_NON_ESP_MARKER,
					 (size_t)n - IKE_NON_ESP_MARKER,
					 (ike_time_t)now_ms());
			continue;
		}
		ike_engine_input(d->eng, &u->addr, &from, buf, (size_t)n,
				 (ike_time_t)now_ms());
	}
}
