// SPDX-License-Identifier: LGPL-2.1-or-later
/* The watcher thread: when "populated 0" really happened, independent of
 * the method being measured. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>

#include "bench.h"

/*
 * Event notifications of cgroup.events are rate limited by the kernel (one
 * per 10 ms per file, the rest deferred to a timer), so a "populated 0"
 * that follows a freeze/thaw can be announced up to 10 ms late.  Once armed
 * the watcher therefore also re-reads every 0.5 ms: `seen` is within 0.5 ms
 * of the real moment, `seen_event` is what a pure event loop would learn.
 */
static void *watch_main(void *arg)
{
	struct watcher *w = arg;
	bool woke_by_event = false;

	while (!atomic_load(&w->quit)) {
		struct pollfd pf = { .fd = w->evfd, .events = POLLPRI };
		struct timespec ts = { 0, 500000 };
		int armed = atomic_load(&w->armed);
		int pop = events_populated(w->evfd);

		if (pop < 0)
			break;
		if (armed && pop == 0) {
			uint64_t now = bench_now();

			if (!w->seen)
				w->seen = now;
			if (woke_by_event) {
				w->seen_event = now;
				break;
			}
		}
		if (armed)
			woke_by_event = ppoll(&pf, 1, &ts, NULL) > 0;
		else
			woke_by_event = poll(&pf, 1, 20) > 0;
		/* Give up on the event after 100 ms: it is recorded as such. */
		if (w->seen && bench_now() - w->seen > 100000000ULL)
			break;
	}
	atomic_store(&w->done, 1);
	return NULL;
}

int watcher_start(struct watcher *w, int evfd)
{
	int r;

	memset(w, 0, sizeof(*w));
	w->evfd = evfd;
	r = pthread_create(&w->th, NULL, watch_main, w);
	if (r)
		return -r;
	w->running = true;
	return 0;
}

/* 0 and the absolute time seen, or -ETIMEDOUT. */
int watcher_finish(struct watcher *w, uint64_t limit_ns)
{
	uint64_t end = bench_now() + limit_ns;
	int r;

	if (!w->running)
		return -ESRCH;
	while (!atomic_load(&w->done) && bench_now() < end)
		sleep_ns(100000);
	atomic_store(&w->quit, 1);
	pthread_join(w->th, NULL);
	w->running = false;
	r = w->seen ? 0 : -ETIMEDOUT;
	return r;
}
