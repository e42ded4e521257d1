// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "sgw": the configuration interface. The attribute
 * trees are documented in uapi/linux/sgw.h.
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/netlink.h>
#include <net/route.h>
#include <net/sock.h>

#include "compat.h"
#include "alg.h"
#include "device.h"
#include "netlink.h"
#include "netns.h"
#include "pmtu.h"
#include "route.h"
#include "sa.h"
#include "tunnel.h"

/*
 * Documentation/design.md, "Who may configure": configuration needs
 * CAP_NET_ADMIN in the initial user namespace unless this allows what
 * any other network device allows, CAP_NET_ADMIN over the namespace.
 */
static bool allow_userns;
module_param(allow_userns, bool, 0644);
MODULE_PARM_DESC(allow_userns,
		 "let CAP_NET_ADMIN in a non-initial user namespace configure tunnels (default: no)");

#define SGW_USERNS_REFUSED \
	"sgw configuration from a non-initial user namespace is disabled (module parameter allow_userns)"

/* For "ip link add type sgw", which runs in the sender's context. */
int sgw_config_allowed_current(struct netlink_ext_ack *extack)
{
	if (READ_ONCE(allow_userns) || capable(CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG(extack, SGW_USERNS_REFUSED);
	return -EPERM;
}

/* May the sender of @skb change sgw state in its namespace? */
static int sgw_config_allowed(struct sk_buff *skb,
			      struct netlink_ext_ack *extack)
{
	if (READ_ONCE(allow_userns) || netlink_capable(skb, CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG(extack, SGW_USERNS_REFUSED);
	return -EPERM;
}

/* Policy ranges are s16 in NLA_POLICY_RANGE(); tunnel ids need the full form. */
static struct netlink_range_validation tunnel_id_range = {
	.min = 0,
	.max = SGW_TUNNEL_ID_MAX,
};

static struct netlink_range_validation mtu_range = {
	.min = 0,
	.max = IP_MAX_MTU,
};

static const struct nla_policy prefix_policy[SGW_PREFIX_A_MAX + 1] = {
	[SGW_PREFIX_A_ADDR] = { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[SGW_PREFIX_A_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

const struct nla_policy sgw_ts_policy[SGW_TS_A_MAX + 1] = {
	[SGW_TS_A_PREFIX] = NLA_POLICY_NESTED(prefix_policy),
};

static const struct nla_policy tunnel_policy[SGW_TUNNEL_A_MAX + 1] = {
	[SGW_TUNNEL_A_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &tunnel_id_range),
	[SGW_TUNNEL_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SGW_TUNNEL_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[SGW_TUNNEL_A_LOCAL] = { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[SGW_TUNNEL_A_REMOTE] = { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[SGW_TUNNEL_A_LOCAL_TS] = NLA_POLICY_NESTED(sgw_ts_policy),
	[SGW_TUNNEL_A_REMOTE_TS] = NLA_POLICY_NESTED(sgw_ts_policy),
	[SGW_TUNNEL_A_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[SGW_TUNNEL_A_MTU] = NLA_POLICY_FULL_RANGE(NLA_U32, &mtu_range),
	[SGW_TUNNEL_A_OUTER_DF] = NLA_POLICY_MAX(NLA_U8, SGW_OUTER_DF_CLEAR),
	[SGW_TUNNEL_A_FRAGMENT] = NLA_POLICY_MAX(NLA_U8, SGW_FRAGMENT_AFTER),
	[SGW_TUNNEL_A_MSS] = { .type = NLA_U32 },
	[SGW_TUNNEL_A_PROTECT_GATEWAYS] = NLA_POLICY_MAX(NLA_U8, 1),
	[SGW_TUNNEL_A_KEEP_SAS] = NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy sgw_policy[SGW_A_MAX + 1] = {
	[SGW_A_TUNNEL] = NLA_POLICY_NESTED(tunnel_policy),
	/* Parsed by each handler: SA_NEW wipes the key even when it fails. */
	[SGW_A_SA] = { .type = NLA_NESTED },
	[SGW_A_ACQUIRE] = { .type = NLA_REJECT },	/* events only */
	[SGW_A_UNKNOWN_SPI] = { .type = NLA_REJECT },	/* events only */
	[SGW_A_MAPPING] = { .type = NLA_REJECT },	/* events only */
	/* Parsed strictly by the handler (trace.c). */
	[SGW_A_TRACE] = { .type = NLA_NESTED },
};

void *sgw_genl_put_header(struct sk_buff *skb, struct genl_info *info, u8 cmd)
{
	return genlmsg_put(skb, info->snd_portid, info->snd_seq,
			   &sgw_genl_family, 0, cmd);
}

static int put_algs(struct sk_buff *skb)
{
	struct nlattr *algs, *entry;
	u32 id;

	algs = nla_nest_start(skb, SGW_A_ALGS);
	if (!algs)
		return -EMSGSIZE;
	for (id = 1; id <= SGW_ALG_MAX; id++) {
		const struct sgw_alg_desc *alg = sgw_alg_get(id);

		entry = nla_nest_start(skb, SGW_ALG_A_ENTRY);
		if (!entry ||
		    nla_put_u32(skb, SGW_ALG_A_ID, alg->id) ||
		    nla_put_string(skb, SGW_ALG_A_NAME, alg->name) ||
		    nla_put_u32(skb, SGW_ALG_A_KEY_LEN, sgw_alg_key_len(alg)) ||
		    nla_put_u32(skb, SGW_ALG_A_IV_LEN, alg->iv_len) ||
		    nla_put_u32(skb, SGW_ALG_A_ICV_LEN, alg->icv_len) ||
		    nla_put_u32(skb, SGW_ALG_A_BLOCK, alg->block))
			return -EMSGSIZE;
		nla_nest_end(skb, entry);
	}
	nla_nest_end(skb, algs);
	return 0;
}

static int sgw_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = sgw_genl_put_header(msg, info, SGW_CMD_GET_INFO);
	if (!hdr || nla_put_string(msg, SGW_A_VERSION, SGW_VERSION) ||
	    put_algs(msg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int sgw_nl_put_addr(struct sk_buff *skb, int type, const struct sgw_addr *a)
{
	if (a->family == AF_INET)
		return nla_put_in_addr(skb, type, a->v4);
	if (a->family == AF_INET6)
		return nla_put_in6_addr(skb, type, &a->v6);
	return 0;
}

int sgw_nl_put_ts(struct sk_buff *skb, int type, const struct sgw_prefix *p,
		  unsigned int n)
{
	struct nlattr *list, *entry;
	unsigned int i;

	list = nla_nest_start(skb, type);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		entry = nla_nest_start(skb, SGW_TS_A_PREFIX);
		if (!entry || sgw_nl_put_addr(skb, SGW_PREFIX_A_ADDR, &p[i].addr) ||
		    nla_put_u8(skb, SGW_PREFIX_A_LEN, p[i].len))
			return -EMSGSIZE;
		nla_nest_end(skb, entry);
	}
	nla_nest_end(skb, list);
	return 0;
}

/* Where traffic to the remote SGW goes, recomputed for the reader. */
static int put_exempt(struct sk_buff *skb, struct net *net,
		      const struct sgw_tunnel_cfg *cfg)
{
	struct dst_entry *dst;
	struct sgw_addr via;
	struct nlattr *nest;
	int ret = -EMSGSIZE;

	dst = sgw_route_underlay(net, &cfg->remote, &cfg->local);
	if (IS_ERR(dst))
		return 0;
	sgw_route_gateway(dst, cfg->remote.family, &via);
	nest = nla_nest_start(skb, SGW_TUNNEL_A_EXEMPT);
	if (nest && !nla_put_u32(skb, SGW_EXEMPT_A_IFINDEX, dst->dev->ifindex) &&
	    !sgw_nl_put_addr(skb, SGW_EXEMPT_A_VIA, &via)) {
		nla_nest_end(skb, nest);
		ret = 0;
	}
	dst_release(dst);
	return ret;
}

static int put_cfg(struct sk_buff *skb, struct net *net,
		   const struct sgw_tunnel_cfg *cfg)
{
	if (!cfg)
		return 0;
	if (cfg->remote.family && put_exempt(skb, net, cfg))
		return -EMSGSIZE;
	if (sgw_nl_put_addr(skb, SGW_TUNNEL_A_LOCAL, &cfg->local) ||
	    sgw_nl_put_addr(skb, SGW_TUNNEL_A_REMOTE, &cfg->remote) ||
	    sgw_nl_put_ts(skb, SGW_TUNNEL_A_LOCAL_TS, cfg->local_ts, cfg->n_local_ts) ||
	    sgw_nl_put_ts(skb, SGW_TUNNEL_A_REMOTE_TS, cfg->remote_ts, cfg->n_remote_ts))
		return -EMSGSIZE;
	return 0;
}

/* Counter @i goes in attribute type i + 1. */
static int put_counters(struct sk_buff *skb, int type, const u64 *v,
			unsigned int n)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++)
		if (nla_put_u64_64bit(skb, i + 1, v[i], SGW_TUNNEL_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_tunnel(struct sk_buff *skb, const struct sgw_tunnel *tunnel)
{
	u64 drops[__SGW_DROP_MAX], events[__SGW_EV_MAX];
	unsigned int path, mtu;
	struct nlattr *nest;
	int ret;

	nest = nla_nest_start(skb, SGW_A_TUNNEL);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SGW_TUNNEL_A_ID, tunnel->id) ||
	    nla_put_u32(skb, SGW_TUNNEL_A_IFINDEX, tunnel->dev->ifindex) ||
	    nla_put_string(skb, SGW_TUNNEL_A_IFNAME, tunnel->dev->name) ||
	    nla_put_u8(skb, SGW_TUNNEL_A_ENABLED, READ_ONCE(tunnel->enabled)) ||
	    nla_put_u32(skb, SGW_TUNNEL_A_MTU, READ_ONCE(tunnel->mtu)) ||
	    nla_put_u8(skb, SGW_TUNNEL_A_OUTER_DF, READ_ONCE(tunnel->outer_df)) ||
	    nla_put_u8(skb, SGW_TUNNEL_A_FRAGMENT, READ_ONCE(tunnel->fragment)) ||
	    nla_put_u32(skb, SGW_TUNNEL_A_MSS, READ_ONCE(tunnel->mss)) ||
	    nla_put_u8(skb, SGW_TUNNEL_A_PROTECT_GATEWAYS,
		       READ_ONCE(tunnel->protect_gw)))
		goto cancel;
	rcu_read_lock_bh();
	ret = put_cfg(skb, dev_net(tunnel->dev), rcu_dereference_bh(tunnel->cfg));
	if (!ret && sgw_tunnel_mtus((struct sgw_tunnel *)tunnel, &path, &mtu))
		ret = nla_put_u32(skb, SGW_TUNNEL_A_PATH_MTU, path) ||
		      nla_put_u32(skb, SGW_TUNNEL_A_TUNNEL_MTU, mtu);
	rcu_read_unlock_bh();
	if (ret)
		goto cancel;
	sgw_tunnel_stats_read(tunnel, drops, events);
	if (put_counters(skb, SGW_TUNNEL_A_DROPS, drops, __SGW_DROP_MAX) ||
	    put_counters(skb, SGW_TUNNEL_A_EVENTS, events, __SGW_EV_MAX))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int reply_tunnel(struct genl_info *info, const struct sgw_tunnel *tunnel)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = sgw_genl_put_header(msg, info, SGW_CMD_TUNNEL_GET);
	if (!hdr || fill_tunnel(msg, tunnel)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Tell listeners a tunnel was enabled, disabled or changed. */
void sgw_genl_notify_tunnel(const struct sgw_tunnel *tunnel, gfp_t gfp)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &sgw_genl_family, 0, SGW_CMD_TUNNEL_STATE);
	if (!hdr || fill_tunnel(msg, tunnel)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&sgw_genl_family, dev_net(tunnel->dev), msg, 0,
				0, gfp);
}

/*
 * Is an IKE daemon registered in @net? Not "does anyone listen to the
 * events group": that counts listeners in every namespace, and a monitor
 * must not change what the data path does.
 */
bool sgw_daemon_registered(const struct net *net)
{
	return READ_ONCE(sgw_net(net)->daemon_portid) != 0;
}

/* SGW_CMD_REGISTER: the sending socket is this namespace's IKE daemon. */
static int sgw_nl_register(struct sk_buff *skb, struct genl_info *info)
{
	struct sgw_net *sn = sgw_net(genl_info_net(info));
	u32 old = cmpxchg(&sn->daemon_portid, 0, info->snd_portid);

	if (old && old != info->snd_portid) {
		NL_SET_ERR_MSG(info->extack,
			       "another IKE daemon is registered in this network namespace");
		return -EBUSY;
	}
	return 0;
}

/* The registered socket closed: nobody negotiates in its namespace now. */
static int sgw_nl_release(struct notifier_block *nb, unsigned long event,
			  void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    n->portid)
		cmpxchg(&sgw_net(n->net)->daemon_portid, n->portid, 0);
	return NOTIFY_DONE;
}

static struct notifier_block sgw_nl_release_nb = {
	.notifier_call = sgw_nl_release,
};

/* An event message of @cmd with its nest @attr opened; NULL without memory. */
static struct sk_buff *event_new(u8 cmd, int attr, void **hdr,
				 struct nlattr **nest)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &sgw_genl_family, 0, cmd);
	*nest = *hdr ? nla_nest_start(msg, attr) : NULL;
	if (!*nest) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void event_send(const struct sgw_tunnel *tunnel, struct sk_buff *msg,
		       void *hdr, struct nlattr *nest)
{
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&sgw_genl_family, dev_net(tunnel->dev), msg, 0,
				SGW_MCGRP_EVENTS_IDX, GFP_ATOMIC);
}

/* Ask listeners to negotiate an SA for @tunnel; any context. */
void sgw_genl_notify_acquire(const struct sgw_tunnel *tunnel,
			     const struct sgw_addr *src,
			     const struct sgw_addr *dst)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = event_new(SGW_CMD_ACQUIRE, SGW_A_ACQUIRE, &hdr, &nest);
	if (!msg)
		return;
	if (nla_put_u32(msg, SGW_ACQUIRE_A_TUNNEL_ID, tunnel->id) ||
	    sgw_nl_put_addr(msg, SGW_ACQUIRE_A_SRC, src) ||
	    sgw_nl_put_addr(msg, SGW_ACQUIRE_A_DST, dst)) {
		nlmsg_free(msg);
		return;
	}
	event_send(tunnel, msg, hdr, nest);
}

void sgw_genl_notify_unknown_spi(const struct sgw_tunnel *tunnel, __be32 spi)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = event_new(SGW_CMD_UNKNOWN_SPI, SGW_A_UNKNOWN_SPI, &hdr, &nest);
	if (!msg)
		return;
	if (nla_put_u32(msg, SGW_UNKNOWN_SPI_A_TUNNEL_ID, tunnel->id) ||
	    nla_put_u32(msg, SGW_UNKNOWN_SPI_A_SPI, be32_to_cpu(spi))) {
		nlmsg_free(msg);
		return;
	}
	event_send(tunnel, msg, hdr, nest);
}

void sgw_genl_notify_mapping(const struct sgw_tunnel *tunnel, __be32 spi,
			     const struct sgw_addr *addr, u16 port)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = event_new(SGW_CMD_NEW_MAPPING, SGW_A_MAPPING, &hdr, &nest);
	if (!msg)
		return;
	if (nla_put_u32(msg, SGW_MAPPING_A_TUNNEL_ID, tunnel->id) ||
	    nla_put_u32(msg, SGW_MAPPING_A_SPI, be32_to_cpu(spi)) ||
	    sgw_nl_put_addr(msg, SGW_MAPPING_A_ADDR, addr) ||
	    nla_put_u16(msg, SGW_MAPPING_A_PORT, port)) {
		nlmsg_free(msg);
		return;
	}
	event_send(tunnel, msg, hdr, nest);
}

/*
 * Parse SGW_A_TUNNEL into @tb. Creating a tunnel may leave every attribute
 * to its default; the other commands must name a tunnel.
 */
static int parse_tunnel(struct genl_info *info, struct nlattr **tb,
			bool required)
{
	if (!info->attrs[SGW_A_TUNNEL]) {
		memset(tb, 0, sizeof(*tb) * (SGW_TUNNEL_A_MAX + 1));
		if (!required)
			return 0;
		GENL_REQ_ATTR_CHECK(info, SGW_A_TUNNEL);
		NL_SET_ERR_MSG(info->extack, "tunnel attributes required");
		return -EINVAL;
	}
	return nla_parse_nested(tb, SGW_TUNNEL_A_MAX, info->attrs[SGW_A_TUNNEL],
				tunnel_policy, info->extack);
}

/* Find the tunnel named by id, ifindex or ifname, in this order. */
static struct sgw_tunnel *find_tunnel(struct genl_info *info, struct nlattr **tb)
{
	struct net *net = genl_info_net(info);
	struct net_device *dev = NULL;
	struct sgw_tunnel *tunnel;

	ASSERT_RTNL();
	if (tb[SGW_TUNNEL_A_ID]) {
		u32 id = nla_get_u32(tb[SGW_TUNNEL_A_ID]);

		tunnel = sgw_tunnel_lookup_rtnl(sgw_net(net), id);
		if (!tunnel) {
			NL_SET_ERR_MSG_FMT(info->extack, "no tunnel with id %u", id);
			return ERR_PTR(-ENOENT);
		}
		return tunnel;
	}
	if (tb[SGW_TUNNEL_A_IFINDEX]) {
		dev = __dev_get_by_index(net, nla_get_u32(tb[SGW_TUNNEL_A_IFINDEX]));
	} else if (tb[SGW_TUNNEL_A_IFNAME]) {
		dev = __dev_get_by_name(net, nla_data(tb[SGW_TUNNEL_A_IFNAME]));
	} else {
		NL_SET_ERR_MSG(info->extack, "tunnel id, ifindex or ifname required");
		return ERR_PTR(-EINVAL);
	}
	if (!dev || !sgw_is_sgw_device(dev)) {
		NL_SET_ERR_MSG(info->extack, "no such sgw interface");
		return ERR_PTR(-ENODEV);
	}
	return sgw_tunnel_of(dev);
}

/* A gateway address: 4 bytes IPv4, 16 bytes IPv6, unicast. */
static int parse_addr(const struct nlattr *nla, struct sgw_addr *a,
		      struct netlink_ext_ack *extack)
{
	if (nla_len(nla) == sizeof(__be32)) {
		sgw_addr_set4(a, nla_get_in_addr(nla));
		if (ipv4_is_zeronet(a->v4) || ipv4_is_multicast(a->v4) ||
		    ipv4_is_lbcast(a->v4))
			goto not_unicast;
		return 0;
	}
	if (nla_len(nla) == sizeof(struct in6_addr)) {
		sgw_addr_set6(a, nla_data(nla));
		if (ipv6_addr_any(&a->v6) || ipv6_addr_is_multicast(&a->v6))
			goto not_unicast;
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, nla,
			    "address must be 4 (IPv4) or 16 (IPv6) bytes");
	return -EINVAL;
not_unicast:
	NL_SET_ERR_MSG_ATTR(extack, nla, "SGW address must be a unicast address");
	return -EINVAL;
}

static int parse_prefix(const struct nlattr *nla, struct sgw_prefix *p,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SGW_PREFIX_A_MAX + 1];
	unsigned int max;
	int ret;

	ret = nla_parse_nested(tb, SGW_PREFIX_A_MAX, nla, prefix_policy, extack);
	if (ret)
		return ret;
	if (!tb[SGW_PREFIX_A_ADDR] || !tb[SGW_PREFIX_A_LEN]) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "prefix needs an address and a length");
		return -EINVAL;
	}
	memset(p, 0, sizeof(*p));
	p->len = nla_get_u8(tb[SGW_PREFIX_A_LEN]);
	if (nla_len(tb[SGW_PREFIX_A_ADDR]) == sizeof(__be32)) {
		sgw_addr_set4(&p->addr, nla_get_in_addr(tb[SGW_PREFIX_A_ADDR]));
		max = 32;
		ret = p->len <= max && !(p->addr.v4 & ~inet_make_mask(p->len));
	} else if (nla_len(tb[SGW_PREFIX_A_ADDR]) == sizeof(struct in6_addr)) {
		struct in6_addr net;

		sgw_addr_set6(&p->addr, nla_data(tb[SGW_PREFIX_A_ADDR]));
		max = 128;
		ipv6_addr_prefix(&net, &p->addr.v6, min_t(u8, p->len, 128));
		ret = p->len <= max && ipv6_addr_equal(&net, &p->addr.v6);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, tb[SGW_PREFIX_A_ADDR],
				    "prefix address must be 4 or 16 bytes");
		return -EINVAL;
	}
	if (!ret) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "prefix length too long or host bits set");
		return -EINVAL;
	}
	return 0;
}

