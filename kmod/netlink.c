// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "sgw": the configuration interface. The attribute
 * trees are documented in uapi/linux/sgw.h.
 */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "compat.h"
#include "alg.h"
#include "device.h"
#include "netlink.h"
#include "netns.h"
#include "tunnel.h"

#ifdef SGW_NEED_EXTACK_BUF
char sgw_extack_buf[160];
#endif

static struct genl_family sgw_genl_family;

/* Policy ranges are s16 in NLA_POLICY_RANGE(); tunnel ids need the full form. */
static struct netlink_range_validation tunnel_id_range = {
	.min = 0,
	.max = SGW_TUNNEL_ID_MAX,
};

static const struct nla_policy tunnel_policy[SGW_TUNNEL_A_MAX + 1] = {
	[SGW_TUNNEL_A_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &tunnel_id_range),
	[SGW_TUNNEL_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SGW_TUNNEL_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

static const struct nla_policy sgw_policy[SGW_A_MAX + 1] = {
	[SGW_A_TUNNEL] = NLA_POLICY_NESTED(tunnel_policy),
};

static void *put_header(struct sk_buff *skb, struct genl_info *info, u8 cmd)
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
	hdr = put_header(msg, info, SGW_CMD_GET_INFO);
	if (!hdr || nla_put_string(msg, SGW_A_VERSION, SGW_VERSION) ||
	    put_algs(msg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int fill_tunnel(struct sk_buff *skb, const struct sgw_tunnel *tunnel)
{
	u64 drops[__SGW_DROP_MAX];
	struct nlattr *nest, *dnest;
	unsigned int i;

	nest = nla_nest_start(skb, SGW_A_TUNNEL);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SGW_TUNNEL_A_ID, tunnel->id) ||
	    nla_put_u32(skb, SGW_TUNNEL_A_IFINDEX, tunnel->dev->ifindex) ||
	    nla_put_string(skb, SGW_TUNNEL_A_IFNAME, tunnel->dev->name))
		goto cancel;
	dnest = nla_nest_start(skb, SGW_TUNNEL_A_DROPS);
	if (!dnest)
		goto cancel;
	sgw_tunnel_drops_read(tunnel, drops);
	for (i = 0; i < __SGW_DROP_MAX; i++)
		if (nla_put_u64_64bit(skb, i + 1, drops[i], SGW_TUNNEL_A_PAD))
			goto cancel;
	nla_nest_end(skb, dnest);
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
	hdr = put_header(msg, info, SGW_CMD_TUNNEL_GET);
	if (!hdr || fill_tunnel(msg, tunnel)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
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

static int sgw_nl_tunnel_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SGW_TUNNEL_A_MAX + 1];
	const char *ifname = NULL;
	struct net_device *dev;
	u32 id = 0;
	int ret;

	ret = parse_tunnel(info, tb, false);
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
	dev = sgw_device_create(genl_info_net(info), id, ifname, info->extack);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto out;
	}
	ret = reply_tunnel(info, sgw_tunnel_of(dev));
out:
	rtnl_unlock();
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

static const struct genl_ops sgw_genl_ops[] = {
	{
		.cmd = SGW_CMD_GET_INFO,
		.doit = sgw_nl_get_info,
	}, {
		.cmd = SGW_CMD_TUNNEL_NEW,
		.doit = sgw_nl_tunnel_new,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SGW_CMD_TUNNEL_DEL,
		.doit = sgw_nl_tunnel_del,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = SGW_CMD_TUNNEL_GET,
		.doit = sgw_nl_tunnel_get,
		.dumpit = sgw_nl_tunnel_dump,
	},
};

static struct genl_family sgw_genl_family __ro_after_init = {
	.name = SGW_GENL_NAME,
	.version = SGW_GENL_VERSION,
	.maxattr = SGW_A_MAX,
	.policy = sgw_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = sgw_genl_ops,
	.n_ops = ARRAY_SIZE(sgw_genl_ops),
	.resv_start_op = SGW_CMD_MAX + 1,
};

int __init sgw_genl_init(void)
{
	return genl_register_family(&sgw_genl_family);
}

void sgw_genl_uninit(void)
{
	genl_unregister_family(&sgw_genl_family);
}
