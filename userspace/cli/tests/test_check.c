// SPDX-License-Identifier: GPL-2.0
/*
 * sgwctl check's pure parts: the JSON reader, the nftables evaluation of
 * one packet (on rulesets as "nft -j list ruleset" prints them) and the
 * finding lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "jsonparse.h"
#include "nftrules.h"

/* nft 1.0.6's output for a ruleset with the usual pitfalls (abridged
 * metainfo); rules as "nft -a list ruleset" shows them in comments. */
static const char ruleset[] =
	"{\"nftables\":[{\"metainfo\":{\"version\":\"1.0.6\",\"json_schema_version\":1}},"
	"{\"table\":{\"family\":\"inet\",\"name\":\"filter\",\"handle\":1}},"
	"{\"chain\":{\"family\":\"inet\",\"table\":\"filter\",\"name\":\"input\",\"handle\":1,\"type\":\"filter\",\"hook\":\"input\",\"prio\":0,\"policy\":\"accept\"}},"
	"{\"chain\":{\"family\":\"inet\",\"table\":\"filter\",\"name\":\"sub\",\"handle\":2}},"
	/* ct state established,related accept */
	"{\"rule\":{\"family\":\"inet\",\"table\":\"filter\",\"chain\":\"input\",\"handle\":3,\"expr\":[{\"match\":{\"op\":\"in\",\"left\":{\"ct\":{\"key\":\"state\"}},\"right\":[\"established\",\"related\"]}},{\"accept\":null}]}},"
	/* ip saddr 192.0.2.2 udp dport { 500, 4500 } counter accept */
	"{\"rule\":{\"family\":\"inet\",\"table\":\"filter\",\"chain\":\"input\",\"handle\":5,\"expr\":[{\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"ip\",\"field\":\"saddr\"}},\"right\":\"192.0.2.2\"}},{\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"udp\",\"field\":\"dport\"}},\"right\":{\"set\":[500,4500]}}},{\"counter\":{\"packets\":0,\"bytes\":0}},{\"accept\":null}]}},"
	/* iifname "wan*" meta l4proto esp drop */
	"{\"rule\":{\"family\":\"inet\",\"table\":\"filter\",\"chain\":\"input\",\"handle\":6,\"expr\":[{\"match\":{\"op\":\"==\",\"left\":{\"meta\":{\"key\":\"iifname\"}},\"right\":\"wan*\"}},{\"match\":{\"op\":\"==\",\"left\":{\"meta\":{\"key\":\"l4proto\"}},\"right\":\"esp\"}},{\"drop\":null}]}},"
	/* ip protocol esp drop comment "no esp" */
	"{\"rule\":{\"family\":\"inet\",\"table\":\"filter\",\"chain\":\"input\",\"handle\":7,\"comment\":\"no esp\",\"expr\":[{\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"ip\",\"field\":\"protocol\"}},\"right\":\"esp\"}},{\"drop\":null}]}},"
	/* ip saddr 10.0.0.0/8 tcp dport 22-25 accept */
	"{\"rule\":{\"family\":\"inet\",\"table\":\"filter\",\"chain\":\"input\",\"handle\":8,\"expr\":[{\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"ip\",\"field\":\"saddr\"}},\"right\":{\"prefix\":{\"addr\":\"10.0.0.0\",\"len\":8}}}},{\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"tcp\",\"field\":\"dport\"}},\"right\":{\"range\":[22,25]}}},{\"accept\":null}]}},"
	/* icmp type destination-unreachable drop */
	"{\"rule\":{\"family\":\"inet\",\"table\":\"filter\",\"chain\":\"input\",\"handle\":9,\"expr\":[{\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"icmp\",\"field\":\"type\"}},\"right\":\"destination-unreachable\"}},{\"drop\":null}]}},"
	/* jump sub */
	"{\"rule\":{\"family\":\"inet\",\"table\":\"filter\",\"chain\":\"input\",\"handle\":11,\"expr\":[{\"jump\":{\"target\":\"sub\"}}]}},"
	/* sub: udp sport != 500 return; drop */
	"{\"rule\":{\"family\":\"inet\",\"table\":\"filter\",\"chain\":\"sub\",\"handle\":12,\"expr\":[{\"match\":{\"op\":\"!=\",\"left\":{\"payload\":{\"protocol\":\"udp\",\"field\":\"sport\"}},\"right\":500}},{\"return\":null}]}},"
	"{\"rule\":{\"family\":\"inet\",\"table\":\"filter\",\"chain\":\"sub\",\"handle\":13,\"expr\":[{\"drop\":null}]}},"
	"{\"table\":{\"family\":\"ip\",\"name\":\"nat\",\"handle\":2}},"
	"{\"chain\":{\"family\":\"ip\",\"table\":\"nat\",\"name\":\"post\",\"handle\":1,\"type\":\"nat\",\"hook\":\"postrouting\",\"prio\":100,\"policy\":\"accept\"}},"
	/* oifname "wan0" masquerade */
	"{\"rule\":{\"family\":\"ip\",\"table\":\"nat\",\"chain\":\"post\",\"handle\":2,\"expr\":[{\"match\":{\"op\":\"==\",\"left\":{\"meta\":{\"key\":\"oifname\"}},\"right\":\"wan0\"}},{\"masquerade\":null}]}}]}";

