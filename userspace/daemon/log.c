// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's log. Under systemd, with stderr going to the journal, each
 * message is a journal record with fields (journal.h: SGW_TUNNEL,
 * SGW_PEER, SGW_EVENT); otherwise, or when the journal's socket refuses
 * it, one line on stderr, with a syslog priority prefix under systemd.
 * The engine's and the kernel backend's messages go the same way, and
 * log_events() turns a tunnel's state changes into event records.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "daemon_priv.h"
#include "journal.h"

static const char *const level_names[] = {
	[SGW_CONF_LOG_ERROR] = "error",
	[SGW_CONF_LOG_WARNING] = "warning",
	[SGW_CONF_LOG_INFO] = "info",
	[SGW_CONF_LOG_DEBUG] = "debug",
};

static void vlog(struct daemon *d, enum sgw_conf_log_level lvl,
		 const char *tunnel, const struct rtun *rt, const char *event,
		 const char *fmt, va_list ap)
{
	static const int prio[] = { 3, 4, 6, 7 };
	char msg[2048];
	int n;

	if (lvl > d->level)
		return;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	/* Too long: cut, and say so. */
	if (n >= (int)sizeof(msg))
		memcpy(msg + sizeof(msg) - sizeof(JOURNAL_CUT), JOURNAL_CUT,
		       sizeof(JOURNAL_CUT));
	if (d->journal_path) {
		char peer[SGW_CONF_ADDRSTRLEN];
		uint8_t rec[JOURNAL_MAX];
		size_t i, len;

		for (i = 0; !rt && tunnel && i < d->n; i++)
			if (!strcmp(d->t[i].name, tunnel))
				rt = &d->t[i];
		if (rt && rt->remote.family)
			sgw_conf_addr_str(&rt->remote, peer, sizeof(peer));
		len = journal_record(rec, prio[lvl], tunnel,
				     rt && rt->remote.family ? peer : NULL,
				     event, msg);
		if (len && !journal_send(d->journal_path, rec, len))
			return;
	}
	if (d->journal)
		fprintf(stderr, "<%d>", prio[lvl]);
	fprintf(stderr, "sgw %s: %s%s%s%s\n", level_names[lvl],
		tunnel ? "tunnel " : "", tunnel ? tunnel : "",
		tunnel ? ": " : "", msg);
}

void dlog(struct daemon *d, enum sgw_conf_log_level lvl,
	  const char *tunnel, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(d, lvl, tunnel, NULL, NULL, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 5, 6)))
elog(struct daemon *d, enum sgw_conf_log_level lvl, const struct rtun *rt,
     const char *event, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(d, lvl, rt->name, rt, event, fmt, ap);
	va_end(ap);
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

/*
 * One record per change of a tunnel's state since the last call:
 * SGW_EVENT=connecting, established, rekeyed (a CHILD SA or the IKE SA
 * rekeyed, or reauthenticated), failed (with the reason) or deleted
 * (established before, not now).
 */
void log_events(struct daemon *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		struct rtun *rt = &d->t[i];
		struct ike_tunnel_status st;
		enum ike_tunnel_state was = rt->ev.state, now;
		uint64_t rekeys = 0;

		memset(&st, 0, sizeof(st));
		now = tunnel_state(d, rt);
		if (rt->in_engine && !ike_engine_status(d->eng, rt->id, &st))
			rekeys = st.child_rekeys + st.ike_rekeys + st.reauths;
		if (now == was && (now != IKE_TUNNEL_ESTABLISHED ||
				   rekeys == rt->ev.rekeys)) {
			rt->ev.rekeys = rekeys;
			continue;
		}
		if (now == IKE_TUNNEL_ESTABLISHED && was == now)
			elog(d, SGW_CONF_LOG_INFO, rt, "rekeyed", "rekeyed "
			     "(%llu so far)", (unsigned long long)rekeys);
		else if (was == IKE_TUNNEL_ESTABLISHED)
			elog(d, SGW_CONF_LOG_INFO, rt, "deleted", "IKE SA "
			     "deleted%s", now == IKE_TUNNEL_CONNECTING ?
			     ", negotiating again" : "");
		if (now == IKE_TUNNEL_ESTABLISHED && was != now)
			elog(d, SGW_CONF_LOG_INFO, rt, "established",
			     "established (IKE SA %016llx_i %016llx_r)",
			     (unsigned long long)st.spi_i,
			     (unsigned long long)st.spi_r);
		else if (now == IKE_TUNNEL_CONNECTING)
			elog(d, SGW_CONF_LOG_INFO, rt, "connecting",
			     "negotiating");
		else if (now == IKE_TUNNEL_FAILED)
			elog(d, SGW_CONF_LOG_WARNING, rt, "failed",
			     "failed: %s", st.last_failure[0] ?
			     st.last_failure : rt->error[0] ? rt->error :
			     "no reason recorded");
		rt->ev.state = now;
		rt->ev.rekeys = rekeys;
	}
}
