#include "pcap_in.h"
#include "ip.h"
#include "pcapng_in.h"

#include <pcap/pcap.h>
#include <string.h>

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Ethernet II with up to two VLAN tags (802.1Q 0x8100, 802.1ad 0x88a8). */
static void eth_input(struct trace_ctx *c, const uint8_t *p, size_t len)
{
	size_t off = 12;

	if (len < 14)
		goto short_frame;
	uint16_t type = be16(p + off);
	for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88a8 || type == 0x9100);
	     tags++) {
		off += 4;
		if (len < off + 2)
			goto short_frame;
		type = be16(p + off);
	}
	off += 2;
	if (type == ETH_P_IPV4 || type == ETH_P_IPV6)
		ip_input(c, p + off, len - off, 0);
	else
		c->non_ip++;
	return;
short_frame:
	c->truncated_frames++;
}

/* Linux cooked v1 (16 octets, protocol at 14) and v2 (20, protocol at 0). */
static void sll_input(struct trace_ctx *c, const uint8_t *p, size_t len, bool v2)
{
	size_t hl = v2 ? 20 : 16;

	if (len < hl) {
		c->truncated_frames++;
		return;
	}
	uint16_t type = be16(p + (v2 ? 0 : 14));
	if (type == ETH_P_IPV4 || type == ETH_P_IPV6)
		ip_input(c, p + hl, len - hl, 0);
	else
		c->non_ip++;
}

/* BSD loopback: 4-octet address family, host (NULL) or network (LOOP) order. */
static void null_input(struct trace_ctx *c, const uint8_t *p, size_t len)
{
	if (len < 4) {
		c->truncated_frames++;
		return;
	}
	ip_input(c, p + 4, len - 4, 0); /* ip_input reads the version nibble */
}

bool pcap_in_link_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_LINUX_SLL2: case DLT_RAW:
	case DLT_IPV4: case DLT_IPV6: case DLT_NULL: case DLT_LOOP:
		return true;
	}
	return false;
}

void pcap_in_frame(struct trace_ctx *c, int dlt, const uint8_t *data, size_t caplen,
		   size_t wirelen)
{
	c->frames++;
	if (caplen < wirelen)
		c->truncated_frames++;
	switch (dlt) {
	case DLT_EN10MB: eth_input(c, data, caplen); break;
	case DLT_LINUX_SLL: sll_input(c, data, caplen, false); break;
	case DLT_LINUX_SLL2: sll_input(c, data, caplen, true); break;
	case DLT_RAW: case DLT_IPV4: case DLT_IPV6: ip_input(c, data, caplen, 0); break;
	case DLT_NULL: case DLT_LOOP: null_input(c, data, caplen); break;
	default: c->non_ip++;
	}
}

void pcap_in_packet(struct trace_ctx *c, int dlt, double ts, const uint8_t *data, size_t caplen,
		    size_t wirelen)
{
	c->cur_frame = c->frames + 1;
	c->cur_ts = ts;
	if (!c->have_first) {
		c->first_ts = c->cur_ts;
		c->have_first = true;
	}
	pcap_in_frame(c, dlt, data, caplen, wirelen);
}

void pcap_in_link_error(int dlt, char *err, size_t errsz)
{
	const char *name = pcap_datalink_val_to_name(dlt);

	snprintf(err, errsz, "link type %d (%s) is not supported (Ethernet, SLL, SLL2, raw IP)",
		 dlt, name ? name : "?");
}

int pcap_in_read(struct trace_ctx *c, FILE *fp, char *err, size_t errsz)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc, first = fgetc(fp);

	/* pcapng (first octet 0x0A of its section header; no pcap magic starts
	 * so) is read by pcapng_in.c: libpcap refuses interfaces of different
	 * link types in one file. One octet of push-back works on pipes too. */
	if (first == 0x0A && ungetc(first, fp) == first)
		return pcapng_in_read(c, fp, err, errsz);
	if (first != EOF && ungetc(first, fp) != first) {
		fclose(fp);
		snprintf(err, errsz, "not a readable pcap/pcapng capture: read error");
		return PCAP_IN_EOPEN;
	}
	pcap_t *p = pcap_fopen_offline(fp, perr);
	if (!p) {
		fclose(fp);
		snprintf(err, errsz, "not a readable pcap/pcapng capture: %s", perr);
		return PCAP_IN_EOPEN;
	}
	int dlt = pcap_datalink(p);
	if (!pcap_in_link_supported(dlt)) {
		pcap_in_link_error(dlt, err, errsz);
		pcap_close(p);
		return PCAP_IN_ELINK;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1)
		pcap_in_packet(c, dlt, (double)h->ts.tv_sec + h->ts.tv_usec / 1e6, data, h->caplen,
			       h->len);
	if (rc == PCAP_ERROR) {
		snprintf(err, errsz, "capture unreadable after frame %u: %s", c->frames,
			 pcap_geterr(p));
		pcap_close(p);
		return PCAP_IN_ETRUNC;
	}
	pcap_close(p);
	return PCAP_IN_OK;
}
