/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --mode windows: the server's mechListMIC with SND_SEQ 0, as a Windows
 * server sends it (win_mic.c).
 */
#ifndef SMBSRV_WIN_MIC_H
#define SMBSRV_WIN_MIC_H

#include <stddef.h>
#include <stdint.h>

#include <gssapi/gssapi.h>

/*
 * @mit (MIT's gss_get_mic() token over @msg on the established acceptor
 * context @ctx) rebuilt with SND_SEQ 0.  0 and *out (malloc'ed), or -1
 * with @err saying why.
 */
int win_mic_seq0(gss_ctx_id_t ctx, const uint8_t *msg, size_t msg_len,
		 const uint8_t *mit, size_t mit_len, uint8_t **out,
		 size_t *out_len, char *err, size_t errlen);

#endif
