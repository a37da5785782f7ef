/* Subscription-Data (TS 29.272 §7.3.2) for ULA and IDR, from the store:
 *
 *   Subscription-Data ::= [ Subscriber-Status ] [ MSISDN ]
 *       [ Network-Access-Mode ] [ Access-Restriction-Data ] [ AMBR ]
 *       [ APN-Configuration-Profile ] ...        (children in ABNF order)
 *   APN-Configuration-Profile ::= { Context-Identifier }
 *       { All-APN-Configurations-Included-Indicator } 1*{ APN-Configuration }
 *   APN-Configuration ::= { Context-Identifier } *2[ Served-Party-IP-Address ]
 *       { PDN-Type } { Service-Selection } [ EPS-Subscribed-QoS-Profile ]
 *       ... [ AMBR ]
 *
 * QoS AVPs are TS 29.212 §5.3.17 (QCI) and §5.3.32 (ARP); bandwidths
 * TS 29.214 §5.3.14-15 in bit/s. */
#include "s6a.h"

#include <arpa/inet.h>
#include <string.h>

#define V3 DIAM_VENDOR_3GPP

int s6a_tbcd_encode(const char *digits, uint8_t *out, size_t outsz)
{
	size_t n = strlen(digits), len = (n + 1) / 2;

	if (!n || strspn(digits, "0123456789") != n || len > outsz)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		uint8_t lo = (uint8_t)(digits[2 * i] - '0');
		uint8_t hi = 2 * i + 1 < n ? (uint8_t)(digits[2 * i + 1] - '0') : 0x0f;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)len;
}

static void put_ambr(struct diam_wr *w, uint32_t ul, uint32_t dl)
{
	diam_group_begin(w, S6A_AVP_AMBR, V3);
	diam_put_u32(w, S6A_AVP_MAX_REQ_BW_UL, V3, ul);
	diam_put_u32(w, S6A_AVP_MAX_REQ_BW_DL, V3, dl);
	diam_group_end(w);
}

/* Served-Party-IP-Address (TS 32.299 §7.2.187, Address): a static address. */
static void put_static_ip(struct diam_wr *w, const char *ip)
{
	uint8_t a[16];

	if (inet_pton(AF_INET, ip, a) == 1)
		diam_put_addr(w, S6A_AVP_SERVED_PARTY_IP_ADDRESS, V3, 1, a, 4);
	else if (inet_pton(AF_INET6, ip, a) == 1)
		diam_put_addr(w, S6A_AVP_SERVED_PARTY_IP_ADDRESS, V3, 2, a, 16);
}

static int put_apn(void *arg, const struct db_sub_apn *s)
{
	struct diam_wr *w = arg;
	const struct db_apn *a = &s->apn;

	diam_group_begin(w, S6A_AVP_APN_CONFIGURATION, V3);
	diam_put_u32(w, S6A_AVP_CONTEXT_IDENTIFIER, V3, s->context_id);
	if (s->static_ip[0])
		put_static_ip(w, s->static_ip);
	diam_put_u32(w, S6A_AVP_PDN_TYPE, V3, (uint32_t)a->pdn_type);
	diam_put_str(w, AVP_SERVICE_SELECTION, 0, a->name);
	diam_group_begin(w, S6A_AVP_EPS_SUBSCRIBED_QOS_PROFILE, V3);
	diam_put_u32(w, S6A_AVP_QCI, V3, (uint32_t)a->qci);
	diam_group_begin(w, S6A_AVP_ARP, V3);
	diam_put_u32(w, S6A_AVP_PRIORITY_LEVEL, V3, (uint32_t)a->arp_priority);
	diam_put_u32(w, S6A_AVP_PREEMPTION_CAPABILITY, V3, (uint32_t)a->preempt_cap);
	diam_put_u32(w, S6A_AVP_PREEMPTION_VULNERABILITY, V3, (uint32_t)a->preempt_vuln);
	diam_group_end(w);
	diam_group_end(w);
	put_ambr(w, a->ambr_ul, a->ambr_dl);
	diam_group_end(w);
	return 0;
}

struct apn_scan {
	int n;
	uint32_t default_ctx;
};

static int scan_apn(void *arg, const struct db_sub_apn *s)
{
	struct apn_scan *x = arg;

	if (!x->n++ || s->is_default)
		x->default_ctx = s->context_id;
	return 0;
}

int s6a_put_subscription_data(struct diam_wr *w, struct db *db, const struct db_sub *s,
			      const struct db_eps *e)
{
	struct apn_scan x = {0};
	uint8_t tbcd[8];
	int n;

	if (db_sub_apn_foreach(db, s->id, scan_apn, &x))
		return -EIO;
	if (!x.n)
		return S6A_E_UNKNOWN_EPS;
	diam_group_begin(w, AVP_S6A_SUBSCRIPTION_DATA, V3);
	diam_put_u32(w, S6A_AVP_SUBSCRIBER_STATUS, V3, (uint32_t)e->subscriber_status);
	if (e->msisdn[0] && (n = s6a_tbcd_encode(e->msisdn, tbcd, sizeof(tbcd))) > 0)
		diam_put_octets(w, S6A_AVP_MSISDN, V3, tbcd, (size_t)n);
	diam_put_u32(w, S6A_AVP_NETWORK_ACCESS_MODE, V3, (uint32_t)e->network_access_mode);
	/* §7.3.29: OPERATOR_DETERMINED_BARRING comes with the barring
	 * categories; bit 0 = All Packet Oriented Services Barred (§7.3.30). */
	if (e->subscriber_status == DB_SUB_STATUS_ODB)
		diam_put_u32(w, S6A_AVP_OPERATOR_DETERMINED_BARRING, V3, 1);
	diam_put_u32(w, S6A_AVP_ACCESS_RESTRICTION_DATA, V3, e->access_restriction);
	put_ambr(w, e->ambr_ul, e->ambr_dl);
	diam_group_begin(w, S6A_AVP_APN_CONFIGURATION_PROFILE, V3);
	diam_put_u32(w, S6A_AVP_CONTEXT_IDENTIFIER, V3, x.default_ctx);
	diam_put_u32(w, S6A_AVP_ALL_APN_CONFIG_INC_IND, V3, S6A_ALL_APN_INCLUDED);
	if (db_sub_apn_foreach(db, s->id, put_apn, w))
		return -EIO;
	diam_group_end(w);
	diam_group_end(w);
	return 0;
}
