/*
 * counters.c - names, help and printing of the stack-wide counters (the
 * X-macro list in ts_counters.h is the single source of all three).
 */
#include <inttypes.h>
#include <stdio.h>

#include "stack_internal.h"

static const char *const counter_names[TS_C_COUNT] = {
#define TS_COUNTER_NAME(id, name, help) [TS_C_##id] = name,
	TS_COUNTER_LIST(TS_COUNTER_NAME)
#undef TS_COUNTER_NAME
};

static const char *const counter_help[TS_C_COUNT] = {
#define TS_COUNTER_HELP(id, name, help) [TS_C_##id] = help,
	TS_COUNTER_LIST(TS_COUNTER_HELP)
#undef TS_COUNTER_HELP
};

const char *ts_counter_name(enum ts_counter c)
{
	if ((unsigned)c >= TS_C_COUNT)
		return "unknown";
	return counter_names[c];
}

const char *ts_counter_help(enum ts_counter c)
{
	if ((unsigned)c >= TS_C_COUNT)
		return "not a tcpstack counter";
	return counter_help[c];
}

const uint64_t *ts_counters(const struct ts_stack *st)
{
	return st->counters;
}

void ts_counters_print(const struct ts_stack *st, bool all,
		       void (*fn)(void *ctx, const char *line), void *ctx)
{
	char line[128];
	unsigned i;

	for (i = 0; i < TS_C_COUNT; i++) {
		if (!all && st->counters[i] == 0)
			continue;
		snprintf(line, sizeof(line), "%s %" PRIu64, counter_names[i],
			 st->counters[i]);
		fn(ctx, line);
	}
}
