// SPDX-License-Identifier: GPL-2.0
/*
 * "sgwctl trace SRC DST ...": the arguments and the answer's two forms,
 * text (one decision a line, then the verdict) and JSON (one object).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "args.h"
#include "json.h"
#include "trace.h"

static const struct {
	const char *name;
	unsigned int number;
} protos[] = {
	{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "gre", 47 },
	{ "esp", 50 }, { "icmpv6", 58 }, { "sctp", 132 }, { "udplite", 136 },
};

#define N_PROTOS (sizeof(protos) / sizeof(protos[0]))

int trace_proto_parse(const char *s)
{
	unsigned long v;
	char *end;
	size_t i;

	for (i = 0; i < N_PROTOS; i++)
		if (!strcasecmp(protos[i].name, s))
			return (int)protos[i].number;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 255)
		return -1;
	return (int)v;
}

const char *trace_proto_name(unsigned int p)
{
	size_t i;

	for (i = 0; i < N_PROTOS; i++)
		if (protos[i].number == p)
			return protos[i].name;
	return NULL;
}

static bool proto_has_ports(unsigned int p)
{
	return p == 6 || p == 17 || p == 132 || p == 136;
}

const char *trace_verdict_name(unsigned int v)
{
	static const char *const names[] = {
		[SGW_TRACE_NO_ROUTE] = "no-route",
		[SGW_TRACE_CLEAR] = "clear",
		[SGW_TRACE_EXEMPT] = "exempt",
		[SGW_TRACE_DROPPED] = "dropped",
		[SGW_TRACE_HELD] = "held",
		[SGW_TRACE_ICMP] = "icmp",
		[SGW_TRACE_ENCRYPTED] = "encrypted",
	};

	return v < sizeof(names) / sizeof(names[0]) && names[v] ? names[v] :
								 "unknown";
}

static const char *fragment_name(unsigned int f)
{
	switch (f) {
	case SGW_TRACE_FRAG_NONE:
		return "none";
	case SGW_TRACE_FRAG_BEFORE:
		return "before";
	case SGW_TRACE_FRAG_AFTER:
		return "after";
	default:
		return "unknown";
	}
}

static int bad(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_port(const char *field, const char *s, uint16_t *out,
		      char *err, size_t errlen)
{
	uint32_t v;
	int ret = parse_u32(field, s, 1, 65535, &v, err, errlen);

	if (!ret)
		*out = (uint16_t)v;
	return ret;
}

/* What only the whole request can tell: families, ports, size, DF. */
static int check_request(const struct sgw_trace_request *req,
			 const char *src, const char *dst, char *err,
			 size_t errlen)
{
	bool v4 = req->src.family == AF_INET;

	if (req->src.family != req->dst.family)
		return bad(err, errlen,
			   "SRC %s and DST %s are of two families: give two IPv4 or two IPv6 addresses",
			   src, dst);
	if ((req->set_sport || req->set_dport) &&
	    (!req->set_proto || !proto_has_ports(req->proto)))
		return bad(err, errlen,
			   "%s needs a protocol with ports: give \"proto tcp\" (or udp, sctp, udplite)",
			   req->set_sport ? "sport" : "dport");
	if (req->set_size && req->size < (v4 ? 20u : 40u))
		return bad(err, errlen,
			   "size %" PRIu32 " is below the %s header: give at least %u bytes",
			   req->size, v4 ? "20-byte IPv4" : "40-byte IPv6",
			   v4 ? 20 : 40);
	if (req->df && !v4)
		return bad(err, errlen,
			   "df is an IPv4 header bit and DST %s is IPv6 (never fragmented on the way): leave df out",
			   dst);
	return 0;
}

enum { KW_PROTO, KW_SPORT, KW_DPORT, KW_SIZE, KW_DF, N_KW };

static const char *const keywords[N_KW] = {
	"proto", "sport", "dport", "size", "df",
};

static int keyword(const char *s)
{
	int k;

	for (k = 0; k < N_KW; k++)
		if (!strcmp(keywords[k], s))
			return k;
	return -1;
}

static const char *const value_hint[N_KW] = {
	"tcp, udp, icmp, icmpv6, sctp, udplite or a number 0..255",
	"a port 1..65535", "a port 1..65535",
	"the bytes of the whole packet, IP header included", "",
};

