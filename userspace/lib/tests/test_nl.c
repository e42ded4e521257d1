// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink encoding and decoding without a kernel: requests built by nl.c
 * are parsed back with libnl, and replies built here as the uapi header
 * describes them are decoded by nl.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "nl.h"

#define FAMILY 0x1d

static struct nl_msg *new_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 0, FAMILY, 0, 0, cmd, SGW_GENL_VERSION));
	return msg;
}

static void parse_top(struct nl_msg *msg, struct nlattr **tb)
{
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, SGW_A_MAX, NULL), 0);
}

static void parse_nest(struct nlattr *nest, struct nlattr **a, int max)
{
	assert_non_null(nest);
	assert_int_equal(nla_parse_nested(a, max, nest, NULL), 0);
}

static void assert_prefix(struct nlattr *entry, const void *addr, int addr_len,
			  uint8_t len)
{
	struct nlattr *p[SGW_PREFIX_A_MAX + 1];

	assert_int_equal(nla_type(entry), SGW_TS_A_PREFIX);
	parse_nest(entry, p, SGW_PREFIX_A_MAX);
	assert_non_null(p[SGW_PREFIX_A_ADDR]);
	assert_int_equal(nla_len(p[SGW_PREFIX_A_ADDR]), addr_len);
	assert_memory_equal(nla_data(p[SGW_PREFIX_A_ADDR]), addr, addr_len);
	assert_int_equal(nla_get_u8(p[SGW_PREFIX_A_LEN]), len);
}

static void test_put_tunnel_config(void **state)
{
	struct sgw_tunnel_config cfg = {
		.set_local = true, .set_remote = true, .set_local_ts = true,
		.set_remote_ts = true, .set_enabled = true, .enabled = false,
		.local = { .family = AF_INET6, .bytes = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } },
		.remote = { .family = AF_INET6, .bytes = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } },
		.local_ts = { .n = 2 },
	};
	struct nlattr *tb[SGW_A_MAX + 1], *a[SGW_TUNNEL_A_MAX + 1], *entry, *seen[3];
	struct nl_msg *msg = new_msg(SGW_CMD_TUNNEL_NEW);
	int rem, n = 0;

	(void)state;
	cfg.local_ts.v[0].addr.family = AF_INET;
	memcpy(cfg.local_ts.v[0].addr.bytes, "\x0a\x01\x00\x00", 4);
	cfg.local_ts.v[0].len = 16;
	cfg.local_ts.v[1].addr = cfg.local;
	cfg.local_ts.v[1].len = 128;
	assert_int_equal(sgwnl_put_tunnel(msg, 5, "hq", &cfg), 0);
	parse_top(msg, tb);
	parse_nest(tb[SGW_A_TUNNEL], a, SGW_TUNNEL_A_MAX);
	assert_int_equal(nla_get_u32(a[SGW_TUNNEL_A_ID]), 5);
	assert_string_equal(nla_get_string(a[SGW_TUNNEL_A_IFNAME]), "hq");
	assert_int_equal(nla_len(a[SGW_TUNNEL_A_LOCAL]), 16);
	assert_memory_equal(nla_data(a[SGW_TUNNEL_A_LOCAL]), cfg.local.bytes, 16);
	assert_memory_equal(nla_data(a[SGW_TUNNEL_A_REMOTE]), cfg.remote.bytes, 16);
	assert_non_null(a[SGW_TUNNEL_A_ENABLED]);
	assert_int_equal(nla_get_u8(a[SGW_TUNNEL_A_ENABLED]), 0);
	nla_for_each_nested(entry, a[SGW_TUNNEL_A_LOCAL_TS], rem) {
		assert_true(n < 3);
		seen[n++] = entry;
	}
	assert_int_equal(n, 2);
	assert_prefix(seen[0], "\x0a\x01\x00\x00", 4, 16);
	assert_prefix(seen[1], cfg.local.bytes, 16, 128);
	/* "any" is an empty list, which must reach the kernel, not vanish. */
	assert_non_null(a[SGW_TUNNEL_A_REMOTE_TS]);
	assert_int_equal(nla_len(a[SGW_TUNNEL_A_REMOTE_TS]), 0);
	sgwnl_msg_free(msg);
}

