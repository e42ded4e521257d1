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

struct sgwnl {
	struct nl_sock *sk;
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

/*
 * Send @msg (consumed) and read until the ACK or the end of the dump,
 * handing each reply to @parse.
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
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &t);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);

	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
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
	return t.err;
}

static struct nl_msg *new_request(struct sgwnl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				flags, cmd, SGW_GENL_VERSION)) {
		nlmsg_free(msg);
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

static int decode_tunnel(struct nlattr **tb, struct sgw_tunnel *t)
{
	struct nlattr *a[SGW_TUNNEL_A_MAX + 1];

	memset(t, 0, sizeof(*t));
	if (!tb[SGW_A_TUNNEL] ||
	    nla_parse_nested(a, SGW_TUNNEL_A_MAX, tb[SGW_A_TUNNEL], NULL) ||
	    !a[SGW_TUNNEL_A_ID])
		return -EBADMSG;
	t->id = nla_get_u32(a[SGW_TUNNEL_A_ID]);
	if (a[SGW_TUNNEL_A_IFINDEX])
		t->ifindex = nla_get_u32(a[SGW_TUNNEL_A_IFINDEX]);
	if (a[SGW_TUNNEL_A_IFNAME])
		copy_string(t->ifname, sizeof(t->ifname), a[SGW_TUNNEL_A_IFNAME]);
	if (a[SGW_TUNNEL_A_DROPS]) {
		struct nlattr *d;
		int rem;

		nla_for_each_nested(d, a[SGW_TUNNEL_A_DROPS], rem) {
			int reason = nla_type(d) - 1;

			if (reason >= 0 && reason < __SGW_DROP_MAX &&
			    nla_len(d) == sizeof(uint64_t))
				t->drops[reason] = nla_get_u64(d);
		}
	}
	return 0;
}

static int parse_one_tunnel(struct nlattr **tb, void *arg)
{
	return decode_tunnel(tb, arg);
}

static int parse_tunnel_into_list(struct nlattr **tb, void *arg)
{
	struct sgw_tunnel t;
	int ret = decode_tunnel(tb, &t);

	return ret ? ret : sgw_tunnel_list_push(arg, &t);
}

static int put_ref(struct nl_msg *msg, const struct sgw_tunnel_ref *ref)
{
	struct nlattr *nest = nla_nest_start(msg, SGW_A_TUNNEL);

	if (!nest)
		return -EMSGSIZE;
	if (ref->id ? nla_put_u32(msg, SGW_TUNNEL_A_ID, ref->id) :
		      nla_put_string(msg, SGW_TUNNEL_A_IFNAME, ref->ifname))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int sgwnl_tunnel_add(struct sgwnl *nl, uint32_t id, const char *ifname,
		     struct sgw_tunnel *out)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_TUNNEL_NEW, 0);
	struct nlattr *nest;

	if (!msg)
		return -ENOMEM;
	nest = nla_nest_start(msg, SGW_A_TUNNEL);
	if (!nest || (id && nla_put_u32(msg, SGW_TUNNEL_A_ID, id)) ||
	    (ifname && nla_put_string(msg, SGW_TUNNEL_A_IFNAME, ifname))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return transact(nl, msg, parse_one_tunnel, out);
}

int sgwnl_tunnel_del(struct sgwnl *nl, const struct sgw_tunnel_ref *ref)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_TUNNEL_DEL, 0);

	if (!msg)
		return -ENOMEM;
	if (put_ref(msg, ref)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return transact(nl, msg, NULL, NULL);
}

int sgwnl_tunnel_get(struct sgwnl *nl, const struct sgw_tunnel_ref *ref,
		     struct sgw_tunnel *out)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_TUNNEL_GET, 0);

	if (!msg)
		return -ENOMEM;
	if (put_ref(msg, ref)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return transact(nl, msg, parse_one_tunnel, out);
}

int sgwnl_tunnel_dump(struct sgwnl *nl, struct sgw_tunnel_list *out)
{
	struct nl_msg *msg = new_request(nl, SGW_CMD_TUNNEL_GET, NLM_F_DUMP);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = transact(nl, msg, parse_tunnel_into_list, out);
	if (ret)
		sgw_tunnel_list_free(out);
	return ret;
}
