// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl check [-c FILE] [--strict] [--probe [--probe-timeout S]]
 * [TUNNEL]: the live system against the configuration, read only; with
 * --probe the daemon also sends each tunnel's peer one IKE_SA_INIT.
 * Each finding names the tunnel, what is wrong and the fix (finding.h);
 * Documentation/check.md lists them all.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "conf_check.h"
#include "conf_host.h"
#include "conf_parse.h"
#include "ctl.h"
#include "daemon_client.h"
#include "finding.h"
#include "nftrules.h"
#include "nl.h"

/* What "ip route get" answers: the device and the source address. */
struct srcaddr {
	char dev[IF_NAMESIZE];
	struct sgw_conf_addr addr;	/* AF_UNSPEC when none is given */
};

struct live {
	struct findings f;
	const char *only;		/* TUNNEL argument, or NULL */
	struct sgwnl *nl;
	struct sgw_module_info info;
	struct sgw_tunnel_list tunnels;
	struct sgw_tunnel_list later;	/* read again 1 s later, or empty */
	struct ctl_reply ike;
	bool running;
	struct sgw_conf conf;
	bool have_conf;
	const char *path;
	struct nft_ruleset nft;
	bool have_nft;
	char nft_why[160];
	unsigned int probe_ms;		/* --probe: the wait; 0: no probe */
	struct ctl_reply probe;		/* the daemon's probe reply */
};

static int route_get(const struct sgw_conf_addr *a, struct srcaddr *s,
		     char *err, size_t errlen);

#define ADD(l, sev, tun, code, fix, ...) \
	finding_add(&(l)->f, sev, tun, code, fix, __VA_ARGS__)

static void addr_of(const struct sgw_conf_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, a->bytes, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

static bool parse_conf_addr(const char *s, struct sgw_conf_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->bytes) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, s, a->bytes) == 1)
		a->family = AF_INET6;
	return a->family != 0;
}

static const struct ctl_tunnel *ike_by_name(const struct live *l,
					    const char *name)
{
	size_t i;

	for (i = 0; l->running && i < l->ike.n; i++)
		if (!strcmp(l->ike.v[i].name, name))
			return &l->ike.v[i];
	return NULL;
}

static const struct sgw_tunnel_info *kernel_by_id(const struct live *l,
						  uint32_t id)
{
	size_t i;

	for (i = 0; i < l->tunnels.n; i++)
		if (l->tunnels.v[i].id == id)
			return &l->tunnels.v[i];
	return NULL;
}