static void test_put_tunnel_only_changes(void **state)
{
	struct sgw_tunnel_config cfg = {
		.set_remote = true,
		.remote = { .family = AF_INET, .bytes = { 192, 0, 2, 2 } },
	};
	struct nlattr *tb[SGW_A_MAX + 1], *a[SGW_TUNNEL_A_MAX + 1];
	struct nl_msg *msg = new_msg(SGW_CMD_TUNNEL_SET);
	int i;

	(void)state;
	assert_int_equal(sgwnl_put_tunnel(msg, 0, "sgw1", &cfg), 0);
	parse_top(msg, tb);
	parse_nest(tb[SGW_A_TUNNEL], a, SGW_TUNNEL_A_MAX);
	assert_null(a[SGW_TUNNEL_A_ID]);
	assert_string_equal(nla_get_string(a[SGW_TUNNEL_A_IFNAME]), "sgw1");
	assert_int_equal(nla_len(a[SGW_TUNNEL_A_REMOTE]), 4);
	assert_memory_equal(nla_data(a[SGW_TUNNEL_A_REMOTE]), "\xc0\x00\x02\x02", 4);
	for (i = 0; i <= SGW_TUNNEL_A_MAX; i++)
		if (i != SGW_TUNNEL_A_IFNAME && i != SGW_TUNNEL_A_REMOTE)
			assert_null(a[i]);
	sgwnl_msg_free(msg);
}

static void test_put_sa(void **state)
{
	uint8_t key[36];
	struct sgw_sa_request req = {
		.sa = { .tunnel_id = 3, .spi = 0x2001, .dir = SGW_DIR_IN,
			.mode = SGW_MODE_TUNNEL, .alg = SGW_ALG_AES_GCM_256,
			.replay_window = 0, .esn = true, .seq = 4294967290ULL,
			.hard_bytes = 1ULL << 40, .soft_seconds = 3000,
			.encap_sport = 31001, .encap_dport = 4500 },
		.replay_window_given = true, .key = key, .key_len = sizeof(key),
	};
	struct nlattr *tb[SGW_A_MAX + 1], *a[SGW_SA_A_MAX + 1];
	struct nl_msg *msg = new_msg(SGW_CMD_SA_NEW);
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	assert_int_equal(sgwnl_put_sa(msg, &req), 0);
	parse_top(msg, tb);
	parse_nest(tb[SGW_A_SA], a, SGW_SA_A_MAX);
	assert_int_equal(nla_get_u32(a[SGW_SA_A_TUNNEL_ID]), 3);
	assert_int_equal(nla_get_u32(a[SGW_SA_A_SPI]), 0x2001);
	assert_int_equal(nla_get_u8(a[SGW_SA_A_DIR]), SGW_DIR_IN);
	assert_int_equal(nla_get_u8(a[SGW_SA_A_MODE]), SGW_MODE_TUNNEL);
	assert_int_equal(nla_get_u32(a[SGW_SA_A_ALG]), SGW_ALG_AES_GCM_256);
	assert_int_equal(nla_len(a[SGW_SA_A_KEY]), 36);
	assert_memory_equal(nla_data(a[SGW_SA_A_KEY]), key, 36);
	/* Given as 0 ("disable the check"): sent, unlike an absent window. */
	assert_non_null(a[SGW_SA_A_REPLAY_WINDOW]);
	assert_int_equal(nla_get_u32(a[SGW_SA_A_REPLAY_WINDOW]), 0);
	assert_int_equal(nla_get_u8(a[SGW_SA_A_ESN]), 1);
	assert_true(nla_get_u64(a[SGW_SA_A_SEQ]) == 4294967290ULL);
	assert_true(nla_get_u64(a[SGW_SA_A_HARD_BYTES]) == 1ULL << 40);
	assert_true(nla_get_u64(a[SGW_SA_A_SOFT_SECONDS]) == 3000);
	assert_null(a[SGW_SA_A_SOFT_BYTES]);
	assert_null(a[SGW_SA_A_HARD_SECONDS]);
	assert_null(a[SGW_SA_A_SOFT_PACKETS]);
	assert_null(a[SGW_SA_A_HARD_PACKETS]);
	assert_int_equal(nla_get_u16(a[SGW_SA_A_ENCAP_SPORT]), 31001);
	assert_int_equal(nla_get_u16(a[SGW_SA_A_ENCAP_DPORT]), 4500);
	assert_null(a[SGW_SA_A_LOCAL_TS]);
	assert_null(a[SGW_SA_A_REMOTE_TS]);
	sgwnl_msg_free(msg);

	/* Own selectors: both lists go out, an empty one as an empty nest. */
	req.sa.has_ts = true;
	req.sa.local_ts.n = 1;
	req.sa.local_ts.v[0].addr.family = AF_INET;
	memcpy(req.sa.local_ts.v[0].addr.bytes, "\x0a\x01\x01\x00", 4);
	req.sa.local_ts.v[0].len = 24;
	msg = new_msg(SGW_CMD_SA_NEW);
	assert_int_equal(sgwnl_put_sa(msg, &req), 0);
	parse_top(msg, tb);
	parse_nest(tb[SGW_A_SA], a, SGW_SA_A_MAX);
	assert_non_null(a[SGW_SA_A_LOCAL_TS]);
	assert_non_null(a[SGW_SA_A_REMOTE_TS]);
	assert_int_equal(nla_len(a[SGW_SA_A_REMOTE_TS]), 0);
	{
		struct sgw_sa_info back;

		assert_int_equal(sgwnl_decode_sa(tb, &back), 0);
		assert_true(back.has_ts);
		assert_int_equal(back.local_ts.n, 1);
		assert_int_equal(back.local_ts.v[0].len, 24);
		assert_memory_equal(back.local_ts.v[0].addr.bytes, "\x0a\x01\x01\x00", 4);
		assert_int_equal(back.remote_ts.n, 0);
	}
	sgwnl_msg_free(msg);
	req.sa.has_ts = false;

	/* Defaults stay the kernel's: no window, ESN, sequence or lifetime. */
	memset(&req.sa.replay_window, 0, sizeof(req.sa) - offsetof(struct sgw_sa_info, replay_window));
	req.replay_window_given = false;
	msg = new_msg(SGW_CMD_SA_NEW);
	assert_int_equal(sgwnl_put_sa(msg, &req), 0);
	parse_top(msg, tb);
	parse_nest(tb[SGW_A_SA], a, SGW_SA_A_MAX);
	for (i = SGW_SA_A_REPLAY_WINDOW; i <= SGW_SA_A_MAX; i++)
		assert_null(a[i]);
	assert_non_null(a[SGW_SA_A_KEY]);
	sgwnl_msg_free(msg);
}

