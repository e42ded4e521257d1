// SPDX-License-Identifier: GPL-2.0
/*
 * Pre-shared keys (decoding, reading as the daemon does, generating) and
 * the host checks of "config check", on real files.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_host.h"
#include "testutil.h"

static void decodes_to(const char *text, const void *want, size_t wlen)
{
	uint8_t key[SGW_CONF_PSK_MAX];
	char why[128] = "";
	size_t len = 0;

	if (sgw_conf_psk_decode(text, strlen(text), key, &len, why,
				sizeof(why)) < 0)
		fail_msg("\"%s\": %s", text, why);
	assert_int_equal(len, wlen);
	assert_memory_equal(key, want, wlen);
}

static void refused(const char *text, const char *want)
{
	uint8_t key[SGW_CONF_PSK_MAX];
	char why[128] = "";
	size_t len = 0;

	assert_int_equal(sgw_conf_psk_decode(text, strlen(text), key, &len,
					     why, sizeof(why)), -1);
	assert_string_equal(why, want);
}

/* strongSwan's secret encodings, and the raw bytes otherwise. */
static void decode(void **state)
{
	char big[2 * SGW_CONF_PSK_MAX + 8];

	(void)state;
	decodes_to("secret", "secret", 6);
	decodes_to("0x00ff10Ab", "\x00\xff\x10\xab", 4);
	decodes_to("0X7a", "z", 1);
	/* RFC 4648 test vectors, with "0s" (or "0S") in front. */
	decodes_to("0sZg==", "f", 1);
	decodes_to("0sZm8=", "fo", 2);
	decodes_to("0SZm9v", "foo", 3);
	decodes_to("0sZm9vYg==", "foob", 4);
	decodes_to("0sZm9vYmE=", "fooba", 5);
	decodes_to("0sZm9vYmFy", "foobar", 6);
	decodes_to("0s+/+/", "\xfb\xff\xbf", 3);
	/* Neither prefix: raw, whatever follows. */
	decodes_to("0", "0", 1);
	decodes_to("0y00", "0y00", 4);
	refused("", "the key is empty");
	refused("0x", "0x must be followed by an even number of hexadecimal "
		"digits (got 0)");
	refused("0xabc", "0x must be followed by an even number of "
		"hexadecimal digits (got 3)");
	refused("0xag", "0x key: character 4 is not a hexadecimal digit");
	refused("0s", "0s must be followed by base64 in groups of 4 "
		"characters (got 0)");
	refused("0sZm9", "0s must be followed by base64 in groups of 4 "
		"characters (got 3)");
	refused("0s====", "0s key: character 3 is not base64");
	refused("0sZm9v YmFy", "0s must be followed by base64 in groups of 4 "
		"characters (got 9)");
	refused("0sZm-v", "0s key: character 5 is not base64");
	refused("0sZh==", "0s key: the last base64 group has bits set beyond "
		"the key's end");
	/* 256 bytes pass, 257 do not, in every encoding. */
	memset(big, 'k', SGW_CONF_PSK_MAX + 1);
	big[SGW_CONF_PSK_MAX] = '\0';
	decodes_to(big, big, SGW_CONF_PSK_MAX);
	big[SGW_CONF_PSK_MAX] = 'k';
	big[SGW_CONF_PSK_MAX + 1] = '\0';
	refused(big, "the key is longer than 256 bytes");
	memcpy(big, "0x", 2);
	memset(big + 2, 'a', 2 * SGW_CONF_PSK_MAX + 2);
	big[2 * SGW_CONF_PSK_MAX + 4] = '\0';
	refused(big, "the key is longer than 256 bytes");
}

