// SPDX-License-Identifier: GPL-2.0
/* sgw.conf to engine and kernel settings; see confmap.h. */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "conf_host.h"
#include "conf_keys.h"
#include "conf_value.h"
#include "confmap.h"
#include "ike_engine.h"
#include "ike_payload.h"

_Static_assert(SGW_CONF_PSK_MAX == IKE_PSK_MAX,
	       "a key sgw.conf accepts fits the engine");

void confmap_engine(const struct sgw_conf_global *g,
		    struct ike_engine_config *out)
{
	ike_engine_config_defaults(out);
	/* half-open-limit is strongSwan's cookie_threshold. */
	out->cookie_threshold = g->half_open_limit;
	if (out->half_open_max < g->half_open_limit)
		out->half_open_max = g->half_open_limit;
}

void confmap_engine_changes(const struct ike_engine_config *before,
			    const struct ike_engine_config *after,
			    char *buf, size_t len)
{
	/* Only cookie_threshold comes from a key; the rest follows it. */
	if (before->cookie_threshold != after->cookie_threshold)
		snprintf(buf, len, "half-open-limit %u -> %u",
			 before->cookie_threshold, after->cookie_threshold);
	else if (len)
		buf[0] = '\0';
}

static void to_sockaddr(const struct sgw_conf_addr *a,
			struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(500);
		memcpy(&in->sin_addr, a->bytes, 4);
	} else if (a->family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(500);
		memcpy(&in6->sin6_addr, a->bytes, 16);
	}
}

int confmap_identity(const struct sgw_conf_ident *id,
		     const struct sgw_conf_addr *addr,
		     struct ike_identity *out)
{
	static const uint8_t types[] = {
		[SGW_CONF_IDENT_IPV4] = IKE_ID_IPV4_ADDR,
		[SGW_CONF_IDENT_IPV6] = IKE_ID_IPV6_ADDR,
		[SGW_CONF_IDENT_FQDN] = IKE_ID_FQDN,
		[SGW_CONF_IDENT_EMAIL] = IKE_ID_RFC822_ADDR,
		[SGW_CONF_IDENT_KEYID] = IKE_ID_KEY_ID,
	};

	memset(out, 0, sizeof(*out));
	if (id->type == SGW_CONF_IDENT_DEFAULT) {
		if (addr->family == AF_INET) {
			out->type = IKE_ID_IPV4_ADDR;
			out->len = 4;
		} else if (addr->family == AF_INET6) {
			out->type = IKE_ID_IPV6_ADDR;
			out->len = 16;
		} else {
			return -1;
		}
		memcpy(out->data, addr->bytes, out->len);
		return 0;
	}
	if ((size_t)id->type >= sizeof(types) || !id->len ||
	    id->len > IKE_ID_MAX)
		return -1;
	out->type = types[id->type];
	out->len = (uint8_t)id->len;
	memcpy(out->data, id->data, id->len);
	return 0;
}

static uint16_t prf_of_integ(unsigned int integ)
{
	switch (integ) {
	case SGW_CONF_INTEG_SHA384:
		return IKE_PRF_HMAC_SHA2_384;
	case SGW_CONF_INTEG_SHA512:
		return IKE_PRF_HMAC_SHA2_512;
	default:
		return IKE_PRF_HMAC_SHA2_256;
	}
}

