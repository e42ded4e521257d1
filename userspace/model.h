/* SPDX-License-Identifier: GPL-2.0 */
/* Plain data that sgwctl's commands work on, with no netlink in sight. */
#ifndef SGWCTL_MODEL_H
#define SGWCTL_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/sgw.h>

#define SGW_IFNAMSIZ 16

struct sgw_alg_info {
	uint32_t id;
	char name[32];
	uint32_t key_len, iv_len, icv_len, block;
};

struct sgw_module_info {
	char version[32];
	struct sgw_alg_info algs[SGW_ALG_MAX];
	unsigned int n_algs;
};

struct sgw_tunnel {
	uint32_t id;
	uint32_t ifindex;
	char ifname[SGW_IFNAMSIZ];
	uint64_t drops[__SGW_DROP_MAX];
};

struct sgw_tunnel_list {
	struct sgw_tunnel *v;
	size_t n;
};

/* Names a tunnel by id, or by interface name when id is 0. */
struct sgw_tunnel_ref {
	uint32_t id;
	char ifname[SGW_IFNAMSIZ];
};

const char *sgw_drop_name(unsigned int reason);
int sgw_tunnel_list_push(struct sgw_tunnel_list *list,
			 const struct sgw_tunnel *t);
void sgw_tunnel_list_free(struct sgw_tunnel_list *list);

#endif
