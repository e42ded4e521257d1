// SPDX-License-Identifier: GPL-2.0
/* Generic netlink: SA commands and SA lifetime events. */

#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "compat.h"
#include "netlink.h"
#include "netns.h"
#include "replay.h"
#include "sa.h"
#include "tunnel.h"

static struct netlink_range_validation sa_tunnel_range = {
	.min = 1,
	.max = SGW_TUNNEL_ID_MAX,
};

static struct netlink_range_validation spi_range = {
	.min = 256,	/* 1..255 are reserved by IANA, 0 is never sent */
	.max = U32_MAX,
};

static struct netlink_range_validation seconds_range = {
	.max = SGW_SA_SECONDS_MAX,
};

const struct nla_policy sgw_sa_policy[SGW_SA_A_MAX + 1] = {
	[SGW_SA_A_TUNNEL_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &sa_tunnel_range),
	[SGW_SA_A_SPI] = NLA_POLICY_FULL_RANGE(NLA_U32, &spi_range),
	[SGW_SA_A_DIR] = NLA_POLICY_RANGE(NLA_U8, SGW_DIR_IN, SGW_DIR_OUT),
	[SGW_SA_A_MODE] = NLA_POLICY_RANGE(NLA_U8, SGW_MODE_TUNNEL, SGW_MODE_TRANSPORT),
	[SGW_SA_A_ALG] = NLA_POLICY_RANGE(NLA_U32, 1, SGW_ALG_MAX),
	[SGW_SA_A_KEY] = { .type = NLA_BINARY, .len = 96 },
	[SGW_SA_A_REPLAY_WINDOW] = NLA_POLICY_MAX(NLA_U32, SGW_REPLAY_WINDOW_MAX),
	[SGW_SA_A_ESN] = NLA_POLICY_MAX(NLA_U8, 1),
	[SGW_SA_A_SEQ] = { .type = NLA_U64 },
	[SGW_SA_A_SOFT_BYTES] = { .type = NLA_U64 },
	[SGW_SA_A_HARD_BYTES] = { .type = NLA_U64 },
	[SGW_SA_A_SOFT_PACKETS] = { .type = NLA_U64 },
	[SGW_SA_A_HARD_PACKETS] = { .type = NLA_U64 },
	[SGW_SA_A_SOFT_SECONDS] = NLA_POLICY_FULL_RANGE(NLA_U64, &seconds_range),
	[SGW_SA_A_HARD_SECONDS] = NLA_POLICY_FULL_RANGE(NLA_U64, &seconds_range),
	[SGW_SA_A_ENCAP_SPORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[SGW_SA_A_ENCAP_DPORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[SGW_SA_A_LOCAL_TS] = NLA_POLICY_NESTED(sgw_ts_policy),
	[SGW_SA_A_REMOTE_TS] = NLA_POLICY_NESTED(sgw_ts_policy),
};

static u64 get_u64(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u64(tb[type]) : 0;
}

static int parse_sa(struct genl_info *info, struct nlattr **tb)
{
	if (!info->attrs[SGW_A_SA]) {
		GENL_REQ_ATTR_CHECK(info, SGW_A_SA);
		NL_SET_ERR_MSG(info->extack, "SA attributes required");
		return -EINVAL;
	}
	return nla_parse_nested(tb, SGW_SA_A_MAX, info->attrs[SGW_A_SA],
				sgw_sa_policy, info->extack);
}

static int require(struct genl_info *info, struct nlattr **tb, int type,
		   const char *what)
{
	if (tb[type])
		return 0;
	NL_SET_ERR_MSG_FMT(info->extack, "SA %s required", what);
	return -EINVAL;
}

/* ESP in UDP: both ports or neither; 0 in *@sport and *@dport for none. */
static int parse_encap(struct genl_info *info, struct nlattr **tb, u16 *sport,
		       u16 *dport)
{
	*sport = 0;
	*dport = 0;
	if (!tb[SGW_SA_A_ENCAP_SPORT] != !tb[SGW_SA_A_ENCAP_DPORT]) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    tb[SGW_SA_A_ENCAP_SPORT] ?: tb[SGW_SA_A_ENCAP_DPORT],
				    "UDP encapsulation needs both ports");
		return -EINVAL;
	}
	if (tb[SGW_SA_A_ENCAP_SPORT]) {
		*sport = nla_get_u16(tb[SGW_SA_A_ENCAP_SPORT]);
		*dport = nla_get_u16(tb[SGW_SA_A_ENCAP_DPORT]);
	}
	return 0;
}

