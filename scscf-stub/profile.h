/* The service profile an S-CSCF holds for a registered IMPU (TS 29.228
 * Annex E): read from the User-Data of an SAA or a Push-Profile-Request —
 * the <ServiceProfile> whose <PublicIdentity> list holds that IMPU — and
 * from Charging-Information (TS 29.229 §6.3.19). Bytes in, struct out: no
 * sockets, no store (STYLE.md §2). */
#ifndef SCSCF_PROFILE_H
#define SCSCF_PROFILE_H

#include <stddef.h>

#include "diameter/diam.h"

struct user_profile {
	char assoc[2048];   /* every <Identity> of the profile: "<a>, <b>" */
	char barred[1024];  /* those with <BarringIndication>1: "<a>" */
	unsigned ifc;       /* <InitialFilterCriteria> elements */
	char as[512];       /* their <ServerName>s, "sip:as1, sip:as2" */
};

/* The profile of `impu` in a User-Data document. 0; -ENOENT when no
 * ServiceProfile lists impu; -EINVAL when the document is no
 * <IMSSubscription> with a <ServiceProfile> (TS 29.228 Annex E). */
int profile_parse(const char *xml, size_t len, const char *impu, struct user_profile *out);

/* Primary-Event- and Primary-Charging-Collection-Function-Name of a
 * Charging-Information AVP in m: 0 (names may stay empty), -ENOENT when m
 * has none. */
int profile_charging(const struct diam_msg *m, char *ecf, size_t ecfsz, char *ccf,
		     size_t ccfsz);

#endif
