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


static int parse_info(struct nlattr **tb, void *arg)
{
	return sgwnl_decode_info(tb, arg);
}

int sgwnl_get_info(struct sgwnl *nl, struct sgw_module_info *info)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_GET_INFO, 0);

	memset(info, 0, sizeof(*info));
	if (!msg)
		return -ENOMEM;
	return transact(nl, msg, parse_info, info);
}

static int parse_one_tunnel(struct nlattr **tb, void *arg)
{
	return sgwnl_decode_tunnel(tb, arg);
}

static int parse_tunnel_into_list(struct nlattr **tb, void *arg)
{
	struct sgw_tunnel_info t;
	int ret = sgwnl_decode_tunnel(tb, &t);

	return ret ? ret : sgw_tunnel_list_push(arg, &t);
}

static int parse_sa_into_list(struct nlattr **tb, void *arg)
{
	struct sgw_sa_info sa;
	int ret = sgwnl_decode_sa(tb, &sa);

	return ret ? ret : sgw_sa_list_push(arg, &sa);
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
		     struct sgw_tunnel_info *out)
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
		     struct sgw_tunnel_info *out)
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

int sgwnl_sa_set_ports(struct sgwnl *nl, const struct sgw_sa_id *id,
		       uint16_t sport, uint16_t dport)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_SA_SET, 0);

	if (!msg)
		return -ENOMEM;
	return send_built(nl, msg, sgwnl_put_sa_ports(msg, id, sport, dport),
			  NULL, NULL);
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

static int parse_trace(struct nlattr **tb, void *arg)
{
	return sgwnl_decode_trace(tb, arg);
}

int sgwnl_trace(struct sgwnl *nl, const struct sgw_trace_request *req,
		struct sgw_trace_result *out)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_TRACE, 0);

	memset(out, 0, sizeof(*out));
	if (!msg)
		return -ENOMEM;
	return send_built(nl, msg, sgwnl_put_trace(msg, req), parse_trace, out);
}

int sgwnl_register(struct sgwnl *nl)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_REGISTER, 0);

	if (!msg)
		return -ENOMEM;
	return send_built(nl, msg, 0, NULL, NULL);
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
