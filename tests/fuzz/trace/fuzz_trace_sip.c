/* libFuzzer: the raw SIP reader as a stream (several messages, partial
 * input) and as a datagram, plus the header helpers on what it returns. */
#include "sip_msg.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_msg *m;
	size_t used, off = 0;
	char v[128];
	uint32_t n;

	while (off < size && sip_msg_parse(data + off, size - off, true, &m, &used) == 1) {
		for (size_t i = 0; i < m->nhdrs; i++) {
			sip_hdr_param(m->hdrs[i].value, "tag", v, sizeof(v));
			sip_uri_userhost(m->hdrs[i].value, v, sizeof(v));
		}
		sip_cseq(m, &n, v, sizeof(v));
		sip_msg_free(m);
		if (!used)
			break;
		off += used;
	}
	if (sip_msg_parse(data, size, false, &m, &used) == 1)
		sip_msg_free(m);
	return 0;
}
