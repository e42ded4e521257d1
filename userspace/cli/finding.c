// SPDX-License-Identifier: GPL-2.0
/* The findings of "sgwctl check"; see finding.h. */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "json.h"

int finding_add(struct findings *f, enum finding_sev sev, const char *tunnel,
		const char *code, const char *fix, const char *fmt, ...)
{
	struct finding *v = realloc(f->v, (f->n + 1) * sizeof(*v)), *x;
	va_list ap;

	if (!v)
		return -1;
	f->v = v;
	x = &v[f->n++];
	memset(x, 0, sizeof(*x));
	x->sev = sev;
	snprintf(x->tunnel, sizeof(x->tunnel), "%s", tunnel ? tunnel : "-");
	snprintf(x->code, sizeof(x->code), "%s", code);
	snprintf(x->fix, sizeof(x->fix), "%s", fix ? fix : "");
	va_start(ap, fmt);
	vsnprintf(x->text, sizeof(x->text), fmt, ap);
	va_end(ap);
	if (sev == FINDING_ERROR)
		f->errors++;
	else if (sev == FINDING_WARNING)
		f->warnings++;
	else
		f->notes++;
	return 0;
}

void findings_free(struct findings *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}

const char *finding_sev_name(enum finding_sev s)
{
	return s == FINDING_ERROR ? "error" :
	       s == FINDING_WARNING ? "warning" : "note";
}

void findings_sort(struct findings *f)
{
	size_t i, k;

	/* Insertion sort: stable, and the lists are short. */
	for (i = 1; i < f->n; i++) {
		struct finding x = f->v[i];

		for (k = i; k > 0 && f->v[k - 1].sev > x.sev; k--)
			f->v[k] = f->v[k - 1];
		f->v[k] = x;
	}
}

void finding_print(FILE *out, const struct finding *x)
{
	fprintf(out, "%s: %s: %s%s%s\n", finding_sev_name(x->sev), x->tunnel,
		x->text, x->fix[0] ? "; fix: " : "", x->fix);
}

void findings_json(FILE *out, const struct findings *f)
{
	struct json j;
	size_t i;

	json_document_open(&j, out);
	json_array_open(&j, "findings");
	for (i = 0; i < f->n; i++) {
		const struct finding *x = &f->v[i];

		json_object_open(&j, NULL);
		json_string(&j, "severity", finding_sev_name(x->sev));
		if (strcmp(x->tunnel, "-"))
			json_string(&j, "tunnel", x->tunnel);
		json_string(&j, "code", x->code);
		json_string(&j, "message", x->text);
		if (x->fix[0])
			json_string(&j, "fix", x->fix);
		json_object_close(&j);
	}
	json_array_close(&j);
	json_document_close(&j);
}

/* ---- NAT between the gateways, from the daemon's NAT detection ---- */

bool nat_in_use(const char *nat)
{
	return nat && (!strcmp(nat, "local") || !strcmp(nat, "remote") ||
		       !strcmp(nat, "both") || !strcmp(nat, "encap"));
}

unsigned int nat_port_of(const char *addr_port)
{
	const char *c = addr_port ? strrchr(addr_port, ':') : NULL;
	char *end;
	unsigned long v;

	if (!c || !c[1])
		return 0;
	v = strtoul(c + 1, &end, 10);
	return *end || v > 65535 ? 0 : (unsigned int)v;
}

void nat_host_of(const char *addr_port, char *buf, size_t len)
{
	const char *c = addr_port ? strrchr(addr_port, ':') : NULL;
	size_t n;

	buf[0] = '\0';
	if (!c || !len)
		return;
	n = (size_t)(c - addr_port);
	if (n >= 2 && addr_port[0] == '[' && addr_port[n - 1] == ']') {
		addr_port++;
		n -= 2;
	}
	snprintf(buf, len, "%.*s", (int)n, addr_port);
}

