// SPDX-License-Identifier: GPL-2.0
/* Control replies without blocking: a client that does not read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "outbox.h"

#define BIG (1 << 20)

static char *pattern(void)
{
	char *b = malloc(BIG);
	size_t i;

	assert_non_null(b);
	for (i = 0; i < BIG; i++)
		b[i] = (char)(i * 7 + i / 251);
	return b;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A megabyte to a blocking socket nobody reads: the call returns at once. */
static void reader_that_never_reads(void **state)
{
	struct outbox o = { 0 };
	char *want = pattern(), *got = malloc(BIG);
	size_t have = 0;
	double t;
	int sv[2];

	(void)state;
	assert_non_null(got);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	outbox_set(&o, pattern(), BIG);
	t = now_s();
	assert_int_equal(outbox_flush(&o, sv[0]), OUTBOX_PENDING);
	assert_true(now_s() - t < 1.0);
	assert_true(outbox_pending(&o));
	assert_true(o.off > 0 && o.off < BIG);
	/* The client reads at last: the rest follows, in order. */
	while (have < BIG) {
		ssize_t n = recv(sv[1], got + have, BIG - have, MSG_DONTWAIT);

		if (n > 0)
			have += (size_t)n;
		else if (outbox_pending(&o))
			assert_int_not_equal(outbox_flush(&o, sv[0]), OUTBOX_ERROR);
	}
	assert_false(outbox_pending(&o));
	assert_null(o.buf);
	assert_memory_equal(got, want, BIG);
	close(sv[0]);
	close(sv[1]);
	free(want);
	free(got);
}

/* A client that hung up: an error, no SIGPIPE, the reply freed by free. */
static void reader_gone(void **state)
{
	struct outbox o = { 0 };
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	outbox_set(&o, pattern(), BIG);
	assert_int_equal(outbox_flush(&o, sv[0]), OUTBOX_ERROR);
	outbox_free(&o);
	assert_false(outbox_pending(&o));
	close(sv[0]);
}

/* A short reply goes at once, and replacing a pending one frees it. */
static void short_reply_and_replace(void **state)
{
	struct outbox o = { 0 };
	char buf[8];
	char *m = strdup("ok\n");
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	outbox_set(&o, pattern(), BIG);
	outbox_set(&o, m, 3);
	assert_int_equal(outbox_flush(&o, sv[0]), OUTBOX_DONE);
	assert_int_equal(read(sv[1], buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "ok\n", 3);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reader_that_never_reads),
		cmocka_unit_test(reader_gone),
		cmocka_unit_test(short_reply_and_replace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
