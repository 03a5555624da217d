// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * main() for a fuzz target built without libFuzzer: run every file named on
 * the command line, or every file of a directory named there, through
 * LLVMFuzzerTestOneInput once.  meson test runs it over the seed corpus, so
 * the targets' checks run in every build, with any compiler; it also
 * replays a crash file written by a fuzzer.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static size_t replayed;

/* Read the file at dirfd/name into a block of exactly its size, as
 * libFuzzer hands its inputs, and run it. */
static int replay_file(int dirfd, const char *name, const char *shown)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd, ret = -1;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", shown, strerror(errno));
		goto out;
	}
	buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (!buf) {
		fprintf(stderr, "replay: %s: out of memory\n", shown);
		goto out;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "replay: %s: %s\n", shown,
				n < 0 ? strerror(errno) : "changed while read");
			goto out;
		}
		len += (size_t)n;
	}
	/* Named first, so a crash's log says which input did it. */
	printf("replay: %s (%zu bytes)\n", shown, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, len);
	replayed++;
	ret = 0;
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return ret;
}

static int skip_entry(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Every regular file of the directory, in name order so a run is the same
 * everywhere. */
static int replay_dir(const char *path)
{
	struct dirent **ents;
	int n, dfd, ret = 0;

	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = scandir(path, &ents, skip_entry, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		close(dfd);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct stat st;
		char shown[4096];

		snprintf(shown, sizeof(shown), "%s/%s", path, ents[i]->d_name);
		if (fstatat(dfd, ents[i]->d_name, &st, 0) == 0 &&
		    S_ISREG(st.st_mode) &&
		    replay_file(dfd, ents[i]->d_name, shown) < 0)
			ret = -1;
		free(ents[i]);
	}
	free(ents);
	close(dfd);
	return ret;
}

int main(int argc, char **argv)
{
	int ret = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n"
			"Run each file, or each file of each directory, through "
			"the fuzz target once.\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			ret = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i]) < 0)
				ret = 1;
		} else if (replay_file(AT_FDCWD, argv[i], argv[i]) < 0) {
			ret = 1;
		}
	}
	/* An empty or misplaced corpus must not pass for a clean one. */
	if (!replayed) {
		fprintf(stderr, "replay: no input found\n");
		ret = 1;
	}
	printf("replay: %zu inputs, %s\n", replayed, ret ? "FAILED" : "ok");
	return ret;
}
