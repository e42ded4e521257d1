// SPDX-License-Identifier: GPL-2.0
/* Cross-field and cross-tunnel judgement: every problem, exact words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "testutil.h"

#define TUN(name, id, local, remote) \
	"[tunnel " name "]\nid = " #id "\nlocal = " local "\n" \
	"remote = " remote "\npsk-file = /k\n"

/* Whether @pr is the note every tunnel without remote-networks gets. */
static bool any_note(const struct sgw_conf_problem *pr)
{
	return pr->severity == SGW_CONF_SEV_NOTE &&
	       strstr(pr->text, ": remote-networks = any: ");
}

/*
 * Leaves out the remote-networks = any notes, which most tests here do
 * not mean to test (remote_networks_any does).
 */
static void drop_any_notes(struct sgw_conf_problems *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->count; i++) {
		if (any_note(&p->v[i])) {
			free(p->v[i].text);
			p->notes--;
			continue;
		}
		p->v[n++] = p->v[i];
	}
	p->count = n;
}

/* @want: "severity: text" lines, NULL-ended, in the order reported. */
static void expect(const char *text, const char *const *want)
{
	struct sgw_conf_problems p;
	struct sgw_conf c;
	unsigned int errors = 0;
	size_t i, n = 0;

	parse_ok(text, &c);
	assert_true(sgw_conf_check(&c, &p) >= 0);
	drop_any_notes(&p);
	while (want[n])
		n++;
	for (i = 0; i < p.count && i < n; i++) {
		char *got = xasprintf("%s: %s",
				      sgw_conf_severity_name(p.v[i].severity),
				      p.v[i].text);

		assert_string_equal(got, want[i]);
		free(got);
		if (p.v[i].severity == SGW_CONF_SEV_ERROR)
			errors++;
	}
	if (p.count != n) {
		for (i = 0; i < p.count; i++)
			print_message("got: %s\n", p.v[i].text);
		fail_msg("%zu problems, expected %zu", p.count, n);
	}
	assert_int_equal(p.errors, errors);
	sgw_conf_problems_free(&p);
	sgw_conf_free(&c);
}

static const char *const none[] = { NULL };

static void clean_config(void **state)
{
	(void)state;
	expect("", none);
	expect(MIN_TUNNEL, none);
	expect(TUN("a", 1, "192.0.2.1", "198.51.100.1")
	       "local-networks = 10.1.0.0/16, 2001:db8:1::/48\n"
	       "remote-networks = 10.9.0.0/16, 2001:db8:9::/48\n"
	       TUN("b", 2, "192.0.2.1", "198.51.100.2")
	       "local-networks = 10.1.0.0/16\n"
	       "remote-networks = 10.9.0.0/16\n", none);
}

static void addresses(void **state)
{
	(void)state;
	expect(TUN("hq", 1, "192.0.2.1", "2001:db8::1"),
	       (const char *const[]){
		"error: sgw.conf:3: tunnel \"hq\": local 192.0.2.1 is IPv4 but "
		"remote 2001:db8::1 is IPv6; both SGW addresses must be of one "
		"family", NULL });
	expect(TUN("hq", 1, "192.0.2.1", "192.0.2.1"),
	       (const char *const[]){
		"error: sgw.conf:4: tunnel \"hq\": local and remote are both "
		"192.0.2.1; the remote SGW must be another host", NULL });
	/* local = auto takes the family of the remote. */
	expect(TUN("hq", 1, "auto", "2001:db8::1"), none);
}

/*
 * remote = NAME: a note that the daemon resolves it (and which family);
 * no family check against local; tunnels to one name compete, to other
 * names do not.
 */