int finding_nat(struct findings *f, const struct nat_facts *n)
{
	const char *nat = n->nat ? n->nat : "";
	bool here = !strcmp(nat, "local") || !strcmp(nat, "both");
	unsigned int port = nat_port_of(n->ike_remote);
	char keep[128] = "";
	int r = 0;

	if (here && n->keepalive_s)
		snprintf(keep, sizeof(keep), "; a NAT keepalive goes out "
			 "whenever nothing else went to the peer for %u s, "
			 "holding this side's mapping open",
			 n->keepalive_s);
	else if (!strcmp(nat, "remote"))
		snprintf(keep, sizeof(keep), "; the peer's NAT keepalives "
			 "hold its mapping open");
	if (nat_in_use(nat) && strcmp(nat, "encap"))
		r |= finding_add(f, FINDING_NOTE, n->tunnel, "nat", NULL,
			"NAT detection in IKE_SA_INIT found %s: IKE and ESP "
			"go in UDP between %s (here) and %s (the peer)%s; a NAT "
			"mapping that changes is followed (the new address and "
			"port are taken from authenticated IKE messages)",
			!strcmp(nat, "local") ? "this gateway behind a NAT "
			"(the peer sees it at another address or port)" :
			!strcmp(nat, "remote") ? "the peer behind a NAT (it "
			"sends from another address or port than it sees)" :
			"both gateways behind NATs", n->ike_local,
			n->ike_remote, keep);
	else if (!strcmp(nat, "encap"))
		r |= finding_add(f, FINDING_NOTE, n->tunnel, "nat", NULL,
			"NAT detection in IKE_SA_INIT found no NAT between the "
			"gateways; IKE and ESP go in UDP between %s (here) and "
			"%s (the peer) all the same, as encap = yes asks",
			n->ike_local, n->ike_remote);
	if (here && !n->keepalive_s) {
		char fix[160];

		snprintf(fix, sizeof(fix), "nat-keepalive = 20s in [tunnel "
			 "%s], then sgwctl reload", n->tunnel);
		r |= finding_add(f, FINDING_WARNING, n->tunnel,
			"nat-keepalive-off", fix, "this gateway is behind a NAT "
			"and nat-keepalive = 0s: no NAT keepalives go out, so "
			"the NAT forgets the mapping of %s while the tunnel is "
			"quiet, and the peer's IKE and ESP stop reaching this "
			"gateway", n->ike_local);
	}
	/*
	 * NAT detection on here found none at the peer, yet the peer's IKE
	 * port was rewritten. (With nat-traversal = no here, the daemon
	 * takes IKE from the remote's port 500 only.)
	 */
	if (n->nat_traversal && !strcmp(nat, "off") && port && port != 500 &&
	    port != 4500)
		r |= finding_add(f, FINDING_WARNING, n->tunnel,
			"nat-no-traversal", "turn NAT traversal on at the peer "
			"(nat-traversal = yes there)", "the peer's IKE comes "
			"from %s, not port 500: a NAT between the gateways "
			"rewrites it, and the peer does no NAT detection: ESP "
			"crosses the NAT unencapsulated (IP protocol 50), which "
			"most NATs do not pass, and a mapping that changes is "
			"not followed", n->ike_remote);
	/* The last failure stays after a success: only while it holds. */
	if (n->state && (!strcmp(n->state, "failed") ||
			 !strcmp(n->state, "connecting")) &&
	    n->failure && strstr(n->failure, "a NAT is in the way"))
		r |= finding_add(f, FINDING_WARNING, n->tunnel, "nat-identity",
			"set local-id and remote-id to fqdn: identities at "
			"both ends (local-id here equal to remote-id there), "
			"then sgwctl reload", "IKE failed with a NAT between "
			"the gateways: an address identity (the default) "
			"names an address the NAT rewrites");
	return r ? -1 : 0;
}

/* "12 ms", "3 s", "2.5 s" */
static void probe_time(uint64_t ms, char *buf, size_t len)
{
	if (ms < 1000)
		snprintf(buf, len, "%llu ms", (unsigned long long)ms);
	else if (ms % 1000 == 0)
		snprintf(buf, len, "%llu s", (unsigned long long)(ms / 1000));
	else
		snprintf(buf, len, "%llu.%llu s", (unsigned long long)(ms / 1000),
			 (unsigned long long)(ms % 1000 / 100));
}

static int probe_answer(struct findings *f, const char *tunnel,
			const struct ctl_probe *p)
{
	char t[32];

	probe_time(p->ms, t, sizeof(t));
	if (!strcmp(p->answer, "chosen"))
		return finding_add(f, FINDING_NOTE, tunnel, "probe-answer",
				   NULL, "IKE on %s answers in %s (probe from "
				   "%s): it chose %s", p->to, t, p->from,
				   p->detail);
	if (!strcmp(p->answer, "cookie"))
		return finding_add(f, FINDING_NOTE, tunnel, "probe-cookie",
				   NULL, "IKE on %s answers in %s with a "
				   "COOKIE: the peer is under load (many "
				   "half-open IKE SAs) and has each initiator "
				   "prove its address first; negotiation takes "
				   "one round trip more", p->to, t);
	if (!strcmp(p->answer, "invalid-ke")) {
		/* "19 ecp256": the name after the number. */
		const char *g = strchr(p->detail, ' ');
		char fix[200];

		g = g ? g + 1 : p->detail;
		snprintf(fix, sizeof(fix), "put %s first in the DH groups of "
			 "ike-proposals (or the peer's group of ours first "
			 "there)", g);
		return finding_add(f, FINDING_NOTE, tunnel, "probe-invalid-ke",
				   fix, "IKE on %s answers in %s with "
				   "INVALID_KE_PAYLOAD: the peer wants DH group "
				   "%s, not our first proposal's; negotiation "
				   "takes one round trip more", p->to, t, g);
	}
	if (!strcmp(p->answer, "refused") &&
	    !strcmp(p->detail, "NO_PROPOSAL_CHOSEN"))
		return finding_add(f, FINDING_ERROR, tunnel, "probe-refused",
				   "give ike-proposals one proposal both "
				   "gateways accept (the peer's log names what "
				   "it accepts)", "IKE on %s answers in %s "
				   "with NO_PROPOSAL_CHOSEN: the peer accepts "
				   "none of our IKE proposals", p->to, t);
	if (!strcmp(p->answer, "refused"))
		return finding_add(f, FINDING_ERROR, tunnel, "probe-refused",
				   "see the peer's log for why", "IKE on %s "
				   "answers in %s but refuses IKE_SA_INIT: %s",
				   p->to, t, p->detail);
	return finding_add(f, FINDING_WARNING, tunnel, "probe-strange",
			   NULL, "IKE on %s answers in %s, but not as IKEv2 "
			   "should: %s", p->to, t, p->detail);
}