/* The SA's own selectors, if either list is given; *@ts NULL if neither. */
static int parse_sa_ts(struct genl_info *info, struct nlattr **tb,
		       struct sgw_sa_ts **ts)
{
	int ret;

	*ts = NULL;
	if (!tb[SGW_SA_A_LOCAL_TS] && !tb[SGW_SA_A_REMOTE_TS])
		return 0;
	*ts = kzalloc(sizeof(**ts), GFP_KERNEL);
	if (!*ts)
		return -ENOMEM;
	ret = 0;
	if (tb[SGW_SA_A_LOCAL_TS])
		ret = sgw_nl_parse_ts(tb[SGW_SA_A_LOCAL_TS], (*ts)->local,
				      &(*ts)->n_local, info->extack);
	if (!ret && tb[SGW_SA_A_REMOTE_TS])
		ret = sgw_nl_parse_ts(tb[SGW_SA_A_REMOTE_TS], (*ts)->remote,
				      &(*ts)->n_remote, info->extack);
	if (ret) {
		kfree(*ts);
		*ts = NULL;
	}
	return ret;
}

static struct sgw_tunnel *sa_tunnel(struct genl_info *info, struct nlattr **tb)
{
	u32 id = nla_get_u32(tb[SGW_SA_A_TUNNEL_ID]);
	struct sgw_tunnel *tunnel;

	tunnel = sgw_tunnel_lookup_rtnl(sgw_net(genl_info_net(info)), id);
	if (!tunnel)
		NL_SET_ERR_MSG_FMT(info->extack, "no tunnel with id %u", id);
	return tunnel;
}

/*
 * The request's copies of the key are ours to erase, whether or not it
 * parsed (an error ACK echoes the request): SGW_A_SA is validated here,
 * not by the family's policy, so that a malformed one reaches this too.
 */
static void wipe_keys(const struct nlattr *nest)
{
	struct nlattr *nla;
	int rem;

	if (!nest)
		return;
	nla_for_each_nested(nla, nest, rem)
		if (nla_type(nla) == SGW_SA_A_KEY)
			memzero_explicit(nla_data(nla), nla_len(nla));
}

int sgw_nl_sa_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SGW_SA_A_MAX + 1];
	struct sgw_sa_config cfg = { 0 };
	struct sgw_tunnel *tunnel;
	struct sgw_sa_ts *ts = NULL;
	struct sgw_sa *sa;
	int ret;

	ret = parse_sa(info, tb);
	if (ret)
		goto wipe;
	ret = require(info, tb, SGW_SA_A_TUNNEL_ID, "tunnel id") ?:
	      require(info, tb, SGW_SA_A_SPI, "SPI") ?:
	      require(info, tb, SGW_SA_A_DIR, "direction") ?:
	      require(info, tb, SGW_SA_A_ALG, "algorithm") ?:
	      require(info, tb, SGW_SA_A_KEY, "key");
	if (ret)
		goto wipe;
	cfg.spi = nla_get_u32(tb[SGW_SA_A_SPI]);
	cfg.dir = nla_get_u8(tb[SGW_SA_A_DIR]);
	cfg.mode = tb[SGW_SA_A_MODE] ? nla_get_u8(tb[SGW_SA_A_MODE]) :
				       SGW_MODE_TUNNEL;
	cfg.alg = sgw_alg_get(nla_get_u32(tb[SGW_SA_A_ALG]));
	cfg.key = nla_data(tb[SGW_SA_A_KEY]);
	cfg.key_len = nla_len(tb[SGW_SA_A_KEY]);
	if (cfg.key_len != sgw_alg_key_len(cfg.alg)) {
		NL_SET_ERR_MSG_FMT(info->extack,
				   "%s needs %u bytes of key material, got %u",
				   cfg.alg->name, sgw_alg_key_len(cfg.alg),
				   cfg.key_len);
		ret = -EINVAL;
		goto wipe;
	}
	if (tb[SGW_SA_A_REPLAY_WINDOW] && cfg.dir == SGW_DIR_OUT) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SGW_SA_A_REPLAY_WINDOW],
				    "replay window applies to inbound SAs only");
		ret = -EINVAL;
		goto wipe;
	}
	cfg.replay_window = tb[SGW_SA_A_REPLAY_WINDOW] ?
			    nla_get_u32(tb[SGW_SA_A_REPLAY_WINDOW]) :
			    SGW_REPLAY_WINDOW_DEFAULT;
	cfg.esn = tb[SGW_SA_A_ESN] && nla_get_u8(tb[SGW_SA_A_ESN]);
	cfg.seq = get_u64(tb, SGW_SA_A_SEQ);
	if (!cfg.esn && cfg.seq > U32_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SGW_SA_A_SEQ],
				    "sequence number above 2^32-1 needs ESN");
		ret = -ERANGE;
		goto wipe;
	}
	cfg.life.soft_bytes = get_u64(tb, SGW_SA_A_SOFT_BYTES);
	cfg.life.hard_bytes = get_u64(tb, SGW_SA_A_HARD_BYTES);
	cfg.life.soft_packets = get_u64(tb, SGW_SA_A_SOFT_PACKETS);
	cfg.life.hard_packets = get_u64(tb, SGW_SA_A_HARD_PACKETS);
	cfg.life.soft_seconds = get_u64(tb, SGW_SA_A_SOFT_SECONDS);
	cfg.life.hard_seconds = get_u64(tb, SGW_SA_A_HARD_SECONDS);
	ret = parse_encap(info, tb, &cfg.encap_sport, &cfg.encap_dport) ?:
	      parse_sa_ts(info, tb, &ts);
	if (ret)
		goto wipe;
	cfg.ts = ts;

	rtnl_lock();
	tunnel = sa_tunnel(info, tb);
	if (!tunnel) {
		ret = -ENOENT;
		goto unlock;
	}
	sa = sgw_sa_create(tunnel, &cfg, info->extack);
	if (IS_ERR(sa)) {
		ret = PTR_ERR(sa);
		goto unlock;
	}
	ret = sgw_sa_install(sa, info->extack);
	if (ret)
		sgw_sa_destroy_unused(sa);
