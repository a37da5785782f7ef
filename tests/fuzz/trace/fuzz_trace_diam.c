/* libFuzzer: Diameter as ims-trace reads it — a TCP stream on port 3868
 * (framing, reassembly, several messages per segment, desync) and one
 * message through diam_info_parse. */
#include "diam_in.h"
#include "tcp_reasm.h"
#include "trace.h"

#include "diameter/diam.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_opts o = { 0, 3868 };
	struct trace_ctx c;
	struct trace_meta m;
	struct diam_info d;

	ssize_t fl = diam_frame_len(data, size);
	if (fl > 0 && (size_t)fl <= size)
		diam_info_parse(data, (size_t)fl, &d);
	memset(&m, 0, sizeof(m));
	m.src.af = m.dst.af = 4;
	m.src.port = 3868;
	m.dst.port = 40000;
	m.tr = TT_TCP;
	trace_init(&c, &o);
	tcp_input(&c, &m, 0, 0x02, NULL, 0);
	/* the input in two segments, the second first (out of order) */
	size_t half = size / 2;
	tcp_input(&c, &m, 1 + (uint32_t)half, 0x18, data + half, size - half);
	tcp_input(&c, &m, 1, 0x18, data, half);
	tcp_finish(&c);
	trace_free(&c);
	return 0;
}
