// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ike_sa.h"

const char test_psk[] = "correct horse battery staple";

static int fake_add(void *ctx, const struct ike_kernel_sa *s)
{
	struct fake_kernel *k = ctx;
	struct fake_sa *f;

	assert_true(k->n < FAKE_SAS);
	/*
	 * As sgw.ko: one outbound SA per tunnel and mode, and one per
	 * selectors among those with their own; a new one replaces it.
	 */
	for (f = k->sa; s->dir == IKE_DIR_OUT && f < k->sa + k->n; f++)
		if (f->live && f->dir == IKE_DIR_OUT && f->tunnel == s->tunnel &&
		    f->mode == s->mode && f->own_ts == s->own_ts &&
		    (!s->own_ts || (ike_ts_list_equal(&f->local_ts, s->local_ts) &&
				     ike_ts_list_equal(&f->remote_ts, s->remote_ts))))
			f->live = false;
	f = &k->sa[k->n++];
	f->tunnel = s->tunnel;
	f->dir = s->dir;
	f->spi = s->spi;
	f->mode = s->mode;
	f->encr = s->encr;
	f->encr_bits = s->encr_bits;
	f->integ = s->integ;
	assert_true(s->enc_key_len <= sizeof(f->ek));
	memcpy(f->ek, s->enc_key, s->enc_key_len);
	f->ek_len = s->enc_key_len;
	assert_true(s->integ_key_len <= sizeof(f->ak));
	if (s->integ_key_len)
		memcpy(f->ak, s->integ_key, s->integ_key_len);
	f->ak_len = s->integ_key_len;
	f->local_ts = *s->local_ts;
	f->remote_ts = *s->remote_ts;
	f->own_ts = s->own_ts;
	f->encap_sport = s->encap_sport;
	f->encap_dport = s->encap_dport;
	f->live = true;
	return 0;
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET ?
		     ((const struct sockaddr_in *)ss)->sin_port :
		     ((const struct sockaddr_in6 *)ss)->sin6_port);
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/* As kbackend: the tunnel's remote moves, the SAs' ports follow. */
static int fake_move(void *ctx, uint32_t tunnel,
		     const struct sockaddr_storage *local,
		     const struct sockaddr_storage *remote, uint32_t spi_in,
		     uint32_t spi_out, bool encap)
{
	struct fake_kernel *k = ctx;
	int i;

	(void)local;
	k->moves++;
	k->moved_to = *remote;
	for (i = 0; encap && i < k->n; i++) {
		struct fake_sa *f = &k->sa[i];

		if (!f->live || f->tunnel != tunnel)
			continue;
		if (f->dir == IKE_DIR_IN && f->spi == spi_in)
			f->encap_sport = port_of(remote);
		if (f->dir == IKE_DIR_OUT && spi_out && f->spi == spi_out)
			f->encap_dport = port_of(remote);
	}
	return 0;
}

/* As kbackend: the tunnel's outbound SAs' packet counters, summed. */
static int fake_out_packets(void *ctx, uint32_t tunnel, uint64_t *packets)
{
	struct fake_kernel *k = ctx;
	int i;

	k->packet_reads++;
	*packets = 0;
	for (i = 0; i < k->n; i++)
		if (k->sa[i].live && k->sa[i].tunnel == tunnel &&
		    k->sa[i].dir == IKE_DIR_OUT)
			*packets += k->sa[i].packets;
	return 0;
}

static int fake_del(void *ctx, uint32_t tunnel, enum ike_dir dir, uint32_t spi)
{
	struct fake_kernel *k = ctx;
	int i;

	for (i = 0; i < k->n; i++) {
		if (k->sa[i].live && k->sa[i].tunnel == tunnel &&
		    k->sa[i].dir == dir && k->sa[i].spi == spi) {
			k->sa[i].live = false;
			k->dels++;
			return 0;
		}
	}
	fail_msg("delete of an SA never added: dir %d spi %08x", dir,
		 ntohl(spi));
	return -1;
}

static int fake_send(void *ctx, const struct sockaddr_storage *local,
		     const struct sockaddr_storage *remote, const uint8_t *buf,
		     size_t len)
{
	struct node *x = ctx;

	if (ike_is_keepalive(buf, len)) {
		if (x->keepalives < 8)
			x->keepalive_at[x->keepalives] =
				x->e->now;
		x->keepalives++;
		return 0;
	}
	assert_true(x->nout < QUEUE);
	x->out[x->nout].from = *local;
	x->out[x->nout].to = *remote;
	assert_true(len <= PKT_MAX);
	memcpy(x->out[x->nout].data, buf, len);
	x->out[x->nout++].len = len;
	return 0;
}

