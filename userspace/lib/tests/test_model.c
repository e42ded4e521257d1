// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "model.h"

static void test_drop_names(void **state)
{
	unsigned int i, k;

	(void)state;
	assert_string_equal(sgw_drop_name(SGW_DROP_NO_SA), "no-sa");
	assert_string_equal(sgw_drop_name(SGW_DROP_AUTH), "auth-failed");
	assert_string_equal(sgw_drop_name(SGW_DROP_NO_ROUTE), "no-route");
	assert_string_equal(sgw_drop_name(__SGW_DROP_MAX), "unknown");
	/* Every reason has its own name: they are JSON keys. */
	for (i = 0; i < __SGW_DROP_MAX; i++) {
		assert_string_not_equal(sgw_drop_name(i), "unknown");
		for (k = i + 1; k < __SGW_DROP_MAX; k++)
			assert_string_not_equal(sgw_drop_name(i), sgw_drop_name(k));
	}
}

static void test_list_growth(void **state)
{
	struct sgw_tunnel_list list = { 0 };
	struct sgw_tunnel_info t;
	unsigned int i;

	(void)state;
	memset(&t, 0, sizeof(t));
	for (i = 1; i <= 1000; i++) {
		t.id = i;
		assert_int_equal(sgw_tunnel_list_push(&list, &t), 0);
	}
	assert_int_equal(list.n, 1000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(list.v[i].id, i + 1);
	sgw_tunnel_list_free(&list);
	assert_null(list.v);
	assert_int_equal(list.n, 0);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(sgw_dir_name(SGW_DIR_IN), "in");
	assert_string_equal(sgw_dir_name(SGW_DIR_OUT), "out");
	assert_string_equal(sgw_dir_name(SGW_DIR_UNSPEC), "unknown");
	assert_string_equal(sgw_mode_name(SGW_MODE_TUNNEL), "tunnel");
	assert_string_equal(sgw_mode_name(SGW_MODE_TRANSPORT), "transport");
	assert_string_equal(sgw_mode_name(9), "unknown");
}

/* The key lengths Documentation/interface.md promises, for every uapi id. */
static void test_algs(void **state)
{
	static const struct { uint32_t id; const char *name; size_t len; } expect[] = {
		{ SGW_ALG_AES_GCM_128, "aes-gcm-128", 20 },
		{ SGW_ALG_AES_GCM_256, "aes-gcm-256", 36 },
		{ SGW_ALG_CHACHA20_POLY1305, "chacha20-poly1305", 36 },
		{ SGW_ALG_AES_CBC_128_SHA256, "aes-cbc-128-sha256", 48 },
		{ SGW_ALG_AES_CBC_256_SHA256, "aes-cbc-256-sha256", 64 },
	};
	unsigned int i, n = 0;

	(void)state;
	for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		const struct sgw_alg_spec *a = sgw_alg_by_id(expect[i].id);

		assert_non_null(a);
		assert_string_equal(a->name, expect[i].name);
		assert_int_equal(a->key_len, expect[i].len);
		assert_true(a->key_len <= SGW_KEY_MAX);
		assert_ptr_equal(sgw_alg_by_name(expect[i].name), a);
	}
	while (sgw_algs[n].name)
		n++;
	assert_int_equal(n, SGW_ALG_MAX);
	assert_null(sgw_alg_by_id(SGW_ALG_UNSPEC));
	assert_null(sgw_alg_by_id(__SGW_ALG_MAX));
	assert_null(sgw_alg_by_name("aes-gcm"));
}

static void test_addr_format(void **state)
{
	struct sgw_ipprefix p = { .addr = { .family = AF_INET6, .bytes = { 0x20, 0x01, 0x0d, 0xb8 } },
				.len = 32 };
	struct sgw_ipaddr a = { .family = AF_INET, .bytes = { 192, 0, 2, 1 } };
	char buf[SGW_PREFIX_STRLEN];

	(void)state;
	sgw_addr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.1");
	assert_int_equal(sgw_addr_bits(&a), 32);
	sgw_prefix_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::/32");
	assert_int_equal(sgw_addr_bits(&p.addr), 128);
	memset(&a, 0, sizeof(a));
	sgw_addr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "unset");
	/* The longest literal fits. */
	memset(p.addr.bytes, 0xff, sizeof(p.addr.bytes));
	p.addr.bytes[10] = 0xff;
	p.len = 128;
	sgw_prefix_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	p.addr.family = AF_INET6;
	memset(p.addr.bytes, 0, 10);
	sgw_prefix_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "::ffff:255.255.255.255/128");
}

static void test_sa_list(void **state)
{
	struct sgw_sa_list list = { 0 };
	struct sgw_sa_info sa;
	unsigned int i;

	(void)state;
	memset(&sa, 0, sizeof(sa));
	for (i = 0; i < 300; i++) {
		sa.spi = 256 + i;
		assert_int_equal(sgw_sa_list_push(&list, &sa), 0);
	}
	assert_int_equal(list.n, 300);
	for (i = 0; i < 300; i++)
		assert_int_equal(list.v[i].spi, 256 + i);
	sgw_sa_list_free(&list);
	assert_null(list.v);
	assert_int_equal(list.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_names),
		cmocka_unit_test(test_list_growth),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_algs),
		cmocka_unit_test(test_addr_format),
		cmocka_unit_test(test_sa_list),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
