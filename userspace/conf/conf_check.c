// SPDX-License-Identifier: GPL-2.0
/*
 * Cross-field and cross-tunnel checks. The pitfalls that a config file
 * alone can reveal are found here: SGW addresses that cannot work, an SGW
 * inside the remote network and tunnels that fight over the same traffic.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "conf_check.h"
#include "conf_value.h"

struct checker {
	const struct sgw_conf *conf;
	struct sgw_conf_problems *out;
	int oom;
};

/*
 * Room for one more problem. The capacity is not stored: it is 8, or the
 * smallest power of two not below the count.
 */
static int grow(struct sgw_conf_problems *o)
{
	struct sgw_conf_problem *v;
	size_t cap;

	if (o->v && (o->count < 8 || (o->count & (o->count - 1)) != 0))
		return 0;
	cap = o->count < 8 ? 8 : o->count * 2;
	v = realloc(o->v, cap * sizeof(*v));
	if (!v)
		return -1;
	o->v = v;
	return 0;
}

__attribute__((format(printf, 7, 0)))
static int problem_vadd(struct sgw_conf_problems *o,
			enum sgw_conf_severity sev, const char *code,
			const char *file,
			unsigned int line, size_t tunnel, const char *fmt,
			va_list ap)
{
	struct sgw_conf_problem *pr;
	char *msg, *text;
	size_t off = 0;
	int r;

	r = vasprintf(&msg, fmt, ap);
	if (r < 0)
		return -1;
	if (line)
		r = asprintf(&text, "%s:%u: %s", file, line, msg);
	else
		r = asprintf(&text, "%s: %s", file, msg);
	if (r >= 0)
		off = (size_t)r - strlen(msg);
	free(msg);
	if (r < 0)
		return -1;
	if (grow(o) < 0) {
		free(text);
		return -1;
	}
	pr = &o->v[o->count++];
	pr->severity = sev;
	pr->file = file;
	pr->line = line;
	pr->tunnel = tunnel;
	pr->code = code;
	pr->text = text;
	pr->msg_off = off;
	if (sev == SGW_CONF_SEV_ERROR)
		o->errors++;
	else if (sev == SGW_CONF_SEV_WARNING)
		o->warnings++;
	else
		o->notes++;
	return 0;
}

int sgw_conf_problem_add(struct sgw_conf_problems *p,
			 enum sgw_conf_severity sev, const char *code,
			 const char *file, unsigned int line, size_t tunnel,
			 const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = problem_vadd(p, sev, code, file, line, tunnel, fmt, ap);
	va_end(ap);
	return r;
}

__attribute__((format(printf, 7, 8)))
static void report(struct checker *c, enum sgw_conf_severity sev,
		   const char *code, const char *file, unsigned int line,
		   size_t tunnel, const char *fmt, ...)
{
	va_list ap;

	if (c->oom)
		return;
	va_start(ap, fmt);
	if (problem_vadd(c->out, sev, code, file, line, tunnel, fmt, ap) < 0)
		c->oom = 1;
	va_end(ap);
}

static unsigned int line_of(const struct sgw_conf_tunnel *t,
			    enum sgw_conf_key_id k)
{
	return t->key_line[k] ? t->key_line[k] : t->line;
}

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* ---- selectors ---- */

/* An empty list is "any": it has every family. */
static bool side_has(const struct sgw_conf_prefix_list *l, int family)
{
	size_t i;

	if (l->count == 0)
		return true;
	for (i = 0; i < l->count; i++)
		if (l->v[i].addr.family == family)
			return true;
	return false;
}

static bool carries(const struct sgw_conf_tunnel *t, int family)
{
	return side_has(&t->local_networks, family) &&
	       side_has(&t->remote_networks, family);
}

static const struct sgw_conf_prefix *first_of(
	const struct sgw_conf_prefix_list *l, int family)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		if (l->v[i].addr.family == family)
			return &l->v[i];
	return NULL;
}

