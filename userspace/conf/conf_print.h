/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing a configuration back in sgw.conf syntax ("sgwctl showconf").
 * What is printed parses to an equal configuration (sgw_conf_equal()).
 * Pre-shared keys are never printed, only the path of their file.
 */
#ifndef SGW_CONF_PRINT_H
#define SGW_CONF_PRINT_H

#include <stdio.h>

#include "conf_model.h"

#define SGW_CONF_PRINT_DEFAULTS	(1u << 0)	/* keys at their default too */
#define SGW_CONF_PRINT_ORIGIN	(1u << 1)	/* comment: where defined */

/* Returns 0, or -1 when writing to @f failed. */
int sgw_conf_print(FILE *f, const struct sgw_conf *conf, unsigned int flags);

/* The same into a malloc()ed string; NULL when memory ran out. */
char *sgw_conf_print_string(const struct sgw_conf *conf, unsigned int flags);

#endif /* SGW_CONF_PRINT_H */
