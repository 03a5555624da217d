/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CGKILL_JSON_H
#define CGKILL_JSON_H

#include <stdio.h>

/*
 * Write @s to @f as a JSON string, quotes included.  Quote, backslash and
 * control characters are escaped; so is DEL.  A cgroup name is any bytes but
 * "/" and NUL, while JSON text must be UTF-8: each byte that does not start a
 * well-formed UTF-8 sequence is written as U+FFFD.  Errors show in ferror().
 */
void json_string(FILE *f, const char *s);

#endif