static void pfx_or_any(const struct sgw_conf_prefix *p, char *buf,
		       size_t len)
{
	if (p)
		sgw_conf_prefix_str(p, buf, len);
	else
		snprintf(buf, len, "any");
}

/* Whether two lists share an address of @family; names a witness pair. */
static bool side_overlap(const struct sgw_conf_prefix_list *a,
			 const struct sgw_conf_prefix_list *b, int family,
			 char *wa, char *wb, size_t len)
{
	size_t i, j;

	if (a->count == 0 || b->count == 0) {
		pfx_or_any(first_of(a, family), wa, len);
		pfx_or_any(first_of(b, family), wb, len);
		return true;
	}
	for (i = 0; i < a->count; i++) {
		for (j = 0; j < b->count; j++) {
			if (a->v[i].addr.family == family &&
			    sgw_conf_prefix_overlap(&a->v[i], &b->v[j])) {
				sgw_conf_prefix_str(&a->v[i], wa, len);
				sgw_conf_prefix_str(&b->v[j], wb, len);
				return true;
			}
		}
	}
	return false;
}

/* One remote SGW: the same address, or the same DNS name (not any). */
static bool same_remote(const struct sgw_conf_tunnel *a,
			const struct sgw_conf_tunnel *b)
{
	return !a->remote_any && !b->remote_any &&
	       sgw_conf_addr_equal(&a->remote, &b->remote) &&
	       strcasecmp(a->remote_name, b->remote_name) == 0;
}

/*
 * The identity @t's peer proves: remote-id, or else the remote address;
 * false where that is known only at run time (a DNS name).
 */
static bool peer_ident(const struct sgw_conf_tunnel *t,
		       struct sgw_conf_ident *id)
{
	if (t->remote_id.type != SGW_CONF_IDENT_DEFAULT) {
		*id = t->remote_id;
		return true;
	}
	if (t->remote_any || t->remote_name[0])
		return false;
	sgw_conf_ident_from_addr(id, &t->remote);
	return true;
}

static bool same_ident(const struct sgw_conf_ident *a,
		       const struct sgw_conf_ident *b)
{
	return a->type == b->type && a->len == b->len &&
	       memcmp(a->data, b->data, a->len) == 0;
}

/* "fqdn:branch.example", as the file writes it. */
static void ident_text(const struct sgw_conf_ident *id, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	buf[0] = '\0';
	if (!f)
		return;
	sgw_conf_ident_print(id, f);
	fclose(f);
}

/*
 * With remote = any on either side the peer's address says nothing: one
 * peer could be both when the identity it proves is the same.
 */
static bool same_gateways(const struct sgw_conf_tunnel *a,
			  const struct sgw_conf_tunnel *b)
{
	struct sgw_conf_ident ia, ib;

	if (a->remote_any || b->remote_any) {
		if (!peer_ident(a, &ia) || !peer_ident(b, &ib) ||
		    !same_ident(&ia, &ib))
			return false;
	} else if (!same_remote(a, b)) {
		return false;
	}
	return a->local.family == AF_UNSPEC || b->local.family == AF_UNSPEC ||
	       sgw_conf_addr_equal(&a->local, &b->local);
}

bool sgw_conf_tunnels_conflict(const struct sgw_conf_tunnel *a,
			       const struct sgw_conf_tunnel *b,
			       char *why, size_t len)
{
	static const int families[] = { AF_INET, AF_INET6 };
	char la[SGW_CONF_ADDRSTRLEN], lb[SGW_CONF_ADDRSTRLEN];
	char ra[SGW_CONF_ADDRSTRLEN], rb[SGW_CONF_ADDRSTRLEN];
	size_t i;

	if (!same_gateways(a, b))
		return false;
	/* Both answer any address: the identity alone picks one. */
	if (a->remote_any && b->remote_any) {
		ident_text(&a->remote_id, la, sizeof(la));
		snprintf(why, len, "both remote = any with remote-id %s", la);
		return true;
	}
	for (i = 0; i < 2; i++) {
		int f = families[i];

		if (!carries(a, f) || !carries(b, f))
			continue;
		if (side_overlap(&a->local_networks, &b->local_networks, f,
				 la, lb, sizeof(la)) &&
		    side_overlap(&a->remote_networks, &b->remote_networks, f,
				 ra, rb, sizeof(ra))) {
			snprintf(why, len, "local %s and %s, remote %s and %s",
				 la, lb, ra, rb);
			return true;
		}
	}
	return false;
}