static void map_proposal(const struct sgw_conf_proposal *cp, uint8_t protocol,
			 bool esn, struct ike_proposal *p)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->protocol = protocol;
	for (i = 0; i < cp->n[SGW_CONF_ENCR] && i < IKE_PROP_ALGS; i++) {
		struct ike_prop_alg *a = &p->alg[IKE_XF_ENCR][i];

		sgw_conf_encr_iana(cp->alg[SGW_CONF_ENCR][i], &a->id, &a->bits);
		p->n[IKE_XF_ENCR]++;
	}
	for (i = 0; i < cp->n[SGW_CONF_INTEG] && i < IKE_PROP_ALGS; i++)
		p->alg[IKE_XF_INTEG][p->n[IKE_XF_INTEG]++].id =
			cp->alg[SGW_CONF_INTEG][i];
	for (i = 0; i < cp->n[SGW_CONF_DH] && i < IKE_PROP_ALGS; i++)
		p->alg[IKE_XF_DH][p->n[IKE_XF_DH]++].id = cp->alg[SGW_CONF_DH][i];
	if (protocol == IKE_PROTO_ESP) {
		p->alg[IKE_XF_ESN][p->n[IKE_XF_ESN]++].id =
			esn ? IKE_ESN_YES : IKE_ESN_NO;
		return;
	}
	for (i = 0; i < cp->n[SGW_CONF_PRF] && i < IKE_PROP_ALGS; i++)
		p->alg[IKE_XF_PRF][p->n[IKE_XF_PRF]++].id = cp->alg[SGW_CONF_PRF][i];
	/* As the parser does: without a PRF the integrity hashes name it. */
	for (i = 0; !cp->n[SGW_CONF_PRF] && i < p->n[IKE_XF_INTEG]; i++) {
		uint16_t prf = prf_of_integ(p->alg[IKE_XF_INTEG][i].id);
		unsigned int k;

		for (k = 0; k < p->n[IKE_XF_PRF]; k++)
			if (p->alg[IKE_XF_PRF][k].id == prf)
				break;
		if (k == p->n[IKE_XF_PRF])
			p->alg[IKE_XF_PRF][p->n[IKE_XF_PRF]++].id = prf;
	}
}

static bool list_has_family(const struct sgw_conf_prefix_list *l, int af)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		if (l->v[i].addr.family == af)
			return true;
	return false;
}

/*
 * Traffic selectors of one side. "any" becomes the whole address space of
 * each family the other side uses (both when it is "any" too), so that a
 * peer narrowing to one family still finds a match.
 */
static void map_ts(const struct sgw_conf_prefix_list *l,
		   const struct sgw_conf_prefix_list *other,
		   struct ike_ts_list *out)
{
	static const uint8_t zero[16];
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < l->count && out->n < IKE_TS_MAX; i++)
		ike_ts_from_prefix(&out->ts[out->n++], l->v[i].addr.bytes,
				   l->v[i].addr.family == AF_INET ? 4 : 16,
				   l->v[i].plen);
	if (l->count)
		return;
	if (!other->count || list_has_family(other, AF_INET))
		ike_ts_from_prefix(&out->ts[out->n++], zero, 4, 0);
	if (!other->count || list_has_family(other, AF_INET6))
		ike_ts_from_prefix(&out->ts[out->n++], zero, 16, 0);
}

int confmap_tunnel(const struct sgw_conf_tunnel *t,
		   struct ike_tunnel_config *cfg, char *err, size_t errlen)
{
	uint32_t soft;
	unsigned int i;