static struct nft_ruleset rs;

static int setup(void **state)
{
	char err[128];

	(void)state;
	return nft_ruleset_parse(&rs, ruleset, strlen(ruleset), err, sizeof(err));
}

static int teardown(void **state)
{
	(void)state;
	nft_ruleset_free(&rs);
	return 0;
}

static struct nft_pkt pkt(uint8_t proto, const char *src, const char *dst,
			  const char *iif, const char *oif, const char *ct)
{
	struct nft_pkt p;

	memset(&p, 0, sizeof(p));
	p.family = AF_INET;
	inet_pton(AF_INET, src, p.saddr);
	inet_pton(AF_INET, dst, p.daddr);
	p.l4proto = proto;
	p.iif = iif;
	p.oif = oif;
	p.ct_state = ct;
	p.icmp_type = -1;
	return p;
}

static const char *verdict(enum nft_hook hook, const struct nft_pkt *p)
{
	static char buf[256];
	struct nft_verdict v;
	char r[200];

	nft_evaluate(&rs, hook, p, &v);
	if (v.kind == NFT_ACCEPT)
		return "accept";
	nft_rule_format(&v.rule, r, sizeof(r));
	snprintf(buf, sizeof(buf), "%s %s", v.rule.action, r);
	return buf;
}

static void test_ike(void **state)
{
	struct nft_pkt p = pkt(IPPROTO_UDP, "192.0.2.2", "192.0.2.1", "wan0",
			       NULL, "new");

	(void)state;
	p.sport = p.dport = 500;
	assert_string_equal(verdict(NFT_HOOK_INPUT, &p), "accept");
	/* From another host: the set does not hold it; sub drops sport 500. */
	inet_pton(AF_INET, "198.51.100.7", p.saddr);
	assert_string_equal(verdict(NFT_HOOK_INPUT, &p),
			    "drop inet filter sub handle 13");
	/* ...unless it is a reply. */
	p.ct_state = "established";
	assert_string_equal(verdict(NFT_HOOK_INPUT, &p), "accept");
	/* sport 4500: sub returns, the policy accepts. */
	p.ct_state = "new";
	p.sport = 4500;
	assert_string_equal(verdict(NFT_HOOK_INPUT, &p), "accept");
}