int sgw_nl_parse_ts(const struct nlattr *list, struct sgw_prefix *out, u8 *n,
		    struct netlink_ext_ack *extack)
{
	const struct nlattr *nla;
	int rem, ret;

	*n = 0;
	nla_for_each_nested(nla, list, rem) {
		if (nla_type(nla) != SGW_TS_A_PREFIX) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "unknown selector attribute");
			return -EINVAL;
		}
		if (*n >= SGW_TS_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "more than 16 selector prefixes");
			return -E2BIG;
		}
		ret = parse_prefix(nla, &out[*n], extack);
		if (ret)
			return ret;
		(*n)++;
	}
	return 0;
}

static bool is_local(struct net *net, const struct sgw_addr *a)
{
	if (a->family == AF_INET)
		return inet_addr_type(net, a->v4) == RTN_LOCAL;
	return ipv6_chk_addr(net, &a->v6, NULL, 0);
}

/*
 * A copy of the tunnel's configuration with the attributes in @tb applied,
 * validated as a whole, or an error pointer; nothing is changed yet.
 */
static struct sgw_tunnel_cfg *build_cfg(struct net *net,
					const struct sgw_tunnel_cfg *old,
					struct nlattr **tb,
					struct netlink_ext_ack *extack)
{
	struct sgw_tunnel_cfg *cfg;
	int ret = 0;