/* The first local network that shares addresses with a remote one. */
static void check_overlap(struct checker *c, size_t idx)
{
	const struct sgw_conf_tunnel *t = &c->conf->tunnels[idx];
	const struct sgw_conf_prefix_list *l = &t->local_networks;
	const struct sgw_conf_prefix_list *r = &t->remote_networks;
	char a[SGW_CONF_ADDRSTRLEN], b[SGW_CONF_ADDRSTRLEN];
	size_t i, j;

	for (i = 0; i < l->count; i++) {
		for (j = 0; j < r->count; j++) {
			if (!sgw_conf_prefix_overlap(&l->v[i], &r->v[j]))
				continue;
			report(c, SGW_CONF_SEV_WARNING, "networks-overlap", t->file,
			       line_of(t, SGW_CONF_K_REMOTE_NETWORKS), idx,
			       "tunnel \"%s\": local-networks %s and "
			       "remote-networks %s overlap; addresses in both "
			       "are on this site and behind the remote SGW at "
			       "once", t->name,
			       sgw_conf_prefix_str(&l->v[i], a, sizeof(a)),
			       sgw_conf_prefix_str(&r->v[j], b, sizeof(b)));
			return;
		}
	}
}

static void check_selectors(struct checker *c, size_t idx)
{
	const struct sgw_conf_tunnel *t = &c->conf->tunnels[idx];
	const struct sgw_conf_prefix_list *l = &t->local_networks;
	const struct sgw_conf_prefix_list *r = &t->remote_networks;
	static const int families[] = { AF_INET, AF_INET6 };
	char buf[SGW_CONF_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < r->count; i++) {
		char a[SGW_CONF_ADDRSTRLEN];

		if (!sgw_conf_prefix_contains(&r->v[i], &t->remote))
			continue;
		report(c, SGW_CONF_SEV_NOTE, "remote-in-networks", t->file,
		       line_of(t, SGW_CONF_K_REMOTE_NETWORKS), idx,
		       "tunnel \"%s\": the remote SGW %s lies inside "
		       "remote-networks %s; sgw exempts it, so traffic to it "
		       "does not enter the tunnel%s", t->name,
		       sgw_conf_addr_str(&t->remote, a, sizeof(a)),
		       sgw_conf_prefix_str(&r->v[i], buf, sizeof(buf)),
		       t->routes ? ", and the daemon routes it through the "
		       "underlay" : "");
		break;
	}
	if (r->count == 0)
		report(c, SGW_CONF_SEV_NOTE, "remote-networks-any", t->file,
		       line_of(t, SGW_CONF_K_REMOTE_NETWORKS), idx,
		       "tunnel \"%s\": remote-networks = any: %s accepts "
		       "decrypted packets from any source address; list the "
		       "remote site's networks, or filter what comes out of "
		       "%s in the firewall", t->name, t->interface,
		       t->interface);
	if (l->count == 0 || r->count == 0)
		return;
	if (!carries(t, AF_INET) && !carries(t, AF_INET6)) {
		report(c, SGW_CONF_SEV_ERROR, "networks-family", t->file,
		       line_of(t, SGW_CONF_K_REMOTE_NETWORKS), idx,
		       "tunnel \"%s\": local-networks has only %s prefixes "
		       "and remote-networks only %s ones; no traffic can "
		       "match", t->name,
		       family_name(l->v[0].addr.family),
		       family_name(r->v[0].addr.family));
		return;
	}
	check_overlap(c, idx);
	for (i = 0; i < 2; i++) {
		int f = families[i];
		const struct sgw_conf_prefix *lp = first_of(l, f);
		const struct sgw_conf_prefix *rp = first_of(r, f);

		if (lp && !rp)
			report(c, SGW_CONF_SEV_WARNING, "local-networks-family", t->file,
			       line_of(t, SGW_CONF_K_LOCAL_NETWORKS), idx,
			       "tunnel \"%s\": local-networks %s has no %s "
			       "counterpart in remote-networks; %s traffic "
			       "cannot use this tunnel", t->name,
			       sgw_conf_prefix_str(lp, buf, sizeof(buf)),
			       family_name(f), family_name(f));
		if (rp && !lp)
			report(c, SGW_CONF_SEV_WARNING, "remote-networks-family", t->file,
			       line_of(t, SGW_CONF_K_REMOTE_NETWORKS), idx,
			       "tunnel \"%s\": remote-networks %s has no %s "
			       "counterpart in local-networks; %s traffic "
			       "cannot use this tunnel", t->name,
			       sgw_conf_prefix_str(rp, buf, sizeof(buf)),
			       family_name(f), family_name(f));
	}
}

