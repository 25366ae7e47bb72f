// SPDX-License-Identifier: GPL-2.0
/*
 * SMB3 cryptography through OpenSSL 3 EVP: preauth integrity hash (SHA-512),
 * key derivation (KBKDF) and AES-CMAC signing.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "crypto.h"
#include "smb2.h"

int preauth_update(uint8_t h[PREAUTH_HASH_LEN], const uint8_t *msg,
		   size_t len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int outl = 0;
	int ok;

	if (!md)
		return -1;
	ok = EVP_DigestInit_ex(md, EVP_sha512(), NULL) &&
	     EVP_DigestUpdate(md, h, PREAUTH_HASH_LEN) &&
	     EVP_DigestUpdate(md, msg, len) &&
	     EVP_DigestFinal_ex(md, h, &outl);
	EVP_MD_CTX_free(md);
	return ok && outl == PREAUTH_HASH_LEN ? 0 : -1;
}

int smb3_kdf(const uint8_t *key, size_t key_len, const void *label,
	     size_t label_len, const void *context, size_t context_len,
	     uint8_t out[16])
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "KBKDF", NULL);
	EVP_KDF_CTX *kctx;
	OSSL_PARAM params[7], *p = params;
	int ok;

	if (!kdf)
		return -1;
	kctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (!kctx)
		return -1;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE,
						"counter", 0);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MAC, "HMAC", 0);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						 (void *)key, key_len);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
						 (void *)label, label_len);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
						 (void *)context, context_len);
	*p = OSSL_PARAM_construct_end();
	ok = EVP_KDF_derive(kctx, out, 16, params);
	EVP_KDF_CTX_free(kctx);
	return ok > 0 ? 0 : -1;
}

int smb3_sign(const uint8_t key[16], const uint8_t *msg, size_t len,
	      uint8_t sig[16])
{
	static const uint8_t zero[16];
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *mctx;
	OSSL_PARAM params[2];
	size_t outl = 0;
	int ok;

	if (!mac)
		return -1;
	mctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (!mctx)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
						     "AES-128-CBC", 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = len >= SMB2_HDR_LEN &&
	     EVP_MAC_init(mctx, key, 16, params) &&
	     EVP_MAC_update(mctx, msg, 48) &&
	     EVP_MAC_update(mctx, zero, 16) &&
	     EVP_MAC_update(mctx, msg + SMB2_HDR_LEN, len - SMB2_HDR_LEN) &&
	     EVP_MAC_final(mctx, sig, &outl, 16);
	EVP_MAC_CTX_free(mctx);
	return ok && outl == 16 ? 0 : -1;
}
