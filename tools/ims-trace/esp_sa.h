/* The IPsec SAs of IMS sec-agree, rebuilt from a capture (TS 33.203 §7.1):
 * the UE's Security-Client (spi-c/spi-s = SPI_uc/SPI_us, its protected
 * ports) and the P-CSCF's Security-Server in the 401 (SPI_pc/SPI_ps, its
 * ports, the chosen alg/ealg) set up four SAs between the two addresses,
 * all keyed from the IK/CK of that 401's AKA run. An ESP packet carries
 * its receiver's inbound SPI: towards the P-CSCF SPI_pc or SPI_ps, towards
 * the UE SPI_uc or SPI_us.
 *
 * IK/CK come, in this order, from a copy of the same 401 that still has
 * ck/ik (S-CSCF → P-CSCF), from the MAA/AIA vector with the nonce's RAND,
 * or from f3/f4 with the subscriber's keys (--k/--op, --db). */
#ifndef TRACE_ESP_SA_H
#define TRACE_ESP_SA_H

#include "findings.h"
#include "keys.h"
#include "trace.h"

struct esp_sa_set {
	struct trace_addr ue, pcscf;  /* addresses (ports unused) */
	uint32_t spi_uc, spi_us, spi_pc, spi_ps;
	uint16_t port_uc, port_us, port_pc, port_ps;
	bool have_client;             /* the UE's Security-Client was seen */
	char alg[24], ealg[24];
	char impi[256], nonce[256];
	unsigned frame;               /* the 401 with the Security-Server */
	int keys;                     /* 0 not looked up, 1 known, -1 none */
	uint8_t ck[16], ik[16];
	char key_src[128];
	unsigned npkt, nok, nbad, nunread;
	unsigned bad[FINDING_FRAMES_MAX], unread[FINDING_FRAMES_MAX];
	size_t nbadf, nunreadf;
	char why[160];                /* why packets were unreadable */
};

/* After the read: learns the SAs from the SIP read so far (and from what
 * each decrypted packet reveals), then opens every kept ESP packet in
 * order. Call before tcp_finish() (inner TCP streams) and trace_sort(). */
void esp_sa_run(struct trace_ctx *c, const struct trace_keyring *kr);

/* esp_icv_bad findings, one per SA set with a bad ICV; impi: only the SAs
 * of this IMPI (--impi), or NULL. */
void esp_sa_findings(const struct trace_ctx *c, const char *impi, struct findings *fs);
/* ICVs verified (ok or bad): what ESP checking actually checked. */
size_t esp_sa_checked(const struct trace_ctx *c, const char *impi);

#endif
