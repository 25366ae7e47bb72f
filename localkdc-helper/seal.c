// SPDX-License-Identifier: GPL-2.0
/*
 * Sealing a trust token's secrets with a passphrase: scrypt (N=2^15,
 * r=8, p=1, random 16-byte salt) derives an AES-256 key, AES-256-GCM
 * (random 12-byte nonce, 16-byte tag) encrypts the secrets and
 * authenticates them together with the token's clear header (the AAD).
 * Both come from OpenSSL's libcrypto, already in the image: no crypto of
 * our own.  A wrong passphrase and an altered token look the same to
 * GCM (the tag does not verify): the caller says so.
 *
 * Sealed blob: salt(16) nonce(12) ciphertext tag(16), base64 on one line.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "lkdc.h"

#define SALT_LEN	16
#define NONCE_LEN	12
#define TAG_LEN		16
#define KEY_LEN		32
#define SCRYPT_N	(1u << 15)
#define SCRYPT_R	8u
#define SCRYPT_P	1u
#define SCRYPT_MAXMEM	(64u * 1024 * 1024)

static int derive(const char *pass, const unsigned char *salt,
		  unsigned char *key)
{
	return EVP_PBE_scrypt(pass, strlen(pass), salt, SALT_LEN, SCRYPT_N,
			      SCRYPT_R, SCRYPT_P, SCRYPT_MAXMEM, key,
			      KEY_LEN) == 1 ? 0 : -1;
}

/* One GCM pass; enc 1 seals (writes the tag), 0 opens (checks it) */
static int gcm(int enc, const unsigned char *key, const unsigned char *nonce,
	       const char *aad, const unsigned char *in, size_t len,
	       unsigned char *out, unsigned char *tag)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n, ok;

	if (!c)
		return -1;
	ok = EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) == 1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1 &&
	     EVP_CipherInit_ex(c, NULL, NULL, key, nonce, enc) == 1 &&
	     EVP_CipherUpdate(c, NULL, &n, (const unsigned char *)aad,
			      (int)strlen(aad)) == 1 &&
	     EVP_CipherUpdate(c, out, &n, in, (int)len) == 1;
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1;
	if (ok)
		ok = EVP_CipherFinal_ex(c, out + n, &n) == 1;
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

int lkdc_seal(TALLOC_CTX *mem, const char *pass, const char *aad,
	      const unsigned char *plain, size_t len, char **b64,
	      struct lkdc_err *e)
{
	size_t blen = SALT_LEN + NONCE_LEN + len + TAG_LEN;
	unsigned char *blob = talloc_size(mem, blen);
	unsigned char *key = localkdc_secret_alloc(mem, KEY_LEN);
	char *out = talloc_size(mem, 4 * ((blen + 2) / 3) + 1);
	int rc = LOCALKDC_OK;

	if (!blob || !key || !out) {
		rc = lkdc_fail(e, LOCALKDC_ERR, "out of memory");
		goto done;
	}
	if (RAND_bytes(blob, SALT_LEN + NONCE_LEN) != 1 ||
	    derive(pass, blob, key) < 0 ||
	    gcm(1, key, blob + SALT_LEN, aad, plain, len,
		blob + SALT_LEN + NONCE_LEN, blob + blen - TAG_LEN) < 0) {
		rc = lkdc_fail(e, LOCALKDC_ERR, "sealing the token failed");
		goto done;
	}
	EVP_EncodeBlock((unsigned char *)out, blob, (int)blen);
	*b64 = out;
	out = NULL;
done:
	talloc_free(key);
	talloc_free(blob);
	talloc_free(out);
	return rc;
}

int lkdc_unseal(TALLOC_CTX *mem, const char *pass, const char *aad,
		const char *b64, unsigned char **plain, size_t *len,
		struct lkdc_err *e)
{
	size_t b64len = strlen(b64), blen;
	unsigned char *blob, *key, *out;
	int n, rc = LOCALKDC_OK;

	*plain = NULL;
	if (b64len == 0 || b64len % 4 || b64len > 4096)
		return lkdc_fail(e, LOCALKDC_BADTOKEN,
				 "the token is damaged (bad length)");
	blob = talloc_size(mem, b64len / 4 * 3 + 1);
	key = localkdc_secret_alloc(mem, KEY_LEN);
	if (!blob || !key) {
		rc = lkdc_fail(e, LOCALKDC_ERR, "out of memory");
		goto done;
	}
	n = EVP_DecodeBlock(blob, (const unsigned char *)b64, (int)b64len);
	if (n < 0) {
		rc = lkdc_fail(e, LOCALKDC_BADTOKEN,
			       "the token is damaged (not base64)");
		goto done;
	}
	/* EVP_DecodeBlock counts the '=' padding as zero bytes */
	blen = (size_t)n - (b64[b64len - 1] == '=') - (b64[b64len - 2] == '=');
	if (blen <= SALT_LEN + NONCE_LEN + TAG_LEN) {
		rc = lkdc_fail(e, LOCALKDC_BADTOKEN,
			       "the token is damaged (too short)");
		goto done;
	}
	*len = blen - SALT_LEN - NONCE_LEN - TAG_LEN;
	out = localkdc_secret_alloc(mem, *len);
	if (!out) {
		rc = lkdc_fail(e, LOCALKDC_ERR, "out of memory");
		goto done;
	}
	if (derive(pass, blob, key) < 0) {
		talloc_free(out);
		rc = lkdc_fail(e, LOCALKDC_ERR, "scrypt failed");
		goto done;
	}
	if (gcm(0, key, blob + SALT_LEN, aad, blob + SALT_LEN + NONCE_LEN,
		*len, out, blob + blen - TAG_LEN) < 0) {
		talloc_free(out);
		rc = lkdc_fail(e, LOCALKDC_BADTOKEN, "wrong passphrase, or the "
			       "token was altered: nothing imported");
		goto done;
	}
	*plain = out;
done:
	talloc_free(key);
	talloc_free(blob);
	return rc;
}
