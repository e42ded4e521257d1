// SPDX-License-Identifier: GPL-2.0
/* The IKE message trace and failure kinds; see ike_trace.h. */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ike_msg.h"
#include "ike_payload.h"
#include "ike_sa.h"
#include "ike_trace.h"

const char *const ike_fail_names[IKE_FAIL_MAX] = {
	[IKE_FAIL_TIMEOUT] = "timeout",
	[IKE_FAIL_AUTH] = "auth",
	[IKE_FAIL_PROPOSAL] = "proposal",
	[IKE_FAIL_TS] = "ts",
	[IKE_FAIL_REFUSED] = "refused",
	[IKE_FAIL_LOCAL] = "local",
};

/* charon's short names, so that both ends' traces read alike. */
static const char *pl_name(uint8_t type)
{
	static const char *const names[] = {
		[IKE_PL_SA] = "SA", [IKE_PL_KE] = "KE", [IKE_PL_IDI] = "IDi",
		[IKE_PL_IDR] = "IDr", [IKE_PL_CERT] = "CERT",
		[IKE_PL_CERTREQ] = "CERTREQ", [IKE_PL_AUTH] = "AUTH",
		[IKE_PL_NONCE] = "No", [IKE_PL_NOTIFY] = "N",
		[IKE_PL_DELETE] = "D", [IKE_PL_VENDOR] = "V",
		[IKE_PL_TSI] = "TSi", [IKE_PL_TSR] = "TSr",
		[IKE_PL_SK] = "SK", [IKE_PL_CP] = "CP", [IKE_PL_EAP] = "EAP",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] ?
	       names[type] : NULL;
}

__attribute__((format(printf, 4, 5)))
static void append(char *out, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(out + *used, len - *used, fmt, ap);
	va_end(ap);
	if (w > 0)
		*used += (size_t)w;
	if (*used >= len)
		*used = len;
}

void ike_trace_describe(char *out, size_t len, const uint8_t *hdr,
			uint8_t first, const uint8_t *pl, size_t n)
{
	uint8_t type = first, flags = hdr[19];
	size_t used = 0, off = 0;

	if (!len)
		return;
	out[0] = '\0';
	append(out, len, &used, "%s %s %u [", ike_exchange_name(hdr[18]),
	       flags & IKE_FLAG_R ? "response" : "request",
	       (unsigned int)ike_get32(hdr + 20));
	while (type != IKE_PL_NONE) {
		const char *name = pl_name(type);
		size_t plen;

		if (n - off < 4 || (plen = ike_get16(pl + off + 2)) < 4 ||
		    plen > n - off) {
			append(out, len, &used, " (truncated)");
			break;
		}
		if (type == IKE_PL_NOTIFY && plen >= 8) {
			uint16_t nt = ike_get16(pl + off + 6);
			const char *nn = ike_notify_name(nt);

			if (strstr(nn, " notify"))
				append(out, len, &used, " N(%u)", (unsigned int)nt);
			else
				append(out, len, &used, " N(%s)", nn);
		} else if (name) {
			append(out, len, &used, " %s", name);
		} else {
			append(out, len, &used, " PL%u", (unsigned int)type);
		}
		/* SK is the last payload; its next field names the inner one. */
		if (type == IKE_PL_SK)
			break;
		type = pl[off];
		off += plen;
	}
	append(out, len, &used, " ]");
}

static void trace(struct ike_engine *e, const struct ike_tunnel *t,
		  const char *dir, const char *prep,
		  const struct sockaddr_storage *peer, const uint8_t *hdr,
		  uint8_t first, const uint8_t *pl, size_t n)
{
	char desc[512], host[64];

	ike_trace_describe(desc, sizeof(desc), hdr, first, pl, n);
	ike_log(e, IKE_LOG_DEBUG, t, "%s %s %s %s", dir, desc, prep,
		ike_host_str(peer, host, sizeof(host)));
}

void ike_trace_out(struct ike_engine *e, const struct ike_tunnel *t,
		   const struct sockaddr_storage *to,
		   const struct ike_msg_out *o)
{
	if (o->buf.err || o->inner.err || o->buf.len < IKE_HDR_LEN)
		return;
	if (o->protect && o->inner.len >= 1)
		trace(e, t, "sending", "to", to, o->buf.data, o->inner.data[0],
		      o->inner.data + 1, o->inner.len - 1);
	else
		trace(e, t, "sending", "to", to, o->buf.data, o->buf.data[16],
		      o->buf.data + IKE_HDR_LEN, o->buf.len - IKE_HDR_LEN);
}

void ike_trace_in(struct ike_engine *e, const struct ike_tunnel *t,
		  const struct sockaddr_storage *from, const struct ike_msg *m,
		  bool decrypted)
{
	if (decrypted) {
		/* The first inner type: the Next Payload field of SK. */
		const uint8_t *p = m->raw + IKE_HDR_LEN;
		size_t n = m->len - IKE_HDR_LEN, off = 0, plen;
		uint8_t type = m->raw[16];

		while (type != IKE_PL_SK && type != IKE_PL_NONE &&
		       n - off >= 4 && (plen = ike_get16(p + off + 2)) >= 4 &&
		       plen <= n - off) {
			type = p[off];
			off += plen;
		}
		if (type != IKE_PL_SK || n - off < 4)
			return;
		trace(e, t, "received", "from", from, m->raw, p[off], m->plain,
		      m->plain_cap);
	} else {
		trace(e, t, "received", "from", from, m->raw, m->raw[16],
		      m->raw + IKE_HDR_LEN, m->len - IKE_HDR_LEN);
	}
}

enum ike_fail_kind ike_fail_classify(const char *r)
{
	if (strstr(r, "no IKE response") || strstr(r, "stopped answering") ||
	    strstr(r, "unreachable"))
		return IKE_FAIL_TIMEOUT;
	if (strstr(r, "AUTHENTICATION_FAILED"))
		return IKE_FAIL_AUTH;
	if (strstr(r, "NO_PROPOSAL_CHOSEN") || strstr(r, "proposal") ||
	    strstr(r, "DH group"))
		return IKE_FAIL_PROPOSAL;
	if (strstr(r, "TS_UNACCEPTABLE") || strstr(r, "no CHILD SA"))
		return IKE_FAIL_TS;
	if (strstr(r, "peer ") && strstr(r, "refused"))
		return IKE_FAIL_REFUSED;
	return IKE_FAIL_LOCAL;
}
