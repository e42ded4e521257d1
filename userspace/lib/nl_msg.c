// SPDX-License-Identifier: GPL-2.0
/*
 * sgw's generic netlink messages, attribute by attribute: the decoders of
 * the kernel's replies and events, and the encoders of tunnel and SA
 * requests. No sockets here (nl.c sends and receives).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/genl/genl.h>

#include "nl.h"

static void copy_string(char *dst, size_t len, const struct nlattr *a)
{
	snprintf(dst, len, "%.*s", (int)nla_len(a), (const char *)nla_data(a));
}

int sgwnl_decode_info(struct nlattr **tb, struct sgw_module_info *info)
{
	struct nlattr *entry, *a[SGW_ALG_A_MAX + 1];
	int rem;

	if (tb[SGW_A_VERSION])
		copy_string(info->version, sizeof(info->version),
			    tb[SGW_A_VERSION]);
	if (!tb[SGW_A_ALGS])
		return 0;
	nla_for_each_nested(entry, tb[SGW_A_ALGS], rem) {
		struct sgw_alg_info *alg;

		if (info->n_algs >= SGW_ALG_MAX ||
		    nla_parse_nested(a, SGW_ALG_A_MAX, entry, NULL) ||
		    !a[SGW_ALG_A_ID] || !a[SGW_ALG_A_NAME])
			continue;
		alg = &info->algs[info->n_algs++];
		alg->id = nla_get_u32(a[SGW_ALG_A_ID]);
		copy_string(alg->name, sizeof(alg->name), a[SGW_ALG_A_NAME]);
		if (a[SGW_ALG_A_KEY_LEN])
			alg->key_len = nla_get_u32(a[SGW_ALG_A_KEY_LEN]);
		if (a[SGW_ALG_A_IV_LEN])
			alg->iv_len = nla_get_u32(a[SGW_ALG_A_IV_LEN]);
		if (a[SGW_ALG_A_ICV_LEN])
			alg->icv_len = nla_get_u32(a[SGW_ALG_A_ICV_LEN]);
		if (a[SGW_ALG_A_BLOCK])
			alg->block = nla_get_u32(a[SGW_ALG_A_BLOCK]);
	}
	return 0;
}

/* Lengths are checked here so that the nla_get_*() below stay in bounds. */
static const struct nla_policy tunnel_policy[SGW_TUNNEL_A_MAX + 1] = {
	[SGW_TUNNEL_A_ID] = { .type = NLA_U32 },
	[SGW_TUNNEL_A_IFINDEX] = { .type = NLA_U32 },
	[SGW_TUNNEL_A_IFNAME] = { .type = NLA_STRING },
	[SGW_TUNNEL_A_DROPS] = { .type = NLA_NESTED },
	[SGW_TUNNEL_A_LOCAL] = { .minlen = 4, .maxlen = 16 },
	[SGW_TUNNEL_A_REMOTE] = { .minlen = 4, .maxlen = 16 },
	[SGW_TUNNEL_A_LOCAL_TS] = { .type = NLA_NESTED },
	[SGW_TUNNEL_A_REMOTE_TS] = { .type = NLA_NESTED },
	[SGW_TUNNEL_A_ENABLED] = { .type = NLA_U8 },
	[SGW_TUNNEL_A_EXEMPT] = { .type = NLA_NESTED },
	[SGW_TUNNEL_A_MTU] = { .type = NLA_U32 },
	[SGW_TUNNEL_A_OUTER_DF] = { .type = NLA_U8 },
	[SGW_TUNNEL_A_FRAGMENT] = { .type = NLA_U8 },
	[SGW_TUNNEL_A_MSS] = { .type = NLA_U32 },
	[SGW_TUNNEL_A_PATH_MTU] = { .type = NLA_U32 },
	[SGW_TUNNEL_A_TUNNEL_MTU] = { .type = NLA_U32 },
	[SGW_TUNNEL_A_EVENTS] = { .type = NLA_NESTED },
	[SGW_TUNNEL_A_PROTECT_GATEWAYS] = { .type = NLA_U8 },
};

static const struct nla_policy exempt_policy[SGW_EXEMPT_A_MAX + 1] = {
	[SGW_EXEMPT_A_IFINDEX] = { .type = NLA_U32 },
	[SGW_EXEMPT_A_VIA] = { .minlen = 4, .maxlen = 16 },
};

/* Counter i of a nest sits in attribute type i + 1. */
static void get_counters(struct nlattr *nest, uint64_t *v, int n)
{
	struct nlattr *d;
	int rem;

	nla_for_each_nested(d, nest, rem) {
		int i = nla_type(d) - 1;

		if (i >= 0 && i < n && nla_len(d) == sizeof(uint64_t))
			v[i] = nla_get_u64(d);
	}
}

