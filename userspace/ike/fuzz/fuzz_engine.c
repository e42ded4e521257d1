// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the handlers behind the encryption: two engines
 * are brought to a state (A's IKE_AUTH awaited by B, an established IKE SA,
 * an exchange of A's in flight), and the input becomes the decrypted
 * payload chain of one message sealed with the real SK keys of that SA, so
 * it passes the integrity check and reaches IKE_AUTH, CREATE_CHILD_SA and
 * INFORMATIONAL handling, as a request or as a response, in either role.
 * Afterwards both engines run on for a while (retransmissions, answers,
 * timers), and the fake kernel checks that only SAs it has are deleted.
 *
 * Input: byte 0 picks the case, byte 1 the first inner payload type, the
 * rest is the inner payload chain.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_child.h"
#include "ike_exchange.h"
#include "ike_proposal.h"
#include "ike_sa.h"

#define QMAX 16

struct fnode {
	struct ike_engine *e;
	struct sockaddr_storage addr;
	struct { uint8_t d[9000]; size_t len; } q[QMAX];
	int nq;
	struct { uint32_t tunnel, spi; int dir; bool live; } k[64];
	int nk;
};

static struct fnode na, nb;
static ike_time_t now;

static int f_send(void *ctx, const struct sockaddr_storage *l,
		  const struct sockaddr_storage *r, const uint8_t *b, size_t len)
{
	struct fnode *x = ctx;

	(void)l;
	(void)r;
	if (x->nq == QMAX || len > sizeof(x->q[0].d))
		return 0;
	memcpy(x->q[x->nq].d, b, len);
	x->q[x->nq++].len = len;
	return 0;
}

static void f_log(void *ctx, enum ike_log_level l, uint32_t t, const char *m)
{
	(void)ctx;
	(void)l;
	(void)t;
	(void)m;
}

static int f_add(void *ctx, const struct ike_kernel_sa *s)
{
	struct fnode *x = ctx;

	if (x->nk == 64)
		return -1;
	x->k[x->nk].tunnel = s->tunnel;
	x->k[x->nk].spi = s->spi;
	x->k[x->nk].dir = s->dir;
	x->k[x->nk++].live = true;
	return 0;
}

static int f_del(void *ctx, uint32_t tunnel, enum ike_dir dir, uint32_t spi)
{
	struct fnode *x = ctx;
	int i;

	for (i = 0; i < x->nk; i++)
		if (x->k[i].tunnel == tunnel && x->k[i].spi == spi &&
		    x->k[i].dir == (int)dir) {
			x->k[i].live = false;
			return 0;
		}
	abort();	/* the engine deleted an SA it never installed */
}

static void set_addr(struct sockaddr_storage *ss, const char *a)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	s4->sin_family = AF_INET;
	s4->sin_port = htons(500);
	inet_pton(AF_INET, a, &s4->sin_addr);
}

static void tunnel(struct ike_tunnel_config *c, bool a)
{
	ike_tunnel_config_defaults(c);
	c->id = 1;
	set_addr(&c->local, a ? "192.0.2.1" : "198.51.100.1");
	set_addr(&c->remote, a ? "198.51.100.1" : "192.0.2.1");
	ike_identity_parse(&c->local_id, a ? "a.example" : "b.example");
	ike_identity_parse(&c->remote_id, a ? "b.example" : "a.example");
	memcpy(c->psk, "fuzz key", 8);
	c->psk_len = 8;
	ike_proposal_parse(&c->ike[0], IKE_PROTO_IKE,
			   "aes128gcm16-prfsha256-curve25519");
	c->n_ike = 1;
	ike_proposal_parse(&c->esp[0], IKE_PROTO_ESP, "aes128gcm16");
	ike_proposal_parse(&c->esp[1], IKE_PROTO_ESP, "aes128gcm16-curve25519");
	c->n_esp = 2;
	c->local_ts.n = c->remote_ts.n = 1;
	ike_ts_parse(&c->local_ts.ts[0], a ? "10.1.0.0/16" : "10.2.0.0/16");
	ike_ts_parse(&c->remote_ts.ts[0], a ? "10.2.0.0/16" : "10.1.0.0/16");
	c->protect_gateways = true;
	c->dpd_delay_ms = 10000;
	c->retrans_timeout_ms = 500;
	c->retrans_tries = 3;
}

static void node(struct fnode *x, const char *addr, bool a)
{
	struct ike_engine_ops ops = { .ctx = x, .send = f_send, .log = f_log };
	struct ike_kernel k = { .ctx = x, .add_sa = f_add, .del_sa = f_del };
	struct ike_tunnel_config c;

	memset(x, 0, sizeof(*x));
	set_addr(&x->addr, addr);
	x->e = ike_engine_new(NULL, &ops, &k, now);
	tunnel(&c, a);
	ike_engine_add_tunnel(x->e, &c);
}

