/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IKE message trace (log-level = debug): one line per message sent or
 * received, "sending IKE_AUTH request 1 [ IDi N(INITIAL_CONTACT) IDr AUTH
 * SA TSi TSr ] to 192.0.2.2", with the payloads inside SK once decrypted;
 * and the kinds of failure counted per tunnel for "show".
 */
#ifndef IKE_TRACE_H
#define IKE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ike_engine.h"

struct ike_msg;
struct ike_msg_out;
struct ike_tunnel;

/*
 * "IKE_AUTH response 1 [ IDr AUTH SA TSi TSr ]" from the 28-byte header
 * @hdr and the payload chain @pl (@n bytes, first type @first); a chain
 * that runs past @n ends with "(truncated)".
 */
void ike_trace_describe(char *out, size_t len, const uint8_t *hdr,
			uint8_t first, const uint8_t *pl, size_t n);
/* Logs @o before it is sealed (its payloads still in the clear). */
void ike_trace_out(struct ike_engine *e, const struct ike_tunnel *t,
		   const struct sockaddr_storage *to,
		   const struct ike_msg_out *o);
/* Logs @m as received: its outer payloads, or the inner once decrypted. */
void ike_trace_in(struct ike_engine *e, const struct ike_tunnel *t,
		  const struct sockaddr_storage *from, const struct ike_msg *m,
		  bool decrypted);
/* Which IKE_FAIL_* a failure's text (ike_tunnel_fail()) is. */
enum ike_fail_kind ike_fail_classify(const char *reason);

#endif
