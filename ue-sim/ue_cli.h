/* Option parsing shared by `ue-sim register` and `ue-sim load`: the UE
 * identity, USIM and SIP options of the command-line contract. */
#ifndef UE_UE_CLI_H
#define UE_UE_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "ue.h"

#define UE_PROG "ue-sim"

/* getopt_long codes of the shared options start here. */
enum {
	OPT_REGISTRAR = 1000, OPT_IMPI, OPT_IMPU, OPT_REALM, OPT_K, OPT_OP, OPT_OPC, OPT_AMF,
	OPT_ALG, OPT_PASSWORD, OPT_QOP, OPT_ALGO, OPT_RES_LEN, OPT_SQN, OPT_USIM_STATE,
	OPT_FAULT, OPT_AUTH_REALM, OPT_EXPIRES, OPT_ANSWER_DELAY, OPT_BIND, OPT_SEED,
	OPT_RETRY_AFTER_MAX, OPT_TOP, OPT_TOPC, OPT_MAC_LEN, OPT_CK_LEN, OPT_IK_LEN,
	OPT_ITERATIONS, OPT_T1, OPT_UE_LAST
};
extern const struct option ue_cli_options[]; /* terminated by a zero entry */
#define UE_CLI_NOPTS 29

/* State while parsing: which key options were seen. */
struct ue_cli {
	struct ue_cfg cfg;
	const char *bind;      /* local SIP URI, default sip:127.0.0.1:0 */
	long long seed;        /* -1 = random identifiers */
	bool have_k, have_op;
	const char *op_opt;    /* the option that gave the operator key, for errors */
	uint32_t seen;         /* bit (opt - OPT_REGISTRAR): refuse an option given twice */
};

void ue_cli_init(struct ue_cli *c);
/* Handles one shared option; returns 1 when handled, 0 when not ours.
 * Bad values exit 2 through cli_usage_error. */
int ue_cli_option(struct ue_cli *c, int opt, const char *val);
/* Checks the required identity/key options (need_ids: impi/impu), exit 2. */
void ue_cli_finish(struct ue_cli *c, bool need_ids);
/* opt's value must be sip:IP:PORT (util/sip_addr.h), else exit 2 naming
 * opt: --registrar and --bind of every subcommand. */
void ue_cli_sip_addr(const char *opt, const char *val);
/* Usage text of the shared options. */
extern const char ue_cli_help[];

#endif
