/* Scenario files: one registration flow each, human-readable, parsed with
 * errors as file:line (format in scenarios/README.md). */
#ifndef UE_SCENARIO_H
#define UE_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ue.h"

#define SCN_MAX_STEPS 96
#define SCN_MAX_STATUS 8
#define SCN_MAX_LINES 16

enum scn_op {
	SCN_REGISTER, SCN_ANSWER, SCN_REREGISTER, SCN_DEREGISTER, SCN_QUERY, /* requests */
	SCN_WAIT,
	SCN_EXPECT_STATUS,     /* expect status 200 | 4xx | 403 404 */
	SCN_EXPECT_HEADER,     /* expect header NAME contains|is|absent|present [TEXT] */
	SCN_EXPECT_USIM,       /* expect usim ok|mac-failure|sync-failure|none */
	SCN_EXPECT_CHALLENGES, /* expect challenges N */
	SCN_EXPECT_SQN_UP,     /* expect sqn-increased */
	SCN_EXPECT_ALG,        /* expect algorithm AKAv1-MD5 */
	SCN_EXPECT_RETRIES,    /* expect retries N (503 Retry-After honoured) */
	SCN_HSS_FAULT,         /* hss fault add|del|clear ... (through the fault hook) */
	SCN_SCSCF_FAULT,       /* scscf fault RULE|clear (through the fault hook) */
	SCN_EXPECT_BINDINGS,   /* expect bindings N (Contacts with a non-zero expiry) */
};

enum scn_cmp { SCN_CMP_CONTAINS, SCN_CMP_IS, SCN_CMP_ABSENT, SCN_CMP_PRESENT };

struct scn_step {
	enum scn_op op;
	int line;
	/* requests */
	bool auto_answer, corrupt;
	int expires;              /* -1: the UE's */
	/* wait */
	unsigned ms;
	/* expectations */
	int status[SCN_MAX_STATUS]; /* 200, or -4 for "4xx" */
	size_t nstatus;
	enum scn_cmp cmp;
	char name[64];
	char text[512];
	int number;               /* challenges N, usim result (AKA_*), algorithm */
	char only[24];            /* "[NAME] step": only with `ue-sim run --scscf NAME` */
};

struct scenario {
	char path[512];
	char title[256];
	struct ue_cfg ue;
	bool have_k, have_op;
	const char *op_key;       /* "op" or "top": which the file used (for errors) */
	char *hss[SCN_MAX_LINES];     /* hss-ctl argument lines (the runner provisions) */
	size_t nhss;
	char *network[SCN_MAX_LINES]; /* network lines (runner setup hints) */
	size_t nnetwork;
	struct scn_step steps[SCN_MAX_STEPS];
	size_t nsteps;
	char pool[16384];             /* strings the cfg points to */
	size_t pool_used;
};

/* Parses a file; 0, or -1 with "file:line: reason" in err. */
int scenario_parse_file(const char *path, struct scenario *s, char *err, size_t errsz);
/* Same from a string (tests); `name` stands for the file name. */
int scenario_parse_string(const char *name, const char *text, struct scenario *s, char *err,
			  size_t errsz);
const char *scn_op_name(enum scn_op op);

#endif