unlock:
	rtnl_unlock();
wipe:
	kfree(ts);
	wipe_keys(info->attrs[SGW_A_SA]);
	return ret;
}

int sgw_nl_sa_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SGW_SA_A_MAX + 1];
	struct sgw_tunnel *tunnel;
	int ret;

	ret = parse_sa(info, tb);
	if (ret)
		return ret;
	ret = require(info, tb, SGW_SA_A_TUNNEL_ID, "tunnel id") ?:
	      require(info, tb, SGW_SA_A_SPI, "SPI") ?:
	      require(info, tb, SGW_SA_A_DIR, "direction");
	if (ret)
		return ret;
	rtnl_lock();
	tunnel = sa_tunnel(info, tb);
	ret = tunnel ? sgw_sa_remove(tunnel, nla_get_u8(tb[SGW_SA_A_DIR]),
				     nla_get_u32(tb[SGW_SA_A_SPI]), info->extack) :
		       -ENOENT;
	rtnl_unlock();
	return ret;
}

int sgw_nl_sa_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SGW_SA_A_MAX + 1];
	struct sgw_tunnel *tunnel;
	u16 sport, dport;
	struct sgw_sa *sa;
	int ret, i;

	ret = parse_sa(info, tb);
	if (ret)
		return ret;
	/* Only the ports change in place. */
	for (i = 0; i <= SGW_SA_A_MAX; i++) {
		if (!tb[i] || i == SGW_SA_A_TUNNEL_ID || i == SGW_SA_A_SPI ||
		    i == SGW_SA_A_DIR || i == SGW_SA_A_ENCAP_SPORT ||
		    i == SGW_SA_A_ENCAP_DPORT)
			continue;
		NL_SET_ERR_MSG_ATTR(info->extack, tb[i],
				    "only the UDP ports of an SA can change; add a new SA");
		return -EOPNOTSUPP;
	}
	ret = require(info, tb, SGW_SA_A_TUNNEL_ID, "tunnel id") ?:
	      require(info, tb, SGW_SA_A_SPI, "SPI") ?:
	      require(info, tb, SGW_SA_A_DIR, "direction") ?:
	      require(info, tb, SGW_SA_A_ENCAP_SPORT, "UDP source port") ?:
	      require(info, tb, SGW_SA_A_ENCAP_DPORT, "UDP destination port") ?:
	      parse_encap(info, tb, &sport, &dport);
	if (ret)
		return ret;
	rtnl_lock();
	tunnel = sa_tunnel(info, tb);
	sa = tunnel ? sgw_sa_find(tunnel, nla_get_u8(tb[SGW_SA_A_DIR]),
				  nla_get_u32(tb[SGW_SA_A_SPI]), info->extack) :
		      NULL;
	if (!sa) {
		ret = -ENOENT;
	} else if (!sa->encap) {
		NL_SET_ERR_MSG(info->extack,
			       "the SA carries plain ESP: add a new SA with UDP ports");
		ret = -EINVAL;
	} else {
		/* One word: the data path reads both ports at once. */
		WRITE_ONCE(sa->encap_ports, (u32)sport << 16 | dport);
	}
	rtnl_unlock();
	return ret;
}

