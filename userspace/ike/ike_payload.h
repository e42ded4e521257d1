/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKEv2 payloads (RFC 7296 §3.2-§3.16): one validating decoder per type that
 * only records what it found, and the matching encoders. Decoded variable
 * data points into the buffer that was decoded, which must outlive the record.
 */
#ifndef IKE_PAYLOAD_H
#define IKE_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_buf.h"
#include "ike_ts.h"

enum ike_pl_type {
	IKE_PL_NONE = 0,
	IKE_PL_SA = 33,
	IKE_PL_KE = 34,
	IKE_PL_IDI = 35,
	IKE_PL_IDR = 36,
	IKE_PL_CERT = 37,
	IKE_PL_CERTREQ = 38,
	IKE_PL_AUTH = 39,
	IKE_PL_NONCE = 40,
	IKE_PL_NOTIFY = 41,
	IKE_PL_DELETE = 42,
	IKE_PL_VENDOR = 43,
	IKE_PL_TSI = 44,
	IKE_PL_TSR = 45,
	IKE_PL_SK = 46,
	IKE_PL_CP = 47,
	IKE_PL_EAP = 48,
	IKE_PL_SKF = 53,
};

#define IKE_PL_BIT(t) (1u << ((t) - 32))

enum ike_proto {
	IKE_PROTO_IKE = 1,
	IKE_PROTO_AH = 2,
	IKE_PROTO_ESP = 3,
};

enum ike_notify_type {
	IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
	IKE_N_INVALID_IKE_SPI = 4,
	IKE_N_INVALID_MAJOR_VERSION = 5,
	IKE_N_INVALID_SYNTAX = 7,
	IKE_N_INVALID_MESSAGE_ID = 9,
	IKE_N_INVALID_SPI = 11,
	IKE_N_NO_PROPOSAL_CHOSEN = 14,
	IKE_N_INVALID_KE_PAYLOAD = 17,
	IKE_N_AUTHENTICATION_FAILED = 24,
	IKE_N_SINGLE_PAIR_REQUIRED = 34,
	IKE_N_NO_ADDITIONAL_SAS = 35,
	IKE_N_INTERNAL_ADDRESS_FAILURE = 36,
	IKE_N_FAILED_CP_REQUIRED = 37,
	IKE_N_TS_UNACCEPTABLE = 38,
	IKE_N_INVALID_SELECTORS = 39,
	IKE_N_TEMPORARY_FAILURE = 43,
	IKE_N_CHILD_SA_NOT_FOUND = 44,
	IKE_N_ERROR_MAX = 16383,	/* below: errors, above: status */
	IKE_N_INITIAL_CONTACT = 16384,
	IKE_N_SET_WINDOW_SIZE = 16385,
	IKE_N_ADDITIONAL_TS_POSSIBLE = 16386,
	IKE_N_IPCOMP_SUPPORTED = 16387,
	IKE_N_NAT_DETECTION_SOURCE_IP = 16388,
	IKE_N_NAT_DETECTION_DESTINATION_IP = 16389,
	IKE_N_COOKIE = 16390,
	IKE_N_USE_TRANSPORT_MODE = 16391,
	IKE_N_REKEY_SA = 16393,
	IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
	IKE_N_NON_FIRST_FRAGMENTS_ALSO = 16395,
};

enum ike_id_type {
	IKE_ID_IPV4_ADDR = 1,
	IKE_ID_FQDN = 2,
	IKE_ID_RFC822_ADDR = 3,
	IKE_ID_IPV6_ADDR = 5,
	IKE_ID_KEY_ID = 11,
};

enum { IKE_AUTH_PSK = 2 };

#define IKE_MAX_PROPOSALS 16
#define IKE_MAX_TRANSFORMS 48
#define IKE_MAX_NOTIFY 32
#define IKE_MAX_DELETE 8
#define IKE_MAX_CP_ATTR 16
#define IKE_NONCE_MIN 16
#define IKE_NONCE_MAX 256
#define IKE_KEY_ATTR 14		/* Key Length transform attribute */

struct ike_transform {
	uint8_t type;
	uint16_t id;
	uint16_t keylen;	/* 0: no key length attribute */
	bool unusable;		/* carried an attribute we do not know */
};

struct ike_pl_proposal {
	uint8_t num;
	uint8_t protocol;
	uint8_t spi_size;
	uint8_t spi[8];
	uint8_t n_xf;
	struct ike_transform xf[IKE_MAX_TRANSFORMS];
};

struct ike_pl_sa {
	uint8_t n;
	struct ike_pl_proposal prop[IKE_MAX_PROPOSALS];
};

