// SPDX-License-Identifier: GPL-2.0
/* The include directive, on real files in a temporary directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static char *tunnel_text(const char *name, int id)
{
	return xasprintf("[tunnel %s]\nid = %d\nremote = 198.51.100.%d\n"
			 "psk-file = /etc/sgw/%s.psk\n", name, id, id, name);
}

static void put_tunnel(const char *rel, const char *name, int id)
{
	char *t = tunnel_text(name, id);

	write_file(tmpdir, rel, t);
	free(t);
}

static void load_ok(const char *rel, struct sgw_conf *c)
{
	struct sgw_conf_error err;
	char *path = xasprintf("%s/%s", tmpdir, rel);

	if (sgw_conf_load(path, c, &err) < 0)
		fail_msg("unexpected error: %s", err.text);
	free(path);
}

/* @want has "@" where the temporary directory's name goes. */
static void load_err(const char *rel, const char *want)
{
	struct sgw_conf_error err;
	struct sgw_conf c;
	char *path = xasprintf("%s/%s", tmpdir, rel);
	char expect[2048];
	size_t used = 0;
	const char *w;

	for (w = want; *w && used < sizeof(expect) - 512; w++) {
		if (*w == '@')
			used += (size_t)snprintf(expect + used,
						 sizeof(expect) - used, "%s",
						 tmpdir);
		else
			expect[used++] = *w;
	}
	expect[used] = '\0';
	if (sgw_conf_load(path, &c, &err) == 0) {
		sgw_conf_free(&c);
		fail_msg("loaded, but expected: %s", expect);
	}
	assert_string_equal(err.text, expect);
	assert_int_equal(c.n_tunnels, 0);
	sgw_conf_free(&c);
	free(path);
}

static void glob_sorted_relative_to_file(void **state)
{
	char *cwd = getcwd(NULL, 0), *f;
	struct sgw_conf c;

	(void)state;
	write_file(tmpdir, "sgw.conf", "[global]\nlog-level = debug\n"
		   "include conf.d/*.conf   # sites\n");
	put_tunnel("conf.d/b.conf", "b", 2);
	put_tunnel("conf.d/a.conf", "a", 1);
	put_tunnel("conf.d/10.conf", "ten", 10);
	put_tunnel("conf.d/B.conf", "upper", 11);
	write_file(tmpdir, "conf.d/notes.txt", "not a config\n");
	write_file(tmpdir, "conf.d/.hidden.conf", "not a config either\n");
	write_file(tmpdir, "conf.d/a.conf~", "an editor backup\n");
	/* Relative to the including file, not to the working directory. */
	assert_int_equal(chdir("/"), 0);
	load_ok("sgw.conf", &c);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(c.n_tunnels, 4);
	/* Byte order: digits, upper case, lower case. */
	assert_string_equal(c.tunnels[0].name, "ten");
	assert_string_equal(c.tunnels[1].name, "upper");
	assert_string_equal(c.tunnels[2].name, "a");
	assert_string_equal(c.tunnels[3].name, "b");
	f = xasprintf("%s/conf.d/a.conf", tmpdir);
	assert_string_equal(c.tunnels[2].file, f);
	assert_int_equal(c.tunnels[2].line, 1);
	assert_int_equal(c.n_files, 5);
	assert_int_equal(c.global.log_level, SGW_CONF_LOG_DEBUG);
	free(f);
	free(cwd);
	sgw_conf_free(&c);
}

/* Only the pattern globs: a directory named "[x]*" is taken literally. */
static void directory_with_glob_characters(void **state)
{
	struct sgw_conf c;

	(void)state;
	write_file(tmpdir, "[x]*/sgw.conf", "include conf.d/*.conf\n");
	put_tunnel("[x]*/conf.d/a.conf", "a", 1);
	write_file(tmpdir, "x/conf.d/b.conf", "not even a config\n");
	load_ok("[x]*/sgw.conf", &c);
	assert_int_equal(c.n_tunnels, 1);
	assert_string_equal(c.tunnels[0].name, "a");
	sgw_conf_free(&c);
}

static void nested_and_absolute(void **state)
{
	struct sgw_conf c;
	char *text, *f;

	(void)state;
	text = xasprintf("include conf.d/x.conf\ninclude %s/abs/z.conf\n",
			 tmpdir);
	write_file(tmpdir, "sgw.conf", text);
	free(text);
	write_file(tmpdir, "conf.d/x.conf", "include sub/y.conf\n");
	put_tunnel("conf.d/sub/y.conf", "y", 1);
	put_tunnel("abs/z.conf", "z", 2);
	load_ok("sgw.conf", &c);
	assert_int_equal(c.n_tunnels, 2);
	f = xasprintf("%s/conf.d/sub/y.conf", tmpdir);
	assert_string_equal(c.tunnels[0].file, f);
	free(f);
	f = xasprintf("%s/abs/z.conf", tmpdir);
	assert_string_equal(c.tunnels[1].file, f);
	free(f);
	sgw_conf_free(&c);
}

