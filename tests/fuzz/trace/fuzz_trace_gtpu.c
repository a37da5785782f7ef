/* libFuzzer: GTP-U as ims-trace reads it (TS 29.281): the header with its
 * optional fields and extension-header chain, then the inner IP packet
 * through the whole reader (IP, UDP/TCP/SCTP, ESP kept aside, SIP,
 * Diameter). The input is the UDP payload on port 2152. */
#include "esp_sa.h"
#include "gtpu.h"
#include "tcp_reasm.h"
#include "trace.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_opts o = { 5060, 3868 };
	struct trace_ctx c;
	struct trace_meta m;
	uint32_t teid;

	gtpu_inner(data, size, &teid);
	memset(&m, 0, sizeof(m));
	m.src.af = m.dst.af = 4;
	m.src.port = m.dst.port = GTPU_PORT;
	m.tr = TT_UDP;
	m.frame = 1;
	trace_init(&c, &o);
	c.cur_frame = 1;
	gtpu_input(&c, &m, data, size, 0);
	esp_sa_run(&c, NULL);
	tcp_finish(&c);
	trace_free(&c);
	return 0;
}
