// SPDX-License-Identifier: GPL-2.0
/* The IKE message trace's lines and the failure kinds. */
#include <string.h>

#include "harness.h"
#include "ike_msg.h"
#include "ike_payload.h"
#include "ike_trace.h"

static size_t pl(uint8_t *b, uint8_t next, uint16_t len)
{
	memset(b, 0, len);
	b[0] = next;
	b[2] = (uint8_t)(len >> 8);
	b[3] = (uint8_t)len;
	return len;
}

static size_t notify(uint8_t *b, uint8_t next, uint16_t type)
{
	pl(b, next, 8);
	b[6] = (uint8_t)(type >> 8);
	b[7] = (uint8_t)type;
	return 8;
}

static void test_describe(void **state)
{
	uint8_t hdr[IKE_HDR_LEN] = { 0 }, chain[128];
	char out[256];
	size_t n = 0;

	(void)state;
	hdr[18] = IKE_AUTH;
	hdr[19] = IKE_FLAG_R;
	hdr[23] = 1;
	/* IDr AUTH N(INITIAL_CONTACT) SA TSi TSr N(40000) */
	n += pl(chain + n, IKE_PL_AUTH, 12);
	n += pl(chain + n, IKE_PL_NOTIFY, 20);
	n += notify(chain + n, IKE_PL_SA, IKE_N_INITIAL_CONTACT);
	n += pl(chain + n, IKE_PL_TSI, 8);
	n += pl(chain + n, IKE_PL_TSR, 8);
	n += pl(chain + n, IKE_PL_NOTIFY, 8);
	n += notify(chain + n, IKE_PL_NONE, 40000);
	ike_trace_describe(out, sizeof(out), hdr, IKE_PL_IDR, chain, n);
	assert_string_equal(out, "IKE_AUTH response 1 [ IDr AUTH "
			    "N(INITIAL_CONTACT) SA TSi TSr N(40000) ]");
	/* A chain that claims more than there is. */
	hdr[19] = IKE_FLAG_I;
	hdr[18] = IKE_SA_INIT;
	hdr[23] = 0;
	ike_trace_describe(out, sizeof(out), hdr, IKE_PL_SA, chain, 20);
	assert_string_equal(out, "IKE_SA_INIT request 0 [ SA (truncated) ]");
	/* SK ends the outer chain; an unknown type is shown by number. */
	pl(chain, IKE_PL_SK, 8);
	pl(chain + 8, IKE_PL_IDI, 12);
	hdr[18] = IKE_INFORMATIONAL;
	ike_trace_describe(out, sizeof(out), hdr, 99, chain, 20);
	assert_string_equal(out, "INFORMATIONAL request 0 [ PL99 SK ]");
	/* A short buffer is cut, never overrun. */
	ike_trace_describe(out, 12, hdr, IKE_PL_NONE, chain, 0);
	assert_string_equal(out, "INFORMATION");
}

static void test_classify(void **state)
{
	(void)state;
	assert_int_equal(ike_fail_classify("no IKE response from 192.0.2.2 "
					   "after 4 tries"), IKE_FAIL_TIMEOUT);
	assert_int_equal(ike_fail_classify("peer 192.0.2.2 unreachable for "
					   "90 s"), IKE_FAIL_TIMEOUT);
	assert_int_equal(ike_fail_classify("AUTHENTICATION_FAILED: peer "
					   "192.0.2.2 rejected our AUTH"),
			 IKE_FAIL_AUTH);
	assert_int_equal(ike_fail_classify("NO_PROPOSAL_CHOSEN: peer x "
					   "accepted none"), IKE_FAIL_PROPOSAL);
	assert_int_equal(ike_fail_classify("TS_UNACCEPTABLE: traffic ..."),
			 IKE_FAIL_TS);
	assert_int_equal(ike_fail_classify("peer 192.0.2.2 refused IKE_AUTH: "
					   "INVALID_SYNTAX"), IKE_FAIL_REFUSED);
	assert_int_equal(ike_fail_classify("the kernel refused the CHILD SA"),
			 IKE_FAIL_LOCAL);
	assert_string_equal(ike_fail_names[IKE_FAIL_TS], "ts");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_classify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
