// SPDX-License-Identifier: GPL-2.0
/* The text of "sgwctl metrics": exact samples, escaping, family grouping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "metrics.h"

static char *format(const struct metrics_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	metrics_format(f, v);
	fclose(f);
	return buf;
}

static struct sgw_tunnel_info tunnel(uint32_t id, const char *ifname)
{
	struct sgw_tunnel_info t = {
		.id = id, .enabled = true,
		.local = { .family = AF_INET, .bytes = { 192, 0, 2, 1 } },
		.remote = { .family = AF_INET, .bytes = { 192, 0, 2, 2 } },
	};

	snprintf(t.ifname, sizeof(t.ifname), "%s", ifname);
	return t;
}

static void has(const char *text, const char *line)
{
	char *want;

	assert_true(asprintf(&want, "\n%s\n", line) > 0);
	if (!strstr(text, want) && strncmp(text, want + 1, strlen(want + 1)))
		fail_msg("missing line: %s\n%s", line, text);
	free(want);
}

/* How many lines of @text start with @prefix. */
static int count(const char *text, const char *prefix)
{
	const char *p = text;
	int n = 0;

	for (; *p; p = strchr(p, '\n') + 1) {
		if (!strncmp(p, prefix, strlen(prefix)))
			n++;
		if (!strchr(p, '\n'))
			break;
	}
	return n;
}

/*
 * The format's rules a parser relies on: each family has one HELP and one
 * TYPE line, and its samples follow them together, named after it.
 */
static void well_formed(const char *text)
{
	char family[128] = "", name[192], seen[4096] = " ";
	const char *p;

	for (p = text; *p; p = strchr(p, '\n') + 1) {
		size_t n = strcspn(p, "{ \n");

		if (!strncmp(p, "# HELP ", 7)) {
			n = strcspn(p + 7, " ");
			snprintf(family, sizeof(family), "%.*s", (int)n, p + 7);
			snprintf(name, sizeof(name), " %s ", family);
			if (strstr(seen, name))
				fail_msg("family %s twice", family);
			strncat(seen, name + 1, sizeof(seen) - strlen(seen) - 1);
		} else if (strncmp(p, "# TYPE ", 7)) {
			snprintf(name, sizeof(name), "%.*s", (int)n, p);
			if (strcmp(name, family))
				fail_msg("sample %s under family %s", name, family);
		}
		assert_non_null(strchr(p, '\n'));
	}
}

static void test_no_daemon_no_tunnels(void **state)
{
	struct sgw_tunnel_list tl = { 0 };
	struct metrics_view v = { .tunnels = &tl, .uptime = -1 };
	char *text = format(&v);

	(void)state;
	assert_string_equal(text,
		"# HELP sgw_daemon_up Whether the IKE daemon answers on its control socket.\n"
		"# TYPE sgw_daemon_up gauge\n"
		"sgw_daemon_up 0\n");
	free(text);
}

/* Kernel state only: the interface names the tunnel; no IKE families. */
static void test_kernel_only(void **state)
{
	struct sgw_tunnel_info t[2] = { tunnel(1, "sgw1"), tunnel(7, "branch7") };
	struct sgw_tunnel_list tl = { .v = t, .n = 2 };
	struct metrics_dev_stats st[2] = {
		{ .rx_bytes = 640, .tx_bytes = 1280, .rx_packets = 5, .tx_packets = 10 },
		{ 0 },
	};
	struct metrics_view v = { .tunnels = &tl, .stats = st, .uptime = -1 };
	char *text;

	(void)state;
	tl.v[0].drops[SGW_DROP_REPLAY] = 3;
	tl.v[1].enabled = false;
	tl.v[0].events[SGW_EV_ACQUIRE] = 2;
	text = format(&v);
	well_formed(text);
	has(text, "sgw_daemon_up 0");
	has(text, "# TYPE sgw_tunnel_receive_bytes_total counter");
	has(text, "sgw_tunnel_info{tunnel=\"sgw1\",id=\"1\",interface=\"sgw1\",local=\"192.0.2.1\",remote=\"192.0.2.2\"} 1");
	has(text, "sgw_tunnel_enabled{tunnel=\"branch7\",id=\"7\"} 0");
	has(text, "sgw_tunnel_receive_bytes_total{tunnel=\"sgw1\",id=\"1\"} 640");
	has(text, "sgw_tunnel_transmit_bytes_total{tunnel=\"sgw1\",id=\"1\"} 1280");
	has(text, "sgw_tunnel_receive_packets_total{tunnel=\"sgw1\",id=\"1\"} 5");
	has(text, "sgw_tunnel_transmit_packets_total{tunnel=\"sgw1\",id=\"1\"} 10");
	has(text, "sgw_tunnel_drops_total{tunnel=\"sgw1\",id=\"1\",reason=\"replay\"} 3");
	has(text, "sgw_tunnel_drops_total{tunnel=\"sgw1\",id=\"1\",reason=\"no-sa\"} 0");
	has(text, "sgw_tunnel_events_total{tunnel=\"sgw1\",id=\"1\",event=\"acquire\"} 2");
	/* Every reason of every tunnel, nothing of the daemon's. */
	assert_int_equal(count(text, "sgw_tunnel_drops_total{"), 2 * __SGW_DROP_MAX);
	assert_null(strstr(text, "sgw_tunnel_state"));
	assert_null(strstr(text, "rekeys"));
	assert_null(strstr(text, "sgw_daemon_uptime_seconds"));
	free(text);
}

