/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SMBSRV_CRYPTO_H
#define SMBSRV_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define PREAUTH_HASH_LEN 64

/* h = SHA-512(h || msg) */
int preauth_update(uint8_t h[PREAUTH_HASH_LEN], const uint8_t *msg,
		   size_t len);
/* SP800-108 counter mode, HMAC-SHA256, L = 128 bits ([MS-SMB2] 3.1.4.2). */
int smb3_kdf(const uint8_t *key, size_t key_len, const void *label,
	     size_t label_len, const void *context, size_t context_len,
	     uint8_t out[16]);
/* AES-128-CMAC over msg with the signature field zeroed. */
int smb3_sign(const uint8_t key[16], const uint8_t *msg, size_t len,
	      uint8_t sig[16]);

#endif
