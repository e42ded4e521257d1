/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the cmocka tests of libsgwconf. */
#ifndef SGW_CONF_TESTUTIL_H
#define SGW_CONF_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "conf_check.h"
#include "conf_keys.h"
#include "conf_model.h"
#include "conf_parse.h"
#include "conf_print.h"

/* A tunnel with only the required keys, for tests to add lines to. */
#define MIN_TUNNEL \
	"[tunnel hq]\n" \
	"id = 1\n" \
	"remote = 198.51.100.1\n" \
	"psk-file = /etc/sgw/hq.psk\n"

/* Parses @text as "sgw.conf" (includes refused) and fails the test on error. */
void parse_ok(const char *text, struct sgw_conf *c);
/* Parses @text and asserts the exact error message. */
void parse_err(const char *text, const char *expected);
/* parse(print(c)) equals c in every print mode, and printing is stable. */
void assert_round_trip(const struct sgw_conf *c);

/* A fresh temporary directory; rm_tree() removes it. */
char *make_tmpdir(void);
void rm_tree(const char *dir);
/*
 * A fresh temporary directory per test in @tmpdir: tmpdir_setup() and
 * tmpdir_teardown() are cmocka fixtures.
 */
extern char *tmpdir;
int tmpdir_setup(void **state);
int tmpdir_teardown(void **state);
/* Writes @content to @dir/@rel, creating directories on the way. */
void write_file(const char *dir, const char *rel, const char *content);
/* malloc()ed printf. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