/* ---- one tunnel ---- */

static void check_lifetime(struct checker *c, size_t idx, const char *what,
			   uint32_t life, enum sgw_conf_key_id key)
{
	const struct sgw_conf_tunnel *t = &c->conf->tunnels[idx];
	char m[32], j[32], l[32];

	if ((uint64_t)t->rekey_margin + t->rekey_jitter < life)
		return;
	sgw_conf_duration_str(t->rekey_margin, m, sizeof(m));
	sgw_conf_duration_str(t->rekey_jitter, j, sizeof(j));
	sgw_conf_duration_str(life, l, sizeof(l));
	report(c, SGW_CONF_SEV_ERROR, "rekey-margin", t->file, line_of(t, key), idx,
	       "tunnel \"%s\": rekey-margin (%s) plus rekey-jitter (%s) must "
	       "be shorter than %s (%s)", t->name, m, j, what, l);
}

/* Whether @l admits @af: "any" does, a list if it names one. */
static bool admits(const struct sgw_conf_prefix_list *l, int af)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		if (l->v[i].addr.family == af)
			return true;
	return !l->count;
}

/*
 * A device MTU below 1280 turns IPv6 off on the device (the kernel does,
 * RFC 8200 §5): its IPv6 routes go and none can be added. An error where
 * the file lists IPv6 networks, a warning where "any" would carry IPv6.
 */
static void check_mtu_ipv6(struct checker *c, size_t idx)
{
	const struct sgw_conf_tunnel *t = &c->conf->tunnels[idx];
	bool listed;

	if (t->mtu == SGW_CONF_MTU_AUTO || t->mtu >= 1280 ||
	    !admits(&t->local_networks, AF_INET6) ||
	    !admits(&t->remote_networks, AF_INET6))
		return;
	listed = t->local_networks.count || t->remote_networks.count;
	report(c, listed ? SGW_CONF_SEV_ERROR : SGW_CONF_SEV_WARNING, "mtu-below-ipv6-minimum", t->file,
	       line_of(t, SGW_CONF_K_MTU), idx,
	       "tunnel \"%s\": mtu %u is below 1280, IPv6's minimum: the "
	       "kernel turns IPv6 off on the device, so %s; set mtu to 1280 "
	       "or more (IPv6 packets up to 1280 bytes then pass with their "
	       "ESP packets fragmented)%s", t->name, t->mtu,
	       listed ? "the tunnel's IPv6 networks get no route and no "
	       "traffic" : "no IPv6 traffic crosses the tunnel",
	       listed ? " or list only IPv4 networks" : " or list the "
	       "tunnel's IPv4 networks");
}

