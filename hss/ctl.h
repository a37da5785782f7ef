/* Provisioning logic behind hss-ctl (hss/hss_ctl.c is the command line):
 * validating a subscriber given as text fields (from options or a CSV
 * row) and writing it with its IMPUs. Errors come back as text naming
 * the offending argument, so `add` can say "--k: ..." and `import` can
 * say "file.csv:3: k: ..."; nothing here exits or prints. */
#ifndef HSS_CTL_H
#define HSS_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define CTL_MAX_IMPU 16
#define CTL_ERR_MAX 512

/* A subscriber as text; NULL or "" = not given. top/topc and the other
 * lengths are TUAK's (TS 35.231 §5.1). */
struct ctl_fields {
	const char *imsi, *impi, *k, *op, *opc, *amf, *sqn, *algo, *password, *scheme, *res_len;
	const char *top, *topc, *mac_len, *ck_len, *ik_len, *iterations;
	const char *impu[CTL_MAX_IMPU];
	int n_impu;
};

/* Checks and converts; on failure returns -EINVAL and writes
 * "PREFIXNAME: problem" into err (prefix "--" for options, "" for CSV
 * columns). */
int ctl_sub_parse(const struct ctl_fields *f, const char *prefix, struct db_sub *out, char *err,
		  size_t errsz);
/* A URI acceptable as IMPU: sip: or sips: followed by something, or a tel:
 * URI with a number (RFC 3966: +E.164, or a local number with its
 * phone-context); no whitespace, no comma. */
int ctl_impu_check(const char *uri);
/* 1..12 hex digits -> 48-bit SQN; -EINVAL otherwise. */
int ctl_parse_sqn(const char *s, uint64_t *sqn);

/* Writes a parsed subscriber and its IMPUs (implicit set 1) inside the
 * caller's transaction. A duplicate gives -EEXIST with "NAME: VALUE
 * already exists" in err; other failures -EIO. */
int ctl_sub_write(struct db *db, struct db_sub *s, const char *const *impu, int n_impu,
		  const char *prefix, char *err, size_t errsz);

/* CSV (RFC 4180 subset: comma separated, fields optionally in double
 * quotes with "" for a quote, no newlines inside fields). Splits line in
 * place into at most max fields; returns the count or -EINVAL. */
int ctl_csv_split(char *line, char **fields, int max);

/* The import header: column names (any order, unknown names refused). */
#define CTL_CSV_HEADER                                                           \
	"imsi,impi,impu,k,op,opc,amf,sqn,algo,password,scheme,res_len,top,topc,mac_len,ck_len," \
	"ik_len,iterations"

/* Imports a whole CSV stream in one transaction owned by the caller.
 * Returns the number of subscribers added, or -EINVAL/-EEXIST/-EIO with
 * "NAME:LINE: column: problem" in err. */
struct ctl_import_src {
	const char *name; /* for messages */
	void *fp;         /* FILE * */
};
int ctl_import_csv(struct db *db, const struct ctl_import_src *src, char *err, size_t errsz);

#endif
