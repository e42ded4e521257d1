// SPDX-License-Identifier: GPL-2.0
/*
 * The sgw net_device: one per tunnel, created with "ip link add NAME type
 * sgw [id ID]" or over generic netlink. Packets routed into it are ESP
 * encapsulated toward the tunnel's remote security gateway.
 */

#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <net/esp.h>
#include <net/ip.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include <net/rtnetlink.h>

#include "compat.h"
#include "alg.h"
#include "device.h"
#include "netlink.h"
#include "netns.h"
#include "send.h"
#include "tunnel.h"

static struct rtnl_link_ops sgw_link_ops;

/* Set under RTNL when the module goes: no device may appear any more. */
static bool sgw_devices_closed;

/*
 * The largest MTU among the devices of @net that are up, other than
 * loopback and sgw's own: no packet reaches a tunnel larger than that from
 * outside the gateway. Under RTNL.
 */
static unsigned int feed_mtu(struct net *net)
{
	struct net_device *dev;
	unsigned int mtu = 0;

	for_each_netdev(net, dev)
		if ((dev->flags & IFF_UP) && !(dev->flags & IFF_LOOPBACK) &&
		    !sgw_is_sgw_device(dev))
			mtu = max(mtu, dev->mtu);
	return mtu;
}

/*
 * A floor for the device MTU of tunnels in auto mode: with it, a packet
 * from the LAN larger than a narrow uplink still reaches sgw, which
 * answers with the exact tunnel MTU, where the stack would answer with
 * the device MTU first. Under RTNL; kept by the netdev notifier.
 */
unsigned int sgw_device_feed_mtu(struct net *net)
{
	return sgw_net(net)->feed_mtu;
}

static int sgw_dev_init(struct net_device *dev)
{
	struct sgw_tunnel *tunnel = sgw_tunnel_of(dev);
	int ret;

	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
	tunnel->stats = netdev_alloc_pcpu_stats(struct sgw_tunnel_stats);
	if (!tunnel->stats) {
		free_percpu(dev->tstats);
		return -ENOMEM;
	}
	tunnel->dev = dev;
	sgw_net(dev_net(dev))->feed_mtu = feed_mtu(dev_net(dev));
	ret = sgw_tunnel_init(tunnel);
	if (ret)
		goto err_stats;
	/* Fragmented IPv6 ESP must be whole at LOCAL_IN (receive.c). */
	ret = nf_defrag_ipv6_enable(dev_net(dev));
	if (ret)
		goto err_tunnel;
	return 0;

err_tunnel:
	sgw_tunnel_uninit(tunnel);
	sgw_tunnel_free(tunnel);
err_stats:
	free_percpu(tunnel->stats);
	free_percpu(dev->tstats);
	return ret;
}

/*
 * Runs under RTNL when the device goes away: the tunnel leaves the tables
 * and drops its SAs, whose last references (in-flight packets) then let
 * the device go.
 */
static void sgw_dev_uninit(struct net_device *dev)
{
	struct sgw_tunnel *tunnel = sgw_tunnel_of(dev);

	sgw_tunnel_id_release(sgw_net(dev_net(dev)), tunnel->id);
	sgw_tunnel_uninit(tunnel);
	nf_defrag_ipv6_disable(dev_net(dev));
}

/*
 * After the last reference and an RCU grace period (or straight after a
 * failed registration, when no reader ever saw the tunnel).
 */
static void sgw_dev_destructor(struct net_device *dev)
{
	sgw_tunnel_free(sgw_tunnel_of(dev));
	free_percpu(sgw_tunnel_of(dev)->stats);
	free_percpu(dev->tstats);
}

/* "ip link set sgwN mtu M" sets the tunnel MTU explicitly. */
static int sgw_change_mtu(struct net_device *dev, int new_mtu)
{
	struct sgw_tunnel *tunnel = sgw_tunnel_of(dev);

	if (!tunnel->setting_mtu)
		WRITE_ONCE(tunnel->mtu, new_mtu);
	dev->mtu = new_mtu;
	return 0;
}

static const struct net_device_ops sgw_netdev_ops = {
	.ndo_init = sgw_dev_init,
	.ndo_uninit = sgw_dev_uninit,
	.ndo_start_xmit = sgw_send,
	.ndo_get_stats64 = dev_get_tstats64,
	.ndo_change_mtu = sgw_change_mtu,
};

/* Room for the largest outer IPv6 header, ESP header and IV. */
#define SGW_HEADROOM (sizeof(struct ipv6hdr) + sizeof(struct ip_esp_hdr) + 16)
/* Room for the largest padding, pad length, next header and ICV. */
#define SGW_TAILROOM (15 + 2 + 16)

static void sgw_setup(struct net_device *dev)
{
	dev->netdev_ops = &sgw_netdev_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = LL_MAX_HEADER + SGW_HEADROOM;
	dev->needed_tailroom = SGW_TAILROOM;
	/* ESP leaves from the namespace the tunnel was made in. */
	dev->features |= NETIF_F_LLTX | NETIF_F_NETNS_LOCAL;
	dev->mtu = sgw_alg_payload_max_any(ETH_DATA_LEN);
	dev->min_mtu = IPV4_MIN_MTU;
	dev->max_mtu = sgw_alg_payload_max_any(IP_MAX_MTU);
	/* The inner route stays with the packet: fragmenting and ICMP need it. */
	netif_keep_dst(dev);
	dev->needs_free_netdev = true;
	dev->priv_destructor = sgw_dev_destructor;
}

