/* The rule sets (rules.h) and their look-ups. Each application's tables
 * live in its own file (rules_base.c, rules_cx.c, rules_s6a.c); this one
 * only lists them. */
#include "rules.h"

#include "codes.h"

const struct diam_rule_set *const diam_rule_sets[] = {
	&diam_rules_base, &diam_rules_cx, &diam_rules_s6a, NULL,
};

static const struct diam_cmd_rules *find_cmd(const struct diam_rule_set *set, uint32_t app_id,
					     uint32_t code, bool request)
{
	if (set->app_id != app_id)
		return NULL;
	for (size_t i = 0; i < set->ncmds; i++)
		if (set->cmds[i].code == code && set->cmds[i].request == request)
			return &set->cmds[i];
	return NULL;
}

const struct diam_cmd_rules *diam_rules_cmd_in(const struct diam_rule_set *const *sets,
					       uint32_t app_id, uint32_t code, bool request)
{
	const struct diam_cmd_rules *r = find_cmd(&diam_rules_base, app_id, code, request);

	for (const struct diam_rule_set *const *s = sets ? sets : diam_rule_sets; !r && *s; s++)
		r = find_cmd(*s, app_id, code, request);
	return r;
}

const struct diam_cmd_rules *diam_rules_cmd(uint32_t app_id, uint32_t code, bool request)
{
	return diam_rules_cmd_in(NULL, app_id, code, request);
}

const struct diam_group_rules *diam_rules_group(uint32_t code, uint32_t vendor)
{
	for (const struct diam_rule_set *const *s = diam_rule_sets; *s; s++)
		for (size_t i = 0; i < (*s)->ngroups; i++)
			if ((*s)->groups[i].code == code && (*s)->groups[i].vendor == vendor)
				return &(*s)->groups[i];
	return NULL;
}