static void test_esp(void **state)
{
	struct nft_pkt p = pkt(IPPROTO_ESP, "192.0.2.2", "192.0.2.1", "wan0",
			       NULL, "new");
	struct nft_verdict v;

	(void)state;
	assert_string_equal(verdict(NFT_HOOK_INPUT, &p),
			    "drop inet filter input handle 6");
	/* Another interface: the wildcard misses, "ip protocol esp" hits. */
	p.iif = "eth1";
	nft_evaluate(&rs, NFT_HOOK_INPUT, &p, &v);
	assert_int_equal(v.kind, NFT_DROP);
	assert_int_equal(v.rule.handle, 7);
	assert_string_equal(v.rule.comment, "no esp");
	assert_false(v.undecided);
	/* IPv6 ESP: "ip protocol" does not apply; meta l4proto does. */
	p.family = AF_INET6;
	p.iif = "wan1";
	assert_string_equal(verdict(NFT_HOOK_INPUT, &p),
			    "drop inet filter input handle 6");
	p.iif = "eth1";
	/* Neither; the jump's sub chain drops all but UDP sport != 500. */
	assert_string_equal(verdict(NFT_HOOK_INPUT, &p),
			    "drop inet filter sub handle 13");
}

static void test_icmp_and_ranges(void **state)
{
	struct nft_pkt p = pkt(IPPROTO_ICMP, "203.0.113.1", "192.0.2.1", "wan0",
			       NULL, "related");

	(void)state;
	p.icmp_type = 3;
	/* ct state related is accepted by the first rule. */
	assert_string_equal(verdict(NFT_HOOK_INPUT, &p), "accept");
	p.ct_state = "new";
	assert_string_equal(verdict(NFT_HOOK_INPUT, &p),
			    "drop inet filter input handle 9");
	p = pkt(IPPROTO_TCP, "10.9.9.9", "192.0.2.1", "lan0", NULL, "new");
	p.dport = 24;
	assert_string_equal(verdict(NFT_HOOK_INPUT, &p), "accept");
	p.dport = 26;
	assert_string_equal(verdict(NFT_HOOK_INPUT, &p),
			    "drop inet filter sub handle 13");
}

static void test_nat(void **state)
{
	struct nft_pkt p = pkt(IPPROTO_UDP, "192.0.2.1", "192.0.2.2", NULL,
			       "wan0", "established");

	(void)state;
	p.sport = p.dport = 500;
	assert_string_equal(verdict(NFT_HOOK_POSTROUTING, &p),
			    "masquerade ip nat post handle 2");
	p.oif = "wan1";
	assert_string_equal(verdict(NFT_HOOK_POSTROUTING, &p), "accept");
	/* No output chain: accepted. */
	assert_string_equal(verdict(NFT_HOOK_OUTPUT, &p), "accept");
}

/* A policy drop, and a rule sgwctl cannot read in front of it. */
static void test_policy_and_undecided(void **state)
{
	static const char text[] =
		"{\"nftables\":[{\"chain\":{\"family\":\"ip\",\"table\":\"t\",\"name\":\"f\",\"handle\":1,\"type\":\"filter\",\"hook\":\"forward\",\"prio\":0,\"policy\":\"drop\"}},"
		"{\"rule\":{\"family\":\"ip\",\"table\":\"t\",\"chain\":\"f\",\"handle\":2,\"expr\":[{\"xt\":{\"type\":\"match\",\"name\":\"policy\"}},{\"accept\":null}]}},"
		"{\"rule\":{\"family\":\"ip\",\"table\":\"t\",\"chain\":\"f\",\"handle\":3,\"expr\":[{\"match\":{\"op\":\"==\",\"left\":{\"meta\":{\"key\":\"oifname\"}},\"right\":{\"set\":[\"sgw1\",\"sgw2\"]}}},{\"accept\":null}]}}]}";
	struct nft_ruleset r2;
	struct nft_pkt p = pkt(IPPROTO_ICMP, "10.2.0.1", "10.1.0.1", "sgw1",
			       "lan0", "new");
	struct nft_verdict v;
	char err[128], buf[128];

	(void)state;
	assert_int_equal(nft_ruleset_parse(&r2, text, strlen(text), err,
					   sizeof(err)), 0);
	nft_evaluate(&r2, NFT_HOOK_FORWARD, &p, &v);
	assert_int_equal(v.kind, NFT_DROP);
	nft_rule_format(&v.rule, buf, sizeof(buf));
	assert_string_equal(buf, "ip t f policy");
	assert_true(v.undecided);
	assert_int_equal(v.maybe.handle, 2);
	p.oif = "sgw2";
	nft_evaluate(&r2, NFT_HOOK_FORWARD, &p, &v);
	assert_int_equal(v.kind, NFT_ACCEPT);
	/* IPv6 packets do not meet an ip-family chain. */
	p.family = AF_INET6;
	p.oif = "lan0";
	nft_evaluate(&r2, NFT_HOOK_FORWARD, &p, &v);
	assert_int_equal(v.kind, NFT_ACCEPT);
	nft_ruleset_free(&r2);
}

