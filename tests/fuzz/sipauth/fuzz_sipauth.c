/* libFuzzer harness for what scscf-stub reads from the wire in a REGISTER:
 * the Authorization/WWW-Authenticate parameter parser (auth_header_parse),
 * the AKA nonce decoder (nonce_decode), and the registrar's response check
 * running over whatever parsed (challenge_check, challenge_uri_ok).
 * The first input byte picks the target; the rest is the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "challenge.h"
#include "digest/auth_header.h"
#include "digest/digest.h"

static void fuzz_header(const uint8_t *data, size_t size)
{
	struct auth_header h;
	struct vec_entry v = { .alg = DIGEST_ALG_AKAV1_MD5, .xres_len = 8, .expires_ms = 1 };
	struct check_input ci;
	const char *local[] = { "127.0.0.1" };
	const char *nonce;

	if (auth_header_parse((const char *)data, size, &h) != AUTH_OK)
		return;
	/* Every parameter must be a NUL-terminated string inside h. */
	for (size_t i = 0; i < h.nparams; i++)
		if (strlen(h.params[i].name) + strlen(h.params[i].value) > AUTH_HEADER_MAX)
			abort();
	/* Let the checker see the header's own nonce/username so it gets past
	 * the identity checks into the digest computation. */
	nonce = auth_param_get(&h, "nonce");
	snprintf(v.nonce, sizeof(v.nonce), "%s", nonce ? nonce : "");
	snprintf(v.impi, sizeof(v.impi), "%s",
		 auth_param_get(&h, "username") ? auth_param_get(&h, "username") : "");
	ci = (struct check_input){ .h = &h, .method = "REGISTER", .request_uri = "sip:r.example",
				   .realm = "r.example", .qop_offered = "auth,auth-int",
				   .local_hosts = local, .n_local_hosts = 1,
				   .body = data, .body_len = size };
	(void)challenge_check(&ci, &v);
	v.alg = DIGEST_ALG_AKAV2_MD5;
	v.last_nc = 0;
	(void)challenge_check(&ci, &v);
	if (nonce) {
		struct nonce_parts np;
		(void)nonce_decode(nonce, strlen(nonce), &np);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[1024];

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_header(data + 1, size - 1);
		break;
	case 1: {
		struct nonce_parts np;
		(void)nonce_decode((const char *)data + 1, size - 1, &np);
		break;
	}
	default:
		if (size - 1 >= sizeof(buf))
			return 0;
		memcpy(buf, data + 1, size - 1);
		buf[size - 1] = '\0';
		(void)challenge_uri_ok(buf, "sip:r.example:5060", "r.example", NULL, 0);
		break;
	}
	return 0;
}
