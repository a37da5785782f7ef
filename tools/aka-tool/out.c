/* Output for aka-tool: readable "Label  value" lines by default, or one
 * JSON object (--json) with the contract's keys. */
#include "tool.h"
#include "util/hex.h"
#include "util/json.h"

#include <stdio.h>

static bool as_json;
static struct json js;

void out_begin(bool json)
{
	as_json = json;
	if (json)
		json_begin(&js, stdout);
}

void out_end(void)
{
	if (as_json)
		json_end(&js);
}

void out_str(const char *key, const char *label, const char *v)
{
	if (as_json)
		json_str(&js, key, v);
	else
		printf("%-10s %s\n", label, v);
}

void out_hex(const char *key, const char *label, const uint8_t *v, size_t len)
{
	char hex[2 * 64 + 1];

	if (len > 64)
		len = 64;
	hex_encode(v, len, hex);
	out_str(key, label, hex);
}

void out_bool(const char *key, const char *label, bool v)
{
	if (as_json)
		json_bool(&js, key, v);
	else
		printf("%-10s %s\n", label, v ? "yes" : "no");
}
