// SPDX-License-Identifier: GPL-2.0
/* local = auto: the kernel's route answer read back, and explained. */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "srcaddr.h"

static char *fake_ifname(unsigned int index, char *buf)
{
	if (index != 2)
		return NULL;
	strcpy(buf, "eth0");
	return buf;
}

static size_t put_attr(struct nlmsghdr *nh, unsigned short type,
		       const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return nh->nlmsg_len;
}

/* A route answer for 198.51.100.1: source, gateway (unless !gw), oif 2. */
static size_t route_answer(char *buf, bool gw, bool src, unsigned char type)
{
	static const uint8_t dst[4] = { 198, 51, 100, 1 };
	static const uint8_t via[4] = { 192, 0, 2, 254 };
	static const uint8_t pref[4] = { 192, 0, 2, 1 };
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct rtmsg *rtm = NLMSG_DATA(nh);
	uint32_t oif = 2;

	memset(buf, 0, 512);
	nh->nlmsg_type = RTM_NEWROUTE;
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	rtm->rtm_type = type;
	put_attr(nh, RTA_DST, dst, 4);
	if (src)
		put_attr(nh, RTA_PREFSRC, pref, 4);
	if (gw)
		put_attr(nh, RTA_GATEWAY, via, 4);
	return put_attr(nh, RTA_OIF, &oif, 4);
}

static const struct sgw_conf_addr remote = {
	.family = AF_INET, .bytes = { 198, 51, 100, 1 },
};

static void test_parse_and_explain(void **state)
{
	char buf[512], err[256], why[256];
	struct srcaddr s;
	size_t len;

	(void)state;
	len = route_answer(buf, true, true, RTN_UNICAST);
	assert_int_equal(srcaddr_parse(buf, len, &remote, fake_ifname, &s, err,
				       sizeof(err)), 0);
	assert_int_equal(s.addr.family, AF_INET);
	assert_memory_equal(s.addr.bytes, ((uint8_t[]){ 192, 0, 2, 1 }), 4);
	srcaddr_explain(&s, &remote, why, sizeof(why));
	assert_string_equal(why, "auto: source of the route to 198.51.100.1 "
			    "via 192.0.2.254 dev eth0");

	/* On link: no gateway. */
	len = route_answer(buf, false, true, RTN_UNICAST);
	assert_int_equal(srcaddr_parse(buf, len, &remote, fake_ifname, &s, err,
				       sizeof(err)), 0);
	srcaddr_explain(&s, &remote, why, sizeof(why));
	assert_string_equal(why, "auto: source of the route to 198.51.100.1 dev eth0");
}

static void test_refusals(void **state)
{
	char buf[512], err[256];
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(nh);
	struct srcaddr s;
	size_t len;

	(void)state;
	len = route_answer(buf, true, false, RTN_UNICAST);
	assert_int_equal(srcaddr_parse(buf, len, &remote, fake_ifname, &s, err,
				       sizeof(err)), -1);
	assert_string_equal(err, "the route to 198.51.100.1 gives no source "
			    "address (no address on its interface?)");
	len = route_answer(buf, true, true, RTN_LOCAL);
	assert_int_equal(srcaddr_parse(buf, len, &remote, fake_ifname, &s, err,
				       sizeof(err)), -1);
	assert_string_equal(err, "the route to 198.51.100.1 is not a unicast "
			    "route out of this host");

	memset(buf, 0, sizeof(buf));
	nh->nlmsg_type = NLMSG_ERROR;
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*e));
	e->error = -ENETUNREACH;
	assert_int_equal(srcaddr_parse(buf, nh->nlmsg_len, &remote, fake_ifname,
				       &s, err, sizeof(err)), -1);
	assert_string_equal(err, "no route to 198.51.100.1: Network is unreachable");
	assert_int_equal(srcaddr_parse(buf, 3, &remote, fake_ifname, &s, err,
				       sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_explain),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests_name("srcaddr", tests, NULL, NULL);
}
