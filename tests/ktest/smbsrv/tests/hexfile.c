// SPDX-License-Identifier: GPL-2.0
/* The vectors' hex files, as bytes (see hexfile.h). */
#include <stdio.h>
#include <stdlib.h>

#include "hexfile.h"

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint8_t *hexfile_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	uint8_t *buf;
	size_t cap = 1 << 16, n = 0;
	int hi = -1, c, v;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf && (c = fgetc(f)) != EOF) {
		v = hex_digit(c);
		if (v < 0)
			continue;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap) {
			free(buf);
			buf = NULL;
			break;
		}
		buf[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	fclose(f);
	*len = n;
	return buf;
}
