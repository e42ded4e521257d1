// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the selector-list parser. Checked on success: at
 * most SGW_TS_MAX network prefixes without host bits, and the list as
 * sgwctl prints it parses back to the same list.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

static void check_round_trip(const struct sgw_ts *ts)
{
	char text[SGW_TS_MAX * SGW_PREFIX_STRLEN] = "any", err[400];
	struct sgw_ts again;
	size_t used = 0;
	unsigned int i;

	if (ts->n > SGW_TS_MAX)
		abort();
	for (i = 0; i < ts->n; i++) {
		struct sgw_ipprefix p;

		if (ts->v[i].len > sgw_addr_bits(&ts->v[i].addr))
			abort();
		if (i)
			text[used++] = ',';
		sgw_prefix_format(&ts->v[i], text + used, sizeof(text) - used);
		/* Each entry alone is a valid prefix (no host bits). */
		if (parse_prefix("x", text + used, &p, err, sizeof(err)))
			abort();
		used += strlen(text + used);
	}
	if (parse_prefix_list("x", text, &again, err, sizeof(err)) ||
	    again.n != ts->n)
		abort();
	for (i = 0; i < ts->n; i++)
		if (again.v[i].addr.family != ts->v[i].addr.family ||
		    again.v[i].len != ts->v[i].len ||
		    memcmp(again.v[i].addr.bytes, ts->v[i].addr.bytes, 16))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), err[400];
	struct sgw_ts ts;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (parse_prefix_list("local-ts", s, &ts, err, sizeof(err)) == 0)
		check_round_trip(&ts);
	else if (!err[0])
		abort();
	free(s);
	return 0;
}
