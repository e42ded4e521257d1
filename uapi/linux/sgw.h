/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * sgw: route-based IPsec ESP tunnel devices, configured over generic netlink.
 *
 * Family "sgw", version SGW_GENL_VERSION. Every command that changes state
 * needs CAP_NET_ADMIN in the network namespace that owns the socket. All
 * objects live in the caller's network namespace.
 *
 * Addresses are raw network-order bytes: 4 bytes for IPv4, 16 for IPv6; the
 * length decides the family. Keys never leave the kernel: no dump or reply
 * carries SGW_SA_A_KEY.
 *
 * SGW_CMD_GET_INFO (no attributes needed)
 *   reply:
 *     SGW_A_VERSION: NLA_NUL_STRING, module version
 *     SGW_A_ALGS: NLA_NESTED
 *       SGW_ALG_A_ENTRY: NLA_NESTED (one per algorithm)
 *         SGW_ALG_A_ID: NLA_U32, enum sgw_alg
 *         SGW_ALG_A_NAME: NLA_NUL_STRING, e.g. "aes-gcm-128"
 *         SGW_ALG_A_KEY_LEN: NLA_U32, bytes of key material expected
 *         SGW_ALG_A_IV_LEN, SGW_ALG_A_ICV_LEN, SGW_ALG_A_BLOCK: NLA_U32
 *
 * SGW_CMD_TUNNEL_NEW
 *   SGW_A_TUNNEL: NLA_NESTED
 *     SGW_TUNNEL_A_ID: NLA_U32, 1..SGW_TUNNEL_ID_MAX; 0 or absent picks the
 *                      lowest free id
 *     SGW_TUNNEL_A_IFNAME: NLA_NUL_STRING, default "sgw<id>"
 *     and any attribute of SGW_CMD_TUNNEL_SET
 *   Creates the tunnel and its net_device (also possible with
 *   "ip link add NAME type sgw [id ID]"). Replies like SGW_CMD_TUNNEL_GET.
 *
 * SGW_CMD_TUNNEL_SET
 *   SGW_A_TUNNEL: NLA_NESTED
 *     SGW_TUNNEL_A_ID or SGW_TUNNEL_A_IFINDEX or SGW_TUNNEL_A_IFNAME
 *     SGW_TUNNEL_A_LOCAL: NLA_BINARY, 4 or 16 bytes, the local SGW address
 *     SGW_TUNNEL_A_REMOTE: NLA_BINARY, 4 or 16 bytes, the remote SGW address
 *     SGW_TUNNEL_A_LOCAL_TS, SGW_TUNNEL_A_REMOTE_TS: NLA_NESTED, replaces
 *       the list; empty means any
 *       SGW_TS_A_PREFIX: NLA_NESTED, up to SGW_TS_MAX entries
 *         SGW_PREFIX_A_ADDR: NLA_BINARY, 4 or 16 bytes
 *         SGW_PREFIX_A_LEN: NLA_U8, prefix length
 *     SGW_TUNNEL_A_ENABLED: NLA_U8, 0 or 1 (tunnels start enabled)
 *     SGW_TUNNEL_A_MTU: NLA_U32, 0 = auto (path MTU to the remote SGW minus
 *                       the outbound SA's exact overhead), or 68..65535
 *     SGW_TUNNEL_A_OUTER_DF: NLA_U8, enum sgw_outer_df (default clear)
 *     SGW_TUNNEL_A_FRAGMENT: NLA_U8, enum sgw_fragment (default before)
 *     SGW_TUNNEL_A_MSS: NLA_U32, TCP MSS clamp: 0 = auto (fit the tunnel
 *                       MTU), SGW_MSS_OFF, or a fixed 536..65495
 *     SGW_TUNNEL_A_PROTECT_GATEWAYS: NLA_U8, 0 (default) or 1: traffic
 *                       between the two SGW addresses, other than IKE,
 *                       only as transport-mode ESP (see below)
 *     SGW_TUNNEL_A_KEEP_SAS: NLA_U8, 0 or 1, request only: with 1, a new
 *                       SGW_TUNNEL_A_REMOTE (same family, local address
 *                       unchanged) keeps the tunnel's SAs: the daemon
 *                       follows a peer whose address a NAT changed
 *                       (SGW_CMD_NEW_MAPPING). Refused with a new local.
 *   Local and remote must be of one family. Changing either address
 *   removes the tunnel's SAs, which were bound to the old pair, unless
 *   SGW_TUNNEL_A_KEEP_SAS is 1 and only the remote address changes.
 *
 * SGW_CMD_TUNNEL_DEL
 *   SGW_A_TUNNEL: NLA_NESTED
 *     SGW_TUNNEL_A_ID or SGW_TUNNEL_A_IFINDEX or SGW_TUNNEL_A_IFNAME
 *   Deletes the tunnel, its device and all its SAs.
 *
 * SGW_CMD_TUNNEL_GET (doit with a selector as for DEL, or dumpit for all)
 *   reply, one message per tunnel:
 *     SGW_A_TUNNEL: NLA_NESTED
 *       SGW_TUNNEL_A_ID: NLA_U32
 *       SGW_TUNNEL_A_IFINDEX: NLA_U32
 *       SGW_TUNNEL_A_IFNAME: NLA_NUL_STRING
 *       SGW_TUNNEL_A_LOCAL, SGW_TUNNEL_A_REMOTE, SGW_TUNNEL_A_LOCAL_TS,
 *       SGW_TUNNEL_A_REMOTE_TS, SGW_TUNNEL_A_ENABLED: as set
 *       SGW_TUNNEL_A_DROPS: NLA_NESTED, one NLA_U64 per enum sgw_drop,
 *                           attribute type = reason + 1
 *       SGW_TUNNEL_A_MTU, SGW_TUNNEL_A_OUTER_DF, SGW_TUNNEL_A_FRAGMENT,
 *       SGW_TUNNEL_A_MSS: as set
 *       SGW_TUNNEL_A_PATH_MTU: NLA_U32, path MTU toward the remote SGW
 *                              (route MTU, lowered by ICMP while fresh)
 *       SGW_TUNNEL_A_TUNNEL_MTU: NLA_U32, the largest inner packet sent
 *                                whole: auto or the configured MTU
 *       SGW_TUNNEL_A_EVENTS: NLA_NESTED, one NLA_U64 per enum sgw_tunnel_event,
 *                            attribute type = event + 1
 *       SGW_TUNNEL_A_EXEMPT: NLA_NESTED, how traffic to the remote SGW is
 *                            routed around every sgw tunnel (see below)
 *         SGW_EXEMPT_A_IFINDEX: NLA_U32, the underlay device
 *         SGW_EXEMPT_A_VIA: NLA_BINARY, the next hop (absent: on link)
 *       SGW_TUNNEL_A_PROTECT_GATEWAYS: as set
 *
 * Enabling a tunnel, or changing an enabled tunnel's addresses or
 * selectors, is refused when another enabled tunnel has the same gateway
 * pair and overlapping selectors (an empty list overlaps everything).
 * A disabled tunnel's link is dormant (operstate DORMANT); it drops what
 * is routed into it, accepts no ESP and loses its SAs.
 *
 * The local SGW address must be assigned to an interface of the namespace.
 * Traffic to any tunnel's remote SGW never enters an sgw tunnel: when the
 * routing tables send it into one, sgw routes it through the best route
 * of any other device instead (host-route exemption).
 *
 * SGW_CMD_SA_NEW
 *   SGW_A_SA: NLA_NESTED
 *     SGW_SA_A_TUNNEL_ID: NLA_U32, required
 *     SGW_SA_A_SPI: NLA_U32, required, the SPI's numeric value (not 0..255)
 *     SGW_SA_A_DIR: NLA_U8, enum sgw_dir, required
 *     SGW_SA_A_MODE: NLA_U8, enum sgw_mode, default tunnel
 *     SGW_SA_A_ALG: NLA_U32, enum sgw_alg, required
 *     SGW_SA_A_KEY: NLA_BINARY, exactly the algorithm's key length
 *     SGW_SA_A_REPLAY_WINDOW: NLA_U32, inbound, 0..SGW_REPLAY_WINDOW_MAX
 *                             packets (default SGW_REPLAY_WINDOW_DEFAULT;
 *                             0 disables the check)
 *     SGW_SA_A_ESN: NLA_U8, 0 or 1: 64-bit extended sequence numbers
 *     SGW_SA_A_SEQ: NLA_U64, outbound: the last sequence number used (the
 *                   next packet carries SEQ + 1); inbound: the highest
 *                   sequence number already received. Default 0.
 *     SGW_SA_A_SOFT_BYTES, SGW_SA_A_HARD_BYTES, SGW_SA_A_SOFT_PACKETS,
 *     SGW_SA_A_HARD_PACKETS, SGW_SA_A_SOFT_SECONDS, SGW_SA_A_HARD_SECONDS:
 *                   NLA_U64 lifetimes, 0 = unlimited; seconds at most
 *                   SGW_SA_SECONDS_MAX. Each hard limit holds on its own,
 *                   even below the soft one.
 *     SGW_SA_A_ENCAP_SPORT, SGW_SA_A_ENCAP_DPORT: NLA_U16 in host byte
 *                   order, 1..65535, both or neither: ESP in UDP (RFC
 *                   3948), as xfrm's "encap espinudp SPORT DPORT". The
 *                   ports are those of the packets the SA carries:
 *                   outbound SPORT is ours and DPORT the peer's; inbound
 *                   SPORT is the peer's and DPORT ours (usually 4500 and
 *                   4500, or the port a NAT maps the peer to).
 *                   Outbound, ESP leaves in UDP; IPv4 with UDP checksum
 *                   0 (RFC 3948 section 2.1), IPv6 with a computed one
 *                   (RFC 8200, RFC 6936). Inbound, an SA with ports
 *                   accepts ESP only in UDP to its DPORT, an SA without
 *                   only plain ESP; the other kind is dropped as
 *                   SGW_DROP_ENCAP. ESP in UDP from another source
 *                   address or port than the tunnel's remote address and
 *                   the SA's SPORT is still accepted once authenticated,
 *                   and reported with SGW_CMD_NEW_MAPPING.
 *                   UDP datagrams to such a port that are no ESP of ours
 *                   reach the sockets untouched: IKE with the non-ESP
 *                   marker (four zero bytes) and the one-byte NAT
 *                   keepalive 0xff, which the socket's owner ignores.
 *                   ESP in UDP from a tunnel's remote SGW to 4500 or to
 *                   the DPORT of one of its inbound SAs, whose SPI is of
 *                   no SA, is dropped as SGW_DROP_UNKNOWN_SPI.
 *     SGW_SA_A_LOCAL_TS, SGW_SA_A_REMOTE_TS: NLA_NESTED, tunnel mode only,
 *                   encoded as SGW_TUNNEL_A_LOCAL_TS/REMOTE_TS: the SA's
 *                   own selectors (one CHILD SA of several in a tunnel).
 *                   Every prefix must lie inside one of the tunnel's
 *                   selectors of its side; an absent or empty list is the
 *                   tunnel's. Outbound, the SA carries the packets whose
 *                   inner source and destination it matches; of several,
 *                   the one with the longest matching remote prefix
 *                   (then local prefix) wins; a packet no such SA
 *                   matches takes the tunnel's outbound SA without
 *                   selectors. Inbound, a packet outside the SA's own
 *                   selectors is dropped as SGW_DROP_SELECTOR.
 *   A tunnel holds one outbound SA without selectors, up to
 *   SGW_SA_OUT_TS_MAX outbound tunnel-mode SAs with selectors and up to
 *   SGW_SA_IN_MAX inbound SAs of each mode. A new outbound SA replaces
 *   the old one of its mode, and of the very same selectors, at once
 *   (the old one is freed). The tunnel needs its local and remote
 *   addresses first. Inbound SPIs of both modes share one space per local
 *   address. SA_DEL finds an SA of either mode by SPI and direction.
 *
 * SGW_CMD_SA_SET
 *   SGW_A_SA: NLA_NESTED
 *     SGW_SA_A_TUNNEL_ID, SGW_SA_A_SPI, SGW_SA_A_DIR: required
 *     SGW_SA_A_ENCAP_SPORT, SGW_SA_A_ENCAP_DPORT: required, the new ports
 *   Changes the UDP ports of an SA that has them (a NAT mapping moved);
 *   nothing else of an SA changes in place, and an SA without
 *   encapsulation cannot gain it (add a new SA instead).
 *
 * SGW_CMD_SA_DEL
 *   SGW_A_SA: NLA_NESTED
 *     SGW_SA_A_TUNNEL_ID, SGW_SA_A_SPI, SGW_SA_A_DIR: required
 *
 * SGW_CMD_SA_FLUSH
 *   SGW_A_SA: NLA_NESTED (optional)
 *     SGW_SA_A_TUNNEL_ID: only this tunnel's SAs; absent: every tunnel
 *
 * SGW_CMD_SA_GET (dumpit; SGW_A_SA with SGW_SA_A_TUNNEL_ID filters)
 *   reply, one message per SA:
 *     SGW_A_SA: NLA_NESTED
 *       SGW_SA_A_TUNNEL_ID, SGW_SA_A_SPI, SGW_SA_A_DIR, SGW_SA_A_MODE,
 *       SGW_SA_A_ALG, SGW_SA_A_REPLAY_WINDOW, SGW_SA_A_ESN, SGW_SA_A_SEQ
 *       (outbound: last sent; inbound: highest received) and the lifetimes
 *       SGW_SA_A_BYTES, SGW_SA_A_PACKETS: NLA_U64, inner bytes and packets
 *       SGW_SA_A_AGE: NLA_U64, seconds since the SA was added
 *       SGW_SA_A_SOFT_EXPIRED: NLA_U8, 1 once a soft limit was reached
 *       SGW_SA_A_ENCAP_SPORT, SGW_SA_A_ENCAP_DPORT: only for an SA in UDP
 *       SGW_SA_A_LOCAL_TS, SGW_SA_A_REMOTE_TS: only for an SA with its own
 *       selectors
 *
 * SGW_CMD_TRACE (doit; allowed to whoever may configure: it shows SPIs)
 *   SGW_A_TRACE: NLA_NESTED
 *     SGW_TRACE_A_SRC, SGW_TRACE_A_DST: NLA_BINARY, 4 or 16 bytes, one
 *                   family, required: the inner packet's addresses
 *     SGW_TRACE_A_PROTO: NLA_U8, IP protocol (default ICMP or ICMPv6)
 *     SGW_TRACE_A_SPORT, SGW_TRACE_A_DPORT: NLA_U16, host order, for tcp,
 *                   udp, sctp and udplite only
 *     SGW_TRACE_A_SIZE: NLA_U32, the whole inner packet in bytes, from
 *                   its IP header (40 for IPv6) to 65535; default the header
 *     SGW_TRACE_A_DF: NLA_U8, 0 or 1, IPv4 only
 *   What the send path would do with that packet in the caller's
 *   namespace now, from its own decisions, without sending, holding or
 *   counting anything. The route is an output lookup with the packet's
 *   source, which need not be an address of this host. The reply, one
 *   message, repeats the request's attributes (SPORT, DPORT only with a
 *   protocol with ports) and adds in SGW_A_TRACE:
 *     SGW_TRACE_A_VERDICT: NLA_U8, enum sgw_trace_verdict
 *     SGW_TRACE_A_DROP: NLA_U8, enum sgw_drop, the counter a dropped
 *                   packet would raise (verdict DROPPED)
 *     SGW_TRACE_A_IFINDEX, SGW_TRACE_A_IFNAME (NLA_U32, NLA_NUL_STRING),
 *     SGW_TRACE_A_VIA (NLA_BINARY, absent on link): the packet's route
 *     SGW_TRACE_A_TUNNEL_ID, SGW_TRACE_A_ENABLED: the tunnel of an sgw
 *                   device the route leads into
 *     SGW_TRACE_A_LOCAL_TS_MATCH, SGW_TRACE_A_REMOTE_TS_MATCH: NLA_U8, 1
 *                   when the source is in the local selectors, the
 *                   destination in the remote ones
 *     SGW_TRACE_A_EXEMPT_TUNNEL_ID: NLA_U32, the tunnel whose remote SGW
 *                   the destination is (host-route exemption)
 *     SGW_TRACE_A_UNDERLAY_IFINDEX, SGW_TRACE_A_UNDERLAY_IFNAME,
 *     SGW_TRACE_A_UNDERLAY_VIA: the route around the tunnels, of the
 *                   exempt packet or of the ESP
 *     SGW_TRACE_A_DAEMON: NLA_U8, no SA: 1 when an IKE daemon is
 *                   registered (the packet is held), 0 (dropped as no-sa)
 *     SGW_TRACE_A_HELD: NLA_U32, no SA: packets held now (at most
 *                   SGW_HOLD_MAX)
 *     SGW_TRACE_A_SPI, SGW_TRACE_A_ALG: NLA_U32, the outbound SA
 *     SGW_TRACE_A_ENCAP_SPORT, SGW_TRACE_A_ENCAP_DPORT: NLA_U16, its UDP
 *                   ports (ESP in UDP only)
 *     SGW_TRACE_A_PATH_MTU, SGW_TRACE_A_TUNNEL_MTU: NLA_U32
 *     SGW_TRACE_A_ICMP_MTU: NLA_U32, the MTU the ICMP error names
 *     SGW_TRACE_A_MSS: NLA_U32, TCP only: the MSS a SYN is clamped to
 *                   (0: clamping off)
 *     SGW_TRACE_A_FRAGMENT: NLA_U8, enum sgw_trace_fragment
 *     SGW_TRACE_A_OUTER_SRC, SGW_TRACE_A_OUTER_DST: NLA_BINARY
 *     SGW_TRACE_A_OUTER_SIZE: NLA_U32, bytes of the (first) ESP packet
 *                   with its outer IP header
 *     SGW_TRACE_A_OUTER_DF: NLA_U8; SGW_TRACE_A_OUTER_PROTO: NLA_U8, 50
 *                   (ESP) or 17 (ESP in UDP)
 *
 * SGW_CMD_REGISTER (no attributes)
 *   The sending socket becomes the namespace's IKE daemon: while it stays
 *   open, packets without an SA are held and acquire events ask for one
 *   ("No SA" below). Closing the socket ends the registration. Refused
 *   with EBUSY while another open socket is registered in the namespace.
 *   Listening on SGW_MCGRP_EVENTS alone changes nothing in the data path.
 *
 * Multicast group SGW_MCGRP_EVENTS carries:
 *   SGW_CMD_TUNNEL_STATE, when a tunnel is enabled, disabled or changed:
 *     SGW_A_TUNNEL: as in SGW_CMD_TUNNEL_GET
 *   SGW_CMD_SA_EXPIRE
 *     SGW_A_SA: NLA_NESTED with SGW_SA_A_TUNNEL_ID, SGW_SA_A_SPI,
 *       SGW_SA_A_DIR, SGW_SA_A_BYTES, SGW_SA_A_PACKETS and
 *       SGW_SA_A_HARD: NLA_U8, 0 for a soft expiry, 1 for a hard one (the
 *       SA is then already gone)
 *   SGW_CMD_ACQUIRE, when a packet found its enabled tunnel without an
 *   outbound SA (at most one per tunnel and second): negotiate one.
 *     SGW_A_ACQUIRE: NLA_NESTED
 *       SGW_ACQUIRE_A_TUNNEL_ID: NLA_U32
 *       SGW_ACQUIRE_A_SRC, SGW_ACQUIRE_A_DST: NLA_BINARY, 4 or 16 bytes,
 *         the inner addresses of the packet that found no SA
 *   SGW_CMD_UNKNOWN_SPI, when ESP from an enabled tunnel's remote SGW
 *   carries an SPI of no SA (at most one per tunnel and second): the peer
 *   holds SAs we do not, so the daemon renegotiates.
 *     SGW_A_UNKNOWN_SPI: NLA_NESTED
 *       SGW_UNKNOWN_SPI_A_TUNNEL_ID: NLA_U32
 *       SGW_UNKNOWN_SPI_A_SPI: NLA_U32, the SPI's numeric value
 *   SGW_CMD_NEW_MAPPING, when an authenticated, not replayed ESP-in-UDP
 *   packet of an inbound SA came from another address than the tunnel's
 *   remote SGW or another port than the SA's SPORT (a NAT mapping
 *   changed; at most one per tunnel and second). The SAs are unchanged:
 *   the daemon moves the tunnel with SGW_CMD_TUNNEL_SET (REMOTE and
 *   KEEP_SAS) and the ports with SGW_CMD_SA_SET (outbound DPORT, inbound
 *   SPORT) once it trusts the new mapping (RFC 7296 section 2.23).
 *     SGW_A_MAPPING: NLA_NESTED
 *       SGW_MAPPING_A_TUNNEL_ID: NLA_U32
 *       SGW_MAPPING_A_SPI: NLA_U32, the inbound SA's SPI
 *       SGW_MAPPING_A_ADDR: NLA_BINARY, 4 or 16 bytes, the new source
 *       SGW_MAPPING_A_PORT: NLA_U16, host byte order, the new source port
 *
 * "No SA": while an IKE daemon is registered (SGW_CMD_REGISTER), a
 * packet routed into an enabled tunnel that has its addresses but no
 * usable outbound SA (none, or expired) is held, up to SGW_HOLD_MAX
 * packets per tunnel (the oldest is dropped as SGW_DROP_HOLD_FULL), and
 * sent as soon as an outbound SA is added; a held packet still waiting
 * SGW_HOLD_TIMEOUT_S seconds after it came is dropped as
 * SGW_DROP_HOLD_TIMEOUT, and disabling the tunnel drops the held ones as
 * SGW_DROP_DISABLED. With no daemon registered, nobody could negotiate:
 * such packets are dropped at once as SGW_DROP_NO_SA.
 *
 * SGW-to-SGW protection (transport mode): the selectors of a tunnel's
 * transport-mode SAs are its two SGW addresses (/32 or /128). With
 * SGW_TUNNEL_A_PROTECT_GATEWAYS on and the tunnel enabled, every locally
 * sent packet from the local to the remote SGW address, except IKE (UDP
 * port 500 or 4500), ESP and IPv6 neighbour discovery, leaves as
 * transport-mode ESP with the outbound transport SA; without one it is
 * dropped as SGW_DROP_NO_TRANSPORT_SA. Inbound ESP for a transport-mode
 * SA must come from the remote to the local SGW address; it is decrypted
 * and the packet it carried continues into the local stack (PREROUTING
 * and INPUT see it). IPv6 ESP after extension headers is not accepted.
 *
 * Unknown attributes are refused (strict validation); each refusal carries
 * an extended ACK message naming the attribute.
 */

