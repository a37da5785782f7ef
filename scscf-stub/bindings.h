/* Registration bindings (RFC 3261 §10.3, TS 24.229 §5.4.1.2.2): per
 * registered IMPU, its IMPI, the contacts with their expiry, the Path to
 * echo, and the service profile learnt from the SAA and updated by the
 * HSS's Push-Profile-Requests: the implicit set (P-Associated-URI), its
 * barred identities, the iFC, the charging names.
 * In memory only; a JSON dump serves SIGUSR1 / --state-file. Time is
 * passed in (monotonic ms). The store owns everything it returns; record
 * pointers stay valid until bind_del, bind_del_impi or bind_expire. */
#ifndef SCSCF_BINDINGS_H
#define SCSCF_BINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BIND_URI_MAX 512
#define BIND_MAX_CONTACTS 16

struct binding_contact {
	char uri[BIND_URI_MAX];     /* the URI inside <> */
	char params[BIND_URI_MAX];  /* ";+sip.instance=…" without expires */
	uint64_t expires_ms;
};

struct binding_rec {
	char impu[256];
	char impi[256];
	char assoc[2048];           /* P-Associated-URI value */
	char path[1024];            /* Path of the last REGISTER */
	struct {
		char barred[1024];  /* barred identities of the set, "<a>, <b>" */
		unsigned ifc;       /* InitialFilterCriteria held */
		char as[512];       /* their Application Server names */
		char ecf[256];      /* Primary-Event-Charging-Function-Name */
		char ccf[256];      /* Primary-Charging-Collection-Function-Name */
		unsigned pushed;    /* PPRs applied */
	} profile;
	/* n in use of cap allocated (up to BIND_MAX_CONTACTS): a record
	 * holds the contacts it has, not room for 16 (≈ 16 KB a record, most
	 * of a registered user's memory with one contact; issue 14). */
	struct binding_contact *c;
	size_t n, cap;
	struct binding_rec *next;
};

struct bstore;
struct bstore *bstore_new(void);
void bstore_free(struct bstore *s);

struct binding_rec *bind_find(struct bstore *s, const char *impu);
/* Finds or creates (NULL on ENOMEM). */
struct binding_rec *bind_get(struct bstore *s, const char *impu, const char *impi);
void bind_del(struct bstore *s, const char *impu);
/* Drops every record of an IMPI (RTR). Returns how many. */
size_t bind_del_impi(struct bstore *s, const char *impi);
/* Drops the IMPI's records whose IMPU is `impu` or has it in its implicit
 * set (TS 24.229 §5.4.1.5: the whole set goes together). */
size_t bind_del_matching(struct bstore *s, const char *impi, const char *impu);

/* Calls fn for every record of an IMPI; returns how many there are. */
size_t bind_foreach_impi(struct bstore *s, const char *impi,
			 void (*fn)(void *arg, struct binding_rec *r), void *arg);

/* Adds/refreshes a contact, or removes it when expires_s == 0.
 * -ENOSPC when BIND_MAX_CONTACTS are in use, -EINVAL on a too long URI,
 * -ENOMEM when there is no memory for one more. */
int bind_set_contact(struct binding_rec *r, const char *uri, const char *params,
		     unsigned expires_s, uint64_t now_ms);
void bind_clear_contacts(struct binding_rec *r);
/* Drops expired contacts of r; true when none is left. */
bool bind_prune(struct binding_rec *r, uint64_t now_ms);

/* Contact header value "<uri>params;expires=N, …"; "" when none. */
int bind_format_contacts(const struct binding_rec *r, uint64_t now_ms, char *out,
			 size_t outsz);

/* Removes records whose contacts have all expired, calling gone() first
 * for each (to send SAR TIMEOUT_DEREGISTRATION). Returns how many. */
size_t bind_expire(struct bstore *s, uint64_t now_ms,
		   void (*gone)(void *arg, const struct binding_rec *r), void *arg);

size_t bind_count(const struct bstore *s);
/* Contacts of all records (metrics). */
size_t bind_contact_count(const struct bstore *s);
/* {"bindings":[{"impu":…,"impi":…,"associated_uris":…,"path":…,
 *   "contacts":[{"uri":…,"params":…,"expires":N}],
 *   "profile":{"barred":…,"ifc":N,"application_servers":…,"ecf":…,"ccf":…,
 *   "pushed":N}}]} */
void bind_dump_json(const struct bstore *s, uint64_t now_ms, FILE *fp);

#endif
