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
#include <unistd.h>
#include <cmocka.h>

#include "args.h"

static void test_u32_bounds(void **state)
{
	char err[160];
	uint32_t v = 7;

	(void)state;
	assert_int_equal(parse_u32("tunnel id", "1", 1, 65535, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 1);
	assert_int_equal(parse_u32("tunnel id", "65535", 1, 65535, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 65535);
	assert_int_not_equal(parse_u32("tunnel id", "65536", 1, 65535, &v, err, sizeof(err)), 0);
	assert_string_equal(err, "tunnel id \"65536\" is not valid: expected a number from 1 to 65535");
	assert_int_equal(v, 65535);
	assert_int_not_equal(parse_u32("tunnel id", "0", 1, 65535, &v, err, sizeof(err)), 0);
	assert_int_not_equal(parse_u32("tunnel id", "", 1, 65535, &v, err, sizeof(err)), 0);
	assert_int_not_equal(parse_u32("tunnel id", "-1", 1, 65535, &v, err, sizeof(err)), 0);
	assert_int_not_equal(parse_u32("tunnel id", "12x", 1, 65535, &v, err, sizeof(err)), 0);
	assert_int_not_equal(parse_u32("tunnel id", " 12", 1, 65535, &v, err, sizeof(err)), 0);
	assert_int_not_equal(parse_u32("x", "99999999999999999999999", 0, 4294967295U, &v,
				       err, sizeof(err)), 0);
	assert_int_equal(parse_u32("x", "4294967295", 0, 4294967295U, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 4294967295U);
}

static void test_ifname(void **state)
{
	char name[SGW_IFNAMSIZ], err[160];

	(void)state;
	assert_int_equal(parse_ifname("interface name", "sgw-hq.1", name, err, sizeof(err)), 0);
	assert_string_equal(name, "sgw-hq.1");
	assert_int_equal(parse_ifname("interface name", "abcdefghijklmno", name, err, sizeof(err)), 0);
	assert_int_not_equal(parse_ifname("interface name", "abcdefghijklmnop", name, err,
					  sizeof(err)), 0);
	assert_string_equal(err, "interface name \"abcdefghijklmnop\" is not valid: "
				 "use 1 to 15 characters without '/', ':' or spaces");
	assert_int_not_equal(parse_ifname("n", "a/b", name, err, sizeof(err)), 0);
	assert_int_not_equal(parse_ifname("n", "a b", name, err, sizeof(err)), 0);
	assert_int_not_equal(parse_ifname("n", "a:b", name, err, sizeof(err)), 0);
	assert_int_not_equal(parse_ifname("n", "..", name, err, sizeof(err)), 0);
	assert_int_not_equal(parse_ifname("n", "", name, err, sizeof(err)), 0);
}

static void test_tunnel_ref(void **state)
{
	struct sgw_tunnel_ref ref;
	char err[160];

	(void)state;
	assert_int_equal(parse_tunnel_ref("42", &ref, err, sizeof(err)), 0);
	assert_int_equal(ref.id, 42);
	assert_string_equal(ref.ifname, "");
	assert_int_equal(parse_tunnel_ref("sgw42", &ref, err, sizeof(err)), 0);
	assert_int_equal(ref.id, 0);
	assert_string_equal(ref.ifname, "sgw42");
	assert_int_not_equal(parse_tunnel_ref("70000", &ref, err, sizeof(err)), 0);
	assert_string_equal(err, "tunnel id \"70000\" is not valid: expected a number from 1 to 65535");
}

static void test_u64(void **state)
{
	char err[160];
	uint64_t v = 7;

	(void)state;
	assert_int_equal(parse_u64("hard-bytes", "18446744073709551615", 0, UINT64_MAX,
				   &v, err, sizeof(err)), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_u64("hard-bytes", "0", 0, UINT64_MAX, &v, err, sizeof(err)), 0);
	assert_true(v == 0);
	assert_int_not_equal(parse_u64("hard-bytes", "18446744073709551616", 0, UINT64_MAX,
				       &v, err, sizeof(err)), 0);
	assert_string_equal(err, "hard-bytes \"18446744073709551616\" is not valid: "
				 "expected a number from 0 to 18446744073709551615");
	assert_int_not_equal(parse_u64("x", "-1", 0, UINT64_MAX, &v, err, sizeof(err)), 0);
	assert_int_not_equal(parse_u64("x", "1k", 0, UINT64_MAX, &v, err, sizeof(err)), 0);
	assert_int_not_equal(parse_u64("--count", "0", 1, UINT64_MAX, &v, err, sizeof(err)), 0);
	assert_string_equal(err, "--count \"0\" is not valid: "
				 "expected a number from 1 to 18446744073709551615");
	assert_true(v == 0);
}

static void test_yes_no(void **state)
{
	char err[160];
	bool v = false;

	(void)state;
	assert_int_equal(parse_yes_no("esn", "yes", &v, err, sizeof(err)), 0);
	assert_true(v);
	assert_int_equal(parse_yes_no("esn", "no", &v, err, sizeof(err)), 0);
	assert_false(v);
	assert_int_equal(parse_yes_no("enabled", "on", &v, err, sizeof(err)), 0);
	assert_true(v);
	assert_int_equal(parse_yes_no("enabled", "off", &v, err, sizeof(err)), 0);
	assert_false(v);
	assert_int_not_equal(parse_yes_no("enabled", "true", &v, err, sizeof(err)), 0);
	assert_string_equal(err, "enabled \"true\" is not valid: expected yes or no");
	assert_int_not_equal(parse_yes_no("enabled", "YES", &v, err, sizeof(err)), 0);
}

static void test_addr(void **state)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct sgw_ipaddr a;
	char err[200];

	(void)state;
	assert_int_equal(parse_addr("local", "192.0.2.1", &a, err, sizeof(err)), 0);
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(a.bytes, "\xc0\x00\x02\x01", 4);
	assert_int_equal(parse_addr("remote", "2001:db8::2", &a, err, sizeof(err)), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_memory_equal(a.bytes, v6, 16);
	assert_int_not_equal(parse_addr("local", "192.0.2", &a, err, sizeof(err)), 0);
	assert_string_equal(err, "local \"192.0.2\" is not valid: expected an IPv4 or IPv6 "
				 "address such as 192.0.2.1 or 2001:db8::1");
	assert_int_equal(a.family, AF_INET6);
	assert_int_not_equal(parse_addr("local", "10.0.0.0/8", &a, err, sizeof(err)), 0);
	assert_int_not_equal(parse_addr("local", "", &a, err, sizeof(err)), 0);
	assert_int_not_equal(parse_addr("local", "host.example", &a, err, sizeof(err)), 0);
}

static void test_prefix(void **state)
{
	struct sgw_ipprefix p;
	char err[200];

	(void)state;
	assert_int_equal(parse_prefix("local-ts", "10.1.0.0/16", &p, err, sizeof(err)), 0);
	assert_int_equal(p.addr.family, AF_INET);
	assert_int_equal(p.len, 16);
	assert_memory_equal(p.addr.bytes, "\x0a\x01\x00\x00", 4);
	assert_int_equal(parse_prefix("local-ts", "10.1.0.5", &p, err, sizeof(err)), 0);
	assert_int_equal(p.len, 32);
	assert_int_equal(parse_prefix("local-ts", "2001:db8::1", &p, err, sizeof(err)), 0);
	assert_int_equal(p.len, 128);
	assert_int_equal(parse_prefix("local-ts", "0.0.0.0/0", &p, err, sizeof(err)), 0);
	assert_int_equal(p.len, 0);
	assert_int_equal(parse_prefix("local-ts", "2001:db8::/32", &p, err, sizeof(err)), 0);
	assert_int_equal(p.addr.family, AF_INET6);
	assert_int_equal(p.len, 32);

	assert_int_not_equal(parse_prefix("local-ts", "10.1.0.5/24", &p, err, sizeof(err)), 0);
	assert_string_equal(err, "local-ts \"10.1.0.5/24\" has host bits set: "
				 "did you mean 10.1.0.0/24?");
	assert_int_equal(parse_prefix("remote-ts", "10.1.0.128/25", &p, err, sizeof(err)), 0);
	assert_int_not_equal(parse_prefix("remote-ts", "10.1.0.129/25", &p, err, sizeof(err)), 0);
	assert_string_equal(err, "remote-ts \"10.1.0.129/25\" has host bits set: "
				 "did you mean 10.1.0.128/25?");
	assert_int_not_equal(parse_prefix("remote-ts", "2001:db8:1::/31", &p, err, sizeof(err)), 0);
	assert_string_equal(err, "remote-ts \"2001:db8:1::/31\" has host bits set: "
				 "did you mean 2001:db8::/31?");
	assert_int_not_equal(parse_prefix("local-ts", "10.0.0.0/33", &p, err, sizeof(err)), 0);
	assert_string_equal(err, "local-ts \"10.0.0.0/33\" is not valid: "
				 "an IPv4 prefix length is 0 to 32");
	assert_int_not_equal(parse_prefix("local-ts", "::/129", &p, err, sizeof(err)), 0);
	assert_string_equal(err, "local-ts \"::/129\" is not valid: "
				 "an IPv6 prefix length is 0 to 128");
	assert_int_not_equal(parse_prefix("local-ts", "10.0.0.0/", &p, err, sizeof(err)), 0);
	assert_int_not_equal(parse_prefix("local-ts", "10.0.0.0/+8", &p, err, sizeof(err)), 0);
	assert_int_not_equal(parse_prefix("local-ts", "10.0.0.0/0008", &p, err, sizeof(err)), 0);
	assert_int_not_equal(parse_prefix("local-ts", "10.0.0/8", &p, err, sizeof(err)), 0);
	assert_string_equal(err, "local-ts \"10.0.0/8\" is not valid: expected a prefix such "
				 "as 10.1.0.0/16 or 2001:db8::/32, or an address");
	assert_int_not_equal(parse_prefix("local-ts", "/8", &p, err, sizeof(err)), 0);
}

static void test_prefix_list(void **state)
{
	struct sgw_ts ts = { .n = 99 };
	char err[300], many[400] = "";
	unsigned int i;

	(void)state;
	assert_int_equal(parse_prefix_list("local-ts", "any", &ts, err, sizeof(err)), 0);
	assert_int_equal(ts.n, 0);
	assert_int_equal(parse_prefix_list("local-ts", "10.1.0.0/24,2001:db8::/32,192.0.2.7",
					   &ts, err, sizeof(err)), 0);
	assert_int_equal(ts.n, 3);
	assert_int_equal(ts.v[0].len, 24);
	assert_int_equal(ts.v[1].addr.family, AF_INET6);
	assert_int_equal(ts.v[2].len, 32);

	assert_int_not_equal(parse_prefix_list("local-ts", "10.0.0.0/8,10.1.0.5/24", &ts, err,
					       sizeof(err)), 0);
	assert_string_equal(err, "local-ts \"10.1.0.5/24\" has host bits set: "
				 "did you mean 10.1.0.0/24?");
	assert_int_equal(ts.n, 3);
	assert_int_not_equal(parse_prefix_list("local-ts", "10.0.0.0/8,", &ts, err,
					       sizeof(err)), 0);
	assert_string_equal(err, "local-ts \"10.0.0.0/8,\" is not valid: empty entry; "
				 "separate prefixes with single commas");
	assert_int_not_equal(parse_prefix_list("local-ts", "", &ts, err, sizeof(err)), 0);
	assert_int_not_equal(parse_prefix_list("local-ts", ",10.0.0.0/8", &ts, err,
					       sizeof(err)), 0);
	assert_int_not_equal(parse_prefix_list("remote-ts", "10.0.0.0/8,any", &ts, err,
					       sizeof(err)), 0);
	assert_string_equal(err, "remote-ts \"10.0.0.0/8,any\" is not valid: "
				 "\"any\" stands alone, not in a list of prefixes");
	assert_int_not_equal(parse_prefix_list("remote-ts", "10.0.0.0/8,10.0.0.0/8", &ts, err,
					       sizeof(err)), 0);
	assert_string_equal(err, "remote-ts \"10.0.0.0/8,10.0.0.0/8\" is not valid: "
				 "it lists 10.0.0.0/8 twice");
	/* 10.0.0.0/8 and 10.0.0.0/16 differ, as do an address and its /32. */
	assert_int_equal(parse_prefix_list("remote-ts", "10.0.0.0/8,10.0.0.0/16", &ts, err,
					   sizeof(err)), 0);
	assert_int_not_equal(parse_prefix_list("remote-ts", "10.0.0.1,10.0.0.1/32", &ts, err,
					       sizeof(err)), 0);
	assert_int_not_equal(parse_prefix_list("remote-ts", "10.0.0.0/8, 11.0.0.0/8", &ts, err,
					       sizeof(err)), 0);
	assert_string_equal(err, "remote-ts \" 11.0.0.0/8\" is not valid: expected a prefix "
				 "such as 10.1.0.0/16 or 2001:db8::/32, or an address");

	for (i = 0; i < SGW_TS_MAX; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s10.%u.0.0/16",
			 i ? "," : "", i);
	assert_int_equal(parse_prefix_list("local-ts", many, &ts, err, sizeof(err)), 0);
	assert_int_equal(ts.n, SGW_TS_MAX);
	strcat(many, ",10.99.0.0/16");
	assert_int_not_equal(parse_prefix_list("local-ts", many, &ts, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "is not valid: it lists 17 prefixes, at most 16 are allowed"));
	assert_int_equal(ts.n, SGW_TS_MAX);
}

static void test_spi(void **state)
{
	uint32_t spi = 0;
	char err[200];

	(void)state;
	assert_int_equal(parse_spi("0x00001001", &spi, err, sizeof(err)), 0);
	assert_int_equal(spi, 0x1001);
	assert_int_equal(parse_spi("0XFFFFFFFF", &spi, err, sizeof(err)), 0);
	assert_int_equal(spi, 0xffffffffU);
	assert_int_equal(parse_spi("256", &spi, err, sizeof(err)), 0);
	assert_int_equal(spi, 256);
	assert_int_equal(parse_spi("4294967295", &spi, err, sizeof(err)), 0);
	assert_int_equal(parse_spi("0x100", &spi, err, sizeof(err)), 0);
	assert_int_equal(spi, 256);

	assert_int_not_equal(parse_spi("255", &spi, err, sizeof(err)), 0);
	assert_string_equal(err, "spi \"255\" is not valid: 0 to 255 are reserved (RFC 4303); "
				 "use 256 (0x100) to 4294967295 (0xffffffff)");
	assert_int_not_equal(parse_spi("0x0", &spi, err, sizeof(err)), 0);
	assert_string_equal(err, "spi \"0x0\" is not valid: 0 to 255 are reserved (RFC 4303); "
				 "use 256 (0x100) to 4294967295 (0xffffffff)");
	assert_int_not_equal(parse_spi("4294967296", &spi, err, sizeof(err)), 0);
	assert_string_equal(err, "spi \"4294967296\" is not valid: expected 0x and hex digits "
				 "or a decimal number, 256 (0x100) to 4294967295 (0xffffffff)");
	assert_int_not_equal(parse_spi("0x100000000", &spi, err, sizeof(err)), 0);
	assert_int_not_equal(parse_spi("0x", &spi, err, sizeof(err)), 0);
	assert_int_not_equal(parse_spi("0x-100", &spi, err, sizeof(err)), 0);
	assert_int_not_equal(parse_spi("0x 100", &spi, err, sizeof(err)), 0);
	assert_int_not_equal(parse_spi("1001h", &spi, err, sizeof(err)), 0);
	assert_int_not_equal(parse_spi("", &spi, err, sizeof(err)), 0);
	assert_int_equal(spi, 256);
}

static void test_encap(void **state)
{
	uint16_t sp = 7, dp = 7;
	char err[200];

	(void)state;
	assert_int_equal(parse_encap("4500", "4500", &sp, &dp, err, sizeof(err)), 0);
	assert_int_equal(sp, 4500);
	assert_int_equal(dp, 4500);
	assert_int_equal(parse_encap("1", "65535", &sp, &dp, err, sizeof(err)), 0);
	assert_int_equal(sp, 1);
	assert_int_equal(dp, 65535);

	sp = dp = 7;
	assert_int_not_equal(parse_encap("0", "4500", &sp, &dp, err, sizeof(err)), 0);
	assert_string_equal(err, "encap source port \"0\" is not valid: expected a number from 1 to 65535");
	assert_int_not_equal(parse_encap("4500", "65536", &sp, &dp, err, sizeof(err)), 0);
	assert_string_equal(err, "encap destination port \"65536\" is not valid: expected a number from 1 to 65535");
	assert_int_not_equal(parse_encap("4500", "", &sp, &dp, err, sizeof(err)), 0);
	assert_int_not_equal(parse_encap("-1", "4500", &sp, &dp, err, sizeof(err)), 0);
	assert_int_not_equal(parse_encap("4500x", "4500", &sp, &dp, err, sizeof(err)), 0);
	/* Nothing written on failure. */
	assert_int_equal(sp, 7);
	assert_int_equal(dp, 7);
}

static void test_dir_alg(void **state)
{
	const struct sgw_alg_spec *alg = NULL;
	unsigned int dir = 0;
	char err[300];

	(void)state;
	assert_int_equal(parse_dir("in", &dir, err, sizeof(err)), 0);
	assert_int_equal(dir, SGW_DIR_IN);
	assert_int_equal(parse_dir("out", &dir, err, sizeof(err)), 0);
	assert_int_equal(dir, SGW_DIR_OUT);
	assert_int_not_equal(parse_dir("inbound", &dir, err, sizeof(err)), 0);
	assert_string_equal(err, "dir \"inbound\" is not valid: expected in or out");

	assert_int_equal(parse_alg("chacha20-poly1305", &alg, err, sizeof(err)), 0);
	assert_int_equal(alg->id, SGW_ALG_CHACHA20_POLY1305);
	assert_int_equal(alg->key_len, 36);
	assert_int_not_equal(parse_alg("aes-gcm", &alg, err, sizeof(err)), 0);
	assert_string_equal(err, "alg \"aes-gcm\" is not valid: expected one of aes-gcm-128, "
				 "aes-gcm-256, chacha20-poly1305, aes-cbc-128-sha256, "
				 "aes-cbc-256-sha256, aes-cbc-128-sha384, "
				 "aes-cbc-256-sha384, aes-cbc-128-sha512, "
				 "aes-cbc-256-sha512");
	/* A short buffer still ends in a NUL. */
	assert_int_not_equal(parse_alg("x", &alg, err, 40), 0);
	assert_int_equal(strlen(err), 39);
}

static const char gcm128_hex[] = "00112233445566778899aabbccddeeff01020304";

static void test_key_hex(void **state)
{
	const struct sgw_alg_spec *gcm = sgw_alg_by_name("aes-gcm-128");
	const struct sgw_alg_spec *cbc = sgw_alg_by_name("aes-cbc-256-sha256");
	static const uint8_t expect[20] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
		0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01, 0x02, 0x03, 0x04,
	};
	uint8_t key[SGW_KEY_MAX], zero[SGW_KEY_MAX] = { 0 };
	char err[300], text[200];

	(void)state;
	assert_int_equal(parse_key_hex("key file \"k\"", gcm128_hex, strlen(gcm128_hex), gcm,
				       key, err, sizeof(err)), 0);
	assert_memory_equal(key, expect, 20);
	snprintf(text, sizeof(text), "\n  0x0011 2233\t4455667788\n99AABBCCDDEEFF\r\n01020304\n\n");
	assert_int_equal(parse_key_hex("key file \"k\"", text, strlen(text), gcm, key, err,
				       sizeof(err)), 0);
	assert_memory_equal(key, expect, 20);

	/* Wrong length: names the algorithm, what it needs and what it got. */
	assert_int_not_equal(parse_key_hex("key file \"k\"", gcm128_hex, 32, gcm, key, err,
					   sizeof(err)), 0);
	assert_string_equal(err, "key file \"k\" holds 16 bytes; aes-gcm-128 needs 20 "
				 "(16-byte AES key, then 4-byte salt)");
	assert_memory_equal(key, zero, sizeof(key));
	assert_int_not_equal(parse_key_hex("key file \"k\"", gcm128_hex, strlen(gcm128_hex), cbc,
					   key, err, sizeof(err)), 0);
	assert_string_equal(err, "key file \"k\" holds 20 bytes; aes-cbc-256-sha256 needs 64 "
				 "(32-byte AES key, then 32-byte HMAC-SHA-256 key)");
	assert_int_not_equal(parse_key_hex("key on standard input", "", 0, gcm, key, err,
					   sizeof(err)), 0);
	assert_string_equal(err, "key on standard input holds 0 bytes; aes-gcm-128 needs 20 "
				 "(16-byte AES key, then 4-byte salt)");
	assert_int_not_equal(parse_key_hex("k", "ab", 2, gcm, key, err, sizeof(err)), 0);
	assert_string_equal(err, "k holds 1 byte; aes-gcm-128 needs 20 "
				 "(16-byte AES key, then 4-byte salt)");
	/* More than any key: counted, not stored past the buffer. */
	memset(text, 'a', 180);
	assert_int_not_equal(parse_key_hex("k", text, 180, cbc, key, err, sizeof(err)), 0);
	assert_string_equal(err, "k holds 90 bytes; aes-cbc-256-sha256 needs 64 "
				 "(32-byte AES key, then 32-byte HMAC-SHA-256 key)");

	/* Odd digit counts and foreign characters name their line. */
	snprintf(text, sizeof(text), "0011223344556677\n8899aabbccddeeff0\n1020304\n");
	memcpy(key, expect, sizeof(expect));
	assert_int_not_equal(parse_key_hex("key file \"k\"", text, strlen(text), gcm, key, err,
					   sizeof(err)), 0);
	assert_string_equal(err, "key file \"k\", line 2: odd number of hex digits; "
				 "each byte is two digits");
	assert_memory_equal(key, zero, sizeof(key));
	assert_int_not_equal(parse_key_hex("k", "abc", 3, gcm, key, err, sizeof(err)), 0);
	assert_string_equal(err, "k, line 1: odd number of hex digits; each byte is two digits");
	snprintf(text, sizeof(text), "\n\n00112233445566778899aabbccddeeff\n0102030g\n");
	assert_int_not_equal(parse_key_hex("key file \"k\"", text, strlen(text), gcm, key, err,
					   sizeof(err)), 0);
	assert_string_equal(err, "key file \"k\", line 4: 'g' is not a hex digit (0-9, a-f)");
	assert_int_not_equal(parse_key_hex("k", "00\0" "11", 5, gcm, key, err, sizeof(err)), 0);
	assert_string_equal(err, "k, line 1: byte 0x00 is not a hex digit (0-9, a-f)");
	/* 0x only once, at the start. */
	assert_int_not_equal(parse_key_hex("k", "0011 0x22", 9, gcm, key, err, sizeof(err)), 0);
	assert_string_equal(err, "k, line 1: 'x' is not a hex digit (0-9, a-f)");
	assert_int_not_equal(parse_key_hex("k", "0x", 2, gcm, key, err, sizeof(err)), 0);
	assert_string_equal(err, "k holds 0 bytes; aes-gcm-128 needs 20 "
				 "(16-byte AES key, then 4-byte salt)");
}

static char *write_temp(const char *content, size_t len, mode_t mode)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/sgwctl-key-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

static void test_key_file(void **state)
{
	const struct sgw_alg_spec *gcm = sgw_alg_by_name("aes-gcm-128");
	char err[300], expect[300], warning[300], *warned = NULL, *path, *big;
	uint8_t key[SGW_KEY_MAX];
	size_t warned_len = 0;
	FILE *warn;
	int saved_stdin;

	(void)state;
	warn = open_memstream(&warned, &warned_len);
	path = write_temp(gcm128_hex, strlen(gcm128_hex), 0600);
	assert_int_equal(read_key_file(path, gcm, key, warn, err, sizeof(err)), 0);
	assert_int_equal(key[19], 0x04);
	fflush(warn);
	assert_int_equal(warned_len, 0);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(read_key_file(path, gcm, key, warn, err, sizeof(err)), 0);
	fflush(warn);
	snprintf(expect, sizeof(expect),
		 "sgwctl: warning: key file \"%s\" can be read by group or others "
		 "(mode 0644); chmod 600 it\n", path);
	assert_string_equal(warned, expect);
	snprintf(warning, sizeof(warning), "%s", expect);
	unlink(path);

	assert_int_not_equal(read_key_file(path, gcm, key, warn, err, sizeof(err)), 0);
	snprintf(expect, sizeof(expect), "key file \"%s\": No such file or directory", path);
	assert_string_equal(err, expect);

	path = write_temp("0011\n22zz\n", 10, 0600);
	assert_int_not_equal(read_key_file(path, gcm, key, warn, err, sizeof(err)), 0);
	snprintf(expect, sizeof(expect),
		 "key file \"%s\", line 2: 'z' is not a hex digit (0-9, a-f)", path);
	assert_string_equal(err, expect);
	unlink(path);

	big = malloc(SGW_KEY_TEXT_MAX + 1);
	assert_non_null(big);
	memset(big, ' ', SGW_KEY_TEXT_MAX + 1);
	path = write_temp(big, SGW_KEY_TEXT_MAX + 1, 0600);
	assert_int_not_equal(read_key_file(path, gcm, key, warn, err, sizeof(err)), 0);
	snprintf(expect, sizeof(expect),
		 "key file \"%s\" is larger than 4096 bytes: not a hex key", path);
	assert_string_equal(err, expect);
	unlink(path);
	/* Exactly the limit is still read (and here holds no key). */
	path = write_temp(big, SGW_KEY_TEXT_MAX, 0600);
	assert_int_not_equal(read_key_file(path, gcm, key, warn, err, sizeof(err)), 0);
	snprintf(expect, sizeof(expect), "key file \"%s\" holds 0 bytes; aes-gcm-128 needs 20 "
		 "(16-byte AES key, then 4-byte salt)", path);
	assert_string_equal(err, expect);
	free(big);

	/* "-" reads standard input; no permission warning there. */
	chmod(path, 0644);
	saved_stdin = dup(STDIN_FILENO);
	assert_true(freopen(path, "r", stdin) != NULL);
	assert_int_not_equal(read_key_file("-", gcm, key, warn, err, sizeof(err)), 0);
	assert_string_equal(err, "key on standard input holds 0 bytes; aes-gcm-128 needs 20 "
				 "(16-byte AES key, then 4-byte salt)");
	unlink(path);
	path = write_temp(gcm128_hex, strlen(gcm128_hex), 0644);
	assert_true(freopen(path, "r", stdin) != NULL);
	assert_int_equal(read_key_file("-", gcm, key, warn, err, sizeof(err)), 0);
	assert_int_equal(key[0], 0x00);
	assert_int_equal(key[15], 0xff);
	unlink(path);
	dup2(saved_stdin, STDIN_FILENO);
	close(saved_stdin);
	fclose(warn);
	assert_string_equal(warned, warning);
	free(warned);
}

static void test_pmtu_settings(void **state)
{
	char err[200];
	uint32_t v = 9;
	uint8_t c = 9;

	(void)state;
	assert_int_equal(parse_mtu("mtu", "auto", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_mtu("mtu", "1400", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 1400);
	assert_int_not_equal(parse_mtu("mtu", "67", &v, err, sizeof(err)), 0);
	assert_string_equal(err, "mtu \"67\" is not valid: expected auto or a number from 68 to 65535");
	assert_int_equal(parse_mss("mss", "off", &v, err, sizeof(err)), 0);
	assert_int_equal(v, SGW_MSS_OFF);
	assert_int_equal(parse_mss("mss", "auto", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_mss("mss", "1360", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 1360);
	assert_int_not_equal(parse_mss("mss", "535", &v, err, sizeof(err)), 0);
	assert_string_equal(err, "mss \"535\" is not valid: expected auto, off or a number from 536 to 65495");
	assert_int_equal(parse_choice("outer-df", "clear", sgw_outer_df_name, 3, &c, err,
				      sizeof(err)), 0);
	assert_int_equal(c, SGW_OUTER_DF_CLEAR);
	assert_int_not_equal(parse_choice("outer-df", "maybe", sgw_outer_df_name, 3, &c, err,
					  sizeof(err)), 0);
	assert_string_equal(err, "outer-df \"maybe\" is not valid: expected copy, set or clear");
	assert_int_not_equal(parse_choice("fragment", "never", sgw_fragment_name, 2, &c, err,
					  sizeof(err)), 0);
	assert_string_equal(err, "fragment \"never\" is not valid: expected before-encryption or after-encryption");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u32_bounds),
		cmocka_unit_test(test_ifname),
		cmocka_unit_test(test_tunnel_ref),
		cmocka_unit_test(test_pmtu_settings),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_yes_no),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_prefix_list),
		cmocka_unit_test(test_spi),
		cmocka_unit_test(test_encap),
		cmocka_unit_test(test_dir_alg),
		cmocka_unit_test(test_key_hex),
		cmocka_unit_test(test_key_file),
	};

	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}