static void remote_names(void **state)
{
	(void)state;
	expect(TUN("hq", 1, "192.0.2.1", "peer.example"),
	       (const char *const[]){
		"note: sgw.conf:4: tunnel \"hq\": remote \"peer.example\" is "
		"a DNS name: the daemon resolves it (IPv4, as local) at start, "
		"on reload and when the peer stops answering", NULL });
	expect(TUN("hq", 1, "auto", "peer.example"),
	       (const char *const[]){
		"note: sgw.conf:4: tunnel \"hq\": remote \"peer.example\" is "
		"a DNS name: the daemon resolves it (the first address "
		"returned) at start, on reload and when the peer stops "
		"answering", NULL });
	expect(TUN("a", 1, "192.0.2.1", "peer.example")
	       TUN("b", 2, "192.0.2.1", "Peer.Example"),
	       (const char *const[]){
		"note: sgw.conf:4: tunnel \"a\": remote \"peer.example\" is "
		"a DNS name: the daemon resolves it (IPv4, as local) at start, "
		"on reload and when the peer stops answering",
		"error: sgw.conf:6: tunnel \"b\" conflicts with tunnel \"a\" "
		"(sgw.conf:1): both are enabled for the SGW pair 192.0.2.1 -> "
		"peer.example and their networks overlap (local any and any, "
		"remote any and any); disable one or make the networks "
		"disjoint",
		"note: sgw.conf:9: tunnel \"b\": remote \"Peer.Example\" is "
		"a DNS name: the daemon resolves it (IPv4, as local) at start, "
		"on reload and when the peer stops answering",
		NULL });
	expect(TUN("a", 1, "192.0.2.1", "peer.example")
	       TUN("b", 2, "192.0.2.1", "other.example"),
	       (const char *const[]){
		"note: sgw.conf:4: tunnel \"a\": remote \"peer.example\" is "
		"a DNS name: the daemon resolves it (IPv4, as local) at start, "
		"on reload and when the peer stops answering",
		"note: sgw.conf:9: tunnel \"b\": remote \"other.example\" is "
		"a DNS name: the daemon resolves it (IPv4, as local) at start, "
		"on reload and when the peer stops answering", NULL });
}

/*
 * remote = any: remote-id and a local address required, nothing that
 * initiates; two of them need distinct remote-ids, one and a tunnel to
 * an address expecting the same identity need disjoint networks.
 */