#ifndef _UAPI_LINUX_SGW_H
#define _UAPI_LINUX_SGW_H

#define SGW_GENL_NAME		"sgw"
#define SGW_GENL_VERSION	1

#define SGW_MCGRP_EVENTS	"events"

#define SGW_TUNNEL_ID_MAX	65535
#define SGW_TS_MAX		16
#define SGW_SA_IN_MAX		16
#define SGW_SA_OUT_TS_MAX	8
#define SGW_REPLAY_WINDOW_MAX	4096
#define SGW_SA_SECONDS_MAX	4294967295ULL	/* time lifetimes: about 136 years */
/* Wide enough for the reordering of ECMP paths and a peer's parallel CPUs. */
#define SGW_REPLAY_WINDOW_DEFAULT	1024
#define SGW_HOLD_MAX		8
#define SGW_HOLD_TIMEOUT_S	5

enum sgw_cmd {
	SGW_CMD_UNSPEC,
	SGW_CMD_GET_INFO,
	SGW_CMD_TUNNEL_NEW,
	SGW_CMD_TUNNEL_DEL,
	SGW_CMD_TUNNEL_GET,
	SGW_CMD_TUNNEL_SET,
	SGW_CMD_SA_NEW,
	SGW_CMD_SA_DEL,
	SGW_CMD_SA_GET,
	SGW_CMD_SA_FLUSH,
	SGW_CMD_SA_EXPIRE,
	SGW_CMD_TUNNEL_STATE,
	SGW_CMD_ACQUIRE,
	SGW_CMD_UNKNOWN_SPI,
	SGW_CMD_SA_SET,
	SGW_CMD_NEW_MAPPING,
	SGW_CMD_TRACE,
	SGW_CMD_REGISTER,
	__SGW_CMD_MAX
};

