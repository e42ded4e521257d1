/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_NETLINK_H
#define _SGW_NETLINK_H

#include <net/genetlink.h>
#include <linux/sgw.h>

struct sgw_addr;
struct sgw_sa;
struct sgw_tunnel;

/* Index of the "events" group in the family's group list. */
#define SGW_MCGRP_EVENTS_IDX	0

struct net;

extern struct genl_family sgw_genl_family;
extern const struct nla_policy sgw_sa_policy[SGW_SA_A_MAX + 1];
extern const struct nla_policy sgw_ts_policy[SGW_TS_A_MAX + 1];

void *sgw_genl_put_header(struct sk_buff *skb, struct genl_info *info, u8 cmd);
int sgw_nl_put_addr(struct sk_buff *skb, int type, const struct sgw_addr *a);
struct sgw_prefix;
int sgw_nl_put_ts(struct sk_buff *skb, int type, const struct sgw_prefix *p,
		  unsigned int n);
int sgw_nl_parse_ts(const struct nlattr *list, struct sgw_prefix *out, u8 *n,
		    struct netlink_ext_ack *extack);

/* SA commands and events, in netlink_sa.c */
int sgw_nl_sa_new(struct sk_buff *skb, struct genl_info *info);
int sgw_nl_sa_del(struct sk_buff *skb, struct genl_info *info);
int sgw_nl_sa_flush(struct sk_buff *skb, struct genl_info *info);
int sgw_nl_sa_dump(struct sk_buff *skb, struct netlink_callback *cb);
void sgw_genl_notify_expire(struct sgw_sa *sa, bool hard, gfp_t gfp);
void sgw_genl_notify_tunnel(const struct sgw_tunnel *tunnel, gfp_t gfp);
bool sgw_daemon_registered(const struct net *net);
int sgw_config_allowed_current(struct netlink_ext_ack *extack);
void sgw_genl_notify_acquire(const struct sgw_tunnel *tunnel,
			     const struct sgw_addr *src,
			     const struct sgw_addr *dst);
/* ESP from the tunnel's remote SGW with an SPI of no SA (rate-limited). */
void sgw_genl_notify_unknown_spi(const struct sgw_tunnel *tunnel, __be32 spi);
/* Authenticated ESP in UDP from a new address or port (rate-limited). */
void sgw_genl_notify_mapping(const struct sgw_tunnel *tunnel, __be32 spi,
			     const struct sgw_addr *addr, u16 port);
int sgw_nl_sa_set(struct sk_buff *skb, struct genl_info *info);
/* SGW_CMD_TRACE, in trace.c */
int sgw_nl_trace(struct sk_buff *skb, struct genl_info *info);

int sgw_genl_init(void);
void sgw_genl_uninit(void);

#endif /* _SGW_NETLINK_H */
