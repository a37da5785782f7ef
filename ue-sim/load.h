/* `ue-sim load`: many UEs on one nta agent, each running full AKA
 * registrations (REGISTER/401/REGISTER/200, i.e. MAR and SAR behind the
 * S-CSCF), paced by rate and concurrency; prints a live progress line and
 * a final report (registrations/s, latency p50/p99 per step, failures by
 * cause). */
#ifndef UE_LOAD_H
#define UE_LOAD_H

#include <stddef.h>
#include <stdint.h>

/* Latency samples in microseconds; percentile q in [0,1]. Sorts in place. */
struct lat_series {
	uint32_t *v;
	size_t n, cap;
};
int lat_add(struct lat_series *s, uint64_t ns);
uint32_t lat_percentile(struct lat_series *s, double q);
void lat_free(struct lat_series *s);

/* One row of a users CSV (the hss-ctl import header: imsi,impi,impu,k,op,opc,amf,...;
 * columns found by name, unknown ones ignored; TUAK's top/topc too). */
struct load_user {
	char *impi, *impu;
	uint8_t k[32], op[32], amf[2];
	size_t k_len, op_len;
	int op_is_opc; /* -1: neither given */
	int have_amf;
};
/* Reads the CSV; returns the count or -1 with "file:line: reason" in err.
 * *users is malloc'ed (free with load_users_free). */
long load_users_read(const char *path, struct load_user **users, char *err, size_t errsz);
void load_users_free(struct load_user *users, long n);

#endif
