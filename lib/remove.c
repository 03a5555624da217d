// SPDX-License-Identifier: LGPL-2.1-or-later
/* Removing an emptied subtree, leaves first.  The walker does the listing
 * and holds a bounded number of fds whatever the depth; its leave hook
 * removes each group once the groups below it are gone. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "cgkill-private.h"

static int remove_group(int parentfd, const char *name, void *data)
{
	(void)data;
	/* Removed by someone else meanwhile: as good. */
	if (unlinkat(parentfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int remove_children(int dirfd)
{
	const struct walk_spec s = { .leave = remove_group };
	int r = walk_subtree_spec(dirfd, &s);

	return r < 0 ? r : 0;
}
