// SPDX-License-Identifier: GPL-2.0
/* The other end of a tunnel; see conf_peer.h. */
#include <string.h>
#include <sys/socket.h>

#include "conf_peer.h"
#include "conf_print.h"
#include "conf_value.h"

int sgw_conf_peer_mirror(const struct sgw_conf_tunnel *t,
			 struct sgw_conf_tunnel *out, char *why, size_t whylen)
{
	if (t->local.family == 0) {
		snprintf(why, whylen, "tunnel \"%s\" has local = auto: the "
			 "other gateway needs this one's address as its "
			 "remote; set local to the address the peer reaches",
			 t->name);
		return -1;
	}
	if (t->remote_name[0]) {
		snprintf(why, whylen, "tunnel \"%s\" has remote = %s, a DNS "
			 "name: the other gateway's local must be its "
			 "address; set remote to that address to mirror the "
			 "tunnel", t->name, t->remote_name);
		return -1;
	}
	*out = *t;
	out->local = t->remote;
	out->remote = t->local;
	out->local_id = t->remote_id;
	out->remote_id = t->local_id;
	out->local_networks = t->remote_networks;
	out->remote_networks = t->local_networks;
	/* Where the original was written says nothing about the copy. */
	out->file = NULL;
	out->line = 0;
	memset(out->key_line, 0, sizeof(out->key_line));
	return 0;
}

int sgw_conf_peer_print(FILE *f, const struct sgw_conf_tunnel *m)
{
	char la[SGW_CONF_ADDRSTRLEN], ra[SGW_CONF_ADDRSTRLEN];
	char host[SGW_CONF_ADDRSTRLEN + 2];
	struct sgw_conf conf;

	sgw_conf_addr_str(&m->local, la, sizeof(la));
	/* scp's host: an IPv6 address in brackets */
	snprintf(host, sizeof(host), m->local.family == AF_INET6 ? "[%s]" :
		 "%s", la);
	sgw_conf_addr_str(&m->remote, ra, sizeof(ra));
	if (fprintf(f,
		    "# sgw.conf of tunnel %s for the gateway at %s, mirrored "
		    "from %s's\n"
		    "# (\"sgwctl showconf --peer %s\"): add it to that "
		    "gateway's /etc/sgw/sgw.conf.\n"
		    "# Copy the key file too, and keep it readable by root "
		    "only (mode 0600), e.g.\n"
		    "#   scp -p %s root@%s:%s\n"
		    "#   ssh root@%s chmod 0600 %s\n",
		    m->name, la, ra, m->name, m->psk_file, host, m->psk_file,
		    la, m->psk_file) < 0)
		return -1;
	/* The tunnel alone: its [global] stays the other gateway's own. */
	sgw_conf_init(&conf);
	conf.n_tunnels = 1;
	conf.tunnels = (struct sgw_conf_tunnel *)m;
	return sgw_conf_print(f, &conf, 0);
}

/* strongSwan's identity syntax for an sgw identity. */
static int swan_id(FILE *f, const struct sgw_conf_ident *id)
{
	uint16_t i;

	switch (id->type) {
	case SGW_CONF_IDENT_FQDN:	/* "@" keeps strongSwan from DNS */
		return fprintf(f, "@%s", (const char *)id->data) < 0 ? -1 : 0;
	case SGW_CONF_IDENT_EMAIL:	/* USER@DOMAIN is an RFC 822 id */
		return fputs((const char *)id->data, f) < 0 ? -1 : 0;
	case SGW_CONF_IDENT_KEYID:
		if (fputs("@#", f) < 0)
			return -1;
		for (i = 0; i < id->len; i++)
			if (fprintf(f, "%02x", id->data[i]) < 0)
				return -1;
		return 0;
	default:			/* addresses: the same text */
		return sgw_conf_ident_print(id, f);
	}
}

/* A proposal list as strongSwan writes it: the same algorithm keywords. */
static int swan_proposals(FILE *f, const struct sgw_conf_proposals *ps,
			  bool esn)
{
	unsigned int i, c, k;

	for (i = 0; i < ps->count; i++) {
		const struct sgw_conf_proposal *p = &ps->v[i];
		bool first = true;

		if (i && fputs(", ", f) < 0)
			return -1;
		for (c = 0; c < SGW_CONF_ALG_CLASSES; c++)
			for (k = 0; k < p->n[c]; k++) {
				const char *name = sgw_conf_alg_name(c,
							p->alg[c][k]);

				if (fprintf(f, "%s%s", first ? "" : "-",
					    name ? name : "?") < 0)
					return -1;
				first = false;
			}
		if (esn && fputs("-esn", f) < 0)
			return -1;
	}
	return 0;
}

/* Traffic selectors; an empty list stands for every address. */
static int swan_ts(FILE *f, const struct sgw_conf_prefix_list *l)
{
	char buf[SGW_CONF_ADDRSTRLEN];
	size_t i;

	if (!l->count)
		return fputs("0.0.0.0/0, ::/0", f) < 0 ? -1 : 0;
	for (i = 0; i < l->count; i++)
		if (fprintf(f, "%s%s", i ? ", " : "",
			    sgw_conf_prefix_str(&l->v[i], buf,
						sizeof(buf))) < 0)
			return -1;
	return 0;
}

