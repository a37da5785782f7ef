/* libFuzzer: a whole capture file through ims-trace (pcap/pcapng reader,
 * link layers, IP, GTP-U, TCP reassembly, ESP with its SAs, ICV and
 * decryption, SIP, Diameter, hops and roles, pairing, verdicts with keys,
 * the Diameter checks, all three reports). Must never crash, leak or hang. */
#include "analysis.h"
#include "esp_sa.h"
#include "hops.h"
#include "ip_frag.h"
#include "pcap_in.h"
#include "report.h"
#include "tcp_reasm.h"
#include "trace.h"

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
	out->have_aka = true;
	snprintf(out->source, sizeof(out->source), "fuzz");
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_opts o = { 5060, 3868 };
	struct trace_keyring kr = { keys, NULL };
	struct trace_ctx c;
	struct analysis an;
	char err[256];

	FILE *fp = fmemopen((void *)data, size ? size : 1, "rb");
	if (!fp)
		return 0;
	trace_init(&c, &o);
	int rc = pcap_in_read(&c, fp, err, sizeof(err));
	if (rc != PCAP_IN_EOPEN && rc != PCAP_IN_ELINK) {
		esp_sa_run(&c, &kr);
		tcp_finish(&c);
		ip_frag_finish(&c);
		trace_sort(&c);
		if (!hops_build(&c) && !analysis_run(&an, &c, &kr, "fuzz", NULL, rc ? err : NULL)) {
			FILE *null = fopen("/dev/null", "w");
			if (null) {
				report_text(null, &an);
				report_json(null, &an);
				report_html(null, &an);
				fclose(null);
			}
		}
		analysis_free(&an);
	}
	trace_free(&c);
	return 0;
}
