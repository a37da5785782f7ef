/* GET /metrics from Sofia's su_root (metrics_io.h): the listener and its
 * connections of util/metrics.h registered as su_wait objects, so the
 * scrape is served by the loop that does the SIP and Cx work. */
#include "metrics_io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

#define SLOTS (METRICS_SRV_MAX_CONN + 1)

struct wslot {
	struct metrics_io *io;
	int fd;   /* -1: free */
	int idx;  /* su_root_register index */
	su_wait_t wait;
};

struct metrics_io {
	su_root_t *root;
	struct metrics_srv *srv;
	struct wslot slot[SLOTS];
};

static int on_wait(su_root_magic_t *magic, su_wait_t *w, su_wakeup_arg_t *arg)
{
	struct wslot *s = (struct wslot *)arg;
	int ev = su_wait_events(w, s->fd), mev = 0;

	(void)magic;
	if (ev & (SU_WAIT_IN | SU_WAIT_HUP | SU_WAIT_ERR))
		mev |= METRICS_EV_IN;
	if (ev & SU_WAIT_OUT)
		mev |= METRICS_EV_OUT;
	metrics_srv_event(s->io->srv, s->fd, mev, mono_ms());
	return 0;
}

static struct wslot *slot_of(struct metrics_io *io, int fd)
{
	for (size_t i = 0; i < SLOTS; i++)
		if (io->slot[i].fd == fd)
			return &io->slot[i];
	return NULL;
}

/* metrics_srv_ops.watch: register, change or drop an fd in the su_root. */
static int watch(void *arg, int fd, int events)
{
	struct metrics_io *io = arg;
	struct wslot *s = slot_of(io, fd);
	int wev = (events & METRICS_EV_IN ? SU_WAIT_IN : 0) | (events & METRICS_EV_OUT ? SU_WAIT_OUT : 0);

	if (!events) {
		if (s) {
			su_root_deregister(io->root, s->idx);
			s->fd = -1;
		}
		return 0;
	}
	if (s)
		return su_root_eventmask(io->root, s->idx, fd, wev) < 0 ? -EIO : 0;
	if (!(s = slot_of(io, -1)))
		return -EMFILE;
	if (su_wait_create(&s->wait, fd, wev) < 0)
		return -EIO;
	s->idx = su_root_register(io->root, &s->wait, on_wait, (su_wakeup_arg_t *)s, su_pri_normal);
	if (s->idx <= 0) {
		su_wait_destroy(&s->wait);
		return -EIO;
	}
	s->io = io;
	s->fd = fd;
	return 0;
}

struct metrics_io *metrics_io_open(su_root_t *root, const char *uri, struct metrics *m,
				   char *err, size_t errsz)
{
	struct metrics_io *io = calloc(1, sizeof(*io));
	struct metrics_srv_ops ops = { .watch = watch };

	if (!io) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	io->root = root;
	for (size_t i = 0; i < SLOTS; i++)
		io->slot[i].fd = -1;
	ops.arg = io;
	if (metrics_srv_open(&io->srv, uri, m, &ops, err, errsz) < 0) {
		free(io);
		return NULL;
	}
	return io;
}

void metrics_io_free(struct metrics_io *io)
{
	if (!io)
		return;
	metrics_srv_free(io->srv); /* unwatches every fd through watch() */
	free(io);
}

unsigned metrics_io_port(const struct metrics_io *io)
{
	return metrics_srv_port(io->srv);
}

void metrics_io_tick(struct metrics_io *io)
{
	if (io)
		metrics_srv_tick(io->srv, mono_ms());
}