int trace_parse(int argc, char **argv, struct sgw_trace_request *req,
		char *err, size_t errlen)
{
	struct sgw_trace_request r = { 0 };
	bool seen[N_KW] = { false };
	int i, p, ret = 0;

	if (argc < 2)
		return bad(err, errlen,
			   "expected SRC and DST addresses: sgwctl trace %s",
			   TRACE_USAGE);
	ret = parse_addr("SRC", argv[0], &r.src, err, errlen);
	if (!ret)
		ret = parse_addr("DST", argv[1], &r.dst, err, errlen);
	if (ret)
		return ret;
	for (i = 2; i < argc; i++) {
		int k = keyword(argv[i]);
		const char *v;

		if (k < 0)
			return bad(err, errlen,
				   "unknown keyword \"%s\": expected proto, sport, dport, size or df",
				   argv[i]);
		if (seen[k])
			return bad(err, errlen, "\"%s\" given twice: give it once",
				   keywords[k]);
		seen[k] = true;
		if (k == KW_DF) {
			r.df = true;
			continue;
		}
		if (i + 1 >= argc)
			return bad(err, errlen, "\"%s\" needs a value: %s",
				   keywords[k], value_hint[k]);
		v = argv[++i];
		switch (k) {
		case KW_PROTO:
			p = trace_proto_parse(v);
			if (p < 0)
				return bad(err, errlen,
					   "proto \"%s\" is not valid: use %s",
					   v, value_hint[k]);
			r.proto = (uint8_t)p;
			r.set_proto = true;
			break;
		case KW_SPORT:
			ret = parse_port("sport", v, &r.sport, err, errlen);
			r.set_sport = true;
			break;
		case KW_DPORT:
			ret = parse_port("dport", v, &r.dport, err, errlen);
			r.set_dport = true;
			break;
		default:
			ret = parse_u32("size", v, 1, 65535, &r.size, err,
					errlen);
			r.set_size = true;
			break;
		}
		if (ret)
			return ret;
	}
	ret = check_request(&r, argv[0], argv[1], err, errlen);
	if (ret)
		return ret;
	*req = r;
	return 0;
}

static const char *alg_name(uint32_t id)
{
	const struct sgw_alg_spec *a = sgw_alg_by_id(id);

	return a ? a->name : "unknown";
}

static void print_proto(FILE *out, unsigned int p)
{
	const char *name = trace_proto_name(p);

	if (name)
		fputs(name, out);
	else
		fprintf(out, "proto %u", p);
}