/*
 * remote = any: a responder for a peer whose address is not known here,
 * told apart by the identity it proves. What needs a peer address or
 * our initiative is refused.
 */
static void check_remote_any(struct checker *c, size_t idx)
{
	const struct sgw_conf_tunnel *t = &c->conf->tunnels[idx];

	if (t->remote_id.type == SGW_CONF_IDENT_DEFAULT)
		report(c, SGW_CONF_SEV_ERROR, "remote-any-needs-remote-id", t->file,
		       line_of(t, SGW_CONF_K_REMOTE), idx,
		       "tunnel \"%s\": remote = any needs remote-id: the "
		       "peer is known only by the identity it authenticates "
		       "as (e.g. remote-id = fqdn:branch.example)", t->name);
	if (t->local.family == AF_UNSPEC)
		report(c, SGW_CONF_SEV_ERROR, "remote-any-needs-local", t->file,
		       line_of(t, SGW_CONF_K_LOCAL), idx,
		       "tunnel \"%s\": remote = any needs a local address: "
		       "local = auto takes the source of the route toward "
		       "the remote SGW, which is unknown", t->name);
	if (t->start == SGW_CONF_START_AT_START)
		report(c, SGW_CONF_SEV_ERROR, "remote-any-start", t->file,
		       line_of(t, SGW_CONF_K_START), idx,
		       "tunnel \"%s\": start = at-start with remote = any: "
		       "the tunnel only answers (there is no address to "
		       "initiate to); the peer starts it", t->name);
	if (t->reauth)
		report(c, SGW_CONF_SEV_ERROR, "remote-any-reauth", t->file,
		       line_of(t, SGW_CONF_K_REAUTH), idx,
		       "tunnel \"%s\": reauth = yes with remote = any: a "
		       "reauthentication is a new IKE SA started by this "
		       "side, and this side never initiates; set reauth on "
		       "the peer", t->name);
	if (t->protect_gateways)
		report(c, SGW_CONF_SEV_ERROR, "remote-any-protect-gateways", t->file,
		       line_of(t, SGW_CONF_K_PROTECT_GATEWAYS), idx,
		       "tunnel \"%s\": protect-gateways needs a fixed remote "
		       "SGW address, not remote = any", t->name);
}

