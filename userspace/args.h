/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line value parsers: each failure names the field, value and fix. */
#ifndef SGWCTL_ARGS_H
#define SGWCTL_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

int parse_u32(const char *field, const char *s, uint32_t min, uint32_t max,
	      uint32_t *out, char *err, size_t errlen);
int parse_ifname(const char *field, const char *s, char out[SGW_IFNAMSIZ],
		 char *err, size_t errlen);
int parse_tunnel_ref(const char *s, struct sgw_tunnel_ref *ref, char *err,
		     size_t errlen);

#endif
