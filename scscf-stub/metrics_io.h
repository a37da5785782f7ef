/* scscf-stub's --metrics listener inside Sofia's su_root loop (the
 * protocol and the registry are util/metrics.h; this is the loop glue). */
#ifndef SCSCF_METRICS_IO_H
#define SCSCF_METRICS_IO_H

#include <sofia-sip/su_wait.h>

#include "util/metrics.h"

struct metrics_io;

/* Listens on uri (tcp://IP:PORT); NULL with a one-line reason in err. */
struct metrics_io *metrics_io_open(su_root_t *root, const char *uri, struct metrics *m,
				   char *err, size_t errsz);
void metrics_io_free(struct metrics_io *io);
unsigned metrics_io_port(const struct metrics_io *io);
/* Closes idle connections; call about once a second. */
void metrics_io_tick(struct metrics_io *io);

#endif