/* sgw rekeys at lifetime - margin, less up to jitter; expires at lifetime. */
static uint32_t rekey_at(uint32_t lifetime, uint32_t margin)
{
	return margin < lifetime ? lifetime - margin : 0;
}

int sgw_conf_peer_swanctl(FILE *f, const struct sgw_conf_tunnel *m,
			  const uint8_t *key, size_t keylen)
{
	static const char *const dpd[] = {
		[SGW_CONF_DPD_RESTART] = "restart",
		[SGW_CONF_DPD_CLEAR] = "clear",
		[SGW_CONF_DPD_HOLD] = "trap",
	};
	char la[SGW_CONF_ADDRSTRLEN], ra[SGW_CONF_ADDRSTRLEN];
	uint32_t ike_rekey = rekey_at(m->ike_lifetime, m->rekey_margin);
	uint32_t child_rekey = rekey_at(m->child_lifetime, m->rekey_margin);
	size_t i;
	int r = 0;

	sgw_conf_addr_str(&m->local, la, sizeof(la));
	sgw_conf_addr_str(&m->remote, ra, sizeof(ra));
	r |= fprintf(f,
		     "# swanctl.conf of tunnel %s for the strongSwan gateway "
		     "at %s, mirrored\n"
		     "# from %s's sgw.conf (\"sgwctl showconf --peer %s "
		     "--format swanctl\").\n"
		     "# It holds the key: install it readable by root only, "
		     "e.g.\n"
		     "#   install -m 0600 THIS-FILE "
		     "/etc/swanctl/conf.d/%s.conf\n"
		     "# then run \"swanctl --load-all\".\n"
		     "connections {\n\t%s {\n\t\tversion = 2\n"
		     "\t\tlocal_addrs = %s\n\t\tremote_addrs = %s\n"
		     "\t\tproposals = ",
		     m->name, la, ra, m->name, m->name, m->name, la, ra);
	r |= swan_proposals(f, &m->ike_proposals, false);
	r |= fprintf(f, "\n\t\t%s = %us\n\t\tover_time = %us\n"
		     "\t\trand_time = %us\n\t\tdpd_delay = %us\n"
		     "\t\tlocal {\n\t\t\tauth = psk\n\t\t\tid = ",
		     m->reauth ? "reauth_time" : "rekey_time", ike_rekey,
		     m->ike_lifetime - ike_rekey, m->rekey_jitter,
		     m->dpd_delay);
	r |= swan_id(f, &m->local_id);
	r |= fputs("\n\t\t}\n\t\tremote {\n\t\t\tauth = psk\n\t\t\tid = ", f);
	r |= swan_id(f, &m->remote_id);
	r |= fprintf(f, "\n\t\t}\n\t\tchildren {\n\t\t\t%s {\n"
		     "\t\t\t\tmode = tunnel\n\t\t\t\tlocal_ts = ", m->name);
	r |= swan_ts(f, &m->local_networks);
	r |= fputs("\n\t\t\t\tremote_ts = ", f);
	r |= swan_ts(f, &m->remote_networks);
	r |= fputs("\n\t\t\t\tesp_proposals = ", f);
	r |= swan_proposals(f, &m->esp_proposals, m->esn);
	r |= fprintf(f, "\n\t\t\t\tlife_time = %us\n"
		     "\t\t\t\trekey_time = %us\n\t\t\t\trand_time = %us\n",
		     m->child_lifetime, m->auto_refresh ? child_rekey : 0,
		     m->rekey_jitter);
	if (m->life_bytes)
		r |= fprintf(f, "\t\t\t\tlife_bytes = %llu\n",
			     (unsigned long long)m->life_bytes);
	if (m->life_packets)
		r |= fprintf(f, "\t\t\t\tlife_packets = %llu\n",
			     (unsigned long long)m->life_packets);
	r |= fprintf(f, "\t\t\t\treplay_window = %u\n"
		     "\t\t\t\tstart_action = %s\n"
		     "\t\t\t\tdpd_action = %s\n"
		     "\t\t\t}\n\t\t}\n\t}\n}\n"
		     "secrets {\n\tike-%s {\n\t\tid-local = ",
		     m->replay_window,
		     m->start == SGW_CONF_START_AT_START ? "start" : "trap",
		     dpd[m->dpd_action], m->name);
	r |= swan_id(f, &m->local_id);
	r |= fputs("\n\t\tid-remote = ", f);
	r |= swan_id(f, &m->remote_id);
	r |= fputs("\n\t\tsecret = 0x", f);
	for (i = 0; i < keylen; i++)
		r |= fprintf(f, "%02x", key[i]);
	r |= fputs("\n\t}\n}\n", f);
	if (fflush(f) == EOF)
		r = -1;
	return r < 0 ? -1 : 0;
}
