/* Wireshark-like pretty-printer (see print.h). Table-driven by dict.c:
 * the AVP's declared type selects the value renderer. */
#include "print.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

#include "codes.h"
#include "diam.h"
#include "dict.h"

#define MAX_DEPTH 8

static void put_flags(FILE *fp, uint8_t f)
{
	fprintf(fp, "%c%c%c", f & DIAM_AVP_V ? 'V' : '-', f & DIAM_AVP_M ? 'M' : '-',
		f & DIAM_AVP_P ? 'P' : '-');
}

static void put_hex(FILE *fp, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(fp, "%02x", p[i]);
}

static void put_string(FILE *fp, const uint8_t *p, size_t n)
{
	fputc('"', fp);
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			fprintf(fp, "\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] == 0x7f)
			fprintf(fp, "\\x%02x", p[i]);
		else
			fputc(p[i], fp);
	}
	fputc('"', fp);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_u32_named(FILE *fp, const struct diam_avp *a, uint32_t v)
{
	const char *n = NULL;

	if (a->code == AVP_RESULT_CODE && a->vendor == 0)
		n = diam_result_name(v);
	else if (a->code == AVP_EXPERIMENTAL_RESULT_CODE && a->vendor == 0)
		n = diam_exp_result_name(v);
	else if ((a->code == AVP_AUTH_APPLICATION_ID || a->code == AVP_ACCT_APPLICATION_ID) &&
		 a->vendor == 0)
		n = diam_dict_app_name(v);
	else if (a->code == AVP_VENDOR_ID || a->code == AVP_SUPPORTED_VENDOR_ID)
		n = v == DIAM_VENDOR_3GPP ? "3GPP" : NULL;
	fprintf(fp, "%u", v);
	if (n)
		fprintf(fp, " (%s)", n);
}

static void put_value(FILE *fp, const struct diam_dict_avp *d, const struct diam_avp *a)
{
	char ip[INET6_ADDRSTRLEN];

	switch (d ? d->type : DT_OCTETS) {
	case DT_U32:
		if (a->len == 4) {
			put_u32_named(fp, a, be32(a->data));
			return;
		}
		break;
	case DT_ENUM: case DT_I32:
		if (a->len == 4) {
			int32_t v = (int32_t)be32(a->data);
			const char *n = diam_dict_enum_name(a->code, a->vendor, v);

			if (n)
				fprintf(fp, "%s (%d)", n, v);
			else
				fprintf(fp, "%d", v);
			return;
		}
		break;
	case DT_TIME:
		if (a->len == 4) {
			fprintf(fp, "%u (NTP seconds)", be32(a->data));
			return;
		}
		break;
	case DT_U64: case DT_I64:
		if (a->len == 8) {
			uint64_t v = (uint64_t)be32(a->data) << 32 | be32(a->data + 4);

			fprintf(fp, d->type == DT_U64 ? "%llu" : "%lld", (unsigned long long)v);
			return;
		}
		break;
	case DT_UTF8: case DT_IDENTITY: case DT_URI:
		put_string(fp, a->data, a->len);
		return;
	case DT_ADDRESS:
		if (a->len == 6 && inet_ntop(AF_INET, a->data + 2, ip, sizeof(ip))) {
			fputs(ip, fp);
			return;
		}
		if (a->len == 18 && inet_ntop(AF_INET6, a->data + 2, ip, sizeof(ip))) {
			fputs(ip, fp);
			return;
		}
		break;
	default:
		break;
	}
	put_hex(fp, a->data, a->len);
}

static bool masked(const struct diam_dict_avp *d, const struct diam_avp *a, bool request,
		   unsigned flags)
{
	if (!d || !d->secret || (flags & DIAM_PRINT_SHOW_KEYS))
		return false;
	/* SIP-Authorization in a MAR is RAND‖AUTS (public); in an MAA it is XRES. */
	if (a->code == AVP_CX_SIP_AUTHORIZATION && a->vendor == DIAM_VENDOR_3GPP && request)
		return false;
	return true;
}

static int print_avps(FILE *fp, const uint8_t *area, size_t len, int depth, bool request,
		      unsigned flags)
{
	struct diam_iter it;
	struct diam_avp a;
	int rc;

	diam_iter_init(&it, area, len);
	while ((rc = diam_iter_next(&it, &a)) == 1) {
		const struct diam_dict_avp *d = diam_dict_avp(a.code, a.vendor);

		fprintf(fp, "%*sAVP: %s(%u) l=%zu f=", 2 + 2 * depth, "", d ? d->name : "Unknown",
			a.code, a.raw_len);
		put_flags(fp, a.flags);
		if (a.flags & DIAM_AVP_V)
			fprintf(fp, " vnd=%u", a.vendor);
		if (d && d->type == DT_GROUPED) {
			fputc('\n', fp);
			if (depth + 1 >= MAX_DEPTH ||
			    print_avps(fp, a.data, a.len, depth + 1, request, flags) < 0)
				return -1;
			continue;
		}
		fputs(" val=", fp);
		if (masked(d, &a, request, flags))
			fprintf(fp, "<hidden %zu octets>", a.len);
		else
			put_value(fp, d, &a);
		fputc('\n', fp);
	}
	if (rc < 0) {
		fprintf(fp, "%*s[malformed: %s]\n", 2 + 2 * depth, "", diam_strerror(rc));
		return -1;
	}
	return 0;
}

int diam_print(FILE *fp, const uint8_t *buf, size_t len, unsigned flags)
{
	struct diam_msg m;
	const struct diam_dict_cmd *c;
	const char *app;
	bool req;
	int rc = diam_msg_parse(buf, len, &m);

	if (rc == DIAM_ESHORT) {
		fprintf(fp, "Diameter [malformed: %zu octets, shorter than a header]\n", len);
		return -1;
	}
	req = m.hdr.flags & DIAM_FLAG_R;
	c = diam_dict_cmd(m.hdr.app_id, m.hdr.code);
	if (!c)
		c = diam_dict_cmd(DIAM_APP_BASE, m.hdr.code);
	app = diam_dict_app_name(m.hdr.app_id);
	fprintf(fp, "Diameter %s %s(%u) %s v%u len=%u flags=0x%02x[%c%c%c%c] app=%u",
		c ? (req ? c->req_name : c->ans_name) : "?", c ? c->long_name : "Unknown",
		m.hdr.code, req ? "Request" : "Answer", m.hdr.version, m.hdr.length, m.hdr.flags,
		req ? 'R' : '-', m.hdr.flags & DIAM_FLAG_P ? 'P' : '-',
		m.hdr.flags & DIAM_FLAG_E ? 'E' : '-', m.hdr.flags & DIAM_FLAG_T ? 'T' : '-',
		m.hdr.app_id);
	if (app)
		fprintf(fp, " (%s)", app);
	fprintf(fp, " hbh=0x%08x e2e=0x%08x\n", m.hdr.hbh, m.hdr.e2e);
	if (rc != 0) {
		fprintf(fp, "  [malformed: %s]\n", diam_strerror(rc));
		if (rc != DIAM_EBITS)
			return -1;
	}
	return print_avps(fp, m.avps, m.avps_len, 0, req, flags) < 0 || rc ? -1 : 0;
}

int diam_print_buf(char *out, size_t outsz, const uint8_t *buf, size_t len, unsigned flags)
{
	FILE *fp;
	int rc;

	if (!outsz)
		return -1;
	out[0] = '\0';
	fp = fmemopen(out, outsz, "w");
	if (!fp)
		return -1;
	rc = diam_print(fp, buf, len, flags);
	fclose(fp);
	out[outsz - 1] = '\0';
	return rc;
}