static void remote_any(void **state)
{
	(void)state;
	expect(TUN("br", 1, "192.0.2.1", "any")
	       "remote-id = fqdn:br.example\n", none);
	expect(TUN("br", 1, "auto", "any") "start = at-start\n"
	       "reauth = yes\nprotect-gateways = yes\n",
	       (const char *const[]){
		"error: sgw.conf:3: tunnel \"br\": remote = any needs a local "
		"address: local = auto takes the source of the route toward "
		"the remote SGW, which is unknown",
		"error: sgw.conf:4: tunnel \"br\": remote = any needs "
		"remote-id: the peer is known only by the identity it "
		"authenticates as (e.g. remote-id = fqdn:branch.example)",
		"error: sgw.conf:6: tunnel \"br\": start = at-start with "
		"remote = any: the tunnel only answers (there is no address "
		"to initiate to); the peer starts it",
		"error: sgw.conf:7: tunnel \"br\": reauth = yes with remote = "
		"any: a reauthentication is a new IKE SA started by this "
		"side, and this side never initiates; set reauth on the peer",
		"error: sgw.conf:8: tunnel \"br\": protect-gateways needs a "
		"fixed remote SGW address, not remote = any", NULL });
	/* Two any tunnels: one remote-id each, whatever the networks. */
	expect(TUN("a", 1, "192.0.2.1", "any") "remote-id = fqdn:x.example\n"
	       "remote-networks = 10.1.0.0/24\n"
	       TUN("b", 2, "192.0.2.1", "any") "remote-id = fqdn:x.example\n"
	       "remote-networks = 10.2.0.0/24\n",
	       (const char *const[]){
		"error: sgw.conf:13: tunnel \"b\" conflicts with tunnel \"a\" "
		"(sgw.conf:1): both are remote = any on local 192.0.2.1 with "
		"remote-id fqdn:x.example, so a peer proving it could be "
		"either; give each its own remote-id", NULL });
	expect(TUN("a", 1, "192.0.2.1", "any") "remote-id = fqdn:x.example\n"
	       TUN("b", 2, "192.0.2.1", "any") "remote-id = fqdn:y.example\n",
	       none);
	/* Another local address: another listener, no conflict. */
	expect(TUN("a", 1, "192.0.2.1", "any") "remote-id = fqdn:x.example\n"
	       TUN("b", 2, "192.0.2.9", "any") "remote-id = fqdn:x.example\n",
	       none);
	/* any and an address, the same identity: the networks decide. */
	expect(TUN("a", 1, "192.0.2.1", "198.51.100.1")
	       "remote-id = fqdn:x.example\nremote-networks = 10.1.0.0/16\n"
	       TUN("b", 2, "192.0.2.1", "any") "remote-id = fqdn:x.example\n"
	       "remote-networks = 10.1.2.0/24\n",
	       (const char *const[]){
		"error: sgw.conf:8: tunnel \"b\" conflicts with tunnel \"a\" "
		"(sgw.conf:1): tunnel \"b\" has remote = any and both expect "
		"the peer fqdn:x.example on local 192.0.2.1, and their "
		"networks overlap (local any and any, remote 10.1.0.0/16 and "
		"10.1.2.0/24); give the peer another identity in one or make "
		"the networks disjoint", NULL });
	expect(TUN("a", 1, "192.0.2.1", "198.51.100.1")
	       "remote-id = fqdn:x.example\nremote-networks = 10.1.0.0/16\n"
	       TUN("b", 2, "192.0.2.1", "any") "remote-id = fqdn:x.example\n"
	       "remote-networks = 10.2.0.0/24\n", none);
	/* The address stands for the identity when remote-id is unset. */
	expect(TUN("a", 1, "192.0.2.1", "198.51.100.1")
	       TUN("b", 2, "192.0.2.1", "any") "remote-id = 198.51.100.1\n",
	       (const char *const[]){
		"error: sgw.conf:6: tunnel \"b\" conflicts with tunnel \"a\" "
		"(sgw.conf:1): tunnel \"b\" has remote = any and both expect "
		"the peer 198.51.100.1 on local 192.0.2.1, and their networks "
		"overlap (local any and any, remote any and any); give the "
		"peer another identity in one or make the networks disjoint",
		NULL });
}

static void selectors(void **state)
{
	(void)state;
	expect(MIN_TUNNEL "local-networks = 10.1.0.0/16\n"
	       "remote-networks = 2001:db8:9::/48\n",
	       (const char *const[]){
		"error: sgw.conf:6: tunnel \"hq\": local-networks has only IPv4 "
		"prefixes and remote-networks only IPv6 ones; no traffic can "
		"match", NULL });
	expect(MIN_TUNNEL "local-networks = 10.1.0.0/16, 2001:db8:1::/48\n"
	       "remote-networks = 10.9.0.0/16\n",
	       (const char *const[]){
		"warning: sgw.conf:5: tunnel \"hq\": local-networks "
		"2001:db8:1::/48 has no IPv6 counterpart in remote-networks; "
		"IPv6 traffic cannot use this tunnel", NULL });
	expect(MIN_TUNNEL "local-networks = 10.1.0.0/16\n"
	       "remote-networks = 10.9.0.0/16, 2001:db8:9::/48\n",
	       (const char *const[]){
		"warning: sgw.conf:6: tunnel \"hq\": remote-networks "
		"2001:db8:9::/48 has no IPv6 counterpart in local-networks; "
		"IPv6 traffic cannot use this tunnel", NULL });
	/* "any" on one side pairs with whatever the other side has. */
	expect(MIN_TUNNEL "remote-networks = 2001:db8:9::/48\n", none);
}

