/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGW_OUTBOX_H
#define SGW_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * One reply on its way to a control client, written without blocking:
 * what the socket does not take now waits for POLLOUT, so a client that
 * never reads holds up only itself.
 */
struct outbox {
	char *buf;		/* malloc'ed, owned */
	size_t len, off;
};

enum outbox_state {
	OUTBOX_DONE,		/* all written */
	OUTBOX_PENDING,		/* the socket is full: poll for POLLOUT */
	OUTBOX_ERROR,		/* the client is gone */
};

/* Take @buf (malloc'ed, @len bytes) as the reply; frees one left over. */
void outbox_set(struct outbox *o, char *buf, size_t len);
/* Write what the socket takes now. */
enum outbox_state outbox_flush(struct outbox *o, int fd);
bool outbox_pending(const struct outbox *o);
void outbox_free(struct outbox *o);

#endif
