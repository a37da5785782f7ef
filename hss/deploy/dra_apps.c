/* dra_apps.fdx: a freeDiameterd extension for the agent of hss/deploy/.
 *
 * Debian's freeDiameterd is a pure relay: its CER/CEA advertise only the
 * Relay application (0xffffffff, RFC 6733 §2.4). Kamailio's cdp routes a
 * request only to a peer whose CER/CEA named the request's application
 * (cdp routing.c: peer_handles_application), so it never sends a Cx MAR to
 * a relay. This extension makes freeDiameterd advertise Cx (16777216) and
 * S6a (16777251) as Vendor-Specific-Application-Id {10415, id}, as a
 * Diameter relay agent in front of an HSS does, and nothing else: the
 * agent's realm differs from the HSS realm (dra.conf), so freeDiameterd
 * still forwards every Cx/S6a request on its Destination-Realm/-Host
 * instead of delivering it locally. No handler is registered.
 *
 * Built only when libfreediameter-dev is installed (hss/deploy/CMakeLists.txt);
 * loaded with `LoadExtension = "…/dra_apps.fdx";` in dra.conf. */
#include <freeDiameter/extension.h>

#define VENDOR_3GPP 10415

static char vendor_name[] = "3GPP";
static char cx_name[] = "3GPP Cx";
static char s6a_name[] = "3GPP S6a/S6d";

static struct dict_application_data apps[] = {
	{ 16777216, cx_name },  /* TS 29.229 §6 */
	{ 16777251, s6a_name }, /* TS 29.272 §7.1.8 */
};

/* The dictionary object of `what` (searched by `by`), created from `data`
 * when the dictionaries loaded so far (dict_dcca_3gpp, …) lack it. */
static int find_or_new(enum dict_object_type type, int by, void *what, void *data,
		       struct dict_object *parent, struct dict_object **obj)
{
	int ret = fd_dict_search(fd_g_config->cnf_dict, type, by, what, obj, ENOENT);

	if (ret == ENOENT)
		ret = fd_dict_new(fd_g_config->cnf_dict, type, data, parent, obj);
	return ret;
}

static int dra_apps_entry(char *conffile)
{
	vendor_id_t vid = VENDOR_3GPP;
	struct dict_vendor_data vd = { VENDOR_3GPP, vendor_name };
	struct dict_object *vendor = NULL, *app = NULL;
	size_t i;

	(void)conffile;
	CHECK_FCT(find_or_new(DICT_VENDOR, VENDOR_BY_ID, &vid, &vd, NULL, &vendor));
	for (i = 0; i < sizeof(apps) / sizeof(apps[0]); i++) {
		CHECK_FCT(find_or_new(DICT_APPLICATION, APPLICATION_BY_ID, &apps[i].application_id,
				      &apps[i], vendor, &app));
		/* auth application: Vendor-Specific-Application-Id {10415, id} */
		CHECK_FCT(fd_disp_app_support(app, vendor, 1, 0));
	}
	return 0;
}

EXTENSION_ENTRY("dra_apps", dra_apps_entry);