static void test_put_sa_id(void **state)
{
	struct sgw_sa_id id = { .tunnel_id = 9, .spi = 0xfffffff0, .dir = SGW_DIR_OUT };
	struct nlattr *tb[SGW_A_MAX + 1], *a[SGW_SA_A_MAX + 1];
	struct nl_msg *msg = new_msg(SGW_CMD_SA_DEL);

	(void)state;
	assert_int_equal(sgwnl_put_sa_id(msg, &id), 0);
	parse_top(msg, tb);
	parse_nest(tb[SGW_A_SA], a, SGW_SA_A_MAX);
	assert_int_equal(nla_get_u32(a[SGW_SA_A_TUNNEL_ID]), 9);
	assert_int_equal(nla_get_u32(a[SGW_SA_A_SPI]), 0xfffffff0);
	assert_int_equal(nla_get_u8(a[SGW_SA_A_DIR]), SGW_DIR_OUT);
	assert_null(a[SGW_SA_A_KEY]);
	sgwnl_msg_free(msg);
}

static void put_prefix(struct nl_msg *msg, const void *addr, int addr_len, uint8_t len)
{
	struct nlattr *p = nla_nest_start(msg, SGW_TS_A_PREFIX);

	assert_int_equal(nla_put(msg, SGW_PREFIX_A_ADDR, addr_len, addr), 0);
	assert_int_equal(nla_put_u8(msg, SGW_PREFIX_A_LEN, len), 0);
	nla_nest_end(msg, p);
}

/* A SGW_CMD_TUNNEL_GET reply as the uapi header describes it. */
static struct nl_msg *tunnel_reply(int local_len, uint8_t prefix_len)
{
	struct nl_msg *msg = new_msg(SGW_CMD_TUNNEL_GET);
	struct nlattr *t, *ts, *drops;

