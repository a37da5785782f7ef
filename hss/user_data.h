/* Cx User-Data (TS 29.229 §6.3.7): the IMS subscription XML of
 * TS 29.228 Annex E, as Kamailio's S-CSCF validates it against
 * CxDataType_Rel7.xsd (root without a namespace, <BarringIndication>
 * before <Identity>, the registered IMPU among the identities). */
#ifndef HSS_USER_DATA_H
#define HSS_USER_DATA_H

#include <stddef.h>

#include "db.h"

/* Writes the XML for subscriber s with ONE ServiceProfile listing the
 * implicit registration set of `impu` (the IMPUs of s with the same irs)
 * and the first InitialFilterCriteria fragment found in that set (the
 * registered IMPU's own first). *len excludes the NUL. 0, -ENOSPC when
 * buf is too small, -EIO on a store error. */
int user_data_build(struct db *db, const struct db_sub *s, const struct db_impu *impu, char *buf,
		    size_t cap, size_t *len);

/* The profile an S-CSCF holds for the subscriber (PPR, TS 29.228 §6.1.7):
 * one ServiceProfile per implicit set registered (or unregistered with
 * services) at the S-CSCF whose Origin-Host is `host`. -ENOLINK when none
 * is; otherwise as user_data_build. */
int user_data_build_for_host(struct db *db, const struct db_sub *s, const char *host, char *buf,
			     size_t cap, size_t *len);

#endif