struct ike_pl_ke {
	uint16_t group;
	const uint8_t *data;
	size_t len;
};

struct ike_pl_id {
	uint8_t type;
	const uint8_t *data;
	size_t len;
	const uint8_t *body;	/* ID type..data: what AUTH signs (§2.15) */
	size_t body_len;
};

struct ike_pl_auth {
	uint8_t method;
	const uint8_t *data;
	size_t len;
};

struct ike_pl_nonce {
	const uint8_t *data;
	size_t len;
};

struct ike_pl_notify {
	uint8_t proto;
	uint8_t spi_size;
	uint16_t type;
	const uint8_t *spi;
	const uint8_t *data;
	size_t len;
};

struct ike_pl_delete {
	uint8_t proto;
	uint8_t spi_size;
	uint16_t n_spi;
	const uint8_t *spis;
};

struct ike_pl_sk {
	uint8_t inner_next;
	size_t hdr_off;		/* generic header, from the start of the decoded chain */
	const uint8_t *data;	/* IV | ciphertext | ICV */
	size_t len;
};

struct ike_cp_attr {
	uint16_t type;
	const uint8_t *val;
	uint16_t len;
};

struct ike_pl_cp {
	uint8_t type;
	uint8_t n_attr;
	struct ike_cp_attr attr[IKE_MAX_CP_ATTR];
};

struct ike_payloads {
	uint32_t present;	/* IKE_PL_BIT() of each type seen */
	struct ike_pl_sa sa;
	struct ike_pl_ke ke;
	struct ike_pl_id idi, idr;
	struct ike_pl_auth auth;
	struct ike_pl_nonce nonce;
	struct ike_ts_list tsi, tsr;
	struct ike_pl_sk sk;
	struct ike_pl_cp cp;
	uint8_t n_notify;
	struct ike_pl_notify notify[IKE_MAX_NOTIFY];
	uint8_t n_delete;
	struct ike_pl_delete del[IKE_MAX_DELETE];
	uint8_t n_vendor;
};

/* Why decoding failed, and what to answer if answering is right. */
struct ike_perr {
	uint16_t notify;	/* INVALID_SYNTAX or UNSUPPORTED_CRITICAL_PAYLOAD */
	uint8_t type;		/* payload at fault */
	const char *why;
};

static inline bool ike_pl_has(const struct ike_payloads *p, uint8_t type)
{
	return p->present & IKE_PL_BIT(type);
}

/*
 * Decode the chain starting with payload type @first in @buf. SK must be the
 * last payload; its contents are only located, not decrypted.
 */
int ike_payloads_decode(struct ike_payloads *p, uint8_t first,
			const uint8_t *buf, size_t len, struct ike_perr *err);
const struct ike_pl_notify *ike_pl_notify_find(const struct ike_payloads *p,
					       uint16_t type);
/* First error notify present, or NULL. */
const struct ike_pl_notify *ike_pl_notify_error(const struct ike_payloads *p);
const char *ike_notify_name(uint16_t type);

/*
 * Encoding: a chain patches each payload's type into the Next Payload field
 * of its predecessor (or of the IKE/SK header for the first).
 */
struct ike_chain {
	struct ike_buf *b;
	size_t next_off;
};

void ike_chain_init(struct ike_chain *c, struct ike_buf *b, size_t next_off);
size_t ike_pl_begin(struct ike_chain *c, uint8_t type, bool critical);
void ike_pl_end(struct ike_chain *c, size_t hdr);

void ike_enc_sa(struct ike_chain *c, const struct ike_pl_sa *sa);
void ike_enc_ke(struct ike_chain *c, uint16_t group, const uint8_t *data,
		size_t len);
void ike_enc_id(struct ike_chain *c, uint8_t pl_type, uint8_t id_type,
		const uint8_t *data, size_t len);
void ike_enc_auth(struct ike_chain *c, uint8_t method, const uint8_t *data,
		  size_t len);
void ike_enc_nonce(struct ike_chain *c, const uint8_t *data, size_t len);
void ike_enc_notify(struct ike_chain *c, uint8_t proto, const uint8_t *spi,
		    uint8_t spi_size, uint16_t type, const uint8_t *data,
		    size_t len);
void ike_enc_delete(struct ike_chain *c, uint8_t proto, uint8_t spi_size,
		    const uint8_t *spis, uint16_t n_spi);
void ike_enc_ts(struct ike_chain *c, uint8_t pl_type,
		const struct ike_ts_list *l);
void ike_enc_cp(struct ike_chain *c, const struct ike_pl_cp *cp);
void ike_enc_vendor(struct ike_chain *c, const uint8_t *data, size_t len);

#endif