	t = nla_nest_start(msg, SGW_A_TUNNEL);
	nla_put_u32(msg, SGW_TUNNEL_A_ID, 1);
	nla_put_u32(msg, SGW_TUNNEL_A_IFINDEX, 4);
	nla_put_string(msg, SGW_TUNNEL_A_IFNAME, "sgw1");
	nla_put(msg, SGW_TUNNEL_A_LOCAL, local_len, "\xc0\x00\x02\x01");
	nla_put(msg, SGW_TUNNEL_A_REMOTE, 4, "\xc0\x00\x02\x02");
	ts = nla_nest_start(msg, SGW_TUNNEL_A_LOCAL_TS);
	put_prefix(msg, "\x0a\x01\x00\x00", 4, prefix_len);
	put_prefix(msg, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\0", 16, 32);
	nla_nest_end(msg, ts);
	ts = nla_nest_start(msg, SGW_TUNNEL_A_REMOTE_TS);
	nla_nest_end_keep_empty(msg, ts);
	nla_put_u8(msg, SGW_TUNNEL_A_ENABLED, 0);
	drops = nla_nest_start(msg, SGW_TUNNEL_A_DROPS);
	nla_put_u64(msg, SGW_DROP_NO_SA + 1, 3);
	nla_put_u64(msg, SGW_DROP_REPLAY + 1, 18446744073709551615ULL);
	/* A reason newer than sgwctl, and one of the wrong size: ignored. */
	nla_put_u64(msg, __SGW_DROP_MAX + 1, 99);
	nla_put_u32(msg, SGW_DROP_AUTH + 1, 5);
	nla_nest_end(msg, drops);
	nla_nest_end(msg, t);
	return msg;
}

static void test_decode_tunnel(void **state)
{
	struct nlattr *tb[SGW_A_MAX + 1];
	struct nl_msg *msg = tunnel_reply(4, 16);
	struct sgw_tunnel_info t;

	(void)state;
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_tunnel(tb, &t), 0);
	assert_int_equal(t.id, 1);
	assert_int_equal(t.ifindex, 4);
	assert_string_equal(t.ifname, "sgw1");
	assert_false(t.enabled);
	assert_int_equal(t.local.family, AF_INET);
	assert_memory_equal(t.local.bytes, "\xc0\x00\x02\x01", 4);
	assert_int_equal(t.remote.family, AF_INET);
	assert_int_equal(t.local_ts.n, 2);
	assert_int_equal(t.local_ts.v[0].len, 16);
	assert_int_equal(t.local_ts.v[1].addr.family, AF_INET6);
	assert_int_equal(t.local_ts.v[1].len, 32);
	assert_int_equal(t.remote_ts.n, 0);
	assert_true(t.drops[SGW_DROP_NO_SA] == 3);
	assert_true(t.drops[SGW_DROP_REPLAY] == 18446744073709551615ULL);
	assert_true(t.drops[SGW_DROP_AUTH] == 0);
	nlmsg_free(msg);

	/* Addresses are 4 or 16 bytes; prefix lengths fit their family. */
	msg = tunnel_reply(3, 16);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_tunnel(tb, &t), -EBADMSG);
	nlmsg_free(msg);
	msg = tunnel_reply(4, 33);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_tunnel(tb, &t), -EBADMSG);
	nlmsg_free(msg);
}

static void test_decode_tunnel_minimal(void **state)
{
	struct nlattr *tb[SGW_A_MAX + 1], *nest;
	struct nl_msg *msg = new_msg(SGW_CMD_TUNNEL_GET);
	struct sgw_tunnel_info t;

	(void)state;
	nest = nla_nest_start(msg, SGW_A_TUNNEL);
	nla_put_u32(msg, SGW_TUNNEL_A_ID, 65535);
	nla_nest_end(msg, nest);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_tunnel(tb, &t), 0);
	assert_int_equal(t.id, 65535);
	assert_true(t.enabled);
	assert_int_equal(t.local.family, 0);
	assert_int_equal(t.remote.family, 0);
	assert_int_equal(t.local_ts.n, 0);
	nlmsg_free(msg);

	/* No id, or an id too short to read: malformed. */
	msg = new_msg(SGW_CMD_TUNNEL_GET);
	nest = nla_nest_start(msg, SGW_A_TUNNEL);
	nla_put_u8(msg, SGW_TUNNEL_A_ID, 1);
	nla_nest_end(msg, nest);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_tunnel(tb, &t), -EBADMSG);
	nlmsg_free(msg);
	msg = new_msg(SGW_CMD_TUNNEL_GET);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_tunnel(tb, &t), -EBADMSG);
	nlmsg_free(msg);
}

static struct nl_msg *sa_reply(uint8_t cmd, bool with_dir)
{
	struct nl_msg *msg = new_msg(cmd);
	struct nlattr *sa = nla_nest_start(msg, SGW_A_SA);

