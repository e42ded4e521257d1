/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line value parsers: each failure names the field, value and fix
 * in @err and returns a negative errno; @out is only written on success.
 */
#ifndef SGWCTL_ARGS_H
#define SGWCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* A key file larger than this is refused: hex for 64 bytes is far less. */
#define SGW_KEY_TEXT_MAX 4096

int parse_u32(const char *field, const char *s, uint32_t min, uint32_t max,
	      uint32_t *out, char *err, size_t errlen);
int parse_u64(const char *field, const char *s, uint64_t min, uint64_t max,
	      uint64_t *out, char *err, size_t errlen);
int parse_ifname(const char *field, const char *s, char out[SGW_IFNAMSIZ],
		 char *err, size_t errlen);
int parse_tunnel_ref(const char *s, struct sgw_tunnel_ref *ref, char *err,
		     size_t errlen);
int parse_yes_no(const char *field, const char *s, bool *out, char *err,
		 size_t errlen);
int parse_addr(const char *field, const char *s, struct sgw_ipaddr *out,
	       char *err, size_t errlen);
/* ADDR/LEN with no host bits, or a bare ADDR meaning /32 or /128. */
int parse_prefix(const char *field, const char *s, struct sgw_ipprefix *out,
		 char *err, size_t errlen);
/* "any" (no entries) or up to SGW_TS_MAX comma-separated prefixes. */
int parse_prefix_list(const char *field, const char *s, struct sgw_ts *out,
		      char *err, size_t errlen);
int parse_spi(const char *s, uint32_t *out, char *err, size_t errlen);
/* "encap SPORT DPORT": two UDP ports, 1 to 65535 each. */
int parse_encap(const char *sport, const char *dport, uint16_t *sp,
		uint16_t *dp, char *err, size_t errlen);
int parse_dir(const char *s, unsigned int *out, char *err, size_t errlen);
int parse_alg(const char *s, const struct sgw_alg_spec **out, char *err,
	      size_t errlen);

/*
 * Key material in hex: an optional leading 0x, whitespace anywhere between
 * bytes; exactly @alg's key length. @source names the input in messages
 * (e.g. "key file \"k.hex\""). On failure @out is wiped.
 */
int parse_key_hex(const char *source, const char *text, size_t len,
		  const struct sgw_alg_spec *alg, uint8_t out[SGW_KEY_MAX],
		  char *err, size_t errlen);
/*
 * Reads @path ("-": standard input) with parse_key_hex(); the text read is
 * wiped before returning. Warns on @warn when the file is readable by
 * group or others.
 */
int read_key_file(const char *path, const struct sgw_alg_spec *alg,
		  uint8_t out[SGW_KEY_MAX], FILE *warn, char *err,
		  size_t errlen);

int parse_mtu(const char *field, const char *s, uint32_t *out, char *err,
	      size_t errlen);
int parse_mss(const char *field, const char *s, uint32_t *out, char *err,
	      size_t errlen);
int parse_choice(const char *field, const char *s,
		 const char *(*name)(unsigned int), unsigned int n, uint8_t *out,
		 char *err, size_t errlen);

#endif
