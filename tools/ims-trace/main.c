/* ims-trace: explain IMS registrations in a capture ("why 403?").
 * Exit: 0 consistent (something was checked and held), 1 a finding, 2 bad
 * usage or an unreadable capture/store, 3 nothing to check. */
#include "analysis.h"
#include "esp_sa.h"
#include "hops.h"
#include "ip_frag.h"
#include "keydb.h"
#include "pcap_in.h"
#include "report.h"
#include "tcp_reasm.h"
#include "trace.h"

#include "util/cli.h"
#include "util/hex.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "ims-trace";

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: ims-trace [options] CAPTURE.pcap|.pcapng\n"
		"Explains every IMS registration attempt in a capture: the message ladder,\n"
		"the AKA/digest checks, and whether the network's answer was right.\n\n"
		"keys (optional; without them only the MAA's XRES can be used):\n"
		"  --k HEX              subscriber key K (16 octets; TUAK 16 or 32)\n"
		"  --op HEX | --opc HEX operator key as OP or as OPc (16 octets)\n"
		"  --top HEX | --topc HEX  TUAK's operator key as TOP or TOPc (32 octets)\n"
		"  --amf HEX            the subscriber's AMF (2 octets), compared with AUTN's\n"
		"  --algo milenage|xor|tuak  AKA algorithm (default milenage)\n"
		"  --res-len N          RES length: xor 4..16, tuak 4/8/16/32 (default 8)\n"
		"  --mac-len N, --ck-len N, --ik-len N, --iterations N\n"
		"                       TUAK's MAC (8), CK/IK (16 or 32) lengths and Keccak\n"
		"                       iterations, as provisioned (TS 35.231 §5.1)\n"
		"  --password S         SIP Digest password for algorithm=MD5\n"
		"  --db FILE|URI        the HSS store, read-only: an hss-ctl SQLite file or\n"
		"                       postgresql://USER@HOST:PORT/DB (any libpq URI, postgres://\n"
		"                       too); keys looked up by IMPI, or IMSI for S6a\n"
		"selection and decoding:\n"
		"  --impi S             report only attempts of this IMPI\n"
		"  --sip-port N         treat this port as SIP even when content detection fails\n"
		"  --diameter-port N    Diameter port (default 3868)\n"
		"  --json               one JSON object instead of the text report\n"
		"  --html FILE          also write one self-contained HTML page: an SVG ladder per\n"
		"                       attempt, the checks beside the messages, findings in red\n"
		"  -h, --help           this text\n"
		"  --version            print \"ims-trace VERSION\" and exit\n"
		"exit status: 0 consistent, 1 a finding, 2 usage/unreadable capture or store,\n"
		"             3 nothing to check (the identities seen are listed)\n");
}

struct opts {
	struct trace_opts t;
	struct keysrc ks;
	bool have_k, have_op, json;
	const char *op_opt;  /* --op, --opc, --top or --topc: what gave the operator key */
	size_t k_len, op_len;
	const char *db, *impi, *capture, *html;
};

enum { O_K = 256, O_OP, O_OPC, O_AMF, O_ALGO, O_RESLEN, O_PASSWORD, O_DB, O_IMPI, O_SIPPORT,
       O_DIAMPORT, O_JSON, O_HTML, O_TOP, O_TOPC, O_MACLEN, O_CKLEN, O_IKLEN, O_ITER };

static const char *const op_names[] = { [O_OP - O_OP] = "--op", [O_OPC - O_OP] = "--opc" };

/* TUAK's lengths and iterations (checked against the algorithm at the end). */
static bool parse_tuak_opt(struct opts *o, int c, const char *arg)
{
	struct aka_tuak *t = &o->ks.cli.tuak;

	switch (c) {
	case O_MACLEN: t->mac_len = (size_t)cli_uint(prog, "--mac-len", arg, 1, 64); return true;
	case O_CKLEN: t->ck_len = (size_t)cli_uint(prog, "--ck-len", arg, 1, 64); return true;
	case O_IKLEN: t->ik_len = (size_t)cli_uint(prog, "--ik-len", arg, 1, 64); return true;
	case O_ITER: t->iterations = (unsigned)cli_uint(prog, "--iterations", arg, 1, 65535); return true;
	}
	return false;
}