static void fake_log(void *ctx, enum ike_log_level lvl, uint32_t tunnel,
		     const char *msg)
{
	struct node *x = ctx;

	(void)tunnel;
	if (getenv("IKE_TEST_VERBOSE"))
		fprintf(stderr, "[%s %d] %s\n", x->name, lvl, msg);
	if (lvl <= IKE_LOG_INFO) {
		snprintf(x->last_log, sizeof(x->last_log), "%s", msg);
		snprintf(x->logs[x->log_lines % LOG_KEEP], sizeof(x->logs[0]),
			 "%s", msg);
		x->log_lines++;
	}
	/* The PSK must never reach a log line. */
	assert_null(strstr(msg, test_psk));
}

static void set_addr(struct sockaddr_storage *ss, bool ipv6, const char *a)
{
	memset(ss, 0, sizeof(*ss));
	if (ipv6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(500);
		assert_int_equal(inet_pton(AF_INET6, a, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(500);
		assert_int_equal(inet_pton(AF_INET, a, &s4->sin_addr), 1);
	}
}

static void parse_list(struct ike_proposal *p, uint8_t *n, uint8_t proto,
		       const char *list)
{
	char buf[512], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", list);
	*n = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		assert_int_equal(ike_proposal_parse(&p[(*n)++], proto, tok), 0);
}

void cfg_site(struct ike_tunnel_config *c, bool a, bool ipv6, const char *ike,
	      const char *esp)
{
	const char *addr_a = ipv6 ? "2001:db8::a" : "192.0.2.1";
	const char *addr_b = ipv6 ? "2001:db8::b" : "198.51.100.1";
	const char *net_a = ipv6 ? "fd00:a::/64" : "10.1.0.0/16";
	const char *net_b = ipv6 ? "fd00:b::/64" : "10.2.0.0/16";

	ike_tunnel_config_defaults(c);
	c->id = 1;
	snprintf(c->name, sizeof(c->name), "%s", a ? "to-b" : "to-a");
	set_addr(&c->local, ipv6, a ? addr_a : addr_b);
	set_addr(&c->remote, ipv6, a ? addr_b : addr_a);
	assert_int_equal(ike_identity_parse(&c->local_id, a ? "a.example" :
					    "b.example"), 0);
	assert_int_equal(ike_identity_parse(&c->remote_id, a ? "b.example" :
					    "a.example"), 0);
	memcpy(c->psk, test_psk, strlen(test_psk));
	c->psk_len = strlen(test_psk);
	parse_list(c->ike, &c->n_ike, IKE_PROTO_IKE, ike);
	parse_list(c->esp, &c->n_esp, IKE_PROTO_ESP, esp);
	c->local_ts.n = 1;
	c->remote_ts.n = 1;
	assert_int_equal(ike_ts_parse(&c->local_ts.ts[0], a ? net_a : net_b), 0);
	assert_int_equal(ike_ts_parse(&c->remote_ts.ts[0], a ? net_b : net_a), 0);
	c->retrans_timeout_ms = 1000;
}

static void node_init(struct node *x, const char *name, bool ipv6,
		      const char *addr, const struct ike_engine_config *ec)
{
	struct ike_engine_ops ops = { .ctx = x, .send = fake_send, .log = fake_log };
	struct ike_kernel k = { .ctx = &x->k, .add_sa = fake_add,
				.del_sa = fake_del, .move = fake_move,
				.out_packets = fake_out_packets };

	struct ike_engine_config plain;

	/* Exact timings unless a test asks for the defaults' jitter. */
	if (!ec) {
		ike_engine_config_defaults(&plain);
		plain.timer_jitter_pct = 0;
		ec = &plain;
	}
	memset(x, 0, sizeof(*x));
	x->name = name;
	set_addr(&x->addr, ipv6, addr);
	x->ipv6 = ipv6;
	x->e = ike_engine_new(ec, &ops, &k, 0);
	assert_non_null(x->e);
}

void net_init_ex(struct net *n, bool ipv6, const struct ike_engine_config *eb)
{
	memset(n, 0, sizeof(*n));
	node_init(&n->a, "A", ipv6, ipv6 ? "2001:db8::a" : "192.0.2.1", NULL);
	node_init(&n->b, "B", ipv6, ipv6 ? "2001:db8::b" : "198.51.100.1", eb);
}

void net_init(struct net *n, bool ipv6)
{
	net_init_ex(n, ipv6, NULL);
}

void node_restart(struct node *x)
{
	char addr[64];

	ike_engine_free(x->e);
	inet_ntop(x->ipv6 ? AF_INET6 : AF_INET, x->ipv6 ?
		  (void *)&((struct sockaddr_in6 *)&x->addr)->sin6_addr :
		  (void *)&((struct sockaddr_in *)&x->addr)->sin_addr,
		  addr, sizeof(addr));
	node_init(x, x->name, x->ipv6, addr, NULL);
}

void net_add(struct net *n, const struct ike_tunnel_config *ca,
	     const struct ike_tunnel_config *cb)
{
	assert_int_equal(ike_engine_add_tunnel(n->a.e, ca), 0);
	assert_int_equal(ike_engine_add_tunnel(n->b.e, cb), 0);
}

void net_free(struct net *n)
{
	ike_engine_free(n->a.e);
	ike_engine_free(n->b.e);
}

struct node *net_peer(struct net *n, struct node *x)
{
	return x == &n->a ? &n->b : &n->a;
}

void seed_save(const char *name, const uint8_t *buf, size_t len)
{
	const char *dir = getenv("IKE_SEED_DIR");
	char path[512];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(buf, 1, len, f);
	fclose(f);
}

void net_step(struct net *n, struct node *from, bool drop)
{
	struct node *to = net_peer(n, from);
	static struct pkt p;

	assert_true(from->nout > 0);
	p = from->out[0];
	memmove(from->out, from->out + 1, sizeof(from->out[0]) * --from->nout);
	if (n->nat.inside == from) {
		uint16_t port = port_of(&p.from);

		p.from = n->nat.pub;
		set_port(&p.from, n->nat.forward ? port :
			 (uint16_t)(n->nat.base + (port == IKE_NATT_PORT)));
		n->nat.translated++;
	}
	if (n->nat.inside == to) {
		struct sockaddr_storage host = p.to;
		uint16_t port = port_of(&p.to);

		/* Only what is sent to the NAT's public address gets in. */
		set_port(&host, port_of(&n->nat.pub));
		if (memcmp(&host, &n->nat.pub, sizeof(host)))
			return;
		p.to = to->addr;
		if (n->nat.forward && (port == 500 || port == IKE_NATT_PORT))
			set_port(&p.to, port);
		else if (port == n->nat.base || port == n->nat.base + 1)
			set_port(&p.to, port == n->nat.base ? 500 :
				 IKE_NATT_PORT);
		else
			return;
	}
	/* Datagrams to addresses other than the peer's vanish. */
	{
		struct sockaddr_storage host = p.to;

		set_port(&host, 500);
		if (drop || memcmp(&host, &to->addr, sizeof(host)))
			return;
	}
	ike_engine_input(to->e, &p.to, &p.from, p.data, p.len, n->now);
}

void net_nat(struct net *n, struct node *inside, const char *pub,
	     uint16_t base)
{
	n->nat.inside = inside;
	set_addr(&n->nat.pub, inside->ipv6, pub);
	n->nat.base = base;
}

int net_run(struct net *n)
{
	int count = 0;

	while (n->a.nout || n->b.nout) {
		assert_true(count++ < 64);
		if (n->a.nout)
			net_step(n, &n->a, false);
		if (n->b.nout)
			net_step(n, &n->b, false);
	}
	return count;
}

int live_sas(const struct node *x)
{
	int i, live = 0;

	for (i = 0; i < x->k.n; i++)
		live += x->k.sa[i].live;
	return live;
}

const struct fake_sa *find_sa(const struct node *x, enum ike_dir dir,
			      uint32_t spi)
{
	int i;

	for (i = 0; i < x->k.n; i++)
		if (x->k.sa[i].live && x->k.sa[i].dir == dir &&
		    x->k.sa[i].spi == spi)
			return &x->k.sa[i];
	return NULL;
}

static void assert_same_sa(const struct fake_sa *x, const struct fake_sa *y)
{
	int i;

	assert_non_null(x);
	assert_non_null(y);
	assert_int_equal(x->encr, y->encr);
	assert_int_equal(x->encr_bits, y->encr_bits);
	assert_int_equal(x->integ, y->integ);
	assert_int_equal(x->ek_len, y->ek_len);
	assert_memory_equal(x->ek, y->ek, x->ek_len);
	assert_int_equal(x->ak_len, y->ak_len);
	assert_memory_equal(x->ak, y->ak, x->ak_len);
	/* One side's local selectors are the other's remote ones. */
	assert_int_equal(x->local_ts.n, y->remote_ts.n);
	for (i = 0; i < x->local_ts.n; i++)
		assert_true(ike_ts_equal(&x->local_ts.ts[i], &y->remote_ts.ts[i]));
}

void assert_crosswise(struct net *n)
{
	struct ike_tunnel_status sa, sb;

	assert_int_equal(ike_engine_status(n->a.e, 1, &sa), 0);
	assert_int_equal(ike_engine_status(n->b.e, 1, &sb), 0);
	assert_int_equal(sa.state, IKE_TUNNEL_ESTABLISHED);
	assert_int_equal(sb.state, IKE_TUNNEL_ESTABLISHED);
	assert_int_equal(sa.n_children, 1);
	assert_int_equal(sb.n_children, 1);
	assert_int_equal(sa.spi_i, sb.spi_i);
	assert_int_equal(sa.spi_r, sb.spi_r);
	assert_int_equal(sa.child[0].spi_out, sb.child[0].spi_in);
	assert_int_equal(sa.child[0].spi_in, sb.child[0].spi_out);
	assert_string_equal(sa.proposal, sb.proposal);
	assert_string_equal(sa.child[0].algs, sb.child[0].algs);
	assert_int_equal(live_sas(&n->a), 2);
	assert_int_equal(live_sas(&n->b), 2);
	assert_same_sa(find_sa(&n->a, IKE_DIR_OUT, sa.child[0].spi_out),
		       find_sa(&n->b, IKE_DIR_IN, sb.child[0].spi_in));
	assert_same_sa(find_sa(&n->b, IKE_DIR_OUT, sb.child[0].spi_out),
		       find_sa(&n->a, IKE_DIR_IN, sa.child[0].spi_in));
	/* The two directions never share keys. */
	assert_memory_not_equal(find_sa(&n->a, IKE_DIR_OUT, sa.child[0].spi_out)->ek,
				find_sa(&n->a, IKE_DIR_IN, sa.child[0].spi_in)->ek,
				16);
}

void assert_state(struct node *x, enum ike_tunnel_state s)
{
	struct ike_tunnel_status st;

	assert_int_equal(ike_engine_status(x->e, 1, &st), 0);
	assert_int_equal(st.state, s);
}

bool logged(const struct node *x, const char *line)
{
	int i;

	for (i = 0; i < LOG_KEEP && i < x->log_lines; i++)
		if (!strcmp(x->logs[i], line))
			return true;
	return false;
}

int ike_sas(const struct node *x)
{
	const struct ike_sa *sa;
	int count = 0;

	for (sa = x->e->sas; sa; sa = sa->next)
		count += sa->state != IKE_SA_CLOSED;
	return count;
}

void net_settle(struct net *n, ike_time_t until)
{
	ike_time_t next, nb;
	int same = 0;

	for (;;) {
		net_run(n);
		next = ike_engine_next_timeout(n->a.e);
		nb = ike_engine_next_timeout(n->b.e);
		if (nb < next)
			next = nb;
		if (next > until)
			break;
		/* A timer that never moves on is a bug, not a wait. */
		same = next <= n->now ? same + 1 : 0;
		assert_true(same < 100);
		if (next > n->now)
			n->now = next;
		ike_engine_tick(n->a.e, n->now);
		ike_engine_tick(n->b.e, n->now);
	}
	n->now = until;
}

static uint64_t rng_state;

/* splitmix64: small, and every seed gives a full-period stream. */
static int rng_fill(void *ctx, void *p, size_t n)
{
	uint8_t *o = p;

	(void)ctx;
	while (n) {
		uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
		size_t k = n < 8 ? n : 8;

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		memcpy(o, &z, k);
		o += k;
		n -= k;
	}
	return 0;
}

void harness_rng_seed(uint64_t seed)
{
	rng_state = seed;
	ike_random_source(seed ? rng_fill : NULL, NULL);
}