static void check_tunnel(struct checker *c, size_t idx)
{
	const struct sgw_conf_tunnel *t = &c->conf->tunnels[idx];
	char a[SGW_CONF_ADDRSTRLEN], b[SGW_CONF_ADDRSTRLEN];

	if (t->remote_name[0])
		report(c, SGW_CONF_SEV_NOTE, "remote-dns-name", t->file,
		       line_of(t, SGW_CONF_K_REMOTE), idx,
		       "tunnel \"%s\": remote \"%s\" is a DNS name: the "
		       "daemon resolves it (%s) at start, on reload and when "
		       "the peer stops answering", t->name, t->remote_name,
		       t->local.family == AF_INET ? "IPv4, as local" :
		       t->local.family == AF_INET6 ? "IPv6, as local" :
		       "the first address returned");
	if (t->remote_any)
		check_remote_any(c, idx);
	else if (t->local.family != AF_UNSPEC && !t->remote_name[0] &&
	    t->local.family != t->remote.family)
		report(c, SGW_CONF_SEV_ERROR, "address-family", t->file,
		       line_of(t, SGW_CONF_K_LOCAL), idx,
		       "tunnel \"%s\": local %s is %s but remote %s is %s; "
		       "both SGW addresses must be of one family", t->name,
		       sgw_conf_addr_str(&t->local, a, sizeof(a)),
		       family_name(t->local.family),
		       sgw_conf_addr_str(&t->remote, b, sizeof(b)),
		       family_name(t->remote.family));
	else if (!t->remote_name[0] &&
		 sgw_conf_addr_equal(&t->local, &t->remote))
		report(c, SGW_CONF_SEV_ERROR, "same-address", t->file,
		       line_of(t, SGW_CONF_K_REMOTE), idx,
		       "tunnel \"%s\": local and remote are both %s; the "
		       "remote SGW must be another host", t->name,
		       sgw_conf_addr_str(&t->local, a, sizeof(a)));

	check_selectors(c, idx);

	if (t->auto_refresh) {
		check_lifetime(c, idx, "ike-lifetime", t->ike_lifetime,
			       SGW_CONF_K_IKE_LIFETIME);
		check_lifetime(c, idx, "child-lifetime", t->child_lifetime,
			       SGW_CONF_K_CHILD_LIFETIME);
	}
	if (t->mtu != SGW_CONF_MTU_AUTO && t->mss != SGW_CONF_MSS_AUTO &&
	    t->mss != SGW_CONF_MSS_OFF && t->mss + 40 > t->mtu)
		report(c, SGW_CONF_SEV_ERROR, "mss-above-mtu", t->file,
		       line_of(t, SGW_CONF_K_MSS), idx,
		       "tunnel \"%s\": mss %u does not fit mtu %u (at most "
		       "%u: the MTU less 40 bytes of IPv4 and TCP headers)",
		       t->name, t->mss, t->mtu, t->mtu - 40);
	check_mtu_ipv6(c, idx);
	if (t->encap && !t->nat_traversal)
		report(c, SGW_CONF_SEV_ERROR, "encap-needs-nat-traversal", t->file,
		       line_of(t, SGW_CONF_K_ENCAP), idx,
		       "tunnel \"%s\": encap = yes needs nat-traversal = yes "
		       "(UDP encapsulation is negotiated by NAT detection)",
		       t->name);
	if (t->dpd_delay == 0 && t->key_line[SGW_CONF_K_DPD_ACTION])
		report(c, SGW_CONF_SEV_WARNING, "dpd-action-ignored", t->file,
		       line_of(t, SGW_CONF_K_DPD_ACTION), idx,
		       "tunnel \"%s\": dpd-action has no effect with "
		       "dpd-delay = 0s (dead peer detection off)", t->name);
}

/* ---- across tunnels ---- */

