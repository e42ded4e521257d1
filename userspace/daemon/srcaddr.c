// SPDX-License-Identifier: GPL-2.0
/* "local = auto": the routing table's source address toward the peer. */

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "srcaddr.h"

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static void set_addr(struct sgw_conf_addr *a, int family, const void *p)
{
	memset(a, 0, sizeof(*a));
	a->family = (uint8_t)family;
	memcpy(a->bytes, p, addr_len(family));
}

int srcaddr_parse(const void *buf, size_t len,
		  const struct sgw_conf_addr *remote,
		  char *(*ifname)(unsigned int, char *), struct srcaddr *out,
		  char *err, size_t errlen)
{
	const struct nlmsghdr *nh = buf;
	char to[SGW_CONF_ADDRSTRLEN];
	const struct rtattr *rta;
	const struct rtmsg *rtm;
	unsigned int oif = 0;
	int rlen;

	memset(out, 0, sizeof(*out));
	sgw_conf_addr_str(remote, to, sizeof(to));
	if (len < sizeof(*nh) || !NLMSG_OK(nh, len)) {
		snprintf(err, errlen, "no answer from the kernel about the "
			 "route to %s", to);
		return -1;
	}
	if (nh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nh);

		snprintf(err, errlen, "no route to %s: %s", to,
			 nh->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) ?
			 strerror(-e->error) : "error");
		return -1;
	}
	if (nh->nlmsg_type != RTM_NEWROUTE ||
	    nh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm))) {
		snprintf(err, errlen, "unexpected answer about the route to %s",
			 to);
		return -1;
	}
	rtm = NLMSG_DATA(nh);
	rlen = (int)RTM_PAYLOAD(nh);
	for (rta = RTM_RTA(rtm); RTA_OK(rta, rlen); rta = RTA_NEXT(rta, rlen)) {
		size_t alen = RTA_PAYLOAD(rta);

		if (rta->rta_type == RTA_PREFSRC &&
		    alen == addr_len(remote->family))
			set_addr(&out->addr, remote->family, RTA_DATA(rta));
		else if (rta->rta_type == RTA_GATEWAY &&
			 alen == addr_len(remote->family))
			set_addr(&out->via, remote->family, RTA_DATA(rta));
		else if (rta->rta_type == RTA_OIF && alen == sizeof(uint32_t))
			memcpy(&oif, RTA_DATA(rta), sizeof(oif));
	}
	if (rtm->rtm_type != RTN_UNICAST) {
		snprintf(err, errlen, "the route to %s is not a unicast route "
			 "out of this host", to);
		return -1;
	}
	if (!out->addr.family) {
		snprintf(err, errlen, "the route to %s gives no source address "
			 "(no address on its interface?)", to);
		return -1;
	}
	if (!oif || !ifname(oif, out->dev))
		snprintf(out->dev, sizeof(out->dev), "%u", oif);
	return 0;
}

int srcaddr_lookup(const struct sgw_conf_addr *remote, struct srcaddr *out,
		   char *err, size_t errlen)
{
	/* Header, route message and one address attribute. */
	union {
		struct nlmsghdr nh;
		char bytes[NLMSG_SPACE(sizeof(struct rtmsg)) + RTA_SPACE(16)];
	} req;
	struct timeval tv = { .tv_sec = 2 };
	struct rtmsg *rtm = NLMSG_DATA(&req.nh);
	struct rtattr *rta;
	char buf[8192];
	ssize_t n;
	int fd, ret = -1;

	memset(req.bytes, 0, sizeof(req.bytes));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(*rtm)) +
			   RTA_SPACE(addr_len(remote->family));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	rtm->rtm_family = remote->family;
	rtm->rtm_dst_len = (unsigned char)(addr_len(remote->family) * 8);
	rta = RTM_RTA(rtm);
	rta->rta_type = RTA_DST;
	rta->rta_len = RTA_LENGTH(addr_len(remote->family));
	memcpy(RTA_DATA(rta), remote->bytes, addr_len(remote->family));

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		snprintf(err, errlen, "route lookup: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0 ||
	    (n = recv(fd, buf, sizeof(buf), 0)) < 0)
		snprintf(err, errlen, "route lookup: %s", strerror(errno));
	else
		ret = srcaddr_parse(buf, (size_t)n, remote, if_indextoname, out,
				    err, errlen);
	close(fd);
	return ret;
}

void srcaddr_explain(const struct srcaddr *s,
		     const struct sgw_conf_addr *remote, char *buf, size_t len)
{
	char to[SGW_CONF_ADDRSTRLEN], via[SGW_CONF_ADDRSTRLEN];

	sgw_conf_addr_str(remote, to, sizeof(to));
	if (s->via.family)
		sgw_conf_addr_str(&s->via, via, sizeof(via));
	snprintf(buf, len, "auto: source of the route to %s%s%s dev %s", to,
		 s->via.family ? " via " : "", s->via.family ? via : "", s->dev);
}
