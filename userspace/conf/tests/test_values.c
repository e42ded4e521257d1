// SPDX-License-Identifier: GPL-2.0
/*
 * Every key with valid values (checked through the canonical form the
 * printer writes) and invalid ones (checked by the exact error message).
 * Each row runs as its own cmocka test, named after the row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_value.h"
#include "testutil.h"

struct row {
	const char *key;
	const char *value;
	/* Valid: the printed form. Invalid: NULL. */
	const char *printed;
	/* Invalid: the message after 'sgw.conf:2: <section>: '. */
	const char *error;
};

#define OK(k, v, p)	{ k, v, p, NULL }
#define BAD(k, v, e)	{ k, v, NULL, e }

#define IKE_EXPECT "expected encryption aes128gcm16, aes256gcm16, aes128 " \
	"or aes256; integrity sha256, sha384 or sha512; PRF prfsha256, " \
	"prfsha384 or prfsha512; DH group modp2048, modp3072, modp4096, " \
	"ecp256, ecp384, ecp521 or curve25519"
#define ESP_EXPECT "expected encryption aes128gcm16, aes256gcm16, " \
	"chacha20poly1305, aes128 or aes256; integrity sha256, sha384 or " \
	"sha512; DH group modp2048, modp3072, modp4096, ecp256, ecp384, " \
	"ecp521 or curve25519"
#define PFX_EXPECT "expected a prefix such as 10.1.0.0/16 or 2001:db8::/48"
#define ID_EXPECT "expected an IP address, fqdn:NAME, @NAME, " \
	"email:USER@DOMAIN or keyid:HEX"
#define ADDR_EXPECT "expected an IPv4 or IPv6 address; host names are " \
	"not resolved"
#define REMOTE_EXPECT "expected an IPv4 or IPv6 address, any, or a DNS name of " \
	"letters, digits, hyphens and dots, 253 at most"
#define HOST_EXPECT "expected a host name of letters, digits, '-' and '_' " \
	"in dot-separated labels"