static uint32_t get_u32_or_0(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static const struct nla_policy prefix_policy[SGW_PREFIX_A_MAX + 1] = {
	[SGW_PREFIX_A_ADDR] = { .minlen = 4, .maxlen = 16 },
	[SGW_PREFIX_A_LEN] = { .type = NLA_U8 },
};

static const struct nla_policy sa_policy[SGW_SA_A_MAX + 1] = {
	[SGW_SA_A_TUNNEL_ID] = { .type = NLA_U32 },
	[SGW_SA_A_SPI] = { .type = NLA_U32 },
	[SGW_SA_A_DIR] = { .type = NLA_U8 },
	[SGW_SA_A_MODE] = { .type = NLA_U8 },
	[SGW_SA_A_ALG] = { .type = NLA_U32 },
	[SGW_SA_A_REPLAY_WINDOW] = { .type = NLA_U32 },
	[SGW_SA_A_ESN] = { .type = NLA_U8 },
	[SGW_SA_A_SEQ] = { .type = NLA_U64 },
	[SGW_SA_A_SOFT_BYTES] = { .type = NLA_U64 },
	[SGW_SA_A_HARD_BYTES] = { .type = NLA_U64 },
	[SGW_SA_A_SOFT_PACKETS] = { .type = NLA_U64 },
	[SGW_SA_A_HARD_PACKETS] = { .type = NLA_U64 },
	[SGW_SA_A_SOFT_SECONDS] = { .type = NLA_U64 },
	[SGW_SA_A_HARD_SECONDS] = { .type = NLA_U64 },
	[SGW_SA_A_BYTES] = { .type = NLA_U64 },
	[SGW_SA_A_PACKETS] = { .type = NLA_U64 },
	[SGW_SA_A_AGE] = { .type = NLA_U64 },
	[SGW_SA_A_SOFT_EXPIRED] = { .type = NLA_U8 },
	[SGW_SA_A_HARD] = { .type = NLA_U8 },
	[SGW_SA_A_ENCAP_SPORT] = { .type = NLA_U16 },
	[SGW_SA_A_ENCAP_DPORT] = { .type = NLA_U16 },
	[SGW_SA_A_LOCAL_TS] = { .type = NLA_NESTED },
	[SGW_SA_A_REMOTE_TS] = { .type = NLA_NESTED },
};

/* The attribute's length decides the family, as the uapi says. */
static int get_addr(const struct nlattr *a, struct sgw_ipaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (nla_len(a) == 4)
		out->family = AF_INET;
	else if (nla_len(a) == 16)
		out->family = AF_INET6;
	else
		return -EBADMSG;
	memcpy(out->bytes, nla_data(a), (size_t)nla_len(a));
	return 0;
}

static int get_ts(struct nlattr *list, struct sgw_ts *ts)
{
	struct nlattr *entry, *a[SGW_PREFIX_A_MAX + 1];
	int rem;

	ts->n = 0;
	nla_for_each_nested(entry, list, rem) {
		struct sgw_ipprefix *p;

		if (nla_type(entry) != SGW_TS_A_PREFIX)
			continue;
		if (ts->n >= SGW_TS_MAX ||
		    nla_parse_nested(a, SGW_PREFIX_A_MAX, entry, prefix_policy) ||
		    !a[SGW_PREFIX_A_ADDR] || !a[SGW_PREFIX_A_LEN])
			return -EBADMSG;
		p = &ts->v[ts->n];
		if (get_addr(a[SGW_PREFIX_A_ADDR], &p->addr))
			return -EBADMSG;
		p->len = nla_get_u8(a[SGW_PREFIX_A_LEN]);
		if (p->len > sgw_addr_bits(&p->addr))
			return -EBADMSG;
		ts->n++;
	}
	return 0;
}

int sgwnl_decode_tunnel(struct nlattr **tb, struct sgw_tunnel_info *t)
{
	struct nlattr *a[SGW_TUNNEL_A_MAX + 1];

	memset(t, 0, sizeof(*t));
	if (!tb[SGW_A_TUNNEL] ||
	    nla_parse_nested(a, SGW_TUNNEL_A_MAX, tb[SGW_A_TUNNEL],
			     tunnel_policy) ||
	    !a[SGW_TUNNEL_A_ID])
		return -EBADMSG;
	t->id = nla_get_u32(a[SGW_TUNNEL_A_ID]);
	if (a[SGW_TUNNEL_A_IFINDEX])
		t->ifindex = nla_get_u32(a[SGW_TUNNEL_A_IFINDEX]);
	if (a[SGW_TUNNEL_A_IFNAME])
		copy_string(t->ifname, sizeof(t->ifname), a[SGW_TUNNEL_A_IFNAME]);
	/* Tunnels start enabled; a kernel that does not say keeps that. */
	t->enabled = !a[SGW_TUNNEL_A_ENABLED] ||
		     nla_get_u8(a[SGW_TUNNEL_A_ENABLED]);
	if ((a[SGW_TUNNEL_A_LOCAL] && get_addr(a[SGW_TUNNEL_A_LOCAL], &t->local)) ||
	    (a[SGW_TUNNEL_A_REMOTE] && get_addr(a[SGW_TUNNEL_A_REMOTE], &t->remote)) ||
	    (a[SGW_TUNNEL_A_LOCAL_TS] && get_ts(a[SGW_TUNNEL_A_LOCAL_TS], &t->local_ts)) ||
	    (a[SGW_TUNNEL_A_REMOTE_TS] && get_ts(a[SGW_TUNNEL_A_REMOTE_TS], &t->remote_ts)))
		return -EBADMSG;
	if (a[SGW_TUNNEL_A_DROPS])
		get_counters(a[SGW_TUNNEL_A_DROPS], t->drops, __SGW_DROP_MAX);
	if (a[SGW_TUNNEL_A_EVENTS])
		get_counters(a[SGW_TUNNEL_A_EVENTS], t->events, __SGW_EV_MAX);
	t->mtu = get_u32_or_0(a[SGW_TUNNEL_A_MTU]);
	t->mss = get_u32_or_0(a[SGW_TUNNEL_A_MSS]);
	t->path_mtu = get_u32_or_0(a[SGW_TUNNEL_A_PATH_MTU]);
	t->tunnel_mtu = get_u32_or_0(a[SGW_TUNNEL_A_TUNNEL_MTU]);
	if (a[SGW_TUNNEL_A_OUTER_DF])
		t->outer_df = nla_get_u8(a[SGW_TUNNEL_A_OUTER_DF]);
	if (a[SGW_TUNNEL_A_FRAGMENT])
		t->fragment = nla_get_u8(a[SGW_TUNNEL_A_FRAGMENT]);
	t->protect_gw = a[SGW_TUNNEL_A_PROTECT_GATEWAYS] &&
			nla_get_u8(a[SGW_TUNNEL_A_PROTECT_GATEWAYS]);
	if (a[SGW_TUNNEL_A_EXEMPT]) {
		struct nlattr *e[SGW_EXEMPT_A_MAX + 1];

		if (nla_parse_nested(e, SGW_EXEMPT_A_MAX, a[SGW_TUNNEL_A_EXEMPT],
				     exempt_policy) ||
		    (e[SGW_EXEMPT_A_VIA] && get_addr(e[SGW_EXEMPT_A_VIA], &t->exempt_via)))
			return -EBADMSG;
		t->exempt_ifindex = get_u32_or_0(e[SGW_EXEMPT_A_IFINDEX]);
	}
	return 0;
}

static uint64_t get_u64_or_0(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

int sgwnl_decode_sa(struct nlattr **tb, struct sgw_sa_info *sa)
{
	struct nlattr *a[SGW_SA_A_MAX + 1];

	memset(sa, 0, sizeof(*sa));
	if (!tb[SGW_A_SA] ||
	    nla_parse_nested(a, SGW_SA_A_MAX, tb[SGW_A_SA], sa_policy) ||
	    !a[SGW_SA_A_TUNNEL_ID] || !a[SGW_SA_A_SPI] || !a[SGW_SA_A_DIR])
		return -EBADMSG;
	sa->tunnel_id = nla_get_u32(a[SGW_SA_A_TUNNEL_ID]);
	sa->spi = nla_get_u32(a[SGW_SA_A_SPI]);
	sa->dir = nla_get_u8(a[SGW_SA_A_DIR]);
	if (a[SGW_SA_A_MODE])
		sa->mode = nla_get_u8(a[SGW_SA_A_MODE]);
	if (a[SGW_SA_A_ALG])
		sa->alg = nla_get_u32(a[SGW_SA_A_ALG]);
	if (a[SGW_SA_A_REPLAY_WINDOW])
		sa->replay_window = nla_get_u32(a[SGW_SA_A_REPLAY_WINDOW]);
	sa->esn = a[SGW_SA_A_ESN] && nla_get_u8(a[SGW_SA_A_ESN]);
	sa->seq = get_u64_or_0(a[SGW_SA_A_SEQ]);
	sa->soft_bytes = get_u64_or_0(a[SGW_SA_A_SOFT_BYTES]);
	sa->hard_bytes = get_u64_or_0(a[SGW_SA_A_HARD_BYTES]);
	sa->soft_packets = get_u64_or_0(a[SGW_SA_A_SOFT_PACKETS]);
	sa->hard_packets = get_u64_or_0(a[SGW_SA_A_HARD_PACKETS]);
	sa->soft_seconds = get_u64_or_0(a[SGW_SA_A_SOFT_SECONDS]);
	sa->hard_seconds = get_u64_or_0(a[SGW_SA_A_HARD_SECONDS]);
	sa->bytes = get_u64_or_0(a[SGW_SA_A_BYTES]);
	sa->packets = get_u64_or_0(a[SGW_SA_A_PACKETS]);
	sa->age = get_u64_or_0(a[SGW_SA_A_AGE]);
	sa->soft_expired = a[SGW_SA_A_SOFT_EXPIRED] &&
			   nla_get_u8(a[SGW_SA_A_SOFT_EXPIRED]);
	/* Both or neither, as the module sends them. */
	if (a[SGW_SA_A_ENCAP_SPORT] && a[SGW_SA_A_ENCAP_DPORT]) {
		sa->encap_sport = nla_get_u16(a[SGW_SA_A_ENCAP_SPORT]);
		sa->encap_dport = nla_get_u16(a[SGW_SA_A_ENCAP_DPORT]);
	}
	sa->has_ts = a[SGW_SA_A_LOCAL_TS] || a[SGW_SA_A_REMOTE_TS];
	if ((a[SGW_SA_A_LOCAL_TS] && get_ts(a[SGW_SA_A_LOCAL_TS], &sa->local_ts)) ||
	    (a[SGW_SA_A_REMOTE_TS] && get_ts(a[SGW_SA_A_REMOTE_TS], &sa->remote_ts)))
		return -EBADMSG;
	return 0;
}

static const struct nla_policy acquire_policy[SGW_ACQUIRE_A_MAX + 1] = {
	[SGW_ACQUIRE_A_TUNNEL_ID] = { .type = NLA_U32 },
	[SGW_ACQUIRE_A_SRC] = { .minlen = 4, .maxlen = 16 },
	[SGW_ACQUIRE_A_DST] = { .minlen = 4, .maxlen = 16 },
};

static int decode_acquire(struct nlattr **tb, struct sgw_event *ev)
{
	struct nlattr *a[SGW_ACQUIRE_A_MAX + 1];

	if (!tb[SGW_A_ACQUIRE] ||
	    nla_parse_nested(a, SGW_ACQUIRE_A_MAX, tb[SGW_A_ACQUIRE],
			     acquire_policy) ||
	    !a[SGW_ACQUIRE_A_TUNNEL_ID] || !a[SGW_ACQUIRE_A_SRC] ||
	    !a[SGW_ACQUIRE_A_DST] || get_addr(a[SGW_ACQUIRE_A_SRC], &ev->src) ||
	    get_addr(a[SGW_ACQUIRE_A_DST], &ev->dst))
		return -EBADMSG;
	ev->type = SGW_EVENT_ACQUIRE;
	ev->tunnel_id = nla_get_u32(a[SGW_ACQUIRE_A_TUNNEL_ID]);
	return 0;
}

static const struct nla_policy mapping_policy[SGW_MAPPING_A_MAX + 1] = {
	[SGW_MAPPING_A_TUNNEL_ID] = { .type = NLA_U32 },
	[SGW_MAPPING_A_SPI] = { .type = NLA_U32 },
	[SGW_MAPPING_A_PORT] = { .type = NLA_U16 },
};

static int decode_mapping(struct nlattr **tb, struct sgw_event *ev)
{
	struct nlattr *a[SGW_MAPPING_A_MAX + 1];

	if (!tb[SGW_A_MAPPING] ||
	    nla_parse_nested(a, SGW_MAPPING_A_MAX, tb[SGW_A_MAPPING],
			     mapping_policy) ||
	    !a[SGW_MAPPING_A_TUNNEL_ID] || !a[SGW_MAPPING_A_SPI] ||
	    !a[SGW_MAPPING_A_ADDR] || !a[SGW_MAPPING_A_PORT] ||
	    get_addr(a[SGW_MAPPING_A_ADDR], &ev->src))
		return -EBADMSG;
	ev->type = SGW_EVENT_NEW_MAPPING;
	ev->tunnel_id = nla_get_u32(a[SGW_MAPPING_A_TUNNEL_ID]);
	ev->spi = nla_get_u32(a[SGW_MAPPING_A_SPI]);
	ev->port = nla_get_u16(a[SGW_MAPPING_A_PORT]);
	return 0;
}

static const struct nla_policy unknown_spi_policy[SGW_UNKNOWN_SPI_A_MAX + 1] = {
	[SGW_UNKNOWN_SPI_A_TUNNEL_ID] = { .type = NLA_U32 },
	[SGW_UNKNOWN_SPI_A_SPI] = { .type = NLA_U32 },
};

static int decode_unknown_spi(struct nlattr **tb, struct sgw_event *ev)
{
	struct nlattr *a[SGW_UNKNOWN_SPI_A_MAX + 1];

	if (!tb[SGW_A_UNKNOWN_SPI] ||
	    nla_parse_nested(a, SGW_UNKNOWN_SPI_A_MAX, tb[SGW_A_UNKNOWN_SPI],
			     unknown_spi_policy) ||
	    !a[SGW_UNKNOWN_SPI_A_TUNNEL_ID] || !a[SGW_UNKNOWN_SPI_A_SPI])
		return -EBADMSG;
	ev->type = SGW_EVENT_UNKNOWN_SPI;
	ev->tunnel_id = nla_get_u32(a[SGW_UNKNOWN_SPI_A_TUNNEL_ID]);
	ev->spi = nla_get_u32(a[SGW_UNKNOWN_SPI_A_SPI]);
	return 0;
}

static int decode_tunnel_state(struct nlattr **tb, struct sgw_event *ev)
{
	struct sgw_tunnel_info t;
	int ret = sgwnl_decode_tunnel(tb, &t);

	if (ret)
		return ret;
	ev->type = SGW_EVENT_TUNNEL;
	ev->tunnel_id = t.id;
	memcpy(ev->ifname, t.ifname, sizeof(ev->ifname));
	ev->enabled = t.enabled;
	ev->mtu = t.tunnel_mtu;
	return 0;
}

/* -ENOENT: not an event sgwctl knows (a newer module may send more). */
int sgwnl_decode_event(unsigned int cmd, struct nlattr **tb,
		       struct sgw_event *ev)
{
	struct nlattr *a[SGW_SA_A_MAX + 1];

	memset(ev, 0, sizeof(*ev));
	if (cmd == SGW_CMD_TUNNEL_STATE)
		return decode_tunnel_state(tb, ev);
	if (cmd == SGW_CMD_ACQUIRE)
		return decode_acquire(tb, ev);
	if (cmd == SGW_CMD_UNKNOWN_SPI)
		return decode_unknown_spi(tb, ev);
	if (cmd == SGW_CMD_NEW_MAPPING)
		return decode_mapping(tb, ev);
	if (cmd != SGW_CMD_SA_EXPIRE)
		return -ENOENT;
	if (!tb[SGW_A_SA] ||
	    nla_parse_nested(a, SGW_SA_A_MAX, tb[SGW_A_SA], sa_policy) ||
	    !a[SGW_SA_A_TUNNEL_ID] || !a[SGW_SA_A_SPI] || !a[SGW_SA_A_DIR])
		return -EBADMSG;
	ev->type = SGW_EVENT_SA_EXPIRE;
	ev->tunnel_id = nla_get_u32(a[SGW_SA_A_TUNNEL_ID]);
	ev->spi = nla_get_u32(a[SGW_SA_A_SPI]);
	ev->dir = nla_get_u8(a[SGW_SA_A_DIR]);
	ev->hard = a[SGW_SA_A_HARD] && nla_get_u8(a[SGW_SA_A_HARD]);
	ev->bytes = get_u64_or_0(a[SGW_SA_A_BYTES]);
	ev->packets = get_u64_or_0(a[SGW_SA_A_PACKETS]);
	return 0;
}


static int put_addr(struct nl_msg *msg, int type, const struct sgw_ipaddr *a)
{
	return nla_put(msg, type, a->family == AF_INET6 ? 16 : 4, a->bytes);
}

/* An empty list is sent as an empty nest: it means "any". */
static int put_ts(struct nl_msg *msg, int type, const struct sgw_ts *ts)
{
	struct nlattr *list = nla_nest_start(msg, type);
	unsigned int i;

	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < ts->n; i++) {
		struct nlattr *entry = nla_nest_start(msg, SGW_TS_A_PREFIX);

		if (!entry || put_addr(msg, SGW_PREFIX_A_ADDR, &ts->v[i].addr) ||
		    nla_put_u8(msg, SGW_PREFIX_A_LEN, (uint8_t)ts->v[i].len))
			return -EMSGSIZE;
		nla_nest_end(msg, entry);
	}
	return nla_nest_end_keep_empty(msg, list) ? -EMSGSIZE : 0;
}

int sgwnl_put_tunnel(struct nl_msg *msg, uint32_t id, const char *ifname,
		     const struct sgw_tunnel_config *cfg)
{
	struct nlattr *nest = nla_nest_start(msg, SGW_A_TUNNEL);

	if (!nest || (id && nla_put_u32(msg, SGW_TUNNEL_A_ID, id)) ||
	    (ifname && nla_put_string(msg, SGW_TUNNEL_A_IFNAME, ifname)))
		return -EMSGSIZE;
	if (cfg &&
	    ((cfg->set_local && put_addr(msg, SGW_TUNNEL_A_LOCAL, &cfg->local)) ||
	     (cfg->set_remote && put_addr(msg, SGW_TUNNEL_A_REMOTE, &cfg->remote)) ||
	     (cfg->set_local_ts && put_ts(msg, SGW_TUNNEL_A_LOCAL_TS, &cfg->local_ts)) ||
	     (cfg->set_remote_ts && put_ts(msg, SGW_TUNNEL_A_REMOTE_TS, &cfg->remote_ts)) ||
	     (cfg->set_enabled &&
	      nla_put_u8(msg, SGW_TUNNEL_A_ENABLED, cfg->enabled ? 1 : 0)) ||
	     (cfg->set_mtu && nla_put_u32(msg, SGW_TUNNEL_A_MTU, cfg->mtu)) ||
	     (cfg->set_mss && nla_put_u32(msg, SGW_TUNNEL_A_MSS, cfg->mss)) ||
	     (cfg->set_outer_df &&
	      nla_put_u8(msg, SGW_TUNNEL_A_OUTER_DF, cfg->outer_df)) ||
	     (cfg->set_fragment &&
	      nla_put_u8(msg, SGW_TUNNEL_A_FRAGMENT, cfg->fragment)) ||
	     (cfg->set_protect_gw &&
	      nla_put_u8(msg, SGW_TUNNEL_A_PROTECT_GATEWAYS, cfg->protect_gw ? 1 : 0)) ||
	     (cfg->keep_sas && nla_put_u8(msg, SGW_TUNNEL_A_KEEP_SAS, 1))))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_u64_unless_0(struct nl_msg *msg, int type, uint64_t v)
{
	return v ? nla_put_u64(msg, type, v) : 0;
}

/* Optional values go out only when they differ from the kernel's default. */
int sgwnl_put_sa(struct nl_msg *msg, const struct sgw_sa_request *req)
{
	const struct sgw_sa_info *sa = &req->sa;
	struct nlattr *nest = nla_nest_start(msg, SGW_A_SA);

	if (!nest ||
	    nla_put_u32(msg, SGW_SA_A_TUNNEL_ID, sa->tunnel_id) ||
	    nla_put_u32(msg, SGW_SA_A_SPI, sa->spi) ||
	    nla_put_u8(msg, SGW_SA_A_DIR, (uint8_t)sa->dir) ||
	    (sa->mode && nla_put_u8(msg, SGW_SA_A_MODE, (uint8_t)sa->mode)) ||
	    nla_put_u32(msg, SGW_SA_A_ALG, sa->alg) ||
	    nla_put(msg, SGW_SA_A_KEY, (int)req->key_len, req->key) ||
	    (req->replay_window_given &&
	     nla_put_u32(msg, SGW_SA_A_REPLAY_WINDOW, sa->replay_window)) ||
	    (sa->esn && nla_put_u8(msg, SGW_SA_A_ESN, 1)) ||
	    put_u64_unless_0(msg, SGW_SA_A_SEQ, sa->seq) ||
	    put_u64_unless_0(msg, SGW_SA_A_SOFT_BYTES, sa->soft_bytes) ||
	    put_u64_unless_0(msg, SGW_SA_A_HARD_BYTES, sa->hard_bytes) ||
	    put_u64_unless_0(msg, SGW_SA_A_SOFT_PACKETS, sa->soft_packets) ||
	    put_u64_unless_0(msg, SGW_SA_A_HARD_PACKETS, sa->hard_packets) ||
	    put_u64_unless_0(msg, SGW_SA_A_SOFT_SECONDS, sa->soft_seconds) ||
	    put_u64_unless_0(msg, SGW_SA_A_HARD_SECONDS, sa->hard_seconds) ||
	    (sa->encap_sport &&
	     (nla_put_u16(msg, SGW_SA_A_ENCAP_SPORT, sa->encap_sport) ||
	      nla_put_u16(msg, SGW_SA_A_ENCAP_DPORT, sa->encap_dport))) ||
	    (sa->has_ts &&
	     (put_ts(msg, SGW_SA_A_LOCAL_TS, &sa->local_ts) ||
	      put_ts(msg, SGW_SA_A_REMOTE_TS, &sa->remote_ts))))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int sgwnl_put_sa_ports(struct nl_msg *msg, const struct sgw_sa_id *id,
		       uint16_t sport, uint16_t dport)
{
	struct nlattr *nest = nla_nest_start(msg, SGW_A_SA);

	if (!nest || nla_put_u32(msg, SGW_SA_A_TUNNEL_ID, id->tunnel_id) ||
	    nla_put_u32(msg, SGW_SA_A_SPI, id->spi) ||
	    nla_put_u8(msg, SGW_SA_A_DIR, (uint8_t)id->dir) ||
	    nla_put_u16(msg, SGW_SA_A_ENCAP_SPORT, sport) ||
	    nla_put_u16(msg, SGW_SA_A_ENCAP_DPORT, dport))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int sgwnl_put_sa_id(struct nl_msg *msg, const struct sgw_sa_id *id)
{
	struct nlattr *nest = nla_nest_start(msg, SGW_A_SA);

	if (!nest || nla_put_u32(msg, SGW_SA_A_TUNNEL_ID, id->tunnel_id) ||
	    nla_put_u32(msg, SGW_SA_A_SPI, id->spi) ||
	    nla_put_u8(msg, SGW_SA_A_DIR, (uint8_t)id->dir))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}


int sgwnl_put_trace(struct nl_msg *msg, const struct sgw_trace_request *req)
{
	struct nlattr *nest = nla_nest_start(msg, SGW_A_TRACE);

	if (!nest || put_addr(msg, SGW_TRACE_A_SRC, &req->src) ||
	    put_addr(msg, SGW_TRACE_A_DST, &req->dst) ||
	    (req->set_proto && nla_put_u8(msg, SGW_TRACE_A_PROTO, req->proto)) ||
	    (req->set_sport && nla_put_u16(msg, SGW_TRACE_A_SPORT, req->sport)) ||
	    (req->set_dport && nla_put_u16(msg, SGW_TRACE_A_DPORT, req->dport)) ||
	    (req->set_size && nla_put_u32(msg, SGW_TRACE_A_SIZE, req->size)) ||
	    (req->df && nla_put_u8(msg, SGW_TRACE_A_DF, 1)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static const struct nla_policy trace_policy[SGW_TRACE_A_MAX + 1] = {
	[SGW_TRACE_A_PROTO] = { .type = NLA_U8 },
	[SGW_TRACE_A_SPORT] = { .type = NLA_U16 },
	[SGW_TRACE_A_DPORT] = { .type = NLA_U16 },
	[SGW_TRACE_A_SIZE] = { .type = NLA_U32 },
	[SGW_TRACE_A_DF] = { .type = NLA_U8 },
	[SGW_TRACE_A_VERDICT] = { .type = NLA_U8 },
	[SGW_TRACE_A_DROP] = { .type = NLA_U8 },
	[SGW_TRACE_A_IFINDEX] = { .type = NLA_U32 },
	[SGW_TRACE_A_IFNAME] = { .type = NLA_STRING },
	[SGW_TRACE_A_TUNNEL_ID] = { .type = NLA_U32 },
	[SGW_TRACE_A_ENABLED] = { .type = NLA_U8 },
	[SGW_TRACE_A_LOCAL_TS_MATCH] = { .type = NLA_U8 },
	[SGW_TRACE_A_REMOTE_TS_MATCH] = { .type = NLA_U8 },
	[SGW_TRACE_A_EXEMPT_TUNNEL_ID] = { .type = NLA_U32 },
	[SGW_TRACE_A_UNDERLAY_IFINDEX] = { .type = NLA_U32 },
	[SGW_TRACE_A_UNDERLAY_IFNAME] = { .type = NLA_STRING },
	[SGW_TRACE_A_SPI] = { .type = NLA_U32 },
	[SGW_TRACE_A_ALG] = { .type = NLA_U32 },
	[SGW_TRACE_A_ENCAP_SPORT] = { .type = NLA_U16 },
	[SGW_TRACE_A_ENCAP_DPORT] = { .type = NLA_U16 },
	[SGW_TRACE_A_DAEMON] = { .type = NLA_U8 },
	[SGW_TRACE_A_HELD] = { .type = NLA_U32 },
	[SGW_TRACE_A_PATH_MTU] = { .type = NLA_U32 },
	[SGW_TRACE_A_TUNNEL_MTU] = { .type = NLA_U32 },
	[SGW_TRACE_A_ICMP_MTU] = { .type = NLA_U32 },
	[SGW_TRACE_A_FRAGMENT] = { .type = NLA_U8 },
	[SGW_TRACE_A_MSS] = { .type = NLA_U32 },
	[SGW_TRACE_A_OUTER_SIZE] = { .type = NLA_U32 },
	[SGW_TRACE_A_OUTER_DF] = { .type = NLA_U8 },
	[SGW_TRACE_A_OUTER_PROTO] = { .type = NLA_U8 },
};

static bool get_flag(const struct nlattr *a)
{
	return a && nla_get_u8((struct nlattr *)a);
}

/* An optional address: absent stays unset, a malformed one fails. */
static int get_addr_opt(const struct nlattr *a, struct sgw_ipaddr *out)
{
	return a ? get_addr(a, out) : 0;
}

static int decode_trace_sa(struct nlattr **a, struct sgw_trace_result *r)
{
	r->has_sa = a[SGW_TRACE_A_SPI] && a[SGW_TRACE_A_ALG];
	r->spi = get_u32_or_0(a[SGW_TRACE_A_SPI]);
	r->alg = get_u32_or_0(a[SGW_TRACE_A_ALG]);
	if (a[SGW_TRACE_A_ENCAP_SPORT] && a[SGW_TRACE_A_ENCAP_DPORT]) {
		r->encap_sport = nla_get_u16(a[SGW_TRACE_A_ENCAP_SPORT]);
		r->encap_dport = nla_get_u16(a[SGW_TRACE_A_ENCAP_DPORT]);
	}
	r->has_mtu = a[SGW_TRACE_A_PATH_MTU] && a[SGW_TRACE_A_TUNNEL_MTU];
	r->path_mtu = get_u32_or_0(a[SGW_TRACE_A_PATH_MTU]);
	r->tunnel_mtu = get_u32_or_0(a[SGW_TRACE_A_TUNNEL_MTU]);
	r->has_icmp_mtu = a[SGW_TRACE_A_ICMP_MTU];
	r->icmp_mtu = get_u32_or_0(a[SGW_TRACE_A_ICMP_MTU]);
	r->has_mss = a[SGW_TRACE_A_MSS];
	r->mss = get_u32_or_0(a[SGW_TRACE_A_MSS]);
	r->has_outer = a[SGW_TRACE_A_OUTER_SRC] && a[SGW_TRACE_A_OUTER_DST] &&
		       a[SGW_TRACE_A_OUTER_SIZE];
	if (!r->has_outer)
		return 0;
	if (a[SGW_TRACE_A_FRAGMENT])
		r->fragment = nla_get_u8(a[SGW_TRACE_A_FRAGMENT]);
	r->outer_size = nla_get_u32(a[SGW_TRACE_A_OUTER_SIZE]);
	r->outer_df = get_flag(a[SGW_TRACE_A_OUTER_DF]);
	if (a[SGW_TRACE_A_OUTER_PROTO])
		r->outer_proto = nla_get_u8(a[SGW_TRACE_A_OUTER_PROTO]);
	return get_addr(a[SGW_TRACE_A_OUTER_SRC], &r->outer_src) ||
	       get_addr(a[SGW_TRACE_A_OUTER_DST], &r->outer_dst) ? -EBADMSG : 0;
}

int sgwnl_decode_trace(struct nlattr **tb, struct sgw_trace_result *r)
{
	struct nlattr *a[SGW_TRACE_A_MAX + 1];

	memset(r, 0, sizeof(*r));
	if (!tb[SGW_A_TRACE] ||
	    nla_parse_nested(a, SGW_TRACE_A_MAX, tb[SGW_A_TRACE], trace_policy) ||
	    !a[SGW_TRACE_A_SRC] || !a[SGW_TRACE_A_DST] ||
	    !a[SGW_TRACE_A_VERDICT] || get_addr(a[SGW_TRACE_A_SRC], &r->src) ||
	    get_addr(a[SGW_TRACE_A_DST], &r->dst) ||
	    get_addr_opt(a[SGW_TRACE_A_VIA], &r->via) ||
	    get_addr_opt(a[SGW_TRACE_A_UNDERLAY_VIA], &r->underlay_via))
		return -EBADMSG;
	if (a[SGW_TRACE_A_PROTO])
		r->proto = nla_get_u8(a[SGW_TRACE_A_PROTO]);
	r->has_ports = a[SGW_TRACE_A_SPORT] && a[SGW_TRACE_A_DPORT];
	if (r->has_ports) {
		r->sport = nla_get_u16(a[SGW_TRACE_A_SPORT]);
		r->dport = nla_get_u16(a[SGW_TRACE_A_DPORT]);
	}
	r->size = get_u32_or_0(a[SGW_TRACE_A_SIZE]);
	r->df = get_flag(a[SGW_TRACE_A_DF]);
	r->verdict = nla_get_u8(a[SGW_TRACE_A_VERDICT]);
	r->has_drop = a[SGW_TRACE_A_DROP];
	if (r->has_drop)
		r->drop = nla_get_u8(a[SGW_TRACE_A_DROP]);
	r->ifindex = get_u32_or_0(a[SGW_TRACE_A_IFINDEX]);
	if (a[SGW_TRACE_A_IFNAME])
		copy_string(r->ifname, sizeof(r->ifname), a[SGW_TRACE_A_IFNAME]);
	r->in_tunnel = a[SGW_TRACE_A_TUNNEL_ID];
	r->tunnel_id = get_u32_or_0(a[SGW_TRACE_A_TUNNEL_ID]);
	r->enabled = get_flag(a[SGW_TRACE_A_ENABLED]);
	r->has_ts = a[SGW_TRACE_A_LOCAL_TS_MATCH] && a[SGW_TRACE_A_REMOTE_TS_MATCH];
	r->local_ts_match = get_flag(a[SGW_TRACE_A_LOCAL_TS_MATCH]);
	r->remote_ts_match = get_flag(a[SGW_TRACE_A_REMOTE_TS_MATCH]);
	r->exempt = a[SGW_TRACE_A_EXEMPT_TUNNEL_ID];
	r->exempt_tunnel_id = get_u32_or_0(a[SGW_TRACE_A_EXEMPT_TUNNEL_ID]);
	r->underlay_ifindex = get_u32_or_0(a[SGW_TRACE_A_UNDERLAY_IFINDEX]);
	if (a[SGW_TRACE_A_UNDERLAY_IFNAME])
		copy_string(r->underlay_ifname, sizeof(r->underlay_ifname),
			    a[SGW_TRACE_A_UNDERLAY_IFNAME]);
	r->no_sa = a[SGW_TRACE_A_DAEMON];
	r->daemon = get_flag(a[SGW_TRACE_A_DAEMON]);
	r->held = get_u32_or_0(a[SGW_TRACE_A_HELD]);
	return decode_trace_sa(a, r);
}
