// SPDX-License-Identifier: GPL-2.0
/*
 * sgw_conf_load_all(): every error of a file in one run, each once, and
 * what was read without error kept for the checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* @s with each "@" replaced by the temporary directory. */
static char *subst_dir(const char *s)
{
	char *out = calloc(1, strlen(s) * (strlen(tmpdir) + 1) + 1), *o = out;

	assert_non_null(out);
	for (; *s; s++) {
		if (*s == '@') {
			strcpy(o, tmpdir);
			o += strlen(tmpdir);
		} else {
			*o++ = *s;
		}
	}
	return out;
}

/*
 * Loads @rel of the temporary directory and compares the problems with
 * @want ("LINE: text after 'FILE:LINE: '", NULL-ended, in file order).
 */
static void expect_errors(const char *rel, const char *const *want,
			  struct sgw_conf *c)
{
	struct sgw_conf_problems p;
	char *path = xasprintf("%s/%s", tmpdir, rel);
	size_t i, n = 0;
	int r;

	while (want[n])
		n++;
	r = sgw_conf_load_all(path, c, &p);
	sgw_conf_problems_sort(c, &p);
	for (i = 0; i < p.count; i++)
		print_message("got: %s\n", p.v[i].text);
	assert_int_equal(r, (int)n);
	assert_int_equal(p.count, n);
	assert_int_equal(p.errors, n);
	for (i = 0; i < n; i++) {
		char *prefix = p.v[i].line ?
			xasprintf("%s:%u: ", p.v[i].file, p.v[i].line) :
			xasprintf("%s: ", p.v[i].file);
		char *got, *exp = subst_dir(want[i]);

		assert_int_equal(p.v[i].severity, SGW_CONF_SEV_ERROR);
		assert_memory_equal(p.v[i].text, prefix, strlen(prefix));
		got = xasprintf("%u: %s", p.v[i].line,
				p.v[i].text + strlen(prefix));
		assert_string_equal(got, exp);
		free(got);
		free(exp);
		free(prefix);
	}
	sgw_conf_problems_free(&p);
	free(path);
}

static void every_error_once(void **state)
{
	struct sgw_conf c;

	(void)state;
	write_file(tmpdir, "sgw.conf",
		   "[global]\n"					/* 1 */
		   "log-level = loud\n"				/* 2 */
		   "[tunnel hq]\n"				/* 3 */
		   "id = 1\n"					/* 4 */
		   "remote = 198.51.100.300\n"			/* 5 */
		   "psk-file = /etc/sgw/hq.psk\n"		/* 6 */
		   "remote-network = 10.1.0.0/16\n"		/* 7 */
		   "[tunnel branch]\n"				/* 8 */
		   "id = 2\n"					/* 9 */
		   "remote = 198.51.100.2\n"			/* 10 */
		   "psk-file = /etc/sgw/branch.psk\n"		/* 11 */
		   "[tunnle spare]\n"				/* 12 */
		   "id = 3\n"					/* 13 */
		   "nonsense\n"					/* 14 */
		   "[tunnel third]\n"				/* 15 */
		   "id = 2\n"					/* 16 */
		   "nat-traversal = maybe\n");			/* 17 */
	expect_errors("sgw.conf", (const char *const[]){
		"2: global: key \"log-level\": invalid value \"loud\" "
		"(expected error, warning, info or debug)",
		"5: tunnel \"hq\": key \"remote\": invalid value "
		"\"198.51.100.300\" (expected an IPv4 or IPv6 address, any, or "
		"a DNS name of letters, digits, hyphens and dots, 253 at "
		"most)",
		"7: tunnel \"hq\": unknown key \"remote-network\" (did you "
		"mean \"remote-networks\"?)",
		"12: unknown section \"[tunnle spare]\" (expected [global] or "
		"[tunnel NAME])",
		/* Its keys are skipped, but not a line that is no key. */
		"14: cannot parse \"nonsense\" (expected key = value, "
		"[section] or include PATH)",
		"15: tunnel \"third\": missing required keys \"remote\" and "
		"\"psk-file\"",
		"16: tunnel \"third\": key \"id\": id 2 is already used by "
		"tunnel \"branch\" (@/sgw.conf:8)",
		"17: tunnel \"third\": key \"nat-traversal\": invalid value "
		"\"maybe\" (expected yes or no)",
		NULL }, &c);
	/* The tunnels read, the broken ones marked. */
	assert_int_equal(c.n_tunnels, 3);
	assert_true(c.tunnels[0].parse_error);
	assert_false(c.tunnels[1].parse_error);
	assert_string_equal(c.tunnels[1].name, "branch");
	assert_int_equal(c.tunnels[1].id, 2);
	assert_true(c.tunnels[2].parse_error);
	sgw_conf_free(&c);
}