	nla_put_u32(msg, SGW_SA_A_TUNNEL_ID, 1);
	nla_put_u32(msg, SGW_SA_A_SPI, 0x1001);
	if (with_dir)
		nla_put_u8(msg, SGW_SA_A_DIR, SGW_DIR_OUT);
	nla_put_u8(msg, SGW_SA_A_MODE, SGW_MODE_TUNNEL);
	nla_put_u32(msg, SGW_SA_A_ALG, SGW_ALG_CHACHA20_POLY1305);
	nla_put_u32(msg, SGW_SA_A_REPLAY_WINDOW, 64);
	nla_put_u8(msg, SGW_SA_A_ESN, 1);
	nla_put_u64(msg, SGW_SA_A_SEQ, 1ULL << 32);
	nla_put_u64(msg, SGW_SA_A_SOFT_BYTES, 1);
	nla_put_u64(msg, SGW_SA_A_HARD_BYTES, 2);
	nla_put_u64(msg, SGW_SA_A_SOFT_PACKETS, 3);
	nla_put_u64(msg, SGW_SA_A_HARD_PACKETS, 4);
	nla_put_u64(msg, SGW_SA_A_SOFT_SECONDS, 5);
	nla_put_u64(msg, SGW_SA_A_HARD_SECONDS, 6);
	nla_put_u64(msg, SGW_SA_A_BYTES, 1234);
	nla_put_u64(msg, SGW_SA_A_PACKETS, 10);
	nla_put_u64(msg, SGW_SA_A_AGE, 7);
	nla_put_u8(msg, SGW_SA_A_SOFT_EXPIRED, 1);
	nla_put_u8(msg, SGW_SA_A_HARD, 1);
	nla_put_u16(msg, SGW_SA_A_ENCAP_SPORT, 4500);
	nla_put_u16(msg, SGW_SA_A_ENCAP_DPORT, 4501);
	nla_nest_end(msg, sa);
	return msg;
}

static void test_decode_sa(void **state)
{
	struct nlattr *tb[SGW_A_MAX + 1];
	struct nl_msg *msg = sa_reply(SGW_CMD_SA_GET, true);
	struct sgw_sa_info sa;

	(void)state;
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_sa(tb, &sa), 0);
	assert_int_equal(sa.tunnel_id, 1);
	assert_int_equal(sa.spi, 0x1001);
	assert_int_equal(sa.dir, SGW_DIR_OUT);
	assert_int_equal(sa.mode, SGW_MODE_TUNNEL);
	assert_int_equal(sa.alg, SGW_ALG_CHACHA20_POLY1305);
	assert_int_equal(sa.replay_window, 64);
	assert_true(sa.esn);
	assert_true(sa.seq == 1ULL << 32);
	assert_true(sa.soft_bytes == 1 && sa.hard_bytes == 2);
	assert_true(sa.soft_packets == 3 && sa.hard_packets == 4);
	assert_true(sa.soft_seconds == 5 && sa.hard_seconds == 6);
	assert_true(sa.bytes == 1234 && sa.packets == 10 && sa.age == 7);
	assert_true(sa.soft_expired);
	assert_int_equal(sa.encap_sport, 4500);
	assert_int_equal(sa.encap_dport, 4501);
	nlmsg_free(msg);

	msg = sa_reply(SGW_CMD_SA_GET, false);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_sa(tb, &sa), -EBADMSG);
	nlmsg_free(msg);
}

static void test_decode_event(void **state)
{
	struct nlattr *tb[SGW_A_MAX + 1];
	struct nl_msg *msg = sa_reply(SGW_CMD_SA_EXPIRE, true);
	struct sgw_event ev;

	(void)state;
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_event(SGW_CMD_SA_EXPIRE, tb, &ev), 0);
	assert_int_equal(ev.type, SGW_EVENT_SA_EXPIRE);
	assert_int_equal(ev.tunnel_id, 1);
	assert_int_equal(ev.spi, 0x1001);
	assert_int_equal(ev.dir, SGW_DIR_OUT);
	assert_true(ev.hard);
	assert_true(ev.bytes == 1234 && ev.packets == 10);
	/* Other commands on the group are not events sgwctl knows. */
	assert_int_equal(sgwnl_decode_event(SGW_CMD_SA_NEW, tb, &ev), -ENOENT);
	nlmsg_free(msg);

	msg = sa_reply(SGW_CMD_SA_EXPIRE, false);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_event(SGW_CMD_SA_EXPIRE, tb, &ev), -EBADMSG);
	nlmsg_free(msg);
}

/* A tunnel's state change is an event with the tunnel as TUNNEL_GET has it. */
static void test_decode_tunnel_event(void **state)
{
	struct nlattr *tb[SGW_A_MAX + 1];
	struct nl_msg *msg = tunnel_reply(4, 16);
	struct sgw_event ev;

	(void)state;
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_event(SGW_CMD_TUNNEL_STATE, tb, &ev), 0);
	assert_int_equal(ev.type, SGW_EVENT_TUNNEL);
	assert_int_equal(ev.tunnel_id, 1);
	assert_string_equal(ev.ifname, "sgw1");
	assert_false(ev.enabled);
	nlmsg_free(msg);
	/* Without the tunnel nest it is refused. */
	msg = new_msg(SGW_CMD_TUNNEL_STATE);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_event(SGW_CMD_TUNNEL_STATE, tb, &ev),
			 -EBADMSG);
	nlmsg_free(msg);
}