/* " dev X via V" or " dev X" of a route. */
static void print_dev(FILE *out, const char *ifname,
		      const struct sgw_ipaddr *via)
{
	fprintf(out, "dev %s", ifname);
	if (via->family) {
		char a[64];

		sgw_addr_format(via, a, sizeof(a));
		fprintf(out, " via %s", a);
	}
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void print_size(FILE *out, const struct sgw_trace_result *r)
{
	bool v4 = r->src.family == AF_INET;

	fprintf(out, "size: %" PRIu32 " bytes ", r->size);
	if (r->has_icmp_mtu) {
		fprintf(out, "exceed the tunnel MTU %" PRIu32 "%s: %s, mtu %" PRIu32 "\n",
			r->tunnel_mtu, v4 ? " with DF" : "",
			v4 ? "ICMP fragmentation needed" : "ICMPv6 packet too big",
			r->icmp_mtu);
		return;
	}
	switch (r->fragment) {
	case SGW_TRACE_FRAG_BEFORE:
		fprintf(out, "exceed the tunnel MTU %" PRIu32 ": fragmented before encryption, each fragment its own ESP packet\n",
			r->tunnel_mtu);
		break;
	case SGW_TRACE_FRAG_AFTER:
		fprintf(out, "exceed the tunnel MTU %" PRIu32 ": one ESP packet, fragmented after encryption\n",
			r->tunnel_mtu);
		break;
	default:
		fprintf(out, "fit the tunnel MTU %" PRIu32 "\n", r->tunnel_mtu);
		break;
	}
}

static void print_outer(FILE *out, const struct sgw_trace_result *r)
{
	char s[64], d[64];

	sgw_addr_format(&r->outer_src, s, sizeof(s));
	sgw_addr_format(&r->outer_dst, d, sizeof(d));
	fprintf(out, "%s -> %s %" PRIu32 " bytes %s", s, d, r->outer_size,
		r->outer_df ? "DF" : "no DF");
	if (r->encap_dport)
		fprintf(out, ", ESP in UDP %u -> %u", r->encap_sport,
			r->encap_dport);
	if (r->fragment == SGW_TRACE_FRAG_BEFORE)
		fputs(" (first fragment)", out);
	else if (r->fragment == SGW_TRACE_FRAG_AFTER)
		fputs(", fragmented after encryption", out);
}

static void print_verdict(FILE *out, const struct sgw_trace_result *r)
{
	char d[64];

	fputs("verdict: ", out);
	switch (r->verdict) {
	case SGW_TRACE_NO_ROUTE:
		sgw_addr_format(&r->dst, d, sizeof(d));
		fprintf(out, "no route to %s\n", d);
		return;
	case SGW_TRACE_CLEAR:
		fprintf(out, "not into an sgw tunnel: leaves through dev %s unencrypted\n",
			r->ifname);
		return;
	case SGW_TRACE_EXEMPT:
		fputs("exempt: in clear around the tunnels through ", out);
		print_dev(out, r->underlay_ifname, &r->underlay_via);
		fputc('\n', out);
		return;
	case SGW_TRACE_DROPPED:
		fprintf(out, "dropped, counted as %s\n", sgw_drop_name(r->drop));
		return;
	case SGW_TRACE_HELD:
		fprintf(out, "held while the IKE daemon negotiates an SA (up to %d s, then hold-timeout)\n",
			SGW_HOLD_TIMEOUT_S);
		return;
	case SGW_TRACE_ICMP:
		fprintf(out, "refused with %s, mtu %" PRIu32 "\n",
			r->src.family == AF_INET ? "ICMP fragmentation needed" :
						   "ICMPv6 packet too big",
			r->icmp_mtu);
		return;
	case SGW_TRACE_ENCRYPTED:
		fprintf(out, "encrypted with SA 0x%08" PRIx32 " (%s), outer ",
			r->spi, alg_name(r->alg));
		print_outer(out, r);
		fputc('\n', out);
		return;
	default:
		fprintf(out, "unknown (%u): a newer module\n", r->verdict);
		return;
	}
}

static void print_path(FILE *out, const struct sgw_trace_result *r)
{
	if (r->ifindex) {
		fputs("route: ", out);
		print_dev(out, r->ifname, &r->via);
		fputc('\n', out);
	}
	if (r->in_tunnel)
		fprintf(out, "tunnel: %" PRIu32 ", %s\n", r->tunnel_id,
			r->enabled ? "enabled" : "disabled");
	if (r->has_ts)
		fprintf(out, "selectors: source in local-ts %s, destination in remote-ts %s\n",
			yes_no(r->local_ts_match), yes_no(r->remote_ts_match));
	if (r->exempt) {
		char a[64];

		sgw_addr_format(&r->dst, a, sizeof(a));
		fprintf(out, "exemption: %s is the remote SGW of tunnel %" PRIu32 "\n",
			a, r->exempt_tunnel_id);
	}
	if (r->no_sa)
		fprintf(out, "sa: none; %s (%" PRIu32 " of %d held now)\n",
			r->daemon ? "an IKE daemon is registered: held and an SA asked for" :
				    "no IKE daemon registered: dropped as no-sa",
			r->held, SGW_HOLD_MAX);
	if (r->has_sa) {
		fprintf(out, "sa: 0x%08" PRIx32 " %s", r->spi, alg_name(r->alg));
		if (r->encap_dport)
			fprintf(out, ", ESP in UDP %u -> %u", r->encap_sport,
				r->encap_dport);
		fputc('\n', out);
	}
	if (r->underlay_ifindex) {
		fputs("underlay: ", out);
		print_dev(out, r->underlay_ifname, &r->underlay_via);
		fputc('\n', out);
	}
}

void trace_print_text(FILE *out, const struct sgw_trace_result *r)
{
	char s[64], d[64];

	sgw_addr_format(&r->src, s, sizeof(s));
	sgw_addr_format(&r->dst, d, sizeof(d));
	fprintf(out, "packet: %s -> %s ", s, d);
	print_proto(out, r->proto);
	if (r->has_ports)
		fprintf(out, " %u -> %u", r->sport, r->dport);
	fprintf(out, ", %" PRIu32 " bytes%s\n", r->size, r->df ? ", DF" : "");
	print_path(out, r);
	if (r->has_mtu)
		fprintf(out, "mtu: path %" PRIu32 ", tunnel %" PRIu32 "\n",
			r->path_mtu, r->tunnel_mtu);
	if (r->has_mtu && (r->has_icmp_mtu || r->has_outer))
		print_size(out, r);
	if (r->has_mss) {
		if (r->mss)
			fprintf(out, "mss: a SYN's MSS option is clamped to %" PRIu32 "\n",
				r->mss);
		else
			fputs("mss: clamping off\n", out);
	}
	if (r->has_outer) {
		fputs("outer: ", out);
		print_outer(out, r);
		fputc('\n', out);
	}
	print_verdict(out, r);
}

static void json_addr(struct json *j, const char *key,
		      const struct sgw_ipaddr *a)
{
	char buf[64];

	if (!a->family)
		return;
	sgw_addr_format(a, buf, sizeof(buf));
	json_string(j, key, buf);
}

static void json_outer(struct json *j, const struct sgw_trace_result *r)
{
	json_object_open(j, "outer");
	json_addr(j, "src", &r->outer_src);
	json_addr(j, "dst", &r->outer_dst);
	json_u64(j, "size", r->outer_size);
	json_bool(j, "df", r->outer_df);
	json_string(j, "proto", r->outer_proto == 17 ? "udp" : "esp");
	if (r->encap_dport) {
		json_u64(j, "sport", r->encap_sport);
		json_u64(j, "dport", r->encap_dport);
	}
	json_object_close(j);
}

static void json_path(struct json *j, const struct sgw_trace_result *r)
{
	if (r->ifindex) {
		json_string(j, "dev", r->ifname);
		json_u64(j, "ifindex", r->ifindex);
		json_addr(j, "via", &r->via);
	}
	if (r->in_tunnel) {
		json_u64(j, "tunnel", r->tunnel_id);
		json_bool(j, "enabled", r->enabled);
	}
	if (r->has_ts) {
		json_bool(j, "local_ts_match", r->local_ts_match);
		json_bool(j, "remote_ts_match", r->remote_ts_match);
	}
	if (r->exempt)
		json_u64(j, "exempt_tunnel", r->exempt_tunnel_id);
	if (r->underlay_ifindex) {
		json_string(j, "underlay_dev", r->underlay_ifname);
		json_addr(j, "underlay_via", &r->underlay_via);
	}
	if (r->no_sa) {
		json_bool(j, "ike_daemon", r->daemon);
		json_u64(j, "held", r->held);
	}
}

void trace_print_json(FILE *out, const struct sgw_trace_result *r)
{
	struct json j;

	json_document_open(&j, out);
	json_addr(&j, "src", &r->src);
	json_addr(&j, "dst", &r->dst);
	json_u64(&j, "proto", r->proto);
	if (r->has_ports) {
		json_u64(&j, "sport", r->sport);
		json_u64(&j, "dport", r->dport);
	}
	json_u64(&j, "size", r->size);
	json_bool(&j, "df", r->df);
	json_string(&j, "verdict", trace_verdict_name(r->verdict));
	if (r->has_drop)
		json_string(&j, "drop", sgw_drop_name(r->drop));
	json_path(&j, r);
	if (r->has_sa) {
		json_u64(&j, "spi", r->spi);
		json_string(&j, "alg", alg_name(r->alg));
	}
	if (r->has_mtu) {
		json_u64(&j, "path_mtu", r->path_mtu);
		json_u64(&j, "tunnel_mtu", r->tunnel_mtu);
	}
	if (r->has_icmp_mtu)
		json_u64(&j, "icmp_mtu", r->icmp_mtu);
	if (r->has_mss)
		json_u64(&j, "mss", r->mss);
	if (r->has_outer) {
		json_string(&j, "fragment", fragment_name(r->fragment));
		json_outer(&j, r);
	}
	json_document_close(&j);
}