/*
 * With the daemon: its name labels the kernel's tunnel; one state sample
 * per state; a tunnel only the daemon has gets the IKE families alone.
 */
static void test_with_daemon(void **state)
{
	struct sgw_tunnel_info t = tunnel(1, "sgw1");
	struct sgw_tunnel_list tl = { .v = &t, .n = 1 };
	struct metrics_dev_stats st = { .tx_packets = 5 };
	struct ctl_tunnel ike[2] = {
		{ .id = 1, .name = "hq", .ifname = "sgw1", .state = "established",
		  .child_rekeys = 4, .ike_rekeys = 1, .collisions = 2,
		  .failures = { [1] = 3 } },
		{ .id = 9, .name = "", .ifname = "sgw9", .state = "weird" },
	};
	struct ctl_reply r = {
		.ok = true, .n = 2, .v = ike,
		.load = { .valid = true, .half_open = 2, .cookies_demanded = true,
			  .cookies_sent = 7, .half_open_dropped = 1,
			  .half_open_expired = 5 },
	};
	struct metrics_view v = { .tunnels = &tl, .stats = &st, .ike = &r,
				  .uptime = 42 };
	char *text;

	(void)state;
	text = format(&v);
	well_formed(text);
	has(text, "sgw_daemon_up 1");
	has(text, "sgw_daemon_uptime_seconds 42");
	has(text, "sgw_daemon_tunnels 2");
	has(text, "sgw_daemon_ike_half_open 2");
	has(text, "sgw_daemon_ike_cookies_demanded 1");
	has(text, "sgw_daemon_ike_cookies_sent_total 7");
	has(text, "sgw_daemon_ike_half_open_dropped_total 1");
	has(text, "sgw_daemon_ike_half_open_expired_total 5");
	has(text, "sgw_tunnel_transmit_packets_total{tunnel=\"hq\",id=\"1\"} 5");
	has(text, "sgw_tunnel_state{tunnel=\"hq\",id=\"1\",state=\"established\"} 1");
	has(text, "sgw_tunnel_state{tunnel=\"hq\",id=\"1\",state=\"connecting\"} 0");
	has(text, "sgw_tunnel_state{tunnel=\"sgw9\",id=\"9\",state=\"idle\"} 0");
	has(text, "sgw_tunnel_state{tunnel=\"sgw9\",id=\"9\",state=\"weird\"} 1");
	assert_int_equal(count(text, "sgw_tunnel_state{tunnel=\"hq\""), 5);
	has(text, "sgw_tunnel_child_rekeys_total{tunnel=\"hq\",id=\"1\"} 4");
	has(text, "sgw_tunnel_ike_rekeys_total{tunnel=\"hq\",id=\"1\"} 1");
	has(text, "sgw_tunnel_rekey_collisions_total{tunnel=\"hq\",id=\"1\"} 2");
	has(text, "sgw_tunnel_ike_failures_total{tunnel=\"hq\",id=\"1\",reason=\"auth\"} 3");
	has(text, "sgw_tunnel_ike_failures_total{tunnel=\"hq\",id=\"1\",reason=\"timeout\"} 0");
	assert_int_equal(count(text, "sgw_tunnel_ike_failures_total{"),
			 2 * CTL_FAIL_KINDS);
	/* The daemon's unplaced tunnel has no kernel samples. */
	assert_null(strstr(text, "sgw_tunnel_enabled{tunnel=\"sgw9\""));
	free(text);
}

static void test_escaping(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	metrics_label_value(f, "a\"b\\c\nd");
	fclose(f);
	assert_string_equal(buf, "a\\\"b\\\\c\\nd");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_daemon_no_tunnels),
		cmocka_unit_test(test_kernel_only),
		cmocka_unit_test(test_with_daemon),
		cmocka_unit_test(test_escaping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