static void test_json_reader(void **state)
{
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\" 1}", "\"\\x\"", "01x", "[1] 2",
		"\"\x01\"", "{\"a\":tru}", "[\"\\ud800\"", NULL,
	};
	char err[128], deep[200];
	struct jsonp *n;
	uint64_t v;
	size_t i;
	static const char good[] =
		"{\"k\":[\"a\\u00e9\\ud83d\\ude00\\n\",1.5,7,null,true]}";

	(void)state;
	n = jsonp_parse(good, strlen(good), err, sizeof(err));
	assert_non_null(n);
	assert_string_equal(jsonp_get(n, "k")->child->str,
			    "a\xc3\xa9\xf0\x9f\x98\x80\n");
	assert_false(jsonp_uint(jsonp_get(n, "k")->child->next, &v));
	assert_true(jsonp_uint(jsonp_get(n, "k")->child->next->next, &v));
	assert_int_equal(v, 7);
	jsonp_free(n);
	for (i = 0; bad[i]; i++) {
		n = jsonp_parse(bad[i], strlen(bad[i]), err, sizeof(err));
		assert_null(n);
		assert_true(strncmp(err, "offset ", 7) == 0);
	}
	memset(deep, '[', sizeof(deep));
	assert_null(jsonp_parse(deep, sizeof(deep), err, sizeof(err)));
	assert_non_null(strstr(err, "nested deeper than 64"));
	assert_int_equal(nft_ruleset_parse(&(struct nft_ruleset){ 0 }, "[]", 2,
					   err, sizeof(err)), -1);
	assert_string_equal(err, "no \"nftables\" array");
}

static void test_findings(void **state)
{
	struct findings f = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	assert_int_equal(finding_add(&f, FINDING_NOTE, "hq", "mss-off", NULL,
				     "clamping is off on %s", "sgw1"), 0);
	assert_int_equal(finding_add(&f, FINDING_ERROR, NULL, "daemon-down",
				     "systemctl start sgw", "no daemon"), 0);
	assert_int_equal(finding_add(&f, FINDING_WARNING, "hq", "ct-state",
				     "nft ...", "\"quoted\""), 0);
	findings_sort(&f);
	out = open_memstream(&buf, &len);
	finding_print(out, &f.v[0]);
	finding_print(out, &f.v[1]);
	finding_print(out, &f.v[2]);
	findings_json(out, &f);
	fclose(out);
	assert_string_equal(buf,
		"error: -: no daemon; fix: systemctl start sgw\n"
		"warning: hq: \"quoted\"; fix: nft ...\n"
		"note: hq: clamping is off on sgw1\n"
		"{\"version\":1,\"findings\":["
		"{\"severity\":\"error\",\"code\":\"daemon-down\","
		"\"message\":\"no daemon\",\"fix\":\"systemctl start sgw\"},"
		"{\"severity\":\"warning\",\"tunnel\":\"hq\",\"code\":\"ct-state\","
		"\"message\":\"\\\"quoted\\\"\",\"fix\":\"nft ...\"},"
		"{\"severity\":\"note\",\"tunnel\":\"hq\",\"code\":\"mss-off\","
		"\"message\":\"clamping is off on sgw1\"}]}\n");
	assert_int_equal(f.errors, 1);
	assert_int_equal(f.warnings, 1);
	assert_int_equal(f.notes, 1);
	free(buf);
	findings_free(&f);
}