#define SGW_CMD_MAX (__SGW_CMD_MAX - 1)

enum sgw_attr {
	SGW_A_UNSPEC,
	SGW_A_VERSION,
	SGW_A_ALGS,
	SGW_A_TUNNEL,
	SGW_A_SA,
	SGW_A_ACQUIRE,		/* events only; refused in requests */
	SGW_A_UNKNOWN_SPI,	/* events only; refused in requests */
	SGW_A_MAPPING,		/* events only; refused in requests */
	SGW_A_TRACE,
	__SGW_A_MAX
};

#define SGW_A_MAX (__SGW_A_MAX - 1)

enum sgw_alg_attr {
	SGW_ALG_A_UNSPEC,
	SGW_ALG_A_ENTRY,
	SGW_ALG_A_ID,
	SGW_ALG_A_NAME,
	SGW_ALG_A_KEY_LEN,
	SGW_ALG_A_IV_LEN,
	SGW_ALG_A_ICV_LEN,
	SGW_ALG_A_BLOCK,
	__SGW_ALG_A_MAX
};

#define SGW_ALG_A_MAX (__SGW_ALG_A_MAX - 1)

enum sgw_tunnel_attr {
	SGW_TUNNEL_A_UNSPEC,
	SGW_TUNNEL_A_ID,
	SGW_TUNNEL_A_IFINDEX,
	SGW_TUNNEL_A_IFNAME,
	SGW_TUNNEL_A_DROPS,
	SGW_TUNNEL_A_PAD,
	SGW_TUNNEL_A_LOCAL,
	SGW_TUNNEL_A_REMOTE,
	SGW_TUNNEL_A_LOCAL_TS,
	SGW_TUNNEL_A_REMOTE_TS,
	SGW_TUNNEL_A_ENABLED,
	SGW_TUNNEL_A_EXEMPT,
	SGW_TUNNEL_A_MTU,
	SGW_TUNNEL_A_OUTER_DF,
	SGW_TUNNEL_A_FRAGMENT,
	SGW_TUNNEL_A_MSS,
	SGW_TUNNEL_A_PATH_MTU,
	SGW_TUNNEL_A_TUNNEL_MTU,
	SGW_TUNNEL_A_EVENTS,
	SGW_TUNNEL_A_PROTECT_GATEWAYS,
	SGW_TUNNEL_A_KEEP_SAS,
	__SGW_TUNNEL_A_MAX
};

