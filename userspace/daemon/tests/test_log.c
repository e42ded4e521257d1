// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's log as the journal receives it: dlog() and log_events()
 * against a fake journal socket, with the engine's tunnel state stubbed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon_priv.h"
#include "journal.h"

/* The engine as log.c sees it: one tunnel whose state the test sets. */
static struct ike_tunnel_status stub;

struct rtun *rtun_by_id(struct daemon *d, uint32_t id)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->t[i].id == id)
			return &d->t[i];
	return NULL;
}

enum ike_tunnel_state tunnel_state(struct daemon *d, const struct rtun *rt)
{
	(void)d;
	(void)rt;
	return stub.state;
}

int ike_engine_status(const struct ike_engine *e, uint32_t id,
		      struct ike_tunnel_status *st)
{
	(void)e;
	(void)id;
	*st = stub;
	return 0;
}

struct fixture {
	char dir[64], path[96];
	int fd;
	struct daemon d;
	struct rtun t;
};

static int setup(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/sgw-log-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/socket", f->dir);
	strcpy(sun.sun_path, f->path);
	f->fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(f->fd >= 0);
	assert_int_equal(bind(f->fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	f->d.level = SGW_CONF_LOG_INFO;
	f->d.journal_path = f->path;
	f->t.id = 3;
	f->t.enabled = f->t.in_engine = true;
	strcpy(f->t.name, "gw");
	f->t.remote.family = AF_INET;
	memcpy(f->t.remote.bytes, "\xc0\x00\x02\x02", 4);
	f->d.t = &f->t;
	f->d.n = 1;
	memset(&stub, 0, sizeof(stub));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	close(f->fd);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* The next record, as a string; "" when none came. */
static const char *next(struct fixture *f)
{
	static char buf[JOURNAL_MAX + 1];
	ssize_t n = recv(f->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void test_tunnel_message(void **state)
{
	struct fixture *f = *state;

	engine_log(&f->d, IKE_LOG_WARN, 3, "peer 192.0.2.2 deleted the IKE SA");
	assert_string_equal(next(f),
		"MESSAGE=tunnel gw: peer 192.0.2.2 deleted the IKE SA\n"
		"PRIORITY=4\n"
		"SYSLOG_IDENTIFIER=sgw\n"
		"SGW_TUNNEL=gw\n"
		"SGW_PEER=192.0.2.2\n");
	dlog(&f->d, SGW_CONF_LOG_INFO, NULL, "reloaded: %d tunnel", 1);
	assert_string_equal(next(f),
		"MESSAGE=reloaded: 1 tunnel\n"
		"PRIORITY=6\n"
		"SYSLOG_IDENTIFIER=sgw\n");
	/* Below the log level: nothing. */
	dlog(&f->d, SGW_CONF_LOG_DEBUG, "gw", "sending");
	assert_string_equal(next(f), "");
}

static void test_events(void **state)
{
	struct fixture *f = *state;

	stub.state = IKE_TUNNEL_CONNECTING;
	log_events(&f->d);
	assert_string_equal(next(f),
		"MESSAGE=tunnel gw: negotiating\n"
		"PRIORITY=6\n"
		"SYSLOG_IDENTIFIER=sgw\n"
		"SGW_TUNNEL=gw\n"
		"SGW_PEER=192.0.2.2\n"
		"SGW_EVENT=connecting\n");
	/* No change, no record. */
	log_events(&f->d);
	assert_string_equal(next(f), "");
	stub.state = IKE_TUNNEL_ESTABLISHED;
	stub.spi_i = 0x1122334455667788ULL;
	stub.spi_r = 0x99;
	log_events(&f->d);
	assert_string_equal(next(f),
		"MESSAGE=tunnel gw: established (IKE SA 1122334455667788_i "
		"0000000000000099_r)\n"
		"PRIORITY=6\n"
		"SYSLOG_IDENTIFIER=sgw\n"
		"SGW_TUNNEL=gw\n"
		"SGW_PEER=192.0.2.2\n"
		"SGW_EVENT=established\n"
		"MESSAGE_ID=42b8576e4a6a40c7a11e453a12c02b66\n");
	stub.child_rekeys = 1;
	log_events(&f->d);
	assert_string_equal(next(f),
		"MESSAGE=tunnel gw: rekeyed (1 so far)\n"
		"PRIORITY=6\n"
		"SYSLOG_IDENTIFIER=sgw\n"
		"SGW_TUNNEL=gw\n"
		"SGW_PEER=192.0.2.2\n"
		"SGW_EVENT=rekeyed\n"
		"MESSAGE_ID=6a8e51fbed2945a3911003e6846c346a\n");
	stub.state = IKE_TUNNEL_FAILED;
	strcpy(stub.last_failure, "AUTHENTICATION_FAILED from the peer");
	log_events(&f->d);
	assert_string_equal(next(f),
		"MESSAGE=tunnel gw: IKE SA deleted\n"
		"PRIORITY=6\n"
		"SYSLOG_IDENTIFIER=sgw\n"
		"SGW_TUNNEL=gw\n"
		"SGW_PEER=192.0.2.2\n"
		"SGW_EVENT=deleted\n"
		"MESSAGE_ID=a8f6a20f9c024932a4828b84a0f424b0\n");
	assert_string_equal(next(f),
		"MESSAGE=tunnel gw: failed: AUTHENTICATION_FAILED from the peer\n"
		"PRIORITY=4\n"
		"SYSLOG_IDENTIFIER=sgw\n"
		"SGW_TUNNEL=gw\n"
		"SGW_PEER=192.0.2.2\n"
		"SGW_EVENT=failed\n"
		"MESSAGE_ID=577d2d49c5984d9497cc62d4e580612d\n");
	assert_string_equal(next(f), "");
}

/* The journal gone: the line goes to stderr instead, not lost. */
static void test_fallback(void **state)
{
	struct fixture *f = *state;
	char name[] = "/tmp/sgw-log-err-XXXXXX", buf[256] = "";
	int tmp = mkstemp(name), saved = dup(STDERR_FILENO);
	FILE *in;

	assert_true(tmp >= 0 && saved >= 0);
	f->d.journal_path = "/nonexistent/sgw/socket";
	f->d.journal = true;
	fflush(stderr);
	dup2(tmp, STDERR_FILENO);
	dlog(&f->d, SGW_CONF_LOG_ERROR, "gw", "cannot initiate: %s", "no route");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	in = fdopen(tmp, "r");
	assert_non_null(in);
	rewind(in);
	assert_non_null(fgets(buf, sizeof(buf), in));
	assert_string_equal(buf, "<3>sgw error: tunnel gw: cannot initiate: no route\n");
	fclose(in);
	unlink(name);
}

/* A message longer than the line buffer ends in the marker. */
static void test_long_message(void **state)
{
	struct fixture *f = *state;
	char *big = malloc(5000);
	const char *got;
	size_t len;

	assert_non_null(big);
	memset(big, 'y', 4999);
	big[4999] = '\0';
	dlog(&f->d, SGW_CONF_LOG_INFO, NULL, "%s", big);
	got = next(f);
	len = strlen(got);
	assert_true(len > 2000);
	assert_memory_equal(got, "MESSAGE=yyy", 11);
	assert_non_null(strstr(got, "yyy" JOURNAL_CUT "\nPRIORITY=6\n"));
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tunnel_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_message, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
