// SPDX-License-Identifier: GPL-2.0
/* Generic netlink transport for sgwctl, on libnl-3. */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* How often a dump is read again when the kernel says it was interrupted. */
#define DUMP_ATTEMPTS 5

struct sgwnl {
	struct nl_sock *sk;
	struct nl_sock *events;	/* multicast only, once sgwnl_events_join() ran */
	int family;
	char error[256];
};

/* One request in flight: where replies go and how it ended. */
struct transaction {
	struct sgwnl *nl;
	int (*parse)(struct nlattr **tb, void *arg);
	void *arg;
	int err;
	bool done;
	bool interrupted;	/* NLM_F_DUMP_INTR: the dump is inconsistent */
};

const char *sgwnl_open_error(int err)
{
	switch (err) {
	case -ENOENT:
		return "sgw kernel module is not loaded (modprobe sgw)";
	case -EPERM:
		return "permission denied";
	default:
		return strerror(-err);
	}
}

int sgwnl_open(struct sgwnl **out)
{
	struct sgwnl *nl;
	int one = 1, ret;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		free(nl);
		return -ENOMEM;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		ret = -EPROTONOSUPPORT;
		goto fail;
	}
	/* Ask for the kernel's explanations, without echoing our request. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, SGW_GENL_NAME);
	if (nl->family < 0) {
		ret = -ENOENT;
		goto fail;
	}
	*out = nl;
	return 0;
fail:
	nl_socket_free(nl->sk);
	free(nl);
	return ret;
}

void sgwnl_close(struct sgwnl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->events);
	nl_socket_free(nl->sk);
	free(nl);
}

const char *sgwnl_error(const struct sgwnl *nl)
{
	return nl->error;
}

static void set_error(struct sgwnl *nl, int err, const char *ext)
{
	if (ext && *ext)
		snprintf(nl->error, sizeof(nl->error), "%s", ext);
	else if (err == -EPERM)
		snprintf(nl->error, sizeof(nl->error),
			 "permission denied: this needs CAP_NET_ADMIN (run as root)");
	else
		snprintf(nl->error, sizeof(nl->error), "%s", strerror(-err));
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct transaction *t = arg;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { 0 };
	const char *msg = NULL;

	(void)who;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		size_t off = sizeof(*e);
		int len;

		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
		len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off;
		if (len > 0 &&
		    nla_parse(tb, NLMSGERR_ATTR_MAX,
			      (struct nlattr *)((char *)e + off), len, NULL) == 0 &&
		    tb[NLMSGERR_ATTR_MSG])
			msg = nla_get_string(tb[NLMSGERR_ATTR_MSG]);
	}
	t->err = e->error;
	if (t->err)
		set_error(t->nl, t->err, msg);
	t->done = true;
	return NL_STOP;
}

static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;

	(void)msg;
	t->interrupted = true;
	return NL_OK;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;

	(void)msg;
	t->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;
	struct nlattr *tb[SGW_A_MAX + 1];
	int ret;

	if (!t->parse)
		return NL_OK;
	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, SGW_A_MAX, NULL);
	if (ret == 0)
		ret = t->parse(tb, t->arg);
	if (ret < 0 && !t->err) {
		t->err = ret;
		set_error(t->nl, ret, "malformed reply from the kernel");
	}
	return NL_OK;
}

void sgwnl_msg_free(struct nl_msg *msg)
{
	if (!msg)
		return;
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
}

/*
 * Send @msg (consumed) and read until the ACK or the end of the dump,
 * handing each reply to @parse. -EINTR: a dump was interrupted by a
 * change and its replies are inconsistent.
 */
static int transact(struct sgwnl *nl, struct nl_msg *msg,
		    int (*parse)(struct nlattr **tb, void *arg), void *arg)
{
	struct transaction t = { .nl = nl, .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int ret;

	nl->error[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		sgwnl_msg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &t);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);

	ret = nl_send_auto(nl->sk, msg);
	sgwnl_msg_free(msg);
	if (ret < 0) {
		t.err = -EIO;
		set_error(nl, t.err, nl_geterror(ret));
	}
	while (ret >= 0 && !t.done) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !t.err) {
			t.err = -EIO;
			set_error(nl, t.err, nl_geterror(ret));
		}
	}
	nl_cb_put(cb);
	if (!t.err && t.interrupted)
		return -EINTR;
	return t.err;
}

static struct nl_msg *new_request(struct sgwnl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				flags, cmd, SGW_GENL_VERSION)) {
		sgwnl_msg_free(msg);
		msg = NULL;
	}
	return msg;
}

static void copy_string(char *dst, size_t len, const struct nlattr *a)
{
	snprintf(dst, len, "%.*s", (int)nla_len(a), (const char *)nla_data(a));
}

static int parse_info(struct nlattr **tb, void *arg)
{
	struct sgw_module_info *info = arg;
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

int sgwnl_get_info(struct sgwnl *nl, struct sgw_module_info *info)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_GET_INFO, 0);

	memset(info, 0, sizeof(*info));
	if (!msg)
		return -ENOMEM;
	return transact(nl, msg, parse_info, info);
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
};