static const struct row rows[] = {
	/* [global] */
	OK("log-level", "error", "error"),
	OK("log-level", "warning", "warning"),
	OK("log-level", "info", "info"),
	OK("log-level", "debug", "debug"),
	BAD("log-level", "loud", "key \"log-level\": invalid value \"loud\" "
	    "(expected error, warning, info or debug)"),
	BAD("log-level", "INFO", "key \"log-level\": invalid value \"INFO\" "
	    "(expected error, warning, info or debug)"),
	OK("half-open-limit", "0", "0"),
	OK("half-open-limit", "64", "64"),
	OK("half-open-limit", "65535", "65535"),
	BAD("half-open-limit", "65536", "key \"half-open-limit\": invalid "
	    "value \"65536\" (expected 0..65535)"),
	BAD("half-open-limit", "-1", "key \"half-open-limit\": invalid value "
	    "\"-1\" (expected 0..65535)"),
	BAD("half-open-limit", "", "key \"half-open-limit\": invalid value "
	    "\"\" (expected 0..65535)"),

	/* [tunnel] */
	OK("id", "1", "1"),
	OK("id", "65535", "65535"),
	OK("id", "007", "7"),
	BAD("id", "0", "key \"id\": invalid value \"0\" (expected 1..65535)"),
	BAD("id", "65536", "key \"id\": invalid value \"65536\" (expected "
	    "1..65535)"),
	BAD("id", "+1", "key \"id\": invalid value \"+1\" (expected "
	    "1..65535)"),
	BAD("id", "one", "key \"id\": invalid value \"one\" (expected "
	    "1..65535)"),
	BAD("id", "99999999999999999999999", "key \"id\": invalid value "
	    "\"99999999999999999999999\" (expected 1..65535)"),

	OK("enabled", "yes", "yes"),
	OK("enabled", "no", "no"),
	OK("enabled", "on", "yes"),
	OK("enabled", "off", "no"),
	BAD("enabled", "Yes", "key \"enabled\": invalid value \"Yes\" "
	    "(expected yes or no)"),

	OK("interface", "wan-hq.1", "wan-hq.1"),
	OK("interface", "abcdefghijklmno", "abcdefghijklmno"),
	BAD("interface", "abcdefghijklmnop", "key \"interface\": invalid "
	    "value \"abcdefghijklmnop\" (expected 1 to 15 letters, digits, "
	    "'_', '.' or '-')"),
	BAD("interface", "a/b", "key \"interface\": invalid value \"a/b\" "
	    "(expected 1 to 15 letters, digits, '_', '.' or '-')"),
	BAD("interface", "..", "key \"interface\": invalid value \"..\" "
	    "(expected 1 to 15 letters, digits, '_', '.' or '-')"),
	BAD("interface", "sgw 1", "key \"interface\": invalid value "
	    "\"sgw 1\" (expected 1 to 15 letters, digits, '_', '.' or '-')"),

	OK("local", "auto", "auto"),
	OK("local", "192.0.2.1", "192.0.2.1"),
	OK("local", "2001:DB8:0:0::1", "2001:db8::1"),
	BAD("local", "vpn.example.com", "key \"local\": invalid value "
	    "\"vpn.example.com\" (expected auto or an IPv4 or IPv6 address; "
	    "host names are not resolved)"),
	BAD("local", "192.0.2.1/24", "key \"local\": invalid value "
	    "\"192.0.2.1/24\" (expected auto or an IPv4 or IPv6 address; "
	    "host names are not resolved)"),
	BAD("local", "0.0.0.0", "key \"local\": invalid value \"0.0.0.0\" "
	    "(the unspecified address cannot be an SGW address)"),
	BAD("local", "::", "key \"local\": invalid value \"::\" (the "
	    "unspecified address cannot be an SGW address)"),
	BAD("local", "224.0.0.5", "key \"local\": invalid value "
	    "\"224.0.0.5\" (a multicast address cannot be an SGW address)"),
	BAD("local", "ff02::1", "key \"local\": invalid value \"ff02::1\" "
	    "(a multicast address cannot be an SGW address)"),
	BAD("local", "255.255.255.255", "key \"local\": invalid value "
	    "\"255.255.255.255\" (the broadcast address cannot be an SGW "
	    "address)"),
	BAD("local", "::ffff:192.0.2.1", "key \"local\": invalid value "
	    "\"::ffff:192.0.2.1\" (write IPv4 addresses as a.b.c.d, not "
	    "IPv4-mapped)"),

	OK("remote", "198.51.100.7", "198.51.100.7"),
	OK("remote", "2001:db8:ffff::0001", "2001:db8:ffff::1"),
	BAD("remote", "auto", "key \"remote\": invalid value \"auto\" ("
	    REMOTE_EXPECT ")"),
	/* remote = any: responder only (conf_check wants remote-id). */
	OK("remote", "any", "any"),
	OK("remote", "ANY", "any"),
	BAD("remote", "", "key \"remote\": invalid value \"\" ("
	    REMOTE_EXPECT ")"),
	BAD("remote", "198.51.100", "key \"remote\": invalid value "
	    "\"198.51.100\" (" REMOTE_EXPECT ")"),
	/* remote = NAME: RFC 1123 host names, resolved by the daemon. */
	OK("remote", "peer.example", "peer.example"),
	OK("remote", "Gw-1.Branch.example.", "Gw-1.Branch.example."),
	OK("remote", "vpn", "vpn"),
	OK("remote", "3com.example", "3com.example"),
	BAD("remote", "198.51.100.300", "key \"remote\": invalid value "
	    "\"198.51.100.300\" (" REMOTE_EXPECT ")"),
	BAD("remote", "-gw.example", "key \"remote\": invalid value "
	    "\"-gw.example\" (" REMOTE_EXPECT ")"),
	BAD("remote", "gw-.example", "key \"remote\": invalid value "
	    "\"gw-.example\" (" REMOTE_EXPECT ")"),
	BAD("remote", "a..example", "key \"remote\": invalid value "
	    "\"a..example\" (" REMOTE_EXPECT ")"),
	BAD("remote", "gw_1.example", "key \"remote\": invalid value "
	    "\"gw_1.example\" (" REMOTE_EXPECT ")"),
	BAD("remote", "fe80::1%eth0", "key \"remote\": invalid value "
	    "\"fe80::1%eth0\" (" REMOTE_EXPECT ")"),
	BAD("remote", "a234567890123456789012345678901234567890123456789012345"
	    "678901234.example", "key \"remote\": invalid value \"a23456789"
	    "0123456789012345678901234567890123456789012345678901234.example"
	    "\" (" REMOTE_EXPECT ")"),

	OK("local-id", "192.0.2.9", "192.0.2.9"),
	OK("local-id", "2001:db8::9", "2001:db8::9"),
	OK("local-id", "fqdn:gw.example.com", "fqdn:gw.example.com"),
	OK("local-id", "@gw.example.com", "fqdn:gw.example.com"),
	OK("local-id", "email:ops@example.com", "email:ops@example.com"),
	OK("local-id", "keyid:0A1b", "keyid:0a1b"),
	BAD("local-id", "gw.example.com", "key \"local-id\": invalid value "
	    "\"gw.example.com\" (" ID_EXPECT ")"),
	BAD("local-id", "ops@example.com", "key \"local-id\": invalid value "
	    "\"ops@example.com\" (" ID_EXPECT ")"),
	BAD("local-id", "fqdn:", "key \"local-id\": invalid value \"fqdn:\" ("
	    HOST_EXPECT ")"),
	BAD("local-id", "@a..b", "key \"local-id\": invalid value \"@a..b\" ("
	    HOST_EXPECT ")"),
	BAD("local-id", "email:nobody", "key \"local-id\": invalid value "
	    "\"email:nobody\" (expected email:USER@DOMAIN)"),
	BAD("local-id", "keyid:abc", "key \"local-id\": invalid value "
	    "\"keyid:abc\" (expected keyid: and an even number of hex digits, "
	    "at most 255 bytes)"),
	BAD("local-id", "keyid:zz", "key \"local-id\": invalid value "
	    "\"keyid:zz\" (expected keyid: and an even number of hex digits, "
	    "at most 255 bytes)"),
	OK("remote-id", "@peer.example", "fqdn:peer.example"),
	OK("remote-id", "198.51.100.1", "198.51.100.1"),
	BAD("remote-id", "", "key \"remote-id\": invalid value \"\" ("
	    ID_EXPECT ")"),

	OK("psk-file", "/etc/sgw/hq.psk", "/etc/sgw/hq.psk"),
	OK("psk-file", "/etc/sgw/my key.psk", "/etc/sgw/my key.psk"),
	OK("psk-file", "/etc/sgw/a#b.psk", "/etc/sgw/a#b.psk"),
	BAD("psk-file", "hq.psk", "key \"psk-file\": invalid value \"hq.psk\" "
	    "(expected an absolute path)"),
	BAD("psk-file", "/etc/sgw/", "key \"psk-file\": invalid value "
	    "\"/etc/sgw/\" (expected a file, not a directory)"),

	OK("local-networks", "any", "any"),
	OK("local-networks", "10.1.0.0/16,2001:db8:1::/48",
	   "10.1.0.0/16, 2001:db8:1::/48"),
	OK("local-networks", "10.1.0.1", "10.1.0.1/32"),
	OK("local-networks", "2001:db8::1", "2001:db8::1/128"),
	OK("local-networks", "0.0.0.0/0, ::/0", "0.0.0.0/0, ::/0"),
	OK("local-networks", " 10.0.0.0/8 ,\t172.16.0.0/12 ",
	   "10.0.0.0/8, 172.16.0.0/12"),
	BAD("local-networks", "10.1.2.3/16", "key \"local-networks\": invalid "
	    "value \"10.1.2.3/16\" (host bits set; did you mean "
	    "10.1.0.0/16?)"),
	BAD("local-networks", "10.0.0.0/8, 2001:db8::1/32",
	    "key \"local-networks\": invalid value \"2001:db8::1/32\" (host "
	    "bits set; did you mean 2001:db8::/32?)"),
	BAD("local-networks", "10.0.0.0/33", "key \"local-networks\": "
	    "invalid value \"10.0.0.0/33\" (expected a prefix length 0..32)"),
	BAD("local-networks", "2001:db8::/129", "key \"local-networks\": "
	    "invalid value \"2001:db8::/129\" (expected a prefix length "
	    "0..128)"),
	BAD("local-networks", "10.0.0.0/", "key \"local-networks\": invalid "
	    "value \"10.0.0.0/\" (expected a prefix length 0..32)"),
	BAD("local-networks", "fe80::1%eth0", "key \"local-networks\": "
	    "invalid value \"fe80::1%eth0\" (" PFX_EXPECT ")"),
	BAD("local-networks", "10.0.0.0/8, 10.0.0.0/8",
	    "key \"local-networks\": invalid value \"10.0.0.0/8\" (listed "
	    "twice)"),
	BAD("local-networks", "10.0.0.0/8,", "key \"local-networks\": "
	    "invalid value \"10.0.0.0/8,\" (empty item in the list)"),
	BAD("local-networks", "any, 10.0.0.0/8", "key \"local-networks\": "
	    "invalid value \"any\" (any stands alone, not in a list of "
	    "prefixes)"),
	BAD("local-networks", "", "key \"local-networks\": invalid value \"\" "
	    "(expected any or a comma-separated list of prefixes)"),
	BAD("local-networks", "10.0.0.0/24, 10.0.1.0/24, 10.0.2.0/24, "
	    "10.0.3.0/24, 10.0.4.0/24, 10.0.5.0/24, 10.0.6.0/24, 10.0.7.0/24, "
	    "10.0.8.0/24, 10.0.9.0/24, 10.0.10.0/24, 10.0.11.0/24, "
	    "10.0.12.0/24, 10.0.13.0/24, 10.0.14.0/24, 10.0.15.0/24, "
	    "10.0.16.0/24", "key \"local-networks\": invalid value \"10.0.0.0/"
	    "24, 10.0.1.0/24, 10.0.2.0/24, 10.0.3.0/24, 10.0.4.0/24, 10.0.5.0/"
	    "24, 10.0.6.0/24, 10.0.7.0/24, 10.0.8.0/24, 10.0.9.0/24, 10.0.10.0"
	    "/24, 10.0.11.0/24, 10.0.12.0/24, 10.0.13.0/24, 10.0.14.0/24, "
	    "...\" (at most 16 prefixes)"),
	OK("remote-networks", "10.9.0.0/16", "10.9.0.0/16"),
	BAD("remote-networks", "10.9.0.0/16 10.8.0.0/16",
	    "key \"remote-networks\": invalid value \"10.9.0.0/16 10.8.0.0/16\""
	    " (separate prefixes with commas)"),

	OK("ike-proposals", "aes256gcm16-prfsha384-ecp384",
	   "aes256gcm16-prfsha384-ecp384"),
	OK("ike-proposals", "aes128-sha256-modp2048",
	   "aes128-sha256-prfsha256-modp2048"),
	OK("ike-proposals", "modp2048-sha512-aes256-sha384",
	   "aes256-sha512-sha384-prfsha512-prfsha384-modp2048"),
	OK("ike-proposals", "aes128-sha256-prfsha512-curve25519",
	   "aes128-sha256-prfsha512-curve25519"),
	OK("ike-proposals", "aes256gcm16-prfsha384-ecp384,aes128-sha256-"
	   "modp2048", "aes256gcm16-prfsha384-ecp384, aes128-sha256-prfsha256-"
	   "modp2048"),
	BAD("ike-proposals", "aes256gcm16-ecp384", "key \"ike-proposals\": "
	    "invalid value \"aes256gcm16-ecp384\" (no PRF; add one of "
	    "prfsha256, prfsha384 or prfsha512)"),
	BAD("ike-proposals", "aes256gcm16-sha384-ecp384",
	    "key \"ike-proposals\": invalid value \"aes256gcm16-sha384-ecp384\" "
	    "(AEAD encryption takes no integrity algorithm; for a PRF write "
	    "prfsha384)"),
	BAD("ike-proposals", "aes128-modp2048", "key \"ike-proposals\": "
	    "invalid value \"aes128-modp2048\" (no integrity algorithm; add "
	    "one of sha256, sha384 or sha512)"),
	BAD("ike-proposals", "sha256-modp2048", "key \"ike-proposals\": "
	    "invalid value \"sha256-modp2048\" (no encryption algorithm; add "
	    "one of aes128gcm16, aes256gcm16, aes128 or aes256)"),
	BAD("ike-proposals", "aes128-sha256", "key \"ike-proposals\": invalid "
	    "value \"aes128-sha256\" (no DH group; add one of modp2048, "
	    "modp3072, modp4096, ecp256, ecp384, ecp521 or curve25519)"),
	BAD("ike-proposals", "aes128gcm16-aes128-prfsha256-modp2048",
	    "key \"ike-proposals\": invalid value \"aes128gcm16-aes128-"
	    "prfsha256-modp2048\" (mixes AEAD and non-AEAD encryption; put "
	    "them in separate proposals)"),
	BAD("ike-proposals", "chacha20poly1305-prfsha256-ecp256",
	    "key \"ike-proposals\": invalid value \"chacha20poly1305\" (not "
	    "supported for IKE; " IKE_EXPECT ")"),
	BAD("ike-proposals", "aes256gcm-prfsha256-ecp256",
	    "key \"ike-proposals\": invalid value \"aes256gcm\" (unknown "
	    "algorithm; did you mean aes256gcm16?)"),
	BAD("ike-proposals", "blowfish-md5-modp1024", "key \"ike-proposals\": "
	    "invalid value \"blowfish\" (unknown algorithm for IKE; "
	    IKE_EXPECT ")"),
	BAD("ike-proposals", "aes128--sha256-modp2048",
	    "key \"ike-proposals\": invalid value \"aes128--sha256-modp2048\" "
	    "(empty algorithm name between dashes)"),
	BAD("ike-proposals", "aes128-aes128-sha256-modp2048",
	    "key \"ike-proposals\": invalid value \"aes128\" (listed twice in "
	    "one proposal)"),
	BAD("ike-proposals", ", aes256gcm16-prfsha384-ecp384",
	    "key \"ike-proposals\": invalid value \", aes256gcm16-prfsha384-"
	    "ecp384\" (empty item in the list)"),
	BAD("ike-proposals", "", "key \"ike-proposals\": invalid value \"\" "
	    "(expected a comma-separated list of proposals such as "
	    "aes256gcm16-prfsha384-ecp384)"),

	OK("esp-proposals", "aes256gcm16", "aes256gcm16"),
	OK("esp-proposals", "aes256gcm16, chacha20poly1305, aes128-sha256",
	   "aes256gcm16, chacha20poly1305, aes128-sha256"),
	OK("esp-proposals", "aes128-sha256-modp2048",
	   "aes128-sha256-modp2048"),
	OK("esp-proposals", "chacha20poly1305-curve25519",
	   "chacha20poly1305-curve25519"),
	/* RFC 4868 in ESP (authenc(hmac(sha384|sha512),cbc(aes))). */
	OK("esp-proposals", "aes128-sha384", "aes128-sha384"),
	OK("esp-proposals", "aes256-sha512-sha384-ecp521",
	   "aes256-sha512-sha384-ecp521"),
	OK("ike-proposals", "aes256-sha512-modp4096-modp3072-ecp521",
	   "aes256-sha512-prfsha512-modp4096-modp3072-ecp521"),
	/* strongSwan's "default", cut to what sgw implements. */
	OK("esp-proposals", "default",
	   "aes128-aes256-sha256-sha384-sha512, aes128gcm16-aes256gcm16"),
	OK("esp-proposals", "aes256gcm16, DEFAULT",
	   "aes256gcm16, aes128-aes256-sha256-sha384-sha512, "
	   "aes128gcm16-aes256gcm16"),
	OK("ike-proposals", "default",
	   "aes128-aes256-sha256-sha384-sha512-prfsha256-prfsha384-"
	   "prfsha512-ecp256-ecp384-ecp521-curve25519-modp3072-modp4096-"
	   "modp2048, aes128gcm16-aes256gcm16-prfsha256-prfsha384-prfsha512-"
	   "ecp256-ecp384-ecp521-curve25519-modp3072-modp4096-modp2048"),
	BAD("esp-proposals", "aes128-md5", "key \"esp-proposals\": invalid "
	    "value \"md5\" (unknown algorithm for ESP; " ESP_EXPECT ")"),
	BAD("esp-proposals", "aes256gcm16-prfsha256", "key \"esp-proposals\": "
	    "invalid value \"prfsha256\" (not supported for ESP; " ESP_EXPECT
	    ")"),
	BAD("esp-proposals", "aes128", "key \"esp-proposals\": invalid value "
	    "\"aes128\" (no integrity algorithm; add one of sha256, sha384 or "
	    "sha512)"),
	BAD("esp-proposals", "aes256gcm16-sha256", "key \"esp-proposals\": "
	    "invalid value \"aes256gcm16-sha256\" (AEAD encryption takes no "
	    "integrity algorithm)"),
	BAD("esp-proposals", "", "key \"esp-proposals\": invalid value \"\" "
	    "(expected a comma-separated list of proposals such as "
	    "aes256gcm16)"),

	OK("ike-lifetime", "4h", "4h"),
	OK("ike-lifetime", "3600", "1h"),
	OK("ike-lifetime", "5400s", "90m"),
	OK("ike-lifetime", "10s", "10s"),
	OK("ike-lifetime", "30d", "30d"),
	BAD("ike-lifetime", "9s", "key \"ike-lifetime\": invalid value \"9s\" "
	    "(expected a duration 10s..30d)"),
	BAD("ike-lifetime", "31d", "key \"ike-lifetime\": invalid value "
	    "\"31d\" (expected a duration 10s..30d)"),
	BAD("ike-lifetime", "4 h", "key \"ike-lifetime\": invalid value "
	    "\"4 h\" (expected a duration: N, Ns, Nm, Nh or Nd)"),
	BAD("ike-lifetime", "4hours", "key \"ike-lifetime\": invalid value "
	    "\"4hours\" (expected a duration: N, Ns, Nm, Nh or Nd)"),
	BAD("ike-lifetime", "h", "key \"ike-lifetime\": invalid value \"h\" "
	    "(expected a duration: N, Ns, Nm, Nh or Nd)"),
	BAD("ike-lifetime", "99999999999999999999d", "key \"ike-lifetime\": "
	    "invalid value \"99999999999999999999d\" (expected a duration: N, "
	    "Ns, Nm, Nh or Nd)"),
	BAD("ike-lifetime", "9999999999d", "key \"ike-lifetime\": invalid "
	    "value \"9999999999d\" (expected a duration 10s..30d)"),
	OK("child-lifetime", "20s", "20s"),
	OK("child-lifetime", "8h", "8h"),
	BAD("child-lifetime", "0", "key \"child-lifetime\": invalid value "
	    "\"0\" (expected a duration 10s..30d)"),
	OK("rekey-margin", "0", "0s"),
	OK("rekey-margin", "1d", "1d"),
	BAD("rekey-margin", "25h", "key \"rekey-margin\": invalid value "
	    "\"25h\" (expected a duration 0s..1d)"),
	OK("rekey-jitter", "0s", "0s"),
	OK("rekey-jitter", "90s", "90s"),
	BAD("rekey-jitter", "10%", "key \"rekey-jitter\": invalid value "
	    "\"10%\" (expected a duration: N, Ns, Nm, Nh or Nd)"),

	OK("life-bytes", "0", "0"),
	OK("life-bytes", "1024", "1k"),
	OK("life-bytes", "1536", "1536"),
	OK("life-bytes", "1K", "1k"),
	OK("life-bytes", "2048M", "2G"),
	OK("life-bytes", "16T", "16T"),
	OK("life-bytes", "18446744073709551615", "18446744073709551615"),
	BAD("life-bytes", "1P", "key \"life-bytes\": invalid value \"1P\" "
	    "(expected a size: N, Nk, NM, NG or NT (powers of 1024), 0 for no "
	    "limit)"),
	BAD("life-bytes", "18446744073709551616", "key \"life-bytes\": invalid "
	    "value \"18446744073709551616\" (expected a size: N, Nk, NM, NG or "
	    "NT (powers of 1024), 0 for no limit)"),
	BAD("life-bytes", "16777216T", "key \"life-bytes\": invalid value "
	    "\"16777216T\" (expected a size below 2^64 bytes)"),
	OK("life-packets", "0", "0"),
	OK("life-packets", "1000000", "1000000"),
	BAD("life-packets", "1k", "key \"life-packets\": invalid value \"1k\" "
	    "(expected a whole number below 2^64, 0 for no limit)"),

	OK("auto-refresh", "on", "on"),
	OK("auto-refresh", "off", "off"),
	OK("auto-refresh", "yes", "on"),
	OK("auto-refresh", "no", "off"),
	BAD("auto-refresh", "true", "key \"auto-refresh\": invalid value "
	    "\"true\" (expected on or off)"),

	OK("start", "on-demand", "on-demand"),
	OK("start", "at-start", "at-start"),
	BAD("start", "now", "key \"start\": invalid value \"now\" (expected "
	    "on-demand or at-start)"),

	OK("dpd-delay", "0", "0s"),
	OK("dpd-delay", "30s", "30s"),
	OK("dpd-delay", "120", "2m"),
	BAD("dpd-delay", "2d", "key \"dpd-delay\": invalid value \"2d\" "
	    "(expected a duration 0s..1d)"),
	OK("dpd-action", "restart", "restart"),
	OK("dpd-action", "clear", "clear"),
	OK("dpd-action", "hold", "hold"),
	BAD("dpd-action", "none", "key \"dpd-action\": invalid value \"none\" "
	    "(expected restart, clear or hold)"),

	OK("retransmit-tries", "1", "1"),
	OK("retransmit-tries", "20", "20"),
	BAD("retransmit-tries", "0", "key \"retransmit-tries\": invalid value "
	    "\"0\" (expected 1..20)"),
	BAD("retransmit-tries", "21", "key \"retransmit-tries\": invalid "
	    "value \"21\" (expected 1..20)"),
	OK("retransmit-timeout", "1s", "1s"),
	OK("retransmit-timeout", "60s", "1m"),
	BAD("retransmit-timeout", "0", "key \"retransmit-timeout\": invalid "
	    "value \"0\" (expected a duration 1s..1m)"),
	BAD("retransmit-timeout", "61s", "key \"retransmit-timeout\": invalid "
	    "value \"61s\" (expected a duration 1s..1m)"),

	OK("mtu", "auto", "auto"),
	/* The kernel's ranges (kmod/netlink.c), no narrower, no wider. */
	OK("mtu", "68", "68"),
	OK("mtu", "1400", "1400"),
	OK("mtu", "9000", "9000"),
	OK("mtu", "65535", "65535"),
	BAD("mtu", "67", "key \"mtu\": invalid value \"67\" (expected auto "
	    "or 68..65535)"),
	BAD("mtu", "65536", "key \"mtu\": invalid value \"65536\" (expected "
	    "auto or 68..65535)"),
	BAD("mtu", "off", "key \"mtu\": invalid value \"off\" (expected auto "
	    "or 68..65535)"),
	OK("routes", "yes", "yes"),
	OK("routes", "no", "no"),
	OK("routes", "on", "yes"),
	BAD("routes", "true", "key \"routes\": invalid value \"true\" (expected "
	    "yes or no)"),
	OK("route-table", "main", "main"),
	OK("route-table", "254", "main"),
	OK("route-table", "1", "1"),
	OK("route-table", "4294967295", "4294967295"),
	BAD("route-table", "0", "key \"route-table\": invalid value \"0\" "
	    "(expected main or 1..4294967295)"),
	BAD("route-table", "local", "key \"route-table\": invalid value "
	    "\"local\" (expected main or 1..4294967295)"),
	OK("route-metric", "0", "0"),
	OK("route-metric", "4294967295", "4294967295"),
	BAD("route-metric", "4294967296", "key \"route-metric\": invalid "
	    "value \"4294967296\" (expected 0..4294967295)"),
	OK("mss", "auto", "auto"),
	OK("mss", "off", "off"),
	OK("mss", "536", "536"),
	OK("mss", "1360", "1360"),
	OK("mss", "65495", "65495"),
	BAD("mss", "535", "key \"mss\": invalid value \"535\" (expected auto, "
	    "off or 536..65495)"),
	BAD("mss", "65496", "key \"mss\": invalid value \"65496\" (expected "
	    "auto, off or 536..65495)"),
	BAD("mss", "1", "key \"mss\": invalid value \"1\" (expected auto, "
	    "off or 536..65495)"),

	OK("outer-df", "copy", "copy"),
	OK("outer-df", "set", "set"),
	OK("outer-df", "clear", "clear"),
	BAD("outer-df", "maybe", "key \"outer-df\": invalid value \"maybe\" "
	    "(expected copy, set or clear)"),
	OK("fragment", "before-encryption", "before-encryption"),
	OK("fragment", "after-encryption", "after-encryption"),
	BAD("fragment", "before", "key \"fragment\": invalid value \"before\" "
	    "(expected before-encryption or after-encryption)"),

	OK("protect-gateways", "yes", "yes"),
	OK("protect-gateways", "no", "no"),
	BAD("protect-gateways", "true", "key \"protect-gateways\": invalid "
	    "value \"true\" (expected yes or no)"),
	OK("replay-window", "0", "0"),
	OK("replay-window", "64", "64"),
	OK("replay-window", "4096", "4096"),
	BAD("replay-window", "4097", "key \"replay-window\": invalid value "
	    "\"4097\" (expected 0..4096)"),
	OK("esn", "yes", "yes"),
	OK("esn", "no", "no"),
	BAD("esn", "1", "key \"esn\": invalid value \"1\" (expected yes or "
	    "no)"),
	OK("nat-traversal", "no", "no"),
	OK("nat-traversal", "yes", "yes"),
	OK("nat-traversal", "off", "no"),
	BAD("nat-traversal", "maybe", "key \"nat-traversal\": invalid value "
	    "\"maybe\" (expected yes or no)"),
	OK("encap", "no", "no"),
	OK("encap", "yes", "yes"),
	BAD("encap", "force", "key \"encap\": invalid value \"force\" "
	    "(expected yes or no)"),
	OK("reauth", "yes", "yes"),
	OK("reauth", "on", "yes"),
	BAD("reauth", "1", "key \"reauth\": invalid value \"1\" (expected yes or no)"),
	OK("nat-keepalive", "0", "0s"),
	OK("nat-keepalive", "0s", "0s"),
	OK("nat-keepalive", "20s", "20s"),
	OK("nat-keepalive", "1m", "1m"),
	BAD("nat-keepalive", "2h", "key \"nat-keepalive\": invalid value "
	    "\"2h\" (expected a duration 0s..1h)"),
};

