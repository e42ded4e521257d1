// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's log: one line per message on stderr, with a syslog
 * priority prefix under systemd; the engine's and the kernel backend's
 * messages go the same way.
 */

#include <stdarg.h>
#include <stdio.h>

#include "daemon_priv.h"

static const char *const level_names[] = {
	[SGW_CONF_LOG_ERROR] = "error",
	[SGW_CONF_LOG_WARNING] = "warning",
	[SGW_CONF_LOG_INFO] = "info",
	[SGW_CONF_LOG_DEBUG] = "debug",
};

/* One line per message on stderr; under systemd with a syslog prefix. */
void dlog(struct daemon *d, enum sgw_conf_log_level lvl,
	  const char *tunnel, const char *fmt, ...)
{
	static const int prio[] = { 3, 4, 6, 7 };
	char msg[2048];
	va_list ap;

	if (lvl > d->level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->journal)
		fprintf(stderr, "<%d>", prio[lvl]);
	fprintf(stderr, "sgw %s: %s%s%s%s\n", level_names[lvl],
		tunnel ? "tunnel " : "", tunnel ? tunnel : "",
		tunnel ? ": " : "", msg);
}

void engine_log(void *ctx, enum ike_log_level level, uint32_t tunnel,
		const char *msg)
{
	struct daemon *d = ctx;
	struct rtun *t = tunnel ? rtun_by_id(d, tunnel) : NULL;

	dlog(d, (enum sgw_conf_log_level)level, t ? t->name : NULL, "%s", msg);
}

void kb_log(void *ctx, uint32_t tunnel, const char *msg)
{
	struct daemon *d = ctx;
	struct rtun *t = rtun_by_id(d, tunnel);

	dlog(d, SGW_CONF_LOG_ERROR, t ? t->name : NULL, "%s", msg);
}