/* The attribute's length decides the family, as the uapi says. */
static int get_addr(const struct nlattr *a, struct sgw_addr *out)
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
		struct sgw_prefix *p;

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

int sgwnl_decode_tunnel(struct nlattr **tb, struct sgw_tunnel *t)
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

int sgwnl_decode_sa(struct nlattr **tb, struct sgw_sa *sa)
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
	struct sgw_tunnel t;
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

static int parse_one_tunnel(struct nlattr **tb, void *arg)
{
	return sgwnl_decode_tunnel(tb, arg);
}

static int parse_tunnel_into_list(struct nlattr **tb, void *arg)
{
	struct sgw_tunnel t;
	int ret = sgwnl_decode_tunnel(tb, &t);

	return ret ? ret : sgw_tunnel_list_push(arg, &t);
}

static int parse_sa_into_list(struct nlattr **tb, void *arg)
{
	struct sgw_sa sa;
	int ret = sgwnl_decode_sa(tb, &sa);

	return ret ? ret : sgw_sa_list_push(arg, &sa);
}

static int put_addr(struct nl_msg *msg, int type, const struct sgw_addr *a)
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
	      nla_put_u8(msg, SGW_TUNNEL_A_PROTECT_GATEWAYS, cfg->protect_gw ? 1 : 0))))
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
	const struct sgw_sa *sa = &req->sa;
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
	    put_u64_unless_0(msg, SGW_SA_A_HARD_SECONDS, sa->hard_seconds))
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

/* Selects one tunnel's SAs for SGW_CMD_SA_FLUSH and SGW_CMD_SA_GET. */
static int put_sa_tunnel(struct nl_msg *msg, uint32_t tunnel_id)
{
	struct nlattr *nest;

	if (!tunnel_id)
		return 0;
	nest = nla_nest_start(msg, SGW_A_SA);
	if (!nest || nla_put_u32(msg, SGW_SA_A_TUNNEL_ID, tunnel_id))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_ref(struct nl_msg *msg, const struct sgw_tunnel_ref *ref,
		   const struct sgw_tunnel_config *cfg)
{
	return sgwnl_put_tunnel(msg, ref->id, ref->id ? NULL : ref->ifname, cfg);
}

/* Sends a request built by the caller; frees it whatever happens. */
static int send_built(struct sgwnl *nl, struct nl_msg *msg, int built,
		      int (*parse)(struct nlattr **tb, void *arg), void *arg)
{
	if (built) {
		sgwnl_msg_free(msg);
		snprintf(nl->error, sizeof(nl->error),
			 "request too large for a netlink message");
		return -EMSGSIZE;
	}
	return transact(nl, msg, parse, arg);
}

int sgwnl_tunnel_add(struct sgwnl *nl, uint32_t id, const char *ifname,
		     const struct sgw_tunnel_config *cfg,
		     struct sgw_tunnel *out)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_TUNNEL_NEW, 0);

	if (!msg)
		return -ENOMEM;
	return send_built(nl, msg, sgwnl_put_tunnel(msg, id, ifname, cfg),
			  parse_one_tunnel, out);
}

int sgwnl_tunnel_set(struct sgwnl *nl, const struct sgw_tunnel_ref *ref,
		     const struct sgw_tunnel_config *cfg)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_TUNNEL_SET, 0);

	if (!msg)
		return -ENOMEM;
	return send_built(nl, msg, put_ref(msg, ref, cfg), NULL, NULL);
}

int sgwnl_tunnel_del(struct sgwnl *nl, const struct sgw_tunnel_ref *ref)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_TUNNEL_DEL, 0);

	if (!msg)
		return -ENOMEM;
	return send_built(nl, msg, put_ref(msg, ref, NULL), NULL, NULL);
}

int sgwnl_tunnel_get(struct sgwnl *nl, const struct sgw_tunnel_ref *ref,
		     struct sgw_tunnel *out)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_TUNNEL_GET, 0);

	if (!msg)
		return -ENOMEM;
	return send_built(nl, msg, put_ref(msg, ref, NULL), parse_one_tunnel,
			  out);
}

/*
 * A dump that changed while the kernel sent it is read again from the
 * start; @reset empties what the interrupted attempt collected.
 */
static int dump(struct sgwnl *nl, uint8_t cmd, uint32_t sa_tunnel_id,
		int (*parse)(struct nlattr **tb, void *arg),
		void (*reset)(void *arg), void *arg)
{
	int attempt;

	for (attempt = 1;; attempt++) {
		struct nl_msg *msg = new_request(nl, cmd, NLM_F_DUMP);
		int ret;

		if (!msg)
			return -ENOMEM;
		ret = send_built(nl, msg, put_sa_tunnel(msg, sa_tunnel_id),
				 parse, arg);
		if (ret)
			reset(arg);
		if (ret != -EINTR)
			return ret;
		if (attempt == DUMP_ATTEMPTS) {
			snprintf(nl->error, sizeof(nl->error),
				 "the list changed while it was read, %d times in a row; try again",
				 DUMP_ATTEMPTS);
			return -EAGAIN;
		}
	}
}