/* The remote SGW inside the remote network works, and says why. */
static void gateway_inside_remote_network(void **state)
{
	(void)state;
	expect(TUN("hq", 1, "192.0.2.1", "10.9.9.9")
	       "remote-networks = 172.16.0.0/12, 10.0.0.0/8\n",
	       (const char *const[]){
		"note: sgw.conf:6: tunnel \"hq\": the remote SGW 10.9.9.9 lies "
		"inside remote-networks 10.0.0.0/8; sgw exempts it, so traffic "
		"to it does not enter the tunnel, and the daemon routes it "
		"through the underlay", NULL });
	expect(TUN("hq", 1, "192.0.2.1", "10.9.9.9")
	       "remote-networks = 10.0.0.0/8\nroutes = no\n",
	       (const char *const[]){
		"note: sgw.conf:6: tunnel \"hq\": the remote SGW 10.9.9.9 lies "
		"inside remote-networks 10.0.0.0/8; sgw exempts it, so traffic "
		"to it does not enter the tunnel", NULL });
}

/* A device MTU below 1280 and IPv6 in the tunnel. */
static void mtu_below_ipv6_minimum(void **state)
{
	(void)state;
	expect(TUN("hq", 1, "192.0.2.1", "198.51.100.1")
	       "local-networks = 10.1.0.0/16, fd01::/48\n"
	       "remote-networks = 10.2.0.0/16, fd02::/48\nmtu = 1200\n",
	       (const char *const[]){
		"error: sgw.conf:8: tunnel \"hq\": mtu 1200 is below 1280, "
		"IPv6's minimum: the kernel turns IPv6 off on the device, so "
		"the tunnel's IPv6 networks get no route and no traffic; set "
		"mtu to 1280 or more (IPv6 packets up to 1280 bytes then pass "
		"with their ESP packets fragmented) or list only IPv4 networks",
		NULL });
	/* "any" on both sides would carry IPv6: a warning. */
	expect(TUN("hq", 1, "192.0.2.1", "198.51.100.1") "mtu = 1000\n",
	       (const char *const[]){
		"warning: sgw.conf:6: tunnel \"hq\": mtu 1000 is below 1280, "
		"IPv6's minimum: the kernel turns IPv6 off on the device, so "
		"no IPv6 traffic crosses the tunnel; set mtu to 1280 or more "
		"(IPv6 packets up to 1280 bytes then pass with their ESP "
		"packets fragmented) or list the tunnel's IPv4 networks",
		NULL });
	/* IPv4 only, 1280 itself, or auto: nothing to say. */
	expect(TUN("hq", 1, "192.0.2.1", "198.51.100.1")
	       "local-networks = 10.1.0.0/16\nremote-networks = 10.2.0.0/16\n"
	       "mtu = 576\n", (const char *const[]){ NULL });
	expect(TUN("hq", 1, "192.0.2.1", "198.51.100.1") "mtu = 1280\n",
	       (const char *const[]){ NULL });
}

static void lifetimes(void **state)
{
	(void)state;
	expect(MIN_TUNNEL "child-lifetime = 20s\nike-lifetime = 10m\n",
	       (const char *const[]){
		"error: sgw.conf:5: tunnel \"hq\": rekey-margin (9m) plus "
		"rekey-jitter (9m) must be shorter than child-lifetime (20s)",
		"error: sgw.conf:6: tunnel \"hq\": rekey-margin (9m) plus "
		"rekey-jitter (9m) must be shorter than ike-lifetime (10m)",
		NULL });
	/* The short rekey test setup of the rekeying issue is accepted. */
	expect(MIN_TUNNEL "child-lifetime = 20s\nrekey-margin = 8s\n"
	       "rekey-jitter = 0\n", none);
	/* Without auto-refresh nothing is rekeyed, so margins do not matter. */
	expect(MIN_TUNNEL "child-lifetime = 20s\nauto-refresh = off\n", none);
}

static void mtu_and_friends(void **state)
{
	(void)state;
	expect(MIN_TUNNEL "mtu = 1400\nmss = 1400\n",
	       (const char *const[]){
		"error: sgw.conf:6: tunnel \"hq\": mss 1400 does not fit mtu "
		"1400 (at most 1360: the MTU less 40 bytes of IPv4 and TCP "
		"headers)", NULL });
	expect(MIN_TUNNEL "mtu = 1400\nmss = 1360\n", none);
	expect(MIN_TUNNEL "mtu = 1280\nmss = off\n", none);
	expect(MIN_TUNNEL "dpd-delay = 0\ndpd-action = hold\n",
	       (const char *const[]){
		"warning: sgw.conf:6: tunnel \"hq\": dpd-action has no effect "
		"with dpd-delay = 0s (dead peer detection off)", NULL });
}