	cfg = old ? kmemdup(old, sizeof(*cfg), GFP_KERNEL) :
		    kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return ERR_PTR(-ENOMEM);
	if (tb[SGW_TUNNEL_A_LOCAL])
		ret = parse_addr(tb[SGW_TUNNEL_A_LOCAL], &cfg->local, extack);
	if (!ret && tb[SGW_TUNNEL_A_REMOTE])
		ret = parse_addr(tb[SGW_TUNNEL_A_REMOTE], &cfg->remote, extack);
	if (!ret && tb[SGW_TUNNEL_A_LOCAL_TS])
		ret = sgw_nl_parse_ts(tb[SGW_TUNNEL_A_LOCAL_TS], cfg->local_ts,
				      &cfg->n_local_ts, extack);
	if (!ret && tb[SGW_TUNNEL_A_REMOTE_TS])
		ret = sgw_nl_parse_ts(tb[SGW_TUNNEL_A_REMOTE_TS], cfg->remote_ts,
				      &cfg->n_remote_ts, extack);
	if (!ret && cfg->local.family && cfg->remote.family &&
	    cfg->local.family != cfg->remote.family) {
		NL_SET_ERR_MSG(extack,
			       "local and remote SGW addresses must be of one family");
		ret = -EAFNOSUPPORT;
	}
	if (!ret && tb[SGW_TUNNEL_A_LOCAL] && !is_local(net, &cfg->local)) {
		/* The local SGW address must be one assigned here. */
		if (cfg->local.family == AF_INET)
			NL_SET_ERR_MSG_FMT(extack,
					   "local SGW address %pI4 is not assigned to any interface here",
					   &cfg->local.v4);
		else
			NL_SET_ERR_MSG_FMT(extack,
					   "local SGW address %pI6c is not assigned to any interface here",
					   &cfg->local.v6);
		ret = -EADDRNOTAVAIL;
	}
	if (!ret && cfg->local.family && sgw_addr_equal(&cfg->local, &cfg->remote)) {
		NL_SET_ERR_MSG(extack, "local and remote SGW addresses are the same");
		ret = -EINVAL;
	}
	if (ret) {
		kfree(cfg);
		return ERR_PTR(ret);
	}
	return cfg;
}

