// SPDX-License-Identifier: GPL-2.0
/* Proposals, traffic selectors, identities and cookies. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "ike_config.h"
#include "ike_cookie.h"
#include "ike_proposal.h"
#include "ike_ts.h"

static void round_trip(uint8_t proto, const char *in, const char *out)
{
	struct ike_proposal p;
	char buf[128];

	assert_int_equal(ike_proposal_parse(&p, proto, in), 0);
	ike_proposal_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, out);
}

static void test_parse(void **state)
{
	static const char *const bad_ike[] = {
		"aes128-sha256",		/* no DH */
		"aes256gcm16-ecp384",		/* AEAD without PRF */
		"aes256gcm16-sha256-prfsha256-ecp256",	/* AEAD with integrity */
		"aes128-aes256gcm16-sha256-modp2048",	/* mixed */
		"aes128-md5-modp2048",		/* unknown */
		"aes128-sha256-modp2048-",	/* trailing dash */
		"chacha20poly1305-prfsha256-x25519",	/* ESP only here */
		"",
	};
	static const char *const bad_esp[] = {
		"aes128", "aes128gcm16-sha256", "prfsha256-aes128gcm16",
		"sha384", "aes128-sha1", "",
	};
	struct ike_proposal p;
	size_t i;

	(void)state;
	round_trip(IKE_PROTO_IKE, "aes256gcm16-prfsha384-ecp384",
		   "aes256gcm16-prfsha384-ecp384");
	round_trip(IKE_PROTO_IKE, "aes128-sha256-modp2048",
		   "aes128-sha256-prfsha256-modp2048");
	round_trip(IKE_PROTO_IKE, "aes128-aes256-sha384-sha256-x25519-ecp256",
		   "aes128-aes256-sha384-sha256-prfsha384-curve25519-ecp256");
	round_trip(IKE_PROTO_ESP, "aes256gcm16", "aes256gcm16");
	round_trip(IKE_PROTO_ESP, "chacha20poly1305", "chacha20poly1305");
	round_trip(IKE_PROTO_ESP, "aes128-sha256", "aes128-sha256");
	round_trip(IKE_PROTO_ESP, "aes128-sha256-esn", "aes128-sha256-esn");
	round_trip(IKE_PROTO_ESP, "aes128gcm16-modp2048",
		   "aes128gcm16-modp2048");
	/* RFC 4868 integrity in ESP; the larger MODP groups and ecp521. */
	round_trip(IKE_PROTO_ESP, "sha384-aes128", "aes128-sha384");
	round_trip(IKE_PROTO_ESP, "aes256-sha512-modp4096",
		   "aes256-sha512-modp4096");
	round_trip(IKE_PROTO_IKE, "aes256-sha512-ecp521-modp3072",
		   "aes256-sha512-prfsha512-ecp521-modp3072");
	for (i = 0; i < sizeof(bad_ike) / sizeof(bad_ike[0]); i++)
		assert_int_equal(ike_proposal_parse(&p, IKE_PROTO_IKE,
						    bad_ike[i]), -1);
	for (i = 0; i < sizeof(bad_esp) / sizeof(bad_esp[0]); i++)
		assert_int_equal(ike_proposal_parse(&p, IKE_PROTO_ESP,
						    bad_esp[i]), -1);
}

static void offer(struct ike_pl_sa *sa, uint8_t proto, const char *list)
{
	struct ike_proposal p;
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", list);
	sa->n = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		assert_int_equal(ike_proposal_parse(&p, proto, tok), 0);
		ike_proposal_to_pl(&p, (uint8_t)(sa->n + 1), NULL, 0, false,
				   &sa->prop[sa->n]);
		sa->n++;
	}
}

