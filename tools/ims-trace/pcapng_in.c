/* pcapng read here rather than by libpcap, which refuses a file whose
 * interfaces have different link types ("an interface has a type 276
 * different from the type of the first interface": dumpcap -i eth0 -i any,
 * -i eth0 -i gtp0). Each interface keeps its own link type, timestamp
 * resolution and offset. Blocks (pcapng specification, IETF
 * draft-ietf-opsawg-pcapng §4): SHB (byte order per section), IDB, EPB, SPB
 * and the obsolete PB; every other block is skipped. */
#include "pcapng_in.h"
#include "pcap_in.h"

#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 1u
#define BT_PB 2u  /* obsolete Packet Block */
#define BT_SPB 3u
#define BT_EPB 6u
#define BLOCK_MAX (16u << 20) /* as libpcap: larger is a corrupt length */
#define IFACES_MAX 4096u

#define LINKTYPE_RAW 101 /* a file's link type; libpcap's DLT_RAW differs */

#define OPT_END 0
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14

struct iface {
	int dlt;
	uint32_t snaplen;
	uint64_t hz;   /* timestamp ticks a second (if_tsresol) */
	double offset; /* if_tsoffset, seconds */
};

struct ng {
	FILE *fp;
	bool swap;           /* section in the other byte order than ours */
	struct iface *ifs;
	size_t nifs;
	bool sections, supported; /* an SHB seen; an interface we decode */
	uint8_t *blk;        /* the current block's body */
	size_t cap;
};

static uint32_t u32(const struct ng *g, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return g->swap ? __builtin_bswap32(v) : v;
}

static uint16_t u16(const struct ng *g, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return g->swap ? __builtin_bswap16(v) : v;
}

/* The next block: its type and body (between the two length fields).
 * 1 a block, 0 clean end of file, -1 error (why in *why). */
static int next_block(struct ng *g, uint32_t *type, size_t *len, const char **why)
{
	uint8_t h[12];
	size_t n = fread(h, 1, 8, g->fp);

	if (n == 0)
		return 0;
	if (n < 8)
		return *why = "truncated block header", -1;
	memcpy(type, h, 4); /* 0x0A0D0D0A reads the same in both orders */
	if (*type == BT_SHB) {
		/* the byte-order magic decides how this section's numbers read */
		if (fread(h + 8, 1, 4, g->fp) != 4)
			return *why = "truncated section header", -1;
		if (!memcmp(h + 8, "\x4d\x3c\x2b\x1a", 4))
			g->swap = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
		else if (!memcmp(h + 8, "\x1a\x2b\x3c\x4d", 4))
			g->swap = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
		else
			return *why = "bad byte-order magic in a section header", -1;
		g->nifs = 0; /* interfaces are numbered per section */
		g->sections = true;
	} else if (!g->sections) {
		return *why = "no section header block first", -1;
	} else {
		*type = u32(g, h);
	}
	uint32_t total = u32(g, h + 4);
	size_t head = *type == BT_SHB ? 12 : 8;

	if (total < head + 4 || total % 4 || total > BLOCK_MAX)
		return *why = "bad block length", -1;
	*len = total - 12;
	if (*len > g->cap) {
		uint8_t *b = realloc(g->blk, *len);

		if (!b)
			return *why = "out of memory", -1;
		g->blk = b;
		g->cap = *len;
	}
	if (head == 12)
		memcpy(g->blk, h + 8, 4);
	if (fread(g->blk + (head - 8), 1, *len - (head - 8), g->fp) != *len - (head - 8) ||
	    fread(h, 1, 4, g->fp) != 4)
		return *why = "truncated block", -1;
	if (u32(g, h) != total)
		return *why = "block lengths differ", -1;
	return 1;
}

/* if_tsresol and if_tsoffset from an IDB's options. */
static void idb_options(const struct ng *g, const uint8_t *p, size_t len, struct iface *f)
{
	while (len >= 4) {
		uint16_t code = u16(g, p), olen = u16(g, p + 2);
		size_t padded = 4 + ((olen + 3u) & ~3u);

		if (code == OPT_END || padded > len)
			return;
		if (code == OPT_IF_TSRESOL && olen == 1) {
			/* 10^-v seconds a tick, or 2^-v with the top bit set */
			unsigned v = p[4] & 0x7f;

			f->hz = 1;
			for (unsigned i = 0; i < v && i < (p[4] & 0x80 ? 63u : 19u); i++)
				f->hz *= p[4] & 0x80 ? 2 : 10;
		} else if (code == OPT_IF_TSOFFSET && olen == 8) {
			uint64_t v;

			memcpy(&v, p + 4, 8);
			f->offset = (double)(int64_t)(g->swap ? __builtin_bswap64(v) : v);
		}
		p += padded;
		len -= padded;
	}
}