int sgw_nl_sa_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[SGW_SA_A_MAX + 1] = { NULL };
	struct sgw_net *sn = sgw_net(genl_info_net(info));
	struct sgw_tunnel *tunnel;
	unsigned long id;
	int ret = 0;

	if (info->attrs[SGW_A_SA]) {
		ret = parse_sa(info, tb);
		if (ret)
			return ret;
	}
	rtnl_lock();
	if (tb[SGW_SA_A_TUNNEL_ID]) {
		tunnel = sa_tunnel(info, tb);
		if (tunnel)
			sgw_sa_flush(tunnel);
		else
			ret = -ENOENT;
	} else {
		xa_for_each(&sn->tunnels, id, tunnel)
			sgw_sa_flush(tunnel);
	}
	rtnl_unlock();
	return ret;
}

static int put_lifetimes(struct sk_buff *skb, const struct sgw_lifetime *l)
{
	return nla_put_u64_64bit(skb, SGW_SA_A_SOFT_BYTES, l->soft_bytes, SGW_SA_A_PAD) ||
	       nla_put_u64_64bit(skb, SGW_SA_A_HARD_BYTES, l->hard_bytes, SGW_SA_A_PAD) ||
	       nla_put_u64_64bit(skb, SGW_SA_A_SOFT_PACKETS, l->soft_packets, SGW_SA_A_PAD) ||
	       nla_put_u64_64bit(skb, SGW_SA_A_HARD_PACKETS, l->hard_packets, SGW_SA_A_PAD) ||
	       nla_put_u64_64bit(skb, SGW_SA_A_SOFT_SECONDS, l->soft_seconds, SGW_SA_A_PAD) ||
	       nla_put_u64_64bit(skb, SGW_SA_A_HARD_SECONDS, l->hard_seconds, SGW_SA_A_PAD);
}

/* The identity and counters that both dumps and events carry. */
static int put_sa_id(struct sk_buff *skb, const struct sgw_sa *sa)
{
	return nla_put_u32(skb, SGW_SA_A_TUNNEL_ID, sa->tunnel->id) ||
	       nla_put_u32(skb, SGW_SA_A_SPI, be32_to_cpu(sa->key.spi)) ||
	       nla_put_u8(skb, SGW_SA_A_DIR, sa->dir) ||
	       nla_put_u64_64bit(skb, SGW_SA_A_BYTES, atomic64_read(&sa->bytes),
				 SGW_SA_A_PAD) ||
	       nla_put_u64_64bit(skb, SGW_SA_A_PACKETS, atomic64_read(&sa->packets),
				 SGW_SA_A_PAD);
}

static int put_encap(struct sk_buff *skb, const struct sgw_sa *sa)
{
	__be16 sport, dport;

	if (!sa->encap)
		return 0;
	sgw_sa_ports(sa, &sport, &dport);
	return nla_put_u16(skb, SGW_SA_A_ENCAP_SPORT, ntohs(sport)) ||
	       nla_put_u16(skb, SGW_SA_A_ENCAP_DPORT, ntohs(dport));
}

static int put_sa_ts(struct sk_buff *skb, const struct sgw_sa *sa)
{
	if (!sa->ts)
		return 0;
	return sgw_nl_put_ts(skb, SGW_SA_A_LOCAL_TS, sa->ts->local,
			     sa->ts->n_local) ?:
	       sgw_nl_put_ts(skb, SGW_SA_A_REMOTE_TS, sa->ts->remote,
			     sa->ts->n_remote);
}

