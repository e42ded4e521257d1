/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The other end of a tunnel ("sgwctl showconf --peer NAME"): the mirrored
 * sgw.conf section for a second sgw gateway, or the swanctl.conf of a
 * strongSwan peer, both from one tunnel of this gateway's configuration.
 */
#ifndef SGW_CONF_PEER_H
#define SGW_CONF_PEER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf_model.h"

/*
 * The tunnel as the other gateway sees it: local and remote, their
 * identities and their networks swapped, everything else the same. @out
 * shares @t's allocations (psk-file, network lists): it must not outlive
 * @t and is never freed itself. Returns 0, or -1 with @why set when @t
 * cannot be mirrored (local = auto: the peer needs this gateway's address).
 */
int sgw_conf_peer_mirror(const struct sgw_conf_tunnel *t,
			 struct sgw_conf_tunnel *out, char *why, size_t whylen);

/*
 * The mirrored tunnel as an sgw.conf section, after comments that say
 * where it came from and how to copy the psk-file (which it names, never
 * reads). Returns 0, or -1 when writing failed.
 */
int sgw_conf_peer_print(FILE *f, const struct sgw_conf_tunnel *mirror);

/*
 * The mirrored tunnel as strongSwan's swanctl.conf: connections.NAME and
 * secrets.ike-NAME holding @key as 0x and hexadecimal digits. Returns 0,
 * or -1 when writing failed.
 */
int sgw_conf_peer_swanctl(FILE *f, const struct sgw_conf_tunnel *mirror,
			  const uint8_t *key, size_t keylen);

#endif /* SGW_CONF_PEER_H */
