/* aka-tool internals: option parsing, key arguments and the output
 * writer shared by the subcommands (one file per subcommand). */
#ifndef AKA_TOOL_H
#define AKA_TOOL_H

#include "aka/aka.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROG "aka-tool"

/* --- options -------------------------------------------------------------
 * A table per subcommand: "--name" takes a value into *val, or is a flag
 * (val NULL, flag set). --help/-h prints help and exits 0; anything unknown,
 * repeated or missing its value is a usage error (exit 2). */
struct opt {
	const char *name;
	const char **val;
	bool *flag;
};
/* Parses argv[first..argc); positional words go to pos[] (at most npos;
 * *got receives the count). */
void opts_parse(int argc, char **argv, int first, const struct opt *tab, const char **pos,
		int npos, int *got, const char *help);
/* Exits 2 naming `name` when val is NULL. */
const char *need(const char *val, const char *name);

/* --- keys ----------------------------------------------------------------
 * --k, --op|--opc, --algo milenage|xor|tuak, --res-len N into aka_keys;
 * for TUAK also --top|--topc and --mac-len, --ck-len, --ik-len,
 * --iterations (TS 35.231 §5.1). MILENAGE needs exactly one of --op/--opc,
 * TUAK one of --top/--topc, XOR neither. */
struct key_args {
	const char *k, *op, *opc, *algo, *res_len;
	const char *top, *topc, *mac_len, *ck_len, *ik_len, *iterations;
};
#define KEY_OPTS(ka)                                                            \
	{ "--k", &(ka).k, NULL }, { "--op", &(ka).op, NULL }, { "--opc", &(ka).opc, NULL }, \
	{ "--algo", &(ka).algo, NULL }, { "--res-len", &(ka).res_len, NULL },             \
	{ "--top", &(ka).top, NULL }, { "--topc", &(ka).topc, NULL },                     \
	{ "--mac-len", &(ka).mac_len, NULL }, { "--ck-len", &(ka).ck_len, NULL },         \
	{ "--ik-len", &(ka).ik_len, NULL }, { "--iterations", &(ka).iterations, NULL }
void keys_from_args(const struct key_args *ka, struct aka_keys *keys);
bool keys_given(const struct key_args *ka);
/* Exits 2 unless the keys' MAC fits AUTN/AUTS (8 octets; TUAK may have
 * 16 or 32). */
void keys_need_autn_mac(const struct aka_keys *keys);

/* --- digest arguments (digest and explain validate alike) -----------------
 * --qop auth|auth-int (NULL: none) with --nc (8 hex digits) and --cnonce,
 * which are refused without --qop; returns the enum digest_qop. */
int qop_args(const char *qop, const char *nc, const char *cnonce);
/* --password text as the password octets (at most 64); returns its length. */
size_t password_arg(const char *text, uint8_t pw[64]);

/* Hex argument helpers (exit 2 naming the option). */
void hex_arg(const char *opt, const char *val, uint8_t *out, size_t len);
uint64_t sqn_arg(const char *opt, const char *val); /* 12 hex digits */

/* --- output --------------------------------------------------------------
 * Either "Label    value" lines or one JSON object with the given keys. */
void out_begin(bool json);
void out_end(void);
void out_hex(const char *key, const char *label, const uint8_t *v, size_t len);
void out_str(const char *key, const char *label, const char *v);
void out_bool(const char *key, const char *label, bool v);

/* --- subcommands ---------------------------------------------------------- */
int cmd_milenage(int argc, char **argv);
int cmd_xor(int argc, char **argv);
int cmd_tuak(int argc, char **argv);
int cmd_nonce(int argc, char **argv);
int cmd_auts(int argc, char **argv);
int cmd_digest(int argc, char **argv);
int cmd_kasme(int argc, char **argv);
int cmd_explain(int argc, char **argv);

#endif