/* -1 when the file cannot be read. */
static long read_sysctl(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* ---- module, daemon, configuration ------------------------------------ */

static void check_module(struct live *l)
{
	int ret = sgwnl_open(&l->nl);

	if (ret) {
		l->nl = NULL;
		ADD(l, FINDING_ERROR, NULL, "module-missing", "modprobe sgw",
		    "%s", sgwnl_open_error(ret));
		return;
	}
	if (sgwnl_get_info(l->nl, &l->info) ||
	    sgwnl_tunnel_dump(l->nl, &l->tunnels)) {
		ADD(l, FINDING_ERROR, NULL, "module-error",
		    "reload the module (modprobe -r sgw; modprobe sgw)",
		    "the sgw module does not answer: %s", sgwnl_error(l->nl));
		return;
	}
	if (strcmp(l->info.version, SGW_VERSION))
		ADD(l, FINDING_WARNING, NULL, "module-version",
		    "install sgwctl and the module from one release",
		    "module version %s differs from sgwctl %s",
		    l->info.version, SGW_VERSION);
}

static void check_daemon(struct live *l, const char *path)
{
	const char *p;

	l->running = daemon_status(&l->ike) == 0;
	if (!l->running) {
		ADD(l, FINDING_ERROR, NULL, "daemon-down",
		    "systemctl start sgw (or sgwctl daemon -c FILE)",
		    "no sgw daemon runs in this network namespace: nothing "
		    "negotiates SAs");
		l->path = path ? path : SGW_CONF_DEFAULT_PATH;
		return;
	}
	/* "pid N, K tunnels, /etc/sgw/sgw.conf": the file it runs. */
	p = strrchr(l->ike.message, ',');
	l->path = path ? path : p && p[1] == ' ' ? p + 2 : SGW_CONF_DEFAULT_PATH;
}

static const char *tunnel_name(const struct sgw_conf *c, size_t idx)
{
	return idx < c->n_tunnels ? c->tunnels[idx].name : NULL;
}

/* "config check" as it is, each of its problems one finding. */
static void check_config(struct live *l)
{
	struct sgw_conf_problems probs, more;
	size_t i;
	int r;

	if (sgw_conf_load_all(l->path, &l->conf, &probs) < 0) {
		ADD(l, FINDING_ERROR, NULL, "config", NULL, "out of memory");
		return;
	}
	l->have_conf = true;
	r = sgw_conf_check(&l->conf, &more);
	if (r >= 0)
		r = sgw_conf_problems_move(&probs, &more);
	if (r >= 0)
		r = sgw_conf_check_host(&l->conf, 0, &probs);
	sgw_conf_problems_free(&more);
	sgw_conf_problems_sort(&l->conf, &probs);
	for (i = 0; i < probs.count; i++) {
		const struct sgw_conf_problem *p = &probs.v[i];
		enum finding_sev sev = p->severity == SGW_CONF_SEV_ERROR ?
			FINDING_ERROR : p->severity == SGW_CONF_SEV_WARNING ?
			FINDING_WARNING : FINDING_NOTE;
		const char *name = p->tunnel == SGW_CONF_NO_TUNNEL ? NULL :
				   tunnel_name(&l->conf, p->tunnel);

		if (l->only && (!name || strcmp(name, l->only)))
			continue;
		ADD(l, sev, name, "config", "edit the file where it says, then "
		    "sgwctl reload", "%s", p->text);
	}
	sgw_conf_problems_free(&probs);
	/* remote = NAME: the address the daemon uses, or resolved here. */
	for (i = 0; i < l->conf.n_tunnels; i++) {
		struct sgw_conf_tunnel *t = &l->conf.tunnels[i];
		const struct ctl_tunnel *ct = ike_by_name(l, t->name);

		/* remote = any: the peer's address now, if one is up. */
		if (t->remote_any && ct)
			parse_conf_addr(ct->remote, &t->remote);
		if (t->remote_name[0] &&
		    (!ct || !parse_conf_addr(ct->remote, &t->remote))) {
			char err[256];

			sgw_conf_resolve(t->remote_name, t->local.family,
					 &t->remote, err, sizeof(err));
		}
	}
}

/* The daemon runs what the file says (as far as status shows it). */
static void check_running(struct live *l)
{
	size_t i;

	if (!l->running || !l->have_conf)
		return;
	for (i = 0; i < l->conf.n_tunnels; i++) {
		const struct sgw_conf_tunnel *t = &l->conf.tunnels[i];
		const struct ctl_tunnel *ct = ike_by_name(l, t->name);
		char want[64];
		struct sgw_conf_addr a;

		if (t->parse_error || (l->only && strcmp(t->name, l->only)))
			continue;
		if (!ct) {
			ADD(l, FINDING_WARNING, t->name, "config-not-running",
			    "sgwctl reload",
			    "%s has tunnel \"%s\", the daemon does not run it",
			    l->path, t->name);
			continue;
		}
		addr_of(&t->remote, want, sizeof(want));
		if (ct->id != t->id || ct->enabled != t->enabled ||
		    t->remote_any != ct->remote_any ||
		    (!t->remote_any && (!parse_conf_addr(ct->remote, &a) ||
					!sgw_conf_addr_equal(&a, &t->remote))) ||
		    (t->local.family && (!parse_conf_addr(ct->local, &a) ||
					  !sgw_conf_addr_equal(&a, &t->local)))) {
			ADD(l, FINDING_WARNING, t->name, "config-differs",
			    "sgwctl reload",
			    "the daemon runs another version of this tunnel "
			    "than %s has (id %u, %s, remote %s there; id %u, "
			    "%s, remote %s in the daemon)", l->path, t->id,
			    t->enabled ? "enabled" : "disabled", want, ct->id,
			    ct->enabled ? "enabled" : "disabled", ct->remote);
		}
	}
	for (i = 0; i < l->ike.n; i++)
		if (!sgw_conf_tunnel_find(&l->conf, l->ike.v[i].name) &&
		    (!l->only || !strcmp(l->only, l->ike.v[i].name)))
			ADD(l, FINDING_WARNING, l->ike.v[i].name,
			    "config-differs", "sgwctl reload",
			    "the daemon runs tunnel \"%s\", which %s no "
			    "longer has", l->ike.v[i].name, l->path);
}

/* ---- per tunnel: addresses, routes, sysctls ------------------------ */

/* The first address of @p to ask a route for (a host, not the network). */
static void probe_addr(const struct sgw_conf_prefix *p, struct sgw_conf_addr *a)
{
	unsigned int bits = p->addr.family == AF_INET ? 32 : 128;

	*a = p->addr;
	if ((unsigned int)p->plen + 1 < bits)
		a->bytes[bits / 8 - 1] |= 1;
}

static bool carries(const struct sgw_conf_tunnel *t, int family)
{
	size_t i;

	if (!t->local_networks.count && !t->remote_networks.count)
		return t->remote.family == family;
	for (i = 0; i < t->remote_networks.count; i++)
		if (t->remote_networks.v[i].addr.family == family)
			return true;
	for (i = 0; i < t->local_networks.count; i++)
		if (t->local_networks.v[i].addr.family == family)
			return true;
	return false;
}

static void check_forwarding(struct live *l, const struct sgw_conf_tunnel *t)
{
	if (carries(t, AF_INET) &&
	    read_sysctl("/proc/sys/net/ipv4/ip_forward") == 0)
		ADD(l, FINDING_ERROR, t->name, "forwarding-off",
		    "sysctl -w net.ipv4.ip_forward=1 (and set it in "
		    "/etc/sysctl.d/)",
		    "net.ipv4.ip_forward = 0: IPv4 packets are not forwarded "
		    "between %s and the local networks", t->interface);
	if (carries(t, AF_INET6) &&
	    read_sysctl("/proc/sys/net/ipv6/conf/all/forwarding") == 0)
		ADD(l, FINDING_ERROR, t->name, "forwarding-off",
		    "sysctl -w net.ipv6.conf.all.forwarding=1 (and set it in "
		    "/etc/sysctl.d/)",
		    "net.ipv6.conf.all.forwarding = 0: IPv6 packets are not "
		    "forwarded between %s and the local networks",
		    t->interface);
}

static void check_routes(struct live *l, const struct sgw_conf_tunnel *t)
{
	char path[96], net[SGW_CONF_ADDRSTRLEN], err[256], fix[160];
	long all, dev, rp;
	size_t i;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter",
		 t->interface);
	all = read_sysctl("/proc/sys/net/ipv4/conf/all/rp_filter");
	dev = read_sysctl(path);
	rp = all > dev ? all : dev;
	for (i = 0; i < t->remote_networks.count; i++) {
		const struct sgw_conf_prefix *p = &t->remote_networks.v[i];
		struct sgw_conf_addr a;
		struct srcaddr s;
		char where[64];

		probe_addr(p, &a);
		sgw_conf_prefix_str(p, net, sizeof(net));
		if (route_get(&a, &s, err, sizeof(err)))
			snprintf(where, sizeof(where), "it has no route");
		else if (strcmp(s.dev, t->interface))
			snprintf(where, sizeof(where), "it goes via %s",
				 s.dev);
		else
			continue;
		snprintf(fix, sizeof(fix), "ip %sroute add %s dev %s",
			 p->addr.family == AF_INET6 ? "-6 " : "", net,
			 t->interface);
		ADD(l, FINDING_ERROR, t->name, "route-missing", fix,
		    "remote network %s is not routed into %s (%s): its "
		    "traffic does not enter the tunnel", net, t->interface,
		    where);
		if (p->addr.family == AF_INET && rp == 1) {
			snprintf(fix, sizeof(fix), "route %s into %s, or sysctl "
				 "-w net.ipv4.conf.%s.rp_filter=2", net,
				 t->interface, t->interface);
			ADD(l, FINDING_ERROR, t->name, "rp-filter", fix,
			    "rp_filter = 1 (strict) on %s drops decrypted "
			    "packets from %s: the route back to them does not "
			    "go into %s", t->interface, net, t->interface);
		}
	}
}