	ike_tunnel_config_defaults(cfg);
	if (t->local.family == AF_UNSPEC) {
		/* The daemon resolves local = auto before it maps a tunnel. */
		snprintf(err, errlen, "tunnel \"%s\": local = auto was not "
			 "resolved to an address of this host", t->name);
		return -1;
	}
	if (t->ike_proposals.count > IKE_PROPOSALS_MAX ||
	    t->esp_proposals.count > IKE_PROPOSALS_MAX ||
	    t->local_networks.count > IKE_TS_MAX ||
	    t->remote_networks.count > IKE_TS_MAX) {
		snprintf(err, errlen, "tunnel \"%s\": more proposals or networks "
			 "than the IKE engine takes (%d each)", t->name,
			 IKE_PROPOSALS_MAX);
		return -1;
	}
	cfg->id = t->id;
	snprintf(cfg->name, sizeof(cfg->name), "%s", t->name);
	to_sockaddr(&t->local, &cfg->local);
	if (t->remote_any) {
		/* The unspecified address of local's family: responder only. */
		struct sgw_conf_addr any = { .family = t->local.family };

		if (t->remote_id.type == SGW_CONF_IDENT_DEFAULT) {
			snprintf(err, errlen, "tunnel \"%s\": remote = any "
				 "needs remote-id", t->name);
			return -1;
		}
		to_sockaddr(&any, &cfg->remote);
	} else {
		to_sockaddr(&t->remote, &cfg->remote);
	}
	if (confmap_identity(&t->local_id, &t->local, &cfg->local_id) ||
	    confmap_identity(&t->remote_id, &t->remote, &cfg->remote_id)) {
		snprintf(err, errlen, "tunnel \"%s\": identity cannot be used",
			 t->name);
		return -1;
	}
	for (i = 0; i < t->ike_proposals.count; i++)
		map_proposal(&t->ike_proposals.v[i], IKE_PROTO_IKE, false,
			     &cfg->ike[cfg->n_ike++]);
	for (i = 0; i < t->esp_proposals.count; i++)
		map_proposal(&t->esp_proposals.v[i], IKE_PROTO_ESP, t->esn,
			     &cfg->esp[cfg->n_esp++]);
	map_ts(&t->local_networks, &t->remote_networks, &cfg->local_ts);
	map_ts(&t->remote_networks, &t->local_networks, &cfg->remote_ts);
	cfg->protect_gateways = t->protect_gateways;
	cfg->child_hard_s = t->child_lifetime;
	/* Rekeying starts at the soft expiry, less a random jitter per SA. */
	soft = t->rekey_margin < t->child_lifetime ?
	       t->child_lifetime - t->rekey_margin : 0;
	cfg->child_soft_s = t->auto_refresh && soft < t->child_lifetime ?
			    soft : 0;
	cfg->auto_refresh = t->auto_refresh;
	cfg->reauth = t->reauth;
	cfg->rekey_jitter_s = t->rekey_jitter;
	cfg->ike_hard_s = t->ike_lifetime;
	cfg->ike_rekey_s = t->rekey_margin < t->ike_lifetime ?
			   t->ike_lifetime - t->rekey_margin : 0;
	cfg->dpd_delay_ms = t->dpd_delay * 1000;
	cfg->dpd_action = t->dpd_action == SGW_CONF_DPD_CLEAR ? IKE_DPD_CLEAR :
			  t->dpd_action == SGW_CONF_DPD_HOLD ? IKE_DPD_HOLD :
			  IKE_DPD_RESTART;
	cfg->retrans_timeout_ms = t->retransmit_timeout * 1000;
	cfg->retrans_tries = t->retransmit_tries;
	cfg->nat_traversal = t->nat_traversal;
	cfg->encap = t->encap;
	cfg->keepalive_ms = t->nat_keepalive * 1000;
	return 0;
}

static void to_sgw_addr(const struct sgw_conf_addr *a, struct sgw_ipaddr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = a->family;
	memcpy(out->bytes, a->bytes, sizeof(out->bytes));
}

static void to_sgw_ts(const struct sgw_conf_prefix_list *l, struct sgw_ts *ts)
{
	size_t i;

	memset(ts, 0, sizeof(*ts));
	for (i = 0; i < l->count && i < SGW_TS_MAX; i++) {
		to_sgw_addr(&l->v[i].addr, &ts->v[i].addr);
		ts->v[i].len = l->v[i].plen;
		ts->n++;
	}
}

void confmap_kernel_tunnel(const struct sgw_conf_tunnel *t,
			   struct sgw_tunnel_config *out)
{
	memset(out, 0, sizeof(*out));
	out->set_local = out->set_remote = t->local.family != AF_UNSPEC;
	/* remote = any: the peer's address is set when it connects (kbackend). */
	if (t->remote_any)
		out->set_remote = false;
	to_sgw_addr(&t->local, &out->local);
	to_sgw_addr(&t->remote, &out->remote);
	out->set_local_ts = out->set_remote_ts = true;
	to_sgw_ts(&t->local_networks, &out->local_ts);
	to_sgw_ts(&t->remote_networks, &out->remote_ts);
	out->set_enabled = true;
	out->enabled = t->enabled;
	out->set_protect_gw = true;
	out->protect_gw = t->protect_gateways;
	confmap_kernel_pmtu(t, out);
}