static void parse_key_opt(struct opts *o, int c, const char *arg)
{
	struct trace_keys *k = &o->ks.cli;

	if (parse_tuak_opt(o, c, arg))
		return;
	switch (c) {
	case O_K: /* 16 octets, or 32 for TUAK: checked once --algo is known */
		if (hex_decode(arg, k->k, sizeof(k->k), &o->k_len) || (o->k_len != 16 && o->k_len != 32))
			cli_usage_error(prog, "--k: expected 16 octets (TUAK: 16 or 32) of hex");
		o->have_k = true;
		break;
	case O_OP: case O_OPC: case O_TOP: case O_TOPC: {
		const char *name = c == O_TOP ? "--top" : c == O_TOPC ? "--topc" : op_names[c - O_OP];

		if (o->have_op)
			cli_usage_error(prog, "%s: %s was given already (one operator key)", name,
					o->op_opt);
		if (hex_decode(arg, k->op, sizeof(k->op), &o->op_len) ||
		    o->op_len != (c == O_TOP || c == O_TOPC ? 32u : 16u))
			cli_usage_error(prog, "%s: expected %u octets of hex", name,
					c == O_TOP || c == O_TOPC ? 32u : 16u);
		k->is_opc = c == O_OPC || c == O_TOPC;
		o->have_op = true;
		o->op_opt = name;
		break;
	}
	case O_AMF: cli_hex_exact(prog, "--amf", arg, k->amf, 2); k->have_amf = true; break;
	case O_ALGO: {
		int a = aka_algo_parse(arg);
		if (a < 0)
			cli_usage_error(prog, "--algo: expected milenage, xor or tuak, got \"%s\"", arg);
		k->algo = (enum aka_algo)a;
		break;
	}
	case O_RESLEN: k->res_len = (size_t)cli_uint(prog, "--res-len", arg, 1, 64); break;
	case O_PASSWORD:
		if (strlen(arg) >= sizeof(k->password))
			cli_usage_error(prog, "--password: longer than %zu characters",
					sizeof(k->password) - 1);
		snprintf(k->password, sizeof(k->password), "%s", arg);
		k->have_password = true;
		break;
	}
}

/* The given keys against their algorithm (common/aka's length table, the
 * words aka-tool and ue-sim use too). */
static void check_keys(struct opts *o)
{
	struct trace_keys *k = &o->ks.cli;
	bool tuak = k->algo == AKA_ALGO_TUAK;
	struct aka_keys ak = { .algo = k->algo, .res_len = k->res_len, .tuak = k->tuak };
	const char *why;

	if (o->op_opt && tuak != (o->op_opt[2] == 't'))
		cli_usage_error(prog, "%s: %s", o->op_opt, tuak ? "TUAK takes --top or --topc"
								 : "only with --algo tuak");
	if (!tuak && (k->tuak.mac_len || k->tuak.ck_len || k->tuak.ik_len || k->tuak.iterations))
		cli_usage_error(prog, "--mac-len/--ck-len/--ik-len/--iterations: only with --algo tuak");
	if (o->have_k && (why = aka_param_check(k->algo, AKA_PARAM_K_LEN, o->k_len)))
		cli_usage_error(prog, "--k: expected %s", why);
	ak.tuak.k_len = k->tuak.k_len = tuak ? o->k_len : 0;
	if (k->res_len && (why = aka_param_check(k->algo, AKA_PARAM_RES_LEN, k->res_len)))
		cli_usage_error(prog, "--res-len: expected %s", why);
	if (aka_keys_check(&ak))
		cli_usage_error(prog, "--mac-len/--ck-len/--ik-len/--iterations: not TUAK's "
				      "(MAC 8/16/32, CK and IK 16/32, iterations >= 1)");
	if (aka_mac_len(&ak) != AKA_MAC_LEN)
		cli_usage_error(prog, "--mac-len: expected 8: AUTN carries a 64-bit MAC "
				      "(TS 33.102 §6.3.2)");
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "k", 1, 0, O_K }, { "op", 1, 0, O_OP }, { "opc", 1, 0, O_OPC },
		{ "amf", 1, 0, O_AMF }, { "algo", 1, 0, O_ALGO }, { "res-len", 1, 0, O_RESLEN },
		{ "password", 1, 0, O_PASSWORD }, { "db", 1, 0, O_DB }, { "impi", 1, 0, O_IMPI },
		{ "sip-port", 1, 0, O_SIPPORT }, { "diameter-port", 1, 0, O_DIAMPORT },
		{ "json", 0, 0, O_JSON }, { "html", 1, 0, O_HTML }, { "help", 0, 0, 'h' },
		{ "top", 1, 0, O_TOP }, { "topc", 1, 0, O_TOPC }, { "mac-len", 1, 0, O_MACLEN },
		{ "ck-len", 1, 0, O_CKLEN }, { "ik-len", 1, 0, O_IKLEN },
		{ "iterations", 1, 0, O_ITER },
		{ 0, 0, 0, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->t.diameter_port = 3868;
	opterr = 0;
	while ((c = cli_getopt_long(prog, argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout); exit(0);
		case O_DB: o->db = optarg; break;
		case O_IMPI: o->impi = optarg; break;
		case O_SIPPORT: o->t.sip_port = (int)cli_uint(prog, "--sip-port", optarg, 1, 65535); break;
		case O_DIAMPORT:
			o->t.diameter_port = (int)cli_uint(prog, "--diameter-port", optarg, 1, 65535);
			break;
		case O_JSON: o->json = true; break;
		case O_HTML: o->html = optarg; break;
		case '?':
			cli_usage_error(prog, "%s: unknown option or missing value",
					argv[optind - 1] ? argv[optind - 1] : "?");
		default: parse_key_opt(o, c, optarg);
		}
	}
	if (optind != argc - 1)
		cli_usage_error(prog, "CAPTURE: expected exactly one capture file (see --help)");
	o->capture = argv[optind];
	if (o->have_k != (o->have_op || o->ks.cli.algo == AKA_ALGO_XOR))
		cli_usage_error(prog, o->ks.cli.algo == AKA_ALGO_TUAK
				? "--k: needs --top or --topc (and those need --k)"
				: "--k: needs --op or --opc (and those need --k)");
	check_keys(o);
	o->ks.have_cli = o->ks.cli.have_aka = o->have_k;
	if (o->ks.have_cli)
		snprintf(o->ks.cli.source, sizeof(o->ks.cli.source), "--k/%s",
			 o->ks.cli.algo == AKA_ALGO_XOR ? "xor" : o->op_opt);
	else if (o->ks.cli.have_password) {
		o->ks.have_cli = true; /* MD5 with a password only */
		snprintf(o->ks.cli.source, sizeof(o->ks.cli.source), "--password");
	}
}

