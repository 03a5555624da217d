// SPDX-License-Identifier: LGPL-2.1-or-later
/* A small open-addressing hash map from 64-bit keys (pids, cgroup ids) to a
 * 32-bit value, so a pass stays linear in the number of processes. */
#include <errno.h>
#include <stdlib.h>

#include "cgkill-private.h"

static size_t slot_of(uint64_t k, size_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k & (cap - 1);
}

void idset_free(struct idset *s)
{
	free(s->keys);
	free(s->vals);
	s->keys = NULL;
	s->vals = NULL;
	s->n = s->cap = 0;
}

void idset_clear(struct idset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		s->keys[i] = 0;
	s->n = 0;
}

static int idset_grow(struct idset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	uint64_t *keys = calloc(cap, sizeof(*keys));
	uint32_t *vals = calloc(cap, sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->cap; i++) {
		size_t j;

		if (!s->keys[i])
			continue;
		for (j = slot_of(s->keys[i], cap); keys[j]; j = (j + 1) & (cap - 1))
			;
		keys[j] = s->keys[i];
		vals[j] = s->vals[i];
	}
	free(s->keys);
	free(s->vals);
	s->keys = keys;
	s->vals = vals;
	s->cap = cap;
	return 0;
}

int idset_get(struct idset *s, uint64_t key, uint32_t **val)
{
	size_t i;

	key++;
	if ((s->n + 1) * 2 > s->cap) {
		int r = idset_grow(s);

		if (r < 0)
			return r;
	}
	for (i = slot_of(key, s->cap); s->keys[i]; i = (i + 1) & (s->cap - 1))
		if (s->keys[i] == key) {
			*val = &s->vals[i];
			return 0;
		}
	s->keys[i] = key;
	s->vals[i] = 0;
	s->n++;
	*val = &s->vals[i];
	return 1;
}

int idset_has(const struct idset *s, uint64_t key)
{
	key++;
	if (!s->cap)
		return 0;
	for (size_t i = slot_of(key, s->cap); s->keys[i]; i = (i + 1) & (s->cap - 1))
		if (s->keys[i] == key)
			return 1;
	return 0;
}
