/* SPDX-License-Identifier: GPL-2.0 */
/* CHILD SAs: KEYMAT (§2.17) and their life in the kernel. */
#ifndef IKE_CHILD_H
#define IKE_CHILD_H

#include <stdbool.h>
#include <stdint.h>

#include "ike_alg.h"
#include "ike_engine.h"
#include "ike_ts.h"

struct ike_sa;

struct ike_child {
	struct ike_child *next;
	uint32_t spi_in;		/* network byte order */
	uint32_t spi_out;
	struct ike_suite suite;
	struct ike_ts_list local_ts;
	struct ike_ts_list remote_ts;
	ike_time_t created;
	bool delete_queued;		/* waiting for the request slot */
	bool deleting;			/* our DELETE is out */
};

/* A random inbound SPI outside the reserved 1..255, unused by the engine. */
uint32_t ike_child_alloc_spi(struct ike_engine *e);
/*
 * Derive keys from @sa's SK_d and nonces and install both directions,
 * inbound first. NULL, with nothing left in the kernel, on failure.
 */
struct ike_child *ike_child_create(struct ike_sa *sa, uint32_t spi_in,
				   uint32_t spi_out, const struct ike_suite *s,
				   const struct ike_ts_list *local_ts,
				   const struct ike_ts_list *remote_ts);
/* Outbound first, so nothing more is sent on an SA about to vanish. */
void ike_child_destroy(struct ike_sa *sa, struct ike_child *c);
struct ike_child *ike_child_by_spi_in(struct ike_sa *sa, uint32_t spi);
struct ike_child *ike_child_by_spi_out(struct ike_sa *sa, uint32_t spi);

#endif
