/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal blocking SMB 3.1.1 client for the smbsrv tests: NEGOTIATE,
 * SESSION_SETUP legs with the preauth hash, key derivation and signature
 * checks, TREE_CONNECT, CREATE/WRITE/READ/CLOSE, ECHO.
 */
#ifndef SMB2CLI_H
#define SMB2CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

struct smb2cli {
	int fd;
	uint64_t mid;
	uint64_t sid;
	uint32_t tid;
	uint8_t preauth[PREAUTH_HASH_LEN];	/* connection */
	uint8_t spreauth[PREAUTH_HASH_LEN];	/* session */
	uint8_t signing_key[16];
	bool signing;
	uint8_t *neg_blob;			/* SPNEGO hints */
	size_t neg_blob_len;
	/* last response */
	uint8_t *rsp;
	size_t rsp_len;
	uint32_t status;
	/* send an ECHO right behind each SESSION_SETUP leg and note whether
	 * its answer overtook the leg's */
	bool echo_during;
	int echo_overtook;
};

int smb2cli_connect(struct smb2cli *c, const char *addr, int port,
		    int timeout_s);
void smb2cli_close(struct smb2cli *c);
int smb2cli_negotiate(struct smb2cli *c);
/*
 * Open with an SMB1 multi-protocol NEGOTIATE (MS-SMB2 4.2) and check the
 * server's SMB2 wildcard answer (3.3.5.3.1): 0 if it is right, then
 * smb2cli_negotiate() goes on.  Without @wildcard ("SMB 2.???" not
 * offered), 0 if the server closed with no answer.  *why: what was wrong.
 */
int smb2cli_negotiate_smb1(struct smb2cli *c, bool wildcard,
			   const char **why);
/* One SESSION_SETUP leg: sends tok, returns the server's token (pointing
 * into c->rsp) and the status in c->status.  -1 on transport errors. */
int smb2cli_sess_leg(struct smb2cli *c, const uint8_t *tok, size_t len,
		     const uint8_t **out, size_t *olen);
/* After a successful final leg: derive the signing key from the GSS
 * session key and check the final response's signature.  0 if good. */
int smb2cli_sess_finish(struct smb2cli *c, const uint8_t *key, size_t len);
int smb2cli_tree_connect(struct smb2cli *c, const char *unc);
int smb2cli_echo(struct smb2cli *c);
/* Write data to name (created/overwritten), read it back into back. */
int smb2cli_write_read(struct smb2cli *c, const char *name, const void *data,
		       size_t len, void *back);
int smb2cli_logoff(struct smb2cli *c);

#endif
