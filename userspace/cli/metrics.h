/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "sgwctl metrics": the kernel's tunnels and the daemon's IKE view as
 * Prometheus text exposition format 0.0.4; a pure function of its input,
 * so that tests compare the exact text.
 */
#ifndef SGWCTL_METRICS_H
#define SGWCTL_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include "ctl.h"
#include "model.h"

/* A tunnel device's totals (rtnetlink statistics): across every SA. */
struct metrics_dev_stats {
	uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets;
};

struct metrics_view {
	const struct sgw_tunnel_list *tunnels;
	const struct metrics_dev_stats *stats;	/* one per tunnel, same order */
	const struct ctl_reply *ike;		/* NULL: no daemon answers */
	int64_t uptime;				/* seconds; < 0: unknown */
};

/* Writes @s with \\, \" and \n escaped, as a label value takes it. */
void metrics_label_value(FILE *out, const char *s);
void metrics_format(FILE *out, const struct metrics_view *v);

#endif
