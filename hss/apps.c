/* The Diameter applications hssd serves (hss/app.h): the one place that
 * names them. The core advertises, routes and ticks exactly these. */
#include "cx.h"
#include "s6a.h"

const struct hss_app *const hss_apps[] = { &cx_app, &s6a_app, NULL };