/* The NAT findings' lines, as "sgwctl check" prints them. */
static char *nat_lines(const struct nat_facts *n)
{
	struct findings f = { 0 };
	char *buf = NULL;
	size_t len = 0, i;
	FILE *out = open_memstream(&buf, &len);

	assert_int_equal(finding_nat(&f, n), 0);
	findings_sort(&f);
	for (i = 0; i < f.n; i++)
		finding_print(out, &f.v[i]);
	fclose(out);
	findings_free(&f);
	return buf;
}

static void expect_nat(const struct nat_facts *n, const char *want)
{
	char *got = nat_lines(n);

	assert_string_equal(got, want);
	free(got);
}

/* The probe findings of one tunnel's probes, as check prints them. */
static void expect_probe(const struct ctl_probe *v, unsigned int n,
			 const char *want)
{
	struct findings f = { 0 };
	char *buf = NULL;
	size_t len = 0, i;
	FILE *out = open_memstream(&buf, &len);

	assert_int_equal(finding_probe(&f, "gw", v, n), 0);
	findings_sort(&f);
	for (i = 0; i < f.n; i++)
		finding_print(out, &f.v[i]);
	fclose(out);
	findings_free(&f);
	assert_string_equal(buf, want);
	free(buf);
}

static void probe_set(struct ctl_probe *p, unsigned int port,
		      const char *result, uint64_t ms, const char *answer,
		      const char *detail, const char *nat)
{
	memset(p, 0, sizeof(*p));
	p->port = port;
	p->ms = ms;
	snprintf(p->result, sizeof(p->result), "%s", result);
	snprintf(p->answer, sizeof(p->answer), "%s", answer);
	snprintf(p->detail, sizeof(p->detail), "%s", detail);
	snprintf(p->nat, sizeof(p->nat), "%s", nat);
	snprintf(p->from, sizeof(p->from), "192.0.2.1:%u", port);
	snprintf(p->to, sizeof(p->to), "192.0.2.2:%u", port);
}

