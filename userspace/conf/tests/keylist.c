// SPDX-License-Identifier: GPL-2.0
/*
 * Prints the key table, one key a line: "SECTION<TAB>KEY<TAB>Type: ...
 * Default: ...". scripts/tests/check-sgw-conf-manpage.sh compares this
 * with sgw.conf(5).
 */
#include <stdio.h>

#include "conf_keys.h"

int main(void)
{
	const struct sgw_conf_key *keys;
	char line[512];
	size_t n, i;

	keys = sgw_conf_keys(&n);
	for (i = 0; i < n; i++) {
		if (sgw_conf_key_describe(&keys[i], line, sizeof(line)) < 0)
			return 1;
		printf("%s\t%s\t%s\n",
		       keys[i].section == SGW_CONF_SEC_GLOBAL ? "global" :
		       "tunnel", keys[i].name, line);
	}
	return 0;
}
