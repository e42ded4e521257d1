// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the message decoder: header, payload chains, SK
 * unprotection with fixed test keys (the seeds from the unit tests are
 * sealed with them), and what the engine does with decoded proposals and
 * selectors.
 */
#include <string.h>

#include "ike_msg.h"
#include "ike_proposal.h"
#include "ike_ts.h"

static struct ike_sk sk_gcm, sk_cbc;
static struct ike_proposal ours[2];

static void init(void)
{
	struct ike_suite gcm = { .encr = IKE_ENCR_AES_GCM_16, .encr_bits = 256 };
	struct ike_suite cbc = { .encr = IKE_ENCR_AES_CBC, .encr_bits = 128,
				 .integ = IKE_INTEG_HMAC_SHA2_384_192 };
	uint8_t ek[36], ak[64];

	/* The keys tests/test_payload.c seals its seed messages with. */
	memset(ek, 0x11, sizeof(ek));
	memset(ak, 0x22, sizeof(ak));
	ike_sk_init(&sk_gcm, &gcm, ek, NULL);
	ike_sk_init(&sk_cbc, &cbc, ek, ak);
	ike_proposal_parse(&ours[0], IKE_PROTO_IKE, "aes256gcm16-prfsha384-ecp384");
	ike_proposal_parse(&ours[1], IKE_PROTO_IKE, "aes128-sha256-x25519-modp2048");
}

static void use(const struct ike_payloads *p)
{
	static const struct ike_ts_list allow = {
		.n = 1,
		.ts = { { .type = IKE_TS_IPV4_ADDR_RANGE, .eport = 0xffff,
			  .start = { 10 }, .end = { 10, 255, 255, 255 } } },
	};
	struct ike_ts_list out;
	struct ike_suite s;
	char buf[512];

	if (ike_pl_has(p, IKE_PL_SA)) {
		ike_pl_proposals_format(&p->sa, buf, sizeof(buf));
		ike_proposal_select(ours, 2, &p->sa, IKE_PROTO_IKE, 0, false,
				    p->ke.group, &s);
		ike_proposal_accept(ours, 2, &p->sa, IKE_PROTO_IKE, 0, false, &s);
	}
	if (ike_pl_has(p, IKE_PL_TSI)) {
		ike_ts_list_format(&p->tsi, buf, sizeof(buf));
		ike_ts_narrow(&p->tsi, &allow, &out);
		ike_ts_list_subset(&out, &p->tsi);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ike_msg m;
	static struct ike_payloads pl;
	static int ready;
	struct ike_perr err;
	int i;

	if (!ready) {
		init();
		ready = 1;
	}
	if (size > 1 && !ike_payloads_decode(&pl, data[0], data + 1, size - 1,
					     &err))
		use(&pl);
	for (i = 0; i < 2; i++) {
		if (ike_msg_decode(&m, data, size))
			return 0;
		use(&m.pl);
		if (ike_pl_has(&m.pl, IKE_PL_SK) &&
		    !ike_msg_decrypt(&m, i ? &sk_cbc : &sk_gcm))
			use(&m.pl);
		ike_msg_release(&m);
	}
	return 0;
}