static void test_probe_findings(void **state)
{
	struct ctl_probe v[2];

	(void)state;
	/* Both answer, no NAT: said once, from the first answer. */
	probe_set(&v[0], 500, "answered", 12, "chosen",
		  "aes256gcm16-prfsha384-x25519", "none");
	probe_set(&v[1], 4500, "answered", 9, "chosen",
		  "aes256gcm16-prfsha384-x25519", "none");
	expect_probe(v, 2,
		"note: gw: IKE on 192.0.2.2:500 answers in 12 ms (probe from "
		"192.0.2.1:500): it chose aes256gcm16-prfsha384-x25519\n"
		"note: gw: no NAT between the gateways: the peer sees the probe "
		"from 192.0.2.1:500 as sent, and answers from 192.0.2.2:500 "
		"(NAT detection of the probe)\n"
		"note: gw: IKE on 192.0.2.2:4500 answers in 9 ms (probe from "
		"192.0.2.1:4500): it chose aes256gcm16-prfsha384-x25519\n");
	/* 500 silent, 4500 answers behind a NAT. */
	probe_set(&v[0], 500, "silent", 3000, "", "", "");
	probe_set(&v[1], 4500, "answered", 1500, "chosen", "aes128-sha256-"
		  "modp2048", "local");
	expect_probe(v, 2,
		"error: gw: no IKE answer from 192.0.2.2:500 in 3 s (probe "
		"from 192.0.2.1:500); fix: let UDP 500 between 192.0.2.1 and "
		"192.0.2.2 pass every filter on the path and at the peer, and "
		"check that the peer runs IKE on 192.0.2.2\n"
		"note: gw: IKE on 192.0.2.2:4500 answers in 1.5 s (probe from "
		"192.0.2.1:4500): it chose aes128-sha256-modp2048\n"
		"note: gw: NAT between the gateways: we are behind a NAT (the "
		"peer sees another address or port than ours) (NAT detection "
		"of the probe from 192.0.2.1:4500 to 192.0.2.2:4500); IKE and "
		"ESP go in UDP 4500\n");
	/* 500 refuses, 4500 silent: a warning for 4500 only. */
	probe_set(&v[0], 500, "answered", 3, "refused", "NO_PROPOSAL_CHOSEN",
		  "off");
	probe_set(&v[1], 4500, "silent", 2500, "", "", "");
	expect_probe(v, 2,
		"error: gw: IKE on 192.0.2.2:500 answers in 3 ms with "
		"NO_PROPOSAL_CHOSEN: the peer accepts none of our IKE "
		"proposals; fix: give ike-proposals one proposal both gateways "
		"accept (the peer's log names what it accepts)\n"
		"warning: gw: no IKE answer from 192.0.2.2:4500 in 2.5 s, "
		"while UDP 500 answers: with a NAT between the gateways IKE "
		"and ESP move to UDP 4500 and would stop there; fix: let UDP "
		"4500 between 192.0.2.1 and 192.0.2.2 pass every filter on the "
		"path and at the peer\n");
	/* A COOKIE, INVALID_KE, a peer without NAT detection, the rest. */
	probe_set(&v[0], 500, "answered", 4, "cookie", "", "off");
	expect_probe(v, 1,
		"note: gw: IKE on 192.0.2.2:500 answers in 4 ms with a COOKIE: "
		"the peer is under load (many half-open IKE SAs) and has each "
		"initiator prove its address first; negotiation takes one "
		"round trip more\n");
	probe_set(&v[0], 500, "answered", 4, "invalid-ke", "19 ecp256", "off");
	expect_probe(v, 1,
		"note: gw: IKE on 192.0.2.2:500 answers in 4 ms with "
		"INVALID_KE_PAYLOAD: the peer wants DH group ecp256, not our "
		"first proposal's; negotiation takes one round trip more; fix: "
		"put ecp256 first in the DH groups of ike-proposals (or the "
		"peer's group of ours first there)\n");
	probe_set(&v[0], 500, "answered", 4, "chosen", "aes128-sha256-"
		  "modp2048", "off");
	expect_probe(v, 1,
		"note: gw: IKE on 192.0.2.2:500 answers in 4 ms (probe from "
		"192.0.2.1:500): it chose aes128-sha256-modp2048\n"
		"note: gw: the answer on 192.0.2.2:500 carries no NAT "
		"detection: the peer does no NAT traversal, so a NAT between "
		"the gateways would go unnoticed; fix: nat-traversal = yes at "
		"the peer\n");
	probe_set(&v[0], 500, "answered", 4, "refused",
		  "AUTHENTICATION_FAILED", "off");
	expect_probe(v, 1,
		"error: gw: IKE on 192.0.2.2:500 answers in 4 ms but refuses "
		"IKE_SA_INIT: AUTHENTICATION_FAILED; fix: see the peer's log "
		"for why\n");
	probe_set(&v[0], 500, "unsent", 0, "", "no IKE socket on that "
		  "address and port", "");
	expect_probe(v, 1,
		"error: gw: the probe to 192.0.2.2:500 could not be sent: no "
		"IKE socket on that address and port\n");
	probe_set(&v[0], 500, "skipped", 0, "", "tunnel gw is disabled in "
		  "the configuration", "");
	expect_probe(v, 1, "note: gw: not probed: tunnel gw is disabled in "
		     "the configuration\n");
}