/* An acquire event as the kernel sends it; @dst_len 0 leaves DST out. */
static struct nl_msg *acquire_event(int dst_len)
{
	static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, [15] = 2 };
	static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, 2, [15] = 2 };
	struct nl_msg *msg = new_msg(SGW_CMD_ACQUIRE);
	struct nlattr *nest = nla_nest_start(msg, SGW_A_ACQUIRE);

	nla_put_u32(msg, SGW_ACQUIRE_A_TUNNEL_ID, 7);
	nla_put(msg, SGW_ACQUIRE_A_SRC, 16, src6);
	if (dst_len)
		nla_put(msg, SGW_ACQUIRE_A_DST, dst_len, dst6);
	nla_nest_end(msg, nest);
	return msg;
}

static void test_decode_acquire(void **state)
{
	struct nlattr *tb[SGW_A_MAX + 1];
	struct nl_msg *msg = acquire_event(16);
	struct sgw_event ev;
	char buf[64];

	(void)state;
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_event(SGW_CMD_ACQUIRE, tb, &ev), 0);
	assert_int_equal(ev.type, SGW_EVENT_ACQUIRE);
	assert_int_equal(ev.tunnel_id, 7);
	sgw_addr_format(&ev.src, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8:100::2");
	sgw_addr_format(&ev.dst, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8:200::2");
	nlmsg_free(msg);

	/* Without DST, or with an address of 5 bytes, it is refused. */
	msg = acquire_event(0);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_event(SGW_CMD_ACQUIRE, tb, &ev), -EBADMSG);
	nlmsg_free(msg);
	msg = acquire_event(5);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_event(SGW_CMD_ACQUIRE, tb, &ev), -EBADMSG);
	nlmsg_free(msg);
}

static void test_decode_unknown_spi(void **state)
{
	struct nlattr *tb[SGW_A_MAX + 1];
	struct nl_msg *msg = new_msg(SGW_CMD_UNKNOWN_SPI);
	struct nlattr *nest = nla_nest_start(msg, SGW_A_UNKNOWN_SPI);
	struct sgw_event ev;

	(void)state;
	nla_put_u32(msg, SGW_UNKNOWN_SPI_A_TUNNEL_ID, 3);
	nla_put_u32(msg, SGW_UNKNOWN_SPI_A_SPI, 0xc0ffee01);
	nla_nest_end(msg, nest);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_event(SGW_CMD_UNKNOWN_SPI, tb, &ev), 0);
	assert_int_equal(ev.type, SGW_EVENT_UNKNOWN_SPI);
	assert_int_equal(ev.tunnel_id, 3);
	assert_int_equal(ev.spi, 0xc0ffee01);
	nlmsg_free(msg);

	/* Without the SPI it is refused. */
	msg = new_msg(SGW_CMD_UNKNOWN_SPI);
	nest = nla_nest_start(msg, SGW_A_UNKNOWN_SPI);
	nla_put_u32(msg, SGW_UNKNOWN_SPI_A_TUNNEL_ID, 3);
	nla_nest_end(msg, nest);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_event(SGW_CMD_UNKNOWN_SPI, tb, &ev),
			 -EBADMSG);
	nlmsg_free(msg);
}

