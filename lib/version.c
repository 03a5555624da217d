// SPDX-License-Identifier: LGPL-2.1-or-later
/* The version of the library that is running, which may be newer than the
 * header a program was built with. */
#include "cgkill-private.h"

#ifndef CGKILL_VERSION
#error "CGKILL_VERSION must be defined by the build"
#endif

CGKILL_EXPORT const char *cgkill_version(void)
{
	return CGKILL_VERSION;
}
