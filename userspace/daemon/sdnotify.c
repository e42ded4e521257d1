// SPDX-License-Identifier: GPL-2.0
/*
 * Tell systemd (Type=notify) that the daemon is ready, reloading or
 * stopping: one datagram to $NOTIFY_SOCKET, a path or, with a leading '@',
 * an abstract socket name. Without the variable there is nobody to tell.
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"

int sd_notify_state(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len;
	ssize_t sent;
	int fd;

	if (!path || !*path)
		return 0;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sun.sun_path))
		return -EINVAL;
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	sent = sendto(fd, state, strlen(state), 0, (struct sockaddr *)&sun,
		      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
	close(fd);
	return sent < 0 ? -errno : 0;
}

void sd_status_text(const unsigned int count[SD_COUNTS], char *buf,
		    size_t len)
{
	static const char *const names[SD_COUNTS] = {
		[SD_ESTABLISHED] = "established", [SD_CONNECTING] = "connecting",
		[SD_IDLE] = "idle", [SD_FAILED] = "failed",
		[SD_DISABLED] = "disabled",
	};
	unsigned int total = 0;
	const char *sep = ": ";
	int i, n;

	for (i = 0; i < SD_COUNTS; i++)
		total += count[i];
	n = snprintf(buf, len, "STATUS=%u tunnel%s", total,
		     total == 1 ? "" : "s");
	for (i = 0; i < SD_COUNTS; i++) {
		size_t used;

		if (n < 0 || (size_t)n >= len)
			return;
		used = (size_t)n;
		if (!count[i])
			continue;
		n = snprintf(buf + used, len - used, "%s%u %s", sep, count[i],
			     names[i]);
		if (n >= 0)
			n += (int)used;
		sep = ", ";
	}
}