static void test_nat_findings(void **state)
{
	struct nat_facts n = {
		.tunnel = "gw", .nat = "local",
		.ike_local = "192.168.100.2:4500",
		.ike_remote = "203.0.113.2:4500", .failure = "",
		.nat_traversal = true, .keepalive_s = 20,
	};
	char host[64], *got;

	(void)state;
	/* This side behind the NAT, keepalives on. */
	expect_nat(&n, "note: gw: NAT detection in IKE_SA_INIT found this "
		"gateway behind a NAT (the peer sees it at another address or "
		"port): IKE and ESP go in UDP between 192.168.100.2:4500 (here) "
		"and 203.0.113.2:4500 (the peer); a NAT keepalive goes out "
		"whenever nothing else went to the peer for 20 s, holding this "
		"side's mapping open; a NAT mapping that "
		"changes is followed (the new address and port are taken from "
		"authenticated IKE messages)\n");
	/* ...keepalives off: the warning names the key and a value. */
	n.keepalive_s = 0;
	expect_nat(&n, "warning: gw: this gateway is behind a NAT and "
		"nat-keepalive = 0s: no NAT keepalives go out, so the NAT "
		"forgets the mapping of 192.168.100.2:4500 while the tunnel is "
		"quiet, and the peer's IKE and ESP stop reaching this gateway; "
		"fix: nat-keepalive = 20s in [tunnel gw], then sgwctl reload\n"
		"note: gw: NAT detection in IKE_SA_INIT found this gateway "
		"behind a NAT (the peer sees it at another address or port): IKE "
		"and ESP go in UDP between 192.168.100.2:4500 (here) and "
		"203.0.113.2:4500 (the peer); a NAT mapping that changes is "
		"followed (the new address and port are taken from "
		"authenticated IKE messages)\n");
	/* The peer behind it: keepalives are its part, none warned here. */
	n.nat = "remote";
	n.ike_local = "203.0.113.2:4500";
	n.ike_remote = "203.0.113.1:40003";
	expect_nat(&n, "note: gw: NAT detection in IKE_SA_INIT found the peer "
		"behind a NAT (it sends from another address or port than it "
		"sees): IKE and ESP go in UDP between 203.0.113.2:4500 (here) "
		"and 203.0.113.1:40003 (the peer); the peer's NAT keepalives "
		"hold its mapping open; a NAT mapping that changes is followed "
		"(the new address and port are taken from authenticated IKE "
		"messages)\n");
	/* Both behind NATs: this side's keepalives matter again. */
	n.nat = "both";
	got = nat_lines(&n);
	assert_true(strncmp(got, "warning: gw: this gateway is behind a NAT "
			    "and nat-keepalive = 0s", 62) == 0);
	assert_non_null(strstr(got, "\nnote: gw: NAT detection in IKE_SA_INIT "
			       "found both gateways behind NATs: "));
	free(got);
	/* No NAT, ESP in UDP forced. */
	n.nat = "encap";
	n.encap = true;
	n.keepalive_s = 20;
	expect_nat(&n, "note: gw: NAT detection in IKE_SA_INIT found no NAT "
		"between the gateways; IKE and ESP go in UDP between "
		"203.0.113.2:4500 (here) and 203.0.113.1:40003 (the peer) all "
		"the same, as encap = yes asks\n");
	/* Nothing to say: no NAT, or not negotiated yet. */
	n.nat = "none";
	expect_nat(&n, "");
	n.nat = "";
	n.ike_local = n.ike_remote = "";
	expect_nat(&n, "");
	/* NAT traversal on here, none at the peer, the port rewritten. */
	n.nat = "off";
	n.ike_local = "203.0.113.2:500";
	n.ike_remote = "203.0.113.1:40001";
	expect_nat(&n, "warning: gw: the peer's IKE comes from "
		"203.0.113.1:40001, not port 500: a NAT between the gateways "
		"rewrites it, and the peer does no NAT detection: ESP crosses "
		"the NAT unencapsulated (IP protocol 50), which most NATs do "
		"not pass, and a mapping that changes is not followed; fix: "
		"turn NAT traversal on at the peer (nat-traversal = yes "
		"there)\n");
	/* Port 500 itself says nothing; nor does "off" from our own key. */
	n.ike_remote = "203.0.113.1:500";
	expect_nat(&n, "");
	n.ike_remote = "203.0.113.1:40001";
	n.nat_traversal = false;
	expect_nat(&n, "");
	/* A failure the daemon puts down to the NAT. */
	n.nat = "";
	n.ike_remote = "";
	n.failure = "AUTHENTICATION_FAILED: we rejected peer 203.0.113.1: it "
		"identified as '192.168.100.2', we expect '203.0.113.1'; a NAT "
		"is in the way: the peer sits behind one, so its address "
		"identity may be its private address";
	n.state = "established";
	expect_nat(&n, "");
	n.state = "failed";
	expect_nat(&n, "warning: gw: IKE failed with a NAT between the "
		"gateways: an address identity (the default) names an address "
		"the NAT rewrites; fix: set local-id and remote-id to fqdn: "
		"identities at both ends (local-id here equal to remote-id "
		"there), then sgwctl reload\n");
	/* The helpers, IPv6 too. */
	assert_true(nat_in_use("encap"));
	assert_false(nat_in_use("off"));
	assert_false(nat_in_use(NULL));
	assert_int_equal(nat_port_of("[2001:db8::1]:4500"), 4500);
	assert_int_equal(nat_port_of("192.0.2.1:"), 0);
	assert_int_equal(nat_port_of("192.0.2.1:70000"), 0);
	assert_int_equal(nat_port_of(""), 0);
	nat_host_of("[2001:db8::1]:4500", host, sizeof(host));
	assert_string_equal(host, "2001:db8::1");
	nat_host_of("203.0.113.1:40003", host, sizeof(host));
	assert_string_equal(host, "203.0.113.1");
	nat_host_of("", host, sizeof(host));
	assert_string_equal(host, "");
}

