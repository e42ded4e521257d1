/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a configuration needs from the host it runs on: the pre-shared key
 * files (read and decoded as the daemon does) and the local SGW addresses.
 * The one unit of libsgwconf that looks beyond the configuration files.
 */
#ifndef SGW_CONF_HOST_H
#define SGW_CONF_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "conf_check.h"
#include "conf_model.h"

#define SGW_CONF_PSK_MAX	256	/* bytes of key, after decoding */
#define SGW_CONF_PSK_SHORT	16	/* fewer bytes draw a warning */
#define SGW_CONF_PSK_GEN	32	/* bytes of key "sgwctl genpsk" makes */
/* "0s" and the base64 of SGW_CONF_PSK_GEN bytes, and a NUL. */
#define SGW_CONF_PSK_GEN_LEN	(2 + 4 * ((SGW_CONF_PSK_GEN + 2) / 3) + 1)

/*
 * The key a psk-file's text stands for, as strongSwan reads a secret:
 * "0x" and hexadecimal digits, "0s" and base64 (either prefix in either
 * case), or else the text's bytes themselves. Returns 0 with the key in
 * @key (@keylen bytes, 1..SGW_CONF_PSK_MAX), or -1 with @why set.
 */
int sgw_conf_psk_decode(const char *text, size_t len, uint8_t *key,
			size_t *keylen, char *why, size_t whylen);

/*
 * Reads @path as the daemon does: a regular file, neither readable by
 * others nor writable by group or others (as sshd wants private keys),
 * whose content, less trailing newlines, sgw_conf_psk_decode() takes.
 * Returns 0 with the key (and @warn set, or empty: a file readable by its
 * group, a short key), or -1 with @err set ("psk-file /etc/sgw/hq.psk:
 * ..."). @err_no receives
 * the errno of a file that could not be opened, else 0. Wipes its copies.
 */
int sgw_conf_psk_read(const char *path, uint8_t *key, size_t *keylen,
		      char *warn, size_t warnlen, char *err, size_t errlen,
		      int *err_no);

/*
 * A fresh key of SGW_CONF_PSK_GEN random bytes as "0s" and base64, in
 * @out (at least SGW_CONF_PSK_GEN_LEN bytes). Returns 0 or -1 (errno).
 */
int sgw_conf_psk_generate(char *out, size_t outlen);

struct addrinfo;

/*
 * remote = NAME: the first address of @res of @family (that of a literal
 * local), or of either family when @family is AF_UNSPEC (local = auto),
 * in the order the resolver returned them. Returns 0, or -1 if none fits.
 */
int sgw_conf_pick_addr(const struct addrinfo *res, uint8_t family,
		       struct sgw_conf_addr *out);
/* The hints of the lookup for @family (AF_UNSPEC: either). */
void sgw_conf_resolve_hints(uint8_t family, struct addrinfo *hints);
/*
 * Resolves @name now (getaddrinfo(3), bounded by the resolver's own
 * timeouts). Returns 0, or -1 with the reason in @err.
 */
int sgw_conf_resolve(const char *name, uint8_t family,
		     struct sgw_conf_addr *out, char *err, size_t errlen);

/* Flags of sgw_conf_check_host(). */
#define SGW_CONF_HOST_OFFLINE	(1u << 0)	/* checked for another host */

/*
 * Appends to @out what the daemon would find on this host, for each
 * tunnel (one with parse errors too, as far as it was read): a psk-file
 * it cannot use (error), or one
 * readable by its group or holding a short key (warning); a local address
 * not assigned to any interface here (warning); a remote DNS name that
 * does not resolve (error). With
 * SGW_CONF_HOST_OFFLINE nothing is looked at. Returns the number of
 * errors added, or -1 when memory ran out.
 */
int sgw_conf_check_host(const struct sgw_conf *conf, unsigned int flags,
			struct sgw_conf_problems *out);

#endif /* SGW_CONF_HOST_H */
