/* SPDX-License-Identifier: GPL-2.0 */
/* A network device's own counters, as sysfs gives them. */
#ifndef SGW_CLI_DEVSTAT_H
#define SGW_CLI_DEVSTAT_H

#include <stdint.h>

/*
 * Counter @name ("rx_bytes") of device @ifname as the caller's network
 * namespace sees it: the device's totals, across every SA and rekey.
 * 0 when it cannot be read.
 */
uint64_t devstat_counter(const char *ifname, const char *name);

#endif