/* Deliver @x's oldest datagram to the other node. */
static void step(struct fnode *x)
{
	struct fnode *y = x == &na ? &nb : &na;
	static uint8_t d[9000];
	size_t len = x->q[0].len;

	memcpy(d, x->q[0].d, len);
	memmove(x->q, x->q + 1, sizeof(x->q[0]) * (size_t)--x->nq);
	ike_engine_input(y->e, &y->addr, &x->addr, d, len, now);
}

static void run(int rounds)
{
	while (rounds-- > 0 && (na.nq || nb.nq)) {
		if (na.nq)
			step(&na);
		if (nb.nq)
			step(&nb);
	}
}

/* @from sends a message of @sa (its own view) with the fuzzed chain. */
static void inject(struct fnode *from, struct ike_sa *sa, uint8_t exchange,
		   bool response, uint32_t msgid, const uint8_t *chain,
		   size_t len)
{
	struct fnode *to = from == &na ? &nb : &na;
	struct ike_msg_out o;
	uint8_t flags = (sa->initiator ? IKE_FLAG_I : 0) |
			(response ? IKE_FLAG_R : 0);

	if (!len)
		return;
	ike_msg_out_init(&o, sa->spi_i, sa->spi_r, exchange, flags, msgid,
			 true);
	o.inner.data[0] = chain[0];
	ike_buf_put_bytes(&o.inner, chain + 1, len - 1);
	if (!ike_msg_out_finish(&o, ike_sa_our_sk(sa)))
		ike_engine_input(to->e, &to->addr, &from->addr, o.buf.data,
				 o.buf.len, now);
	ike_msg_out_release(&o);
}

static struct ike_sa *sa_of(struct fnode *x)
{
	struct ike_sa *sa;

	for (sa = x->e->sas; sa; sa = sa->next)
		if (sa->state != IKE_SA_CLOSED)
			return sa;
	return NULL;
}

/* Seeds: well-formed chains of each kind, written to @dir. */
static void seed(const char *dir, const char *name, uint8_t pick,
		 struct ike_buf *b)
{
	char path[512];
	FILE *f;

	b->data[0] = pick;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f) {
		fwrite(b->data, 1, b->len, f);
		fclose(f);
	}
	ike_buf_free(b);
}

static void chain(struct ike_buf *b, struct ike_chain *c)
{
	ike_buf_init(b);
	ike_buf_put_u8(b, 0);		/* the case */
	ike_buf_put_u8(b, IKE_PL_NONE);	/* first payload type */
	ike_chain_init(c, b, 1);
}