static void interfaces(void **state)
{
	(void)state;
	expect(TUN("a", 1, "auto", "198.51.100.1") "interface = sgw2\n"
	       TUN("b", 2, "auto", "198.51.100.2"),
	       (const char *const[]){
		"error: sgw.conf:7: tunnel \"b\": interface sgw2 is also used "
		"by tunnel \"a\" (sgw.conf:1)", NULL });
}

/* Both enabled, same SGW pair, overlapping networks: a conflict. */
static void conflicts(void **state)
{
	(void)state;
	expect(TUN("hq", 1, "192.0.2.1", "198.51.100.1")
	       "local-networks = 10.1.0.0/16\nremote-networks = 10.9.0.0/16\n"
	       TUN("old", 2, "192.0.2.1", "198.51.100.1")
	       "local-networks = 10.1.2.0/24\nremote-networks = 10.8.0.0/13\n",
	       (const char *const[]){
		"error: sgw.conf:8: tunnel \"old\" conflicts with tunnel \"hq\" "
		"(sgw.conf:1): both are enabled for the SGW pair 192.0.2.1 -> "
		"198.51.100.1 and their networks overlap (local 10.1.0.0/16 and "
		"10.1.2.0/24, remote 10.9.0.0/16 and 10.8.0.0/13); disable one "
		"or make the networks disjoint", NULL });
	/* One of them disabled: inert, no conflict. */
	expect(TUN("hq", 1, "192.0.2.1", "198.51.100.1")
	       TUN("old", 2, "192.0.2.1", "198.51.100.1") "enabled = no\n",
	       none);
	/* Disjoint networks on the same pair are fine. */
	expect(TUN("a", 1, "192.0.2.1", "198.51.100.1")
	       "remote-networks = 10.9.0.0/16\n"
	       TUN("b", 2, "192.0.2.1", "198.51.100.1")
	       "remote-networks = 10.8.0.0/16\n", none);
	/* Other gateways: not a conflict, whatever the networks. */
	expect(TUN("a", 1, "192.0.2.1", "198.51.100.1")
	       TUN("b", 2, "192.0.2.1", "198.51.100.2")
	       TUN("c", 3, "192.0.2.2", "198.51.100.1"), none);
	/* local = auto may pick the other tunnel's address. */
	expect(TUN("a", 1, "192.0.2.1", "198.51.100.1")
	       TUN("b", 2, "auto", "198.51.100.1"),
	       (const char *const[]){
		"error: sgw.conf:6: tunnel \"b\" conflicts with tunnel \"a\" "
		"(sgw.conf:1): both are enabled for the SGW pair 192.0.2.1 -> "
		"198.51.100.1 (tunnel \"b\" has local = auto, which may pick "
		"192.0.2.1) and their networks overlap (local any and any, "
		"remote any and any); disable one or make the networks "
		"disjoint", NULL });
	/* IPv4-only and IPv6-only tunnels to one peer share nothing. */
	expect(TUN("a", 1, "auto", "2001:db8::1")
	       "local-networks = 10.1.0.0/16\nremote-networks = 10.9.0.0/16\n"
	       TUN("b", 2, "auto", "2001:db8::1")
	       "local-networks = 2001:db8:1::/48\n"
	       "remote-networks = 2001:db8:9::/48\n", none);
	/* ...but "any" meets IPv6 prefixes in IPv6. */
	expect(TUN("a", 1, "auto", "2001:db8::1")
	       TUN("b", 2, "auto", "2001:db8::1")
	       "local-networks = 2001:db8:1::/48\n"
	       "remote-networks = 2001:db8:9::/48\n",
	       (const char *const[]){
		"error: sgw.conf:6: tunnel \"b\" conflicts with tunnel \"a\" "
		"(sgw.conf:1): both are enabled for the SGW pair auto -> "
		"2001:db8::1 and their networks overlap (local any and "
		"2001:db8:1::/48, remote any and 2001:db8:9::/48); disable one "
		"or make the networks disjoint", NULL });
}

