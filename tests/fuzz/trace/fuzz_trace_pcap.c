/* libFuzzer: a whole capture file through ims-trace (pcap/pcapng reader,
 * link layers, IP, TCP reassembly, ESP, SIP, Diameter, pairing, verdict
 * with keys, both reports). Must never crash, leak or hang. */
#include "ip_frag.h"
#include "pair.h"
#include "pcap_in.h"
#include "report.h"
#include "tcp_reasm.h"
#include "trace.h"
#include "verdict.h"

#include "util/hex.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int keys(void *arg, const char *impi, struct trace_keys *out)
{
	(void)arg;
	(void)impi;
	memset(out, 0, sizeof(*out));
	hex_decode_exact("465b5ce8b199b49faa5f0a2ee238a6bc", out->k, 16);
	hex_decode_exact("cd63cb71954a9f4e48a5994e37a02baf", out->op, 16);
	out->is_opc = true;
	snprintf(out->source, sizeof(out->source), "fuzz");
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_opts o = { 5060, 3868 };
	struct trace_ctx c;
	struct pairing p;
	char err[256];

	FILE *fp = fmemopen((void *)data, size ? size : 1, "rb");
	if (!fp)
		return 0;
	trace_init(&c, &o);
	int rc = pcap_in_read(&c, fp, err, sizeof(err));
	if (rc != PCAP_IN_EOPEN && rc != PCAP_IN_ELINK) {
		tcp_finish(&c);
		ip_frag_finish(&c);
		if (pair_run(&c, &p) == 0) {
			struct verdict *v = calloc(p.n ? p.n : 1, sizeof(*v));
			bool *shown = calloc(p.n ? p.n : 1, sizeof(bool));
			for (size_t k = 0; v && shown && k < p.n; k++) {
				shown[k] = true;
				verdict_run(&c, &p.a[k], keys, NULL, &v[k]);
			}
			FILE *null = fopen("/dev/null", "w");
			if (v && shown && null) {
				struct report_in r = { "fuzz", &c, &p, v, shown, NULL };
				report_text(null, &r);
				report_json(null, &r);
			}
			if (null)
				fclose(null);
			free(v);
			free(shown);
			pair_free(&p);
		}
	}
	trace_free(&c);
	return 0;
}