/* The NAT-T packet as check builds it, against a rule on UDP 4500. */
static void test_natt_rule(void **state)
{
	static const char text[] =
		"{\"nftables\":[{\"chain\":{\"family\":\"inet\",\"table\":\"t\",\"name\":\"in\",\"handle\":1,\"type\":\"filter\",\"hook\":\"input\",\"prio\":0,\"policy\":\"accept\"}},"
		/* udp dport ipsec-nat-t drop */
		"{\"rule\":{\"family\":\"inet\",\"table\":\"t\",\"chain\":\"in\",\"handle\":2,\"expr\":[{\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"udp\",\"field\":\"dport\"}},\"right\":\"ipsec-nat-t\"}},{\"drop\":null}]}}]}";
	struct nft_ruleset r2;
	struct nft_pkt p = pkt(IPPROTO_UDP, "203.0.113.1", "203.0.113.2",
			       "wan0", NULL, "new");
	struct nft_verdict v;
	char err[128];

	(void)state;
	assert_int_equal(nft_ruleset_parse(&r2, text, strlen(text), err,
					   sizeof(err)), 0);
	p.sport = 40003;
	p.dport = 4500;
	nft_evaluate(&r2, NFT_HOOK_INPUT, &p, &v);
	assert_int_equal(v.kind, NFT_DROP);
	assert_int_equal(v.rule.handle, 2);
	p.dport = 500;
	nft_evaluate(&r2, NFT_HOOK_INPUT, &p, &v);
	assert_int_equal(v.kind, NFT_ACCEPT);
	nft_ruleset_free(&r2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ike),
		cmocka_unit_test(test_esp),
		cmocka_unit_test(test_icmp_and_ranges),
		cmocka_unit_test(test_nat),
		cmocka_unit_test(test_policy_and_undecided),
		cmocka_unit_test(test_json_reader),
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_nat_findings),
		cmocka_unit_test(test_probe_findings),
		cmocka_unit_test(test_natt_rule),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