static void every_problem_reported(void **state)
{
	(void)state;
	expect(TUN("a", 1, "192.0.2.1", "198.51.100.1")
	       "mtu = 1300\nmss = 1300\n"
	       TUN("b", 2, "192.0.2.1", "198.51.100.1")
	       TUN("c", 3, "192.0.2.1", "198.51.100.1")
	       "dpd-delay = 0\ndpd-action = hold\n",
	       (const char *const[]){
		"error: sgw.conf:7: tunnel \"a\": mss 1300 does not fit mtu 1300 "
		"(at most 1260: the MTU less 40 bytes of IPv4 and TCP headers)",
		"error: sgw.conf:8: tunnel \"b\" conflicts with tunnel \"a\" "
		"(sgw.conf:1): both are enabled for the SGW pair 192.0.2.1 -> "
		"198.51.100.1 and their networks overlap (local any and any, "
		"remote any and any); disable one or make the networks "
		"disjoint",
		"error: sgw.conf:13: tunnel \"c\" conflicts with tunnel \"a\" "
		"(sgw.conf:1): both are enabled for the SGW pair 192.0.2.1 -> "
		"198.51.100.1 and their networks overlap (local any and any, "
		"remote any and any); disable one or make the networks "
		"disjoint",
		"error: sgw.conf:13: tunnel \"c\" conflicts with tunnel \"b\" "
		"(sgw.conf:8): both are enabled for the SGW pair 192.0.2.1 -> "
		"198.51.100.1 and their networks overlap (local any and any, "
		"remote any and any); disable one or make the networks "
		"disjoint",
		"warning: sgw.conf:19: tunnel \"c\": dpd-action has no effect "
		"with dpd-delay = 0s (dead peer detection off)", NULL });
}

static void conflict_api(void **state)
{
	struct sgw_conf c;
	char why[256];

	(void)state;
	parse_ok(TUN("a", 1, "192.0.2.1", "198.51.100.1")
		 "local-networks = 10.1.0.0/16\n"
		 "remote-networks = 10.9.0.0/16, 10.8.0.0/16\n"
		 TUN("b", 2, "192.0.2.1", "198.51.100.1")
		 "local-networks = 10.0.0.0/8\nremote-networks = 10.8.1.0/24\n"
		 "enabled = no\n", &c);
	/* The enabled state is the caller's business. */
	assert_true(sgw_conf_tunnels_conflict(&c.tunnels[0], &c.tunnels[1],
					      why, sizeof(why)));
	assert_string_equal(why, "local 10.1.0.0/16 and 10.0.0.0/8, remote "
			    "10.8.0.0/16 and 10.8.1.0/24");
	assert_true(sgw_conf_tunnels_conflict(&c.tunnels[1], &c.tunnels[0],
					      why, sizeof(why)));
	c.tunnels[1].remote_networks.v[0].addr.bytes[1] = 7;
	assert_false(sgw_conf_tunnels_conflict(&c.tunnels[0], &c.tunnels[1],
					       why, sizeof(why)));
	sgw_conf_free(&c);
	assert_string_equal(sgw_conf_severity_name(SGW_CONF_SEV_NOTE), "note");
}