#define N_ROWS (sizeof(rows) / sizeof(rows[0]))

static void run_row(void **state)
{
	const struct row *r = *state;
	const struct sgw_conf_key *k;
	struct sgw_conf c;
	char *text, *printed = NULL, *expected;
	bool global;
	size_t len = 0;
	FILE *f;

	k = sgw_conf_key_find(SGW_CONF_SEC_GLOBAL, r->key, strlen(r->key));
	global = k != NULL;
	if (!k)
		k = sgw_conf_key_find(SGW_CONF_SEC_TUNNEL, r->key,
				      strlen(r->key));
	assert_non_null(k);

	/* The key under test always stands on line 2. */
	if (global)
		text = xasprintf("[global]\n%s = %s\n", r->key, r->value);
	else
		text = xasprintf("[tunnel hq]\n%s = %s\n%s%s%s", r->key,
				 r->value,
				 strcmp(r->key, "id") ? "id = 1\n" : "",
				 strcmp(r->key, "remote") ?
				 "remote = 198.51.100.1\n" : "",
				 strcmp(r->key, "psk-file") ?
				 "psk-file = /etc/sgw/hq.psk\n" : "");
	if (!r->printed) {
		expected = xasprintf("sgw.conf:2: %s: %s", global ? "global" :
				     "tunnel \"hq\"", r->error);
		parse_err(text, expected);
		free(expected);
		free(text);
		return;
	}
	parse_ok(text, &c);
	f = open_memstream(&printed, &len);
	assert_non_null(f);
	assert_int_equal(sgw_conf_value_print(k, global ?
					      (void *)&c.global :
					      (void *)&c.tunnels[0], f), 0);
	fclose(f);
	assert_string_equal(printed, r->printed);
	if (global)
		assert_int_equal(c.global.key_line[k->id], 2);
	else
		assert_int_equal(c.tunnels[0].key_line[k->id], 2);
	assert_round_trip(&c);
	free(printed);
	free(text);
	sgw_conf_free(&c);
}

