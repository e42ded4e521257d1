// SPDX-License-Identifier: GPL-2.0
/* Payload and message codec: round trips and malformed input. */
#include <arpa/inet.h>
#include <string.h>

#include "harness.h"
#include "ike_msg.h"
#include "ike_payload.h"

static struct ike_payloads pl;
static struct ike_perr err;

static const uint8_t nonce[20] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
				   14, 15, 16, 17, 18, 19, 20 };

static void sample_sa(struct ike_pl_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->n = 2;
	sa->prop[0] = (struct ike_pl_proposal){
		.num = 1, .protocol = IKE_PROTO_ESP, .spi_size = 4,
		.spi = { 0xde, 0xad, 0xbe, 0xef }, .n_xf = 3,
		.xf = { { IKE_XF_ENCR, 20, 256, false },
			{ IKE_XF_ENCR, 20, 128, false },
			{ IKE_XF_ESN, 0, 0, false } },
	};
	sa->prop[1] = (struct ike_pl_proposal){
		.num = 2, .protocol = IKE_PROTO_ESP, .spi_size = 4,
		.spi = { 0xde, 0xad, 0xbe, 0xef }, .n_xf = 3,
		.xf = { { IKE_XF_ENCR, 12, 128, false },
			{ IKE_XF_INTEG, 12, 0, false },
			{ IKE_XF_ESN, 0, 0, false } },
	};
}

