/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Windows IAKerb vectors (windows-iakerb/README.md) and the one reader
 * of hex files that every test and seed maker uses.  The directory always
 * comes from the caller at run time (each Makefile passes $(VECTORS)):
 * nothing has a path compiled in, so a build that moved, or a file that
 * went missing, fails by name instead of testing nothing.
 */
#ifndef IAKERB_TEST_VECTORS_H
#define IAKERB_TEST_VECTORS_H

#include <stddef.h>
#include <stdint.h>

enum vector_id {
	VEC_CLIENT_INIT,	/* 00: negTokenInit, IAKerb AS-REQ */
	VEC_KRB_ERROR,		/* 01: negTokenResp, KRB-ERROR 25 */
	VEC_AS_REP,		/* 02 */
	VEC_TGS_REP,		/* 03 */
	VEC_AP_REP_MIC,		/* 04: krb5 AP-REP + mechListMIC */
	VEC_COUNT
};

/* The file name of each vector, e.g. "02-server-as-rep.hex" */
extern const char *const vector_file[VEC_COUNT];

/* What a reader's error message is built in */
#define VEC_ERR_LEN 512

/*
 * The bytes spelt by the hex file @path (whitespace between digits is
 * allowed, nothing else), malloc'ed, at most 64 KiB.  NULL if the file
 * cannot be read, is empty, holds a non-hex character or an odd number of
 * digits; @err then says so, naming @path.
 */
uint8_t *hex_file_read(const char *path, size_t *len, char err[VEC_ERR_LEN]);

/*
 * Vector @id from directory @dir (as hex_file_read).  A NULL or empty
 * @dir is an error too: the caller was not told where the vectors are.
 */
uint8_t *vector_read(const char *dir, enum vector_id id, size_t *len,
		     char err[VEC_ERR_LEN]);

#endif