/* Every key of the table has at least one valid and one invalid row. */
static void every_key_covered(void **state)
{
	const struct sgw_conf_key *keys;
	size_t n, i, j;

	(void)state;
	keys = sgw_conf_keys(&n);
	for (i = 0; i < n; i++) {
		bool ok = false, bad = false;

		for (j = 0; j < N_ROWS; j++) {
			if (strcmp(rows[j].key, keys[i].name) != 0)
				continue;
			if (rows[j].printed)
				ok = true;
			else
				bad = true;
		}
		if (!ok || !bad)
			fail_msg("key \"%s\" lacks a %s row", keys[i].name,
				 ok ? "invalid" : "valid");
	}
}

int main(void)
{
	struct CMUnitTest *tests = calloc(N_ROWS + 1, sizeof(*tests));
	char **names = calloc(N_ROWS, sizeof(*names));
	size_t i;
	int r;

	if (!tests || !names)
		return 1;
	for (i = 0; i < N_ROWS; i++) {
		names[i] = xasprintf("%s %s = %s", rows[i].printed ? "ok " :
				     "bad", rows[i].key, rows[i].value);
		tests[i].name = names[i];
		tests[i].test_func = run_row;
		tests[i].initial_state = (void *)&rows[i];
	}
	tests[N_ROWS].name = "every_key_covered";
	tests[N_ROWS].test_func = every_key_covered;
	r = _cmocka_run_group_tests("values", tests, N_ROWS + 1, NULL, NULL);
	for (i = 0; i < N_ROWS; i++)
		free(names[i]);
	free(names);
	free(tests);
	return r;
}