static int fill_sa(struct sk_buff *skb, const struct sgw_sa *sa)
{
	struct nlattr *nest = nla_nest_start(skb, SGW_A_SA);

	if (!nest)
		return -EMSGSIZE;
	if (put_sa_id(skb, sa) ||
	    nla_put_u8(skb, SGW_SA_A_MODE, sa->mode) ||
	    nla_put_u32(skb, SGW_SA_A_ALG, sa->alg->id) ||
	    nla_put_u8(skb, SGW_SA_A_ESN, sa->esn) ||
	    nla_put_u64_64bit(skb, SGW_SA_A_SEQ, sgw_sa_seq(sa), SGW_SA_A_PAD) ||
	    nla_put_u64_64bit(skb, SGW_SA_A_AGE,
			      ktime_get_boottime_seconds() - sa->added, SGW_SA_A_PAD) ||
	    nla_put_u8(skb, SGW_SA_A_SOFT_EXPIRED,
		       test_bit(SGW_SA_SOFT_EXPIRED, &sa->flags)) ||
	    put_lifetimes(skb, &sa->life) ||
	    put_encap(skb, sa) ||
	    put_sa_ts(skb, sa) ||
	    (sa->dir == SGW_DIR_IN &&
	     nla_put_u32(skb, SGW_SA_A_REPLAY_WINDOW, sa->replay.window))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

#define SA_SLOTS_PER_MODE	(1 + SGW_SA_IN_MAX)
#define SA_SLOTS		(2 * SA_SLOTS_PER_MODE + SGW_SA_OUT_TS_MAX)

/*
 * Slot 0 is the outbound tunnel-mode SA, slots 1.. the inbound ones; then
 * the same for transport mode; last the outbound SAs with selectors.
 */
static struct sgw_sa *sa_at(struct sgw_tunnel *tunnel, unsigned int slot)
{
	if (slot >= 2 * SA_SLOTS_PER_MODE)
		return rcu_dereference(tunnel->sa_out_ts[slot - 2 * SA_SLOTS_PER_MODE]);
	if (slot >= SA_SLOTS_PER_MODE) {
		slot -= SA_SLOTS_PER_MODE;
		if (slot == 0)
			return rcu_dereference(tunnel->sa_out_tr);
		return rcu_dereference(tunnel->sa_in_tr[slot - 1]);
	}
	if (slot == 0)
		return rcu_dereference(tunnel->sa_out);
	return rcu_dereference(tunnel->sa_in[slot - 1]);
}

/*
 * cb->args[0]: tunnel id, cb->args[1]: SA slot to resume at; the filter
 * tunnel id, if any, is in cb->args[2].
 */
int sgw_nl_sa_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct sgw_net *sn = sgw_net(sock_net(skb->sk));
	unsigned long id = cb->args[0] ?: 1, last = SGW_TUNNEL_ID_MAX;
	unsigned int slot = cb->args[1];
	struct sgw_tunnel *tunnel;
	struct sgw_sa *sa;
	void *hdr;

	if (!cb->args[0] && info->attrs[SGW_A_SA]) {
		struct nlattr *tb[SGW_SA_A_MAX + 1];
		int ret = nla_parse_nested(tb, SGW_SA_A_MAX, info->attrs[SGW_A_SA],
					   sgw_sa_policy, cb->extack);

		if (ret)
			return ret;
		if (tb[SGW_SA_A_TUNNEL_ID])
			cb->args[2] = nla_get_u32(tb[SGW_SA_A_TUNNEL_ID]);
	}
	if (cb->args[2]) {
		id = max_t(unsigned long, id, cb->args[2]);
		last = cb->args[2];
	}

	rcu_read_lock();
	cb->seq = READ_ONCE(sn->gen);
	for (; id <= last; id++, slot = 0) {
		tunnel = xa_load(&sn->tunnels, id);
		if (!tunnel)
			continue;
		for (; slot < SA_SLOTS; slot++) {
			sa = sa_at(tunnel, slot);
			if (!sa)
				continue;
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, &sgw_genl_family,
					  NLM_F_MULTI, SGW_CMD_SA_GET);
			if (!hdr)
				goto full;
			genl_dump_check_consistent(cb, hdr);
			if (fill_sa(skb, sa)) {
				genlmsg_cancel(skb, hdr);
				goto full;
			}
			genlmsg_end(skb, hdr);
		}
	}
	rcu_read_unlock();
	cb->args[0] = last + 1;
	cb->args[1] = 0;
	return skb->len;
full:
	rcu_read_unlock();
	cb->args[0] = id;
	cb->args[1] = slot;
	return skb->len ?: -EMSGSIZE;
}

/* Tell listeners an SA reached a soft or hard limit. */
void sgw_genl_notify_expire(struct sgw_sa *sa, bool hard, gfp_t gfp)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &sgw_genl_family, 0, SGW_CMD_SA_EXPIRE);
	if (!hdr)
		goto err;
	nest = nla_nest_start(msg, SGW_A_SA);
	if (!nest || put_sa_id(msg, sa) || nla_put_u8(msg, SGW_SA_A_HARD, hard))
		goto err;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&sgw_genl_family, dev_net(sa->tunnel->dev), msg,
				0, 0, gfp);
	return;
err:
	nlmsg_free(msg);
}
