// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace tunnel table: tunnel ids are unique within a
 * namespace and map to their tunnel in O(1).
 */

#include <linux/rtnetlink.h>
#include <net/netns/generic.h>
#include <net/netlink.h>

#include "netns.h"
#include "receive.h"
#include "sa.h"
#include "transport.h"
#include "tunnel.h"

static unsigned int sgw_net_id __read_mostly;

struct sgw_net *sgw_net(const struct net *net)
{
	return net_generic(net, sgw_net_id);
}

/*
 * Called from both rtnetlink and generic netlink, so messages stay constant
 * strings (see compat.h on formatted messages).
 *
 * Reserve @id (or, when *@id is 0, the lowest free one) before the device
 * is registered, so the default interface name can carry the id. The entry
 * reads as NULL until sgw_tunnel_id_publish().
 */
int sgw_tunnel_id_claim(struct sgw_net *sn, u32 *id,
			struct netlink_ext_ack *extack)
{
	int ret;

	ASSERT_RTNL();
	if (*id) {
		if (*id > SGW_TUNNEL_ID_MAX) {
			NL_SET_ERR_MSG(extack, "tunnel id out of range (1..65535)");
			return -ERANGE;
		}
		ret = xa_insert(&sn->tunnels, *id, NULL, GFP_KERNEL);
		if (ret == -EBUSY)
			NL_SET_ERR_MSG(extack,
				       "tunnel id already exists in this namespace");
		return ret;
	}
	ret = xa_alloc(&sn->tunnels, id, NULL, XA_LIMIT(1, SGW_TUNNEL_ID_MAX),
		       GFP_KERNEL);
	if (ret == -EBUSY)
		NL_SET_ERR_MSG(extack, "no free tunnel id left in this namespace");
	return ret;
}

void sgw_tunnel_id_publish(struct sgw_net *sn, struct sgw_tunnel *tunnel)
{
	ASSERT_RTNL();
	xa_store(&sn->tunnels, tunnel->id, tunnel, GFP_KERNEL);
	sn->gen++;
}

void sgw_tunnel_id_release(struct sgw_net *sn, u32 id)
{
	ASSERT_RTNL();
	xa_erase(&sn->tunnels, id);
	sn->gen++;
}

struct sgw_tunnel *sgw_tunnel_lookup_rtnl(struct sgw_net *sn, u32 id)
{
	ASSERT_RTNL();
	return xa_load(&sn->tunnels, id);
}

static int __net_init sgw_net_init(struct net *net)
{
	struct sgw_net *sn = sgw_net(net);
	int ret;

	xa_init_flags(&sn->tunnels, XA_FLAGS_ALLOC1);
	sn->gen = 1;
	ret = sgw_sa_table_init(sn);
	if (ret)
		return ret;
	ret = sgw_remote_table_init(sn);
	if (ret)
		goto err_remote;
	ret = sgw_receive_net_init(net);
	if (ret)
		goto err_receive;
	ret = sgw_transport_net_init(net);
	if (ret)
		goto err_transport;
	return 0;

err_transport:
	sgw_receive_net_exit(net);
err_receive:
	sgw_remote_table_uninit(sn);
err_remote:
	sgw_sa_table_uninit(sn);
	return ret;
}

/*
 * The devices, and with them every tunnel and SA, are gone by now: the
 * core deletes devices of a dying namespace through our dellink before the
 * subsystems' exit handlers run.
 */
static void __net_exit sgw_net_exit(struct net *net)
{
	struct sgw_net *sn = sgw_net(net);

	sgw_transport_net_exit(net);
	sgw_receive_net_exit(net);
	sgw_remote_table_uninit(sn);
	sgw_sa_table_uninit(sn);
	xa_destroy(&sn->tunnels);
}

static struct pernet_operations sgw_net_ops = {
	.init = sgw_net_init,
	.exit = sgw_net_exit,
	.id = &sgw_net_id,
	.size = sizeof(struct sgw_net),
};

int sgw_netns_init(void)
{
	return register_pernet_subsys(&sgw_net_ops);
}

void sgw_netns_uninit(void)
{
	unregister_pernet_subsys(&sgw_net_ops);
}
