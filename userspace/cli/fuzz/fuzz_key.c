// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the key-file parser. The first byte picks the
 * algorithm, the rest is the file. Checked: a failure leaves no key
 * bytes behind, and a success re-encoded as plain hex parses to the same key.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t zero[SGW_KEY_MAX];
	uint8_t key[SGW_KEY_MAX], again[SGW_KEY_MAX];
	char err[300], hex[2 * SGW_KEY_MAX + 1];
	const struct sgw_alg_spec *alg;
	size_t i;

	if (size < 1)
		return 0;
	alg = &sgw_algs[data[0] % SGW_ALG_MAX];
	memset(key, 0xa5, sizeof(key));
	if (parse_key_hex("fuzz", (const char *)data + 1, size - 1, alg, key,
			  err, sizeof(err))) {
		if (memcmp(key, zero, sizeof(key)) || !err[0])
			abort();
		return 0;
	}
	for (i = 0; i < alg->key_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	if (parse_key_hex("fuzz", hex, 2 * alg->key_len, alg, again, err,
			  sizeof(err)) ||
	    memcmp(key, again, alg->key_len))
		abort();
	return 0;
}