#define SGW_TUNNEL_A_MAX (__SGW_TUNNEL_A_MAX - 1)

enum sgw_exempt_attr {
	SGW_EXEMPT_A_UNSPEC,
	SGW_EXEMPT_A_IFINDEX,
	SGW_EXEMPT_A_VIA,
	__SGW_EXEMPT_A_MAX
};

#define SGW_EXEMPT_A_MAX (__SGW_EXEMPT_A_MAX - 1)

enum sgw_acquire_attr {
	SGW_ACQUIRE_A_UNSPEC,
	SGW_ACQUIRE_A_TUNNEL_ID,
	SGW_ACQUIRE_A_SRC,
	SGW_ACQUIRE_A_DST,
	__SGW_ACQUIRE_A_MAX
};

#define SGW_ACQUIRE_A_MAX (__SGW_ACQUIRE_A_MAX - 1)

enum sgw_unknown_spi_attr {
	SGW_UNKNOWN_SPI_A_UNSPEC,
	SGW_UNKNOWN_SPI_A_TUNNEL_ID,
	SGW_UNKNOWN_SPI_A_SPI,
	__SGW_UNKNOWN_SPI_A_MAX
};

#define SGW_UNKNOWN_SPI_A_MAX (__SGW_UNKNOWN_SPI_A_MAX - 1)