static void missing_things(void **state)
{
	struct sgw_conf c;

	(void)state;
	/* A glob over a missing directory matches nothing, quietly. */
	write_file(tmpdir, "sgw.conf", "include nothere/*.conf\n"
		   "include conf.d/*.conf\n");
	write_file(tmpdir, "conf.d/keep", "");
	load_ok("sgw.conf", &c);
	assert_int_equal(c.n_tunnels, 0);
	sgw_conf_free(&c);
	/* A named file must exist. */
	write_file(tmpdir, "sgw.conf", "\ninclude nope.conf\n");
	load_err("sgw.conf", "@/sgw.conf:2: include @/nope.conf: No such "
		 "file or directory");
	write_file(tmpdir, "sgw.conf", "include conf.d\n");
	load_err("sgw.conf", "@/sgw.conf:1: include @/conf.d: not a regular "
		 "file");
}

static void glob_matching_a_directory(void **state)
{
	char *sub = xasprintf("%s/conf.d/dir.conf", tmpdir);

	(void)state;
	write_file(tmpdir, "sgw.conf", "include conf.d/*.conf\n");
	write_file(tmpdir, "conf.d/keep", "");
	assert_int_equal(mkdir(sub, 0755), 0);
	load_err("sgw.conf", "@/sgw.conf:1: include @/conf.d/dir.conf: not a "
		 "regular file");
	free(sub);
}

static void depth_limit(void **state)
{
	char name[32], text[64];
	struct sgw_conf c;
	int i;

	(void)state;
	/* f0 is the top file; f1..f8 are 8 nested levels: allowed. */
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "f%d.conf", i);
		snprintf(text, sizeof(text), "include f%d.conf\n", i + 1);
		write_file(tmpdir, name, text);
	}
	put_tunnel("f8.conf", "deep", 8);
	load_ok("f0.conf", &c);
	assert_int_equal(c.n_tunnels, 1);
	assert_int_equal(c.n_files, 9);
	sgw_conf_free(&c);
	/* A ninth level is refused. */
	write_file(tmpdir, "f8.conf", "include f9.conf\n");
	put_tunnel("f9.conf", "deeper", 9);
	load_err("f0.conf", "@/f8.conf:1: include f9.conf: nested too deeply "
		 "(at most 8 levels)");
}

static void cycles(void **state)
{
	char *link;

	(void)state;
	write_file(tmpdir, "a.conf", "include b.conf\n");
	write_file(tmpdir, "b.conf", "# back\ninclude a.conf\n");
	load_err("a.conf", "@/b.conf:2: include @/a.conf: include cycle: "
		 "@/a.conf -> @/b.conf -> @/a.conf");
	write_file(tmpdir, "self.conf", "include self.conf\n");
	load_err("self.conf", "@/self.conf:1: include @/self.conf: include "
		 "cycle: @/self.conf -> @/self.conf");
	/* The same file by another name is still the same file. */
	link = xasprintf("%s/link.conf", tmpdir);
	assert_int_equal(symlink("s.conf", link), 0);
	free(link);
	write_file(tmpdir, "s.conf", "include link.conf\n");
	load_err("s.conf", "@/s.conf:1: include @/link.conf: include cycle: "
		 "@/s.conf -> @/link.conf");
	write_file(tmpdir, "c.conf", "include d/../c.conf\n");
	write_file(tmpdir, "d/keep", "");
	load_err("c.conf", "@/c.conf:1: include @/d/../c.conf: include cycle: "
		 "@/c.conf -> @/d/../c.conf");
	/* A glob that matches its own file. */
	write_file(tmpdir, "g/all.conf", "include *.conf\n");
	load_err("g/all.conf", "@/g/all.conf:1: include @/g/all.conf: include "
		 "cycle: @/g/all.conf -> @/g/all.conf");
}

static void include_ends_section(void **state)
{
	(void)state;
	write_file(tmpdir, "sgw.conf", "[tunnel hq]\nid = 1\n"
		   "remote = 198.51.100.1\npsk-file = /k\n"
		   "include conf.d/*.conf\nmtu = 1400\n");
	load_err("sgw.conf", "@/sgw.conf:6: key \"mtu\" is outside of any "
		 "section (the include on line 5 ended the section before it; "
		 "start one with [global] or [tunnel NAME])");
	/* A section cut short by an include must be complete there. */
	write_file(tmpdir, "sgw.conf", "[tunnel hq]\nid = 1\n"
		   "include conf.d/*.conf\n");
	load_err("sgw.conf", "@/sgw.conf:1: tunnel \"hq\": missing required "
		 "keys \"remote\" and \"psk-file\"");
	/* An included file starts outside of any section. */
	write_file(tmpdir, "sgw.conf", "[global]\ninclude more.conf\n");
	write_file(tmpdir, "more.conf", "log-level = debug\n");
	load_err("sgw.conf", "@/more.conf:1: key \"log-level\" is outside of "
		 "any section (start one with [global] or [tunnel NAME])");
}

