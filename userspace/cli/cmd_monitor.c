// SPDX-License-Identifier: GPL-2.0
/* sgwctl monitor: print SA lifetime events as they happen. */

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "json.h"
#include "nl.h"
#include "print.h"

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

struct monitor {
	struct ctx *ctx;
	uint64_t left;		/* events still to print; 0 = no limit */
};

static int on_event(const struct sgw_event *ev, void *arg)
{
	struct monitor *m = arg;
	struct json j;

	if (m->ctx->json) {
		json_init(&j, stdout);
		print_event_json(&j, ev);
		json_end(&j);
	} else {
		print_event(stdout, ev);
		fflush(stdout);
	}
	return m->left && --m->left == 0;
}

/*
 * SIGINT and SIGTERM stay blocked except inside ppoll(), so a signal can
 * only end the wait, never slip in between the check and the wait.
 */
static int watch(struct sgwnl *nl, struct monitor *m)
{
	struct pollfd pfd = { .fd = sgwnl_events_fd(nl), .events = POLLIN };
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigset_t stops, waiting;
	int ret;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigprocmask(SIG_BLOCK, &stops, &waiting);
	sigdelset(&waiting, SIGINT);
	sigdelset(&waiting, SIGTERM);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	while (!stop_signal) {
		if (ppoll(&pfd, 1, NULL, &waiting) < 0) {
			if (errno == EINTR)
				continue;
			return fail("monitor: %s", strerror(errno));
		}
		ret = sgwnl_events_read(nl, on_event, m);
		if (ret == 1)
			break;
		if (ret == -ENOBUFS)
			fprintf(stderr, "sgwctl: monitor: %s\n", sgwnl_error(nl));
		else if (ret < 0)
			return fail("monitor: %s", sgwnl_error(nl));
	}
	return 0;
}

int cmd_monitor(struct ctx *ctx, int argc, char **argv)
{
	struct monitor m = { .ctx = ctx };
	bool hold = false;
	struct sgwnl *nl;
	int i, ret;

	for (i = 0; i < argc; i++) {
		char err[256];

		if (!strcmp(argv[i], "--hold")) {
			hold = true;
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			if (parse_u64("--count", argv[++i], 1, UINT64_MAX,
				      &m.left, err, sizeof(err)))
				return usage_error("monitor: %s", err);
		} else {
			return usage_error("monitor: unexpected \"%s\": the "
					   "options are --count N and --hold",
					   argv[i]);
		}
	}
	nl = open_kernel();
	if (!nl)
		return EXIT_FAIL;
	/* Registered before subscribed: once it listens, packets wait. */
	if (hold && sgwnl_register(nl))
		ret = fail("monitor: --hold: %s%s", sgwnl_error(nl),
			   "; only one IKE daemon (or monitor --hold) per network namespace");
	else if (sgwnl_events_join(nl))
		ret = fail("monitor: %s", sgwnl_error(nl));
	else
		ret = watch(nl, &m);
	sgwnl_close(nl);
	return ret;
}
