/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Proposal model, strongSwan-style proposal strings ("aes256gcm16-prfsha384-
 * ecp384", "aes128-sha256" for ESP) and responder selection (§2.7).
 */
#ifndef IKE_PROPOSAL_H
#define IKE_PROPOSAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_alg.h"
#include "ike_payload.h"

#define IKE_PROP_ALGS 8

struct ike_prop_alg {
	uint16_t id;
	uint16_t bits;
};

/* One proposal: alternatives per transform type, in preference order. */
struct ike_proposal {
	uint8_t protocol;
	uint8_t n[IKE_XF_TYPES];
	struct ike_prop_alg alg[IKE_XF_TYPES][IKE_PROP_ALGS];
};

int ike_proposal_parse(struct ike_proposal *p, uint8_t protocol,
		       const char *s);
int ike_proposal_format(const struct ike_proposal *p, char *buf, size_t len);
/* Comma-separated list of proposals, for "no common proposal" messages. */
int ike_proposals_format(const struct ike_proposal *p, int n, char *buf,
			 size_t len);
int ike_pl_proposals_format(const struct ike_pl_sa *sa, char *buf,
			    size_t len);
int ike_suite_format(const struct ike_suite *s, uint8_t protocol, char *buf,
		     size_t len);

/* Wire form; @strip_dh drops DH for CHILD SAs created in IKE_AUTH (§1.2). */
void ike_proposal_to_pl(const struct ike_proposal *p, uint8_t num,
			const uint8_t *spi, uint8_t spi_size, bool strip_dh,
			struct ike_pl_proposal *out);
/* All of @p, numbered from 1, each carrying @spi. */
void ike_proposals_to_sa(const struct ike_proposal *p, int n,
			 const uint8_t *spi, uint8_t spi_size, bool strip_dh,
			 struct ike_pl_sa *out);
void ike_suite_to_pl(const struct ike_suite *s, uint8_t protocol,
		     uint8_t num, const uint8_t *spi, uint8_t spi_size,
		     struct ike_pl_proposal *out);

/*
 * Responder choice: the first of @ours (in our order) that some offered
 * proposal of @protocol with an SPI of @spi_size can satisfy. Within it the
 * DH group @prefer_dh wins if both sides allow it, saving an INVALID_KE
 * round trip. Returns the index of the offered proposal, or -1.
 */
int ike_proposal_select(const struct ike_proposal *ours, int n_ours,
			const struct ike_pl_sa *offered, uint8_t protocol,
			uint8_t spi_size, bool ignore_dh, uint16_t prefer_dh,
			struct ike_suite *out);
/*
 * Initiator check of a reply: one proposal, one transform per type, all of
 * them taken from our proposal with the same number.
 */
int ike_proposal_accept(const struct ike_proposal *ours, int n_ours,
			const struct ike_pl_sa *reply, uint8_t protocol,
			uint8_t spi_size, bool ignore_dh, struct ike_suite *out);
bool ike_proposal_has_dh(const struct ike_proposal *p, int n, uint16_t group);

#endif
