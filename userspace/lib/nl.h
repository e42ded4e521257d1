/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place sgwctl speaks generic netlink. Every call returns 0 or a
 * negative errno; sgwnl_error() then holds the kernel's own explanation
 * (extended ACK) or a plain description.
 */
#ifndef SGWCTL_NL_H
#define SGWCTL_NL_H

#include "model.h"

struct sgwnl;

int sgwnl_open(struct sgwnl **out);
void sgwnl_close(struct sgwnl *nl);
const char *sgwnl_error(const struct sgwnl *nl);
/* For sgwnl_open() failures, when there is no handle to ask. */
const char *sgwnl_open_error(int err);

int sgwnl_get_info(struct sgwnl *nl, struct sgw_module_info *info);
/* @id 0 lets the kernel pick; @ifname and @cfg may be NULL. */
int sgwnl_tunnel_add(struct sgwnl *nl, uint32_t id, const char *ifname,
		     const struct sgw_tunnel_config *cfg,
		     struct sgw_tunnel_info *out);
int sgwnl_tunnel_set(struct sgwnl *nl, const struct sgw_tunnel_ref *ref,
		     const struct sgw_tunnel_config *cfg);
int sgwnl_tunnel_del(struct sgwnl *nl, const struct sgw_tunnel_ref *ref);
int sgwnl_tunnel_get(struct sgwnl *nl, const struct sgw_tunnel_ref *ref,
		     struct sgw_tunnel_info *out);
int sgwnl_tunnel_dump(struct sgwnl *nl, struct sgw_tunnel_list *out);

/* The request's key is copied into a message that is wiped when freed. */
int sgwnl_sa_add(struct sgwnl *nl, const struct sgw_sa_request *req);
int sgwnl_sa_del(struct sgwnl *nl, const struct sgw_sa_id *id);
/* SGW_CMD_SA_SET: new ESP-in-UDP ports of an SA that has them. */
int sgwnl_sa_set_ports(struct sgwnl *nl, const struct sgw_sa_id *id,
		       uint16_t sport, uint16_t dport);
/* @tunnel_id 0: the SAs of every tunnel. */
int sgwnl_sa_flush(struct sgwnl *nl, uint32_t tunnel_id);
int sgwnl_sa_dump(struct sgwnl *nl, uint32_t tunnel_id,
		  struct sgw_sa_list *out);

/* SGW_CMD_TRACE: what the module would do with the packet @req. */
int sgwnl_trace(struct sgwnl *nl, const struct sgw_trace_request *req,
		struct sgw_trace_result *out);

/*
 * Registers this handle as the namespace's IKE daemon (SGW_CMD_REGISTER):
 * until it is closed, the kernel holds packets without an SA and asks for
 * one. -EBUSY while another process is registered.
 */
int sgwnl_register(struct sgwnl *nl);
/* Subscribes to the "events" multicast group on a socket of its own. */
int sgwnl_events_join(struct sgwnl *nl);
/* The events socket, to poll for input. */
int sgwnl_events_fd(const struct sgwnl *nl);
/*
 * Hands each event that has arrived to @cb, without blocking. Returns 0
 * when nothing is left to read, 1 when @cb returned non-zero to stop, or a
 * negative errno (-ENOBUFS: events were lost, reading may go on).
 */
int sgwnl_events_read(struct sgwnl *nl,
		      int (*cb)(const struct sgw_event *ev, void *arg),
		      void *arg);

/*
 * Message encoding and decoding (nl_msg.c), exposed for the unit tests. The put
 * functions add one SGW_A_TUNNEL or SGW_A_SA nest; the decoders take the
 * top-level attributes of a reply (SGW_A_MAX + 1 entries).
 */
struct nl_msg;
struct nlattr;
int sgwnl_put_tunnel(struct nl_msg *msg, uint32_t id, const char *ifname,
		     const struct sgw_tunnel_config *cfg);
int sgwnl_put_sa(struct nl_msg *msg, const struct sgw_sa_request *req);
int sgwnl_put_sa_id(struct nl_msg *msg, const struct sgw_sa_id *id);
int sgwnl_put_sa_ports(struct nl_msg *msg, const struct sgw_sa_id *id,
		       uint16_t sport, uint16_t dport);
int sgwnl_put_trace(struct nl_msg *msg, const struct sgw_trace_request *req);
int sgwnl_decode_trace(struct nlattr **tb, struct sgw_trace_result *r);
int sgwnl_decode_info(struct nlattr **tb, struct sgw_module_info *info);
int sgwnl_decode_tunnel(struct nlattr **tb, struct sgw_tunnel_info *t);
int sgwnl_decode_sa(struct nlattr **tb, struct sgw_sa_info *sa);
int sgwnl_decode_event(unsigned int cmd, struct nlattr **tb,
		       struct sgw_event *ev);
/* Frees a message after wiping it: requests may carry key material. */
void sgwnl_msg_free(struct nl_msg *msg);

#endif
