/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON reader (RFC 8259) for what sgwctl reads from other tools
 * ("nft -j list ruleset"): the whole text becomes a tree of nodes.
 * Nesting deeper than JSONP_DEPTH is refused.
 */
#ifndef SGWCTL_JSONPARSE_H
#define SGWCTL_JSONPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSONP_DEPTH 64

enum jsonp_type { JSONP_NULL, JSONP_BOOL, JSONP_NUM, JSONP_STR, JSONP_ARR,
		  JSONP_OBJ };

struct jsonp {
	enum jsonp_type type;
	char *key;		/* member name inside an object, else NULL */
	char *str;		/* JSONP_STR: the decoded text (no NUL inside) */
	double num;		/* JSONP_NUM */
	bool b;			/* JSONP_BOOL */
	struct jsonp *child;	/* first element or member */
	struct jsonp *next;	/* next sibling */
};

/*
 * Parses @len bytes of @text. Returns the root, or NULL with @err set
 * ("offset 12: expected ':'"); free the tree with jsonp_free().
 */
struct jsonp *jsonp_parse(const char *text, size_t len, char *err,
			  size_t errlen);
void jsonp_free(struct jsonp *n);
/* The member @key of object @o, or NULL (also when @o is no object). */
const struct jsonp *jsonp_get(const struct jsonp *o, const char *key);
/* The string of member @key, or NULL. */
const char *jsonp_str(const struct jsonp *o, const char *key);
/* Whether @n is a number that is an integer in 0..2^53; its value in @v. */
bool jsonp_uint(const struct jsonp *n, uint64_t *v);

#endif