static bool has_cfg_attrs(struct nlattr **tb)
{
	return tb[SGW_TUNNEL_A_LOCAL] || tb[SGW_TUNNEL_A_REMOTE] ||
	       tb[SGW_TUNNEL_A_LOCAL_TS] || tb[SGW_TUNNEL_A_REMOTE_TS];
}

static void apply_pmtu_settings(struct sgw_tunnel *tunnel, struct nlattr **tb)
{
	if (tb[SGW_TUNNEL_A_MTU])
		WRITE_ONCE(tunnel->mtu, nla_get_u32(tb[SGW_TUNNEL_A_MTU]));
	if (tb[SGW_TUNNEL_A_OUTER_DF])
		WRITE_ONCE(tunnel->outer_df, nla_get_u8(tb[SGW_TUNNEL_A_OUTER_DF]));
	if (tb[SGW_TUNNEL_A_FRAGMENT])
		WRITE_ONCE(tunnel->fragment, nla_get_u8(tb[SGW_TUNNEL_A_FRAGMENT]));
	if (tb[SGW_TUNNEL_A_MSS])
		WRITE_ONCE(tunnel->mss, nla_get_u32(tb[SGW_TUNNEL_A_MSS]));
}

/* Settings checked before anything changes. */
static int check_pmtu_settings(struct nlattr **tb, struct netlink_ext_ack *extack)
{
	u32 v;

	if (tb[SGW_TUNNEL_A_MTU]) {
		v = nla_get_u32(tb[SGW_TUNNEL_A_MTU]);
		if (v && v < IPV4_MIN_MTU) {
			NL_SET_ERR_MSG_ATTR(extack, tb[SGW_TUNNEL_A_MTU],
					    "MTU must be 0 (auto) or 68..65535");
			return -EINVAL;
		}
	}
	if (tb[SGW_TUNNEL_A_MSS]) {
		v = nla_get_u32(tb[SGW_TUNNEL_A_MSS]);
		if (v && v != SGW_MSS_OFF && (v < 536 || v > IP_MAX_MTU - 40)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[SGW_TUNNEL_A_MSS],
					    "MSS must be auto, off or 536..65495");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Apply a validated @cfg (consumed, may be NULL) and the enabled flag. A
 * change that would make two enabled tunnels compete is refused before
 * anything changes.
 */
static int apply(struct sgw_tunnel *tunnel, struct sgw_tunnel_cfg *cfg,
		 struct nlattr **tb, struct netlink_ext_ack *extack)
{
	bool enable = tb[SGW_TUNNEL_A_ENABLED] ?
		      nla_get_u8(tb[SGW_TUNNEL_A_ENABLED]) : tunnel->enabled;
	int ret = 0;

	ASSERT_RTNL();
	if (!enable && tunnel->enabled)
		ret = sgw_tunnel_set_enabled(tunnel, false, extack);
	if (!ret && cfg && enable)
		ret = sgw_tunnel_check_conflict(tunnel, cfg, extack);
	if (ret) {
		kfree(cfg);
		return ret;
	}
	if (cfg)
		ret = sgw_tunnel_set_cfg(tunnel, cfg,
					 tb[SGW_TUNNEL_A_KEEP_SAS] &&
					 nla_get_u8(tb[SGW_TUNNEL_A_KEEP_SAS]),
					 extack);
	if (!ret && enable)
		ret = sgw_tunnel_set_enabled(tunnel, true, extack);
	if (!ret) {
		apply_pmtu_settings(tunnel, tb);
		sgw_tunnel_update_dev_mtu(tunnel);
		if (tb[SGW_TUNNEL_A_PROTECT_GATEWAYS])
			WRITE_ONCE(tunnel->protect_gw,
				   nla_get_u8(tb[SGW_TUNNEL_A_PROTECT_GATEWAYS]));
	}
	if (!ret)
		sgw_genl_notify_tunnel(tunnel, GFP_KERNEL);
	return ret;
}

static int sgw_nl_tunnel_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SGW_TUNNEL_A_MAX + 1];
	struct sgw_tunnel_cfg *cfg = NULL;
	struct sgw_tunnel *tunnel;
	int ret;

	ret = parse_tunnel(info, tb, true) ?: check_pmtu_settings(tb, info->extack);
	if (ret)
		return ret;
	rtnl_lock();
	tunnel = find_tunnel(info, tb);
	if (IS_ERR(tunnel)) {
		ret = PTR_ERR(tunnel);
		goto out;
	}
	if (has_cfg_attrs(tb)) {
		cfg = build_cfg(genl_info_net(info), sgw_tunnel_cfg_rtnl(tunnel),
				tb, info->extack);
		if (IS_ERR(cfg)) {
			ret = PTR_ERR(cfg);
			goto out;
		}
	}
	ret = apply(tunnel, cfg, tb, info->extack);
	if (!ret)
		ret = reply_tunnel(info, tunnel);
out:
	rtnl_unlock();
	return ret;
}

