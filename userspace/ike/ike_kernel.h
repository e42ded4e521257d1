/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the engine asks of the ESP data plane. sgwctl implements it over
 * generic netlink; the unit tests with a fake that records calls. A CHILD SA
 * is installed inbound first, then outbound, so the peer's first packet
 * always finds its SA.
 */
#ifndef IKE_KERNEL_H
#define IKE_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ike_config.h"
#include "ike_ts.h"

enum ike_dir {
	IKE_DIR_IN = 0,
	IKE_DIR_OUT = 1,
};

struct ike_kernel_sa {
	uint32_t tunnel;
	enum ike_dir dir;
	uint32_t spi;			/* network byte order */
	enum ike_mode mode;
	uint16_t encr;			/* IANA transform IDs */
	uint16_t encr_bits;
	uint16_t integ;			/* 0 for AEADs */
	bool esn;
	/* AEADs: key followed by the 4-byte salt, as rfc4106/rfc7539esp take it. */
	const uint8_t *enc_key;
	size_t enc_key_len;
	const uint8_t *integ_key;
	size_t integ_key_len;
	const struct sockaddr_storage *local;
	const struct sockaddr_storage *remote;
	const struct ike_ts_list *local_ts;
	const struct ike_ts_list *remote_ts;
	/*
	 * One CHILD SA of several in its tunnel: the SA carries local_ts and
	 * remote_ts as its own selectors, and the tunnel's stay as they are.
	 * Otherwise the tunnel's selectors are narrowed to them.
	 */
	bool own_ts;
	uint32_t soft_lifetime_s;
	uint32_t hard_lifetime_s;
	/*
	 * ESP in UDP (RFC 3948), host order, 0 and 0 for plain ESP: the
	 * ports of the packets this SA carries (outbound: ours, the peer's;
	 * inbound: the peer's, ours), as xfrm's "encap espinudp".
	 */
	uint16_t encap_sport;
	uint16_t encap_dport;
};

struct ike_kernel {
	void *ctx;
	int (*add_sa)(void *ctx, const struct ike_kernel_sa *sa);
	int (*del_sa)(void *ctx, uint32_t tunnel, enum ike_dir dir,
		      uint32_t spi);
	/*
	 * Optional: the peer of one CHILD SA pair moved (a NAT mapping
	 * changed, seen on an authenticated message): the tunnel's remote
	 * address becomes @remote's, keeping its SAs, and with @encap the
	 * SAs' UDP ports follow (@spi_out 0: no outbound yet).
	 */
	int (*move)(void *ctx, uint32_t tunnel,
		    const struct sockaddr_storage *local,
		    const struct sockaddr_storage *remote, uint32_t spi_in,
		    uint32_t spi_out, bool encap);
	/*
	 * Optional: ESP packets sent so far on the tunnel's outbound SAs,
	 * summed (the kernel's SA counters). The NAT keepalive timer asks it,
	 * to send no keepalive while ESP keeps the mapping open. Without it,
	 * or when it fails, keepalives go out as if no ESP did.
	 */
	int (*out_packets)(void *ctx, uint32_t tunnel, uint64_t *packets);
};

#endif
