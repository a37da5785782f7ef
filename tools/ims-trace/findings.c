#include "findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[FK_COUNT] = {
	[FK_MAC_A_MISMATCH] = "mac_a_mismatch",
	[FK_XRES_MISMATCH] = "xres_mismatch",
	[FK_CK_IK_MISMATCH] = "ck_ik_mismatch",
	[FK_KASME_MISMATCH] = "kasme_mismatch",
	[FK_AUTS_MAC_S_BAD] = "auts_mac_s_bad",
	[FK_RAND_REUSE] = "rand_reuse",
	[FK_RESPONSE_MISMATCH] = "response_mismatch",
	[FK_KEYS_NOT_SUBSCRIBER] = "keys_not_subscriber",
	[FK_OP_OPC_SWAPPED] = "op_opc_swapped",
	[FK_CK_IK_TO_UE] = "ck_ik_to_ue",
	[FK_SECURITY_VERIFY_MISMATCH] = "security_verify_mismatch",
	[FK_HOP_ALTERED] = "hop_altered",
	[FK_ESP_ICV_BAD] = "esp_icv_bad",
	[FK_REPLAY] = "replay",
	[FK_NO_FINAL_RESPONSE] = "no_final_response",
	[FK_STATUS_WRONG] = "status_wrong",
	[FK_FIELD_MISMATCH] = "field_mismatch",
	[FK_NONCE_BAD] = "nonce_bad",
	[FK_RESYNC_NOT_APPLIED] = "resync_not_applied",
	[FK_NONCE_NOT_VECTOR] = "nonce_not_vector",
	[FK_MAC_FAILURE_AT_UE] = "mac_failure_at_ue",
};

const char *finding_kind_name(enum finding_kind k)
{
	return k >= 0 && k < FK_COUNT ? kind_names[k] : "none";
}

static bool same(const struct finding *f, enum finding_kind k, const unsigned *fr, size_t n)
{
	return f->kind == k && f->nframes == n && (!n || !memcmp(f->frames, fr, n * sizeof(*fr)));
}

void findings_add(struct findings *fs, enum finding_kind k, const unsigned *frames,
		  size_t nframes, const char *text)
{
	unsigned fr[FINDING_FRAMES_MAX];
	size_t n = 0;

	for (size_t i = 0; i < nframes && n < FINDING_FRAMES_MAX; i++) {
		bool dup = !frames[i];
		for (size_t j = 0; j < n && !dup; j++)
			dup = fr[j] == frames[i];
		if (!dup)
			fr[n++] = frames[i];
	}
	for (size_t i = 1; i < n; i++) /* ascending, so equal sets compare equal */
		for (size_t j = i; j > 0 && fr[j - 1] > fr[j]; j--) {
			unsigned t = fr[j];
			fr[j] = fr[j - 1];
			fr[j - 1] = t;
		}
	for (size_t i = 0; i < fs->n; i++)
		if (same(&fs->f[i], k, fr, n))
			return;
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 16;
		struct finding *nf = realloc(fs->f, cap * sizeof(*nf));
		if (!nf)
			return;
		fs->f = nf;
		fs->cap = cap;
	}
	struct finding *f = &fs->f[fs->n++];
	f->kind = k;
	memcpy(f->frames, fr, n * sizeof(*fr));
	f->nframes = n;
	snprintf(f->text, sizeof(f->text), "%s", text);
}

void findings_free(struct findings *fs)
{
	free(fs->f);
	memset(fs, 0, sizeof(*fs));
}
