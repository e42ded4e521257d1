// SPDX-License-Identifier: GPL-2.0
/* The key table itself: consistent, complete, defaults in canonical form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_value.h"
#include "testutil.h"

static void ids_match_enum(void **state)
{
	const struct sgw_conf_key *keys;
	bool seen[SGW_CONF_KEY_COUNT] = { false };
	size_t n, i;

	(void)state;
	keys = sgw_conf_keys(&n);
	assert_int_equal(n, SGW_CONF_KEY_COUNT);
	for (i = 0; i < n; i++) {
		assert_true(keys[i].id < SGW_CONF_KEY_COUNT);
		assert_false(seen[keys[i].id]);
		seen[keys[i].id] = true;
		assert_ptr_equal(sgw_conf_key_by_id(keys[i].id), &keys[i]);
		assert_ptr_equal(sgw_conf_key_find(keys[i].section,
						   keys[i].name,
						   strlen(keys[i].name)),
				 &keys[i]);
		assert_non_null(keys[i].summary);
	}
}

/* Exactly one of: a default, a derived default, required. */
static void default_kinds(void **state)
{
	const struct sgw_conf_key *keys;
	size_t n, i;

	(void)state;
	keys = sgw_conf_keys(&n);
	for (i = 0; i < n; i++) {
		int kinds = !!keys[i].def + !!keys[i].derived +
			    keys[i].required;

		if (kinds != 1)
			fail_msg("key %s: %d kinds of default", keys[i].name,
				 kinds);
		if (keys[i].section == SGW_CONF_SEC_GLOBAL)
			assert_non_null(keys[i].def);
	}
}

/*
 * Each default parses, and prints back as written: the man page shows the
 * table's text, so it must be what showconf prints.
 */
static void defaults_canonical(void **state)
{
	const struct sgw_conf_key *keys;
	size_t n, i;

	(void)state;
	keys = sgw_conf_keys(&n);
	for (i = 0; i < n; i++) {
		struct sgw_conf_tunnel t;
		struct sgw_conf_verdict v;
		char *out = NULL;
		size_t len = 0;
		FILE *f;

		if (!keys[i].def)
			continue;
		memset(&t, 0, sizeof(t));
		if (sgw_conf_value_parse(&keys[i], keys[i].def, &t, &v) < 0)
			fail_msg("default of %s does not parse: %s",
				 keys[i].name, v.detail);
		f = open_memstream(&out, &len);
		assert_non_null(f);
		assert_int_equal(sgw_conf_value_print(&keys[i], &t, f), 0);
		fclose(f);
		assert_string_equal(out, keys[i].def);
		free(out);
		sgw_conf_value_release(&keys[i], &t);
	}
}

/* Heap-owning values must default to empty, so tunnels can be copied. */
static void heap_defaults_empty(void **state)
{
	const struct sgw_conf_key *keys;
	size_t n, i;

	(void)state;
	keys = sgw_conf_keys(&n);
	for (i = 0; i < n; i++) {
		if (keys[i].type == SGW_CONF_T_PATH)
			assert_null(keys[i].def);
		if (keys[i].type == SGW_CONF_T_PREFIXES)
			assert_string_equal(keys[i].def, "any");
	}
}

static void describe_lines(void **state)
{
	static const struct {
		const char *key;
		const char *line;
	} want[] = {
		{ "id", "Type: integer 1..65535. Default: none (required)." },
		{ "enabled", "Type: yes | no. Default: yes." },
		{ "interface", "Type: interface name. Default: sgw<id>." },
		{ "mtu", "Type: auto | integer 68..65535. Default: auto." },
		{ "mss", "Type: auto | off | integer 536..65495. Default: "
			 "auto." },
		{ "ike-lifetime", "Type: duration 10s..30d. Default: 4h." },
		{ "outer-df", "Type: copy | set | clear. Default: clear." },
		{ "local", "Type: IP address | auto. Default: auto." },
	};
	char buf[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct sgw_conf_key *k = sgw_conf_key_find(
			SGW_CONF_SEC_TUNNEL, want[i].key,
			strlen(want[i].key));

		assert_non_null(k);
		assert_int_equal(sgw_conf_key_describe(k, buf, sizeof(buf)),
				 0);
		assert_string_equal(buf, want[i].line);
	}
}

