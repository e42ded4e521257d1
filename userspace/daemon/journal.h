/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The systemd journal's native protocol: one datagram of FIELD=value
 * lines to /run/systemd/journal/socket; a value holding a newline or
 * another control byte goes as FIELD\n, its length (64-bit little
 * endian), the bytes and \n.
 */
#ifndef SGWCTL_JOURNAL_H
#define SGWCTL_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
/*
 * The largest datagram built; a MESSAGE that does not fit is cut and
 * ends in JOURNAL_CUT, so a long message is never dropped unseen.
 */
#define JOURNAL_MAX 4096
#define JOURNAL_CUT " [truncated]"

struct journal_field {
	const char *name;	/* A-Z, 0-9, _ */
	const char *value;	/* NULL: the field is left out */
};

/*
 * Writes @f[0..n) into @buf (JOURNAL_MAX bytes). Field 0 is the message:
 * when the whole does not fit, it is the one cut. Returns the length,
 * 0 if even the other fields do not fit.
 */
size_t journal_build(uint8_t *buf, const struct journal_field *f, size_t n);

/*
 * The daemon's record: MESSAGE ("tunnel NAME: " + @msg with a tunnel),
 * PRIORITY (syslog, 0-7), SYSLOG_IDENTIFIER=sgw, and where given
 * SGW_TUNNEL, SGW_PEER (the remote gateway's address), SGW_EVENT and,
 * for the events journal_message_id() knows, MESSAGE_ID. Returns the
 * length as journal_build() does.
 */
size_t journal_record(uint8_t *buf, int prio, const char *tunnel,
		      const char *peer, const char *event, const char *msg);

/* The MESSAGE_ID of an event ("established", "failed", ...), or NULL. */
const char *journal_message_id(const char *event);

/* Sends @buf to the socket at @path; 0 or -errno. */
int journal_send(const char *path, const uint8_t *buf, size_t len);

/*
 * Whether stderr is the journal's stream: $JOURNAL_STREAM ("dev:inode",
 * set by systemd for StandardError=journal) names stderr's file.
 */
bool journal_stderr(void);

#endif
