// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

int parse_u32(const char *field, const char *s, uint32_t min, uint32_t max,
	      uint32_t *out, char *err, size_t errlen)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!*s || !isdigit((unsigned char)*s))
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*out = (uint32_t)v;
	return 0;
bad:
	snprintf(err, errlen, "%s \"%s\" is not valid: expected a number from %u to %u",
		 field, s, min, max);
	return -EINVAL;
}

/* The kernel's rules (dev_valid_name), checked here to explain them. */
int parse_ifname(const char *field, const char *s, char out[SGW_IFNAMSIZ],
		 char *err, size_t errlen)
{
	size_t len = strlen(s), i;

	if (len == 0 || len >= SGW_IFNAMSIZ || !strcmp(s, ".") ||
	    !strcmp(s, ".."))
		goto bad;
	for (i = 0; i < len; i++)
		if (s[i] == '/' || s[i] == ':' || isspace((unsigned char)s[i]))
			goto bad;
	memcpy(out, s, len + 1);
	return 0;
bad:
	snprintf(err, errlen,
		 "%s \"%s\" is not valid: use 1 to %d characters without '/', ':' or spaces",
		 field, s, SGW_IFNAMSIZ - 1);
	return -EINVAL;
}

/* A tunnel is named by its number or by its interface name. */
int parse_tunnel_ref(const char *s, struct sgw_tunnel_ref *ref, char *err,
		     size_t errlen)
{
	memset(ref, 0, sizeof(*ref));
	if (isdigit((unsigned char)*s))
		return parse_u32("tunnel id", s, 1, SGW_TUNNEL_ID_MAX, &ref->id,
				 err, errlen);
	return parse_ifname("tunnel interface", s, ref->ifname, err, errlen);
}