static void duplicates_across_files(void **state)
{
	(void)state;
	write_file(tmpdir, "sgw.conf", "[global]\nlog-level = info\n"
		   "include conf.d/*.conf\n");
	put_tunnel("conf.d/a.conf", "hq", 1);
	put_tunnel("conf.d/b.conf", "hq", 2);
	load_err("sgw.conf", "@/conf.d/b.conf:1: duplicate tunnel \"hq\" "
		 "(first defined at @/conf.d/a.conf:1)");
	put_tunnel("conf.d/b.conf", "other", 1);
	load_err("sgw.conf", "@/conf.d/b.conf:2: tunnel \"other\": key \"id\": "
		 "id 1 is already used by tunnel \"hq\" (@/conf.d/a.conf:1)");
	write_file(tmpdir, "conf.d/b.conf", "\n[global]\nlog-level = debug\n");
	load_err("sgw.conf", "@/conf.d/b.conf:3: global: duplicate key "
		 "\"log-level\" (first set at @/sgw.conf:2)");
}

static void errors_name_the_included_file(void **state)
{
	(void)state;
	write_file(tmpdir, "sgw.conf", "include conf.d/*.conf\n");
	write_file(tmpdir, "conf.d/a.conf", "[tunnel a]\nid = 1\nmtu = x\n");
	load_err("sgw.conf", "@/conf.d/a.conf:3: tunnel \"a\": key \"mtu\": "
		 "invalid value \"x\" (expected auto or 68..65535)");
}

/* The buffer parser resolves includes against its name's directory. */
static void buffer_with_includes(void **state)
{
	struct sgw_conf_error err;
	struct sgw_conf c;
	char *name = xasprintf("%s/virtual.conf", tmpdir);
	const char text[] = "include conf.d/*.conf\n";

	(void)state;
	put_tunnel("conf.d/a.conf", "a", 1);
	assert_int_equal(sgw_conf_parse_buffer(name, text, sizeof(text) - 1, 0,
					       &c, &err), 0);
	assert_int_equal(c.n_tunnels, 1);
	sgw_conf_free(&c);
	assert_int_equal(sgw_conf_parse_buffer(name, text, sizeof(text) - 1,
					       SGW_CONF_NO_INCLUDE, &c, &err),
			 -1);
	assert_null(strstr(err.text, "conf.d/a.conf"));
	sgw_conf_free(&c);
	free(name);
}

/* A file someone else could have changed is refused, included or not. */
static void writable_files_refused(void **state)
{
	char *top = xasprintf("%s/sgw.conf", tmpdir);
	char *inc = xasprintf("%s/conf.d/a.conf", tmpdir);
	struct sgw_conf c;

	(void)state;
	write_file(tmpdir, "sgw.conf", "include conf.d/*.conf\n");
	put_tunnel("conf.d/a.conf", "a", 1);
	assert_int_equal(chmod(top, 0644), 0);
	assert_int_equal(chmod(inc, 0644), 0);
	load_ok("sgw.conf", &c);
	sgw_conf_free(&c);

	assert_int_equal(chmod(top, 0666), 0);
	load_err("sgw.conf", "@/sgw.conf: writable by others (mode 0666): "
		 "refused; 'chmod go-w @/sgw.conf' keeps it to its owner");
	assert_int_equal(chmod(top, 0644), 0);
	assert_int_equal(chmod(inc, 0664), 0);
	load_err("sgw.conf", "@/sgw.conf:1: include @/conf.d/a.conf: writable "
		 "by its group (mode 0664): refused; 'chmod go-w "
		 "@/conf.d/a.conf' keeps it to its owner");
	assert_int_equal(chmod(inc, 0644), 0);
	/* Owned by another user: only root can make one here. */
	if (geteuid() == 0) {
		assert_int_equal(chown(inc, 65534, 65534), 0);
		load_err("sgw.conf", "@/sgw.conf:1: include @/conf.d/a.conf: "
			 "owned by uid 65534, neither root nor this user "
			 "(uid 0): refused; 'chown root @/conf.d/a.conf'");
	}
	free(top);
	free(inc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(glob_sorted_relative_to_file,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(nested_and_absolute, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(directory_with_glob_characters,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(missing_things, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(glob_matching_a_directory,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(depth_limit, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(cycles, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(include_ends_section, tmpdir_setup,
						tmpdir_teardown),
		cmocka_unit_test_setup_teardown(duplicates_across_files,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(errors_name_the_included_file,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(writable_files_refused,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(buffer_with_includes, tmpdir_setup,
						tmpdir_teardown),
	};

	return cmocka_run_group_tests_name("include", tests, NULL, NULL);
}