/* A generated key: "0s", 44 characters of base64, 32 bytes, random. */
static void generate(void **state)
{
	char a[SGW_CONF_PSK_GEN_LEN], b[SGW_CONF_PSK_GEN_LEN];
	uint8_t key[SGW_CONF_PSK_MAX];
	char why[128];
	size_t len;

	(void)state;
	assert_int_equal(SGW_CONF_PSK_GEN_LEN, 47);
	assert_int_equal(sgw_conf_psk_generate(a, sizeof(a)), 0);
	assert_int_equal(sgw_conf_psk_generate(b, sizeof(b)), 0);
	assert_int_equal(strlen(a), 46);
	assert_memory_equal(a, "0s", 2);
	assert_string_not_equal(a, b);
	assert_int_equal(sgw_conf_psk_decode(a, strlen(a), key, &len, why,
					     sizeof(why)), 0);
	assert_int_equal(len, SGW_CONF_PSK_GEN);
	assert_int_equal(sgw_conf_psk_generate(a, SGW_CONF_PSK_GEN_LEN - 1),
			 -1);
}

static char *psk_file(const char *name, const char *content, mode_t mode)
{
	char *path = xasprintf("%s/%s", tmpdir, name);

	write_file(tmpdir, name, content);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

/* Reading as the daemon does: newlines dropped, every failure named. */
static void read_file(void **state)
{
	uint8_t key[SGW_CONF_PSK_MAX];
	char warn[512], err[512], *p, *want;
	size_t len;
	int e;

	(void)state;
	p = psk_file("a.psk", "0sZm9vYmFyYmF6cXV4cXV1eA==\r\n", 0600);
	assert_int_equal(sgw_conf_psk_read(p, key, &len, warn, sizeof(warn),
					   err, sizeof(err), &e), 0);
	assert_int_equal(len, 16);
	assert_memory_equal(key, "foobarbazquxquux", 16);
	assert_string_equal(warn, "");
	free(p);

	p = psk_file("short.psk", "tiny\n", 0640);
	assert_int_equal(sgw_conf_psk_read(p, key, &len, warn, sizeof(warn),
					   err, sizeof(err), &e), 0);
	want = xasprintf("psk-file %s is readable by its group; 'chmod 600 "
			 "%s' keeps the key to root; and it holds a key of "
			 "only 4 bytes; use at least 16 random bytes ('sgwctl "
			 "genpsk' makes 32)", p, p);
	assert_string_equal(warn, want);
	free(want);
	/* Others reading it, or group or others writing it: refused. */
	assert_int_equal(chmod(p, 0644), 0);
	assert_int_equal(sgw_conf_psk_read(p, key, &len, warn, sizeof(warn),
					   err, sizeof(err), &e), -1);
	want = xasprintf("psk-file %s is readable by others: refused; 'chmod "
			 "600 %s' keeps the key to root", p, p);
	assert_string_equal(err, want);
	free(want);
	assert_int_equal(chmod(p, 0602), 0);
	assert_int_equal(sgw_conf_psk_read(p, key, &len, warn, sizeof(warn),
					   err, sizeof(err), &e), -1);
	assert_non_null(strstr(err, " is writable by others: refused"));
	assert_int_equal(chmod(p, 0620), 0);
	assert_int_equal(sgw_conf_psk_read(p, key, &len, warn, sizeof(warn),
					   err, sizeof(err), &e), -1);
	assert_non_null(strstr(err, " is writable by its group: refused"));
	free(p);

	p = psk_file("empty.psk", "\n\n", 0600);
	assert_int_equal(sgw_conf_psk_read(p, key, &len, warn, sizeof(warn),
					   err, sizeof(err), &e), -1);
	want = xasprintf("psk-file %s is empty: put the pre-shared key in it "
			 "('sgwctl genpsk' makes one)", p);
	assert_string_equal(err, want);
	free(want);
	free(p);

	p = psk_file("bad.psk", "0xzz\n", 0600);
	assert_int_equal(sgw_conf_psk_read(p, key, &len, warn, sizeof(warn),
					   err, sizeof(err), &e), -1);
	want = xasprintf("psk-file %s: 0x key: character 3 is not a "
			 "hexadecimal digit", p);
	assert_string_equal(err, want);
	free(want);
	free(p);

	p = xasprintf("%s/none.psk", tmpdir);
	assert_int_equal(sgw_conf_psk_read(p, key, &len, warn, sizeof(warn),
					   err, sizeof(err), &e), -1);
	want = xasprintf("psk-file %s: No such file or directory", p);
	assert_string_equal(err, want);
	assert_int_equal(e, ENOENT);
	free(want);
	free(p);

	assert_int_equal(sgw_conf_psk_read(tmpdir, key, &len, warn, sizeof(warn),
					   err, sizeof(err), &e), -1);
	want = xasprintf("psk-file %s: not a regular file", tmpdir);
	assert_string_equal(err, want);
	free(want);
}

/* The problems "config check" adds for this host, with file and line. */
static void host_checks(void **state)
{
	struct sgw_conf_problems p;
	struct sgw_conf c;
	char *text, *want, *good;

	(void)state;
	good = psk_file("good.psk", "0x000102030405060708090a0b0c0d0e0f\n",
			0600);
	free(psk_file("open.psk", "0x000102030405060708090a0b0c0d0e0f\n",
		      0604));
	text = xasprintf(
		"[tunnel ok]\nid = 1\nlocal = 127.0.0.1\n"		/* 1-3 */
		"remote = 127.0.0.2\npsk-file = %s\n"			/* 4-5 */
		"[tunnel gone]\nid = 2\nremote = 198.51.100.1\n"	/* 6-8 */
		"psk-file = %s/gone.psk\n"				/* 9 */
		"[tunnel open]\nid = 3\nlocal = 192.0.2.254\n"		/* 10-12 */
		"remote = 198.51.100.3\n"				/* 13 */
		"psk-file = %s/open.psk\n",				/* 14 */
		good, tmpdir, tmpdir);
	write_file(tmpdir, "sgw.conf", text);
	free(text);
	text = xasprintf("%s/sgw.conf", tmpdir);
	assert_int_equal(sgw_conf_load_all(text, &c, &p), 0);
	assert_int_equal(sgw_conf_check_host(&c, 0, &p), 2);
	assert_int_equal(p.count, 3);
	assert_int_equal(p.errors, 2);
	assert_int_equal(p.warnings, 1);
	want = xasprintf("%s:9: tunnel \"gone\": psk-file %s/gone.psk: No "
			 "such file or directory", text, tmpdir);
	assert_string_equal(p.v[0].text, want);
	assert_int_equal(p.v[0].severity, SGW_CONF_SEV_ERROR);
	free(want);
	/* local = auto (tunnel gone) is not looked at. */
	want = xasprintf("%s:14: tunnel \"open\": psk-file %s/open.psk is "
			 "readable by others: refused; 'chmod 600 "
			 "%s/open.psk' keeps the key to root", text, tmpdir, tmpdir);
	assert_string_equal(p.v[1].text, want);
	assert_int_equal(p.v[1].severity, SGW_CONF_SEV_ERROR);
	free(want);
	want = xasprintf("%s:12: tunnel \"open\": local 192.0.2.254 is not "
			 "assigned to any interface here; the kernel refuses "
			 "the tunnel until it is (--offline checks a file for "
			 "another host)", text);
	assert_string_equal(p.v[2].text, want);
	assert_int_equal(p.v[2].severity, SGW_CONF_SEV_WARNING);
	free(want);
	sgw_conf_problems_free(&p);

	/* Offline: nothing of this host is looked at. */
	assert_int_equal(sgw_conf_check_host(&c, SGW_CONF_HOST_OFFLINE, &p),
			 0);
	assert_int_equal(p.count, 0);
	sgw_conf_free(&c);
	free(text);
	free(good);
}

/*
 * remote = NAME: a name this host resolves passes, one it does not is an
 * error naming the key's line, the name and the fix; --offline looks
 * nothing up. "localhost" is in every /etc/hosts; .invalid never
 * resolves (RFC 6761 §6.4).
 */
static void host_names(void **state)
{
	struct sgw_conf_problems p;
	struct sgw_conf c;
	char *text, *good, *want;

	(void)state;
	good = psk_file("good.psk", "0x000102030405060708090a0b0c0d0e0f\n",
			0600);
	text = xasprintf(
		"[tunnel named]\nid = 1\nlocal = 127.0.0.1\n"		/* 1-3 */
		"remote = localhost\npsk-file = %s\n"			/* 4-5 */
		"[tunnel lost]\nid = 2\nlocal = 127.0.0.1\n"		/* 6-8 */
		"remote = nowhere.invalid\npsk-file = %s\n",		/* 9-10 */
		good, good);
	write_file(tmpdir, "sgw.conf", text);
	free(text);
	text = xasprintf("%s/sgw.conf", tmpdir);
	assert_int_equal(sgw_conf_load_all(text, &c, &p), 0);
	assert_string_equal(c.tunnels[0].remote_name, "localhost");
	assert_int_equal(c.tunnels[0].remote.family, AF_UNSPEC);
	assert_int_equal(sgw_conf_check_host(&c, 0, &p), 1);
	assert_int_equal(p.count, 1);
	assert_int_equal(p.v[0].severity, SGW_CONF_SEV_ERROR);
	assert_int_equal(p.v[0].line, 9);
	want = xasprintf("%s:9: tunnel \"lost\": remote \"nowhere.invalid\" "
			 "does not resolve here: ", text);
	assert_memory_equal(p.v[0].text, want, strlen(want));
	free(want);
	assert_non_null(strstr(p.v[0].text, "; add the name to DNS or "
			       "/etc/hosts, or write the peer's address as "
			       "remote"));
	sgw_conf_problems_free(&p);
	assert_int_equal(sgw_conf_check_host(&c, SGW_CONF_HOST_OFFLINE, &p),
			 0);
	assert_int_equal(p.count, 0);
	sgw_conf_free(&c);
	free(text);
	free(good);
}

/* The address a name gives: of local's family, else the first. */
static void pick_addr(void **state)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	struct addrinfo a6 = { .ai_family = AF_INET6,
			       .ai_addr = (struct sockaddr *)&s6 };
	struct addrinfo a4 = { .ai_family = AF_INET,
			       .ai_addr = (struct sockaddr *)&s4 };
	struct sgw_conf_addr out;
	char buf[SGW_CONF_ADDRSTRLEN];

	(void)state;
	inet_pton(AF_INET6, "2001:db8::2", &s6.sin6_addr);
	inet_pton(AF_INET, "192.0.2.2", &s4.sin_addr);
	a6.ai_next = &a4;
	assert_int_equal(sgw_conf_pick_addr(&a6, AF_UNSPEC, &out), 0);
	assert_string_equal(sgw_conf_addr_str(&out, buf, sizeof(buf)),
			    "2001:db8::2");
	assert_int_equal(sgw_conf_pick_addr(&a6, AF_INET, &out), 0);
	assert_string_equal(sgw_conf_addr_str(&out, buf, sizeof(buf)),
			    "192.0.2.2");
	assert_int_equal(sgw_conf_pick_addr(&a4, AF_INET6, &out), -1);
	assert_int_equal(sgw_conf_pick_addr(NULL, AF_UNSPEC, &out), -1);
	/* localhost is 127.0.0.1 in every /etc/hosts. */
	assert_int_equal(sgw_conf_resolve("localhost", AF_INET, &out, buf,
					  sizeof(buf)), 0);
	assert_string_equal(sgw_conf_addr_str(&out, buf, sizeof(buf)),
			    "127.0.0.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode),
		cmocka_unit_test(generate),
		cmocka_unit_test_setup_teardown(read_file, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(host_checks, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(host_names, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test(pick_addr),
	};

	return cmocka_run_group_tests_name("host", tests, NULL, NULL);
}