static int write_html(const char *path, const struct analysis *an)
{
	FILE *fp = fopen(path, "w");

	if (!fp) {
		fprintf(stderr, "%s: --html %s: %m\n", prog, path);
		return -1;
	}
	int rc = report_html(fp, an);
	if (fclose(fp) || rc) {
		fprintf(stderr, "%s: --html %s: write failed\n", prog, path);
		return -1;
	}
	return 0;
}

static int analyse(struct opts *o, struct trace_ctx *c, const char *read_err)
{
	struct analysis an;
	struct trace_keyring kr = { keysrc_lookup, &o->ks };
	char msg[2048];

	if (analysis_run(&an, c, &kr, o->capture, o->impi, read_err)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		analysis_free(&an);
		return 2;
	}
	if (o->ks.err[0])
		trace_note(c, "%s", o->ks.err);
	if (o->json)
		report_json(stdout, &an);
	else
		report_text(stdout, &an);
	int rc = analysis_exit(&an);
	if (an.result == RESULT_NOTHING_TO_CHECK) {
		analysis_nothing_text(&an, msg, sizeof(msg));
		fprintf(stderr, "%s: %s: %s\n", prog, o->capture, msg);
	}
	if (o->html && write_html(o->html, &an) && rc != 1)
		rc = 2;
	analysis_free(&an);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct trace_ctx c;
	struct trace_keyring kr;
	char err[512] = "";

	cli_version_check(prog, argc, argv);
	parse_args(argc, argv, &o);
	if (o.db && keydb_open(&o.ks, o.db))
		cli_usage_error(prog, "%s", o.ks.err);
	FILE *fp = fopen(o.capture, "rb");
	if (!fp) {
		fprintf(stderr, "%s: %s: cannot open: %m\n", prog, o.capture);
		return 2;
	}
	trace_init(&c, &o.t);
	int rc = pcap_in_read(&c, fp, err, sizeof(err));
	if (rc == PCAP_IN_EOPEN || rc == PCAP_IN_ELINK) {
		fprintf(stderr, "%s: %s: %s\n", prog, o.capture, err);
		trace_free(&c);
		keydb_close(&o.ks);
		return 2;
	}
	kr = (struct trace_keyring){ keysrc_lookup, &o.ks };
	esp_sa_run(&c, &kr);  /* before tcp_finish: ESP may carry TCP streams */
	tcp_finish(&c);
	ip_frag_finish(&c);
	trace_sort(&c);
	if (hops_build(&c)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		trace_free(&c);
		return 2;
	}
	int arc = analyse(&o, &c, rc ? err : NULL);
	if (rc) /* mid-file error: what was read is reported, but the capture is bad */
		fprintf(stderr, "%s: %s: %s\n", prog, o.capture, err);
	trace_free(&c);
	keydb_close(&o.ks);
	memset(&o, 0, sizeof(o));
	return rc ? 2 : arc;
}
