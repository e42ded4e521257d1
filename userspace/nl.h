/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place sgwctl speaks generic netlink. Every call returns 0 or a
 * negative errno; sgwnl_error() then holds the kernel's own explanation
 * (extended ACK) or a plain description.
 */
#ifndef SGWCTL_NL_H
#define SGWCTL_NL_H

#include "model.h"

struct sgwnl;

int sgwnl_open(struct sgwnl **out);
void sgwnl_close(struct sgwnl *nl);
const char *sgwnl_error(const struct sgwnl *nl);
/* For sgwnl_open() failures, when there is no handle to ask. */
const char *sgwnl_open_error(int err);

int sgwnl_get_info(struct sgwnl *nl, struct sgw_module_info *info);
int sgwnl_tunnel_add(struct sgwnl *nl, uint32_t id, const char *ifname,
		     struct sgw_tunnel *out);
int sgwnl_tunnel_del(struct sgwnl *nl, const struct sgw_tunnel_ref *ref);
int sgwnl_tunnel_get(struct sgwnl *nl, const struct sgw_tunnel_ref *ref,
		     struct sgw_tunnel *out);
int sgwnl_tunnel_dump(struct sgwnl *nl, struct sgw_tunnel_list *out);

#endif
