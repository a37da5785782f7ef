#include "report.h"

int report_html(FILE *fp, const struct analysis *an)
{
	(void)an;
	return fputs("<!DOCTYPE html>\n", fp) < 0 ? -1 : 0;
}