void confmap_kernel_pmtu(const struct sgw_conf_tunnel *t,
			 struct sgw_tunnel_config *out)
{
	static const uint8_t dfs[] = {
		[SGW_CONF_DF_COPY] = SGW_OUTER_DF_COPY,
		[SGW_CONF_DF_SET] = SGW_OUTER_DF_SET,
		[SGW_CONF_DF_CLEAR] = SGW_OUTER_DF_CLEAR,
	};

	out->set_mtu = out->set_mss = true;
	out->set_outer_df = out->set_fragment = true;
	/* auto is 0 for both, as in the kernel. */
	out->mtu = t->mtu;
	out->mss = t->mss == SGW_CONF_MSS_OFF ? SGW_MSS_OFF : t->mss;
	out->outer_df = dfs[t->outer_df];
	out->fragment = t->fragment == SGW_CONF_FRAG_AFTER_ENCRYPTION ?
			SGW_FRAGMENT_AFTER : SGW_FRAGMENT_BEFORE;
}

/*
 * The keys a reload applies without negotiating: what the peer never
 * sees. The engine takes the lifetimes (for SAs from then on), DPD and
 * retransmission in place (ike_engine_update_tunnel()); the kernel the
 * path MTU settings at once and the SA options for the next SAs; the
 * routes follow the file after every reload (routes_sync()).
 */
static bool in_place_key(enum sgw_conf_key_id id)
{
	switch (id) {
	case SGW_CONF_K_IKE_LIFETIME:
	case SGW_CONF_K_CHILD_LIFETIME:
	case SGW_CONF_K_REKEY_MARGIN:
	case SGW_CONF_K_REKEY_JITTER:
	case SGW_CONF_K_LIFE_BYTES:
	case SGW_CONF_K_LIFE_PACKETS:
	case SGW_CONF_K_AUTO_REFRESH:
	case SGW_CONF_K_REAUTH:
	case SGW_CONF_K_DPD_DELAY:
	case SGW_CONF_K_DPD_ACTION:
	case SGW_CONF_K_RETRANSMIT_TRIES:
	case SGW_CONF_K_RETRANSMIT_TIMEOUT:
	case SGW_CONF_K_MTU:
	case SGW_CONF_K_MSS:
	case SGW_CONF_K_OUTER_DF:
	case SGW_CONF_K_FRAGMENT:
	case SGW_CONF_K_REPLAY_WINDOW:
	case SGW_CONF_K_ROUTES:
	case SGW_CONF_K_ROUTE_TABLE:
	case SGW_CONF_K_ROUTE_METRIC:
		return true;
	default:
		return false;
	}
}

bool confmap_in_place(const struct sgw_conf_tunnel *before,
		      const struct sgw_conf_tunnel *after, char *keys,
		      size_t len)
{
	const struct sgw_conf_key *k;
	size_t n, i, used = 0;
	bool any = false;

	if (len)
		keys[0] = '\0';
	if (strcmp(before->name, after->name))
		return false;
	k = sgw_conf_keys(&n);
	for (i = 0; i < n; i++) {
		int w;

		if (k[i].section != SGW_CONF_SEC_TUNNEL ||
		    sgw_conf_value_equal(&k[i], before, after))
			continue;
		if (!in_place_key(k[i].id))
			return false;
		any = true;
		w = snprintf(keys + used, len - used, "%s%s", used ? ", " : "",
			     k[i].name);
		if (w > 0 && (size_t)w < len - used)
			used += (size_t)w;
	}
	return any;
}

int confmap_read_psk(const char *path, uint8_t *psk, size_t *len,
		     char *warn, size_t warnlen, char *err, size_t errlen)
{
	int e;

	return sgw_conf_psk_read(path, psk, len, warn, warnlen, err, errlen,
				 &e);
}