static int sgw_nl_tunnel_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SGW_TUNNEL_A_MAX + 1];
	struct sgw_tunnel_cfg *cfg = NULL;
	const char *ifname = NULL;
	struct net_device *dev;
	u32 id = 0;
	int ret;

	ret = parse_tunnel(info, tb, false) ?: check_pmtu_settings(tb, info->extack);
	if (ret)
		return ret;
	if (tb[SGW_TUNNEL_A_IFINDEX]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SGW_TUNNEL_A_IFINDEX],
				    "ifindex is chosen by the kernel");
		return -EINVAL;
	}
	if (tb[SGW_TUNNEL_A_ID])
		id = nla_get_u32(tb[SGW_TUNNEL_A_ID]);
	if (tb[SGW_TUNNEL_A_IFNAME]) {
		ifname = nla_data(tb[SGW_TUNNEL_A_IFNAME]);
		if (!dev_valid_name(ifname)) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[SGW_TUNNEL_A_IFNAME],
					    "invalid interface name");
			return -EINVAL;
		}
	}

	rtnl_lock();
	if (ifname && __dev_get_by_name(genl_info_net(info), ifname)) {
		NL_SET_ERR_MSG_FMT(info->extack, "interface %s already exists",
				   ifname);
		ret = -EEXIST;
		goto out;
	}
	if (has_cfg_attrs(tb)) {
		cfg = build_cfg(genl_info_net(info), NULL, tb, info->extack);
		if (IS_ERR(cfg)) {
			ret = PTR_ERR(cfg);
			cfg = NULL;
			goto out;
		}
	}
	dev = sgw_device_create(genl_info_net(info), id, ifname, info->extack);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto out;
	}
	ret = apply(sgw_tunnel_of(dev), cfg, tb, info->extack);
	cfg = NULL;
	if (!ret)
		ret = reply_tunnel(info, sgw_tunnel_of(dev));
	if (ret)	/* nothing half made stays behind */
		unregister_netdevice(dev);
