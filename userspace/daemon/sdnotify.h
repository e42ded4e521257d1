/* SPDX-License-Identifier: GPL-2.0 */
/* Service manager readiness notification (the sd_notify protocol). */
#ifndef SGWCTL_SDNOTIFY_H
#define SGWCTL_SDNOTIFY_H

#include <stddef.h>

int sd_notify_state(const char *state);

/* Tunnels per state, in the order the status line names them. */
enum sd_tunnel_count {
	SD_ESTABLISHED,
	SD_CONNECTING,
	SD_IDLE,
	SD_FAILED,
	SD_DISABLED,
	SD_COUNTS,
};

/*
 * "STATUS=3 tunnels: 2 established, 1 connecting" (states with none left
 * out; "STATUS=0 tunnels" without any), what systemctl status shows.
 */
void sd_status_text(const unsigned int count[SD_COUNTS], char *buf,
		    size_t len);

#endif