enum sgw_mapping_attr {
	SGW_MAPPING_A_UNSPEC,
	SGW_MAPPING_A_TUNNEL_ID,
	SGW_MAPPING_A_SPI,
	SGW_MAPPING_A_ADDR,
	SGW_MAPPING_A_PORT,
	__SGW_MAPPING_A_MAX
};

#define SGW_MAPPING_A_MAX (__SGW_MAPPING_A_MAX - 1)

enum sgw_trace_attr {
	SGW_TRACE_A_UNSPEC,
	SGW_TRACE_A_SRC,
	SGW_TRACE_A_DST,
	SGW_TRACE_A_PROTO,
	SGW_TRACE_A_SPORT,
	SGW_TRACE_A_DPORT,
	SGW_TRACE_A_SIZE,
	SGW_TRACE_A_DF,
	SGW_TRACE_A_VERDICT,
	SGW_TRACE_A_DROP,
	SGW_TRACE_A_IFINDEX,
	SGW_TRACE_A_IFNAME,
	SGW_TRACE_A_VIA,
	SGW_TRACE_A_TUNNEL_ID,
	SGW_TRACE_A_ENABLED,
	SGW_TRACE_A_LOCAL_TS_MATCH,
	SGW_TRACE_A_REMOTE_TS_MATCH,
	SGW_TRACE_A_EXEMPT_TUNNEL_ID,
	SGW_TRACE_A_UNDERLAY_IFINDEX,
	SGW_TRACE_A_UNDERLAY_IFNAME,
	SGW_TRACE_A_UNDERLAY_VIA,
	SGW_TRACE_A_SPI,
	SGW_TRACE_A_ALG,
	SGW_TRACE_A_ENCAP_SPORT,
	SGW_TRACE_A_ENCAP_DPORT,
	SGW_TRACE_A_DAEMON,
	SGW_TRACE_A_HELD,
	SGW_TRACE_A_PATH_MTU,
	SGW_TRACE_A_TUNNEL_MTU,
	SGW_TRACE_A_ICMP_MTU,
	SGW_TRACE_A_FRAGMENT,
	SGW_TRACE_A_MSS,
	SGW_TRACE_A_OUTER_SRC,
	SGW_TRACE_A_OUTER_DST,
	SGW_TRACE_A_OUTER_SIZE,
	SGW_TRACE_A_OUTER_DF,
	SGW_TRACE_A_OUTER_PROTO,
	__SGW_TRACE_A_MAX
};

