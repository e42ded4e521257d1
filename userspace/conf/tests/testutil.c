// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

void parse_ok(const char *text, struct sgw_conf *c)
{
	struct sgw_conf_error err;

	if (sgw_conf_parse_buffer("sgw.conf", text, strlen(text),
				  SGW_CONF_NO_INCLUDE, c, &err) < 0)
		fail_msg("unexpected error: %s\n--- input:\n%s", err.text,
			 text);
}

void parse_err(const char *text, const char *expected)
{
	struct sgw_conf_error err;
	struct sgw_conf c;

	if (sgw_conf_parse_buffer("sgw.conf", text, strlen(text),
				  SGW_CONF_NO_INCLUDE, &c, &err) == 0) {
		sgw_conf_free(&c);
		fail_msg("parsed, but expected: %s\n--- input:\n%s", expected,
			 text);
	}
	assert_string_equal(err.text, expected);
	/* A failed parse leaves nothing behind. */
	assert_int_equal(c.n_tunnels, 0);
	assert_null(c.tunnels);
	sgw_conf_free(&c);
}

void assert_round_trip(const struct sgw_conf *c)
{
	static const unsigned int modes[] = {
		0, SGW_CONF_PRINT_DEFAULTS, SGW_CONF_PRINT_ORIGIN,
		SGW_CONF_PRINT_DEFAULTS | SGW_CONF_PRINT_ORIGIN,
	};
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct sgw_conf_error err;
		struct sgw_conf d;
		char *text, *again;

		text = sgw_conf_print_string(c, modes[i]);
		assert_non_null(text);
		if (sgw_conf_parse_buffer("printed.conf", text, strlen(text),
					  SGW_CONF_NO_INCLUDE, &d, &err) < 0)
			fail_msg("printed config does not parse: %s\n%s",
				 err.text, text);
		if (!sgw_conf_equal(c, &d))
			fail_msg("round trip changed the config:\n%s", text);
		again = sgw_conf_print_string(&d, modes[i] &
					      ~SGW_CONF_PRINT_ORIGIN);
		assert_non_null(again);
		if (!(modes[i] & SGW_CONF_PRINT_ORIGIN))
			assert_string_equal(text, again);
		free(again);
		free(text);
		sgw_conf_free(&d);
	}
}

char *make_tmpdir(void)
{
	char *d = strdup("/tmp/sgwconf-test.XXXXXX");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void write_file(const char *dir, const char *rel, const char *content)
{
	char *path = xasprintf("%s/%s", dir, rel);
	char *slash;
	FILE *f;

	for (slash = strchr(path + strlen(dir) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*slash = '/';
	}
	f = fopen(path, "w");
	if (!f)
		fail_msg("fopen %s: %s", path, strerror(errno));
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
	free(path);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	assert_true(r >= 0);
	return s;
}

char *tmpdir;

int tmpdir_setup(void **state)
{
	(void)state;
	tmpdir = make_tmpdir();
	return 0;
}

int tmpdir_teardown(void **state)
{
	(void)state;
	rm_tree(tmpdir);
	free(tmpdir);
	tmpdir = NULL;
	return 0;
}
