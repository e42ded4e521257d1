/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compatibility with the kernels sgw supports lives here and nowhere else.
 * Supported: Linux 6.1 (Debian 12) up to the current release line.
 */
#ifndef _SGW_COMPAT_H
#define _SGW_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "sgw needs Linux 6.1 or newer"
#endif

#include <linux/netlink.h>

/*
 * Formatted extack messages arrived in 6.2. Before that the message must
 * outlive the handler: each generic netlink request gets its own buffer
 * next to a copy of its extack (struct sgw_extack, set up by the family's
 * doit wrapper in netlink.c), which sends the ACK itself while the buffer
 * exists. Only generic netlink doit handlers may format messages.
 */
#ifndef NL_SET_ERR_MSG_FMT
struct sgw_extack {
	struct netlink_ext_ack ext;
	char msg[160];
};

#define NL_SET_ERR_MSG_FMT(extack, fmt, args...) do {		\
	struct netlink_ext_ack *__extack = (extack);			\
	struct sgw_extack *__sx;					\
									\
	if (__extack) {							\
		__sx = container_of(__extack, struct sgw_extack, ext);	\
		snprintf(__sx->msg, sizeof(__sx->msg), fmt, ##args);	\
		__extack->_msg = __sx->msg;				\
	}								\
} while (0)
#define SGW_NEED_EXTACK_BUF
#endif

/* Generic netlink's per-family hooks see split ops since 6.2. */
#include <net/genetlink.h>
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
typedef struct genl_ops sgw_genl_split_ops;
#else
typedef struct genl_split_ops sgw_genl_split_ops;
#endif

/* Crypto completions got a plain data pointer in 6.3. */
#include <linux/crypto.h>
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
typedef struct crypto_async_request *sgw_crypto_cb_arg;
static inline void *sgw_crypto_cb_data(sgw_crypto_cb_arg arg)
{
	return arg->data;
}
#else
typedef void *sgw_crypto_cb_arg;
static inline void *sgw_crypto_cb_data(sgw_crypto_cb_arg arg)
{
	return arg;
}
#endif

#endif /* _SGW_COMPAT_H */