#define SGW_TRACE_A_MAX (__SGW_TRACE_A_MAX - 1)

/* What SGW_CMD_TRACE says would happen to the packet. */
enum sgw_trace_verdict {
	SGW_TRACE_NO_ROUTE,	/* no route for the packet itself */
	SGW_TRACE_CLEAR,	/* routed to a device that is no sgw tunnel */
	SGW_TRACE_EXEMPT,	/* to a remote SGW: around the tunnels, in clear */
	SGW_TRACE_DROPPED,	/* counted under SGW_TRACE_A_DROP */
	SGW_TRACE_HELD,		/* held while an SA is negotiated */
	SGW_TRACE_ICMP,		/* too big with DF: ICMP with SGW_TRACE_A_ICMP_MTU */
	SGW_TRACE_ENCRYPTED,	/* leaves as ESP, see SGW_TRACE_A_FRAGMENT */
};

/* Where a packet above the tunnel MTU is fragmented. */
enum sgw_trace_fragment {
	SGW_TRACE_FRAG_NONE,	/* fits: one ESP packet, not fragmented */
	SGW_TRACE_FRAG_BEFORE,	/* inner fragments, each its own ESP packet */
	SGW_TRACE_FRAG_AFTER,	/* one ESP packet, fragmented outside */
};

