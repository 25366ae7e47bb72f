// SPDX-License-Identifier: GPL-2.0
/*
 * A JSON string literal for status --json: quotes, backslashes and
 * control characters escaped; other bytes as they are (UTF-8 in, UTF-8
 * out).
 */
#include <stdio.h>

#include "lkdc.h"

char *lkdc_json_str(TALLOC_CTX *mem, const char *s)
{
	char *out = talloc_strdup(mem, "\"");
	char esc[8];

	for (; out && s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			esc[2] = '\0';
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
		} else {
			esc[0] = (char)c;
			esc[1] = '\0';
		}
		out = talloc_strdup_append(out, esc);
	}
	return out ? talloc_strdup_append(out, "\"") : NULL;
}
