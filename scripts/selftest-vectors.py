#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Known answers for kmod/selftest.c, from an implementation other than
the kernel's (python3-cryptography): for every ESP algorithm, the ESP
payload (IV, ciphertext, ICV) of one inner IPv4 packet with 32-bit
sequence numbers and one inner IPv6 packet with ESN (RFC 4303, 4106,
7634, 4868). The inputs are the ones selftest.c builds; print the table
it embeds."""

import hashlib
import hmac

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

SPI = bytes.fromhex("11223344")
SEQ = 0x0000000100000005  # ESN; without ESN only its low 32 bits
INNER4 = bytes.fromhex("4500001c00010000400100000a0100020a020002"
                       "08000000000100 02".replace(" ", ""))
INNER6 = bytes.fromhex("6000000000083a40"
                       "fd010000000000000000000000000002"
                       "fd020000000000000000000000000002"
                       "8000000000010002")

# name, enum name, cipher key, salt, auth key, hash, ICV, block, IV
ALGS = [
    ("aes-gcm-128", "SGW_ALG_AES_GCM_128", 16, 4, 0, None, 16, 4, 8),
    ("aes-gcm-256", "SGW_ALG_AES_GCM_256", 32, 4, 0, None, 16, 4, 8),
    ("chacha20-poly1305", "SGW_ALG_CHACHA20_POLY1305", 32, 4, 0, None, 16, 4, 8),
    ("aes-cbc-128-sha256", "SGW_ALG_AES_CBC_128_SHA256", 16, 0, 32, "sha256", 16, 16, 16),
    ("aes-cbc-256-sha256", "SGW_ALG_AES_CBC_256_SHA256", 32, 0, 32, "sha256", 16, 16, 16),
    ("aes-cbc-128-sha384", "SGW_ALG_AES_CBC_128_SHA384", 16, 0, 48, "sha384", 24, 16, 16),
    ("aes-cbc-256-sha384", "SGW_ALG_AES_CBC_256_SHA384", 32, 0, 48, "sha384", 24, 16, 16),
    ("aes-cbc-128-sha512", "SGW_ALG_AES_CBC_128_SHA512", 16, 0, 64, "sha512", 32, 16, 16),
    ("aes-cbc-256-sha512", "SGW_ALG_AES_CBC_256_SHA512", 32, 0, 64, "sha512", 32, 16, 16),
]


def payload(inner, nexthdr, block):
    """Inner packet, padding 1, 2, 3, ..., pad length, next header."""
    padlen = (-(len(inner) + 2)) % block
    return inner + bytes(range(1, padlen + 1)) + bytes([padlen, nexthdr])


def esp(alg, inner, nexthdr, esn):
    _, _, klen, slen, alen, hname, icv, block, ivlen = alg
    # Key material as sgw takes it: cipher key, then salt or HMAC key.
    key = bytes(range(klen + slen + alen))
    iv = bytes(range(0xa0, 0xa0 + ivlen))
    lo = (SEQ & 0xffffffff).to_bytes(4, "big")
    hi = (SEQ >> 32).to_bytes(4, "big")
    pt = payload(inner, nexthdr, block)
    if not hname:
        aad = SPI + (hi if esn else b"") + lo
        nonce = key[klen:] + iv
        cls = ChaCha20Poly1305 if "chacha" in alg[0] else AESGCM
        return iv + cls(key[:klen]).encrypt(nonce, pt, aad)
    enc = Cipher(algorithms.AES(key[:klen]), modes.CBC(iv)).encryptor()
    ct = enc.update(pt) + enc.finalize()
    mac = hmac.new(key[klen:], SPI + lo + iv + ct + (hi if esn else b""),
                   getattr(hashlib, hname)).digest()[:icv]
    return iv + ct + mac


def main():
    table = []
    for alg in ALGS:
        for v6, esn in ((False, False), (True, True)):
            out = esp(alg, INNER6 if v6 else INNER4, 41 if v6 else 4, esn)
            name = "kat_%s_%s" % (alg[0].replace("-", "_"), "v6_esn" if v6 else "v4")
            print("static const u8 %s[] = {" % name)
            for i in range(0, len(out), 12):
                print("\t" + " ".join("0x%02x," % b for b in out[i:i + 12]))
            print("};\n")
            table.append("\tKAT(%s, %s, %s, %s)," % (
                alg[1], "true" if esn else "false", "true" if v6 else "false",
                name))
    print("static const struct esp_kat esp_kats[] = {")
    print("\n".join(table))
    print("};")


if __name__ == "__main__":
    main()