enum sgw_ts_attr {
	SGW_TS_A_UNSPEC,
	SGW_TS_A_PREFIX,
	__SGW_TS_A_MAX
};

#define SGW_TS_A_MAX (__SGW_TS_A_MAX - 1)

enum sgw_prefix_attr {
	SGW_PREFIX_A_UNSPEC,
	SGW_PREFIX_A_ADDR,
	SGW_PREFIX_A_LEN,
	__SGW_PREFIX_A_MAX
};

#define SGW_PREFIX_A_MAX (__SGW_PREFIX_A_MAX - 1)

enum sgw_sa_attr {
	SGW_SA_A_UNSPEC,
	SGW_SA_A_PAD,
	SGW_SA_A_TUNNEL_ID,
	SGW_SA_A_SPI,
	SGW_SA_A_DIR,
	SGW_SA_A_MODE,
	SGW_SA_A_ALG,
	SGW_SA_A_KEY,
	SGW_SA_A_REPLAY_WINDOW,
	SGW_SA_A_ESN,
	SGW_SA_A_SEQ,
	SGW_SA_A_SOFT_BYTES,
	SGW_SA_A_HARD_BYTES,
	SGW_SA_A_SOFT_PACKETS,
	SGW_SA_A_HARD_PACKETS,
	SGW_SA_A_SOFT_SECONDS,
	SGW_SA_A_HARD_SECONDS,
	SGW_SA_A_BYTES,
	SGW_SA_A_PACKETS,
	SGW_SA_A_AGE,
	SGW_SA_A_SOFT_EXPIRED,
	SGW_SA_A_HARD,
	SGW_SA_A_ENCAP_SPORT,
	SGW_SA_A_ENCAP_DPORT,
	SGW_SA_A_LOCAL_TS,
	SGW_SA_A_REMOTE_TS,
	__SGW_SA_A_MAX
};

#define SGW_SA_A_MAX (__SGW_SA_A_MAX - 1)

enum sgw_dir {
	SGW_DIR_UNSPEC,
	SGW_DIR_IN,
	SGW_DIR_OUT,
};

enum sgw_mode {
	SGW_MODE_UNSPEC,
	SGW_MODE_TUNNEL,
	SGW_MODE_TRANSPORT,	/* SGW-to-SGW protection, selectors SGW <-> SGW */
};

/* The outer header's DF bit (IPv4 outer). */
enum sgw_outer_df {
	SGW_OUTER_DF_COPY,	/* from an inner IPv4 packet; set for inner IPv6 */
	SGW_OUTER_DF_SET,
	SGW_OUTER_DF_CLEAR,	/* never set: the path may fragment (default) */
};

