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
 *   Creates the tunnel and its net_device (also possible with
 *   "ip link add NAME type sgw [id ID]"). Replies like SGW_CMD_TUNNEL_GET.
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
 *       SGW_TUNNEL_A_DROPS: NLA_NESTED, one NLA_U64 per enum sgw_drop,
 *                           attribute type = reason + 1
 *
 * Unknown attributes are refused (strict validation); each refusal carries
 * an extended ACK message naming the attribute.
 */

#ifndef _UAPI_LINUX_SGW_H
#define _UAPI_LINUX_SGW_H

#define SGW_GENL_NAME		"sgw"
#define SGW_GENL_VERSION	1

#define SGW_TUNNEL_ID_MAX	65535

enum sgw_cmd {
	SGW_CMD_UNSPEC,
	SGW_CMD_GET_INFO,
	SGW_CMD_TUNNEL_NEW,
	SGW_CMD_TUNNEL_DEL,
	SGW_CMD_TUNNEL_GET,
	__SGW_CMD_MAX
};

#define SGW_CMD_MAX (__SGW_CMD_MAX - 1)

enum sgw_attr {
	SGW_A_UNSPEC,
	SGW_A_VERSION,
	SGW_A_ALGS,
	SGW_A_TUNNEL,
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
	__SGW_TUNNEL_A_MAX
};

#define SGW_TUNNEL_A_MAX (__SGW_TUNNEL_A_MAX - 1)

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
