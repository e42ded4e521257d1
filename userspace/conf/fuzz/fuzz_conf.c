// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the sgw.conf parser. Beyond "no crash, no leak" it
 * checks the properties the rest of sgw relies on: errors name the file,
 * the checker copes with whatever parsed, and every parsed configuration
 * prints to text that parses back to an equal configuration.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_check.h"
#include "conf_parse.h"
#include "conf_print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct sgw_conf *c, unsigned int flags)
{
	struct sgw_conf_error err;
	struct sgw_conf d;
	char *text = sgw_conf_print_string(c, flags);

	if (!text)
		abort();
	if (sgw_conf_parse_buffer("printed.conf", text, strlen(text),
				  SGW_CONF_NO_INCLUDE, &d, &err) < 0) {
		fprintf(stderr, "printed config does not parse: %s\n%s\n",
			err.text, text);
		abort();
	}
	if (!sgw_conf_equal(c, &d)) {
		fprintf(stderr, "round trip changed the config:\n%s\n", text);
		abort();
	}
	sgw_conf_free(&d);
	free(text);
}

/*
 * The same input read on after each error ("config check"): at least one
 * error, the first as the stopping parser words it (messages are cut to
 * its buffer), and the checker copes with what was read.
 */
static void keep_going(const uint8_t *data, size_t size,
		       const struct sgw_conf_error *first)
{
	struct sgw_conf_problems probs, more;
	struct sgw_conf c;
	size_t i;

	if (sgw_conf_parse_buffer_all("fuzz.conf", (const char *)data, size,
				      SGW_CONF_NO_INCLUDE, &c, &probs) < 1)
		abort();
	if (strncmp(probs.v[0].text, first->text, strlen(first->text)) != 0)
		abort();
	for (i = 0; i < probs.count; i++)
		if (strncmp(probs.v[i].text, "fuzz.conf:", 10) != 0)
			abort();
	if (sgw_conf_check(&c, &more) < 0)
		abort();
	sgw_conf_problems_free(&more);
	sgw_conf_problems_free(&probs);
	sgw_conf_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgw_conf_problems probs;
	struct sgw_conf_error err;
	struct sgw_conf c;

	if (sgw_conf_parse_buffer("fuzz.conf", (const char *)data, size,
				  SGW_CONF_NO_INCLUDE, &c, &err) < 0) {
		if (strncmp(err.text, "fuzz.conf:", 10) != 0 ||
		    c.n_tunnels != 0 || !memchr(err.text, '\0',
						sizeof(err.text)))
			abort();
		sgw_conf_free(&c);
		keep_going(data, size, &err);
		return 0;
	}
	if (sgw_conf_check(&c, &probs) < 0)
		abort();
	sgw_conf_problems_free(&probs);
	round_trip(&c, 0);
	round_trip(&c, SGW_CONF_PRINT_DEFAULTS | SGW_CONF_PRINT_ORIGIN);
	sgw_conf_free(&c);
	return 0;
}