static void test_select(void **state)
{
	static struct ike_pl_sa sa, reply;
	struct ike_proposal ours[2];
	struct ike_suite s;
	char buf[256];

	(void)state;
	offer(&sa, IKE_PROTO_IKE, "aes128-sha256-modp2048,"
	      "aes256gcm16-aes128gcm16-prfsha384-prfsha256-ecp256-x25519");
	assert_int_equal(ike_proposal_parse(&ours[0], IKE_PROTO_IKE,
					    "aes128gcm16-prfsha256-x25519-ecp256"), 0);
	assert_int_equal(ike_proposal_parse(&ours[1], IKE_PROTO_IKE,
					    "aes128-sha256-modp2048"), 0);
	/* Our first proposal wins over the peer's first; our order within it. */
	assert_int_equal(ike_proposal_select(ours, 2, &sa, IKE_PROTO_IKE, 0,
					     false, 0, &s), 1);
	ike_suite_format(&s, IKE_PROTO_IKE, buf, sizeof(buf));
	assert_string_equal(buf, "aes128gcm16-prfsha256-curve25519");
	/* The group the initiator's KE used is preferred if both allow it. */
	ike_proposal_select(ours, 2, &sa, IKE_PROTO_IKE, 0, false,
			    IKE_DH_ECP256, &s);
	assert_int_equal(s.dh, IKE_DH_ECP256);
	/* Wrong SPI size: nothing. */
	assert_int_equal(ike_proposal_select(ours, 2, &sa, IKE_PROTO_IKE, 8,
					     false, 0, &s), -1);
	ike_pl_proposals_format(&sa, buf, sizeof(buf));
	assert_string_equal(buf, "aes128-sha256-prfsha256-modp2048, "
			    "aes256gcm16-aes128gcm16-prfsha384-prfsha256-"
			    "ecp256-curve25519");

	/* A reply must be one of ours, one transform per type. */
	reply.n = 1;
	ike_suite_to_pl(&s, IKE_PROTO_IKE, 1, NULL, 0, &reply.prop[0]);
	assert_int_equal(ike_proposal_accept(ours, 2, &reply, IKE_PROTO_IKE, 0,
					     false, &s), 0);
	assert_int_equal(s.encr_bits, 128);
	reply.prop[0].num = 2;		/* not in our proposal 2 */
	assert_int_equal(ike_proposal_accept(ours, 2, &reply, IKE_PROTO_IKE, 0,
					     false, &s), -1);
	reply.prop[0].num = 1;
	reply.prop[0].xf[reply.prop[0].n_xf++] =
		(struct ike_transform){ IKE_XF_DH, IKE_DH_CURVE25519, 0, false };
	assert_int_equal(ike_proposal_accept(ours, 2, &reply, IKE_PROTO_IKE, 0,
					     false, &s), -1);
	/* Unknown transform type: the whole proposal is skipped. */
	sa.prop[1].xf[0].type = 9;
	assert_int_equal(ike_proposal_select(ours, 2, &sa, IKE_PROTO_IKE, 0,
					     false, 0, &s), 0);
	/* Requests number their proposals from one. */
	sa.prop[0].num = 2;
	assert_int_equal(ike_proposal_select(ours, 2, &sa, IKE_PROTO_IKE, 0,
					     false, 0, &s), -1);
}

static void test_esp_select(void **state)
{
	static struct ike_pl_sa sa;
	struct ike_proposal ours;
	struct ike_suite s;

	(void)state;
	offer(&sa, IKE_PROTO_ESP, "aes128-sha256-esn,aes256gcm16-modp2048");
	assert_int_equal(ike_proposal_parse(&ours, IKE_PROTO_ESP, "aes128-sha256"),
			 0);
	/* We want no ESN; the peer insists on it. */
	assert_int_equal(ike_proposal_select(&ours, 1, &sa, IKE_PROTO_ESP, 0,
					     true, 0, &s), -1);
	assert_int_equal(ike_proposal_parse(&ours, IKE_PROTO_ESP, "aes256gcm16"),
			 0);
	/* DH is ignored for the CHILD SA of IKE_AUTH. */
	assert_int_equal(ike_proposal_select(&ours, 1, &sa, IKE_PROTO_ESP, 0,
					     true, 0, &s), 1);
	assert_int_equal(s.dh, 0);
	assert_int_equal(s.esn, IKE_ESN_NO);
	assert_int_equal(ike_proposal_select(&ours, 1, &sa, IKE_PROTO_ESP, 0,
					     false, 0, &s), -1);
}

static void ts(struct ike_ts_list *l, const char *a, const char *b)
{
	l->n = 0;
	assert_int_equal(ike_ts_parse(&l->ts[l->n++], a), 0);
	if (b)
		assert_int_equal(ike_ts_parse(&l->ts[l->n++], b), 0);
}

