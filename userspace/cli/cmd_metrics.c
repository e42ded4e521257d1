// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl metrics: the gateway as Prometheus text exposition format 0.0.4,
 * for node_exporter's textfile collector or any scraper. The kernel part
 * (tunnels, their device totals, drops and path-MTU events) comes from the
 * same netlink dump as "sgwctl show"; the IKE part (state, rekeys, IKE
 * failures) from the daemon's status. Without a daemon, the kernel part
 * and sgw_daemon_up 0. metrics.c writes the text.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "daemon_client.h"
#include "devstat.h"
#include "metrics.h"
#include "nl.h"

/*
 * The daemon's age: its pid from the namespace's lock file (ctl.h), its
 * start from /proc/PID/stat (field 22, clock ticks after boot). -1 when
 * either cannot be read.
 */
static int64_t daemon_uptime(void)
{
	char sock[256], lock[256], buf[1024], *p;
	unsigned long long start;
	double up;
	long pid = 0, hz = sysconf(_SC_CLK_TCK);
	FILE *f;
	size_t n;
	int field;

	if (ctl_paths(sock, sizeof(sock), lock, sizeof(lock)) || hz <= 0)
		return -1;
	f = fopen(lock, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	snprintf(buf, sizeof(buf), "/proc/%ld/stat", pid);
	if (pid <= 0 || !(f = fopen(buf, "re")))
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The name in parentheses may hold spaces: count after its end. */
	p = strrchr(buf, ')');
	for (field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", &start) != 1)
		return -1;
	f = fopen("/proc/uptime", "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lf", &up) != 1)
		up = -1;
	fclose(f);
	if (up < 0 || up < (double)start / hz)
		return -1;
	return (int64_t)(up - (double)start / hz);
}

int cmd_metrics(struct ctx *ctx, int argc, char **argv)
{
	struct sgw_tunnel_list tunnels = { 0 };
	struct metrics_dev_stats *stats = NULL;
	struct metrics_view v = { .tunnels = &tunnels, .uptime = -1 };
	struct ctl_reply ike;
	struct sgwnl *nl;
	bool running;
	size_t i;
	int ret = 0;

	(void)argv;
	if (ctx->json)
		return usage_error("metrics: the output is Prometheus text; "
				   "-j does not apply");
	if (argc)
		return usage_error("metrics: takes no arguments");
	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	if (sgwnl_tunnel_dump(nl, &tunnels)) {
		ret = fail("metrics: %s", sgwnl_error(nl));
		goto out;
	}
	stats = calloc(tunnels.n ? tunnels.n : 1, sizeof(*stats));
	if (!stats) {
		ret = fail("metrics: out of memory");
		goto out;
	}
	for (i = 0; i < tunnels.n; i++) {
		const char *ifn = tunnels.v[i].ifname;

		stats[i].rx_bytes = devstat_counter(ifn, "rx_bytes");
		stats[i].tx_bytes = devstat_counter(ifn, "tx_bytes");
		stats[i].rx_packets = devstat_counter(ifn, "rx_packets");
		stats[i].tx_packets = devstat_counter(ifn, "tx_packets");
	}
	v.stats = stats;
	running = daemon_status(&ike) == 0;
	if (running) {
		v.ike = &ike;
		v.uptime = daemon_uptime();
	}
	metrics_format(stdout, &v);
	if (running)
		ctl_reply_free(&ike);
	if (fflush(stdout))
		ret = fail("metrics: cannot write the output");
out:
	free(stats);
	sgw_tunnel_list_free(&tunnels);
	sgwnl_close(nl);
	return ret;
}
