/* SPDX-License-Identifier: GPL-2.0 */
/* The vectors' hex files, as bytes (vecshape, kat_asrep). */
#ifndef SMBSRV_TESTS_HEXFILE_H
#define SMBSRV_TESTS_HEXFILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The bytes spelt by the hex digits of @path (anything else is skipped),
 * malloc'ed; NULL if it cannot be read or holds more than 64 KiB.
 */
uint8_t *hexfile_read(const char *path, size_t *len);

#endif
