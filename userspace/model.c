// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>

#include "model.h"

/* Stable names, used both by "show" and as JSON keys. */
static const char *const drop_names[__SGW_DROP_MAX] = {
	[SGW_DROP_NO_SA] = "no-sa",
	[SGW_DROP_UNKNOWN_SPI] = "unknown-spi",
	[SGW_DROP_REPLAY] = "replay",
	[SGW_DROP_AUTH] = "auth-failed",
	[SGW_DROP_MALFORMED] = "malformed",
	[SGW_DROP_SELECTOR] = "selector",
	[SGW_DROP_DISABLED] = "disabled",
	[SGW_DROP_LOOP] = "loop",
	[SGW_DROP_NOMEM] = "no-memory",
};

const char *sgw_drop_name(unsigned int reason)
{
	if (reason >= __SGW_DROP_MAX || !drop_names[reason])
		return "unknown";
	return drop_names[reason];
}

int sgw_tunnel_list_push(struct sgw_tunnel_list *list,
			 const struct sgw_tunnel *t)
{
	struct sgw_tunnel *v;

	/* Grow by doubling; n is a power of two whenever the array is full. */
	if ((list->n & (list->n - 1)) == 0) {
		v = realloc(list->v, (list->n ? list->n * 2 : 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		list->v = v;
	}
	list->v[list->n++] = *t;
	return 0;
}

void sgw_tunnel_list_free(struct sgw_tunnel_list *list)
{
	free(list->v);
	list->v = NULL;
	list->n = 0;
}