bool sgw_is_sgw_device(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &sgw_link_ops;
}

static int register_tunnel_device(struct net_device *dev, u32 id,
				  struct netlink_ext_ack *extack)
{
	struct sgw_net *sn = sgw_net(dev_net(dev));
	int ret;

	ret = sgw_tunnel_id_claim(sn, &id, extack);
	if (ret)
		return ret;
	sgw_tunnel_of(dev)->id = id;
	if (!dev->name[0])
		snprintf(dev->name, IFNAMSIZ, "sgw%u", id);
	ret = register_netdevice(dev);
	if (ret) {
		sgw_tunnel_id_release(sn, id);
		return ret;
	}
	/*
	 * Lockless readers (dumps) see the tunnel only now: a registration
	 * that fails after ndo_init (an ifindex taken, a notifier refusing)
	 * frees it without a grace period.
	 */
	sgw_tunnel_id_publish(sn, sgw_tunnel_of(dev));
	return 0;
}

struct net_device *sgw_device_create(struct net *net, u32 id,
				     const char *ifname,
				     struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	int ret;

	ASSERT_RTNL();
	if (sgw_devices_closed)
		return ERR_PTR(-ENODEV);
	dev = alloc_netdev(sizeof(struct sgw_tunnel), ifname ?: "",
			   NET_NAME_USER, sgw_setup);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev_net_set(dev, net);
	dev->rtnl_link_ops = &sgw_link_ops;
	ret = register_tunnel_device(dev, id, extack);
	if (ret) {
		free_netdev(dev);
		return ERR_PTR(ret);
	}
	return dev;
}

static struct netlink_range_validation link_id_range = {
	.min = 1,
	.max = SGW_TUNNEL_ID_MAX,
};

static const struct nla_policy sgw_link_policy[IFLA_SGW_MAX + 1] = {
	[IFLA_SGW_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &link_id_range),
};

static int sgw_newlink(struct net *src_net, struct net_device *dev,
		       struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	u32 id = 0;
	int ret;

	ret = sgw_config_allowed_current(extack);
	if (ret)
		return ret;
	if (data && data[IFLA_SGW_ID])
		id = nla_get_u32(data[IFLA_SGW_ID]);
	return register_tunnel_device(dev, id, extack);
}

static size_t sgw_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u32));	/* IFLA_SGW_ID */
}

static int sgw_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	return nla_put_u32(skb, IFLA_SGW_ID, sgw_tunnel_of(dev)->id);
}

static struct rtnl_link_ops sgw_link_ops __read_mostly = {
	.kind = KBUILD_MODNAME,
	.priv_size = sizeof(struct sgw_tunnel),
	.maxtype = IFLA_SGW_MAX,
	.policy = sgw_link_policy,
	.setup = sgw_setup,
	.newlink = sgw_newlink,
	.get_size = sgw_get_size,
	.fill_info = sgw_fill_info,
};

/*
 * Underlay devices changing MTU or state move the device MTU of tunnels
 * in auto mode (a configured MTU depends on no device). A device's MTU
 * matters only to the tunnels whose path leads through it, unless it
 * moves the namespace's feed MTU; a device going up or down may change
 * any path.
 */
static int sgw_netdev_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct sgw_tunnel *tunnel;
	struct sgw_net *sn;
	unsigned int feed;
	unsigned long id;

	if (sgw_is_sgw_device(dev) ||
	    (event != NETDEV_CHANGEMTU && event != NETDEV_UP &&
	     event != NETDEV_DOWN && event != NETDEV_CHANGE))
		return NOTIFY_DONE;
	sn = sgw_net(dev_net(dev));
	if (xa_empty(&sn->tunnels))
		return NOTIFY_DONE;
	feed = feed_mtu(dev_net(dev));
	if (feed != sn->feed_mtu) {
		sn->feed_mtu = feed;
		event = NETDEV_CHANGE;	/* every auto tunnel */
	}
	xa_for_each(&sn->tunnels, id, tunnel) {
		if (tunnel->mtu)
			continue;
		if (event == NETDEV_CHANGEMTU && tunnel->underlay_ifindex &&
		    tunnel->underlay_ifindex != dev->ifindex)
			continue;
		sgw_tunnel_update_dev_mtu(tunnel);
	}
	return NOTIFY_DONE;
}

static struct notifier_block sgw_netdev_notifier = {
	.notifier_call = sgw_netdev_event,
};

int sgw_device_init(void)
{
	int ret = rtnl_link_register(&sgw_link_ops);

	if (ret)
		return ret;
	ret = register_netdevice_notifier(&sgw_netdev_notifier);
	if (ret)
		rtnl_link_unregister(&sgw_link_ops);
	return ret;
}

/* Deletes every sgw device in every namespace. */
void sgw_device_uninit(void)
{
	rtnl_lock();
	sgw_devices_closed = true;
	rtnl_unlock();
	unregister_netdevice_notifier(&sgw_netdev_notifier);
	rtnl_link_unregister(&sgw_link_ops);
}
