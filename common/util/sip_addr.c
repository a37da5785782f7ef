/* sip:IP[:PORT] check (see sip_addr.h). */
#include "sip_addr.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

int sip_addr_check(const char *uri, bool need_port)
{
	const char *h = uri + 4, *end, *colon;
	char host[64];
	unsigned char a[16];
	size_t hl;
	bool v6;

	if (strncasecmp(uri, "sip:", 4))
		return -1;
	end = h + strcspn(h, ";");
	v6 = *h == '[';
	colon = v6 ? memchr(h, ']', (size_t)(end - h)) : memchr(h, ':', (size_t)(end - h));
	/* "[v6]" then ":" or the end; NULL + 1 would be UB, so test first */
	if (v6 && (!colon || (colon + 1 < end && colon[1] != ':')))
		return -1;
	if (v6)
		colon++;
	if (!colon || colon > end)
		colon = end;
	hl = (size_t)(colon - h) - (v6 ? 2 : 0);
	if (hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, h + v6, hl);
	host[hl] = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, host, a) != 1)
		return -1;
	if (colon == end)
		return need_port ? -1 : 0;
	/* ":" then 1..5 digits, at most 65535 */
	size_t pl = (size_t)(end - colon - 1);
	unsigned long port = 0;

	if (pl < 1 || pl > 5 || strspn(colon + 1, "0123456789") < pl)
		return -1;
	for (size_t i = 0; i < pl; i++)
		port = port * 10 + (unsigned long)(colon[1 + i] - '0');
	return port <= 65535 ? 0 : -1;
}