static void reset_tunnel_list(void *arg)
{
	sgw_tunnel_list_free(arg);
}

static void reset_sa_list(void *arg)
{
	sgw_sa_list_free(arg);
}

int sgwnl_tunnel_dump(struct sgwnl *nl, struct sgw_tunnel_list *out)
{
	return dump(nl, SGW_CMD_TUNNEL_GET, 0, parse_tunnel_into_list,
		    reset_tunnel_list, out);
}

int sgwnl_sa_add(struct sgwnl *nl, const struct sgw_sa_request *req)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_SA_NEW, 0);

	if (!msg)
		return -ENOMEM;
	return send_built(nl, msg, sgwnl_put_sa(msg, req), NULL, NULL);
}

int sgwnl_sa_del(struct sgwnl *nl, const struct sgw_sa_id *id)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_SA_DEL, 0);

	if (!msg)
		return -ENOMEM;
	return send_built(nl, msg, sgwnl_put_sa_id(msg, id), NULL, NULL);
}

int sgwnl_sa_flush(struct sgwnl *nl, uint32_t tunnel_id)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_SA_FLUSH, 0);

	if (!msg)
		return -ENOMEM;
	return send_built(nl, msg, put_sa_tunnel(msg, tunnel_id), NULL, NULL);
}

int sgwnl_sa_dump(struct sgwnl *nl, uint32_t tunnel_id,
		  struct sgw_sa_list *out)
{
	return dump(nl, SGW_CMD_SA_GET, tunnel_id, parse_sa_into_list,
		    reset_sa_list, out);
}

int sgwnl_events_join(struct sgwnl *nl)
{
	int group, ret;

	group = genl_ctrl_resolve_grp(nl->sk, SGW_GENL_NAME, SGW_MCGRP_EVENTS);
	if (group < 0) {
		snprintf(nl->error, sizeof(nl->error),
			 "the sgw module offers no \"%s\" multicast group: %s",
			 SGW_MCGRP_EVENTS, nl_geterror(group));
		return -ENOENT;
	}
	nl->events = nl_socket_alloc();
	if (!nl->events)
		return -ENOMEM;
	/* Events are not replies: no sequence numbers to match. */
	nl_socket_disable_seq_check(nl->events);
	ret = genl_connect(nl->events);
	if (!ret)
		ret = nl_socket_add_membership(nl->events, group);
	if (!ret)
		ret = nl_socket_set_nonblocking(nl->events);
	if (ret) {
		snprintf(nl->error, sizeof(nl->error),
			 "cannot listen for sgw events: %s", nl_geterror(ret));
		nl_socket_free(nl->events);
		nl->events = NULL;
		return -EIO;
	}
	return 0;
}

int sgwnl_events_fd(const struct sgwnl *nl)
{
	return nl->events ? nl_socket_get_fd(nl->events) : -1;
}

struct event_reader {
	struct sgwnl *nl;
	int (*cb)(const struct sgw_event *ev, void *arg);
	void *arg;
	bool stopped;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct event_reader *r = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[SGW_A_MAX + 1];
	struct sgw_event ev;

	/* Anything else on the socket, or malformed, is not ours to show. */
	if (nlh->nlmsg_type != r->nl->family ||
	    genlmsg_parse(nlh, 0, tb, SGW_A_MAX, NULL) ||
	    sgwnl_decode_event(((struct genlmsghdr *)nlmsg_data(nlh))->cmd, tb,
			       &ev))
		return NL_OK;
	if (r->cb(&ev, r->arg)) {
		r->stopped = true;
		return NL_STOP;
	}
	return NL_OK;
}

static int accept_any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int sgwnl_events_read(struct sgwnl *nl,
		      int (*cb)(const struct sgw_event *ev, void *arg),
		      void *arg)
{
	struct event_reader r = { .nl = nl, .cb = cb, .arg = arg };
	struct nl_cb *callbacks;
	int ret;

	if (!nl->events)
		return -EINVAL;
	callbacks = nl_cb_alloc(NL_CB_DEFAULT);
	if (!callbacks)
		return -ENOMEM;
	nl_cb_set(callbacks, NL_CB_VALID, NL_CB_CUSTOM, on_event, &r);
	/*
	 * Events carry sequence number 0; the socket's own "no check" does not
	 * reach a callback set of our own, so say it here.
	 */
	nl_cb_set(callbacks, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, accept_any_seq, NULL);
	/* One datagram per call; a positive count means there may be more. */
	do
		ret = nl_recvmsgs_report(nl->events, callbacks);
	while (ret > 0 && !r.stopped);
	nl_cb_put(callbacks);
	if (r.stopped)
		return 1;
	if (ret == 0 || ret == -NLE_AGAIN)
		return 0;
	/* libnl reports ENOBUFS, the kernel dropping events, as NLE_NOMEM. */
	if (ret == -NLE_NOMEM) {
		snprintf(nl->error, sizeof(nl->error),
			 "events were lost: the socket's receive buffer overflowed");
		return -ENOBUFS;
	}
	snprintf(nl->error, sizeof(nl->error), "reading events: %s",
		 nl_geterror(ret));
	return -EIO;
}
