/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGW_SELFTEST_H
#define _SGW_SELFTEST_H

#include <linux/init.h>

#ifdef SGW_SELFTEST
int __init sgw_selftest(void);
#else
static inline int sgw_selftest(void)
{
	return 0;
}
#endif

#endif /* _SGW_SELFTEST_H */
