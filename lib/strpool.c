// SPDX-License-Identifier: LGPL-2.1-or-later
/* The group names the survivors and victims point at: they must outlive
 * the walk that found them, until the operation is freed.  Processes come
 * group by group, so a run of the same name is stored once. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgkill-private.h"

const char *strpool_add(struct strpool *p, const char *s)
{
	char *c;

	if (p->n && !strcmp(p->v[p->n - 1], s))
		return p->v[p->n - 1];
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		char **v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		p->v = v;
		p->cap = cap;
	}
	c = strdup(s);
	if (!c)
		return NULL;
	p->v[p->n++] = c;
	return c;
}

void strpool_free(struct strpool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}
