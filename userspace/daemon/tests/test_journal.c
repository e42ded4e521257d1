// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "journal.h"

/* A datagram socket in a temporary folder, standing in for journald. */
struct fake {
	char dir[64], path[96];
	int fd;
};

static void fake_open(struct fake *f)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	strcpy(f->dir, "/tmp/sgw-journal-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/socket", f->dir);
	strcpy(sun.sun_path, f->path);
	f->fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(f->fd >= 0);
	assert_int_equal(bind(f->fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
}

static size_t fake_recv(struct fake *f, uint8_t *buf, size_t len)
{
	ssize_t n = recv(f->fd, buf, len, MSG_DONTWAIT);

	assert_true(n >= 0);
	return (size_t)n;
}

static void fake_close(struct fake *f)
{
	close(f->fd);
	unlink(f->path);
	rmdir(f->dir);
}

static void test_record_fields(void **state)
{
	static const char want[] =
		"MESSAGE=tunnel gw: established (IKE SA 1_i 2_r)\n"
		"PRIORITY=6\n"
		"SYSLOG_IDENTIFIER=sgw\n"
		"SGW_TUNNEL=gw\n"
		"SGW_PEER=192.0.2.2\n"
		"SGW_EVENT=established\n"
		"MESSAGE_ID=42b8576e4a6a40c7a11e453a12c02b66\n";
	uint8_t buf[JOURNAL_MAX], got[JOURNAL_MAX + 1];
	struct fake f;
	size_t len;

	(void)state;
	fake_open(&f);
	len = journal_record(buf, 6, "gw", "192.0.2.2", "established",
			     "established (IKE SA 1_i 2_r)");
	assert_int_equal(len, sizeof(want) - 1);
	assert_int_equal(journal_send(f.path, buf, len), 0);
	assert_int_equal(fake_recv(&f, got, sizeof(got)), sizeof(want) - 1);
	assert_memory_equal(got, want, sizeof(want) - 1);
	fake_close(&f);
}

/* Without a tunnel: no SGW_ fields, no tunnel in the message. */
static void test_record_plain(void **state)
{
	static const char want[] =
		"MESSAGE=reloaded: 1 tunnel\n"
		"PRIORITY=3\n"
		"SYSLOG_IDENTIFIER=sgw\n";
	uint8_t buf[JOURNAL_MAX];

	(void)state;
	assert_int_equal(journal_record(buf, 3, NULL, NULL, NULL,
					"reloaded: 1 tunnel"), sizeof(want) - 1);
	assert_memory_equal(buf, want, sizeof(want) - 1);
	/* An event without a MESSAGE_ID of its own. */
	assert_null(journal_message_id("connecting"));
	assert_non_null(journal_message_id("failed"));
}

/* A value with a newline goes length-prefixed, little endian. */
static void test_binary_value(void **state)
{
	static const uint8_t want[] =
		"MESSAGE\n\x0b\0\0\0\0\0\0\0line1\nline2\n"
		"PRIORITY=4\n"
		"SYSLOG_IDENTIFIER=sgw\n";
	uint8_t buf[JOURNAL_MAX];

	(void)state;
	assert_int_equal(journal_record(buf, 4, NULL, NULL, NULL,
					"line1\nline2"), sizeof(want) - 1);
	assert_memory_equal(buf, want, sizeof(want) - 1);
}

/* Too long for one datagram: cut to fit, with the marker, not lost. */
static void test_truncated(void **state)
{
	char *big = malloc(2 * JOURNAL_MAX);
	uint8_t buf[JOURNAL_MAX], got[JOURNAL_MAX + 1];
	struct journal_field fl[] = {
		{ "MESSAGE", big }, { "SGW_TUNNEL", "gw" },
	};
	static const char tail[] = JOURNAL_CUT "\nSGW_TUNNEL=gw\n";
	struct fake f;
	size_t len;

	(void)state;
	assert_non_null(big);
	memset(big, 'x', 2 * JOURNAL_MAX - 1);
	big[2 * JOURNAL_MAX - 1] = '\0';
	len = journal_build(buf, fl, 2);
	assert_true(len > JOURNAL_MAX - 16 && len <= JOURNAL_MAX);
	assert_memory_equal(buf, "MESSAGE=xxx", 11);
	assert_memory_equal(buf + len - (sizeof(tail) - 1), tail,
			    sizeof(tail) - 1);
	fake_open(&f);
	assert_int_equal(journal_send(f.path, buf, len), 0);
	assert_int_equal(fake_recv(&f, got, sizeof(got)), len);
	fake_close(&f);
	free(big);
}

/* No journal listening: an error, for the caller to fall back to stderr. */
static void test_no_socket(void **state)
{
	uint8_t buf[JOURNAL_MAX];
	size_t len = journal_record(buf, 6, NULL, NULL, NULL, "x");

	(void)state;
	assert_true(journal_send("/nonexistent/sgw/socket", buf, len) < 0);
}

/* JOURNAL_STREAM must name stderr's own file, not merely be set. */
static void test_stream_match(void **state)
{
	struct stat st;
	char env[64];

	(void)state;
	unsetenv("JOURNAL_STREAM");
	assert_false(journal_stderr());
	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	assert_true(journal_stderr());
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + 1);
	setenv("JOURNAL_STREAM", env, 1);
	assert_false(journal_stderr());
	unsetenv("JOURNAL_STREAM");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_fields),
		cmocka_unit_test(test_record_plain),
		cmocka_unit_test(test_binary_value),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_no_socket),
		cmocka_unit_test(test_stream_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