/* Every payload type once (twice where repeats are allowed). */
static void build_all(struct ike_buf *b, uint8_t *first)
{
	static const uint8_t ke[32] = { 9 }, auth[48] = { 7 }, vid[8] = "sgwtest";
	static const uint8_t spis[8] = { 0, 0, 1, 0, 0, 0, 2, 0 };
	struct ike_ts_list ts = { 0 };
	struct ike_pl_cp cp = { .type = 1, .n_attr = 1 };
	struct ike_pl_sa sa;
	struct ike_chain c;

	ike_buf_init(b);
	ike_buf_put_u8(b, 0);
	ike_chain_init(&c, b, 0);
	sample_sa(&sa);
	ike_enc_sa(&c, &sa);
	ike_enc_ke(&c, 31, ke, sizeof(ke));
	ike_enc_id(&c, IKE_PL_IDI, IKE_ID_FQDN, (const uint8_t *)"a.example", 9);
	ike_enc_id(&c, IKE_PL_IDR, IKE_ID_IPV4_ADDR, (const uint8_t *)"\xc0\x00\x02\x01", 4);
	ike_enc_auth(&c, IKE_AUTH_PSK, auth, sizeof(auth));
	ike_enc_nonce(&c, nonce, sizeof(nonce));
	ike_enc_notify(&c, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	ike_enc_notify(&c, IKE_PROTO_ESP, spis, 4, IKE_N_REKEY_SA, NULL, 0);
	ike_enc_delete(&c, IKE_PROTO_ESP, 4, spis, 2);
	ike_enc_delete(&c, IKE_PROTO_IKE, 0, NULL, 0);
	ts.n = 2;
	assert_int_equal(ike_ts_parse(&ts.ts[0], "10.1.0.0/16[tcp/80-90]"), 0);
	assert_int_equal(ike_ts_parse(&ts.ts[1], "2001:db8::/32"), 0);
	ike_enc_ts(&c, IKE_PL_TSI, &ts);
	ts.n = 1;
	ike_enc_ts(&c, IKE_PL_TSR, &ts);
	cp.attr[0] = (struct ike_cp_attr){ 1, (const uint8_t *)"\x0a\x00\x00\x01", 4 };
	ike_enc_cp(&c, &cp);
	ike_enc_vendor(&c, vid, sizeof(vid));
	assert_false(b->err);
	*first = b->data[0];
}

static void test_round_trip(void **state)
{
	struct ike_buf b;
	uint8_t first;
	char s[64];

	(void)state;
	build_all(&b, &first);
	assert_int_equal(first, IKE_PL_SA);
	assert_int_equal(ike_payloads_decode(&pl, first, b.data + 1, b.len - 1,
					     &err), 0);
	assert_int_equal(pl.sa.n, 2);
	assert_int_equal(pl.sa.prop[0].n_xf, 3);
	assert_int_equal(pl.sa.prop[0].xf[0].keylen, 256);
	assert_int_equal(pl.sa.prop[0].xf[1].keylen, 128);
	assert_int_equal(pl.sa.prop[1].num, 2);
	assert_int_equal(pl.sa.prop[1].xf[1].type, IKE_XF_INTEG);
	assert_int_equal(pl.sa.prop[1].xf[1].keylen, 0);
	assert_memory_equal(pl.sa.prop[1].spi, "\xde\xad\xbe\xef", 4);
	assert_int_equal(pl.ke.group, 31);
	assert_int_equal(pl.ke.len, 32);
	assert_int_equal(pl.ke.data[0], 9);
	assert_int_equal(pl.idi.type, IKE_ID_FQDN);
	assert_int_equal(pl.idi.len, 9);
	assert_memory_equal(pl.idi.data, "a.example", 9);
	assert_int_equal(pl.idi.body_len, 13);
	assert_int_equal(pl.idr.type, IKE_ID_IPV4_ADDR);
	assert_int_equal(pl.auth.method, IKE_AUTH_PSK);
	assert_int_equal(pl.auth.len, 48);
	assert_int_equal(pl.nonce.len, sizeof(nonce));
	assert_memory_equal(pl.nonce.data, nonce, sizeof(nonce));
	assert_int_equal(pl.n_notify, 2);
	assert_int_equal(pl.notify[0].type, IKE_N_INITIAL_CONTACT);
	assert_int_equal(pl.notify[1].type, IKE_N_REKEY_SA);
	assert_int_equal(pl.notify[1].spi_size, 4);
	assert_int_equal(pl.notify[1].len, 0);
	assert_non_null(ike_pl_notify_find(&pl, IKE_N_REKEY_SA));
	assert_null(ike_pl_notify_error(&pl));
	assert_int_equal(pl.n_delete, 2);
	assert_int_equal(pl.del[0].n_spi, 2);
	assert_int_equal(ike_get32(pl.del[0].spis + 4), 0x200);
	assert_int_equal(pl.del[1].proto, IKE_PROTO_IKE);
	assert_int_equal(pl.tsi.n, 2);
	ike_ts_format(&pl.tsi.ts[0], s, sizeof(s));
	assert_string_equal(s, "10.1.0.0/16[6/80-90]");
	ike_ts_format(&pl.tsi.ts[1], s, sizeof(s));
	assert_string_equal(s, "2001:db8::/32");
	assert_int_equal(pl.tsr.n, 1);
	assert_int_equal(pl.cp.n_attr, 1);
	assert_int_equal(pl.cp.attr[0].len, 4);
	assert_int_equal(pl.n_vendor, 1);
	assert_int_equal(pl.present, IKE_PL_BIT(IKE_PL_SA) | IKE_PL_BIT(IKE_PL_KE) |
			 IKE_PL_BIT(IKE_PL_IDI) | IKE_PL_BIT(IKE_PL_IDR) |
			 IKE_PL_BIT(IKE_PL_AUTH) | IKE_PL_BIT(IKE_PL_NONCE) |
			 IKE_PL_BIT(IKE_PL_NOTIFY) | IKE_PL_BIT(IKE_PL_DELETE) |
			 IKE_PL_BIT(IKE_PL_TSI) | IKE_PL_BIT(IKE_PL_TSR) |
			 IKE_PL_BIT(IKE_PL_CP) | IKE_PL_BIT(IKE_PL_VENDOR));
	ike_buf_free(&b);
}

/* Decode @len bytes of a chain starting with @first; expect failure. */
static void expect_bad(uint8_t first, const uint8_t *p, size_t len,
		       uint16_t notify)
{
	assert_int_equal(ike_payloads_decode(&pl, first, p, len, &err), -1);
	assert_int_equal(err.notify, notify);
	assert_non_null(err.why);
}

static void test_bad_lengths(void **state)
{
	/* Nonce payload claiming 40 bytes in a 24-byte buffer. */
	uint8_t p[24] = { 0, 0, 0, 40 };
	struct ike_buf b;
	uint8_t first;
	size_t sa_len;

	(void)state;
	expect_bad(IKE_PL_NONCE, p, sizeof(p), IKE_N_INVALID_SYNTAX);
	p[3] = 3;					/* below the header */
	expect_bad(IKE_PL_NONCE, p, sizeof(p), IKE_N_INVALID_SYNTAX);
	p[3] = 24;
	assert_int_equal(ike_payloads_decode(&pl, IKE_PL_NONCE, p, 24, &err), 0);
	expect_bad(IKE_PL_NONCE, p, 3, IKE_N_INVALID_SYNTAX);	/* truncated */
	p[3] = 4 + 15;					/* nonce of 15 bytes */
	expect_bad(IKE_PL_NONCE, p, 19, IKE_N_INVALID_SYNTAX);
	p[3] = 20;					/* 4 trailing bytes */
	expect_bad(IKE_PL_NONCE, p, 24, IKE_N_INVALID_SYNTAX);
	p[0] = IKE_PL_KE;				/* next, but nothing there */
	expect_bad(IKE_PL_NONCE, p, 20, IKE_N_INVALID_SYNTAX);

	/* Nested lengths inside the SA payload. */
	build_all(&b, &first);
	sa_len = ike_get16(b.data + 1 + 2);
	assert_int_equal(ike_payloads_decode(&pl, first, b.data + 1, b.len - 1,
					     &err), 0);
	ike_put16(b.data + 1 + 4 + 2, (uint16_t)sa_len);	/* proposal > SA */
	expect_bad(first, b.data + 1, b.len - 1, IKE_N_INVALID_SYNTAX);
	assert_string_equal(err.why, "proposal length overflows SA");
	ike_buf_free(&b);

	build_all(&b, &first);
	ike_put16(b.data + 1 + 4 + 12 + 2, 200);	/* transform > proposal */
	expect_bad(first, b.data + 1, b.len - 1, IKE_N_INVALID_SYNTAX);
	assert_string_equal(err.why, "transform length overflows proposal");
	ike_buf_free(&b);

	build_all(&b, &first);
	b.data[1 + 4 + 7] = 4;				/* 4 transforms claimed */
	expect_bad(first, b.data + 1, b.len - 1, IKE_N_INVALID_SYNTAX);
	ike_buf_free(&b);

	build_all(&b, &first);
	b.data[1 + 4 + 12] = 0;				/* last flag too early */
	expect_bad(first, b.data + 1, b.len - 1, IKE_N_INVALID_SYNTAX);
	assert_string_equal(err.why, "transform count and last flag disagree");
	ike_buf_free(&b);

	build_all(&b, &first);
	b.data[1 + 4 + 4] = 1;
	b.data[1 + 4 + 44 + 4] = 3;			/* proposals 1, 3 */
	expect_bad(first, b.data + 1, b.len - 1, IKE_N_INVALID_SYNTAX);
	assert_string_equal(err.why, "bad proposal numbering");
	ike_buf_free(&b);
}

static void test_attribute_overflow(void **state)
{
	/* SA > proposal > transform > TLV attribute claiming 100 bytes. */
	static const uint8_t p[] = {
		0, 0, 0, 4 + 8 + 12,
		0, 0, 0, 8 + 12, 1, IKE_PROTO_IKE, 0, 1,
		0, 0, 0, 12, IKE_XF_ENCR, 0, 0, 12, 0x00, 0x0e, 0, 100,
	};
	static const uint8_t tv[] = {
		0, 0, 0, 4 + 8 + 12,
		0, 0, 0, 8 + 12, 1, IKE_PROTO_IKE, 0, 1,
		0, 0, 0, 12, IKE_XF_ENCR, 0, 0, 12, 0x80, 0x0e, 0, 128,
	};

	(void)state;
	expect_bad(IKE_PL_SA, p, sizeof(p), IKE_N_INVALID_SYNTAX);
	assert_string_equal(err.why, "transform attribute overflows transform");
	assert_int_equal(ike_payloads_decode(&pl, IKE_PL_SA, tv, sizeof(tv),
					     &err), 0);
	assert_int_equal(pl.sa.prop[0].xf[0].keylen, 128);
}

static void test_critical_and_duplicates(void **state)
{
	uint8_t p[64] = { 0 };

	(void)state;
	/* Unknown type 99, critical: refused with the right notify. */
	p[0] = 0;
	p[1] = 0x80;
	p[3] = 8;
	expect_bad(99, p, 8, IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	assert_int_equal(err.type, 99);
	/* Not critical: skipped. */
	p[1] = 0;
	assert_int_equal(ike_payloads_decode(&pl, 99, p, 8, &err), 0);
	assert_int_equal(pl.present, 0);

	/* Two nonces. */
	memset(p, 0, sizeof(p));
	p[0] = IKE_PL_NONCE;
	p[3] = 20;
	p[20 + 3] = 20;
	expect_bad(IKE_PL_NONCE, p, 40, IKE_N_INVALID_SYNTAX);
	assert_string_equal(err.why, "duplicate payload");
	/* Two notifies are fine. */
	memset(p, 0, sizeof(p));
	p[0] = IKE_PL_NOTIFY;
	p[3] = 8;
	p[11] = 8;
	assert_int_equal(ike_payloads_decode(&pl, IKE_PL_NOTIFY, p, 16, &err), 0);
	assert_int_equal(pl.n_notify, 2);
}

static void test_bad_bodies(void **state)
{
	static const uint8_t del_ike_spi[] = { 0, 0, 0, 12, 1, 4, 0, 1, 1, 2, 3, 4 };
	static const uint8_t del_short[] = { 0, 0, 0, 12, 3, 4, 0, 2, 1, 2, 3, 4 };
	static const uint8_t ts_inv[] = {
		0, 0, 0, 24, 1, 0, 0, 0,
		7, 0, 0, 16, 0, 0, 0xff, 0xff, 10, 0, 0, 9, 10, 0, 0, 1,
	};
	static const uint8_t ts_short[] = {
		0, 0, 0, 20, 1, 0, 0, 0,
		7, 0, 0, 16, 0, 0, 0xff, 0xff, 10, 0, 0, 9,
	};
	static const uint8_t id4[] = { 0, 0, 0, 9, 1, 0, 0, 0, 10 };
	static const uint8_t notify_spi[] = { 0, 0, 0, 8, 3, 4, 0x40, 0 };

	(void)state;
	expect_bad(IKE_PL_DELETE, del_ike_spi, sizeof(del_ike_spi),
		   IKE_N_INVALID_SYNTAX);
	expect_bad(IKE_PL_DELETE, del_short, sizeof(del_short),
		   IKE_N_INVALID_SYNTAX);
	expect_bad(IKE_PL_TSI, ts_inv, sizeof(ts_inv), IKE_N_INVALID_SYNTAX);
	assert_string_equal(err.why, "traffic selector range inverted");
	expect_bad(IKE_PL_TSR, ts_short, sizeof(ts_short), IKE_N_INVALID_SYNTAX);
	expect_bad(IKE_PL_IDI, id4, sizeof(id4), IKE_N_INVALID_SYNTAX);
	expect_bad(IKE_PL_NOTIFY, notify_spi, sizeof(notify_spi),
		   IKE_N_INVALID_SYNTAX);
}

static struct ike_sk sk_i, sk_r;

static void make_keys(const char *encr)
{
	struct ike_suite s = { 0 };
	uint8_t ek[36], ak[64];

	memset(ek, 0x11, sizeof(ek));
	memset(ak, 0x22, sizeof(ak));
	if (!strcmp(encr, "gcm")) {
		s.encr = IKE_ENCR_AES_GCM_16;
		s.encr_bits = 256;
	} else {
		s.encr = IKE_ENCR_AES_CBC;
		s.encr_bits = 128;
		s.integ = IKE_INTEG_HMAC_SHA2_384_192;
	}
	assert_int_equal(ike_sk_init(&sk_i, &s, ek, ak), 0);
	sk_r = sk_i;
}

static void protected_round_trip(const char *encr, size_t overhead)
{
	static struct ike_msg m;
	struct ike_msg_out o;
	struct ike_buf copy;

	make_keys(encr);
	ike_msg_out_init(&o, 0x1122334455667788ull, 0x99aabbccddeeff00ull,
			 IKE_INFORMATIONAL, IKE_FLAG_I, 5, true);
	ike_enc_delete(&o.chain, IKE_PROTO_IKE, 0, NULL, 0);
	ike_enc_nonce(&o.chain, nonce, sizeof(nonce));
	assert_int_equal(ike_msg_out_finish(&o, &sk_i), 0);
	/* Header, SK header, inner payloads (8 + 24) and the SK overhead. */
	assert_int_equal(o.buf.len, 28 + 4 + overhead);
	assert_int_equal(o.buf.data[16], IKE_PL_SK);
	assert_int_equal(o.buf.data[28], IKE_PL_DELETE);
	seed_save(encr, o.buf.data, o.buf.len);

	assert_int_equal(ike_msg_decode(&m, o.buf.data, o.buf.len), 0);
	assert_int_equal(m.hdr.spi_i, 0x1122334455667788ull);
	assert_int_equal(m.hdr.spi_r, 0x99aabbccddeeff00ull);
	assert_int_equal(m.hdr.msgid, 5);
	assert_int_equal(m.hdr.exchange, IKE_INFORMATIONAL);
	assert_int_equal(ike_msg_decrypt(&m, &sk_r), 0);
	assert_int_equal(m.pl.n_delete, 1);
	assert_int_equal(m.pl.nonce.len, sizeof(nonce));
	ike_msg_release(&m);

	/* Header bytes are authenticated too. */
	ike_buf_init(&copy);
	ike_buf_set(&copy, o.buf.data, o.buf.len);
	copy.data[23] ^= 1;
	assert_int_equal(ike_msg_decode(&m, copy.data, copy.len), 0);
	assert_int_equal(ike_msg_decrypt(&m, &sk_r), -1);
	ike_msg_release(&m);

	/* Truncated SK: header lengths fixed up, ICV cut short. */
	ike_buf_set(&copy, o.buf.data, o.buf.len - 12);
	ike_put32(copy.data + 24, (uint32_t)copy.len);
	ike_put16(copy.data + 30, (uint16_t)(copy.len - 28));
	assert_int_equal(ike_msg_decode(&m, copy.data, copy.len), 0);
	assert_int_equal(ike_msg_decrypt(&m, &sk_r), -1);
	ike_msg_release(&m);
	/* SK with less than IV and ICV. */
	ike_buf_set(&copy, o.buf.data, 28 + 4 + 8);
	ike_put32(copy.data + 24, (uint32_t)copy.len);
	ike_put16(copy.data + 30, 12);
	assert_int_equal(ike_msg_decode(&m, copy.data, copy.len), 0);
	assert_int_equal(ike_msg_decrypt(&m, &sk_r), -1);
	ike_msg_release(&m);
	ike_buf_free(&copy);
	ike_msg_out_release(&o);
}

static void test_sk_gcm(void **state)
{
	(void)state;
	/* IV 8, (32 + pad length 1), tag 16 */
	protected_round_trip("gcm", 8 + 33 + 16);
}

static void test_sk_cbc(void **state)
{
	(void)state;
	/* IV 16, 32 + 1 padded to 48, HMAC-SHA-384-192 ICV 24 */
	protected_round_trip("cbc", 16 + 48 + 24);
}

static void test_header(void **state)
{
	static struct ike_msg m;
	uint8_t h[32] = { 0 };

	(void)state;
	h[17] = 0x20;
	ike_put32(h + 24, 28);
	assert_int_equal(ike_msg_decode(&m, h, 28), 0);
	assert_int_equal(ike_msg_decode(&m, h, 27), -1);
	assert_int_equal(ike_msg_decode(&m, h, 32), -1);	/* length lies */
	h[17] = 0x21;					/* minor 1: fine */
	assert_int_equal(ike_msg_decode(&m, h, 28), 0);
	h[17] = 0x10;
	assert_int_equal(ike_msg_decode(&m, h, 28), -1);
	/* SK anywhere but last. */
	h[17] = 0x20;
	h[16] = IKE_PL_SK;
	h[28 + 3] = 4;
	ike_put32(h + 24, 32);
	assert_int_equal(ike_msg_decode(&m, h, 32), 0);
	ike_put32(h + 24, 32);
	h[28 + 3] = 3;
	assert_int_equal(ike_msg_decode(&m, h, 32), -1);
}

/*
 * OPAQUE ports (RFC 7296 3.13.1: start 65535, end 0) decode; narrowing
 * keeps them against any port and drops them against a port range.
 */
static void test_opaque_ports(void **state)
{
	static struct ike_msg m;
	struct ike_ts_list ts = { 0 }, any = { 0 }, web = { 0 }, out;
	struct ike_msg_out o;
	char s[64];

	(void)state;
	ts.n = 2;
	assert_int_equal(ike_ts_parse(&ts.ts[0], "10.1.0.0/16[udp]"), 0);
	ts.ts[0].sport = 65535;
	ts.ts[0].eport = 0;
	assert_int_equal(ike_ts_parse(&ts.ts[1], "10.1.0.0/16"), 0);
	ike_msg_out_init(&o, 1, 2, IKE_CREATE_CHILD_SA, IKE_FLAG_I, 0, false);
	ike_enc_ts(&o.chain, IKE_PL_TSI, &ts);
	ike_enc_ts(&o.chain, IKE_PL_TSR, &ts);
	assert_int_equal(ike_msg_out_finish(&o, NULL), 0);
	assert_int_equal(ike_msg_decode(&m, o.buf.data, o.buf.len), 0);
	assert_int_equal(m.pl.tsi.n, 2);
	assert_int_equal(m.pl.tsi.ts[0].sport, 65535);
	assert_int_equal(m.pl.tsi.ts[0].eport, 0);
	ike_ts_format(&m.pl.tsi.ts[0], s, sizeof(s));
	assert_string_equal(s, "10.1.0.0/16[17/opaque]");
	any.n = 1;
	assert_int_equal(ike_ts_parse(&any.ts[0], "10.0.0.0/8"), 0);
	ike_ts_narrow(&m.pl.tsi, &any, &out);
	assert_int_equal(out.n, 2);
	assert_true(ike_ts_equal(&out.ts[0], &ts.ts[0]));
	assert_true(ike_ts_list_subset(&m.pl.tsi, &any));
	web.n = 1;
	assert_int_equal(ike_ts_parse(&web.ts[0], "10.1.0.0/16[udp/53]"), 0);
	ike_ts_narrow(&m.pl.tsi, &web, &out);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.ts[0].sport, 53);
	ike_msg_release(&m);
	ike_msg_out_release(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_attribute_overflow),
		cmocka_unit_test(test_critical_and_duplicates),
		cmocka_unit_test(test_bad_bodies),
		cmocka_unit_test(test_sk_gcm),
		cmocka_unit_test(test_sk_cbc),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_opaque_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