static int probe_nat(struct findings *f, const char *tunnel,
		     const struct ctl_probe *p)
{
	if (!strcmp(p->nat, "off"))
		return finding_add(f, FINDING_NOTE, tunnel, "probe-nat",
				   "nat-traversal = yes at the peer",
				   "the answer on %s carries no NAT detection: "
				   "the peer does no NAT traversal, so a NAT "
				   "between the gateways would go unnoticed",
				   p->to);
	if (!strcmp(p->nat, "none"))
		return finding_add(f, FINDING_NOTE, tunnel, "probe-nat", NULL,
				   "no NAT between the gateways: the peer sees "
				   "the probe from %s as sent, and answers "
				   "from %s (NAT detection of the probe)",
				   p->from, p->to);
	if (!strcmp(p->nat, "local") || !strcmp(p->nat, "remote") ||
	    !strcmp(p->nat, "both"))
		return finding_add(f, FINDING_NOTE, tunnel, "probe-nat", NULL,
				   "NAT between the gateways: %s%s%s (NAT "
				   "detection of the probe from %s to %s); IKE "
				   "and ESP go in UDP 4500",
				   strcmp(p->nat, "remote") ? "we are behind a "
				   "NAT (the peer sees another address or port "
				   "than ours)" : "",
				   !strcmp(p->nat, "both") ? ", " : "",
				   strcmp(p->nat, "local") ? "the peer is "
				   "behind a NAT (it answers from another "
				   "address or port than it sees)" : "",
				   p->from, p->to);
	return 0;
}

int finding_probe(struct findings *f, const char *tunnel,
		  const struct ctl_probe *v, unsigned int n)
{
	bool ike_answers = false, nat_said = false;
	unsigned int i;
	char t[32], fix[320];
	int r = 0;

	for (i = 0; i < n; i++)
		if (v[i].port != 4500 && !strcmp(v[i].result, "answered"))
			ike_answers = true;
	for (i = 0; i < n; i++) {
		const struct ctl_probe *p = &v[i];
		char from[64], to[64];

		nat_host_of(p->from, from, sizeof(from));
		nat_host_of(p->to, to, sizeof(to));
		probe_time(p->ms, t, sizeof(t));
		if (!strcmp(p->result, "answered")) {
			r |= probe_answer(f, tunnel, p);
			if (!nat_said && !strcmp(p->answer, "chosen") &&
			    p->nat[0]) {
				r |= probe_nat(f, tunnel, p);
				nat_said = true;
			}
		} else if (!strcmp(p->result, "silent") && p->port == 4500 &&
			   ike_answers) {
			snprintf(fix, sizeof(fix), "let UDP 4500 between %s "
				 "and %s pass every filter on the path and at "
				 "the peer", from, to);
			r |= finding_add(f, FINDING_WARNING, tunnel,
				"probe-silent-4500", fix, "no IKE answer from "
				"%s in %s, while UDP %u answers: with a NAT "
				"between the gateways IKE and ESP move to UDP "
				"4500 and would stop there", p->to, t,
				v[0].port);
		} else if (!strcmp(p->result, "silent")) {
			snprintf(fix, sizeof(fix), "let UDP %u between %s "
				 "and %s pass every filter on the path and at "
				 "the peer, and check that the peer runs IKE on "
				 "%s", p->port, from, to, to);
			r |= finding_add(f, FINDING_ERROR, tunnel,
				"probe-silent", fix, "no IKE answer from %s in "
				"%s (probe from %s)", p->to, t, p->from);
		} else if (!strcmp(p->result, "unsent")) {
			r |= finding_add(f, FINDING_ERROR, tunnel,
				"probe-unsent", NULL, "the probe to %s could "
				"not be sent: %s", p->to, p->detail);
		} else {
			r |= finding_add(f, FINDING_NOTE, tunnel,
				"probe-skipped", NULL, "not probed: %s",
				p->detail);
		}
	}
	return r ? -1 : 0;
}
