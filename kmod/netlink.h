/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_NETLINK_H
#define _SGW_NETLINK_H

int sgw_genl_init(void);
void sgw_genl_uninit(void);

#endif /* _SGW_NETLINK_H */
