// SPDX-License-Identifier: LGPL-2.1-or-later
/* The freezer around a signalling round. Only the target's own
 * cgroup.freeze is written: a descendant frozen on its own keeps its value,
 * and a target someone froze on purpose is left frozen (we never thaw what
 * we did not freeze). */
#include <errno.h>

#include "cgkill-private.h"

int freeze_begin(int dirfd, int *froze)
{
	char b[8];
	int v, r;
	ssize_t n = cg_read(dirfd, "cgroup.freeze", b, sizeof(b));

	*froze = 0;
	if (n < 0)
		return (int)n;	/* -ENOENT: a kernel before 5.2 */
	r = parse_bool(b, (size_t)n, &v);
	if (r < 0)
		return -EIO;
	if (v)
		return 0;
	/* Freezing is asynchronous: we do not wait for "frozen 1", which a
	 * group holding a kernel thread or a task in D state never reports;
	 * the passes that follow repeat until no new process shows up. */
	r = cg_write(dirfd, "cgroup.freeze", "1");
	if (r == 0)
		*froze = 1;
	return r;
}

int freeze_end(int dirfd, int froze)
{
	int r = 0;

	/* Leaving a group frozen is the one outcome worse than an error:
	 * try the thaw more than once before giving up. */
	for (int i = 0; froze && i < 3; i++) {
		r = cg_write(dirfd, "cgroup.freeze", "0");
		if (r == 0)
			return 0;
	}
	/* Still ENOENT/ENODEV: the group is gone, nothing is frozen. */
	return r == -ENOENT || r == -ENODEV ? 0 : r;
}