static int idb(struct ng *g, size_t len, const char **why)
{
	if (len < 8)
		return *why = "short interface description", -1;
	if (g->nifs == IFACES_MAX)
		return *why = "too many interfaces", -1;
	struct iface *f = realloc(g->ifs, (g->nifs + 1) * sizeof(*f));

	if (!f)
		return *why = "out of memory", -1;
	g->ifs = f;
	f = &g->ifs[g->nifs++];
	f->dlt = u16(g, g->blk);
	if (f->dlt == LINKTYPE_RAW)
		f->dlt = DLT_RAW;
	f->snaplen = u32(g, g->blk + 4);
	f->hz = 1000000;
	f->offset = 0;
	idb_options(g, g->blk + 8, len - 8, f);
	g->supported |= pcap_in_link_supported(f->dlt);
	return 0;
}

/* EPB, SPB or PB: the interface, timestamp and data of one packet. */
static int packet(struct trace_ctx *c, struct ng *g, uint32_t type, size_t len, const char **why)
{
	const uint8_t *b = g->blk;
	uint32_t ifn = 0, hi = 0, lo = 0, caplen, wirelen;
	size_t data;

	if (type == BT_SPB) {
		if (len < 4)
			return *why = "short packet block", -1;
		wirelen = u32(g, b);
		data = 4;
		caplen = wirelen < len - data ? wirelen : (uint32_t)(len - data);
		if (g->nifs && g->ifs[0].snaplen && caplen > g->ifs[0].snaplen)
			caplen = g->ifs[0].snaplen;
	} else {
		if (len < 20)
			return *why = "short packet block", -1;
		ifn = type == BT_EPB ? u32(g, b) : u16(g, b);
		hi = u32(g, b + 4);
		lo = u32(g, b + 8);
		caplen = u32(g, b + 12);
		wirelen = u32(g, b + 16);
		data = 20;
		if (caplen > len - data)
			return *why = "packet longer than its block", -1;
	}
	if (ifn >= g->nifs)
		return *why = "packet of an interface never described", -1;
	const struct iface *f = &g->ifs[ifn];
	/* in whole microseconds, as libpcap gives pcap files and as reported */
	uint64_t us = (uint64_t)(((unsigned __int128)hi << 32 | lo) * 1000000u / f->hz);
	double ts = (double)(us / 1000000) + (double)(us % 1000000) / 1e6 + f->offset;

	pcap_in_packet(c, f->dlt, ts, b + data, caplen,
		       wirelen > caplen ? wirelen : caplen);
	return 0;
}

int pcapng_in_read(struct trace_ctx *c, FILE *fp, char *err, size_t errsz)
{
	struct ng g = { .fp = fp };
	const char *why = NULL;
	uint32_t type;
	size_t len;
	int rc, ret = PCAP_IN_OK;

	/* a packet of an interface whose link type we do not decode counts as
	 * non-IP; a file with no such interface at all is refused as before */
	while ((rc = next_block(&g, &type, &len, &why)) == 1) {
		if ((type == BT_IDB && idb(&g, len, &why)) ||
		    ((type == BT_EPB || type == BT_SPB || type == BT_PB) &&
		     packet(c, &g, type, len, &why))) {
			rc = -1;
			break;
		}
	}
	if (rc < 0 && !c->frames && !g.nifs) {
		snprintf(err, errsz, "not a readable pcap/pcapng capture: %s", why);
		ret = PCAP_IN_EOPEN;
	} else if (g.nifs && !g.supported) {
		pcap_in_link_error(g.ifs[0].dlt, err, errsz);
		ret = PCAP_IN_ELINK;
	} else if (rc < 0) {
		snprintf(err, errsz, "capture unreadable after frame %u: %s", c->frames, why);
		ret = PCAP_IN_ETRUNC;
	}
	free(g.blk);
	free(g.ifs);
	fclose(fp);
	return ret;
}
