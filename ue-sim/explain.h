/* The teaching view of `ue-sim register --explain`: the registration as a
 * ladder, with every value the UE derives on the way (RAND, AUTN fields,
 * AK, SQN, the MAC check, RES/CK/IK, HA1, HA2, response). Keys are shown
 * here only — the user asked for them explicitly. */
#ifndef UE_EXPLAIN_H
#define UE_EXPLAIN_H

#include <stdio.h>

#include "uac.h"

/* Prints the card's settings and hooks the UE's request/response observers. */
void explain_attach(struct ue *ue, FILE *fp);
/* The observer bodies, for callers that chain their own observer. */
void explain_request(struct ue *ue, const char *what, const char *authz, const struct ue_answer *a);
void explain_response(struct ue *ue, const struct ue_resp *r);
/* Only the card header (explain_attach without the observers). */
void explain_begin(struct ue *ue, FILE *fp);

#endif
