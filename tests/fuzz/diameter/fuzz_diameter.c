/* libFuzzer harness for the Diameter decoder, validator, printer, error
 * answers, stream framing and peer state machine (all of common/diameter
 * that reads untrusted bytes). Properties checked beyond "no crash":
 * an error answer built from any verdict is itself a well-formed message,
 * and framing never returns a message longer than what was buffered. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diameter/base.h"
#include "diameter/conn.h"
#include "diameter/diam.h"
#include "diameter/peer.h"
#include "diameter/print.h"
#include "diameter/validate.h"

static const struct diam_app apps[] = { { DIAM_VENDOR_3GPP, DIAM_APP_CX } };
static const struct diam_local local = {
	.origin_host = "hss.fuzz", .origin_realm = "fuzz", .product_name = "hssd",
	.origin_state_id = 1, .apps = apps, .napps = 1,
};
static const char *const allowed[] = { "scscf.fuzz" };
static const struct diam_peer_cfg cfg = { .local = &local, .allowed = allowed, .nallowed = 1 };

static int sink(void *arg, const uint8_t *buf, size_t len)
{
	struct diam_verdict v;

	(void)arg;
	/* Everything the peer machine sends must be well formed. */
	if (diam_validate(buf, len, DIAM_V_STRUCTURE, &v) != 0)
		abort();
	return 0;
}

static void check_answer(const uint8_t *data, size_t size, const struct diam_verdict *v)
{
	static uint8_t out[8192];
	struct diam_verdict v2;
	ssize_t n = diam_build_error_answer(out, sizeof(out), data, size, &local, v);

	if (n > 0 && diam_validate(out, (size_t)n, DIAM_V_STRUCTURE, &v2) != 0)
		abort();
}

static void frame(const uint8_t *data, size_t size)
{
	struct diam_conn c;
	const uint8_t *m;
	size_t len, off = 0;
	int r;

	if (diam_conn_init(&c) < 0)
		return;
	/* Feed in uneven chunks, as TCP would. */
	while (off < size) {
		size_t room, chunk = 1 + (data[off] % 97);
		uint8_t *p = diam_conn_rspace(&c, &room);

		if (!p)
			break;
		if (chunk > size - off)
			chunk = size - off;
		if (chunk > room)
			chunk = room;
		memcpy(p, data + off, chunk);
		diam_conn_rcommit(&c, chunk);
		off += chunk;
		while ((r = diam_conn_next(&c, &m, &len)) == 1)
			if (len < DIAM_HDR_LEN)
				abort();
		if (r < 0)
			break;
		diam_conn_rcompact(&c);
	}
	diam_conn_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[65536];
	struct diam_verdict v;
	struct diam_peer p;

	if (diam_validate(data, size, DIAM_V_FULL, &v) != 0)
		check_answer(data, size, &v);
	diam_validate(data, size, DIAM_V_STRUCTURE, &v);
	diam_print_buf(text, sizeof(text), data, size, 0);
	frame(data, size);
	/* The peer machine, before CER and once open. */
	diam_peer_init(&p, &cfg, sink, NULL);
	diam_peer_accepted(&p, NULL, 0);
	diam_peer_rx(&p, data, size, 1);
	p.state = DIAM_PS_OPEN;
	diam_peer_rx(&p, data, size, 2);
	return 0;
}
