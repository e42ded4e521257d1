// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "model.h"

static void test_drop_names(void **state)
{
	unsigned int i, k;

	(void)state;
	assert_string_equal(sgw_drop_name(SGW_DROP_NO_SA), "no-sa");
	assert_string_equal(sgw_drop_name(SGW_DROP_AUTH), "auth-failed");
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
	struct sgw_tunnel t;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_names),
		cmocka_unit_test(test_list_growth),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
