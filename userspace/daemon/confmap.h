/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From sgw.conf to what the daemon hands on: the IKE engine's tunnel and
 * engine settings, the kernel tunnel (addresses, selectors, path MTU
 * settings), which reloads keep the SAs, and the pre-shared key read
 * from its file. Pure functions of the parsed configuration (only
 * confmap_read_psk() touches a file), so that the mapping is tested
 * in-process.
 */
#ifndef SGWCTL_CONFMAP_H
#define SGWCTL_CONFMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf_model.h"
#include "ike_config.h"
#include "model.h"

struct ike_engine_config;

/* Engine-wide settings from [global]. */
void confmap_engine(const struct sgw_conf_global *g,
		    struct ike_engine_config *out);
/*
 * What going from @before to @after changes, in sgw.conf's words
 * ("half-open-limit 30 -> 0"), for the reload message; "" if nothing.
 */
void confmap_engine_changes(const struct ike_engine_config *before,
			    const struct ike_engine_config *after,
			    char *buf, size_t len);

/*
 * Everything of @t the engine needs except the key (confmap_read_psk()
 * fills cfg->psk). Returns 0, or -1 with @err saying what cannot be used,
 * e.g. 'tunnel "hq": local = auto was not resolved to an address of this
 * host' (the caller resolves it first: srcaddr.h).
 */
int confmap_tunnel(const struct sgw_conf_tunnel *t,
		   struct ike_tunnel_config *cfg, char *err, size_t errlen);

/*
 * The kernel tunnel: addresses, selectors (empty = any), enabled,
 * protect-gateways and the path MTU settings.
 */
void confmap_kernel_tunnel(const struct sgw_conf_tunnel *t,
			   struct sgw_tunnel_config *out);
/* Only the path MTU settings: mtu, mss, outer-df, fragment. */
void confmap_kernel_pmtu(const struct sgw_conf_tunnel *t,
			 struct sgw_tunnel_config *out);

/*
 * Whether @before can become @after by a reload without negotiating: they
 * differ, and only in keys the peer never sees (lifetimes, rekey timing,
 * DPD, retransmission, the path MTU settings, SA options). @keys lists
 * the keys that differ ("mtu, dpd-delay"), in the key table's order.
 */
bool confmap_in_place(const struct sgw_conf_tunnel *before,
		      const struct sgw_conf_tunnel *after, char *keys,
		      size_t len);

/*
 * Reads the key of @path as sgw_conf_psk_read() does (raw, 0x hex or 0s
 * base64; trailing CR/LF dropped): a missing, empty, badly encoded or too
 * long key is refused (-1, @err), and so is a file readable by others or
 * writable by group or others; one readable by its group or a short key
 * is accepted with a warning in @warn (empty string otherwise). The key
 * is never part of any message.
 */
int confmap_read_psk(const char *path, uint8_t *psk, size_t *len,
		     char *warn, size_t warnlen, char *err, size_t errlen);

/* The IKE identity of a config identity; DEFAULT takes @addr. */
int confmap_identity(const struct sgw_conf_ident *id,
		     const struct sgw_conf_addr *addr,
		     struct ike_identity *out);

#endif