out:
	rtnl_unlock();
	kfree(cfg);
	return ret;
}

static int sgw_nl_tunnel_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SGW_TUNNEL_A_MAX + 1];
	struct sgw_tunnel *tunnel;
	int ret;

	ret = parse_tunnel(info, tb, true);
	if (ret)
		return ret;
	rtnl_lock();
	tunnel = find_tunnel(info, tb);
	if (IS_ERR(tunnel))
		ret = PTR_ERR(tunnel);
	else
		unregister_netdevice(tunnel->dev);
	rtnl_unlock();
	return ret;
}

static int sgw_nl_tunnel_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SGW_TUNNEL_A_MAX + 1];
	struct sgw_tunnel *tunnel;
	int ret;

	ret = parse_tunnel(info, tb, true);
	if (ret)
		return ret;
	rtnl_lock();
	tunnel = find_tunnel(info, tb);
	ret = IS_ERR(tunnel) ? PTR_ERR(tunnel) : reply_tunnel(info, tunnel);
	rtnl_unlock();
	return ret;
}

/* cb->args[0]: the next tunnel id to visit, so a split dump resumes there. */
static int sgw_nl_tunnel_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sgw_net *sn = sgw_net(sock_net(skb->sk));
	unsigned long id = cb->args[0];
	struct sgw_tunnel *tunnel;
	int ret = 0;
	void *hdr;

	if (!id)
		id = 1;
	rcu_read_lock();
	cb->seq = READ_ONCE(sn->gen);
	xa_for_each_start(&sn->tunnels, id, tunnel, id) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &sgw_genl_family,
				  NLM_F_MULTI, SGW_CMD_TUNNEL_GET);
		if (!hdr) {
			ret = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		if (fill_tunnel(skb, tunnel)) {
			genlmsg_cancel(skb, hdr);
			ret = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	rcu_read_unlock();
	if (ret) {
		cb->args[0] = id;
		return skb->len ?: ret;
	}
	cb->args[0] = SGW_TUNNEL_ID_MAX + 1;
	return skb->len;
}

/* Commands that change state, under the user namespace policy above. */
static int sgw_nl_pre_doit(const sgw_genl_split_ops *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	switch (ops->cmd) {
	case SGW_CMD_GET_INFO:
	case SGW_CMD_TUNNEL_GET:
		return 0;
	default:
		return sgw_config_allowed(skb, info->extack);
	}
}

#ifdef SGW_NEED_EXTACK_BUF
static int (*const sgw_doits[])(struct sk_buff *skb, struct genl_info *info) = {
	[SGW_CMD_GET_INFO] = sgw_nl_get_info,
	[SGW_CMD_TUNNEL_NEW] = sgw_nl_tunnel_new,
	[SGW_CMD_TUNNEL_DEL] = sgw_nl_tunnel_del,
	[SGW_CMD_TUNNEL_GET] = sgw_nl_tunnel_get,
	[SGW_CMD_TUNNEL_SET] = sgw_nl_tunnel_set,
	[SGW_CMD_SA_NEW] = sgw_nl_sa_new,
	[SGW_CMD_SA_DEL] = sgw_nl_sa_del,
	[SGW_CMD_SA_FLUSH] = sgw_nl_sa_flush,
	[SGW_CMD_SA_SET] = sgw_nl_sa_set,
	[SGW_CMD_TRACE] = sgw_nl_trace,
	[SGW_CMD_REGISTER] = sgw_nl_register,
};

/*
 * Before 6.2 (see compat.h): the handler formats its message into this
 * request's own buffer; when it did, the ACK is sent here while the
 * buffer lives, and -EINTR tells netlink_rcv_skb() not to send another.
 */
static int sgw_nl_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *orig = info->extack;
	struct sgw_extack sx = { .ext = *orig };
	int ret;

	info->extack = &sx.ext;
	ret = sgw_doits[info->genlhdr->cmd](skb, info);
	info->extack = orig;
	if (sx.ext._msg != sx.msg) {
		*orig = sx.ext;
		return ret;
	}
	if (ret || (info->nlhdr->nlmsg_flags & NLM_F_ACK))
		netlink_ack(skb, info->nlhdr, ret, &sx.ext);
	return -EINTR;
}