static int cmp_ifname(const void *x, const void *y, void *arg)
{
	const struct sgw_conf *conf = arg;
	const struct sgw_conf_tunnel *a = &conf->tunnels[*(const size_t *)x];
	const struct sgw_conf_tunnel *b = &conf->tunnels[*(const size_t *)y];
	int r = strcmp(a->interface, b->interface);

	if (r)
		return r;
	return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

static int cmp_remote(const void *x, const void *y, void *arg)
{
	const struct sgw_conf *conf = arg;
	const struct sgw_conf_tunnel *a = &conf->tunnels[*(const size_t *)x];
	const struct sgw_conf_tunnel *b = &conf->tunnels[*(const size_t *)y];
	int r = (int)a->remote.family - (int)b->remote.family;

	if (!r)
		r = memcmp(a->remote.bytes, b->remote.bytes, 16);
	if (!r)
		r = strcasecmp(a->remote_name, b->remote_name);
	if (r)
		return r;
	return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

static void check_interfaces(struct checker *c, size_t *order, size_t n)
{
	const struct sgw_conf *conf = c->conf;
	size_t i;

	qsort_r(order, n, sizeof(*order), cmp_ifname, (void *)conf);
	for (i = 1; i < n; i++) {
		const struct sgw_conf_tunnel *a = &conf->tunnels[order[i - 1]];
		const struct sgw_conf_tunnel *b = &conf->tunnels[order[i]];

		if (strcmp(a->interface, b->interface) != 0)
			continue;
		report(c, SGW_CONF_SEV_ERROR, "interface-conflict", b->file,
		       line_of(b, SGW_CONF_K_INTERFACE), order[i],
		       "tunnel \"%s\": interface %s is also used by tunnel "
		       "\"%s\" (%s:%u)", b->name, b->interface, a->name,
		       a->file, a->line);
	}
}

static void pair_text(const struct sgw_conf_tunnel *a,
		      const struct sgw_conf_tunnel *b, char *buf, size_t len)
{
	char l[SGW_CONF_ADDRSTRLEN], r[SGW_CONF_ADDRSTRLEN];
	const struct sgw_conf_tunnel *autot = NULL, *fixed = a;

	if (a->local.family == AF_UNSPEC && b->local.family != AF_UNSPEC) {
		autot = a;
		fixed = b;
	} else if (b->local.family == AF_UNSPEC &&
		   a->local.family != AF_UNSPEC) {
		autot = b;
	}
	sgw_conf_addr_str(&fixed->local, l, sizeof(l));
	if (a->remote_name[0])
		snprintf(r, sizeof(r), "%.*s", (int)sizeof(r) - 1,
			 a->remote_name);
	else
		sgw_conf_addr_str(&a->remote, r, sizeof(r));
	if (autot)
		snprintf(buf, len, "%s -> %s (tunnel \"%s\" has local = auto, "
			 "which may pick %s)", l, r, autot->name, l);
	else
		snprintf(buf, len, "%s -> %s", l, r);
}

/* Competing tunnels: grouped by remote SGW, then compared pairwise. */
static void check_conflicts(struct checker *c, size_t *order, size_t n)
{
	const struct sgw_conf *conf = c->conf;
	size_t start, end, i, j;

	qsort_r(order, n, sizeof(*order), cmp_remote, (void *)conf);
	for (start = 0; start < n; start = end) {
		for (end = start + 1; end < n; end++)
			if (!same_remote(&conf->tunnels[order[start]],
					 &conf->tunnels[order[end]]))
				break;
		for (i = start; i < end; i++) {
			const struct sgw_conf_tunnel *a =
				&conf->tunnels[order[i]];

			if (!a->enabled)
				continue;
			for (j = i + 1; j < end; j++) {
				const struct sgw_conf_tunnel *b =
					&conf->tunnels[order[j]];
				char why[256], pair[256];

				if (!b->enabled ||
				    !sgw_conf_tunnels_conflict(a, b, why,
							       sizeof(why)))
					continue;
				pair_text(a, b, pair, sizeof(pair));
				report(c, SGW_CONF_SEV_ERROR, "tunnel-conflict", b->file, b->line,
				       order[j], "tunnel \"%s\" conflicts "
				       "with tunnel \"%s\" (%s:%u): both are "
				       "enabled for the SGW pair %s and their "
				       "networks overlap (%s); disable one "
				       "or make the networks disjoint",
				       b->name, a->name, a->file, a->line,
				       pair, why);
			}
		}
	}
}

/*
 * Tunnels with remote = any against every other: the peer's identity
 * stands in for its address. Two such tunnels need distinct remote-ids;
 * one and a tunnel to an address or name conflict when the identity is
 * the same and the networks overlap.
 */
static void check_any_conflicts(struct checker *c)
{
	const struct sgw_conf *conf = c->conf;
	char why[512], id[SGW_CONF_IDENT_MAX + 16], l[SGW_CONF_ADDRSTRLEN];
	size_t i, j;

	for (i = 0; i < conf->n_tunnels; i++) {
		const struct sgw_conf_tunnel *a = &conf->tunnels[i];

		if (!a->enabled || a->parse_error)
			continue;
		for (j = i + 1; j < conf->n_tunnels; j++) {
			const struct sgw_conf_tunnel *b = &conf->tunnels[j];

			if (!b->enabled || b->parse_error ||
			    (!a->remote_any && !b->remote_any) ||
			    !sgw_conf_tunnels_conflict(a, b, why, sizeof(why)))
				continue;
			ident_text(&(a->remote_any ? a : b)->remote_id, id,
				   sizeof(id));
			sgw_conf_addr_str(a->local.family ? &a->local :
					  &b->local, l, sizeof(l));
			if (a->remote_any && b->remote_any)
				report(c, SGW_CONF_SEV_ERROR, "tunnel-conflict", b->file,
				       line_of(b, SGW_CONF_K_REMOTE_ID),
				       j, "tunnel \"%s\" conflicts "
				       "with tunnel \"%s\" (%s:%u): both are "
				       "remote = any on local %s with "
				       "remote-id %s, so a peer proving it "
				       "could be either; give each its own "
				       "remote-id", b->name, a->name, a->file,
				       a->line, l, id);
			else
				report(c, SGW_CONF_SEV_ERROR, "tunnel-conflict", b->file, b->line,
				       j, "tunnel \"%s\" conflicts "
				       "with tunnel \"%s\" (%s:%u): tunnel "
				       "\"%s\" has remote = any and both "
				       "expect the peer %s on local %s, and "
				       "their networks overlap (%s); give the "
				       "peer another identity in one or make "
				       "the networks disjoint", b->name,
				       a->name, a->file, a->line,
				       (a->remote_any ? a : b)->name, id, l,
				       why);
		}
	}
}

static int cmp_problem(const void *x, const void *y, void *arg)
{
	const struct sgw_conf *conf = arg;
	const struct sgw_conf_problem *a = x, *b = y;
	int r;

	/* Files in the order they were read, then by line. */
	if (a->file != b->file) {
		for (size_t i = 0; i < conf->n_files; i++) {
			if (conf->files[i] == a->file)
				return -1;
			if (conf->files[i] == b->file)
				return 1;
		}
	}
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	r = (int)a->severity - (int)b->severity;
	if (r)
		return r;
	return strcmp(a->text, b->text);
}

int sgw_conf_problems_move(struct sgw_conf_problems *to,
			   struct sgw_conf_problems *from)
{
	size_t i;

	for (i = 0; i < from->count; i++) {
		if (grow(to) < 0)
			return -1;
		to->v[to->count++] = from->v[i];
		from->v[i].text = NULL;
	}
	to->errors += from->errors;
	to->warnings += from->warnings;
	to->notes += from->notes;
	sgw_conf_problems_free(from);
	return 0;
}

void sgw_conf_problems_sort(const struct sgw_conf *conf,
			    struct sgw_conf_problems *p)
{
	if (p->count > 1)
		qsort_r(p->v, p->count, sizeof(*p->v), cmp_problem,
			(void *)conf);
}

int sgw_conf_check(const struct sgw_conf *conf, struct sgw_conf_problems *out)
{
	struct checker c = { .conf = conf, .out = out };
	size_t *order = NULL, i, n = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < conf->n_tunnels; i++)
		if (!conf->tunnels[i].parse_error)
			check_tunnel(&c, i);
	if (conf->n_tunnels > 1) {
		order = malloc(conf->n_tunnels * sizeof(*order));
		if (!order) {
			c.oom = 1;
		} else {
			for (i = 0; i < conf->n_tunnels; i++)
				if (!conf->tunnels[i].parse_error)
					order[n++] = i;
			check_interfaces(&c, order, n);
			check_conflicts(&c, order, n);
			check_any_conflicts(&c);
		}
		free(order);
	}
	if (c.oom) {
		sgw_conf_problems_free(out);
		return -1;
	}
	sgw_conf_problems_sort(conf, out);
	return (int)out->errors;
}

void sgw_conf_problems_free(struct sgw_conf_problems *p)
{
	size_t i;

	for (i = 0; i < p->count; i++)
		free(p->v[i].text);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

const char *sgw_conf_severity_name(enum sgw_conf_severity s)
{
	switch (s) {
	case SGW_CONF_SEV_ERROR:
		return "error";
	case SGW_CONF_SEV_WARNING:
		return "warning";
	case SGW_CONF_SEV_NOTE:
		return "note";
	}
	return "?";
}