/* Where an inner IPv4 packet without DF and above the MTU is fragmented. */
enum sgw_fragment {
	SGW_FRAGMENT_BEFORE,	/* each fragment its own ESP packet */
	SGW_FRAGMENT_AFTER,	/* one ESP packet, outer fragments */
};

#define SGW_MSS_OFF		0xffffffff

/* Path MTU and fragmentation events a tunnel counts. */
enum sgw_tunnel_event {
	SGW_EV_FRAG_NEEDED,	/* ICMP fragmentation needed sent */
	SGW_EV_PKT_TOO_BIG,	/* ICMPv6 packet too big sent */
	SGW_EV_FRAG_BEFORE,	/* inner packets fragmented before encryption */
	SGW_EV_FRAG_AFTER,	/* ESP packets sent as outer fragments */
	SGW_EV_MSS_CLAMPED,	/* TCP SYNs whose MSS option was lowered */
	SGW_EV_PMTU_LOWERED,	/* path MTU lowered by ICMP about our ESP */
	SGW_EV_HELD,		/* packets held while no outbound SA exists */
	SGW_EV_HELD_SENT,	/* held packets sent once an SA came */
	SGW_EV_ACQUIRE,		/* acquire events sent */
	__SGW_EV_MAX
};

#define SGW_EV_MAX (__SGW_EV_MAX - 1)

/* Why a tunnel dropped a packet; each reason has its own counter. */
enum sgw_drop {
	SGW_DROP_NO_SA,		/* no usable outbound SA */
	SGW_DROP_UNKNOWN_SPI,	/* inbound ESP for an SPI of no SA */
	SGW_DROP_REPLAY,	/* sequence number replayed or too old */
	SGW_DROP_AUTH,		/* ICV verification failed */
	SGW_DROP_MALFORMED,	/* truncated, bad padding or next header */
	SGW_DROP_SELECTOR,	/* inner address outside the selectors */
	SGW_DROP_DISABLED,	/* tunnel administratively disabled */
	SGW_DROP_LOOP,		/* route to the peer led back into sgw */
	SGW_DROP_NOMEM,		/* allocation or crypto resource failure */
	SGW_DROP_NO_ROUTE,	/* no route to the remote SGW */
	SGW_DROP_HOLD_FULL,	/* oldest held packet, pushed out by a newer one */
	SGW_DROP_HOLD_TIMEOUT,	/* held, but no outbound SA came in time */
	SGW_DROP_NO_TRANSPORT_SA, /* SGW-to-SGW packet, no outbound transport SA */
	SGW_DROP_BACKLOG,	/* too many of the SA's packets in crypto already */
	SGW_DROP_ENCAP,		/* ESP in UDP for a plain SA, or the reverse */
	__SGW_DROP_MAX
};

#define SGW_DROP_MAX (__SGW_DROP_MAX - 1)

/*
 * ESP algorithms. Key material layout is what RFC 4106 / RFC 7634 /
 * RFC 4868 define: AEAD keys end with their 4-byte salt; AES-CBC with
 * HMAC-SHA-256 takes the encryption key followed by the 32-byte HMAC key.
 */
enum sgw_alg {
	SGW_ALG_UNSPEC,
	SGW_ALG_AES_GCM_128,		/* rfc4106(gcm(aes)), 16 + 4 salt */
	SGW_ALG_AES_GCM_256,		/* rfc4106(gcm(aes)), 32 + 4 salt */
	SGW_ALG_CHACHA20_POLY1305,	/* rfc7539esp(chacha20,poly1305), 32 + 4 */
	SGW_ALG_AES_CBC_128_SHA256,	/* authenc(hmac(sha256),cbc(aes)), 16 + 32 */
	SGW_ALG_AES_CBC_256_SHA256,	/* authenc(hmac(sha256),cbc(aes)), 32 + 32 */
	SGW_ALG_AES_CBC_128_SHA384,	/* authenc(hmac(sha384),cbc(aes)), 16 + 48 */
	SGW_ALG_AES_CBC_256_SHA384,	/* authenc(hmac(sha384),cbc(aes)), 32 + 48 */
	SGW_ALG_AES_CBC_128_SHA512,	/* authenc(hmac(sha512),cbc(aes)), 16 + 64 */
	SGW_ALG_AES_CBC_256_SHA512,	/* authenc(hmac(sha512),cbc(aes)), 32 + 64 */
	__SGW_ALG_MAX
};

#define SGW_ALG_MAX (__SGW_ALG_MAX - 1)

/* rtnetlink: "ip link add NAME type sgw" accepts IFLA_SGW_ID in IFLA_INFO_DATA */
enum {
	IFLA_SGW_UNSPEC,
	IFLA_SGW_ID,
	__IFLA_SGW_MAX
};

#define IFLA_SGW_MAX (__IFLA_SGW_MAX - 1)

#endif /* _UAPI_LINUX_SGW_H */