/* A tunnel that accepts any inner source is worth a note. */
static void remote_networks_any(void **state)
{
	struct sgw_conf_problems p;
	struct sgw_conf c;

	(void)state;
	parse_ok(MIN_TUNNEL "local-networks = 10.1.0.0/16\n", &c);
	assert_int_equal(sgw_conf_check(&c, &p), 0);
	assert_int_equal(p.count, 1);
	assert_int_equal(p.notes, 1);
	assert_string_equal(p.v[0].text, "sgw.conf:1: tunnel \"hq\": "
			    "remote-networks = any: sgw1 accepts decrypted "
			    "packets from any source address; list the remote "
			    "site's networks, or filter what comes out of sgw1 "
			    "in the firewall");
	sgw_conf_problems_free(&p);
	sgw_conf_free(&c);
	/* Written out, on its own line, and the interface by its name. */
	parse_ok(MIN_TUNNEL "interface = hq0\nremote-networks = any\n", &c);
	assert_int_equal(sgw_conf_check(&c, &p), 0);
	assert_int_equal(p.count, 1);
	assert_int_equal(p.v[0].line, 6);
	assert_non_null(strstr(p.v[0].text, ": hq0 accepts"));
	sgw_conf_problems_free(&p);
	sgw_conf_free(&c);
	/* Listed: no note. */
	parse_ok(MIN_TUNNEL "remote-networks = 10.9.0.0/16\n", &c);
	assert_int_equal(sgw_conf_check(&c, &p), 0);
	assert_int_equal(p.count, 0);
	sgw_conf_problems_free(&p);
	sgw_conf_free(&c);
}

/* Local and remote networks of one tunnel that share addresses. */
static void overlap_within_tunnel(void **state)
{
	(void)state;
	expect(MIN_TUNNEL "local-networks = 10.0.0.0/8\n"
	       "remote-networks = 10.0.0.0/8\n",
	       (const char *const[]){
		"warning: sgw.conf:6: tunnel \"hq\": local-networks 10.0.0.0/8 "
		"and remote-networks 10.0.0.0/8 overlap; addresses in both are "
		"on this site and behind the remote SGW at once", NULL });
	expect(MIN_TUNNEL "local-networks = 192.168.0.0/16, 10.1.0.0/16\n"
	       "remote-networks = 10.9.0.0/16, 10.1.128.0/17\n",
	       (const char *const[]){
		"warning: sgw.conf:6: tunnel \"hq\": local-networks 10.1.0.0/16 "
		"and remote-networks 10.1.128.0/17 overlap; addresses in both "
		"are on this site and behind the remote SGW at once", NULL });
	/* Neighbours, not overlapping; any on one side is not "overlap". */
	expect(MIN_TUNNEL "local-networks = 10.1.0.0/16\n"
	       "remote-networks = 10.0.0.0/16\n", none);
	expect(MIN_TUNNEL "remote-networks = 10.0.0.0/8\n", none);
}

static void problems_in_file_order(void **state)
{
	struct sgw_conf_problems p;
	struct sgw_conf c;
	size_t i;

	(void)state;
	parse_ok(TUN("a", 1, "192.0.2.1", "192.0.2.1")
		 TUN("b", 2, "192.0.2.1", "2001:db8::1")
		 TUN("c", 3, "192.0.2.7", "192.0.2.7"), &c);
	assert_int_equal(sgw_conf_check(&c, &p), 3);
	drop_any_notes(&p);
	assert_int_equal(p.count, 3);
	for (i = 1; i < p.count; i++)
		assert_true(p.v[i - 1].line < p.v[i].line);
	assert_int_equal(p.v[1].tunnel, 1);
	assert_string_equal(p.v[1].file, "sgw.conf");
	sgw_conf_problems_free(&p);
	assert_int_equal(p.count, 0);
	sgw_conf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_config),
		cmocka_unit_test(addresses),
		cmocka_unit_test(remote_names),
		cmocka_unit_test(remote_any),
		cmocka_unit_test(selectors),
		cmocka_unit_test(gateway_inside_remote_network),
		cmocka_unit_test(mtu_below_ipv6_minimum),
		cmocka_unit_test(lifetimes),
		cmocka_unit_test(mtu_and_friends),
		cmocka_unit_test(interfaces),
		cmocka_unit_test(conflicts),
		cmocka_unit_test(every_problem_reported),
		cmocka_unit_test(conflict_api),
		cmocka_unit_test(problems_in_file_order),
		cmocka_unit_test(remote_networks_any),
		cmocka_unit_test(overlap_within_tunnel),
	};

	return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
