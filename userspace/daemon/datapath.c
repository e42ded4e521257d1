// SPDX-License-Identifier: GPL-2.0
/*
 * A silent data path, named: an established tunnel whose outbound SAs
 * keep sending ESP while its inbound SAs receive nothing, though the
 * peer answers IKE (a message from it arrived during the silence, as
 * dead peer detection makes sure), has ESP dropped somewhere. Said once
 * in the log (warning) and in show until inbound ESP arrives again.
 */

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "daemon_priv.h"

static void sa_packets(struct daemon *d, uint32_t id, uint64_t *in,
		       uint64_t *out)
{
	struct sgw_sa_list l = { 0 };
	size_t i;

	*in = *out = 0;
	if (sgwnl_sa_dump(d->nl, id, &l))
		return;
	for (i = 0; i < l.n; i++) {
		if (l.v[i].dir == SGW_DIR_IN)
			*in += l.v[i].packets;
		else
			*out += l.v[i].packets;
	}
	sgw_sa_list_free(&l);
}

static void watch(struct daemon *d, struct rtun *rt, long long now)
{
	struct ike_tunnel_status st;
	char peer[SGW_CONF_ADDRSTRLEN];
	uint64_t in, out;

	if (!rt->enabled || !rt->in_engine ||
	    ike_engine_status(d->eng, rt->id, &st) ||
	    st.state != IKE_TUNNEL_ESTABLISHED) {
		rt->dp_since = 0;
		rt->dp_in = rt->dp_out = 0;
		rt->esp_silent[0] = '\0';
		return;
	}
	sa_packets(d, rt->id, &in, &out);
	if (in < rt->dp_in || out < rt->dp_out) {
		/* Other SAs (a rekey): a new baseline. */
		rt->dp_since = 0;
		if (in)
			rt->dp_rx_at = now;
	} else if (in > rt->dp_in) {
		rt->dp_rx_at = now;
		if (rt->esp_silent[0])
			dlog(d, SGW_CONF_LOG_INFO, rt->name, "ESP from the "
			     "peer arrives again");
		rt->esp_silent[0] = '\0';
		rt->dp_since = 0;
	} else if (out > rt->dp_out && !rt->dp_since) {
		rt->dp_since = now;
	}
	rt->dp_in = in;
	rt->dp_out = out;
	/* Silent long enough, and the peer spoke during the silence. */
	if (!rt->dp_since || rt->esp_silent[0] ||
	    now - rt->dp_since < DATAPATH_SILENT_MS ||
	    (long long)st.quiet_ms >= now - rt->dp_since)
		return;
	sgw_conf_addr_str(&rt->remote, peer, sizeof(peer));
	snprintf(rt->esp_silent, sizeof(rt->esp_silent),
		 "ESP from the peer %s is not arriving: ESP goes out, none "
		 "has come in for %lld s, while the peer answers IKE; likely a "
		 "filter dropping IP protocol 50 on the path or on either "
		 "gateway (sgwctl check names a local one), or NAT between "
		 "the gateways without UDP encapsulation", peer,
		 (now - rt->dp_since) / 1000);
	dlog(d, SGW_CONF_LOG_WARNING, rt->name, "%s", rt->esp_silent);
}

long long datapath_watch(struct daemon *d, long long now)
{
	size_t i;

	if (now < d->dp_next)
		return d->dp_next;
	for (i = 0; i < d->n; i++)
		watch(d, &d->t[i], now);
	d->dp_next = now + DATAPATH_PERIOD_MS;
	return d->dp_next;
}
