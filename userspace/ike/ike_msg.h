/* SPDX-License-Identifier: GPL-2.0 */
/* IKE header (RFC 7296 §3.1), payload chains and the SK envelope. */
#ifndef IKE_MSG_H
#define IKE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_buf.h"
#include "ike_crypto.h"
#include "ike_payload.h"

#define IKE_HDR_LEN 28
#define IKE_VERSION 0x20

enum ike_exchange {
	IKE_SA_INIT = 34,
	IKE_AUTH = 35,
	IKE_CREATE_CHILD_SA = 36,
	IKE_INFORMATIONAL = 37,
};

enum ike_hdr_flags {
	IKE_FLAG_I = 0x08,	/* sent by the original initiator */
	IKE_FLAG_V = 0x10,
	IKE_FLAG_R = 0x20,	/* response */
};

struct ike_hdr {
	uint64_t spi_i;
	uint64_t spi_r;
	uint8_t next;
	uint8_t version;
	uint8_t exchange;
	uint8_t flags;
	uint32_t msgid;
	uint32_t length;
};

struct ike_msg {
	struct ike_hdr hdr;
	const uint8_t *raw;
	size_t len;
	struct ike_payloads pl;	/* outer, then inner once decrypted */
	uint8_t *plain;		/* decrypted SK contents (owned) */
	size_t plain_cap;
	struct ike_perr err;
};

const char *ike_exchange_name(uint8_t exchange);
/* Header checks: size, major version 2, length field equal to @len. */
int ike_hdr_decode(struct ike_hdr *h, const uint8_t *buf, size_t len);
/* Header and outer payloads; @m refers to @buf afterwards. */
int ike_msg_decode(struct ike_msg *m, const uint8_t *buf, size_t len);
/*
 * Authenticate and decrypt the SK payload, which must be the only outer
 * payload, and decode the inner chain into m->pl.
 */
int ike_msg_decrypt(struct ike_msg *m, const struct ike_sk *sk);
void ike_msg_release(struct ike_msg *m);

/* A message being built; payloads of protected messages go inside SK. */
struct ike_msg_out {
	struct ike_buf buf;
	struct ike_buf inner;
	struct ike_chain chain;
	bool protect;
};

void ike_msg_out_init(struct ike_msg_out *o, uint64_t spi_i, uint64_t spi_r,
		      uint8_t exchange, uint8_t flags, uint32_t msgid,
		      bool protect);
/* Fixes lengths and seals SK with @sk (NULL for unprotected messages). */
int ike_msg_out_finish(struct ike_msg_out *o, struct ike_sk *sk);
void ike_msg_out_release(struct ike_msg_out *o);

#endif