static void seeds(const char *dir)
{
	static const uint8_t nonce[32] = { 1 }, ke[32] = { 9 }, auth[32];
	static const uint8_t spi[4] = { 0, 0, 1, 0 }, spi8[8] = { 1 };
	struct ike_tunnel_config c;
	struct ike_pl_sa pl;
	struct ike_buf b;
	struct ike_chain ch;

	tunnel(&c, true);
	chain(&b, &ch);
	ike_enc_id(&ch, IKE_PL_IDI, IKE_ID_FQDN, (const uint8_t *)"a.example",
		   9);
	ike_enc_notify(&ch, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	ike_enc_auth(&ch, IKE_AUTH_PSK, auth, sizeof(auth));
	ike_proposals_to_sa(c.esp, c.n_esp, spi, 4, true, &pl);
	ike_enc_sa(&ch, &pl);
	ike_enc_ts(&ch, IKE_PL_TSI, &c.local_ts);
	ike_enc_ts(&ch, IKE_PL_TSR, &c.remote_ts);
	seed(dir, "auth_req", 0, &b);
	chain(&b, &ch);
	ike_enc_id(&ch, IKE_PL_IDR, IKE_ID_FQDN, (const uint8_t *)"b.example",
		   9);
	ike_enc_auth(&ch, IKE_AUTH_PSK, auth, sizeof(auth));
	ike_suite_to_pl(&(struct ike_suite){ .encr = IKE_ENCR_AES_GCM_16,
					     .encr_bits = 128 },
			IKE_PROTO_ESP, 1, spi, 4, &pl.prop[0]);
	pl.n = 1;
	ike_enc_sa(&ch, &pl);
	ike_enc_ts(&ch, IKE_PL_TSI, &c.local_ts);
	ike_enc_ts(&ch, IKE_PL_TSR, &c.remote_ts);
	seed(dir, "auth_resp", 1, &b);
	chain(&b, &ch);
	ike_enc_notify(&ch, IKE_PROTO_ESP, spi, 4, IKE_N_REKEY_SA, NULL, 0);
	ike_proposals_to_sa(c.esp, c.n_esp, spi, 4, false, &pl);
	ike_enc_sa(&ch, &pl);
	ike_enc_nonce(&ch, nonce, sizeof(nonce));
	ike_enc_ke(&ch, IKE_DH_CURVE25519, ke, sizeof(ke));
	ike_enc_ts(&ch, IKE_PL_TSI, &c.local_ts);
	ike_enc_ts(&ch, IKE_PL_TSR, &c.remote_ts);
	seed(dir, "child_req", 3, &b);
	chain(&b, &ch);
	ike_enc_notify(&ch, 0, NULL, 0, IKE_N_USE_TRANSPORT_MODE, NULL, 0);
	ike_proposals_to_sa(c.esp, 1, spi, 4, false, &pl);
	ike_enc_sa(&ch, &pl);
	ike_enc_nonce(&ch, nonce, sizeof(nonce));
	ike_enc_ts(&ch, IKE_PL_TSI, &c.local_ts);
	ike_enc_ts(&ch, IKE_PL_TSR, &c.remote_ts);
	seed(dir, "child_resp", 6, &b);
	chain(&b, &ch);
	ike_proposals_to_sa(c.ike, c.n_ike, spi8, 8, false, &pl);
	ike_enc_sa(&ch, &pl);
	ike_enc_nonce(&ch, nonce, sizeof(nonce));
	ike_enc_ke(&ch, IKE_DH_CURVE25519, ke, sizeof(ke));
	seed(dir, "ike_rekey", 7, &b);
	chain(&b, &ch);
	ike_enc_delete(&ch, IKE_PROTO_ESP, 4, spi, 1);
	seed(dir, "delete_child", 5, &b);
	chain(&b, &ch);
	ike_enc_delete(&ch, IKE_PROTO_IKE, 0, NULL, 0);
	seed(dir, "delete_ike", 4, &b);
	chain(&b, &ch);
	ike_enc_notify(&ch, 0, NULL, 0, IKE_N_AUTHENTICATION_FAILED, NULL, 0);
	seed(dir, "auth_failed", 9, &b);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("FUZZ_ENGINE_SEEDS");

	(void)argc;
	(void)argv;
	if (dir)
		seeds(dir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t exch[] = { IKE_CREATE_CHILD_SA, IKE_INFORMATIONAL };
	struct ike_sa *sa, *peer;
	uint8_t pick;
	int i;

	if (size < 2)
		return 0;
	pick = data[0] % 10;
	now = 1000;
	node(&na, "192.0.2.1", true);
	node(&nb, "198.51.100.1", false);
	ike_engine_up(na.e, 1, now);
	step(&na);		/* IKE_SA_INIT request */
	step(&nb);		/* its answer: A sends IKE_AUTH */
	if (pick == 0) {
		/* IKE_AUTH request to B, as from A (B half-open). */
		na.nq = 0;
		sa = sa_of(&na);
		if (sa)
			inject(&na, sa, IKE_AUTH, false, 1, data + 1,
			       size - 1);
	} else if (pick == 1) {
		/* IKE_AUTH response to A, as from B. */
		na.nq = 0;
		sa = sa_of(&na);
		peer = sa_of(&nb);
		if (sa && peer)
			inject(&nb, peer, IKE_AUTH, true, 1, data + 1,
			       size - 1);
	} else {
		run(16);	/* established, and the SGW-to-SGW CHILD SA */
		sa = na.e->tunnels->ike;
		peer = nb.e->tunnels->ike;
		if (!sa || !peer)
			goto out;
		if (pick < 6) {
			/* A request, from either end. */
			struct ike_sa *s = pick & 1 ? sa : peer;

			inject(s == sa ? &na : &nb, s, exch[pick / 4],
			       false, s->next_msgid, data + 1, size - 1);
		} else {
			/* A's request in flight; the fuzzed answer from B. */
			if (pick == 6)
				ike_engine_rekey(na.e, 1, false, now);
			else if (pick == 7)
				ike_engine_rekey(na.e, 1, true, now);
			else if (pick == 8)
				ike_info_liveness(sa);
			else
				ike_engine_delete_child(na.e, 1,
					sa->children ? sa->children->spi_in :
					0, now);
			na.nq = 0;
			if (sa->req.active)
				inject(&nb, peer, sa->req.exchange, true,
				       sa->req.msgid, data + 1, size - 1);
		}
	}
	/* Whatever follows: answers, retransmissions, timers. */
	for (i = 0; i < 8; i++) {
		run(16);
		now += 700;
		ike_engine_tick(na.e, now);
		ike_engine_tick(nb.e, now);
	}
out:
	ike_engine_free(na.e);
	ike_engine_free(nb.e);
	return 0;
}
