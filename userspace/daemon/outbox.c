// SPDX-License-Identifier: GPL-2.0
/* Control replies written without blocking (see outbox.h). */

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "outbox.h"

void outbox_set(struct outbox *o, char *buf, size_t len)
{
	outbox_free(o);
	o->buf = buf;
	o->len = len;
	o->off = 0;
}

enum outbox_state outbox_flush(struct outbox *o, int fd)
{
	while (o->off < o->len) {
		/* MSG_DONTWAIT: whatever the descriptor's own flags say. */
		ssize_t n = send(fd, o->buf + o->off, o->len - o->off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return OUTBOX_PENDING;
		if (n <= 0)
			return OUTBOX_ERROR;
		o->off += (size_t)n;
	}
	outbox_free(o);
	return OUTBOX_DONE;
}

bool outbox_pending(const struct outbox *o)
{
	return o->buf && o->off < o->len;
}

void outbox_free(struct outbox *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = o->off = 0;
}