/* A bad value of a required key is one error, not two. */
static void no_cascade(void **state)
{
	struct sgw_conf_problems p;
	struct sgw_conf c;

	(void)state;
	write_file(tmpdir, "a.conf", "[tunnel hq]\nid = 0\nremote = x_y\n"
		   "psk-file = relative\n");
	expect_errors("a.conf", (const char *const[]){
		"2: tunnel \"hq\": key \"id\": invalid value \"0\" (expected "
		"1..65535)",
		"3: tunnel \"hq\": key \"remote\": invalid value \"x_y\" "
		"(expected an IPv4 or IPv6 address, any, or a DNS name of "
		"letters, digits, hyphens and dots, 253 at most)",
		"4: tunnel \"hq\": key \"psk-file\": invalid value "
		"\"relative\" (expected an absolute path)",
		NULL }, &c);
	/* The checks leave the broken tunnel alone. */
	assert_int_equal(sgw_conf_check(&c, &p), 0);
	assert_int_equal(p.count, 0);
	sgw_conf_problems_free(&p);
	sgw_conf_free(&c);
}

/* Files that cannot be read, at the top and included; bad bytes. */
static void files_and_bytes(void **state)
{
	struct sgw_conf c;

	(void)state;
	expect_errors("missing.conf", (const char *const[]){
		"0: No such file or directory", NULL }, &c);
	sgw_conf_free(&c);
	write_file(tmpdir, "b.conf", "include gone.conf\n"
		   "[tunnel hq]\nid = 1\nremote = 198.51.100.1\n"
		   "psk-file = /k\nmtu = 100\x01\n[global]\nlog-level = x\n");
	expect_errors("b.conf", (const char *const[]){
		"1: include @/gone.conf: No such file or directory",
		"6: control character 0x01 at column 10",
		"8: global: key \"log-level\": invalid value \"x\" (expected "
		"error, warning, info or debug)",
		NULL }, &c);
	/* The bad byte stood in the tunnel's section. */
	assert_int_equal(c.n_tunnels, 1);
	assert_true(c.tunnels[0].parse_error);
	sgw_conf_free(&c);
}

/* A clean file: no problem, and the same result as sgw_conf_load(). */
static void clean_file(void **state)
{
	struct sgw_conf c, d;
	struct sgw_conf_error err;
	char *path;

	(void)state;
	write_file(tmpdir, "ok.conf", MIN_TUNNEL "mss = 1360\n");
	expect_errors("ok.conf", (const char *const[]){ NULL }, &c);
	path = xasprintf("%s/ok.conf", tmpdir);
	assert_int_equal(sgw_conf_load(path, &d, &err), 0);
	assert_true(sgw_conf_equal(&c, &d));
	free(path);
	sgw_conf_free(&c);
	sgw_conf_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_error_once, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(no_cascade, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(files_and_bytes, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(clean_file, tmpdir_setup, tmpdir_teardown),
	};

	return cmocka_run_group_tests_name("load_all", tests, NULL, NULL);
}