/* A default route (main table) whose device is @dev. */
static bool default_route_into(const char *dev, int family)
{
	char line[512], ifn[IF_NAMESIZE + 1], dst[40];
	unsigned int plen;
	bool found = false;
	unsigned long d, m;
	FILE *f;

	f = fopen(family == AF_INET ? "/proc/net/route" : "/proc/net/ipv6_route",
		  "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (family == AF_INET) {
			if (sscanf(line, "%16s %lx %*x %*x %*d %*d %*d %lx",
				   ifn, &d, &m) == 3 && !d && !m &&
			    !strcmp(ifn, dev))
				found = true;
		} else {
			char *last = strrchr(line, ' ');

			if (sscanf(line, "%32s %x", dst, &plen) == 2 &&
			    !plen && last && !strcmp(dst,
				"00000000000000000000000000000000")) {
				sscanf(last + 1, "%16s", ifn);
				found = !strcmp(ifn, dev);
			}
		}
	}
	fclose(f);
	return found;
}

/* ---- firewall -------------------------------------------------------- */

/*
 * Runs @argv (a tool's JSON output on standard output) and parses what
 * it prints; NULL with @why set when it cannot be run or fails (the
 * first line of its standard error then).
 */
static struct jsonp *run_json(char *const argv[], char *why, size_t whylen)
{
	int out[2], err[2], status = 0;
	size_t len = 0, cap = 0, elen = 0;
	char *buf = NULL, ebuf[256];
	struct jsonp *root = NULL;
	pid_t pid;