static void suggestions(void **state)
{
	(void)state;
	assert_string_equal(sgw_conf_key_suggest(SGW_CONF_SEC_TUNNEL,
						 "rekey-jiter", 11),
			    "rekey-jitter");
	assert_string_equal(sgw_conf_key_suggest(SGW_CONF_SEC_TUNNEL,
						 "remote_id", 9), "remote-id");
	assert_string_equal(sgw_conf_key_suggest(SGW_CONF_SEC_TUNNEL,
						 "MTU", 3), "mtu");
	assert_string_equal(sgw_conf_key_suggest(SGW_CONF_SEC_GLOBAL,
						 "loglevel", 8), "log-level");
	/* strongSwan's, wg's and the command line's words. */
	assert_string_equal(sgw_conf_key_suggest(SGW_CONF_SEC_TUNNEL,
						 "local_ts", 8), "local-networks");
	assert_string_equal(sgw_conf_key_suggest(SGW_CONF_SEC_TUNNEL,
						 "remote-ts", 9), "remote-networks");
	assert_string_equal(sgw_conf_key_suggest(SGW_CONF_SEC_TUNNEL,
						 "AllowedIPs", 10),
			    "remote-networks");
	assert_string_equal(sgw_conf_key_suggest(SGW_CONF_SEC_TUNNEL,
						 "Endpoint", 8), "remote");
	assert_string_equal(sgw_conf_key_suggest(SGW_CONF_SEC_TUNNEL,
						 "secret", 6), "psk-file");
	assert_string_equal(sgw_conf_key_suggest(SGW_CONF_SEC_TUNNEL,
						 "proposals", 9), "ike-proposals");
	/* A unique beginning beats a near word: psk, not mss. */
	assert_string_equal(sgw_conf_key_suggest(SGW_CONF_SEC_TUNNEL,
						 "psk", 3), "psk-file");
	assert_string_equal(sgw_conf_key_suggest(SGW_CONF_SEC_TUNNEL,
						 "protect", 7), "protect-gateways");
	/* Not in [global]. */
	assert_null(sgw_conf_key_suggest(SGW_CONF_SEC_GLOBAL, "secret", 6));
	assert_null(sgw_conf_key_suggest(SGW_CONF_SEC_TUNNEL, "colour", 6));
	assert_null(sgw_conf_key_suggest(SGW_CONF_SEC_GLOBAL, "mtu", 3));
	assert_int_equal(sgw_conf_edit_distance("kitten", 6, "sitting", 7, 5),
			 3);
	assert_int_equal(sgw_conf_edit_distance("abc", 3, "abc", 3, 2), 0);
	assert_int_equal(sgw_conf_edit_distance("a", 1, "abcdef", 6, 2), 3);
}

static void alg_names(void **state)
{
	uint16_t id, bits;

	(void)state;
	assert_string_equal(sgw_conf_alg_name(SGW_CONF_ENCR,
					      SGW_CONF_ENCR_AES256GCM16),
			    "aes256gcm16");
	assert_string_equal(sgw_conf_alg_name(SGW_CONF_DH,
					      SGW_CONF_DH_CURVE25519),
			    "curve25519");
	assert_null(sgw_conf_alg_name(SGW_CONF_DH, 99));
	assert_true(sgw_conf_encr_is_aead(SGW_CONF_ENCR_CHACHA20POLY1305));
	assert_false(sgw_conf_encr_is_aead(SGW_CONF_ENCR_AES128));
	sgw_conf_encr_iana(SGW_CONF_ENCR_AES256, &id, &bits);
	assert_int_equal(id, 12);
	assert_int_equal(bits, 256);
	sgw_conf_encr_iana(SGW_CONF_ENCR_AES128GCM16, &id, &bits);
	assert_int_equal(id, 20);
	assert_int_equal(bits, 128);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ids_match_enum),
		cmocka_unit_test(default_kinds),
		cmocka_unit_test(defaults_canonical),
		cmocka_unit_test(heap_defaults_empty),
		cmocka_unit_test(describe_lines),
		cmocka_unit_test(suggestions),
		cmocka_unit_test(alg_names),
	};

	return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}
