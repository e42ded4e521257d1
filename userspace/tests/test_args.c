// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u32_bounds),
		cmocka_unit_test(test_ifname),
		cmocka_unit_test(test_tunnel_ref),
	};

	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}
