// SPDX-License-Identifier: GPL-2.0
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

#include "sdnotify.h"

/* A datagram socket standing in for systemd; returns what it received. */
static void check_roundtrip(const char *name, int abstract)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char buf[64] = "", env[108];
	size_t len = strlen(name);
	ssize_t n;
	int fd;

	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	memcpy(sun.sun_path + (abstract ? 1 : 0), name, len);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
					  len + (abstract ? 1 : 0))), 0);
	snprintf(env, sizeof(env), "%s%s", abstract ? "@" : "", name);
	setenv("NOTIFY_SOCKET", env, 1);
	assert_int_equal(sd_notify_state("READY=1\nSTATUS=2 tunnels"), 0);
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_int_equal(n, 24);
	assert_string_equal(buf, "READY=1\nSTATUS=2 tunnels");
	close(fd);
	if (!abstract)
		unlink(name);
}

static void test_path_socket(void **state)
{
	char name[] = "/tmp/sgw-notify-XXXXXX";
	int tmp = mkstemp(name);

	(void)state;
	assert_true(tmp >= 0);
	close(tmp);
	unlink(name);
	check_roundtrip(name, 0);
}

static void test_abstract_socket(void **state)
{
	char name[64];

	(void)state;
	snprintf(name, sizeof(name), "sgw-notify-test-%ld", (long)getpid());
	check_roundtrip(name, 1);
}

static void test_no_manager(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(sd_notify_state("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_not_equal(sd_notify_state("READY=1"), 0);
}

static void test_status_text(void **state)
{
	unsigned int c[SD_COUNTS] = { 0 };
	char buf[128], small[20];

	(void)state;
	sd_status_text(c, buf, sizeof(buf));
	assert_string_equal(buf, "STATUS=0 tunnels");
	c[SD_IDLE] = 1;
	sd_status_text(c, buf, sizeof(buf));
	assert_string_equal(buf, "STATUS=1 tunnel: 1 idle");
	c[SD_ESTABLISHED] = 2;
	c[SD_CONNECTING] = 1;
	c[SD_IDLE] = 0;
	sd_status_text(c, buf, sizeof(buf));
	assert_string_equal(buf, "STATUS=3 tunnels: 2 established, "
			    "1 connecting");
	c[SD_FAILED] = 1;
	c[SD_DISABLED] = 4;
	sd_status_text(c, buf, sizeof(buf));
	assert_string_equal(buf, "STATUS=8 tunnels: 2 established, "
			    "1 connecting, 1 failed, 4 disabled");
	/* Cut short, never overrun. */
	sd_status_text(c, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_text),
		cmocka_unit_test(test_path_socket),
		cmocka_unit_test(test_abstract_socket),
		cmocka_unit_test(test_no_manager),
	};

	return cmocka_run_group_tests_name("sdnotify", tests, NULL, NULL);
}