static void test_decode_mapping(void **state)
{
	const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };
	const uint8_t v4[4] = { 198, 51, 100, 9 };
	struct nlattr *tb[SGW_A_MAX + 1], *nest;
	struct nl_msg *msg;
	struct sgw_event ev;

	(void)state;
	msg = new_msg(SGW_CMD_NEW_MAPPING);
	nest = nla_nest_start(msg, SGW_A_MAPPING);
	nla_put_u32(msg, SGW_MAPPING_A_TUNNEL_ID, 4);
	nla_put_u32(msg, SGW_MAPPING_A_SPI, 0x2001);
	nla_put(msg, SGW_MAPPING_A_ADDR, sizeof(v4), v4);
	nla_put_u16(msg, SGW_MAPPING_A_PORT, 31000);
	nla_nest_end(msg, nest);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_event(SGW_CMD_NEW_MAPPING, tb, &ev), 0);
	assert_int_equal(ev.type, SGW_EVENT_NEW_MAPPING);
	assert_int_equal(ev.tunnel_id, 4);
	assert_int_equal(ev.spi, 0x2001);
	assert_int_equal(ev.src.family, AF_INET);
	assert_memory_equal(ev.src.bytes, v4, 4);
	assert_int_equal(ev.port, 31000);
	nlmsg_free(msg);

	msg = new_msg(SGW_CMD_NEW_MAPPING);
	nest = nla_nest_start(msg, SGW_A_MAPPING);
	nla_put_u32(msg, SGW_MAPPING_A_TUNNEL_ID, 4);
	nla_put_u32(msg, SGW_MAPPING_A_SPI, 0x2001);
	nla_put(msg, SGW_MAPPING_A_ADDR, sizeof(v6), v6);
	nla_put_u16(msg, SGW_MAPPING_A_PORT, 1);
	nla_nest_end(msg, nest);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_event(SGW_CMD_NEW_MAPPING, tb, &ev), 0);
	assert_int_equal(ev.src.family, AF_INET6);
	assert_memory_equal(ev.src.bytes, v6, 16);
	assert_int_equal(ev.port, 1);
	nlmsg_free(msg);

	/* Without the port it is refused. */
	msg = new_msg(SGW_CMD_NEW_MAPPING);
	nest = nla_nest_start(msg, SGW_A_MAPPING);
	nla_put_u32(msg, SGW_MAPPING_A_TUNNEL_ID, 4);
	nla_put_u32(msg, SGW_MAPPING_A_SPI, 0x2001);
	nla_put(msg, SGW_MAPPING_A_ADDR, sizeof(v4), v4);
	nla_nest_end(msg, nest);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_event(SGW_CMD_NEW_MAPPING, tb, &ev), -EBADMSG);
	nlmsg_free(msg);
}

static void test_put_trace(void **state)
{
	struct sgw_trace_request req = {
		.src = { .family = AF_INET, .bytes = { 10, 1, 0, 1 } },
		.dst = { .family = AF_INET, .bytes = { 10, 2, 0, 1 } },
		.set_proto = true, .proto = 6, .set_dport = true, .dport = 443,
		.set_size = true, .size = 1400, .df = true,
	};
	struct nlattr *tb[SGW_A_MAX + 1], *a[SGW_TRACE_A_MAX + 1];
	struct nl_msg *msg = new_msg(SGW_CMD_TRACE);

	(void)state;
	assert_int_equal(sgwnl_put_trace(msg, &req), 0);
	parse_top(msg, tb);
	parse_nest(tb[SGW_A_TRACE], a, SGW_TRACE_A_MAX);
	assert_int_equal(nla_len(a[SGW_TRACE_A_SRC]), 4);
	assert_memory_equal(nla_data(a[SGW_TRACE_A_DST]), req.dst.bytes, 4);
	assert_int_equal(nla_get_u8(a[SGW_TRACE_A_PROTO]), 6);
	assert_null(a[SGW_TRACE_A_SPORT]);
	assert_int_equal(nla_get_u16(a[SGW_TRACE_A_DPORT]), 443);
	assert_int_equal(nla_get_u32(a[SGW_TRACE_A_SIZE]), 1400);
	assert_int_equal(nla_get_u8(a[SGW_TRACE_A_DF]), 1);
	nlmsg_free(msg);
}

