// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "json.h"

static char *buf;
static size_t len;

static struct json *start(void)
{
	static struct json j;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	json_init(&j, f);
	return &j;
}

static void finish(struct json *j, const char *expect)
{
	fclose(j->out);
	assert_string_equal(buf, expect);
	free(buf);
	buf = NULL;
}

static void test_nested(void **state)
{
	struct json *j = start();

	(void)state;
	json_array_open(j, NULL);
	json_object_open(j, NULL);
	json_u64(j, "id", 1);
	json_string(j, "ifname", "sgw1");
	json_object_open(j, "drops");
	json_u64(j, "no_sa", 18446744073709551615ULL);
	json_u64(j, "replay", 0);
	json_object_close(j);
	json_bool(j, "enabled", true);
	json_object_close(j);
	json_object_open(j, NULL);
	json_object_close(j);
	json_array_close(j);
	json_end(j);
	finish(j, "[{\"id\":1,\"ifname\":\"sgw1\",\"drops\":{\"no_sa\":18446744073709551615,"
		  "\"replay\":0},\"enabled\":true},{}]\n");
}

/* A document: an object that starts with the contract's version. */
static void test_document(void **state)
{
	struct json *j = start();

	(void)state;
	json_document_open(j, j->out);
	json_array_open(j, "tunnels");
	json_array_close(j);
	json_document_close(j);
	finish(j, "{\"version\":1,\"tunnels\":[]}\n");
}

static void test_escaping(void **state)
{
	struct json *j = start();

	(void)state;
	json_object_open(j, NULL);
	json_string(j, "k\"ey", "a\"b\\c\nd\te\001f\x7fg");
	json_object_close(j);
	finish(j, "{\"k\\\"ey\":\"a\\\"b\\\\c\\nd\\te\\u0001f\x7fg\"}");
}

static void test_empty_array(void **state)
{
	struct json *j = start();

	(void)state;
	json_array_open(j, NULL);
	json_array_close(j);
	json_end(j);
	finish(j, "[]\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_empty_array),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
