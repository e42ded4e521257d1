// SPDX-License-Identifier: GPL-2.0
/* libFuzzer harness for sgwctl's command-line value parsers. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgw_tunnel_ref ref;
	char name[SGW_IFNAMSIZ], err[160];
	char *s = malloc(size + 1);
	uint16_t sp, dp;
	uint32_t v;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	parse_u32("value", s, 0, UINT32_MAX, &v, err, sizeof(err));
	parse_u32("value", s, 1, 65535, &v, err, sizeof(err));
	parse_ifname("name", s, name, err, sizeof(err));
	if (parse_encap(s, "4500", &sp, &dp, err, sizeof(err)) == 0 &&
	    (!sp || dp != 4500))
		abort();
	if (parse_tunnel_ref(s, &ref, err, sizeof(err)) == 0 && !ref.id &&
	    strlen(ref.ifname) >= SGW_IFNAMSIZ)
		abort();
	free(s);
	return 0;
}
