/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Values of one key: parse the text after "=", print it back, compare and
 * release it. Every function takes the key's table entry and the base of the
 * struct the key lives in (struct sgw_conf_global or sgw_conf_tunnel).
 */
#ifndef SGW_CONF_VALUE_H
#define SGW_CONF_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf_keys.h"

/* Why a value was refused: the part to quote and what was expected. */
struct sgw_conf_verdict {
	const char *bad;	/* NULL: quote the whole value */
	size_t bad_len;
	char detail[768];	/* "expected copy, set or clear" */
};

/*
 * Parses NUL-terminated @text into the key's field of @base. On failure
 * the field is left as it was and @v says why. Returns 0 or -1.
 */
int sgw_conf_value_parse(const struct sgw_conf_key *k, const char *text,
			 void *base, struct sgw_conf_verdict *v);
/* Writes the value as the file would; returns -1 on a write error. */
int sgw_conf_value_print(const struct sgw_conf_key *k, const void *base,
			 FILE *f);
bool sgw_conf_value_equal(const struct sgw_conf_key *k, const void *a,
			  const void *b);
/* Frees what the field owns and leaves it empty. */
void sgw_conf_value_release(const struct sgw_conf_key *k, void *base);

/* Canonical text forms: "90m", "4h", "0s"; "64M", "0". */
void sgw_conf_duration_str(uint32_t seconds, char *buf, size_t len);
void sgw_conf_bytes_str(uint64_t bytes, char *buf, size_t len);
int sgw_conf_ident_print(const struct sgw_conf_ident *id, FILE *f);
/* The identity a tunnel uses when none is configured for @addr. */
void sgw_conf_ident_from_addr(struct sgw_conf_ident *id,
			      const struct sgw_conf_addr *addr);

#endif /* SGW_CONF_VALUE_H */