static void test_ts(void **state)
{
	struct ike_ts_list a, b, out;
	struct ike_ts t;
	char buf[256];

	(void)state;
	assert_int_equal(ike_ts_parse(&t, "10.1.2.3/16"), 0);
	ike_ts_format(&t, buf, sizeof(buf));
	assert_string_equal(buf, "10.1.0.0/16");
	assert_int_equal(ike_ts_parse(&t, "10.0.0.1-10.0.0.9[udp/53]"), 0);
	ike_ts_format(&t, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1-10.0.0.9[17/53]");
	assert_int_equal(ike_ts_parse(&t, "::/0"), 0);
	ike_ts_format(&t, buf, sizeof(buf));
	assert_string_equal(buf, "::/0");
	assert_int_equal(ike_ts_parse(&t, "10.0.0.9-10.0.0.1"), -1);
	assert_int_equal(ike_ts_parse(&t, "10.0.0.0/33"), -1);
	assert_int_equal(ike_ts_parse(&t, "10.0.0.0/8[tcp/90-80]"), -1);
	assert_int_equal(ike_ts_parse(&t, "10.0.0.0-::1"), -1);

	/* §2.9: the responder keeps what both allow. */
	ts(&a, "10.0.0.0/8", "fd00::/16");
	ts(&b, "10.1.0.0/16[tcp]", "10.2.0.0/16");
	ike_ts_narrow(&a, &b, &out);
	ike_ts_list_format(&out, buf, sizeof(buf));
	assert_string_equal(buf, "10.1.0.0/16[6], 10.2.0.0/16");
	assert_true(ike_ts_list_subset(&out, &a));
	assert_false(ike_ts_list_subset(&a, &out));
	ts(&b, "192.168.0.0/16", NULL);
	ike_ts_narrow(&a, &b, &out);
	assert_int_equal(out.n, 0);
	ike_ts_list_format(&out, buf, sizeof(buf));
	assert_string_equal(buf, "(none)");
	/* Ports and protocols intersect too. */
	ts(&a, "10.0.0.0/8[tcp/1000-2000]", NULL);
	ts(&b, "10.0.0.0/24[tcp/1500-3000]", NULL);
	ike_ts_narrow(&a, &b, &out);
	ike_ts_list_format(&out, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.0/24[6/1500-2000]");
	ts(&b, "10.0.0.0/24[udp]", NULL);
	ike_ts_narrow(&a, &b, &out);
	assert_int_equal(out.n, 0);
}

static void test_identity(void **state)
{
	struct ike_identity id;
	char buf[64];

	(void)state;
	assert_int_equal(ike_identity_parse(&id, "gw.example"), 0);
	assert_int_equal(id.type, IKE_ID_FQDN);
	assert_int_equal(ike_identity_parse(&id, "@gw.example"), 0);
	assert_int_equal(id.len, 10);
	assert_int_equal(ike_identity_parse(&id, "ops@example.net"), 0);
	assert_int_equal(id.type, IKE_ID_RFC822_ADDR);
	ike_identity_format(&id, buf, sizeof(buf));
	assert_string_equal(buf, "email:ops@example.net");
	assert_int_equal(ike_identity_parse(&id, "198.51.100.1"), 0);
	assert_int_equal(id.type, IKE_ID_IPV4_ADDR);
	assert_int_equal(id.len, 4);
	ike_identity_format(&id, buf, sizeof(buf));
	assert_string_equal(buf, "198.51.100.1");
	assert_int_equal(ike_identity_parse(&id, "2001:db8::1"), 0);
	assert_int_equal(id.type, IKE_ID_IPV6_ADDR);
	assert_int_equal(ike_identity_parse(&id, "keyid:site-7"), 0);
	assert_int_equal(id.type, IKE_ID_KEY_ID);
	ike_identity_format(&id, buf, sizeof(buf));
	assert_string_equal(buf, "keyid:site-7");
	id.data[0] = 0x01;
	ike_identity_format(&id, buf, sizeof(buf));
	assert_string_equal(buf, "keyid:#016974652d37");
	assert_int_equal(ike_identity_parse(&id, "ipv4:300.1.1.1"), -1);
	assert_int_equal(ike_identity_parse(&id, ""), -1);
}

static void test_cookie(void **state)
{
	struct sockaddr_storage ss = { 0 }, other = { 0 };
	uint8_t ni[32] = { 1 }, c1[IKE_COOKIE_LEN], c2[IKE_COOKIE_LEN];
	struct ike_cookie ck;

	(void)state;
	ss.ss_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", &((struct sockaddr_in *)&ss)->sin_addr);
	other = ss;
	inet_pton(AF_INET, "192.0.2.2", &((struct sockaddr_in *)&other)->sin_addr);
	assert_int_equal(ike_cookie_init(&ck, 0), 0);
	assert_int_equal(ike_cookie_make(&ck, ni, 32, &ss, 42, c1), 0);
	assert_int_equal(c1[0], 0);
	assert_true(ike_cookie_check(&ck, c1, sizeof(c1), ni, 32, &ss, 42));
	assert_false(ike_cookie_check(&ck, c1, sizeof(c1), ni, 32, &other, 42));
	assert_false(ike_cookie_check(&ck, c1, sizeof(c1), ni, 32, &ss, 43));
	assert_false(ike_cookie_check(&ck, c1, sizeof(c1) - 1, ni, 32, &ss, 42));
	/* After one rotation the old cookie still works; after two, not. */
	assert_int_equal(ike_cookie_rotate(&ck, 1000), 0);
	assert_int_equal(ike_cookie_make(&ck, ni, 32, &ss, 42, c2), 0);
	assert_int_equal(c2[0], 1);
	assert_memory_not_equal(c1 + 1, c2 + 1, 32);
	assert_true(ike_cookie_check(&ck, c1, sizeof(c1), ni, 32, &ss, 42));
	assert_int_equal(ike_cookie_rotate(&ck, 2000), 0);
	assert_false(ike_cookie_check(&ck, c1, sizeof(c1), ni, 32, &ss, 42));
	assert_true(ike_cookie_check(&ck, c2, sizeof(c2), ni, 32, &ss, 42));
	ike_cookie_wipe(&ck);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_esp_select),
		cmocka_unit_test(test_ts),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_cookie),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
