/* The outcome an answer carries (RFC 6733 §7.1 Result-Code, or the
 * vendor's code inside Experimental-Result, §7.6). Every client of the
 * bench reads it the same way; see diam_msg_result() in diam.h. */
#include "diam.h"

#include "codes.h"

int diam_msg_result(const struct diam_msg *m, uint32_t *code, bool *experimental)
{
	struct diam_avp er, c;

	if (experimental)
		*experimental = false;
	if (diam_msg_u32(m, AVP_RESULT_CODE, 0, code) == 0)
		return 0;
	if (diam_msg_find(m, AVP_EXPERIMENTAL_RESULT, 0, &er) != 0 ||
	    diam_group_find(&er, AVP_EXPERIMENTAL_RESULT_CODE, 0, &c) != 0 ||
	    diam_avp_u32(&c, code) != 0)
		return DIAM_ENOENT;
	if (experimental)
		*experimental = true;
	return 0;
}