static void test_decode_trace(void **state)
{
	static const uint8_t src[4] = { 10, 1, 0, 1 }, dst[4] = { 10, 2, 0, 1 };
	static const uint8_t osrc[4] = { 192, 0, 2, 1 }, odst[4] = { 192, 0, 2, 2 };
	struct nlattr *tb[SGW_A_MAX + 1], *nest;
	struct nl_msg *msg = new_msg(SGW_CMD_TRACE);
	struct sgw_trace_result r;

	(void)state;
	nest = nla_nest_start(msg, SGW_A_TRACE);
	nla_put(msg, SGW_TRACE_A_SRC, 4, src);
	nla_put(msg, SGW_TRACE_A_DST, 4, dst);
	nla_put_u8(msg, SGW_TRACE_A_PROTO, 17);
	nla_put_u16(msg, SGW_TRACE_A_SPORT, 1000);
	nla_put_u16(msg, SGW_TRACE_A_DPORT, 53);
	nla_put_u32(msg, SGW_TRACE_A_SIZE, 2000);
	nla_put_u8(msg, SGW_TRACE_A_DF, 0);
	nla_put_u8(msg, SGW_TRACE_A_VERDICT, SGW_TRACE_ENCRYPTED);
	nla_put_u32(msg, SGW_TRACE_A_IFINDEX, 5);
	nla_put_string(msg, SGW_TRACE_A_IFNAME, "sgw1");
	nla_put_u32(msg, SGW_TRACE_A_TUNNEL_ID, 1);
	nla_put_u8(msg, SGW_TRACE_A_ENABLED, 1);
	nla_put_u8(msg, SGW_TRACE_A_LOCAL_TS_MATCH, 1);
	nla_put_u8(msg, SGW_TRACE_A_REMOTE_TS_MATCH, 0);
	nla_put_u32(msg, SGW_TRACE_A_UNDERLAY_IFINDEX, 3);
	nla_put_string(msg, SGW_TRACE_A_UNDERLAY_IFNAME, "eth0");
	nla_put(msg, SGW_TRACE_A_UNDERLAY_VIA, 4, odst);
	nla_put_u32(msg, SGW_TRACE_A_SPI, 0xc0ffee01);
	nla_put_u32(msg, SGW_TRACE_A_ALG, SGW_ALG_AES_GCM_128);
	nla_put_u16(msg, SGW_TRACE_A_ENCAP_SPORT, 4500);
	nla_put_u16(msg, SGW_TRACE_A_ENCAP_DPORT, 4501);
	nla_put_u32(msg, SGW_TRACE_A_PATH_MTU, 1500);
	nla_put_u32(msg, SGW_TRACE_A_TUNNEL_MTU, 1430);
	nla_put_u8(msg, SGW_TRACE_A_FRAGMENT, SGW_TRACE_FRAG_AFTER);
	nla_put(msg, SGW_TRACE_A_OUTER_SRC, 4, osrc);
	nla_put(msg, SGW_TRACE_A_OUTER_DST, 4, odst);
	nla_put_u32(msg, SGW_TRACE_A_OUTER_SIZE, 2066);
	nla_put_u8(msg, SGW_TRACE_A_OUTER_DF, 0);
	nla_put_u8(msg, SGW_TRACE_A_OUTER_PROTO, 17);
	nla_nest_end(msg, nest);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_trace(tb, &r), 0);
	assert_true(r.has_ports && r.sport == 1000 && r.dport == 53);
	assert_int_equal(r.verdict, SGW_TRACE_ENCRYPTED);
	assert_false(r.has_drop);
	assert_string_equal(r.ifname, "sgw1");
	assert_true(r.in_tunnel && r.enabled && r.tunnel_id == 1);
	assert_true(r.has_ts && r.local_ts_match && !r.remote_ts_match);
	assert_false(r.no_sa || r.exempt || r.has_mss || r.has_icmp_mtu);
	assert_string_equal(r.underlay_ifname, "eth0");
	assert_memory_equal(r.underlay_via.bytes, odst, 4);
	assert_true(r.has_sa && r.spi == 0xc0ffee01);
	assert_true(r.encap_sport == 4500 && r.encap_dport == 4501);
	assert_true(r.has_mtu && r.path_mtu == 1500 && r.tunnel_mtu == 1430);
	assert_true(r.has_outer && r.fragment == SGW_TRACE_FRAG_AFTER);
	assert_true(r.outer_size == 2066 && !r.outer_df && r.outer_proto == 17);
	assert_memory_equal(r.outer_src.bytes, osrc, 4);
	nlmsg_free(msg);

	/* Without a verdict the reply is no answer. */
	msg = new_msg(SGW_CMD_TRACE);
	nest = nla_nest_start(msg, SGW_A_TRACE);
	nla_put(msg, SGW_TRACE_A_SRC, 4, src);
	nla_put(msg, SGW_TRACE_A_DST, 4, dst);
	nla_nest_end(msg, nest);
	parse_top(msg, tb);
	assert_int_equal(sgwnl_decode_trace(tb, &r), -EBADMSG);
	nlmsg_free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_tunnel_config),
		cmocka_unit_test(test_put_tunnel_only_changes),
		cmocka_unit_test(test_put_sa),
		cmocka_unit_test(test_put_sa_id),
		cmocka_unit_test(test_decode_tunnel),
		cmocka_unit_test(test_decode_tunnel_minimal),
		cmocka_unit_test(test_decode_sa),
		cmocka_unit_test(test_decode_event),
		cmocka_unit_test(test_decode_tunnel_event),
		cmocka_unit_test(test_decode_unknown_spi),
		cmocka_unit_test(test_decode_mapping),
		cmocka_unit_test(test_decode_acquire),
		cmocka_unit_test(test_put_trace),
		cmocka_unit_test(test_decode_trace),
	};

	return cmocka_run_group_tests_name("nl", tests, NULL, NULL);
}
