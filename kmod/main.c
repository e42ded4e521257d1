// SPDX-License-Identifier: GPL-2.0
/*
 * sgw: route-based IPsec ESP tunnel devices.
 *
 * This file only orders the units: each init depends on the ones before
 * it, and exit runs in reverse.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>

#include <linux/sgw.h>

#include "compat.h"
#include "device.h"
#include "netlink.h"
#include "netns.h"
#include "sa.h"
#include "selftest.h"
#include "transport.h"

static int __init sgw_init(void)
{
	int ret;

	ret = sgw_selftest();
	if (ret)
		return ret;
	sgw_transport_init();
	ret = sgw_sa_init();
	if (ret)
		goto err_sa;
	ret = sgw_netns_init();
	if (ret)
		goto err_netns;
	ret = sgw_device_init();
	if (ret)
		goto err_device;
	ret = sgw_genl_init();
	if (ret)
		goto err_genl;

	pr_info("sgw " SGW_VERSION " loaded\n");
	return 0;

err_genl:
	sgw_device_uninit();
err_device:
	sgw_netns_uninit();
err_netns:
	sgw_sa_uninit();
err_sa:
	return ret;
}

/*
 * 1. Refuse new tunnels, then delete every sgw device in every namespace,
 *    and with it each tunnel and SA; this waits until in-flight packets
 *    released the devices, so nothing is left that could send an event.
 * 2. Unregister the netlink family.
 * 3. Unhook from netfilter and drop the per-namespace tables, now empty.
 * 4. Let the last SA frees run, then stop their workqueue.
 * 5. Let the receive queues drain.
 */
static void __exit sgw_exit(void)
{
	sgw_device_uninit();
	sgw_genl_uninit();
	sgw_netns_uninit();
	sgw_sa_uninit();
	sgw_transport_uninit();
}

module_init(sgw_init);
module_exit(sgw_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Route-based IPsec ESP tunnel devices");
MODULE_AUTHOR("sgw developers");
MODULE_VERSION(SGW_VERSION);
MODULE_ALIAS_RTNL_LINK(KBUILD_MODNAME);
MODULE_ALIAS_GENL_FAMILY(SGW_GENL_NAME);