#define SGW_DOIT(fn) sgw_nl_doit
#else
#define SGW_DOIT(fn) fn
#endif

/*
 * Reading needs CAP_NET_ADMIN over the namespace too: tunnels, SAs and
 * events show addresses, selectors, SPIs and traffic counts.
 */
static const struct genl_ops sgw_genl_ops[] = {
	{
		.cmd = SGW_CMD_GET_INFO,
		.doit = SGW_DOIT(sgw_nl_get_info),
	}, {
		.cmd = SGW_CMD_TUNNEL_NEW,
		.doit = SGW_DOIT(sgw_nl_tunnel_new),
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SGW_CMD_TUNNEL_DEL,
		.doit = SGW_DOIT(sgw_nl_tunnel_del),
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SGW_CMD_TUNNEL_GET,
		.doit = SGW_DOIT(sgw_nl_tunnel_get),
		.dumpit = sgw_nl_tunnel_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SGW_CMD_TUNNEL_SET,
		.doit = SGW_DOIT(sgw_nl_tunnel_set),
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SGW_CMD_SA_NEW,
		.doit = SGW_DOIT(sgw_nl_sa_new),
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SGW_CMD_SA_DEL,
		.doit = SGW_DOIT(sgw_nl_sa_del),
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SGW_CMD_SA_GET,
		.dumpit = sgw_nl_sa_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SGW_CMD_SA_FLUSH,
		.doit = SGW_DOIT(sgw_nl_sa_flush),
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SGW_CMD_SA_SET,
		.doit = SGW_DOIT(sgw_nl_sa_set),
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		/* Shows SPIs and routes: allowed as configuring is (pre_doit). */
		.cmd = SGW_CMD_TRACE,
		.doit = SGW_DOIT(sgw_nl_trace),
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SGW_CMD_REGISTER,
		.doit = SGW_DOIT(sgw_nl_register),
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group sgw_mcgrps[] = {
	[SGW_MCGRP_EVENTS_IDX] = {
		.name = SGW_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family sgw_genl_family __ro_after_init = {
	.name = SGW_GENL_NAME,
	.version = SGW_GENL_VERSION,
	.maxattr = SGW_A_MAX,
	.policy = sgw_policy,
	.netnsok = true,
	.pre_doit = sgw_nl_pre_doit,
	.module = THIS_MODULE,
	.ops = sgw_genl_ops,
	.n_ops = ARRAY_SIZE(sgw_genl_ops),
	.mcgrps = sgw_mcgrps,
	.n_mcgrps = ARRAY_SIZE(sgw_mcgrps),
	.resv_start_op = SGW_CMD_MAX + 1,
};

int __init sgw_genl_init(void)
{
	int ret = netlink_register_notifier(&sgw_nl_release_nb);

	if (ret)
		return ret;
	ret = genl_register_family(&sgw_genl_family);
	if (ret)
		netlink_unregister_notifier(&sgw_nl_release_nb);
	return ret;
}

void sgw_genl_uninit(void)
{
	genl_unregister_family(&sgw_genl_family);
	netlink_unregister_notifier(&sgw_nl_release_nb);
}
