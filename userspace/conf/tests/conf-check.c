// SPDX-License-Identifier: GPL-2.0
/*
 * What "sgwctl config check FILE" does with this library, as a tool for
 * the tests: parse, check, print every problem. Exit 0 when the files are
 * usable, 1 on a parse error or a checker error. With -p, also print the
 * effective configuration as "sgwctl showconf" would.
 */
#include <stdio.h>
#include <string.h>

#include "conf_check.h"
#include "conf_parse.h"
#include "conf_print.h"

int main(int argc, char **argv)
{
	struct sgw_conf_problems probs;
	struct sgw_conf_error err;
	struct sgw_conf conf;
	int i = 1, bad = 0, print = 0, errors;
	size_t j;

	if (argc > 1 && strcmp(argv[1], "-p") == 0) {
		print = 1;
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: conf-check [-p] FILE...\n");
		return 2;
	}
	for (; i < argc; i++) {
		if (sgw_conf_load(argv[i], &conf, &err) < 0) {
			fprintf(stderr, "%s\n", err.text);
			bad = 1;
			continue;
		}
		errors = sgw_conf_check(&conf, &probs);
		for (j = 0; j < probs.count; j++)
			fprintf(stderr, "%s: %s\n",
				sgw_conf_severity_name(probs.v[j].severity),
				probs.v[j].text);
		if (errors != 0)
			bad = 1;
		if (print && sgw_conf_print(stdout, &conf,
					    SGW_CONF_PRINT_ORIGIN) < 0)
			bad = 1;
		sgw_conf_problems_free(&probs);
		sgw_conf_free(&conf);
	}
	return bad;
}