	if (pipe(out))
		goto fail;
	if (pipe(err)) {
		close(out[0]);
		close(out[1]);
		goto fail;
	}
	pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(out[1]);
		close(err[0]);
		close(err[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	while (pid > 0) {
		ssize_t n;

		if (len + 4096 > cap) {
			char *b = realloc(buf, cap = cap ? cap * 2 : 65536);

			if (!b)
				break;
			buf = b;
		}
		n = read(out[0], buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	while (pid > 0 && elen < sizeof(ebuf) - 1) {
		ssize_t n = read(err[0], ebuf + elen, sizeof(ebuf) - 1 - elen);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		elen += (size_t)n;
	}
	ebuf[elen] = '\0';
	ebuf[strcspn(ebuf, "\n")] = '\0';
	close(out[0]);
	close(err[0]);
	if (pid < 0)
		goto fail;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(why, whylen, "%s is not installed", argv[0]);
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		snprintf(why, whylen, "%s", ebuf[0] ? ebuf : "failed");
	else
		root = jsonp_parse(buf ? buf : "", len, why, whylen);
	free(buf);
	return root;
fail:
	snprintf(why, whylen, "%s: %s", argv[0], strerror(errno));
	return NULL;
}

static void load_nft(struct live *l)
{
	char *argv[] = { "nft", "-j", "list", "ruleset", NULL };
	struct jsonp *root = run_json(argv, l->nft_why, sizeof(l->nft_why));

	if (root && !nft_ruleset_adopt(&l->nft, root, l->nft_why,
				       sizeof(l->nft_why)))
		l->have_nft = true;
}

/* "ip -j route get ADDR": the device and source toward @a. */
static int route_get(const struct sgw_conf_addr *a, struct srcaddr *s,
			  char *err, size_t errlen)
{
	char addr[SGW_CONF_ADDRSTRLEN], why[256];
	char *argv[] = { "ip", "-j", "route", "get", addr, NULL };
	const struct jsonp *r;
	struct jsonp *root;
	const char *dev, *src;

	memset(s, 0, sizeof(*s));
	addr_of(a, addr, sizeof(addr));
	root = run_json(argv, why, sizeof(why));
	r = root && root->type == JSONP_ARR ? root->child : NULL;
	dev = jsonp_str(r, "dev");
	src = jsonp_str(r, "prefsrc");
	if (!dev) {
		snprintf(err, errlen, "no route to %s: %.160s", addr,
			 root ? "ip route get names no device" : why);
		jsonp_free(root);
		return -1;
	}
	snprintf(s->dev, sizeof(s->dev), "%s", dev);
	if (src)
		parse_conf_addr(src, &s->addr);
	jsonp_free(root);
	return 0;
}

/* The nft match of the packet's source/destination for a fix. */
static void fix_rule(const struct nft_verdict *v, const char *match,
		     char *fix, size_t len)
{
	if (v->rule.handle)
		snprintf(fix, len, "nft insert rule %s %s %s position %llu %s "
			 "accept", v->rule.family, v->rule.table,
			 v->rule.chain, (unsigned long long)v->rule.handle,
			 match);
	else
		snprintf(fix, len, "nft add rule %s %s %s %s accept",
			 v->rule.family, v->rule.table, v->rule.chain, match);
}

/*
 * One packet through one hook: a finding when a rule drops it (or NAT
 * rewrites it). Input packets are tried as the first of their flow
 * ("new"); one that passes only as a reply is a warning of its own.
 */
static void fw_packet(struct live *l, const struct sgw_conf_tunnel *t,
		      enum nft_hook hook, struct nft_pkt *p,
		      enum finding_sev sev, const char *code,
		      const char *what, const char *match)
{
	struct nft_verdict v, est;
	char rule[256], fix[384], maybe[400] = "";

	nft_evaluate(&l->nft, hook, p, &v);
	if (v.kind == NFT_ACCEPT)
		return;
	nft_rule_format(&v.rule, rule, sizeof(rule));
	if (v.undecided) {
		char m[256];

		nft_rule_format(&v.maybe, m, sizeof(m));
		snprintf(maybe, sizeof(maybe), " (unless rule %s, which "
			 "sgwctl cannot evaluate, takes it first)", m);
	}
	fix_rule(&v, match, fix, sizeof(fix));
	if (v.kind == NFT_NAT) {
		ADD(l, sev, t->name, code, fix, "%s is rewritten by %s in "
		    "nft rule %s%s%s%s: the peer sees another address or port",
		    what, v.rule.action, rule, v.rule.comment[0] ? " \"" : "",
		    v.rule.comment, v.rule.comment[0] ? "\"" : "");
		return;
	}
	if (p->ct_state && !strcmp(p->ct_state, "new")) {
		p->ct_state = "established";
		nft_evaluate(&l->nft, hook, p, &est);
		p->ct_state = "new";
		if (est.kind == NFT_ACCEPT) {
			ADD(l, FINDING_WARNING, t->name, "ct-state", fix,
			    "%s is dropped by nft rule %s unless this host "
			    "sent first (ct state): the peer cannot start "
			    "it%s", what, rule, maybe);
			return;
		}
	}
	ADD(l, sev, t->name, code, fix, "%s is dropped by nft %s %s%s%s%s%s",
	    what, v.rule.handle ? "rule" : "chain", rule,
	    v.rule.comment[0] ? " \"" : "", v.rule.comment,
	    v.rule.comment[0] ? "\"" : "", maybe);
}

static void set_addr(uint8_t *dst, const struct sgw_conf_addr *a)
{
	memcpy(dst, a->bytes, 16);
}

/*
 * IKE on UDP @port (0: ESP) between the SGWs: from the peer on input
 * (@in), or to it on output and through postrouting's NAT.
 */
static void fw_gateway(struct live *l, const struct sgw_conf_tunnel *t,
		       struct nft_pkt *p, bool in, uint16_t port,
		       const char *from, const char *to)
{
	const char *ipk = p->family == AF_INET ? "ip" : "ip6";
	char what[256], match[160], sel[96];

	p->l4proto = port ? IPPROTO_UDP : IPPROTO_ESP;
	p->sport = p->dport = port;
	snprintf(sel, sizeof(sel), "%s %s %s", ipk, in ? "saddr" : "daddr",
		 in ? from : to);
	if (port == 4500)
		snprintf(what, sizeof(what), "IKE and ESP in UDP 4500 (NAT "
			 "traversal) from %s to %s", from, to);
	else if (port)
		snprintf(what, sizeof(what), "IKE (UDP %u) from %s to %s",
			 port, from, to);
	else
		snprintf(what, sizeof(what), "ESP (IP protocol 50) from %s to "
			 "%s", from, to);
	if (port)
		snprintf(match, sizeof(match), "%s udp dport %u", sel, port);
	else
		snprintf(match, sizeof(match), "%s meta l4proto esp", sel);
	if (in) {
		fw_packet(l, t, NFT_HOOK_INPUT, p, port == 4500 ?
			  FINDING_WARNING : FINDING_ERROR, port == 4500 ?
			  "natt-dropped" : port ? "ike-dropped" : "esp-dropped",
			  what, match);
		return;
	}
	fw_packet(l, t, NFT_HOOK_OUTPUT, p, FINDING_ERROR,
		  port ? "ike-dropped" : "esp-dropped", what, match);
	fw_packet(l, t, NFT_HOOK_POSTROUTING, p, FINDING_WARNING,
		  port ? "nat-ike" : "nat-esp", what, match);
}

/* A NAT-T datagram from @src:@sport to @dst:@dport. */
static void natt_pkt(struct nft_pkt *p, const struct sgw_conf_addr *src,
		     unsigned int sport, const struct sgw_conf_addr *dst,
		     unsigned int dport)
{
	memset(p, 0, sizeof(*p));
	p->family = src->family;
	p->l4proto = IPPROTO_UDP;
	p->icmp_type = -1;
	set_addr(p->saddr, src);
	set_addr(p->daddr, dst);
	p->sport = (uint16_t)sport;
	p->dport = (uint16_t)dport;
}

/*
 * NAT traversal in use: IKE and ESP in UDP between the IKE SA's own
 * addresses and ports (the peer as the NAT shows it), both ways.
 */
static void fw_natt(struct live *l, const struct sgw_conf_tunnel *t,
		    const struct ctl_tunnel *ct, const char *uplink)
{
	char lh[64], rh[64], what[256], match[160];
	struct sgw_conf_addr la, ra;
	unsigned int lp = nat_port_of(ct->ike_local);
	unsigned int rp = nat_port_of(ct->ike_remote);
	struct nft_pkt p;
	const char *ipk;

	nat_host_of(ct->ike_local, lh, sizeof(lh));
	nat_host_of(ct->ike_remote, rh, sizeof(rh));
	if (!lp || !rp || !parse_conf_addr(lh, &la) ||
	    !parse_conf_addr(rh, &ra) || la.family != ra.family)
		return;
	ipk = la.family == AF_INET ? "ip" : "ip6";
	natt_pkt(&p, &ra, rp, &la, lp);
	p.iif = uplink;
	p.ct_state = "new";
	snprintf(what, sizeof(what), "IKE and ESP in UDP from %s to %s, the "
		 "NAT traversal this tunnel uses,", ct->ike_remote,
		 ct->ike_local);
	snprintf(match, sizeof(match), "%s saddr %s udp dport %u", ipk, rh, lp);
	fw_packet(l, t, NFT_HOOK_INPUT, &p, FINDING_ERROR, "natt-dropped",
		  what, match);
	natt_pkt(&p, &la, lp, &ra, rp);
	p.oif = uplink;
	p.ct_state = "established";
	snprintf(what, sizeof(what), "IKE and ESP in UDP from %s to %s, the "
		 "NAT traversal this tunnel uses,", ct->ike_local,
		 ct->ike_remote);
	snprintf(match, sizeof(match), "%s daddr %s udp dport %u", ipk, rh, rp);
	fw_packet(l, t, NFT_HOOK_OUTPUT, &p, FINDING_ERROR, "natt-dropped",
		  what, match);
}

static void check_firewall(struct live *l, const struct sgw_conf_tunnel *t,
			   const struct ctl_tunnel *ct,
			   const struct sgw_conf_addr *local,
			   const char *uplink, const char *lan)
{
	char r[SGW_CONF_ADDRSTRLEN], lo[SGW_CONF_ADDRSTRLEN];
	char what[256], match[160];
	bool natt = ct && nat_in_use(ct->nat);
	struct nft_pkt p;

	if (!l->have_nft)
		return;
	addr_of(&t->remote, r, sizeof(r));
	addr_of(local, lo, sizeof(lo));

	/* IKE and ESP in from the peer. */
	memset(&p, 0, sizeof(p));
	p.family = t->remote.family;
	set_addr(p.saddr, &t->remote);
	set_addr(p.daddr, local);
	p.iif = uplink;
	p.ct_state = "new";
	p.icmp_type = -1;
	fw_gateway(l, t, &p, true, 500, r, lo);
	if (natt)
		fw_natt(l, t, ct, uplink);
	else if (t->nat_traversal)
		fw_gateway(l, t, &p, true, 4500, r, lo);
	/* ESP in UDP: a rule on IP protocol 50 does not meet it. */
	if (!natt)
		fw_gateway(l, t, &p, true, 0, r, lo);
	/* ICMP about our ESP from a router on the path: "related". */
	p.l4proto = p.family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	p.icmp_type = p.family == AF_INET ? 3 : 2;
	p.ct_state = "related";
	snprintf(what, sizeof(what), "ICMP %s arriving on %s",
		 p.family == AF_INET ? "fragmentation-needed" : "packet-too-big",
		 uplink ? uplink : "the uplink");
	snprintf(match, sizeof(match), "%s",
		 p.family == AF_INET ? "icmp type destination-unreachable" :
		 "icmpv6 type packet-too-big");
	fw_packet(l, t, NFT_HOOK_INPUT, &p, FINDING_WARNING, "icmp-dropped",
		  what, match);

	/* IKE and ESP out to the peer, and NAT on the way. */
	memset(&p, 0, sizeof(p));
	p.family = t->remote.family;
	set_addr(p.saddr, local);
	set_addr(p.daddr, &t->remote);
	p.oif = uplink;
	p.ct_state = "established";
	p.icmp_type = -1;
	fw_gateway(l, t, &p, false, 500, lo, r);
	if (!natt)
		fw_gateway(l, t, &p, false, 0, lo, r);

	/* Forwarded traffic through the tunnel device, both ways. */
	if (t->remote_networks.count && t->local_networks.count) {
		struct sgw_conf_addr ra, la;
		char rn[SGW_CONF_ADDRSTRLEN], ln[SGW_CONF_ADDRSTRLEN];

		probe_addr(&t->remote_networks.v[0], &ra);
		probe_addr(&t->local_networks.v[0], &la);
		if (ra.family != la.family)
			return;
		sgw_conf_prefix_str(&t->remote_networks.v[0], rn, sizeof(rn));
		sgw_conf_prefix_str(&t->local_networks.v[0], ln, sizeof(ln));
		memset(&p, 0, sizeof(p));
		p.family = ra.family;
		p.l4proto = p.family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
		p.icmp_type = p.family == AF_INET ? 8 : 128;
		p.ct_state = "new";
		set_addr(p.saddr, &ra);
		set_addr(p.daddr, &la);
		p.iif = t->interface;
		p.oif = lan;
		snprintf(what, sizeof(what), "traffic from %s arriving on %s "
			 "for %s", rn, t->interface, ln);
		snprintf(match, sizeof(match), "iifname %s", t->interface);
		fw_packet(l, t, NFT_HOOK_FORWARD, &p, FINDING_ERROR,
			  "forward-dropped", what, match);
		set_addr(p.saddr, &la);
		set_addr(p.daddr, &ra);
		p.iif = lan;
		p.oif = t->interface;
		snprintf(what, sizeof(what), "traffic from %s to %s through %s",
			 ln, rn, t->interface);
		snprintf(match, sizeof(match), "oifname %s", t->interface);
		fw_packet(l, t, NFT_HOOK_FORWARD, &p, FINDING_ERROR,
			  "forward-dropped", what, match);
	}
}

/* ---- counters and the kernel's view ---------------------------------- */

static const struct {
	unsigned int reason;
	enum finding_sev sev;
	const char *meaning;
	const char *fix;
} drop_meaning[] = {
	{ SGW_DROP_NO_SA, FINDING_WARNING,
	  "packets were routed into the tunnel while it had no outbound SA: "
	  "negotiation failed or is not started (FAQ: \"no SA\")",
	  "sgwctl up TUNNEL and read its answer; auto-refresh keeps SAs" },
	{ SGW_DROP_SELECTOR, FINDING_WARNING,
	  "packets outside the tunnel's networks were dropped: decrypted "
	  "ones when the two ends list different networks, outgoing ones "
	  "routed into the tunnel from or to addresses outside "
	  "local-networks/remote-networks (a route wider than "
	  "remote-networks, the gateway's own traffic with its WAN source)",
	  "list the same networks on both ends, mirrored, and route only "
	  "remote-networks into the tunnel" },
	{ SGW_DROP_REPLAY, FINDING_NOTE,
	  "ESP arrived replayed or too far behind the replay window: "
	  "reordering on the path or parallel decryption at high rates",
	  "raise replay-window" },
	{ SGW_DROP_UNKNOWN_SPI, FINDING_WARNING,
	  "ESP arrived for an SPI this end has no SA for: the peer still uses "
	  "SAs this end deleted (restart, or a lost DELETE)",
	  "sgwctl up TUNNEL on either end negotiates new SAs" },
	{ SGW_DROP_AUTH, FINDING_WARNING,
	  "ESP failed its integrity check: corruption on the path or keys "
	  "that differ", "sgwctl sa refresh TUNNEL" },
	{ SGW_DROP_LOOP, FINDING_WARNING,
	  "the route to the remote SGW led back into an sgw device",
	  "route the remote SGW via the uplink" },
	{ SGW_DROP_NO_ROUTE, FINDING_ERROR,
	  "there was no route to the remote SGW", "add a route to the peer" },
	{ SGW_DROP_HOLD_TIMEOUT, FINDING_WARNING,
	  "packets waited for a negotiation that did not finish in time",
	  "sgwctl up TUNNEL and read its answer" },
};

#define N_MEANINGS (sizeof(drop_meaning) / sizeof(drop_meaning[0]))

/*
 * Counters tell what happened since the tunnel was made; whether it still
 * happens takes a second reading: taken 1 s later when any is non-zero.
 */
static void read_counters_again(struct live *l)
{
	size_t i, k;
	bool any = false;

	for (i = 0; i < l->tunnels.n; i++)
		for (k = 0; k < N_MEANINGS; k++)
			any |= l->tunnels.v[i].drops[drop_meaning[k].reason] != 0;
	if (!any || !l->nl)
		return;
	sleep(1);
	if (sgwnl_tunnel_dump(l->nl, &l->later))
		sgw_tunnel_list_free(&l->later);
}

static void check_kernel_tunnel(struct live *l, const struct sgw_conf_tunnel *t,
				const struct sgw_tunnel_info *k)
{
	const struct sgw_tunnel_info *again = NULL;
	size_t i;

	for (i = 0; i < l->later.n; i++)
		if (l->later.v[i].id == k->id)
			again = &l->later.v[i];
	for (i = 0; i < N_MEANINGS; i++) {
		unsigned int r = drop_meaning[i].reason;
		uint64_t n = k->drops[r], more;

		if (!n)
			continue;
		more = again && again->drops[r] > n ? again->drops[r] - n : 0;
		if (more)
			ADD(l, drop_meaning[i].sev, t->name, "counter",
			    drop_meaning[i].fix, "%s: drops \"%s\" rising (%llu "
			    "in the last second, %llu in all): %s", k->ifname,
			    sgw_drop_name(r), (unsigned long long)more,
			    (unsigned long long)again->drops[r],
			    drop_meaning[i].meaning);
		else
			ADD(l, FINDING_NOTE, t->name, "counter",
			    drop_meaning[i].fix, "%s: %llu drop%s \"%s\", none "
			    "in the last second: %s", k->ifname,
			    (unsigned long long)n, n == 1 ? "" : "s",
			    sgw_drop_name(r), drop_meaning[i].meaning);
	}
	if (k->mss == SGW_MSS_OFF)
		ADD(l, FINDING_NOTE, t->name, "mss-off", "mss = auto",
		    "TCP MSS clamping is off on %s (tunnel MTU %u): TCP with "
		    "DF set relies on ICMP fragmentation-needed reaching its "
		    "senders", k->ifname, k->tunnel_mtu);
	if (k->events[SGW_EV_PMTU_LOWERED])
		ADD(l, FINDING_NOTE, t->name, "pmtu-lowered", NULL,
		    "%s: the path MTU to the remote SGW was lowered %llu "
		    "time%s by ICMP; now %u, tunnel MTU %u", k->ifname,
		    (unsigned long long)k->events[SGW_EV_PMTU_LOWERED],
		    k->events[SGW_EV_PMTU_LOWERED] == 1 ? "" : "s",
		    k->path_mtu, k->tunnel_mtu);
}

/* The kernel's enabled tunnels the configuration does not have. */
static void check_stale(struct live *l)
{
	size_t i, k;

	for (i = 0; l->have_conf && i < l->tunnels.n; i++) {
		const struct sgw_tunnel_info *t = &l->tunnels.v[i];
		char fix[96];
		bool known = false;

		for (k = 0; k < l->conf.n_tunnels; k++)
			known |= l->conf.tunnels[k].id == t->id;
		if (known || !t->enabled ||
		    (l->only && strcmp(l->only, t->ifname)))
			continue;
		snprintf(fix, sizeof(fix), "sgwctl tunnel del %u (or tunnel "
			 "set %u enabled no)", t->id, t->id);
		ADD(l, FINDING_WARNING, t->ifname, "tunnel-stale", fix,
		    "tunnel %u (%s) is enabled in the kernel but not in %s: it "
		    "claims traffic and nothing negotiates its SAs", t->id,
		    t->ifname, l->path);
	}
	/* Disabled sections that would take another tunnel's traffic. */
	for (i = 0; l->have_conf && i < l->conf.n_tunnels; i++) {
		const struct sgw_conf_tunnel *a = &l->conf.tunnels[i];

		for (k = 0; !a->enabled && k < l->conf.n_tunnels; k++) {
			const struct sgw_conf_tunnel *b = &l->conf.tunnels[k];
			char why[256];

			if (k == i || !b->enabled ||
			    !sgw_conf_tunnels_conflict(a, b, why, sizeof(why)) ||
			    (l->only && strcmp(l->only, a->name)))
				continue;
			ADD(l, FINDING_NOTE, a->name, "disabled-overlap",
			    "delete the section if it is stale",
			    "disabled tunnel \"%s\" claims the traffic of "
			    "\"%s\" (%s): enabling it would be refused", a->name,
			    b->name, why);
		}
	}
}

/*
 * --probe: the daemon sends one IKE_SA_INIT per tunnel from its own IKE
 * sockets (UDP 500, and 4500 with NAT traversal) and says what came back.
 */
static void run_probe(struct live *l)
{
	struct ctl_request req = { .verb = CTL_PROBE, .ms = l->probe_ms };
	char err[CTL_TEXT];
	int ret;

	if (!l->probe_ms)
		return;
	if (!l->running) {
		ADD(l, FINDING_NOTE, NULL, "probe-no-daemon",
		    "start the daemon, then check --probe again",
		    "nothing probed: --probe sends IKE_SA_INIT from the "
		    "daemon's own IKE sockets (the path, ports and NAT "
		    "mapping the tunnels' IKE uses), and no daemon runs");
		return;
	}
	if (l->only)
		snprintf(req.arg, sizeof(req.arg), "%s", l->only);
	ret = ctl_call(&req, (int)l->probe_ms + 5000, &l->probe, err,
		       sizeof(err));
	if (!ret && !l->probe.ok)
		snprintf(err, sizeof(err), "%s", l->probe.message);
	if (ret || !l->probe.ok) {
		ADD(l, FINDING_ERROR, NULL, "probe-failed", NULL,
		    "the daemon did not probe: %s", err);
		ctl_reply_free(&l->probe);
	}
}

static void check_probe(struct live *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->probe.n; i++)
		if (!strcmp(l->probe.v[i].name, name))
			finding_probe(&l->f, name, l->probe.v[i].probe,
				      l->probe.v[i].n_probes);
}

static void check_tunnel(struct live *l, const struct sgw_conf_tunnel *t)
{
	const struct ctl_tunnel *ct = ike_by_name(l, t->name);
	const struct sgw_tunnel_info *k = kernel_by_id(l, t->id);
	struct sgw_conf_addr local = t->local, lan_a;
	char r[SGW_CONF_ADDRSTRLEN], err[256];
	char uplink[IF_NAMESIZE] = "", lan[IF_NAMESIZE] = "";
	struct srcaddr s;

	if (!t->enabled || t->parse_error)
		return;
	addr_of(&t->remote, r, sizeof(r));
	if (ct && ct->local[0])
		parse_conf_addr(ct->local, &local);
	if (ct && !strcmp(ct->state, "failed"))
		ADD(l, FINDING_WARNING, t->name, "tunnel-failed",
		    "fix the cause, or set enabled = no if the tunnel is unused",
		    "enabled but failed: %s", ct->failure[0] ? ct->failure :
		    "no reason given");
	if (ct && ct->esp_silent[0])
		ADD(l, FINDING_WARNING, t->name, "esp-not-arriving",
		    "allow ESP (IP protocol 50) from the peer on every filter "
		    "of the path, here and at the peer",
		    "%s", ct->esp_silent);
	check_probe(l, t->name);
	if (ct) {
		struct nat_facts nf = {
			.tunnel = t->name, .nat = ct->nat,
			.ike_local = ct->ike_local, .ike_remote = ct->ike_remote,
			.state = ct->state, .failure = ct->failure,
			.nat_traversal = t->nat_traversal,
			.encap = t->encap, .keepalive_s = t->nat_keepalive,
		};

		finding_nat(&l->f, &nf);
	}
	/* remote = any: the path is the connected peer's, if one is. */
	if (t->remote_any && !t->remote.family) {
		ADD(l, FINDING_NOTE, t->name, "remote-any-waiting", NULL,
		    "remote = any and no peer connected: the route and the "
		    "firewall toward the peer are checked once one is");
		return;
	}
	if (route_get(&t->remote, &s, err, sizeof(err))) {
		ADD(l, FINDING_ERROR, t->name, "peer-unrouted",
		    "add a route to the remote SGW", "%s", err);
	} else {
		snprintf(uplink, sizeof(uplink), "%s", s.dev);
		/* The kernel reports the underlay route it would take. */
		if (k && k->exempt_ifindex && !strcmp(s.dev, t->interface)) {
			if_indextoname(k->exempt_ifindex, uplink);
			ADD(l, FINDING_NOTE, t->name, "peer-route-exempt",
			    t->protect_gateways ? NULL :
			    "protect-gateways = yes protects it with transport ESP",
			    "the route to the remote SGW %s goes into %s: sgw "
			    "exempts it and sends IKE and ESP via %s; other "
			    "traffic to the SGW itself is not encrypted", r,
			    s.dev, uplink);
		} else if (t->local.family && s.addr.family &&
			   !sgw_conf_addr_equal(&s.addr, &t->local)) {
			char a[SGW_CONF_ADDRSTRLEN];

			addr_of(&s.addr, a, sizeof(a));
			ADD(l, FINDING_NOTE, t->name, "source-differs", NULL,
			    "the route to %s (dev %s) picks source %s; sgw "
			    "sends from local %s, the address the peer must "
			    "have as its remote", r, s.dev, a,
			    sgw_conf_addr_str(&t->local, err, sizeof(err)));
		}
		if (!local.family && s.addr.family)
			local = s.addr;
	}
	check_forwarding(l, t);
	check_routes(l, t);
	if (carries(t, AF_INET) && default_route_into(t->interface, AF_INET))
		ADD(l, FINDING_NOTE, t->name, "default-route", NULL,
		    "the IPv4 default route goes into %s: all traffic without "
		    "a more specific route enters the tunnel (the SGW "
		    "addresses are exempted)", t->interface);
	if (carries(t, AF_INET6) && default_route_into(t->interface, AF_INET6))
		ADD(l, FINDING_NOTE, t->name, "default-route", NULL,
		    "the IPv6 default route goes into %s: all traffic without "
		    "a more specific route enters the tunnel (the SGW "
		    "addresses are exempted)", t->interface);
	if (t->local_networks.count) {
		probe_addr(&t->local_networks.v[0], &lan_a);
		if (!route_get(&lan_a, &s, err, sizeof(err)))
			snprintf(lan, sizeof(lan), "%s", s.dev);
	}
	if (local.family)
		check_firewall(l, t, ct, &local, uplink[0] ? uplink : NULL,
			       lan[0] ? lan : NULL);
	if (k)
		check_kernel_tunnel(l, t, k);
}

static void output(struct ctx *ctx, struct live *l)
{
	size_t i;

	findings_sort(&l->f);
	if (ctx->json) {
		findings_json(stdout, &l->f);
		return;
	}
	for (i = 0; i < l->f.n; i++)
		finding_print(stdout, &l->f.v[i]);
	printf("check: %u error%s, %u warning%s, %u note%s\n", l->f.errors,
	       l->f.errors == 1 ? "" : "s", l->f.warnings,
	       l->f.warnings == 1 ? "" : "s", l->f.notes,
	       l->f.notes == 1 ? "" : "s");
}

/* --probe without --probe-timeout waits this long for answers. */
#define PROBE_MS 3000

/* "3", "0.5", "3s": seconds, 0.1 to 60, into milliseconds. */
static int parse_probe_timeout(const char *s, unsigned int *ms)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || (*end && strcmp(end, "s")) || !(v >= 0.1 && v <= 60))
		return -1;
	*ms = (unsigned int)(v * 1000 + 0.5);
	return 0;
}

int cmd_check(struct ctx *ctx, int argc, char **argv)
{
	struct live l;
	const char *path = NULL;
	bool strict = false;
	size_t i;
	int ret;

	memset(&l, 0, sizeof(l));
	for (i = 0; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < (size_t)argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--strict"))
			strict = true;
		else if (!strcmp(argv[i], "--probe"))
			l.probe_ms = l.probe_ms ? l.probe_ms : PROBE_MS;
		else if (!strcmp(argv[i], "--probe-timeout") &&
			 i + 1 < (size_t)argc) {
			if (parse_probe_timeout(argv[++i], &l.probe_ms))
				return usage_error("check: --probe-timeout "
						   "takes seconds from 0.1 to "
						   "60, not \"%s\"", argv[i]);
		} else if (argv[i][0] == '-')
			return usage_error("check: unknown option \"%s\" "
					   "(expected -c FILE, --strict, "
					   "--probe or --probe-timeout S)",
					   argv[i]);
		else if (l.only)
			return usage_error("check: at most one TUNNEL");
		else
			l.only = argv[i];
	}
	check_module(&l);
	check_daemon(&l, path);
	check_config(&l);
	if (l.only && l.have_conf && !sgw_conf_tunnel_find(&l.conf, l.only)) {
		ret = fail("check: %s has no tunnel \"%s\"", l.path, l.only);
		goto out;
	}
	check_running(&l);
	run_probe(&l);
	read_counters_again(&l);
	load_nft(&l);
	if (!l.have_nft)
		ADD(&l, FINDING_NOTE, NULL, "firewall-unread",
		    "install nftables, run as root", "the firewall was not "
		    "checked: %s", l.nft_why[0] ? l.nft_why : "no ruleset");
	for (i = 0; l.have_conf && i < l.conf.n_tunnels; i++)
		if (!l.only || !strcmp(l.only, l.conf.tunnels[i].name))
			check_tunnel(&l, &l.conf.tunnels[i]);
	check_stale(&l);
	output(ctx, &l);
	ret = l.f.errors || (strict && l.f.warnings) ? EXIT_FAIL : 0;
out:
	if (l.have_nft)
		nft_ruleset_free(&l.nft);
	if (l.have_conf)
		sgw_conf_free(&l.conf);
	ctl_reply_free(&l.ike);
	ctl_reply_free(&l.probe);
	sgw_tunnel_list_free(&l.tunnels);
	sgw_tunnel_list_free(&l.later);
	if (l.nl)
		sgwnl_close(l.nl);
	findings_free(&l.f);
	return ret;
}
